"""Ingestion: paths → :class:`~nestor.models.Article` (cleaned, titled, dated) or Skip.

Reasons a document is skipped (``Skip.reason``):

======================  =============================================================
missing / unreadable    path does not exist, permission denied, broken link
unsupported             no reader for the file's extension
empty                   zero bytes, or no text left after cleaning
too_large               over ``Settings.max_file_bytes``
binary                  NUL or control bytes: not a text document
undecodable             no text encoding fits the bytes
malformed_json          a JSON Lines line that is not a JSON object
malformed_html          markup that the HTML extractor cannot parse
no_main_text            HTML with no article text (a page of navigation)
truncated               a gzip or WARC stream cut short
malformed_warc          WARC headers that cannot be parsed
======================  =============================================================
"""
from __future__ import annotations

from collections.abc import Iterator

from ..config import Settings
from ..models import Article, Skip, content_id
from .clean import clean_text
from .lang import detect_language
from .readers import Draft, iter_files, read_file

REASONS = ("missing", "unreadable", "unsupported", "empty", "too_large", "binary", "undecodable",
           "malformed_json", "malformed_html", "no_main_text", "truncated", "malformed_warc")

__all__ = ["iter_documents", "draft_to_article", "REASONS", "Draft"]


def draft_to_article(d: Draft, settings: Settings) -> Article | Skip:
    """Clean a draft and make it an Article (id = hash of the cleaned text)."""
    c = clean_text(d.text, title_hint=d.title, max_line_chars=settings.max_line_chars)
    text = c.text
    if len(text.strip()) < settings.min_article_chars:
        why = "nothing but boilerplate" if c.dropped else "too short"
        return Skip(d.path, "empty", f"{why} after cleaning ({len(text.strip())} chars)")
    truncated = len(text) > settings.max_article_chars
    if truncated:
        cut = text.rfind("\n\n", 0, settings.max_article_chars)
        text = text[: cut if cut > 0 else settings.max_article_chars]
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
    return art


def iter_documents(paths: list[str], settings: Settings) -> Iterator[tuple[str, Article | Skip]]:
    """Yield (file path, Article or Skip) for every document under ``paths``, in a stable order."""
    for item in iter_files(paths):
        if isinstance(item, Skip):
            yield item.path, item
            continue
        path, root = item
        for d in read_file(path, root, settings.max_file_bytes):
            if isinstance(d, Skip):
                yield str(path), d
            else:
                try:
                    yield str(path), draft_to_article(d, settings)
                except Exception as e:  # a cleaning bug must not stop the run: report it
                    yield str(path), Skip(d.path, "internal_error", f"{type(e).__name__}: {e}")
