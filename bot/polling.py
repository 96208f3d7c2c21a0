"""Long polling that confirms an update to Telegram only after it was handled.

python-telegram-bot's Updater confirms a batch (by asking for the next offset) as soon as
the batch is queued, before any handler ran: a crash then loses those updates. Here each
update is handled first and confirmed afterwards, so after a crash Telegram sends it again
(at-least-once). The handlers are written to make a repeat harmless: drafts are stored
state, confirming a complaint is keyed by the draft, a repeated photo is ignored, and
officer actions are compare-and-set on the status.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.app import running

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates call open when there is nothing


async def poll(application: Application, allowed_updates: list[str]) -> None:
    """Run until SIGINT/SIGTERM: fetch, handle each update, then confirm it."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with running(application):
        await application.start()  # the job queue; updates are fed below, not via a queue
        try:
            await _fetch_and_handle(application, allowed_updates, stop)
        finally:
            await application.stop()
    log.info("polling stopped")


async def _fetch_and_handle(
    application: Application, allowed_updates: list[str], stop: asyncio.Event
) -> None:
    bot = application.bot
    await bot.delete_webhook(drop_pending_updates=False)
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            bot.get_updates(
                offset=offset,
                timeout=POLL_TIMEOUT,
                allowed_updates=allowed_updates,
                read_timeout=POLL_TIMEOUT + 10,
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch
            break
        stopping.cancel()
        try:
            updates = fetch.result()
        except RetryAfter as exc:
            await _sleep(stop, _seconds(exc.retry_after))
            continue
        except (TimedOut, NetworkError) as exc:
            failures += 1
            delay = min(60.0, 2.0 ** min(failures, 6))
            log.warning("getUpdates failed (%s); retrying in %.0f s", exc, delay)
            await _sleep(stop, delay)
            continue
        except (Conflict, InvalidToken) as exc:
            # Another instance polls with this token, or the token is wrong: stop cleanly.
            log.error("cannot poll Telegram: %s", exc)
            break
        failures = 0
        for update in updates:
            await application.process_update(update)  # errors go to the error handler
            offset = update.update_id + 1
    if offset is not None:
        # Confirm what was handled, so a restart does not see it again.
        with contextlib.suppress(Exception):
            await bot.get_updates(offset=offset, timeout=0, allowed_updates=allowed_updates)


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
