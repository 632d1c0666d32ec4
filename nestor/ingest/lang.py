"""Language identification: a cheap English test first, langdetect for the rest."""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

_WORD = re.compile(r"[A-Za-z]+")
_LETTER = re.compile(r"\w", re.UNICODE)


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
        stop = sum(1 for w in words if w.lower() in STOP_WORDS) / len(words)
        if stop >= 0.2:
            return "en"
    try:
        from langdetect import DetectorFactory, detect

        DetectorFactory.seed = 0
        return str(detect(sample))
    except Exception:  # langdetect raises LangDetectException on text without features
        return "und"
