"""The demo corpus that ships with nestor: `nestor demo` (or `nestor run` with no path) reads it.

36 short reports written by the nestor team in their own words about real, well-documented
international happenings from 2001 to 2025, with their public facts (dates, places, leaders,
documents signed, figures) carried over. No text of any published article is used. The reports
cover several dyads (Russia–China, United States–China, India–Pakistan, the EU and Russia, Iran
and the six powers, the two Koreas, the United States and Russia, ...) and some happenings are
reported twice by different "sites", so stories merge reports across articles.

They come in the shapes nestor reads:

* ``corpus/text/*.txt``: plain text, a title line, then a timestamp line and a dateline;
* ``corpus/pages/*.html``: news pages with navigation, cookie banner and footer around the article;
* ``corpus/reports.jsonl``: news-please records (title, maintext, date_publish, source_domain, ...);
* ``corpus/archive.warc.gz``: a crawl of four pages, written by ``scripts/make_demo_warc.py``.

The sites named in URLs are under the reserved ``example.org``/``.net``/``.com`` domains.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def corpus_path() -> Path:
    """The folder of the demo corpus, inside the installed package."""
    return Path(str(resources.files(__name__).joinpath("corpus")))


def corpus_files() -> list[Path]:
    return sorted(p for p in corpus_path().rglob("*") if p.is_file())
