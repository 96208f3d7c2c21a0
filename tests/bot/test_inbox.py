"""The durable inbox: storage only (bot/inbox.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.inbox import KEEP_HANDLED, MAX_ATTEMPTS, Inbox, InboxRow
from db import Database


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def db(fast_tmp: Path) -> AsyncIterator[Database]:
    database = Database(fast_tmp / "inbox.sqlite3")
    await database.open()
    yield database
    await database.close()


def row(update_id: int, chat: int = 7) -> InboxRow:
    return InboxRow(update_id, chat, f'{{"update_id": {update_id}}}')


async def test_a_batch_is_stored_once_and_redelivery_is_not_new(db: Database) -> None:
    inbox = Inbox(db)
    assert await inbox.store([row(1), row(2)]) == [row(1), row(2)]
    # Telegram delivers 2 again (not confirmed yet) with a new 3: only 3 is new.
    assert await inbox.store([row(2), row(3)]) == [row(3)]
    await inbox.mark_handled(1)
    assert await inbox.store([row(1)]) == []  # handled already: not handled twice
    assert [r.update_id for r in await inbox.unhandled()] == [2, 3]


async def test_handled_rows_lose_their_body_and_keep_the_error(db: Database) -> None:
    inbox = Inbox(db)
    await inbox.store([row(1), row(2)])
    await inbox.mark_handled(1)
    await inbox.mark_handled(2, "BadRequest: " + "x" * 1000)
    rows = await db.fetchall("SELECT update_id, body, error, handled_at FROM inbox")
    assert all(r["body"] is None and r["handled_at"] for r in rows)
    assert rows[0]["error"] is None
    assert rows[1]["error"].startswith("BadRequest") and len(rows[1]["error"]) <= 300


async def test_a_poison_update_is_given_up_after_max_attempts(db: Database) -> None:
    inbox = Inbox(db)
    await inbox.store([row(1), row(2)])
    for _ in range(MAX_ATTEMPTS):
        # Each start finds 1 unhandled and its handling is interrupted again.
        assert [r.update_id for r in await inbox.unhandled()] == [1, 2]
        await inbox.count_attempt(1)
    assert [r.update_id for r in await inbox.unhandled()] == [2]
    gone = await db.fetchone("SELECT handled_at, error FROM inbox WHERE update_id = 1")
    assert gone["handled_at"] and "given up" in gone["error"]


async def test_prune_forgets_only_old_handled_rows(db: Database) -> None:
    clock = Clock()
    inbox = Inbox(db, clock)
    await inbox.store([row(1), row(2), row(3)])
    await inbox.mark_handled(1)
    clock.now += KEEP_HANDLED / 2
    await inbox.mark_handled(2)
    clock.now += KEEP_HANDLED / 2 + dt.timedelta(minutes=1)
    assert await inbox.prune() == 1
    left = await db.fetchall("SELECT update_id FROM inbox ORDER BY update_id")
    assert [r["update_id"] for r in left] == [2, 3]  # 3 is unhandled: never pruned
