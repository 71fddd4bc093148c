"""What the engine hands back: an ``Answer`` that every front end (terminal, tests, Telegram) shows.

An answer is self-contained. It carries its text already rendered in Telegram's HTML subset and as
plain text, split into pages that each fit one Telegram message, its numbered citations, and, for
ambiguous questions, the choices to offer. ``ref`` is a short ASCII string from which the engine can
make the same answer again (``Engine.from_ref``): the bot puts it in button data, so an old button
still works after a restart and nothing is kept in memory between messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Telegram's limit on one message's text.
MESSAGE_LIMIT = 4096
#: Telegram's limit on callback data; a ref plus a page number must fit.
CALLBACK_LIMIT = 64
REF_LIMIT = 56

ANSWER, CHOICES, NO_MATCH = "answer", "choices", "no_match"
KINDS = (ANSWER, CHOICES, NO_MATCH)


@dataclass(frozen=True)
class Citation:
    """A numbered source: ``[n]`` in the text points here."""

    n: int
    title: str
    url: str
    published: str | None  # ISO at its true precision: "2019-02-21", "2019-03" or None
    published_text: str  # "21 February 2019", "March 2019 (day not known)", "date unknown"
    publisher: str = ""  # "HM Inspectorate of Probation", "BBC News" ...

    def to_json(self) -> dict:
        return {"n": self.n, "title": self.title, "url": self.url, "published": self.published}


@dataclass(frozen=True)
class Choice:
    """One option when a name matched several organisations: pressing it answers ``ref``."""

    label: str
    id: str  # the organisation's org_id
    ref: str

    def to_json(self) -> dict:
        return {"label": self.label, "id": self.id}


@dataclass(frozen=True)
class Page:
    """One message's worth of an answer, in both renderings."""

    html: str
    text: str


@dataclass
class Answer:
    """The engine's reply to one question."""

    kind: str
    intent: str
    question: str
    title: str  # a one-line headline (inline results, logs)
    pages: list[Page]
    citations: list[Citation] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    ref: str | None = None  # re-creates this answer; page buttons use it
    more_ref: str | None = None  # a fuller answer exists ("More detail" button)

    @property
    def html(self) -> str:
        """The first page's HTML (what a bot sends first)."""
        return self.pages[0].html

    @property
    def text(self) -> str:
        """The whole answer as plain text, every page."""
        return "\n\n".join(p.text for p in self.pages)

    @property
    def description(self) -> str:
        """A short plain-text line for inline results: the first line of body text after the title."""
        lines = [l.strip() for l in self.pages[0].text.splitlines() if l.strip()]
        return (lines[1] if len(lines) > 1 else lines[0] if lines else "")[:200]

    def to_json(self) -> dict:
        """The machine-readable form of ``../shared/eval/README.md``."""
        return {
            "question": self.question,
            "kind": self.kind,
            "intent": self.intent,
            "text": self.text,
            "pages": [{"text": p.text, "html": p.html} for p in self.pages],
            "citations": [c.to_json() for c in self.citations],
            "choices": [c.to_json() for c in self.choices],
        }
