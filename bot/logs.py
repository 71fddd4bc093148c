"""Logging for the bot: one readable line per event, and never the bot token.

The token is the bot's password and it travels in every request URL
(``https://api.telegram.org/bot<token>/sendMessage``). httpx logs those URLs at INFO, and
python-telegram-bot puts the token in the message of ``InvalidToken``. So we do two things:

* the HTTP client loggers (httpx, httpcore) are kept at WARNING, which drops the per-request lines;
* every log record, from any logger, at any level, is passed through :class:`RedactTokenFilter`
  as it is created, so the token cannot reach *any* handler: ours, a library's, or a test's.
  A filter attached to a handler would protect only that handler, and one attached to a logger
  only records logged on that very logger (not its children), which is why we hook record creation.
"""

from __future__ import annotations

import logging
import re
import sys
import threading

#: Anything shaped like a token in a Bot API URL (``bot123:secret``) or a bare token with a long secret.
_TOKEN_SHAPES = (re.compile(r"bot\d+:[A-Za-z0-9_-]+"), re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}"))
REDACTED = "<redacted>"

#: Loggers that log every HTTP request, with the URL (and so the token) in it.
NOISY_LOGGERS = ("httpx", "httpcore")
#: python-telegram-bot logs every update and every request's parameters at DEBUG: what people wrote, their
#: names and ids, group titles. Its loggers stay at INFO or above whatever LOG_LEVEL says.
PRIVATE_AT_DEBUG = ("telegram",)

_secrets: set[str] = set()
_install_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    """``text`` with every known token and anything token-shaped replaced by ``<redacted>``."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for shape in _TOKEN_SHAPES:
        text = shape.sub(lambda m: ("bot" if m.group(0).startswith("bot") else "") + REDACTED, text)
    return text


class RedactTokenFilter(logging.Filter):
    """Rewrites a record so that neither its message nor its traceback shows a token.

    The message is formatted once here (``msg % args``) and stored back with no args, and the
    traceback text is pre-rendered into ``exc_text``, which every standard ``Formatter`` prints
    instead of formatting the exception again.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let logging report it as it usually does
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_filter = RedactTokenFilter()


def install_redaction(*secrets: str) -> None:
    """Redact these secrets (and token-shaped text) from every log record from now on.

    Safe to call more than once; each call adds secrets. Hooks the log record factory, so the
    filter runs for records of every logger, before any handler sees them.
    """
    global _installed
    _secrets.update(s for s in secrets if s)
    with _install_lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def make_record(*args: object, **kwargs: object) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _filter.filter(record)
            return record

        logging.setLogRecordFactory(make_record)
        _installed = True


def configure_logging(level: str, token: str) -> None:
    """Log to standard error at ``level``, with the HTTP client's request lines silenced and the token redacted."""
    install_redaction(token)
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(_filter)  # belt and braces: records made before the factory was hooked
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in PRIVATE_AT_DEBUG:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger().level))
    # The scheduler of python-telegram-bot's job queue announces every start and stop at INFO.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
