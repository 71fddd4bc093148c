"""Who gets answered, how, and who does not: private chats, group commands, mentions, replies, chatter.

The bot is the real Application polling the fake Bot API server over HTTP, answering with the real
engine over the real knowledge base; ``recorded.asked`` is what the bot asked the engine. Facts are
copied by hand from ``knowledge/data/inspections.csv`` (pdu-sheffield-2024: Inadequate).
"""

from __future__ import annotations

import logging

import pytest

from bot.app import ALLOWED_UPDATES
from bot.follow import FOLLOW_COMMANDS
from responses import COMMANDS
from tests.bot.conftest import eventually, make_settings, running_bot
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID

pytestmark = pytest.mark.e2e


async def test_commands_are_registered_on_start(api, bot):
    (call,) = await api.wait_for("setMyCommands")
    assert [(c["command"], c["description"]) for c in call.params["commands"]] == list(COMMANDS) + FOLLOW_COMMANDS
    # and polling asks only for the updates the bot handles
    polls = await api.wait_for("getUpdates")
    assert polls[0].params["allowed_updates"] == ALLOWED_UPDATES


async def test_private_question_is_answered_as_a_reply_in_html(api, bot, recorded):
    asked = api.private("how did Sheffield PDU do?")
    call = await api.reply_to(asked)
    assert call.params["parse_mode"] == "HTML"
    assert call.text.startswith("<b>Sheffield Probation Delivery Unit</b>")
    assert "Latest rating: <b>Inadequate</b>" in call.text and '<a href="https://' in call.text
    assert "What inspectors found" in call.text  # the full answer in a private chat
    assert call.params["reply_parameters"] == {"message_id": asked["message_id"], "allow_sending_without_reply": True}
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert recorded.asked == [("how did Sheffield PDU do?", False)]  # full answers in private chats


async def test_private_command_reaches_the_engine_as_typed(api, bot, recorded):
    call = await api.reply_to(api.private("/inspection Sheffield PDU"))
    assert recorded.asked[-1] == ("/inspection Sheffield PDU", False)
    assert "Sheffield Probation Delivery Unit" in call.text


async def test_private_command_with_bot_name_is_cleaned(api, bot, recorded):
    call = await api.reply_to(api.private(f"/league@{BOT_USERNAME} crc"))
    assert recorded.asked[-1] == ("/league crc", False)
    assert "CRC" in call.text


async def test_unknown_command_in_private_still_gets_an_answer(api, bot, recorded):
    call = await api.reply_to(api.private("/nonsense"))
    assert recorded.asked[-1] == ("/nonsense", False)
    assert "/nonsense" in call.text  # quoted back, with a way forward


async def test_group_command_with_bot_name_is_answered_compactly(api, bot, recorded):
    asked = api.group(f"/inspection@{BOT_USERNAME} Sheffield PDU")
    call = await api.reply_to(asked)
    assert recorded.asked == [("/inspection Sheffield PDU", True)]
    assert call.chat_id == GROUP_ID
    assert "Latest rating: <b>Inadequate</b>" in call.text
    # A group's short answer links to the full one in a private chat.
    assert call.button("Full answer in private")["url"].startswith(f"https://t.me/{BOT_USERNAME}?start=")


async def test_group_command_without_bot_name_is_answered(api, bot, recorded):
    call = await api.reply_to(api.group("/latest"))
    assert recorded.asked == [("/latest", True)]
    assert '<a href="http' in call.text


async def test_group_mention_is_answered_without_the_mention(api, bot, recorded):
    asked = api.group(f"@{BOT_USERNAME} how did Sheffield PDU do?")
    call = await api.reply_to(asked)
    assert recorded.asked == [("how did Sheffield PDU do?", True)]
    assert "Sheffield" in call.text and "Inadequate" in call.text


async def test_mention_in_the_middle_of_a_sentence(api, bot, recorded):
    await api.reply_to(api.group(f"hey @{BOT_USERNAME}, what about Doncaster PDU?"))
    assert recorded.asked == [("hey what about Doncaster PDU?", True)]


async def test_reply_to_the_bots_message_is_answered(api, bot, recorded):
    first = await api.reply_to(api.group(f"@{BOT_USERNAME} Sheffield PDU"))
    bot_message = api.message_of(first)
    follow_up = api.group("and Doncaster PDU?", user_id=2002, reply_to=bot_message)
    call = await api.reply_to(follow_up)
    assert recorded.asked[-1] == ("and Doncaster PDU?", True)
    assert "Doncaster" in call.text


async def test_group_chatter_is_ignored(api, bot, recorded):
    someone = api.group("anyone going to the branch meeting?", user_id=2001)
    api.group("yes, see you there", user_id=2002, reply_to=someone)  # a reply, but not to the bot
    api.group("@SomeoneElse did you see the Sheffield report?")  # a mention, of someone else
    api.group("/league@SomeOtherBot")  # a command for another bot in the group
    api.group("how did Sheffield do?")  # a question, but not addressed to the bot
    await api.settle()
    assert api.calls_to("sendMessage", GROUP_ID) == []
    assert recorded.asked == []  # none of it reached the engine


async def test_edited_messages_and_non_text_are_ignored(api, bot):
    api.push(
        {
            "edited_message": {
                "message_id": 5,
                "date": 0,
                "edit_date": 1,
                "chat": api.chat(1001),
                "from": api.user(1001),
                "text": "how did Sheffield do?",
            }
        }
    )
    api.push(
        {
            "message": {
                "message_id": 6,
                "date": 0,
                "chat": api.chat(1001),
                "from": api.user(1001),
                "sticker": {
                    "file_id": "x",
                    "file_unique_id": "y",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                },
            }
        }
    )
    await api.settle()
    assert api.calls_to("sendMessage", 1001) == []


async def test_one_log_line_per_answered_update(api, bot, caplog):
    caplog.set_level(logging.INFO, logger="bot")
    await api.reply_to(api.private("how did Sheffield PDU do?"))
    await api.reply_to(api.group(f"/league@{BOT_USERNAME}"))

    def answered_lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.getMessage().startswith("answered ")]

    await eventually(lambda: len(answered_lines()) >= 2, what="two log lines")  # logged once Telegram has replied
    lines = answered_lines()
    assert len(lines) == 2
    assert lines[0].startswith("answered chat=private via=message intent=summary kind=answer pages=1 latency_ms=")
    assert lines[1].startswith("answered chat=supergroup via=message intent=league")
    assert all("Sheffield" not in line for line in lines)  # what people ask stays out of the log


async def test_stats_only_for_admins(api, recorded):
    async with running_bot(make_settings(api, admin_ids=frozenset({4242})), recorded):
        stats = await api.reply_to(api.private("/stats", user_id=4242))
        assert stats.text.startswith("Up 0h 0m.")
        assert "Answered 0" in stats.text
        assert "parse_mode" not in stats.params
        # anyone else's /stats is just a question for the engine
        await api.reply_to(api.private("/stats", user_id=1001))
        assert recorded.asked == [("/stats", False)]


async def test_each_chat_and_each_group_member_is_its_own_conversation(api, bot, recorded):
    """Follow-ups are matched per chat, and per user within a group, by a key the engine never logs."""
    await api.reply_to(api.private("how did Sheffield do?"))
    await api.reply_to(api.group(f"@{BOT_USERNAME} how did Leeds do?"))
    private_key, group_key = recorded.conversations[-2:]
    assert private_key and group_key and private_key != group_key
    assert group_key.startswith(f"{GROUP_ID}:")
