"""The answer engine (work in progress: the real dispatcher replaces this stub)."""

from __future__ import annotations

from knowledge import KnowledgeBase
from responses.answer import NO_MATCH, Answer, Page

#: Bot commands and their one-line descriptions (the bot registers these with setMyCommands).
COMMANDS: list[tuple[str, str]] = [
    ("start", "What this bot does"),
    ("help", "How to ask, with examples"),
    ("league", "League table: /league [crc|nps|pdu|region|YEAR]"),
    ("inspection", "One organisation's ratings and history: /inspection NAME"),
    ("compare", "Compare two organisations: /compare A vs B"),
    ("latest", "The most recently published inspections"),
    ("find", "What inspectors said on a topic: /find TOPIC"),
    ("sources", "Where the facts come from"),
    ("about", "About this bot and its data"),
]


class Engine:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def ask(self, question: str, *, compact: bool = False) -> Answer:
        return Answer(kind=NO_MATCH, intent="none", question=question, title="No match",
                      pages=[Page(html="Not ready yet.", text="Not ready yet.")])

    def from_ref(self, ref: str, *, compact: bool = False) -> Answer:
        return self.ask(ref, compact=compact)

    def inline(self, query: str, limit: int = 5) -> list[Answer]:
        return []
