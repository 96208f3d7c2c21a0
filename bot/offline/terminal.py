"""`python -m bot chat`: the real bot in a terminal, as a resident, offline.

The Application, handlers and database are the production ones; only the Bot API is
`LocalBotApi`. Buttons are numbered; type the number to press one.
"""

from __future__ import annotations

import asyncio
import sys

from bot.app import build_application, running
from bot.offline.local_api import ApiCall, LocalBotApi
from bot.offline.simulator import Person, Simulator
from bot.settings import Settings
from faq.formatting import plain_text

YOU = Person(id=1000001, first_name="Anda")
PROMPT = "anda> "


def _show(calls: list[ApiCall], out=sys.stdout) -> ApiCall | None:
    """Print what the resident would see; return the last message that has buttons."""
    with_buttons = None
    for call in calls:
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                print(f"  [pemberitahuan] {call.params['text']}", file=out)
            continue
        if call.method not in {"sendMessage", "editMessageText", "sendPhoto", "sendLocation"}:
            continue
        if call.chat_id != YOU.id:
            continue
        text = plain_text(call.text)
        print("bot> " + text.replace("\n", "\n     "), file=out)
        if call.buttons:
            for index, (label, _) in enumerate(call.buttons, 1):
                print(f"     [{index}] {label}", file=out)
            with_buttons = call
    return with_buttons


async def run_chat(settings: Settings) -> int:
    api = LocalBotApi()
    application = build_application(settings, api=api)
    simulator = Simulator(application, api)
    async with running(application):
        print("Layanan Warga Deli Serdang — mode terminal (offline).")
        print(
            "Ketik pesan seperti di Telegram. Angka = tekan tombol. "
            "Ctrl-D atau /keluar untuk selesai.\n"
        )
        last = _show(await simulator.send("/start", YOU))
        while True:
            try:
                line = await asyncio.to_thread(input, PROMPT)
            except (EOFError, KeyboardInterrupt):
                print()
                break
            line = line.strip()
            if not line:
                continue
            if line in {"/keluar", "/exit", "/quit"}:
                break
            if line.isdigit() and last is not None and 1 <= int(line) <= len(last.buttons):
                _, data = last.buttons[int(line) - 1]
                calls = await simulator.press_data(last, data, YOU)
            else:
                calls = await simulator.send(line, YOU)
            shown = _show(calls)
            if shown is not None:
                last = shown
    return 0
