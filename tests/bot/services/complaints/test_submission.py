"""Filing a complaint: stored durably and once, with the deadline the resident is told."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite
import pytest

from bot.offline.simulator import RESIDENT
from bot.services.calendar import format_date
from faq.formatting import plain_text
from tests.bot.services.test_deadlines import clocked
from tests.conftest import Harness, plain_friday
from tests.handlers.test_complaint_flow import file_complaint

GROUP = -1001000000031
FRIDAY = plain_friday()
TOLD = re.compile(r"paling lambat:? (\w+, \d+ \w+ \d{4})")


def told_due(bot: Harness) -> str:
    """The deadline the resident was last told, as written."""
    [text] = [
        plain_text(c.text)
        for c in bot.api.calls
        if c.chat_id == RESIDENT.id and "paling lambat" in c.text
    ][-1:]
    match = TOLD.search(text)
    assert match, text
    return match.group(1)


async def test_the_deadline_told_is_the_deadline_stored(bot: Harness) -> None:
    clocked(bot, FRIDAY)
    ticket = await file_complaint(bot)  # Friday; the OPD has no group yet
    at_submit = told_due(bot)
    # The group is linked on Monday: the card is delivered three days after the ticket.
    clocked(bot, FRIDAY + dt.timedelta(days=3))
    await bot.link_group("dlh", GROUP)
    await bot.deliver()
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "diteruskan" and complaint.due_at is not None
    assert format_date(complaint.due_at) == at_submit
    assert told_due(bot) == at_submit  # the "diteruskan" notice says the same date


async def test_the_ticket_is_shown_only_after_a_durable_commit(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """synchronous=FULL for the transaction that stores the complaint, committed before
    the resident sees the ticket (a draft may be saved without waiting for the disk)."""
    db = bot.services.db
    real = db.transaction
    commits: list[tuple[bool, int, int]] = []  # (durable, complaints after, calls before)

    @asynccontextmanager
    async def recording(*, durable: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        async with real(durable=durable) as conn:
            yield conn
        [(count,)] = await db.fetchall("SELECT COUNT(*) FROM complaint")
        commits.append((durable, count, len(bot.api.calls)))

    monkeypatch.setattr(db, "transaction", recording)
    ticket = await file_complaint(bot)
    [stored] = [c for c in commits if c[1] == 1][:1]
    durable, _, calls_before = stored
    assert durable, "the complaint was committed without waiting for the disk"
    told_at = next(i for i, c in enumerate(bot.api.calls) if ticket in c.text)
    assert calls_before <= told_at  # committed before the ticket message went out
