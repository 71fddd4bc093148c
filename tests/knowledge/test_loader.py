"""``knowledge.loader``: the real data validates, and each deliberate fault is reported exactly once,
as ``file:line: message`` on the line where it is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.loader import Problem, data_fingerprint, load_dataset
from knowledge.paths import DATA_DIR
from tests.knowledge import csvedit as ed
from tests.knowledge.breaks import BREAKS, Expect


def test_real_data_has_no_problems() -> None:
    ds = load_dataset(DATA_DIR)
    assert [str(p) for p in ds.problems] == []
    assert ds.ok


def test_every_record_of_every_file_is_kept() -> None:
    """No valid row is dropped on the way in: the loader keeps as many rows as the files hold."""
    ds = load_dataset(DATA_DIR)
    kept: dict[str, int] = {
        "inspections.csv": len(ds.inspections),
        "standard_ratings.csv": len(ds.standard_ratings),
        "findings.csv": len(ds.findings),
        "figures.csv": len(ds.figures),
        "seed_sources.csv": len(ds.seed_sources),
        "subjects.csv": len(ds.subjects),
        "aliases.csv": len(ds.aliases),
    }
    for name, count in kept.items():
        assert count == len(ed.records(DATA_DIR / name)), name


def test_row_lines_point_at_the_records_they_came_from() -> None:
    ds = load_dataset(DATA_DIR)
    all_lines = ed.lines(DATA_DIR / "inspections.csv")
    for row in ds.inspections:
        assert all_lines[row.line - 1].startswith(row.inspection_id + ",")


def test_problem_reads_file_colon_line_colon_message() -> None:
    assert str(Problem("knowledge/data/inspections.csv", 7, "bad")) == "knowledge/data/inspections.csv:7: bad"


@pytest.mark.parametrize("breaker", BREAKS, ids=lambda b: b.__name__)
def test_a_single_fault_is_reported_once_on_its_line(data_copy: Path, breaker: Callable[[Path], Expect]) -> None:
    expect = breaker(data_copy)
    problems = [str(p) for p in load_dataset(data_copy).problems]
    assert len(problems) == 1, problems
    assert ed.problem_re(expect.file, expect.line).match(problems[0]), problems[0]
    assert expect.fragment in problems[0]
    assert "\n" not in problems[0]


def test_several_faults_are_all_reported_in_one_pass(data_copy: Path) -> None:
    from tests.knowledge import breaks

    expected = [
        breaks.unknown_overall_rating(data_copy),
        breaks.finding_for_unknown_inspection(data_copy),
        breaks.alias_to_unknown_org(data_copy),
        breaks.unknown_standard_rating_word(data_copy),
    ]
    problems = [str(p) for p in load_dataset(data_copy).problems]
    assert len(problems) == len(expected)
    for e in expected:
        assert any(ed.problem_re(e.file, e.line).match(p) and e.fragment in p for p in problems), (e, problems)


def test_every_undecodable_line_is_reported(data_copy: Path) -> None:
    path = data_copy / "findings.csv"
    for line in (5, 41, 401):
        ed.set_cell(path, line, "topic", ed.cells_at(path, line)[1] + "\N{LATIN SMALL LETTER Y WITH DIAERESIS}")
    path.write_bytes(path.read_bytes().replace("\N{LATIN SMALL LETTER Y WITH DIAERESIS}".encode(), b"\xff"))
    problems = load_dataset(data_copy).problems
    assert [(Path(p.path).name, p.line) for p in problems] == [
        ("findings.csv", 5),
        ("findings.csv", 41),
        ("findings.csv", 401),
    ]


def test_a_byte_order_mark_and_old_mac_line_ends_are_accepted(data_copy: Path) -> None:
    """Spreadsheets save CSV with a UTF-8 BOM, some with bare CR line ends; the data must read the same."""
    path = data_copy / "inspections.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    ds = load_dataset(data_copy)
    assert ds.problems == []
    assert [r.line for r in ds.inspections] == [r.line for r in load_dataset(DATA_DIR).inspections]


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_line_numbers_hold_for_every_line_ending(data_copy: Path, eol: bytes) -> None:
    path = data_copy / "inspections.csv"
    line = ed.line_of(path, "inspection_id", "dtv-crc-2020")
    ed.set_cell(path, line, "overall_rating", "Superb")
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", eol))
    problems = [str(p) for p in load_dataset(data_copy).problems]
    assert len(problems) == 1 and ed.problem_re("inspections.csv", line).match(problems[0])


def test_rating_words_are_read_in_any_letter_case(data_copy: Path) -> None:
    path = data_copy / "inspections.csv"
    line = ed.line_of(path, "inspection_id", "dtv-crc-2019")
    ed.set_cell(path, line, "overall_rating", "requires  IMPROVEMENT")
    ds = load_dataset(data_copy)
    assert ds.problems == []
    row = next(r for r in ds.inspections if r.inspection_id == "dtv-crc-2019")
    assert row.overall_rating == "Requires improvement"


def test_a_missing_data_folder_reports_every_file_not_a_flood(tmp_path: Path) -> None:
    problems = load_dataset(tmp_path / "nowhere").problems
    assert sorted(Path(p.path).name for p in problems) == sorted(
        [
            "inspections.csv",
            "standard_ratings.csv",
            "findings.csv",
            "figures.csv",
            "seed_sources.csv",
            "subjects.csv",
            "aliases.csv",
            "caveats.csv",
            "local_authority_regions.csv",
        ]
    )
    assert all("cannot read file" in p.message for p in problems)


def test_people_supervised_keeps_the_qualifier_and_defaults_to_exact() -> None:
    ds = load_dataset(DATA_DIR)
    by_id = {r.inspection_id: r for r in ds.inspections}
    for rec in ed.records(DATA_DIR / "inspections.csv"):
        v = by_id[rec["inspection_id"]]
        if rec["people_supervised"]:
            assert v.people_supervised == int(rec["people_supervised"].replace(",", ""))
            assert v.supervised_qualifier == (rec["supervised_qualifier"] or "exact")
        else:
            assert v.people_supervised is None and v.supervised_qualifier is None


def test_unknown_dates_take_an_estimated_year_from_the_id_and_say_so() -> None:
    ds = load_dataset(DATA_DIR)
    undated = [r for r in ds.inspections if r.published is None]
    assert undated, "the real data has undated inspections (SOURCE-README: a few inspections lack a date)"
    for v in undated:
        assert v.published_precision == "unknown"
        assert v.year_estimated == 1
        assert v.inspection_id.endswith(str(v.year))
    for r in ds.inspections:
        if r.published:
            assert r.year_estimated == 0
            assert r.year == int(r.published[:4])


def test_fingerprint_changes_with_any_data_file(data_copy: Path) -> None:
    before = data_fingerprint(data_copy)
    assert data_fingerprint(data_copy) == before
    path = data_copy / "subjects.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    assert data_fingerprint(data_copy) != before


def test_a_badly_quoted_inspection_loses_only_its_own_record(data_copy: Path) -> None:
    """The broken record is reported first; the only other problems are its own findings and ratings,
    which now refer to an inspection that could not be read. No later inspection is swallowed."""
    path = data_copy / "inspections.csv"
    count = len(ed.records(path))
    line = ed.line_of(path, "inspection_id", "nps-london-2018")
    all_lines = ed.lines(path)
    cells = ed.cells_at(path, line)
    cells[-1] = ""
    all_lines[line - 1] = ed._format(cells) + '"unfinished note'
    ed.write_lines(path, all_lines)
    ds = load_dataset(data_copy)
    first, *rest = [str(p) for p in ds.problems]
    assert ed.problem_re("inspections.csv", line).match(first) and "malformed CSV" in first
    assert all("unknown inspection 'nps-london-2018'" in p for p in rest), rest
    assert len(ds.inspections) == count - 1


def test_a_caveat_for_an_unknown_inspection_is_named(tmp_path: Path) -> None:
    """caveats.csv is checked like the other files: an unknown inspection id is a located fault."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "caveats.csv").open("a", encoding="utf-8") as f:
        f.write("no-such-inspection,rating,Some doubt.\n")
    lines = (data / "caveats.csv").read_text(encoding="utf-8").splitlines()
    problems = [str(p) for p in load_dataset(data).problems]
    assert problems == [f"{data / 'caveats.csv'}:{len(lines)}: caveat for unknown inspection 'no-such-inspection'"] or [
        p.split("caveats.csv:")[1] for p in problems
    ] == [f"{len(lines)}: caveat for unknown inspection 'no-such-inspection'"]


def test_a_caveat_for_an_unknown_field_is_named(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "caveats.csv").open("a", encoding="utf-8") as f:
        f.write("pdu-sheffield-2023,colour,Some doubt.\n")
    problems = load_dataset(data).problems
    assert (
        len(problems) == 1
        and problems[0].path.endswith("caveats.csv")
        and "unknown field 'colour'" in problems[0].message
    )
