"""Shared pieces of the CLI: the app, options every listing takes, and output (table or JSON)."""
from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..config import DEFAULT_DB

app = typer.Typer(
    name="nestor",
    help="Evidence-linked political event data and timelines from news articles, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def to_terminal() -> bool:
    """Whether stdout is a terminal: the file itself, not Rich's guess (FORCE_COLOR or TTY_COMPATIBLE
    in the environment make Rich draw tables into pipes, which is what this avoids)."""
    try:
        return sys.stdout.isatty()
    except (ValueError, AttributeError):  # closed or replaced stdout
        return False


class _Console(Console):
    """A console that never wraps lines when its output is not a terminal (a pipe or a file), so
    `nestor show ID | grep Putin` finds whole lines; at a terminal it wraps to the window."""

    @property
    def soft_wrap(self) -> bool:
        return self._soft_wrap or not to_terminal()

    @soft_wrap.setter
    def soft_wrap(self, value: bool) -> None:
        self._soft_wrap = value


#: stdout: listings and results only (what a script reads). Status messages go to console_err.
console = _Console(highlight=False, soft_wrap=False)
console_err = Console(stderr=True, highlight=False)

DbOpt = Annotated[str, typer.Option("--db", help="DuckDB store file.", envvar="NESTOR_DB")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (one array) instead of a table.")]
LimitOpt = Annotated[int, typer.Option("--limit", help="At most this many rows.", min=0, max=10_000)]
DEFAULT_DB_VALUE = DEFAULT_DB


def jsonable(o: Any) -> Any:
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    if isinstance(o, Decimal):
        return float(o)
    if isinstance(o, dict):
        return {k: jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    return o


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, indent=1) + "\n")


def emit(rows: Sequence[dict[str, Any]], columns: Sequence[str | tuple[str, str]], as_json: bool,
         title: str | None = None, empty: str = "nothing to show") -> None:
    """Print rows as a Rich table (chosen columns) at a terminal, as tab-separated lines with a
    header when stdout is a pipe or a file (never wrapped, one record a line), or, with --json,
    as full JSON records. Messages (empty result, title) go to stderr, so stdout is data only."""
    if as_json:
        print_json(list(rows))
        return
    if not rows:
        console_err.print(f"[dim]{empty}[/]")
        return
    cols = [(c, c) if isinstance(c, str) else c for c in columns]
    if not to_terminal():
        if title:
            console_err.print(f"[bold]{title}[/]")
        write_tsv(rows, cols)
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for _, label in cols:
        table.add_column(label, overflow="fold")
    for r in rows:
        table.add_row(*[_cell(r.get(k)) for k, _ in cols])
    console.print(table)


def write_tsv(rows: Sequence[dict[str, Any]], cols: Sequence[tuple[str, str]]) -> None:
    """Header line of labels, then one line per row; tabs and line breaks in a cell become spaces."""
    out = sys.stdout
    out.write("\t".join(_tsv(label) for _, label in cols) + "\n")
    for r in rows:
        out.write("\t".join(_tsv(_plain(r.get(k))) for k, _ in cols) + "\n")
    out.flush()


def _tsv(s: str) -> str:
    return " ".join(s.split("\t")).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _plain(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return str(v).strip()


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1e6 else f"{v:,.0f}"
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    from rich.markup import escape

    return escape(str(v).strip())


def parse_date_opt(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value if len(value) > 7 else (value + "-01" if len(value) == 7 else value + "-01-01"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", param_hint=name) from None
