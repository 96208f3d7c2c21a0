"""Benchmark: updates per second through the whole Application, transport faked.

Run from the project root:

    .venv/bin/python bench/bench_app.py              # about 1.5 minutes on 2 cores
    .venv/bin/python bench/bench_app.py --variants   # also NORMAL and :memory:, about 3 minutes
    .venv/bin/python bench/bench_app.py --quick      # a third of the work, about 40 s
    .venv/bin/python bench/bench_app.py --profile complaint   # cProfile one workload

The real python-telegram-bot `Application` is built with `bot.app.build_application(settings,
api=LocalBotApi(), run_worker=False)` and opened with `bot.app.running(app)`; updates are
fed with `bot.simulator.Simulator`, shaped as Telegram sends them, one at a time (the
bot's Application processes updates sequentially: `concurrent_updates` is not set). The
database is a fresh temp-file SQLite database with the project's own settings (WAL,
`synchronous=FULL`). Three workloads, each in its own fresh process:

(a) FAQ questions: a varied set of colloquial Indonesian questions written for this
    benchmark, asked by rotating residents; every one is answered with an FAQ topic.
(b) complete complaint flows, each by a new resident: /lapor -> category -> description ->
    typed location -> "Tanpa foto" -> anonymous -> confirm (7 updates = 1 complaint).
(c) officer actions: an admin (first id of `settings.admin_ids`) links OPD groups with
    /hubungkan; complaints are filed (untimed) and their cards delivered; then officers
    press Terima, later Proses, on the delivered cards, and the outbox is drained with
    `services.worker.drain_all()` after every batch of presses. The drain (card edits and
    resident notices through the fake Bot API) is included in the throughput.

Then every workload runs again in an instrumented process that splits the time of an
update into SQLite (COMMITs, which fsync, and other statements), the fake Bot API, the
domain code (matching, routing, place lookup) and the rest (python-telegram-bot, handlers,
simulator). Every workload runs in `--repeat` fresh processes (default 3) and the median
run is shown, with the range: the machine may be shared. `--variants` also runs them with
`synchronous=NORMAL` and with an in-memory database, alternating with the FULL runs, to
show what durability costs (not the project's setting).
This is a script, not a pytest test.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import functools
import gc
import itertools
import json
import logging
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
    PROJECT_ROOT,
    Stopwatch,
    machine_info,
    percentile_ms,
    run_json_worker,
    table,
)

ADMIN_ID = 4242
SCENARIOS = ("faq", "complaint", "officer")
VARIANTS = ("FULL", "NORMAL", "memory")
TARGETS = {"faq": 1000.0, "complaint": 200.0}  # per second, on a 2-core machine
BATCH = 20  # officer presses between two outbox drains

# Written for this benchmark (colloquial, abbreviated, with the usual typos); none comes
# from the measuring sets. Each is answered with an FAQ topic by the shipped FAQ.
FAQ_QUESTIONS = (
    "gimana caranya bikin ktp pertama kali, umur saya baru 17",
    "ktp saya hilang, gimana ngurus ktp pengganti",
    "mau ganti alamat di ktp krn udah pindah rumah",
    "udah rekam e-ktp dari bulan lalu tapi belum dicetak juga",
    "cara aktivasi ikd ktp digital di hp",
    "baru nikah mau pisah kk dari orang tua, syaratnya apa",
    "kartu keluarga kami rusak kena banjir, bisa cetak ulang?",
    "mau masukin anak yg baru lahir ke kk",
    "syarat ngurus akta lahir anak apa aja pak",
    "ayah saya meninggal, cara urus akta kematiannya gimana",
    "cara mencatatkan pernikahan supaya dapat akta nikah",
    "ngurus akta cerai dimana",
    "anak saya umur 5 tahun perlu kia gak, cara buatnya",
    "mau pindah domisili ke deli serdang, surat pindahnya gimana",
    "nik saya gak terdaftar waktu daftar bpjs",
    "ngurus ktp bayar berapa sih",
    "bener gak ngurus kk harus lunas pbb dulu",
    "disdukcapil buka jam berapa hari sabtu",
    "puskesmas buka jam berapa, mau berobat",
    "ada cek kesehatan gratis gak di puskesmas",
    "imunisasi bayi gratis dimana ya",
    "cara bikin kartu kuning buat ngelamar kerja",
    "sampah rumah gak diangkut, gimana supaya diangkut petugas dan bayar retribusinya berapa",
    "cara dapat pupuk subsidi untuk petani",
    "nomor darurat yang bisa ditelpon berapa",
    "gimana cara bikin pengaduan lewat bot ini",
    "mau cek status laporan saya",
    "ke mana melapor kalau ada pungutan liar",
    "kemana lapor kalau ada kekerasan sama anak",
    "cara cek tagihan pbb dan bayarnya dimana",
    "sppt pbb saya gak sampai ke rumah",
    "bphtb itu apa, kapan harus dibayar",
    "pendaftaran sd negeri tahun ini kapan",
    "cara dapat pip buat anak sekolah",
    "mal pelayanan publik deli serdang dimana alamatnya",
    "cara bikin nib untuk usaha warung",
    "ngurus pbg izin bangunan rumah gimana",
    "izin pirt buat jualan kue rumahan",
    "syarat buat skck",
    "perpanjang sim dimana",
    "bikin paspor dimana ya",
    "balik nama sertifikat tanah",
    "listrik padam terus, lapor kemana",
    "bayar pajak motor dimana",
    "bpjs gratis dari pemerintah gimana daftarnya",
    "cara cek apakah saya dapat bansos pkh",
    "urus sktm buat berobat",
    "daftar bantuan bedah rumah",
)

# (category button label, description) for categories with an owning OPD that are neither
# sensitive (no privacy step) nor emergencies; written for this benchmark.
COMPLAINTS = (
    (
        "Jalan atau jembatan rusak",
        "Jalan di depan sekolah berlubang besar, sudah dua bulan tidak diperbaiki dan sering "
        "bikin pengendara jatuh",
    ),
    (
        "Parit, saluran air, genangan",
        "Parit di samping rumah kami tersumbat sampah sehingga air meluap ke jalan setiap hujan",
    ),
    (
        "Sampah dan kebersihan",
        "Tumpukan sampah di pinggir jalan dekat pajak sudah seminggu tidak diangkut, baunya "
        "menyengat",
    ),
    (
        "Pencemaran (limbah, bau, asap)",
        "Pabrik tahu di ujung gang membuang limbah ke sungai, airnya jadi hitam dan bau busuk",
    ),
    (
        "Lampu jalan, lampu lalu lintas",
        "Lampu jalan di simpang dekat masjid mati sudah tiga minggu, malam hari gelap sekali",
    ),
    (
        "Parkir, angkutan umum, rambu",
        "Rambu dilarang parkir di depan pasar roboh dan banyak mobil parkir sembarangan sampai "
        "macet",
    ),
    (
        "Ketertiban (PKL, bangunan atau reklame liar)",
        "Pedagang kaki lima berjualan di atas trotoar sehingga pejalan kaki terpaksa turun ke "
        "jalan",
    ),
    (
        "KTP, KK, akta, data kependudukan",
        "Sudah tiga bulan menunggu KTP elektronik dicetak tapi setiap ditanya jawabannya "
        "blangko kosong",
    ),
    (
        "Puskesmas dan kesehatan",
        "Puskesmas di kecamatan kami sering tutup sebelum jam dua belas siang padahal pasien "
        "masih antre",
    ),
    (
        "Sekolah SD, SMP, PAUD",
        "Atap ruang kelas SD negeri di desa kami bocor parah, murid terpaksa belajar di teras",
    ),
    (
        "Bantuan sosial, BPJS PBI",
        "Nenek saya terdaftar sebagai penerima bantuan PKH tapi sudah enam bulan bantuannya "
        "tidak cair",
    ),
    (
        "Rumah tidak layak huni, permukiman",
        "Rumah tetangga kami yang janda sudah hampir roboh, dindingnya retak dan atapnya bolong",
    ),
    (
        "Air bersih dan sanitasi",
        "Air bersih di perumahan kami tidak mengalir sudah empat hari, warga terpaksa beli air "
        "galon",
    ),
    (
        "Pupuk dan pertanian",
        "Kelompok tani kami belum menerima pupuk bersubsidi padahal sudah masuk musim tanam",
    ),
)

# Typed places that name one desa or kecamatan without ambiguity.
PLACES = (
    "Batang Kuis",
    "Pancur Batu",
    "Sunggal",
    "Labuhan Deli",
    "Pantai Labu",
    "desa Bandar Klippa, Percut Sei Tuan",
    "Pagar Jati, Lubuk Pakam",
    "Sei Rotan",
    "Tembung",
    "STM Hilir",
    "Sidodadi Batang Kuis",
    "kelurahan Cemara, Lubuk Pakam",
)

FLOW_STEPS = ("/lapor", "category", "description", "location", "no photos", "anonymous", "confirm")


# -- instrumentation (only in --instrument workers) -------------------------------------
class Meter:
    """Accumulates wall time per bucket; nested measured calls are not counted twice."""

    def __init__(self) -> None:
        self.ns: collections.Counter[str] = collections.Counter()
        self.count: collections.Counter[str] = collections.Counter()
        self.depth = 0

    def reset(self) -> None:
        """Forget warm-up and set-up: only the timed part counts."""
        self.ns.clear()
        self.count.clear()

    def wrap_async(self, bucket_of, func):
        @functools.wraps(func)
        async def wrapper(*args, **kwargs):
            if self.depth:
                return await func(*args, **kwargs)
            bucket = bucket_of(args) if callable(bucket_of) else bucket_of
            self.depth += 1
            started = time.perf_counter_ns()
            try:
                return await func(*args, **kwargs)
            finally:
                self.ns[bucket] += time.perf_counter_ns() - started
                self.count[bucket] += 1
                self.depth -= 1

        return wrapper

    def wrap_sync(self, bucket: str, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if self.depth:
                return func(*args, **kwargs)
            self.depth += 1
            started = time.perf_counter_ns()
            try:
                return func(*args, **kwargs)
            finally:
                self.ns[bucket] += time.perf_counter_ns() - started
                self.count[bucket] += 1
                self.depth -= 1

        return wrapper


def _sql_bucket(args: tuple) -> str:
    # aiosqlite: Connection._execute(self, fn, *args); for execute() args[2] is the SQL.
    sql = args[2] if len(args) > 2 and isinstance(args[2], str) else ""
    return "sqlite commit" if sql.strip().upper() == "COMMIT" else "sqlite other"


def instrument(meter: Meter, app, api) -> None:
    """Time SQLite round trips, the fake Bot API and the domain code, without changing them."""
    import aiosqlite

    from handlers.context import SERVICES_KEY

    aiosqlite.Connection._execute = meter.wrap_async(_sql_bucket, aiosqlite.Connection._execute)
    api.do_request = meter.wrap_async("fake bot api", api.do_request)
    svc = app.bot_data[SERVICES_KEY]
    assistant = svc.knowledge.assistant
    assistant.ask = meter.wrap_sync("domain", assistant.ask)
    assistant.is_emergency = meter.wrap_sync("domain", assistant.is_emergency)
    assistant.router.route = meter.wrap_sync("domain", assistant.router.route)
    svc.regions.resolve = meter.wrap_sync("domain", svc.regions.resolve)


# -- the workloads ------------------------------------------------------------------------
class Timer:
    def __init__(self) -> None:
        self.samples: list[int] = []

    async def __call__(self, awaitable):
        started = time.perf_counter_ns()
        result = await awaitable
        self.samples.append(time.perf_counter_ns() - started)
        return result


def last_with_buttons(calls):
    return [c for c in calls if c.buttons][-1]


async def faq_workload(sim, n: int, warmup: int, mark) -> dict:
    from bot.offline.simulator import Person
    from bot.presentation.callbacks import FEEDBACK

    # At most 10 messages per resident, far below the flood control (default 20 a minute).
    crowd = max(200, -(-(n + warmup) // 10))
    people = [Person(id=6_000_000 + i, first_name=f"Warga{i}") for i in range(crowd)]
    questions = itertools.cycle(FAQ_QUESTIONS)
    for i in range(warmup):
        await sim.send(next(questions), people[i % len(people)])
    timer, answered = Timer(), 0
    mark()
    watch = Stopwatch().start()
    for i in range(n):
        calls = await timer(sim.send(next(questions), people[i % len(people)]))
        if any(data.startswith(FEEDBACK + ":") for c in calls for _, data in c.buttons):
            answered += 1
        if i % 500 == 499:
            sim.api.calls.clear()
    return {
        **watch.stop(),
        "units": answered,
        "unit": "FAQ answer",
        "updates": n,
        "samples": timer.samples,
        "note": f"{answered}/{n} updates answered with a topic",
    }


async def file_complaint(sim, person, index: int, timers: dict[str, Timer] | None) -> str:
    """One complete flow; returns the ticket. `timers`: per-step latency, or None."""
    from bot.presentation import texts

    category, description = COMPLAINTS[index % len(COMPLAINTS)]
    place = PLACES[index % len(PLACES)]

    async def step(name: str, awaitable):
        if timers is None:
            return await awaitable
        return await timers[name](awaitable)

    calls = await step("/lapor", sim.send("/lapor", person))
    calls = await step("category", sim.press(last_with_buttons(calls), category, person))
    await step("description", sim.send(description, person))
    calls = await step("location", sim.send(place, person))
    if any(texts.FLOW_LOCATION_CHOOSE in c.text for c in calls):
        raise SystemExit(f"place {place!r} is ambiguous now; pick another one in PLACES")
    photos = last_with_buttons(calls)
    calls = await step("no photos", sim.press(photos, texts.BTN_NO_PHOTOS, person))
    calls = await step("anonymous", sim.press(last_with_buttons(calls), texts.BTN_ANON, person))
    summary = last_with_buttons(calls)
    if "Periksa pengaduan Anda" not in summary.text:
        raise SystemExit(f"flow {index}: expected the summary, got {summary.text[:200]!r}")
    calls = await step("confirm", sim.press(summary, texts.BTN_CONFIRM, person))
    done = [c for c in calls if "Nomor tiket" in c.text]
    if not done:
        raise SystemExit(f"flow {index}: no ticket: {[c.text[:120] for c in calls]}")
    return done[0].text


async def complaint_workload(sim, n: int, warmup: int, mark) -> dict:
    from bot.offline.simulator import Person

    for i in range(warmup):
        await file_complaint(sim, Person(id=7_900_000 + i), i, None)
    timers = {name: Timer() for name in FLOW_STEPS}
    mark()
    watch = Stopwatch().start()
    for i in range(n):
        await file_complaint(sim, Person(id=7_000_000 + i, first_name=f"Pelapor{i}"), i, timers)
    measured = watch.stop()
    samples = [s for t in timers.values() for s in t.samples]
    steps = {
        name: {
            "p50": percentile_ms(t.samples, 50),
            "p99": percentile_ms(t.samples, 99),
            "mean": sum(t.samples) / len(t.samples) / 1e6,
        }
        for name, t in timers.items()
    }
    return {
        **measured,
        "units": n,
        "unit": "complaint",
        "updates": len(samples),
        "samples": samples,
        "steps": steps,
        "note": f"{n} flows of 7 updates, each by a new resident",
    }


async def officer_workload(sim, app, n: int, warmup: int, mark) -> dict:
    from bot.offline.simulator import Person
    from bot.presentation import texts
    from handlers.context import SERVICES_KEY

    svc = app.bot_data[SERVICES_KEY]
    worker = svc.worker
    admin = Person(id=svc.settings.admin_ids[0], first_name="Admin", last_name="Kominfostan")
    opds = sorted({c.opd for c in svc.knowledge.knowledge.categories.values() if c.opd})
    for number, opd in enumerate(["kominfostan", *opds]):
        chat = {"id": -1001000000000 - number, "type": "supergroup", "title": f"Grup {opd}"}
        calls = await sim.send(f"/hubungkan {opd}", admin, chat=chat)
        if not any("sekarang terhubung" in c.text for c in calls):
            raise SystemExit(f"/hubungkan {opd} failed: {[c.text for c in calls]}")
    # Per-row delivery time: from outbox.begin (its own commit) to the end of _deliver.
    begun: dict[int, int] = {}
    row_ns: list[int] = []
    begin, deliver = worker.outbox.begin, worker._deliver

    async def timed_begin(row_id: int) -> bool:
        begun[row_id] = time.perf_counter_ns()
        return await begin(row_id)

    async def timed_deliver(row) -> None:
        await deliver(row)
        row_ns.append(time.perf_counter_ns() - begun.pop(row.id))

    worker.outbox.begin, worker._deliver = timed_begin, timed_deliver

    async def drain() -> float:
        started = time.perf_counter()
        while True:
            await worker.drain_all()  # 50 rounds of 20 rows at most: repeat until nothing is due
            if not await worker.outbox.due(worker.clock(), 1):
                return time.perf_counter() - started

    total = n + warmup
    for i in range(total):  # untimed: the complaints the officers will act on
        await file_complaint(sim, Person(id=7_500_000 + i), i, None)
    sim.api.calls.clear()
    row_ns.clear()
    deliver_s = await drain()
    delivered_rows = len(row_ns)
    cards = [
        c
        for c in sim.api.calls
        if c.method == "sendMessage" and (c.chat_id or 0) < 0 and "Pengaduan DS-" in c.text
    ]
    if len(cards) != total:
        raise SystemExit(f"expected {total} delivered cards, got {len(cards)}")
    officer = Person(id=8001, first_name="Siti", last_name="Petugas")

    async def act(batch_cards, label: str, timer: Timer | None) -> float:
        drained = 0.0
        for start in range(0, len(batch_cards), BATCH):
            for card in batch_cards[start : start + BATCH]:
                press = sim.press(card, label, officer)
                calls = await (timer(press) if timer else press)
                if not any(c.method == "answerCallbackQuery" for c in calls):
                    raise SystemExit(f"no answer to {label}")
            drained += await drain()
        return drained

    for label in (texts.BTN_ACCEPT, texts.BTN_PROCESS):  # warm-up on the first cards
        await act(cards[:warmup], label, None)
    timed_cards = cards[warmup:]
    press = Timer()
    row_ns.clear()
    mark()
    watch = Stopwatch().start()
    drain_s = 0.0
    for label in (texts.BTN_ACCEPT, texts.BTN_PROCESS):
        drain_s += await act(timed_cards, label, press)
    measured = watch.stop()
    rows = len(row_ns)
    status = dict(await svc.db.fetchall("SELECT status, COUNT(*) FROM complaint GROUP BY status"))
    outbox = await svc.outbox.counts()
    if status != {"diproses": total} or set(outbox) != {"sent"}:
        raise SystemExit(f"unexpected end state: complaints {status}, outbox {outbox}")
    return {
        **measured,
        "units": 2 * len(timed_cards),
        "unit": "officer action",
        "updates": len(press.samples),
        "samples": press.samples,
        "drain_s": drain_s,
        "rows": rows,
        "row_p50": percentile_ms(row_ns, 50),
        "row_p99": percentile_ms(row_ns, 99),
        "deliver_s": deliver_s,
        "delivered_rows": delivered_rows,
        "note": (
            f"{len(timed_cards)} cards x (Terima, Proses); {rows} outbox rows sent "
            f"(card edit + resident notice per action)"
        ),
    }


async def run_scenario(
    scenario: str,
    variant: str,
    size: int,
    meter: Meter | None,
    log: bool = True,
    profiler: Any = None,
) -> dict:
    from bot.app import build_application, running
    from bot.offline.local_api import LocalBotApi
    from bot.offline.simulator import Simulator
    from bot.settings import Settings
    from handlers.context import SERVICES_KEY

    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        path = Path(":memory:") if variant == "memory" else Path(tmp) / "bench.sqlite3"
        # Officers' presses come as fast as the bot answers (hundreds a minute into one
        # group): the benchmark measures handling, not the group flood guard.
        settings = Settings(
            _env_file=None,
            database_path=path,
            admin_ids=[ADMIN_ID],
            group_flood_messages=1_000_000,
        )
        if log:
            # As `python -m bot run` does (one INFO line per update), into a file.
            logging.basicConfig(
                level=settings.log_level,
                format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                filename=Path(tmp) / "bot.log",
            )
            logging.getLogger("httpx").setLevel(logging.WARNING)
        api = LocalBotApi()
        started = time.perf_counter()
        app = build_application(settings, api=api, run_worker=False)
        db = app.bot_data[SERVICES_KEY].db
        if variant == "NORMAL":
            db.synchronous = "NORMAL"  # what-if only; the project opens with FULL
        async with running(app):
            startup_s = time.perf_counter() - started
            mode = await db.fetchone("PRAGMA journal_mode")
            sync = await db.fetchone("PRAGMA synchronous")
            if meter is not None:
                instrument(meter, app, api)
            sim = Simulator(app, api)
            gc.collect()
            mark = meter.reset if meter is not None else (lambda: None)
            if profiler is not None:
                mark = profiler.enable
            if scenario == "faq":
                result = await faq_workload(sim, size, len(FAQ_QUESTIONS), mark)
            elif scenario == "complaint":
                result = await complaint_workload(sim, size, 5, mark)
            else:
                result = await officer_workload(sim, app, size, 5, mark)
            if profiler is not None:
                profiler.disable()
        if log:
            logging.shutdown()
            log_text = (Path(tmp) / "bot.log").read_text(encoding="utf-8")
            result["log_lines"] = log_text.count("\n")
        result["db"] = f"{mode[0]}, synchronous={ {0: 'OFF', 1: 'NORMAL', 2: 'FULL'}[sync[0]] }"
        result["startup_s"] = startup_s
    result.update(scenario=scenario, variant=variant)
    samples = result.pop("samples")
    result.update(
        p50=percentile_ms(samples, 50),
        p99=percentile_ms(samples, 99),
        max=max(samples) / 1e6,
        mean=sum(samples) / len(samples) / 1e6,
    )
    if meter is not None:
        result["buckets_ns"] = dict(meter.ns)
        result["bucket_calls"] = dict(meter.count)
    return result


# -- driver ---------------------------------------------------------------------------------
SIZES = {"faq": 3000, "complaint": 300, "officer": 300}


def worker_command(
    scenario: str, variant: str, size: int, instrumented: bool, log: bool = True
) -> list[str]:
    command = [sys.executable, __file__, "--worker", scenario, variant, str(size)]
    return command + (["--instrument"] if instrumented else []) + ([] if log else ["--no-log"])


def rate(result: dict) -> float:
    return result["units"] / result["wall_s"]


def median_run(runs: list[dict]) -> dict:
    """The run with the median throughput, annotated with the range over all runs."""
    ordered = sorted(runs, key=rate)
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["range"] = (rate(ordered[0]), rate(ordered[-1]))
    chosen["runs"] = len(runs)
    return chosen


def main_table(results: list[dict]) -> list[str]:
    header = (
        "workload",
        "unit",
        "units",
        "updates",
        "wall s",
        "units/s",
        "range units/s",
        "updates/s",
        "p50 ms/upd",
        "p99 ms/upd",
        "max ms",
        "CPU %",
        "others",
        "target",
        "met",
    )
    rows = []
    names = {
        "faq": "(a) FAQ questions",
        "complaint": "(b) complaint flows",
        "officer": "(c) officer actions + drain",
    }
    for r in results:
        target = TARGETS.get(r["scenario"])
        low, high = r.get("range", (rate(r), rate(r)))
        rows.append(
            (
                names[r["scenario"]],
                r["unit"],
                str(r["units"]),
                str(r["updates"]),
                f"{r['wall_s']:.2f}",
                f"{rate(r):,.0f}",
                f"{low:,.0f}-{high:,.0f}",
                f"{r['updates'] / r['wall_s']:,.0f}",
                f"{r['p50']:.2f}",
                f"{r['p99']:.2f}",
                f"{r['max']:.1f}",
                f"{100 * r['cpu_s'] / r['wall_s']:.0f}",
                f"{r['others_cores']:.2f}",
                f">= {target:,.0f}/s" if target else "-",
                ("yes" if rate(r) >= target else "NO") if target else "-",
            )
        )
    return table(header, rows, left=2)


def steps_table(result: dict) -> list[str]:
    steps = result["steps"]
    flow_mean = sum(s["mean"] for s in steps.values())
    rows = [
        (
            name,
            f"{s['p50']:.2f}",
            f"{s['p99']:.2f}",
            f"{s['mean']:.2f}",
            f"{100 * s['mean'] / flow_mean:.0f}%",
        )
        for name, s in steps.items()
    ]
    rows.append(("whole flow (sum of means)", "", "", f"{flow_mean:.2f}", "100%"))
    return table(("step of (b)", "p50 ms", "p99 ms", "mean ms", "share"), rows)


def officer_lines(result: dict) -> list[str]:
    r = result
    return [
        f"(c) presses alone: {r['updates']} updates in {r['wall_s'] - r['drain_s']:.2f} s; "
        f"outbox drain: {r['rows']} rows in {r['drain_s']:.2f} s "
        f"= {r['rows'] / r['drain_s']:,.0f} rows/s, per row p50 {r['row_p50']:.2f} ms, "
        f"p99 {r['row_p99']:.2f} ms (begin + send + mark sent)",
        f"(c) before the timed part, delivering the cards: {r['delivered_rows']} rows "
        f"(card + 'diteruskan' notice per complaint) in {r['deliver_s']:.2f} s "
        f"= {r['delivered_rows'] / r['deliver_s']:,.0f} rows/s",
    ]


BUCKETS = ("sqlite commit", "sqlite other", "fake bot api", "domain")


def breakdown_table(results: list[dict]) -> list[str]:
    header = (
        "workload (instrumented)",
        "ms/unit",
        "SQLite COMMIT",
        "other SQLite",
        "fake Bot API",
        "domain",
        "rest: PTB+handlers",
        "commits/unit",
        "SQL round trips/unit",
    )
    rows = []
    for r in results:
        units = r["units"]
        total = r["wall_s"] * 1e3 / units
        parts = [r["buckets_ns"].get(b, 0) / 1e6 / units for b in BUCKETS]
        rest = total - sum(parts)

        def cell(ms: float, total: float = total) -> str:
            return f"{ms:.3f} ({100 * ms / total:.0f}%)"

        calls = r["bucket_calls"]
        rows.append(
            (
                f"{r['scenario']} ({r['unit']})",
                f"{total:.3f}",
                *(cell(p) for p in parts),
                cell(rest),
                f"{calls.get('sqlite commit', 0) / units:.1f}",
                f"{(calls.get('sqlite commit', 0) + calls.get('sqlite other', 0)) / units:.1f}",
            )
        )
    return table(header, rows)


def variants_table(results: list[dict]) -> list[str]:
    by = {(r["scenario"], r["variant"]): r for r in results}
    header = ("workload", *(f"{v} units/s" for v in VARIANTS), *(f"{v} p50 ms" for v in VARIANTS))
    rows = []
    for scenario in SCENARIOS:
        got = [by.get((scenario, v)) for v in VARIANTS]
        rows.append(
            (
                f"{scenario} ({got[0]['unit'] if got[0] else ''})",
                *(f"{rate(r):,.0f}" if r else "-" for r in got),
                *(f"{r['p50']:.2f}" if r else "-" for r in got),
            )
        )
    return table(header, rows)


def profile(scenario: str, size: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()  # enabled for the timed part only
    asyncio.run(run_scenario(scenario, "FULL", size, None, profiler=profiler))
    stats = pstats.Stats(profiler).sort_stats("tottime")
    stats.print_stats(30)
    project = re.escape(str(PROJECT_ROOT))
    stats.sort_stats("cumulative").print_stats(rf"{project}/(bot|handlers|faq|db)/", 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a third of the work")
    parser.add_argument("--faq", type=int, help=f"FAQ updates (default {SIZES['faq']})")
    parser.add_argument("--flows", type=int, help=f"complaint flows (default {SIZES['complaint']})")
    parser.add_argument(
        "--cards", type=int, help=f"cards officers act on (default {SIZES['officer']})"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="fresh processes per workload; the median run is shown (default 3)",
    )
    parser.add_argument(
        "--variants",
        action="store_true",
        help="also run every workload with synchronous=NORMAL and with :memory:",
    )
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the instrumented breakdown runs"
    )
    parser.add_argument(
        "--no-log",
        action="store_true",
        help="no logging (default: INFO lines to a file, as `python -m bot run` logs)",
    )
    parser.add_argument("--profile", choices=SCENARIOS, help="cProfile one workload, in-process")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--instrument", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        scenario, variant, size = args.worker
        meter = Meter() if args.instrument else None
        result = asyncio.run(run_scenario(scenario, variant, int(size), meter, not args.no_log))
        print(json.dumps(result))
        return
    scale = 3 if args.quick else 1
    sizes = {
        "faq": args.faq or SIZES["faq"] // scale,
        "complaint": args.flows or SIZES["complaint"] // scale,
        "officer": args.cards or SIZES["officer"] // scale,
    }
    if args.profile:
        profile(args.profile, sizes[args.profile])
        return

    started = time.perf_counter()
    print("Whole-application benchmark: real Application, LocalBotApi transport, Simulator")
    print(*machine_info(), sep="\n")
    print(
        "method    one update at a time (as the Application runs them), each workload in a "
        "fresh process\n          on a fresh temp-file database; latency = Simulator call "
        "around Application.process_update"
    )
    logging_line = "none (--no-log)" if args.no_log else "INFO lines into a file, as `bot run` logs"
    print(f"logging   {logging_line}")
    print()
    variants_run = VARIANTS if args.variants else VARIANTS[:1]
    runs: dict[tuple[str, str], list[dict]] = {}
    for scenario in SCENARIOS:
        for number in range(args.repeat):
            for variant in variants_run:  # alternating, so machine load hits all alike
                command = worker_command(scenario, variant, sizes[scenario], False, not args.no_log)
                label = f"{scenario}/{variant} run {number + 1}/{args.repeat}"
                runs.setdefault((scenario, variant), []).append(run_json_worker(command, label))
    results = [median_run(runs[(s, "FULL")]) for s in SCENARIOS]
    variants = [median_run(runs[(s, v)]) for s in SCENARIOS for v in variants_run[1:]]
    breakdown = []
    if not args.no_breakdown:
        breakdown = [
            run_json_worker(
                worker_command(s, "FULL", max(1, sizes[s] // 3), True, not args.no_log),
                f"{s}/instrumented",
            )
            for s in SCENARIOS
        ]

    print(f"database  {results[0]['db']} (the project's Database class, temp file)")
    print(
        f"runs      {args.repeat} fresh process(es) per workload; each row is the median run "
        "by units/s,\n          'range' is the slowest and fastest run"
    )
    print()
    print(*main_table(results), sep="\n")
    print()
    for r in results:
        print(f"{r['scenario']}: {r['note']}; app start-up {r['startup_s']:.2f} s (untimed)")
    print(*officer_lines(results[2]), sep="\n")
    print()
    print(*steps_table(results[1]), sep="\n")
    if breakdown:
        print()
        print(
            "Where the time goes (separate instrumented runs, a third of the size; "
            "instrumentation adds some overhead):"
        )
        print(*breakdown_table(breakdown), sep="\n")
        print(
            "SQLite COMMIT: awaiting aiosqlite's COMMIT (the WAL fsync with synchronous=FULL); "
            "other SQLite: every\nother statement, fetch and cursor close, each a round trip "
            "to aiosqlite's thread; domain: Assistant.ask,\nis_emergency, Router.route, "
            "Regions.resolve; rest: python-telegram-bot (parsing, filters, request\n"
            "building, JSON), handler code, simulator."
        )
    if variants:
        print()
        print(
            "What durability costs (same workloads, median of the same number of runs, "
            "alternating with\nthe FULL runs; NORMAL and memory are NOT the project's "
            "setting, shown only to attribute time):"
        )
        print(*variants_table(results + variants), sep="\n")
    print()
    print(
        "units/s: units / wall time of the timed part; p50/p99 per update (nearest rank); "
        "CPU %: process CPU time\n(both threads) / wall time, 100 = one core busy; others: "
        "cores the rest of the machine kept busy meanwhile. "
        f"(c) includes draining the outbox after every {BATCH} presses."
    )
    print(f"total benchmark time {time.perf_counter() - started:.0f} s")
    if args.json:
        payload = {"results": results, "breakdown": breakdown, "variants": variants}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
