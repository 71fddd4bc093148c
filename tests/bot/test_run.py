"""``probation-bot run`` as a separate process: settings, start-up, long polling, clean stop, and its log."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.settings import ENV_VARS
from tests.bot.fake_bot_api import TOKEN, FakeBotApi

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def environment(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    env["PYTHONPATH"] = str(ROOT)
    env.update(settings)
    return env


async def start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process, timeout: float = 20) -> tuple[int, str]:
    _, stderr = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_missing_token_is_one_line_not_a_traceback(tmp_path):
    code, stderr = await finish(await start(environment(), tmp_path))
    assert code == 2
    assert stderr.strip().splitlines() == [
        "probation-bot: TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in .env or the environment"
    ]


async def test_token_is_read_from_dotenv_in_the_current_directory(tmp_path, kb_path):
    """.env is honoured (here its token is malformed, which is reported without echoing it)."""
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=not-a-token-secretvalue\n")
    code, stderr = await finish(await start(environment(PROBATION_KB=str(kb_path)), tmp_path))
    assert code == 2
    assert "does not look like a bot token" in stderr and "secretvalue" not in stderr
    assert len(stderr.strip().splitlines()) == 1


async def test_rejected_token_is_one_line_without_the_token(tmp_path, kb_path):
    server = FakeBotApi(token="654321:a-different-token")
    await server.start()
    try:
        env = environment(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=server.base_url, PROBATION_KB=str(kb_path), LOG_LEVEL="DEBUG"
        )
        code, stderr = await finish(await start(env, tmp_path))
    finally:
        await server.stop()
    assert code == 1
    assert stderr.strip().splitlines()[-1] == (
        "probation-bot: the Bot API server rejected TELEGRAM_BOT_TOKEN; check it with @BotFather"
    )
    assert TOKEN not in stderr and TOKEN.split(":")[1] not in stderr


async def test_run_polls_answers_and_stops_on_a_signal(tmp_path, kb_path):
    api = FakeBotApi()
    await api.start()
    process = None
    try:
        env = environment(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url, PROBATION_KB=str(kb_path), LOG_LEVEL="DEBUG"
        )
        process = await start(env, tmp_path)
        await api.wait_for("setMyCommands", timeout=20)
        reply = await api.reply_to(api.private("/about"), timeout=10)
        assert reply.params["parse_mode"] == "HTML"
        process.send_signal(signal.SIGINT)
        code, stderr = await finish(process)
    finally:
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()
        await api.stop()
    assert code == 0, stderr[-2000:]
    assert TOKEN not in stderr and TOKEN.split(":")[1] not in stderr
    assert "answered chat=private via=message" in stderr
    assert "HTTP Request:" not in stderr  # httpx's per-request lines are silenced even at DEBUG
    assert "Traceback" not in stderr


async def test_unreachable_server_is_one_line(tmp_path, kb_path):
    import socket

    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = environment(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot", PROBATION_KB=str(kb_path)
    )
    code, stderr = await finish(await start(env, tmp_path))
    assert code == 1
    (line,) = stderr.strip().splitlines()
    assert line.startswith("probation-bot: cannot reach the Bot API server: ")
