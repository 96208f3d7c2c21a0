"""Complaints: drafts, submission and routing, the officer/admin workflow, groups and
cards. No Telegram.

- `models`: the `Status` enum, the `TRANSITIONS` table and the stored records;
- `routing`: where a complaint goes and whether it is anonymous (one decision each);
- `drafts`: the steps of a complaint being written, and its storage;
- `submission`: filing it, durably, once;
- `workflow`: officer actions and their refusal, admin assignment, relays, close, reopen;
- `cards`: OPD groups, the card in them, and what needs an admin;
- `store`: queries and the audit trail, shared by all of the above.

Every change is one transaction that also appends the complaint's event and writes the
outbox rows for the messages it owes (see `bot.services.outbox`). A resident is told a
ticket number only after the transaction that stored it has committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.services.applied_updates import AppliedUpdates
from bot.services.calendar import WorkingCalendar
from bot.services.complaints.cards import Cards
from bot.services.complaints.drafts import Draft, Drafts
from bot.services.complaints.models import (
    TRANSITIONS,
    Action,
    ActionResult,
    Complaint,
    Event,
    Officer,
    Status,
    Submission,
    utcnow,
)
from bot.services.complaints.store import ComplaintStore
from bot.services.complaints.submission import Submissions, fingerprint
from bot.services.complaints.workflow import Workflow
from bot.services.knowledge import LiveKnowledge
from db import Database

__all__ = [
    "TRANSITIONS",
    "Action",
    "ActionResult",
    "Complaint",
    "ComplaintService",
    "Draft",
    "Event",
    "Officer",
    "Status",
    "Submission",
    "fingerprint",
    "utcnow",
]


class ComplaintService(ComplaintStore):
    """The complaint domain as the composition root wires it: the store (queries, audit
    trail) and its parts, each given the store so one clock and one database serve all."""

    def __init__(
        self,
        db: Database,
        knowledge: LiveKnowledge,
        calendar: WorkingCalendar,
        clock: Callable[[], dt.datetime] = utcnow,
        admin_chats: Callable[[], list[int]] = list,
    ) -> None:
        super().__init__(db, knowledge, calendar, clock, admin_chats)
        self.drafts = Drafts(self)
        self.submissions = Submissions(self)
        self.cards = Cards(self)
        self.workflow = Workflow(self, self.cards)
        self.updates = AppliedUpdates(db)  # which incoming updates already had their effect
