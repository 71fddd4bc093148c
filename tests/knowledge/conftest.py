"""Fixtures for the knowledge-base tests: writable copies of the real data and fresh builds of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.paths import DATA_DIR


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of ``knowledge/data`` that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def previous_db(tmp_path: Path, kb_path: Path) -> Path:
    """A previously built knowledge base (a copy of the session's) in this test's own folder."""
    out = tmp_path / "out" / "probation.db"
    out.parent.mkdir()
    shutil.copyfile(kb_path, out)
    return out
