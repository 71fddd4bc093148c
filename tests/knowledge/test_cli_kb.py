"""``probation-bot kb build|check|stats``: exit codes, ``file:line: message`` output, atomic builds and
one-line errors without tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.kb import KnowledgeBase
from knowledge.paths import DATA_DIR
from tests.knowledge import csvedit as ed
from tests.knowledge.breaks import BAD_FILES, BREAKS, Expect

PROBATION_BOT = Path(sys.executable).parent / "probation-bot"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- kb check ---------------------------------------------------------------------------------------


def test_check_passes_on_the_real_data(capsys: pytest.CaptureFixture[str], data_copy: Path) -> None:
    code, out, err = run(capsys, "kb", "check", "--data", str(data_copy))
    assert code == 0, out + err
    assert out.startswith("kb check: OK")
    assert f"{len(ed.records(data_copy / 'inspections.csv'))} inspections" in out


@pytest.mark.parametrize("breaker", BREAKS, ids=lambda b: b.__name__)
def test_check_names_the_file_and_line_of_a_fault(
    capsys: pytest.CaptureFixture[str], data_copy: Path, breaker: Callable[[Path], Expect]
) -> None:
    expect = breaker(data_copy)
    code, out, err = run(capsys, "kb", "check", "--data", str(data_copy))
    assert code != 0
    problems = out.splitlines()
    assert len(problems) == 1, problems
    assert ed.problem_re(expect.file, expect.line).match(problems[0]) and expect.fragment in problems[0], problems
    assert "1 problem(s)" in err


# -- kb build -----------------------------------------------------------------------------------------


def test_build_writes_the_database_at_out(capsys: pytest.CaptureFixture[str], data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "made" / "kb.db"
    code, stdout, err = run(capsys, "kb", "build", "--data", str(data_copy), "--out", str(out))
    assert code == 0, err
    count = len(ed.records(data_copy / "inspections.csv"))
    assert f"Built {out}: {count} inspections" in stdout
    kb = KnowledgeBase(out)
    assert kb.counts()["inspections"] == count
    kb.close()
    assert sorted(p.name for p in out.parent.iterdir()) == ["kb.db"]


#: One fault of each kind for the build (the loader and ``kb check`` tests take every one of them).
BUILD_BREAKS = [
    b
    for b in BREAKS
    if b.__name__
    in {
        "unknown_overall_rating",
        "duplicate_inspection_id",
        "finding_without_source_url",
        "standard_rating_for_unknown_inspection",
        "malformed_date_2019/02/03",
        "alias_to_unknown_org",
        "colliding_short_keys",
        "missing_findings_column",
        "non_utf8_inspections",
        "ragged_finding_too_many_cells",
        "unclosed_quote",
        "empty_subjects_file",
        "missing_aliases_file",
    }
]


def test_the_build_faults_are_all_there() -> None:
    assert len(BUILD_BREAKS) == 13


@pytest.mark.parametrize("breaker", BUILD_BREAKS, ids=lambda b: b.__name__)
def test_build_refuses_broken_data_and_leaves_the_old_database_untouched(
    capsys: pytest.CaptureFixture[str],
    data_copy: Path,
    tmp_path: Path,
    kb_path: Path,
    breaker: Callable[[Path], Expect],
) -> None:
    expect = breaker(data_copy)
    out = tmp_path / "out" / "kb.db"
    out.parent.mkdir()
    shutil.copyfile(kb_path, out)
    before = out.read_bytes()
    code, stdout, err = run(capsys, "kb", "build", "--data", str(data_copy), "--out", str(out))
    assert code != 0
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["kb.db"]  # no temporary files either
    assert any(ed.problem_re(expect.file, expect.line).match(line) for line in err.splitlines()), err
    assert "nothing was written" in err
    assert "Built" not in stdout


def test_build_on_broken_data_creates_no_file(
    capsys: pytest.CaptureFixture[str], data_copy: Path, tmp_path: Path
) -> None:
    BREAKS[0](data_copy)
    out = tmp_path / "never.db"
    code, _, _ = run(capsys, "kb", "build", "--data", str(data_copy), "--out", str(out))
    assert code != 0
    assert list(tmp_path.iterdir()) == [data_copy]


def test_build_into_a_folder_fails_in_one_line_and_leaves_no_temporary_file(
    capsys: pytest.CaptureFixture[str], data_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "a-folder"
    target.mkdir()
    code, _out, err = run(capsys, "kb", "build", "--data", str(data_copy), "--out", str(target))
    assert code != 0
    assert err.count("\n") == 1 and "cannot write" in err
    assert sorted(tmp_path.iterdir()) == sorted([data_copy, target]) and list(target.iterdir()) == []


# -- kb stats ---------------------------------------------------------------------------------------


def _precision_counts() -> dict[str, int]:
    """Exact / month-only / unknown publication dates, counted straight from the CSV."""
    kinds: Counter[str] = Counter()
    for rec in ed.records(DATA_DIR / "inspections.csv"):
        p = rec["published"]
        kinds["exact day" if len(p) == 10 else "month only" if len(p) == 7 else "unknown" if not p else "other"] += 1
    return dict(kinds)


def test_stats_prints_counts_by_type_rating_year_and_date_precision(
    capsys: pytest.CaptureFixture[str], kb_path: Path
) -> None:
    code, out, err = run(capsys, "kb", "stats", "--db", str(kb_path))
    assert code == 0, err
    for heading in ("inspections by type:", "inspections by rating:", "inspections by year:", "publication dates:"):
        assert heading in out
    dates_section = out.split("publication dates:")[1]
    for label, count in _precision_counts().items():
        assert any(line.split() == [*label.split(), str(count)] for line in dates_section.splitlines()), (label, out)
    assert any(line.split() == ["Good", str(_rating_count("Good"))] for line in out.splitlines())


def _rating_count(rating: str) -> int:
    return sum(r["overall_rating"] == rating for r in ed.records(DATA_DIR / "inspections.csv"))


def test_stats_json_adds_up(capsys: pytest.CaptureFixture[str], kb_path: Path) -> None:
    code, out, _ = run(capsys, "kb", "stats", "--db", str(kb_path), "--json")
    assert code == 0
    stats = json.loads(out)
    total = len(ed.records(DATA_DIR / "inspections.csv"))
    assert stats["totals"]["inspections"] == total
    for table in ("inspections by type", "inspections by rating", "inspections by year", "publication dates"):
        assert sum(stats[table].values()) == total, table
    assert stats["publication dates"] == _precision_counts()


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_stats_on_a_bad_file_fails_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kb_path: Path, kind: str
) -> None:
    path = tmp_path / "bad.db"
    BAD_FILES[kind](path, kb_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, "kb", "stats", "--db", str(path))
    assert code != 0
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("probation-bot: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("kind", ["random-bytes", "missing"])
def test_the_installed_command_fails_without_a_traceback(tmp_path: Path, kb_path: Path, kind: str) -> None:
    path = tmp_path / "bad.db"
    BAD_FILES[kind](path, kb_path)
    result = subprocess.run(
        [str(PROBATION_BOT), "kb", "stats", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PROBATION_KB": ""},
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
