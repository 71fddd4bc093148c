"""Load: many chats writing at once get every answer, exactly once, in order per chat.

The real Application (``bot.app.build_application``, run by the bot tests' own ``running_bot``) with
the real engine polls the fake Bot API server (``tests.bot.fake_bot_api``) over HTTP on 127.0.0.1.
All messages are queued on the server before the bot fetches any, so they arrive together.

Settings, stated: the default chat guard (``CHAT_RATE_PER_MINUTE`` 20) is kept, and each chat sends
exactly 20 messages, the most it answers in a minute. For the 1,000-message test the rate limiter's
overall limit (Telegram's 30 messages a second, which would make it take 35 s) is lifted, as
``benchmarks.e2e.unthrottled`` does; the smaller test keeps the application exactly as configured.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from typing import Any

import pytest

import bot.app
from bot.handlers import SLOW_DOWN
from bot.settings import DEFAULT_CHAT_RATE_PER_MINUTE
from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.e2e

QUESTIONS = [
    "how did Sheffield do?",
    "/league crc",
    "Has Durham Tees Valley CRC improved?",
    "who owns Merseyside CRC",
    "compare Sheffield and Doncaster",
    "which CRCs were rated inadequate?",
    "/find caseloads",
    "westmercia crc",
    "how many people were under probation supervision in 2018?",
    "how did Wales do?",
    "/help",
    "Sunderland PDU",
    "what did inspectors say about staffing?",
    "which PDU scored 0 out of 27?",
    "/league nps",
    "/latest",
    "humbersde lincs crc",
    "how many NPS divisions were rated good in the first round?",
    "/sources",
    "asdfghjkl",
    "how did stockton do",
    "standards for BGSW",
    "/league 2019",
    "hello",
]


def _lift_overall_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # build_application makes the bot's own subclass (GroupFairRateLimiter): replacing AIORateLimiter, as this
    # once did, lifted nothing.
    real = bot.app.GroupFairRateLimiter
    monkeypatch.setattr(
        bot.app,
        "GroupFairRateLimiter",
        lambda **kwargs: real(overall_max_rate=0, overall_time_period=0, **kwargs),
    )


async def _flood(
    engine: Any, chats: int, per_chat: int, timeout: float, api: FakeBotApi | None = None
) -> tuple[FakeBotApi, dict[int, list[int]]]:
    """Queue ``per_chat`` messages from each of ``chats`` private chats at once; wait for every reply."""
    api = api or FakeBotApi()
    await api.start()
    try:
        async with running_bot(make_settings(api), engine):
            await api.wait_for("getUpdates")
            sent: dict[int, list[int]] = defaultdict(list)
            k = 0
            for _round in range(per_chat):  # interleaved, as many people typing at once would be
                for chat in range(chats):
                    message = api.private(QUESTIONS[k % len(QUESTIONS)], user_id=70_000 + chat)
                    sent[70_000 + chat].append(message["message_id"])
                    k += 1
            total = chats * per_chat
            deadline = time.monotonic() + timeout
            while len(api.calls_to("sendMessage")) < total and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # anything extra (a duplicate, a "slow down") would show up now
    finally:
        await api.stop()
    return api, sent


def _check(api: FakeBotApi, sent: dict[int, list[int]]) -> None:
    total = sum(len(ids) for ids in sent.values())
    replies = api.calls_to("sendMessage")
    assert [c.status for c in replies if c.status != 200] == [], "the server refused some replies"
    assert not [c for c in replies if c.text == SLOW_DOWN], "the chat guard held messages back"
    replied_to = [(c.chat_id, (c.params.get("reply_parameters") or {}).get("message_id")) for c in replies]
    counts = Counter(replied_to)
    expected = {(chat, mid) for chat, ids in sent.items() for mid in ids}
    lost = expected - set(counts)
    assert not lost, f"{len(lost)} of {total} messages were never answered, e.g. {sorted(lost)[:5]}"
    twice = [key for key, n in counts.items() if n > 1]
    assert not twice, f"answered more than once: {twice[:5]}"
    assert set(counts) == expected and len(replies) == total
    by_chat: dict[int | None, list[int | None]] = defaultdict(list)
    for chat, mid in replied_to:
        by_chat[chat].append(mid)
    out_of_order = [chat for chat, ids in sent.items() if by_chat[chat] != ids]
    assert not out_of_order, f"replies out of order in chats {out_of_order[:5]}"
    assert not [c for c in replies if "something went wrong" in c.text.lower()]


async def test_a_thousand_messages_from_fifty_chats_all_answered_once_in_order(engine, monkeypatch):
    assert DEFAULT_CHAT_RATE_PER_MINUTE >= 20
    _lift_overall_limit(monkeypatch)
    # Throughput, not flood control, is under test here: the server's flood limits are off too.
    api, sent = await _flood(engine, chats=50, per_chat=20, timeout=90, api=FakeBotApi(flood=None))
    assert sum(len(v) for v in sent.values()) == 1000
    _check(api, sent)


async def test_a_burst_through_the_configured_rate_limiter_loses_nothing(engine):
    """As built for Telegram: a burst is queued, not dropped, and the rate limiter keeps within the flood limits
    the fake server enforces as Telegram does (no 429 at all, checked in _check). Chats are answered side by side,
    so sends reach the server with some jitter; the limiter's own pace (bot.app.OVERALL_SENDS_PER_SECOND, 25)
    stays a margin below Telegram's 30 a second (tests.telegram_facts) for that, rather than this test excusing
    429s the limiter would then have to wait out and retry."""
    api, sent = await _flood(engine, chats=50, per_chat=3, timeout=60)
    # No timing here: had the rate limiter let the burst through faster than Telegram's 30 a second, the fake
    # server would have answered 429, which _check refuses.
    _check(api, sent)
