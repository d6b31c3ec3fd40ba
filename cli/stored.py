"""A saved scenario behind the fit options: ``--scenario NAME --store PATH`` on fit, report, export and others.

:func:`apply_scenario` runs right after parsing (:class:`cli.options._Parser`): it loads the
scenario, checks that what it names still exists, and fills every fit option the command
line left at its default with the scenario's value. Options given on the command line win,
so ``report --scenario A --half-life-h 4`` is scenario A with a slower decay. The scenario's
tables travel as bytes (``args.scenario_files``), its exclusion areas as GeoDataFrames
(``args.scenario_areas``) and its weights exactly as saved (``args.scenario_weights``), so
nothing is written to disk and the fit is the one ``fit`` gives on the same files.

Without ``--scenario`` it only checks that ``--stage`` (and ``--origin``) were given.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from analysis.assumptions import DEFAULT_HALF_LIFE_H
from geo.errors import PlannerError
from scenario.convert import ScenarioStudy, scenario_to_study
from scenario.store import open_store

__all__ = ["apply_scenario", "load_study", "warn_data_changes"]

log = logging.getLogger(__name__)

#: File options and the argparse attribute each is held in.
_FILE_DESTS = {"--ahp": "ahp", "--capability": "capability", "--od": "od", "--od-hours": "od_hours", "--site": "site",
               "--chain": "chain", "--evidence": "evidence"}


def load_study(name: str, store: str | os.PathLike | None) -> ScenarioStudy:
    """The study of scenario ``name`` in the store at ``store`` (None: ``$GD_TEXTILE_STORE`` or the default)."""
    with open_store(store) as s:
        record = s.get(name)
    return scenario_to_study(record)


def warn_data_changes(study: ScenarioStudy) -> None:
    """Say on stderr which embedded datasets changed since the scenario was saved (the numbers may differ)."""
    if study.data_changes:
        names = ", ".join(d for d, _saved, _now in study.data_changes)
        print(f"warning: scenario {study.name!r} was saved with other versions of the embedded data ({names}); "
              "its results may differ from when it was saved", file=sys.stderr)


def _unset(value: Any, default: Any) -> bool:
    return value is None or value == [] or value == default


def apply_scenario(args: argparse.Namespace) -> argparse.Namespace:
    """Fill the fit options of ``args`` from ``args.scenario`` (when given); check the required ones.

    Raises
    ------
    PlannerError
        A required option is missing and no scenario was given, or the scenario cannot be
        loaded (no such name, a damaged store, names that no longer exist).

    Examples
    --------
    >>> apply_scenario(argparse.Namespace(scenario=None, stage=None, origin="440118", fit_needs=("stage",)))
    Traceback (most recent call last):
    geo.errors.PlannerError: the following arguments are required: --stage (or --scenario NAME to take them from a saved scenario)
    """
    name = getattr(args, "scenario", None)
    if not name:
        missing = [f"--{a.replace('_', '-')}" for a in getattr(args, "fit_needs", ()) if getattr(args, a, None) is None]
        if missing:
            msg = (f"the following arguments are required: {', '.join(missing)} "
                   "(or --scenario NAME to take them from a saved scenario)")
            raise PlannerError(msg)
        return args
    study = load_study(name, getattr(args, "store", None))
    warn_data_changes(study)
    s = study.settings
    values: dict[str, tuple[Any, Any]] = {  # attribute -> (its default on the command line, the scenario's value)
        "stage": (None, s.stage), "origin": (None, s.origin), "level": ("county", s.level),
        "half_life_h": (DEFAULT_HALF_LIFE_H, s.half_life_h), "network": ("road", s.network),
        "candidates": ("receiving", s.candidates), "exclude": ([], list(s.exclude)),
        "dyeing_park": ([], list(s.dyeing_parks)), "exclude_share": (0.5, s.exclude_share),
        "draws": (0, s.draws), "seed": (0, s.seed), "lang": ("zh", s.lang), "transfer_to": (None, s.transfer_to),
        "transfer_share": (1.0, s.transfer_share),
        "allocate": (None, [f"{c}={a!r}" for c, a in s.allocate] or None),
        "room": (None, [f"{c}={a!r}" for c, a in s.room] or None),
        "dem": (None, study.rasters.get("dem")), "criterion": ([], list(study.rasters.get("criterion", []))),
        "resolution": (None, study.rasters.get("resolution")),
    }
    for attr, (default, value) in values.items():
        if hasattr(args, attr) and _unset(getattr(args, attr), default):
            setattr(args, attr, value)
    own_weights = bool(getattr(args, "weights", None) or getattr(args, "ahp", None))
    if not own_weights and s.weights is not None:
        args.scenario_weights = dict(s.weights)
        args.weights = ",".join(f"{k}={v!r}" for k, v in s.weights)  # what commands built from args show
    args.scenario_notes = [] if own_weights else list(s.notes)
    args.scenario_files = [(opt, n, data) for opt, n, data in study.files
                           if getattr(args, _FILE_DESTS.get(opt, ""), None) is None and not (opt == "--ahp" and own_weights)]
    args.scenario_areas = {} if getattr(args, "exclude_areas", None) else dict(study.areas)
    return args
