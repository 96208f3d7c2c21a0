"""A heartbeat the running bot writes, and the health check that reads it.

The bot's job queue rewrites a small JSON file next to the database every
`HEARTBEAT_SECONDS`. A fresh file proves what a container or systemd cannot see from the
outside: the event loop is turning (a stuck loop stops the job), the job queue runs, and
the database answers (the beat reads it). `python -m bot health` exits 0 only when the file
is fresh and the database opens at the current schema, so Docker's HEALTHCHECK restarts a
bot that is alive as a process but no longer serving anyone.

Telegram being unreachable does not make the bot unhealthy: a restart cannot fix the
network, and polling already retries with backoff. The file counts the outbox's rows by
state, so a human sees a growing backlog or parked messages at a glance.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

HEARTBEAT_SECONDS = 30
# Three missed beats: long enough for a busy moment, short enough to notice a stall.
STALE_AFTER = dt.timedelta(seconds=3 * HEARTBEAT_SECONDS)


def heartbeat_path(database_path: Path | str) -> Path | None:
    """The file beside the database; None for an in-memory database."""
    if str(database_path) == ":memory:":
        return None
    path = Path(database_path)
    return path.with_name(path.name + ".heartbeat")


def database_problem(database_path: Path | str, expected_version: int) -> str | None:
    """Why the database is not usable, or None: it opens read-only (never creating or
    migrating anything) and is at the schema version this code expects."""
    path = Path(database_path)
    if not path.is_file():
        return f"no database at {path}"
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        return f"database {path} unreadable: {exc}"
    if version != expected_version:
        return f"database schema is version {version}, this code expects {expected_version}"
    return None


def write_heartbeat(path: Path, now: dt.datetime, details: dict[str, object]) -> None:
    """Replace the file atomically, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    body = {"at": now.astimezone(dt.UTC).isoformat(), "pid": os.getpid(), **details}
    temporary.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


@dataclass(frozen=True)
class Health:
    healthy: bool
    reason: str
    details: dict[str, object]


def read_health(path: Path | None, now: dt.datetime) -> Health:
    """Healthy when the heartbeat file exists, parses and is younger than STALE_AFTER."""
    if path is None:
        return Health(False, "in-memory database: there is no heartbeat to read", {})
    try:
        details = json.loads(path.read_text(encoding="utf-8"))
        at = dt.datetime.fromisoformat(str(details["at"]))
    except FileNotFoundError:
        return Health(False, f"no heartbeat at {path}: is the bot running?", {})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Health(False, f"heartbeat {path} unreadable: {exc}", {})
    age = now - at
    if age > STALE_AFTER:
        seconds = int(age.total_seconds())
        return Health(
            False, f"last heartbeat {seconds} s ago: the bot is stalled or stopped", details
        )
    return Health(True, f"heartbeat {int(age.total_seconds())} s ago", details)
