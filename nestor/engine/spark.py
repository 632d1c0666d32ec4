"""The Spark engine: the same per-article function, run in ``mapPartitions`` on a cluster.

Flow: the driver lists the input files; Spark distributes the paths; each partition reads its
files with nestor's readers, loads the spaCy model and the knowledge base **once per partition**
(:class:`nestor.engine.Worker`), runs the per-article extraction on bounded chunks, and emits one
JSON record per row of each table. Spark then writes one Parquet dataset per table under
``OUT/<table>/`` — ``articles`` partitioned by publication month, ``events`` by event month.
:func:`load` brings such a folder into a DuckDB store (idempotently), marks near-duplicates there
(the LSH index lives in the store, so detection spans runs) and runs the corpus steps (stories).

Spark is an optional extra (``pip install -e .[spark]``); without it
:class:`~nestor.errors.SparkUnavailable` says how to install it. On a cluster, ship nestor as a
wheel: ``spark-submit --py-files nestor-0.1.0-py3-none-any.whl ...`` (see docs/scale.md).
"""
from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import SparkUnavailable
from ..models import Article, ArticleResult, Skip

PARTITION_BY = {"articles": "published", "events": "date"}


def _spark_session(master: str, app: str = "nestor") -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise SparkUnavailable("the Spark engine needs PySpark: pip install -e '.[spark]' "
                               "(and a Java 17+ runtime)") from e
    import os
    import sys

    # local workers must run this interpreter (the one with nestor and its model installed)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (SparkSession.builder.master(master).appName(app)
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate())


def _spark_schema(cls: type) -> Any:
    from pyspark.sql import types as T

    from ..store import fields_of

    m = {str: T.StringType(), int: T.LongType(), float: T.DoubleType(), bool: T.BooleanType(), date: T.DateType()}
    return T.StructType([T.StructField(n, T.ArrayType(m[b]) if lst else m[b], True) for n, b, lst in fields_of(cls)])


def _rows(res: ArticleResult | Skip, warnings: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    from ..store import RESULT_FIELDS

    if isinstance(res, Skip):
        yield "skips", json.dumps(dataclasses.asdict(res))
        return
    yield "articles", json.dumps(dataclasses.asdict(res.article), default=str)
    for attr, table in RESULT_FIELDS.items():
        for rec in getattr(res, attr):
            yield table, json.dumps(dataclasses.asdict(rec), default=str)
    for w in (*warnings, *res.warnings):
        yield "warnings", json.dumps({"article_id": res.article.id, "message": w})


def _partition(settings: Settings) -> Any:
    def run(paths: Iterator[str]) -> Iterator[tuple[str, str]]:
        from ..ingest import read_documents
        from . import Worker

        worker: Worker | None = None
        it = (doc for p in paths for doc in read_documents(Path(p), Path(p).parent, settings))
        while chunk := list(itertools.islice(it, 16)):
            if worker is None and any(isinstance(d.item, Article) for d in chunk):
                worker = Worker(settings)       # one model per partition, loaded only if needed
            out: list[ArticleResult | Skip] = (worker.run([d.item for d in chunk]) if worker else
                                               [d.item for d in chunk if isinstance(d.item, Skip)])
            for doc, res in zip(chunk, out, strict=False):
                yield from _rows(res, doc.warnings)
    return run


def run_spark(paths: list[str], settings: Settings, out: str | Path, partitions: int | None = None) -> dict[str, int]:
    """Extract ``paths`` on Spark into Parquet datasets under ``out``; returns row counts per table."""
    from pyspark.sql import functions as F

    from ..ingest.readers import iter_files
    from ..store import RECORD_TABLES

    spark = _spark_session(settings.spark_master)
    files, skips = [], []
    for item in iter_files(paths):
        if isinstance(item, Skip):
            skips.append(item)
        else:
            files.append(str(item[0]))
    out = Path(out)
    counts: dict[str, int] = {}
    n = partitions or max(1, min(len(files), spark.sparkContext.defaultParallelism * 4))
    rdd = spark.sparkContext.parallelize(files, n).mapPartitions(_partition(settings)).cache()
    try:
        for table, (cls, _) in list(RECORD_TABLES.items()):
            part = rdd.filter(lambda kv, t=table: kv[0] == t).map(lambda kv: kv[1])
            df = spark.read.schema(_spark_schema(cls)).json(part)
            col = PARTITION_BY.get(table)
            writer = df.withColumn("month", F.coalesce(F.date_format(F.col(col), "yyyy-MM"), F.lit("unknown"))) \
                .write.mode("overwrite").partitionBy("month") if col else df.write.mode("overwrite")
            writer.parquet(str(out / table))
            counts[table] = df.count()
        extra = rdd.filter(lambda kv: kv[0] == "skips").map(lambda kv: kv[1]).collect()
        skips.extend(Skip(**json.loads(s)) for s in extra)
        (out / "skips.jsonl").write_text("".join(json.dumps(dataclasses.asdict(s)) + "\n" for s in skips), "utf-8")
        warns = rdd.filter(lambda kv: kv[0] == "warnings").map(lambda kv: kv[1]).collect()
        (out / "warnings.jsonl").write_text("".join(w + "\n" for w in warns), "utf-8")
        counts["skips"] = len(skips)
        counts["files"] = len(files) + sum(1 for s in skips if s.path not in files)
    finally:
        rdd.unpersist()
    return counts


def load(parquet_dir: str | Path, db: str | Path, settings: Settings | None = None) -> dict[str, int]:
    """Bring a Spark output folder into a DuckDB store through the local engine's batch path
    (:class:`nestor.pipeline.BatchWriter`): near-duplicates marked against the store's index,
    one transaction per batch, skips and warnings kept, a ``runs`` row, then the stories."""
    import uuid
    from collections import defaultdict
    from datetime import datetime

    import duckdb

    from ..errors import InputError
    from ..ingest.dedup import Deduper
    from ..pipeline import BatchWriter, RunReport, complete_stories
    from ..store import RECORD_TABLES, RESULT_FIELDS, Store

    settings = settings or Settings(db=str(db))
    src = Path(parquet_dir)
    if not (src / "articles").exists() or not any((src / "articles").rglob("*.parquet")):
        raise InputError(f"{src}: not a nestor Spark output folder (no articles/ dataset)")
    store = Store(db)
    store.check()
    report = RunReport(run_id="load-" + datetime.now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:6])
    with store.writer() as con:
        store.start_run(con, report.run_id, [str(src)], settings)
    staging = duckdb.connect()            # the Parquet datasets, read once, in memory-mapped temp tables
    try:
        for table in RECORD_TABLES:
            files = str(src / table / "**" / "*.parquet")
            if (src / table).exists() and any((src / table).rglob("*.parquet")):
                cols = ", ".join(f'"{f.name}"' for f in dataclasses.fields(RECORD_TABLES[table][0]))
                staging.execute(f"CREATE TABLE {table} AS SELECT {cols} FROM read_parquet('{files}', "
                                "hive_partitioning = true)")
        warns: dict[str, list[str]] = defaultdict(list)
        if (src / "warnings.jsonl").exists():
            for line in (src / "warnings.jsonl").read_text("utf-8").splitlines():
                w = json.loads(line)
                warns[w["article_id"]].append(w["message"])
        skips = []
        if (src / "skips.jsonl").exists():
            skips = [Skip(**json.loads(line)) for line in (src / "skips.jsonl").read_text("utf-8").splitlines()]
        dedup = Deduper(settings.dup_threshold, settings.minhash_perm)
        writer = BatchWriter(store, dedup, report)
        ids = [r[0] for r in staging.execute("SELECT id FROM articles ORDER BY path, id").fetchall()]
        report.counts["files"] = len({s.path.split("#")[0].split(":")[0] for s in skips})
        pending_skips = list(skips)
        for start in range(0, max(len(ids), 1), settings.store_batch):
            chunk = ids[start:start + settings.store_batch]
            with store.writer() as con:
                stored = store.existing_ids(con, chunk)
                report.counts["articles"] += len(chunk)
                report.counts["already_stored"] += len(stored)
                results = _results(staging, [a for a in chunk if a not in stored], RESULT_FIELDS, RECORD_TABLES)
                ok = [r for r in results if r.article.status == "ok"]
                for r, (dup, _sig, _bands) in zip(ok, dedup.check_batch(con, [(r.article.id, r.article.text)
                                                                             for r in ok]), strict=True):
                    if dup is not None:
                        # stored as a duplicate with no records, as the local engine stores it
                        r.article.status, r.article.duplicate_of = "duplicate", dup
                        for attr in RESULT_FIELDS:
                            setattr(r, attr, [])
            for r in results:
                writer.ingest_warnings[r.article.id] = [w for w in warns.get(r.article.id, [])
                                                        if w not in r.warnings]
            writer.write([*pending_skips, *results])
            pending_skips = []
        report.counts["stories"] = complete_stories(store)
        report.status = "completed"
    except BaseException:
        report.status = "failed"
        raise
    finally:
        staging.close()
        with store.writer() as con:
            store.finish_run(con, report.run_id, report.status, dict(report.counts), {})
    out = {k: report.counts.get(k, 0) for k in ("stored", "already_stored", "duplicates", "skipped", "stories")}
    out["articles"] = report.counts.get("stored", 0)
    out["run_id"] = report.run_id  # type: ignore[assignment]
    return out


def _results(staging: Any, ids: list[str], result_fields: dict[str, str], tables: dict[str, Any]) -> list[ArticleResult]:
    """ArticleResults rebuilt from the staged Parquet rows of some articles (one query per table)."""
    present = {r[0] for r in staging.execute("SELECT table_name FROM information_schema.tables").fetchall()}

    def records(table: str, key: str) -> dict[str, list[Any]]:
        cls = tables[table][0]
        cur = staging.execute(f"SELECT * FROM {table} WHERE {key} IN (SELECT unnest(?))", [ids])
        names = [d[0] for d in cur.description]
        out: dict[str, list[Any]] = {}
        for row in cur.fetchall():
            rec = cls(**dict(zip(names, row, strict=False)))
            out.setdefault(getattr(rec, key), []).append(rec)
        return out

    arts = records("articles", "id")
    res = {aid: ArticleResult(article=arts[aid][0]) for aid in ids if aid in arts}
    for attr, table in result_fields.items():
        if table in present:
            for aid, recs in records(table, "article_id").items():
                if aid in res:
                    setattr(res[aid], attr, recs)
    return [res[aid] for aid in ids if aid in res]
