"""What a chat sees of an answer: the full pages in a private chat, short pieces in a group.

In a group, every answer message is short (``responses.answer.GROUP_LIMIT`` visible characters):
the compact answer first, then, behind "More", the fuller answer in pieces of the same size, edited
in place. "Full answer in private" is a link (``t.me/<bot>?start=<payload>``) that opens a private
chat with the bot, where ``/start <payload>`` shows the whole answer with its sources.

Everything here is worked out again from the answer's ``ref`` when a button is pressed, so nothing
is kept per message; the only memory is :class:`LongRefs`, for the rare ref too long for a link.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from typing import Protocol

from bot.callbacks import START_PARAMETER_LIMIT, ref_from_payload, start_payload
from responses import Answer, Page
from responses.render import group_pages


class AnswerSource(Protocol):
    """What the views need of the engine."""

    def from_ref(self, ref: str, *, compact: bool = False) -> Answer: ...


def group_view(engine: AnswerSource, answer: Answer) -> list[Page]:
    """The short pieces a group pages through with "More": the compact answer, then the fuller one."""
    more = engine.from_ref(answer.more_ref).pages if answer.more_ref else []
    return group_pages(answer.pages, more)


def full_ref(answer: Answer) -> str | None:
    """The ref of the whole answer, for "Full answer in private"."""
    return answer.more_ref or answer.ref


class LongRefs:
    """Deep-link keys for refs whose encoding would not fit Telegram's 64-character /start parameter.

    Kept in memory, most recent ``limit`` only: such a link made before a restart opens the welcome
    instead, with a note that the link has expired.
    """

    def __init__(self, limit: int = 2048) -> None:
        self.limit = limit
        self._refs: OrderedDict[str, str] = OrderedDict()
        self._keys: dict[str, str] = {}

    def payload(self, ref: str) -> str | None:
        """A /start parameter for ``ref``: its encoding, or a short key remembered here."""
        encoded = start_payload(ref)
        if encoded is not None:
            return encoded
        if not ref.startswith("/") or not ref.isascii():
            return None
        key = self._keys.get(ref)
        if key is None:
            key = "k" + secrets.token_urlsafe(9)
            self._refs[key], self._keys[ref] = ref, key
            while len(self._refs) > self.limit:
                _old_key, old_ref = self._refs.popitem(last=False)
                self._keys.pop(old_ref, None)
        assert len(key) <= START_PARAMETER_LIMIT
        return key

    def ref(self, payload: str | None) -> str | None:
        """The ref a /start parameter stands for, or None (not ours, or a key since forgotten)."""
        if payload and payload.startswith("k"):
            return self._refs.get(payload)
        return ref_from_payload(payload)


def deep_link(bot_username: str | None, payload: str | None) -> str | None:
    """``https://t.me/<bot>?start=<payload>``, or None when either is missing."""
    if not bot_username or not payload:
        return None
    return f"https://t.me/{bot_username}?start={payload}"
