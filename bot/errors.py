"""The error handler: log every failure once, tell a waiting person in one line, and carry on.

python-telegram-bot calls this for any exception raised while handling an update (and for errors
while fetching updates, with ``update`` None); the application keeps processing the next update
whatever happens here. What is *not* done here, and where it is:

* 429 Too Many Requests is retried after ``retry_after`` by the ``AIORateLimiter`` (a bounded
  number of times, see ``bot.app``); only a 429 that outlasts those retries arrives here.
* 400 "can't parse entities" is answered with plain text in ``bot.delivery``.

A 403 (a user blocked the bot, or it was removed from a group) cannot be cured by retrying, and
replying to say sorry would only fail the same way, so it is logged as one line and dropped.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError

from bot.context import Context
from bot.delivery import reply_note
from bot.follow import forget_blocked

logger = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong while answering that. Please try again in a moment."
SORRY_BUTTON = "Sorry, that didn't work. Please try again."


def _describe(update: object) -> str:
    """Where the failure happened, without the message text or user names."""
    if not isinstance(update, Update):
        return "outside any update" if update is None else type(update).__name__
    chat = update.effective_chat
    kind = next(
        (
            name
            for name in ("message", "callback_query", "inline_query", "edited_message")
            if getattr(update, name) is not None
        ),
        "update",
    )
    return f"update {update.update_id} ({kind}, chat={chat.type if chat else 'none'})"


async def on_error(update: object, context: Context) -> None:
    """Log ``context.error``; apologise once to whoever is waiting, if anyone is and can be reached."""
    error = context.error
    where = _describe(update)
    stats = context.bot_data.stats
    stats.errors += 1

    if isinstance(error, Forbidden):
        stats.blocked += 1
        logger.warning("not delivered, and not retried: %s: %s", where, error.message)
        if isinstance(update, Update) and update.effective_chat is not None:
            forget_blocked(context.bot_data, update.effective_chat.id, context.bot.token)
        return
    if isinstance(error, RetryAfter):
        logger.warning("still rate limited by Telegram after retrying: %s: %s", where, error.message)
        return  # sending an apology now would only be refused too
    if isinstance(error, NetworkError) and update is None:
        logger.warning("network trouble while fetching updates (will retry): %s", error.message)
        return
    logger.error("failed to handle %s", where, exc_info=error)

    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(SORRY_BUTTON)
        elif update.effective_message is not None:
            await reply_note(update.effective_message, SORRY)
    except TelegramError as exc:
        # The apology failed too (the network is down, say): logging it is all that is left.
        logger.warning("could not tell the person about the failure: %s", exc.message)
