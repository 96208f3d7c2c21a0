"""Every callback-data prefix, and the pattern `bot/app.py` registers for each handler.

Callback data is `<prefix>:<part>[:<part>...]`, at most 64 bytes (Telegram's limit), so
prefixes are one letter. Keyboards build data with `data()`; handlers read it with
`parts()`; `bot/app.py` routes presses with the patterns at the end of this module, so a
prefix and its handler cannot drift apart (tests/bot/presentation/test_callbacks.py).
"""

from __future__ import annotations

import re

MAX_BYTES = 64
SEPARATOR = ":"

# -- residents: questions (handlers/resident.py) -----------------------------------------
MENU = "m"  # m:faq | m:lapor | m:status | m:help
AREA = "a"  # a:<area id>
TOPIC = "t"  # t:<topic id>
FEEDBACK = "f"  # f:1:<topic id> | f:0:<topic id>
OFFER = "o"  # o:y | o:n  (turn a free-text message into a complaint)

# -- residents: the complaint flow (handlers/complaint_flow.py) ----------------------------
CATEGORY = "c"  # c:<category id>
LOCATION = "l"  # l:d<desa code> | l:k<kecamatan code>
PRIVACY = "p"  # p:anon | p:name | p:name_phone
SUMMARY = "s"  # s:kirim:<draft nonce> | s:ubah
EDIT = "e"  # e:<step>
FLOW = "x"  # x:batal | lanjut | baru | lewatilokasi | fotoselesai | uraianselesai | tetap

# -- residents: their complaints (handlers/tracking.py) -----------------------------------
RESIDENT = "r"  # r:<ticket>:<rating 1-5> | r:<ticket>:buka

# -- officers (handlers/officer.py) -------------------------------------------------------
CARD = "k"  # k:<ticket>:<action>[:<target opd>]  (at most 33 bytes)

# -- admins (handlers/admin.py) -----------------------------------------------------------
ASSIGN = "g"  # g:<ticket>:<opd id>
HELD = "h"  # h:kirim:<outbox row id> | h:abaikan:<outbox row id>  (handlers/held.py)

# -- admins: teaching the bot (handlers/teaching.py) ---------------------------------------
TEACH = "q"  # q:t:<group>:<topic> | q:o|d|i:<group> | q:h | q:u:<audit entry>

FLOW_PREFIXES = (CATEGORY, LOCATION, PRIVACY, SUMMARY, EDIT, FLOW)
RESIDENT_PREFIXES = (MENU, AREA, TOPIC, FEEDBACK, OFFER)
ALL_PREFIXES = (*RESIDENT_PREFIXES, *FLOW_PREFIXES, RESIDENT, CARD, ASSIGN, HELD, TEACH)


def data(*parts: str) -> str:
    """Callback data from a prefix and its parts; refuses anything over 64 bytes."""
    value = SEPARATOR.join(parts)
    if len(value.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {value!r}")
    return value


def parts(value: str | None) -> list[str]:
    """The parts of callback data, prefix first (an empty list for none)."""
    return value.split(SEPARATOR) if value else []


def pattern(*prefixes: str) -> str:
    """The regex a `CallbackQueryHandler` uses to take the presses of these prefixes."""
    return "^(?:" + "|".join(re.escape(p) for p in prefixes) + ")" + re.escape(SEPARATOR)


# What `bot/app.py` registers, in its order. Residents' question buttons are registered
# last and without a pattern: they also answer presses nobody else takes ("tombol ini sudah
# tidak berlaku").
OFFICER_PATTERN = pattern(CARD)
TRACKING_PATTERN = pattern(RESIDENT)
ASSIGN_PATTERN = pattern(ASSIGN)
HELD_PATTERN = pattern(HELD)
TEACH_PATTERN = pattern(TEACH)
FLOW_PATTERN = pattern(*FLOW_PREFIXES)
