"""Answers found by searching text: findings on a topic, and national figures.

Topics come from the question's words (``understand.TOPICS``); where no topic word is present, or to
rank findings within a topic, SQLite full-text search (FTS5, porter stemming) scores the findings and
figures against the question's own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from knowledge.models import Figure, Finding, Inspection
from knowledge.resolve import normalise
from responses.answer import ANSWER, REF_LIMIT, Answer
from responses.context import Ctx, short_name
from responses.info import no_match
from responses.render import same_findings_once
from responses.slots import MONTH_NAMES
from responses.understand import Query, find_topics

#: Function words that say nothing about what is asked; everything else counts when matching text.
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "about",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "how",
        "many",
        "much",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "there",
        "they",
        "them",
        "he",
        "she",
        "we",
        "you",
        "i",
        "me",
        "my",
        "our",
        "your",
        "not",
        "no",
        "any",
        "some",
        "all",
        "more",
        "most",
        "very",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "into",
        "than",
        "then",
        "so",
        "such",
        "up",
        "out",
        "over",
        "under",
        "again",
        "further",
        "once",
        "here",
        "each",
        "few",
        "other",
        "same",
        "own",
        "only",
        "just",
        "also",
        "too",
        "please",
        "tell",
        "say",
        "said",
        "says",
        "inspectors",
        "inspectorate",
        "inspection",
        "inspections",
        "explain",
        "reason",
        "reasons",
        "come",
        "evidence",
    ]
)


#: The most findings one answer lists (the best matches first).
MAX_FINDINGS = 30


def content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {_stem(w) for w in words if w not in _STOP and len(w) > 1}


def _stem(w: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w


def _subject_namer(ctx: Ctx) -> Callable[[Finding], str]:
    def subject_name(f: Finding) -> str:
        org = ctx.kb.organisation(f.org_id) if f.org_id else None
        if org is not None:
            return f"{short_name(org.name)} ({f.subject_id.rsplit('-', 1)[-1]})"
        return ctx.kb.subject_titles.get(f.subject_id, f.subject_id)

    return subject_name


def _timed(q: Query) -> bool:
    """The question names a year or a stretch of time."""
    return q.span is not None or bool(q.year)


def _published_in(q: Query, insp: Inspection) -> bool:
    """An inspection (or report) published in the question's year or span."""
    if q.span is not None:
        return q.span.contains(insp.published) or (
            not insp.published and insp.year is not None and q.span.start.year <= insp.year <= q.span.end.year
        )
    return insp.year == q.year


def _in_time(ctx: Ctx, q: Query, f: Finding) -> bool:
    """A finding whose inspection (or report) was published in the question's year or span."""
    insp = ctx.inspections_by_id.get(f.inspection_id) if f.inspection_id else None
    return insp is not None and _published_in(q, insp)


def _is_national(ctx: Ctx, f: Finding) -> bool:
    """A finding from a thematic or other national report rather than one local inspection."""
    org = ctx.kb.organisation(f.org_id) if f.org_id else None
    return org is None or org.org_type == "national"


def findings(ctx: Ctx, q: Query, compact: bool) -> Answer:
    org = ctx.kb.organisation(q.org_ids[0]) if q.org_ids else None
    org_id = org.org_id if org else None
    # The words that rank findings, trimmed so that they and the organisation fit in a button's ref.
    key = f" #{org.short_key}" if org else ""
    words_list = [w for w in dict.fromkeys(q.free_words.split()) if w not in _STOP]
    while words_list and len(("/find " + " ".join(words_list) + key).encode()) > REF_LIMIT:
        words_list.pop()
    rank_text = " ".join(words_list)
    topics = find_topics(rank_text) if rank_text else q.topics
    # Rank: findings that share the question's own words first (e.g. "caseloads" within "workloads").
    words = content_words(rank_text) - {"crc", "nps", "pdu", "region"}
    searched = ctx.kb.search_findings(rank_text, org_id=org_id, limit=200)
    # A year or span asked for keeps the findings of the inspections published then (in the query itself).
    in_time = [i.inspection_id for i in ctx.inspections_by_id.values() if _published_in(q, i)] if _timed(q) else None
    # On a topic: counted, and cut to what is shown, by the knowledge base; full-text matches (which share
    # a stemmed word with the question) first, best first, then the rest in order. With no body named the
    # national evidence (thematic reports) leads, then local findings.
    total, rows = (
        ctx.kb.findings_on(
            topics,
            org_id=org_id,
            region=None if org else q.region,
            org_type=None if org else q.org_type,
            inspection_ids=in_time,
            national_first=not org,
            first=[f.id for f in searched],
            limit=MAX_FINDINGS,
        )
        if topics
        else (0, [])
    )
    if not rows and not topics:
        rows = [
            f
            for f in searched
            if len(content_words(f.finding + " " + f.topic) & words) >= 1 and (not _timed(q) or _in_time(ctx, q, f))
        ][:30]
        total = len(rows)
    topic_words = ", ".join(t.replace("-", " ") for t in topics) or f"“{rank_text}”"
    scope = (
        f"at {short_name(org.name)}"
        if org
        else f"in {q.region}"
        if q.region
        else (
            f"at {q.org_type.upper()}s"
            if q.org_type in ("crc", "pdu")
            else "in NPS divisions"
            if q.org_type == "nps"
            else "at youth justice services"
            if q.org_type == "yjs"
            else "across all inspections"
        )
    )
    when = q.time_words()
    when_words = f" {when}" if when else ""
    heading = f"What inspectors found on {topic_words} {scope}{when_words}: {total}"
    if not org and rows and _is_national(ctx, rows[0]) and not _is_national(ctx, rows[-1]):
        heading += " (national reports first, then local inspections)"
    if not rows and org and not topics and not words:  # "why?" about one body: all it found, concerns first
        rows = sorted(ctx.kb.findings(org_id=org_id), key=lambda f: (f.stance != "concern", f.id))
        if _timed(q):
            rows = [f for f in rows if _in_time(ctx, q, f)]
        total, rows = len(rows), rows[:MAX_FINDINGS]
        heading = f"What inspectors found at {short_name(org.name)}{when_words}: {total}, concerns first"
    elif not rows and org:
        rows = ctx.kb.findings(org_id=org_id)[:4]
        total = len(rows)
        # A heading must not say "no findings on X" above a finding that speaks of X (unless a time asked
        # for ruled it out: then these are the nearest answer, said as such).
        if not when and any(content_words(f.finding + " " + f.topic.replace("-", " ")) & words for f in rows):
            heading = f"What inspectors found at {short_name(org.name)}"
        else:
            heading = f"Our sources have no findings on {topic_words}{when_words} for {short_name(org.name)}"
            if rows:
                heading += "; here is what they do say"
    left_out = max(0, total - len(rows))
    r = ctx.renderer()
    pages = r.pages(
        "findings.j2",
        same_findings_once(rows),
        4 if compact else 6,
        short_sources=False,
        heading=heading,
        subject_name=_subject_namer(ctx),
        left_out=left_out,
    )
    # The ref repeats the question's own words, which rank the findings, so a page button brings back
    # the same order; the words name the organisation again too.
    ref = f"/find {rank_text}{key}" if rank_text else None
    if not rows:
        return no_match(ctx, q, f"Our sources have no findings matching “{q.text[:60]}”.")
    return ctx.answer(ANSWER, "findings", q, heading, pages, r, ref=ref)


def _figure_score(
    fig: Figure,
    words: set[str],
    year: int | None,
    concepts: list[list[str]] | None = None,
    share: bool | None = None,
    rating_asked: bool | None = None,
) -> float:
    """How well a figure fits: shared words, plus 2 for each idea of the question the figure names in any
    of its thesaurus words ("short-staffed" finds "vacant positions"), plus a bonus for the year asked."""
    norm, fig_words = _figure_words(fig)
    text = f"{fig.subject} {fig.metric} {fig.as_of or ''}"
    overlap = len(fig_words & words)
    meaning = sum(2.0 for terms in concepts or [] if any(f" {t} " in norm for t in terms))
    bonus = 1.5 if year and str(year) in text else 0.0
    if concepts and rating_asked is False and re.search(r"\brated\b|\brating\b", fig.metric.lower()):
        bonus -= 1.0  # "how many people are on probation" is not a count of bodies rated something
    if share is False and (
        re.search(r"\bshare\b|\bproportion\b|%|per cent", f"{fig.metric} {fig.value}".lower()) or fig.unit == "percent"
    ):
        bonus -= 1.0  # "how big is the caseload" is a number, not somebody's share of it
    return overlap + meaning + bonus


@lru_cache(maxsize=8192)
def _figure_words(fig: Figure) -> tuple[str, frozenset[str]]:
    """A figure's text, normalised and padded, and its content words: worked out once per figure."""
    text = f"{fig.subject} {fig.metric} {fig.as_of or ''}"
    return f" {normalise(text)} ", frozenset(content_words(text))


_MONTH_NAMES = {m: n for n, m in enumerate(MONTH_NAMES, 1)}


def figure_date(fig: Figure) -> tuple[int, int]:
    """(year, month) a figure is as of, as far as its wording says ("end of September 2018" -> (2018, 9))."""
    text = (fig.as_of or "").lower()
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", text)]
    if not years:
        return (0, 0)
    if re.search(r"\b(prior to|before|until)\b", text):  # "prior to 2014" is as of 2013
        return (max(years) - 1, 12)
    month = next((n for m, n in _MONTH_NAMES.items() if m in text), 0)
    return (max(years), month)


def best_figures(ctx: Ctx, q: Query, limit: int = 5) -> tuple[list[Figure], float]:
    """The national figures that fit the question best, latest first, and the best fit's score."""
    vocab = ctx.vocabulary
    concepts = [vocab.terms[c] for c in q.concepts if c in vocab.terms]
    share = q.asks_share
    expansion = " ".join(t for terms in concepts for t in terms)
    concept_words = content_words(expansion)
    words = content_words(q.norm) - concept_words
    hits = ctx.kb.search_figures(f"{q.norm} {expansion}", limit=60)
    scored = sorted(
        (
            (_figure_score(f, words, q.year, concepts, share if concepts else None, q.rating is not None), k, f)
            for k, f in enumerate(hits)
        ),
        key=lambda t: (-t[0], t[1]),
    )
    if not scored:
        return [], 0.0
    top = scored[0][0]
    if concepts:  # a question by meaning: among equally good figures, the latest first, older ones after
        scored.sort(key=lambda t: (-t[0], tuple(-x for x in figure_date(t[2])), t[1]))
    kept: list[Figure] = []
    for s, _, f in scored:
        if s >= max(2.0, top - 1.0) and not any(
            k.metric.lower() == f.metric.lower() and k.value.lower() == f.value.lower() for k in kept
        ):
            kept.append(f)
    return kept[:limit], top


def figures(ctx: Ctx, q: Query, compact: bool, found: list[Figure] | None = None) -> Answer:
    figs = found if found is not None else best_figures(ctx, q)[0]
    about = q.measure or ", ".join(t.replace("-", " ") for t in q.topics)
    when = q.time_words()
    heading = "National and aggregate figures that match your question" + (f" on {about}" if about else "")
    years = (q.span.start.year, q.span.end.year) if q.span is not None else (q.year, q.year) if q.year else None
    if when and figs and years is not None:
        first, last = years
        dated = [f for f in figs if first <= figure_date(f)[0] <= last]
        if dated:
            figs, heading = dated, heading + f", {when}"
        else:
            heading += f"; none of them is dated {when}, so here are the nearest"
    if not figs:
        heading = (
            "No national figures in our sources match your question"
            + (f" on {about}" if about else "")
            + (f" {when}" if when else "")
        )
    footnote = "Figures are as each source states them, with its own wording for rough numbers." if figs else None
    r = ctx.renderer()
    # A question by meaning leads with one line, the latest figure; the others follow.
    lead = bool(q.concepts) and len(figs) > 1
    page = r.page("figures.j2", heading=heading, items=figs[:3] if compact else figs, footnote=footnote, lead=lead)
    ref = f"/figures {q.norm}" if q.norm and not q.text.startswith("/") else None
    return ctx.answer(ANSWER, "figures", q, heading, [page], r, ref=ref)
