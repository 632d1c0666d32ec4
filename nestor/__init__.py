"""nestor: evidence-linked political event data and timelines from news articles, offline.

>>> import nestor
>>> report = nestor.Pipeline(nestor.Settings(db="my.duckdb")).run(["articles/"])
>>> db = nestor.open("my.duckdb")
>>> db.articles()[:1]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import Settings
from .errors import NestorError

if TYPE_CHECKING:
    from .api import Nestor, open
    from .pipeline import Pipeline, RunReport

__version__ = "0.1.0"
__all__ = ["Nestor", "NestorError", "Pipeline", "RunReport", "Settings", "__version__", "open"]

# The API and the pipeline import spaCy, DuckDB and the ingest libraries; they are loaded on first
# use, so that the command line can check those dependencies first (nestor.preflight) and report a
# missing one in one line instead of a traceback at `import nestor`.
_LAZY = {"Nestor": ".api", "open": ".api", "Pipeline": ".pipeline", "RunReport": ".pipeline"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
