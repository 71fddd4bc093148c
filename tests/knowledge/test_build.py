"""``knowledge.build``: the database holds every row of the data, with keys, indexes and full-text
search; the build is deterministic and atomic; it opens in sqlite-utils and datasette."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.build import SCHEMA_VERSION, BuildError, build, is_current
from knowledge.loader import data_fingerprint
from knowledge.paths import DATA_DIR
from knowledge.ratings import RATING_POINTS
from tests.knowledge import breaks
from tests.knowledge import csvedit as ed

TABLES = (
    "inspections",
    "findings",
    "figures",
    "sources",
    "aliases",
    "organisations",
    "standard_ratings",
    "subjects",
    "meta",
)
VENV_BIN = Path(sys.executable).parent


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


@pytest.fixture(scope="module")
def db(kb_path: Path):
    """A read-only connection to the session's knowledge base, built from the real data."""
    conn = sqlite3.connect(kb_path.resolve().as_uri() + "?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_every_inspection_of_the_data_is_in_the_database(db: sqlite3.Connection) -> None:
    csv_ids = [r["inspection_id"] for r in ed.records(DATA_DIR / "inspections.csv")]
    assert len(csv_ids) >= 128  # issue 2: "128 today"; the data has grown since
    db_ids = [r[0] for r in db.execute("select inspection_id from inspections")]
    assert len(db_ids) == len(csv_ids)
    assert sorted(db_ids) == sorted(csv_ids)


@pytest.mark.parametrize(
    "table,file_name",
    [
        ("standard_ratings", "standard_ratings.csv"),
        ("findings", "findings.csv"),
        ("figures", "figures.csv"),
        ("subjects", "subjects.csv"),
    ],
)
def test_every_row_of_the_other_files_is_in_the_database(db: sqlite3.Connection, table: str, file_name: str) -> None:
    assert db.execute(f"select count(*) from {table}").fetchone()[0] == len(ed.records(DATA_DIR / file_name))


def test_every_alias_of_the_data_is_in_the_database(db: sqlite3.Connection) -> None:
    stored = {(r["alias"], r["org_id"]) for r in db.execute("select alias, org_id from aliases")}
    wanted = {(r["alias"], r["org_id"]) for r in ed.records(DATA_DIR / "aliases.csv")}
    for r in ed.records(DATA_DIR / "inspections.csv"):
        wanted.add((r["organisation"], r["org_id"]))
        wanted.update((a.strip(), r["org_id"]) for a in r["aliases"].split(";") if a.strip())
    assert wanted == stored


def test_tables_exist(db: sqlite3.Connection) -> None:
    names = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
    assert set(TABLES) <= names


@pytest.mark.parametrize(
    "table,column,target",
    [
        ("inspections", "org_id", "organisations"),
        ("inspections", "source_url", "sources"),
        ("findings", "inspection_id", "inspections"),
        ("findings", "org_id", "organisations"),
        ("findings", "source_url", "sources"),
        ("standard_ratings", "inspection_id", "inspections"),
        ("standard_ratings", "source_url", "sources"),
        ("figures", "source_url", "sources"),
        ("aliases", "org_id", "organisations"),
    ],
)
def test_foreign_keys_are_declared(db: sqlite3.Connection, table: str, column: str, target: str) -> None:
    fks = {(r["from"], r["table"]) for r in db.execute(f"pragma foreign_key_list({table})")}
    assert (column, target) in fks


def test_foreign_keys_hold(db: sqlite3.Connection) -> None:
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize(
    "table,columns",
    [
        ("inspections", ["org_id", "sort_date"]),
        ("inspections", ["org_type"]),
        ("inspections", ["programme"]),
        ("inspections", ["year"]),
        ("inspections", ["region"]),
        ("inspections", ["overall_rating"]),
        ("findings", ["inspection_id"]),
        ("findings", ["org_id"]),
        ("findings", ["topic"]),
        ("standard_ratings", ["inspection_id"]),
        ("aliases", ["org_id"]),
        ("organisations", ["short_key"]),
    ],
)
def test_indexes_exist(db: sqlite3.Connection, table: str, columns: list[str]) -> None:
    indexed = [
        [c["name"] for c in db.execute(f"pragma index_info('{ix['name']}')")]
        for ix in db.execute(f"pragma index_list({table})")
    ]
    assert columns in indexed


def test_queries_by_organisation_use_an_index(db: sqlite3.Connection) -> None:
    plan = " ".join(
        r[3]
        for r in db.execute(
            "explain query plan select * from inspections where org_id = ? order by sort_date", ("dtv-crc",)
        )
    )
    assert "USING INDEX" in plan


@pytest.mark.parametrize("fts", ["findings_fts", "figures_fts"])
def test_full_text_tables_are_fts5(db: sqlite3.Connection, fts: str) -> None:
    sql = db.execute("select sql from sqlite_master where name = ?", (fts,)).fetchone()[0]
    assert "using fts5" in sql.lower()


def test_findings_fts_answers_a_match_query(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "select findings.finding, findings.topic from findings join findings_fts on findings_fts.rowid = findings.id "
        "where findings_fts match 'caseloads OR workloads'"
    ).fetchall()
    assert rows
    assert all("caseload" in (r[0] + r[1]).lower() or "workload" in (r[0] + r[1]).lower() for r in rows)
    # the index covers every finding, and stems words (porter): "recruit" finds "recruiting", "recruited"
    assert (
        db.execute("select count(*) from findings_fts").fetchone()[0]
        == db.execute("select count(*) from findings").fetchone()[0]
    )
    stemmed = db.execute(
        "select finding from findings where id in (select rowid from findings_fts where findings_fts match 'recruit')"
    ).fetchall()
    assert any("recruited" in r[0] or "recruiting" in r[0] for r in stemmed)


def test_figures_fts_answers_a_match_query(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "select metric from figures where id in (select rowid from figures_fts where figures_fts match 'outstanding')"
    ).fetchall()
    assert rows and all("outstanding" in r[0].lower() for r in rows)


def test_every_row_keeps_its_source(db: sqlite3.Connection) -> None:
    for table in ("inspections", "findings", "standard_ratings", "figures"):
        assert (
            db.execute(f"select count(*) from {table} where source_url is null or source_url = ''").fetchone()[0] == 0
        )
        assert (
            db.execute(f"select count(*) from {table} where source_url not in (select url from sources)").fetchone()[0]
            == 0
        )
    assert db.execute("select count(*) from sources where title is null or title = ''").fetchone()[0] == 0


def test_inspection_source_titles_are_kept(db: sqlite3.Connection) -> None:
    titles = {r["inspection_id"]: r["source_title"] for r in db.execute("select * from inspections")}
    for rec in ed.records(DATA_DIR / "inspections.csv"):
        assert titles[rec["inspection_id"]] == (rec["source_title"] or None)


def test_rating_points_follow_the_inspectorates_scheme(db: sqlite3.Connection) -> None:
    for table, column in (("inspections", "overall_rating"), ("standard_ratings", "rating")):
        for r in db.execute(f"select {column} as rating, rating_points from {table}"):
            assert r["rating_points"] == (RATING_POINTS[r["rating"]] if r["rating"] else None)


def test_organisations_summarise_their_inspections(db: sqlite3.Connection) -> None:
    org_ids = {r["org_id"] for r in ed.records(DATA_DIR / "inspections.csv")}
    orgs = {r["org_id"]: r for r in db.execute("select * from organisations")}
    assert set(orgs) == org_ids
    for org_id, org in orgs.items():
        history = db.execute(
            "select inspection_id from inspections where org_id = ? order by sort_date, inspection_id", (org_id,)
        ).fetchall()
        assert org["inspection_count"] == len(history)
        assert org["latest_inspection_id"] == history[-1][0]
    assert len({o["short_key"] for o in orgs.values()}) == len(orgs)


def test_meta_records_schema_and_data(db: sqlite3.Connection) -> None:
    meta = dict(db.execute("select key, value from meta").fetchall())
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["data_sha256"] == data_fingerprint(DATA_DIR)
    assert int(meta["inspections"]) == db.execute("select count(*) from inspections").fetchone()[0]


# -- determinism ---------------------------------------------------------------------------------


def test_two_builds_of_the_same_data_are_byte_identical(data_copy: Path, tmp_path: Path) -> None:
    """The strongest form of determinism: not just the same rows, the same file -- also when the same
    files sit in another folder and the output has another name."""
    other = tmp_path / "elsewhere" / "data"
    shutil.copytree(data_copy, other)
    first, second = tmp_path / "a" / "p.db", tmp_path / "b" / "other-name.db"
    build(data_copy, first)
    build(other, second)
    assert first.read_bytes() == second.read_bytes()
    a, b = connect(first), connect(second)
    assert list(a.iterdump()) == list(b.iterdump())
    a.close()
    b.close()


# -- atomicity -----------------------------------------------------------------------------------


def test_a_refused_build_writes_nothing_and_keeps_the_old_database(data_copy: Path, previous_db: Path) -> None:
    before = previous_db.read_bytes()
    listing = sorted(os.listdir(previous_db.parent))
    breaks.duplicate_inspection_id(data_copy)
    with pytest.raises(BuildError) as info:
        build(data_copy, previous_db)
    assert len(info.value.problems) == 1
    assert previous_db.read_bytes() == before
    assert sorted(os.listdir(previous_db.parent)) == listing


def test_a_refused_build_creates_no_file(data_copy: Path, tmp_path: Path) -> None:
    breaks.alias_to_unknown_org(data_copy)
    out = tmp_path / "new" / "p.db"
    with pytest.raises(BuildError):
        build(data_copy, out)
    assert not out.exists()


def test_a_build_that_fails_while_writing_leaves_no_temporary_files(data_copy: Path, tmp_path: Path) -> None:
    """``--out`` naming a folder fails only at the final rename, after the whole file is written."""
    out = tmp_path / "out"
    (out / "keep").mkdir(parents=True)
    with pytest.raises(OSError):
        build(data_copy, out)
    assert sorted(p.name for p in out.rglob("*")) == ["keep"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_a_build_replaces_the_old_database_in_one_rename(data_copy: Path, previous_db: Path) -> None:
    old_inode = previous_db.stat().st_ino
    ed.append_record(data_copy / "inspections.csv", _new_inspection(data_copy))
    build(data_copy, previous_db)
    assert previous_db.stat().st_ino != old_inode
    conn = connect(previous_db)
    assert conn.execute("select count(*) from inspections").fetchone()[0] == len(
        ed.records(data_copy / "inspections.csv")
    )
    conn.close()
    assert [p.name for p in previous_db.parent.iterdir()] == [previous_db.name]


def _new_inspection(data_dir: Path) -> list[str]:
    """A copy of DTV's 2020 inspection as a made-up 2099 one: valid, and new."""
    path = data_dir / "inspections.csv"
    cells = ed.cells_at(path, ed.line_of(path, "inspection_id", "dtv-crc-2020"))
    cells[0] = "dtv-crc-2099"
    cells[ed.header(path).index("published")] = "2099-01"
    return cells


def test_a_path_with_uri_characters_builds_and_reads(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "odd ?#% name" / "p.db"
    build(data_copy, out)
    assert is_current(out, data_copy)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "odd ?#% name"]


def test_is_current_tracks_data_and_schema(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.db"
    assert not is_current(out, data_copy)
    build(data_copy, out)
    assert is_current(out, data_copy)
    old_schema = tmp_path / "old-schema.db"
    shutil.copyfile(out, old_schema)
    conn = sqlite3.connect(old_schema)
    conn.execute("update meta set value = '0' where key = 'schema_version'")
    conn.commit()
    conn.close()
    assert not is_current(old_schema, data_copy)
    breaks.unknown_stance(data_copy)
    assert not is_current(out, data_copy)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(4096))
    assert not is_current(garbage, data_copy)
    assert not is_current(tmp_path, data_copy)


# -- other tools ---------------------------------------------------------------------------------


def test_sqlite_utils_lists_the_tables_with_counts(kb_path: Path) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "sqlite-utils"), "tables", str(kb_path), "--counts"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    counts = {t["table"]: t["count"] for t in json.loads(result.stdout)}
    assert counts["inspections"] == len(ed.records(DATA_DIR / "inspections.csv"))
    assert counts["findings"] == len(ed.records(DATA_DIR / "findings.csv"))
    assert counts["findings_fts"] == counts["findings"]


async def test_datasette_serves_the_database_and_its_tables(kb_path: Path) -> None:
    from datasette.app import Datasette

    ds = Datasette([str(kb_path)])
    await ds.invoke_startup()
    db_name = kb_path.stem
    response = await ds.client.get(f"/{db_name}.json")
    assert response.status_code == 200
    tables = {t["name"]: t for t in response.json()["tables"]}
    assert {"inspections", "findings", "findings_fts"} <= set(tables)
    assert tables["inspections"]["count"] == len(ed.records(DATA_DIR / "inspections.csv"))
    assert tables["findings"]["fts_table"] == "findings_fts"
    page = await ds.client.get(f"/{db_name}/inspections.json?org_id=dtv-crc&_shape=array")
    assert page.status_code == 200
    assert sorted(r["inspection_id"] for r in page.json()) == ["dtv-crc-2019", "dtv-crc-2020"]
    search = await ds.client.get(f"/{db_name}/findings.json?_search=workloads&_shape=array")
    assert search.status_code == 200 and search.json()
    html = await ds.client.get(f"/{db_name}/findings")
    assert html.status_code == 200
