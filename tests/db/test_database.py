from __future__ import annotations

from pathlib import Path

import pytest

from db import Database
from db.database import migration_files


async def test_open_applies_migrations_and_durability_pragmas(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    await db.open()
    try:
        assert await db.schema_version() == len(migration_files())
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetchone("PRAGMA synchronous"))[0] == 2  # FULL
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
        assert (await db.fetchone("PRAGMA busy_timeout"))[0] == 5000
    finally:
        await db.close()


async def test_reopening_does_not_migrate_twice_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = Database(path)
    await db.open()
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO unanswered_question (text, normalized) VALUES ('a', 'a')")
    key = (await db.fetchone("SELECT value FROM meta WHERE key='pseudonym_key'"))[0]
    await db.close()
    db = Database(path)
    await db.open()
    try:
        assert (await db.fetchone("SELECT COUNT(*) FROM unanswered_question"))[0] == 1
        assert (await db.fetchone("SELECT value FROM meta WHERE key='pseudonym_key'"))[0] == key
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    await db.open()
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO unanswered_question (text, normalized) VALUES ('a', 'a')"
                )
                raise RuntimeError("fail mid-way")
        assert (await db.fetchone("SELECT COUNT(*) FROM unanswered_question"))[0] == 0
    finally:
        await db.close()


def test_migration_files_are_numbered_without_gaps(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("")
    (tmp_path / "0003_c.sql").write_text("")
    with pytest.raises(RuntimeError, match="without gaps"):
        migration_files(tmp_path)


async def test_concurrent_transactions_take_turns(tmp_path: Path) -> None:
    import asyncio

    db = Database(tmp_path / "x.sqlite3")
    await db.open()
    try:

        async def write(i: int) -> None:
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO unanswered_question (text, normalized) VALUES (?, ?)", (i, i)
                )
                await asyncio.sleep(0)  # give the other tasks a chance to interleave

        await asyncio.gather(*(write(i) for i in range(50)))
        assert (await db.fetchone("SELECT COUNT(*) FROM unanswered_question"))[0] == 50
    finally:
        await db.close()
