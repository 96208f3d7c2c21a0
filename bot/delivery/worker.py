"""The outbox worker: sends what the outbox owes, through python-telegram-bot.

Rows go out in lanes, one per chat, up to LANES at a time: one chat's rows in order, and a
slow or rate-limited group never holds back a resident's notice. A complaint's essential
rows go out in order whatever their chat (see `bot.services.outbox`).

Failures that surely did not send (connection refused or timed out before the request
left, HTTP 5xx) are retried with exponential backoff; `RetryAfter` waits exactly as long
as Telegram says; a group that became a supergroup is followed to its new id; permanent
failures (blocked by the resident, removed from the group, chat not found) are parked with
their reason so nothing is lost silently. A send whose outcome is unknown (the request
went out, the answer never came) is held as uncertain unless the kind is idempotent:
sending it again could deliver it twice, so an admin decides (/tertahan). Admins are told
when something is held back.

Between rows the worker sleeps until the next row that can actually be sent is due, or
until woken (`wake()`, called after a change that owes messages is committed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import Callable

import httpx
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.delivery.rate_limit import retry_after_seconds
from bot.delivery.senders import (
    BACKOFF_CAP,
    IDEMPOTENT_KINDS,
    KINDS,
    OPTIONAL_KINDS,
    RESIDENT_KINDS,
    SendContext,
    Wait,
)
from bot.services.complaints import ComplaintService, utcnow
from bot.services.outbox import HELD_NOTICE, Outbox, OutboxRow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 60  # with the backoff cap, about four hours of trying
MAX_SLEEP = 5.0  # seconds: look again at least this often, even if nobody wakes the worker
# Chats served at the same time: a slow or rate-limited group takes one lane, and a
# resident's notice goes out in another meanwhile.
LANES = 4
# The request surely never reached Telegram: no connection, or none free in the pool.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _by_lane(rows: list[OutboxRow]) -> dict[str, list[OutboxRow]]:
    lanes: dict[str, list[OutboxRow]] = {}
    for row in rows:  # oldest first, so each lane keeps its chat's order
        lanes.setdefault(row.lane or f"row {row.id}", []).append(row)
    return lanes


def outcome_unknown(error: NetworkError) -> bool:
    """Whether Telegram may have acted on a request that failed with `error`.

    python-telegram-bot raises TimedOut / NetworkError `from` the httpx error. A read or
    write timeout, or a connection lost mid-request, means the request may have been
    received and the message sent. A connect or pool timeout means it never left. An error
    with no transport cause is Telegram's own HTTP answer (5xx): it did not send.
    """
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT):
        return False
    if isinstance(error, TimedOut):
        return True
    return isinstance(cause, httpx.TransportError)


class OutboxWorker:
    def __init__(
        self,
        outbox: Outbox,
        complaints: ComplaintService,
        bot: Bot,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.outbox = outbox
        self.complaints = complaints
        self.bot = bot
        self.clock = clock
        # Read through the worker, so a clock replaced later (tests) rules the senders too.
        self._context = SendContext(bot, complaints, lambda: self.clock(), outbox)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lanes: dict[str, asyncio.Task[int]] = {}  # running lanes by chat

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        self._stopping.clear()
        held = await self.outbox.recover(IDEMPOTENT_KINDS)
        if held:
            log.warning(
                "outbox: %d message(s) were mid-send at the last stop; held as uncertain", held
            )
        self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        """Finish the rows in hand (one per lane), then stop; pending rows stay for the
        next start."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                # Cleared before looking, so a wake during the look is not lost.
                self._wake.clear()
                try:
                    self._dispatch(await self._due())
                    now = self.clock()
                    # While lanes are busy, what is due now waits for one of them to end
                    # (which wakes this loop): only rows due later set the sleep.
                    after = now if self._lanes else None
                    next_due = await self.outbox.next_due_at(OPTIONAL_KINDS, after)
                except Exception:  # the worker must outlive any one bad row or DB hiccup
                    log.exception("outbox: dispatch failed")
                    next_due, now = None, self.clock()
                timeout = MAX_SLEEP
                if next_due is not None:
                    timeout = min(timeout, max(0.05, (next_due - now).total_seconds()))
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout)
                except TimeoutError:
                    pass
        finally:
            if self._lanes:
                await asyncio.gather(*self._lanes.values(), return_exceptions=True)

    def _dispatch(self, rows: list[OutboxRow]) -> None:
        """Start a lane for each chat with rows due that has none running, up to LANES.
        A lane sends its rows one after another, so one chat's rows stay in order."""
        for lane, lane_rows in _by_lane(rows).items():
            if lane in self._lanes:
                continue  # its running lane takes these on its next look
            if len(self._lanes) >= LANES:
                break
            task = asyncio.create_task(self._lane(lane_rows), name=f"outbox-lane {lane}")
            self._lanes[lane] = task
            task.add_done_callback(lambda _, lane=lane: self._lane_done(lane))

    def _lane_done(self, lane: str) -> None:
        self._lanes.pop(lane, None)
        self._wake.set()  # its chat may have more due, and a lane is free

    async def _lane(self, rows: list[OutboxRow]) -> int:
        handled = 0
        for row in rows:
            if self._stopping.is_set() and handled:
                break
            try:
                if not await self.outbox.begin(row.id):
                    continue
                await self._deliver(row)
            except Exception:  # a DB hiccup: the row stays pending (or is recovered)
                log.exception("outbox %d: delivery failed", row.id)
                break
            handled += 1
        return handled

    # -- sending --------------------------------------------------------------------------
    async def _due(self, limit: int = 50) -> list[OutboxRow]:
        return await self.outbox.due(self.clock(), limit, OPTIONAL_KINDS, RESIDENT_KINDS)

    async def drain(self, limit: int = 20) -> int:
        """Send the rows due now, up to LANES chats at a time, and wait until they are
        handled; returns how many were (tests and benchmarks step the worker with this)."""
        lanes = list(_by_lane(await self._due(limit)).values())
        handled = 0
        for start in range(0, len(lanes), LANES):
            handled += sum(
                await asyncio.gather(*(self._lane(rows) for rows in lanes[start : start + LANES]))
            )
        return handled

    async def drain_all(self) -> None:
        """Send until nothing is due now (tests and benchmarks use this)."""
        while await self.drain() > 0:
            pass

    async def _deliver(self, row: OutboxRow) -> None:
        now = self.clock()
        try:
            message_id = await self._send(row)
        except Wait as wait:
            await self.outbox.retry(
                row.id, now + dt.timedelta(seconds=wait.seconds), str(wait), count=False
            )
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            log.info("outbox %d: flood control, waiting %.0f s", row.id, seconds)
            await self.outbox.retry(
                row.id,
                now + dt.timedelta(seconds=seconds),
                f"RetryAfter {seconds:.0f}s",
                count=False,
            )
        except ChatMigrated as exc:
            if row.chat_id is not None:
                old = row.chat_id
            else:
                old = await self._old_chat(row)
            if old is not None:
                await self.complaints.cards.migrate_group(old, exc.new_chat_id)
            await self.outbox.retry(row.id, now, f"chat migrated to {exc.new_chat_id}", count=False)
        except Forbidden as exc:
            await self._park(row, f"ditolak Telegram (diblokir/dikeluarkan): {exc}")
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                await self.outbox.sent(row.id, None, now)
            else:
                await self._park(row, f"ditolak Telegram: {exc}")
        except InvalidToken as exc:
            await self.outbox.retry(row.id, now + dt.timedelta(seconds=BACKOFF_CAP), str(exc))
        except (NetworkError, TelegramError) as exc:
            kind = KINDS.get(row.kind)
            idempotent = kind is not None and kind.idempotent
            if isinstance(exc, NetworkError) and outcome_unknown(exc) and not idempotent:
                log.warning("outbox %d: outcome unknown (%r); held as uncertain", row.id, exc)
                await self.outbox.uncertain(
                    row.id,
                    f"pengiriman tidak pasti: {exc} (tidak dikirim ulang agar tidak ganda)",
                    self._admins(row),
                )
                return
            attempts = row.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                await self._park(row, f"gagal setelah {attempts} percobaan: {exc}")
                return
            delay = min(BACKOFF_CAP, 2.0 ** min(attempts, 10)) * (0.5 + random.random() / 2)
            await self.outbox.retry(row.id, now + dt.timedelta(seconds=delay), str(exc))
        except Exception as exc:  # a bug for this row must not stop the others
            log.exception("outbox %d: unexpected error", row.id)
            await self._park(row, f"kesalahan internal: {exc!r}")
        else:
            await self.outbox.sent(row.id, message_id, self.clock())

    def _admins(self, row: OutboxRow) -> list[int]:
        """Who to tell that a row is held back (not about the notice itself: no loop)."""
        return [] if row.kind == HELD_NOTICE else self.complaints.admin_chats()

    async def _park(self, row: OutboxRow, reason: str) -> None:
        await self.outbox.park(row.id, reason, self._admins(row))

    async def _old_chat(self, row: OutboxRow) -> int | None:
        if row.complaint_id is None:
            return None
        complaint = await self.complaints.get(row.complaint_id)
        if complaint is None:
            return None
        return complaint.card_chat_id or await self.complaints.cards.card_chat(complaint)

    async def _send(self, row: OutboxRow) -> int | None:
        """Send one row with its kind's sender; returns the Telegram message id."""
        kind = KINDS.get(row.kind)
        if kind is None:
            raise ValueError(f"unknown outbox kind {row.kind!r}")
        return await kind.send(row, self._context)
