"""/statistik bulan [YYYY-MM | ini]: the monthly report for the smart-city council, as one
HTML document. Admin-only (the caller, `handlers.admin.statistics`, has checked).

Without a month it is the last full month (what a council meeting looks at); `ini` is the
current month so far.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InputFile, Message
from telegram.ext import ContextTypes

from bot.presentation.report import render_monthly_html
from bot.presentation.texts import report as report_texts
from bot.services.monthly_report import Labels, Month, MonthlyReports
from faq.formatting import escape
from handlers.context import services

log = logging.getLogger(__name__)

CURRENT = {"ini", "sekarang"}
PREVIOUS = {"lalu", "kemarin"}


async def monthly_report(
    message: Message, context: ContextTypes.DEFAULT_TYPE, args: list[str]
) -> None:
    svc = services(context)
    service = MonthlyReports(svc.db, svc.calendar, svc.regions, svc.reports)
    now = Month.containing(service.clock())
    arg = args[0].lower() if args else ""
    if not arg or arg in PREVIOUS:
        month = now.previous()
    elif arg in CURRENT:
        month = now
    else:
        try:
            month = Month.parse(arg)
        except ValueError:
            await message.reply_text(report_texts.MONTHLY_BAD_MONTH.format(arg=escape(arg[:20])))
            return
    if month > now:
        await message.reply_text(report_texts.MONTHLY_FUTURE.format(month=month.label))
        return
    figures = await service.collect(month, Labels.from_knowledge(svc.knowledge.knowledge))
    # Drawing the map takes about half a second the first time: off the event loop.
    html = await asyncio.to_thread(render_monthly_html, figures, svc.regions.kecamatan_outlines())
    log.info("monthly report %s sent to an admin (%d complaints)", month.key, figures.total)
    await message.reply_document(
        InputFile(html.encode("utf-8"), filename=f"laporan-bulanan-{month.key}.html"),
        caption=report_texts.MONTHLY_CAPTION.format(month=month.label),
    )
