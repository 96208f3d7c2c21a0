"""Load benchmark: the real `python -m bot run` against a Telegram-like fake Bot API.

Run from the project root:

    .venv/bin/python bench/bench_load.py --quick   # about 2 minutes
    .venv/bin/python bench/bench_load.py           # about 6 minutes
    .venv/bin/python bench/bench_load.py --main main   # also today's main, a third column

The bot runs as a subprocess, with its production settings (python-telegram-bot's rate
limiter, flood control, WAL + synchronous=FULL), polling with getUpdates long polls, against
`bench/fake_telegram.py`: a fake Bot API over real HTTP that adds 80 ms ± 40 ms to every
call and enforces Telegram's limits (30 messages/s overall, 20/min into a group, about
1/s into a private chat with short bursts tolerated), answering 429 with retry_after beyond
them. Everything below runs twice in one invocation, each time with a fresh database and a
fresh bot process, side by side:

- **baseline**: `BOT_UPDATE_CONCURRENCY=1`, one update at a time (today's handling on
  main, where the setting does not exist and is ignored);
- **new**: the default handling (`BOT_UPDATE_CONCURRENCY` unset).

People, all written for this benchmark:

- residents (200 by default: enough that the throughput phase offers more than the
  bot and Telegram can take, about 50 actions a second; 120 offer at most about 29):
  four in five ask FAQ questions in their own colloquial words; one in five files a
  complaint through the buttons (/lapor, category, description, typed place, "no photo",
  anonymous, send), then asks questions. A resident acts again only once
  the bot answered the previous message, after 3.2 to 4.5 s of reading and typing (below
  the bot's flood limit of 20 messages a minute);
- officers in four linked OPD groups press "Terima" on the cards that reach them;
- one stranger, in his own group, spams commands (/opd, /statistik, /start, /bantuan),
  2 a second, in the hostile phase.

Phases, for each variant, after linking the groups and a short warm-up, each after the
previous one's backlog drained (Telegram holds no update, nobody waits; at most 10 s with
--quick, 60 s otherwise):

1. **10 upd/s**: residents' updates arrive at 10 a second (a random ready resident each
   time; officers' presses come on top); time-to-reply p50/p99;
2. **10 upd/s + hostile group**: the same, while the stranger spams;
3. **throughput**: every resident acts as soon as they are ready; resident replies per
   second sustained over the phase (answers Telegram accepted within it).

Time-to-reply: from the moment Telegram has a resident's update (it is enqueued) to the
first message the bot sends (or edits) in that resident's chat, as Telegram accepted it
(after the latency of the call). An action not answered within 10 s is counted as 10 s.
Prints a markdown table with the issue's targets. This is a script, not a pytest test.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import PROJECT_ROOT, machine_info
from fake_telegram import TelegramLikeApi

from tests.integration.complaint_steps import CARD_MARK, TICKET_LINE, next_step
from tests.integration.fake_bot_api import Call, User, group_chat

TOKEN = "123456789:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
ADMIN = User(4242, "Admin", "Kominfostan")
STRANGER = User(7_000_001, "Iseng")
HOSTILE_GROUP = group_chat(-1009999999001, "Grup Iseng")
HOSTILE_COMMANDS = ("/opd", "/statistik", "/start", "/bantuan", "/opd dlh")
HOSTILE_RATE = 2.0  # commands a second
GROUPS = {
    "dlh": -1001000000101,
    "sdabmbk": -1001000000102,
    "dishub": -1001000000103,
    "satpolpp": -1001000000104,
    "kominfostan": -1001000000105,
}
OFFICER_GROUPS = ("dlh", "sdabmbk", "dishub", "satpolpp")
NO_REPLY_S = 10.0  # an action unanswered this long counts as this long
THINK = (3.2, 4.5)  # seconds a resident reads and types before acting again
PRESS = (1.0, 2.0)  # seconds before pressing a button of the complaint flow
COMPLAINT_SHARE = 0.4  # of the scheduled actions, when a resident in a complaint flow is ready
RATE = 10.0  # resident updates a second in the latency phases
VISIBLE_TO_RESIDENT = frozenset({"sendMessage", "sendPhoto", "editMessageText"})

# Written for this benchmark in the way residents write (abbreviations, no punctuation).
QUESTIONS = (
    "min kalau mau bikin akta lahir anak syaratnya apa aja",
    "ktp saya ketinggalan di angkot hilang, ngurus yang baru gmn",
    "gimana cara daftar bpjs kesehatan buat keluarga",
    "pindah domisili dari medan ke lubuk pakam ngurusnya dimana",
    "izin usaha warung kecil perlu apa saja",
    "jadwal pelayanan disdukcapil hari sabtu buka gak",
    "cara ngurus surat keterangan tidak mampu untuk sekolah anak",
    "bayar pbb tahun ini bisa lewat mana",
    "lampu jalan depan rumah mati lapor kemana ya",
    "anak saya mau daftar sekolah negeri zonasinya gimana",
    "kk saya masih nama suami yg sudah meninggal, ganti gimana",
    "akta kematian bapak saya belum diurus, syaratnya apa",
    "mau buat kartu kuning pencari kerja dimana",
    "cara dapat bantuan sembako dari pemerintah",
    "vaksin anak balita di puskesmas gratis kah",
    "tanah saya belum bersertifikat, urusnya ke kantor mana",
)
COMPLAINTS = (
    ("sampah", "Tumpukan sampah di ujung gang belum diangkut petugas sejak minggu lalu"),
    ("jalan", "Aspal jalan desa kami rusak parah dan berlubang di banyak tempat"),
    ("lampu", "Tiga lampu penerangan jalan di dekat sekolah padam sejak sebulan"),
    ("drainase", "Saluran air di depan rumah warga mampet sehingga air meluap ke jalan"),
)
PLACES = ("Lubuk Pakam", "Tanjung Morawa", "Batang Kuis", "Percut Sei Tuan")


# -- people ---------------------------------------------------------------------------------
@dataclass
class Resident:
    user: User
    rng: random.Random
    complaint: tuple[str, str] | None  # (category, description) while filing one
    place: str
    ready_at: float = 0.0
    sent_at: float | None = None  # an action waiting for its answer
    last_prompt: Call | None = None
    filed: bool = False

    @property
    def chat_id(self) -> int:
        return self.user.id

    def ready(self, now: float) -> bool:
        return self.sent_at is None and now >= self.ready_at

    def act(self, api: TelegramLikeApi, now: float) -> None:
        self.sent_at = now
        action = self._next_step() if self.complaint else None
        if action is None:
            api.send_text(self.user, self.rng.choice(QUESTIONS))
        elif action[0] == "press":
            assert self.last_prompt is not None and self.last_prompt.message_id is not None
            pressed = api.press(self.user, self.chat_id, self.last_prompt.message_id, action[1])
            if pressed is None:  # the button is gone: start again
                api.send_text(self.user, "/lapor")
        else:
            api.send_text(self.user, action[1])

    def _next_step(self) -> tuple[str, str] | None:
        assert self.complaint is not None
        category, description = self.complaint
        call = self.last_prompt
        if call is None:
            return ("text", "/lapor")
        step = next_step(call, category, description, self.place)
        return step or ("text", "/lapor")  # an unknown step or a missing button: start again

    def answered(self, call: Call, now: float) -> float | None:
        """The bot showed something in this chat: the time-to-reply, if it answers an action."""
        self.last_prompt = call
        if self.complaint and TICKET_LINE in call.text:
            self.complaint, self.filed = None, True  # done: questions from now on
        if self.sent_at is None:
            return None
        waited = call.at - self.sent_at
        self.sent_at = None
        pressing = self.complaint is not None and bool(call.buttons)
        self.ready_at = now + self.rng.uniform(*(PRESS if pressing else THINK))
        return waited


@dataclass
class Officer:
    user: User
    chat_id: int
    rng: random.Random
    due: list[tuple[float, int, str]] = field(default_factory=list)  # (at, message, data)
    presses: int = 0

    def saw(self, call: Call, now: float) -> None:
        if call.method == "sendMessage" and CARD_MARK in call.text:
            data = next((d for _, d in call.buttons if d.endswith(":terima")), None)
            if data and call.message_id is not None:
                self.due.append((now + self.rng.uniform(1.0, 3.0), call.message_id, data))

    def tick(self, api: TelegramLikeApi, now: float) -> None:
        for item in [d for d in self.due if d[0] <= now]:
            self.due.remove(item)
            if api.press(self.user, self.chat_id, item[1], item[2]) is not None:
                self.presses += 1


# -- one variant -----------------------------------------------------------------------------
@dataclass
class PhaseResult:
    seconds: float
    end: float = math.inf
    actions: int = 0
    replies: int = 0  # answers that came within the phase
    waits: list[float] = field(default_factory=list)
    unanswered: int = 0
    deferred: int = 0  # the schedule wanted an action and no resident was ready
    hostile: int = 0

    def percentile(self, q: float) -> float:
        samples = sorted(self.waits + [NO_REPLY_S] * self.unanswered)
        if not samples:
            return float("nan")
        return samples[max(1, math.ceil(q / 100 * len(samples))) - 1]


class Run:
    def __init__(
        self, env: dict[str, str], residents: int, seed: int, workdir: Path, root: Path
    ) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.api = TelegramLikeApi(TOKEN, max_poll_seconds=10.0, seed=seed).start()
        self.workdir = workdir
        self.env = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": self.api.base_url,
            "BOT_API_FILE_URL": self.api.file_url,
            "BOT_DATABASE_PATH": str(workdir / "bot.sqlite3"),
            "BOT_ADMIN_IDS": str(ADMIN.id),
            "BOT_LOG_LEVEL": "INFO",
            "BOT_WEBHOOK_URL": "",
            "PYTHONPATH": str(root),
            **env,
        }
        for name in ("BOT_ADMIN_CHAT_ID", "BOT_UPDATE_CONCURRENCY", "BOT_FLOOD_MESSAGES"):
            if name not in env:
                self.env.pop(name, None)
        self.residents = [
            Resident(
                User(5_000_001 + i, f"Warga{i}"),
                random.Random(self.rng.random()),
                COMPLAINTS[i % len(COMPLAINTS)] if i % 5 == 0 else None,
                PLACES[i % len(PLACES)],
            )
            for i in range(residents)
        ]
        self.by_chat = {r.chat_id: r for r in self.residents}
        self.officers = {
            GROUPS[o]: Officer(User(6_000_001 + i, "Petugas", o.upper()), GROUPS[o], self.rng)
            for i, o in enumerate(OFFICER_GROUPS)
        }
        self.seen = 0
        self.proc: subprocess.Popen[bytes] | None = None

    # the bot
    def start(self) -> None:
        self.api.bot_started(1)
        with open(self.workdir / "bot.log", "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.root,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while self.api.first_poll_at is None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the bot did not start:\n{self.tail()}")
            time.sleep(0.02)
        for opd_id, chat_id in GROUPS.items():
            self.api.send_text(ADMIN, f"/hubungkan {opd_id}", chat=group_chat(chat_id, opd_id))
            ok = self.api.wait_for(
                lambda chat_id=chat_id: any(
                    c.chat_id == chat_id and "terhubung" in c.text for c in self.api.log
                ),
                30,
            )
            if not ok:
                raise SystemExit(f"/hubungkan {opd_id} was not answered:\n{self.tail()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.api.stop()

    def tail(self, lines: int = 30) -> str:
        path = self.workdir / "bot.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    # the people
    def _read(self, now: float, result: PhaseResult | None) -> None:
        log = self.api.log  # append-only: read from where we stopped
        calls, self.seen = log[self.seen : len(log)], len(log)
        for call in calls:
            chat = call.chat_id
            if chat in self.officers:
                self.officers[chat].saw(call, now)
            resident = self.by_chat.get(chat or 0)
            if resident is None or call.method not in VISIBLE_TO_RESIDENT:
                continue
            waited = resident.answered(call, now)
            if waited is not None and result is not None:
                result.replies += call.at <= result.end
                result.waits.append(waited)

    def _expire(self, now: float, result: PhaseResult | None) -> None:
        for resident in self.residents:
            if resident.sent_at is not None and now - resident.sent_at > NO_REPLY_S:
                resident.sent_at = None
                resident.ready_at = now
                if result is not None:
                    result.unanswered += 1

    def drain(self, limit: float) -> None:
        """Between phases: wait (at most `limit` seconds) until Telegram holds no update and
        no resident waits, so one phase's backlog does not count in the next."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            now = time.monotonic()
            self._read(now, None)
            self._expire(now, None)
            for officer in self.officers.values():
                officer.tick(self.api, now)
            busy = any(r.sent_at is not None for r in self.residents)
            if not busy and self.api.pending_updates() == 0:
                return
            time.sleep(0.01)

    def phase(self, seconds: float, *, rate: float | None, hostile: bool = False) -> PhaseResult:
        """Residents act for `seconds` (as soon as ready when `rate` is None), then the
        answers still owed are awaited (up to NO_REPLY_S) and counted in this phase."""
        start = time.monotonic()
        end = start + seconds
        result = PhaseResult(seconds, end)
        next_action = start
        next_spam = start
        while True:
            now = time.monotonic()
            self._read(now, result)
            self._expire(now, result)
            for officer in self.officers.values():
                officer.tick(self.api, now)
            if now >= end:
                if not any(r.sent_at is not None for r in self.residents):
                    break
                time.sleep(0.005)
                continue
            if rate is None:
                for resident in self.residents:
                    if resident.ready(now):
                        resident.act(self.api, now)
                        result.actions += 1
            else:
                while next_action <= now:
                    next_action += 1.0 / rate
                    ready = [r for r in self.residents if r.ready(now)]
                    filing = [r for r in ready if r.complaint is not None]
                    if filing and self.rng.random() < COMPLAINT_SHARE:
                        ready = filing
                    if not ready:
                        result.deferred += 1
                        continue
                    self.rng.choice(ready).act(self.api, now)
                    result.actions += 1
            if hostile:
                while next_spam <= now:
                    next_spam += 1.0 / HOSTILE_RATE
                    command = self.rng.choice(HOSTILE_COMMANDS)
                    self.api.send_text(STRANGER, command, chat=HOSTILE_GROUP)
                    result.hostile += 1
            time.sleep(0.005)
        return result


def run_variant(
    label: str, env: dict[str, str], args: argparse.Namespace, ref: str | None = None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        root = PROJECT_ROOT
        if ref is not None:  # another version of the code, e.g. today's main
            root = Path(tmp) / "code"
            root.mkdir()
            archive = subprocess.run(
                ["git", "archive", ref], cwd=PROJECT_ROOT, capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
        run = Run(env, args.residents, args.seed, Path(tmp), root)
        try:
            run.start()
            # The throughput phase goes last: the backlog it leaves must not slow the others.
            run.phase(args.warmup, rate=RATE / 2)
            run.drain(args.drain)
            steady = run.phase(args.seconds, rate=RATE)
            run.drain(args.drain)
            hostile = run.phase(args.seconds, rate=RATE, hostile=True)
            run.drain(args.drain)
            throughput = run.phase(args.seconds, rate=None)
        finally:
            run.stop()
        log = run.api.calls
        return {
            "label": label,
            "throughput": throughput,
            "steady": steady,
            "hostile": hostile,
            "refused": dict(run.api.refused),
            "hostile_answers": sum(
                1 for c in log if c.ok and c.chat_id == HOSTILE_GROUP["id"] and c.method in VISIBLE
            ),
            "presses": sum(o.presses for o in run.officers.values()),
            "complaints": sum(r.filed for r in run.residents),
            "errors": Counter(c.error_code for c in log if not c.ok),
        }


VISIBLE = frozenset({"sendMessage", "sendPhoto", "editMessageText"})


def fmt(seconds: float) -> str:
    if math.isnan(seconds):
        return "–"
    # At the cap, actions went unanswered: the handling does not keep up with the rate.
    return f"≥ {NO_REPLY_S:.0f} s (saturated)" if seconds >= NO_REPLY_S else f"{seconds:.2f} s"


def added(hostile: PhaseResult, steady: PhaseResult) -> str:
    with_spam, without = hostile.percentile(99), steady.percentile(99)
    if max(with_spam, without) >= NO_REPLY_S:
        return "n/a (saturated)"
    return f"{with_spam - without:+.2f} s"


def report(results: list[dict[str, Any]]) -> str:
    head = "| | target | " + " | ".join(r["label"] for r in results) + " |"
    rows = [head, "|---|---|" + "---|" * len(results)]

    def row(name: str, target: str, values: list[str]) -> None:
        rows.append(f"| {name} | {target} | " + " | ".join(values) + " |")

    row(
        "resident replies/s, as fast as possible",
        "≥ 25",
        [f"{r['throughput'].replies / r['throughput'].seconds:.1f}" for r in results],
    )
    row("time-to-reply p50 at 10 upd/s", "", [fmt(r["steady"].percentile(50)) for r in results])
    row(
        "time-to-reply p99 at 10 upd/s",
        "≤ 1.5 s",
        [fmt(r["steady"].percentile(99)) for r in results],
    )
    row(
        "p50 / p99 at 10 upd/s, hostile group spamming",
        "",
        [
            f"{fmt(r['hostile'].percentile(50))} / {fmt(r['hostile'].percentile(99))}"
            for r in results
        ],
    )
    row(
        "hostile group adds to residents' p99",
        "≤ 0.5 s",
        [added(r["hostile"], r["steady"]) for r in results],
    )
    row(
        "bot's answers in the hostile group",
        "",
        [f"{r['hostile_answers']} to {r['hostile'].hostile} commands" for r in results],
    )
    row(
        "actions unanswered in 10 s (throughput / 10/s / hostile)",
        "",
        [
            f"{r['throughput'].unanswered} / {r['steady'].unanswered} / {r['hostile'].unanswered}"
            for r in results
        ],
    )
    row(
        "resident actions (throughput / 10/s / hostile)",
        "",
        [
            f"{r['throughput'].actions} / {r['steady'].actions} / {r['hostile'].actions}"
            for r in results
        ],
    )
    row(
        "429 refusals by the fake (overall, group, private)",
        "",
        [
            "{}, {}, {}".format(*(r["refused"].get(k, 0) for k in ("overall", "group", "private")))
            for r in results
        ],
    )
    row(
        "complaints filed / officers' presses",
        "",
        [f"{r['complaints']} / {r['presses']}" for r in results],
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter phases: about 2 minutes")
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument(
        "--main",
        metavar="REF",
        help="also run this git revision's code (e.g. main) as a third column",
    )
    args = parser.parse_args()
    args.seconds = 10.0 if args.quick else 30.0
    args.warmup = 2.0 if args.quick else 5.0
    args.drain = 10.0 if args.quick else 60.0

    from bot.settings import Settings

    has_setting = "update_concurrency" in Settings.model_fields
    variants: list[tuple[str, dict[str, str], str | None]] = [
        ("baseline (BOT_UPDATE_CONCURRENCY=1)", {"BOT_UPDATE_CONCURRENCY": "1"}, None),
        ("new (default)", {}, None),
    ]
    if args.main:
        variants.insert(0, (f"code of {args.main}", {}, args.main))
    print("\n".join(machine_info(fsync=False)))
    if not has_setting:
        print("BOT_UPDATE_CONCURRENCY does not exist in this code: both run the same handling")
    print(
        f"{args.residents} residents, phases of {args.seconds:.0f} s, latency 80 ± 40 ms/call, "
        f"limits 30/s overall, 20/min per group, 1/s per private chat (burst 3)"
    )
    results = []
    for label, env, ref in variants:
        started = time.monotonic()
        results.append(run_variant(label, env, args, ref))
        print(f"{label}: {time.monotonic() - started:.0f} s", flush=True)
    print()
    print(report(results))


if __name__ == "__main__":
    main()
