"""Holidays: the `holidays` package (libur nasional + cuti bersama) with the local override,
deadlines around Idul Fitri 2027, validation with file and line, and the admin notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.app import build_application, running
from bot.offline.local_api import LocalBotApi
from bot.offline.simulator import Simulator
from bot.services.calendar import WIB, WorkingCalendar
from bot.services.holidays import (
    Holiday,
    HolidayFileError,
    coverage_notes,
    package_holidays,
    read_holidays,
)
from bot.services.knowledge import LiveKnowledge
from bot.settings import Settings
from tests.bot.services.test_deadlines import clocked, delivered
from tests.conftest import ADMIN, Harness

SHIPPED = PROJECT_ROOT / "data" / "holidays.yaml"


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=WIB)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- what the package gives -------------------------------------------------------------
def test_package_has_idul_fitri_2027_with_its_cuti_bersama() -> None:
    days = {h.date: h for h in package_holidays(2027)}
    march = {d: (h.kind, h.name) for d, h in days.items() if d.month == 3 and d.day <= 15}
    # Nyepi on Monday 8 March; Idul Fitri 1448 H on 10-11 March (still marked as an estimate
    # by the package); cuti bersama on the 9th, 12th and 15th (SKB 3 Menteri 2027).
    assert march == {
        dt.date(2027, 3, 8): ("libur", "Hari Suci Nyepi"),
        dt.date(2027, 3, 9): ("cuti", "Cuti Bersama Hari Raya Idul Fitri"),
        dt.date(2027, 3, 10): ("libur", "Hari Raya Idul Fitri"),
        dt.date(2027, 3, 11): ("libur", "Hari kedua dari Hari Raya Idul Fitri"),
        dt.date(2027, 3, 12): ("cuti", "Cuti Bersama Hari Raya Idul Fitri"),
        dt.date(2027, 3, 15): ("cuti", "Cuti Bersama Hari Raya Idul Fitri"),
    }
    assert days[dt.date(2027, 3, 10)].estimated
    assert not days[dt.date(2027, 8, 17)].estimated


def test_acceptance_deadline_before_idul_fitri_2027_falls_after_the_holiday() -> None:
    calendar = WorkingCalendar.load(SHIPPED, today=dt.date(2026, 11, 30))
    # Delivered Friday 5 March 2027: Mon 8 (Nyepi), Tue 9 (cuti), Wed-Thu 10-11 (Idul Fitri),
    # Fri 12 and Mon 15 (cuti) are off; 16, 17, 18 are the three working days.
    assert calendar.add_working_days(at("2027-03-05"), 3) == at("2027-03-18")
    # Counting only weekends it would have been Wednesday 10 March, Lebaran itself.
    assert WorkingCalendar().add_working_days(at("2027-03-05"), 3) == at("2027-03-10")
    # Finishing: accepted Thursday 4 March, the five working days are 5, 16, 17, 18, 19.
    assert calendar.add_working_days(at("2027-03-04"), 5) == at("2027-03-19")


async def test_complaint_delivered_before_idul_fitri_2027_is_due_after_it(bot: Harness) -> None:
    clocked(bot, at("2027-03-05", 9).astimezone(dt.UTC))
    ticket = await delivered(bot)
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint is not None and complaint.due_at is not None
    assert complaint.due_at.astimezone(WIB) == at("2027-03-18", 9)
    card = [c for c in bot.api.calls if ticket in c.text and c.method == "sendMessage"]
    assert any("18 Maret 2027" in c.text for c in card)


def test_years_outside_the_preloaded_range_are_computed_when_used() -> None:
    calendar = WorkingCalendar.load(SHIPPED, today=dt.date(2026, 11, 30))
    assert not calendar.is_working_day(dt.date(2035, 8, 17))  # Kemerdekaan, on a Friday
    assert calendar.is_working_day(dt.date(2035, 8, 16))


# -- the override -----------------------------------------------------------------------
def test_override_adds_and_removes_days(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tambah:\n"
        "  - tanggal: 2027-03-17\n"
        "    nama: Libur daerah (uji)\n"
        "hapus:\n"
        "  - tanggal: 2027-03-12\n"
        "    nama: Cuti Bersama Hari Raya Idul Fitri\n"
        "  - tanggal: 2027-03-15\n"
        "    keterangan: SKB perubahan (uji)\n",
    )
    calendar = WorkingCalendar.load(path, today=dt.date(2026, 11, 30))
    assert calendar.is_working_day(dt.date(2027, 3, 12))
    assert calendar.is_working_day(dt.date(2027, 3, 15))
    assert not calendar.is_working_day(dt.date(2027, 3, 17))
    assert not calendar.is_working_day(dt.date(2027, 3, 9))  # the other cuti bersama stay
    # 12 (1), 15 (2), 16 (3): the removed days count again; the added 17th does not count.
    assert calendar.add_working_days(at("2027-03-05"), 3) == at("2027-03-16")
    assert calendar.add_working_days(at("2027-03-05"), 4) == at("2027-03-18")
    names = {h.date: h.name for h in calendar.holidays_of(2027)}
    assert names[dt.date(2027, 3, 17)] == "Libur daerah (uji)"
    assert dt.date(2027, 3, 15) not in names


def test_the_old_list_of_dates_still_works(tmp_path: Path) -> None:
    path = write(tmp_path, "holidays:\n  - 2027-07-01\n")
    calendar = WorkingCalendar.load(path, today=dt.date(2026, 11, 30))
    assert not calendar.is_working_day(dt.date(2027, 7, 1))
    override, problems = read_holidays(path)
    assert override is not None and not problems
    notes, _ = coverage_notes(path, override, package_holidays, dt.date(2026, 11, 30))
    assert any("bentuk lama 'holidays:'" in n for n in notes)


def test_an_empty_or_missing_file_is_no_override(tmp_path: Path) -> None:
    assert read_holidays(write(tmp_path, "# nothing yet\n")) == (read_holidays(SHIPPED)[0], [])
    assert read_holidays(tmp_path / "absent.yaml")[1] == []


def test_broken_override_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tambah:\n"  # 1
        "  - tanggal: 2027-13-01\n"  # 2
        "    nama: Bulan ketiga belas\n"  # 3
        "  - tanggal: 2027-07-01\n"  # 4
        "  - tanggal: 2027-08-02\n"  # 5
        "    nama: Libur A\n"  # 6
        "  - tanggal: 2027-08-02\n"  # 7
        "    nama: Libur A lagi\n"  # 8
        "hapus:\n"  # 9
        "  - tanggal: 2027-08-02\n"  # 10
        "libur: []\n",  # 11
    )
    override, problems = read_holidays(path)
    assert override is None
    text = "\n".join(str(p) for p in problems)
    assert f"{path}:2: tambah.0.tanggal: tanggal '2027-13-01' tidak dikenali" in text
    assert f"{path}:4: tambah.1.nama: Field required" in text
    assert f"{path}:11: libur:" in text
    # Contradictions are only looked for in a file whose lines are otherwise valid.
    path = write(
        tmp_path,
        "tambah:\n"
        "  - tanggal: 2027-08-02\n"
        "    nama: Libur A\n"
        "  - tanggal: 2027-08-02\n"
        "    nama: Libur A lagi\n"
        "hapus:\n"
        "  - tanggal: 2027-08-02\n",
    )
    _, problems = read_holidays(path)
    assert [str(p) for p in problems] == [
        f"{path}:4: tambah: tanggal 2027-08-02 sudah ditulis di baris 2; hapus salah satu",
        f"{path}:7: tanggal 2027-08-02 ada di 'tambah' dan di 'hapus' sekaligus (baris 2); "
        "pilih salah satu",
    ]
    with pytest.raises(HolidayFileError) as caught:
        WorkingCalendar.load(path)
    assert f"{path}:7" in str(caught.value)


def test_reload_keeps_the_working_calendar_when_the_file_breaks(tmp_path: Path) -> None:
    path = write(tmp_path, "tambah:\n  - tanggal: 2027-07-01\n    nama: Libur daerah\n")
    calendar = WorkingCalendar.load(path, today=dt.date(2026, 11, 30))
    assert not calendar.is_working_day(dt.date(2027, 7, 1))
    path.write_text("tambah:\n  - tanggal: 2027-07-02\n    nama: Libur daerah\n")
    assert calendar.reload() == []
    assert calendar.is_working_day(dt.date(2027, 7, 1))
    assert not calendar.is_working_day(dt.date(2027, 7, 2))
    path.write_text("tambah:\n  - tanggal: kemarin\n")
    assert calendar.reload()  # problems come back ...
    assert not calendar.is_working_day(dt.date(2027, 7, 2))  # ... and nothing changed


# -- notes for admins (faq check) ---------------------------------------------------------
def fake_source(by_year: dict[int, list[Holiday]]):
    return lambda year: list(by_year.get(year, []))


def test_a_year_without_holidays_gets_a_note(tmp_path: Path) -> None:
    path = write(tmp_path, "tambah: []\nhapus: []\n")
    override, _ = read_holidays(path)
    assert override is not None
    source = fake_source(
        {
            2030: [
                Holiday(dt.date(2030, 8, 17), "Hari Kemerdekaan", "libur"),
                Holiday(dt.date(2030, 12, 24), "Cuti Bersama Natal", "cuti"),
            ]
        }
    )
    notes, years = coverage_notes(path, override, source, today=dt.date(2030, 6, 1))
    assert [y.total for y in years] == [2, 0]
    [note] = notes
    assert "belum ada satu pun hari libur untuk tahun 2031" in note
    assert "pip install -U holidays" in note and "'tambah:'" in note
    # Once the admin adds next year's days themselves, the note goes away.
    path = write(tmp_path, "tambah:\n  - tanggal: 2031-08-18\n    nama: Hari Kemerdekaan\n")
    override, _ = read_holidays(path)
    assert override is not None
    assert coverage_notes(path, override, source, today=dt.date(2030, 6, 1))[0] == []


def test_partial_years_get_notes_saying_what_to_do(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    override, _ = read_holidays(path)
    assert override is not None
    source = fake_source(
        {
            2030: [
                Holiday(dt.date(2030, 8, 17), "Hari Kemerdekaan", "libur"),
                Holiday(dt.date(2030, 12, 24), "Cuti Bersama Natal", "cuti"),
            ],
            2031: [
                Holiday(dt.date(2031, 1, 24), "Hari Raya Idul Fitri", "libur", estimated=True),
                Holiday(dt.date(2031, 8, 17), "Hari Kemerdekaan", "libur"),
            ],
        }
    )
    notes, _ = coverage_notes(path, override, source, today=dt.date(2030, 6, 1))
    assert len(notes) == 2
    assert "cuti bersama tahun 2031 belum ada" in notes[0] and "SKB 3 Menteri" in notes[0]
    assert "2031-01-24 Hari Raya Idul Fitri" in notes[1] and "perkiraan" in notes[1]
    # An admin who checked the estimate against the SKB confirms it under `tambah:`.
    path = write(tmp_path, "tambah:\n  - tanggal: 2031-01-24\n    nama: Hari Raya Idul Fitri\n")
    override, _ = read_holidays(path)
    assert override is not None
    notes, _ = coverage_notes(path, override, source, today=dt.date(2030, 6, 1))
    assert not any("perkiraan" in n for n in notes)


def test_override_lines_that_change_nothing_get_a_note(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tambah:\n"
        "  - tanggal: 2027-08-17\n"
        "    nama: Hari Kemerdekaan\n"
        "hapus:\n"
        "  - tanggal: 2027-08-18\n",
    )
    override, _ = read_holidays(path)
    assert override is not None
    notes, _ = coverage_notes(path, override, package_holidays, dt.date(2026, 11, 30))
    assert any(f"{path}:5: hapus 2027-08-18" in n and "tidak berpengaruh" in n for n in notes)
    assert any(f"{path}:2: tambah 2027-08-17" in n and "boleh dihapus" in n for n in notes)


# -- faq check and /reload ----------------------------------------------------------------
def test_faq_check_validates_the_holidays_file(tmp_path: Path) -> None:
    from tests.bot.test_cli import run

    result = run("faq", "check")
    assert result.returncode == 0, result.stdout
    assert "holidays: ok (package holidays" in result.stdout
    path = write(tmp_path, "tambah:\n  - tanggal: 2027-02-30\n    nama: Tidak ada\n")
    result = run("faq", "check", env={"BOT_HOLIDAYS_FILE": str(path)})
    assert result.returncode == 1
    assert f"{path}:2: tambah.0.tanggal: tanggal '2027-02-30' tidak dikenali" in result.stdout
    # The bot does not start on a broken holidays file either; one clear report instead.
    result = run("chat", stdin="", env={"BOT_HOLIDAYS_FILE": str(path)})
    assert result.returncode == 1 and f"{path}:2" in result.stderr


async def test_reload_command_reloads_the_holidays_too(
    settings: Settings, shipped_knowledge: LiveKnowledge, tmp_path: Path
) -> None:
    path = write(tmp_path, "tambah: []\n")
    settings = settings.model_copy(update={"holidays_file": path})
    api = LocalBotApi()
    app = build_application(settings, api=api, knowledge=shipped_knowledge, run_worker=False)
    async with running(app):
        bot = Harness(Simulator(app, api), api)
        assert bot.services.calendar.is_working_day(dt.date(2027, 7, 1))
        path.write_text("tambah:\n  - tanggal: 2027-07-01\n    nama: Libur daerah (uji)\n")
        calls = bot.shown(await bot.simulator.send("/reload", ADMIN))
        assert [c.text for c in calls if "hari libur" in c.text] == []
        assert not bot.services.calendar.is_working_day(dt.date(2027, 7, 1))
        path.write_text("tambah:\n  - tanggal: besok\n")
        calls = bot.shown(await bot.simulator.send("/reload", ADMIN))
        text = "\n".join(c.text for c in calls)
        assert "Berkas hari libur" in text and "tidak dikenali" in text
        assert not bot.services.calendar.is_working_day(dt.date(2027, 7, 1))
