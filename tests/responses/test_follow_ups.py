"""Follow-ups in a conversation that lean on the body just asked about, in chat words.

Expected bodies are read from ``knowledge/data/inspections.csv`` (organisation names as the sources give
them); each conversation has its own id so that they do not lean on one another.
"""

from __future__ import annotations

import csv
import itertools

import pytest

from knowledge.paths import DATA_DIR

_ids = itertools.count()
NAMES = {r["org_id"]: r["organisation"] for r in csv.DictReader((DATA_DIR / "inspections.csv").open(encoding="utf-8"))}


def chat(engine, *questions: str) -> list[str]:
    """The first line of each answer, asked one after another in one new conversation."""
    conversation = f"follow-ups-{next(_ids)}"
    return [engine.ask(q, conversation=conversation, form="text").pages[0].text.split("\n")[0] for q in questions]


def test_a_place_after_a_youth_service_means_that_places_youth_service(engine):
    """Darlington has a PDU (shared with County Durham), a CRC (Durham Tees Valley) and a youth service."""
    assert NAMES["yjs-darlington"] and NAMES["pdu-county-durham-and-darlington"]
    _, darlington = chat(engine, "how did durham yjs do?", "and darlington?")
    assert darlington.startswith(NAMES["yjs-darlington"])


@pytest.mark.parametrize("follow", ["and the youth service?", "what about their yot", "and its YOS?"])
def test_the_youth_service_after_a_pdu_is_the_same_places(engine, follow):
    pdu, youth = chat(engine, "how did leeds do?", follow)
    assert pdu.startswith("Leeds Probation Delivery Unit")
    assert youth.startswith(NAMES["yjs-leeds"])


def test_and_back_to_the_pdu(engine):
    *_, back = chat(engine, "how did leeds do?", "and the youth service?", "and the pdu?")
    assert back.startswith("Leeds Probation Delivery Unit")


def test_a_youth_service_the_data_lacks_is_said_to_be_missing(engine):
    """inspections.csv has Wigan PDU and no youth justice service for Wigan."""
    assert "pdu-wigan" in NAMES and not any("wigan" in n.lower() for o, n in NAMES.items() if o.startswith("yjs-"))
    _, youth = chat(engine, "how did wigan do?", "and the yot?")
    assert youth == "Our sources have no youth justice service by that name; here is the nearest they have."


def test_a_kind_after_a_league_is_that_kinds_league(engine):
    _, crcs = chat(engine, "league of pdus", "and the crcs?")
    assert crcs.startswith("League of CRCs")


@pytest.mark.parametrize("unknown", ["what about zzyzx", "and what about Qwxbury?"])
def test_a_name_we_do_not_know_is_not_answered_as_the_last_body(engine, unknown):
    first, second = chat(engine, "how did leeds do?", unknown)
    assert first.startswith("Leeds Probation Delivery Unit")
    assert second.startswith("I could not match") and "Leeds" not in second


@pytest.mark.parametrize("known", ["what about staffing?", "and now?", "what about doncaster?"])
def test_known_words_still_lean_on_the_last_body_or_name_the_next(engine, known):
    _, second = chat(engine, "how did leeds do?", known)
    assert not second.startswith("I could not match")


def test_two_questions_in_one_message_say_which_name_was_not_found(engine):
    text = engine.ask("is durham yjs any good and what about zzyzx", form="text").pages[0].text
    assert text.startswith(NAMES["yjs-county-durham"])
    assert "I could not match “and what about zzyzx”" in text
