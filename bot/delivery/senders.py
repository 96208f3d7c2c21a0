"""What the outbox worker sends for each kind of row: one small sender per kind.

A sender gets the row and a `SendContext` (the bot, the complaint services, the clock) and
returns the Telegram message id it produced (None for an edit), or raises `Wait` when the
row cannot go yet (no group linked, card not delivered). Telegram's errors propagate: the
worker decides what they mean (retry, wait, follow a migration, park).

`KINDS` is the table the worker dispatches on. Each entry says what the worker must know
about its kind (whether sending it twice is harmless, whether it is essential); a new kind
is one function, one entry and one test (tests/bot/delivery/test_senders.py checks every
entry has one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters

from bot.presentation import render, texts
from bot.services.complaints import Complaint, ComplaintService, Status
from bot.services.outbox import HELD_NOTICE, Outbox, OutboxRow
from faq.formatting import escape, split_html
from faq.knowledge import KnowledgeBase

BACKOFF_CAP = 300.0  # seconds: the longest wait between tries
WAIT_FOR_GROUP = 60.0  # seconds between checks when no group is linked yet


class Wait(Exception):
    """The row cannot go yet (no group linked, card not delivered): try again later."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


@dataclass(frozen=True)
class SendContext:
    bot: Bot
    complaints: ComplaintService
    clock: Callable[[], dt.datetime]
    outbox: Outbox

    async def parts(
        self, row: OutboxRow, parts: list[str], send: Callable[[str], Awaitable[int]]
    ) -> int | None:
        """Send a long message's parts, skipping those already delivered, and record each
        one as it goes: a retry after part 2 failed starts at part 2, not part 1 again."""
        message_id = None
        for index, part in enumerate(parts):
            if index < row.parts_sent:
                continue
            message_id = await send(part)
            if len(parts) > 1:
                await self.outbox.part_sent(row.id, index + 1)
        return message_id

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.complaints.knowledge.knowledge


Sender = Callable[[OutboxRow, SendContext], Awaitable[int | None]]


def _markup(data: dict | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json(data, None) if data else None


async def _complaint(row: OutboxRow, ctx: SendContext) -> Complaint:
    assert row.complaint_id is not None
    complaint = await ctx.complaints.get(row.complaint_id)
    if complaint is None:
        raise Wait("complaint missing", BACKOFF_CAP)
    return complaint


async def _under_card(ctx: SendContext, complaint: Complaint) -> tuple[int, ReplyParameters]:
    """The card's chat and a reply to the card: follow-ups go under it, once it is there."""
    if not complaint.card_chat_id or not complaint.card_message_id:
        raise Wait("kartu belum terkirim", WAIT_FOR_GROUP)
    reply = ReplyParameters(complaint.card_message_id, allow_sending_without_reply=True)
    return complaint.card_chat_id, reply


async def _to_group(ctx: SendContext, complaint: Complaint, chat_id: int, message: Message) -> int:
    """Remember a message under the card, so an officer's reply to it reaches the resident."""
    await ctx.complaints.cards.remember_message(
        chat_id, message.message_id, complaint.id, "officer"
    )
    return message.message_id


async def _resident_chat(ctx: SendContext, complaint: Complaint) -> int:
    chat = await ctx.complaints.resident_chat(complaint.resident_id)
    if chat is None:
        raise Wait("pelapor tidak dikenal", BACKOFF_CAP)
    return chat


async def _to_resident(
    ctx: SendContext, complaint: Complaint, chat_id: int, message: Message
) -> int:
    """Remember a message to the resident, so their reply to it reaches the group."""
    await ctx.complaints.cards.remember_message(
        chat_id, message.message_id, complaint.id, "resident"
    )
    return message.message_id


# -- OPD groups ---------------------------------------------------------------------------
async def send_card(row: OutboxRow, ctx: SendContext) -> int | None:
    """The complaint's card, to the group acting on it now; recorded with the row."""
    complaint = await _complaint(row, ctx)
    cards = ctx.complaints.cards
    chat_id = await cards.card_chat(complaint)
    if chat_id is not None and complaint.card_message_id and complaint.card_chat_id == chat_id:
        return None  # its card is already in that group: one live card per group
    if chat_id is None:
        destination = ctx.complaints.destination(complaint)
        raise Wait(f"belum ada grup terhubung untuk {destination}", WAIT_FOR_GROUP)
    due = cards.delivery_due(ctx.clock())
    preview = complaint
    if complaint.status == Status.BARU:  # what it will be once delivered
        preview = replace(complaint, status=Status.DITERUSKAN, due_at=complaint.due_at or due)
    text, markup, parts = render.card(preview, ctx.knowledge)
    message = await ctx.bot.send_message(chat_id, text, reply_markup=_markup(markup))
    await cards.card_delivered(
        complaint.id, chat_id, message.message_id, due, parts, outbox_row_id=row.id
    )
    return message.message_id


async def send_card_edit(row: OutboxRow, ctx: SendContext) -> int | None:
    """The card shows the complaint's state now (or where it moved). Idempotent."""
    complaint = await _complaint(row, ctx)
    chat_id = row.payload.get("chat_id") or complaint.card_chat_id
    message_id = row.payload.get("message_id") or complaint.card_message_id
    if not chat_id or not message_id:
        return None  # no card was ever shown; the next card carries the state
    moved_to = row.payload.get("moved_to")
    moved_name = (
        render.opd_name(ctx.knowledge, moved_to, complaint.kecamatan_name) if moved_to else None
    )
    text, markup, _ = render.card(complaint, ctx.knowledge, moved_to=moved_name)
    await ctx.bot.edit_message_text(
        text, chat_id=chat_id, message_id=message_id, reply_markup=_markup(markup)
    )
    return None


async def send_photo(row: OutboxRow, ctx: SendContext) -> int | None:
    complaint = await _complaint(row, ctx)
    chat_id, reply = await _under_card(ctx, complaint)
    files = await ctx.complaints.photos(complaint.id)
    position = int(row.payload["position"])
    message = await ctx.bot.send_photo(
        chat_id,
        files[position - 1],
        reply_parameters=reply,
        caption=texts.CARD_PHOTO.format(position=position, ticket=complaint.ticket),
    )
    return await _to_group(ctx, complaint, chat_id, message)


async def send_pin(row: OutboxRow, ctx: SendContext) -> int | None:
    complaint = await _complaint(row, ctx)
    chat_id, reply = await _under_card(ctx, complaint)
    message = await ctx.bot.send_location(
        chat_id,
        latitude=complaint.latitude,
        longitude=complaint.longitude,
        reply_parameters=reply,
    )
    return await _to_group(ctx, complaint, chat_id, message)


async def send_detail(row: OutboxRow, ctx: SendContext) -> int | None:
    """A continuation of a long description, under the card."""
    complaint = await _complaint(row, ctx)
    chat_id, reply = await _under_card(ctx, complaint)
    message = await ctx.bot.send_message(chat_id, row.payload["text"], reply_parameters=reply)
    return await _to_group(ctx, complaint, chat_id, message)


async def send_reminder(row: OutboxRow, ctx: SendContext) -> int | None:
    complaint = await _complaint(row, ctx)
    chat_id, reply = await _under_card(ctx, complaint)
    message = await ctx.bot.send_message(
        chat_id, render.reminder(complaint), reply_parameters=reply
    )
    return await _to_group(ctx, complaint, chat_id, message)


async def send_relay_to_group(row: OutboxRow, ctx: SendContext) -> int | None:
    """The resident's message (or their reopening) under the card, in parts if long."""
    complaint = await _complaint(row, ctx)
    chat_id, reply = await _under_card(ctx, complaint)
    template = (
        texts.GROUP_REOPENED
        if row.payload.get("template") == "dibuka_lagi"
        else texts.GROUP_RESIDENT_MESSAGE
    )
    text = template.format(ticket=complaint.ticket, text=escape(row.payload.get("text") or ""))

    async def send(part: str) -> int:
        message = await ctx.bot.send_message(chat_id, part, reply_parameters=reply)
        return await _to_group(ctx, complaint, chat_id, message)

    # A long reply (masking can lengthen it) goes in several messages.
    return await ctx.parts(row, split_html(text), send)


# -- residents ----------------------------------------------------------------------------
async def send_notify(row: OutboxRow, ctx: SendContext) -> int | None:
    """A status change told to the resident (with rating buttons after "selesai")."""
    complaint = await _complaint(row, ctx)
    chat_id = await _resident_chat(ctx, complaint)
    text, markup = render.notification(
        row.payload["template"], complaint, ctx.knowledge, row.payload.get("note")
    )
    message = await ctx.bot.send_message(chat_id, text, reply_markup=_markup(markup))
    return await _to_resident(ctx, complaint, chat_id, message)


async def send_relay_to_resident(row: OutboxRow, ctx: SendContext) -> int | None:
    """An officer's message to the resident, in parts if long."""
    complaint = await _complaint(row, ctx)
    chat_id = await _resident_chat(ctx, complaint)
    text = texts.NOTIFY_OFFICER_MESSAGE.format(
        opd_name=escape(render.opd_name(ctx.knowledge, complaint.opd_id, complaint.kecamatan_name)),
        ticket=complaint.ticket,
        text=escape(row.payload["text"]),
    )

    async def send(part: str) -> int:
        message = await ctx.bot.send_message(chat_id, part)
        return await _to_resident(ctx, complaint, chat_id, message)

    return await ctx.parts(row, split_html(text), send)  # a long reply, in several messages


# -- admins (no complaint queue: they go out even while a card waits) -----------------------
async def send_escalation(row: OutboxRow, ctx: SendContext) -> int | None:
    assert row.chat_id is not None
    text = render.escalation(row.payload["overdue"], ctx.knowledge)
    message = await ctx.bot.send_message(row.chat_id, text)
    return message.message_id


async def send_triage_notice(row: OutboxRow, ctx: SendContext) -> int | None:
    assert row.chat_id is not None
    text = texts.TRIAGE_NOTICE.format(
        ticket=row.payload["ticket"], reason=escape(row.payload["reason"])
    )
    message = await ctx.bot.send_message(row.chat_id, text)
    return message.message_id


async def send_held_notice(row: OutboxRow, ctx: SendContext) -> int | None:
    """Tell admins that messages are held back (see /tertahan); nothing if all are handled."""
    assert row.chat_id is not None
    count = await ctx.outbox.held_count()
    if not count:
        return None
    message = await ctx.bot.send_message(row.chat_id, texts.HELD_NOTICE.format(count=count))
    return message.message_id


@dataclass(frozen=True)
class Kind:
    """One kind of outbox row and what the worker must know about it."""

    send: Sender
    # Sending it again when the outcome is unknown (a lost answer, a crash mid-send) is
    # harmless (an edit to the same text), so it is retried; any other kind is held as
    # uncertain for an admin instead.
    idempotent: bool = False
    # Essential rows of a complaint go out in order. An optional one (a copy of a photo,
    # the map pin) is nice to have: it waits its turn, but nothing waits for it.
    essential: bool = True
    # Who receives it: "group" (the complaint's OPD group), "resident" or "admin".
    audience: str = "group"


KINDS: dict[str, Kind] = {
    # OPD groups
    "card": Kind(send_card),
    "card_edit": Kind(send_card_edit, idempotent=True),
    "photo": Kind(send_photo, essential=False),
    "pin": Kind(send_pin, essential=False),
    "detail": Kind(send_detail),
    "reminder": Kind(send_reminder),
    "relay_to_group": Kind(send_relay_to_group),
    # residents
    "notify": Kind(send_notify, audience="resident"),
    "relay_to_resident": Kind(send_relay_to_resident, audience="resident"),
    # admins
    "escalation": Kind(send_escalation, audience="admin"),
    "triage_notice": Kind(send_triage_notice, audience="admin"),
    HELD_NOTICE: Kind(send_held_notice, audience="admin"),
}
IDEMPOTENT_KINDS = frozenset(name for name, kind in KINDS.items() if kind.idempotent)
OPTIONAL_KINDS = frozenset(name for name, kind in KINDS.items() if not kind.essential)
RESIDENT_KINDS = frozenset(name for name, kind in KINDS.items() if kind.audience == "resident")
