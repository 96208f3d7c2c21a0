"""What the outbox promises beyond "delivered once": an optional message never holds back
an essential one, an unknown outcome is never resent by itself, a long message resumes at
the part that failed, and the worker sleeps while nothing can be sent."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

from bot.offline.local_api import Fault
from bot.offline.simulator import RESIDENT
from bot.services.complaints import Officer
from bot.services.outbox import enqueue
from tests.bot.delivery.test_worker import later, outbox_rows
from tests.conftest import ADMIN, Harness
from tests.handlers.test_complaint_flow import file_complaint

GROUP = -1001000000077
SITI = Officer(8001, "Siti")


async def test_a_failing_pin_never_delays_the_residents_notice(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    async with bot.services.db.transaction() as conn:
        await conn.execute("UPDATE complaint SET latitude = 3.55, longitude = 98.87")
    # The map pin fails again and again (Telegram's 5xx); it keeps being retried.
    bot.api.faults.extend([Fault("sendLocation", status=502, description="Bad Gateway")] * 20)
    await bot.deliver()
    assert ("pin", "pending") in [r[:2] for r in await outbox_rows(bot)]
    await bot.services.complaints.workflow.officer_action(ticket, "terima", SITI, GROUP)
    calls = await bot.deliver()  # the pin is still waiting for its next try
    notices = [c for c in calls if c.chat_id == RESIDENT.id]
    assert notices and ticket in notices[0].text
    assert any(c.method == "editMessageText" for c in calls)  # the card shows "diterima"
    assert ("pin", "pending") in [r[:2] for r in await outbox_rows(bot)]


async def test_an_optional_row_still_waits_for_the_card(bot: Harness) -> None:
    ticket = await file_complaint(bot)  # no group linked: the card waits
    complaint = await bot.services.complaints.by_ticket(ticket)
    async with bot.services.db.transaction() as conn:
        await enqueue(conn, "pin", complaint_id=complaint.id, payload={})
    due = await bot.services.outbox.due(dt.datetime.now(dt.UTC), optional=["pin"])
    assert [row.kind for row in due] == ["card"]


async def test_a_lost_answer_is_held_as_uncertain_not_sent_twice(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    await bot.deliver()
    await bot.services.complaints.workflow.officer_action(ticket, "terima", SITI, GROUP)
    # Telegram delivers the notice, but its answer never arrives (a read timeout).
    bot.api.faults.append(Fault("sendMessage", answer_lost=True))
    await bot.deliver()
    later(bot, 3600)
    await bot.deliver()
    notices = [c for c in bot.api.calls if c.chat_id == RESIDENT.id and "diterima" in c.text]
    assert len(notices) == 1  # not resent
    rows = await outbox_rows(bot)
    [(state, error)] = [(s, e) for k, s, _, e in rows if k == "notify" and s != "sent"]
    assert state == "uncertain" and "tidak pasti" in error
    # Admins are told, once, where to look.
    [told] = [c for c in bot.api.calls if c.chat_id == ADMIN.id and "/tertahan" in c.text]
    assert "1 pesan" in told.text


async def test_an_edit_whose_answer_is_lost_is_simply_retried(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    await bot.deliver()
    await bot.services.complaints.workflow.officer_action(ticket, "terima", SITI, GROUP)
    bot.api.faults.append(Fault("editMessageText", answer_lost=True))
    await bot.deliver()
    later(bot, 60)
    await bot.deliver()
    edits = [r for r in await outbox_rows(bot) if r[0] == "card_edit"]
    assert [r[1] for r in edits] == ["sent"]  # an edit sent twice shows the same text


async def test_a_connect_timeout_is_retried(bot: Harness) -> None:
    """The request never left: sending it again cannot deliver it twice."""
    await bot.link_group("dlh", GROUP)
    await file_complaint(bot)
    bot.api.faults.append(Fault("sendMessage", timeout=True))
    await bot.deliver()
    later(bot, 60)
    await bot.deliver()
    assert [r[1] for r in await outbox_rows(bot)] == ["sent", "sent"]  # card, notice


async def test_a_long_relay_resumes_at_the_part_that_failed(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    await bot.deliver()
    complaint = await bot.services.complaints.by_ticket(ticket)
    words = " ".join(f"kata{n}" for n in range(1200))  # about 9,000 characters: 3 parts
    async with bot.services.db.transaction() as conn:
        await enqueue(conn, "relay_to_resident", complaint_id=complaint.id, payload={"text": words})
    sends = []

    def second_send_fails_once(method: str, params: dict) -> Fault | None:
        if method == "sendMessage" and int(params["chat_id"]) == RESIDENT.id:
            sends.append(params["text"])
            if len(sends) == 2:
                return Fault(None, status=502, description="Bad Gateway")
        return None

    bot.api.chaos = second_send_fails_once
    before = len(bot.api.calls)
    await bot.deliver()
    later(bot, 60)
    await bot.deliver()
    delivered = [
        c.text
        for c in bot.api.calls[before:]
        if c.chat_id == RESIDENT.id and "message_id" in (c.result or {})
    ]
    assert len(sends) == len(delivered) + 1 >= 3  # one failed try, each part once
    assert len(set(delivered)) == len(delivered)
    assert "Pesan dari petugas" in delivered[0] and "kata1199" in delivered[-1]
    [row] = [r for r in await outbox_rows(bot) if r[0] == "relay_to_resident"]
    assert row[1] == "sent"


async def test_the_worker_sleeps_while_the_due_row_is_blocked(bot: Harness) -> None:
    """A relay due now waits behind a card that waits for a group: the worker must not
    ask the database again and again (it did ~20 times a second)."""
    ticket = await file_complaint(bot)  # no group: the card waits a minute between tries
    worker = bot.services.worker
    assert worker is not None
    await worker.drain_all()
    complaint = await bot.services.complaints.by_ticket(ticket)
    await bot.services.complaints.workflow.relay_from_resident(complaint, "Masih menumpuk")
    db = bot.services.db
    queries = 0
    fetchall, fetchone = db.fetchall, db.fetchone

    async def counted_fetchall(*args, **kwargs):
        nonlocal queries
        queries += 1
        return await fetchall(*args, **kwargs)

    async def counted_fetchone(*args, **kwargs):
        nonlocal queries
        queries += 1
        return await fetchone(*args, **kwargs)

    db.fetchall, db.fetchone = counted_fetchall, counted_fetchone  # type: ignore[method-assign]
    await worker.start()
    try:
        await asyncio.sleep(1.0)
    finally:
        await worker.stop()
    assert queries <= 4, queries
    # A wake (a new message owed, committed) is acted on at once, not after the sleep.
    await worker.start()
    try:
        await asyncio.sleep(0.2)
        await bot.link_group("dlh", GROUP)
        bot.services.wake_outbox()
        for _ in range(40):
            await asyncio.sleep(0.05)
            if any(c.chat_id == GROUP and ticket in c.text for c in bot.api.calls):
                break
    finally:
        await worker.stop()
    assert any(c.chat_id == GROUP and ticket in c.text for c in bot.api.calls)


async def test_a_slow_group_never_delays_a_residents_notice(bot: Harness) -> None:
    """Four messages into a slow chat (0.4 s each) take one lane; the resident's notice
    goes out in another meanwhile, and the slow chat's messages keep their order."""
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    await bot.deliver()
    slow_chat = -1001000000099
    overdue = [{"ticket": "DS-7K4P2Q", "opd": "dlh", "kecamatan": None, "due_at": None}]
    async with bot.services.db.transaction() as conn:
        for n in range(4):
            row = {**overdue[0], "status": f"s{n}"}
            await enqueue(conn, "escalation", chat_id=slow_chat, payload={"overdue": [row]})
    original = bot.api.do_request
    starts: list[float] = []

    async def slow(url, method, request_data=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        params = request_data.json_parameters if request_data else {}
        if params.get("chat_id") == str(slow_chat):
            starts.append(asyncio.get_running_loop().time())
            await asyncio.sleep(0.4)
        return await original(url, method, request_data, *args, **kwargs)

    bot.api.do_request = slow  # type: ignore[method-assign]
    worker = bot.services.worker
    assert worker is not None
    loop = asyncio.get_running_loop()
    await worker.start()
    try:
        await asyncio.sleep(0.1)  # the slow chat's lane is sending
        await bot.services.complaints.workflow.officer_action(ticket, "terima", SITI, GROUP)
        owed_at = loop.time()
        bot.services.wake_outbox()
        told_after = None
        while loop.time() - owed_at < 3:
            await asyncio.sleep(0.01)
            if told_after is None and any(
                c.chat_id == RESIDENT.id and "diterima" in c.text for c in bot.api.calls
            ):
                told_after = loop.time() - owed_at
            if len([c for c in bot.api.calls if c.chat_id == slow_chat]) == 4:
                break
    finally:
        await worker.stop()
    assert told_after is not None and told_after < 0.3, told_after
    statuses = [c.text for c in bot.api.calls if c.chat_id == slow_chat]
    assert len(statuses) == 4
    assert all(f"— s{n} —" in text for n, text in enumerate(statuses)), statuses  # in order
    # One chat, one lane: each message starts after the one before it was answered.
    assert all(later - sooner >= 0.35 for sooner, later in itertools.pairwise(starts)), starts


async def test_a_refused_admin_notice_does_not_beget_another(bot: Harness) -> None:
    """Admins who blocked the bot: the notice about held rows is held too, and that is the
    end of it (no notice about the notice, in a loop)."""
    blocked = Fault(None, status=403, description="Forbidden: bot was blocked by the user")
    bot.api.faults.extend([blocked, blocked])
    async with bot.services.db.transaction() as conn:
        await enqueue(
            conn, "triage_notice", chat_id=ADMIN.id, payload={"ticket": "x", "reason": "y"}
        )
    await bot.deliver()
    later(bot, 7200)
    await bot.deliver()
    rows = await bot.services.db.fetchall("SELECT kind, state FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("triage_notice", "parked"), ("held_notice", "parked")]
