"""Long answers against Telegram's own limits, and long lists capped at both ends.

The limits come from ``tests.telegram_facts`` (the Bot API's documentation), never from the code:
with the engine's limit raised, pages Telegram refuses would pass a test that shares it. Both
renderings of every page must fit: the plain text is what the bot sends when Telegram refuses the
HTML.

The league that is capped is built here from a synthetic data folder (the real data plus a copy of
every organisation under an invented name), so the list is long enough whatever the real data holds;
what should head and end it is worked out with SQL written in the test.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.synthetic import make_synthetic_data
from knowledge.build import build
from knowledge.kb import KnowledgeBase
from responses import Engine
from tests.hardening.telegram_html import telegram_html_problems, utf16_length, visible_text
from tests.responses.helpers import league_rows_of
from tests.telegram_facts import MESSAGE_TEXT_LIMIT

#: The longest answers we know of: full league tables, long lists, every source, findings on common topics.
LONG_QUESTIONS = [
    "/league",
    "/league crc",
    "/league 2019",
    "/league region",
    "which PDUs were rated requires improvement?",
    "which organisations improved?",
    "scores",
    "/sources",
    "/find staffing",
    "/find domestic abuse",
    "how many PDUs were rated good?",
    "/latest",
    "/help",
]
RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("question", LONG_QUESTIONS)
def test_every_page_of_a_long_answer_fits_one_telegram_message(engine, question, compact):
    answer = engine.ask(question, compact=compact)
    for n, page in enumerate(answer.pages, 1):
        assert not telegram_html_problems(page.html), (n, telegram_html_problems(page.html))
        assert utf16_length(visible_text(page.html)) <= MESSAGE_TEXT_LIMIT, f"page {n} of {question!r}: HTML too long"
        assert utf16_length(page.text) <= MESSAGE_TEXT_LIMIT, f"page {n} of {question!r}: plain text too long"


def test_the_full_league_needs_several_pages(engine, kb):
    """The league of every PDU is long enough to need paging: the checks above are not vacuous."""
    pdus = (
        sqlite3.connect(kb.path)
        .execute("select count(distinct org_id) from inspections where org_type = 'pdu' and overall_rating is not null")
        .fetchone()[0]
    )
    answer = engine.ask("/league")
    assert pdus > 40 and len(answer.pages) > 1
    assert len(league_rows_of(answer)) == pdus


# -- capped lists keep both ends ------------------------------------------------------------------


@pytest.fixture(scope="module")
def doubled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base with every organisation twice: the real one and a synthetic twin."""
    folder = tmp_path_factory.mktemp("doubled")
    make_synthetic_data(folder / "data", factor=2)
    path = folder / "doubled.db"
    build(folder / "data", path)
    return path


def _latest_ratings(path: Path) -> list[str]:
    """Each PDU's latest overall rating, best first, by SQL of our own."""
    rows = (
        sqlite3.connect(path)
        .execute("""
        select overall_rating from (
            select overall_rating, row_number() over (partition by org_id order by sort_date desc) as rn
            from inspections where org_type = 'pdu' and overall_rating is not null)
        where rn = 1""")
        .fetchall()
    )
    return sorted((r[0] for r in rows), key=RATINGS.index)


def test_a_capped_league_keeps_the_top_and_the_bottom(doubled):
    ratings = _latest_ratings(doubled)
    assert len(ratings) > 100, "the synthetic league must be longer than any cap"
    answer = Engine(KnowledgeBase(doubled)).ask("/league")
    shown = [row.rating for row in league_rows_of(answer)]
    left_out = len(ratings) - len(shown)
    assert left_out > 0 and f"{left_out} more in between, not listed" in answer.text
    half = len(shown) // 2
    # The top of the table is the best ratings, the bottom the worst: ratings compared as multisets, so
    # the order of equal ratings (score, date) does not matter here.
    assert Counter(shown[:half]) == Counter(ratings[:half])
    assert Counter(shown[half:]) == Counter(ratings[len(ratings) - (len(shown) - half) :])
    assert shown[-1] == ratings[-1] == "Inadequate"
