"""Queries, the audit trail and the routing rules' history."""

from __future__ import annotations

from pathlib import Path

from bot.services.calendar import WorkingCalendar
from bot.services.complaints import ComplaintService, Officer
from bot.services.knowledge import LiveKnowledge
from db import Database
from tests.conftest import Harness
from tests.handlers.test_complaint_flow import file_complaint

GROUP = -1001000000051


async def test_routing_rules_are_synchronised_with_history(
    tmp_path: Path, shipped_knowledge: LiveKnowledge
) -> None:
    db = Database(tmp_path / "r.sqlite3")
    await db.open()
    try:
        service = ComplaintService(db, shipped_knowledge, WorkingCalendar())
        first = await service.sync_routing_rules()
        assert first == len(shipped_knowledge.knowledge.categories)
        assert await service.sync_routing_rules() == 0  # unchanged files change nothing
        rows = await db.fetchall("SELECT opd_id FROM routing_rule WHERE category = 'sampah'")
        assert [r[0] for r in rows] == ["dlh"]
        history = await db.fetchall("SELECT COUNT(*) FROM routing_rule_history")
        assert history[0][0] == first
    finally:
        await db.close()


async def test_timeline_counts_and_lookups(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    await bot.deliver()
    store = bot.services.complaints
    complaint = await store.by_ticket(ticket)
    assert complaint is not None and await store.get(complaint.id) == complaint
    await store.workflow.officer_action(ticket, "terima", Officer(8001, "Siti"), GROUP)
    events = await store.timeline(complaint.id)
    assert [e.action for e in events] == ["dibuat", "diteruskan", "diterima"]
    assert events[-1].actor_name == "Siti" and events[0].actor_kind == "resident"
    assert (await store.opd_counts())["dlh"] == (1, 0, 0)
    assert [c.ticket for c in await store.for_resident(complaint.resident_id)] == [ticket]
    assert store.destination(complaint) == "dlh"
    assert await store.resident_chat(complaint.resident_id) == 5550001
