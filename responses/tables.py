"""Answers about sets of organisations: league tables, lists by rating, counts, scores, latest."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict, TypeVar

from knowledge import KnowledgeBase
from knowledge.loader import TYPE_LABELS
from knowledge.models import Figure, Inspection, StandardRating
from knowledge.ratings import RATING_POINTS, RATINGS
from knowledge.resolve import normalise
from responses.answer import ANSWER, Answer, Page
from responses.context import Ctx, short_name
from responses.query import Change, Query, TimeSpan
from responses.render import Renderer
from responses.slots import standard_pattern

#: The most rows one answer lists; a chat is not a report. Leagues keep both ends (top and bottom).
MAX_ROWS = 80

_Row = TypeVar("_Row")


#: The filters a list or league applies (org_type, region, programme, year): a plain dict, because
#: ``KnowledgeBase.latest_inspections`` and ``KnowledgeBase.league`` take them as keyword arguments
#: and the charts build their own.
Filters = dict[str, Any]


class RankedRow(TypedDict):
    """One league row with its place; a dict because the league chart reads the same rows."""

    place: int
    place_words: str
    tied: bool
    group_size: int
    rating: str
    insp: Inspection
    name: str


@dataclass(frozen=True)
class ChangedRow:
    """An organisation whose rating changed: from ``first`` (or the rating ``before`` it) to ``last``."""

    first: Inspection
    last: Inspection
    before: str | None


@dataclass(frozen=True)
class StandardRow:
    """An organisation's latest inspection with the standard asked about, and that standard's rating."""

    insp: Inspection
    std: StandardRating


@dataclass(frozen=True)
class Gap:
    """Where a capped list leaves rows out of its middle, and how many (the league template shows it)."""

    gap: int


def cap(items: list[_Row], limit: int = MAX_ROWS, both_ends: bool = False) -> tuple[list[_Row | Gap], int]:
    """At most ``limit`` items and how many were left out; with ``both_ends`` a gap row marks the middle."""
    if len(items) <= limit:
        return [*items], 0
    left_out = len(items) - limit
    if both_ends:
        half = limit // 2
        return [*items[:half], Gap(left_out), *items[len(items) - (limit - half) :]], left_out
    return [*items[:limit]], left_out


PLURALS = {
    "crc": "CRCs",
    "nps": "NPS divisions",
    "pdu": "PDUs",
    "region": "regions",
    "national": "national inspections",
    "yjs": "youth justice services",
}


def _plural(org_type: str | None, none: str) -> str:
    """What a set of bodies of ``org_type`` is called ("PDUs"); ``none`` when no kind is named."""
    return PLURALS[org_type] if org_type else none


_PROGRAMME_WORDS = {
    "2018-19 first round": "first round",
    "2019-20 second round": "second round",
    "2021-23 PDU": "2021-23",
    "2023-25 PDU": "2023-25",
    "pre-2018 (Quality & Impact / TR)": "pre 2018",
    "youth 2018-24": "first youth programme",
    "youth 2025-": "new youth programme",
}
#: What a youth league adds to the ordering note: its scores are on their own scale.
_YOUTH_LEAGUE_NOTE = (
    " Youth justice services are rated against their own 12 standards (13 with resettlement), "
    "so their scores are out of 36 (or 39); they are ranked only among themselves, never against "
    "a PDU's score out of 27."
)


def _filters(q: Query, default_type: str | None) -> Filters:
    org_type = q.org_type
    if org_type is None and (q.programme or "").startswith("youth"):
        org_type = "yjs"  # only youth justice services are inspected under the youth programmes
    if (org_type is None and not (q.programme or q.year or q.span)) or (org_type is None and q.region):
        org_type = default_type
    return {"org_type": org_type, "region": q.region, "programme": q.programme, "year": q.year}


def filter_words(f: Filters, published_in: str) -> list[str]:
    """The region, programme and year filters in words, as lists and the league chart both say them."""
    bits: list[str] = []
    if f["region"]:
        bits.append(f"in {f['region']}")
    if f["programme"]:
        bits.append(f"({f['programme']})")
    if f["year"]:
        bits.append(f"{published_in} {f['year']}")
    return bits


def _describe(f: Filters, span: TimeSpan | None = None) -> str:
    bits = filter_words(f, "with a report published in")
    if span is not None:
        bits.append(f"with a report published {span.label}")
    return " ".join(bits)


def in_span(span: TimeSpan, insp: Inspection) -> bool:
    """Published within the span; an undated inspection counts when the span covers its estimated year
    whole (lists show such a year as "probably")."""
    if insp.published:
        return span.contains(insp.published)
    return insp.year is not None and span.start <= date(insp.year, 1, 1) and date(insp.year, 12, 31) <= span.end


def latest_rows(
    ctx: Ctx, q: Query, f: Filters, *, rated_only: bool, rating: str | None = None, order: str = "league"
) -> list[Inspection]:
    """Each organisation's latest inspection under the filters, and within the question's time span
    (see ``latest_in``)."""
    return latest_in(
        ctx.kb,
        f,
        q.span,
        rated_only=rated_only,
        rating=rating,
        order=order,
        current=ctx.current_region if f["region"] else None,
    )


def current_regions(kb: KnowledgeBase) -> dict[str, str | None]:
    """Each organisation's region at its latest inspection (a body belongs to the region it is in now)."""
    return {o: h[-1].region for o in kb.organisations for h in [kb.history(o)] if h}


def latest_in(
    kb: KnowledgeBase,
    f: Filters,
    span: TimeSpan | None,
    *,
    rated_only: bool,
    rating: str | None = None,
    order: str = "league",
    current: dict[str, str | None] | None = None,
) -> list[Inspection]:
    """Each organisation's latest inspection under the filters ``f``, and within ``span`` if given.

    Without a span this is ``kb.latest_inspections``. With one, it is each organisation's newest
    inspection published inside the span (dates of month or year precision count when they may fall in it).
    A region keeps the bodies in it now (``current``: each body's region at its latest inspection).
    """
    if f["region"]:  # a body belongs to the region of its latest inspection, not one it has left
        current = current if current is not None else current_regions(kb)
        rows = latest_in(kb, {**f, "region": None}, span, rated_only=rated_only, rating=rating, order=order)
        return [i for i in rows if current.get(i.org_id) == f["region"]]
    if span is None:
        return kb.latest_inspections(rated_only=rated_only, rating=rating, order=order, **f)
    out: list[Inspection] = []
    for org in kb.organisations.values():
        if f["org_type"] and org.org_type != f["org_type"]:
            continue
        inside = [
            h
            for h in kb.history(org.org_id)
            if in_span(span, h)
            and (not f["programme"] or h.programme == f["programme"])
            and (not f["year"] or h.year == f["year"])
            and (not rated_only or h.overall_rating)
        ]
        if inside and (rating is None or inside[-1].overall_rating == rating):
            out.append(inside[-1])
    return kb.ordered(out, order)


def _probation_only(rows: list[Inspection], f: Filters) -> list[Inspection]:
    """A ranking that does not name a kind ranks probation bodies only: youth services have their own
    scale and their own table (``/league youth``), and are never ranked against a PDU."""
    youth_programme = (f.get("programme") or "").startswith("youth")
    return rows if f["org_type"] or youth_programme else [i for i in rows if i.org_type != "yjs"]


def league_rows(
    kb: KnowledgeBase, f: Filters, span: TimeSpan | None = None, current: dict[str, str | None] | None = None
) -> list[Inspection]:
    """The inspections a league with filters ``f`` (and time ``span``) ranks, best first: the table and
    its chart share them."""
    return _probation_only(latest_in(kb, f, span, rated_only=True, current=current), f)


def _ref(command: str, f: Filters, *extra: str, span: TimeSpan | None = None) -> str:
    parts = [command]
    if f["org_type"]:
        parts.append(f["org_type"])
    parts.extend(e for e in extra if e)
    if f["programme"]:
        parts.append(_PROGRAMME_WORDS.get(f["programme"], ""))
    if f["year"]:
        parts.append(str(f["year"]))
    if f["region"]:
        parts.append(f["region"])
    if span is not None:
        parts.append(span.label.split(" (")[0])
    return " ".join(p for p in parts if p)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_rows(rows: list[Inspection], worst_first: bool) -> list[RankedRow]:
    """League rows in the order shown, each with its place: equal ratings share a place, read as a tie.

    Places count from the top of the list as shown, so in a worst-first list 1st is the worst and
    the heading says "from the bottom"; a rating's rows are grouped under one heading.
    """
    if worst_first:
        # The bottom of the table first: lowest rating, then lowest known score.
        rows = sorted(
            rows,
            key=lambda i: (
                i.rating_points if i.rating_points is not None else -1,
                i.score_points / i.score_max if i.score_points is not None and i.score_max else 2.0,
            ),
        )
    sizes: dict[str | None, int] = {}
    for insp in rows:
        sizes[insp.overall_rating] = sizes.get(insp.overall_rating, 0) + 1
    ranked: list[RankedRow] = []
    place, prev = 0, object()
    for pos, insp in enumerate(rows, 1):
        if insp.overall_rating != prev:
            place, prev = pos, insp.overall_rating
        size = sizes[insp.overall_rating]
        words = ("joint " if size > 1 else "") + _ordinal(place) + (" from the bottom" if worst_first else "")
        ranked.append(
            {
                "place": place,
                "place_words": words,
                "tied": size > 1,
                "group_size": size,
                "rating": insp.overall_rating or "No overall rating",
                "insp": insp,
                "name": short_name(insp.organisation),
            }
        )
    return ranked


_LEAGUE_RULE = (
    "Ordered by overall rating, {direction}; within a rating, by score where published, then most recent "
    "first. Organisations with the same rating share a place."
)


def league(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """A league table: in full, grouped under rating headings; compact (groups), a summary with the full
    table behind "More"."""
    f = _filters(q, "pdu")
    rows = league_rows(ctx.kb, f, q.span, ctx.current_region if f["region"] else None)
    worst_first = q.worst_first
    ranked = rank_rows(rows, worst_first)
    what = _plural(f["org_type"], "all organisations")
    heading = f"League of {what} {_describe(f, q.span)}".strip() + f": {len(rows)} by latest rating"
    if f == {"org_type": "pdu", "region": None, "programme": None, "year": None} and q.span is None:
        heading = f"Today's Probation Service: each PDU's latest rating ({len(rows)} PDUs)"
    if not rows:
        heading = f"No rated inspections of {what} {_describe(f, q.span)} in our sources".strip()
    if worst_first:
        heading += ", worst first"
    rule = _LEAGUE_RULE.format(direction="worst first" if worst_first else "best first")
    others = "Other tables: /league crc, /league nps, /league pdu, /league region, /league youth, /league 2019."
    if f["org_type"] == "yjs":
        rule += _YOUTH_LEAGUE_NOTE
    named = [o for o in q.org_ids if any(row["insp"].org_id == o for row in ranked)]
    keys = "".join(f" #{org.short_key}" for o in named[:2] if (org := ctx.kb.organisation(o)) is not None)
    ref = _ref("/league", f, span=q.span) + (" worst" if worst_first else "") + keys
    r = ctx.renderer()
    if compact:
        page = r.page("league_summary.j2", **league_summary(ranked, named), heading=heading, rule=rule)
        return ctx.answer(ANSWER, "league", q, heading, [page], r, ref=ref, more_ref=ref)
    shown, _ = cap(ranked, both_ends=True)
    pages = r.pages("league.j2", shown, 20, heading=heading, rule=rule, others=others, show_full_names=False)
    return ctx.answer(ANSWER, "league", q, heading, pages, r, ref=ref)


#: How many rows a league summary shows from each end of the table.
SUMMARY_ENDS = 3


def league_summary(ranked: list[RankedRow], named: list[str]) -> dict[str, Any]:
    """What a group sees of a league: counts by rating, the top and bottom few, and where any body the
    asker named sits. (A picture of the table can stand in for it once charts exist.)"""
    counts: dict[str, int] = {}
    for row in ranked:
        counts[row["rating"]] = counts.get(row["rating"], 0) + 1
    ends = SUMMARY_ENDS if len(ranked) > 2 * SUMMARY_ENDS else len(ranked)
    top = ranked[:ends]
    bottom = [row for row in ranked[-SUMMARY_ENDS:] if row not in top] if len(ranked) > ends else []
    mine = [row for row in ranked if row["insp"].org_id in named]
    return {"counts": list(counts.items()), "top": top, "bottom": bottom, "mine": mine, "total": len(ranked)}


def _left_out(n: int) -> str | None:
    return f"{n} more are not listed here: narrow the question by type, region or year." if n else None


def _rating_list(
    r: Renderer, rows: list[Inspection], compact: bool, heading: str, earlier: list[Inspection], rating: str | None
) -> list[Page]:
    """The capped, paged list of organisations with their latest rating that /list and /collection both show."""
    shown, left_out = cap(rows)
    return r.pages(
        "rating_list.j2",
        shown,
        12 if compact else 20,
        heading=heading,
        footnote=_left_out(left_out),
        earlier=earlier,
        rating=rating,
    )


def _earlier_with_rating(ctx: Ctx, f: Filters, rating: str, exclude: set[str], limit: int = 12) -> list[Inspection]:
    """Up to ``limit`` organisations rated ``rating`` at an earlier inspection but not at their latest."""
    out: list[Inspection] = []
    seen = set(exclude)
    for h in ctx.kb.earlier_rated(rating):  # an index of earlier ratings: never every organisation
        org = ctx.kb.organisation(h.org_id)
        if h.org_id in seen or (f["org_type"] and (org is None or org.org_type != f["org_type"])):
            continue
        if (
            (not f["region"] or h.region == f["region"])
            and (not f["programme"] or h.programme == f["programme"])
            and (not f["year"] or h.year == f["year"])
        ):
            out.append(h)
            seen.add(h.org_id)
            if len(out) == limit:
                break
    return out


def rating_list(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """Organisations by their latest rating; without a rating (inspected, in a year or span) every one."""
    f = _filters(q, None)
    rows = latest_rows(ctx, q, f, rating=q.rating, order="date", rated_only=q.rating is not None)
    what = _plural(f["org_type"], "Organisations")
    if q.rating:
        heading = f"{what} {_describe(f, q.span)} whose latest rating is {q.rating}: {len(rows)}"
    else:
        heading = (
            " ".join(f"{what} inspected {_describe(f, q.span)}".split())
            + f": {len(rows)}, each with its latest inspection"
        )
    heading = " ".join(heading.split())
    heading = heading[:1].upper() + heading[1:]
    earlier = _earlier_with_rating(ctx, f, q.rating, {i.org_id for i in rows}) if q.rating and q.span is None else []
    r = ctx.renderer()
    pages = _rating_list(r, rows, compact, heading, earlier, q.rating)
    return ctx.answer(ANSWER, "list", q, heading, pages, r, ref=_ref("/list", f, (q.rating or "").lower(), span=q.span))


def count(ctx: Ctx, q: Query, compact: bool) -> Answer:
    f = _filters(q, None)
    latest = latest_rows(ctx, q, f, rated_only=False)
    rated = latest_rows(ctx, q, f, rated_only=True)
    what = _plural(f["org_type"], "organisations")
    scope = _describe(f, q.span)
    r = ctx.renderer()
    if q.rating:
        hits = [i for i in rated if i.overall_rating == q.rating]
        sentence = (
            f"{len(hits)} of the {len(rated)} {what} {scope} with a rating in our sources had "
            f"{q.rating} as their latest rating:"
        ).replace("  ", " ")
        if not hits:
            sentence = sentence.rstrip(":") + "."
        items = hits
    else:
        by = Counter(i.overall_rating for i in rated)
        parts = ", ".join(f"{by[rating]} {rating}" for rating in RATINGS if by[rating])
        sentence = " ".join(f"Our sources have {len(latest)} {what} {scope}".split()) + (
            f"; by latest rating: {parts}. Each is listed below with its source." if parts else "."
        )
        # Only the rows shown are put in order (best rating, then name), not every organisation counted.
        items = heapq.nsmallest(MAX_ROWS + 1, rated, key=lambda i: (-_points(i), i.organisation))
    figures = _matching_figures(ctx, f, q.rating) + _size_figures(ctx, f, q.rating)
    if figures and not q.rating:
        sentence = (
            f"Published figure: {figures[0].value} {figures[0].metric} ({figures[0].as_of}), below with its source. "
            + sentence.replace("Our sources have", "Our own records hold", 1)
        )
    footnote = None
    if len(latest) > len(rated):
        footnote = f"{len(latest) - len(rated)} more have no overall rating in our sources and are not counted."
    earlier = _earlier_with_rating(ctx, f, q.rating, {i.org_id for i in items}) if q.rating and q.span is None else []
    shown, _ = cap(items)
    left_out = (len(items) if q.rating else len(rated)) - len(shown)
    footnote = " ".join(x for x in (footnote, _left_out(left_out)) if x) or None
    pages = r.pages(
        "count.j2",
        shown,
        10 if compact else 20,
        sentence=sentence,
        figures=figures,
        footnote=footnote,
        earlier=earlier,
        rating=q.rating,
    )
    return ctx.answer(
        ANSWER,
        "count",
        q,
        sentence,
        pages,
        r,
        ref=_ref("/count", f, (q.rating or "").lower(), span=q.span),
        more_ref=None,
    )


def _size_figures(ctx: Ctx, f: Filters, rating: str | None) -> list[Figure]:
    """A published count of the set itself ("PDUs in London: 18"), which may differ from the rows we hold."""
    if rating or not f["org_type"] or not f["region"]:
        return []
    plural = PLURALS[f["org_type"]].lower()
    return [fig for fig in ctx.kb.all_figures if fig.metric.lower() == f"{plural} in {f['region'].lower()}"][:1]


def _matching_figures(ctx: Ctx, f: Filters, rating: str | None) -> list[Figure]:
    """The inspectorate's own published counts for the same set, where it published one."""
    if f["org_type"] == "yjs" and not rating:  # "how many youth services were inspected": the annual reports' counts
        return [
            fig
            for fig in ctx.kb.all_figures
            if "youth" in fig.subject.lower()
            and fig.unit == "count"
            and fig.metric.lower().endswith("services inspected")
            and (not f["year"] or str(f["year"]) in fig.subject or str(f["year"]) in (fig.as_of or ""))
        ][:3]
    if not rating or f["org_type"] not in ("crc", "nps", "yjs"):
        return []
    out = []
    for fig in ctx.kb.all_figures:
        metric, text = fig.metric.lower(), (fig.subject + " " + fig.metric).lower()
        # A count of bodies with this overall rating: not of standards, nor a rating "on" one standard
        if f"rated {rating.lower()}" not in metric or fig.unit != "count" or " on " in metric:
            continue
        if f["org_type"] == "yjs":  # the youth annual reports' own counts of services by rating
            if "youth" in text and "of those" not in metric and (not f["year"] or str(f["year"]) in fig.subject):
                out.append(fig)
            continue
        if f["org_type"] == "nps" and "nps" not in text and "division" not in text:
            continue
        if f["org_type"] == "crc" and "crc" not in text:
            continue
        if metric.startswith("standards"):
            continue
        if f["programme"] and "first" in f["programme"] and "2018-19" not in fig.subject:
            continue
        if f["programme"] and "second" in f["programme"] and "2019-20" not in fig.subject:
            continue
        if any(o.value == fig.value and o.metric.lower() == metric for o in out):
            continue
        out.append(fig)
    return out[:3]


def score_list(ctx: Ctx, q: Query, compact: bool) -> Answer:
    kind = f" {q.org_type}" if q.org_type else ""  # in the ref, so that a button keeps to the same kind
    if q.score is not None:
        points, out_of = q.score
        rows = ctx.kb.inspections_with_score(points, out_of)
        if q.org_type:
            rows = [i for i in rows if i.org_type == q.org_type]
        total = len(rows)
        heading = (
            f"Inspections with a published score of {points}" + (f" out of {out_of}" if out_of else "") + f": {total}"
        )
        ref = f"/score_list{kind} {points} of {out_of}" if out_of else None
    else:
        # Each scale on its own (out of 27, then 36, then 39): a youth score is not ranked against a PDU's.
        rows = sorted(
            (i for i in ctx.kb.scored_inspections() if not q.org_type or i.org_type == q.org_type),
            key=lambda i: (i.score_max or 0, i.score_points or 0),
        )
        total = len(rows)
        heading = f"Inspections whose score in points is published, lowest first on each scale: {total}"
        ref = f"/score_list{kind}"
    footnote = (
        "A PDU inspection rates nine standards; each scores Outstanding 3, Good 2, Requires improvement 1, "
        "Inadequate 0, so the total is out of 27. Our sources give the score for only a few inspections."
    )
    if any(i.org_type == "yjs" for i in rows):
        footnote += _YOUTH_LEAGUE_NOTE
    r = ctx.renderer()
    shown, _ = cap(rows)
    footnote = " ".join(x for x in (footnote, _left_out(total - len(shown))) if x)
    pages = r.pages("rating_list.j2", shown, 20, heading=heading, footnote=footnote, earlier=[], rating=None)
    return ctx.answer(ANSWER, "score_list", q, heading, pages, r, ref=ref)


def changed(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """Organisations whose overall rating changed: by a named change between their last two rated
    inspections ("from Good to Inadequate", "down a grade"), or up or down between first and latest."""
    f = _filters(q, None)
    change = q.change
    down = q.direction == "down"
    rows: list[ChangedRow] = []
    for org in ctx.kb.organisations.values():
        if (f["org_type"] and org.org_type != f["org_type"]) or (f["region"] and org.region != f["region"]):
            continue
        hist = ctx.kb.history(org.org_id)
        rated = [h for h in hist if h.overall_rating and (q.span is None or in_span(q.span, h))]
        # The first rating we know: that of an inspection before the first we hold, where the next
        # report gives it as the "previous rating" (its date unknown, so not within a time asked for).
        before = (
            rated[0].previous_rating
            if rated and rated[0] == hist[0] and q.span is None and rated[0].previous_rating in RATING_POINTS
            else None
        )
        if not rated or (len(rated) < 2 and not before):
            continue
        if change is not None:
            if len(rated) >= 2 and _change_fits(change, rated[-2].overall_rating, rated[-1]):
                rows.append(ChangedRow(first=rated[-2], last=rated[-1], before=None))
            elif len(rated) == 1 and _change_fits(change, before, rated[0]):
                rows.append(ChangedRow(first=rated[0], last=rated[0], before=before))
            continue
        first_points = RATING_POINTS[before] if before else _points(rated[0])
        if _points(rated[-1]) < first_points if down else _points(rated[-1]) > first_points:
            rows.append(ChangedRow(first=rated[0], last=rated[-1], before=before))
    what = _plural(f["org_type"], "organisations")
    if change is not None:
        heading = (
            f"{what} {_describe(f, q.span)} whose rating went {change.describe()} "
            f"at their latest rated inspection: {len(rows)}"
        )
    else:
        verb = "fell" if down else "rose"
        heading = f"{what} {_describe(f, q.span)} whose overall rating {verb} between inspections: {len(rows)}"
    heading = " ".join(heading.split())
    heading = heading[:1].upper() + heading[1:]
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages("changed.j2", shown, 15, heading=heading, footnote=_left_out(left_out))
    extra = _change_ref(change) if change is not None else "declined" if down else "improved"
    return ctx.answer(ANSWER, "changed", q, heading, pages, r, ref=_ref("/changed", f, extra, span=q.span))


def _points(insp: Inspection) -> int:
    """The points of a rated inspection's overall rating (callers pass only rated inspections)."""
    if insp.rating_points is None:
        raise ValueError(f"inspection {insp.inspection_id} has no overall rating")
    return insp.rating_points


def _change_fits(change: Change, before: str | None, after: Inspection) -> bool:
    """Whether a move from the rating ``before`` to ``after``'s is the change asked about."""
    if before is None:
        return False
    if change.before and before != change.before:
        return False
    if change.after and after.overall_rating != change.after:
        return False
    return change.steps is None or _points(after) - RATING_POINTS[before] == change.steps


def _change_ref(change: Change) -> str:
    """The change in words the parser reads back ("from good to inadequate", "down 2 grades")."""
    if change.before or change.after:
        return f"from {(change.before or '').lower()} to {(change.after or '').lower()}"
    n = abs(change.steps or 0)
    return f"{'up' if (change.steps or 0) > 0 else 'down'} {n} grades"


def standard_list(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """Organisations whose latest inspection rating the named standard gave it the named rating."""
    f = _filters(q, None)
    pattern = standard_pattern(q.standard or "")
    rows: list[StandardRow] = []
    for org in ctx.kb.organisations.values():
        if f["org_type"] and org.org_type != f["org_type"]:
            continue
        for h in reversed(ctx.kb.history(org.org_id)):
            if (f["region"] and h.region != f["region"]) or (q.span is not None and not in_span(q.span, h)):
                continue
            stds = [
                s
                for s in ctx.kb.standard_ratings(h.inspection_id)
                if pattern.match(s.standard_name.split(": ")[-1]) or pattern.match(s.standard_name)
            ]
            if stds:
                hit = next((s for s in stds if q.rating is None or s.rating == q.rating), None)
                if hit is not None:
                    rows.append(StandardRow(insp=h, std=hit))
                break
    what = _plural(f["org_type"], "Organisations")
    rated = f"rated {q.rating} " if q.rating else ""
    heading = " ".join(
        f"{what} {_describe(f, q.span)} {rated}on {q.standard} at their latest inspection with that "
        f"standard: {len(rows)}".split()
    )
    heading = heading[:1].upper() + heading[1:]
    footnote = (
        "Standard ratings are in our sources for only some inspections; an organisation without them is not listed."
    )
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages(
        "standard_list.j2",
        shown,
        15,
        heading=heading,
        footnote=" ".join(x for x in (footnote, _left_out(left_out)) if x),
    )
    ref = _ref("/standard_list", f, (q.rating or "").lower(), q.standard.lower() if q.standard else "")
    return ctx.answer(ANSWER, "standard_list", q, heading, pages, r, ref=ref)


#: What each named kind of inspection covers, as a test on an inspection.
COLLECTIONS: dict[str, tuple[str, Callable[[Inspection], bool]]] = {
    "dipp": ("Dynamic inspections of public protection", lambda i: "dynamic inspection" in i.organisation.lower()),
    "covid": ("Inspections and reviews about the Covid-19 pandemic", lambda i: "covid" in i.organisation.lower()),
    "thematic": ("Thematic reports on probation", lambda i: i.programme == "thematic"),
    "youth thematic": ("Thematic reports on youth justice", lambda i: i.programme == "youth thematic"),
    "all thematic": ("Thematic reports", lambda i: i.programme in ("thematic", "youth thematic")),
}


def collection(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """A named kind of inspection: the DIPP inspections, the Covid reviews, the thematic reports."""
    title, test = COLLECTIONS[str(q.collection)]  # the engine asks only for a collection the question named
    rows = [
        i
        for o in ctx.kb.organisations.values()
        for i in ctx.kb.history(o.org_id)[-1:]
        if test(i)
        and (q.span is None or in_span(q.span, i))
        and (not q.org_type or i.org_type == q.org_type)
        and (not q.topics or ctx.kb.findings(org_id=i.org_id, topics=q.topics))
    ]
    rows.sort(key=lambda i: (i.published or "", i.inspection_id), reverse=True)
    kind = f" ({PLURALS[q.org_type]})" if q.org_type else ""
    if q.topics:
        kind += " with findings on " + ", ".join(t.replace("-", " ") for t in q.topics)
    heading = f"{title}{kind}{' published ' + q.span.label if q.span else ''}: {len(rows)}, newest first"
    r = ctx.renderer()
    pages = _rating_list(r, rows, compact, heading, [], None)
    # The ref keeps the topics and the span, so that a page button brings back the same list.
    none: Filters = {"org_type": None, "region": None, "programme": None, "year": None}
    ref = _ref(f"/collection {q.collection}", none, *q.topics, span=q.span)
    return ctx.answer(ANSWER, "collection", q, heading, pages, r, ref=ref)


def owners(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """Every company our sources name as an owner, with the organisations each owned or led."""
    rows = [i for owner in ctx.kb.owners for i in ctx.kb.owned_by(owner) if not q.org_type or i.org_type == q.org_type]
    rows.sort(key=lambda i: (i.owner or "", i.organisation))
    what = _plural(q.org_type, "organisations")
    heading = f"Companies our sources name as owners: {len(ctx.kb.owners)}, with the {len(rows)} {what} they ran"
    footnote = (
        "Ownership is as each cited page states it at the time of that inspection; ask about one, e.g. “Seetec CRCs”."
    )
    r = ctx.renderer()
    pages = r.pages("owned_by.j2", rows, 20, heading=heading, footnote=footnote)
    return ctx.answer(ANSWER, "owners", q, heading, pages, r, ref="/owners")


def owned_by(ctx: Ctx, q: Query, compact: bool) -> Answer:
    company = ctx.vocabulary.companies.get(normalise(q.owner or ""))
    owners = company.owners if company else ((q.owner or "", "owner"),)
    rows: list[Inspection] = []
    notes: list[str] = []
    for owner, relation in owners:
        found = [
            i
            for i in ctx.kb.owned_by(owner)
            if i.org_id not in {r.org_id for r in rows} and (not q.org_type or i.org_type == q.org_type)
        ]
        rows += found
        if relation == "led" and found:
            notes.append(f"{q.owner} led {owner.split(' (')[0]}, which owned these.")
        elif relation == "took over" and found:
            notes.append(f"Included: the CRCs {owner} owned before {q.owner} took them over.")
    what = _plural(q.org_type, "Organisations")
    heading = f"{what} our sources say {q.owner} owned or led: {len(rows)}"
    footnote = " ".join([*notes, "Ownership is as each cited page states it at the time of that inspection."])
    r = ctx.renderer()
    pages = r.pages("owned_by.j2", rows, 20, heading=heading, footnote=footnote)
    return ctx.answer(ANSWER, "owned_by", q, heading, pages, r, ref=f"/owned_by {q.owner}")


def latest(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """The most recently published inspections, of one kind or within a span when the question says so."""
    limit = 4 if compact else 10
    f: Filters = {"org_type": q.org_type, "region": q.region, "programme": None, "year": None}
    if q.span is None and not q.region:
        rows = ctx.kb.recent_inspections(limit, org_type=q.org_type)
    else:
        rows = [
            h
            for o in ctx.kb.organisations.values()
            if not q.org_type or o.org_type == q.org_type
            for h in ctx.kb.history(o.org_id)
            if h.published and (q.span is None or in_span(q.span, h)) and (not q.region or h.region == q.region)
        ]
        rows.sort(key=lambda h: (h.published or "", h.inspection_id), reverse=True)
        if q.span is None:
            rows = rows[:limit]
    what = f"inspections of {PLURALS[q.org_type]}" if q.org_type else "inspections"
    heading = " ".join(f"Most recently published {what} {_describe(f, q.span)}".split())
    undated = ctx.kb.undated_count()
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages(
        "latest.j2", shown, 10, undated=undated, heading=heading, empty=not rows, footnote=_left_out(left_out)
    )
    ref = _ref("/latest", f, span=q.span)
    return ctx.answer(ANSWER, "latest", q, heading, pages, r, ref=ref)


__all__ = [
    "PLURALS",
    "TYPE_LABELS",
    "changed",
    "collection",
    "count",
    "latest",
    "league",
    "owned_by",
    "owners",
    "rating_list",
    "score_list",
    "standard_list",
]
