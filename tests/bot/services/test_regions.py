"""Desa/kecamatan lookup: map points and typed place names (texts written for these tests)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bot.services.regions import (
    CERTAIN_SCORE,
    DEFAULT_DIRECTORY,
    Desa,
    Kecamatan,
    Match,
    Regions,
    decide,
)

SEI_ROTAN = "12.07.26.2018"
BANDAR_SETIA = "12.07.26.2017"
LUBUK_PAKAM_PEKAN = "12.07.28.1013"
TANJUNG_SELAMAT = {"12.07.06.2011", "12.07.23.2016", "12.07.26.2013"}
BINTANG_MERIAH = {"12.07.01.2006", "12.07.05.2001", "12.07.27.2007"}


@pytest.fixture(scope="module")
def regions() -> Regions:
    return Regions.load()


# --- data ---------------------------------------------------------------------------------


def test_loads_all_kecamatan_and_desa(regions: Regions) -> None:
    kecamatan = regions.kecamatan_list()
    assert len(kecamatan) == 22
    assert [k.code for k in kecamatan] == sorted(k.code for k in kecamatan)
    desa = regions.desa_list()
    assert len(desa) == 394
    assert sum(d.kind == "kelurahan" for d in desa) == 14
    assert sum(d.kind == "desa" for d in desa) == 380
    codes = {k.code for k in kecamatan}
    assert all(d.kecamatan_code in codes and d.code.startswith(d.kecamatan_code) for d in desa)
    assert len(regions.desa_list("12.07.22")) == 6  # Deli Tua: 3 desa + 3 kelurahan


def test_lookup_by_code(regions: Regions) -> None:
    desa = regions.desa_by_code(SEI_ROTAN)
    assert desa == Desa(SEI_ROTAN, "Sei Rotan", "desa", "12.07.26", "Percut Sei Tuan")
    assert desa.kecamatan == Kecamatan("12.07.26", "Percut Sei Tuan")
    assert regions.kecamatan_by_code("12.07.28") == Kecamatan("12.07.28", "Lubuk Pakam")
    assert regions.desa_by_code("12.07.99.9999") is None
    assert regions.kecamatan_by_code("12.71") is None  # Kota Medan is not ours


def test_source_typo_is_fixed_in_code_not_in_data(regions: Regions) -> None:
    geojson = (DEFAULT_DIRECTORY / "kecamatan_deliserdang_boundaries.geojson").read_text()
    assert "SSinembah Tanjung Muda Hulu" in geojson  # the data file stays as published
    names = [k.name for k in regions.kecamatan_list()]
    assert "Sinembah Tanjung Muda Hulu" in names
    assert not any(name.startswith("SS") for name in names)
    desa = regions.desa_by_code("12.07.20.2001")
    assert desa is not None and desa.kecamatan_name == "Sinembah Tanjung Muda Hulu"


# --- locate: real data ----------------------------------------------------------------------


def test_kantor_bupati_is_in_lubuk_pakam(regions: Regions) -> None:
    location = regions.locate(3.5569, 98.8736)
    assert location.kecamatan == Kecamatan("12.07.28", "Lubuk Pakam")
    assert location.desa is not None and location.desa.kecamatan_code == "12.07.28"
    assert location.method == "inside"
    assert location.in_deli_serdang


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (3.5952, 98.6722),  # central Medan
        (3.5906, 98.6779),  # Medan, Lapangan Merdeka area
        (3.6000, 98.4850),  # Binjai
        (3.7760, 98.6880),  # Belawan (Kota Medan), about 1 km from the nearest desa polygon
        (3.8500, 99.1000),  # Strait of Malacca, far off the Pantai Labu coast
        (-6.2000, 106.8166),  # Jakarta
    ],
)
def test_points_outside_deli_serdang(regions: Regions, lat: float, lon: float) -> None:
    location = regions.locate(lat, lon)
    assert location.desa is None
    assert location.kecamatan is None
    assert location.method == "outside"
    assert not location.in_deli_serdang


def _interior_point(polygon: list[list[list[float]]]) -> tuple[float, float]:
    """A point inside a GeoJSON polygon, found independently of the service: a horizontal line
    through the middle of the outer ring's height, midpoint of its widest inside stretch."""
    ys = [p[1] for p in polygon[0]]
    y = (min(ys) + max(ys)) / 2
    crossings = sorted(
        x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        for ring in polygon
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
        if (y1 > y) != (y2 > y)
    )
    pairs = list(zip(crossings[::2], crossings[1::2], strict=True))
    left, right = max(pairs, key=lambda pair: pair[1] - pair[0])
    return y, (left + right) / 2  # lat, lon (GeoJSON stores [lng, lat])


def test_a_point_inside_each_desa_polygon_finds_that_desa(regions: Regions) -> None:
    path = DEFAULT_DIRECTORY / "desa_deliserdang_boundaries.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert len(features) == 394
    wrong = []
    for feature in features:
        largest = max(feature["geometry"]["coordinates"], key=lambda polygon: len(polygon[0]))
        lat, lon = _interior_point(largest)
        location = regions.locate(lat, lon)
        if location.desa is None or location.desa.code != feature["properties"]["kode"]:
            wrong.append((feature["properties"]["kode"], location))
        elif location.method != "inside":
            wrong.append((feature["properties"]["kode"], location))
    assert wrong == []


def test_gap_between_desa_polygons_still_gets_kecamatan_and_nearest_desa(
    regions: Regions,
) -> None:
    # Inside the (simplified) kecamatan Beringin polygon, in no desa polygon: about 200 m
    # from Karang Anyar. Found by sampling points; too far out for the 100 m edge rule.
    location = regions.locate(3.60639, 98.92299)
    assert location.method == "nearest"
    assert location.kecamatan == Kecamatan("12.07.33", "Beringin")
    assert location.desa is not None and location.desa.name == "Karang Anyar"
    assert 100 < location.distance_m < 1000


def test_rejects_values_that_are_not_coordinates(regions: Regions) -> None:
    with pytest.raises(ValueError):
        regions.locate(98.8736, 3.5569)  # swapped: latitude 98 does not exist
    with pytest.raises(ValueError):
        regions.locate(float("nan"), 98.8)


# --- locate: synthetic data (holes, MultiPolygon, gaps, edge) ------------------------------
#
# Near lat 0 one degree is about 111 km, so 0.001 degree is about 111 m.
#
#   kecamatan 12.07.01: lon 0 .. 0.2, lat 0 .. 0.1
#   desa A (12.07.01.2001): lon 0 .. 0.045, with a hole lon 0.015 .. 0.025, lat 0.045 .. 0.055
#   desa B (12.07.01.2002): lon 0.05 .. 0.1               (a 550 m gap between A and B)
#   desa C (12.07.01.2003): two small squares in the corners of the empty east half


def _square(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def _feature(code: str, name: str, geometry: dict[str, object]) -> dict[str, object]:
    return {"type": "Feature", "properties": {"kode": code, "nama": name}, "geometry": geometry}


@pytest.fixture
def toy(tmp_path: Path) -> Regions:
    with (tmp_path / "kecamatan_deliserdang.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["kode_kemendagri", "kecamatan", "jumlah_desa", "jumlah_kelurahan"])
        writer.writerow(["12.07.01", "Toy", 3, 0])
    with (tmp_path / "desa_kelurahan_deliserdang.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["kode_kemendagri", "nama", "jenis", "kode_kecamatan", "kecamatan"])
        for code, name in [("2001", "Alpha"), ("2002", "Bravo"), ("2003", "Charlie")]:
            writer.writerow([f"12.07.01.{code}", name, "desa", "12.07.01", "Toy"])
    kecamatan = [
        _feature(
            "12.07.01",
            "Toy",
            {"type": "MultiPolygon", "coordinates": [[_square(0, 0, 0.2, 0.1)]]},
        )
    ]
    desa = [
        _feature(
            "12.07.01.2001",
            "Alpha",
            {
                "type": "Polygon",
                "coordinates": [
                    _square(0, 0, 0.045, 0.1),
                    _square(0.015, 0.045, 0.025, 0.055)[::-1],
                ],
            },
        ),
        _feature(
            "12.07.01.2002",
            "Bravo",
            {"type": "MultiPolygon", "coordinates": [[_square(0.05, 0, 0.1, 0.1)]]},
        ),
        _feature(
            "12.07.01.2003",
            "Charlie",
            {
                "type": "MultiPolygon",
                "coordinates": [
                    [_square(0.1, 0, 0.11, 0.01)],
                    [_square(0.19, 0.09, 0.2, 0.1)],
                ],
            },
        ),
    ]
    for name, features in [
        ("kecamatan_deliserdang_boundaries.geojson", kecamatan),
        ("desa_deliserdang_boundaries.geojson", desa),
    ]:
        collection = {"type": "FeatureCollection", "features": features}
        (tmp_path / name).write_text(json.dumps(collection), encoding="utf-8")
    return Regions.load(tmp_path)


def _where(regions: Regions, lat: float, lon: float) -> tuple[str | None, str | None, str]:
    location = regions.locate(lat, lon)
    return (
        location.desa.name if location.desa else None,
        location.kecamatan.name if location.kecamatan else None,
        location.method,
    )


def test_toy_inside_polygons(toy: Regions) -> None:
    assert _where(toy, 0.02, 0.005) == ("Alpha", "Toy", "inside")
    assert _where(toy, 0.05, 0.07) == ("Bravo", "Toy", "inside")
    # both parts of a MultiPolygon
    assert _where(toy, 0.005, 0.105) == ("Charlie", "Toy", "inside")
    assert _where(toy, 0.095, 0.195) == ("Charlie", "Toy", "inside")


def test_toy_point_in_a_hole_is_not_inside(toy: Regions) -> None:
    location = toy.locate(0.05, 0.02)  # centre of Alpha's hole, 555 m from its edge
    assert location.method == "nearest"
    assert location.desa is not None and location.desa.name == "Alpha"
    assert 500 < location.distance_m < 600


def test_toy_gap_takes_the_nearest_desa(toy: Regions) -> None:
    location = toy.locate(0.05, 0.049)  # in the gap, 111 m from Bravo, 444 m from Alpha
    assert (location.desa.name if location.desa else None, location.method) == (
        "Bravo",
        "nearest",
    )
    assert location.distance_m == pytest.approx(111.3, abs=1)


def test_toy_far_from_any_desa_gets_only_the_kecamatan(toy: Regions) -> None:
    assert _where(toy, 0.05, 0.15) == (None, "Toy", "kecamatan")


def test_toy_edge_of_the_kabupaten(toy: Regions) -> None:
    assert _where(toy, -0.0005, 0.02) == ("Alpha", "Toy", "nearest")  # 55 m out: GPS noise
    assert _where(toy, -0.003, 0.02) == (None, None, "outside")  # 333 m out


# --- search / resolve -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "desa_code"),
    [
        ("desa sei rotan", SEI_ROTAN),
        ("Sei Rotan, Percut Sei Tuan", SEI_ROTAN),
        ("sungai rotan", SEI_ROTAN),  # sungai = sei
        ("Ds. Sei Rotn", SEI_ROTAN),  # abbreviation and a typo
        ("sei rottan", SEI_ROTAN),
        ("Desa Sei Rotan Kec. Percut Sei Tuan Kab. Deli Serdang", SEI_ROTAN),
        ("jalan rusak di desa sei rotan kecamatan percut sei tuan", SEI_ROTAN),
        ("desa sei rotan percut", SEI_ROTAN),  # "percut" is also a desa: the pair wins
        ("dusun 3 desa bandar setia", BANDAR_SETIA),
        ("jln berlubang di dusun II desa bandar setia kec percut", BANDAR_SETIA),
        ("kel. lubuk pakam pekan", LUBUK_PAKAM_PEKAN),
        ("KEL.LUBUK PAKAM PKN", LUBUK_PAKAM_PEKAN),  # pkn = pekan
        ("pekan lubuk pakam", LUBUK_PAKAM_PEKAN),  # word order of "Pekan" names
        ("lubuk pakam III", "12.07.28.1008"),  # roman numerals
        ("lubuk pakam 3", "12.07.28.1008"),
        ("ramunia 1", "12.07.32.2009"),  # not Ramunia 2
        ("tanjung morawa a", "12.07.02.2014"),  # not Tanjung Morawa-B
        ("pekan batang kuis", "12.07.27.2005"),  # "Batangkuis Pekan"
        ("desa tanjung selamat kec sunggal", "12.07.23.2016"),  # kecamatan picks the desa
        ("bintang meriah, batang kuis", "12.07.27.2007"),
        ("Lama, Hamparan Perak", "12.07.24.2019"),  # a common word, but next to its kecamatan
        ("kenangan baru", "12.07.26.1020"),
    ],
)
def test_certain_desa(regions: Regions, text: str, desa_code: str) -> None:
    resolution = regions.resolve(text)
    assert resolution.certain is not None, resolution.candidates
    assert resolution.certain.desa is not None
    assert resolution.certain.desa.code == desa_code
    assert resolution.certain.kecamatan.code == desa_code[:8]
    assert resolution.certain.score >= CERTAIN_SCORE
    assert resolution.candidates[0] == resolution.certain


@pytest.mark.parametrize(
    ("text", "kecamatan_code"),
    [
        ("tanjung morawa", "12.07.02"),  # not desa Tanjung Morawa-A/-B: the text does not say
        ("tj morawa", "12.07.02"),
        ("kec. tanjung morwa", "12.07.02"),
        ("tamora", "12.07.02"),
        ("lapor jalan rusak di tanjung morawa", "12.07.02"),
        ("Tanjung Morawa, Deli Serdang", "12.07.02"),
        ("percut", "12.07.26"),  # kecamatan Percut Sei Tuan (and desa Percut is in it)
        ("kec. percut sei tuwan", "12.07.26"),
        ("batangkuis", "12.07.27"),
        ("lubuk pakan", "12.07.28"),
        ("Kec. STM Hulu", "12.07.20"),
        ("sibolangit", "12.07.03"),  # desa Sibolangit lies in it: still only the kecamatan
        ("banjir di kec. labuhan deli", "12.07.25"),
    ],
)
def test_certain_kecamatan(regions: Regions, text: str, kecamatan_code: str) -> None:
    resolution = regions.resolve(text)
    assert resolution.certain is not None, resolution.candidates
    assert resolution.certain.desa is None
    assert resolution.certain.kecamatan.code == kecamatan_code


def test_fixed_kecamatan_name_in_results(regions: Regions) -> None:
    certain = regions.resolve("kecamatan sinembah tanjung muda hulu").certain
    assert certain is not None
    assert certain.label == "Kec. Sinembah Tanjung Muda Hulu"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("tanjung selamat", TANJUNG_SELAMAT),
        ("desa tanjung selamat", TANJUNG_SELAMAT),
        ("Ds. Bintang Meriah", BINTANG_MERIAH),
        ("lama", {"12.07.05.2014", "12.07.24.2019"}),
        ("desa baru", {"12.07.05.2024", "12.07.27.2004"}),
        ("helvetia", {"12.07.23.2009", "12.07.25.2001"}),
    ],
)
def test_repeated_desa_names_give_all_candidates(
    regions: Regions, text: str, codes: set[str]
) -> None:
    resolution = regions.resolve(text)
    assert resolution.certain is None
    top = [m for m in resolution.candidates if m.score == resolution.candidates[0].score]
    assert {m.desa.code for m in top if m.desa} == codes


def test_limit_never_splits_desa_of_the_same_name(regions: Regions) -> None:
    matches = regions.search("tanjung selamat", limit=1)
    assert {m.desa.code for m in matches if m.desa} == TANJUNG_SELAMAT


def test_deli_tua_is_ambiguous(regions: Regions) -> None:
    # kecamatan Deli Tua, kelurahan Deli Tua in it, and desa Deli Tua in Namo Rambe
    resolution = regions.resolve("deli tua")
    assert resolution.certain is None
    labels = {m.label for m in resolution.candidates}
    assert {
        "Kec. Deli Tua",
        "Kelurahan Deli Tua, Kec. Deli Tua",
        "Desa Deli Tua, Kec. Namo Rambe",
    } <= labels


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "!!!",
        "jalan rusak parah",
        "lampu jalan mati sudah seminggu",
        "sampah menumpuk di pinggir jalan",
        "sudah lama tidak diperbaiki",  # "lama" is a desa, here just a word
        "rumah baru dibangun tapi jalannya rusak",  # "baru" too
        "di mesjid dekat rumah saya",  # and "mesjid"
        "listrik padam terus",  # one letter from "pakam"
        "pohon beringin tumbang",
        "selamat pagi pak",
        "terima kasih",
        "medan",
        "kota binjai",
        "kab deli serdang",
    ],
)
def test_text_without_a_place_finds_nothing(regions: Regions, text: str) -> None:
    assert regions.search(text) == []
    assert regions.resolve(text).certain is None


def test_street_name_is_a_candidate_but_never_certain(regions: Regions) -> None:
    resolution = regions.resolve("jl. sei rotan")
    assert resolution.certain is None
    assert resolution.candidates[0].desa is not None
    assert resolution.candidates[0].desa.code == SEI_ROTAN


def test_two_places_in_one_text_are_not_certain(regions: Regions) -> None:
    resolution = regions.resolve("perbatasan desa sei rotan dan desa bandar setia")
    assert resolution.certain is None
    assert {m.desa.code for m in resolution.candidates[:2] if m.desa} == {SEI_ROTAN, BANDAR_SETIA}


def test_results_are_sorted_and_labelled(regions: Regions) -> None:
    matches = regions.search("Sei Rotan, Percut Sei Tuan")
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert matches[0].label == "Desa Sei Rotan, Kec. Percut Sei Tuan"
    assert matches[0].score == 100
    kelurahan = regions.search("kel. lubuk pakam pekan")[0]
    assert kelurahan.label == "Kelurahan Lubuk Pakam Pekan, Kec. Lubuk Pakam"


# --- decide -----------------------------------------------------------------------------------

_KEC_A = Kecamatan("12.07.01", "A")
_KEC_B = Kecamatan("12.07.02", "B")
_DESA_A1 = Desa("12.07.01.2001", "A1", "desa", "12.07.01", "A")
_DESA_A2 = Desa("12.07.01.2002", "A2", "desa", "12.07.01", "A")
_DESA_B1 = Desa("12.07.02.2001", "B1", "desa", "12.07.02", "B")


def test_decide_rule() -> None:
    assert decide([]) is None
    top = Match(_DESA_A1, _KEC_A, 95)
    assert decide([top]) == top
    assert decide([Match(_DESA_A1, _KEC_A, CERTAIN_SCORE - 1)]) is None  # too weak
    # a different desa close behind: ask
    assert decide([top, Match(_DESA_A2, _KEC_A, 90)]) is None
    assert decide([top, Match(_DESA_B1, _KEC_B, 90)]) is None
    # far enough behind: certain
    assert decide([top, Match(_DESA_B1, _KEC_B, 86)]) == top
    # its own kecamatan alone does not compete with it
    assert decide([top, Match(None, _KEC_A, 95)]) == top
    # a kecamatan-only match is not contradicted by a desa inside it ...
    kec = Match(None, _KEC_A, 100)
    assert decide([kec, Match(_DESA_A1, _KEC_A, 100), Match(_DESA_A2, _KEC_A, 99)]) == kec
    # ... but is by a desa elsewhere
    assert decide([kec, Match(_DESA_B1, _KEC_B, 100)]) is None
