"""A Bot API that lives in this process, at python-telegram-bot's request layer.

`LocalBotApi` is a `telegram.request.BaseRequest`: the real Application serialises every
call exactly as it would for Telegram, and this class answers it as Telegram would, and
records it. The terminal chat (`python -m bot chat`) and the tests use it, so both run
the real handlers, filters, keyboards and serialisation with no token and no network.
Faults (HTTP errors, 429 RetryAfter, timeouts) can be queued to test the error paths.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Layanan Warga Deli Serdang",
    "username": "LayananWargaDSBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

_SENDS_MESSAGE = {
    "sendMessage",
    "sendPhoto",
    "sendLocation",
    "sendDocument",
    "sendVenue",
    "sendMediaGroup",
}


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    result: Any = None
    files: dict[str, bytes] = field(default_factory=dict)  # uploaded files by part name
    # The same uploads with their file names: part name -> (file name, content).
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data or url) of every inline button, row by row."""
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or []
        return [
            (b.get("text", ""), b.get("callback_data") or b.get("url") or "")
            for row in rows
            for b in row
        ]


@dataclass
class Fault:
    """One queued failure: an HTTP status with a Bot API error body, or a timeout."""

    method: str | None  # None: the next call of any method
    status: int = 500
    description: str = "Internal Server Error"
    parameters: dict[str, Any] = field(default_factory=dict)
    timeout: bool = False  # the connection timed out: the request never reached Telegram
    # Telegram acted on the request, but its answer was lost (a read timeout): the call
    # is carried out and recorded, then TimedOut is raised.
    answer_lost: bool = False


def _decode(params: dict[str, str]) -> dict[str, Any]:
    # RequestData encodes nested objects as JSON strings and plain strings as-is.
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and value[:1] in "{[" and key != "text":
            try:
                out[key] = json.loads(value)
                continue
            except ValueError:
                pass
        if key in {"chat_id", "message_id", "from_chat_id", "reply_to_message_id"}:
            try:
                out[key] = int(value)
                continue
            except (TypeError, ValueError):
                pass
        out[key] = value
    return out


class LocalBotApi(BaseRequest):
    """Answers Bot API methods locally and records every call."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.faults: deque[Fault] = deque()
        # Optional fault source consulted on every call (after the queued faults): tests
        # use it to inject failures at random and in bursts.
        self.chaos: Callable[[str, dict[str, Any]], Fault | None] | None = None
        self._message_ids = itertools.count(1000)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._lock = asyncio.Lock()

    # -- BaseRequest -------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = _decode(request_data.json_parameters if request_data else {})
        fault = self._take_fault(api_method)
        if fault is None and self.chaos is not None:
            fault = self.chaos(api_method, params)
        if fault is not None and fault.answer_lost:
            async with self._lock:
                result = self._answer(api_method, params)
            self.calls.append(ApiCall(api_method, params, result))
            # As python-telegram-bot raises it: TimedOut from the httpx error.
            raise TimedOut() from httpx.ReadTimeout("local fault: answer lost")
        if fault is not None:
            if fault.timeout:
                raise TimedOut() from httpx.ConnectTimeout("local fault: timed out")
            body: dict[str, Any] = {
                "ok": False,
                "error_code": fault.status,
                "description": fault.description,
            }
            if fault.parameters:
                body["parameters"] = fault.parameters
            self.calls.append(ApiCall(api_method, params, body))
            return fault.status, json.dumps(body).encode()
        async with self._lock:
            result = self._answer(api_method, params)
        self.calls.append(
            ApiCall(api_method, params, result, _files(request_data), _uploads(request_data))
        )
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- behaviour ---------------------------------------------------------------------
    def _take_fault(self, method: str) -> Fault | None:
        for fault in list(self.faults):
            if fault.method in (None, method):
                self.faults.remove(fault)
                return fault
        return None

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            **extra,
        }
        if "text" in params:
            message["text"] = params["text"]
        if "caption" in params:
            message["caption"] = params["caption"]
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            # Telegram echoes only inline keyboards back in the sent message.
            message["reply_markup"] = markup
        reply_to = (params.get("reply_parameters") or {}).get("message_id") or params.get(
            "reply_to_message_id"
        )
        if reply_to is not None:
            original = self._messages.get((chat_id, int(reply_to)))
            if original is not None:
                message["reply_to_message"] = replied(original)
        self._messages[(chat_id, message_id)] = message
        return message

    def remember(self, message: dict[str, Any]) -> None:
        """Keep a message a user sent, so replies to it carry it as Telegram does."""
        self._messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in _SENDS_MESSAGE:
            extra: dict[str, Any] = {}
            if method == "sendPhoto":
                extra["photo"] = [
                    {
                        "file_id": str(params.get("photo")),
                        "file_unique_id": "u",
                        "width": 90,
                        "height": 90,
                    }
                ]
            if method == "sendLocation":
                extra["location"] = {
                    "latitude": float(params["latitude"]),
                    "longitude": float(params["longitude"]),
                }
            return self._message(params, **extra)
        if method == "copyMessage":
            return {"message_id": next(self._message_ids)}
        if method in {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}:
            key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
            message = self._messages.get(key)
            if message is None:
                return True
            if "text" in params:
                message["text"] = params["text"]
            message["reply_markup"] = params.get("reply_markup") or {"inline_keyboard": []}
            return message
        if method == "getUpdates":
            return []
        if method == "getChat":
            chat_id = int(params["chat_id"])
            return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        if method == "getChatMember":
            return {
                "status": "member",
                "user": {"id": int(params["user_id"]), "is_bot": False, "first_name": "x"},
            }
        # answerCallbackQuery, setMyCommands, deleteWebhook, sendChatAction, ...
        return True

    # -- inspection --------------------------------------------------------------------
    def sent(self, chat_id: int | None = None) -> list[ApiCall]:
        """Calls that showed something to someone (messages, edits, alerts)."""
        shown = _SENDS_MESSAGE | {"editMessageText", "copyMessage", "answerCallbackQuery"}
        return [
            c
            for c in self.calls
            if c.method in shown
            and (chat_id is None or c.chat_id == chat_id)
            and isinstance(c.result, dict | bool)
        ]

    def clear(self) -> None:
        self.calls.clear()


def _files(request_data: RequestData | None) -> dict[str, bytes]:
    """The bytes of the files a call uploads (a document, a chart), by part name."""
    files: dict[str, bytes] = {}
    for name, part in (request_data.multipart_data if request_data else {}).items():
        content = part[1] if isinstance(part, tuple) else part
        files[name] = content if isinstance(content, bytes) else content.read()
    return files


def replied(message: dict[str, Any]) -> dict[str, Any]:
    """A message as Telegram puts it in `reply_to_message`: without its own
    `reply_to_message` (Telegram never nests them)."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _uploads(request_data: RequestData | None) -> dict[str, tuple[str, bytes]]:
    """What was uploaded, so tests can read a document the bot sent."""
    if request_data is None:
        return {}
    found = {}
    for name, (filename, content, *_) in request_data.multipart_data.items():
        if isinstance(content, bytes):
            found[name] = (filename or name, content)
    return found
