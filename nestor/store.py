"""The DuckDB store: one file, tables generated from :mod:`nestor.models`, written in batches.

Design notes
------------
* The store owns its whole schema: the record tables (generated from the dataclasses' type hints
  by :func:`ddl_for`, so the models are the single source of truth for their columns), the run
  log, the near-duplicate index and the corpus tables (stories). Every table has a key, and every
  write is ``INSERT ... ON CONFLICT DO NOTHING``, so writing the same input twice adds nothing;
  but the tables of an article's own rows (sentences, entities, mentions, timexes, lsh_bands:
  :data:`ROW_KEYS`) have no primary key since schema 6. They are written only for the articles that
  their transaction inserts (below), in the same transaction, once per article, so the articles'
  key already keeps them single; their key indexes (DuckDB's ART, loaded by every batch) grew with
  the corpus, 15 MB at 1,000 articles and 59 MB at 10,000, which set the batches' memory.
* One way to write a transaction: :func:`transaction` (or :meth:`Store.transaction`). Each batch
  of articles is written in one transaction together with every record derived from them, their
  near-duplicate index rows, the run's skips and the articles' "story pending" marks
  (``story_dirty``). A crash leaves the store as it was after the last committed batch; a rerun
  skips articles whose id (hash of the cleaned text) is stored and rebuilds the stories of every
  article still marked pending, so it finishes the job without duplicates.
* Derived records are written only for articles that the transaction itself inserts: a second
  writer of the same input (another ``nestor run`` of the same folder at the same time) adds
  nothing, whatever the order in which the two runs' batches reach the file.
* A batch that fails is retried article by article, so only the article that the store rejects is
  skipped (reason ``store_error``, with the exception's type and message).
* The writer opens the file only for the duration of a batch, so that readers in other processes
  (``nestor serve``, ``nestor events``) can get in between batches. DuckDB allows one writing
  process; readers open ``read_only`` and retry briefly when the writer holds the lock, and a
  second writer waits for the lock (and says so on the ``nestor`` logger) (:func:`connect`).
* A DuckDB file that is not a nestor store (tables but no nestor ``meta``) is refused before
  anything is written to it (:func:`check_schema`).
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import time
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from . import models as m
from .errors import StoreError

# 2: keys on every table, stories declared here; 3: date intervals (articles.published_from/_to/
# _precision, events.date_article, stories.dyads/articles/date_precision); 4: events.pattern_id and
# events.target_inferred; 5: where events happened (events.place_name/place_country/place_countries/place_adm1/lat/lon/
# feature/place_geonameid/geo_precision/geo_confidence/place_source); 6: the per-article tables (sentences,
# entities, mentions, timexes, lsh_bands) have no primary key (ROW_KEYS: see the module docstring)
SCHEMA_VERSION = 6
log = logging.getLogger("nestor")

# table name -> (dataclass, primary key columns)
RECORD_TABLES: dict[str, tuple[type, tuple[str, ...] | None]] = {
    "articles": (m.Article, ("id",)),
    "sentences": (m.Sentence, None),
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
    if origin is typing.Literal:             # a closed vocabulary (nestor.vocab): stored as text
        return type(typing.get_args(tp)[0]), False
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
        cols.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in key) + ")")
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  " + ",\n  ".join(cols) + "\n)"


@cache
def arrow_schema(cls: type) -> pa.Schema:
    """The Arrow schema of a record class (made once per class: reading the type hints is slow)."""
    return pa.schema(
        [(n, pa.list_(_ARROW_TYPES[b]) if lst else _ARROW_TYPES[b]) for n, b, lst in fields_of(cls)]
    )


def to_arrow(cls: type, records: Sequence[Any]) -> pa.Table:
    """Records as an Arrow table: one ``attrgetter`` call per record reads all its fields, and the rows
    are turned into columns by ``zip`` (no Python loop per field and record)."""
    schema = arrow_schema(cls)
    names = schema.names
    if len(names) == 1:
        cols = {names[0]: [getattr(r, names[0]) for r in records]}
    elif records:
        cols = dict(zip(names, map(list, zip(*map(attrgetter(*names), records), strict=True)), strict=True))
    else:
        cols = {name: [] for name in names}
    return pa.table(cols, schema=schema)


EXTRA_DDL = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, status VARCHAR,
        paths VARCHAR, settings VARCHAR, files BIGINT, articles BIGINT, stored BIGINT,
        already_stored BIGINT, duplicates BIGINT, non_english BIGINT, skipped BIGINT,
        warnings BIGINT, durations VARCHAR, pid BIGINT, host VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS skips (
        run_id VARCHAR, path VARCHAR, reason VARCHAR, detail VARCHAR, skipped_at TIMESTAMP,
        PRIMARY KEY (run_id, path, reason))""",
    """CREATE TABLE IF NOT EXISTS warnings (run_id VARCHAR, article_id VARCHAR, message VARCHAR,
        PRIMARY KEY (article_id, message))""",
    # near-duplicate index: one row per (band, hash) of an article's MinHash signature
    """CREATE TABLE IF NOT EXISTS lsh_bands (band INTEGER, hash UBIGINT, article_id VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS signatures (article_id VARCHAR PRIMARY KEY, sig UBIGINT[])""",
    # corpus step (nestor.stories): happenings merged across articles
    """CREATE TABLE IF NOT EXISTS stories (
        id VARCHAR PRIMARY KEY, dyad VARCHAR, actor_a VARCHAR, actor_b VARCHAR, kind VARCHAR,
        date_start DATE, date_end DATE, date DATE, place VARCHAR, headline VARCHAR, headline_event VARCHAR,
        main_type VARCHAR, n_events BIGINT, n_articles BIGINT, n_sources BIGINT, mean_intensity DOUBLE,
        quad_counts VARCHAR, score DOUBLE, date_precision VARCHAR, dyads VARCHAR[], articles VARCHAR[],
        date_article VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS story_events (story_id VARCHAR, event_id VARCHAR, article_id VARCHAR,
        PRIMARY KEY (story_id, event_id))""",
    """CREATE TABLE IF NOT EXISTS story_items (story_id VARCHAR, kind VARCHAR, record_id VARCHAR,
        PRIMARY KEY (story_id, kind, record_id))""",
    # articles whose events are stored but not yet merged into stories: their dyads are "dirty".
    # Written in the batch's transaction, cleared in the stories' transaction, so a run killed
    # between the two leaves the work marked and the next run does it.
    """CREATE TABLE IF NOT EXISTS story_dirty (article_id VARCHAR PRIMARY KEY)""",
]
# keys of the tables above, for stores written by schema 1 (tables without keys: rebuilt once)
_EXTRA_KEYS = {"skips": ("run_id", "path", "reason"), "warnings": ("article_id", "message"),
               "story_events": ("story_id", "event_id"), "story_items": ("story_id", "kind", "record_id")}
# tables of an article's own rows, written only by the transaction that inserts the article (its id
# is checked first, and the articles' key rejects a second writer's): what identifies a row, which
# schema 6 no longer keeps in a primary-key index (the indexes were loaded by every batch and grew
# with the corpus: 59 MB at 10,000 articles; docs/scale.md)
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "sentences": ("article_id", "idx"), "entities": ("article_id", "start", "end", "label"),
    "mentions": ("article_id", "start", "end"), "timexes": ("article_id", "start", "end"),
    "lsh_bands": ("band", "hash", "article_id")}


def connect(path: str | Path, read_only: bool = False, retries: int | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store. Readers wait (up to ~5 s) while a writer holds the file lock; a writer waits
    (up to ~2 min) for another writer's batch and says so once on the ``nestor`` logger."""
    path = str(path)
    if read_only and not Path(path).exists():
        raise StoreError(f"{path}: no such store (run `nestor run PATH --db {path}` first)")
    if retries is None:
        retries = 50 if read_only else 1200
    last: Exception | None = None
    for attempt in range(max(1, retries)):
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as e:  # lock held by a writer in another process
            last = e
            if "lock" not in str(e).lower():
                break
            if attempt == 10 and not read_only:
                log.warning("%s: another process is writing to this store; waiting for its lock", path)
            time.sleep(0.1)
        except duckdb.Error as e:
            raise StoreError(f"{path}: cannot open as a nestor store ({e})") from e
    raise StoreError(f"{path}: cannot open ({last})")


def check_schema(con: duckdb.DuckDBPyConnection, path: str | Path) -> int | None:
    """The store's schema version, None for an empty file; StoreError for a file of another schema."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    if not tables:
        return None
    version = None
    if "meta" in tables:
        try:
            got = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
            version = int(got[0][0]) if got else None
        except (duckdb.Error, ValueError, TypeError):
            version = None
    if version is None:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(f"{path}: a DuckDB file of another schema (tables {shown}), not a nestor store; "
                         "nestor writes nothing to it: choose another --db")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: written by a newer nestor (schema {version} > {SCHEMA_VERSION}); upgrade nestor")
    return version


def check_columns(con: duckdb.DuckDBPyConnection, path: str | Path = "") -> None:
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


def init_schema(con: duckdb.DuckDBPyConnection, path: str | Path = "store") -> None:
    version = check_schema(con, path)
    if version == SCHEMA_VERSION:
        return
    if version is not None:
        check_columns(con, path)
    with transaction(con):
        for table, (cls, key) in RECORD_TABLES.items():
            con.execute(ddl_for(table, cls, key))
        for ddl in EXTRA_DDL:
            con.execute(ddl)
        if version is not None:
            _add_keys(con)
            _drop_row_keys(con)
        con.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [str(SCHEMA_VERSION)])


def _add_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 1 → 2: give the tables that had no key one (rebuilt, duplicates dropped)."""
    keyed = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
    wanted = {t: k for t, (_, k) in RECORD_TABLES.items() if k} | _EXTRA_KEYS
    ddl = {t: ddl_for(t, cls, k) for t, (cls, k) in RECORD_TABLES.items()}
    ddl |= {d.split("EXISTS ")[1].split(" ")[0].strip(): d for d in EXTRA_DDL}
    for table in wanted:
        if table in keyed:
            continue
        con.execute(f"ALTER TABLE {table} RENAME TO {table}_v1")
        con.execute(ddl[table])
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {table}_v1 ON CONFLICT DO NOTHING")
        con.execute(f"DROP TABLE {table}_v1")


def _drop_row_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Schema ≤ 5 → 6: the per-article tables (:data:`ROW_KEYS`) rebuilt without their primary key
    (one row per old key kept: a store of schema 1 may hold doubles)."""
    keyed = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
    ddl = {t: ddl_for(t, cls, k) for t, (cls, k) in RECORD_TABLES.items()}
    ddl |= {d.split("EXISTS ")[1].split(" ")[0].strip(): d for d in EXTRA_DDL}
    for table, key in ROW_KEYS.items():
        doubles = con.execute(f"SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT {_cols(key)} FROM {table})) "
                              f"FROM {table}").fetchone()
        if table not in keyed and not (doubles and doubles[0]):
            continue
        con.execute(f"ALTER TABLE {table} RENAME TO {table}_v5")
        con.execute(ddl[table])
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {table}_v5 "
                    f"QUALIFY row_number() OVER (PARTITION BY {_cols(key)}) = 1")
        con.execute(f"DROP TABLE {table}_v5")


def _cols(key: tuple[str, ...]) -> str:
    return ", ".join(f'"{k}"' for k in key)


_IN_TRANSACTION: dict[int, int] = {}     # id(connection) -> depth of the open ``transaction`` blocks


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``BEGIN`` … ``COMMIT``, or ``ROLLBACK`` on any exception. Nested use joins the outer one."""
    key = id(con)
    if key in _IN_TRANSACTION:
        _IN_TRANSACTION[key] += 1
        try:
            yield con
        finally:
            _IN_TRANSACTION[key] -= 1
        return
    con.execute("BEGIN TRANSACTION")
    _IN_TRANSACTION[key] = 1
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error as e:     # the failed COMMIT already ended the transaction
            log.debug("rollback after a failed commit: %s", e)
        raise
    finally:
        _IN_TRANSACTION.pop(key, None)


def commit_point(con: duckdb.DuckDBPyConnection) -> None:
    """Inside exactly one :func:`transaction` block (the one that began the transaction): commit
    what is written so far and go on in a new transaction, so that DuckDB's transaction-local rows
    and undo stay those of a piece of the work. Inside a caller's transaction (nested blocks) it
    does nothing: the caller's transaction holds all of the work, as the caller asked."""
    if _IN_TRANSACTION.get(id(con)) == 1:
        con.execute("COMMIT")
        con.execute("BEGIN TRANSACTION")


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
    """A nestor DuckDB file. Writers use :meth:`writer` / :meth:`transaction`; readers :meth:`reader`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    # ---- connections -------------------------------------------------------------------
    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(self.path)
        try:
            init_schema(con, self.path)
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writer connection inside one transaction."""
        with self.writer() as con, transaction(con):
            yield con

    def check(self) -> None:
        """Refuse a file of another schema before anything is written (StoreError)."""
        if not self.path.exists():
            return
        con = connect(self.path, read_only=True, retries=1200)     # waits for another writer's batch
        try:
            check_schema(con, self.path)
        finally:
            con.close()

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `nestor run PATH --db {self.path}` first)")
        con = connect(self.path, read_only=True)
        try:
            version = check_schema(con, self.path)
            if version is not None and version < SCHEMA_VERSION:
                check_columns(con, self.path)     # an older store: a clear message, not a SQL error
            yield con
        finally:
            con.close()

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a read-only query and return rows as dicts."""
        with self.reader() as con:
            cur = con.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=False)) for row in cur.fetchall()]

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
    ) -> tuple[set[str], list[m.Skip]]:
        """Write one batch in one transaction; returns (ids written, articles the store rejected).

        Articles already in the store (another writer got there first) are left as they are, with
        their records. When the batch fails, each article is retried in a transaction of its own:
        one the store rejects becomes a ``store_error`` skip (recorded with the batch's skips). If
        every article fails on its own too, the failure is not the documents': it is raised.
        """
        try:
            with transaction(con):
                return Store._write(con, results, run_id, skips, bands, signatures), []
        except Exception:
            written: set[str] = set()
            failed: list[m.Skip] = []
            for r in results:
                aid = r.article.id
                try:
                    with transaction(con):
                        written |= Store._write(con, [r], run_id, (), [b for b in bands if b[2] == aid],
                                                [s for s in signatures if s[0] == aid])
                except Exception as e:
                    failed.append(m.Skip(r.article.path, "store_error", f"{type(e).__name__}: {str(e)[:300]}"))
            if results and len(failed) == len(results):
                raise
            with transaction(con):
                Store._write(con, [], run_id, list(skips) + failed, (), ())
            return written, failed

    @staticmethod
    def _write(con: duckdb.DuckDBPyConnection, results: Sequence[m.ArticleResult], run_id: str,
               skips: Sequence[m.Skip], bands: Sequence[tuple[int, int, str]],
               signatures: Sequence[tuple[str, list[int]]]) -> set[str]:
        new = {r.article.id for r in results} - Store.existing_ids(con, (r.article.id for r in results))
        # each new article once (its own rows' tables have no key to reject a second copy: ROW_KEYS)
        once: dict[str, m.ArticleResult] = {}
        for r in results:
            if r.article.id in new:
                once.setdefault(r.article.id, r)
        results = list(once.values())
        arts = [r.article for r in results]
        if arts:
            _insert(con, "articles", to_arrow(m.Article, arts))
        for attr, table in RESULT_FIELDS.items():
            recs = [x for r in results for x in getattr(r, attr)]
            if recs:
                _insert(con, table, to_arrow(RECORD_TABLES[table][0], recs))
        warn = sorted({(run_id, r.article.id, w) for r in results for w in r.warnings})
        if warn:
            con.executemany("INSERT INTO warnings VALUES (?, ?, ?) ON CONFLICT DO NOTHING", warn)
        if skips:
            now = datetime.now()
            con.executemany("INSERT INTO skips VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                            [(run_id, s.path, s.reason, s.detail, now) for s in skips])
        # executemany is slow in DuckDB (a statement per row): insert through Arrow instead
        bands = list(dict.fromkeys(b for b in bands if b[2] in new))     # each row once (ROW_KEYS)
        if bands:
            _insert(con, "lsh_bands", pa.table({"band": pa.array([b[0] for b in bands], pa.int32()),
                                                "hash": pa.array([b[1] for b in bands], pa.uint64()),
                                                "article_id": [b[2] for b in bands]}))
        signatures = [s for s in signatures if s[0] in new]
        if signatures:
            _insert(con, "signatures", pa.table({"article_id": [a for a, _ in signatures],
                                                 "sig": pa.array([s for _, s in signatures], pa.list_(pa.uint64()))}))
        dirty = sorted(r.article.id for r in results if r.events)
        if dirty:
            con.execute("INSERT INTO story_dirty SELECT unnest(?) ON CONFLICT DO NOTHING", [dirty])
        return new

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


def _insert(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    con.register("_batch", data)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _batch" + ("" if table in ROW_KEYS else " ON CONFLICT DO NOTHING"))
    finally:
        con.unregister("_batch")


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=False)) for r in cur.fetchall()]
