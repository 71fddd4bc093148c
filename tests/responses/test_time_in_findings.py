"""A time asked for in a question about findings is applied (in the knowledge base's query), never dropped.

The findings are counted and cut in SQL (``kb.findings_on``); the question's year or span reaches that
query as the inspections published then. Expected counts come from SQL written here.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from responses import ANSWER

SINCE_2023 = """select count(*) from findings where topic = ? and inspection_id in (
                select inspection_id from inspections where published is not null
                and substr(published, 1, 4) >= '2023' or published is null and year >= 2023)"""
IN_2019 = (
    "select count(*) from findings where topic = ? and inspection_id in "
    "(select inspection_id from inspections where year = 2019)"
)


@pytest.fixture(scope="module")
def sql(kb_path) -> sqlite3.Connection:
    return sqlite3.connect(kb_path)


@pytest.mark.parametrize(
    "question, topic, query, words",
    [
        ("what did inspectors say about accommodation since 2023", "accommodation", SINCE_2023, "since 2023"),
        ("findings on staffing in 2019", "staffing", IN_2019, "in 2019"),
        ("what did inspectors say about domestic abuse in 2019", "domestic-abuse", IN_2019, "in 2019"),
    ],
)
def test_findings_in_a_time_are_only_those_of_that_time(engine, sql, question, topic, query, words):
    everything = sql.execute("select count(*) from findings where topic = ?", (topic,)).fetchone()[0]
    expected = sql.execute(query, (topic,)).fetchone()[0]
    assert 0 < expected < everything, "the test needs a time that keeps some findings and leaves some out"
    answer = engine.ask(question)
    assert (answer.kind, answer.intent) == (ANSWER, "findings"), answer.text
    heading = answer.pages[0].text.splitlines()[0]
    assert words in heading, heading
    assert re.search(rf": {expected}\b", heading), (heading, expected)
