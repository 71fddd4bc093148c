"""The inline keyboard under an answer: choices, page buttons, "More detail", "Chart", and a group's "More" and link.

Every button carries a :class:`~bot.callbacks.ButtonData` built from the answer's ``ref``, so the
keyboard is a pure function of (answer, page shown, compact or not) and pressing a button later
needs nothing but the engine.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Action, ButtonData, ButtonDataError
from bot.follow import follow_button
from responses import CHOICES, Answer

logger = logging.getLogger(__name__)

PREV_LABEL = "‹ Prev"
NEXT_LABEL = "Next ›"
MORE_LABEL = "More detail"
GROUP_MORE_LABEL = "More"
GROUP_BACK_LABEL = "‹ Back"
PRIVATE_LABEL = "Full answer in private"
CHART_LABEL = "Chart"


def _button(label: str, data: ButtonData) -> InlineKeyboardButton | None:
    try:
        return InlineKeyboardButton(label, callback_data=data.encode())
    except ButtonDataError as exc:
        # A ref the engine should not have made; leave the button out rather than fail the answer.
        logger.warning("left out button %r: its data would not fit (%s)", label, type(exc).__name__)
        return None


def page_row(answer: Answer, page: int, *, compact: bool) -> list[InlineKeyboardButton]:
    """‹ Prev · n/N · Next ›, with Prev and Next only where there is a page to go to."""
    total = len(answer.pages)
    if total < 2 or not answer.ref:
        return []
    row = []
    if page > 0:
        row.append(_button(PREV_LABEL, ButtonData(Action.PAGE, answer.ref, page - 1, compact)))
    row.append(_button(f"{page + 1}/{total}", ButtonData(Action.NOOP)))
    if page < total - 1:
        row.append(_button(NEXT_LABEL, ButtonData(Action.PAGE, answer.ref, page + 1, compact)))
    return [b for b in row if b is not None]


def answer_keyboard(
    answer: Answer, page: int = 0, *, compact: bool = False, examples: bool = True
) -> InlineKeyboardMarkup | None:
    """The keyboard to show under page ``page`` of ``answer``, or None when it needs none.

    ``examples=False`` leaves out example questions: under an inline message there is no chat to
    answer them in."""
    rows: list[list[InlineKeyboardButton]] = []
    if answer.kind == CHOICES:
        for choice in answer.choices:
            if button := _button(choice.label, ButtonData(Action.CHOICE, choice.ref, compact=compact)):
                rows.append([button])
    for choice in answer.see_also:  # the youth service beside a probation body of the same name, or the reverse
        if button := _button(f"Also: {choice.label}", ButtonData(Action.CHOICE, choice.ref, compact=compact)):
            rows.append([button])
    for example in answer.examples if examples else []:
        if button := _button(example.label, ButtonData(Action.ASK, example.ref, compact=compact)):
            rows.append([button])
    if chart := chart_button(answer):
        rows.append([chart])  # above the page buttons, which stay last where thumbs expect them
    if nav := page_row(answer, page, compact=compact):
        rows.append(nav)
    if answer.more_ref and (button := _button(MORE_LABEL, ButtonData(Action.MORE, answer.more_ref))):
        rows.append([button])
    if follow := follow_button(answer):
        rows.append([follow])
    return InlineKeyboardMarkup(rows) if rows else None


def chart_button(answer: Answer) -> InlineKeyboardButton | None:
    """ "Chart" under a league, history or compare answer: sends the picture of the same thing."""
    if answer.charts and answer.intent != "chart":
        return _button(CHART_LABEL, ButtonData(Action.CHART, answer.charts[0]))
    return None


def group_keyboard(answer: Answer, page: int, total: int, private_link: str | None) -> InlineKeyboardMarkup | None:
    """Under a group's short answer: "‹ Back" and "More" (pieces of the answer, in place), and a link to the
    whole answer in a private chat. Choices and example questions keep their own buttons above them."""
    rows: list[list[InlineKeyboardButton]] = []
    if answer.kind == CHOICES:
        for choice in answer.choices:
            if button := _button(choice.label, ButtonData(Action.CHOICE, choice.ref, compact=True)):
                rows.append([button])
    for choice in answer.see_also:
        if button := _button(f"Also: {choice.label}", ButtonData(Action.CHOICE, choice.ref, compact=True)):
            rows.append([button])
    for example in answer.examples:
        if button := _button(example.label, ButtonData(Action.ASK, example.ref, compact=True)):
            rows.append([button])
    nav: list[InlineKeyboardButton | None] = []
    if answer.ref and page > 0:
        nav.append(_button(GROUP_BACK_LABEL, ButtonData(Action.PAGE, answer.ref, page - 1, compact=True)))
    if answer.ref and page < total - 1:
        nav.append(_button(GROUP_MORE_LABEL, ButtonData(Action.PAGE, answer.ref, page + 1, compact=True)))
    if buttons := [b for b in nav if b is not None]:
        rows.append(buttons)
    if private_link and answer.kind != CHOICES:
        rows.append([InlineKeyboardButton(PRIVATE_LABEL, url=private_link)])
    if chart := chart_button(answer):  # a league, history or comparison: its picture, for the whole group
        rows.append([chart])
    if follow := follow_button(answer):
        rows.append([follow])
    return InlineKeyboardMarkup(rows) if rows else None
