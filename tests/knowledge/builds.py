"""Making new builds of the knowledge base for tests: a copy of the data folder, one more inspection, a rebuild.

Tests of what happens when a new knowledge base is published (the diff, the running bot's reload)
need a second build that differs from the first in a way the test chose. These helpers copy the real
data folder, add or change records through ``csvedit`` (so the files keep their own line endings), and
build with the real ``knowledge.build``. The values a test checks come from the records it wrote.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from knowledge.build import build
from knowledge.paths import DATA_DIR
from tests.knowledge.csvedit import append_record, header, line_of, records, set_cell


def copy_data(tmp: Path) -> Path:
    """A private copy of the real data folder, to edit."""
    target = tmp / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def inspection(data_dir: Path, inspection_id: str) -> dict[str, str]:
    """One record of inspections.csv, as the standard library reads it."""
    return next(r for r in records(data_dir / "inspections.csv") if r["inspection_id"] == inspection_id)


def add_inspection(data_dir: Path, like: str, **changes: str) -> dict[str, str]:
    """Append a new inspection record: a copy of record ``like`` with ``changes``; returns the new record."""
    path = data_dir / "inspections.csv"
    record = {**inspection(data_dir, like), **changes}
    append_record(path, [record[column] for column in header(path)])
    return record


def change_inspection(data_dir: Path, inspection_id: str, **changes: str) -> None:
    path = data_dir / "inspections.csv"
    line = line_of(path, "inspection_id", inspection_id)
    for column, value in changes.items():
        set_cell(path, line, column, value)


def publish(data_dir: Path, kb_path: Path) -> None:
    """Build ``data_dir`` into ``kb_path`` the way ``probation-bot kb build`` does (atomic rename)."""
    build(data_dir, kb_path)


def new_sheffield_report(data_dir: Path, rating: str = "Requires improvement") -> dict[str, str]:
    """A new (invented) inspection of Sheffield PDU, published after every real one, with its own source page."""
    return add_inspection(
        data_dir,
        "pdu-sheffield-2024",
        inspection_id="pdu-sheffield-2027",
        published="2027-01-14",
        fieldwork="October 2026",
        overall_rating=rating,
        previous_rating="Inadequate",
        source_url="https://example.org/test/sheffield-2027",
        source_title="Sheffield PDU inspected again (test)",
        notes="Invented by the tests.",
    )


def stage_sheffield_report(data_dir: Path, state_db: Path, follower: int, next_build: Path) -> dict[str, str]:
    """A chat following Sheffield PDU and, built beforehand, the next knowledge base with a new Sheffield report.

    Renaming ``next_build`` over the live file is then what the end of ``kb build`` does: one quick rename.
    """
    from bot.state import ORG, StateDB, Target

    StateDB(state_db).follow(follower, Target(ORG, "pdu-sheffield"))
    added = new_sheffield_report(data_dir)
    publish(data_dir, next_build)
    return added
