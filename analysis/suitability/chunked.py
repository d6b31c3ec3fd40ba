"""The suitability pipeline chunk by chunk on dask, for grids larger than one machine's memory.

The in-memory path (:func:`analysis.suitability.site.compute_site_scores`) holds whole
float32 layers; all of China at 100 m (about 960 M cells, about 4 GB a layer) or 30 m does
not fit. Here every step works on one square chunk of the grid at a time, so the same plan
runs on a laptop's threads or on a ``dask.distributed`` cluster:

- land mask, zone labels and exclusion polygons are rasterised per chunk window (the same
  cell-centre rule as the whole-grid rasterisation, so the same cells);
- distances: the target cells are rasterised per chunk and gathered (a small list even for a
  dense road network), then each chunk asks a KD-tree for its nearest target cell — exactly
  the Euclidean distance transform of the in-memory path;
- rasters (a planner's DEM, land cover) are read per chunk window through ``WarpedVRT`` with
  the exact transformer, so values do not depend on the chunk layout;
- slope and urban share need neighbours: :func:`dask.array.map_overlap` gives each chunk a
  halo (1 cell for slope, the urban radius for the share);
- overlay and constraints are the same float32 operations per chunk, and zonal sums are
  per-chunk :func:`numpy.bincount` results added up.

Pointing it at a cluster::

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")      # or Client(LocalCluster(n_workers=4))
    result = compute_site_scores("dyeing", resolution_m=100, chunks=2048)
    result.write("dyeing_100m.tif")             # computed and written block by block

Workers need this project and its data files importable (same paths or the package installed).
"""
from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.features
import shapely
from affine import Affine
from scipy.spatial import cKDTree

from analysis.notes import Note
from analysis.suitability.criteria import padded_grid, slope_degrees, urban_share
from analysis.suitability.grid import Grid
from analysis.suitability.overlay import RASTER_SUFFIXES, _as_geoms, accumulate, encode_surface
from analysis.suitability.plan import CriterionPlan
from analysis.suitability.zonal import Zones, _table, block_sums
from geo.errors import PlannerError
from geo.io import read_vector
from geo.raster import RasterInfo, read_raster_to_grid, validate_raster
from layers.boundaries import load_boundaries

try:  # optional: only the chunked path needs dask
    import dask
    import dask.array as da
except ImportError:  # pragma: no cover - exercised only without dask
    dask = da = None

__all__ = ["require_dask", "lazy_surface", "lazy_zonal", "encode_lazy"]

_HINT = "pip install 'dask[array]==2026.8.0' 'distributed==2026.8.0'"
#: rasterio silences its own warnings with ``warnings.catch_warnings``, which is not thread-safe: calls into
#: rasterio from the threads of one worker take turns (separate worker processes still run in parallel).
_RASTERIO_LOCK = threading.Lock()


def require_dask() -> None:
    """Raise a clear error with the install command when dask is missing.

    Examples
    --------
    >>> require_dask()
    """
    if da is None:
        msg = f"the chunked (dask) path needs dask; install it with {_HINT}, or leave `chunks` unset"
        raise PlannerError(msg)


def _loc(block_info: dict | None) -> tuple[int, int, int, int]:
    (r0, r1), (c0, c1) = block_info[None]["array-location"]
    return r0, r1, c0, c1


def _wtransform(t: Affine, r0: int, c0: int) -> Affine:
    return t @ Affine.translation(c0, r0)


def _burn_block(tmpl: np.ndarray, *, geoms: np.ndarray, values: np.ndarray, transform: Affine, out_dtype: str,
                all_touched: bool, block_info: dict | None = None) -> np.ndarray:
    r0, r1, c0, c1 = _loc(block_info)
    out = np.zeros((r1 - r0, c1 - c0), dtype=out_dtype)
    x0, y0 = transform @ (c0, r0)
    x1, y1 = transform @ (c1, r1)
    hit = shapely.intersects(geoms, shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    if hit.any():
        with _RASTERIO_LOCK:
            rasterio.features.rasterize(zip(geoms[hit], values[hit].tolist()), out=out,
                                        transform=_wtransform(transform, r0, c0), all_touched=all_touched)
    return out


def _burn(grid: Grid, tmpl: Any, geoms: Sequence[Any], values: Sequence[int] | None = None, *,
          dtype: str = "uint8", all_touched: bool = False) -> Any:
    """Lazy raster of ``geoms`` burnt chunk by chunk (each chunk burns only the geometries meeting it)."""
    g = np.asarray(list(geoms), dtype=object)
    keep = ~(shapely.is_missing(g) | shapely.is_empty(g)) if len(g) else np.zeros(0, bool)
    v = np.ones(len(g), np.int64) if values is None else np.asarray(values, np.int64)
    return da.map_blocks(_burn_block, tmpl, dtype=dtype, out_dtype=dtype, geoms=g[keep], values=v[keep],
                         transform=grid.transform, all_touched=all_touched, meta=np.zeros((0, 0), dtype),
                         name=f"burn-{uuid.uuid4().hex}")


def _target_cells(targets: Any) -> np.ndarray:
    """(n, 2) global (row, col) of the non-zero cells of a lazy uint8 raster, gathered chunk by chunk."""
    offs_r = np.cumsum((0,) + targets.chunks[0][:-1])
    offs_c = np.cumsum((0,) + targets.chunks[1][:-1])
    blocks = targets.to_delayed()
    parts = [dask.delayed(_nonzero)(blocks[i, j], int(offs_r[i]), int(offs_c[j]))
             for i in range(blocks.shape[0]) for j in range(blocks.shape[1])]
    found = dask.compute(*parts)
    return np.concatenate(found) if found else np.zeros((0, 2), np.int64)


def _nonzero(block: np.ndarray, r0: int, c0: int) -> np.ndarray:
    rc = np.argwhere(block)
    rc[:, 0] += r0
    rc[:, 1] += c0
    return rc


def _distance_block(tmpl: np.ndarray, *, tree: cKDTree, res_km: float, block_info: dict | None = None) -> np.ndarray:
    r0, r1, c0, c1 = _loc(block_info)
    rr, cc = np.meshgrid(np.arange(r0, r1, dtype=np.float64) * res_km, np.arange(c0, c1, dtype=np.float64) * res_km,
                         indexing="ij")
    d, _ = tree.query(np.column_stack([rr.ravel(), cc.ravel()]), k=1)
    return d.astype(np.float32).reshape(r1 - r0, c1 - c0)


def _read_block(tmpl: np.ndarray, *, info: RasterInfo, resampling: str, grid: Grid,
                block_info: dict | None = None) -> np.ndarray:
    r0, r1, c0, c1 = _loc(block_info)
    with _RASTERIO_LOCK:
        return read_raster_to_grid(info.path, transform=grid.transform, shape=grid.shape, crs=grid.crs,
                                   resampling=resampling, info=info, window=(r0, c0, r1 - r0, c1 - c0))


def _slope_overlap(block: np.ndarray, *, res: float) -> np.ndarray:
    return slope_degrees(block, res)


def _urban_overlap(block: np.ndarray, *, res: float, radius_m: float) -> np.ndarray:
    return urban_share(block, res, radius_m=radius_m)


def _lazy_raw(plan: CriterionPlan, grid: Grid, tmpl: Any) -> Any:
    res = grid.resolution_m
    if plan.kind == "distance":
        big, pad = padded_grid(grid)  # targets up to DISTANCE_PAD_M beyond the grid, as in memory
        big_tmpl = da.zeros(big.shape, dtype=np.uint8, chunks=tmpl.chunksize)
        cells = _target_cells(_burn(big, big_tmpl, plan.geoms.values, all_touched=True)) - pad
        if not len(cells):
            msg = f"criterion {plan.name!r}: no target lies on the grid; nothing to measure distance to"
            raise PlannerError(msg)
        tree = cKDTree(cells.astype(np.float64) * (res / 1000.0))
        return da.map_blocks(_distance_block, tmpl, dtype=np.float32, tree=tree, res_km=res / 1000.0,
                             meta=np.zeros((0, 0), np.float32), name=f"distance-{plan.name}-{uuid.uuid4().hex}")
    resampling = {"slope": "bilinear", "urban": "nearest"}.get(plan.kind, plan.resampling)
    raw = da.map_blocks(_read_block, tmpl, dtype=np.float32, info=plan.info, resampling=resampling, grid=grid,
                        meta=np.zeros((0, 0), np.float32))
    if plan.kind == "raster":
        return raw
    if plan.kind == "slope":
        return raw.map_overlap(_slope_overlap, depth=1, boundary="none", dtype=np.float32, res=res,
                               meta=np.zeros((0, 0), np.float32))
    if plan.kind == "urban":
        k = int(np.floor(plan.radius_m / res + 1e-9))
        if k >= min(min(c) for c in tmpl.chunks):
            msg = (f"`chunks` must be larger than the urban radius in cells ({k}); use chunks of at least {k + 1} "
                   f"cells at {res:g} m")
            raise PlannerError(msg)
        return raw.map_overlap(_urban_overlap, depth=k, boundary=np.nan, dtype=np.float32, res=res,
                               radius_m=plan.radius_m, meta=np.zeros((0, 0), np.float32))
    msg = f"unknown criterion plan kind {plan.kind!r}"
    raise PlannerError(msg)


def _overlay_block(land: np.ndarray, *raws: np.ndarray, rules: Sequence[tuple[Any, float, float | None]]) -> np.ndarray:
    """Surface (float32, NaN = no data) of one chunk; same operations, in the same order, as in memory."""
    surface = np.zeros(land.shape, dtype=np.float32)
    for raw, (rescale, w, _limit) in zip(raws, rules):
        if w > 0:
            score = rescale.apply(raw, out=np.array(raw, dtype=np.float32, copy=True))
            accumulate(surface, score, w)
    surface[~land] = np.nan
    return surface


def _restricted_block(land: np.ndarray, excluded: np.ndarray, *raws: np.ndarray,
                      limits: Sequence[float | None]) -> np.ndarray:
    out = excluded.astype(bool, copy=True)
    for raw, lim in zip(raws, limits):
        if lim is not None:
            out |= raw > np.float32(lim)
    return out & land


def _lazy_exclusion(exclusion: Any, grid: Grid, tmpl: Any) -> tuple[Any, list[str], list[str]]:
    items = ([exclusion] if isinstance(exclusion, (gpd.GeoDataFrame, gpd.GeoSeries, str, os.PathLike))
             else list(exclusion))
    sources: list[str] = []
    notes: list[str] = []
    mask = da.zeros(grid.shape, dtype=bool, chunks=tmpl.chunks)
    for item in items:
        if isinstance(item, (str, os.PathLike)) and os.fspath(item).lower().endswith(RASTER_SUFFIXES):
            info = validate_raster(item)
            r = da.map_blocks(_read_block, tmpl, dtype=np.float32, info=info, resampling="nearest", grid=grid,
                              meta=np.zeros((0, 0), np.float32))
            mask = mask | (da.isfinite(r) & (r != 0))
            sources.append(Note("exclusion.raster", name=info.name))
            continue
        name = os.path.basename(os.fspath(item)) if isinstance(item, (str, os.PathLike)) else Note("exclusion.in_memory")
        gdf = read_vector(item) if isinstance(item, (str, os.PathLike)) else item
        geoms = _as_geoms(gdf, grid, name, notes)
        mask = mask | _burn(grid, tmpl, geoms).astype(bool)
        sources.append(Note("exclusion.areas", name=name))
    return mask, sources, notes


def lazy_surface(
    plans: Sequence[CriterionPlan],
    weights: Mapping[str, float],
    grid: Grid,
    *,
    exclusion: gpd.GeoDataFrame | str | os.PathLike | Iterable[object] | None = None,
    chunks: int = 1024,
) -> tuple[Any, Any, Any, list[str], list[str]]:
    """Lazy (surface, restricted, land) dask arrays of a plan, with exclusion sources and notes.

    Examples
    --------
    >>> from analysis.suitability.grid import guangdong_grid
    >>> from analysis.suitability.plan import plan_criteria, normalised_weights
    >>> from analysis.suitability.rules import rules_for_stage
    >>> g = guangdong_grid(resolution_m=10000)
    >>> plans, _ = plan_criteria("apparel", rules_for_stage("apparel"), g)
    >>> s, r, land, _, _ = lazy_surface(plans, normalised_weights([p.rule for p in plans]), g, chunks=32)
    >>> s.chunksize, str(s.dtype)
    ((32, 32), 'float32')
    """
    require_dask()
    if not (isinstance(chunks, int) and chunks >= 16):
        msg = f"`chunks` must be a chunk size in cells of at least 16, got {chunks!r}"
        raise PlannerError(msg)
    tmpl = da.zeros(grid.shape, dtype=np.uint8, chunks=(chunks, chunks))
    province = load_boundaries("province").to_crs(grid.crs).geometry.iloc[0]
    land = _burn(grid, tmpl, [province]).astype(bool)
    raws = [_lazy_raw(p, grid, tmpl) for p in plans]
    rules = [(p.rule.rescale, float(weights.get(p.name, 0.0)), p.rule.limit) for p in plans]
    surface = da.map_blocks(_overlay_block, land, *raws, dtype=np.float32, rules=rules,
                            meta=np.zeros((0, 0), np.float32))
    sources: list[str] = []
    notes: list[str] = []
    if exclusion is not None:
        excluded, sources, notes = _lazy_exclusion(exclusion, grid, tmpl)
    else:
        excluded = da.zeros(grid.shape, dtype=bool, chunks=tmpl.chunks)
    restricted = da.map_blocks(_restricted_block, land, excluded, *raws, dtype=bool,
                               limits=[p.rule.limit for p in plans], meta=np.zeros((0, 0), bool))
    return surface, restricted, land, sources, notes


def _member_sums(surface: np.ndarray, restricted: np.ndarray, local: np.ndarray, zone: np.ndarray, n: int,
                 threshold: float) -> np.ndarray:
    return block_sums(zone + 1, surface.reshape(-1)[local], restricted.reshape(-1)[local], n, threshold)


def lazy_zonal(
    surface: Any,
    restricted: Any,
    zones: Sequence[Zones],
    *,
    threshold: float,
    chunks: int,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Zonal tables of lazy rasters: per-chunk bincount sums added up (computed on the active scheduler).

    The first zones are the unit level (labels, re-rasterised per chunk from the unit polygons),
    the optional second the park buffers (member lists split by chunk).
    """
    require_dask()
    grid = zones[0].grid
    tmpl = da.zeros(grid.shape, dtype=np.uint8, chunks=(chunks, chunks))
    units = zones[0]
    if units.geoms is None:
        msg = "the first zones must be polygons (zones_from_polygons), re-rasterised chunk by chunk"
        raise PlannerError(msg)
    labels = _burn(grid, tmpl, units.geoms, np.arange(1, len(units.ids) + 1),
                   dtype="uint16" if len(units.ids) < 65535 else "int32")
    n = len(units.ids)
    lab_b, s_b, r_b = labels.to_delayed().ravel(), surface.to_delayed().ravel(), restricted.to_delayed().ravel()
    parts = [dask.delayed(block_sums)(lb, sb, rb, n, threshold) for lb, sb, rb in zip(lab_b, s_b, r_b)]
    jobs = [dask.delayed(sum)(parts)]
    park = zones[1] if len(zones) > 1 else None
    if park is not None:
        zone, flat = park.members
        rows, cols = np.divmod(flat, grid.shape[1])
        offs_r = np.cumsum((0,) + surface.chunks[0])
        offs_c = np.cumsum((0,) + surface.chunks[1])
        bi, bj = np.searchsorted(offs_r, rows, side="right") - 1, np.searchsorted(offs_c, cols, side="right") - 1
        s2, r2 = surface.to_delayed(), restricted.to_delayed()
        pparts = []
        for i in range(s2.shape[0]):
            for j in range(s2.shape[1]):
                sel = (bi == i) & (bj == j)
                if sel.any():
                    local = (rows[sel] - offs_r[i]) * surface.chunks[1][j] + (cols[sel] - offs_c[j])
                    pparts.append(dask.delayed(_member_sums)(s2[i, j], r2[i, j], local, zone[sel], len(park.ids),
                                                             threshold))
        jobs.append(dask.delayed(sum)(pparts) if pparts else dask.delayed(np.zeros)((5, len(park.ids) + 1)))
    done = dask.compute(*jobs)
    unit_table = _table(units.ids, units.id_column, done[0])
    park_table = _table(park.ids, park.id_column, done[1]) if park is not None else None
    return unit_table, park_table


def encode_lazy(surface: Any, restricted: Any, land: Any) -> Any:
    """Coded float32 dask array (0..1, -1 restricted, -9999 no data), chunk by chunk."""
    require_dask()
    return da.map_blocks(encode_surface, surface, restricted, land, dtype=np.float32,
                         meta=np.zeros((0, 0), np.float32))
