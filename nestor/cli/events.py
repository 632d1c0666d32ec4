"""Commands: actors, events, eval."""
from __future__ import annotations

from typing import Annotated

import typer

from .. import api
from ..dates import show_interval
from .common import (
    DbOpt,
    JsonOpt,
    LimitOpt,
    app,
    console,
    emit,
    parse_date_opt,
    print_json,
)


@app.command()
def actors(db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False, limit: LimitOpt = 50,
           country: Annotated[str | None, typer.Option(
               help="Only actors of this country (ISO alpha-3).")] = None) -> None:
    """List actors with their mention counts."""
    emit(api.open(db).actors(country=country, limit=limit),
         ["actor_id", "name", "kind", "code", "mentions", "articles"], as_json, empty="no actors")


@app.command()
def events(
    db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False, limit: LimitOpt = 100,
    dyad: Annotated[str | None, typer.Option(help="A pair of actor codes, either direction: RUS-CHN.")] = None,
    actor: Annotated[str | None, typer.Option(help="Source or target code / actor id.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="PLOVER category, e.g. AGREE.")] = None,  # noqa: A002
    quad: Annotated[int | None, typer.Option("--quad", help="Quad class 1-4.")] = None,
    since: Annotated[str | None, typer.Option(help="Event date on or after (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(help="Event date on or before.")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Text search in the evidence.")] = None,
    near: Annotated[str | None, typer.Option(help="Events placed near this place (a name: Kashmir, Beijing, "
                                                  "the Kremlin) or named so.")] = None,
    radius: Annotated[float | None, typer.Option(help="With --near: the distance in km (default by the "
                                                      "place: 25 landmark, 50 city, 300 region).")] = None,
    country: Annotated[str | None, typer.Option(help="Events placed in this country or on its borders "
                                                     "(ISO alpha-3 or name).")] = None,
) -> None:
    """List coded events with their evidence sentence."""
    rows = api.open(db).events(dyad=dyad, actor=actor, type=type, quad_class=quad,
                               since=parse_date_opt(since, "--since"), until=parse_date_opt(until, "--until"),
                               q=q, limit=limit, near=near, country=country, radius_km=radius)
    for r in rows:
        r["who"] = f"{r['source_code'] or '?'} → {r['target_code'] or '-'}"
        r["what"] = f"{r['event_type']}/{r['mode'] or ''} ({r['cameo']})" + (" NOT" if r["negated"] else "")
        flags = r["modality"] + (f", by {r['speaker_text']}" if r.get("speaker_text") else "")
        r["how"] = flags
        r["when"] = show_interval(r["date"], r["date_end"], r["date_precision"]) + (
            "" if r["date_source"] == "text" else "*")
        r["evidence_short"] = r["evidence"][:160]
        r["where"] = (r.get("place_name") or r.get("location") or "") + (
            f" ({r['place_country']})" if r.get("place_country") else "")
    emit(rows, [("when", "date"), ("who", "who"), ("what", "event"), ("how", "modality"), ("where", "where"),
                ("evidence_short", "evidence")], as_json, empty="no events")


@app.command(name="eval")
def eval_cmd(gold: Annotated[str, typer.Argument(help="Gold records (PLOVER gold-standard JSON).")],
             as_json: JsonOpt = False,
             split: Annotated[bool, typer.Option(
                 "--split", help="Also score the two fixed halves of the file (A: tune on its failures only; "
                                 "B: the check) and their gap.")] = False) -> None:
    """Precision, recall and F1 of the event coder against annotated sentences."""
    from ..evaluate import evaluate_split

    reps = evaluate_split(gold, split=split)
    d = reps["all"].as_dict()
    halves = {h: reps[h].as_dict() for h in ("A", "B") if h in reps}
    if as_json:
        if halves:
            d = {**d, "halves": halves,
                 "gap": {k: round(halves["A"][k]["f1"] - halves["B"][k]["f1"], 3) for k in ("category", "triple")}}
        print_json(d)
        return
    c, t = d["category"], d["triple"]
    console.print(f"[bold]{d['sentences']} sentences[/]")
    console.print(f"category  P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}")
    console.print(f"triple    P {t['precision']:.3f}  R {t['recall']:.3f}  F1 {t['f1']:.3f}")
    if halves:
        rows = [{"half": h + (" (tuning)" if h == "A" else " (check)"), "sentences": v["sentences"],
                 "cat_p": v["category"]["precision"], "cat_r": v["category"]["recall"],
                 "cat_f1": v["category"]["f1"], "triple_f1": v["triple"]["f1"]} for h, v in halves.items()]
        emit(rows, ["half", "sentences", "cat_p", "cat_r", "cat_f1", "triple_f1"], False, title="halves")
        gap = halves["A"]["category"]["f1"] - halves["B"]["category"]["f1"]
        console.print(f"gap A-B: category F1 {gap:+.3f}, triple F1 "
                      f"{halves['A']['triple']['f1'] - halves['B']['triple']['f1']:+.3f}")
    rows = [{"category": k, **v, "triple_f1": d["per_category_triple"].get(k, {}).get("f1", "")}
            for k, v in d["per_category"].items()]
    emit(rows, ["category", "tp", "fp", "fn", "precision", "recall", "f1", "triple_f1"], False)
    conf = [r for r in d["confusion"] if r["gold"] != r["predicted"]]
    emit(conf, ["gold", "predicted", "count"], False, title="confusions (gold → coded; '-' = missed)")
