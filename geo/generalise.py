"""Display generalisation of a large polygon layer: one dissolved, simplified drawing for a web map.

Apart from :mod:`geo.geometry` because it rasterises (rasterio, scipy.ndimage): only the fit
page's exclusion overlay needs it, and the layout map a planner opens first should not wait
for those imports.
"""
from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import rasterio.features
import scipy.ndimage
import shapely
import shapely.geometry
from affine import Affine

from geo.crs import ANALYSIS_CRS, STORAGE_CRS
from geo.errors import PlannerError

__all__ = ["generalise_for_display"]


#: Display generalisation: layers up to this many features are dissolved exactly (shapely.union_all);
#: above it union_all gets slow (100,000 parcels took 7 s touching, 17 s scattered here) and the grid is used.
_UNION_MAX_FEATURES = 5_000
#: Largest grid (cells, one byte each) the grid dissolve rasterises onto; a larger extent gets coarser cells.
_MAX_GRID_CELLS = 16_000_000


def _count_vertices(geom: shapely.Geometry) -> int:
    return int(shapely.get_num_coordinates(geom))


def _grid_dissolve(geoms: np.ndarray, *, tolerance_m: float, max_vertices: int) -> tuple[shapely.Geometry, float]:
    """Cells of side ``tolerance/2`` touched by any polygon, as polygons simplified by ``tolerance/4``.

    The filled cells cover every polygon; a drawn point is at most a cell diagonal plus the
    simplification (0.71 + 0.25 = 0.96 of the tolerance) from a polygon, and the simplification
    moves the outline inwards by at most a quarter of it. Too many vertices: cells of twice the
    side (a coarse cell is filled when one of its four fine cells is), and the tolerance doubles.
    """
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    cell = max(tolerance_m / 2, math.sqrt(max(x1 - x0, 1.0) * max(y1 - y0, 1.0) / _MAX_GRID_CELLS))
    shape = (math.ceil((y1 - y0) / cell) + 1, math.ceil((x1 - x0) / cell) + 1)
    # one MultiPolygon (overlaps do not matter to burning) as GeoJSON from one vectorised shapely call:
    # rasterio spends about 0.1 ms checking each geometry it is given, 10 s for 100,000 parcels
    features = [json.loads(shapely.to_geojson(shapely.multipolygons(shapely.get_parts(geoms))))]
    filled = rasterio.features.rasterize(features, out_shape=shape, transform=Affine(cell, 0, x0, 0, -cell, y1),
                                         all_touched=True, dtype="uint8").astype(bool)
    while True:
        transform = Affine(cell, 0, x0, 0, -cell, y1)
        # a polygon has at least 5 coordinates: too many separate patches need no outlining to be refused
        if 5 * int(scipy.ndimage.label(filled)[1]) <= max_vertices:
            parts = [shapely.geometry.shape(g) for g, _ in
                     rasterio.features.shapes(filled.view(np.uint8), mask=filled, connectivity=4, transform=transform)]
            drawn = shapely.simplify(shapely.multipolygons(parts), cell / 2, preserve_topology=True)
            if _count_vertices(drawn) <= max_vertices:
                return drawn, 2 * cell
        rows, cols = (filled.shape[0] + 1) // 2 * 2, (filled.shape[1] + 1) // 2 * 2
        padded = np.zeros((rows, cols), dtype=bool)
        padded[:filled.shape[0], :filled.shape[1]] = filled
        filled = padded.reshape(rows // 2, 2, cols // 2, 2).any(axis=(1, 3))
        cell *= 2


def generalise_for_display(
    gdf: gpd.GeoDataFrame, *, tolerance_m: float = 150.0, max_vertices: int = 10_000,
) -> tuple[gpd.GeoDataFrame, float]:
    """One dissolved, simplified drawing of a polygon layer for a web map (never for analysis), and its tolerance.

    A planner's layer can hold 100,000 parcels; drawn one by one they make a page of many
    megabytes. This draws their union, in metres (the analysis CRS), so that every point of the
    drawing lies within the returned tolerance of the exact polygons and every point of the
    polygons within it of the drawing (a Hausdorff distance), in at most ``max_vertices`` vertices:

    - up to 5,000 polygons: dissolved exactly (:func:`shapely.union_all`) and simplified by
      Douglas-Peucker at ``tolerance_m`` (topology preserved, so no ring crosses itself);
    - more, or a union still above ``max_vertices``: dissolved on a grid: cells of half the
      tolerance touched by a polygon are filled (the drawing covers every polygon), outlined and
      simplified by a quarter of it.

    If the drawing still has more than ``max_vertices`` vertices the tolerance doubles until it
    fits, so the returned tolerance can exceed ``tolerance_m``; callers say which one was used.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons with a CRS; not modified (keep it for the model).
    tolerance_m : float
        Largest distance between the drawing and the polygons, metres: 150 m (about a screen
        pixel at zoom 10, a city on the screen) for the app's map.
    max_vertices : int
        Cap on the drawing's vertices (10,000: about 0.25 MB of GeoJSON).

    Returns
    -------
    (GeoDataFrame, float)
        One row (none for an empty layer) in WGS84, and the tolerance kept, metres.

    Examples
    --------
    >>> a = gpd.GeoDataFrame(geometry=[shapely.box(113.6, 23.1, 113.8, 23.3), shapely.box(113.7, 23.2, 113.9, 23.4)],
    ...                      crs=4326)
    >>> drawn, tol = generalise_for_display(a)
    >>> len(drawn), tol, drawn.geometry.values[0].geom_type
    (1, 150.0, 'Polygon')
    """
    if not (math.isfinite(tolerance_m) and tolerance_m > 0) or max_vertices < 5:
        msg = (f"`tolerance_m` must be a positive number of metres and `max_vertices` at least 5, got "
               f"{tolerance_m!r} and {max_vertices!r}")
        raise PlannerError(msg)
    geoms = gdf.geometry.to_crs(ANALYSIS_CRS).values if len(gdf) else np.array([], dtype=object)
    geoms = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    geoms = geoms[shapely.get_dimensions(geoms) == 2]
    bad = ~shapely.is_valid(geoms)
    geoms[bad] = shapely.make_valid(geoms[bad], method="structure", keep_collapsed=False)  # areas stay areas
    tol = float(tolerance_m)
    drawn = None
    if len(geoms) and len(geoms) <= _UNION_MAX_FEATURES:
        union = shapely.union_all(geoms)
        for t in (tol, 2 * tol):  # the exact union drawn at the tolerance, or at twice it
            simplified = shapely.simplify(union, t, preserve_topology=True)
            if _count_vertices(simplified) <= max_vertices:
                drawn, tol = simplified, t
                break
    if len(geoms) and drawn is None:
        drawn, tol = _grid_dissolve(geoms, tolerance_m=tol, max_vertices=max_vertices)
    rows = [drawn] if drawn is not None and not shapely.is_empty(drawn) else []
    return gpd.GeoDataFrame(geometry=rows, crs=ANALYSIS_CRS).to_crs(STORAGE_CRS), tol
