"""Answer latency of the engine, in process: cold (cache cleared, every question new) and warm (cached)."""

from __future__ import annotations

import gc
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from responses import Engine


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0-100) by the nearest-rank method: a value that was actually measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": percentile(ms, 50),
        "p90_ms": percentile(ms, 90),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms) if ms else float("nan"),
        "mean_ms": sum(ms) / len(ms) if ms else float("nan"),
    }


def clear_cache(engine: Engine) -> None:
    """Forget every cached answer (``Engine`` memoises ``(question, compact)``)."""
    engine._cached.cache_clear()


#: CPU milliseconds of each answer in the last ``time_questions`` call: on a machine shared with other
#: work, wall time includes the moments another process held the core, which CPU time does not.
LAST_CPU_MS: list[float] = []


def time_questions(
    engine: Engine, questions: Iterable[str], *, compact: bool = False, cold: bool = True
) -> tuple[list[float], list[tuple[float, str, str]]]:
    """Milliseconds per ``engine.ask``; cold clears the answer cache first (the questions are distinct).

    ``engine.ask`` renders the first page in HTML, as the bot shows it, so this is the time to an answer
    ready to send. CPU milliseconds of the same calls are left in ``LAST_CPU_MS``.
    """
    if cold:
        clear_cache(engine)
    ms: list[float] = []
    detail: list[tuple[float, str, str]] = []
    LAST_CPU_MS.clear()
    clock, cpu = time.perf_counter, time.thread_time
    for q in questions:
        t0, c0 = clock(), cpu()
        answer = engine.ask(q, compact=compact)
        elapsed = (clock() - t0) * 1000
        LAST_CPU_MS.append((cpu() - c0) * 1000)
        ms.append(elapsed)
        detail.append((elapsed, answer.intent, q))
    return ms, detail


def time_warm(engine: Engine, questions: Iterable[str]) -> list[float]:
    """Milliseconds per ``engine.ask`` of a question asked a moment before: an answer-cache hit."""
    ms: list[float] = []
    clock = time.perf_counter
    for q in questions:
        engine.ask(q)
        t0 = clock()
        engine.ask(q)
        ms.append((clock() - t0) * 1000)
    return ms


def warm_up(engine: Engine, questions: Iterable[str]) -> None:
    """Compile every template and touch every lazily loaded table, then forget the answers."""
    for q in questions:
        engine.ask(q)
        engine.ask(q, compact=True)
    clear_cache(engine)
    gc.collect()


def measure(engine: Engine, questions: list[str], *, repeats: int = 3) -> dict[str, Any]:
    """Cold latency ``repeats`` times over (the headline is the median repeat's figure) and warm once.

    Cold: the answer cache is cleared and every question is new to it, so each answer is worked out in
    full (templates compiled and small tables loaded beforehand by ``warm_up``, as in a running bot).
    Warm: a question asked again, answered from the engine's ``lru_cache``.
    """
    runs = []
    details = []
    cpu_runs = []
    for _ in range(repeats):
        ms, detail = time_questions(engine, questions, cold=True)
        runs.append(summary(ms))
        cpu_runs.append(summary(LAST_CPU_MS))
        details.append(detail)
    warm_ms = time_warm(engine, questions[:2000])
    headline = {
        k: sorted(r[k] for r in runs)[len(runs) // 2] for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms")
    }
    by_intent: dict[str, list[float]] = defaultdict(list)
    for elapsed, intent, _q in details[-1]:
        by_intent[intent].append(elapsed)
    slowest = sorted(details[-1], reverse=True)[:10]
    cpu = {
        k: sorted(r[k] for r in cpu_runs)[len(cpu_runs) // 2]
        for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms")
    }
    return {
        "cold": {**headline, "n": len(questions), "repeats": runs},
        "cold_cpu": cpu,
        "warm": summary(warm_ms),
        "by_intent": {k: summary(v) for k, v in sorted(by_intent.items())},
        "slowest": [{"ms": round(ms, 2), "intent": intent, "question": q[:120]} for ms, intent, q in slowest],
    }
