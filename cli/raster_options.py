"""The raster options every scoring command shares (``--dem``, ``--criterion``, ``--resolution``) and a
progress bar on stderr.

``fit``, ``sensitivity``, ``allocate``, ``report`` and ``export`` get them through
:func:`cli.options.add_fit_options`; when one is given, the stage's ``site`` component comes from
:func:`scenario.suitability.site_from_rasters` instead of the shipped table, and
``--exclude-areas`` also restricts the surface's cells. ``python -m analysis suitability``
(:mod:`cli.suitability`) uses the same options.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from geo.errors import PlannerError
from scenario.suitability import RasterOptions, check_resolution, parse_criterion

__all__ = ["ProgressBar", "add_raster_options", "raster_command_parts", "raster_options", "study_raster_options"]


def add_raster_options(p: argparse.ArgumentParser, *, resolution_help: str | None = None) -> None:
    """Add ``--dem``, ``--criterion`` (repeatable) and ``--resolution``.

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_raster_options(p)
    >>> a = p.parse_args(["--dem", "dem.tif", "--criterion", "port_km=ports.tif", "--resolution", "250"])
    >>> a.dem, a.criterion, a.resolution
    ('dem.tif', ['port_km=ports.tif'], 250.0)
    """
    g = p.add_argument_group("raster site criteria (the site component from rasters)")
    g.add_argument("--dem", metavar="FILE",
                   help="your DEM GeoTIFF (any CRS, e.g. a 30 m SRTM tile) for the slope, in place of the embedded 5' "
                        "(about 9 km, 28 m steps) grid")
    g.add_argument("--criterion", action="append", default=[], metavar="NAME=FILE",
                   help="your raster for a criterion (port_km, airport_km, road_km, rail_km, related_km, slope_deg, "
                        "urban_share) or a new one: NAME=FILE,method=small,breakpoints=45;70,weight=0.1 (repeatable)")
    g.add_argument("--resolution", type=float, default=None, metavar="M",
                   help=resolution_help or "cell size of the suitability grid in metres: 1000 (default), 250 or 100 "
                        "(export: also the score raster's)")


def raster_options(args: argparse.Namespace, *, exclusion: tuple[str, ...] = ()) -> RasterOptions | None:
    """The raster options of ``args``, or None when none was given (the site then comes from the shipped table).

    Examples
    --------
    >>> raster_options(argparse.Namespace(dem=None, criterion=[], resolution=None)) is None
    True
    >>> raster_options(argparse.Namespace(dem="d.tif", criterion=[], resolution=None, site=None)).describe()
    "1000 m grid; slope from the planner's DEM d.tif"
    """
    dem, crit, res = getattr(args, "dem", None), getattr(args, "criterion", None) or [], getattr(args, "resolution", None)
    if dem is None and not crit and res is None:
        return None
    if getattr(args, "site", None):
        msg = ("`--site` and the raster options (--dem, --criterion, --resolution) both set the site component; "
               "give the CSV or the rasters, not both")
        raise PlannerError(msg)
    criteria = tuple(parse_criterion(c) for c in crit)
    names = [n for n, _ in criteria]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        msg = f"`--criterion` names {dup} more than once; give one raster per criterion"
        raise PlannerError(msg)
    chunks = getattr(args, "chunks", None)
    r = check_resolution(res if res is not None else 1000.0, chunks=chunks)
    return RasterOptions(resolution_m=r, dem=dem, criteria=criteria, exclusion=tuple(exclusion), chunks=chunks)


def study_raster_options(args: argparse.Namespace, files: Sequence[tuple[str, str, object]]) -> RasterOptions | None:
    """The raster options of a scoring command: ``--exclude-areas`` files (by path) restrict the surface too.

    Examples
    --------
    >>> a = argparse.Namespace(dem=None, criterion=[], resolution=250.0, site=None)
    >>> study_raster_options(a, [("--exclude-areas", "red.gpkg", "red.gpkg")]).exclusion
    ('red.gpkg',)
    """
    return raster_options(args, exclusion=tuple(p for o, _n, p in files if o == "--exclude-areas" and isinstance(p, str)))


def raster_command_parts(args: argparse.Namespace) -> tuple[tuple[str, str], ...]:
    """The raster options as (option, value) pairs for the command that reproduces a study.

    Examples
    --------
    >>> raster_command_parts(argparse.Namespace(dem="d.tif", criterion=["port_km=p.tif"], resolution=250.0))
    (('--dem', 'd.tif'), ('--criterion', 'port_km=p.tif'), ('--resolution', '250'))
    """
    parts: list[tuple[str, str]] = []
    if getattr(args, "dem", None):
        parts.append(("--dem", str(args.dem)))
    parts += [("--criterion", str(c)) for c in getattr(args, "criterion", None) or []]
    if getattr(args, "resolution", None) is not None:
        parts.append(("--resolution", f"{float(args.resolution):g}"))
    return tuple(parts)


class ProgressBar:
    """``progress(fraction, message)`` drawn on stderr: a redrawn bar on a terminal, one line per step otherwise.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar("dyeing", stream=out)
    >>> bar(0.5, "criterion port_km"); bar(1.0, "done")
    >>> out.getvalue().splitlines()[-1]
    'dyeing [########################] 100% done'
    """

    WIDTH = 24

    def __init__(self, label: str, *, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = ""

    def __call__(self, fraction: float, message: str) -> None:
        f = min(1.0, max(0.0, float(fraction)))
        n = int(round(f * self.WIDTH))
        line = f"{self.label} [{'#' * n}{'.' * (self.WIDTH - n)}] {f:4.0%} {message}"
        if self.tty:
            self.stream.write("\r" + line.ljust(78) + ("\n" if f >= 1.0 else ""))
        elif message != self._last:
            self.stream.write(line + "\n")
        self._last = message
        self.stream.flush()
