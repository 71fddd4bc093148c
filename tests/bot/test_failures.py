"""When things go wrong: Telegram's 429, 400 and 403, unreadable updates, a broken engine, a flooding chat.

In every case the bot must keep going: each test ends by checking that a later question is still
answered.

These are transport tests, so the engine is the scripted one (``scripted_bot``): they need answers the
real engine never gives, on demand (an engine that raises, a page whose HTML Telegram refuses).
"""

from __future__ import annotations

import logging

import pytest

from bot.app import RATE_LIMIT_RETRIES
from bot.errors import SORRY, SORRY_BUTTON
from bot.handlers import SLOW_DOWN
from tests.bot.conftest import eventually, make_settings, running_bot
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID

pytestmark = pytest.mark.e2e


def sends(api, chat_id: int = 1001):
    return api.calls_to("sendMessage", chat_id)


async def test_429_waits_retry_after_then_sends(api, scripted_bot):
    api.fail_next("sendMessage", "429", retry_after=1)
    asked = api.private("how did Sheffield do?")
    await api.reply_to(asked, timeout=8)
    first, second = sends(api)
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1.0  # waited as told
    assert second.params == first.params  # the same message, retried


async def test_429_is_retried_a_bounded_number_of_times(api, scripted_bot, caplog):
    api.fail_next("sendMessage", "429", times=50, retry_after=1)
    api.private("how did Sheffield do?")
    await api.wait_for(
        "sendMessage",
        lambda c: c.chat_id == 1001,
        count=RATE_LIMIT_RETRIES + 1,
        ok_only=False,
        timeout=(RATE_LIMIT_RETRIES + 1) * 1.2 + 3,
    )
    api.clear_failures()
    # The chat's next question is handled only once the one given up on is done, error handler included.
    await api.reply_to(api.private("and now?"))
    assert [c.status for c in sends(api)] == [429] * (RATE_LIMIT_RETRIES + 1) + [200]  # gave up; no apology into a 429
    assert any("still rate limited" in r.getMessage() for r in caplog.records)


async def test_400_cant_parse_entities_falls_back_to_plain_text(api, scripted_bot):
    api.fail_next("sendMessage", "400-parse")
    asked = api.private("how did Sheffield do?")
    await api.wait_for("sendMessage", lambda c: c.chat_id == 1001, count=2, ok_only=False)
    html_try, plain = sends(api)
    assert html_try.status == 400 and html_try.params["parse_mode"] == "HTML"
    assert plain.status == 200 and "parse_mode" not in plain.params
    assert plain.text.startswith("You asked: how did Sheffield do?\nAn answer.\n[1] Inspection report: https://")
    assert plain.params["reply_parameters"]["message_id"] == asked["message_id"]


async def test_html_telegram_refuses_is_sent_as_plain_text(api, scripted_bot):
    """The same path, with the refusal coming from the server's own HTML check, as Telegram would."""
    api.private("badhtml")
    await api.wait_for("sendMessage", lambda c: c.chat_id == 1001, count=2, ok_only=False)
    refused, plain = sends(api)
    assert refused.status == 400
    assert plain.status == 200 and plain.text == "unsupported tag (plain)"


async def test_400_on_a_page_edit_falls_back_to_plain_text(api, scripted_bot):
    sent = await api.reply_to(api.private("/league"))
    api.fail_next("editMessageText", "400-parse")
    api.press(sent, "Next ›")
    await api.wait_for("editMessageText", count=2, ok_only=False)
    refused, plain = api.calls_to("editMessageText")
    assert refused.status == 400 and plain.status == 200
    assert plain.text.startswith("League table, page 2") and "parse_mode" not in plain.params
    assert plain.markup == refused.markup  # the page buttons stay


async def test_403_blocked_is_logged_once_and_not_retried(api, scripted_bot, caplog):
    caplog.set_level(logging.INFO)
    api.fail_next("sendMessage", "403")
    api.private("how did Sheffield do?")
    # They unblock the bot and ask again: answered, after the refused answer and its error handler.
    await api.reply_to(api.private("hello again"))
    assert [c.status for c in sends(api)] == [403, 200]  # no retry, and no apology (it would be refused too)
    blocked = [r for r in caplog.records if r.name == "bot.errors"]
    assert len(blocked) == 1 and blocked[0].levelname == "WARNING"
    assert "not retried" in blocked[0].getMessage() and "bot was blocked by the user" in blocked[0].getMessage()


async def test_403_in_a_group_the_bot_was_removed_from(api, scripted_bot):
    api.fail_next("sendMessage", "403")
    api.group(f"/league@{BOT_USERNAME}")
    await api.reply_to(api.group(f"/about@{BOT_USERNAME}"))  # added back: the group's next question is answered
    assert [c.status for c in sends(api, GROUP_ID)] == [403, 200]


async def test_malformed_updates_are_survived(api, scripted_bot, caplog):
    """Updates the library cannot read are skipped, not fetched again forever; the next one is answered."""
    garbage = [
        api.push({"message": "this is not a message"}),
        api.push({"message": {"message_id": 1}}),  # no chat, no date
        api.push({"callback_query": {"id": "x"}}),  # no from, no chat_instance
        api.push(
            {
                "message": {
                    "message_id": 2,
                    "date": 0,
                    "chat": {"id": 1001, "type": "private"},
                    "entities": [{"type": "bold"}],
                    "text": "hi",
                }
            }
        ),  # entity without offset
    ]
    api.push({"an_update_type_from_the_future": {"x": 1}})  # readable: ignored quietly
    asked = api.private("how did Sheffield do?")
    await api.reply_to(asked)
    await eventually(lambda: api.confirmed_offset > max(garbage), what="the offset to move past the garbage")
    skipped = [r.getMessage() for r in caplog.records if r.getMessage().startswith("skipped update")]
    assert len(skipped) == len(garbage)
    await api.reply_to(api.private("and again?"))


async def test_engine_failure_gets_one_short_line_and_the_bot_goes_on(api, scripted_bot, caplog):
    asked = api.private("boom")
    sorry = await api.reply_to(asked)
    assert sorry.text == SORRY and "parse_mode" not in sorry.params
    errors = [r for r in caplog.records if r.levelname == "ERROR" and r.name == "bot.errors"]
    assert len(errors) == 1 and errors[0].exc_info is not None  # the traceback is in the log
    assert "the engine broke" in caplog.text
    await api.reply_to(api.private("still there?"))


async def test_failing_button_gets_a_short_notice(api, scripted_bot):
    sent = await api.reply_to(api.private("which wales"))
    api.press(sent, "", data="c:boom")
    (call,) = await api.wait_for("answerCallbackQuery")
    assert call.params["text"] == SORRY_BUTTON


async def test_chat_guard_limits_one_chat_and_warns_once(api, scripted):
    async with running_bot(make_settings(api, chat_rate_per_minute=3), scripted):
        for n in range(7):
            api.private(f"question {n}", user_id=1001)
        other = await api.reply_to(api.group(f"@{BOT_USERNAME} meanwhile, in the group"))
        await api.wait_for("sendMessage", lambda c: c.chat_id == 1001 and c.status == 200, count=4)
        await api.settle()  # and then nothing more
        # One private chat gets four messages at once: past Telegram's burst the fake server answers 429 and
        # the rate limiter waits and resends, so only the accepted sends count.
        texts = [c.text for c in sends(api) if c.status == 200]
        assert len(texts) == 4
        assert [t.split("</b>")[0] for t in texts[:3]] == [f"<b>You asked: question {n}" for n in range(3)]
        assert texts[3] == SLOW_DOWN  # once; then silence
        assert [q for q, _ in scripted.asked if q.startswith("question")] == ["question 0", "question 1", "question 2"]
        assert other.chat_id == GROUP_ID  # another chat is not held back

        # Button presses edit in place: they are not questions and do not use up anybody's allowance.
        for page in (1, 2, 0, 1):
            api.press(other, "", data=f"p:{page}:/league all", user_id=1001)
        await api.wait_for("answerCallbackQuery", count=4)
        assert [c.params.get("text") for c in api.calls_to("answerCallbackQuery")] == [None] * 4
        assert len(api.calls_to("editMessageText", GROUP_ID, ok_only=True)) == 4
