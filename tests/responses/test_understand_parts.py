"""The pure parts of ``responses.understand``: region names, slash commands, scores, topics, free words.

Each expectation is read off the input itself (which words a question holds, how a command is typed)
or off the region names in ``knowledge/data/inspections.csv``; none is produced by the code under test.
"""

from __future__ import annotations

import pytest

from knowledge.resolve import EXACT, Match
from responses.understand import (
    _find_score,
    _free_words,
    _is_region_match,
    _split_command,
    company_words,
    find_programme,
    find_rating,
    find_region,
    find_topics,
    find_type,
    region_pattern,
)

#: The region column of inspections.csv, as written there.
REGIONS = [
    "East Midlands",
    "East of England",
    "Greater Manchester",
    "Kent, Surrey and Sussex",
    "London",
    "North East",
    "North West",
    "South Central",
    "South East",
    "South West",
    "Wales",
    "West Midlands",
    "Yorkshire and the Humber",
]


def match(text: str, *org_ids: str) -> Match:
    """A resolver match for ``text`` (positions do not matter to the functions tested here)."""
    return Match(org_ids=list(org_ids), start=0, end=len(text.split()), text=text, strength=EXACT, score=100.0)


# -- regions -------------------------------------------------------------------------------------------------
def test_region_keys_are_the_normalised_names_plus_the_welsh_and_yorkshire_short_forms():
    _, keys = region_pattern(REGIONS)
    assert keys == {
        "east midlands": "East Midlands",
        "east of england": "East of England",
        "greater manchester": "Greater Manchester",
        "kent surrey and sussex": "Kent, Surrey and Sussex",
        "london": "London",
        "north east": "North East",
        "north west": "North West",
        "south central": "South Central",
        "south east": "South East",
        "south west": "South West",
        "wales": "Wales",
        "welsh": "Wales",
        "west midlands": "West Midlands",
        "yorkshire and the humber": "Yorkshire and the Humber",
        "yorkshire and humber": "Yorkshire and the Humber",
        "yorkshire": "Yorkshire and the Humber",
    }


def test_short_forms_are_added_only_for_regions_that_exist():
    _, keys = region_pattern(["London", "North West"])
    assert keys == {"london": "London", "north west": "North West"}


def test_a_region_spelt_like_a_short_form_keeps_its_own_name():
    """A short form never overrides a region that is itself spelt that way."""
    _, keys = region_pattern(["Wales", "Welsh", "Yorkshire and the Humber", "Yorkshire"])
    assert keys["welsh"] == "Welsh"
    assert keys["yorkshire"] == "Yorkshire"
    assert keys["yorkshire and humber"] == "Yorkshire and the Humber"


@pytest.mark.parametrize(
    "norm, found",
    [
        ("inadequate pdus in yorkshire and the humber", ["yorkshire and the humber"]),
        ("pdus in yorkshire and humber", ["yorkshire and humber"]),
        ("how did yorkshire do", ["yorkshire"]),
        ("the welsh pdus", ["welsh"]),
        ("kent surrey and sussex and london", ["kent surrey and sussex", "london"]),
        ("north westminster", []),  # a whole word only
        ("greater london", ["london"]),
        ("sheffield", []),
    ],
)
def test_the_region_pattern_finds_whole_names_longest_first(norm, found):
    pattern, _ = region_pattern(REGIONS)
    assert [m.group(0) for m in pattern.finditer(norm)] == found


def test_without_regions_the_pattern_matches_nothing():
    pattern, keys = region_pattern([])
    assert keys == {}
    assert pattern.search("") is None
    assert pattern.search("london wales x") is None


@pytest.mark.parametrize(
    "norm, region",
    [
        ("which pdus in yorkshire and the humber were good", "Yorkshire and the Humber"),
        ("welsh pdus", "Wales"),
        # Two regions named: the longer name wins, wherever it stands.
        ("pdus in wales and the east midlands", "East Midlands"),
        ("pdus in the east midlands and wales", "East Midlands"),
        ("pdus in london", "London"),
        ("how did sheffield do", None),
    ],
)
def test_find_region(norm, region):
    pattern, keys = region_pattern(REGIONS)
    assert find_region(norm, pattern, keys) == region


@pytest.mark.parametrize(
    "text, region, expected",
    [
        ("wales", "Wales", True),
        ("yorkshire", "Yorkshire and the Humber", True),  # the start of the region's name
        ("the humber", "Yorkshire and the Humber", True),  # a later part of it
        ("kent surrey and sussex", "Kent, Surrey and Sussex", True),
        ("sheffield", "Yorkshire and the Humber", False),
        ("north wales", "Wales", False),  # longer than the region's name
    ],
)
def test_a_match_is_a_region_match_when_its_words_are_within_the_regions_name(text, region, expected):
    assert _is_region_match(match(text, "some-org"), region) is expected


# -- slash commands ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("/league crc", ("league", "crc")),
        ("/LEAGUE nps", ("league", "nps")),
        ("/league@ProbationBot crc", ("league", "crc")),
        ("/help", ("help", "")),
        ("  /help  ", ("help", "")),
        ("/score_list 1 of 27", ("score_list", "1 of 27")),
        ("/compare Leeds vs\nBradford", ("compare", "Leeds vs\nBradford")),
        ("/find  domestic abuse", ("find", "domestic abuse")),
        # Not commands: the text comes back as typed.
        ("league crc", (None, "league crc")),
        ("what does /help do", (None, "what does /help do")),
        ("/help!", (None, "/help!")),
        ("/2019", (None, "/2019")),
        ("/", (None, "/")),
        (" hello ", (None, " hello ")),
    ],
)
def test_split_command(text, expected):
    assert _split_command(text) == expected


# -- scores --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, score",
    [
        ("which pdus had 2 of 27?", (2, 27)),
        ("which pdu got 0/27", (0, 27)),
        ("1 out of 27", (1, 27)),
        ("12 of 36", (12, 36)),
        ("27 of 27", (27, 27)),  # full marks
        ("5 of 30", (5, 30)),
        ("5 of 33", (5, 33)),
        ("5 of 39", (5, 39)),
        ("28 of 27", None),  # more points than there are
        ("3 of 28", None),  # no inspection is scored out of 28
        ("scored 3 of 20", None),  # a score "of 20" is not one of ours, so not a bare score either
        ("which pdus scored 1", (1, None)),
        ("a score of 12", (12, None)),
        ("2 of 27 and scored 5", (2, 27)),
        ("how did sheffield do", None),
    ],
)
def test_find_score(text, score):
    assert _find_score(text) == score


# -- words -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "norm, names, free",
    [
        ("how did sheffield do", ["sheffield"], "how did do"),
        ("compare leeds and bradford", ["leeds", "bradford"], "compare and"),
        # The longer name goes first, so a shorter one inside it leaves nothing behind.
        ("north wales and wales", ["wales", "north wales"], "and"),
        ("north wales and wales", ["north wales", "wales"], "and"),
        ("what about leedsville", ["leeds"], "what about leedsville"),  # whole words only
        ("nothing named here", [], "nothing named here"),
    ],
)
def test_free_words_are_the_question_without_the_names(norm, names, free):
    assert _free_words(norm, [match(n, "org") for n in names]) == free


def test_company_words():
    assert company_words("Working Links") == {"working", "links"}
    assert company_words("ARCC (Achieving Real Change in Communities)") == {
        "arcc",
        "achieving",
        "real",
        "change",
        "in",
        "communities",
    }


# -- slot words ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "norm, topics",
    [
        ("what did inspectors say about caseloads", ("workloads",)),
        ("staff workloads and staffing", ("workloads", "staffing")),
        ("staffing and workloads", ("workloads", "staffing")),  # in the order of the topic list
        ("domestic abuse", ("domestic-abuse",)),
        ("safeguarding children", ("safeguarding",)),
        ("risk of serious harm", ("risk-of-harm",)),
        ("victims", ("victims",)),
        ("how are victims traced", ("victims",)),  # "race" inside a word is not the topic
        ("unpaid work", ("unpaid-work",)),
        ("housing for prison leavers", ("through-the-gate", "accommodation")),
        ("it systems", ("it",)),
        ("how did sheffield do", ()),
    ],
)
def test_find_topics(norm, topics):
    assert find_topics(norm) == topics


@pytest.mark.parametrize(
    "norm, rating",
    [
        ("requires improvement", "Requires improvement"),
        ("which pdus need improvement", "Requires improvement"),
        ("rated ri", "Requires improvement"),
        ("failed", "Inadequate"),
        ("inadequates", "Inadequate"),
        ("outstanding", "Outstanding"),
        ("good", "Good"),
        # The first rating in the list wins when two are named.
        ("good or inadequate", "Inadequate"),
        ("how did sheffield do", None),
    ],
)
def test_find_rating(norm, rating):
    assert find_rating(norm) == rating


@pytest.mark.parametrize(
    "norm, kind",
    [
        ("youth offending teams", "yjs"),
        ("yots", "yjs"),
        ("youth pdus", "yjs"),  # youth first
        ("crcs", "crc"),
        ("nps divisions", "nps"),
        ("pdus", "pdu"),
        ("regional ratings", "region"),
        ("sheffield", None),
    ],
)
def test_find_type(norm, kind):
    assert find_type(norm) == kind


@pytest.mark.parametrize(
    "norm, programme",
    [
        ("round one", "2018-19 first round"),
        ("2019 20", "2019-20 second round"),
        ("2023 to 2025", "2023-25 PDU"),
        ("quality and impact", "pre-2018 (Quality & Impact / TR)"),
        ("the first youth programme", "youth 2018-24"),
        ("new yjs inspections", "youth 2025-"),
        ("sheffield", None),
    ],
)
def test_find_programme(norm, programme):
    assert find_programme(norm) == programme
