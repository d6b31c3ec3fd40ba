"""One grid over Guangdong in the analysis CRS, and the province's land mask on it.

The grid covers the province's bounding box in :data:`geo.crs.ANALYSIS_CRS` (an Albers
equal-area conic, metres). Its edges are snapped outward to multiples of :data:`ALIGN_M`
(1 km), so every resolution that divides 1 km (1000, 500, 250, 200, 100, 50 m ...) has the
same extent and its cells nest exactly inside the 1 km cells: layers stack without resampling.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import rasterio.features
from affine import Affine
from pyproj import CRS

from geo.crs import ANALYSIS_CRS
from geo.errors import PlannerError
from layers.boundaries import load_boundaries

__all__ = ["ALIGN_M", "DEFAULT_RESOLUTION_M", "Grid", "guangdong_grid", "land_mask"]

#: Grid edges are multiples of this (metres), so resolutions dividing it nest.
ALIGN_M: float = 1000.0
#: Default cell size (metres); 250 and 100 on request.
DEFAULT_RESOLUTION_M: float = 1000.0


@dataclasses.dataclass(frozen=True)
class Grid:
    """A north-up grid: ``transform`` (top-left origin), ``shape`` (rows, cols), ``crs``.

    Examples
    --------
    >>> g = Grid(Affine(1000, 0, 0, 0, -1000, 5000), (5, 4))
    >>> g.resolution_m, g.size, g.bounds
    (1000.0, 20, (0.0, 0.0, 4000.0, 5000.0))
    """

    transform: Affine
    shape: tuple[int, int]
    crs: CRS = ANALYSIS_CRS

    @property
    def resolution_m(self) -> float:
        """Cell size in metres."""
        return float(self.transform.a)

    @property
    def size(self) -> int:
        """Number of cells."""
        return int(self.shape[0] * self.shape[1])

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in the grid's CRS."""
        t, (rows, cols) = self.transform, self.shape
        return (float(t.c), float(t.f + rows * t.e), float(t.c + cols * t.a), float(t.f))

    def row_blocks(self, rows_per_block: int) -> Iterator[tuple[int, int]]:
        """(start, stop) row ranges of at most ``rows_per_block`` rows.

        Examples
        --------
        >>> list(Grid(Affine(1, 0, 0, 0, -1, 5), (5, 2)).row_blocks(2))
        [(0, 2), (2, 4), (4, 5)]
        """
        step = max(1, int(rows_per_block))
        for r in range(0, self.shape[0], step):
            yield r, min(self.shape[0], r + step)

    def cell_centres(self, rows: slice = slice(None), cols: slice = slice(None)) -> tuple[np.ndarray, np.ndarray]:
        """x of the column centres and y of the row centres (1-D float64) of a part of the grid.

        Examples
        --------
        >>> x, y = Grid(Affine(10, 0, 0, 0, -10, 20), (2, 3)).cell_centres()
        >>> x.tolist(), y.tolist()
        ([5.0, 15.0, 25.0], [15.0, 5.0])
        """
        r = np.arange(self.shape[0])[rows]
        c = np.arange(self.shape[1])[cols]
        t = self.transform
        return t.c + (c + 0.5) * t.a, t.f + (r + 0.5) * t.e


def _check_resolution(resolution_m: object) -> float:
    ok = isinstance(resolution_m, (int, float)) and not isinstance(resolution_m, bool)
    if ok and math.isfinite(resolution_m) and resolution_m >= 10:
        r = float(resolution_m)
        if abs(ALIGN_M / r - round(ALIGN_M / r)) < 1e-9 or abs(r / ALIGN_M - round(r / ALIGN_M)) < 1e-9:
            return r
    msg = (
        f"`resolution_m` must be a cell size in metres that divides {ALIGN_M:.0f} m or is a multiple of it "
        f"(e.g. 1000, 500, 250, 100, 2000), at least 10, got {resolution_m!r}"
    )
    raise PlannerError(msg)


@lru_cache(maxsize=8)
def _province_bounds() -> tuple[float, float, float, float]:
    return tuple(float(v) for v in load_boundaries("province").to_crs(ANALYSIS_CRS).total_bounds)


def guangdong_grid(*, resolution_m: float = DEFAULT_RESOLUTION_M) -> Grid:
    """The grid over Guangdong at ``resolution_m`` metres in :data:`geo.crs.ANALYSIS_CRS`.

    Parameters
    ----------
    resolution_m : float
        Cell size in metres; it must divide 1000 or be a multiple of it, so grids nest.

    Raises
    ------
    PlannerError
        For a resolution that is not a positive number dividing (or a multiple of) 1 km.

    Examples
    --------
    >>> g1, g4 = guangdong_grid(), guangdong_grid(resolution_m=250)
    >>> g1.shape, g4.shape[0] == 4 * g1.shape[0], g1.bounds == g4.bounds
    ((584, 791), True, True)
    """
    r = _check_resolution(resolution_m)
    a = max(r, ALIGN_M)
    minx, miny, maxx, maxy = _province_bounds()
    x0, y0 = math.floor(minx / a) * a, math.floor(miny / a) * a
    x1, y1 = math.ceil(maxx / a) * a, math.ceil(maxy / a) * a
    cols, rows = int(round((x1 - x0) / r)), int(round((y1 - y0) / r))
    return Grid(Affine(r, 0.0, x0, 0.0, -r, y1), (rows, cols), ANALYSIS_CRS)


@lru_cache(maxsize=4)
def _land_mask(transform: Affine, shape: tuple[int, int]) -> np.ndarray:
    geom = load_boundaries("province").to_crs(ANALYSIS_CRS).geometry.iloc[0]
    mask = rasterio.features.rasterize([(geom, 1)], out_shape=shape, transform=transform, fill=0, dtype="uint8")
    out = mask.view(bool)
    out.flags.writeable = False
    return out


def land_mask(grid: Grid) -> np.ndarray:
    """Cells whose centre lies in the province (bool, read-only, cached per grid).

    Examples
    --------
    >>> m = land_mask(guangdong_grid())
    >>> m.dtype.name, 170_000 < int(m.sum()) < 185_000
    ('bool', True)
    """
    return _land_mask(grid.transform, tuple(grid.shape))
