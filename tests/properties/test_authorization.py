"""No one gets in: a table of attempts by people who may not do what they try, each refused
with nothing changed and nothing revealed.

Every attempt runs in a fresh world (see `world`): resident A's complaint at DLH (card in
the DLH group, an officer's question relayed to A), A's second complaint finished (rating
buttons in A's chat), resident B's complaint at Dishub. For each attempt:

- nothing changed: every table the complaint model keeps (complaints, events, photos,
  threaded messages, officer prompts, OPD links, the outbox, drafts, deadline notices) is
  identical before and after, and so is every existing resident row; the only row allowed
  to appear is the attempter's own `resident` row;
- nothing revealed: the attempter sees exactly the expected refusal (a fixed sentence that
  does not depend on the target, or nothing at all), nobody else is sent anything, and
  Telegram would have accepted every call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.offline.local_api import ApiCall
from bot.offline.simulator import Person
from bot.presentation import texts
from bot.services.tickets import ALPHABET
from tests.properties import support
from tests.properties.support import (
    ATTACKER,
    BASIC_GROUP,
    DISHUB_GROUP,
    DLH_GROUP,
    OFFICER_DISHUB,
    OFFICER_DLH,
    OFFICER_TRIAGE,
    RESIDENT_A,
    RESIDENT_B,
    ROGUE_GROUP,
    TRIAGE_GROUP,
    Bot,
    SharedWorld,
    budget,
    prepared_bot,
    private,
)

TABLES = (
    "complaint",
    "complaint_event",
    "complaint_photo",
    "complaint_message",
    "officer_prompt",
    "opd_group",
    "outbox",
    "draft",
    "deadline_notice",
    "routing_rule",
)


@dataclass
class World:
    bot: Bot
    a_open: str  # resident A's complaint at DLH, card in the DLH group
    a_done: str  # resident A's complaint finished by DLH: rating buttons in A's chat
    b_open: str  # resident B's complaint at Dishub
    summary: ApiCall  # the summary A confirmed for a_open (its button carries the nonce)
    relayed: ApiCall  # an officer's question relayed to A about a_open
    rating: ApiCall  # the "selesai" notice with rating buttons, in A's chat

    def card(self, ticket: str) -> ApiCall:
        return support.latest_card(self.bot, ticket)


async def build_world(bot: Bot) -> World:
    await support.link_groups(bot)
    a_open = await support.file_complaint(bot, RESIDENT_A)
    summary = [c for c in bot.api.calls if "Periksa pengaduan Anda" in c.text][-1]
    a_done = await support.file_complaint(
        bot,
        RESIDENT_A,
        description="Bak sampah di depan sekolah dasar pecah dan isinya berserakan",
        place="Tanjung Morawa",
    )
    b_open = await support.file_complaint(
        bot,
        RESIDENT_B,
        category="lampu",
        description="Lampu jalan di gang kami mati sudah dua minggu, gelap sekali",
        privacy=texts.BTN_SHARE_NAME,
    )
    await bot.deliver()
    await bot.send(
        "Dekat pasar yang mana, Bu?",
        OFFICER_DLH,
        chat=DLH_GROUP,
        reply_to=support.latest_card(bot, a_open).result,
    )
    await bot.press_label(support.latest_card(bot, a_done), texts.BTN_ACCEPT, OFFICER_DLH)
    await bot.deliver()
    calls = await bot.press_label(support.latest_card(bot, a_done), texts.BTN_FINISH, OFFICER_DLH)
    await support.officer_note(bot, calls, "Bak sampah sudah diganti.", OFFICER_DLH, DLH_GROUP)
    await bot.deliver()
    [relayed] = [c for c in bot.api.calls if c.chat_id == RESIDENT_A.id and "Pesan dari" in c.text]
    [rating] = [c for c in bot.api.calls if c.chat_id == RESIDENT_A.id and "r:" in str(c.buttons)]
    assert support.run_problems(bot) == []
    return World(bot, a_open, a_done, b_open, summary, relayed, rating)


@asynccontextmanager
async def world() -> AsyncIterator[World]:
    """A fresh bot holding the world `build_world` makes (built once, then copied)."""
    async with prepared_bot("authorization-world", build_world) as (bot, built):
        yield replace(built, bot=bot)


async def shared(world_for_examples: SharedWorld) -> World:
    """The same world for every example of a property, restored before each."""
    bot = await world_for_examples.example("authorization-world", build_world)
    return replace(world_for_examples.prepared, bot=bot)


async def dump(bot: Bot) -> dict[str, Any]:
    tables = {
        table: sorted(tuple(r) for r in await bot.db.fetchall(f"SELECT * FROM {table}"))
        for table in TABLES
    }
    tables["resident"] = {
        int(r[0]): tuple(r) for r in await bot.db.fetchall("SELECT telegram_id, * FROM resident")
    }
    return tables


# -- the attempts ------------------------------------------------------------------------
Action = Callable[[World], Awaitable[Any]]
# What the attempter sees: ("alert", text) for a button's answer, ("message", text) for a
# message in their chat; an empty list: nothing at all.
Seen = list[tuple[str, str]]

WRONG_GROUP = [("alert", texts.OFFICER_REFUSED["wrong_group"])]
STALE = [("alert", texts.STALE_BUTTON)]
ADMIN_REFUSED = [("message", texts.ADMIN_ONLY)]


def forged(call: ApiCall, chat: dict[str, Any]) -> dict[str, Any]:
    """The message of `call` as it would arrive from another chat (forwarded, replayed)."""
    return {**call.result, "chat": chat}


def press_as(
    person: Person, where: dict[str, Any] | None, data: Callable[[World], str], source: str
) -> Action:
    """`person` presses `data` on a copy of a message (`source`: a card of a complaint,
    or the rating notice) found in `where` (their own private chat when None)."""

    async def act(w: World) -> Any:
        call = w.rating if source == "rating" else w.card(getattr(w, source))
        return await w.bot.press(forged(call, where or private(person)), data(w), person)

    return act


def card_data(ticket_of: str, action: str) -> Callable[[World], str]:
    return lambda w: f"k:{getattr(w, ticket_of)}:{action}"


ATTEMPTS: list[tuple[str, Person, dict[str, Any] | None, Action, Seen | None]] = []


def attempt(
    name: str, person: Person, where: dict[str, Any] | None, action: Action, seen: Seen | None
) -> None:
    """One row of the table; `seen` None: whatever the attempter is answered, as long as
    nothing changed and nobody else was sent anything."""
    ATTEMPTS.append((name, person, where, action, seen))


# A resident pressing officer card buttons in their private chat (a card forwarded to
# them, or data they crafted), on their own complaint and on someone else's.
for action in ("terima", "proses", "selesai", "tolak", "alihkan", "alihkan:dishub", "batal"):
    for person, ticket in ((RESIDENT_A, "a_open"), (RESIDENT_B, "a_open"), (ATTACKER, "b_open")):
        attempt(
            f"resident-{person.first_name}-presses-card-{action}-{ticket}-in-private",
            person,
            None,
            press_as(person, None, card_data(ticket, action), ticket),
            WRONG_GROUP,
        )
# Officers of one OPD (and the triage group, an unlinked group, a basic group) acting on
# another OPD's complaint, with its card forwarded into their group.
for action in ("terima", "proses", "tolak", "alihkan", "alihkan:dishub", "selesai:x"):
    for officer, group in (
        (OFFICER_DISHUB, DISHUB_GROUP),
        (OFFICER_TRIAGE, TRIAGE_GROUP),
        (ATTACKER, ROGUE_GROUP),
        (ATTACKER, BASIC_GROUP),
    ):
        attempt(
            f"{officer.first_name}-in-{group['title']}-presses-DLH-card-{action}",
            officer,
            group,
            press_as(officer, group, card_data("a_open", action), "a_open"),
            # A group no OPD is linked to hears only admins: not even a refusal.
            [] if group in (ROGUE_GROUP, BASIC_GROUP) else WRONG_GROUP,
        )
    attempt(
        f"DLH-officer-presses-Dishub-card-{action}",
        OFFICER_DLH,
        DLH_GROUP,
        press_as(OFFICER_DLH, DLH_GROUP, card_data("b_open", action), "b_open"),
        WRONG_GROUP,
    )
# "Batal" of a move chooser forwarded to another group only clears that copy's buttons.
attempt(
    "Dishub-officer-presses-DLH-batal",
    OFFICER_DISHUB,
    DISHUB_GROUP,
    press_as(OFFICER_DISHUB, DISHUB_GROUP, card_data("a_open", "batal"), "a_open"),
    [],
)


# An officer of another group replying to a (forwarded) card: nothing is relayed.
async def reply_to_forwarded_card(w: World) -> Any:
    message = forged(w.card(w.a_open), DISHUB_GROUP)
    return await w.bot.send(
        "Warga, hubungi saya", OFFICER_DISHUB, chat=DISHUB_GROUP, reply_to=message
    )


attempt(
    "Dishub-officer-replies-to-DLH-card", OFFICER_DISHUB, DISHUB_GROUP, reply_to_forwarded_card, []
)


# A resident replying to the officer's question another resident received.
async def reply_to_someone_elses_relay(w: World) -> Any:
    message = forged(w.relayed, private(RESIDENT_B))
    return await w.bot.send("ini jawaban saya", RESIDENT_B, reply_to=message)


# (B's text is then just a question to the FAQ: answered or not, it goes nowhere else.)
attempt(
    "resident-B-replies-to-A's-relayed-question",
    RESIDENT_B,
    None,
    reply_to_someone_elses_relay,
    None,
)

# Rating buttons of another resident's complaint, in their own chat.
for choice in ("1", "5", "buka"):
    for person in (RESIDENT_B, ATTACKER, OFFICER_DLH):
        attempt(
            f"{person.first_name}-presses-A's-rating-{choice}",
            person,
            None,
            press_as(person, None, lambda w, c=choice: f"r:{w.a_done}:{c}", "rating"),
            STALE,
        )

# Admin commands (and the admin's triage buttons) from non-admins, in private and groups.
ADMIN_COMMANDS = [
    "/hubungkan",
    "/hubungkan dlh",
    "/hubungkan kominfostan",
    "/hubungkan camat Lubuk Pakam",
    "/hubungkan@LayananWargaDSBot dishub",
    "/opd",
    "/opd@LayananWargaDSBot",
    "/reload",
    "/triase",
    "/statistik",
    "/statistik semua",
    "/ekspor pribadi",
    "/ekspor",
    "/pertanyaan",
]
for command in ADMIN_COMMANDS:
    for person, where in (
        (RESIDENT_A, None),
        (OFFICER_DLH, DLH_GROUP),
        (OFFICER_TRIAGE, TRIAGE_GROUP),
        (ATTACKER, ROGUE_GROUP),
    ):

        async def send_command(
            w: World, c: str = command, p: Person = person, g: dict | None = where
        ) -> Any:
            return await w.bot.send(c, p, chat=g)

        place = where["title"] if where else "private"
        attempt(
            f"{person.first_name}-sends-{command}-in-{place}",
            person,
            where,
            send_command,
            # In a group, no reply at all; in private, one kind sentence.
            [] if where else ADMIN_REFUSED,
        )
for person, where in ((RESIDENT_A, None), (OFFICER_TRIAGE, TRIAGE_GROUP)):
    attempt(
        f"{person.first_name}-presses-admin-assign",
        person,
        where,
        press_as(person, where, lambda w: f"g:{w.b_open}:dlh", "b_open"),
        [("alert", texts.ADMIN_ONLY)],
    )


@pytest.mark.parametrize(
    ("person", "where", "action", "seen"),
    [pytest.param(p, w, a, s, id=name) for name, p, w, a, s in ATTEMPTS],
)
async def test_attempt_is_refused_with_nothing_changed_or_revealed(
    person: Person, where: dict[str, Any] | None, action: Action, seen: Seen | None
) -> None:
    async with world() as w:
        bot = w.bot
        before = await dump(bot)
        first = len(bot.api.calls)
        await action(w)
        await bot.deliver()  # anything the attempt made owed would go out now
        calls = bot.api.calls[first:]
        after = await dump(bot)
        assert_nothing_changed(before, after, person)
        chat = (where or private(person))["id"]
        assert [c for c in calls if c.chat_id is not None and c.chat_id != chat] == []
        assert support.run_problems(bot) == []
        if seen is not None:
            assert what_was_seen(calls) == seen


def assert_nothing_changed(before: dict[str, Any], after: dict[str, Any], person: Person) -> None:
    for table in TABLES:
        assert after[table] == before[table], table
    residents_before, residents_after = before["resident"], after["resident"]
    for telegram_id, row in residents_before.items():
        assert residents_after.get(telegram_id) == row, f"resident {telegram_id} changed"
    assert set(residents_after) - set(residents_before) <= {person.id}


def what_was_seen(calls: list[ApiCall]) -> Seen:
    seen: Seen = []
    for call in calls:
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                seen.append(("alert", str(call.params["text"])))
        elif call.method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument"):
            seen.append(("message", call.text))
    return seen


# -- guessing tickets with /status ---------------------------------------------------------
def not_found(ticket: str) -> Seen:
    return [("message", texts.STATUS_NOT_FOUND.format(ticket=ticket))]


TICKET_BODY = st.text(st.sampled_from(ALPHABET), min_size=6, max_size=6)
SPELLING = st.sampled_from(["{t}", "{l}", "ds {b}", "DS{b}", "ds-{bl}", " {t} "])


@budget(200)
@given(guess=TICKET_BODY, spelling=SPELLING, guesser=st.sampled_from([RESIDENT_B, ATTACKER]))
async def test_guessed_tickets_look_like_tickets_that_do_not_exist(
    shared_world: SharedWorld, guess: str, spelling: str, guesser: Person
) -> None:
    """/status with a random valid-format ticket, or with resident A's real tickets, written
    as residents write them: the same one sentence either way, with nothing changed."""
    w = await shared(shared_world)
    bot = w.bot
    own = w.b_open if guesser is RESIDENT_B else None
    for ticket in ("DS-" + guess, w.a_open, w.a_done):
        if ticket == own:
            continue
        body = ticket.removeprefix("DS-")
        typed = spelling.format(t=ticket, l=ticket.lower(), b=body, bl=body.lower())
        before = await dump(bot)
        first = len(bot.api.calls)
        await bot.send(f"/status {typed}", guesser)
        await bot.deliver()
        calls = bot.api.calls[first:]
        assert what_was_seen(calls) == not_found(ticket)
        assert all(not c.buttons for c in calls)
        assert_nothing_changed(before, await dump(bot), guesser)
    # Not vacuous: the owner asking the same way sees their complaint.
    body = w.a_open.removeprefix("DS-")
    typed = spelling.format(t=w.a_open, l=w.a_open.lower(), b=body, bl=body.lower())
    shown = what_was_seen(await bot.send(f"/status {typed}", RESIDENT_A))
    assert shown and shown != not_found(w.a_open) and f"Tiket {w.a_open}" in shown[0][1]
    assert support.run_problems(bot) == []


# -- holes these tests found, closed, and kept closed -------------------------------------
async def test_a_forwarded_summary_reveals_nothing_to_another_resident() -> None:
    async with world() as w:
        bot = w.bot
        before = await dump(bot)
        data = next(d for _, d in w.summary.buttons if d.startswith("s:kirim:"))
        calls = await bot.press(forged(w.summary, private(RESIDENT_B)), data, RESIDENT_B)
        assert_nothing_changed(before, await dump(bot), RESIDENT_B)
        assert all(w.a_open not in c.text for c in calls), what_was_seen(calls)


async def test_resident_buttons_in_a_group_reveal_nothing_and_redirect_nothing() -> None:
    async with world() as w:
        bot = w.bot
        before = await dump(bot)
        first = len(bot.api.calls)
        await bot.press(bot.message(None, DLH_GROUP, text="menu"), "m:status", RESIDENT_A)
        shown = [c.text for c in bot.shown(bot.api.calls[first:], DLH_GROUP["id"])]
        assert all(w.a_open not in text for text in shown), shown
        assert_nothing_changed(before, await dump(bot), RESIDENT_A)


@pytest.mark.parametrize("group", [ROGUE_GROUP, DISHUB_GROUP])
async def test_card_buttons_from_a_group_do_not_tell_real_tickets_from_guesses(
    group: dict[str, Any],
) -> None:
    async with world() as w:
        bot = w.bot
        message = bot.message(None, group, text="kartu")
        real = what_was_seen(await bot.press(message, f"k:{w.a_open}:terima", ATTACKER))
        guess = what_was_seen(await bot.press(message, "k:DS-ZZZZZZ:terima", ATTACKER))
        assert real == guess
