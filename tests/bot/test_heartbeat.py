"""The heartbeat the running bot writes and `python -m bot health` reads."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace

from bot.app import beat
from bot.heartbeat import (
    STALE_AFTER,
    database_problem,
    heartbeat_path,
    read_health,
    write_heartbeat,
)
from db.database import migration_files
from tests.bot.test_cli import run
from tests.conftest import Harness

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)


def test_fresh_heartbeat_is_healthy_and_stale_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3.heartbeat"
    write_heartbeat(path, NOW, {"outbox": {"pending": 2}})
    assert read_health(path, NOW + dt.timedelta(seconds=10)).healthy
    stale = read_health(path, NOW + STALE_AFTER + dt.timedelta(seconds=1))
    assert not stale.healthy and "stalled" in stale.reason
    assert stale.details["outbox"] == {"pending": 2}


def test_missing_or_broken_heartbeat_is_unhealthy(tmp_path: Path) -> None:
    path = tmp_path / "hb"
    assert not read_health(path, NOW).healthy
    path.write_text("{not json", encoding="utf-8")
    assert "unreadable" in read_health(path, NOW).reason
    assert not read_health(None, NOW).healthy
    assert heartbeat_path(":memory:") is None


def test_database_must_exist_and_be_current(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    current = len(migration_files())
    assert "no database" in (database_problem(path, current) or "")
    assert not path.exists()  # the check never creates the file
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={current - 1}")
    assert "expects" in (database_problem(path, current) or "")
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={current}")
    assert database_problem(path, current) is None


async def test_the_heartbeat_job_writes_the_outbox_backlog(bot: Harness) -> None:
    await bot.say("/start")
    await beat(SimpleNamespace(application=bot.application))  # type: ignore[arg-type]
    path = heartbeat_path(bot.services.settings.database_path)
    assert path is not None
    body = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(body["outbox"], dict)
    assert read_health(path, dt.datetime.now(dt.UTC)).healthy


def test_health_command_exit_status(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    env = {"BOT_DATABASE_PATH": str(database)}
    missing = run("health", env=env)
    assert missing.returncode == 1 and "no database" in missing.stdout
    with sqlite3.connect(database) as conn:
        conn.execute(f"PRAGMA user_version={len(migration_files())}")
    no_beat = run("health", env=env)
    assert no_beat.returncode == 1 and "heartbeat" in no_beat.stdout
    write_heartbeat(heartbeat_path(database), dt.datetime.now(dt.UTC), {"outbox": {"sent": 3}})
    healthy = run("health", env=env)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "outbox: sent 3" in healthy.stdout
