"""Geometry helpers: display simplification and representative points."""
from __future__ import annotations

import geopandas as gpd
import shapely

from geo.crs import ANALYSIS_CRS, STORAGE_CRS

__all__ = ["simplify_for_display"]


def simplify_for_display(gdf: gpd.GeoDataFrame, *, tolerance_m: float = 150.0) -> gpd.GeoDataFrame:
    """Return a WGS84 copy with polygons simplified for web display (never for analysis).

    Simplification runs in metres (the analysis CRS) with topology preserved per feature;
    point layers come back unchanged.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Layer with a CRS; not modified.
    tolerance_m : float
        Douglas-Peucker tolerance in metres.

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
        return out.to_crs(STORAGE_CRS)
    proj = out.to_crs(ANALYSIS_CRS)
    simplified = shapely.simplify(proj.geometry.values, tolerance_m, preserve_topology=True)
    proj = proj.set_geometry(simplified)
    return proj.to_crs(STORAGE_CRS)
