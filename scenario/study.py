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
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.allocation import allocate_capacity
from analysis.assumptions import DEFAULT_HALF_LIFE_H
from analysis.capability import load_capability, read_capability_csv
from analysis.chain import load_chain_graph
from analysis.completeness import assess_chain_completeness
from analysis.fit import score_transfer_fit
from analysis.inputs import load_fit_inputs, read_site_csv
from analysis.network import unit_cost_matrix
from analysis.notes import Note
from geo.crs import STORAGE_CRS
from geo.errors import PlannerError
from geo.io import open_user_table
from geo.upload import read_exclusion_file
from layers.evidence import load_dyeing_centres, load_transfer_parks, read_evidence_csv
from layers.places import places_for_stage
from outputs.explain import explain_result
from outputs.report import build_report
from scenario.suitability import suitability_for_fit

__all__ = [
    "destination_places",
    "run_fit",
    "StudySettings",
    "allocate_for_fit",
    "assess_transfer_completeness",
    "build_command",
    "build_study_report",
    "load_study_inputs",
    "read_exclusion_areas",
]

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class StudySettings:
    """The choices behind one study (hashable, so the app can cache on it).

    Attributes
    ----------
    stage, origin : str
        Stage id and origin adcode.
    level : {"county", "city"}
    weights : tuple of (component, weight), optional
        Normalised weights; None = the defaults.
    half_life_h : float
        Half-life of the travel-time decay (hours by road).
    network : {"road", "adjacency"}
    dyeing_parks : tuple of str
        Units the planner declares to hold a qualifying §19 dyeing park.
    candidates : {"receiving", "all"}
    exclude : tuple of str
        Excluded adcodes.
    draws, seed : int
        Sensitivity draws (0: none) and their seed.
    allocate, room : tuple of (code, amount)
        Capacity leaving each origin and room at each destination (adcode or place id).
    lang : {"zh", "en"}
    files : tuple of (option, file name)
        Input files the user supplied, e.g. ``(("--capability", "stats.csv"),)``; they are
        named in the command so it can be rerun with the same files.
    exclude_share : float
        With ``--exclude-areas``: the share of a unit's area inside that excludes it.
    transfer_to, transfer_share : str or None, float
        The move the chain-completeness "after" state shows (destination adcode, share of
        the origin's capability); None = the top-ranked destination.
    notes : tuple of str
        Assumptions made while choosing (e.g. how AHP weights were derived), carried into
        the fit's ``assumptions`` and so into the report.
    """

    stage: str
    origin: str
    level: str = "county"
    weights: tuple[tuple[str, float], ...] | None = None
    half_life_h: float = DEFAULT_HALF_LIFE_H
    network: str = "road"
    dyeing_parks: tuple[str, ...] = ()
    candidates: str = "receiving"
    exclude: tuple[str, ...] = ()
    draws: int = 0
    seed: int = 0
    allocate: tuple[tuple[str, float], ...] = ()
    room: tuple[tuple[str, float], ...] = ()
    lang: str = "zh"
    files: tuple[tuple[str, str], ...] = field(default=())
    exclude_share: float = 0.5
    transfer_to: str | None = None
    transfer_share: float = 1.0
    notes: tuple[str, ...] = ()

    @property
    def weights_dict(self) -> dict[str, float] | None:
        """The weights as a dict (None for the defaults)."""
        return dict(self.weights) if self.weights is not None else None


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

#: A user's file for a study: (CLI option, file name, path or the uploaded bytes).
StudyFile = tuple[str, str, "str | os.PathLike | bytes"]

#: Input files that replace a default of the fit: CLI option -> load_fit_inputs keyword.
INPUT_OPTIONS: dict[str, str] = {"--capability": "capability", "--od": "cost", "--site": "site", "--chain": "chain",
                                 "--evidence": "evidence"}


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
        "site": lambda src: read_site_csv(src, level=level),
        "chain": load_chain_graph,
        "evidence": read_evidence_csv,
    }
    # every file passes geo's one gate first (regular file, size cap, text, not empty), named as the planner knows it
    kw = {INPUT_OPTIONS[opt]: readers[INPUT_OPTIONS[opt]](open_user_table(opt, name, src)) for opt, name, src in files
          if opt in INPUT_OPTIONS}
    return load_fit_inputs(level=level, network=network, dyeing_parks=tuple(dyeing_parks), **kw)


def read_exclusion_areas(files: Sequence[StudyFile]) -> dict[str, gpd.GeoDataFrame]:
    """The ``--exclude-areas`` layers by file name, from a path or an upload, checked by the one validator
    (:func:`geo.upload.read_exclusion_file`), so the command line and the app refuse alike.

    Examples
    --------
    >>> import shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(113.6, 23.1, 113.8, 23.3)], crs=4326)
    >>> list(read_exclusion_areas([("--exclude-areas", "red.geojson", g.to_json().encode())]))
    ['red.geojson']
    """
    out: dict[str, gpd.GeoDataFrame] = {}
    for opt, name, src in files:
        if opt != "--exclude-areas":
            continue
        out[name] = read_exclusion_file(bytes(src) if isinstance(src, (bytes, bytearray)) else src, name)
    return out


# ----------------------------------------------------------------------------- allocation

def destination_places(stage: str) -> gpd.GeoDataFrame:
    """Named places that can receive ``stage`` in an allocation: §4/§14 places named for it, the
    receiving transfer parks that list it (§4, with area and firms where known) and, for dyeing,
    the centres with central treatment (§19).

    Columns ``id, name_zh, name_en, kind, county_adcode, city_adcode, area_km2, clause, source,
    geometry`` (WGS84 points); ``area_km2`` is empty where no area is known.

    Examples
    --------
    >>> d = destination_places("apparel")
    >>> "tp_guangqing_textile" in set(d["id"])
    True
    """
    cols = ["id", "name_zh", "name_en", "kind", "county_adcode", "city_adcode", "area_km2", "clause", "source", "geometry"]
    named = places_for_stage(stage).assign(area_km2=np.nan)
    parks = load_transfer_parks()
    listed = parks["stages"].fillna("").astype(str).str.split(";").map(lambda xs: stage in xs)
    parks = parks[listed & parks["textile"].astype(str).isin(["yes", "partial"])].assign(kind="transfer_park")
    frames = [named, parks]
    if stage == "dyeing":
        frames.append(load_dyeing_centres().assign(kind="dyeing_centre"))
    out = pd.concat([f.reindex(columns=cols) for f in frames], ignore_index=True)
    out = out[out["county_adcode"].notna() & (out["county_adcode"].astype(str) != "")]
    return gpd.GeoDataFrame(out.drop_duplicates("id"), geometry="geometry", crs=STORAGE_CRS).reset_index(drop=True)


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
