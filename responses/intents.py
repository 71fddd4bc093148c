"""The registry of intents: one entry per kind of answer, in one place.

Each ``Intent`` says its name, its slash command, the slots it needs and the slots its builder applies
(``accepts``), the words that suggest it, its priority when several fit, and the usage line shown
when a needed slot is missing. The engine dispatches through this table, and any slot a question
filled that the chosen intent does not accept is named in the answer ("I can't ... ; here is ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from responses.query import Query

#: Every slot a question can fill, in the order the answer names them.
SLOTS = ("org", "org_type", "rating", "region", "programme", "time", "topics", "score", "owner", "change",
         "standard", "measure", "latest", "collection", "inspected")


@dataclass(frozen=True)
class Intent:
    name: str
    command: str | None
    needs: frozenset[str]
    accepts: frozenset[str]
    triggers: str  # a regex over the normalised question ("" = chosen by slots alone)
    priority: int
    builder: str  # "module.function" in responses (resolved by the engine; keeps imports one way)
    usage: str
    aliases: tuple[str, ...] = ()  # more slash commands for the same intent

    @property
    def trigger_re(self) -> re.Pattern | None:
        return re.compile(self.triggers) if self.triggers else None


def _i(name, command, needs, accepts, triggers, priority, builder, usage, aliases=()) -> Intent:
    return Intent(name, command, frozenset(needs.split()), frozenset(accepts.split()), triggers, priority, builder,
                  usage, tuple(aliases))


_SET = "org_type region programme time"
#: What every answer about a named organisation applies: the name (a kind word beside it narrows it), its
#: ratings (shown in full) and "latest" (it leads with the latest inspection).
_ORG = "org org_type latest"
_RATED = _ORG + " rating"
INTENTS: list[Intent] = [
    _i("out_of_scope", None, "", " ".join(SLOTS), "", 100, "scope.out_of_scope", ""),
    _i("summary", "inspection", "org", _RATED, "", 10, "organisation.summary",
       "Tell me which organisation, e.g. /inspection Sheffield", aliases=("org",)),
    _i("history", "history", "org", _RATED, r"\bimprov|\bhistory\b|over time|\bprogress", 20, "organisation.history",
       "Tell me which organisation, e.g. /history Durham Tees Valley CRC"),
    _i("compare", "compare", "org", _RATED, r"\bcompar|\bvs\b|\bversus\b", 30, "organisation.compare",
       "Name two organisations, e.g. /compare Sheffield vs Doncaster"),
    _i("owner", "owner", "org", _ORG, r"\bown|\bran\b|\brun by\b", 25, "organisation.fact",
       "Tell me which CRC, e.g. /owner Merseyside CRC"),
    _i("people", "people", "org", _ORG, r"how many people|\bsupervis", 25, "organisation.fact",
       "Tell me which organisation, e.g. /people HLNY CRC"),
    _i("score", "score", "org", _ORG, r"\bscor|\bpoints?\b", 25, "organisation.fact",
       "Tell me which organisation, e.g. /score Sheffield"),
    _i("standards", "standards", "org", _ORG, r"\bstandards?\b|\bbreakdown\b", 25, "organisation.fact",
       "Tell me which organisation, e.g. /standards Essex North"),
    _i("date", "date", "org", _ORG, r"^when\b|\bpublished\b", 15, "organisation.fact",
       "Tell me which organisation, e.g. /date Sheffield"),
    _i("measure", "measure", "org", _ORG + " measure topics", r"\bhow many\b|\bwhat share\b", 26, "measures.measure",
       "Tell me which organisation, e.g. /measure cases inspected Sheffield"),
    _i("findings", "find", "", "org topics org_type region time", r"\bsa(y|id)\b|\bfindings?\b", 12,
       "search.findings", "Tell me a topic, e.g. /find caseloads"),
    _i("league", "league", "", _SET + " latest", r"\bleague\b|\brank", 40, "tables.league",
       "e.g. /league pdu"),
    _i("list", "list", "", _SET + " rating inspected latest", r"\bwhich\b|\blist\b", 35, "tables.rating_list",
       "e.g. /list inadequate pdu"),
    _i("count", "count", "", _SET + " rating", r"\bhow many\b", 36, "tables.count", "e.g. /count good pdu"),
    _i("score_list", "score_list", "", "score org_type", r"\bscor", 34, "tables.score_list", "e.g. /score_list 1 of 27"),
    _i("changed", "changed", "", "org_type region change time", r"\bimproved\b|\bdeclined\b|\bgrades?\b", 45,
       "tables.changed", "e.g. /changed pdu down 1"),
    _i("standard_list", "standard_list", "standard", "org_type region rating standard time", "", 46,
       "tables.standard_list", "e.g. /standard_list crc outstanding through the gate"),
    _i("collection", "collection", "collection", "collection org_type time", r"\bdipp\b|\bthematic", 44,
       "tables.collection", "e.g. /collection dipp"),
    _i("latest", "latest", "", "org_type region time latest collection", r"\blatest\b|\brecent", 38, "tables.latest",
       "e.g. /latest pdu"),
    _i("owned_by", "owned_by", "owner", "owner org_type", "", 42, "tables.owned_by",
       "Tell me which company, e.g. /owned_by Sodexo"),
    _i("owners", "owners", "", "org_type", r"\bcompanies\b|\bproviders\b|\bowners\b", 41, "tables.owners",
       "e.g. /owners"),
    _i("figures", "figures", "", "topics time measure", r"\bhow many\b|\baverage\b|\bshare\b", 11, "search.figures",
       "e.g. /figures caseload"),
    _i("glossary", "glossary", "", "org_type", r"^what (is|are|does)\b", 5, "info.glossary", ""),
    _i("about", "about", "", "", "", 1, "info.about", ""),
    _i("sources", "sources", "", "", "", 1, "info.sources", ""),
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
    out: dict[str, str] = {}
    if q.org_ids:
        out["org"] = "the organisation named"
    if q.org_type:
        out["org_type"] = f"the kind of body ({q.org_type.upper() if q.org_type in ('crc', 'nps', 'pdu') else q.org_type})"
    if q.rating:
        out["rating"] = f"the rating ({q.rating})"
    if q.region:
        out["region"] = f"the region ({q.region})"
    if q.programme:
        out["programme"] = f"the programme ({q.programme})"
    if q.span is not None or q.year:
        out["time"] = f"the time ({q.time_words()})"
    if q.topics:
        out["topics"] = f"the topic ({', '.join(t.replace('-', ' ') for t in q.topics)})"
    if q.score is not None:
        out["score"] = f"the score ({q.score[0]}{f' of {q.score[1]}' if q.score[1] else ''})"
    if q.owner:
        out["owner"] = f"the company ({q.owner})"
    if q.change is not None:
        out["change"] = f"the change of rating ({q.change.describe()})"
    if q.standard:
        out["standard"] = f"the standard ({q.standard})"
    if q.measure:
        out["measure"] = f"the measure ({q.measure})"
    if q.collection:
        out["collection"] = f"the kind of inspection ({q.collection})"
    return out


def unapplied(q: Query) -> dict[str, str]:
    """The slots the question filled that its intent's builder does not apply."""
    intent = BY_NAME.get(q.intent)
    if intent is None:
        return {}
    return {k: v for k, v in filled_slots(q).items() if k not in intent.accepts}
