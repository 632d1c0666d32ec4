"""Scoring the event coder against gold sentences (PLOVER gold-standard record format).

Each gold record is one sentence with one event: ``event`` (category), ``source``/``target``
(lists of ``{actorText, code}``; anything that is not a list means no target). Older PLOVER
categories are mapped to PLOVER 2.0 (``OLD_TO_NEW``). Each sentence is coded on its own, dated
by the record's ``date``.

Scores (micro-averaged over sentences):

Negated events ("did not sign") are not counted: they assert that nothing happened (a refusal
is coded as its own REJECT event).

* **category**: the set of categories coded in a sentence against the gold category — a gold
  category coded is a true positive, every other coded category a false positive, a gold
  category not coded a false negative;
* **triple**: (source country, category, target country) sets the same way. A gold record with
  several sources and no target (a compound actor, "X and Y agreed") matches the reciprocal pairs
  nestor codes for it: a predicted (X, C, Y) with X and Y both gold sources counts as (X, C, -).
  An actor known by its sector alone (no country named: "Rebels ambushed a convoy", code
  ``REB``) is scored by that code: it counts for the category, and in a triple it matches only
  a gold actor coded the same way (never a country), so it is a triple miss, not a hit.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import InputError

OLD_TO_NEW = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}


def split_half(record_id: object) -> str:
    """The fixed half ("A" or "B") a gold record belongs to: the first byte of the SHA-1 of its id
    (as text, UTF-8) is even → "A", odd → "B". Used by ``nestor eval --split`` and the regression
    test, so that patterns are changed on failures of half A only and half B shows the gap."""
    return "A" if hashlib.sha1(str(record_id).encode("utf-8")).digest()[0] % 2 == 0 else "B"


def codes(v: Any) -> list[str]:
    if not isinstance(v, list):
        return []
    return [str(a.get("code"))[:3] for a in v if isinstance(a, dict) and a.get("code")]


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    try:
        data = json.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a folder; give the JSON file of gold records") from None
    except OSError as e:
        raise InputError(f"{p}: cannot be read ({e.strerror or e})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{p}: not a JSON file of gold records ({e})") from None
    if isinstance(data, dict):
        data = data.get("records") or data.get("data") or [data]
    out = []
    for i, r in enumerate(data):
        if not isinstance(r, dict) or not isinstance(r.get("text"), str) or not r.get("event"):
            raise InputError(f"{p}: record {i} lacks 'text' or 'event'")
        out.append(r)
    return out


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


@dataclass
class Report:
    n: int = 0
    category: PRF = field(default_factory=PRF)
    triple: PRF = field(default_factory=PRF)
    per_category: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    per_category_triple: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    confusion: Counter = field(default_factory=Counter)     # (gold, predicted or "-") -> count
    details: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.n, "category": self.category.as_dict(), "triple": self.triple.as_dict(),
            "per_category": {k: v.as_dict() for k, v in sorted(self.per_category.items())},
            "per_category_triple": {k: v.as_dict() for k, v in sorted(self.per_category_triple.items())},
            "confusion": [{"gold": g, "predicted": p, "count": c} for (g, p), c in sorted(self.confusion.items())],
        }


def _category(e: Any, view: str) -> str:
    if view == "plover":
        return str(e.event_type)
    from .extract.events import Ontology
    return Ontology.cameo_category(e.event_type, e.cameo)


def score_sentence(rep: Report, gold: dict[str, Any], events: list[Any], view: str = "cameo") -> None:
    """Add one gold sentence and the events coded from it to ``rep``."""
    events = [e for e in events if not e.negated]     # "did not sign" asserts no signing
    g_cat = OLD_TO_NEW.get(gold["event"], gold["event"])
    g_src, g_tgt = codes(gold.get("source")), codes(gold.get("target"))
    pred_cats = {_category(e, view) for e in events}
    rep.n += 1
    for c in pred_cats | {g_cat}:
        hit_gold, hit_pred = c == g_cat, c in pred_cats
        pc = rep.per_category[c]
        if hit_gold and hit_pred:
            rep.category.tp += 1
            pc.tp += 1
        elif hit_pred:
            rep.category.fp += 1
            pc.fp += 1
        else:
            rep.category.fn += 1
            pc.fn += 1
    for c in pred_cats - {g_cat}:
        rep.confusion[(g_cat, c)] += 1
    rep.confusion[(g_cat, g_cat if g_cat in pred_cats else "-")] += 1
    no: list[str | None] = [None]
    gold_triples = {(s, g_cat, t) for s in (g_src or no) for t in (g_tgt or no)}
    pred_triples = set()
    for e in events:
        # a named IGO keeps its own code (EU, BRICS); the gold data writes every IGO as "IGO"
        s = "IGO" if getattr(e, "source_sector", None) == "IGO" else e.source_code
        t = "IGO" if getattr(e, "target_sector", None) == "IGO" else e.target_code
        if not g_tgt and len(g_src) > 1 and s in g_src and t in g_src:
            t = None
        pred_triples.add((s, _category(e, view), t))
    pct = rep.per_category_triple[g_cat]
    tp = len(gold_triples & pred_triples)
    rep.triple.tp += tp
    pct.tp += tp
    rep.triple.fp += len(pred_triples - gold_triples)
    pct.fp += len(pred_triples - gold_triples)
    rep.triple.fn += len(gold_triples - pred_triples)
    pct.fn += len(gold_triples - pred_triples)
    rep.details.append({"id": gold.get("id"), "gold": sorted(map(str, gold_triples)),
                        "predicted": sorted(map(str, pred_triples))})


def evaluate(path: str | Path, nlp: Any = None, knowledge: Any = None, view: str = "cameo") -> Report:
    """All gold records of ``path`` in one report (see :func:`evaluate_split` for the halves)."""
    return evaluate_split(path, nlp, knowledge, view, split=False)["all"]


def evaluate_split(path: str | Path, nlp: Any = None, knowledge: Any = None, view: str = "cameo",
                   split: bool = True) -> dict[str, Report]:
    """Code every gold sentence with the full per-article extraction and score it: the report
    of all records under "all" and, with ``split``, of the two fixed halves under "A" (the tuning
    half: patterns change only on its failures) and "B" (the check: its gap to A shows
    overfitting). A record without an id is split by its text.

    ``view`` "cameo" (default) scores each event in the reading of the CAMEO manual the gold was
    coded from: an intention (planned, pledged, hypothetical, conditional) to cooperate counts as
    AGREE and an intended material conflict as THREATEN (the event's CAMEO code, 03x or 13x).
    "plover" scores the PLOVER 2.0 type as coded (COOPERATE with modality pledged stays COOPERATE)."""
    if view not in ("cameo", "plover"):
        raise InputError(f"view must be 'cameo' or 'plover', not {view!r}")
    from .config import Settings
    from .extract import extract
    from .knowledge import Knowledge
    from .models import Article, content_id
    from .nlp import load_model

    gold = load_gold(path)
    nlp = nlp or load_model("auto")
    knowledge = knowledge or Knowledge.load(Settings())
    reps: dict[str, Report] = {"all": Report()}
    if split:
        reps.update(A=Report(), B=Report())
    texts = [g["text"] for g in gold]
    for g, doc in zip(gold, nlp.pipe(texts, batch_size=16), strict=True):
        try:
            day = date.fromisoformat(str(g.get("date", ""))[:10])
        except ValueError:
            day = None
        art = Article(id=content_id(g["text"]), text=g["text"], published=day,
                      date_source="metadata" if day else "unknown")
        res = extract(art, doc, knowledge)
        score_sentence(reps["all"], g, res.events, view)
        if split:
            score_sentence(reps[split_half(g.get("id", g["text"]))], g, res.events, view)
    return reps
