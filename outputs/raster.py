"""Rasters on a grid over Guangdong in the analysis CRS.

This part turns a scored layer (the fit result joined to city or county polygons) into a
float32 grid, so the result can go out as a GeoTIFF (:func:`outputs.export.export_geotiff`).
"""
from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import rasterio.features
from affine import Affine
from pyproj import CRS

from geo.crs import ANALYSIS_CRS
from geo.errors import PlannerError
from layers.boundaries import load_boundaries

__all__ = ["SCORE_NODATA", "guangdong_grid", "rasterize_scores"]

#: Nodata value of score rasters.
SCORE_NODATA: float = -9999.0


def guangdong_grid(*, resolution_m: float = 1000.0) -> tuple[Affine, tuple[int, int]]:
    """Transform and shape of a grid covering Guangdong in :data:`geo.crs.ANALYSIS_CRS`.

    The grid is the province's bounding box in the analysis CRS, snapped outward to
    multiples of ``resolution_m``, so grids of different resolutions nest.

    Examples
    --------
    >>> transform, (rows, cols) = guangdong_grid(resolution_m=1000)
    >>> transform.a, rows, cols
    (1000.0, 584, 791)
    """
    if not (isinstance(resolution_m, (int, float)) and math.isfinite(resolution_m) and resolution_m >= 10):
        msg = f"`resolution_m` must be a cell size in metres of at least 10, got {resolution_m!r}; use e.g. 1000, 250 or 100"
        raise PlannerError(msg)

    minx, miny, maxx, maxy = load_boundaries("province").to_crs(ANALYSIS_CRS).total_bounds
    r = float(resolution_m)
    x0, y0 = math.floor(minx / r) * r, math.floor(miny / r) * r
    x1, y1 = math.ceil(maxx / r) * r, math.ceil(maxy / r) * r
    cols, rows = int(round((x1 - x0) / r)), int(round((y1 - y0) / r))
    return Affine(r, 0.0, x0, 0.0, -r, y1), (rows, cols)


def rasterize_scores(
    units: gpd.GeoDataFrame,
    *,
    column: str = "score",
    resolution_m: float = 1000.0,
) -> tuple[np.ndarray, Affine, CRS]:
    """Burn each unit's score into a float32 grid over Guangdong.

    Cells whose centre lies in a unit get its score; other cells and units with no
    (NaN) score get :data:`SCORE_NODATA` (-9999). Where units overlap, the later one wins.

    Parameters
    ----------
    units : geopandas.GeoDataFrame
        Polygons with a CRS and a numeric ``column``; not modified.
    column : str
        The value to burn.
    resolution_m : float
        Cell size in metres (1000 by default; 250 and 100 on demand).

    Returns
    -------
    (numpy.ndarray, affine.Affine, pyproj.CRS)
        The grid (float32), its transform and :data:`geo.crs.ANALYSIS_CRS`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> u = gpd.GeoDataFrame({"score": [0.8]}, geometry=[box(0, 0, 10_000, 10_000)], crs=ANALYSIS_CRS)
    >>> a, t, crs = rasterize_scores(u)
    >>> a.dtype.name, int((a == np.float32(0.8)).sum())
    ('float32', 100)
    """
    if not isinstance(units, gpd.GeoDataFrame):
        msg = f"`units` must be a GeoDataFrame of polygons with a {column!r} column, got {type(units).__name__}"
        raise PlannerError(msg)
    if column not in units.columns:
        msg = f"`units` has no column {column!r} (columns: {list(units.columns)}); join the fit table on adcode first"
        raise PlannerError(msg)
    if units.crs is None:
        msg = "`units` has no CRS; set it with `gdf.set_crs(4326)`"
        raise PlannerError(msg)
    try:
        values = np.asarray(units[column], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"`units[{column!r}]` must be numeric, got dtype {units[column].dtype}; convert it with pd.to_numeric"
        raise PlannerError(msg) from exc
    transform, shape = guangdong_grid(resolution_m=resolution_m)
    geoms = units.to_crs(ANALYSIS_CRS).geometry.values
    keep = np.isfinite(values) & ~geoms.is_empty & ~geoms.isna()
    out = np.full(shape, SCORE_NODATA, dtype=np.float32)
    if keep.any():
        rasterio.features.rasterize(
            zip(geoms[keep], values[keep].astype(np.float32)),
            out=out,
            transform=transform,
            fill=SCORE_NODATA,
            dtype="float32",
        )
    return out, transform, ANALYSIS_CRS
