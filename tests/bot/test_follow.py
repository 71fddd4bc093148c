"""Following, end to end: the real Application, the real engine on a real knowledge base file, the fake
Bot API over HTTP, and a new knowledge base published under the running bot.

Each test builds its own knowledge base from a copy of the data folder into a temporary file the bot
is pointed at, so publishing a new build there (one more inspection, written by the test) is exactly
what ``probation-bot kb build --out`` does to a running bot. The reload interval is short, so news
arrives within a second or two; ``wait_for`` allows a few seconds, and no assertion is about time.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.follow import ADMINS_ONLY, CHOOSE, chat_hash
from bot.state import ORG, REGION, TYPE, StateDB, Target
from knowledge.kb import KnowledgeBase
from responses import Engine
from tests.bot.conftest import eventually, make_settings, running_bot
from tests.bot.fake_bot_api import GROUP_ID, TOKEN, Call, FakeBotApi
from tests.knowledge.builds import add_inspection, copy_data, new_sheffield_report, publish

pytestmark = pytest.mark.e2e

ADMIN = 4242  # a group administrator, also in ADMIN_IDS
MEMBER = 2002  # an ordinary group member
RELOAD_SECONDS = 0.1


class Live:
    """A knowledge base file under the test's control, and the state database beside it."""

    def __init__(self, tmp: Path):
        self.data = copy_data(tmp)
        self.kb_path = tmp / "live" / "probation.db"
        self.state_path = tmp / "live" / "state.db"
        publish(self.data, self.kb_path)

    def engine(self) -> Engine:
        return Engine(KnowledgeBase(self.kb_path))

    def settings(self, api: FakeBotApi, **changes):
        return make_settings(
            api,
            state_db=str(self.state_path),
            kb_reload_seconds=RELOAD_SECONDS,
            admin_ids=frozenset({ADMIN}),
            chat_rate_per_minute=0,
            **changes,
        )

    async def publish(self) -> None:
        await asyncio.to_thread(publish, self.data, self.kb_path)


@pytest.fixture
def live(tmp_path) -> Live:
    return Live(tmp_path)


@pytest.fixture
async def live_bot(api, live):
    api.set_admins(GROUP_ID, ADMIN)
    async with running_bot(live.settings(api), live.engine()) as application:
        yield application


def is_news(call: Call) -> bool:
    """A message the bot sent on its own (not a reply to anyone)."""
    return "reply_parameters" not in call.params and call.method == "sendMessage"


async def follow(api: FakeBotApi, text: str, *, chat_id: int, user_id: int | None = None) -> Call:
    message = api.send_text(text, chat_id=chat_id, user_id=user_id)
    return await api.reply_to(message)


async def test_a_private_chat_and_a_group_get_one_message_each_when_their_pdu_is_inspected(api, live, live_bot):
    assert "Following Sheffield PDU" in (await follow(api, "/follow Sheffield", chat_id=1001)).text
    assert (
        "Following Sheffield PDU"
        in (await follow(api, "/follow@ProbationTestBot sheffield pdu", chat_id=GROUP_ID, user_id=ADMIN)).text
    )
    await follow(api, "/follow Wales CRC", chat_id=1003)  # follows something else: hears nothing

    added = new_sheffield_report(live.data)
    await live.publish()

    news = await api.wait_for("sendMessage", is_news, count=2, timeout=10)
    assert {c.chat_id for c in news} == {1001, GROUP_ID}
    for call in news:
        assert "Sheffield PDU" in call.text and "New inspection" in call.text
        assert f"rated <b>{added['overall_rating']}</b>" in call.text
        assert "14 January 2027" in call.text  # added["published"] in words
        assert f'href="{added["source_url"]}"' in call.text  # cited
    # Later looks at the same file find nothing new: one message per chat per build, never two.
    await asyncio.sleep(RELOAD_SECONDS * 10)
    await api.settle()
    assert len([c for c in api.calls_to("sendMessage") if is_news(c)]) == 2

    # The new engine answers questions now, and /latest says what the update added.
    answer = await follow(api, "how did Sheffield do?", chat_id=1001)
    assert added["overall_rating"] in answer.text and added["source_url"] in answer.text
    latest = await follow(api, "/latest", chat_id=1001)
    assert "last updated" in latest.text and "new inspection of Sheffield PDU" in latest.text


async def test_region_type_and_all_followers_hear_only_their_news(api, live, live_bot):
    await follow(api, "/follow region Yorkshire and the Humber", chat_id=1001)
    await follow(api, "/follow type yjs", chat_id=1002)
    await follow(api, "/follow all", chat_id=1003)
    await follow(api, "/follow type crc", chat_id=1004)
    new_sheffield_report(live.data)
    youth = add_inspection(
        live.data,
        _a_yjs_inspection(live),
        inspection_id="yjs-test-2027",
        published="2027-02-02",
        overall_rating="Good",
        source_url="https://example.org/test/yjs-2027",
        source_title="Youth test report",
    )
    await live.publish()
    news = await api.wait_for("sendMessage", is_news, count=3, timeout=10)
    by_chat = {c.chat_id: c.text for c in news}
    assert set(by_chat) == {1001, 1002, 1003}
    assert "Sheffield PDU" in by_chat[1001] and youth["source_url"] not in by_chat[1001]
    assert youth["source_url"] in by_chat[1002] and "Sheffield PDU" not in by_chat[1002]
    assert "Sheffield PDU" in by_chat[1003] and youth["source_url"] in by_chat[1003]  # one message, both reports
    await api.settle()
    assert 1004 not in {c.chat_id for c in api.calls_to("sendMessage") if is_news(c)}


def _a_yjs_inspection(live: Live) -> str:
    """The id of some youth justice service inspection in the data (read from the file, not assumed)."""
    from tests.knowledge.csvedit import records

    return next(
        r["inspection_id"] for r in records(live.data / "inspections.csv") if r["org_type"] == "Youth justice service"
    )


async def test_a_non_admin_cannot_change_a_groups_follows_but_may_list_them(api, live, live_bot):
    refused = await follow(api, "/follow Sheffield", chat_id=GROUP_ID, user_id=MEMBER)
    assert refused.text == ADMINS_ONLY
    assert [c.params["user_id"] for c in api.calls_to("getChatMember")] == [str(MEMBER)]
    assert StateDB(live.state_path).follows(GROUP_ID) == []
    listed = await follow(api, "/following", chat_id=GROUP_ID, user_id=MEMBER)
    assert "follows nothing" in listed.text


async def test_a_chat_that_blocked_the_bot_loses_its_follows_and_the_log_hides_its_id(api, live, live_bot, caplog):
    await follow(api, "/follow Sheffield", chat_id=1001)
    await follow(api, "/follow Sheffield", chat_id=1002)
    api.block(1002)
    new_sheffield_report(live.data)
    with caplog.at_level(logging.INFO):
        await live.publish()
        await api.wait_for("sendMessage", lambda c: is_news(c) and c.chat_id == 1001, timeout=10)
        await eventually(lambda: StateDB(live.state_path).follows(1002) == [], timeout=10, what="follows removed")
    assert StateDB(live.state_path).follows(1001) == [Target(ORG, "pdu-sheffield")]
    removal = [r.getMessage() for r in caplog.records if "follow(s) were removed" in r.getMessage()]
    assert removal and chat_hash(1002, TOKEN) in removal[0]
    assert not any("1002" in r.getMessage() for r in caplog.records)


async def test_follows_survive_a_restart(api, live):
    api.set_admins(GROUP_ID, ADMIN)
    async with running_bot(live.settings(api), live.engine()):
        await follow(api, "/follow Sheffield", chat_id=1001)
        await follow(api, "/follow type pdu", chat_id=GROUP_ID, user_id=ADMIN)
    async with running_bot(live.settings(api), live.engine()):
        listed = await follow(api, "/following", chat_id=GROUP_ID, user_id=MEMBER)
        assert "every PDU" in listed.text and [b["text"] for b in listed.buttons] == ["Stop: every PDU"]
        new_sheffield_report(live.data)
        await live.publish()
        news = await api.wait_for("sendMessage", is_news, count=2, timeout=10)
        assert {c.chat_id for c in news} == {1001, GROUP_ID}


async def test_the_follow_button_under_an_answer_and_the_stop_buttons(api, live, live_bot):
    answer = await follow(api, "Sheffield", chat_id=1001)
    api.press(answer, "Follow")
    (ack,) = await api.wait_for("answerCallbackQuery")
    assert "Following Sheffield PDU" in ack.params["text"]
    assert StateDB(live.state_path).follows(1001) == [Target(ORG, "pdu-sheffield")]

    listed = await follow(api, "/following", chat_id=1001)
    api.press(listed, "Stop: Sheffield PDU")
    (edit,) = await api.wait_for("editMessageText")
    assert "follows nothing" in edit.params["text"]
    assert StateDB(live.state_path).follows(1001) == []


async def test_a_name_that_fits_several_offers_choices(api, live, live_bot):
    offered = await follow(api, "/follow Wales", chat_id=1001)
    assert offered.text == CHOOSE
    labels = [b["text"] for b in offered.buttons]
    assert "everything in Wales" in labels and len(labels) >= 3
    api.press(offered, "everything in Wales")
    (edit,) = await api.wait_for("editMessageText")
    assert edit.params["text"].startswith("Following everything in Wales")
    assert StateDB(live.state_path).follows(1001) == [Target(REGION, "Wales")]


async def test_a_group_member_cannot_press_follow_either(api, live, live_bot):
    answer = await follow(api, "@ProbationTestBot Sheffield", chat_id=GROUP_ID, user_id=MEMBER)
    api.press(answer, "Follow", user_id=MEMBER)
    (ack,) = await api.wait_for("answerCallbackQuery")
    assert "administrators" in ack.params["text"]
    assert StateDB(live.state_path).follows(GROUP_ID) == []


async def test_a_bad_new_file_changes_nothing_and_tells_the_admins_once(api, live, live_bot):
    await follow(api, "/start", chat_id=ADMIN)  # the admin has a private chat with the bot
    before = (await follow(api, "how did Sheffield do?", chat_id=1001)).text
    broken = live.kb_path.with_name("broken.tmp")
    broken.write_bytes(b"this is not a knowledge base" * 200)
    broken.replace(live.kb_path)
    (told,) = await api.wait_for("sendMessage", lambda c: is_news(c) and c.chat_id == ADMIN, timeout=10)
    assert "could not be loaded" in told.text
    after = await follow(api, "how did Sheffield do?", chat_id=1001)
    assert after.text == before
    await asyncio.sleep(RELOAD_SECONDS * 10)
    await api.settle()
    assert len([c for c in api.calls_to("sendMessage", ADMIN) if is_news(c)]) == 1


async def test_follow_by_type_words_and_unfollow_all(api, live, live_bot):
    await follow(api, "/follow youth justice services", chat_id=1001)
    await follow(api, "/follow type PDUs", chat_id=1001)
    assert set(StateDB(live.state_path).follows(1001)) == {Target(TYPE, "yjs"), Target(TYPE, "pdu")}
    done = await follow(api, "/unfollow all", chat_id=1001)
    assert done.text == "Stopped following everything."
    assert StateDB(live.state_path).follows(1001) == []
    unknown = await follow(api, "/follow xqzzyv", chat_id=1001)
    assert "couldn't find" in unknown.text


async def test_a_403_on_a_reply_also_removes_the_chats_follows(api, live, live_bot):
    await follow(api, "/follow Sheffield", chat_id=1001)
    api.block(1001)
    api.private("how did Sheffield do?", user_id=1001)
    await eventually(lambda: StateDB(live.state_path).follows(1001) == [], timeout=10, what="follows removed")


async def test_the_same_data_rebuilt_is_not_news(api, live, live_bot):
    await follow(api, "/follow all", chat_id=1001)
    before = StateDB(live.state_path).last_update()
    old_inode = live.kb_path.stat().st_ino
    await live.publish()  # same data, new file
    assert live.kb_path.stat().st_ino != old_inode
    from bot.reload import file_signature

    await eventually(
        lambda: live_bot.bot_data.kb_watch.signature == file_signature(live.kb_path),
        what="the watcher to look at the new file",
    )
    await api.settle()
    assert [c for c in api.calls_to("sendMessage") if is_news(c)] == []
    assert StateDB(live.state_path).last_update() == before


async def test_a_build_published_while_the_bot_was_stopped_is_news_at_the_next_start(api, live):
    from bot.reload import LAST_LIVE_SUFFIX

    copy = Path(str(live.state_path) + LAST_LIVE_SUFFIX)
    async with running_bot(live.settings(api), live.engine()):
        await follow(api, "/follow Sheffield", chat_id=1001)
        await eventually(copy.is_file, what="a copy of the live knowledge base")
    added = new_sheffield_report(live.data)
    await live.publish()  # while the bot is stopped
    async with running_bot(live.settings(api), live.engine()):
        (news,) = await api.wait_for("sendMessage", lambda c: is_news(c) and c.chat_id == 1001, timeout=10)
        assert added["source_url"] in news.text
        latest = await follow(api, "/latest", chat_id=1001)
        assert "new inspection of Sheffield PDU" in latest.text
    async with running_bot(live.settings(api), live.engine()):  # and a start with nothing new says nothing
        await api.settle()
        await asyncio.sleep(RELOAD_SECONDS * 5)
        await api.settle()
    assert len([c for c in api.calls_to("sendMessage", 1001) if is_news(c)]) == 1
