"""Core commands: run, articles, show, export, runs."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .. import api
from ..config import Settings
from ..dates import add_shown, show_interval
from ..errors import InputError
from ..pipeline import Pipeline
from ..store import Store
from .common import (
    DbOpt,
    JsonOpt,
    LimitOpt,
    app,
    console,
    console_err,
    emit,
    parse_date_opt,
    print_json,
)


@app.command()
def run(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files or folders of articles (.txt, .html, .jsonl, .warc[.gz]); none: the demo corpus.")] = None,
    db: DbOpt = "nestor.duckdb",
    workers: Annotated[int | None, typer.Option(
        help="Worker processes (0 = all cores, the default; 1 = in-process).")] = None,
    model: Annotated[str, typer.Option(help="spaCy pipeline: auto, a package name or a path.")] = "auto",
    kb: Annotated[str | None, typer.Option("--kb", help="Folder with extra knowledge-base files.")] = None,
    max_file_mb: Annotated[float, typer.Option(help="Skip files larger than this (MB).")] = 50.0,
    engine: Annotated[str, typer.Option(help="local (process pool) or spark.")] = "local",
    master: Annotated[str, typer.Option(help="Spark master: local[2], spark://host:7077, yarn.")] = "local[2]",
    parquet: Annotated[str | None, typer.Option(help="Spark output folder (default: DB name + .parquet).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ingest, extract and store articles; print a summary. Exit 1 if any document was skipped.

    With no PATH, the demo corpus that ships with nestor is read (as `nestor demo`)."""
    demo_run = not paths
    if demo_run:
        from ..demo import corpus_path

        paths = [str(corpus_path())]
    import os

    if workers is None and "NESTOR_WORKERS" not in os.environ:
        workers = 0                      # the CLI's default: every core
    if max_file_mb <= 0:
        raise InputError(f"--max-file-mb must be positive, got {max_file_mb}")
    settings = Settings.from_overrides(db=db, workers=workers, model=model, kb_extra=kb, engine=engine,
                                       spark_master=master, max_file_bytes=int(max_file_mb * 1_000_000))
    assert paths is not None             # the demo corpus stands in for no path, above
    missing = [p for p in paths if not Path(p).exists() and not Path(p).is_symlink()]
    if missing:
        raise InputError(f"{missing[0]}: no such file or directory")
    if engine == "spark":
        from ..engine.spark import load as spark_load
        from ..engine.spark import run_spark

        Store(db).check()                # a DuckDB file of another schema: refused before Spark starts

        out = parquet or (db + ".parquet")
        counts = run_spark(paths, settings, out)
        loaded = spark_load(out, db, settings)
        spark_summary = {"engine": "spark", "parquet": out, "written": counts, "loaded": loaded}
        print_json(spark_summary) if as_json else console.print(f"spark: {counts}\nloaded into {db}: {loaded}")
        raise typer.Exit(1 if counts.get("skips") else 0)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed} articles"),
                  TimeElapsedColumn(), console=console_err, transient=True, disable=as_json) as progress:
        task = progress.add_task("nestor run", total=None)
        report = Pipeline(settings, progress=lambda what, n: progress.advance(task, n)).run(paths)
    keys = ("files", "articles", "already_stored", "stored", "duplicates", "non_english", "errors", "skipped",
            "warnings", "events", "claims", "accords")
    summary: dict[str, Any] = {"run_id": report.run_id, "status": report.status, "db": db,
               **{k: report.counts.get(k, 0) for k in keys}, **dict(report.counts),
               "skipped_by_reason": dict(report.skip_reasons()),
               "skips": [{"path": s.path, "reason": s.reason, "detail": s.detail} for s in report.skips],
               "seconds": round(report.durations.get("total", 0.0), 2)}
    if as_json:
        print_json(summary)
    else:
        c = report.counts
        console.print(f"[bold]nestor run[/] {report.run_id} → {escape(db)}  ({summary['seconds']} s)")
        console.print(f"  files read      {c['files']}")
        console.print(f"  articles found  {c['articles']}  (already stored: {c['already_stored']})")
        console.print(f"  stored          {c['stored']}  (near-duplicates: {c['duplicates']}, "
                      f"not English: {c['non_english']}, errors: {c['errors']})")
        console.print(f"  records         {c['events']} events, {c['claims']} claims, {c['accords']} accords")
        if report.skips:
            console.print(f"  [yellow]skipped         {c['skipped']}[/]  "
                          + ", ".join(f"{k}: {v}" for k, v in sorted(report.skip_reasons().items())))
            for s in report.skips[:50]:
                console.print(f"    [yellow]{escape(s.reason)}[/]  {escape(s.path)}  {escape(s.detail)}")
            if len(report.skips) > 50:
                console.print(f"    … {len(report.skips) - 50} more (nestor runs --skips)")
        else:
            console.print("  skipped         0")
        if demo_run:
            print_next_steps(db)
    raise typer.Exit(report.exit_code)


def print_next_steps(db: str) -> None:
    """What to look at after the demo run (the store's name added where it is not the default)."""
    opt = "" if db == "nestor.duckdb" else f" --db {db}"
    console.print("\n[bold]demo corpus stored.[/] Where to look next:")
    steps = ((f"nestor timeline RUS CHN{opt}", "Russia–China: summits, treaties and gas deals, 2001–2024"),
             (f"nestor dyads{opt}", "every pair of actors, by activity"),
             (f"nestor events --dyad IND-PAK{opt}", "events with their evidence sentence"),
             (f"nestor claims --measure trade{opt}", "trade figures claimed over time"),
             (f"nestor serve{opt}", "web UI and JSON API on http://127.0.0.1:8000/"))
    width = max(len(cmd) for cmd, _ in steps) + 2
    for cmd, what in steps:
        console.print(f"  {escape(cmd).ljust(width)}{what}")


@app.command()
def demo(
    db: DbOpt = "nestor.duckdb",
    workers: Annotated[int, typer.Option(help="Worker processes (0 = all cores, the default; 1 = in-process).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Process the demo corpus that ships with nestor (36 short reports: text, HTML, JSONL, WARC)."""
    run(paths=None, db=db, workers=workers, model="auto", kb=None, max_file_mb=50.0, engine="local",
        master="local[2]", parquet=None, as_json=as_json)


@app.command()
def articles(
    db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False, limit: LimitOpt = 100,
    status: Annotated[str | None, typer.Option(help="ok, duplicate, non_english, error")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before.")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Text search in title and body.")] = None,
) -> None:
    """List stored articles with date (and how it was found), title, source and status."""
    rows = api.open(db).articles(status=status, since=parse_date_opt(since, "--since"),
                                 until=parse_date_opt(until, "--until"), q=q, limit=limit)
    for r in rows:
        r["date"] = show_published(r)
    emit(rows, [("id", "id"), ("date", "date"), ("title", "title"), ("source", "source"), ("status", "status")],
         as_json, empty="no articles")


def show_published(r: dict, mark: bool = True) -> str:
    """An article's publication date at its precision; " (est.)" when estimated from the text."""
    shown = add_shown(dict(r), "article")["published_shown"]
    if mark and shown != "?" and r.get("date_source") not in ("metadata", "text"):
        shown += " (est.)"
    return shown


_STYLE = {"mention": "bold cyan", "entity": "green", "timex": "magenta", "event": "reverse"}


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix).")],
    db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False,
) -> None:
    """Show an article's cleaned text with actors, entities and dates marked."""
    art = api.open(db).article(article_id)
    if art is None:
        console_err.print(f"[red]no article {escape(article_id)!s} in {escape(db)}[/]")
        raise typer.Exit(2)
    if as_json:
        print_json(art)
        return
    date_note = {"metadata": "", "text": " (from the text)", "estimated": " (ESTIMATED)", "unknown": ""}
    console.print(f"[bold]{escape(art.get('title') or '(no title)')}[/]")
    shown = show_published(art, mark=False)
    when = ("date unknown" if shown == "?" else shown) + date_note.get(art["date_source"], "")
    console.print(f"[dim]{art['id']} · {when}"
                  f" · {escape(art['source'] or '')} · {art['status']} · {escape(art['path'])}[/]")
    if art.get("date_evidence") and art["date_source"] == "estimated":
        console.print(f"[dim]date estimated from (confidence {art.get('date_confidence')}): "
                      f"{escape(art['date_evidence'])}[/]")
    console.print(mark_text(art))
    console.print("[dim]legend: [bold cyan]actor[/bold cyan] [green]entity[/green] [magenta]date[/magenta][/]")


def mark_text(art: dict) -> str:
    """Rich markup of the text with non-overlapping spans: actors > dates > other entities."""
    text = art["text"]
    spans: list[tuple[int, int, str, str]] = []
    for m in art.get("mentions", []):
        label = m.get("code") or m.get("actor_id") or (
            f"place {m['country']}" if m.get("kind") == "place" and m.get("country") else "uncoded")
        spans.append((m["start"], m["end"], "mention", label))
    for t in art.get("timexes", []):
        spans.append((t["start"], t["end"], "timex", show_interval(t.get("value"), t.get("end_value"), t.get("precision"))))
    for e in art.get("entities", []):
        spans.append((e["start"], e["end"], "entity", e["label"]))
    taken: list[tuple[int, int, str, str]] = []
    for s in spans:  # earlier kinds win
        if all(s[1] <= o[0] or s[0] >= o[1] for o in taken):
            taken.append(s)
    taken.sort()
    out, pos = [], 0
    for start, end, kind, label in taken:
        out.append(escape(text[pos:start]))
        out.append(f"[{_STYLE[kind]}]{escape(text[start:end])}[/][dim]⟨{escape(label)}⟩[/]")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


@app.command()
def export(
    out: Annotated[str, typer.Argument(help="Output folder (or file, for polecat/gdelt).")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv, parquet (one file per table), "
                                                     "polecat (JSON lines) or gdelt (61-column TSV).")] = "jsonl",
    db: DbOpt = "nestor.duckdb",
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist.")] = False,
) -> None:
    """Export the store: every table, or the events in PLOVER/POLECAT or GDELT 2.0 layout."""
    from .. import export as ex

    _check_export_target(Path(out), fmt, force, ex.FORMATS, ex.DEFAULT_TABLES)

    if fmt == "polecat":
        console.print(str(ex.export_polecat(db, out)))
        return
    if fmt == "gdelt":
        console.print(str(ex.export_gdelt(db, out)))
        return
    for p in ex.export(db, fmt, out):
        console.print(str(p))


def _check_export_target(out: Path, fmt: str, force: bool, folder_formats: tuple[str, ...],
                         tables: tuple[str, ...]) -> None:
    """Refuse (InputError) an export that would overwrite a file without --force, before writing."""
    if fmt in ("polecat", "gdelt"):
        # as nestor.export writes them: OUT itself when it has a file ending, else a file inside OUT
        is_file = out.suffix == ".jsonl" if fmt == "polecat" else out.suffix in (".csv", ".tsv", ".txt")
        target = out if is_file else out / ("events.polecat.jsonl" if fmt == "polecat" else "events.gdelt.tsv")
        if not is_file and out.exists() and not out.is_dir():
            raise InputError(f"{out}: is a file; name a folder, or a file ending in "
                             + (".jsonl" if fmt == "polecat" else ".tsv, .csv or .txt"))
        if target.is_dir():
            raise InputError(f"{target}: is a folder")
        if target.exists() and not force:
            raise InputError(f"{target}: exists; add --force to overwrite it")
        if is_file and not out.parent.is_dir():
            raise InputError(f"{out}: folder {out.parent} does not exist")
        return
    if fmt not in folder_formats:
        raise InputError(f"unknown export format {fmt!r} (one of {', '.join(folder_formats + ('polecat', 'gdelt'))})")
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: is a file; --format {fmt} writes a folder of files")
    clash = [t for t in tables if (out / f"{t}.{fmt}").exists()]
    if clash and not force:
        raise InputError(f"{out}: already holds {clash[0]}.{fmt}" + (f" and {len(clash) - 1} more" if len(clash) > 1
                                                                      else "") + "; add --force to overwrite")


@app.command()
def runs(db: DbOpt = "nestor.duckdb", as_json: JsonOpt = False, limit: LimitOpt = 20,
         skips: Annotated[bool, typer.Option("--skips", help="List skipped documents instead.")] = False) -> None:
    """List runs with their counts, or (--skips) every skipped document with its reason."""
    n = api.open(db)
    if skips:
        emit(n.skips(), ["run_id", "path", "reason", "detail"], as_json, empty="nothing was skipped")
        return
    emit(n.runs(limit), ["run_id", "started", "status", "files", "stored", "duplicates", "skipped", "warnings",
                         "durations"], as_json, empty="no runs")
