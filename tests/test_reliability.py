"""Hostile corpora, crashes and reruns: a run finishes, says what it skipped and why, loses nothing."""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import nestor
from nestor.config import Settings
from nestor.ingest.clean import clean_text
from nestor.pipeline import Pipeline

TOPICS = ["fisheries", "railways", "vaccines", "wheat exports", "border posts", "satellites", "ports",
          "student exchanges", "power lines", "water rights", "customs rules", "tourism"]
COUNTRIES = ["Kenya", "Peru", "Norway", "Vietnam", "Ghana", "Chile", "Poland", "Jordan", "Nepal", "Oman",
             "Fiji", "Mali", "Laos", "Cuba", "Iraq", "Chad"]


def good_text(i: int) -> str:
    """A distinct, plausible short news text (the tests write their own articles)."""
    rnd = random.Random(i)
    a, b = rnd.sample(COUNTRIES, 2)
    t1, t2 = rnd.sample(TOPICS, 2)
    return (f"{a} and {b} Hold Talks on {t1.title()} (report {i})\n\n"
            f"The foreign ministers of {a} and {b} met on Monday to discuss {t1} and {t2}. "
            f"They agreed to set up a working group, number {i}, that will report within {rnd.randint(2, 11)} months. "
            f"Officials from {a} said the talks were useful, while {b} called for a second round on {t2}.\n\n"
            f"Trade between the two countries reached {rnd.randint(2, 90)} million dollars in {2000 + i % 20}, "
            f"according to figures released by the ministry of {rnd.choice([a, b])}.")


def _warc(url: str, html: str) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers))
    return buf.getvalue()


def build_hostile_corpus(root: Path) -> tuple[dict[str, set[str]], list[str]]:
    """Write a folder of bad files beside good ones. Returns ({bad file name: allowed reasons}, good names)."""
    root.mkdir(parents=True)
    good = []
    for i in range(3):
        (root / f"good{i}.txt").write_text(good_text(i), "utf-8")
        good.append(f"good{i}.txt")
    html_good = f"<html><head><title>T</title></head><body><article><p>{good_text(10)}</p></article></body></html>"
    (root / "good.html").write_text(html_good, "utf-8")
    good.append("good.html")
    bad: dict[str, set[str]] = {}

    def put(name: str, data: bytes, *reasons: str) -> None:
        (root / name).write_bytes(data)
        bad[name] = set(reasons)

    put("zero.txt", b"", "empty")
    put("binary.txt", bytes(range(256)) * 64, "binary")
    put("image.html", b"\x89PNG\r\n\x1a\n" + os.urandom(4000), "binary", "undecodable")
    put("invalid-utf8.txt", bytes(random.Random(1).randrange(128, 256) for _ in range(5000)), "undecodable", "binary",
        "empty")
    put("huge.txt", b"word " * 2_000_000, "too_large")                 # 10 MB > the test's 5 MB limit
    put("nav-only.txt", b"Home\nSkip to main content\nMenu\nSign in\nSubscribe\nShare this\nPage not found\n", "empty")
    put("nav-only.html", b"<html><body><nav><a href='/'>Home</a><a href='/a'>About</a></nav></body></html>",
        "no_main_text", "empty")
    put("nested.html", b"<div>" * 50_000 + b"deep" + b"</div>" * 50_000, "no_main_text", "malformed_html", "empty")
    put("broken.jsonl", b'{"title": "half", "text": "The minis\n{not json}\n', "malformed_json")
    put("cut.warc.gz", _warc("https://example.org/x", html_good)[:150], "truncated", "malformed_warc")
    put("cut.txt.gz", gzip.compress(good_text(20).encode())[:30], "truncated")
    put("french.txt", ("Les ministres des Affaires étrangères se sont rencontrés lundi à Paris pour discuter de la "
                       "pêche. Ils ont convenu de créer un groupe de travail qui rendra compte dans six mois, et "
                       "les responsables ont déclaré que les entretiens avaient été utiles.").encode(), "non_english")
    put("russian.txt", ("Министры иностранных дел встретились в понедельник в Москве, чтобы обсудить рыболовство. "
                        "Они договорились создать рабочую группу, которая представит доклад через шесть "
                        "месяцев.").encode(), "non_english")
    # a gigantic single line of real words: kept but cut to the limits
    (root / "one-line.txt").write_text("Giant Line Report\n\n" + (good_text(30).replace("\n", " ") + " ") * 400, "utf-8")
    good.append("one-line.txt")
    # mixed encodings in one file: UTF-8 then Latin-1 bytes
    (root / "mixed.txt").write_bytes(good_text(40).encode("utf-8") + " Café São Tomé".encode("latin-1"))
    good.append("mixed.txt")
    # the same article many times: stored once
    for k in range(5):
        (root / f"copy{k}.txt").write_text(good_text(50), "utf-8")
    good.append("copy0.txt")
    # a symlink loop
    (root / "loop").mkdir()
    (root / "loop" / "back").symlink_to(root, target_is_directory=True)
    (root / "dangling.txt").symlink_to(root / "does-not-exist.txt")
    bad["dangling.txt"] = {"unreadable"}
    return bad, good


def test_hostile_corpus_run_completes_and_reports_each_bad_file(tmp_path, db_path, monkeypatch):
    bad, good = build_hostile_corpus(tmp_path / "corpus")
    s = Settings(db=db_path, max_file_bytes=5_000_000, max_article_chars=50_000)
    report = Pipeline(s).run([str(tmp_path / "corpus")])
    assert report.status == "completed"
    by_name: dict[str, list[str]] = {}
    for sk in report.skips:
        by_name.setdefault(Path(sk.path.split(":")[0].split("#")[0]).name, []).append(sk.reason)
    n = nestor.open(db_path)
    arts = {Path(a["path"]).name: a for a in n.articles()}
    for name, reasons in bad.items():
        if "non_english" in reasons:
            assert arts[name]["status"] == "non_english", name
            continue
        assert name in by_name, f"{name} not reported"
        assert set(by_name[name]) & reasons, f"{name}: {by_name[name]} not in {reasons}"
    # good files fully processed: stored, with sentences
    with duckdb.connect(db_path, read_only=True) as con:
        for name in good:
            assert name in arts and arts[name]["status"] == "ok", name
            nsent = con.execute("SELECT count(*) FROM sentences WHERE article_id = ?", [arts[name]["id"]]).fetchall()[0][0]
            assert nsent > 0, name
        # copies of one article are stored once
        assert con.execute("SELECT count(*) FROM articles WHERE path LIKE '%copy%'").fetchall()[0][0] == 1
        ids = [r[0] for r in con.execute("SELECT id FROM articles").fetchall()]
        assert len(ids) == len(set(ids))
        # non-English articles are never coded
        assert con.execute("SELECT count(*) FROM events e JOIN articles a ON a.id = e.article_id "
                           "WHERE a.status <> 'ok'").fetchall()[0][0] == 0
        # the giant line was cut and says so
        big = arts["one-line.txt"]
        assert big["n_words"] > 0
        warns = con.execute("SELECT message FROM warnings WHERE article_id = ?", [big["id"]]).fetchall()
        assert any("max_article_chars" in w[0] for w in warns)
    assert report.counts["already_stored"] >= 4          # copies
    assert report.exit_code == 1
    # the run log keeps the skips
    assert {r["path"] for r in n.skips(report.run_id)} == {sk.path for sk in report.skips}


def test_unreadable_file_is_reported(tmp_path, db_path, monkeypatch):
    from nestor.ingest import readers

    src = tmp_path / "in"
    src.mkdir()
    (src / "ok.txt").write_text(good_text(1), "utf-8")
    (src / "locked.txt").write_text(good_text(2), "utf-8")
    real_open = open

    def fake_open(path, *a, **kw):  # root reads mode-000 files, so simulate the OS refusing
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **kw)

    monkeypatch.setattr(readers, "open", fake_open, raising=False)
    report = Pipeline(Settings(db=db_path)).run([str(src)])
    assert [(Path(s.path).name, s.reason) for s in report.skips] == [("locked.txt", "unreadable")]
    assert report.counts["stored"] == 1


# ---- crash safety ----------------------------------------------------------------------------
def _consistent(db: str, expected: int) -> None:
    con = duckdb.connect(db, read_only=True)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM articles").fetchall()]
        assert len(ids) == len(set(ids)) == expected
        for table in ("sentences", "entities", "mentions", "events", "claims", "accords", "timexes"):
            orphans = con.execute(f"SELECT count(*) FROM {table} t LEFT JOIN articles a ON a.id = t.article_id "
                                  "WHERE a.id IS NULL").fetchall()[0][0]
            assert orphans == 0, table
        # no half-written batch: every ok article has its sentences
        missing = con.execute("SELECT count(*) FROM articles a WHERE a.status = 'ok' AND NOT EXISTS "
                              "(SELECT 1 FROM sentences s WHERE s.article_id = a.id)").fetchall()[0][0]
        assert missing == 0
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_loses_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    total = 60
    for i in range(total):
        (corpus / f"a{i:03d}.txt").write_text(good_text(100 + i), "utf-8")
    env = {**os.environ, "NESTOR_STORE_BATCH": "4"}
    db = str(tmp_path / "k.duckdb")
    cmd = [sys.executable, "-m", "nestor", "run", str(corpus), "--db", db, "--json"]
    rnd = random.Random(7)
    for attempt in range(3):
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # wait until the run is writing (its row exists), then kill at a random moment
        deadline = time.time() + 60
        while time.time() < deadline and p.poll() is None:
            time.sleep(0.3)
            if Path(db).exists():
                try:
                    con = duckdb.connect(db, read_only=True)
                    n_runs = con.execute("SELECT count(*) FROM runs").fetchall()[0][0]
                    con.close()
                except duckdb.Error:
                    continue                       # locked by a batch being written
                if n_runs > attempt:
                    break
        time.sleep(rnd.random() * 2.0)
        p.send_signal(signal.SIGKILL)
        p.wait()
        if Path(db).exists():
            con = duckdb.connect(db, read_only=True)
            stored = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
            con.close()
            _consistent(db, stored)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    _consistent(db, total)
    runs = nestor.open(db).runs()
    assert runs[0]["status"] == "completed"
    assert sum(1 for r in runs if r["status"] == "aborted") >= 1
    # a second rerun adds nothing
    again = json.loads(subprocess.run(cmd, env=env, capture_output=True, text=True).stdout)
    assert again["stored"] == 0 and again["already_stored"] == total


def test_reader_sees_committed_batches_while_a_run_writes(tmp_path):
    """A reader opening the store between batches gets a consistent, committed view."""
    from nestor.engine import InProcessEngine

    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(12):
        (corpus / f"a{i}.txt").write_text(good_text(300 + i), "utf-8")
    db = str(tmp_path / "r.duckdb")
    s = Settings(db=db, store_batch=3)
    seen: list[int] = []

    def on_progress(what: str, n: int) -> None:   # called after each committed batch
        con = nestor.store.connect(db, read_only=True)
        try:
            seen.append(con.execute("SELECT count(*) FROM articles").fetchall()[0][0])
            _consistent_con(con)
        finally:
            con.close()

    Pipeline(s, engine=InProcessEngine(s), progress=on_progress).run([str(corpus)])
    assert seen == [3, 6, 9, 12]


def _consistent_con(con) -> None:
    assert con.execute("SELECT count(*) FROM sentences s LEFT JOIN articles a ON a.id = s.article_id "
                       "WHERE a.id IS NULL").fetchall()[0][0] == 0


# ---- properties of text-level stages -------------------------------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=3000))
def test_clean_text_never_raises_and_returns_text(raw):
    c = clean_text(raw)
    assert isinstance(c.text, str)
    assert len(c.text) <= len(raw) + 2 * raw.count("\n") + 2 + len(c.title or "")
    for line, reason in c.dropped:
        assert isinstance(line, str) and reason


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Skip to main content", "Page not found", "Share this", "By Jane Roe",
                                 "June 6, 2012 • 7:37AM", good_text(1), "", "Subscribe", "Free to read: A headline"]),
                max_size=12))
def test_clean_text_output_lines_come_from_input(lines):
    raw = "\n".join(lines)
    c = clean_text(raw)
    for para in filter(None, c.text.split("\n\n")):
        assert para in raw or para in (c.title or "")
