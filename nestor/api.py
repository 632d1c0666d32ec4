"""The Python API that the CLI and the web layer wrap: ``nestor.open(db)`` → :class:`Nestor`.

Every listing returns plain dicts (JSON-ready apart from dates), so the CLI's ``--json``, the
web API and Python users see the same records.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .config import DEFAULT_DB
from .dates import add_shown, precision_of, show_interval
from .errors import InputError
from .store import Store, rows
from .vocab import CATEGORIES

MAX_LIMIT = 10_000
MAX_OFFSET = 1_000_000_000


def like(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern (``%`` and ``_`` match themselves); use with
    ``ESCAPE '\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _offset(offset: int) -> int:
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise InputError(f"offset must be between 0 and {MAX_OFFSET}, got {offset!r}")
    return offset


def parse_dyad(value: str) -> tuple[str, str]:
    """ "RUS-CHN" (or "rus_chn") → ("RUS", "CHN"); anything else is an InputError."""
    parts = [p.strip().upper() for p in value.replace("_", "-").split("-") if p.strip()]
    if len(parts) != 2 or not all(p.isascii() and p.isalnum() and len(p) <= 8 for p in parts):
        raise InputError(f"dyad must look like RUS-CHN, got {value!r}")
    return parts[0], parts[1]


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
            where.append("coalesce(published_to, published) >= ?"); params.append(since)
        if until:
            where.append("coalesce(published_from, published) <= ?"); params.append(until)
        if q:
            where.append("(title ILIKE ? ESCAPE '\\' OR text ILIKE ? ESCAPE '\\')"); params += [f"%{like(q)}%"] * 2
        sql = (f"SELECT id, published, published_from, published_to, published_precision, date_source, "
               f"date_confidence, date_evidence, title, source, status, duplicate_of, language, n_words, "
               f"path, url FROM articles WHERE {' AND '.join(where)} "
               f"ORDER BY coalesce(published, published_from) NULLS LAST, id LIMIT {_limit(limit)} OFFSET {_offset(offset)}")
        return [add_shown(r, "article") for r in self._q(sql, params)]

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its sentences, entities, mentions and time expressions.

        ``article_id`` may be a unique prefix of the id.
        """
        with self.store.reader() as con:
            found = rows(con, "SELECT * FROM articles WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2",
                         [like(article_id) + "%"])
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
        add_shown(art, "article")
        for e in art["events"]:
            add_shown(e, "event")
        for c in art["claims"]:
            c["period_precision"] = precision_of(c["period_start"], c["period_end"] or c["period_start"])
            add_shown(c, "claim")
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

        where, params = ["1=1"], []
        if dyad:
            a, b = parse_dyad(dyad)
            where.append("((source_code = ? AND target_code = ?) OR (source_code = ? AND target_code = ?))")
            params += [a, b, b, a]
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
        if since:   # an event's date is an interval: it matches when the interval overlaps the window
            where.append("coalesce(date_end, date) >= ?"); params.append(since)
        if until:
            where.append("date <= ?"); params.append(until)
        if q:
            where.append("evidence ILIKE ? ESCAPE '\\'"); params.append(f"%{like(q)}%")
        if not include_negated:
            where.append("NOT negated")
        return [add_shown(r, "event") for r in self._q(f"SELECT * FROM events WHERE {' AND '.join(where)} "
                       f"ORDER BY date NULLS LAST, article_id, sent_idx, trigger_start "
                       f"LIMIT {_limit(limit)} OFFSET {_offset(offset)}", params)]

    # ---- claims and accords ----------------------------------------------------------------
    def _dyad_filter(self, dyad: str | None, column: str) -> tuple[str, list[Any]]:
        if not dyad:
            return "1=1", []
        return f"(list_contains({column}, ?) AND list_contains({column}, ?))", list(parse_dyad(dyad))

    def claims(self, measure: str | None = None, dyad: str | None = None, status: str | None = None,
               limit: int | None = 1000) -> list[dict[str, Any]]:
        """Claims in period order (then publication date), with their article's date and title."""
        w, params = self._dyad_filter(dyad, "c.actors")
        where = [w]
        if measure:
            where.append("c.measure ILIKE ? ESCAPE '\\'"); params.append(f"%{like(measure)}%")
        if status:
            where.append("c.status = ?"); params.append(status)
        out = self._q(f"""SELECT c.*, a.published, a.published_from, a.published_to, a.published_precision,
                                  a.date_source AS published_source, a.title AS article_title
                           FROM claims c JOIN articles a ON a.id = c.article_id WHERE {' AND '.join(where)}
                           ORDER BY coalesce(c.period_start, a.published_from) NULLS LAST, a.published_from, c.start
                           LIMIT {_limit(limit)}""", params)
        for r in out:   # the period's precision follows from its interval
            r["period_precision"] = precision_of(r["period_start"], r["period_end"] or r["period_start"])
            add_shown(r, "claim")
        return out

    def accords(self, dyad: str | None = None, limit: int | None = 1000) -> list[dict[str, Any]]:
        w, params = self._dyad_filter(dyad, "parties")
        # an accord's date is its signing event's interval (or its article's): keep its precision
        return self._q(f"""SELECT ac.*, coalesce(e.date_end, a.published_to) AS date_end,
                                  coalesce(e.date_precision, a.published_precision) AS date_precision
                           FROM accords ac LEFT JOIN events e ON e.id = ac.event_id
                           JOIN articles a ON a.id = ac.article_id WHERE {w.replace('parties', 'ac.parties')}
                           ORDER BY ac.date NULLS LAST, ac.article_id, ac.start LIMIT {_limit(limit)}""", params)

    # ---- stories, timelines, dyads ---------------------------------------------------------
    def stories(self, dyad: str | None = None, since: date | None = None, until: date | None = None,
                limit: int | None = 200) -> list[dict[str, Any]]:
        where, params = ["1=1"], []
        if dyad:   # a story may hold several dyads ("Russia and China rejected sanctions on Syria")
            where.append("list_contains(dyads, ?)"); params.append("-".join(sorted(parse_dyad(dyad))))
        if since:
            where.append("date_end >= ?"); params.append(since)
        if until:
            where.append("date_start <= ?"); params.append(until)
        with self.store.reader() as con:
            return [add_shown(r, "story") for r in rows(
                con, f"SELECT * FROM stories WHERE {' AND '.join(where)} ORDER BY date, id LIMIT {_limit(limit)}",
                params)]

    def story(self, story_id: str) -> dict[str, Any] | None:
        """A story with its events (evidence), articles, accords and claims."""
        with self.store.reader() as con:
            found = rows(con, "SELECT * FROM stories WHERE id LIKE ? ESCAPE '\\' LIMIT 2", [like(story_id) + "%"])
            if len(found) != 1:
                return None
            s = found[0]
            s["events"] = rows(con, """SELECT e.*, a.title AS article_title, a.source AS article_source,
                                       a.published, a.published_from, a.published_to, a.published_precision
                                       FROM story_events se JOIN events e ON e.id = se.event_id
                                       JOIN articles a ON a.id = e.article_id WHERE se.story_id = ?
                                       ORDER BY a.published, e.article_id, e.sent_idx""", [s["id"]])
            s["article_ids"] = s.get("articles") or []
            s["articles"] = rows(con, """SELECT DISTINCT a.id, a.title, a.source, a.published, a.published_from,
                                                a.published_to, a.published_precision, a.date_source
                                         FROM story_events se JOIN articles a ON a.id = se.article_id
                                         WHERE se.story_id = ? ORDER BY a.published_from""", [s["id"]])
            s["accords"] = rows(con, """SELECT ac.* FROM story_items si JOIN accords ac ON ac.id = si.record_id
                                        WHERE si.story_id = ? AND si.kind = 'accord' ORDER BY ac.start""", [s["id"]])
            s["claims"] = rows(con, """SELECT c.* FROM story_items si JOIN claims c ON c.id = si.record_id
                                       WHERE si.story_id = ? AND si.kind = 'claim' ORDER BY c.start""", [s["id"]])
        add_shown(s, "story")
        for e in s["events"]:
            add_shown(e, "event")
        for a in s["articles"]:
            add_shown(a, "article")
        return s

    def timeline(self, a: str, b: str, since: date | None = None, until: date | None = None,
                 top: int | None = None) -> list[dict[str, Any]]:
        """The dyad's stories in date order with key outcomes; ``top`` keeps the most important."""
        from .stories import select

        out = self.stories(dyad=f"{a}-{b}", since=since, until=until, limit=None)
        for s in out:
            full = self.story(s["id"]) or {}
            s["accords"] = [x["title"] for x in full.get("accords", [])]
            s["claims"] = [f"{x['text']} ({x['measure'] or '?'}, {x['status']})" for x in full.get("claims", [])
                           if x["unit"] != "count" or x["measure"] in ("agreements_signed", "meetings")]
        return select(out, top) if top else out

    def series(self, a: str, b: str) -> list[dict[str, Any]]:
        """Monthly event counts per quad class and mean intensity for a dyad."""
        # events dated after their article (plans "by 2030") are not yet history: left out
        return self._q("""SELECT date_trunc('month', e.date) AS month, e.quad_class, count(*) AS n,
                                 avg(e.intensity) AS mean_intensity
                          FROM events e JOIN articles a ON a.id = e.article_id
                          WHERE e.date IS NOT NULL AND NOT e.negated
                            AND (coalesce(a.published_to, a.published) IS NULL
                                 OR e.date <= coalesce(a.published_to, a.published) + INTERVAL 7 DAY)
                            -- only events dated to a month or better: a year-wide date is no month
                            AND (e.date_end IS NULL OR e.date_end - e.date <= 31)
                            AND ((e.source_code = ? AND e.target_code = ?) OR (e.source_code = ? AND e.target_code = ?))
                          GROUP BY 1, 2 ORDER BY 1, 2""", [a.upper(), b.upper(), b.upper(), a.upper()])

    def dyads(self, limit: int | None = 50) -> list[dict[str, Any]]:
        """Dyads ranked by activity (events, articles, stories)."""
        with self.store.reader() as con:
            out = rows(con, f"""WITH d AS (
                    SELECT least(source_code, target_code) || '-' || greatest(source_code, target_code) AS dyad,
                           count(*) AS events, count(DISTINCT article_id) AS articles,
                           sum(CASE WHEN quad_class IN (1, 2) THEN 1 ELSE 0 END) AS cooperation,
                           sum(CASE WHEN quad_class IN (3, 4) THEN 1 ELSE 0 END) AS conflict,
                           min(date) AS first, max(coalesce(date_end, date)) AS last,
                           arg_min(coalesce(date_end, date), date) AS _first_end,
                           arg_min(date_precision, date) AS _first_precision,
                           arg_max(date, coalesce(date_end, date)) AS _last_start,
                           arg_max(date_precision, coalesce(date_end, date)) AS _last_precision
                    FROM events WHERE source_code IS NOT NULL AND target_code IS NOT NULL
                      AND source_code <> target_code AND NOT negated GROUP BY 1)
                SELECT d.*, (SELECT count(*) FROM stories s WHERE list_contains(s.dyads, d.dyad)) AS stories FROM d ORDER BY events DESC, dyad LIMIT {_limit(limit)}""")
        for r in out:   # the first and last dates at their precision ("2022", not "2022-01-01")
            r["first_shown"] = show_interval(r["first"], r.pop("_first_end"), r.pop("_first_precision"))
            r["last_shown"] = show_interval(r.pop("_last_start"), r["last"], r.pop("_last_precision"))
        return out

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

