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

from bot.services.regions.geometry import EDGE_SNAP_M, GAP_SNAP_M
from bot.services.regions.places import (
    CERTAIN_MARGIN,
    CERTAIN_SCORE,
    Desa,
    Kecamatan,
    Location,
    Match,
    Resolution,
    decide,
)
from bot.services.regions.service import DEFAULT_DIRECTORY, MIN_SCORE, Regions

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
