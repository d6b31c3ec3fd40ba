"""The one GeoTIFF writer: every raster the tool writes is a Cloud-Optimised GeoTIFF.

Package-internal; :func:`export_geotiff` is re-exported by :mod:`geo.writers` and is the
``tif`` row of its format table.
"""
from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.shutil
from pyproj import CRS
from rasterio.windows import Window

from geo.errors import CRSError, ExportError
from geo.io import atomic_path
from geo.writers._common import resolve_export_crs, target_path

log = logging.getLogger(__name__)

#: GDAL driver that reads the rasters written here (they are written through GDAL's ``COG`` driver,
#: whose files are GeoTIFFs every GeoTIFF reader opens).
GTIFF = "GTiff"
#: Nodata value written when none is given.
GEOTIFF_NODATA: float = -9999.0
#: Overview resampling names accepted (GDAL's, lower case).
_OVERVIEW_RESAMPLING = ("nearest", "average", "mode", "bilinear", "cubic", "min", "max")


def _raster_crs(crs: object) -> rasterio.crs.CRS:
    try:
        return rasterio.crs.CRS.from_wkt(CRS(crs).to_wkt())
    except Exception as exc:
        msg = f"`crs` of the raster is not a CRS pyproj understands: {crs!r} ({exc}); pass e.g. geo.crs.ANALYSIS_CRS"
        raise CRSError(msg) from exc


def _geotiff_target(path: str | os.PathLike) -> Path:
    """``path`` with a safe file name ending in ``.tif`` (``.tiff`` is kept when given)."""
    suffix = ".tiff" if Path(path).name.lower().endswith(".tiff") else ".tif"
    return target_path(path, suffix)


def _check_shape(data: Any) -> tuple[Any, tuple[int, ...]]:
    """``data`` (made an array when it has no shape) and its shape, or one ExportError."""
    if not hasattr(data, "shape") or not hasattr(data, "__getitem__"):
        data = np.asarray(data)
    shape = tuple(int(s) for s in data.shape)
    dtype = getattr(data, "dtype", None)
    numeric = dtype is None or np.issubdtype(np.dtype(dtype), np.number)
    if len(shape) not in (2, 3) or 0 in shape or not numeric:
        msg = (f"`array` must be a non-empty 2-D numeric grid (rows, cols) or a 3-D stack of them (bands, rows, cols), "
               f"got shape {shape} dtype {dtype}; pass a grid of numbers")
        raise ExportError(msg)
    return data, shape


def export_geotiff(
    array: Any,
    transform: object,
    crs: object,
    path: str | os.PathLike,
    *,
    nodata: float = GEOTIFF_NODATA,
    to_crs: str | int | CRS | None = None,
    tags: Mapping[str, object] | None = None,
    descriptions: Sequence[str] | None = None,
    block_size: int = 512,
    overview_resampling: str = "nearest",
    progress: Callable[[float, str], None] | None = None,
) -> Path:
    """Write a grid (or a stack of grids) as a float32 Cloud-Optimised GeoTIFF, atomically and by windows.

    Every GeoTIFF the tool writes comes from here: tiled ``block_size`` x ``block_size``,
    DEFLATE with the floating-point predictor, CRS and nodata set, internal overviews (nearest
    by default, so coded values such as "restricted" never blend with scores) and GDAL's COG
    layout, so QGIS, ArcGIS and web viewers read it in parts.

    The grid is written ``block_size`` rows at a time into a temporary tiled GeoTIFF (each
    window converted to float32 on its own, NaN and infinities made ``nodata``, so a large
    raster, a memory map or a dask array never needs a second full-size copy in memory and the
    caller's array is never changed); GDAL's COG driver then converts that into a second
    temporary file, which is renamed onto the target only when complete
    (:func:`geo.io.atomic_path`): an error leaves nothing half-written and an older file untouched.

    With ``to_crs`` (one of :data:`geo.crs.EXPORT_CRS`) the COG driver warps the grid into that
    CRS on the way, window by window, with **nearest-neighbour** resampling: every output cell
    keeps the value of one input cell, so per-unit scores are not averaged across unit borders,
    and codes (e.g. -1 "restricted" beside 0..1 scores) and ``nodata`` stay distinct instead of
    blending into invented values. GDAL chooses the output grid so that it holds about as many
    cells as the input (a 1 km analysis grid comes out at close to, not exactly, 1 km in
    EPSG:4547). Without ``to_crs`` the grid stays in its own CRS (the equal-area analysis grid
    keeps cell areas true).

    Parameters
    ----------
    array : array-like
        (rows, cols) or (bands, rows, cols), any real dtype: a numpy array, a memory map, a dask
        array, or anything with ``shape`` that slices by rows.
    transform : affine.Affine
        Pixel -> CRS transform (north-up).
    crs : pyproj.CRS or anything pyproj reads
        The grid's CRS (e.g. :data:`geo.crs.ANALYSIS_CRS`).
    path : str or path-like
        Output file; the name is made safe ASCII and ``.tif`` added unless it ends in ``.tif``/``.tiff``.
    nodata : float
        Finite value marking cells with no data; stored in the file.
    to_crs : str, int or pyproj.CRS, optional
        Export CRS to warp into (nearest neighbour); None keeps ``crs``.
    tags : mapping, optional
        Dataset metadata (e.g. the meaning of coded values, the source of each band).
    descriptions : sequence of str, optional
        One description per band.
    block_size : int
        Tile size in cells (a positive multiple of 16); also the rows written per window.
    overview_resampling : str
        GDAL resampling of the overviews; ``nearest`` keeps coded values apart.
    progress : callable, optional
        Called as ``progress(fraction, message)``.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ExportError
        Not a 2-D/3-D numeric grid, a non-finite ``nodata``, a bad ``block_size``, descriptions
        not one per band, an unknown overview resampling.
    CRSError
        ``crs`` unreadable, or ``to_crs`` not one of the export CRS.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np, rasterio
    >>> from affine import Affine
    >>> from geo.crs import ANALYSIS_CRS
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> a = np.array([[0.5, np.nan], [1.0, 0.25]])
    >>> p = export_geotiff(a, Affine(1000, 0, 0, 0, -1000, 2000), ANALYSIS_CRS, d / "s.tif")
    >>> with rasterio.open(p) as src:
    ...     src.read(1).tolist(), src.nodata, src.dtypes[0], src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"]
    ([[0.5, -9999.0], [1.0, 0.25]], -9999.0, 'float32', 'COG')
    >>> big = np.linspace(0, 1, 600 * 600, dtype=np.float32).reshape(600, 600)
    >>> p = export_geotiff(big, Affine(100, 0, 0, 0, -100, 60000), ANALYSIS_CRS, d / "b.tif", block_size=256)
    >>> with rasterio.open(p) as ds:
    ...     ds.profile["tiled"], ds.profile["compress"], ds.block_shapes[0], ds.overviews(1)
    (True, 'deflate', (256, 256), [2, 4])
    """
    data, shape = _check_shape(array)
    if not math.isfinite(float(nodata)):
        msg = f"`nodata` must be a finite number (QGIS and ArcGIS handle NaN nodata poorly), got {nodata!r}; use -9999"
        raise ExportError(msg)
    if block_size % 16 or block_size < 16:
        msg = f"`block_size` must be a positive multiple of 16, got {block_size}"
        raise ExportError(msg)
    if overview_resampling.lower() not in _OVERVIEW_RESAMPLING:
        msg = f"`overview_resampling` must be one of {list(_OVERVIEW_RESAMPLING)}, got {overview_resampling!r}"
        raise ExportError(msg)
    count, rows, cols = (1, *shape) if len(shape) == 2 else shape
    if descriptions is not None and len(descriptions) != count:
        msg = f"`descriptions` has {len(descriptions)} name(s) for {count} band(s); give one per band"
        raise ExportError(msg)
    rcrs = _raster_crs(crs)
    warp: dict[str, str] = {}
    if to_crs is not None:
        dst_crs = _raster_crs(resolve_export_crs(to_crs)[1])
        if dst_crs != rcrs:
            if transform.b != 0 or transform.d != 0:
                msg = "the raster's transform is rotated; only north-up grids can be exported with `to_crs`"
                raise ExportError(msg)
            # GDAL picks the output grid (GDALSuggestedWarpOutput2: about as many cells as the input)
            warp = {"TARGET_SRS": dst_crs.to_wkt(), "WARP_RESAMPLING": "NEAREST"}
    target = _geotiff_target(path)
    fill = float(nodata)
    with atomic_path(target) as tmp:
        src_tmp = tmp.with_name(tmp.stem + ".src.tif")
        try:
            with rasterio.open(
                src_tmp, "w", driver=GTIFF, width=cols, height=rows, count=count, dtype="float32",
                crs=rcrs, transform=transform, nodata=fill, tiled=True, blockxsize=block_size,
                blockysize=block_size, compress="deflate", predictor=3, BIGTIFF="IF_SAFER",
            ) as dst:
                starts = range(0, rows, block_size)
                for i, r0 in enumerate(starts):
                    r1 = min(rows, r0 + block_size)
                    part = data[r0:r1] if len(shape) == 2 else data[:, r0:r1]
                    block = np.array(part, dtype=np.float32, copy=True).reshape(count, r1 - r0, cols)
                    np.nan_to_num(block, copy=False, nan=fill, posinf=fill, neginf=fill)
                    dst.write(block, window=Window(0, r0, cols, r1 - r0))
                    if progress is not None:
                        progress(0.8 * (i + 1) / len(starts), f"writing {target.name}")
                if tags:
                    dst.update_tags(**{str(k): str(v) for k, v in tags.items()})
                for b, d in enumerate(descriptions or (), start=1):
                    dst.set_band_description(b, str(d))
            rasterio.shutil.copy(
                src_tmp, tmp, driver="COG", COMPRESS="DEFLATE", PREDICTOR="YES", BLOCKSIZE=block_size,
                OVERVIEWS="AUTO", OVERVIEW_RESAMPLING=overview_resampling.upper(), BIGTIFF="IF_SAFER", **warp,
            )
        finally:
            src_tmp.unlink(missing_ok=True)
    if progress is not None:
        progress(1.0, f"wrote {target.name}")
    log.info("wrote %s (%d band(s), %d x %d%s)", target, count, rows, cols, f", warped to {to_crs}" if warp else "")
    return target
