"""At DEBUG, through a whole conversation, the log holds nothing people wrote, no names or ids, no
chat titles, and no part of the token.

The bot's own ``configure_logging("DEBUG", ...)`` sets up logging as ``probation-bot run`` does, and
then every logger is opened to DEBUG (the HTTP clients included), so the test sees everything any
library would write; python-telegram-bot's DEBUG lines dump updates and API parameters, which is
exactly what must not get through.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pytest

from bot.logs import WITHHELD, configure_logging
from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import BOT_ID, BOT_USERNAME, TOKEN

pytestmark = pytest.mark.e2e

ALICE, BOB = 48151623, 42424242
GROUP = -1009988776655
TITLE = "Secret Branch Committee Of Unison Rivertown"
PRIVATE_TEXT = "zebra quokka how did Sheffield do"
GROUP_TEXT = "narwhal pangolin compare Leeds"
CHATTER = "aardvark chatter nobody asked the bot"
INLINE_TEXT = "wombat inline Doncaster"
NAMES = ("Alicebeth", "Quibblesworth", "alice_handle_xyz", "Bobbington", "bob_handle_xyz")


@pytest.fixture
def debug_log():
    """The bot's logging at DEBUG, every logger opened to DEBUG, captured; restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    names = ("telegram", "httpx", "httpcore", "bot", "responses", "knowledge", "aiohttp", "asyncio")
    saved = {name: logging.getLogger(name).level for name in names}
    configure_logging("DEBUG", TOKEN)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        for h in list(root.handlers):
            root.removeHandler(h)
        for h in saved_handlers:
            root.addHandler(h)
        root.setLevel(saved_level)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _named(message: dict[str, Any], first: str, last: str, username: str) -> dict[str, Any]:
    message["from"].update(first_name=first, last_name=last, username=username)
    return message


async def test_debug_log_holds_no_message_text_names_ids_titles_or_token(api, engine, debug_log):
    api.chat(GROUP, title=TITLE)
    api.chat(ALICE)
    async with running_bot(make_settings(api), engine):
        m = _named(api.make_message(PRIVATE_TEXT, chat_id=ALICE), "Alicebeth", "Quibblesworth", "alice_handle_xyz")
        api.push({"message": m})
        await api.reply_to(m)
        g = _named(
            api.make_message(f"@{BOT_USERNAME} {GROUP_TEXT}", chat_id=GROUP, user_id=BOB),
            "Bobbington",
            "Quibblesworth",
            "bob_handle_xyz",
        )
        api.push({"message": g})
        answer = await api.reply_to(g)
        chatter = _named(api.make_message(CHATTER, chat_id=GROUP, user_id=BOB), "Bobbington", "Q", "bob_handle_xyz")
        api.push({"message": chatter})
        if any("More" in b["text"] for b in answer.buttons):
            api.press(answer, "More", user_id=ALICE)
            await api.wait_for("editMessageText")
        api.inline(INLINE_TEXT, user_id=ALICE)
        await api.wait_for("answerInlineQuery")
        await api.settle()

    log = debug_log.getvalue()
    for secret in (PRIVATE_TEXT, GROUP_TEXT, CHATTER, INLINE_TEXT, TITLE, *NAMES):
        for word in secret.split():
            if len(word) > 4 and word.lower() not in {"sheffield", "leeds", "doncaster", "compare", "inline"}:
                assert word not in log, f"{word!r} from {secret!r} is in the log"
    for number in (ALICE, BOB, GROUP, abs(GROUP), BOT_ID):
        assert not re.search(rf"(?<!\d){number}(?!\d)", log), f"id {number} is in the log"
    assert TOKEN not in log and TOKEN.split(":", 1)[1] not in log
    assert "DEBUG telegram" in log and WITHHELD in log  # the library spoke at DEBUG, and was held back
    assert "answered chat=supergroup" in log  # our own line is there


async def test_log_messages_logs_the_bots_own_answers_only(api, scripted, caplog):
    caplog.set_level(logging.INFO, logger="bot")
    async with running_bot(make_settings(api, log_messages=True), scripted):
        await api.reply_to(api.private("/league", user_id=ALICE))
    lines = [r.getMessage() for r in caplog.records if "LOG_MESSAGES" in r.getMessage()]
    assert lines and "League table" in lines[0]
    assert str(ALICE) not in caplog.text
