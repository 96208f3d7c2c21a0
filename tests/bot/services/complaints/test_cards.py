"""OPD groups and the complaint's card in them, through the real Application."""

from __future__ import annotations

import pytest

from bot.offline.local_api import Fault
from bot.offline.simulator import Person
from bot.presentation import texts
from faq.formatting import check_html, plain_text
from tests.conftest import ADMIN, Harness
from tests.handlers.test_complaint_flow import file_complaint
from tests.handlers.test_officer import OFFICER, cards, delivered_card, press_in_group

OLD_GROUP = -1001000000011
NEW_GROUP = -1001000000012
TRIAGE_GROUP = -1001000000013
DISHUB_GROUP = -1001000000014
NEW_OFFICER = Person(id=8011, first_name="Rudi", last_name="Petugas DLH baru")


def group(chat_id: int) -> dict:
    return {"id": chat_id, "type": "supergroup", "title": f"Grup {chat_id}"}


# -- relinking: open cards follow the link ----------------------------------------------
async def test_relinking_an_opd_moves_its_open_cards_to_the_new_group(bot: Harness) -> None:
    await bot.link_group("dlh", OLD_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot, OLD_GROUP)
    await press_in_group(bot, card, texts.BTN_ACCEPT, OFFICER)
    await bot.deliver()
    # The OPD's work moves to a new group (the old one was abandoned).
    await bot.link_group("dlh", NEW_GROUP)
    calls = await bot.deliver()
    [new_card] = cards(calls, NEW_GROUP)
    assert ticket in new_card.text and "Diterima petugas" in plain_text(new_card.text)
    [old] = [c for c in calls if c.method == "editMessageText" and c.chat_id == OLD_GROUP]
    assert "dipindahkan" in plain_text(old.text) and not old.buttons
    # The new group acts on it; the old card changes nothing.
    # (The old group is linked to nothing now: a press there is not even answered.)
    assert await press_in_group(bot, card, texts.BTN_PROCESS, OFFICER) == []
    await press_in_group(bot, new_card, texts.BTN_PROCESS, NEW_OFFICER)
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "diproses" and complaint.card_chat_id == NEW_GROUP


async def test_a_card_waiting_in_triage_follows_when_its_opd_is_linked(bot: Harness) -> None:
    await bot.link_group("kominfostan", TRIAGE_GROUP)
    ticket = await file_complaint(bot)  # DLH has no group yet: the card goes to triage
    assert len(cards(await bot.deliver(), TRIAGE_GROUP)) == 1
    await bot.link_group("dlh", NEW_GROUP)
    calls = await bot.deliver()
    [new_card] = cards(calls, NEW_GROUP)
    assert ticket in new_card.text
    assert any(c.method == "editMessageText" and c.chat_id == TRIAGE_GROUP for c in calls)
    await press_in_group(bot, new_card, texts.BTN_ACCEPT, NEW_OFFICER)
    assert (await bot.services.complaints.by_ticket(ticket)).status == "diterima"


async def test_triage_shows_a_card_that_could_not_follow_the_link(bot: Harness) -> None:
    await bot.link_group("dlh", OLD_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot, OLD_GROUP)
    await press_in_group(bot, card, texts.BTN_ACCEPT, OFFICER)
    await bot.deliver()
    await bot.link_group("dlh", NEW_GROUP)
    # The bot was removed from the new group before the card got there.
    bot.api.faults.append(
        Fault("sendMessage", status=403, description="Forbidden: bot was kicked from the group")
    )
    await bot.deliver()
    text = await bot.reply_text("/triase", ADMIN)
    assert ticket in text and "kartu tidak terkirim" in text


async def test_relinking_a_group_to_another_opd_moves_its_cards_out(bot: Harness) -> None:
    await bot.link_group("kominfostan", TRIAGE_GROUP)
    await bot.link_group("dlh", OLD_GROUP)
    ticket = await file_complaint(bot)
    await delivered_card(bot, OLD_GROUP)
    # The same group now serves Dishub: DLH's open card must not stay in it.
    await bot.link_group("dishub", OLD_GROUP)
    calls = await bot.deliver()
    [moved] = cards(calls, TRIAGE_GROUP)
    assert ticket in moved.text
    assert "grup dlh belum terhubung" in await bot.reply_text("/triase", ADMIN)


async def test_the_admin_is_told_how_many_cards_followed(bot: Harness) -> None:
    await bot.link_group("dlh", OLD_GROUP)
    await file_complaint(bot)
    await bot.deliver()
    calls = await bot.simulator.send("/hubungkan dlh", ADMIN, chat=group(NEW_GROUP))
    assert any("1 pengaduan yang masih terbuka dipindahkan" in c.text for c in calls)


# -- one complaint, at most one live card per group --------------------------------------
async def assign_from_triage(bot: Harness, ticket: str, label: str) -> None:
    items = [c for c in await bot.say("/triase", ADMIN) if ticket in c.text]
    assert items, f"{ticket} not in /triase"
    calls = await bot.press(items[-1], label, ADMIN)
    assert any(c.method == "editMessageText" and "ditetapkan" in c.text for c in calls)


async def test_an_assignment_while_the_card_waits_gives_one_card(bot: Harness) -> None:
    ticket = await file_complaint(bot)  # no group at all: the card waits in the outbox
    await bot.deliver()
    await assign_from_triage(bot, ticket, "Dishub")
    await bot.link_group("dishub", DISHUB_GROUP)
    [card] = cards(await bot.deliver(), DISHUB_GROUP)
    assert ticket in card.text
    # One card owed at a time: the assignment replaced the card that was waiting.
    rows = await bot.services.db.fetchall("SELECT state FROM outbox WHERE kind = 'card'")
    assert [r[0] for r in rows] == ["sent"]


async def test_a_move_then_an_assignment_while_waiting_gives_one_card(bot: Harness) -> None:
    await bot.link_group("dlh", OLD_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot, OLD_GROUP)
    # Moved to Dishub, which has no group (and there is no triage group): the card waits.
    calls = await press_in_group(bot, card, texts.BTN_MOVE, OFFICER)
    [chooser] = [c for c in calls if c.method == "sendMessage"]
    await press_in_group(bot, chooser, "Dishub", OFFICER)
    await bot.deliver()
    # An admin decides it is Satpol PP's; later both groups are linked.
    await assign_from_triage(bot, ticket, "Satpol PP")
    await bot.link_group("dishub", DISHUB_GROUP)
    await bot.link_group("satpolpp", NEW_GROUP)
    calls = await bot.deliver()
    assert cards(calls, DISHUB_GROUP) == []
    assert len(cards(calls, NEW_GROUP)) == 1


async def test_a_second_card_row_for_the_same_group_is_not_sent(bot: Harness) -> None:
    from bot.services.outbox import enqueue

    await bot.link_group("dlh", OLD_GROUP)
    ticket = await file_complaint(bot)
    complaint = await bot.services.complaints.by_ticket(ticket)
    async with bot.services.db.transaction() as conn:  # e.g. left over from an older version
        await enqueue(conn, "card", complaint_id=complaint.id, payload={})
    assert len(cards(await bot.deliver(), OLD_GROUP)) == 1


# -- what the card shows ---------------------------------------------------------------------
MARKUP_TEXT = 'Sampah <b>numpuk</b> & bau > 3 hari di <a href="x">pasar</a> <tg-spoiler>'


async def test_a_description_with_markup_is_shown_as_text(bot: Harness) -> None:
    await bot.link_group("dlh", OLD_GROUP)
    await file_complaint(bot, description=MARKUP_TEXT)
    [card] = cards(await bot.deliver(), OLD_GROUP)
    assert check_html(card.text) == []
    assert "&lt;b&gt;numpuk&lt;/b&gt; &amp; bau &gt; 3 hari" in card.text
    assert MARKUP_TEXT in plain_text(card.text)


async def test_a_long_description_with_markup_continues_as_text(bot: Harness) -> None:
    await bot.link_group("dlh", OLD_GROUP)
    long_text = ("Sampah <numpuk> & bau > 3 hari. " * 100)[:3000]  # escaped: over 4,096
    await file_complaint(bot, description=long_text)
    calls = [c for c in await bot.deliver() if c.chat_id == OLD_GROUP]
    assert len(calls) == 2  # the card and one continuation
    for call in calls:
        assert check_html(call.text) == [] and "&lt;numpuk&gt; &amp; bau &gt;" in call.text
    shown = "".join(plain_text(c.text) for c in calls)
    assert shown.count("<numpuk>") == long_text.count("<numpuk>")


# -- a card delivered just before a crash is adopted only in the acting group --------------
async def test_a_lost_card_is_adopted_only_from_the_group_acting_on_it(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.link_group("dlh", OLD_GROUP)
    await bot.link_group("dishub", DISHUB_GROUP)
    ticket = await file_complaint(bot)
    old_card = await delivered_card(bot, OLD_GROUP)
    calls = await press_in_group(bot, old_card, texts.BTN_MOVE, OFFICER)
    [chooser] = [c for c in calls if c.method == "sendMessage"]
    await press_in_group(bot, chooser, "Dishub", OFFICER)
    # Telegram accepts the new card, then the bot dies before recording it.
    cards_part = bot.services.complaints.cards

    async def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed before the delivery was recorded")

    monkeypatch.setattr(cards_part, "card_delivered", crash)
    [new_card] = cards(await bot.deliver(), DISHUB_GROUP)
    monkeypatch.undo()
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "baru" and complaint.card_message_id is None
    # Someone presses the old card in the old group: it is not adopted there.
    await press_in_group(bot, old_card, texts.BTN_ACCEPT, OFFICER)
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "baru" and complaint.card_message_id is None
    # The Dishub officer's press adopts the real card and acts.
    await press_in_group(bot, new_card, texts.BTN_ACCEPT, NEW_OFFICER)
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.card_chat_id == DISHUB_GROUP and complaint.status == "diterima"
