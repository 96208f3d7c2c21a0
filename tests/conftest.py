"""Shared fixtures. Each test gets a fresh database file, a fresh Bot API fake and a fresh
Application; only what never changes during a run (the shipped FAQ and the regions) is
loaded once per session."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.app import build_application, running
from bot.offline.local_api import ApiCall, LocalBotApi
from bot.offline.simulator import RESIDENT, Person, Simulator
from bot.services.calendar import WorkingCalendar
from bot.services.knowledge import LiveKnowledge
from bot.services.regions import Regions
from bot.settings import Settings
from faq.formatting import plain_text
from handlers.context import SERVICES_KEY, Services


@pytest.fixture(scope="session")
def shipped_knowledge() -> LiveKnowledge:
    # Building the matcher takes a fraction of a second; the shipped FAQ never changes
    # during a run, so tests that only read it share one (tests that edit files don't).
    return LiveKnowledge(PROJECT_ROOT / "faq" / "content", PROJECT_ROOT / "data" / "opd.yaml")


@pytest.fixture(scope="session", autouse=True)
def _measurements_computed_once() -> Iterator[None]:
    """Checking an FAQ edit measures the folder before and after (held-out phrasings and
    the admins' tests: seconds each). A measurement depends only on the files and what
    was loaded from them, and most teaching tests start from the same shipped FAQ (often
    adding the same phrasing), so each distinct one is computed once per session."""
    import hashlib

    import faq.editing

    measure = faq.editing.measure_folder
    done: dict[tuple, object] = {}

    def remembered(folder: Path, knowledge, folds: int, new_phrasings: set) -> object:
        files = hashlib.sha256()
        for path in sorted(folder.glob("*.y*ml")):
            files.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        loaded = repr(
            (sorted(knowledge.topics.items()), sorted(knowledge.opds), sorted(knowledge.categories))
        )
        key = (
            files.hexdigest(),
            hashlib.sha256(loaded.encode()).hexdigest(),
            folds,
            tuple(sorted(new_phrasings)),
        )
        if key not in done:
            done[key] = measure(folder, knowledge, folds, new_phrasings)
        return done[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(faq.editing, "measure_folder", remembered)
        yield


@pytest.fixture(scope="session")
def shipped_regions() -> Regions:
    # Parsing the boundaries takes a tenth of a second; they are immutable.
    return Regions.load()


# Databases are written with synchronous=FULL; on the memory-backed /dev/shm the fsyncs
# cost nothing (the default temporary folder elsewhere).
FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@pytest.fixture
def fast_tmp() -> Iterator[Path]:
    """A fresh, empty folder for a test's database, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="layanan-test-", dir=FAST_TMP) as folder:
        yield Path(folder)


@pytest.fixture
def settings(fast_tmp: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_path=fast_tmp / "bot.sqlite3",
        admin_ids=[4242],
    )


def plain_friday() -> dt.datetime:
    """09:00 UTC on a Friday at least a week ahead whose next three weekdays are working days
    in the shipped calendar: deadline tests need a clock after the rows written "now", and a
    fixed date would pass out of the future."""
    calendar = WorkingCalendar.load(PROJECT_ROOT / "data" / "holidays.yaml", today=dt.date.today())
    day = dt.date.today() + dt.timedelta(days=7)
    day += dt.timedelta(days=(4 - day.weekday()) % 7)
    while not all(calendar.is_working_day(day + dt.timedelta(days=n)) for n in (0, 3, 4, 5)):
        day += dt.timedelta(days=7)
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC)


ADMIN = Person(id=4242, first_name="Admin", last_name="Kominfostan")


class Harness:
    """'This resident sends this, the bot answers that', through the real Application."""

    def __init__(self, simulator: Simulator, api: LocalBotApi) -> None:
        self.simulator = simulator
        self.api = api
        self.application = simulator.application

    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]

    @staticmethod
    def shown(calls: list[ApiCall], chat_id: int | None = None) -> list[ApiCall]:
        """Messages (new or edited) the person in `chat_id` sees."""
        return [
            c
            for c in calls
            if c.method
            in {"sendMessage", "editMessageText", "sendPhoto", "sendLocation", "copyMessage"}
            and (chat_id is None or c.chat_id == chat_id)
        ]

    async def say(self, text: str, person: Person = RESIDENT) -> list[ApiCall]:
        return self.shown(await self.simulator.send(text, person), person.id)

    async def reply_text(self, text: str, person: Person = RESIDENT) -> str:
        """The plain text of everything the bot answered, joined."""
        return "\n".join(plain_text(c.text) for c in await self.say(text, person))

    async def press(self, call: ApiCall, label: str, person: Person = RESIDENT) -> list[ApiCall]:
        return await self.simulator.press(call, label, person)

    async def deliver(self) -> list[ApiCall]:
        """Let the outbox worker send everything due now; returns the calls it made."""
        before = len(self.api.calls)
        assert self.services.worker is not None
        await self.services.worker.drain_all()
        return self.api.calls[before:]

    async def link_group(self, opd_id: str, chat_id: int) -> dict:
        """An admin runs /hubungkan in a new group; returns the chat, for sending into it."""
        chat = {"id": chat_id, "type": "supergroup", "title": f"Grup {opd_id}"}
        calls = await self.simulator.send(f"/hubungkan {opd_id}", ADMIN, chat=chat)
        assert any("sekarang terhubung" in c.text for c in calls), calls
        return chat


@pytest.fixture
async def bot(
    settings: Settings, shipped_knowledge: LiveKnowledge, shipped_regions: Regions
) -> AsyncIterator[Harness]:
    api = LocalBotApi()
    application = build_application(
        settings, api=api, knowledge=shipped_knowledge, regions=shipped_regions, run_worker=False
    )
    async with running(application):
        yield Harness(Simulator(application, api), api)
