"""Exclusion areas (e.g. an ecological red line, 生态保护红线) turned into excluded units.

A planner's exclusion layer is polygons; the fit excludes whole units. A unit is excluded
when at least ``min_share`` of its area lies inside the areas (ASSUMPTION, default 0.5,
editable). Areas are measured in the equal-area analysis CRS, vectorised with shapely 2.

The areas are checked by the one validator of :mod:`geo.validate` (the command line and the
app read files through it too): a self-intersecting polygon is refused, not repaired into
something that may cover nothing. Large layers (100,000 features) take seconds: an STRtree
pairs units with the polygons that touch them, a unit whose touching polygons cannot reach
``min_share`` even all together is settled without any overlay, and when the polygons form a
coverage (no two overlap, as a red line does) a unit's covered area is the sum of its pieces,
with only the polygons crossing its border clipped; overlapping polygons are dissolved unit by
unit. A layer that would exclude every receiving unit is refused: nothing would be left to rank.

Examples
--------
>>> import geopandas as gpd, shapely
>>> from layers.boundaries import load_boundaries
>>> zc = load_boundaries("county").set_index("adcode").loc[["440118"]]
>>> areas = gpd.GeoDataFrame(geometry=[zc.geometry.iloc[0].buffer(0.01)], crs=4326)
>>> units_in_areas(areas, level="county")["adcode"].tolist()
['440118']
"""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.assumptions import DEFAULT_MIN_SHARE
from analysis.notes import Note
from geo.crs import ANALYSIS_CRS
from geo.errors import CRSError, PlannerError
from geo.validate import validate_exclusion_areas
from layers.boundaries import load_boundaries

__all__ = ["DEFAULT_MIN_SHARE", "combine_exclusions", "exclusion_note", "units_in_areas"]

log = logging.getLogger(__name__)

#: ASSUMPTION (editable): share of a unit's area inside the exclusion areas that excludes it.


def units_in_areas(
    areas: gpd.GeoDataFrame,
    *,
    level: str = "county",
    min_share: float = DEFAULT_MIN_SHARE,
    units: gpd.GeoDataFrame | None = None,
    name: str = "exclusion areas",
) -> pd.DataFrame:
    """Units whose area lies at least ``min_share`` inside ``areas``.

    Parameters
    ----------
    areas : GeoDataFrame
        Polygons with a CRS (points and lines cover no area and are refused).
    level : {"county", "city"}
        Units of the fit.
    min_share : float
        In (0, 1]: share of a unit's area that must be covered.
    units : GeoDataFrame, optional
        ``adcode`` + polygons; the boundaries of ``level`` by default.
    name : str
        How messages name the layer, e.g. ``"exclusion areas 'red.gpkg'"``.

    Returns
    -------
    DataFrame
        ``adcode, name_zh, name_en, share`` of the excluded units, largest share first.

    Raises
    ------
    PlannerError
        No CRS, no polygons, or ``min_share`` outside (0, 1]; every problem of
        :func:`geo.validate.validate_exclusion_areas` (non-finite coordinates, invalid
        polygons, features wholly outside Guangdong ...) in one LayerValidationError.
    """
    try:
        share_ok = 0 < float(min_share) <= 1
    except (TypeError, ValueError):
        share_ok = False
    if not share_ok:
        msg = Note("error.exclusion.min_share", got=repr(min_share))
        raise PlannerError(msg)
    if level not in ("county", "city"):
        msg = f"`level` must be 'county' or 'city', got {level!r}"
        raise PlannerError(msg)
    if getattr(areas, "crs", True) is None:  # any CRS will do (it is reprojected), but it must be known
        msg = Note("error.exclusion.areas_no_crs")
        raise CRSError(msg)
    polys = validate_exclusion_areas(areas, name=name).to_crs(ANALYSIS_CRS).geometry.to_numpy()
    if units is None:
        units = load_boundaries(level)
    u = units.to_crs(ANALYSIS_CRS)
    ugeom = u.geometry.to_numpy()
    area = shapely.area(ugeom)
    covered = _covered_area(ugeom, polys, area=area, min_share=float(min_share))
    # rounded: reprojection leaves ~1e-12 noise that would otherwise decide the order of full covers
    share = np.round(np.divide(covered, area, out=np.zeros_like(area), where=area > 0), 6)
    keep = share >= float(min_share) - 1e-12
    cols = [c for c in ("adcode", "name_zh", "name_en") if c in u.columns]
    out = pd.DataFrame(u.loc[keep, cols]).assign(share=share[keep])
    return out.sort_values(["share", "adcode"], ascending=[False, True]).reset_index(drop=True)


def _covered_area(ugeom: np.ndarray, polys: np.ndarray, *, area: np.ndarray, min_share: float) -> np.ndarray:
    """Area of each unit inside the union of ``polys`` (equal-area CRS), exact where it can reach ``min_share``.

    Units whose touching polygons add up to less than ``min_share`` of their area (an upper
    bound of the covered share) are left at the bound's side of the threshold without an
    overlay: they cannot be excluded, and only excluded units' shares are reported.
    """
    covered = np.zeros(len(ugeom))
    if len(polys) == 0 or len(ugeom) == 0:
        return covered
    ui, pi = shapely.STRtree(polys).query(ugeom, predicate="intersects")
    bound = np.bincount(ui, weights=shapely.area(polys)[pi], minlength=len(ugeom))
    reach = bound >= (min_share - 1e-9) * area
    sel = reach[ui]
    ui, pi = ui[sel], pi[sel]
    if len(ui) == 0:
        return covered
    if shapely.coverage_is_valid(polys[np.unique(pi)]):
        # a coverage (no two polygons overlap): a unit's covered area is the sum of its pieces
        shapely.prepare(ugeom)
        inside = shapely.contains(ugeom[ui], polys[pi])
        part = shapely.area(polys[pi])
        cross = ~inside
        if cross.any():
            part[cross] = shapely.area(shapely.intersection(ugeom[ui[cross]], polys[pi[cross]]))
        return np.bincount(ui, weights=part, minlength=len(ugeom))
    # overlapping polygons: dissolve, unit by unit, only those touching the unit
    order = np.argsort(ui, kind="stable")
    ui, pi = ui[order], pi[order]
    starts = np.flatnonzero(np.r_[True, ui[1:] != ui[:-1]])
    for a, b in zip(starts, np.r_[starts[1:], len(ui)], strict=True):  # one step per unit (<= 124), not per feature
        k = ui[a]
        covered[k] = shapely.area(shapely.intersection(ugeom[k], shapely.union_all(polys[pi[a:b]])))
    return covered


def exclusion_note(excluded: pd.DataFrame, *, min_share: float, source: str) -> Note:
    """The assumption sentence for a derived exclusion list (goes into the fit's assumptions).

    Examples
    --------
    >>> exclusion_note(pd.DataFrame({"adcode": ["440118"], "share": [0.8]}), min_share=0.5, source="redline.gpkg")
    "ASSUMPTION: units with at least 50% of their area inside the exclusion areas of 'redline.gpkg' are excluded (1 unit: 440118)"
    """
    codes = excluded["adcode"].astype(str).tolist()
    code = {0: "exclusion.units.none", 1: "exclusion.units.one"}.get(len(codes), "exclusion.units")
    return Note(code, min_share=float(min_share), source=source, n=len(codes), codes=codes)


def combine_exclusions(
    exclude: Sequence[str],
    areas: Mapping[str, gpd.GeoDataFrame],
    *,
    level: str = "county",
    min_share: float = DEFAULT_MIN_SHARE,
) -> tuple[list[str], list[str]]:
    """The chosen adcodes plus the units inside each named exclusion layer, and the notes to state.

    Parameters
    ----------
    exclude : sequence of str
        Adcodes chosen one by one.
    areas : mapping of name -> GeoDataFrame
        Exclusion layers by the name the planner knows them by (e.g. the file name).
    level, min_share
        As :func:`units_in_areas`.

    Returns
    -------
    (list of str, list of str)
        Adcodes to pass as ``exclude`` (chosen ones first, no repeats) and one assumption
        sentence per layer (for ``notes`` of :func:`analysis.fit.score_transfer_fit`).

    Examples
    --------
    >>> combine_exclusions(["445281"], {})
    (['445281'], [])
    """
    codes = list(dict.fromkeys(str(c).strip() for c in exclude))
    notes: list[str] = []
    for name, gdf in areas.items():
        label = f"exclusion areas {os.path.basename(str(name)) or str(name)!r}"
        covered = units_in_areas(gdf, level=level, min_share=min_share, name=label)
        codes += [c for c in covered["adcode"].astype(str) if c not in codes]
        notes.append(exclusion_note(covered, min_share=min_share, source=name))
    if areas:
        _check_something_left(codes, areas=list(areas), level=level, min_share=min_share)
    return codes, notes


def _check_something_left(codes: Sequence[str], *, areas: Sequence[str], level: str, min_share: float) -> None:
    """Refuse exclusions that leave no receiving (East, West, North) unit to rank."""
    units = load_boundaries(level)
    receiving = set(units.loc[units["region"] != "PRD", "adcode"].astype(str))
    if receiving and receiving <= set(codes):
        names = ", ".join(repr(os.path.basename(str(a)) or str(a)) for a in areas)
        msg = Note("error.exclusion.everything", names=names, n=len(receiving), level=level, share=min_share)
        raise PlannerError(msg)
