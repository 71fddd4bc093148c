"""The bot with the real engine over the real knowledge base: what people actually see.

The bot must show exactly what the engine answers (first page, its buttons) and the answers must be
the cited, HTML ones a person expects. Expected pages are taken from the same engine, so these
tests check the bot's delivery precisely while staying true if the engine's wording changes; the
content checks (a name, a link) are the ones that matter to a reader.
"""

from __future__ import annotations

import pytest

from bot.views import group_view
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID

pytestmark = pytest.mark.e2e


def labels(call) -> list[list[str]]:
    return [[b["text"] for b in row] for row in (call.markup or {}).get("inline_keyboard", [])]


async def test_private_question_answered_with_citations(api, real_bot, engine):
    asked = api.private("how did Sheffield do?")
    sent = await api.reply_to(asked)
    assert sent.params["parse_mode"] == "HTML"
    assert "Sheffield" in sent.text
    assert '<a href="http' in sent.text
    assert sent.text == engine.ask("how did Sheffield do?").pages[0].html


async def test_league_pages_with_buttons(api, real_bot, engine):
    expected = engine.ask("/league")
    assert len(expected.pages) > 1, "the full league table should need more than one message"
    sent = await api.reply_to(api.private("/league"))
    assert sent.text == expected.pages[0].html
    assert labels(sent)[-1] == [f"1/{len(expected.pages)}", "Next ›"]
    api.press(sent, "Next ›")
    (edit,) = await api.wait_for("editMessageText")
    assert edit.text == expected.pages[1].html
    n = len(expected.pages)
    assert labels(edit)[-1] == ["‹ Prev", f"2/{n}"] + (["Next ›"] if n > 2 else [])


async def test_group_command_with_bot_name(api, real_bot, engine):
    sent = await api.reply_to(api.group(f"/league@{BOT_USERNAME} crc"))
    expected = group_view(engine, engine.ask("/league crc", compact=True))
    assert sent.chat_id == GROUP_ID
    assert sent.text == expected[0].html
    assert "CRC" in sent.text


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


async def test_choice_button_pressed(api, real_bot, engine):
    expected = engine.ask("how did Wales do?")
    assert expected.kind == "choices" and len(expected.choices) >= 2
    sent = await api.reply_to(api.private("how did Wales do?"))
    choice_rows = [row for row in labels(sent) if len(row) == 1]
    assert choice_rows == [[c.label] for c in expected.choices]
    first = expected.choices[0]
    api.press(sent, first.label)
    (edit,) = await api.wait_for("editMessageText")
    assert "Wales" in edit.text and '<a href="http' in edit.text
    assert edit.text == engine.from_ref(first.ref).pages[0].html


async def test_inline_query(api, real_bot, engine):
    api.inline("sheffield")
    (call,) = await api.wait_for("answerInlineQuery")
    results = call.params["results"]
    assert results, "an inline query for a place should offer at least one answer"
    assert [r["title"] for r in results] == [a.title for a in engine.inline("sheffield", limit=5)]
    assert "Sheffield" in results[0]["title"]
    assert '<a href="http' in results[0]["input_message_content"]["message_text"]
