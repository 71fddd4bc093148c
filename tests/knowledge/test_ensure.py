"""``knowledge.ensure``: a path somebody names is opened as it is, never built over or created."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from knowledge.build import is_current
from knowledge.ensure import open_knowledge_base
from knowledge.kb import KnowledgeBaseError
from knowledge.paths import DATA_DIR


def test_an_explicit_path_opens_as_it_is(tmp_path: Path, kb_path: Path) -> None:
    path = tmp_path / "mine.db"
    shutil.copyfile(kb_path, path)
    before = path.read_bytes()
    kb = open_knowledge_base(path, quiet=True)
    assert kb.history("dtv-crc")
    kb.close()
    assert path.read_bytes() == before


def test_a_stale_explicit_path_is_not_rebuilt(tmp_path: Path, kb_path: Path) -> None:
    path = tmp_path / "stale.db"
    shutil.copyfile(kb_path, path)
    conn = sqlite3.connect(path)
    conn.execute("update meta set value = 'older data' where key = 'data_sha256'")
    conn.commit()
    conn.close()
    assert not is_current(path, DATA_DIR)
    before = path.read_bytes()
    open_knowledge_base(path, quiet=True).close()
    assert path.read_bytes() == before


def test_a_missing_explicit_path_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="not found"):
        open_knowledge_base(tmp_path / "absent.db", quiet=True)
    assert list(tmp_path.iterdir()) == []


def test_probation_kb_names_the_default(tmp_path: Path, kb_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.db"
    shutil.copyfile(kb_path, path)
    monkeypatch.setenv("PROBATION_KB", str(path))
    kb = open_knowledge_base(quiet=True)
    assert kb.path == path
    kb.close()
    monkeypatch.setenv("PROBATION_KB", str(tmp_path / "absent.db"))
    with pytest.raises(KnowledgeBaseError):
        open_knowledge_base(quiet=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env.db"]
