"""Reading messages as residents write them: courtesy, sentences, signals.

Every sentence here was written for these tests (none comes from a measuring set).
"""

from __future__ import annotations

import pytest

from bot.services.assistant import Assistant
from bot.services.knowledge import LiveKnowledge


@pytest.fixture(scope="module")
def assistant(shipped_knowledge: LiveKnowledge) -> Assistant:
    return shipped_knowledge.assistant


# -- courtesy and sentences ----------------------------------------------------------
def test_courtesy_is_taken_out_and_the_question_kept(assistant: Assistant) -> None:
    reading = assistant.read(
        "Assalamualaikum Bapak/Ibu, mohon maaf mengganggu. Saya mau bertanya, "
        "bagaimana cara mengurus surat pindah? Terima kasih banyak atas bantuannya."
    )
    assert reading.smalltalk is None
    assert "pindah" in reading.analysis.terms
    assert "terimakasih" not in reading.analysis.words
    assert {"greeting", "apology"} <= set(reading.courtesy)


def test_thanks_alone_is_smalltalk(assistant: Assistant) -> None:
    assert assistant.read("makasih banyak ya pak atas infonya").smalltalk == "thanks"


def test_content_after_thanks_in_one_sentence_is_kept(assistant: Assistant) -> None:
    reading = assistant.read("terima kasih, lampu jalan di gang kami padam sejak senin")
    assert "pju" in reading.analysis.terms


# -- signals -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "surat pindah bisa diurus di kantor desa gak",
        "akta kelahiran boleh diwakilkan atau harus orangnya",
        "kok ktp saya belum jadi juga",
    ],
)
def test_yes_no_and_why_questions_are_questions(assistant: Assistant, text: str) -> None:
    assert assistant.read(text).signals.question > 0


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("parit depan sekolah tersumbat, tolong segera dibersihkan", "request"),
        ("sudah dua minggu sampah di gang kami tidak diangkut", "duration"),
        ("bantuan beras untuk nenek saya belum cair", "failure"),
    ],
)
def test_report_cues(assistant: Assistant, text: str, cue: str) -> None:
    assert cue in assistant.read(text).signals.cues


def test_a_problem_with_ones_own_papers_is_not_a_report(assistant: Assistant) -> None:
    assert "problem" not in assistant.read("sim saya hilang di angkot").signals.cues
    assert "problem" in assistant.read("lampu jalan di simpang hilang dicuri").signals.cues


@pytest.mark.parametrize(
    "text",
    [
        "TOLONG rumah tetangga terbakar, apinya sudah merambat ke dapur kami",
        "banjir masuk rumah sudah sepinggang, nenek saya tidak bisa keluar",
        "barusan ada tabrakan motor di depan pasar, korbannya berdarah tidak bergerak",
        "anak kecil tenggelam di sungai belakang sekolah",
        "tetangga kesetrum kabel pompa air, pingsan",
        "ada suami mukulin istrinya sekarang, dia teriak minta tolong",
        "longsor barusan menimbun dua rumah, ada orang di dalam",
        "fire at my neighbour's house right now, please help",
        "motor jatuh ke selokan, orangnya kejepit di bawah, tidak bisa keluar",
        "anak saya tersedak permen dan tidak bisa napas",
        "bapak di sawah dipatuk ular, kakinya membiru",
        "ada orang kejang di depan masjid, gimana ini",  # a plea, not a question for info
        "abang saya mau gantung diri, dia kunci pintu kamar",
        "ada perampok bersenjata di toko sebelah, kami sembunyi",
        "tolong, adik saya baru dipagut ular di ladang",
    ],
)
def test_danger_happening_now_is_an_emergency(assistant: Assistant, text: str) -> None:
    assert assistant.read(text).signals.emergency, text


@pytest.mark.parametrize(
    "text",
    [
        "nomor pemadam kebakaran berapa ya, mau saya simpan",
        "kalau terjadi banjir kami harus lapor ke mana",
        "rumah kami kebanjiran bulan lalu, sekarang sudah surut, ada bantuan?",
        "jalan di tikungan itu rawan kecelakaan, tolong dipasang rambu",
        "tips supaya rumah tidak kebakaran waktu mudik",
        "mohon segera diperbaiki lampu jalan yang padam",
        "tahun lalu warga kami ada yang gantung diri, akta kematiannya diurus di mana",
        "izin kepemilikan senjata api untuk satpam bersenjata diurus ke mana",
    ],
)
def test_danger_asked_about_or_past_is_not_an_emergency(assistant: Assistant, text: str) -> None:
    assert not assistant.read(text).signals.emergency, text
