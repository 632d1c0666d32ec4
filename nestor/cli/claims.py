"""Commands: claims, accords."""
from __future__ import annotations

from typing import Annotated

import typer

from .. import api
from ..dates import show_interval
from .common import DbOpt, JsonOpt, LimitOpt, app, console_err, emit
from .core import show_published


@app.command()
def claims(
    db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False, limit: LimitOpt = 200,
    measure: Annotated[str | None, typer.Option(help="e.g. trade, investment, agreements.")] = None,
    dyad: Annotated[str | None, typer.Option(help="Both actors among the claim's actors: RUS-CHN.")] = None,
    status: Annotated[str | None, typer.Option(help="achieved, target, pace, record.")] = None,
    plot: Annotated[str | None, typer.Option(help="Write a plot of the series to this PNG/SVG file.")] = None,
) -> None:
    """Figures claimed over time: period, value, status and source article."""
    if plot:
        from ..plots import check_plot_path

        check_plot_path(plot)          # a bad file name is an error before anything is printed
    rows = api.open(db).claims(measure=measure, dyad=dyad, status=status, limit=limit)
    for r in rows:
        ps, pe = r["period_start"], r["period_end"]
        r["period"] = (str(ps.year) if ps and pe and ps.year == pe.year and (pe - ps).days > 300 else
                       show_interval(ps, pe, r.get("period_precision")))
        r["figure"] = f"{r['text']}"
        pub = show_published({**r, "date_source": r["published_source"]}, mark=False)
        r["article"] = f"{r['article_id'][:8]} ({pub}{'*' if r['published_source'] == 'estimated' else ''})"
        r["said_by"] = r["speaker_text"] or ""
    table_rows = rows if as_json else [
        {**r, "actors": "-".join(r["actors"] or []) + (" (inferred)" if r.get("actors_inferred") else "")}
        for r in rows]
    emit(table_rows, ["period", "figure", "measure", "status", "actors", "said_by", "article"], as_json,
         empty="no claims")
    if plot:
        from ..plots import claims_plot

        claims_plot(rows, plot, title=f"{measure or 'claims'} over time" + (f" ({dyad})" if dyad else ""))
        # on stderr, so that stdout stays one JSON document with --json
        console_err.print(f"plot written to {plot}")


@app.command()
def accords(
    db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False, limit: LimitOpt = 200,
    dyad: Annotated[str | None, typer.Option(help="Both parties: RUS-CHN.")] = None,
) -> None:
    """Named documents signed, adopted or concluded."""
    rows = api.open(db).accords(dyad=dyad, limit=limit)
    for r in rows:
        r["when"] = show_interval(r["date"], r.get("date_end"), r.get("date_precision"))
    if as_json:
        emit(rows, [], True, empty="no accords")
        return
    # the table: a set's count with its qualifier ("nearly 36"), members under their set's short id
    table_rows = [{**r, "id": r["id"][:8], "set": (r.get("set_id") or "")[:8],
                   "count": f"{r.get('count_qualifier') or ''} {r['count']}".strip() if r.get("count") else "",
                   "parties": "-".join(r["parties"] or []) + (" (inferred)" if r.get("parties_inferred") else "")}
                  for r in rows]
    emit(table_rows, [("when", "date"), "id", "title", "doc_type", "count", "set", "domain", "parties"], False,
         empty="no accords")
