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
    ratings: Counter[int] = field(default_factory=Counter)  # stars (1-5) -> complaints
    until: dt.datetime | None = None


@dataclass(frozen=True)
class Timeline:
    """When a complaint reached the OPD that took it, was accepted, and was finished."""

    complaint_id: int
    opd_id: str
    delivered_at: dt.datetime | None  # the delivery the acceptance answered (the last one
    # before it: a complaint moved to another OPD starts a new deadline there)
    accepted_at: dt.datetime | None  # "Terima", or "Proses" straight from delivery
    finished_at: dt.datetime | None  # the first "Selesai" after acceptance

    @property
    def hours_to_accept(self) -> float | None:
        return _hours(self.delivered_at, self.accepted_at)

    @property
    def hours_to_finish(self) -> float | None:
        return _hours(self.accepted_at, self.finished_at)


def _hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600


def median_hours(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 1) if known else None


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

    async def stats(
        self,
        days: int | None = None,
        *,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> Stats:
        """Complaints filed in the last `days` days, or in [since, until)."""
        since = since or self.since(days)
        result = Stats(since=since, until=until)
        rows = await self.db.fetchall(
            "SELECT opd_id, status, COALESCE(kecamatan_name, '-'), category, rating"
            " FROM complaint WHERE created_at >= ? AND created_at < ?",
            _window(since, until),
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
                result.ratings[int(rating)] += 1
        result.mean_rating = round(statistics.fmean(ratings), 2) if ratings else None
        timelines = await self.timelines(since, until)
        result.median_hours_to_accept = median_hours([t.hours_to_accept for t in timelines])
        result.median_hours_to_finish = median_hours([t.hours_to_finish for t in timelines])
        overdue = await self.db.fetchall(
            "SELECT ticket, opd_id, due_at FROM complaint WHERE status IN (?, ?, ?, ?)"
            " AND due_at IS NOT NULL AND due_at < ? ORDER BY due_at",
            (*OPEN, db_time(self.clock())),
        )
        result.overdue = [(r[0], r[1], parse_db_time(r[2]) or self.clock()) for r in overdue]
        return result

    async def timelines(
        self, since: dt.datetime | None = None, until: dt.datetime | None = None
    ) -> list[Timeline]:
        """Delivery, acceptance and finish times of the complaints filed in [since, until),
        read from the append-only event trail."""
        rows = await self.db.fetchall(
            "SELECT c.id, c.opd_id, e.action, e.status_from, e.created_at"
            " FROM complaint c LEFT JOIN complaint_event e ON e.complaint_id = c.id"
            "   AND e.action IN ('diteruskan', 'diterima', 'diproses', 'selesai')"
            " WHERE c.created_at >= ? AND c.created_at < ? ORDER BY c.id, e.id",
            _window(since, until),
        )
        found: dict[int, list] = {}
        for complaint_id, opd_id, action, status_from, at in rows:
            moments = found.setdefault(complaint_id, [opd_id, None, None, None])
            when = parse_db_time(at)
            delivered, accepted, finished = moments[1:]
            if action == "diteruskan" and accepted is None:
                moments[1] = when
            elif action in ("diterima", "diproses") and accepted is None and delivered:
                # "Proses" pressed straight on a new card accepts it too (status_from
                # diteruskan); a later "Proses" after "Terima" changes nothing here.
                if action == "diterima" or status_from == "diteruskan":
                    moments[2] = when
            elif action == "selesai" and accepted is not None and finished is None:
                moments[3] = when
        return [Timeline(cid, *moments) for cid, moments in found.items()]

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


def _window(since: dt.datetime | None, until: dt.datetime | None) -> tuple[str, str]:
    """Bounds for `created_at >= ? AND created_at < ?`; stored times are ISO text in UTC,
    so "" is before every time and "9999" after."""
    return (db_time(since) if since else "", db_time(until) if until else "9999")
