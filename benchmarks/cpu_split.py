"""Where the time of a run goes, in CPU seconds (robust to other work on the machine).

    python benchmarks/cpu_split.py [--source DIR] [--n 200]

Two measurements over the same generated corpus (built as in ``run.py``):

* **one process** (``--workers 1``) under cProfile with a CPU clock: the share of model loading,
  the spaCy pass, each extraction stage, dedup, the store and the stories step;
* **the parent of a 2-worker run** under cProfile with a CPU clock: what the parent does while
  the workers parse (reading and cleaning, dedup, unpickling results, the store, stories), and
  the CPU the workers used in all (``RUSAGE_CHILDREN``).

CPU seconds, not wall seconds, so the split holds on a busy machine; the wall-clock ratios come
from ``run.py``.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import DEFAULT_SOURCE, build_corpus  # noqa: E402

# (label, substrings of "file:function" that belong to it); the first match wins, cumulative time
GROUPS = [
    ("model load", ["nlp.py:load_model"]),
    ("knowledge base load", ["knowledge.py:load"]),
    ("gazetteer load", ["geo/__init__.py:load"]),
    ("spaCy pass", ["language.py:pipe"]),
    ("dates stage", ["extract/when.py:stage"]),
    ("actors stage", ["actors/__init__.py:stage"]),
    ("events stage", ["events/__init__.py:stage", "events/coder.py:stage"]),
    ("claims stage", ["extract/claims.py:stage"]),
    ("accords stage", ["extract/accords.py:stage"]),
    ("where stage (incl. gazetteer load)", ["extract/where.py:stage"]),
    ("sentences and entities", ["extract/__init__.py:_sentences"]),
    ("reading and cleaning", ["ingest/__init__.py:iter_documents"]),
    ("dedup", ["dedup.py:check"]),
    ("store", ["pipeline.py:write"]),
    ("stories", ["pipeline.py:complete_stories"]),
    ("results from workers", ["_base.py:result", "connection.py:recv_bytes", "reduction.py:loads"]),
]


def _split(prof: cProfile.Profile) -> dict[str, float]:
    st = pstats.Stats(prof)
    out: dict[str, float] = {}
    for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        key = f"{file}:{func}"
        for label, pats in GROUPS:
            if any(p in key.replace("\\", "/") for p in pats):
                out[label] = max(out.get(label, 0.0), ct)
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--n", type=int, default=200)
    a = ap.parse_args()
    from nestor.config import Settings
    from nestor.pipeline import Pipeline

    corpus = Path(tempfile.mkdtemp()) / "corpus"
    build_corpus(a.source, a.n, corpus)
    for workers in (1, 2):
        db = Path(tempfile.mkdtemp()) / "p.duckdb"
        prof = cProfile.Profile(time.process_time)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        prof.enable()
        rep = Pipeline(Settings(db=str(db), workers=workers)).run([str(corpus)])
        prof.disable()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        total = sum(pstats.Stats(prof).total_tt for _ in [0])  # type: ignore[attr-defined]
        split = _split(prof)
        who = "one process" if workers == 1 else "parent of a 2-worker run"
        print(f"\n{who}: {rep.counts['stored']} articles, {total:.1f} CPU s in this process")
        for label, secs in sorted(split.items(), key=lambda kv: -kv[1]):
            print(f"  {label:24s} {secs:7.1f} s  {100 * secs / total:5.1f}%")
        if workers > 1:
            kids = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            print(f"  workers (all, CPU)       {kids:7.1f} s")


if __name__ == "__main__":
    main()
