"""Write the demo corpus's WARC file: nestor/demo/corpus/archive.warc.gz.

The reports below were written by the nestor team in their own words about real, well-documented
happenings (no article text is copied). The script renders each as a news page with the usual
navigation and footer, and stores it as an HTTP response record, the way a crawler archives a site.
The output is byte-for-byte reproducible (fixed record ids and dates), and it is committed: run this
only after editing a report here.

    python scripts/make_demo_warc.py
"""
from __future__ import annotations

import hashlib
import io
import sys
import uuid
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUT = Path(__file__).resolve().parents[1] / "nestor" / "demo" / "corpus" / "archive.warc.gz"
SITE = "https://dispatch.example.org"

REPORTS = [
    {
        "path": "/2023/03/21/xi-putin-moscow-statements",
        "date": "2023-03-21T19:30:00Z",
        "title": "Russia and China Set Out an Economic Plan to 2030 During Xi's Moscow Visit",
        "paragraphs": [
            ("MOSCOW, March 21, 2023 — Vladimir Putin and Xi Jinping agreed on Tuesday to expand trade and energy "
             "ties, signing a statement that sets out areas of Russian-Chinese economic cooperation until 2030."),
            ("The two presidents met in the Kremlin for formal talks on the second day of Xi's state visit, after "
             "a long informal dinner on Monday evening."),
            ("Putin said the two sides had practically agreed on the Power of Siberia 2 pipeline, which would "
             "carry gas to China through Mongolia. Xi invited Putin to visit China later in the year."),
        ],
    },
    {
        "path": "/2022/02/04/putin-xi-olympics-meeting",
        "date": "2022-02-04T20:00:00Z",
        "title": "Russia and China Sign Energy Deals as Putin Attends the Beijing Olympics",
        "paragraphs": [
            ("BEIJING, February 4, 2022 — Russian President Vladimir Putin and Chinese President Xi Jinping held "
             "talks in Beijing on Friday and signed a joint statement describing a partnership without limits."),
            ("Russian energy companies signed contracts with CNPC during the visit, including an agreement for "
             "Gazprom to deliver 10 billion cubic metres of gas a year from the Russian Far East."),
            ("Putin then attended the opening ceremony of the Winter Olympic Games, which several Western "
             "governments boycotted at the diplomatic level."),
        ],
    },
    {
        "path": "/2021/02/03/new-start-extended",
        "date": "2021-02-03T16:45:00Z",
        "title": "United States and Russia Extend New START for Five Years",
        "paragraphs": [
            ("WASHINGTON, February 3, 2021 — The United States and Russia extended the New START nuclear arms "
             "treaty on Wednesday by five years, two days before it was due to expire."),
            ("Secretary of State Antony Blinken said the extension keeps verifiable limits on Russian "
             "intercontinental missiles, submarine-launched missiles and heavy bombers until February 5, 2026."),
            ("President Joe Biden and President Vladimir Putin had agreed on the extension in a telephone call "
             "on January 26. The treaty is the last arms control agreement in force between the two countries."),
        ],
    },
    {
        "path": "/2019/02/26/india-strikes-balakot",
        "date": "2019-02-26T15:20:00Z",
        "title": "Indian Jets Strike Camp in Pakistan After Kashmir Bombing",
        "paragraphs": [
            ("NEW DELHI, February 26, 2019 — Indian warplanes struck what India said was a training camp of the "
             "militant group Jaish-e-Mohammed near Balakot in Pakistan early on Tuesday."),
            ("Foreign Secretary Vijay Gokhale said the strike was a non-military, preemptive action, taken "
             "because the group was planning further attacks in India. Jaish-e-Mohammed had claimed the "
             "bombing in Pulwama on February 14 that killed 40 Indian paramilitary police."),
            ("Pakistan said the Indian aircraft had dropped their bombs in an open area and caused no casualties, "
             "and warned that it would respond at a time and place of its choosing."),
        ],
    },
]

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - The Demo Dispatch</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="The Demo Dispatch">
<meta property="article:published_time" content="{date}"></head>
<body><div class="top"><a href="/">The Demo Dispatch</a> <a href="/world">World</a> <a href="/politics">Politics</a>
<a href="/newsletters">Newsletters</a> <a href="/signin">Sign in</a></div>
<article><h1>{title}</h1><p class="meta">Demo Dispatch staff · {day}</p>
{body}
</article>
<div class="share">Share this story: <a href="#">Email</a> <a href="#">Print</a></div>
<footer>The Demo Dispatch · <a href="/about">About</a> · <a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def build() -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    info = writer.create_warcinfo_record("archive.warc.gz", {"software": "nestor scripts/make_demo_warc.py",
                                                              "format": "WARC File Format 1.1"})
    _fix_ids(info, "warcinfo", "2024-06-01T00:00:00Z")
    writer.write_record(info)
    for r in REPORTS:
        body = "\n".join(f"<p>{p}</p>" for p in r["paragraphs"])
        html = PAGE.format(title=r["title"], date=r["date"], day=r["date"][:10], body=body).encode("utf-8")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Content-Length", str(len(html)))], protocol="HTTP/1.1")
        rec = writer.create_warc_record(SITE + r["path"], "response", payload=io.BytesIO(html), http_headers=http)
        _fix_ids(rec, SITE + r["path"], r["date"])
        writer.write_record(rec)
    return buf.getvalue()


def _fix_ids(record, key: str, when: str) -> None:  # record: a warcio ArcWarcRecord
    """Fixed record id and date instead of random/now ones: the same input gives the same bytes."""
    rid = uuid.UUID(hashlib.sha1(key.encode()).hexdigest()[:32])
    record.rec_headers.replace_header("WARC-Record-ID", f"<urn:uuid:{rid}>")
    record.rec_headers.replace_header("WARC-Date", when)


def main() -> int:
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"{OUT}: {len(REPORTS)} pages, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
