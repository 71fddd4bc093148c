"""The Telegram application: wiring handlers to the engine, and ``probation-bot run``.

``build_application`` makes a ready python-telegram-bot ``Application`` from settings and an
engine (the tests build theirs the same way, pointed at a Bot API server of their own);
``run_bot`` reads the settings, opens the knowledge base and runs it with long polling, or as a
webhook when a webhook URL is given.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.addressing import ADDRESSED_TO_BOT
from bot.callbacks import Action, is_action
from bot.charts import ChartSender, on_chart_button
from bot.context import CONTEXT_TYPES, BotData, Context
from bot.errors import on_error
from bot.feed import start_feed
from bot.follow import FOLLOW_COMMANDS, add_follow_handlers
from bot.guard import ChatGuard
from bot.handlers import (
    on_ask_button,
    on_choice_button,
    on_inline_query,
    on_label_button,
    on_more_button,
    on_page_button,
    on_question,
    on_start_link,
    on_stats,
    on_unknown_button,
)
from bot.logs import configure_logging, install_redaction, redact
from bot.polling import TolerantUpdatesRequest
from bot.processor import PerChatUpdateProcessor
from bot.reload import add_latest_handler, start_watching
from bot.settings import Settings, SettingsError, derive_file_url, load_settings
from bot.state import StateDB, StateError, state_path
from responses import COMMANDS, Engine

logger = logging.getLogger(__name__)

#: The only updates the bot acts on; asking for no others saves Telegram sending them.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
#: How often a request refused with 429 is retried (after waiting retry_after) before giving up. The
#: limiter queues sends to stay inside Telegram's limits, so a 429 is rare; retrying patiently means a
#: busy group's answers arrive late rather than not at all.
RATE_LIMIT_RETRIES = 5
#: The bot-wide send rate the limiter keeps to: 25 a second, a safety margin below Telegram's 30. Chats are
#: answered side by side, so a request the limiter lets go reaches Telegram a little earlier or later than
#: its turn (HTTP and event-loop jitter); queued exactly at 30 a second, a burst then meets 429s that the
#: limiter has to wait out and retry. A sixth of headroom, and sends spaced evenly (one every 40 ms, never
#: a burst: see ``GroupFairRateLimiter``), leave Telegram's own allowance for a burst free to absorb that
#: jitter, at the cost of a slightly slower burst.
OVERALL_SENDS_PER_SECOND = 25
#: Bot API methods that change a message already sent: a button press paging an answer in place.
#: What a Bot API call returns, as python-telegram-bot's rate limiter passes it on.
_ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
_EDITS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption", "editMessageMedia"})


class GroupFairRateLimiter(AIORateLimiter):
    """python-telegram-bot's ``AIORateLimiter``, with edits kept out of each group's 20-a-minute queue.

    Telegram's cap of 20 messages a minute to one group is about new messages; the limiter queues
    (never drops) every request with a group's chat id behind it, edits included, so one member paging
    an answer twenty times would make everybody else's answers wait. Edits still share the bot-wide
    limit (``OVERALL_SENDS_PER_SECOND``) and are retried on 429 like everything else.

    The bot-wide limit is a bucket of one send refilled every 1/25 s, not 25 a second with a burst of
    25: sends leave evenly spaced, so the jitter on their way never bunches them past Telegram's limit.
    """

    def __init__(
        self, overall_max_rate: float = 1, overall_time_period: float = 1 / OVERALL_SENDS_PER_SECOND, **kwargs: Any
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, overall_time_period=overall_time_period, **kwargs)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, _ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _ApiResult:
        if endpoint in _EDITS and "chat_id" in data:
            data = {key: value for key, value in data.items() if key != "chat_id"}
            data["chat_id"] = 0  # counts against the bot-wide limit, not any group's
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


EXIT_SETTINGS, EXIT_TELEGRAM = 2, 1

BotApplication = Application[Any, Context, dict[Any, Any], dict[Any, Any], BotData, Any]


async def register_commands(application: BotApplication) -> None:
    """post_init: tell Telegram our commands, so clients offer them when someone types ``/``.

    A failure here is logged, not fatal: the bot answers commands whether or not the menu shows them.
    """
    try:
        await application.bot.set_my_commands(
            [BotCommand(name, description) for name, description in COMMANDS + FOLLOW_COMMANDS]
        )
    except TelegramError as exc:
        logger.warning("could not register the command list: %s", exc.message)
    logger.info("running as @%s", application.bot.username)


def add_handlers(application: BotApplication, admin_ids: frozenset[int]) -> None:
    """Which update goes to which handler. Within the group the first match wins, so order matters."""
    new_message = filters.UpdateType.MESSAGE  # not edits: answering an edited question again would be noise
    add_follow_handlers(application)
    add_latest_handler(application)
    application.add_handler(
        CommandHandler(
            "stats", on_stats, filters=new_message & filters.ChatType.PRIVATE & filters.User(user_id=admin_ids)
        )
    )
    # "/start <payload>": the "Full answer in private" link under a group answer.
    application.add_handler(
        CommandHandler("start", on_start_link, filters=new_message & filters.ChatType.PRIVATE, has_args=1)
    )
    application.add_handler(CommandHandler([name for name, _ in COMMANDS], on_question, filters=new_message))
    application.add_handler(MessageHandler(new_message & filters.ChatType.PRIVATE & filters.TEXT, on_question))
    application.add_handler(
        MessageHandler(new_message & filters.ChatType.GROUPS & filters.TEXT & ADDRESSED_TO_BOT, on_question)
    )

    application.add_handler(CallbackQueryHandler(on_page_button, pattern=is_action(Action.PAGE)))
    application.add_handler(CallbackQueryHandler(on_choice_button, pattern=is_action(Action.CHOICE)))
    application.add_handler(CallbackQueryHandler(on_more_button, pattern=is_action(Action.MORE)))
    application.add_handler(CallbackQueryHandler(on_ask_button, pattern=is_action(Action.ASK)))
    application.add_handler(CallbackQueryHandler(on_label_button, pattern=is_action(Action.NOOP)))
    application.add_handler(CallbackQueryHandler(on_chart_button, pattern=is_action(Action.CHART)))
    application.add_handler(CallbackQueryHandler(on_unknown_button))

    application.add_handler(InlineQueryHandler(on_inline_query))
    application.add_error_handler(on_error)


def build_application(settings: Settings, engine: Engine) -> BotApplication:
    """A ready (not yet started) Application answering with ``engine``."""
    install_redaction(settings.token)
    builder = (
        Application.builder()
        .token(settings.token)
        .context_types(CONTEXT_TYPES)
        # Flood control: queue our requests within Telegram's limits, and on a 429 wait retry_after and retry.
        .rate_limiter(GroupFairRateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .get_updates_request(TolerantUpdatesRequest(connection_pool_size=1))
        .post_init(register_commands)
        .post_shutdown(close_state)
        # Chats are answered side by side while each waits for Telegram; one chat's updates stay in order.
        .concurrent_updates(PerChatUpdateProcessor())
    )
    if settings.base_url:
        builder = builder.base_url(settings.base_url)
    base_file_url = settings.base_file_url or (derive_file_url(settings.base_url) if settings.base_url else None)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    application: BotApplication = builder.build()

    data = application.bot_data
    data.engine = engine
    data.guard = ChatGuard(settings.chat_rate_per_minute)
    data.admin_ids = settings.admin_ids
    if settings.state_db:
        data.state = StateDB(settings.state_db)
    data.log_messages = settings.log_messages
    data.charts = ChartSender()  # draws and caches pictures (bot.charts)
    add_handlers(application, settings.admin_ids)
    start_watching(application, engine, settings.kb_reload_seconds)
    start_feed(application, settings.feed_url, settings.feed_seconds, settings.local_data)
    return application


async def close_state(application: BotApplication) -> None:
    """post_shutdown: close the state database cleanly (its WAL is folded back into the file)."""
    application.bot_data.state.close()


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for ``run_webhook``/``start_webhook``: listen where settings say, at the URL's path.

    The path comes from the public URL (never the token, which would then appear in proxy logs),
    and a secret is always set, so the listener ignores posts that did not come from Telegram: the
    configured one, or a fresh random one (Telegram is told it again at every start).
    """
    assert settings.webhook_url
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(settings.webhook_url).path.strip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret or secrets.token_urlsafe(32),
        "allowed_updates": ALLOWED_UPDATES,
    }


def _check_token(application: BotApplication) -> None:
    """Meet the Bot API server (getMe) before running, on the loop ``run_polling`` will then use.

    The application would do this first thing anyway (and skips it when already done), but a
    rejected token or an unreachable server would then be logged with a library traceback; here it
    raises, for ``run_bot`` to report in one line.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(application.bot.initialize())
    except BaseException:
        loop.close()
        raise


def run_bot(args: argparse.Namespace) -> int:
    """``probation-bot run``: run until interrupted; return the exit code.

    Problems a person can fix (no token, a rejected token, an unreachable server) end with one line
    on standard error; a knowledge base problem raises ``KnowledgeBaseError`` for the CLI to report.
    """
    from knowledge.ensure import open_knowledge_base

    try:
        settings = load_settings(
            overrides={
                "kb_path": getattr(args, "db", None),
                "webhook_url": getattr(args, "webhook_url", None),
                "webhook_listen": getattr(args, "listen", None),
                "webhook_port": getattr(args, "port", None),
            }
        )
    except SettingsError as exc:
        print(f"probation-bot: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    configure_logging(settings.log_level, settings.token)
    engine = Engine(open_knowledge_base(settings.kb_path))
    settings = replace(settings, state_db=str(state_path(settings.state_db, engine.kb.path)))
    try:
        application = build_application(settings, engine)
    except StateError as exc:
        print(f"probation-bot: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    try:
        _check_token(application)
        if settings.webhook_url:
            logger.info("starting in webhook mode on %s:%d", settings.webhook_listen, settings.webhook_port)
            application.run_webhook(**webhook_options(settings))
        else:
            logger.info("starting with long polling")
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        print(
            "probation-bot: the Bot API server rejected TELEGRAM_BOT_TOKEN; check it with @BotFather", file=sys.stderr
        )
        return EXIT_TELEGRAM
    except TelegramError as exc:
        print(f"probation-bot: cannot reach the Bot API server: {redact(exc.message)}", file=sys.stderr)
        return EXIT_TELEGRAM
    return 0
