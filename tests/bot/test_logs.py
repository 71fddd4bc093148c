"""What the log may hold: never the token (message, traceback or stack), and never what people wrote,
who they are or what their group is called, even with LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import RedactTokenFilter, configure_logging, install_redaction, redact
from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID, TOKEN

SECRET = "42:stack-secret-token"


def test_a_stack_in_a_record_is_redacted():
    install_redaction(SECRET)
    record = logging.LogRecord(
        "x",
        logging.WARNING,
        __file__,
        1,
        "looking",
        None,
        None,
        sinfo=f'Stack (most recent call last):\n  File "x.py", line 1\n    get("/bot{SECRET}/getMe")',
    )
    RedactTokenFilter().filter(record)
    assert record.stack_info is not None
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
    saved = (
        root.level,
        root.handlers[:],
        {name: logging.getLogger(name).level for name in ("telegram", "httpx", "httpcore", "apscheduler")},
    )
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
    for private in (
        "Quixotically",
        "Zanzibarish",
        "Sheffield",
        "Doncaster",
        str(person),
        f"User{person}",
        "Union reps",
        str(GROUP_ID),
        TOKEN,
    ):
        assert private not in log, f"{private!r} is in the log"


def test_a_token_in_the_message_itself_is_redacted():
    install_redaction(SECRET)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, f"calling /bot{SECRET}/getMe", None, None)
    RedactTokenFilter().filter(record)
    assert record.getMessage() == "calling /bot<redacted>/getMe"


def test_a_bad_format_string_is_left_for_logging_to_report():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d apples", ("many",), None)
    assert RedactTokenFilter().filter(record) is True  # kept: logging's own error report names the bad call
    assert record.msg == "%d apples" and record.args == ("many",)


def test_a_secret_containing_another_is_redacted_whole():
    """Longer secrets first: redacting "s3cret" inside "my-s3cret-long" first would leave "my-" and "-long"."""
    install_redaction("s3cret", "my-s3cret-long")
    assert redact("key my-s3cret-long end") == "key <redacted> end"
    assert redact("key s3cret end") == "key <redacted> end"


FRESH_PROCESS = r"""
import logging, sys
from bot.logs import configure_logging, install_redaction

def tagged(*args, **kwargs):  # a record factory installed before ours must keep working
    record = previous(*args, **kwargs)
    record.tag = "tagged"
    return record

previous = logging.getLogRecordFactory()
logging.setLogRecordFactory(tagged)
install_redaction("11:first-secret")
hooked = logging.getLogRecordFactory()
install_redaction("22:second-secret")
assert logging.getLogRecordFactory() is hooked, "installed twice"
configure_logging(sys.argv[1], "33:configured-token-secret")
log = logging.getLogger("probe")
log.warning("a %s b %s c %s", "11:first-secret", "22:second-secret", "33:configured-token-secret")
log.info("at info, %s", logging.getLogger().getEffectiveLevel())
log.debug("at debug")
print(logging.getLogRecordFactory()("n", logging.INFO, "f", 1, "m", None, None).tag)
print(logging.getLogger("apscheduler").level, logging.getLogger("httpx").level, logging.getLogger("telegram").level)
"""


@pytest.mark.parametrize(
    "level, shown",
    [("WARNING", ["WARNING"]), ("NOSUCHLEVEL", ["WARNING", "INFO"]), ("DEBUG", ["WARNING", "INFO", "DEBUG"])],
)
def test_configure_logging_in_a_fresh_process(level, shown, configured_at_debug):
    """In a process of its own (the record factory is hooked once per process): every secret redacted, one
    line per record on standard error in the documented format, the level as asked (INFO when unknown), the
    chatty libraries held back, and a record factory set before ours still applied.

    (``configured_at_debug`` also configures this process, so a mutation tool sees the test reach the code.)
    """
    import re
    import subprocess

    import bot.logs

    here = Path(bot.logs.__file__).resolve().parents[1]  # the same copy of the code this process imported
    out = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, level], capture_output=True, text=True, timeout=60, cwd=here
    )
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines()
    stamped = [re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\w+) probe: ", line) for line in lines]
    assert all(stamped), lines
    assert [m.group(1) for m in stamped if m] == shown
    assert lines[0].endswith(" probe: a <redacted> b <redacted> c <redacted>")
    assert "secret" not in out.stderr + out.stdout
    tag, levels = out.stdout.splitlines()
    assert tag == "tagged"
    assert levels == f"{logging.WARNING} {logging.WARNING} {max(logging.INFO, getattr(logging, level, logging.INFO))}"
