"""The demo corpus that ships with the package, and `nestor demo` / `nestor run` with no path."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from nestor.cli import app
from nestor.demo import corpus_files, corpus_path

ROOT = Path(__file__).resolve().parents[1]


def _warc_script():
    spec = importlib.util.spec_from_file_location("make_demo_warc", ROOT / "scripts" / "make_demo_warc.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _n_reports() -> dict[str, int]:
    files = corpus_files()
    warc = _warc_script()
    return {
        "txt": sum(p.suffix == ".txt" for p in files),
        "html": sum(p.suffix == ".html" for p in files),
        "jsonl": sum(len(p.read_text("utf-8").splitlines()) for p in files if p.suffix == ".jsonl"),
        "warc": len(warc.REPORTS) if any(p.name.endswith(".warc.gz") for p in files) else 0,
    }


def test_corpus_has_every_format_and_20_to_40_reports():
    n = _n_reports()
    assert all(v >= 3 for v in n.values()), n
    assert 20 <= sum(n.values()) <= 40
    # only files nestor reads: nothing in the folder would be skipped as unsupported
    assert {p.name.split(".", 1)[1] for p in corpus_files()} == {"txt", "html", "jsonl", "warc.gz"}


def test_jsonl_records_carry_news_please_fields():
    for line in (corpus_path() / "reports.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        assert {"title", "maintext", "date_publish", "source_domain", "url"} <= rec.keys()


def test_committed_warc_is_what_the_script_writes():
    """The WARC is generated (scripts/make_demo_warc.py) and committed: the two must not drift."""
    assert _warc_script().build() == (corpus_path() / "archive.warc.gz").read_bytes()


def _store_counts(db: str) -> dict[str, int]:
    con = duckdb.connect(db, read_only=True)
    try:
        return {
            "articles": con.execute("SELECT count(*) FROM articles WHERE status = 'ok'").fetchone()[0],
            "paths": con.execute("SELECT count(DISTINCT split_part(split_part(path, '#', 1), '.jsonl:', 1)) "
                                 "FROM articles").fetchone()[0],
        }
    finally:
        con.close()


@pytest.mark.slow
def test_demo_stores_everything_and_shows_a_timeline(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["demo", "--workers", "1"])
    assert res.exit_code == 0, res.output
    db = str(tmp_path / "nestor.duckdb")  # the default store, in the working folder
    assert Path(db).exists()
    assert "nestor timeline RUS CHN" in res.stdout and "nestor serve" in res.stdout
    assert "skipped         0" in res.stdout

    n_reports = sum(_n_reports().values())
    counts = _store_counts(db)
    assert counts["articles"] == n_reports
    assert counts["paths"] == len(corpus_files())  # every file contributed

    dyads = json.loads(runner.invoke(app, ["dyads", "--json", "--limit", "100"]).stdout)
    names = {d["dyad"] for d in dyads}
    assert {"CHN-RUS", "CHN-USA", "IND-PAK", "RUS-USA"} <= names

    tl = json.loads(runner.invoke(app, ["timeline", "RUS", "CHN", "--json"]).stdout)
    years = {str(r["date"])[:4] for r in tl}
    assert len(tl) >= 4 and {"2001", "2019", "2023", "2024"} <= years
    assert any(r["n_articles"] >= 2 for r in tl)  # reports of one visit from two sites merged into a story
    assert any(a for r in tl for a in r["accords"])

    # `nestor run` with no path is the same demo; a rerun adds nothing
    again = runner.invoke(app, ["run", "--workers", "1", "--json"])
    assert again.exit_code == 0
    summary = json.loads(again.stdout)
    assert summary["stored"] == 0 and summary["already_stored"] == n_reports
