"""Admins (Kominfostan staff): reload the FAQ, link OPD groups, triage, reports.

An admin is a user id listed in the settings, or anyone writing in the admin group chat
when one is configured. Anyone else gets one neutral sentence that reveals nothing.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.ext import ContextTypes

from bot.presentation import callbacks, render, texts
from bot.presentation.texts import report as report_texts
from bot.services.calendar import format_date
from bot.services.complaints import Officer
from faq.formatting import escape, split_html
from handlers import arguments
from handlers.context import Services, services

log = logging.getLogger(__name__)


def is_admin(update: Update, svc: Services) -> bool:
    user, chat = update.effective_user, update.effective_chat
    if svc.is_admin(user.id if user else None):
        return True
    admin_chat = svc.settings.admin_chat_id
    return admin_chat is not None and chat is not None and chat.id == admin_chat


async def refused(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """The one admin check of every admin command and button: False for an admin; else
    a short refusal (an alert for a button) and True."""
    svc = services(context)
    if is_admin(update, svc):
        return False
    if update.callback_query is not None:
        await update.callback_query.answer(texts.ADMIN_ONLY, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(texts.ADMIN_ONLY)
    return True


def _admin(update: Update) -> Officer:
    user = update.effective_user
    assert user is not None
    return Officer(user.id, user.full_name)


async def _reply_long(message: Message, text: str) -> None:
    for part in split_html(text):
        await message.reply_text(part)


# -- FAQ --------------------------------------------------------------------------------
async def reload_faq(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await refused(update, context):
        return
    message = update.effective_message
    assert message is not None
    # Rebuilding the matcher takes a fraction of a second (seconds for a huge FAQ): off the
    # event loop, so residents are answered meanwhile.
    result = await asyncio.to_thread(services(context).knowledge.reload)
    await _reload_holidays(message, services(context))
    if result.ok:
        await message.reply_text(texts.RELOAD_OK.format(topics=result.topics))
        return
    problems = "\n".join(f"• {escape(str(p))}" for p in result.problems[:30])
    await _reply_long(message, texts.RELOAD_FAILED.format(problems=problems))


async def _reload_holidays(message: Message, svc: Services) -> None:
    """The holidays file is reloaded with the FAQ; a broken one keeps the old calendar."""
    problems = svc.calendar.reload()
    if problems:
        lines = "\n".join(f"• {escape(str(p))}" for p in problems[:30])
        name = escape(svc.calendar.path.name if svc.calendar.path else "-")
        await _reply_long(
            message, report_texts.HOLIDAYS_RELOAD_FAILED.format(file=name, problems=lines)
        )


# -- OPD groups -------------------------------------------------------------------------
async def link_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hubungkan <opd-id> or /hubungkan camat <kecamatan>, run inside the OPD's group."""
    if await refused(update, context):
        return
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    args = [a.lower() for a in context.args or []]
    if not args or message.chat.type == "private":
        await message.reply_text(texts.GROUP_LINK_USAGE)
        return
    knowledge = svc.knowledge.knowledge
    per_kecamatan = knowledge.policy.per_kecamatan
    if per_kecamatan and args[0] in ("camat", per_kecamatan) and len(args) > 1:
        resolution = svc.regions.resolve("kecamatan " + " ".join(args[1:]))
        match = resolution.certain or (resolution.candidates[0] if resolution.candidates else None)
        if match is None:
            await message.reply_text(texts.GROUP_LINK_USAGE)
            return
        destination = knowledge.policy.group_key(per_kecamatan, match.kecamatan.code)
        name = f"Kantor Camat {match.kecamatan.name}"
    else:
        opd = knowledge.opds.get(args[0])
        if opd is None:
            await message.reply_text(texts.GROUP_LINK_UNKNOWN.format(opd_id=escape(args[0][:64])))
            return
        if opd.is_external:
            await message.reply_text(texts.GROUP_LINK_EXTERNAL.format(opd_name=escape(opd.name)))
            return
        destination, name = opd.id, opd.name
    moved = await svc.complaints.cards.link_group(
        destination, message.chat.id, message.chat.title, user.id
    )
    svc.wake_outbox()
    log.info(
        "group %s linked to %s by an admin (%d card(s) moved)", message.chat.id, destination, moved
    )
    reply = texts.GROUP_LINKED.format(opd_name=escape(name))
    if moved:
        reply += "\n" + texts.GROUP_LINK_MOVED.format(count=moved)
    await message.reply_text(reply)


async def list_opds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await refused(update, context):
        return
    message = update.effective_message
    assert message is not None
    svc = services(context)
    counts = await svc.complaints.opd_counts()
    lines = [texts.OPD_LIST_HEADER]
    for opd in svc.knowledge.knowledge.opds.values():
        if opd.is_external:
            continue
        chat = await svc.complaints.cards.group_of(opd.id)
        open_, overdue, done = counts.get(opd.id, (0, 0, 0))
        lines.append(
            texts.OPD_LIST_ITEM.format(
                id=opd.id,
                name=escape(opd.short),
                group=texts.OPD_GROUP_LINKED if chat is not None else texts.OPD_GROUP_NONE,
                open=open_,
                overdue=overdue,
                done=done,
            )
        )
    parked = await svc.outbox.parked(limit=5)
    if parked:
        counts = await svc.outbox.counts()
        lines.append(texts.OUTBOX_PARKED_HEADER.format(count=counts.get("parked", 0)))
        lines += [
            texts.OUTBOX_PARKED_ITEM.format(kind=kind, reason=escape((reason or "-")[:200]))
            for _, kind, reason in parked
        ]
    await _reply_long(message, "\n".join(lines))


# -- triage -----------------------------------------------------------------------------
async def triage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/triase: complaints waiting for an admin's decision, each with OPD buttons."""
    if await refused(update, context):
        return
    message = update.effective_message
    assert message is not None
    svc = services(context)
    waiting = await svc.complaints.cards.needing_decision()
    if not waiting:
        await message.reply_text(texts.TRIAGE_EMPTY)
        return
    knowledge = svc.knowledge.knowledge
    router = svc.knowledge.assistant.router
    for complaint, reason in waiting:
        route = router.route(complaint.description_redacted)
        suggestion = render.opd_name(knowledge, route.opd) if route.opd else "-"
        targets = svc.complaints.workflow.move_targets(complaint)
        if route.opd in targets:  # the router's guess first
            targets.remove(route.opd)
            targets.insert(0, route.opd)
        rows, row = [], []
        for opd_id in targets:
            label = knowledge.opds[opd_id].short
            if opd_id == knowledge.policy.per_kecamatan and complaint.kecamatan_name:
                label = f"Camat {complaint.kecamatan_name}"
            row.append(
                InlineKeyboardButton(
                    label, callback_data=callbacks.data(callbacks.ASSIGN, complaint.ticket, opd_id)
                )
            )
            if len(row) == 3:
                rows.append(row)
                row = []
        if row:
            rows.append(row)
        await message.reply_text(
            texts.TRIAGE_ITEM.format(
                ticket=complaint.ticket,
                category=escape(render.category_label(knowledge, complaint.category)),
                reason=escape(reason),
                location=escape(complaint.location_label or texts.FLOW_NO_LOCATION),
                description=escape(complaint.description_redacted[:500]),
                suggestion=escape(suggestion),
            ),
            reply_markup=InlineKeyboardMarkup(rows),
        )


async def assign(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """g:<ticket>:<opd>: an admin assigns a triaged complaint."""
    query = update.callback_query
    assert query is not None
    if await refused(update, context):
        return
    parts = callbacks.parts(query.data)
    if len(parts) != 3 or not isinstance(query.message, Message):
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    _, ticket, target = parts
    svc = services(context)
    result = await svc.complaints.workflow.admin_assign(ticket, target, _admin(update))
    if not result.ok or result.complaint is None:
        await query.answer(render.refusal(result.reason, result.complaint), show_alert=True)
        return
    svc.wake_outbox()
    name = render.opd_name(svc.knowledge.knowledge, target, result.complaint.kecamatan_name)
    await query.answer()
    await query.message.edit_text(
        texts.TRIAGE_ASSIGNED.format(ticket=ticket, opd_name=escape(name))
    )


# -- reports ----------------------------------------------------------------------------
async def _period(
    message: Message, words: list[str], *, default: int | None = arguments.DEFAULT_DAYS
) -> tuple[int | None, str] | None:
    """(days or None for all time, its label); None after telling the admin the usage."""
    try:
        days = arguments.period(words, default=default)
    except arguments.BadArgument as bad:
        await message.reply_text(texts.ADMIN_BAD_PERIOD.format(value=escape(str(bad)[:64])))
        return None
    label = texts.STATS_PERIOD_DAYS.format(days=days) if days else texts.STATS_PERIOD_ALL
    return days, label


async def statistics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/statistik [7|30|90|365|semua]: counts, response times, overdue list, and a chart;
    /statistik bulan [YYYY-MM|ini]: the monthly report (handlers/report.py)."""
    if await refused(update, context):
        return
    message = update.effective_message
    assert message is not None
    if context.args and context.args[0].lower() == "bulan":  # the council's monthly report
        from handlers.report import monthly_report

        await monthly_report(message, context, context.args[1:])
        return
    svc = services(context)
    chosen = await _period(message, context.args or [])
    if chosen is None:
        return
    days, period = chosen
    stats = await svc.reports.stats(days)
    knowledge = svc.knowledge.knowledge

    def section(title: str, counter, name=lambda k: k) -> str:
        lines = (
            "\n".join(
                texts.STATS_LINE.format(label=escape(name(k)), count=v)
                for k, v in counter.most_common()
            )
            or texts.STATS_NO_DATA
        )
        return texts.STATS_SECTION.format(title=title, lines=lines)

    def hours(value: float | None) -> str:
        return f"{value} jam" if value is not None else texts.STATS_NO_DATA

    text = texts.STATS_HEADER.format(period=period, total=stats.total)
    text += section("Per OPD", stats.by_opd, lambda k: render.opd_name(knowledge, k))
    text += section("Per status", stats.by_status, lambda k: texts.STATUS_LABELS.get(k, k))
    text += section("Per kecamatan", stats.by_kecamatan)
    text += section(
        "Per kategori", stats.by_category, lambda k: render.category_label(knowledge, k)
    )
    text += texts.STATS_TIMES.format(
        accept=hours(stats.median_hours_to_accept),
        finish=hours(stats.median_hours_to_finish),
        rating=stats.mean_rating if stats.mean_rating is not None else texts.STATS_NO_DATA,
    )
    overdue_lines = (
        "\n".join(
            texts.STATS_OVERDUE_ITEM.format(
                ticket=t, opd=escape(render.opd_name(knowledge, o)), due=format_date(d)
            )
            for t, o, d in stats.overdue[:50]
        )
        or texts.STATS_NO_DATA
    )
    text += texts.STATS_OVERDUE.format(count=len(stats.overdue), lines=overdue_lines)
    await _reply_long(message, text)
    if stats.by_opd:
        from bot.presentation.charts import bar_chart_png

        counts = [
            (knowledge.opds[k].short if k in knowledge.opds else k, v)
            for k, v in stats.by_opd.most_common(20)
        ]
        png = bar_chart_png(texts.STATS_CHART_CAPTION.format(period=period), counts)
        await message.reply_photo(
            InputFile(png, filename="statistik.png"),
            caption=texts.STATS_CHART_CAPTION.format(period=period),
        )


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ekspor [hari] [pribadi]: complaints as CSV; personal data only when asked for."""
    if await refused(update, context):
        return
    message = update.effective_message
    assert message is not None
    args = [a.lower() for a in context.args or []]
    personal = "pribadi" in args
    chosen = await _period(message, [a for a in args if a != "pribadi"], default=None)
    if chosen is None:
        return
    days, period = chosen
    svc = services(context)
    data = await svc.reports.export_csv(days, personal=personal)
    log.info("complaints exported by an admin (personal=%s)", personal)
    await message.reply_document(
        InputFile(data.encode("utf-8"), filename="pengaduan.csv"),
        caption=texts.EXPORT_CAPTION.format(
            period=period, personal=texts.EXPORT_PERSONAL_NOTE if personal else ""
        ),
    )
