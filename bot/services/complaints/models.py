"""The complaint model: its statuses, the transitions between them, and the stored records.

`TRANSITIONS` is the status model of the product spec in one table: which statuses each
action may start from, where it leads, the event it appends to the audit trail, and
whether it needs a note. Officer buttons, refusals and the compare-and-set updates are
all derived from it; nothing else names a status change.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import aiosqlite

from db import parse_db_time


class Status(StrEnum):
    """Stored as its value; compares equal to the plain string read from the database."""

    BARU = "baru"  # saved, not yet delivered to a group
    DITERUSKAN = "diteruskan"  # the card reached the OPD's group
    DITERIMA = "diterima"  # an officer accepted it
    DIPROSES = "diproses"  # being worked on
    SELESAI = "selesai"  # finished according to the officer; the resident may reopen
    DITUTUP = "ditutup"  # confirmed by the resident, or closed after silence


OPEN_STATUSES = (Status.BARU, Status.DITERUSKAN, Status.DITERIMA, Status.DIPROSES)
# Delivered and not finished: an OPD group holds it, its card has buttons, a deadline runs.
AT_OPD = (Status.DITERUSKAN, Status.DITERIMA, Status.DIPROSES)
FINISHED = (Status.SELESAI, Status.DITUTUP)


class Action(StrEnum):
    """A change of status. The officer actions are also callback data (`k:<ticket>:terima`)."""

    TERIMA = "terima"
    PROSES = "proses"
    SELESAI = "selesai"
    TOLAK = "tolak"  # "bukan wewenang": back to triage
    ALIHKAN = "alihkan"  # to another OPD
    TERUSKAN = "teruskan"  # the card reached the group (system)
    TETAPKAN = "tetapkan"  # an admin decides the OPD
    TUTUP = "tutup"  # the resident confirms (rating), or silence after "selesai"
    BUKA_LAGI = "buka_lagi"  # the resident says it is not done


Actor = Literal["resident", "officer", "admin", "system"]


@dataclass(frozen=True)
class Transition:
    sources: tuple[Status, ...]
    target: Status
    event: str  # the `complaint_event.action` it appends
    actors: tuple[Actor, ...]  # who may take it
    needs_note: bool = False


TRANSITIONS: dict[Action, Transition] = {
    Action.TERUSKAN: Transition((Status.BARU,), Status.DITERUSKAN, "diteruskan", ("system",)),
    Action.TERIMA: Transition((Status.DITERUSKAN,), Status.DITERIMA, "diterima", ("officer",)),
    Action.PROSES: Transition(
        (Status.DITERUSKAN, Status.DITERIMA), Status.DIPROSES, "diproses", ("officer",)
    ),
    Action.SELESAI: Transition(
        (Status.DITERIMA, Status.DIPROSES),
        Status.SELESAI,
        "selesai",
        ("officer",),
        needs_note=True,
    ),
    Action.TOLAK: Transition(AT_OPD, Status.BARU, "bukan_wewenang", ("officer",), needs_note=True),
    Action.ALIHKAN: Transition(OPEN_STATUSES, Status.BARU, "dialihkan", ("officer",)),
    Action.TETAPKAN: Transition(OPEN_STATUSES, Status.BARU, "dialihkan", ("admin",)),
    Action.TUTUP: Transition((Status.SELESAI,), Status.DITUTUP, "ditutup", ("resident", "system")),
    Action.BUKA_LAGI: Transition((Status.SELESAI,), Status.DIPROSES, "dibuka_lagi", ("resident",)),
}
# What officers press on a card, in the card's button order.
OFFICER_ACTIONS = (Action.TERIMA, Action.PROSES, Action.SELESAI, Action.TOLAK, Action.ALIHKAN)


def officer_action(value: str) -> Action | None:
    """The officer action named by callback data, or None for anything else."""
    return next((a for a in OFFICER_ACTIONS if a == value), None)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


parse_time = parse_db_time


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
    sensitive: bool  # always anonymous to officers
    emergency: bool
    share_identity: bool
    reporter_name: str | None
    reporter_phone: str | None
    status: Status
    card_chat_id: int | None
    card_message_id: int | None
    due_at: dt.datetime | None
    rating: int | None
    created_at: dt.datetime

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
    """Whoever acts in a group or the admin chat (officers and admins alike)."""

    id: int
    name: str


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    reason: str  # machine-readable: ok, unknown, wrong_group, stale, not_allowed, ...
    complaint: Complaint | None = None


COLUMNS = (
    "id, ticket, resident_id, category, description, description_redacted, desa_name,"
    " kecamatan_code, kecamatan_name, latitude, longitude, location_text, opd_id, route_score,"
    " triage_reason, sensitive, emergency, share_identity, reporter_name, reporter_phone,"
    " status, card_chat_id, card_message_id, due_at, rating, created_at"
)
_NAMES = COLUMNS.replace(" ", "").split(",")


def complaint_from_row(row: sqlite3.Row | aiosqlite.Row) -> Complaint:
    values = dict(zip(_NAMES, row, strict=True))
    values["sensitive"] = bool(values["sensitive"])
    values["emergency"] = bool(values["emergency"])
    values["share_identity"] = bool(values["share_identity"])
    values["status"] = Status(values["status"])
    values["due_at"] = parse_time(values["due_at"])
    values["created_at"] = parse_time(values["created_at"])
    return Complaint(**values)
