"""The records (nouns) of nestor, as plain dataclasses.

Records that no stage changes after making them (``Skip``, ``Sentence``, ``Entity``) are frozen;
the others are completed by later stages (an article's estimated date, an event's date from its
story) and stay mutable. Closed vocabularies are ``Literal`` types from :mod:`nestor.vocab`.

Every record that comes from text points into its article by character offsets
(``start``/``end`` into ``Article.text``; ``sent_start``/``sent_end`` for the evidence sentence)
rather than carrying copies around; ``evidence`` text is materialised only at the edges (store,
exports) for convenience.

The store's tables are generated from these classes (see :mod:`nestor.store`), so adding a field
here adds a column there; keep field types to ``str``, ``int``, ``float``, ``bool``, ``date``,
``list[str]``, the ``Literal`` vocabularies (stored as text) and their optionals.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from .vocab import ArticleStatus, ClaimStatus, Precision


def content_id(text: str) -> str:
    """Article id: first 16 hex digits of the SHA-256 of the cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# The actor id of a generic actor coded by its sector alone, its country unknown ("rebels", "police"
# in a sentence that names no country): "sector:REB". Such an event is a record of its own, but it
# names no side of a dyad: police against civilians in two countries are not one pair, so dyads,
# stories and an article's main dyad leave these events out (:func:`known_sides`).
SECTOR_ONLY = "sector:"


def known_sides(alias: str = "") -> str:
    """SQL: the event's source and target (where there is one) are not sector-only actors."""
    return (f"NOT starts_with(coalesce({alias}source_id, ''), '{SECTOR_ONLY}') "
            f"AND NOT starts_with(coalesce({alias}target_id, ''), '{SECTOR_ONLY}')")


def has_known_sides(event: object) -> bool:
    """:func:`known_sides` for one event record (or any object with ``source_id``/``target_id``)."""
    return not any((getattr(event, k, None) or "").startswith(SECTOR_ONLY) for k in ("source_id", "target_id"))


def record_id(*parts: object) -> str:
    """Stable id of a derived record from its defining parts."""
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return h[:16]


@dataclass
class Article:
    id: str
    text: str
    source: str = ""                 # publisher / host / file folder
    path: str = ""                   # file (and member / line) it came from
    url: str | None = None
    title: str | None = None
    title_source: str = "unknown"    # metadata | text | unknown
    published: dt.date | None = None     # the day, only when the evidence pins one
    date_source: str = "unknown"     # metadata | text | estimated | unknown
    date_confidence: float | None = None
    date_evidence: str | None = None
    byline: str | None = None
    language: str = "en"
    status: ArticleStatus = "ok"
    duplicate_of: str | None = None
    n_chars: int = 0
    n_words: int = 0
    truncated: bool = False          # cut to Settings.max_article_chars
    reader: str = "txt"              # txt | html | jsonl | warc
    # the publication date as an interval (both days included) and its precision; see nestor.dates
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    published_precision: Precision = "unknown"


@dataclass(frozen=True)
class Skip:
    """A document that could not be used, with a typed reason (see ingest.REASONS)."""

    path: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Sentence:
    article_id: str
    idx: int
    start: int
    end: int


@dataclass(frozen=True)
class Entity:
    """A spaCy named entity."""

    article_id: str
    sent_idx: int
    start: int
    end: int
    label: str
    text: str


@dataclass
class Mention:
    """A span resolved to an actor (or kept uncoded with ``actor_id`` None)."""

    article_id: str
    sent_idx: int
    start: int
    end: int
    text: str
    actor_id: str | None             # canonical id: "RUS", "RUS:GOV", "person:vladimir-putin", "org:SCO"
    actor_name: str | None = None
    kind: str | None = None          # state | person | organisation | igo | group | unknown
    country: str | None = None       # ISO alpha-3 (or IGO code)
    sector: str | None = None        # GOV, MIL, BUS, MED, IGO, ...
    code: str | None = None          # CAMEO-style actor code, e.g. RUSGOV
    how: str = "ner"                 # kb | metonym | demonym | role | pronoun | group | coref | uncoded
    members: list[str] = field(default_factory=list)   # actor ids for group mentions ("the two leaders")
    confidence: float = 1.0


@dataclass
class TimeExpr:
    article_id: str
    sent_idx: int
    start: int
    end: int
    text: str
    value: dt.date | None               # first day covered
    end_value: dt.date | None = None    # last day covered (ranges, months, years)
    precision: Precision = "day"
    kind: str = "absolute"           # absolute | relative | weekday | duration | range
    anchor: dt.date | None = None       # the reference date it was resolved against
    target: bool = False                # a deadline ("by 2030"): never an event's date


@dataclass
class Evidenced:
    """What every coded record (event, claim, accord) keeps of its proof: its own id, its article and
    the evidence sentence (index and character offsets into ``Article.text``). The fields come first,
    in this order, in each record and its table."""
    id: str
    article_id: str
    sent_idx: int
    sent_start: int
    sent_end: int


@dataclass
class Event(Evidenced):
    trigger_start: int
    trigger_end: int
    trigger: str
    event_type: str                  # PLOVER 2.0 category
    mode: str | None = None
    context: str | None = None
    cameo: str | None = None
    quad_class: int | None = None    # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    intensity: float | None = None   # PLOVER/Goldstein-style, -10..10
    source_id: str | None = None
    source_code: str | None = None   # country / IGO code
    source_sector: str | None = None
    source_text: str | None = None
    target_id: str | None = None
    target_code: str | None = None
    target_sector: str | None = None
    target_text: str | None = None
    negated: bool = False
    modality: str = "asserted"       # asserted | planned | pledged | hypothetical | conditional | denied | reported
    speaker_id: str | None = None
    speaker_text: str | None = None
    location: str | None = None
    date: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str | None = None
    date_source: str | None = None   # text | publication | estimated_publication | story | unknown
    date_article: str | None = None  # with date_source "story": the article whose date the story gave it
    confidence: float = 0.5
    evidence: str = ""
    pattern_id: str | None = None    # the lexicon entry that produced it (events/data/patterns*.yaml)
    target_inferred: bool = False    # the target is the article's other party, not named in the sentence
    # where it happened (nestor.extract.where; docs/geo.md): the place as resolved by the gazetteer
    place_name: str | None = None     # the gazetteer's name ("Moscow" for "the Kremlin" is in place_adm1/lat/lon)
    place_country: str | None = None  # ISO alpha-3 of the state that holds the place (None: a region of several)
    place_countries: list[str] = field(default_factory=list)   # every state concerned (a border's two sides)
    place_adm1: str | None = None     # GeoNames first-level division code, where known
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None        # country | region | adm1 | city | landmark | feature
    place_geonameid: int | None = None   # GeoNames id of a GeoNames place (cities, countries' capitals)
    geo_precision: str | None = None  # country | region | city | landmark
    geo_confidence: float | None = None
    place_source: str | None = None   # prep (the trigger's phrase) | dateline | story


@dataclass
class Claim(Evidenced):
    start: int
    end: int
    text: str                         # the quantity as written: "$108 billion"
    value: float | None
    unit: str                         # currency code, "percent", "count", ...
    measure: str | None = None        # bilateral_trade, investment, stake, agreements_signed, meetings, ...
    qualifier: str | None = None      # over | under | nearly | about | up_to | range
    actors: list[str] = field(default_factory=list)
    actors_inferred: bool = False     # actors taken from the article's main dyad, not the sentence
    value_low: float | None = None    # a range ("20-25") or a vague plural ("dozens": low 24, high open)
    value_high: float | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    period_text: str | None = None
    status: ClaimStatus = "achieved"
    speaker_id: str | None = None
    speaker_text: str | None = None
    event_id: str | None = None
    refers_to: str | None = None      # another claim's id ("exceeded this mark")
    confidence: float = 0.5
    evidence: str = ""


@dataclass
class Accord(Evidenced):
    start: int
    end: int
    title: str
    doc_type: str                     # joint_statement | agreement | contract | memorandum | treaty | set | ...
    parties: list[str] = field(default_factory=list)
    parties_inferred: bool = False    # parties taken from the article's main dyad, not the sentence
    domain: str | None = None         # energy, finance, military, technology, media, trade, ...
    count: int | None = None          # for "a set of 20 agreements"
    count_qualifier: str | None = None  # "nearly three dozen agreements": count 36, qualifier nearly
    set_id: str | None = None         # a member's set (a counted or listed set of documents)
    refs: list[int] = field(default_factory=list)  # later sentences that refer back ("both documents")
    date: dt.date | None = None
    event_id: str | None = None
    confidence: float = 0.5
    evidence: str = ""


@dataclass
class ArticleResult:
    """Everything per-article extraction produces: a pure function of (article, doc, kb)."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    timexes: list[TimeExpr] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    accords: list[Accord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
