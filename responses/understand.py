"""Turning what a person types into a ``Query``: the organisations named, every slot, then the intent.

This is where a question becomes something we can answer, in three steps kept apart:

1. names, by ``knowledge.resolve`` (county short forms such as "Northants" and "W Yorks" are spelt out
   first; a company's name is kept out of the search for places);
2. slots, each found on its own: kind of body, rating, region, programme, year, topics, score and
   company here; time span, change of rating, standard, measure, kind of inspection and what is out
   of scope in ``responses.slots``; ideas named in thesaurus words from ``knowledge.vocabulary``;
3. the intent, chosen by the registry's grammar (``responses.intents.RULES``) from the slots and the
   words around the names.

Slash commands ("/league crc", "/compare A vs B") go through the same parser, so a command and the
sentence it stands for give the same answer. Command refs use ``#key`` for an organisation
(``/inspection #1a2b3c4d``); ``responses.buttons`` packs a whole ``Query`` where a command cannot.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from knowledge.resolve import Match, Resolver, normalise
from knowledge.vocabulary import Vocabulary
from responses import slots
from responses.intents import COMMANDS, ORG_INTENTS, WORDS, choose, set_words
from responses.query import Query

__all__ = ["MAX_QUESTION", "Query", "Understander", "find_programme", "find_rating", "find_topics", "find_type"]

#: The longest question we read; the rest of a pasted essay is ignored (and the answer says so).
MAX_QUESTION = 500

RATING_WORDS: list[tuple[str, str]] = [
    (r"requir\w* improvement|need\w* improvement|\bri\b", "Requires improvement"),
    (r"\binadequates?\b|\bfail(ed|ing)\b", "Inadequate"),
    (r"\boutstanding\b", "Outstanding"),
    (r"\bgood\b", "Good"),
]
TYPE_PATTERNS: list[tuple[str, str]] = [
    # Youth first ("youth offending team", "youth justice service", YOT, YOS, YJS): a question that says
    # youth is about youth justice services.
    (r"\byjss?\b|\byots?\b|\byoss?\b|\byouth\b|\byjt\b", "yjs"),
    (r"\bcrcs?\b|\bcommunity rehabilitation compan", "crc"),
    (r"\bnps\b|\bdivisions?\b|national probation service", "nps"),
    (r"\bpdus?\b|delivery units?", "pdu"),
    (r"\bregions?\b|\bregional\b", "region"),
]
PROGRAMMES: list[tuple[str, str]] = [
    (r"first round|2018 ?19|round one|round 1\b|year one", "2018-19 first round"),
    (r"second round|2019 ?20|round two|round 2\b|year two", "2019-20 second round"),
    (r"2021 ?23|2021 to 2023", "2021-23 PDU"),
    (r"2023 ?25|2023 to 2025", "2023-25 PDU"),
    (r"pre 2018|before 2018|quality and impact", "pre-2018 (Quality & Impact / TR)"),
    (r"first (yjs|youth) (programme|round|inspections?)|(yjs|youth) 2018 24", "youth 2018-24"),
    (r"new (yjs|youth) (programme|round|inspections?)|(yjs|youth) 2025|iyjwcv", "youth 2025-"),
]
#: Topic words people use, mapped to the data's finding topics.
TOPICS: list[tuple[str, tuple[str, ...]]] = [
    (r"caseloads?|workloads?|case ?loads?|overworked|overstretched|too many cases", ("workloads",)),
    (
        r"staff(?:ing|ed)?\b|vacanc\w*|recruit\w*|retention|turnover|sickness|morale|"
        r"probation officers?|agency workers?",
        ("staffing",),
    ),
    (r"domestic abuse|domestic violence|\bdv\b|\bda\b", ("domestic-abuse",)),
    (r"safeguard\w*|child\w*|children s services", ("safeguarding",)),
    (r"risk of (serious )?harm|\brisk\w*|public protection|dangerous|\bharm\b|\bmappa\b", ("risk-of-harm",)),
    (r"leader\w*|manage\w*|governance|senior", ("leadership",)),
    (r"victims?", ("victims",)),
    (r"women|female", ("women",)),
    (r"unpaid work|community payback", ("unpaid-work",)),
    (r"through the gate|resettle\w*|prison leavers?|release", ("through-the-gate",)),
    (r"courts?\b|sentenc\w*|pre sentence", ("court-work",)),
    (r"accommodation|housing|homeless\w*", ("accommodation",)),
    (
        r"\bict\b|\bit (?:systems?|problems|issues|failures|support|kit)\b|computer\w*|systems?|technology|digital",
        ("it",),
    ),
    (r"fund\w*|budget\w*|money|finance\w*|contracts?|commercial", ("funding",)),
    (r"divers\w*|race|racial|ethnic\w*|equalit\w*|discriminat\w*", ("diversity",)),
    (r"interventions?|programmes? for|accredited|rehabilitative", ("interventions",)),
    (r"assess\w*", ("assessment",)),
    (r"plann\w*|sentence plans?", ("planning",)),
    (r"review\w*", ("reviewing",)),
    (r"facilit\w*|buildings?|offices?\b|premises", ("facilities",)),
    (r"delivery|supervision quality|contact", ("delivery",)),
]

_SCORE_OF = re.compile(r"\b(\d{1,2})\s*(?:out of|of|/)\s*(\d{1,2})\b")
_SCORE_BARE = re.compile(r"\bscor\w*\s+(?:of\s+)?(\d{1,2})\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")

#: County and place short forms people type, expanded before names are looked up ("Northants").
SHORT_FORMS: dict[str, str] = {
    "northants": "northamptonshire",
    "notts": "nottinghamshire",
    "lancs": "lancashire",
    "glos": "gloucestershire",
    "gloucs": "gloucestershire",
    "herts": "hertfordshire",
    "beds": "bedfordshire",
    "cambs": "cambridgeshire",
    "worcs": "worcestershire",
    "wilts": "wiltshire",
    "leics": "leicestershire",
    "derbys": "derbyshire",
    "yorks": "yorkshire",
    "staffs": "staffordshire",
    "lincs": "lincolnshire",
    "bucks": "buckinghamshire",
    "oxon": "oxfordshire",
    "hants": "hampshire",
    "warks": "warwickshire",
    "northumb": "northumberland",
}

#: "Leeds's", "Leeds’s": the possessive is dropped before names are looked up.
_POSSESSIVE = re.compile(r"(\w)['\u2019]s\b")
#: A button's reference to one organisation ("#1a2b3c4d"), in place of its name.
_KEY = re.compile(r"#([0-9a-f]{8})\b")
#: Words that ask for a league read from the bottom.
_WORST = re.compile(r"\b(worst|bottom|lowest|weakest)\b")
_SHORT_RE = re.compile(r"\b(" + "|".join(SHORT_FORMS) + r")\b", re.I)
_COMPASS_RE = re.compile(
    r"\b([NSEW])\.? (?=yorks|yorkshire|wales|kent|london|essex|lincs|lincolnshire|sussex|tyneside)", re.I
)
_COMPASS = {"n": "North", "s": "South", "e": "East", "w": "West"}


def _first(pairs: list[tuple[str, str]], norm: str) -> str | None:
    """The value of the first ``(pattern, value)`` whose pattern occurs in ``norm``."""
    return next((value for pattern, value in pairs if re.search(pattern, norm)), None)


def find_rating(norm: str) -> str | None:
    return _first(RATING_WORDS, norm)


def find_type(norm: str) -> str | None:
    return _first(TYPE_PATTERNS, norm)


def find_programme(norm: str) -> str | None:
    return _first(PROGRAMMES, norm)


_TOPIC_RES: list[tuple[re.Pattern[str], tuple[str, ...]]] = []


def find_topics(norm: str) -> tuple[str, ...]:
    if len(_TOPIC_RES) != len(TOPICS):  # compiled once (and again if a test swaps the list)
        _TOPIC_RES[:] = [(re.compile(rf"\b(?:{pattern})"), topics) for pattern, topics in TOPICS]
    found: list[str] = []
    for pattern, topics in _TOPIC_RES:
        if pattern.search(norm):
            found.extend(t for t in topics if t not in found)
    return tuple(found)


def region_pattern(regions: list[str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex matching any region name (longest first), and normalised name -> region."""
    keys = {normalise(r): r for r in regions}
    if "Wales" in regions:
        keys.setdefault("welsh", "Wales")
    if "Yorkshire and the Humber" in regions:
        keys.setdefault("yorkshire and humber", "Yorkshire and the Humber")
        keys.setdefault("yorkshire", "Yorkshire and the Humber")
    if not keys:
        return re.compile(r"(?!x)x"), keys  # pragma: no mutate - a variant of a never-matching pattern never matches
    # Reverse order puts a name before any shorter name it begins with ("yorkshire and the humber" before
    # "yorkshire"), and only such names can match at the same place: the longest is tried first.
    alternatives = "|".join(re.escape(k) for k in sorted(keys, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b"), keys


def find_region(norm: str, pattern: re.Pattern[str], keys: dict[str, str]) -> str | None:
    """The longest region name written in the question ("yorkshire and the humber" over "yorkshire")."""
    found = [m.group(0) for m in pattern.finditer(norm)]
    return keys[max(found, key=len)] if found else None


class Understander:
    """Parses questions against one knowledge base's names and regions."""

    def __init__(
        self, resolver: Resolver, regions: list[str], key_to_org: dict[str, str], vocabulary: Vocabulary | None = None
    ):
        self.resolver = resolver
        self.vocabulary = vocabulary or Vocabulary()
        self.regions = [
            r for r in regions if r not in {"Midlands", "South West South Central", "South East and Eastern"}
        ]
        self.region_re, self.region_keys = region_pattern(self.regions)
        self.key_to_org = key_to_org

    def understand(self, question: str, today: date | None = None) -> Query:
        """Parse one question (or slash command); dates like "this year" are relative to ``today``."""
        today = today or date.today()
        text = " ".join(question.split())
        truncated = len(text) > MAX_QUESTION
        text = text[:MAX_QUESTION]
        command, rest = _split_command(text)
        rest = _POSSESSIVE.sub(r"\1", rest)  # "Interserve's CRCs" -> "Interserve CRCs"
        rest = _COMPASS_RE.sub(lambda m: _COMPASS[m.group(1).lower()] + " ", rest)  # "W Yorks" -> "West Yorks"
        rest = _SHORT_RE.sub(lambda m: SHORT_FORMS[m.group(1).lower()], rest)  # "Northants" -> "northamptonshire"
        norm = normalise(rest)
        q = Query(intent="", text=text, norm=norm, truncated=truncated, command=command)  # intent: chosen below
        self._fill_slots(q, norm, rest, today)

        # Organisations: "#key" references from buttons first, then names in the text.
        keyed = [self.key_to_org[k] for k in _KEY.findall(rest) if k in self.key_to_org]
        names_text = _KEY.sub(" ", rest)
        if q.owner:  # "Working Links" is a company, not Woking
            names_text = " ".join(w for w in names_text.split() if normalise(w) not in company_words(q.owner))
        matches = self.resolver.resolve(names_text) if not _is_chatter(norm) else []
        q.free_words = _free_words(norm, matches)
        q.org_ids = list(keyed)
        for match in matches:
            if match.ambiguous and q.ambiguous is None:
                q.ambiguous = match
                q.ambiguous_index = len(q.org_ids)
            elif not match.ambiguous and match.org_ids[0] not in q.org_ids:
                q.org_ids.append(match.org_ids[0])
            if match.see_also:  # in order, once each (a set-like merge: a list scan here is quadratic)
                q.see_also = list(dict.fromkeys([*q.see_also, *match.see_also]))

        if command is not None:
            q.intent = COMMANDS.get(command, "unknown_command")
            if q.intent in ORG_INTENTS:
                self._name_words_used(q, matches)
                self._names_used_up(q, matches)
            if q.intent == "league":
                q.ambiguous = None  # an organisation named in /league is shown in its place, not a filter
            elif q.intent not in ORG_INTENTS | {"findings", "unknown_command"}:
                q.org_ids, q.ambiguous = [], None
            elif q.intent in ORG_INTENTS and not (q.org_ids or q.ambiguous):
                q.intent = "no_match" if rest.strip() else "usage"
            if q.intent in {"changed"} and q.change is None and q.direction is None:
                q.direction = "up"
            return q

        if q.org_ids or q.ambiguous:
            self._name_words_used(q, matches)
        q.intent = self._intent(q, matches)
        if q.intent == "search" and q.collection in q.concepts:
            q.collection = None  # "when did inspections stop for covid": the word is the figure's meaning
        if q.org_ids or q.ambiguous:
            self._names_used_up(q, matches)
        else:
            q.inspected = bool(WORDS["inspected"].search(norm)) and q.intent in {"list", "league"}
        return q

    def region_of(self, words: str) -> str | None:
        """The region these (normalised) words name, if they are a region's name ("london")."""
        return self.region_keys.get(words)

    def with_orgs(self, q: Query, org_ids: list[str]) -> Query:
        """``q`` as if ``org_ids`` had been named in it: the intent chosen again ("who owns it?")."""
        named = replace(q, org_ids=list(org_ids), ambiguous=None)
        named.intent = self._intent(named, [])
        return named

    def _fill_slots(self, q: Query, norm: str, rest: str, today: date) -> None:
        """Every slot the question fills, each found on its own (see ``responses.slots``)."""
        q.org_type = find_type(norm)
        q.rating = find_rating(norm)
        q.programme = find_programme(norm)
        if q.org_type == "yjs" and q.programme and not q.programme.startswith("youth"):
            q.programme = None  # "youth services inspected in 2018-19": a year, not the CRCs' first round
        q.span = slots.find_span(norm, today)
        m = _YEAR.search(norm)
        q.year = int(m.group(1)) if m and q.span is None else None
        q.topics = find_topics(norm)
        q.region = find_region(norm, self.region_re, self.region_keys)
        q.score = _find_score(rest.lower())
        company = self.vocabulary.company_in(norm)
        q.owner = company.name if company else None
        q.change = slots.find_change(norm)
        if q.change is not None:
            q.rating = None  # "from Good to Inadequate" names two ratings: they belong to the change
        q.direction = (
            "down"
            if re.search(r"\b(declin\w*|got worse|gotten worse|went down|deteriorat\w*|worsened|fell|dropped)\b", norm)
            else "up"
            if re.search(r"\b(improved|got better|went up|rose)\b", norm)
            else None
        )
        q.standard = slots.find_standard(norm, q.rating)
        if q.standard:  # "Outstanding for Through the Gate": the words name the standard, not a topic
            q.topics = ()
        q.measure = slots.find_measure(norm)
        q.collection = slots.find_collection(norm)
        q.concepts = self.vocabulary.concepts_in(norm)
        q.asks_share = bool(WORDS["percent"].search(rest.lower()) or re.search(r"\bshare\b|\bhow many in\b", norm))
        if q.collection:  # "the covid reviews": the word names the kind of report, not the reviewing standard
            q.topics = tuple(t for t in q.topics if t != "reviewing")
        if q.collection == "youth thematic" and q.org_type == "yjs":
            q.org_type = None  # "youth thematic reports": the word says what the reports are about
        q.out_of_scope = slots.find_out_of_scope(norm)
        # "the new youth programme" names a programme: its "new" does not ask for the latest inspections
        dated = re.sub(next(p for p, v in PROGRAMMES if v == q.programme), " ", norm) if q.programme else norm
        q.latest = bool(WORDS["latest"].search(dated)) or bool(
            re.search(r"\b(inspected|rated) last\b|\bthe last (crc|pdu|nps|region)", norm)
        )
        q.worst_first = bool(_WORST.search(norm)) and not re.search(r"\bbest\b", norm)

    def _name_words_used(self, q: Query, matches: list[Match]) -> None:
        """Words inside a name typed are not a topic or a kind of inspection asked about."""
        if q.topics:  # "Race equality in probation" is a report's name, not the topic of race
            q.topics = find_topics(q.free_words)
        if any(slots.find_collection(m.text) == q.collection for m in matches):
            q.collection = None  # "KSS DIPP": the kind of inspection is part of the name

    def _names_used_up(self, q: Query, matches: list[Match]) -> None:
        """A region or kind word that is part of a name typed ("North West Division") is not a filter."""
        if q.region:
            keys = [k for k, r in self.region_keys.items() if r == q.region]
            if any(f" {k} " in f" {m.text} " or m.text in k for m in matches for k in keys):
                q.region = None

    def _intent(self, q: Query, matches: list[Match]) -> str:
        """The intent, chosen by the registry's rules (``responses.intents.RULES``) from the slots and words."""
        named = bool(q.org_ids or q.ambiguous)
        # Filters that are about a set of organisations win over a region's name read as an organisation.
        if named and q.region and all(_is_region_match(m, q.region) for m in matches) and set_words(q):
            q.org_ids, q.ambiguous = [], None
            named = False
        elif named and q.region and not WORDS["compare"].search(q.norm):
            # "how did Sheffield do in Yorkshire": the region's name beside a body's is a place, not a second body
            region_orgs = {o for m in matches if _is_region_match(m, q.region) and not m.ambiguous for o in m.org_ids}
            if region_orgs and (set(q.org_ids) - region_orgs or q.ambiguous):
                q.org_ids = [o for o in q.org_ids if o not in region_orgs]
            if q.org_ids and q.ambiguous is not None and _is_region_match(q.ambiguous, q.region):
                q.ambiguous = None  # "Yorkshire" fits several bodies, but beside Sheffield it is the place
        return choose(q, named)


def _free_words(norm: str, matches: list[Match]) -> str:
    """The normalised question without the stretches that named organisations."""
    out = norm
    for name in sorted({m.text for m in matches}, key=len, reverse=True):
        out = re.sub(rf"\b{re.escape(name)}\b", " ", out)
    return " ".join(out.split())


def company_words(name: str) -> set[str]:
    """The normalised words of a company's name, left out when looking for organisations' names."""
    return set(normalise(name).split())


def _split_command(text: str) -> tuple[str | None, str]:
    """``"/league@ProbationBot crc"`` -> ``("league", "crc")``; plain text -> ``(None, text)``."""
    m = re.match(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", text.strip(), re.S)
    if not m:
        return None, text
    return m.group(1).lower(), (m.group(2) or "")


def _find_score(text: str) -> tuple[int, int | None] | None:
    """A score named in the question: "0 out of 27", "2 of 27", "0/27", or "scored 1"."""
    m = _SCORE_OF.search(text)
    if m:
        points, out_of = int(m.group(1)), int(m.group(2))
        return (points, out_of) if out_of in (27, 30, 33, 36, 39) and points <= out_of else None
    m = _SCORE_BARE.search(text)
    return (int(m.group(1)), None) if m else None


def _is_chatter(norm: str) -> bool:
    return bool(WORDS["greeting"].match(norm))


def _is_region_match(match: Match, region: str) -> bool:
    """True when a matched name is just the region's own name (so it should filter, not resolve)."""
    return match.text in normalise(region)
