"""Per-chat workers over the inbox (bot/dispatch.py): concurrent across chats, in order
within a chat, every update stored before `receive` returns."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import Update

from bot.dispatch import Dispatcher, chat_key
from bot.inbox import Inbox, InboxRow
from db import Database

Handler = Callable[[Update], Awaitable[None]]


class StubApplication:
    """What the dispatcher uses of python-telegram-bot's Application."""

    def __init__(self, handler: Handler) -> None:
        self.bot = None
        self.handler = handler
        self.error_handlers: list[Callable[..., Awaitable[None]]] = []

    def add_error_handler(self, callback: Callable[..., Awaitable[None]]) -> None:
        self.error_handlers.append(callback)

    async def process_update(self, update: Update) -> None:
        try:
            await self.handler(update)
        except Exception as exc:  # as PTB does: to the error handlers, not raised
            for callback in self.error_handlers:
                await callback(update, SimpleNamespace(error=exc))


def message(update_id: int, chat_id: int, text: str = "halo") -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1764567000,
                "chat": {"id": chat_id, "type": "private", "first_name": "W"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "W"},
                "text": text,
            },
        },
        None,
    )


@pytest.fixture
async def db(fast_tmp: Path) -> AsyncIterator[Database]:
    database = Database(fast_tmp / "dispatch.sqlite3")
    await database.open()
    yield database
    await database.close()


def make(db: Database, handler: Handler, concurrency: int = 16) -> Dispatcher:
    return Dispatcher(StubApplication(handler), Inbox(db), concurrency)  # type: ignore[arg-type]


async def test_a_slow_chat_never_delays_another_and_each_chat_keeps_its_order(
    db: Database,
) -> None:
    chat_a, chat_b = 1001, 2002
    release_a = asyncio.Event()
    events: list[str] = []

    async def handler(update: Update) -> None:
        assert update.message is not None
        name = update.message.text or ""
        events.append(f"start {name}")
        if name == "a1":
            await release_a.wait()  # an 8-second reply, say
        events.append(f"end {name}")

    dispatcher = make(db, handler)
    await dispatcher.receive(
        [message(1, chat_a, "a1"), message(2, chat_a, "a2"), message(3, chat_b, "b1")]
    )
    await dispatcher.receive([message(4, chat_b, "b2")])
    for _ in range(50):
        if "end b2" in events:
            break
        await asyncio.sleep(0.01)
    # Chat B was answered while chat A's first update is still in hand ...
    assert events == ["start a1", "start b1", "end b1", "start b2", "end b2"]
    release_a.set()
    await dispatcher.idle()
    # ... and chat A's second update waited for its first.
    assert events[5:] == ["end a1", "start a2", "end a2"]
    assert await dispatcher.inbox.unhandled() == []


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_concurrency_is_bounded(db: Database, concurrency: int) -> None:
    """At most `concurrency` updates at once, and exactly that many when there is work:
    1 is the old one-at-a-time handling."""
    running: set[int] = set()
    most = 0

    async def handler(update: Update) -> None:
        nonlocal most
        running.add(update.update_id)
        most = max(most, len(running))
        await asyncio.sleep(0.02)
        running.discard(update.update_id)

    dispatcher = make(db, handler, concurrency=concurrency)
    await dispatcher.receive([message(i, 100 + i) for i in range(1, 11)])
    await dispatcher.idle()
    assert most == concurrency


async def test_a_redelivered_update_is_handled_once(db: Database) -> None:
    handled: list[int] = []

    async def handler(update: Update) -> None:
        handled.append(update.update_id)

    dispatcher = make(db, handler)
    assert await dispatcher.receive([message(1, 5), message(2, 5)]) == 2
    await dispatcher.idle()
    # Telegram delivers both again (the confirmation was lost in a crash).
    assert await dispatcher.receive([message(1, 5), message(2, 5), message(3, 5)]) == 1
    await dispatcher.idle()
    assert handled == [1, 2, 3]


async def test_an_error_is_recorded_and_the_update_marked_handled(db: Database) -> None:
    async def handler(update: Update) -> None:
        raise RuntimeError("handler broke")

    dispatcher = make(db, handler)
    await dispatcher.receive([message(1, 5)])
    await dispatcher.idle()
    row = await db.fetchone("SELECT handled_at, error FROM inbox WHERE update_id = 1")
    assert row["handled_at"] and row["error"] == "RuntimeError: handler broke"
    assert await dispatcher.inbox.unhandled() == []  # not handled again at the next start


async def test_stored_but_not_handled_is_handled_at_the_next_start(db: Database) -> None:
    started = asyncio.Event()

    async def dies(update: Update) -> None:
        started.set()
        await asyncio.Event().wait()  # the process dies here

    first = make(db, dies)
    await first.receive([message(1, 5, "satu"), message(2, 5, "dua"), message(3, 6, "tiga")])
    await started.wait()
    await first.stop(grace=0.01)

    handled: list[Any] = []

    async def handler(update: Update) -> None:
        handled.append(update.message.text if update.message else None)

    second = make(db, handler)
    await second.start()
    await second.idle()
    await second.stop()
    assert sorted(handled) == ["dua", "satu", "tiga"]
    assert handled.index("satu") < handled.index("dua")  # one chat: in order
    assert await second.inbox.unhandled() == []


def test_the_ordering_key_is_the_chat_else_the_user() -> None:
    assert chat_key(message(1, 42)) == 42
    inline = Update.de_json(
        {
            "update_id": 9,
            "inline_query": {
                "id": "q",
                "from": {"id": 77, "is_bot": False, "first_name": "W"},
                "query": "ktp",
                "offset": "",
            },
        },
        None,
    )
    assert chat_key(inline) == 77


async def test_an_unreadable_stored_row_does_not_block_the_start(db: Database) -> None:
    inbox = Inbox(db)
    await inbox.store([InboxRow(1, 5, "{not json"), InboxRow(2, 5, message(2, 5).to_json())])
    handled: list[int] = []

    async def handler(update: Update) -> None:
        handled.append(update.update_id)

    dispatcher = make(db, handler)
    await dispatcher.start()
    await dispatcher.idle()
    await dispatcher.stop()
    assert handled == [2]
    row = await db.fetchone("SELECT handled_at, error FROM inbox WHERE update_id = 1")
    assert row["handled_at"] and row["error"].startswith("unreadable")
