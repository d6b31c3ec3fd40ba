"""The "everything" export: every layer, table and raster in one zip with a README.

The files themselves are written by :mod:`geo.writers` (GeoPackage, zipped Shapefiles,
GeoJSON, CSV, GeoTIFF, behind its one format table); this module bundles them: it has
:func:`geo.writers.write_formats` write every format into a temporary folder, adds
``README.txt`` naming the CRS, the files and every source (in English or Chinese, its words from
the catalogue :mod:`outputs.text.export`), and zips the lot atomically
(:func:`geo.io.atomic_path`), so an interrupted export leaves nothing half-written. The working
folder is a scratch folder of :func:`geo.io.scratch_dir`: one left by a killed export is removed
by the next.
"""
from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from geo.crs import EXPORT_CRS
from geo.errors import ExportError
from geo.io import atomic_path, scratch_dir
from geo.writers import (
    DEFAULT_CRS,
    ZIP_LEVEL,
    RasterSpec,
    check_layers,
    resolve_export_crs,
    sanitize_name,
    target_path,
    write_formats,
)
from outputs.text import check_lang, pick, tr

__all__ = [
    "DEFAULT_CRS",
    "RasterSpec",
    "export_everything",
]

log = logging.getLogger(__name__)


def _readme_text(
    *, crs_key: str, files: list[str], layers: Mapping[str, gpd.GeoDataFrame],
    tables: Mapping[str, pd.DataFrame], rasters: Mapping[str, RasterSpec], sources: Sequence[str],
    cogs: Sequence[str] = (), lang: str = "en",
) -> str:
    _c, en, zh = EXPORT_CRS[crs_key]
    found: list[str] = list(sources)
    for obj in list(layers.values()) + list(tables.values()):
        if isinstance(obj, pd.DataFrame) and "source" in obj.columns:
            found += [str(s) for s in obj["source"].dropna().unique()]
    found = list(dict.fromkeys(s for s in found if s))
    lines = [
        tr("export.title", lang),
        "",
        tr("export.written", lang, when=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")),
        "",
        tr("export.crs", lang),
        "  " + tr("export.crs_vector", lang, key=crs_key, name=pick((zh, en), lang)),
    ]
    for name in rasters:
        lines.append("  " + tr("export.crs_raster", lang, file=f"{sanitize_name(name)}.tif", key=crs_key))
    for name in cogs:
        lines.append("  " + tr("export.crs_cog", lang, file=name, key=crs_key))
    lines += [
        "",
        tr("export.files", lang),
        *[f"  {f}" for f in files],
        "",
        tr("export.shapefile", lang),
        tr("export.csv", lang),
        tr("export.geotiff", lang),
        "",
        tr("export.sources", lang),
        *[f"  - {s}" for s in found],
        "",
        tr("export.clauses", lang, policy=tr("report.policy_document", lang)),
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
    files: Mapping[str, str | os.PathLike] | None = None,
    lang: str = "en",
) -> Path:
    """Write every layer, table and raster into one zip with a README.

    Contents: ``layers.gpkg`` (every layer), ``shapefile/<layer>.zip`` (one per layer),
    ``geojson/<layer>.geojson``, ``csv/<table>.csv`` (every table, and every point layer
    with lon/lat), ``raster/<name>.tif`` and ``README.txt`` naming the CRS, the files and
    every source (``sources`` plus the ``source`` columns of the layers and tables).

    The files are those :func:`geo.writers.write_formats` writes: each layer is reprojected
    once and that copy is shared by every format.

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
    files : mapping of str -> path, optional
        Files already written, stored as they are under their name in the zip (e.g.
        ``raster/suitability_dyeing.tif``, a Cloud-Optimised GeoTIFF in the analysis CRS).
    lang : {"en", "zh"}
        Language of ``README.txt`` (text from the catalogue, ``export.*`` keys of
        :mod:`outputs.text.export`); English by default.

    Examples
    --------
    >>> import tempfile, pathlib, zipfile, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"name_zh": ["揭阳"]}, geometry=[Point(116.37, 23.55)], crs=4326)
    >>> z = export_everything({"towns": g}, out_zip=pathlib.Path(tempfile.mkdtemp()) / "all.zip")
    >>> sorted(zipfile.ZipFile(z).namelist())
    ['README.txt', 'csv/towns.csv', 'geojson/towns.geojson', 'layers.gpkg', 'shapefile/towns.zip']
    >>> z = export_everything({"towns": g}, out_zip=z.with_name("zh.zip"), lang="zh")
    >>> zipfile.ZipFile(z).read("README.txt").decode("utf-8").splitlines()[0]
    '广东纺织服装产业布局规划工具 - 数据导出'
    """
    check_lang(lang)  # before any file is written
    key, _target_crs = resolve_export_crs(crs)
    layers = check_layers(layers, argument="layers")
    tables = dict(tables or {})
    rasters = dict(rasters or {})
    for name, spec in rasters.items():
        if not (isinstance(spec, (tuple, list)) and len(spec) == 3):
            msg = f"`rasters[{name!r}]` must be (array, transform, crs), got {type(spec).__name__}; see outputs.raster.rasterize_scores"
            raise ExportError(msg)
    target = target_path(out_zip, ".zip")
    with scratch_dir(".export") as d, atomic_path(target) as tmp:
        written = write_formats(layers, d, tables=tables, rasters=rasters, crs=key)
        rel = sorted(p.relative_to(d).as_posix() for p in written)
        extra = dict(files or {})
        readme = _readme_text(crs_key=key, files=sorted(rel + list(extra)), layers=layers, tables=tables, rasters=rasters,
                              sources=sources, cogs=list(extra), lang=lang)
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as zf:
            zf.writestr("README.txt", readme.encode("utf-8"))
            for r in rel:
                # zips and DEFLATE-compressed GeoTIFFs do not shrink again: store them as they are
                stored = r.endswith((".zip", ".tif"))
                zf.write(d / r, arcname=r, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            for arc, path in extra.items():
                zf.write(path, arcname=arc, compress_type=zipfile.ZIP_STORED)
    log.info("wrote %s (%d files)", target, len(rel) + 1)
    return target
