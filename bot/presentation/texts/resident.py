"""What residents read in their private chat: menus, answers, the complaint flow,
tracking and the notices about their complaints.

Plain, polite Indonesian: "Anda"/"Bapak/Ibu", short sentences, no jargon. Telegram HTML:
anything that comes from a resident or a file goes through `escape()` first.
"""

from __future__ import annotations

from faq.formatting import escape

# -- buttons (inline keyboard labels) ---------------------------------------------------
BTN_FAQ = "📚 Tanya layanan"
BTN_REPORT = "📝 Buat pengaduan"
BTN_STATUS = "🔎 Cek status pengaduan"
BTN_HELP = "❓ Bantuan"
BTN_HELPFUL = "👍 Membantu"
BTN_NOT_HELPFUL = "👎 Tidak membantu"
BTN_BACK_TO_AREAS = "⬅️ Kembali ke daftar bidang"
BTN_REPORT_THIS = "📝 Ya, jadikan pengaduan"
BTN_NOT_A_REPORT = "Bukan, saya hanya bertanya"

# -- start, help ---------------------------------------------------------------------
START = (
    "Halo, selamat datang di <b>{bot_name}</b>. 👋\n"
    "Saya asisten layanan Pemerintah Kabupaten Deli Serdang.\n\n"
    "Yang bisa saya bantu:\n"
    "• Menjawab pertanyaan tentang layanan publik: KTP, KK, akta, izin, PBB, bansos, "
    "puskesmas, sekolah, dan lainnya.\n"
    "• Menerima pengaduan Anda dan meneruskannya ke dinas yang berwenang.\n\n"
    "Silakan ketik pertanyaan Anda dengan kata-kata sendiri, misalnya "
    '<i>"cara buat akta lahir"</i>, atau pilih menu di bawah.'
)

HELP = (
    "<b>Cara memakai bot ini</b>\n"
    '• Ketik pertanyaan Anda seperti biasa, misalnya <i>"KTP hilang bagaimana?"</i> '
    'atau <i>"syarat KK baru"</i>.\n'
    "• /faq — daftar topik per bidang.\n"
    "• /lapor — buat pengaduan.\n"
    "• /status — cek pengaduan Anda.\n"
    "• /start — menu utama.\n\n"
    "Untuk keadaan darurat (kebakaran, kecelakaan, bencana), segera telepon <b>112</b> "
    "(gratis)."
)

# -- FAQ -----------------------------------------------------------------------------
FAQ_AREAS = "<b>Topik layanan</b>\nPilih bidang yang ingin Anda ketahui:"
FAQ_AREA_TOPICS = "<b>{title}</b>\nPilih pertanyaan:"
ANSWER_OPD = "\n\n<i>Instansi terkait: {opd_name}</i>"
ANSWER_REFERRAL = (
    "\n\n<i>Catatan: urusan ini ditangani oleh {opd_name}, bukan Pemerintah Kabupaten "
    "Deli Serdang. Bot ini tidak dapat membuat tiket untuk urusan tersebut.</i>"
)
ANSWER_CONTACT = "\n<i>{label}: {value}</i>"
CONTACT_LABELS = {
    "address": "Alamat",
    "phone": "Telepon",
    "hours": "Jam layanan",
    "online": "Layanan daring",
}
DID_YOU_MEAN = "Maksud Anda salah satu dari ini? Silakan pilih:"
NOT_UNDERSTOOD = (
    "Maaf, saya belum menemukan jawaban untuk pertanyaan itu. 🙏\n"
    "Pertanyaan Anda sudah kami catat agar jawabannya bisa ditambahkan.\n\n"
    "Anda bisa:\n"
    '• menulis ulang dengan kata lain, misalnya <i>"syarat akta kelahiran"</i>;\n'
    "• memilih topik lewat /faq;\n"
    "• membuat pengaduan lewat /lapor bila ada masalah layanan."
)
FEEDBACK_THANKS = "Terima kasih atas penilaian Anda. 🙏"
FEEDBACK_SORRY = (
    "Terima kasih, masukan Anda kami catat agar jawabannya diperbaiki.\n"
    "Silakan tulis pertanyaan dengan kata lain, pilih topik lewat /faq, "
    "atau buat pengaduan lewat /lapor."
)
FEEDBACK_ALREADY = "Penilaian untuk jawaban ini sudah tercatat. Terima kasih."
TOPIC_GONE = "Maaf, topik itu sudah tidak tersedia. Silakan pilih lagi lewat /faq."

# -- smalltalk -----------------------------------------------------------------------
SMALLTALK = {
    "greeting": "Halo, Bapak/Ibu. 👋 Ada yang bisa saya bantu? Silakan ketik pertanyaan "
    "Anda, atau pilih menu /start.",
    "thanks": "Sama-sama, Bapak/Ibu. Senang bisa membantu. 🙏",
    "farewell": "Terima kasih sudah menghubungi kami. Sampai jumpa. 👋",
    "congratulation": "Terima kasih, Bapak/Ibu. 🙏 Bila ada yang ingin ditanyakan tentang "
    "layanan publik, silakan ketik di sini.",
    "chitchat": "Saya asisten layanan Pemkab Deli Serdang, jadi saya hanya bisa membantu "
    "urusan layanan publik. 🙂 Silakan ketik pertanyaan Anda, atau pilih /faq.",
}

# -- complaint offer (from free text) ------------------------------------------------
COMPLAINT_OFFER = (
    "Sepertinya Anda ingin menyampaikan pengaduan. 📝\n"
    "{opd_line}"
    "Apakah Anda ingin menjadikannya pengaduan resmi?"
)
COMPLAINT_OFFER_OPD = "Urusan ini biasanya ditangani oleh <b>{opd_name}</b>.\n"
COMPLAINT_OFFER_EXTERNAL = (
    "Urusan ini ditangani oleh <b>{opd_name}</b>, bukan Pemerintah Kabupaten Deli Serdang.\n"
)
COMPLAINT_DECLINED = "Baik. Silakan ketik pertanyaan Anda, atau pilih topik lewat /faq."

# -- messages the bot cannot use -----------------------------------------------------
UNSUPPORTED = {
    "sticker": "Terima kasih stikernya. 🙂 Saya hanya bisa membaca pesan teks. "
    "Silakan ketik pertanyaan Anda.",
    "voice": "Maaf, saya belum bisa mendengarkan pesan suara. Mohon ketik pertanyaan Anda.",
    "media": "Maaf, saya belum bisa membaca gambar, video, atau berkas di luar pengaduan. "
    "Mohon ketik pertanyaan Anda, atau buat pengaduan lewat /lapor untuk melampirkan foto.",
    "location": "Terima kasih. Lokasi hanya dipakai saat membuat pengaduan. "
    "Ketik /lapor bila ingin melapor.",
    "contact": "Terima kasih. Kami tidak memerlukan kontak untuk menjawab pertanyaan. "
    "Silakan ketik pertanyaan Anda.",
    "other": "Maaf, jenis pesan ini belum bisa saya proses. Silakan ketik pertanyaan Anda.",
}
EMOJI_ONLY = '🙂 Silakan ketik pertanyaan Anda dengan kata-kata, misalnya "cara buat KTP".'
TOO_LONG = (
    "Pesan Anda cukup panjang. Untuk pertanyaan, mohon tulis singkat saja, misalnya "
    '"syarat KK baru". Bila ini pengaduan, ketik /lapor.'
)
UNKNOWN_COMMAND = (
    "Maaf, perintah itu tidak saya kenal. Ketik /help untuk melihat yang bisa saya bantu."
)
GROUP_ONLY_PRIVATE = "Silakan chat saya secara pribadi untuk bertanya atau melapor."


# -- complaint flow (resident) ------------------------------------------------------
BTN_CANCEL = "✖️ Batalkan"
BTN_SKIP = "Lewati"
BTN_DONE_PHOTOS = "✅ Selesai kirim foto"
BTN_NO_PHOTOS = "Tanpa foto"
BTN_DESCRIPTION_DONE = "✅ Uraian sudah lengkap"
BTN_ANON = "🔒 Rahasiakan identitas saya (disarankan)"
BTN_SHARE_NAME = "Tampilkan nama saya"
BTN_SHARE_NAME_PHONE = "Tampilkan nama dan nomor HP"
BTN_SEND_CONTACT = "📱 Kirim nomor HP saya"
BTN_SEND_LOCATION = "📍 Kirim lokasi saat ini"
BTN_CONFIRM = "✅ Kirim pengaduan"
BTN_EDIT = "✏️ Ubah"
BTN_CONTINUE = "▶️ Lanjutkan pengaduan"
BTN_RESTART = "🔄 Mulai baru"
BTN_FILE_ANYWAY = "Tetap buat pengaduan"
EDIT_LABELS = {
    "category": "Kategori",
    "description": "Uraian",
    "location": "Lokasi",
    "photos": "Foto",
    "privacy": "Identitas",
}
CATEGORY_SUGGESTED_MARK = "⭐ "

FLOW_CATEGORY = (
    "<b>Buat pengaduan</b> (langkah 1 dari 5)\n"
    "Pilih kategori masalahnya. Ketik /batal kapan saja untuk membatalkan."
)
FLOW_CATEGORY_SUGGESTED = "Saran kami: <b>{label}</b> (ditandai ⭐). Silakan pilih."
FLOW_DESCRIPTION = (
    "<b>Uraian</b> (langkah 2 dari 5)\n"
    "Ceritakan masalahnya: apa yang terjadi, sejak kapan, dan dampaknya. "
    "Cukup beberapa kalimat.\n"
    "<i>Mohon jangan menulis NIK atau nomor KK.</i>"
)
FLOW_DESCRIPTION_TOO_SHORT = (
    "Uraiannya terlalu singkat. Mohon tulis beberapa kata tentang masalahnya, misalnya "
    '<i>"jalan berlubang besar di depan SD, sudah 2 bulan"</i>.'
)
FLOW_DESCRIPTION_CONTINUE = (
    "Uraian Anda panjang dan mungkin terpotong oleh Telegram. Kirim lanjutannya bila ada, "
    "atau tekan tombol di bawah bila sudah lengkap."
)
FLOW_DESCRIPTION_CAPPED = (
    "Terima kasih, uraian Anda sudah kami terima. Uraian dibatasi 4.000 karakter, jadi "
    "bagian setelahnya tidak ikut tersimpan. Hal penting yang belum tertulis bisa Anda "
    "sampaikan nanti dengan membalas pesan dari petugas."
)
FLOW_LOCATION = (
    "<b>Lokasi</b> (langkah 3 dari 5)\n"
    "Di mana masalahnya? Kirim lokasi lewat 📎 → Lokasi, atau ketik nama desa/kelurahan "
    'dan kecamatan, misalnya <i>"Desa Sei Rotan, Percut Sei Tuan"</i>.'
)
FLOW_LOCATION_FOUND = "📍 Lokasi: <b>{place}</b>."
FLOW_LOCATION_CHOOSE = "Ada beberapa tempat dengan nama itu. Pilih yang benar:"
FLOW_LOCATION_NOT_FOUND = (
    "Maaf, saya tidak menemukan desa atau kecamatan itu di Deli Serdang. Coba tulis lagi "
    "nama desa/kelurahan dan kecamatannya, kirim lokasi lewat 📎, atau tekan Lewati."
)
FLOW_LOCATION_OUTSIDE = (
    "Titik lokasi itu berada di luar Kabupaten Deli Serdang. Bot ini hanya menerima "
    "pengaduan di wilayah Deli Serdang. Bila titiknya keliru, kirim lokasi lagi atau ketik "
    "nama desa dan kecamatannya."
)
FLOW_PHOTOS = (
    "<b>Foto</b> (langkah 4 dari 5, tidak wajib)\n"
    "Kirim sampai 3 foto yang menunjukkan masalahnya, lalu tekan Selesai. "
    "Tidak ada foto? Tekan Tanpa foto."
)
FLOW_PHOTO_RECEIVED = "Foto {count} dari 3 diterima."
FLOW_PHOTO_LIMIT = "Sudah 3 foto, itu batasnya. Kita lanjut ke langkah berikutnya."
FLOW_PRIVACY = (
    "<b>Identitas</b> (langkah 5 dari 5)\n"
    "Petugas <b>tidak</b> akan melihat siapa pelapornya, kecuali Anda memilih "
    "menampilkannya. Anda tetap menerima kabar perkembangan lewat bot ini.\n"
    "Bila petugas perlu menghubungi Anda langsung, Anda boleh menampilkan nama "
    "(dan nomor HP)."
)
FLOW_PRIVACY_SENSITIVE = (
    "Untuk pengaduan jenis ini, identitas Anda <b>selalu dirahasiakan</b> dari petugas."
)
FLOW_CONTACT = (
    "Tekan tombol <b>📱 Kirim nomor HP saya</b> di bawah untuk membagikan nomor Anda, "
    "atau tekan Lewati."
)
FLOW_CONTACT_NOT_YOURS = "Mohon kirim nomor HP Anda sendiri lewat tombol di bawah."
FLOW_SUMMARY = (
    "<b>Periksa pengaduan Anda</b>\n"
    "Kategori: {category}\n"
    "Lokasi: {location}\n"
    "Foto: {photos}\n"
    "Identitas: {identity}\n"
    "Uraian:\n<i>{description}</i>\n\n"
    "Sudah benar? Tekan <b>Kirim pengaduan</b>."
)
FLOW_NO_LOCATION = "tidak disebutkan"
FLOW_IDENTITY_ANON = "dirahasiakan dari petugas"
FLOW_IDENTITY_NAME = "nama ditampilkan ke petugas"
FLOW_IDENTITY_NAME_PHONE = "nama dan nomor HP ditampilkan ke petugas"
FLOW_EDIT_WHICH = "Bagian mana yang ingin diubah?"
FLOW_CANCELLED = "Pengaduan dibatalkan. Tidak ada yang dikirim. Ketik /lapor untuk mulai lagi."
FLOW_NOTHING_TO_CANCEL = (
    "Tidak ada pengaduan yang sedang dibuat. Ketik /lapor untuk membuat pengaduan."
)
FLOW_RESUME = (
    "Anda masih punya pengaduan yang belum selesai dibuat (langkah: {step}). "
    "Lanjutkan atau mulai baru?"
)
FLOW_REMINDER = "Kita sedang membuat pengaduan, langkah: <b>{step}</b>.\n{prompt}"
FLOW_STEP_NAMES = {
    "category": "kategori",
    "description": "uraian",
    "location": "lokasi",
    "photos": "foto",
    "privacy": "identitas",
    "contact": "nomor HP",
    "confirm": "periksa dan kirim",
}
EMERGENCY = (
    "🚨 <b>Bila ini keadaan darurat yang sedang terjadi, segera telepon 112</b> "
    "(gratis, 24 jam). Untuk kejahatan: 110.\n"
    "Setelah aman, Anda tetap bisa melanjutkan pengaduan ini."
)
# The first reply to a free-text message that describes danger happening now.
EMERGENCY_NOW = (
    "🚨 <b>Bila ini keadaan darurat yang sedang terjadi, segera telepon 112</b> "
    "(gratis, 24 jam). Untuk kejahatan: 110.\n"
    "Utamakan keselamatan. Setelah aman, Anda bisa melaporkannya di sini."
)
REFERRAL = (
    "Urusan ini ditangani oleh <b>{opd_name}</b>, bukan Pemerintah Kabupaten Deli Serdang, "
    "jadi bot ini tidak membuat tiket untuknya.\n{contact}"
    "Bila menurut Anda ini tetap urusan Pemkab, tekan <b>Tetap buat pengaduan</b>."
)
REFERRAL_CONTACT = "Hubungi: {value}\n"
SUBMITTED = (
    "✅ <b>Pengaduan Anda sudah tersimpan.</b>\n"
    "Nomor tiket: <code>{ticket}</code>\n"
    "Diteruskan ke: {opd_name}\n"
    "Tanggapan awal paling lambat: {due}\n\n"
    "Simpan nomor tiket ini. Kami akan mengabari Anda setiap ada perkembangan. "
    "Cek kapan saja dengan /status {ticket}"
)
SUBMITTED_TRIAGE_OPD = "petugas Kominfostan, yang akan meneruskannya ke dinas yang tepat"
SUBMITTED_DUPLICATE = (
    "Pengaduan yang sama sudah Anda kirim tadi, jadi tidak dibuat tiket baru.\n"
    "Nomor tiket: <code>{ticket}</code> (status: {status}). Cek dengan /status {ticket}"
)

# -- tracking (resident) -------------------------------------------------------------
STATUS_NONE = "Anda belum punya pengaduan. Ketik /lapor untuk membuat pengaduan."
STATUS_LIST = "<b>Pengaduan Anda</b>\nKetik /status NOMOR-TIKET untuk melihat riwayatnya.\n"
STATUS_LIST_ITEM = "• <code>{ticket}</code> — {category} — {status} ({date})"
STATUS_NOT_FOUND = (
    "Tiket {ticket} tidak ditemukan di antara pengaduan Anda. Periksa lagi nomornya, "
    "atau ketik /status untuk melihat semua pengaduan Anda."
)
STATUS_BAD_TICKET = (
    "Nomor tiket ditulis seperti <code>DS-7K4P2Q</code>. Ketik /status untuk melihat semua "
    "pengaduan Anda."
)
STATUS_DETAIL = (
    "<b>Tiket {ticket}</b>\n"
    "Kategori: {category}\n"
    "Ditangani: {opd_name}\n"
    "Status: <b>{status}</b>\n"
    "{due_line}"
    "\n<b>Riwayat</b>\n{timeline}"
)
STATUS_DUE_LINE = "Batas waktu tahap ini: {due}\n"
TIMELINE_ITEM = "• {date}: {what}"
TIMELINE_WHAT = {
    "dibuat": "pengaduan dibuat",
    "diteruskan": "diteruskan ke {opd}",
    "diterima": "diterima petugas {opd}",
    "diproses": "sedang diproses oleh {opd}",
    "selesai": "dinyatakan selesai oleh {opd}",
    "ditutup": "ditutup",
    "dibuka_lagi": "dibuka kembali atas permintaan Anda",
    "dialihkan": "dialihkan ke {opd}",
    "bukan_wewenang": "ditinjau ulang untuk diteruskan ke instansi yang tepat",
    "pesan_petugas": "pesan dari petugas",
    "pesan_warga": "pesan Anda kepada petugas",
}

# -- notifications to residents (sent through the outbox) --------------------------
NOTIFY = {
    "diteruskan": (
        "📨 Pengaduan <code>{ticket}</code> sudah diteruskan ke <b>{opd_name}</b>.\n"
        "Tanggapan awal paling lambat {due}."
    ),
    "diterima": "👍 Pengaduan <code>{ticket}</code> sudah <b>diterima</b> oleh petugas {opd_name}.",
    "diproses": "🛠️ Pengaduan <code>{ticket}</code> sedang <b>diproses</b> oleh {opd_name}.",
    "selesai": (
        "✅ Petugas {opd_name} menyatakan pengaduan <code>{ticket}</code> <b>selesai</b>.\n"
        "Catatan petugas: <i>{note}</i>\n\n"
        "Apakah masalahnya sudah benar-benar beres? Beri nilai 1 (buruk) sampai 5 (sangat "
        "baik), atau tekan <b>Belum selesai</b>."
    ),
    "dialihkan": (
        "↪️ Pengaduan <code>{ticket}</code> dialihkan ke <b>{opd_name}</b>, yang lebih "
        "berwenang menanganinya."
    ),
    "bukan_wewenang": (
        "🔎 Pengaduan <code>{ticket}</code> sedang ditinjau ulang oleh admin agar "
        "diteruskan ke instansi yang tepat. Kami kabari lagi."
    ),
    "ditutup_otomatis": (
        "📁 Pengaduan <code>{ticket}</code> ditutup karena tidak ada tanggapan dalam 10 hari "
        "kerja setelah dinyatakan selesai. Bila masalahnya muncul lagi, buat pengaduan baru "
        "lewat /lapor."
    ),
}
NOTIFY_OFFICER_MESSAGE = (
    "💬 Pesan dari petugas {opd_name} tentang <code>{ticket}</code>:\n"
    "{text}\n\n"
    "<i>Balas (reply) pesan ini untuk menjawab petugas.</i>"
)
BTN_NOT_DONE = "❌ Belum selesai"
RATED = "Terima kasih atas penilaian Anda. Pengaduan <code>{ticket}</code> ditutup. 🙏"
REOPENED = (
    "Pengaduan <code>{ticket}</code> dibuka kembali dan dikirim lagi ke {opd_name}. "
    "Bila mau, balas pesan ini dengan penjelasan apa yang belum beres."
)
RESIDENT_REPLY_SENT = "Pesan Anda sudah diteruskan ke petugas. 🙏"
RESIDENT_REPLY_CLOSED = "Pengaduan ini sudah ditutup. Ketik /lapor untuk membuat pengaduan baru."
ACTION_NOT_ALLOWED_RESIDENT = "Tombol ini sudah tidak berlaku untuk pengaduan tersebut."


FLOOD_WARNING = (
    "Mohon maaf, pesan Anda terlalu banyak dalam waktu singkat. Tunggu sebentar, lalu "
    "kirim lagi pertanyaan Anda. 🙏"
)


def topic_answer(
    answer_html: str,
    local_details_html: str,
    opd_name: str | None,
    *,
    referral: bool,
    contact: dict[str, str] | None = None,
) -> str:
    """The full reply for one FAQ topic: answer, local details, and the responsible body."""
    text = answer_html.strip()
    if local_details_html.strip():
        text += "\n\n" + local_details_html.strip()
    if opd_name:
        template = ANSWER_REFERRAL if referral else ANSWER_OPD
        text += template.format(opd_name=escape(opd_name))
        for key, label in CONTACT_LABELS.items():
            value = (contact or {}).get(key, "").strip()
            if value:
                text += ANSWER_CONTACT.format(label=label, value=escape(value))
    return text


def complaint_offer(opd_name: str | None, *, external: bool) -> str:
    if opd_name is None:
        opd_line = ""
    elif external:
        opd_line = COMPLAINT_OFFER_EXTERNAL.format(opd_name=escape(opd_name))
    else:
        opd_line = COMPLAINT_OFFER_OPD.format(opd_name=escape(opd_name))
    return COMPLAINT_OFFER.format(opd_line=opd_line)
