"""Telegram's rate limits, kept without losing a reply and without one chat stalling all.

python-telegram-bot's `AIORateLimiter` paces requests (about 30 a second overall, 20 a
minute into one group), but its pacing is a leaky bucket that lets short bursts through
which Telegram's own window refuses with 429 `RetryAfter`. Its built-in retry then pauses
*every* request of the bot while it waits, so one group's minute-long wait would hold up
every resident; with retries off (what the bot used before) a refused reply was simply
lost. Here a refused request waits out `retry_after` on its own and goes through the
pacing again; nobody else waits. A 429 means Telegram did not act on the request, so
sending it again cannot deliver it twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

RETRIES = 3
# Telegram accepts about 30 messages a second. AIORateLimiter's default bucket (30 at once,
# then 30 a second) lets up to twice that into one second, and a strict window refuses the
# excess (bench/bench_load.py: 335 refusals, each costing its chat a second). Spaced evenly
# (a bucket of one), requests stay at 30 a second; the few the network's jitter bunches
# over the limit are retried as above. Measured at 28 a second: no refusals, but fewer
# replies a second than at 30.
OVERALL_PER_SECOND = 30
# A longer wait is not worth holding the chat's worker for; the error handler apologises
# and the outbox (which has its own RetryAfter handling) is where long waits belong.
MAX_WAIT = dt.timedelta(seconds=60)


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that `retry_after` becomes a timedelta; both forms are handled.
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class PerRequestRetryLimiter(AIORateLimiter):
    """`AIORateLimiter`'s pacing, with a refused request retried by itself (see above)."""

    def __init__(self, retries: int = RETRIES, max_wait: dt.timedelta = MAX_WAIT) -> None:
        super().__init__(
            overall_max_rate=1, overall_time_period=1 / OVERALL_PER_SECOND, max_retries=0
        )
        self.retries = retries
        self.max_wait = max_wait.total_seconds()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = self.retries if rate_limit_args is None else rate_limit_args
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        # As AIORateLimiter decides: a negative id or a @username is a group or channel.
        group = (
            chat_id
            if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str)
            else False
        )
        attempt = 0
        while True:
            try:
                return await self._run_request(
                    chat=chat_id is not None,
                    group=group,
                    allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
                    callback=callback,
                    args=args,
                    kwargs=kwargs,
                )
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if attempt >= retries or wait > self.max_wait:
                    raise
                attempt += 1
                log.info("%s refused with 429; retrying it alone in %.1f s", endpoint, wait)
                await asyncio.sleep(wait + 0.1)
