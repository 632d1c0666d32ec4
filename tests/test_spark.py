"""The Spark engine (local[2]) produces the same records as the local engine."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from nestor.config import Settings
from nestor.pipeline import Pipeline

TEXTS = {
    "a.txt": "Kenya and Tanzania Sign Border Deal\nMarch 2, 2021\n\nKenya signed a border agreement with Tanzania "
             "on Tuesday. Kenyan President Uhuru Kenyatta said trade reached $2 billion last year.",
    "b.txt": "Peru Recalls Ambassador\nApril 9, 2022\n\nPeru recalled its ambassador from Chile and accused "
             "Chilean officials of spying. Chile rejected the claim.",
    "c.jsonl": '{"title": "Norway praises Fiji", "text": "Norway praised Fiji for its climate policy. '
               'The two countries will expand cooperation on ocean research.", "published": "2023-05-05"}\n'
               '{"broken json\n',
}


def keys(db: str) -> dict[str, set]:
    con = duckdb.connect(db, read_only=True)
    try:
        return {
            "articles": {r for r in con.execute("SELECT id, title, published, status FROM articles").fetchall()},
            "events": {r for r in con.execute("SELECT id, event_type, source_code, target_code, date FROM events").fetchall()},
            "claims": {r for r in con.execute("SELECT id, value, unit, status FROM claims").fetchall()},
            "accords": {r for r in con.execute("SELECT id, title FROM accords").fetchall()},
            "mentions": {r for r in con.execute("SELECT article_id, start, actor_id FROM mentions").fetchall()},
            "stories": {r for r in con.execute("SELECT id, dyad, date FROM stories").fetchall()},
        }
    finally:
        con.close()


@pytest.mark.slow
def test_spark_local2_equals_local_engine(tmp_path):
    pytest.importorskip("pyspark", reason="pyspark not installed (pip install -e '.[spark]')")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for Spark")
    from nestor.engine.spark import load, run_spark

    corpus = tmp_path / "in"
    corpus.mkdir()
    for name, text in TEXTS.items():
        (corpus / name).write_text(text, "utf-8")
    local_db = str(tmp_path / "local.duckdb")
    Pipeline(Settings(db=local_db)).run([str(corpus)])
    spark_db = str(tmp_path / "spark.duckdb")
    s = Settings(db=spark_db, engine="spark", spark_master="local[2]")
    counts = run_spark([str(corpus)], s, tmp_path / "out", partitions=2)
    assert counts["articles"] == 3 and counts["skips"] == 1
    assert any((tmp_path / "out" / "articles").glob("month=*"))
    loaded = load(tmp_path / "out", spark_db, s)
    assert loaded["articles"] == 3
    a, b = keys(local_db), keys(spark_db)
    for table in a:
        assert a[table] == b[table], table
    assert a["events"], "the corpus should produce events"
    # loading again adds nothing
    again = load(tmp_path / "out", spark_db, s)
    assert again["articles"] == 0 and keys(spark_db) == b
    # the loader wrote through the batch path: a runs row per load, the skip and the warnings kept
    import nestor

    n = nestor.open(spark_db)
    runs = n.runs()
    assert [r["status"] for r in runs] == ["completed", "completed"] and runs[1]["run_id"].startswith("load-")
    assert runs[1]["stored"] == 3 and runs[0]["already_stored"] == 3
    assert [s["reason"] for s in n.skips(runs[1]["run_id"])] == ["malformed_json"]
    con = duckdb.connect(spark_db, read_only=True)
    assert con.execute("SELECT count(*) FROM lsh_bands").fetchall()[0][0] == 16 * 3
    assert con.execute("SELECT count(*) FROM story_dirty").fetchall()[0][0] == 0
    con.close()
