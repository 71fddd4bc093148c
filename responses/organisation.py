"""Answers about named organisations: summary, history, comparison, and single facts.

Each builder takes the engine's context (``Ctx``) and the parsed ``Query`` and returns an ``Answer``;
the wording lives in the templates named after them (``summary.j2``, ``history.j2`` ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.models import Finding, Inspection, Organisation, StandardRating
from knowledge.ratings import RATING_POINTS
from responses import info
from responses.answer import ANSWER, CHOICES, MESSAGE_LIMIT, Answer, Choice
from responses.context import Ctx
from responses.names import short_name
from responses.render import fit
from responses.understand import Query


def unrated_reason(insp: Inspection) -> str:
    """Why an inspection has no overall rating, in words a reader can check."""
    if insp.overall_rating:
        return ""
    if (insp.programme or "").startswith("pre-2018"):
        return "inspections published before 2018 were not given ratings"
    if "Dynamic Inspection" in insp.organisation:
        return "dynamic inspections of public protection do not give an overall rating"
    if insp.notes and re.search(r"cut short|covid|lockdown", insp.notes, re.I) and insp.rating_status == "not rated":
        return "the inspection was cut short by the Covid-19 lockdown, so no rating was given"
    if insp.rating_status == "not found":
        return "it was rated, but the sources we hold do not give the rating"
    if (insp.programme or "").endswith("thematic"):
        return "thematic reports are not rated"
    return "the inspection gave no overall rating"


def caveats(ctx: Ctx, insp: Inspection, fields: tuple[str, ...] | None = None) -> list[str]:
    """Warnings a reader needs before trusting a value: an estimated year, and our researchers' doubts.

    The doubts come from ``knowledge/data/caveats.csv``, written in our own words from the research
    notes, each tied to the value it is about (rating, score, people, date, owner, standards).
    """
    out = []
    if insp.year_estimated and (fields is None or "date" in fields):
        out.append(
            f"our sources do not give this inspection's publication date; the year, {insp.year}, is our estimate."
        )
    out.extend(ctx.kb.caveats(insp.inspection_id, fields))
    return out


#: The groups of a youth justice inspection's standards, by the first digit of the standard's code.
YOUTH_GROUPS = {
    "1": "Organisational delivery (standards 1.1 to 1.4)",
    "2": "Court disposals (standards 2.1 to 2.4)",
    "3": "Out-of-court disposals (standards 3.1 to 3.4)",
    "4": "Resettlement (standard 4.1, from 2021)",
}
#: How a youth score reads, next to a PDU's: each kind is out of its own total and they are never ranked together.
YOUTH_SCORE_NOTE = (
    "A youth justice inspection rates 12 standards (13 with resettlement, from 2021), each Outstanding 3, "
    "Good 2, Requires improvement 1 or Inadequate 0, so its score is out of 36 (or 39). That is not "
    "the same scale as a PDU's score out of 27, and the two are never ranked together."
)

#: Standards under a group heading (None: one group without a heading), each with the name to show.
StandardGroups = list[tuple[str | None, list[tuple[str, StandardRating]]]]


def standard_groups(org: Organisation, standards: list[StandardRating]) -> StandardGroups:
    """Standards as ``(group heading, [(name to show, rating)])``, youth standards in their own groups.

    A youth standard's name carries its group ("Court disposals: Assessment"): under the group's
    heading only "Assessment" is shown. Other bodies' standards come as one group without a heading.
    """
    if org.org_type != "yjs":
        return [(None, [(s.standard_name, s) for s in standards])] if standards else []
    groups: dict[str | None, list[tuple[str, StandardRating]]] = {}
    for s in standards:
        head, _, rest = s.standard_name.partition(": ")
        code = (s.standard_code or "")[:1]
        title = (YOUTH_GROUPS.get(code) or head) if rest else "Other standards"
        groups.setdefault(title, []).append((rest or s.standard_name, s))
    return list(groups.items())


def offer_see_also(ctx: Ctx, q: Query, answer: Answer) -> Answer:
    """Offer the bodies of the other kind that the name also fits, as buttons under the answer.

    "Leeds" answers for Leeds PDU and offers Leeds Youth Justice Service; "Leeds YOT" the reverse
    (see ``knowledge.resolve.Resolver._pick``). The text is left as it is, so a page button (which
    re-asks by the organisation's key) brings back the same pages; nothing is offered where the
    answer already names them. A body no longer in the knowledge base is simply not offered.
    """
    shown = set(q.org_ids) | {c.id for c in answer.choices}
    others = [org for o in q.see_also if o not in shown and (org := ctx.kb.organisation(o)) is not None]
    if not others or answer.kind not in (ANSWER, CHOICES):
        return answer
    command = "history" if answer.intent == "history" else "inspection"
    answer.see_also = [
        Choice(
            label=f"{short_name(org.name)} ({org.type_label}, {ctx.kb.history(org.org_id)[-1].year_label()})",
            id=org.org_id,
            ref=f"/{command} #{org.short_key}",
        )
        for org in others[:3]
    ]
    return answer


def _not_held(ctx: Ctx, q: Query) -> Answer:
    """The answer when a named organisation is not in the knowledge base (a stale button, a rebuilt file):
    said plainly, as for any name we cannot match."""
    return info.no_match(ctx, q)


def _last_rated(history: list[Inspection]) -> Inspection | None:
    return next((h for h in reversed(history) if h.overall_rating), None)


def _latest_with(history: list[Inspection], attr: str) -> Inspection | None:
    return next((h for h in reversed(history) if getattr(h, attr) is not None), None)


def _points(insp: Inspection) -> int:
    """The points of a rated inspection's overall rating, for ranking and trends."""
    # The build sets rating_points from overall_rating, so a rated inspection always has them.
    assert insp.rating_points is not None, f"rated inspection {insp.inspection_id} has no points"
    return insp.rating_points


def _pick_findings(findings: list[Finding], n: int) -> list[Finding]:
    """Up to ``n`` findings, strengths and concerns alternating, so a summary is balanced."""
    strengths = [f for f in findings if f.stance == "strength"]
    concerns = [f for f in findings if f.stance == "concern"]
    others = [f for f in findings if f.stance == "neutral"]
    out: list[Finding] = []
    while len(out) < n and (strengths or concerns or others):
        for pool in (concerns, strengths):
            if pool and len(out) < n:
                out.append(pool.pop(0))
        if not strengths and not concerns and others and len(out) < n:
            out.append(others.pop(0))
    return out


def headline(org: Organisation, rated: Inspection | None) -> str:
    if rated:
        return f"{short_name(org.name)}: {rated.overall_rating} ({rated.year_label()})"
    return f"{short_name(org.name)}: not rated"


def summary(ctx: Ctx, q: Query, compact: bool) -> Answer:
    org = ctx.kb.organisation(q.org_ids[0])
    if org is None:
        return _not_held(ctx, q)
    history = ctx.kb.history(org.org_id)
    latest = history[-1]
    rated = _last_rated(history)
    focus = rated or latest
    earlier = [h for h in history if h.inspection_id not in {latest.inspection_id, focus.inspection_id}]
    standards = ctx.kb.standard_ratings(focus.inspection_id)
    findings = _pick_findings(
        ctx.kb.findings(inspection_id=latest.inspection_id) or ctx.kb.findings(inspection_id=focus.inspection_id), 4
    )
    noted = [focus, latest, *([] if compact else earlier)]
    notes = list(dict.fromkeys(c for h in dict.fromkeys(noted) for c in caveats(ctx, h)))
    # The fullest summary that fits one message: fewer findings first, then none.
    for n_findings in (len(findings), 2, 0):
        r = ctx.renderer()
        page = r.page(
            "summary.j2",
            org=org,
            latest=latest,
            rated=rated,
            earlier=earlier,
            owner=_latest_with(history, "owner"),
            people=_latest_with(history, "people_supervised"),
            standards=standards,
            standard_groups=standard_groups(org, standards),
            standards_of=focus,
            findings=findings[:n_findings],
            caveats=notes,
            youth_score_note=YOUTH_SCORE_NOTE,
            compact=compact,
            unrated_reason=unrated_reason,
        )
        if len(page.html) <= MESSAGE_LIMIT:
            break
    page = fit(page)
    more = compact and bool(standards or findings or notes)
    ref = f"/inspection #{org.short_key}"
    return ctx.answer(ANSWER, "summary", q, headline(org, rated), [page], r, ref=ref, more_ref=ref if more else None)


def _trend(rated: list[Inspection]) -> str:
    """What the overall ratings did between the first and the last rated inspection (two or more)."""
    first, last = rated[0], rated[-1]
    span = f"from {first.overall_rating} ({first.year_label()}) to {last.overall_rating} ({last.year_label()})."
    if _points(last) > _points(first):
        return f"Improved: {span}"
    if _points(last) < _points(first):
        return f"Declined: {span}"
    if all(h.overall_rating == last.overall_rating for h in rated):
        return f"No change in the overall rating: {last.overall_rating} at each of its {len(rated)} rated inspections."
    return f"Back where it started: {first.overall_rating} {first.in_year()} and again {last.in_year()}."


def _only_rating(only: Inspection) -> str:
    """The verdict on one rated inspection: a change from the rating its report gives as the one before, if any."""
    if not only.previous_rating:
        return (
            f"Only one rated inspection in our sources ({only.overall_rating}, {only.year_label()}), "
            f"so there is no trend to report yet."
        )
    before = RATING_POINTS[only.previous_rating]
    points = _points(only)
    change = "Improved" if points > before else "Declined" if points < before else "No change in the overall rating"
    return (
        f"{change}: from {only.previous_rating} at the inspection before (as the "
        f"{only.year_label()} report says) to {only.overall_rating} ({only.year_label()})."
    )


def history(ctx: Ctx, q: Query, compact: bool) -> Answer:
    org = ctx.kb.organisation(q.org_ids[0])
    if org is None:
        return _not_held(ctx, q)
    hist = ctx.kb.history(org.org_id)
    rated = [h for h in hist if h.overall_rating]
    if len(rated) >= 2:
        verdict = _trend(rated)
    elif len(rated) == 1:
        verdict = _only_rating(rated[0])
    else:
        verdict = "None of its inspections in our sources has an overall rating, so there is no trend to report."
    # An inspection before the first one we hold, known only from the next report's "previous rating".
    earlier_rating = rated[0] if rated and rated[0].previous_rating and rated[0] == hist[0] else None
    if earlier_rating is not None and len(rated) >= 2:
        verdict += (
            f" Before {earlier_rating.year_label()} it was rated {earlier_rating.previous_rating}, "
            f"as its {earlier_rating.year_label()} report says."
        )
    r = ctx.renderer()
    page = r.page("history.j2", org=org, history=hist, verdict=verdict, earlier_rating=earlier_rating)
    title = headline(org, rated[-1] if rated else None)
    return ctx.answer(ANSWER, "history", q, title, [page], r, ref=f"/history #{org.short_key}")


@dataclass(frozen=True)
class CompareRow:
    """One organisation's part of a comparison (``compare.j2``)."""

    org: Organisation
    history: list[Inspection]
    latest: Inspection
    rated: Inspection | None  # its latest rated inspection
    people: Inspection | None  # its latest inspection giving people supervised (not in a compact answer)
    caveats: list[str]


def _compare_verdict(rows: list[CompareRow]) -> str:
    """Which of them was rated better, or why they are not ranked: different kinds, or too few ratings."""
    rated = [(row, row.rated) for row in rows if row.rated is not None]
    youth = {row.org.org_type == "yjs" for row in rows}
    if len(youth) == 2:
        kinds = "; ".join(f"{short_name(row.org.name)} is a {row.org.type_label}" for row in rows)
        verdict = (
            f"These are different kinds of service ({kinds}): a youth justice service works with children, "
            f"probation with adults, and each is inspected against its own standards. Their ratings are "
            f"shown side by side, not ranked against each other."
        )
    elif len(rated) < 2:
        verdict = "Only one of them has an overall rating in our sources, so they cannot be ranked."
    else:
        best = max(_points(insp) for _, insp in rated)
        top = [(row, insp) for row, insp in rated if _points(insp) == best]
        if len(top) == len(rated):
            verdict = f"All were rated {rated[0][1].overall_rating} at their latest rated inspection."
            if len(rated) == 2:
                verdict = f"Both were rated {rated[0][1].overall_rating} at their latest rated inspection."
        else:
            verdict = (
                f"{' and '.join(short_name(row.org.name) for row, _ in top)} had the better rating "
                f"({top[0][1].overall_rating})."
            )
    if len(youth) == 1 and len(rated) >= 2:
        years = sorted({insp.year for _, insp in rated if insp.year})
        if years and years[-1] - years[0] >= 2:
            verdict += (
                f" They were inspected years apart ({years[0]} and {years[-1]}), "
                f"under different programmes, so read the comparison with care."
            )
    return verdict


def compare(ctx: Ctx, q: Query, compact: bool) -> Answer:
    rows = []
    for org_id in q.org_ids[:4]:
        org = ctx.kb.organisation(org_id)
        if org is None:
            return _not_held(ctx, q)
        hist = ctx.kb.history(org_id)
        rated_insp = _last_rated(hist)
        rows.append(
            CompareRow(
                org=org,
                history=hist,
                latest=hist[-1],
                rated=rated_insp,
                people=_latest_with(hist, "people_supervised") if not compact else None,
                caveats=caveats(ctx, rated_insp, ("rating",)) if rated_insp else [],
            )
        )
    r = ctx.renderer()
    page = r.page("compare.j2", rows=rows, verdict=_compare_verdict(rows))
    keys = " vs ".join(f"#{row.org.short_key}" for row in rows)
    title = " vs ".join(short_name(row.org.name) for row in rows)
    return ctx.answer(ANSWER, "compare", q, title, [page], r, ref=f"/compare {keys}")


@dataclass(frozen=True)
class FactRow:
    """One line of a single-fact answer (``fact.j2``): the value, from which inspection, and its source."""

    insp: Inspection | None  # None: a standard's rating, whose inspection the header names
    value: str
    extra: str
    url: str
    heading: str | None = None  # a group heading shown above this line (youth standards)


@dataclass
class Fact:
    """What ``fact.j2`` shows for one kind of fact: the rows, or what to say when there are none."""

    label: str
    missing: str
    rows: list[FactRow]
    footnote: str | None = None
    header: str | None = None


def _owner_fact(org: Organisation, hist: list[Inspection]) -> Fact:
    rows = [FactRow(h, h.owner, "", h.source_url) for h in hist if h.owner]
    if org.org_type == "crc":
        missing = "Our sources do not name the company that owned it."
    elif org.org_type == "yjs":
        missing = (
            "A youth justice service is run by its local council or councils with their partners "
            "(police, probation, health), not owned by a company; our sources name no owner."
        )
    else:
        missing = (
            "It is part of the public probation service, not a privately owned company: "
            "only the CRCs (2014 to 2021) had private owners."
        )
    fact = Fact("owner", missing, rows)
    if rows and len({row.value for row in rows}) > 1:
        fact.footnote = "Sources name the owner differently over time; each line shows what the cited page says."
    return fact


def _people_fact(hist: list[Inspection]) -> Fact:
    rows = [
        FactRow(h, people, f"({h.supervised_asof})" if h.supervised_asof else "", h.source_url)
        for h in hist
        if (people := h.people_text()) is not None
    ]
    fact = Fact("people supervised", "Our sources do not give how many people it supervised.", rows)
    if any((h.supervised_qualifier or "exact") != "exact" for h in hist if h.people_supervised):
        fact.footnote = "Where a source gave only a rough number, the qualifier it used is kept."
    return fact


def _score_fact(org: Organisation, hist: list[Inspection]) -> Fact:
    rows = [
        FactRow(h, f"{h.score} points", f"(rated {h.overall_rating})" if h.overall_rating else "", h.source_url)
        for h in hist
        if h.score
    ]
    fact = Fact("score", "Our sources do not give its score in points, only the rating.", rows)
    if rows:
        fact.footnote = (
            YOUTH_SCORE_NOTE
            if org.org_type == "yjs"
            else "Each standard scores Outstanding 3, Good 2, Requires improvement 1, Inadequate 0; "
            "the total sets the overall rating."
        )
    return fact


def _date_fact(hist: list[Inspection]) -> Fact:
    rows = [
        FactRow(h, h.rating_text(), f"(fieldwork: {h.fieldwork})" if h.fieldwork else "", h.source_url) for h in hist
    ]
    return Fact("when its inspections were published", "No inspections in our sources.", rows)


def _standards_fact(ctx: Ctx, org: Organisation, hist: list[Inspection]) -> Fact:
    """The standards of the latest inspection that has any in our sources."""
    fact = Fact("ratings of the standards", "Our sources do not report its ratings standard by standard.", [])
    for h in reversed(hist):
        stds = ctx.kb.standard_ratings(h.inspection_id)
        if stds:
            fact.rows = [
                FactRow(None, f"{name}: {s.rating}", "", s.source_url, heading=group if k == 0 else None)
                for group, items in standard_groups(org, stds)
                for k, (name, s) in enumerate(items)
            ]
            programme = f" ({h.programme})" if h.programme else ""
            fact.header = f"From its inspection {h.in_year()}{programme}, {h.published_phrase()}:"
            break
    if fact.rows:
        fact.footnote = (
            "Only the standards our sources report are listed; a youth justice inspection rates 12 "
            "(13 with resettlement, from 2021), in the groups shown."
            if org.org_type == "yjs"
            else "Only the standards our sources report are listed; the full report rates about ten."
        )
    return fact


def fact(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """Owner, people supervised, score, publication date or standard ratings of one organisation."""
    org = ctx.kb.organisation(q.org_ids[0])
    if org is None:
        return _not_held(ctx, q)
    hist = ctx.kb.history(org.org_id)
    kind = q.intent
    if kind == "owner":
        found = _owner_fact(org, hist)
    elif kind == "people":
        found = _people_fact(hist)
    elif kind == "score":
        found = _score_fact(org, hist)
    elif kind == "date":
        found = _date_fact(hist)
    else:
        kind = "standards"
        found = _standards_fact(ctx, org, hist)
    shown = {row.insp.inspection_id for row in found.rows if row.insp} or {h.inspection_id for h in hist}
    notes = list(dict.fromkeys(c for h in hist if h.inspection_id in shown for c in caveats(ctx, h, (kind,))))
    r = ctx.renderer()
    page = r.page(
        "fact.j2",
        org=org,
        label=found.label,
        rows=found.rows,
        missing=found.missing,
        footnote=found.footnote,
        header=found.header,
        caveats=notes,
    )
    return ctx.answer(
        ANSWER, kind, q, f"{short_name(org.name)}: {found.label}", [page], r, ref=f"/{kind} #{org.short_key}"
    )
