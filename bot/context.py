"""What every handler can reach through ``context.bot_data``: the engine, the chat guard, counters.

python-telegram-bot lets an application choose the class of ``bot_data`` (``ContextTypes``); a
small typed class instead of a dict means a handler gets ``context.bot_data.engine`` checked by the
type checker instead of ``context.bot_data["engine"]`` and a KeyError at run time.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from telegram import InlineKeyboardMarkup, Message
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.guard import ChatGuard
from bot.settings import DEFAULT_CHAT_RATE_PER_MINUTE
from bot.state import StateDB
from bot.views import LongRefs
from responses import Answer, Engine, Page

#: Button presses one person may make in a minute before they get a "slow down" notice instead.
PRESSES_PER_MINUTE = 60


class GroupPicture(Protocol):
    """Where a picture can stand in for a group's first answer message (a league table as a chart, say).

    Called with the question's message, the compact answer, the first short piece and its keyboard;
    returns True if it sent the picture (with the piece as caption and the same keyboard), False to
    let the bot send the piece as text. ``BotData.group_picture`` is None until charts provide one.
    Note for the provider: Telegram allows 1,024 characters in a caption (a piece may have up to
    ``GROUP_LIMIT``), and "More" under a picture edits the message in place, which for a photo means
    its caption (``bot.delivery.edit_page`` edits text only today).
    """

    async def __call__(
        self, message: Message, answer: Answer, first: Page, markup: InlineKeyboardMarkup | None
    ) -> bool: ...


if TYPE_CHECKING:
    from bot.charts import ChartSender
    from bot.feed import FeedWatch
    from bot.reload import KbWatch


@dataclass
class Stats:
    """Counters since start, for the log and for /stats."""

    started: float = field(default_factory=time.monotonic)
    answered: Counter[str] = field(default_factory=Counter)  # by chat type ("private", "group", "inline", ...)
    intents: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    blocked: int = 0  # sends refused with 403 (a user blocked the bot, or it was removed from a group)


class BotData:
    """The application-wide state; ``build_application`` fills it in."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self.guard = ChatGuard(DEFAULT_CHAT_RATE_PER_MINUTE)  # questions: per private chat, per member of a group
        self.presses = ChatGuard(PRESSES_PER_MINUTE)  # button presses, per person; they are not questions
        self.long_refs = LongRefs()
        self.log_messages = False  # LOG_MESSAGES=1: log the bot's own answers (never what people wrote)
        self.group_picture: GroupPicture | None = None
        self.stats = Stats()
        #: What chats follow, and knowledge base updates (bot.state); in memory unless STATE_DB is set.
        self.state = StateDB(":memory:")
        #: The knowledge base file being watched for a new build (bot.reload); None: not watched.
        self.kb_watch: KbWatch | None = None
        self.admin_ids: frozenset[int] = frozenset()
        #: The news feed being watched (bot.feed); None: not watched.
        self.feed_watch: FeedWatch | None = None
        #: Draws and caches chart pictures (bot.charts); made on first use when the app did not make one.
        self.charts: ChartSender | None = None

    @property
    def engine(self) -> Engine:
        """The engine answering now. A reload swaps it, so a handler takes it once and keeps it."""
        if self._engine is None:
            raise RuntimeError("the application was built without an engine (use bot.app.build_application)")
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
#: The application as ``bot.app.build_application`` makes it: its ``bot_data`` is a ``BotData``. (The
#: context and job queue types are left open: ``context.application`` does not name them.)
App = Application[ExtBot[None], Any, dict[Any, Any], dict[Any, Any], BotData, Any]
CONTEXT_TYPES = ContextTypes(context=CallbackContext, bot_data=BotData)
