"""A measure of one named body: "how many cases did inspectors read at X", "how many vacancies at X".

The figures about one organisation sit in its findings (the ``figure`` column). We list those whose
words fit the measure asked; when none do, the answer says so in one line and shows the figures we do
hold for that body, rather than its rating as if that answered the question.
"""

from __future__ import annotations

from responses.answer import ANSWER, Answer
from responses.context import Ctx, short_name
from responses.info import no_match
from responses.query import Query
from responses.slots import measure_words


def measure(ctx: Ctx, q: Query, compact: bool) -> Answer:
    org = ctx.kb.organisation(q.org_ids[0])
    if org is None:  # the parser named a body the knowledge base does not hold
        return no_match(ctx, q)
    name = short_name(org.name)
    words = measure_words(q.measure or "")
    with_figures = [f for f in ctx.kb.findings(org_id=org.org_id) if f.figure]
    hits = [f for f in with_figures if words.search(f.finding) or f.topic in q.topics]
    what = q.measure or ", ".join(t.replace("-", " ") for t in q.topics) or "that measure"
    if hits:
        heading = f"{name}: figures on {what} in our sources"
        note = None
        rows = hits
    else:
        heading = f"{name}: our sources give no figure on {what}"
        said = [f for f in ctx.kb.findings(org_id=org.org_id) if words.search(f.finding) or f.topic in q.topics]
        rows = said[:4] or with_figures[:4]
        note = (
            "Here is what inspectors said about it, without a number."
            if said
            else "Here are the figures they do give for it."
            if rows
            else "They give no figures for it at all; ask about its rating or findings instead."
        )
    latest = ctx.kb.history(org.org_id)[-1]
    people = latest.people_text()
    r = ctx.renderer()
    page = r.page(
        "measure.j2",
        heading=heading,
        note=note,
        items=rows[: 4 if compact else 8],
        people=people if people and "supervis" not in what else None,
        latest=latest,
    )
    return ctx.answer(ANSWER, "measure", q, heading, [page], r, ref=None)
