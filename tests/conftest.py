"""Shared fixtures: the real knowledge base, built once per test session from the real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.build import build
from knowledge.kb import KnowledgeBase
from knowledge.paths import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base built from ``knowledge/data`` into a temporary folder."""
    path = tmp_path_factory.mktemp("kb") / "probation.db"
    build(DATA_DIR, path)
    return path


@pytest.fixture(scope="session")
def kb(kb_path) -> KnowledgeBase:
    return KnowledgeBase(kb_path)


@pytest.fixture(scope="session")
def engine(kb):
    from responses import Engine

    return Engine(kb)
