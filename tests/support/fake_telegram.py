"""A fake Telegram Bot API server on loopback (aiohttp, in its own thread) for the bot's tests and bench.

It answers getMe, queues updates for getUpdates (or posts them to a webhook), records every call
(sendMessage, editMessageText, deleteMessage, answerCallbackQuery, sendChatAction, setWebhook, ...),
refuses a wrong token with 401, and can answer a method with 429 and ``retry_after``. Messages it
"sends" get ids and are kept, so callback queries and replies can point at them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

BOT_ID = 777000
BOT_USERNAME = "asisten_keluarga_test_bot"
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "entities", "reply_parameters", "link_preview_options"}
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.perf_counter() when it arrived


@dataclass
class FakeBotApi:
    """State of the fake server; use ``fake_bot_api(token)`` to run it."""

    token: str
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    webhook: dict[str, Any] | None = None
    undeletable: set[int] = field(default_factory=set)  # message ids deleteMessage refuses
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _update_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    _user_message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _failures: dict[str, list[int]] = field(default_factory=dict)
    _chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    _messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _loop: asyncio.AbstractEventLoop | None = None
    _new_update: asyncio.Event | None = None
    enqueued_at: dict[int, float] = field(default_factory=dict)  # update_id -> perf_counter
    on_call: Callable[[Call], None] | None = None  # told of every recorded call (the bench listens here)

    # ------------------------------------------------------------------ building updates

    @property
    def base_url(self) -> str:
        """What python-telegram-bot takes as base_url (the token is appended)."""
        return f"{self.url}/bot"

    def private_chat(self, user_id: int, first_name: str = "Ibu") -> dict[str, Any]:
        return {"id": user_id, "type": "private", "first_name": first_name}

    def group_chat(self, chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "type": "group", "title": "Grup PKH Desa"}

    def message(self, user_id: int, text: str | None = None, *, chat: dict[str, Any] | None = None,
                reply_to: dict[str, Any] | None = None, **content: Any) -> dict[str, Any]:
        """A user's message (text or other content such as voice=..., sticker=...)."""
        chat = chat or self.private_chat(user_id)
        msg: dict[str, Any] = {
            "message_id": next(self._user_message_ids), "date": int(time.time()), "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "Ibu", "language_code": "id"},
        }
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            mention = f"@{BOT_USERNAME}"
            if mention in text:
                msg.setdefault("entities", []).append(
                    {"type": "mention", "offset": text.index(mention), "length": len(mention)})
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        msg.update(content)
        with self._lock:
            self._chats[chat["id"]] = chat
        return msg

    def send_update(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update for getUpdates (or post it to the webhook when one is set); returns its id."""
        update_id = next(self._update_ids)
        update = {"update_id": update_id, kind: payload}
        with self._lock:
            self.enqueued_at[update_id] = time.perf_counter()
        if self.webhook:
            self._post_webhook(update)
        else:
            with self._lock:
                self._updates.append(update)
            if self._loop is not None and self._new_update is not None:
                self._loop.call_soon_threadsafe(self._new_update.set)
        return update_id

    def send_text(self, user_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        message = self.message(user_id, text, **kwargs)
        self.send_update("message", message)
        return message

    def press(self, user_id: int, data: str, message: dict[str, Any]) -> int:
        """The user presses an inline button with ``data`` under the bot's ``message``."""
        query = {"id": f"cq{next(self._update_ids)}", "chat_instance": "ci",
                 "from": {"id": user_id, "is_bot": False, "first_name": "Ibu"}, "data": data, "message": message}
        return self.send_update("callback_query", query)

    def press_label(self, user_id: int, label: str, chat_id: int | None = None) -> dict[str, Any]:
        """Press the button labelled ``label`` under the bot's last message in the chat; returns that message."""
        message = self.sent_message(user_id if chat_id is None else chat_id)
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        button = next(b for row in rows for b in row if b["text"] == label)
        self.press(user_id, button["callback_data"], message)
        return message

    def fail_next(self, method: str, retry_after: int, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 Too Many Requests."""
        with self._lock:
            self._failures.setdefault(method, []).extend([retry_after] * times)

    def _post_webhook(self, update: dict[str, Any]) -> None:
        assert self.webhook is not None
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        httpx.post(self.webhook["url"], json=update, headers=headers, timeout=10)

    # ------------------------------------------------------------------ reading what the bot did

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self._lock:
            found = [c for c in self.calls if c.method == method]
        return [c for c in found if chat_id is None or c.params.get("chat_id") == chat_id]

    def texts_to(self, chat_id: int) -> list[str]:
        return [c.params.get("text", "") for c in self.calls_of("sendMessage", chat_id)]

    def sent_message(self, chat_id: int, index: int = -1) -> dict[str, Any]:
        """A message the bot sent, as Telegram would show it (for pressing its buttons)."""
        call = self.calls_of("sendMessage", chat_id)[index]
        return self._messages[(chat_id, call.params["_message_id"])]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting; calls so far: {[c.method for c in self.calls]}")

    def wait_messages(self, chat_id: int, count: int, timeout: float = 15.0) -> list[str]:
        self.wait_for(lambda: len(self.calls_of("sendMessage", chat_id)) >= count, timeout)
        return self.texts_to(chat_id)

    # ------------------------------------------------------------------ the HTTP side

    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        params = await _params(request)
        if token != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        with self._lock:
            failures = self._failures.get(method)
            retry_after = failures.pop(0) if failures else None
            call = Call(method, params, time.perf_counter())
            self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        if retry_after is not None:
            return web.json_response({"ok": False, "error_code": 429,
                                      "description": f"Too Many Requests: retry after {retry_after}",
                                      "parameters": {"retry_after": retry_after}}, status=429)
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        handler = getattr(self, f"_m_{method}", None)
        result = handler(params) if handler else True
        if isinstance(result, web.Response):
            return result
        return _ok(result)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 0.5)
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates[:100])
            if ready or time.monotonic() >= deadline:
                return ready
            assert self._new_update is not None
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), max(0.0, deadline - time.monotonic()))

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Asisten Keluarga", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params["chat_id"]
        message_id = next(self._message_ids)
        params["_message_id"] = message_id
        chat = self._chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "Ibu"})
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat, "text": params.get("text", ""),
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Asisten Keluarga", "username": BOT_USERNAME}}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        with self._lock:
            self._messages[(chat_id, message_id)] = message
        return message

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("chat_id"), params.get("message_id"))
        message = dict(self._messages.get(key, {"message_id": key[1], "date": int(time.time()),
                                                "chat": {"id": key[0], "type": "private"}}))
        message["text"] = params.get("text", "")
        return message

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._m_editMessageText({**params, "text": self._messages.get(
            (params.get("chat_id"), params.get("message_id")), {}).get("text", "")})

    def _m_deleteMessage(self, params: dict[str, Any]) -> Any:
        if params.get("message_id") in self.undeletable:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "Bad Request: message can't be deleted"}, status=400)
        return True

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        raw: dict[str, Any] = await request.json()
    else:
        raw = dict(await request.post())
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key in _JSON_FIELDS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        if isinstance(value, str) and key in _INT_FIELDS:
            with contextlib.suppress(ValueError):
                value = int(value)
        params[key] = value
    return params


@contextlib.contextmanager
def fake_bot_api(token: str) -> Iterator[FakeBotApi]:
    """Run the fake on a free 127.0.0.1 port in a background thread; yields its state."""
    api = FakeBotApi(token=token)
    started = threading.Event()
    stopping: dict[str, Any] = {}

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        api._loop = loop
        api._new_update = asyncio.Event()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", api._handle)
        app.router.add_get("/bot{token}/{method}", api._handle)
        runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        port = runner.addresses[0][1]
        api.url = f"http://127.0.0.1:{port}"
        stop = asyncio.Event()
        stopping["stop"] = stop
        started.set()
        loop.run_until_complete(stop.wait())
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="fake-bot-api", daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield api
    finally:
        assert api._loop is not None
        api._loop.call_soon_threadsafe(stopping["stop"].set)
        thread.join(10)
