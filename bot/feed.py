"""Watching the news feed in the running bot: propose new inspections to the administrators, one tap to add.

With ``FEED_URL`` set, a JobQueue job reads the feed every ``FEED_SECONDS`` (conditionally: a feed
that has not changed costs one 304). Each candidate not seen before is stored in the state database
and sent to every administrator in ``ADMIN_IDS`` with the row it would add and three buttons:
Approve, Reject, and Edit rating when the item states none. Nothing reaches the knowledge base until
an administrator approves: then the row goes to ``LOCAL_DATA``, the knowledge base is rebuilt from
the repository's data and the local folder (atomically), and :func:`bot.reload.reload_now` puts it
live and tells the followers of that body.

An item is proposed once, ever: its key (the feed's guid, else its link) is remembered whatever the
answer, across restarts. A feed that is down, slow, malformed or enormous is logged once (not at
every check) and read again at the next one; nothing here can stop the bot.

Buttons carry ``fd:<action>:<proposal id>[:<rating>]``; the proposal itself is in the state
database, so a button still works after a restart. Only presses by an administrator count.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler

from bot.context import App, BotData, Context
from bot.delivery import NO_PREVIEW, is_not_modified
from bot.state import StateDB, register_migrations, utc_now
from knowledge.build import BuildError
from knowledge.dates import describe_date
from knowledge.feed import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    Candidate,
    FeedError,
    Validators,
    approve,
    fetch_feed,
    parse_feed,
    read_candidates,
)
from knowledge.paths import DATA_DIR
from knowledge.ratings import RATINGS

logger = logging.getLogger(__name__)

COMPONENT = "feed"
register_migrations(
    COMPONENT,
    [
        # 1: every item ever proposed (never proposed again), the messages showing it, the feed's validators.
        """
    create table feed_items (
        id integer primary key,
        item_key text not null unique,
        status text not null check (status in ('proposed', 'approved', 'rejected')),
        candidate text not null,
        seen text not null,
        decided text
    );
    create table feed_messages (
        item_id integer not null references feed_items (id),
        chat_id integer not null,
        message_id integer not null,
        primary key (item_id, chat_id)
    ) without rowid;
    create table feed_validators (
        feed_url text primary key,
        etag text,
        last_modified text
    ) without rowid;
    """,
    ],
)

PROPOSED, APPROVED, REJECTED = "proposed", "approved", "rejected"
APPROVE_LABEL, REJECT_LABEL, EDIT_LABEL = "Approve", "Reject", "Edit rating"
NOT_RATED_LABEL, BACK_LABEL = "Not rated", "‹ Back"
#: One letter per rating in button data (Telegram allows 64 bytes): the initials are distinct.
_RATING_CODES = {r[0]: r for r in RATINGS} | {"N": None}
ONLY_ADMINS = "Only the bot's administrators can do this."
_GUESSED = " (the item says only \u201cprobation service\u201d: check the type)"


@dataclass
class FeedWatch:
    """The feed being watched and where approved rows go; one per application (``bot_data.feed_watch``)."""

    url: str
    local_dir: Path
    data_dir: Path = DATA_DIR
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    failing: str | None = None  # the kind of failure already logged, so a feed that stays down is logged once
    check_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    approve_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


# -- the state: what was proposed, and the feed's validators -----------------------------------


def _validators(state: StateDB, url: str) -> Validators | None:
    rows = state.query("select etag, last_modified from feed_validators where feed_url = ?", (url,))
    return Validators(rows[0]["etag"], rows[0]["last_modified"]) if rows else None


def _save_validators(state: StateDB, url: str, validators: Validators) -> None:
    with state.transaction() as conn:
        conn.execute(
            "insert or replace into feed_validators (feed_url, etag, last_modified) values (?, ?, ?)",
            (url, validators.etag, validators.last_modified),
        )


def _remember(state: StateDB, candidate: Candidate) -> int | None:
    """Store a new proposal and return its id; None when this item was proposed before."""
    with state.transaction() as conn:
        cursor = conn.execute(
            "insert or ignore into feed_items (item_key, status, candidate, seen) values (?, ?, ?, ?)",
            (candidate.key, PROPOSED, json.dumps(candidate.to_json(), ensure_ascii=False), utc_now()),
        )
        return cursor.lastrowid if cursor.rowcount else None


def _proposal(state: StateDB, item_id: int) -> tuple[str, Candidate] | None:
    rows = state.query("select status, candidate from feed_items where id = ?", (item_id,))
    if not rows:
        return None
    return rows[0]["status"], Candidate.from_json(json.loads(rows[0]["candidate"]))


def _update(state: StateDB, item_id: int, candidate: Candidate | None = None, status: str | None = None) -> None:
    with state.transaction() as conn:
        if candidate is not None:
            conn.execute(
                "update feed_items set candidate = ? where id = ?",
                (json.dumps(candidate.to_json(), ensure_ascii=False), item_id),
            )
        if status is not None:
            conn.execute("update feed_items set status = ?, decided = ? where id = ?", (status, utc_now(), item_id))


# -- what an administrator sees --------------------------------------------------------------


def _when(published: str | None) -> str:
    return describe_date(published) if published else "no date in the item"


def _rating_line(candidate: Candidate) -> str:
    if candidate.not_rated:
        return "not rated (set by an administrator)"
    if candidate.rating and candidate.rating_from_admin:
        return f"{candidate.rating} (set by an administrator)"
    if candidate.rating:
        return f"{candidate.rating} (as the item states it)"
    return "not stated in the item"


def proposal_text(candidate: Candidate) -> str:
    """The message proposing one candidate, in Telegram's HTML."""
    e = html.escape
    org = e(candidate.organisation)
    lines = ["<b>From the news feed: a change to the knowledge base?</b>", ""]
    if candidate.adds_to:
        what = {"published": "publication date", "overall_rating": "rating"}
        adds = "; ".join(
            f"{what.get(k, k)} {e(describe_date(v) if k == 'published' else v)}" for k, v in candidate.adds.items()
        )
        lines += [f"<b>Organisation:</b> {org}", f"<b>Adds to:</b> {e(candidate.adds_to)}: {adds}"]
    else:
        new = " (new to the knowledge base)" if candidate.new_organisation else ""
        lines += [
            f"<b>Organisation:</b> {org}{new}",
            f"<b>Type:</b> {e(candidate.source_type)}{_GUESSED if candidate.type_guessed else ''}",
            f"<b>Rating:</b> {e(_rating_line(candidate))}",
            f"<b>Published:</b> {e(_when(candidate.published))}",
            f"<b>New row:</b> {e(candidate.inspection_id)}",
        ]
        if candidate.may_be:
            lines.append(f"<b>Check the name:</b> it nearly matches {e(', '.join(candidate.may_be))}")
    lines.append(f'<b>Item:</b> <a href="{e(candidate.url, quote=True)}">{e(candidate.title)}</a>')
    return "\n".join(lines)


def proposal_keyboard(item_id: int, candidate: Candidate) -> InlineKeyboardMarkup:
    """Approve / Reject, and Edit rating where the item did not state one."""
    row = [
        InlineKeyboardButton(APPROVE_LABEL, callback_data=f"fd:a:{item_id}"),
        InlineKeyboardButton(REJECT_LABEL, callback_data=f"fd:r:{item_id}"),
    ]
    stated = candidate.rating is not None and not candidate.rating_from_admin
    if not stated and not candidate.adds_to:
        row.append(InlineKeyboardButton(EDIT_LABEL, callback_data=f"fd:e:{item_id}"))
    return InlineKeyboardMarkup([row])


def rating_keyboard(item_id: int) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(r, callback_data=f"fd:s:{item_id}:{code}")]
        for code, r in _RATING_CODES.items()
        if r is not None
    ]
    rows.append(
        [
            InlineKeyboardButton(NOT_RATED_LABEL, callback_data=f"fd:s:{item_id}:N"),
            InlineKeyboardButton(BACK_LABEL, callback_data=f"fd:b:{item_id}"),
        ]
    )
    return InlineKeyboardMarkup(rows)


# -- the job ----------------------------------------------------------------------------------


async def check_feed(application: App) -> list[int]:
    """Read the feed once and propose what is new; the ids proposed. Never raises for a bad feed."""
    data: BotData = application.bot_data
    watch = data.feed_watch
    if watch is None or watch.check_lock.locked():
        return []
    async with watch.check_lock:
        try:
            fetched = await fetch_feed(
                watch.url, _validators(data.state, watch.url), timeout=watch.timeout, max_bytes=watch.max_bytes
            )
            items = [] if fetched.not_modified else parse_feed(fetched.body or b"")
        except FeedError as exc:
            if watch.failing != exc.kind:
                logger.warning("could not read the news feed (%s); trying again at the next check", exc)
                watch.failing = exc.kind
            return []
        if watch.failing is not None:
            logger.info("the news feed can be read again")
            watch.failing = None
        if fetched.not_modified:
            return []
        engine = data.engine
        reading = await asyncio.to_thread(read_candidates, items, engine.kb, engine.resolver)
        proposed = []
        for candidate in reading.candidates:
            item_id = _remember(data.state, candidate)
            if item_id is None:
                continue
            proposed.append(item_id)
            await _send_proposal(application, item_id, candidate)
        _save_validators(data.state, watch.url, fetched.validators)
        logger.info(
            "news feed read: %d item(s), %d new proposal(s), %d skipped",
            len(items),
            len(proposed),
            reading.skipped_total,
        )
        return proposed


async def feed_job(context: Context) -> None:
    """The repeating JobQueue job: a fault costs one check, never the bot."""
    try:
        await check_feed(context.application)
    except Exception:
        logger.exception("the news feed check failed; trying again at the next one")


async def _send_proposal(application: App, item_id: int, candidate: Candidate) -> None:
    data: BotData = application.bot_data
    for admin_id in sorted(data.admin_ids):
        try:
            message = await application.bot.send_message(
                admin_id,
                proposal_text(candidate),
                parse_mode=ParseMode.HTML,
                reply_markup=proposal_keyboard(item_id, candidate),
                link_preview_options=NO_PREVIEW,
            )
        except TelegramError as exc:
            logger.warning("could not send a feed proposal to an administrator: %s", exc.message)
            continue
        with data.state.transaction() as conn:
            conn.execute(
                "insert or replace into feed_messages (item_id, chat_id, message_id) values (?, ?, ?)",
                (item_id, admin_id, message.message_id),
            )


async def _show_everywhere(
    application: App,
    item_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> None:
    """Show the proposal's new state in every administrator's copy of it."""
    data: BotData = application.bot_data
    for r in data.state.query("select chat_id, message_id from feed_messages where item_id = ?", (item_id,)):
        try:
            await application.bot.edit_message_text(
                text,
                chat_id=r["chat_id"],
                message_id=r["message_id"],
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:
            if not is_not_modified(exc):
                logger.warning("could not update a feed proposal: %s", exc.message)
        except TelegramError as exc:
            logger.warning("could not update a feed proposal: %s", exc.message)


# -- the buttons ------------------------------------------------------------------------------


def _outcome_text(candidate: Candidate, status: str, detail: str = "") -> str:
    said = {APPROVED: "Approved: added to the knowledge base.", REJECTED: "Rejected: not added."}[status]
    return f"{proposal_text(candidate)}\n\n<b>{said}</b>{(' ' + html.escape(detail)) if detail else ''}"


async def on_feed_button(update: Update, context: Context) -> None:
    """The feed's buttons are handled here and go no further (not to the catch-all for unknown buttons)."""
    await _on_feed_button(update, context)
    raise ApplicationHandlerStop


@dataclass(frozen=True)
class _Press:
    """A press of one of a proposal's buttons: what it asks (``action``, and a rating code for ``s``)."""

    action: str
    extra: str | None
    item_id: int
    candidate: Candidate


async def _press(update: Update, context: Context, query: CallbackQuery) -> _Press | None:
    """The press, when it is an administrator's on a proposal still open; else answered here and None."""
    data = context.bot_data
    user = update.effective_user
    if user is None or user.id not in data.admin_ids:
        await query.answer(ONLY_ADMINS, show_alert=True)
        return None
    parts = (query.data or "").split(":")
    try:
        action, item_id = parts[1], int(parts[2])
    except (IndexError, ValueError):
        await query.answer("That button is not one of mine.")
        return None
    found = _proposal(data.state, item_id)
    if found is None:
        await query.answer("I no longer know that proposal.")
        return None
    status, candidate = found
    if status != PROPOSED:
        await query.answer(f"Already {status}.")
        await _show_everywhere(context.application, item_id, _outcome_text(candidate, status), None)
        return None
    return _Press(action, parts[3] if len(parts) == 4 else None, item_id, candidate)


async def _on_feed_button(update: Update, context: Context) -> None:
    """Approve, Reject, Edit rating (and the rating chosen), from an administrator only."""
    query = update.callback_query
    if query is None:
        return
    press = await _press(update, context, query)
    if press is None:
        return
    item_id, candidate, app = press.item_id, press.candidate, context.application
    if press.action == "e":
        await query.answer()
        await _show_everywhere(app, item_id, proposal_text(candidate), rating_keyboard(item_id))
    elif press.action == "b":
        await query.answer()
        await _show_everywhere(app, item_id, proposal_text(candidate), proposal_keyboard(item_id, candidate))
    elif press.action == "s" and press.extra is not None and press.extra in _RATING_CODES:
        rating = _RATING_CODES[press.extra]
        candidate.rating, candidate.not_rated, candidate.rating_from_admin = rating, rating is None, True
        _update(context.bot_data.state, item_id, candidate=candidate)
        await query.answer(f"Rating set: {rating or 'not rated'}")
        await _show_everywhere(app, item_id, proposal_text(candidate), proposal_keyboard(item_id, candidate))
    elif press.action == "r":
        _update(context.bot_data.state, item_id, status=REJECTED)
        logger.info("a feed proposal was rejected")
        await query.answer("Rejected")
        await _show_everywhere(app, item_id, _outcome_text(candidate, REJECTED), None)
    elif press.action == "a":
        await _approve(update, context, item_id, candidate)
    else:
        await query.answer("That button is not one of mine.")


async def _approve(update: Update, context: Context, item_id: int, candidate: Candidate) -> None:
    """Write the row, rebuild the knowledge base, put it live (followers hear the news)."""
    from bot.reload import reload_now  # the reload module's job; imported here to keep start-up light

    query = update.callback_query
    assert query is not None
    data = context.bot_data
    watch = data.feed_watch
    if watch is None:
        await query.answer("The news feed is not watched by this bot.")
        return
    async with watch.approve_lock:
        found = _proposal(data.state, item_id)  # another administrator may have been quicker
        if found is None or found[0] != PROPOSED:
            await query.answer("Already decided.")
            return
        await query.answer("Adding it…")
        kb_path = Path(data.engine.kb.path)
        try:
            row = await asyncio.to_thread(approve, candidate, watch.data_dir, watch.local_dir, kb_path)
        except (BuildError, ValueError, OSError) as exc:
            reason = str(exc.problems[0]) if isinstance(exc, BuildError) else str(exc)
            logger.error("an approved feed row could not be added: %s", reason)
            await _show_everywhere(
                context.application,
                item_id,
                proposal_text(candidate) + f"\n\n<b>Could not add it:</b> {html.escape(reason[:300])}",
                proposal_keyboard(item_id, candidate),
            )
            return
        _update(data.state, item_id, status=APPROVED)
    logger.info("a feed proposal was approved and written to the local data")
    await _show_everywhere(
        context.application, item_id, _outcome_text(candidate, APPROVED, f"Row {row['inspection_id']}."), None
    )
    await reload_now(context.application)


def start_feed(
    application: App,
    url: str | None,
    seconds: float,
    local_dir: str | None,
) -> None:
    """Watch ``url`` every ``seconds`` when a feed, a local folder and administrators are all set."""
    data: BotData = application.bot_data
    application.add_handler(CallbackQueryHandler(on_feed_button, pattern=r"^fd:"), group=-1)
    if not url:
        return
    if not local_dir or not data.admin_ids:
        logger.warning(
            "FEED_URL is set but %s is not: the news feed is not watched",
            "LOCAL_DATA" if not local_dir else "ADMIN_IDS",
        )
        return
    data.feed_watch = FeedWatch(url=url, local_dir=Path(local_dir).expanduser())
    if seconds > 0 and application.job_queue is not None:
        application.job_queue.run_repeating(
            feed_job,
            interval=seconds,
            first=min(seconds, 10.0),
            name="news-feed",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )
