"""The handlers: one per behaviour, each a thin layer between a Telegram update and the engine.

The engine does all the understanding (it reads slash commands itself), so a handler only decides
*whether* to answer, cleans the text (``/league@ThisBot`` → ``/league``), asks, and puts the page on
screen with its keyboard. Which handler sees which update is wired in :mod:`bot.app`.
"""

from __future__ import annotations

import logging
import time

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot.addressing import question_text
from bot.callbacks import ButtonData
from bot.charts import send_chart
from bot.context import BotData, Context
from bot.delivery import NO_PREVIEW, edit_page, is_parse_error, reply_note, reply_page
from bot.guard import Verdict
from bot.keyboards import answer_keyboard, group_keyboard
from bot.views import deep_link, full_ref, group_view
from responses import NO_MATCH, Answer, Page

logger = logging.getLogger(__name__)

SLOW_DOWN = "That's a lot of questions from you at once, so I'll pause on yours for a minute. Please ask again shortly."
SLOW_DOWN_PRESSES = "That's a lot of button presses; please wait a moment."
STALE_BUTTON = "This button no longer works. Please ask the question again."
INLINE_HELP = "How to ask: open a chat with the bot"
#: How many inline results to offer, and how long Telegram may cache them (the data changes rarely).
INLINE_LIMIT = 5
INLINE_CACHE_SECONDS = 300

_GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)


def _log_answered(
    data: BotData, chat_type: str, answer: Answer, started: float, via: str, shown: Page | None = None
) -> None:
    """The one log line per answered update. Never the question text, names or ids: chats are private.
    With LOG_MESSAGES=1 the bot's own answer (what it showed) follows, for debugging."""
    latency_ms = (time.perf_counter() - started) * 1000
    data.stats.answered[chat_type] += 1
    data.stats.intents[answer.intent] += 1
    logger.info(
        "answered chat=%s via=%s intent=%s kind=%s pages=%d latency_ms=%.0f",
        chat_type,
        via,
        answer.intent,
        answer.kind,
        len(answer.pages),
        latency_ms,
    )
    if data.log_messages and shown is not None:
        logger.info("answer text (LOG_MESSAGES=1): %s", shown.text)


def _guard_key(chat_id: int, chat_type: str, sender_id: int | None) -> object:
    """Whose allowance a question counts against: the private chat, or one member of a group (so one busy
    member never silences the rest)."""
    return (chat_id, sender_id) if chat_type in _GROUP_TYPES else chat_id


def _message_key(message: Message) -> object:
    sender = message.from_user or message.sender_chat
    return _guard_key(message.chat.id, message.chat.type, sender.id if sender is not None else None)


async def _allowed(message: Message, context: Context, key: object) -> bool:
    """Count one question against ``key``'s allowance; over it, one short note (the first time) and then silence."""
    guard = context.bot_data.guard
    verdict = guard.check(key)
    if verdict is Verdict.WARN:
        logger.info("throttled chat=%s: over %d answers a minute; told to slow down", message.chat.type, guard.limit)
        await reply_note(message, SLOW_DOWN)
    elif verdict is Verdict.SILENT:
        logger.debug("throttled chat=%s: still over the limit; not answered", message.chat.type)
    return verdict is Verdict.ANSWER


def _private_link(context: Context, answer: Answer) -> str | None:
    ref = full_ref(answer)
    return deep_link(context.bot.username, context.bot_data.long_refs.payload(ref)) if ref else None


async def _reply_answer(message: Message, context: Context, answer: Answer, *, group: bool) -> Page:
    """Reply with the first page (private) or the first short piece (group); returns what was shown."""
    if not group:
        await reply_page(message, answer.pages[0], answer_keyboard(answer, 0))
        return answer.pages[0]
    data = context.bot_data
    pieces = group_view(data.engine, answer)
    markup = group_keyboard(answer, 0, len(pieces), _private_link(context, answer))
    if data.group_picture is None or not await data.group_picture(message, answer, pieces[0], markup):
        await reply_page(message, pieces[0], markup)
    return pieces[0]


def conversation_key(message: Message) -> str:
    """Whose follow-ups belong together: the chat, and in a group each user on their own (never logged)."""
    user = message.from_user
    if message.chat.type in _GROUP_TYPES and user is not None:
        return f"{message.chat.id}:{user.id}"
    return str(message.chat.id)


async def _answer_message(message: Message, context: Context, text: str) -> None:
    """Answer ``text`` as a reply to ``message``, unless its sender has asked too much this minute."""
    started = time.perf_counter()
    chat = message.chat
    data = context.bot_data
    if not await _allowed(message, context, _message_key(message)):
        return
    group = chat.type in _GROUP_TYPES
    answer = data.engine.ask(
        question_text(text, context.bot.username), compact=group, conversation=conversation_key(message)
    )
    if await send_chart(message, context, answer):  # a chart request: the picture is the answer
        _log_answered(data, chat.type, answer, started, via="chart")
        return
    shown = await _reply_answer(message, context, answer, group=group)
    _log_answered(data, chat.type, answer, started, via="message", shown=shown)


async def on_question(update: Update, context: Context) -> None:
    """A question for the bot: a known command in any chat (``/league@ThisBot`` in groups), any text in a
    private chat, or a group message that mentions the bot or replies to it. Which messages count is the
    handlers' filters' business (``bot.app.add_handlers``); all other group chatter never gets here."""
    message = update.effective_message
    if message is not None and message.text:
        await _answer_message(message, context, message.text)


async def on_start_link(update: Update, context: Context) -> None:
    """``/start <payload>`` in a private chat: someone tapped "Full answer in private" under a group answer.
    Show that whole answer here; a payload we cannot read (or one from inline mode) gets the welcome."""
    message = update.effective_message
    if message is None or not message.text:
        return
    ref = context.bot_data.long_refs.ref(context.args[0] if context.args else None)
    if ref is None:
        await _answer_message(message, context, "/start")
        return
    started = time.perf_counter()
    data = context.bot_data
    if not await _allowed(message, context, _message_key(message)):  # a link tapped again and again counts too
        return
    answer = data.engine.from_ref(ref)
    shown = await _reply_answer(message, context, answer, group=False)
    _log_answered(data, message.chat.type, answer, started, via="start_link", shown=shown)


# -- buttons -----------------------------------------------------------------------------------


async def _button_allowed(update: Update, context: Context) -> bool:
    """A press edits a message in place, so it is not a question and does not use the presser's
    allowance of questions; only a person pressing very fast gets a short notice (from their own
    allowance of presses: anyone in a group may page a shared answer, and nobody else is held back)."""
    query = update.callback_query
    assert query is not None
    if context.bot_data.presses.check(query.from_user.id) is Verdict.ANSWER:
        return True
    await query.answer(SLOW_DOWN_PRESSES)
    return False


async def _show(update: Update, context: Context, ref: str, page: int, compact: bool, via: str) -> None:
    """Redraw the pressed button's message as page ``page`` of the answer ``ref`` re-created by the engine
    (in a group's short pieces when ``compact``)."""
    started = time.perf_counter()
    query = update.callback_query
    assert query is not None
    if not await _button_allowed(update, context):
        return
    answer = context.bot_data.engine.from_ref(ref, compact=compact)
    if answer.kind == NO_MATCH:
        # A stale ref (the data changed since the button was made): keep the message, tell the presser.
        await query.answer(STALE_BUTTON)
        return
    if isinstance(query.message, Message) and await send_chart(query.message, context, answer):
        await query.answer()  # a choice between bodies for a chart: send the picture, keep the choices
        return
    if compact:
        pieces = group_view(context.bot_data.engine, answer)
        page = max(0, min(page, len(pieces) - 1))
        shown = pieces[page]
        await edit_page(query, shown, group_keyboard(answer, page, len(pieces), _private_link(context, answer)))
    else:
        page = max(0, min(page, len(answer.pages) - 1))
        shown = answer.pages[page]
        await edit_page(query, shown, answer_keyboard(answer, page))
    await query.answer()
    chat_type = query.message.chat.type if query.message is not None else "inline"
    _log_answered(context.bot_data, chat_type, answer, started, via=via, shown=shown)


def _button(update: Update) -> ButtonData:
    assert update.callback_query is not None
    data = ButtonData.decode(update.callback_query.data)
    assert data is not None  # the handler's pattern only lets decodable data through
    return data


async def on_page_button(update: Update, context: Context) -> None:
    """‹ Prev / Next ›: show another page of the same answer, in place."""
    data = _button(update)
    await _show(update, context, data.ref, data.page, data.compact, via="page")


async def on_choice_button(update: Update, context: Context) -> None:
    """One of several organisations a name matched: replace the choices with that one's answer."""
    data = _button(update)
    await _show(update, context, data.ref, 0, data.compact, via="choice")


async def on_more_button(update: Update, context: Context) -> None:
    """ "More detail" under a compact group answer: show the full answer, in place."""
    data = _button(update)
    await _show(update, context, data.ref, 0, False, via="more")


async def on_ask_button(update: Update, context: Context) -> None:
    """An example question under the welcome: answer it in a new message, as if the presser had asked it.
    A new message is a question, so it counts against the presser's allowance."""
    query = update.callback_query
    assert query is not None
    message = query.message
    if not isinstance(message, Message):  # an inline message, or one too old to reply to
        await query.answer(STALE_BUTTON)
        return
    started = time.perf_counter()
    data = context.bot_data
    group = message.chat.type in _GROUP_TYPES
    if data.guard.check(_guard_key(message.chat.id, message.chat.type, query.from_user.id)) is not Verdict.ANSWER:
        await query.answer(SLOW_DOWN)  # a notice to the presser alone, not a message to the chat
        return
    await query.answer()
    answer = data.engine.from_ref(_button(update).ref, compact=group)
    shown = await _reply_answer(message, context, answer, group=group)
    _log_answered(data, message.chat.type, answer, started, via="example", shown=shown)


async def on_label_button(update: Update, context: Context) -> None:
    """The "2/5" between the page buttons: nothing to do but stop the client's spinner."""
    assert update.callback_query is not None
    await update.callback_query.answer()


async def on_unknown_button(update: Update, context: Context) -> None:
    """Data this bot cannot read (an older version's buttons, or tampering): say so briefly."""
    assert update.callback_query is not None
    await update.callback_query.answer(STALE_BUTTON)


# -- inline mode -------------------------------------------------------------------------------


def _article(index: int, answer: Answer, *, plain: bool = False) -> InlineQueryResultArticle:
    page = answer.pages[0]
    content = (
        InputTextMessageContent(page.text, parse_mode=None, link_preview_options=NO_PREVIEW)
        if plain
        else InputTextMessageContent(page.html, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
    )
    return InlineQueryResultArticle(
        id=str(index),
        title=answer.title or answer.question,
        description=answer.description or None,
        input_message_content=content,
        reply_markup=answer_keyboard(answer, 0, examples=False),
    )


async def on_inline_query(update: Update, context: Context) -> None:
    """ "@ThisBot sheffield" in any chat: offer the engine's answers to insert."""
    started = time.perf_counter()
    inline_query = update.inline_query
    assert inline_query is not None
    answers = [a for a in context.bot_data.engine.inline(inline_query.query.strip(), limit=INLINE_LIMIT) if a.pages]
    button = None if answers else InlineQueryResultsButton(text=INLINE_HELP, start_parameter="inline")
    try:
        await inline_query.answer(
            [_article(i, a) for i, a in enumerate(answers)], cache_time=INLINE_CACHE_SECONDS, button=button
        )
    except BadRequest as exc:
        if not is_parse_error(exc):
            raise
        logger.warning("Telegram refused the HTML of an inline result (%s); offering plain text", exc.message)
        await inline_query.answer(
            [_article(i, a, plain=True) for i, a in enumerate(answers)], cache_time=INLINE_CACHE_SECONDS, button=button
        )
    data = context.bot_data
    data.stats.answered["inline"] += 1
    intent = answers[0].intent if answers else "none"
    data.stats.intents[intent] += 1
    logger.info(
        "answered chat=inline via=inline_query intent=%s results=%d latency_ms=%.0f",
        intent,
        len(answers),
        (time.perf_counter() - started) * 1000,
    )


# -- admin -------------------------------------------------------------------------------------


async def on_stats(update: Update, context: Context) -> None:
    """/stats for the ids in ADMIN_IDS (the filter in bot.app lets no one else in): counters since start."""
    message = update.effective_message
    assert message is not None
    stats = context.bot_data.stats
    uptime = int(time.monotonic() - stats.started)
    by_chat = ", ".join(f"{k} {v}" for k, v in sorted(stats.answered.items())) or "none"
    intents = ", ".join(f"{k} {v}" for k, v in stats.intents.most_common(8)) or "none"
    lines = [
        f"Up {uptime // 3600}h {uptime % 3600 // 60}m.",
        f"Answered {sum(stats.answered.values())}: {by_chat}.",
        f"Intents: {intents}.",
        f"Held back by the chat guard: {context.bot_data.guard.throttled}.",
        f"Errors: {stats.errors}; sends refused (bot blocked or removed): {stats.blocked}.",
    ]
    await reply_note(message, "\n".join(lines))
