"""Answers about sets of organisations (league tables, lists by rating, counts, changes, scores, latest),
checked against SQL written here over the knowledge base, never against the engine's own answers.

Rows are read from the plain text; which inspection a row is about is read from its citation (the
source URL), so organisation names need not match the short names the answers use.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import make_synthetic_data
from knowledge.build import build
from knowledge.kb import KnowledgeBase
from responses import Engine
from tests.responses.helpers import league_rows_of

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
POINTS = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}
LEAGUE_ROW = re.compile(r"^(\d+)\. (.+?): (Outstanding|Good|Requires improvement|Inadequate)\b(.*)$", re.M)
BULLET_ROW = re.compile(r"^• (.+?): (Outstanding|Good|Requires improvement|Inadequate)\b(.*)$", re.M)
CITE = re.compile(r"\[(\d+)\]")


def sql(kb: KnowledgeBase, query: str, *params: object) -> list[tuple[Any, ...]]:
    return sqlite3.connect(kb.path).execute(query, params).fetchall()


def latest_rated(kb: KnowledgeBase, org_type: str, programme: str | None = None) -> list[tuple[Any, ...]]:
    """(org_id, rating, source_url, score_points, sort_date) of each organisation's latest rated inspection."""
    where = "org_type = ? and overall_rating is not null" + (" and programme = ?" if programme else "")
    params = (org_type, programme) if programme else (org_type,)
    return sql(
        kb,
        f"""
        select org_id, overall_rating, source_url, score_points, sort_date from (
            select *, row_number() over (partition by org_id order by sort_date desc) as rn
            from inspections where {where})
        where rn = 1""",
        *params,
    )


def rows_with_urls(answer, pattern: re.Pattern[str]) -> list[tuple[re.Match[str], str]]:
    """Each row of every page, with the URL its citation points to."""
    urls = {c.n: c.url for c in answer.citations}
    out = []
    for page in answer.pages:
        for m in pattern.finditer(page.text):
            numbers = CITE.findall(m.group(0))
            out.append((m, urls[int(numbers[-1])] if numbers else ""))
    return out


# -- league tables ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, org_type",
    [
        ("/league crc", "crc"),
        ("/league nps", "nps"),
        ("/league pdu", "pdu"),
        ("/league region", "region"),
        ("league table of CRCs", "crc"),
    ],
)
def test_a_league_lists_each_latest_rating_best_first_with_shared_ranks(engine, kb, question, org_type):
    expected = latest_rated(kb, org_type)
    answer = engine.ask(question)
    rows = league_rows_of(answer)
    assert answer.intent == "league" and len(rows) == len(expected)
    assert sorted(row.url for row in rows) == sorted(r[2] for r in expected)
    ratings = [row.rating for row in rows]
    assert ratings == sorted(ratings, key=RATINGS.index)
    for position, row in enumerate(rows, 1):
        better = sum(1 for r in ratings if POINTS[r] > POINTS[row.rating])
        assert row.place == better + 1, f"row {position} {row}: equal ratings share a place"
        assert row.group_size == ratings.count(row.rating), f"row {position} {row}: the heading counts its group"
    assert f"{len(expected)}" in answer.title


def test_within_a_rating_a_better_published_score_comes_first(engine, kb):
    """PDUs with a published score: among equal ratings, the higher score ranks first."""
    expected = Counter((r[1], r[3]) for r in latest_rated(kb, "pdu") if r[3] is not None)
    rows = league_rows_of(engine.ask("/league pdu"))
    shown = [(row.rating, row.score) for row in rows if row.score is not None]
    assert Counter(shown) == expected and len(shown) >= 3
    for rating in RATINGS:
        scores = [score for r, score in shown if r == rating]
        assert scores == sorted(scores, reverse=True), rating


def test_the_worst_first_league_starts_at_the_bottom_and_counts_from_there(engine, kb):
    """Worst first: the lowest rating and lowest published score first; places count from the bottom
    ("joint 1st from the bottom"), as issue 10 asks, so a reader never sees a top-down rank upside down."""
    expected = latest_rated(kb, "pdu")
    answer = engine.ask("what is the worst rated PDU?")
    rows = league_rows_of(answer)
    assert "worst first" in answer.title and len(rows) == len(expected)
    ratings = [row.rating for row in rows]
    assert ratings == sorted(ratings, key=RATINGS.index, reverse=True)
    lowest = min(r[3] for r in expected if r[1] == ratings[0] and r[3] is not None)
    assert rows[0].score == lowest, "the lowest published score comes first"
    for row in rows:
        assert row.place == 1 + sum(1 for r in expected if POINTS[r[1]] < POINTS[row.rating])
    first = answer.pages[0].text.splitlines()
    count = sum(1 for r in expected if r[1] == ratings[0])
    assert f"{ratings[0]}: {count}, joint 1st from the bottom" in first


# -- lists, counts, changes, scores, latest ---------------------------------------------------------------


@pytest.mark.parametrize(
    "question, org_type, rating",
    [
        ("which CRCs were rated inadequate?", "crc", "Inadequate"),
        ("which PDUs were rated inadequate?", "pdu", "Inadequate"),
        ("which NPS divisions were rated good?", "nps", "Good"),
    ],
)
def test_a_list_by_rating_names_exactly_those_whose_latest_rating_it_is(engine, kb, question, org_type, rating):
    expected = [r for r in latest_rated(kb, org_type) if r[1] == rating]
    answer = engine.ask(question)
    rows = rows_with_urls(answer, BULLET_ROW)
    assert answer.intent == "list" and answer.title.endswith(f": {len(expected)}")
    assert len(rows) == len(expected) and all(m.group(2) == rating for m, _ in rows)
    assert {url for _, url in rows} == {r[2] for r in expected}  # one source may cover several


@pytest.mark.parametrize(
    "question, org_type, rating, programme",
    [
        ("how many NPS divisions were rated good?", "nps", "Good", None),
        ("how many CRCs were rated good in the first round?", "crc", "Good", "2018-19 first round"),
        ("how many PDUs were rated inadequate?", "pdu", "Inadequate", None),
    ],
)
def test_a_count_is_the_number_in_the_data(engine, kb, question, org_type, rating, programme):
    rated = latest_rated(kb, org_type, programme)
    hits = [r for r in rated if r[1] == rating]
    answer = engine.ask(question)
    assert answer.intent == "count"
    assert answer.pages[0].text.startswith(f"{len(hits)} of the {len(rated)} ")
    assert {url for m, url in rows_with_urls(answer, BULLET_ROW)} == {r[2] for r in hits}


def test_a_count_without_a_rating_breaks_them_down_by_rating(engine, kb):
    rated = latest_rated(kb, "pdu")
    orgs = sql(kb, "select count(*) from organisations where org_type = 'pdu'")[0][0]
    text = engine.ask("how many PDUs are there?").pages[0].text
    breakdown = ", ".join(
        f"{n} {r}" for r, n in sorted(Counter(r[1] for r in rated).items(), key=lambda kv: -POINTS[kv[0]])
    )
    assert text.startswith(f"Our sources have {orgs} PDUs; by latest rating: {breakdown}.")


@pytest.mark.parametrize(
    "question, org_type, rose",
    [
        ("which CRCs improved?", "crc", True),
        ("which PDUs got worse?", "pdu", False),
        ("which PDUs improved?", "pdu", True),
    ],
)
def test_changes_compare_the_first_and_latest_rated_inspections(engine, kb, question, org_type, rose):
    first_last: dict[str, list[int]] = {}
    for org_id, rating in sql(
        kb,
        "select org_id, overall_rating from inspections where org_type = ? and "
        "overall_rating is not null order by org_id, sort_date",
        org_type,
    ):
        first_last.setdefault(org_id, []).append(POINTS[rating])
    expected = sum(1 for p in first_last.values() if len(p) > 1 and ((p[-1] > p[0]) if rose else (p[-1] < p[0])))
    answer = engine.ask(question)
    assert answer.intent == "changed" and answer.title.endswith(f": {expected}")
    verb = "rose" if rose else "fell"
    assert verb in answer.title
    arrows = [line for line in answer.text.splitlines() if line.startswith("• ") and "→" in line]
    assert len(arrows) == expected
    for line in arrows:
        before, after = (next(r for r in RATINGS if r in part) for part in line.split("→"))
        assert (POINTS[after] > POINTS[before]) if rose else (POINTS[after] < POINTS[before]), line


def test_a_score_question_lists_the_inspections_with_that_score(engine, kb):
    expected = {r[0] for r in sql(kb, "select source_url from inspections where score_points = 0 and score_max = 27")}
    answer = engine.ask("which PDU scored 0 out of 27?")
    assert answer.intent == "score_list" and answer.title.endswith(f": {len(expected)}")
    assert {url for _, url in rows_with_urls(answer, BULLET_ROW)} == expected


def test_latest_lists_the_newest_publications_first(engine, kb):
    expected = [
        r[0]
        for r in sql(
            kb,
            "select source_url from inspections where published is not null "
            "order by published desc, inspection_id limit 10",
        )
    ]
    answer = engine.ask("/latest")
    urls = {c.n: c.url for c in answer.citations}
    shown = [
        urls[int(CITE.findall(line)[-1])]
        for line in answer.text.splitlines()
        if line.startswith("• ") and CITE.search(line)
    ]
    assert shown[: len(expected)] == expected


# -- long lists are capped ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def doubled_engine(tmp_path_factory) -> Engine:
    """Every organisation twice (the real one and a synthetic twin): lists longer than any cap."""
    folder: Path = tmp_path_factory.mktemp("doubled-tables")
    make_synthetic_data(folder / "data", factor=2)
    build(folder / "data", folder / "kb.db")
    return Engine(KnowledgeBase(folder / "kb.db"))


def test_a_long_list_is_cut_and_says_how_many_are_left_out(doubled_engine):
    expected = latest_rated(doubled_engine.kb, "pdu")
    answer = doubled_engine.ask("how many PDUs are there?")
    shown = rows_with_urls(answer, BULLET_ROW)
    assert len(expected) > len(shown) > 0
    assert f"{len(expected) - len(shown)} more are not listed here" in answer.text
    ratings = [m.group(2) for m, _ in shown]
    assert ratings == sorted(ratings, key=RATINGS.index)  # the best kept, the rest left out


# -- what each answer is called, and the ref its buttons carry ------------------------------------------------
# Counts come from SQL here; headings and refs are written out in full, as a reader and a button see them.


def _count(kb, where: str, *params) -> int:
    return int(sql(kb, f"select count(distinct org_id) from inspections where {where}", *params)[0][0])


def _latest_count(
    kb,
    org_type: str | None,
    rating: str | None = None,
    region: str | None = None,
    programme: str | None = None,
    year: int | None = None,
    youth: bool = True,
) -> int:
    rows = sql(
        kb,
        """
        select overall_rating, region, programme, year, org_type from (
            select *, row_number() over (partition by org_id order by sort_date desc) as rn
            from inspections where overall_rating is not null and (? is null or org_type = ?)
              and (? is null or programme = ?) and (? is null or year = ?))
        where rn = 1""",
        org_type,
        org_type,
        programme,
        programme,
        year,
        year,
    )
    return sum(
        1
        for r in rows
        if (rating is None or r[0] == rating) and (region is None or r[1] == region) and (youth or r[4] != "yjs")
    )


@pytest.mark.parametrize(
    "question, intent, ref, heading",
    [
        ("/league crc", "league", "/league crc", "League of CRCs: {crc} by latest rating"),
        (
            "league of pdus in wales",
            "league",
            "/league pdu Wales",
            "League of PDUs in Wales: {pdu_wales} by latest rating",
        ),
        (
            "first round CRC league",
            "league",
            "/league crc first round",
            "League of CRCs (2018-19 first round): {crc_first} by latest rating",
        ),
        (
            "/league 2019",
            "league",
            "/league 2019",
            "League of all organisations with a report published in 2019: {all_2019} by latest rating",
        ),
        ("/league", "league", "/league pdu", "Today's Probation Service: each PDU's latest rating ({pdu} PDUs)"),
        (
            "which CRCs were rated inadequate?",
            "list",
            "/list crc inadequate",
            "CRCs whose latest rating is Inadequate: {crc_inadequate}",
        ),
        (
            "which PDUs in Yorkshire and the Humber were rated inadequate?",
            "list",
            "/list pdu inadequate Yorkshire and the Humber",
            "PDUs in Yorkshire and the Humber whose latest rating is Inadequate: {pdu_yh_inadequate}",
        ),
        (
            "how many NPS divisions were rated good?",
            "count",
            "/count nps good",
            "{nps_good} of the {nps} NPS divisions with a rating in our sources had Good as their latest rating:",
        ),
        (
            "which PDU scored 0 out of 27?",
            "score_list",
            "/score_list pdu 0 of 27",
            "Inspections with a published score of 0 out of 27: {score_0_27}",
        ),
        ("which inspections scored 3?", "score_list", None, "Inspections with a published score of 3: {score_3}"),
        (
            "/score_list",
            "score_list",
            "/score_list",
            "Inspections whose score in points is published, lowest first on each scale: {scored}",
        ),
        (
            "which CRCs improved?",
            "changed",
            "/changed crc improved",
            "CRCs whose overall rating rose between inspections: {crc_rose}",
        ),
        (
            "which organisations got worse?",
            "changed",
            "/changed declined",
            "Organisations whose overall rating fell between inspections: {all_fell}",
        ),
        (
            "which PDUs in Wales improved?",
            "changed",
            "/changed pdu improved Wales",
            "PDUs in Wales whose overall rating rose between inspections: {pdu_wales_rose}",
        ),
        ("/latest", "latest", "/latest", "Most recently published inspections"),
    ],
)
def test_headings_and_refs(engine, kb, question, intent, ref, heading):
    def changed(org_type: str | None, region: str | None, rose: bool) -> int:
        ratings: dict[str, list[int]] = {}
        for org_id, rating in sql(
            kb,
            "select i.org_id, i.overall_rating from inspections i join organisations o "
            "using (org_id) where i.overall_rating is not null and (? is null or o.org_type = ?)"
            " and (? is null or o.region = ?) order by i.org_id, i.sort_date",
            org_type,
            org_type,
            region,
            region,
        ):
            ratings.setdefault(org_id, []).append(POINTS[rating])
        return sum(1 for p in ratings.values() if len(p) > 1 and (p[-1] > p[0] if rose else p[-1] < p[0]))

    counts = {
        "crc": _latest_count(kb, "crc"),
        "pdu": _latest_count(kb, "pdu"),
        "nps": _latest_count(kb, "nps"),
        "pdu_wales": _latest_count(kb, "pdu", region="Wales"),
        "crc_first": _latest_count(kb, "crc", programme="2018-19 first round"),
        # a league naming no kind ranks probation bodies only: youth services have /league youth
        "all_2019": _latest_count(kb, None, year=2019, youth=False),
        "crc_inadequate": _latest_count(kb, "crc", "Inadequate"),
        "pdu_yh_inadequate": _latest_count(kb, "pdu", "Inadequate", region="Yorkshire and the Humber"),
        "nps_good": _latest_count(kb, "nps", "Good"),
        "score_0_27": _count(kb, "score_points = 0 and score_max = 27"),
        "score_3": len(sql(kb, "select 1 from inspections where score_points = 3")),
        "scored": len(sql(kb, "select 1 from inspections where score_points is not null")),
        "crc_rose": changed("crc", None, True),
        "all_fell": changed(None, None, False),
        "pdu_wales_rose": changed("pdu", "Wales", True),
    }
    answer = engine.ask(question)
    expected = heading.format(**counts)
    assert (answer.kind, answer.intent, answer.ref) == ("answer", intent, ref)
    assert answer.title == expected.rstrip(":") or answer.title == expected
    assert answer.pages[0].text.startswith(expected)


def test_latest_in_full_and_compact(engine, kb):
    undated = sql(kb, "select count(*) from inspections where published is null")[0][0]
    full, compact = engine.ask("/latest"), engine.ask("/latest", compact=True)
    bullets = [len([line for line in a.text.splitlines() if line.startswith("• ")]) for a in (full, compact)]
    assert bullets == [10, 4]
    assert f"{undated} more inspections have no publication date in our sources" in full.text


def test_a_score_list_explains_the_score(engine):
    text = engine.ask("/score_list").text
    assert (
        "A PDU inspection rates nine standards; each scores Outstanding 3, Good 2, Requires improvement 1, "
        "Inadequate 0, so the total is out of 27."
    ) in text


def test_a_list_by_rating_is_newest_first(engine, kb):
    expected = [
        r[2]
        for r in sorted(
            (r for r in latest_rated(kb, "pdu") if r[1] == "Inadequate"), key=lambda r: r[4] or "", reverse=True
        )
    ]
    answer = engine.ask("which PDUs were rated inadequate?")
    shown = [url for _, url in rows_with_urls(answer, BULLET_ROW)]
    dates = {r[2]: r[4] or "" for r in latest_rated(kb, "pdu")}
    assert [dates[u] for u in shown] == sorted((dates[u] for u in shown), reverse=True)
    assert set(shown) == set(expected)


def test_a_count_of_none_says_so_in_a_sentence(engine, kb):
    crcs = _latest_count(kb, "crc")
    text = engine.ask("how many CRCs were rated outstanding?").pages[0].text
    assert text.startswith(
        f"0 of the {crcs} CRCs with a rating in our sources had Outstanding as their latest rating.\n"
    )


@pytest.mark.parametrize(
    "org_type, question",
    [
        ("nps", "how many NPS divisions were rated requires improvement?"),
        (None, "how many organisations were rated outstanding?"),
    ],
)
def test_a_count_says_how_many_have_no_rating(engine, kb, org_type, question):
    everyone = sql(
        kb, "select count(distinct org_id) from inspections where (? is null or org_type = ?)", org_type, org_type
    )[0][0]
    rated = _latest_count(kb, org_type)
    answer = engine.ask(question)
    assert everyone > rated
    assert f"{everyone - rated} more have no overall rating in our sources and are not counted." in answer.text


def test_lists_and_counts_over_every_type_say_organisations(engine, kb):
    outstanding = _latest_count(kb, None, "Outstanding")
    assert (
        engine.ask("which organisations were rated outstanding?").title
        == f"Organisations whose latest rating is Outstanding: {outstanding}"
    )
    assert (
        engine.ask("how many organisations were rated outstanding?")
        .pages[0]
        .text.startswith(
            f"{outstanding} of the {_latest_count(kb, None)} organisations with a rating in our sources had Outstanding"
        )
    )


def test_a_compact_count_shows_ten_at_a_time(engine, kb):
    """At most ten rows a page in a group (fewer where long rows could pass a message's limit: the pages
    are laid out from the items), and every organisation once across the pages."""
    expected = _latest_count(kb, "pdu", "Inadequate")
    assert expected > 10
    compact = engine.ask("how many PDUs were rated inadequate?", compact=True)
    per_page = [len(re.findall(r"^• .+: Inadequate \(", page.text, re.M)) for page in compact.pages]
    assert len(per_page) > 1 and all(0 < n <= 10 for n in per_page[:-1]) and per_page[-1] <= 10
    assert sum(per_page) == expected


# figures.csv: the inspectorate's own counts for the first round
@pytest.mark.parametrize(
    "question, lines",
    [
        (
            "how many CRCs were rated inadequate?",
            ["• CRCs rated Inadequate overall: 1 ", "• CRCs rated Inadequate: 1 "],
        ),
        (
            "how many NPS divisions were rated good?",
            ["• NPS divisions rated Good overall: 5 ", "• divisions rated Good: 5 "],
        ),
        ("how many CRCs were rated outstanding?", ["• CRCs rated Outstanding overall: 0 "]),
    ],
)
def test_a_count_of_crcs_or_divisions_adds_the_inspectorates_own(engine, question, lines):
    text = engine.ask(question).text
    assert "The inspectorate's own count:" in text
    for line in lines:
        assert line in text, line


def test_a_count_of_pdus_has_no_inspectorate_count_to_add(engine):
    assert "The inspectorate's own count" not in engine.ask("how many PDUs were rated inadequate?").text


def test_a_list_names_those_rated_so_only_at_an_earlier_inspection(engine, kb):
    history: dict[str, list[tuple[str, str]]] = {}
    for org_id, rating, url in sql(
        kb,
        "select org_id, overall_rating, source_url from inspections where "
        "org_type = 'pdu' and overall_rating is not null order by org_id, sort_date",
    ):
        history.setdefault(org_id, []).append((rating, url))
    expected = {
        next(url for rating, url in h[:-1] if rating == "Inadequate")
        for h in history.values()
        if h[-1][0] != "Inadequate" and any(r == "Inadequate" for r, _ in h[:-1])
    }
    answer = engine.ask("which PDUs were rated inadequate?")
    urls = {c.n: c.url for c in answer.citations}
    tail = answer.text.split("Also rated Inadequate at an earlier inspection, but not at their latest:")[1]
    shown = {urls[int(CITE.findall(line)[-1])] for line in tail.split("\n\n")[0].splitlines() if line.startswith("• ")}
    assert expected and shown == expected


@pytest.mark.parametrize(
    "question, owner, org_type, what",
    [
        ("who owned CRCs run by Sodexo Justice Services?", "Sodexo Justice Services", "crc", "CRCs"),
        ("which organisations did Purple Futures own?", "Purple Futures", None, "Organisations"),
    ],
)
def test_organisations_an_owner_ran(engine, kb, question, owner, org_type, what):
    expected = sql(
        kb,
        """select source_url from (select *, row_number() over (partition by org_id order by sort_date desc)
                          as rn from inspections where owner like ? and (? is null or org_type = ?)) where rn = 1""",
        f"%{owner}%",
        org_type,
        org_type,
    )
    answer = engine.ask(question)
    assert (answer.intent, answer.ref) == ("owned_by", f"/owned_by {owner}")
    assert answer.title == f"{what} our sources say {owner} owned or led: {len(expected)}"
    rows = [line for line in answer.text.splitlines() if line.startswith("• ")]
    assert len(rows) == len(expected) and all(f"owner {owner}" in row for row in rows)
    assert {c.url for c in answer.citations} >= {r[0] for r in expected}
    assert "Ownership is as each cited page states it at the time of that inspection." in answer.text


def test_a_league_explains_its_order_and_names_the_other_tables(engine, kb):
    """The order is stated once, on the first page; the other tables are named on the last."""
    answer = engine.ask("/league crc")
    rule = (
        "Ordered by overall rating, best first; within a rating, by score where published, then most recent "
        "first. Organisations with the same rating share a place."
    )
    assert len(answer.pages) > 1
    assert answer.pages[0].text.splitlines()[1] == rule
    assert all(rule not in page.text for page in answer.pages[1:])
    assert (
        answer.pages[-1]
        .text.split("\n\nSources")[0]
        .endswith("Other tables: /league crc, /league nps, /league pdu, /league region, /league youth, /league 2019.")
    )
    worst = engine.ask("what is the worst rated PDU?")
    assert (
        worst.title
        == f"Today's Probation Service: each PDU's latest rating ({_latest_count(kb, 'pdu')} PDUs), worst first"
    )
    assert worst.pages[0].text.splitlines()[1] == rule.replace("best first", "worst first")


def test_a_league_uses_short_names(engine, kb):
    names = [row.name for row in league_rows_of(engine.ask("/league crc"))]
    assert names and all(n.endswith(" CRC") and "Community Rehabilitation Company" not in n for n in names)


def test_an_empty_league_says_there_is_nothing(engine, kb):
    assert not sql(kb, "select 1 from inspections where year = 1999")
    answer = engine.ask("/league 1999")
    assert answer.title == "No rated inspections of all organisations with a report published in 1999 in our sources"
    assert not LEAGUE_ROW.search(answer.text)
