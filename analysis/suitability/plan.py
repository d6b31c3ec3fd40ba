"""What each criterion of a run is computed from: a plan shared by the in-memory and the chunked paths.

:func:`plan_criteria` turns a stage, its rules and a planner's files into one
:class:`CriterionPlan` per criterion — distance to which geometries, or which raster read
how — with the source string and notes that go into the result's assumptions. Executing a
plan over the whole grid (:mod:`analysis.suitability.site`) or chunk by chunk
(:mod:`analysis.suitability.chunked`) gives the same numbers.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np

from analysis.notes import Note
from analysis.suitability.criteria import (
    DEFAULT_SOURCES,
    load_airports,
    load_network_lines,
    load_ports,
    origin_geometry,
    related_places,
    related_stages,
)
from analysis.suitability.grid import Grid
from analysis.suitability.rescale import Rescale, parse_breakpoints
from analysis.suitability.rules import CRITERIA, URBAN_RADIUS_M, CriterionRule
from geo.crs import STORAGE_CRS
from geo.data import get_path
from geo.errors import PlannerError, UnknownNameError
from geo.raster import RasterInfo, validate_raster

__all__ = ["CriterionInput", "CriterionPlan", "plan_criteria", "normalised_weights"]


@dataclasses.dataclass(frozen=True)
class CriterionInput:
    """A planner's raster for a criterion: replaces a known one or adds a new one.

    Parameters
    ----------
    path : str or path-like
        GeoTIFF (any CRS) of the criterion's raw values.
    method, breakpoints : optional
        Rescaling (required for a new criterion; for a known one, default its rule's).
    weight : float, optional
        Weight (required for a new criterion).
    limit : float, optional
        Cells above it are restricted.
    resampling : str
        How the raster is resampled onto the grid (``bilinear``; ``nearest`` for classes).
    unit : str
        Unit of the values, for the criteria table.

    Examples
    --------
    >>> CriterionInput("noise.tif", method="small", breakpoints="45;70", weight=0.1).path.name
    'noise.tif'
    """

    path: Path
    method: str | None = None
    breakpoints: str | Sequence[float] | None = None
    weight: float | None = None
    limit: float | None = None
    resampling: str = "bilinear"
    unit: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))


@dataclasses.dataclass(frozen=True)
class CriterionPlan:
    """How to compute one criterion's raw raster.

    ``kind`` is ``distance`` (to ``geoms``, in km), ``raster`` (read ``info`` with
    ``resampling``), ``slope`` (degrees from the DEM ``info``) or ``urban`` (share of IGBP
    urban cells within ``radius_m``, from the land-cover ``info``).
    """

    name: str
    rule: CriterionRule
    kind: str
    source: str
    geoms: gpd.GeoSeries | None = None
    info: RasterInfo | None = None
    resampling: str = "bilinear"
    radius_m: float = URBAN_RADIUS_M
    notes: tuple[str, ...] = ()


def normalised_weights(rules: Sequence[CriterionRule]) -> dict[str, float]:
    """Weights of the scored rules (weight > 0), summing to 1.

    Examples
    --------
    >>> r = Rescale("small", (1, 2))
    >>> normalised_weights([CriterionRule("a", 3, r), CriterionRule("b", 1, r), CriterionRule("c", 0, r)])
    {'a': 0.75, 'b': 0.25}
    """
    scored = {r.criterion: float(r.weight) for r in rules if r.weight > 0}
    total = sum(scored.values())
    if total <= 0:
        msg = "no criterion has a positive weight; give at least one criterion a weight above 0"
        raise PlannerError(msg)
    return {k: v / total for k, v in scored.items()}


def _apply_overrides(
    rules: list[CriterionRule],
    *,
    weights: Mapping[str, float] | None,
    criteria: Mapping[str, str | os.PathLike | CriterionInput] | None,
) -> tuple[list[CriterionRule], dict[str, CriterionInput], list[str]]:
    notes: list[str] = []
    inputs: dict[str, CriterionInput] = {}
    by_name = {r.criterion: r for r in rules}
    for name, given in (criteria or {}).items():
        ci = given if isinstance(given, CriterionInput) else CriterionInput(Path(given))
        inputs[name] = ci
        base = by_name.get(name)
        if base is None and (ci.method is None or ci.breakpoints is None or ci.weight is None):
            msg = (f"criterion {name!r} is new (known: {', '.join(CRITERIA)}); give its method, breakpoints and weight, "
                   f"e.g. CriterionInput({ci.path.name!r}, method='small', breakpoints='45;70', weight=0.1)")
            raise UnknownNameError(msg)
        method = ci.method or base.rescale.method
        bps = parse_breakpoints(ci.breakpoints, criterion=name) if ci.breakpoints is not None else base.rescale.breakpoints
        by_name[name] = CriterionRule(
            criterion=name,
            weight=float(ci.weight) if ci.weight is not None else base.weight,
            rescale=Rescale(method, bps, criterion=name),
            limit=ci.limit if ci.limit is not None else (base.limit if base else None),
            note=(base.note if base else Note("criterion_note.planner", name=ci.path.name)),
        )
    if weights is not None:
        unknown = sorted(set(weights) - set(by_name))
        if unknown:
            msg = f"`weights` name unknown criteria {unknown}; use some of {sorted(by_name)}"
            raise UnknownNameError(msg)
        bad = {k: v for k, v in weights.items() if not (isinstance(v, (int, float)) and np.isfinite(v) and v >= 0)}
        if bad:
            msg = f"`weights` must be finite numbers >= 0, got {bad}"
            raise PlannerError(msg)
        by_name = {k: dataclasses.replace(r, weight=float(weights.get(k, 0.0))) for k, r in by_name.items()}
        notes.append(Note("site.weights_user", weights={str(k): float(v) for k, v in weights.items()}))
    return list(by_name.values()), inputs, notes


def plan_criteria(
    stage: str,
    rules: list[CriterionRule],
    grid: Grid,
    *,
    origin: str | None = None,
    dem: str | os.PathLike | None = None,
    criteria: Mapping[str, str | os.PathLike | CriterionInput] | None = None,
    weights: Mapping[str, float] | None = None,
) -> tuple[list[CriterionPlan], list[str]]:
    """One plan per criterion that is scored (weight > 0) or restricts (has a limit).

    ``origin_km`` is left out when no origin is given (said in the notes). A planner's
    ``dem`` replaces the default elevation for ``slope_deg``; ``criteria`` maps a criterion to
    a planner's raster (any CRS), replacing the default or adding a new criterion.

    Returns
    -------
    (list of CriterionPlan, list of str)
        Plans, and notes for the assumptions.

    Examples
    --------
    >>> from analysis.suitability.grid import guangdong_grid
    >>> from analysis.suitability.rules import rules_for_stage
    >>> plans, notes = plan_criteria("dyeing", rules_for_stage("dyeing"), guangdong_grid(resolution_m=5000))
    >>> [p.kind for p in plans][:3], notes[0][:39]
    (['distance', 'distance', 'distance'], 'origin_km not used: no origin was given')
    """
    rules, inputs, notes = _apply_overrides(rules, weights=weights, criteria=criteria)
    plans: list[CriterionPlan] = []
    for rule in rules:
        name = rule.criterion
        if rule.weight <= 0 and rule.limit is None:
            continue
        if name == "origin_km" and origin is None and name not in inputs:
            notes.append(Note("site.origin_unused"))
            continue
        if name in inputs:
            ci = inputs[name]
            info = validate_raster(ci.path, name=ci.path.name)
            plans.append(CriterionPlan(name, rule, "raster", Note("criterion_source.raster", name=ci.path.name), info=info,
                                       resampling=ci.resampling, notes=info.notes))
            continue
        if name == "slope_deg":
            if dem is not None:
                info = validate_raster(dem, name=Path(dem).name)
                plans.append(CriterionPlan(name, rule, "slope", Note("criterion_source.dem", name=Path(dem).name),
                                           info=info, notes=info.notes))
            else:
                info = validate_raster(get_path("site_elevation"))
                plans.append(CriterionPlan(name, rule, "slope", DEFAULT_SOURCES[name], info=info,
                                           notes=(Note("site.slope_embedded"),)))
            continue
        if name == "urban_share":
            info = validate_raster(get_path("site_landcover"))
            plans.append(CriterionPlan(name, rule, "urban", DEFAULT_SOURCES[name], info=info, resampling="nearest",
                                       notes=(Note("site.urban_share", radius_km=URBAN_RADIUS_M / 1000),)))
            continue
        if name in ("port_km", "airport_km", "road_km", "rail_km"):
            gdf = {"port_km": load_ports, "airport_km": load_airports,
                   "road_km": lambda: load_network_lines("roads"), "rail_km": lambda: load_network_lines("rail")}[name]()
            plans.append(CriterionPlan(name, rule, "distance", DEFAULT_SOURCES[name], geoms=gdf.geometry.to_crs(grid.crs)))
            continue
        if name == "related_km":
            places = related_places(stage)
            stages = related_stages(stage)
            src = Note("criterion_source.related_km", n=len(places), stages=[str(s) for s in stages])
            plans.append(CriterionPlan(name, rule, "distance", src, geoms=places.geometry.to_crs(grid.crs)))
            continue
        if name == "origin_km":
            geom, label = origin_geometry(origin)
            plans.append(CriterionPlan(name, rule, "distance", Note("criterion_source.origin", label=label),
                                       geoms=gpd.GeoSeries([geom], crs=STORAGE_CRS).to_crs(grid.crs)))
            continue
        msg = f"criterion {name!r} has no default data; give a raster for it with `criteria={{{name!r}: 'file.tif'}}`"
        raise UnknownNameError(msg)
    return plans, notes
