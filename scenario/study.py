"""One transfer study end to end, shared by the app and the command line.

A *study* is what a planner chose (stage, origin, weights, decay, exclusions, draws, an
allocation) and what those choices give: the chain completeness around the chosen move, the
command that reproduces it, and the report and GIS files it is handed in as. The app and
``python -m analysis report|export`` both go through here, so the two always produce the
same numbers and files.

Examples
--------
>>> s = StudySettings(stage="dyeing", origin="440118", draws=1000)
>>> build_command(s, kind="report", pdf="report.pdf")
'python -m analysis report --stage dyeing --origin 440118 --level county --half-life-h 2 --candidates receiving --draws 1000 --seed 0 --lang zh --pdf report.pdf'
"""
from __future__ import annotations

import io
import logging
import os
import shlex
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from analysis.allocation import allocate_capacity
from analysis.assumptions import DEFAULT_HALF_LIFE_H
from analysis.capability import load_capability, read_capability_csv
from analysis.chain import load_chain_graph
from analysis.completeness import assess_chain_completeness
from analysis.fit import score_transfer_fit
from analysis.inputs import load_fit_inputs, read_site_csv
from analysis.network import unit_cost_matrix
from geo.errors import PlannerError
from geo.io import atomic_path, read_vector
from geo.upload import read_uploaded_vector
from layers.boundaries import load_boundaries
from layers.evidence import read_evidence_csv
from layers.registry import list_layers, load_layer
from outputs import export as ex
from outputs.explain import explain_result
from outputs.export import resolve_export_crs, sanitize_name
from outputs.raster import rasterize_scores
from outputs.report import build_report

__all__ = [
    "run_fit",
    "EXPORT_FORMATS",
    "ExportBundle",
    "StudySettings",
    "allocate_for_fit",
    "assess_transfer_completeness",
    "build_command",
    "collect_export",
    "export_bytes",
    "export_file_name",
    "build_study_report",
    "load_study_inputs",
    "read_exclusion_areas",
    "write_export",
]

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


@dataclass(frozen=True)
class StudySettings:
    """The choices behind one study (hashable, so the app can cache on it).

    Attributes
    ----------
    stage, origin : str
        Stage id and origin adcode.
    level : {"county", "city"}
    weights : tuple of (component, weight), optional
        Normalised weights; None = the defaults.
    half_life_h : float
        Half-life of the travel-time decay (hours by road).
    network : {"road", "adjacency"}
    dyeing_parks : tuple of str
        Units the planner declares to hold a qualifying §19 dyeing park.
    candidates : {"receiving", "all"}
    exclude : tuple of str
        Excluded adcodes.
    draws, seed : int
        Sensitivity draws (0: none) and their seed.
    allocate, room : tuple of (code, amount)
        Capacity leaving each origin and room at each destination (adcode or place id).
    lang : {"zh", "en"}
    files : tuple of (option, file name)
        Input files the user supplied, e.g. ``(("--capability", "stats.csv"),)``; they are
        named in the command so it can be rerun with the same files.
    exclude_share : float
        With ``--exclude-areas``: the share of a unit's area inside that excludes it.
    transfer_to, transfer_share : str or None, float
        The move the chain-completeness "after" state shows (destination adcode, share of
        the origin's capability); None = the top-ranked destination.
    notes : tuple of str
        Assumptions made while choosing (e.g. how AHP weights were derived), carried into
        the fit's ``assumptions`` and so into the report.
    """

    stage: str
    origin: str
    level: str = "county"
    weights: tuple[tuple[str, float], ...] | None = None
    half_life_h: float = DEFAULT_HALF_LIFE_H
    network: str = "road"
    dyeing_parks: tuple[str, ...] = ()
    candidates: str = "receiving"
    exclude: tuple[str, ...] = ()
    draws: int = 0
    seed: int = 0
    allocate: tuple[tuple[str, float], ...] = ()
    room: tuple[tuple[str, float], ...] = ()
    lang: str = "zh"
    files: tuple[tuple[str, str], ...] = field(default=())
    exclude_share: float = 0.5
    transfer_to: str | None = None
    transfer_share: float = 1.0
    notes: tuple[str, ...] = ()

    @property
    def weights_dict(self) -> dict[str, float] | None:
        """The weights as a dict (None for the defaults)."""
        return dict(self.weights) if self.weights is not None else None


def run_fit(settings: StudySettings, inputs: object | None = None, *, exclude: Sequence[str] | None = None,
            notes: Sequence[str] = ()) -> object:
    """Score, rank and explain the study's stage leaving its origin: the one fit call of the app and the CLI.

    Parameters
    ----------
    settings : StudySettings
    inputs : FitInputs, optional
        Resolved inputs (:func:`load_study_inputs`); the embedded defaults if omitted.
    exclude : sequence of str, optional
        Adcodes to exclude; ``settings.exclude`` if omitted.
    notes : sequence of str
        Assumptions made while preparing the arguments (e.g. exclusion areas), appended to
        the settings' own notes in the result.

    Examples
    --------
    >>> fit = run_fit(StudySettings(stage="dyeing", origin="440118"))
    >>> fit.stage, bool(fit.table["reason_en"].str.len().gt(0).all())
    ('dyeing', True)
    """
    return explain_result(score_transfer_fit(
        settings.stage, settings.origin, level=settings.level, weights=settings.weights_dict,
        half_life_h=settings.half_life_h, candidates=settings.candidates,
        exclude=list(settings.exclude if exclude is None else exclude), inputs=inputs,
        notes=[*settings.notes, *notes],
    ))


def _g(x: float) -> str:
    return f"{float(x):.6g}"


def build_command(
    settings: StudySettings,
    *,
    kind: Literal["report", "export"] = "report",
    html: str | None = None,
    pdf: str | None = None,
    out: str | None = None,
    fmt: str | None = None,
    crs: str | None = None,
) -> str:
    """The ``python -m analysis`` command that reproduces a study.

    Parameters
    ----------
    settings : StudySettings
    kind : {"report", "export"}
    html, pdf : str, optional
        Report outputs (``kind="report"``).
    out, fmt, crs : str, optional
        Export output, format and CRS (``kind="export"``).

    Examples
    --------
    >>> s = StudySettings(stage="apparel", origin="440118", weights=(("policy", 0.5), ("upstream", 0.5)),
    ...     allocate=(("440118", 100.0),), room=(("445281", 60.0),), files=(("--capability", "my stats.csv"),))
    >>> build_command(s, kind="export", out="all.zip", fmt="all", crs="EPSG:4547")  # doctest: +NORMALIZE_WHITESPACE
    "python -m analysis export --stage apparel --origin 440118 --level county --weights policy=0.5,upstream=0.5
    --half-life-h 2 --candidates receiving --capability 'my stats.csv' --allocate 440118=100 --room 445281=60
    --format all --crs EPSG:4547 --out all.zip"
    """
    if kind not in ("report", "export"):
        msg = f"`kind` must be 'report' or 'export', got {kind!r}"
        raise PlannerError(msg)
    s = settings
    parts = ["python", "-m", "analysis", kind, "--stage", s.stage, "--origin", s.origin, "--level", s.level]
    if s.weights is not None and "--ahp" not in dict(s.files):  # an AHP file states the weights itself
        parts += ["--weights", ",".join(f"{k}={_g(v)}" for k, v in s.weights)]
    parts += ["--half-life-h", _g(s.half_life_h), "--candidates", s.candidates]
    if s.network != "road":
        parts += ["--network", s.network]
    if s.dyeing_parks:
        parts += ["--dyeing-park", ",".join(s.dyeing_parks)]
    if s.exclude:
        parts += ["--exclude", ",".join(s.exclude)]
    for option, name in s.files:
        parts += [option, name]
    if "--exclude-areas" in dict(s.files):
        parts += ["--exclude-share", _g(s.exclude_share)]
    if kind == "report" and s.draws:
        parts += ["--draws", str(int(s.draws)), "--seed", str(int(s.seed))]
    if kind == "report" and s.transfer_to is not None:
        parts += ["--transfer-to", s.transfer_to]
    if kind == "report" and s.transfer_share != 1.0:
        parts += ["--transfer-share", _g(s.transfer_share)]
    for code, amount in s.allocate:
        parts += ["--allocate", f"{code}={_g(amount)}"]
    for code, amount in s.room:
        parts += ["--room", f"{code}={_g(amount)}"]
    if kind == "report":
        parts += ["--lang", s.lang]
        if html:
            parts += ["--html", html]
        if pdf:
            parts += ["--pdf", pdf]
    else:
        if fmt:
            parts += ["--format", fmt]
        if crs:
            parts += ["--crs", crs]
        parts += ["--out", out or "export.zip"]
    return shlex.join(parts)


def build_study_report(
    settings: StudySettings,
    fit: Any,
    *,
    sensitivity: pd.DataFrame | None = None,
    completeness: pd.DataFrame | None = None,
    allocation: Any | None = None,
    maps: bool = True,
    html: str | None = "report.html",
    pdf: str | None = "report.pdf",
) -> Any:
    """The report of a study, with the command that reproduces exactly the parts it holds.

    Sensitivity draws and the allocation enter the command only when the report holds them.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> s = StudySettings(stage="dyeing", origin="440118", draws=500)
    >>> r = build_study_report(s, score_transfer_fit("dyeing", "440118"), maps=False)
    >>> "--draws" in r.command, "--pdf report.pdf" in r.command
    (False, True)
    """
    shown = replace(
        settings,
        draws=settings.draws if sensitivity is not None else 0,
        allocate=settings.allocate if allocation is not None else (),
        room=settings.room if allocation is not None else (),
    )
    return build_report(fit, sensitivity=sensitivity, completeness=completeness, allocation=allocation,
                        lang=settings.lang, maps=maps, command=build_command(shown, kind="report", html=html, pdf=pdf))


# ----------------------------------------------------------------------------- input files

#: A user's file for a study: (CLI option, file name, path or the uploaded bytes).
StudyFile = tuple[str, str, "str | os.PathLike | bytes"]

#: Input files that replace a default of the fit: CLI option -> load_fit_inputs keyword.
INPUT_OPTIONS: dict[str, str] = {"--capability": "capability", "--od": "cost", "--site": "site", "--chain": "chain",
                                 "--evidence": "evidence"}


def _source(src: object) -> object:
    return io.BytesIO(src) if isinstance(src, (bytes, bytearray)) else src


def load_study_inputs(files: Sequence[StudyFile], *, level: str = "county", network: str = "road",
                      dyeing_parks: Sequence[str] = ()) -> Any:
    """The fit's inputs with the user's capability, OD, site and chain files in place of the defaults.

    The same readers serve the command line (paths) and the app (uploaded bytes), so both
    accept and refuse the same files with the same messages. Files with other options are
    ignored here.

    Examples
    --------
    >>> site = b"adcode,site\\n445281,0.9\\n"
    >>> inputs = load_study_inputs([("--site", "site.csv", site)])
    >>> float(inputs.site.loc["445281"])
    0.9
    """
    readers = {
        "capability": lambda src: read_capability_csv(src, level=level),
        "cost": lambda src: unit_cost_matrix(level=level, od=src),
        "site": lambda src: read_site_csv(src, level=level),
        "chain": load_chain_graph,
        "evidence": read_evidence_csv,
    }
    kw = {INPUT_OPTIONS[opt]: readers[INPUT_OPTIONS[opt]](_source(src)) for opt, _name, src in files
          if opt in INPUT_OPTIONS}
    return load_fit_inputs(level=level, network=network, dyeing_parks=tuple(dyeing_parks), **kw)


def read_exclusion_areas(files: Sequence[StudyFile]) -> dict[str, gpd.GeoDataFrame]:
    """The ``--exclude-areas`` layers by file name: a path read with GDAL, an upload checked as one.

    Examples
    --------
    >>> import shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(113.6, 23.1, 113.8, 23.3)], crs=4326)
    >>> list(read_exclusion_areas([("--exclude-areas", "red.geojson", g.to_json().encode())]))
    ['red.geojson']
    """
    out: dict[str, gpd.GeoDataFrame] = {}
    for opt, name, src in files:
        if opt != "--exclude-areas":
            continue
        out[name] = (read_uploaded_vector(bytes(src), name, name="exclusion areas")
                     if isinstance(src, (bytes, bytearray)) else read_vector(src))
    return out


# ----------------------------------------------------------------------------- allocation

def allocate_for_fit(fit: Any, origins: Mapping[str, float], room: Mapping[str, float], *,
                     inputs: Any | None = None) -> Any:
    """Allocate ``fit.stage`` capacity: reuse ``fit`` when its origin is the only one, else score each origin.

    Other origins are scored with the fit's own weights, decay, candidates and exclusions
    (read from ``fit``), on ``inputs`` when the fit was made with user data.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> f = score_transfer_fit("dyeing", "440118")
    >>> r = allocate_for_fit(f, {"440118": 10}, {"440513": 6, "440514": 6})
    >>> float(r.flows["amount"].sum()), r.shortfall
    (10.0, 0.0)
    """
    if set(map(str, origins)) == {str(fit.origin)}:
        return allocate_capacity(fit.stage, origins, room=room, fit=fit, level=fit.level)
    p = fit.params
    return allocate_capacity(fit.stage, origins, room=room, level=fit.level, weights=fit.weights,
                             half_life_h=float(p["half_life_h"]), candidates=str(p["candidates"]),
                             exclude=list(p["exclude"]), inputs=inputs)


# ----------------------------------------------------------------------------- completeness

def assess_transfer_completeness(
    fit: Any,
    *,
    capability: pd.DataFrame | None = None,
    destination: str | None = None,
    share: float = 1.0,
) -> pd.DataFrame:
    """Chain completeness by zone and by region, before and after the fit's transfer.

    The "after" state moves ``share`` of the origin's capability in the fit's stage to
    ``destination`` (default: the top-ranked eligible destination).

    Parameters
    ----------
    fit : analysis.fit.FitResult
    capability : DataFrame, optional
        Units x stages at the fit's level; the policy-derived matrix by default.
    destination : str, optional
        Adcode of the destination.
    share : float
        Share of the origin's capability that moves (0..1).

    Returns
    -------
    DataFrame
        :data:`analysis.completeness.COMPLETENESS_COLUMNS` for ``by="zone"`` then
        ``by="region"``; ``attrs["assumptions"]`` lists what the statuses rest on.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> fit = score_transfer_fit("dyeing", "440118")
    >>> c = assess_transfer_completeness(fit)
    >>> sorted(c["group_type"].unique())
    ['region', 'zone']
    """
    if not 0.0 <= float(share) <= 1.0:
        msg = f"`share` must be between 0 and 1, got {share!r}"
        raise PlannerError(msg)
    cap = capability if capability is not None else load_capability(level=fit.level)
    table = fit.table
    eligible = table[table["eligible"].astype(bool)]
    if destination is None:
        destination = str(eligible["adcode"].iloc[0]) if len(eligible) else None
    elif destination not in set(table["adcode"].astype(str)):
        msg = f"`destination` {destination!r} is not a candidate of this fit; choose one of its ranked units"
        raise PlannerError(msg)
    moves = destination is not None and float(share) > 0
    transfer = (str(fit.stage), str(fit.origin), destination, float(share)) if moves else None
    parts = [assess_chain_completeness(cap, by=by, transfer=transfer) for by in ("zone", "region")]
    out = pd.concat(parts, ignore_index=True)
    out.attrs["assumptions"] = list(parts[0].attrs.get("assumptions", []))
    if transfer:
        out.attrs["assumptions"].append(
            f"ASSUMPTION (this study): 'after' moves {share:.0%} of the {transfer[0]} capacity of "
            f"{transfer[1]} to {transfer[2]}"
        )
    return out


# ----------------------------------------------------------------------------- export

@dataclass
class ExportBundle:
    """Everything an export writes: layers, tables, rasters and the sources they rest on."""

    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rasters: dict[str, tuple] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


def collect_export(
    fit: Any | None = None,
    *,
    layer_ids: Sequence[str] | str = "all",
    allocation: Any | None = None,
    resolution_m: float = 1000.0,
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
        Cell size of the score raster, metres.

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
        bundle.rasters[name] = rasterize_scores(bundle.layers[name], resolution_m=resolution_m)
        bundle.sources += [str(s) for s in fit.sources]
        if allocation is not None and len(allocation.flows):
            bundle.layers[f"flows_{fit.stage}"] = allocation.lines
            bundle.tables[f"flows_{fit.stage}"] = allocation.flows
    return bundle


def write_export(bundle: ExportBundle, fmt: str, out: str | Path, *, crs: str = "EPSG:4326") -> list[Path]:
    """Write ``bundle`` in one format; returns the files written (atomically, each).

    ``gpkg``, ``shp`` and ``all`` write the file ``out``; ``geojson`` and ``csv`` write one
    file per layer or table into the folder ``out``; ``tif`` writes ``out`` (one raster) or
    one file per raster into the folder ``out``.

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
    if fmt == "tif" and not bundle.rasters:
        msg = "the GeoTIFF export holds the score raster: run a fit first (CLI: add --stage and --origin)"
        raise PlannerError(msg)
    if fmt != "tif" and not bundle.layers:
        msg = "nothing to export: choose some layers and/or run a fit (CLI: --layers, or --stage with --origin)"
        raise PlannerError(msg)
    out = Path(out)
    if fmt == "gpkg":
        return [ex.export_geopackage(bundle.layers, out, crs=crs)]
    if fmt == "shp":
        return [ex.export_shapefiles(bundle.layers, out, crs=crs)]
    if fmt == "geojson":
        return [ex.export_geojson(g, out / f"{ex.sanitize_name(n)}.geojson", crs=crs) for n, g in bundle.layers.items()]
    if fmt == "csv":
        return [ex.export_csv(g, out / f"{ex.sanitize_name(n)}.csv", crs=crs)
                for n, g in {**bundle.layers, **bundle.tables}.items()]
    if fmt == "tif":
        return [ex.export_geotiff(*spec, out if len(bundle.rasters) == 1 else out / f"{ex.sanitize_name(n)}.tif",
                                  to_crs=crs) for n, spec in bundle.rasters.items()]
    return [ex.export_everything(bundle.layers, bundle.tables, bundle.rasters, out, crs=crs, sources=bundle.sources)]


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


def export_bytes(bundle: ExportBundle, fmt: str, *, crs: str = "EPSG:4326", stem: str = "guangdong_textile") -> tuple[bytes, str]:
    """The export as one downloadable file: ``(bytes, file name)``.

    Formats that write several files (``geojson``, ``csv``, several rasters) are zipped.

    Examples
    --------
    >>> data, name = export_bytes(collect_export(layer_ids=["zones"]), "geojson", crs="EPSG:4490")
    >>> name, zipfile.ZipFile(__import__("io").BytesIO(data)).namelist()
    ('guangdong_textile_geojson_EPSG4490.zip', ['zones.geojson'])
    """
    key, _ = resolve_export_crs(crs)
    file_name = export_file_name(fmt, crs=key, stem=stem)
    name = file_name.rsplit(".", 1)[0]
    with tempfile.TemporaryDirectory(prefix=".download_") as td:
        d = Path(td)
        folder = fmt in ("geojson", "csv") or (fmt == "tif" and len(bundle.rasters) > 1)
        target = d / "out" if folder else d / file_name
        files = write_export(bundle, fmt, target, crs=key)
        if not folder:
            return files[0].read_bytes(), files[0].name
        zpath = d / f"{name}.zip"
        with atomic_path(zpath) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, arcname=f.relative_to(target).as_posix())
        return zpath.read_bytes(), zpath.name
