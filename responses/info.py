"""Answers about the bot itself, and the calm answers: choices, no match, usage hints."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TypedDict
from urllib.parse import urlsplit

from knowledge import KnowledgeBase
from knowledge.resolve import Match, normalise
from knowledge.sources import host_of, publisher_of
from responses.answer import ANSWER, CHOICES, NO_MATCH, Answer, Choice
from responses.context import Ctx
from responses.names import short_name
from responses.understand import Query

EXAMPLES = [
    "how did West Mercia CRC do?",
    "has Sheffield improved?",
    "compare Sheffield and Doncaster",
    "which PDUs were rated Inadequate?",
    "/league crc",
    "how did Leeds YOT do?",
]

#: The welcome's example questions, each a button that asks it (as a command, which a button can carry).
WELCOME_EXAMPLES = [
    ("How did Sheffield do?", "/inspection Sheffield"),
    ("Which PDUs were rated Inadequate?", "/list pdu inadequate"),
    ("What did inspectors say about caseloads?", "/find caseloads"),
]
HELP_EXAMPLES = [
    "how did West Mercia CRC do?",
    "has Sheffield improved?",
    "compare Sheffield and Doncaster",
    "which PDUs were rated Inadequate?",
    "how many NPS divisions were rated Good?",
    "who owned Merseyside CRC?",
    "what did inspectors say about caseloads?",
    "youth justice too: how did Leeds YOT do? /league youth",
]

#: What each intent's command is called, to rebuild a question around a chosen organisation.
_CHOICE_COMMANDS = {
    "summary": "inspection",
    "history": "history",
    "owner": "owner",
    "people": "people",
    "score": "score",
    "standards": "standards",
    "date": "date",
    "findings": "find",
}


def help_answer(ctx: Ctx, q: Query, compact: bool, commands: Sequence[tuple[str, str]]) -> Answer:
    """/help says how to ask; /start (and a greeting) welcomes: what the bot is, example questions to tap,
    and how it behaves in a group."""
    r = ctx.renderer()
    if q.intent in ("start", "greeting"):
        page = r.page("welcome.j2")
        examples = [Choice(label=label, id="example", ref=ref) for label, ref in WELCOME_EXAMPLES]
        answer = ctx.answer(ANSWER, "start", q, "Welcome", [page], r, ref="/start")
        answer.examples = examples
        return answer
    page = r.page("help.j2", commands=commands, group=compact, examples=HELP_EXAMPLES)
    return ctx.answer(ANSWER, "help", q, "How to ask", [page], r, ref="/help")


def glossary(ctx: Ctx, q: Query, compact: bool) -> Answer:
    r = ctx.renderer()
    page = r.page("glossary.j2")
    return ctx.answer(ANSWER, "glossary", q, "What the terms mean", [page], r, ref="/glossary")


@lru_cache(maxsize=4)
def _date_precisions(kb: KnowledgeBase) -> Counter[str]:
    """How many inspections are dated to the day, to the month, or not at all: once per knowledge base."""
    return Counter(i.published_precision for o in kb.organisations.values() for i in kb.history(o.org_id))


def about(ctx: Ctx, q: Query, compact: bool) -> Answer:
    counts = ctx.kb.counts()
    precision = _date_precisions(ctx.kb)
    r = ctx.renderer()
    youth = [o for o in ctx.kb.organisations.values() if o.org_type == "yjs"]
    page = r.page(
        "about.j2",
        counts=counts,
        dated=precision.get("day", 0),
        month_only=precision.get("month", 0),
        undated=precision.get("unknown", 0),
        youth_services=len(youth),
        youth_inspections=sum(o.inspection_count for o in youth),
    )
    return ctx.answer(ANSWER, "about", q, "About probation-bot", [page], r, ref="/about")


def publisher_name(url: str, publisher: str) -> str:
    """One name per publisher, however the data spelt it: a known site by its own name ("Russell Webster",
    not also "Russell Webster (russellwebster.com)"), anything else by its web address without ``www.``."""
    known = publisher_of(url)
    if known != host_of(url):
        return known
    name = re.sub(r"\s*\([^)]*\)", "", publisher or "").strip() or host_of(url)
    return name[4:] if name.startswith("www.") else name


class PublisherRow(TypedDict):
    """One line of /sources: a publisher, how many of its pages we hold, and its home page.

    A mapping, not a dataclass: ``render.page_size`` counts a mapping by its values alone, about as long
    as the line it makes, where a dataclass would count as a bigger item and split /sources into more pages.
    """

    name: str
    count: int
    site: str


@lru_cache(maxsize=4)
def _publisher_rows(kb: KnowledgeBase) -> tuple[int, tuple[PublisherRow, ...]]:
    """How many sources there are, and one row per publisher, most pages first: worked out once per knowledge
    base (its file never changes under it), not by reading every source for every /sources."""
    srcs = kb.sources()
    by_publisher: dict[str, list[str]] = {}
    for src in srcs:
        by_publisher.setdefault(publisher_name(src.url, src.publisher), []).append(src.url)
    rows = sorted(
        (PublisherRow(name=name, count=len(urls), site=_site(urls)) for name, urls in by_publisher.items()),
        key=lambda row: (-row["count"], row["name"].lower()),
    )
    return len(srcs), tuple(rows)


def sources(ctx: Ctx, q: Query, compact: bool) -> Answer:
    """/sources: one line per publisher, with how many of its pages we hold and a link to its site."""
    total, rows = _publisher_rows(ctx.kb)
    r = ctx.renderer()
    pages = r.pages("sources.j2", list(rows), 40, total_sources=total, publishers=len(rows))
    return ctx.answer(ANSWER, "sources", q, "Where the facts come from", pages, r, ref="/sources")


def _site(urls: list[str]) -> str:
    """The home page of the site most of a publisher's pages are on."""
    homes = Counter(f"{urlsplit(u).scheme}://{urlsplit(u).netloc}/" for u in urls)
    return homes.most_common(1)[0][0]


def no_match(ctx: Ctx, q: Query, message: str | None = None, intent: str = "no_match") -> Answer:
    shown = q.text if len(q.text) <= 60 else q.text[:57] + "…"
    message = message or (
        f"I could not match “{shown}” to an organisation, a topic or a figure in the inspection records I hold."
        if shown.strip()
        else "Ask me a question about a probation inspection."
    )
    r = ctx.renderer()
    # A usage hint or an unknown command is one sentence; only a question we could not match gets examples.
    page = r.page("no_match.j2", message=message, examples=EXAMPLES if intent == "no_match" else [])
    return ctx.answer(NO_MATCH, intent, q, "No match", [page], r)


def choices(ctx: Ctx, q: Query, match: Match) -> Answer:
    """Ask which organisation an ambiguous name meant; each button re-asks the same question for one.

    A body no longer in the knowledge base is left out; with nothing left to offer, the name is unmatched.
    """
    options: list[Choice] = []
    known = [f"#{held.short_key}" for o in q.org_ids if (held := ctx.kb.organisation(o)) is not None]
    for org_id in match.org_ids[:8]:
        org = ctx.kb.organisation(org_id)
        if org is None:
            continue
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
        league = f"/league pdu {region}"
        options.append(Choice(label=f"All PDUs in {region} (league)", id=f"region:{region}", ref=league))
    if not options:
        return no_match(ctx, q)
    r = ctx.renderer()
    page = r.page("choices.j2", term=match.text, choices=options)
    return ctx.answer(CHOICES, "choices", q, f"Which {match.text}?", [page], r, choices=options)
