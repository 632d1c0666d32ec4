"""FastAPI app: server-rendered pages (Jinja2, autoescaped) with JSON twins, and a JSON API.

* Every page has a JSON twin: the same URL with ``.json`` (or ``Accept: application/json``);
  HTML pages announce it with ``<link rel="alternate">`` and a ``Link`` header. List pages also
  have a ``.csv`` twin; both carry exactly the rows shown (same filters, sort and page).
* Every record links to its evidence sentence (``/article/ID#sN``: the sentence is scrolled
  into view and highlighted by CSS ``:target``), and every page links to what it names.
* Counts are distinct happenings (``api.HAPPENING_KEY``): a reciprocal event stored in both
  directions counts once. Exports keep both rows.
* Read-only: each request opens the DuckDB file read-only through :mod:`nestor.api`.
* All article text is untrusted: templates autoescape, highlighted text is built from escaped
  segments, and a Content-Security-Policy forbids scripts altogether (charts are inline SVG
  drawn on the server, :mod:`nestor.web.charts`; ``/docs`` is a server-rendered page).
* Query parameters are validated: bad input is a 4xx with a message, never a 500.
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .. import api
from ..errors import InputError, StoreError
from ..vocab import CATEGORIES
from . import charts, maps, models, views
from .views import mark_article  # noqa: F401  (kept importable from here)

CSP = "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'"
MAX_LIMIT = 1000
MAX_OFFSET = 10_000_000

EVENT_COLUMNS = ["id", "date", "date_end", "date_precision", "event_type", "mode", "cameo", "quad_class",
                 "intensity", "source_code", "source_id", "target_code", "target_id", "negated", "modality",
                 "n_rows", "article_id", "sent_idx", "evidence", "evidence_url"]
STORY_COLUMNS = ["id", "title", "dyad", "dyads", "kind", "date", "date_start", "date_end", "date_precision",
                 "place", "n_events", "n_articles", "n_sources", "headline", "url"]

# parameter documentation shared by the pages and the API
P_LIMIT = Query(50, ge=1, le=MAX_LIMIT, description="rows per page (1–1000)")
P_OFFSET = Query(0, ge=0, le=MAX_OFFSET, description="rows to skip (paging)")
D = {
    "dyad": "two actor codes, either order: RUS-CHN",
    "actor": "an actor code (RUS), id (person:vladimir-putin) or name/alias from the knowledge base (Russia, Putin)",
    "type": "PLOVER category: " + ", ".join(CATEGORIES),
    "quad_class": "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict",
    "since": "ISO date: only records on or after it",
    "until": "ISO date: only records on or before it",
    "q": "text that the evidence sentence contains (case-insensitive, literal: % and _ are not wildcards)",
    "source": "an article's site (URL host) or source name",
    "distinct": "one row per happening (a reciprocal event stored in both directions shows once)",
    "sort_events": "one of " + ", ".join(api.EVENT_SORTS),
    "sort_stories": "one of " + ", ".join(api.STORY_SORTS),
}


@dataclass
class Filters:
    """The filters that events and stories share, as query parameters of both the pages and the API
    (a FastAPI dependency: ``flt: Filters = Depends()``). An empty form field means no filter."""
    dyad: str | None = Query(None, max_length=100, description=D["dyad"])
    actor: str | None = Query(None, max_length=100, description=D["actor"])
    type: str | None = Query(None, max_length=40, description=D["type"])
    quad_class: int | None = Query(None, ge=1, le=4, description=D["quad_class"])
    since: date | None = Query(None, description=D["since"])
    until: date | None = Query(None, description=D["until"])
    q: str | None = Query(None, max_length=200, description=D["q"])

    def given(self) -> dict[str, Any]:
        return {k: (v if v != "" else None) for k, v in asdict(self).items()}


def _one(record: dict[str, Any] | None, missing: str) -> dict[str, Any]:
    """``record``, or a 404 naming what is missing when there is none (an error page, or JSON for
    the API and ``.json`` requests: see ``not_found``)."""
    if record is None:
        raise HTTPException(status_code=404, detail=missing)
    return record


def _events_out(record: dict[str, Any]) -> dict[str, Any]:
    for e in record.get("events", []):
        _event_out(e)
    return record


def _secure(resp: Response) -> Response:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


class HeadAsGet:
    """ASGI middleware: HEAD is answered as GET without the body (FastAPI's routes are GET-only)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Any) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def _wants(request: Request, name: str) -> tuple[str, str]:
    """(name without suffix, 'json' | 'csv' | 'html')."""
    for ext in ("json", "csv"):
        if name.endswith("." + ext):
            return name[: -len(ext) - 1], ext
    return name, "json" if "application/json" in request.headers.get("accept", "") else "html"


def _fmt(request: Request) -> str:
    path = request.url.path
    if path.endswith(".json"):
        return "json"
    if path.endswith(".csv"):
        return "csv"
    return "json" if "application/json" in request.headers.get("accept", "") else "html"


def _paging(request: Request, total: int, limit: int, offset: int, path: str | None = None) -> dict[str, Any]:
    """limit, offset, total, next and previous URLs that keep every other query parameter."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("offset", "limit") and v != ""]
    base = path or request.url.path

    def url(off: int) -> str:
        return base + "?" + urlencode(params + [("limit", limit), ("offset", off)])

    return {"total": total, "limit": limit, "offset": offset,
            "next": url(offset + limit) if offset + limit < total else None,
            "previous": url(max(0, offset - limit)) if offset > 0 else None}


def _twins(request: Request) -> dict[str, str]:
    q = ("?" + str(request.url.query)) if request.url.query else ""
    p = request.url.path
    return {"json": f"{p}.json{q}", "csv": f"{p}.csv{q}"}


def _event_out(e: dict[str, Any]) -> dict[str, Any]:
    e["evidence_url"] = f"/article/{e['article_id']}#s{e['sent_idx']}"
    return e


def _vocab(row: dict[str, Any], kind: str) -> dict[str, Any]:
    """One field vocabulary (see models.py): rename the few fields that differ by origin."""
    r = dict(row)
    if kind == "dyad":
        r["date_start"], r["date_end"] = r.pop("first", None), r.pop("last", None)
    elif kind == "article":
        if "date_source" in r:
            r["published_source"] = r.pop("date_source")
    return r


def create_app(db: str | Path) -> FastAPI:
    db = str(db)
    # /docs is our own server-rendered page (FastAPI's loads its scripts from a CDN; nestor runs offline)
    app = FastAPI(title="nestor", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Evidence-linked political event data: a read-only JSON API over a nestor store. "
                              "Every list endpoint pages the same way (limit, offset → total, next, previous); "
                              "every record carries its evidence sentence and a link to it.")
    tdir = resources.files("nestor.web").joinpath("templates")
    templates = Jinja2Templates(directory=str(tdir))
    templates.env.globals["fmt_day"] = charts.fmt_day
    templates.env.globals["quad_names"] = charts.QUAD_NAMES
    app.mount("/static", StaticFiles(directory=str(resources.files("nestor.web").joinpath("static"))), name="static")

    current: ContextVar[api.Nestor | None] = ContextVar("nestor_session", default=None)

    def n() -> api.Nestor:
        """The request's store session (one read connection per request), else a plain reader."""
        return current.get() or api.open(db)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        if not request.url.path.startswith("/api") and request.scope.get("query_string"):
            # a submitted form sends its empty fields ("since="): on pages they mean "no filter"
            kept = [(k, v) for k, v in parse_qsl(request.scope["query_string"].decode("latin-1"),
                                                 keep_blank_values=True) if v != ""]
            request.scope["query_string"] = urlencode(kept).encode("latin-1")
        nes = api.open(db)
        with nes.session():
            token = current.set(nes)
            try:
                resp = await call_next(request)
            finally:
                current.reset(token)
        return _secure(resp)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        # answered by Starlette's outermost middleware, past security_headers: secure it here
        return _secure(JSONResponse({"detail": "internal error"}, status_code=500))

    def _error(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api") or _fmt(request) != "html":
            return JSONResponse({"detail": message}, status_code=status)
        return templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                                  "twins": None}, status_code=status)

    @app.exception_handler(HTTPException)
    async def not_found(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))   # a page or JSON, as asked

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return _error(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        msgs = "; ".join(f"{'.'.join(str(x) for x in err['loc'][1:])}: {err['msg']}" for err in exc.errors())
        return _error(request, 422, f"invalid parameters: {msgs}")

    def page(request: Request, template: str, ctx: dict[str, Any], data: Any, fmt: str,
             csv_rows: tuple[list[dict[str, Any]], list[str]] | None = None) -> Response:
        if fmt == "json":
            return JSONResponse(jsonable_encoder(data))
        if fmt == "csv":
            if csv_rows is None:
                return _error(request, 404, "this page has no CSV form")
            name = request.url.path.rsplit("/", 1)[-1]
            return Response(views.to_csv(*csv_rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
        twins = _twins(request) if csv_rows is not None else {"json": _twins(request)["json"]}
        if request.url.path == "/":
            twins = {"json": "/index.json"}
        resp = templates.TemplateResponse(request, template, {**ctx, "twins": twins})
        resp.headers["Link"] = f'<{quote(twins["json"], safe="/:?=&.-_")}>; rel="alternate"; type="application/json"'
        return resp

    def titled(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Stories with their who–what–where–when title and page URL."""
        acts = n().story_actors([s["id"] for s in stories])
        for s in stories:
            s["title"] = views.story_title(s, acts.get(s["id"], []))
            s["short"] = s["title"].split(",")[0]
            s["url"] = f"/story/{s['id']}"
        return stories

    def places(dyad: str | None = None, story: str | None = None, since: date | None = None,
               until: date | None = None, titles: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Where the events happened (:meth:`api.Nestor.places`), each story with its title and URL."""
        pts = n().places(dyad=dyad, story=story, since=since, until=until)
        ids = sorted({s["id"] for p in pts for s in p["stories"]})
        if titles is None and ids:
            titles = {s["id"]: s["title"] for s in titled(n().store.query(
                "SELECT * FROM stories WHERE list_contains(?, id)", [ids]))}
        for p in pts:
            for s in p["stories"]:
                s["title"] = (titles or {}).get(s["id"])
                s["url"] = f"/story/{s['id']}"
        return pts

    # ---- pages with JSON twins ----------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/index.json", include_in_schema=False)
    def home(request: Request) -> Response:
        ov = n().overview()
        dy = [_vocab(d, "dyad") for d in n().dyads(12)]
        st, total = n().stories_page(sort="-date", limit=10)
        data = {"overview": ov, "dyads": dy, "stories": titled(st)}
        return page(request, "home.html", data, data, _fmt(request))

    @app.get("/codebook", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/codebook.json", include_in_schema=False)
    def codebook(request: Request) -> Response:
        cb = views.codebook()
        return page(request, "codebook.html", {"cb": cb}, cb, _fmt(request))

    @app.get("/dyad/{name}", response_class=HTMLResponse, include_in_schema=False)
    def dyad(request: Request, name: str, since: date | None = Query(None), until: date | None = Query(None)) -> Response:
        name, fmt = _wants(request, name)
        a, b = api.parse_dyad(name)
        if not n().has_dyad(a, b):
            return _error(request, 404, f"no events or stories for the dyad {a}-{b}")
        label = "-".join(sorted((a, b)))
        tl = titled(n().timeline(a, b, since=since, until=until))
        series = n().series(a, b, since=since, until=until)
        zoom_url = f"/dyad/{label}"
        chart = charts.timeline(series, tl, f"{label}: distinct events by quad class, mean intensity and stories",
                                zoom_url, since, until, events_url=f"/events?dyad={label}")
        cl = [_event_out(c) for c in n().claims(dyad=label)]
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for c in cl:
            if c.get("value") is not None and c.get("measure") and c.get("unit") not in (None, "fraction", "percent", "count"):
                groups.setdefault((c["measure"], c["unit"]), []).append(c)
        # a chart per measure and unit with at least two figures; counts ("20 agreements") and
        # shares are not a series over time and stay in the table
        groups = {k: v for k, v in groups.items() if len(v) > 1}
        claim_charts = [{"measure": m, "unit": u, "n": len(pts),
                         "svg": charts.claims(pts, f"{label}: {m.replace('_', ' ')} ({u}), achieved against targets",
                                              f"cl{i}")}
                        for i, ((m, u), pts) in enumerate(sorted(groups.items()))]
        accords = [_event_out(x) for x in n().accords(dyad=label)]
        for s in tl:
            s["claims"] = list(dict.fromkeys(s.get("claims") or []))
            s["accords"] = list(dict.fromkeys(s.get("accords") or []))
        happenings = n().happenings(dyad=label, since=since, until=until)
        rows = n().events_page(dyad=label, since=since, until=until, limit=0)[1]
        data = {"dyad": label, "actors": [a, b], "since": since, "until": until, "events": happenings,
                "rows": rows, "timeline": tl, "series": series, "claims": cl, "accords": accords,
                "bins": [{"start": r["bin"].start, "end": r["bin"].end, "label": r["bin"].label, "events": r["n"],
                          **{f"quad_{q}": c for q, c in r["counts"].items()},
                          "mean_intensity": r["intensity"]} for r in chart["bins"]]}
        names = {c: api.actor_label(c)[0] for c in (a, b)}
        pts = places(dyad=label, since=since, until=until, titles={s["id"]: s["title"] for s in tl})
        data["places"] = pts
        place_map = maps.places_map(pts, f"{label}: where the events happened", "map",
                                    highlight={a, b})
        return page(request, "dyad.html", {**data, "chart": chart, "claim_charts": claim_charts, "names": names,
                                           "codes": sorted((a, b)), "map": place_map, "places": pts}, data, fmt)

    @app.get("/story/{sid}", response_class=HTMLResponse, include_in_schema=False)
    def story(request: Request, sid: str) -> Response:
        sid, fmt = _wants(request, sid)
        s = _one(n().story(sid), f"no story {sid}")
        titled([s])
        texts: dict[str, str] = {}
        for e in s["events"]:
            if e["article_id"] not in texts:
                art = n().article(e["article_id"])
                texts[e["article_id"]] = art["text"] if art else ""
            _event_out(e)
        s["happenings"] = views.happenings(s["events"])
        for e in s["happenings"]:
            e["context_html"] = views.context(e, texts[e["article_id"]])
        s["accords"] = [_event_out(x) for x in views.dedupe(s["accords"], lambda x: (x["title"] or "").lower())]
        s["claims"] = [_event_out(x) for x in views.dedupe(s["claims"], lambda x: (x["text"], x["measure"], x["status"]))]
        s["sites"] = sorted({a["source"] for a in s["articles"] if a.get("source")})
        s["codes"] = sorted({c for d in (s.get("dyads") or [s["dyad"]]) for c in d.split("-")})
        data = {k: v for k, v in s.items() if k != "happenings"}
        data["events"] = [{k: v for k, v in e.items() if k != "context_html"} for e in s["happenings"]]
        data["n_happenings"] = len(s["happenings"])
        data["places"] = places(story=s["id"], titles={s["id"]: s["title"]})
        place_map = maps.places_map(data["places"], f"{s['title']}: where the events happened", "map",
                                    highlight=set(s["codes"]))
        return page(request, "story.html", {"story": s, "places": data["places"], "map": place_map}, data, fmt)

    @app.get("/article/{aid}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, aid: str) -> Response:
        aid, fmt = _wants(request, aid)
        art = _one(n().article(aid), f"no article {aid}")
        for e in art["events"]:
            _event_out(e)
        art["story_of"] = {r["event_id"]: r["story_id"] for r in n().store.query(
            "SELECT event_id, story_id FROM story_events WHERE article_id = ?", [art["id"]])}
        data = _vocab(art, "article")
        return page(request, "article.html", {"article": art, "marked": views.mark_article(art)}, data, fmt)

    @app.get("/actor/{key}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(request: Request, key: str) -> Response:
        key, fmt = _wants(request, key)
        act = _one(n().actor(key), f"no actor {key} in this store")
        st, total = n().stories_page(actor=key, sort="-date", limit=20)
        dyads = [_vocab(d, "dyad") for d in n().dyads(None) if act["code"] in d["dyad"].split("-")
                 or act["actor_id"] in d["dyad"].split("-")]
        data = {"actor": act, "dyads": dyads, "stories": titled(st), "n_stories": total}
        return page(request, "actor.html", {**data, "key": key}, data, fmt)

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/articles.json", include_in_schema=False)
    @app.get("/articles.csv", include_in_schema=False)
    def articles_page(request: Request, q: str | None = Query(None, max_length=200),
                      limit: int = P_LIMIT, offset: int = P_OFFSET) -> Response:
        found, total = n().articles_page(q=q or None, limit=limit, offset=offset)
        rows = [_vocab(r, "article") for r in found]
        for r in rows:
            r["url_page"] = f"/article/{r['id']}"
        pg = _paging(request, total, limit, offset, "/articles")
        data = {"items": rows, **pg}
        return page(request, "articles.html", {"articles": rows, "pg": pg, "q": q}, data, _fmt(request),
                    (rows, ["id", "published", "published_precision", "published_source", "title", "source", "url",
                            "status"]))

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/events.json", include_in_schema=False)
    @app.get("/events.csv", include_in_schema=False)
    def events_page(request: Request, flt: Filters = Depends(), distinct: bool = True, sort: str = "date",
                    limit: int = P_LIMIT, offset: int = P_OFFSET) -> Response:
        f = flt.given()
        rows, total = n().events_page(**f, distinct=distinct, sort=sort, limit=limit, offset=offset)
        rows = [_event_out(e) for e in rows]
        pg = _paging(request, total, limit, offset, "/events")
        data = {"items": rows, **pg}
        return page(request, "events.html", {"events": rows, "f": f, "categories": CATEGORIES, "pg": pg,
                                             "distinct": distinct, "sort": sort, "sorts": list(api.EVENT_SORTS)},
                    data, _fmt(request), (rows, EVENT_COLUMNS))

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/stories.json", include_in_schema=False)
    @app.get("/stories.csv", include_in_schema=False)
    def stories_page(request: Request, flt: Filters = Depends(),
                     source: str | None = Query(None, max_length=200), sort: str = "-date",
                     limit: int = P_LIMIT, offset: int = P_OFFSET) -> Response:
        f: dict[str, Any] = {**flt.given(), "source": source or None}
        rows, total = n().stories_page(**f, sort=sort, limit=limit, offset=offset)
        rows = titled(rows)
        pg = _paging(request, total, limit, offset, "/stories")
        data = {"items": rows, **pg}
        sites = [s["site"] for s in n().overview()["sites"]]
        return page(request, "stories.html", {"stories": rows, "f": f, "categories": CATEGORIES, "pg": pg,
                                              "sort": sort, "sorts": list(api.STORY_SORTS), "sites": sites},
                    data, _fmt(request), (rows, STORY_COLUMNS))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request) -> Response:
        """The OpenAPI description as a plain page: nothing loaded from a CDN, no script."""
        schema = app.openapi()
        return templates.TemplateResponse(request, "docs.html", {"schema": schema, "twins": {"json": "/openapi.json"}})

    # ---- JSON API ------------------------------------------------------------------------------
    @app.get("/api/articles", tags=["articles"], response_model=models.Page[models.Article])
    def api_articles(request: Request, status: str | None = Query(None, description="stored | duplicate | ..."),
                     since: date | None = Query(None, description=D["since"]),
                     until: date | None = Query(None, description=D["until"]),
                     q: str | None = Query(None, max_length=200, description="text the title or body contains"),
                     limit: int = P_LIMIT, offset: int = P_OFFSET) -> Any:
        """Articles in publication order."""
        rows, total = n().articles_page(status=status, since=since, until=until, q=q, limit=limit, offset=offset)
        return {"items": [_vocab(r, "article") for r in rows], **_paging(request, total, limit, offset)}

    @app.get("/api/articles/{aid}", tags=["articles"], response_model=models.Article,
             responses={404: {"description": "no such article"}})
    def api_article(aid: str = PathParam(description="article id or a unique prefix of it")) -> Any:
        """One article with its text, sentences, mentions, events, claims and accords."""
        art = _one(n().article(aid), f"no article {aid}")
        return jsonable_encoder(_vocab(_events_out(art), "article"))

    @app.get("/api/actors", tags=["actors"], response_model=models.Page[models.Actor])
    def api_actors(request: Request, country: str | None = Query(None, max_length=8, description="ISO alpha-3"),
                   limit: int = P_LIMIT, offset: int = P_OFFSET) -> Any:
        """Coded actors by number of mentions."""
        rows, total = n().actors_page(country=country, limit=limit, offset=offset)
        return {"items": rows, **_paging(request, total, limit, offset)}

    @app.get("/api/actors/{key}", tags=["actors"], response_model=models.Actor,
             responses={404: {"description": "the store never mentions this actor"}})
    def api_actor(key: str = PathParam(description=D["actor"])) -> Any:
        """One actor: names, codes, counts."""
        return _one(n().actor(key), f"no actor {key} in this store")

    @app.get("/api/events", tags=["events"], response_model=models.Page[models.Event])
    def api_events(request: Request, flt: Filters = Depends(),
                   distinct: bool = Query(False, description=D["distinct"]),
                   sort: str = Query("date", description=D["sort_events"]),
                   limit: int = P_LIMIT, offset: int = P_OFFSET) -> Any:
        """Events with their evidence sentence; stored rows (both directions of a reciprocal event)
        unless ``distinct``."""
        rows, total = n().events_page(**flt.given(), distinct=distinct, sort=sort, limit=limit, offset=offset)
        return {"items": [_event_out(e) for e in rows], **_paging(request, total, limit, offset)}

    @app.get("/api/stories", tags=["stories"], response_model=models.Page[models.Story])
    def api_stories(request: Request, flt: Filters = Depends(),
                    source: str | None = Query(None, max_length=200, description=D["source"]),
                    sort: str = Query("-date", description=D["sort_stories"]),
                    limit: int = P_LIMIT, offset: int = P_OFFSET) -> Any:
        """Stories (one real-world happening reported by one or more articles) matching every filter."""
        rows, total = n().stories_page(**flt.given(), source=source or None, sort=sort, limit=limit, offset=offset)
        return {"items": titled(rows), **_paging(request, total, limit, offset)}

    @app.get("/api/stories/{sid}", tags=["stories"], response_model=models.Story,
             responses={404: {"description": "no such story"}})
    def api_story(sid: str = PathParam(description="story id or a unique prefix")) -> Any:
        """One story with its events, articles, accords and claims."""
        s = _one(n().story(sid), f"no story {sid}")
        return jsonable_encoder(titled([_events_out(s)])[0])

    @app.get("/api/claims", tags=["claims"], response_model=models.Page[models.Claim])
    def api_claims(request: Request, measure: str | None = Query(None, max_length=50, description="e.g. trade"),
                   dyad: str | None = Query(None, description=D["dyad"]),
                   status: str | None = Query(None, pattern="^(achieved|target|pace|forecast|record)$",
                                              description="achieved | target | pace | forecast | record"),
                   limit: int = P_LIMIT, offset: int = P_OFFSET) -> Any:
        """Numbers claimed in the text, with the period they refer to and target vs achieved."""
        rows, total = n().claims_page(measure=measure, dyad=dyad, status=status, limit=limit, offset=offset)
        return {"items": [_event_out(c) for c in rows], **_paging(request, total, limit, offset)}

    @app.get("/api/accords", tags=["accords"], response_model=models.Page[models.Accord])
    def api_accords(request: Request, dyad: str | None = Query(None, description=D["dyad"]),
                    limit: int = P_LIMIT, offset: int = P_OFFSET) -> Any:
        """Named documents signed or adopted, with their parties."""
        rows, total = n().accords_page(dyad=dyad, limit=limit, offset=offset)
        return {"items": [_event_out(c) for c in rows], **_paging(request, total, limit, offset)}

    @app.get("/api/timeline/{a}/{b}", tags=["dyads"], response_model=models.Timeline,
             responses={404: {"description": "no events or stories for this dyad"}})
    def api_timeline(a: str = PathParam(description="actor code"), b: str = PathParam(description="actor code"),
                     since: date | None = Query(None, description=D["since"]),
                     until: date | None = Query(None, description=D["until"]),
                     top: int | None = Query(None, ge=1, le=MAX_LIMIT, description="keep the most important stories")) -> Any:
        """A dyad's stories in date order and its monthly series of distinct happenings."""
        a, b = api.parse_dyad(f"{a}-{b}")
        if not n().has_dyad(a, b):
            return JSONResponse({"detail": f"no events or stories for the dyad {a}-{b}"}, status_code=404)
        return jsonable_encoder({"dyad": "-".join(sorted((a, b))),
                                 "stories": titled(n().timeline(a, b, since=since, until=until, top=top)),
                                 "series": n().series(a, b, since=since, until=until)})

    @app.get("/api/places", tags=["places"], response_model=models.Page[models.PlacePoint])
    def api_places(request: Request, dyad: str | None = Query(None, max_length=100, description=D["dyad"]),
                   story: str | None = Query(None, max_length=100, description="a story id or a unique prefix"),
                   since: date | None = Query(None, description=D["since"]),
                   until: date | None = Query(None, description=D["until"]),
                   limit: int = P_LIMIT, offset: int = P_OFFSET) -> Any:
        """Where the events happened: one point per place with coordinates, the distinct happenings
        there by quad class, and their stories (the points the dyad and story maps draw)."""
        pts = places(dyad=dyad or None, story=story or None, since=since, until=until)
        return {"items": pts[offset:offset + limit], **_paging(request, len(pts), limit, offset)}

    @app.get("/api/dyads", tags=["dyads"], response_model=models.Page[models.Dyad])
    def api_dyads(request: Request, limit: int = P_LIMIT, offset: int = P_OFFSET) -> Any:
        """Dyads by number of distinct happenings."""
        rows = [_vocab(d, "dyad") for d in n().dyads(limit, offset)]
        return {"items": rows, **_paging(request, n().dyad_count(), limit, offset)}

    app.add_middleware(HeadAsGet)
    return app
