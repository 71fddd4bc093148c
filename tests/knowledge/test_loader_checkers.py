"""Each data file's checker on its own small bad inputs.

The checkers take records as ``read_csv`` gives them (line, cells by column), so these fixtures are
written here, row by row, rather than carved out of the real data: every expected message and value
below is spelled out by the test. ``test_loader.py`` checks the same faults end to end through files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.loader import (
    FileReport,
    Problem,
    Records,
    check_aliases,
    check_caveats,
    check_figures,
    check_findings,
    check_inspections,
    check_local_authority_regions,
    check_seed_sources,
    check_standard_ratings,
    check_subjects,
)
from tests.knowledge.breaks import _two_org_ids_with_one_short_key

URL = "https://www.justiceinspectorates.gov.uk/hmiprobation/inspections/example/"


def report() -> FileReport:
    return FileReport("file.csv", [])


def said(rep: FileReport) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in rep.problems]


def inspection(**cells: str) -> dict[str, str]:
    """A good inspections.csv record, with ``cells`` changed."""
    row = {
        "inspection_id": "essex-pdu-2023",
        "org_id": "essex-pdu",
        "organisation": "Essex PDU",
        "org_type": "PDU",
        "aliases": " Essex ; ",
        "owner": "",
        "region": "East of England",
        "programme": "",
        "fieldwork": "",
        "published": "2023-05-04",
        "overall_rating": "good",
        "rating_status": "",
        "previous_rating": "",
        "people_supervised": "1,234",
        "supervised_qualifier": "",
        "supervised_asof": "",
        "score": "20 of 36",
        "source_url": URL,
        "source_title": "",
        "notes": "",
    }
    row.update(cells)
    return row


# inspections.csv -----------------------------------------------------------------------------------


def test_a_good_inspection_is_cleaned_into_its_row() -> None:
    rep = report()
    checked = check_inspections([(2, inspection())], rep)
    assert rep.problems == []
    (row,) = checked.rows
    assert (row.line, row.inspection_id, row.org_type, row.aliases) == (2, "essex-pdu-2023", "pdu", ("Essex",))
    assert (row.overall_rating, row.rating_status, row.previous_rating) == ("Good", "rated", None)
    assert (row.published, row.published_precision, row.year, row.year_estimated) == ("2023-05-04", "day", 2023, 0)
    assert (row.people_supervised, row.supervised_qualifier) == (1234, "exact")
    assert (row.score, row.score_points, row.score_max) == ("20 of 36", 20, 36)
    assert (row.owner, row.source_title, row.notes) == (None, None, None)
    assert checked.inspection_ids == {"essex-pdu-2023"} and checked.org_ids == {"essex-pdu"}


def test_an_undated_inspection_takes_its_year_from_its_id_and_says_it_is_estimated() -> None:
    checked = check_inspections([(2, inspection(published="", overall_rating="", people_supervised=""))], report())
    (row,) = checked.rows
    assert (row.published, row.published_precision, row.year, row.year_estimated) == (None, "unknown", 2023, 1)
    assert (row.rating_status, row.people_supervised, row.supervised_qualifier) == ("not found", None, None)


@pytest.mark.parametrize(
    "cells,message",
    [
        ({"inspection_id": ""}, "row has no inspection_id"),
        ({"inspection_id": "Essex 2023"}, "inspection_id 'Essex 2023' must be lower-case letters, digits and hyphens"),
        ({"org_id": ""}, "org_id '' must be lower-case letters, digits and hyphens"),
        ({"organisation": ""}, "row has no organisation name"),
        (
            {"org_type": "Prison"},
            "unknown org_type 'Prison' (expected one of: CRC, NPS division, PDU, "
            "Probation region, Youth justice service, Other)",
        ),
        ({"published": "2023-13"}, "published: malformed date '2023-13': month 13 out of range"),
        ({"previous_rating": "Fair"}, "previous_rating: unknown rating 'Fair'"),
        (
            {"rating_status": "pending"},
            "unknown rating_status 'pending' (expected one of: rated, not rated, not found)",
        ),
        ({"overall_rating": "", "rating_status": "rated"}, "rating_status is 'rated' but overall_rating is empty"),
        ({"rating_status": "not rated"}, "rating_status is 'not rated' but overall_rating is 'Good'"),
        ({"people_supervised": "-5"}, "people_supervised '-5' is not a whole number"),
        ({"people_supervised": "about 5000"}, "people_supervised 'about 5000' is not a whole number"),
        (
            {"people_supervised": "", "supervised_qualifier": "about"},
            "supervised_qualifier given without people_supervised",
        ),
        ({"score": "40 of 36"}, "score '40 of 36' must read 'N of M' with N no more than M"),
        ({"score": "20/36"}, "score '20/36' must read 'N of M' with N no more than M"),
        ({"source_url": ""}, "row has no source_url"),
        ({"source_url": "ftp://example.org/x"}, "source_url 'ftp://example.org/x' is not an http(s) URL"),
    ],
)
def test_each_fault_of_an_inspection_is_named_and_the_row_dropped(cells: dict[str, str], message: str) -> None:
    rep = report()
    checked = check_inspections([(7, inspection(**cells))], rep)
    assert [line for line, _ in said(rep)] == [7]
    assert said(rep)[0][1].startswith(message)
    assert checked.rows == []


def test_an_unknown_overall_rating_is_not_reported_again_as_a_status_fault() -> None:
    rep = report()
    check_inspections([(3, inspection(overall_rating="Excellent", rating_status="rated"))], rep)
    assert len(rep.problems) == 1 and rep.problems[0].message.startswith("overall_rating: unknown rating 'Excellent'")


def test_every_fault_of_one_row_is_reported_in_column_order() -> None:
    rep = report()
    check_inspections([(4, inspection(organisation="", score="9", source_url=""))], rep)
    assert said(rep) == [
        (4, "row has no organisation name"),
        (4, "score '9' must read 'N of M' with N no more than M"),
        (4, "row has no source_url"),
    ]


def test_a_repeated_inspection_id_names_its_first_line() -> None:
    rep = report()
    checked = check_inspections([(2, inspection()), (9, inspection())], rep)
    assert said(rep) == [(9, "duplicate inspection_id 'essex-pdu-2023' (first on line 2)")]
    assert [r.line for r in checked.rows] == [2]


def test_an_organisation_keeps_one_type() -> None:
    rep = report()
    check_inspections([(2, inspection()), (3, inspection(inspection_id="essex-pdu-2024", org_type="CRC"))], rep)
    assert said(rep) == [(3, "org_id 'essex-pdu' has org_type 'CRC' here but another type on line 2")]


def test_ids_of_rejected_rows_still_count_as_declared() -> None:
    checked = check_inspections([(2, inspection(source_url=""))], report())
    assert checked.rows == [] and checked.inspection_ids == {"essex-pdu-2023"}


def test_an_unreadable_file_declares_nothing_rather_than_no_ids() -> None:
    checked = check_inspections(None, report())
    assert (checked.rows, checked.inspection_ids, checked.org_ids, checked.youth_orgs()) == ([], None, None, None)


def test_two_organisations_with_one_short_key_are_refused() -> None:
    first, second = _two_org_ids_with_one_short_key()
    rep = report()
    check_inspections(
        [
            (2, inspection(inspection_id=f"{first}-2020", org_id=first)),
            (3, inspection(inspection_id=f"{second}-2020", org_id=second)),
        ],
        rep,
    )
    assert said(rep) == [(3, f"org_id {second!r} has the same short key as {first!r}; choose another org_id")]


def test_youth_services_are_listed_with_their_first_line() -> None:
    records: Records = [
        (2, inspection()),
        (5, inspection(inspection_id="yjs-sefton-2019", org_id="yjs-sefton", org_type="Youth justice service")),
        (8, inspection(inspection_id="yjs-sefton-2023", org_id="yjs-sefton", org_type="Youth justice service")),
    ]
    assert check_inspections(records, report()).youth_orgs() == {"yjs-sefton": 5}


# subjects.csv --------------------------------------------------------------------------------------


def test_subjects_need_a_fresh_id_and_a_title() -> None:
    rep = report()
    records: Records = [
        (2, {"subject_id": "national-2021", "title": "A national report", "kind": "", "year": "2021"}),
        (3, {"subject_id": "National", "title": "x", "kind": "", "year": ""}),
        (4, {"subject_id": "essex-pdu-2023", "title": "x", "kind": "", "year": ""}),
        (5, {"subject_id": "national-2021", "title": "again", "kind": "", "year": ""}),
        (6, {"subject_id": "thematic", "title": "", "kind": "", "year": ""}),
        (7, {"subject_id": "thematic-2", "title": "A thematic", "kind": "thematic", "year": "n/a"}),
    ]
    rows, ids = check_subjects(records, rep, {"essex-pdu-2023"})
    assert said(rep) == [
        (3, "subject_id 'National' must be lower-case letters, digits and hyphens"),
        (4, "duplicate subject_id 'essex-pdu-2023'"),
        (5, "duplicate subject_id 'national-2021'"),
        (6, "row has no title"),
    ]
    assert [(r.line, r.subject_id, r.kind, r.year) for r in rows] == [
        (2, "national-2021", None, 2021),
        (7, "thematic-2", "thematic", None),
    ]
    assert ids == {"national-2021", "thematic-2"}
    assert check_subjects(None, report(), None) == ([], None)


# standard_ratings.csv ------------------------------------------------------------------------------


def rating(**cells: str) -> dict[str, str]:
    row = {
        "inspection_id": "essex-pdu-2023",
        "standard_code": "",
        "standard_name": "Leadership",
        "rating": "requires improvement",
        "source_url": URL,
    }
    row.update(cells)
    return row


def test_standard_ratings_name_a_known_inspection_a_standard_and_a_rating() -> None:
    rep = report()
    records: Records = [
        (2, rating()),
        (3, rating(inspection_id="nowhere-2020")),
        (4, rating(standard_name="")),
        (5, rating(rating="")),
        (6, rating(rating="Poor")),
        (7, rating(source_url="www.x.org")),
    ]
    rows = check_standard_ratings(records, rep, {"essex-pdu-2023"})
    assert said(rep) == [
        (3, "rating for unknown inspection 'nowhere-2020'"),
        (4, "row has no standard_name"),
        (5, "row has no rating"),
        (6, "rating: unknown rating 'Poor' (expected one of: Outstanding, Good, Requires improvement, Inadequate)"),
        (7, "source_url 'www.x.org' is not an http(s) URL"),
    ]
    assert [(r.line, r.standard_code, r.rating) for r in rows] == [(2, None, "Requires improvement")]


def test_standard_ratings_are_not_held_to_an_unreadable_inspections_file() -> None:
    rep = report()
    assert [r.line for r in check_standard_ratings([(2, rating(inspection_id="x"))], rep, None)] == [2]
    assert rep.problems == []


# findings.csv --------------------------------------------------------------------------------------


def finding(**cells: str) -> dict[str, str]:
    row = {
        "inspection_id": "essex-pdu-2023",
        "topic": "staffing",
        "stance": "concern",
        "finding": "Caseloads were too high.",
        "figure": "",
        "source_url": URL,
    }
    row.update(cells)
    return row


def test_findings_are_about_a_known_inspection_or_subject() -> None:
    rep = report()
    records: Records = [
        (2, finding()),
        (3, finding(inspection_id="national-2021")),
        (4, finding(inspection_id="nowhere")),
        (5, finding(topic="")),
        (6, finding(stance="mixed")),
        (7, finding(finding="")),
        (8, finding(source_url="")),
    ]
    rows = check_findings(records, rep, {"essex-pdu-2023"}, {"national-2021"})
    assert said(rep) == [
        (4, "finding for unknown inspection 'nowhere' (not in inspections.csv or subjects.csv)"),
        (5, "row has no topic"),
        (6, "unknown stance 'mixed' (expected one of: strength, concern, neutral)"),
        (7, "row has no finding"),
        (8, "row has no source_url"),
    ]
    assert [(r.line, r.subject_id, r.inspection_id, r.figure) for r in rows] == [
        (2, "essex-pdu-2023", "essex-pdu-2023", None),
        (3, "national-2021", None, None),
    ]


def test_findings_are_not_held_to_an_unreadable_subjects_file() -> None:
    rep = report()
    assert len(check_findings([(2, finding(inspection_id="nowhere"))], rep, {"essex-pdu-2023"}, None)) == 1
    assert rep.problems == []


# figures.csv and seed_sources.csv ------------------------------------------------------------------


def test_figures_need_a_subject_a_metric_a_value_and_a_page() -> None:
    rep = report()
    good = {
        "subject": "England and Wales",
        "metric": "caseload",
        "value": "240,000",
        "unit": "",
        "as_of": "2023",
        "source_url": URL,
        "source_title": "A page",
    }
    records: Records = [(2, good), (3, {**good, "metric": "", "value": ""}), (4, {**good, "source_url": "x"})]
    rows = check_figures(records, rep)
    assert said(rep) == [(3, "row has no metric"), (3, "row has no value"), (4, "source_url 'x' is not an http(s) URL")]
    assert [(r.line, r.unit, r.as_of, r.source_title) for r in rows] == [(2, None, "2023", "A page")]


def test_seed_sources_need_a_url_and_a_date_of_the_datas_forms() -> None:
    rep = report()
    good = {"seed_file": "", "title": "Annual report", "url": URL, "published": "2022", "publisher": ""}
    records: Records = [(2, good), (3, {**good, "url": ""}), (4, {**good, "published": "May 2022"})]
    rows = check_seed_sources(records, rep)
    assert [(line, m[:30]) for line, m in said(rep)] == [(3, "row has no url"), (4, "published: malformed date 'May")]
    assert [(r.line, r.seed_file, r.published, r.publisher) for r in rows] == [(2, None, "2022", None)]


# aliases.csv ---------------------------------------------------------------------------------------


def test_aliases_point_at_a_known_organisation_once() -> None:
    rep = report()
    records: Records = [
        (2, {"alias": "Essex", "org_id": "essex-pdu", "kind": ""}),
        (3, {"alias": "", "org_id": "essex-pdu", "kind": ""}),
        (4, {"alias": "Kent", "org_id": "kent-pdu", "kind": "place"}),
        (5, {"alias": "ESSEX", "org_id": "essex-pdu", "kind": "place"}),
    ]
    rows = check_aliases(records, rep, {"essex-pdu"})
    assert said(rep) == [
        (3, "row has no alias"),
        (4, "alias 'Kent' points to unknown org_id 'kent-pdu'"),
        (5, "duplicate alias 'ESSEX' for 'essex-pdu' (first on line 2)"),
    ]
    assert [(r.line, r.alias, r.kind) for r in rows] == [(2, "Essex", "alias")]


def test_aliases_are_not_held_to_an_unreadable_inspections_file() -> None:
    rep = report()
    assert len(check_aliases([(2, {"alias": "Kent", "org_id": "kent-pdu", "kind": ""})], rep, None)) == 1
    assert rep.problems == []


# caveats.csv ---------------------------------------------------------------------------------------


def test_caveats_are_about_one_known_value_of_a_known_inspection() -> None:
    rep = report()
    records: Records = [
        (2, {"inspection_id": "essex-pdu-2023", "field": "rating", "caveat": "Inferred."}),
        (3, {"inspection_id": "nowhere", "field": "rating", "caveat": "x"}),
        (4, {"inspection_id": "essex-pdu-2023", "field": "colour", "caveat": "x"}),
        (5, {"inspection_id": "essex-pdu-2023", "field": "date", "caveat": ""}),
    ]
    rows = check_caveats(records, rep, {"essex-pdu-2023"})
    assert said(rep) == [
        (3, "caveat for unknown inspection 'nowhere'"),
        (4, "unknown field 'colour' (expected one of: rating, score, people, date, owner, standards)"),
        (5, "row has no caveat"),
    ]
    assert [(r.line, r.field, r.caveat) for r in rows] == [(2, "rating", "Inferred.")]


def test_caveats_are_dropped_quietly_when_inspections_are_unreadable() -> None:
    rep = report()
    assert check_caveats([(2, {"inspection_id": "x", "field": "colour", "caveat": ""})], rep, None) == []
    assert rep.problems == []


# local_authority_regions.csv -----------------------------------------------------------------------


def region(**cells: str) -> dict[str, str]:
    row = {"org_id": "yjs-sefton", "local_authorities": "Sefton", "region": "North West", "source_url": URL}
    row.update(cells)
    return row


def test_each_youth_service_has_one_sourced_region(tmp_path: Path) -> None:
    problems: list[Problem] = []
    records: Records = [
        (2, region()),
        (3, region()),
        (4, region(org_id="essex-pdu")),
        (5, region(org_id="yjs-wirral", local_authorities="", region="Merseyside", source_url="")),
    ]
    rows = check_local_authority_regions(
        tmp_path, records, {"yjs-sefton": 9, "yjs-wirral": 10, "yjs-derby": 11}, problems
    )
    regions = (
        "North East, North West, Yorkshire and the Humber, East Midlands, West Midlands, "
        "East of England, London, South East, South West, Wales"
    )
    assert [(Path(p.path).name, p.line, p.message) for p in problems] == [
        ("local_authority_regions.csv", 3, "duplicate org_id 'yjs-sefton' (first on line 2)"),
        ("local_authority_regions.csv", 4, "org_id 'essex-pdu' is not a youth justice service in inspections.csv"),
        ("local_authority_regions.csv", 5, "row has no local_authorities"),
        ("local_authority_regions.csv", 5, f"unknown region 'Merseyside' (expected one of: {regions})"),
        ("local_authority_regions.csv", 5, "row has no source_url"),
        ("inspections.csv", 11, "youth justice service 'yjs-derby' has no row in local_authority_regions.csv"),
    ]
    assert [(r.line, r.region) for r in rows] == [(2, "North West")]


def test_regions_are_checked_on_their_own_when_inspections_are_unreadable(tmp_path: Path) -> None:
    problems: list[Problem] = []
    rows = check_local_authority_regions(tmp_path, [(2, region(org_id="anything"))], None, problems)
    assert problems == [] and [r.org_id for r in rows] == ["anything"]
