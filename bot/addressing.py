"""Which group messages are meant for the bot, and what the question in them is.

In a busy group the bot must speak only when spoken to: a command (``/league``, or
``/league@ThisBot`` when several bots share the group), a message that mentions it, or a reply to
one of its own messages. These are exactly the messages Telegram delivers to a bot with privacy
mode on, so the bot behaves the same whichever way privacy is set.
"""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.ext import filters


def _bot_identity(message: Message) -> tuple[int, str]:
    bot = message.get_bot()
    return bot.id, (bot.username or "").lower()


def is_reply_to_bot(message: Message) -> bool:
    """Whether ``message`` replies to one of the bot's own messages.

    In forum topics every message "replies" to the topic's first service message; that is not a
    reply to the bot, even if the bot happened to open the topic.
    """
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return False
    bot_id, _ = _bot_identity(message)
    return replied.from_user is not None and replied.from_user.id == bot_id


def mentions_bot(message: Message) -> bool:
    """Whether ``message`` @mentions the bot or is a command addressed to it by name (``/x@ThisBot``)."""
    bot_id, username = _bot_identity(message)
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION, MessageEntity.BOT_COMMAND])
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and text[1:].lower() == username:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id:
            return True
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0 and text.lower().endswith("@" + username):
            return True
    return False


def commands_another_bot(message: Message) -> bool:
    """Whether ``message`` starts with a command addressed by name to another bot (``/league@OtherBot``),
    which is that bot's to answer even when it replies to ours."""
    _, username = _bot_identity(message)
    for entity, text in message.parse_entities([MessageEntity.BOT_COMMAND]).items():
        if entity.offset == 0 and "@" in text:
            return text.split("@", 1)[1].lower() != username
    return False


class _AddressedToBot(filters.MessageFilter):
    """Messages that mention the bot, address a command to it by name, or reply to it (unless they are
    a command for another bot)."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        return not commands_another_bot(message) and (is_reply_to_bot(message) or mentions_bot(message))


ADDRESSED_TO_BOT = _AddressedToBot(name="AddressedToBot")


def question_text(text: str, bot_username: str | None) -> str:
    """The question for the engine: ``/cmd@ThisBot args`` becomes ``/cmd args`` and ``@ThisBot`` is removed.

    A bare mention with nothing else becomes ``/help``, so "@ThisBot?" gets a useful reply.
    """
    if bot_username:
        name = re.escape(bot_username)
        text = re.sub(rf"^(/\w+)@{name}\b", r"\1", text.strip(), flags=re.IGNORECASE)
        text = re.sub(rf"(?<!\w)@{name}\b[,:]?", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text).strip()
    return text if text.strip("?!., ") else "/help"
