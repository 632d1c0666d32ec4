"""The install stays reproducible: README's commands are what CI runs, the lock matches pyproject."""
from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _readme_command(heading: str) -> str:
    """What .ci/run's own readme_command function takes from README.md."""
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    func = re.search(r"^readme_command\(\) \{\n.*?^\}\n", ci, re.DOTALL | re.MULTILINE)
    assert func, ".ci/run defines readme_command"
    p = subprocess.run(["bash", "-c", func.group(0) + f'readme_command "{heading}"'], cwd=ROOT, check=True,
                       capture_output=True, text=True, timeout=30)
    return p.stdout.strip()


def test_ci_runs_readmes_set_up_and_test_commands_as_written():
    setup, tests = _readme_command("Set up and run"), _readme_command("Run the tests")
    readme = (ROOT / "README.md").read_text("utf-8")
    assert setup and setup in readme and tests and tests in readme
    assert "pip install -c constraints.txt -e ." in setup and "nestor demo" in setup
    assert "nestor timeline RUS CHN" in setup
    assert 'pip install -c constraints.txt -e ".[test]"' in tests and "python -m pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert 'eval "${SETUP//.venv/' in ci and 'eval "$TESTS"' in ci
    # the same pip as a user: CI upgrades it only if README does
    assert ("--upgrade pip" in ci) == ("--upgrade pip" in readme)
    assert '-m "not slow and not browser"' in ci  # the second set, newest allowed versions


def _declared() -> list[Requirement]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    reqs = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        reqs += extra
    return [Requirement(r) for r in reqs]


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_every_declared_dependency_is_locked_within_its_range():
    pins = _locked()
    for req in _declared():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is declared but not in constraints.txt (scripts/refresh-constraints.sh)"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {req.name}=={pins[name]}, outside the declared {req}"


def test_runtime_imports_have_upper_bounds_where_upstream_breaks():
    declared = {canonicalize_name(r.name): r for r in _declared()}
    # lxml.html.clean left lxml in 5.2; jusText (trafilatura) imports it. Named directly, not as
    # lxml's extra, which pip 23.2 does not match under its normalised name.
    assert "lxml-html-clean" in declared
    for name in ("spacy", "duckdb", "pyarrow", "fastapi", "typer", "trafilatura", "pyspark", "numpy", "lxml"):
        assert any(s.operator in ("<", "<=", "==") for s in declared[name].specifier), f"{name} has no upper bound"
