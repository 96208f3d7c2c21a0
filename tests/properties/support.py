"""Shared pieces of the property tests: a fresh bot per example, a Bot API that refuses
what Telegram refuses, the invariants every run must keep, and the flows that reach the
interesting states (complaints filed, cards delivered, officers acting).

Nothing here changes project code: the real Application is built with `build_application`
and driven through `bot.simulator.Simulator` over `bot.local_api.LocalBotApi`, exactly as
tests/conftest.py does, but inside the test (an async context manager) so hypothesis can
build one bot per example.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from telegram.ext import Application

from bot import PROJECT_ROOT
from bot.app import build_application, running
from bot.offline.local_api import ApiCall, Fault, LocalBotApi, replied
from bot.offline.simulator import Person, Simulator, next_update_id
from bot.presentation import texts
from bot.services.complaints import utcnow
from bot.services.knowledge import LiveKnowledge
from bot.services.regions import Regions
from bot.settings import Settings
from db import Database
from faq.formatting import check_html, plain_text
from handlers.context import SERVICES_KEY, Services
from handlers.operations import FLOOD_KEY, FloodControl

# -- hypothesis budgets ------------------------------------------------------------------
# The default profile is what CI runs: the bad-input and authorization properties have 200
# examples each (affordable because an example restores a prepared world in ~3 ms instead
# of building it, see SharedWorld). PROPERTIES_PROFILE=properties-thorough runs ten times
# the examples (2,000 each, about half an hour: nightly, or before a release),
# properties-quick a fifth (while editing). No example database: the runs must not write
# files into the project (print_blob lets a failure be reproduced).
settings.register_profile(
    "properties",
    # No "explain" phase: explaining a failure reruns hundreds of examples; the shrunk
    # example and the step trace say enough.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    deadline=None,
    database=None,
    print_blob=True,
    # In CI the examples are fixed (a landing must not depend on luck); anywhere else each
    # run explores new ones. A failure found locally is fixed, then kept as a test.
    derandomize=os.environ.get("CI", "").lower() in ("1", "true", "yes"),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
_SCALE = {"properties-quick": 0.2, "properties": 1.0, "properties-thorough": 10.0}
for _name, _scale in _SCALE.items():
    if _name != "properties":
        settings.register_profile(_name, parent=settings.get_profile("properties"))
PROFILE = os.environ.get("PROPERTIES_PROFILE", "properties")
if PROFILE not in _SCALE:
    raise RuntimeError(f"PROPERTIES_PROFILE must be one of {sorted(_SCALE)}")


def budget(examples: int) -> settings:
    """Hypothesis settings for a test worth `examples` examples in the default profile."""
    return settings(
        settings.get_profile(PROFILE), max_examples=max(1, int(examples * _SCALE[PROFILE]))
    )


# -- who and where -----------------------------------------------------------------------
ADMIN = Person(id=4242, first_name="Admin", last_name="Kominfostan")
RESIDENT_A = Person(id=5550001, first_name="Budi", last_name="Santoso", username="budi_ds")
RESIDENT_B = Person(id=5550002, first_name="Sari", last_name="Lubis", username="sari_lbs")
OFFICER_DLH = Person(id=8001, first_name="Siti", last_name="Petugas DLH")
OFFICER_DISHUB = Person(id=8002, first_name="Andi", last_name="Dishub")
OFFICER_TRIAGE = Person(id=8003, first_name="Rina", last_name="Kominfostan")
ATTACKER = Person(id=6660001, first_name="Mallory", username="mallory_x")


def group(chat_id: int, title: str, kind: str = "supergroup") -> dict[str, Any]:
    return {"id": chat_id, "type": kind, "title": title}


DLH_GROUP = group(-1001000000001, "Grup DLH")
DISHUB_GROUP = group(-1001000000002, "Grup Dishub")
TRIAGE_GROUP = group(-1001000000003, "Grup Kominfostan")
ROGUE_GROUP = group(-1001000000666, "Grup tidak terhubung")
BASIC_GROUP = group(-4000000001, "Grup biasa", "group")


def private(person: Person) -> dict[str, Any]:
    return {"id": person.id, "type": "private", "first_name": person.first_name}


TICKET = re.compile(r"DS-[23456789A-HJKMNP-TW-Z]{6}")


# -- the shipped FAQ, built once per process ---------------------------------------------
@functools.cache
def knowledge() -> LiveKnowledge:
    return LiveKnowledge(PROJECT_ROOT / "faq" / "content", PROJECT_ROOT / "data" / "opd.yaml")


@functools.cache
def regions() -> Regions:
    """Regions are immutable and take a while to parse: one per process, not per example."""
    return Regions.load()


# A database per example is written with synchronous=FULL: in memory-backed /dev/shm the
# fsyncs cost nothing (falls back to the default temporary directory elsewhere).
_FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


# -- a Bot API that refuses what Telegram refuses ----------------------------------------
CALLBACK_ANSWER_LIMIT = 200  # characters of answerCallbackQuery text
TEXT_LIMIT = 4096  # characters of a message text, after entities parsing
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes


def _decoded(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key in ("reply_markup", "reply_parameters") and isinstance(value, str):
            try:
                out[key] = json.loads(value)
                continue
            except ValueError:
                pass
        out[key] = value
    return out


def telegram_problems(method: str, params: dict[str, Any]) -> list[str]:
    """Why Telegram would refuse this call (empty when it would accept it)."""
    params = _decoded(params)
    problems: list[str] = []
    html = params.get("parse_mode") == "HTML"
    for key, limit in (("text", TEXT_LIMIT), ("caption", CAPTION_LIMIT)):
        if key not in params or params[key] is None:
            continue
        raw = str(params[key])
        if html:
            problems += [f"{key}: can't parse entities: {e}" for e in check_html(raw)]
        shown = plain_text(raw) if html else raw
        if len(shown) > limit:
            problems.append(f"{key} is too long: {len(shown)} > {limit} characters")
        if key == "text" and method != "answerCallbackQuery" and not shown.strip():
            problems.append("message text is empty")
    if method in ("sendMessage", "editMessageText") and not params.get("text"):
        problems.append("message text is empty")
    if method == "answerCallbackQuery" and len(str(params.get("text") or "")) > (
        CALLBACK_ANSWER_LIMIT
    ):
        problems.append("callback answer text is too long")
    markup = params.get("reply_markup")
    if isinstance(markup, dict):
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                if not str(button.get("text") or "").strip():
                    problems.append("inline button without a label")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                    problems.append(f"BUTTON_DATA_INVALID: {data!r}")
                if data is None and not button.get("url"):
                    problems.append("inline button without callback data or url")
    return problems


class StrictBotApi(LocalBotApi):
    """`LocalBotApi` plus Telegram's refusals: over-long or empty texts, broken HTML,
    callback data over 64 bytes. A refused call is recorded (with its reasons) and
    answered with HTTP 400, so the bot sees exactly what Telegram would make it see."""

    def __init__(self) -> None:
        super().__init__()
        self.rejected: list[tuple[str, dict[str, Any], list[str]]] = []

    async def do_request(self, url: str, method: str, request_data: Any = None, **kw: Any):  # type: ignore[override]
        api_method = url.rsplit("/", 1)[-1]
        params = request_data.json_parameters if request_data else {}
        problems = telegram_problems(api_method, params)
        if problems:
            self.rejected.append((api_method, _decoded(params), problems))
            self.faults.appendleft(Fault(api_method, 400, "Bad Request: " + "; ".join(problems)))
        return await super().do_request(url, method, request_data, **kw)


# -- the bot under test ------------------------------------------------------------------
class _ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Bot:
    """The real Application over `StrictBotApi`: send updates, press buttons, deliver."""

    def __init__(self, application: Application, api: StrictBotApi, errors: list) -> None:
        self.application = application
        self.api = api
        self.simulator = Simulator(application, api)
        self.errors: list[BaseException | None] = errors  # what reached the error handler
        self.error_logs: list[logging.LogRecord] = []
        self.checked_calls = 0
        self.call_problems: list[str] = []
        # Fresh ids: the worlds' databases are copies of a template that remembers the
        # updates it applied.
        self._update_ids = iter(next_update_id, None)
        # Telegram numbers messages per chat; people's messages get their own range here so
        # they never share an id with a message the bot sent (LocalBotApi counts from 1000).
        self._message_ids = itertools.count(500_000)

    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]

    @property
    def db(self) -> Database:
        return self.services.db

    # -- updates ---------------------------------------------------------------------------
    async def process(self, update: dict[str, Any]) -> list[ApiCall]:
        update = {"update_id": next(self._update_ids), **update}
        return await self.simulator.process(update)

    def message(
        self, person: Person | None, chat: dict[str, Any] | None, **fields: Any
    ) -> dict[str, Any]:
        assert person is not None or chat is not None
        chat = chat or private(person)  # type: ignore[arg-type]
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            **fields,
        }
        if person is not None:
            message["from"] = person.as_user()
        self.api.remember(message)
        return message

    async def send(
        self,
        text: str,
        person: Person,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        edited: bool = False,
    ) -> list[ApiCall]:
        """A text message (cut to the 4,096 characters Telegram delivers at most), with the
        bot_command entity Telegram would add."""
        text = text[:TEXT_LIMIT]
        fields: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            fields["entities"] = entities
        if reply_to is not None:
            fields["reply_to_message"] = replied(reply_to)
        return await self.send_message(person, chat=chat, edited=edited, **fields)

    async def send_message(
        self,
        person: Person,
        *,
        chat: dict[str, Any] | None = None,
        edited: bool = False,
        **fields: Any,
    ) -> list[ApiCall]:
        if edited:
            fields["edit_date"] = int(time.time())
        message = self.message(person, chat, **fields)
        return await self.process({"edited_message" if edited else "message": message})

    async def press(
        self, message: dict[str, Any] | None, data: str | None, person: Person
    ) -> list[ApiCall]:
        """A callback query with any data, from any message (or none: an inline message)."""
        query: dict[str, Any] = {
            "id": str(next(self._update_ids) + 1_000_000),
            "from": person.as_user(),
            "chat_instance": "local",
        }
        if data is not None:
            query["data"] = data
        if message is not None:
            query["message"] = message
        else:
            query["inline_message_id"] = "inline-1"
        return await self.process({"callback_query": query})

    async def press_label(self, call: ApiCall, label: str, person: Person) -> list[ApiCall]:
        data = next((d for text, d in call.buttons if label in (text, d)), None)
        if data is None:
            raise LookupError(f"no button {label!r} in {call.buttons}")
        return await self.press(call.result, data, person)

    async def deliver(self) -> list[ApiCall]:
        before = len(self.api.calls)
        assert self.services.worker is not None
        await self.services.worker.drain_all()
        return self.api.calls[before:]

    async def link_group(self, opd: str, chat: dict[str, Any]) -> None:
        calls = await self.send(f"/hubungkan {opd}", ADMIN, chat=chat)
        assert any("sekarang terhubung" in c.text for c in calls), calls

    # -- inspection ------------------------------------------------------------------------
    @staticmethod
    def shown(calls: Iterable[ApiCall], chat_id: int | None = None) -> list[ApiCall]:
        """New or edited messages, in `chat_id` (any chat when None)."""
        return [
            c
            for c in calls
            if c.method
            in {"sendMessage", "editMessageText", "sendPhoto", "sendLocation", "copyMessage"}
            and (chat_id is None or c.chat_id == chat_id)
        ]

    def sent_messages(self) -> list[ApiCall]:
        """Every message the bot sent so far whose result is a message (pressable)."""
        return [c for c in self.api.calls if isinstance(c.result, dict) and "chat" in c.result]


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds to a message starting with /command[@bot]."""
    match = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)", text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(match.group(0))}]


@asynccontextmanager
async def fresh_bot(
    *,
    admin_ids: tuple[int, ...] = (ADMIN.id,),
    flood_messages: int = 10_000,
    database: Path | None = None,
    **extra: Any,
) -> AsyncIterator[Bot]:
    """A new database (a copy of `database` when given), a new Bot API and a new
    Application, torn down afterwards.

    Flood control is set out of reach by default: a generated program sends far more than
    a person could type in a minute, and would otherwise mostly test the mute."""
    with tempfile.TemporaryDirectory(prefix="layanan-props-", dir=_FAST_TMP) as tmp:
        if database is not None:
            shutil.copyfile(database, Path(tmp) / "bot.sqlite3")
        bot_settings = Settings(
            _env_file=None,
            database_path=Path(tmp) / "bot.sqlite3",
            admin_ids=list(admin_ids),
            flood_messages=flood_messages,
            **extra,
        )
        api = StrictBotApi()
        application = build_application(
            bot_settings, api=api, knowledge=knowledge(), regions=regions(), run_worker=False
        )
        errors: list[BaseException | None] = []
        original = list(application.error_handlers)
        assert original, "the application registers an error handler"
        application.error_handlers.clear()

        async def recording(update: object, context: Any) -> None:
            errors.append(context.error)
            for handler in original:  # still the real one: it apologises and logs
                await handler(update, context)

        application.add_error_handler(recording)
        error_log = _ErrorLog()
        root = logging.getLogger()
        root.addHandler(error_log)
        try:
            async with running(application):
                bot = Bot(application, api, errors)
                bot.error_logs = error_log.records
                yield bot
        finally:
            root.removeHandler(error_log)


# -- invariants --------------------------------------------------------------------------
def call_problems(calls: Iterable[ApiCall]) -> list[str]:
    """Every outgoing call as Telegram would judge it, plus: no apology was ever sent."""
    problems: list[str] = []
    for call in calls:
        for problem in telegram_problems(call.method, call.params):
            problems.append(f"{call.method} to {call.chat_id}: {problem}: {call.text[:200]!r}")
        if texts.ERROR_APOLOGY in call.text:
            problems.append(f"{call.method} to {call.chat_id}: the error apology was sent")
    return problems


def run_problems(bot: Bot) -> list[str]:
    """Everything that went wrong in the run so far, as readable lines. (Calls are judged
    once each: runs check after every step.)"""
    bot.call_problems += call_problems(bot.api.calls[bot.checked_calls :])
    bot.checked_calls = len(bot.api.calls)
    problems = [f"Telegram refused {m}: {p}" for m, _, p in bot.api.rejected]
    problems += [f"error handler invoked: {e!r}" for e in bot.errors]
    problems += [
        f"ERROR log from {r.name}: {r.getMessage()} {r.exc_info[1]!r}"
        if r.exc_info
        else f"ERROR log from {r.name}: {r.getMessage()}"
        for r in bot.error_logs
    ]
    problems += bot.call_problems
    return problems


async def database_problems(db: Database) -> list[str]:
    """The stored state is consistent: SQLite's own checks, and the complaint model's."""
    problems: list[str] = []
    integrity = [r[0] for r in await db.fetchall("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems.append(f"integrity_check: {integrity}")
    foreign = [tuple(r) for r in await db.fetchall("PRAGMA foreign_key_check")]
    if foreign:
        problems.append(f"foreign_key_check: {foreign}")
    rows = await db.fetchall(
        "SELECT c.ticket, c.status,"
        " (SELECT COUNT(*) FROM complaint_event e WHERE e.complaint_id = c.id),"
        " (SELECT action FROM complaint_event e WHERE e.complaint_id = c.id ORDER BY id LIMIT 1),"
        " (SELECT status_to FROM complaint_event e WHERE e.complaint_id = c.id"
        "   ORDER BY id DESC LIMIT 1)"
        " FROM complaint c"
    )
    for ticket, status, count, first, last_status in rows:
        if count < 1:
            problems.append(f"{ticket} has no event")
            continue
        if first != "dibuat":
            problems.append(f"{ticket}: first event is {first}, not dibuat")
        if last_status != status:
            problems.append(f"{ticket}: status {status} but last event says {last_status}")
    triggers = {
        r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    for trigger in ("complaint_event_no_update", "complaint_event_no_delete"):
        if trigger not in triggers:
            problems.append(f"trigger {trigger} is missing")
    parked = await db.fetchall(
        "SELECT id, kind, state, last_error FROM outbox WHERE state IN ('parked', 'uncertain')"
    )
    problems += [f"outbox row {r[0]} ({r[1]}) {r[2]}: {r[3]}" for r in parked]
    sending = await db.fetchall("SELECT id, kind FROM outbox WHERE state = 'sending'")
    problems += [f"outbox row {r[0]} ({r[1]}) left mid-send" for r in sending]
    return problems


# -- flows -------------------------------------------------------------------------------
CATEGORY_OF = {
    "sampah": "Sampah dan kebersihan",
    "lampu": "Lampu jalan, lampu lalu lintas",
    "jalan": "Jalan atau jembatan rusak",
    "pungli": "Pungli atau penyalahgunaan wewenang",
    "kekerasan": "Kekerasan terhadap perempuan atau anak",
    "lainnya": "Lainnya",
}


def last_with_buttons(calls: Iterable[ApiCall]) -> ApiCall:
    with_buttons = [c for c in calls if c.buttons]
    assert with_buttons, "no message with buttons"
    return with_buttons[-1]


async def link_groups(bot: Bot) -> None:
    await bot.link_group("dlh", DLH_GROUP)
    await bot.link_group("dishub", DISHUB_GROUP)
    await bot.link_group("kominfostan", TRIAGE_GROUP)


async def file_complaint(
    bot: Bot,
    person: Person,
    *,
    category: str = "sampah",
    description: str = "Sampah di TPS dekat pasar sudah seminggu tidak diangkut, baunya menyengat",
    place: str | None = "Lubuk Pakam",
    location: tuple[float, float] | None = None,
    photos: int = 0,
    privacy: str = texts.BTN_ANON,
    phone: str | None = None,
    wrong_turns: bool = False,
) -> str:
    """Walk the guided flow as `person`; returns the ticket the bot told them.

    `privacy` is a privacy button label; with BTN_SHARE_NAME_PHONE the resident shares
    their own contact with `phone`. `wrong_turns` sends things the step does not expect
    (a sticker, a contact, a location at the wrong step) on the way, as residents do."""
    me = person.id
    [prompt] = Bot.shown(await bot.send("/lapor", person), me)
    calls = await bot.press_label(prompt, CATEGORY_OF[category], person)
    if wrong_turns:
        await bot.send_message(
            person,
            contact={
                "phone_number": phone or "081211112222",
                "first_name": person.first_name,
                "user_id": me,
            },
        )
    calls = await bot.send(description, person)
    assert any("langkah 3 dari 5" in c.text for c in calls), [c.text for c in calls]
    if wrong_turns:
        await bot.send_message(person, sticker=STICKER)
    if location is not None:
        calls = await bot.send_message(
            person, location={"latitude": location[0], "longitude": location[1]}
        )
    elif place is None:  # "Lewati": no location
        calls = await bot.press_label(last_with_buttons(calls), texts.BTN_SKIP, person)
    else:
        calls = await bot.send(place, person)
        if any(texts.FLOW_LOCATION_CHOOSE in c.text for c in calls):
            chooser = last_with_buttons(calls)
            calls = await bot.press_label(chooser, chooser.buttons[0][0], person)
    for n in range(photos):
        calls = await bot.send_message(
            person,
            photo=[
                {
                    "file_id": f"foto-{me}-{n}",
                    "file_unique_id": f"u{n}",
                    "width": 800,
                    "height": 600,
                }
            ],
        )
    step = last_with_buttons(calls)
    if photos < 3:
        label = texts.BTN_DONE_PHOTOS if photos else texts.BTN_NO_PHOTOS
        calls = await bot.press_label(step, label, person)
    step = last_with_buttons(calls)
    if any(texts.BTN_ANON == label for label, _ in step.buttons):
        calls = await bot.press_label(step, privacy, person)
        if privacy == texts.BTN_SHARE_NAME_PHONE:
            if wrong_turns:
                await bot.send_message(
                    person,
                    contact={
                        "phone_number": "081299990000",
                        "first_name": "Orang Lain",
                        "user_id": me + 1,
                    },
                )
            calls = await bot.send_message(
                person,
                contact={
                    "phone_number": phone or "+6281234567890",
                    "first_name": person.first_name,
                    "user_id": me,
                },
            )
    summary = last_with_buttons(calls)
    assert "Periksa pengaduan Anda" in summary.text, summary.text
    calls = await bot.press_label(summary, texts.BTN_CONFIRM, person)
    done = [c for c in calls if "Nomor tiket" in c.text]
    assert done, [c.text for c in calls]
    match = TICKET.search(done[-1].text)
    assert match, done[-1].text
    return match.group(0)


def latest_card(bot: Bot, ticket: str) -> ApiCall:
    """The message currently showing the complaint's card (sent or last edited)."""
    candidates = [
        c
        for c in bot.api.calls
        if c.method in ("sendMessage", "editMessageText")
        and f"<b>Pengaduan {ticket}</b>" in c.text
        and isinstance(c.result, dict)
    ]
    assert candidates, f"no card for {ticket}"
    return candidates[-1]


async def officer_note(
    bot: Bot, calls: list[ApiCall], note: str, officer: Person, chat: dict[str, Any]
) -> list[ApiCall]:
    """Answer the ForceReply prompt found in `calls` with `note`."""
    [ask] = [c for c in calls if c.method == "sendMessage" and "force_reply" in str(c.params)]
    return await bot.send(note, officer, chat=chat, reply_to=ask.result)


STICKER = {
    "file_id": "stk",
    "file_unique_id": "stk",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}


# -- prepared worlds, built once per process -----------------------------------------------
Prepare = Callable[[Bot], Awaitable[Any]]


@dataclass
class _Template:
    """A world as `prepare` left it: its database file and what the Bot API recorded."""

    database: Path
    calls: list[ApiCall]
    messages: dict[tuple[int, int], dict[str, Any]]
    rejected: list[tuple[str, dict[str, Any], list[str]]]
    prepared: Any  # what `prepare` returned (tickets, messages of the world)


_TEMPLATES: dict[str, _Template] = {}
_TEMPLATE_DIR = tempfile.TemporaryDirectory(prefix="layanan-worlds-", dir=_FAST_TMP)


def _save(bot: Bot, key: str, prepared: Any) -> _Template:
    path = Path(_TEMPLATE_DIR.name) / f"{len(_TEMPLATES)}.sqlite3"
    source, copy = sqlite3.connect(bot.db.path), sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    api = bot.api
    template = _Template(path, list(api.calls), dict(api._messages), list(api.rejected), prepared)
    _TEMPLATES[key] = template
    return template


def _load(bot: Bot, template: _Template) -> None:
    """The Bot API, the error record and the clocks as they were when the world was made
    (the database is the template's copy)."""
    api = bot.api
    api.calls[:] = template.calls
    api._messages.clear()
    api._messages.update(template.messages)
    api.rejected[:] = template.rejected
    api.faults.clear()
    api.chaos = None
    bot.errors.clear()
    bot.error_logs.clear()
    bot.call_problems = []
    bot.checked_calls = len(api.calls)
    services = bot.services
    deadlines = bot.application.bot_data["deadlines"]
    services.complaints.clock = deadlines.clock = services.worker.clock = utcnow
    flood: FloodControl = bot.application.bot_data[FLOOD_KEY]
    bot.application.bot_data[FLOOD_KEY] = FloodControl(flood.per_minute)


@asynccontextmanager
async def prepared_bot(key: str, prepare: Prepare) -> AsyncIterator[tuple[Bot, Any]]:
    """A fresh bot starting from the world `prepare` builds, and what `prepare` returned.

    The world is built once per process under `key` and copied for every later use (the
    database file, the Bot API's record), so each test still gets its own bot but not
    the ~0.15 s of building the world again."""
    template = _TEMPLATES.get(key)
    async with fresh_bot(database=template.database if template else None) as bot:
        if template is None:
            template = _save(bot, key, await prepare(bot))
        else:
            _load(bot, template)
        yield bot, template.prepared


class SharedWorld:
    """Bots for all the examples of a property, each put back before an example exactly
    as its `prepare` left it (the database file restored from the world's copy, the Bot
    API's record, the error logs and the clocks reset): examples stay as independent as
    with a fresh bot each, for about 3 ms instead of building the world again, so a
    property can afford hundreds of examples. One bot per world (`key`), so a property may
    draw which world an example starts from. Use it through the `shared_world` fixture:
    `bot = await shared_world.example(key, prepare)`.
    """

    def __init__(self, stack: AsyncExitStack) -> None:
        self._stack = stack
        self._bots: dict[str, Bot] = {}
        self._key: str | None = None

    async def example(self, key: str, prepare: Prepare) -> Bot:
        self._key = key
        bot = self._bots.get(key)
        if bot is None:
            bot, _ = await self._stack.enter_async_context(prepared_bot(key, prepare))
            self._bots[key] = bot
            return bot
        template = _TEMPLATES[key]
        db = bot.db
        path = Path(db.path)
        await db.close()
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(template.database, path)
        await db.open()
        _load(bot, template)
        return bot

    @property
    def prepared(self) -> Any:
        """What `prepare` returned for the world of the last example."""
        assert self._key is not None
        return _TEMPLATES[self._key].prepared
