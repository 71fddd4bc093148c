"""A strict checker for Telegram's HTML parse mode, written from the Bot API's rules with ``html.parser``.

https://core.telegram.org/bots/api#html-style: only the tags below; tags nested and closed properly;
``<a>`` with an ``href``; every ``<``, ``>`` and ``&`` that is not part of a tag or an entity written
as an entity; only the named entities ``&lt; &gt; &amp; &quot;`` (and numeric ones). We are stricter
than Telegram where being strict costs nothing: no attribute but ``href`` on ``<a>`` (http, https or
tg links only), ``class="language-..."`` on ``<code>``, ``expandable`` on ``<blockquote>``.

``telegram_html_problems(html)`` returns what is wrong (empty when the HTML is acceptable) and
``visible_text(html)`` the text a reader would see, for measuring against the 4096-character limit.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from tests.telegram_facts import HTML_TAGS

#: The tags our answers may use: Telegram's own list, less the two it accepts only with attributes we never write.
ALLOWED_TAGS = set(HTML_TAGS - {"span", "tg-emoji"})
ALLOWED_ENTITIES = {"lt", "gt", "amp", "quot"}
LINK_SCHEMES = ("http://", "https://", "tg://")
#: An ampersand must start one of these.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def error(self, message: str) -> None:  # older Pythons
        self.problems.append(f"parser error: {message}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {raw!r} is not in Telegram's HTML subset")
        names = [name for name, _ in attrs]
        if len(set(names)) != len(names):
            self.problems.append(f"repeated attribute in {raw!r}")
        values = dict(attrs)
        allowed = {"a": {"href"}, "code": {"class"}, "blockquote": {"expandable"}}.get(tag, set())
        if set(values) - allowed:
            self.problems.append(f"attribute(s) {sorted(set(values) - allowed)} not allowed on <{tag}>: {raw!r}")
        if tag == "a":
            href = values.get("href")
            if not href:
                self.problems.append(f"<a> without href: {raw!r}")
            elif not href.startswith(LINK_SCHEMES) or any(c in href for c in ' "<>\n'):
                self.problems.append(f"unsafe or malformed link {href!r}")
        if tag == "code" and "class" in values and not (values["class"] or "").startswith("language-"):
            self.problems.append(f"<code> class must be language-*: {raw!r}")
        if tag == "a" and "a" in self.stack:
            self.problems.append("a link inside a link")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing tag {self.get_starttag_text()!r}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self.problems.append(f"</{tag}> closes nothing")
        elif self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1]}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for ch in "<>":
            if ch in data:
                self.problems.append(f"unescaped {ch!r} in text near {data[max(0, data.index(ch) - 20) :][:40]!r}")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ALLOWED_ENTITIES:
            self.problems.append(f"entity &{name}; is not one Telegram knows")
        self.text.append(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self.text.append(chr(code))
        except (ValueError, OverflowError):
            self.problems.append(f"bad character reference &#{name};")

    def handle_comment(self, data: str) -> None:
        self.problems.append("an HTML comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"a declaration <!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"a processing instruction <?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"an unknown declaration {data!r}")


def _check(html: str) -> _Checker:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    if checker.stack:
        checker.problems.append(f"unclosed tag(s) {checker.stack}")
    return checker


def telegram_html_problems(html: str) -> list[str]:
    """What Telegram (or our stricter reading of its rules) would refuse in ``html``; empty if nothing."""
    problems = []
    for m in re.finditer("&", html):
        if not _ENTITY.match(html, m.start()):
            problems.append(f"bare '&' at {m.start()}: {html[m.start() : m.start() + 12]!r}")
            break
    return problems + _check(html).problems


def visible_text(html: str) -> str:
    """The text a reader sees once Telegram has applied the markup."""
    return "".join(_check(html).text)


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
