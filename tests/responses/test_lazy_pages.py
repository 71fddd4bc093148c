"""Only the page shown is rendered, only in the form it is shown in; the rest when read.

Renders are counted by wrapping the compiled templates the renderer uses, so the tests see what
was actually rendered, not what the code says it does.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

import responses.render as render
from responses import Engine
from responses.answer import MESSAGE_LIMIT

LONG = [
    "/league",
    "/sources",
    "/find staffing",
    "which PDUs were rated requires improvement?",
    "how many services rated Good overall?",
]


class Counting:
    """Stands in for ``render._template``: counts renders by (form, template name)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.renders: Counter[tuple[str, str]] = Counter()

    def __call__(self, html: bool, name: str) -> Any:
        template = self.real(html, name)
        renders = self.renders
        form = "html" if html else "text"

        class Wrapped:
            def render(self, *args: Any, **kwargs: Any) -> str:
                renders[(form, name)] += 1
                return str(template.render(*args, **kwargs))

        return Wrapped()


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    spy = Counting(render._template)
    monkeypatch.setattr(render, "_template", spy)
    return spy


def _main_renders(spy: Counting) -> Counter[tuple[str, str]]:
    return Counter({k: v for k, v in spy.renders.items() if k[1] != "_sources.j2"})


@pytest.mark.parametrize("question", LONG)
def test_telegram_renders_only_the_first_page_in_html(kb, counting, question):
    answer = Engine(kb).ask(question)  # the bot's call: the first page, in HTML
    assert len(answer.pages) > 1, "a long answer, or the test proves nothing"
    template = next(name for _form, name in counting.renders)
    assert _main_renders(counting) == Counter({("html", template): 1})


def test_the_terminal_renders_text_only_and_json_each_page_once_in_each_form(kb, counting):
    engine = Engine(kb)
    answer = engine.ask("/league", form="text")
    assert _main_renders(counting) == Counter({("text", "league.j2"): 1})
    _ = answer.text  # the terminal: every page's text, and nothing in HTML
    assert _main_renders(counting) == Counter({("text", "league.j2"): len(answer.pages)})
    answer.to_json()  # ``ask --json`` gives each page as Telegram gets it too ("pages": text and html)
    assert _main_renders(counting) == Counter(
        {("text", "league.j2"): len(answer.pages), ("html", "league.j2"): len(answer.pages)}
    )


def test_turning_to_a_later_page_renders_the_pages_before_it_once_in_text(kb, counting):
    answer = Engine(kb).ask("/league")
    assert len(answer.pages) >= 3
    assert answer.pages[2].html  # reading the property renders the page
    # Page 1 in HTML (shown), page 2 in text only to number its citations (page 1's are numbered
    # already), page 3 in HTML.
    assert _main_renders(counting) == Counter({("html", "league.j2"): 2, ("text", "league.j2"): 1})


CITE = re.compile(r'<a href="([^"]+)">\[(\d+)\]</a>')


@pytest.mark.parametrize("question", ["/league", "/find staffing"])
def test_a_page_read_out_of_order_is_the_same_page(kb, question):
    in_order = Engine(kb).ask(question)
    expected = [(p.html, p.text) for p in in_order.pages]
    out_of_order = Engine(kb).ask(question)
    for k in reversed(range(len(expected))):
        assert (out_of_order.pages[k].html, out_of_order.pages[k].text) == expected[k]
    # A source keeps its number on every page it is cited on.
    numbers: dict[str, set[str]] = {}
    for html, _text in expected:
        for url, n in CITE.findall(html):
            numbers.setdefault(url, set()).add(n)
    assert numbers and all(len(ns) == 1 for ns in numbers.values())
    assert [c.n for c in out_of_order.citations] == list(range(1, len(out_of_order.citations) + 1))


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize(
    "question",
    [
        *LONG,
        "/league crc",
        "/league 2019",
        "scores",
        "which organisations improved?",
        "/find domestic abuse",
        "/latest",
    ],
)
def test_pages_laid_out_without_rendering_still_fit(kb, question, compact):
    """The layout is worked out from the items alone; every page must still fit whole (never cut short)."""
    answer = Engine(kb).ask(question, compact=compact)
    for k, page in enumerate(answer.pages, 1):
        assert len(page.text) <= MESSAGE_LIMIT, (question, k)
        assert "(shortened)" not in page.text, (question, k)
