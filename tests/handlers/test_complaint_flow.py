"""Residents filing complaints, through the real Application."""

from __future__ import annotations

import re

from bot.app import build_application, running
from bot.offline.local_api import ApiCall, LocalBotApi
from bot.offline.simulator import RESIDENT, Person, Simulator
from bot.presentation import texts
from bot.services.knowledge import LiveKnowledge
from bot.settings import Settings
from faq.formatting import plain_text
from tests.conftest import Harness

TICKET = re.compile(r"DS-[23456789A-HJKMNP-TW-Z]{6}")


def last_with_buttons(calls: list[ApiCall]) -> ApiCall:
    return [c for c in calls if c.buttons][-1]


async def file_complaint(
    bot: Harness,
    *,
    category: str = "Sampah dan kebersihan",
    description: str = "Sampah di TPS dekat pasar sudah seminggu tidak diangkut, baunya menyengat",
    place: str = "Lubuk Pakam",
    privacy: str = texts.BTN_ANON,
    person: Person = RESIDENT,
) -> str:
    """Walk the whole flow; returns the ticket number the resident was told."""
    [prompt] = await bot.say("/lapor", person)
    calls = await bot.press(prompt, category, person)
    await bot.say(description, person)
    calls = await bot.say(place, person)
    if any(texts.FLOW_LOCATION_CHOOSE in c.text for c in calls):
        chooser = last_with_buttons(calls)
        calls = await bot.press(chooser, chooser.buttons[0][0], person)
    photos = last_with_buttons(calls)
    calls = await bot.press(photos, texts.BTN_NO_PHOTOS, person)
    if privacy:
        calls = await bot.press(last_with_buttons(calls), privacy, person)
    summary = last_with_buttons(calls)
    assert "Periksa pengaduan Anda" in summary.text
    calls = await bot.press(summary, texts.BTN_CONFIRM, person)
    [done] = [c for c in calls if "Nomor tiket" in c.text]
    match = TICKET.search(done.text)
    assert match, done.text
    return match.group(0)


async def test_full_flow_stores_first_then_tells_the_ticket(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    assert "langkah 1 dari 5" in prompt.text
    assert any(label == "Sampah dan kebersihan" for label, _ in prompt.buttons)
    calls = await bot.press(prompt, "Sampah dan kebersihan")
    assert any("langkah 2 dari 5" in c.text for c in calls)
    [reply] = await bot.say("Sampah di TPS dekat pasar sudah seminggu tidak diangkut, bau")
    assert "langkah 3 dari 5" in reply.text
    calls = await bot.say("Lubuk Pakam")
    assert any("Lubuk Pakam" in c.text for c in calls)
    photos = last_with_buttons(calls)
    assert "langkah 4 dari 5" in photos.text
    calls = await bot.simulator.send_message(
        photo=[{"file_id": "foto-tps-1", "file_unique_id": "u1", "width": 800, "height": 600}]
    )
    assert any("Foto 1 dari 3" in c.text for c in calls)
    calls = await bot.press(last_with_buttons(calls), texts.BTN_DONE_PHOTOS)
    privacy = last_with_buttons(calls)
    assert "langkah 5 dari 5" in privacy.text
    calls = await bot.press(privacy, texts.BTN_ANON)
    summary = last_with_buttons(calls)
    text = plain_text(summary.text)
    assert "Sampah dan kebersihan" in text and "Foto: 1" in text and "dirahasiakan" in text
    calls = await bot.press(summary, texts.BTN_CONFIRM)
    [done] = [c for c in calls if "Nomor tiket" in c.text]
    ticket = TICKET.search(done.text).group(0)
    assert "Dinas Lingkungan Hidup" in done.text
    assert "paling lambat" in done.text
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint is not None and complaint.status == "baru"
    assert complaint.opd_id == "dlh"
    assert await bot.services.complaints.photos(complaint.id) == ["foto-tps-1"]
    [event] = await bot.services.complaints.timeline(complaint.id)
    assert event.action == "dibuat"
    assert await bot.services.complaints.drafts.get(complaint.resident_id) is None


async def test_free_text_offer_becomes_the_description_with_category_preselected(
    bot: Harness,
) -> None:
    text = "lampu jalan di gang kami mati sudah dua minggu, gelap sekali malam hari"
    [offer] = await bot.say(text)
    calls = await bot.press(offer, texts.BTN_REPORT_THIS)
    prompt = last_with_buttons(calls)
    assert prompt.buttons[0][0].startswith(texts.CATEGORY_SUGGESTED_MARK)
    assert "Lampu jalan" in prompt.buttons[0][0]
    calls = await bot.press(prompt, prompt.buttons[0][0])
    # The description is already known, so the flow goes straight to the location.
    assert any("langkah 3 dari 5" in c.text for c in calls)
    resident = await bot.services.complaints.drafts.resident_id(RESIDENT.id, RESIDENT.id)
    draft = await bot.services.complaints.drafts.get(resident)
    assert draft is not None and draft.description == text


async def test_deep_link_starts_the_flow(bot: Harness) -> None:
    [prompt] = await bot.say("/start lapor")
    assert "langkah 1 dari 5" in prompt.text


async def test_cancel_at_any_step(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Jalan atau jembatan rusak")
    assert await bot.reply_text("/batal") == plain_text(texts.FLOW_CANCELLED)
    assert await bot.reply_text("/batal") == plain_text(texts.FLOW_NOTHING_TO_CANCEL)
    # With no draft, free text is an FAQ question again.
    assert "KTP" in await bot.reply_text("cara bikin ktp pertama kali")


async def test_short_or_emoji_description_is_asked_again_and_noise_gets_a_reminder(
    bot: Harness,
) -> None:
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Jalan atau jembatan rusak")
    assert "terlalu singkat" in await bot.reply_text("rusak")
    assert "terlalu singkat" in await bot.reply_text("😡😡😡")
    calls = await bot.simulator.send_message(
        sticker={
            "file_id": "s",
            "file_unique_id": "s",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    )
    assert any("langkah: <b>uraian</b>" in c.text for c in calls)


async def test_a_long_paste_and_its_continuation_are_joined(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Jalan atau jembatan rusak")
    # Long enough that Telegram may have cut it; with its end, within the 4,000 limit.
    first = ("Jalan rusak parah " + "berlubang dan tergenang air " * 150)[:3900]
    calls = await bot.say(first)
    assert any("terpotong" in c.text for c in calls)
    # A short continuation ends the description: the flow moves on by itself.
    calls = await bot.say("lanjutan: mohon segera diperbaiki sebelum ada korban")
    assert any("langkah 3 dari 5" in c.text for c in calls)
    resident = await bot.services.complaints.drafts.resident_id(RESIDENT.id, RESIDENT.id)
    draft = await bot.services.complaints.drafts.get(resident)
    assert draft is not None
    assert (
        draft.description
        == first.strip() + "\nlanjutan: mohon segera diperbaiki sebelum ada korban"
    )


async def test_confirming_twice_gives_one_ticket(bot: Harness) -> None:
    ticket = await file_complaint(bot)
    summary = [c for c in bot.api.calls if "Periksa pengaduan Anda" in c.text][-1]
    calls = await bot.press(summary, texts.BTN_CONFIRM)
    assert any(ticket in c.text and "sudah Anda kirim" in c.text for c in calls)
    rows = await bot.services.db.fetchall("SELECT ticket FROM complaint")
    assert [r[0] for r in rows] == [ticket]


async def test_same_complaint_resent_within_minutes_gets_the_first_ticket(bot: Harness) -> None:
    first = await file_complaint(bot)
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Sampah dan kebersihan")
    await bot.say("Sampah di TPS dekat pasar sudah seminggu tidak diangkut, baunya menyengat!")
    calls = await bot.say("Lubuk Pakam")
    calls = await bot.press(last_with_buttons(calls), texts.BTN_NO_PHOTOS)
    calls = await bot.press(last_with_buttons(calls), texts.BTN_ANON)
    calls = await bot.press(last_with_buttons(calls), texts.BTN_CONFIRM)
    assert any(first in c.text and "sudah Anda kirim" in c.text for c in calls)


async def test_emergency_gets_112_first(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    calls = await bot.press(prompt, "Kebakaran dan penyelamatan")
    shown = bot.shown(calls)
    assert "112" in shown[0].text
    await bot.say("/batal")
    # Free text: "call 112" is the first reply, the offer to file comes after it.
    warning, offer = await bot.say("Ada kebakaran rumah di gang sebelah, api besar sekali!")
    assert "112" in warning.text
    calls = await bot.press(offer, texts.BTN_REPORT_THIS)
    assert "112" in bot.shown(calls)[0].text


async def test_matter_outside_the_kabupaten_gets_a_referral(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Lainnya")
    await bot.say("Listrik di rumah kami padam sejak kemarin, token sudah diisi")
    calls = await bot.say("Tanjung Morawa")
    if any(texts.FLOW_LOCATION_CHOOSE in c.text for c in calls):
        chooser = last_with_buttons(calls)
        calls = await bot.press(chooser, chooser.buttons[0][0])
    calls = await bot.press(last_with_buttons(calls), texts.BTN_NO_PHOTOS)
    calls = await bot.press(last_with_buttons(calls), texts.BTN_ANON)
    calls = await bot.press(last_with_buttons(calls), texts.BTN_CONFIRM)
    [referral] = [c for c in calls if "bukan Pemerintah Kabupaten" in c.text]
    assert "PLN" in referral.text
    assert (await bot.services.db.fetchone("SELECT COUNT(*) FROM complaint"))[0] == 0


async def test_location_share_maps_to_desa_and_outside_is_told(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Jalan atau jembatan rusak")
    await bot.say("Jalan di depan kantor bupati berlubang besar dan membahayakan")
    calls = bot.shown(
        await bot.simulator.send_message(location={"latitude": 3.5952, "longitude": 98.6722})
    )  # central Medan
    assert any("di luar Kabupaten Deli Serdang" in c.text for c in calls)
    calls = bot.shown(
        await bot.simulator.send_message(location={"latitude": 3.5569, "longitude": 98.8736})
    )  # Kantor Bupati, Lubuk Pakam
    assert any("Lubuk Pakam" in c.text for c in calls)
    resident = await bot.services.complaints.drafts.resident_id(RESIDENT.id, RESIDENT.id)
    draft = await bot.services.complaints.drafts.get(resident)
    assert draft is not None and draft.kecamatan_name == "Lubuk Pakam"
    assert draft.latitude == 3.5569


async def test_a_restart_mid_draft_loses_nothing(
    settings: Settings, shipped_knowledge: LiveKnowledge
) -> None:
    api = LocalBotApi()
    app = build_application(settings, api=api, knowledge=shipped_knowledge, run_worker=False)
    async with running(app):
        bot = Harness(Simulator(app, api), api)
        [prompt] = await bot.say("/lapor")
        await bot.press(prompt, "Jalan atau jembatan rusak")
        await bot.say("Jembatan kayu di dusun kami patah, anak sekolah memutar jauh")
    # A new process: new Application, same database file.
    api = LocalBotApi()
    app = build_application(settings, api=api, knowledge=shipped_knowledge, run_worker=False)
    async with running(app):
        bot = Harness(Simulator(app, api), api)
        calls = await bot.say("Tanjung Morawa")
        assert any(
            "langkah 4 dari 5" in c.text or texts.FLOW_LOCATION_CHOOSE in c.text for c in calls
        )
        resident = await bot.services.complaints.drafts.resident_id(RESIDENT.id, RESIDENT.id)
        draft = await bot.services.complaints.drafts.get(resident)
        assert draft is not None and draft.category == "jalan"
        assert draft.description.startswith("Jembatan kayu")


async def test_lapor_again_with_a_draft_offers_to_continue(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Jalan atau jembatan rusak")
    [resume] = await bot.say("/lapor")
    assert "belum selesai" in resume.text
    calls = await bot.press(resume, texts.BTN_CONTINUE)
    assert any("langkah 2 dari 5" in c.text for c in calls)


async def test_a_description_is_capped_and_the_group_gets_no_flood(bot: Harness) -> None:
    await bot.link_group("sdabmbk", -1001000000021)
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Jalan atau jembatan rusak")
    paste = ("Jalan rusak parah di dusun kami " + "berlubang dan tergenang air " * 150)[:3990]
    told = []
    for number in range(30):  # thirty long pastes, each followed by the next
        calls = await bot.say(f"{number:02d} {paste}")
        told += [c.text for c in calls if c.text == texts.FLOW_DESCRIPTION_CAPPED]
        if any("langkah 3 dari 5" in c.text for c in calls):
            break
    assert told == [texts.FLOW_DESCRIPTION_CAPPED]  # told once, kindly, then moved on
    resident = await bot.services.complaints.drafts.resident_id(RESIDENT.id, RESIDENT.id)
    draft = await bot.services.complaints.drafts.get(resident)
    assert draft is not None and len(draft.description) <= 4000
    assert draft.description.startswith("00 Jalan") and "\n01 Jal" in draft.description
    calls = await bot.say("Lubuk Pakam")
    calls = await bot.press(last_with_buttons(calls), texts.BTN_NO_PHOTOS)
    calls = await bot.press(last_with_buttons(calls), texts.BTN_ANON)
    await bot.press(last_with_buttons(calls), texts.BTN_CONFIRM)
    group = [c for c in await bot.deliver() if c.chat_id == -1001000000021]
    assert 1 <= len(group) <= 2  # the card, and at most one continuation of the description
