"""Handler effects happen once per incoming update, however often it is delivered.

Updates are at-least-once: after a crash Telegram (or the inbox) hands the same update over
again. Each effect of a handler (an officer's reply relayed, a paste continuation appended,
a photo attached, a button press applied) calls `claim` with the update's id inside the
transaction that makes the effect; the second time the claim fails and the caller skips
the effect (it may repeat a harmless acknowledgement). No Telegram here: an update id is a
number.
"""

from __future__ import annotations

import datetime as dt

import aiosqlite

from db import Database, db_time

# Telegram keeps an undelivered update for 24 hours; twice that is plenty.
KEEP = dt.timedelta(days=2)


async def claim(conn: aiosqlite.Connection, update_id: int | None) -> bool:
    """Record inside the caller's transaction that `update_id` has had its effect.
    False if it already had (skip the effect). No update id (a job, the CLI): always True."""
    if update_id is None:
        return True
    cursor = await conn.execute(
        "INSERT INTO applied_update (update_id) VALUES (?) ON CONFLICT (update_id) DO NOTHING",
        (update_id,),
    )
    return cursor.rowcount == 1


async def was_applied(db: Database, update_id: int | None) -> bool:
    """Whether this update's effect is already stored (it is being delivered again)."""
    if update_id is None:
        return False
    row = await db.fetchone("SELECT 1 FROM applied_update WHERE update_id = ?", (update_id,))
    return row is not None


class AppliedUpdates:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def applied(self, update_id: int | None) -> bool:
        return await was_applied(self.db, update_id)

    async def prune(self, before: dt.datetime) -> int:
        """Forget updates applied before `before`: long past any redelivery."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM applied_update WHERE applied_at < ?", (db_time(before),)
            )
            return cursor.rowcount
