"""A fake Telegram Bot API server over real HTTP, for running the real bot as a subprocess.

`FakeBotApi` listens on 127.0.0.1 (a free port) in background threads of the test process,
so what it records survives the bot process being killed. It serves
`POST /bot<token>/<method>` the way Telegram does, for the methods the bot uses:

- `getMe`, `deleteWebhook`, `setMyCommands`, `deleteMyCommands`, `getChat`, ...
- `getUpdates` with Telegram's confirmation rule: a call with `offset` confirms (forgets)
  every update with a smaller id; the others are returned again, in order, until
  confirmed. It long-polls up to `timeout` seconds (capped by `max_poll_seconds`). A newer
  `getUpdates` ends an older one still waiting with 409 Conflict, as Telegram does.
- `sendMessage`, `sendPhoto`, `sendLocation`, `copyMessage`, `editMessageText`,
  `editMessageReplyMarkup`, `answerCallbackQuery`: plausible results (Message objects with
  `message_id`, `chat`, `date`, plain `text`, `reply_markup` only for inline keyboards),
  and Telegram's errors for unknown chats, unknown messages and edits that change nothing
  ("message is not modified").

Bodies may be JSON, form-encoded (python-telegram-bot's usual encoding: nested objects
are JSON strings) or multipart.

Every successful call that shows something to someone is appended to `log`, never
rewritten; `calls` holds every call except `getUpdates`, failures included. Message ids
are unique across all chats, so a Telegram message id identifies one recorded send.

The test enqueues updates as users would cause them (`send_text`, `press`) and reads the
log. `confirm_latency` models the network between the bot and Telegram: a confirmation
(the offset of a `getUpdates` call) takes effect only that many seconds after the call
arrives, and `bot_killed()` drops confirmations still "on the wire", so updates a killed
bot fetched but could not confirm are delivered again, as Telegram would.

Webhook mode: once the bot calls `setWebhook` with a URL, and the test has said where
that URL really leads (`webhook_target`, since the public URL is a reverse proxy's), a
thread POSTs each update there in order with the `secret_token` header, and Telegram
forgets an update only when the bot answered 200; anything else (refused connection,
a killed bot, an error status) is retried. `deleteWebhook` returns to getUpdates.
"""

from __future__ import annotations

import copy
import email.parser
import email.policy
import html
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Layanan Warga Deli Serdang",
    "username": "LayananWargaDSBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}

# Values python-telegram-bot sends as plain strings (everything else is JSON-encoded).
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "data",
        "url",
        "title",
        "description",
        "photo",
        "document",
        "sticker",
        "voice",
        "video",
        "audio",
        "animation",
        "address",
        "first_name",
        "last_name",
        "phone_number",
        "emoji",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "question",
    }
)
_SENDS = frozenset({"sendMessage", "sendPhoto", "sendLocation", "copyMessage"})
_EDITS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})
# Calls that show something to someone: the append-only log keeps these.
VISIBLE = _SENDS | _EDITS | {"answerCallbackQuery", "deleteMessage"}
_TAG = re.compile(r"<[^>]+>")


def plain(text: str, parse_mode: str | None) -> str:
    """The text a Telegram client shows: tags removed and entities unescaped for HTML."""
    if (parse_mode or "").upper() == "HTML":
        return html.unescape(_TAG.sub("", text))
    return text


def decode_params(raw: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _STRING_PARAMS or not isinstance(value, str):
            out[key] = value
            continue
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


class DropConnection(Exception):
    """Raised by a hook: close the connection without answering (nothing happened)."""


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    last_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "id",
        }
        if self.last_name:
            user["last_name"] = self.last_name
        return user

    @property
    def private_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


def group_chat(chat_id: int, title: str) -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


@dataclass
class Call:
    """One Bot API call as the server handled it."""

    seq: int
    at: float
    generation: int
    method: str
    params: dict[str, Any]
    ok: bool
    result: Any = None
    error_code: int | None = None
    description: str | None = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    @property
    def text(self) -> str:
        """The text or caption as the bot sent it (HTML markup included)."""
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def message_id(self) -> int | None:
        """The id of the message sent, or of the message edited."""
        if isinstance(self.result, dict) and "message_id" in self.result:
            return int(self.result["message_id"])
        value = self.params.get("message_id")
        return int(value) if value is not None else None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline buttons the bot sent with this call."""
        return inline_buttons(self.params.get("reply_markup"))


def inline_buttons(markup: Any) -> list[tuple[str, str]]:
    if not isinstance(markup, dict):
        return []
    return [
        (str(b.get("text", "")), str(b.get("callback_data") or b.get("url") or ""))
        for row in markup.get("inline_keyboard") or []
        for b in row
    ]


@dataclass
class _Update:
    update_id: int
    body: dict[str, Any]
    enqueued_at: float
    deliveries: int = 0


@dataclass
class _Confirmation:
    offset: int
    effective_at: float


@dataclass
class Stats:
    polls: int = 0
    updates_enqueued: int = 0
    deliveries: int = 0
    redelivered: int = 0  # updates returned by getUpdates more than once
    confirmations_dropped: int = 0  # confirmations lost because the bot was killed
    conflicts: int = 0
    unknown_methods: set[str] = field(default_factory=set)


class FakeBotApi:
    def __init__(
        self,
        token: str,
        *,
        max_poll_seconds: float = 1.0,
        confirm_latency: float = 0.0,
        response_latency: float = 0.0,
    ) -> None:
        self.token = token
        self.max_poll_seconds = max_poll_seconds
        self.confirm_latency = confirm_latency
        self.response_latency = response_latency
        self.generation = 0  # which bot process is talking; set by the test
        self.log: list[Call] = []  # successful visible calls, append-only
        self.calls: list[Call] = []  # every call but getUpdates
        self.stats = Stats()
        # Called (outside the lock) before a call is handled: may block, or raise
        # `DropConnection` so the call has no effect and no answer.
        self.hook: Callable[[str, dict[str, Any]], None] | None = None
        # Called (outside the lock) after a call took effect, before it is answered: may
        # block, or raise `DropConnection` (it happened, but the bot never hears so).
        self.after_hook: Callable[[Call], None] | None = None
        self._cond = threading.Condition(threading.RLock())
        self._seq = itertools.count(1)
        self._update_ids = itertools.count(700_000_001)
        self.last_update_id = 0  # the id of the update enqueued last
        self._message_ids = itertools.count(1001)
        self._query_ids = itertools.count(9_100_000_001)
        self._pending: list[_Update] = []
        self._confirmations: list[_Confirmation] = []
        self._poll_token = 0
        self._first_poll_at: float | None = None
        self._last_poll_at: float | None = None
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._answers: dict[str, dict[str, Any]] = {}
        self._closing = False
        # Webhook mode: where the bot's webhook server listens (set by the test), and
        # the URL and secret of the bot's last setWebhook (None: long polling).
        self.webhook_target: str | None = None
        self._webhook: tuple[str, str] | None = None
        self._pusher: threading.Thread | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeBotApi:
        api = self

        class Handler(_Handler):
            server_api = api

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-bot-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- the bot process ------------------------------------------------------------------
    def bot_started(self, generation: int) -> None:
        with self._cond:
            self.generation = generation
            self._first_poll_at = self._last_poll_at = None

    def bot_killed(self) -> None:
        """The bot died: confirmations still on the wire never reach Telegram."""
        with self._cond:
            now = time.monotonic()
            kept = [c for c in self._confirmations if c.effective_at <= now]
            self.stats.confirmations_dropped += len(self._confirmations) - len(kept)
            self._confirmations = kept
            self._apply_confirmations(now)
            self._first_poll_at = self._last_poll_at = None

    @property
    def first_poll_at(self) -> float | None:
        """When the current bot process first called getUpdates (None: not yet)."""
        with self._cond:
            return self._first_poll_at

    @property
    def last_poll_at(self) -> float | None:
        """When the current bot process last called getUpdates (None: not yet)."""
        with self._cond:
            return self._last_poll_at

    def is_pending(self, update_id: int) -> bool:
        """Whether Telegram still holds this update (not yet confirmed by the bot)."""
        with self._cond:
            self._apply_confirmations(time.monotonic())
            return any(u.update_id == update_id for u in self._pending)

    def pending_updates(self) -> int:
        with self._cond:
            self._apply_confirmations(time.monotonic())
            return len(self._pending)

    # -- users acting -----------------------------------------------------------------------
    def _enqueue(self, body: dict[str, Any]) -> int:
        with self._cond:
            update_id = next(self._update_ids)
            self.last_update_id = update_id
            self._pending.append(_Update(update_id, {"update_id": update_id, **body}, time.time()))
            self.stats.updates_enqueued += 1
            self._cond.notify_all()
            return update_id

    def send_text(
        self,
        user: User,
        text: str,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: tuple[int, int] | None = None,
    ) -> int:
        """A user sends a text message (a /command gets its entity); returns the update id."""
        chat = chat or user.private_chat
        with self._cond:
            self._chats.setdefault(int(chat["id"]), chat)
            message: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "from": user.as_dict(),
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
            if reply_to is not None:
                original = self._messages.get(reply_to)
                if original is not None:
                    message["reply_to_message"] = _without_reply(original)
            self._messages[(int(chat["id"]), message["message_id"])] = message
            return self._enqueue({"message": message})

    def current_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        with self._cond:
            message = self._messages.get((chat_id, message_id))
            return copy.deepcopy(message) if message is not None else None

    def current_buttons(self, chat_id: int, message_id: int) -> list[tuple[str, str]]:
        message = self.current_message(chat_id, message_id)
        return inline_buttons(message.get("reply_markup")) if message else []

    def press(self, user: User, chat_id: int, message_id: int, data: str) -> str | None:
        """The user presses the inline button `data` of a message the bot sent. Returns the
        callback query id, or None when the message no longer shows that button (a Telegram
        client cannot press it)."""
        with self._cond:
            message = self._messages.get((chat_id, message_id))
            if message is None or all(
                d != data for _, d in inline_buttons(message.get("reply_markup"))
            ):
                return None
            query_id = str(next(self._query_ids))
            query = {
                "id": query_id,
                "from": user.as_dict(),
                "message": copy.deepcopy(message),
                "chat_instance": str(-abs(chat_id) - 17),
                "data": data,
            }
            self._enqueue({"callback_query": query})
            return query_id

    def answer_of(self, query_id: str) -> dict[str, Any] | None:
        """The parameters of answerCallbackQuery for this query, if the bot answered it."""
        with self._cond:
            return self._answers.get(query_id)

    # -- reading the log ------------------------------------------------------------------
    def snapshot(self, since_seq: int = 0) -> list[Call]:
        with self._cond:
            if not self.log or self.log[-1].seq <= since_seq:
                return []
            return [c for c in self.log if c.seq > since_seq]

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.1))
            return True

    # -- serving --------------------------------------------------------------------------
    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            return self._get_updates(params)
        if self.hook is not None:
            self.hook(method, params)  # may block, or raise DropConnection
        with self._cond:
            call = Call(next(self._seq), time.monotonic(), self.generation, method, params, True)
            try:
                call.result = self._answer(method, params)
            except ApiError as exc:
                call.ok = False
                call.error_code = exc.code
                call.description = exc.description
                self.calls.append(call)
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": exc.code,
                    "description": exc.description,
                }
                if exc.parameters:
                    body["parameters"] = exc.parameters
                return exc.code, body
            self.calls.append(call)
            if method in VISIBLE:
                self.log.append(call)
            self._cond.notify_all()
        if self.after_hook is not None:
            self.after_hook(call)
        if self.response_latency:
            time.sleep(self.response_latency)  # the answer is on its way back
        return 200, {"ok": True, "result": call.result}

    def _apply_confirmations(self, now: float) -> None:
        effective = [c for c in self._confirmations if c.effective_at <= now]
        if not effective:
            return
        offset = max(c.offset for c in effective)
        self._confirmations = [c for c in self._confirmations if c.effective_at > now]
        self._pending = [u for u in self._pending if u.update_id >= offset]

    def _get_updates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = max(0.0, float(params.get("timeout") or 0))
        with self._cond:
            now = time.monotonic()
            self.stats.polls += 1
            if self._first_poll_at is None:
                self._first_poll_at = now
            self._last_poll_at = now
            self._poll_token += 1
            token = self._poll_token
            self._cond.notify_all()  # an older poll still waiting gets 409
            if offset > 0:
                self._confirmations.append(_Confirmation(offset, now + self.confirm_latency))
            deadline = now + min(timeout, self.max_poll_seconds)
            while True:
                now = time.monotonic()
                self._apply_confirmations(now)
                ready = [u for u in self._pending if u.update_id >= offset][:limit]
                if ready or now >= deadline or self._closing:
                    break
                if token != self._poll_token:
                    self.stats.conflicts += 1
                    return 409, {
                        "ok": False,
                        "error_code": 409,
                        "description": "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    }
                wait = deadline - now
                if self._confirmations:
                    wait = min(wait, max(0.005, self._confirmations[0].effective_at - now))
                self._cond.wait(wait)
            for update in ready:
                update.deliveries += 1
                self.stats.deliveries += 1
                if update.deliveries == 2:
                    self.stats.redelivered += 1
            return 200, {"ok": True, "result": [copy.deepcopy(u.body) for u in ready]}

    def _push_updates(self) -> None:
        """Webhook delivery: the oldest pending update is POSTed until the bot says 200."""
        while True:
            with self._cond:
                while not self._closing and (
                    self._webhook is None or not self._pending or self.webhook_target is None
                ):
                    self._cond.wait(0.1)
                if self._closing:
                    return
                assert self._webhook is not None and self.webhook_target is not None
                update = self._pending[0]
                body = json.dumps(update.body).encode()
                secret, target = self._webhook[1], self.webhook_target
                update.deliveries += 1
                self.stats.deliveries += 1
                if update.deliveries == 2:
                    self.stats.redelivered += 1
            request = urllib.request.Request(
                target,
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": secret,
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    ok = response.status == 200
            except (OSError, urllib.error.URLError):
                ok = False
            with self._cond:
                if ok:
                    self._pending = [u for u in self._pending if u is not update]
                    self._cond.notify_all()
                else:
                    self._cond.wait(0.05)  # Telegram retries a little later

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        try:
            key = int(chat_id)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        chat = self._chats.get(key)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _new_message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": BOT_USER,
            "chat": chat,
            "date": int(time.time()),
            **extra,
        }
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id") if isinstance(reply, dict) else None
        reply_to = reply_to or params.get("reply_to_message_id")
        if reply_to is not None:
            original = self._messages.get((int(chat["id"]), int(reply_to)))
            if original is not None:
                message["reply_to_message"] = _without_reply(original)
            elif not (isinstance(reply, dict) and reply.get("allow_sending_without_reply")):
                raise ApiError(400, "Bad Request: message to be replied not found")
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        self._messages[(int(chat["id"]), message["message_id"])] = message
        return message

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        parse_mode = params.get("parse_mode")
        if method == "getMe":
            return BOT_USER
        if method in {"deleteWebhook", "setWebhook"}:
            if params.get("drop_pending_updates") in (True, "true"):
                self._pending.clear()
            url = params.get("url") if method == "setWebhook" else None
            if url:
                self._webhook = (str(url), str(params.get("secret_token") or ""))
                if self._first_poll_at is None:  # the bot is ready to receive updates
                    self._first_poll_at = self._last_poll_at = time.monotonic()
                if self._pusher is None:
                    self._pusher = threading.Thread(
                        target=self._push_updates, name="fake-webhook", daemon=True
                    )
                    self._pusher.start()
            else:
                self._webhook = None
            self._cond.notify_all()
            return True
        if method in {"setMyCommands", "deleteMyCommands", "sendChatAction", "close", "logOut"}:
            return True
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getChat":
            chat = dict(self._chat(params.get("chat_id")))
            chat["accent_color_id"] = 0
            chat["max_reaction_count"] = 11
            return chat
        if method == "getChatMember":
            self._chat(params.get("chat_id"))
            return {
                "status": "member",
                "user": {"id": int(params["user_id"]), "is_bot": False, "first_name": "Anggota"},
            }
        if method == "sendMessage":
            text = str(params.get("text") or "")
            if not text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            return self._new_message(params, text=plain(text, parse_mode))
        if method == "sendPhoto":
            extra: dict[str, Any] = {
                "photo": [
                    {
                        "file_id": str(params.get("photo")),
                        "file_unique_id": f"u{abs(hash(str(params.get('photo')))) % 10**8}",
                        "width": 800,
                        "height": 600,
                    }
                ]
            }
            if params.get("caption"):
                extra["caption"] = plain(str(params["caption"]), parse_mode)
            return self._new_message(params, **extra)
        if method == "sendLocation":
            location = {
                "latitude": float(params["latitude"]),
                "longitude": float(params["longitude"]),
            }
            return self._new_message(params, location=location)
        if method == "copyMessage":
            source = self._messages.get(
                (int(params.get("from_chat_id", 0)), int(params.get("message_id", 0)))
            )
            if source is None:
                raise ApiError(400, "Bad Request: message to copy not found")
            fields = {k: v for k, v in source.items() if k in ("text", "photo", "caption")}
            return {"message_id": self._new_message(params, **fields)["message_id"]}
        if method in _EDITS:
            return self._edit(method, params, parse_mode)
        if method == "deleteMessage":
            key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
            if self._messages.pop(key, None) is None:
                raise ApiError(400, "Bad Request: message to delete not found")
            return True
        if method == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id"))
            if query_id in self._answers:
                raise ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID "
                    "is invalid",
                )
            self._answers[query_id] = params
            return True
        self.stats.unknown_methods.add(method)
        return True

    def _edit(self, method: str, params: dict[str, Any], parse_mode: str | None) -> Any:
        if params.get("inline_message_id"):
            return True
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        message = self._messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        new_markup = (
            {"inline_keyboard": markup["inline_keyboard"]}
            if isinstance(markup, dict) and markup.get("inline_keyboard")
            else None
        )
        updated = dict(message)
        if method == "editMessageText":
            updated["text"] = plain(str(params.get("text") or ""), parse_mode)
        elif method == "editMessageCaption":
            updated["caption"] = plain(str(params.get("caption") or ""), parse_mode)
        if new_markup is None:
            updated.pop("reply_markup", None)
        else:
            updated["reply_markup"] = new_markup
        if updated == message:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        updated["edit_date"] = int(time.time())
        self._messages[key] = updated
        return copy.deepcopy(updated)


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A killed bot leaves connections reset mid-request; that is the point of the test.
        return None


class _Handler(BaseHTTPRequestHandler):
    server_api: FakeBotApi
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return None  # quiet

    def do_GET(self) -> None:
        self._serve(dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True)))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type") or ""
        raw: dict[str, Any] = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        if content_type.startswith("application/json"):
            raw.update(json.loads(body or b"{}"))
            self._serve(raw, decoded=True)
            return
        if content_type.startswith("multipart/form-data"):
            head = f"Content-Type: {content_type}\r\n\r\n".encode()
            parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
            for part in parsed.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if name and part.get_filename() is None:
                    raw[str(name)] = part.get_content()
                elif name:
                    raw[str(name)] = f"uploaded:{part.get_filename()}"
        else:
            raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        self._serve(raw)

    def _serve(self, raw: dict[str, Any], *, decoded: bool = False) -> None:
        api = self.server_api
        path = urlsplit(self.path).path
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path)
        if match is None or match.group(1) != api.token:
            status, payload = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        else:
            params = raw if decoded else decode_params(raw)
            try:
                status, payload = api.handle(match.group(2), params)
            except DropConnection:
                self.close_connection = True
                return
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the bot was killed while waiting for this answer
            self.close_connection = True
