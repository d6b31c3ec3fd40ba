"""What every writer of :mod:`geo.writers` shares: safe names, the export CRS, prepared layers.

Package-internal (the module name starts with ``_``): names without a leading underscore
here are used by the sibling writer modules; the public ones are re-exported by
:mod:`geo.writers`.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from geo.crs import EXPORT_CRS
from geo.errors import CRSError, ExportError

#: Export CRS used when none is asked for.
DEFAULT_CRS = "EPSG:4326"
#: DEFLATE level of the zips written here. Level 1, not zlib's default 6: measured on the
#: project's full export (EPSG:4547), it leaves binary coordinates (.gpkg, .shp) slightly
#: *smaller* (6.55 vs 6.58 MB, 6.44 vs 6.48 MB) and GeoJSON 7% larger (9.9 vs 9.3 MB) for
#: about a third of the zlib time (0.5 s instead of 1.7 s, which was the largest single
#: cost of the "everything" export).
ZIP_LEVEL = 1


# --------------------------------------------------------------------------- names and CRS
def sanitize_name(name: object, *, default: str = "layer", max_len: int = 60) -> str:
    """Turn any name into a safe ASCII file or layer name.

    Keeps letters, digits, ``_`` and ``-``; every other run of characters becomes ``_``;
    leading dots and underscores are dropped, so ``..`` and path separators cannot
    survive. A name with no ASCII left (e.g. all Chinese) becomes ``default`` plus a short
    stable hash of the original, so two Chinese names never collide.

    Parameters
    ----------
    name : object
        The proposed name (converted with ``str``).
    default : str
        Prefix used when nothing safe is left.
    max_len : int
        Longest result.

    Examples
    --------
    >>> sanitize_name("../../etc/passwd")
    'etc_passwd'
    >>> sanitize_name("fit scores (dyeing).gpkg")
    'fit_scores_dyeing_.gpkg'
    >>> sanitize_name("印染园区").startswith("layer_")
    True
    """
    text = str(name)
    ascii_part = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", ascii_part)
    safe = re.sub(r"\.{2,}", "_", safe)  # no '..' anywhere
    safe = re.sub(r"_+", "_", safe).lstrip("._-")
    safe = safe[:max_len].rstrip("._-") if len(safe) > max_len else safe
    if not re.search(r"[A-Za-z0-9]", safe):
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        prefix = re.sub(r"[^A-Za-z0-9_-]+", "_", default) or "layer"
        safe = f"{prefix}_{digest}"
    return safe


def unique_names(names: Sequence[object]) -> list[str]:
    """Sanitised names, de-duplicated case-insensitively with ``_2``, ``_3`` suffixes.

    Examples
    --------
    >>> unique_names(["a b", "A_B", "../x"])
    ['a_b', 'A_B_2', 'x']
    """
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        base = sanitize_name(n)
        cand, k = base, 2
        while cand.lower() in seen:
            cand, k = f"{base}_{k}", k + 1
        seen.add(cand.lower())
        out.append(cand)
    return out


def target_path(path: str | os.PathLike, suffix: str, *, default: str = "export") -> Path:
    """The output path with a sanitised file name and the right suffix (folder kept).

    Examples
    --------
    >>> target_path("out/我的 数据", ".gpkg").parent.name, target_path("a b.GPKG", ".gpkg").name
    ('out', 'a_b.gpkg')
    """
    p = Path(path)
    stem = p.name[: -len(suffix)] if p.name.lower().endswith(suffix) else p.name
    return p.parent / f"{sanitize_name(stem, default=default)}{suffix}"


def resolve_export_crs(crs: str | int | CRS | None = DEFAULT_CRS) -> tuple[str, CRS]:
    """Return ``(key, CRS)`` of an allowed export CRS, or raise :class:`geo.errors.CRSError`.

    Parameters
    ----------
    crs : str, int or pyproj.CRS
        ``"EPSG:4326"`` (default), ``"EPSG:4490"`` or ``"EPSG:4547"``; ``4490``, ``"4490"``
        and an equal :class:`pyproj.CRS` are accepted too.

    Examples
    --------
    >>> resolve_export_crs("epsg:4547")[0]
    'EPSG:4547'
    >>> resolve_export_crs(4490)[1].to_epsg()
    4490
    """
    if crs is None:
        crs = DEFAULT_CRS
    if isinstance(crs, CRS):
        for key, (c, _en, _zh) in EXPORT_CRS.items():
            if c.equals(crs):
                return key, c
        got = crs.to_string()
    else:
        got = str(crs).strip()
        key = got.upper() if got.upper().startswith("EPSG:") else f"EPSG:{got}"
        if key in EXPORT_CRS:
            return key, EXPORT_CRS[key][0]
    choices = "; ".join(f"{k} ({en})" for k, (_c, en, _zh) in EXPORT_CRS.items())
    msg = (
        f"`crs` must be one of the export coordinate systems, got {got!r}; "
        f"choose one of: {choices}"
    )
    raise CRSError(msg)


# --------------------------------------------------------------------------- preparing layers
def prepare_layer(gdf: object, *, name: str, crs: CRS) -> gpd.GeoDataFrame:
    """A reprojected copy with file-safe column values (lists and dicts become text).

    The "everything" export (:func:`geo.writers.write_formats`) calls this once per layer
    and hands the result to every writer (GeoPackage, Shapefile, GeoJSON, CSV
    coordinates); the public single-format functions call it themselves.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"stages": [["dyeing", "weaving"]]}, geometry=[Point(113, 23)], crs=4326)
    >>> prepare_layer(g, name="x", crs=CRS.from_epsg(4547))["stages"].tolist()
    ['dyeing;weaving']
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = (
            f"layer {name!r} must be a GeoDataFrame, got {type(gdf).__name__}; "
            "pass plain tables through `tables=` / `export_csv` instead"
        )
        raise ExportError(msg)
    if gdf.crs is None:
        msg = f"layer {name!r} has no CRS; set it with `gdf.set_crs(4326)` before exporting"
        raise CRSError(msg)
    out = gdf.to_crs(crs) if not CRS(gdf.crs).equals(crs) else gdf.copy()
    geom_col = out.geometry.name
    if geom_col != "geometry":
        out = out.rename_geometry("geometry")
    for col in out.columns:
        # Only object columns can hold lists, tuples, sets or dicts; a string column
        # (pandas' `str` / StringDtype) holds text or NA only, so it is not scanned.
        if col == "geometry" or out[col].dtype != object:
            continue
        s = out[col]
        # Lists, tuples, sets and dicts have no column type in GDAL: write them as text.
        nested = s.map(lambda v: isinstance(v, (list, tuple, set, dict)))
        if nested.any():
            out[col] = s.map(
                lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple, set))
                else (str(v) if isinstance(v, dict) else v)
            )
    return out


def is_text(s: pd.Series) -> bool:
    """Whether ``s`` may hold text (object or pandas string dtype).

    Examples
    --------
    >>> is_text(pd.Series(["a"], dtype=object)), is_text(pd.Series([1.0]))
    (True, False)
    """
    return s.dtype == object or isinstance(s.dtype, pd.StringDtype)


def check_layers(layers: Mapping[str, gpd.GeoDataFrame] | gpd.GeoDataFrame, *, argument: str) -> Mapping:
    """``layers`` as a non-empty mapping (one GeoDataFrame becomes ``{"layer": gdf}``), else ExportError.

    Examples
    --------
    >>> list(check_layers(gpd.GeoDataFrame(geometry=[]), argument="layers"))
    ['layer']
    """
    if isinstance(layers, gpd.GeoDataFrame):
        return {"layer": layers}
    if not isinstance(layers, Mapping) or len(layers) == 0:
        got = type(layers).__name__ if not isinstance(layers, Mapping) else "an empty mapping"
        msg = f"`{argument}` must be a non-empty mapping of layer name -> GeoDataFrame, got {got}; pass e.g. {{'cities': gdf}}"
        raise ExportError(msg)
    return layers
