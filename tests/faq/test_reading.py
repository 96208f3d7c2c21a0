"""Reading messages as residents write them: courtesy, sentences, signals, spelling, places.

Every sentence here was written for these tests (none comes from a measuring set).
"""

from __future__ import annotations

import pytest

from bot.services.assistant import Assistant
from bot.services.knowledge import LiveKnowledge
from faq.places import PLACE
from faq.spelling import is_abbreviation_of, skeleton


@pytest.fixture(scope="module")
def assistant(shipped_knowledge: LiveKnowledge) -> Assistant:
    return shipped_knowledge.assistant


# -- spelling ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("short", "word", "ok"),
    [
        ("syrt", "syarat", True),
        ("skrg", "sekarang", True),  # the n of "ng" goes too
        ("tnh", "tanah", True),
        ("kmatian", "kematian", True),
        ("srt", "syarat", False),  # a consonant missing is not a dropped vowel
        ("ktp", "kantor", False),
        ("bnjr", "banjir", True),
    ],
)
def test_abbreviation_is_dropped_vowels_only(short: str, word: str, ok: bool) -> None:
    assert is_abbreviation_of(short, word) is ok
    assert skeleton("syarat") == "syrt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("syrt bkin kia ap aj", ["syarat", "buat", "kia", "apa", "saja"]),
        ("ktpku ilang, ngrsnya gmn", ["ktp", "hilang", "urus", "bagaimana"]),
        ("cekstatus tiket", ["cek", "status", "tiket"]),
        ("aktekelahiran anak", ["akta", "lahir", "anak"]),
        ("udah 3bln", ["sudah", "3", "bulan"]),
    ],
)
def test_abbreviations_and_run_together_words_are_undone(
    assistant: Assistant, text: str, expected: list[str]
) -> None:
    words = assistant.normalizer.words(text)
    for word in expected:
        assert word in words, (text, words)


def test_english_words_are_read_as_indonesian(assistant: Assistant) -> None:
    terms = assistant.normalizer.analyze("how to get a death certificate for my father").terms
    assert {"bagaimana", "akta", "mati"} <= set(terms)
    assert "the" not in terms and "for" not in terms


# -- places --------------------------------------------------------------------------
def test_kecamatan_and_desa_names_are_one_placeholder(assistant: Assistant) -> None:
    text = "kami warga desa Sei Rotan, kec. Percut Sei Tuan"
    words = assistant.normalizer.words(text)
    assert "rotan" not in words and "tuan" not in words
    assert words.count(PLACE) == 2
    assert assistant.normalizer.place_names(text) == ["Percut Sei Tuan"]


def test_place_name_that_is_a_word_needs_a_marker(assistant: Assistant) -> None:
    # "Kolam" is a desa, and also a pond.
    assert PLACE in assistant.normalizer.words("banjir di desa kolam")
    assert "kolam" in assistant.normalizer.words("kolam renang umum kotor")


def test_short_kecamatan_names_and_abbreviations(assistant: Assistant) -> None:
    assert assistant.normalizer.place_names("saya tinggal di tj morawa") == ["Tanjung Morawa"]
    assert assistant.normalizer.place_names("rumah di STM Hulu") == ["Sinembah Tanjung Muda Hulu"]


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
    ],
)
def test_danger_asked_about_or_past_is_not_an_emergency(assistant: Assistant, text: str) -> None:
    assert not assistant.read(text).signals.emergency, text
