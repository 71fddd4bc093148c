"""Putting a new knowledge base live: how long it takes, and what it costs the questions waiting meanwhile.

``python -m benchmarks.reload`` (or ``make bench-reload``) prints the figures and writes
``benchmarks/reload.json``. Measured, on the real data plus one invented inspection:

* ``prepare_s``: the work the reload does in a worker thread (open the new file, build an engine on
  it, compare the two builds), median of several rounds;
* ``publish_to_news_s``: from the rename of a new build over the live file to the follower's news
  arriving at the fake Bot API server, with ``KB_RELOAD_SECONDS`` 0.1 (so up to 0.1 s is waiting
  for the next look);
* for a flood of queued questions, with and without a reload in the middle: replies per second, and
  the longest gap between two consecutive replies (the event loop held up by the swap would show here).

The bot is the real Application with the real engine, polling the tests' fake Bot API server on
127.0.0.1 in this same process (so the server's work is charged to the bot: absolute rates are lower
than ``benchmarks.e2e`` reports; the comparison between the two floods is what matters).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.reload import _prepare
from knowledge.kb import KnowledgeBase
from tests.bot.conftest import reloading_bot
from tests.knowledge.builds import copy_data, new_sheffield_report, publish, stage_sheffield_report

HERE = Path(__file__).resolve().parent
FLOOD = 1000
CHATS = 50
FOLLOWER = 9000


def bench_prepare(old_path: Path, new_path: Path, rounds: int = 5) -> float:
    old = KnowledgeBase(old_path)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        engine, changes = _prepare(new_path, old)
        times.append(time.perf_counter() - started)
        assert engine is not None and len(changes) == 1
        engine.kb.close()
    return statistics.median(times)


async def _flood(work: Path, with_reload: bool) -> dict[str, float]:
    data = copy_data(work / ("with" if with_reload else "without"))
    live = data.parent / "live.db"
    publish(data, live)
    state = data.parent / "state.db"
    next_build = data.parent / "next.db"
    stage_sheffield_report(data, state, FOLLOWER, next_build)
    async with reloading_bot(live, state, FOLLOWER) as api:
        chats = [70_000 + n for n in range(CHATS)]
        for k in range(FLOOD):
            api.private(["how did Sheffield do?", "/league", "Wales", "/latest"][k % 4], user_id=chats[k % CHATS])
        await api.wait_for("sendMessage", lambda c: c.chat_id in chats, count=50, timeout=60)
        published = time.monotonic()
        if with_reload:
            next_build.replace(live)
            (news,) = await api.wait_for("sendMessage", lambda c: c.chat_id == FOLLOWER, timeout=60)
        replies = await api.wait_for("sendMessage", lambda c: c.chat_id in set(chats), count=FLOOD, timeout=300)
    times = sorted(c.at for c in replies)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    out = {
        "replies_per_s": (len(times) - 1) / (times[-1] - times[0]),
        "longest_gap_ms": max(gaps) * 1000,
        "median_gap_ms": statistics.median(gaps) * 1000,
    }
    if with_reload:
        out["publish_to_news_s"] = news.at - published
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = copy_data(work / "prepare")
        publish(data, work / "old.db")
        new_sheffield_report(data)
        publish(data, work / "new.db")
        results: dict[str, Any] = {"prepare_s": bench_prepare(work / "old.db", work / "new.db")}
        print(f"prepare (open + engine + diff, in a worker thread): {results['prepare_s']:.3f} s", flush=True)
        for with_reload in (False, True):
            measured = asyncio.run(_flood(work, with_reload))
            label = "with a reload" if with_reload else "no reload"
            results["flood_" + ("reload" if with_reload else "steady")] = measured
            print(
                f"{FLOOD} queued questions, {label}: {measured['replies_per_s']:.0f} replies/s, longest gap "
                f"{measured['longest_gap_ms']:.1f} ms (median {measured['median_gap_ms']:.2f} ms)"
                + (f"; publish to news {measured['publish_to_news_s']:.2f} s" if with_reload else ""),
                flush=True,
            )
    (HERE / "reload.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
