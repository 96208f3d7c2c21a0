"""Webhook mode (bot/webhook.py) over real HTTP: the secret header is required, and an
update is stored in the inbox before the 200 that tells Telegram it arrived."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from telegram.ext import Application

from bot import PROJECT_ROOT
from bot.app import build_application
from bot.cli import ALLOWED_UPDATES
from bot.services.knowledge import LiveKnowledge
from bot.services.regions import Regions
from bot.settings import Settings
from bot.webhook import SECRET_HEADER, serve_webhook
from tests.bot.conftest import TOKEN, WARGA, answers_to, wait_until
from tests.integration.fake_bot_api import FakeBotApi

SECRET = "rahasia-webhook-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def webhook_settings(http_settings: Settings) -> Settings:
    """The same bot, in webhook mode, listening on a free port."""
    return http_settings.model_copy(
        update={
            "webhook_url": "https://bot.example.go.id/tg/hook",
            "webhook_secret": SecretStr(SECRET),
            "webhook_port": free_port(),
        }
    )


@pytest.fixture
def make_webhook_app(
    webhook_settings: Settings, shipped_knowledge: LiveKnowledge, shipped_regions: Regions
) -> Callable[[], Application]:
    def make() -> Application:
        return build_application(
            webhook_settings, knowledge=shipped_knowledge, regions=shipped_regions
        )

    return make


def an_update(api: FakeBotApi, text: str) -> dict[str, Any]:
    """The update Telegram would post when WARGA sends `text` (the fake knows the chat)."""
    api.send_text(WARGA, text)
    with api._cond:
        return api._pending.pop().body


class Running:
    def __init__(self, application: Application, settings: Settings, api: FakeBotApi) -> None:
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(serve_webhook(application, ALLOWED_UPDATES, self.stop))
        self.url = f"http://127.0.0.1:{settings.webhook_port}/tg/hook"
        self.api = api
        self.sets = len([c for c in api.calls if c.method == "setWebhook"])

    async def ready(self) -> None:
        assert await wait_until(
            lambda: (
                len([c for c in self.api.calls if c.method == "setWebhook"]) > self.sets
                or self.task.done()
            )
        )
        assert not self.task.done(), self.task

    async def post(self, body: dict[str, Any], secret: str | None) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with httpx.AsyncClient() as client:
            response = await client.post(self.url, json=body, headers=headers)
        return response.status_code

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 30)


def inbox_rows(settings: Settings) -> list[tuple[int, str | None]]:
    with sqlite3.connect(settings.database_path) as conn:
        return conn.execute("SELECT update_id, handled_at FROM inbox").fetchall()


async def test_a_wrong_or_missing_secret_gets_403_and_nothing_is_handled(
    api: FakeBotApi, make_webhook_app: Callable[[], Application], webhook_settings: Settings
) -> None:
    server = Running(make_webhook_app(), webhook_settings, api)
    try:
        await server.ready()
        hook = next(c for c in api.calls if c.method == "setWebhook")
        assert hook.params["secret_token"] == SECRET
        assert hook.params["url"] == "https://bot.example.go.id/tg/hook"
        update = an_update(api, "/start")
        assert await server.post(update, "salah-tebak") == 403
        assert await server.post(update, None) == 403
        assert await server.post(update, SECRET[:-1]) == 403
        await asyncio.sleep(0.2)
        assert inbox_rows(webhook_settings) == []
        assert answers_to(api, WARGA) == []
        # The right secret: stored, handled, answered.
        assert await server.post(update, SECRET) == 200
        assert await wait_until(lambda: bool(answers_to(api, WARGA)))
    finally:
        await server.close()


async def test_an_update_is_stored_before_200_and_handled_after_a_crash(
    api: FakeBotApi,
    make_webhook_app: Callable[[], Application],
    webhook_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def dies(self: Application, update: object) -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr("bot.dispatch.STOP_GRACE", 0.05)
    update = an_update(api, "/start")
    with monkeypatch.context() as patch:
        patch.setattr(Application, "process_update", dies)
        server = Running(make_webhook_app(), webhook_settings, api)
        try:
            await server.ready()
            assert await server.post(update, SECRET) == 200
            # When Telegram hears 200, the update is durable.
            assert inbox_rows(webhook_settings) == [(update["update_id"], None)]
            assert await server.post({"not": "an update"}, SECRET) == 400
        finally:
            await server.close()  # the handler never finished: as if the bot died
    assert answers_to(api, WARGA) == []

    server = Running(make_webhook_app(), webhook_settings, api)
    try:
        await server.ready()
        assert await wait_until(lambda: bool(answers_to(api, WARGA)))
        # Telegram retries (it did not hear the 200, say): not handled twice.
        assert await server.post(update, SECRET) == 200
        await asyncio.sleep(0.3)
        assert len(answers_to(api, WARGA)) == 1
    finally:
        await server.close()
    [(_, handled_at)] = inbox_rows(webhook_settings)
    assert handled_at is not None


def test_python_m_bot_run_serves_the_webhook_and_stops_on_sigterm(
    api: FakeBotApi, fast_tmp: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": api.base_url,
        "BOT_API_FILE_URL": api.file_url,
        "BOT_DATABASE_PATH": str(fast_tmp / "bot.sqlite3"),
        "BOT_WEBHOOK_URL": "https://bot.example.go.id/tg/hook",
        "BOT_WEBHOOK_SECRET": SECRET,
        "BOT_WEBHOOK_PORT": str(port),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    log = fast_tmp / "bot.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=fast_tmp, env=env, stdout=out, stderr=out
        )
    try:
        assert api.wait_for(lambda: any(c.method == "setWebhook" for c in api.calls), 30), (
            log.read_text()
        )
        update = an_update(api, "/start")
        url = f"http://127.0.0.1:{port}/tg/hook"
        assert httpx.post(url, json=update, headers={SECRET_HEADER: SECRET}).status_code == 200
        assert api.wait_for(lambda: bool(answers_to(api, WARGA)), 10), log.read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
