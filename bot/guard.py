"""A per-chat guard, so that one chat cannot flood the bot.

python-telegram-bot's ``AIORateLimiter`` keeps us inside Telegram's limits, but it does so by
*queueing*: a chat that sends a hundred questions would get a hundred answers, slowly, and every
other chat would wait behind them. This guard decides *whether* to answer at all: at most
``limit`` answers per chat in any ``window`` seconds; the first message over the limit gets one
short "slow down" note, later ones get silence, and once the window has room again the chat is
answered as usual. It keeps only timestamps in memory and needs no telegram import.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


class Verdict(enum.Enum):
    """What to do with one message from a chat."""

    ANSWER = "answer"
    WARN = "warn"  # over the limit for the first time in this window: say "slow down", once
    SILENT = "silent"  # still over the limit: say nothing


@dataclass
class _ChatWindow:
    times: deque[float] = field(default_factory=deque)
    warned: bool = False


class ChatGuard:
    """At most ``limit`` answers per chat per ``window`` seconds (``limit`` 0: no limit)."""

    #: Forget idle chats once this many are tracked, so memory stays bounded.
    PRUNE_AT = 4096

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._chats: dict[Hashable, _ChatWindow] = {}
        self.throttled = 0  # messages not answered because of the guard (for /stats)

    def check(self, chat: Hashable) -> Verdict:
        """Record one message from ``chat`` and say whether to answer it."""
        if self.limit <= 0:
            return Verdict.ANSWER
        now = self._clock()
        if len(self._chats) >= self.PRUNE_AT:
            self._prune(now)
        state = self._chats.setdefault(chat, _ChatWindow())
        while state.times and state.times[0] <= now - self.window:
            state.times.popleft()
        if len(state.times) < self.limit:
            state.times.append(now)
            state.warned = False
            return Verdict.ANSWER
        self.throttled += 1
        if state.warned:
            return Verdict.SILENT
        state.warned = True
        return Verdict.WARN

    def _prune(self, now: float) -> None:
        for chat in [c for c, s in self._chats.items() if not s.times or s.times[-1] <= now - self.window]:
            del self._chats[chat]
