"""Readers: one per input format, each yielding :class:`Draft` or :class:`~nestor.models.Skip`.

A reader never raises for a bad document: it yields a Skip with a typed reason and goes on
(a bad line of a JSONL file or a bad record of a WARC file skips that line or record only), and
every file it is given yields at least one Draft or Skip (a WARC with no HTML response record is
a named skip, not silence).

Memory is bounded whatever the input (see docs/config.md, "Limits"): files are read as streams,
gzip is inflated incrementally and reading stops at ``max_record_bytes`` per document (a text
file, a JSONL line, a WARC record) and ``max_decompressed_bytes`` per file, with a ``too_large``
skip; markup is cut to ``max_markup_chars`` and text to ``max_text_chars`` before extraction,
and the document is marked ``truncated`` with a warning.
"""
from __future__ import annotations

import gzip
import json
import os
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from ..config import Settings
from ..models import Skip
from .decode import DecodeError, decode_text, looks_binary

_CHUNK = 1 << 20
_GZIP_ERRORS = (OSError, EOFError, zlib.error)


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
    truncated: bool = False      # the document was cut to a limit (the warning says which)
    warnings: list[str] = field(default_factory=list)


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


def _text(value: Any, join: str | None = None) -> str | None:
    """A metadata field as text: strings as they are, numbers as written, a list of strings
    joined (when ``join`` is given), anything else None (the caller records a warning)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if join is not None and isinstance(value, list):
        parts = [p if isinstance(p, str) else p.get("name") if isinstance(p, dict) else None for p in value]
        names = [p for p in parts if isinstance(p, str)]
        if names and len(names) == len(parts):
            return join.join(p.strip() for p in names if p.strip()) or None
    return None


def _decode(data: bytes, where: str, declared: str | None = None) -> tuple[str, list[str]] | Skip:
    try:
        d = decode_text(data, declared)
    except DecodeError as e:
        return Skip(where, e.reason, e.detail)
    return d.text, ([d.warning] if d.warning else [])


def _read_capped(stream: IO[bytes], cap: int, path: Path) -> bytes | Skip:
    """Up to ``cap`` bytes of a (possibly inflating) stream, or a Skip: too_large past the cap,
    truncated for a gzip stream cut short. Never holds more than cap + one chunk."""
    buf = bytearray()
    try:
        while chunk := stream.read(min(_CHUNK, cap + 1 - len(buf))):
            buf += chunk
            if len(buf) > cap:
                return Skip(str(path), "too_large",
                            f"more than {cap} bytes after decompression (setting max_record_bytes)")
    except _GZIP_ERRORS as e:
        return Skip(str(path), "truncated", f"gzip: {e}")
    return bytes(buf)


# ---- plain text ---------------------------------------------------------------------------
def read_txt(path: Path, data: bytes, source: str, settings: Settings) -> Iterator[Draft | Skip]:
    got = _decode(data, str(path))
    if isinstance(got, Skip):
        yield got
        return
    yield Draft(str(path), "txt", got[0], source=source, warnings=got[1])


# ---- HTML --------------------------------------------------------------------------------
class _TextAndDepth(HTMLParser):
    """Text of any markup, however deep (lxml stops at 256 levels), and the deepest nesting."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer", "aside"})
    _BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section",
                        "tr", "blockquote", "pre", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = self.max_depth = 0
        self.skipping: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.depth += 1
        self.max_depth = max(self.max_depth, self.depth)
        if tag in self._SKIP:
            self.skipping.append(tag)
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(0, self.depth - 1)
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


LXML_MAX_DEPTH = 255


def html_to_draft(html: str, path: str, url: str | None, source: str, settings: Settings,
                  reader: str = "html") -> Draft | Skip:
    import trafilatura

    warnings: list[str] = []
    truncated = False
    failure: str | None = None
    if len(html) > settings.max_markup_chars:
        html = html[: settings.max_markup_chars]
        truncated = True
        warnings.append(f"markup cut to {settings.max_markup_chars} characters (setting max_markup_chars)")
    try:
        doc: Any = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            favor_precision=True, date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as e:  # lxml and trafilatura raise many types on hostile markup
        doc, failure = None, f"{type(e).__name__}: {str(e)[:200]}"
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        # markup nested deeper than lxml parses: take the text of the whole page, say so
        p = _TextAndDepth()
        try:
            p.feed(html)
            p.close()
        except Exception as e:  # the stdlib parser is lenient; anything it raises names the file
            return Skip(path, "malformed_html", f"{type(e).__name__}: {str(e)[:200]}")
        text = "".join(p.parts)
        if p.max_depth > LXML_MAX_DEPTH and len(text.split()) >= 10:
            warnings.append(f"markup nested {p.max_depth} levels deep: text taken from the whole page, "
                            "without main-text extraction")
            return Draft(path=path, reader=reader, text=text, url=url, source=source, truncated=truncated,
                         warnings=warnings)
        if failure:
            return Skip(path, "malformed_html", failure)
        return Skip(path, "no_main_text", "no article text found in the HTML" +
                    (f" (markup nested {p.max_depth} levels deep, no words inside)" if p.max_depth > LXML_MAX_DEPTH
                     else ""))
    return Draft(
        path=path, reader=reader, text=doc.text, title=_text(doc.title), url=url or _text(doc.url),
        published=_parse_date(doc.date), source=_text(doc.sitename) or _text(doc.hostname) or source,
        byline=_text(doc.author), is_clean=True, truncated=truncated, warnings=warnings,
    )


def read_html(path: Path, data: bytes, source: str, settings: Settings) -> Iterator[Draft | Skip]:
    got = _decode(data, str(path))
    if isinstance(got, Skip):
        yield got
        return
    text, warnings = got
    if "<" not in text:
        yield Skip(str(path), "malformed_html", "no markup in an .html file")
        return
    d = html_to_draft(text, str(path), None, source, settings)
    if isinstance(d, Draft):
        d.warnings[:0] = warnings
    yield d


# ---- JSON Lines (news-please, CC-News) ------------------------------------------------------
_TEXT_KEYS = ("text", "maintext", "content", "body", "article")
_DATE_KEYS = ("published", "date", "date_publish", "publish_date", "published_at", "pubdate")


def _lines(stream: IO[bytes], cap: int) -> Iterator[tuple[bytes, bool]]:
    """(line, too_long) for each line; a line over ``cap`` bytes is read through, not kept."""
    while line := stream.readline(cap + 1):
        if len(line) > cap and not line.endswith(b"\n"):
            while (rest := stream.readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield b"", True
        else:
            yield line, False


def read_jsonl(path: Path, stream: IO[bytes], source: str, settings: Settings) -> Iterator[Draft | Skip]:
    total = 0
    n = 0
    try:
        for n, (raw, too_long) in enumerate(_lines(stream, settings.max_record_bytes), start=1):
            where = f"{path}:{n}"
            if too_long:
                yield Skip(where, "too_large", f"line {n}: over {settings.max_record_bytes} bytes "
                                               "(setting max_record_bytes)")
                continue
            total += len(raw)
            if total > settings.max_decompressed_bytes:
                yield Skip(str(path), "too_large", f"more than {settings.max_decompressed_bytes} bytes after "
                                                   f"line {n} (setting max_decompressed_bytes); the lines before were read")
                return
            if not raw.strip():
                continue
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            got = _decode(raw, where)
            if isinstance(got, Skip):
                yield got
                continue
            line, warnings = got
            yield _json_line(line, n, where, source, settings, warnings)
    except _GZIP_ERRORS as e:
        yield Skip(str(path), "truncated", f"gzip stream cut short after line {n}: {e}")
    if n == 0:
        yield Skip(str(path), "empty", "no lines")


def _json_line(line: str, n: int, where: str, source: str, settings: Settings, warnings: list[str]) -> Draft | Skip:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return Skip(where, "malformed_json", f"line {n}: {e.msg} at column {e.colno}")
    except RecursionError:
        return Skip(where, "malformed_json", f"line {n}: nested too deeply")
    if not isinstance(obj, dict):
        return Skip(where, "malformed_json", f"line {n}: not a JSON object")
    body = next((obj[k] for k in _TEXT_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None)
    fields: dict[str, Any] = {}
    for key, join in (("title", " "), ("url", None), ("authors", ", "), ("author", ", "), ("source", None),
                      ("source_domain", None), ("sitename", None)):
        if obj.get(key) not in (None, "", []):
            fields[key] = _text(obj[key], join)
            if fields[key] is None:
                warnings.append(f"line {n}: field {key!r} is a JSON {type(obj[key]).__name__}, not text: ignored")
    if body is None:
        html = obj.get("html")
        if isinstance(html, str) and html.strip():
            d = html_to_draft(html, where, fields.get("url"), source, settings, reader="jsonl")
            if isinstance(d, Draft):
                d.warnings[:0] = warnings
            return d
        return Skip(where, "empty", f"line {n}: no text field ({'/'.join(_TEXT_KEYS)})")
    published = None
    for k in _DATE_KEYS:
        if obj.get(k):
            published = _parse_date(obj[k])
            break
    src = fields.get("source") or fields.get("source_domain") or fields.get("sitename") or source
    return Draft(where, "jsonl", body, title=fields.get("title"), url=fields.get("url"), published=published,
                 source=src, byline=fields.get("authors") or fields.get("author"), warnings=warnings)


# ---- WARC ---------------------------------------------------------------------------------
def _gzip_check(fh: IO[bytes], cap: int) -> tuple[str, str] | None:
    """Inflate a (multi-member) gzip stream without keeping it: ("too_large" | "truncated", detail)
    or None. warcio stops silently at a member cut short, so the stream is checked first."""
    out = 0
    d = zlib.decompressobj(31)
    pending = b""
    in_member = False
    try:
        while True:
            if not pending:
                pending = fh.read(_CHUNK)
                if not pending:
                    break
            in_member = True
            out += len(d.decompress(pending, _CHUNK))
            pending = d.unconsumed_tail
            if out > cap:
                return "too_large", f"more than {cap} bytes after decompression (setting max_decompressed_bytes)"
            if d.eof:
                pending, d, in_member = d.unused_data, zlib.decompressobj(31), False
    except zlib.error as e:
        return "truncated", f"gzip stream broken ({e}); the records before it were read"
    if in_member:
        return "truncated", "gzip stream cut short; the records before the cut were read"
    return None


def read_warc(path: Path, fh: IO[bytes], source: str, settings: Settings) -> Iterator[Draft | Skip]:
    from warcio.archiveiterator import ArchiveIterator

    tail_error = None
    head = fh.read(2)
    fh.seek(0)
    if head == b"\x1f\x8b":
        problem = _gzip_check(fh, settings.max_decompressed_bytes)
        fh.seek(0)
        if problem and problem[0] == "too_large":
            yield Skip(str(path), *problem)
            return
        tail_error = problem[1] if problem else None
    if path.name.lower().endswith((".warc", ".warc.gz")):
        try:
            start = (gzip.GzipFile(fileobj=fh) if head == b"\x1f\x8b" else fh).read(5)
        except _GZIP_ERRORS as e:
            start = repr(e).encode()
        fh.seek(0)
        if start != b"WARC/":
            yield Skip(str(path), "malformed_warc", f"not a WARC file (it starts with {start[:5]!r}, not b'WARC/')")
            return
    n = 0
    yielded = 0
    kinds: Counter[str] = Counter()
    cap = settings.max_record_bytes
    try:
        for record in ArchiveIterator(fh, check_digests=True):
            kinds[record.rec_type] += 1
            if record.format == "arc" and not path.name.lower().endswith((".arc", ".arc.gz")):
                yielded += 1
                yield Skip(str(path), "malformed_warc", f"after {n} records: a line that is not a WARC header")
                return
            if record.rec_type != "response":
                continue
            n += 1
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{path}#{n}"
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if "html" not in ctype.lower():
                kinds[f"response {ctype.split(';')[0].strip() or 'without type'}"] += 1
                continue
            try:
                body = record.content_stream().read(cap + 1)
            except (OSError, EOFError, zlib.error, ValueError) as e:
                yielded += 1
                yield Skip(where, "truncated", f"record {n} ({url}): {e}")
                continue
            if len(body) > cap:
                yielded += 1
                yield Skip(where, "too_large", f"record {n} ({url}): over {cap} bytes (setting max_record_bytes)")
                continue
            declared_len = record.rec_headers.get_header("Content-Length")
            if record.digest_checker.passed is False or (
                    declared_len and declared_len.isdigit() and record.raw_stream.limit not in (0, None)):
                # a digest that does not match, or bytes missing from the declared length: cut short
                yielded += 1
                yield Skip(where, "truncated", f"record {n} ({url}): content shorter than declared or digest mismatch")
                continue
            declared = None
            if "charset=" in ctype.lower():
                declared = ctype.lower().split("charset=")[-1].split(";")[0].strip() or None
            got = _decode(body, where, declared)
            yielded += 1
            if isinstance(got, Skip):
                yield Skip(where, got.reason, f"record {n} ({url}): {got.detail}")
                continue
            host = url.split("/")[2] if url and "://" in url else source
            d = html_to_draft(got[0], where, url, host, settings, reader="warc")
            if isinstance(d, Draft):
                d.warnings[:0] = got[1]
            yield d
    except (OSError, EOFError, zlib.error, ValueError, gzip.BadGzipFile) as e:
        yield Skip(str(path), "truncated", f"WARC stream broken after {n} records: {type(e).__name__}: {e}")
        return
    except Exception as e:  # warcio raises bare Exceptions on some malformed headers
        yield Skip(str(path), "malformed_warc", f"after {n} records: {type(e).__name__}: {str(e)[:200]}")
        return
    if tail_error:
        yield Skip(str(path), "truncated", f"after {n} records: {tail_error}")
    elif not yielded:
        found = ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())) or "no records"
        yield Skip(str(path), "empty" if kinds else "malformed_warc", f"no HTML response record ({found})")


READERS: dict[str, Callable[..., Iterator[Draft | Skip]]] = {
    ".txt": read_txt, ".text": read_txt, ".md": read_txt,
    ".html": read_html, ".htm": read_html, ".xhtml": read_html,
    ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".json": read_jsonl,
    ".warc": read_warc, ".warc.gz": read_warc, ".arc": read_warc, ".arc.gz": read_warc,
}
_STREAMED = (".jsonl", ".ndjson", ".json")


def reader_for(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    if name.endswith(".gz") and reader_for(Path(name[:-3])) in (".txt", ".jsonl", ".html", ".json"):
        return name[:-3][name[:-3].rfind("."):] + ".gz"
    return None


def read_file(path: Path, root: Path, settings: Settings) -> Iterator[Draft | Skip]:
    """Read one file with the reader its name calls for (streamed, within the limits)."""
    suffix = reader_for(path)
    if suffix is None:
        yield Skip(str(path), "unsupported", f"no reader for {path.suffix or 'files without extension'}")
        return
    max_bytes = settings.max_file_bytes
    try:
        size = path.stat().st_size
        if size == 0:
            yield Skip(str(path), "empty", "zero-byte file")
            return
        if size > max_bytes:
            yield Skip(str(path), "too_large", f"{size} bytes > limit {max_bytes} (setting max_file_bytes)")
            return
        fh = open(path, "rb")
    except PermissionError as e:
        yield Skip(str(path), "unreadable", f"permission denied ({e.strerror})")
        return
    except OSError as e:
        yield Skip(str(path), "unreadable", f"{e.strerror or e}")
        return
    source = _source_of(path, root)
    with fh:
        if suffix.startswith((".warc", ".arc")):
            yield from read_warc(path, fh, source, settings)
            return
        stream: Any = fh
        if suffix.endswith(".gz"):
            stream = gzip.GzipFile(fileobj=fh, mode="rb")
            suffix = suffix[:-3]
        if suffix in _STREAMED:
            yield from read_jsonl(path, stream, source, settings)
            return
        data = _read_capped(stream, settings.max_record_bytes, path)
        if isinstance(data, Skip):
            yield data
            return
    if not data:
        yield Skip(str(path), "empty", "nothing after decompression")
        return
    if suffix in (".txt", ".text", ".md") and looks_binary(data):
        yield Skip(str(path), "binary", "binary content (NUL or control bytes)")
        return
    yield from READERS[suffix](path, data, source, settings)


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
