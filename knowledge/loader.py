"""Read the data files and validate them, reporting every problem as ``file:line: message``.

``load_dataset`` never stops at the first fault: a researcher fixing a spreadsheet wants the whole list.
The build refuses to write anything while the list is not empty (see ``knowledge.build``).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.dates import PartialDate, parse_date
from knowledge.ratings import canonical_rating
from knowledge.rows import (
    AliasRow,
    CaveatRow,
    FigureRow,
    FindingRow,
    InspectionRow,
    SeedSourceRow,
    StandardRatingRow,
    SubjectRow,
    YouthRegionRow,
)

#: The organisation types of the source data, mapped to our short codes.
ORG_TYPES: dict[str, str] = {
    "CRC": "crc",
    "NPS division": "nps",
    "PDU": "pdu",
    "Probation region": "region",
    "Youth justice service": "yjs",
    "Other": "national",
}
#: How each code reads in an answer.
TYPE_LABELS: dict[str, str] = {
    "crc": "CRC",
    "nps": "NPS division",
    "pdu": "PDU",
    "region": "region",
    "yjs": "youth justice service",
    "national": "national",
}
#: What an empty ``overall_rating`` means (see the source README): given, none given, or not in our sources.
RATING_STATUSES = ("rated", "not rated", "not found")
STANCES = ("strength", "concern", "neutral")
#: The values of an inspection a caveat may be about.
CAVEAT_FIELDS = ("rating", "score", "people", "date", "owner", "standards")

#: Columns each file must have (more are allowed and ignored).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "inspections.csv": (
        "inspection_id",
        "org_id",
        "organisation",
        "org_type",
        "aliases",
        "owner",
        "region",
        "programme",
        "fieldwork",
        "published",
        "overall_rating",
        "rating_status",
        "previous_rating",
        "people_supervised",
        "supervised_qualifier",
        "supervised_asof",
        "score",
        "source_url",
        "source_title",
        "notes",
    ),
    "standard_ratings.csv": ("inspection_id", "standard_code", "standard_name", "rating", "source_url"),
    "findings.csv": ("inspection_id", "topic", "stance", "finding", "figure", "source_url"),
    "figures.csv": ("subject", "metric", "value", "unit", "as_of", "source_url", "source_title"),
    "seed_sources.csv": ("seed_file", "title", "url", "published", "publisher"),
    "subjects.csv": ("subject_id", "title", "kind", "year"),
    "aliases.csv": ("alias", "org_id", "kind"),
    "caveats.csv": ("inspection_id", "field", "caveat"),
    "local_authority_regions.csv": ("org_id", "local_authorities", "region", "source_url"),
}
#: Where a youth justice service can be: the nine English regions (as the ONS names them, with our
#: spelling of "Yorkshire and the Humber", which the probation data uses) and Wales.
YOUTH_REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
)

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
_SCORE_RE = re.compile(r"^(\d+) of (\d+)$")
_YEAR_SUFFIX_RE = re.compile(r"-(\d{4})$")


def short_key(org_id: str) -> str:
    """An 8-character key for an organisation, stable across rebuilds: fits in Telegram callback data."""
    return hashlib.blake2b(org_id.encode(), digest_size=4).hexdigest()


@dataclass(frozen=True)
class Problem:
    """One fault in the data, located to a file and line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Dataset:
    """Everything read from a data folder, cleaned, plus the problems found."""

    data_dir: Path
    inspections: list[InspectionRow] = field(default_factory=list)
    standard_ratings: list[StandardRatingRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    figures: list[FigureRow] = field(default_factory=list)
    seed_sources: list[SeedSourceRow] = field(default_factory=list)
    subjects: list[SubjectRow] = field(default_factory=list)
    aliases: list[AliasRow] = field(default_factory=list)
    caveats: list[CaveatRow] = field(default_factory=list)
    youth_regions: list[YouthRegionRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def display_path(path: Path) -> str:
    """The shortest honest way to name a file: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)


#: A file's records as ``read_csv`` gives them: ``(line, cells by column)``.
Records = list[tuple[int, dict[str, str]]]


_LINE_BREAK_RE = re.compile(rb"\r\n|\r|\n")


def _decode(data: bytes, shown: str, problems: list[Problem]) -> str:
    """Decode a file as UTF-8 (a spreadsheet's byte-order mark allowed), reporting each line that is not.

    Undecodable bytes are reported on their own line and replaced, so the rest of the file is still
    checked rather than lost behind one stray byte.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for number, raw in enumerate(_LINE_BREAK_RE.split(data), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(shown, number, f"not UTF-8 text ({exc.reason} at byte {exc.start + 1} of the line)")
            )
    return data.decode("utf-8", errors="replace")


def _split_records(physical: list[str]) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """Each record that is not blank, with the line it starts on; a badly quoted one as its error.

    After a bad quote, reading resumes on the next line, so one stray quote does not hide the
    records after it.
    """
    offset = previous_end = 0  # offset: the lines before the ones the current reader reads
    reader = csv.reader(physical, strict=True)
    while True:
        start = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, exc
            offset = previous_end = start
            reader = csv.reader(physical[offset:], strict=True)
            continue
        previous_end = offset + reader.line_num
        if any(c.strip() for c in cells):  # a blank line in a hand-edited file is no record
            yield start, cells


def read_csv(path: Path, problems: list[Problem]) -> Records | None:
    """Return ``(line, row)`` for each record, with the line where the record starts.

    Problems (bytes that are not UTF-8, bad quoting, ragged rows) are reported and the rows concerned
    skipped. Quoting is strict, since an unclosed quote would otherwise swallow the records after it
    without a word: a badly quoted record is reported on its first line and reading resumes on the
    next line. Returns ``None`` when the file cannot be used at all (missing, empty, or lacking a
    column), so that the checks across files do not bury that one fault under a flood of follow-ons.
    """
    shown = display_path(path)
    required = REQUIRED_COLUMNS[path.name]
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown, 0, f"cannot read file: {exc.strerror or exc}"))
        return None
    physical = io.StringIO(_decode(data, shown, problems), newline="").readlines()
    header: list[str] | None = None
    rows: Records = []
    for start, cells in _split_records(physical):
        if isinstance(cells, csv.Error):
            problems.append(Problem(shown, start, f"malformed CSV: {cells}"))
            if header is None:
                return None
            continue
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in required if c not in header]
            if missing:
                problems.append(Problem(shown, start, f"missing column(s): {', '.join(missing)}"))
                return None
            continue
        if len(cells) != len(header):
            problems.append(Problem(shown, start, f"{len(cells)} cells for {len(header)} columns"))
            continue
        rows.append((start, {k: v.strip() for k, v in zip(header, cells, strict=True)}))
    if header is None:
        problems.append(Problem(shown, 1, "empty file: no header row"))
        return None
    return rows


@dataclass(frozen=True)
class FileReport:
    """Where the faults of one data file go: the file's name as shown, and the shared list of problems."""

    shown: str
    problems: list[Problem]

    def faults(self, line: int, messages: Iterable[str | None]) -> bool:
        """Report each message that is not ``None`` on ``line``; True when there were none."""
        found = [Problem(self.shown, line, m) for m in messages if m is not None]
        self.problems.extend(found)
        return not found


def _url_fault(url: str, column: str = "source_url") -> str | None:
    """What is wrong with a row's link, if anything: every fact must point at a page."""
    if not url:
        return f"row has no {column}"
    if not _URL_RE.match(url):
        return f"{column} {url!r} is not an http(s) URL"
    return None


def _id_fault(column: str, value: str) -> str | None:
    return None if _ID_RE.match(value) else f"{column} {value!r} must be lower-case letters, digits and hyphens"


@dataclass(frozen=True)
class CheckedInspections:
    """The good rows of inspections.csv and the ids it declares (``None`` when it could not be read).

    The ids include those of rows rejected for another fault, so that rows of other files pointing at
    such an inspection are not reported a second time.
    """

    rows: list[InspectionRow]
    inspection_ids: set[str] | None
    org_ids: set[str] | None

    def youth_orgs(self) -> dict[str, int] | None:
        """Each youth justice service's org_id and its first line, or ``None`` when the file was unreadable."""
        if self.inspection_ids is None:
            return None
        orgs: dict[str, int] = {}
        for row in self.rows:
            if row.org_type == "yjs":
                orgs.setdefault(row.org_id, row.line)
        return orgs


def _identity_faults(
    r: dict[str, str], line: int, seen_ids: dict[str, int], org_types: dict[str, tuple[str, int]]
) -> list[str | None]:
    """Faults in the ids, name and type of an inspection; records the ids and types seen so far."""
    iid, org_id = r["inspection_id"], r["org_id"]
    faults: list[str | None] = []
    if not iid:
        faults.append("row has no inspection_id")
    elif not _ID_RE.match(iid):
        faults.append(_id_fault("inspection_id", iid))
    elif iid in seen_ids:
        faults.append(f"duplicate inspection_id {iid!r} (first on line {seen_ids[iid]})")
    else:
        seen_ids[iid] = line
    faults.append(_id_fault("org_id", org_id))
    faults.append(None if r["organisation"] else "row has no organisation name")
    org_type = ORG_TYPES.get(r["org_type"])
    if org_type is None:
        faults.append(f"unknown org_type {r['org_type']!r} (expected one of: {', '.join(ORG_TYPES)})")
    elif org_id in org_types and org_types[org_id][0] != org_type:
        faults.append(
            f"org_id {org_id!r} has org_type {r['org_type']!r} here but another type on line {org_types[org_id][1]}"
        )
    else:
        org_types.setdefault(org_id, (org_type, line))
    return faults


@dataclass(frozen=True)
class _Ratings:
    overall: str | None
    previous: str | None
    status: str


def _ratings(r: dict[str, str]) -> tuple[_Ratings | None, list[str | None]]:
    """The overall and previous ratings and the rating status, which must agree with each other."""
    words: dict[str, str | None] = {}
    faults: list[str | None] = []
    for col in ("overall_rating", "previous_rating"):
        try:
            words[col] = canonical_rating(r[col])
        except ValueError as exc:
            faults.append(f"{col}: {exc}")
    if "overall_rating" not in words:
        return None, faults  # the rating itself was already reported
    overall = words["overall_rating"]
    status = r["rating_status"] or ("rated" if overall else "not found")
    if status not in RATING_STATUSES:
        faults.append(f"unknown rating_status {status!r} (expected one of: {', '.join(RATING_STATUSES)})")
    elif status == "rated" and not overall:
        faults.append("rating_status is 'rated' but overall_rating is empty")
    elif status != "rated" and overall:
        faults.append(f"rating_status is {status!r} but overall_rating is {overall!r}")
    if "previous_rating" not in words:
        return None, faults
    return _Ratings(overall, words["previous_rating"], status), faults


def _people(r: dict[str, str]) -> tuple[int | None, str | None]:
    """The number of people supervised (commas allowed), or the fault in it."""
    raw = r["people_supervised"]
    if not raw:
        return None, "supervised_qualifier given without people_supervised" if r["supervised_qualifier"] else None
    try:
        people = int(raw.replace(",", ""))
    except ValueError:
        people = -1
    if people < 0:
        return None, f"people_supervised {raw!r} is not a whole number"
    return people, None


def _score(raw: str) -> tuple[tuple[int, int] | None, str | None]:
    """A score ``N of M`` as ``(N, M)``, or the fault in it; ``(None, None)`` when there is none."""
    if not raw:
        return None, None
    m = _SCORE_RE.match(raw)
    if not m or int(m.group(1)) > int(m.group(2)):
        return None, f"score {raw!r} must read 'N of M' with N no more than M"
    return (int(m.group(1)), int(m.group(2))), None


def _published(raw: str) -> tuple[PartialDate | None, str | None]:
    try:
        return parse_date(raw), None
    except ValueError as exc:
        return None, f"published: {exc}"


def _year(published: PartialDate, inspection_id: str) -> tuple[int | None, bool]:
    """The year and whether it is estimated: an undated inspection's comes from the ``-YYYY`` end of its id."""
    if published.year is not None:
        return published.year, False
    m = _YEAR_SUFFIX_RE.search(inspection_id)
    return (int(m.group(1)), True) if m else (None, False)


def _inspection_row(
    line: int,
    r: dict[str, str],
    published: PartialDate,
    ratings: _Ratings,
    people: int | None,
    score: tuple[int, int] | None,
) -> InspectionRow:
    """A checked inspection, its values cleaned: empty cells become None."""
    year, year_estimated = _year(published, r["inspection_id"])
    return InspectionRow(
        line,
        r["inspection_id"],
        r["org_id"],
        r["organisation"],
        ORG_TYPES[r["org_type"]],
        aliases=tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
        owner=r["owner"] or None,
        region=r["region"] or None,
        programme=r["programme"] or None,
        fieldwork=r["fieldwork"] or None,
        published=published.iso,
        published_precision=published.precision,
        year=year,
        year_estimated=int(year_estimated),
        overall_rating=ratings.overall,
        rating_status=ratings.status,
        previous_rating=ratings.previous,
        people_supervised=people,
        supervised_qualifier=r["supervised_qualifier"] or ("exact" if people is not None else None),
        supervised_asof=r["supervised_asof"] or None,
        score=r["score"] or None,
        score_points=score[0] if score else None,
        score_max=score[1] if score else None,
        source_url=r["source_url"],
        source_title=r["source_title"] or None,
        notes=r["notes"] or None,
    )


def check_inspections(records: Records | None, report: FileReport) -> CheckedInspections:
    """Check inspections.csv: ids, types, dates, ratings, numbers and links; then the short keys."""
    seen_ids: dict[str, int] = {}
    org_types: dict[str, tuple[str, int]] = {}
    rows: list[InspectionRow] = []
    for line, r in records or []:
        faults = _identity_faults(r, line, seen_ids, org_types)
        published, date_fault = _published(r["published"])
        ratings, rating_faults = _ratings(r)
        people, people_fault = _people(r)
        score, score_fault = _score(r["score"])
        faults += [date_fault, *rating_faults, people_fault, score_fault, _url_fault(r["source_url"])]
        if report.faults(line, faults) and published is not None and ratings is not None:
            rows.append(_inspection_row(line, r, published, ratings, people, score))
    org_of_key: dict[str, str] = {}
    for row in rows:
        other = org_of_key.setdefault(short_key(row.org_id), row.org_id)
        if other != row.org_id:
            report.faults(
                row.line, [f"org_id {row.org_id!r} has the same short key as {other!r}; choose another org_id"]
            )
    if records is None:
        return CheckedInspections(rows, None, None)
    return CheckedInspections(rows, set(seen_ids), set(org_types))


def check_subjects(
    records: Records | None, report: FileReport, inspection_ids: set[str] | None
) -> tuple[list[SubjectRow], set[str] | None]:
    """Check subjects.csv (national reports and other subjects of findings); returns its rows and ids."""
    rows: list[SubjectRow] = []
    ids: set[str] = set()
    for line, r in records or []:
        sid = r["subject_id"]
        fault = (
            _id_fault("subject_id", sid)
            or (f"duplicate subject_id {sid!r}" if sid in ids or sid in (inspection_ids or set()) else None)
            or (None if r["title"] else "row has no title")
        )
        if report.faults(line, [fault]):
            ids.add(sid)
            rows.append(
                SubjectRow(line, sid, r["title"], r["kind"] or None, int(r["year"]) if r["year"].isdigit() else None)
            )
    return rows, None if records is None else ids


def check_standard_ratings(
    records: Records | None, report: FileReport, inspection_ids: set[str] | None
) -> list[StandardRatingRow]:
    """Check standard_ratings.csv: each rating names a known inspection, a standard, a rating and a page."""
    rows: list[StandardRatingRow] = []
    for line, r in records or []:
        unknown = inspection_ids is not None and r["inspection_id"] not in inspection_ids
        rating: str | None = None
        try:
            rating = canonical_rating(r["rating"])
            rating_fault = None if rating else "row has no rating"
        except ValueError as exc:
            rating_fault = f"rating: {exc}"
        faults = [
            f"rating for unknown inspection {r['inspection_id']!r}" if unknown else None,
            None if r["standard_name"] else "row has no standard_name",
            rating_fault,
            _url_fault(r["source_url"]),
        ]
        if report.faults(line, faults) and rating:
            rows.append(
                StandardRatingRow(
                    line, r["inspection_id"], r["standard_code"] or None, r["standard_name"], rating, r["source_url"]
                )
            )
    return rows


def check_findings(
    records: Records | None, report: FileReport, inspection_ids: set[str] | None, subject_ids: set[str] | None
) -> list[FindingRow]:
    """Check findings.csv: each finding is about a known inspection or subject and cites a page."""
    rows: list[FindingRow] = []
    for line, r in records or []:
        subject = r["inspection_id"]
        unknown = (
            inspection_ids is not None
            and subject_ids is not None
            and subject not in inspection_ids
            and subject not in subject_ids
        )
        faults = [
            f"finding for unknown inspection {subject!r} (not in inspections.csv or subjects.csv)" if unknown else None,
            None if r["topic"] else "row has no topic",
            None
            if r["stance"] in STANCES
            else f"unknown stance {r['stance']!r} (expected one of: {', '.join(STANCES)})",
            None if r["finding"] else "row has no finding",
            _url_fault(r["source_url"]),
        ]
        if report.faults(line, faults):
            is_inspection = inspection_ids is not None and subject in inspection_ids
            rows.append(
                FindingRow(
                    line,
                    subject,
                    subject if is_inspection else None,
                    r["topic"],
                    r["stance"],
                    r["finding"],
                    r["figure"] or None,
                    r["source_url"],
                )
            )
    return rows


def check_figures(records: Records | None, report: FileReport) -> list[FigureRow]:
    """Check figures.csv: each figure has a subject, a metric, a value and a page."""
    rows: list[FigureRow] = []
    for line, r in records or []:
        faults = [None if r[col] else f"row has no {col}" for col in ("subject", "metric", "value")]
        if report.faults(line, [*faults, _url_fault(r["source_url"])]):
            rows.append(
                FigureRow(
                    line,
                    r["subject"],
                    r["metric"],
                    r["value"],
                    r["unit"] or None,
                    r["as_of"] or None,
                    r["source_url"],
                    r["source_title"] or None,
                )
            )
    return rows


def check_seed_sources(records: Records | None, report: FileReport) -> list[SeedSourceRow]:
    """Check seed_sources.csv: each page has a link and, if given, a date of one of the data's forms."""
    rows: list[SeedSourceRow] = []
    for line, r in records or []:
        if report.faults(line, [_url_fault(r["url"], "url"), _published(r["published"])[1]]):
            rows.append(
                SeedSourceRow(
                    line,
                    r["seed_file"] or None,
                    r["title"] or None,
                    r["url"],
                    r["published"] or None,
                    r["publisher"] or None,
                )
            )
    return rows


def check_aliases(records: Records | None, report: FileReport, org_ids: set[str] | None) -> list[AliasRow]:
    """Check aliases.csv: each alias names a known organisation, once."""
    rows: list[AliasRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, r in records or []:
        alias, org_id = r["alias"], r["org_id"]
        key = (alias.lower(), org_id)
        fault = (
            "row has no alias"
            if not alias
            else f"alias {alias!r} points to unknown org_id {org_id!r}"
            if org_ids is not None and org_id not in org_ids
            else f"duplicate alias {alias!r} for {org_id!r} (first on line {seen[key]})"
            if key in seen
            else None
        )
        if report.faults(line, [fault]):
            seen[key] = line
            rows.append(AliasRow(line, alias, org_id, r["kind"] or "alias"))
    return rows


def check_caveats(records: Records | None, report: FileReport, inspection_ids: set[str] | None) -> list[CaveatRow]:
    """Check caveats.csv (our own words on doubts about one value of one inspection).

    A caveat is kept only when its inspection is known; when inspections.csv could not be read the
    caveats are dropped without a report, since that file's own fault says it all.
    """
    rows: list[CaveatRow] = []
    for line, r in records or []:
        if inspection_ids is None:
            continue
        fault = (
            f"caveat for unknown inspection {r['inspection_id']!r}"
            if r["inspection_id"] not in inspection_ids
            else f"unknown field {r['field']!r} (expected one of: {', '.join(CAVEAT_FIELDS)})"
            if r["field"] not in CAVEAT_FIELDS
            else None
            if r["caveat"]
            else "row has no caveat"
        )
        if report.faults(line, [fault]):
            rows.append(CaveatRow(line, r["inspection_id"], r["field"], r["caveat"]))
    return rows


def load_dataset(data_dir: Path) -> Dataset:
    """Read and validate every data file in ``data_dir``.

    Returns a ``Dataset`` whose ``problems`` list every fault found; the rows that were valid are kept
    so that ``kb check`` can carry on and report cross-file faults too. Checks against a file that could
    not be read at all (missing, empty, lacking a column) are skipped: that file's own fault is reported
    instead of one follow-on fault per row that refers to it.
    """
    data_dir = Path(data_dir)
    ds = Dataset(data_dir=data_dir)

    def read(name: str) -> tuple[Records | None, FileReport]:
        return read_csv(data_dir / name, ds.problems), FileReport(display_path(data_dir / name), ds.problems)

    inspections = check_inspections(*read("inspections.csv"))
    ds.inspections = inspections.rows
    ds.subjects, subject_ids = check_subjects(*read("subjects.csv"), inspections.inspection_ids)
    ds.standard_ratings = check_standard_ratings(*read("standard_ratings.csv"), inspections.inspection_ids)
    ds.findings = check_findings(*read("findings.csv"), inspections.inspection_ids, subject_ids)
    ds.figures = check_figures(*read("figures.csv"))
    ds.seed_sources = check_seed_sources(*read("seed_sources.csv"))
    ds.aliases = check_aliases(*read("aliases.csv"), inspections.org_ids)
    ds.caveats = check_caveats(*read("caveats.csv"), inspections.inspection_ids)
    ds.youth_regions = check_local_authority_regions(
        data_dir, read_csv(data_dir / "local_authority_regions.csv", ds.problems), inspections.youth_orgs(), ds.problems
    )
    return ds


def check_local_authority_regions(
    data_dir: Path, rows: Records | None, youth_orgs: dict[str, int] | None, problems: list[Problem]
) -> list[YouthRegionRow]:
    """Check our table of youth justice services' regions and return its good rows.

    Youth inspections mostly give no region, so the build takes each service's region from this
    table, derived from the local authorities it serves. Every service needs exactly one row, naming
    one of ``YOUTH_REGIONS`` and the page the region comes from; a service missing from the table is
    reported on its first line in inspections.csv. ``youth_orgs`` (org_id -> that line) is ``None``
    when inspections.csv could not be read, and then only the table's own shape is checked.
    """
    name = "local_authority_regions.csv"
    report = FileReport(display_path(data_dir / name), problems)
    out: list[YouthRegionRow] = []
    seen: dict[str, int] = {}
    for line, r in rows or []:
        org_id, region = r["org_id"], r["region"]
        faults = [
            f"org_id {org_id!r} is not a youth justice service in inspections.csv"
            if youth_orgs is not None and org_id not in youth_orgs
            else None,
            f"duplicate org_id {org_id!r} (first on line {seen.get(org_id)})" if org_id in seen else None,
            None if r["local_authorities"] else "row has no local_authorities",
            None
            if region in YOUTH_REGIONS
            else f"unknown region {region!r} (expected one of: {', '.join(YOUTH_REGIONS)})",
            _url_fault(r["source_url"]),
        ]
        seen.setdefault(org_id, line)
        if report.faults(line, faults):
            out.append(YouthRegionRow(line, org_id, r["local_authorities"], region, r["source_url"]))
    if rows is not None and youth_orgs is not None:
        inspections = FileReport(display_path(data_dir / "inspections.csv"), problems)
        for org_id, line in youth_orgs.items():
            if org_id not in seen:
                inspections.faults(line, [f"youth justice service {org_id!r} has no row in {name}"])
    return out


def data_fingerprint(data_dir: Path) -> str:
    """A SHA-256 over the data files, so a built database can say exactly what it was built from."""
    h = hashlib.sha256()
    for name in sorted(REQUIRED_COLUMNS):
        path = Path(data_dir) / name
        h.update(name.encode())
        h.update(path.read_bytes() if path.exists() else b"<missing>")
    return h.hexdigest()


__all__ = [
    "ORG_TYPES",
    "REQUIRED_COLUMNS",
    "STANCES",
    "TYPE_LABELS",
    "YOUTH_REGIONS",
    "Dataset",
    "FileReport",
    "Problem",
    "Records",
    "data_fingerprint",
    "display_path",
    "load_dataset",
    "read_csv",
    "short_key",
]
