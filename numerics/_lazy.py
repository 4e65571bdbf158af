"""Lazy public names of a package (PEP 562): the module is imported on first attribute access."""
from __future__ import annotations

import importlib


def lazy_exports(package: str, exports: dict):
    """(__getattr__, __dir__, __all__) for ``package`` exporting name -> module (relative or absolute)."""
    names = sorted(exports)

    def __getattr__(name: str):
        if name in exports:
            return getattr(importlib.import_module(exports[name], package), name)
        raise AttributeError("module %r has no attribute %r" % (package, name))

    def __dir__():
        return names

    return __getattr__, __dir__, names
