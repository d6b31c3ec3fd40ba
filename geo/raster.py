"""Raster files in: validate a planner's raster, read it onto a grid.

Two jobs, both by windows so a raster larger than memory never has to be held whole:

- :func:`validate_raster` opens a file once and collects every problem (unreadable, no CRS,
  no overlap with Guangdong, more cells than :data:`MAX_RASTER_CELLS`, no such band) into one
  :class:`~geo.errors.RasterError` whose one-line message names the file and the fix. A
  raster whose nodata value is **unset** is not refused: every stored value is taken as data
  (cells the raster does not cover still become no data), and the returned
  :class:`RasterInfo` carries a note saying so, which callers put into their assumptions;
  pass ``nodata=`` to name the value that marks missing cells instead.
- :func:`read_raster_to_grid` reprojects and resamples the file on the fly onto a target grid
  (any CRS in, the caller's grid out) with :class:`rasterio.vrt.WarpedVRT`, reading window by
  window into one float32 array; no data becomes NaN.

Rasters out are written by the one GeoTIFF writer behind the format table,
:func:`geo.writers.export_geotiff` (a Cloud-Optimised GeoTIFF, atomically, by windows).
"""
from __future__ import annotations

import dataclasses
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from pyproj import CRS
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds
from rasterio.windows import Window

from geo.errors import RasterError
from geo.io import GUANGDONG_BBOX
from geo.messages import Note, join_problems
from geo.writers import GEOTIFF_NODATA

__all__ = [
    "RASTER_NODATA",
    "MAX_RASTER_CELLS",
    "RESAMPLING",
    "RasterInfo",
    "validate_raster",
    "read_raster_to_grid",
]

log = logging.getLogger(__name__)

#: Nodata value of the float32 GeoTIFFs the tool writes (:data:`geo.writers.GEOTIFF_NODATA`).
RASTER_NODATA: float = GEOTIFF_NODATA
#: Largest raster accepted (cells of one band at full resolution): 2e9, room for a 30 m DEM of the
#: whole province (about 0.6e9 cells in its bounding box) but not for a global 30 m mosaic.
MAX_RASTER_CELLS: int = 2_000_000_000
#: Resampling names accepted by :func:`read_raster_to_grid`.
RESAMPLING: dict[str, Resampling] = {
    "nearest": Resampling.nearest,
    "bilinear": Resampling.bilinear,
    "cubic": Resampling.cubic,
    "average": Resampling.average,
    "mode": Resampling.mode,
    "max": Resampling.max,
    "min": Resampling.min,
}


@dataclasses.dataclass(frozen=True)
class RasterInfo:
    """What :func:`validate_raster` learnt about a file.

    Attributes
    ----------
    path : pathlib.Path
    name : str
        How messages name the file.
    crs : pyproj.CRS
    width, height, count : int
    dtype : str
    nodata : float or None
        The nodata value used when reading: the file's own, or the caller's.
    bounds_wgs84 : tuple of float
        (west, south, east, north) in degrees.
    notes : tuple of str
        Documented repairs (e.g. nodata unset), to be shown with the results.
    """

    path: Path
    name: str
    crs: CRS
    width: int
    height: int
    count: int
    dtype: str
    nodata: float | None
    bounds_wgs84: tuple[float, float, float, float]
    notes: tuple[str, ...] = ()


def _overlaps(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def validate_raster(
    path: str | os.PathLike,
    *,
    name: str | None = None,
    band: int = 1,
    nodata: float | None = None,
    max_cells: int = MAX_RASTER_CELLS,
    bbox: tuple[float, float, float, float] = GUANGDONG_BBOX,
) -> RasterInfo:
    """Check a raster once; raise one :class:`~geo.errors.RasterError` listing every problem.

    Parameters
    ----------
    path : str or path-like
        Any raster GDAL reads (GeoTIFF, ...).
    name : str, optional
        How the message names the file (default its file name).
    band : int
        The band that will be read (1-based).
    nodata : float, optional
        Value marking missing cells when the file sets none (or to override the file's).
    max_cells : int
        Largest accepted ``width * height`` (default :data:`MAX_RASTER_CELLS`).
    bbox : tuple of float
        WGS84 box the raster must overlap (default Guangdong).

    Returns
    -------
    RasterInfo
        With ``notes`` for documented repairs: nodata unset -> every value is data.

    Raises
    ------
    RasterError
        One line naming the file, each problem and its fix.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from affine import Affine
    >>> from geo.writers import export_geotiff
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "dem.tif"
    >>> _ = export_geotiff(np.zeros((4, 4)), Affine(0.1, 0, 113, 0, -0.1, 23), CRS.from_epsg(4326), p)
    >>> validate_raster(p).nodata
    -9999.0
    """
    p = Path(path)
    label = name or p.name
    if not p.exists():
        msg = Note("error.raster.missing", name=label, path=str(p))
        raise RasterError(msg)
    if not p.is_file():  # GDAL would block on a pipe forever and read a device without end
        msg = Note("error.raster.not_regular", name=label)
        raise RasterError(msg)
    try:
        src = rasterio.open(p)
    except RasterioError as exc:
        msg = Note("error.raster.unreadable", name=label, err=str(exc))
        raise RasterError(msg) from exc
    problems: list[Note] = []
    notes: list[str] = []
    with src:
        cells = src.width * src.height
        if cells > max_cells:
            problems.append(Note("error.raster.cells", cells=cells, width=src.width, height=src.height, limit=max_cells))
        if not 1 <= band <= src.count:
            problems.append(Note("error.raster.band", count=src.count, band=band))
        elif np.dtype(src.dtypes[band - 1]).kind not in "uif":
            problems.append(Note("error.raster.dtype", band=band, dtype=str(src.dtypes[band - 1])))
        crs = None
        bounds = (math.nan,) * 4
        if src.crs is None:
            problems.append(Note("error.raster.no_crs"))
        else:
            crs = CRS.from_user_input(src.crs)
            try:
                bounds = tuple(float(v) for v in transform_bounds(src.crs, "EPSG:4326", *src.bounds, densify_pts=21))
            except Exception as exc:  # noqa: BLE001 - PROJ raises several types
                problems.append(Note("error.raster.transform", err=str(exc)))
            else:
                if not _overlaps(bounds, bbox):
                    problems.append(Note("error.raster.outside", x0=bounds[0], x1=bounds[2], y0=bounds[1], y1=bounds[3],
                                         bx0=bbox[0], bx1=bbox[2], by0=bbox[1], by1=bbox[3]))
        file_nodata = src.nodatavals[band - 1] if 1 <= band <= src.count else None
        used = nodata if nodata is not None else file_nodata
        if used is None and not problems:
            notes.append(
                f"raster {label!r} sets no nodata value: every stored value is taken as data, and only cells it does "
                "not cover are no data; set one with `gdal_edit.py -a_nodata VALUE FILE` if some value marks gaps"
            )
        info_args = dict(width=src.width, height=src.height, count=src.count,
                         dtype=src.dtypes[0], nodata=None if used is None else float(used))
    if problems:
        msg = Note("error.raster.unusable", name=label, problems=join_problems(problems))
        raise RasterError(msg)
    for n in notes:
        log.info(n)
    return RasterInfo(path=p, name=label, crs=crs, bounds_wgs84=bounds, notes=tuple(notes), **info_args)


def read_raster_to_grid(
    path: str | os.PathLike,
    *,
    transform: Affine,
    shape: tuple[int, int],
    crs: CRS,
    resampling: str = "bilinear",
    band: int = 1,
    nodata: float | None = None,
    name: str | None = None,
    max_cells: int = MAX_RASTER_CELLS,
    window: tuple[int, int, int, int] | None = None,
    block_rows: int = 256,
    out: np.ndarray | None = None,
    info: RasterInfo | None = None,
) -> np.ndarray:
    """Read band ``band`` of a raster in any CRS onto a grid, by windows, as float32 (NaN = no data).

    The file is validated first (:func:`validate_raster`), then warped on the fly with
    :class:`rasterio.vrt.WarpedVRT` onto ``(transform, shape, crs)``; cells the file does not
    cover and cells equal to its nodata value come back as NaN.

    Parameters
    ----------
    path : str or path-like
        The raster.
    transform, shape, crs
        The target grid (``shape`` is (rows, cols)).
    resampling : str
        One of :data:`RESAMPLING`: ``bilinear`` for continuous values (elevation), ``nearest``
        or ``mode`` for classes, ``average`` when the file is finer than the grid.
    band : int
        1-based band.
    nodata : float, optional
        Value marking missing cells when the file sets none.
    name : str, optional
        How messages name the file.
    max_cells : int
        Passed to :func:`validate_raster`.
    window : (row_off, col_off, height, width), optional
        Read only this part of the target grid (for chunked processing).
    block_rows : int
        Side of the square tiles read (anchored at the grid's origin, so the same cell always comes
        from the same request and gets the same value, whatever ``window``).
    out : numpy.ndarray, optional
        float32 array of the window's shape to fill (reused buffer).
    info : RasterInfo, optional
        Result of an earlier :func:`validate_raster` on the same file (skips validation).

    Returns
    -------
    numpy.ndarray
        float32, ``shape`` (or the window's shape).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from geo.writers import export_geotiff
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.tif"
    >>> _ = export_geotiff(np.full((10, 10), 5.0), Affine(0.1, 0, 113, 0, -0.1, 23), CRS.from_epsg(4326), p)
    >>> a = read_raster_to_grid(p, transform=Affine(0.2, 0, 113, 0, -0.2, 23.2), shape=(3, 3), crs=CRS.from_epsg(4326))
    >>> a.dtype.name, bool(np.isnan(a[0, 0])), float(a[1, 1])
    ('float32', True, 5.0)
    """
    if resampling not in RESAMPLING:
        msg = Note("error.raster.resampling", allowed=sorted(RESAMPLING), got=repr(resampling))
        raise RasterError(msg)
    info = info or validate_raster(path, name=name, band=band, nodata=nodata, max_cells=max_cells)
    rows, cols = shape
    r_off, c_off, h, w = window if window is not None else (0, 0, rows, cols)
    if out is None:
        out = np.empty((h, w), dtype=np.float32)
    elif out.shape != (h, w) or out.dtype != np.float32 or not out.flags.c_contiguous:
        msg = f"`out` must be a C-contiguous float32 array of shape {(h, w)}, got {out.dtype} {out.shape}"
        raise RasterError(msg)
    tile = max(16, int(block_rows))
    buf = np.empty((tile, tile), dtype=np.float32)
    try:
        with rasterio.open(info.path) as src, WarpedVRT(
            src,
            crs=crs,
            transform=transform,
            width=cols,
            height=rows,
            resampling=RESAMPLING[resampling],
            src_nodata=info.nodata,
            nodata=np.nan,
            dtype="float32",
        ) as vrt:
            # GDAL approximates the transformation over each request, so a cell's value depends on the request:
            # always ask for the same grid-anchored tiles and crop, whatever the window (chunked runs agree)
            for tr in range((r_off // tile) * tile, r_off + h, tile):
                th = min(tile, rows - tr)
                for tc in range((c_off // tile) * tile, c_off + w, tile):
                    tw = min(tile, cols - tc)
                    part = buf[:th, :tw]
                    vrt.read(band, window=Window(tc, tr, tw, th), out=part)
                    a0, a1 = max(tr, r_off), min(tr + th, r_off + h)
                    b0, b1 = max(tc, c_off), min(tc + tw, c_off + w)
                    out[a0 - r_off:a1 - r_off, b0 - c_off:b1 - c_off] = part[a0 - tr:a1 - tr, b0 - tc:b1 - tc]
    except RasterioError as exc:
        msg = Note("error.raster.read", name=info.name, err=str(exc))
        raise RasterError(msg) from exc
    if info.nodata is not None and not math.isnan(info.nodata):
        # resampling can carry the exact nodata value through; make it NaN
        np.copyto(out, np.float32(np.nan), where=out == np.float32(info.nodata))
    return out
