"""Publication dates of differing precision.

The source data gives ``YYYY-MM-DD`` where a page showed the day, ``YYYY-MM`` where only the month is
known, and nothing where no page gave a date; a bare ``YYYY`` is also read, as a year-only date. We
keep the precision with the date so no answer ever shows a day that nobody saw.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

DAY, MONTH, YEAR, UNKNOWN = "day", "month", "year", "unknown"

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class PartialDate:
    """A date known to a day, a month, a year, or not at all."""

    iso: str | None  # "2019-02-21", "2019-03", "2019" or None
    precision: str  # DAY, MONTH, YEAR or UNKNOWN

    @property
    def year(self) -> int | None:
        return int(self.iso[:4]) if self.iso else None

    def describe(self) -> str:
        """Human wording at the true precision: "21 February 2019", "March 2019, day not known", "date unknown"."""
        return describe_date(self.iso)


_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH_RE = re.compile(r"[0-9]{4}-[0-9]{2}")
_YEAR_RE = re.compile(r"[0-9]{4}")


def parse_date(raw: str | None) -> PartialDate:
    """Parse a date of the data's forms, or raise ``ValueError`` with a short reason."""
    raw = (raw or "").strip()
    if not raw:
        return PartialDate(None, UNKNOWN)
    if _DAY_RE.fullmatch(raw):
        try:
            _dt.date.fromisoformat(raw)  # raises on 2019-02-30
        except ValueError as exc:
            raise ValueError(f"malformed date {raw!r}: {exc}") from None
        return PartialDate(raw, DAY)
    if _MONTH_RE.fullmatch(raw):
        month = int(raw[5:7])
        if not 1 <= month <= 12:
            raise ValueError(f"malformed date {raw!r}: month {month} out of range")
        return PartialDate(raw, MONTH)
    if _YEAR_RE.fullmatch(raw):
        return PartialDate(raw, YEAR)
    raise ValueError(f"malformed date {raw!r} (expected YYYY-MM-DD, YYYY-MM, YYYY or empty)")


def describe_date(iso: str | None) -> str:
    """Words for an ISO date of any precision; the precision shows in the words themselves.

    Said with commas, never brackets, because these words often sit inside brackets already.
    """
    if not iso:
        return "date unknown"
    if len(iso) == 4:
        return f"{iso}, year only"
    year, month = iso[:4], _MONTHS[int(iso[5:7]) - 1]
    if len(iso) == 7:
        return f"{month} {year}, day not known"
    return f"{int(iso[8:10])} {month} {year}"
