"""Inline mode: "@ThisBot sheffield" in any chat offers answers to insert."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


async def test_inline_query_offers_articles(api, bot):
    query_id = api.inline("how did Sheffield do?")
    (call,) = await api.wait_for("answerInlineQuery")
    assert call.params["inline_query_id"] == query_id
    (result,) = call.params["results"]
    assert result["type"] == "article"
    assert result["title"] == "You asked: how did Sheffield do?"
    assert result["description"] == "An answer."
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith("<b>You asked: how did Sheffield do?</b>")
    assert content["link_preview_options"] == {"is_disabled": True}
    assert int(call.params["cache_time"]) > 0


async def test_inline_result_keeps_its_page_buttons(api, bot):
    api.inline("/league")
    (call,) = await api.wait_for("answerInlineQuery")
    buttons = [b["text"] for row in call.params["results"][0]["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["1/3", "Next ›"]


async def test_empty_inline_query_offers_a_way_to_the_private_chat(api, bot):
    api.inline("")
    (call,) = await api.wait_for("answerInlineQuery")
    assert call.params["results"] == []
    assert call.params["button"] == {"text": "How to ask: open a chat with the bot", "start_parameter": "inline"}


async def test_inline_results_telegram_refuses_are_offered_as_plain_text(api, bot):
    api.inline("badhtml")
    first, second = await api.wait_for("answerInlineQuery", count=2, ok_only=False)
    assert first.status == 400
    assert second.status == 200
    content = second.params["results"][0]["input_message_content"]
    assert content["message_text"] == "unsupported tag (plain)" and "parse_mode" not in content
