"""Export layers, tables and rasters for QGIS, ArcGIS and Excel.

Formats: GeoPackage (every layer in one file), zipped Shapefiles (one set per layer, with
``.prj``, a ``.cpg`` declaring UTF-8, field names within 10 characters and a CSV mapping
them back to the full names), GeoJSON, CSV (UTF-8 with a byte-order mark) and GeoTIFF
(float32, tiled, compressed, written in windows).

Vector exports are reprojected on request to one of :data:`geo.crs.EXPORT_CRS`
(EPSG:4326 by default, CGCS2000 EPSG:4490, CGCS2000 / 3-degree Gauss-Kruger CM 114E
EPSG:4547); any other CRS is refused with the list of choices.

Every file is written to a temporary name beside the target and renamed into place only
when complete (:func:`geo.io.atomic_path`), so an interrupted export leaves nothing
half-written. File and layer names derived from user input are sanitised to safe ASCII
(no path separators, no ``..``); Chinese stays in the content.
"""
from __future__ import annotations

import csv
import hashlib
import logging
import math
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
import shapely
from pyproj import CRS
from rasterio.windows import Window

from geo.crs import EXPORT_CRS
from geo.errors import CRSError, PlannerError
from geo.io import atomic_path

__all__ = [
    "DEFAULT_CRS",
    "RasterSpec",
    "sanitize_name",
    "resolve_export_crs",
    "shorten_field_names",
    "export_geopackage",
    "export_shapefiles",
    "export_geojson",
    "export_csv",
    "export_geotiff",
    "export_everything",
]

log = logging.getLogger(__name__)

#: Export CRS used when none is asked for.
DEFAULT_CRS = "EPSG:4326"
#: Longest text a dBASE (.dbf) field holds, in bytes.
_DBF_MAX_BYTES = 254
#: Longest shapefile (dBASE) field name.
_DBF_NAME_LEN = 10
#: DEFLATE level of the zips written here. Level 1, not zlib's default 6: measured on the
#: project's full export (EPSG:4547), it leaves binary coordinates (.gpkg, .shp) slightly
#: *smaller* (6.55 vs 6.58 MB, 6.44 vs 6.48 MB) and GeoJSON 7% larger (9.9 vs 9.3 MB) for
#: about a third of the zlib time (0.5 s instead of 1.7 s, which was the largest single
#: cost of :func:`export_everything`).
_ZIP_LEVEL = 1
#: A raster given to :func:`export_everything`: (array, affine transform, CRS).
RasterSpec = tuple  # (np.ndarray, affine.Affine, CRS-like)


class ExportError(PlannerError):
    """An export was asked for with arguments it cannot honour."""


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


def _unique_names(names: Sequence[object]) -> list[str]:
    """Sanitised names, de-duplicated case-insensitively with ``_2``, ``_3`` suffixes."""
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


def _target(path: str | os.PathLike, suffix: str) -> Path:
    """The output path with a sanitised file name and the right suffix (folder kept)."""
    p = Path(path)
    stem = p.name[: -len(suffix)] if p.name.lower().endswith(suffix) else p.name
    return p.parent / f"{sanitize_name(stem, default='export')}{suffix}"


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
def _prepare_layer(gdf: object, *, name: str, crs: CRS) -> gpd.GeoDataFrame:
    """A reprojected copy with file-safe column values (lists and dicts become text).

    :func:`export_everything` calls this once per layer and hands the result to every
    writer (GeoPackage, Shapefile, GeoJSON, CSV coordinates); the public single-format
    functions call it themselves.
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


def _is_text(s: pd.Series) -> bool:
    """Whether ``s`` may hold text (object or pandas string dtype)."""
    return s.dtype == object or isinstance(s.dtype, pd.StringDtype)


def _check_layers(layers: Mapping[str, gpd.GeoDataFrame] | gpd.GeoDataFrame, *, argument: str) -> Mapping:
    if isinstance(layers, gpd.GeoDataFrame):
        return {"layer": layers}
    if not isinstance(layers, Mapping) or len(layers) == 0:
        got = type(layers).__name__ if not isinstance(layers, Mapping) else "an empty mapping"
        msg = f"`{argument}` must be a non-empty mapping of layer name -> GeoDataFrame, got {got}; pass e.g. {{'cities': gdf}}"
        raise ExportError(msg)
    return layers


# --------------------------------------------------------------------------- GeoPackage
def export_geopackage(
    layers: Mapping[str, gpd.GeoDataFrame],
    path: str | os.PathLike,
    *,
    crs: str | int | CRS = DEFAULT_CRS,
) -> Path:
    """Write every layer into one GeoPackage in ``crs``.

    Layer names are sanitised (:func:`sanitize_name`) and made unique. The file appears
    only when every layer is written.

    Parameters
    ----------
    layers : mapping of str -> GeoDataFrame
        Layer name -> layer (any CRS; reprojected).
    path : str or path-like
        Output file; ``.gpkg`` is added if missing.
    crs : str
        One of :data:`geo.crs.EXPORT_CRS`.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd, pyogrio
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"name_zh": ["揭阳"]}, geometry=[Point(116.37, 23.55)], crs=4326)
    >>> p = export_geopackage({"towns": g}, pathlib.Path(tempfile.mkdtemp()) / "out.gpkg", crs="EPSG:4490")
    >>> pyogrio.read_dataframe(p, layer="towns")["name_zh"].tolist()
    ['揭阳']
    """
    key, target_crs = resolve_export_crs(crs)
    layers = _check_layers(layers, argument="layers")
    target = _target(path, ".gpkg")
    names = _unique_names(list(layers))
    with atomic_path(target) as tmp:
        for i, (lname, (orig, gdf)) in enumerate(zip(names, layers.items())):
            _write_gpkg_layer(_prepare_layer(gdf, name=str(orig), crs=target_crs), tmp, lname, append=i > 0)
    log.info("wrote %s: %d layer(s) in %s", target, len(names), key)
    return target


def _write_gpkg_layer(prepared: gpd.GeoDataFrame, path: Path, lname: str, *, append: bool) -> None:
    """Write one prepared layer (:func:`_prepare_layer`) into the GeoPackage at ``path``.

    The classic (non-Arrow) pyogrio path is used on purpose: with pyogrio 0.13 / GDAL 3.12
    the Arrow path writes the same schema but measured slower for these layers.
    """
    pyogrio.write_dataframe(prepared, path, layer=lname, driver="GPKG", append=append)


# --------------------------------------------------------------------------- Shapefile
def shorten_field_names(columns: Sequence[str]) -> dict[str, str]:
    """Map column names to unique shapefile field names of at most 10 ASCII characters.

    Deterministic: characters other than ``A-Z a-z 0-9 _`` become ``_``, names are cut to
    10 characters, and a name that collides (case-insensitively, as dBASE compares them)
    with an earlier one gets its tail replaced by ``_1``, ``_2``, ... A name with nothing
    ASCII left becomes ``field<N>`` (N its 1-based position).

    Examples
    --------
    >>> shorten_field_names(["relatedness", "relatedness_rank", "name_zh", "得分"])
    {'relatedness': 'relatednes', 'relatedness_rank': 'relatedn_1', 'name_zh': 'name_zh', '得分': 'field4'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for i, col in enumerate(columns):
        base = re.sub(r"[^A-Za-z0-9_]", "_", str(col)).strip("_")
        if not re.search(r"[A-Za-z0-9]", base):
            base = f"field{i + 1}"
        if base[0].isdigit():
            base = f"f{base}"
        cand, k = base[:_DBF_NAME_LEN], 1
        while cand.lower() in used:
            suffix = f"_{k}"
            cand, k = base[: _DBF_NAME_LEN - len(suffix)] + suffix, k + 1
        used.add(cand.lower())
        out[str(col)] = cand
    return out


def _fit_dbf_text(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Cut text longer than 254 UTF-8 bytes at a character boundary; count cuts per column.

    GDAL would cut such values itself, possibly in the middle of a Chinese character,
    leaving invalid UTF-8 in the .dbf. The full text stays in the GeoPackage and GeoJSON.
    """
    out = gdf
    cut: dict[str, int] = {}
    for col in gdf.columns:
        if col == "geometry" or not _is_text(gdf[col]):
            continue
        s = gdf[col]
        # UTF-8 takes at most 4 bytes a character, so only text of more than 254 // 4
        # characters can be over the limit: only those few values are encoded to count bytes.
        if isinstance(s.dtype, pd.StringDtype):
            maybe = s[(s.str.len() > _DBF_MAX_BYTES // 4).fillna(False).to_numpy(bool)]
        else:
            maybe = s[s.map(lambda v: isinstance(v, str) and len(v) > _DBF_MAX_BYTES // 4).to_numpy(bool)]
        if maybe.empty:
            continue
        nbytes = maybe.map(lambda v: len(v.encode("utf-8")))
        long_idx = nbytes.index[nbytes > _DBF_MAX_BYTES]
        if len(long_idx):
            if out is gdf:
                out = gdf.copy()
            # Only the few over-long values are touched; byte-aware cutting has no vector form.
            out.loc[long_idx, col] = s.loc[long_idx].map(
                lambda v: v.encode("utf-8")[:_DBF_MAX_BYTES].decode("utf-8", "ignore")
            )
            cut[col] = len(long_idx)
    return out, cut


def _write_shapefile_set(gdf: gpd.GeoDataFrame, folder: Path, lname: str) -> list[Path]:
    """Write one layer as ``lname``.shp/.shx/.dbf/.prj/.cpg plus ``lname``_fields.csv."""
    fields = [c for c in gdf.columns if c != "geometry"]
    mapping = shorten_field_names(fields)
    data, cut = _fit_dbf_text(gdf)
    data = data.rename(columns=mapping)
    types = set(shapely.get_type_id(data.geometry.values[~shapely.is_missing(data.geometry.values)]))
    families = {0: "point", 4: "point", 1: "line", 5: "line", 3: "polygon", 6: "polygon", 2: "line"}
    kinds = {families.get(int(t), "other") for t in types}
    if len(kinds) > 1 or "other" in kinds:
        msg = (
            f"layer {lname!r} mixes geometry kinds {sorted(kinds)}; a shapefile holds one kind. "
            "Split it into one layer per kind or export it as GeoPackage"
        )
        raise ExportError(msg)
    shp = folder / f"{lname}.shp"
    pyogrio.write_dataframe(data, shp, driver="ESRI Shapefile", encoding="UTF-8")
    cpg = folder / f"{lname}.cpg"
    if not cpg.exists() or cpg.read_text(encoding="ascii", errors="replace").strip().upper() != "UTF-8":
        cpg.write_text("UTF-8", encoding="ascii")  # GDAL writes it; make sure regardless of build options
    table = folder / f"{lname}_fields.csv"
    with table.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["short", "full", "values_cut_to_254_bytes"])
        for full, short in mapping.items():
            w.writerow([short, full, cut.get(full, 0)])
    files = sorted(p for p in folder.iterdir() if p.stem == lname or p.name == table.name)
    missing = {".shp", ".shx", ".dbf", ".prj", ".cpg"} - {p.suffix for p in files}
    if missing:
        msg = f"GDAL did not write {sorted(missing)} for layer {lname!r}; check the GDAL installation"
        raise ExportError(msg)
    return files


def export_shapefiles(
    layers: Mapping[str, gpd.GeoDataFrame] | gpd.GeoDataFrame,
    path_zip: str | os.PathLike,
    *,
    crs: str | int | CRS = DEFAULT_CRS,
) -> Path:
    """Write one shapefile set per layer into a zip, with field-name mapping tables.

    Each layer ``name`` gives ``name.shp .shx .dbf .prj .cpg`` (the ``.cpg`` says
    ``UTF-8`` so QGIS and ArcGIS read Chinese correctly) and ``name_fields.csv`` with the
    columns ``short, full, values_cut_to_254_bytes`` mapping the 10-character field names
    back to the full ones (see :func:`shorten_field_names`). Text longer than the dBASE
    limit of 254 bytes is cut at a character boundary and counted in that table.

    Parameters
    ----------
    layers : mapping of str -> GeoDataFrame, or one GeoDataFrame
        One GeoDataFrame is written as a single layer named after the zip file.
    path_zip : str or path-like
        Output zip; ``.zip`` is added if missing.
    crs : str
        One of :data:`geo.crs.EXPORT_CRS`.

    Examples
    --------
    >>> import tempfile, pathlib, zipfile, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"relatedness_density": [0.5]}, geometry=[Point(113, 23)], crs=4326)
    >>> z = export_shapefiles({"scores": g}, pathlib.Path(tempfile.mkdtemp()) / "shp.zip")
    >>> sorted(zipfile.ZipFile(z).namelist())
    ['scores.cpg', 'scores.dbf', 'scores.prj', 'scores.shp', 'scores.shx', 'scores_fields.csv']
    """
    key, target_crs = resolve_export_crs(crs)
    target = _target(path_zip, ".zip")
    if isinstance(layers, gpd.GeoDataFrame):
        layers = {target.stem: layers}
    layers = _check_layers(layers, argument="layers")
    names = _unique_names(list(layers))
    # a generator: each layer is prepared just before it is written, inside the atomic write
    prepared = ((lname, _prepare_layer(gdf, name=str(orig), crs=target_crs))
                for lname, (orig, gdf) in zip(names, layers.items()))
    _write_shapefile_zip(prepared, target)
    log.info("wrote %s: %d shapefile set(s) in %s", target, len(names), key)
    return target


def _write_shapefile_zip(prepared: Iterable[tuple[str, gpd.GeoDataFrame]], target: Path) -> Path:
    """Zip one shapefile set per ``(name, prepared layer)`` into ``target``, atomically.

    The layers must come from :func:`_prepare_layer` (reprojected, nested values as text)
    and the names must be sanitised already.
    """
    with tempfile.TemporaryDirectory(prefix=".shp_", dir=target.parent if target.parent.exists() else None) as td, \
            atomic_path(target) as tmp:
        folder = Path(td)
        written: list[Path] = []
        for lname, layer in prepared:
            written += _write_shapefile_set(layer, folder, lname)
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL) as zf:
            for p in written:
                zf.write(p, arcname=p.name)
    return target


# --------------------------------------------------------------------------- GeoJSON and CSV
def export_geojson(
    layer: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    crs: str | int | CRS = DEFAULT_CRS,
) -> Path:
    """Write one layer as GeoJSON in ``crs``.

    EPSG:4326 output follows RFC 7946 (no ``crs`` member, longitude/latitude order,
    coordinates to 7 decimals, about 1 cm); for
    EPSG:4490 and EPSG:4547 GDAL writes the ``crs`` member naming the EPSG code, which
    QGIS and ArcGIS honour (RFC 7946 itself only knows WGS84), and coordinates with 17
    significant digits (within a few units in the last place of the numbers written).

    Examples
    --------
    >>> import tempfile, pathlib, json, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"name_zh": ["汕头"]}, geometry=[Point(116.68, 23.35)], crs=4326)
    >>> p = export_geojson(g, pathlib.Path(tempfile.mkdtemp()) / "st.geojson")
    >>> json.loads(p.read_text(encoding="utf-8"))["features"][0]["properties"]["name_zh"]
    '汕头'
    """
    key, target_crs = resolve_export_crs(crs)
    target = _target(path, ".geojson")
    return _write_geojson(_prepare_layer(layer, name=target.stem, crs=target_crs), target, crs_key=key)


def _write_geojson(prepared: gpd.GeoDataFrame, target: Path, *, crs_key: str) -> Path:
    """Write a prepared layer (:func:`_prepare_layer`, already in ``crs_key``) as GeoJSON, atomically.

    GDAL's writer, not ``GeoDataFrame.to_json`` (no faster here, and without the ``crs``
    member) nor pyogrio's Arrow path (measured slower for this driver).
    """
    if crs_key == "EPSG:4326":
        opts = {"RFC7946": "YES"}
    else:
        # GDAL's default for non-RFC GeoJSON is 15 decimals, i.e. 21-22 significant digits
        # for Gauss-Kruger metres: digits past the 17th carry no information (17 pin a double
        # down) but cost ~17% of the file and a third of GDAL's write time. Either way GDAL
        # rounds away runs of trailing 0s/9s, so a rare coordinate moves by a few ulps.
        opts = {"SIGNIFICANT_FIGURES": "17"}
    with atomic_path(target) as tmp:
        pyogrio.write_dataframe(prepared, tmp, driver="GeoJSON", layer=target.stem, layer_options=opts)
    return target


#: First characters that make Excel treat a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "@", "\t", "\r")


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
    With ``protect_formulas``, text cells starting with ``=``, ``+``, ``@``, tab or CR get
    a leading ``'`` so Excel shows them instead of running them (CSV injection).

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
    target = _target(path, ".csv")
    if isinstance(table, gpd.GeoDataFrame) and table.geometry.name in table.columns:
        _key, target_crs = resolve_export_crs(crs)
        if table.crs is None:
            msg = "`table` is a layer with no CRS; set it with `gdf.set_crs(4326)` before exporting"
            raise CRSError(msg)
        df = _layer_table(table, table.to_crs(target_crs).geometry.values, projected=target_crs.is_projected)
    else:
        df = table.copy()
    return _write_csv(df, target, protect_formulas=protect_formulas)


def _layer_table(layer: gpd.GeoDataFrame, geoms: np.ndarray, *, projected: bool) -> pd.DataFrame:
    """The attribute table of ``layer`` with its geometry as lon/lat (x/y) or WKT columns.

    ``geoms`` are the layer's geometries already in the export CRS (e.g. those of its
    :func:`_prepare_layer` copy), so the layer is not reprojected again; the attributes
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


def _write_csv(df: pd.DataFrame, target: Path, *, protect_formulas: bool) -> Path:
    """Write ``df`` (the caller's own copy; it may be modified) as UTF-8-with-BOM CSV, atomically."""
    if protect_formulas:
        for col in df.columns:
            s = df[col]
            if isinstance(s.dtype, pd.StringDtype):
                risky = s.str.startswith(_FORMULA_START, na=False)
            elif s.dtype == object:
                risky = s.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START))
            else:
                continue
            if risky.any():
                df.loc[risky, col] = "'" + s[risky].astype(str)
    with atomic_path(target) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return target


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
    target = _target(path, ".tif")
    if to_crs is not None:
        _key, dst_pyproj = resolve_export_crs(to_crs)
        dst_crs = _raster_crs(dst_pyproj)
        if dst_crs != rcrs:
            arr, transform = _warp(arr, transform, rcrs, dst_crs, nodata=float(nodata))
            rcrs = dst_crs
    rows, cols = arr.shape
    tiled = rows >= 256 and cols >= 256
    profile = {
        "driver": "GTiff", "height": rows, "width": cols, "count": 1, "dtype": "float32",
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
    from rasterio.warp import Resampling, calculate_default_transform, reproject

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


# --------------------------------------------------------------------------- everything
def _readme_text(
    *, crs_key: str, files: list[str], layers: Mapping[str, gpd.GeoDataFrame],
    tables: Mapping[str, pd.DataFrame], rasters: Mapping[str, RasterSpec], sources: Sequence[str],
) -> str:
    _c, en, zh = EXPORT_CRS[crs_key]
    found: list[str] = list(sources)
    for obj in list(layers.values()) + list(tables.values()):
        if isinstance(obj, pd.DataFrame) and "source" in obj.columns:
            found += [str(s) for s in obj["source"].dropna().unique()]
    found = list(dict.fromkeys(s for s in found if s))
    lines = [
        "Guangdong textile & apparel layout planner - export",
        "广东纺织服装产业布局规划工具 - 数据导出",
        "",
        f"Written (UTC): {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M')}",
        "",
        "Coordinate reference system / 坐标系",
        f"  Vector layers (GeoPackage, Shapefile, GeoJSON, CSV): {crs_key} - {en} / {zh}",
    ]
    for name in rasters:
        lines.append(f"  Raster {sanitize_name(name)}.tif: {crs_key}, warped from the equal-area analysis grid "
                     "(nearest neighbour: every cell keeps a unit's value)")
    lines += [
        "",
        "Files / 文件",
        *[f"  {f}" for f in files],
        "",
        "Shapefiles: one zip per layer; .cpg declares UTF-8; field names are cut to 10",
        "characters - <layer>_fields.csv in each zip maps them back to the full names.",
        "CSV files are UTF-8 with BOM so Excel opens Chinese correctly.",
        "GeoTIFF: float32, nodata -9999.",
        "",
        "Sources / 数据来源",
        *[f"  - {s}" for s in found],
        "",
        "Layers and their clauses cite 粤工信消费函〔2023〕2号《关于进一步推动纺织服装产业高质量发展的实施意见》",
        "as §N (column `clause`).",
    ]
    return "\n".join(lines) + "\n"


def export_everything(
    layers: Mapping[str, gpd.GeoDataFrame],
    tables: Mapping[str, pd.DataFrame] | None = None,
    rasters: Mapping[str, RasterSpec] | None = None,
    out_zip: str | os.PathLike = "export.zip",
    *,
    crs: str | int | CRS = DEFAULT_CRS,
    sources: Sequence[str] = (),
) -> Path:
    """Write every layer, table and raster into one zip with a README.

    Contents: ``layers.gpkg`` (every layer), ``shapefile/<layer>.zip`` (one per layer),
    ``geojson/<layer>.geojson``, ``csv/<table>.csv`` (every table, and every point layer
    with lon/lat), ``raster/<name>.tif`` and ``README.txt`` naming the CRS, the files and
    every source (``sources`` plus the ``source`` columns of the layers and tables).

    Each layer is reprojected once and that copy is shared by every format; the files are
    those :func:`export_geopackage`, :func:`export_shapefiles`, :func:`export_geojson` and
    :func:`export_csv` write from the same layers.

    Parameters
    ----------
    layers : mapping of str -> GeoDataFrame
    tables : mapping of str -> DataFrame, optional
    rasters : mapping of str -> (array, transform, crs), optional
    out_zip : str or path-like
    crs : str
        Export CRS of every file; rasters are warped into it (nearest neighbour).
    sources : sequence of str
        Extra sources to list (e.g. ``FitResult.sources``).

    Examples
    --------
    >>> import tempfile, pathlib, zipfile, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"name_zh": ["揭阳"]}, geometry=[Point(116.37, 23.55)], crs=4326)
    >>> z = export_everything({"towns": g}, out_zip=pathlib.Path(tempfile.mkdtemp()) / "all.zip")
    >>> sorted(zipfile.ZipFile(z).namelist())
    ['README.txt', 'csv/towns.csv', 'geojson/towns.geojson', 'layers.gpkg', 'shapefile/towns.zip']
    """
    key, target_crs = resolve_export_crs(crs)
    layers = _check_layers(layers, argument="layers")
    tables = dict(tables or {})
    rasters = dict(rasters or {})
    for name, spec in rasters.items():
        if not (isinstance(spec, (tuple, list)) and len(spec) == 3):
            msg = f"`rasters[{name!r}]` must be (array, transform, crs), got {type(spec).__name__}; see outputs.raster.rasterize_scores"
            raise ExportError(msg)
    target = _target(out_zip, ".zip")
    lnames = _unique_names(list(layers))
    with tempfile.TemporaryDirectory(prefix=".export_") as td, atomic_path(target) as tmp:
        d = Path(td)
        gpkg = d / "layers.gpkg"
        files: list[Path] = [gpkg]
        for i, (lname, (orig, gdf)) in enumerate(zip(lnames, layers.items())):
            # Reprojected and made file-safe once; that one copy feeds every format below
            # (the public export_* functions each prepare their input themselves). The
            # writes run one after another on purpose: pyogrio holds the GIL while GDAL
            # writes: the 14 project layers' GeoJSON took 1.8 s in two threads against 1.3 s
            # one after another, and zlib in a worker thread stalled behind them.
            prepared = _prepare_layer(gdf, name=str(orig), crs=target_crs)
            _write_gpkg_layer(prepared, gpkg, lname, append=i > 0)
            # names and paths exactly as the public functions derive them from these arguments
            shp_name = _unique_names([lname])[0]
            files.append(_write_shapefile_zip([(shp_name, prepared)], _target(d / "shapefile" / f"{lname}.zip", ".zip")))
            files.append(_write_geojson(prepared, _target(d / "geojson" / f"{lname}.geojson", ".geojson"), crs_key=key))
            geoms = prepared.geometry.values
            if len(geoms) and (shapely.get_type_id(geoms[~shapely.is_missing(geoms)]) == 0).all():
                # attributes as given (as export_csv writes them), coordinates from the prepared copy
                table = _layer_table(gdf, geoms, projected=target_crs.is_projected)
                files.append(_write_csv(table, _target(d / "csv" / f"{lname}.csv", ".csv"), protect_formulas=True))
        for tname, tname_safe in zip(tables, _unique_names(list(tables))):
            files.append(export_csv(tables[tname], d / "csv" / f"{tname_safe}.csv", crs=key))
        for rname, rname_safe in zip(rasters, _unique_names(list(rasters))):
            arr, transform, rcrs = rasters[rname]
            files.append(export_geotiff(arr, transform, rcrs, d / "raster" / f"{rname_safe}.tif", to_crs=key))
        rel = sorted(p.relative_to(d).as_posix() for p in files)
        readme = _readme_text(crs_key=key, files=rel, layers=layers, tables=tables, rasters=rasters, sources=sources)
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL) as zf:
            zf.writestr("README.txt", readme.encode("utf-8"))
            for r in rel:
                # zips and DEFLATE-compressed GeoTIFFs do not shrink again: store them as they are
                stored = r.endswith((".zip", ".tif"))
                zf.write(d / r, arcname=r, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    log.info("wrote %s (%d files)", target, len(rel) + 1)
    return target
