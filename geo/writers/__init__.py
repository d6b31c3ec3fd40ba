"""Every file the planner writes for QGIS, ArcGIS and Excel, behind one format table.

Formats (:data:`FORMATS`, id -> suffix, GDAL driver, writer function, the way geopandas
maps file extensions to drivers): GeoPackage (every layer in one file), zipped Shapefiles
(one set per layer, with ``.prj``, a ``.cpg`` declaring UTF-8, field names within 10
characters and a CSV mapping them back to the full names), GeoJSON, CSV (UTF-8 with a
byte-order mark, formulas defused by :func:`guard_formulas`) and GeoTIFF: every raster the
tool writes, score rasters and suitability surfaces alike, is a float32 Cloud-Optimised GeoTIFF
(tiled, DEFLATE, CRS and nodata set, overviews) written in windows by the one
:func:`export_geotiff`. :func:`write_formats` writes layers, tables and rasters in every format
at once into a folder, reprojecting each layer only once; bundling those files (which layers, a
README, a zip) is :mod:`outputs.export`'s job.

Vector exports are reprojected on request to one of :data:`geo.crs.EXPORT_CRS`
(EPSG:4326 by default, CGCS2000 EPSG:4490, CGCS2000 / 3-degree Gauss-Kruger CM 114E
EPSG:4547), rasters warped to it (nearest neighbour); any other CRS is refused with the list
of choices.

Every file is written to a temporary name beside the target and renamed into place only
when complete (:func:`geo.io.atomic_path`), so an interrupted export leaves nothing
half-written. File and layer names derived from user input are sanitised to safe ASCII
(no path separators, no ``..``); Chinese stays in the content.

To add a format: write its ``export_<format>`` function in a module beside this one and
give it a row in :data:`FORMATS`.

Examples
--------
>>> FORMATS["shp"].suffix, FORMATS["shp"].driver
('.zip', 'ESRI Shapefile')
>>> format_for_path("out/scores.GeoJSON").id
'geojson'
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.errors import ExportError
from geo.writers._common import (
    DEFAULT_CRS,
    ZIP_LEVEL,
    check_layers,
    prepare_layer,
    resolve_export_crs,
    sanitize_name,
    target_path,
    unique_names,
)
from geo.writers._raster import GEOTIFF_NODATA, GTIFF, export_geotiff
from geo.writers._table import CSV, export_csv, guard_formulas, layer_table, write_csv
from geo.writers._vector import (
    GEOJSON,
    GPKG,
    SHAPEFILE,
    export_geojson,
    export_geopackage,
    export_shapefiles,
    shorten_field_names,
    write_geojson,
    write_gpkg_layer,
    write_shapefile_zip,
)

__all__ = [
    "DEFAULT_CRS",
    "FORMATS",
    "GEOTIFF_NODATA",
    "ZIP_LEVEL",
    "ExportFormat",
    "RasterSpec",
    "check_layers",
    "export_csv",
    "export_geojson",
    "export_geopackage",
    "export_geotiff",
    "export_shapefiles",
    "format_for_path",
    "guard_formulas",
    "resolve_export_crs",
    "sanitize_name",
    "shorten_field_names",
    "target_path",
    "unique_names",
    "write_formats",
]

#: A raster to write: (array, affine transform, CRS).
RasterSpec = tuple  # (np.ndarray, affine.Affine, CRS-like)


@dataclass(frozen=True)
class ExportFormat:
    """One file format: its id, how its files end, the GDAL driver behind it and its writer.

    Attributes
    ----------
    id : str
        ``gpkg``, ``shp``, ``geojson``, ``csv`` or ``tif``.
    suffix : str
        Suffix of the file the writer makes (a shapefile set is zipped: ``.zip``).
    driver : str
        GDAL driver that writes it (``CSV``: the one that reads it back; pandas writes it).
    kind : {"vector", "table", "raster"}
        What it holds: layers, attribute tables (and point layers), or grids.
    write : callable
        The public writer, e.g. :func:`export_geopackage`.
    folder : str
        Folder of these files in :func:`write_formats` ("" for the one GeoPackage).
    extensions : tuple of str
        File extensions recognised as this format by :func:`format_for_path`.
    """

    id: str
    suffix: str
    driver: str
    kind: Literal["vector", "table", "raster"]
    write: Callable[..., Path]
    folder: str
    extensions: tuple[str, ...]


#: Every format written, in the order :func:`write_formats` writes them.
FORMATS: dict[str, ExportFormat] = {
    f.id: f
    for f in (
        ExportFormat("gpkg", ".gpkg", GPKG, "vector", export_geopackage, "", (".gpkg",)),
        ExportFormat("shp", ".zip", SHAPEFILE, "vector", export_shapefiles, "shapefile", (".shp", ".zip")),
        ExportFormat("geojson", ".geojson", GEOJSON, "vector", export_geojson, "geojson", (".geojson", ".json")),
        ExportFormat("csv", ".csv", CSV, "table", export_csv, "csv", (".csv",)),
        ExportFormat("tif", ".tif", GTIFF, "raster", export_geotiff, "raster", (".tif", ".tiff")),
    )
}


def format_for_path(path: str | os.PathLike) -> ExportFormat:
    """The format a file name asks for, from its extension (case-insensitive).

    Examples
    --------
    >>> format_for_path("layout.gpkg").driver, format_for_path("score.TIFF").id
    ('GPKG', 'tif')
    >>> format_for_path("notes.docx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.errors.ExportError: `path` 'notes.docx' has no export format extension; use one of .gpkg, .shp, ...
    """
    ext = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if ext in fmt.extensions:
            return fmt
    known = ", ".join(e for f in FORMATS.values() for e in f.extensions)
    msg = f"`path` {str(path)!r} has no export format extension; use one of {known}"
    raise ExportError(msg)


def _is_point_layer(geoms: np.ndarray) -> bool:
    return bool(len(geoms)) and bool((shapely.get_type_id(geoms[~shapely.is_missing(geoms)]) == 0).all())


def write_formats(
    layers: Mapping[str, gpd.GeoDataFrame],
    folder: str | os.PathLike,
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    rasters: Mapping[str, RasterSpec] | None = None,
    crs: str | int | CRS = DEFAULT_CRS,
) -> list[Path]:
    """Write every layer in every format, every table as CSV and every raster as GeoTIFF into ``folder``.

    ``layers.gpkg`` (every layer), ``shapefile/<layer>.zip``, ``geojson/<layer>.geojson``,
    ``csv/<layer>.csv`` for point layers (with lon/lat, or x/y in metres),
    ``csv/<table>.csv`` and ``raster/<name>.tif`` (a COG warped into ``crs``, nearest neighbour).
    Each layer is reprojected once and that copy is shared by every format; the files are
    those :func:`export_geopackage`, :func:`export_shapefiles`, :func:`export_geojson`,
    :func:`export_csv` and :func:`export_geotiff` write from the same arguments.

    Parameters
    ----------
    layers : mapping of str -> GeoDataFrame
    folder : str or path-like
        Where the files go (created if missing).
    tables : mapping of str -> DataFrame, optional
    rasters : mapping of str -> (array, transform, crs), optional
    crs : str
        Export CRS of every file, one of :data:`geo.crs.EXPORT_CRS`.

    Returns
    -------
    list of pathlib.Path
        Every file written, the GeoPackage first.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"name_zh": ["揭阳"]}, geometry=[Point(116.37, 23.55)], crs=4326)
    >>> d = Path(tempfile.mkdtemp())
    >>> [p.relative_to(d).as_posix() for p in write_formats({"towns": g}, d, crs="EPSG:4547")]
    ['layers.gpkg', 'shapefile/towns.zip', 'geojson/towns.geojson', 'csv/towns.csv']
    """
    key, target_crs = resolve_export_crs(crs)
    layers = check_layers(layers, argument="layers")
    tables = dict(tables or {})
    rasters = dict(rasters or {})
    for name, spec in rasters.items():
        if not (isinstance(spec, (tuple, list)) and len(spec) == 3):
            msg = f"`rasters[{name!r}]` must be (array, transform, crs), got {type(spec).__name__}"
            raise ExportError(msg)
    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    shp, gj, tab, tif = (FORMATS[i] for i in ("shp", "geojson", "csv", "tif"))
    gpkg = d / f"layers{FORMATS['gpkg'].suffix}"
    files: list[Path] = [gpkg]
    for i, (lname, (orig, gdf)) in enumerate(zip(unique_names(list(layers)), layers.items())):
        # Reprojected and made file-safe once; that one copy feeds every format below
        # (the public export_* functions each prepare their input themselves). The
        # writes run one after another on purpose: pyogrio holds the GIL while GDAL
        # writes: the 14 project layers' GeoJSON took 1.8 s in two threads against 1.3 s
        # one after another, and zlib in a worker thread stalled behind them.
        prepared = prepare_layer(gdf, name=str(orig), crs=target_crs)
        write_gpkg_layer(prepared, gpkg, lname, append=i > 0)
        # names and paths exactly as the public functions derive them from these arguments
        shp_name = unique_names([lname])[0]
        files.append(write_shapefile_zip([(shp_name, prepared)],
                                         target_path(d / shp.folder / f"{lname}{shp.suffix}", shp.suffix)))
        files.append(write_geojson(prepared, target_path(d / gj.folder / f"{lname}{gj.suffix}", gj.suffix), crs_key=key))
        geoms = prepared.geometry.values
        if _is_point_layer(geoms):
            # attributes as given (as export_csv writes them), coordinates from the prepared copy
            table = layer_table(gdf, geoms, projected=target_crs.is_projected)
            files.append(write_csv(table, target_path(d / tab.folder / f"{lname}{tab.suffix}", tab.suffix),
                                   protect_formulas=True))
    for tname, tname_safe in zip(tables, unique_names(list(tables))):
        files.append(export_csv(tables[tname], d / tab.folder / f"{tname_safe}{tab.suffix}", crs=key))
    for rname, rname_safe in zip(rasters, unique_names(list(rasters))):
        arr, transform, rcrs = rasters[rname]
        files.append(export_geotiff(arr, transform, rcrs, d / tif.folder / f"{rname_safe}{tif.suffix}", to_crs=key))
    return files
