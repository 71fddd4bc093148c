"""The token never appears in a log line, at any level, from any logger.

httpx logs every request URL, and the token is in every URL; python-telegram-bot puts it in the
message of ``InvalidToken``. Here every logger runs at DEBUG, httpx included (the bot normally
silences it), so the redaction itself is what is tested. The engine is the scripted one: a transport
test, which needs an engine that raises on demand to put a traceback in the log.
"""

from __future__ import annotations

import io
import logging

import pytest
from telegram.error import InvalidToken

from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import TOKEN, FakeBotApi

pytestmark = pytest.mark.e2e

SECRET_PART = TOKEN.split(":", 1)[1]


@pytest.fixture
def everything_at_debug(caplog):
    """caplog, plus a plain StreamHandler on the root logger (a handler the bot did not set up)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram", "bot", "aiohttp"):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog, stream
    root.removeHandler(handler)


def assert_no_token(text: str) -> None:
    assert TOKEN not in text
    assert SECRET_PART not in text


async def test_no_token_in_logs_while_answering_failing_and_stopping(api, scripted, everything_at_debug):
    caplog, stream = everything_at_debug
    async with running_bot(make_settings(api), scripted):
        await api.reply_to(api.private("how did Sheffield do?"))
        api.fail_next("sendMessage", "403")
        api.private("blocked")
        await api.reply_to(api.private("boom"))  # an engine failure: logged with its traceback
        await api.settle()

    http_lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("/bot<redacted>/sendMessage" in line for line in http_lines), http_lines[:3]
    assert any(r.exc_info for r in caplog.records)  # tracebacks were logged, and checked below
    for record in caplog.records:
        assert_no_token(record.getMessage())
    assert_no_token(caplog.text)
    assert_no_token(stream.getvalue())


async def test_no_token_in_logs_when_the_server_rejects_it(scripted, everything_at_debug):
    """InvalidToken's own message quotes the token; logged with its traceback, it is still redacted."""
    caplog, stream = everything_at_debug
    server = FakeBotApi(token="654321:a-different-token")
    await server.start()
    try:
        from bot.app import build_application

        application = build_application(make_settings(server), scripted)
        with pytest.raises(InvalidToken) as raised:
            await application.initialize()
        assert TOKEN in str(raised.value)  # the library does put it there...
        logging.getLogger("bot.test").error("start failed: %s", raised.value, exc_info=raised.value)
    finally:
        await server.stop()
    assert_no_token(caplog.text)  # ...and the log does not
    assert_no_token(stream.getvalue())
    assert "rejected by the server" in stream.getvalue()
