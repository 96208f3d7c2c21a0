"""Numbers for the Bupati's report: counts, response times, overdue list, CSV, a chart."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.services.complaints import utcnow
from bot.services.spreadsheet import safe_cell
from db import Database, db_time, parse_db_time

OPEN = ("baru", "diteruskan", "diterima", "diproses")


@dataclass
class Stats:
    since: dt.datetime | None
    total: int = 0
    by_opd: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    by_kecamatan: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    median_hours_to_accept: float | None = None
    median_hours_to_finish: float | None = None
    overdue: list[tuple[str, str, dt.datetime]] = field(default_factory=list)  # ticket, opd, due
    mean_rating: float | None = None


EXPORT_COLUMNS = [
    "ticket",
    "created_at",
    "status",
    "category",
    "opd_id",
    "desa",
    "kecamatan",
    "due_at",
    "rating",
    "description_redacted",
]
PERSONAL_COLUMNS = ["reporter_name", "reporter_phone", "latitude", "longitude", "description"]


class Reports:
    def __init__(self, db: Database, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    def since(self, days: int | None) -> dt.datetime | None:
        return self.clock() - dt.timedelta(days=days) if days else None

    async def stats(self, days: int | None = None) -> Stats:
        since = self.since(days)
        where, params = ("WHERE created_at >= ?", (db_time(since),)) if since else ("", ())
        result = Stats(since=since)
        rows = await self.db.fetchall(
            "SELECT opd_id, status, COALESCE(kecamatan_name, '-'), category, rating"
            f" FROM complaint {where}",
            params,
        )
        ratings = []
        for opd_id, status, kecamatan, category, rating in rows:
            result.total += 1
            result.by_opd[opd_id] += 1
            result.by_status[status] += 1
            result.by_kecamatan[kecamatan] += 1
            result.by_category[category] += 1
            if rating:
                ratings.append(int(rating))
        result.mean_rating = round(statistics.fmean(ratings), 2) if ratings else None
        result.median_hours_to_accept = await self._median_hours("diteruskan", "diterima", since)
        result.median_hours_to_finish = await self._median_hours("diterima", "selesai", since)
        overdue = await self.db.fetchall(
            "SELECT ticket, opd_id, due_at FROM complaint WHERE status IN (?, ?, ?, ?)"
            " AND due_at IS NOT NULL AND due_at < ? ORDER BY due_at",
            (*OPEN, db_time(self.clock())),
        )
        result.overdue = [(r[0], r[1], parse_db_time(r[2]) or self.clock()) for r in overdue]
        return result

    async def _median_hours(
        self, start_action: str, end_action: str, since: dt.datetime | None
    ) -> float | None:
        """Median hours between the first `start_action` and the first `end_action` event."""
        rows = await self.db.fetchall(
            "SELECT MIN(CASE WHEN e.action = ? THEN e.created_at END),"
            " MIN(CASE WHEN e.action = ? THEN e.created_at END)"
            " FROM complaint_event e JOIN complaint c ON c.id = e.complaint_id"
            " WHERE c.created_at >= ? GROUP BY e.complaint_id",
            (start_action, end_action, db_time(since) if since else ""),
        )
        hours = []
        for start, end in rows:
            a, b = parse_db_time(start), parse_db_time(end)
            if a and b and b >= a:
                hours.append((b - a).total_seconds() / 3600)
        return round(statistics.median(hours), 1) if hours else None

    async def export_csv(self, days: int | None = None, *, personal: bool = False) -> str:
        """Complaints as CSV. Personal data (name, phone, coordinates, unmasked text) only
        when asked for explicitly."""
        since = self.since(days)
        columns = EXPORT_COLUMNS + (PERSONAL_COLUMNS if personal else [])
        rows = await self.db.fetchall(
            "SELECT ticket, created_at, status, category, opd_id, desa_name, kecamatan_name,"
            " due_at, rating, description_redacted, reporter_name, reporter_phone, latitude,"
            " longitude, description FROM complaint WHERE created_at >= ? ORDER BY id",
            (db_time(since) if since else "",),
        )
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            values = list(row)
            # Residents' text must not run as a formula when an admin opens the file.
            writer.writerow([safe_cell(v) for v in values[: len(columns)]])
        return out.getvalue()
