"""Abbreviations, run-together words and English, undone before matching.

Every sentence here was written for these tests (none comes from a measuring set).
"""

from __future__ import annotations

import pytest

from bot.services.assistant import Assistant
from bot.services.knowledge import LiveKnowledge
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
