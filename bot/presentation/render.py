"""Complaints as Bot API payloads: the OPD card, resident notifications, tracking views.

Pure functions of the stored complaint (no I/O), used by the outbox worker and the
handlers, so a card always shows the complaint's current state when it is sent or edited.
"""

from __future__ import annotations

from typing import Any

from bot.presentation import callbacks, texts
from bot.services.calendar import format_date
from bot.services.complaints.models import (
    AT_OPD,
    FINISHED,
    OFFICER_ACTIONS,
    TRANSITIONS,
    Action,
    Complaint,
    Event,
)
from bot.services.redaction import redact
from db import parse_db_time
from faq.formatting import TELEGRAM_TEXT_LIMIT, escape
from faq.knowledge import KnowledgeBase

Markup = dict[str, Any]


def button(label: str, *data: str) -> dict[str, str]:
    return {"text": label, "callback_data": callbacks.data(*data)}


def opd_name(knowledge: KnowledgeBase, opd_id: str, kecamatan_name: str | None = None) -> str:
    if opd_id == knowledge.policy.per_kecamatan and kecamatan_name:
        return f"Kantor Camat {kecamatan_name}"
    opd = knowledge.opds.get(opd_id)
    return opd.name if opd else opd_id


def category_label(knowledge: KnowledgeBase, category_id: str) -> str:
    category = knowledge.categories.get(category_id)
    return category.label if category else category_id


CARD_BUTTONS = {
    Action.TERIMA: texts.BTN_ACCEPT,
    Action.PROSES: texts.BTN_PROCESS,
    Action.SELESAI: texts.BTN_FINISH,
    Action.TOLAK: texts.BTN_REJECT,
    Action.ALIHKAN: texts.BTN_MOVE,
}


def card_buttons(complaint: Complaint) -> Markup | None:
    """The officer actions the status model allows now, two per row."""
    if complaint.status not in AT_OPD:
        return None
    buttons = [
        button(CARD_BUTTONS[action], callbacks.CARD, complaint.ticket, action)
        for action in OFFICER_ACTIONS
        if complaint.status in TRANSITIONS[action].sources
    ]
    return {"inline_keyboard": [buttons[i : i + 2] for i in range(0, len(buttons), 2)]}


def move_buttons(complaint: Complaint, targets: list[str], knowledge: KnowledgeBase) -> Markup:
    rows: list[list[dict[str, str]]] = []
    row: list[dict[str, str]] = []
    for opd_id in targets:
        opd = knowledge.opds[opd_id]
        label = (
            f"Camat {complaint.kecamatan_name}"
            if opd_id == knowledge.policy.per_kecamatan and complaint.kecamatan_name
            else opd.short
        )
        row.append(button(label, callbacks.CARD, complaint.ticket, Action.ALIHKAN, opd_id))
        if len(row) == 2:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    rows.append([button(texts.BTN_MOVE_CANCEL, callbacks.CARD, complaint.ticket, "batal")])
    return {"inline_keyboard": rows}


def card(
    complaint: Complaint,
    knowledge: KnowledgeBase,
    *,
    moved_to: str | None = None,
) -> tuple[str, Markup | None, list[str]]:
    """(text, buttons, continuation parts) of the card officers see. No resident identity
    unless the resident chose to share it and the complaint is not sensitive."""
    sensitive = complaint.sensitive or complaint.opd_id in knowledge.policy.always_anonymous
    if complaint.share_identity and not sensitive and complaint.reporter_name:
        reporter = escape(complaint.reporter_name)
        if complaint.reporter_phone:
            reporter += f" ({escape(complaint.reporter_phone)})"
    elif sensitive:
        reporter = texts.CARD_REPORTER_HIDDEN_SENSITIVE
    else:
        reporter = texts.CARD_REPORTER_HIDDEN
    due_line = (
        texts.CARD_DUE.format(due=format_date(complaint.due_at))
        if complaint.due_at and complaint.status in AT_OPD and moved_to is None
        else ""
    )
    triage_line = ""
    if complaint.opd_id == knowledge.policy.triage and complaint.triage_reason and moved_to is None:
        reason = complaint.triage_reason
        if len(reason) > 300:  # an officer's long reason must not crowd out the card
            reason = reason[:300] + "…"
        triage_line = texts.CARD_TRIAGE.format(reason=escape(reason))
    if moved_to is not None:
        footer = texts.CARD_FOOTER_MOVED.format(opd_name=escape(moved_to))
        status = "Dipindahkan"
        markup = None
    elif complaint.status in FINISHED:
        status = texts.STATUS_LABELS[complaint.status]
        footer = ""
        if complaint.rating:
            footer = "\n" + texts.CARD_RATING.format(rating=complaint.rating)
        footer += texts.CARD_FOOTER_CLOSED.format(status=status.lower())
        markup = None
    else:
        status = texts.STATUS_LABELS[complaint.status]
        footer = texts.CARD_FOOTER_OPEN
        markup = card_buttons(complaint)
    fields = {
        "ticket": complaint.ticket,
        "status": status,
        "category": escape(category_label(knowledge, complaint.category)),
        # Typed place text is the resident's own words: mask numbers in it as in the description.
        "location": escape(redact(complaint.location_label or texts.FLOW_NO_LOCATION)),
        "reporter": reporter,
        "due_line": due_line,
        "triage_line": triage_line,
        "footer": footer,
    }
    description = escape(complaint.description_redacted)
    text = texts.CARD.format(description=description, **fields)
    if len(text) <= TELEGRAM_TEXT_LIMIT:
        return text, markup, []
    # A long description: the card carries its start, follow-up messages the rest.
    room = (
        TELEGRAM_TEXT_LIMIT
        - len(texts.CARD.format(description=texts.CARD_DESCRIPTION_CONTINUES, **fields))
        - 2
    )
    head, rest = _cut(complaint.description_redacted, room)
    text = texts.CARD.format(
        description=escape(head) + "\n" + texts.CARD_DESCRIPTION_CONTINUES, **fields
    )
    parts: list[str] = []
    overhead = len(texts.CARD_DESCRIPTION_PART.format(ticket=complaint.ticket, text=""))
    while rest:
        piece, rest = _cut(rest, TELEGRAM_TEXT_LIMIT - overhead)
        parts.append(
            texts.CARD_DESCRIPTION_PART.format(ticket=complaint.ticket, text=escape(piece))
        )
    return text, markup, parts


def _cut(text: str, limit: int) -> tuple[str, str]:
    """Split plain text so the escaped head fits `limit` characters, at a space if possible."""
    if len(escape(text)) <= limit:
        return text, ""
    end = limit
    while end > 0 and len(escape(text[:end])) > limit:
        end -= max(1, (len(escape(text[:end])) - limit))
    space = text.rfind(" ", int(end * 0.8), end)
    if space > 0:
        end = space
    return text[:end], text[end:].lstrip()


def notification(
    template: str, complaint: Complaint, knowledge: KnowledgeBase, note: str | None = None
) -> tuple[str, Markup | None]:
    name = opd_name(knowledge, complaint.opd_id, complaint.kecamatan_name)
    if complaint.opd_id == knowledge.policy.triage and complaint.triage_reason:
        name = texts.SUBMITTED_TRIAGE_OPD
    text = texts.NOTIFY[template].format(
        ticket=complaint.ticket,
        opd_name=escape(name),
        due=format_date(complaint.due_at) if complaint.due_at else "-",
        note=escape(note or "-"),
    )
    markup = None
    if template == "selesai":
        t = complaint.ticket
        markup = {
            "inline_keyboard": [
                [button(str(n), callbacks.RESIDENT, t, str(n)) for n in range(1, 6)],
                [button(texts.BTN_NOT_DONE, callbacks.RESIDENT, t, "buka")],
            ]
        }
    return text, markup


def submitted(complaint: Complaint, knowledge: KnowledgeBase) -> str:
    """The ticket, told to the resident once the complaint is stored, with the stored
    deadline (the same date the card and the later notices show)."""
    if complaint.opd_id == knowledge.policy.triage and complaint.triage_reason:
        name = texts.SUBMITTED_TRIAGE_OPD
    else:
        name = escape(opd_name(knowledge, complaint.opd_id, complaint.kecamatan_name))
    due = format_date(complaint.due_at) if complaint.due_at else "-"
    return texts.SUBMITTED.format(ticket=complaint.ticket, opd_name=name, due=due)


def submitted_again(complaint: Complaint) -> str:
    """The same draft (or text) confirmed again: the ticket it already has."""
    status = texts.STATUS_LABELS[complaint.status].lower()
    return texts.SUBMITTED_DUPLICATE.format(ticket=complaint.ticket, status=status)


def status_detail(complaint: Complaint, events: list[Event], knowledge: KnowledgeBase) -> str:
    lines = []
    for event in events:
        if event.action in ("pesan_petugas", "pesan_warga"):
            what = texts.TIMELINE_WHAT[event.action]
        else:
            template = texts.TIMELINE_WHAT.get(event.action, event.action)
            target = opd_name(knowledge, event.opd_id or "", complaint.kecamatan_name)
            if event.opd_id == knowledge.policy.triage and event.action in ("dibuat", "diteruskan"):
                target = "admin (Kominfostan) untuk diteruskan"
            what = template.format(opd=escape(target))
        if event.action == "selesai" and event.note:
            what += f": <i>{escape(event.note)}</i>"
        lines.append(texts.TIMELINE_ITEM.format(date=format_date(event.created_at), what=what))
    due_line = ""
    if complaint.due_at and complaint.status in AT_OPD:
        due_line = texts.STATUS_DUE_LINE.format(due=format_date(complaint.due_at))
    return texts.STATUS_DETAIL.format(
        ticket=complaint.ticket,
        category=escape(category_label(knowledge, complaint.category)),
        opd_name=escape(opd_name(knowledge, complaint.opd_id, complaint.kecamatan_name)),
        status=texts.STATUS_LABELS[complaint.status],
        due_line=due_line,
        timeline="\n".join(lines),
    )


def reminder(complaint: Complaint) -> str:
    return texts.REMINDER.format(
        ticket=complaint.ticket,
        status=texts.STATUS_LABELS[complaint.status].lower(),
        due=format_date(complaint.due_at) if complaint.due_at else "-",
    )


def escalation(overdue: list[dict[str, Any]], knowledge: KnowledgeBase) -> str:
    lines = [texts.ESCALATION_HEADER.format(count=len(overdue))]
    for item in overdue:
        due = parse_db_time(item["due_at"])
        lines.append(
            texts.ESCALATION_ITEM.format(
                ticket=item["ticket"],
                opd=escape(opd_name(knowledge, item["opd"], item.get("kecamatan"))),
                status=texts.STATUS_LABELS.get(item["status"], item["status"]).lower(),
                due=format_date(due) if due else "-",
            )
        )
    text = "\n".join(lines)
    if len(text) > TELEGRAM_TEXT_LIMIT:  # a very long list: the head, and how many more
        kept = text[: TELEGRAM_TEXT_LIMIT - 40].rsplit("\n", 1)[0]
        text = kept + f"\n… dan {text.count(chr(10)) - kept.count(chr(10))} lainnya (/statistik)"
    return text


def refusal(reason: str, complaint: Complaint | None) -> str:
    """Why an officer's or admin's action was refused, in words."""
    status = texts.STATUS_LABELS.get(complaint.status, "").lower() if complaint else ""
    return texts.OFFICER_REFUSED[reason].format(status=status)
