"""End to end: messages answered per second by the real Application against the fake Bot API server.

The bot is built exactly as ``probation-bot run`` builds it (``bot.app.build_application``) and run
as the bot's own end-to-end tests run it (``tests.bot.conftest.running_bot``: long polling against
``tests.bot.fake_bot_api.FakeBotApi``). The server runs in a child process (``benchmarks.fake_server``).
A round queues many messages from many private chats at once and times, at the server, from the
moment they were queued to the arrival of the last reply.

Setups that share every part but the engine: the real engine; an "echo" engine that answers every
message with one fixed short text (their ratio is what answering costs over merely replying); and a
"replay" engine handing back the real answers worked out beforehand (what delivering real answers,
longer and with buttons, costs apart from working them out).

Two rate settings are measured:

* unthrottled: ``AIORateLimiter`` with its overall limit off (as ``build_application`` makes it
  otherwise): how fast the bot can go;
* as configured: the application exactly as built, whose rate limiter holds all sends to Telegram's
  30 messages a second, so the real bot can never answer faster than that.

And once more unthrottled with every sendMessage answered only after a delay (50 ms, a round trip to
a distant Bot API server): the application handles chats side by side (``bot.processor``), so the
round trips overlap and the rate stays near the unthrottled one (``rtt_hiding_ratio``); handled one at
a time, the round trip, not the engine, would set the pace.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bot.app
from bot.settings import Settings
from responses import ANSWER, Answer, Engine, Page

ROOT = Path(__file__).resolve().parent.parent
ECHO_TEXT = "Thanks, noted."


class EchoEngine:
    """The engine interface, answering everything with one fixed text and no work."""

    _answer = Answer(
        kind=ANSWER, intent="echo", question="", title="echo", pages=[Page(html=ECHO_TEXT, text=ECHO_TEXT)]
    )

    def ask(self, question: str, *, compact: bool = False, conversation: str | None = None) -> Answer:
        return self._answer

    def from_ref(self, ref: str, *, compact: bool = False) -> Answer:
        return self._answer

    def inline(self, query: str, limit: int = 5) -> list[Answer]:
        return [self._answer]


class ReplayEngine:
    """The real engine's answers, worked out beforehand and handed back from a dict: the cost of
    delivering real answers (longer HTML, buttons) without the cost of working them out."""

    def __init__(self, engine: Engine, questions: list[str]) -> None:
        self._engine = engine
        self._answers = {q: engine.ask(q) for q in questions}

    def ask(self, question: str, *, compact: bool = False, conversation: str | None = None) -> Answer:
        found = self._answers.get(question)
        return found if found is not None and not compact else self._engine.ask(question, compact=compact)

    def from_ref(self, ref: str, *, compact: bool = False) -> Answer:
        return self._engine.from_ref(ref, compact=compact)

    def inline(self, query: str, limit: int = 5) -> list[Answer]:
        return self._engine.inline(query, limit)


class ServerProcess:
    """``benchmarks.fake_server`` in a child process, driven line by line."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.fake_server"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        hello = self._read()
        self.base_url: str = hello["base_url"]
        self.token: str = hello["token"]

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the fake Bot API server process ended")
        message: dict[str, Any] = json.loads(line)
        return message

    def command(self, **cmd: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self._read()

    async def acommand(self, **cmd: Any) -> dict[str, Any]:
        return await asyncio.to_thread(self.command, **cmd)

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(Exception):
                self.command(cmd="stop")
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def unthrottled() -> Iterator[None]:
    """Build applications whose rate limiter has no overall limit (everything else as configured).

    ``build_application`` makes the limiter from whichever class ``bot.app`` names for it (python-telegram-bot's
    ``AIORateLimiter`` or the bot's own subclass of it); that name is the one replaced here.
    """
    name = "GroupFairRateLimiter" if hasattr(bot.app, "GroupFairRateLimiter") else "AIORateLimiter"
    real = getattr(bot.app, name)

    def without_overall_limit(**kwargs: Any) -> Any:
        return real(overall_max_rate=0, overall_time_period=0, **kwargs)

    setattr(bot.app, name, without_overall_limit)
    try:
        yield
    finally:
        setattr(bot.app, name, real)


def messages_for(questions: list[str], chats: int, first_chat: int = 5000) -> list[tuple[int, str]]:
    """Questions spread round-robin over ``chats`` private chats."""
    return [(first_chat + k % chats, q) for k, q in enumerate(questions)]


async def _round(
    server: ServerProcess, engine: Any, messages: list[tuple[int, str]], *, throttled: bool, timeout: float
) -> dict[str, Any]:
    from tests.bot.conftest import running_bot  # the bot's own test harness (imports pytest)

    settings = Settings(token=server.token, base_url=server.base_url, chat_rate_per_minute=0, log_level="WARNING")
    await server.acommand(cmd="reset")
    ctx = contextlib.nullcontext() if throttled else unthrottled()
    with ctx:
        async with running_bot(settings, engine):
            await asyncio.sleep(0.3)  # let start-up requests (setMyCommands, first poll) settle
            cpu = time.process_time()
            pushed = await server.acommand(cmd="push", messages=messages)
            done = await server.acommand(cmd="wait", count=len(messages), timeout=timeout)
            cpu = time.process_time() - cpu
    # The bot has stopped: a second answer to any message would be in this tally.
    final = await server.acommand(cmd="wait", count=len(messages), timeout=0)
    ids = pushed["ids"]
    expected: dict[str, list[int]] = {}
    for (chat, _q), mid in zip(messages, ids, strict=False):
        expected.setdefault(str(chat), []).append(mid)
    # In order per chat and exactly once: each chat's replies answer its messages, each once, in the order sent.
    in_order = all(final["by_chat"].get(chat, []) == mids for chat, mids in expected.items())
    elapsed = (done["last_at"] - pushed["at"]) if done["last_at"] else float("nan")
    return {
        "messages": len(messages),
        "replies": final["replies"],
        "seconds": elapsed,
        "msgs_per_s": done["replies"] / elapsed if elapsed else 0.0,
        "in_order": in_order,
        "exactly_once": final["replies"] == len(messages) and in_order,
        "errors": len(done["errors"]),
        "cpu_ms_per_msg": cpu * 1000 / max(1, done["replies"]),
    }


def run(
    engine: Any,
    questions: list[str],
    *,
    chats: int = 50,
    rounds: int = 3,
    limited_messages: int = 300,
    rtt_ms: float = 50.0,
    rtt_messages: int = 150,
    log: Any = print,
) -> dict[str, Any]:
    """Interleaved rounds of echo and real (so drift in a noisy machine hits both), then the limited pair.

    Rates are medians over rounds; ``e2e_ratio`` is the median of each round's real/echo ratio.
    """
    server = ServerProcess()
    clear = getattr(engine, "_cached", None)
    results: dict[str, list[dict[str, Any]]] = {
        "echo": [],
        "real": [],
        "replay": [],
        "echo_limited": [],
        "real_limited": [],
        "echo_rtt": [],
        "real_rtt": [],
    }
    try:
        messages = messages_for(questions, chats)
        timeout = 30 + len(messages) / 20

        replay = ReplayEngine(engine, questions)

        async def main() -> None:
            for k in range(rounds):
                for name, eng in (("echo", EchoEngine()), ("real", engine), ("replay", replay)):
                    if clear is not None:
                        clear.cache_clear()  # every round answers its questions cold
                    r = await _round(server, eng, messages, throttled=False, timeout=timeout)
                    results[name].append(r)
                    log(
                        f"  e2e round {k + 1} {name:6}: {r['replies']}/{r['messages']} replies in {r['seconds']:.2f} s "
                        f"= {r['msgs_per_s']:.0f} msg/s ({r['cpu_ms_per_msg']:.2f} ms CPU each), "
                        f"in order per chat: {r['in_order']}"
                    )
            few = messages[:limited_messages]
            for name, eng in (("echo_limited", EchoEngine()), ("real_limited", engine)):
                if clear is not None:
                    clear.cache_clear()
                r = await _round(server, eng, few, throttled=True, timeout=30 + len(few) / 10)
                results[name].append(r)
                log(
                    f"  e2e as configured (30 msg/s limiter) {name:12}: {r['replies']}/{r['messages']} in "
                    f"{r['seconds']:.2f} s = {r['msgs_per_s']:.1f} msg/s"
                )
            await server.acommand(cmd="latency", ms=rtt_ms)
            few = messages[:rtt_messages]
            for name, eng in (("echo_rtt", EchoEngine()), ("real_rtt", engine)):
                if clear is not None:
                    clear.cache_clear()
                r = await _round(server, eng, few, throttled=False, timeout=30 + len(few) * rtt_ms / 200)
                results[name].append(r)
                log(
                    f"  e2e with {rtt_ms:.0f} ms per sendMessage round trip {name:8}: {r['replies']}/{r['messages']} "
                    "in "
                    f"{r['seconds']:.2f} s = {r['msgs_per_s']:.1f} msg/s"
                )
            await server.acommand(cmd="latency", ms=0)

        asyncio.run(main())
    finally:
        server.close()

    def median_rate(name: str) -> float:
        return float(statistics.median(r["msgs_per_s"] for r in results[name]))

    real, echo = median_rate("real"), median_rate("echo")
    # Each round's echo and real runs are back to back, so a pair shares the machine's mood of the moment.
    pair_ratios = [
        r["msgs_per_s"] / e["msgs_per_s"]
        for r, e in zip(results["real"], results["echo"], strict=False)
        if e["msgs_per_s"]
    ]
    replay_cpu = statistics.median(r["cpu_ms_per_msg"] for r in results["replay"])
    real_cpu = statistics.median(r["cpu_ms_per_msg"] for r in results["real"])
    echo_cpu = statistics.median(r["cpu_ms_per_msg"] for r in results["echo"])
    real_l, echo_l = median_rate("real_limited"), median_rate("echo_limited")
    real_rtt, echo_rtt = median_rate("real_rtt"), median_rate("echo_rtt")
    return {
        "e2e_msgs_per_s": real,
        "echo_msgs_per_s": echo,
        "e2e_ratio": statistics.median(pair_ratios) if pair_ratios else float("nan"),
        "pair_ratios": pair_ratios,
        "e2e_cpu_ms_per_msg": real_cpu,
        "echo_cpu_ms_per_msg": echo_cpu,
        "replay_cpu_ms_per_msg": replay_cpu,
        "replay_msgs_per_s": median_rate("replay"),
        "e2e_cpu_ratio": echo_cpu / real_cpu if real_cpu else float("nan"),
        "e2e_msgs_per_s_limited": real_l,
        "echo_msgs_per_s_limited": echo_l,
        "e2e_ratio_limited": real_l / echo_l if echo_l else float("nan"),
        "e2e_msgs_per_s_rtt": real_rtt,
        "echo_msgs_per_s_rtt": echo_rtt,
        "rtt_ms": rtt_ms,
        "e2e_ratio_rtt": real_rtt / echo_rtt if echo_rtt else float("nan"),
        # How much of the unthrottled rate survives a 50 ms round trip per send: chats answered side by
        # side hide the wait (one at a time, it would be about 1 / (50 ms x rate)).
        "rtt_hiding_ratio": real_rtt / real if real else float("nan"),
        "all_answered": all(r["replies"] == r["messages"] for rs in results.values() for r in rs),
        "exactly_once": all(r["exactly_once"] for rs in results.values() for r in rs),
        "in_order": all(r["in_order"] for rs in results.values() for r in rs),
        "rounds": results,
        "chats": chats,
        "messages_per_round": len(questions),
    }
