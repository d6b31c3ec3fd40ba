"""Command line: ``python -m analysis <command>`` (fit, ahp, sensitivity, completeness, allocate, validate).

Every command has ``--help``. Bad arguments and bad input files end with exit code 2 and a
single line ``error: ...`` on stderr naming the option or file, never a traceback; numbers are
checked where they are parsed (finite, within the model's caps), files by :mod:`geo.validate`
(regular files, size caps, not empty), the same gate as the app's uploads. Anything else that
goes wrong is one line ``error: unexpected ...`` and exit code 1 (``-v`` shows the traceback). Output files are written atomically
(:func:`geo.io.atomic_path`): a failed run leaves no half-written file. The report and export
commands live in :mod:`cli.report`; shared options in :mod:`cli.options`.

Examples of use::

    python -m analysis fit --stage dyeing --origin 440118 --out dyeing.csv
    python -m analysis fit --stage apparel --origin 增城区 --weights "policy=0.4,upstream=0.3,downstream=0.3" --out a.json
    python -m analysis fit --stage weaving --origin 440118 --site site.csv --out w.csv   # site.csv: adcode,site (0..1)
    python -m analysis ahp pairwise.csv
    python -m analysis sensitivity --stage dyeing --origin 440118 --draws 10000 --seed 1 --out s.csv
    python -m analysis completeness --by zone --transfer dyeing:440118:445281:0.5 --out c.csv
    python -m analysis allocate --stage dyeing --origin 440118=100 --room 445281=60 --room 440514=60 --out-csv f.csv
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from analysis.allocation import allocate_capacity
from analysis.backtest import SENSITIVITY_ORIGINS, origin_sensitivity, run_backtest
from analysis.capability import load_capability, read_capability_csv
from analysis.completeness import assess_chain_completeness
from analysis.fit import score_transfer_fit
from analysis.sensitivity import run_sensitivity
from analysis.weights import ahp_weights, check_amounts, read_ahp_csv
from cli.options import (
    _emit,
    _Parser,
    _write_table,
    add_fit_options,
    draws_type,
    excluded_codes,
    finite_float,
    fit_kwargs,
    parse_pairs,
    seed_type,
)
from cli.report import register as register_report
from cli.scenario import register as register_scenario
from cli.suitability import register as register_suitability
from geo.errors import PlannerError
from geo.io import atomic_path, open_user_table, read_csv_table, write_vector
from geo.validate import check_unique_keys
from geo.writers import guard_formulas
from outputs.explain import explain_result

__all__ = ["add_fit_options", "build_parser", "fit_kwargs", "excluded_codes", "main", "parse_pairs"]

log = logging.getLogger(__name__)


def _cmd_fit(args: argparse.Namespace) -> int:
    res = explain_result(score_transfer_fit(args.stage, args.origin, **fit_kwargs(args)))
    meta = {"stage": res.stage, "origin": res.origin, "level": res.level, "weights": res.weights,
            "params": res.params, "assumptions": res.assumptions, "sources": res.sources}
    _emit(res.table, args.out, meta=meta)
    return 0


def _cmd_ahp(args: argparse.Namespace) -> int:

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        res = ahp_weights(read_ahp_csv(open_user_table("--ahp", args.file, args.file)))
    text = json.dumps(res.to_dict(), ensure_ascii=False, indent=1)
    if res.warning:
        print(f"warning: {res.warning}", file=sys.stderr)
    if args.out:
        with atomic_path(args.out) as tmp:
            tmp.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text)
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:

    res = score_transfer_fit(args.stage, args.origin, **fit_kwargs(args))
    out = run_sensitivity(res, n=args.draws, seed=args.seed, concentration=args.concentration)
    _emit(out, args.out, meta={"stage": res.stage, "origin": res.origin, **out.attrs})
    return 0


def _parse_transfer(text: str) -> tuple[str, str, str, float]:
    parts = text.split(":")
    if len(parts) != 4:
        msg = f"`--transfer` must be stage:origin:destination:share, e.g. dyeing:440118:445281:0.5, got {text!r}"
        raise PlannerError(msg)
    try:
        share = float(parts[3])
    except ValueError:
        share = float("nan")
    if not 0.0 <= share <= 1.0:  # NaN fails too
        msg = f"`--transfer` share {parts[3]!r} must be a number from 0 to 1; write e.g. 0.5"
        raise PlannerError(msg)
    return parts[0], parts[1], parts[2], share


def _cmd_completeness(args: argparse.Namespace) -> int:

    cap = (read_capability_csv(open_user_table("--capability", args.capability, args.capability), level=args.level)
           if args.capability else load_capability(level=args.level))
    transfer = _parse_transfer(args.transfer) if args.transfer else None
    out = assess_chain_completeness(cap, by=args.by, transfer=transfer, thin_threshold=args.thin_threshold)
    _emit(out, args.out, meta=out.attrs)
    return 0


def _read_room_csv(path: str) -> list[tuple[str, object]]:
    """(destination, room) rows of ``--room-csv`` as written (checked with the --room items by the caller)."""
    try:
        df = read_csv_table(open_user_table("--room-csv", path, path), name="--room-csv", dtype={"destination": str})
    except ValueError as exc:  # pandas' parser errors; geo's own messages pass as they are
        if isinstance(exc, PlannerError):
            raise
        msg = (f"`--room-csv` {Path(path).name!r} is not a readable CSV table ({' '.join(str(exc).split())}); "
               "check the quoting of commas in text cells")
        raise PlannerError(msg) from None
    if not {"destination", "room"} <= set(df.columns):
        msg = f"`--room-csv` needs columns destination, room; {Path(path).name} has {list(df.columns)}"
        raise PlannerError(msg)
    rows = list(zip(df["destination"].astype(str).str.strip(), df["room"], strict=True))
    check_unique_keys(rows, name=f"`--room-csv` {Path(path).name!r}")
    return rows


def _cmd_allocate(args: argparse.Namespace) -> int:

    origins = parse_pairs(args.origin, option="--origin")
    room = parse_pairs(args.room, option="--room")
    if args.room_csv:
        rows = _read_room_csv(args.room_csv)
        check_unique_keys([*room.items(), *rows], name="`--room` and `--room-csv` together")
        room.update(check_amounts(dict(rows), name=f"--room-csv {Path(args.room_csv).name!r}"))
    if not origins or not room:
        msg = "`allocate` needs --origin code=amount and --room code=capacity (or --room-csv)"
        raise PlannerError(msg)
    res = allocate_capacity(args.stage, origins, room=room, **fit_kwargs(args))
    if args.out_csv:
        _write_table(res.flows, args.out_csv)
    if args.out_geojson:
        write_vector({"flows": res.lines}, args.out_geojson, driver="GeoJSON")
    if not args.out_csv and not args.out_geojson:
        guard_formulas(res.flows).to_csv(sys.stdout, index=False)
    print(res.message, file=sys.stderr if res.shortfall > 0 else sys.stdout)
    return 0 if res.shortfall == 0 else 3


def _cmd_validate(args: argparse.Namespace) -> int:
    cases = run_backtest()
    spread = origin_sensitivity()
    shown = cases.assign(ranks=cases["ranks"].map(lambda r: ",".join("-" if x is None else str(x) for x in r)),
                         top3=cases["top3"].map("; ".join), expected=cases["expected"].map(";".join))
    if args.out:
        _emit(shown.drop(columns="description"), args.out)
    else:
        print(shown[["case", "kind", "stage", "origin", "ranks", "rule", "k", "holds", "top3"]].to_string(index=False))
    by_stage = spread.groupby("stage")["spearman"].agg(["min", "max"]).round(2)
    print(f"\nrank correlation of scores between origins {', '.join(SENSITIVITY_ORIGINS)} (Spearman, per stage):")
    print(by_stage.to_string())
    held = int(cases["holds"].sum())
    print(f"\n{held} of {len(cases)} case(s) hold; failing: {', '.join(cases.loc[~cases['holds'], 'case']) or 'none'}")
    return 0 if held == len(cases) else 1


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m analysis`` parser with every subcommand (and plug-ins).

    Examples
    --------
    >>> p = build_parser()
    >>> p.parse_args(["fit", "--stage", "dyeing", "--origin", "440118"]).half_life_h
    2.0
    """
    parser = _Parser(prog="python -m analysis",
                     description="Guangdong textile & apparel transfer-fit planner (粤工信消费函〔2023〕2号).")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="<command>", required=True)

    p = sub.add_parser("fit", help="rank destinations for a stage leaving an origin, with reasons",
                       description="Score, rank and explain every candidate unit for a stage leaving an origin.")
    add_fit_options(p)
    p.add_argument("--out", help="output .csv or .json (components, score, rank, reasons); stdout CSV if omitted")
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser("ahp", help="weights and consistency ratio from a pairwise comparison CSV",
                       description="AHP weights (principal eigenvector) and Saaty's consistency ratio.")
    p.add_argument("file", help="pairwise CSV: header row of criteria, one row per criterion, cells like 3 or 1/3")
    p.add_argument("--out", help="output .json; stdout if omitted")
    p.set_defaults(func=_cmd_ahp)

    p = sub.add_parser("sensitivity", help="how often each destination ranks first / top 3 under perturbed weights",
                       description="Dirichlet draws around the weights; p_first, p_top3, mean_rank per destination.")
    add_fit_options(p)
    p.add_argument("--draws", type=draws_type("--draws"), default=10_000,
                   help="number of weight draws (default 10000, at most 100000)")
    p.add_argument("--seed", type=seed_type("--seed"), default=0, help="random seed, a whole number >= 0 (default 0)")
    p.add_argument("--concentration", type=finite_float("--concentration"), default=50.0,
                   help="Dirichlet concentration (default 50)")
    p.add_argument("--out", help="output .csv or .json; stdout CSV if omitted")
    p.set_defaults(func=_cmd_sensitivity)

    p = sub.add_parser("completeness", help="present / thin / missing stages per §3 zone or region",
                       description="Chain completeness (§5 补链 targets) per zone or region, before/after a transfer.")
    p.add_argument("--by", choices=("zone", "region"), default="zone", help="group by the §3 zones or the regions")
    p.add_argument("--level", choices=("county", "city"), default="county", help="capability units (default county)")
    p.add_argument("--capability", metavar="CSV", help="capability matrix CSV replacing the policy-derived default")
    p.add_argument("--transfer", metavar="STAGE:ORIGIN:DEST:SHARE", help="e.g. dyeing:440118:445281:0.5")
    p.add_argument("--thin-threshold", type=finite_float("--thin-threshold"), default=2.0, help="level at which a stage counts as present (default 2)")
    p.add_argument("--out", help="output .csv or .json; stdout CSV if omitted")
    p.set_defaults(func=_cmd_completeness)

    p = sub.add_parser("allocate", help="allocate capacity to destinations with room (min-cost flow)",
                       description="Min-cost flow of a stage's capacity from origins to destinations with room.")
    add_fit_options(p, with_origin=False)
    p.add_argument("--origin", action="append", required=True, metavar="ADCODE=AMOUNT",
                   help="capacity leaving an origin, e.g. 440118=100 (repeatable)")
    p.add_argument("--room", action="append", default=[], metavar="DEST=CAPACITY",
                   help="room at a destination adcode or place id, e.g. 445281=60 (repeatable)")
    p.add_argument("--room-csv", metavar="CSV", help="CSV with columns destination, room")
    p.add_argument("--out-csv", help="flows as CSV")
    p.add_argument("--out-geojson", help="flow lines as GeoJSON (WGS84)")
    p.set_defaults(func=_cmd_allocate)

    p = sub.add_parser("validate", help="backtest: documented relocations and designations run through the model",
                       description="Run data/model/backtest_cases.csv through the default model (cases with a date use "
                                   "only evidence known before the move) and the origin rank-correlation check; exit 1 "
                                   "if a case fails.")
    p.add_argument("--out", help="cases as .csv or .json; a table on stdout if omitted")
    p.set_defaults(func=_cmd_validate)

    register_report(sub)
    register_scenario(sub)
    register_suitability(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 unexpected failure, 2 bad input, 3 allocation shortfall).

    Examples
    --------
    >>> main(["ahp", "--help"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    SystemExit: 0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except (PlannerError, ValueError, OSError, KeyError) as exc:
        text = " ".join(str(exc).split())  # one line, whatever the message held
        print(f"error: {text}", file=sys.stderr)
        return 2
    except Exception as exc:  # a fault of ours, not of the input: one line still, the traceback on -v
        if args.verbose:
            raise
        text = " ".join(f"{type(exc).__name__}: {exc}".split())
        print(f"error: unexpected {text}; rerun with -v for the details and please report it", file=sys.stderr)
        return 1
