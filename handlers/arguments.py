"""Admins' command arguments, validated: anything not understood gets a kind reply with
the usage, never an exception (`/statistik ²` passed `str.isdigit` and broke `int`)."""

from __future__ import annotations

import re

DEFAULT_DAYS = 30
MAX_DAYS = 3650
ALL_TIME = "semua"
_DAYS = re.compile(r"[0-9]{1,4}")  # ASCII digits only: "²" and "٣" are digits to Python


class BadArgument(ValueError):
    """The words after the command do not say what the command needs."""


def period(words: list[str], *, default: int | None = DEFAULT_DAYS) -> int | None:
    """Days of a report period, or None for all time.

    Understood: nothing (`default`), `7`, `30hari`, `30 hari`, `semua`; days from 1 to
    MAX_DAYS. Raises BadArgument for anything else."""
    words = [w.lower() for w in words]
    if words and words[-1] == "hari":
        words = words[:-1]
    if not words:
        return default
    if len(words) != 1:
        raise BadArgument(" ".join(words))
    word = words[0].removesuffix("hari")
    if word == ALL_TIME:
        return None
    if _DAYS.fullmatch(word) and 1 <= int(word) <= MAX_DAYS:
        return int(word)
    raise BadArgument(words[0])
