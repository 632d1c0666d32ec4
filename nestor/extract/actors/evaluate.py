"""Actor resolution measured against gold event records (``python -m nestor.extract.actors.evaluate FILE``).

For every gold sentence, the country codes (first three letters of ``code``) of its gold source
and target actors are compared with the countries of the coded mentions nestor resolves in the
sentence: **recall** = gold codes found among them, **precision** = resolved codes that are gold
source or target codes (a sentence may name other countries too, so precision is a lower bound).
"""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any


def measure(path: str | Path, nlp: Any = None, knowledge: Any = None) -> dict[str, float | int]:
    from ...config import Settings
    from ...evaluate import codes, load_gold
    from ...knowledge import Knowledge
    from ...models import Article, content_id
    from ...nlp import load_model
    from . import resolve

    gold = load_gold(path)
    nlp = nlp or load_model("auto")
    knowledge = knowledge or Knowledge.load(Settings())
    tp = fp = fn = 0
    src_hit = src_n = tgt_hit = tgt_n = 0
    for g, doc in zip(gold, nlp.pipe([g["text"] for g in gold], batch_size=16), strict=True):
        try:
            day = date.fromisoformat(str(g.get("date", ""))[:10])
        except ValueError:
            day = None
        art = Article(id=content_id(g["text"]), text=g["text"], published=day)
        # a named IGO keeps its own code (BRICS, SCO, ...); the gold data writes every IGO as "IGO"
        # regions ("the West", "Latin America") are not countries: the gold codes none of them
        found = {"IGO" if m.kind == "igo" or m.sector == "IGO" else m.country[:3]
                 for m in resolve(doc, art, knowledge.actors) if m.actor_id and m.country and m.kind != "region"}
        src, tgt = set(codes(g.get("source"))), set(codes(g.get("target")))
        want = src | tgt
        tp += len(found & want)
        fp += len(found - want)
        fn += len(want - found)
        src_hit += len(src & found)
        src_n += len(src)
        tgt_hit += len(tgt & found)
        tgt_n += len(tgt)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"sentences": len(gold), "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "source_recall": round(src_hit / src_n, 3) if src_n else 0.0,
            "target_recall": round(tgt_hit / tgt_n, 3) if tgt_n else 0.0}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval/plover_gsr_dev.json"), indent=1))
