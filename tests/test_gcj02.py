"""GCJ-02 <-> WGS84: known shift in Guangdong, round trip, vectorised geometry conversion."""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon

from geo.gcj02 import convert_geometries_gcj02_to_wgs84, gcj02_to_wgs84, wgs84_to_gcj02

_GEOD = Geod(ellps="WGS84")


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(_GEOD.inv(lon1, lat1, lon2, lat2)[2])


def test_shift_in_guangdong_is_several_hundred_metres() -> None:
    rng = np.random.default_rng(1)
    lon = rng.uniform(109.7, 117.2, 500)
    lat = rng.uniform(20.3, 25.5, 500)
    glon, glat = wgs84_to_gcj02(lon, lat)
    d = _metres(lon, lat, glon, glat)
    # Published behaviour of GCJ-02 in South China: offsets of roughly 300-700 m
    assert d.min() > 200
    assert d.max() < 900
    # Guangzhou: GCJ-02 lies about 0.0053 deg east and 0.0027 deg south of WGS84
    glon1, glat1 = wgs84_to_gcj02(113.26, 23.13)
    assert abs(glon1 - 113.26 - 0.00533) < 2e-4
    assert abs(glat1 - 23.13 + 0.00268) < 2e-4


def test_round_trip_within_one_centimetre() -> None:
    rng = np.random.default_rng(2)
    lon = rng.uniform(109.7, 117.2, 2000)
    lat = rng.uniform(20.3, 25.5, 2000)
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert _metres(lon, lat, back[0], back[1]).max() < 0.01


def test_geometry_conversion_keeps_types_and_moves_every_vertex() -> None:
    poly = Polygon([(113.0, 23.0), (113.1, 23.0), (113.1, 23.1), (113.0, 23.0)])
    multi = MultiPolygon([poly, shapely.affinity.translate(poly, 0.5, 0)])
    pt = Point(116.6, 23.3)
    out = convert_geometries_gcj02_to_wgs84([poly, multi, pt])
    assert [g.geom_type for g in out] == ["Polygon", "MultiPolygon", "Point"]
    before = shapely.get_coordinates(np.array([poly, multi, pt], dtype=object))
    after = shapely.get_coordinates(out)
    assert before.shape == after.shape
    d = _metres(before[:, 0], before[:, 1], after[:, 0], after[:, 1])
    assert (d > 200).all() and (d < 900).all()
    # converting back forward restores the input to within 1 cm
    fwd = np.column_stack(wgs84_to_gcj02(after[:, 0], after[:, 1]))
    assert _metres(before[:, 0], before[:, 1], fwd[:, 0], fwd[:, 1]).max() < 0.01
