"""A new knowledge base goes live while hundreds of questions are waiting: none is lost or answered twice.

The real Application with the real engine polls the fake Bot API server over HTTP; the knowledge
base is a file of the test's own, built from a copy of the data. 1,000 questions about Sheffield PDU
from 50 chats are queued at once; once the bot has started answering them, the test publishes a
build with one more Sheffield inspection by renaming it over the live file (as ``kb build`` ends).
The reload job picks it up while the rest are still queued.

Checked: every question answered exactly once and in order per chat; every answer is a whole answer
from the old build or from the new (never an error); the batch holds both (so the swap happened with
questions in flight); questions asked after the news went out are all answered from the new build;
and the follower's news is sent exactly once. The overall rate limit is lifted as in ``test_load``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from tests.bot.conftest import reloading_bot
from tests.bot.fake_bot_api import Call, FakeBotApi
from tests.hardening.test_load import _lift_overall_limit
from tests.knowledge.builds import copy_data, inspection, publish, stage_sheffield_report

pytestmark = pytest.mark.e2e

CHATS, PER_CHAT = 50, 20
QUESTIONS = ["how did Sheffield do?", "/inspection Sheffield", "Sheffield PDU", "sheffield probation"]
FOLLOWER = 9000


def _replies(api: FakeBotApi, chats: set[int]) -> list[Call]:
    return [c for c in api.calls_to("sendMessage") if c.chat_id in chats and "reply_parameters" in c.params]


async def test_a_reload_under_load_loses_and_duplicates_nothing(tmp_path, monkeypatch):
    _lift_overall_limit(monkeypatch)
    data = copy_data(tmp_path)
    kb_path = tmp_path / "live" / "probation.db"
    publish(data, kb_path)
    old_source = inspection(data, "pdu-sheffield-2024")["source_url"]
    state = tmp_path / "live" / "state.db"
    next_build = tmp_path / "next.db"
    added = stage_sheffield_report(data, state, FOLLOWER, next_build)

    # Reloading, not flood control, is under test (flood control has its own test in test_load): the
    # server has no flood limits and each chat is answered as fast as the bot can.
    async with reloading_bot(kb_path, state, FOLLOWER) as api:
        chats = {60_000 + n for n in range(CHATS)}
        sent: dict[int, list[int]] = defaultdict(list)
        for round_ in range(PER_CHAT):
            for n, chat in enumerate(sorted(chats)):
                message = api.private(QUESTIONS[(round_ + n) % len(QUESTIONS)], user_id=chat)
                sent[chat].append(message["message_id"])
        await api.wait_for("sendMessage", lambda c: c.chat_id in chats, count=20, timeout=30)
        next_build.replace(kb_path)  # what the end of `kb build` does: one rename over the live file
        (news,) = await api.wait_for("sendMessage", lambda c: c.chat_id == FOLLOWER, timeout=60)
        total = CHATS * PER_CHAT
        await api.wait_for("sendMessage", lambda c: c.chat_id in chats, count=total, timeout=120)

        after = [api.private("how did Sheffield do?", user_id=chat) for chat in sorted(chats)]
        await api.wait_for("sendMessage", lambda c: c.chat_id in chats, count=total + CHATS, timeout=60)
        await api.settle()
        replies = _replies(api, chats)

    assert added["source_url"] in news.text
    assert [c.chat_id for c in api.calls_to("sendMessage", FOLLOWER)] == [FOLLOWER], "news sent more than once"
    assert all(c.status == 200 for c in replies)
    keys = [(c.chat_id, c.params["reply_parameters"]["message_id"]) for c in replies]
    counts = Counter(keys)
    assert [k for k, n in counts.items() if n > 1] == [], "answered twice"
    expected = {(chat, mid) for chat, ids in sent.items() for mid in ids} | {
        (m["chat"]["id"], m["message_id"]) for m in after
    }
    assert set(counts) == expected, f"{len(expected - set(counts))} questions never answered"
    by_chat: dict[int | None, list[int]] = defaultdict(list)
    for replied_in, mid in keys:
        by_chat[replied_in].append(mid)
    assert all(
        by_chat[chat] == sent[chat] + [m["message_id"] for m in after if m["chat"]["id"] == chat] for chat in chats
    ), "answers out of order"

    batch = {key for key in expected if key not in {(m["chat"]["id"], m["message_id"]) for m in after}}
    new = [c for c in replies if added["source_url"] in c.text]
    old = [c for c in replies if added["source_url"] not in c.text]
    assert all(old_source in c.text and "Inadequate" in c.text for c in old), "an answer that is neither build's"
    in_batch_new = [c for c in new if (c.chat_id, c.params["reply_parameters"]["message_id"]) in batch]
    assert old and in_batch_new, "the swap did not happen while questions were waiting"
    after_keys = {(m["chat"]["id"], m["message_id"]) for m in after}
    assert all(
        added["source_url"] in c.text
        for c in replies
        if (c.chat_id, c.params["reply_parameters"]["message_id"]) in after_keys
    )
    print(
        f"\nof {len(batch)} queued questions, {len(batch) - len(in_batch_new)} were answered from the old "
        f"build and {len(in_batch_new)} from the new"
    )
