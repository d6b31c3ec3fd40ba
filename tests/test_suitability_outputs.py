"""The suitability surface in the report, on the web map and in the export bundle."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest
import rasterio
from affine import Affine
from PIL import Image
from pyproj import CRS
from shapely.geometry import Point, box

from analysis.fit import score_transfer_fit
from analysis.suitability import NODATA, RESTRICTED, compute_site_scores
from cli.main import main
from outputs.report_suitability import build_suitability_section
from outputs.suitability_map import (
    NODATA_COLOUR,
    RESTRICTED_COLOUR,
    add_suitability_overlay,
    suitability_classes,
    suitability_legend,
    suitability_png,
)
from scenario.bundle import ExportBundle, collect_export, write_export
from scenario.settings import StudySettings
from scenario.study import build_study_report
from scenario.suitability import study_suitability, write_suitability_files


@pytest.fixture(scope="module")
def restricted() -> object:
    """A coarse dyeing surface with an exclusion area: restricted cells beside outside ones."""
    red = gpd.GeoDataFrame(geometry=[box(113.0, 23.5, 114.0, 24.5)], crs=4326)
    return compute_site_scores("dyeing", resolution_m=5000, park_buffer_km=None, exclusion=red)


def test_classes_keep_restricted_apart_from_no_data(restricted: object) -> None:
    cls, _t = suitability_classes(restricted)
    assert (cls == 5).any() and (cls == 7).any()  # restricted, outside
    assert ((cls <= 4) | (cls >= 5)).all()
    labels = [label for label, _ in suitability_legend("zh")]
    assert labels[-2:] == ["限制区（规则排除）", "无数据"]
    png, bounds = suitability_png(restricted)
    img = np.asarray(Image.open(io.BytesIO(png)))
    purple = tuple(int(RESTRICTED_COLOUR[i:i + 2], 16) for i in (1, 3, 5))
    assert (img[..., :3] == purple).all(axis=-1).any() and (img[..., 3] == 0).any()  # restricted drawn, outside clear
    (south, west), (north, east) = bounds
    assert 20 < south < 21 and 25 < north < 26 and 109 < west < 110 and 117 < east < 118


def test_web_overlay_has_image_and_legend_in_both_languages() -> None:
    r = study_suitability("dyeing")
    for lang, word in (("zh", "限制区"), ("en", "Restricted")):
        m = folium.Map(tiles=None)
        title = add_suitability_overlay(m, r, lang=lang)
        html = m.get_root().render()
        assert "data:image/png;base64," in html and word in html and title in html
        assert NODATA_COLOUR in html and "<script src=\"http" not in html.split("gd-suit-legend")[1][:2000]


def test_report_of_the_default_site_has_the_suitability_section() -> None:
    fit = score_transfer_fit("dyeing", "440118")
    rep = build_study_report(StudySettings(stage="dyeing", origin="440118", lang="en"), fit)
    assert 'id="suitability"' in rep.html and "Site suitability (what the site component rests on)" in rep.html
    assert "pvlib 0.16.1" in rep.html and "Figure 3. Site suitability surface" in rep.html
    assert rep.images["suitability"][:4] == b"\x89PNG"
    zh = build_study_report(StudySettings(stage="dyeing", origin="440118"), fit, maps=False)
    assert "用地适宜性（场地条件分项的依据）" in zh.html and "所用栅格或数据" in zh.html
    assert "suitability" not in zh.images  # text only: the table, no map


def test_report_with_a_planner_dem_names_it_and_a_site_csv_has_no_section(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    dem = tmp_path / "my_dem.tif"
    with rasterio.open(dem, "w", driver="GTiff", width=90, height=65, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(0.1, 0, 109, 0, -0.1, 26), nodata=-9999) as dst:
        dst.write(np.tile(np.arange(90, dtype=np.float32) * 50, (65, 1)), 1)
    out = tmp_path / "r.html"
    assert main(["report", "--stage", "dyeing", "--origin", "440118", "--dem", str(dem), "--lang", "en",
                 "--no-maps", "--html", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "slope from the planner&#39;s DEM my_dem.tif" in html and 'id="suitability"' in html
    assert f"--dem {dem}" in html  # the reproduce command names the raster options
    site = tmp_path / "site.csv"
    site.write_text("adcode,site\n445281,0.9\n", encoding="utf-8")
    assert main(["report", "--stage", "dyeing", "--origin", "440118", "--site", str(site), "--lang", "en",
                 "--no-maps", "--html", str(out)]) == 0
    assert 'id="suitability"' not in out.read_text(encoding="utf-8")
    capsys.readouterr()


def test_section_lists_every_criterion_with_its_source() -> None:
    r = study_suitability("apparel")
    s = build_suitability_section(r, lang="zh", maps=False, site_weight=0.1)
    assert [row["key"] for row in s.rows] == r.table["criterion"].tolist()
    assert all(row["source"] for row in s.rows) and "权重0.1" in s.intro
    assert any("5'" in n for n in s.notes)  # how coarse the embedded DEM is
    with pytest.raises(Exception, match="must be a SuitabilityResult"):
        build_suitability_section(object(), lang="en")


# ----------------------------------------------------------------------------- export (part 5)
def test_export_bundle_holds_the_suitability_cogs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "all.zip"
    base = ["export", "--layers", "zones", "--stage", "dyeing", "--origin", "440118", "--suitability"]
    assert main([*base, "--format", "all", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"raster/suitability_dyeing.tif", "raster/criteria_dyeing.tif", "csv/suitability_dyeing_county.csv"} <= names
        readme = zf.read("README.txt").decode("utf-8")
        zf.extract("raster/suitability_dyeing.tif", tmp_path)
    assert "-1 = restricted" in readme and "pvlib 0.16.1" in readme
    cog = tmp_path / "raster" / "suitability_dyeing.tif"
    if shutil.which("gdalinfo"):
        info = json.loads(subprocess.run(["gdalinfo", "-json", str(cog)], capture_output=True, text=True,
                                         check=True).stdout)
        assert info["metadata"]["IMAGE_STRUCTURE"]["LAYOUT"] == "COG"
    with rasterio.open(cog) as src:
        assert src.nodata == -9999 and src.tags()["STAGE"] == "dyeing" and src.overviews(1)
    folder = tmp_path / "tifs"
    assert main([*base, "--format", "tif", "--out", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["criteria_dyeing.tif", "fit_dyeing_440118.tif",
                                                       "suitability_dyeing.tif"]
    assert main(["export", "--layers", "zones", "--suitability", "--out", str(tmp_path / "x.zip")]) == 2
    assert "`--suitability` needs --stage" in capsys.readouterr().err


def _value_at(src: rasterio.DatasetReader, lon: float, lat: float) -> float:
    """The cell value under a WGS84 point in a raster of any CRS."""
    x, y = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(src.crs).iloc[0].coords[0]
    col, row = ~src.transform @ (x, y)
    return float(src.read(1)[int(row), int(col)])


@pytest.mark.skipif(shutil.which("gdalinfo") is None, reason="gdalinfo (GDAL command line) not installed")
@pytest.mark.parametrize("crs", ["EPSG:4547", "EPSG:4490"])
def test_suitability_cogs_are_warped_to_the_export_crs(restricted: object, tmp_path: Path, crs: str) -> None:
    files = write_suitability_files(restricted, tmp_path, crs=crs)
    assert [p.name for p in files] == ["suitability_dyeing.tif", "criteria_dyeing.tif"]
    for p in files:
        info = json.loads(subprocess.run(["gdalinfo", "-json", str(p)], capture_output=True, text=True,
                                         check=True).stdout)
        assert CRS.from_wkt(info["coordinateSystem"]["wkt"]).to_epsg() == int(crs.split(":")[1])
        assert info["metadata"]["IMAGE_STRUCTURE"]["LAYOUT"] == "COG" and info["bands"][0]["noDataValue"] == NODATA
    with rasterio.open(files[0]) as src:
        a = src.read(1)
        assert _value_at(src, 113.5, 24.0) == RESTRICTED  # inside the exclusion box
        assert _value_at(src, 113.0, 21.0) == NODATA  # the South China Sea, outside the province
        assert 0 <= _value_at(src, 116.3, 23.3) <= 1  # Puning, a score
        km2 = abs(src.transform.a * src.transform.e) / 1e6
        assert src.tags()["STAGE"] == "dyeing" and "restricted" in src.tags()["CODE_RESTRICTED"]
    # nearest neighbour: only 0..1 scores and the two codes, never a blend of them
    scores = a[(a != np.float32(RESTRICTED)) & (a != np.float32(NODATA))]
    assert scores.size and scores.min() >= 0 and scores.max() <= 1 and (a == np.float32(NODATA)).any()
    if crs == "EPSG:4547":  # metres: the restricted land keeps its area within 3%
        before = int((restricted.coded() == np.float32(RESTRICTED)).sum()) * 25.0
        assert int((a == np.float32(RESTRICTED)).sum()) * km2 == pytest.approx(before, rel=0.03)


def test_export_warps_suitability_to_crs(restricted: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_export(ExportBundle(suitability=[restricted]), "tif", tmp_path / "tifs", crs="EPSG:4547")
    for p in folder:
        with rasterio.open(p) as src:
            assert src.crs.to_epsg() == 4547
    zipped = write_export(collect_export(layer_ids=["zones"], suitability=restricted), "all", tmp_path / "a.zip",
                          crs="EPSG:4547")[0]
    with zipfile.ZipFile(zipped) as zf:
        readme = zf.read("README.txt").decode("utf-8")
        zf.extract("raster/suitability_dyeing.tif", tmp_path)
    assert "raster/suitability_dyeing.tif: Cloud-Optimised GeoTIFF, EPSG:4547, warped" in readme
    with rasterio.open(tmp_path / "raster" / "suitability_dyeing.tif") as src:
        assert src.crs.to_epsg() == 4547 and _value_at(src, 113.5, 24.0) == RESTRICTED
    out = tmp_path / "cli"
    assert main(["export", "--stage", "dyeing", "--origin", "440118", "--suitability", "--format", "tif",
                 "--crs", "EPSG:4547", "--out", str(out)]) == 0
    capsys.readouterr()
    for name in ("suitability_dyeing.tif", "criteria_dyeing.tif", "fit_dyeing_440118.tif"):
        with rasterio.open(out / name) as src:
            assert src.crs.to_epsg() == 4547, name
