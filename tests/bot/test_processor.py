"""Updates from different chats at once, from one chat in order: ``bot.processor``.

The unit tests drive :class:`PerChatUpdateProcessor` with real ``telegram.Update`` objects and
coroutines that wait on events the test controls, so every interleaving is forced, not hoped for.
The end-to-end tests hold one chat's reply at the fake Bot API server (as a slow round trip to
Telegram would) and check that other chats are answered meanwhile while that chat's next question waits.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
from typing import Any

import pytest
from telegram import CallbackQuery, Chat, InlineQuery, Message, Update, User

from bot.processor import PerChatUpdateProcessor, order_key
from tests.bot.conftest import make_settings, running_bot
from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID, FakeBotApi
from tests.bot.scripted_engine import ScriptedEngine

_ids = iter(range(1, 1_000_000))


def message_update(chat_id: int, text: str = "hi") -> Update:
    kind = Chat.PRIVATE if chat_id > 0 else Chat.SUPERGROUP
    message = Message(
        next(_ids),
        dtm.datetime.now(dtm.UTC),
        Chat(chat_id, kind),
        text=text,
        from_user=User(abs(chat_id) % 100_000 + 1, "Someone", False),
    )
    return Update(next(_ids), message=message)


def inline_update(user_id: int) -> Update:
    return Update(next(_ids), inline_query=InlineQuery(f"iq{next(_ids)}", User(user_id, "U", False), "sheff", ""))


def inline_press(user_id: int) -> Update:
    """A button pressed on a message sent through inline mode: no chat, only the person."""
    query = CallbackQuery(f"cq{next(_ids)}", User(user_id, "U", False), "ci", data="x", inline_message_id="im1")
    return Update(next(_ids), callback_query=query)


class Script:
    """Coroutines that record when they start and finish, each finishing only when the test says."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}
        self.running = 0
        self.most_running = 0

    def step(self, name: str) -> Any:
        gate = self.gates[name] = asyncio.Event()

        async def run() -> None:
            self.started.append(name)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
            try:
                await gate.wait()
            finally:
                self.running -= 1
            self.finished.append(name)

        return run()

    def release(self, *names: str) -> None:
        for name in names:
            self.gates[name].set()


async def until(condition: Any, what: str) -> None:
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0)
    assert condition(), what


def test_order_keys() -> None:
    assert order_key(message_update(1001)) == ("chat", 1001)
    assert order_key(message_update(GROUP_ID)) == ("chat", GROUP_ID)
    assert order_key(inline_update(77)) == ("user", 77)
    assert order_key(inline_press(77)) == ("user", 77)
    assert order_key(Update(next(_ids))) is None  # an update with neither (a poll, say): no queue
    assert order_key("not an update") is None


async def test_one_chat_in_order_other_chats_meanwhile() -> None:
    processor = PerChatUpdateProcessor(in_flight=8)
    script = Script()
    a1, a2, b1 = message_update(1), message_update(1), message_update(2)
    tasks = [
        asyncio.create_task(processor.process_update(u, script.step(name)))
        for u, name in ((a1, "a1"), (a2, "a2"), (b1, "b1"))
    ]
    await until(lambda: script.started == ["a1", "b1"], "a1 and b1 to start")
    script.release("b1")  # another chat finishes while the first chat's first update is still running
    await until(lambda: script.finished == ["b1"], "b1 to finish")
    assert "a2" not in script.started  # a2 waits for a1, however long
    script.release("a1")
    await until(lambda: "a2" in script.started, "a2 to start once a1 is done")
    script.release("a2")
    await asyncio.gather(*tasks)
    assert script.finished == ["b1", "a1", "a2"]
    assert processor.waiting_chats == 0  # finished chats are forgotten


async def test_a_long_queue_in_one_chat_keeps_its_order() -> None:
    processor = PerChatUpdateProcessor(in_flight=4)
    order: list[int] = []

    async def record(n: int) -> None:
        await asyncio.sleep(0.001 * (n % 3))  # later updates would overtake earlier ones if let
        order.append(n)

    await asyncio.gather(*(processor.process_update(message_update(GROUP_ID), record(n)) for n in range(40)))
    assert order == list(range(40))


async def test_at_most_in_flight_run_at_once_and_waiting_chats_hold_no_slot() -> None:
    processor = PerChatUpdateProcessor(in_flight=2)
    script = Script()
    # Chat 1 floods five updates first; chats 2 and 3 come after.
    updates = [(message_update(1), f"one{n}") for n in range(5)] + [
        (message_update(2), "two"),
        (message_update(3), "three"),
    ]
    tasks = [asyncio.create_task(processor.process_update(u, script.step(name))) for u, name in updates]
    # Chat 1's queued updates wait for their turn without taking a slot, so chat 2 gets the second one.
    await until(lambda: script.started == ["one0", "two"], "one0 and two to start")
    for _ in range(20):
        await asyncio.sleep(0)
    assert script.running == 2 and "three" not in script.started  # bounded: the third chat waits for a slot
    script.release("two")
    await until(lambda: script.started == ["one0", "two", "three"], "three to take the freed slot")
    script.release(*(f"one{n}" for n in range(5)), "three")
    await asyncio.gather(*tasks)
    assert script.most_running == 2
    assert [n for n in script.finished if n.startswith("one")] == [f"one{n}" for n in range(5)]


async def test_inline_queries_are_ordered_per_person() -> None:
    processor = PerChatUpdateProcessor(in_flight=8)
    script = Script()
    tasks = [
        asyncio.create_task(processor.process_update(u, script.step(name)))
        for u, name in ((inline_update(5), "q1"), (inline_update(5), "q2"), (inline_update(6), "other"))
    ]
    await until(lambda: script.started == ["q1", "other"], "q1 and the other person's query to start")
    script.release("q1", "q2", "other")
    await asyncio.gather(*tasks)
    assert script.started == ["q1", "other", "q2"]


async def test_a_failing_update_does_not_stall_its_chat() -> None:
    processor = PerChatUpdateProcessor(in_flight=2)
    done: list[str] = []

    async def fail() -> None:
        raise RuntimeError("handler failed")

    async def ok() -> None:
        done.append("next")

    first = asyncio.create_task(processor.process_update(message_update(9), fail()))
    second = asyncio.create_task(processor.process_update(message_update(9), ok()))
    with pytest.raises(RuntimeError):
        await first
    await second
    assert done == ["next"] and processor.waiting_chats == 0


async def test_cancelled_while_waiting_keeps_the_rest_in_order() -> None:
    """Stopping the bot cancels updates still waiting; one cancelled mid-queue must not let the next jump ahead."""
    processor = PerChatUpdateProcessor(in_flight=4)
    script = Script()
    first = asyncio.create_task(processor.process_update(message_update(4), script.step("first")))
    middle = asyncio.create_task(processor.process_update(message_update(4), script.step("middle")))
    last = asyncio.create_task(processor.process_update(message_update(4), script.step("last")))
    await until(lambda: script.started == ["first"], "first to start")
    middle.cancel()
    for _ in range(20):
        await asyncio.sleep(0)
    assert script.started == ["first"]  # "last" still waits for "first"
    script.release("first", "last")
    await asyncio.gather(first, last)
    assert script.started == ["first", "last"] and middle.cancelled()
    assert processor.waiting_chats == 0


def test_in_flight_must_be_positive() -> None:
    with pytest.raises(ValueError):
        PerChatUpdateProcessor(in_flight=0)


# -- end to end: the real Application over HTTP ---------------------------------------------------------


class HeldReplies(FakeBotApi):
    """The fake server, holding every sendMessage to one chat until the test lets it through."""

    def __init__(self, held_chat: int) -> None:
        super().__init__()
        self.held_chat = held_chat
        self.gate = asyncio.Event()
        self.holding = 0

    async def _m_sendMessage(self, params: dict[str, Any], call: Any) -> dict[str, Any]:
        if int(params["chat_id"]) == self.held_chat:
            self.holding += 1
            await self.gate.wait()
        return await super()._m_sendMessage(params, call)


@pytest.fixture
async def held() -> Any:
    server = HeldReplies(held_chat=1001)
    await server.start()
    yield server
    await server.stop()


async def test_other_chats_are_answered_while_one_waits_for_telegram(held: HeldReplies) -> None:
    scripted = ScriptedEngine()
    async with running_bot(make_settings(held), scripted):
        first = held.private("first question", user_id=1001)
        second = held.private("second question", user_id=1001)
        others = [held.private(f"question from {chat}", user_id=chat) for chat in (1002, 1003)]
        group = held.group(f"/league@{BOT_USERNAME}")
        try:
            for asked in [*others, group]:
                await held.reply_to(asked)  # answered while chat 1001's first reply is still held
            assert held.holding == 1
            # The same chat's next question has not even reached the engine: it waits for the first.
            assert [q for q, _ in scripted.asked if q.endswith(" question")] == ["first question"]
        finally:
            held.gate.set()
        one, two = await held.reply_to(first), await held.reply_to(second)
        assert one.at <= two.at and "first question" in one.text and "second question" in two.text


async def test_many_chats_at_once_each_answered_once_in_order(api: FakeBotApi) -> None:
    scripted = ScriptedEngine()
    chats = list(range(3001, 3021))
    async with running_bot(make_settings(api), scripted):
        asked = [api.private(f"question {n} from {chat}", user_id=chat) for n in range(5) for chat in chats]
        await api.wait_for("sendMessage", count=len(asked), timeout=30)
        await api.settle()
    replies = api.calls_to("sendMessage", ok_only=True)
    assert len(replies) == len(asked)  # exactly once: no reply lost, none doubled
    for chat in chats:
        replied_to = [c.params["reply_parameters"]["message_id"] for c in replies if c.chat_id == chat]
        assert replied_to == [m["message_id"] for m in asked if m["chat"]["id"] == chat]
