"""Command: serve."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import StoreError
from .common import DbOpt, app, console


@app.command()
def serve(db: DbOpt = "nestor.duckdb",
          host: Annotated[str, typer.Option(help="Interface to listen on (loopback by default).")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000) -> None:
    """Web UI and JSON API (read-only) over the store."""
    import uvicorn

    from ..web import create_app

    if not Path(db).exists():
        raise StoreError(f"{db}: no such store (run `nestor run PATH --db {db}` first)")
    console.print(f"nestor: http://{host}:{port}/  (API docs at /docs; Ctrl-C to stop)")
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
