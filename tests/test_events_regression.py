"""The original regression sentences of the event coder (tests/data/events_regression.yaml).

Every sentence is coded on its own by the full per-article extraction (published 2024-05-16) and
scored against the events written for it:

* **category**: per sentence, the set of PLOVER categories coded (negated events left out: "did not
  sign" asserts no signing) against the categories written; a category written and coded is a true
  positive, one coded and not written a false positive (so every event coded on a hard negative is
  one), one written and not coded a false negative. ``optional`` events count neither way.
* **triple**: each written event is found when an event coded in the sentence has its source, type
  and target (a target left out of the file is not checked) and, where the file gives them, its
  mode and modality. Each distinct coded (source, type, target) that no written event accounts for
  is a false positive; one without a target is accounted for by a written event of the same source
  and type (it says less, not something else).

The file is split into two fixed halves by ``nestor.evaluate.split_half`` (the rule of ``nestor
eval --split``); both are reported (``pytest -s`` prints the table) and each must stay above its
floor. Raise the floors when the coder improves; never lower them to make a change pass.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from nestor.evaluate import Report, split_half
from nestor.vocab import CATEGORIES

# F1 floors per half, a little below what the coder scored when they were last set (see the
# measured figures in the commit that changed them). Half A is the tuning half, B the check.
FLOORS = {
    "A": {"category": 0.93, "triple": 0.87},      # measured 0.96 / 0.90 (1,000 sentences, 2026-11-23, session 6)
    "B": {"category": 0.90, "triple": 0.84},      # measured 0.93 / 0.87
}
# The same for the two halves of the tuning set (../shared/eval/plover_gsr_dev.json, `nestor eval`).
TUNING_FLOORS = {
    "A": {"category": 0.83, "triple": 0.54},      # measured 0.867 / 0.568 (75 records, 2026-11-23, lexicon)
    "B": {"category": 0.79, "triple": 0.58},      # measured 0.805 / 0.599 (86 records)
}
MIN_SENTENCES = 400              # issue 14: at least 400 original sentences
MIN_PER_CATEGORY = 15            # sentences in which each category is expected
PUBLISHED = date(2024, 5, 16)

REGRESSION = Path(__file__).parent / "data" / "events_regression.yaml"
ITEM_KEYS = {"id", "text", "events", "not", "note"}
EVENT_KEYS = {"source", "type", "target", "mode", "modality", "optional"}
MODALITIES = {"asserted", "planned", "pledged", "hypothetical", "conditional", "reported", "denied"}
CODE = re.compile(r"^[A-Z]{3}$")


# ---- the file ------------------------------------------------------------------------------------
def validate(items: Any, modes: dict[str, set[str]]) -> list[str]:
    """Every problem of a regression file, each naming the item's id (or its position)."""
    if not isinstance(items, list):
        return ["the file must be a list of sentences"]
    errors: list[str] = []
    seen: set[str] = set()
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            errors.append(f"item {i}: not a mapping")
            continue
        rid = it.get("id")
        name = f"{rid}" if isinstance(rid, str) and rid else f"item {i}"
        if not isinstance(rid, str) or not rid:
            errors.append(f"{name}: no id")
        elif rid in seen:
            errors.append(f"{name}: duplicate id")
        seen.add(str(rid))
        for k in sorted(set(it) - ITEM_KEYS):
            errors.append(f"{name}: unknown key {k!r} (known: {', '.join(sorted(ITEM_KEYS))})")
        if not isinstance(it.get("text"), str) or not it["text"].strip():
            errors.append(f"{name}: no text")
        if "events" not in it and "not" not in it:
            errors.append(f"{name}: needs 'events' (a list, [] for none) or 'not'")
        evs = it.get("events", [])
        if not isinstance(evs, list):
            errors.append(f"{name}: 'events' must be a list")
            evs = []
        for e in evs:
            if not isinstance(e, dict):
                errors.append(f"{name}: event {e!r} is not a mapping")
                continue
            for k in sorted(set(e) - EVENT_KEYS):
                errors.append(f"{name}: unknown event key {k!r} (known: {', '.join(sorted(EVENT_KEYS))})")
            cat = e.get("type")
            if cat not in CATEGORIES:
                errors.append(f"{name}: unknown category {cat!r}")
            if not isinstance(e.get("source"), str) or not CODE.match(e["source"]):
                errors.append(f"{name}: source {e.get('source')!r} is not a three-letter code")
            if e.get("target") is not None and (not isinstance(e["target"], str) or not CODE.match(e["target"])):
                errors.append(f"{name}: target {e['target']!r} is not a three-letter code or null")
            if "mode" in e and cat in modes and e["mode"] not in modes[cat]:
                errors.append(f"{name}: mode {e['mode']!r} is not a mode of {cat} ({', '.join(sorted(modes[cat]))})")
            if "modality" in e and e["modality"] not in MODALITIES:
                errors.append(f"{name}: unknown modality {e['modality']!r}")
            if "optional" in e and not isinstance(e["optional"], bool):
                errors.append(f"{name}: optional must be true or false")
        nots = it.get("not", [])
        if not isinstance(nots, list):
            errors.append(f"{name}: 'not' must be a list")
            nots = []
        for n in nots:
            if not isinstance(n, dict) or set(n) != {"type"} or n["type"] not in CATEGORIES:
                errors.append(f"{name}: 'not' entry {n!r} must be {{type: <category>}}")
            elif any(isinstance(e, dict) and e.get("type") == n["type"] for e in evs):
                errors.append(f"{name}: {n['type']} is both expected and forbidden")
    return errors


def load(path: Path, modes: dict[str, set[str]]) -> list[dict[str, Any]]:
    items = yaml.safe_load(path.read_text("utf-8"))
    errors = validate(items, modes)
    if errors:
        raise ValueError(f"{path}:\n  " + "\n  ".join(errors))
    return items


# ---- scoring -------------------------------------------------------------------------------------
@dataclass
class Score(Report):
    """The eval report (nestor.evaluate.Report) with what only this file checks."""
    self_targets: int = 0
    failures: list[str] = field(default_factory=list)


def is_self_target(e: Any) -> bool:
    """Source and target are the same actor: the same code and the same sector, a country and its
    own government counting as one (government against opposition is not a self-target)."""
    if not e.target_code or e.source_code != e.target_code:
        return False
    a, b = e.source_sector or "GOV", e.target_sector or "GOV"
    return a == b


def _matches(g: dict[str, Any], e: Any, attributes: bool = True) -> bool:
    if (g["source"], g["type"]) != (e.source_code, e.event_type):
        return False
    if "target" in g and g["target"] != e.target_code:
        return False
    if attributes and "mode" in g and g["mode"] != e.mode:
        return False
    return not (attributes and "modality" in g and g["modality"] != e.modality)


def _scored(e: Any) -> Any:
    """The event as the file writes it: a named IGO (EU, UNO, NATO; sector IGO) is written ``IGO``."""
    from types import SimpleNamespace

    view = SimpleNamespace(**{k: getattr(e, k) for k in ("source_code", "target_code", "source_sector",
                                                         "target_sector", "event_type", "mode", "modality",
                                                         "negated")})
    if view.source_sector == "IGO":
        view.source_code = "IGO"
    if view.target_sector == "IGO":
        view.target_code = "IGO"
    return view


def score_item(sc: Score, item: dict[str, Any], coded: list[Any]) -> None:
    """Add one sentence and the events coded from it to ``sc``."""
    coded = [_scored(e) for e in coded if not e.negated]
    sc.n += 1
    sc.self_targets += sum(1 for e in coded if is_self_target(e))
    pred_cats = {e.event_type for e in coded}
    forbidden = {n["type"] for n in item.get("not", [])}
    problems: list[str] = []
    if "events" not in item:                          # only the forbidden types are checked
        for c in sorted(pred_cats & forbidden):
            sc.category.fp += 1; sc.per_category[c].fp += 1
            problems.append(f"+{c}")
        if problems:
            sc.failures.append(f"{item['id']}: {' '.join(problems)} | {item['text']}")
        return
    gold = item["events"]
    required = {g["type"] for g in gold if not g.get("optional")}
    allowed = {g["type"] for g in gold}
    for c in sorted(required | (pred_cats - allowed)):
        pc = sc.per_category[c]
        if c in required and c in pred_cats:
            sc.category.tp += 1; pc.tp += 1
        elif c in required:
            sc.category.fn += 1; pc.fn += 1
            problems.append(f"-{c}")
        else:
            sc.category.fp += 1; pc.fp += 1
            problems.append(f"+{c}")
    for g in gold:
        if g.get("optional"):
            continue
        pt = sc.per_category_triple[g["type"]]
        if any(_matches(g, e) for e in coded):
            sc.triple.tp += 1; pt.tp += 1
        else:
            sc.triple.fn += 1; pt.fn += 1
            problems.append(f"-({g['source']} {g['type']} {g.get('target', '*')}"
                            + "".join(f" {k}={g[k]}" for k in ("mode", "modality") if k in g) + ")")
    for s, c, t in sorted({(e.source_code, e.event_type, e.target_code) for e in coded}, key=str):
        probe = type("E", (), {"source_code": s, "event_type": c, "target_code": t})()
        if any(_matches(g, probe, attributes=False) for g in gold):
            continue
        if t is None and any((g["source"], g["type"]) == (s, c) for g in gold):
            continue
        sc.triple.fp += 1; sc.per_category_triple[c].fp += 1
        problems.append(f"+({s} {c} {t})")
    if problems:
        got = sorted({f"{e.source_code} {e.event_type}:{e.mode} {e.target_code} {e.modality}" for e in coded})
        sc.failures.append(f"{item['id']}: {' '.join(problems)} | {item['text']} | coded: {'; '.join(got) or '-'}")


def table(scores: dict[str, Score]) -> str:
    names = list(scores)
    head = f"{'category':<10}" + "".join(f" | {h + ' P/R/F1 (n)':<24}" for h in names)
    lines = [head, "-" * len(head)]
    for c in CATEGORIES:
        row = f"{c:<10}"
        for h in names:
            p = scores[h].per_category[c]
            row += f" | {p.precision:.2f} {p.recall:.2f} {p.f1:.2f} ({p.tp + p.fn:>3})      "
        lines.append(row)
    for label, attr in (("category", "category"), ("triple", "triple")):
        row = f"{label:<10}"
        for h in names:
            p = getattr(scores[h], attr)
            row += f" | {p.precision:.2f} {p.recall:.2f} {p.f1:.2f} ({p.tp + p.fn:>3})      "
        lines.append(row)
    lines.append("sentences " + "".join(f" | {scores[h].n:<24}" for h in names))
    lines.append("self-targ " + "".join(f" | {scores[h].self_targets:<24}" for h in names))
    return "\n".join(lines)


# ---- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def modes(knowledge) -> dict[str, set[str]]:
    return {c: set(spec["modes"]) for c, spec in knowledge.ontology.categories.items()}


@pytest.fixture(scope="module")
def items(modes) -> list[dict[str, Any]]:
    return load(REGRESSION, modes)


@pytest.fixture(scope="module")
def coded(items, nlp, knowledge) -> dict[str, list[Any]]:
    from nestor.extract import extract
    from nestor.models import Article, content_id

    out = {}
    texts = [it["text"] for it in items]
    for it, doc in zip(items, nlp.pipe(texts, batch_size=32), strict=False):
        t = it["text"]
        art = Article(id=content_id(t), text=t, published=PUBLISHED, date_source="metadata",
                      n_chars=len(t), n_words=len(t.split()))
        out[it["id"]] = extract(art, doc, knowledge).events
    return out


@pytest.fixture(scope="module")
def scores(items, coded) -> dict[str, Score]:
    out = {"A": Score(), "B": Score(), "all": Score()}
    for it in items:
        for h in (split_half(it["id"]), "all"):
            score_item(out[h], it, coded[it["id"]])
    return out


# ---- the file is well formed ---------------------------------------------------------------------
def test_file_is_valid_and_covers_every_category(items):
    assert len(items) >= MIN_SENTENCES
    per = Counter(c for it in items for c in {g["type"] for g in it.get("events", []) if not g.get("optional")})
    thin = {c: per[c] for c in CATEGORIES if per[c] < MIN_PER_CATEGORY}
    assert not thin, f"categories with fewer than {MIN_PER_CATEGORY} sentences: {thin}"
    negatives = [it for it in items if not it.get("events")]
    assert len(negatives) >= 40, "hard negatives (events: [] or only 'not') are too few"


def test_validation_names_the_bad_item(modes):
    bad = [
        {"id": "x1", "text": "a", "events": [{"source": "RUS", "type": "AGREE", "target": "CHN"}]},
        {"id": "x1", "text": "b", "events": []},
        {"id": "x2", "text": "c", "events": [{"source": "RUS", "type": "AGRE"}], "colour": "red"},
        {"id": "x3", "text": "d", "events": [{"source": "Russia", "type": "ASSAULT", "mode": "sign"}]},
        {"id": "x4", "text": "e", "events": [{"source": "RUS", "type": "ASSAULT"}], "not": [{"type": "ASSAULT"}]},
        {"id": "x5", "text": "f"},
    ]
    errs = validate(bad, modes)
    assert "x1: duplicate id" in errs
    assert any(e.startswith("x2: unknown category 'AGRE'") for e in errs)
    assert any(e.startswith("x2: unknown key 'colour'") for e in errs)
    assert any(e.startswith("x3: source 'Russia'") for e in errs)
    assert any(e.startswith("x3: mode 'sign' is not a mode of ASSAULT") for e in errs)
    assert any(e.startswith("x4: ASSAULT is both expected and forbidden") for e in errs)
    assert any(e.startswith("x5: needs 'events'") for e in errs)
    assert len(errs) == 7, errs
    assert validate(bad[:1], modes) == []


def test_halves_are_fixed_and_both_used(items):
    import hashlib

    for rid in ("r0001", "r0002", "PLOVER-GSR01-AGREE-0001", 17):
        first = hashlib.sha1(str(rid).encode("utf-8")).digest()[0]
        assert split_half(rid) == ("A" if first % 2 == 0 else "B")
    assert {split_half(f"r{i:04d}") for i in range(1, 21)} == {"A", "B"}
    n_a = sum(split_half(it["id"]) == "A" for it in items)
    assert 0.35 < n_a / len(items) < 0.65


# ---- the scorer ----------------------------------------------------------------------------------
class _Ev:
    def __init__(self, s, c, t, mode=None, modality="asserted", negated=False, ss=None, ts=None):
        self.source_code, self.event_type, self.target_code = s, c, t
        self.mode, self.modality, self.negated = mode, modality, negated
        self.source_sector, self.target_sector = ss, ts


def test_scorer_counts_hard_negatives_modes_and_wildcards():
    sc = Score()
    score_item(sc, {"id": "n", "text": "Trade hit a record high.", "events": []}, [_Ev("CHN", "ASSAULT", None)])
    assert (sc.category.fp, sc.triple.fp) == (1, 1)
    sc = Score()
    item = {"id": "w", "text": "t", "events": [{"source": "TUR", "type": "CONCEDE", "mode": "release"}]}
    score_item(sc, item, [_Ev("TUR", "CONCEDE", "GRC", "release")])
    assert (sc.triple.tp, sc.triple.fp, sc.triple.fn) == (1, 0, 0)
    sc = Score()
    score_item(sc, item, [_Ev("TUR", "CONCEDE", "GRC", "ease"), _Ev("TUR", "AGREE", "GRC", negated=True)])
    assert (sc.category.tp, sc.category.fp, sc.triple.tp, sc.triple.fn) == (1, 0, 0, 1)
    sc = Score()
    item = {"id": "p", "text": "t", "events": [{"source": "IND", "type": "COOPERATE", "target": "JPN"},
                                              {"source": "IND", "type": "AGREE", "target": "JPN", "optional": True}]}
    score_item(sc, item, [_Ev("IND", "COOPERATE", "JPN"), _Ev("IND", "AGREE", "JPN")])
    score_item(sc, item, [_Ev("IND", "COOPERATE", "JPN")])
    assert (sc.category.tp, sc.category.fp, sc.category.fn, sc.triple.fp, sc.triple.fn) == (2, 0, 0, 0, 0)
    sc = Score()
    item = {"id": "o", "text": "t", "not": [{"type": "ASSAULT"}]}
    score_item(sc, item, [_Ev("USA", "ACCUSE", None), _Ev("USA", "ASSAULT", None)])
    assert (sc.category.tp, sc.category.fp, sc.category.fn) == (0, 1, 0)


def test_self_target_is_the_same_actor_not_the_same_country():
    assert is_self_target(_Ev("USA", "AGREE", "USA", ss="GOV"))
    assert is_self_target(_Ev("RUS", "CONSULT", "RUS", ss="GOV", ts=None))
    assert not is_self_target(_Ev("IND", "COERCE", "IND", ss="COP", ts="OPP"))
    assert not is_self_target(_Ev("IND", "ACCUSE", "PAK"))


# ---- the coder against the file ------------------------------------------------------------------
def test_f1_floors_on_both_halves(scores):
    print("\n" + table(scores))
    print(f"\n{len(scores['all'].failures)} sentences with a difference:")
    for f in scores["all"].failures:
        print("  " + f)
    low = [(h, k, round(getattr(scores[h], k).f1, 3), floor)
           for h, floors in FLOORS.items() for k, floor in floors.items() if getattr(scores[h], k).f1 < floor]
    assert not low, f"below the floor (half, score, F1, floor): {low}"
    # issue 14: no event has its source as its target (a domestic actor of another sector may be)
    assert scores["all"].self_targets == 0, "events whose source is their own target (see the table)"


def test_f1_floors_on_the_tuning_halves(eval_dev, tmp_path, nlp, knowledge):
    import json

    from nestor.evaluate import evaluate

    records = json.loads(eval_dev.read_text("utf-8"))
    low, lines = [], []
    for half in ("A", "B"):
        part = [r for r in records if split_half(r.get("id")) == half]
        f = tmp_path / f"half_{half}.json"
        f.write_text(json.dumps(part), "utf-8")
        rep = evaluate(f, nlp, knowledge).as_dict()
        lines.append(f"tuning half {half} ({len(part)}): category F1 {rep['category']['f1']}, "
                     f"triple F1 {rep['triple']['f1']}")
        low += [(half, k, rep[k]["f1"], floor) for k, floor in TUNING_FLOORS[half].items() if rep[k]["f1"] < floor]
    print("\n" + "\n".join(lines))
    assert not low, f"below the floor (half, score, F1, floor): {low}"
