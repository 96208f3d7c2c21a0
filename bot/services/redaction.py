"""Masking NIK/KK numbers and phone numbers before officers see a resident's text.

A number is read as its digits, whatever separates them: residents write a NIK as
"3201012345678901", "3201 0123 4567 8901", "3201  0123  4567  8901" or
"3201/0123/4567/8901", a phone as "0812 3456 7890" or "+62 812-3456-7890". Each run of
digits joined by any amount of spaces, dots, slashes or dashes (not a line break) is
judged as a whole: 16 digits are a NIK or KK number, an Indonesian mobile number is a
phone, and any other run of 10 digits or more (an account number, another kind of id) is
masked too. Dates, house numbers and years are shorter and stay.
"""

from __future__ import annotations

import re

# Digits joined by any amount of separators: spaces (not line breaks), dots, slashes,
# dashes. A "+" may start a phone number.
_RUN = re.compile(r"\+?\d(?:(?:[^\S\r\n]|[./\-])*\d)*")

NIK_DIGITS = 16
LONG_DIGITS = 10

NIK_MASK = "[NIK/KK disamarkan]"
PHONE_MASK = "[nomor HP disamarkan]"
NUMBER_MASK = "[nomor disamarkan]"


def _is_phone(digits: str) -> bool:
    """An Indonesian mobile number: 08 or 628, then 7 to 12 more digits."""
    if digits.startswith("08"):
        return 9 <= len(digits) <= 14
    if digits.startswith("628"):
        return 10 <= len(digits) <= 15
    return False


def _mask(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = "".join(ch for ch in run if ch.isdigit())
    if len(digits) == NIK_DIGITS:
        return NIK_MASK
    if _is_phone(digits):
        return PHONE_MASK
    if len(digits) >= LONG_DIGITS:
        return NUMBER_MASK
    return run


def redact(text: str) -> str:
    return _RUN.sub(_mask, text)
