"""The outbox: every message the bot owes someone, stored before it is sent.

Rows are written inside the transaction of the change that caused them (`enqueue`), so a
committed complaint always has its messages owed, and a rolled-back one has none. The
worker in `bot.delivery` sends them, records the Telegram message id, retries transient
failures with backoff, waits as told on RetryAfter, and holds back what it cannot send:

- `parked`: Telegram refused it for good (blocked, removed, chat not found), with the reason;
- `uncertain`: the outcome is unknown (the request went out and its answer was lost, or the
  bot stopped mid-send). Sending again might deliver it twice, so it is never retried by
  itself; an admin resends (`requeue`) or dismisses it from /tertahan.

Ordering: a complaint's *essential* rows (the card, notices, relays) go out in order. An
*optional* row (a photo copy, the map pin) waits for the rows before it, but nothing ever
waits for an optional row, so a pin that keeps failing never holds back a notice. Which
kinds are optional is the caller's knowledge (`bot.delivery.senders.KINDS`), passed in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from db import Database, db_time, parse_db_time

HELD_NOTICE = "held_notice"  # the admin notice "something is held back, see /tertahan"
HELD_NOTICE_GAP = "+30 minutes"  # at most one such notice per admin chat in this time
HELD_STATES = ("parked", "uncertain")


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
    parts_sent: int = 0  # parts of a long message already delivered
    # The chat it goes to, as far as known before sending (the worker's lane): rows with
    # the same lane go out one after another, rows of different lanes may go together.
    lane: str = ""


@dataclass(frozen=True)
class HeldRow:
    """A row held back for an admin: parked (refused) or uncertain (outcome unknown)."""

    id: int
    kind: str
    state: str
    reason: str | None
    held_at: dt.datetime | None
    chat_id: int | None
    ticket: str | None
    opd_id: str | None
    kecamatan_name: str | None
    parts_sent: int


# Row `o` is held back by an earlier unfinished row of its complaint: an essential row only
# by an earlier essential one, an optional row by any. Completed with the optional kinds'
# placeholders: f"{_HELD_BACK}{marks}) OR e.kind NOT IN ({marks})))".
_HELD_BACK = (
    "EXISTS (SELECT 1 FROM outbox e WHERE e.complaint_id = o.complaint_id"
    " AND e.state IN ('pending', 'sending') AND e.id < o.id AND (o.kind IN ("
)


# The lane of row `o` (complaint `c` joined): its chat if known, the resident for kinds sent
# to residents (completed with their placeholders), else the complaint's card group, else
# its destination. f"{_LANE}{marks}{_LANE_END}"
_LANE = (
    "CASE WHEN o.chat_id IS NOT NULL THEN 'chat ' || o.chat_id"
    " WHEN c.id IS NULL THEN 'row ' || o.id WHEN o.kind IN ("
)
_LANE_END = (
    ") THEN 'resident ' || c.resident_id"
    " WHEN c.card_chat_id IS NOT NULL THEN 'chat ' || c.card_chat_id"
    " ELSE 'to ' || c.opd_id || ':' || COALESCE(c.kecamatan_code, '') END"
)


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def due(
        self,
        now: dt.datetime,
        limit: int = 20,
        optional: Iterable[str] = (),
        to_resident: Iterable[str] = (),
    ) -> list[OutboxRow]:
        """Rows that can be sent now, oldest first, each with its lane."""
        kinds = tuple(sorted(optional))
        marks = ",".join("?" for _ in kinds) or "''"  # '': no kind is optional
        resident = tuple(sorted(to_resident))
        resident_marks = ",".join("?" for _ in resident) or "''"
        rows = await self.db.fetchall(
            "SELECT o.id, o.kind, o.complaint_id, o.chat_id, o.payload, o.attempts,"
            f" o.parts_sent, {_LANE}{resident_marks}{_LANE_END}"
            " FROM outbox o LEFT JOIN complaint c ON c.id = o.complaint_id"
            " WHERE o.state = 'pending' AND o.next_attempt_at <= ?"
            f" AND NOT {_HELD_BACK}{marks}) OR e.kind NOT IN ({marks})))"
            " ORDER BY o.id LIMIT ?",
            (*resident, db_time(now), *kinds, *kinds, limit),
        )
        return [
            OutboxRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], str(r[7])) for r in rows
        ]

    async def next_due_at(
        self, optional: Iterable[str] = (), after: dt.datetime | None = None
    ) -> dt.datetime | None:
        """When the next row can be sent (only rows due later than `after`, if given).
        Rows held back by an earlier row are left out: they become sendable only when that
        row is handled, which wakes the worker."""
        kinds = tuple(sorted(optional))
        marks = ",".join("?" for _ in kinds) or "''"
        row = await self.db.fetchone(
            "SELECT MIN(next_attempt_at) FROM outbox o WHERE state = 'pending'"
            " AND next_attempt_at > ?"
            f" AND NOT {_HELD_BACK}{marks}) OR e.kind NOT IN ({marks})))",
            ("" if after is None else db_time(after), *kinds, *kinds),
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

    async def part_sent(self, row_id: int, parts: int) -> None:
        """`parts` parts of a long message are delivered: a retry starts after them."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE outbox SET parts_sent = ? WHERE id = ?", (parts, row_id))

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

    async def park(self, row_id: int, reason: str, notify: Iterable[int] = ()) -> None:
        """Telegram refused the row for good; `notify`: admin chats to tell."""
        await self._hold(row_id, "parked", reason, notify)

    async def uncertain(self, row_id: int, reason: str, notify: Iterable[int] = ()) -> None:
        """The row may or may not have arrived: never resent without an admin."""
        await self._hold(row_id, "uncertain", reason, notify)

    async def _hold(self, row_id: int, state: str, reason: str, notify: Iterable[int]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = ?, last_error = ?,"
                " held_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                (state, reason[:500], row_id),
            )
            await self._notice(conn, notify)

    @staticmethod
    async def _notice(conn: aiosqlite.Connection, chats: Iterable[int]) -> None:
        """One "messages held back" notice per admin chat: none if one is still owed, and
        not sooner than HELD_NOTICE_GAP after the last one (a dead group parks many rows)."""
        for chat_id in chats:
            async with conn.execute(
                "SELECT SUM(state IN ('pending', 'sending')),"
                " strftime('%Y-%m-%dT%H:%M:%fZ', MAX(created_at), ?)"
                " FROM outbox WHERE kind = ? AND chat_id = ?",
                (HELD_NOTICE_GAP, HELD_NOTICE, chat_id),
            ) as cur:
                owed, not_before = await cur.fetchone() or (0, None)
            if owed:
                continue
            row_id = await enqueue(conn, HELD_NOTICE, chat_id=chat_id, payload={})
            if not_before is not None:
                await conn.execute(
                    "UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, ?) WHERE id = ?",
                    (not_before, row_id),
                )

    async def recover(self, idempotent_kinds: frozenset[str]) -> int:
        """After a crash: rows caught mid-send. Resending could deliver twice, so only
        idempotent ones (edits) go back to pending; the rest become uncertain."""
        async with self.db.transaction() as conn:
            kinds = tuple(sorted(idempotent_kinds))
            marks = ",".join("?" for _ in kinds) or "''"
            await conn.execute(
                "UPDATE outbox SET state = 'pending' WHERE state = 'sending'"
                f" AND kind IN ({marks})",
                kinds,
            )
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'uncertain', held_at ="
                " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), last_error ="
                " 'pengiriman tidak pasti: bot berhenti saat mengirim (tidak dikirim ulang"
                " agar tidak ganda)' WHERE state = 'sending'"
            )
            return cursor.rowcount

    async def requeue(self, row_id: int, now: dt.datetime) -> bool:
        """An admin asked to send a held row again (from where it stopped, for parts)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'pending', next_attempt_at = ?, attempts = 0,"
                " held_at = NULL WHERE id = ? AND state IN ('parked', 'uncertain')",
                (db_time(now), row_id),
            )
            return cursor.rowcount == 1

    async def dismiss(self, row_id: int) -> bool:
        """An admin chose not to send a held row; it is kept (and pruned) like a sent one."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'dismissed', sent_at ="
                " strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                " WHERE id = ? AND state IN ('parked', 'uncertain')",
                (row_id,),
            )
            return cursor.rowcount == 1

    async def prune(self, before: dt.datetime) -> int:
        """Forget messages sent before `before`: the complaint's events stay as the record,
        and the database does not grow with every notice ever sent."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM outbox WHERE state IN ('sent', 'dismissed') AND sent_at < ?",
                (db_time(before),),
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

    async def held(self, limit: int = 20) -> list[HeldRow]:
        """Parked and uncertain rows, newest first, with what an admin needs to decide."""
        rows = await self.db.fetchall(
            "SELECT o.id, o.kind, o.state, o.last_error, o.held_at, o.chat_id, c.ticket,"
            " c.opd_id, c.kecamatan_name, o.parts_sent FROM outbox o"
            " LEFT JOIN complaint c ON c.id = o.complaint_id"
            " WHERE o.state IN ('parked', 'uncertain') ORDER BY o.id DESC LIMIT ?",
            (limit,),
        )
        return [
            HeldRow(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                r[3],
                parse_db_time(r[4]),
                r[5],
                r[6],
                r[7],
                r[8],
                int(r[9]),
            )
            for r in rows
        ]

    async def held_count(self) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM outbox WHERE state IN ('parked', 'uncertain')"
        )
        return int(row[0]) if row else 0
