"""A request Telegram refuses with 429 waits and is retried by itself; nobody else waits."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram.error import RetryAfter

from bot.delivery.rate_limit import PerRequestRetryLimiter

GROUP, RESIDENT = -100123, 5101
WAIT = dt.timedelta(milliseconds=300)


class Telegram:
    """A callback standing for the HTTP call: refuses the first `refusals` calls per chat."""

    def __init__(self, refusals: int = 1, wait: dt.timedelta = WAIT) -> None:
        self.refusals = refusals
        self.wait = wait
        self.calls: list[tuple[int, float]] = []

    async def call(self, chat_id: int) -> dict[str, int]:
        self.calls.append((chat_id, asyncio.get_running_loop().time()))
        if sum(1 for c, _ in self.calls if c == chat_id) <= self.refusals:
            raise RetryAfter(self.wait)
        return {"chat_id": chat_id}


async def send(limiter: PerRequestRetryLimiter, telegram: Telegram, chat_id: int) -> object:
    return await limiter.process_request(
        telegram.call, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, None
    )


@pytest.fixture
async def limiter() -> PerRequestRetryLimiter:
    limiter = PerRequestRetryLimiter()
    await limiter.initialize()
    return limiter


async def test_a_refused_reply_is_sent_after_the_wait(limiter: PerRequestRetryLimiter) -> None:
    telegram = Telegram(refusals=2)
    assert await send(limiter, telegram, RESIDENT) == {"chat_id": RESIDENT}
    times = [t for _, t in telegram.calls]
    assert len(times) == 3
    assert times[1] - times[0] >= WAIT.total_seconds()  # never sooner than Telegram asked


async def test_one_chat_waiting_does_not_hold_up_another(limiter: PerRequestRetryLimiter) -> None:
    telegram = Telegram(refusals=1, wait=dt.timedelta(seconds=2))
    loop = asyncio.get_running_loop()
    group = asyncio.create_task(send(limiter, telegram, GROUP))
    await asyncio.sleep(0.05)  # the group's request was refused and is waiting
    started = loop.time()
    telegram.refusals = 0
    assert await send(limiter, telegram, RESIDENT) == {"chat_id": RESIDENT}
    assert loop.time() - started < 0.5  # python-telegram-bot's own retry pauses everyone
    assert await group == {"chat_id": GROUP}


async def test_it_gives_up_after_its_retries_or_on_a_long_wait() -> None:
    limiter = PerRequestRetryLimiter(retries=1)
    with pytest.raises(RetryAfter):
        await send(limiter, Telegram(refusals=5), RESIDENT)
    patient = PerRequestRetryLimiter(max_wait=dt.timedelta(seconds=1))
    telegram = Telegram(refusals=1, wait=dt.timedelta(seconds=30))
    with pytest.raises(RetryAfter):
        await send(patient, telegram, RESIDENT)
    assert len(telegram.calls) == 1  # a minute-long wait is not held in the chat's worker
