"""The news feed in the running bot: proposals to administrators, approval end to end, bad feeds survived.

The real Application talks HTTP to the fake Bot API server; the feed is served by ``tests.feed_server``
on 127.0.0.1; the knowledge base is a real build of the real data in the test's own folder, since an
approval rebuilds it. Expected values come from the feed text and the data files.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.context import Context
from bot.feed import APPROVE_LABEL, EDIT_LABEL, ONLY_ADMINS, REJECT_LABEL, check_feed, feed_job
from bot.state import ORG, Target
from knowledge.build import build
from knowledge.kb import KnowledgeBase
from knowledge.paths import DATA_DIR
from responses import Engine
from tests.bot.conftest import eventually, make_settings, running_bot
from tests.feed_server import ETAG, FeedServer, item_url

ADMIN, OTHER_ADMIN, FOLLOWER, STRANGER = 7001, 7002, 7101, 7201
PROPOSAL = "From the news feed"


@pytest.fixture
async def feed() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def own_kb(tmp_path: Path) -> Path:
    path = tmp_path / "kb" / "probation.db"
    build(DATA_DIR, path)
    return path


def settings_for(api, tmp_path: Path, feed: FeedServer, path: str = "/rss", **changes: Any):
    values: dict[str, Any] = {
        "admin_ids": frozenset({ADMIN, OTHER_ADMIN}),
        "feed_url": feed.url(path),
        "feed_seconds": 0,
        "local_data": str(tmp_path / "local"),
        "state_db": str(tmp_path / "state.db"),
        "kb_reload_seconds": 0,
    }
    return make_settings(api, **(values | changes))


async def meet(api, *user_ids: int) -> None:
    """Each user opens a private chat with the bot (Telegram lets a bot write only to chats it knows)."""
    for user_id in user_ids:
        await api.reply_to(api.private("/start", user_id=user_id))


def proposals(api, chat_id: int) -> dict[str, Any]:
    """The proposals sent to ``chat_id``, by the URL of their item."""
    out = {}
    for call in api.calls_to("sendMessage", chat_id, ok_only=True):
        if PROPOSAL in call.text:
            url = next(
                u for u in (item_url(g) for g in ("n-101", "n-102", "n-103", "n-107")) if u in call.params["text"]
            )
            out[url] = call
    return out


def local_rows(tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "local" / "inspections.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


async def test_approval_end_to_end_reaches_a_follower(api, feed, own_kb, tmp_path):
    engine = Engine(KnowledgeBase(own_kb))
    (org_id,) = (
        sqlite3.connect(own_kb)
        .execute("select org_id from organisations where org_type = 'pdu' and name like 'Sheffield%'")
        .fetchone()
    )
    async with running_bot(settings_for(api, tmp_path, feed), engine) as app:
        await meet(api, ADMIN, OTHER_ADMIN, FOLLOWER, STRANGER)
        app.bot_data.state.follow(FOLLOWER, Target(ORG, org_id))

        proposed = await check_feed(app)
        assert len(proposed) == 4  # n-101, n-102, n-103, n-107; the rest are not new reports
        await api.wait_for("sendMessage", lambda c: PROPOSAL in c.text, count=8)
        sheffield = proposals(api, ADMIN)[item_url("n-101")]
        assert "Sheffield Probation Delivery Unit" in sheffield.text and "Requires improvement" in sheffield.text
        assert "3 June 2025" in sheffield.text
        labels = [b["text"] for b in sheffield.buttons]
        assert labels == [APPROVE_LABEL, REJECT_LABEL]  # the item states its rating: nothing to edit

        # A press by anyone but an administrator changes nothing.
        api.press(sheffield, APPROVE_LABEL, user_id=STRANGER)
        (_refused,) = await api.wait_for("answerCallbackQuery", lambda c: c.params.get("text") == ONLY_ADMINS)
        await api.settle()
        assert local_rows(tmp_path) == []

        api.press(sheffield, APPROVE_LABEL, user_id=ADMIN)
        (news,) = await api.wait_for(
            "sendMessage", lambda c: c.chat_id == FOLLOWER and "New inspection" in c.text, timeout=30
        )
        assert "Sheffield" in news.text and "Requires improvement" in news.text and "3 June 2025" in news.text
        assert item_url("n-101") in news.params["text"]  # cited

        (row,) = local_rows(tmp_path)
        assert row["source_url"] == item_url("n-101") and row["org_id"] == org_id
        assert row["published"] == "2025-06-03" and row["overall_rating"] == "Requires improvement"
        assert row["rating_status"] == "rated" and row["org_type"] == "PDU"
        held = (
            sqlite3.connect(own_kb)
            .execute(
                "select overall_rating, source_url from inspections where org_id = ? and published = '2025-06-03'",
                (org_id,),
            )
            .fetchall()
        )
        assert held == [("Requires improvement", item_url("n-101"))]
        # Both administrators' copies now say it was approved, without buttons.
        for admin in (ADMIN, OTHER_ADMIN):
            message = api.message_of(proposals(api, admin)[item_url("n-101")])
            assert "Approved" in message["text"] and "reply_markup" not in message
        assert app.bot_data.engine is not engine  # the new build is live

        # Read again: nothing is proposed twice.
        feed.rss_body = feed.rss_body.replace(b"</channel>", b" </channel>")  # a changed body, not a 304
        assert await check_feed(app) == []

    # After a restart, with the same state database: still nothing proposed twice.
    async with running_bot(settings_for(api, tmp_path, feed), Engine(KnowledgeBase(own_kb))) as app:
        assert await check_feed(app) == []


async def test_edit_rating_then_approve_and_reject(api, feed, own_kb, tmp_path):
    async with running_bot(settings_for(api, tmp_path, feed), Engine(KnowledgeBase(own_kb))) as app:
        await meet(api, ADMIN, OTHER_ADMIN)
        await check_feed(app)
        await api.wait_for("sendMessage", lambda c: PROPOSAL in c.text, count=8)
        walsall = proposals(api, ADMIN)[item_url("n-103")]
        assert "not stated in the item" in walsall.text
        api.press(walsall, EDIT_LABEL, user_id=ADMIN)
        await eventually(
            lambda: any(
                b["text"] == "Good" for row in api.message_of(walsall)["reply_markup"]["inline_keyboard"] for b in row
            ),
            what="the rating choices",
        )
        api.press(walsall, "Good", user_id=ADMIN)
        await eventually(
            lambda: "Good (set by an administrator)" in api.message_of(walsall)["text"], what="the rating shown"
        )
        api.press(walsall, APPROVE_LABEL, user_id=ADMIN)
        await eventually(lambda: "Approved" in api.message_of(walsall)["text"], timeout=30, what="approval")
        (row,) = local_rows(tmp_path)
        assert row["overall_rating"] == "Good" and row["source_url"] == item_url("n-103")
        assert row["organisation"] == "Wolverhampton and Walsall Probation Delivery Unit"

        # An item completing an inspection we hold: approved, the held row gains the date and rating.
        south_yorkshire = proposals(api, ADMIN)[item_url("n-107")]
        assert "Adds to" in south_yorkshire.text and [b["text"] for b in south_yorkshire.buttons] == [
            APPROVE_LABEL,
            REJECT_LABEL,
        ]
        (held_id,) = (
            sqlite3.connect(own_kb)
            .execute(
                "select inspection_id from inspections where org_id = 'south-yorkshire-crc' and published is null "
                "and rating_status = 'not found'"
            )
            .fetchone()
        )
        api.press(south_yorkshire, APPROVE_LABEL, user_id=ADMIN)
        await eventually(lambda: "Approved" in api.message_of(south_yorkshire)["text"], timeout=30, what="approval")
        assert sqlite3.connect(own_kb).execute(
            "select published, overall_rating, rating_status, source_url from inspections where inspection_id = ?",
            (held_id,),
        ).fetchall() == [("2020-07-16", "Inadequate", "rated", item_url("n-107"))]

        sefton = proposals(api, OTHER_ADMIN)[item_url("n-102")]
        api.press(sefton, REJECT_LABEL, user_id=OTHER_ADMIN)
        await eventually(lambda: "Rejected" in api.message_of(sefton)["text"], what="rejection")
        await api.settle()
        assert [r["source_url"] for r in local_rows(tmp_path)] == [item_url("n-103"), item_url("n-107")]
        # The other administrator's copy says so too, and its buttons no longer act.
        assert "Rejected" in api.message_of(proposals(api, ADMIN)[item_url("n-102")])["text"]


async def test_conditional_get_in_the_bot(api, feed, own_kb, tmp_path):
    async with running_bot(settings_for(api, tmp_path, feed), Engine(KnowledgeBase(own_kb))) as app:
        await meet(api, ADMIN, OTHER_ADMIN)
        assert len(await check_feed(app)) == 4
        assert await check_feed(app) == []
        assert feed.requests[-1][1].get("If-None-Match") == ETAG


async def test_bad_feeds_are_logged_once_and_survived(api, feed, own_kb, tmp_path, caplog):
    settings = settings_for(api, tmp_path, feed, path="/feed", feed_seconds=0.1)
    async with running_bot(settings, Engine(KnowledgeBase(own_kb))) as app:
        app.bot_data.feed_watch.timeout = 0.5
        app.bot_data.feed_watch.max_bytes = 1_000_000
        await meet(api, ADMIN, OTHER_ADMIN)
        caplog.set_level(logging.INFO, logger="bot.feed")
        for mode in ("error", "garbage", "slow", "huge"):
            feed.mode = mode
            before = len(feed.requests)

            # The job runs by itself, several times, while the feed stays bad.
            def checked_again(before: int = before) -> bool:
                return len(feed.requests) >= before + 3

            await eventually(checked_again, timeout=30, what=f"checks of a {mode} feed")
            warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "news feed" in r.getMessage()]
            assert len(warnings) == 1, [r.getMessage() for r in warnings]
            caplog.clear()
        # The bot answers all the while, and proposes once the feed is good again.
        await api.reply_to(api.private("/help", user_id=ADMIN))
        feed.mode = "ok"
        await api.wait_for("sendMessage", lambda c: PROPOSAL in c.text, count=8, timeout=30)
        assert any("can be read again" in r.getMessage() for r in caplog.records)


async def test_the_job_function_never_raises(api, feed, own_kb, tmp_path):
    async with running_bot(settings_for(api, tmp_path, feed), Engine(KnowledgeBase(own_kb))) as app:
        app.bot_data.state.close()  # every state query now fails

        await feed_job(Context(app))  # the context the JobQueue passes: it carries the application
        await asyncio.sleep(0)


def test_feed_settings(tmp_path):
    from bot.settings import SettingsError, adopt_local_data, load_settings

    base = {"TELEGRAM_BOT_TOKEN": "123:abc"}
    plain = load_settings(base, dotenv_path=False)
    assert plain.feed_url is None and plain.feed_seconds == 3600 and plain.local_data is None
    with pytest.raises(SettingsError, match="LOCAL_DATA"):
        load_settings(base | {"FEED_URL": "https://example.org/feed/"}, dotenv_path=False)
    with pytest.raises(SettingsError, match="FEED_URL"):
        load_settings(base | {"FEED_URL": "not a url", "LOCAL_DATA": "x"}, dotenv_path=False)
    set_up = load_settings(
        base | {"FEED_URL": "https://example.org/feed/", "LOCAL_DATA": "/srv/local", "FEED_SECONDS": "600"},
        dotenv_path=False,
    )
    assert (set_up.feed_url, set_up.feed_seconds, set_up.local_data) == ("https://example.org/feed/", 600, "/srv/local")

    # LOCAL_DATA only in .env still reaches the knowledge layer (kb build, the start-up build).
    dotenv = tmp_path / ".env"
    dotenv.write_text("LOCAL_DATA=/srv/from-dotenv\n")
    environ: dict[str, str] = {}
    adopt_local_data(environ, dotenv)
    assert environ == {"LOCAL_DATA": "/srv/from-dotenv"}
    environ = {"LOCAL_DATA": "/srv/from-env"}
    adopt_local_data(environ, dotenv)
    assert environ == {"LOCAL_DATA": "/srv/from-env"}
