"""Vector writers: GeoPackage, zipped Shapefiles and GeoJSON (GDAL through pyogrio).

Package-internal; the public writers are re-exported by :mod:`geo.writers`. The
``write_*`` functions without a leading underscore take a layer already prepared by
:func:`geo.writers._common.prepare_layer` and are shared with :func:`geo.writers.write_formats`.
"""
from __future__ import annotations

import csv
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from geo.errors import ExportError
from geo.io import atomic_path
from geo.writers._common import (
    DEFAULT_CRS,
    ZIP_LEVEL,
    check_layers,
    is_text,
    prepare_layer,
    resolve_export_crs,
    target_path,
    unique_names,
)

log = logging.getLogger(__name__)

#: GDAL drivers of the formats written here (named once; the format table uses them too).
GPKG = "GPKG"
SHAPEFILE = "ESRI Shapefile"
GEOJSON = "GeoJSON"
#: Longest text a dBASE (.dbf) field holds, in bytes.
_DBF_MAX_BYTES = 254
#: Longest shapefile (dBASE) field name.
_DBF_NAME_LEN = 10


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
    layers = check_layers(layers, argument="layers")
    target = target_path(path, ".gpkg")
    names = unique_names(list(layers))
    with atomic_path(target) as tmp:
        for i, (lname, (orig, gdf)) in enumerate(zip(names, layers.items())):
            write_gpkg_layer(prepare_layer(gdf, name=str(orig), crs=target_crs), tmp, lname, append=i > 0)
    log.info("wrote %s: %d layer(s) in %s", target, len(names), key)
    return target


def write_gpkg_layer(prepared: gpd.GeoDataFrame, path: Path, lname: str, *, append: bool) -> None:
    """Write one prepared layer (:func:`prepare_layer`) into the GeoPackage at ``path``.

    The classic (non-Arrow) pyogrio path is used on purpose: with pyogrio 0.13 / GDAL 3.12
    the Arrow path writes the same schema but measured slower for these layers.
    """
    pyogrio.write_dataframe(prepared, path, layer=lname, driver=GPKG, append=append)


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
        if col == "geometry" or not is_text(gdf[col]):
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
    pyogrio.write_dataframe(data, shp, driver=SHAPEFILE, encoding="UTF-8")
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
    target = target_path(path_zip, ".zip")
    if isinstance(layers, gpd.GeoDataFrame):
        layers = {target.stem: layers}
    layers = check_layers(layers, argument="layers")
    names = unique_names(list(layers))
    # a generator: each layer is prepared just before it is written, inside the atomic write
    prepared = ((lname, prepare_layer(gdf, name=str(orig), crs=target_crs))
                for lname, (orig, gdf) in zip(names, layers.items()))
    write_shapefile_zip(prepared, target)
    log.info("wrote %s: %d shapefile set(s) in %s", target, len(names), key)
    return target


def write_shapefile_zip(prepared: Iterable[tuple[str, gpd.GeoDataFrame]], target: Path) -> Path:
    """Zip one shapefile set per ``(name, prepared layer)`` into ``target``, atomically.

    The layers must come from :func:`prepare_layer` (reprojected, nested values as text)
    and the names must be sanitised already.
    """
    with tempfile.TemporaryDirectory(prefix=".shp_", dir=target.parent if target.parent.exists() else None) as td, \
            atomic_path(target) as tmp:
        folder = Path(td)
        written: list[Path] = []
        for lname, layer in prepared:
            written += _write_shapefile_set(layer, folder, lname)
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as zf:
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
    target = target_path(path, ".geojson")
    return write_geojson(prepare_layer(layer, name=target.stem, crs=target_crs), target, crs_key=key)


def write_geojson(prepared: gpd.GeoDataFrame, target: Path, *, crs_key: str) -> Path:
    """Write a prepared layer (:func:`prepare_layer`, already in ``crs_key``) as GeoJSON, atomically.

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
        pyogrio.write_dataframe(prepared, tmp, driver=GEOJSON, layer=target.stem, layer_options=opts)
    return target


