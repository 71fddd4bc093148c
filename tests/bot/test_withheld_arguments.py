"""``bot.logs.WithholdContentFilter``: a library's log line keeps its shape, never what people wrote.

python-telegram-bot logs whole updates and API parameters as arguments of its log lines. The filter
keeps an argument only if it cannot be content: a number below any Telegram id, a truth value, or one
short word that looks like a method name. The expected values here are facts about Telegram (user and
chat ids run to nine digits and more), not values read from the code.
"""

from __future__ import annotations

import logging

import pytest

from bot.logs import WITHHELD, WithholdContentFilter

LIBRARY_LOGGERS = ["telegram", "telegram.ext.Application", "tornado.access", "apscheduler.scheduler"]
OTHER_LOGGERS = ["bot", "telegramx", "tele", "probation.telegram", "tornadoes", "apschedulerz", "root"]


def _record(name: str, msg: object, args: object) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, None, None)
    record.args = args  # type: ignore[assignment]  # a tuple or a mapping, as logging allows
    return record


def _filtered(name: str, msg: object, args: object) -> logging.LogRecord:
    record = _record(name, msg, args)
    assert WithholdContentFilter().filter(record) is True, "the line itself is always kept"
    return record


@pytest.mark.parametrize("name", LIBRARY_LOGGERS)
def test_a_library_lines_text_arguments_are_withheld(name):
    record = _filtered(name, "Processing update %s for %s", ("how did Sheffield do?", "Alice Example"))
    assert record.args == (WITHHELD, WITHHELD)
    assert record.getMessage() == f"Processing update {WITHHELD} for {WITHHELD}"


@pytest.mark.parametrize("name", OTHER_LOGGERS)
def test_other_loggers_are_left_alone(name):
    """Only the libraries' loggers and their children: a name that merely starts alike is another logger."""
    record = _filtered(name, "asked about %s", ("Sheffield",))
    assert record.args == ("Sheffield",) and record.msg == "asked about %s"


@pytest.mark.parametrize(
    "value",
    [
        0,
        200,
        429,
        99_999,
        -99_999,
        True,
        False,
        None,
        0.5,
        "sendMessage",
        "getUpdates",
        "Application.start",
        "a",
        "_private",
        "x" * 41,
    ],
)
def test_plain_values_are_kept(value):
    """Statuses, counts, flags and method names say nothing about anyone."""
    record = _filtered("telegram.ext", "call %s", (value,))
    assert record.args == (value,)


@pytest.mark.parametrize(
    "value",
    [
        100_000,
        -100_000,
        123_456_789,  # a user id
        -1_001_234_567_890,  # a supergroup's chat id
        "two words",
        "x" * 42,  # longer than any method name
        "9lives",  # not a name's shape
        "Sheffield?",
        "",
        "sendMessage\nsecret",
        b"bytes",
        ("a", "tuple"),
        {"text": "hi"},
        ["a list"],
    ],
)
def test_content_and_ids_are_withheld(value):
    record = _filtered("telegram.ext", "call %s", (value,))
    assert record.args == (WITHHELD,)


def test_mapping_arguments_keep_their_keys_and_lose_their_content():
    record = _filtered(
        "telegram.bot", "%(method)s %(chat)s %(text)s", {"method": "sendMessage", "chat": 42, "text": "hello all"}
    )
    assert record.args == {"method": "sendMessage", "chat": 42, "text": WITHHELD}
    assert record.getMessage() == f"sendMessage 42 {WITHHELD}"


def test_a_message_that_is_not_a_string_is_withheld_whole():
    """A library may log an object (an update) as the message itself: its repr would be all content."""
    record = _filtered("telegram.ext", {"update_id": 1, "message": {"text": "secret words"}}, ("kept?",))
    assert record.msg == WITHHELD and record.args is None
    assert record.getMessage() == WITHHELD


def test_a_line_without_arguments_is_unchanged():
    record = _filtered("telegram.ext", "Application started", ())
    assert record.msg == "Application started" and record.args == ()
