"""The ``probation-bot`` command line: ``ask``, ``chat``, ``run`` and ``kb build|check|stats``.

Every subcommand but ``run`` works without telegram installed or imported, so the terminal is quick
and the question set can be checked without any network.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from knowledge import KnowledgeBaseError
from knowledge.paths import DATA_DIR

EXIT_USAGE, EXIT_DATA, EXIT_KB = 2, 1, 3


def _engine(db: str | None):
    from knowledge.ensure import open_knowledge_base
    from responses import Engine

    return Engine(open_knowledge_base(db))


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
    else:
        print(answer.text, flush=True)
        print(flush=True)


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args.db)
    if args.question:
        _print_answer(engine.ask(" ".join(args.question)), args.json)
        return 0
    for line in sys.stdin:
        _print_answer(engine.ask(line.rstrip("\r\n")), args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.terminal import run_chat

    return run_chat(_engine(args.db))


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import run_bot  # imports telegram: only here

    return run_bot(args)


def cmd_kb_build(args: argparse.Namespace) -> int:
    from knowledge.build import BuildError, build
    from knowledge.paths import default_db_path

    out = Path(args.out) if args.out else default_db_path()
    try:
        ds = build(Path(args.data), out)
    except BuildError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"kb build: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return EXIT_DATA
    except OSError as exc:
        print(f"kb build: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_DATA
    print(f"Built {out}: {len(ds.inspections)} inspections, {len(ds.findings)} findings, "
          f"{len(ds.figures)} figures, {len(ds.standard_ratings)} standard ratings.")
    return 0


def _vocabulary_problems(data: Path, ds) -> list[str]:
    """Faults in our own word lists (thesaurus.csv, companies.csv), when the folder has them."""
    from knowledge.vocabulary import VocabularyError, load_vocabulary

    if not (data / "thesaurus.csv").exists():
        return []
    # Owners are checked only against a clean inspections.csv: a fault there is reported once, not again here.
    owners = None if ds.problems else sorted({str(r.values["owner"]) for r in ds.inspections if r.values.get("owner")})
    try:
        load_vocabulary(data, owners)
    except VocabularyError as exc:
        return str(exc).splitlines()
    return []


def cmd_kb_check(args: argparse.Namespace) -> int:
    from knowledge.loader import load_dataset

    ds = load_dataset(Path(args.data))
    problems = [str(p) for p in ds.problems] + _vocabulary_problems(Path(args.data), ds)
    for problem in problems:
        print(problem)
    if problems:
        print(f"kb check: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_DATA
    print(f"kb check: OK ({len(ds.inspections)} inspections, {len(ds.standard_ratings)} standard ratings, "
          f"{len(ds.findings)} findings, {len(ds.figures)} figures, {len(ds.aliases)} aliases)")
    return 0


def cmd_kb_stats(args: argparse.Namespace) -> int:
    from knowledge.ensure import open_knowledge_base
    from knowledge.stats import format_stats, kb_stats

    stats = kb_stats(open_knowledge_base(args.db))
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats))
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

    p = with_db(sub.add_parser("chat", help="chat with the bot in the terminal"))
    p.set_defaults(func=cmd_chat)

    p = with_db(sub.add_parser("run", help="run the Telegram bot (long polling, or a webhook with --webhook-url)"))
    p.add_argument("--webhook-url", help="public HTTPS URL Telegram should post updates to (default: $WEBHOOK_URL)")
    p.add_argument("--listen", help="webhook: address to listen on (default: $WEBHOOK_LISTEN or 0.0.0.0)")
    p.add_argument("--port", type=int, help="webhook: port to listen on (default: $WEBHOOK_PORT or 8443)")
    p.set_defaults(func=cmd_run)

    kb = sub.add_parser("kb", help="build, check or describe the knowledge base").add_subparsers(dest="kb_command", required=True)
    p = kb.add_parser("build", help="build the database from the data files (atomic)")
    p.add_argument("--out", help="where to write it (default: $PROBATION_KB or the bundled one)")
    p.add_argument("--data", default=str(DATA_DIR), help="data folder (default: the bundled data)")
    p.set_defaults(func=cmd_kb_build)
    p = kb.add_parser("check", help="validate the data files; print file:line: message for each problem")
    p.add_argument("--data", default=str(DATA_DIR), help="data folder (default: the bundled data)")
    p.set_defaults(func=cmd_kb_check)
    p = with_db(kb.add_parser("stats", help="counts by type, rating, year and date precision"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_kb_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KnowledgeBaseError as exc:
        print(f"probation-bot: {exc}", file=sys.stderr)
        return EXIT_KB
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
