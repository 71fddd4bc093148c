"""Settings from the environment and .env: what is read, what wins, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ENV_VARS, SettingsError, derive_file_url, load_settings

TOKEN = "123456:TEST-token-not-real"


def load(env: dict[str, str], **kwargs):
    return load_settings(env, dotenv_path=False, **kwargs)


def test_defaults_with_only_a_token():
    s = load({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert s.token == TOKEN and s.base_url is None and s.base_file_url is None
    assert s.admin_ids == frozenset() and s.log_level == "INFO" and s.webhook_url is None
    assert (s.webhook_listen, s.webhook_port, s.chat_rate_per_minute) == ("0.0.0.0", 8443, 20)
    assert s.log_messages is False  # the bot's own answers are logged only when asked for
    assert TOKEN not in repr(s)


def test_every_setting_is_read():
    s = load(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot",
            "PROBATION_KB": "/data/kb.db",
            "ADMIN_IDS": "12, 34,",
            "LOG_LEVEL": "debug",
            "WEBHOOK_URL": "https://bot.example.org/hook",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": "8080",
            "WEBHOOK_SECRET": "abc_DEF-1",
            "CHAT_RATE_PER_MINUTE": "5",
            "LOG_MESSAGES": "1",
        }
    )
    assert s.base_url == "http://127.0.0.1:8081/bot" and s.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert s.kb_path == "/data/kb.db" and s.admin_ids == {12, 34} and s.log_level == "DEBUG"
    assert (s.webhook_url, s.webhook_listen, s.webhook_port, s.webhook_secret) == (
        "https://bot.example.org/hook",
        "127.0.0.1",
        8080,
        "abc_DEF-1",
    )
    assert s.chat_rate_per_minute == 5 and s.log_messages is True


def test_command_line_overrides_the_environment():
    s = load(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://a.example/x", "WEBHOOK_PORT": "1"},
        overrides={
            "webhook_url": "https://b.example/y",
            "webhook_port": 9000,
            "kb_path": "kb.db",
            "webhook_listen": None,
        },
    )
    assert (s.webhook_url, s.webhook_port, s.kb_path) == ("https://b.example/y", 9000, "kb.db")
    assert s.webhook_listen == "0.0.0.0"  # not given on the command line: the default


def test_environment_wins_over_dotenv_and_blank_values_are_unset(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nLOG_LEVEL=DEBUG\nADMIN_IDS=7\nTELEGRAM_BASE_URL=\n")
    s = load_settings({"LOG_LEVEL": "WARNING"}, dotenv_path=dotenv)
    assert (s.token, s.log_level, s.admin_ids, s.base_url) == (TOKEN, "WARNING", frozenset({7}), None)


def test_dotenv_is_found_from_the_current_directory(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert load_settings({}).token == TOKEN


@pytest.mark.parametrize(
    "env, message",
    [
        ({"TELEGRAM_BOT_TOKEN": ""}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "   "}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "nonsense-secret"}, "does not look like a bot token"),
        ({"ADMIN_IDS": "12,bob"}, "ADMIN_IDS must be comma-separated numeric"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT must be a whole number"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT must be between 1 and 65535"),
        ({"CHAT_RATE_PER_MINUTE": "-1"}, "CHAT_RATE_PER_MINUTE must be between 0"),
        ({"TELEGRAM_BASE_URL": "127.0.0.1:8081"}, "TELEGRAM_BASE_URL must be an http:// or https:// URL"),
        ({"WEBHOOK_SECRET": "has spaces"}, "WEBHOOK_SECRET may hold only"),
        ({"LOG_MESSAGES": "2"}, "LOG_MESSAGES must be between 0 and 1"),
    ],
)
def test_problems_are_one_line_naming_the_variable(env, message):
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, **env}
    with pytest.raises(SettingsError) as raised:
        load(env)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert "nonsense-secret" not in str(raised.value)  # a mistyped token is not echoed


@pytest.mark.parametrize(
    "base, files",
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        ("http://h/bot{token}/test", "http://h/file/bot{token}/test"),
        ("http://h/custom", None),
    ],
)
def test_file_url_follows_the_base_url(base, files):
    assert derive_file_url(base) == files


def test_env_example_lists_exactly_the_settings_read(tmp_path):
    example = Path(__file__).resolve().parents[2] / ".env.example"
    names = [
        line.split("=", 1)[0] for line in example.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    assert sorted(names) == sorted(ENV_VARS)
    # and, with a token filled in, it loads as it stands
    copy = tmp_path / ".env"
    copy.write_text(example.read_text().replace("TELEGRAM_BOT_TOKEN=", f"TELEGRAM_BOT_TOKEN={TOKEN}", 1))
    s = load_settings({}, dotenv_path=copy)
    assert s.webhook_url is None and s.chat_rate_per_minute == 20 and s.webhook_port == 8443
