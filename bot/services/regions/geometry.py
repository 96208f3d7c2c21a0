"""Point-in-polygon and distances over the simplified boundary polygons (GeoJSON)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

GAP_SNAP_M = 1000.0
"""Inside a kecamatan polygon but in no desa polygon: take the nearest desa of that kecamatan
if its polygon is at most this far (gaps in the data are a few hundred metres at most)."""

EDGE_SNAP_M = 100.0
"""Outside both layers: still count the point as in Deli Serdang if a desa polygon is at most
this far (GPS accuracy and the simplified kabupaten edge). Beyond it: outside."""

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0


Ring = tuple[tuple[float, ...], tuple[float, ...]]  # xs (lon), ys (lat)


@dataclass(frozen=True)
class Shape:
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
        dy = max(y0 - y, 0.0, y - y1) * M_PER_DEG_LAT
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
    ky = M_PER_DEG_LAT
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


def read_shapes(path: Path) -> dict[str, Shape]:
    with path.open(encoding="utf-8") as f:
        collection = json.load(f)
    shapes: dict[str, Shape] = {}
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
        shapes[code] = Shape(code, bbox, tuple(polygons), area)
    return shapes


def nearest(
    shapes: Iterable[Shape], x: float, y: float, kx: float, max_m: float
) -> tuple[Shape, float] | None:
    """The shape whose boundary is closest to the point, if within ``max_m`` metres."""
    candidates = sorted(
        ((s.bbox_distance_m(x, y, kx), s) for s in shapes), key=lambda item: item[0]
    )
    best: tuple[Shape, float] | None = None
    limit = max_m
    for bbox_distance, shape in candidates:
        if bbox_distance > limit:
            break  # sorted: no later bbox can be closer
        distance = shape.distance_m(x, y, kx)
        if distance <= limit:
            best, limit = (shape, distance), distance
    return best
