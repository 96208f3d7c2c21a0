"""The same update handled twice (redelivered after a crash): every effect happens once."""

from __future__ import annotations

from bot.offline.local_api import ApiCall
from bot.offline.simulator import RESIDENT
from bot.presentation import texts
from tests.conftest import Harness
from tests.handlers.test_complaint_flow import file_complaint
from tests.handlers.test_officer import DLH_GROUP, OFFICER, delivered_card, press_in_group

DLH = {"id": DLH_GROUP, "type": "supergroup", "title": "Grup dlh"}
# A long paste Telegram splits: the first part is long enough to expect a continuation.
PART_ONE = ("Saluran air di depan rumah warga tersumbat sampah plastik dan lumpur. " * 60)[:3950]


async def twice(bot: Harness, update: dict) -> tuple[list[ApiCall], list[ApiCall]]:
    a, b = await bot.simulator.process(update), await bot.simulator.process(update)
    print(
        "FIRST", [(c.method, c.text[:60]) for c in a], "AGAIN", [(c.method, c.text[:60]) for c in b]
    )
    return a, b


async def test_a_paste_continuation_delivered_twice_is_appended_once(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Sampah dan kebersihan")
    _, again = await twice(bot, bot.simulator.text_update(PART_ONE))
    assert again  # the resident is still shown the step (a harmless repeat)
    _, draft = await bot.services.complaints.drafts.of(RESIDENT.id)
    assert draft is not None and draft.description == PART_ONE.strip()
    await bot.say("Mohon segera dibersihkan.")
    _, draft = await bot.services.complaints.drafts.of(RESIDENT.id)
    assert draft is not None and draft.step == "location"
    assert draft.description == f"{PART_ONE.strip()}\nMohon segera dibersihkan."


async def test_a_photo_delivered_twice_is_attached_once(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Sampah dan kebersihan")
    await bot.say("Sampah di TPS dekat pasar sudah seminggu tidak diangkut, bau")
    await bot.say("Lubuk Pakam")
    photo = [{"file_id": "foto-tps-1", "file_unique_id": "u1", "width": 800, "height": 600}]
    await twice(bot, bot.simulator.message_update(photo=photo))
    _, draft = await bot.services.complaints.drafts.of(RESIDENT.id)
    assert draft is not None and draft.photos == ["foto-tps-1"] and draft.step == "photos"


async def test_an_officers_reply_delivered_twice_reaches_the_resident_once(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    ticket = await file_complaint(bot)
    card = await delivered_card(bot)
    reply = bot.simulator.text_update(
        "Sampah di TPS mana, Pak?", OFFICER, chat=DLH, reply_to=card.result
    )
    first, again = await twice(bot, reply)
    # Both times the officer is told it went (the second is only an acknowledgement).
    assert all(any("diteruskan ke pelapor" in c.text for c in calls) for calls in (first, again))
    relayed = [c for c in await bot.deliver() if c.chat_id == RESIDENT.id]
    assert len(relayed) == 1 and "Sampah di TPS mana" in relayed[0].text
    complaint = await bot.services.complaints.by_ticket(ticket)
    events = [e.action for e in await bot.services.complaints.timeline(complaint.id)]
    assert events.count("pesan_petugas") == 1
    # The resident's answer, delivered twice, reaches the group once.
    answer = bot.simulator.text_update("Dekat pasar baru.", RESIDENT, reply_to=relayed[0].result)
    first, again = await twice(bot, answer)
    assert all(any(texts.RESIDENT_REPLY_SENT in c.text for c in calls) for calls in (first, again))
    back = [c for c in await bot.deliver() if c.chat_id == DLH_GROUP]
    assert len(back) == 1 and "Dekat pasar baru" in back[0].text


async def test_a_button_press_delivered_twice_is_applied_once(bot: Harness) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await file_complaint(bot)
    card = await delivered_card(bot)
    await press_in_group(bot, card, texts.BTN_ACCEPT, OFFICER)
    [edit] = [c for c in await bot.deliver() if c.method == "editMessageText"]
    # "Selesai" asks the officer for a note: asked once, however often the press arrives.
    data = next(d for label, d in edit.buttons if label == texts.BTN_FINISH)
    first, again = await twice(bot, bot.simulator.press_update(edit, data, OFFICER))
    asks = [c for c in first + again if c.method == "sendMessage" and c.chat_id == DLH_GROUP]
    assert len(asks) == 1 and asks[0].params["reply_markup"]["force_reply"]
    assert [c.method for c in again] == ["answerCallbackQuery"]
    # The note, delivered twice, finishes the complaint once and tells the resident once.
    note = bot.simulator.text_update("Sudah diangkut.", OFFICER, chat=DLH, reply_to=asks[0].result)
    first, again = await twice(bot, note)
    # Both times the officer is told it is done (the second is only an acknowledgement).
    assert all(any("dinyatakan selesai oleh" in c.text for c in calls) for calls in (first, again))
    told = [c for c in await bot.deliver() if c.chat_id == RESIDENT.id]
    assert len(told) == 1 and "Sudah diangkut." in told[0].text


async def test_a_flow_button_delivered_twice_moves_one_step(bot: Harness) -> None:
    [prompt] = await bot.say("/lapor")
    data = next(d for label, d in prompt.buttons if label == "Sampah dan kebersihan")
    _, again = await twice(bot, bot.simulator.press_update(prompt, data))
    _, draft = await bot.services.complaints.drafts.of(RESIDENT.id)
    assert draft is not None and draft.step == "description" and draft.category
    # The repeat shows the current step again, not "this button is no longer valid".
    assert any("langkah 2 dari 5" in c.text for c in again)
