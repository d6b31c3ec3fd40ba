"""``python -m analysis suitability``: a stage's suitability surface as a Cloud-Optimised GeoTIFF.

Examples of use::

    python -m analysis suitability --stage dyeing --out dyeing.tif --zonal-out dyeing_counties.csv
    python -m analysis suitability --stage dyeing --origin 440118 --resolution 250 --dem srtm30.tif \\
        --exclude-areas redline.gpkg --out dyeing_250m.tif --criteria-out dyeing_criteria.tif
    python -m analysis suitability --stage apparel --criterion "noise_db=noise.tif,method=small,breakpoints=45;70,weight=0.1" --out a.tif
    python -m analysis suitability --stage fibre --resolution 100 --chunks 2048 --scheduler tcp://10.0.0.5:8786 --out f.tif

The surface holds 0..1 (1 best), -1 where a rule restricts the cell (exclusion area or a
criterion limit) and -9999 where there is no data (outside the province, or a criterion had
none); the codes are in the file's metadata. The zonal CSV has ``adcode``, ``site_mean``,
``site_share`` and cell counts for every unit. Long runs draw a progress bar on stderr.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from cli.raster_options import ProgressBar, add_raster_options, raster_options
from geo.errors import PlannerError
from geo.io import atomic_path
from geo.writers import guard_formulas
from layers.places import load_places
from scenario.suitability import RasterOptions, study_suitability

__all__ = ["register", "run_suitability"]


def register(subparsers: Any) -> None:
    """Add the ``suitability`` subcommand to ``subparsers``.

    Examples
    --------
    >>> ap = argparse.ArgumentParser(prog="analysis")
    >>> register(ap.add_subparsers(dest="command"))
    >>> a = ap.parse_args(["suitability", "--stage", "dyeing", "--out", "d.tif"])
    >>> a.func.__name__, a.level, a.resolution
    ('run_suitability', 'county', None)
    """
    p = subparsers.add_parser(
        "suitability", help="a stage's raster suitability surface (COG GeoTIFF) and its zonal table",
        description="Criteria (distances to ports, airports, roads, rail, related parks and the origin; slope; urban "
                    "land; your rasters), rescaled and overlaid into a 0..1 surface over Guangdong; -1 = restricted, "
                    "-9999 = no data.")
    p.add_argument("--stage", required=True, help="stage id, e.g. dyeing, apparel, spinning, weaving")
    p.add_argument("--origin", default=None, help="origin unit (adcode or name): adds the distance to it (origin_km)")
    p.add_argument("--level", choices=("county", "city"), default="county", help="units of the zonal table")
    add_raster_options(p)
    p.add_argument("--exclude-areas", action="append", default=[], metavar="FILE",
                   help="areas where building is ruled out (polygons or a raster, any CRS; non-zero raster cells): "
                        "restricted (repeatable)")
    p.add_argument("--chunks", type=int, default=None, metavar="N",
                   help="compute chunk by chunk on dask with N x N cell chunks (needed below 100 m)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --chunks: a dask.distributed scheduler to run on, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--out", required=True, metavar="FILE.tif", help="the coded suitability surface (COG GeoTIFF)")
    p.add_argument("--zonal-out", metavar="FILE.csv", help="site_mean and site_share per unit of --level")
    p.add_argument("--criteria-out", metavar="FILE.tif", help="the raw criterion rasters, one band each (COG GeoTIFF)")
    p.add_argument("--parks-out", metavar="FILE.csv",
                   help="site_mean and site_share within 10 km of each named place (id, names, kind, clause)")
    p.set_defaults(func=run_suitability)


def _check_outputs(args: argparse.Namespace) -> None:
    problems = []
    if Path(args.out).suffix.lower() not in (".tif", ".tiff"):
        problems.append(f"`--out` must end in .tif, got {Path(args.out).name!r}")
    if args.parks_out and Path(args.parks_out).suffix.lower() != ".csv":
        problems.append(f"`--parks-out` must end in .csv, got {Path(args.parks_out).name!r}")
    if args.zonal_out and Path(args.zonal_out).suffix.lower() != ".csv":
        problems.append(f"`--zonal-out` must end in .csv, got {Path(args.zonal_out).name!r}")
    if args.criteria_out and Path(args.criteria_out).suffix.lower() not in (".tif", ".tiff"):
        problems.append(f"`--criteria-out` must end in .tif, got {Path(args.criteria_out).name!r}")
    if args.chunks is not None and args.chunks < 64:
        problems.append(f"`--chunks` must be at least 64 cells, got {args.chunks}")
    if args.scheduler and args.chunks is None:
        problems.append("`--scheduler` runs the chunked path: add --chunks N (e.g. 2048)")
    if problems:
        raise PlannerError("; ".join(problems))


@contextlib.contextmanager
def _scheduler(address: str | None) -> Iterator[None]:
    """Run inside a ``dask.distributed.Client`` connected to ``address`` (nothing when None)."""
    if not address:
        yield
        return
    try:
        from dask.distributed import (
            Client,  # noqa: PLC0415 - optional, only for --scheduler
        )
    except ImportError as exc:
        msg = "`--scheduler` needs dask.distributed: pip install 'distributed==2026.8.0'"
        raise PlannerError(msg) from exc
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        msg = f"`--scheduler` {address!r} cannot be reached ({exc}); start one with `dask scheduler` or check the address"
        raise PlannerError(msg) from exc
    with client:
        yield


def _write_parks(result: object, path: str) -> Path:
    """The park-buffer statistics with each place's names, kind and clause, written whole then renamed."""
    places = pd.DataFrame(load_places()[["id", "name_zh", "name_en", "kind", "clause"]])
    table = places.merge(result.park_zonal, on="id", how="inner")  # type: ignore[attr-defined]
    with atomic_path(path) as tmp:
        guard_formulas(table).to_csv(tmp, index=False, encoding="utf-8")
    return Path(path)


def run_suitability(args: argparse.Namespace) -> int:
    """Handler of ``python -m analysis suitability``; returns the exit code."""
    _check_outputs(args)
    args.site = None
    exclusion = tuple(args.exclude_areas)
    opts = raster_options(args, exclusion=exclusion) or RasterOptions(exclusion=exclusion, chunks=args.chunks)
    bar = ProgressBar(f"suitability {args.stage}")
    with _scheduler(args.scheduler):
        result = study_suitability(args.stage, level=args.level, options=opts, origin=args.origin,
                                   progress=lambda f, m: bar(0.7 * f, m))
        written = [result.write(args.out, progress=lambda f, m: bar(0.7 + 0.2 * f, m))]
        if args.criteria_out:
            written.append(result.write_criteria(args.criteria_out, progress=lambda f, m: bar(0.9 + 0.1 * f, m)))
    if args.zonal_out:
        written.append(result.write_zonal(args.zonal_out))
    if args.parks_out:
        written.append(_write_parks(result, args.parks_out))
    bar(1.0, "done")
    for p in written:
        sys.stdout.write(f"wrote {p}\n")
    z = result.zonal
    sys.stdout.write(f"{args.stage}: {len(z)} {args.level} units, site_mean {z['site_mean'].min():.2f}..{z['site_mean'].max():.2f}; "
                     f"{result.grid.shape[0]} x {result.grid.shape[1]} cells of {result.grid.resolution_m:g} m\n")
    return 0
