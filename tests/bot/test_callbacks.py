"""Button data: every button the bot makes fits Telegram's 64 bytes and reads back as made."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import Action, ButtonData, ButtonDataError
from tests.telegram_facts import CALLBACK_DATA_LIMIT
from bot.keyboards import answer_keyboard
from responses import CHOICES, Answer, Choice, Page

#: What the engine promises: printable ASCII refs of at most 56 bytes (spaces and colons included).
refs = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=56)
buttons = st.one_of(
    st.builds(ButtonData, st.just(Action.PAGE), refs, st.integers(0, 999), st.booleans()),
    st.builds(ButtonData, st.just(Action.CHOICE), refs, st.just(0), st.booleans()),
    st.builds(ButtonData, st.just(Action.MORE), refs),
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


@pytest.mark.parametrize("button", [
    ButtonData(Action.PAGE, "x" * 61, 1),  # 65 bytes in all
    ButtonData(Action.CHOICE, "Zürich"),  # not ASCII
    ButtonData(Action.MORE, ""),  # empty
    ButtonData(Action.PAGE, "ref", 1000),  # page out of range
])
def test_data_that_would_not_fit_is_refused(button):
    with pytest.raises(ButtonDataError):
        button.encode()


def test_the_longest_page_button_fits():
    assert len(ButtonData(Action.PAGE, "r" * 56, 999, compact=True).encode()) == 63


def test_keyboard_leaves_out_a_button_it_cannot_encode(caplog):
    answer = Answer(kind=CHOICES, intent="choices", question="q", title="t", pages=[Page("p", "p")],
                    choices=[Choice("Good", "a", "/inspection #a"), Choice("Bad", "b", "ä" * 10)])
    markup = answer_keyboard(answer)
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Good"]]
    assert "left out button 'Bad'" in caplog.text


def test_no_keyboard_for_a_plain_one_page_answer():
    answer = Answer(kind="answer", intent="x", question="q", title="t", pages=[Page("p", "p")], ref="/x")
    assert answer_keyboard(answer) is None
