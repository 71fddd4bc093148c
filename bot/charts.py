"""Sending charts to Telegram: a PNG through ``sendPhoto``, drawn away from the event loop, sent once.

Drawing a chart takes a tenth of a second or more of pure CPU, and the first one also imports
matplotlib. Done on the event loop it would stall every other chat, and in a thread it would still
hold the interpreter lock, so pictures are drawn in one worker process (started on the first chart).
Each picture is cached by (chart, filters, knowledge-base build); once Telegram has it, its
``file_id`` is sent instead of the bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import time
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from telegram import CallbackQuery, Message, ReplyParameters, Update
from telegram.error import BadRequest, Forbidden

from bot.callbacks import ButtonData
from responses import Answer
from responses.charts import draw
from responses.charts.data import caption
from responses.charts.request import ChartRequest, chart_data, parse

if TYPE_CHECKING:
    from bot.context import Context
    from responses import Engine

logger = logging.getLogger(__name__)

DRAWING_FAILED = "Sorry, I could not draw that chart just now. The answer in words still stands."
#: Pictures kept in memory (a league chart is 0.1 to 0.6 MB).
PNG_CACHE_SIZE = 32
#: Telegram file_ids remembered (a few dozen bytes each); the oldest is forgotten first.
FILE_ID_LIMIT = 4096

CacheKey = tuple[ChartRequest, str]


_WORKER: ProcessPoolExecutor | None = None


def _shared_worker() -> ProcessPoolExecutor:
    """The one drawing process of this bot process, started on the first chart.

    "spawn" starts a fresh interpreter rather than forking one that runs an event loop and threads;
    the process runs at a lower priority, so on a busy machine answers come before pictures.
    """
    global _WORKER
    if _WORKER is None:
        _WORKER = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=draw.lower_priority
        )
    return _WORKER


def _reset_shared_worker() -> None:
    global _WORKER
    if _WORKER is not None:
        _WORKER.shutdown(wait=False, cancel_futures=True)
    _WORKER = None


class ChartSender:
    """The picture cache and the file_id cache of one application, and where it draws (the shared process)."""

    def __init__(self, executor: Executor | None = None):
        self._executor = executor
        self._pngs: OrderedDict[CacheKey, bytes] = OrderedDict()
        self._file_ids: dict[CacheKey, str] = {}
        self.drawn = 0  # pictures drawn (not taken from a cache), for tests and benchmarks

    def _worker(self) -> Executor:
        return self._executor or _shared_worker()

    @staticmethod
    def key(engine: Engine, request: ChartRequest) -> CacheKey:
        """A chart is the same picture while the knowledge base is the same build."""
        return request, engine.kb.meta().get("data_sha256", "")

    async def png(self, key: CacheKey, chart: Any) -> bytes:
        cached = self._pngs.get(key)
        if cached is not None:
            self._pngs.move_to_end(key)
            return cached
        loop = asyncio.get_running_loop()
        try:
            picture = await loop.run_in_executor(self._worker(), draw.png, chart)
        except BrokenProcessPool:  # the drawing process died (killed, out of memory): start another, once
            logger.warning("the chart drawing process stopped; starting a new one")
            _reset_shared_worker()
            picture = await loop.run_in_executor(self._worker(), draw.png, chart)
        self.drawn += 1
        self._pngs[key] = picture
        while len(self._pngs) > PNG_CACHE_SIZE:
            self._pngs.popitem(last=False)
        return picture

    async def send(self, engine: Engine, request: ChartRequest, message: Message) -> None:
        """Send the chart as a reply to ``message``: by file_id when Telegram already has it, else the PNG."""
        chart = chart_data(engine, request)
        words = caption(chart)
        key = self.key(engine, request)
        reply = ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)
        file_id = self._file_ids.get(key)
        if file_id is not None:
            try:
                await message.reply_photo(file_id, caption=words, reply_parameters=reply)
                return
            except BadRequest as exc:  # Telegram no longer knows the file: send the picture again
                logger.warning("re-sending a chart by file_id failed (%s); sending the picture", exc.message)
                self._file_ids.pop(key, None)
        picture = await self.png(key, chart)
        sent = await message.reply_photo(picture, caption=words, reply_parameters=reply)
        if sent.photo:
            self._file_ids[key] = sent.photo[-1].file_id  # the largest size Telegram made of it
            if len(self._file_ids) > FILE_ID_LIMIT:
                del self._file_ids[next(iter(self._file_ids))]


def sender(context: Context) -> ChartSender:
    """The application's chart sender, made on first use."""
    data = context.bot_data
    existing = data.charts
    if existing is None:
        existing = ChartSender()
        data.charts = existing
    return existing


async def send_chart(message: Message, context: Context, answer: Answer) -> bool:
    """Reply to ``message`` with the picture a chart answer stands for; False if it is not a chart to draw.

    The drawing and sending run as a task of their own: the application handles updates one at a
    time, so awaiting a picture here would hold up every other chat until it was drawn.
    """
    engine = context.bot_data.engine
    request = parse(engine, answer.question) if answer.intent == "chart" else None  # the chart the answer stands for
    if not isinstance(request, ChartRequest):
        return False
    context.application.create_task(_draw_and_send(sender(context), engine, request, message), name="chart")
    return True


async def _draw_and_send(charts: ChartSender, engine: Engine, request: ChartRequest, message: Message) -> None:
    started = time.perf_counter()
    try:
        await charts.send(engine, request, message)
    except Forbidden:
        logger.info("chart not sent: the bot was blocked or removed from the chat")
        return
    except Exception:  # a fault costs the picture, not the bot; a short note says so
        logger.exception("failed to draw or send a chart kind=%s", request.kind)
        with contextlib.suppress(Exception):  # the note is a courtesy: failing to send it changes nothing
            await message.reply_text(
                DRAWING_FAILED,
                reply_parameters=ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True),
            )
        return
    logger.info("chart kind=%s sent latency_ms=%.0f", request.kind, (time.perf_counter() - started) * 1000)


async def on_chart_button(update: Update, context: Context) -> None:
    """ "Chart" under a league, history or comparison: send the picture into the same chat, under that answer."""
    from bot.delivery import reply_page  # here, not at the top: bot.handlers imports this module
    from bot.handlers import _button_allowed
    from bot.keyboards import answer_keyboard

    query: CallbackQuery | None = update.callback_query
    assert query is not None
    data = ButtonData.decode(query.data)
    assert data is not None  # the handler's pattern only lets decodable data through
    if not isinstance(query.message, Message):
        await query.answer("Charts can be sent only into a chat.")
        return
    if not await _button_allowed(update, context):
        return
    await query.answer()
    answer = context.bot_data.engine.from_ref(data.ref)
    if not await send_chart(query.message, context, answer):
        await reply_page(query.message, answer.pages[0], answer_keyboard(answer, 0))
