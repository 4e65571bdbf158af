"""Fast numerical kernels (numba) built from the symbolic theory.

The compiled kernels live in generated modules under ``_generated`` (written by
:mod:`shotnoise.numerics.codegen` from the sympy expressions of
``shotnoise.theory``); importing this subpackage does not import sympy.
"""
