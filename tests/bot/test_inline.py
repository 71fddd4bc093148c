"""Inline mode: "@ThisBot sheffield" in any chat offers answers to insert.

The real engine answers, except in the last test, which needs a page Telegram refuses (a transport
test: the real engine never makes one), and so uses the scripted engine.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# inspections.csv, pdu-sheffield-2024: Inadequate, published 2024-10-24
SHEFFIELD_SOURCE = "https://hmiprobation.justiceinspectorates.gov.uk/?p=570"


async def test_inline_query_offers_articles(api, bot):
    query_id = api.inline("how did Sheffield PDU do?")
    (call,) = await api.wait_for("answerInlineQuery")
    assert call.params["inline_query_id"] == query_id
    result = call.params["results"][0]
    assert result["type"] == "article"
    assert "Sheffield" in result["title"] and "Inadequate" in result["title"]
    assert "Inadequate" in result["description"] and "24 October 2024" in result["description"]
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith("<b>Sheffield Probation Delivery Unit</b>")
    assert f'<a href="{SHEFFIELD_SOURCE}">' in content["message_text"]
    assert content["link_preview_options"] == {"is_disabled": True}
    assert int(call.params["cache_time"]) > 0


async def test_inline_league_is_the_summary_with_a_way_to_the_full_table(api, bot):
    """Inline results go into any chat, so they are the short form: the league's summary (issue 10), with a
    button that opens the full table in place."""
    api.inline("/league")
    (call,) = await api.wait_for("answerInlineQuery")
    result = call.params["results"][0]
    text = result["input_message_content"]["message_text"]
    assert "Top" in text and "Bottom" in text and "(page 1 of" not in text
    buttons = [b["text"] for row in result["reply_markup"]["inline_keyboard"] for b in row]
    assert "More detail" in buttons, buttons


async def test_empty_inline_query_offers_how_to_ask(api, bot):
    api.inline("")
    (call,) = await api.wait_for("answerInlineQuery")
    (result,) = call.params["results"]
    assert result["title"] == "How to ask" and "/league" in result["input_message_content"]["message_text"]


async def test_inline_query_with_no_answer_offers_a_way_to_the_private_chat(api, scripted_bot):
    """The scripted engine has no answers for an empty query; the real one always offers help, so only a
    canned engine can show what happens when there is nothing to offer (transport)."""
    api.inline("")
    (call,) = await api.wait_for("answerInlineQuery")
    assert call.params["results"] == []
    assert call.params["button"] == {"text": "How to ask: open a chat with the bot", "start_parameter": "inline"}


async def test_inline_results_telegram_refuses_are_offered_as_plain_text(api, scripted_bot):
    api.inline("badhtml")
    first, second = await api.wait_for("answerInlineQuery", count=2, ok_only=False)
    assert first.status == 400
    assert second.status == 200
    content = second.params["results"][0]["input_message_content"]
    assert content["message_text"] == "unsupported tag (plain)" and "parse_mode" not in content
