"""/tertahan: admins see held-back messages and resend or dismiss them; nobody else can."""

from __future__ import annotations

from bot.offline.local_api import Fault
from bot.offline.simulator import RESIDENT, Person
from bot.presentation import texts
from bot.services.complaints import Officer
from faq.formatting import plain_text
from tests.conftest import ADMIN, Harness
from tests.handlers.test_complaint_flow import file_complaint

GROUP = -1001000000088
STRANGER = Person(id=9999, first_name="Orang", last_name="Lain")
SITI = Officer(8001, "Siti")


def accepted_notices(bot: Harness) -> list:
    return [
        c
        for c in bot.api.calls
        if c.chat_id == RESIDENT.id and "diterima" in c.text and "message_id" in (c.result or {})
    ]


async def uncertain_notice(bot: Harness) -> str:
    """A resident's notice Telegram delivered but whose answer was lost; returns the ticket."""
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    await bot.deliver()
    await bot.services.complaints.workflow.officer_action(ticket, "terima", SITI, GROUP)
    bot.api.faults.append(Fault("sendMessage", answer_lost=True))
    await bot.deliver()
    assert len(accepted_notices(bot)) == 1
    return ticket


async def notify_state(bot: Harness) -> str:
    row = await bot.services.db.fetchone(
        "SELECT state FROM outbox WHERE kind = 'notify' ORDER BY id DESC LIMIT 1"
    )
    return str(row[0])


async def test_admins_see_what_is_held_and_resend_it_once(bot: Harness) -> None:
    ticket = await uncertain_notice(bot)
    calls = bot.shown(await bot.simulator.send("/tertahan", ADMIN), ADMIN.id)
    header, item = calls
    assert "1" in plain_text(header.text)
    text = plain_text(item.text)
    assert "Pemberitahuan status" in text and f"pelapor {ticket}" in text
    assert "tidak pasti" in text and "WIB" in text
    assert str(RESIDENT.id) not in item.text  # whom, masked: the ticket, not the chat
    assert [label for label, _ in item.buttons] == [texts.BTN_HELD_RESEND, texts.BTN_HELD_DISMISS]

    # A non-admin's press (e.g. in a forwarded message) is refused and changes nothing.
    calls = await bot.press(item, texts.BTN_HELD_RESEND, STRANGER)
    assert any(c.params.get("text") == texts.ADMIN_ONLY for c in calls)
    assert await notify_state(bot) == "uncertain"
    await bot.deliver()
    assert len(accepted_notices(bot)) == 1

    # The admin's press sends it again, once; a second press does nothing more.
    calls = await bot.press(item, texts.BTN_HELD_RESEND, ADMIN)
    assert any(c.method == "editMessageText" and texts.HELD_RESENT in c.text for c in calls)
    await bot.deliver()
    assert len(accepted_notices(bot)) == 2 and await notify_state(bot) == "sent"
    calls = await bot.press(item, texts.BTN_HELD_RESEND, ADMIN)
    assert any(c.params.get("text") == texts.HELD_ALREADY_HANDLED for c in calls)
    await bot.deliver()
    assert len(accepted_notices(bot)) == 2
    assert bot.shown(await bot.simulator.send("/tertahan", ADMIN))[-1].text == texts.HELD_EMPTY


async def test_dismissed_rows_are_never_sent(bot: Harness) -> None:
    await uncertain_notice(bot)
    [_, item] = bot.shown(await bot.simulator.send("/tertahan", ADMIN), ADMIN.id)
    calls = await bot.press(item, texts.BTN_HELD_DISMISS, ADMIN)
    assert any(texts.HELD_DISMISSED in c.text for c in calls if c.method == "editMessageText")
    assert await notify_state(bot) == "dismissed"
    await bot.deliver()
    assert len(accepted_notices(bot)) == 1
    assert bot.shown(await bot.simulator.send("/tertahan", ADMIN))[-1].text == texts.HELD_EMPTY


async def test_parked_rows_are_listed_with_the_group_they_were_for(bot: Harness) -> None:
    await bot.link_group("dlh", GROUP)
    ticket = await file_complaint(bot)
    bot.api.faults.append(
        Fault("sendMessage", status=400, description="Bad Request: chat not found")
    )
    await bot.deliver()
    [_, item] = bot.shown(await bot.simulator.send("/tertahan", ADMIN), ADMIN.id)
    text = plain_text(item.text)
    assert "Kartu pengaduan" in text and "Dinas Lingkungan Hidup" in text and ticket in text
    assert "ditolak Telegram" in text and "chat not found" in text.lower()
