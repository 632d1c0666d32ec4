"""The ``nestor`` command: a thin layer over :mod:`nestor.api` and :class:`nestor.Pipeline`.

Each area of the CLI lives in its own module of this package (``core``, and one per stage) and
registers its commands on :data:`app`; all of them are imported here. Library errors
(:class:`nestor.errors.NestorError`) become a one-line message and exit status 2.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys

from rich.markup import escape

from ..errors import NestorError
from .common import app, console_err

for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _mod != "common":
        importlib.import_module(f"{__name__}.{_mod}")


def main() -> None:
    try:
        app(standalone_mode=True)
    except NestorError as e:
        console_err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
        sys.exit(2)


__all__ = ["app", "main"]
