"""Readers, decoding, cleaning and near-duplicates, on files the tests write themselves."""
from __future__ import annotations

import gzip
import io
import json
from datetime import date
from pathlib import Path

import pytest

from nestor.config import Settings
from nestor.dates import find_date
from nestor.ingest import iter_documents
from nestor.ingest.clean import clean_text
from nestor.ingest.decode import DecodeError, decode
from nestor.ingest.dedup import Deduper, signature, similarity
from nestor.models import Article, Skip

BODY = (
    "The foreign ministers of Norway and Chile met in Oslo on Monday to discuss fisheries. "
    "They agreed to set up a joint working group on ocean research and to meet again next spring. "
    "Officials said the talks had been frank and useful, and that a memorandum would follow."
)


def docs(path: Path, **kw) -> list:
    return [d for _, d in iter_documents([str(path)], Settings(**kw))]


def one(path: Path, **kw):
    got = docs(path, **kw)
    assert len(got) == 1, got
    return got[0]


# ---- readers ---------------------------------------------------------------------------------
def test_txt_title_date_and_body(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(f"Norway and Chile Agree on Ocean Research\nMarch 3, 2021 • 9:15AM\n\n{BODY}\n", "utf-8")
    a = one(f)
    assert isinstance(a, Article)
    assert a.title == "Norway and Chile Agree on Ocean Research"
    assert a.published == date(2021, 3, 3) and a.date_source == "text"
    assert "9:15AM" not in a.text and a.text.startswith(a.title)
    assert a.reader == "txt" and a.language == "en"


def test_html_reader_uses_metadata(tmp_path):
    html = f"""<html><head><title>Oslo talks | Example News</title>
    <meta property="og:title" content="Norway and Chile agree on ocean research">
    <meta property="article:published_time" content="2021-03-01T10:00:00Z"></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>Norway and Chile agree on ocean research</h1><p>{BODY}</p><p>{BODY}</p></article>
    <footer>All rights reserved</footer></body></html>"""
    f = tmp_path / "page.html"
    f.write_text(html, "utf-8")
    a = one(f)
    assert isinstance(a, Article), a
    assert a.published == date(2021, 3, 1) and a.date_source == "metadata"
    assert "ocean research" in (a.title or "")
    assert "All rights reserved" not in a.text and "Home" not in a.text.split("\n")[0:1]
    assert "joint working group" in a.text


def test_jsonl_reader_fields_and_bad_lines(tmp_path):
    f = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"title": "Ocean pact", "maintext": BODY, "url": "https://example.org/a",
                    "date_publish": "2021-03-02 08:00:00", "source_domain": "example.org"}),
        '{"title": "cut in half", "text": "The minist',
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text"}),
        json.dumps({"text": BODY.replace("Norway", "Peru"), "published": "2021-04-05"}),
    ]
    f.write_text("\n".join(lines) + "\n", "utf-8")
    got = docs(f)
    arts = [d for d in got if isinstance(d, Article)]
    skips = [d for d in got if isinstance(d, Skip)]
    assert len(arts) == 2
    assert arts[0].url == "https://example.org/a" and arts[0].published == date(2021, 3, 2)
    assert arts[0].source == "example.org" and arts[0].title == "Ocean pact"
    assert sorted(s.reason for s in skips) == ["empty", "malformed_json", "malformed_json"]
    assert any(s.path.endswith("dump.jsonl:2") for s in skips)


def _warc_bytes(pages: list[tuple[str, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for url, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                            http_headers=headers))
    return buf.getvalue()


def test_warc_reader_and_truncated_warc(tmp_path):
    page = f"<html><head><title>Ocean talks</title></head><body><article><p>{BODY}</p><p>{BODY}</p></article></body></html>"
    data = _warc_bytes([("https://news.example.com/x", page),
                        ("https://news.example.com/y", page.replace("Norway", "Kenya"))])
    f = tmp_path / "crawl.warc.gz"
    f.write_bytes(data)
    arts = [d for d in docs(f) if isinstance(d, Article)]
    assert len(arts) == 2 and arts[0].url == "https://news.example.com/x" and arts[0].reader == "warc"
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    got = docs(cut)
    assert any(isinstance(d, Skip) and d.reason in ("truncated", "malformed_warc") for d in got), got


# ---- decoding --------------------------------------------------------------------------------
def test_decode_detects_legacy_encoding_and_binary():
    text = "Le ministre a déclaré que la coopération économique s'élargira, à Genève, été comme hiver. " * 5
    out, enc = decode(text.encode("cp1252"))
    assert "coopération" in out and enc != "utf-8"
    with pytest.raises(DecodeError) as e:
        decode(b"\x00\x01\x02PNG\x00" * 100)
    assert e.value.reason == "binary"


def test_latin1_file_is_read(tmp_path):
    f = tmp_path / "old.txt"
    f.write_bytes(("Café diplomacy in Brasília\n\n" + BODY + " The café in Brasília hosted the délégation.").encode("latin-1"))
    a = one(f)
    assert isinstance(a, Article) and "Brasília" in a.text


# ---- cleaning --------------------------------------------------------------------------------
def test_cleaning_drops_chrome_error_blocks_prompts_and_repeats():
    raw = "\n".join([
        "Skip to main content", "", "Free to read: Norway and Chile Agree on Ocean Research", "",
        "Norway and Chile Agree on Ocean Research", "Click to see full-size image", "By Anna Berg", "",
        BODY, "", "Share this article", "Sign up for our newsletter", BODY.replace("Monday", "Tuesday"), "",
        "Do you like this content? Consider helping us!", "Page not found", "",
        "The content you requested does not exist or is not available anymore.",
    ])
    c = clean_text(raw)
    assert c.title == "Norway and Chile Agree on Ocean Research"
    assert c.label and c.label.lower() == "free to read"
    for junk in ("Skip to", "Free to read", "full-size", "Share this", "newsletter", "helping us",
                 "Page not found", "content you requested", "By Anna Berg"):
        assert junk not in c.text, junk
    assert c.text.count("Norway and Chile Agree on Ocean Research") == 1
    assert c.byline == "Anna Berg"
    assert "Tuesday" in c.text and "joint working group" in c.text
    reasons = {r for _, r in c.dropped}
    assert {"navigation", "error_block", "repeated", "byline"} <= reasons


def test_cleaning_keeps_prose_that_mentions_cue_words():
    prose = ("The ministry said it would subscribe to the treaty and share intelligence with its neighbours, "
             "and that no page of the agreement had been kept secret from parliament.")
    c = clean_text("Ministry to Join Treaty\n\n" + prose)
    assert prose in c.text


def test_dateline_gives_the_date():
    c = clean_text("Ocean Pact Signed\n\nOSLO, March 3, 2021 (Reuters) - " + BODY)
    assert c.date == date(2021, 3, 3) and c.date_evidence.startswith("OSLO")
    c = clean_text("Ocean Pact Signed\n\nThe pact of March 3, 2021 was praised. " + BODY)
    assert c.date is None      # a date inside prose is not a dateline


def test_find_date_forms():
    assert find_date("June 6, 2012 • 7:37AM")[0] == date(2012, 6, 6)
    assert find_date("Posted 21 March 2023")[0] == date(2023, 3, 21)
    assert find_date("2019-06-05T10:00") [0] == date(2019, 6, 5)
    assert find_date("February 30, 2020") is None


# ---- near-duplicates ---------------------------------------------------------------------------
def test_minhash_similarity_orders_rewrites():
    base = " ".join(f"In round {w} the delegates from {c} reviewed clause {w} of the fisheries text."
                    for w, c in zip(["one", "two", "three", "four", "five", "six", "seven", "eight"],
                                    ["Norway", "Chile", "Peru", "Iceland", "Japan", "Ghana", "Fiji", "Oman"],
                                    strict=True)) + BODY
    rewrite = base.replace("frank and useful", "frank, useful")
    other = "Floods in the delta displaced thousands of families as rivers rose for a third week. " * 6
    s1, s2, s3 = signature(base), signature(rewrite), signature(other)
    assert similarity(s1, s2) > 0.8 > similarity(s1, s3)


@pytest.mark.parametrize("num_perm", [16, 128])
def test_signature_equals_a_fresh_datasketch_minhash(num_perm):
    """A signature reuses the permutations it drew once; its values are those of a MinHash made
    from scratch (the stored signatures and band hashes of earlier runs stay comparable)."""
    from datasketch import MinHash

    from nestor.ingest.dedup import shingles

    for text in ("Delegates from three coastal states met in a port city to discuss quotas. " * 3,
                 "short", ""):
        fresh = MinHash(num_perm=num_perm, seed=1)
        fresh.update_batch(shingles(text))
        assert signature(text, num_perm).tolist() == fresh.hashvalues.astype("uint64").tolist()


def test_deduper_in_run_pending():
    d = Deduper(0.8)
    dup, sig, bands = d.check(None, "a", BODY * 3)
    assert dup is None
    d.add_pending("a", sig, bands)
    dup2, _, _ = d.check(None, "b", (BODY * 3).replace("useful", "very useful"))
    assert dup2 == "a"
    dup3, _, _ = d.check(None, "c", "A completely different report about a football match and its fans. " * 5)
    assert dup3 is None


# ---- bad input -------------------------------------------------------------------------------
def test_bad_files_are_skipped_with_reasons(tmp_path):
    (tmp_path / "zero.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    (tmp_path / "big.txt").write_text(BODY * 200, "utf-8")
    (tmp_path / "nav.txt").write_text("Home\nMenu\nSkip to main content\nSign in\nShare this\n", "utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "bad.html").write_text("just words, no markup at all here " * 10, "utf-8")
    (tmp_path / "cut.txt.gz").write_bytes(gzip.compress(BODY.encode())[:20])
    got = {Path(s.path).name: s.reason for s in docs(tmp_path, max_file_bytes=20_000) if isinstance(s, Skip)}
    assert got == {"zero.txt": "empty", "bin.txt": "binary", "big.txt": "too_large", "nav.txt": "empty",
                   "notes.docx": "unsupported", "bad.html": "malformed_html", "cut.txt.gz": "truncated"}


def test_missing_path_and_unreadable_file(tmp_path):
    import os

    got = docs(tmp_path / "nope")
    assert got and got[0].reason == "missing"
    f = tmp_path / "secret.txt"
    f.write_text(BODY, "utf-8")
    f.chmod(0)
    try:
        if os.access(f, os.R_OK):
            pytest.skip("running as a user that can read mode-000 files (root): permission test not meaningful")
        assert one(f).reason == "unreadable"
    finally:
        f.chmod(0o644)


def test_non_english_is_marked(tmp_path):
    f = tmp_path / "fr.txt"
    f.write_text("Les ministres se sont rencontrés à Paris pour discuter de la coopération. "
                 "Ils ont signé un accord sur la recherche océanique et se reverront au printemps.", "utf-8")
    a = one(f)
    assert a.language == "fr" and a.status == "non_english"


def test_deduper_check_batch_equals_checks_one_by_one(tmp_path):
    """A chunk checked with two store queries gives what per-article checks give: against the store's
    index (written by an earlier batch) and against the articles before it in the same chunk."""
    from nestor.store import Store

    other = " ".join(f"Item {i}: the harbour authority extended the dredging contract by {i} weeks." for i in range(30))
    stored_text = (BODY * 3).replace("useful", "productive")
    chunk = [("b", (BODY * 3).replace("useful", "very useful")),        # near-copy of the stored one
             ("c", other), ("d", other + " Officials gave no reason."),   # d copies c, in the same chunk
             ("e", "Rainfall figures for the northern provinces were revised upward by the weather office. " * 4)]

    def store_with_one() -> tuple[Deduper, object]:
        st = Store(tmp_path / f"s{len(list(tmp_path.iterdir()))}.duckdb")
        d = Deduper(0.8)
        dup, sig, bands = d.check(None, "a", stored_text)
        d.add_pending("a", sig, bands)
        rows = d.index_rows(["a"])
        with st.writer() as con:
            con.executemany("INSERT INTO lsh_bands VALUES (?, ?, ?)", rows[0])
            con.executemany("INSERT INTO signatures VALUES (?, ?)", rows[1])
        d.forget(["a"])
        return d, st

    d1, st1 = store_with_one()
    with st1.writer() as con:
        one_by_one = []
        for aid, text in chunk:
            dup, sig, bands = d1.check(con, aid, text)
            if dup is None:
                d1.add_pending(aid, sig, bands)
            one_by_one.append(dup)
    d2, st2 = store_with_one()
    with st2.writer() as con:
        batch = [dup for dup, _, _ in d2.check_batch(con, chunk)]
    assert one_by_one == ["a", None, "c", None]
    assert batch == one_by_one
    assert sorted(d2.pending_sigs) == sorted(d1.pending_sigs) == ["c", "e"]


def test_line_normalisation_drops_control_and_format_characters():
    """Soft hyphens, zero-width spaces, byte-order marks, direction marks and control characters go;
    the zero-width joiner stays; tabs and runs of spaces become one space. The per-character pass is
    skipped for printable lines, which is exact only because no printable character is Cc or Cf."""
    import sys
    import unicodedata

    from nestor.ingest.clean import normalize_line

    assert normalize_line("Peace\u00adtalks \u200bresume\ufeff in\u200e  Geneva\x07\t today ") == \
        "Peacetalks resume in Geneva today"
    assert normalize_line("a\u200db  c") == "a\u200db c"
    assert normalize_line("Cafe\u0301 talks") == "Caf\u00e9 talks"
    printable_dropped = [hex(c) for c in range(sys.maxunicode + 1)
                         if unicodedata.category(chr(c)) in ("Cc", "Cf") and chr(c).isprintable()]
    assert not printable_dropped


def test_language_test_stop_words_are_spacys():
    """The language test reads spaCy's English stop words from a data file, so that the parent of a run
    does not import spaCy for them: the file holds exactly spaCy's stop words that are made of letters."""
    import re

    from spacy.lang.en.stop_words import STOP_WORDS

    from nestor.ingest.lang import detect_language, english_stop_words

    assert english_stop_words() == {w for w in STOP_WORDS if re.fullmatch(r"[a-z]+", w)}
    assert detect_language("The talks between the two ministers were held in the capital on Monday.") == "en"


def test_reading_documents_does_not_import_spacy():
    """The parent of a pool run reads, cleans and deduplicates; spaCy (about 1 CPU s to import) is
    loaded by the workers only."""
    import subprocess
    import sys

    code = ("import sys, nestor.ingest, nestor.ingest.dedup, nestor.pipeline; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
