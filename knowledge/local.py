"""The local data folder (``LOCAL_DATA``): rows added on this server, merged into every build.

The repository's data files mirror the shared source data byte for byte, so rows approved from the
news feed cannot go there. They go to a folder of the same CSV files outside the repository, and
every build reads the two together: the repository's rows first, then the local ones. A local
inspection row whose ``inspection_id`` is already in the repository's data *replaces* that row (that
is how an approved date or rating is added to an inspection we hold); any other local row is added,
unless the repository's data has since gained the same inspection (same page, or same body and day).

The merge happens in a temporary folder handed to the ordinary build, so the loader and its checks
are the same for both; a fault in a local row is reported against the local file and its own line.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from knowledge.build import BuildError, build, is_current
from knowledge.loader import REQUIRED_COLUMNS, Dataset, Problem, display_path, load_dataset, read_csv

INSPECTIONS = "inspections.csv"
_Origin = dict[tuple[str, int], tuple[str, int]]  # (file name, merged line) -> (shown path, line there)


def has_local_rows(local_dir: Path | None) -> bool:
    """True when ``local_dir`` holds at least one of the data files (an empty folder changes nothing)."""
    return local_dir is not None and any((Path(local_dir) / name).is_file() for name in REQUIRED_COLUMNS)


@dataclass(frozen=True)
class _Placed:
    """A record and where it really came from: a file (as shown in messages) and a line there."""

    shown: str
    line: int
    cells: dict[str, str]


def _write_rows(path: Path, header: list[str], rows: list[_Placed], name: str, origin: _Origin) -> None:
    """Write ``rows`` under ``header``, remembering where each record came from."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    line = 2
    for row in rows:
        start = out.tell()
        writer.writerow([row.cells.get(column, "") for column in header])
        origin[(name, line)] = (row.shown, row.line)
        line += out.getvalue()[start:].count("\n")
    path.write_text(out.getvalue(), encoding="utf-8")


def _merge_file(
    name: str, data_dir: Path, local_dir: Path, merged: Path, origin: _Origin, problems: list[Problem]
) -> None:
    repo_path, local_path = data_dir / name, local_dir / name
    repo_rows = read_csv(repo_path, problems)
    local_rows = read_csv(local_path, problems)
    if repo_rows is None or local_rows is None:
        return
    with repo_path.open(encoding="utf-8-sig", newline="") as f:
        header = [c.strip() for c in next(csv.reader(f))]
    repo_shown, local_shown = display_path(repo_path), display_path(local_path)
    replacing = {}
    if name == INSPECTIONS:
        replacing = {r["inspection_id"]: (line, r) for line, r in local_rows if r.get("inspection_id")}
    rows: list[_Placed] = []
    for line, r in repo_rows:
        if name == INSPECTIONS and r["inspection_id"] in replacing:
            local_line, local_row = replacing.pop(r["inspection_id"])
            rows.append(_Placed(local_shown, local_line, local_row))
        else:
            rows.append(_Placed(repo_shown, line, r))
    held: set[object] = set()
    if name == INSPECTIONS:
        held = {r["inspection_id"] for _, r in repo_rows} | {r["source_url"] for _, r in repo_rows}
        held |= {(r["org_id"], r["published"]) for _, r in repo_rows if r["published"]}
    rows.extend(
        _Placed(local_shown, line, r) for line, r in local_rows if not (name == INSPECTIONS and _already_held(r, held))
    )
    _write_rows(merged / name, header, rows, name, origin)


def _already_held(row: dict[str, str], held: set[object]) -> bool:
    """A local inspection row the repository's data now has itself (same id, same page, or same body and day).

    Once the shared data gains an inspection first approved from the feed, the repository's row wins,
    so the one inspection is never counted twice.
    """
    return (
        row.get("inspection_id") in held
        or row.get("source_url") in held
        or (bool(row.get("published")) and (row.get("org_id"), row.get("published")) in held)
    )


@contextmanager
def merged_folder(data_dir: Path, local_dir: Path) -> Iterator[tuple[Path, _Origin]]:
    """A temporary data folder holding ``data_dir`` with ``local_dir`` merged in (see the module doc).

    Raises ``BuildError`` when a file cannot be read as CSV at all, naming the real file.
    """
    data_dir, local_dir = Path(data_dir), Path(local_dir)
    with tempfile.TemporaryDirectory(prefix="probation-merged-") as tmp:
        merged = Path(tmp)
        origin: _Origin = {}
        problems: list[Problem] = []
        for name in REQUIRED_COLUMNS:
            if (local_dir / name).is_file() and (data_dir / name).is_file():
                _merge_file(name, data_dir, local_dir, merged, origin, problems)
            elif (data_dir / name).is_file():
                shutil.copyfile(data_dir / name, merged / name)
        if problems:
            raise BuildError(problems)
        yield merged, origin


def _located(problem: Problem, merged: Path, data_dir: Path, origin: _Origin) -> Problem:
    """``problem`` found in the merged folder, moved to the file and line the row really came from."""
    for name in REQUIRED_COLUMNS:
        if problem.path == display_path(merged / name):
            shown, line = origin.get((name, problem.line), (None, problem.line))
            return Problem(shown or display_path(data_dir / name), line, problem.message)
    return problem


def build_with_local(data_dir: Path, out: Path, local_dir: Path | None) -> Dataset:
    """``knowledge.build.build`` of ``data_dir`` and ``local_dir`` together (just ``data_dir`` when empty).

    Atomic as ``build`` is: the new file replaces ``out`` in one rename, so a running bot watching it
    sees the old knowledge base or the new one.
    """
    if not has_local_rows(local_dir):
        return build(data_dir, out)
    assert local_dir is not None
    with merged_folder(data_dir, local_dir) as (merged, origin):
        try:
            return build(merged, out)
        except BuildError as exc:
            raise BuildError([_located(p, merged, Path(data_dir), origin) for p in exc.problems]) from None


def load_with_local(data_dir: Path, local_dir: Path | None) -> Dataset:
    """``knowledge.loader.load_dataset`` of both folders, problems located in the file each row came from."""
    if not has_local_rows(local_dir):
        return load_dataset(data_dir)
    assert local_dir is not None
    try:
        with merged_folder(data_dir, local_dir) as (merged, origin):
            ds = load_dataset(merged)
            ds.problems[:] = [_located(p, merged, Path(data_dir), origin) for p in ds.problems]
            ds.data_dir = Path(data_dir)
            return ds
    except BuildError as exc:  # a file not readable as CSV at all
        return Dataset(data_dir=Path(data_dir), problems=exc.problems)


def is_current_with_local(db_path: Path, data_dir: Path, local_dir: Path | None) -> bool:
    """``knowledge.build.is_current`` for a knowledge base built from both folders."""
    if not has_local_rows(local_dir):
        return is_current(db_path, data_dir)
    assert local_dir is not None
    try:
        with merged_folder(data_dir, local_dir) as (merged, _):
            return is_current(db_path, merged)
    except BuildError:
        return False


def read_inspection_row(data_dir: Path, local_dir: Path | None, inspection_id: str) -> dict[str, str] | None:
    """The CSV row of one inspection as it stands (a local row over the repository's), or None."""
    found = None
    for folder in (data_dir, local_dir):
        if folder is None or not (Path(folder) / INSPECTIONS).is_file():
            continue
        for _, row in read_csv(Path(folder) / INSPECTIONS, []) or []:
            if row.get("inspection_id") == inspection_id:
                found = row
    return found


def inspection_ids(folder: Path) -> set[str]:
    """The inspection ids in ``folder``'s ``inspections.csv`` (none when it has no such file)."""
    path = Path(folder) / INSPECTIONS
    if not path.is_file():
        return set()
    return {r["inspection_id"] for _, r in read_csv(path, []) or [] if r.get("inspection_id")}


def save_inspection_row(local_dir: Path, row: dict[str, str]) -> Path:
    """Add ``row`` to the local ``inspections.csv``, replacing a local row with the same id; atomic.

    The file is written whole to a temporary name and renamed, so a build never reads half a row.
    """
    local_dir = Path(local_dir)
    local_dir.mkdir(parents=True, exist_ok=True)
    path = local_dir / INSPECTIONS
    header = list(REQUIRED_COLUMNS[INSPECTIONS])
    rows: list[dict[str, str]] = []
    if path.is_file():
        rows = [r for _, r in (read_csv(path, []) or []) if r.get("inspection_id") != row["inspection_id"]]
    rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: r.get(k, "") for k in header})
    fd, tmp = tempfile.mkstemp(prefix=f".{INSPECTIONS}.", suffix=".tmp", dir=local_dir)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    os.replace(tmp, path)
    return path
