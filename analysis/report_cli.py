"""``python -m analysis report`` and ``python -m analysis export``.

:func:`register` adds both subcommands to the parser built by :mod:`analysis.cli`; each sets
``func`` to a handler taking the parsed arguments and returning an exit code. The engine
modules (fit, sensitivity, allocation) are imported only when a command needs them.

Examples of use::

    python -m analysis report --stage dyeing --origin 440118 --draws 1000 --html r.html --pdf r.pdf
    python -m analysis report --stage apparel --origin 440100 --allocate 440100=100 --room 445200=60 --lang en
    python -m analysis export --layers zones,poles --crs EPSG:4547 --format shp --out layout.zip
    python -m analysis export --layers all --format all --stage dyeing --origin 440118 --out everything.zip
"""
from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path
from typing import Any

from geo.crs import EXPORT_CRS
from geo.errors import PlannerError

__all__ = ["register", "parse_weights", "parse_pairs", "run_report", "run_export"]

log = logging.getLogger(__name__)

_FORMATS = ("gpkg", "shp", "geojson", "csv", "tif", "all")


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


def parse_pairs(items: list[str] | None, *, option: str) -> dict[str, float]:
    """Parse ``key=number`` items (``--allocate 440100=100``, ``--room 445200=60``).

    Examples
    --------
    >>> parse_pairs(["440100=100", "440600=20.5"], option="--allocate")
    {'440100': 100.0, '440600': 20.5}
    """
    out: dict[str, float] = {}
    bad: list[str] = []
    for it in items or []:
        key, sep, val = str(it).partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError(it)
            out[key.strip()] = float(val)
        except ValueError:
            bad.append(str(it))
    if bad:
        msg = f"`{option}` expects key=number items such as 440100=100, got {bad}; fix or drop them"
        raise PlannerError(msg)
    return out


def _add_fit_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--stage", required=required, help="stage id, e.g. dyeing, apparel, spinning")
    p.add_argument("--origin", required=required, help="origin unit: adcode or name, e.g. 440118 (Zengcheng)")
    p.add_argument("--level", choices=("county", "city"), default="county", help="destination units (default county)")
    p.add_argument("--weights", default=None, help="component weights, e.g. upstream=0.3,downstream=0.2,policy=0.2")
    p.add_argument("--decay-km", type=float, default=60.0, help="distance-decay scale in km (default 60, an assumption)")
    p.add_argument("--candidates", choices=("receiving", "all"), default="receiving",
                   help="receiving = East, West and North units only (default); all = every unit but the origin")
    p.add_argument("--exclude", action="append", default=[], metavar="ADCODES",
                   help="adcodes to exclude (comma-separated, repeatable), e.g. an ecological red line")


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
    _add_fit_options(rp, required=True)
    rp.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default zh)")
    rp.add_argument("--draws", type=int, default=0, help="sensitivity draws (0: none)")
    rp.add_argument("--seed", type=int, default=0, help="random seed of the sensitivity draws")
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
    ep.add_argument("--format", default="gpkg", choices=_FORMATS, help="output format (default gpkg)")
    ep.add_argument("--out", required=True, help="output file (gpkg, zip, tif) or folder (geojson, csv)")
    ep.add_argument("--resolution", type=float, default=1000.0, help="score raster cell size in metres")
    ep.add_argument("--allocate", action="append", metavar="ORIGIN=AMOUNT", help="with --stage: add allocation flows")
    ep.add_argument("--room", action="append", metavar="DEST=CAP", help="room at a destination, repeatable")
    _add_fit_options(ep, required=False)
    ep.set_defaults(func=run_export)


def _command(args: argparse.Namespace) -> str:
    """The canonical command that reproduces ``args`` (written into the report)."""
    parts = ["python", "-m", "analysis", "report", "--stage", args.stage, "--origin", args.origin, "--level", args.level]
    if args.weights:
        parts += ["--weights", args.weights]
    parts += ["--decay-km", f"{args.decay_km:g}", "--candidates", args.candidates]
    if _excluded(args):
        parts += ["--exclude", ",".join(_excluded(args))]
    if args.draws:
        parts += ["--draws", str(args.draws), "--seed", str(args.seed)]
    for a in args.allocate or []:
        parts += ["--allocate", a]
    for r in args.room or []:
        parts += ["--room", r]
    parts += ["--lang", args.lang]
    if args.html:
        parts += ["--html", args.html]
    if args.pdf:
        parts += ["--pdf", args.pdf]
    return shlex.join(parts)


def _engine(module: str, name: str) -> Any:
    try:
        mod = __import__(f"analysis.{module}", fromlist=[name])
        return getattr(mod, name)
    except (ImportError, AttributeError) as exc:
        msg = f"analysis.{module}.{name} is not available in this installation ({exc}); update the project"
        raise PlannerError(msg) from exc


def _fit(args: argparse.Namespace) -> Any:
    score = _engine("fit", "score_transfer_fit")
    return score(args.stage, args.origin, level=args.level, weights=parse_weights(args.weights), **_fit_options(args))


def _fit_options(args: argparse.Namespace) -> dict[str, Any]:
    return {"decay_km": args.decay_km, "candidates": args.candidates, "exclude": _excluded(args)}


def _excluded(args: argparse.Namespace) -> list[str]:
    return [c.strip() for item in (args.exclude or []) for c in str(item).split(",") if c.strip()]


def _allocate(args: argparse.Namespace, fit: Any, supply: dict[str, float], room: dict[str, float]) -> Any:
    """Min-cost allocation; the fit is reused when it is the only origin, else each origin is scored."""
    allocate = _engine("allocation", "allocate_capacity")
    same = set(supply) == {str(fit.origin)}
    extra = {} if same else {"weights": parse_weights(args.weights), **_fit_options(args)}
    return allocate(args.stage, supply, room=room, fit=fit if same else None, level=args.level, **extra)


def _completeness(args: argparse.Namespace, fit: Any) -> Any:
    """Chain completeness by zone and by region, before and after moving the stage to the top destination."""
    import pandas as pd

    assess = _engine("completeness", "assess_chain_completeness")
    cap = _engine("capability", "load_capability")(level=args.level)
    top = fit.table[fit.table["eligible"].astype(bool)].head(1)
    transfer = (str(fit.stage), str(fit.origin), str(top["adcode"].iloc[0]), 1.0) if len(top) else None
    parts = [assess(cap, by=by, transfer=transfer) for by in ("zone", "region")]
    out = pd.concat(parts, ignore_index=True)
    out.attrs["assumptions"] = list(parts[0].attrs.get("assumptions", []))
    if transfer:
        out.attrs["assumptions"].append(
            f"ASSUMPTION (this report): 'after' moves all {transfer[0]} capacity of {transfer[1]} "
            f"to the top-ranked destination {transfer[2]} (share 1.0)"
        )
    return out


def run_report(args: argparse.Namespace) -> int:
    """Handler of ``python -m analysis report``; returns the exit code."""
    from analysis.report import build_report, write_report_html, write_report_pdf

    supply = parse_pairs(args.allocate, option="--allocate")
    room = parse_pairs(args.room, option="--room")
    if bool(supply) != bool(room):
        msg = "`--allocate` and `--room` go together: say how much moves (--allocate 440100=100) and where it may go (--room 445200=60)"
        raise PlannerError(msg)
    if args.draws < 0:
        msg = f"`--draws` must be 0 or more, got {args.draws}"
        raise PlannerError(msg)
    fit = _fit(args)
    sens = None
    if args.draws:
        sens = _engine("sensitivity", "run_sensitivity")(fit, n=args.draws, seed=args.seed)
    alloc = _allocate(args, fit, supply, room) if supply else None
    comp = _completeness(args, fit)
    report = build_report(fit, sensitivity=sens, completeness=comp, allocation=alloc, lang=args.lang,
                          command=_command(args), maps=not args.no_maps)
    html = args.html if (args.html or args.pdf) else "report.html"
    written = []
    if html:
        written.append(write_report_html(report, html))
    if args.pdf:
        written.append(write_report_pdf(report, args.pdf))
    for p in written:
        sys.stdout.write(f"{p}\n")  # the CLI's answer: where the files went
    return 0


def _layers(spec: str) -> dict[str, Any]:
    from layers.registry import list_layers, load_layer

    ids = list_layers() if spec.strip() == "all" else [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [i for i in ids if i not in list_layers()]
    if unknown or not ids:
        msg = f"`--layers` has unknown ids {unknown or [spec]}; use 'all' or some of: {', '.join(list_layers())}"
        raise PlannerError(msg)
    out: dict[str, Any] = {}
    for i in ids:
        try:
            out[i] = load_layer(i)
        except ImportError as exc:  # a layer whose module has not landed yet
            if spec.strip() != "all":
                msg = f"layer {i!r} cannot be loaded yet ({exc})"
                raise PlannerError(msg) from exc
            log.warning("layer %s skipped: %s", i, exc)
    return out


def run_export(args: argparse.Namespace) -> int:
    """Handler of ``python -m analysis export``; returns the exit code."""
    from analysis import export as ex
    from analysis.raster import rasterize_scores

    layers = _layers(args.layers) if args.layers else {}
    tables: dict[str, Any] = {}
    rasters: dict[str, Any] = {}
    sources: list[str] = []
    if args.stage or args.origin:
        if not (args.stage and args.origin):
            msg = "`--stage` and `--origin` go together to add the fit result to the export"
            raise PlannerError(msg)
        from layers.boundaries import load_boundaries

        fit = _fit(args)
        units = load_boundaries("city" if args.level == "city" else "county")[["adcode", "geometry"]]
        table = fit.table.copy()
        for col in ("policy_clauses",):
            if col in table.columns:
                table[col] = table[col].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
        name = ex.sanitize_name(f"fit_{fit.stage}_{fit.origin}")
        layers[name] = units.merge(table, on="adcode", how="inner")
        tables[name] = table
        rasters[name] = rasterize_scores(layers[name], resolution_m=args.resolution)
        sources += [str(s) for s in fit.sources]
        supply = parse_pairs(args.allocate, option="--allocate")
        room = parse_pairs(args.room, option="--room")
        if supply or room:
            if not (supply and room):
                msg = "`--allocate` and `--room` go together (e.g. --allocate 440118=100 --room 445281=60)"
                raise PlannerError(msg)
            alloc = _allocate(args, fit, supply, room)
            layers[f"flows_{fit.stage}"] = alloc.lines
            tables[f"flows_{fit.stage}"] = alloc.flows
    if args.format == "tif" and not rasters:
        msg = "`--format tif` exports the score raster: add --stage and --origin"
        raise PlannerError(msg)
    if not layers and args.format != "tif":
        msg = "nothing to export: give --layers and/or --stage with --origin"
        raise PlannerError(msg)
    out = Path(args.out)
    written: list[Path] = []
    if args.format == "gpkg":
        written.append(ex.export_geopackage(layers, out, crs=args.crs))
    elif args.format == "shp":
        written.append(ex.export_shapefiles(layers, out, crs=args.crs))
    elif args.format == "geojson":
        written += [ex.export_geojson(g, out / f"{ex.sanitize_name(n)}.geojson", crs=args.crs) for n, g in layers.items()]
    elif args.format == "csv":
        written += [ex.export_csv(g, out / f"{ex.sanitize_name(n)}.csv", crs=args.crs) for n, g in {**layers, **tables}.items()]
    elif args.format == "tif":
        written += [ex.export_geotiff(*spec, out if len(rasters) == 1 else out / f"{n}.tif", to_crs=args.crs)
                    for n, spec in rasters.items()]
    else:
        written.append(ex.export_everything(layers, tables, rasters, out, crs=args.crs, sources=sources))
    for p in written:
        sys.stdout.write(f"{p}\n")
    return 0
