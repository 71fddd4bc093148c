"""The fake Bot API server refuses what Telegram refuses: the tests of the bot are only as strict as it is.

Requests go to it over HTTP as the bot's would; every rule is one of ``tests.telegram_facts``.
The last test runs the bot, with its real rate limiter, into the server's flood limits.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID, FakeBotApi, FloodLimits
from tests.telegram_facts import (
    CALLBACK_DATA_LIMIT,
    ENTITY_LIMIT,
    MESSAGE_TEXT_LIMIT,
    OVERALL_PER_SECOND,
    PER_GROUP_PER_MINUTE,
)

pytestmark = pytest.mark.e2e

CHAT = 1001


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    api.chat(CHAT)
    api.chat(GROUP_ID)
    yield api
    await api.stop()


async def call(api: FakeBotApi, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """POST ``method`` as python-telegram-bot does (form fields, JSON-encoded where the Bot API wants JSON)."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{api.base_url}{api.token}/{method}", data=form) as response,
    ):
        return response.status, await response.json()


async def send(api: FakeBotApi, text: str, chat_id: int = CHAT, **params: Any) -> tuple[int, dict[str, Any]]:
    return await call(api, "sendMessage", chat_id=str(chat_id), text=text, **params)


@pytest.mark.parametrize(
    "html",
    [
        "<b>ok</b> <i>ok</i> <u>ok</u> <s>ok</s> <code>x</code> <pre>x</pre> <blockquote>q</blockquote>",
        '<span class="tg-spoiler">secret</span> <tg-spoiler>secret</tg-spoiler>',
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        '<a href="https://example.org/?a=1&amp;b=2">link</a> &lt;3 &amp; &quot;q&quot; &#65; &#x42;',
    ],
)
async def test_html_telegram_accepts(server, html):
    status, body = await send(server, html, parse_mode="HTML")
    assert status == 200, body


@pytest.mark.parametrize(
    "html, why",
    [
        ("<span>plain span</span>", "span"),
        ('<span class="other">x</span>', "span"),
        ("<tg-emoji>👍</tg-emoji>", "emoji"),
        ('<tg-emoji emoji-id="">👍</tg-emoji>', "emoji"),
        ("<a>no link</a>", "href"),
        ('<a href="">empty link</a>', "href"),
        ("<div>x</div>", "div"),
        ("<b>unclosed", "end tag"),
        ("<b><i>crossed</b></i>", "end tag"),
        ("5 < 6", "<"),
        ("Tom & Jerry", "&"),
        ("&nbsp;", "nbsp"),
        ("&#x110000;", "Invalid character"),
        ("&#xD800;", "Invalid character"),
        ("&#0;", "Invalid character"),
        ("<b>x</b>" * (ENTITY_LIMIT + 1), "Too many entities"),
    ],
)
async def test_html_telegram_refuses_is_a_400_with_its_reason(server, html, why):
    status, body = await send(server, html, parse_mode="HTML")
    assert status == 400 and body["ok"] is False
    assert "can't parse entities" in body["description"] and why in body["description"]


async def test_as_many_entities_as_telegram_allows_are_accepted(server):
    assert (await send(server, "<b>x</b>" * ENTITY_LIMIT, parse_mode="HTML"))[0] == 200


@pytest.mark.parametrize(
    "entities",
    [
        "not json",
        [{"type": "bold", "offset": 3, "length": 10}],
        [{"type": "bold", "offset": -1, "length": 2}],
        [{"type": "bold", "offset": 0, "length": 0}],
        [{"type": "blink", "offset": 0, "length": 2}],
        [{"type": "text_link", "offset": 0, "length": 2}],
        [{"offset": 0, "length": 2}],
        {"type": "bold"},
    ],
)
async def test_malformed_entities_are_a_400_not_a_500(server, entities):
    status, body = await send(server, "hello", entities=entities)
    assert status == 400 and body["ok"] is False, body


@pytest.mark.parametrize(
    "params",
    [
        {"text": "no chat"},
        {"chat_id": "not-a-number", "text": "x"},
        {"chat_id": str(CHAT), "text": "x", "reply_markup": [1, 2]},
    ],
)
async def test_missing_or_ill_typed_parameters_are_a_400_not_a_500(server, params):
    status, body = await call(server, "sendMessage", **params)
    assert status == 400 and body["ok"] is False, body


async def test_entities_within_the_text_counted_in_utf16_are_accepted(server):
    # "👍" is two UTF-16 units: "ok" starts at offset 3.
    status, body = await send(server, "👍 ok", entities=[{"type": "bold", "offset": 3, "length": 2}])
    assert status == 200, body


@pytest.mark.parametrize(
    "text, parse_mode", [("", None), ("   \n", None), ("<b> </b>", "HTML"), ('<a href="https://x.org"> </a>', "HTML")]
)
async def test_text_that_shows_nothing_is_refused(server, text, parse_mode):
    status, body = await send(server, text, **({"parse_mode": parse_mode} if parse_mode else {}))
    assert status == 400 and "empty" in body["description"]


async def test_length_is_the_visible_text_in_utf16_units(server):
    markup = "<b>" + "x" * (MESSAGE_TEXT_LIMIT - 2) + "</b>" + '<a href="https://example.org/long">yz</a>'
    assert (await send(server, markup, parse_mode="HTML"))[0] == 200  # tags do not count
    assert (await send(server, "x" * MESSAGE_TEXT_LIMIT))[0] == 200
    status, body = await send(server, "x" * (MESSAGE_TEXT_LIMIT - 1) + "👍")  # the emoji counts twice
    assert status == 400 and "too long" in body["description"]


async def test_callback_data_over_64_bytes_is_refused(server):
    def markup(data: str) -> dict[str, Any]:
        return {"inline_keyboard": [[{"text": "b", "callback_data": data}]]}

    assert (await send(server, "ok", reply_markup=markup("é" * (CALLBACK_DATA_LIMIT // 2))))[0] == 200
    status, body = await send(server, "ok", reply_markup=markup("é" * (CALLBACK_DATA_LIMIT // 2) + "x"))
    assert status == 400 and "BUTTON_DATA_INVALID" in body["description"]


async def test_edits_that_change_nothing_are_not_modified(server):
    keyboard = {"inline_keyboard": [[{"text": "b", "callback_data": "x"}]]}
    _, body = await send(server, "<b>hi</b>", parse_mode="HTML", reply_markup=keyboard)
    where = {"chat_id": str(CHAT), "message_id": str(body["result"]["message_id"])}
    status, body = await call(
        server, "editMessageText", **where, text="<b>hi</b>", parse_mode="HTML", reply_markup=keyboard
    )
    assert status == 400 and "message is not modified" in body["description"]
    status, body = await call(server, "editMessageReplyMarkup", **where, reply_markup=keyboard)
    assert status == 400 and "message is not modified" in body["description"]
    assert (await call(server, "editMessageReplyMarkup", **where, reply_markup={"inline_keyboard": []}))[0] == 200
    status, body = await call(server, "editMessageReplyMarkup", **where)
    assert status == 400 and "message is not modified" in body["description"]  # no keyboard, and none asked for
    assert (await call(server, "editMessageText", **where, text="<b>hi</b>", parse_mode="HTML"))[0] == 400
    assert (await call(server, "editMessageText", **where, text="<b>bye</b>", parse_mode="HTML"))[0] == 200
    status, body = await call(server, "editMessageText", chat_id=str(CHAT), message_id="999999", text="x")
    assert status == 400 and "message to edit not found" in body["description"]


async def test_a_callback_query_is_answered_once_and_in_time(server):
    _, body = await send(server, "ok", reply_markup={"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]})
    sent = server.calls[-1]
    sent.result_message_id = body["result"]["message_id"]
    query = server.press(sent, "Go")
    assert (await call(server, "answerCallbackQuery", callback_query_id=query))[0] == 200
    status, body = await call(server, "answerCallbackQuery", callback_query_id=query)
    assert status == 400 and "query is too old" in body["description"]
    status, body = await call(server, "answerCallbackQuery", callback_query_id="never-pressed")
    assert status == 400 and "query is too old" in body["description"]
    server.callback_answer_seconds = 0.05
    late = server.press(sent, "Go")
    await asyncio.sleep(0.1)
    status, body = await call(server, "answerCallbackQuery", callback_query_id=late)
    assert status == 400 and "query is too old" in body["description"]


async def test_only_the_update_kinds_asked_for_are_handed_out(server):
    server.push({"message": server.make_message("hi", chat_id=CHAT)})
    server.push({"edited_message": server.make_message("hi again", chat_id=CHAT)})
    server.push({"chat_member": {"chat": server.chat(GROUP_ID)}})
    _, body = await call(server, "getUpdates", timeout="0")
    assert [next(k for k in u if k != "update_id") for u in body["result"]] == ["message", "edited_message"]
    _, body = await call(server, "getUpdates", timeout="0", allowed_updates=["message", "chat_member"])
    assert [next(k for k in u if k != "update_id") for u in body["result"]] == ["message", "chat_member"]
    status, _ = await call(server, "getUpdates", timeout="0", allowed_updates=["no_such_kind"])
    assert status == 400


async def test_flood_limits_answer_429_with_retry_after(server):
    for n in range(3):  # a short burst in one chat is tolerated ...
        assert (await send(server, f"m{n}"))[0] == 200
    status, body = await send(server, "one too many")  # ... then about one a second
    assert status == 429 and body["parameters"]["retry_after"] >= 1
    server.chat(1002)
    assert (await send(server, "another chat", chat_id=1002))[0] == 200


async def test_a_group_gets_20_a_minute_and_everyone_30_a_second():
    api = FakeBotApi(flood=FloodLimits(per_chat=(1000, 1.0)))
    await api.start()
    try:
        api.chat(GROUP_ID)
        results = [(await send(api, f"g{n}", chat_id=GROUP_ID))[0] for n in range(PER_GROUP_PER_MINUTE + 1)]
        assert results == [200] * PER_GROUP_PER_MINUTE + [429]
        for chat in range(5000, 5000 + OVERALL_PER_SECOND):
            api.chat(chat)
        results = [(await send(api, "x", chat_id=chat))[0] for chat in range(5000, 5000 + OVERALL_PER_SECOND)]
        assert 429 in results  # 21 sent already this second: the 30-a-second limit is reached
    finally:
        await api.stop()


async def test_the_rate_limiter_rides_out_the_flood_limits(engine):
    """A busy group: more answers at once than the server lets through. The bot's real rate limiter waits
    retry_after and resends, so every question is answered, once, in order."""
    api = FakeBotApi(flood=FloodLimits(per_group=(2, 2.0)))
    await api.start()
    try:
        async with running_bot(make_settings(api), engine):
            asked = [
                api.group(f"/inspection@{BOT_USERNAME} {name} PDU", user_id=2001 + k)
                for k, name in enumerate(("Sheffield", "Doncaster", "Leeds", "Sunderland"))
            ]
            replies = [await api.reply_to(message, timeout=20) for message in asked]
        refused = [c for c in api.calls_to("sendMessage", GROUP_ID) if c.status == 429]
        assert refused, "the server's group limit should have been reached"
        assert [r.params["reply_parameters"]["message_id"] for r in replies] == [m["message_id"] for m in asked]
        assert all(
            name in r.text for r, name in zip(replies, ("Sheffield", "Doncaster", "Leeds", "Sunderland"), strict=True)
        )
        accepted = api.calls_to("sendMessage", GROUP_ID, ok_only=True)
        assert len(accepted) == len(asked)
    finally:
        await api.stop()
