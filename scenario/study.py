"""One transfer study end to end, shared by the app and the command line.

A *study* is what a planner chose (stage, origin, weights, decay, exclusions, draws, an
allocation) and what those choices give: the chain completeness around the chosen move, the
command that reproduces it, and the report and GIS files it is handed in as. The app and
``python -m analysis report|export`` both go through here, so the two always produce the
same numbers and files.

Examples
--------
>>> s = StudySettings(stage="dyeing", origin="440118", draws=1000)
>>> build_command(s, kind="report", pdf="report.pdf")
'python -m analysis report --stage dyeing --origin 440118 --level county --half-life-h 2 --candidates receiving --draws 1000 --seed 0 --lang zh --pdf report.pdf'
"""
from __future__ import annotations

import logging
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import pandas as pd

from analysis.allocation import allocate_capacity
from analysis.capability import load_capability, read_capability_csv
from analysis.chain import load_chain_graph
from analysis.completeness import assess_chain_completeness
from analysis.exclusion import combine_exclusions
from analysis.fit import score_transfer_fit
from analysis.inputs import load_fit_inputs, read_site_csv
from analysis.network import unit_cost_matrix
from analysis.notes import Note
from geo.errors import PlannerError
from geo.io import open_user_table
from layers.evidence import read_evidence_csv
from outputs.explain import explain_result
from outputs.report import build_report
from scenario.convert import RASTER_KEYS, ScenarioStudy
from scenario.settings import INPUT_OPTIONS, StudyFile, StudySettings, destination_places
from scenario.suitability import RasterOptions, check_resolution, parse_criterion, site_from_rasters, suitability_for_fit

__all__ = [
    "run_fit",
    "allocate_for_fit",
    "assess_transfer_completeness",
    "build_command",
    "build_study_report",
    "run_scenario_fit",
    "load_study_inputs",
]

log = logging.getLogger(__name__)



def run_fit(settings: StudySettings, inputs: object | None = None, *, exclude: Sequence[str] | None = None,
            notes: Sequence[str] = ()) -> object:
    """Score, rank and explain the study's stage leaving its origin: the one fit call of the app and the CLI.

    Parameters
    ----------
    settings : StudySettings
    inputs : FitInputs, optional
        Resolved inputs (:func:`load_study_inputs`); the embedded defaults if omitted.
    exclude : sequence of str, optional
        Adcodes to exclude; ``settings.exclude`` if omitted.
    notes : sequence of str
        Assumptions made while preparing the arguments (e.g. exclusion areas), appended to
        the settings' own notes in the result.

    Examples
    --------
    >>> fit = run_fit(StudySettings(stage="dyeing", origin="440118"))
    >>> fit.stage, bool(fit.table["reason_en"].str.len().gt(0).all())
    ('dyeing', True)
    """
    return explain_result(score_transfer_fit(
        settings.stage, settings.origin, level=settings.level, weights=settings.weights_dict,
        half_life_h=settings.half_life_h, candidates=settings.candidates,
        exclude=list(settings.exclude if exclude is None else exclude), inputs=inputs,
        notes=[*settings.notes, *notes],
    ))


def _g(x: float) -> str:
    return f"{float(x):.6g}"


def build_command(
    settings: StudySettings,
    *,
    kind: Literal["report", "export"] = "report",
    html: str | None = None,
    pdf: str | None = None,
    out: str | None = None,
    fmt: str | None = None,
    crs: str | None = None,
) -> str:
    """The ``python -m analysis`` command that reproduces a study.

    Parameters
    ----------
    settings : StudySettings
    kind : {"report", "export"}
    html, pdf : str, optional
        Report outputs (``kind="report"``).
    out, fmt, crs : str, optional
        Export output, format and CRS (``kind="export"``).

    Examples
    --------
    >>> s = StudySettings(stage="apparel", origin="440118", weights=(("policy", 0.5), ("upstream", 0.5)),
    ...     allocate=(("440118", 100.0),), room=(("445281", 60.0),), files=(("--capability", "my stats.csv"),))
    >>> build_command(s, kind="export", out="all.zip", fmt="all", crs="EPSG:4547")  # doctest: +NORMALIZE_WHITESPACE
    "python -m analysis export --stage apparel --origin 440118 --level county --weights policy=0.5,upstream=0.5
    --half-life-h 2 --candidates receiving --capability 'my stats.csv' --allocate 440118=100 --room 445281=60
    --format all --crs EPSG:4547 --out all.zip"
    """
    if kind not in ("report", "export"):
        msg = f"`kind` must be 'report' or 'export', got {kind!r}"
        raise PlannerError(msg)
    s = settings
    parts = ["python", "-m", "analysis", kind, "--stage", s.stage, "--origin", s.origin, "--level", s.level]
    if s.weights is not None and "--ahp" not in dict(s.files):  # an AHP file states the weights itself
        parts += ["--weights", ",".join(f"{k}={_g(v)}" for k, v in s.weights)]
    parts += ["--half-life-h", _g(s.half_life_h), "--candidates", s.candidates]
    if s.network != "road":
        parts += ["--network", s.network]
    if s.dyeing_parks:
        parts += ["--dyeing-park", ",".join(s.dyeing_parks)]
    if s.exclude:
        parts += ["--exclude", ",".join(s.exclude)]
    for option, name in s.files:
        parts += [option, name]
    if "--exclude-areas" in dict(s.files):
        parts += ["--exclude-share", _g(s.exclude_share)]
    if kind == "report" and s.draws:
        parts += ["--draws", str(int(s.draws)), "--seed", str(int(s.seed))]
    if kind == "report" and s.transfer_to is not None:
        parts += ["--transfer-to", s.transfer_to]
    if kind == "report" and s.transfer_share != 1.0:
        parts += ["--transfer-share", _g(s.transfer_share)]
    for code, amount in s.allocate:
        parts += ["--allocate", f"{code}={_g(amount)}"]
    for code, amount in s.room:
        parts += ["--room", f"{code}={_g(amount)}"]
    if kind == "report":
        parts += ["--lang", s.lang]
        if html:
            parts += ["--html", html]
        if pdf:
            parts += ["--pdf", pdf]
    else:
        if fmt:
            parts += ["--format", fmt]
        if crs:
            parts += ["--crs", crs]
        parts += ["--out", out or "export.zip"]
    return shlex.join(parts)


def build_study_report(
    settings: StudySettings,
    fit: Any,
    *,
    sensitivity: pd.DataFrame | None = None,
    completeness: pd.DataFrame | None = None,
    allocation: Any | None = None,
    maps: bool = True,
    html: str | None = "report.html",
    pdf: str | None = "report.pdf",
    suitability: Any | None = None,
) -> Any:
    """The report of a study, with the command that reproduces exactly the parts it holds.

    Sensitivity draws and the allocation enter the command only when the report holds them.
    ``suitability`` is the surface behind the site component (a planner's rasters: pass it);
    when None, the embedded surface is shown if the fit's site came from the shipped table
    (:func:`scenario.suitability.suitability_for_fit`), and no section if it came from a CSV.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> s = StudySettings(stage="dyeing", origin="440118", draws=500)
    >>> r = build_study_report(s, score_transfer_fit("dyeing", "440118"), maps=False)
    >>> "--draws" in r.command, "--pdf report.pdf" in r.command
    (False, True)
    """
    shown = replace(
        settings,
        draws=settings.draws if sensitivity is not None else 0,
        allocate=settings.allocate if allocation is not None else (),
        room=settings.room if allocation is not None else (),
    )
    suit = suitability if suitability is not None else suitability_for_fit(fit)
    return build_report(fit, sensitivity=sensitivity, completeness=completeness, allocation=allocation,
                        lang=settings.lang, maps=maps, command=build_command(shown, kind="report", html=html, pdf=pdf),
                        suitability=suit)


# ----------------------------------------------------------------------------- input files

def load_study_inputs(files: Sequence[StudyFile], *, level: str = "county", network: str = "road",
                      dyeing_parks: Sequence[str] = ()) -> Any:
    """The fit's inputs with the user's capability, OD, site and chain files in place of the defaults.

    The same readers serve the command line (paths) and the app (uploaded bytes), so both
    accept and refuse the same files with the same messages. Files with other options are
    ignored here.

    Examples
    --------
    >>> site = b"adcode,site\\n445281,0.9\\n"
    >>> inputs = load_study_inputs([("--site", "site.csv", site)])
    >>> float(inputs.site.loc["445281"])
    0.9
    """
    readers = {
        "capability": lambda src: read_capability_csv(src, level=level),
        "cost": lambda src: unit_cost_matrix(level=level, od=src),
        "hours": lambda src: unit_cost_matrix(level=level, od=src),  # the same layout, in hours
        "site": lambda src: read_site_csv(src, level=level),
        "chain": load_chain_graph,
        "evidence": read_evidence_csv,
    }
    # every file passes geo's one gate first (regular file, size cap, text, not empty), named as the planner knows it
    kw = {INPUT_OPTIONS[opt]: readers[INPUT_OPTIONS[opt]](open_user_table(opt, name, src)) for opt, name, src in files
          if opt in INPUT_OPTIONS}
    return load_fit_inputs(level=level, network=network, dyeing_parks=tuple(dyeing_parks), **kw)


# ----------------------------------------------------------------------------- allocation

def allocate_for_fit(fit: Any, origins: Mapping[str, float], room: Mapping[str, float], *,
                     inputs: Any | None = None) -> Any:
    """Allocate ``fit.stage`` capacity: reuse ``fit`` when its origin is the only one, else score each origin.

    Other origins are scored with the fit's own weights, decay, candidates and exclusions
    (read from ``fit``), on ``inputs`` when the fit was made with user data.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> f = score_transfer_fit("dyeing", "440118")
    >>> r = allocate_for_fit(f, {"440118": 10}, {"440513": 6, "440514": 6})
    >>> float(r.flows["amount"].sum()), r.shortfall
    (10.0, 0.0)
    >>> g = allocate_for_fit(score_transfer_fit("apparel", "440105"), {"440105": 10}, {"tp_guangqing_textile": 10})
    >>> g.flows["destination"].tolist()
    ['tp_guangqing_textile']
    """
    places = destination_places(fit.stage)  # named places and receiving parks can take capacity too
    if set(map(str, origins)) == {str(fit.origin)}:
        return allocate_capacity(fit.stage, origins, room=room, fit=fit, level=fit.level, places=places)
    p = fit.params
    return allocate_capacity(fit.stage, origins, room=room, level=fit.level, weights=fit.weights,
                             half_life_h=float(p["half_life_h"]), candidates=str(p["candidates"]),
                             exclude=list(p["exclude"]), inputs=inputs, places=places)


# ----------------------------------------------------------------------------- completeness

def assess_transfer_completeness(
    fit: Any,
    *,
    capability: pd.DataFrame | None = None,
    destination: str | None = None,
    share: float = 1.0,
) -> pd.DataFrame:
    """Chain completeness by zone and by region, before and after the fit's transfer.

    The "after" state moves ``share`` of the origin's capability in the fit's stage to
    ``destination`` (default: the top-ranked eligible destination).

    Parameters
    ----------
    fit : analysis.fit.FitResult
    capability : DataFrame, optional
        Units x stages at the fit's level; the policy-derived matrix by default.
    destination : str, optional
        Adcode of the destination.
    share : float
        Share of the origin's capability that moves (0..1).

    Returns
    -------
    DataFrame
        :data:`analysis.completeness.COMPLETENESS_COLUMNS` for ``by="zone"`` then
        ``by="region"``; ``attrs["assumptions"]`` lists what the statuses rest on.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> fit = score_transfer_fit("dyeing", "440118")
    >>> c = assess_transfer_completeness(fit)
    >>> sorted(c["group_type"].unique())
    ['region', 'zone']
    """
    if not 0.0 <= float(share) <= 1.0:
        msg = f"`share` must be between 0 and 1, got {share!r}"
        raise PlannerError(msg)
    cap = capability if capability is not None else load_capability(level=fit.level)
    table = fit.table
    eligible = table[table["eligible"].astype(bool)]
    if destination is None:
        destination = str(eligible["adcode"].iloc[0]) if len(eligible) else None
    elif destination not in set(table["adcode"].astype(str)):
        msg = f"`destination` {destination!r} is not a candidate of this fit; choose one of its ranked units"
        raise PlannerError(msg)
    moves = destination is not None and float(share) > 0
    transfer = (str(fit.stage), str(fit.origin), destination, float(share)) if moves else None
    parts = [assess_chain_completeness(cap, by=by, transfer=transfer) for by in ("zone", "region")]
    out = pd.concat(parts, ignore_index=True)
    out.attrs["assumptions"] = list(parts[0].attrs.get("assumptions", []))
    if transfer:
        out.attrs["assumptions"].append(Note("completeness.after", share=float(share), stage=transfer[0],
                                             origin=transfer[1], destination=transfer[2]))
    return out


# ----------------------------------------------------------------------------- saved scenarios

def run_scenario_fit(study: ScenarioStudy) -> Any:
    """The fit of a saved study, on its own tables and exclusion areas (as ``python -m analysis fit`` runs it).

    Examples
    --------
    >>> from scenario.convert import scenario_to_study, settings_to_scenario
    >>> fit = run_scenario_fit(scenario_to_study(settings_to_scenario(
    ...     StudySettings(stage="dyeing", origin="440118"), name="a")))
    >>> fit.stage, int(fit.table["eligible"].sum()) > 0
    ('dyeing', True)
    """
    s = study.settings
    needs_inputs = any(opt in INPUT_OPTIONS for opt, _n, _d in study.files) or s.network != "road" or s.dyeing_parks
    inputs = (load_study_inputs(study.files, level=s.level, network=s.network, dyeing_parks=s.dyeing_parks)
              if needs_inputs else None)
    r = study.rasters
    if r and any(r.get(k) for k in RASTER_KEYS):  # the stage's site from the rasters, as `fit --dem ...` takes it
        options = RasterOptions(resolution_m=check_resolution(r.get("resolution") or 1000.0), dem=r.get("dem"),
                                criteria=tuple(parse_criterion(c) for c in r.get("criterion", [])))
        inputs, _ = site_from_rasters(inputs, s.stage, level=s.level, options=options)
    exclude, notes = (combine_exclusions(list(s.exclude), study.areas, level=s.level, min_share=s.exclude_share)
                      if study.areas else (list(s.exclude), []))
    return run_fit(s, inputs, exclude=exclude, notes=notes)
