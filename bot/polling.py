"""Fetching updates so that one unreadable update cannot stall the bot.

python-telegram-bot turns the whole ``getUpdates`` result into ``Update`` objects at once. If one of
them cannot be read (a field of an unexpected shape, from a newer Bot API than the library knows,
or a broken local Bot API server), the library logs the failure and asks again *without moving the
offset past it*, so it receives the same batch again, fails again, forever, and every question
behind it waits. This request class (used for ``getUpdates`` only) checks each update first and
replaces one it cannot read by a bare ``{"update_id": n}``: the bot ignores that, the offset moves
on, and the next update is answered.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest, RequestData

logger = logging.getLogger(__name__)


def sanitize_updates(items: list[Any]) -> tuple[list[Any], bool]:
    """The updates with unreadable ones reduced to their id, and whether anything changed."""
    cleaned: list[Any] = []
    changed = False
    for item in items:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            logger.warning("dropped an update without a usable update_id")
            changed = True
            continue
        try:
            Update.de_json(item, None)
        except Exception as exc:  # whatever the library fails with on odd data
            logger.warning("skipped update %d, which could not be read (%s: %s)", update_id, type(exc).__name__, exc)
            cleaned.append({"update_id": update_id})
            changed = True
        else:
            cleaned.append(item)
    return cleaned, changed


class TolerantUpdatesRequest(HTTPXRequest):
    """An ``HTTPXRequest`` for ``getUpdates`` that passes on only updates the library can read."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        status, payload = await super().do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if status != 200:
            return status, payload
        try:
            body = json.loads(payload)
        except ValueError:
            return status, payload  # the library reports an unreadable response itself
        if not isinstance(body, dict) or not isinstance(body.get("result"), list):
            return status, payload
        body["result"], changed = sanitize_updates(body["result"])
        return (status, json.dumps(body).encode()) if changed else (status, payload)
