"""The choropleth map of the monthly report: the 22 kecamatan shaded by count, as inline
SVG drawn from the boundary polygons in `data/regions/` (`Regions.kecamatan_outlines`),
with names placed inside a kecamatan when they fit and beside the map otherwise.

Pure functions; no database, no Telegram.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from html import escape

Point = tuple[float, float]
Ring = Sequence[Point]
Outlines = dict[str, list[list[list[Point]]]]  # kecamatan code -> polygons -> rings -> (lon, lat)

# ColorBrewer "Blues" (5 classes); zero gets a neutral grey so "no complaints" never
# looks like "few complaints".
SHADES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
ZERO_SHADE = "#f2f2f2"


# -- the map ---------------------------------------------------------------------------------
def class_breaks(maximum: int, classes: int = len(SHADES)) -> list[tuple[int, int]]:
    """Whole-number count ranges (lowest, highest) from 1 to `maximum`, at most `classes`,
    of near-equal width ("1–4, 5–8, 9–13, 14–17, 18–21"). Equal widths read more plainly
    than quantiles to a council, and every count has exactly one class."""
    if maximum <= 0:
        return []
    if maximum <= classes:
        return [(n, n) for n in range(1, maximum + 1)]
    classes = math.ceil(maximum / math.ceil(maximum / classes))  # 6 -> 1-2, 3-4, 5-6
    highs = [round(maximum * k / classes) for k in range(1, classes + 1)]
    return [(low + 1, high) for low, high in zip([0, *highs[:-1]], highs, strict=True)]


def _shade(count: int, breaks: list[tuple[int, int]]) -> tuple[str, int]:
    """Fill colour and class index (-1 for zero)."""
    if count <= 0:
        return ZERO_SHADE, -1
    for index, (_, high) in enumerate(breaks):
        if count <= high:
            # Spread fewer classes over the whole ramp, so 2 classes are not both pale.
            shade = SHADES[round(index * (len(SHADES) - 1) / max(len(breaks) - 1, 1))]
            return shade, index
    return SHADES[-1], len(breaks) - 1


class _Projection:
    """Longitude/latitude to SVG units: equirectangular, x scaled by cos(latitude), which
    is exact enough 3.5° from the equator."""

    def __init__(self, outlines: Outlines, width: float, pad: float, offset: float = 0) -> None:
        points = [p for polys in outlines.values() for poly in polys for ring in poly for p in ring]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        self.lon0, self.lat1 = min(lons), max(lats)
        self.kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span_x = (max(lons) - self.lon0) * self.kx
        self.scale = (width - 2 * pad) / span_x
        self.pad = pad
        self.offset = offset
        self.width = width
        self.height = (self.lat1 - min(lats)) * self.scale + 2 * pad

    def __call__(self, point: Point) -> Point:
        lon, lat = point
        return (
            self.offset + self.pad + (lon - self.lon0) * self.kx * self.scale,
            self.pad + (self.lat1 - lat) * self.scale,
        )

    def km(self, kilometres: float) -> float:
        """SVG units for a distance on the ground (1° latitude ≈ 110.6 km here)."""
        return kilometres / 110.574 * self.scale


def _path(polygons: list[list[Ring]], project: _Projection) -> str:
    parts = []
    for polygon in polygons:
        for ring in polygon:
            xy = [project(p) for p in ring]
            parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + " Z")
    return " ".join(parts)


def _area(ring: Ring) -> float:
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in pairs)) / 2


def _inside(x: float, y: float, ring: Ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _edge_distance(x: float, y: float, ring: Ring) -> float:
    best = math.inf
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        dx, dy = x2 - x1, y2 - y1
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length))
        best = min(best, math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)))
    return best


@functools.lru_cache(maxsize=256)
def _label_point(ring: tuple[Point, ...]) -> tuple[Point, float]:
    """The point inside `ring` farthest from its edge (a grid search, refined twice), and
    that distance: labels sit where the shape is widest, not at a centroid that may fall
    outside a crescent-shaped kecamatan."""
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    box = (min(xs), min(ys), max(xs), max(ys))
    best, best_d = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), -1.0
    step_x, step_y = (box[2] - box[0]) / 24, (box[3] - box[1]) / 24
    centre_x, centre_y, span = best[0], best[1], 12
    for _ in range(3):
        for i in range(-span, span + 1):
            for j in range(-span, span + 1):
                x, y = centre_x + i * step_x, centre_y + j * step_y
                if _inside(x, y, ring):
                    d = _edge_distance(x, y, ring)
                    if d > best_d:
                        best, best_d = (x, y), d
        centre_x, centre_y = best
        step_x, step_y, span = step_x / 4, step_y / 4, 6
    return best, max(best_d, 0.0)


def _horizontal_room(x: float, y: float, ring: Ring) -> float:
    """Width of the inside stretch of the horizontal line through (x, y)."""
    crossings = sorted(
        x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
        if (y1 > y) != (y2 > y)
    )
    for left, right in zip(crossings[::2], crossings[1::2], strict=False):
        if left <= x <= right:
            return 2 * min(x - left, right - x)  # centred text: the nearer side limits it
    return 0.0


def _text_width(text: str, size: float) -> float:
    return len(text) * size * 0.56  # a typical sans-serif average


def _name_lines(name: str) -> list[str]:
    """One line, or two split near the middle ("Percut Sei / Tuan")."""
    words = name.split()
    if len(words) < 2:
        return [name]
    cut = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(name) / 2))
    return [" ".join(words[:cut]), " ".join(words[cut:])]


MEDAN = (98.66, 3.595)  # central Medan: the hole in the middle of the kabupaten


def choropleth_svg(
    counts: dict[str, int],
    names: dict[str, str],
    outlines: Outlines,
    *,
    map_width: float = 380,
    gutter: float = 150,
) -> str:
    """The kecamatan shaded by complaint count, as inline SVG without any external
    reference: names and counts inside the shapes where they fit, otherwise beside the
    map with a leader line; a legend, a north arrow and a 10 km scale bar."""
    pad = 12.0
    project = _Projection(outlines, map_width, pad, offset=gutter)
    width = map_width + 2 * gutter
    breaks = class_breaks(max(counts.values(), default=0))
    shapes: list[str] = []
    labels: list[str] = []
    callouts: list[tuple[float, float, str, int]] = []  # label point, name, count
    size = 11.0
    for code in sorted(outlines):
        count = counts.get(code, 0)
        fill, index = _shade(count, breaks)
        name = names.get(code, code)
        shapes.append(
            f'<path d="{_path(outlines[code], project)}" fill="{fill}" stroke="#ffffff"'
            f' stroke-width="1.2" stroke-linejoin="round" data-kecamatan="{escape(code)}"'
            f' data-count="{count}"><title>{escape(name)}: {count}</title></path>'
        )
        ring = [project(p) for p in max((poly[0] for poly in outlines[code]), key=_area)]
        (px, py), _ = _label_point(tuple(ring))  # cached: the same shapes every month
        colour = "#ffffff" if index >= 0 and SHADES.index(fill) >= 3 else "#1d2733"
        lines = _name_lines(name) if _text_width(name, size) > 60 else [name]
        block = (len(lines) + 1) * size * 1.1
        room = min(_horizontal_room(px, py + dy, ring) for dy in (-block / 2, 0, block / 2))
        if max(_text_width(line, size) for line in lines) + 4 > room:
            callouts.append((px, py, name, count))
            continue
        top = py - block / 2 + size * 0.85
        for k, line in enumerate(lines):
            labels.append(_text(px, top + k * size * 1.1, line, size, colour))
        labels.append(_text(px, top + len(lines) * size * 1.1, str(count), 12, colour, bold=True))
    labels = _callouts(callouts, project, width, gutter, size) + labels  # lines under text
    if not any(
        _inside(*project(MEDAN), [project(p) for p in poly[0]])
        for polys in outlines.values()
        for poly in polys
    ):
        mx, my = project(MEDAN)
        labels.append(
            f'<text x="{mx:.1f}" y="{my:.1f}" font-size="10" font-style="italic"'
            f' fill="#7b8794" text-anchor="middle">Kota Medan</text>'
        )
    # North arrow and a 10 km scale bar in the top right corner of the map area.
    nx, ny = gutter + map_width - pad, pad + 2
    extras = [
        f'<path d="M{nx:.1f},{ny:.1f} l6,16 l-6,-4 l-6,4 Z" fill="#1d2733"/>'
        + _text(nx, ny + 28, "U", 10, "#1d2733"),
    ]
    bar = project.km(10)
    bx, by = gutter + pad, project.height - pad
    extras.append(
        f'<rect x="{bx:.1f}" y="{by:.1f}" width="{bar:.1f}" height="4" fill="#1d2733"/>'
        + _text(bx + bar / 2, by - 4, "10 km", 10, "#1d2733")
    )
    legend, legend_height = _legend(breaks, width, project.height + 6)
    height = project.height + legend_height + 6
    return (
        f'<svg class="map" viewBox="0 0 {width:.0f} {height:.0f}" role="img"'
        ' aria-label="Peta jumlah pengaduan per kecamatan">'
        + "".join(shapes)
        + "".join(labels)
        + "".join(extras)
        + legend
        + "</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    colour: str,
    *,
    bold: bool = False,
    anchor: str = "middle",
) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{weight} fill="{colour}"'
        f' text-anchor="{anchor}">{escape(text)}</text>'
    )


def _callouts(
    items: list[tuple[float, float, str, int]],
    project: _Projection,
    width: float,
    gutter: float,
    size: float,
) -> list[str]:
    """Names that do not fit in their shape go beside the map, left or right of it by the
    side they are on, stacked without overlapping, joined to the shape by a thin line."""
    out: list[str] = []
    middle = gutter + project.width / 2
    for side in ("left", "right"):
        chosen = sorted(
            (i for i in items if (i[0] < middle) == (side == "left")), key=lambda i: i[1]
        )
        step = size * 1.25
        placed: list[float] = []
        bottom = -math.inf
        for _, py, name, count in chosen:
            top = max(py, bottom + step)
            placed.append(top)
            bottom = top + (len(_callout_lines(f"{name} ({count})")) - 1) * size * 1.1
        # Push the stack back up if it runs off the bottom of the map.
        overflow = bottom + step - project.height
        if placed and overflow > 0:
            placed = [y - overflow for y in placed]
        for (px, py, name, count), ty in zip(chosen, placed, strict=True):
            lines = _callout_lines(f"{name} ({count})")
            if side == "left":
                tx, anchor, lx = gutter - 6, "end", gutter - 3
            else:
                tx, anchor, lx = width - gutter + 6, "start", width - gutter + 3
            out.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2" fill="#1d2733"/>'
                f'<polyline points="{px:.1f},{py:.1f} {lx:.1f},{ty - size * 0.35:.1f}"'
                ' fill="none" stroke="#52606d" stroke-width="0.7"/>'
            )
            for k, line in enumerate(lines):
                out.append(_text(tx, ty + k * size * 1.1, line, size, "#1d2733", anchor=anchor))
    return out


def _callout_lines(text: str) -> list[str]:
    return _name_lines(text) if len(text) > 18 else [text]


def _legend(breaks: list[tuple[int, int]], width: float, top: float) -> tuple[str, float]:
    entries = [(ZERO_SHADE, "0")] + [
        (_shade(high, breaks)[0], f"{low}" if low == high else f"{low}–{high}")
        for low, high in breaks
    ]
    total = sum(24 + _text_width(label, 11) + 12 for _, label in entries)
    x = (width - total) / 2
    parts = [_text(width / 2, top + 10, "Jumlah pengaduan per kecamatan", 11, "#1d2733")]
    for fill, label in entries:
        parts.append(
            f'<rect x="{x:.1f}" y="{top + 18}" width="18" height="13" fill="{fill}"'
            ' stroke="#9aa5b1" stroke-width="0.6"/>'
            + _text(x + 22, top + 29, label, 11, "#1d2733", anchor="start")
        )
        x += 24 + _text_width(label, 11) + 12
    return "".join(parts), 36.0
