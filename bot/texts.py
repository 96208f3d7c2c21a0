"""Every text residents and officers read, in one place so wording is reviewed together.

Plain, polite Indonesian: "Anda"/"Bapak/Ibu", short sentences, no jargon. Telegram HTML:
anything that comes from a resident or a file goes through `escape()` first.
"""

from __future__ import annotations

from faq.formatting import escape

BOT_NAME = "Layanan Warga Deli Serdang"

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
COMPLAINT_NOT_READY = (
    "Fitur pengaduan lewat bot ini sedang disiapkan. Sementara itu Anda dapat menyampaikan "
    'pengaduan lewat kanal nasional SP4N-LAPOR! di <a href="https://www.lapor.go.id">'
    "lapor.go.id</a>.\n"
    "Untuk keadaan darurat, segera telepon <b>112</b>."
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
ERROR_APOLOGY = (
    "Maaf, terjadi gangguan di sistem kami saat memproses pesan Anda. 🙏 "
    "Silakan coba lagi sebentar lagi."
)
STALE_BUTTON = "Tombol ini sudah tidak berlaku. Silakan mulai lagi dari /start."


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
