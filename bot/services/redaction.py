"""Masking NIK/KK numbers and phone numbers before officers see a resident's text."""

from __future__ import annotations

import re

# 16 digits, possibly grouped with spaces, dots or dashes: NIK and KK numbers.
_NIK = re.compile(r"(?<!\d)(?:\d[\s.\-]?){15}\d(?!\d)")
# Indonesian phone numbers: +62 / 62 / 0 followed by 8 to 13 more digits, with separators.
_PHONE = re.compile(r"(?<![\d+])(?:\+?62|0)[\s.\-]?8(?:[\s.\-]?\d){7,12}(?!\d)")
# Other long digit runs (account numbers, another format of ID): mask from 10 digits.
_LONG = re.compile(r"(?<!\d)(?:\d[\s.\-]?){9,}\d(?!\d)")

NIK_MASK = "[NIK/KK disamarkan]"
PHONE_MASK = "[nomor HP disamarkan]"
NUMBER_MASK = "[nomor disamarkan]"


def redact(text: str) -> str:
    text = _NIK.sub(NIK_MASK, text)
    text = _PHONE.sub(PHONE_MASK, text)
    return _LONG.sub(NUMBER_MASK, text)
