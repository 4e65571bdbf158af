"""``shotnoise derive``: print the derived equations in a chosen format."""
from __future__ import annotations

import sys

from .cli_options import FORMATS, EXPORT_MODELS


def cmd_derive(a) -> int:
    from .tasks import derive_equations
    doc = derive_equations(model=a.model, fmt=a.format)
    sys.stdout.write(doc["text"])
    return 0

def add_derive_parser(sub) -> None:
    """``shotnoise derive``."""
    d = sub.add_parser("derive", help="print the derived equations in a chosen format")
    d.add_argument("--model", default="mpr", choices=EXPORT_MODELS)
    d.add_argument("--format", default="latex", choices=FORMATS)
    d.set_defaults(func=cmd_derive)
