"""Indonesian texts admins read about holidays and the monthly report (Telegram HTML).

Kept apart from `bot/texts.py` so the monthly report and the holiday calendar can change
without touching the shared text module.
"""

from __future__ import annotations

HOLIDAYS_RELOAD_FAILED = (
    "⚠️ Berkas hari libur <code>{file}</code> tidak dimuat ulang; kalender lama tetap "
    "dipakai. Perbaiki dulu:\n{problems}"
)

MONTHLY_CAPTION = (
    "Laporan bulanan layanan warga, {month}. Buka berkas ini di browser; untuk mencetak "
    "pilih Cetak (Ctrl+P), kertas A4."
)
MONTHLY_BAD_MONTH = (
    "Bulan <code>{arg}</code> tidak dikenali. Tulis tahun-bulan, misalnya "
    "<code>/statistik bulan 2026-11</code>, atau <code>/statistik bulan ini</code> untuk "
    "bulan berjalan. Tanpa bulan, laporannya untuk bulan lalu."
)
MONTHLY_FUTURE = (
    "Bulan {month} belum dimulai, jadi belum ada datanya. Pilih bulan ini atau sebelumnya."
)
