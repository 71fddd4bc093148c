"""The answer engine: ``Engine.ask(question) -> Answer``.

Where a question becomes an answer: ``understand`` parses it into a ``Query`` (intent, organisations,
filters), ``_dispatch`` picks the builder for that intent, and the builder chooses the facts and fills
its template. The engine never raises to its caller: a fault becomes one calm line, logged in full.
"""

from __future__ import annotations

import importlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import lru_cache

from knowledge import KnowledgeBase, KnowledgeBaseError
from knowledge.loader import TYPE_LABELS
from knowledge.paths import DATA_DIR
from knowledge.resolve import PROBATION_TYPES, Match, Resolver, is_english_word, normalise
from knowledge.vocabulary import cached_vocabulary
from responses import info, organisation, search, tables
from responses.answer import ANSWER, MESSAGE_LIMIT, NO_MATCH, Answer, Page
from responses.buttons import BUTTON_PREFIX, ButtonCodec
from responses.charts import request as charts
from responses.context import Ctx
from responses.conversation import Conversations, Turn, follow_up, is_follow_up
from responses.intents import BY_NAME, INTENTS, ORG_INTENTS, unapplied
from responses.intents import COMMANDS as COMMAND_INTENTS
from responses.understand import MAX_QUESTION, Query, Understander

log = logging.getLogger(__name__)

#: Bot commands and their one-line descriptions (the bot registers these with setMyCommands).
COMMANDS: list[tuple[str, str]] = [
    ("start", "What this bot does"),
    ("help", "How to ask, with examples"),
    ("league", "League table: /league [crc|nps|pdu|region|youth|YEAR]"),
    ("inspection", "One organisation's rating and history: /inspection NAME"),
    ("compare", "Compare organisations: /compare A vs B"),
    ("latest", "The most recently published inspections"),
    ("find", "What inspectors said on a topic: /find TOPIC"),
    ("chart", "A picture: /chart league | years | NAME | A vs B"),
    ("sources", "Where the facts come from"),
    ("about", "About this bot and its data"),
]

#: Messages that hold several questions are split at sentence ends and at ", and who/what/how ...".
_SPLIT = re.compile(
    r"(?<=[?;])\s+|(?<=\.)\s+(?=(?:also|and|then)\b|[A-Z])|,?\s+(?=and (?:who|what|how|when|which|where|did|"
    r"does|is|was|were|has|have)\b)|;",
    re.I,
)
#: Intents that mean a part of a message was not a question we can answer on its own.
_WEAK = {"no_match", "empty", "greeting", "usage", "unknown_command", "search", "help", "start"}
_FOLLOW_USAGE = "Which organisation do you mean? Name it, e.g. “how did Sheffield do?”"


class Engine:
    """Answers questions from one knowledge base. Cheap to call; build once and share.

    ``clock`` gives today's date (dates like "this year" are relative to it) and ``monotonic`` the time
    that conversation context expires by; both are for tests to set.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        clock: Callable[[], date] | None = None,
        monotonic: Callable[[], float] | None = None,
    ):
        self.kb = kb
        self.clock = clock or date.today
        self.vocabulary = cached_vocabulary(DATA_DIR).for_owners(kb.owners)
        self.ctx = Ctx(kb, self.vocabulary)
        org_types = {o.org_id: o.org_type for o in kb.organisations.values()}
        self.resolver = Resolver.from_aliases(kb.aliases, org_types)
        self.understander = Understander(
            self.resolver, kb.regions, {o.short_key: o.org_id for o in kb.organisations.values()}, self.vocabulary
        )
        self.conversations = Conversations(monotonic=monotonic or time.monotonic)
        self.builders = {i.name: _builder(i.builder) for i in INTENTS}
        self._cached = lru_cache(maxsize=2048)(self._answer_uncached)
        # Load the dictionary and the in-memory histories now, not during somebody's first question.
        is_english_word("warm")
        for org_id in list(kb.organisations)[:1]:
            kb.history(org_id)
        kb.prepare()

    # -- public API --------------------------------------------------------------------------------
    def ask(
        self, question: object, *, compact: bool = False, conversation: str | None = None, form: str = "html"
    ) -> Answer:
        """Answer one question (free text or a slash command). Never raises.

        ``conversation`` names the conversation it belongs to (a chat, a user in a group, a terminal
        session): a follow-up ("and Doncaster?", "why?") then uses what was just asked there.

        Pages are rendered when read; the first is rendered here, in the ``form`` it will be shown in
        ("html" for Telegram, "text" for the terminal and JSON), so a fault in a template costs a calm
        answer here rather than the caller's.
        """
        # A caller may pass anything (None from a message without text): it becomes a calm answer.
        text = question if isinstance(question, str) else "" if question is None else str(question)
        question = text.replace("\x00", " ")
        try:
            if conversation is None:
                answer = self._cached(question, compact, self.clock())
            else:
                answer = self._in_conversation(question, compact, str(conversation))
            return _first_page_read(answer, form)
        except KnowledgeBaseError as exc:
            log.error("knowledge base error while answering: %s", exc)  # never the question: chats are private
            return self._calm(question, "The knowledge base is not available just now. Please try again later.")
        except Exception:  # a bug must cost one answer, not the bot
            log.exception("failed to answer a question of %d characters", len(question))
            return self._calm(question, "Sorry, something went wrong while answering that. Please try rephrasing it.")

    def from_ref(self, ref: str, *, compact: bool = False, form: str = "html") -> Answer:
        """Re-create an answer from its ``ref`` (button data): a command, or an encoded ``Query``."""
        if isinstance(ref, str) and ref.startswith(BUTTON_PREFIX):
            q = self.buttons().decode(ref)
            if q is None:
                return self._calm(ref, "That button has expired. Please ask again.", intent="expired")
            try:
                return _first_page_read(self._dispatch(q, compact), form)
            except KnowledgeBaseError as exc:
                log.error("knowledge base error while answering a button: %s", exc)
                return self._calm(ref, "The knowledge base is not available just now. Please try again later.")
            except Exception:  # a bug must cost one answer, not the bot
                log.exception("failed to answer a button")
                return self._calm(ref, "Sorry, something went wrong while answering that. Please try asking again.")
        if not isinstance(ref, str) or not ref.startswith("/"):
            return self._calm(str(ref), "That button has expired. Please ask again.", intent="expired")
        return self.ask(ref, compact=compact, form=form)

    def buttons(self) -> ButtonCodec:
        """The codec between a ``Query`` and button data for this knowledge base."""
        codec = getattr(self, "_codec", None)
        if codec is None:
            codec = self._codec = ButtonCodec.for_kb(self.kb, self.vocabulary)
        return codec

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
    def _answer_uncached(self, question: str, compact: bool, today: date) -> Answer:
        started = time.perf_counter()
        if charts.is_chart_question(question) and (drawn := charts.answer(self, question)) is not None:
            return drawn
        parts = self._split(question, today)
        if len(parts) > 1:
            answer = self._several(question, parts, compact)
        else:
            q = self.understander.understand(question, today)
            answer = self._dispatch(q, compact)
        log.debug("answered %s in %.2f ms", answer.intent, (time.perf_counter() - started) * 1000)
        return answer

    def _in_conversation(self, question: str, compact: bool, key: str) -> Answer:
        today = self.clock()
        if len(self._split(question, today)) > 1:
            return self._cached(question, compact, today)
        asked = self.understander.understand(question, today)
        turn = self.conversations.get(key)
        q = follow_up(asked, turn, self.understander.with_orgs, self.understander.region_of)
        if q is asked:  # not a follow-up: the same answer as anywhere else, from the cache
            answer = self._cached(question, compact, today)
        elif q.intent == "usage" and not q.command:
            answer = info.no_match(self.ctx, q, _FOLLOW_USAGE, intent="usage")
        else:
            answer = self._dispatch(q, compact)
        if answer.kind == ANSWER or answer.kind == "choices":
            self.conversations.put(key, q)
        return answer

    def _split(self, question: str, today: date) -> list[Query]:
        """The questions in one message, when it clearly holds several; else one or none."""
        if question.startswith("/") or len(question) > MAX_QUESTION:
            return []
        pieces = [p.strip(" ,.;") for p in _SPLIT.split(question) if p and p.strip(" ,.;")]
        if len(pieces) < 2 or len(pieces) > 4:
            return []
        queries: list[Query] = []
        unknown: set[int] = set()  # "... and what about Darlo?": a follow-up naming nothing we know, said so
        for piece in pieces:  # "who owned X? and how many people did it supervise?": "it" is X
            q = self.understander.understand(piece, today)
            if queries and is_follow_up(q):
                prev = queries[-1]
                q = follow_up(
                    q, Turn(prev, list(prev.org_ids), 0.0), self.understander.with_orgs, self.understander.region_of
                )
                if q.intent == "no_match":
                    unknown.add(id(q))
            queries.append(q)
        if any(q.intent in _WEAK and id(q) not in unknown for q in queries):
            return []
        return queries

    def _several(self, question: str, queries: list[Query], compact: bool) -> Answer:
        """One reply to several questions, in order, with one numbering of sources: one message where the
        answers fit together (in their short form if need be), else one page after another."""
        for short in dict.fromkeys((compact, True)):
            shared = self.ctx.renderer()
            ctx = replace(self.ctx, shared=shared)
            answers = [self._dispatch(q, short, ctx) for q in queries]
            pages = [p for a in answers for p in a.pages]
            joined = Page(html="\n\n".join(p.html for p in pages), text="\n\n".join(p.text for p in pages))
            if len(joined.html) <= MESSAGE_LIMIT and len(joined.text) <= MESSAGE_LIMIT:
                pages = [joined]
                break
        kind = ANSWER if any(a.kind == ANSWER for a in answers) else answers[0].kind
        return Answer(
            kind=kind,
            intent="several",
            question=question[:MAX_QUESTION],
            title=" / ".join(a.title for a in answers),
            pages=pages,
            citations=shared.citations(),
            choices=[c for a in answers for c in a.choices][:8],
            ref=None,
            more_ref=None,
            see_also=[c for a in answers for c in a.see_also][:8],
        )

    def _dispatch(self, q: Query, compact: bool, ctx: Ctx | None = None) -> Answer:
        answer = self._build(q, compact, ctx or self.ctx)
        missing = {}
        if answer.kind == ANSWER:
            answered = (
                q if answer.intent == q.intent or answer.intent not in BY_NAME else replace(q, intent=answer.intent)
            )
            missing = unapplied(answered)
        if missing:
            answer = _with_note(
                answer,
                "I can't narrow this kind of answer by "
                + ", ".join(missing.values())
                + "; here is the nearest I have, without that part.",
            )
        elif answer.kind == ANSWER and q.intent in ORG_INTENTS and not self._names_the_kind(q):
            kind = "probation body" if q.org_type == "probation" else TYPE_LABELS.get(str(q.org_type), "body")
            answer = _with_note(answer, f"Our sources have no {kind} by that name; here is the nearest they have.")
        answer = organisation.offer_see_also(ctx or self.ctx, q, answer)
        answer.charts = charts.offered(self, answer)
        return answer

    def _names_the_kind(self, q: Query) -> bool:
        """False when the question asks for one kind of body ("Wigan YOS") but names only bodies of another."""
        if not q.org_type or not q.org_ids:
            return True
        kinds = {o.org_type for o in map(self.kb.organisations.get, q.org_ids) if o is not None}
        return bool(kinds & (PROBATION_TYPES if q.org_type == "probation" else {q.org_type}))

    def _build(self, q: Query, compact: bool, ctx: Ctx) -> Answer:
        intent = q.intent
        if intent == "out_of_scope":
            return self.builders[intent](ctx, q, compact)
        if q.measure and intent in ORG_INTENTS and (q.ambiguous is not None or len(q.org_ids) == 1):
            national = self._place_figures(q, ctx, compact)  # "how short-staffed was London": a published figure
            if national is not None:
                return national
        if intent in ORG_INTENTS | {"findings"} and q.ambiguous is not None:
            return self._choices(ctx, q, q.ambiguous)
        if intent == "compare" and len(q.org_ids) < 2:
            if q.org_ids:
                return organisation.summary(ctx, q, compact)
            return info.no_match(ctx, q, BY_NAME["compare"].usage, intent="usage")
        if intent in ORG_INTENTS and not q.org_ids:
            return info.no_match(ctx, q)
        if intent == "usage":
            key = COMMAND_INTENTS.get(q.command or "inspection", "summary")
            usage = BY_NAME[key].usage if key in BY_NAME and BY_NAME[key].usage else BY_NAME["summary"].usage
            return info.no_match(ctx, q, usage, intent="usage")
        # A list with no rating is the league; not with an organisation named, which only /league places.
        if intent == "list" and q.rating is None and not (q.inspected or q.span or q.year or q.org_ids):
            return tables.league(ctx, q, compact)
        if intent == "owned_by" and not q.owner:
            return info.no_match(ctx, q, BY_NAME["owned_by"].usage, intent="usage")
        if intent == "findings" and not q.topics and not q.org_ids and not q.norm:
            return info.no_match(ctx, q, BY_NAME["findings"].usage, intent="usage")
        if intent == "standard_list" and not q.standard:
            return info.no_match(ctx, q, BY_NAME["standard_list"].usage, intent="usage")
        if intent == "collection" and not q.collection:
            return info.no_match(ctx, q, BY_NAME["collection"].usage, intent="usage")
        builder = self.builders.get(intent)
        if builder is not None:
            return builder(ctx, q, compact)
        if intent in {"help", "start", "greeting"}:
            return info.help_answer(ctx, q, compact, COMMANDS)
        if intent == "search":
            return self._search(q, compact, ctx)
        if intent == "unknown_command":
            return info.no_match(
                ctx, q, f"I don't know the command /{q.command}, but /help lists the ones I do.", intent="usage"
            )
        return info.no_match(ctx, q)

    def _place_figures(self, q: Query, ctx: Ctx, compact: bool) -> Answer | None:
        """National figures about the place a measure question names, when the data holds one."""
        place = q.ambiguous.text if q.ambiguous is not None else None
        if place is None:
            org = self.kb.organisation(q.org_ids[0])
            place = normalise(org.region or "") if org and org.org_type == "region" else None
        if not place:
            return None
        figs, score = search.best_figures(ctx, q)
        local = [f for f in figs if f" {place} " in f" {normalise(f.subject + ' ' + f.metric)} "]
        if not local or score < 2.5:
            return None
        return search.figures(ctx, q, compact, found=local)

    def _choices(self, ctx: Ctx, q: Query, match: Match) -> Answer:
        """Which organisation was meant; when the question has parts a command cannot carry (a measure,
        a time), each button carries the whole question as encoded button data instead."""
        answer = info.choices(ctx, q, match)
        if not (q.measure or q.span is not None or q.year) or q.intent == "compare":
            return answer
        codec = self.buttons()
        refs = []
        for choice in answer.choices:
            org = self.kb.organisation(choice.id)
            data = codec.encode(replace(q, org_ids=[*q.org_ids, org.org_id], ambiguous=None)) if org else None
            refs.append(replace(choice, ref=data or choice.ref))
        return replace(answer, choices=refs)

    def _search(self, q: Query, compact: bool, ctx: Ctx) -> Answer:
        """No organisation named and no clear intent: try national figures, then findings, then give up."""
        figs, score = search.best_figures(ctx, q)
        if figs and score >= 2.0:
            return search.figures(ctx, q, compact, found=figs)
        if q.topics:
            return search.findings(ctx, q, compact)
        words = search.content_words(q.norm)
        hits = [
            f for f in self.kb.search_findings(q.norm, limit=30) if len(search.content_words(f.finding) & words) >= 2
        ]
        if hits:
            return search.findings(ctx, q, compact)
        return info.no_match(ctx, q)

    def _calm(self, question: str, message: str, intent: str = "error") -> Answer:
        return Answer(
            kind=NO_MATCH,
            intent=intent,
            question=question[:500],
            title="Sorry",
            pages=[Page(html=message, text=message)],
        )


#: What every intent's builder is: a question (in a context) to an answer, in full or compact.
Builder = Callable[[Ctx, Query, bool], Answer]


def _builder(path: str) -> Builder:
    """``"tables.league"`` -> the function ``responses.tables.league``."""
    module, name = path.rsplit(".", 1)
    builder: Builder = getattr(importlib.import_module(f"responses.{module}"), name)
    return builder


def _first_page_read(answer: Answer, form: str) -> Answer:
    """``answer`` with its first page rendered in the ``form`` it will be shown in (a template fault
    surfaces here, inside the engine's guard, not in the caller)."""
    first = answer.pages[0]
    _ = first.html if form == "html" else first.text
    return answer


def _with_note(answer: Answer, note: str) -> Answer:
    """The answer with one line in front saying which part of the question it could not apply."""
    from markupsafe import escape

    from responses.render import fit

    first = answer.pages[0]
    page = fit(Page(html=f"<i>{escape(note)}</i>\n\n{first.html}", text=f"{note}\n\n{first.text}"))
    return replace(answer, pages=[page, *answer.pages[1:]])
