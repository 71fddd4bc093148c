"""Button data: every button the bot makes fits Telegram's 64 bytes and reads back as made."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import Action, ButtonData, ButtonDataError, ref_from_payload, start_payload
from bot.keyboards import answer_keyboard
from bot.views import LongRefs
from responses import CHOICES, Answer, Choice, Page
from tests.telegram_facts import CALLBACK_DATA_LIMIT

#: What the engine promises: printable ASCII refs of at most 56 bytes (spaces and colons included).
refs = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=56)
buttons = st.one_of(
    st.builds(ButtonData, st.just(Action.PAGE), refs, st.integers(0, 999), st.booleans()),
    st.builds(ButtonData, st.just(Action.CHOICE), refs, st.just(0), st.booleans()),
    st.builds(ButtonData, st.just(Action.MORE), refs),
    st.builds(ButtonData, st.just(Action.ASK), refs, st.just(0), st.booleans()),
    st.just(ButtonData(Action.NOOP)),
)


@given(buttons)
def test_every_button_fits_and_round_trips(button):
    data = button.encode()
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert ButtonData.decode(data) == button


@given(st.text(max_size=80))
def test_decoding_anything_never_raises(data):
    decoded = ButtonData.decode(data)
    assert decoded is None or decoded.encode() == data


@pytest.mark.parametrize(
    "button",
    [
        ButtonData(Action.PAGE, "x" * 61, 1),  # 65 bytes in all
        ButtonData(Action.CHOICE, "Zürich"),  # not ASCII
        ButtonData(Action.MORE, ""),  # empty
        ButtonData(Action.PAGE, "ref", 1000),  # page out of range
    ],
)
def test_data_that_would_not_fit_is_refused(button):
    with pytest.raises(ButtonDataError):
        button.encode()


def test_the_longest_page_button_fits():
    assert len(ButtonData(Action.PAGE, "r" * 56, 999, compact=True).encode()) == 63


def test_keyboard_leaves_out_a_button_it_cannot_encode(caplog):
    answer = Answer(
        kind=CHOICES,
        intent="choices",
        question="q",
        title="t",
        pages=[Page("p", "p")],
        choices=[Choice("Good", "a", "/inspection #a"), Choice("Bad", "b", "ä" * 10)],
    )
    markup = answer_keyboard(answer)
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Good"]]
    assert "left out button 'Bad'" in caplog.text


def test_no_keyboard_for_a_plain_one_page_answer():
    answer = Answer(kind="answer", intent="x", question="q", title="t", pages=[Page("p", "p")], ref="/x")
    assert answer_keyboard(answer) is None


@pytest.mark.parametrize(
    "ref",
    [
        "/league pdu",
        "/inspection #ffb3012f",
        "/league pdu Yorkshire and the Humber worst",
        "/find caseloads #ab12cd34",
        "/compare #a1b2c3d4 vs #e5f6a7b8 vs #c9d0e1f2",
        "/list pdu inadequate",
        "/x:y_z-%~",
    ],
)
def test_a_start_payload_carries_a_ref_within_telegrams_rules(ref):
    payload = start_payload(ref)
    assert payload is not None and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)
    assert ref_from_payload(payload) == ref


def test_refs_too_long_for_a_payload_get_a_remembered_key():
    ref = "/find risk of serious harm domestic abuse safeguarding #ab12cd34"
    assert start_payload(ref) is None  # too long to encode within 64 characters
    refs = LongRefs(limit=2)
    key = refs.payload(ref)
    assert key is not None and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", key)
    assert refs.ref(key) == ref and refs.payload(ref) == key
    others = [
        "/find staffing caseloads workloads vacancies sickness #a1b2c3d4",
        "/find leadership partnerships victims resettlement, #ef56ab12 #cd34",
    ]
    assert all(start_payload(r) is None and refs.payload(r) for r in others)
    assert refs.ref(key) is None  # forgotten once newer ones push it out: the link falls back to the welcome


@pytest.mark.parametrize("payload", ["inline", "", "r", "r-zz", "zzzz", "k" + "x" * 10, "r" + "a" * 70, "r--0a"])
def test_payloads_we_did_not_make_are_refused(payload):
    assert LongRefs().ref(payload) is None


def test_example_buttons_round_trip():
    for compact in (False, True):
        data = ButtonData(Action.ASK, "/inspection Sheffield", compact=compact)
        assert ButtonData.decode(data.encode()) == data


@given(refs)
def test_any_ref_that_gets_a_payload_reads_back(ref):
    ref = "/" + ref[:55]
    payload = start_payload(ref)
    if payload is not None:
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)
        assert ref_from_payload(payload) == ref
