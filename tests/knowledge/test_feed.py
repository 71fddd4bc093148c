"""Reading the news feed: candidates with the right fields, non-reports skipped, fetch failures survived.

The feed is served over HTTP on 127.0.0.1 by ``tests.feed_server``; expected values come from the
feed text written there and from the data files (by SQL on the real knowledge base), never from the
code under test.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from knowledge.feed import FeedError, Validators, fetch_feed, parse_feed, read_candidates, stated_rating
from tests.feed_server import ETAG, HELD_URL, LAST_MODIFIED, FeedServer, item_url


@pytest.fixture
async def feed() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    yield server
    await server.stop()


def one(kb_path: Path, sql: str, *params: object) -> tuple[Any, ...]:
    conn = sqlite3.connect(kb_path)
    try:
        row: tuple[Any, ...] = conn.execute(sql, params).fetchone()
        return row
    finally:
        conn.close()


async def read(feed: FeedServer, path: str, engine: Any) -> tuple[dict[str, dict[str, Any]], int]:
    fetched = await fetch_feed(feed.url(path))
    assert fetched.body is not None
    reading = read_candidates(parse_feed(fetched.body), engine.kb, engine.resolver)
    return {c.key: c.to_json() for c in reading.candidates}, reading.skipped_total


async def test_rss_candidates_have_the_right_fields(feed, engine, kb_path):
    found, skipped = await read(feed, "/rss", engine)
    assert set(found) == {"n-101", "n-102", "n-103", "n-107"}
    # speech, thematic report, jobs: not reports; n-108 is an inspection the data already cites.
    assert skipped == 4

    sheffield = found["n-101"]
    (org_id,) = one(kb_path, "select org_id from organisations where org_type = 'pdu' and name like 'Sheffield%'")
    assert sheffield["org_id"] == org_id and sheffield["new_organisation"] is False
    assert sheffield["type"] == "PDU" and sheffield["rating"] == "Requires improvement"
    assert sheffield["published"] == "2025-06-03" and sheffield["url"] == item_url("n-101")
    assert sheffield["title"].startswith("An inspection of Sheffield probation delivery unit")
    assert sheffield["adds_to"] is None
    assert one(
        kb_path, "select count(*) from inspections where org_id = ? and published = ?", org_id, "2025-06-03"
    ) == (0,)

    sefton = found["n-102"]
    assert one(kb_path, "select count(*) from aliases where alias like '%sefton%'") == (0,)
    assert sefton["new_organisation"] is True and sefton["type"] == "Youth justice service"
    assert sefton["organisation"] == "Sefton Youth Justice Service" and sefton["rating"] == "Outstanding"
    # The item's own day (00:30 at +01:00), not the UTC day before it.
    assert sefton["published"] == "2025-05-31"

    walsall = found["n-103"]
    assert walsall["type"] == "PDU" and walsall["rating"] is None  # the item states no rating
    assert walsall["organisation"] == "Wolverhampton and Walsall Probation Delivery Unit"


async def test_an_item_completing_a_held_inspection_says_what_it_adds(feed, engine, kb_path):
    found, _ = await read(feed, "/rss", engine)
    held_id, published, status = one(
        kb_path,
        "select inspection_id, published, rating_status from inspections "
        "where org_id = (select org_id from aliases where alias = 'South Yorkshire CRC') and year = 2020",
    )
    assert published is None and status == "not found"
    sy = found["n-107"]
    assert sy["adds_to"] == held_id and sy["new_organisation"] is False
    assert sy["adds"] == {"published": "2020-07-16", "overall_rating": "Inadequate"}


async def test_atom_feed(feed, engine):
    found, skipped = await read(feed, "/atom", engine)
    assert skipped == 1 and list(found) == ["urn:example:a-1"]
    kirklees = found["urn:example:a-1"]
    assert kirklees["type"] == "Youth justice service" and kirklees["rating"] == "Good"
    assert kirklees["published"] == "2025-03-04" and kirklees["url"] == "https://inspectorate.example/news/kirklees-yos"


@pytest.mark.parametrize(
    "title, summary, rating",
    [
        ("X PDU rated Good", "", "Good"),
        ("X PDU requires improvement, say inspectors", "", "Requires improvement"),
        ("X YJS previously rated Good is now Inadequate", "", "Inadequate"),
        ("X PDU shows good progress", "Staff do good work.", None),  # "good" in passing is not a rating
        ("X PDU inspected", "Rated Good for leadership, Inadequate overall", None),  # two ratings: unsure
    ],
)
def test_stated_rating(title, summary, rating):
    assert stated_rating(title, summary) == rating


async def test_conditional_get_is_honoured(feed):
    first = await fetch_feed(feed.url("/rss"))
    assert first.body and first.validators == Validators(ETAG, LAST_MODIFIED)
    second = await fetch_feed(feed.url("/rss"), first.validators)
    assert second.not_modified and second.validators == first.validators
    sent = feed.requests[-1][1]
    assert sent["If-None-Match"] == ETAG and sent["If-Modified-Since"] == LAST_MODIFIED


@pytest.mark.parametrize(
    "mode, kind", [("error", "http"), ("garbage", "malformed"), ("slow", "timeout"), ("huge", "too-large")]
)
async def test_a_bad_feed_is_a_feed_error(feed, mode, kind):
    feed.mode = mode
    with pytest.raises(FeedError) as caught:
        fetched = await fetch_feed(feed.url("/feed"), timeout=1.0, max_bytes=100_000)
        parse_feed(fetched.body or b"")
    assert caught.value.kind == kind


async def test_an_unreachable_feed_is_a_feed_error():
    with pytest.raises(FeedError) as caught:
        await fetch_feed("http://127.0.0.1:9/feed", timeout=2.0)
    assert caught.value.kind in {"unreachable", "timeout"}


def test_cli_feed_check_json(feed_url, kb_path, capsys):
    assert main(["feed", "check", "--url", feed_url, "--json", "--db", str(kb_path)]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["key"] for r in rows] == ["n-101", "n-102", "n-103", "n-107"]
    assert all(r["url"] and r["title"] and r["type"] for r in rows)
    assert "4 item(s) skipped" in err and "n-10" not in err


def test_cli_feed_check_text_and_failure(feed_url, kb_path, capsys):
    assert main(["feed", "check", "--url", feed_url, "--db", str(kb_path)]) == 0
    out, _ = capsys.readouterr()
    assert "Sefton Youth Justice Service (new youth justice service)" in out and HELD_URL not in out
    assert main(["feed", "check", "--url", "http://127.0.0.1:9/none", "--timeout", "2", "--db", str(kb_path)]) == 1
    assert "feed check:" in capsys.readouterr().err


@pytest.fixture
def feed_url():
    """The RSS feed, served from a thread (the CLI runs its own event loop)."""
    import asyncio
    import threading

    server = FeedServer()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(5)
    yield server.url("/rss")
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def test_bodies_named_only_as_a_probation_service(engine, kb_path):
    from knowledge.feed import FeedItem

    items = [
        FeedItem(
            "k1", "Probation service in Cheshire East 'requires improvement'", "", "https://x.example/1", "2025-06-03"
        ),
        FeedItem(
            "k2",
            "Essex North probation service is Inadequate, again",
            "Inspectors returned in 2025.",
            "https://x.example/2",
            "2025-09-10",
        ),
        FeedItem("k3", "Inspection of youth justice services in Sefton", "", "https://x.example/3", "2025-07-10"),
    ]
    found = {c.key: c for c in read_candidates(items, engine.kb, engine.resolver).candidates}
    # Cheshire East names a youth justice service (a joint one), but no probation body: the item is about probation.
    assert one(
        kb_path,
        "select count(*) from aliases join organisations using (org_id) "
        "where alias like '%cheshire east%' and org_type != 'yjs'",
    ) == (0,)
    cheshire = found["k1"]
    assert cheshire.new_organisation and cheshire.type_guessed and cheshire.org_type == "pdu"
    assert (
        cheshire.organisation == "Cheshire East Probation Delivery Unit" and cheshire.rating == "Requires improvement"
    )
    (essex,) = one(kb_path, "select org_id from organisations where name = 'Essex North Probation Delivery Unit'")
    assert found["k2"].org_id == essex and not found["k2"].new_organisation and not found["k2"].type_guessed
    assert found["k2"].rating == "Inadequate" and found["k2"].adds_to is None
    assert found["k3"].organisation == "Sefton Youth Justice Service" and found["k3"].rating is None
