"""CSV writer: UTF-8 with a byte-order mark, a guard against spreadsheet formulas, layers with coordinates.

Package-internal; :func:`export_csv` is re-exported by :mod:`geo.writers`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.errors import CRSError, ExportError
from geo.io import atomic_path
from geo.writers._common import DEFAULT_CRS, resolve_export_crs, target_path

#: The GDAL driver that reads these files back (they are written by pandas, not GDAL).
CSV = "CSV"

#: First characters that make Excel or LibreOffice treat a cell as a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain negative number stays as it is ("-1.5" is data, "-2+3+cmd|..." is a formula).
_PLAIN_NUMBER = re.compile(r"-(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _risky(v: object) -> bool:
    return isinstance(v, str) and v.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(v)


def guard_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells that a spreadsheet would run as a formula get a leading ``'``.

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR are defused (OWASP's CSV
    injection list); a plain negative number such as ``-1.5`` is left alone. Every CSV the
    project writes goes through this (:func:`export_csv`, the command line's ``--out`` and
    standard output).

    Examples
    --------
    >>> guard_formulas(pd.DataFrame({"a": ["=1+1", "-2+3+cmd|' /C calc'!A0", "-1.5", "ok"]}))["a"].tolist()
    ["'=1+1", "'-2+3+cmd|' /C calc'!A0", '-1.5', 'ok']
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if not (s.dtype == object or isinstance(s.dtype, pd.StringDtype)):
            continue
        risky = s.map(_risky).astype(bool)
        if risky.any():
            out[col] = s.astype(object).where(~risky, "'" + s[risky].astype(str))
    return out


def export_csv(
    table: pd.DataFrame | gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    crs: str | int | CRS = DEFAULT_CRS,
    protect_formulas: bool = True,
) -> Path:
    """Write a table (or a layer) as CSV in UTF-8 with a byte-order mark.

    Why the BOM: Excel on Chinese Windows opens a CSV without one in the local code page
    (GBK), which turns UTF-8 Chinese into mojibake; the three bytes ``EF BB BF`` make it
    read UTF-8. Other tools (pandas ``encoding="utf-8-sig"``, QGIS, GDAL) skip the BOM.

    A layer's geometry is written as ``lon``/``lat`` columns (or ``x``/``y`` in metres for
    EPSG:4547) when every feature is a point, otherwise as a ``wkt`` column, in ``crs``.
    With ``protect_formulas``, text cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR
    get a leading ``'`` so Excel shows them instead of running them (CSV injection; see
    :func:`guard_formulas`).

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"name_zh": ["揭阳"]}, geometry=[Point(116.37, 23.55)], crs=4326)
    >>> p = export_csv(g, pathlib.Path(tempfile.mkdtemp()) / "p.csv")
    >>> p.read_bytes()[:3] == b"\\xef\\xbb\\xbf"
    True
    >>> p.read_text(encoding="utf-8-sig").splitlines()[0]
    'name_zh,lon,lat'
    """
    if not isinstance(table, pd.DataFrame):
        msg = f"`table` must be a pandas DataFrame or GeoDataFrame, got {type(table).__name__}"
        raise ExportError(msg)
    target = target_path(path, ".csv")
    if isinstance(table, gpd.GeoDataFrame) and table.geometry.name in table.columns:
        _key, target_crs = resolve_export_crs(crs)
        if table.crs is None:
            msg = "`table` is a layer with no CRS; set it with `gdf.set_crs(4326)` before exporting"
            raise CRSError(msg)
        df = layer_table(table, table.to_crs(target_crs).geometry.values, projected=target_crs.is_projected)
    else:
        df = table.copy()
    return write_csv(df, target, protect_formulas=protect_formulas)


def layer_table(layer: gpd.GeoDataFrame, geoms: np.ndarray, *, projected: bool) -> pd.DataFrame:
    """The attribute table of ``layer`` with its geometry as lon/lat (x/y) or WKT columns.

    ``geoms`` are the layer's geometries already in the export CRS (e.g. those of its
    :func:`prepare_layer` copy), so the layer is not reprojected again; the attributes
    are taken from ``layer`` itself, as given.
    """
    df = pd.DataFrame(layer.drop(columns=layer.geometry.name))
    present = ~shapely.is_missing(geoms)
    is_point = shapely.get_type_id(geoms[present]) == 0
    if present.any() and is_point.all():
        xn, yn = ("x", "y") if projected else ("lon", "lat")
        df[xn] = shapely.get_x(geoms)
        df[yn] = shapely.get_y(geoms)
    else:
        df["wkt"] = shapely.to_wkt(geoms, rounding_precision=-1)
    return df


def write_csv(df: pd.DataFrame, target: Path, *, protect_formulas: bool) -> Path:
    """Write ``df`` (the caller's own copy; it may be modified) as UTF-8-with-BOM CSV, atomically."""
    if protect_formulas:
        df = guard_formulas(df)
    with atomic_path(target) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return target


