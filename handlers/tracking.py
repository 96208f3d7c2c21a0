"""Residents following their complaints: /status, ratings, reopening, replies to officers."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.presentation import callbacks, render, texts
from bot.services.calendar import format_date
from bot.services.tickets import normalize_ticket
from faq.formatting import escape, split_html
from handlers.context import refuse_outside_private, services


async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    resident_id = await svc.complaints.drafts.find_resident(user.id)
    if context.args:
        ticket = normalize_ticket("".join(context.args))
        if ticket is None:
            await message.reply_text(texts.STATUS_BAD_TICKET)
            return
        complaint = await svc.complaints.by_ticket(ticket)
        # Someone else's ticket looks exactly like a ticket that does not exist.
        if complaint is None or resident_id is None or complaint.resident_id != resident_id:
            await message.reply_text(texts.STATUS_NOT_FOUND.format(ticket=escape(ticket)))
            return
        events = await svc.complaints.timeline(complaint.id)
        detail = render.status_detail(complaint, events, svc.knowledge.knowledge)
        for part in split_html(detail):
            await message.reply_text(part)
        return
    await show_list(message, resident_id, context)


async def show_list(
    message: Message, resident_id: int | None, context: ContextTypes.DEFAULT_TYPE
) -> None:
    svc = services(context)
    complaints = await svc.complaints.for_resident(resident_id) if resident_id else []
    if not complaints:
        await message.reply_text(texts.STATUS_NONE)
        return
    knowledge = svc.knowledge.knowledge
    lines = [texts.STATUS_LIST]
    for complaint in complaints:
        lines.append(
            texts.STATUS_LIST_ITEM.format(
                ticket=complaint.ticket,
                category=escape(render.category_label(knowledge, complaint.category)),
                status=texts.STATUS_LABELS[complaint.status],
                date=format_date(complaint.created_at),
            )
        )
    for part in split_html("\n".join(lines)):
        await message.reply_text(part)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """r:<ticket>:<1-5> rates a finished complaint; r:<ticket>:buka reopens it."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    if await refuse_outside_private(update):
        return
    message = query.message if isinstance(query.message, Message) else None
    parts = callbacks.parts(query.data)
    svc = services(context)
    if message is None or len(parts) != 3:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    _, ticket, choice = parts
    resident_id = await svc.complaints.drafts.find_resident(user.id)
    complaint = await svc.complaints.by_ticket(ticket)
    if complaint is None or resident_id is None or complaint.resident_id != resident_id:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    if choice == "buka":
        result = await svc.complaints.workflow.reopen(complaint, resident_id, None)
        reply = texts.REOPENED
    elif choice in ("1", "2", "3", "4", "5"):
        result = await svc.complaints.workflow.rate(complaint, resident_id, int(choice))
        reply = texts.RATED
    else:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    if not result.ok or result.complaint is None:
        await query.answer(texts.ACTION_NOT_ALLOWED_RESIDENT, show_alert=True)
        return
    svc.wake_outbox()
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    name = render.opd_name(
        svc.knowledge.knowledge, result.complaint.opd_id, result.complaint.kecamatan_name
    )
    sent = await message.reply_text(reply.format(ticket=ticket, opd_name=escape(name)))
    await svc.complaints.cards.remember_message(
        sent.chat.id, sent.message_id, complaint.id, "resident"
    )


async def reply_to_officer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A resident's reply to a message about a complaint goes to the OPD group.
    Returns False when the message is not such a reply."""
    message = update.effective_message
    if message is None or message.reply_to_message is None or not message.text:
        return False
    svc = services(context)
    complaint = await svc.complaints.cards.complaint_of_message(
        message.chat.id, message.reply_to_message.message_id
    )
    if complaint is None:
        return False
    user = update.effective_user
    resident_id = await svc.complaints.drafts.find_resident(user.id) if user else None
    if complaint.resident_id != resident_id:
        return False
    if complaint.status == "ditutup":
        await message.reply_text(texts.RESIDENT_REPLY_CLOSED)
        return True
    await svc.complaints.workflow.relay_from_resident(
        complaint, message.text, update_id=update.update_id
    )
    svc.wake_outbox()
    await message.reply_text(texts.RESIDENT_REPLY_SENT)
    return True
