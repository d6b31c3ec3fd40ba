"""Options and helpers every command shares: the fit options, weights, user files, table output.

Imported by :mod:`cli.main` and :mod:`cli.report`; imports the rooms below (analysis, scenario).
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from analysis.assumptions import (
    DEFAULT_HALF_LIFE_H,
    HALF_LIFE_RANGE_H,
    NETWORKS,
    SITE_PLACEHOLDER,
)
from analysis.exclusion import combine_exclusions
from analysis.notes import Note
from analysis.sensitivity import check_draws, check_seed
from analysis.weights import (
    ahp_weights,
    check_amounts,
    normalise_weights,
    parse_weights,
    read_ahp_csv,
)
from cli.raster_options import ProgressBar, add_raster_options, study_raster_options
from cli.stored import apply_scenario
from geo.errors import PlannerError, UnknownNameError
from geo.io import atomic_path, open_user_table
from geo.validate import check_unique_keys
from geo.writers import guard_formulas
from layers.boundaries import lookup_unit
from scenario.settings import INPUT_OPTIONS, read_exclusion_areas
from scenario.study import load_study_inputs
from scenario.suitability import site_from_rasters

__all__ = ["add_fit_options", "draws_type", "excluded_codes", "finite_float", "fit_kwargs", "origin_note", "parse_pairs",
           "seed_type", "study_files"]

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


def finite_float(option: str) -> Callable[[str], float]:
    """An argparse ``type`` for ``option``: a finite number, or an error naming the option.

    The model's own checks (ranges, caps) follow; this only refuses what is not a number
    at all, or NaN and infinity, which would pass some range checks and poison sums.

    Examples
    --------
    >>> finite_float("--half-life-h")("2.5")
    2.5
    >>> finite_float("--half-life-h")("inf")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: `--half-life-h` must be a finite number, got 'inf'
    """
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            v = math.nan
        if not math.isfinite(v):
            msg = f"`{option}` must be a finite number, got {text!r}"
            raise argparse.ArgumentTypeError(msg)
        return v

    parse.__name__ = option
    return parse


#: Half-lives the app's widget offers (hours by road); the command line takes the same range, so both
#: refuse alike (a half-life of 1e-320 h overflows the decay, 1e9 h makes every distance equal).


def half_life_type(option: str = "--half-life-h") -> Callable[[str], float]:
    """An argparse ``type``: a half-life in :data:`HALF_LIFE_RANGE_H` hours, or an error naming the option.

    Examples
    --------
    >>> half_life_type()("1e-320")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: `--half-life-h` must be from 0.25 to 24 hours, got '1e-320'; 2 is the default
    """
    finite = finite_float(option)

    def parse(text: str) -> float:
        v = finite(text)
        lo, hi = HALF_LIFE_RANGE_H
        if not lo <= v <= hi:
            msg = f"`{option}` must be from {lo:g} to {hi:g} hours, got {text!r}; {DEFAULT_HALF_LIFE_H:g} is the default"
            raise argparse.ArgumentTypeError(msg)
        return v

    parse.__name__ = option
    return parse


def _whole(option: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        msg = f"`{option}` must be a whole number, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def draws_type(option: str = "--draws", *, minimum: int = 1) -> Callable[[str], int]:
    """An argparse ``type``: draws from ``minimum`` to :data:`analysis.sensitivity.MAX_DRAWS` (the model's rule).

    Examples
    --------
    >>> draws_type()("100000000")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: `--draws` must be a whole number from 1 to at most 100000, got 100000000; 10000 draws settle the shares to about 0.005
    """
    def parse(text: str) -> int:
        try:
            return check_draws(_whole(option, text), name=option, minimum=minimum)
        except PlannerError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = option
    return parse


def seed_type(option: str = "--seed") -> Callable[[str], int]:
    """An argparse ``type``: a seed >= 0 (the model's rule, :func:`analysis.sensitivity.check_seed`).

    Examples
    --------
    >>> seed_type()("-1")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: `--seed` must be a whole number >= 0 (or none), got -1; e.g. 0
    """
    def parse(text: str) -> int:
        try:
            return int(check_seed(_whole(option, text), name=option))  # type: ignore[arg-type]
        except PlannerError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = option
    return parse


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
    p.add_argument("--od", metavar="CSV", help="origin-destination matrix CSV in km replacing the road distances "
                   "(alone: hours = km / 60 km/h, stated)")
    p.add_argument("--od-hours", metavar="CSV", help="origin-destination matrix CSV in hours (the layout of --od) "
                   "replacing the road travel times (alone: km = hours x 60 km/h, stated)")
    p.add_argument("--chain", metavar="CSV",
                   help="supply-chain weights CSV (supplier,customer,weight,note; each customer's shares sum to 1) "
                        "replacing data/model/chain_edges.csv")
    p.add_argument("--site", metavar="CSV",
                   help="site suitability per unit: CSV with columns adcode,site (0 = unsuitable .. 1 = best, units of "
                        f"--level); units not in the file keep the neutral placeholder {SITE_PLACEHOLDER:g} "
                        "(an assumption the output lists)")
    p.add_argument("--half-life-h", type=half_life_type("--half-life-h"), default=DEFAULT_HALF_LIFE_H,
                   help=f"half-life of the travel-time decay in hours by road, {HALF_LIFE_RANGE_H[0]:g} to "
                        f"{HALF_LIFE_RANGE_H[1]:g} (default {DEFAULT_HALF_LIFE_H:g}, an assumption)")
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
    p.add_argument("--exclude-share", type=finite_float("--exclude-share"), default=0.5,
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
            res = ahp_weights(read_ahp_csv(open_user_table("--ahp", args.ahp, args.ahp)))
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
    ("--ahp", "ahp"), ("--capability", "capability"), ("--od", "od"), ("--od-hours", "od_hours"), ("--site", "site"),
    ("--chain", "chain"),
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
    origin = getattr(args, "origin", None)
    note = origin_note(origin, level=args.level) if isinstance(origin, str) else None
    if note:  # the app offers PRD origins only; the command line takes any unit and says so
        print(f"note: {note}", file=sys.stderr)
        notes.append(note)
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


def origin_note(origin: str, *, level: str = "county") -> Note | None:
    """The note for an origin outside the Pearl River Delta (None for a PRD origin or an unknown name).

    The policy moves capacity out of the PRD (§4) and the app offers PRD origins only; the
    command line scores any origin and says so, on stderr and in the assumptions.

    Examples
    --------
    >>> origin_note("440118") is None
    True
    >>> origin_note("445281")  # doctest: +ELLIPSIS
    "origin '445281' (445281 Puning) lies in East Guangdong, not the Pearl River Delta: ..."
    """
    try:
        unit = lookup_unit(str(origin), level=level)  # type: ignore[arg-type]
    except (UnknownNameError, ValueError):
        return None  # the fit names the problem
    if str(unit["region"]) == "PRD":
        return None
    return Note("origin.outside_prd", origin=str(origin), adcode=str(unit["adcode"]), name_en=str(unit["name_en"]),
                name_zh=str(unit["name_zh"]), region=str(unit["region"]))


def _write_table(df: pd.DataFrame, path: str, *, meta: dict[str, Any] | None = None) -> Path:
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".json"):
        msg = f"`--out` must end in .csv or .json, got {target.name!r}"
        raise PlannerError(msg)
    with atomic_path(target) as tmp:
        if suffix == ".csv":  # BOM: Excel shows the Chinese names; formulas defused (CSV injection)
            guard_formulas(df).to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            payload = {**(meta or {}), "table": json.loads(df.to_json(orient="records", force_ascii=False))}
            tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return target


def _emit(df: pd.DataFrame, out: str | None, *, meta: dict[str, Any] | None = None) -> None:
    if out:
        p = _write_table(df, out, meta=meta)
        print(f"wrote {p} ({len(df)} rows)")
    else:
        guard_formulas(df).to_csv(sys.stdout, index=False)


def parse_pairs(items: list[str] | None, *, option: str) -> dict[str, float]:
    """Parse ``key=number`` items (``--allocate 440100=100``, ``--room 445200=60``).

    A key given twice is refused (naming it), and every value must be a finite number from
    0 to :data:`analysis.weights.MAX_AMOUNT` (:func:`analysis.weights.check_amounts`, the
    rule the model applies too).

    Examples
    --------
    >>> parse_pairs(["440100=100", "440600=20.5"], option="--allocate")
    {'440100': 100.0, '440600': 20.5}
    >>> parse_pairs(["445281=10", "445281=20"], option="--room")
    Traceback (most recent call last):
    geo.errors.PlannerError: `--room` names '445281' (values 10, 20) more than once; give each once
    """
    pairs: list[tuple[str, float]] = []
    bad: list[str] = []
    for it in items or []:
        key, sep, val = str(it).partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError(it)
            pairs.append((key.strip(), float(val)))
        except ValueError:
            bad.append(str(it))
    if bad:
        msg = f"`{option}` expects key=number items such as 440100=100, got {bad}; fix or drop them"
        raise PlannerError(msg)
    check_unique_keys(pairs, name=f"`{option}`")
    return check_amounts(dict(pairs), name=option)
