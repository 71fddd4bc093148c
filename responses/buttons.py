"""A ``Query`` as button data and back, in one place.

Telegram refuses a message whose button carries more than 64 bytes of ``callback_data``, and the bot
adds an action and a page number to each ref, so a ref may take ``REF_LIMIT`` (56) bytes. A command
("/league pdu since 2023") fits most answers, but a question with many parts does not, so the slots
of a ``Query`` are also packed into a short code: ``q1`` and a fingerprint of this knowledge base's
lists, then one tag letter per filled slot with a fixed-width value (indexes into the lists, in base
36). Organisations are indexes into the sorted list of ids; the fingerprint makes a button made
before the lists changed decode to nothing ("expired") rather than to another organisation.

``encode`` returns ``None`` for a query it cannot pack within the limit; it never returns more.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, fields
from datetime import date, timedelta

from knowledge import KnowledgeBase
from knowledge.ratings import RATING_POINTS
from knowledge.resolve import normalise
from knowledge.vocabulary import Vocabulary
from responses.answer import REF_LIMIT
from responses.query import Change, Query, TimeSpan
from responses.slots import COLLECTIONS, MEASURES, STANDARDS
from responses.understand import TOPICS

BUTTON_PREFIX = "q1"
#: The most bytes a ref may take: the bot adds an action and a page number to reach Telegram's 64.
LIMIT = REF_LIMIT
_DIGITS = string.digits + string.ascii_lowercase
_EPOCH = date(1900, 1, 1)
ORG_TYPES = ("crc", "nps", "pdu", "region", "yjs", "national")
RATINGS = tuple(RATING_POINTS)
MAX_ORGS = 4
MAX_TOPICS = 3
_FLAGS = ("latest", "inspected", "worst_first")
_DIRECTIONS = (None, "up", "down")


def _b36(n: int, width: int) -> str:
    if n < 0 or n >= 36**width:
        raise ValueError(n)
    out = ""
    for _ in range(width):
        n, d = divmod(n, 36)
        out = _DIGITS[d] + out
    return out


def _int(s: str) -> int:
    return int(s, 36)


#: Query fields a button does not carry: the question's own words and what is worked out from them again.
_NOT_CARRIED = frozenset(
    {"text", "norm", "ambiguous", "ambiguous_index", "truncated", "command", "free_words"}
    | {"out_of_scope", "concepts", "asks_share", "see_also"}
)
#: The slots a button carries; everything else in a ``Query`` (its text) is not part of the round trip.
BUTTON_FIELDS = tuple(f.name for f in fields(Query) if f.name not in _NOT_CARRIED)


@dataclass(frozen=True)
class ButtonCodec:
    """Packs the slots of a ``Query`` for one knowledge base's lists of names."""

    intents: tuple[str, ...]
    org_ids: tuple[str, ...]
    regions: tuple[str, ...]
    programmes: tuple[str, ...]
    owners: tuple[str, ...]
    topics: tuple[str, ...]
    standards: tuple[str, ...]
    measures: tuple[str, ...]
    collections: tuple[str, ...]

    @classmethod
    def for_kb(cls, kb: KnowledgeBase, vocabulary: Vocabulary) -> ButtonCodec:
        from responses.intents import INTENTS

        return cls(
            intents=(*(i.name for i in INTENTS), "help", "search", "findings_all"),
            org_ids=tuple(sorted(kb.organisations)),
            regions=tuple(sorted(kb.regions)),
            programmes=tuple(sorted(kb.programmes)),
            owners=tuple(sorted(c.name for c in vocabulary.companies.values())),
            topics=tuple(dict.fromkeys(t for _, ts in TOPICS for t in ts)),
            standards=tuple(name for name, _, _ in STANDARDS),
            measures=tuple(name for name, _, _ in MEASURES),
            collections=tuple(name for name, _ in COLLECTIONS),
        )

    @property
    def fingerprint(self) -> str:
        digest = hashlib.blake2b(repr([getattr(self, f.name) for f in fields(self)]).encode(), digest_size=4)
        return _b36(int.from_bytes(digest.digest(), "big") % 36**2, 2)

    # -- encoding -------------------------------------------------------------------------------
    def encode(self, q: Query) -> str | None:
        """Button data for ``q``, at most ``LIMIT`` bytes, or ``None`` if it cannot be packed."""
        try:
            data = BUTTON_PREFIX + self.fingerprint + self._pack(q)
        except (ValueError, IndexError):
            return None
        return data if len(data.encode()) <= LIMIT else None

    def _pack(self, q: Query) -> str:
        def idx(values: tuple[str, ...], value: object, width: int = 1) -> str:
            return _b36(values.index(value), width)

        out = ["i" + idx(self.intents, q.intent, 2)]
        if len(q.org_ids) > MAX_ORGS or len(q.topics) > MAX_TOPICS:
            raise ValueError("too many")
        out += ["o" + idx(self.org_ids, o, 2) for o in q.org_ids]
        if q.org_type:
            out.append("t" + idx(ORG_TYPES, q.org_type))
        if q.rating:
            out.append("r" + idx(RATINGS, q.rating))
        if q.region:
            out.append("g" + idx(self.regions, q.region))
        if q.programme:
            out.append("p" + idx(self.programmes, q.programme))
        if q.year is not None:
            out.append("y" + _b36(q.year, 3))
        if q.span is not None:
            out.append("s" + _b36((q.span.start - _EPOCH).days, 4) + _b36((q.span.end - _EPOCH).days, 4))
        if q.topics:
            out.append("c" + str(len(q.topics)) + "".join(idx(self.topics, t, 2) for t in q.topics))
        if q.score is not None:
            points, out_of = q.score
            out.append("n" + _b36(points, 2) + _b36(out_of or 0, 2))
        if q.owner:
            out.append("w" + idx(self.owners, q.owner))
        if q.change is not None:
            c = q.change
            out.append(
                "h"
                + _b36(RATINGS.index(c.before) + 1 if c.before else 0, 1)
                + _b36(RATINGS.index(c.after) + 1 if c.after else 0, 1)
                + _b36(c.steps + 10 if c.steps is not None else 0, 1)
            )
        if q.standard:
            out.append("d" + idx(self.standards, q.standard))
        if q.measure:
            out.append("m" + idx(self.measures, q.measure))
        if q.collection:
            out.append("k" + idx(self.collections, q.collection))
        flags = sum(1 << k for k, name in enumerate(_FLAGS) if getattr(q, name)) + 8 * _DIRECTIONS.index(q.direction)
        if flags:
            out.append("f" + _b36(flags, 1))
        return "".join(out)

    # -- decoding -------------------------------------------------------------------------------
    def decode(self, data: str) -> Query | None:
        """The query packed in ``data``, or ``None`` for data made for other lists or not ours."""
        if not isinstance(data, str) or not data.startswith(BUTTON_PREFIX + self.fingerprint):
            return None
        try:
            return self._unpack(data[len(BUTTON_PREFIX) + 2 :])
        except (ValueError, IndexError, KeyError):
            return None

    def _unpack(self, s: str) -> Query:
        q = Query(intent="", text="", norm="")
        pos = 0

        def take(n: int) -> str:
            nonlocal pos
            part = s[pos : pos + n]
            if len(part) != n:
                raise ValueError("short")
            pos += n
            return part

        while pos < len(s):
            tag = take(1)
            if tag == "i":
                q.intent = self.intents[_int(take(2))]
            elif tag == "o":
                q.org_ids.append(self.org_ids[_int(take(2))])
            elif tag == "t":
                q.org_type = ORG_TYPES[_int(take(1))]
            elif tag == "r":
                q.rating = RATINGS[_int(take(1))]
            elif tag == "g":
                q.region = self.regions[_int(take(1))]
            elif tag == "p":
                q.programme = self.programmes[_int(take(1))]
            elif tag == "y":
                q.year = _int(take(3))
            elif tag == "s":
                start, end = _EPOCH + timedelta(days=_int(take(4))), _EPOCH + timedelta(days=_int(take(4)))
                q.span = TimeSpan(start, end, f"from {start:%d %B %Y} to {end:%d %B %Y}".replace(" 0", " "))
            elif tag == "c":
                q.topics = tuple(self.topics[_int(take(2))] for _ in range(int(take(1))))
            elif tag == "n":
                points, out_of = _int(take(2)), _int(take(2))
                q.score = (points, out_of or None)
            elif tag == "w":
                q.owner = self.owners[_int(take(1))]
            elif tag == "h":
                before, after, steps = _int(take(1)), _int(take(1)), _int(take(1))
                q.change = Change(
                    RATINGS[before - 1] if before else None,
                    RATINGS[after - 1] if after else None,
                    steps - 10 if steps else None,
                )
            elif tag == "d":
                q.standard = self.standards[_int(take(1))]
            elif tag == "m":
                q.measure = self.measures[_int(take(1))]
            elif tag == "k":
                q.collection = self.collections[_int(take(1))]
            elif tag == "f":
                flags = _int(take(1))
                for k, name in enumerate(_FLAGS):
                    setattr(q, name, bool(flags & (1 << k)))
                q.direction = _DIRECTIONS[flags // 8]
            else:
                raise ValueError(f"unknown tag {tag!r}")
        q.norm = normalise(" ".join(t.replace("-", " ") for t in q.topics))
        return q
