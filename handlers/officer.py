"""OPD officers in their Telegram group: card buttons, notes, and replies to residents.

Only the group linked to a complaint's current OPD can act on it; anything else is
refused with the reason and changes nothing.
"""

from __future__ import annotations

import logging

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.presentation import callbacks, render, texts
from bot.services.complaints.models import TRANSITIONS, Action, Officer, officer_action
from faq.formatting import escape
from handlers.context import services

log = logging.getLogger(__name__)

GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
MAX_NOTE_CHARS = 1000  # a resolution note or a reason: short enough for one notice


def _officer(update: Update) -> Officer:
    user = update.effective_user
    assert user is not None
    return Officer(user.id, user.full_name)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """k:<ticket>:<action>[:<target>] from a card or the Alihkan chooser."""
    query = update.callback_query
    assert query is not None
    message = query.message if isinstance(query.message, Message) else None
    parts = callbacks.parts(query.data)
    if message is None or message.chat.type not in GROUP_TYPES or len(parts) not in (3, 4):
        await query.answer(texts.OFFICER_REFUSED["wrong_group"], show_alert=True)
        return
    _, ticket, action, *rest = parts
    target = rest[0] if rest else None
    svc = services(context)
    if await svc.complaints.updates.applied(update.update_id):
        await query.answer()  # the same press delivered again: it was applied once
        return
    complaint = await svc.complaints.by_ticket(ticket)
    if complaint is None:
        await query.answer(texts.OFFICER_REFUSED["unknown"], show_alert=True)
        return
    officer = _officer(update)
    if action == "batal":
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        return
    chosen = officer_action(action)
    if chosen is None:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    # The card itself must be the complaint's current card; choosers are follow-ups to it.
    from_card = target is None
    if from_card and complaint.card_message_id is None and _is_our_card(message, ticket, context):
        # Delivered just before a crash, never recorded: this press proves where it is.
        if await svc.complaints.cards.adopt_card(complaint, message.chat.id, message.message_id):
            complaint = await svc.complaints.by_ticket(ticket) or complaint
    refusal = await svc.complaints.workflow.refusal(
        complaint, action, message.chat.id, message.message_id if from_card else None
    )
    if refusal is not None:
        await query.answer(render.refusal(refusal, complaint), show_alert=True)
        return
    if TRANSITIONS[chosen].needs_note:
        await query.answer()
        prompt = await message.reply_text(
            texts.OFFICER_PROMPT[action].format(
                name=escape(officer.name),
                ticket=ticket,
                opd_name=escape(
                    render.opd_name(
                        svc.knowledge.knowledge, complaint.opd_id, complaint.kecamatan_name
                    )
                ),
            ),
            reply_markup=ForceReply(selective=True),
        )
        await svc.complaints.workflow.prompt_officer(
            prompt.chat.id,
            prompt.message_id,
            complaint.id,
            action,
            officer.id,
            update_id=update.update_id,
        )
        return
    if chosen == Action.ALIHKAN and target is None:
        await query.answer()
        targets = svc.complaints.workflow.move_targets(complaint)
        markup = render.move_buttons(complaint, targets, svc.knowledge.knowledge)
        await message.reply_text(
            texts.OFFICER_MOVE_CHOOSE.format(ticket=ticket),
            reply_markup=InlineKeyboardMarkup.de_json(markup, context.bot),
        )
        return
    result = await svc.complaints.workflow.officer_action(
        ticket,
        action,
        officer,
        message.chat.id,
        target=target,
        card_message_id=message.message_id if from_card else None,
        update_id=update.update_id,
    )
    if not result.ok:
        await query.answer(render.refusal(result.reason, result.complaint), show_alert=True)
        return
    svc.wake_outbox()
    await query.answer(
        texts.OFFICER_DONE.format(ticket=ticket, what=texts.OFFICER_WHAT[action], name=officer.name)
    )
    if not from_card:
        await message.edit_text(
            texts.OFFICER_DONE.format(
                ticket=ticket, what=texts.OFFICER_WHAT[action], name=escape(officer.name)
            )
        )
    log.info("complaint %s: %s by officer in chat %s", ticket, action, message.chat.id)


def _is_our_card(message: Message, ticket: str, context: ContextTypes.DEFAULT_TYPE) -> bool:
    sender = message.from_user
    return (
        sender is not None
        and sender.id == context.bot.id
        and f"Pengaduan {ticket}" in (message.text or "")
    )


async def on_group_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An officer replies to a prompt (note/reason) or to a card (a question for the resident)."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    svc = services(context)
    text = (message.text or message.caption or "").strip()
    replied = message.reply_to_message.message_id
    pending = await svc.complaints.workflow.officer_prompt(message.chat.id, replied)
    if pending is not None:
        complaint_id, action = pending
        complaint = await svc.complaints.get(complaint_id)
        if complaint is None:
            return
        if not text:
            await message.reply_text(texts.OFFICER_NOTE_EMPTY)
            return
        if len(text) > MAX_NOTE_CHARS:
            # The note goes to the resident in one message with their rating buttons.
            await message.reply_text(texts.OFFICER_NOTE_TOO_LONG.format(limit=MAX_NOTE_CHARS))
            return
        officer = _officer(update)
        result = await svc.complaints.workflow.officer_action(
            complaint.ticket,
            action,
            officer,
            message.chat.id,
            note=text,
            update_id=update.update_id,
        )
        if not result.ok:
            await message.reply_text(render.refusal(result.reason, result.complaint))
            return
        svc.wake_outbox()
        await message.reply_text(
            texts.OFFICER_DONE.format(
                ticket=complaint.ticket, what=texts.OFFICER_WHAT[action], name=escape(officer.name)
            )
        )
        return
    complaint = await svc.complaints.cards.complaint_of_message(message.chat.id, replied)
    if complaint is None or not text:
        return
    refused = await svc.complaints.workflow.relay_from_officer(
        complaint, _officer(update), message.chat.id, text, update_id=update.update_id
    )
    if refused == "closed":
        await message.reply_text(texts.OFFICER_RELAY_CLOSED.format(ticket=complaint.ticket))
        return
    if refused is not None:
        await message.reply_text(texts.OFFICER_REFUSED[refused])
        return
    svc.wake_outbox()
    await message.reply_text(texts.OFFICER_RELAYED.format(ticket=complaint.ticket))
