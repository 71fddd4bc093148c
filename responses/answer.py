"""What the engine hands back: an ``Answer`` that every front end (terminal, tests, Telegram) shows.

An answer is self-contained. It carries its text already rendered in Telegram's HTML subset and as
plain text, split into pages that each fit one Telegram message, its numbered citations, and, for
ambiguous questions, the choices to offer. ``ref`` is a short ASCII string from which the engine can
make the same answer again (``Engine.from_ref``): the bot puts it in button data, so an old button
still works after a restart and nothing is kept in memory between messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

#: Telegram's limit on one message's text.
MESSAGE_LIMIT = 4096
#: The most a reader sees of one answer message in a group (visible characters, links not counted).
GROUP_LIMIT = 1200
#: Telegram's limit on callback data; a ref plus a page number must fit.
CALLBACK_LIMIT = 64
REF_LIMIT = CALLBACK_LIMIT - 8  # the rest holds the action and page number ("pc:12:", see bot.callbacks)

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

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "title": self.title, "url": self.url, "published": self.published}


@dataclass(frozen=True)
class Choice:
    """One option when a name matched several organisations: pressing it answers ``ref``."""

    label: str
    id: str  # the organisation's org_id
    ref: str

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "id": self.id}


class Page:
    """One message's worth of an answer, in both renderings.

    ``body_html`` is ``html`` without its closing list of sources (empty when the page has none or
    was not made by the renderer): a group message shows the body alone, with numbered links.

    A page made by the renderer (``responses.render``) is rendered in each form only when that form
    is first read: Telegram reads ``html``, the terminal and ``--json`` read ``text``, and the pages
    nobody turns to are never rendered at all. A page built from strings holds them as they are.
    """

    __slots__ = ("_body_html", "_html", "_text")

    def __init__(self, html: str | None, text: str | None, body_html: str = "") -> None:
        self._html, self._text, self._body_html = html, text, body_html

    def _render(self, html: bool) -> None:
        """Fill in a form not yet rendered; only pages that defer rendering leave one empty."""
        raise ValueError("a Page built from strings needs both its html and its text")

    def _form(self, html: bool) -> str:
        """The page as HTML or as plain text, rendering that form the first time it is read."""
        if (self._html if html else self._text) is None:
            self._render(html)
        form = self._html if html else self._text
        assert form is not None
        return form

    @property
    def html(self) -> str:
        return self._form(True)

    @property
    def text(self) -> str:
        return self._form(False)

    @property
    def body_html(self) -> str:
        self._form(True)
        return self._body_html

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Page):
            return NotImplemented
        return (self.html, self.text, self.body_html) == (other.html, other.text, other.body_html)

    def __hash__(self) -> int:
        return hash((self.html, self.text))

    def __repr__(self) -> str:
        return f"Page(html={self.html!r}, text={self.text!r})"


T = TypeVar("T")


class DeferredList(list[T]):
    """A list worked out on first use: an answer's citations, which are numbered in order of first use
    across all its pages, so knowing them means rendering every page (``--json`` does; a chat rarely)."""

    def __init__(self, make: Callable[[], list[T]]) -> None:
        super().__init__()
        self._make: Callable[[], list[T]] | None = make

    def _fill(self) -> None:
        if self._make is not None:
            make, self._make = self._make, None
            super().extend(make())

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def __iter__(self) -> Iterator[T]:
        self._fill()
        return super().__iter__()

    def __getitem__(self, index: Any) -> Any:
        self._fill()
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        self._fill()
        return super().__contains__(item)

    def __eq__(self, other: object) -> bool:
        self._fill()
        return super().__eq__(other)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __repr__(self) -> str:
        self._fill()
        return super().__repr__()


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
    #: Bodies of the other kind the name also fits (a youth justice service beside a probation PDU): buttons.
    see_also: list[Choice] = field(default_factory=list)
    examples: list[Choice] = field(default_factory=list)  # example questions to offer as buttons (/start)
    charts: list[str] = field(default_factory=list)  # refs of the charts this answer offers ("/chart league pdu")

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
        """A short plain-text line for inline results: the first line of body text after the title.

        Citation markers ("[1]") are left out: a description is not a link, so they would point nowhere.
        """
        lines = [line.strip() for line in self.pages[0].text.splitlines() if line.strip()]
        line = lines[1] if len(lines) > 1 else lines[0] if lines else ""
        return re.sub(r"\s*\[\d+\]", "", line)[:200]

    def to_json(self) -> dict[str, Any]:
        """The machine-readable form of ``../shared/eval/README.md``."""
        return {
            "question": self.question,
            "kind": self.kind,
            "intent": self.intent,
            "text": self.text,
            "pages": [{"text": p.text, "html": p.html} for p in self.pages],
            "citations": [c.to_json() for c in self.citations],
            "choices": [c.to_json() for c in self.choices],
            "see_also": [c.to_json() for c in self.see_also],
            "charts": list(self.charts),
        }
