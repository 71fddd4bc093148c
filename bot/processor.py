"""Handling updates from different chats at the same time, and each chat's updates in order.

Answering a question is quick; sending the answer is a round trip to Telegram (tens of milliseconds
from most places). Handled one at a time, a bot spends most of its time waiting for those round
trips, and one busy group makes everybody else wait. python-telegram-bot can handle updates
concurrently, but then nothing keeps one chat's updates in order: a reply to "and Doncaster?" could
overtake the answer it follows, and two presses of "Next ›" could land out of order.

:class:`PerChatUpdateProcessor` gives each chat a queue of its own: an update waits for the one
before it from the same chat (or, for an inline query or a press on an inline message, from the same
person), and updates from different chats run side by side, at most ``max_concurrent_updates`` at a
time. A chat waiting for its turn holds no slot, so a chat that floods the bot cannot fill every slot
with its own queue and stall the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)

#: How many updates are handled at once by default: enough to keep sends to 50-odd chats in flight
#: over a slow link, few enough that the engine's work never piles up unboundedly in memory.
DEFAULT_IN_FLIGHT = 64
#: How many updates python-telegram-bot may hand over before it waits (those beyond ``in_flight`` are
#: queued behind their chat or for a slot, costing a small object each).
DEFAULT_ADMITTED = 4096

#: What orders updates: ("chat", chat id) or ("user", user id) when an update belongs to no chat.
OrderKey = tuple[str, int]


def order_key(update: object) -> OrderKey | None:
    """The queue an update joins: its chat's, else its sender's; None for anything with neither.

    A button pressed under a message belongs to that message's chat, so pages of an answer in a group
    turn in the order they were pressed. A press on a message sent through inline mode, and an inline
    query, have no chat: they are ordered per person, so a later query never answers before an
    earlier one.
    """
    if not isinstance(update, Update):
        return None
    chat = update.effective_chat
    if chat is not None:
        return ("chat", chat.id)
    user = update.effective_user
    if user is not None:
        return ("user", user.id)
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within one; at most ``in_flight`` updates being handled at once.

    ``max_concurrent_updates`` (python-telegram-bot's own bound) is how many updates may be admitted,
    waiting or running; ``in_flight`` is how many may run. Order within a chat rests on taking a
    ticket before the first ``await``: python-telegram-bot starts one task per update in the order
    the updates arrived, so tickets are taken in that order.
    """

    def __init__(self, in_flight: int = DEFAULT_IN_FLIGHT, admitted: int = DEFAULT_ADMITTED) -> None:
        if in_flight < 1:
            raise ValueError("in_flight must be at least 1")
        super().__init__(max(admitted, in_flight))
        self.in_flight = in_flight
        self._slots = asyncio.Semaphore(in_flight)
        #: Per chat, the completion of the last update admitted from it (the one the next must wait for).
        self._tails: dict[OrderKey, asyncio.Future[None]] = {}

    @property
    def waiting_chats(self) -> int:
        """How many chats have an update admitted and not yet done (for /stats and tests)."""
        return len(self._tails)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        before = self._tails.get(key)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = mine  # taken before any await: the order of arrival
        started = False
        try:
            if before is not None:
                await asyncio.shield(before)
            async with self._slots:
                started = True
                await coroutine
        finally:
            if not started and isinstance(coroutine, Coroutine):
                coroutine.close()  # cancelled while waiting its turn (shutting down): never started
            self._finish(key, before, mine)

    def _finish(self, key: OrderKey, before: asyncio.Future[None] | None, mine: asyncio.Future[None]) -> None:
        """Let the chat's next update go: now, or, if this one was cancelled early, once ``before`` is done."""

        def release(_done: object = None) -> None:
            if not mine.done():
                mine.set_result(None)
            if self._tails.get(key) is mine:
                del self._tails[key]  # nobody queued behind it: forget the chat

        if before is not None and not before.done():
            before.add_done_callback(release)
        else:
            release()

    async def initialize(self) -> None:
        """Nothing to set up: the queues are made as chats turn up."""

    async def shutdown(self) -> None:
        """Nothing to free; an update still waiting when the application stops is dropped by it."""
        if self._tails:
            logger.debug("stopping with %d chats still holding updates", len(self._tails))
