"""The suitability command, the raster options of fit/report/export and the site they give the fit."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from shapely.geometry import box

from analysis.fit import compute_fit_components, score_transfer_fit
from analysis.inputs import load_fit_inputs
from analysis.site_scores import load_site_scores, read_site_scores
from analysis.suitability import NODATA, RESTRICTED, compute_site_scores
from cli.main import main
from cli.raster_options import ProgressBar
from geo.errors import LayerValidationError, PlannerError
from scenario.suitability import (
    RasterOptions,
    check_resolution,
    criterion_breakdown,
    parse_criterion,
    site_from_rasters,
    study_suitability,
)


@pytest.fixture(scope="module")
def east_ramp_dem(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 0.01 deg WGS84 DEM: flat west of 115.5 E, an 11 degree ramp east of it (nodata set)."""
    path = tmp_path_factory.mktemp("dem") / "dem.tif"
    lon = 109.0 + 0.01 * (np.arange(900) + 0.5)
    ramp = np.clip(lon - 115.5, 0, None) * 100_000 * 0.2
    with rasterio.open(path, "w", driver="GTiff", width=900, height=650, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(0.01, 0, 109, 0, -0.01, 26), nodata=-9999) as dst:
        dst.write(np.broadcast_to(ramp[None, :], (650, 900)).astype("float32"), 1)
    return path


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("error:")]
    assert len(err) == 1, err
    return err[0]


# ----------------------------------------------------------------------------- the default site (part 1)
def test_shipped_site_table_is_current() -> None:
    """data/site/site_scores_county.csv equals a fresh run of the engine (rerun scripts/build_site_scores.py if not)."""
    fresh = compute_site_scores("dyeing", park_buffer_km=None).zonal.set_index("adcode")["site_mean"]
    shipped = load_site_scores("county").table["dyeing"]
    assert np.allclose(shipped.reindex(fresh.index).to_numpy(), fresh.to_numpy(), atol=6e-5)


def test_default_fit_site_is_the_raster_table_per_stage() -> None:
    fit = score_transfer_fit("apparel", "440118")
    t = fit.table.set_index("adcode")
    table = load_site_scores("county").table
    assert np.allclose(t["site"], table.loc[t.index, "apparel"])
    assert fit.params["site_source"].startswith("default (raster suitability")
    assert not any("placeholder" in a for a in fit.assumptions)
    assert any("pvlib 0.16.1" in s and "9 km" in s for s in fit.sources)  # dataset, version and how coarse
    assert any("5' (about 9 km)" in a for a in fit.assumptions)
    # the site differs between stages for the same unit (units x stages)
    inputs = load_fit_inputs()
    assert inputs.site.shape == (124, len(inputs.stages))
    assert inputs.site.loc["445281", "dyeing"] != inputs.site.loc["445281", "design_trade"]


def test_fit_components_take_a_site_per_stage_and_refuse_a_wrong_shape() -> None:
    m = np.array([[1.0, 0.0], [0.0, 1.0]])
    w = np.array([[0.0, 1.0], [0.0, 0.0]])
    d = np.array([[0.0, 2.0], [2.0, 0.0]])
    site = np.array([[0.1, 0.9], [0.3, 0.7]])
    assert compute_fit_components(m, w, d, origin_index=0, site=site)["site"].tolist() == site.tolist()
    assert compute_fit_components(m, w, d, origin_index=0, site=site[:, 0])["site"][:, 1].tolist() == [0.1, 0.3]
    with pytest.raises(PlannerError, match=r"`site` must have shape \(2,\) or \(2, 2\)"):
        compute_fit_components(m, w, d, origin_index=0, site=np.ones((2, 3)))


def test_site_frame_input_and_bad_site_tables() -> None:
    frame = pd.DataFrame({"dyeing": [0.9]}, index=["445281"])
    inputs = load_fit_inputs(site=frame)
    assert inputs.site.loc["445281", "dyeing"] == 0.9 and inputs.site.loc["445281", "apparel"] == 0.5
    assert any("keep the neutral placeholder" in a for a in inputs.assumptions)
    with pytest.raises(PlannerError, match="0..1"):
        load_fit_inputs(site=frame * 2)
    bad = "adcode,stage,site_mean,site_share,sources\n445281,dyeing,1.5,0.5,x\n445281,dyeing,0.5,x,x\n"
    with pytest.raises(LayerValidationError, match=r"(?s)site_mean must be .*site_share must be .*repeated"):
        read_site_scores(__import__("io").StringIO(bad), name="bad.csv")


# ----------------------------------------------------------------------------- the suitability command (part 2)
@pytest.mark.skipif(shutil.which("gdalinfo") is None, reason="gdalinfo (GDAL command line) not installed")
def test_suitability_command_writes_a_cog_gdalinfo_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    red = tmp_path / "red.geojson"
    gpd.GeoDataFrame(geometry=[box(113.2, 24.0, 113.6, 24.4)], crs=4326).to_file(red)
    out, zonal, crit = tmp_path / "d.tif", tmp_path / "d.csv", tmp_path / "c.tif"
    code = main(["suitability", "--stage", "dyeing", "--origin", "440118", "--exclude-areas", str(red),
                 "--out", str(out), "--zonal-out", str(zonal), "--criteria-out", str(crit)])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    assert "100% done" in cap.err and f"wrote {out}" in cap.out  # the progress bar on stderr
    info = json.loads(subprocess.run(["gdalinfo", "-json", str(out)], capture_output=True, text=True, check=True).stdout)
    assert info["metadata"]["IMAGE_STRUCTURE"]["LAYOUT"] == "COG"
    assert info["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"] == "DEFLATE"
    band = info["bands"][0]
    assert band["noDataValue"] == NODATA and band["block"] == [512, 512] and band["overviews"]
    assert "Albers" in info["coordinateSystem"]["wkt"]
    with rasterio.open(out) as src:
        a = src.read(1)
        tags = src.tags()
    assert (a == np.float32(RESTRICTED)).any() and (a == np.float32(NODATA)).any()  # restricted kept apart
    ok = (a >= 0) & (a <= 1)
    assert ok.sum() + (a == np.float32(RESTRICTED)).sum() + (a == np.float32(NODATA)).sum() == a.size
    assert "restricted" in tags["CODE_RESTRICTED"] and tags["STAGE"] == "dyeing" and "red.geojson" in tags["SOURCES"]
    z = pd.read_csv(zonal, dtype={"adcode": str})
    assert len(z) == 124 and {"adcode", "site_mean", "site_share", "cells_restricted"} <= set(z.columns)
    assert z["cells_restricted"].sum() > 0
    with rasterio.open(crit) as src:
        assert "origin_km" in src.descriptions and src.count >= 6


@pytest.mark.parametrize(("args", "match"), [
    (["--out", "d.png"], "`--out` must end in .tif"),
    (["--out", "d.tif", "--resolution", "50"], "finer than 100 m.*--chunks"),
    (["--out", "d.tif", "--resolution", "20000"], "coarser than 5000 m"),
    (["--out", "d.tif", "--criterion", "noise"], "must be NAME=FILE"),
    (["--out", "d.tif", "--dem", "no_such_dem.tif"], "'no_such_dem.tif' does not exist"),
    (["--out", "d.tif", "--scheduler", "tcp://x:1"], "add --chunks"),
])
def test_suitability_bad_arguments_one_line(args: list[str], match: str, capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["suitability", "--stage", "dyeing", *args]) == 2
    line = _one_error_line(capsys)
    assert __import__("re").search(match, line), line
    assert not list(tmp_path.glob("*.tif"))  # nothing half-written


def test_new_criterion_and_chunked_run_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    noise = tmp_path / "noise.tif"
    with rasterio.open(noise, "w", driver="GTiff", width=90, height=65, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(0.1, 0, 109, 0, -0.1, 26), nodata=-9999) as dst:
        dst.write(np.full((65, 90), 60, np.float32), 1)
    spec = f"noise_db={noise},method=small,breakpoints=45;70,weight=0.2"
    z1, z2 = tmp_path / "a.csv", tmp_path / "b.csv"
    base = ["suitability", "--stage", "apparel", "--resolution", "5000", "--criterion", spec]
    assert main([*base, "--out", str(tmp_path / "a.tif"), "--zonal-out", str(z1)]) == 0
    assert main([*base, "--chunks", "64", "--out", str(tmp_path / "b.tif"), "--zonal-out", str(z2)]) == 0
    capsys.readouterr()
    a, b = (pd.read_csv(p, dtype={"adcode": str}).set_index("adcode") for p in (z1, z2))
    assert np.allclose(a["site_mean"], b["site_mean"].reindex(a.index), atol=1e-5, equal_nan=True)
    name, ci = parse_criterion(spec)
    assert name == "noise_db" and ci.weight == 0.2
    r = study_suitability("apparel", options=RasterOptions(resolution_m=5000, criteria=((name, ci),)))
    assert "noise_db" in set(r.table["criterion"]) and "noise.tif" in " ".join(r.sources)


def test_resolution_caps_and_progress_bar() -> None:
    assert check_resolution(100) == 100 and check_resolution(50, chunks=1024) == 50
    with pytest.raises(PlannerError, match="cell size in metres"):
        check_resolution("fine")
    out = __import__("io").StringIO()
    bar = ProgressBar("x", stream=out)
    bar(0.0, "start")
    bar(0.3, "start")  # same step: not repeated off a terminal
    bar(1.0, "done")
    assert out.getvalue().count("\n") == 2 and "100% done" in out.getvalue()


# ----------------------------------------------------------------------------- fit with rasters
def test_fit_with_dem_changes_the_site_and_the_ranking(east_ramp_dem: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    common = ["fit", "--stage", "fibre", "--origin", "440118", "--weights", "site=1"]
    assert main([*common, "--dem", str(east_ramp_dem), "--out", str(a)]) == 0
    assert main([*common, "--out", str(b)]) == 0
    capsys.readouterr()
    ra, rb = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
    sa, sb = ({r["adcode"]: r for r in d["table"]} for d in (ra, rb))
    east = [c for c, r in sa.items() if r["region"] == "East"]
    assert all(sa[c]["site"] < sb[c]["site"] for c in east)  # the ramp's slope lowers every eastern unit
    assert [r["adcode"] for r in ra["table"]] != [r["adcode"] for r in rb["table"]]  # the ranking moves
    assert ra["params"]["site_source"] == "rasters (fibre: 1000 m grid; slope from the planner's DEM dem.tif)"
    assert any("dem.tif" in s for s in ra["sources"])


def test_fit_refuses_site_csv_with_rasters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "s.csv"
    site.write_text("adcode,site\n445281,0.9\n", encoding="utf-8")
    assert main(["fit", "--stage", "dyeing", "--origin", "440118", "--site", str(site), "--resolution", "250"]) == 2
    assert "give the CSV or the rasters, not both" in _one_error_line(capsys)


def test_site_from_rasters_and_criterion_breakdown(east_ramp_dem: Path) -> None:
    inputs, r = site_from_rasters(None, "dyeing", options=RasterOptions(dem=str(east_ramp_dem)))
    default = load_fit_inputs()
    assert inputs.site["apparel"].equals(default.site["apparel"])  # other stages keep the table
    assert (inputs.site.loc["445281", "dyeing"] < default.site.loc["445281", "dyeing"])
    b = criterion_breakdown(r, "445281")
    slope = b.set_index("criterion").loc["slope_deg"]
    assert slope["raw_mean"] == pytest.approx(11.3, abs=0.5) and slope["score_mean"] == 0.0
    assert b["contribution"].sum() == pytest.approx(b.attrs["site_mean"], abs=1e-4)
    assert "dem.tif" in slope["source"]
    with pytest.raises(PlannerError, match="is not a county"):
        criterion_breakdown(r, "999999")


def test_scheduler_option_runs_the_chunked_path_on_a_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    distributed = pytest.importorskip("distributed", reason="--scheduler needs `distributed` (requirements-dev)")
    ref = study_suitability("spinning", options=RasterOptions(resolution_m=5000))
    out, zonal = tmp_path / "s.tif", tmp_path / "s.csv"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cl:
        code = main(["suitability", "--stage", "spinning", "--resolution", "5000", "--chunks", "64",
                     "--scheduler", cl.scheduler_address, "--out", str(out), "--zonal-out", str(zonal)])
    assert code == 0, capsys.readouterr().err
    z = pd.read_csv(zonal, dtype={"adcode": str}).set_index("adcode")
    assert np.allclose(z["site_mean"], ref.zonal.set_index("adcode")["site_mean"].reindex(z.index), atol=1e-5)
    with rasterio.open(out) as src:
        assert np.allclose(src.read(1), ref.coded(), atol=1e-6)


def test_park_buffer_statistics_are_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "parks.csv"
    assert main(["suitability", "--stage", "down", "--resolution", "2000", "--out", str(tmp_path / "s.tif"),
                 "--parks-out", str(out)]) == 0
    t = pd.read_csv(out, dtype={"id": str})
    assert {"id", "name_zh", "kind", "clause", "site_mean", "site_share"} <= set(t.columns)
    row = t.set_index("id").loc["park_wuchuan_down"]
    assert 0 <= row["site_mean"] <= 1 and row["cells"] > 0
    assert main(["suitability", "--stage", "down", "--out", str(tmp_path / "s.tif"), "--parks-out", "p.txt"]) == 2
    assert "`--parks-out` must end in .csv" in capsys.readouterr().err
