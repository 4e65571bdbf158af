"""The package's own error for bad user input.

:class:`ParameterError` is a ``ValueError`` subclass raised by every validating
wrapper (theory, numerics and validation) when a parameter is outside its
allowed range.  The message names the parameter and the range.  The command-line
tool turns exactly this exception into exit status 2 with a one-line message;
any other exception is a bug and is shown as one.  It lives in ``theory/``
because that is the lowest layer that validates input (model and format names).
"""
from __future__ import annotations


class ParameterError(ValueError):
    """A parameter is outside its allowed range (the message names it and the range)."""
