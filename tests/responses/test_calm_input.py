"""Whatever is typed, the engine answers calmly: a known kind, never an internal error, never markup
or template syntax from the question let through, never a message Telegram would refuse.

``intent == "error"`` means the engine caught an exception of its own: that is a defect, not calm.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from responses import CHOICES, KINDS, NO_MATCH
from tests.responses.helpers import citation_problems, page_problems

HOSTILE = [
    "",
    " ",
    "   \n\t  \r\n ",
    "x" * 10_000,
    "how did Sheffield do? " + "and also " * 1200,
    "😀",
    "🔥🔥 Sheffield 🔥🔥",
    "👮‍♀️🏴󠁧󠁢󠁷󠁬󠁳󠁿 Wales?",
    "<b>Sheffield</b>",
    "<b>unclosed",
    "</i></b></a>",
    "<script>alert('x')</script>",
    '<a href="javascript:alert(1)">click</a> Leeds',
    "&amp; &lt;b&gt; &#x3C;",
    "Tom & Jerry <3",
    "'; DROP TABLE inspections; --",
    "Sheffield' OR '1'='1",
    "1; SELECT * FROM sqlite_master",
    '"NEAR(a b)" OR *',
    "title:foo",
    "finding:staff* AND NOT x",
    '"unterminated',
    "{{ 7*7 }}",
    "{{ 7*7 }} Sheffield",
    "{% for x in y %}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "{# comment #}",
    "${7*7} #{7*7} %s %d {0}",
    "/league {{ 7*7 }}",
    "/compare <b>a</b> vs {{ 7*7 }}",
    "/find <script>",
    "/inspection <i>Leeds</i>",
    "/",
    "//",
    "/ league",
    "/league@",
    "/inspection #",
    "/inspection #zzzzzzzz",
    "\x00\x01\x02 Sheffield",
    "\u202eSheffield",
    "Sheffie\u0301ld",
    "ＳＨＥＦＦＩＥＬＤ",
    "中文 العربية Ελληνικά",
    "?" * 300,
    "Wales " * 200,
    "compare " + " and ".join(["Sheffield", "Leeds", "Wales", "Durham", "Kent", "Gwent"] * 10),
    "\\",
    "None",
    "null",
    "NaN",
    "-1",
    "99999999999999999999999999",
]


def calm_problems(answer) -> list[str]:
    problems = []
    if answer.intent == "error":
        problems.append(f"the engine failed inside: {answer.text!r}")
    if answer.kind not in KINDS:
        problems.append(f"unknown kind {answer.kind!r}")
    problems += page_problems(answer)
    problems += citation_problems(answer)
    if answer.kind == CHOICES and not answer.choices:
        problems.append("choices without choices")
    return problems


@pytest.mark.parametrize("question", HOSTILE, ids=[repr(q[:40]) for q in HOSTILE])
def test_hostile_input_gets_a_calm_answer(engine, question):
    for compact in (False, True):
        answer = engine.ask(question, compact=compact)
        assert not calm_problems(answer), calm_problems(answer)


TEMPLATE_SYNTAX = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|[$#]\{.*?\}")


@pytest.mark.parametrize("question", [q for q in HOSTILE if TEMPLATE_SYNTAX.search(q)])
def test_template_syntax_is_never_evaluated(engine, question):
    """Template syntax is either quoted back as typed or has no effect at all: never 49 for {{ 7*7 }}."""
    answer = engine.ask(question)
    if answer.kind == NO_MATCH and answer.intent == "no_match":
        assert "49" not in answer.text + answer.html
        assert TEMPLATE_SYNTAX.search(answer.text), "the question should be quoted back as typed"
    else:
        without = engine.ask(TEMPLATE_SYNTAX.sub(" ", question))
        assert answer.text == without.text


@pytest.mark.parametrize("question", [q for q in HOSTILE if "<" in q or "&" in q])
def test_user_html_is_always_escaped(engine, question):
    answer = engine.ask(question)
    for page in answer.pages:
        lowered = page.html.lower()
        assert "<script" not in lowered and "javascript:" not in lowered
        for tag in ("<b>unclosed", "</i></b></a>", "<i>leeds</i>", "<b>a</b>", "<3"):
            assert tag not in lowered
    if answer.kind == NO_MATCH and question.strip() and "The knowledge" not in answer.text:
        # The no-match message quotes the question: escaped in HTML, as typed in plain text.
        shown = question[:57]
        if "<" in shown:
            assert "&lt;" in answer.html
        if "&" in shown:
            assert "&amp;" in answer.html


def test_empty_input_asks_for_a_question(engine):
    for question in ("", "   ", "\n\t", "\x00"):
        answer = engine.ask(question)
        assert answer.kind == NO_MATCH and answer.intent != "error"
        assert "question" in answer.text.lower()


def test_long_input_is_read_in_part_and_says_so(engine):
    answer = engine.ask("how did Sheffield do? " + "and also " * 1200)
    assert answer.intent == "summary" and "Sheffield" in answer.text
    assert "first 500 characters" in answer.text
    answer = engine.ask("x" * 10_000)
    assert answer.kind == NO_MATCH and "first 500 characters" in answer.text
    assert len(answer.html) < 1000


def test_names_are_still_found_inside_odd_input(engine):
    for question in (
        "🔥🔥 Sheffield 🔥🔥",
        "<b>Sheffield</b>",
        "Sheffield' OR '1'='1",
        "{{ 7*7 }} Sheffield",
        "\x00\x01\x02 Sheffield",
    ):
        answer = engine.ask(question)
        assert answer.intent == "summary" and "Sheffield Probation Delivery Unit" in answer.text, question


@pytest.mark.parametrize(
    "question",
    [
        "asdfghjkl",
        "the cat sat on the mat",
        "banana",
        "😀",
        "{{ 7*7 }}",
        "title:foo",
        '"NEAR(a b)" OR *',
        "zxqv wptk",
        "<script>alert(1)</script>",
    ],
)
def test_nonsense_is_no_match_not_a_random_organisation(engine, kb, question):
    answer = engine.ask(question)
    assert answer.kind == NO_MATCH, answer.text
    assert not answer.choices and not answer.citations


def test_sql_in_a_question_changes_nothing(engine, kb):
    before = kb.counts()
    league = engine.ask("/league crc").text
    for question in (
        "'; DROP TABLE inspections; --",
        "x'); DELETE FROM findings; --",
        "/find '); DROP TABLE findings; --",
    ):
        assert engine.ask(question).intent != "error"
    assert kb.counts() == before
    engine._cached.cache_clear()
    assert engine.ask("/league crc").text == league


def test_non_string_input_is_calm(engine):
    for value in (None, 42, 3.5, ["Sheffield"], b"Sheffield"):
        answer = engine.ask(value)
        assert answer.intent != "error" and answer.kind in KINDS


def test_inline_mode_is_calm(engine):
    assert engine.inline("")[0].intent == "help"
    assert engine.inline("asdfghjkl") == []
    several = engine.inline("Wales")
    assert len(several) >= 3 and all(a.kind == "answer" for a in several)
    for question in ("<b>", "{{ 7*7 }}", "x" * 10_000, "😀"):
        for answer in engine.inline(question):
            assert not calm_problems(answer)


WORDS = [
    "Sheffield",
    "Durham",
    "Wales",
    "Kent",
    "Leeds",
    "DTV",
    "westmercia",
    "/league",
    "/compare",
    "/find",
    "/inspection",
    "#ffb3012f",
    "vs",
    "and",
    "how",
    "many",
    "did",
    "CRC",
    "NPS",
    "PDU",
    "PDUs",
    "region",
    "good",
    "inadequate",
    "requires",
    "improvement",
    "which",
    "league",
    "table",
    "compare",
    "improved",
    "owner",
    "score",
    "1 of 27",
    "people",
    "staff",
    "risk",
    "2019",
    "first round",
    "Yorkshire and the Humber",
    "<b>",
    "</b>",
    "&",
    "{{",
    "}}",
    "{%",
    "'",
    '"',
    "*",
    "NEAR(",
    "OR",
    ":",
    "😀",
    "\n",
    "\x00",
    "?",
]


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.one_of(st.text(max_size=120), st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join)))
def test_any_text_gets_a_calm_answer(engine, question):
    answer = engine.ask(question)
    assert not calm_problems(answer), (question, calm_problems(answer))
