"""Benchmark: nestor's end-to-end run against the bare spaCy pass, on the same texts, in one run.

    python benchmarks/run.py [--source DIR] [--sizes 100,400] [--workers 2]

Builds corpora of N articles by recombining the paragraphs of the texts in ``--source`` (default
``../shared/corpus/seeds``): each article takes a random sample of paragraphs from all sources
and a title of its own, so that near-duplicate detection does not collapse them. For each size it
measures, each in a fresh subprocess (so peak RSS is that of the measured work alone):

* ``bare``: ``nlp.pipe(texts, batch_size=8)`` over the articles' texts — the issue's baseline (the
  single-process ``nlp.pipe`` pass, spaCy's default batch size). ``nlp`` is the STOCK pipeline,
  ``spacy.load`` of the installed model as spaCy ships it, not nestor's ``load_model`` (which adds
  ``nestor_paragraphs`` and swaps in its faster attribute ruler and lemmatizer), so that the ratios
  compare nestor with plain spaCy;
* ``bare32``: the same stock pass at ``batch_size=32``, the batch nestor's workers use: the fair
  floor (spaCy's batched layers cost less per article at 32 than at 8); every ratio is printed
  against both;
* ``run-1``: ``nestor run`` with one worker (ingest, clean, dedup, parse, extract, store, stories);
* ``run-N``: ``nestor run`` with N workers (default: all cores).

It prints articles/s, words/s, peak RSS of the parent process and of the largest child (a pool
worker) separately, the ratio of end-to-end time to the bare pass (targets: ≤ 1.33 for one worker,
≤ 0.60 for all cores on 2 cores), the speed-up of N workers over one and its share per worker,
the per-stage time split the run records (ingest, dedup, store, stories, total), the parent's peak
RSS when each stage last ended (the stage where it jumps set the peak), and how time and memory
change between the sizes. ``--sizes 300`` is the quick check (under two minutes on 2 cores).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))     # this checkout's nestor, also in the measured subprocesses
# ../shared beside the repo; a git worktree one level deeper (wt/NAME) finds the same folder
DEFAULT_SOURCE = next((p for p in (HERE.parent.parent / "shared" / "corpus" / "seeds",
                                   HERE.parent.parent.parent / "shared" / "corpus" / "seeds") if p.is_dir()),
                      HERE.parent.parent / "shared" / "corpus" / "seeds")


def build_corpus(source: Path, n: int, out: Path, seed: int = 0) -> int:
    paras = []
    for f in sorted(source.glob("*")):
        if f.is_file():
            paras += [p.strip() for p in f.read_text("utf-8", errors="replace").split("\n") if len(p.split()) >= 12]
    if not paras:
        raise SystemExit(f"no usable paragraphs in {source}")
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(n):
        body = rnd.sample(paras, min(len(paras), rnd.randint(6, 10)))
        text = f"Benchmark report number {i}\n\n" + "\n\n".join(body)
        (out / f"a{i:06d}.txt").write_text(text, "utf-8")
        words += len(text.split())
    return words


class DescendantPeak:
    """The largest peak RSS (``VmHWM``) among this process's descendants, polled from ``/proc``.

    Pool workers forked by the fork server are its children, not this process's, so
    ``RUSAGE_CHILDREN`` does not see them (nor the server, which outlives the run); where ``/proc``
    is missing the caller falls back to ``RUSAGE_CHILDREN``."""

    def __init__(self) -> None:
        import threading

        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self.available = Path(f"/proc/{os.getpid()}/task").is_dir()
        if self.available:
            self._thread.start()

    def _descendants(self) -> list[int]:
        out, todo = [], [os.getpid()]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                try:
                    kids = [int(x) for x in task.read_text().split()]
                except OSError:
                    continue
                out += kids
                todo += kids
        return out

    def _poll(self) -> None:
        while not self._stop.wait(0.2):
            for pid in self._descendants():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))

    def stop(self) -> float:
        """Peak RSS in MB of the largest descendant seen."""
        if self.available:
            self._stop.set()
            self._thread.join()
        return self.peak_kb / 1024


def measure(kind: str, corpus: Path, workers: int) -> dict:
    peak = DescendantPeak()
    rss_by_stage: dict[str, float] = {}
    t0 = time.perf_counter()
    if kind in ("bare", "bare32"):
        import spacy

        from nestor.config import installed_models

        nlp = spacy.load(installed_models()[0])         # stock spaCy: no nestor component, no swap
        texts = [p.read_text("utf-8") for p in sorted(corpus.glob("*.txt"))]
        t0 = time.perf_counter()
        n = sum(1 for _ in nlp.pipe(texts, batch_size=32 if kind == "bare32" else 8))
        stages: dict[str, float] = {}
    elif kind == "spark":
        from nestor.config import Settings
        from nestor.engine.spark import load, run_spark

        tmp = Path(tempfile.mkdtemp())
        settings = Settings(db=str(tmp / "bench.duckdb"), engine="spark", spark_master=f"local[{workers}]")
        run_spark([str(corpus)], settings, tmp / "out")       # JVM start, read, parse, extract, Parquet
        t1 = time.perf_counter()
        n = load(tmp / "out", tmp / "bench.duckdb", settings)["articles"]   # the batch path, stories
        stages = {"spark (JVM, parse, extract, Parquet)": t1 - t0, "load into the store": time.perf_counter() - t1}
    else:
        from nestor.config import Settings

        if workers > 1:        # as `nestor run` does: the fork server loads the model while the pipeline is imported
            from nestor.engine import start_pool_server

            start_pool_server(Settings(workers=workers))
        from nestor.pipeline import Pipeline

        db = Path(tempfile.mkdtemp()) / "bench.duckdb"
        rep = Pipeline(Settings(db=str(db), workers=workers)).run([str(corpus)])
        n = rep.counts["stored"]
        stages = dict(rep.durations)
        rss_by_stage = dict(rep.peak_rss_mb)
    secs = time.perf_counter() - t0
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = max(peak.stop(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    stages = {k: round(v, 2) for k, v in stages.items()}
    return {"kind": kind, "articles": n, "seconds": secs, "peak_rss_mb": max(self_rss, child_rss),
            "parent_rss_mb": self_rss, "worker_rss_mb": child_rss, "stages": stages,
            "parent_rss_by_stage": rss_by_stage}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--sizes", default="100,400")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--runs", default="bare,bare32,1,N",
                    help="which runs, in order: bare (stock spaCy, batch 8), bare32 (batch 32), 1, N (all "
                         "cores), spark (local[N]); e.g. '--runs N' for a memory-only pass at 10,000 articles, "
                         "'--runs bare,N,spark' for the Spark comparison")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.measure:
        print(json.dumps(measure(a.measure, a.corpus, a.workers)))
        return
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    results = {}
    for n in [int(x) for x in a.sizes.split(",")]:
        corpus = Path(tempfile.mkdtemp()) / f"corpus{n}"
        words = build_corpus(a.source, n, corpus)
        rows = {}
        plan = {"bare": ("bare", 1), "bare32": ("bare32", 1), "1": ("run", 1), "N": ("run", a.workers),
                "spark": ("spark", a.workers)}
        for name in a.runs.split(","):
            kind, w = plan[name.strip()]
            out = subprocess.run([sys.executable, __file__, "--measure", kind, "--corpus", str(corpus),
                                  "--workers", str(w)], capture_output=True, text=True)
            if out.returncode != 0:
                print(f"N={n:6d} {name}: failed\n{out.stderr[-2000:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            label = kind if kind.startswith("bare") else f"spark-local[{w}]" if kind == "spark" else f"run-{w}"
            rows[label] = r
            rss = (f"peak RSS {r['peak_rss_mb']:6.0f} MB" if kind.startswith("bare") or w == 1 else
                   f"peak RSS parent {r['parent_rss_mb']:5.0f} MB, largest worker {r['worker_rss_mb']:5.0f} MB")
            ratio = "".join(f"  ratio to {b} {r['seconds'] / rows[b]['seconds']:.2f}"
                            for b in ("bare", "bare32") if b in rows and b != label)
            print(f"N={n:6d} {label:6s} {r['seconds']:8.1f} s  {n / r['seconds']:7.1f} articles/s  "
                  f"{words / r['seconds']:8.0f} words/s  {rss}{ratio}", flush=True)
            if r.get("stages"):
                print("         stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items()), flush=True)
            if r.get("parent_rss_by_stage"):
                print("         parent's peak RSS when each stage last ended: " +
                      ", ".join(f"{k} {v:.0f} MB" for k, v in r["parent_rss_by_stage"].items()), flush=True)
        many = rows.get(f"run-{a.workers}")
        if a.workers > 1 and "run-1" in rows and many:
            one, m = rows["run-1"]["seconds"], many["seconds"]
            print(f"N={n:6d} speed-up of {a.workers} workers over 1: x{one / m:.2f} "
                  f"({one / m / a.workers:.2f} per worker; 1.00 is linear)")
        for b, what in (("bare", "batch 8, the issue's baseline"), ("bare32", "batch 32, nestor's batch")):
            if b in rows and many:
                print(f"N={n:6d} all cores ({a.workers} workers) / {b} single-process pass ({what}): "
                      f"{many['seconds'] / rows[b]['seconds']:.2f} (goal <= 0.60)")
        sp = rows.get(f"spark-local[{a.workers}]")
        if sp and many:
            per = sp["seconds"] / n
            print(f"N={n:6d} spark local[{a.workers}] / local engine with {a.workers} workers: "
                  f"{sp['seconds'] / many['seconds']:.2f}; {per * 1000:.0f} ms per article on {a.workers} cores "
                  f"= {per * a.workers:.2f} core-s per article")
        results[n] = rows
    sizes = sorted(results)
    if len(sizes) > 1:
        lo, hi = results[sizes[0]], results[sizes[-1]]
        for label in [x for x in lo if x in hi]:
            print(f"{label}: time per article x{(hi[label]['seconds'] / sizes[-1]) / (lo[label]['seconds'] / sizes[0]):.2f}, "
                  f"peak RSS x{hi[label]['peak_rss_mb'] / lo[label]['peak_rss_mb']:.2f} (parent "
                  f"x{hi[label]['parent_rss_mb'] / lo[label]['parent_rss_mb']:.2f}, largest worker "
                  f"x{hi[label]['worker_rss_mb'] / max(1.0, lo[label]['worker_rss_mb']):.2f}) "
                  f"from N={sizes[0]} to N={sizes[-1]}")


if __name__ == "__main__":
    main()
