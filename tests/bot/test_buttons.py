"""Inline keyboards: paging in place, choices, "More detail", and buttons that outlive the bot process."""

from __future__ import annotations

import pytest

from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID
from tests.bot.scripted_engine import LEAGUE_PAGES, ScriptedEngine

pytestmark = pytest.mark.e2e


def labels(call) -> list[list[str]]:
    return [[b["text"] for b in row] for row in call.markup["inline_keyboard"]]


async def test_league_pages_forward_and_back_by_editing_in_place(api, bot):
    sent = await api.reply_to(api.private("/league"))
    assert "page 1" in sent.text
    assert labels(sent) == [[f"1/{LEAGUE_PAGES}", "Next ›"]]
    assert all(len(b["callback_data"].encode()) <= 64 for b in sent.buttons)

    query = api.press(sent, "Next ›")
    (edit,) = await api.wait_for("editMessageText")
    assert edit.chat_id == 1001 and int(edit.params["message_id"]) == sent.result_message_id
    assert "page 2" in edit.text and edit.params["parse_mode"] == "HTML"
    assert labels(edit) == [["‹ Prev", f"2/{LEAGUE_PAGES}", "Next ›"]]
    answered = await api.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query)
    assert "text" not in answered[0].params  # a silent acknowledgement

    api.press(sent, "Next ›")
    edits = await api.wait_for("editMessageText", count=2)
    assert f"page {LEAGUE_PAGES}" in edits[1].text
    assert labels(edits[1]) == [["‹ Prev", f"{LEAGUE_PAGES}/{LEAGUE_PAGES}"]]

    api.press(sent, "‹ Prev")
    edits = await api.wait_for("editMessageText", count=3)
    assert "page 2" in edits[2].text
    assert api.calls_to("sendMessage", 1001) == [sent]  # one message, edited; never a new one


async def test_page_label_does_nothing(api, bot):
    sent = await api.reply_to(api.private("/league"))
    query = api.press(sent, f"1/{LEAGUE_PAGES}")
    await api.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query)
    await api.settle()
    assert api.calls_to("editMessageText") == []


async def test_page_buttons_work_after_a_restart(api):
    """The button's data is all the bot needs: a new process, with no memory of the message, pages on."""
    async with running_bot(make_settings(api), ScriptedEngine()):
        sent = await api.reply_to(api.private("/league"))
    async with running_bot(make_settings(api), ScriptedEngine()):
        api.press(sent, "Next ›")
        (edit,) = await api.wait_for("editMessageText")
        assert "page 2" in edit.text


async def test_choice_button_replaces_the_choices_with_the_answer(api, bot, scripted):
    sent = await api.reply_to(api.private("which wales"))
    assert sent.text == "Which did you mean?"
    assert labels(sent) == [["Wales CRC"], ["Wales NPS division"]]
    api.press(sent, "Wales NPS division")
    (edit,) = await api.wait_for("editMessageText")
    assert "<b>Wales NPS division</b>" in edit.text
    assert "(compact)" not in edit.text
    assert edit.markup is None  # the choices are gone


async def test_choice_in_a_group_stays_compact(api, bot):
    sent = await api.reply_to(api.group(f"@{BOT_USERNAME} which wales"))
    api.press(sent, "Wales CRC", user_id=2001)
    (edit,) = await api.wait_for("editMessageText")
    assert edit.chat_id == GROUP_ID
    assert "Wales CRC" in edit.text and "(compact)" in edit.text


async def test_group_answer_has_more_and_a_private_link(api, bot):
    sent = await api.reply_to(api.group(f"/league@{BOT_USERNAME}"))
    assert labels(sent) == [["More"], ["Full answer in private"]]
    link = sent.button("Full answer in private")["url"]
    assert link.startswith(f"https://t.me/{BOT_USERNAME}?start=")
    api.press(sent, "More", user_id=2002)  # anyone in the group may page a shared answer
    (edit,) = await api.wait_for("editMessageText")
    assert "League table, page 1" in edit.text
    assert labels(edit)[0] == ["‹ Back", "More"]
    api.press(sent, "More", user_id=2003)
    edits = await api.wait_for("editMessageText", count=2)
    assert "League table, page 2" in edits[1].text


async def test_more_detail_buttons_from_before_still_show_the_full_answer(api, bot):
    sent = await api.reply_to(api.group(f"/league@{BOT_USERNAME}"))
    api.press(sent, "", data="m:/league all", user_id=2002)
    (edit,) = await api.wait_for("editMessageText")
    assert "League table, page 1" in edit.text
    assert labels(edit) == [[f"1/{LEAGUE_PAGES}", "Next ›"]]


async def test_unknown_button_data_gets_a_short_notice(api, bot):
    sent = await api.reply_to(api.private("/league"))
    for data in ("zz:what", "p:1:" + "x" * 70, "p:notanumber:/league all"):
        api.press(sent, "", data=data)
    calls = await api.wait_for("answerCallbackQuery", count=3)
    assert all(c.params["text"] == "This button no longer works. Please ask the question again." for c in calls)
    assert api.calls_to("editMessageText") == []


async def test_stale_ref_keeps_the_message(api, bot):
    """A ref the engine no longer knows (the data changed) gives a notice, not a broken message."""
    sent = await api.reply_to(api.private("/league"))
    api.press(sent, "", data="p:1:/league gone")
    (answered,) = await api.wait_for("answerCallbackQuery")
    assert "no longer works" in answered.params["text"]
    assert api.calls_to("editMessageText") == []


async def test_pressing_the_page_shown_is_not_an_error(api, bot, caplog):
    """Telegram refuses an edit that changes nothing ("message is not modified"); that is fine."""
    sent = await api.reply_to(api.private("/league"))
    api.press(sent, "", data="p:0:/league all")  # page 1, which is on screen
    await api.wait_for("editMessageText", ok_only=False)
    await api.wait_for("answerCallbackQuery")
    await api.settle()
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []
