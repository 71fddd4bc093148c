"""Charts in Telegram, end to end: the real Application, the real engine, and the fake Bot API over HTTP.

What is checked is what Telegram would receive: a ``sendPhoto`` with a PNG 1,080 pixels wide and a
caption that says what the picture shows, when its newest inspection was, and where to find sources;
the "Chart" button under a league; and a picture sent again by its ``file_id`` rather than drawn again.
"""

from __future__ import annotations

import pytest

from tests.bot.fake_bot_api import BOT_USERNAME, GROUP_ID

pytestmark = pytest.mark.e2e

#: The first picture starts the drawing process and imports matplotlib there.
FIRST_CHART_TIMEOUT = 60.0


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


async def test_chart_league_is_a_photo_with_a_caption(api, real_bot, engine):
    asked = api.private("/chart league")
    (photo,) = await api.wait_for("sendPhoto", timeout=FIRST_CHART_TIMEOUT)
    assert photo.chat_id == asked["chat"]["id"]
    assert photo.params["reply_parameters"]["message_id"] == asked["message_id"]
    caption = photo.params["caption"]
    assert caption == engine.ask("/chart league").text
    assert "PDUs" in caption and "Newest inspection included: " in caption and "/sources" in caption
    assert png_size(api.photos["photo-1"])[0] == 1080
    assert not api.calls_to("sendMessage", asked["chat"]["id"]), "the picture is the whole answer"

    # The same chart again (asked in words this time): Telegram's file_id is sent, nothing is drawn again.
    api.private("show me a chart of PDU ratings")
    (_, again) = await api.wait_for("sendPhoto", count=2)
    assert again.params["photo"] == "photo-1"
    assert real_bot.bot_data.charts.drawn == 1


async def test_a_file_id_telegram_forgot_is_replaced_by_the_picture(api, real_bot):
    api.private("/chart league nps")
    # Done, not just begun: the server keeps the file once it has answered.
    await api.wait_for("sendPhoto", lambda c: c.result_message_id is not None, timeout=FIRST_CHART_TIMEOUT)
    api.photos.clear()  # as if Telegram no longer had the file
    api.private("/chart league nps", user_id=1002)
    calls = await api.wait_for("sendPhoto", count=2, ok_only=False)
    refused, resent = calls[1], (await api.wait_for("sendPhoto", count=2))[1]
    assert refused.status == 400 and isinstance(refused.params["photo"], str)
    assert resent.status == 200 and not isinstance(resent.params["photo"], str)
    assert real_bot.bot_data.charts.drawn == 1  # the picture came from the cache, not drawn again


async def test_chart_button_under_a_league(api, real_bot, engine):
    sent = await api.reply_to(api.group(f"/league@{BOT_USERNAME} crc"))
    assert any(b["text"] == "Chart" for b in sent.buttons)
    api.press(sent, "Chart", user_id=2001)
    (photo,) = await api.wait_for("sendPhoto", timeout=FIRST_CHART_TIMEOUT)
    assert photo.chat_id == GROUP_ID
    assert photo.params["caption"] == engine.ask("/chart league crc").text
    assert "CRCs" in photo.params["caption"]


async def test_bad_filter_gets_the_leagues_answer_in_words(api, real_bot, engine):
    sent = await api.reply_to(api.private("/chart league nps 2030"))
    assert sent.text == engine.ask("/league nps 2030").pages[0].html
    assert not api.calls_to("sendPhoto")


async def test_ambiguous_name_offers_choices_that_draw(api, real_bot, engine):
    sent = await api.reply_to(api.private("/chart Wales"))
    assert sent.buttons and all(b["callback_data"].startswith("c:/chart #") for b in sent.buttons)
    api.press(sent, sent.buttons[0]["text"])
    (photo,) = await api.wait_for("sendPhoto", timeout=FIRST_CHART_TIMEOUT)
    assert photo.params["caption"] == engine.ask(sent.buttons[0]["callback_data"][2:]).text


async def test_other_chats_are_answered_while_a_chart_is_drawn(api, real_bot, engine):
    # A chart no other test draws, so it is drawn here, not taken from a cache.
    api.private("/chart years youth rounds", user_id=1001)
    other = await api.reply_to(api.private("how did Sheffield do?", user_id=1002))
    assert other.text == engine.ask("how did Sheffield do?").pages[0].html
    (photo,) = await api.wait_for("sendPhoto", timeout=FIRST_CHART_TIMEOUT)
    assert other.at < photo.at, "the other chat waited for the picture"


def test_chart_button_data_round_trips_and_fits():
    from bot.callbacks import Action, ButtonData

    longest = "/chart #12345678 vs #12345678 vs #12345678 vs #12345678"
    data = ButtonData(Action.CHART, longest)
    assert len(data.encode()) <= 64
    assert ButtonData.decode(data.encode()) == data


def test_keyboard_offers_the_chart_above_the_pages(engine):
    from bot.keyboards import answer_keyboard

    answer = engine.ask("/league")
    keyboard = answer_keyboard(answer, 0)
    assert keyboard is not None
    rows = keyboard.inline_keyboard
    assert [b.text for b in rows[0]] == ["Chart"] and rows[0][0].callback_data == f"g:{answer.charts[0]}"
    assert rows[-1][-1].text == "Next ›"
    summary = answer_keyboard(engine.ask("how did Sheffield do?"))  # a summary offers no chart
    assert "Chart" not in [b.text for row in (summary.inline_keyboard if summary else []) for b in row]


async def test_a_drawing_fault_costs_the_picture_not_the_bot(api, real_bot, engine):
    from concurrent.futures import Executor

    from bot.charts import DRAWING_FAILED, ChartSender

    class FailingExecutor(Executor):
        def submit(self, fn, /, *args, **kwargs):
            raise RuntimeError("the drawing process is gone")

    real_bot.bot_data.charts = ChartSender(FailingExecutor())
    asked = api.private("/chart league crc")
    sorry = await api.reply_to(asked)
    assert sorry.text == DRAWING_FAILED
    assert not api.calls_to("sendPhoto")
    other = await api.reply_to(api.private("how did Sheffield do?", user_id=1002))
    assert other.text == engine.ask("how did Sheffield do?").pages[0].html


async def test_chart_command_in_a_group(api, real_bot, engine):
    asked = api.group(f"/chart@{BOT_USERNAME} years crc")
    (photo,) = await api.wait_for("sendPhoto", timeout=FIRST_CHART_TIMEOUT)
    assert photo.chat_id == GROUP_ID
    assert photo.params["reply_parameters"]["message_id"] == asked["message_id"]
    assert photo.params["caption"] == engine.ask("/chart years crc").text
