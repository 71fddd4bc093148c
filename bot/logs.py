"""Logging for the bot: one readable line per event, never the bot token, and nothing people wrote.

Privacy: python-telegram-bot logs whole updates and API calls at DEBUG ("Processing update ...",
"Calling Bot API endpoint `sendMessage` with parameters ..."), and those hold what people wrote, their
names and ids, and chat titles. Every record from a library logger (:data:`PRIVATE_LOGGERS`) keeps its
line, but any argument that is not a plain number or a short word (a method name) is replaced by
``<withheld>`` as the record is created, at every level, so no handler ever sees the content. Our own
log lines are written to hold none of it in the first place.

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
#: Library loggers whose arguments may carry updates, messages or API parameters (see the module notes).
#: (httpx and httpcore log only methods, URLs and statuses: the Bot API gets its parameters in the body.)
PRIVATE_LOGGERS = ("telegram", "tornado", "apscheduler")
WITHHELD = "<withheld>"
#: Arguments a library log line may keep: a method or state name, never free text.
_PLAIN_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,40}$")

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


def _is_library(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in PRIVATE_LOGGERS)


def _plain(value: object) -> bool:
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return True
    if isinstance(value, int):
        return abs(value) < 100_000  # counts, statuses, sizes; never an id
    return isinstance(value, str) and bool(_PLAIN_WORD.match(value))


class WithholdContentFilter(logging.Filter):
    """Replaces the content-bearing arguments of a library's log record with ``<withheld>``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _is_library(record.name):
            return True
        if not isinstance(record.msg, str):
            record.msg, record.args = WITHHELD, None
            return True
        args = record.args
        if isinstance(args, dict):
            record.args = {k: v if _plain(v) else WITHHELD for k, v in args.items()}
        elif args:
            record.args = tuple(a if _plain(a) else WITHHELD for a in args)
        return True


_filter = RedactTokenFilter()
_privacy = WithholdContentFilter()


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
            _privacy.filter(record)
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
        handler.addFilter(_privacy)  # belt and braces: records made before the factory was hooked
        handler.addFilter(_filter)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # The scheduler of python-telegram-bot's job queue announces every start and stop at INFO.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
