"""A planner's exclusion layer on the app's map: dissolved and simplified for display, exact for the model."""
from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.crs import ANALYSIS_CRS
from geo.generalise import generalise_for_display
from outputs.fitmap import EXCLUSION_DISPLAY_MAX_VERTICES, EXCLUSION_DISPLAY_TOLERANCE_M, exclusion_overlay

N = 100_000


def _reserves() -> gpd.GeoDataFrame:
    """100,000 parcels of 100 m with 20 m gaps, in 25 reserves of 80 x 50 (a red line as it is mapped)."""
    bi, bj = np.meshgrid(np.arange(5), np.arange(5))
    bx, by = bi.ravel() * 60_000.0 - 150_000, bj.ravel() * 50_000.0 + 20_000
    pi, pj = np.meshgrid(np.arange(80), np.arange(50))
    x = (bx[:, None] + pi.ravel()[None, :] * 120.0).ravel()
    y = (by[:, None] + pj.ravel()[None, :] * 120.0).ravel()
    return gpd.GeoDataFrame({"name": np.arange(N)}, geometry=shapely.box(x, y, x + 100, y + 100), crs=ANALYSIS_CRS)


def _specks() -> gpd.GeoDataFrame:
    """100,000 parcels of 50..300 m scattered around 40 centres (sigma 8 km): no tidy blocks to merge."""
    rng = np.random.default_rng(0)
    cx, cy = rng.uniform(-300_000, 300_000, 40), rng.uniform(0, 300_000, 40)
    k = rng.integers(0, 40, N)
    x, y, s = cx[k] + rng.normal(0, 8000, N), cy[k] + rng.normal(0, 8000, N), rng.uniform(50, 300, N)
    return gpd.GeoDataFrame(geometry=shapely.box(x, y, x + s, y + s), crs=ANALYSIS_CRS)


def _assert_within(exact: gpd.GeoDataFrame, drawn: shapely.Geometry, tol: float) -> None:
    """Hausdorff distance of the drawing and the exact polygons (analysis CRS, metres) at most ``tol``."""
    parts = exact.geometry.values
    slack = tol * 1.01  # the drawing went to WGS84 and back
    # every exact polygon lies within tol of the drawing
    grown = shapely.buffer(drawn, slack)
    shapely.prepare(grown)
    assert shapely.covered_by(parts, grown).all()
    # every drawn point lies within tol of an exact polygon: its outline, and a grid over its inside
    outline = shapely.get_coordinates(shapely.segmentize(drawn.boundary, tol / 4))
    shapely.prepare(drawn)
    grids = [np.meshgrid(np.arange(x0, x1, tol / 2), np.arange(y0, y1, tol / 2))
             for x0, y0, x1, y1 in shapely.bounds(shapely.get_parts(drawn))]  # one grid over each part's box
    gx, gy = (np.concatenate([g[i].ravel() for g in grids]) for i in (0, 1))
    keep = shapely.contains_xy(drawn, gx, gy)
    inside = shapely.points(gx[keep], gy[keep])
    pts = np.concatenate([shapely.points(outline), inside])
    hit = shapely.STRtree(parts).query(pts, predicate="dwithin", distance=slack)[0]
    assert np.unique(hit).size == len(pts) and len(inside) > 100


def _drawn(ov: object) -> shapely.Geometry:
    assert len(ov.gdf) == 1 and ov.gdf.crs.to_epsg() == 4326
    return ov.gdf.to_crs(ANALYSIS_CRS).geometry.values[0]


def test_a_100k_parcel_layer_is_drawn_small_and_within_the_tolerance() -> None:
    exact = _reserves()
    before = shapely.to_wkb(exact.geometry.values)
    ov = exclusion_overlay(exact, lang="en")
    assert ov.legend[0][0] == "Exclusion areas (drawn merged, within 150 m)"
    drawn = _drawn(ov)
    # the 25 reserves, each one outline: a page of a few kB instead of 100,000 features (about 20 MB of GeoJSON)
    assert shapely.get_num_geometries(drawn) == 25
    assert shapely.get_num_coordinates(drawn) <= 25 * 20 and len(ov.gdf.to_json()) < 20_000
    _assert_within(exact, drawn, EXCLUSION_DISPLAY_TOLERANCE_M)
    # the model's polygons are untouched
    assert len(exact) == N and (shapely.to_wkb(exact.geometry.values) == before).all()
    zh = exclusion_overlay(exact, lang="zh")
    assert zh.legend[0][0] == "排除区域（合并显示，误差不超过 150 米）" and zh.gdf is ov.gdf  # drawn once, cached


def test_scattered_parcels_are_capped_at_a_coarser_stated_tolerance() -> None:
    exact = _specks()
    ov = exclusion_overlay(exact, lang="en")
    tol = float(re.search(r"within ([\d,]+) m", ov.legend[0][0]).group(1).replace(",", ""))
    drawn = _drawn(ov)
    assert tol > EXCLUSION_DISPLAY_TOLERANCE_M  # 100,000 specks do not fit in 10,000 vertices at 150 m
    assert shapely.get_num_coordinates(drawn) <= EXCLUSION_DISPLAY_MAX_VERTICES and len(ov.gdf.to_json()) < 400_000
    _assert_within(exact, drawn, tol)


def test_a_small_layer_is_dissolved_exactly() -> None:
    a = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10_000, 10_000), shapely.box(5_000, 5_000, 15_000, 15_000),
                                   shapely.box(40_000, 0, 40_050, 50)], crs=ANALYSIS_CRS)
    drawn, tol = generalise_for_display(a.to_crs(4326))
    d = drawn.to_crs(ANALYSIS_CRS).geometry.values[0]
    union = shapely.union_all(a.geometry.values)
    assert tol == 150 and shapely.get_num_geometries(d) == 2  # the overlapping pair merged; the 50 m plot kept
    assert shapely.hausdorff_distance(d, union) <= tol and abs(d.area - union.area) < 50 * 50  # the plot: a triangle
    empty, _ = generalise_for_display(a.iloc[:0])
    assert len(empty) == 0
    with pytest.raises(ValueError, match="`tolerance_m` must be a positive number of metres"):
        generalise_for_display(a, tolerance_m=0)


def test_an_invalid_ring_is_drawn_as_its_area() -> None:
    bowtie = shapely.Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000), (0, 0)])
    a = gpd.GeoDataFrame(geometry=[bowtie], crs=ANALYSIS_CRS)
    drawn, tol = generalise_for_display(a)
    d = drawn.to_crs(ANALYSIS_CRS).geometry.values[0]
    assert d.geom_type in ("Polygon", "MultiPolygon") and d.area == pytest.approx(500_000, rel=0.01)
    assert not a.geometry.values[0].is_valid  # the caller's layer as it came
