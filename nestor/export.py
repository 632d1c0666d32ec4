"""Exports of the store's tables: ``jsonl``, ``csv`` and ``parquet`` (one file per table).

Field-level documentation of every table is in ``docs/records.md``.
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError
from .store import RECORD_TABLES, Store

FORMATS = ("jsonl", "csv", "parquet")
DEFAULT_TABLES = tuple(t for t in RECORD_TABLES if t not in ("sentences",)) + ("sentences",)


def export(db: str | Path, fmt: str, out: str | Path, tables: tuple[str, ...] | None = None) -> list[Path]:
    """Write each table to ``out/<table>.<fmt>``; returns the files written."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    store = Store(db)
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with store.reader() as con:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        for table in tables or DEFAULT_TABLES:
            if table not in present:
                continue
            path = outdir / f"{table}.{fmt}"
            rel = con.sql(f"SELECT * FROM {table}")
            if fmt == "parquet":
                import pyarrow.parquet as pq

                pq.write_table(rel.to_arrow_table(), path)
            elif fmt == "csv":
                import pyarrow.csv as pacsv

                tbl = rel.to_arrow_table()
                # CSV has no lists: join list columns with "|"
                import pyarrow as pa
                import pyarrow.compute as pc

                for i, field in enumerate(tbl.schema):
                    if pa.types.is_list(field.type):
                        joined = pc.binary_join(pc.cast(tbl.column(i), pa.list_(pa.string())), "|")
                        tbl = tbl.set_column(i, field.name, joined)
                pacsv.write_csv(tbl, path)
            else:
                cur = con.execute(f"SELECT * FROM {table}")
                names = [d[0] for d in cur.description]
                with open(path, "w", encoding="utf-8") as fh:
                    while chunk := cur.fetchmany(1000):
                        for row in chunk:
                            fh.write(json.dumps(dict(zip(names, row)), default=str, ensure_ascii=False) + "\n")
            written.append(path)
    return written
