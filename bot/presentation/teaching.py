"""What admins see in the teaching loop (/pertanyaan): a question group's message and
buttons, the history, the undo button. Callback data: `q:` (bot.presentation.callbacks)."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.presentation import callbacks, texts
from bot.services.calendar import WIB, format_date
from bot.services.teaching import AuditEntry, ShownGroup
from faq.formatting import escape


def button(label: str, *parts: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.data(callbacks.TEACH, *parts))


def topic_buttons(group: int, topics: tuple[str, ...]) -> list[list[InlineKeyboardButton]]:
    return [
        [button(texts.TEACH_TOPIC_BUTTON.format(topic=topic), "t", str(group), topic)]
        for topic in topics
    ]


def group_keyboard(shown: ShownGroup) -> InlineKeyboardMarkup:
    group = str(shown.id)
    rows = topic_buttons(shown.id, shown.likely)
    rows.append(
        [
            button(texts.TEACH_OTHER_BUTTON, "o", group),
            button(texts.TEACH_DRAFT_BUTTON, "d", group),
        ]
    )
    rows.append([button(texts.TEACH_IGNORE_BUTTON, "i", group)])
    return InlineKeyboardMarkup(rows)


def history_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts.TEACH_HISTORY_BUTTON, "h")]])


def undo_keyboard(entry: int | None) -> InlineKeyboardMarkup | None:
    if entry is None:
        return None
    return InlineKeyboardMarkup(
        [
            [button(texts.TEACH_UNDO_BUTTON, "u", str(entry))],
            [button(texts.TEACH_HISTORY_BUTTON, "h")],
        ]
    )


def when(moment: dt.datetime) -> str:
    return f"{format_date(moment)} {moment.astimezone(WIB):%H.%M}"


def group_text(shown: ShownGroup) -> str:
    group = shown.group
    unhelpful = group.reasons.get("unhelpful", 0)
    variants = [escape(text[:80]) for text, _ in group.variants[1:3]]
    return texts.TEACH_GROUP.format(
        group=shown.id,
        count=group.count,
        last=format_date(group.last_asked) if group.last_asked else "-",
        unhelpful=texts.TEACH_GROUP_UNHELPFUL.format(count=unhelpful) if unhelpful else "",
        example=escape(group.example[:300]),
        variants=texts.TEACH_GROUP_VARIANTS.format(variants="; ".join(variants))
        if variants
        else "",
    )


def reason_text(reason: str, detail: str) -> str:
    text = texts.TEACH_REASONS.get(reason, reason)
    return text.format(detail=escape(detail)) if "{detail}" in text else text


def what_was_done(entry: AuditEntry) -> str:
    example = escape(entry.example[:80])
    topic = escape(entry.topic_id or "")
    if entry.action == "teach":
        return texts.TEACH_WHAT_TAUGHT.format(example=example, topic=topic)
    if entry.action == "draft":
        return texts.TEACH_WHAT_DRAFTED.format(example=example, topic=topic)
    return texts.TEACH_WHAT_IGNORED.format(example=example)


def history_text(entries: list[AuditEntry]) -> str:
    lines = [texts.TEACH_HISTORY_HEADER]
    for entry in entries:
        lines.append(
            texts.TEACH_HISTORY_ITEM.format(
                when=when(entry.at),
                admin=escape(entry.admin_name),
                what=what_was_done(entry),
                undone=texts.TEACH_HISTORY_UNDONE if entry.undone_at else "",
            )
        )
    return "\n".join(lines)


def undo_last_keyboard(entry: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts.TEACH_UNDO_BUTTON, "u", str(entry))]])


def search_keyboard(group: int, found: tuple[str, ...] | list[str]) -> InlineKeyboardMarkup:
    """The topics the admin's words found (may be none), then "Belum ada topiknya"."""
    rows = topic_buttons(group, tuple(found))
    rows.append([button(texts.TEACH_DRAFT_BUTTON, "d", str(group))])
    return InlineKeyboardMarkup(rows)
