"""Output that pipes: listings are tab-separated and unwrapped off a terminal; --json owns stdout."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nestor.cli import app, common
from nestor.config import Settings
from nestor.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]

TEXT = (
    "Leaders of Russia and China Sign Partnership Statement in Moscow\n\n"
    "MOSCOW, March 21, 2023 - Russian President Vladimir Putin and Chinese President Xi Jinping signed a joint "
    "statement on deepening their comprehensive partnership after talks in the Kremlin on Tuesday, the two "
    "governments said in a long, carefully worded readout.\n\n"
    "Putin said trade between the two countries reached $185 billion in 2022 and would exceed $200 billion "
    "this year.\n"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("pipes")
    (root / "in").mkdir()
    (root / "in" / "a.txt").write_text(TEXT, "utf-8")
    db = str(root / "pipes.duckdb")
    report = Pipeline(Settings(db=db, workers=1)).run([str(root / "in")])
    assert report.counts["stored"] == 1
    return db


def _nestor(*args: str) -> subprocess.CompletedProcess:
    # FORCE_COLOR makes Rich think any output is a terminal: a pipe must still get plain lines
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "COLUMNS": "80", "FORCE_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "nestor", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=300)


def _tsv(out: str) -> list[list[str]]:
    lines = out.rstrip("\n").split("\n")
    rows = [line.split("\t") for line in lines]
    assert len({len(r) for r in rows}) == 1, "every line has the header's number of fields"
    return rows


def test_listing_to_a_pipe_is_one_record_a_line(store):
    p = _nestor("actors", "--db", store)
    assert p.returncode == 0, p.stderr
    rows = _tsv(p.stdout)
    assert rows[0] == ["actor_id", "name", "kind", "code", "mentions", "articles"]
    names = [r[1] for r in rows[1:]]
    assert "Vladimir Putin" in names  # `nestor actors | grep Putin` finds the whole name on one line
    assert "┃" not in p.stdout and "\x1b[" not in p.stdout


def test_long_evidence_is_not_wrapped_at_80_columns(store):
    res = CliRunner().invoke(app, ["events", "--db", store])
    assert res.exit_code == 0
    rows = _tsv(res.stdout)
    assert rows[0][-1] == "evidence"
    assert max(len(line) for line in res.stdout.splitlines()) > 80
    assert any("Vladimir Putin and Chinese President Xi Jinping" in r[-1] for r in rows[1:])


def test_json_and_plot_message_do_not_share_stdout(store, tmp_path):
    plot = tmp_path / "claims.png"
    p = _nestor("claims", "--db", store, "--json", "--plot", str(plot))
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)  # the whole of stdout is the JSON document
    assert any("185" in c["text"] for c in data)
    assert "plot written" in p.stderr and plot.exists()


def test_timeline_plot_message_goes_to_stderr(store, tmp_path):
    plot = tmp_path / "t.png"
    res = CliRunner().invoke(app, ["timeline", "RUS", "CHN", "--db", store, "--json", "--plot", str(plot)])
    assert res.exit_code == 0
    assert isinstance(json.loads(res.stdout), list)
    assert "plot written" in res.stderr


def test_at_a_terminal_the_table_is_kept(monkeypatch, capsys):
    monkeypatch.setattr(common, "to_terminal", lambda: True)
    common.emit([{"a": "x", "b": 1}], ["a", "b"], as_json=False)
    out = capsys.readouterr().out
    assert "┃" in out or "│" in out
    assert "\t" not in out


def test_cells_with_tabs_and_line_breaks_stay_in_their_field(capsys):
    common.emit([{"a": "one\ttwo\nthree", "b": None, "c": [1, 2], "d": 0.123456789}], ["a", "b", "c", "d"],
                as_json=False)
    out = capsys.readouterr().out
    assert out == "a\tb\tc\td\none two three\t\t1, 2\t0.123457\n"


def test_plain_prints_are_not_wrapped_off_a_terminal(capsys):
    line = "word " * 60
    common.console.print(line)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.strip() == line.strip()
