"""The outbox store: held rows, requeue/dismiss, and the admin notice about held rows."""

from __future__ import annotations

import datetime as dt

from bot.services.outbox import HELD_NOTICE, enqueue
from tests.conftest import Harness

ADMIN_CHAT = 4242


async def owe(bot: Harness, n: int) -> list[int]:
    async with bot.services.db.transaction() as conn:
        return [await enqueue(conn, "escalation", chat_id=1, payload={}) for _ in range(n)]


async def notices(bot: Harness) -> list[tuple[str, str]]:
    rows = await bot.services.db.fetchall(
        "SELECT state, next_attempt_at FROM outbox WHERE kind = ? ORDER BY id", (HELD_NOTICE,)
    )
    return [(str(r[0]), str(r[1])) for r in rows]


async def test_many_held_rows_give_one_notice_then_at_most_one_per_half_hour(
    bot: Harness,
) -> None:
    outbox = bot.services.outbox
    rows = await owe(bot, 4)
    await outbox.park(rows[0], "ditolak", [ADMIN_CHAT])
    await outbox.uncertain(rows[1], "tidak pasti", [ADMIN_CHAT])
    assert [s for s, _ in await notices(bot)] == ["pending"]  # one owed covers both
    await bot.services.db.conn.execute(
        "UPDATE outbox SET state = 'sent' WHERE kind = ?", (HELD_NOTICE,)
    )
    await outbox.park(rows[2], "ditolak", [ADMIN_CHAT])
    [_, (state, not_before)] = await notices(bot)
    wait = dt.datetime.fromisoformat(not_before.replace("Z", "+00:00")) - dt.datetime.now(dt.UTC)
    assert state == "pending" and dt.timedelta(minutes=29) < wait <= dt.timedelta(minutes=30)
    assert len(await outbox.held()) == 3 and await outbox.held_count() == 3


async def test_requeue_and_dismiss_act_only_on_held_rows(bot: Harness) -> None:
    outbox = bot.services.outbox
    [held, pending] = await owe(bot, 2)
    await outbox.uncertain(held, "tidak pasti")
    now = dt.datetime.now(dt.UTC)
    assert not await outbox.requeue(pending, now)  # not held: nothing to do
    assert not await outbox.dismiss(pending)
    assert await outbox.requeue(held, now)
    assert not await outbox.requeue(held, now)  # pressed twice: sent once
    assert [r.id for r in await outbox.due(now)] == [held, pending]
