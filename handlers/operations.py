"""Cross-cutting update handling: one log line per update, per-resident and per-group flood
control, and who the bot listens to in groups."""

from __future__ import annotations

import functools
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.presentation import texts
from handlers.context import services

log = logging.getLogger("bot.updates")

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]


def logged(callback: Callback) -> Callback:
    """Log one line per handled update: id, handler, duration, outcome. No personal data."""
    name = f"{callback.__module__.removeprefix('handlers.')}.{callback.__name__}"

    @functools.wraps(callback)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await callback(update, context)
        except ApplicationHandlerStop:
            outcome = "stopped"
            raise
        except Exception:
            outcome = "error"
            raise
        finally:
            log.info(
                "update %s handler=%s duration_ms=%.1f outcome=%s",
                getattr(update, "update_id", None),
                name,
                (time.perf_counter() - started) * 1000,
                outcome,
            )

    return wrapper


class FloodControl:
    """A resident sending dozens of messages a minute gets one polite warning and is then
    ignored for a minute; nobody else is slowed down. Groups and admins are not limited."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._recent: dict[int, deque[float]] = defaultdict(deque)
        self._muted_until: dict[int, float] = {}

    def check(self, user_id: int) -> str:
        """'ok', 'warn' (first message over the limit) or 'drop'."""
        now = self.clock()
        muted = self._muted_until.get(user_id)
        if muted is not None:
            if now < muted:
                return "drop"
            del self._muted_until[user_id]
            self._recent[user_id].clear()
        recent = self._recent[user_id]
        recent.append(now)
        while recent and now - recent[0] > 60:
            recent.popleft()
        if len(recent) > self.per_minute:
            self._muted_until[user_id] = now + 60
            return "warn"
        if not recent:
            del self._recent[user_id]
        return "ok"

    def forget_idle(self) -> None:
        """Drop state of residents quiet for a minute, so memory stays bounded."""
        now = self.clock()
        for user_id in [u for u, r in self._recent.items() if not r or now - r[-1] > 60]:
            self._recent.pop(user_id, None)


FLOOD_KEY = "flood_control"
GROUP_GUARD_KEY = "group_guard"
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL)


class GroupPolicy:
    """Groups are not a free channel: a group can send at most `per_minute` updates a
    minute (beyond, it is ignored for a minute), and nobody but an admin can run an admin
    command there. Both are silent: a reply into a group costs one of Telegram's 20 messages
    a minute for that group, and tells a spammer that the bot is listening."""

    def __init__(self, admin_commands: frozenset[str], per_minute: int) -> None:
        self.admin_commands = admin_commands
        self.flood = FloodControl(per_minute)

    def is_admin_command(self, update: Update) -> bool:
        message = update.effective_message
        text = message.text if message is not None else None
        if not text or not text.startswith("/"):
            return False
        command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
        return command in self.admin_commands


async def group_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler (group -2). In a group, an admin is always heard;
    anyone else only in a linked OPD group (or the admin group), within the group's flood
    limit, and never with an admin command. Everything else is dropped without a reply."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type not in GROUP_TYPES:
        return
    svc = services(context)
    if svc.is_admin(user.id if user else None) or chat.id == svc.settings.admin_chat_id:
        return
    policy: GroupPolicy = context.application.bot_data[GROUP_GUARD_KEY]
    verdict = policy.flood.check(chat.id)
    if verdict != "ok":
        if verdict == "warn":  # one line per minute of flood, not one per update
            log.warning(
                "update %s: group flood limit, chat %s ignored 60 s", update.update_id, chat.id
            )
        raise ApplicationHandlerStop
    if policy.is_admin_command(update) or not await svc.complaints.cards.is_linked(chat.id):
        raise ApplicationHandlerStop


async def flood_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler (group -1)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return
    if services(context).is_admin(user.id):
        return
    control: FloodControl = context.application.bot_data[FLOOD_KEY]
    verdict = control.check(user.id)
    if verdict == "ok":
        return
    if verdict == "warn":
        log.info("update %s: flood control engaged", update.update_id)
        if update.effective_message is not None:
            await update.effective_message.reply_text(texts.FLOOD_WARNING)
        elif update.callback_query is not None:
            await update.callback_query.answer(texts.FLOOD_WARNING)
    raise ApplicationHandlerStop
