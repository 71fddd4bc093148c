"""Small helpers to read the real data files and to break copies of them one fault at a time.

The data files hold one record per physical line (``test_data.py`` checks that), so a record's line
number is its index in the file's lines plus one. Every helper that edits a file returns the line it
wrote, so a test can compute the line a problem must be reported on instead of hard-coding it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path


def records(path: Path) -> list[dict[str, str]]:
    """The file's records as dicts (the standard library's reading, independent of the loader)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if any((v or "").strip() for v in row.values())]


def _eol(text: str) -> str:
    """The file's own line ending (the data mixes CRLF and LF files); edits keep it."""
    return "\r\n" if "\r\n" in text else "\n"


def lines(path: Path) -> list[str]:
    """Physical lines without their endings; a final empty string if the file ends with a line break."""
    text = path.read_text(encoding="utf-8")
    return text.split(_eol(text))


def write_lines(path: Path, new_lines: list[str]) -> None:
    eol = _eol(path.read_text(encoding="utf-8")) if path.exists() else "\n"
    path.write_bytes(eol.join(new_lines).encode("utf-8"))


def header(path: Path) -> list[str]:
    return next(csv.reader([lines(path)[0]]))


def line_of(path: Path, column: str, value: str) -> int:
    """The 1-based line of the first record whose ``column`` equals ``value``."""
    cols = header(path)
    for number, text in enumerate(lines(path), start=1):
        if number == 1 or not text:
            continue
        cells = next(csv.reader([text]))
        if cells[cols.index(column)] == value:
            return number
    raise LookupError(f"no record with {column}={value!r} in {path.name}")


def _format(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def cells_at(path: Path, line: int) -> list[str]:
    return next(csv.reader([lines(path)[line - 1]]))


def set_cell(path: Path, line: int, column: str, value: str) -> int:
    """Set one cell of the record on ``line``; returns ``line``."""
    all_lines = lines(path)
    cells = next(csv.reader([all_lines[line - 1]]))
    cells[header(path).index(column)] = value
    all_lines[line - 1] = _format(cells)
    write_lines(path, all_lines)
    return line


def append_record(path: Path, cells: list[str]) -> int:
    """Append a record after the last one; returns the line it is on."""
    all_lines = lines(path)
    while all_lines and all_lines[-1] == "":
        all_lines.pop()
    all_lines.append(_format(cells))
    write_lines(path, [*all_lines, ""])
    return len(all_lines)


def insert_line(path: Path, line: int, text: str) -> int:
    """Insert raw ``text`` so that it becomes line ``line``; returns ``line``."""
    all_lines = lines(path)
    all_lines.insert(line - 1, text)
    write_lines(path, all_lines)
    return line


def drop_column(path: Path, column: str) -> None:
    all_lines = lines(path)
    index = header(path).index(column)
    out: list[str] = []
    for text in all_lines:
        if not text:
            out.append(text)
            continue
        cells = next(csv.reader([text]))
        del cells[index]
        out.append(_format(cells))
    write_lines(path, out)


def problem_re(file_name: str, line: int) -> re.Pattern[str]:
    """Matches ``.../file_name:line: `` at the start of a reported problem."""
    return re.compile(rf"^(?:.*[/\\])?{re.escape(file_name)}:{line}: ")
