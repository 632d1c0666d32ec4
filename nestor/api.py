"""The Python API that the CLI and the web layer wrap: ``nestor.open(db)`` → :class:`Nestor`.

Every listing returns plain dicts (JSON-ready apart from dates), so the CLI's ``--json``, the
web API and Python users see the same records.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from .config import DEFAULT_DB
from .dates import add_shown, precision_of, show_interval
from .errors import InputError
from .models import known_sides
from .store import Store, connect, rows
from .vocab import CATEGORIES

MAX_LIMIT = 10_000
MAX_OFFSET = 1_000_000_000


def like(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern (``%`` and ``_`` match themselves); use with
    ``ESCAPE '\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Where:
    """A WHERE clause built from optional filters: ``where.add("x = ?", x)`` for each filter given,
    then ``where.sql`` (the conditions joined by AND; "1=1" when none) and ``where.params``."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[Any] = []

    def add(self, condition: str, *params: Any) -> Where:
        self.conditions.append(condition)
        self.params.extend(params)
        return self

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions) or "1=1"


def _offset(offset: int) -> int:
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise InputError(f"offset must be between 0 and {MAX_OFFSET}, got {offset!r}")
    return offset

# one happening = one (article, sentence, type, negation, unordered pair of actor codes): a reciprocal
# "X and Y signed" is stored in both directions (the exports' convention) but counts once
HAPPENING_KEY = ("article_id, sent_idx, event_type, negated, least(coalesce(source_code, ''), "
                 "coalesce(target_code, '')), greatest(coalesce(source_code, ''), coalesce(target_code, ''))")
EVENT_SORTS = {"date": "date NULLS LAST", "-date": "date DESC NULLS LAST", "type": "event_type",
               "quad_class": "quad_class", "intensity": "intensity", "-intensity": "intensity DESC",
               "confidence": "confidence", "-confidence": "confidence DESC"}
STORY_SORTS = {"date": "date", "-date": "date DESC", "-articles": "n_articles DESC", "-events": "n_events DESC",
               "-score": "score DESC"}
# the site an article came from: its URL's host without "www.", else the source it was read from
SITE_SQL = "coalesce(nullif(regexp_extract({p}url, '^[a-zA-Z]+://(www\\.)?([^/:?#]+)', 2), ''), {p}source)"


def like_pattern(text: str) -> str:
    """``text`` as a case-insensitive substring pattern for ``ILIKE ... ESCAPE '\\'``: its own
    ``%``, ``_`` and backslashes match literally."""
    return "%" + like(text) + "%"


def actor_label(actor_id: str | None) -> tuple[str, str]:
    """(full name, short name) of an actor id or code from the knowledge base ("person:hu-jintao" →
    ("Hu Jintao", "Hu")); an unknown id is its own label."""
    if not actor_id:
        return "–", "–"
    name, short, _ = _kb_labels().get(actor_id, (actor_id, actor_id, None))
    return name, short


@lru_cache(maxsize=1)
def _kb_labels() -> dict[str, tuple[str, str, str]]:
    """actor id/code → (name, short name, kind). A person's short name is the shortest one-word
    alias that is part of the name ("Putin", "Hu"); a country's is its name."""
    from .kb import KnowledgeBase

    kb = KnowledgeBase.load()
    out: dict[str, tuple[str, str, str]] = {}
    for c in kb.countries.values():
        out[c.code] = (c.name, c.name, "state")
    for o in kb.orgs.values():
        out.setdefault(o.code, (o.name, o.aliases[0] if o.aliases and len(o.aliases[0]) < len(o.name) else o.name,
                                o.kind))
    for p in kb.people.values():
        words = p.name.split()
        one = sorted((a for a in p.aliases if " " not in a and a in words), key=len)
        out[f"person:{p.id}"] = (p.name, one[0] if one else words[-1], "person")
    return out


@lru_cache(maxsize=1)
def _kb_names() -> dict[str, list[tuple[str | None, str | None]]]:
    """casefolded name/alias/adjective → [(code, actor id)] from the shipped knowledge base."""
    from .kb import KnowledgeBase

    kb = KnowledgeBase.load()
    out: dict[str, list[tuple[str | None, str | None]]] = {}

    def add(name: str, code: str | None, aid: str | None) -> None:
        if name:
            out.setdefault(name.casefold(), []).append((code, aid))

    for c in kb.countries.values():
        for nm in [c.name, *c.aliases, *c.adjectives]:
            add(nm, c.code, c.code)
    for p in kb.people.values():
        for nm in [p.name, *p.aliases]:
            add(nm, None, f"person:{p.id}")
    for o in kb.orgs.values():
        for nm in [o.name, *o.aliases]:
            add(nm, o.code, o.code)
    return out


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


class _HeldReader:
    """A store whose read connection is opened (and its schema checked) once, for a session of
    several queries (a web page makes a dozen); everything else is the wrapped :class:`Store`'s."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._con: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    @contextmanager
    def reader(self) -> Iterator[Any]:
        if self._con is None:
            with self._store.reader() as probe:   # the store's own checks (exists, schema), once
                del probe
            self._con = connect(self._store.path, read_only=True)
        yield self._con

    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self.reader() as con:
            return rows(con, sql, params)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


class Nestor:
    """Read access to one store. Each call opens the file read-only briefly, unless inside
    :meth:`session`, which keeps one read connection for all the calls it contains."""

    def __init__(self, db: str | Path = DEFAULT_DB) -> None:
        self.store: Any = Store(db)

    @contextmanager
    def session(self) -> Iterator[Nestor]:
        held = _HeldReader(self.store)
        old, self.store = self.store, held
        try:
            yield self
        finally:
            self.store = old
            held.close()

    def _q(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        return self.store.query(sql, params)

    # ---- articles ----------------------------------------------------------------------
    def _article_where(self, status: str | None, since: date | None, until: date | None,
                       q: str | None) -> tuple[str, list[Any]]:
        where = Where()
        if status:
            where.add("status = ?", status)
        if since:
            where.add("coalesce(published_to, published) >= ?", since)
        if until:
            where.add("coalesce(published_from, published) <= ?", until)
        if q:
            where.add("(title ILIKE ? ESCAPE '\\' OR text ILIKE ? ESCAPE '\\')", *[f"%{like(q)}%"] * 2)
        return where.sql, where.params

    def articles(self, status: str | None = None, since: date | None = None, until: date | None = None,
                 q: str | None = None, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        where, params = self._article_where(status, since, until, q)
        sql = (f"SELECT id, published, published_from, published_to, published_precision, date_source, "
               f"date_confidence, date_evidence, title, source, status, duplicate_of, language, n_words, "
               f"path, url FROM articles WHERE {where} "
               f"ORDER BY coalesce(published, published_from) NULLS LAST, id LIMIT {_limit(limit)} OFFSET {_offset(offset)}")
        return [add_shown(r, "article") for r in self._q(sql, params)]

    def articles_page(self, status: str | None = None, since: date | None = None, until: date | None = None,
                      q: str | None = None, limit: int | None = 100,
                      offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Like :meth:`articles`, with the number of all matching articles (counted, not fetched)."""
        where, params = self._article_where(status, since, until, q)
        total = self._q(f"SELECT count(*) AS n FROM articles WHERE {where}", params)[0]["n"]
        return self.articles(status, since, until, q, limit, offset), total

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
        return self.actors_page(country=country, limit=limit, with_total=False)[0]

    def actors_page(self, country: str | None = None, limit: int | None = 100, offset: int = 0,
                    with_total: bool = True) -> tuple[list[dict[str, Any]], int]:
        """Like :meth:`actors`, one page of them, with the number of all (-1 without ``with_total``)."""
        where = Where()
        if country:
            where.add("country = ?", country.upper())
        return self._paged(
            f"""SELECT coalesce(actor_id, 'uncoded:' || text) AS actor_id, any_value(actor_name) AS name,
                   any_value(kind) AS kind, any_value(country) AS country, any_value(sector) AS sector,
                   any_value(code) AS code, count(*) AS mentions, count(DISTINCT article_id) AS articles
                FROM mentions WHERE {where.sql} AND kind <> 'place' GROUP BY 1""", where.params,
            "mentions DESC, actor_id", limit, offset, with_total)

    def _paged(self, sql: str, params: list[Any], order: str, limit: int | None, offset: int,
               with_total: bool) -> tuple[list[dict[str, Any]], int]:
        """One page of ``sql``'s rows in ``order`` and, with ``with_total``, the number of all its rows
        (counted in the store, not fetched)."""
        out = self._q(f"SELECT * FROM ({sql}) ORDER BY {order} LIMIT {_limit(limit)} OFFSET {_offset(offset)}", params)
        total = self._q(f"SELECT count(*) AS n FROM ({sql})", params)[0]["n"] if with_total else -1
        return out, total

    def _event_where(self, dyad: str | None = None, actor: str | None = None, type: str | None = None,  # noqa: A002
                     quad_class: int | None = None, since: date | None = None, until: date | None = None,
                     q: str | None = None, include_negated: bool = True, alias: str = "",
                     near: str | None = None, country: str | None = None,
                     radius_km: float | None = None) -> tuple[str, list[Any]]:
        p = alias
        where = Where()
        if near:
            w, ps = _near_where(near, radius_km, p)
            where.add(w, *ps)
        if country:
            code = _country_code(country)
            where.add(f"({p}place_country = ? OR list_contains({p}place_countries, ?))", code, code)
        if dyad:
            a, b = parse_dyad(dyad)
            where.add(f"(({p}source_code = ? AND {p}target_code = ?) OR ({p}source_code = ? AND {p}target_code = ?))",
                      a, b, b, a)
        if actor:
            codes, ids = self.resolve_actor(actor)
            where.add(f"(list_contains(?, {p}source_code) OR list_contains(?, {p}target_code) "
                      f"OR list_contains(?, {p}source_id) OR list_contains(?, {p}target_id))", codes, codes, ids, ids)
        if type:
            if type.upper() not in CATEGORIES:
                raise InputError(f"unknown event type {type!r} (one of {', '.join(CATEGORIES)})")
            where.add(f"{p}event_type = ?", type.upper())
        if quad_class is not None:
            if quad_class not in (1, 2, 3, 4):
                raise InputError("quad_class must be 1, 2, 3 or 4")
            where.add(f"{p}quad_class = ?", quad_class)
        if since:
            where.add(f"coalesce({p}date_end, {p}date) >= ?", since)
        if until:
            where.add(f"{p}date <= ?", until)
        if q:
            where.add(f"{p}evidence ILIKE ? ESCAPE '\\'", like_pattern(q))
        if not include_negated:
            where.add(f"NOT {p}negated")
        return where.sql, where.params

    def events(self, dyad: str | None = None, actor: str | None = None, type: str | None = None,  # noqa: A002
               quad_class: int | None = None, since: date | None = None, until: date | None = None,
               q: str | None = None, include_negated: bool = True, limit: int | None = 100,
               offset: int = 0, distinct: bool = False, sort: str = "date", near: str | None = None,
               country: str | None = None, radius_km: float | None = None) -> list[dict[str, Any]]:
        """Events with their evidence. ``dyad`` "RUS-CHN" matches either direction; ``actor`` is a
        code, an actor id or a name (the knowledge base's aliases count).

        ``near`` ("Kashmir", "the Kremlin") keeps events whose place lies within ``radius_km`` of that
        place's point (default by the place's precision: :data:`NEAR_RADIUS_KM`), or whose place name
        or text is that name; a country keeps the events placed in it. ``country`` (ISO alpha-3 or a
        country name) keeps events whose place is in that country or concerns it (a border, a
        disputed area). See docs/geo.md.

        ``distinct`` keeps one row per happening (:data:`HAPPENING_KEY`: a reciprocal "X and Y
        signed", stored in both directions, is one row) with ``n_rows`` the rows it stands for."""
        return self._events(dyad, actor, type, quad_class, since, until, q, include_negated, limit, offset,
                            distinct, sort, near, country, radius_km)[0]

    def events_page(self, **kw: Any) -> tuple[list[dict[str, Any]], int]:
        """Like :meth:`events` (same keywords), with the total number of matches."""
        args: dict[str, Any] = {"dyad": None, "actor": None, "type": None, "quad_class": None, "since": None,
                                "until": None, "q": None, "include_negated": True, "limit": 100, "offset": 0,
                                "distinct": False, "sort": "date", "near": None, "country": None, "radius_km": None}
        args.update(kw)
        return self._events(**args, with_total=True)

    def _events(self, dyad: Any, actor: Any, type: Any, quad_class: Any, since: Any, until: Any, q: Any,  # noqa: A002
                include_negated: bool, limit: int | None, offset: int, distinct: bool, sort: str,
                near: str | None = None, country: str | None = None, radius_km: float | None = None,
                with_total: bool = False) -> tuple[list[dict[str, Any]], int]:
        where, params = self._event_where(dyad, actor, type, quad_class, since, until, q, include_negated,
                                          near=near, country=country, radius_km=radius_km)
        if sort not in EVENT_SORTS:
            raise InputError(f"unknown sort {sort!r} (one of {', '.join(EVENT_SORTS)})")
        base = f"SELECT * FROM events WHERE {where}"
        if distinct:
            base = (f"SELECT * EXCLUDE (_rn) FROM (SELECT *, count(*) OVER (PARTITION BY {HAPPENING_KEY}) AS n_rows, "
                    f"coalesce(min(source_code) OVER (PARTITION BY {HAPPENING_KEY}) <> max(source_code) OVER "
                    f"(PARTITION BY {HAPPENING_KEY}), false) AS reciprocal, "
                    f"row_number() OVER (PARTITION BY {HAPPENING_KEY} ORDER BY source_code, id) AS _rn "
                    f"FROM events WHERE {where}) WHERE _rn = 1")
        out = self._q(f"SELECT * FROM ({base}) ORDER BY {EVENT_SORTS[sort]}, article_id, sent_idx, trigger_start, id "
                      f"LIMIT {_limit(limit)} OFFSET {_offset(offset)}", params)
        out = [add_shown(e, "event") for e in out]
        total = -1
        if with_total:
            total = self._q(f"SELECT count(*) AS n FROM ({base})", params)[0]["n"]
        return out, total

    def happenings(self, **kw: Any) -> int:
        """The number of distinct happenings among the events that match (see :meth:`events`)."""
        return self.events_page(**{**kw, "distinct": True, "limit": 0})[1]

    def places(self, dyad: str | None = None, story: str | None = None, since: date | None = None,
               until: date | None = None) -> list[dict[str, Any]]:
        """Where the events happened: one row per place with coordinates (name, country, precision,
        lat, lon), the distinct happenings there (``events``; negated events did not happen and are
        left out), their count per quad class (``quads``) and the stories they belong to (``stories``:
        id and events there, most events first). ``story`` is a story id (or a unique prefix)."""
        where, params = self._event_where(dyad=dyad, since=since, until=until, include_negated=False)
        where += " AND lat IS NOT NULL AND lon IS NOT NULL"
        if story:
            where += " AND id IN (SELECT event_id FROM story_events WHERE story_id LIKE ? ESCAPE '\\')"
            params.append(like(story) + "%")
        found = self._q(f"""
            WITH ev AS (SELECT e.*, se.story_id, row_number() OVER (PARTITION BY {HAPPENING_KEY}
                                                                ORDER BY source_code, id) AS _rn
                        FROM events e LEFT JOIN (SELECT event_id, min(story_id) AS story_id FROM story_events
                                                 GROUP BY event_id) se ON se.event_id = e.id WHERE {where})
            SELECT coalesce(place_name, location) AS name, place_country AS country, geo_precision AS precision,
                   lat, lon, quad_class, story_id, count(*) AS n
            FROM ev WHERE _rn = 1 GROUP BY ALL ORDER BY name""", params)
        out: dict[tuple[Any, ...], dict[str, Any]] = {}
        for r in found:
            key = (r["name"], r["lat"], r["lon"])
            p = out.setdefault(key, {"name": r["name"], "country": r["country"], "precision": r["precision"],
                                     "lat": r["lat"], "lon": r["lon"], "events": 0, "quads": {}, "stories": {}})
            p["events"] += r["n"]
            if r["quad_class"] is not None:
                p["quads"][r["quad_class"]] = p["quads"].get(r["quad_class"], 0) + r["n"]
            if r["story_id"]:
                p["stories"][r["story_id"]] = p["stories"].get(r["story_id"], 0) + r["n"]
        for p in out.values():
            p["stories"] = [{"id": s, "events": k} for s, k in sorted(p["stories"].items(), key=lambda x: (-x[1], x[0]))]
        return sorted(out.values(), key=lambda p: (-p["events"], p["name"] or ""))

    # ---- actors by name --------------------------------------------------------------------
    def resolve_actor(self, name: str) -> tuple[list[str], list[str]]:
        """(codes, actor ids) an actor filter means: a code ("RUS"), an id ("person:vladimir-putin"),
        or a name or alias from the knowledge base ("Russia", "Russian", "Putin"), case-insensitive."""
        name = name.strip()
        if not name:
            return [], []
        codes, ids = {name.upper()}, {name}
        for code, pid in _kb_names().get(name.casefold(), ()):
            if code:
                codes.add(code)
            if pid:
                ids.add(pid)
        return sorted(codes), sorted(ids)

    def actor(self, key: str) -> dict[str, Any] | None:
        """An actor (code or id) with its names, dyads and counts; None if the store never mentions it."""
        codes, ids = self.resolve_actor(key)
        with self.store.reader() as con:
            found = rows(con, """SELECT coalesce(actor_id, code) AS actor_id, any_value(actor_name) AS name,
                                        any_value(kind) AS kind, any_value(country) AS country, any_value(code) AS code,
                                        count(*) AS mentions, count(DISTINCT article_id) AS articles
                                 FROM mentions WHERE kind <> 'place' AND (list_contains(?, actor_id) OR
                                      (list_contains(?, code) AND (actor_id = code OR actor_id IS NULL)))
                                 GROUP BY 1 ORDER BY (any_value(coalesce(actor_id, code)) = ?) DESC, mentions DESC""",
                         [ids, codes, key])
            evs = rows(con, """SELECT count(*) AS n FROM events WHERE list_contains(?, source_code)
                               OR list_contains(?, target_code) OR list_contains(?, source_id)
                               OR list_contains(?, target_id)""", [codes, codes, ids, ids])[0]["n"]
        if not found and not evs:
            return None
        head: dict[str, Any] = found[0] if found else {"actor_id": key.upper(), "name": None, "kind": None, "country": None,
                                       "code": key.upper(), "mentions": 0, "articles": 0}
        head["events"] = evs
        head["codes"] = codes
        return head

    # ---- claims and accords ----------------------------------------------------------------
    def _dyad_filter(self, dyad: str | None, column: str) -> tuple[str, list[Any]]:
        if not dyad:
            return "1=1", []
        return f"(list_contains({column}, ?) AND list_contains({column}, ?))", list(parse_dyad(dyad))

    def claims(self, measure: str | None = None, dyad: str | None = None, status: str | None = None,
               limit: int | None = 1000) -> list[dict[str, Any]]:
        """Claims in period order (then publication date), with their article's date and title."""
        return self.claims_page(measure, dyad, status, limit=limit, with_total=False)[0]

    def claims_page(self, measure: str | None = None, dyad: str | None = None, status: str | None = None,
                    limit: int | None = 100, offset: int = 0,
                    with_total: bool = True) -> tuple[list[dict[str, Any]], int]:
        """Like :meth:`claims`, one page of them, with the number of all (-1 without ``with_total``)."""
        dyad_sql, dyad_params = self._dyad_filter(dyad, "c.actors")
        where = Where().add(dyad_sql, *dyad_params)
        if measure:
            where.add("c.measure ILIKE ? ESCAPE '\\'", f"%{like(measure)}%")
        if status:
            where.add("c.status = ?", status)
        out, total = self._paged(
            f"""SELECT c.*, a.published, a.published_from, a.published_to, a.published_precision,
                       a.date_source AS published_source, a.title AS article_title
                FROM claims c JOIN articles a ON a.id = c.article_id WHERE {where.sql}""", where.params,
            "coalesce(period_start, published_from) NULLS LAST, published_from, start, id", limit, offset, with_total)
        for r in out:   # the period's precision follows from its interval
            r["period_precision"] = precision_of(r["period_start"], r["period_end"] or r["period_start"])
            add_shown(r, "claim")
        return out, total

    def accords(self, dyad: str | None = None, limit: int | None = 1000) -> list[dict[str, Any]]:
        """Named documents signed or adopted, in date order, with their parties."""
        return self.accords_page(dyad, limit=limit, with_total=False)[0]

    def accords_page(self, dyad: str | None = None, limit: int | None = 100, offset: int = 0,
                     with_total: bool = True) -> tuple[list[dict[str, Any]], int]:
        """Like :meth:`accords`, one page of them, with the number of all (-1 without ``with_total``)."""
        w, params = self._dyad_filter(dyad, "ac.parties")
        # an accord's date is its signing event's interval (or its article's): keep its precision
        return self._paged(f"""SELECT ac.*, coalesce(e.date_end, a.published_to) AS date_end,
                                      coalesce(e.date_precision, a.published_precision) AS date_precision
                               FROM accords ac LEFT JOIN events e ON e.id = ac.event_id
                               JOIN articles a ON a.id = ac.article_id WHERE {w}""", params,
                           "date NULLS LAST, article_id, start, id", limit, offset, with_total)

    # ---- stories, timelines, dyads ---------------------------------------------------------
    def stories(self, dyad: str | None = None, since: date | None = None, until: date | None = None,
                limit: int | None = 200) -> list[dict[str, Any]]:
        where = Where()
        if dyad:   # a story may hold several dyads ("Russia and China rejected sanctions on Syria")
            where.add("list_contains(dyads, ?)", "-".join(sorted(parse_dyad(dyad))))
        if since:
            where.add("date_end >= ?", since)
        if until:
            where.add("date_start <= ?", until)
        with self.store.reader() as con:
            return [add_shown(r, "story") for r in rows(
                con, f"SELECT * FROM stories WHERE {where.sql} ORDER BY date, id LIMIT {_limit(limit)}",
                where.params)]

    def story(self, story_id: str) -> dict[str, Any] | None:
        """A story with its events (evidence), articles, accords and claims."""
        with self.store.reader() as con:
            found = rows(con, "SELECT * FROM stories WHERE id LIKE ? ESCAPE '\\' LIMIT 2", [like(story_id) + "%"])
            if len(found) != 1:
                return None
            s = found[0]
            s["events"] = rows(con, """SELECT e.*, a.title AS article_title, a.source AS article_source,
                                       a.published FROM story_events se JOIN events e ON e.id = se.event_id
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

    def series(self, a: str, b: str, since: date | None = None, until: date | None = None) -> list[dict[str, Any]]:
        """Monthly counts of distinct happenings per quad class and their mean intensity for a dyad
        (a reciprocal event stored in both directions counts once)."""
        # events dated after their article (plans "by 2030") are not yet history: left out
        where = Where()
        if since:
            where.add("e.date >= ?", since)
        if until:
            where.add("e.date <= ?", until)
        return self._q(f"""WITH e AS (SELECT * FROM events WHERE date IS NOT NULL AND NOT negated
                                 AND ((source_code = ? AND target_code = ?) OR (source_code = ? AND target_code = ?))
                                 QUALIFY row_number() OVER (PARTITION BY {HAPPENING_KEY} ORDER BY id) = 1)
                          SELECT CAST(date_trunc('month', e.date) AS DATE) AS month, e.quad_class, count(*) AS n,
                                 avg(e.intensity) AS mean_intensity
                          FROM e JOIN articles a ON a.id = e.article_id
                          WHERE (a.published IS NULL OR e.date <= a.published + INTERVAL 7 DAY) AND {where.sql}
                          GROUP BY 1, 2 ORDER BY 1, 2""", [a.upper(), b.upper(), b.upper(), a.upper(), *where.params])

    def dyads(self, limit: int | None = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Dyads ranked by activity: ``events`` counts distinct happenings (``rows`` the stored
        directed rows), with articles, stories, cooperation and conflict happenings, and the
        first and last event dates."""
        with self.store.reader() as con:
            out = rows(con, f"""WITH e AS (SELECT *, count(*) OVER (PARTITION BY {HAPPENING_KEY}) AS n_rows
                    FROM events WHERE source_code IS NOT NULL AND target_code IS NOT NULL
                      AND source_code <> target_code AND NOT negated AND {known_sides()}
                    QUALIFY row_number() OVER (PARTITION BY {HAPPENING_KEY} ORDER BY id) = 1),
                d AS (
                    SELECT least(source_code, target_code) || '-' || greatest(source_code, target_code) AS dyad,
                           count(*) AS events, sum(n_rows) AS rows, count(DISTINCT article_id) AS articles,
                           sum(CASE WHEN quad_class IN (1, 2) THEN 1 ELSE 0 END) AS cooperation,
                           sum(CASE WHEN quad_class IN (3, 4) THEN 1 ELSE 0 END) AS conflict,
                           min(date) AS first, max(coalesce(date_end, date)) AS last,
                           arg_min(coalesce(date_end, date), date) AS _first_end,
                           arg_min(date_precision, date) AS _first_precision,
                           arg_max(date, coalesce(date_end, date)) AS _last_start,
                           arg_max(date_precision, coalesce(date_end, date)) AS _last_precision
                    FROM e GROUP BY 1)
                SELECT d.*, (SELECT count(*) FROM stories s WHERE list_contains(s.dyads, d.dyad)) AS stories FROM d
                ORDER BY events DESC, dyad LIMIT {_limit(limit)} OFFSET {_offset(offset)}""")
        for r in out:   # the first and last dates at their precision ("2022", not "2022-01-01")
            r["first_shown"] = show_interval(r["first"], r.pop("_first_end"), r.pop("_first_precision"))
            r["last_shown"] = show_interval(r.pop("_last_start"), r["last"], r.pop("_last_precision"))
        return out

    def dyad_count(self) -> int:
        return self._q("""SELECT count(DISTINCT least(source_code, target_code) || '-' || greatest(source_code, target_code))
                          AS n FROM events WHERE source_code IS NOT NULL AND target_code IS NOT NULL
                          AND source_code <> target_code AND NOT negated AND """ + known_sides())[0]["n"]

    def has_dyad(self, a: str, b: str) -> bool:
        """Whether any event or story links the two actors."""
        d = "-".join(sorted((a.upper(), b.upper())))
        return bool(self._q("""SELECT 1 AS x FROM events WHERE (source_code = ? AND target_code = ?)
                               OR (source_code = ? AND target_code = ?) UNION ALL
                               SELECT 1 FROM stories WHERE list_contains(dyads, ?) LIMIT 1""",
                            [a.upper(), b.upper(), b.upper(), a.upper(), d]))

    # ---- stories: search ----------------------------------------------------------------------
    def stories_page(self, q: str | None = None, actor: str | None = None, dyad: str | None = None,
                     type: str | None = None, quad_class: int | None = None,  # noqa: A002
                     since: date | None = None, until: date | None = None, source: str | None = None,
                     sort: str = "-date", limit: int | None = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Stories that match every filter, with the total. ``q`` searches the evidence sentences
        (and headlines) as a literal, case-insensitive substring; ``actor`` takes a code, an id or
        a name; ``type``/``quad_class`` match any of the story's events; ``source`` is an article's
        site (URL host) or source name."""
        where = Where()
        ev_where, ev_params = self._event_where(actor=actor, type=type, quad_class=quad_class, q=q, alias="e.")
        if actor or type or quad_class is not None or q:
            cond = f"""EXISTS (SELECT 1 FROM story_events se JOIN events e ON e.id = se.event_id
                               WHERE se.story_id = s.id AND {ev_where})"""
            if q:  # the headline as well as the evidence
                where.add(f"({cond} OR s.headline ILIKE ? ESCAPE '\\')", *ev_params, like_pattern(q))
            else:
                where.add(cond, *ev_params)
        if dyad:
            where.add("list_contains(s.dyads, ?)", "-".join(sorted(parse_dyad(dyad))))
        if since:
            where.add("s.date_end >= ?", since)
        if until:
            where.add("s.date_start <= ?", until)
        if source:
            where.add(f"""EXISTS (SELECT 1 FROM articles a WHERE list_contains(s.articles, a.id)
                                  AND lower({SITE_SQL.format(p='a.')}) = lower(?))""", source)
        if sort not in STORY_SORTS:
            raise InputError(f"unknown sort {sort!r} (one of {', '.join(STORY_SORTS)})")
        w, params = where.sql, where.params
        with self.store.reader() as con:
            total = rows(con, f"SELECT count(*) AS n FROM stories s WHERE {w}", params)[0]["n"]
            out = rows(con, f"SELECT s.* FROM stories s WHERE {w} ORDER BY {STORY_SORTS[sort]}, s.id "
                            f"LIMIT {_limit(limit)} OFFSET {_offset(offset)}", params)
        return [add_shown(r, "story") for r in out], total

    def story_actors(self, story_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Per story, the actors of its events (id, code, name, kind, events), busiest first."""
        if not story_ids:
            return {}
        got = self._q("""WITH x AS (SELECT se.story_id, e.source_id AS aid, e.source_code AS code, e.id
                                    FROM story_events se JOIN events e ON e.id = se.event_id
                                    WHERE list_contains(?, se.story_id) AND e.source_id IS NOT NULL
                                    UNION ALL
                                    SELECT se.story_id, e.target_id, e.target_code, e.id
                                    FROM story_events se JOIN events e ON e.id = se.event_id
                                    WHERE list_contains(?, se.story_id) AND e.target_id IS NOT NULL)
                         SELECT story_id, aid AS actor_id, any_value(code) AS code, count(DISTINCT id) AS events
                         FROM x GROUP BY 1, 2 ORDER BY 1, events DESC, actor_id""", [story_ids, story_ids])
        names = _kb_labels()
        out: dict[str, list[dict[str, Any]]] = {}
        for r in got:
            name, short, kind = names.get(r["actor_id"], (r["actor_id"], r["actor_id"], None))
            out.setdefault(r["story_id"], []).append({**r, "name": name, "short": short, "kind": kind})
        return out

    def overview(self) -> dict[str, Any]:
        """What the store holds: counts, the publication period, articles per site."""
        with self.store.reader() as con:
            head = rows(con, """SELECT count(*) AS articles, min(coalesce(published_from, published)) AS date_start,
                                       max(coalesce(published_to, published)) AS date_end FROM articles""")[0]
            sites = rows(con, f"""SELECT {SITE_SQL.format(p='')} AS site, count(*) AS articles FROM articles
                                  GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50""")
            happenings = rows(con, f"""SELECT count(*) AS n FROM (SELECT DISTINCT {HAPPENING_KEY} FROM events)""")[0]["n"]
            counts = {t: rows(con, f"SELECT count(*) AS n FROM {t}")[0]["n"]
                      for t in ("events", "claims", "accords", "stories")}
        return {**head, "sites": sites, "happenings": happenings, **counts}

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


# ---- where: --near and --country -------------------------------------------------------------
# how far from the named place an event may lie, by the named place's precision (km)
NEAR_RADIUS_KM = {"landmark": 25.0, "city": 50.0, "region": 300.0}


def _near_where(name: str, radius_km: float | None, p: str) -> tuple[str, list[Any]]:
    """SQL for events near the place ``name`` (see :meth:`Nestor.events`)."""
    from .geo import resolve_place

    text = [like_pattern(name.strip()), like_pattern(name.strip())]
    by_text = f"({p}place_name ILIKE ? ESCAPE '\\' OR {p}location ILIKE ? ESCAPE '\\')"
    place = resolve_place(name)
    if radius_km is not None and radius_km <= 0:
        raise InputError(f"--radius must be positive, not {radius_km}")
    if place is None or place.lat is None:
        if place is None and radius_km is not None:
            raise InputError(f"--near {name!r}: no such place in the gazetteer, so no radius can apply")
        return by_text, text
    if place.feature == "country" and radius_km is None:
        return (f"({by_text} OR {p}place_country = ? OR list_contains({p}place_countries, ?))",
                text + [place.country, place.country])
    r = radius_km if radius_km is not None else NEAR_RADIUS_KM.get(place.precision, 50.0)
    dist = (f"2 * 6371 * asin(sqrt(pow(sin(radians({p}lat - ?) / 2), 2) + cos(radians(?)) * cos(radians({p}lat)) "
            f"* pow(sin(radians({p}lon - ?) / 2), 2)))")
    # a country's point is its capital's: a country-level place is near nothing (no false precision)
    return (f"({by_text} OR ({p}lat IS NOT NULL AND {p}geo_precision <> 'country' AND {dist} <= ?))",
            text + [place.lat, place.lat, place.lon, r])


def _country_code(country: str) -> str:
    """ISO alpha-3 of a --country value: a code ("IND") or a country's name ("India")."""
    from .geo import resolve_place

    c = country.strip()
    if len(c) == 3 and c.isalpha():
        return c.upper()
    place = resolve_place(c)
    if place is None or place.feature != "country" or not place.country:
        raise InputError(f"--country {country!r}: not an ISO alpha-3 code or a country name")
    return place.country
