"""A worker's CPU per article, side by side in one process: the stock spaCy pass, nestor's parse at
several batch sizes, and each extraction stage; the peak RSS of a worker at each batch size.

    python benchmarks/worker_cpu.py [--source DIR] [--n 150] [--sizes 8,16,32,64] [--reps 2] [--no-rss]

The corpus is built as in ``run.py`` and read as ``nestor run`` reads it (cleaned texts). In one
process, with the model, the knowledge base and the gazetteer loaded and frozen out of the garbage
collector as in a pool worker, each repetition runs, in a rotating order:

* ``stock``: the stock pipeline (``spacy.load`` of the installed model), batch 8 — the bare pass
  of ``run.py``, the 1.00 every ratio is taken against;
* ``parse B``: nestor's pipeline (``load_model``) over chunks of B articles with ``batch_size=B``,
  as a pool worker parses the chunks it is sent;

then each extraction stage over the docs of nestor's parse. CPU time (``time.process_time``), the
best of the repetitions, so the ratios hold on a busy machine. The docs of every batch size are
checked to carry the same token attributes (text, tag, POS, morphology, lemma, dependency, head,
entities, sentence starts). Then, unless ``--no-rss``, one fresh process per batch size runs a
pool worker (``nestor.engine.Worker``: model, knowledge base, gazetteer) over the corpus in chunks
of B articles and reports its RSS once loaded and its peak RSS while coding (``VmHWM`` reset after
loading through ``/proc/self/clear_refs``, so a transient peak of the loading does not hide it).
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import DEFAULT_SOURCE, build_corpus  # noqa: E402


def _articles(corpus: Path) -> list:
    from nestor.config import Settings
    from nestor.ingest import iter_documents
    from nestor.models import Article

    return [a for _, a in iter_documents([str(corpus)], Settings()) if isinstance(a, Article) and a.status == "ok"]


def _parse(nlp, texts: list[str], b: int) -> tuple[float, list, str]:
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, ORTH, POS, SENT_START, TAG

    t = time.process_time()
    docs = [d for i in range(0, len(texts), b) for d in nlp.pipe(texts[i:i + b], batch_size=b)]
    cpu = time.process_time() - t
    h = hashlib.sha1()
    for d in docs:
        h.update(d.to_array([ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START]).tobytes())
    return cpu, docs, h.hexdigest()


def _stages(arts: list, docs: list, kb) -> dict[str, float]:
    """CPU per stage of ``extract`` over the docs: the stages are wrapped in timers for the run;
    "sentences" is the rest of ``extract`` (its sentence and entity records, the result's copy)."""
    from nestor import extract as X

    out: dict[str, float] = {}
    stages = X.STAGES

    def timed(stage):
        name = stage.__module__.rsplit(".", 1)[-1]

        def run(doc, res, kb):
            t = time.process_time()
            stage(doc, res, kb)
            out[name] = out.get(name, 0.0) + time.process_time() - t
        return run

    X.STAGES = tuple(timed(s) for s in stages)
    try:
        t = time.process_time()
        for a, d in zip(arts, docs, strict=True):
            X.extract(a, d, kb)
        total = time.process_time() - t
    finally:
        X.STAGES = stages
    return {"sentences": total - sum(out.values()), **out}


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_child(corpus: str, b: int) -> None:
    """One pool worker's path over the corpus in chunks of ``b``; prints its RSS once loaded and its
    peak while it codes (the peak is reset after loading where Linux allows: ``clear_refs``)."""
    from nestor.config import Settings
    from nestor.engine import Worker

    arts = _articles(Path(corpus))
    w = Worker(Settings(workers=2, nlp_batch_size=b))
    gc.freeze()
    loaded = _status_mb("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")     # peak RSS := current RSS
        reset = True
    except OSError:
        reset = False
    for i in range(0, len(arts), b):
        w.run(arts[i:i + b])
    peak = _status_mb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"loaded_mb": loaded, "peak_mb": peak, "reset": reset}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--sizes", default="8,16,32,64")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--no-rss", action="store_true")
    ap.add_argument("--rss-child", nargs=2, metavar=("CORPUS", "B"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.rss_child:
        _rss_child(a.rss_child[0], int(a.rss_child[1]))
        return
    import spacy

    from nestor.config import Settings, installed_models
    from nestor.geo import default_gazetteer
    from nestor.knowledge import Knowledge
    from nestor.nlp import load_model

    corpus = Path(tempfile.mkdtemp()) / "corpus"
    build_corpus(a.source, a.n, corpus)
    arts = _articles(corpus)
    texts = [x.text for x in arts]
    sizes = [int(x) for x in a.sizes.split(",")]
    stock, ours = spacy.load(installed_models()[0]), load_model("auto")
    kb = Knowledge.load(Settings())
    default_gazetteer()
    gc.freeze()
    for nlp in (stock, ours):
        list(nlp.pipe(texts[:4], batch_size=4))
    runs = [("stock", 8)] + [(f"parse {b}", b) for b in sizes]
    best: dict[str, float] = {}
    hashes: dict[int, str] = {}
    docs: list = []
    for rep in range(a.reps):
        k = rep % len(runs)
        for name, b in runs[k:] + runs[:k]:
            cpu, got, h = _parse(stock if name == "stock" else ours, texts, b)
            best[name] = min(best.get(name, 1e9), cpu)
            if name != "stock":
                hashes[b] = h
                docs = got
            del got
        for name, cpu in _stages(arts, docs, kb).items():
            best[name] = min(best.get(name, 1e9), cpu)
    bare = best["stock"]
    print(f"{len(arts)} articles, CPU seconds (best of {a.reps}), ratio to the stock spaCy pass (batch 8):")
    for name, _ in runs:
        print(f"  {name:10s} {best[name]:7.2f} s  {best[name] / bare:5.3f}")
    stage_names = [n for n in best if n not in dict(runs)]
    ext = sum(best[n] for n in stage_names)
    for n in stage_names:
        print(f"  {n:10s} {best[n]:7.2f} s  {best[n] / bare:5.3f}")
    print(f"  {'extraction':10s} {ext:7.2f} s  {ext / bare:5.3f}")
    for b in sizes:
        print(f"  worker at batch {b}: parse + extraction = {(best[f'parse {b}'] + ext) / bare:5.3f} of stock")
    same = len(set(hashes.values())) == 1
    print("token attributes identical across batch sizes:", same, sorted(set(hashes.values()))[:1])
    if not a.no_rss:
        for b in sizes:
            out = subprocess.run([sys.executable, __file__, "--rss-child", str(corpus), str(b)],
                                 capture_output=True, text=True, check=True).stdout
            got = json.loads(out.splitlines()[-1])
            print(f"  worker at batch {b}: RSS {got['loaded_mb']:.0f} MB loaded, peak {got['peak_mb']:.0f} MB while coding"
                  + ("" if got["reset"] else " (peak since start: no clear_refs here)"))


if __name__ == "__main__":
    main()
