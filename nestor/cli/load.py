"""Command: load (Spark output into a store)."""
from __future__ import annotations

from typing import Annotated

import typer

from .common import DbOpt, JsonOpt, app, console, print_json


@app.command()
def load(parquet_dir: Annotated[str, typer.Argument(help="Folder written by `nestor run --engine spark`.")],
         db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False) -> None:
    """Load Parquet output of the Spark engine into a DuckDB store, then build stories."""
    from ..engine.spark import load as do_load

    counts = do_load(parquet_dir, db)
    if as_json:
        print_json(counts)
    else:
        console.print("loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
