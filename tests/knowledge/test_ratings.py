"""``knowledge.ratings``: the inspectorate's four words, their points, and nothing else."""

from __future__ import annotations

import pytest

from knowledge.ratings import RATING_POINTS, RATINGS, canonical_rating, rating_points


def test_points_follow_the_inspectorates_scheme() -> None:
    assert RATING_POINTS == {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}
    assert RATINGS == ("Outstanding", "Good", "Requires improvement", "Inadequate")
    assert [rating_points(r) for r in RATINGS] == [3, 2, 1, 0]
    assert rating_points(None) is None


@pytest.mark.parametrize(
    "word,canonical",
    [
        ("Good", "Good"),
        ("good", "Good"),
        (" GOOD ", "Good"),
        ("requires   improvement", "Requires improvement"),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_rating_words_in_any_case_or_spacing(word: str | None, canonical: str | None) -> None:
    assert canonical_rating(word) == canonical


@pytest.mark.parametrize("word", ["Excellent", "Satisfactory", "Requires improvements", "RI", "Good.", "n/a"])
def test_other_words_are_refused_naming_the_word(word: str) -> None:
    with pytest.raises(ValueError, match="unknown rating"):
        canonical_rating(word)
