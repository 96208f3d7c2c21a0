"""What admins see in /tertahan: one held outbox row described (what, to whom masked, why,
since when) with its "Kirim ulang" / "Abaikan" buttons (callback data `h:`)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.senders import KINDS
from bot.presentation import callbacks, render, texts
from bot.services.calendar import WIB, format_date
from bot.services.outbox import HeldRow
from faq.formatting import escape
from faq.knowledge import KnowledgeBase

RESEND, DISMISS = "kirim", "abaikan"


def _masked(chat_id: int | None) -> str:
    """A chat id an admin can tell apart without the whole number being shown."""
    return "…" + str(abs(chat_id))[-4:] if chat_id is not None else "-"


def describe(row: HeldRow, knowledge: KnowledgeBase) -> str:
    """What, to whom (masked), why and since when: what an admin needs to decide."""
    kind = KINDS.get(row.kind)
    audience = kind.audience if kind is not None else None
    ticket = row.ticket or "-"
    if audience == "resident":
        to = texts.HELD_TO_RESIDENT.format(ticket=ticket)
    elif audience == "group" and row.opd_id:
        name = render.opd_name(knowledge, row.opd_id, row.kecamatan_name)
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


def buttons(row_id: int) -> InlineKeyboardMarkup:
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
