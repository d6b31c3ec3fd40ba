"""``python -m analysis report`` and ``python -m analysis export``.

:func:`register` adds both subcommands to the parser built by :mod:`cli.main`; each sets
``func`` to a handler taking the parsed arguments and returning an exit code. The engine
modules (fit, sensitivity, allocation) are imported only when a command needs them.

Examples of use::

    python -m analysis report --stage dyeing --origin 440118 --draws 1000 --html r.html --pdf r.pdf
    python -m analysis report --stage apparel --origin 440100 --allocate 440100=100 --room 445200=60 --lang en
    python -m analysis export --layers zones,poles --crs EPSG:4547 --format shp --out layout.zip
    python -m analysis export --layers all --format all --stage dyeing --origin 440118 --out everything.zip
    python -m analysis export --layers zones --format all --stage dyeing --origin 440118 --suitability --dem dem.tif --out with_rasters.zip
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from analysis.fit import score_transfer_fit
from analysis.sensitivity import run_sensitivity
from cli.options import (
    add_fit_options,
    draws_type,
    dyeing_parks,
    excluded_codes,
    finite_float,
    fit_kwargs,
    parse_pairs,
    seed_type,
    study_files,
)
from cli.raster_options import raster_command_parts, study_raster_options
from geo.crs import EXPORT_CRS
from geo.errors import PlannerError
from outputs.explain import explain_result
from outputs.report import write_report_html, write_report_pdf
from scenario.bundle import EXPORT_FORMATS, collect_export, write_export
from scenario.settings import StudySettings
from scenario.study import (
    allocate_for_fit,
    assess_transfer_completeness,
    build_study_report,
)
from scenario.suitability import RasterOptions, suitability_for_fit

__all__ = ["register", "parse_weights", "parse_pairs", "run_report", "run_export"]

log = logging.getLogger(__name__)



def parse_weights(text: str | None) -> dict[str, float] | None:
    """Parse ``--weights "upstream=0.3,downstream=0.2"`` into a dict.

    Examples
    --------
    >>> parse_weights("upstream=0.3, policy=1")
    {'upstream': 0.3, 'policy': 1.0}
    >>> parse_weights(None) is None
    True
    """
    if text is None or not str(text).strip():
        return None
    return parse_pairs([p for p in str(text).split(",") if p.strip()], option="--weights")


def register(subparsers: Any) -> None:
    """Add the ``report`` and ``export`` subcommands to ``subparsers``.

    Examples
    --------
    >>> import argparse
    >>> ap = argparse.ArgumentParser(prog="analysis")
    >>> register(ap.add_subparsers(dest="command"))
    >>> a = ap.parse_args(["report", "--stage", "dyeing", "--origin", "440118", "--lang", "en"])
    >>> a.func.__name__, a.lang, a.level
    ('run_report', 'en', 'county')
    """
    rp = subparsers.add_parser("report", help="relocation-suitability report (HTML and/or PDF)",
                               description="Score a transfer and write the report.")
    add_fit_options(rp)
    rp.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default zh)")
    rp.add_argument("--draws", type=draws_type("--draws", minimum=0), default=0,
                    help="sensitivity draws (0: none; at most 100000)")
    rp.add_argument("--seed", type=seed_type("--seed"), default=0, help="random seed of the sensitivity draws (>= 0)")
    rp.add_argument("--transfer-to", metavar="ADCODE", default=None,
                    help="destination of the move the chain-completeness 'after' shows (default: the top-ranked one)")
    rp.add_argument("--transfer-share", type=finite_float("--transfer-share"), default=1.0,
                    help="share of the origin's capacity in the stage that moves there (0..1, default 1)")
    rp.add_argument("--allocate", action="append", metavar="ORIGIN=AMOUNT", help="capacity to move, repeatable")
    rp.add_argument("--room", action="append", metavar="DEST=CAP", help="room at a destination, repeatable")
    rp.add_argument("--html", default=None, metavar="FILE", help="write the HTML report here")
    rp.add_argument("--pdf", default=None, metavar="FILE", help="write the PDF report here")
    rp.add_argument("--no-maps", action="store_true", help="leave the maps out (faster)")
    rp.set_defaults(func=run_report)

    ep = subparsers.add_parser("export", help="export layers and results for QGIS/ArcGIS/Excel",
                               description="Export layers (and, with --stage/--origin, the fit result).")
    ep.add_argument("--layers", default="all", help="'all' or comma-separated layer ids (see layers.registry)")
    ep.add_argument("--crs", default="EPSG:4326", choices=list(EXPORT_CRS), help="export CRS (default EPSG:4326)")
    ep.add_argument("--format", default="gpkg", choices=list(EXPORT_FORMATS), help="output format (default gpkg)")
    ep.add_argument("--out", required=True, help="output file (gpkg, zip, tif) or folder (geojson, csv)")
    ep.add_argument("--allocate", action="append", metavar="ORIGIN=AMOUNT", help="with --stage: add allocation flows")
    ep.add_argument("--room", action="append", metavar="DEST=CAP", help="room at a destination, repeatable")
    ep.add_argument("--suitability", action="store_true",
                    help="with --stage: add the stage's suitability surface and criterion rasters (COG GeoTIFF, "
                         "analysis CRS; with --dem/--criterion/--resolution: from your rasters) and its zonal table")
    ep.add_argument("--lang", choices=("zh", "en"), default="en",
                    help="language of README.txt in --format all (default en)")
    add_fit_options(ep, required=False)
    ep.set_defaults(func=run_export)


def _settings(args: argparse.Namespace) -> Any:
    """The study settings behind ``report`` arguments (what the reproduce command is built from)."""

    w = parse_weights(args.weights)
    files = tuple((opt, name) for opt, name, _path in study_files(args)) + raster_command_parts(args)
    return StudySettings(
        stage=args.stage, origin=args.origin, level=args.level,
        weights=tuple(w.items()) if w else None, half_life_h=args.half_life_h, network=args.network, dyeing_parks=tuple(dyeing_parks(args)), candidates=args.candidates,
        exclude=tuple(excluded_codes(args)), draws=args.draws, seed=args.seed,
        allocate=tuple(parse_pairs(args.allocate, option="--allocate").items()),
        room=tuple(parse_pairs(args.room, option="--room").items()), lang=args.lang, files=files,
        exclude_share=args.exclude_share, transfer_to=args.transfer_to, transfer_share=args.transfer_share,
    )


def _fit(args: argparse.Namespace) -> tuple[Any, Any]:
    """The fit of ``args`` and the inputs it ran on (None: the defaults); files are read once."""

    kw = fit_kwargs(args)
    return explain_result(score_transfer_fit(args.stage, args.origin, **kw)), kw.get("inputs")


def _completeness(args: argparse.Namespace, fit: Any, inputs: Any) -> Any:
    """Chain completeness by zone and by region, before and after the move (--transfer-to, default the top)."""

    return assess_transfer_completeness(fit, capability=inputs.capability if inputs is not None else None,
                                        destination=args.transfer_to, share=args.transfer_share)


def run_report(args: argparse.Namespace) -> int:
    """Handler of ``python -m analysis report``; returns the exit code."""

    supply = parse_pairs(args.allocate, option="--allocate")
    room = parse_pairs(args.room, option="--room")
    if bool(supply) != bool(room):
        msg = "`--allocate` and `--room` go together: say how much moves (--allocate 440100=100) and where it may go (--room 445200=60)"
        raise PlannerError(msg)
    fit, inputs = _fit(args)
    sens = run_sensitivity(fit, n=args.draws, seed=args.seed) if args.draws else None
    alloc = allocate_for_fit(fit, supply, room, inputs=inputs) if supply else None
    comp = _completeness(args, fit, inputs)
    raster = study_raster_options(args, study_files(args))  # the surface the fit's site came from, if any
    report = build_study_report(_settings(args), fit, sensitivity=sens, completeness=comp, allocation=alloc,
                                maps=not args.no_maps, html=args.html, pdf=args.pdf,
                                suitability=suitability_for_fit(fit, raster) if raster is not None else None)
    html = args.html if (args.html or args.pdf) else "report.html"
    written = []
    if html:
        written.append(write_report_html(report, html))
    if args.pdf:
        written.append(write_report_pdf(report, args.pdf))
    for p in written:
        sys.stdout.write(f"{p}\n")  # the CLI's answer: where the files went
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Handler of ``python -m analysis export``; returns the exit code."""

    fit = alloc = None
    supply = parse_pairs(args.allocate, option="--allocate")
    room = parse_pairs(args.room, option="--room")
    if args.stage or args.origin:
        if not (args.stage and args.origin):
            msg = "`--stage` and `--origin` go together to add the fit result to the export"
            raise PlannerError(msg)
        fit, inputs = _fit(args)
        if supply or room:
            if not (supply and room):
                msg = "`--allocate` and `--room` go together (e.g. --allocate 440118=100 --room 445281=60)"
                raise PlannerError(msg)
            alloc = allocate_for_fit(fit, supply, room, inputs=inputs)
    elif supply or room:
        msg = "`--allocate` and `--room` need --stage and --origin"
        raise PlannerError(msg)
    layer_ids = args.layers if args.layers and args.layers.strip() else []
    if args.suitability and fit is None:
        msg = "`--suitability` needs --stage and --origin (the fit whose site the surface gives)"
        raise PlannerError(msg)
    suit = None
    if args.suitability:
        suit = suitability_for_fit(fit, study_raster_options(args, study_files(args)) or RasterOptions())
    bundle = collect_export(fit, layer_ids=layer_ids, allocation=alloc, resolution_m=args.resolution or 1000.0,
                            suitability=suit, rasters=args.format in ("tif", "all"))  # the raster only when held
    for p in write_export(bundle, args.format, args.out, crs=args.crs, lang=args.lang):
        sys.stdout.write(f"{p}\n")
    return 0
