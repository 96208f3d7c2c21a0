"""OPD groups and the complaint's card in them.

A destination (an OPD, or one kantor camat) is linked to one group; a complaint's card goes
to its destination's group, or to the triage group while that is not linked. The outbox
worker calls `card_delivered` once Telegram accepted a card, which records where it is and
marks the complaint delivered; officers act only on that card, in that group.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import aiosqlite

from bot.services.calendar import ACCEPT_WITHIN
from bot.services.complaints.models import (
    COLUMNS,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Complaint,
    Status,
    complaint_from_row,
)
from bot.services.outbox import enqueue
from db import db_time

if TYPE_CHECKING:
    from bot.services.complaints.store import ComplaintStore


class Cards:
    def __init__(self, store: ComplaintStore) -> None:
        self.store = store

    # -- groups ---------------------------------------------------------------------------
    async def link_group(self, destination: str, chat_id: int, title: str | None, by: int) -> int:
        """Link a group to a destination (and unlink whatever it served before). Returns how
        many open complaints' cards moved to follow the new links."""
        store = self.store
        async with store.db.transaction() as conn:
            await conn.execute("DELETE FROM opd_group WHERE chat_id = ?", (chat_id,))
            await conn.execute(
                "INSERT INTO opd_group (opd_id, chat_id, title, linked_by) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (opd_id) DO UPDATE SET chat_id = excluded.chat_id,"
                " title = excluded.title, linked_by = excluded.linked_by,"
                " linked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (destination, chat_id, title, by),
            )
            moved = await self._follow_links(conn)
            # Cards that waited for a group are due now.
            await conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND kind = 'card'",
                (db_time(store.clock()),),
            )
        return moved

    async def _follow_links(self, conn: aiosqlite.Connection) -> int:
        """Open cards follow the links: a card in a group that no longer acts on its
        complaint (its OPD was linked to another group, the group to another OPD, or its OPD
        got a group while the card waited in triage) is marked as moved, and a new card is
        owed to the group that acts now (or waits, and shows in /triase, if none does)."""
        policy = self.store.policy
        async with conn.execute(
            f"SELECT {COLUMNS} FROM complaint c WHERE status IN (?, ?, ?, ?)"
            " AND card_message_id IS NOT NULL AND card_chat_id IS NOT COALESCE("
            "   (SELECT chat_id FROM opd_group g WHERE g.opd_id = CASE"
            "     WHEN c.opd_id = ? AND COALESCE(c.kecamatan_code, '') != ''"
            "     THEN c.opd_id || ':' || c.kecamatan_code ELSE c.opd_id END),"
            "   (SELECT chat_id FROM opd_group g WHERE g.opd_id = ?))",
            (*OPEN_STATUSES, policy.per_kecamatan, policy.triage),
        ) as cur:
            stranded = [complaint_from_row(row) for row in await cur.fetchall()]
        for complaint in stranded:
            await self.reissue(conn, complaint, complaint.opd_id)
        return len(stranded)

    async def group_of(self, destination: str) -> int | None:
        row = await self.store.db.fetchone(
            "SELECT chat_id FROM opd_group WHERE opd_id = ?", (destination,)
        )
        return int(row[0]) if row else None

    async def is_linked(self, chat_id: int) -> bool:
        """Whether the group serves an OPD (or a kantor camat): the only groups where the bot
        listens to anyone but an admin."""
        row = await self.store.db.fetchone("SELECT 1 FROM opd_group WHERE chat_id = ?", (chat_id,))
        return row is not None

    async def migrate_group(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its id changed, its links and cards move with it."""
        async with self.store.db.transaction() as conn:
            await conn.execute(
                "UPDATE opd_group SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )
            await conn.execute(
                "UPDATE complaint SET card_chat_id = ? WHERE card_chat_id = ?",
                (new_chat_id, old_chat_id),
            )
            await conn.execute(
                "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND state = 'pending'",
                (new_chat_id, old_chat_id),
            )

    async def card_chat(self, complaint: Complaint) -> int | None:
        """Where the card goes now: the destination's group, else the triage group."""
        destination = self.store.destination(complaint)
        chat = await self.group_of(destination)
        triage = self.store.policy.triage
        if chat is None and triage is not None and destination != triage:
            chat = await self.group_of(triage)
        return chat

    # -- the card -------------------------------------------------------------------------
    async def reissue(
        self, conn: aiosqlite.Connection, complaint: Complaint, moved_to: str
    ) -> None:
        """The complaint moved: its old card (if any) says where it went, a new card is owed
        to the new group. Inside the caller's transaction."""
        if complaint.card_message_id:
            await enqueue(
                conn,
                "card_edit",
                complaint_id=complaint.id,
                payload={
                    "moved_to": moved_to,
                    "chat_id": complaint.card_chat_id,
                    "message_id": complaint.card_message_id,
                },
            )
        await conn.execute(
            "UPDATE complaint SET card_chat_id = NULL, card_message_id = NULL WHERE id = ?",
            (complaint.id,),
        )
        # One card owed at a time: a card still waiting (for a group, or to be retried) is
        # replaced by this one, which goes wherever the complaint is when it is sent.
        await conn.execute(
            "DELETE FROM outbox WHERE complaint_id = ? AND kind = 'card' AND state = 'pending'",
            (complaint.id,),
        )
        await enqueue(conn, "card", complaint_id=complaint.id, payload={})

    def delivery_due(self, now: dt.datetime) -> dt.datetime:
        """The accept deadline a card delivered now carries."""
        return self.store.calendar.add_working_days(now, ACCEPT_WITHIN)

    async def card_delivered(
        self,
        complaint_id: int,
        chat_id: int,
        message_id: int,
        due: dt.datetime,
        details: list[str] | None = None,
        outbox_row_id: int | None = None,
    ) -> None:
        """Telegram accepted the card: record where it is, mark the complaint delivered.

        A new complaint keeps the deadline it was filed with (the one the resident was
        told); `due` serves one that was moved or assigned, whose deadline starts now.
        The outbox row is marked sent in the same transaction, so a crash cannot leave a
        delivered card unrecorded (or a recorded card owed again)."""
        store = self.store
        complaint = await store.get(complaint_id)
        if complaint is None:
            return
        now = store.clock()
        async with store.db.transaction() as conn:
            await conn.execute(
                "UPDATE complaint SET card_chat_id = ?, card_message_id = ?, updated_at = ?"
                " WHERE id = ?",
                (chat_id, message_id, db_time(now), complaint_id),
            )
            if outbox_row_id is not None:
                await conn.execute(
                    "UPDATE outbox SET state = 'sent', sent_message_id = ?, sent_at = ?,"
                    " last_error = NULL WHERE id = ?",
                    (message_id, db_time(now), outbox_row_id),
                )
            await conn.execute(
                "INSERT OR IGNORE INTO complaint_message (chat_id, message_id, complaint_id, side)"
                " VALUES (?, ?, ?, 'officer')",
                (chat_id, message_id, complaint_id),
            )
            if complaint.status == Status.BARU:
                transition = TRANSITIONS[Action.TERUSKAN]
                await conn.execute(
                    "UPDATE complaint SET status = ?, due_at = ? WHERE id = ?",
                    (transition.target, db_time(complaint.due_at or due), complaint_id),
                )
                await store.add_event(
                    conn,
                    complaint_id,
                    transition.event,
                    complaint.status,
                    transition.target,
                    complaint.opd_id,
                    "system",
                )
                await enqueue(
                    conn,
                    "notify",
                    complaint_id=complaint_id,
                    payload={"template": transition.event},
                )
            for text in details or []:
                await enqueue(conn, "detail", complaint_id=complaint_id, payload={"text": text})
            async with conn.execute(
                "SELECT position FROM complaint_photo WHERE complaint_id = ? ORDER BY position",
                (complaint_id,),
            ) as cur:
                positions = [int(r[0]) for r in await cur.fetchall()]
            for position in positions:
                await enqueue(
                    conn, "photo", complaint_id=complaint_id, payload={"position": position}
                )
            if complaint.latitude is not None and complaint.longitude is not None:
                await enqueue(conn, "pin", complaint_id=complaint_id, payload={})

    async def adopt_card(self, complaint: Complaint, chat_id: int, message_id: int) -> bool:
        """A card Telegram accepted just before a crash was never recorded (its outbox row
        is parked as uncertain). When an officer presses a button on it in the right group,
        it is taken as the complaint's card, and the complaint goes on from there."""
        if complaint.card_message_id is not None or complaint.status != Status.BARU:
            return False
        if await self.card_chat(complaint) != chat_id:
            return False
        row = await self.store.db.fetchone(
            "SELECT id FROM outbox WHERE complaint_id = ? AND kind = 'card'"
            " AND state IN ('parked', 'uncertain')"
            " ORDER BY id DESC LIMIT 1",
            (complaint.id,),
        )
        if row is None:
            return False
        await self.card_delivered(
            complaint.id,
            chat_id,
            message_id,
            self.delivery_due(self.store.clock()),
            outbox_row_id=int(row[0]),
        )
        return True

    # -- messages about a complaint -------------------------------------------------------
    async def remember_message(
        self, chat_id: int, message_id: int, complaint_id: int, side: str
    ) -> None:
        """A message about the complaint, so a reply to it can be relayed."""
        async with self.store.db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO complaint_message (chat_id, message_id, complaint_id, side)"
                " VALUES (?, ?, ?, ?)",
                (chat_id, message_id, complaint_id, side),
            )

    async def complaint_of_message(self, chat_id: int, message_id: int) -> Complaint | None:
        row = await self.store.db.fetchone(
            "SELECT complaint_id FROM complaint_message WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return await self.store.get(int(row[0])) if row else None

    # -- what needs an admin --------------------------------------------------------------
    async def needing_decision(self, limit: int = 30) -> list[tuple[Complaint, str]]:
        """Open complaints that need an admin: unsure routing or "bukan wewenang" (waiting
        at triage), a card that could not be delivered or waits for a group (also after a
        relink), or a destination with no group linked."""
        store = self.store
        policy = store.policy
        rows = await store.db.fetchall(
            f"SELECT {COLUMNS} FROM complaint WHERE status IN (?, ?, ?, ?) AND ("
            "   (opd_id = ? AND triage_reason IS NOT NULL AND status IN (?, ?))"
            " OR (card_message_id IS NULL AND EXISTS (SELECT 1 FROM outbox o"
            "   WHERE o.complaint_id = complaint.id AND o.kind = 'card'"
            "   AND (o.state IN ('parked', 'uncertain')"
            "   OR (o.state = 'pending' AND o.last_error LIKE 'belum ada grup%'))))"
            # Shown in the triage group because its own group is not linked yet.
            " OR NOT EXISTS (SELECT 1 FROM opd_group g WHERE g.opd_id = CASE"
            "   WHEN complaint.opd_id = ? THEN complaint.opd_id || ':' || complaint.kecamatan_code"
            "   ELSE complaint.opd_id END)) ORDER BY id LIMIT ?",
            (
                *OPEN_STATUSES,
                policy.triage,
                Status.BARU,
                Status.DITERUSKAN,
                policy.per_kecamatan,
                limit,
            ),
        )
        found = []
        for row in rows:
            complaint = complaint_from_row(row)
            if complaint.card_message_id is None and not complaint.triage_reason:
                parked = await store.db.fetchone(
                    "SELECT state, last_error FROM outbox WHERE complaint_id = ? AND kind = 'card'"
                    " ORDER BY id DESC LIMIT 1",
                    (complaint.id,),
                )
                if parked is not None and parked[0] in ("parked", "uncertain"):
                    found.append((complaint, f"kartu tidak terkirim: {parked[1]}"))
                    continue
            unlinked = f"grup {store.destination(complaint)} belum terhubung"
            found.append((complaint, complaint.triage_reason or unlinked))
        return found
