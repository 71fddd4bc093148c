"""A small fake Telegram Bot API server for end-to-end tests, on 127.0.0.1.

The bot under test is the real python-telegram-bot ``Application``, talking real HTTP to this
server exactly as it would to ``api.telegram.org`` (``/bot<token>/<method>``). The server

* hands out updates the test queues, through long-polling ``getUpdates`` with Telegram's offset
  rules (an update is dropped once the bot asks for a higher offset);
* records every request it receives (:class:`Call`), so tests assert on what the bot *sent*;
* behaves like Telegram where a bot could get it wrong (every limit and rule from
  :mod:`tests.telegram_facts`, never from the code under test): it rejects HTML outside Telegram's
  subset (400 "can't parse entities": unknown tags, ``<span>`` other than the spoiler, ``<tg-emoji>``
  without an id, ``<a>`` without an href, malformed or unknown entities, more than 100 entities),
  texts that are empty once parsed or longer than 4096 characters, callback data over 64 bytes,
  edits of unknown messages, text or markup edits that change nothing ("message is not modified"),
  callback answers that are late, repeated or for unknown queries ("query is too old"), messages
  to chats it has never seen, and a wrong token (401);
* enforces the flood limits (about one message a second per chat, 20 a minute per group, 30 a
  second overall) with 429 and ``retry_after``, as :class:`FloodLimits` says (a test may relax them);
* hands out only the update kinds the bot asked for with ``allowed_updates``;
* can be told to fail the next call(s) to a method with 429 (``retry_after``), 400 "can't parse
  entities" or 403 "bot was blocked by the user".

It knows nothing about python-telegram-bot; it only speaks the Bot API's JSON.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests import telegram_facts as facts

TOKEN = "123456:TEST-token-not-real"
BOT_ID = 123456
BOT_USERNAME = "ProbationTestBot"
GROUP_ID = -1001234567890

#: Servers running in this process, by base URL, so the harness can tell one which bot it serves.
_SERVING: dict[str, FakeBotApi] = {}


def serving(base_url: str | None) -> FakeBotApi | None:
    """The server in this process answering at ``base_url``, if any."""
    return _SERVING.get(base_url or "")


#: Parameters the Bot API takes as JSON-serialised values (python-telegram-bot sends them as form fields).
_JSON_PARAMS = {
    "reply_markup",
    "reply_parameters",
    "results",
    "commands",
    "link_preview_options",
    "allowed_updates",
    "entities",
    "button",
    "scope",
    "input_message_content",
}

# -- Telegram's HTML subset ----------------------------------------------------------------------

_NAMED_ENTITIES = facts.HTML_NAMED_ENTITIES
_TOKEN = re.compile(
    r"<(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
    r"|&(?P<entity>#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);"
    r"|(?P<bare>[<&])"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")


class HtmlError(ValueError):
    pass


def parse_telegram_html(text: str) -> str:
    """The visible text of ``text`` in Telegram's HTML subset; ``HtmlError`` where Telegram would refuse it."""
    out: list[str] = []
    stack: list[str] = []
    pos = entities = 0
    for m in _TOKEN.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        offset = len(text[: m.start()].encode())
        if m.group("bare"):
            raise HtmlError(f"Unsupported start tag or unescaped {m.group('bare')!r} at byte offset {offset}")
        if m.group("entity"):
            name = m.group("entity")
            if name.startswith("#"):
                code = int(name[2:], 16) if name.startswith("#x") else int(name[1:])
                if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    raise HtmlError(f'Invalid character reference "&{name};" at byte offset {offset}')
                out.append(chr(code))
            elif name in _NAMED_ENTITIES:
                out.append(_NAMED_ENTITIES[name])
            else:
                raise HtmlError(f'Unsupported HTML entity "&{name};" at byte offset {offset}')
            continue
        tag = m.group("tag").lower()
        if m.group("close"):
            if not stack or stack[-1] != tag:
                expected = stack[-1] if stack else ""
                raise HtmlError(f"Unmatched end tag at byte offset {offset}: expected </{expected}>, found </{tag}>")
            stack.pop()
            continue
        if tag not in facts.HTML_TAGS:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        _check_attributes(tag, _attributes(m.group("attrs")), offset)
        stack.append(tag)
        entities += 1
        if entities > facts.ENTITY_LIMIT:
            raise HtmlError(f"Too many entities: more than {facts.ENTITY_LIMIT}")
    out.append(text[pos:])
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _attributes(raw: str) -> dict[str, str]:
    return {m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "") for m in _ATTR.finditer(raw)}


def _check_attributes(tag: str, attrs: dict[str, str], offset: int) -> None:
    """The attribute rules of Telegram's HTML: what makes a span, an emoji or a link acceptable."""
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlError(f'Unsupported start tag "span" at byte offset {offset}')
    if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise HtmlError(f"Custom emoji identifier must be specified at byte offset {offset}")
    if tag == "a" and not attrs.get("href"):
        raise HtmlError(f"Can't find href of the link at byte offset {offset}")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities_for(text: str) -> list[dict[str, Any]]:
    """The bot_command and mention entities Telegram's clients attach to a typed message."""
    entities = []
    for pattern, kind in (
        (r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", "bot_command"),
        (r"(?<![\w@/])@[A-Za-z0-9_]{5,32}", "mention"),
    ):
        for m in re.finditer(pattern, text):
            entities.append({"type": kind, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))})
    return sorted(entities, key=lambda e: e["offset"])


# -- records ------------------------------------------------------------------------------------


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float  # time.monotonic() when it arrived
    status: int = 200  # what we answered
    token: str = ""
    result_message_id: int | None = None  # for sendMessage: the message it created
    done: bool = False  # answered: until then its parameters, status and result are not yet known

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def markup(self) -> dict[str, Any] | None:
        return self.params.get("reply_markup")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every inline button, row by row."""
        return [b for row in (self.markup or {}).get("inline_keyboard", []) for b in row]

    def button(self, label: str) -> dict[str, Any]:
        """The button whose text contains ``label``."""
        for b in self.buttons:
            if label in b["text"]:
                return b
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in self.buttons]}")


@dataclass
class _Failure:
    kind: str
    retry_after: int


_FAILURES: dict[str, tuple[int, str]] = {
    "429": (429, "Too Many Requests: retry after {retry_after}"),
    "400-parse": (400, 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0'),
    "403": (403, "Forbidden: bot was blocked by the user"),
}


@dataclass(frozen=True)
class FloodLimits:
    """How many messages the server accepts before answering 429: (burst, seconds) token buckets.

    A bucket holds ``burst`` messages and gets back one every ``seconds / burst``: Telegram's own
    description ("about one message a second" in a chat, "20 a minute" in a group, "30 a second"
    overall, a short burst tolerated). The defaults are Telegram's (:mod:`tests.telegram_facts`). A
    test that floods on purpose can pass looser limits, or ``flood=None`` to the server for none.
    """

    per_chat: tuple[int, float] = (3, 3.0 / facts.PER_CHAT_PER_SECOND)
    per_group: tuple[int, float] = (facts.PER_GROUP_PER_MINUTE, 60.0)
    overall: tuple[int, float] = (facts.OVERALL_PER_SECOND, 1.0)


class _Bucket:
    def __init__(self, burst: int, seconds: float, now: float):
        self.burst, self.rate, self.tokens, self.last = burst, burst / seconds, float(burst), now

    def wait(self, now: float) -> float:
        """Seconds until one more message fits (0 if it fits now)."""
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        return max(0.0, (1 - self.tokens) / self.rate)


class _Flood:
    """Telegram's three flood limits: one bucket overall, one per chat, one more per group."""

    def __init__(self, limits: FloodLimits):
        self.limits = limits
        self.overall: _Bucket | None = None
        self.chats: dict[int, _Bucket] = {}
        self.groups: dict[int, _Bucket] = {}

    #: A sender keeping to the limits on its own clock is seen a little off by ours (the request's trip, the
    #: event loop): Telegram does not count to the millisecond either.
    TOLERANCE = 0.05

    def wait(self, chat_id: int, now: float) -> float:
        """Seconds until a message to ``chat_id`` would be accepted; 0 if it is accepted now (and counted)."""
        if self.overall is None:
            self.overall = _Bucket(*self.limits.overall, now)
        buckets = [self.overall, self.chats.setdefault(chat_id, _Bucket(*self.limits.per_chat, now))]
        if chat_id < 0:
            buckets.append(self.groups.setdefault(chat_id, _Bucket(*self.limits.per_group, now)))
        wait = max(b.wait(now) for b in buckets)
        if wait > self.TOLERANCE:
            return wait
        for bucket in buckets:
            bucket.tokens -= 1
        return 0.0


@dataclass
class FakeBotApi:
    """The server. ``await start()``, then point the bot at :attr:`base_url`."""

    token: str = TOKEN
    bot_id: int = BOT_ID
    username: str = BOT_USERNAME
    max_poll_wait: float = 0.5  # longest a getUpdates waits when there is nothing to hand out
    flood: FloodLimits | None = field(default_factory=FloodLimits)  # None: no flood limits at all
    callback_answer_seconds: float = facts.CALLBACK_ANSWER_SECONDS  # after this, "query is too old"

    calls: list[Call] = field(default_factory=list)
    port: int = 0
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    _messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: Any = field(default_factory=lambda: itertools.count(1000))
    _runner: web.AppRunner | None = None
    _changed: asyncio.Event | None = None
    confirmed_offset: int = 0
    photos: dict[str, bytes] = field(default_factory=dict)  # file_id -> the PNG a sendPhoto uploaded
    last_update_id: int = 0
    #: The bot under test (``tests.bot.conftest.running_bot`` sets it), which ``settle`` asks when it is done.
    application: Any = None
    #: Group administrators by chat id (getChatMember answers "administrator" for them, "member" otherwise).
    admins: dict[int, set[int]] = field(default_factory=dict)
    #: Chats that have blocked the bot or removed it: every send to them is refused with 403.
    blocked: set[int] = field(default_factory=set)
    allowed_updates: list[str] | None = None  # as the bot last asked; None: Telegram's default set
    _closing: bool = False
    _queries: dict[str, float] = field(default_factory=dict)  # open callback queries: id -> when pressed
    _flood: _Flood | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        self._changed = asyncio.Event()
        self._flood = _Flood(self.flood) if self.flood is not None else None
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]  # (host, port) of the one site, on the port the system chose
        _SERVING[self.base_url] = self

    async def stop(self) -> None:
        self._closing = True  # release any long poll still waiting, so shutdown is quick
        _SERVING.pop(self.base_url, None)
        if self._changed is not None:
            self._changed.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- what the bot will receive ---------------------------------------------------------------
    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Probation Bot", "username": self.username}

    @staticmethod
    def user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "en"}

    def chat(self, chat_id: int, title: str = "Union reps") -> dict[str, Any]:
        if chat_id not in self._chats:
            self._chats[chat_id] = (
                {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
                if chat_id > 0
                else {"id": chat_id, "type": "supergroup", "title": title}
            )
        return self._chats[chat_id]

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (its ``update_id`` is assigned here) and return the id."""
        update_id = self.last_update_id = next(self._ids)
        self._updates.append({"update_id": update_id, **update})
        assert self._changed is not None
        self._changed.set()
        return update_id

    def make_message(
        self, text: str, *, chat_id: int, user_id: int | None = None, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The message Telegram would deliver when someone types ``text`` in a chat (not queued)."""
        user_id = user_id if user_id is not None else (chat_id if chat_id > 0 else 2001)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(user_id),
            "text": text,
        }
        if entities := entities_for(text):
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    def send_text(
        self, text: str, *, chat_id: int, user_id: int | None = None, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Someone types ``text`` in a chat; returns the message as the bot will see it."""
        message = self.make_message(text, chat_id=chat_id, user_id=user_id, reply_to=reply_to)
        self.push({"message": message})
        return message

    def private(self, text: str, user_id: int = 1001) -> dict[str, Any]:
        return self.send_text(text, chat_id=user_id)

    def group(
        self, text: str, user_id: int = 2001, chat_id: int = GROUP_ID, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return self.send_text(text, chat_id=chat_id, user_id=user_id, reply_to=reply_to)

    def message_of(self, call: Call) -> dict[str, Any]:
        """The current state of the message a sendMessage call created."""
        assert call.chat_id is not None and call.result_message_id is not None, "not a successful sendMessage"
        return self._messages[(call.chat_id, call.result_message_id)]

    def press(self, sent: Call, label: str, user_id: int = 1001, *, data: str | None = None) -> str:
        """Press the button ``label`` on the message ``sent`` created, as it is now (edits included)."""
        message = self.message_of(sent)
        if data is None:
            data = next(
                (
                    b["callback_data"]
                    for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                    for b in row
                    if label in b["text"]
                ),
                None,
            )
            if data is None:
                raise AssertionError(
                    f"no button {label!r} on message {message['message_id']}: {message.get('reply_markup')}"
                )
        query_id = f"cq{next(self._ids)}"
        self._queries[query_id] = time.monotonic()
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user(user_id),
                    "message": _public(message),
                    "chat_instance": f"ci{message['chat']['id']}",
                    "data": data,
                }
            }
        )
        return query_id

    def open_link(self, url: str, user_id: int = 1001) -> dict[str, Any]:
        """Tap a ``https://t.me/<bot>?start=<payload>`` link: Telegram opens the private chat and sends
        ``/start <payload>`` from the user (the parameter is at most 64 of ``A-Z a-z 0-9 _ -``)."""
        m = re.fullmatch(rf"https://t\.me/{re.escape(self.username)}\?start=([A-Za-z0-9_-]{{1,64}})", url)
        if m is None:
            raise AssertionError(f"not a deep link Telegram would open for @{self.username}: {url}")
        return self.private(f"/start {m.group(1)}", user_id=user_id)

    def inline(self, query: str, user_id: int = 1001) -> str:
        query_id = f"iq{next(self._ids)}"
        self.push({"inline_query": {"id": query_id, "from": self.user(user_id), "query": query, "offset": ""}})
        return query_id

    # -- failures -------------------------------------------------------------------------------
    def fail_next(self, method: str, kind: str, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls to ``method`` with ``kind``: "429", "400-parse" or "403"."""
        assert kind in _FAILURES, kind
        self._failures.setdefault(method, []).extend(_Failure(kind, retry_after) for _ in range(times))

    def clear_failures(self) -> None:
        self._failures.clear()

    def set_admins(self, chat_id: int, *user_ids: int) -> None:
        """Make these users the administrators of group ``chat_id``."""
        self.chat(chat_id)
        self.admins[chat_id] = set(user_ids)

    def block(self, chat_id: int) -> None:
        """The user blocks the bot (or the group removes it): sends to ``chat_id`` now get 403."""
        self.blocked.add(chat_id)

    # -- inspecting what the bot did ------------------------------------------------------------
    def calls_to(self, method: str, chat_id: int | None = None, *, ok_only: bool = False) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.chat_id == chat_id) and (not ok_only or c.status == 200)
        ]

    async def wait_for(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda c: True,
        *,
        count: int = 1,
        timeout: float = 5.0,
        ok_only: bool = True,
    ) -> list[Call]:
        """The first ``count`` calls to ``method`` matching ``where``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                c for c in self.calls if c.done and c.method == method and where(c) and (not ok_only or c.status == 200)
            ]
            if len(found) >= count:
                return found[:count]
            if time.monotonic() > deadline:
                seen = [(c.method, c.status, c.chat_id, c.text[:60]) for c in self.calls if c.method != "getUpdates"]
                raise AssertionError(f"timed out waiting for {count} x {method}; got {len(found)}. Calls: {seen}")
            await asyncio.sleep(0.01)

    async def reply_to(self, message: dict[str, Any], *, timeout: float = 5.0) -> Call:
        """The bot's sendMessage that replies to ``message``."""
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        (call,) = await self.wait_for(
            "sendMessage",
            lambda c: c.chat_id == chat_id and (c.params.get("reply_parameters") or {}).get("message_id") == message_id,
            timeout=timeout,
        )
        return call

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until the bot has taken every update queued so far and finished handling each one,
        error handlers included: for checking that something did *not* happen.

        The bot handles updates from different chats concurrently, so no reply in one chat says
        anything about another. This asks the application itself (``tests.bot.conftest.running_bot``
        hands it over): once the bot has asked for updates past the last one queued, every one is in
        its update queue, which counts each until its handling is done. A test that expects a reply
        waits for that reply instead (``reply_to``, ``wait_for``).
        """
        assert self.application is not None, "settle() needs the bot started by tests.bot.conftest.running_bot"
        last = self.last_update_id
        async with asyncio.timeout(timeout):
            while any(u["update_id"] <= last for u in self._updates):  # not yet confirmed by the bot
                await asyncio.sleep(0.01)
            await self.application.update_queue.join()

    # -- the server -----------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw = await request.json()
        else:
            raw = dict(await request.post())
            raw.update(request.query)
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _JSON_PARAMS and isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    raise _ApiError(400, f"Bad Request: can't parse {key} JSON object") from None
            params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        token = request.match_info["token"]
        call = Call(method=method, params={}, at=time.monotonic(), token=token)
        self.calls.append(call)
        try:
            return await self._answer(request, call, method, token)
        finally:
            call.done = True

    async def _answer(self, request: web.Request, call: Call, method: str, token: str) -> web.Response:
        """The response to one request, with ``call`` filled in as it is read and answered."""
        try:
            call.params = params = await self._params(request)
        except _ApiError as exc:
            return self._error(call, exc.status, exc.description)
        if token != self.token:
            return self._error(call, 401, "Unauthorized")
        queued = self._failures.get(method)
        if queued:
            failure = queued.pop(0)
            status, description = _FAILURES[failure.kind]
            extra = {"parameters": {"retry_after": failure.retry_after}} if failure.kind == "429" else {}
            return self._error(call, status, description.format(retry_after=failure.retry_after), **extra)
        handler = getattr(self, f"_m_{method}", None)
        try:
            if _is_a_message(method) and self._flood is not None and "chat_id" in params:
                self._check_flood(int(params["chat_id"]))
            result = await handler(params, call) if handler else True
        except _ApiError as exc:
            extra = {"parameters": {"retry_after": exc.retry_after}} if exc.retry_after else {}
            return self._error(call, exc.status, exc.description, **extra)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:  # a missing or ill-typed parameter
            return self._error(call, 400, f"Bad Request: invalid parameters ({type(exc).__name__})")
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(call: Call, status: int, description: str, **extra: Any) -> web.Response:
        call.status = status
        return web.json_response(
            {"ok": False, "error_code": status, "description": description, **extra}, status=status
        )

    # -- methods --------------------------------------------------------------------------------
    async def _m_getMe(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    async def _m_getUpdates(self, params: dict[str, Any], call: Call) -> list[dict[str, Any]]:
        if "allowed_updates" in params:
            self._set_allowed_updates(params["allowed_updates"])
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        if offset:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + wait
        assert self._changed is not None
        while not self._updates and not self._closing and (remaining := deadline - time.monotonic()) > 0:
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                break
        return [u for u in self._updates if self._is_allowed(u)][:limit]

    def _set_allowed_updates(self, kinds: Any) -> None:
        """An empty list means "the default set" again, as in Telegram; unknown kinds are refused."""
        if not isinstance(kinds, list) or not set(kinds) <= facts.UPDATE_KINDS:
            raise _ApiError(400, "Bad Request: invalid allowed_updates")
        self.allowed_updates = list(kinds) or None

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = next((k for k in update if k != "update_id"), None)
        if kind is None:
            return True
        if self.allowed_updates is None:
            return kind not in facts.NOT_SENT_BY_DEFAULT
        return kind in self.allowed_updates

    def _check_flood(self, chat_id: int) -> None:
        assert self._flood is not None
        wait = self._flood.wait(chat_id, time.monotonic())
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise _ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    def _check_markup(self, params: dict[str, Any]) -> None:
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= facts.CALLBACK_DATA_LIMIT:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _visible_text(
        self,
        text: str,
        parse_mode: str | None,
        entities: Any = None,
        *,
        limit: int = facts.MESSAGE_TEXT_LIMIT,
        what: str = "message text",
    ) -> str:
        """The text a reader would see; 400 for what Telegram refuses (judged on the visible text).

        For a media caption: ``_visible_text(caption, parse_mode, caption_entities, limit=facts.CAPTION_LIMIT,
        what="caption")`` (an empty caption is allowed there: check ``caption`` before calling).
        """
        if not isinstance(text, str):
            raise _ApiError(400, f"Bad Request: {what} must be a string")
        visible = text
        if parse_mode == "HTML":
            try:
                visible = parse_telegram_html(text)
            except HtmlError as exc:
                raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        elif parse_mode:
            raise _ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode}")
        if entities is not None:
            if parse_mode:
                raise _ApiError(400, "Bad Request: can't use entities together with parse_mode")
            _check_entities(entities, visible)
        if not visible.strip():
            raise _ApiError(400, f"Bad Request: {what} is empty")
        if utf16_len(visible) > limit:
            raise _ApiError(400, f"Bad Request: {what} is too long")
        return visible

    async def _m_sendMessage(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id not in self._chats:
            raise _ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise _ApiError(
                403,
                "Forbidden: bot was blocked by the user"
                if chat_id > 0
                else "Forbidden: bot was kicked from the supergroup chat",
            )
        visible = self._visible_text(params.get("text", ""), params.get("parse_mode"), params.get("entities"))
        self._check_markup(params)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chats[chat_id],
            "from": self.bot_user,
            "text": visible,
            "_source": params.get("text"),
        }
        if markup := _keyboard(params):
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        call.result_message_id = message["message_id"]
        return _public(message)

    async def _m_sendPhoto(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        """A photo uploaded as a multipart file part (checked to be a PNG), or re-sent by a file_id we gave out."""
        chat_id = int(params["chat_id"])
        if chat_id not in self._chats:
            raise _ApiError(400, "Bad Request: chat not found")
        photo = params.get("photo")
        if isinstance(photo, str):
            if photo not in self.photos:
                raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            file_id, data = photo, self.photos[photo]
        elif photo is not None and hasattr(photo, "file"):
            data = photo.file.read()
            file_id = f"photo-{len(self.photos) + 1}"
        else:
            raise _ApiError(400, "Bad Request: there is no photo in the request")
        if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
            raise _ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise _ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        caption = params.get("caption", "")
        visible = self._visible_text(caption, params.get("parse_mode")) if caption else ""
        if utf16_len(visible) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        self._check_markup(params)
        self.photos[file_id] = data
        size = {"file_id": file_id, "file_unique_id": file_id, "width": width, "height": height, "file_size": len(data)}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chats[chat_id],
            "from": self.bot_user,
            "photo": [size],
            "caption": visible,
        }
        self._messages[(chat_id, message["message_id"])] = message
        call.result_message_id = message["message_id"]
        return _public(message)

    async def _m_editMessageText(self, params: dict[str, Any], call: Call) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            self._visible_text(params.get("text", ""), params.get("parse_mode"), params.get("entities"))
            self._check_markup(params)
            return True
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self._messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        visible = self._visible_text(params.get("text", ""), params.get("parse_mode"), params.get("entities"))
        self._check_markup(params)
        markup = _keyboard(params)
        if message["_source"] == params.get("text") and message.get("reply_markup") == markup:
            raise _ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message.update(text=visible, _source=params.get("text"))
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return _public(message)

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any], call: Call) -> dict[str, Any] | bool:
        self._check_markup(params)
        if "inline_message_id" in params:
            return True
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self._messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        markup = _keyboard(params)
        if message.get("reply_markup") == markup:
            raise _ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return _public(message)

    async def _m_answerCallbackQuery(self, params: dict[str, Any], call: Call) -> bool:
        """A query can be answered once, within the time Telegram waits; after that it is "too old"."""
        pressed = self._queries.pop(str(params.get("callback_query_id")), None)
        if pressed is None or time.monotonic() - pressed > self.callback_answer_seconds:
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > facts.CALLBACK_ANSWER_LIMIT:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _m_answerInlineQuery(self, params: dict[str, Any], call: Call) -> bool:
        results = params.get("results") or []
        if len(results) > facts.INLINE_RESULTS_LIMIT:
            raise _ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [r.get("id", "") for r in results]
        if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= facts.INLINE_RESULT_ID_LIMIT for i in ids):
            raise _ApiError(400, "Bad Request: RESULT_ID_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            self._visible_text(content.get("message_text", ""), content.get("parse_mode"))
            self._check_markup(result)
        return True

    async def _m_setMyCommands(self, params: dict[str, Any], call: Call) -> bool:
        for command in params.get("commands") or []:
            if (
                not re.fullmatch(facts.COMMAND_PATTERN, command["command"])
                or not 1 <= len(command["description"]) <= facts.COMMAND_DESCRIPTION_LIMIT
            ):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    async def _m_getChatMember(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        if chat_id not in self._chats:
            raise _ApiError(400, "Bad Request: chat not found")
        user = self.user(user_id)
        if user_id not in self.admins.get(chat_id, set()):
            return {"status": "member", "user": user}
        rights = (
            "can_be_edited",
            "is_anonymous",
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_restrict_members",
            "can_promote_members",
            "can_change_info",
            "can_invite_users",
            "can_post_stories",
            "can_edit_stories",
            "can_delete_stories",
        )
        return {
            "status": "administrator",
            "user": user,
            **{r: r in ("can_manage_chat", "can_change_info") for r in rights},
        }

    async def _m_deleteWebhook(self, params: dict[str, Any], call: Call) -> bool:
        return True

    async def _m_setWebhook(self, params: dict[str, Any], call: Call) -> bool:
        if "allowed_updates" in params:
            self._set_allowed_updates(params["allowed_updates"])
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _m_close(self, params: dict[str, Any], call: Call) -> bool:
        return True

    async def _m_logOut(self, params: dict[str, Any], call: Call) -> bool:
        return True


class _ApiError(Exception):
    def __init__(self, status: int, description: str, *, retry_after: int = 0):
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


_ENTITY_TYPES = {
    "mention",
    "hashtag",
    "cashtag",
    "bot_command",
    "url",
    "email",
    "phone_number",
    "bold",
    "italic",
    "underline",
    "strikethrough",
    "spoiler",
    "blockquote",
    "expandable_blockquote",
    "code",
    "pre",
    "text_link",
    "text_mention",
    "custom_emoji",
}


def _check_entities(entities: Any, visible: str) -> None:
    """Explicit ``entities``: a list of known types, each inside the text (UTF-16 offsets), at most 100."""
    bad = _ApiError(400, "Bad Request: can't parse entities: malformed entities")
    if not isinstance(entities, list) or len(entities) > facts.ENTITY_LIMIT:
        raise bad
    size = utf16_len(visible)
    for entity in entities:
        if not isinstance(entity, dict) or entity.get("type") not in _ENTITY_TYPES:
            raise bad
        offset, length = entity.get("offset"), entity.get("length")
        if (
            not isinstance(offset, int)
            or not isinstance(length, int)
            or offset < 0
            or length < 1
            or offset + length > size
        ):
            raise bad
        if entity["type"] == "text_link" and not entity.get("url"):
            raise bad


def _is_a_message(method: str) -> bool:
    """Methods that put a message in a chat, and so count against the flood limits (sendPhoto too)."""
    return method.startswith("send") and method != "sendChatAction"


def _keyboard(params: dict[str, Any]) -> dict[str, Any] | None:
    """The inline keyboard a request asks for; one without buttons is no keyboard, as in Telegram."""
    markup = params.get("reply_markup")
    return markup if markup and any(markup.get("inline_keyboard") or []) else None


def _public(message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as the Bot API shows it (without our bookkeeping keys)."""
    return {k: v for k, v in message.items() if not k.startswith("_")}
