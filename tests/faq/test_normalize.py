from __future__ import annotations

import time

import pytest

from faq.normalize import Lexicon, Normalizer


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer(Lexicon.load(), {"ktp", "akta", "lahir", "hilang", "kk"})


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Gmn cara bikin KTP??", ["bagaimana", "cara", "buat", "ktp"]),
        ("kek mana ngurus akte lahiran", ["bagaimana", "urus", "akta", "lahir"]),
        ("tolooong bgt", ["tolong", "banget"]),
        ("e-KTP saya", ["ktp", "saya"]),
        ("anak2 saya", ["anak", "saya"]),
        ("awak gak tau", ["saya", "tidak", "tau"]),
    ],
)
def test_words(normalizer: Normalizer, text: str, words: list[str]) -> None:
    assert normalizer.words(text)[: len(words)] == words


def test_kk_stays_kartu_keluarga_not_kakak(normalizer: Normalizer) -> None:
    # The generic slang list maps kk -> kakak; here KK is Kartu Keluarga.
    assert normalizer.analyze("syarat kk").terms == ["syarat", "kk"]


def test_meaningful_stopwords_are_kept(normalizer: Normalizer) -> None:
    terms = normalizer.analyze("kenapa ktp saya belum jadi, tidak bisa dicetak").terms
    for word in ("belum", "tidak"):
        assert word in terms


def test_typos_are_corrected_to_faq_words_only(normalizer: Normalizer) -> None:
    assert "ktp" in normalizer.analyze("ktpp saya").terms
    assert "hilang" in normalizer.analyze("hilng").terms
    # A real word is never "corrected" into an FAQ word.
    assert "hilang" not in normalizer.analyze("kesempatan").terms


def test_stemming_reaches_the_root(normalizer: Normalizer) -> None:
    assert normalizer.analyze("pembuatan akta kelahiran").terms == ["buat", "akta", "lahir"]


@pytest.mark.parametrize("run", ["x@y", "a.b", "ab@"])
def test_a_long_message_without_spaces_is_read_quickly(normalizer: Normalizer, run: str) -> None:
    # Telegram allows 4,096 characters: one run of them once took seconds (the e-mail
    # pattern was tried from every position).
    text = run * (4096 // len(run))
    started = time.process_time()
    normalizer.words(text)
    assert time.process_time() - started < 0.5


def test_urls_and_email_addresses_are_left_out(normalizer: Normalizer) -> None:
    words = normalizer.words("lihat https://x.go.id/ktp atau tulis ke budi@mail.com,ktp")
    assert not any("mail" in w or "go" == w or "http" in w for w in words)
    assert "lihat" in words
