"""The outbox worker: sends what the outbox owes, through python-telegram-bot.

One task, one row at a time, in order per complaint. Transient failures (timeouts,
connection errors, HTTP 5xx) are retried with exponential backoff; `RetryAfter` waits
exactly as long as Telegram says; a group that became a supergroup is followed to its new
id; permanent failures (blocked by the resident, removed from the group, chat not found)
are parked with their reason so nothing is lost silently.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import warnings
from collections.abc import Callable
from dataclasses import replace

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot import render, texts
from bot.services.complaints import ComplaintService, utcnow
from bot.services.outbox import Outbox, OutboxRow
from faq.formatting import escape, split_html

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 60  # with the backoff cap, about four hours of trying
BACKOFF_CAP = 300.0  # seconds
WAIT_FOR_GROUP = 60.0  # seconds between checks when no group is linked yet
IDEMPOTENT_KINDS = frozenset({"card_edit"})


class _Wait(Exception):
    """The row cannot go yet (no group linked, card not delivered): try again later."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


def _markup(data: dict | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json(data, None) if data else None


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that `retry_after` becomes a timedelta; both forms are handled here.
        warnings.simplefilter("ignore")
        value = error.retry_after
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)


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
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        parked = await self.outbox.recover(IDEMPOTENT_KINDS)
        if parked:
            log.warning("outbox: %d message(s) were mid-send at the last stop; parked", parked)
        self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        """Finish the row in hand, then stop; pending rows stay for the next start."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                sent = await self.drain()
            except Exception:  # the worker must outlive any one bad row or DB hiccup
                log.exception("outbox: drain failed")
                sent = 0
            if sent:
                continue
            next_due = await self.outbox.next_due_at()
            timeout = 5.0
            if next_due is not None:
                timeout = min(timeout, max(0.05, (next_due - self.clock()).total_seconds()))
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                pass

    # -- sending --------------------------------------------------------------------------
    async def drain(self, limit: int = 20) -> int:
        """Send the rows due now; returns how many were handled."""
        rows = await self.outbox.due(self.clock(), limit)
        handled = 0
        for row in rows:
            if self._stopping.is_set() and handled:
                break
            if not await self.outbox.begin(row.id):
                continue
            await self._deliver(row)
            handled += 1
        return handled

    async def drain_all(self) -> None:
        """Send until nothing is due now (tests and benchmarks use this)."""
        while await self.drain() > 0:
            pass

    async def _deliver(self, row: OutboxRow) -> None:
        now = self.clock()
        try:
            message_id = await self._send(row)
        except _Wait as wait:
            await self.outbox.retry(
                row.id, now + dt.timedelta(seconds=wait.seconds), str(wait), count=False
            )
        except RetryAfter as exc:
            seconds = _seconds(exc)
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
                await self.complaints.migrate_group(old, exc.new_chat_id)
            await self.outbox.retry(row.id, now, f"chat migrated to {exc.new_chat_id}", count=False)
        except Forbidden as exc:
            await self.outbox.park(row.id, f"ditolak Telegram (diblokir/dikeluarkan): {exc}")
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                await self.outbox.sent(row.id, None, now)
            else:
                await self.outbox.park(row.id, f"ditolak Telegram: {exc}")
        except InvalidToken as exc:
            await self.outbox.retry(row.id, now + dt.timedelta(seconds=BACKOFF_CAP), str(exc))
        except (NetworkError, TelegramError) as exc:
            attempts = row.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                await self.outbox.park(row.id, f"gagal setelah {attempts} percobaan: {exc}")
                return
            delay = min(BACKOFF_CAP, 2.0 ** min(attempts, 10)) * (0.5 + random.random() / 2)
            await self.outbox.retry(row.id, now + dt.timedelta(seconds=delay), str(exc))
        except Exception as exc:  # a bug for this row must not stop the others
            log.exception("outbox %d: unexpected error", row.id)
            await self.outbox.park(row.id, f"kesalahan internal: {exc!r}")
        else:
            await self.outbox.sent(row.id, message_id, self.clock())

    async def _old_chat(self, row: OutboxRow) -> int | None:
        if row.complaint_id is None:
            return None
        complaint = await self.complaints.get(row.complaint_id)
        if complaint is None:
            return None
        return complaint.card_chat_id or await self.complaints.card_chat(complaint)

    async def _send(self, row: OutboxRow) -> int | None:
        """Send one row; returns the Telegram message id (None for edits)."""
        knowledge = self.complaints.knowledge.knowledge
        if row.kind == "escalation":
            assert row.chat_id is not None
            text = render.escalation(row.payload["overdue"], knowledge)
            message = await self.bot.send_message(row.chat_id, text)
            return message.message_id
        if row.kind == "triage_notice":
            assert row.chat_id is not None
            text = texts.TRIAGE_NOTICE.format(
                ticket=row.payload["ticket"], reason=escape(row.payload["reason"])
            )
            message = await self.bot.send_message(row.chat_id, text)
            return message.message_id
        assert row.complaint_id is not None
        complaint = await self.complaints.get(row.complaint_id)
        if complaint is None:
            raise _Wait("complaint missing", BACKOFF_CAP)
        kind = row.kind
        if kind == "card":
            chat_id = await self.complaints.card_chat(complaint)
            if chat_id is None:
                raise _Wait(
                    f"belum ada grup terhubung untuk {complaint.destination}", WAIT_FOR_GROUP
                )
            due = self.complaints.delivery_due(self.clock())
            preview = complaint
            if complaint.status == "baru":
                preview = replace(complaint, status="diteruskan", due_at=due)
            text, markup, parts = render.card(preview, knowledge)
            message = await self.bot.send_message(chat_id, text, reply_markup=_markup(markup))
            await self.complaints.card_delivered(
                complaint.id, chat_id, message.message_id, due, parts, outbox_row_id=row.id
            )
            return message.message_id
        if kind == "card_edit":
            chat_id = row.payload.get("chat_id") or complaint.card_chat_id
            message_id = row.payload.get("message_id") or complaint.card_message_id
            if not chat_id or not message_id:
                return None  # no card was ever shown; the next card carries the state
            moved_to = row.payload.get("moved_to")
            text, markup, _ = render.card(
                complaint,
                knowledge,
                moved_to=render.opd_name(knowledge, moved_to, complaint.kecamatan_name)
                if moved_to
                else None,
            )
            await self.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=_markup(markup)
            )
            return None
        if kind in ("photo", "pin", "detail", "relay_to_group", "reminder"):
            if not complaint.card_chat_id or not complaint.card_message_id:
                raise _Wait("kartu belum terkirim", WAIT_FOR_GROUP)
            chat_id, card_id = complaint.card_chat_id, complaint.card_message_id
            reply = ReplyParameters(card_id, allow_sending_without_reply=True)
            if kind == "photo":
                files = await self.complaints.photos(complaint.id)
                position = int(row.payload["position"])
                message = await self.bot.send_photo(
                    chat_id,
                    files[position - 1],
                    reply_parameters=reply,
                    caption=texts.CARD_PHOTO.format(position=position, ticket=complaint.ticket),
                )
            elif kind == "pin":
                message = await self.bot.send_location(
                    chat_id,
                    latitude=complaint.latitude,
                    longitude=complaint.longitude,
                    reply_parameters=reply,
                )
            elif kind == "detail":
                message = await self.bot.send_message(
                    chat_id, row.payload["text"], reply_parameters=reply
                )
            elif kind == "reminder":
                message = await self.bot.send_message(
                    chat_id, render.reminder(complaint), reply_parameters=reply
                )
            else:
                template = (
                    texts.GROUP_REOPENED
                    if row.payload.get("template") == "dibuka_lagi"
                    else texts.GROUP_RESIDENT_MESSAGE
                )
                text = template.format(
                    ticket=complaint.ticket, text=escape(row.payload.get("text") or "")
                )
                # A long reply (masking can lengthen it) goes in several messages.
                for part in split_html(text):
                    message = await self.bot.send_message(chat_id, part, reply_parameters=reply)
                    await self.complaints.remember_message(
                        chat_id, message.message_id, complaint.id, "officer"
                    )
                return message.message_id
            await self.complaints.remember_message(
                chat_id, message.message_id, complaint.id, "officer"
            )
            return message.message_id
        resident_chat = await self.complaints.resident_chat(complaint.resident_id)
        if resident_chat is None:
            raise _Wait("pelapor tidak dikenal", BACKOFF_CAP)
        if kind == "notify":
            text, markup = render.notification(
                row.payload["template"], complaint, knowledge, row.payload.get("note")
            )
            message = await self.bot.send_message(resident_chat, text, reply_markup=_markup(markup))
        elif kind == "relay_to_resident":
            text = texts.NOTIFY_OFFICER_MESSAGE.format(
                opd_name=escape(
                    render.opd_name(knowledge, complaint.opd_id, complaint.kecamatan_name)
                ),
                ticket=complaint.ticket,
                text=escape(row.payload["text"]),
            )
            for part in split_html(text):  # a long reply goes in several messages
                message = await self.bot.send_message(resident_chat, part)
                await self.complaints.remember_message(
                    resident_chat, message.message_id, complaint.id, "resident"
                )
            return message.message_id
        else:
            raise ValueError(f"unknown outbox kind {kind!r}")
        await self.complaints.remember_message(
            resident_chat, message.message_id, complaint.id, "resident"
        )
        return message.message_id
