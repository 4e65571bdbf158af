"""Generated numba kernels (see shotnoise.numerics.codegen). Do not edit."""
