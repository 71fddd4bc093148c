"""Youth justice services in the knowledge layer: our region table is checked and used, renamed services
keep one history, ``kb stats`` counts them, and the resolver's probation-or-youth rule holds.

Expected values come from the CSV files (``tests.youth_data``) or SQL written here.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from knowledge.kb import KnowledgeBase
from knowledge.loader import YOUTH_REGIONS, load_dataset
from knowledge.paths import DATA_DIR
from knowledge.resolve import Resolver
from knowledge.stats import kb_stats
from tests import youth_data as yd
from tests.knowledge import csvedit as ed

TABLE = "local_authority_regions.csv"


# -- the region table -----------------------------------------------------------------------------------
def test_every_youth_service_has_exactly_one_sourced_region() -> None:
    rows = ed.records(DATA_DIR / TABLE)
    assert sorted(r["org_id"] for r in rows) == yd.youth_org_ids()
    assert {r["region"] for r in rows} <= set(YOUTH_REGIONS)
    assert all(r["source_url"].startswith("https://") and r["local_authorities"] for r in rows)


def test_the_build_gives_each_youth_inspection_its_region_from_the_table(kb_path: Path) -> None:
    conn = sqlite3.connect(kb_path)
    got = dict(conn.execute("select inspection_id, region from inspections where org_type = 'yjs'"))
    orgs = dict(conn.execute("select org_id, region from organisations where org_type = 'yjs'"))
    conn.close()
    assert got == {r.inspection_id: yd.regions()[r.org_id] for r in yd.inspections() if r.org_type == yd.YOUTH}
    assert orgs == yd.regions()


def test_probation_regions_are_left_as_the_data_gives_them(kb_path: Path) -> None:
    conn = sqlite3.connect(kb_path)
    got = dict(conn.execute("select inspection_id, coalesce(region, '') from inspections where org_type != 'yjs'"))
    conn.close()
    want = {
        r["inspection_id"]: r["region"] for r in ed.records(DATA_DIR / "inspections.csv") if r["org_type"] != yd.YOUTH
    }
    assert got == want


@pytest.mark.parametrize(
    "column, value, fragment",
    [
        ("region", "Narnia", "unknown region 'Narnia'"),
        ("org_id", "pdu-leeds", "is not a youth justice service"),
        ("source_url", "ons lookup", "is not an http(s) URL"),
        ("local_authorities", "", "no local_authorities"),
    ],
)
def test_a_bad_region_row_is_reported_on_its_line(data_copy: Path, column: str, value: str, fragment: str) -> None:
    path = data_copy / TABLE
    line = ed.line_of(path, "org_id", "yjs-leeds")
    ed.set_cell(path, line, column, value)
    problems = [str(p) for p in load_dataset(data_copy).problems]
    leeds_first = ed.line_of(data_copy / "inspections.csv", "org_id", "yjs-leeds")
    if column == "org_id":  # Leeds YJS has lost its row too, and that is said on its inspections.csv line
        assert len(problems) == 2 and any(f"inspections.csv:{leeds_first}: " in p for p in problems), problems
        problems = [p for p in problems if f"{TABLE}:" in p]
    assert len(problems) == 1, problems
    assert ed.problem_re(TABLE, line).match(problems[0]) and fragment in problems[0], problems[0]


def test_a_youth_service_missing_from_the_table_is_reported_where_it_is_inspected(data_copy: Path) -> None:
    path = data_copy / TABLE
    lines = ed.lines(path)
    line = ed.line_of(path, "org_id", "yjs-surrey")
    ed.write_lines(path, lines[: line - 1] + lines[line:])
    problems = [str(p) for p in load_dataset(data_copy).problems]
    first = ed.line_of(data_copy / "inspections.csv", "org_id", "yjs-surrey")
    assert len(problems) == 1 and ed.problem_re("inspections.csv", first).match(problems[0]), problems
    assert "'yjs-surrey' has no row in local_authority_regions.csv" in problems[0]


def test_a_duplicate_row_is_reported_on_the_second_line(data_copy: Path) -> None:
    path = data_copy / TABLE
    line = ed.line_of(path, "org_id", "yjs-york")
    added = ed.append_record(path, ed.cells_at(path, line))
    problems = [str(p) for p in load_dataset(data_copy).problems]
    assert len(problems) == 1 and ed.problem_re(TABLE, added).match(problems[0]), problems
    assert f"first on line {line}" in problems[0]


# -- one body, one history -------------------------------------------------------------------------------
def test_a_renamed_service_is_one_body_with_every_inspection(kb: KnowledgeBase) -> None:
    renamed = {
        r.org_id
        for r in yd.inspections()
        if r.org_type == yd.YOUTH and len({h.organisation for h in yd.history(r.org_id)}) > 1
    }
    assert {"yjs-derby", "yjs-lambeth", "yjs-camden", "yjs-cardiff"} <= renamed
    for org_id in renamed:
        assert [h.inspection_id for h in kb.history(org_id)] == [h.inspection_id for h in yd.history(org_id)]
        org = kb.organisation(org_id)
        assert org is not None and org.name == yd.latest_name(org_id)


def test_no_two_youth_services_share_a_place(kb: KnowledgeBase) -> None:
    """A service under two ids would split its history: each youth org_id names a different place."""
    places = Counter(org_id.removeprefix("yjs-") for org_id in yd.youth_org_ids())
    assert [p for p, n in places.items() if n > 1] == []
    assert len(yd.youth_org_ids()) == sum(1 for o in kb.organisations.values() if o.org_type == "yjs")


# -- kb stats ----------------------------------------------------------------------------------------------
def test_stats_count_youth_services_and_their_ratings(kb: KnowledgeBase) -> None:
    stats = kb_stats(kb)
    youth_rows = [r for r in yd.inspections() if r.org_type == yd.YOUTH]
    ids = {r.inspection_id for r in youth_rows}
    assert stats["youth justice services"]["services"] == len(yd.youth_org_ids())
    assert stats["youth justice services"]["inspections"] == len(youth_rows) == 139
    assert stats["youth justice services"]["standard ratings"] == sum(
        1 for r in ed.records(DATA_DIR / "standard_ratings.csv") if r["inspection_id"] in ids
    )
    assert stats["youth justice services"]["findings"] == sum(
        1 for r in ed.records(DATA_DIR / "findings.csv") if r["inspection_id"] in ids
    )
    latest = Counter(yd.history(o)[-1].overall_rating or "not rated / not found" for o in yd.youth_org_ids())
    assert stats["youth services by latest rating"] == dict(latest)
    assert stats["youth inspections by programme"] == dict(
        Counter(r["programme"] for r in ed.records(DATA_DIR / "inspections.csv") if r["org_type"] == yd.YOUTH)
    )
    assert stats["youth services by region"] == dict(Counter(yd.regions().values()))


# -- names: youth words, joint services, and the probation-or-youth rule ------------------------------------
@pytest.fixture(scope="module")
def resolver(kb: KnowledgeBase) -> Resolver:
    return Resolver.from_aliases(kb.aliases, {o.org_id: o.org_type for o in kb.organisations.values()})


def first(resolver: Resolver, text: str):
    found = resolver.resolve(text)
    assert found, f"{text!r} named nothing"
    return found[0]


@pytest.mark.parametrize(
    "place, probation, youth",
    [
        ("Leeds", "pdu-leeds", "yjs-leeds"),
        ("Gwent", "pdu-gwent", None),
        ("Cwm Taf", "pdu-cwm-taf-morgannwg", "yjs-cwm-taf"),
        ("Knowsley", "pdu-knowsley-st-helens", "yjs-knowsley"),
        ("Barking and Dagenham", "pdu-barking-dagenham-havering", "yjs-barking-and-dagenham"),
        ("Sheffield", "pdu-sheffield", "yjs-sheffield"),
    ],
)
def test_a_bare_place_means_the_probation_body_and_offers_the_youth_service(resolver, place, probation, youth):
    match = first(resolver, f"how did {place} do?")
    assert match.org_ids == [probation]
    if youth:
        assert youth in match.see_also


@pytest.mark.parametrize(
    "question, youth, probation",
    [
        ("how did Leeds YOT do?", "yjs-leeds", "pdu-leeds"),
        ("Leeds youth offending service", "yjs-leeds", "pdu-leeds"),
        ("how is the youth justice service in Sheffield", "yjs-sheffield", "pdu-sheffield"),
        ("Cwm Taf YJS", "yjs-cwm-taf", "pdu-cwm-taf-morgannwg"),
        ("YOS knowsley", "yjs-knowsley", "pdu-knowsley-st-helens"),
        (
            "has the youth service in Barking and Dagenham improved",
            "yjs-barking-and-dagenham",
            "pdu-barking-dagenham-havering",
        ),
    ],
)
def test_a_question_that_says_youth_means_the_youth_service_and_offers_the_probation_body(
    resolver, question, youth, probation
):
    match = first(resolver, question)
    assert match.org_ids == [youth]
    assert probation in match.see_also


def test_kind_words_next_to_each_name_decide_each(resolver) -> None:
    found = resolver.resolve("compare Leeds YOT with Leeds PDU")
    assert [m.org_ids for m in found] == [["yjs-leeds"], ["pdu-leeds"]]
    found = resolver.resolve("Leeds youth justice against Leeds probation")
    assert [m.org_ids for m in found] == [["yjs-leeds"], ["pdu-leeds"]]


@pytest.mark.parametrize(
    "place, org_id",
    [
        ("Blaenau Gwent", "yjs-blaenau-gwent-and-caerphilly"),
        ("Caerphilly", "yjs-blaenau-gwent-and-caerphilly"),
        ("Tower Hamlets", "yjs-tower-hamlets-and-city-of-london"),
        ("City of London", "yjs-tower-hamlets-and-city-of-london"),
        ("Western Bay", "yjs-western-bay"),
        ("Anglesey", "yjs-gwynedd-and-ynys-mon"),
        ("Poole", "yjs-dorset"),
        ("Halton", "yjs-cheshire"),
        ("Merthyr Tydfil", "yjs-cwm-taf"),
        ("Rochdale", "yjs-bury-and-rochdale"),
    ],
)
def test_a_joint_service_is_found_by_any_of_its_places(resolver, place, org_id):
    assert first(resolver, f"{place} youth offending team").org_ids == [org_id]


@pytest.mark.parametrize("question", ["how did the YOT do", "yos ratings", "youth justice", "which YJSs"])
def test_youth_kind_words_alone_name_no_organisation(resolver, question):
    assert resolver.resolve(question) == []
