"""The scheduled deadline work: remind OPD groups, escalate overdue complaints to admins,
close silent "selesai" complaints. All state is in the database, so a restart neither
loses nor repeats a notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.services.calendar import WIB, WorkingCalendar
from bot.services.complaints import ComplaintService, utcnow
from bot.services.complaints.models import AT_OPD
from bot.services.outbox import enqueue
from db import Database, db_time

OPEN = AT_OPD  # delivered and not finished: a deadline runs


@dataclass(frozen=True)
class DeadlineReport:
    reminders: int
    escalated: int
    closed: int


class DeadlineService:
    def __init__(
        self,
        db: Database,
        complaints: ComplaintService,
        calendar: WorkingCalendar,
        admin_chats: Callable[[], list[int]],
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.db = db
        self.complaints = complaints
        self.calendar = calendar
        self.admin_chats = admin_chats
        self.clock = clock

    async def run(self) -> DeadlineReport:
        now = self.clock()
        return DeadlineReport(
            reminders=await self._remind(now),
            escalated=await self._escalate(now),
            closed=await self._close_silent(now),
        )

    async def _remind(self, now: dt.datetime) -> int:
        """One working day before a deadline, the OPD group gets a reminder under the card."""
        horizon = self.calendar.add_working_days(now, 1)
        rows = await self.db.fetchall(
            "SELECT c.id, c.due_at FROM complaint c WHERE c.status IN (?, ?, ?)"
            " AND c.due_at IS NOT NULL AND c.due_at > ? AND c.due_at <= ?"
            " AND c.card_message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM deadline_notice n"
            "   WHERE n.complaint_id = c.id AND n.kind = 'reminder' AND n.due_at = c.due_at)",
            (*OPEN, db_time(now), db_time(horizon)),
        )
        async with self.db.transaction() as conn:
            for complaint_id, due_at in rows:
                await conn.execute(
                    "INSERT OR IGNORE INTO deadline_notice (complaint_id, kind, due_at)"
                    " VALUES (?, 'reminder', ?)",
                    (complaint_id, due_at),
                )
                await enqueue(conn, "reminder", complaint_id=complaint_id, payload={})
        return len(rows)

    async def _escalate(self, now: dt.datetime) -> int:
        """Once a day, admins get the list of overdue complaints."""
        today = now.astimezone(WIB).date().isoformat()
        kind = f"escalation:{today}"
        rows = await self.db.fetchall(
            "SELECT c.id, c.ticket, c.opd_id, c.kecamatan_name, c.due_at, c.status"
            " FROM complaint c WHERE c.status IN (?, ?, ?) AND c.due_at IS NOT NULL"
            " AND c.due_at < ? AND NOT EXISTS (SELECT 1 FROM deadline_notice n"
            "   WHERE n.complaint_id = c.id AND n.kind = ? AND n.due_at = c.due_at)"
            " ORDER BY c.due_at",
            (*OPEN, db_time(now), kind),
        )
        if not rows:
            return 0
        overdue = [
            {"ticket": r[1], "opd": r[2], "kecamatan": r[3], "due_at": r[4], "status": r[5]}
            for r in rows
        ]
        async with self.db.transaction() as conn:
            for row in rows:
                await conn.execute(
                    "INSERT OR IGNORE INTO deadline_notice (complaint_id, kind, due_at)"
                    " VALUES (?, ?, ?)",
                    (row[0], kind, row[4]),
                )
            for chat_id in self.admin_chats():
                await enqueue(conn, "escalation", chat_id=chat_id, payload={"overdue": overdue})
        return len(rows)

    async def _close_silent(self, now: dt.datetime) -> int:
        """`selesai` with no word from the resident for 10 working days becomes `ditutup`."""
        rows = await self.db.fetchall(
            "SELECT id FROM complaint WHERE status = 'selesai' AND due_at IS NOT NULL"
            " AND due_at <= ?",
            (db_time(now),),
        )
        closed = 0
        for (complaint_id,) in rows:
            if await self.complaints.workflow.close_silent(int(complaint_id)):
                closed += 1
        return closed
