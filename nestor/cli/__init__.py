"""The ``nestor`` command: a thin layer over :mod:`nestor.api` and :class:`nestor.Pipeline`.

Each area of the CLI lives in its own module of this package (``core``, and one per stage) and
registers its commands on :data:`app`; all of them are imported on first use of ``app``.
Library errors (:class:`nestor.errors.NestorError`) become a one-line message and exit status 2.

:func:`main` first checks the run-time dependencies the command needs (:mod:`nestor.preflight`,
standard library only) and stops with one line naming the package and the fix, exit status 2,
before anything heavy is imported and before anything is written.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from typing import Any

from .. import preflight


def load_commands() -> Any:
    """Import every command module (they register on the app) and return the Typer app."""
    from .common import app

    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if mod != "common":
            importlib.import_module(f"{__name__}.{mod}")
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def command_of(argv: list[str]) -> tuple[str | None, str]:
    """The subcommand (the first argument: the app itself takes no option with a value) and the
    ``--model`` value, for the dependency check."""
    command = argv[0] if argv and not argv[0].startswith("-") else None
    model = "auto"
    for i, a in enumerate(argv):
        if a == "--model" and i + 1 < len(argv):
            model = argv[i + 1]
        elif a.startswith("--model="):
            model = a.split("=", 1)[1]
    return command, model


def option_of(argv: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` in ``argv`` (the last one), else None."""
    value = None
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            value = argv[i + 1]
        elif a.startswith(name + "="):
            value = a.split("=", 1)[1]
    return value


def start_pool_early(argv: list[str]) -> None:
    """For ``nestor run`` with a process pool: start the pool's fork server before the command's
    modules (DuckDB, Arrow, the pipeline: about 1 CPU s) are imported, so that the server loads the
    model, the knowledge base and the gazetteer on another core meanwhile. Only an optimisation: the
    run checks its arguments itself, and its pool loads its own workers if these settings differ."""
    import logging

    from ..config import Settings
    from ..engine import start_pool_server

    if option_of(argv, "--engine") not in (None, "local"):
        return
    try:
        workers = option_of(argv, "--workers")
        settings = Settings.from_overrides(workers=int(workers) if workers is not None else None,
                                           model=option_of(argv, "--model") or "auto",   # as the command
                                           kb_extra=option_of(argv, "--kb"))
        if workers is None and "NESTOR_WORKERS" not in os.environ:
            settings = settings.with_(workers=0)     # the command's default: every core
    except Exception as e:   # a bad value: the command reports it with its own message
        logging.getLogger("nestor").debug("fork server not started early: %s", e)
        return
    if settings.worker_count > 1:
        start_pool_server(settings)


def main() -> None:
    argv = sys.argv[1:]
    if not {"--help", "-h"} & set(argv):
        command, model = command_of(argv)
        plot = any(a == "--plot" or a.startswith("--plot=") for a in argv)
        found = preflight.problems(command, model, plot=plot)
        if found:
            sys.stderr.write(found[0].line() + "\n")
            sys.exit(2)
        if command == "run":
            start_pool_early(argv)
    from ..errors import NestorError

    app = load_commands()
    try:
        app(standalone_mode=True)
    except NestorError as e:
        from rich.markup import escape

        from .common import console_err

        console_err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
        sys.exit(2)


__all__ = ["app", "load_commands", "main"]
