"""The web map's data (outputs.webmap): popups in the chosen language, legend rows and symbols,
the Gaode shift, search, escaping. The browser side is in tests/test_browser.py."""
from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.gcj02 import wgs84_to_gcj02
from layers.registry import LAYERS, get_layer_spec
from outputs.webmap import (
    BASEMAPS,
    POINT_SYMBOLS,
    Overlay,
    basemap_label,
    build_map,
    popup_fields,
    search_index,
    shift_to_basemap,
)

POINT_LAYERS = [s.id for s in LAYERS if s.geom == "point"]


def _data(m) -> dict:
    """The data object handed to webmap.js (the argument of GD_MAP in the rendered page)."""
    page = m.get_root().render()
    call = list(re.finditer(r"^\s*GD_MAP\(\w+, ", page, flags=re.MULTILINE))
    assert len(call) == 1, "one map script per map"
    data, _end = json.JSONDecoder().raw_decode(page[call[0].end():])
    return data


def _layer(data: dict, layer_id: str) -> dict:
    return next(entry for entry in data["layers"] if entry["meta"]["id"] == layer_id)


def test_every_point_layer_has_its_own_symbol_and_every_layer_a_legend_row() -> None:
    data = _data(build_map(lang="en"))
    assert [e["meta"]["id"] for e in data["layers"]] == [s.id for s in LAYERS]
    looks = {(e["meta"]["symbol"], e["meta"]["style"]["fill"], e["meta"]["style"]["color"])
             for e in data["layers"] if e["meta"]["kind"] == "point"}
    assert len(looks) == len(POINT_LAYERS)  # symbol, fill and outline tell every point layer apart
    assert len({POINT_SYMBOLS[i] for i in POINT_LAYERS}) >= 8  # mostly by shape alone
    for e in data["layers"]:
        assert e["meta"]["swatch"].startswith("<svg") and e["meta"]["title"]
    regions = _layer(data, "regions")["meta"]["legend"]
    assert [r[1] for r in regions] == ["Pearl River Delta", "East Guangdong", "West Guangdong", "North Guangdong"]


def test_popups_put_clause_source_and_precision_first_in_the_chosen_language() -> None:
    spec = get_layer_spec("dyeing_parks")
    zh = popup_fields(spec, spec.loader(), lang="zh")
    assert list(zh.columns)[2:6] == ["clause", "location_precision", "note", "source"]
    assert set(zh["region"]) == {"粤东"} and set(zh["location_precision"]) == {"县级政府驻地（代替）"}
    assert set(zh["stages"]) == {"印染（含洗水）"}
    en = popup_fields(spec, spec.loader(), lang="en")
    assert set(en["region"]) == {"East Guangdong"} and set(en["location_precision"]) == {"county seat (stand-in)"}
    data = _data(build_map(["dyeing_parks"], lang="zh"))
    labels = [f[1] for f in _layer(data, "dyeing_parks")["meta"]["fields"]]
    assert labels[:3] == ["名称", "英文名", "政策条款"]
    assert not any(re.search(r"[A-Za-z]{4,}", lab) for lab in labels)  # Chinese labels in Chinese mode


def test_gaode_shifts_every_layer_and_overlay_and_osm_shifts_nothing() -> None:
    spec = get_layer_spec("clusters")
    src = spec.loader()
    lon, lat = src.geometry.x.to_numpy(), src.geometry.y.to_numpy()
    box = gpd.GeoDataFrame({"name": ["box"]}, geometry=[shapely.box(113.2, 23.0, 113.4, 23.2)], crs=4326)
    ov = Overlay("box", "box", box, fields={"name": "Name"})
    for basemap in BASEMAPS:
        data = _data(build_map(["clusters"], basemap=basemap, overlays=[ov]))
        xy = np.array([f["geometry"]["coordinates"] for f in _layer(data, "clusters")["data"]["features"]])
        ring = np.array(_layer(data, "box")["data"]["features"][0]["geometry"]["coordinates"][0])
        if basemap == "gaode":
            want = np.column_stack(wgs84_to_gcj02(lon, lat))
            box_want = np.column_stack(wgs84_to_gcj02(113.2, 23.0))[0]
        else:
            want, box_want = np.column_stack([lon, lat]), np.array([113.2, 23.0])
        np.testing.assert_allclose(xy, want, atol=2e-6)
        assert np.abs(ring - box_want).sum(axis=1).min() < 1e-5
        # the province view and city labels move with the layers
        assert data["bounds"][0][1] == pytest.approx(109.65 if basemap != "gaode" else 109.655, abs=0.004)
    # a known point: Guangzhou's government (113.26 E, 23.13 N) lands ~540 m east and ~300 m south on Gaode
    p = shift_to_basemap(gpd.GeoDataFrame(geometry=[shapely.Point(113.26, 23.13)], crs=4326), "gaode").geometry[0]
    assert (p.x - 113.26, p.y - 23.13) == pytest.approx((0.00531, -0.00268), abs=5e-5)


def test_basemaps_have_tiles_and_attribution_without_a_flag() -> None:
    assert basemap_label("gaode", "zh").startswith("高德")
    page = build_map(["zones"], basemap="gaode").get_root().render()
    assert "autonavi.com" in page and json.dumps("高德")[1:-1] in page and "setPrefix" in page
    page = build_map(["zones"], basemap="osm").get_root().render()
    assert "tile.openstreetmap.org" in page and "OpenStreetMap" in page
    page = build_map(["zones"], basemap="none").get_root().render()
    assert "tile.openstreetmap.org" not in page and "autonavi" not in page


def test_one_collapsed_layer_control_or_none() -> None:
    assert _data(build_map(["zones"]))["control"] is True
    assert _data(build_map(["zones"], layer_control=False))["control"] is False
    assert "collapsed: true" in build_map(["zones"]).get_root().render()
    # folium's own control (always expanded by the old map) is gone: one control, from webmap.js
    assert not [c for c in build_map(["zones"])._children.values() if type(c).__name__ == "LayerControl"]


def test_city_labels_and_province_view() -> None:
    data = _data(build_map([], lang="zh"))
    assert len(data["labels"]) == 21 and "广州市" in [lab[2] for lab in data["labels"]]
    (s, w), (n, e) = data["bounds"]
    assert (s, w, n, e) == pytest.approx((20.21, 109.65, 25.52, 117.31), abs=0.01)
    assert _data(build_map([], labels=False))["labels"] == []


@pytest.mark.parametrize(("query", "expect"), [
    ("新塘", "新塘牛仔"), ("xintang", "新塘牛仔"), ("Humen", "虎门女装"), ("440118", "增城区 (440118)"),
    ("zengcheng", "增城区"), ("shantou", "汕头市"), ("潮南", "潮南区"),
    ("guangxiu", "广绣"), ("Guang Xiu", "广绣"), ("zengchengqu", "增城区"),  # pinyin of names translated in English
])
def test_search_finds_by_chinese_pinyin_adcode_and_town(query: str, expect: str) -> None:
    q = re.sub(r"\s", "", query.lower())
    labels = [lab for lab, text, _box in search_index("zh") if q in text]
    assert any(lab.startswith(expect) for lab in labels), labels


def test_search_boxes_are_in_the_basemap_datum() -> None:
    plain = {lab: box for lab, _t, box in search_index("zh", "none")}
    shifted = {lab: box for lab, _t, box in search_index("zh", "gaode")}
    lab = next(k for k in plain if k.startswith("虎门女装"))
    lon, lat = wgs84_to_gcj02(plain[lab][1], plain[lab][0])
    assert shifted[lab][:2] == pytest.approx((float(lat), float(lon)), abs=1e-5)


def test_flow_lines_carry_their_width_and_popups_escape_markup() -> None:
    lines = gpd.GeoDataFrame({"to": ["<b>x</b>", "y"], "w": [3.0, 9.0]},
                             geometry=[shapely.LineString([(113, 23), (116, 23.5)]),
                                       shapely.LineString([(113, 23), (110, 21.5)])], crs=4326)
    page = build_map([], overlays=[Overlay("flows", "Flows", lines, fields={"to": "To"}, weight_column="w")]
                     ).get_root().render()
    assert "<b>x</b>" not in page
    data = _data(build_map([], overlays=[Overlay("flows", "Flows", lines, fields={"to": "To"}, weight_column="w")]))
    entry = _layer(data, "flows")
    assert entry["meta"]["kind"] == "line"
    assert [f["properties"]["_weight"] for f in entry["data"]["features"]] == [3.0, 9.0]
    assert entry["data"]["features"][0]["properties"]["to"] == "&lt;b&gt;x&lt;/b&gt;"


def test_the_input_is_not_modified() -> None:
    g = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(113.26, 23.13)], crs=4326)
    before = g.copy()
    shift_to_basemap(g, "gaode")
    build_map([], basemap="gaode", overlays=[Overlay("a", "A", g, fields={"name": "Name"})])
    assert g.geometry.equals(before.geometry)


def test_the_gcj_grid_for_images_drawn_by_others_is_only_sent_for_gaode() -> None:
    assert _data(build_map([], basemap="osm"))["gcj"] is None
    g = _data(build_map([], basemap="gaode"))["gcj"]
    i, j = round((23.0 - g["lat0"]) / g["step"]), round((113.25 - g["lon0"]) / g["step"])
    lon, lat = wgs84_to_gcj02(113.25, 23.0)
    assert (g["dlon"][i][j], g["dlat"][i][j]) == pytest.approx((float(lon) - 113.25, float(lat) - 23.0), abs=1e-7)


def test_the_shipped_pinyin_table_covers_every_name_the_search_knows() -> None:
    import pandas as pd

    from geo.data import get_path
    from layers.boundaries import load_boundaries

    table = pd.read_csv(get_path("pinyin"), dtype=str)
    assert table["pinyin"].str.fullmatch(r"[a-z]+").all() and table["name_zh"].is_unique
    names = {n for lv in ("county", "city") for n in load_boundaries(lv)["name_zh"]}
    names |= {n for s in LAYERS if s.geom == "point" for n in s.loader()["name_zh"]}
    missing = sorted(names - set(table["name_zh"]))
    assert not missing, f"rerun scripts/build_pinyin.py: {missing}"
