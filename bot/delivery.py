"""Putting a page of an answer on screen: as a reply, or by editing a message in place.

Answers are written in Telegram's HTML subset. If Telegram still refuses a page with 400 "can't
parse entities" (a stray ``<`` in a source title, say), the person should get the answer anyway,
so we send the same page's plain-text rendering instead. Pressing a page button that shows the page
already on screen makes Telegram answer 400 "message is not modified", which is not a failure.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

from responses import Page

logger = logging.getLogger(__name__)

#: Answers cite several links; previews of the first one would bury the answer.
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def is_parse_error(exc: BadRequest) -> bool:
    """Telegram rejected the message's HTML."""
    return "can't parse entities" in exc.message.lower()


def is_not_modified(exc: BadRequest) -> bool:
    """An edit that would change nothing."""
    return "message is not modified" in exc.message.lower()


def _reply_to(message: Message) -> ReplyParameters:
    # If the question was deleted meanwhile, answer anyway rather than fail.
    return ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)


async def reply_page(message: Message, page: Page, markup: InlineKeyboardMarkup | None) -> Message:
    """Send ``page`` as a reply to ``message``, falling back to plain text if the HTML is refused."""
    try:
        return await message.reply_text(
            page.html,
            parse_mode=ParseMode.HTML,
            reply_parameters=_reply_to(message),
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:
        if not is_parse_error(exc):
            raise
        logger.warning("Telegram refused the HTML of a page (%s); sending it as plain text", exc.message)
        return await message.reply_text(
            page.text,
            parse_mode=None,
            reply_parameters=_reply_to(message),
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )


async def reply_note(message: Message, text: str) -> Message:
    """Send a short plain-text note (slow down, sorry) as a reply to ``message``."""
    return await message.reply_text(text, parse_mode=None, reply_parameters=_reply_to(message))


async def edit_page(query: CallbackQuery, page: Page, markup: InlineKeyboardMarkup | None) -> None:
    """Show ``page`` in the message the pressed button belongs to (chat or inline message)."""
    try:
        await query.edit_message_text(
            page.html, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )
        return
    except BadRequest as exc:
        if is_not_modified(exc):
            return
        if not is_parse_error(exc):
            raise
        logger.warning("Telegram refused the HTML of a page (%s); showing it as plain text", exc.message)
    try:
        await query.edit_message_text(page.text, parse_mode=None, reply_markup=markup, link_preview_options=NO_PREVIEW)
    except BadRequest as exc:
        if not is_not_modified(exc):
            raise
