"""The addressing rules one message at a time: which group messages are for the bot, and the question in them.

Messages are real ``telegram.Message`` objects made from the JSON Telegram would deliver, with the
entities Telegram's clients attach (``fake_bot_api.entities_for``); the bot is known to them only by
its id and username, which is all the rules read. The end-to-end tests (``test_addressing.py``)
show the same rules through the running Application; these are fast enough to run for every mutant.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import Message, Update

from bot.addressing import ADDRESSED_TO_BOT, is_reply_to_bot, mentions_bot, question_text
from tests.bot.fake_bot_api import BOT_ID, BOT_USERNAME, GROUP_ID, entities_for

OURS = {"id": BOT_ID, "is_bot": True, "first_name": "Probation Bot", "username": BOT_USERNAME}
OTHER_BOT = {"id": 777001, "is_bot": True, "first_name": "Other", "username": "OtherHelperBot"}
PERSON = {"id": 2001, "is_bot": False, "first_name": "Sam"}
CHAT = {"id": GROUP_ID, "type": "supergroup", "title": "Union reps"}


def message(
    text: str,
    *,
    reply_to: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    username: str | None = BOT_USERNAME,
) -> Message:
    data: dict[str, Any] = {
        "message_id": 7,
        "date": int(time.time()),
        "chat": CHAT,
        "from": PERSON,
        "text": text,
        "entities": entities if entities is not None else entities_for(text),
    }
    if reply_to is not None:
        data["reply_to_message"] = reply_to
    msg = Message.de_json(data, None)
    # A stand-in for telegram.Bot, which only learns its own id and username from a getMe call over the
    # network; the addressing rules read nothing else from it. Its type is not Bot, hence the ignore.
    msg.set_bot(SimpleNamespace(id=BOT_ID, username=username))  # type: ignore[arg-type]
    return msg


def earlier(sender: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"message_id": 3, "date": int(time.time()), "chat": CHAT, "from": sender, "text": "earlier", **extra}


def addressed(msg: Message) -> bool:
    return bool(ADDRESSED_TO_BOT.check_update(Update(update_id=1, message=msg)))


@pytest.mark.parametrize(
    "text",
    [
        f"@{BOT_USERNAME} how did Leeds do?",
        f"hey @{BOT_USERNAME}, Leeds?",
        f"@{BOT_USERNAME.lower()} Leeds",
        f"@{BOT_USERNAME.upper()} Leeds",
        f"/league@{BOT_USERNAME}",
        f"/league@{BOT_USERNAME.lower()} crc",
    ],
)
def test_mentions_and_named_commands_are_for_us(text):
    assert mentions_bot(message(text)) and addressed(message(text))


@pytest.mark.parametrize(
    "text",
    [
        "how did Leeds do?",
        "@SomeoneElse how did Leeds do?",
        f"@{BOT_USERNAME}XYZ how did Leeds do?",
        f"@X{BOT_USERNAME} how did Leeds do?",
        f"@{BOT_USERNAME[:-1]} how did Leeds do?",
        f"/league@{BOT_USERNAME}XYZ",
        "/league@OtherHelperBot",
        f"I typed /league@{BOT_USERNAME} yesterday",
        "/league",  # a bare command is the command handler's business, not a mention
        f"mail x@{BOT_USERNAME}.org",
    ],
)
def test_other_names_and_commands_elsewhere_are_not(text):
    assert not mentions_bot(message(text)) and not addressed(message(text))


def test_a_text_mention_of_the_bot_counts_and_of_anyone_else_does_not():
    def mention(user: dict[str, Any]) -> Message:
        return message(
            "Probation Bot, Leeds?", entities=[{"type": "text_mention", "offset": 0, "length": 13, "user": user}]
        )

    assert mentions_bot(mention(OURS)) and addressed(mention(OURS))
    assert not mentions_bot(mention(PERSON)) and not addressed(mention(PERSON))
    assert not mentions_bot(mention({**PERSON, "id": BOT_ID + 1, "is_bot": True}))


def test_a_bot_without_a_username_matches_no_mention():
    assert not mentions_bot(message("@ab Leeds", username=None))
    assert not mentions_bot(
        message("@XXXX Leeds", username=None, entities=[{"type": "mention", "offset": 0, "length": 5}])
    )
    assert not mentions_bot(message("/league@", username=None))


def test_only_replies_to_our_own_messages_count():
    assert is_reply_to_bot(message("and Leeds?", reply_to=earlier(OURS)))
    assert addressed(message("and Leeds?", reply_to=earlier(OURS)))
    assert not is_reply_to_bot(message("and Leeds?", reply_to=earlier(OTHER_BOT)))
    assert not addressed(message("and Leeds?", reply_to=earlier(OTHER_BOT)))
    assert not is_reply_to_bot(message("and Leeds?", reply_to=earlier(PERSON)))
    assert not is_reply_to_bot(message("and Leeds?"))


def test_a_command_for_another_bot_is_theirs_even_in_a_reply_to_us():
    assert not addressed(message("/league@OtherHelperBot crc", reply_to=earlier(OURS)))
    assert not addressed(message(f"/league@{BOT_USERNAME}x", reply_to=earlier(OURS)))
    assert addressed(message(f"/league@{BOT_USERNAME.lower()} crc", reply_to=earlier(OURS)))
    assert addressed(message("/league crc", reply_to=earlier(OURS)))  # no name: ours, as a reply to us
    assert addressed(message("see /league@OtherHelperBot", reply_to=earlier(OURS)))  # not a command: a reply


def test_a_reply_in_a_forum_topic_the_bot_opened_is_not_a_reply_to_the_bot():
    opening = earlier(OURS, forum_topic_created={"name": "Questions", "icon_color": 1})
    assert not is_reply_to_bot(message("Leeds?", reply_to=opening))
    assert not addressed(message("Leeds?", reply_to=opening))


def test_a_reply_to_a_message_without_a_sender_is_not_to_us():
    anonymous = earlier(OURS)
    anonymous.pop("from")
    assert not is_reply_to_bot(message("Leeds?", reply_to=anonymous))


@pytest.mark.parametrize(
    "text, question",
    [
        (f"/league@{BOT_USERNAME} crc", "/league crc"),
        (f"/LEAGUE@{BOT_USERNAME.lower()}", "/LEAGUE"),
        (f"  /league@{BOT_USERNAME}   crc  ", "/league crc"),
        (f"/league@{BOT_USERNAME}XYZ crc", f"/league@{BOT_USERNAME}XYZ crc"),  # not our name: left alone
        (f"see /league@{BOT_USERNAME}", f"see /league@{BOT_USERNAME}"),  # only a leading command is cleaned
        (f"@{BOT_USERNAME}: how did Leeds do?", "how did Leeds do?"),
        (f"@{BOT_USERNAME.lower()} how did Leeds do?", "how did Leeds do?"),
        ("X", "X"),  # a one-letter question is still a question, not a call for help
        (f"@{BOT_USERNAME}, Leeds", "Leeds"),
        (f"Leeds @{BOT_USERNAME}", "Leeds"),
        (f"ask @{BOT_USERNAME}XYZ about Leeds", f"ask @{BOT_USERNAME}XYZ about Leeds"),
        (f"ask @{BOT_USERNAME}_two about Leeds", f"ask @{BOT_USERNAME}_two about Leeds"),
        (f"@{BOT_USERNAME} @{BOT_USERNAME} Leeds", "Leeds"),
        (f"@{BOT_USERNAME} !?", "/help"),
        ("...", "/help"),
        ("", "/help"),
        ("Leeds?", "Leeds?"),
        ("a\tb\n\nc", "a b c"),
    ],
)
def test_the_question_in_a_message(text, question):
    assert question_text(text, BOT_USERNAME) == question


def test_without_a_username_only_spacing_is_tidied():
    assert question_text(f"  @{BOT_USERNAME}  Leeds ", None) == f"@{BOT_USERNAME} Leeds"
    assert question_text(f"/league@{BOT_USERNAME}", "") == f"/league@{BOT_USERNAME}"
