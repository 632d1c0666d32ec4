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
checks both orders). :func:`update` does this for the dyads of a list of articles. It rebuilds
every window of a touched dyad, not only the windows new articles fall in: the document
frequencies are the dyad's, so a new article can change a similarity in any window. A place or a
date an earlier build gave an event (``place_source``/``date_source = "story"``) is read as none,
so a rebuild gives what a build from scratch gives.

Similarity is lexical (TF-IDF over the reports' evidence, with the corpus of the dyad as document
frequencies): it runs offline with no model (see docs/stories.md on embeddings).

**Time windows and bounded memory** (issue 20, docs/scale.md). Every merge above needs two
intervals that overlap, so a dyad's reports cut into *windows* (sorted by start, a window ends
where the next report starts after every interval in it has ended) give the same stories clustered
one window at a time (:func:`windows`, :func:`cluster`). :func:`rebuild` never holds a dyad's
reports at once: a first pass streams the events a page of articles at a time, writes each
article's span (the hull of its reports' intervals) to a temporary table and counts each dyad's
words (the document frequencies, so the weights are those of the whole dyad, as before); then the
articles are read, clustered and written in batches of whole windows (``BATCH_ARTICLES``, windows
taken over all dyads so that one article's reports, and the stories of several dyads told by one
sentence, are in one batch). The score's novelty, which needs the dyad's stories in date order,
is set in the store once every batch is written. Memory is then one batch, plus a count per word
and nothing per article in Python. A window is as long as its reports' intervals chain: reports
dated only to a decade or a term of office make one window of everything they overlap (the
benchmark's generated corpus is one window), and such a window is held whole. TF-IDF rows are
numpy arrays (:class:`Vectors`), compared one report against many at once.

Each story keeps its reports, the number of articles and distinct sources, its date span and
precision, place, kind (``summit`` when it has meetings or visits, ``call`` for phone calls), the
accords and claims of its reports, a headline and an importance score used to select dates for long
timelines: ``score = 2·sources + articles + mean |intensity| / 5 + novelty``.
"""
from __future__ import annotations

import json
import math
import re
import statistics
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

import numpy as np

from .dates import precision_of, strip_dateline
from .geo.events import clear_story_places, share_story_places
from .models import known_sides, record_id
from .store import commit_point, transaction
from .timex import normalise

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


@dataclass(slots=True)
class Report:
    article_id: str
    dyad: tuple[str, str]
    lo: date
    hi: date
    source: str
    events: list[Any] = field(default_factory=list)     # Ev tuples (dicts with the same keys also do)
    text: str = ""
    people: frozenset[str] = frozenset()
    places: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()       # weekday expressions of the report's event sentences
    documents: frozenset[str] = frozenset()   # titles of the accords its article names
    day: date | None = None              # its day, when narrow
    sentences: tuple[str, ...] = ()      # its distinct evidence sentences (``text`` is their join)
    _kind: str | None = field(default=None, repr=False, compare=False)

    @property
    def narrow(self) -> bool:
        return (self.hi - self.lo).days <= NARROW_DAYS

    @property
    def kind(self) -> str:
        if self._kind is None:
            modes = {e["mode"] for e in self.events if e["event_type"] == "CONSULT"}
            self._kind = ("summit" if modes & set(_MEETING_MODES) else "call" if "phone" in modes else "other")
        return self._kind

    def words(self) -> list[str]:
        """The words its similarity counts (the evidence sentences' words, stop words left out)."""
        if self.text or not self.sentences:
            return [w for w in _TOKEN.findall(self.text.lower()) if w not in _STOP]
        # the words of " ".join(sentences), without building the joined text
        return [w for t in self.sentences for w in _TOKEN.findall(t.lower()) if w not in _STOP]


def _dyad(a: str | None, b: str | None) -> tuple[str, str] | None:
    if not a or not b or a == b:
        return None
    x, y = sorted((a, b))
    return x, y


# what a report keeps of each event once it is built
_KEEP = ("id", "article_id", "sent_idx", "event_type", "mode", "confidence", "intensity", "quad_class", "date_source",
         "evidence")
# coded, asserted events between known sides (an actor known by its sector alone names no dyad)
_CODED = ("NOT e.negated AND e.modality NOT IN ('hypothetical', 'conditional', 'denied') AND e.source_code IS NOT NULL "
          f"AND {known_sides('e.')}")
_CHUNK = 512        # articles whose mentions, timexes and texts are read in one query


class Ev(NamedTuple):
    """One event of a report: the ``_KEEP`` columns in a tuple (a third of a dict's size), read by
    attribute (``e.mode``) or by name (``e["mode"]``) like the dicts of :class:`Report` built by hand."""

    id: str
    article_id: str
    sent_idx: int
    event_type: str
    mode: str | None
    confidence: float
    intensity: float | None
    quad_class: int | None
    date_source: str | None
    evidence: str

    def __getitem__(self, k: Any) -> Any:
        return getattr(self, k) if isinstance(k, str) else tuple.__getitem__(self, k)


def _units(es: list[tuple[Any, ...]], dyads: set[tuple[str, str]] | None) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """The (dyad -> events) reports of one article's events (rows of the query in :func:`_reports`)."""
    # an article gives a dyad a report only when one of its own events joins that pair
    counts = Counter(d for e in es if (d := _dyad(e[3], e[4])))
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    if not counts:
        return out
    for e in es:
        d = _dyad(e[3], e[4])
        if d is None and e[4] is None:
            # an event without a target in an article about a dyad ("the presidents met",
            # "X pledged to expand cooperation") belongs to the article's main dyad of its source
            own = [(n, dd) for dd, n in counts.items() if e[3] in dd]
            d = max(own)[1] if own else None
        if d is None or (dyads is not None and d not in dyads):
            continue
        out.setdefault(d, []).append(e)
    return out


def _events(con: Any, dyads: set[tuple[str, str]] | None,
            articles: list[str] | None = None) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """(article id, its coded events) of the articles with an event of one of ``dyads`` (all when
    None; only ``articles`` when given), streamed from the store one article at a time."""
    touching = "" if dyads is None else f"""
                         AND e.article_id IN (SELECT e.article_id FROM events e WHERE {_CODED}
                           AND e.target_code IS NOT NULL AND e.source_code <> e.target_code
                           AND least(e.source_code, e.target_code) || '-' || greatest(e.source_code, e.target_code)
                               IN (SELECT unnest(?)))"""
    if articles is None:        # pages of articles, each read whole: the caller may query between them
        after = ""
        while page := [r[0] for r in con.execute("SELECT DISTINCT article_id FROM events WHERE article_id > ? "
                                                 "ORDER BY 1 LIMIT ?", [after, PAGE_ARTICLES]).fetchall()]:
            after = page[-1]
            yield from _events(con, dyads, page)
        return
    if len(articles) > PAGE_ARTICLES:       # a large batch: a page of its articles at a time
        for x in range(0, len(articles), PAGE_ARTICLES):
            yield from _events(con, dyads, articles[x:x + PAGE_ARTICLES])
        return
    # only the columns the step uses; the id breaks ties (one trigger coded in both directions), so
    # the headline event does not depend on DuckDB's row order. A place an earlier story gave the
    # event (place_source = 'story') is not the event's own: read as none, so that a rebuild gives
    # what a build from scratch gives
    rows = con.execute("""SELECT e.id, e.article_id, e.sent_idx, e.source_code, e.target_code,
                              e.event_type, e.mode, e.confidence, e.intensity, e.quad_class,
                              CASE WHEN e.place_source = 'story' THEN NULL ELSE e.location END, e.date,
                              e.date_source, e.date_precision, e.evidence,
                              a.published, a.published_from, a.published_to, a.source AS src
                       FROM events e JOIN articles a ON a.id = e.article_id
                       WHERE """ + _CODED + touching + " AND e.article_id IN (SELECT unnest(?))"
                      " ORDER BY e.article_id, e.sent_idx, e.trigger_start, e.id",
                      ([] if dyads is None else [sorted("-".join(d) for d in dyads)]) + [articles]).fetchall()
    aid: Any = None
    es: list[tuple[Any, ...]] = []
    for r in rows:
        if r[1] != aid:
            if es:
                yield aid, es
            aid, es = r[1], []
        es.append(r)
    if es:
        yield aid, es


def _interval(published: date | None, lo: date | None, hi: date | None,
              text_days: list[date]) -> tuple[date, date, date | None] | None:
    """(start, end, day) of a report: its article's publication interval (padded before a day), or
    the day its events name (see the module docstring); None when nothing dates it."""
    if lo is None and published is not None:
        lo = hi = published
    day = None
    if lo is not None and lo == hi:
        day, lo = lo, lo - timedelta(days=PAD_DAYS)
    inside = [x for x in text_days if lo is None or hi is None or lo - timedelta(days=PAD_DAYS) <= x <= hi]
    if inside and (lo is None or hi is None or (hi - lo).days > NARROW_DAYS):
        day = inside[len(inside) // 2]
        lo = hi = day
    elif inside and day is not None:
        # a dated article whose events name their own day ("told him yesterday"): that day
        day = inside[len(inside) // 2]
    if lo is None or hi is None:
        return None
    return lo, hi, day


def _text_days(es: list[tuple[Any, ...]]) -> list[date]:
    return sorted(e[11] for e in es if e[11] and e[12] == "text" and e[13] == "day")


def _index(con: Any, dyads: set[tuple[str, str]] | None) -> dict[tuple[str, str], tuple[Counter[str], int]]:
    """One pass over the events: each article's span (the hull of its reports' intervals), written
    to the temporary table ``story_spans`` with its batch (:func:`_batches`), and each dyad's
    document frequencies, returned. Python holds a count per word, never the reports."""
    con.execute("CREATE OR REPLACE TEMP TABLE story_spans (aid VARCHAR, lo DATE, hi DATE)")
    dfs: dict[tuple[str, str], tuple[Counter[str], int]] = {}
    spans: list[tuple[str, date, date]] = []

    def flush() -> None:
        if spans:
            con.execute("INSERT INTO story_spans SELECT unnest(?), unnest(?), unnest(?)",
                        [list(x) for x in zip(*spans, strict=True)])
            spans.clear()

    for aid, es in _events(con, dyads):
        span: list[date] = []
        for d, ues in _units(es, dyads).items():
            iv = _interval(es[0][15], es[0][16], es[0][17], _text_days(ues))
            if iv is None:
                continue
            span += iv[:2]
            df, n = dfs.get(d) or (Counter(), 0)
            df.update({w for t in {e[14] for e in ues} for w in _TOKEN.findall(t.lower()) if w not in _STOP})
            dfs[d] = (df, n + 1)
        if span:
            spans.append((aid, min(span), max(span)))
        if len(spans) >= PAGE_ARTICLES:
            flush()        # between two pages of _events: no result is open
    flush()
    return dfs


def _reports(con: Any, dyads: set[tuple[str, str]] | None,
             articles: list[str] | None = None) -> dict[tuple[str, str], list[Report]]:
    """The reports of ``dyads`` (all when None), by dyad.

    Streams the events article by article and keeps, per report, its events as :class:`Ev`
    tuples (one string object per distinct evidence sentence, code, type and mode); the places,
    people, documents and weekdays of the articles are read ``_CHUNK`` articles at a time, so
    article texts are never all in memory."""
    strs: dict[Any, Any] = {}
    pending: list[tuple[str, tuple[Any, ...], dict[tuple[str, str], list[Ev]], dict[tuple[str, str], list[date]]]] = []
    out: dict[tuple[str, str], list[Report]] = defaultdict(list)
    for aid, es in _events(con, dyads, articles):
        units = _units(es, dyads)
        if not units:
            continue
        info = tuple(strs.setdefault(v, v) if isinstance(v, str) else v for v in es[0][15:])
        st = strs.setdefault
        kept = {d: [Ev(e[0], aid, e[2], st(e[5], e[5]), e[6] and st(e[6], e[6]), e[7], e[8], e[9],
                       e[12] and st(e[12], e[12]), st(e[14], e[14])) for e in ues]
                for d, ues in units.items()}
        days = {d: _text_days(ues) for d, ues in units.items()}
        locs = {d: [(e[2], strs.setdefault(e[10], e[10]) if e[10] else None) for e in ues] for d, ues in units.items()}
        pending.append((aid, info, kept, days, locs))  # type: ignore[arg-type]
    # the stream is read to its end first: a query on the connection ends the open result
    for x in range(0, len(pending), _CHUNK):
        _build(con, pending[x:x + _CHUNK], out)
        pending[x:x + _CHUNK] = [None] * len(pending[x:x + _CHUNK])     # type: ignore[list-item]
    return out


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _build(con: Any, pending: list[Any], out: dict[tuple[str, str], list[Report]]) -> None:
    """Reports of a chunk of articles: their people, documents, weekdays and places from the store."""
    aids = sorted(p[0] for p in pending)
    people: dict[str, frozenset[str]] = {}
    documents: dict[str, frozenset[str]] = {}
    sent_weekdays: dict[tuple[str, int], list[int]] = defaultdict(list)
    sent_places: dict[tuple[str, int], list[str]] = defaultdict(list)
    dated_places: dict[str, list[str]] = defaultdict(list)
    for aid, ids in con.execute("""SELECT article_id, list(DISTINCT actor_id ORDER BY actor_id) FROM mentions
                                   WHERE kind = 'person' AND actor_id IS NOT NULL
                                     AND article_id IN (SELECT unnest(?)) GROUP BY 1""", [aids]).fetchall():
        people[aid] = frozenset(ids)
    for aid, titles in con.execute("""SELECT article_id, list(DISTINCT lower(title)) FROM accords
                                      WHERE article_id IN (SELECT unnest(?)) AND len(title) > 25
                                      GROUP BY 1""", [aids]).fetchall():
        documents[aid] = frozenset(titles)
    # places named in the sentences of the events ("in Beijing", "the Kremlin, Moscow")
    for aid, si, t in con.execute("""SELECT article_id, sent_idx, lower(text) FROM timexes WHERE kind = 'weekday'
                                      AND article_id IN (SELECT unnest(?))""", [aids]).fetchall():
        sent_weekdays[(aid, si)] += [i for i, n in enumerate(_WEEKDAYS) if n in t]
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
    del quoted
    for aid, si in sorted({k for k in sent_weekdays}):
        dated_places[aid] += sent_places.get((aid, si), [])
    for aid, (published, lo0, hi0, src), kept, days, locs in pending:
        for d, es in kept.items():
            iv = _interval(published, lo0, hi0, days[d])
            if iv is None:
                continue
            lo, hi, day = iv
            places = tuple(p for si, loc in locs[d] for p in ([loc] if loc else sent_places.get((aid, si), [])))
            places = places or tuple(dated_places.get(aid, ()))    # only when the events' sentences name none
            wds = tuple(sorted({w for e in es for w in sent_weekdays.get((aid, e[2]), [])}))
            r = Report(aid, d, lo, hi, src or "", es, "", people.get(aid, frozenset()), places, wds,
                       documents.get(aid, frozenset()))
            r.sentences = tuple(sorted({e[9] for e in es}))
            r.day = day if day is not None else (lo if r.narrow else None)
            out[d].append(r)


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


def windows(reports: list[Report]) -> list[list[Report]]:
    """A dyad's reports cut into time windows: sorted by interval start, a window ends where the
    next report starts after every interval of the window has ended. Reports merge only when their
    intervals overlap, so no story spans two windows and each window is clustered on its own."""
    out: list[list[Report]] = []
    end: date | None = None
    for r in sorted(reports, key=lambda r: (r.lo, r.hi, r.article_id)):
        if end is None or r.lo > end:
            out.append([])
            end = r.hi
        out[-1].append(r)
        end = max(end, r.hi)
    return out


class Vectors:
    """TF-IDF rows of some reports (L2-normalised, as :func:`tfidf`), in numpy arrays (CSR): a
    twelfth of the dictionaries' memory, and the cosines of one report with many in one pass."""

    def __init__(self, words: Iterable[list[str]], df: Counter[str], n: int) -> None:
        """``words``: each row's words, in order; an iterator is read one row at a time (a window's
        word lists at once would be a large part of the step's memory)."""
        vocab: dict[str, int] = {}
        indptr, indices, data = array("q", [0]), array("i"), array("d")     # typed: 12 bytes an entry
        for t in words:
            tf = Counter(t)
            v = {w: (c / len(t)) * math.log((1 + n) / (1 + df[w]) + 1) for w, c in tf.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            indices.extend(vocab.setdefault(w, len(vocab)) for w in v)
            data.extend(x / norm for x in v.values())
            indptr.append(len(indices))
        self.indptr = np.frombuffer(indptr, dtype=np.int64)
        self.indices = np.frombuffer(indices, dtype=np.int32)
        self.data = np.frombuffer(data, dtype=np.float64)
        self.row = np.repeat(np.arange(len(self.indptr) - 1, dtype=np.int32), np.diff(self.indptr))
        self.dense = np.zeros(len(vocab) or 1)

    def cosines(self, i: int, lo: int, hi: int) -> Any:
        """Cosines of row ``i`` with rows ``lo`` … ``hi - 1``."""
        a, b = self.indptr[i], self.indptr[i + 1]
        if hi <= lo:
            return np.zeros(0)
        self.dense[self.indices[a:b]] = self.data[a:b]
        s, e = self.indptr[lo], self.indptr[hi]
        out = np.bincount(self.row[s:e] - lo, weights=self.data[s:e] * self.dense[self.indices[s:e]],
                          minlength=hi - lo)
        self.dense[self.indices[a:b]] = 0.0
        return out


def document_frequencies(reports: Iterable[Report]) -> tuple[Counter[str], int]:
    """(document frequency of each word, number of reports): a dyad's weights for :func:`cluster`."""
    df: Counter[str] = Counter()
    n = 0
    for r in reports:
        df.update(set(r.words()))
        n += 1
    return df, n


def cluster(reports: list[Report], df: Counter[str] | None = None, n: int | None = None) -> list[list[Report]]:
    """Stories of one dyad's reports (order-independent; see the module docstring).

    ``df`` and ``n`` are the dyad's document frequencies (:func:`document_frequencies`; computed
    from ``reports`` when left out). The reports are clustered window by window (:func:`windows`)."""
    if df is None or n is None:
        df, n = document_frequencies(reports)
    groups = [g for w in windows(reports) for g in _cluster_window(w, df, n)]
    return sorted(groups, key=lambda g: (min(r.lo for r in g), min(r.article_id for r in g)))


def _ids(values: list[Any]) -> tuple[Any, list[Any]]:
    """(id of each value as an array, the distinct values): for comparing sets once per distinct set."""
    seen: dict[Any, int] = {}
    ids = [seen.setdefault(v, len(seen)) for v in values]
    return np.asarray(ids, dtype=np.int64), list(seen)


def _cluster_window(reports: list[Report], df: Counter[str], n: int) -> list[list[Report]]:
    """Stories of the reports of one time window (sorted by interval start)."""
    narrow = [i for i, r in enumerate(reports) if r.narrow]
    wide = [i for i, r in enumerate(reports) if not r.narrow]
    order = narrow + wide                    # rows of the vectors: the narrow reports first
    vec = Vectors((reports[i].words() for i in order), df, n)
    sets = DisjointSet(range(len(reports)))
    kinds = np.asarray([{"summit": 1, "call": 2}.get(reports[i].kind, 0) for i in order])
    nn = len(narrow)
    lo = np.asarray([reports[i].lo.toordinal() for i in narrow], dtype=np.int64)
    hi = np.asarray([reports[i].hi.toordinal() for i in narrow], dtype=np.int64)
    at = np.asarray([(reports[i].day or reports[i].lo).toordinal() for i in narrow], dtype=np.int64)
    people, people_sets = _ids([reports[i].people for i in order])
    places, place_sets = _ids([frozenset(reports[i].places) for i in order])
    docs, doc_sets = _ids([reports[i].documents for i in order])

    def agree(k: int, rows: Any) -> Any:
        """Kinds agree (a phone call and a visit are separate happenings)."""
        return kinds[rows] + kinds[k] != 3

    cache: dict[tuple[str, int], Any] = {}

    def against(what: str, k: int, values: list[Any], test: Callable[[Any, Any], bool]) -> Any:
        """test(row k's value, v) for each distinct value v, once per distinct value of row k."""
        key = (what, int({"people": people, "places": places, "docs": docs}[what][k]))
        if key not in cache:
            mine = values[key[1]]
            cache[key] = np.asarray([test(mine, v) for v in values], dtype=bool)
        return cache[key]

    def same_people(k: int, rows: Any) -> Any:
        return against("people", k, people_sets, lambda a, b: _jaccard(a, b) >= PEOPLE)[people[rows]]

    for x in range(nn):
        # sorted by start: the reports that overlap x are the next ones up to the first starting after x ends
        end = x + 1 + int(np.searchsorted(lo[x + 1:], hi[x], side="right"))
        if end == x + 1:
            continue
        rows = np.arange(x + 1, end)
        ok = agree(x, rows)
        if not ok.any():
            continue
        cos = vec.cosines(x, x + 1, end)
        hit = ok & ((np.abs(at[rows] - at[x]) <= 1) | (cos >= SIM))
        hit |= ok & ~hit & same_people(x, rows)
        for j in rows[hit]:
            sets.merge(narrow[x], narrow[int(j)])

    def strong(k: int, rows: Any, cos: Any) -> Any:
        """Agreement score of the wide row ``k`` with ``rows``, 0 when not strong: named documents in
        common, or the same participants and place, or cosine >= STRONG_SIM with one of them."""
        sp = same_people(k, rows)
        spl = against("places", k, place_sets, lambda a, b: bool(a & b))[places[rows]]
        dc = against("docs", k, doc_sets, lambda a, b: bool(a & b))[docs[rows]]
        ok = dc | (sp & spl) | ((cos >= STRONG_SIM) & (sp | spl))
        return np.where(ok, cos + 0.3 * dc + 0.2 * sp + 0.1 * spl, 0.0)

    # a wide report joins the narrow story it agrees with strongly and clearly best (a join never
    # changes the narrow stories' representatives: the wide report is attached under one)
    nroots = np.asarray([sets[i] for i in narrow], dtype=np.int64)
    joined: set[int] = set()
    for y, i in enumerate(wide):
        k = nn + y
        a = reports[i]
        rows = np.flatnonzero((lo <= a.hi.toordinal()) & (hi >= a.lo.toordinal()))
        if not len(rows):
            continue
        rows = rows[agree(k, rows)]
        if not len(rows):
            continue
        cos = vec.cosines(k, 0, nn)[rows]
        roots = nroots[rows]
        # when the same participants met more than once inside its interval ("Putin and Xi" meet
        # several times a year), participants and place cannot tell the happenings apart: the
        # evidence must agree too
        if len(set(roots[same_people(k, rows)].tolist())) > 1:
            keep = cos >= STRONG_SIM
            rows, cos, roots = rows[keep], cos[keep], roots[keep]
        sc = strong(k, rows, cos)
        best: dict[int, float] = {}
        for root, v in zip(roots.tolist(), sc.tolist(), strict=True):
            if v > 0:
                best[root] = max(best.get(root, 0.0), v)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if ranked and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 0.1):
            sets.merge(i, ranked[0][0])
            joined.add(i)
    rest = [y for y, i in enumerate(wide) if i not in joined]
    if rest:
        rlo = np.asarray([reports[wide[y]].lo.toordinal() for y in rest], dtype=np.int64)
        rhi = np.asarray([reports[wide[y]].hi.toordinal() for y in rest], dtype=np.int64)
        for x, y in enumerate(rest[:-1]):
            k = nn + y
            others = np.asarray(rest[x + 1:], dtype=np.int64)
            ov = (rlo[x + 1:] <= rhi[x]) & (rlo[x] <= rhi[x + 1:])
            rows = nn + others[ov]
            if not len(rows):
                continue
            rows = rows[agree(k, rows)]
            if not len(rows):
                continue
            cos = vec.cosines(k, nn, len(order))[rows - nn]
            for j in rows[strong(k, rows, cos) > 0]:
                sets.merge(wide[y], wide[int(j) - nn])
    groups: dict[int, list[Report]] = defaultdict(list)
    for i, r in enumerate(reports):
        groups[sets[i]].append(r)
    return list(groups.values())


# Story dates: the narrow reports' days, plus the weekdays of other reports read against the
# earliest dated day (nearest such weekday on or before it): two reports of a visit, one dated
# Wednesday and one undated saying "on Tuesday", give the span Tuesday–Wednesday.


def story_interval(group: list[Report]) -> tuple[date, date, date, str, str | None]:
    """(start, end, representative day, precision, deciding article) of a story's reports."""
    narrow = [r for r in group if r.narrow and r.day is not None]
    if narrow:
        days = [r.day for r in narrow if r.day is not None]
        anchor = min(days)
        dated = {id(r) for r in narrow}         # by identity: a report's (article, dyad) is unique
        for r in group:
            if id(r) not in dated or r.lo != r.hi:
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


def story_row(dyad: tuple[str, str], group: list[Report]) -> dict[str, Any]:
    """The row of the story a group of reports of ``dyad`` makes (its id, interval, headline, counts;
    the reports themselves under ``_members``)."""
    evs = [e for r in group for e in r.events]
    lo, hi, mid, prec, decider = story_interval(group)
    types = Counter(e.event_type for e in evs)
    main = types.most_common(1)[0][0]
    consult = [e for e in evs if e.event_type == "CONSULT"]
    kind = ("summit" if consult and any(e.mode in _MEETING_MODES for e in consult) else
            "call" if consult and any(e.mode == "phone" for e in consult) else main.lower())
    weight = {"CONSULT": 0.3, "AGREE": 0.3, "COOPERATE": 0.1}
    best = max(evs, key=lambda e: (e.confidence + weight.get(e.event_type, 0), -e.sent_idx))
    # "MOSCOW" from a dateline and "Moscow" from the text are one place
    places = Counter(p.title() if p.isupper() else p for r in group for p in r.places)
    intens = [abs(e.intensity or 0) for e in evs]
    quads = Counter(str(e.quad_class) for e in evs)
    # named by its dyad and first event: an event is in one story of a dyad, but one article may
    # have reports in two stories of a dyad (a narrow and a wide one), so its first article is no
    # name (two stories of a 10,000-article run got one id and the step failed on the key)
    sid = record_id("story", dyad, min(e.id for e in evs))
    return {
        "id": sid, "dyad": "-".join(dyad), "actor_a": dyad[0], "actor_b": dyad[1], "kind": kind,
        "date_start": lo, "date_end": hi, "date": mid,
        "place": places.most_common(1)[0][0] if places else None,
        "headline": strip_dateline(best.evidence)[:300], "headline_event": best.id, "main_type": main,
        "n_events": len(evs), "n_articles": len({r.article_id for r in group}),
        "n_sources": len({r.source for r in group}), "mean_intensity": sum(e.intensity or 0 for e in evs) / len(evs),
        "quad_counts": ",".join(f"{k}:{v}" for k, v in sorted(quads.items())),
        "score": 0.0, "date_precision": prec, "dyads": ["-".join(dyad)],
        "articles": sorted({r.article_id for r in group}), "date_article": decider,
        "_mean_abs": sum(intens) / len(intens), "_members": group,
    }


def _merge_across_dyads(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One story for happenings of several dyads told by the same sentences."""
    def sents(s: dict[str, Any]) -> set[tuple[str, int, str]]:
        return {(e.article_id, e.sent_idx, e.event_type) for r in s["_members"] for e in r.events}

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
        merged = story_row((a, b), members)
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


PENDING_KEY = "stories_pending"    # meta key: the dyads of a rebuild begun and not finished ("*": all)


def unfinished(con: Any) -> set[tuple[str, str]] | None | bool:
    """The dyads of a rebuild that was begun and did not finish (its old stories deleted, some new
    ones perhaps written): a set of dyads, None for all of them, False when there is none."""
    got = con.execute("SELECT value FROM meta WHERE key = ?", [PENDING_KEY]).fetchall()
    if not got:
        return False
    value = json.loads(got[0][0])
    return None if value == "*" else _normalise_dyads(value)


def rebuild(con: Any, dyads: Iterable[tuple[str, str] | str] | None = None) -> int:
    """Rebuild the stories of ``dyads`` (pairs or "RUS-CHN" strings; all dyads when None).

    Public and stable: other corpus steps call it for the dyads they made "dirty". Every dyad that
    shares a story with one of them is rebuilt too, and so are the dyads of a rebuild that did not
    finish (:func:`unfinished`). Returns the number of stories written.

    **Transactions.** Inside a caller's transaction the whole rebuild is part of it. Otherwise it
    commits as it goes, so that DuckDB's transaction-local rows and undo are those of a chunk of
    stories, not of the whole corpus (issue 20, docs/scale.md): a first transaction deletes the old
    stories and notes the dyads in ``meta`` (``PENDING_KEY``); each batch of articles then resets its
    events' story dates and places, and its stories are written ``CHUNK_EVENTS`` events at a time,
    a transaction each; the last transaction sets the scores' novelty and removes the note. A crash
    in between leaves the note (and the caller's ``story_dirty`` marks), and the next rebuild, of
    any dyads, rebuilds the noted ones too, from their events: so it ends as a build from scratch
    would. Readers that open the store meanwhile may see a part of the new stories.
    """
    todo: set[tuple[str, str]] | None = None if dyads is None else _normalise_dyads(dyads)
    left = unfinished(con)
    if left is None:
        todo = None
    elif isinstance(left, set) and todo is not None:
        todo |= left
    if todo is not None:
        if not todo:
            return 0
        while True:     # close over stories holding several dyads
            got = con.execute("SELECT dyads FROM stories WHERE len(list_intersect(dyads, ?)) > 0",
                              [sorted("-".join(d) for d in todo)]).fetchall()
            more = _normalise_dyads(x for (ds,) in got for x in ds) - todo
            if not more:
                break
            todo |= more
    mine = ("true" if todo is None else "len(list_intersect(dyads, ?)) > 0")
    args = [] if todo is None else [sorted("-".join(d) for d in todo)]
    with transaction(con):
        con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [PENDING_KEY, json.dumps("*" if todo is None else args[0])])
        for table in ("story_items", "story_events"):
            con.execute(f"DELETE FROM {table} WHERE story_id IN (SELECT id FROM stories WHERE {mine})", args)
        con.execute(f"DELETE FROM stories WHERE {mine}", args)
    dfs = _index(con, todo)
    for batch in _batches(con):
        by_dyad = _reports(con, todo, batch)
        stories: list[dict[str, Any]] = []
        for d in sorted(by_dyad):
            df, n_reports = dfs[d]
            stories += [story_row(d, g) for g in cluster(by_dyad[d], df, n_reports)]
        del by_dyad
        stories = _merge_across_dyads(stories)
        for s in stories:        # the score's novelty is known once every window is written
            s["score"] = 2 * s["n_sources"] + s["n_articles"] + s["_mean_abs"] / 5
        _write_batch(con, stories)
    con.execute("DROP TABLE IF EXISTS story_spans")
    with transaction(con):
        # novelty: the main type differs from the dyad's previous story's
        prev_type: dict[str, str | None] = {}
        final = []
        for sid, dyad, main_type, base in con.execute(f"SELECT id, dyad, main_type, score FROM stories WHERE {mine} "
                                                       "ORDER BY dyad, date, id", args).fetchall():
            novelty = 1.0 if main_type != prev_type.get(dyad) else 0.0
            prev_type[dyad] = main_type
            final.append((sid, round(base + novelty, 3)))
        if final:
            con.execute("""UPDATE stories SET score = v.s FROM (SELECT unnest(?) AS id, unnest(?) AS s) v
                           WHERE stories.id = v.id""", [list(x) for x in zip(*final, strict=True)])
        con.execute("DELETE FROM meta WHERE key = ?", [PENDING_KEY])
    return len(final)


BATCH_ARTICLES = 400    # articles read, clustered and written at a time (whole windows: a window may exceed it)
PAGE_ARTICLES = 256     # articles whose events are read in one query by the first pass


def _batches(con: Any) -> Iterator[list[str]]:
    """The articles of ``story_spans`` by time window (sorted by start, a window ends where the
    next article starts after every span of the window has ended: an article's reports, and the
    reports that may merge with them, are all in one), in batches of whole windows: the windows
    that start within the same ``BATCH_ARTICLES`` articles. In time order."""
    con.execute("""CREATE OR REPLACE TEMP TABLE story_batches AS
                   WITH o AS (SELECT aid, lo, hi, row_number() OVER w AS rn,
                                     max(hi) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev
                              FROM story_spans WINDOW w AS (ORDER BY lo, hi, aid)),
                        s AS (SELECT *, sum(CASE WHEN prev IS NULL OR lo > prev THEN 1 ELSE 0 END)
                                        OVER (ORDER BY lo, hi, aid ROWS UNBOUNDED PRECEDING) AS win FROM o)
                   SELECT aid, (min(rn) OVER (PARTITION BY win) - 1) // ? AS batch FROM s""", [BATCH_ARTICLES])
    for (b,) in con.execute("SELECT DISTINCT batch FROM story_batches ORDER BY 1").fetchall():
        yield [r[0] for r in con.execute("SELECT aid FROM story_batches WHERE batch = ? ORDER BY aid", [b]).fetchall()]
    con.execute("DROP TABLE story_batches")


CHUNK_EVENTS = 5000    # events whose stories are written in one transaction (when the step commits as it goes)
CHUNK_ARTICLES = 500   # articles whose events' story dates and places are reset (or claims re-anchored) at a time


def _write_batch(con: Any, stories: list[dict[str, Any]]) -> None:
    """Write the stories of a batch of articles (their reports' articles are in no other batch):
    the resets of the batch's events first (``CHUNK_ARTICLES`` articles at a time), then the stories
    ``CHUNK_EVENTS`` events at a time (a story's writes concern its own events and items only), then
    the claims; a transaction each (:func:`rebuild`)."""
    aids = sorted({r.article_id for s in stories for r in s["_members"]})
    if not aids:
        return
    for x in range(0, len(aids), CHUNK_ARTICLES):
        part = aids[x:x + CHUNK_ARTICLES]
        with transaction(con):
            # events that took a story's date take their article's again until the story says otherwise
            con.execute("""UPDATE events SET date = a.published_from, date_end = a.published_to,
                               date_precision = a.published_precision, date_article = NULL,
                               date_source = CASE WHEN a.date_source IN ('metadata', 'text')
                                                  THEN 'publication' ELSE 'estimated_publication' END
                           FROM articles a WHERE a.id = events.article_id AND events.date_source = 'story'
                             AND events.article_id IN (SELECT unnest(?))""", [part])
            clear_story_places(con, part)     # and places taken from a story (issue 21, docs/geo.md)
    chunk: list[dict[str, Any]] = []
    size = 0
    for s in sorted(stories, key=_order):
        chunk.append(s)
        size += s["n_events"]
        if size >= CHUNK_EVENTS:
            with transaction(con):
                _write(con, chunk)
            chunk, size = [], 0
    if chunk:
        with transaction(con):
            _write(con, chunk)
    days = _story_days(stories)
    for x in range(0, len(aids), CHUNK_ARTICLES):
        with transaction(con):
            _reanchor_claims(con, aids[x:x + CHUNK_ARTICLES], days)


def _order(s: dict[str, Any]) -> tuple[Any, ...]:
    return s["dyad"], s["date"], s["id"]


def _write(con: Any, stories: list[dict[str, Any]]) -> None:
    """Insert the stories, their events and items, and share their dates and places, in a few
    statements for all stories (one per story cost most of the step's time)."""
    rows, ev_rows, members_rows, dated = [], [], [], []
    for s in sorted(stories, key=_order):     # the score is set once every window is written
        members = s["_members"]
        ev_rows += [(s["id"], e.id, e.article_id) for r in members for e in r.events]    # never empty
        members_rows += [(s["id"], aid, s["actor_a"], s["actor_b"]) for aid in sorted({r.article_id for r in members})]
        if _takes_date(s):
            dated += [(e.id, s["date"], s["date_article"]) for r in members if not r.narrow for e in r.events
                      if e.date_source in ("publication", "estimated_publication", "story", "unknown")]
        rows.append({k: v for k, v in s.items() if not k.startswith("_")})
    if not rows:
        return
    cols = list(rows[0])
    con.executemany(f"INSERT INTO stories ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [[r[c] for c in cols] for r in rows])
    for x in range(0, len(ev_rows), CHUNK_EVENTS):     # one story may hold a third of a corpus (docs/scale.md)
        con.execute("INSERT INTO story_events SELECT unnest(?), unnest(?), unnest(?)",
                    [list(c) for c in zip(*ev_rows[x:x + CHUNK_EVENTS], strict=True)])
        commit_point(con)
    # accords and claims of the story's articles that concern its dyad or its events
    con.execute("CREATE OR REPLACE TEMP TABLE story_members (story_id VARCHAR, article_id VARCHAR, "
                "actor_a VARCHAR, actor_b VARCHAR)")
    con.execute("INSERT INTO story_members SELECT unnest(?), unnest(?), unnest(?), unnest(?)",
                [list(x) for x in zip(*members_rows, strict=True)])
    con.execute("""INSERT INTO story_items
                   SELECT DISTINCT m.story_id, 'accord', a.id FROM accords a JOIN story_members m USING (article_id)
                   LEFT JOIN story_events se ON se.story_id = m.story_id AND se.event_id = a.event_id
                   WHERE se.event_id IS NOT NULL OR list_contains(a.parties, m.actor_a) OR len(a.parties) = 0""")
    con.execute("""INSERT INTO story_items
                   SELECT DISTINCT m.story_id, 'claim', c.id FROM claims c JOIN story_members m USING (article_id)
                   LEFT JOIN story_events se ON se.story_id = m.story_id AND se.event_id = c.event_id
                   WHERE se.event_id IS NOT NULL
                      OR (list_contains(c.actors, m.actor_a) AND list_contains(c.actors, m.actor_b))
                      OR c.measure IN ('bilateral_trade', 'agreements_signed', 'investment')""")
    con.execute("DROP TABLE story_members")
    # events of the story's wide reports that carry their article's interval take the story's date
    for x in range(0, len(dated), CHUNK_EVENTS):
        con.execute("""UPDATE events SET date = v.d, date_end = v.d, date_precision = 'day', date_source = 'story',
                           date_article = v.a
                       FROM (SELECT unnest(?) AS id, unnest(?) AS d, unnest(?) AS a) v WHERE events.id = v.id""",
                    [list(c) for c in zip(*dated[x:x + CHUNK_EVENTS], strict=True)])
        commit_point(con)
    share_story_places(con, [(s["place"], [e.id for r in s["_members"] for e in r.events], [s["actor_a"], s["actor_b"]])
                             for s in sorted(stories, key=_order)], CHUNK_EVENTS)


def _takes_date(s: dict[str, Any]) -> bool:
    """A story dated to a day or a short range gives that date to its wide reports."""
    return s["date_precision"] in ("day", "range") and (s["date_end"] - s["date_start"]).days <= NARROW_DAYS


def _story_days(stories: list[dict[str, Any]]) -> dict[str, list[date]]:
    """The story days that date each article of a wide report, in the order stories are written."""
    out: dict[str, list[date]] = defaultdict(list)
    for s in sorted(stories, key=_order):
        if _takes_date(s):
            for aid in sorted({r.article_id for r in s["_members"] if not r.narrow}):
                out[aid].append(s["date"])
    return out


def _reanchor_claims(con: Any, article_ids: list[str], days: dict[str, list[date]]) -> None:
    """Claims whose period is relative ("last year", "this year") follow their article's date: the
    story's day once a story dates the article (the last story written, when several do), else the
    article's own publication interval (which undoes an earlier story's date). Absolute periods
    ("in 2015") are left as written. One query and one update for all the articles."""
    if not article_ids:
        return
    got = con.execute("""SELECT c.id, c.article_id, c.period_text, a.published_from, a.published_to FROM claims c
                         JOIN articles a ON a.id = c.article_id
                         WHERE c.article_id IN (SELECT unnest(?)) AND c.period_text IS NOT NULL
                         ORDER BY c.id""", [article_ids]).fetchall()
    new = []
    for cid, aid, text, lo, hi in got:
        val = None
        for anchor in [(lo, hi) if lo is not None else None, *days.get(aid, ())]:
            if anchor is None:
                continue
            v, e, _prec, kind = normalise(text, anchor)
            if v is not None and kind != "absolute":
                val = (v, e or v)
        if val is not None:
            new.append((cid, *val))
    if new:
        con.execute("""UPDATE claims SET period_start = v.s, period_end = v.e
                       FROM (SELECT unnest(?) AS id, unnest(?) AS s, unnest(?) AS e) v WHERE claims.id = v.id""",
                    [list(x) for x in zip(*new, strict=True)])


def update(con: Any, article_ids: list[str] | None = None) -> int:
    """Rebuild the stories of the dyads that ``article_ids`` touch (all dyads when None).

    Returns the number of stories written. Transactions as :func:`rebuild` (which also finishes
    a rebuild that did not).
    """
    if article_ids is None:
        return rebuild(con, None)
    if not article_ids:
        return rebuild(con, ())
    got = con.execute("SELECT DISTINCT source_code, target_code FROM events WHERE article_id IN (SELECT unnest(?))",
                      [list(article_ids)]).fetchall()
    dyads = {d for a, b in got if (d := _dyad(a, b))}
    codes = {x for a, b in got for x in (a, b) if x}
    # dyads whose untargeted events these articles may join
    old = con.execute("SELECT DISTINCT actor_a, actor_b FROM stories").fetchall()
    dyads |= {(a, b) for a, b in old if a in codes or b in codes}
    return rebuild(con, dyads)


def select(stories: list[dict[str, Any]], top: int) -> list[dict[str, Any]]:
    """The ``top`` most important stories by score (ties: more articles, earlier), in date order,
    each with the reason it was picked."""
    ranked = sorted(stories, key=lambda s: (-s["score"], -s["n_articles"], s["date"]))[:top]
    for s in ranked:
        s["why"] = (f"score {s['score']}: {s['n_sources']} source(s), {s['n_articles']} article(s), "
                    f"{s['n_events']} events, main type {s['main_type']}")
    return sorted(ranked, key=lambda s: s["date"])
