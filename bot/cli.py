"""The ``probation-bot`` command line: ``ask``, ``chart``, ``chat``, ``run``, ``kb build|check|stats``, ``feed check``.

Every subcommand but ``run`` works without telegram installed or imported, so the terminal is quick
and the question set can be checked without any network.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge import KnowledgeBaseError
from knowledge.paths import DATA_DIR

if TYPE_CHECKING:  # imported when a subcommand runs, so the terminal starts quickly
    from knowledge.feed import Candidate
    from knowledge.loader import Dataset
    from responses import Engine
    from responses.answer import Answer

EXIT_USAGE, EXIT_DATA, EXIT_KB = 2, 1, 3


def _engine(db: str | None) -> Engine:
    from knowledge.ensure import open_knowledge_base
    from responses import Engine

    return Engine(open_knowledge_base(db))


def _print_answer(answer: Answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
    else:
        print(answer.text, flush=True)
        print(flush=True)


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args.db)
    if args.question:
        _print_answer(engine.ask(" ".join(args.question), form="text"), args.json)
        return 0
    for line in sys.stdin:
        _print_answer(engine.ask(line.rstrip("\r\n"), form="text"), args.json)
    return 0


def cmd_chart(args: argparse.Namespace) -> int:
    """``probation-bot chart league|years|NAME|A vs B ... --out FILE.png``: draw one chart into a file."""
    from responses.charts import draw
    from responses.charts.data import caption
    from responses.charts.request import ChartRequest, chart_data, parse

    engine = _engine(args.db)
    request = parse(engine, "/chart " + " ".join(args.what))
    if not isinstance(request, ChartRequest):
        # The answer the chat gives instead of a picture: usage, a choice of bodies, the league's word on a filter.
        print(request.text if request is not None else "Nothing to draw.", file=sys.stderr)
        for choice in getattr(request, "choices", []):
            print(f"  {choice.label}: probation-bot chart {choice.ref.removeprefix('/chart ')}", file=sys.stderr)
        return EXIT_USAGE
    chart = chart_data(engine, request)
    out = Path(args.out)
    try:
        out.write_bytes(draw.png(chart))
    except OSError as exc:
        print(f"chart: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_DATA
    print(caption(chart))
    print(f"Wrote {out}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.terminal import run_chat

    return run_chat(_engine(args.db))


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import run_bot  # imports telegram: only here

    return run_bot(args)


def cmd_kb_build(args: argparse.Namespace) -> int:
    from knowledge.build import BuildError
    from knowledge.local import build_with_local, has_local_rows
    from knowledge.paths import default_db_path, local_data_dir

    out = Path(args.out) if args.out else default_db_path()
    local = Path(args.local) if args.local else local_data_dir()
    try:
        ds = build_with_local(Path(args.data), out, local)
    except BuildError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"kb build: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return EXIT_DATA
    except OSError as exc:
        print(f"kb build: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_DATA
    print(
        f"Built {out}: {len(ds.inspections)} inspections, {len(ds.findings)} findings, "
        f"{len(ds.figures)} figures, {len(ds.standard_ratings)} standard ratings"
        + (f" (with the local rows in {local})." if has_local_rows(local) else ".")
    )
    return 0


def _vocabulary_problems(data: Path, ds: Dataset) -> list[str]:
    """Faults in our own word lists (thesaurus.csv, companies.csv), when the folder has them."""
    from knowledge.vocabulary import VocabularyError, load_vocabulary

    if not (data / "thesaurus.csv").exists():
        return []
    # Owners are checked only against a clean inspections.csv: a fault there is reported once, not again here.
    owners = None if ds.problems else sorted({r.owner for r in ds.inspections if r.owner})
    try:
        load_vocabulary(data, owners)
    except VocabularyError as exc:
        return str(exc).splitlines()
    return []


def cmd_kb_check(args: argparse.Namespace) -> int:
    from knowledge.local import load_with_local
    from knowledge.paths import local_data_dir

    ds = load_with_local(Path(args.data), Path(args.local) if args.local else local_data_dir())
    problems = [str(p) for p in ds.problems] + _vocabulary_problems(Path(args.data), ds)
    for problem in problems:
        print(problem)
    if problems:
        print(f"kb check: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_DATA
    print(
        f"kb check: OK ({len(ds.inspections)} inspections, {len(ds.standard_ratings)} standard ratings, "
        f"{len(ds.findings)} findings, {len(ds.figures)} figures, {len(ds.aliases)} aliases)"
    )
    return 0


def cmd_kb_stats(args: argparse.Namespace) -> int:
    from knowledge.ensure import open_knowledge_base
    from knowledge.stats import format_stats, kb_stats

    stats = kb_stats(open_knowledge_base(args.db))
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats))
    return 0


def _print_candidate(c: Candidate, as_json: bool) -> None:
    if as_json:
        print(json.dumps(c.to_json(), ensure_ascii=False), flush=True)
        return
    who = f"{c.organisation} ({'new ' + c.type_label if c.new_organisation else c.org_id})"
    print(who)
    guessed = " (guessed: check)" if c.type_guessed else ""
    rating, published = c.rating or "not stated", c.published or "no date"
    print(f"  type: {c.source_type}{guessed}; rating: {rating}; published: {published}")
    if c.adds_to:
        print(f"  adds to {c.adds_to}: " + ", ".join(f"{k} {v}" for k, v in c.adds.items()))
    else:
        print(f"  new inspection {c.inspection_id}")
    if c.may_be:
        print(f"  check the name: it nearly matches {', '.join(c.may_be)}")
    print(f"  {c.url}\n  {c.title}\n", flush=True)


def cmd_feed_check(args: argparse.Namespace) -> int:
    import asyncio

    from knowledge.feed import FeedError, fetch_feed, parse_feed, read_candidates

    engine = _engine(args.db)
    try:
        fetched = asyncio.run(fetch_feed(args.url, timeout=args.timeout))
        assert fetched.body is not None  # an unconditional GET never gets 304
        reading = read_candidates(parse_feed(fetched.body), engine.kb, engine.resolver)
    except FeedError as exc:
        print(f"feed check: {exc}", file=sys.stderr)
        return EXIT_DATA
    for candidate in reading.candidates:
        _print_candidate(candidate, args.json)
    reasons = ", ".join(f"{n} {why}" for why, n in sorted(reading.skipped.items()))
    print(
        f"feed check: {len(reading.candidates)} candidate(s); {reading.skipped_total} item(s) skipped"
        + (f" ({reasons})" if reasons else ""),
        file=sys.stderr,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="probation-bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="knowledge base file (default: $PROBATION_KB or the bundled one)")
        return p

    p = with_db(sub.add_parser("ask", help="answer a question (or one per line from standard input)"))
    p.add_argument("--json", action="store_true", help="print one JSON object per answer")
    p.add_argument("question", nargs="*")
    p.set_defaults(func=cmd_ask)

    p = with_db(sub.add_parser("chart", help="draw a chart as a PNG: league [filters] | years [type] | NAME | A vs B"))
    p.add_argument(
        "what",
        nargs="+",
        help="league [crc|nps|pdu|region|youth|YEAR|REGION], years [TYPE] [rounds], a name, or names joined by vs",
    )
    p.add_argument("--out", default="chart.png", help="PNG file to write (default: chart.png)")
    p.set_defaults(func=cmd_chart)

    p = with_db(sub.add_parser("chat", help="chat with the bot in the terminal"))
    p.set_defaults(func=cmd_chat)

    p = with_db(sub.add_parser("run", help="run the Telegram bot (long polling, or a webhook with --webhook-url)"))
    p.add_argument("--webhook-url", help="public HTTPS URL Telegram should post updates to (default: $WEBHOOK_URL)")
    p.add_argument("--listen", help="webhook: address to listen on (default: $WEBHOOK_LISTEN or 0.0.0.0)")
    p.add_argument("--port", type=int, help="webhook: port to listen on (default: $WEBHOOK_PORT or 8443)")
    p.set_defaults(func=cmd_run)

    kb = sub.add_parser("kb", help="build, check or describe the knowledge base").add_subparsers(
        dest="kb_command", required=True
    )
    p = kb.add_parser("build", help="build the database from the data files (atomic)")
    p.add_argument("--out", help="where to write it (default: $PROBATION_KB or the bundled one)")
    p.add_argument("--data", default=str(DATA_DIR), help="data folder (default: the bundled data)")
    p.add_argument("--local", help="local data folder merged in (default: $LOCAL_DATA, if set)")
    p.set_defaults(func=cmd_kb_build)
    p = kb.add_parser("check", help="validate the data files; print file:line: message for each problem")
    p.add_argument("--data", default=str(DATA_DIR), help="data folder (default: the bundled data)")
    p.add_argument("--local", help="local data folder checked with it (default: $LOCAL_DATA, if set)")
    p.set_defaults(func=cmd_kb_check)
    p = with_db(kb.add_parser("stats", help="counts by type, rating, year and date precision"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_kb_stats)

    feed = sub.add_parser("feed", help="read the inspectorate's news feed").add_subparsers(
        dest="feed_command", required=True
    )
    p = with_db(feed.add_parser("check", help="read a feed once and print the inspections it reports"))
    p.add_argument("--url", required=True, help="the RSS or Atom feed's URL")
    p.add_argument("--json", action="store_true", help="one JSON object per candidate (skipped count on stderr)")
    p.add_argument("--timeout", type=float, default=20.0, help="give up after this many seconds (default 20)")
    p.set_defaults(func=cmd_feed_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.settings import adopt_local_data

    adopt_local_data()
    try:
        command: Callable[[argparse.Namespace], int] = args.func
        return command(args)
    except KnowledgeBaseError as exc:
        print(f"probation-bot: {exc}", file=sys.stderr)
        return EXIT_KB
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
