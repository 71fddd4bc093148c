"""Deliberate faults, one per function, each applied to a copy of the real data; and files that are
not a knowledge base (``BAD_FILES``).

Each function breaks one thing in ``data_dir`` and returns what ``kb check`` must then say: the file,
the line (computed from the edit it made) and a fragment of the message. ``test_loader.py`` checks the
loader reports exactly that one problem; ``test_cli_kb.py`` checks ``kb check`` and ``kb build`` on
the same faults.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.loader import short_key
from tests.knowledge import csvedit as ed


@dataclass(frozen=True)
class Expect:
    file: str
    line: int
    fragment: str


def unknown_overall_rating(d: Path) -> Expect:
    line = ed.line_of(d / "inspections.csv", "inspection_id", "dtv-crc-2020")
    ed.set_cell(d / "inspections.csv", line, "overall_rating", "Excellent")
    return Expect("inspections.csv", line, "unknown rating 'Excellent'")


def unknown_previous_rating(d: Path) -> Expect:
    line = ed.line_of(d / "inspections.csv", "inspection_id", "tv-crc-2020")
    ed.set_cell(d / "inspections.csv", line, "previous_rating", "Satisfactory")
    return Expect("inspections.csv", line, "previous_rating: unknown rating 'Satisfactory'")


def unknown_standard_rating_word(d: Path) -> Expect:
    path = d / "standard_ratings.csv"
    line = len(ed.records(path)) // 2 + 1
    ed.set_cell(path, line, "rating", "Poor")
    return Expect("standard_ratings.csv", line, "unknown rating 'Poor'")


def duplicate_inspection_id(d: Path) -> Expect:
    path = d / "inspections.csv"
    first = ed.line_of(path, "inspection_id", "dtv-crc-2019")
    line = ed.append_record(path, ed.cells_at(path, first))
    return Expect("inspections.csv", line, f"duplicate inspection_id 'dtv-crc-2019' (first on line {first})")


def duplicate_alias(d: Path) -> Expect:
    path = d / "aliases.csv"
    first = ed.line_of(path, "alias", "DTV")
    line = ed.append_record(path, ed.cells_at(path, first))
    return Expect("aliases.csv", line, f"(first on line {first})")


def inspection_without_source_url(d: Path) -> Expect:
    line = ed.line_of(d / "inspections.csv", "inspection_id", "ddc-crc-2019")
    ed.set_cell(d / "inspections.csv", line, "source_url", "")
    return Expect("inspections.csv", line, "row has no source_url")


def finding_without_source_url(d: Path) -> Expect:
    path = d / "findings.csv"
    line = len(ed.records(path)) + 1  # the last record
    ed.set_cell(path, line, "source_url", "")
    return Expect("findings.csv", line, "row has no source_url")


def standard_rating_without_source_url(d: Path) -> Expect:
    ed.set_cell(d / "standard_ratings.csv", 2, "source_url", "")
    return Expect("standard_ratings.csv", 2, "row has no source_url")


def figure_with_bad_source_url(d: Path) -> Expect:
    ed.set_cell(d / "figures.csv", 3, "source_url", "www.example.org/page")
    return Expect("figures.csv", 3, "is not an http(s) URL")


def seed_source_without_url(d: Path) -> Expect:
    ed.set_cell(d / "seed_sources.csv", 2, "url", "")
    return Expect("seed_sources.csv", 2, "row has no url")


def finding_for_unknown_inspection(d: Path) -> Expect:
    path = d / "findings.csv"
    line = ed.line_of(path, "inspection_id", "hiow-crc-2019")
    ed.set_cell(path, line, "inspection_id", "hiow-crc-2099")
    return Expect("findings.csv", line, "finding for unknown inspection 'hiow-crc-2099'")


def standard_rating_for_unknown_inspection(d: Path) -> Expect:
    path = d / "standard_ratings.csv"
    cells = ed.cells_at(path, 2)
    cells[ed.header(path).index("inspection_id")] = "no-such-crc-2019"
    line = ed.append_record(path, cells)
    return Expect("standard_ratings.csv", line, "rating for unknown inspection 'no-such-crc-2019'")


def _bad_date(raw: str) -> Callable[[Path], Expect]:
    def breaker(d: Path) -> Expect:
        line = ed.line_of(d / "inspections.csv", "inspection_id", "hlny-crc-2019")
        ed.set_cell(d / "inspections.csv", line, "published", raw)
        return Expect("inspections.csv", line, f"published: malformed date {raw!r}")

    breaker.__name__ = f"malformed_date_{raw}"
    return breaker


def malformed_seed_date(d: Path) -> Expect:
    ed.set_cell(d / "seed_sources.csv", 3, "published", "2019-00")
    return Expect("seed_sources.csv", 3, "malformed date '2019-00'")


def alias_to_unknown_org(d: Path) -> Expect:
    line = ed.append_record(d / "aliases.csv", ["Atlantis", "atlantis-crc", "place"])
    return Expect("aliases.csv", line, "alias 'Atlantis' points to unknown org_id 'atlantis-crc'")


def unknown_stance(d: Path) -> Expect:
    ed.set_cell(d / "findings.csv", 5, "stance", "praise")
    return Expect("findings.csv", 5, "unknown stance 'praise'")


def unknown_org_type(d: Path) -> Expect:
    line = ed.line_of(d / "inspections.csv", "inspection_id", "essex-crc-2018")
    ed.set_cell(d / "inspections.csv", line, "org_type", "Charity")
    return Expect("inspections.csv", line, "unknown org_type 'Charity'")


def score_above_maximum(d: Path) -> Expect:
    line = ed.line_of(d / "inspections.csv", "inspection_id", "pdu-sheffield-2023")
    ed.set_cell(d / "inspections.csv", line, "score", "28 of 27")
    return Expect("inspections.csv", line, "score '28 of 27'")


@lru_cache(maxsize=1)
def _two_org_ids_with_one_short_key() -> tuple[str, str]:
    """Found by the birthday bound in about 2**16 tries of a 32-bit key."""
    seen: dict[str, str] = {}
    n = 0
    while True:
        org_id = f"pdu-test-{n}"
        key = short_key(org_id)
        if key in seen:
            return seen[key], org_id
        seen[key] = org_id
        n += 1


def colliding_short_keys(d: Path) -> Expect:
    """Two new organisations whose 8-character keys (used in button data) coincide."""
    first, second = _two_org_ids_with_one_short_key()
    path = d / "inspections.csv"
    template = ed.cells_at(path, ed.line_of(path, "inspection_id", "pdu-sheffield-2023"))
    lines = []
    for org_id in (first, second):
        cells = list(template)
        cells[0], cells[1] = f"{org_id}-2023", org_id
        lines.append(ed.append_record(path, cells))
    return Expect("inspections.csv", lines[1], f"org_id {second!r} has the same short key as {first!r}")


def missing_inspections_column(d: Path) -> Expect:
    ed.drop_column(d / "inspections.csv", "overall_rating")
    return Expect("inspections.csv", 1, "missing column(s): overall_rating")


def missing_findings_column(d: Path) -> Expect:
    ed.drop_column(d / "findings.csv", "stance")
    return Expect("findings.csv", 1, "missing column(s): stance")


def non_utf8_inspections(d: Path) -> Expect:
    """A spreadsheet saved as Windows-1252 on one line, deep in the file (past the first 8 KB)."""
    path = d / "inspections.csv"
    all_lines = ed.lines(path)
    line = len(ed.records(path)) - 5
    assert sum(len(x) for x in all_lines[: line - 1]) > 8192
    ed.set_cell(path, line, "notes", "Fieldwork at the caf\u00e9 on the high street")
    path.write_bytes(path.read_bytes().replace("caf\u00e9".encode(), "caf\u00e9".encode("cp1252")))
    return Expect("inspections.csv", line, "not UTF-8 text")


def ragged_finding_too_many_cells(d: Path) -> Expect:
    path = d / "findings.csv"
    cells = [*ed.cells_at(path, 10), "extra"]
    all_lines = ed.lines(path)
    all_lines[9] = ed._format(cells)
    ed.write_lines(path, all_lines)
    return Expect("findings.csv", 10, "7 cells for 6 columns")


def ragged_standard_rating_too_few_cells(d: Path) -> Expect:
    path = d / "standard_ratings.csv"
    cells = ed.cells_at(path, 7)[:-1]
    all_lines = ed.lines(path)
    all_lines[6] = ed._format(cells)
    ed.write_lines(path, all_lines)
    return Expect("standard_ratings.csv", 7, "4 cells for 5 columns")


def fault_after_blank_line(d: Path) -> Expect:
    """A blank line must not shift the line numbers of the records after it."""
    path = d / "standard_ratings.csv"
    ed.insert_line(path, 4, "")
    ed.set_cell(path, 5, "rating", "Mediocre")
    return Expect("standard_ratings.csv", 5, "unknown rating 'Mediocre'")


def unclosed_quote(d: Path) -> Expect:
    """An opening quote never closed must be reported, not allowed to swallow the records after it."""
    path = d / "figures.csv"
    all_lines = ed.lines(path)
    all_lines[19] = all_lines[19] + ',"never closed'
    ed.write_lines(path, all_lines)
    return Expect("figures.csv", 20, "malformed CSV")


def unclosed_quote_in_last_column(d: Path) -> Expect:
    """The last cell's quote is never closed: the rest of the file would vanish into that one cell."""
    path = d / "findings.csv"
    line = len(ed.records(path)) // 3
    all_lines = ed.lines(path)
    cells = ed.cells_at(path, line)
    cells[-1] = ""
    all_lines[line - 1] = ed._format(cells) + '"https://example.org/unfinished'
    ed.write_lines(path, all_lines)
    return Expect("findings.csv", line, "malformed CSV")


def empty_subjects_file(d: Path) -> Expect:
    (d / "subjects.csv").write_bytes(b"")
    return Expect("subjects.csv", 1, "empty file")


def missing_aliases_file(d: Path) -> Expect:
    (d / "aliases.csv").unlink()
    return Expect("aliases.csv", 0, "cannot read file")


BREAKS: list[Callable[[Path], Expect]] = [
    unknown_overall_rating,
    unknown_previous_rating,
    unknown_standard_rating_word,
    duplicate_inspection_id,
    duplicate_alias,
    inspection_without_source_url,
    finding_without_source_url,
    standard_rating_without_source_url,
    figure_with_bad_source_url,
    seed_source_without_url,
    finding_for_unknown_inspection,
    standard_rating_for_unknown_inspection,
    _bad_date("2019-13"),
    _bad_date("2019/02/03"),
    _bad_date("2019-02-30"),
    _bad_date("21 Feb 2019"),
    malformed_seed_date,
    alias_to_unknown_org,
    unknown_stance,
    unknown_org_type,
    score_above_maximum,
    colliding_short_keys,
    missing_inspections_column,
    missing_findings_column,
    non_utf8_inspections,
    ragged_finding_too_many_cells,
    ragged_standard_rating_too_few_cells,
    fault_after_blank_line,
    unclosed_quote,
    unclosed_quote_in_last_column,
    empty_subjects_file,
    missing_aliases_file,
]


# -- files that are not a knowledge base: each writes one at ``path``; ``real`` is a good one to start from --


def _sqlite_without_our_tables(path: Path, real: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("create table notes (x)")
    conn.commit()
    conn.close()


def _with_schema_version(version: str):
    def make(path: Path, real: Path) -> None:
        shutil.copyfile(real, path)
        conn = sqlite3.connect(path)
        conn.execute("update meta set value = ? where key = 'schema_version'", (version,))
        conn.commit()
        conn.close()

    return make


def _truncated(path: Path, real: Path) -> None:
    data = real.read_bytes()
    path.write_bytes(data[: len(data) // 3])


BAD_FILES = {
    "missing": lambda path, real: None,
    "empty": lambda path, real: path.write_bytes(b""),
    "random-bytes": lambda path, real: path.write_bytes(os.urandom(8192)),
    "text": lambda path, real: path.write_text("inspection_id,org_id\nx,y\n"),
    "sqlite-without-our-tables": _sqlite_without_our_tables,
    "another-schema-version": _with_schema_version("999"),
    "non-numeric-schema-version": _with_schema_version("one"),
    "truncated-knowledge-base": _truncated,
    "a-folder": lambda path, real: path.mkdir(),
}
