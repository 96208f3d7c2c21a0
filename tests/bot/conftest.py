"""What the tests of the bot's network edges share (test_polling.py, test_webhook.py): a
fake Bot API over real HTTP, settings pointing at it, and the real Application."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.services.knowledge import LiveKnowledge
from bot.services.regions import Regions
from bot.settings import Settings
from tests.integration.fake_bot_api import FakeBotApi, User

TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
WARGA = User(5101, "Sari")


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    fake = FakeBotApi(TOKEN, max_poll_seconds=0.3).start()
    yield fake
    fake.stop()


@pytest.fixture
def http_settings(fast_tmp: Path, api: FakeBotApi) -> Settings:
    return Settings(
        _env_file=None,
        token=TOKEN,
        database_path=fast_tmp / "bot.sqlite3",
        api_base_url=api.base_url,
        api_file_url=api.file_url,
        admin_ids=[4242],
    )


@pytest.fixture
def make_app(
    http_settings: Settings, shipped_knowledge: LiveKnowledge, shipped_regions: Regions
) -> Callable[[], Application]:
    def make() -> Application:
        return build_application(
            http_settings, knowledge=shipped_knowledge, regions=shipped_regions
        )

    return make


def answers_to(api: FakeBotApi, user: User) -> list[str]:
    return [c.text for c in api.snapshot() if c.method == "sendMessage" and c.chat_id == user.id]


async def wait_until(predicate: Callable[[], bool], seconds: float = 10.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not predicate():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True
