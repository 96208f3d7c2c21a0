"""Benchmark: memory (RSS) of the bot, and the SQLite file with 100,000 complaints.

Run from the project root:

    .venv/bin/python bench/bench_memory.py            # about 1 minute on 2 cores
    .venv/bin/python bench/bench_memory.py --quick    # 20,000 complaints, fewer lifecycles

Every measurement runs in its own fresh Python process, one after another, so memory
does not bleed from one into the next. RSS is `VmRSS` from /proc/self/status after
`gc.collect()`; peak is `VmHWM`.

1. python: the bare interpreter.
2. imports: `import bot.app` (the project, python-telegram-bot, aiosqlite, rapidfuzz,
   Sastrawi, pydantic, PyYAML), nothing loaded.
3. FAQ loaded: `LiveKnowledge(...)` on the shipped FAQ: the knowledge base and the
   `Assistant` (lexicon, normaliser, matcher index, router).
4. bot running: `build_application(settings, api=LocalBotApi(), run_worker=False)` inside
   `running(app)` on an empty temp database (regions and calendar loaded too), after
   answering 100 FAQ questions and taking 10 complete complaints.
5. storing complaints: 100,000 complaints written into a temp-file database by DIRECT SQL
   INSERTs through the project's `Database` connection (executemany, 10,000 complaints per
   transaction), row for row what `Submissions.submit` stores: the resident (about
   2.5 complaints each), the complaint (ticket from `new_ticket`, `redact`ed description,
   `fingerprint`, desa/kecamatan resolved by `Regions`, the OPD from
   `complaints.routing.route` of the same draft), its `dibuat` event and its pending `card`
   outbox row. RSS of that process.
   (`submit` itself does one fsynced transaction per complaint, a few minutes for 100,000;
   bench_storage.py measures it.)
6. bot on 100k: a fresh bot process opened on that database, after the same traffic as in
   4 plus /status of 20 residents with complaints (mean latency of those updates shown, to
   see whether a big database slows the bot).

Then the SQLite file: its size with 100,000 complaints as submitted (after a checkpoint),
bytes per complaint by table (`dbstat`), and bytes per complaint after a FULL lifecycle
measured on real traffic (filed through the Application, card delivered, Terima, Proses,
Selesai with a note, rated 5; every outbox row sent), extrapolated to 100,000.
This is a script, not a pytest test.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import PROJECT_ROOT, machine_info, rss_kib, run_json_worker, table

ADMIN_ID = 4242
COMPLAINTS_PER_BATCH = 10_000
# Extra sentences (written for this benchmark) so descriptions vary in length and text.
DETAILS = (
    "Mohon segera ditindaklanjuti.",
    "Sudah pernah kami sampaikan ke kepala desa tetapi belum ada tindakan.",
    "Warga sekitar sangat terganggu, apalagi anak-anak dan orang tua.",
    "Kejadiannya paling parah pada sore hari setelah hujan deras.",
    "Kami sudah gotong royong membersihkan tapi masalahnya kembali lagi.",
    "Lokasinya tidak jauh dari sekolah dan masjid.",
    "",
)


def mib(kib: int) -> float:
    return kib / 1024


def file_mib(path: str) -> float:
    return os.path.getsize(path) / 2**20 if os.path.exists(path) else 0.0


def measured(label: str, **extra) -> dict:
    gc.collect()
    current, peak = rss_kib()
    return {"label": label, "rss_mib": mib(current), "peak_mib": mib(peak), **extra}


# -- workers ----------------------------------------------------------------------------------
def worker_python() -> dict:
    return measured("python")


def worker_imports() -> dict:
    import bot.app  # noqa: F401

    return measured("imports")


def worker_faq() -> dict:
    import bot.app  # noqa: F401
    from bot.services.knowledge import LiveKnowledge

    gc.collect()
    before, _ = rss_kib()
    started = time.perf_counter()
    knowledge = LiveKnowledge(PROJECT_ROOT / "faq" / "content", PROJECT_ROOT / "data" / "opd.yaml")
    load_s = time.perf_counter() - started
    result = measured("FAQ loaded", load_s=load_s, topics=len(knowledge.knowledge.topics))
    result["delta_mib"] = result["rss_mib"] - mib(before)
    return result


async def traffic(app, api, *, residents_with_complaints: list[int] = ()) -> tuple[int, float]:
    """100 FAQ questions, 10 complete complaints, /status of some residents; returns the
    number of updates and their mean latency in ms."""
    from bench_app import FAQ_QUESTIONS, file_complaint

    from bot.offline.simulator import Person, Simulator

    sim = Simulator(app, api)
    started = time.perf_counter()
    for number in range(100):
        await sim.send(FAQ_QUESTIONS[number % len(FAQ_QUESTIONS)], Person(id=6_100_000 + number))
    for number in range(10):
        await file_complaint(sim, Person(id=6_200_000 + number), number, None)
    for telegram_id in residents_with_complaints:
        calls = await sim.send("/status", Person(id=telegram_id))
        if not any("DS-" in c.text for c in calls):
            raise SystemExit(f"/status of {telegram_id} shows no ticket")
    updates = 100 + 10 * 7 + len(residents_with_complaints)
    mean_ms = (time.perf_counter() - started) * 1000 / updates
    api.calls.clear()
    return updates, mean_ms


async def worker_app(path: str | None) -> dict:
    from bot.app import build_application, running
    from bot.offline.local_api import LocalBotApi
    from bot.settings import Settings

    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        database = Path(path) if path else Path(tmp) / "bench.sqlite3"
        settings = Settings(_env_file=None, database_path=database, admin_ids=[ADMIN_ID])
        api = LocalBotApi()
        app = build_application(settings, api=api, run_worker=False)
        async with running(app):
            after_start = measured("started")["rss_mib"]
            ids: list[int] = []
            if path:
                from handlers.context import SERVICES_KEY

                rows = await app.bot_data[SERVICES_KEY].db.fetchall(
                    "SELECT telegram_id FROM resident WHERE id IN"
                    " (SELECT resident_id FROM complaint ORDER BY random() LIMIT 20)"
                )
                ids = [int(r[0]) for r in rows]
            updates, mean_ms = await traffic(app, api, residents_with_complaints=ids)
            label = "bot on 100k" if path else "bot running"
            return measured(label, started_mib=after_start, updates=updates, mean_ms=mean_ms)


def description_for(number: int, rng: random.Random) -> tuple[int, str]:
    from bench_app import COMPLAINTS

    index = number % len(COMPLAINTS)
    detail = rng.choice(DETAILS)
    text = COMPLAINTS[index][1]
    text += f", dekat rumah nomor {rng.randint(1, 250)}."
    return index, (text + " " + detail).strip()


async def worker_store(path: str, count: int) -> dict:
    """Write `count` complaints as submit stores them, by direct SQL, in big transactions."""
    from bench_app import COMPLAINTS, PLACES

    from bot.services.calendar import WorkingCalendar
    from bot.services.complaints import ComplaintService, Draft, fingerprint
    from bot.services.complaints.routing import route
    from bot.services.knowledge import LiveKnowledge
    from bot.services.redaction import redact
    from bot.services.regions import Regions
    from bot.services.tickets import new_ticket
    from db import Database, db_time

    knowledge = LiveKnowledge(PROJECT_ROOT / "faq" / "content", PROJECT_ROOT / "data" / "opd.yaml")
    calendar = WorkingCalendar.load(PROJECT_ROOT / "data" / "holidays.yaml")
    regions = Regions.load()
    db = Database(path)
    await db.open()
    service = ComplaintService(db, knowledge, calendar)
    by_label = {c.label: c for c in knowledge.knowledge.categories.values()}
    places = [(text, regions.resolve(text).certain) for text in PLACES]
    routes: dict[tuple[int, int], tuple[str, float, str | None]] = {}
    rng = random.Random(20250101)
    residents = max(1, int(count / 2.5))
    started = time.perf_counter()
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO resident (telegram_id, chat_id, created_at) VALUES (?, ?, ?)",
            [
                (50_000_000 + i, 50_000_000 + i, "2025-01-01T00:00:00.000Z")
                for i in range(residents)
            ],
        )
    tickets: set[str] = set()
    moment = time.time() - 365 * 86400  # spread over the past year
    step = 365 * 86400 / max(1, count)
    done = 0
    while done < count:
        batch_complaints, batch_meta = [], []
        for number in range(done, min(count, done + COMPLAINTS_PER_BATCH)):
            index, description = description_for(number, rng)
            label = COMPLAINTS[index][0]
            place_text, place = places[number % len(places)]
            category = by_label[label]
            key = (index, number % len(places))
            if key not in routes:
                draft = Draft(
                    resident_id=0,
                    category=category.id,
                    description=COMPLAINTS[index][1],
                    kecamatan_code=place.kecamatan.code,
                    kecamatan_name=place.kecamatan.name,
                )
                decision = route(draft, knowledge)
                routes[key] = (decision.opd, decision.score, decision.triage_reason)
            opd_id, score, reason = routes[key]
            ticket = new_ticket()
            while ticket in tickets:  # the service retries on a collision, so do we
                ticket = new_ticket()
            tickets.add(ticket)
            created = db_time(dt.datetime.fromtimestamp(moment + number * step, dt.UTC))
            batch_complaints.append(
                (
                    ticket,
                    1 + rng.randrange(residents),
                    secrets.token_hex(8),
                    category.id,
                    description,
                    redact(description),
                    fingerprint(description),
                    place.desa.code if place.desa else None,
                    place.desa.name if place.desa else None,
                    place.kecamatan.code,
                    place.kecamatan.name,
                    None,
                    None,
                    place_text,
                    opd_id,
                    score,
                    reason,
                    int(category.sensitive),
                    int(category.emergency),
                    0,
                    None,
                    None,
                    created,
                    created,
                )
            )
            batch_meta.append((ticket, opd_id, created))
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO complaint (ticket, resident_id, draft_nonce, category,"
                " description, description_redacted, fingerprint, desa_code, desa_name,"
                " kecamatan_code, kecamatan_name, latitude, longitude, location_text,"
                " opd_id, route_score, triage_reason, sensitive, emergency, share_identity,"
                " reporter_name, reporter_phone, status, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " 'baru', ?, ?)",
                batch_complaints,
            )
            first = (await db.conn.execute_fetchall("SELECT MAX(id) FROM complaint"))[0][0]
            first = first - len(batch_meta) + 1
            await conn.executemany(
                "INSERT INTO complaint_event (complaint_id, action, status_from, status_to,"
                " opd_id, actor_kind, created_at) VALUES (?, 'dibuat', NULL, 'baru', ?,"
                " 'resident', ?)",
                [(first + i, opd, created) for i, (_, opd, created) in enumerate(batch_meta)],
            )
            await conn.executemany(
                "INSERT INTO outbox (kind, complaint_id, payload, created_at, next_attempt_at)"
                " VALUES ('card', ?, '{}', ?, ?)",
                [(first + i, created, created) for i, (_, _, created) in enumerate(batch_meta)],
            )
        done += len(batch_meta)
    write_s = time.perf_counter() - started
    result = measured("storing 100k", complaints=count, write_s=write_s)
    # Check: the rows read back through the service as complaints it wrote itself.
    sample = rng.sample(sorted(tickets), 50)
    for ticket in sample:
        complaint = await service.by_ticket(ticket)
        if complaint is None or complaint.status != "baru" or not complaint.description:
            raise SystemExit(f"complaint {ticket} does not read back")
        if [e.action for e in await service.timeline(complaint.id)] != ["dibuat"]:
            raise SystemExit(f"complaint {ticket}: unexpected timeline")
    check = (await db.fetchone("PRAGMA integrity_check"))[0]
    foreign = await db.fetchall("PRAGMA foreign_key_check")
    if check != "ok" or foreign:
        raise SystemExit(f"integrity {check}, foreign keys {foreign[:3]}")
    result["description_chars"] = (
        await db.fetchone("SELECT AVG(LENGTH(description)) FROM complaint")
    )[0]
    result["wal_mib_before_checkpoint"] = file_mib(path + "-wal")
    await db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
    result["file_mib"] = file_mib(path)
    result["tables"] = await table_bytes(db)
    result["tables_used"] = await table_bytes(db, used=True)
    await db.close()
    return result


async def table_bytes(db, *, used: bool = False) -> dict[str, int]:
    """Bytes per table, its indexes included (dbstat): pages on disk, or with `used` the
    bytes actually used in them (no rounding to whole pages, for per-row estimates)."""
    size = "s.pgsize - s.unused" if used else "s.pgsize"
    rows = await db.fetchall(
        f"SELECT COALESCE(m.tbl_name, s.name), SUM({size}) FROM dbstat s"
        " LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1"
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def worker_lifecycle(count: int) -> dict:
    """Bytes per complaint: as submitted, and after a full lifecycle through the real app."""
    from bench_app import file_complaint

    from bot.app import build_application, running
    from bot.offline.local_api import LocalBotApi
    from bot.offline.simulator import Person, Simulator
    from bot.presentation import texts
    from bot.settings import Settings
    from handlers.context import SERVICES_KEY

    with tempfile.TemporaryDirectory(prefix="bench-lifecycle-") as tmp:
        settings = Settings(
            _env_file=None, database_path=Path(tmp) / "life.sqlite3", admin_ids=[ADMIN_ID]
        )
        api = LocalBotApi()
        app = build_application(settings, api=api, run_worker=False)
        async with running(app):
            svc = app.bot_data[SERVICES_KEY]
            sim = Simulator(app, api)
            admin = Person(id=ADMIN_ID, first_name="Admin")
            opds = sorted({c.opd for c in svc.knowledge.knowledge.categories.values() if c.opd})
            for number, opd in enumerate(["kominfostan", *opds]):
                chat = {"id": -1002000000000 - number, "type": "supergroup", "title": opd}
                await sim.send(f"/hubungkan {opd}", admin, chat=chat)
            await svc.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
            empty = await table_bytes(svc.db, used=True)
            people = [Person(id=6_300_000 + i) for i in range(count)]
            for number, person in enumerate(people):
                await file_complaint(sim, person, number, None)
            await svc.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
            submitted = await table_bytes(svc.db, used=True)
            officer = Person(id=8001, first_name="Siti", last_name="Petugas")
            api.calls.clear()
            await svc.worker.drain_all()
            cards = [
                c
                for c in api.calls
                if c.method == "sendMessage" and (c.chat_id or 0) < 0 and "Pengaduan DS-" in c.text
            ]
            for card in cards:
                await sim.press(card, texts.BTN_ACCEPT, officer)
                await svc.worker.drain_all()
                await sim.press(card, texts.BTN_PROCESS, officer)
                await svc.worker.drain_all()
                key = (card.chat_id, card.result["message_id"])
                edit = [
                    c
                    for c in api.calls
                    if c.method == "editMessageText"
                    and (c.chat_id, int(c.params["message_id"])) == key
                ][-1]
                calls = await sim.press(edit, texts.BTN_FINISH, officer)
                [ask] = [c for c in calls if c.method == "sendMessage"]
                group = {"id": card.chat_id, "type": "supergroup", "title": "grup"}
                await sim.send(
                    "Sudah kami tangani di lokasi, terima kasih atas laporannya.",
                    officer,
                    chat=group,
                    reply_to=ask.result,
                )
                before = len(api.calls)
                await svc.worker.drain_all()
                [done] = [
                    c for c in api.calls[before:] if c.chat_id and c.chat_id > 0 and c.buttons
                ]
                resident = next(p for p in people if p.id == done.chat_id)
                await sim.press(done, "5", resident)
                await svc.worker.drain_all()
            status = dict(
                await svc.db.fetchall("SELECT status, COUNT(*) FROM complaint GROUP BY 1")
            )
            outbox = await svc.outbox.counts()
            if status != {"ditutup": count} or set(outbox) != {"sent"}:
                raise SystemExit(f"lifecycle end state: {status}, outbox {outbox}")
            rows = {
                name: (await svc.db.fetchone(f"SELECT COUNT(*) FROM {name}"))[0] / count
                for name in ("complaint_event", "outbox", "complaint_message", "officer_prompt")
            }
            await svc.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
            closed = await table_bytes(svc.db, used=True)
    return {
        "label": "lifecycle",
        "count": count,
        "empty": empty,
        "submitted": submitted,
        "closed": closed,
        "rows_per_complaint": rows,
    }


# -- driver -----------------------------------------------------------------------------------
def run(worker: str, *extra: str) -> dict:
    command = [sys.executable, __file__, "--worker", worker, *extra]
    return run_json_worker(command, worker)


def per_complaint(after: dict[str, int], before: dict[str, int], count: int) -> dict[str, float]:
    names = set(after) | set(before)
    return {n: (after.get(n, 0) - before.get(n, 0)) / count for n in names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 complaints, 50 lifecycles")
    parser.add_argument("--complaints", type=int, help="complaints to store (default 100,000)")
    parser.add_argument("--lifecycles", type=int, help="complaints taken through a lifecycle")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, *extra = args.worker
        if name == "python":
            result = worker_python()
        elif name == "imports":
            result = worker_imports()
        elif name == "faq":
            result = worker_faq()
        elif name == "app":
            result = asyncio.run(worker_app(extra[0] if extra else None))
        elif name == "store":
            result = asyncio.run(worker_store(extra[0], int(extra[1])))
        else:
            result = asyncio.run(worker_lifecycle(int(extra[0])))
        print(json.dumps(result))
        return
    count = args.complaints or (20_000 if args.quick else 100_000)
    lifecycles = args.lifecycles or (50 if args.quick else 200)
    started = time.perf_counter()
    print("Memory benchmark: RSS of the bot, and SQLite size with many complaints")
    print(*machine_info(fsync=False), sep="\n")
    print("method    each row measured in its own fresh process, one after another")
    print()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        path = str(Path(tmp) / "many.sqlite3")
        results = [run("python"), run("imports"), run("faq"), run("app")]
        stored = run("store", path, str(count))
        results.append(stored)
        results.append(run("app", path))
        size_after_bot, wal_after_bot = file_mib(path), file_mib(path + "-wal")
    life = run("lifecycle", str(lifecycles))
    base = results[1]["rss_mib"]
    rows = []
    for r in results:
        detail = ""
        if r["label"] == "FAQ loaded":
            detail = f"{r['topics']} topics, loaded in {r['load_s']:.2f} s"
        elif r["label"] in ("bot running", "bot on 100k"):
            detail = (
                f"{r['started_mib']:.1f} MiB right after start; {r['updates']} updates, "
                f"{r['mean_ms']:.2f} ms each"
            )
        elif r["label"] == "storing 100k":
            detail = f"{r['complaints']:,} complaints written in {r['write_s']:.1f} s"
        label = {
            "storing 100k": f"storing {count:,} complaints",
            "bot on 100k": f"bot on {count:,}",
        }
        rows.append(
            (
                label.get(r["label"], r["label"]),
                f"{r['rss_mib']:.1f}",
                f"{r['rss_mib'] - base:+.1f}" if r["label"] != "python" else "",
                f"{r['peak_mib']:.1f}",
                detail,
            )
        )
    header = ("process state", "RSS MiB", "vs imports", "peak MiB", "detail")
    print(*table(header, rows, also_left=(4,)), sep="\n")
    print()
    print(
        f"SQLite file with {count:,} complaints as submitted: {stored['file_mib']:.1f} MiB after "
        f"a checkpoint (WAL was {stored['wal_mib_before_checkpoint']:.1f} MiB before it); "
        f"mean description {stored['description_chars']:.0f} characters"
    )
    print(
        f"after the bot ran on it and stopped: file {size_after_bot:.1f} MiB, WAL "
        f"{wal_after_bot:.1f} MiB"
    )
    print()
    submitted = per_complaint(life["submitted"], life["empty"], lifecycles)
    closed = per_complaint(life["closed"], life["empty"], lifecycles)
    pages, used = stored["tables"], stored["tables_used"]
    fill = sum(used.values()) / sum(pages.values())
    names = sorted(set(pages) | set(closed), key=lambda n: -max(closed.get(n, 0), 0))
    size_rows = []
    for name in names:
        if used.get(name, 0) / count < 1 and closed.get(name, 0) < 1:
            continue  # empty tables: one or two pages
        size_rows.append(
            (
                name,
                f"{pages.get(name, 0) / 2**20:.1f}",
                f"{used.get(name, 0) / count:.0f}",
                f"{submitted.get(name, 0):.0f}",
                f"{closed.get(name, 0):.0f}",
                f"{closed.get(name, 0) * count / fill / 2**20:.1f}",
            )
        )
    total_closed = sum(closed.values())
    size_rows.append(
        (
            "all tables",
            f"{sum(pages.values()) / 2**20:.1f}",
            f"{sum(used.values()) / count:.0f}",
            f"{sum(submitted.values()):.0f}",
            f"{total_closed:.0f}",
            f"{total_closed * count / fill / 2**20:.1f}",
        )
    )
    print(
        *table(
            (
                "table (+ its indexes)",
                f"MiB on disk, {count:,} submitted",
                "used B/compl.",
                "used B/compl., app-filed",
                "used B/compl., app-closed",
                f"est. MiB, {count:,} closed",
            ),
            size_rows,
        ),
        sep="\n",
    )
    per = life["rows_per_complaint"]
    print()
    print(
        f"a closed complaint (real app, {lifecycles} complaints): "
        + ", ".join(f"{v:.1f} {k} rows" for k, v in per.items())
        + "; the outbox is never pruned"
    )
    print(
        "used B/compl.: bytes used in the pages of the table and its indexes (dbstat), per "
        f"complaint;\napp-filed / app-closed: {lifecycles} complaints filed (and then closed) "
        "through the real Application,\nshorter descriptions than the direct-SQL rows; est.: "
        f"app-closed x {count:,} / page fill ({100 * fill:.0f}% in the big file)."
    )
    print(f"total benchmark time {time.perf_counter() - started:.0f} s")
    if args.json:
        payload = {"processes": results, "lifecycle": life}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
