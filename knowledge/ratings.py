"""The inspectorate's rating words and the points each carries.

From 2018 every inspected organisation and each standard got one of four ratings. The inspectorate
adds up the points of the standards to decide the overall rating, so the points are also how we order
a league table.
"""

from __future__ import annotations

RATING_POINTS: dict[str, int] = {
    "Outstanding": 3,
    "Good": 2,
    "Requires improvement": 1,
    "Inadequate": 0,
}

#: Ratings from best to worst.
RATINGS: tuple[str, ...] = tuple(sorted(RATING_POINTS, key=RATING_POINTS.__getitem__, reverse=True))

_CANONICAL = {r.lower(): r for r in RATINGS}


def canonical_rating(word: str | None) -> str | None:
    """Return the canonical spelling of a rating word, ``None`` for empty, or raise ``ValueError``.

    The data uses the inspectorate's spelling; we accept any letter case so a hand-edited file with
    "requires Improvement" is still read, but a word that is not a rating is an error.
    """
    if word is None or not word.strip():
        return None
    key = " ".join(word.split()).lower()
    if key not in _CANONICAL:
        raise ValueError(f"unknown rating {word!r} (expected one of: {', '.join(RATINGS)})")
    return _CANONICAL[key]


def rating_points(rating: str | None) -> int | None:
    """Points for a rating in the inspectorate's scheme, or ``None`` for an unrated inspection."""
    return None if rating is None else RATING_POINTS[rating]
