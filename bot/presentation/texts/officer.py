"""What OPD officers read in their group: the complaint card, its buttons, prompts for a
note, refusals, messages relayed from the resident, deadline reminders.

Plain, polite Indonesian. Telegram HTML: anything that comes from a resident or a file
goes through `escape()` first.
"""

from __future__ import annotations

BTN_ACCEPT = "✅ Terima"
BTN_PROCESS = "🛠️ Proses"
BTN_FINISH = "🏁 Selesai"
BTN_REJECT = "⛔ Bukan wewenang"
BTN_MOVE = "↪️ Alihkan"
BTN_MOVE_CANCEL = "Batal"
CARD = (
    "📋 <b>Pengaduan {ticket}</b>\n"
    "Status: <b>{status}</b>\n"
    "Kategori: {category}\n"
    "Lokasi: {location}\n"
    "Pelapor: {reporter}\n"
    "{due_line}"
    "{triage_line}"
    "\n<b>Uraian</b>\n{description}\n"
    "{footer}"
)
CARD_DUE = "Batas waktu: <b>{due}</b>\n"
CARD_TRIAGE = "⚠️ Perlu diteruskan ({reason}). Tekan Alihkan untuk memilih dinas.\n"
CARD_REPORTER_HIDDEN = "dirahasiakan"
CARD_REPORTER_HIDDEN_SENSITIVE = "dirahasiakan (pengaduan sensitif)"
CARD_DESCRIPTION_CONTINUES = "<i>(uraian berlanjut di pesan berikut)</i>"
CARD_DESCRIPTION_PART = "📋 <b>{ticket}</b>, lanjutan uraian:\n{text}"
CARD_FOOTER_OPEN = (
    "\n<i>Balas (reply) pesan ini untuk bertanya kepada pelapor. Identitas pelapor "
    "tidak ditampilkan kecuali ia memilih membagikannya.</i>"
)
CARD_FOOTER_MOVED = "\n<i>Pengaduan ini sudah dipindahkan ke {opd_name}.</i>"
CARD_FOOTER_CLOSED = "\n<i>Pengaduan ini sudah {status}.</i>"
CARD_RATING = "Nilai dari pelapor: {rating}/5\n"
CARD_PHOTO = "📷 Foto {position} untuk {ticket}"
CARD_PIN = "📍 Lokasi {ticket}"
OFFICER_PROMPT = {
    "selesai": "{name}, balas (reply) pesan ini dengan catatan penyelesaian untuk {ticket}. "
    "Catatan ini dikirim ke pelapor.",
    "tolak": "{name}, balas (reply) pesan ini dengan alasan {ticket} bukan wewenang "
    "{opd_name}. Pengaduan lalu kembali ke admin untuk diteruskan.",
}
OFFICER_MOVE_CHOOSE = "Alihkan {ticket} ke mana?"
OFFICER_DONE = "{ticket}: {what} oleh {name}."
OFFICER_WHAT = {
    "terima": "diterima",
    "proses": "sedang diproses",
    "selesai": "dinyatakan selesai",
    "tolak": "dikembalikan sebagai bukan wewenang",
    "alihkan": "dialihkan",
}
OFFICER_REFUSED = {
    # An unknown ticket gets the same answer as another group's: a guess reveals nothing.
    "unknown": "Tombol ini hanya bisa dipakai di grup dinas yang menangani pengaduan ini.",
    "wrong_group": "Tombol ini hanya bisa dipakai di grup dinas yang menangani pengaduan ini.",
    "stale": "Kartu ini sudah tidak berlaku; pakai kartu terbaru pengaduan ini.",
    "not_allowed": "Tidak bisa: status pengaduan ini sekarang {status}.",
    "needs_note": "Catatan wajib diisi.",
    "bad_target": "Tujuan itu tidak bisa dipilih.",
    "same_target": "Pengaduan sudah berada di dinas itu.",
}
OFFICER_NOTE_TOO_LONG = (
    "Catatan terlalu panjang (paling banyak {limit} karakter). Mohon ringkas, lalu balas lagi "
    "pesan permintaan catatan."
)
OFFICER_NOTE_EMPTY = "Catatan tidak boleh kosong. Balas lagi pesan permintaan catatan."
OFFICER_RELAYED = "Pesan diteruskan ke pelapor {ticket}."
OFFICER_RELAY_CLOSED = "Pengaduan {ticket} sudah ditutup; pesan tidak diteruskan."
GROUP_RESIDENT_MESSAGE = "💬 Pesan dari pelapor {ticket}:\n{text}"
GROUP_REOPENED = "🔁 Pelapor membuka kembali {ticket}: masalah belum selesai.\n{text}"
REMINDER = (
    "⏰ Pengingat: batas waktu <b>{ticket}</b> ({status}) adalah {due}. "
    "Mohon ditindaklanjuti dengan tombol di kartu."
)
