"""Texts every audience may read: the bot's name, apologies, stale buttons, status names.

Plain, polite Indonesian: "Anda"/"Bapak/Ibu", short sentences, no jargon. Telegram HTML:
anything that comes from a resident or a file goes through `escape()` first.
"""

from __future__ import annotations

BOT_NAME = "Layanan Warga Deli Serdang"
ERROR_APOLOGY = (
    "Maaf, terjadi gangguan di sistem kami saat memproses pesan Anda. 🙏 "
    "Silakan coba lagi sebentar lagi."
)
PRIVATE_ONLY_BUTTON = "Tombol ini hanya berlaku di chat pribadi dengan bot."
STALE_BUTTON = "Tombol ini sudah tidak berlaku. Silakan mulai lagi dari /start."

# The status model's names, as residents, officers and admins read them.
STATUS_LABELS = {
    "baru": "Baru, menunggu diteruskan",
    "diteruskan": "Diteruskan ke dinas",
    "diterima": "Diterima petugas",
    "diproses": "Sedang diproses",
    "selesai": "Selesai menurut petugas",
    "ditutup": "Ditutup",
}
