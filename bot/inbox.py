"""The durable inbox: an update is stored before Telegram is told it arrived.

Long polling confirms a batch (the next getUpdates offset) and the webhook answers 200
only after the batch is committed here, so a crash can lose nothing Telegram considers
delivered. Rows not yet handled are handled again at the next start; an update
Telegram delivers again while its row is still here is not handled twice. This module is
storage only: it knows update ids, chat keys and JSON bodies, nothing of Telegram.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from db import Database
from db.database import db_time

# Telegram keeps an unconfirmed update for 24 hours; a handled row is kept longer, so a
# late redelivery is still recognised, then pruned.
KEEP_HANDLED = dt.timedelta(days=2)
# A row whose handling was interrupted this many times (each a crash or kill while it was
# being handled) is given up: a poison update must not crash the bot forever.
MAX_ATTEMPTS = 3
ERROR_CHARS = 300


@dataclass(frozen=True)
class InboxRow:
    update_id: int
    chat_key: int  # updates with one key are handled strictly in order
    body: str  # the update as JSON


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Inbox:
    def __init__(self, db: Database, clock: Callable[[], dt.datetime] = _now) -> None:
        self.db = db
        self.clock = clock

    async def store(self, rows: Sequence[InboxRow]) -> list[InboxRow]:
        """Store a whole batch in ONE durable transaction; return the rows that are new
        (an update already stored, handled or not, is not stored or handled again)."""
        if not rows:
            return []
        new: list[InboxRow] = []
        async with self.db.transaction() as conn:
            for row in rows:
                cursor = await conn.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, chat_key, body) VALUES (?, ?, ?)",
                    (row.update_id, row.chat_key, row.body),
                )
                if cursor.rowcount == 1:
                    new.append(row)
        return new

    async def unhandled(self) -> list[InboxRow]:
        """Rows not handled yet, oldest first (at start, after a crash). Rows interrupted
        MAX_ATTEMPTS times are marked handled with an error instead of being returned."""
        async with self.db.transaction(durable=False) as conn:
            await conn.execute(
                "UPDATE inbox SET handled_at = ?, body = NULL, error = ?"
                " WHERE handled_at IS NULL AND attempts >= ?",
                (
                    db_time(self.clock()),
                    f"given up: interrupted {MAX_ATTEMPTS} times",
                    MAX_ATTEMPTS,
                ),
            )
        rows = await self.db.fetchall(
            "SELECT update_id, chat_key, body FROM inbox WHERE handled_at IS NULL"
            " ORDER BY update_id"
        )
        return [InboxRow(r["update_id"], r["chat_key"], r["body"]) for r in rows]

    async def count_attempt(self, update_id: int) -> None:
        """A recovered row is about to be handled again: count it, for MAX_ATTEMPTS."""
        async with self.db.transaction(durable=False) as conn:
            await conn.execute(
                "UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", (update_id,)
            )

    async def mark_handled(self, update_id: int, error: str | None = None) -> None:
        """Handled (with or without an error: the error handler already answered). The body
        is dropped: no message text is kept once it served its purpose."""
        # Not durable: a power cut losing this only means the update is handled again.
        async with self.db.transaction(durable=False) as conn:
            await conn.execute(
                "UPDATE inbox SET handled_at = ?, body = NULL, error = ? WHERE update_id = ?",
                (db_time(self.clock()), error[:ERROR_CHARS] if error else None, update_id),
            )

    async def prune(self) -> int:
        """Forget rows handled more than KEEP_HANDLED ago; returns how many."""
        async with self.db.transaction(durable=False) as conn:
            cursor = await conn.execute(
                "DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < ?",
                (db_time(self.clock() - KEEP_HANDLED),),
            )
            return cursor.rowcount
