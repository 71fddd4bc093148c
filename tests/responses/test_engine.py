"""``responses.engine``: each intent, asked in our own words, gives the right facts with citations.

Facts are checked against the knowledge base (``kb``) built from the real data, so a test says "the
rating of Kirklees' last rated inspection, cited to that inspection's source", not a copied string.
Known engine defects are kept as strict xfails: when the engine is fixed, the mark must go.
"""

from __future__ import annotations

import calendar
import re

import pytest

from knowledge.ratings import RATING_POINTS
from responses import ANSWER, CHOICES, KINDS, NO_MATCH
from responses.context import short_name
from tests.responses.helpers import (
    RATINGS,
    SUMMARY_PARAPHRASES,
    assert_cited,
    body_lines,
    citation_problems,
    cite_number,
    league_rows_of,
    line_with,
    org_names,
    spellings,
    states_rating,
)


def defect(reason: str):
    return pytest.mark.xfail(reason=reason, strict=True)


def rated_history(kb, org_id):
    return [h for h in kb.history(org_id) if h.overall_rating]


def last_rated(kb, org_id):
    return rated_history(kb, org_id)[-1]


def ask(engine, question, **kw):
    answer = engine.ask(question, **kw)
    assert answer.intent != "error", f"{question!r} raised inside the engine: {answer.text}"
    assert answer.kind in KINDS
    return answer


# -- summary --------------------------------------------------------------------------------------------
SUMMARIES = SUMMARY_PARAPHRASES


@pytest.mark.parametrize("question, org_id", SUMMARIES)
def test_summary_gives_the_last_rating_with_its_citation(engine, kb, question, org_id):
    answer = ask(engine, question)
    rated = last_rated(kb, org_id)
    assert (answer.kind, answer.intent) == (ANSWER, "summary"), answer.text
    assert kb.organisation(org_id).name in answer.text
    assert_cited(answer, rated.overall_rating, rated.source_url)
    assert not citation_problems(answer)


def test_summary_of_every_organisation(engine, kb):
    """Every organisation's summary names its last overall rating, cited, or says plainly it has none."""
    wrong: list[tuple[str, str | list[str]]] = []
    for org in kb.organisations.values():
        answer = ask(engine, f"/inspection #{org.short_key}")
        rated = [h for h in kb.history(org.org_id) if h.overall_rating]
        if rated:
            n = cite_number(answer, rated[-1].source_url)
            if n is None or not line_with(answer, rated[-1].overall_rating, f"[{n}]"):
                wrong.append((org.org_id, "rating not stated with its citation"))
        elif "no overall rating" not in answer.text.lower():
            wrong.append((org.org_id, "unrated but does not say so"))
        if citation_problems(answer):
            wrong.append((org.org_id, citation_problems(answer)))
    assert not wrong, wrong


def test_summary_of_an_unrated_organisation_says_why(engine, kb):
    answer = ask(engine, "West Mercia NPS")
    assert not rated_history(kb, "nps-westmercia")
    assert "no overall rating" in answer.text.lower()
    assert "before 2018" in answer.text
    assert answer.citations


def test_summary_mentions_a_later_unrated_inspection(engine, kb):
    """HIOW CRC's 2020 inspection was cut short: the summary gives the 2019 rating and says the later one has none."""
    hist = kb.history("hiow-crc")
    assert hist[-1].overall_rating is None and hist[0].overall_rating == "Good"
    answer = ask(engine, "what rating did Hampshire and Isle of Wight CRC get?")
    assert_cited(answer, "Good", hist[0].source_url)
    assert "covid" in answer.text.lower()


def test_summary_gives_owner_and_people_supervised(engine, kb):
    answer = ask(engine, "how did West Mercia CRC do?")
    hist = kb.history("wwm-crc")
    owner = next(h for h in reversed(hist) if h.owner)
    people = next(h for h in reversed(hist) if h.people_supervised)
    assert_cited(answer, owner.owner, owner.source_url)
    assert_cited(answer, people.people_text(), people.source_url)


# -- history --------------------------------------------------------------------------------------------
HISTORIES = [
    ("has Essex North improved?", "pdu-essex-north", "improved"),
    ("Essex North over time", "pdu-essex-north", "improved"),
    ("Thames Valley CRC rating history", "tv-crc", "improved"),
    ("how has Northamptonshire changed?", "pdu-northamptonshire", "declined"),
    ("has Gateshead got worse", "pdu-gateshead-and-south-tyneside", "declined"),
    ("Northumbria CRC over time", "northumbria-crc", "no change"),
    ("/history Merseyside", "merseyside-crc", "no change"),
    pytest.param("did Essex North get better?", "pdu-essex-north", "improved"),
    pytest.param("is DTV getting better", "dtv-crc", "improved"),
]


@pytest.mark.parametrize("question, org_id, verdict", HISTORIES)
def test_history_lists_every_inspection_and_the_trend(engine, kb, question, org_id, verdict):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "history"), answer.text
    rated = rated_history(kb, org_id)
    first, last = RATING_POINTS[rated[0].overall_rating], RATING_POINTS[rated[-1].overall_rating]
    expected = "improved" if last > first else "declined" if last < first else "no change"
    assert verdict == expected, "the test's own expectation disagrees with the data"
    assert verdict in answer.text.lower()
    for insp in kb.history(org_id):
        assert_cited(answer, insp.overall_rating or "not rated", insp.source_url)
    assert not citation_problems(answer)


def test_which_of_a_set_improved(engine, kb):
    answer = ask(engine, "which CRCs improved?")
    crcs = [o for o in kb.organisations.values() if o.org_type == "crc"]
    improved: list[str] = []
    other: list[str] = []
    for org in crcs:
        rated = rated_history(kb, org.org_id)
        went_up = len(rated) >= 2 and rated[-1].rating_points > rated[0].rating_points
        (improved if went_up else other).append(short_name(org.name))
    assert improved
    body = "\n".join(body_lines(answer))
    assert all(name in body for name in improved)
    assert not [name for name in other if name in body]


def test_history_with_one_rated_inspection_says_there_is_no_trend(engine, kb):
    assert len(rated_history(kb, "pdu-leeds")) == 1
    answer = ask(engine, "has Leeds improved?")
    assert answer.intent == "history"
    assert "no trend" in answer.text.lower() or "before it was" in answer.text.lower()


# -- comparison -----------------------------------------------------------------------------------------
COMPARISONS = [
    ("compare Leeds and Wakefield", ["pdu-leeds", "pdu-wakefield"]),
    ("Gwent vs Cardiff", ["pdu-gwent", "pdu-cardiff-and-the-vale"]),
    ("Thames Valley CRC versus Essex CRC", ["tv-crc", "essex-crc"]),
    ("/compare Kirklees vs Doncaster", ["pdu-kirklees", "pdu-doncaster"]),
    ("how does Sunderland compare with Stockton?", ["pdu-sunderland", "pdu-stockton-and-hartlepool"]),
    ("Sheffield, Doncaster and Leeds", ["pdu-sheffield", "pdu-doncaster", "pdu-leeds"]),
    ("NPS Wales vs Wales CRC", ["nps-wales", "wales-crc"]),
]


@pytest.mark.parametrize("question, org_ids", COMPARISONS)
def test_comparison_gives_each_latest_rating_cited(engine, kb, question, org_ids):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "compare"), answer.text
    positions = []
    for org_id in org_ids:
        org = kb.organisation(org_id)
        rated = last_rated(kb, org_id)
        assert org.name in answer.text
        positions.append(answer.text.index(org.name))
        assert_cited(answer, rated.overall_rating, rated.source_url)
    assert positions == sorted(positions), "organisations are not in the order they were named"
    assert not citation_problems(answer)


def test_comparison_verdict_names_the_better_one(engine, kb):
    answer = ask(engine, "Leeds against Wakefield")
    assert last_rated(kb, "pdu-wakefield").rating_points > last_rated(kb, "pdu-leeds").rating_points
    verdict = answer.text.split("Sources")[0].strip().splitlines()[-1]
    assert "Wakefield" in verdict and "Leeds" not in verdict


def test_comparison_warns_when_inspections_are_years_apart(engine):
    answer = ask(engine, "compare Sheffield and Essex CRC")
    assert "years apart" in answer.text


def test_comparison_cites_every_rating_it_states(engine, kb):
    answer = ask(engine, "compare Essex North and Essex South")
    for org_id in ("pdu-essex-north", "pdu-essex-south"):
        for insp in rated_history(kb, org_id):
            assert cite_number(answer, insp.source_url) is not None, insp.inspection_id


def test_comparison_of_four_keeps_all_four(engine, kb):
    answer = ask(engine, "Sheffield, Doncaster, Leeds and Kirklees")
    assert answer.intent == "compare"
    for org_id in ("pdu-sheffield", "pdu-doncaster", "pdu-leeds", "pdu-kirklees"):
        assert kb.organisation(org_id).name in answer.text, org_id


def test_comparing_one_organisation_gives_its_summary(engine):
    answer = ask(engine, "compare Sheffield")
    assert answer.kind == ANSWER and "Sheffield" in answer.text


# -- league tables ------------------------------------------------------------------------------------
RATINGS_RE = "Outstanding|Good|Requires improvement|Inadequate"
LEAGUE_HEADING = re.compile(rf"^({RATINGS_RE})(?:: (\d+), (?:joint )?(\d+)(?:st|nd|rd|th)\b.*|, continued)$")
LEAGUE_ROW = re.compile(r"^• (.+?)(?:, score [^,]+)?, (?:\d{4}|year not confirmed, probably \d{4}|year unknown) \[")


def league_rows(answer):
    """(place, name, rating) for every row, read from the rating headings and the rows under them."""
    rows, rating, place = [], None, 0
    for line in answer.text.splitlines():
        if m := LEAGUE_HEADING.match(line):
            rating = m.group(1)
            place = int(m.group(3)) if m.group(3) else place
        elif rating and (m := LEAGUE_ROW.match(line)):
            rows.append((place, m.group(1), rating))
        elif not line.strip() or line.startswith(("Sources", "[")) or "continued" in line:
            continue
        else:
            rating = None if not line.startswith("    ") else rating
    return rows


@pytest.mark.parametrize(
    "question, filters",
    [
        ("/league", {"org_type": "pdu"}),
        ("/league crc", {"org_type": "crc"}),
        ("/league nps", {"org_type": "nps"}),
        ("/league pdu", {"org_type": "pdu"}),
        ("/league region", {"org_type": "region"}),
        ("/league 2019", {"year": 2019}),
        ("/league crc 2018", {"org_type": "crc", "year": 2018}),
        ("league table of CRCs", {"org_type": "crc"}),
        ("rank the NPS divisions", {"org_type": "nps"}),
        ("first round CRC league", {"org_type": "crc", "programme": "2018-19 first round"}),
        ("second round league", {"programme": "2019-20 second round"}),
        ("PDU league for Wales", {"org_type": "pdu", "region": "Wales"}),
    ],
)
def test_league_has_every_organisation_in_rating_order(engine, kb, question, filters):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "league")
    # A league that names no kind ranks probation bodies only: youth services have their own (/league youth).
    expected = [i for i in kb.league(**filters) if "org_type" in filters or i.org_type != "yjs"]
    rows = league_rows(answer)
    assert len(rows) == len(expected), f"{len(rows)} rows, the knowledge base has {len(expected)}"
    assert [r for _, _, r in rows] == [i.overall_rating for i in expected]
    assert [n for _, n, _ in rows] == [short_name(i.organisation) for i in expected]
    # Equal ratings share a rank; a new rating starts at its position.
    for pos, (rank, _, rating) in enumerate(rows, 1):
        if pos == 1 or rating != rows[pos - 2][2]:
            assert rank == pos
        else:
            assert rank == rows[pos - 2][0]
    for insp in expected:
        assert cite_number(answer, insp.source_url) is not None, insp.inspection_id
    assert not citation_problems(answer)


@pytest.mark.parametrize(
    "sentence, command",
    [
        ("league table of CRCs", "/league crc"),
        ("rank the NPS divisions", "/league nps"),
        ("show the PDU table", "/league pdu"),
        ("/league", "/league pdu"),
        ("first round CRC league", "/league crc first round"),
    ],
)
def test_a_sentence_and_its_command_give_the_same_league(engine, kb, sentence, command):
    answer = ask(engine, sentence)
    assert answer.text == ask(engine, command).text
    # ...and that league is the right one: one row per organisation rated in that set, counted by SQL here.
    org_type, programme = {
        "/league crc": ("crc", None),
        "/league nps": ("nps", None),
        "/league pdu": ("pdu", None),
        "/league crc first round": ("crc", "2018-19 first round"),
    }[command]
    import sqlite3

    sql = "select count(distinct org_id) from inspections where org_type = ? and overall_rating is not null"
    params: tuple[str, ...] = (org_type,)
    if programme:
        sql, params = sql + " and programme = ?", (org_type, programme)
    expected = sqlite3.connect(kb.path).execute(sql, params).fetchone()[0]
    assert expected > 0 and len(league_rows_of(answer)) == expected


def test_default_league_is_todays_probation_service(engine, kb):
    answer = ask(engine, "/league")
    assert "PDU" in answer.pages[0].text.splitlines()[0]
    assert "/league crc" in answer.text  # the other leagues are a word away


def test_league_with_no_rated_inspections_says_so(engine, kb):
    assert not kb.league(year=2017)
    answer = ask(engine, "/league 2017")
    assert answer.kind == ANSWER and "no rated inspections" in answer.text.lower()
    assert not league_rows(answer)


def test_league_for_a_year_we_do_not_hold_does_not_pretend(engine):
    answer = ask(engine, "/league 1999")
    assert "1999" in answer.text or answer.kind == NO_MATCH


# -- lists and counts by rating ---------------------------------------------------------------------------
LIST_QUESTIONS = [
    ("which PDUs were good?", {"org_type": "pdu", "rating": "Good"}),
    ("list inadequate PDUs", {"org_type": "pdu", "rating": "Inadequate"}),
    (
        "inadequate PDUs in Yorkshire and the Humber",
        {"org_type": "pdu", "rating": "Inadequate", "region": "Yorkshire and the Humber"},
    ),
    ("failing PDUs in Wales", {"org_type": "pdu", "rating": "Inadequate", "region": "Wales"}),
    ("list the good CRCs", {"org_type": "crc", "rating": "Good"}),
    ("which NPS divisions were rated requires improvement?", {"org_type": "nps", "rating": "Requires improvement"}),
    ("which regions were inadequate", {"org_type": "region", "rating": "Inadequate"}),
    ("any outstanding PDUs?", {"org_type": "pdu", "rating": "Outstanding"}),
    pytest.param("which CRCs needed improvement?", {"org_type": "crc", "rating": "Requires improvement"}),
]


@pytest.mark.parametrize("question, filters", LIST_QUESTIONS)
def test_list_by_rating_names_each_organisation_cited(engine, kb, question, filters):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "list"), answer.text
    expected = kb.latest_inspections(rated_only=True, **filters)
    assert all(i.overall_rating == filters["rating"] for i in expected)
    assert f": {len(expected)}" in answer.pages[0].text.splitlines()[0]
    for insp in expected:
        assert_cited(answer, spellings(insp.organisation), insp.source_url)
    assert not citation_problems(answer)


COUNT_QUESTIONS = [
    ("how many CRCs were rated inadequate?", {"org_type": "crc"}, "Inadequate"),
    ("how many PDUs were rated Good", {"org_type": "pdu"}, "Good"),
    ("how many PDUs are inadequate", {"org_type": "pdu"}, "Inadequate"),
    ("how many NPS divisions were rated requires improvement?", {"org_type": "nps"}, "Requires improvement"),
    ("how many regions were rated requires improvement", {"org_type": "region"}, "Requires improvement"),
]


@pytest.mark.parametrize("question, filters, rating", COUNT_QUESTIONS)
def test_count_by_rating_matches_the_knowledge_base(engine, kb, question, filters, rating):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "count"), answer.text
    rated = kb.latest_inspections(rated_only=True, **filters)
    hits = [i for i in rated if i.overall_rating == rating]
    first = answer.pages[0].text.splitlines()[0]
    assert re.search(rf"\b{len(hits)} of the {len(rated)}\b", first), first
    assert rating in first


def test_count_lists_what_it_counts_when_short(engine, kb):
    answer = ask(engine, "how many CRCs were rated inadequate?")
    (ddc,) = [i for i in kb.latest_inspections(org_type="crc", rated_only=True) if i.overall_rating == "Inadequate"]
    assert_cited(answer, spellings(ddc.organisation), ddc.source_url)


def test_count_quotes_the_inspectorates_own_count(engine, kb):
    answer = ask(engine, "how many NPS divisions were rated good in the first round?")
    fig = next(f for f in kb.all_figures if f.metric == "NPS divisions rated Good overall")
    assert_cited(answer, fig.value, fig.source_url)


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("how many CRCs are there?"),
        pytest.param("/count crc"),
        pytest.param("which PDUs were good?"),
        pytest.param("how many CRCs needed improvement"),
        "how many PDUs were rated Good",
        "which regions were inadequate",
        "/league crc",
    ],
)
def test_answers_that_state_ratings_carry_citations(engine, kb, question):
    answer = ask(engine, question)
    assert answer.kind == ANSWER
    assert states_rating(answer, org_names(kb)), "the test question should give a rating"
    assert answer.citations, answer.text


def test_every_sample_answer_that_states_a_rating_is_cited(engine, kb):
    """Across questions of every shape and every organisation's answers: a stated rating is never uncited."""
    from tests.responses.helpers import SAMPLE_QUESTIONS

    names = org_names(kb)
    questions = list(SAMPLE_QUESTIONS)
    for org in kb.organisations.values():
        questions += [f"/{c} #{org.short_key}" for c in ("inspection", "history", "date", "standards", "score")]
    for t in ("crc", "nps", "pdu", "region"):
        questions += [f"/league {t}", f"/count {t}"] + [f"/list {t} {r.lower()}" for r in RATINGS]
    uncited = []
    for question in questions:
        for compact in (False, True):
            answer = engine.ask(question, compact=compact)
            if (
                answer.kind == ANSWER
                and answer.intent not in {"help", "about", "sources"}
                and states_rating(answer, names)
                and not answer.citations
            ):
                uncited.append(question)
    assert not uncited, sorted(set(uncited))


def test_count_of_owners_is_the_published_figure(engine, kb):
    answer = ask(engine, "how many companies owned the CRCs?")
    fig = next(f for f in kb.all_figures if f.metric == "organisations owning the 21 CRCs")
    assert_cited(answer, fig.value, fig.source_url)


# -- specific facts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question, org_id",
    [
        ("who owned Essex CRC", "essex-crc"),
        ("who ran Wales CRC?", "wales-crc"),
        ("owner of BGSW", "bgsw-crc"),
        ("which company ran Northumbria CRC?", "northumbria-crc"),
        ("who owns Merseyside CRC now", "merseyside-crc"),
    ],
)
def test_owner_is_named_and_cited(engine, kb, question, org_id):
    answer = ask(engine, question)
    owned = [h for h in kb.history(org_id) if h.owner]
    assert owned
    for insp in owned[-1:]:
        assert_cited(answer, insp.owner, insp.source_url)


def test_owner_of_a_public_body_says_it_had_none(engine, kb):
    answer = ask(engine, "who owns Sheffield PDU")
    assert answer.intent == "owner"
    assert not any(h.owner for h in kb.history("pdu-sheffield"))
    assert "public" in answer.text.lower()


@pytest.mark.parametrize(
    "question, org_id",
    [
        ("how many people did Merseyside CRC supervise?", "merseyside-crc"),
        ("how big is DTV", "dtv-crc"),
        ("people supervised by HIOW", "hiow-crc"),
        pytest.param("how many people does London NPS supervise", "nps-london"),
    ],
)
def test_people_supervised_keeps_the_sources_qualifier(engine, kb, question, org_id):
    answer = ask(engine, question)
    assert answer.intent == "people", answer.text
    counted = [h for h in kb.history(org_id) if h.people_supervised is not None]
    assert counted
    for insp in counted:
        assert_cited(answer, insp.people_text(), insp.source_url)


def test_people_supervised_qualifier_is_not_dropped(engine, kb):
    insp = next(h for h in kb.history("merseyside-crc") if h.people_supervised)
    assert insp.supervised_qualifier == "more than"
    answer = ask(engine, "how many people did Merseyside CRC supervise?")
    assert f"more than {insp.people_supervised:,}" in answer.text


@pytest.mark.parametrize(
    "question, org_id",
    [
        ("what did Sheffield score?", "pdu-sheffield"),
        ("how many points did Hammersmith get", "pdu-hammersmith-fulham-kensington-chelsea-westminster"),
    ],
)
def test_score_of_one_organisation(engine, kb, question, org_id):
    answer = ask(engine, question)
    assert answer.intent == "score"
    for insp in kb.history(org_id):
        if insp.score:
            assert_cited(answer, insp.score, insp.source_url)


@pytest.mark.parametrize(
    "question, points",
    [
        ("which PDU scored 1 of 27", 1),
        ("which PDUs got 3 out of 27?", 3),
        ("which PDUs had 2 of 27?", 2),
        pytest.param("which PDU got 0/27?", 0),
    ],
)
def test_score_list_finds_every_inspection_with_that_score(engine, kb, question, points):
    answer = ask(engine, question)
    assert answer.intent == "score_list", answer.text
    expected = kb.inspections_with_score(points, 27)
    assert expected
    for insp in expected:
        assert_cited(answer, short_name(insp.organisation).split(" PDU")[0], insp.source_url)


def test_score_of_an_organisation_without_one_says_so(engine, kb):
    assert not any(h.score for h in kb.history("pdu-leeds"))
    answer = ask(engine, "what did Leeds score?")
    assert answer.intent == "score"
    assert "do not give its score" in answer.text


#: Month names from the standard library, not from the code under test.
MONTHS = list(calendar.month_name)[1:]


def test_a_month_only_date_never_shows_a_day(engine, kb):
    """Every inspection published with only a month known is shown as "Month YYYY", never with a day."""
    checked = 0
    for org in kb.organisations.values():
        hist = kb.history(org.org_id)
        answer = ask(engine, f"/date #{org.short_key}")
        for insp in hist:
            if insp.published_precision != "month":
                continue
            month = f"{MONTHS[int(insp.published[5:7]) - 1]} {insp.published[:4]}"
            other_days = [
                h for h in hist if h.published and h.published.startswith(insp.published) and len(h.published) == 10
            ]
            assert month in answer.text, (org.org_id, month)
            if not other_days:
                assert not re.search(rf"\b\d{{1,2}} {month}", answer.text), (org.org_id, answer.text)
            checked += 1
    assert checked > 10


def test_citation_dates_keep_their_precision(engine, kb):
    answer = ask(engine, "when was the Merseyside CRC report published?")
    assert answer.intent == "date"
    for c in answer.citations:
        src = kb.source(c.url)
        assert c.published == src.published
        if src.published and len(src.published) == 7:
            assert not re.match(r"\d", c.published_text), c.published_text
            assert MONTHS[int(src.published[5:7]) - 1] in c.published_text
        if src.published is None:
            assert "unknown" in c.published_text


def test_date_with_a_known_day_shows_it(engine, kb):
    insp = next(h for h in kb.history("pdu-sheffield") if h.published_precision == "day")
    answer = ask(engine, "when was Sheffield inspected?")
    day = f"{int(insp.published[8:10])} {MONTHS[int(insp.published[5:7]) - 1]} {insp.published[:4]}"
    assert_cited(answer, day, insp.source_url)


def test_date_of_an_undated_inspection_says_it_is_not_known(engine, kb):
    insp = next(h for h in kb.history("pdu-leeds"))
    assert insp.published is None
    answer = ask(engine, "when was Leeds inspected?")
    n = cite_number(answer, insp.source_url)
    assert n is not None, answer.text
    line = line_with(answer, f"[{n}]")
    assert line is not None, answer.text
    when = line.split(":")[0]  # "• year not confirmed, probably 2024 (2023-25 PDU)"
    assert "year not confirmed" in when or "unknown" in when, line
    assert not re.search(rf"\b\d{{1,2}} ({'|'.join(MONTHS)}) \d{{4}}", when)


@pytest.mark.parametrize(
    "question, org_id",
    [
        ("standards ratings for BGSW", "bgsw-crc"),
        ("breakdown of DTV ratings", "dtv-crc"),
        ("/standards Northumbria CRC", "northumbria-crc"),
    ],
)
def test_standard_ratings_are_listed_and_cited(engine, kb, question, org_id):
    answer = ask(engine, question)
    assert answer.intent == "standards"
    insp = next(h for h in reversed(kb.history(org_id)) if kb.standard_ratings(h.inspection_id))
    for std in kb.standard_ratings(insp.inspection_id):
        assert_cited(answer, f"{std.standard_name}: {std.rating}", std.source_url)


# -- when sources disagree ------------------------------------------------------------------------------------
DISAGREE = re.compile(r"disagree|differ|conflict|inconsistent|another source|other sources|notes say|caveat", re.I)


@pytest.mark.parametrize(
    "question, inspection_id",
    [
        pytest.param("what did West Kent score?", "pdu-west-kent-2022"),
        pytest.param("how many people did Thames Valley CRC supervise?", "thames-valley-crc-2018"),
    ],
)
def test_answers_say_when_the_sources_disagree(engine, kb, question, inspection_id):
    insp = kb.inspection(inspection_id)
    assert insp.notes and re.search(r"conflict|differ|inconsistent", insp.notes, re.I)
    answer = ask(engine, question)
    assert DISAGREE.search(answer.text), answer.text


DOUBT = re.compile(
    r"inferred|unverified|not verified|uncertain|inconsistent|disagree|differ|impl|conflict|estimat|"
    r"not (seen|found|confirmed|stated)|no [^.]{0,40}(was|were) found|cut short|unclear|doubt",
    re.I,
)


def test_a_caveat_quotes_the_doubt_itself(engine, kb):
    """Every doubt in caveats.csv is shown with the inspection it is about, and says what the doubt is.

    (This test once looked for "notes say:", which no answer contains, so it could never fail; the
    caveats now come from the data file itself.)
    """
    import csv

    from knowledge.paths import DATA_DIR

    with open(DATA_DIR / "caveats.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 5
    wrong = []
    for row in rows:
        assert DOUBT.search(row["caveat"]), row
        org = kb.organisation(kb.inspection(row["inspection_id"]).org_id)
        shown = re.findall(r"Caveat: (.*)", ask(engine, f"/inspection #{org.short_key}").text)
        if row["caveat"] not in shown:
            wrong.append((row["inspection_id"], shown))
    assert not wrong, wrong


def test_an_implied_rating_is_said_to_be_implied(engine, kb):
    insp = kb.inspection("tv-crc-2020")
    assert insp.overall_rating == "Good" and "implied" in insp.notes
    answer = ask(engine, "tell me about Thames Valley CRC")
    assert re.search(r"impl|infer|not confirmed|unconfirmed", answer.text, re.I), answer.text


# -- national figures -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question, metric, as_of",
    [
        (
            "what was the national probation caseload at the end of September 2018?",
            "people under probation supervision",
            "end of September 2018",
        ),
        ("how many offenders did CRCs supervise in 2018", "low and medium-risk offenders supervised by CRCs", None),
        ("how many people were on probation in June 2020?", "people under probation supervision", "June 2020"),
        ("how many self-governing probation trusts were there before 2014", "self-governing probation trusts", None),
    ],
)
def test_national_figures_are_given_with_their_source(engine, kb, question, metric, as_of):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "figures"), answer.text
    fig = next(f for f in kb.all_figures if f.metric == metric and (as_of is None or f.as_of == as_of))
    assert_cited(answer, fig.value, fig.source_url)


# -- findings -------------------------------------------------------------------------------------------------
def finding_lines(answer, kb, findings):
    """Which of ``findings`` the answer shows, each with its own citation, on a line naming its own subject
    (two bodies' findings in the same words from one source are told apart by the names on the line)."""
    shown = []
    for f in findings:
        n = cite_number(answer, f.source_url)
        subject = short_name(kb.organisation(f.org_id).name) if f.org_id else kb.subject_titles.get(f.subject_id, "")
        if n is not None and line_with(answer, f.finding, f"[{n}]", subject):
            shown.append(f)
    return shown


@pytest.mark.parametrize(
    "question, org_id, topic",
    [
        ("risk of harm in Stockton", "pdu-stockton-and-hartlepool", "risk-of-harm"),
        ("what did inspectors find about staff shortages at Sheffield?", "pdu-sheffield", "staffing"),
        ("accommodation problems at Leeds", "pdu-leeds", "accommodation"),
        ("what did inspectors say about staffing in Kirklees", "pdu-kirklees", "staffing"),
    ],
)
def test_findings_on_a_topic_for_one_organisation(engine, kb, question, org_id, topic):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "findings"), answer.text
    expected = kb.findings(org_id=org_id, topics=[topic])
    assert expected, "the test needs a topic with findings"
    assert finding_lines(answer, kb, expected) == expected
    shown = [line for line in body_lines(answer) if re.search(r"\[\d+\]\s*$", line)]
    assert len(shown) == len(expected), "findings from other organisations or topics were shown"


@pytest.mark.parametrize(
    "question, topic",
    [
        ("what did inspectors say about staffing?", "staffing"),
        ("/find domestic abuse", "domestic-abuse"),
        ("what have inspectors said about unpaid work", "unpaid-work"),
        ("concerns about victims", "victims"),
    ],
)
def test_findings_across_all_inspections_are_all_there_across_pages(engine, kb, question, topic):
    """Every finding on the topic is listed, up to the cap; past it the answer says how many are left out."""
    from responses.search import MAX_FINDINGS

    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "findings"), answer.text
    expected = kb.findings(topics=[topic])
    shown = finding_lines(answer, kb, expected)
    # Two findings may share their words and source (one press release on several PDUs): said once, for both.
    assert len({f.id for f in shown}) == min(len(expected), MAX_FINDINGS)
    assert {f.id for f in shown} <= {f.id for f in expected}
    assert re.search(rf"\b{len(expected)}\b", answer.pages[0].text.splitlines()[0])
    if len(expected) > MAX_FINDINGS:
        assert f"{len(expected) - MAX_FINDINGS} more findings are not listed" in answer.text


def test_findings_restricted_to_crcs(engine, kb):
    answer = ask(engine, "what did inspectors say about caseloads at CRCs?")
    crc_ids = {o.org_id for o in kb.organisations.values() if o.org_type == "crc"}
    shown = finding_lines(answer, kb, kb.findings(topics=["workloads"]))
    assert shown
    assert all(f.org_id in crc_ids or f.org_id is None for f in shown)


def test_findings_for_an_organisation_without_that_topic_say_so(engine, kb):
    assert not kb.findings(org_id="pdu-gwent", topics=["women"])
    answer = ask(engine, "what did inspectors say about women at Gwent?")
    assert answer.kind == ANSWER
    assert "no findings on women" in answer.text.lower()


# -- latest, help, about, sources -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    ["latest inspections", "/latest", "what's new?", "newest reports", pytest.param("recently published inspections")],
)
def test_latest_lists_the_most_recent_publications_in_order(engine, kb, question):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "latest"), answer.text
    recent = kb.recent_inspections(10)
    positions = []
    for insp in recent:
        assert_cited(answer, spellings(insp.organisation), insp.source_url)
        positions.append(min(answer.text.find(s) for s in spellings(insp.organisation) if s in answer.text))
    assert positions == sorted(positions)
    assert str(kb.undated_count()) in answer.text  # says how many could not be placed


@pytest.mark.parametrize("question", ["/help", "help", "what can you do?"])
def test_help_lists_the_commands(engine, question):
    from responses import COMMANDS

    answer = ask(engine, question)
    assert answer.kind == ANSWER and answer.intent == "help"
    for name, _ in COMMANDS:
        assert f"/{name}" in answer.text


@pytest.mark.parametrize("question", ["/about", "about", "who are you?"])
def test_about_gives_the_knowledge_bases_size(engine, kb, question):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "about")
    counts = kb.counts()
    for table in ("inspections", "organisations", "findings", "sources"):
        assert str(counts[table]) in answer.text, table


@pytest.mark.parametrize("question", ["/sources", "where do your facts come from?", "what sources do you use"])
def test_sources_gives_one_line_per_publisher(engine, kb, question):
    answer = ask(engine, question)
    assert (answer.kind, answer.intent) == (ANSWER, "sources")
    lines = re.findall(r"^• (.+): (\d+) pages?$", answer.text, re.M)
    names = [re.sub(r" \(https?://[^)]*\)$", "", name) for name, _ in lines]
    assert len(names) == len(set(names)), "a publisher listed twice"
    assert sum(int(n) for _, n in lines) == len(kb.sources())  # every page counted, once
    # The same publisher spelt two ways in the data is still one line.
    russell = [n for n in names if "russell webster" in n.lower()]
    assert russell == ["Russell Webster"]


# -- ambiguity ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question, org_ids",
    [
        ("Wales", {"wales-crc", "nps-wales", "region-wales"}),
        ("how did Wales do?", {"wales-crc", "nps-wales", "region-wales"}),
        ("Durham", {"dtv-crc", "pdu-county-durham-and-darlington"}),
        ("Kent", {"kss-crc", "pdu-east-kent", "pdu-west-kent", "region-kent-surrey-sussex", "dipp-kent-surrey-sussex"}),
        ("how is Teesside doing", {"dtv-crc", "pdu-stockton-and-hartlepool", "pdu-redcar-cleveland-and-middlesbrough"}),
        ("what rating did IoW get", {"hiow-crc", "pdu-portsmouth-isle-of-wight"}),
        ("Lincs", {"hlny-crc", "pdu-east-and-west-lincolnshire", "pdu-north-and-north-east-lincolnshire"}),
        ("has Durham improved?", {"dtv-crc", "pdu-county-durham-and-darlington"}),
        ("who owned Durham", {"dtv-crc", "pdu-county-durham-and-darlington"}),
        (
            "victims in Kent",
            {"kss-crc", "pdu-east-kent", "pdu-west-kent", "region-kent-surrey-sussex", "dipp-kent-surrey-sussex"},
        ),
    ],
)
def test_ambiguous_names_give_choices_that_each_answer(engine, kb, question, org_ids):
    answer = ask(engine, question)
    assert answer.kind == CHOICES, answer.text
    org_choices = [c for c in answer.choices if c.id in kb.organisations]
    assert {c.id for c in org_choices} == org_ids
    for choice in answer.choices:
        assert choice.label and choice.label in answer.text
        chosen = engine.from_ref(choice.ref)
        assert chosen.kind == ANSWER, (choice, chosen.text)
        assert not citation_problems(chosen)
        if choice.id in kb.organisations:
            assert (
                kb.organisation(choice.id).name in chosen.text
                or short_name(kb.organisation(choice.id).name) in chosen.text
            )


def test_wales_choices_say_which_kind_of_body(engine):
    answer = ask(engine, "how did Wales do?")
    labels = " ".join(c.label for c in answer.choices)
    for word in ("CRC", "NPS", "region"):
        assert word in labels
    league = next(c for c in answer.choices if c.id.startswith("region:"))
    chosen = engine.from_ref(league.ref)
    assert chosen.intent == "league" and "Wales" in chosen.pages[0].text.splitlines()[0]


def test_choices_keep_the_question_asked(engine):
    answer = ask(engine, "has Durham improved?")
    assert {engine.from_ref(c.ref).intent for c in answer.choices} == {"history"}
    answer = ask(engine, "victims in Kent")
    assert {engine.from_ref(c.ref).intent for c in answer.choices} == {"findings"}
    answer = ask(engine, "compare Durham and Sheffield")
    assert answer.kind == CHOICES
    for choice in answer.choices:
        chosen = engine.from_ref(choice.ref)
        assert chosen.intent == "compare" and "Sheffield" in chosen.text


@pytest.mark.parametrize(
    "question",
    [
        "compare Durham and Sheffield",
        pytest.param("Essex North vs Essex South"),
    ],
)
def test_comparison_choices_never_compare_an_organisation_with_itself(engine, question):
    answer = ask(engine, question)
    if answer.kind == ANSWER:
        names = answer.title.split(" vs ")
        assert answer.intent == "compare" and len(names) == len(set(names)) >= 2, answer.title
        return
    assert answer.kind == CHOICES
    for choice in answer.choices:
        keys = re.findall(r"#([0-9a-f]{8})", choice.ref)
        assert len(keys) == len(set(keys)) >= 2, choice.ref


def test_essex_north_vs_essex_south_compares_the_two(engine):
    answer = ask(engine, "compare Essex North and Essex South")
    assert answer.intent == "compare"
    assert "Essex North" in answer.text and "Essex South" in answer.text


# -- everyday words are not places -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        pytest.param("what did inspectors say about joint working?"),
        pytest.param("how is partnership working with the police?"),
        pytest.param("what did inspectors say about dealing with domestic abuse?"),
        "which areas in southern England were inadequate",
        "what did inspectors say about staff morale?",
        "how are inspectors handling caseloads",
    ],
)
def test_questions_naming_no_organisation_are_not_about_one(engine, kb, question):
    q = engine.understander.understand(question)
    assert q.org_ids == [] and q.ambiguous is None, [kb.organisation(o).name for o in q.org_ids]
    answer = ask(engine, question)
    assert answer.intent not in {"summary", "compare", "history"}


def test_which_crcs_an_owner_ran(engine, kb):
    answer = ask(engine, "which CRCs did Working Links own?")
    owned = kb.owned_by("Working Links")
    assert owned
    for insp in owned:
        assert_cited(answer, spellings(insp.organisation), insp.source_url)


@pytest.mark.parametrize(
    "question, owner",
    [
        ("which CRCs did Sodexo own?", "Sodexo"),
        ("what did Purple Futures run", "Purple Futures"),
        ("Seetec CRCs", "Seetec"),
        pytest.param("how did Interserve's CRCs do", "Interserve"),
    ],
)
def test_organisations_run_by_an_owner(engine, kb, question, owner):
    answer = ask(engine, question)
    assert answer.intent == "owned_by", answer.text
    owned = kb.owned_by(owner)
    assert owned
    for insp in owned:
        assert_cited(answer, spellings(insp.organisation), insp.source_url)


# -- no match --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "asdfghjkl",
        "the cat sat on the mat",
        "banana",
        "/inspection Narnia",
        "qwertyuiop zxcvbnm",
        "how did Atlantis PDU do?",
    ],
)
def test_nothing_found_gives_no_match_with_a_hint_that_works(engine, question):
    answer = ask(engine, question)
    assert answer.kind == NO_MATCH, answer.text
    assert not answer.citations and not answer.choices
    examples = [line.lstrip("• ").strip() for line in answer.text.splitlines() if line.startswith("• ")]
    assert examples, "no hint"
    for example in examples:
        assert engine.ask(example).kind == ANSWER, example


def test_no_match_never_names_an_organisation(engine, kb):
    answer = ask(engine, "how did Atlantis PDU do?")
    names = org_names(kb) - {"Wales", "London"}
    body = answer.text.split("Try")[0]
    assert not [n for n in names if n in body]


def test_usage_hints_for_commands_without_arguments(engine):
    for command in ("/inspection", "/compare", "/find", "/history"):
        answer = ask(engine, command)
        assert answer.kind == NO_MATCH and answer.intent == "usage"
        assert "e.g." in answer.text


def test_unknown_command_says_so(engine):
    answer = ask(engine, "/frobnicate now")
    assert answer.kind == NO_MATCH and "/frobnicate" in answer.text and "/help" in answer.text


# -- contract ------------------------------------------------------------------------------------------------
def test_to_json_has_the_contract_keys(engine):
    data = ask(engine, "Sheffield vs Doncaster").to_json()
    assert {"question", "kind", "text", "citations", "choices"} <= set(data)
    assert data["question"] == "Sheffield vs Doncaster"
    for c in data["citations"]:
        assert set(c) == {"n", "title", "url", "published"}
    choices = ask(engine, "Wales").to_json()["choices"]
    assert choices and all(set(c) == {"label", "id"} for c in choices)


def test_ratings_constant_matches_the_knowledge_base():
    assert set(RATINGS) == set(RATING_POINTS)


# -- behaviours added after the first round of tests ----------------------------------------------------
def test_worst_first_league_starts_at_the_bottom(engine, kb):
    """'the worst rated PDU' puts the lowest rating and lowest published score first."""
    answer = ask(engine, "what's the worst rated PDU?")
    assert answer.intent == "league" and "worst first" in answer.title
    first_row = next(line for line in answer.pages[0].text.splitlines() if line.startswith("• "))
    lowest = min(
        (i for i in kb.league(org_type="pdu") if i.score_points is not None),
        key=lambda i: (i.rating_points, i.score_points / i.score_max),
    )
    assert lowest.organisation.split(" Probation Delivery Unit")[0].split(" PDU")[0] in first_row


def test_which_crcs_improved_lists_only_rises(engine, kb):
    answer = ask(engine, "which CRCs improved?")
    assert answer.intent == "changed"
    rose = set()
    for org in kb.organisations.values():
        rated = [h for h in kb.history(org.org_id) if h.overall_rating]
        if org.org_type == "crc" and len(rated) > 1 and rated[-1].rating_points > rated[0].rating_points:
            rose.add(org.org_id)
    assert rose and f": {len(rose)}" in answer.title


@pytest.mark.parametrize("question", ["what is a PDU", "what does CRC mean", "what are CRCs?"])
def test_terms_are_explained(engine, question):
    answer = ask(engine, question)
    assert answer.intent == "glossary" and "Probation Delivery Unit" in answer.text


def test_a_percentage_question_gets_figures_not_a_list_of_good_bodies(engine):
    answer = ask(engine, "what % of cases had good risk assessment")
    assert answer.intent == "figures" and "per cent" in answer.text and answer.citations


def test_findings_on_a_topic_in_a_region_stay_in_the_region(engine, kb):
    answer = ask(engine, "what did inspectors say about staffing in Yorkshire and the Humber?")
    assert answer.intent == "findings"
    shown = finding_lines(answer, kb, kb.findings(topics=["staffing"]))
    assert shown and all(kb.organisation(f.org_id).region == "Yorkshire and the Humber" for f in shown)
