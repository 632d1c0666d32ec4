"""Readers: one per input format, each yielding :class:`Draft` or :class:`~nestor.models.Skip`.

A reader never raises for a bad document: it yields a Skip with a typed reason and goes on
(a bad line of a JSONL file or a bad record of a WARC file skips that line or record only).
"""
from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..models import Skip
from .decode import DecodeError, decode, looks_binary


@dataclass
class Draft:
    """A document as read, before cleaning."""

    path: str
    reader: str
    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    source: str = ""
    byline: str | None = None
    is_clean: bool = False       # text came from an HTML extractor (already de-boilerplated)


def _parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return datetime.strptime(s[:10], "%Y-%m-%d").date()
    except ValueError:
        pass
    from ..dates import find_date
    found = find_date(s)
    return found[0] if found else None


def _source_of(path: Path, root: Path) -> str:
    rel = path.parent.relative_to(root) if path.is_relative_to(root) and path.parent != root else None
    return str(rel) if rel else path.parent.name


# ---- plain text ---------------------------------------------------------------------------
def read_txt(path: Path, data: bytes, source: str) -> Iterator[Draft | Skip]:
    try:
        text, _enc = decode(data)
    except DecodeError as e:
        yield Skip(str(path), e.reason, e.detail)
        return
    yield Draft(str(path), "txt", text, source=source)


# ---- HTML --------------------------------------------------------------------------------
def html_to_draft(html: str, path: str, url: str | None, source: str, reader: str = "html") -> Draft | Skip:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            favor_precision=True, date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as e:  # lxml and trafilatura raise many types on hostile markup
        return Skip(path, "malformed_html", f"{type(e).__name__}: {str(e)[:200]}")
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        return Skip(path, "no_main_text", "no article text found in the HTML")
    return Draft(
        path=path, reader=reader, text=doc.text, title=doc.title or None, url=url or doc.url,
        published=_parse_date(doc.date), source=doc.sitename or doc.hostname or source,
        byline=doc.author or None, is_clean=True,
    )


def read_html(path: Path, data: bytes, source: str) -> Iterator[Draft | Skip]:
    try:
        text, _ = decode(data)
    except DecodeError as e:
        yield Skip(str(path), e.reason, e.detail)
        return
    if "<" not in text:
        yield Skip(str(path), "malformed_html", "no markup in an .html file")
        return
    yield html_to_draft(text, str(path), None, source)


# ---- JSON Lines (news-please, CC-News) ------------------------------------------------------
_TEXT_KEYS = ("text", "maintext", "content", "body", "article")
_DATE_KEYS = ("published", "date", "date_publish", "publish_date", "published_at", "pubdate")


def read_jsonl(path: Path, data: bytes, source: str) -> Iterator[Draft | Skip]:
    try:
        text, _ = decode(data)
    except DecodeError as e:
        yield Skip(str(path), e.reason, e.detail)
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Skip(where, "malformed_json", f"line {n}: {e.msg} at column {e.colno}")
            continue
        if not isinstance(obj, dict):
            yield Skip(where, "malformed_json", f"line {n}: not a JSON object")
            continue
        body = next((obj[k] for k in _TEXT_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None)
        if body is None:
            html = obj.get("html")
            if isinstance(html, str) and html.strip():
                d = html_to_draft(html, where, obj.get("url"), source, reader="jsonl")
                yield d
                continue
            yield Skip(where, "empty", f"line {n}: no text field ({'/'.join(_TEXT_KEYS)})")
            continue
        published = next((_parse_date(obj[k]) for k in _DATE_KEYS if obj.get(k)), None)
        src = obj.get("source") or obj.get("source_domain") or obj.get("sitename") or source
        authors = obj.get("authors") or obj.get("author")
        if isinstance(authors, list):
            authors = ", ".join(str(a) for a in authors)
        yield Draft(where, "jsonl", body, title=obj.get("title") or None, url=obj.get("url") or None,
                    published=published, source=str(src), byline=authors or None)


# ---- WARC ---------------------------------------------------------------------------------
def read_warc(path: Path, data: bytes, source: str) -> Iterator[Draft | Skip]:
    from warcio.archiveiterator import ArchiveIterator

    stream = io.BytesIO(data)
    n = 0
    tail_error = None
    if data[:2] == b"\x1f\x8b":
        # warcio stops silently at a gzip member cut short: check the whole stream first
        try:
            gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            tail_error = f"gzip stream cut short ({e}); the records before the cut were read"
    try:
        for record in ArchiveIterator(stream, check_digests=True):
            if record.rec_type != "response":
                continue
            n += 1
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{path}#{n}"
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if "html" not in ctype.lower():
                continue
            try:
                body = record.content_stream().read()
            except (OSError, EOFError, zlib.error, ValueError) as e:
                yield Skip(where, "truncated", f"record {n} ({url}): {e}")
                continue
            declared_len = record.rec_headers.get_header("Content-Length")
            if record.digest_checker.passed is False or (
                    declared_len and declared_len.isdigit() and record.raw_stream.limit not in (0, None)):
                # a digest that does not match, or bytes missing from the declared length: cut short
                yield Skip(where, "truncated", f"record {n} ({url}): content shorter than declared or digest mismatch")
                continue
            declared = None
            if "charset=" in ctype.lower():
                declared = ctype.lower().split("charset=")[-1].split(";")[0].strip() or None
            try:
                html, _ = decode(body, declared)
            except DecodeError as e:
                yield Skip(where, e.reason, f"record {n} ({url}): {e.detail}")
                continue
            host = url.split("/")[2] if url and "://" in url else source
            yield html_to_draft(html, where, url, host, reader="warc")
    except (OSError, EOFError, zlib.error, ValueError, gzip.BadGzipFile) as e:
        yield Skip(str(path), "truncated", f"WARC stream broken after {n} records: {type(e).__name__}: {e}")
        return
    except Exception as e:  # warcio raises bare Exceptions on some malformed headers
        yield Skip(str(path), "malformed_warc", f"after {n} records: {type(e).__name__}: {str(e)[:200]}")
        return
    if tail_error:
        yield Skip(str(path), "truncated", f"after {n} records: {tail_error}")


READERS = {
    ".txt": read_txt, ".text": read_txt, ".md": read_txt,
    ".html": read_html, ".htm": read_html, ".xhtml": read_html,
    ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".json": read_jsonl,
    ".warc": read_warc, ".warc.gz": read_warc, ".arc": read_warc, ".arc.gz": read_warc,
}


def reader_for(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    if name.endswith(".gz") and reader_for(Path(name[:-3])) in (".txt", ".jsonl", ".html", ".json"):
        return name[:-3][name[:-3].rfind("."):] + ".gz"
    return None


def read_file(path: Path, root: Path, max_bytes: int) -> Iterator[Draft | Skip]:
    """Read one file with the reader its name calls for."""
    suffix = reader_for(path)
    if suffix is None:
        yield Skip(str(path), "unsupported", f"no reader for {path.suffix or 'files without extension'}")
        return
    try:
        size = path.stat().st_size
        if size == 0:
            yield Skip(str(path), "empty", "zero-byte file")
            return
        if size > max_bytes:
            yield Skip(str(path), "too_large", f"{size} bytes > limit {max_bytes} (setting max_file_bytes)")
            return
        with open(path, "rb") as fh:
            data = fh.read()
    except PermissionError as e:
        yield Skip(str(path), "unreadable", f"permission denied ({e.strerror})")
        return
    except OSError as e:
        yield Skip(str(path), "unreadable", f"{e.strerror or e}")
        return
    if suffix.endswith(".gz") and not suffix.startswith((".warc", ".arc")):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            yield Skip(str(path), "truncated", f"gzip: {e}")
            return
        suffix = suffix[:-3]
    if suffix in (".txt", ".text", ".md") and looks_binary(data):
        yield Skip(str(path), "binary", "binary content (NUL or control bytes)")
        return
    yield from READERS[suffix](path, data, _source_of(path, root))


def iter_files(paths: list[str]) -> Iterator[tuple[Path, Path] | Skip]:
    """Yield (file, root) for every file under the given paths, in a stable (sorted) order.

    Symlinks to directories are not followed (no loops); broken links and unreadable folders
    are reported.
    """
    for p in paths:
        root = Path(p)
        if not root.exists() and not root.is_symlink():
            yield Skip(str(root), "missing", "no such file or directory")
            continue
        if root.is_file():
            yield (root, root.parent)
            continue
        if root.is_symlink() and not root.exists():
            yield Skip(str(root), "unreadable", "broken symbolic link")
            continue
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append, followlinks=False):
            dirnames.sort()
            for name in sorted(filenames):
                f = Path(dirpath) / name
                if name.startswith("."):
                    continue
                if f.is_symlink() and not f.exists():
                    yield Skip(str(f), "unreadable", "broken symbolic link")
                    continue
                yield (f, root)
            for e in errors:
                yield Skip(str(e.filename), "unreadable", e.strerror or str(e))
            errors.clear()
