"""Answers about the bot itself, and the calm answers: choices, no match, usage hints."""

from __future__ import annotations

from collections import Counter

from knowledge.resolve import Match, normalise
from responses.answer import ANSWER, CHOICES, NO_MATCH, Answer, Choice
from responses.context import Ctx, short_name
from responses.understand import Query

EXAMPLES = [
    "how did West Mercia CRC do?",
    "has Sheffield improved?",
    "compare Sheffield and Doncaster",
    "which PDUs were rated Inadequate?",
    "/league crc",
]

#: What each intent's command is called, to rebuild a question around a chosen organisation.
_CHOICE_COMMANDS = {"summary": "inspection", "history": "history", "owner": "owner", "people": "people",
                    "score": "score", "standards": "standards", "date": "date", "findings": "find"}


def help_answer(ctx: Ctx, q: Query, compact: bool, commands) -> Answer:
    r = ctx.renderer()
    page = r.page("help.j2", commands=commands, group=compact)
    return ctx.answer(ANSWER, "help", q, "How to ask", [page], r, ref="/help")


def glossary(ctx: Ctx, q: Query, compact: bool) -> Answer:
    r = ctx.renderer()
    page = r.page("glossary.j2")
    return ctx.answer(ANSWER, "glossary", q, "What the terms mean", [page], r, ref="/glossary")


def about(ctx: Ctx, q: Query, compact: bool) -> Answer:
    counts = ctx.kb.counts()
    precision = Counter(i.published_precision for o in ctx.kb.organisations.values() for i in ctx.kb.history(o.org_id))
    r = ctx.renderer()
    page = r.page("about.j2", counts=counts, dated=precision.get("day", 0), month_only=precision.get("month", 0),
                  undated=precision.get("unknown", 0))
    return ctx.answer(ANSWER, "about", q, "About probation-bot", [page], r, ref="/about")


def sources(ctx: Ctx, q: Query, compact: bool) -> Answer:
    srcs = ctx.kb.sources()
    publishers = ctx.kb.publishers[:6]
    r = ctx.renderer()
    shown = srcs[:300]  # every page at today's size; bounded for a much larger knowledge base
    pages = r.pages("sources.j2", shown, 15, publishers=publishers, total_sources=len(srcs), left_out=len(srcs) - len(shown))
    return ctx.answer(ANSWER, "sources", q, "Where the facts come from", pages, r, ref="/sources")


def no_match(ctx: Ctx, q: Query, message: str | None = None, intent: str = "no_match") -> Answer:
    shown = q.text if len(q.text) <= 60 else q.text[:57] + "…"
    message = message or (f"I could not match “{shown}” to an organisation, a topic or a figure in the inspection "
                          f"records I hold." if shown.strip() else "Ask me a question about a probation inspection.")
    r = ctx.renderer()
    page = r.page("no_match.j2", message=message, examples=EXAMPLES)
    return ctx.answer(NO_MATCH, intent, q, "No match", [page], r)


def choices(ctx: Ctx, q: Query, match: Match) -> Answer:
    """Ask which organisation an ambiguous name meant; each button re-asks the same question for one."""
    options: list[Choice] = []
    known = [f"#{ctx.kb.organisation(o).short_key}" for o in q.org_ids]
    for org_id in match.org_ids[:8]:
        org = ctx.kb.organisation(org_id)
        latest = ctx.kb.history(org_id)[-1]
        label = f"{short_name(org.name)} ({org.type_label}, {latest.year_label()})"
        key = f"#{org.short_key}"
        if q.intent == "compare":
            keys = list(known)
            keys.insert(min(q.ambiguous_index, len(keys)), key)
            ref = "/compare " + " vs ".join(keys[:4])
        else:
            command = _CHOICE_COMMANDS.get(q.intent, "inspection")
            topic = f" {q.topics[0].replace('-', ' ')}" if command == "find" and q.topics else ""
            ref = f"/{command}{topic} {key}"
        options.append(Choice(label=label, id=org_id, ref=ref))
    region = next((reg for reg in ctx.kb.regions if normalise(reg) == match.text), None)
    if region:
        options.append(Choice(label=f"All PDUs in {region} (league)", id=f"region:{region}", ref=f"/league pdu {region}"))
    r = ctx.renderer()
    page = r.page("choices.j2", term=match.text, choices=options)
    return ctx.answer(CHOICES, "choices", q, f"Which {match.text}?", [page], r, choices=options)
