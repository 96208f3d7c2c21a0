"""The bot's SQLite connections (one for writes, one for reads) and schema migrations.

Durability first: WAL journal, synchronous=FULL (a committed complaint
survives power loss), foreign keys on, and a busy timeout so the command
line can read while the bot writes.

Reads never see another task's uncommitted writes: `fetchall`/`fetchone` use a second,
read-only connection, which in WAL mode reads the last committed state. A task inside its
own `transaction()` reads on the write connection, so it sees its own writes. A ":memory:"
database has no second connection (each would be a different database): its reads wait
for the write lock instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """Numbered migration files in order; a gap or duplicate number is a bug."""
    found: list[tuple[int, Path]] = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file name not understood: {path.name}")
        found.append((int(match.group(1)), path))
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, ... without gaps: {numbers}")
    return found


class Database:
    """Owns the connections. Open once at start, close once at shutdown."""

    def __init__(self, path: Path | str, *, synchronous: str = "FULL") -> None:
        self.path = str(path)
        self.synchronous = synchronous
        self._conn: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        # One write connection serves every task (handlers, the outbox worker, jobs):
        # transactions take turns. Never open a transaction inside another one (it would
        # wait forever).
        self._write_lock = asyncio.Lock()
        # The task holding the write transaction: its reads go to the write connection, to
        # see its own uncommitted writes. Any other task reads the last committed state.
        self._owner: asyncio.Task | None = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a
        # transaction is exactly what `transaction()` wraps.
        self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        self._conn.row_factory = aiosqlite.Row
        await self._conn.execute("PRAGMA journal_mode=WAL")
        await self._conn.execute(f"PRAGMA synchronous={self.synchronous}")
        await self._conn.execute("PRAGMA foreign_keys=ON")
        await self._conn.execute("PRAGMA busy_timeout=5000")
        await self.migrate()
        if self.path != ":memory:":
            # Opened after the migrations, so it never reads a half-built schema.
            self._reader = await aiosqlite.connect(self.path, isolation_level=None)
            self._reader.row_factory = aiosqlite.Row
            await self._reader.execute("PRAGMA query_only=ON")
            await self._reader.execute(f"PRAGMA synchronous={self.synchronous}")
            await self._reader.execute("PRAGMA foreign_keys=ON")
            await self._reader.execute("PRAGMA busy_timeout=5000")

    async def close(self) -> None:
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        """Apply every migration newer than `PRAGMA user_version`, each in its own transaction."""
        current = await self.schema_version()
        for number, path in migration_files():
            if number <= current:
                continue
            script = path.read_text(encoding="utf-8")
            # executescript commits implicitly, so the version bump lives inside the script's
            # own BEGIN/COMMIT to make each migration all-or-nothing.
            await self.conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version={number};\nCOMMIT;"
            )
            log.info("database migrated to version %d (%s)", number, path.name)
            current = number
        return current

    @asynccontextmanager
    async def transaction(self, *, durable: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; one at a time.

        `durable=False` commits without waiting for the disk (synchronous=NORMAL): the
        change survives a crash or restart of the bot, only a power cut may lose it. For
        state that is cheap to lose that way (a draft being typed), never for complaints,
        officer actions or the outbox.
        """
        async with self._write_lock:
            self._owner = asyncio.current_task()
            if not durable and self.synchronous != "NORMAL":
                await self.conn.execute("PRAGMA synchronous=NORMAL")
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self.conn
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                await self.conn.execute("COMMIT")
            finally:
                if not durable and self.synchronous != "NORMAL":
                    await self.conn.execute(f"PRAGMA synchronous={self.synchronous}")
                self._owner = None

    async def fetchall(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        """Rows of a read: the last committed state (plus this task's own open transaction)."""
        if self._owner is not None and self._owner is asyncio.current_task():
            return list(await self.conn.execute_fetchall(sql, params))
        if self._reader is not None:
            # One trip to aiosqlite's thread instead of three (execute, fetch, close).
            return list(await self._reader.execute_fetchall(sql, params))
        if self._conn is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:  # ":memory:": no transaction is open while we read
            return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None


def db_time(moment: dt.datetime) -> str:
    """A timestamp in the exact text form SQLite's `strftime('%Y-%m-%dT%H:%M:%fZ')` writes,
    so that stored times compare correctly as strings (UTC, milliseconds)."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_db_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
