"""More answers about sets of organisations, each checked against SQL written here or facts copied from
``knowledge/data`` (the CSV row is named beside each): places said in words, capped lists, a league's
summary for a group, leagues over a span of time, standard ratings, named kinds of inspection, owners,
the latest inspections of a region, scores on each scale, named changes of rating and published counts.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from typing import Any

import pytest

from responses.tables import Gap, cap, rank_rows

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
POINTS = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}
CITE = re.compile(r"\[(\d+)\]")


def sql(kb, query: str, *params: object) -> list[tuple[Any, ...]]:
    return sqlite3.connect(kb.path).execute(query, params).fetchall()


def latest_rated(kb, org_type: str) -> list[tuple[Any, ...]]:
    """(org_id, rating, source_url) of each organisation's latest rated inspection."""
    return sql(
        kb,
        """select org_id, overall_rating, source_url from (
               select *, row_number() over (partition by org_id order by sort_date desc, inspection_id desc) rn
               from inspections where org_type = ? and overall_rating is not null) where rn = 1""",
        org_type,
    )


def bullets(answer) -> list[tuple[str, str]]:
    """Each "• " line of every page (sources left out), with the URL its last citation points to."""
    urls = {c.n: c.url for c in answer.citations}
    out = []
    for page in answer.pages:
        for line in page.text.split("\n\nSources\n")[0].splitlines():
            if line.startswith("• "):
                numbers = CITE.findall(line)
                out.append((line, urls[int(numbers[-1])] if numbers else ""))
    return out


def ordinal(n: int) -> str:
    """English ordinals, written out here: 1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st ... 111th."""
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


# -- places ------------------------------------------------------------------------------------------------------


def test_places_are_said_as_english_ordinals(kb):
    good, inadequate = (next(i for i in kb.league(org_type="pdu") if i.overall_rating == r) for r in RATINGS[2:])
    ranked = rank_rows([good, inadequate] * 60, worst_first=False)  # every row differs from the one above
    assert [row["place"] for row in ranked] == list(range(1, 121))
    words = {row["place"]: row["place_words"] for row in ranked}
    expected = {
        1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 10: "10th", 11: "11th", 12: "12th", 13: "13th", 14: "14th",
        20: "20th", 21: "21st", 22: "22nd", 23: "23rd", 24: "24th", 101: "101st", 102: "102nd", 103: "103rd",
        111: "111th", 112: "112th", 113: "113th", 120: "120th",
    }  # fmt: skip
    assert {n: words[n] for n in expected} == {n: f"joint {w}" for n, w in expected.items()}
    assert all(words[n] == f"joint {ordinal(n)}" for n in words)
    assert {(row["group_size"], row["tied"]) for row in ranked} == {(60, True)}


def test_a_place_held_alone_is_not_joint_and_an_unrated_row_says_so(kb):
    league = kb.league(org_type="pdu")
    ri = [i for i in league if i.overall_rating == "Requires improvement"][:2]
    inadequate = next(i for i in league if i.overall_rating == "Inadequate")
    unrated = next(i for i in kb.latest_inspections(org_type="crc") if i.overall_rating is None)
    ranked = rank_rows([*ri, inadequate, unrated], worst_first=False)
    assert [(r["place"], r["place_words"], r["tied"], r["group_size"]) for r in ranked] == [
        (1, "joint 1st", True, 2),
        (1, "joint 1st", True, 2),
        (3, "3rd", False, 1),
        (4, "4th", False, 1),
    ]
    ratings = ["Requires improvement", "Requires improvement", "Inadequate", "No overall rating"]
    assert [r["rating"] for r in ranked] == ratings


def test_worst_first_puts_the_lowest_share_of_the_score_first_and_unscored_after(kb):
    """Among Inadequate PDUs (scores out of 27 in inspections.csv), the lowest score first, those with no
    published score after every scored one; places count from the bottom."""
    inadequate = [i for i in kb.league(org_type="pdu") if i.overall_rating == "Inadequate"]
    scored = sorted({i.score_points for i in inadequate if i.score_points is not None})
    assert len(scored) >= 2
    low = next(i for i in inadequate if i.score_points == scored[0])
    high = next(i for i in inadequate if i.score_points == scored[-1])
    unscored = next(i for i in inadequate if i.score_points is None)
    ri = next(i for i in kb.league(org_type="pdu") if i.overall_rating == "Requires improvement")
    ranked = rank_rows([ri, unscored, high, low], worst_first=True)
    assert [r["insp"] for r in ranked] == [low, high, unscored, ri]
    assert [r["place_words"] for r in ranked] == [
        "joint 1st from the bottom",
        "joint 1st from the bottom",
        "joint 1st from the bottom",
        "4th from the bottom",
    ]


# -- capped lists ------------------------------------------------------------------------------------------------


def test_a_list_within_the_cap_is_kept_whole():
    assert cap(list(range(5)), 5) == ([0, 1, 2, 3, 4], 0)
    assert cap(list(range(5)), 5, both_ends=True) == ([0, 1, 2, 3, 4], 0)


def test_a_capped_list_keeps_its_head_and_says_how_many_are_left_out():
    assert cap(list(range(10)), 4) == ([0, 1, 2, 3], 6)


@pytest.mark.parametrize(
    "limit, expected",
    [
        (4, [0, 1, Gap(6), 8, 9]),
        (5, [0, 1, Gap(5), 7, 8, 9]),  # an odd limit gives the bottom the extra row
    ],
)
def test_a_capped_league_keeps_both_ends_with_a_gap_between(limit, expected):
    assert cap(list(range(10)), limit, both_ends=True) == (expected, 10 - limit)


def test_the_cap_of_a_list_is_eighty_rows():
    assert cap(list(range(81))) == (list(range(80)), 1)
    assert cap(list(range(80))) == (list(range(80)), 0)


# -- a league's summary, for a group -----------------------------------------------------------------------------


def test_a_league_summary_counts_each_rating_and_shows_both_ends(engine, kb):
    rows = latest_rated(kb, "crc")
    counts = Counter(r[1] for r in rows)
    dtv = sql(kb, "select short_key from organisations where org_id = 'dtv-crc'")[0][0]
    answer = engine.ask(f"/league crc #{dtv}", compact=True)
    text = answer.pages[0].text
    lines = text.split("\n\nSources\n")[0].splitlines()
    assert answer.title == f"League of CRCs: {len(rows)} by latest rating"
    assert lines[2] == " · ".join(f"{r} {counts[r]}" for r in RATINGS if counts[r])
    # inspections.csv: dtv-crc-2020 rated Good (published 2020-04), and three CRCs are Good at their latest
    better = {r: sum(n for s, n in counts.items() if POINTS[s] > POINTS[r]) for r in counts}
    assert counts["Good"] == 3 and better["Good"] == 0
    assert f"Durham Tees Valley CRC: Good, joint 1st of {len(rows)}, 2020 [1]" in lines
    top = lines[lines.index("Top") + 1 : lines.index("Top") + 4]
    bottom = lines[lines.index("Bottom") + 1 : lines.index("Bottom") + 4]
    assert all(re.fullmatch(r"• .+: Good, joint 1st, \d{4} \[\d+\]", row) for row in top), top
    worst = min(counts, key=lambda r: POINTS[r])
    assert bottom[-1].endswith(
        f": {worst}, {'joint ' if counts[worst] > 1 else ''}{ordinal(better[worst] + 1)}, 2019 [6]"
    )
    urls = {c.n: c.url for c in answer.citations}
    assert {urls[int(CITE.findall(row)[-1])] for row in top} == {r[2] for r in rows if r[1] == "Good"}
    assert answer.ref == f"/league crc #{dtv}" and answer.more_ref == answer.ref
    assert lines[-1].startswith("Ordered by overall rating, best first;")


def test_a_short_league_summary_shows_every_row_once(engine, kb):
    rows = [r for r in latest_rated(kb, "pdu") if r[0] in {o for (o,) in sql(kb, _IN_WALES)}]
    assert 0 < len(rows) <= 6
    text = engine.ask("league of pdus in wales", compact=True).pages[0].text.split("\n\nSources\n")[0]
    assert "Bottom" not in text.splitlines()
    assert len([line for line in text.splitlines() if line.startswith("• ")]) == len(rows)


#: PDUs whose latest inspection is in Wales.
_IN_WALES = """select org_id from (select org_id, region, row_number() over (partition by org_id
               order by sort_date desc, inspection_id desc) rn from inspections where org_type = 'pdu')
               where rn = 1 and region = 'Wales'"""


# -- leagues and lists over a span of time -------------------------------------------------------------------------


def test_a_league_over_a_span_is_ordered_as_every_league_is(engine, kb):
    """Within a rating, the most recent first (an undated report by its estimated year), as the rule says."""
    answer = engine.ask("league of PDUs since 2023")
    sort_date = dict(sql(kb, "select source_url, max(coalesce(published, year)) from inspections group by source_url"))
    groups: dict[str, list[str]] = {}
    rating = ""
    for page in answer.pages:
        for line in page.text.split("\n\nSources\n")[0].splitlines():
            if m := re.match(r"^(Outstanding|Good|Requires improvement|Inadequate)(:|, continued)", line):
                rating = m.group(1)
            elif line.startswith("• "):
                urls = {c.n: c.url for c in answer.citations}
                groups.setdefault(rating, []).append(str(sort_date[urls[int(CITE.findall(line)[-1])]]))
    assert list(groups) == sorted(groups, key=RATINGS.index) and sum(map(len, groups.values())) > 20
    for rating, dates in groups.items():
        assert dates == sorted(dates, reverse=True), rating


def test_a_list_over_years_takes_each_body_s_latest_inspection_within_them(engine, kb):
    """Between 2022 and 2023: published in those years, or undated with an estimated year among them."""
    expected = sql(
        kb,
        """select source_url from (select *, row_number() over (partition by org_id order by sort_date desc,
               inspection_id desc) rn from inspections where org_type = 'pdu' and (substr(published, 1, 4)
               between '2022' and '2023' or (published is null and year between 2022 and 2023))) where rn = 1""",
    )
    answer = engine.ask("which PDUs were inspected between 2022 and 2023?")
    assert answer.title == (
        f"PDUs inspected with a report published between 2022 and 2023: {len(expected)}, "
        "each with its latest inspection"
    )
    assert sorted(u for _, u in bullets(answer)) == sorted(u for (u,) in expected)
    assert answer.ref == "/list pdu between 2022 and 2023"


# -- standard ratings ---------------------------------------------------------------------------------------------


def test_a_standard_list_takes_each_body_s_latest_inspection_with_that_standard(engine, kb):
    expected = []
    for (org_id,) in sql(kb, "select org_id from organisations where org_type = 'crc'"):
        for (inspection_id,) in sql(
            kb,
            "select inspection_id from inspections where org_id = ? order by sort_date desc, inspection_id desc",
            org_id,
        ):
            stds = sql(
                kb,
                "select rating, source_url from standard_ratings where inspection_id = ? and "
                "lower(standard_name) like '%through the gate%'",
                inspection_id,
            )
            if stds:
                expected += [u for r, u in stds if r == "Outstanding"][:1]
                break
    answer = engine.ask("which CRCs were rated Outstanding for Through the Gate")
    assert answer.title == (
        f"CRCs rated Outstanding on Through the Gate at their latest inspection with that standard: {len(expected)}"
    )
    assert answer.ref == "/standard_list crc outstanding through the gate"
    rows = bullets(answer)
    assert sorted(u for _, u in rows) == sorted(expected) and expected
    assert all(" Through the Gate Outstanding, inspection " in line for line, _ in rows)
    assert (
        "Standard ratings are in our sources for only some inspections; an organisation without them is not listed."
        in answer.text
    )


# -- named kinds of inspection, owners, the latest -------------------------------------------------------------


def test_a_collection_lists_each_body_s_latest_inspection_of_that_kind_newest_first(engine, kb):
    expected = [
        url
        for (url,) in sql(
            kb,
            """select source_url from (select *, row_number() over (partition by org_id order by sort_date desc,
                   inspection_id desc) rn from inspections) where rn = 1
                   and lower(organisation) like '%dynamic inspection%'
               order by coalesce(published, '') desc, inspection_id desc""",
        )
    ]
    answer = engine.ask("/collection dipp")
    assert answer.title == f"Dynamic inspections of public protection: {len(expected)}, newest first"
    assert [u for _, u in bullets(answer)] == expected and expected
    assert answer.ref == "/collection dipp"


def test_owners_lists_every_company_with_what_it_ran(engine, kb):
    owners = [o for (o,) in sql(kb, "select distinct owner from inspections where owner is not null")]
    ran = sql(
        kb,
        """select a.owner, b.organisation from (select distinct owner from inspections where owner is not null) a
           join (select * from (select *, row_number() over (partition by org_id order by sort_date desc) rn
                 from inspections where owner is not null) where rn = 1) b
           on instr(lower(b.owner), lower(a.owner)) > 0""",
    )
    answer = engine.ask("/owners")
    assert (
        answer.title
        == f"Companies our sources name as owners: {len(owners)}, with the {len(ran)} organisations they ran"
    )
    rows = bullets(answer)
    owners_shown = [re.findall(r": owner (.+?); ", line)[0] for line, _ in rows]
    assert len(rows) == len(ran) and owners_shown == sorted(owners_shown)
    assert Counter(owners_shown) == Counter(owner for owner, _ in ran)


def test_the_latest_inspections_of_a_region(engine, kb):
    expected = [
        url
        for (url,) in sql(
            kb,
            """select i.source_url from inspections i join organisations o using (org_id)
               where o.org_type = 'pdu' and i.region = 'Wales' and i.published is not null
               order by i.published desc, i.inspection_id desc limit 10""",
        )
    ]
    answer = engine.ask("/latest pdu Wales")
    assert answer.title == "Most recently published inspections of PDUs in Wales"
    assert answer.ref == "/latest pdu Wales"
    assert [u for _, u in bullets(answer)] == expected and expected


# -- scores ---------------------------------------------------------------------------------------------------------


def test_scores_are_listed_lowest_first_on_each_scale(engine, kb):
    expected = sql(kb, "select score_points, score_max from inspections where score_points is not null order by 2, 1")
    answer = engine.ask("/score_list")
    shown = [
        tuple(int(n) for n in m.groups())
        for line, _ in bullets(answer)
        if (m := re.search(r"\((\d+) of (\d+)\)", line))
    ]
    assert shown == expected and len({m for _, m in expected}) > 1
    assert "their scores are out of 36 (or 39)" in answer.text  # youth scores are listed: the note says why


def test_a_score_of_one_kind_lists_that_kind_only(engine, kb):
    expected = sql(
        kb, "select source_url from inspections where score_points = 3 and score_max = 27 and org_type = 'pdu'"
    )
    answer = engine.ask("which PDUs scored 3 of 27?")
    assert answer.title == f"Inspections with a published score of 3 out of 27: {len(expected)}"
    assert sorted(u for _, u in bullets(answer)) == sorted(u for (u,) in expected)
    assert "out of 36" not in answer.text


# -- named changes of rating ----------------------------------------------------------------------------------------


def _rated_histories(kb, org_type: str | None) -> dict[str, list[tuple[str, str, str | None]]]:
    """Each organisation's rated inspections, oldest first: (rating, source_url, previous_rating)."""
    out: dict[str, list[tuple[str, str, str | None]]] = {}
    for org_id, rating, url, previous in sql(
        kb,
        """select i.org_id, i.overall_rating, i.source_url, i.previous_rating from inspections i
           join organisations o using (org_id) where i.overall_rating is not null and (? is null or o.org_type = ?)
           order by i.org_id, i.sort_date, i.inspection_id""",
        org_type,
        org_type,
    ):
        out.setdefault(org_id, []).append((rating, url, previous))
    return out


@pytest.mark.parametrize("way, steps", [("down", -1), ("up", 1)])
def test_a_grade_up_or_down_compares_the_last_two_rated_inspections(engine, kb, way, steps):
    expected = {
        h[-1][1]
        for h in _rated_histories(kb, "pdu").values()
        if len(h) >= 2 and POINTS[h[-1][0]] - POINTS[h[-2][0]] == steps
    }
    answer = engine.ask(f"/changed pdu {way} a grade")
    assert answer.title == f"PDUs whose rating went {way} a grade at their latest rated inspection: {len(expected)}"
    assert answer.ref == f"/changed pdu {way} 1 grades"
    assert {u for _, u in bullets(answer)} == expected and expected


# inspections.csv, yjs-south-gloucestershire-2025: its only rated inspection (no date; 2025 estimated), Good, and
# its report gives the rating before it as Outstanding.
@pytest.mark.parametrize("before, after", [("Requires improvement", "Good"), ("Outstanding", "Good")])
def test_a_change_from_one_rating_to_another_counts_the_rating_before_the_first_we_hold(engine, kb, before, after):
    """A body with one rated inspection in our data counts when its report gives the rating before it."""
    first_inspection = dict(sql(kb, _FIRST_INSPECTION))
    expected = set()
    for org_id, h in _rated_histories(kb, None).items():
        if len(h) >= 2 and (h[-2][0], h[-1][0]) == (before, after):
            expected.add(h[-1][1])
        elif len(h) == 1 and h[0][1] == first_inspection[org_id] and (h[0][2], h[0][0]) == (before, after):
            expected.add(h[0][1])
    answer = engine.ask(f"which organisations went from {before.lower()} to {after.lower()}")
    assert answer.title == (
        f"Organisations whose rating went from {before} to {after} at their latest rated inspection: {len(expected)}"
    )
    assert answer.ref == f"/changed from {before.lower()} to {after.lower()}"
    assert {u for _, u in bullets(answer)} == expected
    if before == "Outstanding":
        line = next(line for line, _ in bullets(answer) if line.startswith("• South Gloucestershire"))
        assert ": Outstanding (at the inspection before the one probably in 2025, as that report says) [" in line
        assert line.split(" → ")[1].startswith("Good (year not confirmed, probably 2025) [")


#: Each organisation's first inspection in our data, rated or not.
_FIRST_INSPECTION = """select org_id, source_url from (select *, row_number() over (partition by org_id
                       order by sort_date, inspection_id) rn from inspections) where rn = 1"""


# -- published counts -----------------------------------------------------------------------------------------------


def test_a_count_in_a_region_leads_with_the_published_size_of_the_set(engine, kb):
    """figures.csv: "PDUs in London", 18, as of November 2022 (BBC News)."""
    latest = sql(
        kb,
        """select overall_rating from (select *, row_number() over (partition by org_id order by sort_date desc,
               inspection_id desc) rn from inspections where org_type = 'pdu') where rn = 1 and region = 'London'""",
    )
    by = Counter(r for (r,) in latest if r)
    breakdown = ", ".join(f"{by[r]} {r}" for r in RATINGS if by[r])
    text = engine.ask("how many PDUs are there in London?").pages[0].text
    assert text.startswith(
        "Published figure: 18 PDUs in London (November 2022), below with its source. "
        f"Our own records hold {len(latest)} PDUs in London; by latest rating: {breakdown}."
    )
    assert "• PDUs in London: 18 (London PDUs inspected in 2022, November 2022) [" in text
    assert all(r for (r,) in latest) and "no overall rating" not in text  # every London PDU is rated


def test_a_count_of_youth_services_inspected_leads_with_the_annual_reports_figure(engine):
    """figures.csv: the youth annual reports' "youth offending services inspected": 26 (12 months to October
    2019), then 16 (2019-20), then "Youth offending services inspected" 33 (2021 annual report)."""
    text = engine.ask("how many youth justice services were inspected?").text
    assert text.startswith(
        "Published figure: 26 youth offending services inspected (12 months to October 2019), below with its source."
    )
    own = text.split("The inspectorate's own count:\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(" (")[0] for line in own] == [
        "• youth offending services inspected: 26",
        "• youth offending services inspected: 16",
        "• Youth offending services inspected: 33",
    ]


def test_a_count_of_youth_services_by_rating_adds_the_annual_reports_counts(engine):
    """figures.csv: "services rated Outstanding overall": 3 (12 months to October 2019) and 1 (2019-20)."""
    text = engine.ask("how many youth justice services were rated outstanding?").text
    own = text.split("The inspectorate's own count:\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(" (")[0] for line in own][:2] == [
        "• services rated Outstanding overall: 3",
        "• services rated Outstanding overall: 1",
    ]


# -- what a company owned ------------------------------------------------------------------------------------------
# companies.csv: Seetec owned its CRCs and took over Working Links; Interserve led Purple Futures (Interserve-led
# consortium), which owned its CRCs.


def _owned(kb, owner: str, org_type: str | None = None) -> list[tuple[str, str]]:
    """(org_id, source_url) of each organisation's latest inspection naming ``owner``, by organisation name."""
    return sql(
        kb,
        """select org_id, source_url from (select *, row_number() over (partition by org_id order by sort_date desc)
               rn from inspections where instr(lower(owner), lower(?)) > 0 and (? is null or org_type = ?))
           where rn = 1 order by organisation""",
        owner,
        org_type,
        org_type,
    )


def test_a_company_that_took_over_another_answers_for_both(engine, kb):
    own = _owned(kb, "Seetec", "crc")
    taken = [r for r in _owned(kb, "Working Links", "crc") if r[0] not in {o for o, _ in own}]
    answer = engine.ask("which CRCs did Seetec own?")
    assert (answer.intent, answer.ref) == ("owned_by", "/owned_by Seetec")
    assert answer.title == f"CRCs our sources say Seetec owned or led: {len(own) + len(taken)}"
    assert [u for _, u in bullets(answer)] == [u for _, u in own + taken] and own and taken
    assert (
        "Included: the CRCs Working Links owned before Seetec took them over. "
        "Ownership is as each cited page states it at the time of that inspection."
    ) in answer.text


def test_a_company_that_led_the_owner_answers_for_what_it_owned(engine, kb):
    led = _owned(kb, "Purple Futures (Interserve-led consortium)")
    answer = engine.ask("which organisations did Interserve run?")
    assert answer.title == f"Organisations our sources say Interserve owned or led: {len(led)}"
    assert [u for _, u in bullets(answer)] == [u for _, u in led] and led
    assert "Interserve led Purple Futures, which owned these. Ownership is as each" in answer.text
    assert "Included:" not in answer.text


@pytest.mark.parametrize(
    "question, expected",
    [
        # figures.csv rows 3 and 30: the first round's counts; row 17 (second round) is left out
        (
            "how many CRCs were rated good in the first round?",
            [("CRCs rated Good overall", "1"), ("CRCs rated Good", "1")],
        ),
        # rows 17 and 57: the second round's
        (
            "how many CRCs were rated good in the second round?",
            [("CRCs rated Good overall", "3"), ("services rated Good (3 CRCs, 1 NPS)", "4")],
        ),
        # rows 3, 17, 30 (the first three); rows 72-73 count standards, not CRCs, and row 80 is caseloads
        (
            "how many CRCs were rated good?",
            [("CRCs rated Good overall", "1"), ("CRCs rated Good overall", "3"), ("CRCs rated Good", "1")],
        ),
        # rows 4, 18, 31 (the first three of five)
        (
            "how many CRCs were rated requires improvement?",
            [
                ("CRCs rated Requires improvement overall", "19"),
                ("CRCs rated Requires improvement overall", "6"),
                ("CRCs rated Requires improvement", "19"),
            ],
        ),
    ],
)
def test_a_count_adds_the_inspectorate_s_own_counts_of_the_same_set(engine, question, expected):
    text = engine.ask(question).text
    own = text.split("The inspectorate's own count:\n")[1].split("\n\n")[0].splitlines()
    assert [re.findall(r"^• (.+): (\S+) \(", line)[0] for line in own] == expected


def test_the_latest_inspections_of_one_kind(engine, kb):
    expected = sql(
        kb,
        "select source_url from inspections where org_type = 'pdu' and published is not null "
        "order by published desc, inspection_id limit 10",
    )
    answer = engine.ask("/latest pdu")
    assert (answer.title, answer.ref) == ("Most recently published inspections of PDUs", "/latest pdu")
    assert [u for _, u in bullets(answer)] == [u for (u,) in expected]


def test_the_latest_inspections_within_a_span_are_all_listed_newest_first(engine, kb):
    expected = sql(
        kb,
        "select source_url from inspections where org_type = 'pdu' and published >= '2025' "
        "order by published desc, inspection_id desc",
    )
    answer = engine.ask("/latest pdu since 2025")
    assert answer.title == "Most recently published inspections of PDUs with a report published since 2025"
    assert answer.ref == "/latest pdu since 2025"
    assert [u for _, u in bullets(answer)] == [u for (u,) in expected] and expected


def test_a_score_out_of_27_is_not_a_score_out_of_36(engine, kb):
    """inspections.csv: Cardiff's youth service scored 0 out of 36, not out of 27."""
    expected = sql(kb, "select source_url from inspections where score_points = 0 and score_max = 27")
    answer = engine.ask("which inspections scored 0 out of 27?")
    assert answer.title == f"Inspections with a published score of 0 out of 27: {len(expected)}"
    assert [u for _, u in bullets(answer)] == [u for (u,) in expected]
    assert answer.ref == "/score_list 0 of 27"


@pytest.mark.parametrize("org_type, plural", [("pdu", "PDUs"), ("yjs", "youth justice services")])
def test_scores_of_one_kind_keep_to_it_and_so_does_their_button(engine, kb, org_type, plural):
    expected = sql(
        kb, "select score_points, score_max from inspections where score_points is not null and org_type = ?", org_type
    )
    answer = engine.ask(f"/score_list {org_type}")
    assert answer.ref == f"/score_list {org_type}"
    assert answer.title.endswith(f": {len(expected)}") and len(bullets(answer)) == len(expected)
    assert engine.from_ref(answer.ref).text == answer.text
    assert ("their scores are out of 36 (or 39)" in answer.text) == (org_type == "yjs")


def test_a_list_by_rating_within_a_span_names_no_earlier_ratings(engine, kb):
    expected = sql(
        kb,
        """select source_url from (select *, row_number() over (partition by org_id order by sort_date desc,
               inspection_id desc) rn from inspections where org_type = 'pdu' and overall_rating is not null
               and (substr(published, 1, 4) >= '2023' or (published is null and year between 2023 and 2025)))
           where rn = 1 and overall_rating = 'Inadequate'""",
    )
    answer = engine.ask("which PDUs were rated inadequate since 2023?")
    assert answer.title == f"PDUs with a report published since 2023 whose latest rating is Inadequate: {len(expected)}"
    assert sorted(u for _, u in bullets(answer)) == sorted(u for (u,) in expected)
    assert "at an earlier inspection" not in answer.text
    assert answer.ref == "/list pdu inadequate since 2023"


def test_a_count_within_a_span_says_so(engine, kb):
    latest = sql(
        kb,
        """select overall_rating from (select *, row_number() over (partition by org_id order by sort_date desc,
               inspection_id desc) rn from inspections where org_type = 'pdu'
               and (substr(published, 1, 4) >= '2023' or (published is null and year between 2023 and 2025)))
           where rn = 1""",
    )
    by = Counter(r for (r,) in latest)
    answer = engine.ask("how many PDUs were inspected since 2023?")
    assert answer.pages[0].text.startswith(
        f"Our sources have {len(latest)} PDUs with a report published since 2023; by latest rating: "
        + ", ".join(f"{by[r]} {r}" for r in RATINGS if by[r])
        + "."
    )
    assert answer.ref == "/count pdu since 2023"


def test_a_collection_within_a_span_keeps_it_and_so_does_its_button(engine, kb):
    expected = sql(
        kb,
        """select source_url from (select *, row_number() over (partition by org_id order by sort_date desc,
               inspection_id desc) rn from inspections) where rn = 1 and programme in ('thematic', 'youth thematic')
               and (substr(published, 1, 4) >= '2024' or (published is null and year between 2024 and 2025))""",
    )
    answer = engine.ask("thematic reports published since 2024")
    assert answer.title == f"Thematic reports published since 2024: {len(expected)}, newest first"
    assert sorted(u for _, u in bullets(answer)) == sorted(u for (u,) in expected) and expected
    assert answer.ref == "/collection all thematic since 2024"
    assert engine.from_ref(answer.ref).text == answer.text


def test_a_collection_on_a_topic_lists_those_with_findings_on_it(engine, kb):
    expected = sql(
        kb,
        """select source_url from (select *, row_number() over (partition by org_id order by sort_date desc,
               inspection_id desc) rn from inspections) i where rn = 1 and programme in ('thematic', 'youth thematic')
               and exists (select 1 from findings f where f.org_id = i.org_id and f.topic = 'staffing')""",
    )
    answer = engine.ask("thematic reports on staffing")
    assert answer.title == f"Thematic reports with findings on staffing: {len(expected)}, newest first"
    assert sorted(u for _, u in bullets(answer)) == sorted(u for (u,) in expected) and expected
    assert answer.ref == "/collection all thematic staffing"
    assert engine.from_ref(answer.ref).text == answer.text
    dipp = engine.ask("dynamic inspections on risk of harm")
    assert dipp.title.startswith("Dynamic inspections of public protection with findings on risk of harm: ")


def test_a_collection_of_one_kind_lists_that_kind_only(engine, kb):
    """The two Covid-19 reviews in inspections.csv are national reports: none is a youth justice service."""
    assert sql(kb, "select org_type from inspections where lower(organisation) like '%covid%'") == [("national",)] * 2
    answer = engine.ask("covid reviews of youth services")
    assert (
        answer.title == "Inspections and reviews about the Covid-19 pandemic (youth justice services): 0, newest first"
    )
    assert "None in our sources." in answer.text
    assert engine.ask("covid reviews").title == "Inspections and reviews about the Covid-19 pandemic: 2, newest first"


# -- what each list says first and last ---------------------------------------------------------------------------


def _first_and_last_lines(answer) -> tuple[str, str]:
    """The first line of the first page and the last line of the last page, sources left out."""
    first = answer.pages[0].text.split("\n\nSources\n")[0].splitlines()[0]
    return first, answer.pages[-1].text.split("\n\nSources\n")[0].splitlines()[-1]


@pytest.mark.parametrize(
    "question, kind, ref, last",
    [
        (
            "/owners",
            "owners",
            "/owners",
            "Ownership is as each cited page states it at the time of that inspection; "
            "ask about one, e.g. “Seetec CRCs”.",
        ),
        (
            "which CRCs did Seetec own?",
            "owned_by",
            "/owned_by Seetec",
            "Included: the CRCs Working Links owned before Seetec took them over. "
            "Ownership is as each cited page states it at the time of that inspection.",
        ),
        (
            "which CRCs were rated Outstanding for Through the Gate",
            "standard_list",
            "/standard_list crc outstanding through the gate",
            "Standard ratings are in our sources for only some inspections; "
            "an organisation without them is not listed.",
        ),
    ],
)
def test_a_list_opens_with_its_heading_and_ends_with_its_note(engine, question, kind, ref, last):
    answer = engine.ask(question)
    assert (answer.kind, answer.intent, answer.ref) == ("answer", kind, ref)
    first, final = _first_and_last_lines(answer)
    assert first.startswith(answer.title) and final == last


def test_the_latest_of_an_empty_span_says_there_are_none(engine, kb):
    assert not sql(kb, "select 1 from inspections where org_type = 'pdu' and published >= '2026'")
    answer = engine.ask("/latest pdu since 2026")
    assert "\nNone in our sources.\n" in answer.text
    assert not bullets(answer)


def test_a_count_of_youth_services_in_a_year_takes_that_year_s_figures(engine):
    """figures.csv: "Youth offending services inspected" 33 (subject "Annual Report 2021 (published 2022-03)")
    and "Youth justice services inspected" 33 (as of 2022); the 2018-19 and 2019-20 counts are left out."""
    text = engine.ask("how many youth justice services were inspected in 2022?").text
    assert text.startswith("Published figure: 33 Youth offending services inspected (2021 annual report), ")
    own = text.split("The inspectorate's own count:\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(" (")[0] for line in own] == [
        "• Youth offending services inspected: 33",
        "• Youth justice services inspected: 33",
    ]


def test_the_inspectorates_count_of_an_overall_rating_leaves_out_counts_for_one_standard(engine):
    """figures.csv holds, for the NPS divisions' first round, "divisions rated Requires improvement: 2" and
    "divisions rated Requires improvement on staffing: 7": only the first answers how many were so rated."""
    text = engine.ask("How many NPS divisions were rated requires improvement?").pages[0].text
    counts = text.split("The inspectorate's own count:")[1].split("\n\n")[0]
    assert "divisions rated Requires improvement: 2" in counts
    assert "on staffing" not in counts and ": 7" not in counts
