"""``python -m analysis scenario {save,list,show,load,rename,duplicate,delete,export,import,compare}``.

Scenarios live in one SQLite store (:mod:`scenario.store`): ``--store PATH``, else the
``GD_TEXTILE_STORE`` environment variable, else the user's data folder. ``save`` takes the
options of ``fit`` (and the allocation and sensitivity ones of ``report``), runs the fit
once so a scenario that cannot run is never saved, and keeps the planner's files inside the
store; ``load`` re-runs that fit exactly (``fit --scenario NAME`` does the same); ``compare``
runs two or more and prints the settings that differ and the largest rank changes. Bad
names, stores and files end with exit code 2 and one line ``error: ...``; the store is then
left as it was.

Examples of use::

    python -m analysis scenario save --name "dyeing east" --stage dyeing --origin 440118 --exclude 440513
    python -m analysis scenario save --name "dyeing east, 4 h" --scenario "dyeing east" --half-life-h 4
    python -m analysis scenario list --json
    python -m analysis scenario compare "dyeing east" "dyeing east, 4 h" --out diff.gpkg --html compare.html
    python -m analysis fit --scenario "dyeing east" --out fit.csv
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.fit import score_transfer_fit
from analysis.notes import notes_from_record
from cli.options import (
    _emit,
    _weights,
    _write_table,
    add_fit_options,
    dyeing_parks,
    excluded_codes,
    fit_kwargs,
    parse_pairs,
    study_files,
)
from cli.stored import apply_scenario
from geo.errors import PlannerError, ScenarioError
from geo.io import write_vector
from outputs.explain import explain_result
from outputs.report import write_report_html
from scenario.compare import build_comparison_report, compare_stored, difference_frame, rank_changes
from scenario.convert import current_data_versions, scenario_to_study, settings_to_scenario
from scenario.differences import check_data_versions
from scenario.settings import StudySettings
from scenario.store import STORE_ENV, open_store

__all__ = ["register"]

log = logging.getLogger(__name__)


def _store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="PATH",
                   help=f"scenario store file (default: ${STORE_ENV} or the user's data folder)")


def _fit_meta(res: Any) -> dict[str, Any]:
    return {"stage": res.stage, "origin": res.origin, "level": res.level, "weights": res.weights,
            "params": res.params, "assumptions": res.assumptions, "sources": res.sources}


# ----------------------------------------------------------------------------- save

def _settings_from_args(args: argparse.Namespace) -> StudySettings:
    """The study the fit options describe (weights as the fit takes them, notes of an AHP derivation kept)."""
    weights, notes = _weights(args)
    return StudySettings(
        stage=args.stage, origin=args.origin, level=args.level,
        weights=tuple(weights.items()) if weights else None, half_life_h=float(args.half_life_h),
        network=args.network, dyeing_parks=tuple(dyeing_parks(args)), candidates=args.candidates,
        exclude=tuple(excluded_codes(args)), draws=int(args.draws), seed=int(args.seed),
        allocate=tuple(parse_pairs(args.allocate, option="--allocate").items()),
        room=tuple(parse_pairs(args.room, option="--room").items()), lang=args.lang,
        exclude_share=float(args.exclude_share), notes=tuple([*getattr(args, "scenario_notes", []), *notes]),
    )


def _cmd_save(args: argparse.Namespace) -> int:
    if args.draws < 0:
        msg = f"`--draws` must be 0 or more, got {args.draws}"
        raise PlannerError(msg)
    settings = _settings_from_args(args)
    rasters = {k: getattr(args, k, None) for k in ("dem", "criterion", "resolution")}
    record = settings_to_scenario(settings, name=args.name, files=study_files(args),
                                  areas=getattr(args, "scenario_areas", {}), author=args.author, rasters=rasters)
    scenario_to_study(record)  # every name it holds exists
    score_transfer_fit(args.stage, args.origin, **fit_kwargs(args))  # and it runs: nothing unusable is saved
    with open_store(args.store) as store:
        saved = store.save(record, overwrite=args.overwrite)
        where = store.path
    print(f"saved {saved.name!r} ({saved.stage} from {', '.join(saved.origins)}; {len(saved.tables)} table(s), "
          f"{len(saved.areas)} area layer(s)) in {where}")
    return 0


# ----------------------------------------------------------------------------- list, show, load

def _cmd_list(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        rows = store.list_scenarios(order=args.order)
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=1))
    elif not rows:
        print("no scenarios yet; save one with `python -m analysis scenario save --name NAME --stage ... --origin ...`")
    else:
        table = pd.DataFrame([{"name": r.name, "stage": r.stage, "origins": ",".join(r.origins), "author": r.author,
                               "updated": r.updated[:19].replace("T", " ")} for r in rows])
        print(table.to_string(index=False))
    return 0


def _describe(name: str, store_path: str | None) -> dict[str, Any]:
    with open_store(store_path) as store:
        rec = store.get(name)
    try:
        scenario_to_study(rec)
        problems: list[str] = []
    except ScenarioError as exc:
        problems = list(getattr(exc, "problems", [str(exc)]))
    return {
        "name": rec.name, "author": rec.author, "created": rec.created, "updated": rec.updated,
        "settings": {k: v for k, v in rec.settings.items() if k != "widgets"},
        "tables": [{"role": t.role, "file_name": t.file_name, "size": len(t.data), "sha256": t.sha256}
                   for t in rec.tables],
        "areas": [{"name": a.name, "crs": a.crs, "polygons": len(a.geometries), "sha256": a.sha256} for a in rec.areas],
        "data_changes": [{"dataset": d, "saved": a, "current": b}
                         for d, a, b in check_data_versions(rec, current_data_versions())],
        "problems": problems,
    }


def _sentences(saved: object) -> list[str] | None:
    try:
        return notes_from_record(saved)
    except ValueError:  # as saved, for `show` to print
        return None


def _cmd_show(args: argparse.Namespace) -> int:
    d = _describe(args.name, args.store)
    if args.json:
        print(json.dumps(d, ensure_ascii=False, indent=1))
        return 0
    print(f"{d['name']}\n  author: {d['author'] or '–'}\n  created: {d['created']}\n  updated: {d['updated']}")
    print("settings:")
    for k, v in d["settings"].items():
        sentences = _sentences(v) if k == "notes" else None
        if sentences is not None:  # the words, not the codes and values kept beside them (--json shows those)
            print("  notes:" + "".join(f"\n    - {n}" for n in sentences) if sentences else "  notes: []")
        else:
            print(f"  {k}: {json.dumps(v, ensure_ascii=False)}")
    for t in d["tables"]:
        print(f"table {t['role']}: {t['file_name']} ({t['size']:,} bytes, sha256 {t['sha256'][:12]})")
    for a in d["areas"]:
        print(f"exclusion areas {a['name']}: {a['polygons']} polygon(s), {a['crs']}")
    if d["data_changes"]:
        print("embedded data changed since it was saved: " + ", ".join(c["dataset"] for c in d["data_changes"]))
    for p in d["problems"]:
        print(f"warning: {p}", file=sys.stderr)
    return 0


def _fit_args(name: str, store: str | None) -> argparse.Namespace:
    """The arguments ``fit --scenario NAME --store PATH`` parses to (the one path both commands take)."""
    p = argparse.ArgumentParser()
    add_fit_options(p, required=False)
    return apply_scenario(p.parse_args(["--scenario", name] + (["--store", store] if store else [])))


def _cmd_load(args: argparse.Namespace) -> int:
    fa = _fit_args(args.name, args.store)
    res = explain_result(score_transfer_fit(fa.stage, fa.origin, **fit_kwargs(fa)))
    _emit(res.table, args.out, meta=_fit_meta(res))
    return 0


# ----------------------------------------------------------------------------- rename, duplicate, delete, export, import

def _cmd_rename(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        store.rename(args.old, args.new)
    print(f"renamed {args.old!r} to {args.new!r}")
    return 0


def _cmd_duplicate(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        store.duplicate(args.name, args.new)
    print(f"copied {args.name!r} to {args.new!r}")
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        store.delete(args.name)
    print(f"deleted {args.name!r}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        path = store.export_scenario(args.name, args.file)
    print(f"wrote {path}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        rec = store.import_scenario(args.file, name=args.name, overwrite=args.overwrite)
    print(f"imported {rec.name!r}")
    return 0


# ----------------------------------------------------------------------------- compare

def _write_comparison(comparison: Any, out: str) -> Path:
    suffix = Path(out).suffix.lower()
    if suffix in (".gpkg", ".geojson"):
        if suffix == ".geojson":
            return write_vector({"difference": difference_frame(comparison, against=1)}, out, driver="GeoJSON")
        layers = {f"difference_{k}": difference_frame(comparison, against=k) for k in range(1, len(comparison.names))}
        return write_vector(layers, out)
    if suffix not in (".csv", ".json"):
        msg = f"`--out` must end in .csv or .json (the table) or .gpkg or .geojson (the difference map), got {Path(out).name!r}"
        raise PlannerError(msg)
    return _write_table(comparison.table, out, meta={"scenarios": list(comparison.names),
                                                     "differences": comparison.differences})


def _cmd_compare(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        comparison = compare_stored(store, args.names)
    base = comparison.names[0]
    print(f"baseline: {base}")
    for k, name in enumerate(comparison.names[1:], start=1):
        print(f"\n{name} against {base}\nsettings that differ:")
        for key, a, b in comparison.differences[name] or [("(none)", "", "")]:
            print(f"  {key}: {json.dumps(a, ensure_ascii=False)} -> {json.dumps(b, ensure_ascii=False)}"
                  if key != "(none)" else "  (none)")
        moved = rank_changes(comparison, against=k, top=args.top)
        print("rank changes (rank_change = places gained; status new / dropped = entered / left the ranking):")
        cols = ["adcode", f"name_{args.lang}", "rank_before", "rank_after", "rank_change", "score_diff", "status"]
        print(moved[cols].round(3).to_string(index=False) if len(moved) else "  (none)")
    for name, changes in comparison.data_changes.items():
        print(f"warning: scenario {name!r} was saved with other embedded data ({', '.join(c[0] for c in changes)})",
              file=sys.stderr)
    if args.out:
        print(f"wrote {_write_comparison(comparison, args.out)}")
    if args.html:
        report = build_comparison_report(comparison, lang=args.lang, maps=not args.no_maps, top=args.top)
        print(f"wrote {write_report_html(report, args.html)}")
    return 0


# ----------------------------------------------------------------------------- parser

def register(subparsers: Any) -> None:
    """Add ``scenario`` and its subcommands to ``subparsers`` (from :func:`cli.main.build_parser`).

    Examples
    --------
    >>> ap = argparse.ArgumentParser(prog="analysis")
    >>> register(ap.add_subparsers(dest="command"))
    >>> a = ap.parse_args(["scenario", "list", "--json", "--store", "s.sqlite"])
    >>> a.func.__name__, a.json, a.store
    ('_cmd_list', True, 's.sqlite')
    """
    sp = subparsers.add_parser("scenario", help="save, list, reopen, share and compare named scenarios",
                               description="Named scenarios in a SQLite store (--store PATH, else $GD_TEXTILE_STORE, "
                                           "else the user's data folder).")
    sub = sp.add_subparsers(dest="scenario_command", metavar="<action>", required=True)

    p = sub.add_parser("save", help="save the options of a fit under a name",
                       description="Run the fit once and save its options and files under --name. Takes the options "
                                   "of `fit`; with --scenario, starts from a saved scenario and changes what is given.")
    p.add_argument("--name", required=True, help="scenario name (at most 100 characters)")
    p.add_argument("--author", default="", help="who saved it")
    p.add_argument("--overwrite", action="store_true", help="replace a scenario of the same name")
    add_fit_options(p)  # includes --scenario and --store
    p.add_argument("--draws", type=int, default=0, help="sensitivity draws for its report (0: none)")
    p.add_argument("--seed", type=int, default=0, help="seed of the sensitivity draws")
    p.add_argument("--allocate", action="append", metavar="ORIGIN=AMOUNT", help="capacity to move, repeatable")
    p.add_argument("--room", action="append", metavar="DEST=CAP", help="room at a destination, repeatable")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of its report (default zh)")
    p.set_defaults(func=_cmd_save)

    p = sub.add_parser("list", help="list the saved scenarios")
    _store_option(p)
    p.add_argument("--json", action="store_true", help='print [{"name": ..., "stage": ..., ...}] as JSON')
    p.add_argument("--order", choices=("name", "updated"), default="name", help="by name (default) or newest first")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("show", help="print what a scenario holds and whether it still loads")
    p.add_argument("name")
    _store_option(p)
    p.add_argument("--json", action="store_true", help="print it as JSON")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser("load", help="re-run a scenario's fit (as `fit --scenario NAME`)")
    p.add_argument("name")
    _store_option(p)
    p.add_argument("--out", help="output .csv or .json; stdout CSV if omitted")
    p.set_defaults(func=_cmd_load)

    for action, helptext, args_, fn in (
            ("rename", "rename a scenario", ("old", "new"), _cmd_rename),
            ("duplicate", "copy a scenario under a new name", ("name", "new"), _cmd_duplicate),
            ("delete", "delete a scenario", ("name",), _cmd_delete),
            ("export", "write a scenario, with its files, to one JSON file", ("name", "file"), _cmd_export)):
        p = sub.add_parser(action, help=helptext)
        for a in args_:
            p.add_argument(a)
        _store_option(p)
        p.set_defaults(func=fn)

    p = sub.add_parser("import", help="check a scenario file completely, then add it to the store")
    p.add_argument("file")
    _store_option(p)
    p.add_argument("--name", default=None, help="save it under this name instead of the one in the file")
    p.add_argument("--overwrite", action="store_true", help="replace a scenario of the same name")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("compare", help="two or more scenarios side by side: settings that differ, rank changes",
                       description="Run each scenario and compare against the first: the settings that differ and "
                                   "the destinations whose rank moved most.")
    p.add_argument("names", nargs="+", metavar="NAME", help="the baseline first, then one or more others")
    _store_option(p)
    p.add_argument("--top", type=int, default=10, help="rank changes listed per scenario (default 10)")
    p.add_argument("--out", help="the full table (.csv, .json) or the difference map (.gpkg, one layer per other "
                                 "scenario; .geojson, the second against the first)")
    p.add_argument("--html", metavar="FILE", help="the baseline's report with a comparison section")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of names and the report")
    p.add_argument("--no-maps", action="store_true", help="leave the report's maps out (faster)")
    p.set_defaults(func=_cmd_compare)
