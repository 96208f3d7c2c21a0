"""Desa/kelurahan and kecamatan of Kabupaten Deli Serdang: from a map point or typed text.

This is a domain service (no Telegram). Data lives in ``data/regions`` (see SOURCES.md there):
names and codes from the Kemendagri CSV files, polygons from the GeoJSON files, joined by code.

Two questions are answered:

``Regions.locate(lat, lon)``
    Point-in-polygon over the desa layer. The polygons are heavily simplified, so there are
    small gaps between neighbouring desa and the kabupaten edge is approximate:

    1. inside a desa polygon -> that desa (``method="inside"``);
    2. in a gap, but inside a kecamatan polygon -> the nearest desa of that kecamatan if its
       polygon is within ``GAP_SNAP_M`` (``method="nearest"``), else the kecamatan alone
       (``method="kecamatan"``);
    3. outside both layers but within ``EDGE_SNAP_M`` of a desa polygon -> that desa
       (``method="nearest"``: GPS noise and simplification at the kabupaten edge);
    4. otherwise outside Deli Serdang: ``Location(None, None)``.

``Regions.search(text)`` / ``Regions.resolve(text)``
    Fuzzy matching of a typed place name against the 394 desa/kelurahan and 22 kecamatan.
    See ``search`` for the scoring and ``decide`` for when a match counts as certain.
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot import PROJECT_ROOT

__all__ = [
    "CERTAIN_MARGIN",
    "CERTAIN_SCORE",
    "DEFAULT_DIRECTORY",
    "EDGE_SNAP_M",
    "GAP_SNAP_M",
    "MIN_SCORE",
    "Desa",
    "Kecamatan",
    "Location",
    "Match",
    "Regions",
    "Resolution",
    "decide",
]

DEFAULT_DIRECTORY = PROJECT_ROOT / "data" / "regions"

KECAMATAN_CSV = "kecamatan_deliserdang.csv"
DESA_CSV = "desa_kelurahan_deliserdang.csv"
KECAMATAN_GEOJSON = "kecamatan_deliserdang_boundaries.geojson"
DESA_GEOJSON = "desa_deliserdang_boundaries.geojson"

# Known typos in the source files, fixed for display (the data files stay as published).
NAME_FIXES: dict[str, str] = {
    "SSinembah Tanjung Muda Hulu": "Sinembah Tanjung Muda Hulu",
}

# --- locate() -------------------------------------------------------------------------------

GAP_SNAP_M = 1000.0
"""Inside a kecamatan polygon but in no desa polygon: take the nearest desa of that kecamatan
if its polygon is at most this far (gaps in the data are a few hundred metres at most)."""

EDGE_SNAP_M = 100.0
"""Outside both layers: still count the point as in Deli Serdang if a desa polygon is at most
this far (GPS accuracy and the simplified kabupaten edge). Beyond it: outside."""

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQUATOR = 111_320.0

# --- search() -------------------------------------------------------------------------------

MIN_SCORE = 70.0
"""Matches scoring below this are not returned. A clean name scores 100; one typo in a
10-letter name about 90; a stray common word inside a sentence ends up well below 70."""

CERTAIN_SCORE = 85.0
"""``decide``: the best match must score at least this to be certain ..."""

CERTAIN_MARGIN = 8.0
"""... and every conflicting candidate must score at least this much lower."""

KEC_MENTION_SCORE = 85.0
"""A kecamatan name matched at least this well counts as "mentioned" (context for desa)."""

STREET_PENALTY = 20.0  # words after "jl."/"gang": a street named after a place, never certain
DECLARED_PENALTY = 10.0  # "kec. X" matched to a desa, or "desa X" matched to a kecamatan
KIND_PENALTY = 3.0  # "kel. X" matched to a desa or "desa X" to a kelurahan (often mixed up)
GENERIC_PENALTY = 30.0  # a name that is an ordinary word ("lama", "mesjid") inside a sentence
SHORT_TYPO_PENALTY = 15.0  # a typo'd short name inside a sentence ("padam" is not "pakam")
_SHORT_NAME = 7  # letters
CONTAINED_PENALTY = 20.0  # the words are part of a longer, better match ("sei tuan" in PST)
UNEXPLAINED_PENALTY = 15.0  # the text names another place this match does not explain
UNCOVERED_PENALTY = 15.0  # times the share of words the match does not explain
_STRONG_SCORE = 90.0  # a match this good can "contain" shorter ones
_MAX_WINDOW = 5  # longest name is 4 words; allow one extra
_MAX_TOKENS = 60  # longer texts are cut (a place is named early, and this bounds the work)
_RAW_CUTOFF = 0.7  # prefilter for rapidfuzz; the length-dependent gate below is stricter

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
_GENERIC_NAMES = frozenset(
    (
        "baru beringin cemara durian hulu kenangan kolam kuala lalang lama mesjid paku "
        "selamat serdang tanahmerah tengah"
    ).split()
)
# Other names residents use for a kecamatan.
_KECAMATAN_ALIASES: dict[str, tuple[str, ...]] = {
    "12.07.02": ("tamora",),
    "12.07.08": ("stm hilir",),
    "12.07.20": ("stm hulu",),
    "12.07.26": ("percut",),
    "12.07.28": ("pakam",),
}

_SEGMENT_SPLIT = re.compile(r"[,;/|()\[\]\n\r\t]+")
_WORD = re.compile(r"[a-z0-9]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")

_Declared = Literal["desa", "kelurahan", "kecamatan"] | None


# --- public data types ----------------------------------------------------------------------


@dataclass(frozen=True)
class Kecamatan:
    code: str  # "12.07.28"
    name: str  # "Lubuk Pakam"

    @property
    def label(self) -> str:
        return f"Kec. {self.name}"


@dataclass(frozen=True)
class Desa:
    code: str  # "12.07.28.1013"
    name: str  # "Lubuk Pakam Pekan"
    kind: str  # "desa" or "kelurahan"
    kecamatan_code: str
    kecamatan_name: str

    @property
    def kecamatan(self) -> Kecamatan:
        return Kecamatan(self.kecamatan_code, self.kecamatan_name)

    @property
    def label(self) -> str:
        """Display name, e.g. "Desa Sei Rotan" or "Kelurahan Cemara"."""
        return f"{self.kind.capitalize()} {self.name}"


@dataclass(frozen=True)
class Location:
    """Where a map point lies. ``kecamatan is None`` means outside Deli Serdang."""

    desa: Desa | None
    kecamatan: Kecamatan | None
    method: Literal["inside", "nearest", "kecamatan", "outside"] = "outside"
    distance_m: float = 0.0  # from the point to the chosen desa polygon (0 when inside)

    @property
    def in_deli_serdang(self) -> bool:
        return self.kecamatan is not None


@dataclass(frozen=True)
class Match:
    """A typed text matched to a desa (with its kecamatan) or to a kecamatan alone."""

    desa: Desa | None
    kecamatan: Kecamatan
    score: float  # 0..100, see Regions.search

    @property
    def label(self) -> str:
        """Button text: "Desa Sei Rotan, Kec. Percut Sei Tuan" or "Kec. Percut Sei Tuan"."""
        if self.desa is None:
            return self.kecamatan.label
        return f"{self.desa.label}, {self.kecamatan.label}"


@dataclass(frozen=True)
class Resolution:
    certain: Match | None  # set when the text clearly names one place (see decide)
    candidates: list[Match] = field(default_factory=list)  # best first; show as buttons


def decide(matches: Sequence[Match]) -> Match | None:
    """The certain match among ``matches`` (sorted best first), or None: ask the resident.

    The best match is certain when it scores at least ``CERTAIN_SCORE`` and every candidate
    that *conflicts* with it scores at least ``CERTAIN_MARGIN`` lower. Two matches conflict when
    they name different kecamatan, or different desa. A kecamatan-only match does not conflict
    with a desa inside that kecamatan: "tanjung morawa" is certainly kecamatan Tanjung Morawa
    even though desa Tanjung Morawa-A is also close (on equal scores the kecamatan-only match
    sorts first, so the certain answer never claims more than the text says).
    """
    if not matches:
        return None
    best = matches[0]
    if best.score < CERTAIN_SCORE:
        return None
    for other in matches[1:]:
        if _conflicts(best, other) and other.score > best.score - CERTAIN_MARGIN:
            return None
    return best


def _conflicts(a: Match, b: Match) -> bool:
    if a.kecamatan.code != b.kecamatan.code:
        return True
    return a.desa is not None and b.desa is not None and a.desa.code != b.desa.code


# --- geometry -------------------------------------------------------------------------------

Ring = tuple[tuple[float, ...], tuple[float, ...]]  # xs (lon), ys (lat)


@dataclass(frozen=True)
class _Shape:
    code: str
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: outer ring then holes
    area: float  # in square degrees, only used to break ties between overlapping polygons

    def bbox_contains(self, x: float, y: float) -> bool:
        x0, y0, x1, y1 = self.bbox
        return x0 <= x <= x1 and y0 <= y <= y1

    def contains(self, x: float, y: float) -> bool:
        if not self.bbox_contains(x, y):
            return False
        # Even-odd over all rings of a polygon: a point in a hole crosses the outer ring and
        # the hole ring, so it counts as outside. MultiPolygon: inside any of its polygons.
        for polygon in self.polygons:
            inside = False
            for xs, ys in polygon:
                if _in_ring(x, y, xs, ys):
                    inside = not inside
            if inside:
                return True
        return False

    def distance_m(self, x: float, y: float, kx: float) -> float:
        """Metres from the point to the polygon boundary (also for a point inside)."""
        best = math.inf
        for polygon in self.polygons:
            for xs, ys in polygon:
                best = min(best, _ring_distance(x, y, xs, ys, kx))
        return best

    def bbox_distance_m(self, x: float, y: float, kx: float) -> float:
        x0, y0, x1, y1 = self.bbox
        dx = max(x0 - x, 0.0, x - x1) * kx
        dy = max(y0 - y, 0.0, y - y1) * _M_PER_DEG_LAT
        return math.hypot(dx, dy)


def _in_ring(x: float, y: float, xs: tuple[float, ...], ys: tuple[float, ...]) -> bool:
    """Ray casting: does a ray from the point towards +x cross the ring an odd number of times."""
    inside = False
    j = len(xs) - 1
    for i in range(len(xs)):
        yi = ys[i]
        yj = ys[j]
        if (yi > y) != (yj > y) and x < (xs[j] - xs[i]) * (y - yi) / (yj - yi) + xs[i]:
            inside = not inside
        j = i
    return inside


def _ring_distance(
    x: float, y: float, xs: tuple[float, ...], ys: tuple[float, ...], kx: float
) -> float:
    """Metres from the point to the closest segment of the ring (local flat projection)."""
    ky = _M_PER_DEG_LAT
    best = math.inf
    j = len(xs) - 1
    for i in range(len(xs)):
        ax = (xs[j] - x) * kx
        ay = (ys[j] - y) * ky
        dx = (xs[i] - x) * kx - ax
        dy = (ys[i] - y) * ky - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0.0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
        j = i
    return best


def _ring_area(xs: tuple[float, ...], ys: tuple[float, ...]) -> float:
    n = len(xs)
    return abs(sum(xs[i - 1] * ys[i] - xs[i] * ys[i - 1] for i in range(n))) / 2.0


def _read_shapes(path: Path) -> dict[str, _Shape]:
    with path.open(encoding="utf-8") as f:
        collection = json.load(f)
    shapes: dict[str, _Shape] = {}
    for feature in collection["features"]:
        code = str(feature["properties"]["kode"])
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            raw_polygons = [geometry["coordinates"]]
        elif geometry["type"] == "MultiPolygon":
            raw_polygons = geometry["coordinates"]
        else:
            raise ValueError(f"{path.name}: {code} has unsupported geometry {geometry['type']}")
        polygons: list[tuple[Ring, ...]] = []
        area = 0.0
        for raw_polygon in raw_polygons:
            rings: list[Ring] = []
            for k, raw_ring in enumerate(raw_polygon):
                xs = tuple(float(p[0]) for p in raw_ring)  # GeoJSON order: [lng, lat]
                ys = tuple(float(p[1]) for p in raw_ring)
                rings.append((xs, ys))
                area += _ring_area(xs, ys) * (1 if k == 0 else -1)
            polygons.append(tuple(rings))
        all_x = [x for polygon in polygons for xs, _ in polygon for x in xs]
        all_y = [y for polygon in polygons for _, ys in polygon for y in ys]
        bbox = (min(all_x), min(all_y), max(all_x), max(all_y))
        shapes[code] = _Shape(code, bbox, tuple(polygons), area)
    return shapes


# --- text normalisation ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    text: str
    segment: int
    declared: _Declared  # set on the first word after "desa"/"kel."/"kec."
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


def _words(text: str) -> list[str]:
    return [_canon(w) for w in _WORD.findall(_LETTER_DIGIT.sub(" ", _fold(text)))]


def _tokenize(text: str) -> list[_Token]:
    """Query words, lowercased and canonicalised, with markers turned into token flags."""
    tokens: list[_Token] = []
    segment_no = 0
    for segment in _SEGMENT_SPLIT.split(text):
        segment_no += 1
        words = _words(segment)
        declared: _Declared = None
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
                tokens.append(_Token(word, segment_no, declared, street))
                declared = None
                continue
            segment_no += 1  # a name never spans a dropped word: "banjir di labuhan" is two
    return tokens[:_MAX_TOKENS]


def _name_variants(name: str) -> list[list[str]]:
    """Word lists a name can be typed as: "Lubuk Pakam I,II" -> [lubuk pakam 1 2], [... 1], ..."""
    words = _words(name)
    variants = [words]
    if "," in name:  # a merged kelurahan: each part on its own too
        head, *tails = name.split(",")
        head_words = _words(head)
        variants.append(head_words)
        for tail in tails:
            variants.append(head_words[:-1] + _words(tail))
    if len(words) > 1 and words[0] == "pekan":  # "Pekan Tanjung Morawa" = "Tanjung Morawa Pekan"
        variants.append([*words[1:], "pekan"])
    elif len(words) > 1 and words[-1] == "pekan":
        variants.append(["pekan", *words[:-1]])
    return variants


def _ids(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(w for w in words if w.isdigit() or len(w) == 1)


def _max_edits(length: int) -> int:
    """Typos allowed for a name of this many letters (spaces removed)."""
    if length <= 4:
        return 0
    if length <= 7:
        return 1
    if length <= 13:
        return 2
    return 3


# --- search internals -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Alias:
    compact: str  # words joined without spaces: "sei rotan" and "seirotan" are the same
    entity: int  # index into Regions._entities
    generic: bool
    ids: tuple[str, ...]  # numbers and single letters: ("1",) for "Ramunia 1"


@dataclass
class _Hit:
    entity: int
    start: int  # token index, inclusive
    end: int  # token index, exclusive
    score: float  # similarity minus window penalties
    generic: bool
    short_typo: bool  # a name of at most _SHORT_NAME letters, matched with a typo
    declared: _Declared

    def disjoint(self, other: _Hit) -> bool:
        return self.end <= other.start or other.end <= self.start

    def strictly_inside(self, other: _Hit) -> bool:
        return (
            other.start <= self.start
            and self.end <= other.end
            and (other.end - other.start) > (self.end - self.start)
        )


# An entity is a Desa or a Kecamatan (kecamatan-only match).
_Entity = Desa | Kecamatan


class Regions:
    """Desa/kelurahan and kecamatan of Deli Serdang with their boundaries. Immutable."""

    def __init__(
        self,
        kecamatan: Iterable[Kecamatan],
        desa: Iterable[Desa],
        kecamatan_shapes: dict[str, _Shape],
        desa_shapes: dict[str, _Shape],
    ) -> None:
        self._kecamatan = {k.code: k for k in sorted(kecamatan, key=lambda k: k.code)}
        self._desa = {d.code: d for d in sorted(desa, key=lambda d: d.code)}
        for d in self._desa.values():
            if d.kecamatan_code not in self._kecamatan:
                raise ValueError(f"desa {d.code} has unknown kecamatan {d.kecamatan_code}")
        for code in desa_shapes:
            if code not in self._desa:
                raise ValueError(f"desa polygon {code} has no row in the desa list")
        for code in kecamatan_shapes:
            if code not in self._kecamatan:
                raise ValueError(f"kecamatan polygon {code} has no row in the kecamatan list")
        self._kecamatan_shapes = list(kecamatan_shapes.values())
        self._desa_shapes = list(desa_shapes.values())
        self._desa_shapes_by_kecamatan: dict[str, list[_Shape]] = {}
        for shape in self._desa_shapes:
            kec = self._desa[shape.code].kecamatan_code
            self._desa_shapes_by_kecamatan.setdefault(kec, []).append(shape)
        self._build_aliases()

    @classmethod
    def load(cls, directory: Path = DEFAULT_DIRECTORY) -> Regions:
        """Read the CSV and GeoJSON files of ``directory`` (takes well under a second)."""
        with (directory / KECAMATAN_CSV).open(encoding="utf-8", newline="") as f:
            kecamatan = [
                Kecamatan(row["kode_kemendagri"].strip(), _display_name(row["kecamatan"]))
                for row in csv.DictReader(f)
            ]
        with (directory / DESA_CSV).open(encoding="utf-8", newline="") as f:
            desa = [
                Desa(
                    code=row["kode_kemendagri"].strip(),
                    name=_display_name(row["nama"]),
                    kind=row["jenis"].strip().lower(),
                    kecamatan_code=row["kode_kecamatan"].strip(),
                    kecamatan_name=_display_name(row["kecamatan"]),
                )
                for row in csv.DictReader(f)
            ]
        return cls(
            kecamatan,
            desa,
            _read_shapes(directory / KECAMATAN_GEOJSON),
            _read_shapes(directory / DESA_GEOJSON),
        )

    # --- lookups ---

    def desa_by_code(self, code: str) -> Desa | None:
        return self._desa.get(code.strip())

    def kecamatan_by_code(self, code: str) -> Kecamatan | None:
        return self._kecamatan.get(code.strip())

    def kecamatan_list(self) -> list[Kecamatan]:
        """All 22 kecamatan, by code."""
        return list(self._kecamatan.values())

    def kecamatan_outlines(self) -> dict[str, list[list[list[tuple[float, float]]]]]:
        """Each kecamatan's boundary, for drawing maps: polygons, each a list of rings
        (outer ring first, then holes), each a list of (longitude, latitude) points."""
        return {
            shape.code: [[list(zip(xs, ys, strict=True)) for xs, ys in p] for p in shape.polygons]
            for shape in self._kecamatan_shapes
        }

    def desa_list(self, kecamatan_code: str | None = None) -> list[Desa]:
        """All desa/kelurahan (by code), or those of one kecamatan."""
        return [
            d
            for d in self._desa.values()
            if kecamatan_code is None or d.kecamatan_code == kecamatan_code
        ]

    # --- locate ---

    def locate(self, lat: float, lon: float) -> Location:
        """The desa and kecamatan of a point (WGS84 degrees). See the module docstring."""
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            raise ValueError(f"not a coordinate: lat={lat!r}, lon={lon!r}")
        x, y = lon, lat
        kx = _M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat))

        kecamatan_hits = [s for s in self._kecamatan_shapes if s.contains(x, y)]
        desa_hits = [s for s in self._desa_shapes if s.contains(x, y)]
        if desa_hits:
            # Overlaps are rare slivers: prefer a desa the kecamatan layer agrees with, then
            # the smaller polygon.
            kecamatan_codes = {s.code for s in kecamatan_hits}
            best = min(
                desa_hits,
                key=lambda s: (self._desa[s.code].kecamatan_code not in kecamatan_codes, s.area),
            )
            return self._location(best.code, "inside", 0.0)

        if kecamatan_hits:
            # A gap between simplified desa polygons: nearest desa of the kecamatan found.
            shapes = [
                shape
                for kec in kecamatan_hits
                for shape in self._desa_shapes_by_kecamatan.get(kec.code, [])
            ]
            found = _nearest(shapes, x, y, kx, GAP_SNAP_M)
            if found is not None:
                return self._location(found[0].code, "nearest", found[1])
            kec = self._kecamatan[kecamatan_hits[0].code]
            return Location(None, kec, "kecamatan", 0.0)

        found = _nearest(self._desa_shapes, x, y, kx, EDGE_SNAP_M)
        if found is not None:
            return self._location(found[0].code, "nearest", found[1])
        return Location(None, None, "outside", 0.0)

    def _location(
        self, code: str, method: Literal["inside", "nearest"], distance_m: float
    ) -> Location:
        desa = self._desa[code]
        return Location(desa, self._kecamatan[desa.kecamatan_code], method, round(distance_m, 1))

    # --- search ---

    def _build_aliases(self) -> None:
        self._entities: list[_Entity] = [*self._desa.values(), *self._kecamatan.values()]
        aliases: list[_Alias] = []
        for index, entity in enumerate(self._entities):
            variants = _name_variants(entity.name)
            if isinstance(entity, Kecamatan):
                variants += [_words(a) for a in _KECAMATAN_ALIASES.get(entity.code, ())]
            seen: set[str] = set()
            for words in variants:
                compact = "".join(words)
                if compact and compact not in seen:
                    seen.add(compact)
                    generic = compact in _GENERIC_NAMES
                    aliases.append(_Alias(compact, index, generic, _ids(words)))
        self._aliases = aliases
        self._alias_strings = [a.compact for a in aliases]

    def search(self, text: str, limit: int = 5) -> list[Match]:
        """Desa/kecamatan that ``text`` may name, best first; [] when nothing is close.

        The text is folded to lowercase words; punctuation goes, "sungai"/"sg" become "sei",
        "tj"/"tg" "tanjung", "pkn" "pekan", roman numerals digits. "desa"/"ds."/"kel."/"kec."
        are markers (they tell what the next name is), "dusun 3"/"rt 2"/"lingkungan IV" are
        dropped, and words after "jl."/"gang" are a street name. Every run of 1-5 consecutive
        words (within one comma-separated part) is compared, spaces removed, with every name
        and alias by OSA edit distance. A name allows 0 typos up to 4 letters, 1 up to 7,
        2 up to 13, else 3; its similarity is 100 * (1 - edits / length).

        From that similarity the score subtracts: STREET_PENALTY (street name),
        DECLARED_PENALTY / KIND_PENALTY (the marker says another level or kind),
        CONTAINED_PENALTY (the words are part of a longer, strong match of another place, e.g.
        "sei tuan" inside "percut sei tuan"), GENERIC_PENALTY (a name that is an ordinary word
        like "lama" or "mesjid", inside a longer text, unless introduced by "desa"/"kel." or
        written next to its kecamatan), SHORT_TYPO_PENALTY (the same for a short name matched
        with a typo: "listrik padam" must not find "Pakam"), UNEXPLAINED_PENALTY (another
        place matched at least KEC_MENTION_SCORE is left unexplained) and UNCOVERED_PENALTY
        times the share of words left unexplained. A desa whose kecamatan is named elsewhere
        in the text counts those words as explained, so "Sei Rotan, Percut Sei Tuan" gives
        desa Sei Rotan 100 and the kecamatan alone well below.

        Matches below ``MIN_SCORE`` are dropped. At most ``limit`` are returned, plus any that
        tie with the last one (desa sharing a name are never split).
        """
        tokens = _tokenize(text)
        if not tokens or limit <= 0:
            return []
        hits = self._hits(tokens)
        if not hits:
            return []
        _apply_containment(hits)

        best = self._score(hits, len(tokens))
        matches = [
            self._match(self._entities[index], round(score, 1))
            for index, score in best.items()
            if score >= MIN_SCORE
        ]
        matches.sort(key=_sort_key)
        if len(matches) > limit:
            cut = matches[limit - 1].score
            matches = [m for i, m in enumerate(matches) if i < limit or m.score == cut]
        return matches

    def resolve(self, text: str, limit: int = 5) -> Resolution:
        """``search`` plus ``decide``: a certain match, or candidates for buttons."""
        candidates = self.search(text, limit)
        return Resolution(decide(candidates), candidates)

    def _score(self, hits: list[_Hit], n: int) -> dict[int, float]:
        """Final score per entity (index into _entities): its best hit, see ``search``."""
        mentions: dict[str, list[_Hit]] = {}  # kecamatan code -> hits that name it well
        for hit in hits:
            entity = self._entities[hit.entity]
            if isinstance(entity, Kecamatan) and hit.score >= KEC_MENTION_SCORE:
                mentions.setdefault(entity.code, []).append(hit)

        # 1. Each hit on its own: does the text say which desa/kecamatan it is, and is the name
        #    one that is also an ordinary word?
        covered: list[set[int]] = []
        for hit in hits:
            entity = self._entities[hit.entity]
            words = set(range(hit.start, hit.end))
            introduced = hit.declared == "kecamatan"
            if isinstance(entity, Desa):
                introduced = hit.declared in ("desa", "kelurahan")
                context = [h for h in mentions.get(entity.kecamatan_code, []) if h.disjoint(hit)]
                if context:  # "Sei Rotan, Percut Sei Tuan": those words are explained too
                    mention = max(context, key=lambda h: (h.score, h.end - h.start))
                    words.update(range(mention.start, mention.end))
                    introduced = introduced or mention.start == hit.end or mention.end == hit.start
            if not (introduced or len(words) == n):
                if hit.generic:
                    hit.score -= GENERIC_PENALTY
                elif hit.short_typo:
                    hit.score -= SHORT_TYPO_PENALTY
            covered.append(words)

        # 2. Against the others: a reading that leaves another well-matched place unexplained
        #    ("desa lama, hamparan perak" read as desa Hamparan Perak) is the weaker one.
        places = [h for h in hits if h.score >= KEC_MENTION_SCORE]
        best: dict[int, float] = {}
        for hit, words in zip(hits, covered, strict=True):
            score = hit.score - UNCOVERED_PENALTY * (n - len(words)) / n
            if any(
                other.entity != hit.entity and words.isdisjoint(range(other.start, other.end))
                for other in places
            ):
                score -= UNEXPLAINED_PENALTY
            if score > best.get(hit.entity, -math.inf):
                best[hit.entity] = score
        return best

    def _match(self, entity: _Entity, score: float) -> Match:
        if isinstance(entity, Desa):
            return Match(entity, self._kecamatan[entity.kecamatan_code], score)
        return Match(None, entity, score)

    def _hits(self, tokens: list[_Token]) -> list[_Hit]:
        hits: list[_Hit] = []
        cache: dict[tuple[str, tuple[str, ...]], list[tuple[int, float]]] = {}
        n = len(tokens)
        for start in range(n):
            for end in range(start + 1, min(n, start + _MAX_WINDOW) + 1):
                if tokens[end - 1].segment != tokens[start].segment:
                    break
                window = "".join(t.text for t in tokens[start:end])
                window_tokens = tokens[start:end]
                key = (window, _ids(t.text for t in window_tokens))
                if key not in cache:
                    cache[key] = self._compare(*key)
                if not cache[key]:
                    continue
                declared = window_tokens[0].declared
                street = any(t.street for t in window_tokens)
                for alias_index, similarity in cache[key]:
                    alias = self._aliases[alias_index]
                    entity = self._entities[alias.entity]
                    score = similarity - (STREET_PENALTY if street else 0.0)
                    score -= _declared_penalty(declared, entity)
                    short_typo = len(alias.compact) <= _SHORT_NAME and similarity < 100.0
                    hits.append(
                        _Hit(alias.entity, start, end, score, alias.generic, short_typo, declared)
                    )
        return hits

    def _compare(self, window: str, ids: tuple[str, ...]) -> list[tuple[int, float]]:
        """Aliases within the typo allowance of ``window``: (alias index, similarity 0..100).

        ``ids`` are the window's numbers and single letters ("ramunia 1", "tanjung morawa a"):
        when both sides have them they must be equal; a different one is another place, not a
        typo (leaving it out is fine: "patumbak" still finds Patumbak I and II)."""
        found: list[tuple[int, float]] = []
        for _, similarity, index in process.extract(
            window,
            self._alias_strings,
            scorer=OSA.normalized_similarity,
            score_cutoff=_RAW_CUTOFF,
            limit=None,
        ):
            alias = self._aliases[index]
            if ids and alias.ids and ids != alias.ids:
                continue
            if OSA.distance(window, alias.compact) <= _max_edits(len(alias.compact)):
                found.append((index, 100.0 * similarity))
        return found


def _display_name(name: str) -> str:
    name = " ".join(name.split())
    return NAME_FIXES.get(name, name)


def _declared_penalty(declared: _Declared, entity: _Entity) -> float:
    if declared is None:
        return 0.0
    if isinstance(entity, Kecamatan):
        return 0.0 if declared == "kecamatan" else DECLARED_PENALTY
    if declared == "kecamatan":
        return DECLARED_PENALTY
    return 0.0 if declared == entity.kind else KIND_PENALTY


def _apply_containment(hits: list[_Hit]) -> None:
    """Lower hits whose words are part of a longer, at least as good match of another entity."""
    strong = [h for h in hits if h.score >= _STRONG_SCORE]
    penalised = [
        hit
        for hit in hits
        if any(
            other.entity != hit.entity and other.score >= hit.score and hit.strictly_inside(other)
            for other in strong
        )
    ]
    for hit in penalised:
        hit.score -= CONTAINED_PENALTY


def _sort_key(match: Match) -> tuple[float, bool, str, str]:
    # Best score first; on a tie the kecamatan-only match first (it claims less), then by code.
    return (
        -match.score,
        match.desa is not None,
        match.kecamatan.code,
        match.desa.code if match.desa else "",
    )


def _nearest(
    shapes: Iterable[_Shape], x: float, y: float, kx: float, max_m: float
) -> tuple[_Shape, float] | None:
    """The shape whose boundary is closest to the point, if within ``max_m`` metres."""
    candidates = sorted(
        ((s.bbox_distance_m(x, y, kx), s) for s in shapes), key=lambda item: item[0]
    )
    best: tuple[_Shape, float] | None = None
    limit = max_m
    for bbox_distance, shape in candidates:
        if bbox_distance > limit:
            break  # sorted: no later bbox can be closer
        distance = shape.distance_m(x, y, kx)
        if distance <= limit:
            best, limit = (shape, distance), distance
    return best
