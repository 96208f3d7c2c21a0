"""Place names of Deli Serdang (and the big towns around it), recognised in messages.

A resident names where they live ("saya di Tanjung Morawa", "desa Sei Rotan"); those words
say nothing about which service the message is about, yet "tanjung", "sei" or "batang"
would otherwise pull it towards topics that happen to share them. The normaliser replaces
a recognised name by one placeholder word; the kecamatan named is kept for routing.

Which names are recognised:
- a name of several words, wherever it stands ("tanjung morawa", "bandar klippa");
- a one-word name the dictionary does not know ("sunggal", "patumbak"), wherever it stands;
- a one-word name that is also an ordinary word ("kolam", "selamat", "baru") only right
  after a place marker ("desa", "dusun", "kec", "kel", ...), never by itself.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PLACE = "_tempat_"  # the placeholder word; a stopword for matching and routing
MARKERS = frozenset(
    {"desa", "ds", "dusun", "dsn", "kec", "kecamatan", "kel", "kelurahan", "kampung", "kp"}
)
# Towns outside the kabupaten residents often name (moving from, working in, the hospital
# in). Only after "di", "ke", "dari" or a marker: "padang" and "medan" are words too.
TOWNS = (
    "medan",
    "binjai",
    "jakarta",
    "pekanbaru",
    "padang",
    "siantar",
    "tebing tinggi",
    "kisaran",
    "aceh",
    "batam",
    "bandung",
    "surabaya",
    "stabat",
    "berastagi",
    "kabanjahe",
)
TOWN_CUES = frozenset({"di", "ke", "dari", "kota"}) | MARKERS
_ABBREVIATIONS = {"tanjung": ("tj", "tg", "tanjong"), "sei": ("sungai", "s"), "kuala": ("kwala",)}
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "x": "10"}


@dataclass(frozen=True)
class Place:
    words: tuple[str, ...]
    kecamatan: str | None  # the kecamatan it is or lies in; None for a town outside
    needs_marker: bool


def _words(name: str) -> tuple[str, ...]:
    words = re.sub(r"[^0-9a-z]+", " ", name.lower()).split()
    return tuple(_ROMAN.get(w, w) for w in words)


def _variants(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    out = {words}
    for i, word in enumerate(words):
        for short in _ABBREVIATIONS.get(word, ()):
            out |= {(*v[:i], short, *v[i + 1 :]) for v in list(out)}
    if len(words) > 1:
        out.add(("".join(words),))  # "batangkuis", "lubukpakam"
    if len(words) > 2:  # "Sinembah Tanjung Muda Hilir" is "STM Hilir"
        out.add(("".join(w[0] for w in words[:-1]), words[-1]))
    return out


def load_places(directory: Path, is_word: Callable[[str], bool]) -> dict[tuple[str, ...], Place]:
    """Every kecamatan and desa name (with common spellings) -> Place. `is_word` tells
    whether a single word is an ordinary Indonesian word."""
    places: dict[tuple[str, ...], Place] = {}

    def add(name: str, kecamatan: str | None, town: bool = False) -> None:
        words = _words(name)
        if not words:
            return
        for variant in _variants(words):
            single_word = len(variant) == 1 and not (len(words) > 1)
            needs = town or (single_word and is_word(variant[0]))
            if variant not in places or (places[variant].needs_marker and not needs):
                places[variant] = Place(variant, kecamatan, needs)

    kecamatan_file = directory / "kecamatan_deliserdang.csv"
    desa_file = directory / "desa_kelurahan_deliserdang.csv"
    if kecamatan_file.exists():
        with kecamatan_file.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                add(row["kecamatan"], row["kecamatan"])
    if desa_file.exists():
        with desa_file.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for part in row["nama"].split(","):
                    add(part, row["kecamatan"])
    for town in TOWNS:
        add(town, None, town=True)
    return places
