"""Every kind of answer, on youth justice services: what each says is checked against the CSV files
(``tests.youth_data``) or SQL written here, never against the engine's own results."""

from __future__ import annotations

import csv
import re

import pytest

from knowledge.kb import KnowledgeBase
from knowledge.paths import DATA_DIR
from responses.answer import ANSWER, CHOICES
from tests import youth_data as yd
from tests.responses.helpers import citation_problems, page_problems

RANK = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}
_HEADING = re.compile(r"^(Outstanding|Good|Requires improvement|Inadequate): \d+, (?:joint )?(\d+)\w\w", re.M)
_ROW = re.compile(r"^• (.+?), (?:score |\d{4}|year |probably )")


class _LeagueLines:
    """Rows of a league as printed: rating headings ("Good: 11, joint 4th"), then one bullet per body."""

    @staticmethod
    def findall(text: str) -> list[tuple[str, str, str]]:
        rows: list[tuple[str, str, str]] = []
        place = rating = None
        for line in text.splitlines():
            if heading := _HEADING.match(line):
                rating, place = heading.group(1), heading.group(2)
            elif rating and (row := _ROW.match(line)):
                rows.append((str(place), row.group(1), rating))
        return rows


LEAGUE_LINE = _LeagueLines()
ONS = next(csv.DictReader((DATA_DIR / "local_authority_regions.csv").open(encoding="utf-8")))["source_url"]


def ask(engine, question: str):
    answer = engine.ask(question)
    assert answer.intent != "error", answer.text
    assert not page_problems(answer) and not citation_problems(answer), question
    return answer


def key(kb: KnowledgeBase, org_id: str) -> str:
    org = kb.organisation(org_id)
    assert org is not None, org_id
    return org.short_key


def cited(answer, url: str) -> bool:
    return any(c.url == url for c in answer.citations)


# -- summary -----------------------------------------------------------------------------------------------
def test_summary_of_every_youth_service_gives_its_latest_rating_and_cited_region(engine, kb):
    for org_id in yd.youth_org_ids():
        answer = ask(engine, f"/inspection #{key(kb, org_id)}")
        rated = [r for r in yd.history(org_id) if r.overall_rating]
        assert answer.text.startswith(yd.latest_name(org_id)), org_id
        assert (
            f"Latest rating: {rated[-1].overall_rating}" in answer.text
            or f"Last overall rating: {rated[-1].overall_rating}" in answer.text
        ), org_id
        assert f"youth justice service, {yd.regions()[org_id]} [" in answer.text, org_id
        assert cited(answer, ONS)


# -- history -----------------------------------------------------------------------------------------------
def test_history_lists_every_inspection_in_order(engine, kb):
    for org_id in yd.youth_org_ids():
        hist = yd.history(org_id)
        answer = ask(engine, f"/history #{key(kb, org_id)}")
        lines = [x for x in answer.text.splitlines() if x.startswith("• ") and "earlier inspection" not in x]
        assert len(lines) == len(hist), org_id
        for line, row in zip(lines, hist, strict=False):
            assert (row.overall_rating or "not rated") in line, (org_id, line)


def test_an_earlier_rating_known_only_from_the_next_report_is_said_plainly_and_cited(engine, kb):
    firsts = [yd.history(o)[0] for o in yd.youth_org_ids() if yd.history(o)[0].previous_rating]
    assert firsts, "the data has youth services whose first inspection gives a previous rating"
    for row in firsts:
        answer = ask(engine, f"/history #{key(kb, row.org_id)}")
        year = str(row.year)
        line = next(x for x in answer.text.splitlines() if "earlier inspection" in x)
        assert line.startswith("• before the inspection ") and year in line.split(":")[0], line
        assert row.previous_rating in line, line
        n = next(c.n for c in answer.citations if c.url == yd_source(row.inspection_id))
        assert f"[{n}]" in line


def yd_source(inspection_id: str) -> str:
    with (DATA_DIR / "inspections.csv").open(newline="", encoding="utf-8") as f:
        return next(r["source_url"] for r in csv.DictReader(f) if r["inspection_id"] == inspection_id)


def test_one_rated_inspection_with_a_previous_rating_reads_as_a_change(engine):
    # South Gloucestershire: one inspection in our sources, whose report gives the rating before it.
    (row,) = yd.history("yjs-south-gloucestershire")
    answer = ask(engine, "has South Gloucestershire youth justice service improved?")
    assert answer.intent == "history"
    word = "Improved" if RANK[row.overall_rating] > RANK[row.previous_rating] else "Declined"
    assert f"{word}: from {row.previous_rating}" in answer.text


# -- compare -----------------------------------------------------------------------------------------------
def test_compare_two_youth_services_names_the_better(engine):
    a, b = yd.history("yjs-islington")[-1], yd.history("yjs-reading")[-1]
    answer = ask(engine, "compare Islington YJS and Reading YJS")
    assert answer.intent == "compare"
    better = a if RANK[a.overall_rating] > RANK[b.overall_rating] else b
    assert f"had the better rating ({better.overall_rating})" in answer.text
    assert "different kinds" not in answer.text


def test_compare_a_youth_service_with_a_probation_body_only_when_asked_and_says_they_differ(engine, kb):
    answer = ask(engine, "compare Leeds YOT with Leeds PDU")
    assert answer.intent == "compare"
    assert yd.latest_name("yjs-leeds") in answer.text and kb.organisation("pdu-leeds").name in answer.text
    assert "different kinds of service" in answer.text and "better rating" not in answer.text
    # A bare pair of places compares the probation bodies.
    answer = ask(engine, "compare Leeds and Bradford")
    assert "Youth" not in answer.text.split("Sources")[0]


# -- leagues ---------------------------------------------------------------------------------------------
def test_league_youth_ranks_every_rated_service_by_rating(engine):
    answer = ask(engine, "/league youth")
    expected = yd.latest_rated()
    assert f"League of youth justice services: {len(expected)} by latest rating" in answer.text
    rows = LEAGUE_LINE.findall(answer.text)
    shown = min(len(expected), 80)
    assert len(rows) == shown
    ratings = [RANK[r] for _, _, r in rows]
    assert ratings == sorted(ratings, reverse=True)
    assert all("Youth" in n or "Service" in n or "Team" in n for _, n, _ in rows)
    assert "out of 36" in answer.text


@pytest.mark.parametrize("question", ["/league", "/league 2019", "/league 2022", "second round league"])
def test_a_league_that_names_no_kind_leaves_youth_services_out(engine, question):
    answer = ask(engine, question)
    youth_names = {r.organisation for r in yd.inspections() if r.org_type == yd.YOUTH}
    assert not [n for _, n, _ in LEAGUE_LINE.findall(answer.text) if n in youth_names]


def test_league_youth_by_year_and_by_programme(engine):
    answer = ask(engine, "/league youth 2023")
    assert len(LEAGUE_LINE.findall(answer.text)) == len(yd.latest_rated(year=2023))
    answer = ask(engine, "league of the new youth programme")
    new = [
        o
        for o in yd.youth_org_ids()
        if any(
            r["programme"] == "youth 2025-" and r["org_id"] == o and r["overall_rating"]
            for r in csv.DictReader((DATA_DIR / "inspections.csv").open(encoding="utf-8"))
        )
    ]
    assert len(LEAGUE_LINE.findall(answer.text)) == len(new)


# -- lists and counts ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rating", list(RANK))
def test_count_by_rating_matches_the_data(engine, rating):
    answer = ask(engine, f"how many youth justice services were rated {rating}?")
    assert answer.intent == "count"
    hits, rated = yd.latest_rated(rating=rating), yd.latest_rated()
    assert answer.text.startswith(f"{len(hits)} of the {len(rated)} youth justice services")


@pytest.mark.parametrize("region", ["Wales", "London", "North West"])
def test_lists_by_region_use_the_derived_regions(engine, region):
    answer = ask(engine, f"which youth offending teams in {region} were rated good?")
    expected = {r.organisation for r in yd.latest_rated(rating="Good", region=region)}
    listed = set(re.findall(r"^• (.+?): Good", answer.text, re.M))
    assert listed == expected


# -- scores ------------------------------------------------------------------------------------------------
def test_youth_scores_read_out_of_36_and_are_never_ranked_with_pdu_scores(engine):
    answer = ask(engine, "lowest scores")
    scales = [int(m) for m in re.findall(r"\(\d+ of (\d+)\)", answer.text)]
    assert 27 in scales and 36 in scales
    assert scales == sorted(scales), "each scale is listed on its own, 27 before 36"
    scored = [r for r in yd.inspections() if r.org_type == yd.YOUTH and r.score]
    assert all(r.score.endswith("of 36") or r.score.endswith("of 39") for r in scored)
    answer = ask(engine, "which youth justice services have a published score?")
    assert "of 27)" not in answer.text


def test_youth_score_fact_explains_its_scale(engine):
    row = next(r for r in yd.history("yjs-cheshire") if r.score)
    answer = ask(engine, "Cheshire YJS score")
    assert f"{row.score} points" in answer.text and "out of 36 (or 39)" in answer.text


# -- standards ----------------------------------------------------------------------------------------------
def test_youth_standards_read_in_their_own_groups(engine):
    with (DATA_DIR / "standard_ratings.csv").open(newline="", encoding="utf-8") as f:
        stds = [r for r in csv.DictReader(f) if r["inspection_id"] == "yjs-dorset-2023"]
    answer = ask(engine, "Dorset youth justice standards")
    text = answer.text
    heads = [
        "Organisational delivery (standards 1.1 to 1.4)",
        "Court disposals (standards 2.1 to 2.4)",
        "Out-of-court disposals (standards 3.1 to 3.4)",
        "Resettlement (standard 4.1, from 2021)",
    ]
    assert [text.index(h) for h in heads] == sorted(text.index(h) for h in heads)
    for s in stds:
        group, name = s["standard_name"].split(": ", 1)
        block = text[text.index(group + " (") :]
        assert f"• {name}: {s['rating']}" in block


# -- findings, latest, national figures -------------------------------------------------------------------
def test_findings_of_a_youth_service_come_from_its_inspections(engine):
    with (DATA_DIR / "findings.csv").open(newline="", encoding="utf-8") as f:
        mine = {r["finding"] for r in csv.DictReader(f) if r["inspection_id"].startswith("yjs-leeds-")}
    answer = ask(engine, "what did inspectors say about risk at Leeds YOT?")
    assert answer.intent == "findings"
    shown = set(re.findall(r"^[+−•] (?:.+? \(\d{4}\??\): )?(.+?) \[\d+\]$", answer.text, re.M))
    assert shown and shown <= mine


def test_latest_youth_inspections_are_youth_only_newest_first(engine):
    answer = ask(engine, "/latest youth")
    dated = sorted(
        (r for r in yd.inspections() if r.org_type == yd.YOUTH and r.published),
        key=lambda r: (r.published,),
        reverse=True,
    )
    lines = [x for x in answer.text.splitlines() if x.startswith("• ")]
    assert lines and all("Youth" in x or "Young" in x for x in lines)
    assert dated[0].organisation in lines[0]


def test_national_youth_figures_come_from_the_annual_reports(engine):
    with (DATA_DIR / "figures.csv").open(newline="", encoding="utf-8") as f:
        fig = next(
            r
            for r in csv.DictReader(f)
            if r["metric"] == "youth offending services inspected" and "2018-19" in r["subject"]
        )
    answer = ask(engine, "how many youth offending services were inspected in the 2018-19 annual report year?")
    assert f"youth offending services inspected: {fig['value']}" in answer.text
    assert cited(answer, fig["source_url"])


# -- the probation-or-youth rule in answers --------------------------------------------------------------------
def test_a_bare_place_answers_for_probation_and_offers_the_youth_service(engine, kb):
    answer = ask(engine, "how did Knowsley do?")
    assert answer.kind == ANSWER and kb.organisation("pdu-knowsley-st-helens").name in answer.text
    assert [c.id for c in answer.see_also] == ["yjs-knowsley"]
    again = engine.from_ref(answer.see_also[0].ref)
    assert again.text.startswith(yd.latest_name("yjs-knowsley"))


def test_a_choice_between_probation_bodies_still_offers_the_youth_service(engine):
    answer = ask(engine, "how did Durham do?")
    assert answer.kind == CHOICES
    assert "yjs-county-durham" not in [c.id for c in answer.choices]
    assert [c.id for c in answer.see_also] == ["yjs-county-durham"]


@pytest.mark.parametrize(
    "question, org_id, place",
    [("wigan yos", "pdu-wigan", "wigan"), ("how is cumbria yot doing?", "pdu-cumbria", "cumbria")],
)
def test_a_youth_service_the_data_lacks_gets_the_place_s_probation_body_and_says_so(engine, question, org_id, place):
    """inspections.csv has Wigan and Cumbria PDUs but no youth justice service of either place: the answer is
    the PDU, said plainly to be the nearest, never the league of every youth service nor nothing."""
    rows = list(csv.DictReader((DATA_DIR / "inspections.csv").open(encoding="utf-8")))
    assert any(r["org_id"] == org_id for r in rows)
    assert not any(r["org_type"] == "Youth justice service" and place in r["organisation"].lower() for r in rows)
    q = engine.understander.understand(question)
    assert (q.intent, q.org_ids, q.org_type) == ("summary", [org_id], "yjs")
    text = engine.ask(question).pages[0].text
    assert text.startswith("Our sources have no youth justice service by that name; here is the nearest they have.")


def test_a_youth_service_the_data_has_gets_no_such_note(engine):
    text = engine.ask("leeds yot").pages[0].text
    assert text.startswith("Leeds Youth Justice Service") and "nearest" not in text
