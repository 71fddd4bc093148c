"""The renderer's own rules, each on a case small enough to work out by hand: group pieces, the last guard's
cut, nested brackets, citation numbers and dates, and where a league's pages start.

Expected values are written here: counts of characters worked out from the strings in the test, Telegram's
limit from ``tests.telegram_facts``, dates and URLs copied from ``knowledge/data`` (the CSV row is named
beside each), never taken from the code under test.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

import pytest

from responses.answer import Page
from responses.render import (
    Citer,
    Renderer,
    _DeferredPage,
    _html_helpers,
    _text_helpers,
    citation_date,
    fit,
    flatten_brackets,
    group_pages,
    overflows,
    page_size,
)
from tests.telegram_facts import MESSAGE_TEXT_LIMIT

#: The most a group message shows, in visible characters: the product's rule (README, "In a group every
#: answer's first message is short (at most about 1,200 characters)"), not a limit of Telegram's.
GROUP_MESSAGE = 1200


def sql(kb, query: str, *params: object) -> list[tuple[Any, ...]]:
    return sqlite3.connect(kb.path).execute(query, params).fetchall()


def _page(*lines: str, sources: str = "") -> Page:
    """A page as the renderer makes one: its body, then (if given) its list of sources."""
    body = "\n".join(lines)
    html = body + (f"\n\n<b>Sources</b>\n{sources}" if sources else "")
    return Page(html=html, text=re.sub(r"<[^>]+>", "", html), body_html=body if sources else "")


def _lines(pieces: list[Page]) -> list[list[str]]:
    return [piece.html.split("\n") for piece in pieces]


# -- group pieces ---------------------------------------------------------------------------------------------
# Each row below shows 9 characters ("r0" and seven x's; the tags are not seen), 10 with its line break.
ROWS = [f'<a href="https://example.org/{k}">r{k}</a>xxxxxxx' for k in range(7)]


def test_group_pieces_hold_as_many_whole_lines_as_the_limit_allows():
    pieces = group_pages([_page(*ROWS)], limit=30)
    assert _lines(pieces) == [ROWS[0:3], ROWS[3:6], ROWS[6:7]]  # three lines are exactly 30: they fit
    assert [p.text for p in pieces] == [
        "r0xxxxxxx\nr1xxxxxxx\nr2xxxxxxx",
        "r3xxxxxxx\nr4xxxxxxx\nr5xxxxxxx",
        "r6xxxxxxx",
    ]
    assert all(p.body_html == p.html for p in pieces)  # a piece is all body: no list of sources
    assert _lines(group_pages([_page(*ROWS)], limit=29)) == [ROWS[0:2], ROWS[2:4], ROWS[4:6], ROWS[6:7]]


def test_group_pieces_count_what_a_reader_sees():
    """Entities count as one character each and tags not at all: "&amp;" x 9 shows nine characters."""
    row = "<b>" + "&amp;" * 9 + "</b>"
    assert _lines(group_pages([_page(row, row, row, row)], limit=30)) == [[row, row, row], [row]]
    assert group_pages([_page(row)], limit=30)[0].text == "&" * 9


def test_group_pieces_never_start_with_a_blank_line_but_keep_one_inside():
    a, b, c, d = "a" * 9, "b" * 9, "c" * 9, "d" * 9
    assert _lines(group_pages([_page(a, b, c, "", d)], limit=30)) == [[a, b, c], [d]]
    assert _lines(group_pages([_page(a, "", b)], limit=30)) == [[a, "", b]]


def test_a_line_longer_than_a_piece_stays_whole():
    long, short = "x" * 50, "y" * 5
    assert _lines(group_pages([_page(long, short)], limit=30)) == [[long], [short]]


def test_group_pieces_leave_the_sources_out():
    page = _page("<b>Title</b>", 'row <a href="https://example.org/1">[1]</a>', sources="[1] a source")
    pieces = group_pages([page])
    assert [p.html for p in pieces] == ['<b>Title</b>\nrow <a href="https://example.org/1">[1]</a>']
    assert pieces[0].text == "Title\nrow [1]"


def test_a_page_with_nothing_to_show_is_passed_on_as_it_is():
    pieces = group_pages([Page(html="\n\n", text="")])
    assert [(p.html, p.text) for p in pieces] == [("\n\n", "")]


def test_group_pieces_are_at_most_1200_characters_by_default():
    row = "x" * 99  # 100 with its line break: 12 rows make 1,200, a 13th would pass the limit
    pieces = group_pages([_page(*[row] * 30)])
    assert [len(p.html.split("\n")) for p in pieces] == [12, 12, 6]
    assert max(len(p.text) for p in pieces) == GROUP_MESSAGE - 1  # the last line has no line break


def test_the_fuller_answer_follows_without_the_lines_it_opens_with_in_common():
    title, intro = "<b>Title</b>", "Three organisations, by rating."
    shown = _page(title, intro, "A summary row")
    fuller = _page(title, intro, "Good: 2", "• One", "• Two")
    pieces = group_pages([shown], [fuller])
    assert [p.html for p in pieces] == [
        f"{title}\n{intro}\nA summary row",
        f"{title}\n\nGood: 2\n• One\n• Two",  # the title stays, so the piece says what it is about
    ]


def test_the_fuller_answer_leaves_out_every_sentence_already_shown():
    """A line of 60 visible characters or more is a sentence, said once; a shorter line may recur."""
    sixty = "s" * 60
    fifty_nine = "t" * 59
    shown = _page("<b>Short title</b>", sixty, fifty_nine)
    fuller = _page("<b>Full title</b>", "row", sixty, fifty_nine)
    assert [p.html for p in group_pages([shown], [fuller])][1] == f"<b>Full title</b>\n\nrow\n{fifty_nine}"


@pytest.mark.parametrize(
    "shown_lines",
    [
        ("<b>Title</b>", "another line"),  # only the title in common
        ("<b>Another title</b>", "another line"),  # nothing in common
    ],
)
def test_a_fuller_answer_with_nothing_to_leave_out_is_shown_whole(shown_lines):
    fuller = _page("<b>Title</b>", "row A", "row B")
    pieces = group_pages([_page(*shown_lines)], [fuller])
    assert pieces[1].html == "<b>Title</b>\nrow A\nrow B"


def test_only_the_first_page_of_the_fuller_answer_is_trimmed():
    title = "<b>Title</b>"
    pieces = group_pages([_page(title, "one")], [_page(title, "one", "two"), _page(title, "one", "three")])
    assert [p.html for p in pieces] == [f"{title}\none", f"{title}\n\ntwo", f"{title}\none\nthree"]


# -- overflows ---------------------------------------------------------------------------------------------------


def test_overflows_counts_visible_html_and_plain_text():
    at_limit = "x" * MESSAGE_TEXT_LIMIT
    assert not overflows(Page(html=f"<b>{at_limit}</b>", text=at_limit))
    assert overflows(Page(html=at_limit + "x", text="short"))
    assert overflows(Page(html="short", text=at_limit + "x"))


def test_a_rendered_page_that_had_to_be_cut_overflows(kb):
    r = Renderer(kb)
    cut = r.page("no_match.j2", message="x" * (MESSAGE_TEXT_LIMIT + 10), examples=[])
    whole = r.page("no_match.j2", message="x" * 100, examples=[])
    assert overflows(cut) and not overflows(whole)
    assert len(cut.text) <= MESSAGE_TEXT_LIMIT and cut.text.endswith("(shortened)")


@pytest.mark.parametrize("html", [True, False])
def test_a_rendered_page_is_cut_only_past_the_limit(kb, html):
    """Each form guards itself when it is rendered: exactly 4,096 characters stay whole, one more is cut."""
    r = Renderer(kb)
    at_limit = r.page("no_match.j2", message="&" * MESSAGE_TEXT_LIMIT, examples=[])
    over = r.page("no_match.j2", message="&" * (MESSAGE_TEXT_LIMIT + 1), examples=[])
    if html:
        assert at_limit.html == "&amp;" * MESSAGE_TEXT_LIMIT
        assert over.html.startswith("&amp;&amp;") and over.html.endswith("&amp;\n…(shortened)")
        assert len(over.html) <= MESSAGE_TEXT_LIMIT
    else:
        assert at_limit.text == "&" * MESSAGE_TEXT_LIMIT
        assert over.text.startswith("&&") and over.text.endswith("&\n…(shortened)")
    assert isinstance(at_limit, _DeferredPage) and isinstance(over, _DeferredPage)
    assert at_limit.shortened is False and over.shortened is True  # read in one form only


# -- the last guard's cut ----------------------------------------------------------------------------------------


def test_a_cut_that_ends_after_a_whole_entity_keeps_it_and_fills_the_message():
    """Two ampersands (escaped: ten characters), then letters: nothing is cut in an entity, so the page uses
    the whole message."""
    page = fit(Page(html="<b>x</b>", text="&&" + "x" * 5000))
    assert page.html.startswith("&amp;&amp;xxx") and page.html.endswith("x\n…(shortened)")
    assert len(page.html) == MESSAGE_TEXT_LIMIT
    assert page.text == "&&" + "x" * (MESSAGE_TEXT_LIMIT - 10 - len("\n…(shortened)")) + "\n…(shortened)"


# -- nested brackets -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, expected",
    [
        ("(pre-2018 (Quality & Impact))", "(pre-2018, Quality & Impact)"),
        ("a (b (c) d) e", "a (b, c d) e"),
        ("(a (b (c)))", "(a, b, c)"),
        ("(a  (b))", "(a, b)"),
        ("(a) (b) plain", "(a) (b) plain"),
        ("<b>x</b> (a (b))", "<b>x</b> (a, b)"),
        ('<a href="https://x.test/(a (b))">(c (d))</a>', '<a href="https://x.test/(a (b))">(c, d)</a>'),
        ("see https://x.test/a_(b_(c)) (e (f))", "see https://x.test/a_(b_(c)) (e, f)"),
        ("(a\n(b (c)))", "(a\n(b, c))"),
        ("x)) (a (b))", "x)) (a, b)"),
    ],
)
def test_brackets_inside_brackets_become_a_comma(given, expected):
    assert flatten_brackets(given) == expected


# -- citations ----------------------------------------------------------------------------------------------------
# inspections.csv, nps-wales-2019: published 2019-04-17, its source http://www.russellwebster.com/hmipwnps19/ undated.
# inspections.csv, pdu-east-kent-2024: no publication date, year 2024 estimated; its KentOnline source undated.
# http://www.russellwebster.com/probleague/ (figures.csv, findings.csv): undated, and no inspection's own source.


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://www.russellwebster.com/hmipwnps19/", "page undated; inspection published 17 April 2019"),
        (
            "http://www.kentonline.co.uk/kent/news/safeguarding-concerns-as-probation-unit-rated-inadequate-303770/",
            "page undated; inspection year not confirmed, probably 2024",
        ),
        ("http://www.russellwebster.com/probleague/", "date unknown"),
    ],
)
def test_an_undated_page_is_dated_by_the_inspection_it_is_about(kb, url, expected):
    assert citation_date(kb, url) == expected
    citer = Citer(kb)
    citer.number(url)
    assert citer.citation(url).published_text == expected


def test_a_cite_of_several_sources_numbers_each_once_side_by_side(kb):
    urls = ["http://www.russellwebster.com/hmipwnps19/", "http://www.russellwebster.com/probleague/"]
    html_cite = _html_helpers(Citer(kb))["cite"]
    text_cite = _text_helpers(Citer(kb))["cite"]
    assert str(html_cite(urls[1], "", urls[0], urls[1])) == f'<a href="{urls[1]}">[1]</a><a href="{urls[0]}">[2]</a>'
    assert text_cite(urls[0], urls[1], "", urls[0]) == "[1][2]"


def test_the_sources_list_links_each_publisher_to_its_site(kb):
    rows = [{"name": "Tom & Jerry's news", "count": 1, "site": "https://example.org/?a=1&b=2"}]
    page = Renderer(kb).pages("sources.j2", rows, 20, total_sources=1, publishers=1)[0]
    assert '• <a href="https://example.org/?a=1&amp;b=2">Tom &amp; Jerry&#39;s news</a>: 1 page' in page.html
    assert "• Tom & Jerry's news (https://example.org/?a=1&b=2): 1 page" in page.text


def test_reading_every_citation_renders_no_page_as_html(kb):
    """Numbering the pages nobody has read is done in plain text, the cheaper form: the HTML waits to be read."""
    r = Renderer(kb)
    url = "http://www.russellwebster.com/hmipwnps19/"
    pages = [r.page("no_match.j2", message="x", examples=[]) for _ in range(2)]
    pages.append(r.pages("sources.j2", [{"name": "n", "count": 2, "site": url}], 5, total_sources=2, publishers=1)[0])
    assert [c.url for c in r.citations()] == []
    assert all(p._html is None and p._text is not None for p in pages)
    later = Renderer(kb)
    first, second = (later.page("no_match.j2", message=m, examples=[]) for m in ("one", "two"))
    assert second.html == "two" and first._html is None and first._text == "one"  # numbered in plain text


# -- where a league's pages start ---------------------------------------------------------------------------------


def _placed(kb, ratings: dict[str, int]) -> list[dict[str, Any]]:
    """League rows as league.j2 takes them: ``ratings`` gives how many of each, in order; places by hand."""
    rows: list[dict[str, Any]] = []
    for rating, n in ratings.items():
        found = [i for i in kb.league(org_type="pdu") if i.overall_rating == rating][:n]
        assert len(found) == n, rating
        place = len(rows) + 1
        rows += [
            {"place": place, "place_words": f"place {place}", "group_size": n, "rating": rating, "insp": i, "name": "N"}
            for i in found
        ]
    return rows


def test_a_page_that_starts_a_rating_heads_it_and_one_that_continues_says_so(kb):
    rows = _placed(kb, {"Requires improvement": 5, "Inadequate": 7})
    pages = Renderer(kb).pages(
        "league.j2", rows, 5, heading="H", rule="R", others="O", show_full_names=False, short_sources=True
    )
    heads = [p.text.splitlines()[3 if k == 0 else 1] for k, p in enumerate(pages)]  # page 1: heading, rule, blank
    assert heads == ["Requires improvement: 5, place 1", "Inadequate: 7, place 6", "Inadequate, continued"]


# -- how many rows a page takes -----------------------------------------------------------------------------------
# page_size's estimate, by its documented rule: 400 characters of fixed wording a page, plus each word given
# beside the items; a string counts its length, a number 8, nothing (None, True, a function) 0; each value of a
# mapping or item of a list 2 more; a dataclass 30, plus each field and 2; a cited source its line: 60, the
# URL and the title (publisher, in the short form). Four rows fit a page of 4,096 when each is at most 924.
WALES_URL = "http://www.russellwebster.com/hmipwnps19/"  # inspections.csv, nps-wales-2019


@dataclass(frozen=True)
class Row:
    """A row of a kind the estimate does not know by name, so every field counts."""

    text: str
    source_url: str | None = None


@dataclass(frozen=True)
class Holder:
    row: Row


def _size(kb, items: list[Any], per_page: int = 4, short: bool = False, **context: Any) -> int:
    return page_size(kb, items, per_page, context, short)


def _source_line(kb, short: bool) -> int:
    title, publisher = sql(kb, "select title, publisher from sources where url = ?", WALES_URL)[0]
    return 60 + len(WALES_URL) + len(publisher if short else title)


@pytest.mark.parametrize(
    "row",
    [
        lambda n: "x" * n,
        lambda n: {"a": "x" * (n - 2)},
        lambda n: {"a": "x" * (n - 18), "b": None, "c": True, "d": len, "e": 7},
        lambda n: ["x" * (n - 4), None],
        lambda n: ("x" * (n - 4), None),
        lambda n: Row("x" * (n - 34)),
    ],
    ids=["string", "mapping", "mapping of nothing and a number", "list", "tuple", "dataclass"],
)
def test_four_rows_of_924_characters_fill_a_page(kb, row):
    assert [_size(kb, [row(n)] * 8) for n in (924, 925, 923)] == [4, 3, 4]


@pytest.mark.parametrize("short", [False, True])
def test_a_row_counts_the_line_its_source_takes(kb, short):
    line = _source_line(kb, short)

    def cited(n: int) -> Row:  # 30, the text and 2, the URL as a field and 2, and the source's line
        return Row("x" * (n - 34 - len(WALES_URL) - line), WALES_URL)

    for make in (cited, lambda n: {"r": cited(n - 2)}, lambda n: [cited(n - 2)], lambda n: Holder(cited(n - 32))):
        assert [_size(kb, [make(n)] * 8, short=short) for n in (924, 925)] == [4, 3]
    assert _size(kb, [Row("x" * 890, "")] * 8) == 4  # an empty URL cites nothing: 30 + 892 + 2, no source line


def test_words_beside_the_items_count_on_every_page(kb):
    heading = "h" * 96  # 496 a page: four rows of 900 fit, of 901 do not
    assert [_size(kb, ["x" * n] * 8, heading=heading) for n in (900, 901)] == [4, 3]


@pytest.mark.parametrize(
    "first, middle, last, expected",
    [
        (900, 10, 10, 3),  # the first page carries the list (100): 4 x 900 + 500 is over
        (10, 10, 900, 3),  # so does the last
        (10, 924, 10, 4),  # a middle page does not: 4 x 924 + 400 is exactly the limit
    ],
)
def test_lists_beside_the_items_count_on_the_first_and_last_pages_only(kb, first, middle, last, expected):
    items = ["x" * first] * 4 + ["x" * middle] * 4 + ["x" * last] * 4
    assert _size(kb, items, earlier=["e" * 98]) == expected


@pytest.mark.parametrize(
    "length, per_page, expected",
    [
        (462, 10, 8),  # ten do not fit, eight (a fifth fewer) do: 400 + 8 x 462 = 4,096
        (3000, 3, 1),  # a page of one, however long
        (5000, 3, 1),
        (10, 1, 1),
        (10, 0, 1),
    ],
)
def test_pages_shrink_by_a_fifth_until_they_fit(kb, length, per_page, expected):
    assert _size(kb, ["x" * length] * 20, per_page) == expected
