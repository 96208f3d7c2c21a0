"""How a simulated resident answers each step of the complaint flow, read from what the
bot showed them: shared by the crash test (tests/integration/test_crash.py) and the load
benchmark (bench/bench_load.py), so both follow the flow the same way as it changes."""

from __future__ import annotations

from bot.presentation import texts
from tests.integration.fake_bot_api import Call


def first_line(text: str) -> str:
    return text.split("\n", 1)[0]


CATEGORY_PROMPT = first_line(texts.FLOW_CATEGORY)
DESCRIPTION_PROMPT = first_line(texts.FLOW_DESCRIPTION)
DESCRIPTION_SHORT = texts.FLOW_DESCRIPTION_TOO_SHORT[:40]
LOCATION_PROMPT = first_line(texts.FLOW_LOCATION)
LOCATION_NOT_FOUND = texts.FLOW_LOCATION_NOT_FOUND[:40]
LOCATION_CHOOSE = texts.FLOW_LOCATION_CHOOSE
PHOTOS_PROMPT = first_line(texts.FLOW_PHOTOS)
PRIVACY_PROMPT = first_line(texts.FLOW_PRIVACY)
SUMMARY = first_line(texts.FLOW_SUMMARY)
RESUME = texts.FLOW_RESUME.split("{", 1)[0]
TICKET_LINE = "Nomor tiket"
CARD_MARK = "Pengaduan DS-"
# Replies after which the resident starts again with /lapor.
START_AGAIN = (
    texts.STALE_BUTTON,
    texts.ERROR_APOLOGY[:40],
    texts.FLOW_CANCELLED,
    texts.FLOW_NOTHING_TO_CANCEL[:40],
)

Step = tuple[str, str]  # ("press", callback data) | ("text", what the resident types)


def next_step(call: Call, category: str, description: str, place: str) -> Step | None:
    """The resident's answer to the step `call` shows: a category, the description, a
    typed place, no photo, anonymous, send. None when `call` is no step of the flow, or
    the button it needs is missing."""
    text = call.text

    def press(prefix: str) -> Step | None:
        data = next((d for _, d in call.buttons if d.startswith(prefix)), None)
        return ("press", data) if data else None

    if SUMMARY in text:
        return press("s:kirim:")
    if RESUME in text:
        return press("x:lanjut")
    if CATEGORY_PROMPT in text:
        return press(f"c:{category}")
    if DESCRIPTION_PROMPT in text or DESCRIPTION_SHORT in text:
        return ("text", description)
    if LOCATION_CHOOSE in text:
        return press("l:")
    if LOCATION_PROMPT in text or LOCATION_NOT_FOUND in text:
        return ("text", place)
    if PHOTOS_PROMPT in text:
        return press("x:fotoselesai")
    if PRIVACY_PROMPT in text:
        return press("p:anon")
    if any(mark in text for mark in START_AGAIN):
        return ("text", "/lapor")
    return None
