"""Reminders, escalation and auto-close, with a controlled clock; state survives restarts."""

from __future__ import annotations

import datetime as dt

from bot.offline.simulator import RESIDENT
from bot.presentation import texts
from bot.services.complaints import Officer
from bot.services.deadlines import DeadlineService
from tests.conftest import ADMIN, Harness, plain_friday
from tests.handlers.test_complaint_flow import file_complaint

GROUP = -1001000000001


def clocked(bot: Harness, moment: dt.datetime) -> DeadlineService:
    """The app's deadline service, with every clock it touches set to `moment`."""
    service: DeadlineService = bot.application.bot_data["deadlines"]
    service.clock = lambda: moment
    bot.services.complaints.clock = lambda: moment
    assert bot.services.worker is not None
    bot.services.worker.clock = lambda: moment
    return service


async def delivered(bot: Harness) -> str:
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    await bot.deliver()
    return ticket


async def test_reminder_once_a_working_day_before_the_deadline(bot: Harness) -> None:
    ticket = await delivered(bot)
    complaint = await bot.services.complaints.by_ticket(ticket)
    due = complaint.due_at
    assert due is not None
    # Well before: nothing. Half a day before: one reminder under the card.
    assert (await clocked(bot, due - dt.timedelta(days=6)).run()).reminders == 0
    report = await clocked(bot, due - dt.timedelta(hours=12)).run()
    assert report.reminders == 1
    calls = await bot.deliver()
    [reminder] = [c for c in calls if c.chat_id == GROUP]
    assert ticket in reminder.text and "Pengingat" in reminder.text
    assert reminder.params["reply_parameters"]["message_id"] == complaint.card_message_id
    # Running again (or after a restart: the state is in the database) repeats nothing.
    assert (await clocked(bot, due - dt.timedelta(hours=11)).run()).reminders == 0


async def test_overdue_is_escalated_to_admins_once_a_day(bot: Harness) -> None:
    ticket = await delivered(bot)
    complaint = await bot.services.complaints.by_ticket(ticket)
    due = complaint.due_at
    assert (await clocked(bot, due + dt.timedelta(hours=1)).run()).escalated == 1
    calls = await bot.deliver()
    [escalation] = [c for c in calls if c.chat_id == ADMIN.id]
    assert ticket in escalation.text and "melewati batas waktu" in escalation.text
    assert (await clocked(bot, due + dt.timedelta(hours=2)).run()).escalated == 0
    assert (await clocked(bot, due + dt.timedelta(days=1, hours=1)).run()).escalated == 1
    # Accepting it sets a new deadline: it is no longer overdue.
    await bot.services.complaints.workflow.officer_action(
        ticket, "terima", Officer(1, "Petugas"), GROUP
    )
    assert (await clocked(bot, due + dt.timedelta(days=2)).run()).escalated == 0


async def test_silent_selesai_is_closed_after_ten_working_days(bot: Harness) -> None:
    ticket = await delivered(bot)
    officer = Officer(1, "Petugas")
    await bot.services.complaints.workflow.officer_action(ticket, "terima", officer, GROUP)
    await bot.services.complaints.workflow.officer_action(
        ticket, "selesai", officer, GROUP, note="Sudah diangkut."
    )
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "selesai"
    close_at = complaint.due_at
    assert (await clocked(bot, close_at - dt.timedelta(hours=1)).run()).closed == 0
    assert (await clocked(bot, close_at + dt.timedelta(minutes=1)).run()).closed == 1
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "ditutup"
    calls = await bot.deliver()
    assert any(
        c.chat_id == RESIDENT.id and "ditutup karena tidak ada tanggapan" in c.text for c in calls
    )
    events = await bot.services.complaints.timeline(complaint.id)
    assert events[-1].actor_kind == "system" and events[-1].action == "ditutup"


async def test_working_days_skip_the_weekend_for_the_accept_deadline(bot: Harness) -> None:
    # A Friday after today: rows written now are due by then.
    friday = plain_friday()
    clocked(bot, friday)
    ticket = await delivered(bot)
    complaint = await bot.services.complaints.by_ticket(ticket)
    # Delivered Friday: three working days later is Wednesday.
    assert complaint.due_at.astimezone(dt.UTC).date() == (friday + dt.timedelta(days=5)).date()
    assert texts.STATUS_LABELS[complaint.status] == "Diteruskan ke dinas"
