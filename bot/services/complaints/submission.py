"""Filing a complaint: route it, store it with its first event and the card it owes, in
one durable transaction, before the resident is told a ticket number.

A resident who confirms twice (the same draft), or files the same text again within
minutes, gets the first ticket back instead of a second complaint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from typing import TYPE_CHECKING

import aiosqlite

from bot.services.calendar import ACCEPT_WITHIN
from bot.services.complaints import routing
from bot.services.complaints.drafts import MAX_PHOTOS, Draft, cap
from bot.services.complaints.models import (
    COLUMNS,
    Complaint,
    Status,
    Submission,
    complaint_from_row,
)
from bot.services.outbox import enqueue
from bot.services.redaction import redact
from bot.services.tickets import new_ticket
from db import db_time

if TYPE_CHECKING:
    from bot.services.complaints.store import ComplaintStore

DUPLICATE_WINDOW = dt.timedelta(minutes=30)


def fingerprint(text: str) -> str:
    """The same complaint text, whatever its case, punctuation and spacing."""
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:32]


class Submissions:
    def __init__(self, store: ComplaintStore) -> None:
        self.store = store

    async def submit(self, draft: Draft) -> Submission:
        """Store the complaint, its first event and the messages it owes, atomically."""
        store = self.store
        knowledge = store.knowledge.knowledge
        now = store.clock()
        # A draft stored before the limit existed is held to it too.
        draft.description, _ = cap(draft.description)
        text_fingerprint = fingerprint(draft.description)
        decision = routing.route(draft, store.knowledge)
        anonymous = routing.anonymous(knowledge, draft.category, decision.opd)
        share = draft.share != "anon" and not anonymous
        # Durable: the resident is shown the ticket only after this commit reached the disk.
        async with store.db.transaction() as conn:
            existing = await self._existing(conn, draft, text_fingerprint, now)
            if existing is not None:
                await conn.execute("DELETE FROM draft WHERE resident_id = ?", (draft.resident_id,))
                return Submission(existing, created=False)
            complaint_id = await self._insert(
                conn, draft, now, decision, anonymous, share, text_fingerprint
            )
            await store.add_event(
                conn, complaint_id, "dibuat", None, Status.BARU, decision.opd, "resident"
            )
            await enqueue(conn, "card", complaint_id=complaint_id, payload={})
            await conn.execute("DELETE FROM draft WHERE resident_id = ?", (draft.resident_id,))
            async with conn.execute(
                f"SELECT {COLUMNS} FROM complaint WHERE id = ?", (complaint_id,)
            ) as cur:
                row = await cur.fetchone()
            assert row is not None
            complaint = complaint_from_row(row)
            if decision.triage_reason:
                await store.notify_admins(conn, complaint.ticket, decision.triage_reason)
        return Submission(complaint, created=True)

    async def _existing(
        self, conn: aiosqlite.Connection, draft: Draft, text_fingerprint: str, now: dt.datetime
    ) -> Complaint | None:
        """The ticket this draft already produced, or the same text filed just now."""
        async with conn.execute(
            f"SELECT {COLUMNS} FROM complaint WHERE draft_nonce = ?", (draft.nonce,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            async with conn.execute(
                f"SELECT {COLUMNS} FROM complaint WHERE resident_id = ?"
                " AND fingerprint = ? AND created_at >= ? ORDER BY id LIMIT 1",
                (draft.resident_id, text_fingerprint, db_time(now - DUPLICATE_WINDOW)),
            ) as cur:
                row = await cur.fetchone()
        return complaint_from_row(row) if row is not None else None

    async def _insert(
        self,
        conn: aiosqlite.Connection,
        draft: Draft,
        now: dt.datetime,
        decision: routing.RouteDecision,
        anonymous: bool,
        share: bool,
        text_fingerprint: str,
    ) -> int:
        category = self.store.knowledge.knowledge.categories.get(draft.category or "")
        for _ in range(10):  # a ticket collision is one in hundreds of millions; retry
            try:
                cursor = await conn.execute(
                    "INSERT INTO complaint (ticket, resident_id, draft_nonce, category,"
                    " description, description_redacted, fingerprint, desa_code, desa_name,"
                    " kecamatan_code, kecamatan_name, latitude, longitude, location_text,"
                    " opd_id, route_score, triage_reason, sensitive, emergency, share_identity,"
                    " reporter_name, reporter_phone, status, due_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?, ?, ?)",
                    (
                        new_ticket(),
                        draft.resident_id,
                        draft.nonce,
                        draft.category or "lainnya",
                        draft.description,
                        redact(draft.description),
                        text_fingerprint,
                        draft.desa_code,
                        draft.desa_name,
                        draft.kecamatan_code,
                        draft.kecamatan_name,
                        draft.latitude,
                        draft.longitude,
                        draft.location_text,
                        decision.opd,
                        decision.score,
                        decision.triage_reason,
                        int(anonymous),
                        int(bool(category and category.emergency)),
                        int(share),
                        draft.reporter_name if share else None,
                        draft.reporter_phone if share and draft.share == "name_phone" else None,
                        Status.BARU,
                        # The accept deadline counts from filing: the resident is told this
                        # date with the ticket, and delivering the card keeps it.
                        db_time(self.store.calendar.add_working_days(now, ACCEPT_WITHIN)),
                        db_time(now),
                        db_time(now),
                    ),
                )
            except sqlite3.IntegrityError as exc:
                if "complaint.ticket" in str(exc):
                    continue
                raise
            complaint_id = int(cursor.lastrowid or 0)
            for position, file_id in enumerate(draft.photos[:MAX_PHOTOS], 1):
                await conn.execute(
                    "INSERT INTO complaint_photo (complaint_id, position, file_id)"
                    " VALUES (?, ?, ?)",
                    (complaint_id, position, file_id),
                )
            return complaint_id
        raise RuntimeError("could not allocate a unique ticket")
