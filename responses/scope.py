"""Questions about things the inspection records do not cover: one short, plain statement.

Prisons, police forces, courts as institutions, named staff and future inspection dates are outside
what we hold. The answer says what is not covered, what is, and points to the nearest thing we do
know, without offering a probation body's rating as if it answered a question about another service.
"""

from __future__ import annotations

from responses.answer import NO_MATCH, Answer
from responses.context import Ctx, short_name
from responses.query import Query

_NEAREST = {
    "prisons": "Prisons are inspected by HM Inspectorate of Prisons, whose reports I do not hold.",
    "police forces": "Police forces are inspected by HMICFRS, whose reports I do not hold.",
    "courts as institutions": "Courts are not inspected by the probation inspectorate; I hold nothing on them.",
    "named staff": "I do not hold the names of staff or managers, only what inspectors found and rated.",
    "future inspection dates": "The inspectorate does not publish its future schedule in the sources I hold, "
    "so I cannot say when a body will next be inspected.",
}
COVERED = (
    "I cover inspections of probation services and youth justice services in England and Wales: "
    "ratings, findings, owners and national figures."
)


def out_of_scope(ctx: Ctx, q: Query, compact: bool) -> Answer:
    what = q.out_of_scope or "that"
    lines = [f"That is not something my sources cover ({what}).", _NEAREST.get(what, ""), COVERED]
    org = ctx.kb.organisation(q.org_ids[0]) if q.org_ids else None
    if org is not None:
        nearest = "when it was last inspected" if what == "future inspection dates" else "its inspections"
        lines.append(f"Nearest I can offer: {short_name(org.name)} ({org.type_label}) — ask me about {nearest}.")
    r = ctx.renderer()
    page = r.page("scope.j2", message="\n".join(x for x in lines if x))
    return ctx.answer(NO_MATCH, "out_of_scope", q, "Not covered", [page], r)
