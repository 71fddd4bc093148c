"""What an inline button carries: a short string that says what to show when it is pressed.

Telegram gives a button at most 64 bytes of ``callback_data`` and hands it back untouched when the
button is pressed, possibly days later and after the bot has restarted. So the data must say
everything needed to redraw the message: the engine's ``ref`` (which re-creates an answer, at most
56 ASCII bytes, spaces allowed) plus a page number and whether the answer was the compact group form. Nothing is
kept in memory between messages. Formats (``ref`` last, so it may contain ``:``)::

    p:<page>:<ref>    page <page> (from 0) of the full answer ``ref``
    pc:<page>:<ref>   the same, of the compact answer
    c:<ref> / cc:<ref>  a choice between organisations: show answer ``ref`` (full / compact)
    m:<ref>           "More detail": show the full answer ``ref``
    x                 the "2/5" label between the page buttons: does nothing

This module needs no telegram import.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

#: Telegram's limit on callback data.
CALLBACK_DATA_LIMIT = 64
MAX_PAGE = 999

_PAGE = re.compile(r"^p(c?):(\d{1,3}):([\x20-\x7e]+)$")
_REF_ONLY = re.compile(r"^(cc|c|m):([\x20-\x7e]+)$")


class ButtonDataError(ValueError):
    """The data would not fit in a button (too long, or not printable ASCII)."""


class Action(enum.Enum):
    PAGE = "p"
    CHOICE = "c"
    MORE = "m"
    NOOP = "x"


@dataclass(frozen=True)
class ButtonData:
    """One button's meaning, and its encoding as ``callback_data``."""

    action: Action
    ref: str = ""
    page: int = 0
    compact: bool = False

    def encode(self) -> str:
        """The ``callback_data`` string; raises ``ButtonDataError`` if it would not fit."""
        if self.action is Action.NOOP:
            return "x"
        if not re.fullmatch(r"[\x20-\x7e]+", self.ref):
            raise ButtonDataError(f"a button ref must be printable ASCII: {self.ref!r}")
        if self.action is Action.PAGE:
            if not 0 <= self.page <= MAX_PAGE:
                raise ButtonDataError(f"page {self.page} out of range")
            data = f"p{'c' if self.compact else ''}:{self.page}:{self.ref}"
        elif self.action is Action.CHOICE:
            data = f"{'cc' if self.compact else 'c'}:{self.ref}"
        else:
            data = f"m:{self.ref}"
        if len(data.encode("ascii")) > CALLBACK_DATA_LIMIT:
            raise ButtonDataError(f"callback data is {len(data)} bytes, over Telegram's {CALLBACK_DATA_LIMIT}")
        return data

    @classmethod
    def decode(cls, data: object) -> ButtonData | None:
        """The meaning of ``callback_data``, or None for anything this bot did not make."""
        if not isinstance(data, str) or len(data) > CALLBACK_DATA_LIMIT:
            return None
        if data == "x":
            return cls(Action.NOOP)
        if m := _PAGE.match(data):
            return cls(Action.PAGE, ref=m.group(3), page=int(m.group(2)), compact=bool(m.group(1)))
        if m := _REF_ONLY.match(data):
            kind, ref = m.groups()
            if kind == "m":
                return cls(Action.MORE, ref=ref)
            return cls(Action.CHOICE, ref=ref, compact=kind == "cc")
        return None


def is_action(action: Action) -> Callable[[object], bool]:
    """A ``CallbackQueryHandler`` pattern: true for callback data of this action."""

    def matches(data: object) -> bool:
        decoded = ButtonData.decode(data)
        return decoded is not None and decoded.action is action

    return matches
