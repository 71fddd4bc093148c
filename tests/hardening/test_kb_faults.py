"""Knowledge base faults the bot must survive: a bad file, writes, and a rebuild under its feet.

* ``probation-bot ask --db BAD "x"`` ends with one line on standard error and exit code 3 (its own,
  not the 1 of bad data or the 2 of a bad command line), never a traceback, for every kind of bad file;
* the knowledge base the bot and the terminal open (``knowledge.ensure.open_knowledge_base``) is
  read-only: writing through its connection fails, and answering leaves the file byte for byte as it was;
* rebuilding the database at the same path while an engine answers in another thread breaks no answer.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import EXIT_DATA, EXIT_KB, EXIT_USAGE, main
from knowledge.build import build
from knowledge.ensure import open_knowledge_base
from knowledge.kb import KnowledgeBase, KnowledgeBaseError
from knowledge.paths import DATA_DIR
from responses import Engine

SCRIPT = Path(sys.executable).parent / "probation-bot"


def _copy(good: Path, path: Path) -> None:
    shutil.copyfile(good, path)


def _truncated(good: Path, path: Path) -> None:
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _header_zeroed(good: Path, path: Path) -> None:
    data = bytearray(good.read_bytes())
    data[100:4096] = bytes(4096 - 100)  # the schema on page 1, after the 100-byte file header
    path.write_bytes(bytes(data))


def _other_sqlite(good: Path, path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (x)")
    conn.close()


def _old_schema(good: Path, path: Path) -> None:
    shutil.copyfile(good, path)
    with sqlite3.connect(path) as conn:
        conn.execute("update meta set value = '0' where key = 'schema_version'")
    conn.close()


def _directory(good: Path, path: Path) -> None:
    path.mkdir()


BAD: dict[str, Callable[[Path, Path], object]] = {
    "missing": lambda good, path: None,
    "empty": lambda good, path: path.write_bytes(b""),
    "text": lambda good, path: path.write_text("inspection_id,org_id\nx,y\n"),
    "random bytes": lambda good, path: path.write_bytes(bytes(range(256)) * 200),
    "truncated": _truncated,
    "schema page zeroed": _header_zeroed,
    "another sqlite database": _other_sqlite,
    "an older schema": _old_schema,
    "a directory": _directory,
}


def test_the_exit_codes_are_distinct():
    assert len({0, EXIT_USAGE, EXIT_DATA, EXIT_KB}) == 4


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_database_is_one_line_and_its_own_exit_code(kind, kb_path, tmp_path, capsys):
    bad = tmp_path / "bad.db"
    BAD[kind](kb_path, bad)
    code = main(["ask", "--db", str(bad), "x"])
    out, err = capsys.readouterr()
    assert code == EXIT_KB, (code, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("probation-bot: ") and "bad.db" in lines[0], err
    assert "Traceback" not in err


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
@pytest.mark.parametrize("kind", ["truncated", "missing"])
def test_the_installed_command_on_a_bad_database(kind, kb_path, tmp_path):
    bad = tmp_path / "bad.db"
    BAD[kind](kb_path, bad)
    done = subprocess.run(
        [str(SCRIPT), "ask", "--db", str(bad), "how did Sheffield do?"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == EXIT_KB
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr


def _damage_table(good: Path, path: Path, table: str) -> None:
    """Overwrite the first page of ``table``'s b-tree: the file opens, only that table's queries fail."""
    shutil.copyfile(good, path)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        page_size = conn.execute("pragma page_size").fetchone()[0]
        root = conn.execute("select rootpage from sqlite_master where name = ?", (table,)).fetchone()[0]
    conn.close()
    with path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\x55" * page_size)


def test_a_database_damaged_inside_is_refused_when_opened(kb_path, tmp_path, capsys):
    bad = tmp_path / "bad.db"
    _damage_table(kb_path, bad, "findings_fts_data")
    code = main(["ask", "--db", str(bad), "what did inspectors say about staffing?"])
    _out, err = capsys.readouterr()
    assert code == EXIT_KB and len(err.splitlines()) == 1


def test_damage_inside_the_database_is_found_when_opening_not_mid_answer(kb_path, tmp_path):
    """PRAGMA quick_check at open: a damaged file is one clear error up front, never half an answer later."""
    bad = tmp_path / "bad.db"
    _damage_table(kb_path, bad, "findings_fts_data")
    with pytest.raises(KnowledgeBaseError) as caught:
        KnowledgeBase(bad)
    assert re.search("damaged|malformed", str(caught.value)) and "\n" not in str(caught.value)


# -- read-only ---------------------------------------------------------------------------------------


def test_the_knowledge_base_the_bot_opens_is_read_only(kb_path, tmp_path):
    path = tmp_path / "kb" / "probation.db"
    path.parent.mkdir()
    shutil.copyfile(kb_path, path)
    before = path.read_bytes()
    engine = Engine(open_knowledge_base(path))  # as bot.app.run_bot and the CLI do
    conn = engine.kb._conn
    for sql in (
        "insert into meta (key, value) values ('x', 'y')",
        "delete from findings",
        "update inspections set overall_rating = 'Outstanding'",
        "drop table aliases",
        "create table evil (x)",
        "insert into findings_fts(findings_fts) values ('rebuild')",
        "pragma user_version = 7",
        "vacuum",
    ):
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|read only"):
            conn.execute(sql)
        conn.rollback()  # Python's sqlite3 opened a transaction for the failed write
    for question in (
        "how did Sheffield do?",
        "/league",
        "/find caseloads",
        "how many people were on probation?",
        "'; DROP TABLE inspections; --",
        "compare Leeds and Wakefield",
    ):
        assert engine.ask(question).intent != "error"
    engine.kb.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["probation.db"]  # no journal, WAL or lock files


# -- rebuilds while answering --------------------------------------------------------------------------

REBUILD_QUESTIONS = [
    "how did Sheffield do?",
    "/league crc",
    "/find caseloads",
    "what did inspectors say about staffing?",
    "how many people were under probation supervision in 2018?",
    "which CRCs were rated inadequate?",
    "compare Sheffield and Doncaster",
    "Has Durham Tees Valley CRC improved?",
    "/sources",
    "/about",
    "who owns Merseyside CRC",
    "standards for BGSW",
    "how did Wales do?",
    "/latest",
]


def test_a_rebuild_while_answering_breaks_no_answer(tmp_path):
    path = tmp_path / "live.db"
    build(DATA_DIR, path)
    engine = Engine(KnowledgeBase(path))
    expected = {q: engine.ask(q).text for q in REBUILD_QUESTIONS}
    stop = threading.Event()
    answers: list[tuple[str, bool, str, str]] = []
    stamps: list[float] = []
    failures: list[BaseException] = []

    def answer_forever() -> None:
        try:
            k = 0
            while not stop.is_set() or len(answers) < 300:
                engine._cached.cache_clear()  # every answer reads the database again
                q = REBUILD_QUESTIONS[k % len(REBUILD_QUESTIONS)]
                compact = bool(k % 2)
                a = engine.ask(q, compact=compact)
                answers.append((q, compact, a.intent, a.text))
                stamps.append(time.monotonic())
                k += 1
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    worker = threading.Thread(target=answer_forever, daemon=True)
    worker.start()
    rebuilds = 0
    while not answers:
        time.sleep(0.001)
    started = time.monotonic()
    deadline = started + 20
    while rebuilds < 4 and time.monotonic() < deadline:
        build(DATA_DIR, path)  # the atomic rename puts a new file at the same path
        rebuilds += 1
        fresh = Engine(KnowledgeBase(path))  # a newcomer opens the new file
        assert fresh.ask("how did Sheffield do?").intent == "summary"
        fresh.kb.close()
    finished = time.monotonic()
    stop.set()
    worker.join(timeout=30)
    assert not worker.is_alive() and not failures, failures
    assert rebuilds == 4
    assert len(answers) >= 300
    during = sum(started <= t <= finished for t in stamps)
    assert during >= 50, f"only {during} answers overlapped the rebuilds"
    errors = [(q, intent) for q, _c, intent, _t in answers if intent == "error"]
    assert not errors, errors[:5]
    changed = [q for q, compact, _i, text in answers if not compact and text != expected[q]]
    assert not changed, f"answers changed during the rebuilds: {changed[:3]}"
    engine.kb.close()
