"""What admins (Kominfostan staff) read: linking groups, the OPD list, reloads, triage,
statistics, exports, teaching the bot the questions it missed (/pertanyaan), escalations.

Plain, polite Indonesian. Telegram HTML: anything that comes from a resident or a file
goes through `escape()` first.
"""

from __future__ import annotations

GROUP_LINKED = (
    "Grup ini sekarang terhubung dengan <b>{opd_name}</b>. "
    "Pengaduan untuk dinas ini akan muncul di sini."
)
GROUP_LINK_MOVED = (
    "{count} pengaduan yang masih terbuka dipindahkan mengikuti sambungan grup ini "
    "(kartu lamanya ditandai sudah dipindahkan)."
)
GROUP_LINK_USAGE = (
    "Cara pakai: <code>/hubungkan ID-OPD</code>, misalnya <code>/hubungkan dlh</code>, atau "
    "<code>/hubungkan camat NAMA-KECAMATAN</code>. Daftar ID ada di /opd."
)
GROUP_LINK_UNKNOWN = "ID OPD <code>{opd_id}</code> tidak dikenal. Daftar ID ada di /opd."
GROUP_LINK_EXTERNAL = "{opd_name} berada di luar Pemkab dan tidak menerima tiket."
ADMIN_ONLY = "Maaf, perintah ini tidak tersedia untuk Anda."
OPD_LIST_HEADER = "<b>Daftar OPD</b> (id — nama — grup — terbuka/lewat batas/selesai)\n"
OPD_LIST_ITEM = "• <code>{id}</code> — {name} — {group} — {open}/{overdue}/{done}"
OPD_GROUP_NONE = "belum terhubung"
OUTBOX_PARKED_HEADER = (
    "\n<b>Pesan tertahan</b> (tidak bisa dikirim): {count}. Kirim ulang lewat /tertahan. Terbaru:"
)
OUTBOX_PARKED_ITEM = "• {kind}: {reason}"
OPD_GROUP_LINKED = "terhubung"
# /tertahan: messages held back (refused by Telegram, or uncertain whether they arrived)
HELD_NOTICE = (
    "⚠️ Ada {count} pesan yang tertahan (tidak terkirim atau tidak pasti terkirim). "
    "Ketik /tertahan untuk melihat dan mengirim ulang."
)
HELD_EMPTY = "Tidak ada pesan yang tertahan. 👍"
HELD_HEADER = (
    "<b>Pesan tertahan</b>: {count}. Di bawah ini {shown} yang terbaru. "
    "<b>Kirim ulang</b> mengirimnya sekali lagi; <b>Abaikan</b> membiarkannya tidak terkirim."
)
HELD_ITEM = "<b>{what}</b> untuk {to}\nMasalah: {state}\nAlasan: {reason}\nSejak: {when}"
HELD_ITEM_PARTS = "\nBagian yang sudah terkirim: {parts} (kirim ulang melanjutkan sisanya)"
HELD_STATE_PARKED = "ditolak Telegram"
HELD_STATE_UNCERTAIN = "tidak pasti sampai (mungkin sudah diterima, mungkin belum)"
HELD_TO_RESIDENT = "pelapor {ticket}"
HELD_TO_GROUP = "grup {opd_name} ({ticket})"
HELD_TO_ADMIN = "admin (chat {chat})"
HELD_TO_UNKNOWN = "-"
HELD_WHAT = {
    "card": "Kartu pengaduan",
    "card_edit": "Pembaruan kartu",
    "photo": "Salinan foto",
    "pin": "Titik lokasi",
    "detail": "Lanjutan uraian",
    "reminder": "Pengingat",
    "relay_to_group": "Pesan pelapor",
    "notify": "Pemberitahuan status",
    "relay_to_resident": "Pesan petugas",
    "escalation": "Daftar lewat batas waktu",
    "triage_notice": "Pemberitahuan triase",
    "held_notice": "Pemberitahuan pesan tertahan",
}
BTN_HELD_RESEND = "🔁 Kirim ulang"
BTN_HELD_DISMISS = "Abaikan"
HELD_RESENT = "🔁 Dikirim ulang."
HELD_DISMISSED = "Diabaikan: pesan ini tidak dikirim."
HELD_ALREADY_HANDLED = "Pesan ini sudah ditangani."
RELOAD_OK = "✅ FAQ dimuat ulang: {topics} topik. Perubahan sudah berlaku."
RELOAD_FAILED = (
    "❌ FAQ tidak dimuat ulang karena ada masalah; FAQ lama tetap dipakai.\n"
    "Perbaiki lalu jalankan <code>python -m bot faq check</code>:\n{problems}"
)
TRIAGE_NOTICE = (
    "📥 Pengaduan <code>{ticket}</code> perlu keputusan admin ({reason}). Ketik /triase."
)
TRIAGE_EMPTY = "Tidak ada pengaduan yang menunggu keputusan. 👍"
TRIAGE_ITEM = (
    "<b>{ticket}</b> — {category}\n"
    "Alasan: {reason}\nLokasi: {location}\nUraian: <i>{description}</i>\n"
    "Saran rute: {suggestion}\nTetapkan OPD:"
)
TRIAGE_ASSIGNED = "{ticket} ditetapkan ke {opd_name}."
ADMIN_BAD_PERIOD = (
    "Periode <code>{value}</code> tidak dikenali. Tulis jumlah hari (1 sampai 3650) atau "
    "<code>semua</code>, misalnya <code>/statistik 30</code>, <code>/statistik semua</code> "
    "atau <code>/ekspor 90 pribadi</code>."
)
STATS_HEADER = "<b>Statistik pengaduan</b> ({period})\nJumlah: {total}\n"
STATS_PERIOD_ALL = "semua waktu"
STATS_PERIOD_DAYS = "{days} hari terakhir"
STATS_SECTION = "\n<b>{title}</b>\n{lines}"
STATS_LINE = "• {label}: {count}"
STATS_TIMES = (
    "\n<b>Waktu tanggapan</b> (median)\n• sampai diterima: {accept}\n• sampai selesai: {finish}\n"
    "• nilai rata-rata dari pelapor: {rating}"
)
STATS_OVERDUE = "\n<b>Lewat batas waktu</b> ({count})\n{lines}"
STATS_OVERDUE_ITEM = "• <code>{ticket}</code> — {opd} — batas {due}"
STATS_NO_DATA = "-"
STATS_CHART_CAPTION = "Jumlah pengaduan per OPD ({period})"
EXPORT_CAPTION = "Ekspor pengaduan ({period}){personal}. Simpan dengan aman."
EXPORT_PERSONAL_NOTE = ", <b>termasuk data pribadi</b>"
ESCALATION_HEADER = "🚨 <b>Pengaduan melewati batas waktu</b> ({count})\n"
ESCALATION_ITEM = "• <code>{ticket}</code> — {opd} — {status} — batas {due}"

# -- teaching the bot what it missed (/pertanyaan, handlers/teaching.py) -------------------
TEACH_HEADER = (
    "<b>Pertanyaan yang belum terjawab</b>: {total} kelompok, yang paling sering dulu.\n"
    "Pilih topik yang benar: cara bertanya warga ditambahkan ke topik itu, diperiksa, "
    "lalu langsung dipakai bot."
)
TEACH_MORE = "Ditampilkan {shown} dari {total} kelompok. Ketik /pertanyaan lagi untuk sisanya."
TEACH_NONE = "Belum ada pertanyaan yang tidak terjawab. 👍"
TEACH_GROUP = (
    "<b>#{group}</b> — {count}× ditanyakan, terakhir {last}{unhelpful}\n<i>{example}</i>{variants}"
)
TEACH_GROUP_UNHELPFUL = " ({count}× dinilai “tidak membantu”)"
TEACH_GROUP_VARIANTS = "\nJuga ditulis: {variants}"
TEACH_TOPIC_BUTTON = "➕ {topic}"
TEACH_OTHER_BUTTON = "🔎 Topik lain…"
TEACH_DRAFT_BUTTON = "📝 Belum ada topiknya"
TEACH_IGNORE_BUTTON = "🙈 Abaikan"
TEACH_HISTORY_BUTTON = "📜 Riwayat"
TEACH_UNDO_BUTTON = "↩️ Batalkan yang terakhir"
TEACH_SEARCH_PROMPT = (
    "🔎 Kelompok #{group}: balas pesan ini dengan beberapa kata untuk mencari topiknya, "
    "misalnya <code>ktp hilang</code>."
)
TEACH_SEARCH_RESULTS = "Topik untuk “{words}”. Pilih satu untuk kelompok #{group}:"
TEACH_SEARCH_NONE = (
    "Tidak ada topik untuk “{words}”. Balas lagi dengan kata lain, atau pilih “Belum ada topiknya”."
)
TEACH_DONE = (
    "✅ #{group} diajarkan ke <code>{topic}</code> oleh {admin} ({questions} pertanyaan).\n"
    "Ditambahkan: {added}\nBot sudah memakai FAQ yang baru."
)
TEACH_NOT_ANSWERED_YET = (
    "\nCatatan: bot belum langsung menjawab pertanyaan ini; topik itu baru ditawarkan di "
    "“Maksud Anda”. Bila perlu, tambahkan kata kuncinya (keywords) di berkas FAQ."
)
TEACH_DONE_NOT_RELOADED = (
    "✅ #{group} ditambahkan ke <code>{topic}</code> oleh {admin}, tetapi FAQ belum dimuat "
    "ulang. Kirim /reload."
)
TEACH_DRAFTED = (
    "📝 #{group}: draf topik <code>{topic}</code> ditulis di <code>{file}</code> oleh {admin}. "
    "Bot belum memakainya: isi opd dan jawabannya, pindahkan ke berkas bidangnya, lalu /reload."
)
TEACH_IGNORED = "🙈 #{group} diabaikan oleh {admin} ({questions} pertanyaan)."
TEACH_UNDONE = "↩️ Dibatalkan oleh {admin}: {what}"
TEACH_REFUSED = "❌ #{group} tidak diubah; berkas FAQ tetap seperti semula.\n{reason}"
TEACH_UNDO_REFUSED = "❌ Tidak dibatalkan.\n{reason}"
TEACH_REASONS = {
    "unknown_topic": "Topik itu tidak ada (lagi) di berkas FAQ.",
    "already_there": "Kalimat ini sudah ada di topik itu.",
    "empty": "Setelah NIK dan nomor HP disamarkan, tidak ada kalimat yang tersisa.",
    "changed": "Berkasnya diubah orang lain pada saat yang sama; perubahan itu tidak ditimpa. "
    "Coba lagi.",
    "invalid": "Pemeriksaan berkas (<code>faq check</code>) menemukan masalah:\n{detail}",
    "worse_holdout": "Dengan kalimat ini bot lebih sering salah menjawab pada uji cara bertanya "
    "({detail}). Mungkin pertanyaan ini lebih cocok untuk topik lain.",
    "worse_tests": "Pertanyaan uji admin ini tidak lagi dijawab dengan benar:\n{detail}",
    "layout": "Berkas ini tidak bisa diubah otomatis tanpa mengubah tata letaknya. "
    "Tambahkan dengan tangan.",
    "busy": "Berkas FAQ sedang diubah admin lain. Coba lagi sebentar lagi.",
    "unwritable": "Folder FAQ tidak bisa ditulis ({detail}). Pakai folder FAQ sendiri "
    "(BOT_DATA_DIR atau BOT_FAQ_DIR) yang boleh ditulis oleh bot.",
    "stale": "Kelompok ini sudah ditangani atau tombolnya sudah lama. Ketik /pertanyaan lagi.",
    "nothing_to_undo": "Tidak ada yang bisa dibatalkan.",
    "not_last": "Itu bukan lagi tindakan terakhir. Buka Riwayat lagi.",
}
TEACH_UNDO_CHANGED = (
    "Berkasnya sudah diubah sesudah itu, jadi tidak dikembalikan otomatis. "
    "Ubah dengan tangan bila perlu."
)
TEACH_HISTORY_HEADER = "<b>Riwayat mengajari bot</b> (terbaru dulu)"
TEACH_HISTORY_EMPTY = "Belum ada riwayat."
TEACH_HISTORY_ITEM = "• {when} — {admin}: {what}{undone}"
TEACH_WHAT_TAUGHT = "“{example}” → <code>{topic}</code>"
TEACH_WHAT_DRAFTED = "“{example}” → draf <code>{topic}</code>"
TEACH_WHAT_IGNORED = "“{example}” diabaikan"
TEACH_HISTORY_UNDONE = " <i>(dibatalkan)</i>"
TEACH_CLI_INTRO = (
    "Mengajari bot dari baris perintah (python -m bot faq teach). Ketik nomor tombol untuk "
    "menekannya, baris kosong untuk melihat daftar lagi, Ctrl-D atau q untuk selesai."
)
TEACH_CLI_HELP = "Ketik nomor tombol, baris kosong untuk daftar, atau q untuk selesai."
TEACH_CLI_RELOAD = (
    "Berkas FAQ sudah diubah. Bot yang sedang berjalan memakainya setelah /reload di chat admin "
    "(atau systemctl reload layanan-warga)."
)
