"""The knowledge base's indexed and capped queries give what a plain SQL query over the same file gives.

Expected values come from SQL written here against the built file, never from the code under test.
"""

from __future__ import annotations

import sqlite3

import pytest

from knowledge.kb import KnowledgeBase


@pytest.fixture(scope="module")
def sql(kb_path) -> sqlite3.Connection:
    conn = sqlite3.connect(kb_path)
    conn.row_factory = sqlite3.Row
    return conn


def _busiest_topic(sql: sqlite3.Connection) -> str:
    topic: str = sql.execute(
        "select topic from findings group by topic order by count(*) desc, topic limit 1"
    ).fetchone()[0]
    return topic


def test_findings_on_a_topic_are_counted_and_cut(kb: KnowledgeBase, sql):
    topic = _busiest_topic(sql)
    ids = [r[0] for r in sql.execute("select id from findings where topic = ? order by id", (topic,))]
    assert len(ids) > 12
    total, rows = kb.findings_on([topic], limit=10)
    assert total == len(ids)
    assert [f.id for f in rows] == ids[:10]


def test_findings_named_first_come_first_in_that_order(kb: KnowledgeBase, sql):
    topic = _busiest_topic(sql)
    ids = [r[0] for r in sql.execute("select id from findings where topic = ? order by id", (topic,))]
    other = sql.execute("select id from findings where topic != ? limit 1", (topic,)).fetchone()[0]
    first = [ids[7], ids[3], other, ids[5]]  # one not on the topic: left out
    _total, rows = kb.findings_on([topic], first=first, limit=6)
    assert [f.id for f in rows] == [ids[7], ids[3], ids[5], ids[0], ids[1], ids[2]]


def test_findings_in_a_region_and_of_a_type(kb: KnowledgeBase, sql):
    topic = _busiest_topic(sql)
    region, n = sql.execute(
        """select o.region, count(*) from findings f join organisations o on o.org_id = f.org_id
                               where f.topic = ? and o.region is not null group by o.region
                               order by count(*) desc limit 1""",
        (topic,),
    ).fetchone()
    assert kb.findings_on([topic], region=region)[0] == n
    crc = sql.execute(
        """select count(*) from findings f left join organisations o on o.org_id = f.org_id
                         left join subjects s on s.subject_id = f.subject_id
                         where f.topic = ?
                         and (o.org_type = 'crc' or (f.org_id is null and upper(s.title) like '%CRC%'))""",
        (topic,),
    ).fetchone()[0]
    assert kb.findings_on([topic], org_type="crc")[0] == crc


def test_findings_of_some_inspections_only(kb: KnowledgeBase, sql):
    """A question's time span reaches the query as the inspections published then: counted and cut in SQL."""
    topic = _busiest_topic(sql)
    inspections = [r[0] for r in sql.execute("select inspection_id from inspections where year = 2023")]
    ids = [
        r[0]
        for r in sql.execute(
            "select id from findings where topic = ? and inspection_id in (select inspection_id from inspections "
            "where year = 2023) order by id",
            (topic,),
        )
    ]
    assert ids, "the test needs findings on the topic from 2023"
    total, rows = kb.findings_on([topic], inspection_ids=inspections, limit=3)
    assert total == len(ids)
    assert [f.id for f in rows] == ids[:3]
    assert kb.findings_on([topic], inspection_ids=[])[0] == 0  # a span with nothing published in it


def test_national_findings_first_then_local(kb: KnowledgeBase, sql):
    topic = _busiest_topic(sql)
    national = [
        r[0]
        for r in sql.execute(
            "select id from findings where topic = ? and (org_id is null or org_id in "
            "(select org_id from organisations where org_type = 'national')) order by id",
            (topic,),
        )
    ]
    local = [
        r[0]
        for r in sql.execute(
            "select id from findings where topic = ? and org_id in "
            "(select org_id from organisations where org_type != 'national') order by id",
            (topic,),
        )
    ]
    assert national and local, "the test needs both kinds of finding on the topic"
    limit = len(national) + 2
    total, rows = kb.findings_on([topic], national_first=True, first=[local[1]], limit=limit)
    assert total == len(national) + len(local)
    assert [f.id for f in rows] == [*national, local[1], local[0]]


def test_earlier_ratings_index(kb: KnowledgeBase, sql):
    expected = {
        r[0]
        for r in sql.execute("""
        select i.inspection_id from inspections i
        where i.overall_rating = 'Good' and exists (
            select 1 from inspections later where later.org_id = i.org_id
            and (later.sort_date > i.sort_date
                 or (later.sort_date = i.sort_date and later.inspection_id > i.inspection_id)))""")
    }
    assert {i.inspection_id for i in kb.earlier_rated("Good")} == expected


def test_a_remembered_set_is_not_changed_by_its_reader(kb: KnowledgeBase):
    first = kb.league(org_type="crc")
    first.clear()
    assert kb.league(org_type="crc") and kb.league(org_type="crc") == kb.league(org_type="crc")


def test_scores_counted_and_cut(kb: KnowledgeBase, sql):
    n = sql.execute("select count(*) from inspections where score_points is not null").fetchone()[0]
    assert len(kb.scored_inspections()) == n and n > 3
    lowest = [
        r[0]
        for r in sql.execute(
            "select inspection_id from inspections where score_points is not null "
            "order by score_points, sort_date limit 3"
        )
    ]
    assert [i.inspection_id for i in kb.scored_inspections(limit=3)] == lowest
