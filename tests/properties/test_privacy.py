"""Officers never learn who the resident is, unless the resident chose to say.

Every message officers and admins receive (anything sent to a group, anything sent to an
admin, every answer to an officer's button) is collected across whole journeys: complaints
in several categories, anonymous and with name (and phone) shared, photos and a map pin,
messages relayed both ways with NIK and phone numbers typed in, every status change,
reopening, moves between OPDs, "bukan wewenang" back to triage, an admin's assignment,
deadline reminders and escalations.

Two checks, so that residents whose name is an ordinary word ("Sampah", "Jalan",
"Pengaduan"), contains HTML ("<b>&"), or is 128 characters long are covered too:

- differential: the same journey by a baseline resident and by the resident under test
  produces the same officer-facing messages (tickets aside), except the "Pelapor:" line,
  which must be exactly "dirahasiakan", or exactly the escaped name (and phone) when the
  resident chose to share them;
- direct: the resident's Telegram id and username never appear, their phone number only
  in the "Pelapor:" line when shared, and no 16-digit number (NIK/KK) at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.offline.local_api import ApiCall
from bot.offline.simulator import Person
from bot.presentation import texts
from bot.services.complaints import utcnow
from faq.formatting import escape
from tests.properties import support
from tests.properties.support import (
    ADMIN,
    DISHUB_GROUP,
    DLH_GROUP,
    OFFICER_DISHUB,
    OFFICER_DLH,
    OFFICER_TRIAGE,
    TRIAGE_GROUP,
    Bot,
    budget,
    fresh_bot,
    group,
)

INSPEKTORAT_GROUP = group(-1001000000004, "Grup Inspektorat")
DP3AP2KB_GROUP = group(-1001000000005, "Grup DP3AP2KB")
OFFICER_INSPEKTORAT = Person(id=8004, first_name="Yusuf", last_name="Inspektorat")
OFFICER_DP3AP2KB = Person(id=8005, first_name="Maria", last_name="DP3AP2KB")
OFFICER_OF = {
    DLH_GROUP["id"]: OFFICER_DLH,
    DISHUB_GROUP["id"]: OFFICER_DISHUB,
    TRIAGE_GROUP["id"]: OFFICER_TRIAGE,
    INSPEKTORAT_GROUP["id"]: OFFICER_INSPEKTORAT,
    DP3AP2KB_GROUP["id"]: OFFICER_DP3AP2KB,
}

BASELINE = Person(id=7000000777, first_name="Zulkarnain", last_name="Baseline", username="zul_base")
IDENTITIES = [
    Person(id=7312845690, first_name="Budi", last_name="Santoso", username="budi_santoso_77"),
    Person(id=7312845691, first_name="Sampah", username="sampah_ds"),  # a category's word
    Person(id=7312845692, first_name="Jalan", last_name="Rusak", username="jalanrusak"),
    Person(id=7312845693, first_name="Pengaduan", last_name="Status", username="pengaduan_st"),
    Person(id=7312845694, first_name="<b>&", last_name="</i>'\"&amp;", username="html_name"),
    Person(id=7312845695, first_name="A" * 64, last_name="Z" * 64, username="a" * 32),
    Person(id=7312845696, first_name="\u202eilA", last_name="Lubuk Pakam", username="rtl_name"),
]
PHONE = {  # the number each resident shares with the contact button
    person.id: f"+62812{person.id % 10_000_000:07d}" for person in [BASELINE, *IDENTITIES]
}
# Typed by residents: a NIK in several spellings, phone numbers in several spellings.
NIK_AND_PHONES = (
    "NIK saya 1207012345678901, KK 1207-0123-4567-8902, hubungi 0812-3456-7890 atau "
    "+62 812 9876 5432 atau 6281211112222"
)
SIXTEEN_DIGITS = re.compile(r"(?<!\d)(?:\d[\s.\-]?){15}\d(?!\d)")
REPORTER_LINE = re.compile(r"^Pelapor: (.*)$", re.MULTILINE)


@dataclass
class Journey:
    bot: Bot
    resident: Person
    privacy: str
    alerts: list[ApiCall] = field(default_factory=list)  # answers to officers' buttons

    async def officer(self, ticket: str, label: str, note: str = "", target: str = "") -> None:
        """The officer of the group holding the card presses `label` (then a target, or
        answers the prompt with `note`)."""
        bot = self.bot
        await bot.deliver()
        card = support.latest_card(bot, ticket)
        officer = OFFICER_OF[card.chat_id]
        chat = {"id": card.chat_id, "type": "supergroup", "title": "grup"}
        calls = await bot.press_label(card, label, officer)
        self.alerts += [c for c in calls if c.method == "answerCallbackQuery"]
        if target:
            chooser = support.last_with_buttons(c for c in calls if c.method == "sendMessage")
            calls = await bot.press_label(chooser, target, officer)
            self.alerts += [c for c in calls if c.method == "answerCallbackQuery"]
        if note:
            await support.officer_note(bot, calls, note, officer, chat)
        await bot.deliver()

    async def officer_asks(self, ticket: str, text: str) -> ApiCall:
        """An officer's question relayed to the resident; returns the relayed message."""
        bot = self.bot
        card = support.latest_card(bot, ticket)
        chat = {"id": card.chat_id, "type": "supergroup", "title": "grup"}
        await bot.send(text, OFFICER_OF[card.chat_id], chat=chat, reply_to=card.result)
        [relayed] = [c for c in await bot.deliver() if c.chat_id == self.resident.id]
        return relayed

    async def resident_answers(self, relayed: ApiCall, text: str) -> None:
        await self.bot.send(text, self.resident, reply_to=relayed.result)
        await self.bot.deliver()

    async def resident_presses(self, label: str) -> None:
        notice = [c for c in self.bot.api.calls if c.chat_id == self.resident.id and c.buttons]
        await self.bot.press_label(notice[-1], label, self.resident)
        await self.bot.deliver()

    async def file(self, **kw) -> str:
        ticket = await support.file_complaint(
            self.bot, self.resident, privacy=self.privacy, phone=PHONE[self.resident.id], **kw
        )
        await self.bot.deliver()
        return ticket


async def everyday(j: Journey) -> None:
    """A rubbish complaint with photos and a pin through every status, a move, a rejection
    back to triage and a triage move; relays both ways; a reopening; a rating."""
    bot = j.bot
    for opd, chat in (("dlh", DLH_GROUP), ("dishub", DISHUB_GROUP), ("kominfostan", TRIAGE_GROUP)):
        await bot.link_group(opd, chat)
    ticket = await j.file(
        description="Sampah menumpuk di TPS dekat rumah saya sudah seminggu. " + NIK_AND_PHONES,
        location=(3.5569, 98.8736),
        photos=2,
        wrong_turns=True,
    )
    relayed = await j.officer_asks(ticket, "Boleh tahu nomor rumahnya, Pak/Bu?")
    await j.resident_answers(relayed, "Rumah nomor 12. " + NIK_AND_PHONES)
    await j.officer(ticket, texts.BTN_ACCEPT)
    await j.officer(ticket, texts.BTN_PROCESS)
    await j.officer(ticket, texts.BTN_FINISH, note="Sampah sudah diangkut pagi ini.")
    await j.resident_presses(texts.BTN_NOT_DONE)
    await j.officer(ticket, texts.BTN_MOVE, target="Dishub")
    await j.officer(ticket, texts.BTN_REJECT, note="Bukan kewenangan Dishub.")
    await j.officer(ticket, texts.BTN_MOVE, target="DLH")
    await j.officer(ticket, texts.BTN_ACCEPT)
    await j.officer(ticket, texts.BTN_FINISH, note="Sudah bersih, terima kasih.")
    await j.resident_presses("4")


async def sensitive(j: Journey) -> None:
    """Pungli and violence complaints: always anonymous, whatever the resident would pick."""
    bot = j.bot
    await bot.link_group("inspektorat", INSPEKTORAT_GROUP)
    await bot.link_group("dp3ap2kb", DP3AP2KB_GROUP)
    await bot.link_group("kominfostan", TRIAGE_GROUP)
    for category, description in (
        ("pungli", "Petugas kantor desa minta uang untuk surat pindah. "),
        ("kekerasan", "Tetangga kami sering memukul anaknya sampai menangis. "),
    ):
        ticket = await j.file(category=category, description=description + NIK_AND_PHONES)
        relayed = await j.officer_asks(ticket, "Kapan kejadiannya?")
        await j.resident_answers(relayed, "Senin pagi. " + NIK_AND_PHONES)
        await j.officer(ticket, texts.BTN_ACCEPT)
        await j.officer(ticket, texts.BTN_FINISH, note="Sudah ditindaklanjuti.")
        await j.resident_presses("5")


async def triage_and_deadlines(j: Journey) -> None:
    """A complaint nothing routes: triage card and admin notice, the admin's /triase list
    and assignment, then weeks of silence: reminders and escalations."""
    bot = j.bot
    await bot.link_group("kominfostan", TRIAGE_GROUP)
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await j.file(
        category="lainnya",
        # No place, no words any OPD claims: only triage can decide. (Saying "NIK" would
        # route it to Disdukcapil, so the number is given without the word.)
        description="Mohon bantuannya, ada yang tidak beres di sini sejak lama. Nomor saya "
        "1207012345678901, hubungi 0812-3456-7890 atau +62 812 9876 5432",
        place=None,
    )
    triage = [c for c in await bot.send("/triase", ADMIN) if f"g:{ticket}:dlh" in str(c.buttons)]
    await bot.press_label(triage[-1], "DLH", ADMIN)
    await bot.deliver()
    offset = dt.timedelta(days=40)
    bot.services.complaints.clock = lambda: utcnow() + offset
    deadlines = bot.application.bot_data["deadlines"]
    deadlines.clock = bot.services.complaints.clock
    for _ in range(2):
        await deadlines.run()
        await bot.deliver()


JOURNEYS: dict[str, Callable[[Journey], Awaitable[None]]] = {
    "everyday": everyday,
    "sensitive": sensitive,
    "triage": triage_and_deadlines,
}
PRIVACY = {
    "anon": texts.BTN_ANON,
    "name": texts.BTN_SHARE_NAME,
    "name_phone": texts.BTN_SHARE_NAME_PHONE,
}
# Sensitive complaints skip the privacy step: one case is all there is.
CASES = [
    (journey, privacy)
    for journey in JOURNEYS
    for privacy in PRIVACY
    if journey != "sensitive" or privacy == "anon"
]


def officer_facing(j: Journey) -> list[ApiCall]:
    calls = [
        c
        for c in j.bot.api.calls
        if c.chat_id is not None and (c.chat_id < 0 or c.chat_id == ADMIN.id)
    ]
    return calls + j.alerts


async def run_journey(name: str, privacy: str, resident: Person) -> Journey:
    async with fresh_bot() as bot:
        j = Journey(bot, resident, PRIVACY[privacy])
        await JOURNEYS[name](j)
        assert support.run_problems(bot) == []
        assert await support.database_problems(bot.db) == []
        return j


def expected_reporter(journey: str, privacy: str, person: Person) -> str:
    if journey == "sensitive":
        return texts.CARD_REPORTER_HIDDEN_SENSITIVE
    if privacy == "anon":
        return texts.CARD_REPORTER_HIDDEN
    name = escape(" ".join(p for p in (person.first_name, person.last_name) if p))
    if privacy == "name":
        return name
    return f"{name} ({escape(PHONE[person.id])})"


def normalised(calls: list[ApiCall]) -> list[tuple]:
    """What officers saw, with tickets and the reporter line blanked out."""
    out = []
    for call in calls:
        text = REPORTER_LINE.sub("Pelapor: <pelapor>", call.text)
        text = support.TICKET.sub("DS-<tiket>", text)
        buttons = [(label, support.TICKET.sub("DS-<tiket>", d)) for label, d in call.buttons]
        out.append((call.method, call.chat_id, text, buttons))
    # Per chat, in order: the outbox sends to different chats concurrently (its lanes), so
    # the interleaving of the admin's notice and the group's card varies from run to run.
    return sorted(out, key=lambda call: (call[1] is None, call[1] or 0))


_baselines: dict[tuple[str, str], list[tuple]] = {}


async def baseline(name: str, privacy: str) -> list[tuple]:
    if (name, privacy) not in _baselines:
        j = await run_journey(name, privacy, BASELINE)
        _baselines[name, privacy] = normalised(officer_facing(j))
    return _baselines[name, privacy]


def digit_runs(text: str) -> list[str]:
    """The digits of each number in the text, however it is spaced or punctuated."""
    return [re.sub(r"\D", "", run) for run in re.findall(r"\+?\d(?:[\s.\-()]*\d)*", text)]


def assert_private(j: Journey, journey: str, privacy: str) -> None:
    person = j.resident
    reporter = expected_reporter(journey, privacy, person)
    phone = re.sub(r"\D", "", PHONE[person.id]).removeprefix("62")  # 812..., as typed or not
    seen = officer_facing(j)
    assert any("Pelapor:" in c.text for c in seen), "not vacuous: cards were seen"
    for call in seen:
        text = call.text
        for line in REPORTER_LINE.findall(text):
            assert line == reporter, (line, reporter)
        outside = REPORTER_LINE.sub("", text)
        everything = outside + " " + " ".join(d for _, d in call.buttons)
        assert str(person.id) not in everything
        assert person.username is None or person.username not in text
        assert all(phone not in run for run in digit_runs(outside)), outside
        assert not SIXTEEN_DIGITS.search(outside), outside


@pytest.mark.parametrize("person", IDENTITIES, ids=lambda p: p.username)
@pytest.mark.parametrize(("journey", "privacy"), CASES, ids=[f"{j}-{p}" for j, p in CASES])
async def test_officers_see_the_resident_only_as_they_chose(
    journey: str, privacy: str, person: Person
) -> None:
    j = await run_journey(journey, privacy, person)
    assert_private(j, journey, privacy)
    assert normalised(officer_facing(j)) == await baseline(journey, privacy)


# What Telegram allows in a name: anything printable, no line breaks or control characters.
NAME = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=64)


@budget(8)
@given(
    first=NAME.filter(str.strip),
    last=st.none() | NAME,
    privacy=st.sampled_from(list(PRIVACY)),
)
async def test_any_name_is_shown_only_when_shared(
    first: str, last: str | None, privacy: str
) -> None:
    person = Person(id=7399999999, first_name=first, last_name=last, username="any_name_x")
    PHONE.setdefault(person.id, "+6281299998888")
    j = await run_journey("everyday", privacy, person)
    assert_private(j, "everyday", privacy)
    assert normalised(officer_facing(j)) == await baseline("everyday", privacy)


@pytest.mark.parametrize("how", ["officer_move", "admin_assign"])
async def test_a_complaint_moved_to_a_sensitive_opd_becomes_anonymous(how: str) -> None:
    person = IDENTITIES[0]
    async with fresh_bot() as bot:
        j = Journey(bot, person, texts.BTN_SHARE_NAME_PHONE)
        await bot.link_group("dlh", DLH_GROUP)
        await bot.link_group("kominfostan", TRIAGE_GROUP)
        await bot.link_group("inspektorat", INSPEKTORAT_GROUP)
        ticket = await j.file()  # rubbish, at DLH: not sensitive, name and phone shown
        card = support.latest_card(bot, ticket)
        assert card.chat_id == DLH_GROUP["id"]
        assert REPORTER_LINE.findall(card.text) == [
            expected_reporter("everyday", "name_phone", person)
        ]
        if how == "officer_move":
            await j.officer(ticket, texts.BTN_MOVE, target="Inspektorat")
        else:
            await bot.press(
                bot.message(None, {"id": ADMIN.id, "type": "private"}, text="triase"),
                f"g:{ticket}:inspektorat",
                ADMIN,
            )
            await bot.deliver()
        card = support.latest_card(bot, ticket)
        assert card.chat_id == INSPEKTORAT_GROUP["id"]
        assert REPORTER_LINE.findall(card.text) == [texts.CARD_REPORTER_HIDDEN_SENSITIVE]
