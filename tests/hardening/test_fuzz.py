"""Property-based fuzzing of the engine and the search layer with hypothesis.

Whatever arrives (up to 10,000 characters of any script, emoji, control characters, HTML, FTS5 query
syntax, template syntax, commands, organisation names), the engine answers: a known kind, never its
own internal error, every page a message Telegram would accept (strict HTML rules in
``telegram_html``, cross-checked with the fake Bot API server's parser), within 4096 characters.
Template syntax in a question is never evaluated, and full-text search never raises.

The examples are derandomised (same inputs every run) and bounded, so the file runs in seconds.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from responses import KINDS, NO_MATCH
from tests.bot.fake_bot_api import HtmlError, parse_telegram_html
from tests.hardening.telegram_html import telegram_html_problems, utf16_length, visible_text
from tests.telegram_facts import MESSAGE_TEXT_LIMIT as MESSAGE_LIMIT

LONGEST = 10_000

FTS5 = [
    '"',
    '""',
    "'",
    "NEAR(",
    "NEAR(a b, 3)",
    " AND ",
    " OR ",
    " NOT ",
    "*",
    "^",
    "finding:",
    "topic:",
    "{finding topic}:",
    "(",
    ")",
    "-",
    "+",
    "rowid:",
    "findings_fts MATCH 'x'",
    '"staff"*',
    "col : x",
    "AND OR NOT",
    "'; DROP TABLE findings; --",
    "%",
    "_",
    "\\",
]
JINJA = [
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "{{ 7*7 }}",
    "{% for x in range(9) %}x{% endfor %}",
    "{{ config }}",
    "{{ self }}",
    "{{ ''.__class__.__mro__ }}",
    "{% raw %}",
    "{% endraw %}",
    "{{ cycler.__init__.__globals__ }}",
    "{% set x = 1 %}",
    "${7*7}",
    "#{7*7}",
    "{0}",
    "%s",
]
HTML = [
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    '<a href="javascript:alert(1)">',
    "</a>",
    "<script>",
    "<br/>",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "&nbsp;",
    "&#0;",
    "&#x110000;",
    "<!--",
    "-->",
    "<tg-spoiler>",
    "<pre>",
    '<code class="language-x">',
    '"',
    "<3",
]
CONTROL = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\r",
    "\n",
    "\t",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffd",
    "\U000e0001",
]
EMOJI = ["😀", "👮‍♀️", "🏴󠁧󠁢󠁷󠁬󠁳󠁿", "🇬🇧", "👍🏽", "❤️", "🔥" * 3, "\U0001fae0"]
BOTISH = [
    "/league",
    "/inspection",
    "/compare",
    "/find",
    "/history",
    "/help",
    "/start",
    "/about",
    "/sources",
    "/latest",
    "/league@ProbationTestBot",
    "@ProbationTestBot",
    "#ffb3012f",
    "#",
    "/",
    " vs ",
    " and ",
    "how did",
    "do?",
    "which",
    "how many",
    "rated",
    "good",
    "inadequate",
    "CRC",
    "NPS",
    "PDU",
    "region",
    "2019",
    "first round",
    "Sheffield",
    "Wales",
    "Durham Tees Valley",
    "DTV",
    "westmercia",
    "humbersde",
    "Yorkshire and the Humber",
    "staffing",
    "caseloads",
    "score",
    "27",
    "who owns",
    "improved",
]

#: Every character Python strings can hold except lone surrogates (which no UTF-8 Bot API update carries).
WIDE = st.characters(exclude_categories=["Cs"])
FRAGMENTS = st.sampled_from(FTS5 + JINJA + HTML + CONTROL + EMOJI + BOTISH)


def _texts() -> st.SearchStrategy[str]:
    mixed = st.lists(st.one_of(FRAGMENTS, st.text(WIDE, max_size=40)), max_size=60).map("".join)
    long = st.tuples(st.text(WIDE, max_size=200), st.integers(1, LONGEST // 10), FRAGMENTS).map(
        lambda t: (t[0] + t[2]) * t[1]
    )
    return st.one_of(st.text(WIDE, max_size=300), mixed, long).map(lambda s: s[:LONGEST])


TEXTS = _texts()
FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def answer_problems(answer) -> list[str]:
    problems = []
    if answer.intent == "error":
        problems.append(f"the engine caught an error of its own: {answer.text[:200]!r}")
    if answer.kind not in KINDS:
        problems.append(f"unknown kind {answer.kind!r}")
    if not answer.pages:
        problems.append("no pages")
    for k, page in enumerate(answer.pages, 1):
        # Telegram counts a message's length after its entities are parsed (the visible text, checked
        # below), not the markup: a page whose tags take it past 4,096 characters is still accepted.
        problems += [f"page {k}: {p}" for p in telegram_html_problems(page.html)]
        try:
            parse_telegram_html(page.html)
        except HtmlError as exc:
            problems.append(f"page {k}: the fake Bot API server refuses it: {exc}")
        if utf16_length(visible_text(page.html)) > MESSAGE_LIMIT:
            problems.append(f"page {k}: {utf16_length(visible_text(page.html))} UTF-16 units of visible text")
        if not page.text.strip():
            problems.append(f"page {k}: empty plain text")
        if utf16_length(page.text) > MESSAGE_LIMIT:  # the fallback when Telegram refuses the HTML
            problems.append(f"page {k}: {utf16_length(page.text)} UTF-16 units of plain text")
        if not parse_visible(page.html).strip():
            problems.append(f"page {k}: the HTML shows nothing, which Telegram refuses")
    return problems


def parse_visible(html: str) -> str:
    try:
        return parse_telegram_html(html)
    except HtmlError:
        return "(refused, reported above)"


@FUZZ
@given(question=TEXTS, compact=st.booleans())
def test_any_text_gets_a_well_formed_answer(engine, question, compact):
    answer = engine.ask(question, compact=compact)
    assert not answer_problems(answer), (question[:200], answer_problems(answer))


@FUZZ
@given(question=TEXTS)
def test_any_button_data_and_inline_query_get_well_formed_answers(engine, question):
    for answer in [engine.from_ref("/" + question, compact=True), *engine.inline(question[:256])]:
        assert not answer_problems(answer), (question[:200], answer_problems(answer))
    if not question.startswith("/"):
        # Data that is not a command is a button from elsewhere: "That button has expired" (the engine's
        # calm answer, which it marks with intent "error" although nothing failed).
        stale = engine.from_ref(question)
        assert stale.kind == NO_MATCH and not telegram_html_problems(stale.html)


#: Template snippets that, evaluated, would print a word no answer contains: a concatenation, so
#: the word itself is never in the question.
CANARIES = [
    ("{{ 'zq' ~ 'xv' }}", "zqxv"),
    ('{{ "pl" + "kw" }}', "plkw"),
    ("{% set c = 'jd' ~ 'rb' %}{{ c }}", "jdrb"),
    ("{{ 'vq' * 2 }}", "vqvq"),
    ("{{ 6 * 111111 }}", "666666"),
    ("{{ ''.__class__.__name__ }}", "str"),  # checked only as a whole word in the answer, below
    ("{{ range(3)|list }}", "[0, 1, 2]"),
    ("{% for i in range(3) %}kx{% endfor %}", "kxkxkx"),
]


@FUZZ
@given(
    before=st.sampled_from(["", "how did ", "/inspection ", "/find ", "/compare ", "league ", *BOTISH]),
    canary=st.sampled_from(CANARIES),
    after=st.one_of(st.sampled_from(["", " Sheffield", " do?", " vs Leeds"]), st.text(WIDE, max_size=30)),
)
def test_template_syntax_in_a_question_is_never_evaluated(engine, before, canary, after):
    snippet, evaluated = canary
    question = before + snippet + after
    for compact in (False, True):
        answer = engine.ask(question, compact=compact)
        assert answer.intent != "error"
        for page in answer.pages:
            for rendered in (page.html, page.text):
                if evaluated == "str":
                    assert " str " not in f" {rendered} ", question
                elif evaluated not in question:
                    assert evaluated not in rendered, (question, rendered[:300])


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    text=st.one_of(TEXTS, st.lists(st.sampled_from(FTS5 + BOTISH), max_size=30).map(" ".join)),
    limit=st.integers(1, 200),
)
def test_fts5_syntax_never_raises_in_search(kb, text, limit):
    findings = kb.search_findings(text, limit=limit)
    assert isinstance(findings, list) and len(findings) <= limit
    assert isinstance(kb.search_findings(text, org_id="dtv-crc", limit=limit), list)
    figures = kb.search_figures(text, limit=limit)
    assert isinstance(figures, list) and len(figures) <= limit


@pytest.mark.parametrize(
    "question",
    [
        "x" * LONGEST,
        "Sheffield " * (LONGEST // 10),
        "/league " + "crc " * 2400,
        "how did " + "😀" * 5000,
        "<b>" * 3000,
        "&" * LONGEST,
        "{{" * 5000,
        "\x00" * LONGEST,
        "NEAR(" * 2000,
        "/find " + "staff " * 1600,
        "/compare " + " vs ".join(["Sheffield", "Leeds", "Wales", "DTV"] * 250),
        "league table " + "of " * 3000,
    ],
)
def test_the_longest_messages_get_well_formed_answers(engine, question):
    assert len(question) <= LONGEST + 20
    for compact in (False, True):
        answer = engine.ask(question, compact=compact)
        assert not answer_problems(answer), answer_problems(answer)
