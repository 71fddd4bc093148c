"""Fixtures for the bot's end-to-end tests: a fake Bot API server, and the real Application polling it.

``running_bot`` does what ``Application.run_polling`` does (initialize, post_init, start polling,
start) but inside the test's event loop, so the test can queue updates on the server and watch the
requests the bot makes, all over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import ALLOWED_UPDATES, build_application
from bot.settings import Settings
from tests.bot.fake_bot_api import TOKEN, FakeBotApi, serving
from tests.bot.scripted_engine import ScriptedEngine

#: Longest any start or stop may take before the test fails instead of hanging.
LIFECYCLE_TIMEOUT = 10.0


async def eventually(condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    """Wait until ``condition()`` is true, failing the test after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def make_settings(api: FakeBotApi, **changes: Any) -> Settings:
    return Settings(token=TOKEN, base_url=api.base_url, **changes)


@asynccontextmanager
async def running_bot(settings: Settings, engine: Any) -> AsyncIterator[Any]:
    application = build_application(settings, engine)
    async with asyncio.timeout(LIFECYCLE_TIMEOUT):
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0.0, timeout=dtm.timedelta(seconds=1), allowed_updates=ALLOWED_UPDATES
        )
        await application.start()
    server = serving(settings.base_url)  # None when the server runs in another process (benchmarks)
    if server is not None:
        server.application = application
    try:
        yield application
    finally:
        if server is not None and server.application is application:
            server.application = None
        async with asyncio.timeout(LIFECYCLE_TIMEOUT):
            await application.updater.stop()
            await application.stop()
            await application.shutdown()


@asynccontextmanager
async def reloading_bot(kb_path: Path, state_db: Path, follower: int) -> AsyncIterator[FakeBotApi]:
    """The real bot on the live file ``kb_path``, looking for a new build every 0.1 s, with ``follower`` known.

    Reloading, not flood control, is what its users time or test: the server has no flood limits and the
    bot no per-chat pause, so every chat is answered as fast as the bot can.
    """
    from knowledge.kb import KnowledgeBase
    from responses import Engine

    api = FakeBotApi(flood=None)
    await api.start()
    try:
        settings = make_settings(api, state_db=str(state_db), kb_reload_seconds=0.1, chat_rate_per_minute=0)
        async with running_bot(settings, Engine(KnowledgeBase(kb_path))):
            await api.wait_for("getUpdates")
            api.chat(follower)
            yield api
    finally:
        await api.stop()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


class RecordingEngine:
    """The real engine, noting each question the bot put to it: what the bot made of a message."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.asked: list[tuple[str, bool]] = []  # every (question, compact), in order
        self.conversations: list[str | None] = []  # the conversation key of each question asked

    def ask(self, question: str, *, compact: bool = False, conversation: str | None = None, **options: Any) -> Any:
        self.asked.append((question, compact))
        self.conversations.append(conversation)
        return self.engine.ask(question, compact=compact, conversation=conversation, **options)

    def from_ref(self, ref: str, *, compact: bool = False) -> Any:
        return self.engine.from_ref(ref, compact=compact)

    def inline(self, query: str, limit: int = 5) -> Any:
        return self.engine.inline(query, limit=limit)


@pytest.fixture
def scripted() -> ScriptedEngine:
    return ScriptedEngine()


@pytest.fixture
def recorded(engine: Any) -> RecordingEngine:
    return RecordingEngine(engine)


@pytest.fixture
async def bot(api: FakeBotApi, recorded: RecordingEngine) -> AsyncIterator[Any]:
    """The bot answering with the real engine over the real knowledge base, its questions recorded."""
    async with running_bot(make_settings(api), recorded) as application:
        yield application


@pytest.fixture
async def scripted_bot(api: FakeBotApi, scripted: ScriptedEngine) -> AsyncIterator[Any]:
    """The bot answering with canned answers: only for tests of transport and failure handling, which need
    answers the real engine never gives (one that raises, HTML Telegram refuses)."""
    async with running_bot(make_settings(api), scripted) as application:
        yield application


@pytest.fixture
async def real_bot(api: FakeBotApi, engine: Any) -> AsyncIterator[Any]:
    """The bot answering with the real engine over the real knowledge base (content tests)."""
    async with running_bot(make_settings(api), engine) as application:
        yield application
