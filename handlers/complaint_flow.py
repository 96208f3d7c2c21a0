"""Residents filing a complaint: category -> description -> location -> photos -> privacy
-> summary. State lives in the database (`draft`), so a restart or a silent resident who
comes back later loses nothing. `/batal` cancels at any step.

This module parses what the resident sent, asks the domain (`bot.services.complaints`:
steps, descriptions, anonymity, referral, submission) and replies with what
`bot.presentation.flow` shows for the step.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Message, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from bot.presentation import callbacks, render, texts
from bot.presentation import flow as view
from bot.services.complaints import drafts
from bot.services.complaints.drafts import Described, Draft, Photo
from bot.services.complaints.models import parse_time
from faq.formatting import escape
from handlers.context import Services, refuse_outside_private, services

log = logging.getLogger(__name__)

STALE_DRAFT = dt.timedelta(hours=1)


# -- entry points ---------------------------------------------------------------------
async def start(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    description: str | None = None,
    force_new: bool = False,
) -> None:
    """/lapor, the menu, the deep link, or a free-text message turned into a complaint."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    resident_id = await svc.complaints.drafts.resident_id(user.id, message.chat.id)
    existing = await svc.complaints.drafts.get(resident_id)
    if existing is not None and not force_new and description is None:
        text, markup = view.resume(existing.step)
        await message.reply_text(text, reply_markup=markup)
        return
    draft = Draft(resident_id=resident_id)
    assistant = svc.knowledge.assistant
    if description:
        draft.description, capped = drafts.cap(description)
        draft.suggested_category = assistant.suggest_category(description)
        if capped:
            await message.reply_text(texts.FLOW_DESCRIPTION_CAPPED)
    warn = drafts.needs_emergency_warning(draft, svc.knowledge, description or "")
    await svc.complaints.drafts.save(draft, update_id=update.update_id)
    if warn:
        await message.reply_text(texts.EMERGENCY)
    await prompt(message, draft, svc)


async def lapor_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await start(update, context)


async def cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    store = services(context).complaints.drafts
    resident_id, _ = await store.of(user.id)
    cancelled = resident_id is not None and await store.discard(resident_id)
    await message.reply_text(
        texts.FLOW_CANCELLED if cancelled else texts.FLOW_NOTHING_TO_CANCEL,
        reply_markup=ReplyKeyboardRemove(),
    )


# -- prompts --------------------------------------------------------------------------
async def prompt(message: Message, draft: Draft, svc: Services, *, reminder: bool = False) -> None:
    """Ask for what the current step needs."""
    # Only the summary says who will see the name (routing the draft costs a little).
    anonymous = draft.step == "confirm" and drafts.anonymous(draft, svc.knowledge)
    show = view.reminder if reminder else view.prompt
    text, markup = show(draft, svc.knowledge.knowledge, anonymous)
    await message.reply_text(text, reply_markup=markup)


async def _move_on(
    message: Message, draft: Draft, svc: Services, update_id: int | None = None
) -> None:
    drafts.advance(draft, svc.knowledge)
    await svc.complaints.drafts.save(draft, update_id=update_id)
    if draft.step == "confirm" and drafts.anonymous(draft, svc.knowledge):
        await message.reply_text(texts.FLOW_PRIVACY_SENSITIVE)
    await prompt(message, draft, svc)


async def _replayed(update: Update, message: Message, draft: Draft, svc: Services) -> bool:
    """The same update delivered again (after a crash): its effect is already stored (see
    `Drafts.save(update_id=...)`), so only the current step's prompt is repeated."""
    if not await svc.complaints.updates.applied(update.update_id):
        return False
    await prompt(message, draft, svc)
    return True


# -- messages inside the flow ---------------------------------------------------------
async def active_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Draft | None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    _, draft = await services(context).complaints.drafts.of(user.id)
    return draft


async def _stale(message: Message, draft: Draft, svc: Services, update_id: int) -> bool:
    """A resident back after a long silence is asked first, not assumed to continue."""
    updated = parse_time(draft.updated_at)
    if updated is None or svc.complaints.clock() - updated < STALE_DRAFT:
        return False
    # Touching it: the next message continues.
    await svc.complaints.drafts.save(draft, update_id=update_id)
    text, markup = view.resume(draft.step)
    await message.reply_text(text, reply_markup=markup)
    return True


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    svc = services(context)
    if await _replayed(update, message, draft, svc):
        return
    uid = update.update_id
    if await _stale(message, draft, svc, uid):
        return
    text = message.text.strip()
    if draft.step == "description":
        outcome = drafts.describe(draft, text)
        if outcome == Described.TOO_SHORT:
            await message.reply_text(
                texts.FLOW_DESCRIPTION_TOO_SHORT, reply_markup=view.cancel_only()
            )
        elif outcome == Described.MORE_EXPECTED:
            # The update id makes a continuation delivered twice count once.
            await svc.complaints.drafts.save(draft, update_id=uid)
            await prompt(message, draft, svc)
        else:
            if outcome == Described.CAPPED:
                await message.reply_text(texts.FLOW_DESCRIPTION_CAPPED)
            await _after_description(message, draft, svc, uid)
        return
    if draft.step == "location":
        await _typed_location(message, draft, svc, text, uid)
        return
    if draft.step == "contact" and text == texts.BTN_SKIP:
        drafts.share_contact(draft, None)
        await svc.complaints.drafts.save(draft, update_id=uid)
        await message.reply_text("👍", reply_markup=ReplyKeyboardRemove())
        await prompt(message, draft, svc)
        return
    await prompt(message, draft, svc, reminder=True)


async def _after_description(
    message: Message, draft: Draft, svc: Services, update_id: int | None = None
) -> None:
    if drafts.needs_emergency_warning(draft, svc.knowledge, draft.description):
        await message.reply_text(texts.EMERGENCY)
    await _move_on(message, draft, svc, update_id)


async def _typed_location(
    message: Message, draft: Draft, svc: Services, text: str, update_id: int
) -> None:
    resolution = svc.regions.resolve(text)
    if resolution.certain is not None:
        drafts.set_place(draft, resolution.certain.desa, resolution.certain.kecamatan, text)
        await _place_found(message, draft, svc, update_id)
    elif resolution.candidates:
        drafts.offer_places(draft, resolution.candidates, text)
        await svc.complaints.drafts.save(draft, update_id=update_id)
        await prompt(message, draft, svc)
    else:
        await message.reply_text(texts.FLOW_LOCATION_NOT_FOUND, reply_markup=view.skip_location())


async def _place_found(
    message: Message, draft: Draft, svc: Services, update_id: int | None = None
) -> None:
    await message.reply_text(texts.FLOW_LOCATION_FOUND.format(place=escape(draft.place or "")))
    await _move_on(message, draft, svc, update_id)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    message = update.effective_message
    assert message is not None and message.location is not None
    svc = services(context)
    if await _replayed(update, message, draft, svc):
        return
    if draft.step != "location":
        await prompt(message, draft, svc, reminder=True)
        return
    point = message.location
    found = svc.regions.locate(point.latitude, point.longitude)
    if found.kecamatan is None:
        await message.reply_text(texts.FLOW_LOCATION_OUTSIDE, reply_markup=view.skip_location())
        return
    draft.latitude, draft.longitude = point.latitude, point.longitude
    drafts.set_place(draft, found.desa, found.kecamatan, None)
    await _place_found(message, draft, svc, update.update_id)


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    message = update.effective_message
    assert message is not None and message.photo
    svc = services(context)
    if await _replayed(update, message, draft, svc):
        return
    if draft.step != "photos":
        await prompt(message, draft, svc, reminder=True)
        return
    # The largest size Telegram offers.
    added = drafts.add_photo(draft, message.photo[-1].file_id)
    if added == Photo.REPEATED:
        return
    if added in (Photo.FULL, Photo.LAST):
        await message.reply_text(texts.FLOW_PHOTO_LIMIT)
        await _move_on(message, draft, svc, update.update_id)  # stores the last photo too
        return
    # The update id makes a photo delivered twice count once.
    await svc.complaints.drafts.save(draft, update_id=update.update_id)
    await message.reply_text(
        texts.FLOW_PHOTO_RECEIVED.format(count=len(draft.photos)), reply_markup=view.more_photos()
    )


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.contact is not None and user is not None
    svc = services(context)
    if await _replayed(update, message, draft, svc):
        return
    if draft.step != "contact":
        await prompt(message, draft, svc, reminder=True)
        return
    if message.contact.user_id != user.id:
        await message.reply_text(texts.FLOW_CONTACT_NOT_YOURS)
        return
    drafts.share_contact(draft, message.contact.phone_number)
    await svc.complaints.drafts.save(draft, update_id=update.update_id)
    await message.reply_text("👍", reply_markup=ReplyKeyboardRemove())
    await prompt(message, draft, svc)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Stickers, voice notes, files... inside the flow: remind the resident of the step."""
    message = update.effective_message
    assert message is not None
    await prompt(message, draft, services(context), reminder=True)


# -- buttons --------------------------------------------------------------------------
async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button of the flow (see `bot.presentation.callbacks`)."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    if await refuse_outside_private(update):
        return
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    svc = services(context)
    prefix, _, rest = (query.data or "").partition(callbacks.SEPARATOR)
    resident_id, draft = await svc.complaints.drafts.of(user.id)
    if prefix == callbacks.SUMMARY and rest.startswith("kirim:"):
        await query.answer()
        await _confirm(update, context, draft, rest.removeprefix("kirim:"))
        return
    if draft is not None and await svc.complaints.updates.applied(update.update_id):
        await query.answer()  # the same press delivered again: it was applied once
        await prompt(message, draft, svc)
        return
    uid = update.update_id
    if prefix == callbacks.FLOW and rest == "baru":
        await query.answer()
        if resident_id is not None:
            await svc.complaints.drafts.discard(resident_id)
        await start(update, context, force_new=True)
        return
    if draft is None or resident_id is None:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    knowledge = svc.knowledge.knowledge
    if prefix == callbacks.FLOW:
        await _flow_button(message, draft, svc, rest, resident_id, uid)
    elif prefix == callbacks.CATEGORY and draft.step == "category" and rest in knowledge.categories:
        draft.category = rest
        if drafts.needs_emergency_warning(draft, svc.knowledge):
            await message.reply_text(texts.EMERGENCY)
        await _move_on(message, draft, svc, uid)
    elif prefix == callbacks.LOCATION and draft.step == "location":
        await _chosen_location(message, draft, svc, rest, uid)
    elif prefix == callbacks.PRIVACY and draft.step == "privacy" and rest in drafts.SHARES:
        drafts.choose_privacy(draft, rest, user.full_name)  # type: ignore[arg-type]
        if draft.step == "contact":
            await svc.complaints.drafts.save(draft, update_id=uid)
            await prompt(message, draft, svc)
        else:
            await _move_on(message, draft, svc, uid)
    elif prefix == callbacks.SUMMARY and rest == "ubah" and draft.step == "confirm":
        text, markup = view.edit_which()
        await message.reply_text(text, reply_markup=markup)
    elif prefix == callbacks.EDIT and drafts.edit_step(draft, rest):
        await svc.complaints.drafts.save(draft, update_id=uid)
        await prompt(message, draft, svc)
    else:
        await prompt(message, draft, svc, reminder=True)


async def _flow_button(
    message: Message, draft: Draft, svc: Services, action: str, resident_id: int, uid: int
) -> None:
    if action == "batal":
        await svc.complaints.drafts.discard(resident_id)
        await message.edit_reply_markup(reply_markup=None)
        await message.reply_text(texts.FLOW_CANCELLED, reply_markup=ReplyKeyboardRemove())
    elif action == "lanjut":
        await prompt(message, draft, svc)
    elif action == "lewatilokasi" and draft.step == "location":
        draft.location_options = []
        await _move_on(message, draft, svc, uid)
    elif action == "fotoselesai" and draft.step == "photos":
        await _move_on(message, draft, svc, uid)
    elif action == "uraianselesai" and draft.step == "description" and draft.description:
        await _after_description(message, draft, svc, uid)
    elif action == "tetap" and draft.step == "confirm":
        draft.referral_ok = True
        await svc.complaints.drafts.save(draft, update_id=uid)
        await prompt(message, draft, svc)
    else:
        await prompt(message, draft, svc, reminder=True)


async def _chosen_location(
    message: Message, draft: Draft, svc: Services, key: str, uid: int
) -> None:
    if drafts.choose_place(draft, key, svc.regions):
        await _place_found(message, draft, svc, uid)
    else:
        await prompt(message, draft, svc, reminder=True)


async def _confirm(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft | None, nonce: str
) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and isinstance(query.message, Message) and user is not None
    message = query.message
    svc = services(context)
    if draft is None or draft.nonce != nonce:
        # Pressed twice, or an old summary: answer with the ticket it already produced.
        complaint = await svc.complaints.by_draft_nonce(nonce)
        owner = await svc.complaints.drafts.find_resident(user.id)
        if complaint is None or complaint.resident_id != owner:  # a forwarded summary
            await message.reply_text(texts.STALE_BUTTON)
            return
        await message.reply_text(render.submitted_again(complaint))
        return
    if draft.step != "confirm":
        await prompt(message, draft, svc, reminder=True)
        return
    referral = None if draft.referral_ok else drafts.referral(draft, svc.knowledge)
    if referral is not None:
        text, markup = view.referral(referral)
        await message.reply_text(text, reply_markup=markup)
        return
    submission = await svc.complaints.submissions.submit(draft)
    svc.wake_outbox()
    complaint = submission.complaint
    try:
        await message.edit_reply_markup(reply_markup=None)
    except Exception:  # the summary may be too old to edit; the ticket matters more
        log.debug("could not clear the summary buttons", exc_info=True)
    if not submission.created:
        await message.reply_text(render.submitted_again(complaint))
        return
    await message.reply_text(
        render.submitted(complaint, svc.knowledge.knowledge),
        reply_markup=ReplyKeyboardRemove(),
    )
    log.info("complaint %s stored for %s", complaint.ticket, svc.complaints.destination(complaint))
