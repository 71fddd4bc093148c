"""The answer engine: ``Engine.ask(question) -> Answer``.

Where a question becomes an answer: ``understand`` parses it into a ``Query`` (intent, organisations,
filters), ``_dispatch`` picks the builder for that intent, and the builder chooses the facts and fills
its template. The engine never raises to its caller: a fault becomes one calm line, logged in full.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from knowledge import KnowledgeBase, KnowledgeBaseError
from knowledge.paths import DATA_DIR
from knowledge.resolve import Resolver, is_english_word
from knowledge.vocabulary import cached_vocabulary
from responses import info, organisation, search, tables
from responses.answer import NO_MATCH, Answer, Page
from responses.context import Ctx
from responses.understand import Query, Understander

log = logging.getLogger(__name__)

#: Bot commands and their one-line descriptions (the bot registers these with setMyCommands).
COMMANDS: list[tuple[str, str]] = [
    ("start", "What this bot does"),
    ("help", "How to ask, with examples"),
    ("league", "League table: /league [crc|nps|pdu|region|YEAR]"),
    ("inspection", "One organisation's rating and history: /inspection NAME"),
    ("compare", "Compare organisations: /compare A vs B"),
    ("latest", "The most recently published inspections"),
    ("find", "What inspectors said on a topic: /find TOPIC"),
    ("sources", "Where the facts come from"),
    ("about", "About this bot and its data"),
]

#: Intents answered by one builder each, ``builder(ctx, query, compact) -> Answer``.
_BUILDERS = {
    "summary": organisation.summary,
    "history": organisation.history,
    "compare": organisation.compare,
    "owner": organisation.fact,
    "people": organisation.fact,
    "score": organisation.fact,
    "standards": organisation.fact,
    "date": organisation.fact,
    "league": tables.league,
    "count": tables.count,
    "score_list": tables.score_list,
    "changed": tables.changed,
    "latest": tables.latest,
    "figures": search.figures,
    "about": info.about,
    "glossary": info.glossary,
    "sources": info.sources,
}

_ORG_INTENTS = {"summary", "history", "compare", "owner", "people", "score", "standards", "date"}
_USAGE = {
    "summary": "Tell me which organisation, e.g. /inspection Sheffield",
    "history": "Tell me which organisation, e.g. /history Durham Tees Valley CRC",
    "compare": "Name two organisations, e.g. /compare Sheffield vs Doncaster",
    "owner": "Tell me which CRC, e.g. /owner Merseyside CRC",
    "people": "Tell me which organisation, e.g. /people HLNY CRC",
    "score": "Tell me which organisation, e.g. /score Sheffield",
    "standards": "Tell me which organisation, e.g. /standards Essex North",
    "date": "Tell me which organisation, e.g. /date Sheffield",
}


class Engine:
    """Answers questions from one knowledge base. Cheap to call; build once and share."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.vocabulary = cached_vocabulary(DATA_DIR, tuple(kb.owners))
        self.ctx = Ctx(kb, self.vocabulary)
        org_types = {o.org_id: o.org_type for o in kb.organisations.values()}
        self.resolver = Resolver.from_aliases(kb.aliases, org_types)
        self.understander = Understander(self.resolver, kb.regions,
                                         {o.short_key: o.org_id for o in kb.organisations.values()}, self.vocabulary)
        self._cached = lru_cache(maxsize=2048)(self._answer_uncached)
        # Load the dictionary and the in-memory histories now, not during somebody's first question.
        is_english_word("warm")
        for org_id in list(kb.organisations)[:1]:
            kb.history(org_id)

    # -- public API --------------------------------------------------------------------------------
    def ask(self, question: str, *, compact: bool = False) -> Answer:
        """Answer one question (free text or a slash command). Never raises."""
        if not isinstance(question, str):
            question = "" if question is None else str(question)
        question = question.replace("\x00", " ")
        try:
            return self._cached(question, compact)
        except KnowledgeBaseError as exc:
            log.error("knowledge base error answering %r: %s", question[:80], exc)
            return self._calm(question, "The knowledge base is not available just now. Please try again later.")
        except Exception:  # a bug must cost one answer, not the bot
            log.exception("failed to answer %r", question[:80])
            return self._calm(question, "Sorry, something went wrong while answering that. Please try rephrasing it.")

    def from_ref(self, ref: str, *, compact: bool = False) -> Answer:
        """Re-create an answer from its ``ref`` (button data). Refs are commands, so this is ``ask``."""
        if not isinstance(ref, str) or not ref.startswith("/"):
            return self._calm(str(ref), "That button has expired. Please ask again.", intent="expired")
        return self.ask(ref, compact=compact)

    def inline(self, query: str, limit: int = 5) -> list[Answer]:
        """Answers to offer in inline mode: one, or one per organisation when the name is ambiguous."""
        query = (query or "").strip()
        if not query:
            return [self.ask("/help", compact=True)]
        answer = self.ask(query, compact=True)
        if answer.kind == "choices":
            return [self.from_ref(c.ref, compact=True) for c in answer.choices[:limit]]
        if answer.kind == NO_MATCH:
            return []
        return [answer]

    # -- internals ---------------------------------------------------------------------------------
    def _answer_uncached(self, question: str, compact: bool) -> Answer:
        started = time.perf_counter()
        q = self.understander.understand(question)
        answer = self._dispatch(q, compact)
        log.debug("answered %s in %.2f ms", q.intent, (time.perf_counter() - started) * 1000)
        return answer

    def _dispatch(self, q: Query, compact: bool) -> Answer:
        ctx = self.ctx
        intent = q.intent
        if intent in _ORG_INTENTS | {"findings"} and q.ambiguous is not None:
            return info.choices(ctx, q, q.ambiguous)
        if intent == "compare" and len(q.org_ids) < 2:
            if q.org_ids:
                return organisation.summary(ctx, q, compact)
            return info.no_match(ctx, q, _USAGE["compare"], intent="usage")
        if intent in _ORG_INTENTS and not q.org_ids:
            return info.no_match(ctx, q)
        if intent == "usage":
            command = (q.command or "inspection")
            key = {"inspection": "summary"}.get(command, command)
            return info.no_match(ctx, q, _USAGE.get(key, _USAGE["summary"]), intent="usage")
        builder = _BUILDERS.get(intent)
        if builder is not None:
            return builder(ctx, q, compact)
        if intent == "list":
            return (tables.league if q.rating is None else tables.rating_list)(ctx, q, compact)
        if intent == "owned_by":
            if not q.owner:
                return info.no_match(ctx, q, "Tell me which company, e.g. /owned_by Sodexo", intent="usage")
            return tables.owned_by(ctx, q, compact)
        if intent == "findings":
            if not q.topics and not q.org_ids and not q.norm:
                return info.no_match(ctx, q, "Tell me a topic, e.g. /find caseloads", intent="usage")
            return search.findings(ctx, q, compact)
        if intent in {"help", "start", "greeting"}:
            return info.help_answer(ctx, q, compact, COMMANDS)
        if intent == "search":
            return self._search(q, compact)
        if intent == "unknown_command":
            return info.no_match(ctx, q, f"I don't know the command /{q.command}. Try /help.", intent="usage")
        return info.no_match(ctx, q)

    def _search(self, q: Query, compact: bool) -> Answer:
        """No organisation named and no clear intent: try national figures, then findings, then give up."""
        figs, score = search.best_figures(self.ctx, q)
        if figs and score >= 2.0:
            return search.figures(self.ctx, q, compact, found=figs)
        if q.topics:
            return search.findings(self.ctx, q, compact)
        words = search.content_words(q.norm)
        hits = [f for f in self.kb.search_findings(q.norm, limit=30) if len(search.content_words(f.finding) & words) >= 2]
        if hits:
            return search.findings(self.ctx, q, compact)
        return info.no_match(self.ctx, q)

    def _calm(self, question: str, message: str, intent: str = "error") -> Answer:
        return Answer(kind=NO_MATCH, intent=intent, question=question[:500], title="Sorry",
                      pages=[Page(html=message, text=message)])
