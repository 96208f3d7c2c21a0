"""The complaint flow as the resident sees it: the prompt and buttons of each step, the
summary to confirm, and the small keyboards around them."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.presentation import callbacks, texts
from bot.services.complaints.drafts import Draft
from faq.formatting import escape
from faq.knowledge import KnowledgeBase
from faq.models import Opd

# The summary must fit one message; the ticket keeps the whole description.
SUMMARY_DESCRIPTION_CHARS = 1500

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Inline buttons from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def flow(action: str) -> str:
    return callbacks.data(callbacks.FLOW, action)


CANCEL_ROW = [(texts.BTN_CANCEL, flow("batal"))]
SKIP_LOCATION_ROW = [(texts.BTN_SKIP, flow("lewatilokasi"))]


def cancel_only() -> InlineKeyboardMarkup:
    return keyboard([CANCEL_ROW])


def skip_location() -> InlineKeyboardMarkup:
    return keyboard([SKIP_LOCATION_ROW, CANCEL_ROW])


def more_photos() -> InlineKeyboardMarkup:
    return keyboard([[(texts.BTN_DONE_PHOTOS, flow("fotoselesai"))], CANCEL_ROW])


def resume(step: str) -> tuple[str, InlineKeyboardMarkup]:
    """A draft is waiting: continue it or start again."""
    text = texts.FLOW_RESUME.format(step=texts.FLOW_STEP_NAMES.get(step, step))
    return text, keyboard(
        [[(texts.BTN_CONTINUE, flow("lanjut"))], [(texts.BTN_RESTART, flow("baru"))]]
    )


def reminder(draft: Draft, knowledge: KnowledgeBase, anonymous: bool) -> tuple[str, Markup]:
    """The current step again, saying which step it is (the resident sent something else)."""
    text, markup = prompt(draft, knowledge, anonymous)
    step = texts.FLOW_STEP_NAMES.get(draft.step, draft.step)
    return texts.FLOW_REMINDER.format(step=step, prompt=text), markup


def prompt(draft: Draft, knowledge: KnowledgeBase, anonymous: bool) -> tuple[str, Markup]:
    """What the current step asks for. `anonymous`: identity is never shown for it."""
    step = draft.step
    if step == "category":
        return _category(draft, knowledge)
    if step == "description":
        if draft.description:
            return texts.FLOW_DESCRIPTION_CONTINUE, keyboard(
                [[(texts.BTN_DESCRIPTION_DONE, flow("uraianselesai"))], CANCEL_ROW]
            )
        return texts.FLOW_DESCRIPTION, cancel_only()
    if step == "location":
        if draft.location_options:
            rows = [
                [(o["label"], callbacks.data(callbacks.LOCATION, o["key"]))]
                for o in draft.location_options
            ]
            return texts.FLOW_LOCATION_CHOOSE, keyboard([*rows, SKIP_LOCATION_ROW, CANCEL_ROW])
        return texts.FLOW_LOCATION, skip_location()
    if step == "photos":
        label = texts.BTN_DONE_PHOTOS if draft.photos else texts.BTN_NO_PHOTOS
        return texts.FLOW_PHOTOS, keyboard([[(label, flow("fotoselesai"))], CANCEL_ROW])
    if step == "privacy":
        return texts.FLOW_PRIVACY, keyboard(
            [
                [(label, callbacks.data(callbacks.PRIVACY, choice))]
                for choice, label in (
                    ("anon", texts.BTN_ANON),
                    ("name", texts.BTN_SHARE_NAME),
                    ("name_phone", texts.BTN_SHARE_NAME_PHONE),
                )
            ]
            + [CANCEL_ROW]
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
    return summary(draft, knowledge, anonymous)


def _category(draft: Draft, knowledge: KnowledgeBase) -> tuple[str, InlineKeyboardMarkup]:
    categories = list(knowledge.categories.values())
    if draft.suggested_category:
        categories.sort(key=lambda c: c.id != draft.suggested_category)
    buttons = [
        (
            (texts.CATEGORY_SUGGESTED_MARK if c.id == draft.suggested_category else "") + c.label,
            callbacks.data(callbacks.CATEGORY, c.id),
        )
        for c in categories
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    text = texts.FLOW_CATEGORY
    suggested = knowledge.categories.get(draft.suggested_category or "")
    if suggested is not None:
        text += "\n" + texts.FLOW_CATEGORY_SUGGESTED.format(label=escape(suggested.label))
    return text, keyboard([*rows, CANCEL_ROW])


def summary(
    draft: Draft, knowledge: KnowledgeBase, anonymous: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """Everything the resident is about to file, as it will be stored."""
    category = knowledge.categories.get(draft.category or "")
    identity = {
        "anon": texts.FLOW_IDENTITY_ANON,
        "name": texts.FLOW_IDENTITY_NAME,
        "name_phone": texts.FLOW_IDENTITY_NAME_PHONE,
    }["anon" if anonymous else draft.share]
    description = draft.description
    if len(description) > SUMMARY_DESCRIPTION_CHARS:
        description = description[:SUMMARY_DESCRIPTION_CHARS] + " …"
    text = texts.FLOW_SUMMARY.format(
        category=escape(category.label if category else "-"),
        location=escape(draft.place or texts.FLOW_NO_LOCATION),
        photos=len(draft.photos) or "tidak ada",
        identity=identity,
        description=escape(description),
    )
    return text, keyboard(
        [
            [(texts.BTN_CONFIRM, callbacks.data(callbacks.SUMMARY, "kirim", draft.nonce))],
            [(texts.BTN_EDIT, callbacks.data(callbacks.SUMMARY, "ubah"))],
            CANCEL_ROW,
        ]
    )


def edit_which() -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [(label, callbacks.data(callbacks.EDIT, step))] for step, label in texts.EDIT_LABELS.items()
    ]
    return texts.FLOW_EDIT_WHICH, keyboard(rows)


def referral(opd: Opd) -> tuple[str, InlineKeyboardMarkup]:
    """Another body's matter: who handles it, and a way to file anyway."""
    contact = "".join(
        texts.REFERRAL_CONTACT.format(value=escape(value))
        for value in (opd.contact.phone, opd.contact.online)
        if value
    )
    text = texts.REFERRAL.format(opd_name=escape(opd.name), contact=contact)
    return text, keyboard([[(texts.BTN_FILE_ANYWAY, flow("tetap"))], CANCEL_ROW])
