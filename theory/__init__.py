"""Symbolic theory (sympy) of shot noise in next-generation neural mass models.

Nothing here imports other shotnoise subpackages.  Every equation used by the
numerics is derived in this subpackage and exported from it.
"""
