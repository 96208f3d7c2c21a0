"""The outbox under transport failures: delivered once, or parked with its reason."""

from __future__ import annotations

import datetime as dt

from bot.offline.local_api import Fault
from bot.services.complaints import Officer
from tests.conftest import Harness
from tests.handlers.test_complaint_flow import file_complaint

GROUP = -1001000000009


async def outbox_rows(bot: Harness) -> list[tuple]:
    """The rows owed, without the admin notices about rows held back."""
    return [
        tuple(r)
        for r in await bot.services.db.fetchall(
            "SELECT kind, state, attempts, last_error FROM outbox WHERE kind != 'held_notice'"
            " ORDER BY id"
        )
    ]


def later(bot: Harness, seconds: float) -> None:
    """Move the worker's clock forward, as if time had passed."""
    worker = bot.services.worker
    assert worker is not None
    base = worker.clock()
    worker.clock = lambda: base + dt.timedelta(seconds=seconds)


async def test_transient_errors_are_retried_until_delivered_once(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    await file_complaint(bot)
    bot.api.faults.extend(
        [
            Fault("sendMessage", status=502, description="Bad Gateway"),
            Fault("sendMessage", timeout=True),
        ]
    )
    await bot.deliver()
    [(kind, state, attempts, error)] = await outbox_rows(bot)
    assert (kind, state, attempts) == ("card", "pending", 1) and "Bad Gateway" in error
    later(bot, 10)
    await bot.deliver()
    later(bot, 60)
    await bot.deliver()
    rows = await outbox_rows(bot)
    assert rows[0][:2] == ("card", "sent")
    cards = [
        c
        for c in bot.api.calls
        if c.method == "sendMessage"
        and c.chat_id == GROUP
        and c.result.get("ok", True) is not False
        and "Pengaduan DS-" in c.text
        and "message_id" in c.result
    ]
    assert len(cards) == 1


async def test_retry_after_is_honoured(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    await file_complaint(bot)
    bot.api.faults.append(
        Fault(
            "sendMessage",
            status=429,
            description="Too Many Requests",
            parameters={"retry_after": 30},
        )
    )
    await bot.deliver()
    row = await bot.services.db.fetchone(
        "SELECT state, next_attempt_at, attempts FROM outbox WHERE kind = 'card'"
    )
    assert row[0] == "pending" and row[2] == 0  # waiting as told is not a failed attempt
    later(bot, 20)
    await bot.deliver()
    assert (await outbox_rows(bot))[0][1] == "pending"  # not yet: 30 s were asked
    later(bot, 31)
    await bot.deliver()
    assert (await outbox_rows(bot))[0][1] == "sent"


async def test_blocked_resident_is_parked_with_the_reason(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    await file_complaint(bot)
    await bot.deliver()  # the card goes out; now the resident's notice is owed
    rows = await outbox_rows(bot)
    assert [r[:2] for r in rows] == [("card", "sent"), ("notify", "sent")]
    ticket = (await bot.services.db.fetchone("SELECT ticket FROM complaint"))[0]
    await bot.services.complaints.workflow.officer_action(
        ticket, "terima", Officer(1, "Petugas"), GROUP
    )
    bot.api.faults.append(
        Fault("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    )
    await bot.deliver()
    parked = await bot.services.outbox.parked()
    assert len(parked) == 1 and "blocked" in parked[0][2].lower()


async def test_group_removed_or_chat_not_found_is_parked(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    await file_complaint(bot)
    bot.api.faults.append(
        Fault("sendMessage", status=400, description="Bad Request: chat not found")
    )
    await bot.deliver()
    [(kind, state, _, error)] = await outbox_rows(bot)
    assert (kind, state) == ("card", "parked") and "chat not found" in error.lower()


async def test_group_migrated_to_supergroup_is_followed(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    await file_complaint(bot)
    new_id = -1009999999999
    bot.api.faults.append(
        Fault(
            "sendMessage",
            status=400,
            description="Bad Request: group chat was upgraded",
            parameters={"migrate_to_chat_id": new_id},
        )
    )
    await bot.deliver()
    later(bot, 1)
    await bot.deliver()
    assert await bot.services.complaints.cards.group_of("dlh") == new_id
    assert any(
        c.chat_id == new_id and "Pengaduan DS-" in c.text
        for c in bot.api.calls
        if c.method == "sendMessage"
    )


async def test_rows_caught_mid_send_by_a_crash_are_uncertain_not_sent_twice(
    bot: Harness,
) -> None:
    await bot.link_group("dlh", GROUP)
    await file_complaint(bot)
    await bot.services.db.conn.execute("UPDATE outbox SET state = 'sending'")
    parked = await bot.services.outbox.recover(frozenset({"card_edit"}))
    assert parked == 1
    await bot.deliver()
    assert not any("Pengaduan DS-" in c.text for c in bot.api.calls if c.chat_id == GROUP)
    [(_, state, _, error)] = await outbox_rows(bot)
    assert state == "uncertain" and "tidak pasti" in error


async def test_old_sent_messages_are_pruned_but_pending_ones_stay(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    await file_complaint(bot)
    await bot.deliver()
    await file_complaint(bot, description="Parit di depan sekolah tersumbat sampah plastik")
    pruned = await bot.services.outbox.prune(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    assert pruned == 2  # the first card and its notice
    assert await bot.services.outbox.counts() == {"pending": 1}
