"""Effects once per update id: the claim lives and dies with the effect's transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.services.applied_updates import AppliedUpdates, claim
from db import Database


@pytest.fixture
async def db(tmp_path: Path):
    database = Database(tmp_path / "a.sqlite3")
    await database.open()
    yield database
    await database.close()


async def test_an_update_is_claimed_once(db: Database) -> None:
    updates = AppliedUpdates(db)
    assert not await updates.applied(7)
    async with db.transaction() as conn:
        assert await claim(conn, 7)
    async with db.transaction() as conn:
        assert not await claim(conn, 7)
    assert await updates.applied(7)
    async with db.transaction() as conn:  # no update id (a job, the CLI): never a repeat
        assert await claim(conn, None) and await claim(conn, None)
    assert not await updates.applied(None)


async def test_a_rolled_back_effect_leaves_the_update_unclaimed(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            assert await claim(conn, 8)
            raise RuntimeError("the effect failed")
    assert not await AppliedUpdates(db).applied(8)
    async with db.transaction() as conn:
        assert await claim(conn, 8)  # redelivered: applied now


async def test_old_claims_are_pruned(db: Database) -> None:
    async with db.transaction() as conn:
        await claim(conn, 1)
    updates = AppliedUpdates(db)
    assert await updates.prune(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)) == 0
    assert await updates.prune(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)) == 1
    assert not await updates.applied(1)
