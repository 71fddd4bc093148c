"""Build the SQLite knowledge base from the data files with sqlite-utils.

The build is deterministic (same data, same rows in the same order, no timestamps) and atomic: it
writes a temporary file beside the target and renames it into place only when complete, so a failed
or invalid build leaves the previous database untouched and a running bot never sees half a file.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import sqlite_utils

from knowledge.loader import TYPE_LABELS, Dataset, Problem, data_fingerprint, load_dataset, short_key
from knowledge.ratings import rating_points
from knowledge.sources import collect_sources

SCHEMA_VERSION = 4


class BuildError(Exception):
    """The data is invalid; ``problems`` lists every fault as ``file:line: message``."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the data; nothing was built")


def _sort_key(v: dict) -> tuple:
    # Unknown dates sort by their estimated year; ties keep the inspection_id order.
    return (v["published"] or str(v["year"] or ""), v["inspection_id"])


def _youth_regions(ds: Dataset) -> dict[str, dict]:
    """Each youth justice service's row of local_authority_regions.csv, by org_id."""
    return {str(r.values["org_id"]): r.values for r in ds.youth_regions}


def _with_youth_region(v: dict, regions: dict[str, dict]) -> dict:
    """An inspection's values with a youth service's region taken from our sourced table.

    Youth inspections rarely name a region, and those that do use loose words ("West Yorkshire",
    "Greater Manchester"); one table of English regions and Wales makes "youth services in Wales"
    and "inadequate YOTs in London" answerable and consistent.
    """
    row = regions.get(v["org_id"]) if v["org_type"] == "yjs" else None
    return {**v, "region": row["region"]} if row else v


def _organisations(ds: Dataset) -> list[dict]:
    by_org: dict[str, list[dict]] = {}
    regions = _youth_regions(ds)
    for row in ds.inspections:
        by_org.setdefault(row.values["org_id"], []).append(_with_youth_region(row.values, regions))
    orgs = []
    for org_id in sorted(by_org):
        history = sorted(by_org[org_id], key=_sort_key)
        latest = history[-1]
        region = next((h["region"] for h in reversed(history) if h["region"]), None)
        orgs.append({
            "org_id": org_id,
            "name": latest["organisation"],
            "org_type": latest["org_type"],
            "type_label": TYPE_LABELS[latest["org_type"]],
            "region": region,
            "region_source": regions[org_id]["source_url"] if org_id in regions else None,
            "short_key": short_key(org_id),
            "inspection_count": len(history),
            "latest_inspection_id": latest["inspection_id"],
        })
    return orgs


def write_database(ds: Dataset, path: Path) -> None:
    """Write every table of the knowledge base into a new SQLite file at ``path``."""
    db = sqlite_utils.Database(str(path))
    db.execute("PRAGMA foreign_keys = ON")

    sources = collect_sources(ds)
    db["sources"].insert_all(sources, pk="url", columns={
        "url": str, "title": str, "title_basis": str, "publisher": str, "published": str, "published_basis": str})

    orgs = _organisations(ds)
    db["organisations"].insert_all(orgs, pk="org_id", columns={
        "org_id": str, "name": str, "org_type": str, "type_label": str, "region": str, "region_source": str,
        "short_key": str,
        "inspection_count": int, "latest_inspection_id": str})
    db["organisations"].create_index(["org_type"])
    db["organisations"].create_index(["short_key"], unique=True)

    inspections = []
    regions = _youth_regions(ds)
    for row in sorted(ds.inspections, key=lambda r: (r.values["org_id"],) + _sort_key(r.values)):
        v = _with_youth_region(dict(row.values), regions)
        v.pop("aliases")
        v["rating_points"] = rating_points(v["overall_rating"])
        v["sort_date"] = v["published"] or str(v["year"] or "")
        inspections.append(v)
    db["inspections"].insert_all(inspections, pk="inspection_id", foreign_keys=[
        ("org_id", "organisations", "org_id"), ("source_url", "sources", "url")], columns={
        "people_supervised": int, "score_points": int, "score_max": int, "rating_points": int, "year": int,
        "year_estimated": int, "owner": str, "region": str, "programme": str, "fieldwork": str,
        "published": str, "overall_rating": str, "rating_status": str, "previous_rating": str, "supervised_qualifier": str,
        "supervised_asof": str, "score": str, "source_title": str, "notes": str})
    for cols in (["org_id", "sort_date"], ["org_type"], ["overall_rating"], ["programme"], ["year"], ["region"],
                 ["score_points", "sort_date"]):
        db["inspections"].create_index(cols)

    db["subjects"].insert_all((r.values for r in ds.subjects), pk="subject_id",
                              columns={"subject_id": str, "title": str, "kind": str, "year": int})

    db["standard_ratings"].insert_all(
        ({"id": i + 1, **r.values, "rating_points": rating_points(r.values["rating"])}
         for i, r in enumerate(ds.standard_ratings)),
        pk="id", foreign_keys=[("inspection_id", "inspections", "inspection_id"), ("source_url", "sources", "url")],
        columns={"standard_code": str})
    db["standard_ratings"].create_index(["inspection_id"])

    org_of = {r.values["inspection_id"]: r.values["org_id"] for r in ds.inspections}
    db["findings"].insert_all(
        ({"id": i + 1, **r.values, "org_id": org_of.get(r.values["subject_id"])} for i, r in enumerate(ds.findings)),
        pk="id", foreign_keys=[("inspection_id", "inspections", "inspection_id"),
                               ("org_id", "organisations", "org_id"), ("source_url", "sources", "url")],
        columns={"inspection_id": str, "org_id": str, "figure": str})
    for cols in (["inspection_id"], ["org_id"], ["topic"], ["topic", "org_id"], ["subject_id"]):
        db["findings"].create_index(cols)
    db["findings"].enable_fts(["finding", "topic", "figure"], fts_version="FTS5", tokenize="porter")

    db["figures"].insert_all(
        ({"id": i + 1, **{k: r.values[k] for k in ("subject", "metric", "value", "unit", "as_of", "source_url")}}
         for i, r in enumerate(ds.figures)),
        pk="id", foreign_keys=[("source_url", "sources", "url")], columns={"unit": str, "as_of": str})
    db["figures"].create_index(["subject"])
    db["figures"].enable_fts(["subject", "metric", "value"], fts_version="FTS5", tokenize="porter")

    aliases: dict[tuple[str, str], dict] = {}
    for row in ds.inspections:
        v = row.values
        aliases.setdefault((v["organisation"], v["org_id"]), {"kind": "name", "origin": "inspections.csv"})
        for a in v["aliases"]:
            aliases.setdefault((a, v["org_id"]), {"kind": "alias", "origin": "inspections.csv"})
    for row in ds.aliases:
        v = row.values
        aliases.setdefault((v["alias"], v["org_id"]), {"kind": v["kind"], "origin": "aliases.csv"})
    db["aliases"].insert_all(
        ({"alias": a, "org_id": o, **meta} for (a, o), meta in sorted(aliases.items())),
        pk=("alias", "org_id"), foreign_keys=[("org_id", "organisations", "org_id")])
    db["aliases"].create_index(["org_id"])

    db["caveats"].insert_all(
        ({"id": i + 1, **r.values} for i, r in enumerate(ds.caveats)), pk="id",
        foreign_keys=[("inspection_id", "inspections", "inspection_id")],
        columns={"id": int, "inspection_id": str, "field": str, "caveat": str})
    db["caveats"].create_index(["inspection_id"])

    db["meta"].insert_all([
        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
        {"key": "data_sha256", "value": data_fingerprint(ds.data_dir)},
        {"key": "inspections", "value": str(len(inspections))},
    ], pk="key")
    db.conn.commit()
    db.execute("PRAGMA foreign_key_check")
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
            try:
                os.unlink(leftover)
            except FileNotFoundError:
                pass
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
