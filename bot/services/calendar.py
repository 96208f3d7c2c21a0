"""Working days for deadlines: weekends and listed holidays do not count (WIB time zone)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.holidays import (
    Holiday,
    HolidayFileError,
    HolidaySource,
    Override,
    apply_override,
    package_holidays,
    read_holidays,
)
from faq.problems import Problem

WIB = ZoneInfo("Asia/Jakarta")

# Deadlines of the status model (LAPOR!/SP4N practice), in working days.
ACCEPT_WITHIN = 3  # from delivery to the OPD group
FINISH_WITHIN = 5  # from acceptance
CLOSE_AFTER = 10  # from "selesai" when the resident says nothing


# Years whose holidays are computed when the calendar loads: deadlines are counted from
# now, reports look back a few years. Any other year is computed the first time it is used.
YEARS_BEFORE = 2
YEARS_AFTER = 2


class WorkingCalendar:
    """Weekends and holidays are not working days.

    Built from a fixed set of dates (tests), or by `load` from the `holidays` package plus
    the admins' override file (`bot.services.holidays`). Deadline math asks
    `is_working_day` many times per complaint, so each year's holidays are computed once
    into a set and the question is a set lookup.
    """

    def __init__(
        self,
        holidays: set[dt.date] | frozenset[dt.date] | None = None,
        *,
        source: HolidaySource | None = None,
        override: Override | None = None,
        path: Path | None = None,
    ) -> None:
        self._fixed = frozenset(holidays or ())
        self._source = source
        self._override = override or Override()
        self.path = path
        self._days: set[dt.date] = set(self._fixed)
        self._years: set[int] = set()

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        source: HolidaySource = package_holidays,
        today: dt.date | None = None,
    ) -> WorkingCalendar:
        """The package's holidays with `path` applied. Raises `HolidayFileError` (every
        problem with file and line) when the file is broken."""
        override, problems = read_holidays(path)
        if override is None:
            raise HolidayFileError(problems)
        calendar = cls(source=source, override=override, path=path)
        calendar.preload(today or dt.datetime.now(WIB).date())
        return calendar

    def preload(self, today: dt.date) -> None:
        for year in range(today.year - YEARS_BEFORE, today.year + YEARS_AFTER + 1):
            self._ensure(year)

    def reload(self) -> list[Problem]:
        """Read the override file again (e.g. on /reload). A broken file changes nothing and
        its problems are returned."""
        if self.path is None:
            return []
        override, problems = read_holidays(self.path)
        if override is None:
            return problems
        fresh = WorkingCalendar(source=self._source, override=override, path=self.path)
        for year in sorted(self._years):
            fresh._ensure(year)
        # Swap whole objects: a deadline computed meanwhile sees the old or the new days.
        self._override, self._days, self._years = fresh._override, fresh._days, fresh._years
        return []

    def _ensure(self, year: int) -> None:
        if year in self._years or self._source is None:
            return
        days = apply_override(year, self._source(year), self._override)
        self._days = self._days | {h.date for h in days}
        self._years = self._years | {year}

    @property
    def holidays(self) -> frozenset[dt.date]:
        """The holidays of the years computed so far."""
        return frozenset(self._days)

    def holidays_of(self, year: int) -> list[Holiday]:
        """One year's days off with their names (package, then override)."""
        if self._source is None:
            return [Holiday(d, "", "lokal") for d in sorted(self._fixed) if d.year == year]
        return apply_override(year, self._source(year), self._override)

    def is_working_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            return False
        if day.year not in self._years:
            self._ensure(day.year)
        return day not in self._days

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
