"""Answers about sets of organisations: league tables, lists by rating, counts, scores, latest."""

from __future__ import annotations

import re

from knowledge import KnowledgeBase
from knowledge.loader import TYPE_LABELS
from knowledge.models import Inspection
from knowledge.ratings import RATING_POINTS
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


PLURALS = {"crc": "CRCs", "nps": "NPS divisions", "pdu": "PDUs", "region": "regions", "national": "national inspections",
           "yjs": "youth justice services"}
_PROGRAMME_WORDS = {
    "2018-19 first round": "first round", "2019-20 second round": "second round", "2021-23 PDU": "2021-23",
    "2023-25 PDU": "2023-25", "pre-2018 (Quality & Impact / TR)": "pre 2018",
    "youth 2018-24": "first youth programme", "youth 2025-": "new youth programme",
}
#: What a youth league adds to the ordering note: its scores are on their own scale.
_YOUTH_LEAGUE_NOTE = (" Youth justice services are rated against their own 12 standards (13 with resettlement), "
                      "so their scores are out of 36 (or 39); they are ranked only among themselves, never against "
                      "a PDU's score out of 27.")


def _filters(q: Query, default_type: str | None) -> dict:
    org_type = q.org_type
    if org_type is None and (q.programme or "").startswith("youth"):
        org_type = "yjs"  # only youth justice services are inspected under the youth programmes
    if org_type is None and not (q.programme or q.year) or org_type is None and q.region:
        org_type = default_type
    return {"org_type": org_type, "region": q.region, "programme": q.programme, "year": q.year}


def _probation_only(rows: list[Inspection], f: dict) -> list[Inspection]:
    """A ranking that does not name a kind ranks probation bodies only: youth services have their own
    scale and their own table (``/league youth``), and are never ranked against a PDU."""
    youth_programme = (f.get("programme") or "").startswith("youth")
    return rows if f["org_type"] or youth_programme else [i for i in rows if i.org_type != "yjs"]


def league_rows(kb: KnowledgeBase, f: dict) -> list[Inspection]:
    """The inspections a league with filters ``f`` ranks, best first: the table and its chart share them."""
    return _probation_only(kb.league(**f), f)


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


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_rows(rows: list[Inspection], worst_first: bool) -> list[dict]:
    """League rows in the order shown, each with its place: equal ratings share a place, read as a tie.

    Places count from the top of the list as shown, so in a worst-first list 1st is the worst and
    the heading says "from the bottom"; a rating's rows are grouped under one heading.
    """
    if worst_first:
        # The bottom of the table first: lowest rating, then lowest known score.
        rows = sorted(rows, key=lambda i: (i.rating_points if i.rating_points is not None else -1,
                                           i.score_points / i.score_max if i.score_points is not None and i.score_max
                                           else 2.0))
    sizes: dict[str | None, int] = {}
    for insp in rows:
        sizes[insp.overall_rating] = sizes.get(insp.overall_rating, 0) + 1
    ranked, place, prev = [], 0, object()
    for pos, insp in enumerate(rows, 1):
        if insp.overall_rating != prev:
            place, prev = pos, insp.overall_rating
        size = sizes[insp.overall_rating]
        words = ("joint " if size > 1 else "") + _ordinal(place) + (" from the bottom" if worst_first else "")
        ranked.append({"place": place, "place_words": words, "tied": size > 1, "group_size": size,
                       "rating": insp.overall_rating or "No overall rating", "insp": insp,
                       "name": short_name(insp.organisation)})
    return ranked


_LEAGUE_RULE = ("Ordered by overall rating, {direction}; within a rating, by score where published, then most recent "
                "first. Organisations with the same rating share a place.")


def league(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """A league table: in full, grouped under rating headings; compact (groups), a summary with the full table behind "More"."""
    f = _filters(q, "pdu")
    rows = league_rows(ctx.kb, f)
    worst_first = bool(re.search(r"\b(worst|bottom|lowest|weakest)\b", q.norm) and not re.search(r"\bbest\b", q.norm))
    ranked = rank_rows(rows, worst_first)
    what = PLURALS.get(f["org_type"], "organisations") if f["org_type"] else "all organisations"
    heading = f"League of {what} {_describe(f)}".strip() + f": {len(rows)} by latest rating"
    if f == {"org_type": "pdu", "region": None, "programme": None, "year": None}:
        heading = f"Today's Probation Service: each PDU's latest rating ({len(rows)} PDUs)"
    if not rows:
        heading = f"No rated inspections of {what} {_describe(f)} in our sources".strip()
    if worst_first:
        heading += ", worst first"
    rule = _LEAGUE_RULE.format(direction="worst first" if worst_first else "best first")
    others = "Other tables: /league crc, /league nps, /league pdu, /league region, /league youth, /league 2019."
    if f["org_type"] == "yjs":
        rule += _YOUTH_LEAGUE_NOTE
    named = [o for o in q.org_ids if any(row["insp"].org_id == o for row in ranked)]
    keys = "".join(f" #{ctx.kb.organisation(o).short_key}" for o in named[:2])
    ref = _ref("/league", f) + (" worst" if worst_first else "") + keys
    r = ctx.renderer()
    if compact:
        page = r.page("league_summary.j2", **league_summary(ranked, named), heading=heading, rule=rule)
        return ctx.answer(ANSWER, "league", q, heading, [page], r, ref=ref, more_ref=ref)
    shown, _ = cap(ranked, both_ends=True)
    pages = r.pages("league.j2", shown, 20, heading=heading, rule=rule, others=others, show_full_names=False)
    return ctx.answer(ANSWER, "league", q, heading, pages, r, ref=ref)


#: How many rows a league summary shows from each end of the table.
SUMMARY_ENDS = 3


def league_summary(ranked: list[dict], named: list[str]) -> dict:
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
            f"; by latest rating: {parts}. Each is listed below with its source." if parts else ".")
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
    if f["org_type"] == "yjs" and not rating:  # "how many youth services were inspected": the annual reports' counts
        return [fig for fig in ctx.kb.all_figures if "youth" in fig.subject.lower() and fig.unit == "count"
                and fig.metric.lower().endswith("services inspected")
                and (not f["year"] or str(f["year"]) in fig.subject or str(f["year"]) in (fig.as_of or ""))][:3]
    if not rating or not f["org_type"] in ("crc", "nps", "yjs"):
        return []
    label = {"crc": "crc", "nps": "nps division", "yjs": "youth"}[f["org_type"]]
    out = []
    for fig in ctx.kb.all_figures:
        text = (fig.subject + " " + fig.metric).lower()
        if f["org_type"] == "yjs":  # the youth annual reports' own counts of services by rating
            if label in text and f"rated {rating.lower()}" in fig.metric.lower() and fig.unit == "count" \
                    and "of those" not in fig.metric.lower() and " on " not in fig.metric.lower() and (not f["year"] or str(f["year"]) in fig.subject):
                out.append(fig)
            continue
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
        if q.org_type:
            rows = [i for i in rows if i.org_type == q.org_type]
        heading = f"Inspections with a published score of {points}" + (f" out of {out_of}" if out_of else "") + f": {len(rows)}"
        ref = f"/score_list {points} of {out_of}" if out_of else None
    else:
        # Each scale on its own (out of 27, then 36, then 39): a youth score is not ranked against a PDU's.
        rows = sorted((i for i in ctx.kb.scored_inspections() if not q.org_type or i.org_type == q.org_type),
                      key=lambda i: (i.score_max or 0, i.score_points or 0))
        heading = f"Inspections whose score in points is published, lowest first on each scale: {len(rows)}"
        ref = "/score_list"
    footnote = ("A PDU inspection rates nine standards; each scores Outstanding 3, Good 2, Requires improvement 1, "
                "Inadequate 0, so the total is out of 27. Our sources give the score for only a few inspections.")
    if any(i.org_type == "yjs" for i in rows):
        footnote += _YOUTH_LEAGUE_NOTE
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
        hist = ctx.kb.history(org.org_id)
        rated = [h for h in hist if h.overall_rating]
        # The first rating we know: that of an inspection before the first we hold, where the next
        # report gives it as the "previous rating", else the first rated inspection's.
        before = rated[0].previous_rating if rated and rated[0] == hist[0] else None
        if not rated or len(rated) < 2 and not before:
            continue
        first_points = RATING_POINTS[before] if before else rated[0].rating_points
        if rated[-1].rating_points < first_points if down else rated[-1].rating_points > first_points:
            rows.append({"first": rated[0], "last": rated[-1], "before": before})
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
    rows = ctx.kb.owned_by(q.owner)
    heading = f"Organisations our sources say {q.owner} owned or led: {len(rows)}"
    footnote = "Ownership is as each cited page states it at the time of that inspection."
    r = ctx.renderer()
    pages = r.pages("owned_by.j2", rows, 20, heading=heading, footnote=footnote)
    return ctx.answer(ANSWER, "owned_by", q, heading, pages, r, ref=f"/owned_by {q.owner}")


def latest(ctx: Ctx, q: Query, compact: bool) -> Answer:
    rows = ctx.kb.recent_inspections(4 if compact else 10, org_type=q.org_type)
    undated = ctx.kb.undated_count()
    r = ctx.renderer()
    heading = "Most recently published inspections"
    if q.org_type:  # "the latest youth justice inspections": of that kind only
        heading = f"Most recently published inspections of {PLURALS.get(q.org_type, q.org_type)}"
    pages = r.pages("latest.j2", rows, 10, undated=undated, heading=heading)
    return ctx.answer(ANSWER, "latest", q, heading, pages, r, ref=f"/latest {q.org_type}" if q.org_type else "/latest")


__all__ = ["league", "rating_list", "count", "score_list", "latest", "PLURALS", "TYPE_LABELS"]
