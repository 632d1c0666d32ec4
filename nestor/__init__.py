"""nestor: evidence-linked political event data and timelines from news articles, offline.

>>> import nestor
>>> report = nestor.Pipeline(nestor.Settings(db="my.duckdb")).run(["articles/"])
>>> db = nestor.open("my.duckdb")
>>> db.articles()[:1]
"""
from __future__ import annotations

from .api import Nestor, open
from .config import Settings
from .errors import NestorError
from .pipeline import Pipeline, RunReport

__version__ = "0.1.0"
__all__ = ["Nestor", "open", "Settings", "NestorError", "Pipeline", "RunReport", "__version__"]
