"""What goes on each chart, worked out from the knowledge base and nothing else.

The drawing code (``responses.charts.draw``) only lays out what these functions hand it, so the
numbers on a picture can be checked against the database without looking at pixels. Every chart
type is a small frozen dataclass of plain values: it can be cached, compared, and sent to a worker
process to be drawn. The league picks its rows with ``KnowledgeBase.league`` under the same filters
``/league`` reads (``responses.tables``), so the picture and the text table always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from knowledge import KnowledgeBase
from knowledge.dates import describe_date
from knowledge.models import Inspection, Organisation
from knowledge.ratings import RATINGS
from responses.names import short_name
from responses.tables import PLURALS, filter_words, league_rows, rank_rows

#: Kinds of body that get ratings, in the order the years chart shows them.
RATED_TYPES = ("pdu", "crc", "nps", "region", "yjs")
TYPE_PLURALS = {**PLURALS, "yjs": "youth justice services"}
#: A league's filters, as ``responses.tables`` reads them: org_type, region, programme and year (each may be None).
LeagueFilters = dict[str, Any]


@dataclass(frozen=True)
class LeagueEntry:
    """One body in a league: its latest rating, its rank (shared when tied) and when it was inspected."""

    org_id: str
    name: str
    rating: str
    rank: int
    year: str  # "2024", or "2024?" when the year is our estimate
    score: str | None  # "1 of 27" where a source gave the score


@dataclass(frozen=True)
class LeagueChart:
    title: str
    entries: tuple[LeagueEntry, ...]
    what: str  # "PDUs", "youth justice services" ...
    newest: str | None  # the newest publication date among the entries (ISO, at its precision)
    estimated_years: int  # how many entries' years are our estimates
    kind: str = "league"

    def groups(self) -> list[tuple[str, int, tuple[LeagueEntry, ...]]]:
        """``(rating, shared rank, entries)`` best rating first; every entry of a group is tied on rating."""
        out = []
        for rating in RATINGS:
            members = tuple(e for e in self.entries if e.rating == rating)
            if members:
                out.append((rating, members[0].rank, members))
        return out


@dataclass(frozen=True)
class YearsPanel:
    """Counts of inspections by rating in each period, for one kind of body."""

    label: str  # "PDUs"
    periods: tuple[str, ...]  # "2019", ... or programme names
    counts: tuple[tuple[int, ...], ...]  # counts[period][i] for RATINGS[i]
    estimated: tuple[int, ...]  # per period: how many of its inspections have an estimated year


@dataclass(frozen=True)
class YearsChart:
    title: str
    panels: tuple[YearsPanel, ...]
    by: str  # "year" or "round"
    newest: str | None
    kind: str = "years"


@dataclass(frozen=True)
class HistoryPoint:
    """One inspection on a time line."""

    inspection_id: str
    body: str  # short name of the body inspected
    x: float  # position in years (2019.5 is mid 2019)
    when: str  # "24 Oct 2024", "Mar 2023", "2025?"
    rating: str | None
    status: str  # rating_status: rated | not rated | not found
    score: str | None
    predecessor: bool  # an inspection of a body this one replaced, not of this body


@dataclass(frozen=True)
class HistoryChart:
    title: str
    body: str
    points: tuple[HistoryPoint, ...]
    predecessors: tuple[str, ...]  # names of predecessor bodies shown
    newest: str | None
    kind: str = "history"
    #: A rating our sources give for an inspection that is not a row of its own: "Before its 2021 inspection ..."
    earlier: str | None = None


@dataclass(frozen=True)
class CompareBody:
    inspection_id: str  # the inspection whose ratings are shown
    name: str
    rating: str | None  # latest overall rating
    year: str  # year of that rating's inspection ("2024?" when estimated)
    status: str  # rating_status of the inspection shown
    score: str | None = None  # "34 of 36" where a source gave it (out of 27 for a PDU, 36 or 39 for youth)


@dataclass(frozen=True)
class CompareChart:
    title: str
    bodies: tuple[CompareBody, ...]
    standards: tuple[str, ...]  # row labels: "2.1 Assessment"
    cells: tuple[tuple[str | None, ...], ...]  # cells[standard][body]: the rating, or None if not reported
    newest: str | None
    kind: str = "compare"


Chart = LeagueChart | YearsChart | HistoryChart | CompareChart


def _newest(inspections: list[Inspection]) -> str | None:
    """The newest inspection's publication date (ISO at its precision), or "2025?" when the newest is undated.

    An undated inspection counts as newer only when its (estimated) year is later than every dated one's.
    """

    def key(i: Inspection) -> tuple[int, int, int]:
        if i.published:
            year, month, day = [*i.published.split("-"), "0", "0"][:3]
            return int(year), int(month), int(day)
        return i.year or 0, 0, 0

    known = [i for i in inspections if i.published or i.year]
    if not known:
        return None
    newest = max(known, key=key)
    return newest.published or f"{newest.year}?"


def newest_words(newest: str | None) -> str:
    """The newest inspection's date in words, saying when it is only an estimated year."""
    if newest is None:
        return "No inspection shown has a publication date in our sources."
    if newest.endswith("?"):
        return f"Newest inspection included: probably {newest[:-1]} (its publication date is not in our sources)."
    return f"Newest inspection included: {describe_date(newest)}."


_LONG_WORDS = [
    (re.compile(r"\s*Youth (Justice|Offending) (Service|Team)s?$"), " YJS"),
    (re.compile(r"\s*Youth Justice and Early Intervention Service$"), " YJS"),
]


_YOUTH_SERVICE = re.compile(r"^(.+?)\s+(?:Youth|Young|Children)\b.*\bServices?$")


def chart_name(name: str, org_type: str | None = None) -> str:
    """The shortest clear name for a label on a picture: the bot's short names, and "X YJS" for youth services.

    Youth services' own names vary ("Reading Youth Justice and Prevention Service"); on a picture
    of youth justice services the place and "YJS" say which one it is.
    """
    name = short_name(name)
    for pattern, repl in _LONG_WORDS:
        name = pattern.sub(repl, name)
    if org_type == "yjs":
        name = _YOUTH_SERVICE.sub(r"\1 YJS", name)
    return name


def picture_year(insp: Inspection) -> str:
    """A year short enough for a label beside a name: "2024", or "2024?" for our estimate.

    The text answers' words for an estimate ("year not confirmed, probably 2024") left a tile on
    the league no room for the body's name; each picture with a "?" says in a note what it means,
    and so does the league's caption.
    """
    if insp.year is None:
        return "year unknown"
    return f"{insp.year}?" if insp.year_estimated else str(insp.year)


def _score(insp: Inspection) -> str | None:
    return insp.score if insp.score_points is not None else None


# -- league ---------------------------------------------------------------------------------------


def league_title(f: LeagueFilters) -> str:
    """The picture's heading, in the words ``/league`` uses for the same filters."""
    if f == {"org_type": "pdu", "region": None, "programme": None, "year": None}:
        return "Today's Probation Service: each PDU's latest rating"
    what = TYPE_PLURALS.get(f["org_type"], "organisations") if f["org_type"] else "all organisations"
    bits = [f"League of {what}", *filter_words(f, "published in")]
    return " ".join(bits) + ": latest rating"


def league(kb: KnowledgeBase, filters: LeagueFilters) -> LeagueChart:
    """Each body's latest rated inspection under ``filters``, ranked as ``/league`` ranks them.

    Ranks are shared by equal ratings (standard competition ranking: 1, 1, 3), exactly like the
    text league, so a tie on the picture is a tie in the table.
    """
    rows = league_rows(kb, filters)
    entries = [_entry(row["insp"], row["place"]) for row in rank_rows(rows, worst_first=False)]
    what = TYPE_PLURALS.get(filters["org_type"], "organisations") if filters["org_type"] else "organisations"
    return LeagueChart(
        league_title(filters), tuple(entries), what, _newest(rows), sum(1 for i in rows if i.year_estimated)
    )


def _entry(insp: Inspection, place: int) -> LeagueEntry:
    """One body's place on the league picture."""
    name = chart_name(insp.organisation, insp.org_type)
    return LeagueEntry(insp.org_id, name, insp.overall_rating or "", place, picture_year(insp), _score(insp))


# -- ratings over the years ---------------------------------------------------------------------


def _rated_inspections(kb: KnowledgeBase, org_type: str) -> list[Inspection]:
    return [
        h
        for org in kb.organisations.values()
        if org.org_type == org_type
        for h in kb.history(org.org_id)
        if h.overall_rating
    ]


def years(kb: KnowledgeBase, org_type: str | None = None, by: str = "year") -> YearsChart:
    """How many inspections got each rating, per year (or per round), one panel per kind of body.

    Every rated inspection counts, not only each body's latest: this is what the inspectorate gave
    out in that period. Years with no rated inspection in between are shown as empty, not skipped.
    """
    panels, shown = [], []
    for t in [org_type] if org_type else list(RATED_TYPES):
        rated = _rated_inspections(kb, t)
        if not rated:
            continue
        shown.extend(rated)
        if by == "round":
            firsts: dict[str, int] = {}
            for i in rated:
                key = i.programme or "no programme given"
                firsts[key] = min(firsts.get(key, 9999), i.year or 9999)
            periods = sorted(firsts, key=lambda p: (firsts[p], p))
            period_of = {i.inspection_id: i.programme or "no programme given" for i in rated}
        else:
            dated = [i.year for i in rated if i.year]
            periods = [str(y) for y in range(min(dated), max(dated) + 1)] if dated else []
            if any(i.year is None for i in rated):
                periods.append("year unknown")
            period_of = {i.inspection_id: str(i.year) if i.year else "year unknown" for i in rated}
        counts = tuple(
            tuple(sum(1 for i in rated if period_of[i.inspection_id] == p and i.overall_rating == r) for r in RATINGS)
            for p in periods
        )
        estimated = tuple(
            sum(1 for i in rated if period_of[i.inspection_id] == p and i.year_estimated) for p in periods
        )
        panels.append(YearsPanel(TYPE_PLURALS.get(t, t), tuple(periods), counts, estimated))
    scope = TYPE_PLURALS.get(org_type, org_type) if org_type else "each kind of body"
    per = "round (inspection programme)" if by == "round" else "year of publication"
    title = f"Ratings given to {scope}, by {per}"
    return YearsChart(title, tuple(panels), by, _newest(shown))


# -- one body's history --------------------------------------------------------------------------

_FORMERLY = re.compile(r"\b(?i:formerly|previously) part of (?:the )?([A-Z][\w'&-]*(?: [A-Z][\w'&-]*)*)")


def predecessors(kb: KnowledgeBase, org: Organisation) -> list[Organisation]:
    """Bodies our sources say this one replaced ("Formerly part of Western Bay ..." in the notes).

    Only links the data states are drawn: a PDU is not assumed to continue a CRC, because it is a
    different body with a different remit.
    """
    by_alias = {alias.lower(): org_id for alias, org_id, _ in kb.aliases}
    found: list[Organisation] = []
    for insp in kb.history(org.org_id):
        for m in _FORMERLY.finditer(insp.notes or ""):
            words = m.group(1).split()
            for n in range(len(words), 0, -1):  # the longest run of words that names a body
                org_id = by_alias.get(" ".join(words[:n]).lower())
                if org_id and org_id != org.org_id:
                    other = kb.organisation(org_id)
                    if other and other.org_type == org.org_type and other not in found:
                        found.append(other)
                    break
    return found


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _position(insp: Inspection) -> tuple[float, str]:
    """Where an inspection sits on a time line, and its date in short words at its true precision."""
    p = insp.published
    if p and len(p) >= 10:
        month, day = int(p[5:7]), int(p[8:10])
        return int(p[:4]) + (month - 1 + (day - 0.5) / 31) / 12, f"{day} {_MONTH_ABBR[month - 1]} {p[:4]}"
    if p and len(p) == 7:
        month = int(p[5:7])
        return int(p[:4]) + (month - 0.5) / 12, f"{_MONTH_ABBR[month - 1]} {p[:4]}"
    if p:
        return int(p[:4]) + 0.5, p[:4]
    return (insp.year or 0) + 0.5, picture_year(insp)


def _point(insp: Inspection, predecessor: bool) -> HistoryPoint:
    x, when = _position(insp)
    return HistoryPoint(
        insp.inspection_id,
        chart_name(insp.organisation, insp.org_type),
        x,
        when,
        insp.overall_rating,
        insp.rating_status,
        _score(insp),
        predecessor,
    )


def history(kb: KnowledgeBase, org_id: str) -> HistoryChart:
    """Every inspection of one body in time order, with those of its predecessors marked as theirs.

    Raises ``KeyError`` for a body not in ``kb``: ``request.parse`` never asks for one.
    """
    org = kb.organisation(org_id)
    if org is None:
        raise KeyError(org_id)
    before = predecessors(kb, org)
    own = kb.history(org_id)
    theirs = [h for p in before for h in kb.history(p.org_id)]
    points = sorted(
        [_point(h, False) for h in own if h.year or h.published]
        + [_point(h, True) for h in theirs if h.year or h.published],
        key=lambda p: p.x,
    )
    name = chart_name(org.name, org.org_type)
    return HistoryChart(
        f"{name}: every inspection in our sources",
        name,
        tuple(points),
        tuple(chart_name(p.name, p.org_type) for p in before),
        _newest(own + theirs),
        earlier=_earlier_rating(own),
    )


def _earlier_rating(own: list[Inspection]) -> str | None:
    """The rating a source gives for an inspection before the first one we hold, said with its uncertainty.

    It has no date in our sources, so it is not drawn on the time line (that would invent one).
    """
    first = next((h for h in own if h.overall_rating), None)
    if first is None or not first.previous_rating:
        return None
    return (
        f"Before its {first.year_label()} inspection, our sources say it was rated {first.previous_rating} "
        f"(that inspection's date is not in our sources)."
    )


# -- comparison ----------------------------------------------------------------------------------


def _standard_label(code: str | None, name: str) -> str:
    return f"{code} {name}" if code else name


def compare(kb: KnowledgeBase, org_ids: list[str]) -> CompareChart:
    """Two to four bodies: each one's latest rating, and its standards where our sources rate them.

    The standards shown are those of the same inspection as the overall rating (the latest rated
    one), as the text answers do; a standard a body was not rated on stays empty, never guessed.
    Raises ``KeyError`` for a body not in ``kb``: ``request.parse`` never asks for one.
    """
    bodies, shown, per_body = [], [], []
    for org_id in org_ids[:4]:
        org = kb.organisation(org_id)
        if org is None:
            raise KeyError(org_id)
        hist = kb.history(org_id)
        focus = next((h for h in reversed(hist) if h.overall_rating), hist[-1])
        shown.append(focus)
        bodies.append(
            CompareBody(
                focus.inspection_id,
                chart_name(org.name, org.org_type),
                focus.overall_rating,
                picture_year(focus),
                focus.rating_status,
                _score(focus),
            )
        )
        per_body.append(
            {
                _standard_label(s.standard_code, s.standard_name): s.rating
                for s in kb.standard_ratings(focus.inspection_id)
            }
        )
    labels: list[str] = []
    for ratings in per_body:
        labels.extend(label for label in ratings if label not in labels)
    labels.sort(key=lambda label: [int(n) for n in re.findall(r"^\d+|(?<=\.)\d+", label.split(" ")[0])] or [99])
    cells = tuple(tuple(ratings.get(label) for ratings in per_body) for label in labels)
    title = " vs ".join(b.name for b in bodies)
    return CompareChart(title, tuple(bodies), tuple(labels), cells, _newest(shown))


# -- the words that go with a picture -------------------------------------------------------------

CAPTION_LIMIT = 1024


def caption(chart: Chart) -> str:
    """What the picture shows, the newest inspection it includes, and where the facts come from."""
    if isinstance(chart, LeagueChart):
        counts = ", ".join(f"{len(members)} {rating}" for rating, _, members in chart.groups())
        what = f"{chart.title} ({len(chart.entries)} {chart.what}: {counts}). Equal ratings share a rank."
        if chart.estimated_years:
            what += f" A year with ? ({chart.estimated_years} of them) is our estimate."
    elif isinstance(chart, YearsChart):
        total = sum(sum(sum(c) for c in p.counts) for p in chart.panels)
        what = f"{chart.title}: {total} rated inspections; each body counts once per inspection."
    elif isinstance(chart, HistoryChart):
        n = sum(1 for p in chart.points if not p.predecessor)
        what = f"{chart.title} ({n} inspection{'' if n == 1 else 's'})."
        if chart.predecessors:
            what += f" Shown apart, as a different body it replaced: {', '.join(chart.predecessors)}."
        if chart.earlier:
            what += " " + chart.earlier
    else:
        standards = " and ratings of the standards" if chart.standards else ""
        what = f"{chart.title}: latest overall rating{standards}."
    text = f"{what}\n{newest_words(chart.newest)}\nEvery rating comes from a cited source: /sources"
    return text if len(text) <= CAPTION_LIMIT else text[: CAPTION_LIMIT - 1] + "…"
