"""Bytes to text: binary detection, BOMs, UTF-8 first, then charset detection.

Decoding errors stay local: text that is UTF-8 apart from a few stray bytes (valid multi-byte
sequences outnumber the invalid bytes) is decoded as UTF-8 with those bytes replaced by U+FFFD,
and the document carries a warning; only text with no valid UTF-8 multi-byte sequence at all is
handed to charset detection (a legacy single-byte file). A whole file is never re-read in a codec
that turns its curly quotes into mojibake because of six bad bytes.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB (text never has them)."""
    head = data[:8192]
    if not head:
        return False
    if any(head.startswith(b) for b, _ in _BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl / len(head) > 0.05


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). Raises DecodeError(reason=binary|undecodable)."""
    d = decode_text(data, declared)
    return d.text, d.encoding


def _mostly_utf8(data: bytes) -> Decoded | None:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    if good and bad <= good and bad <= max(16, len(text) // 100):
        return Decoded(text, "utf-8", f"{bad} byte(s) that are not UTF-8 replaced by U+FFFD; the rest is UTF-8")
    return None


def decode_text(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes; the result says when bytes were replaced. Raises DecodeError."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            bad = text.count("\ufffd")
            return Decoded(text, enc, f"{bad} invalid {enc} sequence(s) replaced by U+FFFD" if bad else None)
    if looks_binary(data):
        raise DecodeError("binary", "binary content (NUL or control bytes)")
    if declared:
        try:
            return Decoded(data.decode(declared), declared.lower())
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    best = from_bytes(data[:2_000_000]).best()
    if best is None or best.encoding is None:
        raise DecodeError("undecodable", "no text encoding fits the bytes")
    text = data.decode(best.encoding, errors="replace")
    # A detector always finds *some* single-byte codec; reject results that are mostly
    # replacement or control characters.
    bad = sum(1 for ch in text[:20000] if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t"))
    if bad > 0.02 * min(len(text), 20000):
        raise DecodeError("undecodable", f"bytes do not decode cleanly (best guess {best.encoding})")
    # Random bytes "decode" in multi-byte codecs to symbols; prose is mostly letters and spaces.
    sample = text[:20000]
    readable = sum(1 for ch in sample if ch.isalpha() or ch.isspace())
    if sample and readable / len(sample) < 0.6:
        raise DecodeError("undecodable", f"bytes decode to no readable text (best guess {best.encoding})")
    nrep = text.count("\ufffd")
    return Decoded(text, best.encoding, f"{nrep} byte(s) not decodable in {best.encoding} replaced" if nrep else None)
