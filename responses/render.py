"""Rendering answers with jinja2: Telegram's HTML subset and plain text from the same templates.

Each answer shape has one template in ``responses/templates``. A template is rendered twice, once by an
HTML environment (autoescaping on, so names and quotes from the data or the question can never inject
markup) and once by a text environment; the helpers ``b``, ``i``, ``link`` and ``cite`` produce tags in
the first and bare words in the second. Both environments use ``StrictUndefined``: a template that asks
for a missing value fails loudly in tests instead of printing nothing to a union branch.

Citations are numbered in order of first use across the whole answer, so ``[3]`` means the same page on
every page of a long answer; each page ends with the sources it cites.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Callable, Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from knowledge import KnowledgeBase
from knowledge.models import Inspection
from responses.answer import GROUP_LIMIT, MESSAGE_LIMIT, Citation, Page
from responses.names import short_name

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

_INSPECTIONS_BY_URL: weakref.WeakKeyDictionary[KnowledgeBase, dict[str, Inspection]] = weakref.WeakKeyDictionary()


def _inspection_citing(kb: KnowledgeBase, url: str) -> Inspection | None:
    """The inspection whose own source is ``url`` (the latest, if several share it), worked out once per knowledge base."""
    index = _INSPECTIONS_BY_URL.get(kb)
    if index is None:
        index = {}
        for org_id in kb.organisations:
            for insp in kb.history(org_id):
                index[insp.source_url] = insp
        _INSPECTIONS_BY_URL[kb] = index
    return index.get(url)


def citation_date(kb: KnowledgeBase, url: str) -> str:
    """The date a citation shows: the page's own, else the date of the inspection the page is about, said as such.

    Many pages in our sources carry no date we could see; a reader still wants to know which
    inspection it was, so "inspection published 3 May 2024" beats a bare "date unknown".
    """
    src = kb.source(url)
    if src.published:
        return src.when()
    insp = _inspection_citing(kb, url)
    if insp is None or (insp.published is None and insp.year is None):
        return "date unknown"
    if insp.published:
        return f"page undated; inspection published {insp.when()}"
    return f"page undated; inspection {insp.estimated_year_words()}"


class Citer:
    """Numbers sources in order of first use and remembers which ones the current page cites."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.numbers: dict[str, int] = {}
        self.page_urls: list[str] = []

    def number(self, url: str) -> int:
        n = self.numbers.setdefault(url, len(self.numbers) + 1)
        if url not in self.page_urls:
            self.page_urls.append(url)
        return n

    def citation(self, url: str) -> Citation:
        src = self.kb.source(url)
        return Citation(n=self.numbers[url], title=src.title, url=url, published=src.published,
                        published_text=citation_date(self.kb, url), publisher=src.publisher)

    def citations(self) -> list[Citation]:
        return [self.citation(url) for url in self.numbers]


def _html_helpers(citer: Citer) -> dict[str, Callable]:
    # Markup(...) of escaped parts: the same result as Markup.format, several times faster.
    def cite(*urls: str) -> Markup:
        out = []
        for u in dict.fromkeys(u for u in urls if u):
            out.append(f'<a href="{escape(u)}">[{citer.number(u)}]</a>')
        return Markup("".join(out))

    def source_line(c: Citation, short: bool = False) -> Markup:
        label = f"{c.publisher}, {c.published_text}" if short else f"{c.title}</a>, {c.published_text}"
        if short:
            return Markup(f'[{c.n}] <a href="{escape(c.url)}">{escape(label)}</a>')
        return Markup(f'[{c.n}] <a href="{escape(c.url)}">{escape(c.title)}</a>, {escape(c.published_text)}')

    return {
        "cite": cite,
        "source_line": source_line,
        "b": lambda s: Markup(f"<b>{escape(s)}</b>"),
        "i": lambda s: Markup(f"<i>{escape(s)}</i>"),
        "code": lambda s: Markup(f"<code>{escape(s)}</code>"),
        "link": lambda text, url: Markup(f'<a href="{escape(url)}">{escape(text)}</a>'),
    }


def _text_helpers(citer: Citer) -> dict[str, Callable]:
    def cite(*urls: str) -> str:
        seen = list(dict.fromkeys(u for u in urls if u))
        return "".join(f"[{citer.number(u)}]" for u in seen)

    def source_line(c: Citation, short: bool = False) -> str:
        if short:
            return f"[{c.n}] {c.publisher}, {c.published_text}: {c.url}"
        return f"[{c.n}] {c.title}, {c.published_text}\n    {c.url}"

    return {
        "cite": cite,
        "source_line": source_line,
        "b": lambda s: str(s),
        "i": lambda s: str(s),
        "code": lambda s: str(s),
        "link": lambda text, url: f"{text} ({url})",
    }


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _make_env(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["num"] = _number
    env.filters["short"] = short_name
    return env


_HTML_ENV = _make_env(True)
_TEXT_ENV = _make_env(False)
_TEMPLATES: dict[tuple[bool, str], object] = {}


def _template(html: bool, name: str):
    """Compiled templates, looked up once: jinja's own lookup checks the file's mtime on every call."""
    key = (html, name)
    t = _TEMPLATES.get(key)
    if t is None:
        t = _TEMPLATES[key] = (_HTML_ENV if html else _TEXT_ENV).get_template(name)
    return t
_BLANK_LINES = re.compile(r"\n{3,}")
#: Stretches that are not prose: tags and web addresses, left exactly as they are.
_OPAQUE = re.compile(r"(<[^>]*>|https?://[^\s<>\"]+)")
#: An opening bracket followed, on the same line, by another before any closing one.
_MAYBE_NESTED = re.compile(r"\([^()\n]*\(")


def flatten_brackets(s: str) -> str:
    """Brackets inside brackets become a comma: "(pre-2018 (Quality & Impact))" -> "(pre-2018, Quality & Impact)".

    Data fields carry their own brackets ("fieldwork: June (year not stated)") and templates put fields
    in brackets; nested brackets are hard to read, so the inner pair gives way. Tags and addresses are
    left alone, and each line is read on its own.
    """
    if not _MAYBE_NESTED.search(s):  # the usual case, found at C speed
        return s
    out_lines = []
    for line in s.split("\n"):
        depth, closing, parts = 0, [], []
        for k, part in enumerate(_OPAQUE.split(line)):
            if k % 2:
                parts.append(part)
                continue
            chars = []
            for ch in part:
                if ch == "(":
                    depth += 1
                    if depth > 1:
                        while chars and chars[-1] == " ":
                            chars.pop()
                        chars.append(", ")
                        closing.append(True)
                        continue
                    closing.append(False)
                elif ch == ")" and closing:
                    depth -= 1
                    if closing.pop():
                        continue
                chars.append(ch)
            parts.append("".join(chars))
        out_lines.append("".join(parts))
    return "\n".join(out_lines)


def _tidy(s: str) -> str:
    return _BLANK_LINES.sub("\n\n", s).strip()


@dataclass
class Renderer:
    """Renders one answer: a template per page, with shared citation numbering."""

    kb: KnowledgeBase
    citer: Citer = field(init=False)

    def __post_init__(self) -> None:
        self.citer = Citer(self.kb)

    def page(self, template: str, *, short_sources: bool = False, **context) -> Page:
        """Render one page of ``template`` in both forms, followed by the sources it cites."""
        self.citer.page_urls = []
        html_helpers, text_helpers = _html_helpers(self.citer), _text_helpers(self.citer)
        html = flatten_brackets(_template(True, template).render(**context, **html_helpers))
        urls = list(self.citer.page_urls)
        text = flatten_brackets(_template(False, template).render(**context, **text_helpers))
        body = _tidy(html)
        cites = [self.citer.citation(u) for u in urls]
        if cites:
            html += "\n\n" + flatten_brackets(
                _template(True, "_sources.j2").render(citations=cites, short=short_sources, **html_helpers))
            text += "\n\n" + flatten_brackets(
                _template(False, "_sources.j2").render(citations=cites, short=short_sources, **text_helpers))
        return Page(html=_tidy(html), text=_tidy(text), body_html=body)

    def pages(self, template: str, items: Sequence, per_page: int, *, short_sources: bool = True,
              **context) -> list[Page]:
        """Render ``items`` in chunks of ``per_page``, shrinking chunks until every page fits a message."""
        size = max(1, per_page)
        while True:
            snapshot = dict(self.citer.numbers)
            chunks = [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]
            out = [self.page(template, short_sources=short_sources, items=chunk, first=k * size, page_no=k + 1, page_count=len(chunks),
                             total=len(items), **context) for k, chunk in enumerate(chunks)]
            # Both renderings must fit: the plain text is what the bot sends if Telegram rejects the HTML.
            if size == 1 or all(len(p.html) <= MESSAGE_LIMIT and len(p.text) <= MESSAGE_LIMIT for p in out):
                return [fit(p) for p in out]
            self.citer.numbers = snapshot
            # Shrink in proportion to the longest page, so a long list is re-rendered once or twice, not halved blindly.
            longest = max(max(len(p.html), len(p.text)) for p in out)
            size = max(1, min(size - 1, int(size * MESSAGE_LIMIT * 0.95 / longest)))


@dataclass(frozen=True)
class SharedFinding:
    """One finding's words, shown once, with every record that carries them (the same sentence was recorded
    for several organisations when one press release covered them all)."""

    records: tuple

    @property
    def finding(self) -> str:
        return self.records[0].finding

    @property
    def stance(self) -> str:
        return self.records[0].stance

    @property
    def source_urls(self) -> list[str]:
        return list(dict.fromkeys(f.source_url for f in self.records))


def same_findings_once(findings: Sequence) -> list[SharedFinding]:
    """``findings`` with each sentence once, in the order first met: an answer never says the same thing twice."""
    groups: dict[str, list] = {}
    for f in findings:
        groups.setdefault(" ".join(f.finding.lower().split()), []).append(f)
    return [SharedFinding(tuple(records)) for records in groups.values()]


def fit(page: Page) -> Page:
    """Last guard: a page over Telegram's limit is cut at a line break and sent as escaped text.

    The text is escaped first and then cut, so escaping cannot push it back over the limit, and the cut
    falls at a line break, so it never splits an entity such as ``&amp;``.
    """
    if len(page.html) <= MESSAGE_LIMIT and len(page.text) <= MESSAGE_LIMIT:
        return page
    note = "\n…(shortened)"
    escaped = str(escape(page.text))
    cut = escaped[: MESSAGE_LIMIT - len(note)]
    if "\n" in cut:
        cut = cut.rsplit("\n", 1)[0]
    else:
        cut = cut[: cut.rfind("&")] if cut.rfind("&") > cut.rfind(";") else cut
    html = cut + note
    return Page(html=html, text=unescape(html))


def visible_length(html: str) -> int:
    """How many characters a reader sees of a Telegram HTML string."""
    return len(strip_tags(html))


def _chunks(page: Page, limit: int) -> list[Page]:
    """A page's body (its sources list left out: every citation is a numbered link already) in pieces of at
    most ``limit`` visible characters, cut between lines.

    Templates keep every tag within one line, so a cut between lines never splits a tag; a single line
    longer than ``limit`` stays whole (it still fits a message).
    """
    lines = (page.body_html or page.html).split("\n")
    pieces: list[list[str]] = [[]]
    size = 0
    for line in lines:
        length = visible_length(line) + 1
        if pieces[-1] and size + length > limit:
            pieces.append([])
            size = 0
        if not pieces[-1] and not line.strip():
            continue  # no piece starts with a blank line
        pieces[-1].append(line)
        size += length
    out = []
    for piece in pieces:
        html = _tidy("\n".join(piece))
        if html:
            out.append(Page(html=html, text=strip_tags(html), body_html=html))
    return out or [Page(html=page.html, text=page.text)]


def group_pages(first: Sequence[Page], more: Sequence[Page] = (), limit: int = GROUP_LIMIT) -> list[Page]:
    """What a group sees, one short message at a time: the compact answer's pages, then the fuller answer's.

    In a busy group a long message buries the conversation, so every piece is at most ``limit``
    visible characters; "More" shows the next piece in place, and the whole answer, with its list of
    sources, is one tap away in a private chat.
    """
    more = list(more)
    if first and more:
        more[0] = _without_repeat(first[0], more[0])
    out: list[Page] = []
    for page in list(first) + more:
        out.extend(_chunks(page, limit))
    return out


def _without_repeat(shown: Page, fuller: Page) -> Page:
    """``fuller`` without what ``shown`` (its short form, already on screen) said: the lines it opens with
    in common, and any sentence said there word for word (the ordering rule, a finding). The first
    line, the title, stays, so the piece still says what it is about."""
    seen = (shown.body_html or shown.html).split("\n")
    lines = (fuller.body_html or fuller.html).split("\n")
    same = 0
    while same < min(len(seen), len(lines)) and seen[same] == lines[same]:
        same += 1
    sentences = {line for line in seen if len(strip_tags(line)) >= _SENTENCE}
    rest = [line for line in lines[max(same, 1):] if line not in sentences]
    if same < 2 and len(rest) == len(lines) - 1:
        return fuller
    body = _tidy("\n".join(lines[:1] + [""] + rest))
    return Page(html=body, text=strip_tags(body), body_html=body)


#: A line at least this long is a sentence worth not repeating (a short row such as "Good 3" may recur).
_SENTENCE = 60


def strip_tags(html: str) -> str:
    """Plain text of a Telegram HTML string (for tests and logs)."""
    return unescape(re.sub(r"<[^>]+>", "", html))
