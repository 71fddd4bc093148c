"""Build the SQLite knowledge base from the data files with sqlite-utils.

The build is deterministic (same data, same rows in the same order, no timestamps) and atomic: it
writes a temporary file beside the target and renames it into place only when complete, so a failed
or invalid build leaves the previous database untouched and a running bot never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import get_type_hints

import sqlite_utils

from knowledge.loader import TYPE_LABELS, Dataset, Problem, data_fingerprint, load_dataset, short_key
from knowledge.ratings import rating_points
from knowledge.rows import InspectionRow, YouthRegionRow
from knowledge.sources import SourceRecord, collect_sources

SCHEMA_VERSION = 4


class BuildError(Exception):
    """The data is invalid; ``problems`` lists every fault as ``file:line: message``."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the data; nothing was built")


def _sort_key(row: InspectionRow) -> tuple[str, str]:
    """Unknown dates sort by their estimated year; ties keep the inspection_id order."""
    return (_sort_date(row), row.inspection_id)


def _sort_date(row: InspectionRow) -> str:
    return row.published or str(row.year or "")


def _youth_regions(ds: Dataset) -> dict[str, YouthRegionRow]:
    """Each youth justice service's row of local_authority_regions.csv, by org_id."""
    return {r.org_id: r for r in ds.youth_regions}


def _with_youth_region(row: InspectionRow, regions: dict[str, YouthRegionRow]) -> InspectionRow:
    """An inspection with a youth service's region taken from our sourced table.

    Youth inspections rarely name a region, and those that do use loose words ("West Yorkshire",
    "Greater Manchester"); one table of English regions and Wales makes "youth services in Wales"
    and "inadequate YOTs in London" answerable and consistent.
    """
    found = regions.get(row.org_id) if row.org_type == "yjs" else None
    return replace(row, region=found.region) if found else row


@dataclass(frozen=True)
class _OrganisationRow:
    """A row of the organisations table (fields in column order)."""

    org_id: str
    name: str
    org_type: str
    type_label: str
    region: str | None
    region_source: str | None
    short_key: str
    inspection_count: int
    latest_inspection_id: str


def _organisations(ds: Dataset) -> list[_OrganisationRow]:
    """One row per organisation: its latest name and type, and the last region any inspection gave."""
    by_org: dict[str, list[InspectionRow]] = {}
    regions = _youth_regions(ds)
    for row in ds.inspections:
        by_org.setdefault(row.org_id, []).append(_with_youth_region(row, regions))
    orgs = []
    for org_id in sorted(by_org):
        history = sorted(by_org[org_id], key=_sort_key)
        latest = history[-1]
        region_row = regions.get(org_id)
        orgs.append(
            _OrganisationRow(
                org_id=org_id,
                name=latest.organisation,
                org_type=latest.org_type,
                type_label=TYPE_LABELS[latest.org_type],
                region=next((h.region for h in reversed(history) if h.region), None),
                region_source=region_row.source_url if region_row else None,
                short_key=short_key(org_id),
                inspection_count=len(history),
                latest_inspection_id=latest.inspection_id,
            )
        )
    return orgs


def _columns(row_type: type) -> dict[str, type]:
    """A table's column types read off the dataclass that holds its rows, so the two cannot drift apart.

    Whole-number fields become INTEGER columns; every other field (text, or text that may be missing) is TEXT.
    """
    hints = get_type_hints(row_type)
    return {f.name: int if hints[f.name] is int else str for f in fields(row_type)}


def _write_sources(db: sqlite_utils.Database, ds: Dataset) -> None:
    db.table("sources").insert_all(
        (asdict(s) for s in collect_sources(ds)),
        pk="url",
        columns=_columns(SourceRecord),
    )


def _write_organisations(db: sqlite_utils.Database, ds: Dataset) -> None:
    table = db.table("organisations")
    table.insert_all(
        (asdict(o) for o in _organisations(ds)),
        pk="org_id",
        columns=_columns(_OrganisationRow),
    )
    table.create_index(["org_type"])
    table.create_index(["short_key"], unique=True)


def _write_inspections(db: sqlite_utils.Database, ds: Dataset) -> int:
    """Write the inspections, ordered by organisation and date; returns how many."""
    regions = _youth_regions(ds)
    inspections = []
    for row in sorted(ds.inspections, key=lambda r: (r.org_id, *_sort_key(r))):
        record = _with_youth_region(row, regions).record()
        record.pop("aliases")
        record["rating_points"] = rating_points(row.overall_rating)
        record["sort_date"] = _sort_date(row)
        inspections.append(record)
    table = db.table("inspections")
    table.insert_all(
        inspections,
        pk="inspection_id",
        foreign_keys=[("org_id", "organisations", "org_id"), ("source_url", "sources", "url")],
        columns={
            "people_supervised": int,
            "score_points": int,
            "score_max": int,
            "rating_points": int,
            "year": int,
            "year_estimated": int,
            "owner": str,
            "region": str,
            "programme": str,
            "fieldwork": str,
            "published": str,
            "overall_rating": str,
            "rating_status": str,
            "previous_rating": str,
            "supervised_qualifier": str,
            "supervised_asof": str,
            "score": str,
            "source_title": str,
            "notes": str,
        },
    )
    for cols in (
        ["org_id", "sort_date"],
        ["org_type"],
        ["overall_rating"],
        ["programme"],
        ["year"],
        ["region"],
        ["score_points", "sort_date"],
    ):
        table.create_index(cols)
    return len(inspections)


def _write_subjects(db: sqlite_utils.Database, ds: Dataset) -> None:
    db.table("subjects").insert_all(
        (r.record() for r in ds.subjects),
        pk="subject_id",
        columns={"subject_id": str, "title": str, "kind": str, "year": int},
    )


def _write_standard_ratings(db: sqlite_utils.Database, ds: Dataset) -> None:
    table = db.table("standard_ratings")
    table.insert_all(
        (
            {"id": i + 1, **r.record(), "rating_points": rating_points(r.rating)}
            for i, r in enumerate(ds.standard_ratings)
        ),
        pk="id",
        foreign_keys=[("inspection_id", "inspections", "inspection_id"), ("source_url", "sources", "url")],
        columns={"standard_code": str},
    )
    table.create_index(["inspection_id"])


def _write_findings(db: sqlite_utils.Database, ds: Dataset) -> None:
    """Write the findings, each with its organisation when its subject is an inspection, and index their words."""
    org_of = {r.inspection_id: r.org_id for r in ds.inspections}
    table = db.table("findings")
    table.insert_all(
        ({"id": i + 1, **r.record(), "org_id": org_of.get(r.subject_id)} for i, r in enumerate(ds.findings)),
        pk="id",
        foreign_keys=[
            ("inspection_id", "inspections", "inspection_id"),
            ("org_id", "organisations", "org_id"),
            ("source_url", "sources", "url"),
        ],
        columns={"inspection_id": str, "org_id": str, "figure": str},
    )
    for cols in (["inspection_id"], ["org_id"], ["topic"], ["topic", "org_id"], ["subject_id"]):
        table.create_index(cols)
    table.enable_fts(["finding", "topic", "figure"], fts_version="FTS5", tokenize="porter")


def _write_figures(db: sqlite_utils.Database, ds: Dataset) -> None:
    """Write the figures (their page titles go to the sources table) and index their words."""
    table = db.table("figures")
    table.insert_all(
        (
            {
                "id": i + 1,
                "subject": r.subject,
                "metric": r.metric,
                "value": r.value,
                "unit": r.unit,
                "as_of": r.as_of,
                "source_url": r.source_url,
            }
            for i, r in enumerate(ds.figures)
        ),
        pk="id",
        foreign_keys=[("source_url", "sources", "url")],
        columns={"unit": str, "as_of": str},
    )
    table.create_index(["subject"])
    table.enable_fts(["subject", "metric", "value"], fts_version="FTS5", tokenize="porter")


def _write_aliases(db: sqlite_utils.Database, ds: Dataset) -> None:
    """Write every name of every organisation: its own names first, then the other names of aliases.csv."""
    aliases: dict[tuple[str, str], dict[str, str]] = {}
    for row in ds.inspections:
        aliases.setdefault((row.organisation, row.org_id), {"kind": "name", "origin": "inspections.csv"})
        for a in row.aliases:
            aliases.setdefault((a, row.org_id), {"kind": "alias", "origin": "inspections.csv"})
    for alias in ds.aliases:
        aliases.setdefault((alias.alias, alias.org_id), {"kind": alias.kind, "origin": "aliases.csv"})
    table = db.table("aliases")
    table.insert_all(
        ({"alias": a, "org_id": o, **meta} for (a, o), meta in sorted(aliases.items())),
        pk=("alias", "org_id"),
        foreign_keys=[("org_id", "organisations", "org_id")],
    )
    table.create_index(["org_id"])


def _write_caveats(db: sqlite_utils.Database, ds: Dataset) -> None:
    table = db.table("caveats")
    table.insert_all(
        ({"id": i + 1, **r.record()} for i, r in enumerate(ds.caveats)),
        pk="id",
        foreign_keys=[("inspection_id", "inspections", "inspection_id")],
        columns={"id": int, "inspection_id": str, "field": str, "caveat": str},
    )
    table.create_index(["inspection_id"])


def _write_meta(db: sqlite_utils.Database, ds: Dataset, inspections: int) -> None:
    """Write what the database was built from, so ``is_current`` can tell when it is stale."""
    db.table("meta").insert_all(
        [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "data_sha256", "value": data_fingerprint(ds.data_dir)},
            {"key": "inspections", "value": str(inspections)},
        ],
        pk="key",
    )


def write_database(ds: Dataset, path: Path) -> None:
    """Write every table of the knowledge base into a new SQLite file at ``path``."""
    db = sqlite_utils.Database(str(path))
    db.execute("PRAGMA foreign_keys = ON")
    _write_sources(db, ds)
    _write_organisations(db, ds)
    inspections = _write_inspections(db, ds)
    _write_subjects(db, ds)
    _write_standard_ratings(db, ds)
    _write_findings(db, ds)
    _write_figures(db, ds)
    _write_aliases(db, ds)
    _write_caveats(db, ds)
    _write_meta(db, ds, inspections)
    db.conn.commit()
    bad = db.execute("PRAGMA foreign_key_check").fetchall()
    if bad:
        raise RuntimeError(f"foreign key check failed: {bad[:5]}")
    db.conn.execute("VACUUM")
    db.close()


def build(data_dir: Path, out: Path) -> Dataset:
    """Validate ``data_dir`` and build the database at ``out`` atomically.

    Raises ``BuildError`` (writing nothing) when the data has problems. On success the new file
    replaces ``out`` in one rename, so readers see either the old database or the new one.
    """
    ds = load_dataset(Path(data_dir))
    if ds.problems:
        raise BuildError(ds.problems)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        os.unlink(tmp)
        write_database(ds, Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        for leftover in (tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
        raise
    return ds


def is_current(db_path: Path, data_dir: Path) -> bool:
    """True when ``db_path`` exists and was built, with this schema, from exactly the data now in ``data_dir``."""
    if not Path(db_path).is_file():
        return False
    try:
        conn = sqlite3.connect(Path(db_path).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            meta = dict(conn.execute("select key, value from meta where key in ('data_sha256', 'schema_version')"))
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return meta.get("schema_version") == str(SCHEMA_VERSION) and meta.get("data_sha256") == data_fingerprint(data_dir)
