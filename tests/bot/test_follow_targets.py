"""What /follow's argument names, read with the real engine over the real knowledge base, and the news
message a follower gets, rendered from the real data. Expected ids and names come from SQL here."""

from __future__ import annotations

import html
import re
import sqlite3

import pytest

from bot.follow import decode, encode, resolve
from bot.state import ALL, ORG, REGION, TYPE, Target
from knowledge.diff import NEW, Change
from responses import MESSAGE_LIMIT
from responses.news import news_answer
from tests.bot.fake_bot_api import parse_telegram_html


@pytest.fixture(scope="module")
def sql(kb_path):
    conn = sqlite3.connect(kb_path)
    yield conn
    conn.close()


def _org_id(sql, name_like: str, org_type: str) -> str:
    (org_id,) = sql.execute(
        "select org_id from organisations where name like ? and org_type = ?", (name_like, org_type)
    ).fetchone()
    return str(org_id)


def test_a_name_is_one_body(engine, sql):
    assert resolve("Sheffield", engine).target == Target(ORG, _org_id(sql, "Sheffield%", "pdu"))


def test_a_youth_justice_service_is_followable_like_any_body(engine, sql):
    lambeth = _org_id(sql, "Lambeth%", "yjs")
    assert resolve("Lambeth youth justice service", engine).target == Target(ORG, lambeth)


def test_a_name_that_fits_several_offers_them_and_the_region(engine, sql):
    found = resolve("Wales", engine)
    assert found.target is None
    wales = {
        r[0]
        for r in sql.execute(
            "select org_id from organisations where name like '%Wales%' and org_type in ('crc', 'nps', 'region')"
        )
    }
    assert {t.value for t in found.choices if t.kind == ORG} <= wales and len(found.choices) >= 3
    assert Target(REGION, "Wales") in found.choices


@pytest.mark.parametrize(
    "text, target",
    [
        ("all", Target(ALL)),
        ("everything", Target(ALL)),
        ("type pdu", Target(TYPE, "pdu")),
        ("type PDUs", Target(TYPE, "pdu")),
        ("crcs", Target(TYPE, "crc")),
        ("type youth justice services", Target(TYPE, "yjs")),
        ("youth justice services", Target(TYPE, "yjs")),
        ("region yorkshire and the humber", Target(REGION, "Yorkshire and the Humber")),
        ("region Kent, Surrey and Sussex", Target(REGION, "Kent, Surrey and Sussex")),
    ],
)
def test_kinds_of_target(engine, text, target):
    assert resolve(text, engine).target == target


@pytest.mark.parametrize("text", ["", "xqzzyv", "region Atlantis", "type submarine"])
def test_nonsense_gets_a_plain_answer_not_a_guess(engine, text):
    found = resolve(text, engine)
    assert found.target is None and not found.choices and found.problem


def test_region_names_come_from_the_data(engine, sql):
    for (region,) in sql.execute("select distinct region from inspections where region is not null"):
        assert resolve(f"region {region}", engine).target == Target(REGION, region)


def test_button_data_round_trips_and_fits(engine, kb):
    targets = (
        [Target(ORG, org_id) for org_id in kb.organisations]
        + [Target(REGION, r) for r in kb.regions]
        + [Target(TYPE, t) for t in ("pdu", "crc", "nps", "region", "yjs", "national")]
        + [Target(ALL)]
    )
    for target in targets:
        for action in ("fo", "uf"):
            data = encode(action, target, kb)
            assert data is not None and len(data.encode()) <= 64
            assert decode(data, kb) == (action, target)
    assert decode("fo:o:00000000", kb) is None and decode("c:/inspection #x", kb) is None


def test_news_of_every_inspection_at_once_is_one_valid_message(kb, sql):
    """The worst case, /follow all and a first build: cut to fit one message, saying how many more."""
    rows = sql.execute(
        "select i.inspection_id, i.org_id, o.name, o.org_type, i.region, i.overall_rating "
        "from inspections i join organisations o using (org_id) order by o.name"
    ).fetchall()
    changes = [Change(NEW, row[0], row[1], row[2], row[3], row[4], None, row[5]) for row in rows]
    answer = news_answer(kb, changes, "every new report")
    (page,) = answer.pages
    # Telegram counts what a reader sees: the text once its tags are read and its entities decoded.
    assert len(html.unescape(re.sub(r"<[^>]+>", "", page.html))) <= MESSAGE_LIMIT and len(page.text) <= MESSAGE_LIMIT
    parse_telegram_html(page.html)  # Telegram would accept it
    assert f"{len(rows)} new inspection reports" in page.text and "more" in page.text
    for citation in answer.citations:  # every number in the text has its source listed
        assert f"[{citation.n}]" in page.text and citation.url in page.html
