"""Zonal statistics of a suitability surface: per county, per city, within a buffer of named parks.

Zones are rasterised **once** (:func:`zones_from_polygons`, :func:`zones_from_buffers`) and the
resulting :class:`Zones` is reused for every raster; statistics are sums by
:func:`numpy.bincount` over row blocks, so no per-zone Python loop and no full-size temporary.

For each zone (cells whose centre lies in it, on the grid):

- ``site_mean``: mean suitability over **unrestricted** cells with data (NaN when none);
- ``site_share``: share of the zone's *known* land (unrestricted cells with data plus restricted
  cells) whose suitability is at least the threshold — restricted land counts as not suitable;
- ``cells``, ``cells_restricted``, ``cells_nodata``: counts, to judge what the numbers rest on.

Cell-centre membership is the usual raster convention; partial coverage of border cells is not
weighted (a 1 km cell is 1 km^2; a county of 100 km^2 has some 100 cells, so the error at the
border is a few per cent and shrinks with finer grids — compared with exactextract's coverage
weights in ``benchmarks/bench_suitability.py``).
"""
from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.features
import shapely

from analysis.suitability.grid import Grid
from geo.errors import PlannerError

__all__ = ["DEFAULT_THRESHOLD", "Zones", "zones_from_polygons", "zones_from_buffers", "block_sums"]

#: ASSUMPTION: a cell is "suitable" for ``site_share`` at a score of at least 0.6 (editable).
DEFAULT_THRESHOLD: float = 0.6
_ROWS = 256


def block_sums(labels: np.ndarray, surface: np.ndarray, restricted: np.ndarray, n: int, threshold: float) -> np.ndarray:
    """Per-label sums of one block: rows = (cells, data cells, score sum, cells >= threshold, restricted).

    ``labels`` holds 0 (no zone) .. n; the result has shape (5, n + 1), float64.

    Examples
    --------
    >>> lab = np.array([[1, 1, 2]]); s = np.array([[0.5, 1.0, np.nan]], np.float32)
    >>> block_sums(lab, s, np.array([[0, 0, 1]], bool), 2, 0.6)[:, 1:].tolist()
    [[2.0, 1.0], [2.0, 0.0], [1.5, 0.0], [1.0, 0.0], [0.0, 1.0]]
    """
    lab = np.asarray(labels).reshape(-1).astype(np.intp, copy=False)
    s = np.asarray(surface).reshape(-1)
    r = np.asarray(restricted).reshape(-1)
    data = np.isfinite(s) & ~r
    vals = np.where(data, s, np.float32(0))
    out = np.empty((5, n + 1), dtype=np.float64)
    out[0] = np.bincount(lab, minlength=n + 1)
    out[1] = np.bincount(lab, weights=data, minlength=n + 1)
    out[2] = np.bincount(lab, weights=vals, minlength=n + 1)
    out[3] = np.bincount(lab, weights=data & (vals >= np.float32(threshold)), minlength=n + 1)
    out[4] = np.bincount(lab, weights=r, minlength=n + 1)
    return out


def _table(ids: np.ndarray, id_column: str, sums: np.ndarray) -> pd.DataFrame:
    cells, data, total, above, restr = sums[:, 1:]
    known = data + restr
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(data > 0, total / np.maximum(data, 1), np.nan)
        share = np.where(known > 0, above / np.maximum(known, 1), np.nan)
    return pd.DataFrame({
        id_column: ids,
        "site_mean": mean,
        "site_share": share,
        "cells": cells.astype(np.int64),
        "cells_restricted": restr.astype(np.int64),
        "cells_nodata": (cells - known).astype(np.int64),
    })


@dataclasses.dataclass(frozen=True)
class Zones:
    """Zones rasterised once on a grid; :meth:`stats` reuses them for any raster.

    Either ``labels`` (non-overlapping zones: a label raster, 0 = no zone, ``i + 1`` = ``ids[i]``)
    or ``members`` (possibly overlapping zones: zone index and flat cell index of every member).
    """

    grid: Grid
    ids: np.ndarray
    id_column: str
    labels: np.ndarray | None = None
    members: tuple[np.ndarray, np.ndarray] | None = None
    geoms: np.ndarray | None = None  # polygons in the grid's CRS (kept to re-rasterise by chunks)

    def stats(
        self,
        surface: np.ndarray,
        restricted: np.ndarray,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        rows_per_block: int = _ROWS,
    ) -> pd.DataFrame:
        """Zonal table of ``surface`` (NaN = no data) with ``restricted`` cells kept apart.

        Examples
        --------
        >>> from affine import Affine
        >>> from shapely.geometry import box
        >>> g = Grid(Affine(1, 0, 0, 0, -1, 2), (2, 2))
        >>> z = zones_from_polygons(gpd.GeoDataFrame({"adcode": ["a"]}, geometry=[box(0, 0, 2, 2)], crs=g.crs), g)
        >>> s = np.array([[0.2, 0.8], [np.nan, 0.9]], np.float32)
        >>> z.stats(s, np.array([[0, 0], [0, 1]], bool)).round(3).to_dict("records")
        [{'adcode': 'a', 'site_mean': 0.5, 'site_share': 0.333, 'cells': 4, 'cells_restricted': 1, 'cells_nodata': 1}]
        """
        if surface.shape != self.grid.shape or restricted.shape != self.grid.shape:
            msg = f"rasters must be on the zones' grid {self.grid.shape}, got {surface.shape} and {restricted.shape}"
            raise PlannerError(msg)
        n = len(self.ids)
        if self.labels is not None:
            sums = np.zeros((5, n + 1), dtype=np.float64)
            for r0, r1 in self.grid.row_blocks(rows_per_block):
                sums += block_sums(self.labels[r0:r1], surface[r0:r1], restricted[r0:r1], n, threshold)
        else:
            zone, flat = self.members
            s = surface.reshape(-1)[flat]
            r = restricted.reshape(-1)[flat]
            sums = block_sums(zone + 1, s, r, n, threshold)
        return _table(self.ids, self.id_column, sums)


def zones_from_polygons(polygons: gpd.GeoDataFrame, grid: Grid, *, id_column: str = "adcode") -> Zones:
    """Rasterise non-overlapping polygons once (cell centres; later features win on overlap).

    Examples
    --------
    >>> from affine import Affine
    >>> from shapely.geometry import box
    >>> g = Grid(Affine(1, 0, 0, 0, -1, 2), (2, 2))
    >>> z = zones_from_polygons(gpd.GeoDataFrame({"adcode": ["a", "b"]}, geometry=[box(0, 0, 1, 2), box(1, 0, 2, 2)], crs=g.crs), g)
    >>> z.labels.tolist()
    [[1, 2], [1, 2]]
    """
    if id_column not in polygons.columns:
        msg = f"zones have no column {id_column!r} (columns: {list(polygons.columns)})"
        raise PlannerError(msg)
    if polygons.crs is None:
        msg = "zones have no CRS; set it with `set_crs(4326)`"
        raise PlannerError(msg)
    ids = polygons[id_column].astype(str).to_numpy()
    dtype = np.uint16 if len(ids) < np.iinfo(np.uint16).max else np.int32
    geoms = polygons.to_crs(grid.crs).geometry.values
    labels = np.zeros(grid.shape, dtype=dtype)
    shapes = ((g, i + 1) for i, g in enumerate(geoms) if g is not None and not g.is_empty)
    rasterio.features.rasterize(shapes, out=labels, transform=grid.transform)
    return Zones(grid=grid, ids=ids, id_column=id_column, labels=labels, geoms=geoms)


def zones_from_buffers(points: gpd.GeoDataFrame, grid: Grid, *, radius_m: float, id_column: str = "id") -> Zones:
    """Circular zones of ``radius_m`` around points (may overlap), as member index lists.

    A cell belongs to a zone when its centre lies within ``radius_m`` of the point.

    Examples
    --------
    >>> from affine import Affine
    >>> from shapely.geometry import Point
    >>> g = Grid(Affine(1000, 0, 0, 0, -1000, 5000), (5, 5))
    >>> z = zones_from_buffers(gpd.GeoDataFrame({"id": ["p"]}, geometry=[Point(2500, 2500)], crs=g.crs), g, radius_m=1000)
    >>> int(z.members[0].size)
    5
    """
    if not (radius_m > 0):
        msg = f"`radius_m` must be a positive distance in metres, got {radius_m!r}"
        raise PlannerError(msg)
    if points.crs is None:
        msg = "points have no CRS; set it with `set_crs(4326)`"
        raise PlannerError(msg)
    pts = points.to_crs(grid.crs).geometry.values
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    t, (rows, cols) = grid.transform, grid.shape
    res = grid.resolution_m
    zone_parts, flat_parts = [], []
    # one small window per point (overlapping buffers need one member list each)
    for k, (px, py) in enumerate(zip(x, y)):
        c0 = max(0, int(np.floor((px - radius_m - t.c) / res)))
        c1 = min(cols, int(np.ceil((px + radius_m - t.c) / res)) + 1)
        r0 = max(0, int(np.floor((t.f - (py + radius_m)) / res)))
        r1 = min(rows, int(np.ceil((t.f - (py - radius_m)) / res)) + 1)
        if c0 >= c1 or r0 >= r1:
            continue
        cx = t.c + (np.arange(c0, c1) + 0.5) * res
        cy = t.f - (np.arange(r0, r1) + 0.5) * res
        inside = (cx[None, :] - px) ** 2 + (cy[:, None] - py) ** 2 <= radius_m**2
        rr, cc = np.nonzero(inside)
        flat_parts.append((rr + r0) * cols + (cc + c0))
        zone_parts.append(np.full(rr.size, k, dtype=np.intp))
    zone = np.concatenate(zone_parts) if zone_parts else np.zeros(0, np.intp)
    flat = np.concatenate(flat_parts) if flat_parts else np.zeros(0, np.intp)
    ids = points[id_column].astype(str).to_numpy()
    return Zones(grid=grid, ids=ids, id_column=id_column, members=(zone, flat))
