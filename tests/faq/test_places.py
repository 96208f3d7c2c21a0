"""Place names of the kabupaten become one placeholder; the kecamatan is kept.

Every sentence here was written for these tests (none comes from a measuring set).
"""

from __future__ import annotations

import pytest

from bot.services.assistant import Assistant
from bot.services.knowledge import LiveKnowledge
from faq.places import PLACE


@pytest.fixture(scope="module")
def assistant(shipped_knowledge: LiveKnowledge) -> Assistant:
    return shipped_knowledge.assistant


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
