"""Layout layers: regions, the one cluster, two poles, three zones; registry; display map."""
from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo.crs import ANALYSIS_CRS
from geo.errors import UnknownNameError
from geo.geometry import simplify_for_display
from layers.boundaries import load_boundaries
from layers.layout import load_cluster, load_poles, load_regions, load_zones
from layers.registry import LAYERS, get_layer_spec, list_layers

REQUIRED = ["id", "name_zh", "name_en", "clause", "source"]


@pytest.mark.parametrize("loader", [load_regions, load_cluster, load_poles, load_zones])
def test_layout_features_carry_provenance(loader) -> None:
    g = loader()
    assert g.crs.to_epsg() == 4326
    for col in REQUIRED:
        assert col in g and g[col].notna().all() and (g[col].astype(str).str.len() > 0).all(), col
    assert g["id"].is_unique
    assert g["clause"].str.fullmatch(r"§\d+").all()
    assert shapely.is_valid(g.geometry.values).all()


def test_regions_partition_the_province() -> None:
    r = load_regions().to_crs(ANALYSIS_CRS)
    prov = load_boundaries("province").to_crs(ANALYSIS_CRS).geometry.iloc[0]
    assert list(r["region"]) == ["PRD", "East", "West", "North"]
    assert abs(r.area.sum() - prov.area) / prov.area < 1e-3
    assert r.set_index("region").loc["East", "member_adcodes"].split(";") == ["440500", "441500", "445100", "445200"]


@pytest.mark.parametrize("level", ["city", "county"])
def test_boundaries_are_a_coverage_so_the_coverage_union_is_the_union(level: str) -> None:
    g = load_boundaries(level)
    assert shapely.coverage_is_valid(g.geometry.values)
    regions = load_regions().set_index("region")
    cities = load_boundaries("city")
    for region, geom in regions.geometry.items():
        full = shapely.union_all(cities.loc[cities["region"] == region].geometry.values)
        assert shapely.symmetric_difference(geom, full).area < 1e-9 * full.area
        assert shapely.get_num_geometries(geom) == shapely.get_num_geometries(full)


def test_poles_are_guangzhou_and_shenzhen() -> None:
    p = load_poles().set_index("id")
    assert p.loc["pole_guangzhou", "adcode"] == "440100"
    assert p.loc["pole_shenzhen", "adcode"] == "440300"
    assert (p["clause"] == "§3").all()
    cities = load_boundaries("city").set_index("adcode")
    assert p.geometry.loc["pole_shenzhen"].equals(cities.geometry.loc["440300"])


def test_zones_membership_and_dissolve() -> None:
    z = load_zones().set_index("id")
    expect = {
        "zone_stc_jy": {"440500", "445100", "445200"},
        "zone_sz_dg_hz": {"440300", "441900", "441300"},
        "zone_gz_fs_zs": {"440100", "440600", "442000"},
    }
    for zid, members in expect.items():
        assert set(z.loc[zid, "member_adcodes"].split(";")) == members
    cities = load_boundaries("city").set_index("adcode").to_crs(ANALYSIS_CRS)
    zp = z.to_crs(ANALYSIS_CRS)
    for zid, members in expect.items():
        want = cities.loc[sorted(members)].area.sum()
        assert abs(zp.geometry.loc[zid].area - want) / want < 1e-6
        # a dissolved zone is one geometry, with no member city left outside it
        for code in members:
            assert zp.geometry.loc[zid].buffer(1).contains(cities.geometry.loc[code])
    assert "汕头市" in z.loc["zone_stc_jy", "member_cities_zh"]


def test_cluster_is_the_province() -> None:
    c = load_cluster()
    prov = load_boundaries("province")
    assert c.geometry.iloc[0].equals(prov.geometry.iloc[0])
    assert c["clause"].iloc[0] == "§2"


def test_registry_titles_and_unknown_layer() -> None:
    ids = list_layers()
    assert len(ids) == len(set(ids))
    for want in ("regions", "cluster", "poles", "zones", "parks", "dyeing_parks", "clusters",
                 "city_titles", "heritage", "fairs", "procurement_base", "cities", "counties"):
        assert want in ids
    for spec in LAYERS:
        assert spec.title_zh and spec.title_en and spec.geom in ("polygon", "point")
    with pytest.raises(UnknownNameError, match="unknown layer 'zone'.*zones"):
        get_layer_spec("zone")


def test_map_popups_hold_provenance_and_escape_text() -> None:
    from outputs.webmap import Overlay, build_map

    import json

    html = build_map(["zones", "poles"], lang="en").get_root().render()
    # GeoJSON in the page is ASCII-escaped JSON: "§3" appears as "\u00a73"
    assert json.dumps("§3")[1:-1] in html and "Member cities" in html
    assert "/app/static/leaflet/leaflet.js" in html and "cdn.jsdelivr" not in html
    evil = gpd.GeoDataFrame({"name": ["<script>alert(1)</script>"]},
                            geometry=[shapely.box(113, 23, 113.1, 23.1)], crs=4326)
    html2 = build_map([], overlays=[Overlay("up", "upload", evil, fields={"name": "Name"})]).get_root().render()
    assert "<script>alert(1)</script>" not in html2
    # HTML-escaped before folium's JSON encoding (which writes "&" as \u0026)
    assert "\\u0026lt;script\\u0026gt;" in html2
    with pytest.raises(UnknownNameError, match="basemap"):
        build_map([], basemap="bing")  # none, osm and gaode only


def test_display_simplification_keeps_every_unit_and_its_crs() -> None:
    big = shapely.Point(113.3, 23.1).buffer(0.3, 512)  # about 30 km across, 2,000 vertices
    tiny = shapely.Point(114.0, 22.5).buffer(0.0005)  # about 100 m across: under the tolerance
    multi = shapely.MultiPolygon([shapely.Point(115, 23).buffer(0.2, 256), shapely.Point(115.5, 23).buffer(0.0004)])
    g = gpd.GeoDataFrame({"id": ["big", "tiny", "multi", "empty"]},
                         geometry=[big, tiny, multi, shapely.Polygon()], crs=4326)
    before = g.copy()
    for topo in (True, False):
        out = simplify_for_display(g, tolerance_m=150, crs=ANALYSIS_CRS, preserve_topology=topo)
        assert out.crs == gpd.GeoSeries(crs=ANALYSIS_CRS).crs
        n = shapely.get_num_coordinates(out.geometry.values)
        assert n[0] < shapely.get_num_coordinates(big) / 5  # the big ring is thinned
        assert not out.geometry.iloc[1].is_empty  # the tiny unit is still drawn
        assert out.geometry.iloc[3].is_empty
        area = g.to_crs(ANALYSIS_CRS).area
        assert abs(out.area.iloc[0] - area.iloc[0]) / area.iloc[0] < 0.01
    assert g.equals(before)  # the input is not modified
    assert simplify_for_display(g).crs.to_epsg() == 4326
