"""Where every update goes after Telegram delivered it (polling or webhook).

`Dispatcher.receive` stores a batch in the durable inbox (bot/inbox.py) and only then
returns, so the caller may confirm it to Telegram. Updates are then handled by per-chat
workers: different chats concurrently (at most `BOT_UPDATE_CONCURRENCY` updates at a
time), the updates of one chat strictly in order, so a slow reply to one person never
holds up another. Each handled update is marked handled in the inbox; what was stored but
not handled when the bot stopped or died is handled at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Sequence

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.inbox import Inbox, InboxRow

log = logging.getLogger(__name__)

PRUNE_EVERY = 3600.0  # seconds between prunes of old handled inbox rows
STOP_GRACE = 20.0  # seconds to finish the updates in hand at stop (systemd allows 30)


def chat_key(update: Update) -> int:
    """The ordering key: the chat, else the person (inline queries, polls), else 0."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0


class Dispatcher:
    def __init__(self, application: Application, inbox: Inbox, concurrency: int) -> None:
        self.application = application
        self.inbox = inbox
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._queues: dict[int, deque[tuple[Update, bool]]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._errors: dict[int, str] = {}
        self._stopping = False
        self._housekeeping: asyncio.Task[None] | None = None
        # Runs after the project's error handler (handlers/errors.py), which already
        # answered the person: here the error is only noted on the inbox row.
        application.add_error_handler(self._note_error)

    @property
    def pending(self) -> int:
        """Updates received and not yet handled (in hand or queued)."""
        return sum(len(queue) for queue in self._queues.values())

    async def start(self) -> None:
        """Handle again what was stored but not handled before the last stop or crash."""
        await self.inbox.prune()
        recovered = await self.inbox.unhandled()
        if recovered:
            log.warning(
                "inbox: %d update(s) stored but not handled; handling them now", len(recovered)
            )
        for row in recovered:
            try:
                update = Update.de_json(json.loads(row.body), self.application.bot)
            except Exception as exc:  # e.g. stored by an older version: never block the start
                log.exception("inbox: update %s cannot be read back", row.update_id)
                await self.inbox.mark_handled(row.update_id, f"unreadable: {exc!r}")
                continue
            self._submit(row.chat_key, update, recovered=True)
        self._housekeeping = asyncio.create_task(self._prune_regularly())

    async def receive(self, updates: Sequence[Update]) -> int:
        """Store the batch durably (ONE transaction), then queue the new ones for handling.
        When this returns, the caller may confirm the batch to Telegram. Returns how many
        were new (a redelivered update already in the inbox is not handled again)."""
        rows = [InboxRow(u.update_id, chat_key(u), u.to_json()) for u in updates]
        new = {row.update_id for row in await self.inbox.store(rows)}
        for update, row in zip(updates, rows, strict=True):
            if update.update_id in new:
                self._submit(row.chat_key, update, recovered=False)
        return len(new)

    async def stop(self, grace: float | None = None) -> None:
        """Finish the updates in hand; the queued ones stay in the inbox for the next start."""
        grace = STOP_GRACE if grace is None else grace
        self._stopping = True
        if self._housekeeping is not None:
            self._housekeeping.cancel()
        if self._workers:
            _, late = await asyncio.wait(set(self._workers), timeout=grace)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def idle(self) -> None:
        """Wait until every received update was handled (tests, benchmarks)."""
        while self._workers:
            await asyncio.wait(set(self._workers))

    def _submit(self, key: int, update: Update, *, recovered: bool) -> None:
        queue = self._queues.get(key)
        if queue is not None:
            queue.append((update, recovered))  # its chat's worker takes it in turn
            return
        self._queues[key] = deque([(update, recovered)])
        task = asyncio.create_task(self._drain(key), name=f"chat-worker:{key}")
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)

    async def _drain(self, key: int) -> None:
        queue = self._queues[key]
        try:
            while queue and not self._stopping:
                update, recovered = queue[0]
                async with self._slots:
                    if self._stopping:
                        break
                    await self._handle(update, recovered)
                queue.popleft()
        finally:
            if self._queues.get(key) is queue:
                del self._queues[key]

    async def _handle(self, update: Update, recovered: bool) -> None:
        if recovered:
            await self.inbox.count_attempt(update.update_id)
        error: str | None = None
        try:
            # Handler errors go to the error handler inside; this catches anything else.
            await self.application.process_update(update)
        except Exception as exc:
            log.exception("update %s could not be processed", update.update_id)
            error = repr(exc)
        error = self._errors.pop(update.update_id, None) or error
        try:
            await self.inbox.mark_handled(update.update_id, error)
        except Exception:
            # It stays unhandled and is handled again at the next start.
            log.exception("inbox: could not mark update %s handled", update.update_id)

    async def _note_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update) and context.error is not None:
            self._errors[update.update_id] = f"{type(context.error).__name__}: {context.error}"

    async def _prune_regularly(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY)
            try:
                await self.inbox.prune()
            except Exception:
                log.exception("inbox: pruning failed")
