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


# -- What residents actually write (issue: understanding residents). Own sentences. ------
@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # greetings, apologies and thanks around the question
        (
            "Selamat sore Bapak/Ibu, maaf mengganggu waktunya. Saya mau menanyakan apa saja "
            "syarat membuat kartu identitas anak untuk anak saya yang berumur 5 tahun. "
            "Terima kasih sebelumnya.",
            "kia",
        ),
        (
            "Assalamualaikum min. Ibu saya baru saja meninggal minggu lalu di rumah. "
            "Keluarga belum pernah mengurus surat apa pun. Bagaimana cara membuat akta "
            "kematiannya? Makasih",
            "akta-kematian",
        ),
        # how-to questions that name a problem stay questions
        ("kk saya sobek kena air, gimana gantinya?", "kk-hilang-rusak"),
        ("ktp awak hilang dicopet di angkot, kek mana ngurus yang baru", "ktp-hilang-rusak"),
        ("listrik rumah padam dari sore, lapornya kemana ya", "listrik-padam"),
        # English mixed
        ("how do I register my baby's birth certificate? lahir di klinik", "akta-lahir"),
        # abbreviations and run-together words
        ("syrt pndh dtng ke deli serdang ap aj", "pindah-datang"),
        # place names do not pull towards other topics
        ("saya warga Tanjung Morawa, bagaimana cara bayar pbb secara online?", "pbb-bayar"),
    ],
)
def test_questions_as_residents_write_them(assistant: Assistant, text: str, topic: str) -> None:
    reply = assistant.ask(text)
    assert (reply.intent, reply.topic.id if reply.topic else None) == ("faq", topic), text


@pytest.mark.parametrize(
    "text",
    [
        "cara daftar akun marketplace untuk pemula",  # "pemula" belongs to ktp-baru
        "nomor undian berhadiah minggu ini berapa",
        "cara investasi reksadana yang aman untuk pemula",
        "harga tiket kapal ke batam",
    ],
)
def test_one_shared_word_does_not_earn_an_answer(assistant: Assistant, text: str) -> None:
    assert assistant.ask(text).intent != "faq", text


def test_pajak_in_medan_is_the_market(assistant: Assistant) -> None:
    reading = assistant.read("harga cabai di pajak sore naik terus, pedagang pajak pun mengeluh")
    assert "pasar" in reading.analysis.words and "pajak" not in reading.analysis.words
    reply = assistant.ask("pajak sore di pancur batu buka sampai jam berapa")
    assert reply.topic is None or reply.topic.id not in {"pbb-bayar", "pajak-kendaraan", "bphtb"}
    # Tax is still tax.
    assert assistant.ask("cara bayar pajak kereta awak yang mati").topic.id == "pajak-kendaraan"


@pytest.mark.parametrize(
    ("text", "opd"),
    [
        # people and services, not only infrastructure
        (
            "petugas loket di kantor camat minta uang 100 ribu biar surat cepat selesai",
            "inspektorat",
        ),
        (
            "bidan di pustu desa kami tidak pernah ada di tempat, pasien pulang tanpa diperiksa",
            "dinkes",
        ),
        ("bantuan PKH ibu saya sudah tiga bulan tidak cair padahal masih terdaftar", "dinsos"),
        ("gaji kami di pabrik dibayar di bawah UMK dan THR tahun ini tidak dibayar", "disnaker"),
        (
            "SD negeri anak saya mewajibkan beli buku LKS dari sekolah, padahal katanya gratis",
            "disdik",
        ),
        ("ada rumah di gang kami jadi tempat judi dadu tiap malam, warga resah", "polres"),
        ("guru SMK negeri di kecamatan kami minta uang pembangunan jutaan rupiah", "provinsi"),
        ("jalan provinsi ke arah Galang berlubang besar, tolong diperbaiki", "provinsi"),
        ("anak tetangga umur 14 tahun mau dinikahkan orang tuanya bulan depan", "dp3ap2kb"),
        ("izin usaha yang saya ajukan sudah empat bulan belum terbit juga", "dpmptsp"),
    ],
)
def test_complaints_about_people_and_services(assistant: Assistant, text: str, opd: str) -> None:
    reply = assistant.ask(text)
    assert (reply.intent, reply.opd) == ("complaint", opd), text


@pytest.mark.parametrize(
    ("text", "opd"),
    [
        ("TOLONG gudang di sebelah rumah terbakar sekarang, apinya makin besar", "damkar"),
        ("air banjir sudah sedada di rumah kami, ada nenek dan bayi belum dievakuasi", "bpbd"),
    ],
)
def test_emergencies_are_flagged_and_routed_to_responders(
    assistant: Assistant, text: str, opd: str
) -> None:
    reply = assistant.ask(text)
    assert reply.emergency
    assert (reply.intent, reply.opd) == ("complaint", opd)


def test_pungli_at_a_service_office_goes_to_the_inspectorate(assistant: Assistant) -> None:
    # The office (Disdukcapil) is named, but misconduct is the Inspektorat's.
    reply = assistant.ask("di kantor capil saya dimintai uang rokok supaya akta cepat dicetak")
    assert reply.opd == "inspektorat"
    assert assistant.route("akta anak saya salah cetak, tolong diperbaiki").destination == (
        "disdukcapil"
    )
