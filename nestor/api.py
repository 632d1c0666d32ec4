"""The Python API that the CLI and the web layer wrap: ``nestor.open(db)`` → :class:`Nestor`.

Every listing returns plain dicts (JSON-ready apart from dates), so the CLI's ``--json``, the
web API and Python users see the same records.
"""
from __future__ import annotations

import builtins
from datetime import date
from pathlib import Path
from typing import Any

from .config import DEFAULT_DB
from .errors import InputError
from .store import Store, rows

MAX_LIMIT = 10_000


def _limit(limit: int | None) -> int:
    if limit is None:
        return MAX_LIMIT
    if limit < 0 or limit > MAX_LIMIT:
        raise InputError(f"limit must be between 0 and {MAX_LIMIT}, got {limit}")
    return limit


class Nestor:
    """Read access to one store. Each call opens the file read-only briefly."""

    def __init__(self, db: str | Path = DEFAULT_DB) -> None:
        self.store = Store(db)

    def _q(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        return self.store.query(sql, params)

    # ---- articles ----------------------------------------------------------------------
    def articles(self, status: str | None = None, since: date | None = None, until: date | None = None,
                 q: str | None = None, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        where, params = ["1=1"], []
        if status:
            where.append("status = ?"); params.append(status)
        if since:
            where.append("published >= ?"); params.append(since)
        if until:
            where.append("published <= ?"); params.append(until)
        if q:
            where.append("(title ILIKE ? OR text ILIKE ?)"); params += [f"%{q}%", f"%{q}%"]
        sql = (f"SELECT id, published, date_source, title, source, status, duplicate_of, language, n_words, "
               f"path, url FROM articles WHERE {' AND '.join(where)} "
               f"ORDER BY published NULLS LAST, id LIMIT {_limit(limit)} OFFSET {int(offset)}")
        return self._q(sql, params)

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its sentences, entities, mentions and time expressions.

        ``article_id`` may be a unique prefix of the id.
        """
        with self.store.reader() as con:
            found = rows(con, "SELECT * FROM articles WHERE id LIKE ? || '%' ORDER BY id LIMIT 2", [article_id])
            if not found:
                return None
            if len(found) > 1:
                raise InputError(f"article id prefix {article_id!r} is ambiguous")
            art = found[0]
            aid = art["id"]
            for table, order in (("sentences", "idx"), ("entities", "start"), ("mentions", "start"),
                                 ("timexes", "start")):
                art[table] = rows(con, f"SELECT * EXCLUDE (article_id) FROM {table} WHERE article_id = ? "
                                       f"ORDER BY {order}", [aid])
            for table in ("events", "claims", "accords"):
                art[table] = rows(con, f"SELECT * FROM {table} WHERE article_id = ? ORDER BY sent_idx", [aid])
            art["warnings"] = [r["message"] for r in rows(
                con, "SELECT message FROM warnings WHERE article_id = ?", [aid])]
        return art

    # ---- actors and events ---------------------------------------------------------------
    def actors(self, country: str | None = None, limit: int | None = 100) -> list[dict[str, Any]]:
        """Coded actors with their mention counts (uncoded ones grouped by their text)."""
        where, params = ["1=1"], []
        if country:
            where.append("country = ?"); params.append(country.upper())
        return self._q(
            f"""SELECT coalesce(actor_id, 'uncoded:' || text) AS actor_id, any_value(actor_name) AS name,
                   any_value(kind) AS kind, any_value(country) AS country, any_value(sector) AS sector,
                   any_value(code) AS code, count(*) AS mentions, count(DISTINCT article_id) AS articles
                FROM mentions WHERE {' AND '.join(where)} AND kind <> 'place'
                GROUP BY 1 ORDER BY mentions DESC, actor_id LIMIT {_limit(limit)}""", params)

    def events(self, dyad: str | None = None, actor: str | None = None, type: str | None = None,  # noqa: A002
               quad_class: int | None = None, since: date | None = None, until: date | None = None,
               q: str | None = None, include_negated: bool = True, limit: int | None = 100,
               offset: int = 0) -> list[dict[str, Any]]:
        """Events with their evidence. ``dyad`` "RUS-CHN" matches either direction."""
        from .events import CATEGORIES

        where, params = ["1=1"], []
        if dyad:
            parts = [p.strip().upper() for p in dyad.replace("_", "-").split("-") if p.strip()]
            if len(parts) != 2:
                raise InputError(f"dyad must look like RUS-CHN, got {dyad!r}")
            where.append("((source_code = ? AND target_code = ?) OR (source_code = ? AND target_code = ?))")
            params += [parts[0], parts[1], parts[1], parts[0]]
        if actor:
            where.append("(source_code = ? OR target_code = ? OR source_id = ? OR target_id = ?)")
            params += [actor.upper(), actor.upper(), actor, actor]
        if type:
            if type.upper() not in CATEGORIES:
                raise InputError(f"unknown event type {type!r} (one of {', '.join(CATEGORIES)})")
            where.append("event_type = ?"); params.append(type.upper())
        if quad_class is not None:
            if quad_class not in (1, 2, 3, 4):
                raise InputError("quad_class must be 1, 2, 3 or 4")
            where.append("quad_class = ?"); params.append(quad_class)
        if since:
            where.append("date >= ?"); params.append(since)
        if until:
            where.append("date <= ?"); params.append(until)
        if q:
            where.append("evidence ILIKE ?"); params.append(f"%{q}%")
        if not include_negated:
            where.append("NOT negated")
        return self._q(f"SELECT * FROM events WHERE {' AND '.join(where)} "
                       f"ORDER BY date NULLS LAST, article_id, sent_idx, trigger_start "
                       f"LIMIT {_limit(limit)} OFFSET {int(offset)}", params)

    # ---- claims and accords ----------------------------------------------------------------
    def _dyad_filter(self, dyad: str | None, column: str) -> tuple[str, list[Any]]:
        if not dyad:
            return "1=1", []
        parts = [p.strip().upper() for p in dyad.replace("_", "-").split("-") if p.strip()]
        if len(parts) != 2:
            raise InputError(f"dyad must look like RUS-CHN, got {dyad!r}")
        return f"(list_contains({column}, ?) AND list_contains({column}, ?))", parts

    def claims(self, measure: str | None = None, dyad: str | None = None, status: str | None = None,
               limit: int | None = 1000) -> list[dict[str, Any]]:
        """Claims in period order (then publication date), with their article's date and title."""
        w, params = self._dyad_filter(dyad, "c.actors")
        where = [w]
        if measure:
            where.append("c.measure ILIKE ?"); params.append(f"%{measure}%")
        if status:
            where.append("c.status = ?"); params.append(status)
        return self._q(f"""SELECT c.*, a.published, a.date_source AS published_source, a.title AS article_title
                           FROM claims c JOIN articles a ON a.id = c.article_id WHERE {' AND '.join(where)}
                           ORDER BY coalesce(c.period_start, a.published) NULLS LAST, a.published, c.start
                           LIMIT {_limit(limit)}""", params)

    def accords(self, dyad: str | None = None, limit: int | None = 1000) -> list[dict[str, Any]]:
        w, params = self._dyad_filter(dyad, "parties")
        return self._q(f"SELECT * FROM accords WHERE {w} ORDER BY date NULLS LAST, article_id, start "
                       f"LIMIT {_limit(limit)}", params)

    # ---- runs ----------------------------------------------------------------------------
    def runs(self, limit: int | None = 20) -> list[dict[str, Any]]:
        return self._q(f"SELECT * FROM runs ORDER BY started DESC LIMIT {_limit(limit)}")

    def skips(self, run_id: str | None = None) -> list[dict[str, Any]]:
        if run_id:
            return self._q("SELECT * FROM skips WHERE run_id = ? ORDER BY path", [run_id])
        return self._q("SELECT * FROM skips ORDER BY skipped_at, path")

    def counts(self) -> dict[str, int]:
        out = {}
        with self.store.reader() as con:
            for t in ("articles", "mentions", "events", "claims", "accords"):
                out[t] = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        return out

    def table(self, name: str) -> list[dict[str, Any]]:
        from .store import RECORD_TABLES

        if name not in RECORD_TABLES and name not in ("runs", "skips", "warnings"):
            raise InputError(f"unknown table {name!r}")
        return self._q(f"SELECT * FROM {name}")


def open(db: str | Path = DEFAULT_DB) -> Nestor:  # noqa: A001  (mirrors sqlite3.connect-style naming)
    """Open a nestor store for reading."""
    return Nestor(db)


_ = builtins  # the builtin open stays reachable as builtins.open inside this module
