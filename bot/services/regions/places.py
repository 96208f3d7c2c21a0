"""Desa/kelurahan and kecamatan as the rest of the bot sees them, and when a typed place
is certain enough to take without asking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

CERTAIN_SCORE = 85.0
"""``decide``: the best match must score at least this to be certain ..."""

CERTAIN_MARGIN = 8.0
"""... and every conflicting candidate must score at least this much lower."""


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
