"""Working days for deadlines: weekends and listed holidays do not count (WIB time zone)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

WIB = ZoneInfo("Asia/Jakarta")

# Deadlines of the status model (LAPOR!/SP4N practice), in working days.
ACCEPT_WITHIN = 3  # from delivery to the OPD group
FINISH_WITHIN = 5  # from acceptance
CLOSE_AFTER = 10  # from "selesai" when the resident says nothing


class WorkingCalendar:
    def __init__(self, holidays: set[dt.date] | None = None) -> None:
        self.holidays = frozenset(holidays or ())

    @classmethod
    def load(cls, path: Path) -> WorkingCalendar:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        days = set()
        for item in data.get("holidays") or []:
            days.add(item if isinstance(item, dt.date) else dt.date.fromisoformat(str(item)))
        return cls(days)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """`start` plus `days` working days, at the same local time of day.

        Work begun on a weekend or holiday counts from the start of the next working day.
        """
        local = start.astimezone(WIB)
        if not self.is_working_day(local.date()):
            day = local.date()
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
            local = dt.datetime.combine(day, dt.time(0, 0), tzinfo=WIB)
        day = local.date()
        remaining = days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return dt.datetime.combine(day, local.timetz())


MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def format_date(moment: dt.datetime) -> str:
    """'Senin, 1 Desember 2026' in WIB, the way residents read dates."""
    local = moment.astimezone(WIB)
    return f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year}"
