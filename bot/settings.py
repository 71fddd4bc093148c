"""Settings for ``probation-bot run``, read from the environment and an optional ``.env`` file.

Everything the bot needs to know about where it runs comes from here, so the rest of the package
never reads ``os.environ``. A variable set in the environment wins over the same one in ``.env``
(the usual python-dotenv rule), and an empty value counts as unset, so a copied ``.env.example``
with blanks behaves like no setting at all. Every problem is reported as a one-line
``SettingsError`` naming the variable, never a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values, find_dotenv

_N = TypeVar("_N", int, float)

#: What a token from @BotFather looks like: the bot's numeric id, a colon, a secret.
TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
#: Telegram accepts only these characters in a webhook secret (1 to 256 of them).
_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: Every variable read here (``.env.example`` lists the same ones).
ENV_VARS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_BASE_URL",
    "TELEGRAM_BASE_FILE_URL",
    "PROBATION_KB",
    "ADMIN_IDS",
    "LOG_LEVEL",
    "WEBHOOK_URL",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "WEBHOOK_SECRET",
    "CHAT_RATE_PER_MINUTE",
    "STATE_DB",
    "KB_RELOAD_SECONDS",
    "FEED_URL",
    "FEED_SECONDS",
    "LOCAL_DATA",
    "LOG_MESSAGES",
)
DEFAULT_CHAT_RATE_PER_MINUTE = 20
DEFAULT_KB_RELOAD_SECONDS = 60.0
DEFAULT_FEED_SECONDS = 3600.0


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line and names the variable."""


@dataclass(frozen=True)
class Settings:
    """How and where the bot runs. Build it with :func:`load_settings`."""

    token: str = field(repr=False)  # never shown, even by repr() in a traceback
    base_url: str | None = None
    base_file_url: str | None = None
    kb_path: str | None = None
    admin_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    chat_rate_per_minute: int = DEFAULT_CHAT_RATE_PER_MINUTE
    #: The bot's own database (follows, updates); None: ``state.db`` beside the knowledge base when run,
    #: and a throwaway in-memory one when an application is built directly (tests).
    state_db: str | None = None
    #: How often to look for a new knowledge base file, in seconds; 0: never (restart to load one).
    kb_reload_seconds: float = DEFAULT_KB_RELOAD_SECONDS
    #: The inspectorate's news feed (RSS or Atom) to watch for new inspections; None: not watched.
    feed_url: str | None = None
    #: How often to read the feed, in seconds; 0: never.
    feed_seconds: float = DEFAULT_FEED_SECONDS
    #: Where rows approved from the feed are written, merged into every build; needed with ``feed_url``.
    local_data: str | None = None
    log_messages: bool = False  # LOG_MESSAGES=1: log the bot's own answers (never what people wrote)


def derive_file_url(base_url: str) -> str | None:
    """The file-download URL that goes with a Bot API base URL, or None when it cannot be told.

    A Bot API server serves methods under ``.../bot<token>/`` and files under
    ``.../file/bot<token>/``; python-telegram-bot appends the token to both.
    """
    if "{token}" in base_url:
        head, found, tail = base_url.partition("/bot{token}")
        return f"{head}/file/bot{{token}}{tail}" if found else None
    if base_url.endswith("/bot"):
        return base_url.removesuffix("/bot") + "/file/bot"
    return None


def _read_env(environ: Mapping[str, str] | None, dotenv_path: str | Path | bool | None) -> dict[str, str]:
    """The environment over the ``.env`` file, with blank values dropped."""
    values: dict[str, str] = {}
    if dotenv_path is not False:
        path = find_dotenv(usecwd=True) if dotenv_path in (None, True) else str(dotenv_path)
        if path and Path(path).is_file():
            values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return {k: v.strip() for k, v in values.items() if v is not None and v.strip()}


def adopt_local_data(environ: dict[str, str] | None = None, dotenv_path: str | Path | bool | None = None) -> None:
    """Put ``LOCAL_DATA`` from ``.env`` into the environment when only ``.env`` sets it.

    The knowledge layer reads ``LOCAL_DATA`` from the environment (it never reads ``.env``); without
    this, ``kb build`` or a start-up rebuild could leave out the rows the bot approved into the folder
    ``.env`` names, and they would vanish from the running bot.
    """
    target = os.environ if environ is None else environ
    value = _read_env(target, dotenv_path).get("LOCAL_DATA")
    if value and not target.get("LOCAL_DATA", "").strip():
        target["LOCAL_DATA"] = value


def _number(env: dict[str, str], name: str, convert: Callable[[str], _N], what: str) -> _N | None:
    """The variable read as a number, ``None`` when unset; one place says plainly which variable is not a number."""
    raw = env.get(name)
    if raw is None:
        return None
    try:
        return convert(raw)
    except ValueError:
        raise SettingsError(f"{name} must be {what}, not {raw!r}") from None


def _int(env: dict[str, str], name: str, default: int, *, low: int, high: int) -> int:
    value = _number(env, name, int, "a whole number")
    if value is None:
        return default
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _seconds(env: dict[str, str], name: str, default: float) -> float:
    value = _number(env, name, float, "a number of seconds")
    if value is None:
        return default
    if not (value == 0 or 0.05 <= value <= 86_400):
        raise SettingsError(f"{name} must be 0 (off) or between 0.05 and 86400 seconds, not {env[name]}")
    return value


def _admin_ids(raw: str | None) -> frozenset[int]:
    if not raw:
        return frozenset()
    ids = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"-?\d+", part):
            raise SettingsError(f"ADMIN_IDS must be comma-separated numeric Telegram user ids, not {part!r}")
        ids.add(int(part))
    return frozenset(ids)


def _url(env: dict[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is not None and not re.match(r"^https?://[^/\s]+", value):
        raise SettingsError(f"{name} must be an http:// or https:// URL, not {value!r}")
    return value


def _token(env: dict[str, str]) -> str:
    token = env.get("TELEGRAM_BOT_TOKEN")
    if not token:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in .env or the environment")
    if not TOKEN_PATTERN.match(token):
        # Never echo the value: it may be a real token pasted with a typo.
        raise SettingsError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then the secret)")
    return token


def _webhook(env: dict[str, str], given: Mapping[str, object]) -> tuple[str | None, str | None, int]:
    """The webhook's URL, secret and port, the command line's values before the environment's."""
    webhook_url = str(given["webhook_url"]) if "webhook_url" in given else _url(env, "WEBHOOK_URL")
    if webhook_url and not re.match(r"^https?://[^/\s]+", webhook_url):
        raise SettingsError(f"the webhook URL must be an http:// or https:// URL, not {webhook_url!r}")
    webhook_secret = env.get("WEBHOOK_SECRET")
    if webhook_secret and not _SECRET_PATTERN.match(webhook_secret):
        raise SettingsError("WEBHOOK_SECRET may hold only letters, digits, _ and - (at most 256 of them)")
    port = given.get("webhook_port")
    webhook_port = int(str(port)) if port is not None else _int(env, "WEBHOOK_PORT", 8443, low=1, high=65535)
    return webhook_url, webhook_secret, webhook_port


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    dotenv_path: str | Path | bool | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Settings:
    """Read and check the settings.

    ``environ`` defaults to ``os.environ``; ``dotenv_path`` to the nearest ``.env`` from the current
    directory up (``False``: read none). ``overrides`` are command-line values (``kb_path``,
    ``webhook_url``, ``webhook_listen``, ``webhook_port``); a ``None`` there means "not given".
    """
    env = _read_env(environ, dotenv_path)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}

    token = _token(env)
    base_url = _url(env, "TELEGRAM_BASE_URL")
    base_file_url = _url(env, "TELEGRAM_BASE_FILE_URL")
    if base_url and not base_file_url:
        base_file_url = derive_file_url(base_url)

    log_level = env.get("LOG_LEVEL", "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}")

    webhook_url, webhook_secret, webhook_port = _webhook(env, given)

    feed_url = _url(env, "FEED_URL")
    if feed_url and not env.get("LOCAL_DATA"):
        raise SettingsError("FEED_URL is set but LOCAL_DATA is not: name the folder approved rows are written to")

    return Settings(
        token=token,
        base_url=base_url,
        base_file_url=base_file_url,
        kb_path=str(given["kb_path"]) if "kb_path" in given else env.get("PROBATION_KB"),
        admin_ids=_admin_ids(env.get("ADMIN_IDS")),
        log_level=log_level,
        webhook_url=webhook_url,
        webhook_listen=str(given.get("webhook_listen") or env.get("WEBHOOK_LISTEN", "0.0.0.0")),
        webhook_port=webhook_port,
        webhook_secret=webhook_secret,
        chat_rate_per_minute=_int(env, "CHAT_RATE_PER_MINUTE", DEFAULT_CHAT_RATE_PER_MINUTE, low=0, high=10_000),
        state_db=env.get("STATE_DB"),
        kb_reload_seconds=_seconds(env, "KB_RELOAD_SECONDS", DEFAULT_KB_RELOAD_SECONDS),
        feed_url=feed_url,
        feed_seconds=_seconds(env, "FEED_SECONDS", DEFAULT_FEED_SECONDS),
        local_data=env.get("LOCAL_DATA"),
        log_messages=_int(env, "LOG_MESSAGES", 0, low=0, high=1) == 1,
    )
