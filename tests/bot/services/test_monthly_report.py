"""The council's monthly report: figures from a seeded database, checked by hand; the
HTML self-contained, private, with a shaded map of the 22 kecamatan; an empty month."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.presentation.report import render_monthly_html
from bot.presentation.report_map import SHADES, ZERO_SHADE, class_breaks
from bot.services.calendar import WorkingCalendar
from bot.services.monthly_report import (
    DeadlineShare,
    Labels,
    Month,
    MonthlyFigures,
    MonthlyReports,
)
from bot.services.regions import Regions
from bot.services.reports import Reports
from db import Database
from tests.report_seed import (
    SMALL_AS_OF,
    SMALL_COMPLAINTS,
    SMALL_QUESTIONS,
    SeedComplaint,
    seed,
    wib,
)

NOVEMBER = Month(2026, 11)
regions = functools.cache(Regions.load)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "report.sqlite3")
    await database.open()
    yield database
    await database.close()


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar.load(
        PROJECT_ROOT / "data" / "holidays.yaml", today=dt.date(2026, 11, 30)
    )


def labels() -> Labels:
    return Labels.from_files(
        PROJECT_ROOT / "data" / "opd.yaml", PROJECT_ROOT / "data" / "categories.yaml"
    )


async def small_month(db: Database, calendar: WorkingCalendar) -> MonthlyFigures:
    await seed(db, SMALL_COMPLAINTS, SMALL_QUESTIONS, calendar, regions())
    service = MonthlyReports(db, calendar, regions(), Reports(db, clock=lambda: SMALL_AS_OF))
    return await service.collect(NOVEMBER, labels())


# -- figures -------------------------------------------------------------------------------
async def test_figures_of_a_seeded_month(db: Database, calendar: WorkingCalendar) -> None:
    f = await small_month(db, calendar)
    # Eight complaints filed in November (WIB); 31 Oct 23:30 and 1 Dec 00:30 WIB are not.
    assert f.total == 8
    assert {r.opd_id: r.count for r in f.by_opd} == {
        "dlh": 2,
        "sdabmbk": 2,
        "dishub": 2,
        "dinkes": 1,
        "kominfostan": 1,
    }
    assert dict(f.by_status) == {
        "ditutup": 3,
        "diproses": 1,
        "diteruskan": 2,
        "diterima": 1,
        "baru": 1,
    }
    kecamatan = {r.name: r.count for r in f.by_kecamatan}
    assert len(kecamatan) == 22 and sum(kecamatan.values()) == 6 and f.no_kecamatan == 2
    assert kecamatan["Lubuk Pakam"] == 3 and kecamatan["Percut Sei Tuan"] == 2
    assert kecamatan["Tanjung Morawa"] == 1 and kecamatan["Beringin"] == 0
    assert f.by_kecamatan[0].name == "Lubuk Pakam"
    # Acceptance within 3 working days: 1, 2 (by a minute), 5 and 8 met; 3 (late) and 4
    # (never accepted, deadline passed) missed; 6 pending; 7 never reached an OPD group.
    assert f.accept == DeadlineShare(met=4, missed=2, pending=1)
    assert f.not_delivered == 1
    # Finishing within 5 working days of acceptance: 1 and 8 met; 2 (late) and 3 (not
    # finished, deadline passed) missed; 5 pending.
    assert f.finish == DeadlineShare(met=2, missed=2, pending=1)
    rows = {r.opd_id: r for r in f.by_opd}
    assert rows["dlh"].accept == DeadlineShare(met=2) and rows["dlh"].finished == 2
    assert rows["dlh"].finish == DeadlineShare(met=1, missed=1)
    assert rows["sdabmbk"].accept == DeadlineShare(missed=2)
    assert rows["dishub"].accept == DeadlineShare(met=1, pending=1)
    assert rows["dlh"].name == "Dinas Lingkungan Hidup"
    # Medians: accept 2.0, 24.9, 65.0, 120.0, 168.0 hours; finish 24, 72, 212 hours.
    assert f.median_hours_to_accept == 65.0
    assert f.median_hours_to_finish == 72.0
    assert f.ratings == Counter({5: 1, 4: 1, 2: 1}) and f.mean_rating == 3.67
    # Unanswered questions of November: 7 (one in October is not), one "tidak membantu".
    assert f.questions_total == 7 and f.questions_unhelpful == 1
    assert [g.count for g in f.question_groups] == [3, 2, 1, 1]
    assert f.question_groups[0].example.lower() == "resep kue bolu"
    assert f.question_groups[1].example in ("berapa gaji honorer", "gaji honorer berapa")


async def test_report_deadlines_skip_idul_fitri_2027(
    db: Database, calendar: WorkingCalendar
) -> None:
    # Delivered Friday 5 March 2027, accepted Wednesday 17 March: within 3 working days,
    # because Nyepi, Idul Fitri and its cuti bersama (8-15 March) do not count.
    complaint = SeedComplaint(
        "dlh",
        "sampah",
        "Lubuk Pakam",
        wib("2027-03-05", 10),
        delivered=wib("2027-03-05", 10, 1),
        accepted=wib("2027-03-17", 10),
    )
    await seed(db, [complaint], [], calendar, regions())
    reports = Reports(db, clock=lambda: wib("2027-04-01"))
    f = await MonthlyReports(db, calendar, regions(), reports).collect(Month(2027, 3))
    assert f.accept == DeadlineShare(met=1)
    weekends_only = MonthlyReports(db, WorkingCalendar(), regions(), reports)
    assert (await weekends_only.collect(Month(2027, 3))).accept == DeadlineShare(missed=1)


def test_months() -> None:
    assert Month.parse("2026-11") == NOVEMBER and Month.parse(" 2027-1 ") == Month(2027, 1)
    for bad in ("2026-13", "2026-00", "november", "2026/11", "26-11", ""):
        with pytest.raises(ValueError):
            Month.parse(bad)
    assert NOVEMBER.start == wib("2026-11-01", 0) and NOVEMBER.end == wib("2026-12-01", 0)
    assert Month(2027, 1).previous() == Month(2026, 12) and NOVEMBER.label == "November 2026"
    # Late on 31 December UTC is already January in WIB.
    assert Month.containing(dt.datetime(2026, 12, 31, 18, tzinfo=dt.UTC)) == Month(2027, 1)


def test_every_count_has_exactly_one_class() -> None:
    for maximum in range(1, 200):
        breaks = class_breaks(maximum)
        assert 1 <= len(breaks) <= len(SHADES)
        covered = [n for low, high in breaks for n in range(low, high + 1)]
        assert covered == list(range(1, maximum + 1)), maximum


# -- the HTML --------------------------------------------------------------------------------
async def test_html_is_self_contained_private_and_shows_the_figures(
    db: Database, calendar: WorkingCalendar
) -> None:
    f = await small_month(db, calendar)
    html = render_monthly_html(f, regions().kecamatan_outlines())
    # Self-contained: nothing to fetch, nothing to run.
    assert "http://" not in html and "https://" not in html
    for fetching in ("<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import"):
        assert fetching not in html.lower(), fetching
    # No personal data: names, phones, Telegram ids, officers, descriptions, tickets.
    for private in ("Warga Contoh", "0812000", "7000000", "4000000", "Petugas Contoh"):
        assert private not in html, private
    assert "Pengaduan contoh" not in html and "DS-S0" not in html
    assert "1207012345678901" not in html and "081234567890" not in html
    assert "nik saya" in html  # the question is there, masked
    text = re.sub(r"<[^>]+>", " ", html)
    text = " ".join(text.split())
    assert "Pengaduan masuk 8" in text
    assert "Diterima tepat waktu 67% 4 dari 6 (batas 3 hari kerja); 1 masih berjalan" in text
    assert "Selesai tepat waktu 50%" in text
    assert "Median sampai diterima 2,7 hari" in text  # 65 hours
    assert "Penilaian warga 3,7 / 5 3 penilaian" in text
    assert "Dinas Lingkungan Hidup 2" in text
    assert "Lubuk Pakam 3" in text and "Tanpa lokasi / di luar Deli Serdang 2" in text


async def test_map_shades_the_22_kecamatan_by_count(
    db: Database, calendar: WorkingCalendar
) -> None:
    f = await small_month(db, calendar)
    html = render_monthly_html(f, regions().kecamatan_outlines())
    shapes = re.findall(
        r'<path d="M[^"]+" fill="(#[0-9a-f]{6})"[^>]*data-kecamatan="([\d.]+)" data-count="(\d+)"',
        html,
    )
    assert len(shapes) == 22
    assert {code for _, code, _ in shapes} == {k.code for k in regions().kecamatan_list()}
    fill = {code: (colour, int(count)) for colour, code, count in shapes}
    assert fill["12.07.28"] == (SHADES[-1], 3)  # Lubuk Pakam, the most: darkest
    assert fill["12.07.02"][1] == 1 and fill["12.07.02"][0] == SHADES[0]  # Tanjung Morawa
    assert fill["12.07.33"] == (ZERO_SHADE, 0)  # Beringin
    # A legend, and names: inside the shape where they fit, beside the map otherwise.
    assert "Jumlah pengaduan per kecamatan" in html
    for kecamatan in regions().kecamatan_list():
        first_word = kecamatan.name.split()[0]
        assert re.search(rf">{re.escape(first_word)}[^<]*</text>", html), kecamatan.name


async def test_an_empty_month_is_a_kind_report(db: Database, calendar: WorkingCalendar) -> None:
    service = MonthlyReports(db, calendar, regions(), Reports(db, clock=lambda: SMALL_AS_OF))
    f = await service.collect(NOVEMBER)
    assert f.empty and f.total == 0
    html = render_monthly_html(f, regions().kecamatan_outlines())
    assert "Belum ada data untuk bulan ini" in html and "November 2026" in html
    assert "http" not in html


async def test_statistik_shares_the_figures(db: Database, calendar: WorkingCalendar) -> None:
    """/statistik and the monthly report count with the same code (Reports)."""
    await seed(db, SMALL_COMPLAINTS, SMALL_QUESTIONS, calendar, regions())
    stats = await Reports(db).stats(since=NOVEMBER.start, until=NOVEMBER.end)
    assert stats.total == 8
    # "Proses" pressed straight on a new card (complaint 3) is its acceptance; without
    # it the median would be 45.0 hours.
    assert stats.median_hours_to_accept == 65.0
    assert stats.ratings == Counter({5: 1, 4: 1, 2: 1})


def test_report_command_line(tmp_path: Path) -> None:
    from tests.bot.test_cli import run

    env = {"BOT_DATABASE_PATH": str(tmp_path / "r.sqlite3")}
    out = tmp_path / "laporan.html"
    result = run("report", "--month", "2026-11", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "November 2026, 0 complaint(s)" in result.stderr
    assert "Belum ada data untuk bulan ini" in out.read_text(encoding="utf-8")
    result = run("report", "--month", "2026-13", env=env)
    assert result.returncode == 2 and "--month must look like 2026-11" in result.stderr
    # Without --out: laporan-bulanan-YYYY-MM.html in the current folder, last full month.
    result = run("report", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("laporan-bulanan-20??-??.html"))) == 1
