"""Long polling that confirms a batch to Telegram only once it is stored durably.

python-telegram-bot's Updater confirms a batch (by asking for the next offset) as soon as
the batch is queued in memory: a crash then loses those updates. Here each batch is
first stored in the inbox in one durable transaction (bot/dispatch.py, bot/inbox.py) and
confirmed by the next getUpdates; per-chat workers handle it meanwhile. After a crash the
stored rows are handled at start and Telegram's redelivery of unconfirmed ones is
recognised by update id (at-least-once, without handling an update twice).

Polling survives a 409 Conflict (another process polls with the same token) and network
errors, with a capped backoff and a loud log. Only a token Telegram refuses ends it:
`InvalidToken` propagates, so `python -m bot run` exits non-zero.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable
from typing import TypeVar

from telegram import Bot
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application

from bot.app import running
from bot.delivery.rate_limit import retry_after_seconds
from bot.dispatch import Dispatcher
from bot.inbox import Inbox
from handlers.context import SERVICES_KEY, Services

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates call open when there is nothing
BACKOFF_FIRST = 1.0  # seconds before the first retry; doubled per failure in a row
BACKOFF_CAP = 60.0
# Updates fetched but not yet handled beyond which polling waits: memory stays bounded
# and the rest waits at Telegram, unconfirmed.
MAX_PENDING = 1000

T = TypeVar("T")


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


def backoff(failures: int) -> float:
    """Seconds to wait after `failures` failures in a row: 1, 2, 4, ... up to BACKOFF_CAP."""
    return min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** max(0, failures - 1))


async def poll(
    application: Application, allowed_updates: list[str], stop: asyncio.Event | None = None
) -> None:
    """Run until SIGINT/SIGTERM (or `stop`): fetch, store, confirm, handle.
    Raises `InvalidToken` when Telegram refuses the token."""
    stop = stop or stop_on_signals()
    async with running(application):
        services: Services = application.bot_data[SERVICES_KEY]
        await application.start()  # the job queue; updates are fed below, not via a queue
        dispatcher = Dispatcher(
            application, Inbox(services.db), services.settings.update_concurrency
        )
        try:
            await dispatcher.start()
            await _fetch(application.bot, dispatcher, allowed_updates, stop)
        finally:
            await dispatcher.stop()
            await application.stop()
    log.info("polling stopped")


async def _fetch(
    bot: Bot, dispatcher: Dispatcher, allowed_updates: list[str], stop: asyncio.Event
) -> None:
    offset: int | None = None
    failures = 0
    webhook_deleted = False
    while not stop.is_set():
        if dispatcher.pending >= MAX_PENDING:
            await _sleep(stop, 0.05)
            continue
        try:
            if not webhook_deleted:
                await bot.delete_webhook(drop_pending_updates=False)
                webhook_deleted = True
            # The call with `offset` confirms every update before it: all stored already.
            fetched = await _unless_stopped(
                bot.get_updates(
                    offset=offset,
                    timeout=POLL_TIMEOUT,
                    allowed_updates=allowed_updates,
                    read_timeout=POLL_TIMEOUT + 10,
                ),
                stop,
            )
            if fetched is None:
                break
            updates = list(fetched)
            if updates:
                # Stored before the next getUpdates confirms them; on failure the offset
                # stays, so Telegram delivers the batch again.
                await dispatcher.receive(updates)
                offset = updates[-1].update_id + 1
            failures = 0
        except InvalidToken:
            raise
        except RetryAfter as exc:
            await _sleep(stop, retry_after_seconds(exc))
        except Conflict as exc:
            failures += 1
            delay = backoff(failures)
            log.error(
                "409 Conflict: another instance is polling Telegram with this bot token; "
                "stop it, only one may run (%s). Retrying in %.0f s",
                exc,
                delay,
            )
            await _sleep(stop, delay)
        except NetworkError as exc:  # TimedOut included
            failures += 1
            delay = backoff(failures)
            log.warning("getUpdates failed (%s); retrying in %.0f s", exc, delay)
            await _sleep(stop, delay)
        except Exception as exc:
            # The inbox could not be written, or Telegram said something unexpected:
            # nothing was confirmed, so nothing is lost; keep going.
            failures += 1
            delay = backoff(failures)
            log.exception("polling failed (%r); retrying in %.0f s", exc, delay)
            await _sleep(stop, delay)
    if offset is not None:
        # Confirm what was stored, so a restart does not fetch it again.
        with contextlib.suppress(Exception):
            await bot.get_updates(offset=offset, timeout=0, allowed_updates=allowed_updates)


async def _unless_stopped(call: Awaitable[T], stop: asyncio.Event) -> T | None:
    """The result of `call`, or None (the call cancelled) once `stop` is set."""
    fetch = asyncio.ensure_future(call)
    stopping = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if fetch not in done:
        fetch.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await fetch
        return None
    stopping.cancel()
    return fetch.result()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
