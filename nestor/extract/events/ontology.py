"""The event ontology and the lexicon, loaded from ``data/`` and checked.

* ``ontology.yaml``: PLOVER 2.0 categories, modes and their CAMEO codes;
* ``patterns*.yaml``: the lexicon — verb patterns per category, nominal triggers, light verbs and
  named word sets (``sets: {SANCTION_NOUNS: [sanction, embargo]}``, used in a list as
  ``$SANCTION_NOUNS``; singular nouns get their plural generated). Every pattern has an ``id``
  unique over all files; each event records the id of the pattern that produced it;
* ``closed_class.yaml``: the closed-class words of the grammar (speech, commitment, plan and
  negation verbs, "willing" words, contexts) and the confidence weights.

The files are read with YAML 1.2 booleans (only ``true``/``false``): a bare ``on``/``off``/``no``
stays a word. A key the loader does not know is an error naming the file, line and key, so that a
misspelt ``objetcs:`` cannot silently turn a pattern into a bare-verb one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from typing import Any

import yaml

from ...errors import InputError
from ...vocab import CATEGORIES

PATTERN_KEYS = {"id", "verbs", "objects", "mode", "target", "reciprocal", "only_joint", "not_objects", "no_object",
                "object_actor", "target_required", "via", "not_subjects", "subjects", "note"}
NOUN_KEYS = {"id", "nouns", "category", "mode", "target", "reciprocal", "sides", "note"}
LIST_KEYS = {"nouns", "light_verbs", "generic_heads", "embedding_nouns", "sets"}
BOOL_KEYS = ("reciprocal", "only_joint", "no_object", "object_actor", "target_required")


# libyaml's parser when PyYAML was built with it (about ten times faster on the lexicon files)
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """YAML with 1.2 booleans and the line of every mapping (``lines``: id(dict) -> line)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, int] = {}

    def construct_yaml_map(self, node: Any) -> Any:
        data: dict[Any, Any] = {}
        self.lines[id(data)] = node.start_mark.line + 1
        yield data
        data.update(self.construct_mapping(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)


_Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != "tag:yaml.org,2002:bool"]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def load_yaml(text: str, name: str) -> tuple[Any, dict[int, int]]:
    """(data, lines) of a data file; a syntax error names the file."""
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as e:
        raise InputError(f"{name}: not valid YAML ({e})") from None
    finally:
        loader.dispose()
    return data, loader.lines


def plurals(noun: str) -> list[str]:
    """The regular English plural of a (last) word: "sanction" → "sanctions", "penalty" →
    "penalties"; a word in consonant + "o" gets both spellings ("embargoes", "memos")."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return [noun + "es"]
    if noun.endswith("y") and len(noun) > 1 and noun[-2] not in "aeiou":
        return [noun[:-1] + "ies"]
    if noun.endswith("o") and len(noun) > 1 and noun[-2] not in "aeiou":
        return [noun + "es", noun + "s"]
    return [noun + "s"]


@dataclass
class Pattern:
    category: str
    verbs: tuple[str, ...]
    objects: frozenset[str] | None
    mode: str | None
    target: tuple[str, ...]
    reciprocal: bool
    only_joint: bool = False
    not_objects: frozenset[str] = frozenset()   # objects that give the verb another sense ("hit a record")
    no_object: bool = False                     # intransitive sense only ("demonstrated" vs "demonstrated resolve")
    object_actor: bool = False                  # the object must be an actor ("hosted the Japanese premier")
    id: str = ""
    target_required: bool = False               # only with a target in the pattern's slots ("spoke with X")
    via: tuple[str, ...] = ()                   # prepositions whose object may be the required one ("add to")
    not_subjects: frozenset[str] = frozenset()  # subjects that give the verb another sense ("troops arrived")
    subjects: frozenset[str] = frozenset()      # the subject must be one of these ("peacekeepers arrived in X")


@dataclass(frozen=True)
class Words:
    """Closed-class words and confidence weights (``closed_class.yaml``)."""
    speech: frozenset[str]
    commit: frozenset[str]
    plan: frozenset[str]
    negators: frozenset[str]
    hypothetical: frozenset[str]
    third_person: frozenset[str]
    first_person: frozenset[str]
    negative_subjects: frozenset[str]
    pledgeable: frozenset[str]
    willing: frozenset[str]
    unwilling: frozenset[str]
    cooperative: frozenset[str]
    intent_modalities: frozenset[str]
    aspectual: frozenset[str]
    unreal: frozenset[str]
    fighting_nouns: frozenset[str]
    agent_act_nouns: frozenset[str]
    condemnation_predicates: frozenset[str]
    content_nouns: frozenset[str]
    unreal_marks: frozenset[str]
    temporal_marks: frozenset[str]
    conditioning: frozenset[str]
    mission_verbs: frozenset[str]
    means_nouns: frozenset[str]
    means_preps: frozenset[str]
    command_verbs: frozenset[str]
    commanded_nouns: frozenset[str]
    state_sectors: frozenset[str]
    statement_nouns: frozenset[str]
    circumstance_preps: frozenset[str]
    clause_participant_categories: frozenset[str]
    unattributed_categories: frozenset[str]
    harm_verbs: frozenset[str]
    blame_predicates: frozenset[str]
    ruled_out_predicates: frozenset[str]
    threat_modes: dict[str, str]                 # category of a conflict act -> THREATEN mode
    civilians: frozenset[str]
    civilian_categories: frozenset[str]
    dyad_categories: frozenset[str]
    sports: frozenset[str]
    phrasal_preps: frozenset[str]
    phrasal_adverbs: frozenset[str]
    border_nouns: frozenset[str]
    locative_preps: frozenset[str]
    non_participants: frozenset[str]
    location_verbs: frozenset[str]
    carrier_nouns: frozenset[str]
    not_consulted: frozenset[str]
    topic_preps: frozenset[str]
    summoning_verbs: frozenset[str]
    own_ground_categories: frozenset[str]
    member_preps: frozenset[str]
    measure_nouns: frozenset[str]
    disapproval_states: frozenset[str]
    agreement_nouns: frozenset[str]
    recall_verbs: frozenset[str]
    disapproval_preps: tuple[str, ...]
    fallback_preps: tuple[str, ...]
    contexts: dict[str, str]                     # cue lemma -> context
    context_modes: dict[str, dict[str, str]]     # category -> context -> mode
    confidence: dict[str, float]

    @classmethod
    def from_data(cls, d: Any, name: str, lines: dict[int, int]) -> Words:
        if not isinstance(d, dict):
            raise InputError(f"{name}: must be a mapping of word lists")
        known = {f for f in cls.__dataclass_fields__}
        for k in d:
            if k not in known:
                raise InputError(f"{name}, line {lines.get(id(d), 1)}: unknown key {k!r}")
        missing = known - set(d)
        if missing:
            raise InputError(f"{name}: missing {', '.join(sorted(missing))}")
        sets = {k: frozenset(str(w) for w in d[k]) for k in known
                if k not in ("fallback_preps", "contexts", "context_modes", "confidence", "threat_modes",
                             "disapproval_preps")}
        contexts = {str(w): ctx for ctx, words in d["contexts"].items() for w in words}
        return cls(**sets, fallback_preps=tuple(d["fallback_preps"]), contexts=contexts,
                   disapproval_preps=tuple(str(w) for w in d["disapproval_preps"]),
                   context_modes=d["context_modes"], threat_modes={str(k): str(v or "") for k, v in d["threat_modes"].items()},
                   confidence={k: float(v) for k, v in d["confidence"].items()})


_VARIANTS = (("ize", "ise"), ("ise", "ize"), ("yze", "yse"), ("yse", "yze"), ("ization", "isation"),
             ("isation", "ization"), ("izations", "isations"), ("isations", "izations"))
# words in -ise that have no -ize spelling
_NO_IZE = {"advise", "apprise", "arise", "chastise", "comprise", "compromise", "concise", "demise", "despise",
           "devise", "disguise", "enterprise", "excise", "exercise", "franchise", "improvise", "incise",
           "merchandise", "precise", "premise", "promise", "revise", "rise", "supervise", "surmise", "surprise",
           "televise", "wise", "raise", "praise", "noise", "poise", "cruise", "bruise", "expertise", "otherwise",
           "paradise", "reprise", "circumcise", "appraise", "treatise", "guise", "likewise", "clockwise"}


def _spelling_variant(key: str) -> str | None:
    """The other spelling of a key's first word in -ize/-ise, -yze/-yse, -ization/-isation
    ("demobilize" → "demobilise"), or None."""
    first, _, rest = key.partition(" ")
    if first in _NO_IZE or len(first) < 6:
        return None
    for a, b in _VARIANTS:
        if first.endswith(a):
            alt = first[: -len(a)] + b
            if alt in _NO_IZE:
                return None
            return alt + (" " + rest if rest else "")
    return None


def _expand_words(items: Any, sets: dict[str, list[str]], where: str) -> list[str]:
    if not isinstance(items, list):
        raise InputError(f"{where}: expected a list, got {items!r}")
    out: list[str] = []
    for w in items:
        if w is None:
            raise InputError(f"{where}: an empty entry (an unquoted '&NAME' is YAML syntax: write $NAME)")
        w = str(w)
        if w[:1] in ("$", "&"):
            if w[1:] not in sets:
                raise InputError(f"{where}: unknown word set {w!r} (known: {', '.join(sorted(sets))})")
            out.extend(sets[w[1:]])
        else:
            out.append(w)
    return out


def _word_sets(raw: Any, name: str, lines: dict[int, int]) -> dict[str, list[str]]:
    """Named sets; a set of nouns (name ending in NOUNS) gets the plural of each entry added."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError(f"{name}, line {lines.get(id(raw), 1)}: 'sets' must map names to word lists")
    sets: dict[str, list[str]] = {}
    for k, v in raw.items():
        words = _expand_words(v, sets, f"{name}, set {k}")
        if str(k).endswith("NOUNS"):
            words = words + [p for w in words for p in plurals(w)]
        sets[str(k)] = list(dict.fromkeys(words))
    return sets


@dataclass(frozen=True)
class Ontology:
    categories: dict[str, dict[str, Any]]
    by_verb: dict[str, list[Pattern]]
    nouns: dict[str, dict[str, Any]]
    words: Words
    light_verbs: frozenset[str] = frozenset()
    embedding_nouns: frozenset[str] = frozenset()
    generic_heads: frozenset[str] = frozenset()
    intent_modes: dict[str, dict[str, str]] = field(default_factory=dict)
    patterns: dict[str, Pattern] = field(default_factory=dict)      # id -> pattern
    # multi-word verbs that a lemma + one particle cannot find ("take aim at", "set fire to"):
    # first word -> (key, the other words), longest first
    multi: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)

    @property
    def contexts(self) -> dict[str, str]:
        return self.words.contexts

    @property
    def lexicon_size(self) -> int:
        """Lexical entries: each verb (with its particle) × required object of every pattern, and
        each nominal trigger."""
        return sum(len(p.verbs) * (len(p.objects) if p.objects else 1) for p in self.patterns.values()) \
            + len(self.nouns)

    @classmethod
    def load(cls, data_dir: Traversable | None = None) -> Ontology:
        data = data_dir or resources.files("nestor.extract.events").joinpath("data")
        onto_doc, _ = load_yaml(data.joinpath("ontology.yaml").read_text("utf-8"), "ontology.yaml")
        cc, cc_lines = load_yaml(data.joinpath("closed_class.yaml").read_text("utf-8"), "closed_class.yaml")
        words = Words.from_data(cc, "closed_class.yaml", cc_lines)
        files = sorted((f for f in data.iterdir() if f.name.startswith("patterns") and f.name.endswith(".yaml")),
                       key=lambda f: f.name)
        patterns: dict[str, Pattern] = {}
        nouns: dict[str, dict[str, Any]] = {}
        lists: dict[str, set[str]] = {"light_verbs": set(), "generic_heads": set(), "embedding_nouns": set()}
        sets: dict[str, list[str]] = {}
        docs = []
        for f in files:
            doc, lines = load_yaml(f.read_text("utf-8"), f.name)
            if not isinstance(doc, dict):
                raise InputError(f"{f.name}: must be a mapping of categories to patterns")
            for k in doc:
                if k not in CATEGORIES and k not in LIST_KEYS:
                    raise InputError(f"{f.name}, line {lines.get(id(doc), 1)}: unknown key {k!r} "
                                     f"(a PLOVER category or one of {', '.join(sorted(LIST_KEYS))})")
            sets.update(_word_sets(doc.get("sets"), f.name, lines))
            docs.append((f.name, doc, lines))
        for name, doc, lines in docs:
            for cat in CATEGORIES:
                for p in doc.get(cat) or []:
                    pat = _pattern(cat, p, name, lines, sets, onto_doc["categories"])
                    if pat.id in patterns:
                        raise InputError(f"{name}, line {lines.get(id(p), 1)}: pattern id {pat.id!r} used twice")
                    patterns[pat.id] = pat
            for e in doc.get("nouns") or []:
                line = lines.get(id(e), 1)
                bad = set(e) - NOUN_KEYS if isinstance(e, dict) else {"?"}
                if bad:
                    raise InputError(f"{name}, line {line}: unknown key {sorted(bad)[0]!r} in a noun entry "
                                     f"(known: {', '.join(sorted(NOUN_KEYS))})")
                if e.get("category") not in CATEGORIES:
                    raise InputError(f"{name}, line {line}: unknown category {e.get('category')!r}")
                nid = str(e.get("id") or "")
                if not nid:
                    raise InputError(f"{name}, line {line}: a noun entry without an id")
                for n in _expand_words(e["nouns"], sets, f"{name}, line {line}"):
                    nouns[n] = {"category": e["category"], "mode": e.get("mode"),
                                "target": tuple(e.get("target", ())), "id": nid,
                                "reciprocal": bool(e.get("reciprocal")),
                                "sides": tuple(e.get("sides") or (("between",) if e.get("reciprocal") else ()))}
            for k in lists:
                lists[k].update(_expand_words(doc.get(k) or [], sets, f"{name}, {k}"))
        by_verb: dict[str, list[Pattern]] = {}
        for pat in patterns.values():
            for v in pat.verbs:
                by_verb.setdefault(v, []).append(pat)
        # British and American spellings of the same verb ("demobilise"/"demobilize",
        # "criticise"/"criticize", "analyse"/"analyze"): each key is found under both
        for v in list(by_verb):
            alt = _spelling_variant(v)
            if alt:
                have = by_verb.setdefault(alt, [])
                have.extend(p for p in by_verb[v] if p not in have)
        for n in list(nouns):
            alt = _spelling_variant(n)
            if alt and alt not in nouns:
                nouns[alt] = nouns[n]
        for lst in by_verb.values():  # patterns that require an object or a subject are more specific: try first
            lst.sort(key=lambda p: (p.objects is None, not p.subjects))
        return cls(onto_doc["categories"], by_verb, nouns, words, frozenset(lists["light_verbs"]),
                   frozenset(lists["embedding_nouns"]), frozenset(lists["generic_heads"]),
                   onto_doc.get("intent_modes") or {}, patterns, _multi_words(by_verb, words))

    def cameo(self, category: str, mode: str | None, intent: bool = False) -> str:
        """CAMEO code of a PLOVER category and mode; ``intent`` (a planned, pledged, hypothetical or
        conditional event) gives CAMEO's "express intent" (03x) or "threaten" (13x) code where the
        ontology names one."""
        c = self.categories[category]
        if intent and c.get("intent"):
            return str(self.intent_modes.get(category, {}).get(mode or "", c["intent"]))
        return str(c["modes"].get(mode or "", c["cameo"])) if mode else str(c["cameo"])

    @staticmethod
    def cameo_category(event_type: str, cameo: str | None) -> str:
        """The category an event has in CAMEO's reading: an intention to cooperate (03x) is an
        AGREE event and an intended conflict (13x) a THREATEN event; otherwise the PLOVER type."""
        if cameo and cameo.startswith("03"):
            return "AGREE"
        if cameo and cameo.startswith("13"):
            return "THREATEN"
        return event_type


_ARTICLES = frozenset(("a", "an", "the", "one's", "its", "their"))


def _multi_words(by_verb: dict[str, list[Pattern]], words: Words) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Verb keys that are more than "lemma particle": three words or more ("hit out at"), or a
    second word that is no particle ("take hostage", "wage war"). The coder finds them by their
    words among the verb's dependents (articles are not required)."""
    simple = words.phrasal_preps | words.phrasal_adverbs
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for key in by_verb:
        parts = key.split()
        if len(parts) < 2 or (len(parts) == 2 and parts[1] in simple):
            continue
        rest = tuple(w for w in parts[1:] if w not in _ARTICLES)
        out.setdefault(parts[0], []).append((key, rest))
    return {k: tuple(sorted(v, key=lambda kv: -len(kv[1]))) for k, v in out.items()}


def _pattern(cat: str, p: Any, name: str, lines: dict[int, int], sets: dict[str, list[str]],
             categories: dict[str, Any]) -> Pattern:
    line = lines.get(id(p), 1)
    where = f"{name}, line {line}"
    if not isinstance(p, dict):
        raise InputError(f"{where}: a {cat} pattern must be a mapping, got {p!r}")
    for k in p:
        if k not in PATTERN_KEYS:
            raise InputError(f"{where}: unknown key {k!r} (known: {', '.join(sorted(PATTERN_KEYS))})")
    for k in BOOL_KEYS:
        if k in p and not isinstance(p[k], bool):
            raise InputError(f"{where}: {k} must be true or false, not {p[k]!r}")
    if not p.get("id"):
        raise InputError(f"{where}: a pattern without an id")
    if not p.get("verbs"):
        raise InputError(f"{where}: a pattern without verbs")
    mode = p.get("mode")
    if mode is not None and mode not in categories[cat]["modes"]:
        raise InputError(f"{where}: mode {mode!r} is not a mode of {cat}")
    objects = _expand_words(p["objects"], sets, where) if p.get("objects") else None
    return Pattern(cat, tuple(_expand_words(p["verbs"], sets, where)), frozenset(objects) if objects else None,
                   mode, tuple(str(t) for t in p.get("target", ["dobj"])), bool(p.get("reciprocal")),
                   bool(p.get("only_joint")), frozenset(_expand_words(p.get("not_objects") or [], sets, where)),
                   bool(p.get("no_object")), bool(p.get("object_actor")), str(p["id"]),
                   bool(p.get("target_required")), tuple(str(v) for v in p.get("via") or ()),
                   frozenset(_expand_words(p.get("not_subjects") or [], sets, where)),
                   frozenset(_expand_words(p.get("subjects") or [], sets, where)))
