"""``responses.understand``: a question becomes a ``Query`` (intent, organisations, filters).

The questions here are our own paraphrases, not the shared question set: the set is a floor, and
people phrase things in ways no list foresees. Facts (which organisation a name means) are looked up
in the knowledge base rather than written out where that is practical.
"""

from __future__ import annotations

import pytest

from responses.understand import MAX_QUESTION, find_programme, find_rating, find_topics, find_type
from tests.responses.helpers import SUMMARY_PARAPHRASES


def defect(reason: str):
    return pytest.mark.xfail(reason=reason, strict=True)


@pytest.fixture(scope="module")
def understand(engine):
    return engine.understander.understand


# -- one organisation -------------------------------------------------------------------------------
SUMMARY = SUMMARY_PARAPHRASES

HISTORY = [
    ("has Essex North improved?", "pdu-essex-north"),
    ("Essex North over time", "pdu-essex-north"),
    ("Northumbria CRC rating history", "northumbria-crc"),
    ("how has Sheffield changed since 2023", "pdu-sheffield"),
    ("previous ratings of Thames Valley CRC", "tv-crc"),
    ("/history Merseyside", "merseyside-crc"),
    pytest.param("did Essex North get better?", "pdu-essex-north"),
    pytest.param("is DTV getting better", "dtv-crc"),
]

FACTS = [
    ("who owned Essex CRC", "owner", "essex-crc"),
    ("who ran Wales CRC?", "owner", "wales-crc"),
    ("owner of BGSW", "owner", "bgsw-crc"),
    pytest.param("which company ran Northumbria CRC?", "owner", "northumbria-crc"),
    ("how many people did Merseyside CRC supervise?", "people", "merseyside-crc"),
    ("how big is DTV", "people", "dtv-crc"),
    pytest.param("how many people does London NPS supervise", "people", "nps-london"),
    ("what was Leicester's score", "score", "pdu-leicester-leicestershire-and-rutland"),
    ("how many points did Sheffield get", "score", "pdu-sheffield"),
    ("when was Doncaster inspected?", "date", "pdu-doncaster"),
    ("when did the Sheffield report come out", "date", "pdu-sheffield"),
    ("what were the standard ratings for Hampshire and Isle of Wight CRC", "standards", "hiow-crc"),
    ("breakdown of DTV ratings", "standards", "dtv-crc"),
    ("what did inspectors find about workloads at Sheffield?", "findings", "pdu-sheffield"),
    ("accommodation problems at Leeds", "findings", "pdu-leeds"),
    ("risk of harm in Stockton", "findings", "pdu-stockton-and-hartlepool"),
]


@pytest.mark.parametrize("question, org_id", SUMMARY)
def test_summary_paraphrases(understand, question, org_id):
    q = understand(question)
    assert (q.intent, q.org_ids) == ("summary", [org_id])


@pytest.mark.parametrize("question, org_id", HISTORY)
def test_history_paraphrases(understand, question, org_id):
    q = understand(question)
    assert (q.intent, q.org_ids) == ("history", [org_id])


@pytest.mark.parametrize("question, intent, org_id", FACTS)
def test_fact_and_findings_paraphrases(understand, question, intent, org_id):
    q = understand(question)
    assert (q.intent, q.org_ids) == (intent, [org_id])


@pytest.mark.parametrize(
    "question, org_ids",
    [
        ("Thames Valley CRC versus Essex CRC", ["tv-crc", "essex-crc"]),
        ("/compare Kirklees vs Doncaster", ["pdu-kirklees", "pdu-doncaster"]),
        ("how does Leeds compare with Bradford?", ["pdu-leeds", "pdu-bradford-and-calderdale"]),
        ("Leeds or Wakefield, which is better?", ["pdu-leeds", "pdu-wakefield"]),
        ("difference between Gwent and Cardiff", ["pdu-gwent", "pdu-cardiff-and-the-vale"]),
        ("Sheffield, Doncaster and Leeds", ["pdu-sheffield", "pdu-doncaster", "pdu-leeds"]),
        ("Wales CRC vs NPS Wales", ["wales-crc", "nps-wales"]),
    ],
)
def test_comparison_paraphrases_keep_the_order_named(understand, question, org_ids):
    q = understand(question)
    assert (q.intent, q.org_ids) == ("compare", org_ids)


def test_comparison_with_an_ambiguous_name_remembers_where_it_stood(understand):
    q = understand("compare Durham and Sheffield")
    assert q.intent == "compare"
    assert q.org_ids == ["pdu-sheffield"]
    assert set(q.ambiguous.org_ids) == {"dtv-crc", "pdu-county-durham-and-darlington"}
    assert q.ambiguous_index == 0


# -- sets of organisations -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question, org_type, programme, year, region",
    [
        ("/league", None, None, None, None),
        ("/league crc", "crc", None, None, None),
        ("/LEAGUE nps", "nps", None, None, None),
        ("/league@ProbationBot pdu", "pdu", None, None, None),
        ("/league region", "region", None, None, None),
        ("/league 2019", None, None, 2019, None),
        ("league table of CRCs", "crc", None, None, None),
        ("rank the NPS divisions", "nps", None, None, None),
        ("first round CRC league", "crc", "2018-19 first round", None, None),
        ("second round league", None, "2019-20 second round", None, None),
        ("show the PDU table", "pdu", None, None, None),
        ("best and worst PDUs", "pdu", None, None, None),
        ("PDU league for Wales", "pdu", None, None, "Wales"),
        ("CRCs ranked", "crc", None, None, None),
    ],
)
def test_league_paraphrases_and_filters(understand, question, org_type, programme, year, region):
    q = understand(question)
    assert q.intent == "league"
    assert (q.org_type, q.programme, q.year, q.region) == (org_type, programme, year, region)
    assert q.org_ids == [] and q.ambiguous is None


@pytest.mark.parametrize(
    "question, intent, org_type, rating, region",
    [
        ("which PDUs were good?", "list", "pdu", "Good", None),
        ("list inadequate PDUs", "list", "pdu", "Inadequate", None),
        ("list the good CRCs", "list", "crc", "Good", None),
        ("any outstanding PDUs?", "list", "pdu", "Outstanding", None),
        ("which divisions were rated requires improvement", "list", "nps", "Requires improvement", None),
        ("which regions were inadequate", "list", "region", "Inadequate", None),
        # A region named in a list question is a filter, not the region's own inspection.
        ("inadequate PDUs in Yorkshire and the Humber", "list", "pdu", "Inadequate", "Yorkshire and the Humber"),
        ("failing PDUs in Wales", "list", "pdu", "Inadequate", "Wales"),
        ("how many CRCs were rated inadequate?", "count", "crc", "Inadequate", None),
        ("how many PDUs were rated Good", "count", "pdu", "Good", None),
        ("how many PDUs are inadequate", "count", "pdu", "Inadequate", None),
        ("how many NPS divisions were rated requires improvement?", "count", "nps", "Requires improvement", None),
        pytest.param("how many CRCs needed improvement", "count", "crc", "Requires improvement", None),
        pytest.param("which CRCs needed improvement", "list", "crc", "Requires improvement", None),
    ],
)
def test_list_and_count_paraphrases(understand, question, intent, org_type, rating, region):
    q = understand(question)
    assert (q.intent, q.org_type, q.rating, q.region) == (intent, org_type, rating, region)
    assert q.org_ids == [] and q.ambiguous is None


@pytest.mark.parametrize(
    "question, score",
    [
        ("which PDUs had 2 of 27?", (2, 27)),
        pytest.param("which PDU got 0/27?", (0, 27)),
        ("which PDUs got 1 out of 27", (1, 27)),
        pytest.param("which PDUs scored 3 out of 27", (3, 27)),
        pytest.param("which PDU scored 2 of 27?", (2, 27)),
    ],
)
def test_score_questions(understand, question, score):
    q = understand(question)
    assert (q.intent, q.score) == ("score_list", score)


@pytest.mark.parametrize(
    "question, intent",
    [
        ("latest inspections", "latest"),
        ("what's new?", "latest"),
        ("newest reports", "latest"),
        ("/latest", "latest"),
        pytest.param("recently published inspections", "latest"),
        ("help", "help"),
        ("/help", "help"),
        ("what can you do?", "help"),
        ("menu", "help"),
        ("/start", "start"),
        ("about", "about"),
        ("who are you?", "about"),
        ("/about", "about"),
        ("/sources", "sources"),
        ("where do your facts come from?", "sources"),
        ("what sources do you use", "sources"),
        ("hello", "greeting"),
        ("what did inspectors say about staffing?", "findings"),
        ("/find domestic abuse", "findings"),
        ("/figures caseload", "figures"),
        ("/frobnicate", "unknown_command"),
        ("", "empty"),
    ],
)
def test_other_intents(understand, question, intent):
    assert understand(question).intent == intent


@pytest.mark.parametrize(
    "question, topics",
    [
        ("what did inspectors say about caseloads?", ("workloads",)),
        ("/find domestic abuse", ("domestic-abuse",)),
        ("staff shortages at CRCs", ("staffing",)),
        ("risk of harm in Stockton", ("risk-of-harm",)),
        ("unpaid work", ("unpaid-work",)),
        ("what about victims", ("victims",)),
        ("how did Sheffield do", ()),
        pytest.param("how did Staffs do?", ()),
    ],
)
def test_topics(understand, question, topics):
    assert understand(question).topics == topics


# -- the parts ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, rating",
    [
        ("requires improvement", "Requires improvement"),
        ("needs improvement", "Requires improvement"),
        ("rated ri", "Requires improvement"),
        ("inadequate", "Inadequate"),
        ("failing", "Inadequate"),
        ("outstanding", "Outstanding"),
        ("good", "Good"),
        ("how did sheffield do", None),
    ],
)
def test_find_rating(text, rating):
    assert find_rating(text) == rating


@pytest.mark.parametrize(
    "text, code",
    [
        ("crcs", "crc"),
        ("community rehabilitation companies", "crc"),
        ("nps divisions", "nps"),
        ("national probation service", "nps"),
        ("pdus", "pdu"),
        ("probation delivery units", "pdu"),
        ("regions", "region"),
        ("sheffield", None),
    ],
)
def test_find_type(text, code):
    assert find_type(text) == code


@pytest.mark.parametrize(
    "text, programme",
    [
        ("first round", "2018-19 first round"),
        ("round 2", "2019-20 second round"),
        ("2021 23", "2021-23 PDU"),
        ("before 2018", "pre-2018 (Quality & Impact / TR)"),
        ("sheffield", None),
    ],
)
def test_find_programme(text, programme):
    assert find_programme(text) == programme


def test_find_topics_keeps_order_and_has_no_duplicates():
    assert find_topics("staff workloads and staffing") == ("workloads", "staffing")


def test_every_topic_the_parser_can_produce_exists_in_the_data(kb, understand):
    from responses.understand import TOPICS

    produced = {t for _, topics in TOPICS for t in topics}
    assert produced <= set(kb.topics), f"topics with no findings: {sorted(produced - set(kb.topics))}"


def test_button_keys_name_organisations(kb, understand):
    org = kb.organisation("pdu-sheffield")
    q = understand(f"/inspection #{org.short_key}")
    assert (q.intent, q.org_ids) == ("summary", ["pdu-sheffield"])
    assert understand("/inspection #00000000").intent == "no_match"


def test_commands_without_an_argument_ask_for_one(understand):
    for command in ("/inspection", "/history", "/compare", "/owner", "/score"):
        assert understand(command).intent == "usage", command


def test_command_with_an_unknown_name_is_no_match(understand):
    assert understand("/inspection Narnia").intent == "no_match"


def test_long_questions_are_read_only_so_far(understand):
    q = understand("how did Sheffield do? " + "blah " * 3000)
    assert q.truncated and len(q.text) <= MAX_QUESTION
    assert (q.intent, q.org_ids) == ("summary", ["pdu-sheffield"])
    assert not understand("how did Sheffield do?").truncated


def test_whitespace_is_collapsed(understand):
    q = understand("  how   did\n\tSheffield \r\n do ?  ")
    assert q.text == "how did Sheffield do ?"
    assert q.org_ids == ["pdu-sheffield"]
