"""Officers acting on complaints from their group; residents told every step."""

from __future__ import annotations

import re

import pytest

from bot.offline.local_api import ApiCall
from bot.offline.simulator import RESIDENT, Person
from bot.presentation import texts
from faq.formatting import plain_text
from tests.conftest import Harness
from tests.handlers.test_complaint_flow import file_complaint

DLH_GROUP = -1001000000001
DISHUB_GROUP = -1001000000002
TRIAGE_GROUP = -1001000000003
OFFICER = Person(id=8001, first_name="Siti", last_name="Petugas DLH")
OTHER_OFFICER = Person(id=8002, first_name="Andi", last_name="Dishub")
LONG_DIGITS = re.compile(r"\d{8,}")


def cards(calls: list[ApiCall], chat_id: int) -> list[ApiCall]:
    return [
        c
        for c in calls
        if c.method == "sendMessage" and c.chat_id == chat_id and "Pengaduan DS-" in c.text
    ]


async def delivered_card(bot: Harness, chat_id: int = DLH_GROUP) -> ApiCall:
    [card] = cards(await bot.deliver(), chat_id)
    return card


async def press_in_group(bot: Harness, card: ApiCall, label: str, person: Person) -> list[ApiCall]:
    return await bot.simulator.press(card, label, person)


def resident_messages(calls: list[ApiCall]) -> list[str]:
    return [c.text for c in calls if c.chat_id == RESIDENT.id and c.method == "sendMessage"]


def assert_no_identity(text: str) -> None:
    for leak in (RESIDENT.first_name, RESIDENT.last_name, RESIDENT.username, str(RESIDENT.id)):
        assert leak not in text, leak


async def test_card_reaches_the_linked_group_without_the_residents_identity(
    bot: Harness,
) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await file_complaint(bot)
    calls = await bot.deliver()
    [card] = cards(calls, DLH_GROUP)
    text = plain_text(card.text)
    assert ticket in text and "Sampah dan kebersihan" in text and "Lubuk Pakam" in text
    assert "Pelapor: dirahasiakan" in text
    assert_no_identity(card.text)
    assert [label for label, _ in card.buttons] == [
        texts.BTN_ACCEPT,
        texts.BTN_PROCESS,
        texts.BTN_REJECT,
        texts.BTN_MOVE,
    ]
    assert all(len(data.encode()) <= 64 for _, data in card.buttons)
    [notice] = resident_messages(calls)
    assert "diteruskan" in notice and "Dinas Lingkungan Hidup" in notice
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "diteruskan" and complaint.due_at is not None


async def test_unlinked_opd_waits_in_triage_then_moves_when_a_group_is_linked(
    bot: Harness,
) -> None:
    ticket = await file_complaint(bot)
    assert cards(await bot.deliver(), DLH_GROUP) == []
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "baru"  # waiting, not lost
    await bot.link_group("dlh", DLH_GROUP)
    assert len(cards(await bot.deliver(), DLH_GROUP)) == 1


async def test_accept_process_finish_rate_close(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot)
    calls = await press_in_group(bot, card, texts.BTN_ACCEPT, OFFICER)
    [alert] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert "diterima" in alert.params["text"]
    calls = await bot.deliver()
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert "Diterima petugas" in edit.text
    assert "diterima" in resident_messages(calls)[0]
    # Selesai asks for a note, which the resident receives.
    calls = await press_in_group(bot, edit, texts.BTN_FINISH, OFFICER)
    [ask] = [c for c in calls if c.method == "sendMessage"]
    assert "catatan penyelesaian" in ask.text and ask.params["reply_markup"]["force_reply"]
    group = {"id": DLH_GROUP, "type": "supergroup", "title": "Grup dlh"}
    await bot.simulator.send(
        "Sampah sudah diangkut truk pagi ini.", OFFICER, chat=group, reply_to=ask.result
    )
    calls = await bot.deliver()
    [done] = [c for c in calls if c.chat_id == RESIDENT.id]
    assert "selesai" in done.text and "Sampah sudah diangkut truk pagi ini." in done.text
    labels = [label for label, _ in done.buttons]
    assert labels[:5] == ["1", "2", "3", "4", "5"] and texts.BTN_NOT_DONE in labels
    await bot.press(done, "5")
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "ditutup" and complaint.rating == 5
    events = [e.action for e in await bot.services.complaints.timeline(complaint.id)]
    assert events == ["dibuat", "diteruskan", "diterima", "selesai", "ditutup"]
    officer_events = [
        e for e in await bot.services.complaints.timeline(complaint.id) if e.actor_kind == "officer"
    ]
    assert {e.actor_name for e in officer_events} == {"Siti Petugas DLH"}


async def test_reopen_sends_it_back_to_the_opd(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot)
    await press_in_group(bot, card, texts.BTN_ACCEPT, OFFICER)
    [edit] = [c for c in await bot.deliver() if c.method == "editMessageText"]
    [ask] = [
        c
        for c in await press_in_group(bot, edit, texts.BTN_FINISH, OFFICER)
        if c.method == "sendMessage"
    ]
    group = {"id": DLH_GROUP, "type": "supergroup", "title": "Grup dlh"}
    await bot.simulator.send("Sudah dibersihkan.", OFFICER, chat=group, reply_to=ask.result)
    [done] = [c for c in await bot.deliver() if c.chat_id == RESIDENT.id]
    await bot.press(done, texts.BTN_NOT_DONE)
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "diproses"
    calls = await bot.deliver()
    assert any(c.chat_id == DLH_GROUP and "membuka kembali" in c.text for c in calls)


async def test_buttons_from_another_group_a_stale_card_or_twice_change_nothing(
    bot: Harness,
) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await bot.link_group("dishub", DISHUB_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot)
    # The same callback data from a message in another chat (e.g. a forwarded card).
    forged = ApiCall(
        "sendMessage",
        {"chat_id": DISHUB_GROUP, "reply_markup": card.params["reply_markup"]},
        {**card.result, "chat": {"id": DISHUB_GROUP, "type": "supergroup"}},
    )
    calls = await press_in_group(bot, forged, texts.BTN_ACCEPT, OTHER_OFFICER)
    [alert] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert alert.params["text"] == texts.OFFICER_REFUSED["wrong_group"]
    # A resident in a private chat pressing officer buttons.
    private = ApiCall(
        "sendMessage",
        {"chat_id": RESIDENT.id, "reply_markup": card.params["reply_markup"]},
        {**card.result, "chat": {"id": RESIDENT.id, "type": "private"}},
    )
    calls = await bot.simulator.press(private, texts.BTN_ACCEPT, RESIDENT)
    assert any(c.params.get("show_alert") for c in calls)
    # Random data.
    calls = await bot.simulator.press_data(card, "k:DS-ZZZZZZ:terima", OFFICER)
    assert any(c.params.get("text") == texts.OFFICER_REFUSED["unknown"] for c in calls)
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.status == "diteruskan"
    # Accept once, then the same press again.
    await press_in_group(bot, card, texts.BTN_ACCEPT, OFFICER)
    calls = await press_in_group(bot, card, texts.BTN_ACCEPT, OFFICER)
    [alert] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert "Tidak bisa" in alert.params["text"]
    events = [e.action for e in await bot.services.complaints.timeline(complaint.id)]
    assert events.count("diterima") == 1


async def test_not_our_matter_goes_back_to_triage(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await bot.link_group("kominfostan", TRIAGE_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot)
    [ask] = [
        c
        for c in await press_in_group(bot, card, texts.BTN_REJECT, OFFICER)
        if c.method == "sendMessage"
    ]
    assert "alasan" in ask.text
    group = {"id": DLH_GROUP, "type": "supergroup", "title": "Grup dlh"}
    await bot.simulator.send(
        "Lokasi ini TPS milik swasta, bukan DLH.", OFFICER, chat=group, reply_to=ask.result
    )
    calls = await bot.deliver()
    [old] = [c for c in calls if c.method == "editMessageText" and c.chat_id == DLH_GROUP]
    assert "dipindahkan" in plain_text(old.text) and not old.buttons
    [triage] = cards(calls, TRIAGE_GROUP)
    assert "bukan wewenang" in plain_text(triage.text)
    assert any("ditinjau ulang" in t for t in resident_messages(calls))
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.opd_id == "kominfostan" and complaint.status == "diteruskan"


async def test_move_to_another_opd(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await bot.link_group("dishub", DISHUB_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot)
    calls = await press_in_group(bot, card, texts.BTN_MOVE, OFFICER)
    [chooser] = [c for c in calls if c.method == "sendMessage"]
    assert all(len(d.encode()) <= 64 for _, d in chooser.buttons)
    await press_in_group(bot, chooser, "Dishub", OFFICER)
    calls = await bot.deliver()
    assert len(cards(calls, DISHUB_GROUP)) == 1
    assert any("dialihkan" in t and "Dinas Perhubungan" in t for t in resident_messages(calls))
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.opd_id == "dishub"
    # The old card's buttons no longer act.
    calls = await press_in_group(bot, card, texts.BTN_ACCEPT, OFFICER)
    assert any(c.params.get("show_alert") for c in calls)


async def test_officer_question_reaches_the_resident_and_the_answer_comes_back(
    bot: Harness,
) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot)
    group = {"id": DLH_GROUP, "type": "supergroup", "title": "Grup dlh"}
    calls = await bot.simulator.send(
        "TPS yang mana pak, dekat pasar lama atau baru?", OFFICER, chat=group, reply_to=card.result
    )
    assert any("diteruskan ke pelapor" in c.text for c in calls)
    [relayed] = [c for c in await bot.deliver() if c.chat_id == RESIDENT.id]
    assert "TPS yang mana pak" in relayed.text and ticket in relayed.text
    assert "Siti" not in relayed.text  # officers' names stay in the audit trail
    calls = await bot.simulator.send(
        "Dekat pasar baru, hubungi saya 081234567890", RESIDENT, reply_to=relayed.result
    )
    assert any(texts.RESIDENT_REPLY_SENT in c.text for c in calls)
    [back] = [c for c in await bot.deliver() if c.chat_id == DLH_GROUP]
    assert "Dekat pasar baru" in back.text
    assert "081234567890" not in back.text  # phone numbers are masked for officers
    assert back.params["reply_parameters"]["message_id"] == card.result["message_id"]


@pytest.mark.parametrize(
    "category", ["Kekerasan terhadap perempuan atau anak", "Pungli atau penyalahgunaan wewenang"]
)
async def test_sensitive_complaints_are_always_anonymous(bot: Harness, category: str) -> None:
    await bot.link_group("dp3ap2kb", DLH_GROUP)
    await bot.link_group("inspektorat", DISHUB_GROUP)
    await file_complaint(
        bot,
        category=category,
        description="Petugas di kantor minta uang 200 ribu untuk urus surat, NIK saya "
        "1207012345678901 tolong ditindak",
        privacy="",  # the privacy step is skipped for these
    )
    calls = await bot.deliver()
    [card] = [c for c in calls if c.method == "sendMessage" and "Pengaduan DS-" in c.text]
    assert "dirahasiakan (pengaduan sensitif)" in plain_text(card.text)
    assert_no_identity(card.text)
    assert "1207012345678901" not in card.text and "NIK/KK disamarkan" in card.text


async def test_shared_identity_is_shown_only_when_chosen(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await file_complaint(bot, privacy=texts.BTN_SHARE_NAME)
    [card] = cards(await bot.deliver(), DLH_GROUP)
    assert "Budi Santoso" in card.text
    assert str(RESIDENT.id) not in card.text and "budi_ds" not in card.text
    assert not LONG_DIGITS.search(plain_text(card.text).split("Uraian")[0])
