"""Reading complaints, and appending to their audit trail: what every part shares.

`ComplaintStore` holds the context of the domain (database, live knowledge, working
calendar, clock, where admin notices go) and the queries; the parts (drafts, submissions,
workflow, cards) are given the store and call `store.clock()` so one clock rules them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import aiosqlite

from bot.services.calendar import WorkingCalendar
from bot.services.complaints.models import (
    AT_OPD,
    COLUMNS,
    FINISHED,
    OPEN_STATUSES,
    Complaint,
    Event,
    Officer,
    complaint_from_row,
    parse_time,
    utcnow,
)
from bot.services.knowledge import LiveKnowledge
from bot.services.outbox import enqueue
from db import Database, db_time
from faq.models import RoutingPolicy


class ComplaintStore:
    def __init__(
        self,
        db: Database,
        knowledge: LiveKnowledge,
        calendar: WorkingCalendar,
        clock: Callable[[], dt.datetime] = utcnow,
        admin_chats: Callable[[], list[int]] = list,
    ) -> None:
        self.db = db
        self.knowledge = knowledge
        self.calendar = calendar
        self.clock = clock
        # Where "needs a decision" notices go (a callable: settings can change at runtime).
        self.admin_chats = admin_chats

    @property
    def policy(self) -> RoutingPolicy:
        return self.knowledge.knowledge.policy

    def destination(self, complaint: Complaint) -> str:
        """The key of the group that acts on it: an OPD id, or `<opd>:<kecamatan code>`."""
        return self.policy.group_key(complaint.opd_id, complaint.kecamatan_code)

    # -- queries --------------------------------------------------------------------------
    async def get(self, complaint_id: int) -> Complaint | None:
        row = await self.db.fetchone(
            f"SELECT {COLUMNS} FROM complaint WHERE id = ?", (complaint_id,)
        )
        return complaint_from_row(row) if row else None

    async def by_ticket(self, ticket: str) -> Complaint | None:
        row = await self.db.fetchone(f"SELECT {COLUMNS} FROM complaint WHERE ticket = ?", (ticket,))
        return complaint_from_row(row) if row else None

    async def by_draft_nonce(self, nonce: str) -> Complaint | None:
        row = await self.db.fetchone(
            f"SELECT {COLUMNS} FROM complaint WHERE draft_nonce = ?", (nonce,)
        )
        return complaint_from_row(row) if row else None

    async def for_resident(self, resident_id: int, limit: int = 20) -> list[Complaint]:
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM complaint WHERE resident_id = ? ORDER BY id DESC LIMIT ?",
            (resident_id, limit),
        )
        return [complaint_from_row(r) for r in rows]

    async def photos(self, complaint_id: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT file_id FROM complaint_photo WHERE complaint_id = ? ORDER BY position",
            (complaint_id,),
        )
        return [r[0] for r in rows]

    async def timeline(self, complaint_id: int) -> list[Event]:
        rows = await self.db.fetchall(
            "SELECT action, status_from, status_to, opd_id, actor_kind, actor_name, note,"
            " created_at FROM complaint_event WHERE complaint_id = ? ORDER BY id",
            (complaint_id,),
        )
        return [
            Event(r[0], r[1], r[2], r[3], r[4], r[5], r[6], parse_time(r[7]) or self.clock())
            for r in rows
        ]

    async def resident_chat(self, resident_id: int) -> int | None:
        row = await self.db.fetchone("SELECT chat_id FROM resident WHERE id = ?", (resident_id,))
        return int(row[0]) if row else None

    async def opd_counts(self) -> dict[str, tuple[int, int, int]]:
        """Per destination OPD: (open, overdue, finished)."""
        rows = await self.db.fetchall(
            "SELECT opd_id, SUM(status IN (?, ?, ?, ?)), SUM(status IN (?, ?, ?) AND due_at < ?),"
            " SUM(status IN (?, ?)) FROM complaint GROUP BY opd_id",
            (*OPEN_STATUSES, *AT_OPD, db_time(self.clock()), *FINISHED),
        )
        return {str(r[0]): (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows}

    # -- writing, inside a caller's transaction -------------------------------------------
    async def add_event(
        self,
        conn: aiosqlite.Connection,
        complaint_id: int,
        action: str,
        status_from: str | None,
        status_to: str,
        opd_id: str | None,
        actor_kind: str,
        actor: Officer | None = None,
        note: str | None = None,
    ) -> None:
        """Append to the audit trail (triggers forbid editing or deleting an event)."""
        await conn.execute(
            "INSERT INTO complaint_event (complaint_id, action, status_from, status_to, opd_id,"
            " actor_kind, actor_id, actor_name, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                complaint_id,
                action,
                status_from,
                status_to,
                opd_id,
                actor_kind,
                actor.id if actor else None,
                actor.name if actor else None,
                note,
                db_time(self.clock()),
            ),
        )

    async def notify_admins(self, conn: aiosqlite.Connection, ticket: str, reason: str) -> None:
        """Tell the admins a complaint needs their decision."""
        for chat_id in self.admin_chats():
            # Not in the complaint's queue: it must go out even while the card waits.
            await enqueue(
                conn, "triage_notice", chat_id=chat_id, payload={"ticket": ticket, "reason": reason}
            )

    # -- routing rules --------------------------------------------------------------------
    async def sync_routing_rules(self) -> int:
        """Record the category -> OPD rules of the categories file, keeping a history of every
        change (like FixMyStreet's contacts), so any complaint's routing can be explained."""
        categories = self.knowledge.knowledge.categories
        changed = 0
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT category, opd_id FROM routing_rule") as cur:
                current = {str(r[0]): r[1] for r in await cur.fetchall()}
            for category in categories.values():
                opd = category.opd or None
                if category.id in current and current[category.id] == opd:
                    continue
                await conn.execute(
                    "INSERT INTO routing_rule (category, opd_id, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (category) DO UPDATE SET opd_id = excluded.opd_id,"
                    " updated_at = excluded.updated_at",
                    (category.id, opd, db_time(self.clock())),
                )
                await conn.execute(
                    "INSERT INTO routing_rule_history (category, opd_from, opd_to, changed_at)"
                    " VALUES (?, ?, ?, ?)",
                    (category.id, current.get(category.id), opd, db_time(self.clock())),
                )
                changed += 1
        return changed
