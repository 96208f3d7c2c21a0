"""Complaints: drafts, submission, the status model, officer actions, tracking. No Telegram.

Every change is one transaction that also appends the complaint's event and writes the
outbox rows for the messages it owes (see `bot.services.outbox`). A resident is told a
ticket number only after the transaction that stored it has committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import aiosqlite

from bot.services.calendar import ACCEPT_WITHIN, CLOSE_AFTER, FINISH_WITHIN, WorkingCalendar
from bot.services.knowledge import LiveKnowledge
from bot.services.outbox import enqueue
from bot.services.redaction import redact
from bot.services.router import TRIAGE_OPD
from bot.services.tickets import new_ticket
from db import Database, db_time, parse_db_time

Status = Literal["baru", "diteruskan", "diterima", "diproses", "selesai", "ditutup"]
OPEN_STATUSES = ("baru", "diteruskan", "diterima", "diproses")
DUPLICATE_WINDOW = dt.timedelta(minutes=30)
KECAMATAN_OPD = "kecamatan"

# Officer actions: which statuses each may start from, and where it leads.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "terima": (("diteruskan",), "diterima"),
    "proses": (("diteruskan", "diterima"), "diproses"),
    "selesai": (("diterima", "diproses"), "selesai"),
    "tolak": (("diteruskan", "diterima", "diproses"), "baru"),  # bukan wewenang -> triage
    "alihkan": (("baru", "diteruskan", "diterima", "diproses"), "baru"),
}
NEEDS_NOTE = frozenset({"selesai", "tolak"})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


parse_time = parse_db_time


def fingerprint(text: str) -> str:
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:32]


@dataclass
class Draft:
    """A complaint being written. Stored as JSON so a restart loses nothing."""

    resident_id: int
    step: str = "category"
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    category: str | None = None
    suggested_category: str | None = None
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    desa_code: str | None = None
    desa_name: str | None = None
    kecamatan_code: str | None = None
    kecamatan_name: str | None = None
    location_text: str | None = None
    location_options: list[dict[str, str]] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    share: Literal["anon", "name", "name_phone"] = "anon"
    reporter_name: str | None = None
    reporter_phone: str | None = None
    emergency_warned: bool = False
    referral_ok: bool = False  # told it is another body's matter, chose to file anyway
    editing: bool = False  # came back to a step from the summary
    updated_at: str | None = None

    def data(self) -> str:
        payload = asdict(self)
        for key in ("resident_id", "step", "nonce", "updated_at"):
            payload.pop(key)
        return json.dumps(payload, ensure_ascii=False)


@dataclass(frozen=True)
class Complaint:
    id: int
    ticket: str
    resident_id: int
    category: str
    description: str
    description_redacted: str
    desa_name: str | None
    kecamatan_code: str | None
    kecamatan_name: str | None
    latitude: float | None
    longitude: float | None
    location_text: str | None
    opd_id: str
    route_score: float
    triage_reason: str | None
    sensitive: bool
    emergency: bool
    share_identity: bool
    reporter_name: str | None
    reporter_phone: str | None
    status: str
    card_chat_id: int | None
    card_message_id: int | None
    due_at: dt.datetime | None
    rating: int | None
    created_at: dt.datetime

    @property
    def destination(self) -> str:
        """The key of the group that acts on it: an OPD id, or `kecamatan:<code>`."""
        if self.opd_id == KECAMATAN_OPD and self.kecamatan_code:
            return f"{KECAMATAN_OPD}:{self.kecamatan_code}"
        return self.opd_id

    @property
    def location_label(self) -> str | None:
        if self.desa_name and self.kecamatan_name:
            return f"{self.desa_name}, Kec. {self.kecamatan_name}"
        if self.kecamatan_name:
            return f"Kec. {self.kecamatan_name}"
        return self.location_text


@dataclass(frozen=True)
class Event:
    action: str
    status_from: str | None
    status_to: str
    opd_id: str | None
    actor_kind: str
    actor_name: str | None
    note: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Submission:
    complaint: Complaint
    created: bool  # False: this draft (or the same text just now) already has a ticket


@dataclass(frozen=True)
class Officer:
    id: int
    name: str


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    reason: str  # machine-readable: ok, unknown, wrong_group, stale, not_allowed, ...
    complaint: Complaint | None = None


_COMPLAINT_COLUMNS = (
    "id, ticket, resident_id, category, description, description_redacted, desa_name,"
    " kecamatan_code, kecamatan_name, latitude, longitude, location_text, opd_id, route_score,"
    " triage_reason, sensitive, emergency, share_identity, reporter_name, reporter_phone,"
    " status, card_chat_id, card_message_id, due_at, rating, created_at"
)


def _complaint(row: sqlite3.Row | aiosqlite.Row) -> Complaint:
    values = dict(zip(_COMPLAINT_COLUMNS.replace(" ", "").split(","), row, strict=True))
    values["sensitive"] = bool(values["sensitive"])
    values["emergency"] = bool(values["emergency"])
    values["share_identity"] = bool(values["share_identity"])
    values["due_at"] = parse_time(values["due_at"])
    values["created_at"] = parse_time(values["created_at"])
    return Complaint(**values)


class ComplaintService:
    def __init__(
        self,
        db: Database,
        knowledge: LiveKnowledge,
        calendar: WorkingCalendar,
        clock: Any = utcnow,
        admin_chats: Any = list,
    ) -> None:
        self.db = db
        self.knowledge = knowledge
        self.calendar = calendar
        self.clock = clock
        # Where "needs a decision" notices go (a callable: settings can change at runtime).
        self.admin_chats = admin_chats

    async def _notify_admins(self, conn: aiosqlite.Connection, ticket: str, reason: str) -> None:
        for chat_id in self.admin_chats():
            # Not in the complaint's queue: it must go out even while the card waits.
            await enqueue(
                conn, "triage_notice", chat_id=chat_id, payload={"ticket": ticket, "reason": reason}
            )

    # -- residents and drafts -------------------------------------------------------------
    async def resident_id(self, telegram_id: int, chat_id: int) -> int:
        existing = await self.db.fetchone(
            "SELECT id, chat_id FROM resident WHERE telegram_id = ?", (telegram_id,)
        )
        if existing is not None and existing[1] == chat_id:
            return int(existing[0])
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO resident (telegram_id, chat_id) VALUES (?, ?)"
                " ON CONFLICT (telegram_id) DO UPDATE SET chat_id = excluded.chat_id",
                (telegram_id, chat_id),
            )
            async with conn.execute(
                "SELECT id FROM resident WHERE telegram_id = ?", (telegram_id,)
            ) as cur:
                row = await cur.fetchone()
        assert row is not None
        return int(row[0])

    async def find_resident(self, telegram_id: int) -> int | None:
        """The resident's id if they ever filed or started a complaint. Asking questions
        stores nothing about a person, so most users never get a row."""
        row = await self.db.fetchone(
            "SELECT id FROM resident WHERE telegram_id = ?", (telegram_id,)
        )
        return int(row[0]) if row else None

    async def resident_chat(self, resident_id: int) -> int | None:
        row = await self.db.fetchone("SELECT chat_id FROM resident WHERE id = ?", (resident_id,))
        return int(row[0]) if row else None

    async def draft(self, resident_id: int) -> Draft | None:
        row = await self.db.fetchone(
            "SELECT step, nonce, data, updated_at FROM draft WHERE resident_id = ?",
            (resident_id,),
        )
        if row is None:
            return None
        data = json.loads(row[2])
        known = set(Draft.__dataclass_fields__)
        return Draft(
            resident_id=resident_id,
            step=row[0],
            nonce=row[1],
            updated_at=row[3],
            **{k: v for k, v in data.items() if k in known},
        )

    async def save_draft(self, draft: Draft) -> None:
        now = db_time(self.clock())
        # A draft survives any restart of the bot either way; only a power cut could cost
        # the last step typed, which the resident simply types again.
        async with self.db.transaction(durable=False) as conn:
            await conn.execute(
                "INSERT INTO draft (resident_id, step, data, nonce, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (resident_id) DO UPDATE SET"
                " step = excluded.step, data = excluded.data, nonce = excluded.nonce,"
                " updated_at = excluded.updated_at",
                (draft.resident_id, draft.step, draft.data(), draft.nonce, now),
            )
        draft.updated_at = now

    async def discard_draft(self, resident_id: int) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM draft WHERE resident_id = ?", (resident_id,))
            return cursor.rowcount > 0

    # -- submission -----------------------------------------------------------------------
    def route_draft(self, draft: Draft) -> tuple[str, float, str | None]:
        """(opd id, score, triage reason) for a draft: category rule, text, then location."""
        knowledge = self.knowledge.knowledge
        category = knowledge.categories.get(draft.category or "")
        category_opd = category.opd if category and category.opd else None
        route = self.knowledge.assistant.router.route(
            draft.description, category_opd=category_opd, kecamatan=draft.kecamatan_name
        )
        if route.confident and route.opd:
            opd = route.opd
            if opd == KECAMATAN_OPD and not draft.kecamatan_code:
                return TRIAGE_OPD, route.score, "lokasi kecamatan tidak diketahui"
            if knowledge.opds.get(opd) and knowledge.opds[opd].is_external:
                # A referral is decided before confirming; reaching here means the resident
                # chose to file anyway, so an admin decides.
                return TRIAGE_OPD, route.score, f"mungkin urusan {opd} (di luar Pemkab)"
            return opd, route.score, None
        if category_opd:
            return category_opd, route.score, None
        return TRIAGE_OPD, route.score, "rute tidak yakin"

    async def submit(self, draft: Draft) -> Submission:
        """Store the complaint, its first event and the messages it owes, atomically."""
        knowledge = self.knowledge.knowledge
        now = self.clock()
        text_fingerprint = fingerprint(draft.description)
        category = knowledge.categories.get(draft.category or "")
        opd_id, score, triage_reason = self.route_draft(draft)
        sensitive = bool(category and category.sensitive) or opd_id in SENSITIVE_OPDS
        share = draft.share != "anon" and not sensitive
        async with self.db.transaction() as conn:
            async with conn.execute(
                f"SELECT {_COMPLAINT_COLUMNS} FROM complaint WHERE draft_nonce = ?",
                (draft.nonce,),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                async with conn.execute(
                    f"SELECT {_COMPLAINT_COLUMNS} FROM complaint WHERE resident_id = ?"
                    " AND fingerprint = ? AND created_at >= ? ORDER BY id LIMIT 1",
                    (draft.resident_id, text_fingerprint, db_time(now - DUPLICATE_WINDOW)),
                ) as cur:
                    row = await cur.fetchone()
            if row is not None:
                await conn.execute("DELETE FROM draft WHERE resident_id = ?", (draft.resident_id,))
                return Submission(_complaint(row), created=False)
            complaint_id = await self._insert(
                conn, draft, now, opd_id, score, triage_reason, sensitive, share, text_fingerprint
            )
            await self._event(conn, complaint_id, "dibuat", None, "baru", opd_id, "resident")
            await enqueue(conn, "card", complaint_id=complaint_id, payload={})
            await conn.execute("DELETE FROM draft WHERE resident_id = ?", (draft.resident_id,))
            async with conn.execute(
                f"SELECT {_COMPLAINT_COLUMNS} FROM complaint WHERE id = ?", (complaint_id,)
            ) as cur:
                row = await cur.fetchone()
            assert row is not None
            complaint = _complaint(row)
            if triage_reason:
                await self._notify_admins(conn, complaint.ticket, triage_reason)
        return Submission(complaint, created=True)

    async def _insert(
        self,
        conn: aiosqlite.Connection,
        draft: Draft,
        now: dt.datetime,
        opd_id: str,
        score: float,
        triage_reason: str | None,
        sensitive: bool,
        share: bool,
        text_fingerprint: str,
    ) -> int:
        category = self.knowledge.knowledge.categories.get(draft.category or "")
        for _ in range(10):  # a ticket collision is one in hundreds of millions; retry
            try:
                cursor = await conn.execute(
                    "INSERT INTO complaint (ticket, resident_id, draft_nonce, category,"
                    " description, description_redacted, fingerprint, desa_code, desa_name,"
                    " kecamatan_code, kecamatan_name, latitude, longitude, location_text,"
                    " opd_id, route_score, triage_reason, sensitive, emergency, share_identity,"
                    " reporter_name, reporter_phone, status, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " 'baru', ?, ?)",
                    (
                        new_ticket(),
                        draft.resident_id,
                        draft.nonce,
                        draft.category or "lainnya",
                        draft.description,
                        redact(draft.description),
                        text_fingerprint,
                        draft.desa_code,
                        draft.desa_name,
                        draft.kecamatan_code,
                        draft.kecamatan_name,
                        draft.latitude,
                        draft.longitude,
                        draft.location_text,
                        opd_id,
                        score,
                        triage_reason,
                        int(sensitive),
                        int(bool(category and category.emergency)),
                        int(share),
                        draft.reporter_name if share else None,
                        draft.reporter_phone if share and draft.share == "name_phone" else None,
                        db_time(now),
                        db_time(now),
                    ),
                )
            except sqlite3.IntegrityError as exc:
                if "complaint.ticket" in str(exc):
                    continue
                raise
            complaint_id = int(cursor.lastrowid or 0)
            for position, file_id in enumerate(draft.photos[:3], 1):
                await conn.execute(
                    "INSERT INTO complaint_photo (complaint_id, position, file_id)"
                    " VALUES (?, ?, ?)",
                    (complaint_id, position, file_id),
                )
            return complaint_id
        raise RuntimeError("could not allocate a unique ticket")

    async def _event(
        self,
        conn: aiosqlite.Connection,
        complaint_id: int,
        action: str,
        status_from: str | None,
        status_to: str,
        opd_id: str | None,
        actor_kind: str,
        actor: Officer | None = None,
        note: str | None = None,
    ) -> None:
        await conn.execute(
            "INSERT INTO complaint_event (complaint_id, action, status_from, status_to, opd_id,"
            " actor_kind, actor_id, actor_name, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                complaint_id,
                action,
                status_from,
                status_to,
                opd_id,
                actor_kind,
                actor.id if actor else None,
                actor.name if actor else None,
                note,
                db_time(self.clock()),
            ),
        )

    # -- queries --------------------------------------------------------------------------
    async def get(self, complaint_id: int) -> Complaint | None:
        row = await self.db.fetchone(
            f"SELECT {_COMPLAINT_COLUMNS} FROM complaint WHERE id = ?", (complaint_id,)
        )
        return _complaint(row) if row else None

    async def by_ticket(self, ticket: str) -> Complaint | None:
        row = await self.db.fetchone(
            f"SELECT {_COMPLAINT_COLUMNS} FROM complaint WHERE ticket = ?", (ticket,)
        )
        return _complaint(row) if row else None

    async def by_draft_nonce(self, nonce: str) -> Complaint | None:
        row = await self.db.fetchone(
            f"SELECT {_COMPLAINT_COLUMNS} FROM complaint WHERE draft_nonce = ?", (nonce,)
        )
        return _complaint(row) if row else None

    async def for_resident(self, resident_id: int, limit: int = 20) -> list[Complaint]:
        rows = await self.db.fetchall(
            f"SELECT {_COMPLAINT_COLUMNS} FROM complaint WHERE resident_id = ?"
            " ORDER BY id DESC LIMIT ?",
            (resident_id, limit),
        )
        return [_complaint(r) for r in rows]

    async def photos(self, complaint_id: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT file_id FROM complaint_photo WHERE complaint_id = ? ORDER BY position",
            (complaint_id,),
        )
        return [r[0] for r in rows]

    async def timeline(self, complaint_id: int) -> list[Event]:
        rows = await self.db.fetchall(
            "SELECT action, status_from, status_to, opd_id, actor_kind, actor_name, note,"
            " created_at FROM complaint_event WHERE complaint_id = ? ORDER BY id",
            (complaint_id,),
        )
        return [
            Event(r[0], r[1], r[2], r[3], r[4], r[5], r[6], parse_time(r[7]) or self.clock())
            for r in rows
        ]

    # -- routing rules --------------------------------------------------------------------
    async def sync_routing_rules(self) -> int:
        """Record the category -> OPD rules of the categories file, keeping a history of every
        change (like FixMyStreet's contacts), so any complaint's routing can be explained."""
        categories = self.knowledge.knowledge.categories
        changed = 0
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT category, opd_id FROM routing_rule") as cur:
                current = {str(r[0]): r[1] for r in await cur.fetchall()}
            for category in categories.values():
                opd = category.opd or None
                if category.id in current and current[category.id] == opd:
                    continue
                await conn.execute(
                    "INSERT INTO routing_rule (category, opd_id, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (category) DO UPDATE SET opd_id = excluded.opd_id,"
                    " updated_at = excluded.updated_at",
                    (category.id, opd, db_time(self.clock())),
                )
                await conn.execute(
                    "INSERT INTO routing_rule_history (category, opd_from, opd_to, changed_at)"
                    " VALUES (?, ?, ?, ?)",
                    (category.id, current.get(category.id), opd, db_time(self.clock())),
                )
                changed += 1
        return changed

    # -- OPD groups -----------------------------------------------------------------------
    async def link_group(self, destination: str, chat_id: int, title: str | None, by: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM opd_group WHERE chat_id = ?", (chat_id,))
            await conn.execute(
                "INSERT INTO opd_group (opd_id, chat_id, title, linked_by) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (opd_id) DO UPDATE SET chat_id = excluded.chat_id,"
                " title = excluded.title, linked_by = excluded.linked_by,"
                " linked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (destination, chat_id, title, by),
            )
            # Cards that waited for a group are due now.
            await conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND kind = 'card'",
                (db_time(self.clock()),),
            )

    async def group_of(self, destination: str) -> int | None:
        row = await self.db.fetchone(
            "SELECT chat_id FROM opd_group WHERE opd_id = ?", (destination,)
        )
        return int(row[0]) if row else None

    async def migrate_group(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its id changed, its links and cards move with it."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE opd_group SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )
            await conn.execute(
                "UPDATE complaint SET card_chat_id = ? WHERE card_chat_id = ?",
                (new_chat_id, old_chat_id),
            )
            await conn.execute(
                "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND state = 'pending'",
                (new_chat_id, old_chat_id),
            )

    async def card_chat(self, complaint: Complaint) -> int | None:
        """Where the card goes now: the destination's group, else the triage group."""
        chat = await self.group_of(complaint.destination)
        if chat is None and complaint.destination != TRIAGE_OPD:
            chat = await self.group_of(TRIAGE_OPD)
        return chat

    # -- delivery hooks (called by the outbox worker after Telegram accepted a message) ----
    def delivery_due(self, now: dt.datetime) -> dt.datetime:
        """The accept deadline a card delivered now carries."""
        return self.calendar.add_working_days(now, ACCEPT_WITHIN)

    async def card_delivered(
        self,
        complaint_id: int,
        chat_id: int,
        message_id: int,
        due: dt.datetime,
        details: list[str] | None = None,
        outbox_row_id: int | None = None,
    ) -> None:
        """Telegram accepted the card: record where it is, mark the complaint delivered.

        The outbox row is marked sent in the same transaction, so a crash cannot leave a
        delivered card unrecorded (or a recorded card owed again)."""
        complaint = await self.get(complaint_id)
        if complaint is None:
            return
        now = self.clock()
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE complaint SET card_chat_id = ?, card_message_id = ?, updated_at = ?"
                " WHERE id = ?",
                (chat_id, message_id, db_time(now), complaint_id),
            )
            if outbox_row_id is not None:
                await conn.execute(
                    "UPDATE outbox SET state = 'sent', sent_message_id = ?, sent_at = ?,"
                    " last_error = NULL WHERE id = ?",
                    (message_id, db_time(now), outbox_row_id),
                )
            await conn.execute(
                "INSERT OR IGNORE INTO complaint_message (chat_id, message_id, complaint_id, side)"
                " VALUES (?, ?, ?, 'officer')",
                (chat_id, message_id, complaint_id),
            )
            if complaint.status == "baru":
                await conn.execute(
                    "UPDATE complaint SET status = 'diteruskan', due_at = ? WHERE id = ?",
                    (db_time(due), complaint_id),
                )
                await self._event(
                    conn,
                    complaint_id,
                    "diteruskan",
                    "baru",
                    "diteruskan",
                    complaint.opd_id,
                    "system",
                )
                await enqueue(
                    conn,
                    "notify",
                    complaint_id=complaint_id,
                    payload={"template": "diteruskan"},
                )
            for text in details or []:
                await enqueue(conn, "detail", complaint_id=complaint_id, payload={"text": text})
            async with conn.execute(
                "SELECT position FROM complaint_photo WHERE complaint_id = ? ORDER BY position",
                (complaint_id,),
            ) as cur:
                positions = [int(r[0]) for r in await cur.fetchall()]
            for position in positions:
                await enqueue(
                    conn, "photo", complaint_id=complaint_id, payload={"position": position}
                )
            if complaint.latitude is not None and complaint.longitude is not None:
                await enqueue(conn, "pin", complaint_id=complaint_id, payload={})

    async def adopt_card(self, complaint: Complaint, chat_id: int, message_id: int) -> bool:
        """A card Telegram accepted just before a crash was never recorded (its outbox row
        is parked as uncertain). When an officer presses a button on it in the right group,
        it is taken as the complaint's card, and the complaint goes on from there."""
        if complaint.card_message_id is not None or complaint.status != "baru":
            return False
        if await self.card_chat(complaint) != chat_id:
            return False
        row = await self.db.fetchone(
            "SELECT id FROM outbox WHERE complaint_id = ? AND kind = 'card' AND state = 'parked'"
            " ORDER BY id DESC LIMIT 1",
            (complaint.id,),
        )
        if row is None:
            return False
        await self.card_delivered(
            complaint.id,
            chat_id,
            message_id,
            self.delivery_due(self.clock()),
            outbox_row_id=int(row[0]),
        )
        return True

    async def remember_message(
        self, chat_id: int, message_id: int, complaint_id: int, side: str
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO complaint_message (chat_id, message_id, complaint_id, side)"
                " VALUES (?, ?, ?, ?)",
                (chat_id, message_id, complaint_id, side),
            )

    async def complaint_of_message(self, chat_id: int, message_id: int) -> Complaint | None:
        row = await self.db.fetchone(
            "SELECT complaint_id FROM complaint_message WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return await self.get(int(row[0])) if row else None

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
    ) -> ActionResult:
        """Apply an officer's button press; refuses anything not allowed, changing nothing."""
        complaint = await self.by_ticket(ticket)
        if complaint is None or action not in TRANSITIONS:
            return ActionResult(False, "unknown")
        refusal = await self.refusal(complaint, action, chat_id, card_message_id)
        if refusal is not None:
            return ActionResult(False, refusal, complaint)
        status_to = TRANSITIONS[action][1]
        if action in NEEDS_NOTE and not (note or "").strip():
            return ActionResult(False, "needs_note", complaint)
        if action == "alihkan":
            if not target or not self._valid_target(target, complaint):
                return ActionResult(False, "bad_target", complaint)
            if target == complaint.opd_id:
                return ActionResult(False, "same_target", complaint)
        assert status_to is not None
        now = self.clock()
        async with self.db.transaction() as conn:
            # Compare-and-set on the status: a concurrent second press changes nothing.
            new_opd = complaint.opd_id
            triage_reason = complaint.triage_reason
            due: dt.datetime | None = complaint.due_at
            if action == "terima":
                due = self.calendar.add_working_days(now, FINISH_WITHIN)
            elif action == "proses" and complaint.status == "diteruskan":
                due = self.calendar.add_working_days(now, FINISH_WITHIN)
            elif action == "selesai":
                due = self.calendar.add_working_days(now, CLOSE_AFTER)
            elif action == "tolak":
                new_opd, triage_reason, due = TRIAGE_OPD, f"bukan wewenang: {note}", None
            elif action == "alihkan":
                new_opd, triage_reason, due = target or TRIAGE_OPD, None, None
            cursor = await conn.execute(
                "UPDATE complaint SET status = ?, opd_id = ?, triage_reason = ?, due_at = ?,"
                " updated_at = ?, sensitive = MAX(sensitive, ?)"
                " WHERE id = ? AND status = ? AND opd_id = ?",
                (
                    status_to,
                    new_opd,
                    triage_reason,
                    db_time(due) if due else None,
                    db_time(now),
                    int(new_opd in SENSITIVE_OPDS),  # moved to DP3AP2KB/Inspektorat: anonymous
                    complaint.id,
                    complaint.status,
                    complaint.opd_id,
                ),
            )
            if cursor.rowcount != 1:
                return ActionResult(False, "not_allowed", complaint)
            event_action = {"tolak": "bukan_wewenang", "alihkan": "dialihkan"}.get(
                action, status_to
            )
            await self._event(
                conn,
                complaint.id,
                event_action,
                complaint.status,
                status_to,
                new_opd,
                "officer",
                officer,
                note or (target if action == "alihkan" else None),
            )
            if action in ("tolak", "alihkan"):
                # The old card shows where it went; a new card goes to the new group.
                await enqueue(
                    conn,
                    "card_edit",
                    complaint_id=complaint.id,
                    payload={
                        "moved_to": new_opd,
                        "chat_id": complaint.card_chat_id,
                        "message_id": complaint.card_message_id,
                    },
                )
                await conn.execute(
                    "UPDATE complaint SET card_chat_id = NULL, card_message_id = NULL WHERE id = ?",
                    (complaint.id,),
                )
                await enqueue(conn, "card", complaint_id=complaint.id, payload={})
            else:
                await enqueue(conn, "card_edit", complaint_id=complaint.id, payload={})
            if action == "tolak":
                await self._notify_admins(conn, complaint.ticket, triage_reason or "")
            await enqueue(
                conn,
                "notify",
                complaint_id=complaint.id,
                payload={"template": event_action, "note": note},
            )
        return ActionResult(True, "ok", await self.get(complaint.id))

    async def admin_assign(self, ticket: str, target: str, admin: Officer) -> ActionResult:
        """An admin decides a triaged complaint's OPD (from any open status)."""
        complaint = await self.by_ticket(ticket)
        if complaint is None:
            return ActionResult(False, "unknown")
        if complaint.status not in OPEN_STATUSES:
            return ActionResult(False, "not_allowed", complaint)
        if not self._valid_target(target, complaint):
            return ActionResult(False, "bad_target", complaint)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE complaint SET status = 'baru', opd_id = ?, triage_reason = NULL,"
                " sensitive = MAX(sensitive, ?),"
                " due_at = NULL, card_chat_id = NULL, card_message_id = NULL, updated_at = ?"
                " WHERE id = ? AND status = ? AND opd_id = ?",
                (
                    target,
                    int(target in SENSITIVE_OPDS),
                    db_time(self.clock()),
                    complaint.id,
                    complaint.status,
                    complaint.opd_id,
                ),
            )
            if cursor.rowcount != 1:
                return ActionResult(False, "not_allowed", complaint)
            await self._event(
                conn,
                complaint.id,
                "dialihkan",
                complaint.status,
                "baru",
                target,
                "admin",
                admin,
                f"ditetapkan admin ke {target}",
            )
            if complaint.card_message_id:
                await enqueue(
                    conn,
                    "card_edit",
                    complaint_id=complaint.id,
                    payload={
                        "moved_to": target,
                        "chat_id": complaint.card_chat_id,
                        "message_id": complaint.card_message_id,
                    },
                )
            await enqueue(conn, "card", complaint_id=complaint.id, payload={})
            if complaint.opd_id != target:
                await enqueue(
                    conn, "notify", complaint_id=complaint.id, payload={"template": "dialihkan"}
                )
        return ActionResult(True, "ok", await self.get(complaint.id))

    async def needing_decision(self, limit: int = 30) -> list[tuple[Complaint, str]]:
        """Complaints waiting for an admin: unsure routing, rejected, or no group linked."""
        rows = await self.db.fetchall(
            f"SELECT {_COMPLAINT_COLUMNS} FROM complaint WHERE status IN ('baru', 'diteruskan')"
            " AND ((opd_id = ? AND triage_reason IS NOT NULL) OR EXISTS (SELECT 1 FROM outbox o"
            "   WHERE o.complaint_id = complaint.id AND o.kind = 'card' AND ((o.state = 'pending'"
            "   AND o.last_error LIKE 'belum ada grup%') OR (o.state = 'parked'"
            "   AND complaint.card_message_id IS NULL)))"
            # Shown in the triage group because its own group is not linked yet.
            " OR NOT EXISTS (SELECT 1 FROM opd_group g WHERE g.opd_id = CASE"
            "   WHEN complaint.opd_id = 'kecamatan' THEN 'kecamatan:' || complaint.kecamatan_code"
            "   ELSE complaint.opd_id END)) ORDER BY id LIMIT ?",
            (TRIAGE_OPD, limit),
        )
        found = []
        for row in rows:
            complaint = _complaint(row)
            if complaint.status == "baru" and not complaint.triage_reason:
                parked = await self.db.fetchone(
                    "SELECT last_error FROM outbox WHERE complaint_id = ? AND kind = 'card'"
                    " AND state = 'parked' ORDER BY id DESC LIMIT 1",
                    (complaint.id,),
                )
                if parked is not None:
                    found.append((complaint, f"kartu tidak terkirim: {parked[0]}"))
                    continue
            reason = complaint.triage_reason or f"grup {complaint.destination} belum terhubung"
            found.append((complaint, reason))
        return found

    async def opd_counts(self) -> dict[str, tuple[int, int, int]]:
        """Per destination OPD: (open, overdue, finished)."""
        rows = await self.db.fetchall(
            "SELECT opd_id,"
            " SUM(status IN ('baru', 'diteruskan', 'diterima', 'diproses')),"
            " SUM(status IN ('diteruskan', 'diterima', 'diproses') AND due_at < ?),"
            " SUM(status IN ('selesai', 'ditutup')) FROM complaint GROUP BY opd_id",
            (db_time(self.clock()),),
        )
        return {str(r[0]): (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows}

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
        acting_chat = await self.card_chat(complaint)
        if complaint.card_chat_id != chat_id or acting_chat != chat_id:
            return "wrong_group"
        if card_message_id is not None and card_message_id != complaint.card_message_id:
            return "stale"
        if complaint.status not in TRANSITIONS[action][0]:
            return "not_allowed"
        return None

    def _valid_target(self, target: str, complaint: Complaint) -> bool:
        opd = self.knowledge.knowledge.opds.get(target)
        if opd is None or opd.is_external:
            return False
        return target != KECAMATAN_OPD or bool(complaint.kecamatan_code)

    async def move_targets(self, complaint: Complaint) -> list[str]:
        opds = self.knowledge.knowledge.opds
        return [
            opd_id
            for opd_id, opd in opds.items()
            if not opd.is_external
            and opd_id != complaint.opd_id
            and (opd_id != KECAMATAN_OPD or complaint.kecamatan_code)
        ]

    async def prompt_officer(
        self, chat_id: int, message_id: int, complaint_id: int, action: str, officer_id: int
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT OR REPLACE INTO officer_prompt (chat_id, message_id, complaint_id, action,"
                " officer_id) VALUES (?, ?, ?, ?, ?)",
                (chat_id, message_id, complaint_id, action, officer_id),
            )

    async def officer_prompt(self, chat_id: int, message_id: int) -> tuple[int, str] | None:
        row = await self.db.fetchone(
            "SELECT complaint_id, action FROM officer_prompt WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return (int(row[0]), str(row[1])) if row else None

    # -- messages between officers and residents -----------------------------------------
    async def relay_from_officer(self, complaint: Complaint, officer: Officer, text: str) -> None:
        async with self.db.transaction() as conn:
            await self._event(
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

    async def relay_from_resident(self, complaint: Complaint, text: str) -> None:
        async with self.db.transaction() as conn:
            await self._event(
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

    # -- resident actions after "selesai" -------------------------------------------------
    async def rate(self, complaint: Complaint, resident_id: int, rating: int) -> ActionResult:
        """The resident confirms a `selesai` complaint with a rating: it is closed."""
        if complaint.resident_id != resident_id:
            return ActionResult(False, "unknown")
        if complaint.status != "selesai" or not 1 <= rating <= 5:
            return ActionResult(False, "not_allowed", complaint)
        if not await self._close(complaint, "resident", f"nilai {rating}", rating=rating):
            return ActionResult(False, "not_allowed", complaint)
        return ActionResult(True, "ok", await self.get(complaint.id))

    async def close_silent(self, complaint_id: int) -> bool:
        """Close a `selesai` complaint the resident did not answer within the deadline."""
        complaint = await self.get(complaint_id)
        if complaint is None or complaint.status != "selesai":
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
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE complaint SET status = 'ditutup', rating = COALESCE(?, rating),"
                " due_at = NULL, updated_at = ? WHERE id = ? AND status = 'selesai'",
                (rating, db_time(self.clock()), complaint.id),
            )
            if cursor.rowcount != 1:
                return False
            await self._event(
                conn,
                complaint.id,
                "ditutup",
                "selesai",
                "ditutup",
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
        if complaint.resident_id != resident_id:
            return ActionResult(False, "unknown")
        if complaint.status != "selesai":
            return ActionResult(False, "not_allowed", complaint)
        now = self.clock()
        due = self.calendar.add_working_days(now, FINISH_WITHIN)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE complaint SET status = 'diproses', due_at = ?, updated_at = ?"
                " WHERE id = ? AND status = 'selesai'",
                (db_time(due), db_time(now), complaint.id),
            )
            if cursor.rowcount != 1:
                return ActionResult(False, "not_allowed", complaint)
            await self._event(
                conn,
                complaint.id,
                "dibuka_lagi",
                "selesai",
                "diproses",
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
                payload={"template": "dibuka_lagi", "text": redact(reason or "")},
            )
        return ActionResult(True, "ok", await self.get(complaint.id))


AUTO_CLOSE_NOTE = "ditutup otomatis: tidak ada tanggapan pelapor dalam 10 hari kerja"

# Complaints to these OPDs are always anonymous to officers (violence, pungli).
SENSITIVE_OPDS = frozenset({"dp3ap2kb", "inspektorat"})
