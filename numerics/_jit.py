"""Helpers around numba that also work with ``NUMBA_DISABLE_JIT=1``."""
from __future__ import annotations


def pure(f):
    """The pure-Python original of a numba-compiled function (``f.py_func``), or ``f`` itself when numba
    is disabled (then ``njit`` returns plain functions, which have no ``py_func``)."""
    return getattr(f, "py_func", f)
