"""Charts: how long a picture takes, and whether drawing one slows the bot for everybody else.

1. First chart: a fresh interpreter with the engine ready draws the default league; the time
   includes importing matplotlib (which the bot does only then). Median of a few processes.
2. Warm render: the same process draws every kind of chart again and again (each drawn anew, no
   cache): p50 and p99 per picture, overall and per kind. Target: p99 <= 150 ms.
3. Other chats while a chart is drawn: the real Application against the fake Bot API server (in
   this process, as the bot's tests run it). One chat asks a question at a time and waits for the
   reply, in turns idle and with a chart request from another chat sent just before the question
   (the picture cache emptied each time, so every one is drawn). Target: the busy p50 and p99
   within 2x of idle. The same is measured with the drawing in a thread instead of the worker process, to
   show why the bot uses a process.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.latency import percentile, summary

ROOT = Path(__file__).resolve().parent.parent
CHART_COMMANDS = [
    "/chart league",
    "/chart league crc",
    "/chart league nps",
    "/chart league region",
    "/chart league youth",
    "/chart league 2019",
    "/chart years",
    "/chart years crc rounds",
    "/chart Sheffield",
    "/chart Durham Tees Valley CRC",
    "/chart neath port talbot yjs",
    "/chart Sheffield vs Doncaster",
    "/chart West Yorkshire CRC vs Durham Tees Valley CRC vs NPS North West",
]
QUESTIONS = [
    "how did Sheffield do?",
    "/league crc",
    "has Durham Tees Valley improved?",
    "which PDUs were rated Inadequate?",
    "compare Leeds and Wakefield",
    "/latest",
    "who owned Merseyside CRC?",
    "/league nps",
]

_FIRST_CHART = """
import sys, time
from knowledge import KnowledgeBase
from responses import Engine
from responses.charts.request import chart_data, parse
engine = Engine(KnowledgeBase(sys.argv[1]))
chart = chart_data(engine, parse(engine, "/chart league"))
assert "matplotlib" not in sys.modules
t0 = time.perf_counter()
from responses.charts import draw
draw.png(chart)
print(time.perf_counter() - t0)
"""


def first_chart(db: Path, runs: int) -> dict[str, Any]:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _FIRST_CHART, str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return {"first_chart_s": statistics.median(times), "runs_s": times}


def warm_render(engine: Any, rounds: int) -> dict[str, Any]:
    from responses.charts import draw
    from responses.charts.request import ChartRequest, chart_data, parse

    charts = []
    for command in CHART_COMMANDS:
        request = parse(engine, command)
        assert isinstance(request, ChartRequest), command
        charts.append((request.kind, command, chart_data(engine, request)))
    draw.png(charts[0][2])  # the import and the fonts, measured above
    ms: list[float] = []
    cpu: list[float] = []
    by_kind: dict[str, list[float]] = {}
    by_chart: dict[str, list[float]] = {}
    for _ in range(rounds):
        for kind, command, chart in charts:
            t0, c0 = time.perf_counter(), time.process_time()
            draw.png(chart)
            elapsed = (time.perf_counter() - t0) * 1000
            cpu.append((time.process_time() - c0) * 1000)
            ms.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
            by_chart.setdefault(command, []).append(elapsed)
    return {
        "all": summary(ms),
        "cpu": summary(cpu),
        "by_kind": {k: summary(v) for k, v in by_kind.items()},
        "by_chart_p50_ms": {k: percentile(v, 50) for k, v in by_chart.items()},
    }


async def _latencies(engine: Any, questions: list[str], executor: Any = None) -> dict[str, list[float]]:
    """Milliseconds from a question's arrival at the server to the bot's reply, idle and while a chart is drawn.

    The two are taken in turns (a question with nothing else going on, then one sent just after a
    chart request), so a busy moment of the machine falls on both alike.
    """
    from bot.charts import ChartSender
    from tests.bot.conftest import make_settings, running_bot
    from tests.bot.fake_bot_api import FakeBotApi

    api = FakeBotApi(flood=None)  # no flood limits: time the bot, not the fake server's 429 waits
    await api.start()
    out: dict[str, list[float]] = {"idle": [], "busy": [], "first_ms": []}

    async def ask(question: str, user_id: int) -> float:
        asked = api.private(question, user_id=user_id)
        at = time.monotonic()
        reply = await api.reply_to(asked, timeout=30)
        return (reply.at - at) * 1000

    try:
        async with running_bot(make_settings(api, chat_rate_per_minute=0, log_level="WARNING"), engine) as app:
            sender = ChartSender(executor)
            app.bot_data.charts = sender
            await api.reply_to(api.private("/about", user_id=7000))  # polling is up
            api.private("/chart years", user_id=7001)  # the drawing process started and warm before timing
            at = time.monotonic()
            (first,) = await api.wait_for("sendPhoto", timeout=120)
            out["first_ms"].append((first.at - at) * 1000)  # with a new drawing process: its start-up included
            for k, question in enumerate(questions):
                engine._cached.cache_clear()  # every question answered cold
                out["idle"].append(await ask(question, 7002))
                engine._cached.cache_clear()
                sender._pngs.clear()  # so the picture is drawn, not taken from a cache
                sender._file_ids.clear()
                api.private(CHART_COMMANDS[k % len(CHART_COMMANDS)], user_id=7001)
                await asyncio.sleep(0.01)  # the chart request is in, its picture being drawn
                out["busy"].append(await ask(question, 7002))
                await api.wait_for("sendPhoto", count=k + 2, timeout=60)
    finally:
        await api.stop()
    return out


def other_chats(engine: Any, rounds: int) -> dict[str, Any]:
    questions = [QUESTIONS[k % len(QUESTIONS)] for k in range(rounds)]

    async def main() -> dict[str, list[float]]:
        process = await _latencies(engine, questions)
        with ThreadPoolExecutor(max_workers=1) as pool:
            thread = await _latencies(engine, questions, executor=pool)
        return {
            "idle": process["idle"],
            "busy": process["busy"],
            "first_in_bot": process["first_ms"],
            "idle_thread_run": thread["idle"],
            "busy_thread": thread["busy"],
        }

    measured = asyncio.run(main())
    s = {k: summary(v) for k, v in measured.items()}
    return {
        **s,
        "ratio_p50": s["busy"]["p50_ms"] / s["idle"]["p50_ms"],
        "ratio_p99": s["busy"]["p99_ms"] / s["idle"]["p99_ms"],
        "thread_ratio_p50": s["busy_thread"]["p50_ms"] / s["idle_thread_run"]["p50_ms"],
        "thread_ratio_p99": s["busy_thread"]["p99_ms"] / s["idle_thread_run"]["p99_ms"],
    }


def run(db: Path, engine: Any, quick: bool, log: Any = print) -> dict[str, Any]:
    first = first_chart(db, runs=1 if quick else 3)
    log(
        f"charts: first chart in a fresh process (matplotlib import included) {first['first_chart_s']:.2f} s "
        f"(median of {len(first['runs_s'])})"
    )
    warm = warm_render(engine, rounds=3 if quick else 10)
    a = warm["all"]
    log(
        f"  warm render, {a['n']} pictures of {len(CHART_COMMANDS)} charts: p50 {a['p50_ms']:.0f} ms, "
        f"p99 {a['p99_ms']:.0f} ms, max {a['max_ms']:.0f} ms (CPU time p50 {warm['cpu']['p50_ms']:.0f}, "
        f"p99 {warm['cpu']['p99_ms']:.0f} ms); by kind p50/p99: "
        + "; ".join(f"{k} {v['p50_ms']:.0f}/{v['p99_ms']:.0f}" for k, v in warm["by_kind"].items())
    )
    log(
        "  slowest charts (p50 ms): "
        + "; ".join(f"{c!r} {ms:.0f}" for c, ms in sorted(warm["by_chart_p50_ms"].items(), key=lambda kv: -kv[1])[:4])
    )
    others = other_chats(engine, rounds=16 if quick else 60)
    log(
        f"  the bot's first chart, from the request to sendPhoto (its drawing process starting): "
        f"{others['first_in_bot']['max_ms'] / 1000:.2f} s"
    )
    log(
        f"  another chat's answer latency, idle p50/p99 {others['idle']['p50_ms']:.1f}/{others['idle']['p99_ms']:.1f} "
        "ms; "
        f"while a chart is drawn in the worker process {others['busy']['p50_ms']:.1f}/{others['busy']['p99_ms']:.1f} "
        "ms "
        f"(ratio {others['ratio_p50']:.2f}/{others['ratio_p99']:.2f}); drawn in a thread instead "
        f"{others['busy_thread']['p50_ms']:.1f}/{others['busy_thread']['p99_ms']:.1f} ms "
        f"(ratio {others['thread_ratio_p50']:.2f}/{others['thread_ratio_p99']:.2f})"
    )
    return {"first": first, "warm": warm, "other_chats": others}
