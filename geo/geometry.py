"""Geometry helpers: display simplification (the dissolving generalisation of large layers is :mod:`geo.generalise`)."""
from __future__ import annotations

import geopandas as gpd
import shapely

from geo.crs import ANALYSIS_CRS, STORAGE_CRS

__all__ = ["simplify_for_display"]


def simplify_for_display(gdf: gpd.GeoDataFrame, *, tolerance_m: float = 150.0,
                         crs: str | int = STORAGE_CRS, preserve_topology: bool = True) -> gpd.GeoDataFrame:
    """Return a copy in ``crs`` (WGS84 by default) with polygons simplified for display (never for analysis).

    Simplification runs in metres (the analysis CRS) with topology preserved per feature;
    point layers come back unchanged.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Layer with a CRS; not modified.
    tolerance_m : float
        Douglas-Peucker tolerance in metres.
    crs : str or int
        CRS of the copy: WGS84 for web maps, the analysis CRS for static maps drawn in metres.
    preserve_topology : bool
        True (web maps, which zoom in): every ring stays valid. False (static maps, where a
        pixel is several times the tolerance): plain Douglas-Peucker, about seven times
        faster; a polygon it would drop (smaller than the tolerance) keeps its own shape.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame(geometry=[Point(113, 23).buffer(0.1, 256)], crs=4326)
    >>> n0 = shapely.get_num_coordinates(g.geometry.values)[0]
    >>> n1 = shapely.get_num_coordinates(simplify_for_display(g).geometry.values)[0]
    >>> bool(n1 < n0)
    True
    """
    out = gdf.copy()
    geoms = out.geometry.values
    if len(out) == 0 or not shapely.get_dimensions(geoms).max() == 2:
        return out.to_crs(crs)
    proj = out.to_crs(ANALYSIS_CRS)
    before = proj.geometry.values
    simplified = shapely.simplify(before, tolerance_m, preserve_topology=preserve_topology)
    if not preserve_topology:
        gone = shapely.is_empty(simplified) & ~shapely.is_empty(before)
        simplified[gone] = before[gone]
    proj = proj.set_geometry(simplified)
    return proj.to_crs(crs)
