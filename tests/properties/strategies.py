"""Hypothesis strategies for what residents, officers and attackers can send to the bot."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# -- text --------------------------------------------------------------------------------
# Words that steer the bot somewhere (FAQ, complaint cues, places, emergencies), identity
# numbers, HTML, and tokens replaced at run time by a real ticket or draft nonce.
WORDS = [
    "ktp",
    "hilang",
    "cara",
    "bikin",
    "akta",
    "syarat",
    "jalan",
    "rusak",
    "berlubang",
    "sampah",
    "tidak",
    "diangkut",
    "lampu",
    "mati",
    "banjir",
    "kebakaran",
    "api",
    "tolong",
    "pungli",
    "lapor",
    "status",
    "halo",
    "makasih",
    "bah",
    "cemana",
    "awak",
    "Lubuk Pakam",
    "Tanjung Morawa",
    "Percut Sei Tuan",
    "Desa Sei Rotan",
    "Medan",
    "PLN",
    "listrik",
    "padam",
    "skck",
    "1207012345678901",
    "1207 0123 4567 8901",
    "081234567890",
    "+62 812-3456-7890",
    "DS-7K4P2Q",
    "ds 7k4p2q",
    "{TICKET}",
    "/start",
    "/lapor",
    "<b>",
    "</b>",
    "<i>",
    "&",
    "&amp;",
    "<a href='javascript:x'>",
    "<",
    ">",
    '"',
    "'",
    "\u202e",
    "\u200b",
    "\ufeff",
    "🙂",
    "😡",
    "🇮🇩",
    "\n",
    "\t",
    "   ",
]
SHORT_TEXT = st.text(max_size=60)
WORDY_TEXT = st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join)
BLANK_TEXT = st.sampled_from(["", " ", "\n", "\t \n", "\u200b", "\u3000", "\u00a0"])


def _repeat(unit: str, length: int) -> str:
    return (unit * (length // max(1, len(unit)) + 1))[:length]


LONG_TEXT = st.builds(
    _repeat,
    st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(WORDS).map(lambda w: w + " ")),
    # Near Telegram's limit more often than uniform sizes would be: that is where it breaks.
    st.one_of(
        st.integers(min_value=900, max_value=4096),
        st.integers(min_value=3800, max_value=4096),
        st.just(4096),
    ),
)
TEXT = st.one_of(SHORT_TEXT, WORDY_TEXT, BLANK_TEXT, LONG_TEXT)
# What a resident types as a complaint description: mostly enough to pass the bot's
# "too short" check, so the flow goes on, with the same hostile content mixed in.
DESCRIPTION = st.one_of(
    st.tuples(
        st.sampled_from(
            ["Jalan di depan rumah rusak parah sekali", "Sampah numpuk di pasar tidak diangkut"]
        ),
        TEXT,
    ).map(" ".join),
    WORDY_TEXT.filter(lambda t: sum(c.isalpha() for c in t) >= 9 and len(t.split()) >= 3),
)

# -- commands ----------------------------------------------------------------------------
COMMANDS = [
    "start",
    "help",
    "bantuan",
    "faq",
    "topik",
    "lapor",
    "batal",
    "status",
    "hubungkan",
    "opd",
    "reload",
    "triase",
    "statistik",
    "ekspor",
    "pertanyaan",
    "admin",
    "xyz",
    "Start",
    "LAPOR",
    "start_",
    "s",
]
BOT_SUFFIX = st.sampled_from(["", "", "@LayananWargaDSBot", "@OtherBot", "@layananwargadsbot"])
COMMAND_TEXT = st.builds(
    lambda name, suffix, args: f"/{name}{suffix}" + (f" {args}" if args else ""),
    st.sampled_from(COMMANDS),
    BOT_SUFFIX,
    st.one_of(
        st.just(""),
        WORDY_TEXT,
        SHORT_TEXT,
        st.sampled_from(
            [
                "lapor",
                "dlh",
                "kominfostan",
                "camat Lubuk Pakam",
                "camat",
                "pln",
                "{TICKET}",
                "DS-ZZZZZZ",
                "ds-{TICKET}",
                "DS",
                "-",
                "x" * 300,
                "7",
                "0",
                "3651",
                "semua",
                "pribadi",
                "30 pribadi",
                "-5",
                "99999999999999999999",
                "٣٠",
                "²",
            ]
        ),
    ),
)

# -- callback data -----------------------------------------------------------------------
DATA_PARTS = [
    "{TICKET}",
    "{NONCE}",
    "DS-ZZZZZZ",
    "DS-7K4P2Q",
    "",
    "terima",
    "proses",
    "selesai",
    "tolak",
    "alihkan",
    "batal",
    "kirim",
    "buka",
    "1",
    "5",
    "0",
    "6",
    "-1",
    "²",
    "٣",
    "١٠",
    "99999999999999999999",
    "dlh",
    "dishub",
    "inspektorat",
    "dp3ap2kb",
    "kecamatan",
    "kominfostan",
    "pln",
    "nope",
    "lanjut",
    "baru",
    "fotoselesai",
    "lewatilokasi",
    "uraianselesai",
    "tetap",
    "anon",
    "name",
    "name_phone",
    "sampah",
    "jalan",
    "lainnya",
    "category",
    "description",
    "location",
    "photos",
    "privacy",
    "contact",
    "confirm",
    "faq",
    "lapor",
    "status",
    "help",
    "y",
    "n",
    "akta-lahir",
    "kependudukan",
    "d1207010001",
    "k120701",
]
PREFIXES = ["k", "r", "g", "c", "l", "p", "s", "e", "x", "m", "a", "t", "f", "o", "", "K", "zz"]
STRUCTURED_DATA = st.builds(
    lambda prefix, parts: ":".join([prefix, *parts]),
    st.sampled_from(PREFIXES),
    st.lists(st.one_of(st.sampled_from(DATA_PARTS), st.text(max_size=8)), max_size=4),
)
CALLBACK_DATA = st.one_of(STRUCTURED_DATA, st.text(max_size=64), st.none())
# What replaces one segment of a real button's data: odd values, every kind of Unicode
# number (ratings and ids are numbers: "²", "٣", "①" look like digits to str.isdigit), text.
NUMERIC = st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=3)
SEGMENT = st.one_of(st.sampled_from(DATA_PARTS), NUMERIC, st.text(max_size=12))

# -- other kinds of message --------------------------------------------------------------
PHOTO_SIZE = {"file_id": "f", "file_unique_id": "fu", "width": 90, "height": 90}
LOCATION = st.one_of(
    st.builds(
        lambda lat, lon: {"latitude": lat, "longitude": lon},
        st.floats(3.30, 3.80),  # around Deli Serdang
        st.floats(98.40, 99.20),
    ),
    st.builds(
        lambda lat, lon: {"latitude": lat, "longitude": lon},
        st.floats(-90, 90),
        st.floats(-180, 180),
    ),
)


def media_fields(kind: str, person_id: int, location: dict[str, float]) -> dict[str, Any]:
    """The fields of a message of `kind`, shaped as Telegram sends them."""
    file = {"file_id": f"{kind}-1", "file_unique_id": f"{kind}-u"}
    return {
        "sticker": {
            "sticker": {
                **file,
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        "voice": {"voice": {**file, "duration": 3}},
        "audio": {"audio": {**file, "duration": 3}},
        "video_note": {"video_note": {**file, "length": 240, "duration": 3}},
        "photo": {"photo": [PHOTO_SIZE, {**PHOTO_SIZE, "file_id": "big", "width": 1280}]},
        "photo_caption": {"photo": [PHOTO_SIZE], "caption": "foto jalan <b>rusak</b> & bolong"},
        "empty_photo": {"photo": []},
        "document": {"document": {**file, "file_name": "laporan.pdf"}},
        "video": {"video": {**file, "width": 1, "height": 1, "duration": 1}},
        "animation": {
            "animation": {**file, "width": 1, "height": 1, "duration": 1},
            "document": file,
        },
        "location": {"location": location},
        "live_location": {"location": {**location, "live_period": 60}},
        "venue": {
            "location": location,
            "venue": {"location": location, "title": "Pasar", "address": "Jl. <b>Utama</b> & co"},
        },
        "contact_own": {
            "contact": {"phone_number": "+6281234567890", "first_name": "Aku", "user_id": person_id}
        },
        "contact_other": {
            "contact": {
                "phone_number": "081299990000",
                "first_name": "Lain",
                "user_id": person_id + 1,
            }
        },
        "contact_no_user": {"contact": {"phone_number": "081299990000", "first_name": "Lain"}},
        "poll": {
            "poll": {
                "id": "p1",
                "question": "Setuju?",
                "options": [
                    {"text": "ya", "voter_count": 0, "persistent_id": "o1"},
                    {"text": "tidak", "voter_count": 0, "persistent_id": "o2"},
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
        "dice": {"dice": {"emoji": "🎲", "value": 3}},
        "new_members": {"new_chat_members": [{"id": 99, "is_bot": False, "first_name": "Baru"}]},
        "left_member": {"left_chat_member": {"id": 99, "is_bot": False, "first_name": "Baru"}},
        "pinned": {
            "pinned_message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
        },
    }[kind]


MEDIA_KINDS = [
    "sticker",
    "voice",
    "audio",
    "video_note",
    "photo",
    "photo_caption",
    "empty_photo",
    "document",
    "video",
    "animation",
    "location",
    "live_location",
    "venue",
    "contact_own",
    "contact_other",
    "contact_no_user",
    "poll",
    "dice",
    "new_members",
    "left_member",
    "pinned",
]
