"""Where the engine's time goes: cProfile over cold answers, summed by layer.

    python -m benchmarks.profile [--db PATH] [--every N] [--top 25]

Prints the share of ``Engine.ask`` spent in each stage (parsing, name resolution, building the answer,
rendering, knowledge base queries), then the top functions. Run before optimising anything;
``benchmarks/README.md`` has the findings.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from responses import Engine

#: Stages of answering, each the cumulative time of the functions named (file suffix, function name).
#: Resolution runs inside parsing, and queries and rendering inside building; "rest" is what is left.
STAGES = (
    ("parse the question (understand)", (("responses/understand.py", "understand"),)),
    ("  of which: resolve names (knowledge/resolve.py)", (("knowledge/resolve.py", "resolve"),)),
    ("build the answer (dispatch)", (("responses/engine.py", "_dispatch"),)),
    ("render the page shown (render.py _render)", (("responses/render.py", "_render"),)),
    (
        "  of which: knowledge base queries (kb.py)",
        (("knowledge/kb.py", "_rows"), ("knowledge/kb.py", "_from_row"), ("knowledge/kb.py", "_inspection_index")),
    ),
)


def stage_seconds(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds per stage, and the total of ``Engine.ask``."""
    out: dict[str, float] = {}
    # ``Stats.stats`` is the documented-in-source table of timings, but typeshed's stub for pstats does not
    # declare it: the stub, not our code, forces the ignore.
    table = stats.stats  # type: ignore[attr-defined]
    for name, funcs in STAGES:
        out[name] = sum(
            ct
            for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in table.items()
            if any(filename.endswith(f) and func == fn for f, fn in funcs)
        )
    out["total (Engine.ask)"] = sum(
        ct
        for (filename, _l, func), (_cc, _nc, _tt, ct, _c) in table.items()
        if filename.endswith("responses/engine.py") and func == "ask"
    )
    return out


def profile_answers(engine: Engine, questions: list[str]) -> tuple[pstats.Stats, dict[str, float]]:
    """Profile ``engine.ask`` over ``questions`` with a cleared cache; cumulative seconds by stage."""
    engine._cached.cache_clear()
    profiler = cProfile.Profile()
    profiler.enable()
    for q in questions:
        engine.ask(q)
    profiler.disable()
    stats = pstats.Stats(profiler)
    return stats, stage_seconds(stats)


def print_stages(stages: dict[str, float], log: Callable[[str], object] = print) -> None:
    total = stages.get("total (Engine.ask)") or 1.0
    for name, seconds in stages.items():
        log(f"    {seconds / total * 100:5.1f}%  {seconds:7.2f} s  {name}")


def main() -> None:
    from benchmarks.latency import warm_up
    from benchmarks.questions import all_questions, shared_questions
    from knowledge.build import build
    from knowledge.kb import KnowledgeBase
    from knowledge.paths import DATA_DIR
    from responses import Engine

    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("--db", help="knowledge base (default: build the real data into a temporary file)")
    parser.add_argument("--every", type=int, default=1, help="profile every Nth generated question")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    db = args.db
    if db is None:
        import tempfile

        db = str(Path(tempfile.mkdtemp(prefix="probation-bench-")) / "probation.db")
        build(DATA_DIR, Path(db))
    engine = Engine(KnowledgeBase(db))
    questions = all_questions(engine.kb)[:: args.every]
    warm_up(engine, shared_questions())
    stats, stages = profile_answers(engine, questions)
    print(f"{len(questions)} questions, cold, under cProfile (which inflates every figure). Time by stage:")
    print_stages(stages)
    stats.sort_stats("cumulative").print_stats(r"(responses|knowledge)/", args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
