"""Crawl every internal link of a nestor web app (TestClient): no 4xx/5xx, no missing #anchor."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

VERBOSE = False


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if d.get("id"):
            self.ids.add(d["id"] or "")
        if tag in ("a", "link") and d.get("href"):
            self.links.append(d["href"] or "")
        if tag in ("img", "script") and d.get("src"):
            self.links.append(d["src"] or "")


def crawl(client, start: str = "/", max_pages: int = 5000, skip_twins: bool = False) -> dict:
    """``skip_twins`` leaves out the .json/.csv twins of pages (their HTML forms are crawled).

    Returns {"pages": n, "broken": [(url, status, from)], "anchors": [(url#frag, from)]}."""
    seen: dict[str, set[str] | None] = {}
    todo = [(start, "")]
    broken, wanted = [], []
    while todo and len(seen) < max_pages:
        url, src = todo.pop()
        if url in seen:
            continue
        r = client.get(url)
        if VERBOSE:
            print(len(seen), url, r.status_code, flush=True)
        if r.status_code >= 400:
            broken.append((url, r.status_code, src))
            seen[url] = None
            continue
        if "text/html" not in r.headers.get("content-type", ""):
            seen[url] = set()
            continue
        p = _Links()
        p.feed(r.text)
        seen[url] = p.ids
        for href in p.links:
            absu = urljoin("http://testserver" + url, href)
            parts = urlsplit(absu)
            if parts.netloc != "testserver":
                continue
            path, frag = urldefrag(parts.path + (f"?{parts.query}" if parts.query else "") +
                                   (f"#{parts.fragment}" if parts.fragment else ""))
            if frag:
                wanted.append((path, frag, url))
            if skip_twins and re.search(r"\.(json|csv)(\?|$)", path):
                continue
            if path not in seen:
                todo.append((path, url))
    anchors = [(f"{p}#{f}", src) for p, f, src in wanted if seen.get(p) is not None and f not in seen[p]]
    return {"pages": len(seen), "broken": broken, "anchors": anchors}
