"""Checks every answer-engine test shares: Telegram's HTML rules, citation bookkeeping, refs.

Each ``*_problems`` function returns a list of human-readable problems (empty when all is well), so a
test can assert on it and a failure says exactly what was wrong and where.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from responses.answer import REF_LIMIT, Answer
from tests.telegram_facts import HTML_TAGS
from tests.telegram_facts import MESSAGE_TEXT_LIMIT as MESSAGE_LIMIT

#: The tags Telegram's HTML parse mode accepts (tests/telegram_facts.py), less <tg-emoji>, which we never write.
ALLOWED_TAGS = set(HTML_TAGS - {"tg-emoji"})
#: Questions of every shape, in our own words.
SAMPLE_QUESTIONS = [
    "how did Sheffield do?",
    "Leeds PDU",
    "tell me about Thames Valley CRC",
    "how is Gwent doing?",
    "has Essex North improved?",
    "Northumbria CRC over time",
    "compare Leeds and Wakefield",
    "Gwent vs Cardiff",
    "Sheffield, Doncaster, Leeds and Kirklees",
    "/league",
    "/league crc",
    "/league nps",
    "/league pdu",
    "/league region",
    "/league 2019",
    "first round CRC league",
    "which PDUs were good?",
    "list inadequate PDUs",
    "inadequate PDUs in Yorkshire and the Humber",
    "how many CRCs were rated inadequate?",
    "how many NPS divisions were rated good?",
    "who owned Essex CRC",
    "how big is DTV",
    "what did Sheffield score?",
    "which PDU scored 1 of 27",
    "when was the Merseyside CRC report published?",
    "standards ratings for BGSW",
    "how many people were on probation in June 2020?",
    "risk of harm in Stockton",
    "what did inspectors say about staffing?",
    "/find domestic abuse",
    "/help",
    "/about",
    "/sources",
    "Wales",
    "Durham",
    "compare Durham and Sheffield",
    "asdfghjkl",
    "/inspection",
    "/frobnicate",
    "West Mercia NPS",
    "how did the Greater Manchester region do",
    "who owns Sheffield PDU",
    "people supervised by Merseyside CRC",
]
RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
RATING_RE = re.compile(r"\b(Outstanding|Good|Requires improvement|Inadequate)\b")
#: A count of organisations by rating: "3 Good", "17 Requires improvement".
RATING_COUNT_RE = re.compile(r"\b\d+ (Outstanding|Good|Requires improvement|Inadequate)\b")
CITE_RE = re.compile(r"\[(\d+)\]")
#: A citation in the body of the HTML: <a href="URL">[n]</a>.
HTML_CITE_RE = re.compile(r'<a href="([^"]+)">\[(\d+)\]</a>')
#: A line of the sources block in the HTML: [n] <a href="URL">title</a>.
HTML_SOURCE_RE = re.compile(r'^\[(\d+)\] <a href="([^"]+)">', re.M)


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not in Telegram's HTML subset")
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            self.problems.append("<span> without class tg-spoiler")
        if tag == "a" and not attrs.get("href"):
            self.problems.append("<a> without href")
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing <{tag}/> is not allowed")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


def html_problems(html: str) -> list[str]:
    """Telegram rejects a message with an unknown tag or unbalanced markup, and one over 4096 characters."""
    checker = _TagChecker()
    checker.feed(html)
    checker.close()
    problems = list(checker.problems)
    if checker.stack:
        problems.append(f"unclosed tags {checker.stack}")
    # Telegram counts the text after parsing the markup (tags gone, entities read), not the markup.
    visible = len(unescape(re.sub(r"<[^>]+>", "", html)))
    if visible > MESSAGE_LIMIT:
        problems.append(f"{visible} characters, over Telegram's {MESSAGE_LIMIT}")
    return problems


def page_problems(answer: Answer) -> list[str]:
    """Every page of an answer: valid Telegram HTML within the limit, and plain text without tags."""
    problems = []
    if not answer.pages:
        return ["no pages"]
    own_tag = re.compile(r"</?(b|i|a|code|pre|u|s|em|strong|blockquote|span)\b[^>]*>")
    typed = set(own_tag.findall(answer.question))  # a question quoted back may hold the tags someone typed
    for k, page in enumerate(answer.pages, 1):
        problems += [f"page {k} html: {p}" for p in html_problems(page.html)]
        if set(own_tag.findall(page.text)) - typed:
            problems.append(f"page {k} plain text contains a tag")
        if not page.text.strip():
            problems.append(f"page {k} is empty")
    return problems


def citation_problems(answer: Answer) -> list[str]:
    """[n] in the text and the answer's citations match both ways; numbers mean one URL on every page."""
    problems = []
    used = {int(n) for n in CITE_RE.findall(answer.text)}
    numbers = [c.n for c in answer.citations]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        problems.append(f"citation numbers are not 1..{len(numbers)}: {numbers}")
    if used - set(numbers):
        problems.append(f"[n] in the text without a citation: {sorted(used - set(numbers))}")
    if set(numbers) - used:
        problems.append(f"citations never referred to in the text: {sorted(set(numbers) - used)}")
    url_of = {c.n: c.url for c in answer.citations}
    for k, page in enumerate(answer.pages, 1):
        for url, n in HTML_CITE_RE.findall(page.html) + [(u, n) for n, u in HTML_SOURCE_RE.findall(page.html)]:
            url = html.unescape(url)  # Telegram reads numeric entities too: a ' in a URL is &#39;
            if url_of.get(int(n)) != url:
                problems.append(f"page {k}: [{n}] points to {url}, the citation says {url_of.get(int(n))}")
        body_numbers = {int(n) for _, n in HTML_CITE_RE.findall(page.html)}
        listed = {int(n) for n, _ in HTML_SOURCE_RE.findall(page.html)}
        if body_numbers != listed:
            problems.append(f"page {k}: cites {sorted(body_numbers)} but its sources list {sorted(listed)}")
    for c in answer.citations:
        if not c.url.startswith(("http://", "https://")):
            problems.append(f"citation [{c.n}] has no web address: {c.url!r}")
        if not c.title.strip():
            problems.append(f"citation [{c.n}] has no title")
    return problems


def org_names(kb) -> set[str]:
    from responses.context import short_name

    names = set()
    for org in kb.organisations.values():
        for name in [org.name] + [h.organisation for h in kb.history(org.org_id)]:
            names.add(name)
            names.add(short_name(name))
    return {n for n in names if len(n) > 5}


def states_rating(answer: Answer, names: set[str]) -> bool:
    """True when the answer says what some organisation (or a count of them) was rated.

    A line states a rating when it has a rating word and an organisation's name, or a count next to a
    rating ("3 Good"). The wording of a league's footnote ("Ordered by overall rating (Outstanding,
    Good, ...)") states nothing.
    """
    header_rating = False  # the last line that was not a bullet named a rating ("Rated Good at ...:")
    for line in answer.text.splitlines():
        named = any(name in line for name in names)
        if RATING_COUNT_RE.search(line):
            return True
        if RATING_RE.search(line) and named:
            return True
        if line.startswith(("•", "-", "−", "+")):
            if header_rating and named:
                return True
        elif line.strip():
            header_rating = bool(RATING_RE.search(line))
    return False


def ref_problems(answer: Answer) -> list[str]:
    problems = []
    for label, ref in [("ref", answer.ref), ("more_ref", answer.more_ref)] + [
        (f"choice {c.label!r}", c.ref) for c in answer.choices
    ]:
        if ref is None:
            continue
        if not ref.isascii():
            problems.append(f"{label} {ref!r} is not ASCII")
        if len(ref.encode()) > REF_LIMIT:
            problems.append(f"{label} {ref!r} is {len(ref.encode())} bytes, over {REF_LIMIT}")
        if not ref.startswith("/"):
            problems.append(f"{label} {ref!r} is not a command")
    return problems


def cite_number(answer: Answer, url: str) -> int | None:
    return next((c.n for c in answer.citations if c.url == url), None)


def line_with(answer: Answer, *parts: str) -> str | None:
    """The first line of the plain text that contains every one of ``parts``."""
    return next((line for line in answer.text.splitlines() if all(p in line for p in parts)), None)


def assert_cited(answer: Answer, phrase: str | tuple[str, ...], url: str) -> None:
    """``phrase`` (or one of several spellings) appears on a line carrying the citation number of ``url``."""
    n = cite_number(answer, url)
    assert n is not None, f"{url} is not among the citations of {answer.question!r}:\n{answer.text}"
    phrases = (phrase,) if isinstance(phrase, str) else phrase
    assert any(line_with(answer, p, f"[{n}]") for p in phrases), (
        f"no line of {answer.question!r} says {phrase!r} with its citation [{n}]:\n{answer.text}"
    )


def spellings(organisation: str) -> tuple[str, str]:
    """An inspection's organisation as the data spells it, and its short form ("Leeds PDU")."""
    from responses.context import short_name

    return organisation, short_name(organisation)


def body_lines(answer: Answer) -> list[str]:
    """The plain-text lines of every page, without the sources blocks."""
    out = []
    for page in answer.pages:
        in_sources = False
        for line in page.text.splitlines():
            if line.strip() == "Sources":
                in_sources = True
            elif not in_sources:
                out.append(line)
    return out


#: Ways of asking about one organisation, with the organisation meant (shared by the parser and engine tests).
SUMMARY_PARAPHRASES = [
    ("what rating did Kirklees get?", "pdu-kirklees"),
    ("Leeds PDU", "pdu-leeds"),
    ("tell me about Thames Valley CRC", "tv-crc"),
    ("how is Gwent doing?", "pdu-gwent"),
    ("how did Norfolk and Suffolk CRC get on", "norfolk-suffolk-crc"),
    ("what was the rating for NPS London", "nps-london"),
    ("give me the East Midlands region", "region-east-midlands"),
    ("/inspection Cumbria", "pdu-cumbria"),
    ("/inspection@ProbationBot Sunderland", "pdu-sunderland"),
    ("how did hartlepool do?", "pdu-stockton-and-hartlepool"),
    ("Shefield", "pdu-sheffield"),
    ("how is westmercia crc doing", "wwm-crc"),
    ("DDC", "ddc-crc"),
    ("Staffordshire and Stoke PDU", "pdu-staffordshire-stoke"),
    ("how did Staffordshire and West Midlands CRC do?", "swm-crc"),
]


# -- league tables, as a reader sees them --------------------------------------------------------------------
# A league groups its rows under rating headings ("Good: 3, joint 1st", "Inadequate, continued" at the top of a
# later page) with one bullet per organisation ("• Name, score 3 of 27, 2022 [4]").
LEAGUE_HEADING_RE = re.compile(
    r"^(Outstanding|Good|Requires improvement|Inadequate)(?:: (\d+), (joint )?(\d+)"
    r"(?:st|nd|rd|th)( from the bottom)?|, continued)$"
)
LEAGUE_BULLET_RE = re.compile(r"^• (.+?)(?:, score (\d+) of (\d+))?, (\d{4}|year [^\[]+?) \[(\d+)\]$")


@dataclass(frozen=True)
class LeagueRow:
    rating: str
    place: int  # the place its heading gives the group
    group_size: int  # how many the heading says share the rating
    name: str
    score: int | None
    url: str  # the source its citation points to


def league_rows_of(answer: Answer) -> list[LeagueRow]:
    """Every row on every page of a league, each under the heading it sits beneath; a bullet outside any
    heading, or a "continued" heading that does not continue the previous group, fails the test."""
    urls = {c.n: c.url for c in answer.citations}
    rows: list[LeagueRow] = []
    rating: str | None = None
    place = size = 0
    for page in answer.pages:
        rating = None
        for line in page.text.splitlines():
            if m := LEAGUE_HEADING_RE.match(line):
                if m.group(2) is None:
                    assert rows and rows[-1].rating == m.group(1), f"{line!r} continues nothing"
                else:
                    place, size = int(m.group(4)), int(m.group(2))
                    assert bool(m.group(3)) == (size > 1), f"{line!r}: 'joint' exactly when shared"
                rating = m.group(1)
            elif m := LEAGUE_BULLET_RE.match(line):
                assert rating, f"{line!r} sits under no rating heading"
                rows.append(
                    LeagueRow(
                        rating, place, size, m.group(1), int(m.group(2)) if m.group(2) else None, urls[int(m.group(5))]
                    )
                )
            elif line.startswith(("Sources", "[")):
                rating = None
    return rows
