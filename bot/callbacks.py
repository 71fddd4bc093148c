"""What an inline button carries: a short string that says what to show when it is pressed.

Telegram gives a button at most 64 bytes of ``callback_data`` and hands it back untouched when the
button is pressed, possibly days later and after the bot has restarted. So the data must say
everything needed to redraw the message: the engine's ``ref`` (which re-creates an answer, at most
56 ASCII bytes, spaces allowed) plus a page number and whether the answer was the compact group form. Nothing is
kept in memory between messages. Formats (``ref`` last, so it may contain ``:``)::

    p:<page>:<ref>    page <page> (from 0) of the full answer ``ref``
    pc:<page>:<ref>   the same, of the short pieces a group sees (``bot.views``)
    c:<ref> / cc:<ref>  a choice between organisations: show answer ``ref`` (full / compact)
    m:<ref>           "More detail": show the full answer ``ref``
    a:<ref> / ac:<ref>  an example question: answer ``ref`` in a new message (full / compact)
    g:<ref>           "Chart": send the picture ``ref`` (a "/chart ..." command) into the chat
    x                 the "2/5" label between the page buttons: does nothing

A "Full answer in private" button is a link, not callback data: ``t.me/<bot>?start=<payload>``, where
the payload (at most 64 characters of ``A-Z a-z 0-9 _ -``) encodes a ref; see :func:`start_payload`.

This module needs no telegram import.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

#: Telegram's limit on callback data.
CALLBACK_DATA_LIMIT = 64
MAX_PAGE = 999

_PAGE = re.compile(r"^p(c?):(\d{1,3}):([\x20-\x7e]+)$")
_REF_ONLY = re.compile(r"^(cc|c|m|ac|a|g):([\x20-\x7e]+)$")


class ButtonDataError(ValueError):
    """The data would not fit in a button (too long, or not printable ASCII)."""


class Action(enum.Enum):
    PAGE = "p"
    CHOICE = "c"
    MORE = "m"
    ASK = "a"
    CHART = "g"
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
        elif self.action is Action.ASK:
            data = f"{'ac' if self.compact else 'a'}:{self.ref}"
        elif self.action is Action.CHART:
            data = f"g:{self.ref}"
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
            if kind in ("a", "ac"):
                return cls(Action.ASK, ref=ref, compact=kind == "ac")
            if kind == "g":
                return cls(Action.CHART, ref=ref)
            return cls(Action.CHOICE, ref=ref, compact=kind == "cc")
        return None


def is_action(action: Action) -> Callable[[object], bool]:
    """A ``CallbackQueryHandler`` pattern: true for callback data of this action."""

    def matches(data: object) -> bool:
        decoded = ButtonData.decode(data)
        return decoded is not None and decoded.action is action

    return matches


# -- deep links ------------------------------------------------------------------------------------

#: Telegram's limit on a /start parameter, and the characters it allows.
START_PARAMETER_LIMIT = 64
_START_SAFE = re.compile(r"[A-Za-z0-9]")
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def start_payload(ref: str) -> str | None:
    """A /start parameter that carries ``ref`` (a command such as ``/league pdu``), or None if none fits.

    Readable first: ``r`` then the ref without its slash, a space as ``_`` and any other character as
    ``-`` and two hex digits (``/inspection #sheffield-pdu`` -> ``rinspection_-23sheffield-2dpdu``).
    When that is too long, ``z`` then the ref compressed and base64url-encoded.
    """
    if not ref.startswith("/") or not ref.isascii():
        return None
    body = "".join(c if _START_SAFE.fullmatch(c) else "_" if c == " " else f"-{ord(c):02x}" for c in ref[1:])
    for payload in ("r" + body, "z" + base64.urlsafe_b64encode(zlib.compress(ref.encode(), 9)).decode().rstrip("=")):
        if len(payload) <= START_PARAMETER_LIMIT:
            return payload
    return None


def ref_from_payload(payload: str | None) -> str | None:
    """The ref a /start parameter carries, or None for anything :func:`start_payload` did not make."""
    if not payload or not _START_PARAMETER.fullmatch(payload):
        return None
    kind, body = payload[0], payload[1:]
    if kind == "r":
        out, i = [], 0
        while i < len(body):
            c = body[i]
            if c == "_":
                out.append(" ")
            elif c == "-":
                try:
                    out.append(chr(int(body[i + 1 : i + 3], 16)))
                except ValueError:
                    return None
                i += 2
            else:
                out.append(c)
            i += 1
        ref = "/" + "".join(out)
    elif kind == "z":
        try:
            ref = zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))).decode("ascii")
        except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
            return None
    else:
        return None
    return ref if re.fullmatch(r"/[\x20-\x7e]+", ref) else None
