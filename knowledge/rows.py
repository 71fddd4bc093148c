"""The cleaned rows of each data file, as the loader hands them to the build.

Each row knows the line it came from, so a later fault can still be reported where it lies. Fields are
declared in the order of the database's columns: ``record()`` gives a row's columns in that order.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from knowledge.models import FigureFields, FindingFields, InspectionFields


@dataclass(frozen=True)
class _Located:
    """A row and the line of its data file where it starts."""

    line: int

    def record(self) -> dict[str, Any]:
        """The row's columns, in declaration order, without the line it came from."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "line"}


@dataclass(frozen=True)
class InspectionRow(InspectionFields, _Located):
    """An inspection as its data file gives it: the line first, then the columns, then its other names."""

    aliases: tuple[str, ...]  # other names from the aliases column (not a column of the database's table)


@dataclass(frozen=True)
class SubjectRow(_Located):
    subject_id: str
    title: str
    kind: str | None
    year: int | None


@dataclass(frozen=True)
class StandardRatingRow(_Located):
    inspection_id: str
    standard_code: str | None
    standard_name: str
    rating: str
    source_url: str


@dataclass(frozen=True)
class FindingRow(FindingFields, _Located):
    """A finding as its data file gives it: the line, then the columns."""


@dataclass(frozen=True)
class FigureRow(FigureFields, _Located):
    """A figure as its data file gives it: the line, the columns, then the title of its page."""

    source_title: str | None


@dataclass(frozen=True)
class SeedSourceRow(_Located):
    seed_file: str | None
    title: str | None
    url: str
    published: str | None
    publisher: str | None


@dataclass(frozen=True)
class AliasRow(_Located):
    alias: str
    org_id: str
    kind: str


@dataclass(frozen=True)
class CaveatRow(_Located):
    inspection_id: str
    field: str
    caveat: str


@dataclass(frozen=True)
class YouthRegionRow(_Located):
    org_id: str
    local_authorities: str
    region: str
    source_url: str
