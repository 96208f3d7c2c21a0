"""The outbox: every message the bot owes someone, stored before it is sent.

Rows are written inside the transaction of the change that caused them (`enqueue`), so a
committed complaint always has its messages owed, and a rolled-back one has none. The
worker in `bot.delivery` sends them, records the Telegram message id, retries transient
failures with backoff, waits as told on RetryAfter, and parks permanent failures with a
reason an admin can read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

from db import Database, db_time, parse_db_time


async def enqueue(
    conn: aiosqlite.Connection,
    kind: str,
    *,
    payload: dict[str, Any],
    complaint_id: int | None = None,
    chat_id: int | None = None,
) -> int:
    """Add a message owed; call inside the transaction that made it owed."""
    cursor = await conn.execute(
        "INSERT INTO outbox (kind, complaint_id, chat_id, payload) VALUES (?, ?, ?, ?)",
        (kind, complaint_id, chat_id, json.dumps(payload, ensure_ascii=False)),
    )
    return int(cursor.lastrowid or 0)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    complaint_id: int | None
    chat_id: int | None
    payload: dict[str, Any]
    attempts: int


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def due(self, now: dt.datetime, limit: int = 20) -> list[OutboxRow]:
        # A complaint's messages go out in order: a row waits while an earlier row of the
        # same complaint is still pending (e.g. retrying, or a card waiting for a group).
        rows = await self.db.fetchall(
            "SELECT id, kind, complaint_id, chat_id, payload, attempts FROM outbox o"
            " WHERE state = 'pending' AND next_attempt_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.complaint_id = o.complaint_id"
            "   AND e.state IN ('pending', 'sending') AND e.id < o.id)"
            " ORDER BY id LIMIT ?",
            (db_time(now), limit),
        )
        return [OutboxRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]

    async def next_due_at(self) -> dt.datetime | None:
        row = await self.db.fetchone(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'"
        )
        if row is None or row[0] is None:
            return None
        return parse_db_time(str(row[0]))

    async def begin(self, row_id: int) -> bool:
        """Mark a row as being sent; its own commit, so a crash mid-send is detectable."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1"
                " WHERE id = ? AND state = 'pending'",
                (row_id,),
            )
            return cursor.rowcount == 1

    async def sent(self, row_id: int, message_id: int | None, now: dt.datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = 'sent', sent_message_id = ?, sent_at = ?,"
                " last_error = NULL WHERE id = ?",
                (message_id, db_time(now), row_id),
            )

    async def retry(self, row_id: int, at: dt.datetime, error: str, *, count: bool = True) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ?,"
                " attempts = attempts - ? WHERE id = ?",
                (db_time(at), error[:500], 0 if count else 1, row_id),
            )

    async def park(self, row_id: int, reason: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = 'parked', last_error = ? WHERE id = ?",
                (reason[:500], row_id),
            )

    async def recover(self, idempotent_kinds: frozenset[str]) -> int:
        """After a crash: rows caught mid-send. Resending could deliver twice, so only
        idempotent ones (edits) go back to pending; the rest are parked with the reason."""
        async with self.db.transaction() as conn:
            placeholders = ",".join("?" for _ in idempotent_kinds) or "''"
            await conn.execute(
                f"UPDATE outbox SET state = 'pending' WHERE state = 'sending'"
                f" AND kind IN ({placeholders})",
                tuple(idempotent_kinds),
            )
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'parked', last_error ="
                " 'pengiriman tidak pasti: bot berhenti saat mengirim (tidak dikirim ulang"
                " agar tidak ganda)' WHERE state = 'sending'"
            )
            return cursor.rowcount

    async def prune(self, before: dt.datetime) -> int:
        """Forget messages sent before `before`: the complaint's events stay as the record,
        and the database does not grow with every notice ever sent."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?", (db_time(before),)
            )
            return cursor.rowcount

    async def counts(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT state, COUNT(*) FROM outbox GROUP BY state")
        return {str(r[0]): int(r[1]) for r in rows}

    async def parked(self, limit: int = 50) -> list[tuple[int, str, str | None]]:
        rows = await self.db.fetchall(
            "SELECT id, kind, last_error FROM outbox WHERE state = 'parked' ORDER BY id DESC"
            " LIMIT ?",
            (limit,),
        )
        return [(int(r[0]), str(r[1]), r[2]) for r in rows]
