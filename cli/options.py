"""Options and helpers every command shares: the fit options, weights, user files, table output.

Imported by :mod:`cli.main` and :mod:`cli.report`; imports the rooms below (analysis, scenario).
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from analysis.assumptions import DEFAULT_HALF_LIFE_H, SITE_PLACEHOLDER
from analysis.exclusion import combine_exclusions
from analysis.inputs import NETWORKS
from analysis.weights import ahp_weights, normalise_weights, parse_weights, read_ahp_csv
from geo.errors import PlannerError
from geo.io import atomic_path
from cli.raster_options import ProgressBar, add_raster_options, study_raster_options
from cli.stored import apply_scenario
from scenario.study import INPUT_OPTIONS, load_study_inputs, read_exclusion_areas
from scenario.suitability import site_from_rasters

__all__ = ["add_fit_options", "excluded_codes", "fit_kwargs", "parse_pairs", "study_files"]

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (``error: ...``) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see --help)\n")

    def parse_args(self, args: Any = None, namespace: Any = None) -> argparse.Namespace:  # type: ignore[override]
        """Parse, then fill the fit options from ``--scenario`` (:func:`cli.stored.apply_scenario`)."""
        ns = super().parse_args(args, namespace)
        try:
            return apply_scenario(ns)
        except PlannerError as exc:
            self.error(" ".join(str(exc).split()))


def add_fit_options(
    p: argparse.ArgumentParser, *, origin_help: str | None = None, with_origin: bool = True, required: bool = True
) -> None:
    """Add the options every scoring command shares (stage, origin, weights, inputs, decay, exclusions).

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_fit_options(p)
    >>> p.parse_args(["--stage", "dyeing", "--origin", "440118", "--site", "s.csv"]).site
    's.csv'
    """

    # required unless --scenario gives them: checked after parsing (cli.stored.apply_scenario)
    p.add_argument("--stage", help="stage id, e.g. dyeing, apparel, spinning, weaving" + " (required)" * required)
    if with_origin:
        p.add_argument("--origin", help=(origin_help or "origin unit: adcode or name, e.g. 440118 (Zengcheng)")
                       + " (required)" * required)
    p.set_defaults(fit_needs=(("stage", "origin") if with_origin else ("stage",)) if required else ())
    p.add_argument("--scenario", metavar="NAME", help="take every option not given here from this saved scenario")
    p.add_argument("--store", metavar="PATH", help="scenario store file (default: $GD_TEXTILE_STORE or the user's "
                   "data folder)")
    p.add_argument("--level", choices=("county", "city"), default="county", help="analysis units (default county)")
    w = p.add_mutually_exclusive_group()
    w.add_argument("--weights", help='component weights, e.g. "upstream=0.3,downstream=0.2,policy=0.3,relatedness=0.2"')
    w.add_argument("--ahp", metavar="FILE", help="pairwise comparison CSV of the components; weights by AHP")
    p.add_argument("--capability", metavar="CSV", help="capability matrix CSV replacing the policy-derived default")
    p.add_argument("--od", metavar="CSV", help="origin-destination cost matrix CSV replacing the network distances")
    p.add_argument("--chain", metavar="CSV",
                   help="supply-chain weights CSV (supplier,customer,weight,note; each customer's shares sum to 1) "
                        "replacing data/model/chain_edges.csv")
    p.add_argument("--site", metavar="CSV",
                   help="site suitability per unit: CSV with columns adcode,site (0 = unsuitable .. 1 = best, units of "
                        f"--level); units not in the file keep the neutral placeholder {SITE_PLACEHOLDER:g} "
                        "(an assumption the output lists)")
    p.add_argument("--half-life-h", type=float, default=DEFAULT_HALF_LIFE_H,
                   help=f"half-life of the travel-time decay in hours by road (default {DEFAULT_HALF_LIFE_H:g}, an assumption)")
    p.add_argument("--network", choices=NETWORKS, default="road",
                   help="travel costs: road = km and hours over the OpenStreetMap road network (data/network, default); "
                        "adjacency = straight lines chained over touching units (underestimates)")
    p.add_argument("--evidence", metavar="CSV", help="industry evidence CSV replacing data/model/evidence.csv "
                   "(place,adcode,level,stages,measure,value,unit,year,source,quality)")
    p.add_argument("--dyeing-park", action="append", default=[], metavar="ADCODES",
                   help="units holding a dyeing park with central treatment that qualifies under §19 (comma-separated, "
                        "repeatable); stated as the planner's assumption")
    p.add_argument("--candidates", choices=("receiving", "all"), default="receiving",
                   help="receiving = East, West and North units only (default); all = every unit but the origin")
    p.add_argument("--exclude", action="append", default=[], metavar="ADCODES",
                   help="adcodes to exclude (comma-separated, repeatable), e.g. an ecological red line")
    p.add_argument("--exclude-areas", metavar="FILE",
                   help="polygons to keep out (e.g. the ecological red line; GeoPackage, Shapefile, GeoJSON): units "
                        "with at least --exclude-share of their area inside are excluded")
    p.add_argument("--exclude-share", type=float, default=0.5,
                   help="share of a unit's area inside --exclude-areas that excludes it (default 0.5, an assumption)")
    add_raster_options(p)


def _weights(args: argparse.Namespace) -> tuple[dict[str, float] | None, list[str]]:
    """Weights from --weights or --ahp, and the note an AHP derivation adds to the assumptions."""

    if getattr(args, "scenario_weights", None) is not None:  # exactly as saved (cli.stored)
        return dict(args.scenario_weights), []
    if getattr(args, "weights", None):
        return parse_weights(args.weights), []
    if getattr(args, "ahp", None):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = ahp_weights(read_ahp_csv(args.ahp))
        for wmsg in caught:
            print(f"warning: {wmsg.message}", file=sys.stderr)
        return normalise_weights(res.weights), [res.describe(Path(args.ahp).name)]
    return None, []


def excluded_codes(args: argparse.Namespace) -> list[str]:
    """The adcodes of every ``--exclude`` (comma-separated, repeatable), in order.

    Examples
    --------
    >>> excluded_codes(argparse.Namespace(exclude=["445281, 440513", "440514"]))
    ['445281', '440513', '440514']
    """
    return [c.strip() for item in (args.exclude or []) for c in str(item).split(",") if c.strip()]


#: The fit's file options and the argparse attribute holding each.
_FILE_OPTIONS: tuple[tuple[str, str], ...] = (
    ("--ahp", "ahp"), ("--capability", "capability"), ("--od", "od"), ("--site", "site"), ("--chain", "chain"),
    ("--evidence", "evidence"),
    ("--exclude-areas", "exclude_areas"),
)


def dyeing_parks(args: argparse.Namespace) -> list[str]:
    """The ``--dyeing-park`` adcodes, split on commas.

    Examples
    --------
    >>> dyeing_parks(argparse.Namespace(dyeing_park=["441802, 441881"]))
    ['441802', '441881']
    """
    return [c.strip() for item in (getattr(args, "dyeing_park", None) or []) for c in str(item).split(",") if c.strip()]


def study_files(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """The files given on the command line as (option, name, path); the name is the path as typed.

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_fit_options(p)
    >>> study_files(p.parse_args(["--stage", "dyeing", "--origin", "440118", "--site", "s.csv"]))
    [('--site', 's.csv', 's.csv')]
    """
    return [(opt, str(getattr(args, dest)), str(getattr(args, dest)))
            for opt, dest in _FILE_OPTIONS if getattr(args, dest, None)] + list(getattr(args, "scenario_files", []))


def fit_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments of :func:`analysis.fit.score_transfer_fit` from the shared options (files read here).

    User files are read once, by :mod:`scenario.study` (the same readers as the app's uploads),
    into ``inputs``; exclusion areas become adcodes in ``exclude`` with a note.

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_fit_options(p)
    >>> kw = fit_kwargs(p.parse_args(["--stage", "dyeing", "--origin", "440118", "--exclude", "445281,440513"]))
    >>> kw["exclude"], kw["weights"]
    (['445281', '440513'], None)
    """
    weights, notes = _weights(args)
    notes = [*getattr(args, "scenario_notes", []), *notes]
    kw: dict[str, Any] = {
        "level": args.level,
        "weights": weights,
        "half_life_h": args.half_life_h,
        "candidates": args.candidates,
        "exclude": excluded_codes(args),
    }

    files = study_files(args)
    parks = dyeing_parks(args)
    if any(opt in INPUT_OPTIONS for opt, _n, _p in files) or args.network != "road" or parks:
        kw["inputs"] = load_study_inputs(files, level=args.level, network=args.network, dyeing_parks=parks)
    areas = {**read_exclusion_areas(files), **getattr(args, "scenario_areas", {})}
    if areas:
        kw["exclude"], area_notes = combine_exclusions(kw["exclude"], areas, level=args.level,
                                                        min_share=args.exclude_share)
        notes += area_notes
    raster = study_raster_options(args, files)
    if raster is not None:  # the stage's site from rasters; --exclude-areas also restricts their cells
        kw["inputs"], _ = site_from_rasters(kw.get("inputs"), args.stage, level=args.level, options=raster,
                                            progress=ProgressBar(f"site {args.stage}"))
    if notes:
        kw["notes"] = notes
    return kw


def _write_table(df: pd.DataFrame, path: str, *, meta: dict[str, Any] | None = None) -> Path:
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".json"):
        msg = f"`--out` must end in .csv or .json, got {target.name!r}"
        raise PlannerError(msg)
    with atomic_path(target) as tmp:
        if suffix == ".csv":
            df.to_csv(tmp, index=False, encoding="utf-8-sig")  # BOM: Excel shows the Chinese names
        else:
            payload = {**(meta or {}), "table": json.loads(df.to_json(orient="records", force_ascii=False))}
            tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return target


def _emit(df: pd.DataFrame, out: str | None, *, meta: dict[str, Any] | None = None) -> None:
    if out:
        p = _write_table(df, out, meta=meta)
        print(f"wrote {p} ({len(df)} rows)")
    else:
        df.to_csv(sys.stdout, index=False)


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
