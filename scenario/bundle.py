"""The export bundle of a study: which layers, the score raster, the flows, written in one format.

Shared by the command line (``python -m analysis export``) and the app's downloads. The score
raster is built only when the format holds it (``rasters=``) and at a checked cell size; a
format that writes a folder writes it whole or not at all (:func:`geo.io.atomic_folder`), and
scratch folders are named so that the next run removes what a killed one left
(:func:`geo.io.scratch_dir`).
"""
from __future__ import annotations

import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

import geo.writers as ex  # the one format table and its writers
from geo.errors import PlannerError
from geo.io import atomic_folder, atomic_path, scratch_dir
from geo.messages import Note
from geo.writers import resolve_export_crs, sanitize_name
from layers.boundaries import load_boundaries
from layers.registry import list_layers, load_layer
from layers.stages import stage_label
from outputs.messages import render_notes
from outputs.export import export_everything
from outputs.raster import rasterize_scores
from outputs.text import tr
from scenario.suitability import check_resolution, write_suitability_files

__all__ = ["EXPORT_FORMATS", "ExportBundle", "collect_export", "export_bytes", "export_file_name", "write_export"]

log = logging.getLogger(__name__)

#: Export formats: id -> (file suffix of the download, what it holds).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "all": (".zip", "everything: GeoPackage, Shapefiles, GeoJSON, CSV, GeoTIFF and a README"),
    "gpkg": (".gpkg", "GeoPackage, every layer in one file"),
    "shp": (".zip", "Shapefile, one zip per layer (.prj, .cpg UTF-8, field-name map)"),
    "geojson": (".zip", "GeoJSON, one file per layer"),
    "csv": (".zip", "CSV, every table and point layer"),
    "tif": (".tif", "GeoTIFF of the score"),
}


@dataclass
class ExportBundle:
    """Everything an export writes: layers, tables, rasters and the sources they rest on."""

    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rasters: dict[str, tuple] = field(default_factory=dict)
    #: what the layers rest on: the model's Notes (said in the README's language) or plain text
    sources: list[str] = field(default_factory=list)
    #: suitability results written as Cloud-Optimised GeoTIFFs in the export CRS (surface and criterion bands);
    #: their sources go into the README too
    suitability: list[Any] = field(default_factory=list)


def collect_export(
    fit: Any | None = None,
    *,
    layer_ids: Sequence[str] | str = "all",
    allocation: Any | None = None,
    resolution_m: float = 1000.0,
    suitability: Any | None = None,
    rasters: bool = True,
) -> ExportBundle:
    """Gather the registry layers and, when given, the fit scores, score raster and flows.

    Parameters
    ----------
    fit : analysis.fit.FitResult, optional
        Adds ``fit_<stage>_<origin>`` as polygons, a table and a score raster.
    layer_ids : "all" or sequence of str
        Registry layers (:func:`layers.registry.list_layers`).
    allocation : analysis.allocation.AllocationResult, optional
        Adds ``flows_<stage>`` as lines and a table.
    resolution_m : float
        Cell size of the score raster, metres (checked by
        :func:`scenario.suitability.check_resolution`, the command line's ``--resolution`` rule).
    rasters : bool
        Build the score raster (only the ``tif`` and ``all`` formats hold it; a GeoPackage
        export need not pay for it).
    suitability : analysis.suitability.SuitabilityResult, optional
        Adds its surface and criterion rasters (COG GeoTIFF, warped to the export CRS) and its zonal table.

    Examples
    --------
    >>> b = collect_export(layer_ids=["zones"])
    >>> list(b.layers), len(b.layers["zones"])
    (['zones'], 3)
    """
    ids = list_layers() if isinstance(layer_ids, str) and layer_ids.strip() == "all" else (
        [s.strip() for s in layer_ids.split(",") if s.strip()] if isinstance(layer_ids, str) else list(layer_ids))
    unknown = [i for i in ids if i not in list_layers()]
    if unknown:
        msg = f"`layer_ids` has unknown ids {unknown}; use 'all' or some of: {', '.join(list_layers())}"
        raise PlannerError(msg)
    bundle = ExportBundle(layers={i: load_layer(i) for i in ids})
    if fit is not None:
        units = load_boundaries("city" if fit.level == "city" else "county")[["adcode", "geometry"]]
        table = fit.table.copy()
        if "policy_clauses" in table.columns:
            table["policy_clauses"] = table["policy_clauses"].map(
                lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
        name = sanitize_name(f"fit_{fit.stage}_{fit.origin}")
        bundle.layers[name] = units.merge(table, on="adcode", how="inner")
        bundle.tables[name] = table
        if rasters:
            bundle.rasters[name] = rasterize_scores(bundle.layers[name], resolution_m=check_resolution(resolution_m))
        bundle.sources += list(fit.sources)  # Notes: the README says them in its language
        if allocation is not None and len(allocation.flows):
            bundle.layers[f"flows_{fit.stage}"] = allocation.lines
            bundle.tables[f"flows_{fit.stage}"] = allocation.flows
    if suitability is not None:
        bundle.suitability.append(suitability)
        bundle.tables[sanitize_name(f"suitability_{suitability.stage}_{suitability.level}")] = suitability.zonal
    return bundle


def _readme_sources(bundle: ExportBundle, lang: str) -> list[str]:
    """The bundle's sources and those of its suitability surfaces, in ``lang`` (the model's Notes from the catalogue).

    Examples
    --------
    >>> from analysis.notes import Note
    >>> _readme_sources(ExportBundle(sources=[Note("source.units.user", n=3), "my table v2"]), "zh")
    ['分析单元：用户提供（3个单位）', 'my table v2']
    """
    out = render_notes(bundle.sources, lang=lang)
    for r in bundle.suitability:
        stage = stage_label(str(r.stage), lang=lang)
        out += [tr("export.suit_source", lang, stage=stage, source=s) for s in render_notes(r.sources, lang=lang)]
    return out


def write_export(bundle: ExportBundle, fmt: str, out: str | Path, *, crs: str = "EPSG:4326",
                 lang: str = "en") -> list[Path]:
    """Write ``bundle`` in one format; returns the files written (atomically, each).

    ``gpkg``, ``shp`` and ``all`` write the file ``out``; ``geojson`` and ``csv`` write one
    file per layer or table into the folder ``out``; ``tif`` writes ``out`` (one raster) or
    one file per raster into the folder ``out``. Every raster is a Cloud-Optimised GeoTIFF warped
    into ``crs`` with nearest-neighbour resampling (scores stay per unit; the suitability codes
    -1 restricted and -9999 no data stay exact and apart); suitability surfaces go into ``tif``
    (the folder) and ``all`` (``raster/``). ``lang`` ("en" or "zh") is the language of the
    ``README.txt`` in ``all``, its sources included (the model's Notes said from the catalogue).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> [p.name for p in write_export(collect_export(layer_ids=["zones"]), "geojson", d)]
    ['zones.geojson']
    """
    if fmt not in EXPORT_FORMATS:
        msg = f"`fmt` must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}"
        raise PlannerError(msg)
    if fmt == "tif" and not (bundle.rasters or bundle.suitability):
        msg = Note("error.export.no_fit")
        raise PlannerError(msg)
    if fmt != "tif" and not bundle.layers:
        msg = Note("error.export.nothing")
        raise PlannerError(msg)
    out = Path(out)
    if fmt == "gpkg":
        return [ex.export_geopackage(bundle.layers, out, crs=crs)]
    if fmt == "shp":
        return [ex.export_shapefiles(bundle.layers, out, crs=crs)]
    one = len(bundle.rasters) == 1 and not bundle.suitability
    if fmt == "tif" and one:
        return [ex.export_geotiff(*next(iter(bundle.rasters.values())), out, to_crs=crs)]
    if fmt in ("geojson", "csv", "tif"):  # several files: the folder appears whole or not at all
        with atomic_folder(out) as d:
            files = _folder_files(bundle, fmt, d, crs=crs)
        return [out / f.relative_to(d) for f in files]
    with scratch_dir(".export_cog") as td:
        cogs = {f"raster/{p.name}": p for r in bundle.suitability for p in write_suitability_files(r, td, crs=crs)}
        return [export_everything(bundle.layers, bundle.tables, bundle.rasters, out, crs=crs,
                                  sources=_readme_sources(bundle, lang), files=cogs, lang=lang)]


def _folder_files(bundle: ExportBundle, fmt: str, d: Path, *, crs: str) -> list[Path]:
    """The files of a folder format (geojson, csv, several rasters) written into ``d``."""
    if fmt == "geojson":
        return [ex.export_geojson(g, d / f"{ex.sanitize_name(n)}.geojson", crs=crs) for n, g in bundle.layers.items()]
    if fmt == "csv":
        return [ex.export_csv(g, d / f"{ex.sanitize_name(n)}.csv", crs=crs)
                for n, g in {**bundle.layers, **bundle.tables}.items()]
    return [ex.export_geotiff(*spec, d / f"{ex.sanitize_name(n)}.tif", to_crs=crs) for n, spec in bundle.rasters.items()] \
        + [p for r in bundle.suitability for p in write_suitability_files(r, d, crs=crs)]


def export_file_name(fmt: str, *, crs: str = "EPSG:4326", stem: str = "guangdong_textile") -> str:
    """The download name of an export: stem, format and CRS, with the format's suffix.

    Examples
    --------
    >>> export_file_name("shp", crs="EPSG:4547")
    'guangdong_textile_shp_EPSG4547.zip'
    """
    if fmt not in EXPORT_FORMATS:
        msg = f"`fmt` must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}"
        raise PlannerError(msg)
    code = crs.replace(":", "")
    return sanitize_name(f"{stem}_{fmt}_{code}") + EXPORT_FORMATS[fmt][0]


def export_bytes(bundle: ExportBundle, fmt: str, *, crs: str = "EPSG:4326", stem: str = "guangdong_textile",
                 lang: str = "en") -> tuple[bytes, str]:
    """The export as one downloadable file: ``(bytes, file name)``.

    Formats that write several files (``geojson``, ``csv``, several rasters) are zipped;
    ``lang`` is the language of the ``all`` format's ``README.txt`` (:func:`write_export`).

    Examples
    --------
    >>> data, name = export_bytes(collect_export(layer_ids=["zones"]), "geojson", crs="EPSG:4490")
    >>> name, zipfile.ZipFile(__import__("io").BytesIO(data)).namelist()
    ('guangdong_textile_geojson_EPSG4490.zip', ['zones.geojson'])
    """
    key, _ = resolve_export_crs(crs)
    file_name = export_file_name(fmt, crs=key, stem=stem)
    name = file_name.rsplit(".", 1)[0]
    with scratch_dir(".download") as d:
        folder = fmt in ("geojson", "csv") or (fmt == "tif" and (len(bundle.rasters) > 1 or bool(bundle.suitability)))
        target = d / "out" if folder else d / file_name
        files = write_export(bundle, fmt, target, crs=key, lang=lang)
        if not folder:
            return files[0].read_bytes(), files[0].name
        zpath = d / f"{name}.zip"
        with atomic_path(zpath) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, arcname=f.relative_to(target).as_posix())
        return zpath.read_bytes(), zpath.name
