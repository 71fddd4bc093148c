"""In a group, the bot answers only what is addressed to it, and nothing that merely looks close.

Each silence is paired with an answer to the nearest message that *is* addressed to the bot, so a
bot that never answered could not pass. The bot runs the real engine over the real knowledge base.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from tests.bot.fake_bot_api import BOT_ID, BOT_USERNAME, GROUP_ID, FakeBotApi

pytestmark = pytest.mark.e2e

OTHER_BOT = {"id": 777001, "is_bot": True, "first_name": "Other bot", "username": "OtherHelperBot"}
_ids = itertools.count(50_000)


def message_from(api: FakeBotApi, sender: dict[str, Any], text: str) -> dict[str, Any]:
    """A message ``sender`` posted in the group earlier (not queued: only replied to)."""
    return {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": api.chat(GROUP_ID),
        "from": sender,
        "text": text,
    }


async def assert_silent(api: FakeBotApi, *asked: dict[str, Any]) -> None:
    await api.settle()
    ids = {m["message_id"] for m in asked}
    answered = [
        c
        for c in api.calls_to("sendMessage", GROUP_ID)
        if (c.params.get("reply_parameters") or {}).get("message_id") in ids
    ]
    assert answered == [], [c.text[:80] for c in answered]


async def assert_answered_about(api: FakeBotApi, asked: dict[str, Any], name: str) -> None:
    sent = await api.reply_to(asked)
    assert name in sent.text and '<a href="http' in sent.text


async def test_a_reply_to_another_bot_is_not_for_us(api, real_bot):
    theirs = message_from(api, OTHER_BOT, "Weather today: rain")
    asked = api.group("and how did Sheffield do?", reply_to=theirs)
    await assert_silent(api, asked)
    ours = message_from(api, {**api.bot_user}, "Sheffield PDU ...")
    await assert_answered_about(api, api.group("and how did Sheffield do?", reply_to=ours), "Sheffield")


async def test_a_reply_to_a_person_is_not_for_us(api, real_bot):
    person = message_from(api, api.user(2002), "I read the Sheffield report")
    await assert_silent(api, api.group("how did Sheffield do?", reply_to=person))


async def test_a_reply_inside_a_forum_topic_the_bot_opened_is_not_a_reply_to_the_bot(api, real_bot):
    opening = {**message_from(api, {**api.bot_user}, ""), "forum_topic_created": {"name": "Bot", "icon_color": 1}}
    opening.pop("text")
    await assert_silent(api, api.group("how did Sheffield do?", reply_to=opening))


async def test_a_command_for_us_in_the_middle_of_a_message_is_not_a_command(api, real_bot):
    asked = api.group(f"yesterday I typed /league@{BOT_USERNAME} and it worked")
    await assert_silent(api, asked)
    await assert_answered_about(api, api.group(f"/inspection@{BOT_USERNAME} Sheffield"), "Sheffield")


async def test_a_longer_username_is_not_our_name(api, real_bot):
    await assert_silent(
        api,
        api.group(f"@{BOT_USERNAME}XYZ how did Sheffield do?"),
        api.group(f"/inspection@{BOT_USERNAME}XYZ Sheffield"),
        api.group(f"@X{BOT_USERNAME} how did Sheffield do?"),
    )
    await assert_answered_about(api, api.group(f"@{BOT_USERNAME.lower()} how did Sheffield do?"), "Sheffield")


async def test_a_text_mention_counts_only_when_it_is_the_bot(api: FakeBotApi, real_bot: Any) -> None:
    def mention(user: dict[str, Any]) -> dict[str, Any]:
        message = api.make_message("Probation Bot how did Sheffield do?", chat_id=GROUP_ID)
        message["entities"] = [{"type": "text_mention", "offset": 0, "length": 13, "user": user}]
        api.push({"message": message})
        return message

    await assert_silent(api, mention(api.user(2002)))
    await assert_answered_about(api, mention({**api.bot_user, "id": BOT_ID}), "Sheffield")


async def test_a_command_for_another_bot_is_left_alone_even_in_a_reply_to_us(api, real_bot):
    """``/league@OtherBot`` belongs to the other bot whatever it replies to (the README promises the bot
    ignores it); any other reply to us is ours."""
    ours = message_from(api, {**api.bot_user}, "Sheffield PDU ...")
    await assert_silent(
        api,
        api.group("/league@OtherHelperBot", user_id=2003),
        api.group("/league@OtherHelperBot crc", user_id=2003, reply_to=ours),
    )
    await assert_answered_about(api, api.group("how did Doncaster do?", reply_to=ours), "Doncaster")
