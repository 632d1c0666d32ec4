"""Stories: events from several articles that report one happening, and dyad timelines.

A corpus step on the store, run at the end of ``nestor run`` (and by ``nestor stories
--rebuild``). The unit is an **(article, dyad) report**: the events of one article between one
unordered pair of actors (e.g. CHN–RUS), with its date interval and its evidence text.

**Report dates.** A report's interval is its article's publication interval (a day-precision
publication covers the three days before it: reports come after the happening); its day is the
median day of its events dated by the text inside that interval ("told him yesterday"), else the
publication day. A report is *narrow* when its
interval spans at most ``NARROW_DAYS`` days, *wide* otherwise (an article whose date is only
known to a year or a term of office).

**Merging on content.** Two narrow reports of a dyad are the same happening when their intervals
overlap, their kinds agree (a phone call and a visit are separate happenings) and their content
agrees: similar evidence (TF-IDF cosine ≥ ``SIM``), the same participants (Jaccard of the named
office holders ≥ ``PEOPLE``), or dates within a day. Stories are the connected components of that
graph. A wide report joins the one narrow story inside its interval with which it agrees
*strongly* (named documents in common; or the same participants and the same place; or cosine ≥
``STRONG_SIM`` with the same participants or place; when the same participants met more than
once inside its interval, the cosine is required) and clearly best (never a tie, so a wide report
never bridges two happenings); wide
reports left over form stories among themselves on the same strong agreement, dated by the
intersection of their intervals. Two summits a year apart never merge: their intervals do not
overlap.

**Story dates.** The narrowest consistent interval of its reports: the narrow reports' days (and
the weekdays of other reports read against the earliest of them), else the intersection of the
wide intervals. Events of a wide report that took their article's date take the story's instead,
recorded as ``date_source = "story"`` with the deciding article (``date_article``).

**Several dyads.** Stories of different dyads built from the same sentences (one sentence, two
dyads: "Russia and China rejected sanctions on Syria") are one story holding both dyads
(``dyads``); ``dyad`` is its main one.

**Incremental.** :func:`rebuild` rebuilds the stories of the given dyads (and of every dyad that
shares a story with them); components do not depend on the order in which articles arrive, so
rebuilding the dyads new articles touch equals a build from scratch (``tests/test_stories.py``
checks both orders). :func:`update` does this for the dyads of a list of articles.

Similarity is lexical (TF-IDF over the reports' evidence, with the corpus of the dyad as document
frequencies): it runs offline with no model (see docs/stories.md on embeddings).

Each story keeps its reports, the number of articles and distinct sources, its date span and
precision, place, kind (``summit`` when it has meetings or visits, ``call`` for phone calls), the
accords and claims of its reports, a headline and an importance score used to select dates for long
timelines: ``score = 2·sources + articles + mean |intensity| / 5 + novelty``.
"""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .dates import precision_of, strip_dateline
from .geo.events import clear_story_places, share_story_place
from .models import record_id
from .store import transaction

SIM = 0.15          # TF-IDF cosine above which two reports of a dyad are the same story (seeds + tests)
PEOPLE = 0.5        # Jaccard of the named office holders of two reports: the same participants
STRONG_SIM = 0.3    # cosine a wide report needs (with the same participants or place) to join a story
NARROW_DAYS = 14    # a report whose interval spans more days is "wide"
PAD_DAYS = 3        # a report is published up to this many days after the happening
_QUOTE = re.compile(r"[“\"][^”\"\n]{1,600}[”\"]")
_TOKEN = re.compile(r"[a-z][a-z'-]+")
_STOP = frozenset("the a an and of to in on for with at by from as is was were be been has have had that this "
                  "it its their his her they he she said says will would also which who after over into than "
                  "but not or are".split())
_MEETING_MODES = ("visit", "meeting", "talks", "host")


@dataclass
class Report:
    article_id: str
    dyad: tuple[str, str]
    lo: date
    hi: date
    source: str
    events: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""
    people: frozenset[str] = frozenset()
    places: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()       # weekday expressions of the report's event sentences
    documents: frozenset[str] = frozenset()   # titles of the accords its article names
    day: date | None = None              # its day, when narrow

    @property
    def narrow(self) -> bool:
        return (self.hi - self.lo).days <= NARROW_DAYS

    @property
    def kind(self) -> str:
        modes = {e["mode"] for e in self.events if e["event_type"] == "CONSULT"}
        if modes & set(_MEETING_MODES):
            return "summit"
        return "call" if "phone" in modes else "other"


def _dyad(a: str | None, b: str | None) -> tuple[str, str] | None:
    if not a or not b or a == b:
        return None
    x, y = sorted((a, b))
    return x, y


# what a report keeps of each event once it is built
_KEEP = ("id", "article_id", "sent_idx", "event_type", "mode", "confidence", "intensity", "quad_class", "date_source",
         "evidence")
_CODED = "NOT e.negated AND e.modality NOT IN ('hypothetical', 'conditional', 'denied') AND e.source_code IS NOT NULL"


def _reports(con: Any, dyads: set[tuple[str, str]] | None) -> dict[tuple[str, str], list[Report]]:
    # only the articles with an event of one of the dyads: an article gives a dyad a report only
    # when one of its own events joins that pair (its untargeted events follow its main dyads)
    touching = "" if dyads is None else f"""
                         AND e.article_id IN (SELECT e.article_id FROM events e WHERE {_CODED}
                           AND e.target_code IS NOT NULL AND e.source_code <> e.target_code
                           AND least(e.source_code, e.target_code) || '-' || greatest(e.source_code, e.target_code)
                               IN (SELECT unnest(?)))"""
    cur = con.execute("""SELECT e.id, e.article_id, e.sent_idx, e.source_code, e.target_code,
                              e.event_type, e.mode, e.confidence, e.intensity, e.quad_class, e.location, e.date,
                              e.date_source, e.date_precision, e.evidence,
                              a.published, a.published_from, a.published_to, a.source AS src
                       -- only the columns the step uses: it holds the touched dyads' events in memory;
                       -- the id breaks ties (one trigger coded in both directions), so the headline
                       -- event does not depend on DuckDB's row order
                       FROM events e JOIN articles a ON a.id = e.article_id
                       WHERE """ + _CODED + touching + " ORDER BY e.article_id, e.sent_idx, e.trigger_start, e.id",
                      [] if dyads is None else [sorted("-".join(d) for d in dyads)])
    cols = [d[0] for d in cur.description][:15]
    # one object per distinct string (the evidence of a sentence is shared by its events; codes,
    # types and modes repeat), and the article's columns once per article, not once per event
    strs: dict[str, str] = {}
    article_info: dict[str, tuple[Any, ...]] = {}
    evs: list[dict[str, Any]] = []
    while batch := cur.fetchmany(10_000):
        for r in batch:
            e = {k: (strs.setdefault(v, v) if isinstance(v, str) else v) for k, v in zip(cols, r, strict=False)}
            if e["article_id"] not in article_info:
                article_info[e["article_id"]] = r[15:]
            evs.append(e)
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
    documents: dict[str, frozenset[str]] = {}
    sent_weekdays: dict[tuple[str, int], list[int]] = defaultdict(list)
    sent_places: dict[tuple[str, int], list[str]] = defaultdict(list)
    dated_places: dict[str, list[str]] = defaultdict(list)
    if units:
        aids = sorted({aid for aid, _ in units})
        for aid, ids in con.execute("""SELECT article_id, list(DISTINCT actor_id) FROM mentions
                                       WHERE kind = 'person' AND actor_id IS NOT NULL
                                         AND article_id IN (SELECT unnest(?)) GROUP BY 1""", [aids]).fetchall():
            people[aid] = frozenset(ids)
        for aid, titles in con.execute("""SELECT article_id, list(DISTINCT lower(title)) FROM accords
                                          WHERE article_id IN (SELECT unnest(?)) AND len(title) > 25
                                          GROUP BY 1""", [aids]).fetchall():
            documents[aid] = frozenset(titles)
        # places named in the sentences of the events ("in Beijing", "the Kremlin, Moscow")
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
        for aid, si, name, start in con.execute("""SELECT article_id, sent_idx, text, start FROM mentions
                                            WHERE kind = 'place' AND article_id IN (SELECT unnest(?))
                                            ORDER BY article_id, start""", [aids]).fetchall():
            if not any(a <= start < b for a, b in quoted.get(aid, ())):
                sent_places[(aid, si)].append(name)
        for aid, si in sorted({k for k in sent_weekdays}):
            dated_places[aid] += sent_places.get((aid, si), [])
    out: dict[tuple[str, str], list[Report]] = defaultdict(list)
    for (aid, d), es in units.items():
        published, lo, hi, src = article_info[aid]
        if lo is None and published is not None:
            lo = hi = published
        text_days = sorted(e["date"] for e in es if e["date"] and e["date_source"] == "text"
                           and e["date_precision"] == "day")
        day = None
        if lo is not None and lo == hi:
            day, lo = lo, lo - timedelta(days=PAD_DAYS)
        inside = [x for x in text_days if lo is None or lo - timedelta(days=PAD_DAYS) <= x <= hi]
        if inside and (lo is None or (hi - lo).days > NARROW_DAYS):
            day = inside[len(inside) // 2]
            lo = hi = day
        elif inside and day is not None:
            # a dated article whose events name their own day ("told him yesterday"): that day
            day = inside[len(inside) // 2]
        if lo is None or hi is None:
            continue
        text = " ".join(sorted({e["evidence"] for e in es}))
        places = tuple(p for e in es for p in ([e["location"]] if e["location"] else
                                               sent_places.get((aid, e["sent_idx"]), [])))
        places = places or tuple(dated_places.get(aid, ()))    # only when the events' sentences name none
        wds = tuple(sorted({w for e in es for w in sent_weekdays.get((aid, e["sent_idx"]), [])}))
        r = Report(aid, d, lo, hi, src or "", [{k: e[k] for k in _KEEP} for e in es], text,
                   people.get(aid, frozenset()), places, wds, documents.get(aid, frozenset()))
        r.day = day if day is not None else (lo if r.narrow else None)
        out[d].append(r)
    return out


def tfidf(docs: list[str]) -> list[dict[str, float]]:
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


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def _kinds_agree(a: Report, b: Report) -> bool:
    """A phone call and a visit are separate happenings."""
    return {a.kind, b.kind} != {"summit", "call"}


def _overlap(a: Report, b: Report) -> bool:
    return a.lo <= b.hi and b.lo <= a.hi


def _strong(a: Report, va: dict[str, float], b: Report, vb: dict[str, float]) -> float:
    """Agreement score of a wide report with another report; 0 when not strong."""
    cos = cosine(va, vb)
    same_people = _jaccard(a.people, b.people) >= PEOPLE
    same_place = bool(set(a.places) & set(b.places))
    docs = bool(a.documents & b.documents)
    if docs or (same_people and same_place) or (cos >= STRONG_SIM and (same_people or same_place)):
        return cos + (0.3 if docs else 0) + (0.2 if same_people else 0) + (0.1 if same_place else 0)
    return 0.0


class DisjointSet:
    """Union-find over 0..n-1 (``merge(i, j)``; ``sets[i]`` is i's representative). The API of
    scipy's ``scipy.cluster.hierarchy.DisjointSet``, which would cost the parent a second of import
    (scipy.spatial) for these ten lines."""

    def __init__(self, items: range) -> None:
        self.parent = list(items)

    def __getitem__(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def merge(self, i: int, j: int) -> None:
        self.parent[self[i]] = self[j]


def cluster(reports: list[Report]) -> list[list[Report]]:
    """Stories of one dyad's reports (order-independent; see the module docstring)."""
    reports = sorted(reports, key=lambda r: (r.lo, r.hi, r.article_id))
    vecs = tfidf([r.text for r in reports])
    sets = DisjointSet(range(len(reports)))

    narrow = [i for i, r in enumerate(reports) if r.narrow]
    wide = [i for i, r in enumerate(reports) if not r.narrow]
    for x, i in enumerate(narrow):
        a = reports[i]
        for j in narrow[x + 1:]:
            b = reports[j]
            if b.lo > a.hi:
                break          # sorted by start: no later report overlaps
            gap = abs(((b.day or b.lo) - (a.day or a.lo)).days)
            if _kinds_agree(a, b) and (gap <= 1 or cosine(vecs[i], vecs[j]) >= SIM or
                                       _jaccard(a.people, b.people) >= PEOPLE):
                sets.merge(i, j)
    # a wide report joins the narrow story it agrees with strongly and clearly best
    joined: set[int] = set()
    for i in wide:
        a = reports[i]
        cands = [j for j in narrow if _overlap(a, reports[j]) and _kinds_agree(a, reports[j])]
        # when the same participants met more than once inside its interval ("Putin and Xi" meet
        # several times a year), participants and place cannot tell the happenings apart: the
        # evidence must agree too
        same = {sets[j] for j in cands if _jaccard(a.people, reports[j].people) >= PEOPLE}
        need_text = len(same) > 1
        best: dict[int, float] = {}
        for j in cands:
            if need_text and cosine(vecs[i], vecs[j]) < STRONG_SIM:
                continue
            sc = _strong(a, vecs[i], reports[j], vecs[j])
            if sc > 0:
                root = sets[j]
                best[root] = max(best.get(root, 0.0), sc)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if ranked and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 0.1):
            sets.merge(i, ranked[0][0])
            joined.add(i)
    rest = [i for i in wide if i not in joined]
    for x, i in enumerate(rest):
        for j in rest[x + 1:]:
            a, b = reports[i], reports[j]
            if _overlap(a, b) and _kinds_agree(a, b) and _strong(a, vecs[i], b, vecs[j]) > 0:
                sets.merge(i, j)
    groups: dict[int, list[Report]] = defaultdict(list)
    for i, r in enumerate(reports):
        groups[sets[i]].append(r)
    return sorted(groups.values(), key=lambda g: (min(r.lo for r in g), min(r.article_id for r in g)))


# Story dates: the narrow reports' days, plus the weekdays of other reports read against the
# earliest dated day (nearest such weekday on or before it): two reports of a visit, one dated
# Wednesday and one undated saying "on Tuesday", give the span Tuesday–Wednesday.


def story_interval(group: list[Report]) -> tuple[date, date, date, str, str | None]:
    """(start, end, representative day, precision, deciding article) of a story's reports."""
    narrow = [r for r in group if r.narrow and r.day is not None]
    if narrow:
        days = [r.day for r in narrow if r.day is not None]
        anchor = min(days)
        for r in group:
            if r not in narrow or r.lo != r.hi:
                days += [anchor - timedelta(days=(anchor.weekday() - w) % 7) for w in r.weekdays
                         if 0 <= (anchor - timedelta(days=(anchor.weekday() - w) % 7) - r.lo).days
                         or not r.narrow]
        days = sorted(set(days))
        mid = statistics.median_low(days)
        decider = min((r for r in narrow if r.day == min(days, key=lambda d: abs((d - mid).days))),
                      key=lambda r: r.article_id, default=min(narrow, key=lambda r: r.article_id))
        lo, hi = days[0], days[-1]
        return lo, hi, mid, "day" if lo == hi else "range", decider.article_id
    lo, hi = max(r.lo for r in group), min(r.hi for r in group)
    if lo > hi:      # no common interval: the narrowest report's
        r = min(group, key=lambda r: ((r.hi - r.lo).days, r.article_id))
        lo, hi = r.lo, r.hi
    decider = min(group, key=lambda r: ((r.hi - r.lo).days, r.article_id))
    return lo, hi, lo, precision_of(lo, hi), decider.article_id


def _story_row(dyad: tuple[str, str], group: list[Report]) -> dict[str, Any]:
    evs = [e for r in group for e in r.events]
    lo, hi, mid, prec, decider = story_interval(group)
    types = Counter(e["event_type"] for e in evs)
    main = types.most_common(1)[0][0]
    consult = [e for e in evs if e["event_type"] == "CONSULT"]
    kind = ("summit" if consult and any(e["mode"] in _MEETING_MODES for e in consult) else
            "call" if consult and any(e["mode"] == "phone" for e in consult) else main.lower())
    weight = {"CONSULT": 0.3, "AGREE": 0.3, "COOPERATE": 0.1}
    best = max(evs, key=lambda e: (e["confidence"] + weight.get(e["event_type"], 0), -e["sent_idx"]))
    # "MOSCOW" from a dateline and "Moscow" from the text are one place
    places = Counter(p.title() if p.isupper() else p for r in group for p in r.places)
    intens = [abs(e["intensity"] or 0) for e in evs]
    quads = Counter(str(e["quad_class"]) for e in evs)
    sid = record_id("story", dyad, min(r.article_id for r in group))
    return {
        "id": sid, "dyad": "-".join(dyad), "actor_a": dyad[0], "actor_b": dyad[1], "kind": kind,
        "date_start": lo, "date_end": hi, "date": mid,
        "place": places.most_common(1)[0][0] if places else None,
        "headline": strip_dateline(best["evidence"])[:300], "headline_event": best["id"], "main_type": main,
        "n_events": len(evs), "n_articles": len({r.article_id for r in group}),
        "n_sources": len({r.source for r in group}), "mean_intensity": sum(e["intensity"] or 0 for e in evs) / len(evs),
        "quad_counts": ",".join(f"{k}:{v}" for k, v in sorted(quads.items())),
        "score": 0.0, "date_precision": prec, "dyads": ["-".join(dyad)],
        "articles": sorted({r.article_id for r in group}), "date_article": decider,
        "_mean_abs": sum(intens) / len(intens), "_members": group,
    }


def _merge_across_dyads(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One story for happenings of several dyads told by the same sentences."""
    def sents(s: dict[str, Any]) -> set[tuple[str, int, str]]:
        return {(e["article_id"], e["sent_idx"], e["event_type"]) for r in s["_members"] for e in r.events}

    sets = DisjointSet(range(len(stories)))

    keys = [sents(s) for s in stories]
    owners: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for k in ks:
            owners[k].append(i)
    pairs = {(i, j) for idx in owners.values() for i in idx for j in idx if i < j}
    for i, j in sorted(pairs):
        a, b = stories[i], stories[j]
        shared = len(keys[i] & keys[j])
        # the same happening told in the same sentences: most of the smaller story's sentences shared
        if a["dyad"] != b["dyad"] and shared * 2 >= min(len(keys[i]), len(keys[j])) and \
                a["date_start"] <= b["date_end"] and b["date_start"] <= a["date_end"]:
            sets.merge(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(stories)):
        groups[sets[i]].append(i)
    out = []
    for idx in groups.values():
        if len(idx) == 1:
            out.append(stories[idx[0]])
            continue
        parts = sorted((stories[i] for i in idx), key=lambda s: (-s["n_events"], s["dyad"]))
        main = parts[0]
        members = [r for s in parts for r in s["_members"]]
        a, b = main["dyad"].split("-")
        merged = _story_row((a, b), members)
        merged["dyads"] = sorted({d for s in parts for d in s["dyads"]})
        out.append(merged)
    return out


def _normalise_dyads(dyads: Iterable[tuple[str, str] | str]) -> set[tuple[str, str]]:
    out = set()
    for d in dyads:
        a, b = (d.upper().replace("_", "-").split("-", 1) if isinstance(d, str) else d)
        if (dd := _dyad(a, b)) is not None:
            out.add(dd)
    return out


def rebuild(con: Any, dyads: Iterable[tuple[str, str] | str] | None = None) -> int:
    """Rebuild the stories of ``dyads`` (pairs or "RUS-CHN" strings; all dyads when None).

    Public and stable: other corpus steps call it for the dyads they made "dirty". Every dyad that
    shares a story with one of them is rebuilt too. Returns the number of stories written; runs in
    one transaction.
    """
    todo: set[tuple[str, str]] | None = None
    if dyads is not None:
        todo = _normalise_dyads(dyads)
        if not todo:
            return 0
        while True:     # close over stories holding several dyads
            got = con.execute("SELECT dyads FROM stories WHERE len(list_intersect(dyads, ?)) > 0",
                              [sorted("-".join(d) for d in todo)]).fetchall()
            more = _normalise_dyads(x for (ds,) in got for x in ds) - todo
            if not more:
                break
            todo |= more
    by_dyad = _reports(con, todo)
    stories: list[dict[str, Any]] = []
    for d, reports in sorted(by_dyad.items()):
        stories += [_story_row(d, g) for g in cluster(reports)]
    stories = _merge_across_dyads(stories)
    with transaction(con):
        if todo is None:
            old = [r[0] for r in con.execute("SELECT id FROM stories").fetchall()]
        else:
            old = [r[0] for r in con.execute("SELECT id FROM stories WHERE len(list_intersect(dyads, ?)) > 0",
                                             [sorted("-".join(d) for d in todo)]).fetchall()]
        if old:
            con.execute("DELETE FROM story_items WHERE story_id IN (SELECT unnest(?))", [old])
            con.execute("DELETE FROM story_events WHERE story_id IN (SELECT unnest(?))", [old])
            con.execute("DELETE FROM stories WHERE id IN (SELECT unnest(?))", [old])
        # events that took a story's date take their article's again until the story says otherwise
        aids = sorted({r.article_id for rs in by_dyad.values() for r in rs})
        if aids:
            con.execute("""UPDATE events SET date = a.published_from, date_end = a.published_to,
                               date_precision = a.published_precision, date_article = NULL,
                               date_source = CASE WHEN a.date_source IN ('metadata', 'text')
                                                  THEN 'publication' ELSE 'estimated_publication' END
                           FROM articles a WHERE a.id = events.article_id AND events.date_source = 'story'
                             AND events.article_id IN (SELECT unnest(?))""", [aids])
            _reanchor_claims(con, aids, None)
            clear_story_places(con, aids)     # and places taken from a story (issue 21, docs/geo.md)
        n = 0
        prev_type: dict[str, str | None] = {}
        for s in sorted(stories, key=lambda s: (s["dyad"], s["date"], s["id"])):
            novelty = 1.0 if s["main_type"] != prev_type.get(s["dyad"]) else 0.0
            prev_type[s["dyad"]] = s["main_type"]
            s["score"] = round(2 * s["n_sources"] + s["n_articles"] + s["_mean_abs"] / 5 + novelty, 3)
            members = s.pop("_members")
            s.pop("_mean_abs")
            con.execute(f"INSERT INTO stories ({', '.join(s)}) VALUES ({', '.join('?' * len(s))})", list(s.values()))
            con.executemany("INSERT INTO story_events VALUES (?, ?, ?)",
                            [(s["id"], e["id"], e["article_id"]) for r in members for e in r.events])  # never empty
            _items(con, s, members)
            _share_date(con, s, members)
            share_story_place(con, s["place"], [e["id"] for r in members for e in r.events],
                              [s["actor_a"], s["actor_b"]])
            n += 1
    return n


def _share_date(con: Any, s: dict[str, Any], members: list[Report]) -> None:
    """Events of the story's wide reports that carry their article's interval take the story's date."""
    if s["date_precision"] not in ("day", "range") or (s["date_end"] - s["date_start"]).days > NARROW_DAYS:
        return
    ids = [e["id"] for r in members if not r.narrow for e in r.events
           if e["date_source"] in ("publication", "estimated_publication", "story", "unknown")]
    if ids:
        con.execute("""UPDATE events SET date = ?, date_end = ?, date_precision = ?, date_source = 'story',
                           date_article = ? WHERE id IN (SELECT unnest(?))""",
                    [s["date"], s["date"], "day", s["date_article"], ids])
    _reanchor_claims(con, sorted({r.article_id for r in members if not r.narrow}), s["date"])


def _reanchor_claims(con: Any, article_ids: list[str], day: date | None) -> None:
    """Claims whose period is relative ("last year", "this year") follow their article's date: the
    story's ``day`` once a story dates the article, else the article's own publication interval
    (which undoes an earlier story's date). Absolute periods ("in 2015") are left as written."""
    from .extract.when import normalise

    if not article_ids:
        return
    got = con.execute("""SELECT c.id, c.period_text, a.published_from, a.published_to FROM claims c
                         JOIN articles a ON a.id = c.article_id
                         WHERE c.article_id IN (SELECT unnest(?)) AND c.period_text IS NOT NULL""",
                      [article_ids]).fetchall()
    for cid, text, lo, hi in got:
        anchor = day if day is not None else ((lo, hi) if lo is not None else None)
        if anchor is None:
            continue
        v, e, _prec, kind = normalise(text, anchor)
        if v is None or kind == "absolute":
            continue
        con.execute("UPDATE claims SET period_start = ?, period_end = ? WHERE id = ?", [v, e or v, cid])


def update(con: Any, article_ids: list[str] | None = None) -> int:
    """Rebuild the stories of the dyads that ``article_ids`` touch (all dyads when None).

    Returns the number of stories written. Runs in one transaction (the store declares the tables).
    """
    if article_ids is None:
        return rebuild(con, None)
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
    return rebuild(con, dyads)


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
