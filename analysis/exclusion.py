"""Exclusion areas (e.g. an ecological red line, 生态保护红线) turned into excluded units.

A planner's exclusion layer is polygons; the fit excludes whole units. A unit is excluded
when at least ``min_share`` of its area lies inside the areas (ASSUMPTION, default 0.5,
editable). Areas are measured in the equal-area analysis CRS, vectorised with shapely 2.

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
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.assumptions import DEFAULT_MIN_SHARE
from geo.crs import ANALYSIS_CRS
from geo.errors import CRSError, PlannerError
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

    Returns
    -------
    DataFrame
        ``adcode, name_zh, name_en, share`` of the excluded units, largest share first.

    Raises
    ------
    PlannerError
        No CRS, no polygons, or ``min_share`` outside (0, 1].
    """
    if not 0 < float(min_share) <= 1:
        msg = f"`min_share` must be in (0, 1], got {min_share!r}; 0.5 excludes units at least half inside the areas"
        raise PlannerError(msg)
    if level not in ("county", "city"):
        msg = f"`level` must be 'county' or 'city', got {level!r}"
        raise PlannerError(msg)
    if areas.crs is None:  # any CRS will do (it is reprojected), but it must be known
        msg = "the exclusion areas have no CRS: a shapefile needs its .prj; add it or set the CRS"
        raise CRSError(msg)
    geoms = areas.to_crs(ANALYSIS_CRS).geometry.to_numpy()
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    polys = geoms[np.isin(shapely.get_type_id(geoms), (3, 6))]  # Polygon, MultiPolygon
    if len(polys) == 0:
        msg = ("the exclusion areas hold no polygons (points and lines cover no area); "
               "upload the red-line polygons, e.g. a zipped shapefile or a GeoPackage")
        raise PlannerError(msg)
    if units is None:
        units = load_boundaries(level)
    u = units.to_crs(ANALYSIS_CRS)
    mask = shapely.union_all(shapely.make_valid(polys))
    ugeom = u.geometry.to_numpy()
    area = shapely.area(ugeom)
    covered = shapely.area(shapely.intersection(ugeom, mask))
    # rounded: reprojection leaves ~1e-12 noise that would otherwise decide the order of full covers
    share = np.round(np.divide(covered, area, out=np.zeros_like(area), where=area > 0), 6)
    keep = share >= float(min_share) - 1e-12
    cols = [c for c in ("adcode", "name_zh", "name_en") if c in u.columns]
    out = pd.DataFrame(u.loc[keep, cols]).assign(share=share[keep])
    return out.sort_values(["share", "adcode"], ascending=[False, True]).reset_index(drop=True)


def exclusion_note(excluded: pd.DataFrame, *, min_share: float, source: str) -> str:
    """The assumption sentence for a derived exclusion list (goes into the fit's assumptions).

    Examples
    --------
    >>> exclusion_note(pd.DataFrame({"adcode": ["440118"], "share": [0.8]}), min_share=0.5, source="redline.gpkg")
    "ASSUMPTION: units with at least 50% of their area inside the exclusion areas of 'redline.gpkg' are excluded (1 unit: 440118)"
    """
    codes = ", ".join(excluded["adcode"].astype(str))
    n = len(excluded)
    return (f"ASSUMPTION: units with at least {min_share:.0%} of their area inside the exclusion areas of {source!r} "
            f"are excluded ({n} unit{'s' if n != 1 else ''}: {codes or 'none'})")


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
        covered = units_in_areas(gdf, level=level, min_share=min_share)
        codes += [c for c in covered["adcode"].astype(str) if c not in codes]
        notes.append(exclusion_note(covered, min_share=min_share, source=name))
    return codes, notes
