"""A busy group, end to end over HTTP: short answers, a fair flood guard, paging that holds nobody up,
and "Full answer in private" opening the whole answer in a private chat.

The bot is the real Application polling the fake Bot API server; members are distinct user ids in
one supergroup.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.app import GroupFairRateLimiter
from bot.handlers import SLOW_DOWN
from responses.render import strip_tags
from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID

pytestmark = pytest.mark.e2e

MEMBERS = range(3001, 3011)  # ten members of the group
#: The most a group answer's first message may show (issue 10: "about 1,200 characters at most").
GROUP_FIRST_MESSAGE_MAX = 1200


def labels(call) -> list[list[str]]:
    return [[b["text"] for b in row] for row in (call.markup or {}).get("inline_keyboard", [])]


def group_sends(api):
    return api.calls_to("sendMessage", GROUP_ID, ok_only=True)


async def test_ten_members_each_ask_within_a_minute_and_each_gets_an_answer(api, scripted):
    """The allowance is per member: ten members asking at once are all answered, and one member over
    their own allowance gets one note while the others carry on."""
    async with running_bot(make_settings(api, chat_rate_per_minute=2), scripted):
        asked = [api.group(f"@{BOT_USERNAME} question from member {m}", user_id=m) for m in MEMBERS]
        replies = [await api.reply_to(message) for message in asked]
        for m, reply in zip(MEMBERS, replies, strict=False):
            assert f"question from member {m}" in reply.text

        # Member 3001 goes on asking: one more answer (their second), then one note, then silence.
        extra = [api.group(f"@{BOT_USERNAME} more from 3001 number {n}", user_id=3001) for n in range(4)]
        await api.reply_to(extra[0])
        note = await api.reply_to(extra[1])
        assert note.text == SLOW_DOWN
        # ... and another member is answered as usual meanwhile.
        second = await api.reply_to(api.group(f"@{BOT_USERNAME} second question from 3002", user_id=3002))
        assert "second question from 3002" in second.text
        await api.settle()
        texts = [c.text for c in group_sends(api)]
        assert texts.count(SLOW_DOWN) == 1  # one note, not one per message
        assert not any("number 2" in t or "number 3" in t for t in texts)
        assert len(texts) == 10 + 1 + 1 + 1


async def test_one_member_paging_twenty_times_does_not_block_another(api, scripted):
    """Presses edit in place: they use up no one's allowance, and they do not queue in the group's
    20-a-minute line that new messages wait in."""
    async with running_bot(make_settings(api, chat_rate_per_minute=2), scripted) as application:
        sent = await api.reply_to(api.group(f"/league@{BOT_USERNAME}", user_id=3001))
        for n in range(20):
            api.press(sent, "", data=f"pc:{1 + n % 3}:/league all", user_id=3001)
        await api.wait_for("answerCallbackQuery", count=20)
        other = await api.reply_to(api.group(f"@{BOT_USERNAME} my own question", user_id=3002))
        assert "my own question" in other.text
        edits = api.calls_to("editMessageText", GROUP_ID, ok_only=True)
        assert len(edits) == 20
        assert all(c.params.get("text") is None for c in api.calls_to("answerCallbackQuery"))  # no notices
        # The presser's own allowance of questions is untouched too.
        again = await api.reply_to(api.group(f"@{BOT_USERNAME} after paging", user_id=3001))
        assert "after paging" in again.text
        limiter = application.bot.rate_limiter
        assert isinstance(limiter, GroupFairRateLimiter)


async def test_edits_stay_out_of_the_groups_queue():
    """The limiter keeps a group's 20-a-minute bucket for new messages only."""
    limiter = GroupFairRateLimiter(max_retries=0)
    done: list[str] = []

    async def call(name: str) -> bool:
        done.append(name)
        return True

    for _n in range(25):
        await limiter.process_request(call, ("edit",), {}, "editMessageText", {"chat_id": GROUP_ID, "text": "x"}, None)
    assert GROUP_ID not in limiter._group_limiters  # no group bucket was used by the edits
    await limiter.process_request(call, ("send",), {}, "sendMessage", {"chat_id": GROUP_ID, "text": "x"}, None)
    assert GROUP_ID in limiter._group_limiters
    assert done == ["edit"] * 25 + ["send"]


async def test_league_in_a_group_is_one_short_message_and_the_link_opens_it_in_private(api, real_bot, engine, kb):
    asked = api.group(f"/league@{BOT_USERNAME}", user_id=3001)
    sent = await api.reply_to(asked)
    await api.settle()
    assert group_sends(api) == [sent]  # one message
    visible = strip_tags(sent.text)
    assert len(visible) <= GROUP_FIRST_MESSAGE_MAX, len(visible)
    # The two buttons of a group answer, and the league's picture (issue 11) below them.
    assert labels(sent) == [["More"], ["Full answer in private"], ["Chart"]]
    assert "\nSources\n" not in visible  # citations are the numbered links themselves
    assert re.search(r'<a href="https?://[^"]+">\[1\]</a>', sent.text)

    # A summary: counts by rating, taken here from the knowledge base's own league.
    rows = kb.league(org_type="pdu")
    for rating in {i.overall_rating for i in rows}:
        assert f"{rating} {sum(i.overall_rating == rating for i in rows)}" in visible

    link = sent.button("Full answer in private")["url"]
    payload = parse_qs(urlsplit(link).query)["start"][0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)
    opened = api.open_link(link, user_id=3001)
    full = await api.reply_to(opened)
    assert full.chat_id == 3001
    assert full.text == engine.ask("/league").pages[0].html  # the whole league, page 1, with its sources
    assert labels(full)[-1][-1] == "Next ›"

    # "More" pages the group message in place, for anyone in the group.
    api.press(sent, "More", user_id=3005)
    (edit,) = await api.wait_for("editMessageText")
    assert edit.chat_id == GROUP_ID and len(strip_tags(edit.text)) <= GROUP_FIRST_MESSAGE_MAX
    assert labels(edit)[0] == ["‹ Back", "More"]


async def test_league_naming_a_body_says_where_it_sits(api, real_bot, kb):
    sent = await api.reply_to(api.group(f"/league@{BOT_USERNAME} Sheffield", user_id=3001))
    rows = kb.league(org_type="pdu")
    mine = next(i for i in rows if i.org_id == "pdu-sheffield")
    place = 1 + sum(1 for i in rows if i.rating_points > mine.rating_points)
    assert re.search(rf"Sheffield PDU</b>: {mine.overall_rating}, (joint )?{place}\w\w of {len(rows)}", sent.text)


async def test_start_with_an_unreadable_payload_welcomes(api, real_bot):
    welcome = await api.reply_to(api.private("/start inline", user_id=3001))
    assert "Hello" in welcome.text
    assert len(labels(welcome)) == 3  # three example questions as buttons
    api.press(welcome, labels(welcome)[0][0], user_id=3001)
    answered = await api.wait_for("sendMessage", lambda c: c.chat_id == 3001, count=2)
    assert "Sheffield" in answered[1].text  # the example was answered in a new message
