"""The DuckDB store: one file, tables generated from :mod:`nestor.models`, written in batches.

Design notes
------------
* Each batch of articles is written in **one transaction** together with every record derived
  from them (sentences, mentions, events, ...), its near-duplicate index rows and the run's skips.
  A crash leaves the store as it was after the last committed batch; a rerun skips articles whose
  id (hash of the cleaned text) is stored and so finishes the job without duplicates.
* The writer opens the file only for the duration of a batch (:meth:`Store.batch`), so that
  readers in other processes (``nestor serve``, ``nestor events``) can get in between batches.
  DuckDB allows one writing process; readers open ``read_only`` and retry briefly when the
  writer holds the lock (:func:`connect`).
* Columns come from the dataclasses' type hints (:func:`ddl_for`), so the models are the single
  source of truth for the schema.
"""
from __future__ import annotations

import dataclasses
import json
import os
import socket
import time
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from . import models as m
from .errors import StoreError

SCHEMA_VERSION = 2     # 2: date intervals (articles.published_from/_to/_precision, events.date_article)

# table name -> (dataclass, primary key columns or None)
RECORD_TABLES: dict[str, tuple[type, tuple[str, ...] | None]] = {
    "articles": (m.Article, ("id",)),
    "sentences": (m.Sentence, ("article_id", "idx")),
    "entities": (m.Entity, None),
    "mentions": (m.Mention, None),
    "timexes": (m.TimeExpr, None),
    "events": (m.Event, ("id",)),
    "claims": (m.Claim, ("id",)),
    "accords": (m.Accord, ("id",)),
}
# ArticleResult attribute -> table
RESULT_FIELDS = {
    "sentences": "sentences",
    "entities": "entities",
    "mentions": "mentions",
    "timexes": "timexes",
    "events": "events",
    "claims": "claims",
    "accords": "accords",
}

_SQL_TYPES: dict[Any, str] = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN", date: "DATE"}
_ARROW_TYPES: dict[Any, pa.DataType] = {
    str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(), date: pa.date32(),
}


def _base_type(tp: Any) -> tuple[Any, bool]:
    """(base python type, is_list) of a field annotation, optionals unwrapped."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _base_type(args[0])
    if origin is list:
        return typing.get_args(tp)[0], True
    return tp, False


def fields_of(cls: type) -> list[tuple[str, Any, bool]]:
    hints = typing.get_type_hints(cls, vars(m))  # models use dt.date
    out = []
    for f in dataclasses.fields(cls):
        base, is_list = _base_type(hints[f.name])
        out.append((f.name, base, is_list))
    return out


def ddl_for(table: str, cls: type, key: tuple[str, ...] | None) -> str:
    cols = []
    for name, base, is_list in fields_of(cls):
        sql = _SQL_TYPES[base] + ("[]" if is_list else "")
        cols.append(f'"{name}" {sql}')
    if key:
        cols.append(f"PRIMARY KEY ({', '.join(key)})")
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  " + ",\n  ".join(cols) + "\n)"


def arrow_schema(cls: type) -> pa.Schema:
    return pa.schema(
        [(n, pa.list_(_ARROW_TYPES[b]) if lst else _ARROW_TYPES[b]) for n, b, lst in fields_of(cls)]
    )


def to_arrow(cls: type, records: Sequence[Any]) -> pa.Table:
    schema = arrow_schema(cls)
    cols = {name: [getattr(r, name) for r in records] for name in schema.names}
    return pa.table(cols, schema=schema)


EXTRA_DDL = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, status VARCHAR,
        paths VARCHAR, settings VARCHAR, files BIGINT, articles BIGINT, stored BIGINT,
        already_stored BIGINT, duplicates BIGINT, non_english BIGINT, skipped BIGINT,
        warnings BIGINT, durations VARCHAR, pid BIGINT, host VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS skips (
        run_id VARCHAR, path VARCHAR, reason VARCHAR, detail VARCHAR, skipped_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS warnings (run_id VARCHAR, article_id VARCHAR, message VARCHAR)""",
    # near-duplicate index: one row per (band, hash) of an article's MinHash signature
    """CREATE TABLE IF NOT EXISTS lsh_bands (band INTEGER, hash UBIGINT, article_id VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS signatures (article_id VARCHAR PRIMARY KEY, sig UBIGINT[])""",
]


def connect(path: str | Path, read_only: bool = False, retries: int = 50) -> duckdb.DuckDBPyConnection:
    """Open the store; readers wait (up to ~5 s) while a writer holds the file lock."""
    path = str(path)
    if read_only and not Path(path).exists():
        raise StoreError(f"{path}: no such store (run `nestor run PATH --db {path}` first)")
    last: Exception | None = None
    for _ in range(max(1, retries)):
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as e:  # lock held by a writer in another process
            last = e
            if "lock" not in str(e).lower():
                break
            time.sleep(0.1)
        except duckdb.Error as e:
            raise StoreError(f"{path}: cannot open as a nestor store ({e})") from e
    raise StoreError(f"{path}: cannot open ({last})")


def check_schema(con: duckdb.DuckDBPyConnection, path: str | Path = "") -> None:
    """Raise a StoreError naming the fix when a record table lacks a column of its dataclass
    (a store written by an older nestor)."""
    have: dict[str, set[str]] = {}
    for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall():
        have.setdefault(t, set()).add(c)
    for table, (cls, _key) in RECORD_TABLES.items():
        if table not in have:
            continue
        missing = [n for n, _b, _l in fields_of(cls) if n not in have[table]]
        if missing:
            raise StoreError(
                f"{path or 'store'}: written by an older nestor (table {table} lacks {', '.join(missing[:4])}); "
                f"this version (schema {SCHEMA_VERSION}) cannot use it: delete the file and run `nestor run` again, "
                f"or give a new --db")


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    check_schema(con)
    for table, (cls, key) in RECORD_TABLES.items():
        con.execute(ddl_for(table, cls, key))
    for ddl in EXTRA_DDL:
        con.execute(ddl)
    for hook in _SCHEMA_HOOKS:
        hook(con)
    con.execute(
        "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING", [str(SCHEMA_VERSION)]
    )


# Corpus-level stages (stories, ...) register their own DDL here at import time.
_SCHEMA_HOOKS: list[Any] = []


def register_schema(hook: Any) -> Any:
    _SCHEMA_HOOKS.append(hook)
    return hook


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _json_default(o: Any) -> Any:
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    raise TypeError(type(o))


class Store:
    """A nestor DuckDB file. Writers use :meth:`batch`; readers use :meth:`reader` or :meth:`query`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    # ---- connections -------------------------------------------------------------------
    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(self.path)
        try:
            check_schema(con, self.path)
            init_schema(con)
            yield con
        finally:
            con.close()

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `nestor run PATH --db {self.path}` first)")
        con = connect(self.path, read_only=True)
        try:
            check_schema(con, self.path)
            yield con
        finally:
            con.close()

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a read-only query and return rows as dicts."""
        with self.reader() as con:
            cur = con.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def has_table(self, con: duckdb.DuckDBPyConnection, name: str) -> bool:
        return bool(con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[0][0])

    # ---- writing -----------------------------------------------------------------------
    @staticmethod
    def existing_ids(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        if not ids:
            return set()
        rows = con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest(?))", [ids]).fetchall()
        return {r[0] for r in rows}

    @staticmethod
    def write_results(
        con: duckdb.DuckDBPyConnection,
        results: Sequence[m.ArticleResult],
        run_id: str,
        skips: Sequence[m.Skip] = (),
        bands: Sequence[tuple[int, int, str]] = (),
        signatures: Sequence[tuple[str, list[int]]] = (),
    ) -> None:
        """Write one batch in one transaction (all or nothing)."""
        con.execute("BEGIN TRANSACTION")
        try:
            arts = [r.article for r in results]
            if arts:
                con.register("_batch", to_arrow(m.Article, arts))
                con.execute("INSERT INTO articles SELECT * FROM _batch ON CONFLICT DO NOTHING")
                con.unregister("_batch")
            for attr, table in RESULT_FIELDS.items():
                recs = [x for r in results for x in getattr(r, attr)]
                if not recs:
                    continue
                cls, key = RECORD_TABLES[table]
                con.register("_batch", to_arrow(cls, recs))
                conflict = " ON CONFLICT DO NOTHING" if key else ""
                con.execute(f"INSERT INTO {table} SELECT * FROM _batch{conflict}")
                con.unregister("_batch")
            warn = [(run_id, r.article.id, w) for r in results for w in r.warnings]
            if warn:
                con.executemany("INSERT INTO warnings VALUES (?, ?, ?)", warn)
            if skips:
                now = datetime.now()
                con.executemany("INSERT INTO skips VALUES (?, ?, ?, ?, ?)",
                                [(run_id, s.path, s.reason, s.detail, now) for s in skips])
            # executemany is slow in DuckDB (a statement per row): insert through Arrow instead
            if bands:
                con.register("_bands", pa.table({"band": pa.array([b[0] for b in bands], pa.int32()),
                                                  "hash": pa.array([b[1] for b in bands], pa.uint64()),
                                                  "article_id": [b[2] for b in bands]}))
                con.execute("INSERT INTO lsh_bands SELECT * FROM _bands")
                con.unregister("_bands")
            if signatures:
                con.register("_sigs", pa.table({"article_id": [a for a, _ in signatures],
                                                 "sig": pa.array([s for _, s in signatures], pa.list_(pa.uint64()))}))
                con.execute("INSERT INTO signatures SELECT * FROM _sigs ON CONFLICT DO NOTHING")
                con.unregister("_sigs")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    @staticmethod
    def start_run(con: duckdb.DuckDBPyConnection, run_id: str, paths: Sequence[str], settings: Any) -> None:
        settings_json = json.dumps(dataclasses.asdict(settings), default=_json_default)
        host = socket.gethostname()
        # runs left 'running' by a process that no longer exists were killed: say so
        for rid, pid in con.execute(
                "SELECT run_id, pid FROM runs WHERE status = 'running' AND host = ?", [host]).fetchall():
            if pid is None or not _alive(int(pid)):
                con.execute("UPDATE runs SET status = 'aborted' WHERE run_id = ?", [rid])
        con.execute(
            "INSERT INTO runs (run_id, started, status, paths, settings, pid, host) "
            "VALUES (?, ?, 'running', ?, ?, ?, ?)",
            [run_id, datetime.now(), json.dumps(list(paths)), settings_json, os.getpid(), host],
        )

    @staticmethod
    def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, counts: dict[str, int],
                   durations: dict[str, float]) -> None:
        con.execute(
            """UPDATE runs SET finished = ?, status = ?, files = ?, articles = ?, stored = ?,
               already_stored = ?, duplicates = ?, non_english = ?, skipped = ?, warnings = ?,
               durations = ? WHERE run_id = ?""",
            [datetime.now(), status, counts.get("files", 0), counts.get("articles", 0),
             counts.get("stored", 0), counts.get("already_stored", 0), counts.get("duplicates", 0),
             counts.get("non_english", 0), counts.get("skipped", 0), counts.get("warnings", 0),
             json.dumps({k: round(v, 3) for k, v in durations.items()}), run_id],
        )


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
