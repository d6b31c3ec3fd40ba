"""A stage's raster suitability inside a study: the planner's raster options, the fit's site from them.

Shared by the command line (``python -m analysis suitability``, and ``--dem`` / ``--criterion``
/ ``--resolution`` on ``fit``, ``report`` and ``export``) and the app's suitability page:

- :class:`RasterOptions` — resolution, DEM, criterion rasters, exclusion areas, dask chunks
  (hashable, so results can be cached on them);
- :func:`study_suitability` — :func:`analysis.suitability.compute_site_scores` for a stage,
  cached per choice within the process;
- :func:`site_from_rasters` — the fit's inputs with the stage's ``site`` column taken from it;
- :func:`suitability_for_fit` — the surface behind a fit's site (None when it came from a
  planner's CSV or is the placeholder);
- :func:`criterion_breakdown` — what each criterion gives one unit;
- :func:`write_suitability_files` — the suitability and criterion rasters as COG GeoTIFFs (in an export CRS on request).

Examples
--------
>>> check_resolution(250)
250.0
>>> parse_criterion("slope_deg=my_slope.tif")[1].path.name
'my_slope.tif'
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from affine import Affine

from analysis.assumptions import SITE_PLACEHOLDER
from analysis.inputs import FitInputs, load_fit_inputs
from analysis.notes import Note
from analysis.suitability import (
    CriterionInput,
    Grid,
    Rescale,
    SuitabilityResult,
    compute_site_scores,
    zones_from_polygons,
)
from analysis.suitability.grid import DEFAULT_RESOLUTION_M
from analysis.suitability.rescale import parse_breakpoints
from geo.errors import PlannerError
from geo.writers import sanitize_name
from layers.boundaries import load_boundaries

__all__ = [
    "MAX_RESOLUTION_M",
    "MIN_RESOLUTION_M",
    "RasterOptions",
    "check_resolution",
    "criterion_breakdown",
    "parse_criterion",
    "save_uploads",
    "site_from_rasters",
    "study_suitability",
    "suitability_downloads",
    "suitability_for_fit",
    "unit_at",
    "write_suitability_files",
]

log = logging.getLogger(__name__)

#: Finest cell size computed in memory (46 M cells in the province's box, about 2 GB at peak); finer needs ``chunks``.
MIN_RESOLUTION_M: float = 100.0
#: Coarsest cell size: at 5 km the smallest urban districts still hold a few cells.
MAX_RESOLUTION_M: float = 5000.0
#: Results kept in memory per process (a 1 km result is about 10 MB, a 100 m one about 0.5 GB).
_CACHE_SIZE = 4
_CRITERION_KEYS = ("method", "breakpoints", "weight", "limit", "resampling", "unit")


@dataclasses.dataclass(frozen=True)
class RasterOptions:
    """A planner's choices for the raster criteria (hashable).

    Attributes
    ----------
    resolution_m : float
        Cell size in metres (1000 default; 250 and 100 on request).
    dem : str, optional
        A DEM GeoTIFF (any CRS) replacing the embedded 5' elevation for the slope.
    criteria : tuple of (str, CriterionInput)
        Criterion id -> a planner's raster, replacing a criterion or adding one.
    exclusion : tuple of str
        Exclusion areas (polygons or rasters, any CRS): restricted cells.
    chunks : int, optional
        Compute chunk by chunk on dask (on the active scheduler) with square chunks of this many cells.

    Examples
    --------
    >>> RasterOptions(resolution_m=250, dem="dem.tif").describe()
    "250 m grid; slope from the planner's DEM dem.tif"
    """

    resolution_m: float = DEFAULT_RESOLUTION_M
    dem: str | None = None
    criteria: tuple[tuple[str, CriterionInput], ...] = ()
    exclusion: tuple[str, ...] = ()
    chunks: int | None = None

    @property
    def is_default(self) -> bool:
        """The embedded criteria at 1 km: what the shipped site table was built from."""
        return (self.resolution_m == DEFAULT_RESOLUTION_M and self.dem is None and not self.criteria
                and not self.exclusion)

    def describe(self) -> Note:
        """One line naming the grid and every planner's file (a :class:`~analysis.notes.Note`)."""
        parts = [Note("raster_options.grid", resolution_m=float(self.resolution_m))]
        if self.dem:
            parts.append(Note("raster_options.dem", name=Path(self.dem).name))
        parts += [Note("raster_options.criterion", criterion=n, name=ci.path.name) for n, ci in self.criteria]
        parts += [Note("raster_options.exclusion", name=Path(e).name) for e in self.exclusion]
        line = parts[0]
        for part in parts[1:]:
            line = Note("join.semicolon", head=line, tail=part)
        return line


def check_resolution(resolution_m: object, *, chunks: int | None = None) -> float:
    """A cell size within the caps; one line naming the limit and the way past it otherwise.

    Examples
    --------
    >>> check_resolution(50)
    Traceback (most recent call last):
    geo.errors.PlannerError: `--resolution` 50 m is finer than 100 m, the finest computed in memory (46 M cells for the province); use 100, 250 or 1000, or compute chunk by chunk with --chunks 2048 (dask)
    """
    try:
        r = float(resolution_m)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        r = math.nan
    if not math.isfinite(r) or r <= 0:
        msg = Note("error.suit.resolution", got=repr(resolution_m))
        raise PlannerError(msg)
    if r > MAX_RESOLUTION_M:
        msg = Note("error.suit.coarse", r=r, limit=MAX_RESOLUTION_M)
        raise PlannerError(msg)
    if r < MIN_RESOLUTION_M and chunks is None:
        msg = Note("error.suit.fine", r=r, limit=MIN_RESOLUTION_M)
        raise PlannerError(msg)
    return r


def parse_criterion(text: str) -> tuple[str, CriterionInput]:
    """``NAME=FILE[,method=M][,breakpoints=A;B][,weight=W][,limit=L][,resampling=R][,unit=U]``.

    A known criterion (``slope_deg``, ``port_km`` ...) keeps its rule unless told otherwise;
    a new one needs ``method``, ``breakpoints`` and ``weight``.

    Examples
    --------
    >>> name, ci = parse_criterion("noise_db=noise.tif,method=small,breakpoints=45;70,weight=0.1")
    >>> name, ci.method, ci.breakpoints, ci.weight
    ('noise_db', 'small', (45.0, 70.0), 0.1)
    """
    name, sep, rest = str(text).partition("=")
    parts = rest.split(",")
    if not sep or not name.strip() or not parts[0].strip():
        msg = Note("error.suit.criterion", got=repr(text))
        raise PlannerError(msg)
    kw: dict[str, Any] = {}
    for item in parts[1:]:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or key not in _CRITERION_KEYS:
            msg = Note("error.suit.criterion_key", name=name, item=item, keys=list(_CRITERION_KEYS))
            raise PlannerError(msg)
        if key in ("weight", "limit"):
            try:
                kw[key] = float(value)
            except ValueError:
                msg = Note("error.suit.criterion_number", name=name, key=key, value=value)
                raise PlannerError(msg) from None
        elif key == "breakpoints":
            kw[key] = parse_breakpoints(value, criterion=name.strip())
        else:
            kw[key] = value.strip()
    return name.strip(), CriterionInput(Path(parts[0].strip()), **kw)


# ----------------------------------------------------------------------------- computing, cached
_RESULTS: OrderedDict[tuple, SuitabilityResult] = OrderedDict()


def study_suitability(
    stage: str,
    *,
    level: str = "county",
    options: RasterOptions | None = None,
    origin: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> SuitabilityResult:
    """The stage's surface and zonal table for ``options`` (the embedded criteria at 1 km if None), cached.

    The last few results are kept per process, so the fit, the report and the export of one
    study compute a surface once.

    Examples
    --------
    >>> r = study_suitability("dyeing")
    >>> r is study_suitability("dyeing"), r.grid.resolution_m, len(r.zonal)
    (True, 1000.0, 124)
    """
    opts = options or RasterOptions()
    check_resolution(opts.resolution_m, chunks=opts.chunks)
    key = (stage, level, opts, origin)
    if key in _RESULTS:
        _RESULTS.move_to_end(key)
        if progress is not None:
            progress(1.0, "done")
        return _RESULTS[key]
    result = compute_site_scores(
        stage, origin=origin, level=level, resolution_m=opts.resolution_m, dem=opts.dem,
        criteria=dict(opts.criteria) or None, exclusion=list(opts.exclusion) or None, chunks=opts.chunks,
        progress=progress,
    )
    _RESULTS[key] = result
    while len(_RESULTS) > _CACHE_SIZE:
        _RESULTS.popitem(last=False)
    return result


def site_from_rasters(
    inputs: FitInputs | None,
    stage: str,
    *,
    level: str = "county",
    options: RasterOptions | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> tuple[FitInputs, SuitabilityResult]:
    """The fit's inputs with ``stage``'s site taken from the surface of ``options`` (no origin: the tie is its own).

    Other stages keep their site values. A unit without unrestricted land with data keeps the
    neutral placeholder, said in the assumptions.

    Examples
    --------
    >>> inputs, r = site_from_rasters(None, "dyeing", options=RasterOptions(resolution_m=2000))
    >>> inputs.params["site_source"], inputs.site.shape
    ('rasters (dyeing: 2000 m grid)', (124, 13))
    """
    base = inputs if inputs is not None else load_fit_inputs(level=level)  # type: ignore[arg-type]
    if stage not in base.stages:
        msg = Note("error.suit.stage", stage=stage, stages=base.stages)
        raise PlannerError(msg)
    opts = options or RasterOptions()
    result = study_suitability(stage, level=base.level, options=opts, progress=progress)
    order = base.units["adcode"].astype(str).tolist()
    if isinstance(base.site, pd.DataFrame):
        site = base.site.reindex(index=order, columns=base.stages).fillna(SITE_PLACEHOLDER)
    else:
        values = base.site.reindex(order).fillna(SITE_PLACEHOLDER).to_numpy(dtype=float)
        site = pd.DataFrame(np.repeat(values[:, None], len(base.stages), axis=1), index=order, columns=base.stages)
    col = result.site_component().reindex(order)
    notes: list[str] = [Note("site.from_rasters", stage=stage, options=opts.describe())]
    if col.isna().any():
        notes.append(Note("site.raster_gaps", n=int(col.isna().sum()), resolution_m=float(opts.resolution_m),
                          value=SITE_PLACEHOLDER, stage=stage))
    site[stage] = col.fillna(SITE_PLACEHOLDER).to_numpy(dtype=float)
    srcs = [Note("source.site.stage", stage=stage, source=s) for s in result.sources]
    params = {**base.params, "site_source": f"rasters ({stage}: {opts.describe()})"}
    return dataclasses.replace(base, site=site, sources=[*base.sources, *srcs],
                               assumptions=[*base.assumptions, *notes, *result.assumptions], params=params), result


def suitability_for_fit(fit: Any, options: RasterOptions | None = None) -> SuitabilityResult | None:
    """The surface behind ``fit``'s site: ``options``' if given, the embedded one when the site is the
    default raster table, None when the site came from a planner's values or is the placeholder.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> suitability_for_fit(score_transfer_fit("dyeing", "440118")).stage
    'dyeing'
    """
    if options is not None:
        return study_suitability(str(fit.stage), level=str(fit.level), options=options)
    if str(fit.params.get("site_source", "")).startswith("default (raster"):
        return study_suitability(str(fit.stage), level=str(fit.level))
    return None


# ----------------------------------------------------------------------------- what a unit gets
@lru_cache(maxsize=4)
def _zones(level: str, transform: Affine, shape: tuple[int, int]) -> Any:
    return zones_from_polygons(load_boundaries(level), Grid(transform, shape), id_column="adcode")


def criterion_breakdown(result: SuitabilityResult, adcode: str) -> pd.DataFrame:
    """Per criterion for one unit: its mean raw value, mean score 0..1, weight and weighted contribution.

    Means are over the unit's unrestricted cells with data, as ``site_mean`` is; the
    contributions add up to the unit's ``site_mean`` where no criterion lacks data.

    Examples
    --------
    >>> b = criterion_breakdown(study_suitability("dyeing"), "445281")
    >>> list(b.columns)[:4], bool(abs(b["contribution"].sum() - b.attrs["site_mean"]) < 1e-4)
    (['criterion', 'label_zh', 'label_en', 'unit'], True)
    """
    z = result.zonal.set_index("adcode")
    if str(adcode) not in z.index:
        msg = Note("error.suit.adcode", adcode=adcode, level=result.level, example=z.index[0])
        raise PlannerError(msg)
    if not result.criteria:
        msg = Note("error.suit.not_kept")
        raise PlannerError(msg)
    zones = _zones(result.level, result.grid.transform, tuple(result.grid.shape))
    pos = int(np.flatnonzero(zones.ids == str(adcode))[0])
    mask = zones.labels == pos + 1
    keep = mask & ~np.asarray(result.restricted)
    rows = []
    for _, rule in result.table.iterrows():
        name = str(rule["criterion"])
        raw = result.criteria.get(name)
        if raw is None:
            continue
        vals = raw[keep]
        bps = parse_breakpoints(str(rule["breakpoints"]), criterion=name)
        score = Rescale(str(rule["method"]), bps, criterion=name).apply(vals.astype(np.float32))
        ok = np.isfinite(score)
        mean_raw = float(np.nanmean(vals)) if np.isfinite(vals).any() else math.nan
        mean_score = float(score[ok].mean()) if ok.any() else math.nan
        rows.append({"criterion": name, "label_zh": rule["label_zh"], "label_en": rule["label_en"],
                     "unit": rule["unit"], "raw_mean": mean_raw, "score_mean": mean_score,
                     "weight": float(rule["weight"]), "contribution": float(rule["weight"]) * mean_score,
                     "source": rule["source"]})
    out = pd.DataFrame(rows)
    out.attrs["site_mean"] = float(z.loc[str(adcode), "site_mean"])
    out.attrs["cells"] = int(mask.sum())
    out.attrs["cells_restricted"] = int((mask & np.asarray(result.restricted)).sum())
    return out


def unit_at(lon: float, lat: float, *, level: str = "county") -> str | None:
    """Adcode of the unit containing the point (WGS84), None outside the province.

    Examples
    --------
    >>> unit_at(116.3, 23.3)   # Puning
    '445281'
    """
    units = load_boundaries(level)
    hit = units.index[units.geometry.contains(shapely.Point(float(lon), float(lat)))]
    return str(units.loc[hit[0], "adcode"]) if len(hit) else None


# ----------------------------------------------------------------------------- files
def write_suitability_files(result: SuitabilityResult, directory: str | os.PathLike, *, criteria: bool = True,
                            crs: str | None = None,
                            progress: Callable[[float, str], None] | None = None) -> list[Path]:
    """``suitability_<stage>.tif`` (coded: 0..1, -1 restricted, -9999 no data) and, when kept,
    ``criteria_<stage>.tif`` (one band per raw criterion) as Cloud-Optimised GeoTIFFs in ``directory``.

    ``crs`` (an export CRS, e.g. ``"EPSG:4547"``) warps both into it with nearest-neighbour
    resampling, so the restricted and no-data codes come through exact and apart (averaging
    would blend -1 and -9999 into scores); None keeps the equal-area analysis grid.

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> [p.name for p in write_suitability_files(study_suitability("dyeing"), d)]
    ['suitability_dyeing.tif', 'criteria_dyeing.tif']
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    stem = sanitize_name(str(result.stage))
    out = [result.write(d / f"suitability_{stem}.tif", crs=crs, progress=progress)]
    if criteria and result.criteria:
        out.append(result.write_criteria(d / f"criteria_{stem}.tif", crs=crs))
    return out


def suitability_downloads(result: SuitabilityResult) -> dict[str, tuple[bytes, str]]:
    """The surface (COG GeoTIFF) and the zonal table (CSV, UTF-8 with BOM) as downloads: kind -> (bytes, file name).

    Examples
    --------
    >>> d = suitability_downloads(study_suitability("dyeing"))
    >>> d["tif"][1], d["tif"][0][:2], d["csv"][1]
    ('suitability_dyeing_1000m.tif', b'II', 'suitability_dyeing_1000m_county.csv')
    """
    stem = sanitize_name(f"suitability_{result.stage}_{result.grid.resolution_m:g}m")
    with tempfile.TemporaryDirectory(prefix=".suitability_") as td:
        tif = result.write(Path(td) / f"{stem}.tif").read_bytes()
    csv = result.zonal.to_csv(index=False).encode("utf-8-sig")
    return {"tif": (tif, f"{stem}.tif"), "csv": (csv, f"{stem}_{result.level}.csv")}


def save_uploads(files: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Uploaded rasters or vector files written once to a folder named by their content, so GDAL can read
    them by path; the same upload gives the same path (and so the same cached result).

    Examples
    --------
    >>> a = save_uploads([("dem.tif", b"not really a tif")])
    >>> a == save_uploads([("dem.tif", b"not really a tif")]), a[0].name
    (True, 'dem.tif')
    """
    out = []
    for name, data in files:
        digest = hashlib.sha256(bytes(data)).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / "gd_textile_uploads" / digest
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(str(name)).name
        if not target.exists():
            tmp = folder / f".{target.name}.part"
            tmp.write_bytes(bytes(data))
            tmp.replace(target)
        out.append(target)
    return out
