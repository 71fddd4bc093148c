"""What the log may hold: never the token (message, traceback or stack), and never what people wrote,
who they are or what their group is called, even with LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest

from bot.logs import RedactTokenFilter, configure_logging, install_redaction
from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID, TOKEN

SECRET = "42:stack-secret-token"


def test_a_stack_in_a_record_is_redacted():
    install_redaction(SECRET)
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "looking", None, None,
                               sinfo=f'Stack (most recent call last):\n  File "x.py", line 1\n    get("/bot{SECRET}/getMe")')
    RedactTokenFilter().filter(record)
    assert SECRET not in record.stack_info and "/bot<redacted>/getMe" in record.stack_info
    assert SECRET not in logging.Formatter().format(record)


def test_stack_info_logged_anywhere_has_no_token():
    """``stack_info=True`` prints the calling source lines, and this line has the token in it: 42:stack-secret-token"""
    install_redaction(SECRET)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.stack")
    logger.addHandler(handler)
    try:
        logger.warning("where are we?", stack_info=True)  # 42:stack-secret-token
    finally:
        logger.removeHandler(handler)
    assert "where are we?" in stream.getvalue() and "Stack (most recent call last)" in stream.getvalue()
    assert SECRET not in stream.getvalue()


@pytest.fixture
def configured_at_debug() -> Iterator[io.StringIO]:
    """The bot's own logging set up as ``LOG_LEVEL=DEBUG`` would, writing to a buffer; restored afterwards."""
    root = logging.getLogger()
    saved = root.level, root.handlers[:], {name: logging.getLogger(name).level
                                           for name in ("telegram", "httpx", "httpcore", "apscheduler")}
    stream = io.StringIO()
    stderr, sys.stderr = sys.stderr, stream
    try:
        configure_logging("DEBUG", TOKEN)
    finally:
        sys.stderr = stderr
    yield stream
    root.handlers[:] = saved[1]
    root.setLevel(saved[0])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


async def test_at_debug_the_log_holds_no_question_user_or_group(api, engine, configured_at_debug):
    person = 918273645
    async with running_bot(make_settings(api, log_level="DEBUG"), engine):
        await api.reply_to(api.private("how did Sheffield do? Quixotically", user_id=person))
        await api.reply_to(api.group(f"@{BOT_USERNAME} has Doncaster improved? Zanzibarish", user_id=person))
        sent = await api.reply_to(api.private("/league", user_id=person))
        api.press(sent, "Next ›", user_id=person)
        await api.wait_for("editMessageText")
        await api.settle()
    log = configured_at_debug.getvalue()
    assert "answered chat=private" in log and "DEBUG" in log, "the log should have been written, at DEBUG"
    for private in ("Quixotically", "Zanzibarish", "Sheffield", "Doncaster", str(person), f"User{person}",
                    "Union reps", str(GROUP_ID), TOKEN):
        assert private not in log, f"{private!r} is in the log"
