"""What officers, admins and residents do to a filed complaint: officer actions and their
refusal, an admin's assignment, messages both ways, closing and reopening.

Every change is one transaction: a compare-and-set update of the complaint (on its status
and OPD, so a concurrent second press changes nothing), an event appended to the audit
trail, and the outbox rows for the messages it owes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.services.applied_updates import claim, was_applied
from bot.services.calendar import CLOSE_AFTER, FINISH_WITHIN
from bot.services.complaints import routing
from bot.services.complaints.models import (
    TRANSITIONS,
    Action,
    ActionResult,
    Complaint,
    Officer,
    Status,
    officer_action,
)
from bot.services.outbox import enqueue
from bot.services.redaction import redact
from db import db_time

if TYPE_CHECKING:
    from bot.services.complaints.cards import Cards
    from bot.services.complaints.store import ComplaintStore

AUTO_CLOSE_NOTE = "ditutup otomatis: tidak ada tanggapan pelapor dalam 10 hari kerja"


class Workflow:
    def __init__(self, store: ComplaintStore, cards: Cards) -> None:
        self.store = store
        self.cards = cards

    # -- who may act ----------------------------------------------------------------------
    async def refusal(
        self,
        complaint: Complaint,
        action: str,
        chat_id: int,
        card_message_id: int | None = None,
    ) -> str | None:
        """Why an officer in `chat_id` may not take `action` now (None: they may).

        Checked again inside `officer_action`, and on its own before an officer is asked for
        a note, so nobody writes a note for a press that cannot act."""
        wrong = await self._wrong_group(complaint, chat_id)
        if wrong is not None:
            return wrong
        if card_message_id is not None and card_message_id != complaint.card_message_id:
            return "stale"
        chosen = officer_action(action)
        if chosen is None or complaint.status not in TRANSITIONS[chosen].sources:
            return "not_allowed"
        return None

    async def _wrong_group(self, complaint: Complaint, chat_id: int) -> str | None:
        """Only the group holding the complaint's card, and linked to its destination now,
        acts on it: a forwarded card, an old group or a stranded card change nothing."""
        acting_chat = await self.cards.card_chat(complaint)
        if complaint.card_chat_id != chat_id or acting_chat != chat_id:
            return "wrong_group"
        return None

    def move_targets(self, complaint: Complaint) -> list[str]:
        return routing.move_targets(
            self.store.knowledge.knowledge, complaint.opd_id, complaint.kecamatan_code
        )

    # -- officer actions ------------------------------------------------------------------
    async def officer_action(
        self,
        ticket: str,
        action: str,
        officer: Officer,
        chat_id: int,
        *,
        note: str | None = None,
        target: str | None = None,
        card_message_id: int | None = None,
        update_id: int | None = None,
    ) -> ActionResult:
        """Apply an officer's button press; refuses anything not allowed, changing nothing.
        The same update applied again changes nothing and reports success again."""
        store = self.store
        knowledge = store.knowledge.knowledge
        complaint = await store.by_ticket(ticket)
        chosen = officer_action(action)
        if complaint is None or chosen is None:
            return ActionResult(False, "unknown")
        if await was_applied(store.db, update_id):
            return ActionResult(True, "ok", complaint)  # already applied: only acknowledged
        refusal = await self.refusal(complaint, chosen, chat_id, card_message_id)
        if refusal is not None:
            return ActionResult(False, refusal, complaint)
        transition = TRANSITIONS[chosen]
        if transition.needs_note and not (note or "").strip():
            return ActionResult(False, "needs_note", complaint)
        if chosen == Action.ALIHKAN:
            if not target or not routing.valid_target(knowledge, target, complaint.kecamatan_code):
                return ActionResult(False, "bad_target", complaint)
            if target == complaint.opd_id:
                return ActionResult(False, "same_target", complaint)
        now = store.clock()
        new_opd, triage_reason, due = self._consequences(complaint, chosen, now, note, target)
        async with store.db.transaction() as conn:
            if not await claim(conn, update_id):
                return ActionResult(True, "ok", await store.get(complaint.id))
            # Compare-and-set on the status and the OPD: a concurrent second press, or a
            # move that happened meanwhile, changes nothing.
            cursor = await conn.execute(
                "UPDATE complaint SET status = ?, opd_id = ?, triage_reason = ?, due_at = ?,"
                " updated_at = ?, sensitive = MAX(sensitive, ?)"
                " WHERE id = ? AND status = ? AND opd_id = ?",
                (
                    transition.target,
                    new_opd,
                    triage_reason,
                    db_time(due) if due else None,
                    db_time(now),
                    int(routing.anonymous(knowledge, complaint.category, new_opd)),
                    complaint.id,
                    complaint.status,
                    complaint.opd_id,
                ),
            )
            if cursor.rowcount != 1:
                return ActionResult(False, "not_allowed", complaint)
            await store.add_event(
                conn,
                complaint.id,
                transition.event,
                complaint.status,
                transition.target,
                new_opd,
                "officer",
                officer,
                note or (target if chosen == Action.ALIHKAN else None),
            )
            if chosen in (Action.TOLAK, Action.ALIHKAN):
                # The old card shows where it went; a new card goes to the new group.
                await self.cards.reissue(conn, complaint, new_opd)
            else:
                await enqueue(conn, "card_edit", complaint_id=complaint.id, payload={})
            if chosen == Action.TOLAK:
                await store.notify_admins(conn, complaint.ticket, triage_reason or "")
            await enqueue(
                conn,
                "notify",
                complaint_id=complaint.id,
                payload={"template": transition.event, "note": note},
            )
        return ActionResult(True, "ok", await store.get(complaint.id))

    def _consequences(
        self,
        complaint: Complaint,
        action: Action,
        now: dt.datetime,
        note: str | None,
        target: str | None,
    ) -> tuple[str, str | None, dt.datetime | None]:
        """(OPD, triage reason, deadline) after an officer action."""
        calendar = self.store.calendar
        if action == Action.TERIMA or (
            action == Action.PROSES and complaint.status == Status.DITERUSKAN
        ):
            return (
                complaint.opd_id,
                complaint.triage_reason,
                calendar.add_working_days(now, FINISH_WITHIN),
            )
        if action == Action.SELESAI:
            return (
                complaint.opd_id,
                complaint.triage_reason,
                calendar.add_working_days(now, CLOSE_AFTER),
            )
        if action == Action.TOLAK:
            return self.store.policy.triage or complaint.opd_id, f"bukan wewenang: {note}", None
        if action == Action.ALIHKAN:
            return target or complaint.opd_id, None, None
        return complaint.opd_id, complaint.triage_reason, complaint.due_at

    # -- admins ---------------------------------------------------------------------------
    async def admin_assign(self, ticket: str, target: str, admin: Officer) -> ActionResult:
        """An admin decides a triaged complaint's OPD (from any open status)."""
        store = self.store
        knowledge = store.knowledge.knowledge
        complaint = await store.by_ticket(ticket)
        if complaint is None:
            return ActionResult(False, "unknown")
        transition = TRANSITIONS[Action.TETAPKAN]
        if complaint.status not in transition.sources:
            return ActionResult(False, "not_allowed", complaint)
        if not routing.valid_target(knowledge, target, complaint.kecamatan_code):
            return ActionResult(False, "bad_target", complaint)
        async with store.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE complaint SET status = ?, opd_id = ?, triage_reason = NULL,"
                " sensitive = MAX(sensitive, ?), due_at = NULL, updated_at = ?"
                " WHERE id = ? AND status = ? AND opd_id = ?",
                (
                    transition.target,
                    target,
                    int(routing.anonymous(knowledge, complaint.category, target)),
                    db_time(store.clock()),
                    complaint.id,
                    complaint.status,
                    complaint.opd_id,
                ),
            )
            if cursor.rowcount != 1:
                return ActionResult(False, "not_allowed", complaint)
            await store.add_event(
                conn,
                complaint.id,
                transition.event,
                complaint.status,
                transition.target,
                target,
                "admin",
                admin,
                f"ditetapkan admin ke {target}",
            )
            await self.cards.reissue(conn, complaint, target)
            if complaint.opd_id != target:
                await enqueue(
                    conn,
                    "notify",
                    complaint_id=complaint.id,
                    payload={"template": transition.event},
                )
        return ActionResult(True, "ok", await store.get(complaint.id))

    # -- notes officers are asked for -----------------------------------------------------
    async def prompt_officer(
        self,
        chat_id: int,
        message_id: int,
        complaint_id: int,
        action: str,
        officer_id: int,
        *,
        update_id: int | None = None,
    ) -> None:
        async with self.store.db.transaction() as conn:
            if not await claim(conn, update_id):
                return
            await conn.execute(
                "INSERT OR REPLACE INTO officer_prompt (chat_id, message_id, complaint_id, action,"
                " officer_id) VALUES (?, ?, ?, ?, ?)",
                (chat_id, message_id, complaint_id, action, officer_id),
            )

    async def officer_prompt(self, chat_id: int, message_id: int) -> tuple[int, str] | None:
        row = await self.store.db.fetchone(
            "SELECT complaint_id, action FROM officer_prompt WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return (int(row[0]), str(row[1])) if row else None

    # -- messages between officers and residents -----------------------------------------
    async def relay_from_officer(
        self,
        complaint: Complaint,
        officer: Officer,
        chat_id: int,
        text: str,
        *,
        update_id: int | None = None,
    ) -> str | None:
        """An officer's reply to the card goes to the resident, once per update. Returns
        why not, if not: `wrong_group` (not the group acting on it) or `closed`."""
        wrong = await self._wrong_group(complaint, chat_id)
        if wrong is not None:
            return wrong
        if complaint.status == Status.DITUTUP:
            return "closed"
        async with self.store.db.transaction() as conn:
            if not await claim(conn, update_id):
                return None  # relayed the first time this update came
            await self.store.add_event(
                conn,
                complaint.id,
                "pesan_petugas",
                complaint.status,
                complaint.status,
                complaint.opd_id,
                "officer",
                officer,
                text,
            )
            await enqueue(
                conn, "relay_to_resident", complaint_id=complaint.id, payload={"text": text}
            )
        return None

    async def relay_from_resident(
        self, complaint: Complaint, text: str, *, update_id: int | None = None
    ) -> None:
        """A resident's reply goes to the OPD group, once per update."""
        async with self.store.db.transaction() as conn:
            if not await claim(conn, update_id):
                return
            await self.store.add_event(
                conn,
                complaint.id,
                "pesan_warga",
                complaint.status,
                complaint.status,
                complaint.opd_id,
                "resident",
                None,
                redact(text),
            )
            await enqueue(
                conn, "relay_to_group", complaint_id=complaint.id, payload={"text": redact(text)}
            )

    # -- residents after "selesai" --------------------------------------------------------
    async def rate(self, complaint: Complaint, resident_id: int, rating: int) -> ActionResult:
        """The resident confirms a `selesai` complaint with a rating: it is closed."""
        if complaint.resident_id != resident_id:
            return ActionResult(False, "unknown")
        if complaint.status not in TRANSITIONS[Action.TUTUP].sources or not 1 <= rating <= 5:
            return ActionResult(False, "not_allowed", complaint)
        if not await self._close(complaint, "resident", f"nilai {rating}", rating=rating):
            return ActionResult(False, "not_allowed", complaint)
        return ActionResult(True, "ok", await self.store.get(complaint.id))

    async def close_silent(self, complaint_id: int) -> bool:
        """Close a `selesai` complaint the resident did not answer within the deadline."""
        complaint = await self.store.get(complaint_id)
        if complaint is None or complaint.status not in TRANSITIONS[Action.TUTUP].sources:
            return False
        return await self._close(
            complaint, "system", AUTO_CLOSE_NOTE, notify_template="ditutup_otomatis"
        )

    async def _close(
        self,
        complaint: Complaint,
        actor_kind: str,
        note: str,
        *,
        rating: int | None = None,
        notify_template: str | None = None,
    ) -> bool:
        """selesai -> ditutup, once: a concurrent second close changes nothing."""
        transition = TRANSITIONS[Action.TUTUP]
        async with self.store.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE complaint SET status = ?, rating = COALESCE(?, rating),"
                " due_at = NULL, updated_at = ? WHERE id = ? AND status = ?",
                (
                    transition.target,
                    rating,
                    db_time(self.store.clock()),
                    complaint.id,
                    complaint.status,
                ),
            )
            if cursor.rowcount != 1:
                return False
            await self.store.add_event(
                conn,
                complaint.id,
                transition.event,
                complaint.status,
                transition.target,
                complaint.opd_id,
                actor_kind,
                None,
                note,
            )
            await enqueue(conn, "card_edit", complaint_id=complaint.id, payload={})
            if notify_template:
                await enqueue(
                    conn,
                    "notify",
                    complaint_id=complaint.id,
                    payload={"template": notify_template},
                )
        return True

    async def reopen(
        self, complaint: Complaint, resident_id: int, reason: str | None
    ) -> ActionResult:
        """ "Belum selesai": back to the OPD, with a new deadline to finish."""
        if complaint.resident_id != resident_id:
            return ActionResult(False, "unknown")
        transition = TRANSITIONS[Action.BUKA_LAGI]
        if complaint.status not in transition.sources:
            return ActionResult(False, "not_allowed", complaint)
        now = self.store.clock()
        due = self.store.calendar.add_working_days(now, FINISH_WITHIN)
        async with self.store.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE complaint SET status = ?, due_at = ?, updated_at = ?"
                " WHERE id = ? AND status = ?",
                (transition.target, db_time(due), db_time(now), complaint.id, complaint.status),
            )
            if cursor.rowcount != 1:
                return ActionResult(False, "not_allowed", complaint)
            await self.store.add_event(
                conn,
                complaint.id,
                transition.event,
                complaint.status,
                transition.target,
                complaint.opd_id,
                "resident",
                None,
                redact(reason or "") or None,
            )
            await enqueue(conn, "card_edit", complaint_id=complaint.id, payload={})
            await enqueue(
                conn,
                "relay_to_group",
                complaint_id=complaint.id,
                payload={"template": transition.event, "text": redact(reason or "")},
            )
        return ActionResult(True, "ok", await self.store.get(complaint.id))
