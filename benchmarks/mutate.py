"""Mutation testing of the modules where a bug does most harm: ``python -m benchmarks.mutate``.

A test suite is only as good as the bugs it catches. mutmut makes small deliberate bugs (a ``<``
turned into ``<=``, a string changed, a call dropped) in one module at a time and runs that module's
tests against each; a mutant the tests do not notice "survived". The score is killed ÷ (killed +
survived); mutants that hang count as killed (the bug was noticed), mutants mutmut could not test
(no test reaches the code) count as survived.

Each module is mutated in a sandbox of its own (a copy of the source and tests, with ``../shared``
linked beside it as in a worktree), with only the tests that are about it, so the runs are short
and never touch the working tree. Results go to ``benchmarks/mutation.json``: ``killed``,
``survived`` and ``score`` per module and overall.

Usage: ``python -m benchmarks.mutate [MODULE ...] [--jobs N]``; ``make mutate`` runs every module
at the lowest CPU priority. Naming modules re-scores only those and keeps the others' figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "mutation.json"

#: Each module and the tests that are about it (the narrowest selection that exercises it fully).
MODULES: dict[str, list[str]] = {
    "bot/addressing.py": ["tests/bot/test_addressing_rules.py", "tests/bot/test_text_and_logs.py"],
    "bot/logs.py": [
        "tests/bot/test_text_and_logs.py",
        "tests/bot/test_logs.py",
        "tests/bot/test_withheld_arguments.py",
        "tests/bot/test_privacy_logs.py",
    ],
    "responses/render.py": [
        "tests/responses/test_render.py",
        "tests/responses/test_paging.py",
        "tests/responses/test_render_cases.py",
        "tests/responses/test_lazy_pages.py",
    ],
    "responses/tables.py": [
        "tests/responses/test_tables.py",
        "tests/responses/test_paging.py",
        "tests/responses/test_tables_cases.py",
    ],
    "knowledge/resolve.py": [
        "tests/knowledge/test_resolve_cases.py",
        "tests/knowledge/test_resolve.py",
        "tests/hardening/test_fast_paths.py",
    ],
    "responses/understand.py": [
        "tests/responses/test_understand.py",
        "tests/responses/test_understand_parts.py",
        "tests/responses/test_understand_slots.py",
        "tests/responses/test_tables.py",
    ],
}

#: Lines that run only while a module is imported (building the jinja2 environments, say). mutmut picks the
#: mutant to run after import, so a mutant there can never be run: such lines are not mutated, and say so.
IMPORT_TIME: dict[str, list[str]] = {
    "responses/render.py": [
        r"^    env = Environment\(",
        r"^        loader=FileSystemLoader",
        r"^        autoescape=autoescape,",
        r"^        undefined=StrictUndefined,",
        r"^        trim_blocks=True,",
        r"^        lstrip_blocks=True,",
        r"^        keep_trailing_newline=False,",
        r'^    env\.filters\["',
        r"^    return env$",
    ],
}

#: What a sandbox needs besides the packages (tests read the data and templates inside them).
COPIED = ("bot", "responses", "knowledge", "tests", "benchmarks")
#: mutmut's names for its verdicts, grouped into what the score counts.
KILLED = ("killed", "timeout", "segfault")
SURVIVED = ("survived", "no_tests", "suspicious")


#: A pytest plugin put in each sandbox: every test starts with empty caches. The engine caches answers and
#: the resolver memoises; a test that asked what an earlier test asked would never run the code under
#: mutation, and mutmut, which runs for each mutant only the tests that reached its function, would not
#: even try it.
FRESH_CACHES = '''"""Empty every cache of the code under test before each test (written by benchmarks/mutate.py)."""
import sys

import pytest


@pytest.fixture(autouse=True)
def _fresh_caches(request):
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("bot", "responses", "knowledge"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
    for fixture in ("engine", "recorded"):
        if fixture in request.fixturenames:
            engine = getattr(request.getfixturevalue(fixture), "engine", None) or request.getfixturevalue(fixture)
            cached = getattr(engine, "_cached", None)
            if cached is not None:
                cached.cache_clear()
'''


def _pyproject(module: str, tests: list[str], deselect: list[str]) -> str:
    """This project's pyproject.toml with a [tool.mutmut] section for one module."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    selection = json.dumps(tests)
    args = json.dumps(
        ["-p", "no:cacheprovider", "-p", "tests._fresh_caches", "-q", "-x"]
        + [a for t in deselect for a in ("--deselect", t)]
    )
    return text + (
        "\n[tool.mutmut]\n"
        'source_paths = ["bot", "responses", "knowledge"]\n'
        f'only_mutate = ["{module}"]\n'
        f"do_not_mutate_patterns = {json.dumps(IMPORT_TIME.get(module, []))}\n"
        'also_copy = ["benchmarks"]\n'
        f"pytest_add_cli_args_test_selection = {selection}\n"
        f"pytest_add_cli_args = {args}\n"
        "use_git_change_detection = false\n"
        # Each mutant runs in a process forked before any test ran (tests collected, none run): the engine
        # caches answers, and a process that had answered a question already would never run the mutant.
        'process_isolation = "forkserver"\n'
    )


def _failing(project: Path, tests: list[str]) -> list[str]:
    """Tests of the selection that fail on the unmutated code (mutmut needs a green run to start from)."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests._fresh_caches", "-rf", *tests],
        cwd=project,
        capture_output=True,
        text=True,
    )
    failed = [line.removeprefix("FAILED ") for line in out.stdout.splitlines() if line.startswith("FAILED ")]
    # A test id may hold spaces ("test_x[how many?]"), so each line is matched against the collected ids.
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only", *tests],
        cwd=project,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    return [max((i for i in listed if line.startswith(i)), key=len, default=line.split(" - ")[0]) for line in failed]


def _sandbox(module: str, tests: list[str], where: Path) -> tuple[Path, list[str]]:
    project = where / "project"
    project.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source,
                project / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.db", ".probation.db.*", "synthetic", "results.json"),
            )
        elif source.exists():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    # Tests find ../shared beside the project root; mutmut runs them from project/mutants.
    shared = ROOT.parent / "shared"
    for base in (where, project):
        (base / "shared").symlink_to(shared, target_is_directory=True)
    tests = [t for t in tests if (ROOT / t).exists()]
    (project / "tests" / "_fresh_caches.py").write_text(FRESH_CACHES, encoding="utf-8")
    (project / "pyproject.toml").write_text(_pyproject(module, tests, []), encoding="utf-8")
    deselect = _failing(project, tests)
    (project / "pyproject.toml").write_text(_pyproject(module, tests, deselect), encoding="utf-8")
    return project, deselect


def _counts(project: Path) -> dict[str, int]:
    """Verdicts per status, read from mutmut's own CI/CD summary."""
    subprocess.run(
        [sys.executable, "-m", "mutmut", "export-cicd-stats"], cwd=project, check=True, stdout=subprocess.DEVNULL
    )
    counts: dict[str, int] = json.loads((project / "mutants" / "mutmut-cicd-stats.json").read_text(encoding="utf-8"))
    return counts


def _survivors(project: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-m", "mutmut", "results"], cwd=project, capture_output=True, text=True)
    return [
        line.split(":")[0].strip()
        for line in out.stdout.splitlines()
        if line.strip().endswith(("survived", "no tests"))
    ]


def score_module(module: str, jobs: int, keep: Path | None = None) -> dict[str, Any]:
    """Run mutmut on one module in a fresh sandbox; its killed, survived and score."""
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        project, deselected = _sandbox(module, MODULES[module], Path(tmp))
        if deselected:
            print(f"  left out, failing before any mutation: {deselected}", flush=True)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL if keep is None else None,
            check=False,
        )
        counts = _counts(project)
        survivors = _survivors(project)
        if keep is not None:
            shutil.copytree(project / "mutants", keep / module.replace("/", "_"), dirs_exist_ok=True)
    killed = sum(int(counts.get(k, 0)) for k in KILLED)
    survived = sum(int(counts.get(k, 0)) for k in SURVIVED)
    tested = killed + survived
    return {
        "killed": killed,
        "survived": survived,
        "score": round(killed / tested, 3) if tested else None,
        "tests": MODULES[module],
        "failing_before_mutation": deselected,
        "not_mutated_import_time_lines": IMPORT_TIME.get(module, []),
        "survivors": survivors,
    }


def _write(out: Path, modules: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Write the per-module and overall figures; return the overall ones."""
    modules = {m: modules[m] for m in MODULES if m in modules}
    killed = sum(int(r["killed"]) for r in modules.values())
    survived = sum(int(r["survived"]) for r in modules.values())
    overall: dict[str, Any] = {
        "killed": killed,
        "survived": survived,
        "score": round(killed / (killed + survived), 3) if killed + survived else 0.0,
    }
    out.write_text(
        json.dumps({"tool": "mutmut", "overall": overall, "modules": modules}, indent=2) + "\n", encoding="utf-8"
    )
    return overall


def markdown_table(results: dict[str, Any]) -> str:
    """The figures as the README shows them."""
    lines = ["| module | killed | survived | score | scored at |", "|---|---|---|---|---|"]
    for module, r in results["modules"].items():
        lines.append(
            f"| `{module}` | {r['killed']} | {r['survived']} | {(r['score'] or 0):.1%} | {r['commit']}, {r['when']} |"
        )
    o = results["overall"]
    lines.append(f"| **overall** | {o['killed']} | {o['survived']} | **{o['score']:.1%}** | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"modules to score (default: all of {', '.join(MODULES)})")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2, at nice 19)")
    parser.add_argument("--keep", type=Path, help="copy each sandbox's mutants/ folder here, to inspect survivors")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--table", action="store_true", help="print the figures in --out as a Markdown table, and stop")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(json.loads(args.out.read_text(encoding="utf-8"))))
        return 0
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"not a module we score: {unknown}")
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    modules: dict[str, dict[str, Any]] = dict(previous.get("modules", {}))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    for module in args.modules or list(MODULES):
        print(f"mutating {module} ...", flush=True)
        result = score_module(module, args.jobs, args.keep)
        result["commit"] = commit
        result["when"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")
        modules[module] = result
        print(
            f"  {module}: {result['killed']} killed, {result['survived']} survived, score {result['score']}", flush=True
        )
        overall = _write(args.out, modules)  # after each module, so a long run keeps what it has done
    print(
        f"mutation score: {overall['score']:.1%} ({overall['killed']} killed, {overall['survived']} survived) "
        f"-> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
