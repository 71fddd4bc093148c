"""The data files themselves (``knowledge/data``): shaped as the line-number checks assume, complete
against the shared source data, and consistent across inspections of one organisation."""

from __future__ import annotations

import csv
from itertools import pairwise
from pathlib import Path

import pytest

from knowledge.kb import KnowledgeBase
from knowledge.loader import REQUIRED_COLUMNS
from knowledge.paths import DATA_DIR
from tests.knowledge import csvedit as ed

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.mark.parametrize("name", sorted(REQUIRED_COLUMNS))
def test_one_record_per_line(name: str) -> None:
    """No quoted line breaks: a record's line number is its physical line (the tests rely on it)."""
    path = DATA_DIR / name
    non_blank = [line for line in ed.lines(path)[1:] if line.strip()]
    assert len(non_blank) == len(ed.records(path))


@pytest.mark.parametrize("name", sorted(p.name for p in SHARED_DATA.glob("*.csv")) or ["(no ../shared/data)"])
def test_every_row_of_the_shared_data_is_in_the_project(name: str) -> None:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside this checkout")

    def rows(path: Path) -> set[tuple[str, ...]]:
        with path.open(newline="", encoding="utf-8") as handle:
            return {tuple(r) for r in csv.reader(handle) if r}

    assert rows(SHARED_DATA / name) <= rows(DATA_DIR / name)


def test_previous_rating_is_the_rating_of_the_previous_inspection(kb: KnowledgeBase) -> None:
    mismatches = []
    for org_id in kb.organisations:
        history = kb.history(org_id)
        for before, after in pairwise(history):
            if before.overall_rating and after.previous_rating and before.overall_rating != after.previous_rating:
                mismatches.append(
                    (after.inspection_id, after.previous_rating, before.inspection_id, before.overall_rating)
                )
    assert mismatches == []


def test_scores_agree_with_the_standard_ratings_we_hold(kb: KnowledgeBase) -> None:
    """A score is the sum of the standards' points (3 a standard at most): the standards we hold can add
    up to no more than the score, and the ones we lack to no more than 3 points each."""
    checked = 0
    for org_id in kb.organisations:
        for i in kb.history(org_id):
            if i.score_points is None or i.score_max is None:
                continue
            standards = kb.standard_ratings(i.inspection_id)
            held = sum(s.rating_points for s in standards)
            missing = i.score_max // 3 - len(standards)
            assert missing >= 0, i.inspection_id
            assert held <= i.score_points <= held + 3 * missing, (i.inspection_id, held, i.score)
            checked += bool(standards)
    assert checked > 0
