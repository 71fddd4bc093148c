"""Webhook mode: the bot registers its URL and secret, answers what Telegram posts, and refuses other posts."""

from __future__ import annotations

import asyncio
import socket
from typing import cast

import aiohttp
import pytest

from bot.app import ALLOWED_UPDATES, build_application, webhook_options
from tests.bot.conftest import LIFECYCLE_TIMEOUT, make_settings
from tests.bot.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.e2e

SECRET = "s3cret_-value"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_webhook_options_take_the_path_from_the_url_and_always_set_a_secret(tmp_path):
    class FakeApi:
        base_url = "http://127.0.0.1:1/bot"

    settings = make_settings(
        cast(FakeBotApi, FakeApi()), webhook_url="https://bot.example.org/tg/updates", webhook_port=8443
    )
    options = webhook_options(settings)
    assert options["url_path"] == "tg/updates"
    assert options["webhook_url"] == "https://bot.example.org/tg/updates"
    assert len(options["secret_token"]) >= 32  # none configured: a random one
    assert options["secret_token"] != webhook_options(settings)["secret_token"]
    assert options["allowed_updates"] == ALLOWED_UPDATES


async def test_webhook_mode_answers_what_telegram_posts(api, recorded):
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/updates"
    settings = make_settings(api, webhook_url=url, webhook_listen="127.0.0.1", webhook_port=port, webhook_secret=SECRET)
    application = build_application(settings, recorded)
    async with asyncio.timeout(LIFECYCLE_TIMEOUT):
        await application.initialize()
        assert application.post_init is not None and application.updater is not None
        await application.post_init(application)
        await application.updater.start_webhook(**webhook_options(settings))
        await application.start()
    try:
        (registered,) = await api.wait_for("setWebhook")
        assert registered.params["url"] == url
        assert registered.params["secret_token"] == SECRET
        assert registered.params["allowed_updates"] == ALLOWED_UPDATES

        genuine = api.make_message("how did Sheffield PDU do?", chat_id=1001)
        forged = api.make_message("forged question", chat_id=1002)
        async with aiohttp.ClientSession() as session:
            async with session.post(
                url, json={"update_id": 1, "message": forged}, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            ) as response:
                assert response.status == 403
            async with session.post(
                url, json={"update_id": 2, "message": genuine}, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            ) as response:
                assert response.status == 200
        reply = await api.reply_to(genuine)
        # inspections.csv, pdu-sheffield-2024: Inadequate
        assert "Sheffield" in reply.text and "Inadequate" in reply.text
        assert api.calls_to("sendMessage", 1002) == []
        assert recorded.asked == [("how did Sheffield PDU do?", False)]
    finally:
        async with asyncio.timeout(LIFECYCLE_TIMEOUT):
            assert application.updater is not None
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
