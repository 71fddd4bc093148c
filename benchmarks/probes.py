"""Measurements that need a fresh process: peak memory, and start-up to the first answer.

``python -m benchmarks.probes rss --db PATH`` builds the engine, answers every generated question (full
and compact) and prints its peak resident set size as JSON. The start-up probes are functions that
spawn ``probation-bot`` and time it from the outside.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def probation_bot_command() -> list[str]:
    """The installed ``probation-bot`` script beside this Python, or the module when it is not installed."""
    script = Path(sys.executable).parent / "probation-bot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WEBHOOK_", "PROBATION_", "ADMIN_", "LOG_LEVEL", "CHAT_RATE"))
    }
    env.update(extra)
    return env


def ask_startup(db: Path, question: str = "how did Sheffield do?", runs: int = 5) -> dict[str, Any]:
    """Seconds from starting ``probation-bot ask --db DB QUESTION`` to its answer on standard output."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*probation_bot_command(), "ask", "--db", str(db), question],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_clean_env(),
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()
        answered = time.perf_counter() - started
        _out, err = proc.communicate(timeout=60)
        if proc.returncode != 0 or not first.strip():
            raise RuntimeError(f"probation-bot ask failed ({proc.returncode}): {err.decode()[-500:]}")
        times.append(answered)
    return {"startup_s": statistics.median(times), "runs_s": times}


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def bot_startup(db: Path, server: Any, question: str = "how did Sheffield do?", runs: int = 3) -> dict[str, Any]:
    """Seconds from starting ``probation-bot run`` (long polling the fake server) to its first sendMessage.

    The question is queued on the server before the process starts, so this is the whole start-up:
    Python, imports, opening the knowledge base, building the engine and the application, getMe,
    setMyCommands, the first poll, answering, and sending.
    """
    times, rss = [], []
    for _ in range(runs):
        server.command(cmd="reset")
        server.command(cmd="push", messages=[[4242, question]])
        env = _clean_env(TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_BASE_URL=server.base_url, LOG_LEVEL="WARNING")
        with tempfile.TemporaryDirectory() as cwd:  # no stray .env is read
            started = time.monotonic()
            proc = subprocess.Popen(
                [*probation_bot_command(), "run", "--db", str(db)],
                cwd=cwd,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                done = server.command(cmd="wait", count=1, timeout=60)
                if not done["replies"]:
                    raise RuntimeError("probation-bot run sent no reply within 60 s")
                times.append(done["first_at"] - started)
                time.sleep(0.2)
                peak = _peak_rss_mb(proc.pid)
                if peak:
                    rss.append(peak)
            finally:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    return {"bot_startup_s": statistics.median(times), "runs_s": times, "bot_rss_mb": max(rss) if rss else None}


def peak_rss(db: Path) -> dict[str, Any]:
    """Run the ``rss`` probe in a fresh process and return what it printed."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.probes", "rss", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=_clean_env(),
    )
    if out.returncode != 0:
        raise RuntimeError(f"rss probe failed: {out.stderr[-800:]}")
    printed: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return printed


def _rss_probe(db: str) -> None:
    from benchmarks.questions import all_questions
    from knowledge.kb import KnowledgeBase
    from responses import Engine

    # ru_maxrss is in kilobytes on Linux (bytes on macOS). On Linux a process started by another
    # inherits the parent's high-water mark in ru_maxrss (it survives fork and exec), so a benchmark
    # holding 90 MB would read 90 MB here whatever this process did; /proc's VmHWM is this process's own.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024

    def peak() -> float:
        own = _peak_rss_mb(os.getpid())
        return own if own is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale

    engine = Engine(KnowledgeBase(db))
    questions = all_questions(engine.kb)
    ready = peak()
    for q in questions:
        engine.ask(q)
        engine.ask(q, compact=True)
    answered = peak()
    cached = engine._cached.cache_info().currsize
    engine._cached.cache_clear()
    print(
        json.dumps(
            {
                "rss_mb": answered,
                "rss_mb_engine_ready": ready,
                "answers_cached": cached,
                "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale,
                "questions": len(questions),
                "answers": 2 * len(questions),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.probes")
    sub = parser.add_subparsers(dest="probe", required=True)
    p = sub.add_parser("rss", help="peak RSS of building the engine and answering every generated question")
    p.add_argument("--db", required=True)
    args = parser.parse_args()
    if args.probe == "rss":
        _rss_probe(args.db)


if __name__ == "__main__":
    main()
