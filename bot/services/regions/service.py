"""The `Regions` service: loading the region files, `locate` (a map point) and `search` /
`resolve` (typed text). See the package docstring for the rules."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot import SHIPPED_DATA_DIR
from bot.services.regions.geometry import (
    EDGE_SNAP_M,
    GAP_SNAP_M,
    M_PER_DEG_LON_EQUATOR,
    Shape,
    nearest,
    read_shapes,
)
from bot.services.regions.names import (
    GENERIC_NAMES,
    KECAMATAN_ALIASES,
    Declared,
    Token,
    ids_of,
    max_edits,
    name_variants,
    tokenize,
    words_of,
)
from bot.services.regions.places import Desa, Kecamatan, Location, Match, Resolution, decide

DEFAULT_DIRECTORY = SHIPPED_DATA_DIR / "regions"

KECAMATAN_CSV = "kecamatan_deliserdang.csv"
DESA_CSV = "desa_kelurahan_deliserdang.csv"
KECAMATAN_GEOJSON = "kecamatan_deliserdang_boundaries.geojson"
DESA_GEOJSON = "desa_deliserdang_boundaries.geojson"

# Known typos in the source files, fixed for display (the data files stay as published).
NAME_FIXES: dict[str, str] = {
    "SSinembah Tanjung Muda Hulu": "Sinembah Tanjung Muda Hulu",
}

MIN_SCORE = 70.0
"""Matches scoring below this are not returned. A clean name scores 100; one typo in a
10-letter name about 90; a stray common word inside a sentence ends up well below 70."""


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
_RAW_CUTOFF = 0.7  # prefilter for rapidfuzz; the length-dependent gate below is stricter


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
    declared: Declared

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
        kecamatan_shapes: dict[str, Shape],
        desa_shapes: dict[str, Shape],
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
        self._desa_shapes_by_kecamatan: dict[str, list[Shape]] = {}
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
            read_shapes(directory / KECAMATAN_GEOJSON),
            read_shapes(directory / DESA_GEOJSON),
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
        kx = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat))

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
            found = nearest(shapes, x, y, kx, GAP_SNAP_M)
            if found is not None:
                return self._location(found[0].code, "nearest", found[1])
            kec = self._kecamatan[kecamatan_hits[0].code]
            return Location(None, kec, "kecamatan", 0.0)

        found = nearest(self._desa_shapes, x, y, kx, EDGE_SNAP_M)
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
            variants = name_variants(entity.name)
            if isinstance(entity, Kecamatan):
                variants += [words_of(a) for a in KECAMATAN_ALIASES.get(entity.code, ())]
            seen: set[str] = set()
            for words in variants:
                compact = "".join(words)
                if compact and compact not in seen:
                    seen.add(compact)
                    generic = compact in GENERIC_NAMES
                    aliases.append(_Alias(compact, index, generic, ids_of(words)))
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
        tokens = tokenize(text)
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

    def _hits(self, tokens: list[Token]) -> list[_Hit]:
        hits: list[_Hit] = []
        cache: dict[tuple[str, tuple[str, ...]], list[tuple[int, float]]] = {}
        n = len(tokens)
        for start in range(n):
            for end in range(start + 1, min(n, start + _MAX_WINDOW) + 1):
                if tokens[end - 1].segment != tokens[start].segment:
                    break
                window = "".join(t.text for t in tokens[start:end])
                window_tokens = tokens[start:end]
                key = (window, ids_of(t.text for t in window_tokens))
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
            if OSA.distance(window, alias.compact) <= max_edits(len(alias.compact)):
                found.append((index, 100.0 * similarity))
        return found


def _display_name(name: str) -> str:
    name = " ".join(name.split())
    return NAME_FIXES.get(name, name)


def _declared_penalty(declared: Declared, entity: _Entity) -> float:
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
