from __future__ import annotations

import asyncio
import contextlib
import sqlite3
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


async def _reader_sees(db: Database) -> tuple[list[str], list[str]]:
    """Task 1 inserts in an open transaction and waits; task 2 reads meanwhile; task 1 then
    rolls back. Returns (what task 2 read, what task 1 read inside its transaction)."""
    inserted, read_done = asyncio.Event(), asyncio.Event()
    own: list[str] = []

    async def writer() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO unanswered_question (text, normalized) VALUES ('x', 'x')"
                )
                # A service reading inside its own transaction sees its own write.
                own.extend(r[0] for r in await db.fetchall("SELECT text FROM unanswered_question"))
                inserted.set()
                # A read that waits for the transaction (":memory:") cannot finish first.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(read_done.wait(), timeout=0.3)
                raise RuntimeError("rolled back")

    async def reader() -> list[str]:
        await inserted.wait()
        try:
            return [r[0] for r in await db.fetchall("SELECT text FROM unanswered_question")]
        finally:
            read_done.set()

    async with asyncio.timeout(10):
        _, seen = await asyncio.gather(writer(), reader())
    return seen, own


async def test_reads_never_see_another_tasks_uncommitted_writes(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    await db.open()
    try:
        seen, own = await _reader_sees(db)
        assert seen == []
        assert own == ["x"]
        assert await db.fetchall("SELECT text FROM unanswered_question") == []
        # A commit is visible to the next read at once.
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO unanswered_question (text, normalized) VALUES ('y', 'y')"
            )
        assert [r[0] for r in await db.fetchall("SELECT text FROM unanswered_question")] == ["y"]
    finally:
        await db.close()


async def test_in_memory_reads_wait_for_the_open_transaction() -> None:
    db = Database(":memory:")
    await db.open()
    try:
        seen, own = await _reader_sees(db)
        assert seen == []
        assert own == ["x"]
    finally:
        await db.close()


async def test_the_read_connection_cannot_write(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    await db.open()
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await db.fetchall(
                "INSERT INTO unanswered_question (text, normalized) VALUES ('a', 'a')"
            )
    finally:
        await db.close()
