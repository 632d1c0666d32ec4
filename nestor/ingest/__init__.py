"""Ingestion: paths → :class:`~nestor.models.Article` (cleaned, titled, dated) or Skip.

Reasons a document is skipped (``Skip.reason``):

======================  =============================================================
missing / unreadable    path does not exist, permission denied, broken link
unsupported             no reader for the file's extension
empty                   zero bytes, no text left after cleaning, or a JSONL/WARC file
                        with no document in it (a WARC of only ``resource`` records)
too_large               over ``max_file_bytes``, or inflates past ``max_record_bytes``
                        (one document) / ``max_decompressed_bytes`` (one file)
binary                  NUL or control bytes: not a text document
undecodable             no text encoding fits the bytes
malformed_json          a JSON Lines line that is not a JSON object
malformed_html          markup that the HTML extractor cannot parse
no_main_text            HTML with no article text (a page of navigation)
truncated               a gzip or WARC stream cut short
malformed_warc          a ``.warc`` file that is not a WARC, or WARC headers that cannot be parsed
read_error              reading or cleaning the document raised (exception type and message kept)
extract_error           the NLP pass or extraction raised (the article is stored with status
                        ``error``; exception type and message kept)
store_error             the store rejected the document's records (the rest of its batch is kept)
======================  =============================================================

Every document is normalised before it reaches a batch (:func:`normalise`): text fields are
text, lone surrogates (from ``\\ud800`` escapes in JSON) become U+FFFD, and a file name that is
not UTF-8 is kept as the escape of its raw bytes (``caf\\xe9.txt``): readable, storable, and
naming the file unambiguously.
"""
from __future__ import annotations

import dataclasses
import os
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ..config import Settings
from ..models import Article, Skip, content_id
from .clean import clean_text
from .lang import detect_language
from .readers import Draft, iter_files, read_file

REASONS = ("missing", "unreadable", "unsupported", "empty", "too_large", "binary", "undecodable",
           "malformed_json", "malformed_html", "no_main_text", "truncated", "malformed_warc",
           "read_error", "extract_error", "store_error")

__all__ = [
    "REASONS",
    "Draft",
    "Input",
    "draft_to_article",
    "iter_documents",
    "iter_inputs",
    "normalise",
    "read_documents",
    "safe_name",
]

_SURROGATE = re.compile("[\ud800-\udfff]")


class Input(NamedTuple):
    """One document read from ``file``: an Article or a Skip, with the warnings of reading it."""

    file: str
    item: Article | Skip
    warnings: tuple[str, ...] = ()


def safe_name(path: str) -> str:
    """A file name as valid UTF-8: bytes that are not UTF-8 become their escape (``\\xe9``)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def _safe_text(s: str) -> str:
    return _SURROGATE.sub("\ufffd", s)


_ARTICLE_HINTS = typing.get_type_hints(Article)


def normalise(item: Article | Skip) -> Article | Skip:
    """Field types as declared, text storable as UTF-8, file names through :func:`safe_name`."""
    if isinstance(item, Skip):
        return Skip(safe_name(str(item.path)), str(item.reason), _safe_text(str(item.detail)))
    for f in dataclasses.fields(Article):
        v = getattr(item, f.name)
        if f.name == "path":
            item.path = safe_name(str(v))
        elif isinstance(v, str):
            setattr(item, f.name, _safe_text(v))
        elif v is not None and str in typing.get_args(_ARTICLE_HINTS[f.name]) + (_ARTICLE_HINTS[f.name],):
            setattr(item, f.name, _safe_text(str(v)))
    return item


def _cut_lines(raw: str, max_line_chars: int) -> int:
    """How many lines of ``raw`` are longer than the limit (they will be cut)."""
    return sum(1 for line in raw.split("\n") if len(line) > max_line_chars)


def draft_to_article(d: Draft, settings: Settings) -> tuple[Article | Skip, list[str]]:
    """Clean a draft and make it an Article (id = hash of the cleaned text); and its warnings."""
    warnings = list(d.warnings)
    truncated = d.truncated
    raw = _safe_text(d.text)
    if len(raw) > settings.max_text_chars:
        raw = raw[: settings.max_text_chars]
        truncated = True
        warnings.append(f"text cut to {settings.max_text_chars} characters before cleaning (setting max_text_chars)")
    long_lines = _cut_lines(raw, settings.max_line_chars)
    if long_lines:
        truncated = True
        warnings.append(f"{long_lines} line(s) cut to {settings.max_line_chars} characters (setting max_line_chars)")
    c = clean_text(raw, title_hint=d.title, max_line_chars=settings.max_line_chars)
    text = c.text
    if len(text.strip()) < settings.min_article_chars:
        why = "nothing but boilerplate" if c.dropped else "too short"
        return Skip(d.path, "empty", f"{why} after cleaning ({len(text.strip())} chars)"), warnings
    if len(text) > settings.max_article_chars:
        cut = text.rfind("\n\n", 0, settings.max_article_chars)
        text = text[: cut if cut > 0 else settings.max_article_chars]
        truncated = True
    published, date_source, evidence = d.published, "metadata" if d.published else "unknown", None
    if published is None and c.date is not None:
        published, date_source, evidence = c.date, "text", c.date_evidence
    lang = detect_language(text)
    art = Article(
        id=content_id(text), text=text, source=d.source, path=d.path, url=d.url,
        title=c.title, title_source=("metadata" if d.title else "text") if c.title else "unknown",
        published=published, date_source=date_source, date_confidence=1.0 if published else None,
        date_evidence=evidence, byline=d.byline or c.byline, language=lang,
        status="ok" if lang in settings.languages else "non_english",
        n_chars=len(text), n_words=len(text.split()), truncated=truncated, reader=d.reader,
    )
    return art, warnings


def read_documents(path: Path, root: Path, settings: Settings) -> Iterator[Input]:
    """Every document of one file, normalised; never raises (an exception is a ``read_error`` skip)."""
    file = safe_name(str(path))
    produced = False
    try:
        for d in read_file(path, root, settings):
            produced = True
            if isinstance(d, Skip):
                yield Input(file, normalise(d))
                continue
            try:
                item, warnings = draft_to_article(d, settings)
                yield Input(file, normalise(item), tuple(_safe_text(w) for w in warnings))
            except Exception as e:  # a cleaning bug must not stop the run: report it
                yield Input(file, normalise(Skip(d.path, "read_error", f"{type(e).__name__}: {e}")))
    except Exception as e:  # a reader bug: the documents read so far stand, the file is reported
        produced = True
        yield Input(file, normalise(Skip(str(path), "read_error", f"{type(e).__name__}: {str(e)[:300]}")))
    if not produced:
        yield Input(file, Skip(file, "empty", "no document in the file"))


def iter_inputs(paths: list[str], settings: Settings) -> Iterator[Input]:
    """Every document under ``paths``, in a stable order, with its warnings."""
    for item in iter_files(paths):
        if isinstance(item, Skip):
            sk = normalise(item)
            yield Input(sk.path, sk)
            continue
        yield from read_documents(item[0], item[1], settings)


def iter_documents(paths: list[str], settings: Settings) -> Iterator[tuple[str, Article | Skip]]:
    """Yield (file path, Article or Skip) for every document under ``paths``, in a stable order."""
    for doc in iter_inputs(paths, settings):
        yield doc.file, doc.item
