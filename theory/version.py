"""The installed package version, the one lookup every writer uses (exports, result files, the CLI).

A light module (no sympy), so that writing a result file or ``shotnoise --version`` does not import sympy.
"""
from __future__ import annotations


def package_version() -> str:
    """The installed shotnoise version (``importlib.metadata``), or ``"unknown"`` when it is not installed
    (a source tree used without ``pip install``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("shotnoise")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "unknown"
