"""Actors: resolve spans of a parsed article to coded actors, dated by the article's date.

Resolution, per sentence, in this order (see ``docs/actors.md``):

1. **Dictionary spans** from the knowledge base (:mod:`nestor.kb`): people's names and aliases,
   country names, capitals and seats of government ("the Kremlin"), demonyms ("Russian"),
   organisations and companies, role words ("foreign minister", "troops"). The longest match
   wins; names match case-sensitively, multi-word names and role words also in lower case.
2. **People** are coded by the office they held on the article's date (``Person.office_at``);
   a one-word alias ("Xi", "Hu") counts only inside a spaCy PERSON entity or after a title, so
   "Hu" in another sense, or "May" the month, are not leaders. Titles and demonyms to the left
   ("Chinese President Xi Jinping") belong to the same mention.
3. **Capitals** are the government when they act (subject, possessor, agent, partner of "with"),
   and a place otherwise ("talks in Beijing").
4. **Demonyms and roles** combine: "Russian troops" → RUS:MIL, "Russia's defence ministry" →
   RUS:MIL; an office without a name ("the Chinese president", "his Russian counterpart") is the
   holder of that office on the article's date.
5. **Coreference**: he/she/his/her → the last person mentioned in this or the previous two
   sentences; "the two leaders"/"both sides"/"the two countries" → the last two distinct
   people or countries (``Mention.members``).
6. **Context** (after all sentences, ``_place_pending``): shared institution names ("the Foreign
   Office"), generic actors ("rebels in Chad", "protesters ... in Caracas", "the government") and
   conventional bodies ("the Commerce Department") take the country their context gives
   (``nestor/data/actors.yaml``); titled people the KB does not know ("President X ... in Algiers")
   likewise; a role right before a person is one actor ("Kenyan opposition leader X").
7. Anything spaCy calls a PERSON, ORG or NORP that the KB does not know is kept as an
   **uncoded** mention with its text (``actor_id`` None), never dropped or guessed.
"""
from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc, Span, Token

from ...kb import KnowledgeBase, Person
from ...models import SECTOR_ONLY, Article, ArticleResult, Mention
from .. import docview

_KEY = re.compile(r"\w+", re.UNICODE)
HONORIFICS = {"mr", "mrs", "ms", "dr", "mr.", "mrs.", "ms.", "dr.", "sir", "madam", "comrade", "ayatollah", "sheikh",
              "counterpart", "colleague", "guest", "host", "newly", "minted", "elected", "former"}
ACTING_DEPS = {"nsubj", "nsubjpass", "poss", "agent", "csubj"}
# Nouns through which a seat of government speaks ("a Kremlin statement", "the Beijing spokesman"):
# a capital modifying one of them is the government, not the place.
VOICE_NOUNS = {"statement", "spokesman", "spokeswoman", "spokesperson", "readout", "aide", "official",
               "source", "website", "communique", "communiqué", "announcement", "declaration"}
GROUP_PEOPLE = re.compile(r"\b(?:the two|both|the)\s+(?:leaders|presidents|heads of state|premiers|prime ministers|"
                          r"foreign ministers|ministers|men)\b", re.I)
GROUP_STATES = re.compile(r"\b(?:the two|both)\s+(?:sides|countries|nations|governments|states|parties|neighbou?rs|"
                          r"powers)\b|\bthe sides\b", re.I)
PRONOUNS_PERSON = {"he", "him", "his", "she", "her"}


@lru_cache(maxsize=1)
def actor_cues() -> dict[str, Any]:
    """``nestor/data/actors.yaml``: shared institution names, the org-descriptor table."""
    data = yaml.safe_load(resources.files("nestor").joinpath("data/actors.yaml").read_text("utf-8"))
    data["shared"] = {w.lower() for w in data["shared_institutions"]}
    phrases: list[tuple[str, dict[str, Any]]] = []
    for row in data["org_descriptors"]:
        for w in row["words"]:
            phrases.append((w.lower(), row))
    data["descriptor_phrases"] = sorted(phrases, key=lambda x: -len(x[0].split()))
    # by first word, longest first: the scan looks up one list per token instead of every phrase
    by_first: dict[str, list[tuple[tuple[str, ...], dict[str, Any]]]] = {}
    for ph, row in data["descriptor_phrases"]:
        words = tuple(ph.split())
        by_first.setdefault(words[0], []).append((words, row))
    data["descriptor_index"] = by_first
    local: dict[str, Any] = {row["id"]: row for row in data.get("context_roles", [])}
    data["local_sectors"] = set(local["local.sectors"]["sectors"])
    data["local_exclude"] = {w.lower() for w in local["local.exclude"]["words"]}
    data["local_facilities"] = {w.lower() for w in local["local.facilities"]["words"]}
    data["local_people"] = {w.lower() for w in local["local.people"]["words"]}
    data["local_gov"] = {w.lower() for w in local["local.gov"]["words"]}
    data["affiliation"] = set(data.get("affiliation_sectors", []))
    data["generic_heads"] = {w.lower() for w in data.get("chain_generic_heads", [])}
    data["bodies"] = {row["id"]: row for row in data.get("conventional_bodies", [])}
    only = {row["id"]: row for row in data.get("sector_only", [])}.get("sector_only.sectors", {})
    data["sector_only"] = set(only.get("sectors", []))
    data["sector_only_confidence"] = float(only.get("confidence", 0.4))
    return data


PRONOUNS_PLURAL = {"they", "them", "their"}


def one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by exactly one inserted, deleted, replaced or swapped letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1])
    return a[i:] == b[i + 1:] if len(a) < len(b) else a[i + 1:] == b[i:]


@dataclass
class _Entry:
    kind: str          # person | country | capital | adjective | org | role | region | region_adj
    ref: str
    alias: str


@dataclass
class ActorKB:
    kb: KnowledgeBase
    by_key: dict[str, list[_Entry]] = field(default_factory=dict)       # exact case
    by_key_lower: dict[str, list[_Entry]] = field(default_factory=dict)  # lower case, multi-word / roles
    title_words: set[str] = field(default_factory=set)
    adjectives: dict[str, str] = field(default_factory=dict)

    def single_word_countries(self) -> list[tuple[str, str]]:
        """(lower-case name, country code) of every one-word country name, alias and demonym of
        six letters or more: the candidates a misspelt name is compared with."""
        if not hasattr(self, "_single"):
            out = {(e.alias.lower(), e.ref) for entries in self.by_key.values() for e in entries
                   if e.kind in ("country", "adjective") and " " not in e.alias and len(e.alias) >= 6
                   and not e.alias.isupper()}
            self._single = sorted(out)
        return self._single

    @classmethod
    def load(cls, extra: str | None = None) -> ActorKB:
        kb = KnowledgeBase.load(extra)
        self = cls(kb)
        exact: dict[str, list[_Entry]] = defaultdict(list)
        lower: dict[str, list[_Entry]] = defaultdict(list)

        def add(alias: str, kind: str, ref: str, case_insensitive: bool) -> None:
            if "'" in alias:   # news text uses typographic apostrophes as often as straight ones
                add(alias.replace("'", "\u2019"), kind, ref, case_insensitive)
            m = _KEY.search(alias)
            if not m:
                return
            e = _Entry(kind, ref, alias)
            exact[m.group(0)].append(e)
            if case_insensitive:
                lower[m.group(0).lower()].append(_Entry(kind, ref, alias.lower()))

        for c in kb.countries.values():
            for a in [c.name, *c.aliases]:
                add(a, "country", c.code, " " in a and not a.isupper())
                if a.lower().startswith("the "):
                    add(a[4:], "country", c.code, False)
            for a in c.capitals:
                add(a, "capital", c.code, False)
            for a in c.adjectives:
                add(a, "adjective", c.code, False)
                self.adjectives[a.lower()] = c.code
        for rg in getattr(kb, "regions", {}).values():
            for a in [rg.name, *rg.aliases]:
                add(a, "region", rg.code, " " in a and not a.isupper())
                if a.lower().startswith("the ") and " " in a[4:]:
                    # "Middle East" without its article, but not a bare "West" ("West African", "West Bank")
                    add(a[4:], "region", rg.code, False)
            for a in getattr(rg, "adjectives", []):
                add(a, "region_adj", rg.code, False)    # "Western officials": only before a role word
        for o in kb.orgs.values():
            for a in [o.name, *o.aliases]:
                # organisation names are matched as written: "Russia Today" the channel is not
                # "Russia today"
                add(a, "org", o.code, False)
        for p in kb.people.values():
            for a in p.aliases:
                add(a, "person", p.id, False)
        for r in kb.roles.values():
            add(r.phrase, "role", r.phrase, True)
            self.title_words.update(r.phrase.split())
        for body in actor_cues()["bodies"].values():
            # "the Commerce Department": one country's by news convention (``conventional_bodies``)
            for a in body["names"]:
                add(a, "body", body["id"], False)
        for d in (exact, lower):
            for k in d:
                d[k].sort(key=lambda e: -len(e.alias))
        self.by_key, self.by_key_lower = dict(exact), dict(lower)
        return self


# ---- matching -------------------------------------------------------------------------------
@dataclass
class _Match:
    start: int        # token index
    end: int
    entry: _Entry
    sector: str | None = None   # a chain of role words: the sector of the whole ("opposition supporters")


_LENGTHS: dict[int, tuple[list[_Entry], list[tuple[int, dict[str, _Entry]]]]] = {}


def _by_length(entries: list[_Entry]) -> list[tuple[int, dict[str, _Entry]]]:
    """The entries of one key as (alias length, {alias: its first entry}), longest first; built once
    per list (the lists are the actor knowledge base's, sorted longest first)."""
    got = _LENGTHS.get(id(entries))
    if got is not None and got[0] is entries:
        return got[1]
    out: list[tuple[int, dict[str, _Entry]]]
    if all(len(a.alias) >= len(b.alias) for a, b in itertools.pairwise(entries)):
        groups: dict[int, dict[str, _Entry]] = {}
        for e in entries:
            groups.setdefault(len(e.alias), {}).setdefault(e.alias, e)
        out = sorted(groups.items(), key=lambda kv: -kv[0])
    else:       # not sorted: entry by entry, in their order
        out = [(len(e.alias), {e.alias: e}) for e in entries]
    if len(_LENGTHS) > 100_000:      # knowledge bases loaded one after another (tests)
        _LENGTHS.clear()
    _LENGTHS[id(entries)] = (entries, out)
    return out


_KEYS_OF: dict[int, tuple[ActorKB, dict[int, str | None]]] = {}


def _name_keys(doc: Doc, akb: ActorKB) -> dict[int, str]:
    """The tokens of ``doc`` that may start a name of ``akb``, with their key (the first word of the
    token): most tokens start none. Once per doc and knowledge base, and the answer for a token's
    text is kept for the knowledge base's life (news repeat their words)."""
    memo = docview.memo(doc)
    got = memo.get(("name_keys", id(akb)))
    if got is not None and got[0] is akb:   # type: ignore[index]
        return got[1]       # type: ignore[index]
    cached = _KEYS_OF.get(id(akb))
    if cached is None or cached[0] is not akb:
        if len(_KEYS_OF) > 16:      # knowledge bases loaded one after another (tests)
            _KEYS_OF.clear()
        cached = _KEYS_OF[id(akb)] = (akb, {})
    known = cached[1]
    if len(known) > 1_000_000:
        known.clear()
    out: dict[int, str] = {}
    by_key, by_key_lower, strings = akb.by_key, akb.by_key_lower, doc.vocab.strings
    for i, orth in enumerate(docview.ids(doc, "ORTH")):     # t.orth: the id of t.text
        if orth in known:
            key = known[orth]
        else:
            key = None
            m = _KEY.search(strings[orth])
            if m and (m.group(0) in by_key or m.group(0).lower() in by_key_lower):
                key = m.group(0)
            known[orth] = key
        if key is not None:
            out[i] = key
    memo[("name_keys", id(akb))] = (akb, out)
    return out


def _match_at(doc: Doc, i: int, akb: ActorKB, ends: dict[int, int], text: str | None = None) -> _Match | None:
    key = _name_keys(doc, akb).get(i)
    if key is None:
        return None         # most tokens start no name: the same answer, without the loop below
    tok = docview.tokens(doc)[i]
    text = text if text is not None else docview.text(doc)   # pass it in: Doc.text rebuilds the string
    best: _Match | None = None
    start = tok.idx
    for table, lowered in ((akb.by_key, False), (akb.by_key_lower, True)):
        entries = table.get(key.lower() if lowered else key)
        if not entries:
            continue
        # the first entry (longest first) whose alias is the text here and ends on a token: one
        # look-up per alias length instead of a comparison per entry ("the" starts hundreds)
        for n, first in _by_length(entries):
            j = ends.get(start + n)     # (both tests must hold; this one is the cheaper)
            if j is None:
                continue
            hay = text[start: start + n]
            e = first.get(hay.lower() if lowered else hay)
            if e is None:
                continue
            if best is None or j + 1 > best.end:
                best = _Match(i, j + 1, e)
            break
    if best is not None and best.entry.kind == "org" and best.entry.alias.lower() in actor_cues()["shared"]:
        # "Foreign Office", "Supreme Court": a name many countries use is a role word, placed by context
        for e in akb.by_key_lower.get(key.lower(), ()):
            if e.kind == "role" and e.alias == best.entry.alias.lower():
                return _Match(best.start, best.end, e)
    return best


def _title_subject(doc: Doc, i: int, sent: Span) -> bool:
    """The subject a headline opens with ("Trump to visit South Korea", "Egypt's Sisi meets Qatari
    emir"): a title (no final stop) whose first words are the capitalised subject. The NER often
    misses a lone surname there, which would otherwise leave a known one-word alias uncoded."""
    last = next((t for t in reversed(sent) if not t.is_space), None)
    if last is None or last.text in (".", "!", "?", '"', "'", "\u201d", "\u2019") or i - sent.start > 2:
        return False
    t = doc[i]
    return t.text[:1].isupper() and not t.is_upper and t.dep_ in ("nsubj", "nsubjpass", "ROOT", "compound") \
        and (t.dep_ != "compound" or t.head.dep_ in ("nsubj", "nsubjpass"))


def _is_title_token(t: Token, akb: ActorKB) -> bool:
    low = t.lower_
    if low in HONORIFICS:
        return True
    if low in akb.adjectives and t.text[:1].isupper():
        return True
    return t.text[:1].isupper() and low in akb.title_words and t.pos_ in ("PROPN", "NOUN", "ADJ")


class _Resolver:
    def __init__(self, doc: Doc, article: Article, akb: ActorKB) -> None:
        self.doc, self.article, self.akb, self.kb = doc, article, akb, akb.kb
        self.day: date | None = article.published
        self.text = docview.text(doc)
        # the character where each token ends → the token: {t.idx + len(t.text): t.i}, from the arrays
        offsets = doc.to_array([IDX, LENGTH])
        self.ends = dict(zip((offsets[:, 0] + offsets[:, 1]).tolist(), range(len(offsets)), strict=True))
        self.person_ents = {t.i for e in docview.ents(doc) if e.label_ == "PERSON" for t in e}
        self.out: list[Mention] = []
        self._current: list[Mention] = []
        # names awaiting a country from their context: (sentence, span, sector, policy), the policy being
        # "shared" (an institution name many countries use), "local" (a generic actor: rebels, the
        # government, protesters) or "body:<id>" (a body one country's by convention)
        self._pending: list[tuple[int, Span, str, str]] = []

    # -- builders ---------------------------------------------------------------------------
    def _mention(self, span: Span, sent_idx: int, **kw) -> Mention:
        return Mention(article_id=self.article.id, sent_idx=sent_idx, start=span.start_char, end=span.end_char,
                       text=span.text, **kw)

    def person(self, p: Person, span: Span, sent_idx: int, how: str, conf: float = 1.0) -> Mention:
        office, c = p.office_at(self.day)
        country = office.country if office else None
        sector = office.sector if office else None
        code: str | None
        if office and office.office == "igo_leader":
            # a named IGO keeps its own code (BRICS, SCO, EU, ...), sector IGO
            country, code = office.country, "IGO" + office.country
        else:
            code = (country or "") + (sector or "") if country else None
        return self._mention(span, sent_idx, actor_id=f"person:{p.id}", actor_name=p.name, kind="person",
                             country=country, sector=sector, code=code, how=how, confidence=round(conf * c, 2))

    def state(self, code: str, span: Span, sent_idx: int, how: str, sector: str | None = None,
              conf: float = 1.0) -> Mention:
        name = self.kb.countries[code].name if code in self.kb.countries else code
        return self._mention(span, sent_idx, actor_id=code + (f":{sector}" if sector else ""),
                             actor_name=name + (f" ({sector})" if sector else ""), kind="state" if not sector else "sector",
                             country=code, sector=sector, code=code + (sector or ""), how=how, confidence=conf)

    def org(self, code: str, span: Span, sent_idx: int) -> Mention:
        o = self.kb.orgs[code]
        if o.kind == "IGO":
            # a named IGO keeps its own code as its "country" (BRICS, SCO, EAEU, ASEAN, AU, EU), never a
            # generic "IGO" that would pair every grouping with every state in one dyad
            return self._mention(span, sent_idx, actor_id=f"org:{code}", actor_name=o.name, kind="igo",
                                 country=code, sector="IGO", code="IGO" + code, how="kb")
        return self._mention(span, sent_idx, actor_id=f"org:{code}", actor_name=o.name, kind="organisation",
                             country=o.country, sector=o.sector, code=(o.country or "") + o.sector, how="kb")

    # -- main ---------------------------------------------------------------------------------
    def run(self) -> list[Mention]:
        last_persons: list[tuple[int, Mention]] = []
        last_states: list[tuple[int, str]] = []
        for si, sent in enumerate(docview.sents(self.doc)):
            if si >= self.akb_limit():
                break
            sent_mentions = self._sentence(sent, si, last_persons)
            self._groups(sent, si, last_persons, last_states, sent_mentions)
            self._current = sent_mentions
            for m in sent_mentions:
                if m.kind == "person" and m.actor_id:
                    last_persons.append((si, m))
                if m.country in self.kb.countries and m.kind in ("state", "sector", "person") and m.actor_id:
                    if not last_states or last_states[-1][1] != m.country:
                        last_states.append((si, m.country))
            self._pronouns(sent, si, last_persons)
            self.out.extend(sent_mentions)
        self._misspelt_countries()
        self._place_pending()
        self._merge_misspelt_modifiers()
        self._described_orgs()
        self._titled_people()
        self._title_appositions()
        self._titled_surnames()
        self._abbreviations()
        self._uncoded()
        self.out.sort(key=lambda m: (m.start, m.end))
        return self.out

    def akb_limit(self) -> int:
        return 10_000

    def _sentence(self, sent: Span, si: int, last_persons: list[tuple[int, Mention]]) -> list[Mention]:
        doc, akb = self.doc, self.akb
        matches: list[_Match] = []
        starts = _name_keys(doc, akb)
        i = sent.start
        while i < sent.end:
            if i not in starts:
                i += 1
                continue
            m = _match_at(doc, i, akb, self.ends, self.text)
            if m and m.end <= sent.end:
                matches.append(m)
                i = m.end
            else:
                i += 1
        matches = self._merge_role_chains(matches)
        out: list[Mention] = []
        used: set[int] = set()
        # people first (they absorb titles and demonyms to their left)
        for m in matches:
            if m.entry.kind != "person":
                continue
            p = self.kb.people[m.entry.ref]
            single = " " not in m.entry.alias
            toks = range(m.start, m.end)
            titled = m.start > sent.start and _is_title_token(doc[m.start - 1], akb)
            if single and not (set(toks) & self.person_ents or titled or _title_subject(doc, m.start, sent)):
                continue
            if single and doc[m.start].pos_ not in ("PROPN", "NOUN"):
                continue
            if single and m.end < sent.end and m.end in self.person_ents and doc[m.end].text[:1].isupper() and \
                    doc[m.end].pos_ == "PROPN":
                continue     # "Anand Sharma": a surname alias used as another person's first name
            start = m.start
            while start > sent.start and _is_title_token(doc[start - 1], akb):
                start -= 1
            other = self._other_country_before(matches, start, m.start, {o.country for o in p.offices})
            if other is not None:
                # "Jordan's King Abdullah" is not the KB's Saudi King Abdullah: the possessive gives
                # the actor; "the Jordanian King Abdullah" is Jordan's, not the KB's person
                if doc[start - 1].tag_ != "POS":
                    out.append(self.state(other, doc[start:m.end], si, "role", conf=0.7))
                    used.update(range(start, m.end))
                continue
            # "Chinese President Xi": a title/demonym chain; keep only if it does not cross a mention
            span = doc[start:m.end]
            out.append(self.person(p, span, si, "kb"))
            used.update(range(start, m.end))
        for m in matches:
            if used & set(range(m.start, m.end)):
                continue
            e = m.entry
            span = doc[m.start:m.end]
            if e.kind == "country" and m.end + 2 < sent.end and doc[m.end].text in ("-", "\u2013") and \
                    doc[m.end + 1].lower_ == "led":
                # "US-led troops", "a Russia-led alliance": as after a demonym
                got = self._adjective(m, sent, si, last_persons)
                if got is not None:
                    out.append(got[0])
                    used.update(got[1])
                    continue
            if e.kind == "country":
                # "Russia's defence ministry": possessor of a role noun
                role = self._role_after_possessive(span)
                if role is not None:
                    rspan, r = role
                    full = doc[span.start:rspan.end]
                    out.append(self._role_mention(e.ref, r, full, si, last_persons, how="role"))
                    used.update(range(full.start, full.end))
                    continue
                out.append(self.state(e.ref, span, si, "kb"))
            elif e.kind == "capital":
                if self._acts(span):
                    out.append(self.state(e.ref, span, si, "metonym", sector="GOV", conf=0.8))
                else:
                    out.append(self._mention(span, si, actor_id=None, actor_name=e.alias, kind="place",
                                             country=e.ref, how="place", confidence=0.8))
            elif e.kind == "org":
                out.append(self.org(e.ref, span, si))
            elif e.kind == "region_adj":
                nxt = _match_at(doc, m.end, akb, self.ends, self.text) if m.end < sent.end else None
                if nxt is None or nxt.entry.kind != "role":
                    continue        # "Western Australia", "Middle Eastern cuisine": no actor
                rg, r = self.kb.regions[e.ref], self.kb.roles[nxt.entry.ref]
                full = doc[m.start:nxt.end]
                out.append(self._mention(full, si, actor_id=f"region:{rg.code}:{r.sector}",
                                         actor_name=f"{rg.name} ({r.sector})", kind="region", country=rg.code,
                                         sector=r.sector, code=rg.code + r.sector, how="role", confidence=0.7))
                used.update(range(m.start, nxt.end))
                continue
            elif e.kind == "region":
                rg = self.kb.regions[e.ref]
                # a region is not a state: its own code, kind "region" ("Latin America" is not USA)
                out.append(self._mention(span, si, actor_id=f"region:{rg.code}", actor_name=rg.name, kind="region",
                                         country=rg.code, code=rg.code, how="kb", confidence=0.8))
            elif e.kind == "adjective":
                got = self._adjective(m, sent, si, last_persons)
                if got is not None:
                    mention, used_toks = got
                    out.append(mention)
                    used.update(used_toks)
                elif doc[m.start].tag_ in ("NNPS", "NNS") or (doc[m.start].text.endswith("s") and
                                                              doc[m.start].pos_ in ("PROPN", "NOUN")):
                    out.append(self.state(e.ref, span, si, "demonym", conf=0.6))
            elif e.kind == "body":
                if span.root.dep_ not in ("compound", "amod"):   # "Treasury bonds" names no actor
                    self._pending.append((si, span, actor_cues()["bodies"][e.ref]["sector"], "body:" + e.ref))
            elif e.kind == "role":
                r = self.kb.roles[e.ref]
                if r.kind == "org" and r.phrase in actor_cues()["shared"] and span.root.pos_ in ("NOUN", "PROPN") \
                        and self._acts(span) and not any(ch.dep_ == "poss" and ch.pos_ == "PRON"
                                                         for ch in span.root.children):
                    # "the Foreign Office", "the army": the country comes from the context (after all sentences)
                    self._pending.append((si, span, m.sector or r.sector, "shared"))
                    used.update(range(m.start, m.end))
                    continue
                # a bare office word ("the president said"): the last person holding that office
                if r.office and span.root.pos_ == "NOUN" and (m.start == sent.start or doc[m.start - 1].lower_ in
                                                                   ("the", "his", "her", "their")):
                    ref = self._last_with_office(r.phrase, last_persons, si)
                    if ref is not None:
                        out.append(self._copy(ref, span, si, "coref", 0.7))
                        continue
                if self._local(m, r, span, out):
                    # "rebels", "the government", "opposition supporters": placed by context later
                    self._pending.append((si, span, m.sector or r.sector, "local"))
            used.update(range(m.start, m.end))
        return out

    def _copy(self, m: Mention, span: Span, si: int, how: str, conf: float) -> Mention:
        return self._mention(span, si, actor_id=m.actor_id, actor_name=m.actor_name, kind=m.kind, country=m.country,
                             sector=m.sector, code=m.code, how=how, members=list(m.members),
                             confidence=round(m.confidence * conf, 2))

    def _last_with_office(self, phrase: str, last_persons, si: int) -> Mention | None:
        """The last person whose office the title names in their own country ("the president" after
        Pezeshkian is Iran's head of government, after Putin Russia's head of state)."""
        for psi, pm in reversed(last_persons):
            if si - psi > 3:
                break
            p = self.kb.people.get((pm.actor_id or "")[7:])
            if p:
                o, _ = p.office_at(self.day)
                if o and o.office == self.kb.office_for(o.country, phrase, self.day):
                    return pm
        return None

    def _merge_role_chains(self, matches: list[_Match]) -> list[_Match]:
        """Adjacent role words are one actor: "government troops" (the head's sector, MIL), "opposition
        supporters", "rebel fighters" (a modifier of an ``affiliation_sectors`` sector wins: OPP, REB)."""
        out: list[_Match] = []
        for m in matches:
            prev = out[-1] if out else None
            if prev is not None and m.entry.kind == "role" and prev.entry.kind == "role" and prev.end == m.start:
                out[-1] = _Match(prev.start, m.end, m.entry, self._chain_sector(prev, m))
            else:
                out.append(m)
        return out

    def _chain_sector(self, prev: _Match, m: _Match) -> str:
        mod = prev.sector or self.kb.roles[prev.entry.ref].sector
        cues = actor_cues()
        if mod in cues["affiliation"] or m.entry.ref in cues["generic_heads"]:
            return mod      # "rebel fighters", "student leaders", "army officials"
        return m.sector or self.kb.roles[m.entry.ref].sector

    def _role_chain(self, j: int, end: int) -> _Match | None:
        """The role words from token ``j`` on, as one match (see :meth:`_merge_role_chains`)."""
        first = _match_at(self.doc, j, self.akb, self.ends, self.text) if j < end else None
        if first is None or first.entry.kind != "role":
            return None
        cur = first
        while cur.end < end:
            nxt = _match_at(self.doc, cur.end, self.akb, self.ends, self.text)
            if nxt is None or nxt.entry.kind != "role":
                break
            cur = _Match(cur.start, nxt.end, nxt.entry, self._chain_sector(cur, nxt))
        return cur

    def _local(self, m: _Match, r: Any, span: Span, current: list[Mention]) -> bool:
        """A generic actor to place by context (``context_roles`` in ``nestor/data/actors.yaml``): a role
        of a local sector, a noun with no possessive pronoun and no named actor on it, heading its
        phrase or modifying another role word or a facility ("a government convoy")."""
        cues = actor_cues()
        sector = m.sector or r.sector
        chain = m.sector is not None or " " in span.text.strip() and len(span) > 1 and \
            span.text.lower() != r.phrase
        if r.office or r.phrase in cues["shared"] or (r.phrase in cues["local_exclude"] and not chain):
            return False
        if sector not in cues["local_sectors"] and not (sector == "GOV" and r.phrase in cues["local_gov"]):
            return False
        root = span.root
        if root.pos_ not in ("NOUN", "PROPN"):
            return False
        if root.dep_ in ("compound", "amod", "nmod") and root.head.lower_ not in cues["local_facilities"] | \
                cues["local_people"]:
            return False
        if root.dep_ == "pobj" and root.head.lower_ in ("in", "into", "at") and r.kind == "org":
            return False     # "served in the army", "a seat in parliament": a place, not an actor
        inside = set(range(span.start, span.end))
        coded_chars = [(x.start, x.end) for x in [*self.out, *current] if x.actor_id]
        if any(a <= t.idx < b for t in root.subtree if t.i < span.start for a, b in coded_chars):
            return False      # "US-led troops", "the Hamas-run police": another actor's
        for ch in root.children:
            if ch.i in inside or ch.dep_ not in ("poss", "compound", "amod", "nmod"):
                continue
            if ch.pos_ == "PRON" or any(x.start <= ch.idx < x.end and x.actor_id for x in [*self.out, *current]):
                return False  # "their supporters", "U.N. officials", "Hamas fighters": another rule's actor
            # an ethnic or local name the KB does not know ("Tuareg rebels", "Shona rebels") qualifies
            # the actor without naming another one; a place name ("Tigray forces") is its own phrase
        return True

    def _acts(self, span: Span) -> bool:
        root = span.root
        if root.dep_ in ACTING_DEPS:
            return True
        if root.dep_ == "conj" and root.head.dep_ in ACTING_DEPS:
            return True
        if root.dep_ == "pobj" and root.head.lower_ in ("with", "between", "by", "against", "from") and \
                root.head.head.pos_ in ("VERB", "NOUN"):
            # "talks with Beijing", "pressure from Moscow" (not "arrived from Moscow")
            return root.head.lower_ != "from" or root.head.head.pos_ == "NOUN"
        if root.dep_ in ("compound", "amod", "nmod") and root.head.lemma_ in VOICE_NOUNS:
            # "a Kremlin statement", "the Beijing spokesman": the seat speaks through its statement
            return True
        if root.dep_ == "dobj" and root.head.lemma_ in ("urge", "accuse", "criticize", "criticise", "warn", "call",
                                                        "meet", "thank", "support", "join", "sanction", "invite"):
            return True
        return False

    def _other_country_before(self, matches: list[_Match], start: int, name: int, countries: set[str]) -> str | None:
        """A country's possessive ("Jordan's") or demonym ("the Jordanian") before a known person's
        name (``name``: its first token) and titles (from ``start``), naming no country the person
        held an office of: the words name another holder of the same title, so the KB's person is
        not meant (the possessive and the role that follows it give the actor instead). Returns
        that country."""
        doc = self.doc
        for m in matches:
            if m.entry.kind == "country" and m.end == start - 1 and doc[start - 1].tag_ == "POS" or \
                    m.entry.kind == "adjective" and (m.end == start or start <= m.start < name):
                return m.entry.ref if countries and m.entry.ref not in countries else None
        return None

    def _role_after_possessive(self, span: Span) -> tuple[Span, object] | None:
        doc = self.doc
        j = span.end
        if j < len(doc) and doc[j].tag_ == "POS":
            m = _match_at(doc, j + 1, self.akb, self.ends, self.text) if j + 1 < len(doc) else None
            if m and m.entry.kind == "role":
                return doc[m.start:m.end], self.kb.roles[m.entry.ref]
        return None

    def _role_mention(self, country: str, role, span: Span, si: int, last_persons, how: str) -> Mention:
        office = self.kb.office_for(country, role.phrase, self.day)   # titles.csv: Iran's president
        if office:
            holder = self.kb.holder(country, office, self.day)
            if holder is not None:
                return self.person(holder, span, si, how, conf=0.9)
        return self.state(country, span, si, how, sector=role.sector, conf=0.9)

    def _adjective(self, m: _Match, sent: Span, si: int, last_persons):
        """Demonym + role: "Russian troops", "the Chinese president", "his Russian counterpart"."""
        doc = self.doc
        country = m.entry.ref
        j = m.end
        # skip further adjectives/compounds: "Russian state media", "Chinese Foreign Ministry"
        nxt = self._role_chain(j, sent.end)
        if nxt is not None:
            role = self.kb.roles[nxt.entry.ref]
            span = doc[m.start:nxt.end]
            if nxt.sector is not None and nxt.sector != role.sector:
                # "Afghan government troops", "Kenyan opposition supporters": the chain's sector
                return self.state(country, span, si, "role", sector=nxt.sector, conf=0.9), set(range(m.start, nxt.end))
            return self._role_mention(country, role, span, si, last_persons, "role"), set(range(m.start, nxt.end))
        if j + 2 < sent.end and doc[j].text in ("-", "\u2013") and doc[j + 1].lower_ == "led":
            # "Saudi-led coalition", "Vietnamese-led forces": the leading country's actor
            k = j + 2
            while k < sent.end and doc[k].pos_ == "ADJ":
                k += 1
            chain = self._role_chain(k, sent.end)
            if chain is not None:
                sector = chain.sector or self.kb.roles[chain.entry.ref].sector
                return self.state(country, doc[m.start:chain.end], si, "led", sector=sector, conf=0.8), \
                    set(range(m.start, chain.end))
            if k < sent.end and doc[k].pos_ == "NOUN":
                return self.state(country, doc[m.start:k + 1], si, "led", conf=0.7), set(range(m.start, k + 1))
        head = doc[m.start]
        while head.dep_ == "conj" and head.head is not head:
            head = head.head
        if head.dep_ in ("amod", "compound") and head.head.lower_ in self.kb.roles and head.head.i >= j:
            role = self.kb.roles[head.head.lower_]
            span = doc[m.start:m.end]
            return self.state(country, span, si, "role", sector=role.sector, conf=0.8), set(range(m.start, m.end))
        if head.dep_ == "amod" and head.head.tag_ in ("NNS", "NNPS") and head.head.i >= j:
            # a demonym on a plural noun of people: "Palestinian prisoners", "Iraqi Kurds"
            span = doc[m.start:head.head.i + 1]
            return self.state(country, span, si, "demonym", conf=0.6), set(range(m.start, head.head.i + 1))
        if j < sent.end and doc[j].lower_ in ("counterpart", "counterparts", "colleague", "host", "guest"):
            # the same office as the last person mentioned, in this country
            office = None
            for _, pm in reversed(last_persons):
                p = self.kb.people.get((pm.actor_id or "")[7:])
                o = p.office_at(self.day)[0] if p else None
                if o and o.country != country:
                    office = o.office
                    break
            holder = self.kb.holder(country, office or "head_of_state", self.day)
            span = doc[m.start:j + 1]
            if holder is not None:
                return self.person(holder, span, si, "role", conf=0.8), set(range(m.start, j + 1))
            return self.state(country, span, si, "role", sector="GOV", conf=0.7), set(range(m.start, j + 1))
        return None

    def _groups(self, sent: Span, si: int, last_persons, last_states, current: list[Mention]) -> None:
        text = docview.span_text(sent)
        for rx, pool in ((GROUP_PEOPLE, "people"), (GROUP_STATES, "states")):
            for mt in rx.finditer(text):
                at = sent.start_char + mt.start()
                before = [m for m in current if m.end <= at and m.actor_id and m.kind in ("person", "state", "sector")]
                last_persons = last_persons + [(si, m) for m in before if m.kind == "person"]
                last_states = last_states + [(si, m.country) for m in before if m.country in self.kb.countries]
                span = self.doc.char_span(sent.start_char + mt.start(), sent.start_char + mt.end(),
                                          alignment_mode="expand")
                if span is None:
                    continue
                members: list[str] = []
                if pool == "people":
                    for psi, pm in reversed(last_persons):
                        if si - psi > 6:
                            break
                        if pm.actor_id not in members:
                            members.append(pm.actor_id)
                        if len(members) == 2:
                            break
                else:
                    for ssi, code in reversed(last_states):
                        if si - ssi > 8:
                            break
                        if code not in members:
                            members.append(code)
                        if len(members) == 2:
                            break
                if len(members) == 2:
                    members.sort()
                    names = [self._display(mid) for mid in members]
                    self.out.append(self._mention(span, si, actor_id="group:" + "+".join(members),
                                                  actor_name=" and ".join(names), kind="group", how="group",
                                                  members=members, confidence=0.7))

    def _display(self, actor_id: str) -> str:
        """A member's readable name for a group's label: the person's or the country's name."""
        if actor_id.startswith("person:"):
            p = self.kb.people.get(actor_id.removeprefix("person:"))
            return getattr(p, "name", None) or actor_id
        c = self.kb.countries.get(actor_id)
        return getattr(c, "name", None) or actor_id

    def _pronouns(self, sent: Span, si: int, last_persons) -> None:
        for t in docview.span_tokens(sent):
            low = t.lower_
            if low in ("it", "its", "they", "them", "their") and t.pos_ == "PRON":
                # the nearest coded non-person actor before it (this or the previous sentence);
                # "they" prefers a group or a plural role ("rebels")
                prior = [m for m in self.out if m.actor_id and m.kind != "person" and m.sent_idx >= si - 1
                         and m.kind != "place"]
                prior += [m for m in self._current if m.actor_id and m.kind != "person" and m.end <= t.idx]
                if low in ("they", "them", "their"):
                    plural = [m for m in prior if m.kind == "group" or m.text.endswith("s")]
                    prior = plural or []
                if prior:
                    self.out.append(self._copy(prior[-1], self.doc[t.i:t.i + 1], si, "pronoun", 0.7))
                continue
            if low in PRONOUNS_PERSON and t.pos_ == "PRON":
                # the nearest person before the pronoun (same sentence first, then up to two back)
                cand = None
                for pm_si, pm in reversed(last_persons):
                    if si - pm_si > 2:
                        break
                    if pm_si < si or pm.end <= t.idx:
                        cand = pm
                        break
                same = [m for m in self.out if m.sent_idx == si and m.kind == "person" and m.end <= t.idx]
                if same:
                    cand = same[-1]
                roles = actor_cues()["person_roles"]
                role = [m for m in [*self.out, *self._current] if m.actor_id and m.how == "role"
                        and m.kind != "person" and si - 1 <= m.sent_idx <= si and m.end <= t.idx
                        and m.text.split()[-1].lower() in roles]
                if role and (cand is None or role[-1].start > cand.start):
                    # "An Indian army spokesman said ... He blamed ...": a role that names one person
                    cand = role[-1]
                if cand is not None:
                    self.out.append(self._copy(cand, self.doc[t.i:t.i + 1], si, "pronoun", 0.8))

    def main_country(self) -> str | None:
        """The article's main country: the state its coded mentions and places name most often
        (the earliest on a tie); None when it names none."""
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        for m in self.out:
            if m.country in self.kb.countries and m.kind in ("state", "sector", "person", "place", "organisation") \
                    and (m.kind != "place" or self._mention_in_context(m)):
                counts[m.country] = counts.get(m.country, 0) + 1
                first.setdefault(m.country, m.start)
        if not counts:
            return None
        return max(counts, key=lambda k: (counts[k], -first[k]))

    def _place_pending(self) -> None:
        """Names whose country comes from their context, by policy:

        * shared institution names ("The Foreign Office rejected the claim"): the country named before
          it in the sentence, else a place in the sentence ("said in Islamabad"), else the article's
          main country; never a default;
        * generic actors ("rebels", "the government", "protesters"): a place or country in their own
          phrase ("rebels in the Ivory Coast", "the government of Mali"), else the places of the
          sentence when they name one country, else the article's main country (``context-article``,
          lower confidence); nothing when none is known;
        * conventional bodies ("the Commerce Department"): the body's country, unless the article's
          main country is one whose own body has the same name (``also``)."""
        main = self.main_country() if self._pending else None
        for si, span, sector, policy in self._pending:
            same = [m for m in self.out if m.sent_idx == si and m.country in self.kb.countries]
            found: str | None = None
            how, conf = "context-article", 0.5
            if policy.startswith("body:"):
                row = actor_cues()["bodies"][policy[5:]]
                found, how, conf = row["country"], "convention", 0.8
                if main and main != found and main in row.get("also", []):
                    found, conf = main, 0.6
            elif policy == "shared":
                before = [m for m in same if m.end <= span.start_char and m.kind in ("state", "sector", "person")]
                places = [m for m in same if m.kind == "place"]
                owns = self._own_phrase_countries(span)
                named = self._sentence_places(si, same)
                if before:
                    found, how, conf = before[-1].country, "context-sentence", 0.7
                elif owns:
                    found, how, conf = owns[0], "context-phrase", 0.8
                elif places:
                    found, how, conf = places[0].country, "context-place", 0.7
                elif len(named) == 1:
                    found, how, conf = named.pop(), "context-place", 0.7
                elif main:
                    found, how, conf = main, "context-article", 0.6
            else:
                ethnic = actor_cues().get("ethnic_groups") or {}
                group = next((ethnic[c.lower_] for c in span.root.children
                              if c.dep_ in ("amod", "compound") and c.lower_ in ethnic), None)
                if group is not None and sector:
                    # "Kurdish fighters attacked Turkish troops in northern Iraq": a people without a
                    # state of its own is not placed by the sentence's places (they are not Iraq's)
                    mod = next(c for c in span.root.children if c.lower_ in ethnic)
                    whole = self.doc[min(mod.i, span.start):span.end]
                    self.out = [m for m in self.out if not (m.start == mod.idx and not m.actor_id)]
                    self.out.append(self._mention(whole, si, actor_id=f"ethnic:{group}:{sector}",
                                                  actor_name=f"{whole.text} ({group} {sector})", kind="sector",
                                                  country=group, sector=sector, code=group + sector, how="ethnic",
                                                  confidence=0.6))
                    continue
                owns = self._own_phrase_countries(span)
                local_places = self._sentence_places(si, same)
                if len(owns) > 1:
                    # "the governments in Moscow and Beijing": one actor per country
                    members = sorted(f"{c}:{sector}" if sector else c for c in owns)
                    self.out.append(self._mention(span, si, actor_id="group:" + "+".join(members),
                                                  actor_name=" and ".join(owns), kind="group", how="context-phrase",
                                                  members=[c for c in owns], confidence=0.7))
                    continue
                if owns:
                    found, how, conf = owns[0], "context-phrase", 0.8
                elif len(local_places) == 1:
                    found, how, conf = local_places.pop(), "context-place", 0.7
                elif sector in actor_cues()["state_sectors"] and len({m.country for m in same}) == 1 and \
                        any(m.actor_id for m in same) and all(self._mention_in_context(m) for m in same):
                    # "Pakistan's opposition accused the government ...": the one country of the sentence
                    found, how, conf = same[0].country, "context-sentence", 0.5
                elif main and self._settled(main):
                    found, how, conf = main, "context-article", 0.5
            if found is None:
                named_here = [m for m in same if self._mention_in_context(m)]
                if sector in actor_cues()["sector_only"] and (
                        not named_here or sector not in actor_cues()["state_sectors"]) and (
                        policy == "local" or (policy == "shared" and sector != "GOV")):
                    # "police", "the army" in a sentence that names no country, and a non-state actor
                    # whose sentence names another country only ("Rebels attacked Malian army
                    # posts"): the sector alone (a
                    # shared institution of government, "the Foreign Office", stays uncoded; in
                    # "Israel began pulling troops out" the troops are not known to be another actor)
                    self.out.append(self.sector_only(span, si, sector))
                continue
            self.out.append(self.state(found, span, si, how, sector=sector, conf=conf))

    def sector_only(self, span: Span, si: int, sector: str) -> Mention:
        """A generic actor whose context names no country ("Rebels ambushed a convoy"): coded by its
        sector alone (``sector_only`` in ``nestor/data/actors.yaml``), with no country."""
        return self._mention(span, si, actor_id=f"{SECTOR_ONLY}{sector}", actor_name=f"{span.text} ({sector})",
                             kind="sector", country=None, sector=sector, code=sector, how="sector-only",
                             confidence=actor_cues()["sector_only_confidence"])

    def _settled(self, country: str) -> bool:
        """The article's main country stands for a generic actor's only when the article names it in
        two sentences or more: in a lone sentence the one country named is as often the other party
        ("Israeli jets struck militant positions")."""
        return len({m.sent_idx for m in self.out if m.country == country and m.actor_id or
                    (m.country == country and m.kind == "place")}) >= 2

    def _country_of_token(self, t: Token) -> str | None:
        """The country a token names: a coded state or place mention over it, else (a GPE/LOC entity)
        the gazetteer's reading of the entity, when sure enough."""
        for m in self.out:
            if m.start <= t.idx < m.end:
                if m.kind in ("state", "sector", "place") and m.country in self.kb.countries:
                    return m.country
                return None
        if t.ent_type_ in ("GPE", "LOC"):
            ent = next((e for e in docview.ents(self.doc) if e.start <= t.i < e.end), None)
            if ent is not None:
                from ...geo import resolve_place

                p = resolve_place(ent.text)
                if p is not None and p.country and p.feature != "country" and p.confidence >= 0.45:
                    return p.country
        return None

    def _own_phrase_countries(self, span: Span) -> list[str]:
        """"rebels in the Ivory Coast", "the government of Mali", "protesters from Gaza", "the
        governments in Moscow and Beijing" (each conjunct)."""
        out: list[str] = []
        for ch in span.root.children:
            if ch.dep_ in ("compound", "amod", "nmod") and ch.i < span.start and ch.ent_type_ in ("GPE", "LOC"):
                c = self._country_of_token(ch)     # "Tigray rebels", "Donbas separatists"
                if c:
                    return [c]
            if ch.dep_ == "prep" and ch.lower_ in ("of", "in", "from", "inside", "across", "throughout"):
                for pc in ch.children:
                    if pc.dep_ != "pobj":
                        continue
                    for x in [pc, *[c for c in pc.conjuncts]]:
                        c = self._country_of_token(x)
                        if c and c not in out:
                            out.append(c)
                if out:
                    return out
        return out

    def _context_place(self, tok: Token) -> bool:
        """False for a place that says nothing of where the sentence's actors are
        (``not_context_places``): "a London-based group", "according to media in Cairo", "near the
        Lebanon border"."""
        cues = actor_cues()["not_context_places"]
        cur = tok
        for _ in range(6):
            if cur.lower_ in cues["openers"] or (cur.lower_ in cues["base_words"] and cur.i > tok.i):
                return False
            if cur.lemma_.lower() in cues["border_nouns"] and cur.i > tok.i:
                return False
            if cur.head.i == cur.i or cur.dep_ in ("nsubj", "nsubjpass", "dobj", "ROOT"):
                break
            cur = cur.head
        return True

    def _sentence_places(self, si: int, same: list[Mention]) -> set[str]:
        """The countries of the places a sentence names: capitals and cities (KB and gazetteer) and
        countries read as places ("in Sudan")."""
        same = [m for m in same if self._mention_in_context(m)]
        out = {m.country for m in same if m.kind == "place" and m.country}
        for m in same:
            if m.kind == "state":
                sp = self.doc.char_span(m.start, m.end, alignment_mode="expand")
                if sp is not None and sp.root.dep_ == "pobj" and sp.root.head.lower_ in (
                        "in", "inside", "across", "throughout", "near"):
                    out.add(str(m.country))
        sent = self._sentences()[si]
        for e in docview.ents_in(sent):
            if e.label_ in ("GPE", "LOC") and not any(m.start <= e.start_char < m.end for m in self.out) \
                    and self._context_place(e.root):
                c = self._country_of_token(e.root)
                if c:
                    out.add(c)
        return out

    def _mention_in_context(self, m: Mention) -> bool:
        sp = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        return sp is None or self._context_place(sp.root)

    def _described_orgs(self) -> None:
        """Org-name rule: a name the KB does not know, described by a noun phrase that says what it
        is and a demonym (or country) that says where: "the Chinese tech giant Huawei", "Zentrix, a
        Peruvian telecom operator,", "state-owned Indonesian oil company X". The name is the run of
        proper nouns after the phrase, or before the comma of an appositive, whatever label the NER
        gave it. The descriptor table is ``org_descriptors`` in ``nestor/data/actors.yaml``.
        Without a demonym or country no country is guessed (the name stays uncoded)."""
        doc = self.doc
        index = actor_cues()["descriptor_index"]
        coded = [(m.start, m.end) for m in self.out if m.actor_id]
        for si, sent in enumerate(docview.sents(doc)):
            low = [t.lower_ for t in docview.span_tokens(sent)]
            i = 0
            while i < len(low):
                hit = None
                for words, row in index.get(low[i], ()):
                    if tuple(low[i:i + len(words)]) == words:
                        hit = (len(words), row)
                        break
                if hit is None:
                    i += 1
                    continue
                a, b = sent.start + i, sent.start + i + hit[0]
                i += hit[0]
                # the descriptor reaches left over its modifiers: "the state-owned Indonesian oil company"
                left = a
                while left > sent.start:
                    t = doc[left - 1]
                    hyphen = t.text in ("-", "–")
                    owned = t.pos_ == "VERB" and left - 2 >= sent.start and doc[left - 2].text in ("-", "–")
                    if not (hyphen or owned or (t.pos_ in ("ADJ", "PROPN", "NOUN") and not t.is_punct)):
                        break
                    left -= 1
                name = None
                c = b
                while c < sent.end and doc[c].pos_ == "PROPN" and doc[c].text[:1].isupper():
                    c += 1
                if c > b:
                    name = doc[b:c]                  # "... tech giant Huawei"
                elif left - 1 > sent.start and doc[left - 1].pos_ == "DET" and doc[left - 2].text == ",":
                    e = left - 2
                    s0 = e
                    while s0 > sent.start and doc[s0 - 1].pos_ == "PROPN" and doc[s0 - 1].text[:1].isupper():
                        s0 -= 1
                    if s0 < e:
                        name = doc[s0:e]             # "Zentrix, a Peruvian telecom operator"
                if name is None or any(not (name.end_char <= x or name.start_char >= y) for x, y in coded):
                    continue
                country = self._country_in(doc[left:b])
                if country is None:
                    continue
                sector = hit[1]["sector"]
                slug = re.sub(r"[^a-z0-9]+", "-", name.text.lower()).strip("-")
                self.out.append(self._mention(name, si, actor_id=f"org:{country}:{slug}", actor_name=name.text,
                                              kind="organisation", country=country, sector=sector,
                                              code=country + sector, how="described", confidence=0.7))
                coded.append((name.start_char, name.end_char))

    def _country_in(self, span: Span) -> str | None:
        """The country a descriptor names: a demonym ("Chinese", "South Korean") or a country."""
        doc = self.doc
        for t in span:
            two = f"{t.lower_} {doc[t.i + 1].lower_}" if t.i + 1 < span.end else None
            if two and two in self.akb.adjectives:
                return self.akb.adjectives[two]
            if t.lower_ in self.akb.adjectives and t.text[:1].isupper():
                return self.akb.adjectives[t.lower_]
            m = _match_at(doc, t.i, self.akb, self.ends, self.text)
            if m and m.entry.kind == "country" and m.end <= span.end:
                return m.entry.ref
        return None

    def _modifier_country(self, e: Span, sent_start: int) -> str | None:
        """A country named inside the person's own noun phrase, before the title words: "Pakistan
        army spokesman Maj. Gen. X" (the parser hangs the country on the name as a compound)."""
        for x in self.out:
            if x.kind != "state" or not x.country or not x.actor_id or x.end > e.start_char \
                    or x.start < self.doc[sent_start].idx:
                continue
            span = self.doc.char_span(x.start, x.end, alignment_mode="expand")
            if span is None:
                continue
            cur = span.root
            for _ in range(6):
                if cur.i == e.root.i:
                    return x.country
                if cur.dep_ not in ("compound", "nmod", "amod", "poss") or cur.head.i == cur.i:
                    break
                cur = cur.head
        return None

    def _titled_people(self) -> None:
        """A PERSON the KB does not know, right after a title: "President Abdelaziz Bouteflicka ...
        in Algiers" is DZA GOV, "Lt. Gen. Prosper Avril" MIL. The sector is the title's; the country
        a demonym or country possessive before the title ("the Ruritanian foreign minister X",
        "Ruritania's X"), else the places of the sentence when they name one country, else the
        article's main country when the article names it twice or more. Actor id ``person:?<country>:<slug>``."""
        cues = actor_cues()
        abbrev = {k.lower(): v for k, v in cues.get("title_abbreviations", {}).items()}
        taken = [(m.start, m.end) for m in self.out if m.actor_id]
        main = None
        for e in docview.ents(self.doc):
            if e.label_ != "PERSON" or any(not (e.end_char <= a or e.start_char >= b) for a, b in taken):
                continue
            si = self._sent_index(e)
            sent_start = self._sentences()[si].start
            sector: str | None = None
            country: str | None = None
            i = e.start
            words: list[str] = []
            while i > sent_start:
                t = self.doc[i - 1]
                low = t.lower_
                if low in abbrev or low.rstrip(".") + "." in abbrev or (
                        low == "." and i - 2 >= sent_start and self.doc[i - 2].lower_ + "." in abbrev):
                    key = low if low in abbrev else (low.rstrip(".") + "." if low != "." else
                                                      self.doc[i - 2].lower_ + ".")
                    sector = sector or abbrev[key]
                    i -= 1
                    continue
                if t.text[:1].isupper() and low in self.akb.adjectives:
                    country = self.akb.adjectives[low]
                    i -= 1
                    break
                named = next((x for x in self.out if x.kind == "state" and x.country and x.actor_id
                              and x.end == t.idx + len(t.text)), None)
                if named is not None and words:
                    # a country's name used as a modifier: "Maldives President X", "Pakistan army
                    # spokesman X" (before a place of the sentence or the article's main country)
                    country = named.country
                    break
                if _is_title_token(t, self.akb) and low not in HONORIFICS:
                    words.insert(0, low)
                    i -= 1
                    continue
                if t.text in ("-", "\u2013") and words and i - 2 >= sent_start and \
                        _is_title_token(self.doc[i - 2], self.akb):
                    i -= 1          # "Secretary-General"
                    continue
                break
            for k in range(len(words)):
                # the longest role phrase the title words end with: "Foreign Minister", "opposition leader"
                role = self.kb.roles.get(" ".join(words[k:]))
                if role is not None:
                    sector = role.sector if sector is None or k == 0 else sector
                    break
            igo = next((x for x in self.out if x.kind == "igo" and x.actor_id and i > sent_start and
                        x.start <= self.doc[i - 1].idx < x.end), None)
            if igo is not None and country is None and words:
                # "Arab League Secretary-General X", "NATO chief X": the organisation's own person
                span = self.doc[i:e.end]
                slug = re.sub(r"[^a-z0-9]+", "-", e.text.lower()).strip("-")
                self.out.append(self._mention(span, si, actor_id=f"person:?{igo.country}:{slug}", actor_name=e.text,
                                              kind="person", country=igo.country, sector="IGO",
                                              code=f"IGO{igo.country}", how="title", confidence=0.7))
                taken.append((span.start_char, span.end_char))
                continue
            fixed = next((r for k in range(len(words)) for r in cues.get("fixed_titles", ())
                          if r["title"] == " ".join(words[k:])), None)
            if fixed is not None and country is None:
                # a title of one fixed state: "Pope Francis" is the Vatican's whatever the place
                country, sector = str(fixed["country"]), str(fixed["sector"])
                span = self.doc[i:e.end]
                slug = re.sub(r"[^a-z0-9]+", "-", e.text.lower()).strip("-")
                self.out.append(self._mention(span, si, actor_id=f"person:?{country}:{slug}", actor_name=e.text,
                                              kind="person", country=country, sector=sector, code=country + sector,
                                              how="fixed-title", confidence=0.7))
                taken.append((span.start_char, span.end_char))
                continue
            if sector is None:
                continue        # a bare unknown name: never guessed
            if country is None and i - 2 >= sent_start and self.doc[i - 1].tag_ == "POS":
                m = _match_at(self.doc, i - 2, self.akb, self.ends, self.text)
                if m is not None and m.entry.kind == "country":
                    country = m.entry.ref
            if country is None:
                country = self._modifier_country(e, sent_start)
            how, conf = "title", 0.7
            if country is None:
                same = [m for m in self.out if m.sent_idx == si and m.country in self.kb.countries]
                places = self._sentence_places(si, same)
                if len(places) == 1:
                    country, how, conf = places.pop(), "title-place", 0.6
                else:
                    main = main or self.main_country()
                    if main and self._settled(main):
                        country, how, conf = main, "title-article", 0.5
            if country is None:
                continue
            span = self.doc[i:e.end]
            slug = re.sub(r"[^a-z0-9]+", "-", e.text.lower()).strip("-")
            self.out.append(self._mention(span, si, actor_id=f"person:?{country}:{slug}", actor_name=e.text,
                                          kind="person", country=country, sector=sector, code=country + sector,
                                          how=how, confidence=conf))
            taken.append((span.start_char, span.end_char))

    def _titled_surnames(self) -> None:
        """A person the KB does not know, placed by a title ("Maldives President Ibrahim Mohamed
        Solih"), named later by the surname alone ("Solih arrived in Dhaka"): the same actor, lower
        confidence (``how="surname"``). Only a surname that no other person of the article shares,
        and never a word that is itself a known name."""
        titled = [m for m in self.out if m.kind == "person" and m.actor_id and m.actor_id.startswith("person:?")
                  and m.how in ("title", "title-place", "title-article")]
        if not titled:
            return
        by_surname: dict[str, list[Mention]] = {}
        for m in self.out:
            if m.kind == "person" and m.actor_id and " " in m.text.strip():
                by_surname.setdefault(m.text.split()[-1], []).append(m)
        taken = [(m.start, m.end) for m in self.out if m.actor_id or m.kind == "place"]
        for m in titled:
            surname = m.text.split()[-1]
            if len(surname) < 3 or not surname[:1].isupper() or \
                    len({x.actor_id for x in by_surname.get(surname, [])}) != 1 or \
                    surname in self.akb.by_key or surname.lower() in self.akb.adjectives:
                continue
            for t in docview.tokens(self.doc):
                if t.idx < m.end or t.text != surname or t.pos_ != "PROPN":
                    continue
                if t.i + 1 < len(self.doc) and self.doc[t.i + 1].pos_ == "PROPN":
                    continue        # part of a longer name ("Solih Ahmed")
                if any(not (t.idx + len(t.text) <= a or t.idx >= b) for a, b in taken):
                    continue
                span = self.doc[t.i:t.i + 1]
                self.out.append(self._mention(span, self._sent_index(span), actor_id=m.actor_id,
                                              actor_name=m.actor_name, kind="person", country=m.country,
                                              sector=m.sector, code=m.code, how="surname",
                                              confidence=round(min(m.confidence, 0.6), 2)))
                taken.append((t.idx, t.idx + len(t.text)))

    def _misspelt_countries(self) -> None:
        """A capitalised word the KB does not know, one letter away from exactly one country name or
        demonym of six letters or more ("Pakistn", "Ethiopain", "Isreal"): that country, at lower
        confidence (``how="misspelt"``). Names the KB knows in any form (people, organisations,
        places) are never respelt. Guards, each for a class of false friend measured on sentences
        we wrote: five-letter names are left alone (one letter turns "Child" into Chile, "Begin"
        into Benin, "Tiger" into Niger, "Franc" into France); a word the NER reads as a person
        counts only as a modifier ("the Angola government", not "Angela said"); and a word with no
        entity type that starts a sentence ("Finish the job") is an ordinary word unless tagged a
        proper noun."""
        taken = [(m.start, m.end) for m in self.out]
        names = self.akb.single_word_countries()
        from ...geo import resolve_place

        for t in docview.tokens(self.doc):
            word = t.text
            if len(word) < 6 or (t.ent_type_ == "PERSON" and t.dep_ not in ("compound", "amod")) \
                    or (t.ent_type_ == "" and t.is_sent_start and t.pos_ != "PROPN") \
                    or not word[:1].isupper() or word.isupper() or t.pos_ not in ("PROPN", "ADJ", "NOUN") \
                    or t.ent_type_ not in ("GPE", "NORP", "ORG", "LOC", "PERSON", "") or word in self.akb.by_key \
                    or (t.ent_type_ == "PERSON" and any(x.ent_type_ == "PERSON" for x in t.doc[max(0, t.i - 1):t.i + 2]
                                                         if x.i != t.i)) \
                    or word.lower() in self.akb.by_key_lower or any(a <= t.idx < b for a, b in taken):
                continue
            low = word.lower()
            found = {code for name, code in names if abs(len(name) - len(low)) <= 1 and one_edit(low, name)}
            if len(found) != 1 or resolve_place(word) is not None:
                continue        # ambiguous, or a real place one letter from a country ("Indiana")
            code = found.pop()
            span = self.doc[t.i:t.i + 1]
            self.out.append(self._mention(span, self._sent_index(span), actor_id=code, actor_name=code,
                                          kind="state", country=code, code=code, how="misspelt", confidence=0.5))

    def _merge_misspelt_modifiers(self) -> None:
        """A misspelt demonym right before a role word of its own country is one actor with it: "the
        Ethiopain army" is one ETHMIL mention (spanning both words), not ETH and ETHMIL, which would
        code its event twice."""
        by_start = {m.start: m for m in self.out if m.actor_id and m.kind == "sector"}
        drop: set[int] = set()
        for k, m in enumerate(self.out):
            if m.how != "misspelt":
                continue
            nxt = by_start.get(m.end + 1)
            if nxt is None or nxt.country not in (None, m.country) or self.text[m.end:nxt.start] != " ":
                continue
            j = self.out.index(nxt)
            self.out[j] = replace(nxt, start=m.start, text=self.text[m.start:nxt.end], country=m.country,
                                  code=(m.country or "") + (nxt.sector or ""),
                                  actor_id=f"{m.country}:{nxt.sector}" if nxt.sector else nxt.actor_id,
                                  how="misspelt", confidence=min(nxt.confidence, m.confidence))
            drop.add(k)
        if drop:
            self.out = [m for k, m in enumerate(self.out) if k not in drop]

    def _title_appositions(self) -> None:
        """"Kenyan opposition leader Raila Odinga": a role mention right before a person is one actor.
        The person keeps the id; the role gives country and sector when the person holds no office of
        the KB on the article's date (a former prime minister now leading the opposition)."""
        by_end = {m.end: m for m in self.out if m.actor_id and m.how == "role"
                  and m.kind in ("state", "sector", "person")}
        drop: set[int] = set()
        for k, p in enumerate(self.out):
            if p.kind != "person" or not p.actor_id or p.how == "role":
                continue
            gap = None
            for end, r in by_end.items():
                if (end <= p.start and not self.text[end:p.start].strip()) or r.start < p.start < end <= p.end:
                    gap = r     # "Kenyan opposition leader Raila Odinga", "Nigeria's President X"
            if gap is None:
                continue
            r = gap
            current = p.confidence >= 1.0 and p.country == r.country
            self.out[k] = Mention(article_id=p.article_id, sent_idx=p.sent_idx, start=min(r.start, p.start), end=p.end,
                                  text=self.text[min(r.start, p.start):p.end], actor_id=p.actor_id, actor_name=p.actor_name,
                                  kind="person", country=p.country if current else r.country,
                                  sector=p.sector if current else r.sector,
                                  code=p.code if current else r.code, how=p.how if current else "title",
                                  confidence=p.confidence if current else r.confidence)
            drop.add(id(r))
        if drop:
            self.out = [m for m in self.out if id(m) not in drop]

    def _sentences(self) -> list[Span]:
        if not hasattr(self, "_sents"):
            self._sents = docview.sents(self.doc)
        return self._sents

    def _abbreviations(self) -> None:
        """"The Foreign Office (FO) rejected ...; the FO's statement ...": an abbreviation defined in
        parentheses right after a coded mention stands for the same actor in the rest of the article."""
        text = self.text
        defined: dict[str, Mention] = {}
        for m in sorted(self.out, key=lambda x: x.start):
            if not m.actor_id:
                continue
            mt = re.match(r"\s*\(([A-Z][A-Za-z]{1,6})\)", text[m.end:m.end + 12])
            if mt and mt.group(1) not in defined:
                defined[mt.group(1)] = m
        if not defined:
            return
        taken = [(m.start, m.end) for m in self.out]
        for t in docview.tokens(self.doc):
            ref = defined.get(t.text)
            if ref is None or t.idx <= ref.end or any(a <= t.idx < b for a, b in taken):
                continue
            self.out.append(self._copy(ref, self.doc[t.i:t.i + 1], self._sent_index(self.doc[t.i:t.i + 1]),
                                       "abbreviation", 0.9))

    def _uncoded(self) -> None:
        spans = [(m.start, m.end) for m in self.out]
        for e in docview.ents(self.doc):
            if e.label_ not in ("PERSON", "ORG", "NORP"):
                continue
            if e.label_ == "NORP" and e.text.lower() in self.akb.adjectives:
                continue  # a known demonym that qualifies nothing actor-like: not an unknown actor
            if any(not (e.end_char <= s or e.start_char >= en) for s, en in spans):
                continue
            si = self._sent_index(e)
            kind = {"PERSON": "person", "ORG": "organisation", "NORP": "unknown"}[e.label_]
            self.out.append(self._mention(e, si, actor_id=None, actor_name=None, kind=kind, how="uncoded",
                                          confidence=0.5))

    def _sent_index(self, span: Span) -> int:
        if not hasattr(self, "_sent_starts"):
            self._sent_starts = [s.start for s in docview.sents(self.doc)]
        import bisect

        return max(0, bisect.bisect_right(self._sent_starts, span.start) - 1)


def resolve(doc: Doc, article: Article, kb: ActorKB) -> list[Mention]:
    """Every actor mention of the article (coded, grouped, or kept uncoded), in text order."""
    return _Resolver(doc, article, kb).run()


def stage(doc: Doc, res: ArticleResult, kb: Any) -> None:
    """Actors stage: every mention of the article resolved against the knowledge base."""
    res.mentions = resolve(doc, res.article, kb.actors)
