"""Inline keyboards: paging in place, choices, "More detail", and buttons that outlive the bot process.

The bot runs the real engine over the real knowledge base. Facts are copied by hand from
``knowledge/data/inspections.csv`` (rows named beside them); page counts are read from the page the
bot sent ("page 1 of N"), never from the engine.
"""

from __future__ import annotations

import re

import pytest

from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID
from tests.telegram_facts import CALLBACK_DATA_LIMIT

pytestmark = pytest.mark.e2e


def labels(call) -> list[list[str]]:
    return [[b["text"] for b in row] for row in (call.markup or {}).get("inline_keyboard", [])]


def page_row(call) -> list[str]:
    """The page buttons, always the last row (a league's "Chart" button stands above them)."""
    return labels(call)[-1]


def page_count(call) -> int:
    found = re.search(r"\(page 1 of (\d+)\)", call.text)
    assert found, call.text[:200]
    return int(found.group(1))


async def test_league_pages_forward_and_back_by_editing_in_place(api, bot):
    sent = await api.reply_to(api.private("/league"))
    n = page_count(sent)
    assert n >= 3
    assert labels(sent) == [["Chart"], [f"1/{n}", "Next ›"]]
    assert all(len(b["callback_data"].encode()) <= CALLBACK_DATA_LIMIT for b in sent.buttons)
    query = api.press(sent, "Next ›")
    (edit,) = await api.wait_for("editMessageText")
    assert edit.chat_id == 1001 and int(edit.params["message_id"]) == sent.result_message_id
    assert f"(page 2 of {n})" in edit.text and edit.params["parse_mode"] == "HTML"
    assert page_row(edit) == ["‹ Prev", f"2/{n}", "Next ›"]
    answered = await api.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query)
    assert "text" not in answered[0].params  # a silent acknowledgement
    api.press(sent, "Next ›")
    edits = await api.wait_for("editMessageText", count=2)
    assert f"(page 3 of {n})" in edits[1].text
    api.press(sent, "‹ Prev")
    edits = await api.wait_for("editMessageText", count=3)
    assert f"(page 2 of {n})" in edits[2].text
    assert api.calls_to("sendMessage", 1001) == [sent]  # one message, edited; never a new one


async def test_the_last_page_has_no_next(api, bot):
    sent = await api.reply_to(api.private("/league crc"))
    n = page_count(sent)
    api.press(sent, "", data=sent.button("Next ›")["callback_data"].replace(":1:", f":{n - 1}:"))
    (edit,) = await api.wait_for("editMessageText")
    assert f"(page {n} of {n})" in edit.text
    assert page_row(edit) == ["‹ Prev", f"{n}/{n}"]


async def test_page_label_does_nothing(api, bot):
    sent = await api.reply_to(api.private("/league"))
    query = api.press(sent, f"1/{page_count(sent)}")
    await api.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query)
    await api.settle()
    assert api.calls_to("editMessageText") == []


async def test_page_buttons_work_after_a_restart(api, recorded):
    """The button's data is all the bot needs: a new process, with no memory of the message, pages on."""
    async with running_bot(make_settings(api), recorded):
        sent = await api.reply_to(api.private("/league"))
    async with running_bot(make_settings(api), recorded):
        api.press(sent, "Next ›")
        (edit,) = await api.wait_for("editMessageText")
        assert f"(page 2 of {page_count(sent)})" in edit.text


async def test_choice_button_replaces_the_choices_with_the_answer(api, bot):
    sent = await api.reply_to(api.private("how did Wales do?"))
    choices = [row[0] for row in labels(sent)]
    assert len(choices) >= 2 and all(len(row) == 1 for row in labels(sent))
    api.press(sent, "NPS Wales")
    (edit,) = await api.wait_for("editMessageText")
    # nps-wales-2019: Good
    assert "<b>Wales Division, National Probation Service</b>" in edit.text and "<b>Good</b>" in edit.text
    # The choices are gone (a private chat gets the full answer at once); what is left is the offer to follow.
    assert labels(edit) == [["🔔 Follow"]]


async def test_choice_in_a_group_stays_compact(api, bot):
    sent = await api.reply_to(api.group(f"@{BOT_USERNAME} how did Wales do?"))
    api.press(sent, "Wales CRC", user_id=2001)
    (edit,) = await api.wait_for("editMessageText")
    assert edit.chat_id == GROUP_ID
    # wales-crc-2019: Requires improvement
    assert "Wales Community Rehabilitation Company" in edit.text and "Requires improvement" in edit.text
    # A group's short answer: a link to the full one in private, and the offer to follow.
    assert ["Full answer in private"] in labels(edit) and "What inspectors found" not in edit.text


async def test_group_answer_has_more_and_a_private_link(api, bot):
    sent = await api.reply_to(api.group(f"/league@{BOT_USERNAME}"))
    assert labels(sent) == [["More"], ["Full answer in private"], ["Chart"]]
    link = sent.button("Full answer in private")["url"]
    assert link.startswith(f"https://t.me/{BOT_USERNAME}?start=")
    api.press(sent, "More", user_id=2002)  # anyone in the group may page a shared answer
    (edit,) = await api.wait_for("editMessageText")
    assert edit.text != sent.text and int(edit.params["message_id"]) == sent.result_message_id
    assert labels(edit)[0] == ["‹ Back", "More"]
    api.press(sent, "More", user_id=2003)
    edits = await api.wait_for("editMessageText", count=2)
    assert edits[1].text not in (sent.text, edit.text)


async def test_more_detail_buttons_from_before_still_show_the_full_answer(api, bot):
    sent = await api.reply_to(api.group(f"/league@{BOT_USERNAME}"))
    api.press(sent, "", data="m:/league", user_id=2002)
    (edit,) = await api.wait_for("editMessageText")
    n = page_count(edit)
    assert n > 1 and page_row(edit) == [f"1/{n}", "Next ›"]


async def test_unknown_button_data_gets_a_short_notice(api, bot):
    sent = await api.reply_to(api.private("/league"))
    for data in ("zz:what", "p:1:" + "x" * 60, "p:notanumber:/league all"):
        api.press(sent, "", data=data)
    calls = await api.wait_for("answerCallbackQuery", count=3)
    assert all(c.params["text"] == "This button no longer works. Please ask the question again." for c in calls)
    assert api.calls_to("editMessageText") == []


async def test_stale_ref_keeps_the_message(api, bot):
    """A ref the engine no longer knows (the data changed) gives a notice, not a broken message."""
    sent = await api.reply_to(api.private("/league"))
    api.press(sent, "", data="p:1:/inspection #00000000")
    (answered,) = await api.wait_for("answerCallbackQuery")
    assert "no longer works" in answered.params["text"]
    assert api.calls_to("editMessageText") == []


async def test_pressing_the_page_shown_is_not_an_error(api, bot, caplog):
    """Telegram refuses an edit that changes nothing ("message is not modified"); that is fine, and the press is
    still answered (once, in time: the fake server refuses a second or late answer as "query is too old")."""
    sent = await api.reply_to(api.private("/league"))
    data = sent.button("Next ›")["callback_data"].replace(":1:", ":0:")  # page 1, which is on screen
    query = api.press(sent, "", data=data)
    (edit,) = await api.wait_for("editMessageText", ok_only=False)
    assert edit.status == 400
    (answered,) = await api.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query)
    assert answered.status == 200
    await api.settle()
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []
