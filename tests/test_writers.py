"""File writers (geo.writers): every format is read back by GDAL's own tools and by the library."""
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

from geo.crs import ANALYSIS_CRS
from geo.errors import CRSError, ExportError, PlannerError
from geo.writers import (
    FORMATS,
    export_csv,
    export_geojson,
    export_geopackage,
    export_geotiff,
    export_shapefiles,
    format_for_path,
    resolve_export_crs,
    sanitize_name,
    shorten_field_names,
    write_formats,
)

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


@pytest.mark.parametrize("writer", ["gpkg", "shp"])
def test_failure_mid_write_leaves_nothing(tmp_path: Path, writer: str) -> None:
    layers = _FailingLayers({"a": _points(), "b": _polygons(), "c": _lines()}, fail_at="b")
    with pytest.raises(RuntimeError, match="simulated crash"):
        if writer == "gpkg":
            export_geopackage(layers, tmp_path / "x.gpkg")
        else:
            export_shapefiles(layers, tmp_path / "x.zip")
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
    assert band["block"] == [512, 512] and band["overviews"]  # a Cloud-Optimised GeoTIFF, like every raster written
    assert info["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"] == "DEFLATE"
    assert info["metadata"]["IMAGE_STRUCTURE"]["LAYOUT"] == "COG"
    assert CRS.from_wkt(info["coordinateSystem"]["wkt"]).equals(ANALYSIS_CRS)
    assert info["geoTransform"] == [-400000.0, 1000.0, 0.0, 280000.0, 0.0, -1000.0]
    with rasterio.open(out) as src:
        got = src.read(1)
        assert src.nodata == -9999
    expect = arr.astype(np.float32)
    expect[5, 7] = -9999
    np.testing.assert_array_equal(got, expect)
    assert np.isnan(arr[5, 7])  # the caller's array is untouched


def test_geotiff_bad_input(tmp_path: Path) -> None:
    with pytest.raises(PlannerError, match=r"`array` must be a non-empty 2-D numeric grid.*shape \(3,\)"):
        export_geotiff(np.zeros(3), Affine.identity(), ANALYSIS_CRS, tmp_path / "x.tif")
    with pytest.raises(PlannerError, match="`nodata` must be a finite number"):
        export_geotiff(np.zeros((2, 2)), Affine.identity(), ANALYSIS_CRS, tmp_path / "x.tif", nodata=float("nan"))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ExportError, match="`block_size` must be a positive multiple of 16, got 100"):
        export_geotiff(np.zeros((2, 2)), Affine.identity(), ANALYSIS_CRS, tmp_path / "x.tif", block_size=100)
    with pytest.raises(ExportError, match=r"`descriptions` has 1 name\(s\) for 2 band\(s\)"):
        export_geotiff(np.zeros((2, 3, 3)), Affine.identity(), ANALYSIS_CRS, tmp_path / "x.tif", descriptions=["a"])
    with pytest.raises(ExportError, match="`overview_resampling` must be one of"):
        export_geotiff(np.zeros((2, 2)), Affine.identity(), ANALYSIS_CRS, tmp_path / "x.tif", overview_resampling="blur")
    with pytest.raises(ExportError, match="got shape \\(2, 2\\) dtype bool"):
        export_geotiff(np.zeros((2, 2), bool), Affine.identity(), ANALYSIS_CRS, tmp_path / "x.tif")
    assert list(tmp_path.iterdir()) == []


def _coded_grid() -> tuple[np.ndarray, Affine]:
    """A 300 x 400 grid over Guangdong (1 km, analysis CRS): scores 0..1, a restricted block (-1), a no-data band."""
    a = np.tile(np.linspace(0, 1, 400, dtype=np.float32), (300, 1))
    a[100:140, 200:260] = -1.0
    a[:, :30] = np.nan
    return a, Affine(1000, 0, -200_000, 0, -1000, 2_800_000)


@pytest.mark.parametrize("crs", ["EPSG:4547", "EPSG:4326"])
def test_geotiff_warp_keeps_codes_and_nodata_apart(tmp_path: Path, crs: str) -> None:
    a, t = _coded_grid()
    out = export_geotiff(np.stack([a, a * 2]), t, ANALYSIS_CRS, tmp_path / "coded.TIFF", to_crs=crs,
                         tags={"CODE_RESTRICTED": "-1"}, descriptions=["surface", "double"], block_size=256)
    assert out.name == "coded.tiff"
    info = json.loads(_run("gdalinfo", "-json", str(out)))
    assert CRS.from_wkt(info["coordinateSystem"]["wkt"]).to_epsg() == int(crs.split(":")[1])
    assert info["metadata"]["IMAGE_STRUCTURE"]["LAYOUT"] == "COG" and info["metadata"][""]["CODE_RESTRICTED"] == "-1"
    assert [b["description"] for b in info["bands"]] == ["surface", "double"]
    assert all(b["noDataValue"] == -9999 and b["overviews"] for b in info["bands"])
    with rasterio.open(out) as src:
        got = src.read(1)
        centre = gpd.GeoSeries([Point(-200_000 + 230_000, 2_800_000 - 120_000)], crs=ANALYSIS_CRS).to_crs(crs).iloc[0]
        col, row = ~src.transform @ (centre.x, centre.y)
        assert got[int(row), int(col)] == np.float32(-1)  # the middle of the restricted block
        cell_km2 = abs(src.transform.a * src.transform.e) / (1e6 if crs == "EPSG:4547" else 1)
    # nearest neighbour: only values of the input, the codes never blend into scores or into each other
    inside = got[(got != -9999) & (got != -1)]
    assert inside.min() >= 0 and inside.max() <= 1 and (got == -9999).any()
    if crs == "EPSG:4547":  # the 2,400 km2 restricted block comes through whole, in cells of close to 1 km
        assert 0.9 < cell_km2 < 1.1 and abs(int((got == -1).sum()) * cell_km2 - 2400) < 100
    assert np.isnan(a[0, 0]) and a[120, 230] == -1  # the caller's grid is untouched


def test_geotiff_writes_by_windows_and_leaves_nothing_on_error(tmp_path: Path) -> None:
    seen: list[slice] = []

    class Rows:
        """A grid that is only ever read a window of rows at a time (as a memory map or a dask array is)."""

        shape = (600, 50)

        def __getitem__(self, key: slice) -> np.ndarray:
            seen.append(key)
            if key.start >= 512 and fail:
                raise RuntimeError("source failed mid-way")
            return np.full((key.stop - key.start, 50), key.start, np.float32)

    fail = False
    out = export_geotiff(Rows(), Affine(1000, 0, 0, 0, -1000, 2_800_000), ANALYSIS_CRS, tmp_path / "r.tif",
                         to_crs="EPSG:4547")
    assert [(k.start, k.stop) for k in seen] == [(0, 512), (512, 600)]
    with rasterio.open(out) as src:
        assert src.crs.to_epsg() == 4547 and set(np.unique(src.read(1))) <= {0, 512, -9999}
    before = out.read_bytes()
    fail = True
    with pytest.raises(RuntimeError, match="mid-way"):
        export_geotiff(Rows(), Affine(1000, 0, 0, 0, -1000, 2_800_000), ANALYSIS_CRS, out, to_crs="EPSG:4547")
    assert out.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["r.tif"]


# --------------------------------------------------------------------------- the format table
def _gdal_driver(path: str, *, raster: bool) -> str:
    """The driver GDAL's own command-line tool opens ``path`` with."""
    if raster:
        return re.search(r"^Driver: ([^/\s]+)/", _run("gdalinfo", path), re.M).group(1)
    return re.search(r"using driver `([^']+)' successful", _run("ogrinfo", "-so", "-al", path)).group(1)


@pytest.mark.parametrize("fid", list(FORMATS))
def test_every_format_round_trips_through_gdal(tmp_path: Path, fid: str) -> None:
    fmt = FORMATS[fid]
    if fmt.kind == "raster":
        out = fmt.write(np.array([[0.5, 1.0], [np.nan, 0.25]]), Affine(1000, 0, 0, 0, -1000, 2000), ANALYSIS_CRS,
                        tmp_path / "grid", to_crs="EPSG:4547")
    elif fid == "gpkg":
        out = fmt.write({"places": _points()}, tmp_path / "places", crs="EPSG:4547")
    else:
        out = fmt.write(_points(), tmp_path / "places", crs="EPSG:4547")
    assert out.suffix == fmt.suffix and format_for_path(out).id == fid
    where = f"/vsizip/{out}/places.shp" if fid == "shp" else str(out)
    assert _gdal_driver(where, raster=fmt.kind == "raster") == fmt.driver
    if fmt.kind == "raster":
        with rasterio.open(out) as src:
            assert src.crs.to_epsg() == 4547 and sorted(set(src.read(1).ravel().tolist())) == [-9999.0, 0.25, 0.5, 1.0]
        return
    back = pyogrio.read_dataframe(where)  # the CSV comes back as a plain table with x/y columns
    names = back["name_zh"].tolist()
    assert names == _points()["name_zh"].tolist()
    if fid == "csv":
        assert {"x", "y"} <= set(back.columns) and float(back["x"].iloc[0]) > 600_000
    else:
        assert back.crs.to_epsg() == 4547 and len(back) == 3


def test_format_for_path_maps_extensions_like_geopandas() -> None:
    assert [format_for_path(p).id for p in ("a.gpkg", "b.SHP", "c.json", "d.geojson", "e.csv", "f.tiff")] == [
        "gpkg", "shp", "geojson", "geojson", "csv", "tif"]
    with pytest.raises(ExportError, match=r"`path` 'report.pdf' has no export format extension; use one of \.gpkg"):
        format_for_path("report.pdf")


def test_write_formats_writes_what_the_single_format_exports_write(tmp_path: Path) -> None:
    layers = {"places": _points(), "scores": _polygons()}
    files = write_formats(layers, tmp_path / "all", tables={"t": pd.DataFrame({"a": ["=1"]})}, crs="EPSG:4490")
    rel = [p.relative_to(tmp_path / "all").as_posix() for p in files]
    assert rel == ["layers.gpkg", "shapefile/places.zip", "geojson/places.geojson", "csv/places.csv",
                   "shapefile/scores.zip", "geojson/scores.geojson", "csv/t.csv"]
    ref = tmp_path / "ref"
    assert (tmp_path / "all/geojson/scores.geojson").read_bytes() == \
        export_geojson(layers["scores"], ref / "scores.geojson", crs="EPSG:4490").read_bytes()
    assert (tmp_path / "all/csv/places.csv").read_bytes() == \
        export_csv(layers["places"], ref / "places.csv", crs="EPSG:4490").read_bytes()
    assert (tmp_path / "all/csv/t.csv").read_text(encoding="utf-8-sig").splitlines() == ["a", "'=1"]
    with pytest.raises(ExportError, match=r"`rasters\['s'\]` must be \(array, transform, crs\), got ndarray"):
        write_formats(layers, tmp_path / "x", rasters={"s": np.zeros((2, 2))})
