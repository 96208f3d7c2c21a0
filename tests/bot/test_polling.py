"""Long polling against a fake Bot API over real HTTP (tests/integration/fake_bot_api.py):
a batch is stored before it is confirmed, a 409 Conflict or a network error does not stop
the bot, and only a refused token ends `python -m bot run`, with a non-zero status."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot import PROJECT_ROOT, polling
from bot.cli import ALLOWED_UPDATES, BAD_TOKEN_EXIT
from bot.presentation import texts
from bot.settings import Settings
from tests.bot.conftest import TOKEN, WARGA, answers_to, wait_until
from tests.integration.fake_bot_api import FakeBotApi, User


def failing_polls(api: FakeBotApi, failures: list[tuple[int, str]]) -> None:
    """The next getUpdates calls fail with these (status, description), then work again."""
    real = api._get_updates

    def get_updates(params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if failures:
            code, description = failures.pop(0)
            return code, {"ok": False, "error_code": code, "description": description}
        return real(params)

    api._get_updates = get_updates  # type: ignore[method-assign]


async def test_a_conflict_is_logged_loudly_and_polling_goes_on(
    api: FakeBotApi,
    make_app: Callable[[], Application],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(polling, "BACKOFF_FIRST", 0.05)
    failing_polls(
        api,
        [
            (409, "Conflict: terminated by other getUpdates request"),
            (502, "Bad Gateway"),  # a network error on the way
            (409, "Conflict: terminated by other getUpdates request"),
        ],
    )
    stop = asyncio.Event()
    task = asyncio.create_task(polling.poll(make_app(), ALLOWED_UPDATES, stop))
    try:
        api.send_text(WARGA, "/start")
        assert await wait_until(lambda: bool(answers_to(api, WARGA)) or task.done())
        assert not task.done(), "polling stopped"
        assert answers_to(api, WARGA)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    conflicts = [r for r in caplog.records if "Conflict" in r.getMessage()]
    assert len(conflicts) == 2 and all(r.levelno == logging.ERROR for r in conflicts)
    assert "another instance is polling" in conflicts[0].getMessage()


def test_backoff_doubles_and_is_capped() -> None:
    delays = [polling.backoff(n) for n in range(1, 12)]
    assert delays[:3] == [1.0, 2.0, 4.0]
    assert max(delays) == polling.BACKOFF_CAP == delays[-1]


async def test_a_batch_is_stored_before_it_is_confirmed_and_handled_after_a_crash(
    api: FakeBotApi,
    make_app: Callable[[], Application],
    http_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db_path = http_settings.database_path
    stored_when_confirmed: list[bool] = []
    real = api._get_updates

    def get_updates(params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset > update_id:  # this call confirms the update: is it stored already?
            with sqlite3.connect(db_path) as conn:
                rows = conn.execute(
                    "SELECT count(*) FROM inbox WHERE update_id = ?", (update_id,)
                ).fetchone()
            stored_when_confirmed.append(rows[0] == 1)
        return real(params)

    api._get_updates = get_updates  # type: ignore[method-assign]
    update_id = api.send_text(WARGA, "/start")

    # First run: the bot dies after storing the update, before handling it.
    async def dies(self: Application, update: object) -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr("bot.dispatch.STOP_GRACE", 0.05)
    stop = asyncio.Event()
    with monkeypatch.context() as patch:
        patch.setattr(Application, "process_update", dies)
        task = asyncio.create_task(polling.poll(make_app(), ALLOWED_UPDATES, stop))
        assert await wait_until(lambda: api.pending_updates() == 0)  # Telegram: delivered
        stop.set()
        await asyncio.wait_for(task, 30)
    assert stored_when_confirmed and all(stored_when_confirmed)
    assert answers_to(api, WARGA) == []

    # Second run: Telegram will not send it again; the inbox has it.
    stop = asyncio.Event()
    task = asyncio.create_task(polling.poll(make_app(), ALLOWED_UPDATES, stop))
    try:
        assert await wait_until(lambda: bool(answers_to(api, WARGA)))
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    with sqlite3.connect(db_path) as conn:
        handled = conn.execute("SELECT handled_at FROM inbox WHERE update_id = ?", (update_id,))
        assert handled.fetchone()[0] is not None
    assert api.stats.redelivered == 0


def run_bot(api: FakeBotApi, workdir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": api.base_url,
        "BOT_API_FILE_URL": api.file_url,
        "BOT_DATABASE_PATH": str(workdir / "bot.sqlite3"),
        "BOT_WEBHOOK_URL": "",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
        timeout=60,
    )


def test_a_refused_token_ends_run_with_a_non_zero_status(api: FakeBotApi, fast_tmp: Path) -> None:
    # The token is revoked while the bot runs: getMe worked, getUpdates is refused.
    failing_polls(api, [(401, "Unauthorized")])
    result = run_bot(api, fast_tmp)
    assert result.returncode == BAD_TOKEN_EXIT != 0, result.stderr[-2000:]
    assert "BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr
    # A wrong token from the start: refused at getMe.
    api.token = "987654321:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
    result = run_bot(api, fast_tmp)
    assert result.returncode == BAD_TOKEN_EXIT, result.stderr[-2000:]
    assert "BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


async def test_a_slow_reply_in_one_chat_does_not_hold_up_another(
    api: FakeBotApi,
    make_app: Callable[[], Application],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from handlers import resident

    slow_user = User(5102, "Budi")
    release = asyncio.Event()
    real_start = resident.start

    async def start(update: Any, context: Any) -> None:
        if update.effective_user.id == slow_user.id:
            await release.wait()  # Telegram is slow for this one
        await real_start(update, context)

    monkeypatch.setattr(resident, "start", start)  # before the handlers are registered
    stop = asyncio.Event()
    task = asyncio.create_task(polling.poll(make_app(), ALLOWED_UPDATES, stop))
    try:
        api.send_text(slow_user, "/start")
        api.send_text(slow_user, "/help")
        api.send_text(WARGA, "/start")
        # The other resident is answered while the first one's reply hangs ...
        assert await wait_until(lambda: bool(answers_to(api, WARGA)), 5)
        await asyncio.sleep(0.2)
        # ... and the first one's /help waits for their /start: one chat stays in order.
        assert answers_to(api, slow_user) == []
        release.set()
        assert await wait_until(lambda: len(answers_to(api, slow_user)) >= 2, 5)
        # Their /start was answered first, then their /help.
        assert [text == texts.HELP for text in answers_to(api, slow_user)] == [False, True]
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def test_a_batch_that_could_not_be_stored_is_not_confirmed(
    api: FakeBotApi, make_app: Callable[[], Application], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.inbox import Inbox

    monkeypatch.setattr(polling, "BACKOFF_FIRST", 0.05)
    real_store = Inbox.store
    failures = [sqlite3.OperationalError("disk I/O error")]
    confirmed_while_failing: list[int] = []

    async def store(self: Inbox, rows: Any) -> Any:
        if failures:
            raise failures.pop()
        return await real_store(self, rows)

    real_get = api._get_updates

    def get_updates(params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if failures == [] and not answers_to(api, WARGA):
            confirmed_while_failing.append(int(params.get("offset") or 0))
        return real_get(params)

    monkeypatch.setattr(Inbox, "store", store)
    api._get_updates = get_updates  # type: ignore[method-assign]
    update_id = api.send_text(WARGA, "/start")
    stop = asyncio.Event()
    task = asyncio.create_task(polling.poll(make_app(), ALLOWED_UPDATES, stop))
    try:
        assert await wait_until(lambda: bool(answers_to(api, WARGA)))
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    # After the failed store the next poll did not confirm the update: it came again.
    assert confirmed_while_failing and confirmed_while_failing[0] <= update_id
    assert api.stats.redelivered == 1
