"""Typed rows of the knowledge base, as the answer engine sees them."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.dates import describe_date


@dataclass(frozen=True)
class Organisation:
    org_id: str
    name: str
    org_type: str  # crc, nps, pdu, region, yjs, national
    type_label: str
    region: str | None
    short_key: str
    inspection_count: int
    latest_inspection_id: str
    region_source: str | None = None  # where a youth service's region comes from (local_authority_regions.csv)


@dataclass(frozen=True)
class InspectionFields:
    """The columns of an inspection, declared once for the cleaned data row and the database's record.

    In the order of the database's columns; ``rows.InspectionRow`` and ``Inspection`` each add their own.
    """

    inspection_id: str
    org_id: str
    organisation: str
    org_type: str
    owner: str | None
    region: str | None
    programme: str | None
    fieldwork: str | None
    published: str | None
    published_precision: str
    year: int | None
    year_estimated: int
    overall_rating: str | None
    rating_status: str  # rated | not rated | not found
    previous_rating: str | None
    people_supervised: int | None
    supervised_qualifier: str | None
    supervised_asof: str | None
    score: str | None
    score_points: int | None
    score_max: int | None
    source_url: str
    source_title: str | None
    notes: str | None


@dataclass(frozen=True)
class Inspection(InspectionFields):
    rating_points: int | None  # a column the build adds: the overall rating as points, for ordering

    @property
    def rated(self) -> bool:
        return self.overall_rating is not None

    def estimated_year_words(self) -> str:
        """An estimated year said in words, for a sentence or a table: "year not confirmed, probably 2024"."""
        return f"year not confirmed, probably {self.year}" if self.year else "year unknown"

    def rating_text(self) -> str:
        """The rating, or why there is none: "not rated" only when the inspection gave none; when it was
        rated but no page we hold says how, we say so rather than call it unrated."""
        if self.overall_rating:
            return self.overall_rating
        if self.rating_status == "not found":
            return "rating not given in our sources"
        return "not rated"

    def when(self) -> str:
        """The publication date in words at its true precision, or the estimated year, said as such."""
        if self.published:
            return describe_date(self.published)
        return self.estimated_year_words()

    def published_phrase(self) -> str:
        """A phrase that reads after a rating: "published 24 October 2024", "year not confirmed, probably 2024"."""
        if self.published:
            return f"published {describe_date(self.published)}"
        return self.estimated_year_words()

    def in_year(self) -> str:
        """The year for the middle of a sentence: "in 2019", or "probably in 2024" when it is an estimate."""
        if self.year is None:
            return "in a year not known"
        return f"probably in {self.year}" if self.year_estimated else f"in {self.year}"

    def year_label(self) -> str:
        """A short year for tables: ``2019``; an estimate in words, never ``2024?``."""
        if self.year is not None and not self.year_estimated:
            return str(self.year)
        return self.estimated_year_words()

    def people_text(self) -> str | None:
        """People supervised with the source's own qualifier: "more than 5,000", "5,347"."""
        if self.people_supervised is None:
            return None
        number = f"{self.people_supervised:,}"
        q = (self.supervised_qualifier or "exact").strip()
        return number if q == "exact" else f"{q} {number}"


@dataclass(frozen=True)
class StandardRating:
    id: int
    inspection_id: str
    standard_code: str | None
    standard_name: str
    rating: str
    rating_points: int
    source_url: str


@dataclass(frozen=True)
class FindingFields:
    """The columns of a finding as findings.csv gives them, shared by its data row and its database record."""

    subject_id: str
    inspection_id: str | None  # the subject when it is an inspection, not a national report
    topic: str
    stance: str
    finding: str
    figure: str | None
    source_url: str


@dataclass(frozen=True)
class Finding(FindingFields):
    id: int
    org_id: str | None  # the build adds it: the organisation the subject inspection is of


@dataclass(frozen=True)
class FigureFields:
    """The columns of a figure as figures.csv gives them, shared by its data row and its database record."""

    subject: str
    metric: str
    value: str
    unit: str | None
    as_of: str | None
    source_url: str


@dataclass(frozen=True)
class Figure(FigureFields):
    id: int


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    title_basis: str
    publisher: str
    published: str | None
    published_basis: str | None

    def when(self) -> str:
        return describe_date(self.published)
