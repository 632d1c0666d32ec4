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


def _rows(res: ArticleResult | Skip) -> Iterator[tuple[str, str]]:
    from ..store import RESULT_FIELDS

    if isinstance(res, Skip):
        yield "skips", json.dumps(dataclasses.asdict(res))
        return
    yield "articles", json.dumps(dataclasses.asdict(res.article), default=str)
    for attr, table in RESULT_FIELDS.items():
        for rec in getattr(res, attr):
            yield table, json.dumps(dataclasses.asdict(rec), default=str)
    for w in res.warnings:
        yield "warnings", json.dumps({"article_id": res.article.id, "message": w})


def _partition(settings: Settings) -> Any:
    def run(paths: Iterator[str]) -> Iterator[tuple[str, str]]:
        from ..ingest import draft_to_article
        from ..ingest.readers import read_file
        from . import Worker

        worker: Worker | None = None

        def items() -> Iterator[Article | Skip]:
            for p in paths:
                path = Path(p)
                for d in read_file(path, path.parent, settings.max_file_bytes):
                    yield d if isinstance(d, Skip) else draft_to_article(d, settings)

        it = items()
        while chunk := list(itertools.islice(it, 16)):
            if worker is None and any(isinstance(x, Article) for x in chunk):
                worker = Worker(settings)       # one model per partition, loaded only if needed
            out = worker.run(chunk) if worker else chunk
            for res in out:
                yield from _rows(res)
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
    """Bring a Spark output folder into a DuckDB store; mark near-duplicates; update stories."""
    from .. import stories
    from ..ingest.dedup import Deduper
    from ..store import RECORD_TABLES, Store

    settings = settings or Settings(db=str(db))
    src = Path(parquet_dir)
    if not (src / "articles").exists():
        from ..errors import InputError

        raise InputError(f"{src}: not a nestor Spark output folder (no articles/ dataset)")
    store = Store(db)
    counts: dict[str, int] = {}
    run_id = "load-" + src.name
    with store.writer() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            before = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
            for table, (cls, key) in RECORD_TABLES.items():
                if not (src / table).exists() or not any((src / table).rglob("*.parquet")):
                    continue
                cols = ", ".join(f'"{f.name}"' for f in dataclasses.fields(cls))
                pattern = str(src / table / "**" / "*.parquet")
                if table == "articles":
                    con.execute(f"CREATE TEMP TABLE _new AS SELECT {cols} FROM read_parquet('{pattern}', "
                                f"hive_partitioning = true) WHERE id NOT IN (SELECT id FROM articles)")
                    con.execute("INSERT INTO articles SELECT * FROM _new ON CONFLICT DO NOTHING")
                    counts[table] = con.execute("SELECT count(*) FROM _new").fetchall()[0][0]
                    continue
                q = (f"INSERT INTO {table} SELECT {cols} FROM read_parquet('{pattern}', hive_partitioning = true)"
                     f" WHERE article_id IN (SELECT id FROM _new)" + (" ON CONFLICT DO NOTHING" if key else ""))
                con.execute(q)
                counts[table] = con.execute(f"SELECT count(*) FROM {table} WHERE article_id IN (SELECT id FROM _new)"
                                            ).fetchall()[0][0]
            skips_file = src / "skips.jsonl"
            if skips_file.exists():
                for line in skips_file.read_text("utf-8").splitlines():
                    s = json.loads(line)
                    con.execute("INSERT INTO skips VALUES (?, ?, ?, ?, now())", [run_id, s["path"], s["reason"], s["detail"]])
            # near-duplicates, in a stable order, against the store's LSH index
            dedup = Deduper(settings.dup_threshold, settings.minhash_perm)
            for aid, text in con.execute("SELECT id, text FROM _new WHERE status = 'ok' ORDER BY path, id").fetchall():
                dup, sig, bands = dedup.check(con, aid, text)
                if dup is not None:
                    con.execute("UPDATE articles SET status = 'duplicate', duplicate_of = ? WHERE id = ?", [dup, aid])
                    for t in ("sentences", "entities", "mentions", "timexes", "events", "claims", "accords"):
                        con.execute(f"DELETE FROM {t} WHERE article_id = ?", [aid])
                    counts["duplicates"] = counts.get("duplicates", 0) + 1
                else:
                    con.executemany("INSERT INTO lsh_bands VALUES (?, ?, ?)", [(b, h, aid) for b, h in enumerate(bands)])
                    con.execute("INSERT INTO signatures VALUES (?, ?) ON CONFLICT DO NOTHING", [aid, [int(x) for x in sig]])
            new_ids = [r[0] for r in con.execute("SELECT id FROM _new").fetchall()]
            con.execute("DROP TABLE _new")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        counts["stories"] = stories.update(con, new_ids)
        counts["articles_in_store_before"] = before
    return counts

