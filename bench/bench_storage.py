"""Benchmark: durable complaint writes per second, through `ComplaintService.submissions.submit`.

Run from the project root:

    .venv/bin/python bench/bench_storage.py            # full run (about 1 minute on 2 cores)
    .venv/bin/python bench/bench_storage.py --quick    # a third of the work

Three databases side by side, each in its own fresh process, each with the real schema
(`db.Database.open()` runs the migrations):

* FULL    `Database(path)`: the project's setting (WAL, synchronous=FULL: an fsync of the
          WAL at every commit, so a confirmed complaint survives a power cut);
* NORMAL  `Database(path, synchronous="NORMAL")` (WAL, no fsync at commit: a power cut can
          lose the last transactions, never corrupt the file);
* memory  `Database(":memory:")` (nothing on disk: the cost of the statements alone).

For each, complaints are submitted one after another with the real
`ComplaintService.submissions.submit(draft)`: routing (category rule, text, location),
duplicate check, INSERT of the complaint, its first event and its outbox card, DELETE of
the draft and the read-back, in one transaction. Each draft is built as the complaint flow
builds it (category id, description, desa and kecamatan resolved from a typed place with
`Regions.resolve`, anonymous) by its own resident; the residents are inserted beforehand,
untimed. The time of `complaints.routing.route` alone is measured separately, to show how
much of a submit is CPU.

For reference, the raw commit rate of a one-row INSERT transaction is measured on the same
database: through the project's `Database.transaction()` (aiosqlite: a thread round trip
per statement), and with the standard `sqlite3` module directly (same pragmas, no thread).
This is a script, not a pytest test.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (
    PROJECT_ROOT,
    Stopwatch,
    machine_info,
    percentile_ms,
    run_json_worker,
    table,
)

CONFIGS = ("FULL", "NORMAL", "memory")
SIZES = {"submit": 2000, "raw": 3000}


def drafts(knowledge, regions, resident_ids: list[int]) -> list:
    """One Draft per resident, as the flow leaves it at the confirm step."""
    from bench_app import COMPLAINTS, PLACES

    from bot.services.complaints import Draft

    by_label = {c.label: c.id for c in knowledge.knowledge.categories.values()}
    places = []
    for text in PLACES:
        found = regions.resolve(text).certain
        if found is None:
            raise SystemExit(f"place {text!r} no longer resolves with certainty")
        places.append((text, found.desa, found.kecamatan))
    made = []
    for number, resident_id in enumerate(resident_ids):
        label, description = COMPLAINTS[number % len(COMPLAINTS)]
        text, desa, kecamatan = places[number % len(places)]
        made.append(
            Draft(
                resident_id=resident_id,
                step="confirm",
                category=by_label[label],
                description=description,
                desa_code=desa.code if desa else None,
                desa_name=desa.name if desa else None,
                kecamatan_code=kecamatan.code,
                kecamatan_name=kecamatan.name,
                location_text=text,
                share="anon",
            )
        )
    return made


async def measure(config: str, n_submit: int, n_raw: int) -> dict:
    from bot.services.calendar import WorkingCalendar
    from bot.services.complaints import ComplaintService
    from bot.services.complaints.routing import route
    from bot.services.knowledge import LiveKnowledge
    from bot.services.regions import Regions
    from db import Database

    knowledge = LiveKnowledge(PROJECT_ROOT / "faq" / "content", PROJECT_ROOT / "data" / "opd.yaml")
    calendar = WorkingCalendar.load(PROJECT_ROOT / "data" / "holidays.yaml")
    regions = Regions.load()
    warmup = 20
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        if config == "memory":
            db = Database(":memory:")
        elif config == "NORMAL":
            db = Database(path, synchronous="NORMAL")
        else:
            db = Database(path)
        await db.open()
        mode = (await db.fetchone("PRAGMA journal_mode"))[0]
        sync = {0: "OFF", 1: "NORMAL", 2: "FULL"}[(await db.fetchone("PRAGMA synchronous"))[0]]
        service = ComplaintService(db, knowledge, calendar)
        total = warmup + n_submit
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO resident (telegram_id, chat_id) VALUES (?, ?)",
                [(9_000_000 + i, 9_000_000 + i) for i in range(total)],
            )
        rows = await db.fetchall("SELECT id FROM resident ORDER BY id")
        work = drafts(knowledge, regions, [int(r[0]) for r in rows])
        for draft in work[:warmup]:
            await service.submissions.submit(draft)
        timed = work[warmup:]
        # Routing alone (pure CPU, no database), on the same drafts.
        started = time.perf_counter_ns()
        for draft in timed:
            route(draft, knowledge)
        route_ms = (time.perf_counter_ns() - started) / len(timed) / 1e6
        gc.collect()
        samples: list[int] = []
        created = 0
        watch = Stopwatch().start()
        for draft in timed:
            t0 = time.perf_counter_ns()
            submission = await service.submissions.submit(draft)
            samples.append(time.perf_counter_ns() - t0)
            created += submission.created
        submit = watch.stop()
        if created != len(timed):
            raise SystemExit(f"{config}: only {created} of {len(timed)} submits created a ticket")
        counts = {
            table_name: (await db.fetchone(f"SELECT COUNT(*) FROM {table_name}"))[0]
            for table_name in ("complaint", "complaint_event", "outbox", "draft")
        }
        # Raw reference 1: one-row INSERT transactions through Database.transaction().
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, v TEXT)")
        payload = "x" * 200
        watch = Stopwatch().start()
        for _ in range(n_raw):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO bench_raw (v) VALUES (?)", (payload,))
        raw_async = watch.stop()
        await db.close()
        # Raw reference 2: the sqlite3 module directly, same pragmas, same kind of file.
        if config == "memory":
            direct = sqlite3.connect(":memory:", isolation_level=None)
        else:
            direct = sqlite3.connect(Path(tmp) / "direct.sqlite3", isolation_level=None)
        direct.execute("PRAGMA journal_mode=WAL")
        direct.execute(f"PRAGMA synchronous={'FULL' if config == 'memory' else config}")
        direct.execute("CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, v TEXT)")
        started = time.perf_counter()
        for _ in range(n_raw):
            direct.execute("BEGIN IMMEDIATE")
            direct.execute("INSERT INTO bench_raw (v) VALUES (?)", (payload,))
            direct.execute("COMMIT")
        raw_direct_s = time.perf_counter() - started
        direct.close()
    return {
        "config": config,
        "db": f"{mode}, synchronous={sync}",
        "submits": len(timed),
        "submit_per_s": len(timed) / submit["wall_s"],
        "p50": percentile_ms(samples, 50),
        "p99": percentile_ms(samples, 99),
        "max": max(samples) / 1e6,
        "mean": sum(samples) / len(samples) / 1e6,
        "route_ms": route_ms,
        "cpu_pct": 100 * submit["cpu_s"] / submit["wall_s"],
        "others_cores": submit["others_cores"],
        "rows": counts,
        "raw_async_per_s": n_raw / raw_async["wall_s"],
        "raw_direct_per_s": n_raw / raw_direct_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a third of the work")
    parser.add_argument("--submits", type=int, help=f"timed submits (default {SIZES['submit']})")
    parser.add_argument("--raw", type=int, help=f"raw INSERT commits (default {SIZES['raw']})")
    parser.add_argument(
        "--repeat", type=int, default=3, help="fresh processes per database; median shown"
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        config, n_submit, n_raw = args.worker
        print(json.dumps(asyncio.run(measure(config, int(n_submit), int(n_raw)))))
        return
    scale = 3 if args.quick else 1
    n_submit = args.submits or SIZES["submit"] // scale
    n_raw = args.raw or SIZES["raw"] // scale
    started = time.perf_counter()
    print("Storage benchmark: Submissions.submit on FULL / NORMAL / in-memory SQLite")
    print(*machine_info(), sep="\n")
    print(
        f"method    {n_submit} timed submits (after 20 untimed) per run, one after another, "
        f"each by its own resident;\n          {n_raw} raw one-row INSERT commits; "
        f"{args.repeat} fresh process(es) per database, alternating; median run shown"
    )
    print()
    runs: dict[str, list[dict]] = {c: [] for c in CONFIGS}
    for number in range(args.repeat):
        for config in CONFIGS:
            command = [sys.executable, __file__, "--worker", config, str(n_submit), str(n_raw)]
            runs[config].append(
                run_json_worker(command, f"{config} run {number + 1}/{args.repeat}")
            )
    header = (
        "database",
        "journal, sync",
        "submits/s",
        "range",
        "p50 ms",
        "p99 ms",
        "max ms",
        "route ms",
        "CPU %",
        "others",
        "raw commits/s (Database)",
        "raw commits/s (sqlite3)",
    )
    rows, chosen = [], []
    for config in CONFIGS:
        got = sorted(runs[config], key=lambda r: r["submit_per_s"])
        r = got[(len(got) - 1) // 2]
        chosen.append(r)
        rows.append(
            (
                {"FULL": "file FULL (project)", "NORMAL": "file NORMAL", "memory": ":memory:"}[
                    config
                ],
                r["db"].replace("synchronous=", ""),
                f"{r['submit_per_s']:,.0f}",
                f"{got[0]['submit_per_s']:,.0f}-{got[-1]['submit_per_s']:,.0f}",
                f"{r['p50']:.2f}",
                f"{r['p99']:.2f}",
                f"{r['max']:.1f}",
                f"{r['route_ms']:.3f}",
                f"{r['cpu_pct']:.0f}",
                f"{r['others_cores']:.2f}",
                f"{statistics.median(x['raw_async_per_s'] for x in got):,.0f}",
                f"{statistics.median(x['raw_direct_per_s'] for x in got):,.0f}",
            )
        )
    print(*table(header, rows, left=2), sep="\n")
    print()
    counts = chosen[0]["rows"]
    print(
        f"per run: {counts['complaint']} complaints, {counts['complaint_event']} events, "
        f"{counts['outbox']} outbox rows, {counts['draft']} drafts left (each submit = 1 "
        "transaction)"
    )
    print(
        "submits/s: timed submits / wall time; p50/p99/max: per submit (nearest rank); "
        "route ms: mean time of\nrouting.route alone (CPU inside each submit); CPU %: process "
        "CPU / wall (100 = one core); others: cores\nthe rest of the machine used meanwhile; "
        "raw commits/s: one-row INSERT transactions (median of runs);\n:memory: has no WAL "
        "(journal 'memory'), so its sync setting does nothing."
    )
    print(f"total benchmark time {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
