"""Docs stay true: every setting and every CLI command is documented."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from nestor.cli import app
from nestor.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "config.md").read_text("utf-8")
    missing = [f.name for f in dataclasses.fields(Settings) if f.name != "extra" and f"`{f.name}`" not in doc]
    assert not missing, f"settings missing from docs/config.md: {missing}"


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    missing = [n for n in names if f"nestor {n}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_record_column_is_documented():
    from nestor.store import RECORD_TABLES

    doc = (ROOT / "docs" / "records.md").read_text("utf-8")
    missing = [f"{t}.{f.name}" for t, (cls, _) in RECORD_TABLES.items() for f in dataclasses.fields(cls)
               if f"`{f.name}`" not in doc]
    assert not missing, f"columns missing from docs/records.md: {missing}"
