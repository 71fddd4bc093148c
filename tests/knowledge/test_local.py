"""The local data folder: merged into every build, a local row replacing a repository row of the same id,
faults reported against the local file's own lines, and an approval that cannot be built undone."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from knowledge.build import BuildError
from knowledge.feed import Candidate, approve
from knowledge.loader import REQUIRED_COLUMNS
from knowledge.local import build_with_local, is_current_with_local, save_inspection_row
from knowledge.paths import DATA_DIR

URL = "https://inspectorate.example/news/local-row"


def repo_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "inspections.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def new_row(**changes: str) -> dict[str, str]:
    row = dict.fromkeys(REQUIRED_COLUMNS["inspections.csv"], "")
    row.update(
        inspection_id="pdu-testshire-2025",
        org_id="pdu-testshire",
        organisation="Testshire Probation Delivery Unit",
        org_type="PDU",
        published="2025-06-03",
        overall_rating="Good",
        rating_status="rated",
        source_url=URL,
        source_title="A news item",
    )
    row.update(changes)
    return row


def fetch(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_local_rows_are_added_and_replace_by_id(tmp_path):
    local, db = tmp_path / "local", tmp_path / "kb.db"
    target = next(r for r in repo_rows() if r["published"] == "")
    save_inspection_row(local, new_row())
    save_inspection_row(local, {**target, "published": "2020-07-16", "source_url": URL})
    build_with_local(DATA_DIR, db, local)
    assert fetch(db, "select count(*) from inspections") == [(len(repo_rows()) + 1,)]
    assert fetch(
        db, "select overall_rating, source_url from inspections where inspection_id = 'pdu-testshire-2025'"
    ) == [("Good", URL)]
    assert fetch(db, "select published from inspections where inspection_id = ?", target["inspection_id"]) == [
        ("2020-07-16",)
    ]
    assert is_current_with_local(db, DATA_DIR, local)
    save_inspection_row(local, new_row(overall_rating="Inadequate"))  # same id: replaced in the local file too
    assert not is_current_with_local(db, DATA_DIR, local)
    assert len(list(csv.DictReader((local / "inspections.csv").open()))) == 2


def test_a_bad_local_row_is_reported_against_the_local_file(tmp_path):
    local, db = tmp_path / "local", tmp_path / "kb.db"
    save_inspection_row(local, new_row(inspection_id="pdu-testshire-2024", published="2024-01-01"))
    save_inspection_row(local, new_row(overall_rating="Splendid"))
    with pytest.raises(BuildError) as caught:
        build_with_local(DATA_DIR, db, local)
    (problem,) = caught.value.problems
    assert problem.path.endswith("local/inspections.csv") and problem.line == 3
    assert "Splendid" in problem.message
    assert not db.exists()


def test_kb_build_merges_local_data_from_the_environment(tmp_path, monkeypatch, capsys):
    local, db = tmp_path / "local", tmp_path / "kb.db"
    save_inspection_row(local, new_row())
    monkeypatch.setenv("LOCAL_DATA", str(local))
    assert main(["kb", "build", "--out", str(db)]) == 0
    assert "with the local rows" in capsys.readouterr().out
    assert fetch(db, "select count(*) from inspections where source_url = ?", URL) == [(1,)]
    monkeypatch.delenv("LOCAL_DATA")
    assert main(["kb", "build", "--out", str(db), "--local", str(tmp_path / "empty")]) == 0
    assert fetch(db, "select count(*) from inspections where source_url = ?", URL) == [(0,)]


def test_an_approval_the_build_refuses_is_undone(tmp_path):
    local, db = tmp_path / "local", tmp_path / "kb.db"
    save_inspection_row(local, new_row())
    before = (local / "inspections.csv").read_bytes()
    # An org_id already used by a body of another type: the loader refuses the merged data.
    clash = Candidate(
        key="k",
        title="t",
        url=URL + "-2",
        published="2025-07-01",
        org_id="pdu-testshire",
        organisation="Testshire Youth Justice Service",
        org_type="yjs",
        new_organisation=True,
        rating="Good",
        inspection_id="pdu-testshire-2025-2",
    )
    with pytest.raises(BuildError):
        approve(clash, DATA_DIR, local, db)
    assert (local / "inspections.csv").read_bytes() == before


def test_two_approvals_of_the_same_body_and_year_keep_both_rows(tmp_path):
    local, db = tmp_path / "local", tmp_path / "kb.db"
    first, second = (
        Candidate(
            key=k,
            title=f"Testshire PDU rated Good ({k})",
            url=f"{URL}-{k}",
            published=d,
            org_id="pdu-testshire",
            organisation="Testshire Probation Delivery Unit",
            org_type="pdu",
            new_organisation=True,
            rating="Good",
            inspection_id="pdu-testshire-2025",
        )
        for k, d in (("a", "2025-02-01"), ("b", "2025-09-01"))
    )
    approve(first, DATA_DIR, local, db)
    row = approve(second, DATA_DIR, local, db)
    assert row["inspection_id"] != "pdu-testshire-2025"
    assert fetch(db, "select source_url from inspections where org_id = 'pdu-testshire' order by published") == [
        (URL + "-a",),
        (URL + "-b",),
    ]


def test_a_local_row_the_repository_now_holds_is_not_counted_twice(tmp_path):
    local, db = tmp_path / "local", tmp_path / "kb.db"
    held = next(r for r in repo_rows() if len(r["published"]) == 10)
    save_inspection_row(
        local,
        new_row(
            inspection_id=held["inspection_id"] + "-feed",
            org_id=held["org_id"],
            organisation=held["organisation"],
            org_type=held["org_type"],
            published=held["published"],
            source_url=URL,
        ),
    )
    save_inspection_row(local, new_row())
    build_with_local(DATA_DIR, db, local)
    assert fetch(db, "select count(*) from inspections") == [(len(repo_rows()) + 1,)]
    assert fetch(
        db, "select count(*) from inspections where org_id = ? and published = ?", held["org_id"], held["published"]
    ) == [(1,)]


def test_kb_check_reads_the_local_folder_too(tmp_path, capsys):
    local = tmp_path / "local"
    save_inspection_row(local, new_row(published="2025-13-01"))
    assert main(["kb", "check", "--local", str(local)]) == 1
    out = capsys.readouterr().out
    assert "local/inspections.csv:2: published" in out
    assert main(["kb", "check"]) == 0  # without it, the repository's data alone is fine
