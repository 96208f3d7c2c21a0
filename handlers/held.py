"""Admins: messages the outbox holds back (/tertahan), each with "Kirim ulang" / "Abaikan".

A row is held when Telegram refused it (parked) or when it may or may not have arrived
(uncertain: the request went out, the answer was lost). The bot never resends an uncertain
row by itself, since that could deliver it twice; an admin decides here. Only admins see
the list or may press its buttons.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.delivery.senders import KINDS
from bot.presentation import callbacks, render, texts
from bot.services.calendar import WIB, format_date
from bot.services.outbox import HeldRow
from faq.formatting import escape
from handlers.admin import _refused  # the one admin check, shared with the admin commands
from handlers.context import Services, services

log = logging.getLogger(__name__)

SHOWN = 10  # rows listed per /tertahan, newest first
RESEND, DISMISS = "kirim", "abaikan"


def _masked(chat_id: int | None) -> str:
    """A chat id an admin can tell apart without the whole number being shown."""
    return "…" + str(abs(chat_id))[-4:] if chat_id is not None else "-"


def describe(row: HeldRow, svc: Services) -> str:
    """What, to whom (masked), why and since when: what an admin needs to decide."""
    kind = KINDS.get(row.kind)
    audience = kind.audience if kind is not None else None
    ticket = row.ticket or "-"
    if audience == "resident":
        to = texts.HELD_TO_RESIDENT.format(ticket=ticket)
    elif audience == "group" and row.opd_id:
        name = render.opd_name(svc.knowledge.knowledge, row.opd_id, row.kecamatan_name)
        to = texts.HELD_TO_GROUP.format(opd_name=escape(name), ticket=ticket)
    elif audience == "admin":
        to = texts.HELD_TO_ADMIN.format(chat=_masked(row.chat_id))
    else:
        to = texts.HELD_TO_UNKNOWN
    when = "-"
    if row.held_at is not None:
        when = f"{format_date(row.held_at)}, {row.held_at.astimezone(WIB):%H.%M} WIB"
    text = texts.HELD_ITEM.format(
        what=escape(texts.HELD_WHAT.get(row.kind, row.kind)),
        to=to,
        state=texts.HELD_STATE_UNCERTAIN if row.state == "uncertain" else texts.HELD_STATE_PARKED,
        reason=escape((row.reason or "-")[:300]),
        when=when,
    )
    if row.parts_sent:
        text += texts.HELD_ITEM_PARTS.format(parts=row.parts_sent)
    return text


def _buttons(row_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.BTN_HELD_RESEND,
                    callback_data=callbacks.data(callbacks.HELD, RESEND, str(row_id)),
                ),
                InlineKeyboardButton(
                    texts.BTN_HELD_DISMISS,
                    callback_data=callbacks.data(callbacks.HELD, DISMISS, str(row_id)),
                ),
            ]
        ]
    )


async def held_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tertahan: held messages, newest first, one message each with its buttons."""
    if await _refused(update, context):
        return
    message = update.effective_message
    assert message is not None
    svc = services(context)
    rows = await svc.outbox.held(limit=SHOWN)
    if not rows:
        await message.reply_text(texts.HELD_EMPTY)
        return
    total = await svc.outbox.held_count()
    await message.reply_text(texts.HELD_HEADER.format(count=total, shown=len(rows)))
    for row in rows:
        await message.reply_text(describe(row, svc), reply_markup=_buttons(row.id))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """h:kirim:<id> puts the row back in the queue; h:abaikan:<id> leaves it unsent."""
    query = update.callback_query
    assert query is not None
    if await _refused(update, context):
        return
    parts = callbacks.parts(query.data)
    if (
        len(parts) != 3
        or parts[1] not in (RESEND, DISMISS)
        or not parts[2].isdigit()
        or not isinstance(query.message, Message)
    ):
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    svc = services(context)
    row_id = int(parts[2])
    if parts[1] == RESEND:
        done = await svc.outbox.requeue(row_id, svc.complaints.clock())
        outcome = texts.HELD_RESENT
    else:
        done = await svc.outbox.dismiss(row_id)
        outcome = texts.HELD_DISMISSED
    if not done:  # pressed twice, or by two admins
        await query.answer(texts.HELD_ALREADY_HANDLED, show_alert=True)
        return
    user = update.effective_user
    log.info("outbox row %d: %s by admin %s", row_id, parts[1], user.id if user else "?")
    svc.wake_outbox()
    await query.answer(outcome)
    shown = query.message.text_html if query.message.text else ""
    await query.message.edit_text(f"{shown}\n\n<b>{outcome}</b>")
