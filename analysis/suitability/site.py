"""A stage's suitability surface over Guangdong and its zonal summary: the fit's ``site`` component.

:func:`compute_site_scores` runs the whole pipeline — criteria (distances, slope, urban
share, a planner's rasters), rescaling, weighted overlay, constraints, zonal statistics —
in memory with numpy (default), one criterion at a time into reused float32 buffers, or
chunk by chunk on dask (``chunks=``; see :mod:`analysis.suitability.chunked`).
"""
from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from affine import Affine

import analysis.suitability.chunked as chunked  # the module, not the package (no import cycle)
from analysis.notes import Note
from analysis.suitability.criteria import distance_to_features, padded_grid, slope_degrees, urban_share
from analysis.suitability.grid import DEFAULT_RESOLUTION_M, Grid, guangdong_grid, land_mask
from analysis.suitability.overlay import CODE_TAGS, accumulate, encode_surface, exclusion_mask
from analysis.suitability.plan import CriterionInput, CriterionPlan, normalised_weights, plan_criteria
from analysis.suitability.rules import CRITERIA, criterion_name_zh, read_site_criteria, rules_for_stage
from analysis.suitability.zonal import DEFAULT_THRESHOLD, Zones, zones_from_buffers, zones_from_polygons
from geo.errors import PlannerError, UnknownNameError
from geo.io import atomic_path
from geo.raster import read_raster_to_grid
from geo.writers import export_geotiff
from layers.boundaries import load_boundaries
from layers.places import load_places

__all__ = ["PARK_BUFFER_KM", "KEEP_CRITERIA_MAX_CELLS", "Progress", "SuitabilityResult", "compute_site_scores",
           "raw_criterion"]

log = logging.getLogger(__name__)

#: ASSUMPTION: zonal statistics of named parks use a buffer of this radius (km) around each park's point.
PARK_BUFFER_KM: float = 10.0
#: Criterion rasters are kept in the result (``keep_criteria=None``) up to this many cells (250 m: 7.4 M).
KEEP_CRITERIA_MAX_CELLS: int = 10_000_000
#: ``progress(fraction 0..1, message)``
Progress = Callable[[float, str], None]


@dataclasses.dataclass
class SuitabilityResult:
    """A stage's suitability over Guangdong.

    Attributes
    ----------
    surface : numpy.ndarray or dask.array.Array
        float32 0..1 (1 best), NaN = no data (outside the province or an input had none).
        Restricted cells keep their score here; :meth:`coded` replaces it by -1.
    restricted : numpy.ndarray or dask.array.Array
        bool, a rule removed the cell (exclusion area or a criterion limit).
    land : numpy.ndarray or dask.array.Array
        bool, cell centre inside the province.
    criteria : dict of str -> numpy.ndarray
        Raw criterion rasters (km, degrees, share), when kept.
    table : pandas.DataFrame
        One row per criterion: label, unit, weight (normalised), rescaling, limit, source, note.
    zonal : pandas.DataFrame
        Per unit of ``level``: adcode, site_mean, site_share, cells, cells_restricted, cells_nodata.
    park_zonal : pandas.DataFrame or None
        The same within ``PARK_BUFFER_KM`` of each named park (id, ...).
    sources, assumptions : list of str
        :class:`~analysis.notes.Note` sentences (a planner's file names and the criteria table's
        notes as given).
    """

    stage: str
    origin: str | None
    level: str
    grid: Grid
    surface: Any
    restricted: Any
    land: Any
    criteria: dict[str, np.ndarray]
    table: pd.DataFrame
    zonal: pd.DataFrame
    park_zonal: pd.DataFrame | None
    threshold: float
    sources: list[str]
    assumptions: list[str]

    def coded(self) -> Any:
        """One float32 raster: 0..1, -1 restricted, -9999 no data (numpy, or dask for a chunked run)."""
        if isinstance(self.surface, np.ndarray):
            return encode_surface(self.surface, self.restricted, self.land)
        return chunked.encode_lazy(self.surface, self.restricted, self.land)

    def site_component(self, column: str = "site_mean") -> pd.Series:
        """``column`` (``site_mean`` or ``site_share``) per adcode: the fit's ``site`` component.

        NaN where a unit has no unrestricted land with data (e.g. wholly excluded).
        """
        if column not in ("site_mean", "site_share"):
            msg = f"`column` must be 'site_mean' or 'site_share', got {column!r}"
            raise PlannerError(msg)
        return self.zonal.set_index("adcode")[column].rename("site")

    def write(self, path: str | os.PathLike, *, crs: str | None = None, progress: Progress | None = None) -> Path:
        """Write the coded surface as a Cloud-Optimised GeoTIFF (codes and sources in its metadata).

        Without ``crs`` the file stays on the equal-area analysis grid (cells keep their area).
        With ``crs`` (an export CRS, :data:`geo.crs.EXPORT_CRS`) it is warped into that CRS with
        **nearest-neighbour** resampling: each cell takes the value of one analysis cell, so the
        codes stay exact and apart (-1 restricted, -9999 no data never blend with each other or
        with a 0..1 score, as bilinear or average resampling would make them) and no score is
        invented between cells.
        """
        tags = {**CODE_TAGS, "STAGE": self.stage, "ORIGIN": self.origin or "",
                "SOURCES": " | ".join(self.sources), "ASSUMPTIONS": " | ".join(self.assumptions)}
        return export_geotiff(self.coded(), self.grid.transform, self.grid.crs, path, to_crs=crs, tags=tags,
                              descriptions=[f"suitability {self.stage}"], progress=progress)

    def write_criteria(self, path: str | os.PathLike, *, crs: str | None = None,
                       progress: Progress | None = None) -> Path:
        """Write the kept criterion rasters as one multi-band COG GeoTIFF (band descriptions = criterion ids).

        ``crs`` as in :meth:`write`: nearest neighbour, so every cell holds a value measured on the grid.
        """
        if not self.criteria:
            msg = "no criterion rasters were kept; run compute_site_scores(..., keep_criteria=True)"
            raise PlannerError(msg)
        names = list(self.criteria)
        stack = _Stack([self.criteria[n] for n in names])
        src = self.table.set_index("criterion")["source"]
        tags = {f"SOURCE_{n.upper()}": str(src.get(n, "")) for n in names}
        return export_geotiff(stack, self.grid.transform, self.grid.crs, path, to_crs=crs, tags=tags,
                              descriptions=names, progress=progress)

    def write_zonal(self, path: str | os.PathLike) -> Path:
        """Write the zonal table as UTF-8 CSV (written whole, then renamed into place)."""
        path = Path(path)
        with atomic_path(path) as tmp:
            self.zonal.to_csv(tmp, index=False, encoding="utf-8")
        return path


class _Stack:
    """(bands, rows, cols) view over separate 2-D arrays, sliced by rows without stacking them."""

    def __init__(self, layers: list[np.ndarray]) -> None:
        self.layers = layers
        self.shape = (len(layers), *layers[0].shape)

    def __getitem__(self, key: tuple[slice, slice]) -> np.ndarray:
        return np.stack([a[key[1]] for a in self.layers])


@lru_cache(maxsize=6)
def _level_zones(level: str, transform: Affine, shape: tuple[int, int]) -> Zones:
    return zones_from_polygons(load_boundaries(level), Grid(transform, shape), id_column="adcode")


@lru_cache(maxsize=3)
def _park_zones(transform: Affine, shape: tuple[int, int], radius_m: float) -> Zones:
    parks = load_places(kinds=["park", "dyeing_park"])
    return zones_from_buffers(parks, Grid(transform, shape), radius_m=radius_m, id_column="id")


def raw_criterion(
    plan: CriterionPlan, grid: Grid, *, out: np.ndarray | None = None, indices: np.ndarray | None = None
) -> np.ndarray:
    """Compute one criterion's raw raster on the whole grid (float32, NaN = no data).

    Examples
    --------
    >>> from analysis.suitability.rules import rules_for_stage
    >>> g = guangdong_grid(resolution_m=5000)
    >>> plans, _ = plan_criteria("apparel", rules_for_stage("apparel"), g)
    >>> a = raw_criterion(plans[0], g)
    >>> plans[0].name, a.dtype.name, float(np.nanmin(a))
    ('port_km', 'float32', 0.0)
    """
    kw = dict(transform=grid.transform, shape=grid.shape, crs=grid.crs)
    if plan.kind == "distance":
        return distance_to_features(plan.geoms, grid, out=out, indices=indices)
    if plan.kind == "raster":
        return read_raster_to_grid(plan.info.path, resampling=plan.resampling, info=plan.info, out=out, **kw)
    if plan.kind == "slope":
        dem = read_raster_to_grid(plan.info.path, resampling="bilinear", info=plan.info, **kw)
        return slope_degrees(dem, grid.resolution_m, out=out)
    if plan.kind == "urban":
        classes = read_raster_to_grid(plan.info.path, resampling="nearest", info=plan.info, **kw)
        return urban_share(classes, grid.resolution_m, radius_m=plan.radius_m, out=out)
    msg = f"unknown criterion plan kind {plan.kind!r}"
    raise PlannerError(msg)


def _criteria_table(plans: list[CriterionPlan], w: dict[str, float]) -> pd.DataFrame:
    rows = []
    for p in plans:
        unit, en, zh = CRITERIA.get(p.name, ("", p.name, p.name))
        rows.append({
            "criterion": p.name, "label_en": en, "label_zh": zh, "unit": unit,
            "weight": w.get(p.name, 0.0), "method": p.rule.rescale.method,
            "breakpoints": ";".join(f"{b:g}" for b in p.rule.rescale.breakpoints),
            "limit": p.rule.limit, "source": p.source, "note": p.rule.note,
        })
    return pd.DataFrame(rows)


def compute_site_scores(
    stage: str,
    *,
    origin: str | None = None,
    level: str = "county",
    resolution_m: float = DEFAULT_RESOLUTION_M,
    dem: str | os.PathLike | None = None,
    criteria: Mapping[str, str | os.PathLike | CriterionInput] | None = None,
    exclusion: gpd.GeoDataFrame | str | os.PathLike | Iterable[object] | None = None,
    weights: Mapping[str, float] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    park_buffer_km: float | None = PARK_BUFFER_KM,
    table: pd.DataFrame | str | os.PathLike | None = None,
    keep_criteria: bool | None = None,
    chunks: int | None = None,
    progress: Progress | None = None,
) -> SuitabilityResult:
    """Suitability surface of ``stage`` over Guangdong and its zonal statistics per unit.

    Parameters
    ----------
    stage : str
        Stage id (e.g. ``"dyeing"``); its criteria come from ``data/model/site_criteria.csv``.
    origin : str, optional
        Origin county or city (adcode or name): enables ``origin_km``.
    level : {"county", "city"}
        Units of the zonal table.
    resolution_m : float
        Cell size: 1000 (default), 250 or 100 m (any divisor or multiple of 1 km).
    dem : path, optional
        A planner's DEM (any CRS) replacing the embedded 9 km elevation for the slope.
    criteria : mapping, optional
        Criterion id -> a planner's raster path or :class:`CriterionInput` (replace or add).
    exclusion : GeoDataFrame, path or list, optional
        Areas where building is ruled out (polygons or rasters, any CRS): restricted.
    weights : mapping, optional
        Criterion id -> weight, replacing the table's weights (criteria not named get 0).
    threshold : float
        Suitability counted as "suitable" in ``site_share`` (ASSUMPTION, default 0.6).
    park_buffer_km : float, optional
        Radius of the park buffers of ``park_zonal``; None to skip.
    table : DataFrame or path, optional
        Another criteria table (same columns as the default).
    keep_criteria : bool, optional
        Keep the raw criterion rasters (default: when the grid has at most 10 M cells).
    chunks : int, optional
        Run chunk by chunk on dask with square chunks of this many cells (on the active dask
        scheduler, e.g. a ``dask.distributed.Client``); arrays in the result are then lazy.
    progress : callable, optional
        ``progress(fraction, message)`` after each step.

    Returns
    -------
    SuitabilityResult

    Examples
    --------
    >>> r = compute_site_scores("dyeing", resolution_m=5000)
    >>> list(r.zonal.columns)[:3], len(r.zonal)
    (['adcode', 'site_mean', 'site_share'], 124)
    >>> bool(((r.zonal["site_mean"] >= 0) & (r.zonal["site_mean"] <= 1)).all())
    True
    """
    if level not in ("county", "city"):
        msg = f"`level` must be 'county' or 'city', got {level!r}"
        raise UnknownNameError(msg)
    if not (isinstance(threshold, (int, float)) and 0 <= threshold <= 1):
        msg = f"`threshold` must be a suitability between 0 and 1, got {threshold!r}"
        raise PlannerError(msg)
    report = progress or (lambda f, m: None)
    grid = guangdong_grid(resolution_m=resolution_m)
    t = table if isinstance(table, pd.DataFrame) or table is None else read_site_criteria(table)
    rules = rules_for_stage(stage, table=t)
    plans, notes = plan_criteria(stage, rules, grid, origin=origin, dem=dem, criteria=criteria, weights=weights)
    w = normalised_weights([p.rule for p in plans])
    sources: list[str] = [Note("site.source", criterion=p.name, name_zh=criterion_name_zh(p.name), source=p.source)
                          for p in plans]
    assumptions: list[str] = [Note("site.rule_note", rule=p.rule.describe(), note=p.rule.note,
                                   note_zh=p.rule.note_zh or p.rule.note) for p in plans]
    assumptions += notes + [n for p in plans for n in p.notes]
    assumptions.append(Note("site.threshold", threshold=float(threshold)))
    keep = keep_criteria if keep_criteria is not None else grid.size <= KEEP_CRITERIA_MAX_CELLS
    if park_buffer_km:
        assumptions.append(Note("site.park_zonal", km=float(park_buffer_km)))
    if chunks is not None:
        zones = _level_zones(level, grid.transform, tuple(grid.shape))
        parks = _park_zones(grid.transform, tuple(grid.shape), float(park_buffer_km) * 1000.0) if park_buffer_km else None
        surface, restricted, land, ex_src, ex_notes = chunked.lazy_surface(plans, w, grid, exclusion=exclusion,
                                                                           chunks=chunks)
        report(0.5, "graph built")
        zonal, park_zonal = chunked.lazy_zonal(surface, restricted, [zones] + ([parks] if parks else []),
                                               threshold=threshold, chunks=chunks)
        report(1.0, "done")
        return SuitabilityResult(stage, origin, level, grid, surface, restricted, land, {},
                                 _criteria_table(plans, w), zonal, park_zonal, threshold,
                                 sources + ex_src, assumptions + ex_notes + [
                                     Note("site.dask", chunks=int(chunks))])

    land = land_mask(grid)
    surface = np.zeros(grid.shape, dtype=np.float32)
    restricted = np.zeros(grid.shape, dtype=bool)
    buf = np.empty(grid.shape, dtype=np.float32)
    kept: dict[str, np.ndarray] = {}
    n = len(plans) + 2
    last_distance = max((i for i, p in enumerate(plans) if p.kind == "distance"), default=-1)
    # one feature-transform buffer (on the padded grid) shared by every distance criterion
    ft = np.empty((2, *padded_grid(grid)[0].shape), dtype=np.int32) if last_distance >= 0 else None
    for i, plan in enumerate(plans):
        report(i / n, f"criterion {plan.name}")
        raw = raw_criterion(plan, grid, out=buf, indices=ft)
        if i == last_distance:
            ft = None  # free it before the raster criteria
        if keep:
            kept[plan.name] = raw.copy()
        if plan.rule.limit is not None:
            restricted |= raw > np.float32(plan.rule.limit)
        if plan.name in w:
            score = plan.rule.rescale.apply(raw, out=raw)
            accumulate(surface, score, w[plan.name])
    del buf
    report((n - 2) / n, "constraints")
    if exclusion is not None:
        _, ex_src, ex_notes = exclusion_mask(exclusion, grid, out=restricted)
        sources += ex_src
        assumptions += ex_notes
    restricted &= land
    surface[~land] = np.nan
    report((n - 1) / n, "zonal statistics")
    # zones rasterised once per grid (cached), after the criteria so their buffers are not held during them
    zones = _level_zones(level, grid.transform, tuple(grid.shape))
    parks = _park_zones(grid.transform, tuple(grid.shape), float(park_buffer_km) * 1000.0) if park_buffer_km else None
    zonal = zones.stats(surface, restricted, threshold=threshold)
    park_zonal = parks.stats(surface, restricted, threshold=threshold) if parks else None
    report(1.0, "done")
    log.info("suitability %s at %g m: %d criteria, %d restricted cells", stage, grid.resolution_m, len(plans),
             int(restricted.sum()))
    return SuitabilityResult(stage, origin, level, grid, surface, restricted, land, kept, _criteria_table(plans, w),
                             zonal, park_zonal, threshold, sources, assumptions)
