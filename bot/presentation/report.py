"""The monthly report as ONE self-contained, printable HTML file (Indonesian).

Inline CSS and inline SVG only: no scripts, fonts, images or links to fetch, so the file
opens the same way offline, in Telegram's document viewer, or printed on A4 from a
browser. The map is a choropleth of the 22 kecamatan drawn from the boundary polygons
in `data/regions/` (see `Regions.kecamatan_outlines`).

Pure functions of `MonthlyFigures`; no database, no Telegram.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from bot.presentation.report_map import (
    Outlines,
    choropleth_svg,
    class_breaks,
)
from bot.services.calendar import ACCEPT_WITHIN, FINISH_WITHIN, WIB, format_date
from bot.services.monthly_report import DeadlineShare, MonthlyFigures

__all__ = ["choropleth_svg", "class_breaks", "render_monthly_html"]


STATUS_LABELS = {
    "baru": "Baru (belum diteruskan)",
    "diteruskan": "Diteruskan ke OPD",
    "diterima": "Diterima petugas",
    "diproses": "Sedang diproses",
    "selesai": "Selesai menurut petugas",
    "ditutup": "Ditutup",
}
MET, MISSED, PENDING = "#2e7d32", "#c62828", "#b0b7bf"


# -- numbers and dates the Indonesian way ----------------------------------------------------
def _num(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _percent(part: int, whole: int) -> str:
    return f"{_num(100 * part / whole)}%" if whole else "–"


def _hours(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 48:
        return f"{_num(value, 1)} jam"
    return f"{_num(value / 24, 1)} hari"


def _moment(moment: dt.datetime) -> str:
    local = moment.astimezone(WIB)
    return f"{format_date(local)} pukul {local:%H.%M} WIB"


def _short_date(moment: dt.datetime | None) -> str:
    if moment is None:
        return "–"
    local = moment.astimezone(WIB)
    return f"{local.day}/{local.month}"


# -- small inline charts ---------------------------------------------------------------------
def _bar(value: int, maximum: int, colour: str = "#3182bd") -> str:
    share = 100 * value / maximum if maximum else 0
    return (
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none">'
        f'<rect width="{share:.1f}" height="10" fill="{colour}"/></svg>'
    )


def _stacked(share: DeadlineShare) -> str:
    total = share.met + share.missed + share.pending
    if not total:
        return ""
    parts, x = [], 0.0
    for value, colour in ((share.met, MET), (share.missed, MISSED), (share.pending, PENDING)):
        w = 100 * value / total
        parts.append(f'<rect x="{x:.2f}" width="{w:.2f}" height="10" fill="{colour}"/>')
        x += w
    return (
        '<svg class="stack" viewBox="0 0 100 10" preserveAspectRatio="none">'
        + "".join(parts)
        + "</svg>"
    )


def _share_cell(share: DeadlineShare) -> str:
    if not share.judged:
        return '<td class="num muted">–</td>'
    ratio = f"{share.met}/{share.judged}"
    return f'<td class="num">{_percent(share.met, share.judged)} <small>({ratio})</small></td>'


# -- the page --------------------------------------------------------------------------------
CSS = """
@page { size: A4; margin: 12mm 13mm 14mm; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { background: #ffffff; }
body { margin: 0; color: #1d2733; font: 10pt/1.4 "Segoe UI", "Noto Sans", "DejaVu Sans",
  Roboto, Arial, sans-serif; }
main { max-width: 184mm; margin: 0 auto; padding: 6mm 0 8mm; }
header { border-bottom: 3px solid #1f5f99; padding-bottom: 2.5mm; margin-bottom: 3mm; }
.org { font-size: 9pt; letter-spacing: .04em; text-transform: uppercase; color: #1f5f99;
  font-weight: 600; }
h1 { font-size: 19pt; margin: 1mm 0 0; }
.sub { font-size: 11.5pt; margin: .5mm 0 1mm; }
.meta { font-size: 8.5pt; color: #52606d; }
.notice { border: 1px dashed #b26a00; background: #fff4e0; color: #6b3f00; padding: 2mm 3mm;
  margin: 0 0 3mm; font-size: 9pt; }
h2 { font-size: 12.5pt; margin: 0 0 2mm; color: #1f5f99; }
section { margin: 0 0 4mm; break-inside: avoid; page-break-inside: avoid; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2.5mm; }
.tile { border: 1px solid #d5dde6; border-radius: 1.5mm; padding: 1.5mm 2.5mm; }
.tile .label { font-size: 8.5pt; color: #52606d; }
.tile .value { font-size: 16pt; font-weight: 700; line-height: 1.15; }
.tile .hint { font-size: 8pt; color: #52606d; }
.kcs { column-count: 3; column-gap: 6mm; font-size: 9pt; margin-top: 2mm; }
.kc { display: flex; justify-content: space-between; border-bottom: 1px solid #e3e8ee;
  padding: .4mm 0; break-inside: avoid; }
table.opd td:first-child { width: 40%; }
.cats { column-count: 2; column-gap: 6mm; font-size: 9pt; }
.halves { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; align-items: start; }
svg.map { width: 100%; height: auto; max-height: 185mm; display: block; }
svg.map text { font-family: inherit; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
th { text-align: left; font-weight: 600; color: #52606d; border-bottom: 1.5px solid #9aa5b1;
  padding: 1mm 1.5mm; }
td { border-bottom: 1px solid #e3e8ee; padding: .6mm 1.5mm; vertical-align: middle; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.barcell { width: 28%; }
small, .muted { color: #7b8794; }
svg.bar, svg.stack { width: 100%; height: 3mm; display: block; }
.keys span { display: inline-block; margin-right: 4mm; font-size: 8.5pt; }
.keys i { display: inline-block; width: 3mm; height: 3mm; margin-right: 1mm;
  vertical-align: -.4mm; }
p { margin: 0 0 2mm; }
.empty { border: 1px solid #d5dde6; border-radius: 1.5mm; padding: 6mm; text-align: center;
  font-size: 11pt; }
footer { border-top: 1px solid #d5dde6; padding-top: 1.5mm; font-size: 7.5pt; color: #52606d;
  break-inside: avoid; }
footer p { margin: 0 0 1mm; }
.pagebreak { break-before: page; page-break-before: always; }
"""


def _tile(label: str, value: str, hint: str = "") -> str:
    return (
        f'<div class="tile"><div class="label">{label}</div><div class="value">{value}</div>'
        f'<div class="hint">{hint}</div></div>'
    )


def _share_tile(label: str, share: DeadlineShare, rule: str) -> str:
    if not share.judged:
        return _tile(label, "–", f"batas {rule}; belum ada yang bisa dinilai")
    hint = f"{share.met} dari {share.judged} (batas {rule})"
    if share.pending:
        hint += f"; {share.pending} masih berjalan"
    return _tile(label, _percent(share.met, share.judged), hint)


def render_monthly_html(
    figures: MonthlyFigures,
    outlines: Outlines,
    *,
    notice: str | None = None,
) -> str:
    """The whole report. `notice` is an optional banner (e.g. "example data")."""
    month = figures.month
    title = f"Laporan Bulanan Layanan Warga — {month.label}"
    head = (
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        '<header><div class="org">Pemerintah Kabupaten Deli Serdang · Layanan Warga</div>'
        f"<h1>Laporan Bulanan Layanan Warga</h1>"
        f'<div class="sub">{escape(month.label)} · untuk Dewan Smart City Kabupaten Deli'
        " Serdang</div>"
        f'<div class="meta">Pengaduan yang masuk 1–{(month.end - dt.timedelta(days=1)).day}'
        f" {escape(month.label)} (WIB) dan pertanyaan warga yang belum terjawab pada bulan"
        f" itu. Keadaan data per {escape(_moment(figures.as_of))}. Dibuat otomatis oleh bot"
        " layanan warga.</div></header>"
    )
    if notice:
        head += f'<div class="notice">{escape(notice)}</div>'
    if figures.empty:
        body = (
            '<section class="empty"><p><b>Belum ada data untuk bulan ini.</b></p>'
            f"<p>Tidak ada pengaduan maupun pertanyaan warga yang tercatat pada "
            f"{escape(month.label)}. Bila bot sudah berjalan pada bulan itu, periksa apakah"
            " bulan yang dipilih sudah benar.</p></section>"
        )
        return head + body + _footer() + "</main></body></html>\n"
    return (
        head
        + _summary(figures)
        + _timeliness_section(figures)
        + _ratings_and_status(figures)
        + _categories(figures)
        + _map_section(figures, outlines)
        + _opd_section(figures)
        + _questions_section(figures)
        + _footer()
        + "</main></body></html>\n"
    )


def _summary(f: MonthlyFigures) -> str:
    finished = sum(c for s, c in f.by_status if s in ("selesai", "ditutup"))
    tiles = [
        _tile("Pengaduan masuk", _num(f.total), f"{f.not_delivered} belum sampai ke grup OPD"),
        _tile(
            "Sudah selesai",
            _num(finished),
            f"{_percent(finished, f.total)} dari pengaduan bulan ini",
        ),
        _share_tile("Diterima tepat waktu", f.accept, f"{ACCEPT_WITHIN} hari kerja"),
        _share_tile("Selesai tepat waktu", f.finish, f"{FINISH_WITHIN} hari kerja"),
        _tile("Median sampai diterima", _hours(f.median_hours_to_accept), "sejak sampai di OPD"),
        _tile("Median sampai selesai", _hours(f.median_hours_to_finish), "sejak diterima"),
        _tile(
            "Penilaian warga",
            f"{_num(f.mean_rating, 1)} / 5" if f.mean_rating is not None else "–",
            f"{f.rating_count} penilaian",
        ),
        _tile(
            "Belum terjawab",
            _num(f.questions_total),
            f"pertanyaan warga, dalam {f.question_group_count} kelompok",
        ),
    ]
    return f'<section><h2>Ringkasan</h2><div class="tiles">{"".join(tiles)}</div></section>'


def _map_section(f: MonthlyFigures, outlines: Outlines) -> str:
    counts = {row.code: row.count for row in f.by_kecamatan}
    names = {row.code: row.name for row in f.by_kecamatan}
    svg = choropleth_svg(counts, names, outlines)
    cells = "".join(
        f'<div class="kc"><span>{escape(r.name)}</span><b>{r.count}</b></div>'
        for r in f.by_kecamatan
    )
    cells += (
        f'<div class="kc muted"><span>Tanpa lokasi / di luar Deli Serdang</span>'
        f"<b>{f.no_kecamatan}</b></div>"
    )
    return (
        '<section class="pagebreak"><h2>Sebaran pengaduan per kecamatan</h2>'
        f'{svg}<div class="kcs">{cells}</div></section>'
    )


def _opd_section(f: MonthlyFigures) -> str:
    biggest = max((r.count for r in f.by_opd), default=0)
    rows = "".join(
        f'<tr><td>{escape(r.name)}</td><td class="num">{r.count}</td>'
        f'<td class="barcell">{_bar(r.count, biggest)}</td>'
        f'<td class="num">{r.finished}</td>{_share_cell(r.accept)}{_share_cell(r.finish)}</tr>'
        for r in f.by_opd
    )
    return (
        '<section class="pagebreak"><h2>Pengaduan per OPD</h2><table class="opd"><thead><tr>'
        '<th>OPD</th><th class="num">Jumlah</th><th></th><th class="num">Selesai</th>'
        f'<th class="num">Diterima ≤ {ACCEPT_WITHIN} hari kerja</th>'
        f'<th class="num">Selesai ≤ {FINISH_WITHIN} hari kerja</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        '<p class="muted"><small>Persentase tepat waktu dihitung dari pengaduan yang batas'
        " waktunya sudah lewat atau sudah ditangani; yang masih berjalan belum dihitung."
        "</small></p>"
        "</section>"
    )


def _timeliness_section(f: MonthlyFigures) -> str:
    def row(label: str, share: DeadlineShare) -> str:
        return (
            f'<tr><td>{label}</td><td class="num">{share.met}</td>'
            f'<td class="num">{share.missed}</td><td class="num">{share.pending}</td>'
            f'<td class="num"><b>{_percent(share.met, share.judged)}</b></td>'
            f'<td class="barcell">{_stacked(share)}</td></tr>'
        )

    return (
        "<section><h2>Ketepatan waktu</h2>"
        f"<p>Pengaduan harus <b>diterima</b> petugas paling lambat {ACCEPT_WITHIN} hari kerja"
        f" setelah sampai di grup OPD, dan <b>diselesaikan</b> (atau diberi rencana tindak"
        f" lanjut) paling lambat {FINISH_WITHIN} hari kerja setelah diterima. Sabtu, Minggu,"
        " libur nasional, dan cuti bersama tidak dihitung.</p>"
        '<table><thead><tr><th></th><th class="num">Tepat waktu</th>'
        '<th class="num">Terlambat</th><th class="num">Masih berjalan</th>'
        '<th class="num">Persentase tepat waktu</th><th></th></tr></thead><tbody>'
        + row("Diterima", f.accept)
        + row("Diselesaikan", f.finish)
        + "</tbody></table>"
        '<p class="keys"><span><i style="background:' + MET + '"></i>tepat waktu</span>'
        '<span><i style="background:' + MISSED + '"></i>terlambat (termasuk yang belum'
        " ditangani padahal batasnya sudah lewat)</span>"
        '<span><i style="background:'
        + PENDING
        + '"></i>masih berjalan</span></p>'
        + (
            f"<p><small>{f.not_delivered} pengaduan belum sampai ke grup Telegram OPD mana"
            " pun (grupnya belum terhubung) dan tidak dihitung di sini.</small></p>"
            if f.not_delivered
            else ""
        )
        + "</section>"
    )


def _ratings_and_status(f: MonthlyFigures) -> str:
    biggest = max(f.ratings.values(), default=0)
    stars = "".join(
        f'<tr><td>{"★" * n}{"☆" * (5 - n)}</td><td class="num">{f.ratings.get(n, 0)}</td>'
        f'<td class="barcell">{_bar(f.ratings.get(n, 0), biggest, "#f0a202")}</td></tr>'
        for n in range(5, 0, -1)
    )
    mean = _num(f.mean_rating, 2) if f.mean_rating is not None else "–"
    ratings = (
        "<div><h2>Penilaian warga</h2>"
        f"<p>{f.rating_count} penilaian, rata-rata <b>{mean}</b> dari 5. Warga menilai"
        " setelah pengaduannya dinyatakan selesai.</p>"
        f"<table><tbody>{stars}</tbody></table></div>"
    )
    statuses = "".join(
        f'<tr><td>{escape(STATUS_LABELS.get(s, s))}</td><td class="num">{c}</td></tr>'
        for s, c in f.by_status
    )
    status = f"<div><h2>Status saat ini</h2><table><tbody>{statuses}</tbody></table></div>"
    return f'<section><div class="halves">{ratings}{status}</div></section>'


def _categories(f: MonthlyFigures) -> str:
    cells = "".join(
        f'<div class="kc"><span>{escape(label)}</span><b>{c}</b></div>'
        for label, c in f.by_category
    )
    return f'<section><h2>Pengaduan per kategori</h2><div class="cats">{cells}</div></section>'


def _questions_section(f: MonthlyFigures) -> str:
    if not f.questions_total:
        return (
            "<section><h2>Pertanyaan yang belum terjawab</h2>"
            "<p>Tidak ada pertanyaan warga yang tidak terjawab bulan ini.</p></section>"
        )
    rows = "".join(
        f'<tr><td class="num">{i}</td><td>{escape(g.example[:160])}'
        + (
            f"<br><small>juga: {escape('; '.join(v for v, _ in g.variants[1:4])[:200])}</small>"
            if len(g.variants) > 1
            else ""
        )
        + f'</td><td class="num">{g.count}</td>'
        + f'<td class="num">{_short_date(g.last_asked)}</td></tr>'
        for i, g in enumerate(f.question_groups, 1)
    )
    shown = len(f.question_groups)
    return (
        "<section><h2>Pertanyaan yang belum terjawab</h2>"
        f"<p>{f.questions_total} pertanyaan warga tidak bisa dijawab bot"
        + (
            f" (termasuk {f.questions_unhelpful} jawaban yang dinilai “tidak membantu”)"
            if f.questions_unhelpful
            else ""
        )
        + f". Pertanyaan yang mirip dikelompokkan; {shown} kelompok terbesar dari"
        f" {f.question_group_count}:</p>"
        '<table><thead><tr><th class="num">#</th><th>Contoh pertanyaan (NIK dan nomor'
        ' telepon disamarkan)</th><th class="num">Jumlah</th>'
        '<th class="num">Terakhir</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        '<p class="muted"><small>Admin menambahkan jawaban untuk kelompok ini di berkas FAQ'
        " (lihat /pertanyaan di chat admin).</small></p></section>"
    )


def _footer() -> str:
    return (
        "<footer><p><b>Cara membaca.</b> Angka pengaduan dihitung dari pengaduan yang masuk"
        " pada bulan ini, dengan riwayatnya sampai saat laporan dibuat. Median adalah nilai"
        " tengah: separuh pengaduan lebih cepat, separuh lebih lambat. Batas waktu mengikuti"
        " praktik LAPOR!/SP4N.</p><p><b>Data pribadi.</b> Laporan ini tidak memuat nama,"
        " nomor telepon, atau akun Telegram pelapor; NIK dan nomor telepon di dalam"
        " pertanyaan warga disamarkan.</p><p><b>Peta.</b> Batas kecamatan dari data terbuka"
        " cahyadsn/wilayah_boundaries (lisensi MIT), disederhanakan; kode dan nama wilayah"
        " Kemendagri.</p></footer>"
    )
