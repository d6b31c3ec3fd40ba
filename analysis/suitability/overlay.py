"""Weighted overlay into a 0..1 surface, constraints, and the codes that keep "restricted" apart from "no data".

In memory a result is two arrays: ``surface`` (float32, 0..1, NaN where an input had no
data) and ``restricted`` (bool, a rule removed the cell: an exclusion area, a criterion
limit such as a slope limit). They are combined only for output, by :func:`encode_surface`:

============  ===================================================================
value          meaning
============  ===================================================================
0 .. 1         suitability of an unrestricted cell with data
``-1``         :data:`RESTRICTED`: a rule removed the cell (inside the province)
``-9999``      :data:`NODATA`: outside the province, or an input had no data there
============  ===================================================================

Precedence: outside the province is always no data; inside it, a restricted cell is
``-1`` even where a criterion had no data (the rule is known regardless); an unrestricted
cell with missing data is ``-9999``. GeoTIFFs written from it carry these codes in their
metadata (:data:`CODE_TAGS`) and are written with nodata = -9999.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio.features
import shapely

from analysis.notes import Note
from analysis.suitability.grid import Grid
from geo.errors import CRSError, LayerValidationError, PlannerError
from geo.io import read_vector
from geo.raster import RASTER_NODATA, read_raster_to_grid

__all__ = [
    "NODATA",
    "RESTRICTED",
    "CODE_TAGS",
    "RASTER_SUFFIXES",
    "weighted_overlay",
    "accumulate",
    "exclusion_mask",
    "encode_surface",
    "decode_surface",
]

#: Output code of cells outside the province or with missing input data.
NODATA: float = RASTER_NODATA
#: Output code of cells a rule removed (exclusion area, criterion limit).
RESTRICTED: float = -1.0
#: Metadata written with every coded raster.
CODE_TAGS: dict[str, str] = {
    "VALUES": "0..1 suitability (1 best) of unrestricted land",
    "CODE_RESTRICTED": f"{RESTRICTED:g} = restricted: a rule removed the cell (exclusion area or criterion limit)",
    "CODE_NODATA": f"{NODATA:g} = no data: outside Guangdong, or a criterion had no data there",
}
#: File endings read as rasters (anything else is read as a vector file).
RASTER_SUFFIXES: tuple[str, ...] = (".tif", ".tiff", ".vrt", ".img", ".asc", ".nc")
_BLOCK = 64 * 1024  # cells per overlay block (256 KB a layer): a block of every layer and the output stay in L2 cache


def accumulate(acc: np.ndarray, score: np.ndarray, weight: float, *, scratch: np.ndarray | None = None) -> None:
    """``acc += weight * score`` in place (float32), by flat blocks so nothing full-size is allocated.

    Examples
    --------
    >>> acc = np.zeros(3, np.float32)
    >>> accumulate(acc, np.array([1, 0.5, np.nan], np.float32), 0.5)
    >>> acc.tolist()
    [0.5, 0.25, nan]
    """
    a, s = acc.reshape(-1), score.reshape(-1)
    n = a.size
    buf = scratch if scratch is not None and scratch.size >= min(n, _BLOCK) else np.empty(min(n, _BLOCK), np.float32)
    w = np.float32(weight)
    for i in range(0, n, _BLOCK):
        j = min(n, i + _BLOCK)
        t = buf[: j - i]
        np.multiply(s[i:j], w, out=t)
        np.add(a[i:j], t, out=a[i:j])


def weighted_overlay(
    scores: Sequence[np.ndarray],
    weights: Sequence[float],
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Weighted mean of 0..1 score layers, float32, in blocks (weights are normalised to sum 1).

    NaN in any layer gives NaN (no data). Each block of every layer is read once and the
    output written once, so the kernel runs near memory bandwidth.

    Parameters
    ----------
    scores : sequence of numpy.ndarray
        Same-shape float32 layers in 0..1.
    weights : sequence of float
        Non-negative, not all zero.
    out : numpy.ndarray, optional
        float32 output (may be one of ``scores``: then computed in place).

    Examples
    --------
    >>> a = np.array([[1.0, 0.0]], np.float32); b = np.array([[0.0, np.nan]], np.float32)
    >>> weighted_overlay([a, b], [3, 1]).tolist()
    [[0.75, nan]]
    """
    if len(scores) != len(weights) or not scores:
        msg = f"`scores` and `weights` must be non-empty and of equal length, got {len(scores)} and {len(weights)}"
        raise PlannerError(msg)
    w = np.asarray(weights, dtype=np.float64)
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        msg = f"`weights` must be finite, non-negative and not all zero, got {list(weights)}"
        raise PlannerError(msg)
    w = (w / w.sum()).astype(np.float32)
    shape = scores[0].shape
    if any(s.shape != shape for s in scores):
        msg = f"`scores` must share one shape, got {[s.shape for s in scores]}"
        raise PlannerError(msg)
    if out is None:
        out = np.empty(shape, dtype=np.float32)
    order = list(range(len(scores)))
    same = [k for k, s in enumerate(scores) if np.shares_memory(s, out)]
    if same:  # computing in place: the layer that is also the output goes first
        order.remove(same[0])
        order.insert(0, same[0])
    flat = [scores[k].reshape(-1) for k in order]
    wk = [w[k] for k in order]
    o = out.reshape(-1)
    n = o.size
    tmp = np.empty(min(n, _BLOCK), np.float32)
    for i in range(0, n, _BLOCK):
        j = min(n, i + _BLOCK)
        t, ob = tmp[: j - i], o[i:j]
        np.multiply(flat[0][i:j], wk[0], out=ob)
        for f, wf in zip(flat[1:], wk[1:]):
            np.multiply(f[i:j], wf, out=t)
            np.add(ob, t, out=ob)
    return out


def _as_geoms(item: gpd.GeoDataFrame | gpd.GeoSeries, grid: Grid, name: str, notes: list[str]) -> np.ndarray:
    problems: list[str] = []
    if item.crs is None:
        msg = (f"exclusion areas {name!r} have no CRS: the file carries no projection (a shapefile needs its .prj); "
               "add one or set it with `set_crs(4326)`")
        raise CRSError(msg)
    geoms = (item.geometry if isinstance(item, gpd.GeoDataFrame) else item).values
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if (~present).any():
        notes.append(Note("exclusion.empty", name=name, n=int((~present).sum())))
    geoms = geoms[present]
    types = shapely.get_type_id(geoms)
    bad = ~np.isin(types, [3, 6])  # Polygon, MultiPolygon
    if bad.any():
        problems.append(f"{int(bad.sum())} feature(s) are not polygons (points or lines); exclusion areas must be "
                        "polygons — buffer them first (e.g. QGIS 'Buffer') if they mark sites or corridors")
    invalid = ~shapely.is_valid(geoms)
    if invalid.any() and not bad.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        notes.append(Note("exclusion.repaired", name=name, n=int(invalid.sum())))
    if problems:
        raise LayerValidationError(problems, layer=f"exclusion areas {name!r}")
    s = gpd.GeoSeries(geoms, crs=item.crs)
    if not s.crs.equals(grid.crs):
        notes.append(Note("exclusion.reprojected", name=name, crs=s.crs.to_string()[:60]))
        s = s.to_crs(grid.crs)
    return s.values


def exclusion_mask(
    exclusion: gpd.GeoDataFrame | gpd.GeoSeries | str | os.PathLike | Iterable[object],
    grid: Grid,
    *,
    out: np.ndarray | None = None,
) -> tuple[np.ndarray, list[str], list[str]]:
    """Cells restricted by a planner's exclusion areas (polygons or rasters), as a bool mask.

    Parameters
    ----------
    exclusion : GeoDataFrame, GeoSeries, path or a list of them
        Polygons (any CRS; invalid ones are repaired with a note) or rasters (any CRS; a cell
        is restricted where the raster is non-zero; read with nearest resampling). A path
        ending in one of :data:`RASTER_SUFFIXES` is a raster, any other a vector file.
    grid : Grid
    out : numpy.ndarray of bool, optional
        Mask to OR into (e.g. the slope limit's).

    Returns
    -------
    (numpy.ndarray, list of str, list of str)
        The mask, the sources (file names) and notes (repairs).

    Raises
    ------
    CRSError, LayerValidationError, RasterError
        No CRS, non-polygon features, unusable rasters.

    Examples
    --------
    >>> from affine import Affine
    >>> from shapely.geometry import box
    >>> g = Grid(Affine(1000, 0, 0, 0, -1000, 3000), (3, 3))
    >>> ex = gpd.GeoDataFrame(geometry=[box(0, 2000, 1000, 3000)], crs=g.crs)
    >>> m, src, notes = exclusion_mask(ex, g)
    >>> m.astype(int).tolist(), src
    ([[1, 0, 0], [0, 0, 0], [0, 0, 0]], ['exclusion areas (in-memory layer)'])
    """
    mask = out if out is not None else np.zeros(grid.shape, dtype=bool)
    items = [exclusion] if isinstance(exclusion, (gpd.GeoDataFrame, gpd.GeoSeries, str, os.PathLike)) else list(exclusion)
    sources: list[str] = []
    notes: list[str] = []
    for item in items:
        if isinstance(item, (str, os.PathLike)) and Path(item).suffix.lower() in RASTER_SUFFIXES:
            r = read_raster_to_grid(item, transform=grid.transform, shape=grid.shape, crs=grid.crs,
                                    resampling="nearest", name=Path(item).name)
            mask |= np.isfinite(r) & (r != 0)
            sources.append(Note("exclusion.raster", name=Path(item).name))
            continue
        if isinstance(item, (str, os.PathLike)):
            name = Path(item).name
            gdf = read_vector(item)
        elif isinstance(item, (gpd.GeoDataFrame, gpd.GeoSeries)):
            name, gdf = Note("exclusion.in_memory"), item
        else:
            msg = f"`exclusion` items must be GeoDataFrames or file paths, got {type(item).__name__}"
            raise PlannerError(msg)
        geoms = _as_geoms(gdf, grid, name, notes)
        if len(geoms):
            burn = rasterio.features.rasterize(((g, 1) for g in geoms), out_shape=grid.shape,
                                               transform=grid.transform, dtype="uint8")
            mask |= burn.view(bool)
        sources.append(Note("exclusion.areas", name=name))
    return mask, sources, notes


def encode_surface(
    surface: np.ndarray,
    restricted: np.ndarray,
    land: np.ndarray,
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """One float32 array with the output codes (see the module table).

    Examples
    --------
    >>> s = np.array([0.4, np.nan, 0.9, 0.7], np.float32)
    >>> encode_surface(s, np.array([0, 1, 1, 0], bool), np.array([1, 1, 1, 0], bool)).tolist()
    [0.4000000059604645, -1.0, -1.0, -9999.0]
    """
    if out is None:
        out = np.empty(surface.shape, dtype=np.float32)
    np.copyto(out, surface)
    np.copyto(out, np.float32(NODATA), where=np.isnan(surface))
    np.copyto(out, np.float32(RESTRICTED), where=restricted)
    np.copyto(out, np.float32(NODATA), where=~land)
    return out


def decode_surface(coded: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split a coded array back into (surface with NaN, restricted mask, no-data mask).

    Examples
    --------
    >>> s, r, nd = decode_surface(np.array([0.5, -1, -9999], np.float32))
    >>> s.tolist(), r.tolist(), nd.tolist()
    ([0.5, nan, nan], [False, True, False], [False, False, True])
    """
    c = np.asarray(coded, dtype=np.float32)
    restricted = c == np.float32(RESTRICTED)
    nodata = (c == np.float32(NODATA)) | np.isnan(c)
    surface = np.where(restricted | nodata, np.float32(np.nan), c).astype(np.float32)
    return surface, restricted, nodata
