"""One test per outbox kind: what its sender sends, and where.

`test_every_kind_has_a_sender_test` keeps the table honest: a new kind in
`bot.delivery.senders.KINDS` needs a `test_sends_<kind>` here.
"""

from __future__ import annotations

import sys
from typing import Any

from bot.delivery.senders import IDEMPOTENT_KINDS, KINDS
from bot.offline.local_api import ApiCall
from bot.offline.simulator import RESIDENT
from bot.services.complaints import Officer
from bot.services.outbox import enqueue
from faq.formatting import plain_text
from tests.conftest import ADMIN, Harness
from tests.handlers.test_complaint_flow import file_complaint

GROUP = -1001000000061
SITI = Officer(8001, "Siti")


def test_every_kind_has_a_sender_test() -> None:
    tests = set(dir(sys.modules[__name__]))
    missing = [kind for kind in KINDS if f"test_sends_{kind}" not in tests]
    assert missing == []
    # Only an edit is safe to send again after a crash mid-send.
    assert IDEMPOTENT_KINDS == {"card_edit"}


async def delivered(bot: Harness, **complaint: Any) -> int:
    """A complaint whose card is in GROUP; returns its id."""
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot, **complaint)
    await bot.deliver()
    found = await bot.services.complaints.by_ticket(ticket)
    assert found is not None
    return found.id


async def owe(bot: Harness, kind: str, **row: Any) -> list[ApiCall]:
    """Enqueue one row of `kind` and let the worker send it."""
    async with bot.services.db.transaction() as conn:
        await enqueue(conn, kind, payload=row.pop("payload", {}), **row)
    return await bot.deliver()


def under_card(calls: list[ApiCall], card_id: int) -> list[ApiCall]:
    return [
        c
        for c in calls
        if c.chat_id == GROUP
        and (c.params.get("reply_parameters") or {}).get("message_id") == card_id
    ]


async def card_id(bot: Harness, complaint_id: int) -> int:
    complaint = await bot.services.complaints.get(complaint_id)
    assert complaint is not None and complaint.card_message_id is not None
    return complaint.card_message_id


# -- OPD groups -----------------------------------------------------------------------------
async def test_sends_card(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    calls = await bot.deliver()
    [card] = [c for c in calls if c.chat_id == GROUP]
    assert f"Pengaduan {ticket}" in card.text and card.buttons
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.card_message_id == card.result["message_id"]


async def test_sends_card_edit(bot: Harness) -> None:
    complaint_id = await delivered(bot)
    complaint = await bot.services.complaints.get(complaint_id)
    await bot.services.complaints.workflow.officer_action(complaint.ticket, "terima", SITI, GROUP)
    calls = await bot.deliver()
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert edit.params["message_id"] == complaint.card_message_id
    assert "Diterima petugas" in plain_text(edit.text)


async def test_sends_photo(bot: Harness) -> None:
    complaint_id = await delivered(bot)
    async with bot.services.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO complaint_photo (complaint_id, position, file_id) VALUES (?, 1, 'f1')",
            (complaint_id,),
        )
    calls = await owe(bot, "photo", complaint_id=complaint_id, payload={"position": 1})
    [photo] = under_card(calls, await card_id(bot, complaint_id))
    assert photo.method == "sendPhoto" and photo.params["photo"] == "f1"


async def test_sends_pin(bot: Harness) -> None:
    complaint_id = await delivered(bot)
    async with bot.services.db.transaction() as conn:
        await conn.execute(
            "UPDATE complaint SET latitude = 3.55, longitude = 98.87 WHERE id = ?",
            (complaint_id,),
        )
    calls = await owe(bot, "pin", complaint_id=complaint_id)
    [pin] = under_card(calls, await card_id(bot, complaint_id))
    assert pin.method == "sendLocation" and float(pin.params["latitude"]) == 3.55


async def test_sends_detail(bot: Harness) -> None:
    complaint_id = await delivered(bot)
    calls = await owe(bot, "detail", complaint_id=complaint_id, payload={"text": "lanjutan"})
    [detail] = under_card(calls, await card_id(bot, complaint_id))
    assert detail.text == "lanjutan"


async def test_sends_reminder(bot: Harness) -> None:
    complaint_id = await delivered(bot)
    calls = await owe(bot, "reminder", complaint_id=complaint_id)
    [reminder] = under_card(calls, await card_id(bot, complaint_id))
    assert "Pengingat" in reminder.text


async def test_sends_relay_to_group(bot: Harness) -> None:
    complaint_id = await delivered(bot)
    calls = await owe(
        bot, "relay_to_group", complaint_id=complaint_id, payload={"text": "Dekat pasar <baru>"}
    )
    [relayed] = under_card(calls, await card_id(bot, complaint_id))
    assert "Dekat pasar &lt;baru&gt;" in relayed.text
    # A reply to it reaches the resident: it is remembered as about this complaint.
    complaint = await bot.services.complaints.cards.complaint_of_message(
        GROUP, relayed.result["message_id"]
    )
    assert complaint is not None and complaint.id == complaint_id


async def test_a_card_follow_up_waits_for_the_card(bot: Harness) -> None:
    ticket = await file_complaint(bot)  # no group: no card yet
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert await owe(bot, "detail", complaint_id=complaint.id, payload={"text": "x"}) == []
    rows = await bot.services.db.fetchall("SELECT state FROM outbox WHERE kind = 'detail'")
    assert [r[0] for r in rows] == ["pending"]


# -- residents ------------------------------------------------------------------------------
async def test_sends_notify(bot: Harness) -> None:
    complaint_id = await delivered(bot)
    calls = await owe(
        bot, "notify", complaint_id=complaint_id, payload={"template": "diproses", "note": None}
    )
    [notice] = [c for c in calls if c.chat_id == RESIDENT.id]
    assert "diproses" in notice.text


async def test_sends_relay_to_resident(bot: Harness) -> None:
    complaint_id = await delivered(bot)
    calls = await owe(
        bot, "relay_to_resident", complaint_id=complaint_id, payload={"text": "Foto <lokasi>?"}
    )
    [relayed] = [c for c in calls if c.chat_id == RESIDENT.id]
    assert "Foto &lt;lokasi&gt;?" in relayed.text and "Dinas Lingkungan Hidup" in relayed.text


# -- admins ---------------------------------------------------------------------------------
async def test_sends_escalation(bot: Harness) -> None:
    overdue = [
        {"ticket": "DS-7K4P2Q", "opd": "dlh", "kecamatan": None, "due_at": None, "status": "x"}
    ]
    calls = await owe(bot, "escalation", chat_id=ADMIN.id, payload={"overdue": overdue})
    [escalation] = [c for c in calls if c.chat_id == ADMIN.id]
    assert "DS-7K4P2Q" in escalation.text and "Dinas Lingkungan Hidup" in escalation.text


async def test_sends_triage_notice(bot: Harness) -> None:
    calls = await owe(
        bot,
        "triage_notice",
        chat_id=ADMIN.id,
        payload={"ticket": "DS-7K4P2Q", "reason": "rute <tidak> yakin"},
    )
    [notice] = [c for c in calls if c.chat_id == ADMIN.id]
    assert "DS-7K4P2Q" in notice.text and "rute &lt;tidak&gt; yakin" in notice.text


async def test_sends_held_notice(bot: Harness) -> None:
    await owe(bot, "fax", chat_id=ADMIN.id)  # parked: admins are told, once
    [notice] = [c for c in bot.api.calls if c.chat_id == ADMIN.id]
    assert "/tertahan" in notice.text and "1 pesan" in notice.text
    await bot.services.outbox.dismiss((await bot.services.outbox.held())[0].id)
    assert await owe(bot, "held_notice", chat_id=ADMIN.id) == []  # nothing held: silent


async def test_an_unknown_kind_is_parked_not_fatal(bot: Harness) -> None:
    await owe(bot, "fax", chat_id=ADMIN.id)
    [(state, error)] = await bot.services.db.fetchall(
        "SELECT state, last_error FROM outbox WHERE kind = 'fax'"
    )
    assert state == "parked" and "fax" in error
