"""Indonesia's holidays for working-day deadlines: the `holidays` package plus a local file.

The national public holidays and the cuti bersama (the government's joint leave days, which
OPD officers, being civil servants, take) come from the maintained `holidays` package
(`holidays.Indonesia`, categories ``public`` and ``government``). Moving holidays (Idul
Fitri, Idul Adha, Imlek, Nyepi, Waisak, ...) are computed there, and the package is updated
when the government publishes each year's SKB 3 Menteri.

`data/holidays.yaml` is the local override an admin edits::

    tambah:                     # days off the package does not know (regional, a new SKB)
      - tanggal: 2027-07-01
        nama: Hari libur daerah (contoh)
        keterangan: Surat Edaran Bupati No. ...   # optional
    hapus:                      # days the package lists that are working days after all
      - tanggal: 2027-05-19
        nama: Cuti Bersama Hari Raya Waisak       # optional
        keterangan: SKB perubahan No. ...         # optional

The old shape (``holidays:`` with a list of dates) is still read, as additions.

No Telegram here; `faq check` and the calendar both use `read_holidays`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from faq.problems import Problem, YamlDocument, read_yaml, validate

__all__ = [
    "Holiday",
    "HolidayFileError",
    "HolidaySource",
    "Override",
    "YearCoverage",
    "coverage",
    "coverage_notes",
    "package_holidays",
    "package_version",
    "read_holidays",
]

Kind = Literal["libur", "cuti", "lokal"]
KIND_LABELS: dict[str, str] = {
    "libur": "libur nasional",
    "cuti": "cuti bersama",
    "lokal": "tambahan lokal",
}


@dataclass(frozen=True)
class Holiday:
    date: dt.date
    name: str
    kind: Kind  # libur nasional (public), cuti bersama (government), or added locally
    estimated: bool = False  # the package computed it; the official decree may differ


HolidaySource = Callable[[int], list[Holiday]]
"""Holidays of one year, before the local override. Tests inject their own."""


def package_holidays(year: int) -> list[Holiday]:
    """Indonesia's public holidays and cuti bersama for `year`, from the `holidays` package."""
    import holidays  # imported on first use: it takes about 0.1 s

    found: list[Holiday] = []
    categories: tuple[tuple[str, Kind], ...] = (("public", "libur"), ("government", "cuti"))
    for category, kind in categories:
        calendar = holidays.Indonesia(years=year, categories=(category,), language="id")
        # The package marks a date it computed rather than took from a decree with the
        # label "%s (perkiraan)"; admins are told to check those against the SKB.
        suffix = holidays.Indonesia.estimated_label.replace("%s", "")
        for day, names in sorted(calendar.items()):
            estimated = suffix in names
            found.append(Holiday(day, names.replace(suffix, ""), kind, estimated))
    return found


def package_version() -> str:
    try:
        import holidays
    except ImportError:  # pragma: no cover - it is a dependency
        return "tidak terpasang"
    return str(holidays.__version__)


# -- the override file ------------------------------------------------------------------
def _as_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(
        f"tanggal '{value}' tidak dikenali; tulis seperti 2027-03-10 (tahun-bulan-tanggal)"
    )


class _Added(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    tanggal: dt.date
    nama: str = Field(min_length=2)
    keterangan: str = ""

    _date = field_validator("tanggal", mode="before")(_as_date)


class _Removed(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    tanggal: dt.date
    nama: str = ""
    keterangan: str = ""

    _date = field_validator("tanggal", mode="before")(_as_date)


class _HolidayFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tambah: list[_Added] = Field(default_factory=list)
    hapus: list[_Removed] = Field(default_factory=list)
    holidays: list[dt.date] = Field(default_factory=list)  # the old shape: dates to add

    @field_validator("tambah", "hapus", "holidays", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        # "tambah:" with nothing under it is an empty list to an admin, not an error.
        return [] if value is None else value

    @field_validator("holidays", mode="before")
    @classmethod
    def _legacy_dates(cls, value: object) -> object:
        if isinstance(value, list):
            return [_as_date(v) for v in value]
        return value


@dataclass(frozen=True)
class Override:
    """What `data/holidays.yaml` adds and removes."""

    add: dict[dt.date, Holiday] = field(default_factory=dict)
    remove: dict[dt.date, str] = field(default_factory=dict)  # date -> name (may be "")
    legacy: bool = False  # written in the old `holidays:` shape
    lines: dict[tuple[str, dt.date], int | None] = field(default_factory=dict)  # for notes


class _DatesAsText(yaml.SafeLoader):
    """YAML turns 2027-03-10 into a date by itself, and raises on 2027-13-01 with no line
    number; read dates as text instead, so `_as_date` can say which line is wrong."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class HolidayFileError(ValueError):
    """The holidays file is broken; the message lists every problem with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            "The holidays file has problems; fix them, then run `python -m bot faq check`:\n"
            + listed
        )


def read_holidays(path: Path) -> tuple[Override | None, list[Problem]]:
    """Read and validate the override file. A missing file is an empty override."""
    if not path.exists():
        return Override(), []
    doc, problems = read_yaml(path, _DatesAsText)
    if doc is None:
        return None, problems
    if doc.data is None:
        return Override(), problems
    model, errors = validate(doc, _HolidayFile)
    problems += errors
    if model is None:
        return None, problems
    assert isinstance(model, _HolidayFile)
    problems += _contradictions(doc, model)
    if problems:
        return None, problems
    add: dict[dt.date, Holiday] = {}
    lines: dict[tuple[str, dt.date], int | None] = {}
    for index, day in enumerate(model.holidays):
        add[day] = Holiday(day, "Hari libur (daftar lama)", "lokal")
        lines[("tambah", day)] = doc.line_of(("holidays", index))
    for index, item in enumerate(model.tambah):
        add[item.tanggal] = Holiday(item.tanggal, item.nama, "lokal")
        lines[("tambah", item.tanggal)] = doc.line_of(("tambah", index, "tanggal"))
    remove: dict[dt.date, str] = {}
    for index, item in enumerate(model.hapus):
        remove[item.tanggal] = item.nama
        lines[("hapus", item.tanggal)] = doc.line_of(("hapus", index, "tanggal"))
    return Override(add, remove, legacy=bool(model.holidays), lines=lines), []


def _contradictions(doc: YamlDocument, model: _HolidayFile) -> list[Problem]:
    """A date written twice, or both added and removed: the admin must say which they mean."""
    problems: list[Problem] = []
    seen: dict[tuple[str, dt.date], int | None] = {}
    entries: list[tuple[str, dt.date, tuple[Any, ...]]] = [
        ("tambah", d, ("holidays", i)) for i, d in enumerate(model.holidays)
    ]
    entries += [("tambah", e.tanggal, ("tambah", i)) for i, e in enumerate(model.tambah)]
    entries += [("hapus", e.tanggal, ("hapus", i)) for i, e in enumerate(model.hapus)]
    for section, day, loc in entries:
        line = doc.line_of(loc)
        if (section, day) in seen:
            problems.append(
                Problem(
                    str(doc.path),
                    line,
                    f"{section}: tanggal {day.isoformat()} sudah ditulis di baris "
                    f"{seen[(section, day)]}; hapus salah satu",
                )
            )
            continue
        seen[(section, day)] = line
        other = "hapus" if section == "tambah" else "tambah"
        if (other, day) in seen:
            problems.append(
                Problem(
                    str(doc.path),
                    line,
                    f"tanggal {day.isoformat()} ada di 'tambah' dan di 'hapus' sekaligus "
                    f"(baris {seen[(other, day)]}); pilih salah satu",
                )
            )
    return problems


# -- what a year looks like after the override -------------------------------------------
def apply_override(year: int, found: Iterable[Holiday], override: Override) -> list[Holiday]:
    """The year's days off: the package's, minus `hapus`, plus `tambah`."""
    days = {h.date: h for h in found if h.date.year == year and h.date not in override.remove}
    for day, holiday in override.add.items():
        if day.year == year:
            # An admin confirming a date the package only estimated replaces the estimate.
            days[day] = holiday
    return sorted(days.values(), key=lambda h: h.date)


@dataclass(frozen=True)
class YearCoverage:
    year: int
    public: int  # libur nasional from the package (after removals)
    joint: int  # cuti bersama from the package (after removals)
    local: int  # added by the override
    estimated: tuple[Holiday, ...]  # package estimates nobody confirmed yet

    @property
    def total(self) -> int:
        return self.public + self.joint + self.local


def coverage(year: int, source: HolidaySource, override: Override) -> YearCoverage:
    days = apply_override(year, source(year), override)
    return YearCoverage(
        year=year,
        public=sum(h.kind == "libur" for h in days),
        joint=sum(h.kind == "cuti" for h in days),
        local=sum(h.kind == "lokal" for h in days),
        estimated=tuple(h for h in days if h.estimated),
    )


def coverage_notes(
    path: Path, override: Override, source: HolidaySource, today: dt.date
) -> tuple[list[str], list[YearCoverage]]:
    """Reminders for admins (never failures): this year and next year without holidays, or
    known only partly (no cuti bersama yet, dates the package only estimated), and override
    lines that change nothing. `today` is injected so tests do not depend on the date."""
    notes: list[str] = []
    years = [coverage(y, source, override) for y in (today.year, today.year + 1)]
    for cov in years:
        if cov.total == 0:
            notes.append(
                f"{path}: belum ada satu pun hari libur untuk tahun {cov.year}, jadi batas "
                "waktu pengaduan hanya melewati Sabtu dan Minggu. Perbarui paket holidays "
                "(pip install -U holidays) lalu jalankan ulang bot; jika paket belum memuat "
                f"tahun {cov.year}, tulis tanggal libur nasional dan cuti bersama dari SKB "
                "3 Menteri di bagian 'tambah:'."
            )
            continue
        if cov.joint == 0 and cov.local == 0:
            notes.append(
                f"{path}: cuti bersama tahun {cov.year} belum ada di kalender (paket holidays "
                f"{package_version()} baru memuat {cov.public} hari libur nasional). Setelah "
                f"SKB 3 Menteri tentang libur nasional dan cuti bersama {cov.year} terbit, "
                "perbarui paket holidays (pip install -U holidays); jika versi baru belum "
                "memuatnya, tulis tanggal cuti bersama di bagian 'tambah:'."
            )
        if cov.estimated:
            listed = ", ".join(f"{h.date.isoformat()} {h.name}" for h in cov.estimated)
            notes.append(
                f"{path}: tanggal berikut tahun {cov.year} masih perkiraan paket holidays: "
                f"{listed}. Cocokkan dengan SKB 3 Menteri: jika sama, tulis tanggal itu di "
                "'tambah:' sebagai konfirmasi; jika berbeda, tulis tanggal yang salah di "
                "'hapus:' dan tanggal yang benar di 'tambah:'."
            )
    if override.legacy:
        notes.append(
            f"{path}: berkas masih memakai bentuk lama 'holidays:'; tanggalnya tetap dipakai, "
            "tetapi sebaiknya pindahkan ke 'tambah:' dengan nama harinya (lihat "
            "docs/panduan-admin-faq.md)."
        )
    notes += _idle_lines(path, override, source)
    return notes, years


def _idle_lines(path: Path, override: Override, source: HolidaySource) -> list[str]:
    """Override lines that change nothing are probably a typo in the date."""
    notes: list[str] = []
    by_year: dict[int, dict[dt.date, Holiday]] = {}

    def package_day(day: dt.date) -> Holiday | None:
        if day.year not in by_year:
            by_year[day.year] = {h.date: h for h in source(day.year)}
        return by_year[day.year].get(day)

    for day in sorted(override.remove):
        if package_day(day) is None:
            line = override.lines.get(("hapus", day))
            where = f"{path}:{line}" if line else str(path)
            notes.append(
                f"{where}: hapus {day.isoformat()}: tanggal ini bukan hari libur di paket "
                "holidays, jadi baris ini tidak berpengaruh; periksa tanggalnya."
            )
    for day in sorted(override.add):
        known = package_day(day)
        if known is not None and not known.estimated:
            line = override.lines.get(("tambah", day))
            where = f"{path}:{line}" if line else str(path)
            notes.append(
                f"{where}: tambah {day.isoformat()}: paket holidays sudah memuat tanggal ini "
                f"({known.name}); baris ini boleh dihapus."
            )
    return notes
