"""Admins: messages the outbox holds back (/tertahan), each with "Kirim ulang" / "Abaikan".

A row is held when Telegram refused it (parked) or when it may or may not have arrived
(uncertain: the request went out, the answer was lost). The bot never resends an uncertain
row by itself, since that could deliver it twice; an admin decides here. Only admins see
the list or may press its buttons.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.presentation import callbacks, texts
from bot.presentation import held as view
from handlers.admin import refused
from handlers.context import services

log = logging.getLogger(__name__)

SHOWN = 10  # rows listed per /tertahan, newest first


async def held_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tertahan: held messages, newest first, one message each with its buttons."""
    if await refused(update, context):
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
        await message.reply_text(
            view.describe(row, svc.knowledge.knowledge), reply_markup=view.buttons(row.id)
        )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """h:kirim:<id> puts the row back in the queue; h:abaikan:<id> leaves it unsent."""
    query = update.callback_query
    assert query is not None
    if await refused(update, context):
        return
    parts = callbacks.parts(query.data)
    if (
        len(parts) != 3
        or parts[1] not in (view.RESEND, view.DISMISS)
        or not parts[2].isdigit()
        or not isinstance(query.message, Message)
    ):
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    svc = services(context)
    row_id = int(parts[2])
    if parts[1] == view.RESEND:
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
