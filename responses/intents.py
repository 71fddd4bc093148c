"""The registry of intents: one entry per kind of answer, in one place.

Each ``Intent`` says its name, its slash command, the slots it needs and the slots its builder applies
(``accepts``), its builder and the usage line shown when a needed slot is missing. ``RULES`` is the
grammar that chooses among them: each rule names an intent, a priority, and a condition over the
question's slots and its trigger words (``WORDS``, by class); the first rule that holds, from the
highest priority down, wins. The engine dispatches through the table, and any slot a question filled
that the chosen intent does not accept is named in the answer ("I can't ... ; here is ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from responses.query import Query

#: The trigger words, by class: each rule below asks whether the question holds words of a class.
WORDS: dict[str, re.Pattern[str]] = {
    "greeting": re.compile(
        r"^(hi|hello|hey|hiya|good (morning|afternoon|evening)|thanks?( you)?|cheers|ta|ok|okay|yo)( bot)?$"
    ),
    "help": re.compile(
        r"^(help|start|menu|commands|\?)$|what can you do|how do i use|how does this work|what do you know"
    ),
    "about": re.compile(r"^about$|who are you|what are you|who made you|about (this|the) bot"),
    "sources": re.compile(
        r"^sources?$|where (do|does) (the |your )?(data|facts|information|figures) come from|your sources|what sources"
    ),
    "latest": re.compile(r"\b(latest|most recent|newest|recent|recently|new|just published|this (week|month|year))\b"),
    "league": re.compile(
        r"\bleague\b|(?<!drop )\btables?\b|\brank\w*|\branking\b|\btop \d+|"
        r"\bbest and worst\b|\bbest\b|\bworst\b|\bbottom\b"
    ),
    "compare": re.compile(
        r"\bcompar\w*|\bvs\b|\bversus\b|\bagainst\b|\bdifference between\b|\bbetter than\b|\bworse than\b"
    ),
    "history": re.compile(
        r"\bimprov(ed|e|ing)\b|\bprogress\w*|over time|\bhistory\b|\btrend\w*|\bchanged?\b|\bbefore\b|"
        r"\bprevious\w*|\b(get|gets|getting|got|gotten|become|became) (better|worse)\b|\bany (better|worse)\b|"
        r"\bdeclin\w*|\bworsen\w*|\bsince\b|\bevery inspection|\ball inspections"
    ),
    "owner": re.compile(
        r"\bown(s|ed|er|ers|ership)?\b|\b(who|which company|what company|which firm|what firm) "
        r"(ran|runs|run|operated|operates|managed|manages)\b|\brun by\b|"
        r"\bprovider\b|\bcontractor\b|\bcompany behind\b|\bparent\b"
    ),
    "people": re.compile(
        r"how many (people|offenders|cases|service users|individuals|men|women)|\bpeople supervised\b|"
        r"\bsupervis(e|es|ed|ing)\b|\bcaseload size\b|\bhow big\b|\bsize\b"
    ),
    "score": re.compile(r"\bscor(e|ed|es|ing)\b|\bpoints?\b|\bout of (27|36|39)\b|\b\d+ ?/ ?(27|36|39)\b"),
    "date": re.compile(r"^when\b|\bwhat date\b|\bwhen (was|were|did)\b|\bpublished\b|\bdate\b"),
    "standards": re.compile(
        r"\bstandards?\b|\bbreakdown\b|\bdomains?\b|\beach area\b|\bsub ?ratings?\b|"
        r"\b(court|out of court) disposals?\b|\borganisational delivery\b"
    ),
    "say": re.compile(
        r"\bsa(y|id|ys)\b|\bfindings?\b|\bfound\b|\bconcerns?\b|\bstrengths?\b|\bcriticis\w*|\bprais\w*|"
        r"\bwhat about\b|\bissues?\b|\bproblems?\b|\bwhy\b|\bdetails?\b|\btell me about\b"
    ),
    "figure": re.compile(
        r"how many|how much|\baverage\b|\bhow (short|heavy|high|big|long|often)\b|"
        r"what (share|proportion|percentage|fraction|number)|\bper ?cent\b|%|"
        r"\bproportion\b|\bshare of\b|\bnumber of\b|\bhow often\b|\brate of\b|\bnationally\b|\bnational\b|\btotal\b"
    ),
    "count": re.compile(r"how many\b"),
    "percent": re.compile(r"%|\bper ?cent|\bpercentage\b|\bproportion\b|\bwhat share\b|\bfraction\b"),
    "glossary": re.compile(
        r"^(what|who) (is|are|was|were) (an? |the )?(crcs?|nps|pdus?|regions?|probation delivery units?|"
        r"community rehabilitation compan\w*|national probation service|dipp|dynamic inspections?|yjss?|yots?|yoss?|"
        r"youth (?:offending|justice) (?:teams?|services?)|"
        r"ratings?|scores?|points?|hmi ?probation|the inspectorate)\b|"
        r"^what does (crc|nps|pdu|dipp|yjs|yot|yos|requires improvement|inadequate) mean|"
        r"^how (are|is) .* (rated|scored)"
    ),
    "list": re.compile(r"\bwhich\b|\blist\b|\bshow\b|\bwhat\b|\bwho\b|\bname\b|\ball\b|\bany\b"),
    "inspected": re.compile(r"\binspected\b|\b(had|have|has) (an |a )?inspection\b"),
    "published": re.compile(
        r"\b(published|publish\w*|reports?|inspections?|inspected|came out|come out|out|anything|new|"
        r"ratings?|rated|happened)\b"
    ),
    "national": re.compile(r"\bnationally\b|\bnational (figures?|totals?|picture)\b|\bacross (england|the country)\b"),
    "said": re.compile(r"\bsa(y|id|ys)\b|\bfindings?\b|\bfound\b|\bevidence\b|\bconcerns?\b|\bcriticis\w*"),
    "improved": re.compile(r"\b(improved|declined|got (better|worse)|went (up|down)|deteriorated)\b"),
    "grades": re.compile(r"\bgrades?\b"),
    "companies": re.compile(r"\b(companies|providers|owners|firms)\b"),
    "org_nouns": re.compile(r"\b(organisations|services|bodies|inspections|units)\b"),
    "people_nouns": re.compile(r"\bpeople\b|\boffenders\b|\bcases\b|\bstaff\b|\bofficers\b"),
    "which": re.compile(r"\bwhich\b|\bwho\b"),
    "plural_kinds": re.compile(
        r"\b(crcs|pdus|divisions|regions|yjss|yots|yoss)\b|\byouth (justice |offending )?(services|teams)\b"
    ),
    "report_words": re.compile(r"\binspection|\breport|\bpublished|\brated|\bnews\b"),
    "supervised": re.compile(r"\bsupervis\w*|\bpeople\b|\boffenders\b|\bhow big\b"),
    "when": re.compile(r"^when\b"),
    "how_did": re.compile(r"\bhow (did|do|does|are|were|have|has|is)\b"),
}

#: Every slot a question can fill, in the order the answer names them.
SLOTS = (
    "org",
    "org_type",
    "rating",
    "region",
    "programme",
    "time",
    "topics",
    "score",
    "owner",
    "change",
    "standard",
    "measure",
    "latest",
    "collection",
    "inspected",
)


@dataclass(frozen=True)
class Intent:
    name: str
    command: str | None
    needs: frozenset[str]
    accepts: frozenset[str]
    builder: str  # "module.function" in responses (resolved by the engine; keeps imports one way)
    usage: str
    aliases: tuple[str, ...] = ()  # more slash commands for the same intent

    @property
    def rules(self) -> list[Rule]:
        """The rules that choose this intent (each with its trigger words and priority), highest first."""
        return [r for r in RULES if r.intent == self.name]


def _i(
    name: str, command: str | None, needs: str, accepts: str, builder: str, usage: str, aliases: tuple[str, ...] = ()
) -> Intent:
    return Intent(name, command, frozenset(needs.split()), frozenset(accepts.split()), builder, usage, tuple(aliases))


_SET = "org_type region programme time"
#: What every answer about a named organisation applies: the name (a kind word beside it narrows it), its
#: ratings (shown in full) and "latest" (it leads with the latest inspection).
_ORG = "org org_type latest"
_RATED = _ORG + " rating"
INTENTS: list[Intent] = [
    _i("out_of_scope", None, "", " ".join(SLOTS), "scope.out_of_scope", ""),
    _i(
        "summary",
        "inspection",
        "org",
        _RATED,
        "organisation.summary",
        "Tell me which organisation, e.g. /inspection Sheffield",
        aliases=("org",),
    ),
    _i(
        "history",
        "history",
        "org",
        _RATED,
        "organisation.history",
        "Tell me which organisation, e.g. /history Durham Tees Valley CRC",
    ),
    _i(
        "compare",
        "compare",
        "org",
        _RATED,
        "organisation.compare",
        "Name two organisations, e.g. /compare Sheffield vs Doncaster",
    ),
    _i("owner", "owner", "org", _ORG, "organisation.fact", "Tell me which CRC, e.g. /owner Merseyside CRC"),
    _i("people", "people", "org", _ORG, "organisation.fact", "Tell me which organisation, e.g. /people HLNY CRC"),
    _i("score", "score", "org", _ORG, "organisation.fact", "Tell me which organisation, e.g. /score Sheffield"),
    _i(
        "standards",
        "standards",
        "org",
        _ORG,
        "organisation.fact",
        "Tell me which organisation, e.g. /standards Essex North",
    ),
    _i("date", "date", "org", _ORG, "organisation.fact", "Tell me which organisation, e.g. /date Sheffield"),
    _i(
        "measure",
        "measure",
        "org",
        _ORG + " measure topics",
        "measures.measure",
        "Tell me which organisation, e.g. /measure how many cases were inspected at Sheffield",
    ),
    _i(
        "findings",
        "find",
        "",
        "org topics org_type region time",
        "search.findings",
        "Tell me a topic, e.g. /find caseloads",
    ),
    _i("league", "league", "", "org " + _SET + " latest", "tables.league", "e.g. /league pdu"),
    _i("list", "list", "", _SET + " rating inspected latest", "tables.rating_list", "e.g. /list inadequate pdu"),
    _i("count", "count", "", _SET + " rating", "tables.count", "e.g. /count good pdu"),
    _i("score_list", "score_list", "", "score org_type", "tables.score_list", "e.g. /score_list 1 of 27"),
    _i("changed", "changed", "", "org_type region change time", "tables.changed", "e.g. /changed pdu down a grade"),
    _i(
        "standard_list",
        "standard_list",
        "standard",
        "org_type region rating standard time",
        "tables.standard_list",
        "e.g. /standard_list crc outstanding through the gate",
    ),
    _i(
        "collection",
        "collection",
        "collection",
        "collection org_type time topics",
        "tables.collection",
        "e.g. /collection dipp",
    ),
    _i("latest", "latest", "", "org_type region time latest collection", "tables.latest", "e.g. /latest pdu"),
    _i(
        "owned_by",
        "owned_by",
        "owner",
        "owner org_type",
        "tables.owned_by",
        "Tell me which company, e.g. /owned_by Sodexo",
    ),
    _i("owners", "owners", "", "org_type", "tables.owners", "e.g. /owners"),
    _i("figures", "figures", "", "topics time measure", "search.figures", "e.g. /figures caseload"),
    _i("glossary", "glossary", "", "org_type", "info.glossary", ""),
    _i("about", "about", "", "", "info.about", ""),
    _i("sources", "sources", "", "", "info.sources", ""),
]
BY_NAME: dict[str, Intent] = {i.name: i for i in INTENTS}
#: Slash command -> intent name (the commands people and buttons type).
COMMANDS: dict[str, str] = {"start": "start", "help": "help"}
for _intent in INTENTS:
    for _command in (_intent.command, *_intent.aliases):
        if _command:
            COMMANDS[_command] = _intent.name
#: Intents about one (or two) named organisations.
ORG_INTENTS = {i.name for i in INTENTS if "org" in i.needs}


def filled_slots(q: Query) -> dict[str, str]:
    """Each slot the question filled, with the words an answer uses to name it."""
    kind = q.org_type.upper() if q.org_type in ("crc", "nps", "pdu") else q.org_type
    score = f"{q.score[0]}{f' of {q.score[1]}' if q.score[1] else ''}" if q.score is not None else None
    named: tuple[tuple[str, str, object], ...] = (
        ("org_type", "the kind of body", kind),
        ("rating", "the rating", q.rating),
        ("region", "the region", q.region),
        ("programme", "the programme", q.programme),
        ("time", "the time", q.time_words() if q.span is not None or q.year else None),
        ("topics", "the topic", ", ".join(t.replace("-", " ") for t in q.topics)),
        ("score", "the score", score),
        ("owner", "the company", q.owner),
        ("change", "the change of rating", q.change.describe() if q.change is not None else None),
        ("standard", "the standard", q.standard),
        ("measure", "the measure", q.measure),
        ("collection", "the kind of inspection", q.collection),
    )
    out = {"org": "the organisation named"} if q.org_ids else {}
    out.update((slot, f"{words} ({value})") for slot, words, value in named if value)
    return out


#: The slots most questions fill; an intent that applies them all needs no closer look at a plain question.
_QUICK_SLOTS = frozenset({"org", "org_type", "rating", "region", "programme", "time"})


def unapplied(q: Query) -> dict[str, str]:
    """The slots the question filled that its intent's builder does not apply."""
    intent = BY_NAME.get(q.intent)
    if intent is None or (
        intent.accepts >= _QUICK_SLOTS
        and not (q.topics or q.score or q.owner or q.change or q.standard or q.measure or q.collection)
    ):
        return {}
    return {k: v for k, v in filled_slots(q).items() if k not in intent.accepts}


# -- choosing the intent ------------------------------------------------------------------------------
class Signals:
    """What the rules look at: the query's slots (``q``) and which word classes its text holds (``has``)."""

    def __init__(self, q: Query, named: bool):
        self.q = q
        # With a body named, its name's own words ("progress made" in a report's title) are not triggers.
        self.n = q.free_words if named and q.free_words else q.norm
        self.named = named
        self.many = len(q.org_ids) + (1 if q.ambiguous else 0)
        self.short = len(q.norm.split())
        self._seen: dict[str, bool] = {}

    def has(self, *classes: str) -> bool:
        """True when the question holds words of any of ``classes`` (each looked up once)."""
        for name in classes:
            seen = self._seen.get(name)
            if seen is None:
                text = self.q.text.lower() if name == "percent" else self.n
                pattern = WORDS[name]
                seen = self._seen[name] = bool(pattern.match(text) if name == "greeting" else pattern.search(text))
            if seen:
                return True
        return False


@dataclass(frozen=True)
class Rule:
    """``intent`` when ``when(signals)`` holds; rules are tried from the highest ``priority`` down.
    ``named`` limits a rule to questions that name an organisation (True) or name none (False)."""

    intent: str
    priority: int
    named: bool | None
    when: Callable[[Signals], bool]


def set_words(q: Query) -> bool:
    """Words that make a region's name a filter on a set ("inadequate PDUs in Wales"), not a body's name."""
    s = Signals(q, False)
    return bool(
        q.rating
        or (q.org_type and s.has("plural_kinds"))
        or s.has("league")
        or (s.has("count") and q.org_type and not s.has("people"))
        or (q.topics and s.has("say"))
    )


R = Rule
#: The grammar: the first rule that holds, from the top, chooses the intent.
RULES: list[Rule] = sorted(
    [
        R("empty", 1000, None, lambda s: not s.n),
        R("greeting", 990, None, lambda s: s.has("greeting")),
        R("help", 980, False, lambda s: s.has("help")),
        R("about", 970, False, lambda s: s.has("about")),
        R("sources", 960, False, lambda s: s.has("sources")),
        R("out_of_scope", 950, None, lambda s: bool(s.q.out_of_scope)),
        # -- no organisation named: a set of organisations, a figure or a topic
        R(
            "search",
            900,
            False,
            lambda s: (
                s.has("national")
                and not (s.q.org_type or s.q.region or s.q.collection or (s.q.topics and s.has("say")))
            ),
        ),
        R("changed", 890, False, lambda s: s.q.change is not None or (bool(s.q.direction) and s.has("grades"))),
        R("standard_list", 880, False, lambda s: bool(s.q.standard and s.q.rating)),
        R("owned_by", 870, False, lambda s: bool(s.q.owner)),
        R(
            "collection",
            860,
            False,
            lambda s: bool(s.q.collection) and not (s.q.topics and s.has("say")) and not s.has("figure", "when"),
        ),
        R(
            "latest",
            850,
            False,
            lambda s: s.q.latest and bool(s.q.org_type) and not (s.q.rating or s.q.topics or s.has("count")),
        ),
        R(
            "latest",
            840,
            False,
            lambda s: (
                (s.q.span is not None or bool(s.q.year))
                and not (s.q.rating or s.q.org_type or s.q.topics or s.q.region or s.has("figure", "league"))
                and s.has("published")
            ),
        ),
        R(
            "list",
            830,
            False,
            lambda s: (
                (s.q.span is not None or bool(s.q.year) or s.has("inspected"))
                and bool(s.q.org_type)
                and not s.q.rating
                and not (s.has("league", "count") or s.q.topics or s.q.direction)
            ),
        ),
        R("glossary", 820, False, lambda s: s.has("glossary")),
        R("search", 810, False, lambda s: s.has("percent")),  # "what % of cases": a figure, not a list of Good ones
        R("changed", 800, False, lambda s: s.has("improved") and (bool(s.q.org_type) or s.has("which"))),
        R("league", 790, False, lambda s: s.has("league")),
        R("score_list", 780, False, lambda s: s.q.score is not None or (s.has("score") and not s.has("people"))),
        R("search", 770, False, lambda s: s.has("count") and s.has("owner", "companies")),  # the published figure
        R("owners", 760, False, lambda s: s.has("companies")),
        R(
            "count",
            750,
            False,
            lambda s: (
                s.has("count")
                and (bool(s.q.org_type) or s.has("org_nouns") or bool(s.q.rating))
                and not s.has("people_nouns")
            ),
        ),
        R("list", 740, False, lambda s: bool(s.q.rating) and (bool(s.q.org_type) or s.has("list") or s.short <= 4)),
        R("latest", 730, False, lambda s: s.has("latest") and (s.has("report_words") or s.short <= 3)),
        R(
            "league", 725, False, lambda s: s.has("plural_kinds") and s.has("how_did") and not s.q.topics
        ),  # "how did the Welsh PDUs do"
        R("league", 720, False, lambda s: bool(s.q.org_type) and s.short <= 3 and not s.q.topics),
        R("search", 715, False, lambda s: bool(s.q.measure and s.q.concepts) and not s.has("say")),  # figures first
        R(
            "league",
            712,
            False,
            lambda s: (
                s.q.org_type == "yjs"
                and bool(s.q.region or s.q.year or s.q.programme)
                and not s.q.topics
                and (s.has("list") or s.short <= 6)
            ),
        ),  # "which youth services are there in Wales?"
        R("findings", 710, False, lambda s: bool(s.q.topics) and (s.has("say") or not s.has("figure"))),
        R("findings", 700, False, lambda s: s.has("said") and not s.has("figure")),  # what they found, not a number
        R("search", 690, False, lambda s: True),
        # -- one or more organisations named
        R("compare", 500, True, lambda s: s.many >= 2),
        R("measure", 490, True, lambda s: bool(s.q.measure) and not s.has("supervised")),
        R("owner", 480, True, lambda s: s.has("owner") or bool(s.q.owner)),  # "did Interserve run Merseyside"
        R("people", 470, True, lambda s: s.has("people")),
        R("score", 460, True, lambda s: s.has("score")),
        R("standards", 450, True, lambda s: s.has("standards")),
        R("history", 440, True, lambda s: s.has("history")),
        R("findings", 430, True, lambda s: bool(s.q.topics) and not (s.q.rating and not s.has("say"))),
        R("date", 420, True, lambda s: s.has("date")),
        R("summary", 410, True, lambda s: True),
    ],
    key=lambda r: -r.priority,
)


def choose(q: Query, named: bool) -> str:
    """The intent of the first rule, from the highest priority down, that holds for ``q``."""
    signals = Signals(q, named)
    for rule in RULES:
        if (rule.named is None or rule.named == named) and rule.when(signals):
            return rule.intent
    return "search"
