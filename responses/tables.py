"""Answers about sets of organisations: league tables, lists by rating, counts, scores, latest."""

from __future__ import annotations

import re

from knowledge.loader import TYPE_LABELS
from knowledge.models import Inspection
from knowledge.resolve import normalise
from responses.answer import ANSWER, Answer
from responses.context import Ctx, short_name
from responses.understand import Query

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
    if org_type is None and not (q.programme or q.year) or org_type is None and q.region:
        org_type = default_type
    return {"org_type": org_type, "region": q.region, "programme": q.programme, "year": q.year}


def _describe(f: dict) -> str:
    bits: list[str] = []
    if f["region"]:
        bits.append(f"in {f['region']}")
    if f["programme"]:
        bits.append(f"({f['programme']})")
    if f["year"]:
        bits.append(f"published in {f['year']}")
    return " ".join(bits)


def _ref(command: str, f: dict, *extra: str) -> str:
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
    return " ".join(p for p in parts if p)


def league(ctx: Ctx, q: Query, compact: bool) -> Answer:
    f = _filters(q, "pdu")
    rows = ctx.kb.league(**f)
    ranked, rank, prev = [], 0, None
    for pos, insp in enumerate(rows, 1):
        if insp.rating_points != prev:
            rank, prev = pos, insp.rating_points
        ranked.append({"rank": rank, "insp": insp, "name": short_name(insp.organisation)})
    what = PLURALS.get(f["org_type"], "organisations") if f["org_type"] else "all organisations"
    heading = f"League of {what} {_describe(f)}".strip() + f": {len(rows)} by latest rating"
    if f == {"org_type": "pdu", "region": None, "programme": None, "year": None}:
        heading = f"Today's Probation Service: each PDU's latest rating ({len(rows)} PDUs)"
    footnote = ("Ordered by overall rating (Outstanding, Good, Requires improvement, Inadequate), then by score "
                "where published, then most recent first; equal ratings share a rank. A year with ? is our estimate. "
                "Other tables: /league crc, /league nps, /league pdu, /league region, /league 2019.")
    if not rows:
        heading = f"No rated inspections of {what} {_describe(f)} in our sources".strip()
    if re.search(r"\b(worst|bottom|lowest|weakest)\b", q.norm) and not re.search(r"\bbest\b", q.norm):
        # "the worst rated PDU": the bottom of the table first (lowest rating, then lowest known score), ranks kept.
        ranked.sort(key=lambda row: (row["insp"].rating_points,
                                     row["insp"].score_points / row["insp"].score_max
                                     if row["insp"].score_points is not None else 2.0))
        heading += ", worst first"
    r = ctx.renderer()
    shown, _ = cap(ranked, both_ends=True)
    pages = r.pages("league.j2", shown, 10 if compact else 20, heading=heading, footnote=footnote,
                    show_full_names=False)
    return ctx.answer(ANSWER, "league", q, heading, pages, r, ref=_ref("/league", f))


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
    f = _filters(q, None)
    rows = ctx.kb.latest_inspections(rating=q.rating, order="date", rated_only=True, **f)
    what = PLURALS.get(f["org_type"], "Organisations") if f["org_type"] else "Organisations"
    heading = " ".join(f"{what} {_describe(f)} whose latest rating is {q.rating}: {len(rows)}".split())
    heading = heading[:1].upper() + heading[1:]
    earlier = _earlier_with_rating(ctx, f, q.rating, {i.org_id for i in rows})
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages("rating_list.j2", shown, 12 if compact else 20, heading=heading, footnote=_left_out(left_out),
                    earlier=earlier[:12], rating=q.rating)
    return ctx.answer(ANSWER, "list", q, heading, pages, r, ref=_ref("/list", f, q.rating.lower()))


def count(ctx: Ctx, q: Query, compact: bool) -> Answer:
    f = _filters(q, None)
    latest = ctx.kb.latest_inspections(rated_only=False, **f)
    rated = ctx.kb.latest_inspections(rated_only=True, **f)
    what = PLURALS.get(f["org_type"], "organisations") if f["org_type"] else "organisations"
    scope = _describe(f)
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
    figures = _matching_figures(ctx, f, q.rating)
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
        rows = ctx.kb.inspections_with_score(points, out_of)
        heading = f"Inspections with a published score of {points}" + (f" out of {out_of}" if out_of else "") + f": {len(rows)}"
        ref = f"/score_list {points} of {out_of}" if out_of else None
    else:
        rows = ctx.kb.scored_inspections()
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
    """Organisations whose overall rating went up (or down) between their first and latest rated inspections."""
    down = bool(re.search(r"declin|worse|down|deteriorat", q.norm))
    f = _filters(q, None)
    rows = []
    for org in ctx.kb.organisations.values():
        if f["org_type"] and org.org_type != f["org_type"] or f["region"] and org.region != f["region"]:
            continue
        rated = [h for h in ctx.kb.history(org.org_id) if h.overall_rating]
        if len(rated) >= 2 and (rated[-1].rating_points < rated[0].rating_points if down
                                else rated[-1].rating_points > rated[0].rating_points):
            rows.append({"first": rated[0], "last": rated[-1]})
    what = PLURALS.get(f["org_type"], "organisations") if f["org_type"] else "organisations"
    verb = "fell" if down else "rose"
    heading = " ".join(f"{what} {_describe(f)} whose overall rating {verb} between inspections: {len(rows)}".split())
    heading = heading[:1].upper() + heading[1:]
    r = ctx.renderer()
    shown, left_out = cap(rows)
    pages = r.pages("changed.j2", shown, 15, heading=heading, footnote=_left_out(left_out))
    return ctx.answer(ANSWER, "changed", q, heading, pages, r,
                      ref=_ref("/changed", f, "declined" if down else "improved"))


def owned_by(ctx: Ctx, q: Query, compact: bool) -> Answer:
    company = ctx.vocabulary.companies.get(normalise(q.owner or ""))
    owners = company.owners if company else ((q.owner or "", "owner"),)
    rows, notes = [], []
    for owner, relation in owners:
        found = [i for i in ctx.kb.owned_by(owner) if i.org_id not in {r.org_id for r in rows}]
        rows += found
        if relation == "led" and found:
            notes.append(f"{q.owner} led {owner.split(' (')[0]}, which owned these.")
        elif relation == "took over" and found:
            notes.append(f"Included: the CRCs {owner} owned before {q.owner} took them over.")
    heading = f"Organisations our sources say {q.owner} owned or led: {len(rows)}"
    footnote = " ".join(notes + ["Ownership is as each cited page states it at the time of that inspection."])
    r = ctx.renderer()
    pages = r.pages("owned_by.j2", rows, 20, heading=heading, footnote=footnote)
    return ctx.answer(ANSWER, "owned_by", q, heading, pages, r, ref=f"/owned_by {q.owner}")


def latest(ctx: Ctx, q: Query, compact: bool) -> Answer:
    rows = ctx.kb.recent_inspections(4 if compact else 10)
    undated = ctx.kb.undated_count()
    r = ctx.renderer()
    pages = r.pages("latest.j2", rows, 10, undated=undated)
    return ctx.answer(ANSWER, "latest", q, "Most recently published inspections", pages, r, ref="/latest")


__all__ = ["league", "rating_list", "count", "score_list", "latest", "PLURALS", "TYPE_LABELS"]
