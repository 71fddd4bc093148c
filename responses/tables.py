"""Answers about sets of organisations: league tables, lists by rating, counts, scores, latest."""

from __future__ import annotations

from datetime import date

from knowledge.loader import TYPE_LABELS
from knowledge.models import Inspection
from knowledge.resolve import normalise
from responses.answer import ANSWER, Answer
from responses.context import Ctx, short_name
from responses.query import Change, Query, TimeSpan
from responses.slots import standard_pattern

#: The most rows one answer lists; a chat is not a report. Leagues keep both ends (top and bottom).
MAX_ROWS = 80


def cap(items: list, limit: int = MAX_ROWS, both_ends: bool = False) -> tuple[list, int]:
    """At most ``limit`` items and how many were left out; with ``both_ends`` a gap row marks the middle."""
    if len(items) <= limit:
        return items, 0
    left_out = len(items) - limit
    if both_ends:
        half = limit // 2
        return items[:half] + [{"gap": left_out}] + items[len(items) - (limit - half):], left_out
    return items[:limit], left_out


PLURALS = {"crc": "CRCs", "nps": "NPS divisions", "pdu": "PDUs", "region": "regions", "national": "national inspections"}
_PROGRAMME_WORDS = {
    "2018-19 first round": "first round", "2019-20 second round": "second round", "2021-23 PDU": "2021-23",
    "2023-25 PDU": "2023-25", "pre-2018 (Quality & Impact / TR)": "pre 2018",
}


def _filters(q: Query, default_type: str | None) -> dict:
    org_type = q.org_type
    if org_type is None and not (q.programme or q.year or q.span) or org_type is None and q.region:
        org_type = default_type
    return {"org_type": org_type, "region": q.region, "programme": q.programme, "year": q.year}


def _describe(f: dict, span: TimeSpan | None = None) -> str:
    bits: list[str] = []
    if f["region"]:
        bits.append(f"in {f['region']}")
    if f["programme"]:
        bits.append(f"({f['programme']})")
    if f["year"]:
        bits.append(f"with a report published in {f['year']}")
    if span is not None:
        bits.append(f"with a report published {span.label}")
    return " ".join(bits)


def in_span(span: TimeSpan, insp: Inspection) -> bool:
    """Published within the span; an undated inspection counts when the span covers its estimated year
    whole (lists show such a year as "probably")."""
    if insp.published:
        return span.contains(insp.published)
    return bool(insp.year) and span.start <= date(insp.year, 1, 1) and date(insp.year, 12, 31) <= span.end


def latest_rows(ctx: Ctx, q: Query, f: dict, *, rated_only: bool, rating: str | None = None,
                order: str = "league") -> list[Inspection]:
    """Each organisation's latest inspection under the filters, and within the question's time span.

    Without a span this is ``kb.latest_inspections``. With one, it is each organisation's newest
    inspection published inside the span (dates of month or year precision count when they may fall in it).
    """
    if f["region"]:  # a body belongs to the region of its latest inspection, not one it has left
        current = ctx.current_region
        rows = latest_rows(ctx, q, {**f, "region": None}, rated_only=rated_only, rating=rating, order=order)
        return [i for i in rows if current.get(i.org_id) == f["region"]]
    if q.span is None:
        return ctx.kb.latest_inspections(rated_only=rated_only, rating=rating, order=order, **f)
    out: list[Inspection] = []
    for org in ctx.kb.organisations.values():
        if f["org_type"] and org.org_type != f["org_type"]:
            continue
        inside = [h for h in ctx.kb.history(org.org_id)
                  if in_span(q.span, h) and (not f["region"] or h.region == f["region"])
                  and (not f["programme"] or h.programme == f["programme"]) and (not rated_only or h.overall_rating)]
        if inside and (rating is None or inside[-1].overall_rating == rating):
            out.append(inside[-1])
    if order == "date":
        return sorted(out, key=lambda i: (i.published or "", i.inspection_id), reverse=True)
    return sorted(out, key=lambda i: (-(i.rating_points if i.rating_points is not None else -1),
                                      -(i.score_points or 0), i.published or ""), reverse=False)


def _ref(command: str, f: dict, *extra: str, span: TimeSpan | None = None) -> str:
    parts = [command]
    if f.get("org_type"):
        parts.append(f["org_type"])
    parts.extend(e for e in extra if e)
    if f.get("programme"):
        parts.append(_PROGRAMME_WORDS.get(f["programme"], ""))
    if f.get("year"):
        parts.append(str(f["year"]))
    if f.get("region"):
        parts.append(f["region"])
    if span is not None:
        parts.append(span.label.split(" (")[0])
    return " ".join(p for p in parts if p)


def league(ctx: Ctx, q: Query, compact: bool) -> Answer:
    f = _filters(q, "pdu")
    rows = latest_rows(ctx, q, f, rated_only=True)
    ranked, rank, prev = [], 0, None
    for pos, insp in enumerate(rows, 1):
        if insp.rating_points != prev:
            rank, prev = pos, insp.rating_points
        ranked.append({"rank": rank, "insp": insp, "name": short_name(insp.organisation)})
    what = PLURALS.get(f["org_type"], "organisations") if f["org_type"] else "all organisations"
    heading = f"League of {what} {_describe(f, q.span)}".strip() + f": {len(rows)} by latest rating"
    if f == {"org_type": "pdu", "region": None, "programme": None, "year": None} and q.span is None:
        heading = f"Today's Probation Service: each PDU's latest rating ({len(rows)} PDUs)"
    footnote = ("Ordered by overall rating (Outstanding, Good, Requires improvement, Inadequate), then by score "
                "where published, then most recent first; equal ratings share a rank. A year with ? is our estimate. "
                "Other tables: /league crc, /league nps, /league pdu, /league region, /league 2019.")
    if not rows:
        heading = f"No rated inspections of {what} {_describe(f, q.span)} in our sources".strip()
    if q.worst_first:
        # "the worst rated PDU": the bottom of the table first (lowest rating, then lowest known score), ranks kept.
        ranked.sort(key=lambda row: (row["insp"].rating_points,
                                     row["insp"].score_points / row["insp"].score_max
                                     if row["insp"].score_points is not None else 2.0))
        heading += ", worst first"
    r = ctx.renderer()
    shown, _ = cap(ranked, both_ends=True)
    pages = r.pages("league.j2", shown, 10 if compact else 20, heading=heading, footnote=footnote,
                    show_full_names=False)
    return ctx.answer(ANSWER, "league", q, heading, pages, r, ref=_ref("/league", f, span=q.span))


def _left_out(n: int) -> str | None:
    return f"{n} more are not listed here: narrow the question by type, region or year." if n else None


def _earlier_with_rating(ctx: Ctx, f: dict, rating: str, exclude: set[str]) -> list[Inspection]:
    """Organisations rated ``rating`` at an earlier inspection but not at their latest."""
    out = []
    for org in ctx.kb.organisations.values():
        if org.org_id in exclude or (f["org_type"] and org.org_type != f["org_type"]):
            continue
        for h in ctx.kb.history(org.org_id)[:-1]:
            if h.overall_rating == rating and (not f["region"] or h.region == f["region"]) \
                    and (not f["programme"] or h.programme == f["programme"]) and (not f["year"] or h.year == f["year"]):
                out.append(h)
                break
    return out


def rating_list(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """Organisations by their latest rating; without a rating (inspected, in a year or span) every one."""
    f = _filters(q, None)
    rows = latest_rows(ctx, q, f, rating=q.rating, order="date", rated_only=q.rating is not None)
    what = PLURALS.get(f["org_type"], "Organisations") if f["org_type"] else "Organisations"
    if q.rating:
        heading = f"{what} {_describe(f, q.span)} whose latest rating is {q.rating}: {len(rows)}"
    else:
        heading = " ".join(f"{what} inspected {_describe(f, q.span)}".split()) + f": {len(rows)}, each with its latest inspection"
    heading = " ".join(heading.split())
    heading = heading[:1].upper() + heading[1:]
    earlier = _earlier_with_rating(ctx, f, q.rating, {i.org_id for i in rows}) if q.rating and q.span is None else []
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages("rating_list.j2", shown, 12 if compact else 20, heading=heading, footnote=_left_out(left_out),
                    earlier=earlier[:12], rating=q.rating)
    return ctx.answer(ANSWER, "list", q, heading, pages, r, ref=_ref("/list", f, (q.rating or "").lower(), span=q.span))


def count(ctx: Ctx, q: Query, compact: bool) -> Answer:
    f = _filters(q, None)
    latest = latest_rows(ctx, q, f, rated_only=False)
    rated = latest_rows(ctx, q, f, rated_only=True)
    what = PLURALS.get(f["org_type"], "organisations") if f["org_type"] else "organisations"
    scope = _describe(f, q.span)
    r = ctx.renderer()
    if q.rating:
        hits = [i for i in rated if i.overall_rating == q.rating]
        sentence = (f"{len(hits)} of the {len(rated)} {what} {scope} with a rating in our sources had "
                    f"{q.rating} as their latest rating:").replace("  ", " ")
        if not hits:
            sentence = sentence.rstrip(":") + "."
        items = hits
    else:
        by = {}
        for i in rated:
            by[i.overall_rating] = by.get(i.overall_rating, 0) + 1
        parts = ", ".join(f"{n} {rating}" for rating, n in sorted(by.items(), key=lambda kv: -ctx_points(kv[0])))
        sentence = " ".join(f"Our sources have {len(latest)} {what} {scope}".split()) + (
            f"; by latest rating: {parts}. Each is listed below with its source.")
        items = sorted(rated, key=lambda i: (-ctx_points(i.overall_rating), i.organisation))
    figures = _matching_figures(ctx, f, q.rating) + _size_figures(ctx, f, q.rating)
    if figures and not q.rating:
        sentence = (f"Published figure: {figures[0].value} {figures[0].metric} ({figures[0].as_of}), below with its source. "
                    + sentence.replace("Our sources have", "Our own records hold", 1))
    footnote = None
    if len(latest) > len(rated):
        footnote = f"{len(latest) - len(rated)} more have no overall rating in our sources and are not counted."
    earlier = _earlier_with_rating(ctx, f, q.rating, {i.org_id for i in items}) if q.rating else []
    shown, left_out = cap(items)
    footnote = " ".join(x for x in (footnote, _left_out(left_out)) if x) or None
    pages = r.pages("count.j2", shown, 10 if compact else 20, sentence=sentence, figures=figures,
                    footnote=footnote, earlier=earlier[:12], rating=q.rating)
    return ctx.answer(ANSWER, "count", q, sentence, pages, r, ref=_ref("/count", f, (q.rating or "").lower()),
                      more_ref=None)


def _size_figures(ctx: Ctx, f: dict, rating: str | None):
    """A published count of the set itself ("PDUs in London: 18"), which may differ from the rows we hold."""
    if rating or not f["org_type"] or not f["region"]:
        return []
    plural = PLURALS.get(f["org_type"], "").lower()
    return [fig for fig in ctx.kb.all_figures
            if fig.metric.lower() == f"{plural} in {f['region'].lower()}"][:1]


def ctx_points(rating: str) -> int:
    from knowledge.ratings import RATING_POINTS

    return RATING_POINTS.get(rating, -1)


def _matching_figures(ctx: Ctx, f: dict, rating: str | None):
    """The inspectorate's own published counts for the same set, where it published one."""
    if not rating or not f["org_type"] in ("crc", "nps"):
        return []
    label = {"crc": "crc", "nps": "nps division"}[f["org_type"]]
    out = []
    for fig in ctx.kb.all_figures:
        text = (fig.subject + " " + fig.metric).lower()
        if f["org_type"] == "nps" and "nps" not in text and "division" not in text:
            continue
        if f["org_type"] == "crc" and "crc" not in text:
            continue
        metric = fig.metric.lower()
        if f"rated {rating.lower()}" not in metric or fig.unit != "count" or metric.startswith("standards"):
            continue
        if f["programme"] and "first" in f["programme"] and "2018-19" not in fig.subject:
            continue
        if f["programme"] and "second" in f["programme"] and "2019-20" not in fig.subject:
            continue
        if any(o.value == fig.value and o.metric.lower() == fig.metric.lower() for o in out):
            continue
        out.append(fig)
    del label
    return out[:3]


def score_list(ctx: Ctx, q: Query, compact: bool) -> Answer:
    if q.score is not None:
        points, out_of = q.score
        rows = [i for i in ctx.kb.inspections_with_score(points, out_of) if not q.org_type or i.org_type == q.org_type]
        heading = f"Inspections with a published score of {points}" + (f" out of {out_of}" if out_of else "") + f": {len(rows)}"
        ref = f"/score_list {points} of {out_of}" if out_of else None
    else:
        rows = [i for i in ctx.kb.scored_inspections() if not q.org_type or i.org_type == q.org_type]
        heading = f"Inspections whose score in points is published, lowest first: {len(rows)}"
        ref = "/score_list"
    footnote = ("A PDU inspection rates nine standards; each scores Outstanding 3, Good 2, Requires improvement 1, "
                "Inadequate 0, so the total is out of 27. Our sources give the score for only a few inspections.")
    r = ctx.renderer()
    shown, left_out = cap(rows)
    footnote = " ".join(x for x in (footnote, _left_out(left_out)) if x)
    pages = r.pages("rating_list.j2", shown, 20, heading=heading, footnote=footnote, earlier=[], rating=None)
    return ctx.answer(ANSWER, "score_list", q, heading, pages, r, ref=ref)


def changed(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """Organisations whose overall rating changed: by a named change between their last two rated
    inspections ("from Good to Inadequate", "down a grade"), or up or down between first and latest."""
    f = _filters(q, None)
    change = q.change
    down = q.direction == "down"
    rows = []
    for org in ctx.kb.organisations.values():
        if f["org_type"] and org.org_type != f["org_type"] or f["region"] and org.region != f["region"]:
            continue
        rated = [h for h in ctx.kb.history(org.org_id) if h.overall_rating
                 and (q.span is None or in_span(q.span, h))]
        if len(rated) < 2:
            continue
        if change is not None:
            before, after = rated[-2], rated[-1]
            if _change_fits(change, before, after):
                rows.append({"first": before, "last": after})
        elif (rated[-1].rating_points < rated[0].rating_points if down
              else rated[-1].rating_points > rated[0].rating_points):
            rows.append({"first": rated[0], "last": rated[-1]})
    what = PLURALS.get(f["org_type"], "organisations") if f["org_type"] else "organisations"
    if change is not None:
        heading = f"{what} {_describe(f, q.span)} whose rating went {change.describe()} at their latest rated inspection: {len(rows)}"
    else:
        verb = "fell" if down else "rose"
        heading = f"{what} {_describe(f, q.span)} whose overall rating {verb} between inspections: {len(rows)}"
    heading = " ".join(heading.split())
    heading = heading[:1].upper() + heading[1:]
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages("changed.j2", shown, 15, heading=heading, footnote=_left_out(left_out))
    extra = (_change_ref(change) if change is not None else "declined" if down else "improved")
    return ctx.answer(ANSWER, "changed", q, heading, pages, r, ref=_ref("/changed", f, extra, span=q.span))


def _change_fits(change: Change, before: Inspection, after: Inspection) -> bool:
    if change.before and before.overall_rating != change.before:
        return False
    if change.after and after.overall_rating != change.after:
        return False
    if change.steps is not None and after.rating_points - before.rating_points != change.steps:
        return False
    return True


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
    rows = []
    for org in ctx.kb.organisations.values():
        if f["org_type"] and org.org_type != f["org_type"]:
            continue
        for h in reversed(ctx.kb.history(org.org_id)):
            if f["region"] and h.region != f["region"] or q.span is not None and not in_span(q.span, h):
                continue
            stds = [s for s in ctx.kb.standard_ratings(h.inspection_id) if pattern.match(s.standard_name.split(": ")[-1])
                    or pattern.match(s.standard_name)]
            if stds:
                hit = next((s for s in stds if q.rating is None or s.rating == q.rating), None)
                if hit is not None:
                    rows.append({"insp": h, "std": hit})
                break
    what = PLURALS.get(f["org_type"], "Organisations") if f["org_type"] else "Organisations"
    rated = f"rated {q.rating} " if q.rating else ""
    heading = " ".join(f"{what} {_describe(f, q.span)} {rated}on {q.standard} at their latest inspection with that "
                       f"standard: {len(rows)}".split())
    heading = heading[:1].upper() + heading[1:]
    footnote = ("Standard ratings are in our sources for only some inspections; an organisation without them is "
                "not listed.")
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages("standard_list.j2", shown, 15, heading=heading,
                    footnote=" ".join(x for x in (footnote, _left_out(left_out)) if x))
    ref = _ref("/standard_list", f, (q.rating or "").lower(), q.standard.lower() if q.standard else "")
    return ctx.answer(ANSWER, "standard_list", q, heading, pages, r, ref=ref)


#: What each named kind of inspection covers, as a test on an inspection.
COLLECTIONS = {
    "dipp": ("Dynamic inspections of public protection", lambda i: "dynamic inspection" in i.organisation.lower()),
    "covid": ("Inspections and reviews about the Covid-19 pandemic", lambda i: "covid" in i.organisation.lower()),
    "thematic": ("Thematic reports on probation", lambda i: i.programme == "thematic"),
    "youth thematic": ("Thematic reports on youth justice", lambda i: i.programme == "youth thematic"),
    "all thematic": ("Thematic reports", lambda i: i.programme in ("thematic", "youth thematic")),
}


def collection(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """A named kind of inspection: the DIPP inspections, the Covid reviews, the thematic reports."""
    title, test = COLLECTIONS.get(q.collection or "", ("Inspections", lambda i: True))
    rows = [i for o in ctx.kb.organisations.values() for i in ctx.kb.history(o.org_id)[-1:]
            if test(i) and (q.span is None or in_span(q.span, i)) and (not q.org_type or i.org_type == q.org_type)
            and (not q.topics or ctx.kb.findings(org_id=i.org_id, topics=q.topics))]
    rows.sort(key=lambda i: (i.published or "", i.inspection_id), reverse=True)
    kind = f" ({PLURALS.get(q.org_type, q.org_type)})" if q.org_type else ""
    if q.topics:
        kind += " with findings on " + ", ".join(t.replace("-", " ") for t in q.topics)
    heading = f"{title}{kind}{' published ' + q.span.label if q.span else ''}: {len(rows)}, newest first"
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages("rating_list.j2", shown, 12 if compact else 20, heading=heading, footnote=_left_out(left_out),
                    earlier=[], rating=None)
    return ctx.answer(ANSWER, "collection", q, heading, pages, r, ref=f"/collection {q.collection}")


def owners(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """Every company our sources name as an owner, with the organisations each owned or led."""
    rows = [i for owner in ctx.kb.owners for i in ctx.kb.owned_by(owner) if not q.org_type or i.org_type == q.org_type]
    rows.sort(key=lambda i: (i.owner or "", i.organisation))
    what = PLURALS.get(q.org_type or "", "organisations") if q.org_type else "organisations"
    heading = f"Companies our sources name as owners: {len(ctx.kb.owners)}, with the {len(rows)} {what} they ran"
    footnote = "Ownership is as each cited page states it at the time of that inspection; ask about one, e.g. “Seetec CRCs”."
    r = ctx.renderer()
    pages = r.pages("owned_by.j2", rows, 20, heading=heading, footnote=footnote)
    return ctx.answer(ANSWER, "owners", q, heading, pages, r, ref="/owners")


def owned_by(ctx: Ctx, q: Query, compact: bool) -> Answer:
    company = ctx.vocabulary.companies.get(normalise(q.owner or ""))
    owners = company.owners if company else ((q.owner or "", "owner"),)
    rows, notes = [], []
    for owner, relation in owners:
        found = [i for i in ctx.kb.owned_by(owner) if i.org_id not in {r.org_id for r in rows}
                 and (not q.org_type or i.org_type == q.org_type)]
        rows += found
        if relation == "led" and found:
            notes.append(f"{q.owner} led {owner.split(' (')[0]}, which owned these.")
        elif relation == "took over" and found:
            notes.append(f"Included: the CRCs {owner} owned before {q.owner} took them over.")
    what = PLURALS.get(q.org_type or "", "Organisations") if q.org_type else "Organisations"
    heading = f"{what} our sources say {q.owner} owned or led: {len(rows)}"
    footnote = " ".join(notes + ["Ownership is as each cited page states it at the time of that inspection."])
    r = ctx.renderer()
    pages = r.pages("owned_by.j2", rows, 20, heading=heading, footnote=footnote)
    return ctx.answer(ANSWER, "owned_by", q, heading, pages, r, ref=f"/owned_by {q.owner}")


def latest(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """The most recently published inspections, of one kind or within a span when the question says so."""
    limit = 4 if compact else 10
    f = {"org_type": q.org_type, "region": q.region}
    if q.span is None and not q.org_type and not q.region:
        rows = ctx.kb.recent_inspections(limit)
    else:
        rows = [h for o in ctx.kb.organisations.values() if not q.org_type or o.org_type == q.org_type
                for h in ctx.kb.history(o.org_id)
                if h.published and (q.span is None or in_span(q.span, h))
                and (not q.region or h.region == q.region)]
        rows.sort(key=lambda h: (h.published or "", h.inspection_id), reverse=True)
        if q.span is None:
            rows = rows[:limit]
    what = PLURALS.get(q.org_type or "", "inspections")
    heading = ("Most recently published inspections" if not (q.org_type or q.span or q.region) else
               " ".join(f"Most recently published {'inspections of ' + what if q.org_type else 'inspections'} "
                        f"{_describe({'region': q.region, 'programme': None, 'year': None}, q.span)}".split()))
    undated = ctx.kb.undated_count()
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages("latest.j2", shown, 10, undated=undated, heading=heading, empty=not rows,
                    footnote=_left_out(left_out))
    ref = _ref("/latest", f, span=q.span)
    return ctx.answer(ANSWER, "latest", q, heading, pages, r, ref=ref)


__all__ = ["league", "rating_list", "count", "score_list", "latest", "changed", "standard_list", "collection",
           "owned_by", "owners", "PLURALS", "TYPE_LABELS"]
