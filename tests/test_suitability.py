"""Raster suitability: criteria on tiny rasters with known answers, bad input, GeoTIFF round trips, the dask path."""
from __future__ import annotations

import json
import math
import shutil
import subprocess

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS, Transformer
from shapely.geometry import Point, Polygon, box

from analysis.suitability import (
    NODATA,
    RESTRICTED,
    CriterionInput,
    Grid,
    Rescale,
    compute_site_scores,
    decode_surface,
    encode_surface,
    guangdong_grid,
    read_site_criteria,
    weighted_overlay,
    zones_from_buffers,
    zones_from_polygons,
)
from analysis.suitability.criteria import distance_km, distance_to_features, slope_degrees, urban_share
from analysis.suitability.overlay import exclusion_mask
from geo.crs import ANALYSIS_CRS
from geo.errors import CRSError, LayerValidationError, PlannerError, RasterError
from geo.raster import read_raster_to_grid, validate_raster
from geo.writers import export_geotiff

WGS84 = CRS.from_epsg(4326)
UTM49 = CRS.from_epsg(32649)


def _tif(path, data, *, crs, transform, nodata=None, dtype="float32"):
    """A plain GeoTIFF as a planner would hand it in."""
    prof = {"driver": "GTiff", "width": data.shape[1], "height": data.shape[0], "count": 1, "dtype": dtype,
            "transform": transform}
    if crs is not None:
        prof["crs"] = crs
    if nodata is not None:
        prof["nodata"] = nodata
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(data.astype(dtype), 1)
    return path


# ------------------------------------------------------------------ criteria with known answers
def test_distance_on_a_5x5_grid():
    t = np.zeros((5, 5), bool)
    t[2, 2] = True
    d = distance_km(t, 1000.0)
    assert d.dtype == np.float32
    assert d[2, 2] == 0 and d[2, 4] == 2 and d[0, 2] == 2
    assert d[0, 0] == pytest.approx(math.sqrt(8), rel=1e-6)
    assert d[1, 3] == pytest.approx(math.sqrt(2), rel=1e-6)
    # two targets: the nearer wins; resolution scales km
    t[4, 0] = True
    d = distance_km(t, 250.0)
    assert d[4, 1] == pytest.approx(0.25) and d[3, 0] == pytest.approx(0.25)
    assert d[0, 4] == pytest.approx(0.25 * math.sqrt(8), rel=1e-6)


def test_distance_to_points_lines_and_inside_polygons():
    g = Grid(Affine(1000, 0, 0, 0, -1000, 5000), (5, 5))
    pts = gpd.GeoSeries([Point(500, 4500)], crs=ANALYSIS_CRS)
    assert distance_to_features(pts, g)[4, 4] == pytest.approx(math.hypot(4, 4), rel=1e-6)
    line = gpd.GeoSeries([Polygon([(0, 0), (1000, 0), (1000, 5000), (0, 5000)]).exterior], crs=ANALYSIS_CRS)
    d = distance_to_features(line, g)
    assert d[:, 0].tolist() == [0] * 5 and d[:, 1].tolist() == [0] * 5 and d[2, 3] == 2  # all_touched
    poly = gpd.GeoSeries([box(2000, 2000, 3000, 3000)], crs=ANALYSIS_CRS)
    d = distance_to_features(poly, g)
    assert d[2, 2] == 0 and d[2, 0] == 2


def test_no_target_on_the_grid_is_refused():
    with pytest.raises(PlannerError, match="no target lies on the grid"):
        distance_km(np.zeros((3, 3), bool), 1000.0)


@pytest.mark.parametrize("block_rows", [1, 2, 3, 100])
def test_slope_on_a_plane_is_exact_whatever_the_blocks(block_rows):
    rows, cols, res = 7, 6, 100.0
    y, x = np.mgrid[0:rows, 0:cols] * res
    dem = (0.3 * x + 0.4 * y).astype(np.float32)  # |gradient| = 0.5
    s = slope_degrees(dem, res, block_rows=block_rows)
    np.testing.assert_allclose(s, math.degrees(math.atan(0.5)), rtol=1e-5)
    # a curved surface: blocks equal numpy.gradient on the whole array
    curved = (x**2 / 1000 + np.sin(y / 200) * 50).astype(np.float32)
    gy, gx = np.gradient(curved, res)
    np.testing.assert_allclose(slope_degrees(curved, res, block_rows=block_rows),
                               np.degrees(np.arctan(np.hypot(gx, gy))), rtol=1e-5)


def test_urban_share_counts_the_square_and_ignores_no_data():
    c = np.zeros((5, 5), np.float32)
    c[2, 2] = 13
    c[0, :] = np.nan
    u = urban_share(c, 1000.0, radius_m=1000.0)
    assert u[2, 2] == pytest.approx(1 / 9) and u[3, 3] == pytest.approx(1 / 9)
    assert u[1, 2] == pytest.approx(1 / 6)  # the no-data row above does not count
    assert u[0, 0] == 0 and u[4, 0] == 0


# ------------------------------------------------------------------ rescaling
def test_fuzzy_breakpoints_give_known_values():
    x = np.array([0, 10, 20, 30, 40, 50, 60, np.nan], np.float32)
    assert Rescale("small", (10, 30)).apply(x)[:5].tolist() == [1.0, 1.0, 0.5, 0.0, 0.0]
    np.testing.assert_allclose(Rescale("large", (10, 30)).apply(x)[:5], [0, 0, 0.5, 1, 1], atol=1e-7)
    np.testing.assert_allclose(Rescale("near", (10, 20, 40, 60)).apply(x)[:7], [0, 0, 1, 1, 1, 0.5, 0], atol=1e-7)
    assert Rescale("linear", (0, 40)).apply(x)[:5].tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert Rescale("inverse", (0, 40)).apply(x)[:5].tolist() == [1, 0.75, 0.5, 0.25, 0]
    assert np.isnan(Rescale("near", (10, 20, 40, 60)).apply(x)[-1])


def test_rescale_in_place_equals_a_copy():
    x = np.linspace(-5, 70, 101, dtype=np.float32)
    for method, bp in [("small", (5, 30)), ("near", (0, 10, 20, 60)), ("inverse", (0, 50))]:
        r = Rescale(method, bp)
        ref = r.apply(x.copy())
        y = x.copy()
        assert r.apply(y, out=y) is y
        np.testing.assert_array_equal(y, ref)


@pytest.mark.parametrize(("method", "bp", "match"), [
    ("small", (30, 5), r"must increase strictly \(a < b\), got \(30.0, 5.0\)"),
    ("near", (0, 20, 10, 30), r"must increase strictly \(a < b < c < d\)"),
    ("near", (0, 10), r"'near' takes 4 breakpoints"),
    ("linear", (5, 5), r"low < high"),
    ("small", (0, float("nan")), "finite"),
    ("sigmoid", (0, 1), "rescale method must be one of"),
])
def test_bad_breakpoints_are_refused(method, bp, match):
    with pytest.raises(PlannerError, match=match):
        Rescale(method, bp, criterion="port_km")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e4, 1e4, width=32), min_size=4, max_size=4, unique=True),
       st.sampled_from(["small", "large", "near", "linear", "inverse"]),
       st.lists(st.floats(-2e4, 2e4, width=32), min_size=1, max_size=30))
def test_rescale_scores_stay_in_0_1_and_unsorted_breakpoints_fail(points, method, values):
    n = 4 if method == "near" else 2
    bp = sorted(points)[:n]
    if any(b2 - b1 < 1e-3 for b1, b2 in zip(bp, bp[1:])):
        return
    s = Rescale(method, bp).apply(np.asarray(values, np.float32))
    assert ((s >= 0) & (s <= 1)).all()
    with pytest.raises(PlannerError, match="must increase strictly"):
        Rescale(method, bp[::-1])


# ------------------------------------------------------------------ overlay, restricted vs no data
def test_weighted_overlay_known_values_in_place_and_bad_weights():
    a = np.array([[1.0, 0.0, 0.5]], np.float32)
    b = np.array([[0.0, 1.0, np.nan]], np.float32)
    out = weighted_overlay([a, b], [3, 1])
    np.testing.assert_allclose(out[0, :2], [0.75, 0.25])
    assert np.isnan(out[0, 2])
    b2 = b.copy()
    np.testing.assert_array_equal(weighted_overlay([a, b2], [3, 1], out=b2), out)  # output is an input
    with pytest.raises(PlannerError, match="not all zero"):
        weighted_overlay([a, b], [0, 0])
    with pytest.raises(PlannerError, match="non-negative"):
        weighted_overlay([a, b], [1, -1])


def test_restricted_and_no_data_keep_distinct_codes():
    s = np.array([0.2, np.nan, np.nan, 0.8, 0.9], np.float32)
    restricted = np.array([False, False, True, True, True])
    land = np.array([True, True, True, True, False])
    coded = encode_surface(s, restricted, land)
    assert coded.tolist()[1:] == [NODATA, RESTRICTED, RESTRICTED, NODATA]
    assert coded[0] == pytest.approx(0.2)
    s2, r2, nd = decode_surface(coded)
    assert r2.tolist() == [False, False, True, True, False]
    assert nd.tolist() == [False, True, False, False, True]


def test_exclusion_polygons_repaired_reprojected_or_refused():
    g = Grid(Affine(1000, 0, 0, 0, -1000, 4000), (4, 4))
    bowtie = Polygon([(0, 0), (4000, 4000), (4000, 0), (0, 4000)])  # self-intersecting
    mask, src, notes = exclusion_mask(gpd.GeoDataFrame(geometry=[bowtie], crs=ANALYSIS_CRS), g)
    assert mask.any() and any("repaired with shapely.make_valid" in n for n in notes)
    wgs = gpd.GeoDataFrame(geometry=[box(0, 0, 2000, 2000)], crs=ANALYSIS_CRS).to_crs(4326)
    mask, src, notes = exclusion_mask(wgs, g)
    assert mask[3, 0] and not mask[0, 3] and any("reprojected" in n for n in notes)
    with pytest.raises(CRSError, match="have no CRS"):
        exclusion_mask(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]), g)
    with pytest.raises(LayerValidationError, match="not polygons"):
        exclusion_mask(gpd.GeoDataFrame(geometry=[Point(10, 10)], crs=ANALYSIS_CRS), g)


def test_exclusion_raster_in_another_crs_restricts_non_zero_cells(tmp_path):
    g = Grid(Affine(1000, 0, 0, 0, -1000, 4000), (4, 4))
    # a WGS84 raster around the analysis CRS origin (113.5E 23N): 1 west of 113.51E (the grid's first column)
    data = np.zeros((60, 60), np.uint8)
    data[:, :20] = 1
    p = _tif(tmp_path / "redline.tif", data, crs=WGS84, transform=Affine(0.001, 0, 113.49, 0, -0.001, 23.05),
             dtype="uint8", nodata=255)
    mask, src, _ = exclusion_mask(str(p), g)
    assert src == ["exclusion raster redline.tif (non-zero cells restricted)"]
    assert mask[:, 0].all() and not mask[:, 3].any()


# ------------------------------------------------------------------ zonal statistics
def test_zonal_stats_match_a_hand_computation():
    g = Grid(Affine(1, 0, 0, 0, -1, 2), (2, 4))
    zones = gpd.GeoDataFrame({"adcode": ["A", "B"]}, geometry=[box(0, 0, 2, 2), box(2, 0, 4, 2)], crs=ANALYSIS_CRS)
    z = zones_from_polygons(zones, g)
    s = np.array([[0.2, 0.9, 0.7, np.nan], [0.6, 0.3, 0.1, 0.8]], np.float32)
    r = np.array([[False, False, True, False], [False, True, False, False]])
    t = z.stats(s, r, threshold=0.6).set_index("adcode")
    # A: unrestricted with data 0.2, 0.9, 0.6 -> mean 0.5667; >=0.6: 0.9, 0.6 -> 2 of 4 known cells
    assert t.loc["A", "site_mean"] == pytest.approx((0.2 + 0.9 + 0.6) / 3, rel=1e-6)
    assert t.loc["A", "site_share"] == pytest.approx(2 / 4)
    # B: 0.7 restricted, nan unrestricted = no data; data 0.1, 0.8 -> mean 0.45; known 3 cells, 1 above
    assert t.loc["B", "site_mean"] == pytest.approx(0.45, rel=1e-6)
    assert t.loc["B", "site_share"] == pytest.approx(1 / 3)
    assert t.loc["B", ["cells", "cells_restricted", "cells_nodata"]].tolist() == [4, 1, 1]
    # the same zones reused for a second raster, in blocks of one row
    t2 = z.stats(np.ones_like(s), np.zeros_like(r), rows_per_block=1)
    assert t2["site_mean"].tolist() == [1.0, 1.0] and t2["site_share"].tolist() == [1.0, 1.0]


def test_buffer_zones_may_overlap():
    g = Grid(Affine(1000, 0, 0, 0, -1000, 5000), (5, 5))
    pts = gpd.GeoDataFrame({"id": ["p", "q"]}, geometry=[Point(2500, 2500), Point(3500, 2500)], crs=ANALYSIS_CRS)
    z = zones_from_buffers(pts, g, radius_m=1000)
    s = np.arange(25, dtype=np.float32).reshape(5, 5) / 24
    t = z.stats(s, np.zeros((5, 5), bool), threshold=0.5).set_index("id")
    # p: centre (2,2) and its 4 neighbours; q: centre (2,3) and its neighbours -> they share two cells
    assert t.loc["p", "cells"] == 5 and t.loc["q", "cells"] == 5
    assert t.loc["p", "site_mean"] == pytest.approx(np.mean(s[[2, 1, 3, 2, 2], [2, 2, 2, 1, 3]]), rel=1e-6)


# ------------------------------------------------------------------ GeoTIFF out and in
def test_cog_is_read_back_by_gdalinfo(tmp_path):
    if shutil.which("gdalinfo") is None:
        pytest.skip("gdalinfo (Debian gdal-bin) is not installed; `bash scripts/setup.sh --test` installs it")
    a = np.random.default_rng(0).random((700, 600), dtype=np.float32)
    a[:5] = np.nan
    p = export_geotiff(a, Affine(250, 0, -400_000, 0, -250, 300_000), ANALYSIS_CRS, tmp_path / "s.tif",
                       tags={"CODE_RESTRICTED": "-1"}, descriptions=["suitability"], block_size=256)
    info = json.loads(subprocess.run(["gdalinfo", "-json", str(p)], check=True, capture_output=True, text=True).stdout)
    band = info["bands"][0]
    assert band["block"] == [256, 256]
    assert band["noDataValue"] == -9999
    assert len(band["overviews"]) >= 1 and band["description"] == "suitability"
    assert info["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"] == "DEFLATE"
    assert info["metadata"]["IMAGE_STRUCTURE"]["LAYOUT"] == "COG"
    assert info["metadata"][""]["CODE_RESTRICTED"] == "-1"
    assert "Albers" in info["coordinateSystem"]["wkt"] or "Conic" in info["coordinateSystem"]["wkt"]
    with rasterio.open(p) as ds:
        back = ds.read(1)
    assert (back[:5] == -9999).all()
    np.testing.assert_array_equal(back[5:], a[5:])


def test_no_half_written_file_after_an_error(tmp_path):
    class Breaks:
        shape = (600, 40)

        def __getitem__(self, key):
            if key.start and key.start >= 256:
                raise RuntimeError("source failed mid-way")
            return np.zeros((key.stop - key.start, 40), np.float32)

    target = tmp_path / "out.tif"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="mid-way"):
        export_geotiff(Breaks(), Affine(100, 0, 0, 0, -100, 0), ANALYSIS_CRS, target, block_size=256)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tif"]


def test_planner_raster_in_utm_is_warped_onto_the_grid(tmp_path):
    # a linear field in UTM 49N metres: value = easting / 1000 (km); read on a 1 km grid in the analysis CRS
    t = Affine(500, 0, 700_000, 0, -500, 2_700_000)
    rows, cols = 200, 200
    east = 700_000 + (np.arange(cols) + 0.5) * 500
    src = _tif(tmp_path / "utm.tif", np.tile(east / 1000, (rows, 1)), crs=UTM49, transform=t, nodata=-1)
    g = Grid(Affine(1000, 0, 0, 0, -1000, 100_000), (40, 40))
    a = read_raster_to_grid(src, transform=g.transform, shape=g.shape, crs=g.crs)
    x, y = g.cell_centres()
    xx, yy = np.meshgrid(x, y)
    e, _ = Transformer.from_crs(ANALYSIS_CRS, UTM49, always_xy=True).transform(xx, yy)
    inside = np.isfinite(a)
    assert inside.sum() > 1000
    np.testing.assert_allclose(a[inside], (e / 1000)[inside], atol=0.3)  # within a third of the 500 m source cell
    # a window gives the same cells
    w = read_raster_to_grid(src, transform=g.transform, shape=g.shape, crs=g.crs, window=(5, 7, 11, 13))
    np.testing.assert_array_equal(w, a[5:16, 7:20])


def test_planner_raster_in_wgs84_with_nodata(tmp_path):
    data = np.full((20, 20), 50.0, np.float32)
    data[:10] = -32768
    src = _tif(tmp_path / "dem.tif", data, crs=WGS84, transform=Affine(0.05, 0, 113, 0, -0.05, 23.5), nodata=-32768)
    g = guangdong_grid(resolution_m=5000)
    a = read_raster_to_grid(src, transform=g.transform, shape=g.shape, crs=g.crs, resampling="nearest")
    assert set(np.unique(a[np.isfinite(a)])) == {50.0}
    assert 150 < np.isfinite(a).sum() < 300  # half of a 1 x 1 degree raster at 5 km cells


@pytest.mark.parametrize("case", ["no_crs", "outside", "too_large", "not_a_raster", "missing", "bad_band"])
def test_bad_rasters_get_one_line_naming_file_and_fix(tmp_path, case):
    t = Affine(0.01, 0, 113, 0, -0.01, 23)
    kwargs = {}
    if case == "no_crs":
        p, match = _tif(tmp_path / "dem.tif", np.zeros((5, 5)), crs=None, transform=t), r"'dem.tif'.*no CRS.*gdal_edit"
    elif case == "outside":
        p = _tif(tmp_path / "paris.tif", np.zeros((5, 5)), crs=WGS84, transform=Affine(0.01, 0, 2.3, 0, -0.01, 48.9))
        match = r"'paris.tif'.*does not overlap Guangdong"
    elif case == "too_large":
        p, match = _tif(tmp_path / "big.tif", np.zeros((50, 50)), crs=WGS84, transform=t), r"'big.tif'.*2,500 cells.*limit of 100.*clip"
        kwargs = {"max_cells": 100}
    elif case == "not_a_raster":
        p = tmp_path / "notes.tif"
        p.write_text("not a tiff")
        match = r"'notes.tif' is not a raster GDAL can read"
    elif case == "missing":
        p, match = tmp_path / "gone.tif", r"'gone.tif' does not exist"
    else:
        p, match = _tif(tmp_path / "one.tif", np.zeros((5, 5)), crs=WGS84, transform=t), r"'one.tif'.*1 band\(s\), band 2"
        kwargs = {"band": 2}
    with pytest.raises(RasterError, match=match) as err:
        validate_raster(p, **kwargs)
    assert "\n" not in str(err.value)


def test_nodata_unset_is_taken_as_data_with_a_note(tmp_path):
    p = _tif(tmp_path / "plain.tif", np.zeros((5, 5)), crs=WGS84, transform=Affine(0.01, 0, 113, 0, -0.01, 23))
    info = validate_raster(p)
    assert info.nodata is None and "sets no nodata value" in info.notes[0] and "gdal_edit.py -a_nodata" in info.notes[0]
    assert validate_raster(p, nodata=0).notes == ()


# ------------------------------------------------------------------ the pipeline
@pytest.fixture(scope="module")
def dyeing() -> object:
    return compute_site_scores("dyeing", origin="440118", resolution_m=5000)


def test_site_scores_for_every_county_with_sources(dyeing):
    z = dyeing.zonal
    assert len(z) == 124 and z["adcode"].is_unique
    assert z["site_mean"].between(0, 1).all() and z["site_share"].between(0, 1).all()
    assert dyeing.site_component().index.name == "adcode"
    assert {"port_km", "road_km", "related_km", "origin_km", "slope_deg", "urban_share"} == set(dyeing.table["criterion"])
    assert dyeing.table["weight"].sum() == pytest.approx(1.0)
    assert any("28 m steps" in s for s in dyeing.sources) and any("OpenStreetMap" in s for s in dyeing.sources)
    assert dyeing.park_zonal is not None and dyeing.park_zonal["cells"].gt(0).all()
    coded = dyeing.coded()
    land = dyeing.land
    assert (coded[~land] == NODATA).all()
    on_land = coded[land]
    assert ((on_land >= 0) | (on_land == RESTRICTED) | (on_land == NODATA)).all()
    # no data on land only where the 9 km DEM has none (coastal cells): under 1 %
    assert 0 < (on_land == NODATA).mean() < 0.01
    assert np.isnan(dyeing.criteria["slope_deg"][land & (coded == NODATA)]).all()


def test_planner_dem_and_exclusion_change_the_ranking(tmp_path, dyeing):
    # a steep synthetic DEM in UTM over the west of the province: rises 2,000 m per 1 km cell (63 degrees)
    dem = np.tile(np.arange(300, dtype=np.float32) * 2000, (300, 1))
    p = _tif(tmp_path / "steep.tif", dem, crs=UTM49, transform=Affine(1000, 0, 400_000, 0, -1000, 2_700_000),
             nodata=-9999)
    east = gpd.GeoDataFrame(geometry=[box(114.5, 22.0, 117.5, 25.0)], crs=4326)
    r = compute_site_scores("dyeing", origin="440118", resolution_m=5000, dem=p, exclusion=east)
    assert any("steep.tif" in s for s in r.sources)
    assert r.restricted.sum() > dyeing.restricted.sum()  # slope limit and the exclusion both restrict
    shantou = r.zonal.set_index("adcode").loc["440507"]  # Longhu, Shantou: inside the excluded box
    assert shantou["site_share"] == 0 and np.isnan(shantou["site_mean"])
    assert not r.zonal["site_mean"].equals(dyeing.zonal["site_mean"])
    assert "exclusion areas (in-memory layer)" in r.sources


def test_criteria_weights_and_levels(tmp_path):
    noise = _tif(tmp_path / "noise.tif", np.full((60, 90), 40.0), crs=WGS84,
                 transform=Affine(0.1, 0, 109.3, 0, -0.1, 25.6), nodata=-1)
    r = compute_site_scores("apparel", level="city", resolution_m=10000, park_buffer_km=None,
                            criteria={"noise_db": CriterionInput(noise, method="small", breakpoints="45;70", weight=1)},
                            weights={"noise_db": 1.0, "port_km": 1.0})
    assert len(r.zonal) == 21 and r.park_zonal is None
    assert r.table.set_index("criterion").loc["noise_db", "weight"] == pytest.approx(0.5)
    assert "planner's raster noise.tif" in r.table["source"].tolist()
    with pytest.raises(PlannerError, match="is new .*give its method, breakpoints and weight"):
        compute_site_scores("apparel", resolution_m=10000, criteria={"noise_db": noise})
    with pytest.raises(PlannerError, match="`weights` name unknown criteria"):
        compute_site_scores("apparel", resolution_m=10000, weights={"nope": 1})
    with pytest.raises(PlannerError, match="`level` must be 'county' or 'city'"):
        compute_site_scores("apparel", level="town", resolution_m=10000)


def test_result_files_round_trip(tmp_path, dyeing):
    p = dyeing.write(tmp_path / "dyeing.tif")
    with rasterio.open(p) as ds:
        back = ds.read(1)
        tags = ds.tags()
        assert ds.nodata == NODATA and ds.crs is not None
    np.testing.assert_array_equal(back, dyeing.coded())
    assert "restricted" in tags["CODE_RESTRICTED"] and "28 m steps" in tags["SOURCES"]
    c = dyeing.write_criteria(tmp_path / "criteria.tif")
    with rasterio.open(c) as ds:
        assert list(ds.descriptions) == list(dyeing.criteria)
        np.testing.assert_array_equal(ds.read(1), np.nan_to_num(dyeing.criteria["port_km"], nan=NODATA))
    z = pd.read_csv(dyeing.write_zonal(tmp_path / "z.csv"), dtype={"adcode": str})
    pd.testing.assert_frame_equal(z, dyeing.zonal, check_dtype=False)


def test_criteria_table_errors_are_listed_together(tmp_path):
    bad = tmp_path / "crit.csv"
    bad.write_text("stage,criterion,weight,method,breakpoints,limit,note\n"
                   "dyeing,port_km,-1,small,10;80,,x\nknitting,road_km,1,small,2;20,,x\n"
                   "dyeing,slope_deg,1,small,6;1,abc,x\n", encoding="utf-8")
    with pytest.raises(LayerValidationError) as err:
        read_site_criteria(bad)
    text = str(err.value)
    for part in ("unknown stage(s) ['knitting']", "weights must be numbers >= 0", "limit must be a number",
                 "must increase strictly"):
        assert part in text
    assert len(read_site_criteria()) > 8


def test_grid_resolutions_nest_and_bad_resolution_is_refused():
    g1, g4, g10 = (guangdong_grid(resolution_m=r) for r in (1000, 250, 100))
    assert g1.bounds == g4.bounds == g10.bounds
    assert g4.shape == (4 * g1.shape[0], 4 * g1.shape[1]) and g10.shape == (10 * g1.shape[0], 10 * g1.shape[1])
    with pytest.raises(PlannerError, match="divides 1000 m"):
        guangdong_grid(resolution_m=300)


# ------------------------------------------------------------------ dask on a local cluster
def test_dask_local_cluster_equals_in_memory(tmp_path, dyeing):
    distributed = pytest.importorskip("distributed", reason="the dask path needs `distributed` (requirements-dev)")
    import dask
    dem = _tif(tmp_path / "dem.tif", np.add.outer(np.arange(120.0), np.arange(160.0)).astype(np.float32) * 40,
               crs=WGS84, transform=Affine(0.07, 0, 109.2, 0, -0.05, 25.7), nodata=-9999)
    ex = gpd.GeoDataFrame(geometry=[box(112.0, 22.5, 113.0, 23.5)], crs=4326)
    kw = dict(origin="440118", resolution_m=5000, dem=dem, exclusion=ex)
    ref = compute_site_scores("dyeing", **kw)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cl, \
            distributed.Client(cl):
        lazy = compute_site_scores("dyeing", chunks=64, **kw)  # 2 x 3 chunks, edges included
        assert lazy.surface.numblocks == (2, 3)
        surface, restricted, coded = dask.compute(lazy.surface, lazy.restricted, lazy.coded())
    np.testing.assert_allclose(surface, ref.surface, rtol=1e-6, atol=1e-6, equal_nan=True)
    np.testing.assert_array_equal(restricted, ref.restricted)
    np.testing.assert_array_equal(np.isnan(surface), np.isnan(ref.surface))
    assert restricted.sum() > 0
    np.testing.assert_allclose(coded, ref.coded(), rtol=1e-6, atol=1e-6)
    pd.testing.assert_frame_equal(lazy.zonal, ref.zonal, rtol=1e-6, atol=1e-6)
    pd.testing.assert_frame_equal(lazy.park_zonal, ref.park_zonal, rtol=1e-6, atol=1e-6)
