"""Resident journeys through the real Application, asserting what the resident sees."""

from __future__ import annotations

import pytest

from bot.offline.simulator import RESIDENT, Person
from bot.presentation import texts
from faq.formatting import plain_text
from tests.conftest import Harness


async def test_start_greets_and_shows_the_menu(bot: Harness) -> None:
    [reply] = await bot.say("/start")
    assert "selamat datang" in reply.text.lower()
    labels = [label for label, _ in reply.buttons]
    assert labels == [texts.BTN_FAQ, texts.BTN_REPORT, texts.BTN_STATUS, texts.BTN_HELP]
    assert reply.params["parse_mode"] == "HTML"


async def test_help_lists_commands(bot: Harness) -> None:
    text = await bot.reply_text("/help")
    for command in ("/faq", "/lapor", "/status", "112"):
        assert command in text


async def test_faq_menu_areas_then_topics_then_answer(bot: Harness) -> None:
    [areas] = await bot.say("/faq")
    labels = [label for label, _ in areas.buttons]
    assert labels[0] == "Kependudukan dan Pencatatan Sipil"
    assert "Urusan di Luar Pemerintah Kabupaten" in labels
    topics_calls = bot.shown(await bot.press(areas, "Kependudukan dan Pencatatan Sipil"))
    [topics] = topics_calls
    assert any("akta kelahiran" in label.lower() for label, _ in topics.buttons)
    label = next(label for label, _ in topics.buttons if "akta kelahiran" in label.lower())
    [answer] = bot.shown(await bot.press(topics, label))
    assert "Akta kelahiran" in plain_text(answer.text) or "akta kelahiran" in answer.text
    assert "Instansi terkait: Dinas Kependudukan" in plain_text(answer.text)


async def test_free_text_question_gets_answer_opd_and_feedback_buttons(bot: Harness) -> None:
    [answer] = await bot.say("ktp saya hilang, gimana ngurusnya?")
    text = plain_text(answer.text)
    assert "hilang" in text.lower()
    assert "Dinas Kependudukan dan Pencatatan Sipil" in text
    assert [label for label, _ in answer.buttons] == [texts.BTN_HELPFUL, texts.BTN_NOT_HELPFUL]
    # The answer quotes the question, so "Tidak membantu" knows what was asked.
    assert answer.params["reply_parameters"]["message_id"] > 0


async def test_medan_colloquial_question_is_answered(bot: Harness) -> None:
    text = await bot.reply_text("cemana awak bayar pbb tahun ni bah")
    assert "PBB" in text


async def test_referral_question_says_who_handles_it(bot: Harness) -> None:
    text = await bot.reply_text("mau bikin skck dimana ya")
    assert "bukan Pemerintah Kabupaten" in text
    assert "Kepolisian" in text


async def test_helpful_feedback_is_stored_once(bot: Harness) -> None:
    [answer] = await bot.say("syarat akta kelahiran")
    calls = await bot.press(answer, texts.BTN_HELPFUL)
    assert any(texts.FEEDBACK_THANKS in c.text for c in calls)
    # A second press (double tap, resent update) changes nothing.
    again = await bot.press(answer, texts.BTN_HELPFUL)
    assert any(c.params.get("text") == texts.FEEDBACK_ALREADY for c in again)
    counts = await bot.services.questions.feedback_counts()
    assert counts == {"akta-lahir": (1, 0)}


async def test_unhelpful_feedback_keeps_the_question_for_admins(bot: Harness) -> None:
    [answer] = await bot.say("syarat akta kelahiran")
    calls = await bot.press(answer, texts.BTN_NOT_HELPFUL)
    assert any("masukan Anda kami catat" in c.text for c in calls)
    top = await bot.services.questions.top_unanswered()
    assert [(t.example, t.nearest_topic) for t in top] == [("syarat akta kelahiran", "akta-lahir")]


async def test_unclear_question_offers_maksud_anda_buttons(bot: Harness) -> None:
    [reply] = await bot.say("gratis?")
    assert reply.text == texts.DID_YOU_MEAN
    assert 1 <= len(reply.buttons) <= 3
    assert all(len(data.encode()) <= 64 for _, data in reply.buttons)
    [answer] = bot.shown(await bot.press(reply, reply.buttons[0][0]))
    assert "Instansi terkait" in plain_text(answer.text)


async def test_unknown_question_apologises_offers_menu_and_is_stored(bot: Harness) -> None:
    [reply] = await bot.say("resep rendang padang yang enak")
    assert "belum menemukan jawaban" in reply.text
    assert "/lapor" in reply.text
    assert reply.buttons  # the topics menu
    top = await bot.services.questions.top_unanswered()
    assert top[0].example == "resep rendang padang yang enak"


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Selamat pagi", "greeting"),
        ("makasih banyak ya", "thanks"),
        ("dadah, sampai jumpa", "farewell"),
    ],
)
async def test_smalltalk_gets_a_kind_reply(bot: Harness, message: str, kind: str) -> None:
    assert await bot.reply_text(message) == plain_text(texts.SMALLTALK[kind])


async def test_complaint_like_message_gets_an_offer(bot: Harness) -> None:
    [offer] = await bot.say("jalan depan rumah rusak parah, berlubang besar sudah berbulan")
    assert "pengaduan" in offer.text
    assert "Bina Marga" in offer.text
    assert [label for label, _ in offer.buttons] == [texts.BTN_REPORT_THIS, texts.BTN_NOT_A_REPORT]
    calls = await bot.press(offer, texts.BTN_NOT_A_REPORT)
    assert any(c.text == texts.COMPLAINT_DECLINED for c in calls)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "sticker": {
                    "file_id": "s1",
                    "file_unique_id": "u1",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                }
            },
            texts.UNSUPPORTED["sticker"],
        ),
        (
            {"voice": {"file_id": "v1", "file_unique_id": "u2", "duration": 3}},
            texts.UNSUPPORTED["voice"],
        ),
        (
            {"photo": [{"file_id": "p1", "file_unique_id": "u3", "width": 90, "height": 90}]},
            texts.UNSUPPORTED["media"],
        ),
        ({"location": {"latitude": 3.55, "longitude": 98.87}}, texts.UNSUPPORTED["location"]),
        ({"contact": {"phone_number": "+628123", "first_name": "A"}}, texts.UNSUPPORTED["contact"]),
    ],
)
async def test_messages_the_bot_cannot_use_get_a_helpful_reply(
    bot: Harness, fields: dict, expected: str
) -> None:
    calls = bot.shown(await bot.simulator.send_message(**fields))
    assert [c.text for c in calls] == [expected]


async def test_emoji_only_long_paste_and_unknown_command(bot: Harness) -> None:
    assert await bot.reply_text("🙏🙏😊") == plain_text(texts.EMOJI_ONLY)
    assert await bot.reply_text("ktp " * 1200) == plain_text(texts.TOO_LONG)
    assert await bot.reply_text("/perintahaneh") == plain_text(texts.UNKNOWN_COMMAND)


async def test_edited_question_is_answered_again(bot: Harness) -> None:
    calls = bot.shown(await bot.simulator.edit("syarat kartu identitas anak"), RESIDENT.id)
    assert "Kartu Identitas Anak" in plain_text(calls[0].text)


async def test_stale_or_forged_button_is_refused_kindly(bot: Harness) -> None:
    [reply] = await bot.say("/start")
    calls = await bot.simulator.press_data(reply, "zz:whatever")
    [alert] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert alert.params["text"] == texts.STALE_BUTTON
    calls = await bot.simulator.press_data(reply, "t:topik-yang-tidak-ada")
    assert any(c.text == texts.TOPIC_GONE for c in calls)


async def test_handler_error_is_logged_and_resident_gets_an_apology(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assistant = bot.services.knowledge.assistant

    def broken(text: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(assistant, "ask", broken)
    calls = await bot.say("cara bikin ktp")
    assert [c.text for c in calls] == [texts.ERROR_APOLOGY]
    assert any("error while handling update" in r.message for r in caplog.records)
    assert not any("cara bikin ktp" in r.getMessage() for r in caplog.records)


async def test_group_chats_do_not_get_resident_answers(bot: Harness) -> None:
    group = {"id": -100123, "type": "supergroup", "title": "Grup DLH"}
    calls = await bot.simulator.send("cara bikin ktp", Person(id=77), chat=group)
    assert bot.shown(calls) == []


async def test_asking_questions_stores_nothing_about_the_person(bot: Harness) -> None:
    await bot.say("cara bikin ktp pertama kali")
    await bot.say("/status")
    await bot.say("/batal")
    rows = await bot.services.db.fetchall("SELECT COUNT(*) FROM resident")
    assert rows[0][0] == 0


async def test_long_complaint_paste_gets_the_offer_not_a_brush_off(bot: Harness) -> None:
    text = "Jalan di depan rumah kami rusak parah dan berlubang besar. " * 30
    [offer] = await bot.say(text)
    assert [label for label, _ in offer.buttons] == [texts.BTN_REPORT_THIS, texts.BTN_NOT_A_REPORT]
    await bot.press(offer, texts.BTN_REPORT_THIS)
    resident = await bot.services.complaints.drafts.find_resident(RESIDENT.id)
    draft = await bot.services.complaints.drafts.get(resident)
    assert draft is not None and draft.description == text


# -- Life first, and misses kept (own sentences) --------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "tolong rumah di sebelah kebakaran sekarang, apinya sudah besar",
        "air banjir naik terus, sudah sepinggang, ada lansia belum bisa keluar",
        "barusan tabrakan di simpang, korbannya tergeletak berdarah",
    ],
)
async def test_danger_now_gets_112_in_the_first_reply(bot: Harness, text: str) -> None:
    replies = await bot.say(text)
    assert replies, "never silence"
    assert "112" in plain_text(replies[0].text)


async def test_danger_now_during_a_complaint_flow_still_gets_112_first(bot: Harness) -> None:
    await bot.say("/lapor")
    replies = await bot.say("ada anak tenggelam di sungai barusan, tolong cepat")
    assert "112" in plain_text(replies[0].text)


async def test_a_question_gets_no_112_alarm(bot: Harness) -> None:
    replies = await bot.say("berapa nomor telepon damkar untuk disimpan")
    assert replies and not plain_text(replies[0].text).startswith("🚨")


async def test_maksud_anda_not_pressed_is_kept_pressed_is_not(bot: Harness) -> None:
    questions = bot.services.questions
    [offer] = await bot.say("akta")
    assert offer.text == texts.DID_YOU_MEAN
    assert [s.example for s in await questions.top_unanswered()] == ["akta"]
    label = offer.buttons[0][0]
    await bot.press(offer, label)
    assert await questions.top_unanswered() == []


async def test_pressing_a_suggestion_of_someone_else_changes_nothing(bot: Harness) -> None:
    questions = bot.services.questions
    [offer] = await bot.say("akta")
    other = Person(id=9191, first_name="Lain")
    await bot.say("akta", other)
    # The other resident's chat never held this question: its ref does not match.
    stored = await questions.top_unanswered()
    assert stored[0].times == 2
    await bot.press(offer, offer.buttons[0][0])
    assert (await questions.top_unanswered())[0].times == 1
