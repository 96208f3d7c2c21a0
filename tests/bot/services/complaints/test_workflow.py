"""Officer and admin actions, refusals, relays, close and reopen.

Races are made deterministic with `Gate`: every call reads the complaint first, then all
of them wait at the door of their write transaction until each one is there, so they all
act on the same state, as two officers pressing at the same moment do.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
import pytest

from bot.offline.local_api import ApiCall
from bot.offline.simulator import RESIDENT
from bot.presentation import texts
from bot.services.complaints import Officer
from db import Database
from tests.conftest import ADMIN, Harness
from tests.handlers.test_complaint_flow import file_complaint
from tests.handlers.test_officer import (
    DISHUB_GROUP,
    DLH_GROUP,
    OFFICER,
    OTHER_OFFICER,
    cards,
    delivered_card,
    press_in_group,
    resident_messages,
)

NEW_GROUP = -1001000000041
SITI = Officer(OFFICER.id, "Siti Petugas DLH")
ANDI = Officer(OTHER_OFFICER.id, "Andi")


class Gate:
    """Holds every write transaction until `expected` of them are waiting."""

    def __init__(self, db: Database, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
        self.real = db.transaction
        self.expected = expected
        self.waiting = 0
        self.all_here = asyncio.Event()
        monkeypatch.setattr(db, "transaction", self.transaction)

    @asynccontextmanager
    async def transaction(self, **kwargs: Any) -> AsyncIterator[aiosqlite.Connection]:
        self.waiting += 1
        if self.waiting >= self.expected:
            self.all_here.set()
        await asyncio.wait_for(self.all_here.wait(), 5)
        async with self.real(**kwargs) as conn:
            yield conn


async def at_once(bot: Harness, monkeypatch: pytest.MonkeyPatch, *calls: Awaitable) -> list:
    Gate(bot.services.db, len(calls), monkeypatch)
    results = await asyncio.gather(*calls)
    monkeypatch.undo()
    return list(results)


def group(chat_id: int) -> dict:
    return {"id": chat_id, "type": "supergroup", "title": f"Grup {chat_id}"}


# -- compare-and-set: a second press at the same moment changes nothing ------------------
async def test_two_officers_accepting_at_once_accept_once(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await file_complaint(bot)
    await delivered_card(bot)
    workflow = bot.services.complaints.workflow
    results = await at_once(
        bot,
        monkeypatch,
        workflow.officer_action(ticket, "terima", SITI, DLH_GROUP),
        workflow.officer_action(ticket, "terima", ANDI, DLH_GROUP),
    )
    assert sorted(r.ok for r in results) == [False, True]
    complaint = await bot.services.complaints.by_ticket(ticket)
    events = [e.action for e in await bot.services.complaints.timeline(complaint.id)]
    assert events.count("diterima") == 1
    assert len([t for t in resident_messages(await bot.deliver()) if "diterima" in t]) == 1


async def test_two_admins_assigning_at_once_assign_once(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = await file_complaint(bot, category="Lainnya", description="tolong diperhatikan pak bu")
    workflow = bot.services.complaints.workflow
    results = await at_once(
        bot,
        monkeypatch,
        workflow.admin_assign(ticket, "dlh", SITI),
        workflow.admin_assign(ticket, "dishub", ANDI),
    )
    assert sorted(r.ok for r in results) == [False, True]
    [winner] = [r for r in results if r.ok]
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.opd_id == winner.complaint.opd_id
    events = await bot.services.complaints.timeline(complaint.id)
    assert [e.action for e in events].count("dialihkan") == 1


async def finished(bot: Harness) -> Any:
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await file_complaint(bot)
    await delivered_card(bot)
    workflow = bot.services.complaints.workflow
    assert (await workflow.officer_action(ticket, "terima", SITI, DLH_GROUP)).ok
    done = await workflow.officer_action(ticket, "selesai", SITI, DLH_GROUP, note="Beres.")
    assert done.ok and done.complaint is not None
    return done.complaint


@pytest.mark.parametrize("first", ["rate", "reopen"])
async def test_rating_and_reopening_at_once_do_one_of_them(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    complaint = await finished(bot)
    workflow = bot.services.complaints.workflow
    calls = {
        "rate": workflow.rate(complaint, complaint.resident_id, 5),
        "reopen": workflow.reopen(complaint, complaint.resident_id, "belum"),
    }
    order = [first, *(k for k in calls if k != first)]
    results = await at_once(bot, monkeypatch, *(calls[k] for k in order))
    assert sorted(r.ok for r in results) == [False, True]
    events = [e.action for e in await bot.services.complaints.timeline(complaint.id)]
    assert events.count("ditutup") + events.count("dibuka_lagi") == 1


async def test_rating_twice_at_once_closes_once(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    complaint = await finished(bot)
    rate = bot.services.complaints.workflow.rate
    results = await at_once(
        bot,
        monkeypatch,
        rate(complaint, complaint.resident_id, 5),
        rate(complaint, complaint.resident_id, 4),
    )
    assert sorted(r.ok for r in results) == [False, True]
    events = [e.action for e in await bot.services.complaints.timeline(complaint.id)]
    assert events.count("ditutup") == 1


# -- who may act: the group holding the card AND acting on the complaint now --------------
async def test_a_card_in_a_group_that_no_longer_acts_changes_nothing(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot)
    # The OPD's link changed without the bot (e.g. a database restored from a backup):
    # the card is still recorded in the old group, which no longer acts on it.
    async with bot.services.db.transaction() as conn:
        await conn.execute("UPDATE opd_group SET chat_id = ? WHERE opd_id = 'dlh'", (NEW_GROUP,))
    # The old group is linked to nothing now, so the bot does not even hear it; the
    # workflow refuses on its own too.
    assert await press_in_group(bot, card, texts.BTN_ACCEPT, OFFICER) == []
    result = await bot.services.complaints.workflow.officer_action(
        ticket,
        "terima",
        Officer(OFFICER.id, "Siti"),
        DLH_GROUP,
        card_message_id=card.result["message_id"],
    )
    assert not result.ok and result.reason == "wrong_group"
    assert (await bot.services.complaints.by_ticket(ticket)).status == "diteruskan"


async def test_the_acting_group_without_the_card_changes_nothing(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await bot.link_group("dishub", DISHUB_GROUP)
    ticket = await file_complaint(bot)
    await delivered_card(bot)
    # DLH moves to a new group; its card there is not delivered yet.
    await bot.simulator.send("/hubungkan dlh", ADMIN, chat=group(NEW_GROUP))
    [notice] = [c for c in bot.api.calls if c.chat_id == NEW_GROUP][-1:]
    # A chooser button pressed in the new group before its card arrived.
    calls = await bot.simulator.press_data(notice, f"k:{ticket}:alihkan:dishub", OFFICER)
    [alert] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert alert.params["text"] == texts.OFFICER_REFUSED["wrong_group"]
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.opd_id == "dlh" and complaint.status == "diteruskan"


# -- officers' replies reach the resident only from the acting group ----------------------
async def test_a_reply_to_an_old_card_is_not_relayed(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await bot.link_group("dishub", DISHUB_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot)
    calls = await press_in_group(bot, card, texts.BTN_MOVE, OFFICER)
    [chooser] = [c for c in calls if c.method == "sendMessage"]
    await press_in_group(bot, chooser, "Dishub", OFFICER)
    assert len(cards(await bot.deliver(), DISHUB_GROUP)) == 1
    # An officer of the old group replies to the old card.
    calls = await bot.simulator.send(
        "Kami sudah tidak menangani ini, tapi boleh kirim foto?",
        OFFICER,
        chat=group(DLH_GROUP),
        reply_to=card.result,
    )
    assert any(c.text == texts.OFFICER_REFUSED["wrong_group"] for c in calls)
    assert resident_messages(await bot.deliver()) == []
    complaint = await bot.services.complaints.by_ticket(ticket)
    events = [e.action for e in await bot.services.complaints.timeline(complaint.id)]
    assert "pesan_petugas" not in events


async def test_a_reply_in_the_acting_group_is_relayed(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await file_complaint(bot)
    card: ApiCall = await delivered_card(bot)
    await bot.simulator.send(
        "Titik TPS-nya di mana?", OFFICER, chat=group(DLH_GROUP), reply_to=card.result
    )
    assert any("Titik TPS-nya" in t for t in resident_messages(await bot.deliver()))
    assert RESIDENT.first_name not in card.text
