"""Youth justice facts read straight from the CSV files, for tests to check answers against.

Nothing here imports the code under test: the expected values come from ``knowledge/data`` itself
(inspections.csv and our local_authority_regions.csv), so a test fails when the bot's answer and the
data disagree, whatever the engine does.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "knowledge" / "data"
YOUTH = "Youth justice service"
RATING_ORDER = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}


@dataclass(frozen=True)
class Row:
    """One inspection as the CSV has it, with the year read the way the README says (published, else the id)."""

    inspection_id: str
    org_id: str
    organisation: str
    org_type: str
    published: str
    year: int | None
    overall_rating: str
    previous_rating: str
    score: str

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.published or str(self.year or ""), self.inspection_id)


@lru_cache(maxsize=1)
def inspections() -> tuple[Row, ...]:
    out = []
    with (DATA / "inspections.csv").open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            year = int(r["published"][:4]) if r["published"] else None
            if year is None and (m := re.search(r"-(\d{4})$", r["inspection_id"])):
                year = int(m.group(1))
            out.append(
                Row(
                    r["inspection_id"],
                    r["org_id"],
                    r["organisation"],
                    r["org_type"],
                    r["published"],
                    year,
                    r["overall_rating"],
                    r["previous_rating"],
                    r["score"],
                )
            )
    return tuple(out)


def history(org_id: str) -> list[Row]:
    """An organisation's inspections, oldest first."""
    return sorted((r for r in inspections() if r.org_id == org_id), key=lambda r: r.sort_key)


def youth_org_ids() -> list[str]:
    return sorted({r.org_id for r in inspections() if r.org_type == YOUTH})


@lru_cache(maxsize=1)
def regions() -> dict[str, str]:
    """Youth org_id -> region, from our table."""
    with (DATA / "local_authority_regions.csv").open(newline="", encoding="utf-8") as f:
        return {r["org_id"]: r["region"] for r in csv.DictReader(f)}


def latest_name(org_id: str) -> str:
    return history(org_id)[-1].organisation


def latest_rated(rating: str | None = None, region: str | None = None, year: int | None = None) -> list[Row]:
    """Each youth service's latest inspection (among those of ``year``, if given) that has a rating,
    kept when it has ``rating`` and the service lies in ``region``."""
    out = []
    for org_id in youth_org_ids():
        rows = [r for r in history(org_id) if r.overall_rating and (year is None or r.year == year)]
        if not rows or (region and regions().get(org_id) != region):
            continue
        if rating is None or rows[-1].overall_rating == rating:
            out.append(rows[-1])
    return out
