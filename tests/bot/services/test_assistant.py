"""Matching and intent on sentences written for these tests (not from any eval set)."""

from __future__ import annotations

import pytest

from bot.services.assistant import Assistant
from bot.services.knowledge import LiveKnowledge


@pytest.fixture(scope="module")
def assistant(shipped_knowledge: LiveKnowledge) -> Assistant:
    return shipped_knowledge.assistant


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # formal
        ("Apa saja persyaratan untuk mengurus akta kematian?", "akta-kematian"),
        ("Bagaimana prosedur pembayaran Pajak Bumi dan Bangunan?", "pbb-bayar"),
        # informal and abbreviated
        ("gmn cr bikin kia anak sy", "kia"),
        ("skck bisa online gk", "skck"),
        ("bpjs gratis dr pemerintah daftarnya gmn", "bpjs-pbi"),
        ("izin usaha nib ngurusnya dmn", "nib-oss"),
        # Medan colloquial
        ("cemana caranya bayar pajak kereta awak", "pajak-kendaraan"),
        ("kek mana ngurus surat pindah ke deli serdang", "pindah-datang"),
        ("macam mana daftar bedah rumah", "rtlh"),
        # typos and repeated letters
        ("ktpp sya ilanggg", "ktp-hilang-rusak"),
        ("akte kelahirann anak", "akta-lahir"),
        # greeting in front of a real question
        ("Selamat pagi, mau tanya syarat sktm", "sktm"),
    ],
)
def test_answers_the_right_topic(assistant: Assistant, text: str, topic: str) -> None:
    reply = assistant.ask(text)
    assert (reply.intent, reply.topic.id if reply.topic else None) == ("faq", topic)


@pytest.mark.parametrize(
    "text",
    [
        "resep rendang padang",
        "siapa juara liga inggris",
        "berapa harga emas hari ini",
        "Bagaimana keadaan jalan tol ke Siantar?",
        "lagu dangdut terbaru apa",
    ],
)
def test_out_of_scope_is_not_answered(assistant: Assistant, text: str) -> None:
    reply = assistant.ask(text)
    assert reply.intent != "faq"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("halo min", "greeting"),
        ("Assalamualaikum", "greeting"),
        ("makasih ya bang", "thanks"),
        ("terima kasih atas jawabannya", "thanks"),
        ("oke sampai jumpa", "farewell"),
        ("selamat hari raya", "congratulation"),
        ("apa kabarmu hari ini", "chitchat"),
        ("kamu lagi ngapain", "chitchat"),
    ],
)
def test_smalltalk(assistant: Assistant, text: str, kind: str) -> None:
    reply = assistant.ask(text)
    assert (reply.intent, reply.smalltalk) == ("smalltalk", kind)


def test_one_ambiguous_word_gets_maksud_anda(assistant: Assistant) -> None:
    reply = assistant.ask("akta")
    assert reply.intent == "unknown"
    ids = [t.id for t in reply.suggestions]
    assert 2 <= len(ids) <= 3
    assert "akta-kematian" in ids or "akta-lahir" in ids


@pytest.mark.parametrize(
    ("text", "opd"),
    [
        ("jalan di depan rumah rusak parah banyak lubang", "sdabmbk"),
        ("lampu jalan di gang kami mati sudah dua minggu", "dishub"),
        ("sampah menumpuk di TPS pasar tidak diangkut, bau sekali", "dlh"),
        ("parit tersumbat, kalau hujan air meluap ke jalan", "sdabmbk"),
    ],
)
def test_complaint_like_messages_are_recognised_and_routed(
    assistant: Assistant, text: str, opd: str
) -> None:
    reply = assistant.ask(text)
    assert reply.intent == "complaint"
    assert reply.opd == opd


def test_question_about_a_problem_stays_a_question(assistant: Assistant) -> None:
    assert assistant.ask("ktp saya rusak, bagaimana cara menggantinya?").topic.id == (
        "ktp-hilang-rusak"
    )


def test_json_shape_matches_the_contract(assistant: Assistant) -> None:
    data = assistant.ask("syarat akta lahir").as_json()
    assert set(data) == {"text", "intent", "faq_id", "score", "suggestions", "opd"}
    assert data["faq_id"] == "akta-lahir" and data["opd"] is None
