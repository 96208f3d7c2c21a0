"""Helpers shared by the benchmark scripts in this folder (not a test, not project code).

Machine description, code version, percentiles, RSS, subprocess workers and plain-text
tables, so every script prints the same kind of header and table.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

# The code a whole-application benchmark exercises (the matching benchmark only checks faq/).
CODE_DIRS = ("bot", "handlers", "faq", "db", "data")


# -- measuring -------------------------------------------------------------------------
def percentile_ms(samples_ns: Sequence[int], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of nanosecond samples, in milliseconds."""
    if not samples_ns:
        return float("nan")
    ordered = sorted(samples_ns)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1] / 1e6


def rss_kib() -> tuple[int, int]:
    """(current RSS, peak RSS) of this process in KiB, from /proc/self/status."""
    current = peak = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    current = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1])
    except OSError:
        pass
    if not peak:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        current = current or peak
    return current, peak


def system_busy_s() -> float:
    """CPU seconds all processes on this machine have used so far (from /proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()[1:]
    except OSError:
        return float("nan")
    values = [int(v) for v in fields]
    # user nice system idle iowait irq softirq steal ...: everything but idle and iowait.
    busy = sum(values[:3]) + sum(values[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


class Stopwatch:
    """Wall time, this process's CPU time and the CPU the rest of the machine used meanwhile
    (other people's test runs on a shared machine slow a benchmark down: say so)."""

    def start(self) -> Stopwatch:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        self._busy = system_busy_s()
        return self

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self._wall
        cpu = time.process_time() - self._cpu
        busy = system_busy_s() - self._busy
        return {"wall_s": wall, "cpu_s": cpu, "others_cores": max(0.0, busy - cpu) / wall}


def load_line() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as loadavg:
            one, five, fifteen = loadavg.read().split()[:3]
    except OSError:
        return "load      ?"
    return f"load      {one} {five} {fifteen} (1/5/15 min) at start; the machine may be shared"


# -- describing the run ----------------------------------------------------------------
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _filesystem(path: Path) -> str:
    """Filesystem type and device of `path` (fsync cost depends on it)."""
    try:
        best = ("", "?", "?")
        resolved = str(path.resolve())
        with open("/proc/self/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                device, mount_point, kind = line.split()[:3]
                if resolved.startswith(mount_point) and len(mount_point) >= len(best[0]):
                    best = (mount_point, kind, device)
        return f"{best[1]} on {best[2]} (mounted at {best[0]})"
    except OSError:
        return "?"


def fsync_rate(seconds: float = 0.5) -> float:
    """Commits per second of a one-row WAL transaction with synchronous=FULL in the temp dir:
    what the disk under the benchmark's database allows (one fsync per commit)."""
    with tempfile.TemporaryDirectory(prefix="bench-fsync-") as tmp:
        conn = sqlite3.connect(Path(tmp) / "probe.sqlite3", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t (v) VALUES (?)", ("x" * 200,))
            conn.execute("COMMIT")
            done += 1
        elapsed = time.perf_counter() - started
        conn.close()
    return done / elapsed


def code_version(dirs: Sequence[str] = CODE_DIRS) -> str:
    """The commit measured, and which files under `dirs` differ from it (others edit them)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", *dirs],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    files = sorted(line[3:] for line in changed if line.strip())
    return f"git {head}" + (f" + uncommitted changes in {', '.join(files)}" if files else "")


def machine_info(*, fsync: bool = True) -> list[str]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    lines = [
        f"python    {platform.python_implementation()} {platform.python_version()}",
        f"platform  {platform.platform()}",
        f"cpu       {_cpu_model()}; os.cpu_count()={os.cpu_count()}, usable={usable}",
    ]
    versions = [f"sqlite {sqlite3.sqlite_version}"]
    for module in ("telegram", "aiosqlite", "rapidfuzz"):
        try:
            versions.append(f"{module} {__import__(module).__version__}")
        except (ImportError, AttributeError):
            pass
    lines.append("libs      " + ", ".join(versions))
    temp = Path(tempfile.gettempdir())
    disk = f"disk      temp dir {temp}: {_filesystem(temp)}"
    if fsync:
        disk += f"; raw FULL-sync commit rate {fsync_rate():,.0f}/s"
    lines.append(disk)
    lines.append(f"code      {code_version()}")
    lines.append(load_line())
    return lines


# -- running configurations in fresh processes -------------------------------------------
def run_json_worker(command: list[str], label: str) -> dict:
    """Run `command` (a Python worker printing one JSON line last) in a fresh process."""
    print(f"  running {label} ...", file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:])
        sys.stderr.write(done.stderr[-8000:])
        raise SystemExit(f"{label} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- output --------------------------------------------------------------------------------
def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    left: int = 1,
    also_left: Sequence[int] = (),
) -> list[str]:
    """A plain-text table; the first `left` columns (and those in `also_left`) are
    left-aligned, the rest right-aligned."""
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]

    def fmt(cells: Sequence[str]) -> str:
        return " | ".join(
            c.ljust(w) if i < left or i in also_left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [fmt(header), "-+-".join("-" * w for w in widths), *(fmt(row) for row in rows)]
