"""Answer latency of the engine, in process: cold (cache cleared, every question new) and warm (cached)."""

from __future__ import annotations

import gc
import math
import time
from collections import defaultdict
from typing import Iterable

from responses import Engine


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0-100) by the nearest-rank method: a value that was actually measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p90_ms": percentile(ms, 90), "p99_ms": percentile(ms, 99),
            "max_ms": max(ms) if ms else float("nan"), "mean_ms": sum(ms) / len(ms) if ms else float("nan")}


def clear_cache(engine: Engine) -> None:
    """Forget every cached answer (``Engine`` memoises ``(question, compact)``)."""
    engine._cached.cache_clear()


def time_questions(engine: Engine, questions: Iterable[str], *, compact: bool = False,
                   cold: bool = True) -> tuple[list[float], list[tuple[float, str, str]]]:
    """Milliseconds per ``engine.ask``; cold clears the answer cache first (the questions are distinct)."""
    if cold:
        clear_cache(engine)
    ms: list[float] = []
    detail: list[tuple[float, str, str]] = []
    clock = time.perf_counter
    for q in questions:
        t0 = clock()
        answer = engine.ask(q, compact=compact)
        elapsed = (clock() - t0) * 1000
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


def measure(engine: Engine, questions: list[str], *, repeats: int = 3) -> dict:
    """Cold latency ``repeats`` times over (the headline is the median repeat's figure) and warm once.

    Cold: the answer cache is cleared and every question is new to it, so each answer is worked out in
    full (templates compiled and small tables loaded beforehand by ``warm_up``, as in a running bot).
    Warm: a question asked again, answered from the engine's ``lru_cache``.
    """
    runs = []
    details = []
    for _ in range(repeats):
        ms, detail = time_questions(engine, questions, cold=True)
        runs.append(summary(ms))
        details.append(detail)
    warm_ms = time_warm(engine, questions[:2000])
    headline = {k: sorted(r[k] for r in runs)[len(runs) // 2] for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms")}
    by_intent: dict[str, list[float]] = defaultdict(list)
    for elapsed, intent, _q in details[-1]:
        by_intent[intent].append(elapsed)
    slowest = sorted(details[-1], reverse=True)[:10]
    return {"cold": {**headline, "n": len(questions), "repeats": runs}, "warm": summary(warm_ms),
            "by_intent": {k: summary(v) for k, v in sorted(by_intent.items())},
            "slowest": [{"ms": round(ms, 2), "intent": intent, "question": q[:120]} for ms, intent, q in slowest]}
