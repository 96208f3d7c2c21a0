"""Typed place names as words to compare: folding, abbreviations, markers ("desa",
"kec.", "jl."), sub-units dropped ("dusun 3", "rt 02"), and the typo allowance of a name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

MAX_TOKENS = 60  # longer texts are cut (a place is named early, and this bounds the work)

# Tokens that are rewritten before matching (in queries and in names alike).
_TOKEN_MAP: dict[str, str] = {
    "sungai": "sei",
    "sungei": "sei",
    "sg": "sei",
    "tj": "tanjung",
    "tjg": "tanjung",
    "tg": "tanjung",
    "tanjong": "tanjung",
    "pkn": "pekan",
    "psr": "pasar",
    "kp": "kampung",
    "kpg": "kampung",
    "kampong": "kampung",
    "gn": "gunung",
    "gng": "gunung",
    "tmr": "timur",
    "brt": "barat",
    "hlr": "hilir",
    "kwl": "kwala",
}
_ROMAN: dict[str, str] = {
    roman: str(value)
    for value, roman in enumerate("i ii iii iv v vi vii viii ix x".split(), start=1)
}
_DESA_MARKERS = frozenset({"desa", "ds", "des", "dsa"})
_KEL_MARKERS = frozenset({"kel", "kelurahan", "kelu", "klh", "kelurhan"})
_KEC_MARKERS = frozenset({"kec", "kecamatan", "kcm", "kecam", "kecmatan", "kcmtn"})
_STREET_MARKERS = frozenset({"jl", "jln", "jalan", "jlan", "gg", "gang", "lorong", "lr"})
# Units below desa: the marker and a following number are dropped ("dusun 3", "rt 02 rw 05").
_SUBUNIT_MARKERS = frozenset(
    {"dusun", "dsn", "lingkungan", "ling", "lingk", "lk", "rt", "rw", "blok", "no", "nomor", "km"}
)
# Words that never help to name a place; also end a street name ("jl. x di desa y").
_FILLERS = frozenset(
    (
        "di ke dari yg yang dan dgn dengan daerah wilayah kawasan lokasi alamat sekitar dekat "
        "depan belakang samping sebelah seberang arah menuju kab kabupaten prov provinsi "
        "propinsi sumut sumatera sumatra utara indonesia deliserdang"
    ).split()
)
# Names that are also ordinary words. Inside a longer text they only count when introduced
# ("desa lama"), when they are the whole text, or when their kecamatan is written next to them.
GENERIC_NAMES = frozenset(
    (
        "baru beringin cemara durian hulu kenangan kolam kuala lalang lama mesjid paku "
        "selamat serdang tanahmerah tengah"
    ).split()
)
# Other names residents use for a kecamatan.
KECAMATAN_ALIASES: dict[str, tuple[str, ...]] = {
    "12.07.02": ("tamora",),
    "12.07.08": ("stm hilir",),
    "12.07.20": ("stm hulu",),
    "12.07.26": ("percut",),
    "12.07.28": ("pakam",),
}

_SEGMENT_SPLIT = re.compile(r"[,;/|()\[\]\n\r\t]+")
_WORD = re.compile(r"[a-z0-9]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")

Declared = Literal["desa", "kelurahan", "kecamatan"] | None


@dataclass(frozen=True)
class Token:
    text: str
    segment: int
    declared: Declared  # set on the first word after "desa"/"kel."/"kec."
    street: bool  # inside a street name ("jl. ...")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _canon(word: str) -> str:
    word = _TOKEN_MAP.get(word, word)
    word = _ROMAN.get(word, word)
    if word.isdigit():
        word = str(int(word))
    return word


def words_of(text: str) -> list[str]:
    return [_canon(w) for w in _WORD.findall(_LETTER_DIGIT.sub(" ", _fold(text)))]


def tokenize(text: str) -> list[Token]:
    """Query words, lowercased and canonicalised, with markers turned into token flags."""
    tokens: list[Token] = []
    segment_no = 0
    for segment in _SEGMENT_SPLIT.split(text):
        segment_no += 1
        words = words_of(segment)
        declared: Declared = None
        street = False
        skip_numbers = False
        i = 0
        while i < len(words):
            word = words[i]
            nxt = words[i + 1] if i + 1 < len(words) else ""
            i += 1
            if skip_numbers and word.isdigit():
                continue
            skip_numbers = False
            if word == "deli" and nxt == "serdang":  # the kabupaten itself
                i += 1
                segment_no += 1
                continue
            if word in _DESA_MARKERS:
                declared, street = "desa", False
            elif word in _KEL_MARKERS:
                declared, street = "kelurahan", False
            elif word in _KEC_MARKERS:
                declared, street = "kecamatan", False
            elif word in _STREET_MARKERS:
                declared, street = None, True
            elif word in _SUBUNIT_MARKERS:
                declared, street, skip_numbers = None, False, True
            elif word in _FILLERS:
                declared, street = None, False
            else:
                tokens.append(Token(word, segment_no, declared, street))
                declared = None
                continue
            segment_no += 1  # a name never spans a dropped word: "banjir di labuhan" is two
    return tokens[:MAX_TOKENS]


def name_variants(name: str) -> list[list[str]]:
    """Word lists a name can be typed as: "Lubuk Pakam I,II" -> [lubuk pakam 1 2], [... 1], ..."""
    words = words_of(name)
    variants = [words]
    if "," in name:  # a merged kelurahan: each part on its own too
        head, *tails = name.split(",")
        head_words = words_of(head)
        variants.append(head_words)
        for tail in tails:
            variants.append(head_words[:-1] + words_of(tail))
    if len(words) > 1 and words[0] == "pekan":  # "Pekan Tanjung Morawa" = "Tanjung Morawa Pekan"
        variants.append([*words[1:], "pekan"])
    elif len(words) > 1 and words[-1] == "pekan":
        variants.append(["pekan", *words[:-1]])
    return variants


def ids_of(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(w for w in words if w.isdigit() or len(w) == 1)


def max_edits(length: int) -> int:
    """Typos allowed for a name of this many letters (spaces removed)."""
    if length <= 4:
        return 0
    if length <= 7:
        return 1
    if length <= 13:
        return 2
    return 3
