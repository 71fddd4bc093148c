"""The bot with the real engine over the real knowledge base: what people actually see.

Expected values come from the data, never from the engine: facts copied by hand from
``knowledge/data/inspections.csv`` (named below with their rows) and SQL written here against the
knowledge base. The bot must put those facts on screen, with their sources linked, through every
path a person takes: a private question, a group command or mention, the page and choice buttons,
"More detail", inline mode, and the plain-text fallback when Telegram refuses the HTML.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

import pytest

from bot.views import group_view
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID, parse_telegram_html
from tests.telegram_facts import MESSAGE_TEXT_LIMIT

pytestmark = pytest.mark.e2e

# inspections.csv, pdu-sheffield-2024 and pdu-sheffield-2023
SHEFFIELD_RATING = "Inadequate"
SHEFFIELD_2024 = "https://hmiprobation.justiceinspectorates.gov.uk/?p=570"
SHEFFIELD_2023 = "https://hmiprobation.justiceinspectorates.gov.uk/?p=1496"
# inspections.csv, wales-crc-2019
WALES_CRC_RATING = "Requires improvement"
WALES_CRC_SOURCE = "https://www.justiceinspectorates.gov.uk/hmiprobation/media/press-releases/2019/07/walescrc/"

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
#: Issue 10: a group's first message holds about 1,200 characters at most.
GROUP_FIRST_MESSAGE_MAX = 1200
#: A league page: rows grouped under rating headings ("Good: 3, joint 1st"), one bullet per body.
HEADING = re.compile(r"^(Outstanding|Good|Requires improvement|Inadequate)(?:: \d+, |, continued$)", re.MULTILINE)


def league_ratings(visible: str) -> list[str]:
    """The rating of every row of a league page, in the order shown, read from its rating headings."""
    ratings, current = [], None
    for line in visible.splitlines():
        if heading := HEADING.match(line):
            current = heading.group(1)
        elif line.startswith("Sources"):
            break
        elif current and line.startswith("• "):
            ratings.append(current)
    return ratings


def labels(call) -> list[list[str]]:
    return [[b["text"] for b in row] for row in (call.markup or {}).get("inline_keyboard", [])]


def cites(html: str, url: str) -> bool:
    """``html`` links ``url`` as a numbered citation."""
    return (
        re.search(rf'<a href="{re.escape(url)}">[^<]*\[\d+\]', html) is not None
        or re.search(rf'\[\d+\] <a href="{re.escape(url)}">', html) is not None
    )


def latest_ratings(kb, org_type: str) -> list[str]:
    """Each organisation's latest overall rating, best first, by SQL written here."""
    rows = (
        sqlite3.connect(kb.path)
        .execute(
            """
        select overall_rating from (
            select overall_rating, row_number() over (partition by org_id order by sort_date desc) as rn
            from inspections where org_type = ? and overall_rating is not null)
        where rn = 1""",
            (org_type,),
        )
        .fetchall()
    )
    return sorted((r[0] for r in rows), key=RATINGS.index)


async def test_private_question_answered_with_the_rating_and_its_source(api, real_bot):
    sent = await api.reply_to(api.private("how did Sheffield PDU do?"))
    assert sent.params["parse_mode"] == "HTML"
    visible = parse_telegram_html(sent.text)
    assert "Sheffield" in visible and f"Latest rating: {SHEFFIELD_RATING}" in visible
    assert cites(sent.text, SHEFFIELD_2024)


async def test_the_league_paged_through_with_buttons_lists_every_pdu(api, real_bot, kb):
    expected = latest_ratings(kb, "pdu")
    sent = await api.reply_to(api.private("/league"))
    pages = [sent.text]
    page = re.search(r"\(page 1 of (\d+)\)", sent.text)
    assert page, "a long league should say it is page 1 of several"
    n = int(page.group(1))
    assert n > 1 and labels(sent)[-1] == [f"1/{n}", "Next ›"]
    for k in range(2, n + 1):
        api.press(sent, "Next ›")
        edits = await api.wait_for("editMessageText", count=k - 1)
        edit = edits[-1]
        assert f"(page {k} of {n})" in edit.text
        assert labels(edit)[-1] == ["‹ Prev", f"{k}/{n}"] + (["Next ›"] if k < n else [])
        pages.append(edit.text)
    rows = [r for page in pages for r in league_ratings(parse_telegram_html(page))]
    assert Counter(rows) == Counter(expected) and rows == sorted(rows, key=RATINGS.index)


async def test_group_command_with_bot_name_gives_the_crc_league_compactly(api, real_bot, kb):
    expected = latest_ratings(kb, "crc")
    sent = await api.reply_to(api.group(f"/league@{BOT_USERNAME} crc"))
    assert sent.chat_id == GROUP_ID
    visible = parse_telegram_html(sent.text)
    # A group gets the summary: how many CRCs hold each latest rating, counted here by SQL.
    for rating, count in Counter(expected).items():
        assert f"{rating} {count}" in visible, (rating, count, visible[:300])
    assert len(visible) <= GROUP_FIRST_MESSAGE_MAX
    assert [row for row in labels(sent) if "More" in row] == [["More"]]


async def test_group_mention_answered_compactly_with_more(api, real_bot, engine):
    sent = await api.reply_to(api.group(f"@{BOT_USERNAME} how did Sheffield do?"))
    answer = engine.ask("how did Sheffield do?", compact=True)
    expected = group_view(engine, answer)
    assert "Sheffield" in sent.text and '<a href="http' in sent.text
    assert sent.text == expected[0].html
    assert any("More" in row for row in labels(sent)) == (len(expected) > 1)
    if len(expected) > 1:
        api.press(sent, "More", user_id=2002)
        (edit,) = await api.wait_for("editMessageText")
        assert edit.text == expected[1].html


async def test_choice_button_pressed(api, real_bot):
    sent = await api.reply_to(api.private("how did Wales do?"))
    choices = [row[0] for row in labels(sent) if len(row) == 1]
    assert len(choices) >= 2 and all("Wales" in c for c in choices)
    api.press(sent, "Wales CRC")
    (edit,) = await api.wait_for("editMessageText")
    visible = parse_telegram_html(edit.text)
    assert "Wales Community Rehabilitation Company" in visible and f"Latest rating: {WALES_CRC_RATING}" in visible
    assert cites(edit.text, WALES_CRC_SOURCE)


async def test_inline_query(api, real_bot):
    api.inline("sheffield pdu")
    (call,) = await api.wait_for("answerInlineQuery")
    results = call.params["results"]
    assert results, "an inline query for a place should offer at least one answer"
    first = results[0]
    assert "Sheffield" in first["title"] and SHEFFIELD_RATING in first["title"]
    assert cites(first["input_message_content"]["message_text"], SHEFFIELD_2024)


async def test_when_telegram_refuses_the_html_the_longest_page_still_fits_as_plain_text(api, real_bot, kb):
    """The plain-text fallback of a full league page must be within Telegram's limit too: the fake server
    refuses anything longer, as Telegram does, so the person would get nothing."""
    api.fail_next("sendMessage", "400-parse")
    asked = api.private("/league")
    (plain,) = await api.wait_for("sendMessage", lambda c: c.chat_id == 1001 and "parse_mode" not in c.params)
    assert plain.status == 200
    assert len(plain.text.encode("utf-16-le")) // 2 <= MESSAGE_TEXT_LIMIT
    assert league_ratings(plain.text) and "<b>" not in plain.text
    assert (plain.params.get("reply_parameters") or {}).get("message_id") == asked["message_id"]
