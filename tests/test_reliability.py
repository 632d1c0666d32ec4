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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# ---- isolation: one bad document never takes its batch or its run down -------------------------
def _skips_by_name(report) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for sk in report.skips:
        out.setdefault(Path(sk.path.split("#")[0]).name.split(":")[0], []).append((sk.reason, sk.detail))
    return out


def test_wrongly_typed_jsonl_fields_and_non_utf8_names_are_normalised(tmp_path, db_path):
    from nestor.ingest import REASONS

    src = tmp_path / "in"
    src.mkdir()
    (src / "plain.txt").write_text(good_text(500), "utf-8")
    # a file name whose bytes are not UTF-8 (Latin-1 "é"): stored under the escape of its bytes
    (Path(os.fsdecode(bytes(src) + b"/caf\xe9-report.txt"))).write_text(good_text(501), "utf-8")
    lines = [
        {"text": good_text(502), "url": 42, "title": "Numbers as URLs"},
        {"text": good_text(503), "authors": {"name": {"first": "Ann"}}, "url": {"href": "x"}},
        {"text": good_text(504), "title": ["Two", "Parts"], "authors": ["Ann Lee", {"name": "Bo Chen"}]},
        {"text": good_text(505), "title": True, "source": ["a", "b"]},
        {"text": good_text(506) + " A stray surrogate \ud800 in the text.", "title": "Surrogate"},
    ]
    (src / "typed.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n", "utf-8")
    report = Pipeline(Settings(db=db_path)).run([str(src)])
    assert report.status == "completed"
    assert report.counts["stored"] == 7, report.skips
    assert all(s.reason in REASONS for s in report.skips)
    n = nestor.open(db_path)
    arts = {a["path"]: a for a in n.articles()}
    assert any(p.endswith("caf\\xe9-report.txt") for p in arts), sorted(arts)
    by_line = {p.rsplit(":", 1)[1]: a for p, a in arts.items() if "typed.jsonl" in p}
    assert by_line["1"]["url"] == "42" and by_line["1"]["title"] == "Numbers as URLs"
    assert by_line["2"]["url"] is None
    assert n.article(by_line["3"]["id"])["title"] == "Two Parts"
    assert n.article(by_line["3"]["id"])["byline"] == "Ann Lee, Bo Chen"
    assert "\ufffd" in n.article(by_line["5"]["id"])["text"]
    warns = n.article(by_line["2"]["id"])["warnings"]
    assert any("'authors'" in w and "dict" in w for w in warns) and any("'url'" in w for w in warns)
    assert any("'title'" in w and "bool" in w for w in n.article(by_line["4"]["id"])["warnings"])


def test_a_failing_batch_is_retried_document_by_document(tmp_path, db_path, monkeypatch):
    import nestor.store as store_mod

    src = tmp_path / "in"
    src.mkdir()
    for i in range(5):
        (src / f"a{i}.txt").write_text(good_text(600 + i) + (" POISONED record." if i == 2 else ""), "utf-8")
    real = store_mod.to_arrow

    def picky(cls, records):
        if any(isinstance(r, nestor.models.Article) and "POISONED" in r.text for r in records):
            raise ValueError("the store refuses this article")
        return real(cls, records)

    monkeypatch.setattr(store_mod, "to_arrow", picky)
    report = Pipeline(Settings(db=db_path, store_batch=8)).run([str(src)])
    assert report.status == "completed" and report.counts["stored"] == 4
    assert [(Path(s.path).name, s.reason) for s in report.skips] == [("a2.txt", "store_error")]
    assert "ValueError" in report.skips[0].detail and "refuses" in report.skips[0].detail
    _consistent(db_path, 4)
    assert {r["reason"] for r in nestor.open(db_path).skips()} == {"store_error"}


def test_a_reader_or_cleaner_exception_is_a_read_error_skip(tmp_path, db_path, monkeypatch):
    from nestor.ingest import readers

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.txt").write_text(good_text(700 + i), "utf-8")
    real = readers.READERS[".txt"]

    def flaky(path, data, source, settings):
        if path.name == "a1.txt":
            raise KeyError("reader bug")
        yield from real(path, data, source, settings)

    monkeypatch.setitem(readers.READERS, ".txt", flaky)
    report = Pipeline(Settings(db=db_path)).run([str(src)])
    assert report.counts["stored"] == 2
    [sk] = report.skips
    assert (Path(sk.path).name, sk.reason) == ("a1.txt", "read_error") and "KeyError" in sk.detail


def test_an_extraction_exception_is_recorded_as_a_skip_and_the_article_kept(tmp_path, db_path, monkeypatch):
    import nestor.extract as ex

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.txt").write_text(good_text(800 + i), "utf-8")
    real = ex.extract

    def flaky(article, doc, kb):
        if "report 801" in article.text:
            raise ZeroDivisionError("bad arithmetic in a stage")
        return real(article, doc, kb)

    monkeypatch.setattr(ex, "extract", flaky)
    report = Pipeline(Settings(db=db_path)).run([str(src)])
    assert report.counts["stored"] == 3 and report.counts["errors"] == 1
    [sk] = report.skips
    assert sk.reason == "extract_error" and "ZeroDivisionError: bad arithmetic" in sk.detail
    assert [a["status"] for a in nestor.open(db_path).articles(status="error")] == ["error"]


# ---- resource limits --------------------------------------------------------------------------
def _gzip_members(head: bytes, chunk: bytes, copies: int) -> bytes:
    """A gzip file of ``head`` then ``copies`` × ``chunk``, as concatenated members (made in ms)."""
    one = gzip.compress(chunk, 9)
    return gzip.compress(head) + one * copies


def _warc_bomb(size: int) -> bytes:
    """One gzip member holding a WARC response record whose HTML payload is ``size`` bytes."""
    import zlib

    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % size
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/bomb\r\n"
            b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
            b"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
            b"Content-Length: %d\r\n\r\n" % (len(http) + size)) + http
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    out = [c.compress(head)]
    chunk = b"<p>word " * (1 << 17)                  # 1 MiB
    for _ in range(size // len(chunk)):
        out.append(c.compress(chunk))
    out.append(c.compress(b"\r\n\r\n"))
    out.append(c.flush())
    return b"".join(out)


@pytest.mark.slow
def test_gzip_bombs_are_skipped_within_1gb_of_memory(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    mib = 1 << 20
    word = b"word " * (mib // 5)
    (src / "bomb.txt.gz").write_bytes(_gzip_members(b"Bomb\n\n", word, 1024))                  # 1 GiB of text
    (src / "bomb.jsonl.gz").write_bytes(_gzip_members(b'{"text": "', word, 1024))              # one 1 GiB line
    (src / "bomb.warc.gz").write_bytes(_warc_bomb(1024 * mib))                                  # 1 GiB record
    (src / "record.warc.gz").write_bytes(_warc_bomb(200 * mib))                                 # under the file cap
    (src / "good.txt").write_text(good_text(900), "utf-8")
    assert all(f.stat().st_size < 8 * mib for f in src.iterdir())
    db = str(tmp_path / "b.duckdb")
    probe = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "print(p.stdout); print('RC', p.returncode); "
             "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "nestor", "run", str(src), "--db", db,
                          "--workers", "1", "--json"], capture_output=True, text=True, timeout=600).stdout
    summary = json.loads(out[: out.rindex("RC")])
    peak_mb = int(out.split("MAXRSS_KB")[1]) / 1024
    print(f"peak RSS on the bomb corpus: {peak_mb:.0f} MB")
    assert peak_mb < 1024, peak_mb
    reasons = {Path(s["path"].split("#")[0].split(":")[0]).name: s["reason"] for s in summary["skips"]}
    assert reasons == {"bomb.txt.gz": "too_large", "bomb.jsonl.gz": "too_large", "bomb.warc.gz": "too_large",
                       "record.warc.gz": "too_large"}, summary["skips"]
    assert summary["stored"] == 1 and summary["status"] == "completed"


def test_text_markup_and_line_caps_mark_the_article_truncated(tmp_path, db_path):
    src = tmp_path / "in"
    src.mkdir()
    body = " ".join(good_text(910 + i).replace("\n", " ") for i in range(6))
    (src / "long-line.txt").write_text("Long Line Report\n\n" + body + "\n", "utf-8")
    (src / "long-text.txt").write_text("\n\n".join(good_text(920 + i) for i in range(12)), "utf-8")
    paras = "".join(f"<p>{good_text(930 + i)}</p>" for i in range(12))
    (src / "long.html").write_text(f"<html><body><article>{paras}</article></body></html>", "utf-8")
    s = Settings(db=db_path, max_line_chars=1500, max_text_chars=3000, max_markup_chars=3000)
    report = Pipeline(s).run([str(src)])
    assert report.counts["stored"] == 3, report.skips
    n = nestor.open(db_path)
    for a in n.articles():
        art = n.article(a["id"])
        assert art["truncated"], a["path"]
        name = Path(a["path"]).name
        want = {"long-line.txt": "max_line_chars", "long-text.txt": "max_text_chars", "long.html": "max_markup_chars"}
        assert any(want[name] in w for w in art["warnings"]), (name, art["warnings"])


# ---- honest decoding: nothing lost in silence ----------------------------------------------------
def test_mostly_utf8_keeps_utf8_and_warns(tmp_path, db_path):
    text = ("“Peru and Chile” said the ministers — they met in Lima. " * 4 + good_text(940)).encode("utf-8")
    stray = bytearray(text)
    for i in (40, 90, 150, 220, 300, 380):
        stray[i:i] = b"\xff"
    f = tmp_path / "in" / "stray.txt"
    f.parent.mkdir()
    f.write_bytes(bytes(stray))
    Pipeline(Settings(db=db_path)).run([str(f.parent)])
    n = nestor.open(db_path)
    [a] = n.articles()
    art = n.article(a["id"])
    assert "“Peru and Chile”" in art["text"] and "\ufffd" in art["text"]
    assert any("not UTF-8" in w and "6 byte" in w for w in art["warnings"]), art["warnings"]


def test_every_warc_file_is_an_article_or_a_named_skip(tmp_path, db_path):
    from warcio.warcwriter import WARCWriter

    src = tmp_path / "in"
    src.mkdir()
    (src / "malformed.warc").write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: zz\r\n\r\n<html>")
    (src / "text.warc").write_text("Just a text file that someone named .warc by mistake.\n" * 5, "utf-8")
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for i in range(2):
        w.write_record(w.create_warc_record(f"https://example.org/r{i}", "resource", payload=io.BytesIO(b"x" * 100),
                                            warc_content_type="text/plain"))
    (src / "resources.warc.gz").write_bytes(buf.getvalue())
    report = Pipeline(Settings(db=db_path)).run([str(src)])
    got = _skips_by_name(report)
    assert set(got) == {"malformed.warc", "text.warc", "resources.warc.gz"}, got
    assert got["resources.warc.gz"][0][0] == "empty" and "resource: 2" in got["resources.warc.gz"][0][1]
    assert got["text.warc"][0][0] == "malformed_warc"
    assert report.counts["files"] == 3 and report.exit_code == 1


def test_very_deep_html_keeps_its_text(tmp_path, db_path):
    src = tmp_path / "in"
    src.mkdir()
    deep = "<div>" * 100_000 + f"<p>{good_text(950)}</p>" + "</div>" * 100_000
    (src / "deep.html").write_text(f"<html><body>{deep}</body></html>", "utf-8")
    report = Pipeline(Settings(db=db_path)).run([str(src)])
    assert report.counts["stored"] == 1, report.skips
    n = nestor.open(db_path)
    art = n.article(n.articles()[0]["id"])
    assert "working group, number 950" in art["text"]
    assert any("levels deep" in w for w in art["warnings"])


# ---- fail fast ---------------------------------------------------------------------------------
def _foreign_db(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE orders (id INTEGER, total DOUBLE)")
    con.execute("INSERT INTO orders VALUES (1, 9.5)")
    con.close()


def _tables(path: Path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()


def test_a_duckdb_file_of_another_schema_is_refused_before_anything_is_written(tmp_path):
    from nestor.errors import StoreError

    db = tmp_path / "shop.duckdb"
    _foreign_db(db)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(good_text(960), "utf-8")
    with pytest.raises(StoreError, match="another schema"):
        Pipeline(Settings(db=str(db))).run([str(src)])
    with pytest.raises(StoreError, match="another schema"):
        nestor.open(str(db)).articles()
    assert _tables(db) == {"orders"}


def test_a_bad_model_or_knowledge_base_fails_the_run_at_once(tmp_path, db_path):
    from nestor.errors import KnowledgeBaseError, ModelNotFound

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(good_text(970), "utf-8")
    t = time.time()
    with pytest.raises(ModelNotFound):
        Pipeline(Settings(db=db_path, model="en_core_web_nonexistent", workers=2)).run([str(src)])
    with pytest.raises(KnowledgeBaseError):
        Pipeline(Settings(db=db_path, kb_extra=str(tmp_path / "no-such-kb"), workers=2)).run([str(src)])
    assert time.time() - t < 30
    assert [r["status"] for r in nestor.open(db_path).runs()] == ["failed", "failed"]


@pytest.mark.slow
def test_a_worker_that_dies_on_start_up_stops_the_run(tmp_path, db_path):
    from nestor.errors import WorkerError

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(good_text(980), "utf-8")
    not_a_model = tmp_path / "model"            # a folder passes the parent's check, fails to load
    not_a_model.mkdir()
    with pytest.raises(WorkerError, match="could not start"):
        Pipeline(Settings(db=db_path, model=str(not_a_model), workers=2)).run([str(src)])
    assert nestor.open(db_path).runs()[0]["status"] == "failed"


# ---- concurrency: keys everywhere, a second writer adds nothing -----------------------------------
def test_every_table_has_a_key_and_a_second_writer_adds_nothing(tmp_path, db_path, nlp, knowledge):
    import nestor.store as store_mod
    from nestor.extract import extract
    from nestor.ingest import iter_documents
    from nestor.store import Store

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.txt").write_text(good_text(990 + i), "utf-8")
    arts = [d for _, d in iter_documents([str(src)], Settings())]
    results = [extract(a, nlp(a.text), knowledge) for a in arts]
    assert all(r.mentions and r.timexes and r.entities for r in results)
    bands = [(b, 7 + b, r.article.id) for r in results for b in range(16)]
    store = Store(db_path)
    counts = []
    for run in ("one", "two"):                 # both writers passed the "already stored?" check
        with store.writer() as con:
            Store.write_results(con, results, run, [], bands, [])
            counts.append({t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                           for t in ("articles", "mentions", "entities", "timexes", "lsh_bands", "warnings")})
    assert counts[0] == counts[1] and counts[0]["articles"] == 3
    # one batch that holds an article twice (a rerun's input listed twice) stores its rows once
    once = Store(str(tmp_path / "once.duckdb"))
    with once.writer() as con:
        Store.write_results(con, results + results[:2], "one", [], bands + bands[:16], [])
        assert {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in counts[0]} == counts[0]
    con = duckdb.connect(db_path, read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    keyed = {r[0] for r in con.execute("SELECT table_name FROM duckdb_constraints() "
                                       "WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
    con.close()
    # every table has a key but the tables of an article's own rows (schema 6: the article's key
    # and the "already stored?" check in the same transaction keep them single)
    assert tables - keyed == set(store_mod.ROW_KEYS), tables - keyed


@pytest.mark.slow
def test_two_runs_of_one_folder_at_once_store_it_once(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(16):
        (corpus / f"a{i:02d}.txt").write_text(good_text(1000 + i), "utf-8")
    db = str(tmp_path / "c.duckdb")
    env = {**os.environ, "NESTOR_STORE_BATCH": "2"}
    cmd = [sys.executable, "-m", "nestor", "run", str(corpus), "--db", db, "--workers", "1", "--json"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-800:] for o in outs]
    ref = str(tmp_path / "ref.duckdb")
    subprocess.run(cmd[:5] + ["--db", ref, "--workers", "1"], env=env, check=True, capture_output=True)
    assert _table_counts(db) == _table_counts(ref)


def _table_counts(db: str) -> dict[str, int]:
    con = duckdb.connect(db, read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("articles", "sentences", "entities", "mentions", "timexes", "events", "claims",
                          "accords", "lsh_bands", "signatures", "stories", "story_events", "story_items")}
    finally:
        con.close()


# ---- completion: the stories of every dirty dyad are rebuilt ---------------------------------------
def _snapshot(db: str) -> dict[str, set]:
    con = duckdb.connect(db, read_only=True)
    try:
        return {
            "articles": set(con.execute("SELECT id, status, duplicate_of FROM articles").fetchall()),
            "events": set(con.execute("SELECT id, article_id, event_type, source_code, target_code FROM events"
                                      ).fetchall()),
            "claims": set(con.execute("SELECT id FROM claims").fetchall()),
            "mentions": set(con.execute("SELECT article_id, start, \"end\", actor_id FROM mentions").fetchall()),
            "stories": set(con.execute("SELECT id, dyad, date_start, date_end, n_articles, n_events, headline "
                                       "FROM stories").fetchall()),
            "story_events": set(con.execute("SELECT * FROM story_events").fetchall()),
            "story_items": set(con.execute("SELECT * FROM story_items").fetchall()),
            "lsh_bands": set(con.execute("SELECT * FROM lsh_bands").fetchall()),
            "pending": set(con.execute("SELECT * FROM story_dirty").fetchall()) if con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'story_dirty'").fetchall()[0][0]
            else set(),
        }
    finally:
        con.close()


def _story_corpus(root: Path, n: int = 8) -> Path:
    root.mkdir(parents=True)
    for i in range(n):
        (root / f"a{i:02d}.txt").write_text(good_text(1100 + i), "utf-8")
    # two reports of one meeting, in other words, so that a story joins articles
    (root / "b00.txt").write_text(
        "Kenya and Peru Sign Fisheries Accord\nMarch 3, 2021\n\nThe foreign ministers of Kenya and Peru met in "
        "Nairobi on Tuesday and signed an accord on fisheries. Kenya said the accord would protect fish stocks in "
        "the Indian Ocean, and Peru pledged to share data from its research vessels.", "utf-8")
    (root / "b01.txt").write_text(
        "Peru and Kenya Agree on Fishing Rules\nMarch 3, 2021\n\nPeru's foreign minister met her Kenyan "
        "counterpart in Nairobi on Tuesday, and the two governments signed a fisheries accord. Officials from Peru "
        "said that Kenya had invited them to a second round of talks on ocean research next year.", "utf-8")
    return root


def test_a_run_that_stopped_before_its_stories_is_completed_by_the_next(tmp_path, monkeypatch):
    import nestor.pipeline as pl

    corpus = _story_corpus(tmp_path / "in")
    ref = str(tmp_path / "ref.duckdb")
    Pipeline(Settings(db=ref, store_batch=3)).run([str(corpus)])
    want = _snapshot(ref)
    assert want["stories"] and not want["pending"]
    db = str(tmp_path / "x.duckdb")

    def crash(store):
        raise RuntimeError("killed before the stories")

    monkeypatch.setattr(pl, "complete_stories", crash)
    with pytest.raises(RuntimeError):
        Pipeline(Settings(db=db, store_batch=3)).run([str(corpus)])
    half = _snapshot(db)
    assert not half["stories"] and half["pending"]
    monkeypatch.undo()
    again = Pipeline(Settings(db=db, store_batch=3)).run([str(corpus)])
    assert again.counts["stored"] == 0 and again.counts["stories"] == len(want["stories"])
    assert _snapshot(db) == want


KILL_DRIVER = r'''
import os, signal, sys
from nestor.config import Settings
from nestor.pipeline import Pipeline
import nestor.pipeline as pl, nestor.store as store, nestor.stories as stories, nestor.extract as ex
import nestor.ingest as ingest

phase, db, corpus = sys.argv[1:4]
calls = {"n": 0}

def kill_on(n):
    calls["n"] += 1
    if calls["n"] >= n:
        os.kill(os.getpid(), signal.SIGKILL)

def wrap(mod, name, n, after=False):
    real = getattr(mod, name)
    def f(*a, **kw):
        if not after:
            kill_on(n)
        out = real(*a, **kw)
        if after:
            kill_on(n)
        return out
    setattr(mod, name, staticmethod(f) if isinstance(mod, type) else f)

if phase == "start":        wrap(store.Store, "start_run", 1, after=True)
elif phase == "read":       wrap(ingest, "read_file", 4)
elif phase == "extract":    wrap(ex, "extract", 5)
elif phase == "write":      wrap(store, "to_arrow", 12)            # inside a batch's transaction
elif phase == "committed":  wrap(store.Store, "write_results", 2, after=True)
elif phase == "stories":    wrap(stories, "cluster", 2)            # inside the stories' transaction
elif phase == "finish":     wrap(store.Store, "finish_run", 1)
Pipeline(Settings(db=db, store_batch=3, workers=1)).run([corpus])
print("NOT KILLED")
'''

KILL_PHASES = ("start", "read", "extract", "write", "committed", "stories", "finish")


@pytest.fixture(scope="module")
def story_reference(tmp_path_factory) -> tuple[Path, dict[str, set]]:
    """A corpus and the store an uninterrupted run makes of it."""
    root = tmp_path_factory.mktemp("kill")
    corpus = _story_corpus(root / "in")
    ref = str(root / "ref.duckdb")
    Pipeline(Settings(db=ref, store_batch=3)).run([str(corpus)])
    want = _snapshot(ref)
    assert want["stories"] and any(s[4] > 1 for s in want["stories"]), "a story should join two articles"
    return corpus, want


@pytest.mark.slow
@pytest.mark.parametrize("phase", KILL_PHASES)
def test_sigkill_at_every_phase_then_rerun_equals_an_uninterrupted_run(tmp_path, phase, story_reference):
    corpus, want = story_reference
    db = str(tmp_path / "k.duckdb")
    p = subprocess.run([sys.executable, "-c", KILL_DRIVER, phase, db, str(corpus)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == -signal.SIGKILL, (p.returncode, p.stdout, p.stderr[-1500:])
    if Path(db).exists():
        con = duckdb.connect(db, read_only=True)
        stored = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        con.close()
        _consistent(db, stored)
    rerun = Pipeline(Settings(db=db, store_batch=3)).run([str(corpus)])
    assert rerun.status == "completed"
    assert _snapshot(db) == want
    statuses = [r["status"] for r in nestor.open(db).runs()]
    assert statuses[0] == "completed" and ("aborted" in statuses or phase == "finish")


# ---- CLI misuse: one `error:` line, exit 2, nothing overwritten ------------------------------------
def _cli(monkeypatch, capsys, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    from nestor.cli import main

    monkeypatch.setattr(sys, "argv", ["nestor", *args])
    for k, v in (env or {}).items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SystemExit) as e:
        main()
    out, err = capsys.readouterr()
    return int(e.value.code or 0), out, err


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> str:
    """A store with one article and its records, written directly (no model needed)."""
    from nestor.models import Article, ArticleResult, Event, Sentence
    from nestor.store import Store

    db = str(tmp_path_factory.mktemp("small") / "s.duckdb")
    text = "Kenya and Peru agreed to cooperate on fisheries, the ministers said on Monday in Lima."
    art = Article(id="k1", text=text, title="Kenya–Peru 100% deal_x", path="a.txt", n_chars=len(text))
    ev = Event(id="e1", article_id="k1", sent_idx=0, sent_start=0, sent_end=len(text), trigger_start=15,
               trigger_end=21, trigger="agreed", event_type="AGREE", source_code="KEN", target_code="PER",
               quad_class=1, evidence=text)
    with Store(db).writer() as con:
        Store.write_results(con, [ArticleResult(article=art, sentences=[Sentence("k1", 0, 0, len(text))],
                                                events=[ev])], "r")
    return db


CLI_MISUSE = {
    "eval of a folder": (["eval", "{tmp}"], {}),
    "plot with an unknown ending": (["claims", "--db", "{db}", "--plot", "{tmp}/x.xyz"], {}),
    "timeline plot with an unknown ending": (["timeline", "KEN", "PER", "--db", "{db}", "--plot", "{tmp}/x.xyz"], {}),
    "NESTOR_WORKERS=abc": (["run", "{tmp}", "--db", "{tmp}/n.duckdb"], {"NESTOR_WORKERS": "abc"}),
    "--workers -1": (["run", "{tmp}", "--db", "{tmp}/n.duckdb", "--workers", "-1"], {}),
    "a missing input path": (["run", "{tmp}/no-such-folder", "--db", "{tmp}/n.duckdb"], {}),
    "a store of another schema (run)": (["run", "{tmp}", "--db", "{foreign}"], {}),
    "a store of another schema (read)": (["articles", "--db", "{foreign}"], {}),
    "an unknown engine": (["run", "{tmp}", "--db", "{tmp}/n.duckdb", "--engine", "hadoop"], {}),
}


@pytest.mark.parametrize("case", sorted(CLI_MISUSE))
def test_cli_misuse_is_one_error_line_and_exit_2(case, tmp_path, monkeypatch, capsys, small_store):
    foreign = tmp_path / "shop.duckdb"
    _foreign_db(foreign)
    args, env = CLI_MISUSE[case]
    args = [a.format(tmp=tmp_path, db=small_store, foreign=foreign) for a in args]
    code, out, err = _cli(monkeypatch, capsys, *args, env=env)
    lines = [x for x in err.splitlines() if x.strip()]
    assert code == 2, (case, out, err)
    assert len(lines) == 1 and lines[0].startswith("error:"), (case, err)
    assert "Traceback" not in err
    assert _tables(foreign) == {"orders"}
    assert not (tmp_path / "x.xyz").exists()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "polecat", "gdelt"])
def test_export_never_overwrites_without_force(fmt, tmp_path, monkeypatch, capsys, small_store):
    out = tmp_path / {"polecat": "events.jsonl", "gdelt": "events.tsv"}.get(fmt, "out")
    code, _, err = _cli(monkeypatch, capsys, "export", str(out), "--format", fmt, "--db", small_store)
    assert code == 0, err
    target = out / f"articles.{fmt}" if out.is_dir() else out
    assert target.stat().st_size > 0
    before = target.read_bytes()
    target.write_bytes(b"precious")
    code, _, err = _cli(monkeypatch, capsys, "export", str(out), "--format", fmt, "--db", small_store)
    assert code == 2 and err.startswith("error:") and "--force" in err and len(err.strip().splitlines()) == 1
    assert target.read_bytes() == b"precious"
    code, _, err = _cli(monkeypatch, capsys, "export", str(out), "--format", fmt, "--db", small_store, "--force")
    assert code == 0 and target.read_bytes() == before
    if fmt in ("polecat", "gdelt"):          # the folder form: the file inside is guarded too
        folder = tmp_path / f"{fmt}-dir"
        assert _cli(monkeypatch, capsys, "export", str(folder), "--format", fmt, "--db", small_store)[0] == 0
        code, _, err = _cli(monkeypatch, capsys, "export", str(folder), "--format", fmt, "--db", small_store)
        assert code == 2 and "--force" in err


# ---- web: no 500, safe headers, escaped wildcards, HEAD ----------------------------------------------
@pytest.fixture(scope="module")
def web(small_store):
    from fastapi.testclient import TestClient

    from nestor.web import create_app

    return TestClient(create_app(small_store), raise_server_exceptions=False)


OFFSET_ROUTES = ("/articles", "/articles.json", "/events", "/events.json", "/api/articles", "/api/events")


def test_web_bounds_encodes_escapes_and_answers_head(web, small_store, monkeypatch):
    for route in OFFSET_ROUTES:
        for off in (2**63, 2**64, 10**30):
            r = web.get(route, params={"offset": off})
            assert r.status_code == 422, (route, off, r.status_code)
        assert web.get(route, params={"offset": 5}).status_code == 200
    with pytest.raises(nestor.errors.InputError):
        nestor.open(small_store).articles(offset=2**63)
    r = web.get("/dyad/Ж-Я")
    assert r.status_code == 400 and r.headers["content-security-policy"]
    # LIKE wildcards are literal
    def items(route: str, q: str) -> list:     # every list endpoint answers a page: {"items": [...], "total", ...}
        return web.get(route, params={"q": q}).json()["items"]

    assert len(items("/api/articles", "%")) == 1      # the title has a "%"
    assert items("/api/articles", "_") != [] and items("/api/articles", "x_y") == []
    assert items("/api/articles", "100_") == []
    assert web.get("/api/articles/%25").status_code == 404
    assert items("/api/events", "%%") == []
    # HEAD
    for route in ("/", "/articles", "/api/articles", "/dyad/KEN-PER"):
        h, g = web.head(route), web.get(route)
        assert h.status_code == g.status_code == 200 and h.content == b""
        assert h.headers["content-type"] == g.headers["content-type"]
    # a crash answers 500 with the security headers
    monkeypatch.setattr(nestor.api.Nestor, "dyads", lambda self, limit=50: 1 / 0)
    r = web.get("/")
    assert r.status_code == 500
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def _routes(app) -> list[tuple[str, list[str]]]:
    from fastapi.routing import APIRoute

    out = []
    for r in app.routes:
        if isinstance(r, APIRoute) and "GET" in r.methods:
            out.append((r.path, [p.name for p in r.dependant.query_params]))
    return out


_FUZZ_TEXT = st.one_of(st.text(max_size=30), st.sampled_from(["%", "_", "'", "\\", "KEN-PER", "Ж-Я", "-1", "0",
                                                              str(2**63), "1e9", "2024-02-30", "NaN", "..", "/"]),
                       st.integers(min_value=-2**70, max_value=2**70).map(str))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_every_route_never_answers_5xx(web, data):
    from urllib.parse import quote

    routes = _routes(web.app)
    path, params = data.draw(st.sampled_from(routes))
    url = path
    for name in [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]:
        url = url.replace("{" + name + "}", quote(data.draw(_FUZZ_TEXT, label=name) or "x", safe=""))
    query = {p: data.draw(_FUZZ_TEXT, label=p) for p in params if data.draw(st.booleans())}
    method = data.draw(st.sampled_from(["GET", "HEAD"]))
    r = web.request(method, url, params=query)
    assert r.status_code < 500, (method, url, query, r.status_code, r.text[:300])
    assert "content-security-policy" in r.headers


# ---- the store owns its schema and its transactions ------------------------------------------------
def test_the_store_declares_every_table_and_one_transaction_rolls_back(tmp_path):
    import nestor.store as store_mod

    db = tmp_path / "t.duckdb"
    s = store_mod.Store(db)
    with s.writer():
        pass
    assert {"stories", "story_events", "story_items", "story_dirty"} <= _tables(db)
    assert not hasattr(store_mod, "register_schema")
    with pytest.raises(RuntimeError), s.transaction() as con:
        con.execute("INSERT INTO meta VALUES ('probe', 'x')")
        with store_mod.transaction(con):        # nested: joins the outer one
            con.execute("INSERT INTO meta VALUES ('probe2', 'y')")
        raise RuntimeError("undo")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM meta WHERE key LIKE 'probe%'").fetchall()[0][0] == 0
    con.close()


def test_a_schema_1_store_gets_its_keys(tmp_path):
    import nestor.store as store_mod
    from nestor.models import Mention

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    for table, (cls, _) in store_mod.RECORD_TABLES.items():
        con.execute(store_mod.ddl_for(table, cls, ("id",) if table == "articles" else None))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("CREATE TABLE lsh_bands (band INTEGER, hash UBIGINT, article_id VARCHAR)")
    con.execute("INSERT INTO lsh_bands VALUES (1, 2, 'a'), (1, 2, 'a')")
    m = Mention("a", 0, 0, 5, "Kenya", "KEN")
    for _ in range(2):   # schema 1 let two writers double a mention
        con.execute("INSERT INTO mentions (article_id, sent_idx, start, \"end\", text, actor_id) VALUES (?, ?, ?, ?, ?, ?)",
                    [m.article_id, m.sent_idx, m.start, m.end, m.text, m.actor_id])
    con.close()
    with store_mod.Store(db).writer():
        pass
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM mentions").fetchall()[0][0] == 1
    assert con.execute("SELECT count(*) FROM lsh_bands").fetchall()[0][0] == 1
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()[0][0] == str(store_mod.SCHEMA_VERSION)
    con.close()


def test_a_schema_5_store_loses_the_keys_of_its_per_article_tables(tmp_path):
    """Schema 5 → 6: sentences, entities, mentions, timexes and lsh_bands rebuilt without a primary key,
    their rows kept; the next batch writes into them and a rerun of the same article adds nothing."""
    import nestor.store as store_mod
    from nestor.models import Article, ArticleResult, Mention, Sentence

    db = tmp_path / "v5.duckdb"
    art = Article(id="a1", path="a1.txt", text="Kenya and Uganda met.")
    with store_mod.Store(db).writer() as con:      # a schema 6 store made into a schema 5 one
        for table, key in store_mod.ROW_KEYS.items():
            cls = store_mod.RECORD_TABLES[table][0] if table in store_mod.RECORD_TABLES else None
            con.execute(f"DROP TABLE {table}")
            con.execute(store_mod.ddl_for(table, cls, key) if cls else
                        "CREATE TABLE lsh_bands (band INTEGER, hash UBIGINT, article_id VARCHAR, "
                        "PRIMARY KEY (band, hash, article_id))")
        store_mod.Store.write_results(con, [ArticleResult(art, sentences=[Sentence("a1", 0, 0, 21)],
                                                          mentions=[Mention("a1", 0, 0, 5, "Kenya", "KEN")])],
                                      "r1", [], [(1, 2, "a1")], [])
        con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
        assert len(con.execute("SELECT * FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                               "AND table_name IN ('mentions', 'lsh_bands')").fetchall()) == 2
    art2 = Article(id="a2", path="a2.txt", text="Chad and Niger met.")
    r2 = ArticleResult(art2, mentions=[Mention("a2", 0, 0, 4, "Chad", "TCD")])
    for _ in range(2):          # the first batch after the migration, then a rerun of it
        with store_mod.Store(db).writer() as con:
            store_mod.Store.write_results(con, [r2], "r2", [], [(1, 3, "a2")], [])
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()[0][0] == "6"
    keyed = {r[0] for r in con.execute("SELECT table_name FROM duckdb_constraints() "
                                       "WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
    assert not keyed & set(store_mod.ROW_KEYS) and {"articles", "events"} <= keyed
    assert con.execute("SELECT article_id, text FROM mentions ORDER BY 1").fetchall() == [("a1", "Kenya"), ("a2", "Chad")]
    assert con.execute("SELECT count(*) FROM sentences").fetchall()[0][0] == 1
    assert con.execute("SELECT * FROM lsh_bands ORDER BY article_id").fetchall() == [(1, 2, "a1"), (1, 3, "a2")]
    con.close()
