"""Reading a request for a chart, and answering it in words for front ends that cannot show pictures.

The forms are ``/chart league [filters]``, ``/chart years [type] [rounds]``, ``/chart NAME`` and
``/chart A vs B [vs C ...]``, and questions in words ("show me a chart of PDU ratings"). Names and
filters are read by the engine's own parser, so "/chart league crc 2019" picks exactly the bodies
"/league crc 2019" lists, and a league filter the league cannot use gets the league's own answer.

A chart is named by a ``ref``: the canonical command that draws it again ("/chart league crc 2019",
"/chart #1a2b3c4d"), short enough for a button, like every other answer's ref.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from knowledge.resolve import Match, normalise
from responses.answer import ANSWER, CHOICES, NO_MATCH, REF_LIMIT, Answer, Choice, Page
from responses.charts import data
from responses.charts.data import Chart
from responses.tables import _filters, _ref
from responses.understand import Query, find_region, find_type

if TYPE_CHECKING:
    from responses.engine import Engine

KINDS = ("league", "years", "history", "compare")
_COMMAND = re.compile(r"^/chart(?:@\w+)?(?:\s+(.*))?$", re.I | re.S)
#: Words that ask for a picture; "plot" only as the first word ("plot Leeds vs Wakefield"), not "a plot of land".
_WORDS = re.compile(r"\b(charts?|graphs?|diagrams?|visuali[sz](?:e|ation))\b|^\s*plot\b", re.I)
_FILLER = re.compile(
    r"\b(show|me|us|draw|make|give|send|can|could|you|please|a|an|the|of|for|as|with|picture|"
    r"image|bar|line|pie)\b",
    re.I,
)
_LEAGUE = re.compile(r"^\s*(league|table|ranking)s?\b", re.I)
_YEARS = re.compile(
    r"^\s*(years?|rounds?|over the years|trends?)\b|\bover (the )?(years|time)\b|"
    r"\b(by|per|each|every) (year|round|programme)\b|\bratings over\b|\byear by year\b",
    re.I,
)
_YEARS_FIRST = re.compile(r"^\s*(years?|rounds?)\b", re.I)
_ROUNDS = re.compile(r"\b(rounds?|programmes?)\b", re.I)
_YOUTH = re.compile(r"\b(youth|yjs|yots?|yos|youth justice|youth offending)\b", re.I)

USAGE = (
    "Charts I can draw:\n"
    "/chart league [crc|nps|pdu|region|youth|YEAR|REGION]: a league table as a picture\n"
    "/chart years [crc|nps|pdu|region|youth] [rounds]: how many of each rating, year by year\n"
    "/chart NAME: every inspection of one body on a time line\n"
    "/chart A vs B: two to four bodies side by side"
)


@dataclass(frozen=True)
class ChartRequest:
    """Which chart, with what filters: everything that decides the picture, and so the cache key."""

    kind: str
    filters: tuple[tuple[str, Any], ...] = ()  # league: org_type, region, programme, year
    org_type: str | None = None  # years
    by: str = "year"  # years: "year" or "round"
    org_ids: tuple[str, ...] = ()  # history (one) or compare (two to four)

    def ref(self, engine: Engine) -> str | None:
        """The command that draws this chart again, or None when it would not fit in a button (or names a
        body the knowledge base no longer holds)."""
        kb = engine.kb
        if self.kind == "league":
            f = dict(self.filters)
            ref = _ref("/chart league", {**f, "org_type": _type_word(f.get("org_type"))})
        elif self.kind == "years":
            words = ("/chart years", _type_word(self.org_type), "rounds" if self.by == "round" else "")
            ref = " ".join(w for w in words if w)
        else:
            orgs = [kb.organisation(o) for o in self.org_ids]
            keys = [f"#{org.short_key}" for org in orgs if org is not None]
            if len(keys) < len(orgs):
                return None
            ref = "/chart " + " vs ".join(keys)
        return ref if len(ref.encode()) <= REF_LIMIT else None


def _type_word(org_type: str | None) -> str:
    return {"yjs": "youth"}.get(org_type or "", org_type or "")


def is_chart_question(text: str) -> bool:
    """A ``/chart`` command, or a question in words that asks for a chart, graph or plot."""
    text = (text or "").strip()
    if text.startswith("/"):
        return bool(_COMMAND.match(text))
    return bool(_WORDS.search(text))


def _rest(text: str) -> str:
    """The request without "/chart" or the words that only ask for a picture."""
    text = " ".join(text.split())
    m = _COMMAND.match(text)
    if m:
        return (m.group(1) or "").strip()
    return " ".join(_FILLER.sub(" ", _WORDS.sub(" ", text)).split())


#: Words that ask for the default league when nothing else is named ("a chart of ratings").
_NEUTRAL = {
    "ratings",
    "rating",
    "rated",
    "all",
    "inspections",
    "inspection",
    "probation",
    "today",
    "todays",
    "current",
    "latest",
    "overall",
    "results",
    "grades",
    "services",
    "bodies",
    "organisations",
    "in",
    "by",
    "and",
    "to",
    "what",
    "how",
    "is",
    "are",
    "our",
    "on",
    "i",
    "want",
    "see",
    "would",
    "like",
    "league",
    "table",
}


def _understood(q: Query, rest: str) -> bool:
    """Whether the words name a filter, or ask only for "the ratings" (the default league)."""
    if q.org_type or q.region or q.programme or q.year or q.rating or _YOUTH.search(rest):
        return True
    return all(word in _NEUTRAL for word in q.norm.split())


def _region_league(q: Query, region: str) -> bool:
    """A region named with nothing else but words for ratings: the league of that region's bodies."""
    region_words = set(normalise(region).split())
    others = [w for w in q.norm.split() if w not in region_words]
    return bool(others) and all(w in _NEUTRAL or find_type(w) for w in others)


def parse(engine: Engine, text: str) -> ChartRequest | Answer | None:
    """The chart asked for, or the answer to give instead (usage, a choice of names, a bad filter).

    ``None`` for words that mentioned a plot or a graph but asked nothing we can draw: the engine
    then answers them as any other question.
    """
    rest = _rest(text)
    command = bool(_COMMAND.match(" ".join(text.split())))
    if not rest and command:
        return _usage(text)
    league_words = _LEAGUE.match(rest)
    if league_words:
        return _league(engine, rest[league_words.end() :].strip(), text)
    years = bool(_YEARS.search(rest))
    years_asked = bool(_YEARS_FIRST.match(rest))  # "/chart years ...": even a name in it does not make a history
    q = engine.understander.understand(rest) if rest else None
    # The region the words name, even where it is also a body's name (the parser then leaves it out).
    region = (
        q.region or find_region(q.norm, engine.understander.region_re, engine.understander.region_keys)
        if q is not None
        else None
    )
    if q is not None and region and not years and _region_league(q, region):
        return _league(engine, rest, text)  # "ratings in Wales": the region's league, not Wales CRC
    if q is not None and q.topics and not command:
        return None  # "is there a graph of caseloads in Leeds": findings and figures, which the engine answers
    if q is not None and q.ambiguous is not None and not years_asked and not _YOUTH.fullmatch(q.ambiguous.text):
        return _choices(engine, text, q, q.ambiguous)
    if q is not None and q.org_ids and not years_asked:  # "Sheffield over time" is Sheffield's history
        if any(engine.kb.organisation(o) is None for o in q.org_ids[:4]):
            return _nothing(text, "That organisation is not in the inspection records I hold.")
        if len(q.org_ids) >= 2:
            return ChartRequest("compare", org_ids=tuple(q.org_ids[:4]))
        return ChartRequest("history", org_ids=(q.org_ids[0],))
    if q is not None and not years and not _understood(q, rest):
        if not command:
            return None  # "plot twist": not a request for a chart after all; the engine answers it as usual
        return _nothing(text, f'I can\'t tell what to draw from "{rest[:60]}".\n\n{USAGE}')
    if years:
        org_type = q.org_type if q is not None else None
        if org_type is None and _YOUTH.search(rest):
            org_type = "yjs"
        return ChartRequest(
            "years",
            org_type=org_type if org_type in data.RATED_TYPES else None,
            by="round" if _ROUNDS.search(rest) else "year",
        )
    return _league(engine, rest, text)


def league_filters(engine: Engine, rest: str) -> data.LeagueFilters:
    """The filters ``/league REST`` applies (youth words read as youth justice services where the parser does not)."""
    q = engine.understander.understand(f"/league {rest}".strip())
    f = _filters(q, "pdu")
    if q.org_type is None and _YOUTH.search(rest):
        f["org_type"] = "yjs"
    return f


def _league(engine: Engine, rest: str, text: str) -> ChartRequest | Answer:
    """A league chart under the filters ``/league`` reads from the same words, or ``/league``'s own answer.

    When the league cannot be drawn (a filter it cannot use, or no rated body left), whatever
    ``/league`` says to the same words is the answer, so the two never disagree.
    """
    f = league_filters(engine, rest)
    league_answer = engine.ask(f"/league {rest}".strip())
    if league_answer.kind != ANSWER or league_answer.intent != "league":
        return league_answer
    if not engine.kb.league(**f):
        return league_answer if f["org_type"] != "yjs" else _nothing(text, "No rated youth justice services match.")
    return ChartRequest("league", filters=tuple(sorted(f.items())))


def _choices(engine: Engine, text: str, q: Query, ambiguous: Match) -> Answer:
    """A name that fits several bodies: one button per body, each drawing that body's chart.

    A body the knowledge base no longer holds is left out.
    """
    known = [f"#{held.short_key}" for o in q.org_ids if (held := engine.kb.organisation(o)) is not None]
    options = []
    for org_id in ambiguous.org_ids[:8]:
        org = engine.kb.organisation(org_id)
        if org is None:
            continue
        keys = list(known)
        keys.insert(min(q.ambiguous_index, len(keys)), f"#{org.short_key}")
        label = f"{data.chart_name(org.name, org.org_type)} ({org.type_label})"
        options.append(Choice(label=label, id=org_id, ref="/chart " + " vs ".join(keys[:4])))
    words = f"Which {ambiguous.text}? Pick one to draw its chart."
    return Answer(
        kind=CHOICES,
        intent="choices",
        question=text[:500],
        title=f"Which {ambiguous.text}?",
        pages=[Page(html=html.escape(words), text=words)],
        choices=options,
    )


def _no_chart(text: str, intent: str, title: str, message: str) -> Answer:
    """A plain one-page answer for a chart request that draws nothing; one shape for every such reply."""
    return Answer(
        kind=NO_MATCH,
        intent=intent,
        question=text[:500],
        title=title,
        pages=[Page(html=html.escape(message), text=message)],
    )


def _usage(text: str) -> Answer:
    return _no_chart(text, "usage", "Charts", USAGE)


def _nothing(text: str, message: str) -> Answer:
    return _no_chart(text, "no_match", "No chart", message)


def chart_data(engine: Engine, request: ChartRequest) -> Chart:
    """The numbers for the picture, from the engine's knowledge base."""
    kb = engine.kb
    if request.kind == "league":
        return data.league(kb, dict(request.filters))
    if request.kind == "years":
        return data.years(kb, request.org_type, request.by)
    if request.kind == "history":
        return data.history(kb, request.org_ids[0])
    return data.compare(kb, list(request.org_ids))


def answer(engine: Engine, text: str) -> Answer | None:
    """A chart request answered in words: the caption, and the chart's ref in ``charts``.

    The Telegram bot sends the picture for such an answer; the terminal prints the words, and
    ``probation-bot chart`` writes the picture to a file. ``None``: not a chart request after all.
    """
    request = parse(engine, text)
    if request is None or isinstance(request, Answer):
        return request
    chart = chart_data(engine, request)
    caption = data.caption(chart)
    ref = request.ref(engine)
    return Answer(
        kind=ANSWER,
        intent="chart",
        question=text[:500],
        title=chart.title,
        pages=[Page(html=html.escape(caption), text=caption)],
        ref=ref,
        charts=[ref] if ref else [],
    )


#: Which answers offer a chart, by the command their ref starts with, and the chart command it becomes.
_OFFERS = {"/league": "/chart league", "/history": "/chart", "/compare": "/chart"}


def offered(engine: Engine, answer: Answer) -> list[str]:
    """The charts an answer offers (a "Chart" button; ``charts`` in ``ask --json``): league, history, compare.

    A league with no rated body in it offers none: there would be nothing to draw.
    """
    if answer.kind != ANSWER or not answer.ref or answer.intent == "chart":
        return list(answer.charts)
    command, _, rest = answer.ref.partition(" ")
    chart = _OFFERS.get(command)
    if chart is None or (
        command == "/league" and (answer.intent != "league" or not engine.kb.league(**league_filters(engine, rest)))
    ):
        return []
    ref = f"{chart} {rest}".strip() if rest or chart != "/chart" else None
    return [ref] if ref and len(ref.encode()) <= REF_LIMIT else []
