"""What was just asked in one conversation, so a follow-up can use it ("and Doncaster?", "why?").

A conversation is whatever key the caller passes to ``Engine.ask`` (the bot uses the chat and, in a
group, the user; the terminal chat uses one key). Each key keeps its last question's ``Query`` for a
few minutes; after that a follow-up is treated as new and, if it names nothing, asks which
organisation was meant. Nothing here is written to logs or disk.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

from knowledge.resolve import is_english_word
from responses.query import Query

#: How long a conversation's context lasts, in seconds.
CONTEXT_SECONDS = 5 * 60
#: How many conversations are remembered at once (the oldest are forgotten first).
MAX_CONVERSATIONS = 10_000

#: Words that open a follow-up ("and Leeds?", "what about 2019?").
_LEAD = re.compile(r"^(and|also|what about|how about|and what about|what of|same for|and for|ok and|then)\b")
#: A question about the reasons for the last answer.
_WHY = re.compile(r"^(why|how come|why so|why is that|why was that|why not|explain|reasons?)\b")
#: Words that point back to the body the last answer was about.
_PRONOUN = re.compile(
    r"(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!\bany )\bthere\b|"
    r"\b(it|its|they|them|their|theirs|that one|this one|that place|the same)\b"
)
#: Words that point at one body of a kind ("the youth service", "their YOT"), not at every body of it.
_THE = re.compile(r"\b(the|their|its)\b")
#: Asking to set the bodies named recently side by side.
_COMPARE_THEM = re.compile(
    r"\bcompare (them|the two|both|those|these)\b|\bhow do (they|the two) compare\b|"
    r"\bwhich (one )?(is|was) better\b$"
)


#: Intents about one named body (a follow-up naming another body asks the same of it).
_ABOUT_ONE = {"summary", "owner", "people", "score", "standards", "date", "history", "findings", "measure", "compare"}


@dataclass
class Turn:
    query: Query
    orgs: list[str]  # organisations named recently, oldest first (for "compare them")
    at: float


class Conversations:
    """Per-conversation context that expires (``CONTEXT_SECONDS``); cheap and bounded."""

    def __init__(
        self,
        seconds: float = CONTEXT_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        limit: int = MAX_CONVERSATIONS,
    ):
        self.seconds = seconds
        self.monotonic = monotonic
        self.limit = limit
        self._turns: OrderedDict[str, Turn] = OrderedDict()

    def get(self, key: str) -> Turn | None:
        turn = self._turns.get(key)
        if turn is None:
            return None
        if self.monotonic() - turn.at > self.seconds:
            del self._turns[key]
            return None
        return turn

    def put(self, key: str, q: Query) -> None:
        previous = self.get(key)
        orgs = list(previous.orgs) if previous else []
        for org_id in q.org_ids:
            if org_id in orgs:
                orgs.remove(org_id)
            orgs.append(org_id)
        self._turns[key] = Turn(q, orgs[-4:], self.monotonic())
        self._turns.move_to_end(key)
        while len(self._turns) > self.limit:
            self._turns.popitem(last=False)


def is_follow_up(q: Query) -> bool:
    """A question that leans on the one before: "and Doncaster?", "why?", "compare them", "who owns it"."""
    n = q.norm
    own_set = q.rating or q.org_type or q.region or q.owner or q.collection or q.change or q.standard
    if _COMPARE_THEM.search(n) or _WHY.search(n):
        return not (q.org_ids or q.ambiguous)
    if q.org_ids or q.ambiguous:
        return bool(_LEAD.search(n))
    if own_set:
        return _one_of_a_kind(q)
    return bool(_LEAD.search(n) or _PRONOUN.search(n)) and len(n.split()) <= 10


def follow_up(
    q: Query,
    turn: Turn | None,
    reparse: Callable[[Query, list[str]], Query],
    region_of: Callable[[str], str | None] = lambda text: None,
) -> Query:
    """``q`` completed from the conversation's last question; ``reparse(q, org_ids)`` chooses the intent
    again as if ``org_ids`` had been named, and ``region_of(words)`` says which region a name is, if one.
    A follow-up with no context asks which organisation."""
    if not is_follow_up(q):
        return q
    if turn is None:
        if q.org_ids or q.ambiguous:
            return q
        if q.span is not None or q.year:
            return q
        return replace(q, intent="usage")
    prev = turn.query
    n = q.norm
    if _one_of_a_kind(q) and (prev.intent not in _ABOUT_ONE or not turn.orgs):
        return q  # "and the CRCs?" after a league: a question of its own about that kind
    if _COMPARE_THEM.search(n):
        if len(turn.orgs) >= 2:
            return replace(q, intent="compare", org_ids=turn.orgs[-2:])
        return replace(q, intent="usage")
    region = q.region or (region_of(q.ambiguous.text) if q.ambiguous is not None and not q.org_ids else None)
    if region and prev.intent not in _ABOUT_ONE:
        return replace(prev, text=q.text, region=region)  # "and in London?" after a list: the same list there
    if prev.org_type == "yjs" and not q.org_type and len(q.org_ids) + (q.ambiguous is not None) == 1:
        # "and Darlington?" after a youth service: that place's youth service, which the name offers beside the
        # probation body it means on its own (the resolver offers the other kind as ``see_also``)
        named = q.ambiguous.org_ids if q.ambiguous is not None else q.org_ids
        youth = q.ambiguous.see_also if q.ambiguous is not None else q.see_also
        if youth:
            q = replace(q, org_ids=list(youth), ambiguous=None, org_type="yjs", see_also=list(named))
    if q.org_ids or q.ambiguous:  # "and Doncaster?": the same question about another body
        if prev.intent in _ABOUT_ONE - {"summary", "compare"} and q.intent == "summary":
            return replace(q, intent=prev.intent, topics=q.topics or prev.topics, measure=q.measure or prev.measure)
        return q
    if (q.year or q.span is not None) and not _PRONOUN.search(n):  # "what about 2019?"
        return replace(prev, text=q.text, norm=prev.norm, year=q.year, span=q.span, intent=prev.intent)
    if not turn.orgs:
        return replace(q, intent="usage")
    if (
        _one_of_a_kind(q)
        and prev.intent in _ABOUT_ONE
        and prev.see_also
        and (q.org_type == "yjs") != (prev.org_type == "yjs")
    ):
        # "and the youth service?" after Leeds PDU: the same place's body of the other kind, which it offered
        return replace(reparse(q, list(prev.see_also)), see_also=turn.orgs[-1:])
    if _names_something_unknown(q):  # "what about Zzyzx?": not the last body again under another name
        return replace(q, intent="no_match")
    org_ids = [turn.orgs[-1]]
    if _WHY.search(n):
        return replace(q, intent="findings", org_ids=org_ids, topics=prev.topics)
    again = reparse(q, org_ids)
    if again.intent == "summary" and q.topics:
        again = replace(again, intent="findings")
    return again


def _names_something_unknown(q: Query) -> bool:
    """True for "what about X?" where X is no word we know and fills no slot: a name we could not find."""
    lead = _LEAD.match(q.norm)
    if lead is None or _PRONOUN.search(q.norm) or _WHY.search(q.norm):
        return False
    if q.topics or q.rating or q.org_type or q.measure or q.standard or q.collection or q.concepts or q.owner:
        return False
    return any(not is_english_word(w) for w in q.norm[lead.end() :].split())


def _one_of_a_kind(q: Query) -> bool:
    """ "and the youth service?", "what about their YOT?": one body of a kind, the last one's counterpart."""
    others = q.org_ids or q.ambiguous or q.rating or q.region or q.owner or q.collection or q.change or q.standard
    return bool(q.org_type and not others and _LEAD.search(q.norm) and _THE.search(q.norm) and len(q.norm.split()) <= 6)
