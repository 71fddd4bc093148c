"""The fake Bot API server of the bot's tests (``tests.bot.fake_bot_api``), run in a process of its own.

The end-to-end benchmark runs the bot in one process and this server in another, so the server's
work (parsing requests, checking HTML) is not charged to the bot, as with the real Telegram. The
benchmark drives it with one JSON command per line on standard input; each answer is one JSON line
on standard output. Times are ``time.monotonic()``, which on Linux is one clock for every process.

    {"cmd": "push", "messages": [[chat_id, text], ...]}  queue them all at once; -> {"at": t, "ids": [...]}
    {"cmd": "wait", "count": n, "timeout": s}           until n sendMessage replies since the push;
                                                        -> {"replies": k, "last_at": t, "by_chat": {...}}
    {"cmd": "latency", "ms": 50}                        answer each sendMessage after that long
    {"cmd": "reset"}                                    forget recorded calls
    {"cmd": "stop"}
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from tests.bot.fake_bot_api import FakeBotApi


class SlowFakeBotApi(FakeBotApi):
    """The fake server, answering sendMessage only after ``delay`` seconds: a round trip to a far server."""

    delay: float = 0.0

    async def _m_sendMessage(self, params: dict[str, Any], call: Any) -> dict[str, Any]:
        if self.delay:
            await asyncio.sleep(self.delay)
        return await super()._m_sendMessage(params, call)


def _replies(api: FakeBotApi) -> list[Any]:
    return [c for c in api.calls if c.method == "sendMessage" and c.status == 200]


async def _serve() -> None:
    # No flood limits: the benchmark measures the bot's own throughput (its rate limiter is measured in its
    # own round); the tests check that the bot keeps within Telegram's limits.
    api = SlowFakeBotApi(max_poll_wait=1.0, flood=None)
    await api.start()
    print(json.dumps({"port": api.port, "base_url": api.base_url, "token": api.token}), flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)
        kind = cmd["cmd"]
        if kind == "push":
            at = time.monotonic()
            ids = [api.send_text(text, chat_id=int(chat))["message_id"] for chat, text in cmd["messages"]]
            out: dict[str, Any] = {"at": at, "ids": ids}
        elif kind == "wait":
            deadline = time.monotonic() + float(cmd.get("timeout", 120))
            count, seen, done = int(cmd["count"]), 0, 0
            while done < count and time.monotonic() < deadline:
                calls = api.calls
                done += sum(1 for c in calls[seen:] if c.method == "sendMessage" and c.status == 200)
                seen = len(calls)
                await asyncio.sleep(0.005)
            replies = _replies(api)
            by_chat: dict[str, list[int | None]] = {}
            for c in replies:
                replied_to = (c.params.get("reply_parameters") or {}).get("message_id")
                by_chat.setdefault(str(c.chat_id), []).append(replied_to)
            errors = [c.status for c in api.calls if c.status != 200]
            out = {
                "replies": len(replies),
                "last_at": max((c.at for c in replies), default=None),
                "by_chat": by_chat,
                "errors": errors,
                "first_at": min((c.at for c in replies), default=None),
            }
        elif kind == "latency":
            api.delay = float(cmd["ms"]) / 1000
            out = {"ok": True}
        elif kind == "reset":
            api.calls.clear()
            out = {"ok": True}
        elif kind == "stop":
            print(json.dumps({"ok": True}), flush=True)
            break
        else:
            out = {"error": f"unknown command {kind!r}"}
        print(json.dumps(out), flush=True)
    await api.stop()


if __name__ == "__main__":
    asyncio.run(_serve())
