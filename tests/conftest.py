"""Shared fixtures. The spaCy model and the knowledge base load once per test session."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from nestor.config import Settings
from nestor.models import Article, ArticleResult, content_id

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"
EVAL_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "plover_gsr_dev.json"


@pytest.fixture(scope="session")
def nlp():
    from nestor.nlp import load_model

    return load_model("auto")


@pytest.fixture(scope="session")
def knowledge():
    from nestor.knowledge import Knowledge

    return Knowledge.load(Settings())


@pytest.fixture
def make_article():
    def make(text: str, published: date | None = date(2024, 5, 16), title: str | None = None,
             **kw) -> Article:
        return Article(id=content_id(text), text=text, title=title, published=published,
                       date_source="metadata" if published else "unknown", n_chars=len(text),
                       n_words=len(text.split()), **kw)
    return make


@pytest.fixture
def extract_text(nlp, knowledge, make_article):
    """Run the whole per-article extraction on a text you write: extract_text(text, published)."""
    from nestor.extract import extract

    def run(text: str, published: date | None = date(2024, 5, 16), **kw) -> ArticleResult:
        art = make_article(text, published, **kw)
        return extract(art, nlp(text), knowledge)
    return run


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "t.duckdb")


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not present at {SEEDS} (../shared beside the repo)")
    return SEEDS


@pytest.fixture
def eval_dev() -> Path:
    if not EVAL_DEV.is_file():
        pytest.skip(f"eval file not present at {EVAL_DEV} (../shared beside the repo)")
    return EVAL_DEV


os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
