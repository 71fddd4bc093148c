"""Small pure pieces: the question taken from a message, token redaction, unreadable updates."""

from __future__ import annotations

import logging

import pytest

from bot.addressing import question_text
from bot.logs import RedactTokenFilter, install_redaction, redact
from bot.polling import sanitize_updates

BOT = "ProbationTestBot"


@pytest.mark.parametrize(
    "text, question",
    [
        ("/league@ProbationTestBot crc", "/league crc"),
        ("/league@probationtestbot", "/league"),
        ("/league@OtherBot crc", "/league@OtherBot crc"),  # not ours: left alone
        ("@ProbationTestBot how did Sheffield do?", "how did Sheffield do?"),
        ("hey @ProbationTestBot, what about Doncaster?", "hey what about Doncaster?"),
        ("email me at x@ProbationTestBot.org", "email me at x@ProbationTestBot.org"),
        ("@ProbationTestBot", "/help"),
        ("@ProbationTestBot ?", "/help"),
        ("  how   did\nLeeds do? ", "how did Leeds do?"),
    ],
)
def test_question_text(text, question):
    assert question_text(text, BOT) == question


def test_redact_known_token_and_token_shapes():
    install_redaction("42:known-secret")
    assert redact("GET /bot42:known-secret/getMe") == "GET /bot<redacted>/getMe"
    assert redact("token 42:known-secret") == "token <redacted>"
    assert redact("url http://h/bot987654:AAAA-bbb_cc/sendMessage") == "url http://h/bot<redacted>/sendMessage"
    assert redact("bare 1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") == "bare <redacted>"
    assert redact("at 10:30 on 2024-05-01, 64 PDUs") == "at 10:30 on 2024-05-01, 64 PDUs"


def test_filter_redacts_args_and_tracebacks():
    install_redaction("42:known-secret")
    try:
        raise ValueError("The token `42:known-secret` was rejected")
    except ValueError as exc:
        record = logging.LogRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "calling %s",
            ("/bot42:known-secret/getMe",),
            (type(exc), exc, exc.__traceback__),
        )
    RedactTokenFilter().filter(record)
    assert record.getMessage() == "calling /bot<redacted>/getMe"
    assert "known-secret" not in logging.Formatter().format(record)
    assert "The token `<redacted>` was rejected" in logging.Formatter().format(record)


def test_sanitize_updates():
    good = {"update_id": 3, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"}}
    items = [
        {"update_id": 1, "message": "garbage"},
        {"no_id": True},
        "not even a dict",
        good,
        {"update_id": 4, "future_kind": {}},
    ]
    cleaned, changed = sanitize_updates(items)
    assert changed
    assert cleaned == [{"update_id": 1}, good, {"update_id": 4, "future_kind": {}}]
    assert sanitize_updates([good]) == ([good], False)
