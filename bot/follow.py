"""Following: a chat asks to be told when the knowledge base gains news about a body, a region, a type.

``/follow NAME`` (resolved as questions are, with choices when the name fits several), ``/follow region
NAME``, ``/follow type pdu``, ``/follow all``; ``/unfollow`` the same (``/unfollow all`` stops
everything); ``/following`` lists them with a button to stop each; a "Follow" button sits under an
organisation's answer. In a group only its administrators (asked of Telegram with ``getChatMember``)
may change what it follows; anyone may list. What a chat follows is kept in :mod:`bot.state`; the news
itself is sent by :mod:`bot.reload` when a new knowledge base goes live.

Button data (at most 64 bytes, like :mod:`bot.callbacks`, whose formats these never collide with)::

    fo:o:<org short key> / fo:r:<region> / fo:t:<type code> / fo:a     follow
    uf:...                                                             stop following
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass, field

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import App, BotData, Context
from bot.delivery import reply_note
from bot.guard import Verdict
from bot.state import ALL, ORG, REGION, TYPE, Target
from knowledge.kb import KnowledgeBase
from knowledge.resolve import normalise
from responses import ANSWER, Answer, Engine
from responses.names import short_name
from responses.understand import find_region

logger = logging.getLogger(__name__)

CALLBACK_LIMIT = 64
FOLLOW_LABEL = "🔔 Follow"

#: The commands this module answers, for Telegram's command menu.
FOLLOW_COMMANDS: list[tuple[str, str]] = [
    ("follow", "Be told of new reports: /follow NAME | region NAME | type pdu | all"),
    ("unfollow", "Stop being told: /unfollow NAME | all"),
    ("following", "What this chat follows"),
]

#: Words people use for a type of body, and the type code they mean.
TYPE_WORDS: dict[str, str] = {
    "pdu": "pdu",
    "pdus": "pdu",
    "probation delivery unit": "pdu",
    "probation delivery units": "pdu",
    "crc": "crc",
    "crcs": "crc",
    "community rehabilitation company": "crc",
    "community rehabilitation companies": "crc",
    "nps": "nps",
    "nps division": "nps",
    "nps divisions": "nps",
    "division": "nps",
    "divisions": "nps",
    "region": "region",
    "regions": "region",
    "probation region": "region",
    "probation regions": "region",
    "yjs": "yjs",
    "yjss": "yjs",
    "youth": "yjs",
    "youth justice": "yjs",
    "youth justice service": "yjs",
    "youth justice services": "yjs",
    "yot": "yjs",
    "yots": "yjs",
    "youth offending team": "yjs",
    "youth offending teams": "yjs",
    "national": "national",
    "thematic": "national",
    "national reports": "national",
    "thematic reports": "national",
}
#: How each type reads in "this chat follows ...".
TYPE_PLURALS: dict[str, str] = {
    "pdu": "every PDU",
    "crc": "every CRC",
    "nps": "every NPS division",
    "region": "every inspection of a whole probation region",
    "yjs": "every youth justice service",
    "national": "every national report",
}
_ALL_WORDS = {"all", "everything", "every inspection", "all inspections", "all reports"}

USAGE = (
    "Tell me what to follow, for example:\n"
    "/follow Sheffield — one organisation\n"
    "/follow region Wales — everything in a region\n"
    "/follow type pdu — every PDU (or crc, nps, yjs, region)\n"
    "/follow all — every new report\n"
    "I'll post here when the knowledge base gains a new inspection of it, or a rating or date changes."
)
ADMINS_ONLY = "Only this group's administrators can change what it follows. Anyone can see the list with /following."
ADMINS_ONLY_SHORT = "Only this group's administrators can change what it follows."
CANNOT_CHECK = "I couldn't check who administers this group just now. Please try again in a moment."
CHOOSE = "That name fits more than one. Which should this chat follow?"
CHOOSE_STOP = "That name fits more than one. Which should this chat stop following?"
NOTHING_FOLLOWED = (
    "This chat follows nothing yet. Try /follow Sheffield, /follow region Wales, /follow type yjs or /follow all."
)
NO_CHAT = "Open a chat with me, or use this in a group, to follow it there."
STALE = "This button no longer works. Please use /follow again."


# -- what a target is called -------------------------------------------------------------------


def describe(target: Target, kb: KnowledgeBase) -> str:
    """How a target reads in a sentence: "Sheffield PDU", "everything in Wales", "every PDU", "everything"."""
    if target.kind == ORG:
        org = kb.organisation(target.value)
        return short_name(org.name) if org else target.value
    if target.kind == REGION:
        return f"everything in {target.value}"
    if target.kind == TYPE:
        return TYPE_PLURALS.get(target.value, target.value)
    return "every new report"


def encode(action: str, target: Target, kb: KnowledgeBase) -> str | None:
    """Button data for ``action`` ("fo" or "uf") on ``target``; None when it would not fit a button."""
    if target.kind == ORG:
        org = kb.organisation(target.value)
        if org is None:
            return None
        data = f"{action}:o:{org.short_key}"
    elif target.kind == ALL:
        data = f"{action}:a"
    else:
        data = f"{action}:{target.kind[0]}:{target.value}"
    ok = re.fullmatch(r"[\x20-\x7e]+", data) and len(data.encode()) <= CALLBACK_LIMIT
    return data if ok else None


def decode(data: object, kb: KnowledgeBase) -> tuple[str, Target] | None:
    """The action and target of a follow button, or None when it is not one (or names nothing now)."""
    if not isinstance(data, str):
        return None
    m = re.fullmatch(r"(fo|uf):(?:(a)|([ort]):(.+))", data)
    if m is None:
        return None
    action, everything, kind, value = m.groups()
    if everything:
        return action, Target(ALL)
    if kind == "o":
        org = kb.organisation_by_key(value)
        return (action, Target(ORG, org.org_id)) if org else None
    if kind == "r":
        return (action, Target(REGION, value)) if value in kb.regions else None
    return (action, Target(TYPE, value)) if value in TYPE_PLURALS else None


def is_follow_data(data: object) -> bool:
    """A ``CallbackQueryHandler`` pattern: data this module made."""
    return isinstance(data, str) and (data.startswith("fo:") or data.startswith("uf:"))


def follow_button(answer: Answer) -> InlineKeyboardButton | None:
    """The "Follow" button under an answer about one organisation (ref ``/inspection #key``), else None."""
    if answer.kind != ANSWER or answer.intent != "summary" or not answer.ref:
        return None
    m = re.fullmatch(r"/inspection #([0-9a-f]{8})", answer.ref)
    return InlineKeyboardButton(FOLLOW_LABEL, callback_data=f"fo:o:{m.group(1)}") if m else None


# -- from what a person typed to a target ----------------------------------------------------------


@dataclass
class Resolution:
    """What ``/follow TEXT`` names: one target, a choice between several, or nothing (with why)."""

    target: Target | None = None
    choices: list[Target] = field(default_factory=list)
    problem: str = ""


def _region(text: str, engine: Engine) -> str | None:
    regions = engine.kb.regions
    wanted = normalise(text)
    exact = [r for r in regions if normalise(r) == wanted]
    if exact:
        return exact[0]
    found = engine.understander.understand("/inspection " + text).region
    return found if found in regions else None


def resolve(text: str, engine: Engine) -> Resolution:
    """Read the argument of /follow or /unfollow: ``all``, ``region NAME``, ``type WORD``, or a name."""
    text = " ".join(text.split())[:200]
    words = normalise(text)
    if not words:
        return Resolution(problem=USAGE)
    if words in _ALL_WORDS:
        return Resolution(Target(ALL))
    head, _, rest = words.partition(" ")
    if head == "type" or (words in TYPE_WORDS and head != "region"):
        code = TYPE_WORDS.get(rest if head == "type" else words)
        if code is None:
            return Resolution(problem=f"I don't know that type. Try one of: {', '.join(sorted(TYPE_PLURALS))}.")
        return Resolution(Target(TYPE, code))
    if head == "region":
        region = _region(text.split(" ", 1)[1], engine) if rest else None
        if region is None:
            return Resolution(problem="I don't know that region. Regions I know: " + ", ".join(engine.kb.regions) + ".")
        return Resolution(Target(REGION, region))
    query = engine.understander.understand("/inspection " + text)
    # The region the words name, even where the name of a body also holds it ("Wales": Wales CRC, NPS
    # Wales and the Wales region are all offered): the parser leaves out a region that is part of a name.
    named = find_region(words, engine.understander.region_re, engine.understander.region_keys)
    region = named if named in engine.kb.regions else None
    if query.ambiguous is not None:
        options = [Target(ORG, org_id) for org_id in query.ambiguous.org_ids if org_id in engine.kb.organisations]
        return Resolution(choices=options + ([Target(REGION, region)] if region else []))
    if query.org_ids:
        org = engine.kb.organisation(query.org_ids[0])
        if region and org is not None and org.org_type in ("region", "nps"):
            return Resolution(choices=[Target(ORG, org.org_id), Target(REGION, region)])
        return Resolution(Target(ORG, query.org_ids[0]))
    if region:
        return Resolution(Target(REGION, region))
    return Resolution(
        problem=f"I couldn't find “{text[:60]}” to follow. Try a name as you would ask about it "
        f"(/follow Sheffield), /follow region Wales, /follow type pdu or /follow all."
    )


# -- who may change a group's follows --------------------------------------------------------------


async def may_change(context: Context, chat: Chat, user: User | None, sender_chat: Chat | None = None) -> bool | None:
    """True in a private chat, or for a group's administrator; None when Telegram could not be asked.

    A message an anonymous administrator sends on the group's behalf carries the group as its sender.
    """
    if chat.type == ChatType.PRIVATE:
        return True
    if sender_chat is not None and sender_chat.id == chat.id:
        return True
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        logger.warning("could not ask Telegram who administers a group: %s", exc.message)
        return None
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def chat_hash(chat_id: int, secret: str) -> str:
    """A stable stand-in for a chat id in logs: a keyed hash, so the id cannot be read back from it."""
    return hmac.new(secret.encode(), str(chat_id).encode(), hashlib.sha256).hexdigest()[:12]


def forget_blocked(data: BotData, chat_id: int, secret: str) -> None:
    """Telegram said 403 for this chat (blocked, or removed from the group): drop what it follows."""
    removed = data.state.forget_chat(chat_id)
    if removed:
        logger.info(
            "chat %s blocked the bot or removed it; its %d follow(s) were removed", chat_hash(chat_id, secret), removed
        )


# -- replies -----------------------------------------------------------------------------------


def _following_view(targets: list[Target], kb: KnowledgeBase) -> tuple[str, InlineKeyboardMarkup | None]:
    if not targets:
        return NOTHING_FOLLOWED, None
    lines = ["This chat follows:"] + [f"• {describe(t, kb)}" for t in targets]
    lines.append("Press a button to stop one.")
    rows = []
    for t in targets:
        data = encode("uf", t, kb)
        if data:
            rows.append([InlineKeyboardButton(f"Stop: {describe(t, kb)}"[:60], callback_data=data)])
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def _choices_markup(action: str, options: list[Target], kb: KnowledgeBase) -> InlineKeyboardMarkup | None:
    rows = []
    for t in options:
        data = encode(action, t, kb)
        if data:
            org = kb.organisation(t.value) if t.kind == ORG else None
            label = f"{short_name(org.name)} ({org.type_label})" if org else describe(t, kb)
            rows.append([InlineKeyboardButton(label[:60], callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


def _apply(data: BotData, kb: KnowledgeBase, chat_id: int, action: str, target: Target) -> str:
    """Make the change; the sentence that says what happened."""
    label = describe(target, kb)
    if action == "fo":
        if data.state.follow(chat_id, target):
            logger.info("follow added kind=%s", target.kind)
            return (
                f"Following {label}. I'll post here when the knowledge base gains a new inspection report "
                f"for it, or a rating or date changes. /following shows the list."
            )
        return f"This chat already follows {label}."
    if target.kind == ALL:
        removed = data.state.forget_chat(chat_id)
        logger.info("follows cleared count=%d", removed)
        return "Stopped following everything." if removed else "This chat wasn't following anything."
    if data.state.unfollow(chat_id, target):
        logger.info("follow removed kind=%s", target.kind)
        return f"Stopped following {label}."
    return f"This chat doesn't follow {label}. /following shows what it does follow."


async def _reply(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """A plain-text reply with buttons (the question may have been deleted meanwhile: answer anyway)."""
    await message.reply_text(
        text,
        parse_mode=None,
        reply_markup=markup,
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
    )


def _arguments(message: Message) -> str:
    """The text after the command (``/follow@ThisBot Sheffield`` -> ``Sheffield``)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def _guarded(message: Message, context: Context) -> bool:
    """The chat guard's word on this message (over the limit: no answer at all)."""
    return context.bot_data.guard.check(message.chat.id) is Verdict.ANSWER


async def _change_command(update: Update, context: Context, action: str) -> None:
    message = update.effective_message
    if message is None or not _guarded(message, context):
        return
    allowed = await may_change(context, message.chat, message.from_user, message.sender_chat)
    if not allowed:
        await reply_note(message, CANNOT_CHECK if allowed is None else ADMINS_ONLY)
        return
    data = context.bot_data
    engine = data.engine  # taken once: a reload may swap it while we wait on Telegram
    text = _arguments(message)
    if action == "uf" and not text:
        body, markup = _following_view(data.state.follows(message.chat.id), engine.kb)
        await _reply(message, body, markup)
        return
    found = resolve(text, engine)
    if found.problem:
        await reply_note(message, found.problem)
        return
    if found.choices:
        markup = _choices_markup(action, found.choices, engine.kb)
        await _reply(message, CHOOSE if action == "fo" else CHOOSE_STOP, markup)
        return
    assert found.target is not None
    await reply_note(message, _apply(data, engine.kb, message.chat.id, action, found.target))


async def on_follow(update: Update, context: Context) -> None:
    """/follow NAME | region NAME | type WORD | all."""
    await _change_command(update, context, "fo")


async def on_unfollow(update: Update, context: Context) -> None:
    """/unfollow NAME | region NAME | type WORD | all (everything); with nothing after it, the list."""
    await _change_command(update, context, "uf")


async def on_following(update: Update, context: Context) -> None:
    """/following: what this chat follows, with a button to stop each. Anyone may look."""
    message = update.effective_message
    if message is None or not _guarded(message, context):
        return
    data = context.bot_data
    body, markup = _following_view(data.state.follows(message.chat.id), data.engine.kb)
    await _reply(message, body, markup)


async def on_follow_button(update: Update, context: Context) -> None:
    """A follow or stop button: under an answer, among choices, or in the /following list."""
    query = update.callback_query
    assert query is not None
    data = context.bot_data
    engine = data.engine
    decoded = decode(query.data, engine.kb)
    if decoded is None:
        await query.answer(STALE)
        return
    message = query.message
    if message is None or not isinstance(message, Message):
        await query.answer(NO_CHAT)  # an inline message: no chat of ours to follow in
        return
    if data.guard.check(message.chat.id) is not Verdict.ANSWER:
        await query.answer()
        return
    allowed = await may_change(context, message.chat, query.from_user)
    if not allowed:
        await query.answer(CANNOT_CHECK if allowed is None else ADMINS_ONLY_SHORT, show_alert=True)
        return
    action, target = decoded
    said = _apply(data, engine.kb, message.chat.id, action, target)
    from_list = action == "uf" and message.text is not None and message.text.startswith("This chat follows")
    from_choices = message.text in (CHOOSE, CHOOSE_STOP)
    try:
        if from_list:
            body, markup = _following_view(data.state.follows(message.chat.id), engine.kb)
            await query.edit_message_text(body, reply_markup=markup)
        elif from_choices:
            await query.edit_message_text(said)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
    await query.answer(said[:200])


def add_follow_handlers(application: App) -> None:
    """Register the follow commands and buttons (before the general question handlers: first match wins)."""
    new_message = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("follow", on_follow, filters=new_message))
    application.add_handler(CommandHandler("unfollow", on_unfollow, filters=new_message))
    application.add_handler(CommandHandler("following", on_following, filters=new_message))
    application.add_handler(CallbackQueryHandler(on_follow_button, pattern=is_follow_data))
