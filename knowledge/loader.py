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
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.dates import DAY, MONTH, UNKNOWN, parse_date
from knowledge.ratings import canonical_rating

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
        "inspection_id", "org_id", "organisation", "org_type", "aliases", "owner", "region",
        "programme", "fieldwork", "published", "overall_rating", "rating_status", "previous_rating",
        "people_supervised", "supervised_qualifier", "supervised_asof", "score",
        "source_url", "source_title", "notes",
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
YOUTH_REGIONS = ("North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
                 "East of England", "London", "South East", "South West", "Wales")

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
class Row:
    """A cleaned row and where it came from."""

    line: int
    values: dict[str, object]


@dataclass
class Dataset:
    """Everything read from a data folder, cleaned, plus the problems found."""

    data_dir: Path
    inspections: list[Row] = field(default_factory=list)
    standard_ratings: list[Row] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)
    figures: list[Row] = field(default_factory=list)
    seed_sources: list[Row] = field(default_factory=list)
    subjects: list[Row] = field(default_factory=list)
    aliases: list[Row] = field(default_factory=list)
    caveats: list[Row] = field(default_factory=list)
    youth_regions: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _display_path(path: Path) -> str:
    """The shortest honest way to name a file: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)


_LINE_BREAK_RE = re.compile(rb"\r\n|\r|\n")


def _decode(data: bytes, shown: str, problems: list[Problem]) -> str:
    """Decode a file as UTF-8 (a spreadsheet's byte-order mark allowed), reporting each line that is not.

    Undecodable bytes are reported on their own line and replaced, so the rest of the file is still
    checked rather than lost behind one stray byte.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for number, raw in enumerate(_LINE_BREAK_RE.split(data), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(shown, number, f"not UTF-8 text ({exc.reason} at byte {exc.start + 1} of the line)"))
    return data.decode("utf-8", errors="replace")


def _read_csv(path: Path, problems: list[Problem]) -> list[tuple[int, dict[str, str]]] | None:
    """Return ``(line, row)`` for each record, with the line where the record starts.

    Problems (bytes that are not UTF-8, bad quoting, ragged rows) are reported and the rows concerned
    skipped. Quoting is strict, since an unclosed quote would otherwise swallow the records after it
    without a word: a badly quoted record is reported on its first line and reading resumes on the
    next line. Returns ``None`` when the file cannot be used at all (missing, empty, or lacking a
    column), so that the checks across files do not bury that one fault under a flood of follow-ons.
    """
    shown = _display_path(path)
    required = REQUIRED_COLUMNS[path.name]
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown, 0, f"cannot read file: {exc.strerror or exc}"))
        return None
    physical = io.StringIO(_decode(data, shown, problems), newline="").readlines()
    offset = 0  # lines before the ones the current reader reads
    reader = csv.reader(physical, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    previous_end = 0
    while True:
        start = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(shown, start, f"malformed CSV: {exc}"))
            if header is None:
                return None
            # Carry on from the next line, so a bad quote does not hide the records after it.
            offset = previous_end = start
            reader = csv.reader(physical[offset:], strict=True)
            continue
        previous_end = offset + reader.line_num
        if not any(c.strip() for c in cells):
            continue  # a blank line in a hand-edited file
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
        rows.append((start, {k: v.strip() for k, v in zip(header, cells)}))
    if header is None:
        problems.append(Problem(shown, 1, "empty file: no header row"))
        return None
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
    p = ds.problems

    def fault(name: str, line: int, message: str) -> None:
        p.append(Problem(_display_path(data_dir / name), line, message))

    def need_url(name: str, line: int, url: str, column: str = "source_url") -> bool:
        if not url:
            fault(name, line, f"row has no {column}")
            return False
        if not _URL_RE.match(url):
            fault(name, line, f"{column} {url!r} is not an http(s) URL")
            return False
        return True

    # inspections.csv ---------------------------------------------------------------------------
    name = "inspections.csv"
    seen_ids: dict[str, int] = {}
    org_types: dict[str, tuple[str, int]] = {}
    inspection_rows = _read_csv(data_dir / name, p)
    for line, r in inspection_rows or []:
        ok = True
        iid = r["inspection_id"]
        if not iid:
            fault(name, line, "row has no inspection_id"); ok = False
        elif not _ID_RE.match(iid):
            fault(name, line, f"inspection_id {iid!r} must be lower-case letters, digits and hyphens"); ok = False
        elif iid in seen_ids:
            fault(name, line, f"duplicate inspection_id {iid!r} (first on line {seen_ids[iid]})"); ok = False
        else:
            seen_ids[iid] = line
        org_id = r["org_id"]
        if not org_id or not _ID_RE.match(org_id):
            fault(name, line, f"org_id {org_id!r} must be lower-case letters, digits and hyphens"); ok = False
        if not r["organisation"]:
            fault(name, line, "row has no organisation name"); ok = False
        org_type = ORG_TYPES.get(r["org_type"])
        if org_type is None:
            fault(name, line, f"unknown org_type {r['org_type']!r} (expected one of: {', '.join(ORG_TYPES)})"); ok = False
        elif org_id in org_types and org_types[org_id][0] != org_type:
            fault(name, line, f"org_id {org_id!r} has org_type {r['org_type']!r} here but another type on line {org_types[org_id][1]}"); ok = False
        else:
            org_types.setdefault(org_id, (org_type, line))
        try:
            published = parse_date(r["published"])
        except ValueError as exc:
            fault(name, line, f"published: {exc}"); ok = False
            published = None
        ratings = {}
        for col in ("overall_rating", "previous_rating"):
            try:
                ratings[col] = canonical_rating(r[col])
            except ValueError as exc:
                fault(name, line, f"{col}: {exc}"); ok = False
        status = r["rating_status"] or ("rated" if ratings.get("overall_rating") else "not found")
        if "overall_rating" not in ratings:
            pass  # the rating itself was already reported
        elif status not in RATING_STATUSES:
            fault(name, line, f"unknown rating_status {status!r} (expected one of: {', '.join(RATING_STATUSES)})"); ok = False
        elif status == "rated" and not ratings.get("overall_rating"):
            fault(name, line, "rating_status is 'rated' but overall_rating is empty"); ok = False
        elif status != "rated" and ratings.get("overall_rating"):
            fault(name, line, f"rating_status is {status!r} but overall_rating is {ratings['overall_rating']!r}"); ok = False
        people = None
        if r["people_supervised"]:
            try:
                people = int(r["people_supervised"].replace(",", ""))
                if people < 0:
                    raise ValueError
            except ValueError:
                fault(name, line, f"people_supervised {r['people_supervised']!r} is not a whole number"); ok = False
        elif r["supervised_qualifier"]:
            fault(name, line, "supervised_qualifier given without people_supervised"); ok = False
        score_points = score_max = None
        if r["score"]:
            m = _SCORE_RE.match(r["score"])
            if not m or int(m.group(1)) > int(m.group(2)):
                fault(name, line, f"score {r['score']!r} must read 'N of M' with N no more than M"); ok = False
            else:
                score_points, score_max = int(m.group(1)), int(m.group(2))
        if not need_url(name, line, r["source_url"]):
            ok = False
        if not ok or published is None:
            continue
        year, year_estimated = published.year, False
        if year is None:
            m = _YEAR_SUFFIX_RE.search(iid)
            year, year_estimated = (int(m.group(1)), True) if m else (None, False)
        ds.inspections.append(Row(line, {
            "inspection_id": iid,
            "org_id": org_id,
            "organisation": r["organisation"],
            "org_type": org_type,
            "aliases": [a.strip() for a in r["aliases"].split(";") if a.strip()],
            "owner": r["owner"] or None,
            "region": r["region"] or None,
            "programme": r["programme"] or None,
            "fieldwork": r["fieldwork"] or None,
            "published": published.iso,
            "published_precision": published.precision,
            "year": year,
            "year_estimated": int(year_estimated),
            "overall_rating": ratings["overall_rating"],
            "rating_status": status,
            "previous_rating": ratings["previous_rating"],
            "people_supervised": people,
            "supervised_qualifier": (r["supervised_qualifier"] or ("exact" if people is not None else None)),
            "supervised_asof": r["supervised_asof"] or None,
            "score": r["score"] or None,
            "score_points": score_points,
            "score_max": score_max,
            "source_url": r["source_url"],
            "source_title": r["source_title"] or None,
            "notes": r["notes"] or None,
        }))
    inspection_ids = set(seen_ids)
    org_ids = set(org_types)
    org_of_key: dict[str, str] = {}
    for row in ds.inspections:
        org_id = str(row.values["org_id"])
        other = org_of_key.setdefault(short_key(org_id), org_id)
        if other != org_id:
            fault(name, row.line, f"org_id {org_id!r} has the same short key as {other!r}; choose another org_id")

    # subjects.csv (national reports and other non-inspection subjects of findings) ----------------
    name = "subjects.csv"
    subject_ids: dict[str, int] = {}
    subject_rows = _read_csv(data_dir / name, p)
    for line, r in subject_rows or []:
        sid = r["subject_id"]
        if not sid or not _ID_RE.match(sid):
            fault(name, line, f"subject_id {sid!r} must be lower-case letters, digits and hyphens"); continue
        if sid in subject_ids or sid in inspection_ids:
            fault(name, line, f"duplicate subject_id {sid!r}"); continue
        if not r["title"]:
            fault(name, line, "row has no title"); continue
        subject_ids[sid] = line
        ds.subjects.append(Row(line, {"subject_id": sid, "title": r["title"], "kind": r["kind"] or None,
                                      "year": int(r["year"]) if r["year"].isdigit() else None}))

    # standard_ratings.csv ---------------------------------------------------------------------
    name = "standard_ratings.csv"
    for line, r in _read_csv(data_dir / name, p) or []:
        ok = True
        if r["inspection_id"] not in inspection_ids and inspection_rows is not None:
            fault(name, line, f"rating for unknown inspection {r['inspection_id']!r}"); ok = False
        if not r["standard_name"]:
            fault(name, line, "row has no standard_name"); ok = False
        try:
            rating = canonical_rating(r["rating"])
            if rating is None:
                fault(name, line, "row has no rating"); ok = False
        except ValueError as exc:
            fault(name, line, f"rating: {exc}"); ok = False
        if not need_url(name, line, r["source_url"]):
            ok = False
        if ok:
            ds.standard_ratings.append(Row(line, {
                "inspection_id": r["inspection_id"], "standard_code": r["standard_code"] or None,
                "standard_name": r["standard_name"], "rating": rating, "source_url": r["source_url"],
            }))

    # findings.csv -----------------------------------------------------------------------------
    name = "findings.csv"
    for line, r in _read_csv(data_dir / name, p) or []:
        ok = True
        subject = r["inspection_id"]
        if subject not in inspection_ids and subject not in subject_ids and None not in (inspection_rows, subject_rows):
            fault(name, line, f"finding for unknown inspection {subject!r} (not in inspections.csv or subjects.csv)"); ok = False
        if not r["topic"]:
            fault(name, line, "row has no topic"); ok = False
        if r["stance"] not in STANCES:
            fault(name, line, f"unknown stance {r['stance']!r} (expected one of: {', '.join(STANCES)})"); ok = False
        if not r["finding"]:
            fault(name, line, "row has no finding"); ok = False
        if not need_url(name, line, r["source_url"]):
            ok = False
        if ok:
            ds.findings.append(Row(line, {
                "subject_id": subject,
                "inspection_id": subject if subject in inspection_ids else None,
                "topic": r["topic"], "stance": r["stance"], "finding": r["finding"],
                "figure": r["figure"] or None, "source_url": r["source_url"],
            }))

    # figures.csv ------------------------------------------------------------------------------
    name = "figures.csv"
    for line, r in _read_csv(data_dir / name, p) or []:
        ok = True
        for col in ("subject", "metric", "value"):
            if not r[col]:
                fault(name, line, f"row has no {col}"); ok = False
        if not need_url(name, line, r["source_url"]):
            ok = False
        if ok:
            ds.figures.append(Row(line, {k: (r[k] or None) for k in REQUIRED_COLUMNS[name]}))

    # seed_sources.csv -------------------------------------------------------------------------
    name = "seed_sources.csv"
    for line, r in _read_csv(data_dir / name, p) or []:
        ok = need_url(name, line, r["url"], "url")
        try:
            parse_date(r["published"])
        except ValueError as exc:
            fault(name, line, f"published: {exc}"); ok = False
        if ok:
            ds.seed_sources.append(Row(line, {k: (r[k] or None) for k in REQUIRED_COLUMNS[name]}))

    # aliases.csv ------------------------------------------------------------------------------
    name = "aliases.csv"
    seen_alias: dict[tuple[str, str], int] = {}
    for line, r in _read_csv(data_dir / name, p) or []:
        if not r["alias"]:
            fault(name, line, "row has no alias"); continue
        if r["org_id"] not in org_ids and inspection_rows is not None:
            fault(name, line, f"alias {r['alias']!r} points to unknown org_id {r['org_id']!r}"); continue
        key = (r["alias"].lower(), r["org_id"])
        if key in seen_alias:
            fault(name, line, f"duplicate alias {r['alias']!r} for {r['org_id']!r} (first on line {seen_alias[key]})"); continue
        seen_alias[key] = line
        ds.aliases.append(Row(line, {"alias": r["alias"], "org_id": r["org_id"], "kind": r["kind"] or "alias"}))

    # caveats.csv (our own words on doubts about one value of one inspection) ----------------------
    name = "caveats.csv"
    for line, r in _read_csv(data_dir / name, p) or []:
        if r["inspection_id"] not in inspection_ids:
            if inspection_rows is not None:
                fault(name, line, f"caveat for unknown inspection {r['inspection_id']!r}")
            continue
        if r["field"] not in CAVEAT_FIELDS:
            fault(name, line, f"unknown field {r['field']!r} (expected one of: {', '.join(CAVEAT_FIELDS)})"); continue
        if not r["caveat"]:
            fault(name, line, "row has no caveat"); continue
        ds.caveats.append(Row(line, dict(r)))

    # local_authority_regions.csv (ours: the region of each youth justice service) ------------------
    youth_orgs: dict[str, int] = {}
    for row in ds.inspections:
        if row.values["org_type"] == "yjs":
            youth_orgs.setdefault(str(row.values["org_id"]), row.line)
    ds.youth_regions = check_local_authority_regions(
        data_dir, _read_csv(data_dir / "local_authority_regions.csv", p), youth_orgs if inspection_rows is not None else None, p)
    return ds


def check_local_authority_regions(data_dir: Path, rows: list[tuple[int, dict[str, str]]] | None,
                                  youth_orgs: dict[str, int] | None, problems: list[Problem]) -> list[Row]:
    """Check our table of youth justice services' regions and return its good rows.

    Youth inspections mostly give no region, so the build takes each service's region from this
    table, derived from the local authorities it serves. Every service needs exactly one row, naming
    one of ``YOUTH_REGIONS`` and the page the region comes from; a service missing from the table is
    reported on its first line in inspections.csv. ``youth_orgs`` (org_id -> that line) is ``None``
    when inspections.csv could not be read, and then only the table's own shape is checked.
    """
    name = "local_authority_regions.csv"
    shown = _display_path(data_dir / name)
    out: list[Row] = []
    seen: dict[str, int] = {}
    for line, r in rows or []:
        org_id, region, url = r["org_id"], r["region"], r["source_url"]
        fault = [f"org_id {org_id!r} is not a youth justice service in inspections.csv"
                 if youth_orgs is not None and org_id not in youth_orgs else "",
                 f"duplicate org_id {org_id!r} (first on line {seen.get(org_id)})" if org_id in seen else "",
                 "row has no local_authorities" if not r["local_authorities"] else "",
                 f"unknown region {region!r} (expected one of: {', '.join(YOUTH_REGIONS)})"
                 if region not in YOUTH_REGIONS else "",
                 "row has no source_url" if not url else
                 f"source_url {url!r} is not an http(s) URL" if not _URL_RE.match(url) else ""]
        faults = [f for f in fault if f]
        problems.extend(Problem(shown, line, f) for f in faults)
        seen.setdefault(org_id, line)
        if not faults:
            out.append(Row(line, {"org_id": org_id, "local_authorities": r["local_authorities"], "region": region,
                                  "source_url": url}))
    if rows is not None and youth_orgs is not None:
        inspections = _display_path(data_dir / "inspections.csv")
        for org_id, line in youth_orgs.items():
            if org_id not in seen:
                problems.append(Problem(inspections, line, f"youth justice service {org_id!r} has no row in {name}"))
    return out


def data_fingerprint(data_dir: Path) -> str:
    """A SHA-256 over the data files, so a built database can say exactly what it was built from."""
    h = hashlib.sha256()
    for name in sorted(REQUIRED_COLUMNS):
        path = Path(data_dir) / name
        h.update(name.encode())
        h.update(path.read_bytes() if path.exists() else b"<missing>")
    return h.hexdigest()


__all__ = ["Dataset", "Problem", "Row", "load_dataset", "data_fingerprint", "short_key", "ORG_TYPES", "TYPE_LABELS",
           "STANCES", "DAY", "MONTH", "UNKNOWN"]
