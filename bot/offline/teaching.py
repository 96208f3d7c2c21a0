"""`python -m bot faq teach`: the /pertanyaan loop in a terminal, offline.

The Application, handlers, teaching service and database are the production ones; only
the Bot API is `LocalBotApi` and the admin is the person at the keyboard. So the terminal
shows exactly what an admin sees in Telegram: every button of the last answer is
numbered; type its number (or its label) to press it. When the bot asks for words
("Topik lain…"), the next line is the reply. An empty line lists the groups again.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from bot.app import build_application, running
from bot.offline.local_api import ApiCall, LocalBotApi
from bot.offline.simulator import Person, Simulator
from bot.presentation import texts
from bot.settings import Settings
from faq.formatting import plain_text

CLI_ADMIN_ID = 1  # a user id no Telegram account has; made an admin for this run only
PROMPT = "admin> "
QUIT = {"/keluar", "/exit", "/quit", "q"}


class _Screen:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.buttons: list[tuple[ApiCall, str, str]] = []  # (message, label, data)
        self.prompt: ApiCall | None = None  # a message asking for a reply ("Topik lain…")
        self.changed = False

    def show(self, calls: list[ApiCall]) -> None:
        """Print what the admin would see; number the buttons of this answer."""
        buttons: list[tuple[ApiCall, str, str]] = []
        prompt = None
        for call in calls:
            if call.method == "answerCallbackQuery":
                if call.params.get("text"):
                    print(f"  [pemberitahuan] {call.params['text']}", file=self.out)
                continue
            if call.method not in {"sendMessage", "editMessageText"}:
                continue
            text = plain_text(call.text)
            if call.method == "editMessageText" and text.startswith(("✅", "📝")):
                self.changed = True
            print("bot> " + text.replace("\n", "\n     "), file=self.out)
            for label, data in call.buttons:
                buttons.append((call, label, data))
                print(f"     [{len(buttons)}] {label}", file=self.out)
            if (call.params.get("reply_markup") or {}).get("force_reply"):
                prompt = call
        if buttons or prompt:
            self.buttons, self.prompt = buttons, prompt

    def button(self, line: str) -> tuple[ApiCall, str] | None:
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            call, _, data = self.buttons[int(line) - 1]
            return call, data
        for call, label, data in self.buttons:
            if line in (label, label.split(" ", 1)[-1]):
                return call, data
        return None


async def run_teach(settings: Settings, out: TextIO = sys.stdout) -> int:
    me = Person(id=CLI_ADMIN_ID, first_name=getpass.getuser(), last_name="(baris perintah)")
    settings = settings.model_copy(update={"admin_ids": [*settings.admin_ids, CLI_ADMIN_ID]})
    api = LocalBotApi()
    application = build_application(settings, api=api, run_worker=False)
    simulator = Simulator(application, api)
    screen = _Screen(out)
    async with running(application):
        print(plain_text(texts.TEACH_CLI_INTRO), file=out)
        screen.show(await simulator.send("/pertanyaan", me))
        while True:
            try:
                line = await asyncio.to_thread(input, PROMPT)
            except (EOFError, KeyboardInterrupt):
                print(file=out)
                break
            line = line.strip()
            if line in QUIT:
                break
            pressed = screen.button(line) if line else None
            if pressed is not None:
                calls = await simulator.press_data(pressed[0], pressed[1], me)
            elif not line:
                calls = await simulator.send("/pertanyaan", me)
            elif screen.prompt is not None:
                calls = await simulator.send(line, me, reply_to=screen.prompt.result)
                screen.prompt = None
            else:
                print(plain_text(texts.TEACH_CLI_HELP), file=out)
                continue
            screen.show(calls)
    if screen.changed:
        print(plain_text(texts.TEACH_CLI_RELOAD), file=out)
    return 0
