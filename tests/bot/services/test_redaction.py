"""NIK/KK and phone numbers are masked before officers see a resident's text."""

from __future__ import annotations

import pytest

from bot.services.redaction import NIK_MASK, NUMBER_MASK, PHONE_MASK, redact


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ("NIK saya 1207012345678901 belum aktif", NIK_MASK),
        ("KK 1207 0123 4567 8901", NIK_MASK),
        ("hubungi 081234567890", PHONE_MASK),
        ("WA +62 812-3456-7890", PHONE_MASK),
    ],
)
def test_redaction(text: str, mask: str) -> None:
    out = redact(text)
    assert mask in out
    assert not any(ch.isdigit() for ch in out.split("[")[-1].split("]")[-1][:0])
    digits = sum(ch.isdigit() for ch in out)
    assert digits < 8


def test_redaction_keeps_ordinary_numbers() -> None:
    assert (
        redact("jalan rusak 200 meter sejak 2025, RT 03")
        == "jalan rusak 200 meter sejak 2025, RT 03"
    )


@pytest.mark.parametrize(
    "nik",
    [
        "3201012345678901",
        "3201  0123  4567  8901",  # double spaces
        "3201/0123/4567/8901",
        "3201.0123.4567.8901",
        "3201-0123-4567-8901",
        "3201 - 0123 - 4567 - 8901",
        "32 01 01 23 45 67 89 01",
        "3201\t0123 4567\u00a08901",
        "3201 / 0123 . 4567 -- 8901",
    ],
)
def test_nik_and_kk_numbers_in_any_grouping_are_masked(nik: str) -> None:
    out = redact(f"NIK saya {nik} belum aktif")
    assert out == f"NIK saya {NIK_MASK} belum aktif"


@pytest.mark.parametrize(
    "phone",
    [
        "081234567890",
        "0812  3456  7890",
        "0812 3456 7890",
        "0812/3456/7890",
        "0812.3456.7890",
        "+62 812-3456-7890",
        "+62  812  3456  7890",
        "62 812 3456 789",
        "0812-345-678",
    ],
)
def test_phone_numbers_in_any_grouping_are_masked(phone: str) -> None:
    assert redact(f"hubungi {phone} ya") == f"hubungi {PHONE_MASK} ya"


def test_other_long_numbers_are_masked_and_short_ones_stay() -> None:
    assert redact("rekening 1234 5678 9012") == f"rekening {NUMBER_MASK}"
    kept = "sejak 12/05/2024 jam 10.30, rumah no. 12 RT 03/RW 05, 200 m"
    assert redact(kept) == kept


def test_numbers_on_separate_lines_are_judged_apart() -> None:
    assert redact("Jl. Melati no 12\n081234567890") == f"Jl. Melati no 12\n{PHONE_MASK}"


def test_a_long_run_of_separators_is_fast() -> None:
    import time

    text = ("1" + " / " * 2000) * 5 + "x"
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 0.5
