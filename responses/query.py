"""What a question asks, in our terms: the ``Query`` and the small value types of its slots.

A ``Query`` is filled by slot extraction (``responses.slots``) and an intent from the registry
(``responses.intents``); builders read only these fields, never the question's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from knowledge.resolve import Match


@dataclass(frozen=True)
class TimeSpan:
    """A stretch of publication dates, both ends included, and how the question put it ("since 2023")."""

    start: date
    end: date
    label: str = field(default="", compare=False)  # wording only: two spans with the same dates are equal

    def contains(self, published: str | None) -> bool:
        """True when a publication date of any precision ("2024", "2024-05", "2024-05-17") may fall inside."""
        bounds = date_bounds(published)
        return bounds is not None and bounds[1] >= self.start and bounds[0] <= self.end


def date_bounds(published: str | None) -> tuple[date, date] | None:
    """The first and last day a date of year, month or day precision may stand for."""
    if not published:
        return None
    try:
        parts = [int(p) for p in published.split("-")]
        if len(parts) >= 3:
            d = date(parts[0], parts[1], parts[2])
            return d, d
        if len(parts) == 2:
            y, m = parts
            first = date(y, m, 1)
            last = date.fromordinal(date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1)
            return first, last
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    except ValueError:
        return None


@dataclass(frozen=True)
class Change:
    """A change of overall rating between an organisation's last two rated inspections.

    ``before``/``after`` name the ratings ("from Requires improvement to Inadequate"); ``steps`` is the
    signed number of grades moved ("down a grade" = -1, "up two grades" = +2). Either may be absent.
    """

    before: str | None = None
    after: str | None = None
    steps: int | None = None

    def describe(self) -> str:
        if self.before or self.after:
            return f"from {self.before or 'any rating'} to {self.after or 'any rating'}"
        n = abs(self.steps or 0)
        grades = "a grade" if n == 1 else f"{n} grades"
        return f"{'up' if (self.steps or 0) > 0 else 'down'} {grades}"


@dataclass
class Query:
    """What a question asks, in our terms."""

    intent: str
    text: str  # the question as typed (truncated to MAX_QUESTION); kept for quoting back, never re-parsed
    norm: str  # normalised text (findings and figures are ranked by its words)
    org_ids: list[str] = field(default_factory=list)
    ambiguous: Match | None = None  # a name that fits several organisations
    ambiguous_index: int = 0  # where the ambiguous name stands among the organisations named
    org_type: str | None = None
    rating: str | None = None
    region: str | None = None
    programme: str | None = None
    year: int | None = None
    span: TimeSpan | None = None  # a stretch of time other than one calendar year
    topics: tuple[str, ...] = ()
    score: tuple[int, int | None] | None = None
    truncated: bool = False
    command: str | None = None
    owner: str | None = None  # a company named in the question ("Sodexo")
    free_words: str = ""  # the question's words other than the names matched (ranks findings)
    change: Change | None = None
    standard: str | None = None  # a standard's name ("Through the Gate") asked about with a rating
    measure: str | None = None  # what is measured about a named body ("cases read", "vacancies")
    latest: bool = False  # "latest", "most recent", "newest"
    inspected: bool = False  # "which PDUs ... have been inspected": every body, rated or not
    collection: str | None = None  # a named kind of inspection: "dipp", "covid", "thematic", "youth thematic"
    out_of_scope: str | None = None  # what the question is about that the data does not cover
    worst_first: bool = False  # "worst", "bottom": a league read from the bottom
    direction: str | None = None  # "up" or "down" for "which improved / declined" without a size
    concepts: tuple[str, ...] = ()  # ideas named in thesaurus words ("short-staffed" -> staffing)
    asks_share: bool = False  # "what share", "what proportion", "%": a percentage is wanted
    see_also: list[str] = field(default_factory=list)  # a youth service beside a probation body, or the reverse

    def time_words(self) -> str | None:
        """The question's time part, as the answer should name it ("in 2020", "since 2023")."""
        if self.span is not None:
            return self.span.label
        return f"in {self.year}" if self.year else None
