"""The outbox under a transport that fails at random and in bursts.

Timeouts, connection errors, HTTP 5xx and 429 RetryAfter come in bursts; one resident has
blocked the bot (403), one group was deleted (400 chat not found), one group is migrated to
a supergroup (400 with migrate_to_chat_id). The worker's clock is simulated so backoff and
RetryAfter play out in full. Some sends reach Telegram but their answer is lost. Then the
faults clear and the outbox drains. Checked: the worker never fails on its own (no
"kesalahan internal"), every row ends `sent`, `parked` with a reason that is one of the
permanent faults, or `uncertain` (an answer was lost: held for an admin, not resent),
nothing is delivered twice, and no row was retried before the time a RetryAfter asked for.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from bot.offline.local_api import Fault
from bot.offline.simulator import Person
from bot.services.complaints import Officer
from tests.conftest import Harness
from tests.handlers.test_complaint_flow import file_complaint

DLH, DISHUB, GONE = -1001000000101, -1001000000102, -1001000000103
MIGRATED_TO = -1009000000102
BLOCKER = Person(id=5550999, first_name="Tidak", last_name="Mau")
TICKET = re.compile(r"DS-[0-9A-Z]{6}")

TRANSIENT = [
    Fault(None, timeout=True),
    Fault(None, answer_lost=True),  # delivered, but the answer never came back
    Fault(None, status=502, description="Bad Gateway"),
    Fault(None, status=500, description="Internal Server Error"),
    Fault(
        None,
        status=429,
        description="Too Many Requests: retry after 7",
        parameters={"retry_after": 7},
    ),
]


class Chaos:
    """Seeded random faults in bursts, plus the permanent faults of three chats."""

    def __init__(self, seed: int, now: list[dt.datetime]) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.burst: Fault | None = None
        self.burst_left = 0
        self.enabled = True
        self.migrated = False
        self.lost_once = False
        self.retry_after_until: dict[tuple[int | None, str], dt.datetime] = {}
        self.violations: list[str] = []
        # HTTP status (0: timeout, 1: answer lost) -> how many
        self.injected: dict[int, int] = {}

    def __call__(self, method: str, params: dict) -> Fault | None:
        if method in ("getMe", "answerCallbackQuery", "setMyCommands", "getUpdates"):
            return None
        chat = params.get("chat_id")
        key = (chat, str(params.get("text") or params.get("caption") or params.get("photo")))
        waited_until = self.retry_after_until.get(key)
        if waited_until is not None and self.now[0] < waited_until:
            self.violations.append(f"{method} to {chat} retried before RetryAfter ended")
        if chat == BLOCKER.id:
            return Fault(None, status=403, description="Forbidden: bot was blocked by the user")
        if chat == GONE:
            return Fault(None, status=400, description="Bad Request: chat not found")
        if chat == DISHUB and not self.migrated:
            self.migrated = True
            return Fault(
                None,
                status=400,
                description="Bad Request: group chat was upgraded",
                parameters={"migrate_to_chat_id": MIGRATED_TO},
            )
        if not self.enabled:
            return None
        if not self.lost_once and method == "sendMessage" and isinstance(chat, int) and chat > 0:
            self.lost_once = True  # at least one resident's message arrives, its answer lost
            self.injected[1] = self.injected.get(1, 0) + 1
            return Fault(None, answer_lost=True)
        if self.burst_left == 0 and self.rng.random() < 0.5:
            self.burst = self.rng.choice(TRANSIENT)
            self.burst_left = self.rng.randint(1, 4)
        if self.burst_left > 0:
            self.burst_left -= 1
            fault = self.burst
            assert fault is not None
            if fault.answer_lost and not (isinstance(chat, int) and chat > 0):
                # Lost answers hit residents' chats only: a card held as uncertain would
                # leave its complaint undelivered, and the checks below need it delivered.
                return None
            code = 0 if fault.timeout else 1 if fault.answer_lost else fault.status
            self.injected[code] = self.injected.get(code, 0) + 1
            if fault.status == 429:
                self.retry_after_until[key] = self.now[0] + dt.timedelta(seconds=7)
            return fault
        return None


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_bursts_of_faults_lose_nothing_and_send_nothing_twice(
    bot: Harness, seed: int
) -> None:
    await bot.link_group("dlh", DLH)
    await bot.link_group("dishub", DISHUB)
    await bot.link_group("sdabmbk", GONE)
    tickets = [
        await file_complaint(bot),
        await file_complaint(
            bot, person=BLOCKER, description="Sampah pasar menumpuk di parit belakang pasar lama"
        ),
        await file_complaint(
            bot,
            category="Lampu jalan, lampu lalu lintas",
            description="Lampu jalan di simpang masjid mati sudah seminggu",
            person=Person(id=5550801, first_name="Rina"),
        ),
        await file_complaint(
            bot,
            category="Jalan atau jembatan rusak",
            description="Jalan desa berlubang besar dan tergenang setelah hujan",
            person=Person(id=5550802, first_name="Joko"),
        ),
    ]
    for n in range(4):  # more traffic for the faults to hit
        tickets.append(
            await file_complaint(
                bot,
                description=f"Sampah di TPS dusun {n + 1} tidak diangkut sejak minggu lalu",
                person=Person(id=5550900 + n, first_name=f"Warga{n}"),
            )
        )
    now = [dt.datetime.now(dt.UTC)]
    chaos = Chaos(seed, now)
    bot.api.chaos = chaos
    worker = bot.services.worker
    assert worker is not None
    worker.clock = lambda: now[0]
    bot.services.complaints.clock = lambda: now[0]
    # Ten simulated minutes of faults, the worker trying whenever rows are due.
    for second in range(600):
        await worker.drain_all()
        now[0] += dt.timedelta(seconds=1)
        if second == 300:  # officers accept what reached them: edits and notices owed
            for ticket in tickets:
                complaint = await bot.services.complaints.by_ticket(ticket)
                if complaint.card_chat_id is not None:
                    await bot.services.complaints.workflow.officer_action(
                        ticket, "terima", Officer(1, "Petugas"), complaint.card_chat_id
                    )
    chaos.enabled = False
    for _ in range(400):  # faults cleared: everything still owed goes out
        await worker.drain_all()
        now[0] += dt.timedelta(seconds=5)

    assert chaos.violations == []
    assert len(chaos.injected) >= 3 and sum(chaos.injected.values()) >= 10, chaos.injected
    rows = await bot.services.db.fetchall("SELECT kind, state, last_error FROM outbox")
    assert rows, "messages were owed"
    for kind, state, error in rows:
        assert state in ("sent", "parked", "uncertain"), (kind, state, error)
        if state == "parked":
            assert "blocked" in error.lower() or "chat not found" in error.lower(), error
        if state == "uncertain":  # an answer was lost: held for an admin, never resent
            assert kind != "card_edit" and "tidak pasti" in error, (kind, error)
    assert 1 in chaos.injected, chaos.injected
    # The blocked resident's notices are parked; the deleted group's card is parked.
    parked = [(k, e) for k, s, e in rows if s == "parked"]
    assert any("blocked" in e.lower() for _, e in parked)
    assert any("chat not found" in e.lower() for _, e in parked)
    assert "kesalahan internal" not in " ".join(e or "" for *_, e in rows)
    # Delivered once: each ticket's card reached a group at most once, its notice once.
    delivered = [
        c
        for c in bot.api.calls
        if c.method == "sendMessage" and isinstance(c.result, dict) and "message_id" in c.result
    ]
    for ticket in tickets:
        cards = [c for c in delivered if f"Pengaduan {ticket}" in c.text]
        notices = [c for c in delivered if ticket in c.text and "diteruskan ke" in c.text]
        assert len(cards) <= 1 and len(notices) <= 1, ticket
    assert await bot.services.complaints.cards.group_of("dishub") == MIGRATED_TO
    lamp = await bot.services.complaints.by_ticket(tickets[2])
    assert lamp.opd_id == "dishub" and lamp.card_chat_id == MIGRATED_TO
    assert lamp.status in ("diteruskan", "diterima")
