"""Language identification: a cheap English test first, langdetect for the rest."""
from __future__ import annotations

import re
from functools import cache
from importlib import resources

_WORD = re.compile(r"[A-Za-z]+")
_LETTER = re.compile(r"\w", re.UNICODE)


@cache
def english_stop_words() -> frozenset[str]:
    """spaCy's English stop words made of letters (the only ones ``_WORD`` can match), from
    ``english_stop_words.txt``: read without importing spaCy, which the parent of a pool run does not
    otherwise need (``tests/test_ingest.py`` checks the list against spaCy's)."""
    text = resources.files("nestor.ingest").joinpath("english_stop_words.txt").read_text("utf-8")
    return frozenset(w for w in (line.strip() for line in text.splitlines()) if w and not w.startswith("#"))


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language ("en", "fr", ...; "und" when there is no text).

    English prose has 35-50% stop words among its ASCII words; other Latin-script languages
    have under 10% of *English* stop words, and non-Latin scripts have few ASCII words at all.
    Only when that test fails is langdetect asked (seeded, so the answer is repeatable).
    """
    sample = text[:5000]
    letters = _LETTER.findall(sample)
    if not letters:
        return "und"
    words = _WORD.findall(sample)
    ascii_share = sum(len(w) for w in words) / len(letters)
    if words and ascii_share > 0.7:
        stop_words = english_stop_words()
        stop = sum(1 for w in words if w.lower() in stop_words) / len(words)
        if stop >= 0.2:
            return "en"
    try:
        from langdetect import DetectorFactory, detect

        DetectorFactory.seed = 0
        return str(detect(sample))
    except Exception:  # langdetect raises LangDetectException on text without features
        return "und"
