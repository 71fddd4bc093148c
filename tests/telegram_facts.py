"""Facts of the Telegram Bot API that the tests hold the bot to, written down here from Telegram's
documentation (https://core.telegram.org/bots/api, https://core.telegram.org/bots/faq) and never
imported from the code under test: a test that took the limit from the code would pass whatever
the code's limit became.
"""

from __future__ import annotations

#: sendMessage / editMessageText: 1-4096 characters of text after entities parsing, counted in UTF-16 code units.
MESSAGE_TEXT_LIMIT = 4096
#: sendPhoto and the other media: 0-1024 characters of caption after entities parsing.
CAPTION_LIMIT = 1024
#: InlineKeyboardButton.callback_data: 1-64 bytes.
CALLBACK_DATA_LIMIT = 64
#: answerCallbackQuery text: 0-200 characters.
CALLBACK_ANSWER_LIMIT = 200
#: answerInlineQuery: at most 50 results; each result id 1-64 bytes.
INLINE_RESULTS_LIMIT = 50
INLINE_RESULT_ID_LIMIT = 64
#: BotCommand: command 1-32 characters of lowercase letters, digits and underscores; description 1-256 characters.
COMMAND_PATTERN = r"[a-z0-9_]{1,32}"
COMMAND_DESCRIPTION_LIMIT = 256
#: Telegram formats at most 100 entities in one message; past that a reader loses links and bold silently,
#: so the fake server refuses such a message outright.
ENTITY_LIMIT = 100
#: A callback query must be answered within about 15 seconds, or Telegram says "query is too old".
CALLBACK_ANSWER_SECONDS = 15

#: The tags of parse_mode HTML. <span> is allowed only as <span class="tg-spoiler">, <tg-emoji> only with an
#: emoji-id, <a> only with an href; nothing else is accepted.
HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
#: The only named character entities parse_mode HTML knows (numeric ones are all accepted).
HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

#: Flood limits from the Bot FAQ: about one message a second in one chat, 20 a minute in one group,
#: 30 a second overall. Past them Telegram answers 429 with parameters.retry_after.
PER_CHAT_PER_SECOND = 1
PER_GROUP_PER_MINUTE = 20
OVERALL_PER_SECOND = 30

#: The update kinds a bot can ask getUpdates/setWebhook for with allowed_updates.
UPDATE_KINDS = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
#: What Telegram sends when allowed_updates is not given: everything but these three.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
