"""Ticket numbers: short, unguessable, easy to read aloud over the phone."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L, or U/V pairs that are misheard: 28 letters and digits.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 6
PREFIX = "DS-"
TICKET = re.compile(rf"^{PREFIX}[{ALPHABET}]{{{LENGTH}}}$")


def new_ticket() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_ticket(text: str) -> str | None:
    """Accept what residents type ('ds 7k4p2q', 'DS7K4P2Q'); None when it is not a ticket."""
    compact = re.sub(r"[\s\-_.]", "", text.upper())
    if compact.startswith("DS"):
        compact = compact[2:]
    candidate = PREFIX + compact
    return candidate if TICKET.match(candidate) else None
