"""FastAPI app: server-rendered pages (Jinja2, autoescaped) with JSON twins, and a JSON API.

* Every page has a JSON twin: the same URL with ``.json`` (or ``Accept: application/json``);
  HTML pages announce it with ``<link rel="alternate">`` and a ``Link`` header.
* Read-only: each request opens the DuckDB file read-only through :mod:`nestor.api`; no route
  writes, and none reads a file other than the store and the package's own static files.
* All article text is untrusted: templates autoescape, highlighted text is built from escaped
  segments, and a Content-Security-Policy forbids scripts altogether (the UI needs none; charts
  are SVG drawn on the server by matplotlib).
* Query parameters are validated (types, ranges, ISO dates, the 16 PLOVER types, ``limit`` ≤
  1000): bad input is a 4xx with a message, never a 500 or an unbounded query.
"""
from __future__ import annotations

import io
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from .. import api
from ..dates import show_interval
from ..errors import InputError, StoreError
from ..vocab import CATEGORIES

CSP = "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'"
MAX_LIMIT = 1000


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


def _wants_json(request: Request, name: str) -> tuple[str, bool]:
    if name.endswith(".json"):
        return name[:-5], True
    return name, "application/json" in request.headers.get("accept", "")


_dyad = api.parse_dyad


def mark_article(art: dict[str, Any]) -> Markup:
    """The article text with actors, dates and event triggers wrapped in <mark>, escaped."""
    text = art["text"]
    spans: list[tuple[int, int, str, str]] = []
    for e in art.get("events", []):
        spans.append((e["trigger_start"], e["trigger_end"], "event", f"{e['event_type']} {e['cameo'] or ''}"))
    for m in art.get("mentions", []):
        if m.get("actor_id"):
            spans.append((m["start"], m["end"], "actor", m.get("code") or m["actor_id"]))
    for t in art.get("timexes", []):
        if t.get("value"):
            spans.append((t["start"], t["end"], "date", show_interval(t["value"], t["end_value"], t["precision"])))
    taken: list[tuple[int, int, str, str]] = []
    for s in spans:
        if 0 <= s[0] < s[1] <= len(text) and all(s[1] <= o[0] or s[0] >= o[1] for o in taken):
            taken.append(s)
    taken.sort()
    sent_starts = {s["start"]: s["idx"] for s in art.get("sentences", [])}
    out: list[str] = []
    pos = 0
    anchors = sorted(sent_starts)
    for start, end, kind, title in taken + [(len(text), len(text), "", "")]:
        seg = text[pos:start]
        # sentence anchors inside the plain segment (for links to evidence)
        chunk, cpos = [], pos
        for a in anchors:
            if pos <= a < start:
                chunk.append(str(escape(text[cpos:a])))
                chunk.append(f'<span id="s{sent_starts[a]}"></span>')
                cpos = a
        chunk.append(str(escape(text[cpos:start])))
        out.append("".join(chunk) if anchors else str(escape(seg)))
        if kind:
            out.append(f'<mark class="{kind}" title="{escape(title)}">{escape(text[start:end])}</mark>')
        pos = end
    return Markup("".join(out))


def _context(e: dict[str, Any], text: str | None) -> Markup:
    """The evidence sentence highlighted inside its neighbouring text."""
    if not text:
        return Markup(f'<mark class="evidence">{escape(e["evidence"])}</mark>')
    lo = max(0, e["sent_start"] - 160)
    hi = min(len(text), e["sent_end"] + 160)
    return Markup(f'…{escape(text[lo:e["sent_start"]])}<mark class="evidence">{escape(text[e["sent_start"]:e["sent_end"]])}'
                  f'</mark>{escape(text[e["sent_end"]:hi])}…')


def create_app(db: str | Path) -> FastAPI:
    db = str(db)
    # no /docs or /redoc: FastAPI's pages load their scripts from a CDN, and nestor runs offline
    app = FastAPI(title="nestor", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Evidence-linked political event data: read-only JSON API over a nestor store.")
    tdir = resources.files("nestor.web").joinpath("templates")
    templates = Jinja2Templates(directory=str(tdir))
    app.mount("/static", StaticFiles(directory=str(resources.files("nestor.web").joinpath("static"))), name="static")

    def n() -> api.Nestor:
        return api.open(db)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        return _secure(await call_next(request))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        # answered by Starlette's outermost middleware, past security_headers: secure it here
        return _secure(JSONResponse({"detail": "internal error"}, status_code=500))

    def _error(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api") or request.url.path.endswith(".json") or \
                "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"detail": message}, status_code=status)
        return templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                                  "json_url": None}, status_code=status)

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

    def page(request: Request, template: str, ctx: dict[str, Any], data: Any, as_json: bool, json_url: str) -> Response:
        if as_json:
            return JSONResponse(jsonable_encoder(data))
        resp = templates.TemplateResponse(request, template, {**ctx, "json_url": json_url})
        resp.headers["Link"] = f'<{quote(json_url, safe="/:?=&.-_")}>; rel="alternate"; type="application/json"'
        return resp

    # ---- pages with JSON twins ----------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/index.json", include_in_schema=False)
    def home(request: Request) -> Response:
        as_json = request.url.path.endswith(".json") or "application/json" in request.headers.get("accept", "")
        dy = n().dyads(50)
        st = sorted(n().stories(limit=MAX_LIMIT), key=lambda s: (s["date"], s["n_articles"]), reverse=True)[:20]
        return page(request, "home.html", {"dyads": dy, "stories": st}, {"dyads": dy, "stories": st}, as_json,
                    "/index.json")

    @app.get("/dyad/{name}/chart.svg", include_in_schema=False)
    def dyad_chart(name: str) -> Response:
        from ..plots import timeline_plot

        a, b = _dyad(name)
        buf = io.BytesIO()
        timeline_plot(n().series(a, b), n().timeline(a, b), buf, f"{a}–{b}: cooperation and conflict per month",
                      fmt="svg")
        return Response(buf.getvalue(), media_type="image/svg+xml")

    @app.get("/dyad/{name}/claims.svg", include_in_schema=False)
    def dyad_claims_chart(name: str) -> Response:
        from ..plots import claims_plot

        a, b = _dyad(name)
        buf = io.BytesIO()
        claims_plot(n().claims(measure="trade", dyad=f"{a}-{b}"), buf, f"{a}–{b} bilateral trade claims", fmt="svg")
        return Response(buf.getvalue(), media_type="image/svg+xml")

    @app.get("/dyad/{name}", response_class=HTMLResponse, include_in_schema=False)
    def dyad(request: Request, name: str) -> Response:
        name, as_json = _wants_json(request, name)
        a, b = _dyad(name)
        label = "-".join(sorted((a, b)))
        tl = n().timeline(a, b)
        cl = n().claims(measure="trade", dyad=f"{a}-{b}")
        data = {"dyad": label, "timeline": tl, "claims": cl, "series": n().series(a, b)}
        return page(request, "dyad.html", {"dyad": label, "timeline": tl, "claims": cl}, data, as_json,
                    f"/dyad/{label}.json")

    @app.get("/story/{sid}", response_class=HTMLResponse, include_in_schema=False)
    def story(request: Request, sid: str) -> Response:
        sid, as_json = _wants_json(request, sid)
        s = n().story(sid)
        if s is None:
            return _error(request, 404, f"no story {sid}")
        texts: dict[str, str] = {}
        for e in s["events"]:
            if e["article_id"] not in texts:
                art = n().article(e["article_id"])
                texts[e["article_id"]] = art["text"] if art else ""
            e["context_html"] = _context(e, texts[e["article_id"]])
        data = {k: v for k, v in s.items()}
        data["events"] = [{k: v for k, v in e.items() if k != "context_html"} for e in s["events"]]
        return page(request, "story.html", {"story": s}, data, as_json, f"/story/{s['id']}.json")

    @app.get("/article/{aid}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, aid: str) -> Response:
        aid, as_json = _wants_json(request, aid)
        art = n().article(aid)
        if art is None:
            return _error(request, 404, f"no article {aid}")
        return page(request, "article.html", {"article": art, "marked": mark_article(art)}, art, as_json,
                    f"/article/{art['id']}.json")

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/articles.json", include_in_schema=False)
    def articles_page(request: Request, limit: int = Query(200, ge=1, le=MAX_LIMIT),
                      offset: int = Query(0, ge=0, le=api.MAX_OFFSET)) -> Response:
        as_json = request.url.path.endswith(".json") or "application/json" in request.headers.get("accept", "")
        rows = n().articles(limit=limit, offset=offset)
        return page(request, "articles.html", {"articles": rows}, rows, as_json, "/articles.json")

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/events.json", include_in_schema=False)
    def events_page(request: Request, dyad: str | None = None, actor: str | None = None,
                    type: str | None = None, quad_class: int | None = Query(None, ge=1, le=4),  # noqa: A002
                    since: date | None = None, until: date | None = None, q: str | None = Query(None, max_length=200),
                    limit: int = Query(100, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=api.MAX_OFFSET)) -> Response:
        as_json = request.url.path.endswith(".json") or "application/json" in request.headers.get("accept", "")
        f = {"dyad": dyad or None, "actor": actor or None, "type": (type or None), "since": since, "until": until,
             "q": q or None}
        rows = n().events(dyad=f["dyad"], actor=f["actor"], type=f["type"], quad_class=quad_class, since=since,
                          until=until, q=f["q"], limit=limit, offset=offset)
        from urllib.parse import urlencode

        nxt = "/events?" + urlencode({**{k: v for k, v in f.items() if v}, "limit": limit, "offset": offset + limit})
        return page(request, "events.html", {"events": rows, "f": f, "categories": CATEGORIES, "limit": limit,
                                             "next_url": nxt}, rows, as_json, "/events.json")

    # ---- JSON API ------------------------------------------------------------------------------
    @app.get("/api/articles", tags=["api"])
    def api_articles(status: str | None = None, since: date | None = None, until: date | None = None,
                     q: str | None = Query(None, max_length=200), limit: int = Query(100, ge=1, le=MAX_LIMIT),
                     offset: int = Query(0, ge=0, le=api.MAX_OFFSET)) -> Any:
        return jsonable_encoder(n().articles(status=status, since=since, until=until, q=q, limit=limit, offset=offset))

    @app.get("/api/articles/{aid}", tags=["api"])
    def api_article(aid: str) -> Any:
        art = n().article(aid)
        if art is None:
            return JSONResponse({"detail": f"no article {aid}"}, status_code=404)
        return jsonable_encoder(art)

    @app.get("/api/actors", tags=["api"])
    def api_actors(country: str | None = Query(None, max_length=8), limit: int = Query(100, ge=1, le=MAX_LIMIT)) -> Any:
        return jsonable_encoder(n().actors(country=country, limit=limit))

    @app.get("/api/events", tags=["api"])
    def api_events(dyad: str | None = None, actor: str | None = None, type: str | None = None,  # noqa: A002
                   quad_class: int | None = Query(None, ge=1, le=4), since: date | None = None,
                   until: date | None = None, q: str | None = Query(None, max_length=200),
                   limit: int = Query(100, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=api.MAX_OFFSET)) -> Any:
        return jsonable_encoder(n().events(dyad=dyad, actor=actor, type=type, quad_class=quad_class, since=since,
                                           until=until, q=q, limit=limit, offset=offset))

    @app.get("/api/stories", tags=["api"])
    def api_stories(dyad: str | None = None, since: date | None = None, until: date | None = None,
                    limit: int = Query(100, ge=1, le=MAX_LIMIT)) -> Any:
        return jsonable_encoder(n().stories(dyad=dyad, since=since, until=until, limit=limit))

    @app.get("/api/stories/{sid}", tags=["api"])
    def api_story(sid: str) -> Any:
        s = n().story(sid)
        if s is None:
            return JSONResponse({"detail": f"no story {sid}"}, status_code=404)
        return jsonable_encoder(s)

    @app.get("/api/claims", tags=["api"])
    def api_claims(measure: str | None = Query(None, max_length=50), dyad: str | None = None,
                   status: str | None = Query(None, pattern="^(achieved|target|pace|forecast|record)$"),
                   limit: int = Query(100, ge=1, le=MAX_LIMIT)) -> Any:
        return jsonable_encoder(n().claims(measure=measure, dyad=dyad, status=status, limit=limit))

    @app.get("/api/accords", tags=["api"])
    def api_accords(dyad: str | None = None, limit: int = Query(100, ge=1, le=MAX_LIMIT)) -> Any:
        return jsonable_encoder(n().accords(dyad=dyad, limit=limit))

    @app.get("/api/timeline/{a}/{b}", tags=["api"])
    def api_timeline(a: str, b: str, since: date | None = None, until: date | None = None,
                     top: int | None = Query(None, ge=1, le=MAX_LIMIT)) -> Any:
        a, b = _dyad(f"{a}-{b}")
        return jsonable_encoder({"stories": n().timeline(a, b, since=since, until=until, top=top),
                                 "series": n().series(a, b)})

    @app.get("/api/dyads", tags=["api"])
    def api_dyads(limit: int = Query(50, ge=1, le=MAX_LIMIT)) -> Any:
        return jsonable_encoder(n().dyads(limit))

    app.add_middleware(HeadAsGet)
    return app
