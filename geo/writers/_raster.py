"""GeoTIFF writer: float32, tiled, DEFLATE-compressed, written in windows; warped on request.

Package-internal; :func:`export_geotiff` is re-exported by :mod:`geo.writers`.
"""
from __future__ import annotations

import math
import os
import warnings
from pathlib import Path

import numpy as np
import rasterio
from pyproj import CRS
from rasterio.warp import Resampling, calculate_default_transform, reproject
from rasterio.windows import Window

from geo.errors import CRSError, ExportError
from geo.io import atomic_path
from geo.writers._common import resolve_export_crs, target_path

#: GDAL driver of the rasters written here.
GTIFF = "GTiff"

# --------------------------------------------------------------------------- GeoTIFF
def _raster_crs(crs: object) -> rasterio.crs.CRS:
    try:
        return rasterio.crs.CRS.from_wkt(CRS(crs).to_wkt())
    except Exception as exc:
        msg = f"`crs` of the raster is not a CRS pyproj understands: {crs!r} ({exc}); pass e.g. geo.crs.ANALYSIS_CRS"
        raise CRSError(msg) from exc


def export_geotiff(
    array: np.ndarray,
    transform: object,
    crs: object,
    path: str | os.PathLike,
    *,
    nodata: float = -9999.0,
    block_rows: int = 1024,
    to_crs: str | int | CRS | None = None,
) -> Path:
    """Write a 2-D array as a float32, tiled, DEFLATE-compressed GeoTIFF.

    With ``to_crs`` (one of :data:`geo.crs.EXPORT_CRS`) the grid is first warped into that
    CRS with nearest-neighbour resampling, so every cell keeps a value of the input (scores
    are per unit; averaging across a unit border would invent values). Without it the grid
    stays in its own CRS (the equal-area analysis grid), which keeps cell areas true.

    The array is written in windows of ``block_rows`` rows, each converted to float32 (and
    NaN replaced by ``nodata``) on its own, so a large raster never needs a second
    full-size copy in memory.

    Parameters
    ----------
    array : numpy.ndarray
        2-D grid (rows, cols); any real dtype.
    transform : affine.Affine
        Pixel -> CRS transform.
    crs : pyproj.CRS or anything pyproj reads
        The grid's CRS (e.g. :data:`geo.crs.ANALYSIS_CRS`).
    path : str or path-like
        Output file; ``.tif`` is added if missing.
    nodata : float
        Value marking cells with no data; stored in the file.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np, rasterio
    >>> from affine import Affine
    >>> from geo.crs import ANALYSIS_CRS
    >>> a = np.array([[0.5, np.nan], [1.0, 0.25]])
    >>> p = export_geotiff(a, Affine(1000, 0, 0, 0, -1000, 2000), ANALYSIS_CRS, pathlib.Path(tempfile.mkdtemp()) / "s.tif")
    >>> with rasterio.open(p) as src:
    ...     src.read(1).tolist(), src.nodata, src.dtypes[0]
    ([[0.5, -9999.0], [1.0, 0.25]], -9999.0, 'float32')
    """
    arr = np.asarray(array)
    if arr.ndim != 2 or arr.size == 0 or not np.issubdtype(arr.dtype, np.number):
        msg = (
            f"`array` must be a non-empty 2-D numeric grid (rows, cols), got shape {arr.shape} "
            f"dtype {arr.dtype}; pass one band at a time"
        )
        raise ExportError(msg)
    if not math.isfinite(float(nodata)):
        msg = f"`nodata` must be a finite number (QGIS and ArcGIS handle NaN nodata poorly), got {nodata!r}; use -9999"
        raise ExportError(msg)
    rcrs = _raster_crs(crs)
    target = target_path(path, ".tif")
    if to_crs is not None:
        _key, dst_pyproj = resolve_export_crs(to_crs)
        dst_crs = _raster_crs(dst_pyproj)
        if dst_crs != rcrs:
            arr, transform = _warp(arr, transform, rcrs, dst_crs, nodata=float(nodata))
            rcrs = dst_crs
    rows, cols = arr.shape
    tiled = rows >= 256 and cols >= 256
    profile = {
        "driver": GTIFF, "height": rows, "width": cols, "count": 1, "dtype": "float32",
        "crs": rcrs, "transform": transform, "nodata": float(nodata),
        "compress": "deflate", "predictor": 3, "tiled": tiled,
    }
    if tiled:
        profile.update(blockxsize=256, blockysize=256)
    step = max(256, (int(block_rows) // 256) * 256)
    with atomic_path(target) as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            for r0 in range(0, rows, step):
                r1 = min(rows, r0 + step)
                chunk = np.asarray(arr[r0:r1], dtype=np.float32)
                if chunk is arr or np.shares_memory(chunk, arr):
                    chunk = chunk.copy()  # never modify the caller's array
                np.nan_to_num(chunk, copy=False, nan=float(nodata), posinf=float(nodata), neginf=float(nodata))
                dst.write(chunk, 1, window=Window(0, r0, cols, r1 - r0))
    return target


def _warp(arr: np.ndarray, transform: object, src_crs: object, dst_crs: object, *, nodata: float) -> tuple[np.ndarray, object]:
    """Nearest-neighbour warp of a north-up grid into ``dst_crs`` (float32, NaN -> nodata)."""
    rows, cols = arr.shape
    t = transform
    if t.b != 0 or t.d != 0:
        msg = "the raster's transform is rotated; only north-up grids can be exported with `to_crs`"
        raise ExportError(msg)
    # bounds computed by hand: rasterio.transform.array_bounds uses Affine `*`, which warns
    left, top = t.c, t.f
    right, bottom = t.c + t.a * cols, t.f + t.e * rows
    src = np.asarray(arr, dtype=np.float32).copy()
    np.nan_to_num(src, copy=False, nan=nodata, posinf=nodata, neginf=nodata)
    with warnings.catch_warnings():
        # rasterio 1.4 itself multiplies Affine objects with `*`, which affine 3 flags as pending
        # deprecation; the warning is about rasterio's code, not ours, so it is silenced here only.
        warnings.filterwarnings("ignore", message="Use `@` matmul", category=PendingDeprecationWarning)
        dst_t, w, h = calculate_default_transform(src_crs, dst_crs, cols, rows, left=min(left, right),
                                                  bottom=min(bottom, top), right=max(left, right), top=max(bottom, top))
        dst = np.full((h, w), nodata, dtype=np.float32)
        reproject(src, dst, src_transform=transform, src_crs=src_crs, src_nodata=nodata,
                  dst_transform=dst_t, dst_crs=dst_crs, dst_nodata=nodata, resampling=Resampling.nearest)
    return dst, dst_t


