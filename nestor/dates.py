"""Calendar dates written out in text: the patterns shared by ingestion and extraction.

Ingestion reads timestamp and dateline lines with them (``ingest.clean``); the dates stage
(``extract.when``) reads the same forms inside sentences. Kept here, below both, so that neither
reaches into the other.
"""
from __future__ import annotations

import re
from datetime import date

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
DATE_PATTERNS = [
    re.compile(rf"\b(?P<m>{MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{MONTHS})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<mn>\d\d)-(?P<d>\d\d)(?!\d)"),
]
TIME_WORDS = re.compile(
    rf"\b(?:{MONTHS}|\d{{1,2}}(?:st|nd|rd|th)?|(?:19|20)\d\d|\d{{1,2}}[:.]\d\d(?:\s*[ap]\.?m\.?)?|[ap]m|"
    r"gmt|utc|est|edt|msk|cst|bst|cet|updated|published|posted|last|on|at|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\b|[•|,/:\-–—.]", re.I)
MONTH_NUM = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for name in names}


def find_date(text: str) -> tuple[date, str] | None:
    """First explicit calendar date (month name or ISO) in ``text``: (date, matched text)."""
    for pat in DATE_PATTERNS:
        mt = pat.search(text)
        if not mt:
            continue
        g = mt.groupdict()
        month = int(g["mn"]) if g.get("mn") else MONTH_NUM.get(g["m"].lower().rstrip("."))
        try:
            return date(int(g["y"]), int(month or 0), int(g["d"])), mt.group(0)
        except ValueError:
            continue
    return None
