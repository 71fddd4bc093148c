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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from html import unescape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from knowledge import KnowledgeBase
from knowledge.models import Finding, Inspection
from responses.answer import GROUP_LIMIT, MESSAGE_LIMIT, Citation, Page
from responses.names import short_name

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

_INSPECTIONS_BY_URL: weakref.WeakKeyDictionary[KnowledgeBase, dict[str, Inspection]] = weakref.WeakKeyDictionary()


def _inspection_citing(kb: KnowledgeBase, url: str) -> Inspection | None:
    """The inspection whose own source is ``url`` (the latest, if several share it).

    Worked out once per knowledge base.
    """
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
        return Citation(
            n=self.numbers[url],
            title=src.title,
            url=url,
            published=src.published,
            published_text=citation_date(self.kb, url),
            publisher=src.publisher,
        )

    def citations(self) -> list[Citation]:
        return [self.citation(url) for url in self.numbers]


#: The functions a template calls (``cite``, ``b``, ``link`` ...), by name.
Helpers = dict[str, Callable[..., Any]]


def _html_helpers(citer: Citer) -> Helpers:
    # Markup(...) of escaped parts: the same result as Markup.format, several times faster.
    def cite(*urls: str) -> Markup:
        out = []
        for u in dict.fromkeys(u for u in urls if u):
            out.append(f'<a href="{escape(u)}">[{citer.number(u)}]</a>')
        return Markup("".join(out))

    def source_line(c: Citation, short: bool) -> Markup:
        if short:
            return Markup(f'[{c.n}] <a href="{escape(c.url)}">{escape(c.publisher)}, {escape(c.published_text)}</a>')
        return Markup(f'[{c.n}] <a href="{escape(c.url)}">{escape(c.title)}</a>, {escape(c.published_text)}')

    return {
        "cite": cite,
        "source_line": source_line,
        "b": lambda s: Markup(f"<b>{escape(s)}</b>"),
        "i": lambda s: Markup(f"<i>{escape(s)}</i>"),
        "link": lambda text, url: Markup(f'<a href="{escape(url)}">{escape(text)}</a>'),
    }


def _text_helpers(citer: Citer) -> Helpers:
    def cite(*urls: str) -> str:
        seen = list(dict.fromkeys(u for u in urls if u))
        return "".join(f"[{citer.number(u)}]" for u in seen)

    def source_line(c: Citation, short: bool) -> str:
        if short:
            return f"[{c.n}] {c.publisher}, {c.published_text}: {c.url}"
        return f"[{c.n}] {c.title}, {c.published_text}\n    {c.url}"

    return {
        "cite": cite,
        "source_line": source_line,
        "b": lambda s: str(s),
        "i": lambda s: str(s),
        "link": lambda text, url: f"{text} ({url})",
    }


def _make_env(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["short"] = short_name
    return env


_HTML_ENV = _make_env(True)
_TEXT_ENV = _make_env(False)
_TEMPLATES: dict[tuple[bool, str], Template] = {}


def _template(html: bool, name: str) -> Template:
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
            chars: list[str] = []
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


#: The most fixed wording a list template adds to one page (heading, rule, notes), in characters.
_PAGE_WORDING = 400
#: A citation's line in a page's list of sources, beyond its title and URL: "[12] ", the date, spacing.
_SOURCE_LINE = 60
#: What each kind of row can show of itself; anything else counts every field.
_SHOWN_FIELDS: dict[str, tuple[str, ...]] = {
    "Inspection": ("organisation", "overall_rating", "owner"),
    "Finding": ("finding", "topic", "figure", "subject_id"),
    "Source": ("title", "url", "publisher"),
    "Figure": ("subject", "metric", "value", "as_of"),
    "StandardRating": ("standard_name", "rating"),
    "Organisation": ("name", "type_label", "region"),
}


def _chars(kb: KnowledgeBase, value: object, short: bool) -> int:
    """A generous count of the characters ``value`` can put on a page in plain text, its citation's line
    included (``short``: the short form of that line, publisher and date).

    Plain text is the longer rendering that counts: Telegram's limit is on the text a reader sees, and
    the HTML's visible text is the plain text without the URLs the plain text spells out.
    """
    if value is None or callable(value) or isinstance(value, bool):
        return 0
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (int, float)):
        return 8
    if isinstance(value, dict):
        return sum(_chars(kb, v, short) + 2 for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_chars(kb, v, short) + 2 for v in value)
    if is_dataclass(value):
        shown = _SHOWN_FIELDS.get(type(value).__name__) or tuple(f.name for f in fields(value))
        n = 30 + sum(_chars(kb, getattr(value, name), short) + 2 for name in shown)
        url = getattr(value, "source_url", None)
        if isinstance(url, str) and url:
            src = kb.source(url)
            n += _SOURCE_LINE + len(url) + len(src.publisher if short else src.title)
        return n
    return len(str(value))


def page_size(kb: KnowledgeBase, items: Sequence[object], per_page: int, context: dict[str, Any], short: bool) -> int:
    """How many items go on each page: ``per_page``, or fewer where a page of the longest could pass the limit.

    Worked out from the items themselves, without rendering anything, so an answer knows its pages
    (and "page 2 of 5") while rendering only the one shown; the same items always give the same pages,
    so a page button brings back the page it promised. Words given beside the items (headings) count
    on every page; lists given beside them (earlier ratings, figures) only on the first and last,
    where the templates show them.
    """
    size = max(1, per_page)
    every = _PAGE_WORDING + sum(len(v) for v in context.values() if isinstance(v, str))
    ends = sum(_chars(kb, v, short) for v in context.values() if not isinstance(v, str))
    rows = [_chars(kb, item, short) for item in items]

    def too_long(size: int) -> bool:
        starts = range(0, len(rows), size)
        return any(
            every + (ends if k in (0, len(starts) - 1) else 0) + sum(rows[i : i + size]) > MESSAGE_LIMIT
            for k, i in enumerate(starts)
        )

    while size > 1 and too_long(size):
        size = max(1, size * 4 // 5)  # a fifth fewer, at least one fewer (4s // 5 <= s - 1 for s >= 1)
    return size


class _DeferredPage(Page):
    """A page of an answer whose forms the renderer fills in when they are first read."""

    __slots__ = ("cites", "context", "position", "renderer", "short_sources", "shortened", "template")

    def __init__(
        self, renderer: Renderer, position: int, template: str, short_sources: bool, context: dict[str, Any]
    ) -> None:
        super().__init__(None, None)
        self.renderer, self.position = renderer, position  # its place among the renderer's pages
        self.template, self.short_sources, self.context = template, short_sources, context
        self.cites: list[str] | None = None  # the URLs it cites, in order, once rendered in either form
        self.shortened = False  # the last guard had to cut a form of it to fit a message

    def _render(self, html: bool) -> None:
        self.renderer._render(self, html)


@dataclass
class Renderer:
    """Renders one answer: a template per page, with shared citation numbering, each page when it is read."""

    kb: KnowledgeBase
    citer: Citer = field(init=False)
    _pages: list[_DeferredPage] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.citer = Citer(self.kb)

    def page(self, template: str, *, short_sources: bool = False, **context: Any) -> Page:
        """A page of ``template`` followed by the sources it cites; rendered, in the form read, when read."""
        made = _DeferredPage(self, len(self._pages), template, short_sources, context)
        self._pages.append(made)
        return made

    def pages(
        self, template: str, items: Sequence[Any], per_page: int, *, short_sources: bool = True, **context: Any
    ) -> list[Page]:
        """``items`` in pages of at most ``per_page`` (fewer where long items need it: ``page_size``)."""
        size = page_size(self.kb, items, per_page, context, short_sources)
        chunks = [items[i : i + size] for i in range(0, len(items), size)] or [items]  # no items: one empty page
        return [
            self.page(
                template,
                short_sources=short_sources,
                items=chunk,
                first=k * size,
                page_no=k + 1,
                page_count=len(chunks),
                **context,
            )
            for k, chunk in enumerate(chunks)
        ]

    def citations(self) -> list[Citation]:
        """Every citation of the answer, numbered: every page is numbered first (in plain text if unread)."""
        for page in self._pages:
            if page.cites is None:
                self._render(page, False)
        return self.citer.citations()

    def _render(self, page: _DeferredPage, html: bool) -> None:
        """Render one form of ``page``. Sources are numbered in order of first use across the answer, so the
        pages before it are numbered first (in plain text, the cheaper form, when they are not yet rendered)."""
        for earlier in self._pages[: page.position]:
            if earlier.cites is None:
                self._render(earlier, False)
        self.citer.page_urls = []
        helpers = _html_helpers(self.citer) if html else _text_helpers(self.citer)
        body = flatten_brackets(_template(html, page.template).render(**page.context, **helpers))
        page.cites = list(self.citer.page_urls)
        out = body
        if page.cites:
            cites = [self.citer.citation(u) for u in page.cites]
            out += "\n\n" + flatten_brackets(
                _template(html, "_sources.j2").render(citations=cites, short=page.short_sources, **helpers)
            )
        if html:
            page._html, page._body_html = _tidy(out), _tidy(body)
            if visible_length(page._html) > MESSAGE_LIMIT:  # the last guard: see ``fit``
                page._html = page._body_html = _shortened_html(page.text)
                page.shortened = True
        else:
            page._text = _tidy(out)
            if len(page._text) > MESSAGE_LIMIT:
                page._text = unescape(_shortened_html(page._text))
                page.shortened = True


_SHORTENED = "\n…(shortened)"


def _shortened_html(text: str) -> str:
    """``text`` escaped, then cut at a line break to fit a message with a note that it was cut.

    Escaping first means escaping cannot push it back over the limit, and cutting at a line break
    means the cut never splits an entity such as ``&amp;``.
    """
    escaped = str(escape(text))
    cut = escaped[: MESSAGE_LIMIT - len(_SHORTENED)]
    if "\n" in cut:
        return cut.rsplit("\n", 1)[0] + _SHORTENED
    if cut.rfind("&") > cut.rfind(";"):  # a cut entity: drop its start
        cut = cut[: cut.rfind("&")]
    return cut + _SHORTENED


@dataclass(frozen=True)
class SharedFinding:
    """One finding's words, shown once, with every record that carries them (the same sentence was recorded
    for several organisations when one press release covered them all)."""

    records: tuple[Finding, ...]

    @property
    def finding(self) -> str:
        return self.records[0].finding

    @property
    def stance(self) -> str:
        return self.records[0].stance

    @property
    def source_urls(self) -> list[str]:
        return list(dict.fromkeys(f.source_url for f in self.records))


def same_findings_once(findings: Sequence[Finding]) -> list[SharedFinding]:
    """``findings`` with each sentence once, in the order first met: an answer never says the same thing twice."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(" ".join(f.finding.lower().split()), []).append(f)
    return [SharedFinding(tuple(records)) for records in groups.values()]


def fit(page: Page) -> Page:
    """Last guard: a page over Telegram's limit is cut at a line break and sent as escaped text.

    A page the renderer made guards itself as each form is rendered, so it is left as it is (and
    unrendered). Telegram counts the text a reader sees, so the HTML is measured without its tags.
    """
    if isinstance(page, _DeferredPage):
        return page
    if visible_length(page.html) <= MESSAGE_LIMIT and len(page.text) <= MESSAGE_LIMIT:
        return page
    html = _shortened_html(page.text)
    return Page(html=html, text=unescape(html))


def overflows(page: Page) -> bool:
    """True when ``page``, rendered in both forms, is over a message: too long as it stands, or cut by the
    renderer's last guard (which a caller that can drop content itself would rather avoid)."""
    html, text = page.html, page.text
    if isinstance(page, _DeferredPage) and page.shortened:
        return True
    return visible_length(html) > MESSAGE_LIMIT or len(text) > MESSAGE_LIMIT


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
    rest = [line for line in lines[max(same, 1) :] if line not in sentences]
    if same < 2 and len(rest) == len(lines) - 1:
        return fuller
    body = _tidy("\n".join([*lines[:1], "", *rest]))
    return Page(html=body, text=strip_tags(body), body_html=body)


#: A line at least this long is a sentence worth not repeating (a short row such as "Good 3" may recur).
_SENTENCE = 60


def strip_tags(html: str) -> str:
    """Plain text of a Telegram HTML string (for tests and logs)."""
    return unescape(re.sub(r"<[^>]+>", "", html))
