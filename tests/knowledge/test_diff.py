"""knowledge.diff: what changed between two real builds, each made from an edited copy of the data."""

from __future__ import annotations

import sqlite3

import pytest

from knowledge.diff import DATE, NEW, RATING, Change, diff_builds
from knowledge.kb import KnowledgeBase
from tests.knowledge.builds import change_inspection, copy_data, inspection, new_sheffield_report, publish


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path)


def _build(data, tmp_path, name) -> KnowledgeBase:
    path = tmp_path / name
    publish(data, path)
    return KnowledgeBase(path)


def test_the_same_data_built_twice_has_no_news(data, tmp_path):
    assert diff_builds(_build(data, tmp_path, "a.db"), _build(data, tmp_path, "b.db")) == []


def test_a_new_inspection_is_news_with_its_rating_body_type_and_region(data, tmp_path):
    old = _build(data, tmp_path, "old.db")
    added = new_sheffield_report(data, rating="Good")
    new = _build(data, tmp_path, "new.db")
    # The organisation's facts as the new database holds them, read with SQL here.
    conn = sqlite3.connect(tmp_path / "new.db")
    name, org_type, _region = conn.execute(
        "select name, org_type, region from organisations where org_id = ?", (added["org_id"],)
    ).fetchone()
    assert diff_builds(old, new) == [
        Change(NEW, added["inspection_id"], added["org_id"], name, org_type, added["region"], None, "Good")
    ]


def test_changed_rating_and_changed_date_are_news_and_nothing_else_is(data, tmp_path):
    old = _build(data, tmp_path, "old.db")
    rated = inspection(data, "pdu-sheffield-2023")
    dated = inspection(data, "wwm-crc-2017")
    assert rated["overall_rating"] != "Good" and dated["published"] != "2017-12-01"
    change_inspection(data, "pdu-sheffield-2023", overall_rating="Good")
    change_inspection(data, "wwm-crc-2017", published="2017-12-01", notes="a changed note is not news")
    changes = diff_builds(old, _build(data, tmp_path, "new.db"))
    assert sorted((c.kind, c.inspection_id, c.before, c.after) for c in changes) == sorted(
        [
            (RATING, "pdu-sheffield-2023", rated["overall_rating"], "Good"),
            (DATE, "wwm-crc-2017", dated["published"], "2017-12-01"),
        ]
    )


def test_an_old_connection_still_reads_the_old_build_after_the_file_is_replaced(data, tmp_path):
    """The reload compares through the old object, whose path already names the new file."""
    path = tmp_path / "live.db"
    publish(data, path)
    old = KnowledgeBase(path)
    new_sheffield_report(data)
    publish(data, path)
    changes = diff_builds(old, KnowledgeBase(path))
    assert [c.inspection_id for c in changes] == ["pdu-sheffield-2027"]


def test_changes_round_trip_through_json():
    change = Change(NEW, "x-2027", "x", "X PDU", "pdu", None, None, "Good")
    assert Change.from_json(change.to_json()) == change
