"""Slot extraction: the parts of a question, found independently of which intent it is.

Each ``find_*`` function reads the normalised question and returns one slot's value (or ``None``):
a time span relative to today, a change of rating, a standard named with a rating, a measure, a
named kind of inspection, and what is out of our scope. Choosing the intent is
``responses.understand``'s job; these functions never look at each other's results.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from responses.query import Change, TimeSpan

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty four": 24,
    "couple of": 2,
    "few": 3,
}
#: The months in order, in lower case (the questions are normalised to it).
MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
MONTHS = {m: n for n, m in enumerate(MONTH_NAMES, 1)}
MONTHS.update({m[:3]: n for m, n in list(MONTHS.items())})
_NUM = r"(\d{1,3}|" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + r")"
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
_UNIT = r"(day|week|month|year)s?"
_YEAR = r"((?:19|20)\d\d)"

_LAST_N = re.compile(rf"\b(?:in |over |during |within )?(?:the )?(?:last|past|previous) {_NUM} {_UNIT}\b")
_LAST_UNIT = re.compile(r"\b(?:in |over |during )?the (?:last|past) (day|week|month|year)\b")
_THIS = re.compile(r"\bthis (year|month)\b|\bso far this year\b|\byear to date\b")
_LAST_CAL = re.compile(r"\blast (year|month)\b")
_SINCE = re.compile(rf"\b(since|from|after|starting) (?:{_MONTH} )?{_YEAR}\b")
_BEFORE = re.compile(rf"\b(before|until|up to|prior to) (?:{_MONTH} )?{_YEAR}\b")
_BETWEEN = re.compile(rf"\bbetween {_YEAR} and {_YEAR}\b|\b{_YEAR} (?:to|until) {_YEAR}\b")
_IN_MONTH = re.compile(rf"\b(?:in |during )?{_MONTH} {_YEAR}\b")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _months_back(today: date, months: int) -> date:
    y, m = divmod(today.year * 12 + today.month - 1 - months, 12)
    m += 1
    day = min(
        today.day,
        [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1],
    )
    return date(y, m, day)


def _month_end(y: int, m: int) -> date:
    return date.fromordinal(date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1)


_ANY_TIME_WORD = re.compile(
    r"\b(?:last|past|previous|this|since|from|after|starting|before|until|up to|prior|between|"
    r"(?:19|20)\d\d|year to date)\b"
)


def find_span(norm: str, today: date) -> TimeSpan | None:
    """A stretch of time other than a bare year: "this year", "since 2023", "in the last six months"."""
    if not _ANY_TIME_WORD.search(norm):
        return None
    try:
        span = _span(norm, today)
    except (ValueError, OverflowError):  # "the last 99999 years" reaches before the calendar starts
        return None
    if span is not None and span.start > span.end:  # "since 2030": a span that holds nothing yet
        span = TimeSpan(span.start, span.start, span.label)
    return span


def _span(norm: str, today: date) -> TimeSpan | None:
    m = _LAST_N.search(norm)
    if m:
        n, unit = _number(m.group(1)), m.group(2)
        start = (
            today - timedelta(days=n)
            if unit == "day"
            else today - timedelta(weeks=n)
            if unit == "week"
            else _months_back(today, n * (12 if unit == "year" else 1))
        )
        return TimeSpan(start, today, f"in the last {n} {unit}{'s' if n != 1 else ''}")
    m = _LAST_UNIT.search(norm)
    if m:
        unit = m.group(1)
        start = (
            today - timedelta(days=1)
            if unit == "day"
            else today - timedelta(weeks=1)
            if unit == "week"
            else _months_back(today, 12 if unit == "year" else 1)
        )
        return TimeSpan(start, today, f"in the last {unit}")
    m = _THIS.search(norm)
    if m:
        if m.group(1) == "month":
            return TimeSpan(today.replace(day=1), today, "this month")
        return TimeSpan(date(today.year, 1, 1), today, "this year")
    m = _LAST_CAL.search(norm)
    if m:
        if m.group(1) == "year":
            y = today.year - 1
            return TimeSpan(date(y, 1, 1), date(y, 12, 31), f"last year ({y})")
        first = _months_back(today.replace(day=1), 1)
        return TimeSpan(first, _month_end(first.year, first.month), f"last month ({first:%B %Y})")
    m = _BETWEEN.search(norm)
    if m:
        a, b = [int(g) for g in m.groups() if g]
        a, b = min(a, b), max(a, b)
        return TimeSpan(date(a, 1, 1), date(b, 12, 31), f"between {a} and {b}")
    m = _SINCE.search(norm)
    if m:
        month, year = m.group(2), int(m.group(3))
        start = date(year, MONTHS[month], 1) if month else date(year + (m.group(1) == "after"), 1, 1)
        label = f"since {start:%B %Y}" if month else f"since {year}" if m.group(1) != "after" else f"after {year}"
        return TimeSpan(start, today, label)
    m = _BEFORE.search(norm)
    if m:
        month, year = m.group(2), int(m.group(3))
        end = date(year, MONTHS[month], 1) - timedelta(days=1) if month else date(year - 1, 12, 31)
        return TimeSpan(date(1900, 1, 1), end, f"before {f'{month.title()} ' if month else ''}{year}")
    m = _IN_MONTH.search(norm)
    if m:
        y, mo = int(m.group(2)), MONTHS[m.group(1)]
        return TimeSpan(date(y, mo, 1), _month_end(y, mo), f"in {date(y, mo, 1):%B %Y}")
    return None


_RATING = r"(outstanding|good|requires improvement|inadequate|ri)"
_RATING_NAMES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement": "Requires improvement",
    "ri": "Requires improvement",
    "inadequate": "Inadequate",
}
_FROM_TO = re.compile(rf"\bfrom (?:being |a |an )?{_RATING} (?:rating )?(?:to|into) (?:being |a |an )?{_RATING}\b")
_STEPS = re.compile(
    rf"\b(up|down|improv\w*|rose|risen|rise|climb\w*|fell|fall\w*|dropp?\w*|declin\w*|slipp?\w*|"
    rf"worsen\w*|deteriorat\w*|lost|gain\w*)\s+(?:by\s+)?{_NUM}\s+(?:whole\s+)?"
    r"(grades?|ratings?|levels?|notch\w*|places?|steps?)\b"
)
_UP_WORDS = re.compile(r"^(up|improv|rose|risen|rise|climb|gain)")


def find_change(norm: str) -> Change | None:
    """A change of rating: "from Requires improvement to Inadequate", "down a grade", "up two grades"."""
    m = _FROM_TO.search(norm)
    if m:
        return Change(_RATING_NAMES[m.group(1)], _RATING_NAMES[m.group(2)])
    m = _STEPS.search(norm)
    if m and _number(m.group(2)):
        n = _number(m.group(2))
        return Change(steps=n if _UP_WORDS.match(m.group(1)) else -n)
    return None


#: Standards people name with a rating, as a pattern over the question and one over ``standard_name``.
STANDARDS: list[tuple[str, str, str]] = [
    ("Through the Gate", r"through the gate|ttg", r"through the gate"),
    ("Unpaid work", r"unpaid work|community payback", r"unpaid work"),
    ("Assessment", r"assessment|assessing", r"assessment"),
    ("Planning", r"planning", r"planning"),
    ("Implementation and delivery", r"implementation(?: and delivery)?|delivery", r"implementation and delivery"),
    ("Reviewing", r"reviewing|reviews?", r"reviewing"),
    ("Leadership", r"leadership|governance", r"leadership|governance and leadership"),
    ("Staff", r"staff(?:ing)?", r"staff(?:ing)?"),
    ("Services", r"services|partnerships", r"services|partnerships and services"),
    ("Information and facilities", r"information and facilities|facilities", r"information and facilities"),
    ("Court work", r"court work|advice to court", r"court work.*"),
    (
        "Victim work",
        r"victim work|work with victims|victims",
        r"statutory victim work|work with victims|.*victim work.*",
    ),
    ("Resettlement", r"resettlement", r"resettlement.*"),
]
_STANDARD_LEAD = r"(?:for|on|in|at|with|re|about)(?: the| their| its)?"


_STANDARD_RES = [
    (
        name,
        re.compile(
            rf"\b{_STANDARD_LEAD} (?:{pattern})\b(?! (?:problems|concerns|findings))|"
            rf"\b(?:{pattern}) standard"
        ),
    )
    for name, pattern, _ in STANDARDS
]


def find_standard(norm: str, rating: str | None) -> str | None:
    """A standard named next to a rating ("rated Outstanding for Through the Gate"); without a rating
    the words are a topic of findings, not a standard."""
    if rating is None and "standard" not in norm:
        return None
    return next((name for name, pattern in _STANDARD_RES if pattern.search(norm)), None)


def standard_pattern(name: str) -> re.Pattern[str]:
    """The pattern a ``standard_name`` (its part after any "Group: ") must match for the named standard."""
    for n, _, names in STANDARDS:
        if n == name:
            return re.compile(rf"^(?:{names})$", re.I)
    return re.compile(rf"^{re.escape(name)}$", re.I)


#: Named kinds of inspection, as (slot value, pattern).
COLLECTIONS: list[tuple[str, str]] = [
    (
        "youth thematic",
        r"\byouth thematic\w*|\bthematic\w* (?:reports? |inspections? |reviews? )?(?:on|of|about) youth|"
        r"\b(?:reports?|reviews?) (?:are |were )?(?:about|on) youth",
    ),
    ("dipp", r"\bdipps?\b|\bdynamic inspections?\b|\bdynamic (?:inspection of )?public protection\b|\bhad a dynamic\b"),
    (
        "covid",
        r"\b(?:covid|coronavirus|pandemic|lockdown)\b.*\b(?:inspections?|reviews?|reports?)\b|"
        r"\b(?:inspections?|reviews?|reports?)\b.*\b(?:covid|coronavirus|pandemic|lockdown)\b",
    ),
    ("thematic", r"\bthematic\w*\b.*\bprobation\b|\bprobation\b.*\bthematic"),
    ("all thematic", r"\bthematic\w*\b"),
]


_COLLECTION_RES = [(value, re.compile(pattern)) for value, pattern in COLLECTIONS]


def find_collection(norm: str) -> str | None:
    return next((value for value, pattern in _COLLECTION_RES if pattern.search(norm)), None)


#: What the data does not cover, as (what, pattern). Checked on the normalised question.
OUT_OF_SCOPE: list[tuple[str, str]] = [
    (
        "prisons",
        r"\bhmp\b|\bhmyoi\b|(?<!\bhm )\bprisons?\b(?! (?:leavers?|release|and probation))(?<!from prison)"
        r"(?<!in prison)|\bjails?\b|\bprison inspectorate\b|\bbelmarsh\b|\bpentonville\b|\bstrangeways\b",
    ),
    (
        "police forces",
        r"\b\w+ police\b(?! (?:checks?|information|intelligence|data|domestic))|"
        r"\bpolice (?:force|forces|inspection|rating|rated)\b|\bconstabulary\b",
    ),
    (
        "courts as institutions",
        r"\b(?:crown|magistrates?|county|family|youth) courts?\b(?! work)"
        r"(?=.*\b(?:rat(?:ed|ing|e)|inspect\w*|any good|perform\w*|do|doing)\b)|"
        r"\b(?:rat(?:ed|ing|e)|inspect\w*|how (?:did|is|was|good)|is)\b.*\b(?:crown|magistrates?) courts?\b",
    ),
    (
        "named staff",
        r"\b(?:pdu|service|probation|region\w*) (?:head|boss|manager|director)\b|"
        r"\bwho(?: is|s| was)(?: the)? (?:chief|head|director|manager|boss|minister)\b|"
        r"\bhead of (?:service|probation)\b"
        r"(?: name)?|\bchief (?:probation )?officer\b|\bchief executive\b|\bname of the (?:chief|head|manager)\b",
    ),
    (
        "future inspection dates",
        r"\bnext (?:\w+ ){0,3}(?:inspected|inspection|visit)\b|\bwill \w+(?: \w+)? be inspected\b|"
        r"\bupcoming inspections?\b|\bdue (?:for )?(?:an )?inspection\b|\binspected next\b|"
        r"\bwhen is .* (?:next|due)\b|\bfuture inspections?\b",
    ),
]


_OUT_OF_SCOPE_RES = [(what, re.compile(pattern)) for what, pattern in OUT_OF_SCOPE]
_RESETTLEMENT = re.compile(
    r"\b(?:prisons? leavers?|release from prison|through the gate|leaving prison|"
    r"on release|released from prison)\b"
)
_PRISON_ITSELF = re.compile(r"\bhmp\b|\bprisons? (?:rated|inspection)")
_ANY_SCOPE_WORD = re.compile(
    r"prison|hmp|hmyoi|jail|belmarsh|pentonville|strangeways|police|constabulary|"
    r"court|chief|head|boss|manager|director|name of|next|will|upcoming|due|future"
)


def find_out_of_scope(norm: str) -> str | None:
    """What the question is about that the inspection records do not cover, if anything."""
    if not _ANY_SCOPE_WORD.search(norm):
        return None
    if _RESETTLEMENT.search(norm) and not _PRISON_ITSELF.search(norm):
        norm = re.sub(r"prisons?", " ", norm)
    return next((what for what, pattern in _OUT_OF_SCOPE_RES if pattern.search(norm)), None)


#: Measures asked of a named body; the words that find them among its findings' figures.
MEASURES: list[tuple[str, str, str]] = [
    ("caseloads", r"caseloads?|workloads?|cases per|cases each", r"caseload|workload|cases each|cases per|average"),
    (
        "cases inspected",
        r"cases? (?:did|do|were|was)? ?(?:inspectors? )?(?:read|inspected|look\w* at|examined|sampled|reviewed)|"
        r"cases (?:read|inspected|sampled)|how many cases",
        r"case",
    ),
    (
        "vacancies and staffing",
        r"vacanc\w*|short ?staffed|understaffed|staff shortages?|unfilled|how many staff|"
        r"staffing levels?|shortfall",
        r"vacan|staff|post|recruit|practitioner",
    ),
    (
        "share of cases",
        r"what (?:share|proportion|percentage|per ?cent)|how many per ?cent|percentage of",
        r"per cent|%|half|third|quarter|two|one in",
    ),
]


_MEASURE_RES = [(name, re.compile(rf"\b(?:{pattern})")) for name, pattern, _ in MEASURES]


def find_measure(norm: str) -> str | None:
    """What is measured in "how many cases did inspectors read at X", "how many vacancies did X have"."""
    if not re.search(
        r"\bhow (?:many|much|short|big|high|heavy)\b|\bwhat (?:share|proportion|percentage|was the|is the)\b|"
        r"\baverage\b|\bper ?cent\b|\bshortfall\b|\bshort ?staffed\b|\bunderstaffed\b|\bvacanc",
        norm,
    ):
        return None
    return next((name for name, pattern in _MEASURE_RES if pattern.search(norm)), None)


def measure_words(name: str) -> re.Pattern[str]:
    for n, _, words in MEASURES:
        if n == name:
            return re.compile(words, re.I)
    return re.compile(re.escape(name), re.I)
