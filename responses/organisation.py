"""Answers about named organisations: summary, history, comparison, and single facts.

Each builder takes the engine's context (``Ctx``) and the parsed ``Query`` and returns an ``Answer``;
the wording lives in the templates named after them (``summary.j2``, ``history.j2`` ...).
"""

from __future__ import annotations

import re

from knowledge.models import Finding, Inspection, Organisation, StandardRating
from responses.answer import ANSWER, CHOICES, MESSAGE_LIMIT, Answer, Choice
from responses.render import fit
from responses.context import Ctx, short_name
from responses.understand import Query
from knowledge.ratings import RATING_POINTS



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
        out.append(f"our sources do not give this inspection's publication date; the year, {insp.year}, is our estimate.")
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
YOUTH_SCORE_NOTE = ("A youth justice inspection rates 12 standards (13 with resettlement, from 2021), each Outstanding 3, "
                    "Good 2, Requires improvement 1 or Inadequate 0, so its score is out of 36 (or 39). That is not "
                    "the same scale as a PDU's score out of 27, and the two are never ranked together.")


def standard_groups(org: Organisation, standards: list[StandardRating]) -> list[tuple[str | None, list[tuple[str, StandardRating]]]]:
    """Standards as ``(group heading, [(name to show, rating)])``, youth standards in their own groups.

    A youth standard's name carries its group ("Court disposals: Assessment"): under the group's
    heading only "Assessment" is shown. Other bodies' standards come as one group without a heading.
    """
    if org.org_type != "yjs":
        return [(None, [(s.standard_name, s) for s in standards])] if standards else []
    groups: dict[str, list[tuple[str, StandardRating]]] = {}
    for s in standards:
        head, _, rest = s.standard_name.partition(": ")
        code = (s.standard_code or "")[:1]
        title = YOUTH_GROUPS.get(code) or head if rest else "Other standards"
        groups.setdefault(title, []).append((rest or s.standard_name, s))
    return list(groups.items())


def offer_see_also(ctx: Ctx, q: Query, answer: Answer) -> Answer:
    """Offer the bodies of the other kind that the name also fits, as buttons under the answer.

    "Leeds" answers for Leeds PDU and offers Leeds Youth Justice Service; "Leeds YOT" the reverse
    (see ``knowledge.resolve.Resolver._pick``). The text is left as it is, so a page button (which
    re-asks by the organisation's key) brings back the same pages; nothing is offered where the
    answer already names them.
    """
    shown = set(q.org_ids) | {c.id for c in answer.choices}
    others = [o for o in q.see_also if o not in shown and ctx.kb.organisation(o)]
    if not others or answer.kind not in (ANSWER, CHOICES):
        return answer
    command = "history" if answer.intent == "history" else "inspection"
    answer.see_also = [Choice(label=f"{short_name(org.name)} ({org.type_label}, {ctx.kb.history(org.org_id)[-1].year_label()})",
                              id=org.org_id, ref=f"/{command} #{org.short_key}")
                       for org in (ctx.kb.organisation(o) for o in others[:3])]
    return answer


def _last_rated(history: list[Inspection]) -> Inspection | None:
    return next((h for h in reversed(history) if h.overall_rating), None)


def _latest_with(history: list[Inspection], attr: str) -> Inspection | None:
    return next((h for h in reversed(history) if getattr(h, attr) is not None), None)


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
    history = ctx.kb.history(org.org_id)
    latest = history[-1]
    rated = _last_rated(history)
    focus = rated or latest
    earlier = [h for h in history if h.inspection_id not in {latest.inspection_id, focus.inspection_id}]
    standards = ctx.kb.standard_ratings(focus.inspection_id)
    findings = _pick_findings(ctx.kb.findings(inspection_id=latest.inspection_id)
                              or ctx.kb.findings(inspection_id=focus.inspection_id), 4)
    notes = list(dict.fromkeys(c for h in dict.fromkeys([focus, latest] + ([] if compact else earlier))
                               for c in caveats(ctx, h)))
    # The fullest summary that fits one message: fewer findings first, then none.
    for n_findings in (len(findings), 2, 0):
        r = ctx.renderer()
        page = r.page("summary.j2", org=org, latest=latest, rated=rated, earlier=earlier,
                      owner=_latest_with(history, "owner"), people=_latest_with(history, "people_supervised"),
                      standards=standards, standard_groups=standard_groups(org, standards), standards_of=focus,
                      findings=findings[:n_findings], caveats=notes, youth_score_note=YOUTH_SCORE_NOTE,
                      compact=compact, unrated_reason=unrated_reason)
        if len(page.html) <= MESSAGE_LIMIT:
            break
    page = fit(page)
    more = compact and bool(standards or findings or notes)
    ref = f"/inspection #{org.short_key}"
    return ctx.answer(ANSWER, "summary", q, headline(org, rated), [page], r, ref=ref, more_ref=ref if more else None)


def history(ctx: Ctx, q: Query, compact: bool) -> Answer:
    org = ctx.kb.organisation(q.org_ids[0])
    hist = ctx.kb.history(org.org_id)
    rated = [h for h in hist if h.overall_rating]
    if len(rated) >= 2:
        first, last = rated[0], rated[-1]
        if last.rating_points > first.rating_points:
            verdict = (f"Improved: from {first.overall_rating} ({first.year_label()}) "
                       f"to {last.overall_rating} ({last.year_label()}).")
        elif last.rating_points < first.rating_points:
            verdict = (f"Declined: from {first.overall_rating} ({first.year_label()}) "
                       f"to {last.overall_rating} ({last.year_label()}).")
        else:
            verdict = f"No change in the overall rating: {last.overall_rating} at each of its {len(rated)} rated inspections." \
                if all(h.overall_rating == last.overall_rating for h in rated) else \
                f"Back where it started: {first.overall_rating} {first.in_year()} and again {last.in_year()}."
    elif len(rated) == 1:
        only = rated[0]
        verdict = (f"Only one rated inspection in our sources ({only.overall_rating}, {only.year_label()}), "
                   f"so there is no trend to report yet.")
        if only.previous_rating:
            before = RATING_POINTS[only.previous_rating]
            change = ("Improved" if only.rating_points > before else "Declined" if only.rating_points < before
                      else "No change in the overall rating")
            verdict = (f"{change}: from {only.previous_rating} at the inspection before (as the "
                       f"{only.year_label()} report says) to {only.overall_rating} ({only.year_label()}).")
    else:
        verdict = "None of its inspections in our sources has an overall rating, so there is no trend to report."
    # An inspection before the first one we hold, known only from the next report's "previous rating".
    earlier_rating = rated[0] if rated and rated[0].previous_rating and rated[0] == hist[0] else None
    if earlier_rating is not None and len(rated) >= 2:
        verdict += (f" Before {earlier_rating.year_label()} it was rated {earlier_rating.previous_rating}, "
                    f"as its {earlier_rating.year_label()} report says.")
    r = ctx.renderer()
    page = r.page("history.j2", org=org, history=hist, verdict=verdict, earlier_rating=earlier_rating)
    return ctx.answer(ANSWER, "history", q, headline(org, rated[-1] if rated else None), [page], r,
                      ref=f"/history #{org.short_key}")


def compare(ctx: Ctx, q: Query, compact: bool) -> Answer:
    rows = []
    for org_id in q.org_ids[:4]:
        org = ctx.kb.organisation(org_id)
        hist = ctx.kb.history(org_id)
        rated_insp = _last_rated(hist)
        rows.append({"org": org, "history": hist, "latest": hist[-1], "rated": rated_insp,
                     "people": _latest_with(hist, "people_supervised") if not compact else None,
                     "caveats": caveats(ctx, rated_insp, ("rating",)) if rated_insp else []})
    rated = [row for row in rows if row["rated"]]
    youth = {row["org"].org_type == "yjs" for row in rows}
    if len(youth) == 2:
        kinds = "; ".join(f"{short_name(row['org'].name)} is a {row['org'].type_label}" for row in rows)
        verdict = (f"These are different kinds of service ({kinds}): a youth justice service works with children, "
                   f"probation with adults, and each is inspected against its own standards. Their ratings are "
                   f"shown side by side, not ranked against each other.")
    elif len(rated) < 2:
        verdict = "Only one of them has an overall rating in our sources, so they cannot be ranked."
    else:
        best = max(row["rated"].rating_points for row in rated)
        top = [row for row in rated if row["rated"].rating_points == best]
        if len(top) == len(rated):
            verdict = f"All were rated {rated[0]['rated'].overall_rating} at their latest rated inspection."
            if len(rated) == 2:
                verdict = f"Both were rated {rated[0]['rated'].overall_rating} at their latest rated inspection."
        else:
            verdict = (f"{' and '.join(short_name(row['org'].name) for row in top)} had the better rating "
                       f"({top[0]['rated'].overall_rating}).")
    if len(youth) == 1 and len(rated) >= 2:
        years = sorted({row["rated"].year for row in rated if row["rated"].year})
        if years and years[-1] - years[0] >= 2:
            verdict += (f" They were inspected years apart ({years[0]} and {years[-1]}), "
                        f"under different programmes, so read the comparison with care.")
    r = ctx.renderer()
    page = r.page("compare.j2", rows=rows, verdict=verdict)
    keys = " vs ".join(f"#{row['org'].short_key}" for row in rows)
    title = " vs ".join(short_name(row["org"].name) for row in rows)
    return ctx.answer(ANSWER, "compare", q, title, [page], r, ref=f"/compare {keys}")


def fact(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """Owner, people supervised, score, publication date or standard ratings of one organisation."""
    org = ctx.kb.organisation(q.org_ids[0])
    hist = ctx.kb.history(org.org_id)
    rows, footnote, header = [], None, None
    kind = q.intent
    if kind == "owner":
        label = "owner"
        rows = [{"insp": h, "value": h.owner, "extra": "", "url": h.source_url} for h in hist if h.owner]
        if org.org_type == "crc":
            missing = "Our sources do not name the company that owned it."
        elif org.org_type == "yjs":
            missing = ("A youth justice service is run by its local council or councils with their partners "
                       "(police, probation, health), not owned by a company; our sources name no owner.")
        else:
            missing = (f"It is part of the public probation service, not a privately owned company: "
                       f"only the CRCs (2014 to 2021) had private owners.")
        if rows and len({row["value"] for row in rows}) > 1:
            footnote = "Sources name the owner differently over time; each line shows what the cited page says."
    elif kind == "people":
        label = "people supervised"
        rows = [{"insp": h, "value": h.people_text(), "extra": f"({h.supervised_asof})" if h.supervised_asof else "",
                 "url": h.source_url} for h in hist if h.people_supervised is not None]
        missing = "Our sources do not give how many people it supervised."
        if any((h.supervised_qualifier or "exact") != "exact" for h in hist if h.people_supervised):
            footnote = "Where a source gave only a rough number, the qualifier it used is kept."
    elif kind == "score":
        label = "score"
        rows = [{"insp": h, "value": f"{h.score} points", "extra": f"(rated {h.overall_rating})" if h.overall_rating else "",
                 "url": h.source_url} for h in hist if h.score]
        missing = "Our sources do not give its score in points, only the rating."
        if rows:
            footnote = "Each standard scores Outstanding 3, Good 2, Requires improvement 1, Inadequate 0; the total sets the overall rating."
            if org.org_type == "yjs":
                footnote = YOUTH_SCORE_NOTE
    elif kind == "date":
        label = "when its inspections were published"
        rows = [{"insp": h, "value": h.rating_text(),
                 "extra": f"(fieldwork: {h.fieldwork})" if h.fieldwork else "", "url": h.source_url} for h in hist]
        missing = "No inspections in our sources."
    else:  # standards
        label = "ratings of the standards"
        for h in reversed(hist):
            stds = ctx.kb.standard_ratings(h.inspection_id)
            if stds:
                rows = [{"insp": None, "value": f"{name}: {s.rating}", "extra": "", "url": s.source_url,
                         "heading": group if k == 0 else None}
                        for group, items in standard_groups(org, stds) for k, (name, s) in enumerate(items)]
                header = f"From its inspection {h.in_year()}" + (f" ({h.programme})" if h.programme else "") + \
                    f", {h.published_phrase()}:"
                break
        missing = "Our sources do not report its ratings standard by standard."
        if rows:
            footnote = "Only the standards our sources report are listed; the full report rates about ten."
            if org.org_type == "yjs":
                footnote = ("Only the standards our sources report are listed; a youth justice inspection rates 12 "
                            "(13 with resettlement, from 2021), in the groups shown.")
    field = {"owner": "owner", "people": "people", "score": "score", "date": "date", "standards": "standards"}[kind]
    shown = {row["insp"].inspection_id for row in rows if row["insp"]} or {h.inspection_id for h in hist}
    notes = list(dict.fromkeys(c for h in hist if h.inspection_id in shown for c in caveats(ctx, h, (field,))))
    r = ctx.renderer()
    page = r.page("fact.j2", org=org, label=label, rows=rows, missing=missing, footnote=footnote, header=header,
                  caveats=notes)
    return ctx.answer(ANSWER, kind, q, f"{short_name(org.name)}: {label}", [page], r, ref=f"/{kind} #{org.short_key}")
