"""Commands: stories, timeline, dyads."""
from __future__ import annotations

from typing import Annotated

import typer

from .. import api
from ..dates import show_interval
from ..store import Store
from .common import DbOpt, JsonOpt, LimitOpt, app, console_err, emit, parse_date_opt


@app.command()
def stories(db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False, limit: LimitOpt = 100,
            dyad: Annotated[str | None, typer.Option(help="RUS-CHN")] = None,
            rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild all stories from the events.")] = False) -> None:
    """Happenings merged across articles, with their date span, place and sources."""
    if rebuild:
        from .. import stories as st

        with Store(db).writer() as con:
            n = st.rebuild(con, None)
        console_err.print(f"{n} stories built")
    rows = api.open(db).stories(dyad=dyad, limit=limit)
    for r in rows:
        r["span"] = show_interval(r["date_start"], r["date_end"], r.get("date_precision"))
    emit(rows, [("id", "id"), ("span", "dates"), ("dyad", "dyad"), ("kind", "kind"), ("place", "place"),
                ("n_articles", "articles"), ("n_sources", "sources"), ("headline", "headline")], as_json,
         empty="no stories")


@app.command()
def timeline(a: Annotated[str, typer.Argument(help="Actor code, e.g. RUS")],
             b: Annotated[str, typer.Argument(help="Actor code, e.g. CHN")],
             db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False,
             since: Annotated[str | None, typer.Option(help="YYYY[-MM[-DD]]")] = None,
             until: Annotated[str | None, typer.Option(help="YYYY[-MM[-DD]]")] = None,
             top: Annotated[int | None, typer.Option(help="Keep the N most important stories.", min=1)] = None,
             plot: Annotated[str | None, typer.Option(help="Write the cooperation/conflict chart (PNG/SVG).")] = None,
             ) -> None:
    """The dyad's history: its stories in date order with their outcomes."""
    if plot:
        from ..plots import check_plot_path

        check_plot_path(plot)          # a bad file name is an error before anything is printed
    n = api.open(db)
    rows = n.timeline(a, b, since=parse_date_opt(since, "--since"), until=parse_date_opt(until, "--until"), top=top)
    for r in rows:
        r["outcomes"] = "; ".join((r["accords"] + r["claims"])[:6])
        r["when"] = r["date_shown"]
    cols = [("when", "date"), ("kind", "kind"), ("place", "place"), ("n_articles", "articles"),
            ("headline", "headline"), ("outcomes", "accords and claims")]
    if top:
        cols.append(("why", "why picked"))
    emit(rows, cols, as_json, empty=f"no stories for {a}-{b}")
    if plot:
        from ..plots import timeline_plot

        timeline_plot(n.series(a, b), rows, plot, f"{a.upper()}–{b.upper()}: cooperation and conflict per month")
        console_err.print(f"plot written to {plot}")


@app.command()
def dyads(db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False, limit: LimitOpt = 30) -> None:
    """Dyads ranked by activity."""
    emit(api.open(db).dyads(limit), ["dyad", "events", "articles", "stories", "cooperation", "conflict",
                                     ("first_shown", "first"), ("last_shown", "last")], as_json, empty="no dyads")
