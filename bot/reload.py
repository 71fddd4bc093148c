"""A new knowledge base, live: notice a new build, swap engines without a restart, tell the followers.

``probation-bot kb build`` writes the database elsewhere and renames it over the old file, so the path
names either the old file or the new one, never half of one. Every ``KB_RELOAD_SECONDS`` a job looks
at the file (inode, modification time, size). When they change it opens the new file in a worker
thread (the event loop keeps answering meanwhile), and if the data differs (``data_sha256`` in its
meta table) builds a new engine on it and puts it in ``bot_data`` in one assignment. A handler takes
the engine once when it starts, so a question already being answered finishes on the old engine and
every later one gets the new; no update is dropped or answered twice, because the updater is never
touched. The old engine is left to the garbage collector, which closes its connection once no
handler holds it.

It then works out what changed (:func:`knowledge.diff.diff_builds`) and sends each chat that follows an
affected body, its region, its type or everything one message listing its news, through the bot's
rate limiter; a chat that answers 403 loses its follows. The update is recorded in the state database
for ``/latest``, and a copy of the build is kept beside it, so that a build published while the bot
was stopped is news too: at start-up the bot compares the knowledge base it opens with that copy.
A file that cannot be loaded changes nothing: the old engine keeps answering and the administrators
in ``ADMIN_IDS`` are told, once per bad file.
"""

from __future__ import annotations

import asyncio
import enum
import html
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import CommandHandler, filters

from bot.context import App, BotData, Context
from bot.delivery import NO_PREVIEW, is_parse_error, reply_note, reply_page
from bot.follow import describe, forget_blocked
from bot.guard import Verdict
from bot.keyboards import answer_keyboard
from bot.state import ALL, ORG, REGION, TYPE, KbUpdate, Target
from knowledge.dates import describe_date
from knowledge.diff import NEW, RATING, Change, diff_builds
from knowledge.kb import KnowledgeBase, KnowledgeBaseError
from responses import MESSAGE_LIMIT, Engine, Page
from responses.names import short_name
from responses.news import news_answer
from responses.render import visible_length

logger = logging.getLogger(__name__)

#: At most this many news messages are being sent at once (the rate limiter spaces them out further).
SEND_CONCURRENCY = 8
#: The copy of the last knowledge base put live is kept beside the state database, under its name plus this.
LAST_LIVE_SUFFIX = ".last-live-kb"

Signature = tuple[int, int, int]


class Outcome(enum.Enum):
    """What one look at the knowledge base file found."""

    UNCHANGED = "unchanged"  # the same file as before
    SAME_DATA = "same data"  # a new file with the same data (a rebuild): nothing to swap or tell
    RELOADED = "reloaded"
    FAILED = "failed"  # a file that cannot be used: the old engine keeps answering
    BUSY = "busy"  # another look is still running


@dataclass
class KbWatch:
    """The knowledge base file the bot answers from, and what it has made of it so far."""

    path: Path
    signature: Signature | None
    failed: Signature | str | None = None  # a bad file already reported to the admins
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def file_signature(path: Path) -> Signature | None:
    """What tells one build's file from another's without reading it; None when there is no file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def data_sha(kb: KnowledgeBase) -> str:
    """The fingerprint of the data a build was made from: equal fingerprints, equal facts."""
    return kb.meta().get("data_sha256", "")


def _built_at(path: Path) -> str | None:
    signature = file_signature(path)
    return datetime.fromtimestamp(signature[1] / 1e9, UTC).replace(microsecond=0).isoformat() if signature else None


def last_live_copy(data: BotData) -> Path | None:
    """Where a copy of the knowledge base last put live is kept (beside the state database), if anywhere."""
    return None if data.state.path == ":memory:" else Path(data.state.path + LAST_LIVE_SUFFIX)


def keep_copy(kb_path: Path, sha: str, target: Path) -> None:
    """Copy the knowledge base now live to ``target``: what the next start compares against.

    The copy is checked to be the build we mean (the file may have been replaced again meanwhile;
    then the next reload makes the copy) and renamed into place, so it is never half written.
    """
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(kb_path, tmp)
    copy = KnowledgeBase(tmp)
    try:
        same = data_sha(copy) == sha
    finally:
        copy.close()
    if same:
        os.replace(tmp, target)
    else:
        tmp.unlink()


def _changes_since_last_run(copy: Path | None, kb: KnowledgeBase) -> tuple[list[Change] | None, bool]:
    """In a worker thread: what ``kb`` changes from the build live when the bot last ran (None: not known),
    and whether the copy kept of that build is already this one."""
    if copy is None or not copy.is_file():
        return None, False
    try:
        before = KnowledgeBase(copy)
    except KnowledgeBaseError as exc:
        logger.warning("cannot read the copy of the last knowledge base put live (%s); no news this start", exc)
        return None, False
    try:
        if data_sha(before) == data_sha(kb):
            return [], True
        return diff_builds(before, kb), False
    finally:
        before.close()


async def catch_up(application: App) -> None:
    """At start-up: a build published while the bot was stopped is news too. Record it, tell the followers.

    Compared with the copy kept of the last build put live; on a first start there is none, and the
    knowledge base in use is only recorded (and copied for next time).
    """
    data: BotData = application.bot_data
    watch = data.kb_watch
    if watch is None:
        return
    async with watch.lock:
        kb = data.engine.kb
        sha = data_sha(kb)
        copy = last_live_copy(data)
        changes, current = await asyncio.to_thread(_changes_since_last_run, copy, kb)
        last = data.state.last_update()
        if last is None or last.data_sha256 != sha:
            data.state.record_update(
                sha,
                _count(kb),
                None if changes is None else [c.to_json() for c in changes],
                at=_built_at(kb.path) if changes is None else None,
            )
        if changes:
            logger.info("the knowledge base changed while the bot was stopped: %d change(s)", len(changes))
            sent = await notify_followers(application, kb, changes)
            logger.info("news sent to %d chat(s)", sent)
        if copy is not None and not current:
            await _keep(kb.path, sha, copy)


async def _keep(kb_path: Path, sha: str, copy: Path) -> None:
    try:
        await asyncio.to_thread(keep_copy, kb_path, sha, copy)
    except (OSError, KnowledgeBaseError) as exc:
        logger.warning("could not keep a copy of the knowledge base put live: %s", exc)


async def catch_up_job(context: Context) -> None:
    """The one-off JobQueue job at start-up."""
    await catch_up(context.application)


def _count(kb: KnowledgeBase) -> int:
    return int(kb.meta().get("inspections", "0") or 0)


def _prepare(path: Path, old: KnowledgeBase) -> tuple[Engine | None, list[Change]]:
    """In a worker thread: open the new file, and if its data is new, an engine on it and the changes."""
    kb = KnowledgeBase(path)
    if data_sha(kb) == data_sha(old):
        kb.close()
        return None, []
    try:
        engine = Engine(kb)
        return engine, diff_builds(old, kb)
    except BaseException:
        kb.close()
        raise


async def tell_admins(application: App, text: str) -> None:
    """A short plain note to every id in ADMIN_IDS (each in its private chat with the bot)."""
    data: BotData = application.bot_data
    for admin_id in sorted(data.admin_ids):
        try:
            await application.bot.send_message(admin_id, text)
        except TelegramError as exc:
            logger.warning("could not tell an administrator: %s", exc.message)


async def reload_now(application: App, *, wait: bool = False) -> Outcome:
    """Look at the knowledge base file once and, if it is a new build, put it live and tell the followers.

    If another look is under way, return ``BUSY`` at once (the job), or wait for it and look again (``wait``).
    """
    data: BotData = application.bot_data
    watch = data.kb_watch
    if watch is None:
        return Outcome.UNCHANGED
    if watch.lock.locked() and not wait:
        return Outcome.BUSY
    async with watch.lock:
        return await _look(application, watch)


async def _look(application: App, watch: KbWatch) -> Outcome:
    """``reload_now``'s work, with ``watch.lock`` held by the caller."""
    data: BotData = application.bot_data
    signature = file_signature(watch.path)
    if signature is None:
        if watch.failed != "missing":
            watch.failed = "missing"
            logger.error("the knowledge base file %s is missing; still answering from the one loaded", watch.path)
            await tell_admins(
                application,
                f"The knowledge base file {watch.path.name} is missing. "
                "I am still answering from the one I loaded before.",
            )
        return Outcome.FAILED
    if signature == watch.signature or signature == watch.failed:
        return Outcome.UNCHANGED
    old = data.engine.kb
    try:
        engine, changes = await asyncio.to_thread(_prepare, watch.path, old)
    except Exception as exc:  # a bad file, or a fault in building on it: keep the old engine either way
        watch.failed = signature
        await _report_unloadable(application, exc)
        return Outcome.FAILED
    watch.signature, watch.failed = signature, None
    if engine is None:
        logger.info("the knowledge base file was rebuilt from the same data; nothing to reload")
        return Outcome.SAME_DATA
    await _go_live(application, watch, engine, changes)
    return Outcome.RELOADED


async def _report_unloadable(application: App, exc: Exception) -> None:
    """Log why a new file could not be loaded (with the trace unless it is a plain bad file) and tell the admins."""
    reason = str(exc) if isinstance(exc, KnowledgeBaseError) else f"{type(exc).__name__}: {exc}"
    logger.error(
        "could not load the new knowledge base; still answering from the old one: %s",
        reason,
        exc_info=not isinstance(exc, KnowledgeBaseError),
    )
    await tell_admins(
        application,
        "A new knowledge base file could not be loaded, so I am still answering "
        f"from the previous one. The problem: {reason[:500]}",
    )


async def _go_live(application: App, watch: KbWatch, engine: Engine, changes: list[Change]) -> None:
    """Swap in the new engine, record the update, send the news and keep a copy of the build."""
    data: BotData = application.bot_data
    data.engine = engine  # the swap: every handler that starts from now on answers from the new build
    logger.info("reloaded the knowledge base: %d change(s) to inspections", len(changes))
    try:
        data.state.record_update(data_sha(engine.kb), _count(engine.kb), [c.to_json() for c in changes])
    except sqlite3.Error as exc:  # /latest will be out of date; the news must still go out
        logger.error("could not record the update in the state database: %s", exc)
    sent = await notify_followers(application, engine.kb, changes)
    logger.info("news sent to %d chat(s)", sent)
    if (copy := last_live_copy(data)) is not None:
        await _keep(watch.path, data_sha(engine.kb), copy)


async def reload_job(context: Context) -> None:
    """The repeating JobQueue job."""
    await reload_now(context.application)


# -- telling the followers -------------------------------------------------------------------------


def concerns(change: Change, target: Target) -> bool:
    """Whether news of ``change`` goes to a chat following ``target``."""
    if target.kind == ALL:
        return True
    if target.kind == ORG:
        return change.org_id == target.value
    if target.kind == REGION:
        return change.region == target.value
    return target.kind == TYPE and change.org_type == target.value


def _news_for(changes: list[Change], targets: set[Target], kb: KnowledgeBase) -> tuple[list[Change], str]:
    """The changes that concern a chat following ``targets``, and what it follows that made them its news."""
    mine = [c for c in changes if any(concerns(c, t) for t in targets)]
    reasons = sorted({describe(t, kb) for t in targets if any(concerns(c, t) for c in mine)})
    return mine, ", ".join(reasons)


async def _send(application: App, chat_id: int, page: Page) -> None:
    try:
        await application.bot.send_message(
            chat_id, page.html, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        if not is_parse_error(exc):
            raise
        logger.warning("Telegram refused the HTML of a news message (%s); sending it as plain text", exc.message)
        await application.bot.send_message(chat_id, page.text, parse_mode=None, link_preview_options=NO_PREVIEW)


async def _deliver(application: App, chat_id: int, page: Page) -> bool:
    """Send one chat its news; on 403 forget the chat, on a group's upgrade follow it to its new id."""
    data: BotData = application.bot_data
    try:
        await _send(application, chat_id, page)
        return True
    except Forbidden:
        forget_blocked(data, chat_id, application.bot.token)
    except ChatMigrated as exc:
        data.state.move_chat(chat_id, exc.new_chat_id)
        try:
            await _send(application, exc.new_chat_id, page)
            return True
        except TelegramError as again:
            logger.warning("news not delivered to an upgraded group: %s", again.message)
    except TelegramError as exc:
        logger.warning("news not delivered to one chat: %s", exc.message)
    return False


async def notify_followers(
    application: App,
    kb: KnowledgeBase,
    changes: list[Change],
) -> int:
    """One message per following chat that any change concerns; returns how many were delivered."""
    if not changes:
        return 0
    data: BotData = application.bot_data
    gate = asyncio.Semaphore(SEND_CONCURRENCY)

    async def one(chat_id: int, targets: set[Target]) -> bool:
        try:
            mine, reason = _news_for(changes, targets, kb)
            if not mine:
                return False
            page = news_answer(kb, mine, reason).pages[0]
            async with gate:
                return await _deliver(application, chat_id, page)
        except Exception:  # a fault with one chat's news must not cost the others theirs
            logger.exception("could not send the news to one chat")
            return False

    results = await asyncio.gather(*(one(chat_id, targets) for chat_id, targets in data.state.followers().items()))
    return sum(results)


# -- /latest -----------------------------------------------------------------------------------


def _when(at: str) -> str:
    moment = datetime.fromisoformat(at).astimezone(UTC)
    return f"{describe_date(moment.date().isoformat())} at {moment:%H:%M} UTC"


def update_note(update: KbUpdate | None) -> str:
    """One paragraph for /latest: when the knowledge base was last updated, and what that added."""
    if update is None:
        return ""
    when = _when(update.at)
    if update.changes is None:
        return f"The knowledge base in use was built {when}."
    changes = [Change.from_json(c) for c in update.changes]
    if not changes:
        return f"The knowledge base was last updated {when}; no inspection was added or changed."
    new = sorted({short_name(c.org_name) for c in changes if c.kind == NEW})
    rated = sorted({short_name(c.org_name) for c in changes if c.kind == RATING})
    dated = sorted({short_name(c.org_name) for c in changes if c.kind not in (NEW, RATING)})
    parts = []
    for names, what in ((new, "new inspection of"), (rated, "changed rating for"), (dated, "changed date for")):
        if names:
            shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
            parts.append(f"{what} {shown}")
    return f"The knowledge base was last updated {when}: " + "; ".join(parts) + "."


async def on_latest(update: Update, context: Context) -> None:
    """/latest: the most recently published inspections, after when the knowledge base was last updated."""
    message = update.effective_message
    if message is None or not isinstance(message, Message):
        return
    data = context.bot_data
    verdict = data.guard.check(message.chat.id)
    if verdict is not Verdict.ANSWER:
        return
    compact = message.chat.type != "private"
    answer = data.engine.ask("/latest", compact=compact)
    note = update_note(data.state.last_update())
    first = answer.pages[0]
    # Telegram counts the text a reader sees, not the tags and link addresses of the HTML.
    if (
        note
        and visible_length(first.html) + len(note) + 2 <= MESSAGE_LIMIT
        and len(first.text) + len(note) + 2 <= MESSAGE_LIMIT
    ):
        # A new Page, not an edit of the answer's: the engine caches answers and hands out the same object.
        first = Page(html=f"<i>{html.escape(note, quote=False)}</i>\n\n{first.html}", text=f"{note}\n\n{first.text}")
    elif note:
        await reply_note(message, note)
    await reply_page(message, first, answer_keyboard(answer, 0, compact=compact))


def add_latest_handler(application: App) -> None:
    """/latest, answered here (before the engine's own handler of commands), with the update note."""
    application.add_handler(CommandHandler("latest", on_latest, filters=filters.UpdateType.MESSAGE))


def start_watching(application: App, engine: object, interval: float) -> None:
    """When ``engine`` answers from a knowledge base file: record it, and look for new builds every ``interval`` s."""
    kb = getattr(engine, "kb", None)
    data: BotData = application.bot_data
    if not isinstance(kb, KnowledgeBase):
        return
    data.kb_watch = KbWatch(path=kb.path, signature=file_signature(kb.path))
    if application.job_queue is None:
        return
    application.job_queue.run_once(catch_up_job, when=0, name="kb-catch-up")
    if interval > 0:
        application.job_queue.run_repeating(
            reload_job,
            interval=interval,
            first=interval,
            name="kb-reload",
            job_kwargs={"max_instances": 2, "coalesce": True},
        )
