"""Tickets and the working-day calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services.calendar import WIB, WorkingCalendar, format_date
from bot.services.tickets import ALPHABET, TICKET, new_ticket, normalize_ticket


def test_tickets_are_short_readable_and_unguessable() -> None:
    tickets = {new_ticket() for _ in range(2000)}
    assert len(tickets) == 2000
    assert all(TICKET.match(t) for t in tickets)
    assert not set("01ILOUV") & set(ALPHABET)


@pytest.mark.parametrize("typed", ["DS-7K4P2Q", "ds 7k4p2q", "DS7K4P2Q", "7k4p2q"])
def test_typed_tickets_are_understood(typed: str) -> None:
    assert normalize_ticket(typed) == "DS-7K4P2Q"


def test_not_a_ticket() -> None:
    assert normalize_ticket("DS-0000") is None


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=WIB)


def test_working_days_skip_weekends_and_holidays() -> None:
    calendar = WorkingCalendar({dt.date(2026, 12, 25)})
    # Thursday 2026-12-24 + 3 working days: Mon 28, Tue 29, Wed 30 (Fri 25 is Christmas).
    assert calendar.add_working_days(at("2026-12-24"), 3) == at("2026-12-30")
    # Friday + 1 working day is Monday.
    assert calendar.add_working_days(at("2026-11-27"), 1) == at("2026-11-30")
    # Work that arrives on Saturday counts from Monday morning.
    assert calendar.add_working_days(at("2026-11-28"), 1) == at("2026-12-01", 0)


def test_holidays_file_loads() -> None:
    from bot import PROJECT_ROOT

    calendar = WorkingCalendar.load(PROJECT_ROOT / "data" / "holidays.yaml")
    assert not calendar.is_working_day(dt.date(2026, 8, 17))


def test_dates_in_indonesian() -> None:
    assert format_date(at("2026-12-01")) == "Selasa, 1 Desember 2026"
