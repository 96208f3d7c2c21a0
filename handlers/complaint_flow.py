"""Residents filing a complaint: category -> description -> location -> photos -> privacy
-> summary. State lives in the database (`draft`), so a restart or a silent resident who
comes back later loses nothing. `/batal` cancels at any step.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ContextTypes

from bot import render, texts
from bot.services.calendar import format_date
from bot.services.complaints import KECAMATAN_OPD, Draft, parse_time
from bot.services.regions import Desa, Kecamatan
from bot.services.router import TRIAGE_OPD
from faq.formatting import escape
from handlers.context import Services, refuse_outside_private, services

log = logging.getLogger(__name__)

MIN_DESCRIPTION_CHARS = 15
MIN_DESCRIPTION_WORDS = 3
# Telegram cuts a paste longer than 4,096 characters into several messages.
CONTINUATION_THRESHOLD = 3900
STALE_DRAFT = dt.timedelta(hours=1)
MAX_PHOTOS = 3

# Callback data prefixes of the flow.
CATEGORY, LOCATION, PRIVACY, SUMMARY, EDIT, FLOW = "c", "l", "p", "s", "e", "x"


def _kb(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


CANCEL_ROW = [(texts.BTN_CANCEL, f"{FLOW}:batal")]


# -- entry points ---------------------------------------------------------------------
async def start(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    description: str | None = None,
    force_new: bool = False,
) -> None:
    """/lapor, the menu, the deep link, or a free-text message turned into a complaint."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    resident_id = await svc.complaints.resident_id(user.id, message.chat.id)
    existing = await svc.complaints.draft(resident_id)
    if existing is not None and not force_new and description is None:
        await message.reply_text(
            texts.FLOW_RESUME.format(step=texts.FLOW_STEP_NAMES.get(existing.step, existing.step)),
            reply_markup=_kb(
                [[(texts.BTN_CONTINUE, f"{FLOW}:lanjut")], [(texts.BTN_RESTART, f"{FLOW}:baru")]]
            ),
        )
        return
    draft = Draft(resident_id=resident_id)
    assistant = svc.knowledge.assistant
    if description:
        draft.description = description
        draft.suggested_category = assistant.suggest_category(description)
    await svc.complaints.save_draft(draft)
    if description and assistant.is_emergency(description):
        draft.emergency_warned = True
        await svc.complaints.save_draft(draft)
        await message.reply_text(texts.EMERGENCY)
    await prompt(message, draft, svc)


async def lapor_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await start(update, context)


async def cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    resident_id = await svc.complaints.find_resident(user.id)
    cancelled = resident_id is not None and await svc.complaints.discard_draft(resident_id)
    await message.reply_text(
        texts.FLOW_CANCELLED if cancelled else texts.FLOW_NOTHING_TO_CANCEL,
        reply_markup=ReplyKeyboardRemove(),
    )


# -- prompts --------------------------------------------------------------------------
async def prompt(message: Message, draft: Draft, svc: Services, *, reminder: bool = False) -> None:
    """Ask for what the current step needs."""
    text, markup = _prompt_for(draft, svc)
    if reminder:
        step = texts.FLOW_STEP_NAMES.get(draft.step, draft.step)
        text = texts.FLOW_REMINDER.format(step=step, prompt=text)
    await message.reply_text(text, reply_markup=markup)


def _prompt_for(
    draft: Draft, svc: Services
) -> tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup]:
    knowledge = svc.knowledge.knowledge
    step = draft.step
    if step == "category":
        categories = list(knowledge.categories.values())
        if draft.suggested_category:
            categories.sort(key=lambda c: c.id != draft.suggested_category)
        buttons = [
            (
                (texts.CATEGORY_SUGGESTED_MARK if c.id == draft.suggested_category else "")
                + c.label,
                f"{CATEGORY}:{c.id}",
            )
            for c in categories
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        text = texts.FLOW_CATEGORY
        suggested = knowledge.categories.get(draft.suggested_category or "")
        if suggested is not None:
            text += "\n" + texts.FLOW_CATEGORY_SUGGESTED.format(label=escape(suggested.label))
        return text, _kb([*rows, CANCEL_ROW])
    if step == "description":
        if draft.description:
            return texts.FLOW_DESCRIPTION_CONTINUE, _kb(
                [[(texts.BTN_DESCRIPTION_DONE, f"{FLOW}:uraianselesai")], CANCEL_ROW]
            )
        return texts.FLOW_DESCRIPTION, _kb([CANCEL_ROW])
    if step == "location":
        if draft.location_options:
            rows = [[(o["label"], f"{LOCATION}:{o['key']}")] for o in draft.location_options]
            return texts.FLOW_LOCATION_CHOOSE, _kb(
                [*rows, [(texts.BTN_SKIP, f"{FLOW}:lewatilokasi")], CANCEL_ROW]
            )
        return texts.FLOW_LOCATION, _kb([[(texts.BTN_SKIP, f"{FLOW}:lewatilokasi")], CANCEL_ROW])
    if step == "photos":
        if draft.photos:
            label, data = texts.BTN_DONE_PHOTOS, f"{FLOW}:fotoselesai"
        else:
            label, data = texts.BTN_NO_PHOTOS, f"{FLOW}:fotoselesai"
        return texts.FLOW_PHOTOS, _kb([[(label, data)], CANCEL_ROW])
    if step == "privacy":
        return texts.FLOW_PRIVACY, _kb(
            [
                [(texts.BTN_ANON, f"{PRIVACY}:anon")],
                [(texts.BTN_SHARE_NAME, f"{PRIVACY}:name")],
                [(texts.BTN_SHARE_NAME_PHONE, f"{PRIVACY}:name_phone")],
                CANCEL_ROW,
            ]
        )
    if step == "contact":
        return texts.FLOW_CONTACT, ReplyKeyboardMarkup(
            [
                [KeyboardButton(texts.BTN_SEND_CONTACT, request_contact=True)],
                [KeyboardButton(texts.BTN_SKIP)],
            ],
            one_time_keyboard=True,
            resize_keyboard=True,
        )
    return _summary(draft, svc)


def _summary(draft: Draft, svc: Services) -> tuple[str, InlineKeyboardMarkup]:
    knowledge = svc.knowledge.knowledge
    category = knowledge.categories.get(draft.category or "")
    sensitive = _sensitive(draft, svc)
    identity = {
        "anon": texts.FLOW_IDENTITY_ANON,
        "name": texts.FLOW_IDENTITY_NAME,
        "name_phone": texts.FLOW_IDENTITY_NAME_PHONE,
    }[draft.share if not sensitive else "anon"]
    description = draft.description
    if len(description) > 1500:  # the summary must fit one message; the ticket keeps it all
        description = description[:1500] + " …"
    text = texts.FLOW_SUMMARY.format(
        category=escape(category.label if category else "-"),
        location=escape(_place(draft) or texts.FLOW_NO_LOCATION),
        photos=len(draft.photos) or "tidak ada",
        identity=identity,
        description=escape(description),
    )
    return text, _kb(
        [
            [(texts.BTN_CONFIRM, f"{SUMMARY}:kirim:{draft.nonce}")],
            [(texts.BTN_EDIT, f"{SUMMARY}:ubah")],
            CANCEL_ROW,
        ]
    )


def _place(draft: Draft) -> str | None:
    if draft.desa_name and draft.kecamatan_name:
        return f"{draft.desa_name}, Kec. {draft.kecamatan_name}"
    if draft.kecamatan_name:
        return f"Kec. {draft.kecamatan_name}"
    return draft.location_text


def _sensitive(draft: Draft, svc: Services) -> bool:
    category = svc.knowledge.knowledge.categories.get(draft.category or "")
    return bool(category and category.sensitive)


def _advance(draft: Draft, svc: Services) -> None:
    """Move to the next step that still needs an answer."""
    if draft.editing:
        draft.step = "confirm"
        draft.editing = False
        return
    order = ["category", "description", "location", "photos", "privacy", "confirm"]
    index = order.index(draft.step) if draft.step in order else len(order) - 1
    next_step = order[min(index + 1, len(order) - 1)]
    if next_step == "description" and len(draft.description) >= MIN_DESCRIPTION_CHARS:
        next_step = "location"  # the text that started the flow is the description
    if next_step == "privacy" and _sensitive(draft, svc):
        draft.share = "anon"
        next_step = "confirm"
    draft.step = next_step


async def _move_on(message: Message, draft: Draft, svc: Services) -> None:
    _advance(draft, svc)
    await svc.complaints.save_draft(draft)
    if draft.step == "confirm" and _sensitive(draft, svc):
        await message.reply_text(texts.FLOW_PRIVACY_SENSITIVE)
    await prompt(message, draft, svc)


# -- messages inside the flow ---------------------------------------------------------
async def active_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Draft | None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    svc = services(context)
    resident_id = await svc.complaints.find_resident(user.id)
    return await svc.complaints.draft(resident_id) if resident_id is not None else None


async def _stale(message: Message, draft: Draft, svc: Services) -> bool:
    """A resident back after a long silence is asked first, not assumed to continue."""
    updated = parse_time(draft.updated_at)
    if updated is None or svc.complaints.clock() - updated < STALE_DRAFT:
        return False
    await svc.complaints.save_draft(draft)  # touching it: the next message continues
    await message.reply_text(
        texts.FLOW_RESUME.format(step=texts.FLOW_STEP_NAMES.get(draft.step, draft.step)),
        reply_markup=_kb(
            [[(texts.BTN_CONTINUE, f"{FLOW}:lanjut")], [(texts.BTN_RESTART, f"{FLOW}:baru")]]
        ),
    )
    return True


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    svc = services(context)
    if await _stale(message, draft, svc):
        return
    text = message.text.strip()
    if draft.step == "description":
        if draft.description:  # a continuation of a long paste
            draft.description = f"{draft.description}\n{text}"
        elif not _meaningful(text):
            await message.reply_text(
                texts.FLOW_DESCRIPTION_TOO_SHORT, reply_markup=_kb([CANCEL_ROW])
            )
            return
        else:
            draft.description = text
        if len(text) >= CONTINUATION_THRESHOLD:
            await svc.complaints.save_draft(draft)
            await prompt(message, draft, svc)
            return
        await _after_description(message, draft, svc)
        return
    if draft.step == "location":
        await _typed_location(message, draft, svc, text)
        return
    if draft.step == "contact" and text == texts.BTN_SKIP:
        draft.share = "name"
        draft.step = "confirm"
        await svc.complaints.save_draft(draft)
        text, markup = _summary(draft, svc)
        await message.reply_text("👍", reply_markup=ReplyKeyboardRemove())
        await message.reply_text(text, reply_markup=markup)
        return
    await prompt(message, draft, svc, reminder=True)


def _meaningful(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters >= MIN_DESCRIPTION_CHARS * 0.6 and len(text.split()) >= MIN_DESCRIPTION_WORDS


async def _after_description(message: Message, draft: Draft, svc: Services) -> None:
    assistant = svc.knowledge.assistant
    if not draft.emergency_warned and assistant.is_emergency(draft.description):
        draft.emergency_warned = True
        await message.reply_text(texts.EMERGENCY)
    await _move_on(message, draft, svc)


async def _typed_location(message: Message, draft: Draft, svc: Services, text: str) -> None:
    resolution = svc.regions.resolve(text)
    if resolution.certain is not None:
        _set_place(draft, resolution.certain.desa, resolution.certain.kecamatan, text)
        await message.reply_text(
            texts.FLOW_LOCATION_FOUND.format(place=escape(_place(draft) or ""))
        )
        await _move_on(message, draft, svc)
        return
    if resolution.candidates:
        draft.location_options = []
        for match in resolution.candidates[:5]:
            if match.desa is not None:
                key = f"d{match.desa.code}"
                label = f"{match.desa.name}, Kec. {match.kecamatan.name}"
            else:
                key = f"k{match.kecamatan.code}"
                label = f"Kecamatan {match.kecamatan.name}"
            draft.location_options.append({"key": key, "label": label})
        draft.location_text = text[:200]
        await svc.complaints.save_draft(draft)
        await prompt(message, draft, svc)
        return
    await message.reply_text(
        texts.FLOW_LOCATION_NOT_FOUND,
        reply_markup=_kb([[(texts.BTN_SKIP, f"{FLOW}:lewatilokasi")], CANCEL_ROW]),
    )


def _set_place(
    draft: Draft, desa: Desa | None, kecamatan: Kecamatan | None, text: str | None
) -> None:
    draft.desa_code = desa.code if desa else None
    draft.desa_name = desa.name if desa else None
    draft.kecamatan_code = kecamatan.code if kecamatan else None
    draft.kecamatan_name = kecamatan.name if kecamatan else None
    draft.location_text = text[:200] if text else draft.location_text
    draft.location_options = []


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    message = update.effective_message
    assert message is not None and message.location is not None
    svc = services(context)
    if draft.step != "location":
        await prompt(message, draft, svc, reminder=True)
        return
    point = message.location
    found = svc.regions.locate(point.latitude, point.longitude)
    if found.kecamatan is None:
        await message.reply_text(
            texts.FLOW_LOCATION_OUTSIDE,
            reply_markup=_kb([[(texts.BTN_SKIP, f"{FLOW}:lewatilokasi")], CANCEL_ROW]),
        )
        return
    draft.latitude, draft.longitude = point.latitude, point.longitude
    _set_place(draft, found.desa, found.kecamatan, None)
    await message.reply_text(texts.FLOW_LOCATION_FOUND.format(place=escape(_place(draft) or "")))
    await _move_on(message, draft, svc)


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    message = update.effective_message
    assert message is not None and message.photo
    svc = services(context)
    if draft.step != "photos":
        await prompt(message, draft, svc, reminder=True)
        return
    if len(draft.photos) >= MAX_PHOTOS:
        await message.reply_text(texts.FLOW_PHOTO_LIMIT)
        await _move_on(message, draft, svc)
        return
    file_id = message.photo[-1].file_id  # the largest size Telegram offers
    if file_id in draft.photos:  # the same update again (e.g. redelivered after a restart)
        return
    draft.photos.append(file_id)
    await svc.complaints.save_draft(draft)
    if len(draft.photos) >= MAX_PHOTOS:
        await message.reply_text(texts.FLOW_PHOTO_LIMIT)
        await _move_on(message, draft, svc)
        return
    await message.reply_text(
        texts.FLOW_PHOTO_RECEIVED.format(count=len(draft.photos)),
        reply_markup=_kb([[(texts.BTN_DONE_PHOTOS, f"{FLOW}:fotoselesai")], CANCEL_ROW]),
    )


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.contact is not None and user is not None
    svc = services(context)
    if draft.step != "contact":
        await prompt(message, draft, svc, reminder=True)
        return
    if message.contact.user_id != user.id:
        await message.reply_text(texts.FLOW_CONTACT_NOT_YOURS)
        return
    draft.reporter_phone = message.contact.phone_number
    draft.share = "name_phone"
    draft.step = "confirm"
    await svc.complaints.save_draft(draft)
    await message.reply_text("👍", reply_markup=ReplyKeyboardRemove())
    await prompt(message, draft, svc)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Stickers, voice notes, files... inside the flow: remind the resident of the step."""
    message = update.effective_message
    assert message is not None
    await prompt(message, draft, services(context), reminder=True)


# -- buttons --------------------------------------------------------------------------
async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    if await refuse_outside_private(update):
        return
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    svc = services(context)
    prefix, _, rest = (query.data or "").partition(":")
    resident_id = await svc.complaints.find_resident(user.id)
    draft = await svc.complaints.draft(resident_id) if resident_id is not None else None
    if prefix == SUMMARY and rest.startswith("kirim:"):
        await query.answer()
        await _confirm(update, context, draft, rest.removeprefix("kirim:"))
        return
    if prefix == FLOW and rest == "baru":
        await query.answer()
        if resident_id is not None:
            await svc.complaints.discard_draft(resident_id)
        await start(update, context, force_new=True)
        return
    if draft is None or resident_id is None:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    if prefix == FLOW:
        await _flow_button(message, draft, svc, rest, resident_id)
    elif (
        prefix == CATEGORY
        and draft.step == "category"
        and rest in svc.knowledge.knowledge.categories
    ):
        draft.category = rest
        category = svc.knowledge.knowledge.categories[rest]
        if category.emergency and not draft.emergency_warned:
            draft.emergency_warned = True
            await message.reply_text(texts.EMERGENCY)
        await _move_on(message, draft, svc)
    elif prefix == LOCATION and draft.step == "location":
        await _chosen_location(message, draft, svc, rest)
    elif prefix == PRIVACY and draft.step == "privacy" and rest in ("anon", "name", "name_phone"):
        draft.share = rest  # type: ignore[assignment]
        draft.reporter_name = user.full_name if rest != "anon" else None
        if rest == "name_phone":
            draft.step = "contact"
            await svc.complaints.save_draft(draft)
            await prompt(message, draft, svc)
            return
        await _move_on(message, draft, svc)
    elif prefix == SUMMARY and rest == "ubah" and draft.step == "confirm":
        rows = [[(label, f"{EDIT}:{step}")] for step, label in texts.EDIT_LABELS.items()]
        await message.reply_text(texts.FLOW_EDIT_WHICH, reply_markup=_kb(rows))
    elif prefix == EDIT and rest in texts.EDIT_LABELS and draft.step == "confirm":
        draft.step = rest
        draft.editing = True
        if rest == "description":
            draft.description = ""
        if rest == "photos":
            draft.photos = []
        await svc.complaints.save_draft(draft)
        await prompt(message, draft, svc)
    else:
        await prompt(message, draft, svc, reminder=True)


async def _flow_button(
    message: Message, draft: Draft, svc: Services, action: str, resident_id: int
) -> None:
    if action == "batal":
        await svc.complaints.discard_draft(resident_id)
        await message.edit_reply_markup(reply_markup=None)
        await message.reply_text(texts.FLOW_CANCELLED, reply_markup=ReplyKeyboardRemove())
    elif action == "lanjut":
        await prompt(message, draft, svc)
    elif action == "lewatilokasi" and draft.step == "location":
        draft.location_options = []
        await _move_on(message, draft, svc)
    elif action == "fotoselesai" and draft.step == "photos":
        await _move_on(message, draft, svc)
    elif action == "uraianselesai" and draft.step == "description" and draft.description:
        await _after_description(message, draft, svc)
    elif action == "tetap" and draft.step == "confirm":
        draft.referral_ok = True
        await svc.complaints.save_draft(draft)
        await prompt(message, draft, svc)
    else:
        await prompt(message, draft, svc, reminder=True)


async def _chosen_location(message: Message, draft: Draft, svc: Services, key: str) -> None:
    if not any(o["key"] == key for o in draft.location_options):
        await prompt(message, draft, svc, reminder=True)
        return
    if key.startswith("d"):
        desa = svc.regions.desa_by_code(key[1:])
        kecamatan = svc.regions.kecamatan_by_code(desa.kecamatan_code) if desa else None
    else:
        desa, kecamatan = None, svc.regions.kecamatan_by_code(key[1:])
    if kecamatan is None:
        await prompt(message, draft, svc, reminder=True)
        return
    _set_place(draft, desa, kecamatan, None)
    await message.reply_text(texts.FLOW_LOCATION_FOUND.format(place=escape(_place(draft) or "")))
    await _move_on(message, draft, svc)


async def _confirm(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft | None, nonce: str
) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    message = query.message
    svc = services(context)
    if draft is None or draft.nonce != nonce:
        # Pressed twice, or an old summary: answer with the ticket it already produced.
        complaint = await svc.complaints.by_draft_nonce(nonce)
        owner = await svc.complaints.find_resident(update.effective_user.id)
        if complaint is None or complaint.resident_id != owner:  # a forwarded summary
            await message.reply_text(texts.STALE_BUTTON)
            return
        await message.reply_text(
            texts.SUBMITTED_DUPLICATE.format(
                ticket=complaint.ticket, status=texts.STATUS_LABELS[complaint.status].lower()
            )
        )
        return
    if draft.step != "confirm":
        await prompt(message, draft, svc, reminder=True)
        return
    referral = None if draft.referral_ok else _referral(draft, svc)
    if referral is not None:
        await message.reply_text(
            referral,
            reply_markup=_kb([[(texts.BTN_FILE_ANYWAY, f"{FLOW}:tetap")], CANCEL_ROW]),
        )
        return
    submission = await svc.complaints.submit(draft)
    svc.wake_outbox()
    complaint = submission.complaint
    try:
        await message.edit_reply_markup(reply_markup=None)
    except Exception:  # the summary may be too old to edit; the ticket matters more
        log.debug("could not clear the summary buttons", exc_info=True)
    if not submission.created:
        await message.reply_text(
            texts.SUBMITTED_DUPLICATE.format(
                ticket=complaint.ticket, status=texts.STATUS_LABELS[complaint.status].lower()
            )
        )
        return
    knowledge = svc.knowledge.knowledge
    if complaint.opd_id == TRIAGE_OPD and complaint.triage_reason:
        opd_name = texts.SUBMITTED_TRIAGE_OPD
    else:
        opd_name = escape(render.opd_name(knowledge, complaint.opd_id, complaint.kecamatan_name))
    due = svc.complaints.delivery_due(svc.complaints.clock())
    await message.reply_text(
        texts.SUBMITTED.format(ticket=complaint.ticket, opd_name=opd_name, due=format_date(due)),
        reply_markup=ReplyKeyboardRemove(),
    )
    log.info("complaint %s stored for %s", complaint.ticket, complaint.destination)


def _referral(draft: Draft, svc: Services) -> str | None:
    """A matter for a body outside the kabupaten gets a referral instead of a ticket."""
    knowledge = svc.knowledge.knowledge
    category = knowledge.categories.get(draft.category or "")
    if category is not None and category.opd:
        return None  # the resident chose a Pemkab matter
    route = svc.knowledge.assistant.router.route(draft.description)
    if not route.confident or route.opd is None or route.opd == KECAMATAN_OPD:
        return None
    opd = knowledge.opds.get(route.opd)
    if opd is None or not opd.is_external:
        return None
    contact = "".join(
        texts.REFERRAL_CONTACT.format(value=escape(value))
        for value in (opd.contact.phone, opd.contact.online)
        if value
    )
    return texts.REFERRAL.format(opd_name=escape(opd.name), contact=contact)
