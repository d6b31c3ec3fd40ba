"""The fit's inputs: defaults loaded in one place and aligned on one unit order.

:func:`load_fit_inputs` resolves everything the transfer fit reads — units, the capability
matrix ``M``, the chain weights ``W``, the cost matrix ``D``, the designations behind the
policy component and the per-unit site values — from the project's data or from what the
caller gives, checks it, and returns one :class:`FitInputs` that is passed to
:func:`analysis.fit.score_transfer_fit` (the way spopt builds a problem ``from_cost_matrix``)
instead of a dozen keyword overrides. The planner's own files are read by the readers here
(:func:`read_site_csv`) and in :mod:`analysis.capability`, :mod:`analysis.chain` and
:mod:`analysis.network`.
"""
from __future__ import annotations

import io  # noqa: F401  (the doctests read StringIO through it)
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from analysis.assumptions import DYEING_CAPACITY_FLOOR, EVIDENCE_LEVEL, NETWORKS, OD_SPEED_KMH
from analysis.capability import load_capability
from analysis.chain import chain_weight_matrix, load_chain_graph
from analysis.designations import (
    DESIGNATION_COLUMNS,
    add_planner_parks,
    designations_from_places,
    direct_designations,
    scale_dyeing_parks,
)
from analysis.network import unit_cost_matrix
from analysis.notes import Note
from analysis.partner import build_partner_links
from analysis.relatedness import compute_presence
from analysis.site_scores import resolve_site
from geo.errors import LayerValidationError, PlannerError
from geo.io import CsvSource, parse_error_text, read_csv_table
from geo.messages import join_problems
from layers.boundaries import load_boundaries
from layers.evidence import (
    evidence_presence,
    load_dyeing_centres,
    load_evidence,
    load_partners,
    load_transfer_parks,
)
from layers.places import load_places
from layers.travel import load_travel_matrix, travel_source_facts

__all__ = [
    "DESIGNATION_COLUMNS",
    "UNIT_COLUMNS",
    "FitInputs",
    "load_fit_inputs",
    "read_site_csv",
    "travel_source_note",
]

log = logging.getLogger(__name__)

Level = Literal["city", "county"]
Network = Literal["road", "adjacency"]
_PARTNER_COLUMNS = ("partner_adcode", "receiving_adcode", "receiving_county_adcodes", "round", "current",
                    "receiving_name_zh", "receiving_name_en", "partner_name_zh", "partner_name_en")
_PARK_COLUMNS = ("id", "name_zh", "name_en", "city_adcode", "county_adcode", "partner_adcode", "firms", "textile", "stages")

#: Unit columns every table of the fit carries.
UNIT_COLUMNS: tuple[str, ...] = ("adcode", "name_zh", "name_en", "city_adcode", "region")


@dataclass
class FitInputs:
    """Everything the fit needs, aligned on one unit order.

    Attributes
    ----------
    units : DataFrame
        ``adcode, name_zh, name_en, city_adcode, region``, one row per unit, in matrix order.
    capability : DataFrame
        ``M``: units x stages, >= 0 (index adcode, same order as ``units``).
    chain : DataFrame
        ``W``: stages x stages, ``W[k, s]`` = share of ``s``'s inputs from supplier ``k``.
    cost_km : ndarray
        Units x units road distance in km (``inf`` where unreachable).
    cost_hours : ndarray
        ``D``: units x units travel time in hours, the cost every decay uses.
    presence : DataFrame
        Units x stages, 1 where a designation named for the unit itself (not inherited from
        its city) or a piece of evidence shows the stage; what relatedness is computed on
        when the capability is the embedded ordinal matrix.
    partners : DataFrame
        PRD partner -> receiving pairs (:func:`layers.evidence.load_partners`).
    transfer_parks : DataFrame
        Receiving parks with partner, stages and firm counts (no geometry).
    evidence : DataFrame
        Provenance of the evidence cells (:func:`layers.evidence.evidence_presence`).
    designations : DataFrame
        ``adcode, stage, kind, value, clause, name_zh, name_en``.
    site : Series or DataFrame
        0..1 per unit (a Series: every stage alike) or units x stages (a DataFrame, columns
        in stage order): by default the zonal suitability of each stage's raster criteria
        (:mod:`analysis.site_scores`), the neutral placeholder for units of the caller's own.
    sources, assumptions : list of str
        Provenance of each input: :class:`analysis.notes.Note` sentences (free text of a
        planner's files as given).
    params : dict
        Where each input came from.
    """

    units: pd.DataFrame
    capability: pd.DataFrame
    chain: pd.DataFrame
    cost_km: np.ndarray
    designations: pd.DataFrame
    site: pd.Series
    cost_hours: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    presence: pd.DataFrame = field(default_factory=pd.DataFrame)
    partners: pd.DataFrame = field(default_factory=pd.DataFrame)
    transfer_parks: pd.DataFrame = field(default_factory=pd.DataFrame)
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame)
    partner_links: dict[str, np.ndarray] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    params: dict[str, object] = field(default_factory=dict)

    @property
    def level(self) -> str:
        """``"county"`` or ``"city"``: the analysis units these inputs are aligned on."""
        return str(self.params.get("level", "county"))

    @property
    def stages(self) -> list[str]:
        """Stage ids in column order."""
        return [str(c) for c in self.capability.columns]


def _default_units(level: Level) -> pd.DataFrame:
    return pd.DataFrame(load_boundaries(level)[list(UNIT_COLUMNS)]).reset_index(drop=True)


def _default_capability(level: Level) -> tuple[pd.DataFrame, str]:
    return load_capability(level=level), Note("source.capability")


def travel_source_note(*, path: str | os.PathLike | None = None) -> Note:
    """The travel times' source as a Note (:func:`layers.travel.travel_source_facts`; ``path``: another meta file).

    Examples
    --------
    >>> travel_source_note().params["city_seats"].code
    'travel.city_seats.geonames'
    """
    f = travel_source_facts(path=path)
    none = [Note("word.none")]
    return Note("source.travel", **{**f, "bridges": f["bridges"] or none, "bridges_zh": f["bridges_zh"] or none,
                                    "city_seats": Note(f"travel.city_seats.{f['city_seats']}")})


def _default_chain() -> tuple[pd.DataFrame, str]:
    return chain_weight_matrix(load_chain_graph()), Note("source.chain")


def _default_cost(level: Level, network: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    if network == "road":
        km = load_travel_matrix(level=level, measure="km")
        hours = load_travel_matrix(level=level, measure="hours")
        return km, hours, Note("source.cost.road", travel=travel_source_note())
    order, dist = unit_cost_matrix(level=level)
    order = [str(a) for a in order]
    km = pd.DataFrame(np.asarray(dist, dtype=float), index=order, columns=order)
    return km, km / OD_SPEED_KMH, Note("source.cost.adjacency", speed=OD_SPEED_KMH)


def _default_designations(level: Level, units: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    return designations_from_places(load_places(), units=units, level=level), Note("source.designations")


def _chain_frame(chain: pd.DataFrame | nx.DiGraph) -> pd.DataFrame:
    if isinstance(chain, nx.DiGraph):
        nodes = list(chain.nodes)
        return pd.DataFrame(nx.to_numpy_array(chain, nodelist=nodes, weight="weight"), index=nodes, columns=nodes)
    if not isinstance(chain, pd.DataFrame):
        msg = f"`chain` must be a DataFrame (supplier x customer) or a networkx DiGraph, got {type(chain).__name__}"
        raise PlannerError(msg)
    return chain


def _cost_frame(cost: pd.DataFrame | tuple[Sequence[str], np.ndarray]) -> pd.DataFrame:
    if isinstance(cost, tuple) and len(cost) == 2:
        order = [str(a) for a in cost[0]]
        return pd.DataFrame(np.asarray(cost[1], dtype=float), index=order, columns=order)
    if not isinstance(cost, pd.DataFrame):
        msg = f"`cost` must be a DataFrame (units x units km, adcode labels) or (order, matrix), got {type(cost).__name__}"
        raise PlannerError(msg)
    c = cost.copy()
    c.index = c.index.astype(str)
    c.columns = c.columns.astype(str)
    return c


def _site_code_problem(unknown: list[str], level: Level) -> Note:
    units = load_boundaries(level)
    other_level: Level = "city" if level == "county" else "county"
    wrong = [c for c in unknown if c in set(load_boundaries(other_level)["adcode"].astype(str))]
    hint = Note("error.site.other_level", codes=wrong[:5], other=other_level, level=level) if wrong else ""
    examples = ", ".join(f"{a} {n}" for a, n in units[["adcode", "name_zh"]].head(4).itertuples(index=False))
    return Note("error.site.unknown", level=level, codes=unknown[:8], more=" ..." if len(unknown) > 8 else "",
                hint=hint, examples=examples)


def read_site_csv(path: CsvSource, *, level: Level = "county") -> pd.Series:
    """Read per-unit site values (0..1) for the fit's ``site`` component from a CSV.

    The file has a header with columns ``adcode`` and ``site`` (others, e.g. a name, are
    ignored), one row per unit; ``site`` is 0 (unsuitable) .. 1 (best), e.g. a land, slope
    or flood criterion aggregated per unit. Units missing from the file are not an error:
    :func:`load_fit_inputs` gives them the neutral :data:`SITE_PLACEHOLDER` and says so in
    the fit's assumptions.

    Parameters
    ----------
    path : path, file-like or bytes
        The CSV: UTF-8 (a BOM, as spreadsheets write it, is fine) or GB18030/GBK as Excel
        saves "CSV" on a Chinese system (decoded by :func:`geo.io.read_csv_text`).
    level : {"county", "city"}
        Which adcodes are valid.

    Returns
    -------
    pandas.Series
        Float values named ``site``, indexed by adcode (str), in file order; pass it as
        ``site=`` to :func:`score_transfer_fit`.

    Raises
    ------
    PlannerError
        An unreadable file; or one :class:`~geo.errors.LayerValidationError` listing every
        problem: missing columns, unknown adcodes (with valid examples), empty or repeated
        adcodes, values that are not numbers or lie outside 0..1.

    Examples
    --------
    >>> s = read_site_csv(io.StringIO("adcode,site\\n445281,0.8\\n440513,0.25\\n"))
    >>> s.to_dict()
    {'445281': 0.8, '440513': 0.25}
    """
    if level not in ("city", "county"):
        msg = f"`level` must be 'city' or 'county', got {level!r}"
        raise PlannerError(msg)
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else "<buffer>"
    label = Note("error.site.label", file=os.path.basename(name))
    try:
        raw = read_csv_table(path, name="`path`", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = Note("error.site.unparsable", name=name, err=parse_error_text(exc))
        raise PlannerError(msg) from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    problems: list[Note] = []
    missing = [c for c in ("adcode", "site") if c not in raw.columns]
    if missing:
        problems.append(Note("error.site.columns", missing=missing, found=list(raw.columns)))
    codes = raw["adcode"].astype(str).str.strip() if "adcode" in raw.columns else pd.Series("", index=raw.index)
    rows = np.arange(1, len(raw) + 1)  # data rows, 1 = the line after the header
    if "adcode" in raw.columns:
        empty = (codes == "").to_numpy()
        if empty.any():
            problems.append(Note("error.site.no_adcode", rows=rows[empty][:8].tolist()))
        valid = set(load_boundaries(level)["adcode"].astype(str))
        unknown = list(dict.fromkeys(c for c in codes[~empty] if c not in valid))
        if unknown:
            problems.append(_site_code_problem(unknown, level))
        dup = sorted(set(codes[codes.duplicated() & (codes != "")]))
        if dup:
            problems.append(Note("error.site.dups", codes=dup[:8]))
    values = pd.Series(np.nan, index=raw.index)
    if "site" in raw.columns:
        text = raw["site"].astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce").astype(float)
        nonnum = values.isna().to_numpy() | ~np.isfinite(values.to_numpy())
        if nonnum.any():
            problems.append(Note("error.site.nonnumeric", values=text[nonnum].tolist()[:6], rows=rows[nonnum][:8].tolist()))
        out = ~nonnum & ((values < 0) | (values > 1)).to_numpy()
        if out.any():
            problems.append(Note("error.site.outside", values=values[out].tolist()[:6], rows=rows[out][:8].tolist()))
    if not len(raw) and not missing:
        problems.append(Note("error.site.no_rows"))
    if problems:
        raise LayerValidationError(problems, layer=label)
    return pd.Series(values.to_numpy(dtype=float), index=pd.Index(codes.to_numpy(), name="adcode"), name="site")


def load_fit_inputs(
    *,
    level: Level = "county",
    units: pd.DataFrame | None = None,
    capability: pd.DataFrame | None = None,
    chain: pd.DataFrame | nx.DiGraph | None = None,
    cost: pd.DataFrame | tuple[Sequence[str], np.ndarray] | None = None,
    designations: pd.DataFrame | None = None,
    site: pd.Series | pd.DataFrame | None = None,
    hours: pd.DataFrame | tuple[Sequence[str], np.ndarray] | None = None,
    network: Network = "road",
    evidence: pd.DataFrame | None = None,
    dyeing_parks: Sequence[str] = (),
    evidence_before: int | None = None,
) -> FitInputs:
    """Resolve defaults, check and align every input of the fit on one unit order.

    Anything not given comes from the project's data (boundaries, the capability matrix,
    the chain graph, the network cost matrix, the places layer); what is given is checked
    and reindexed. Problems are collected into one :class:`~geo.errors.PlannerError`.

    Examples
    --------
    >>> units = pd.DataFrame({"adcode": ["a", "b"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"],
    ...     "city_adcode": ["a", "b"], "region": ["PRD", "East"]})
    >>> cap = pd.DataFrame({"weaving": [1.0, 0.0], "dyeing": [0.0, 1.0]}, index=["a", "b"])
    >>> chain = pd.DataFrame([[0, 1.0], [0, 0]], index=["weaving", "dyeing"], columns=["weaving", "dyeing"])
    >>> cost = pd.DataFrame([[0, 30.0], [30.0, 0]], index=["a", "b"], columns=["a", "b"])
    >>> empty = pd.DataFrame(columns=["adcode", "stage", "kind", "value", "clause", "name_zh", "name_en"])
    >>> load_fit_inputs(units=units, capability=cap, chain=chain, cost=cost, designations=empty).stages
    ['weaving', 'dyeing']
    """
    if level not in ("city", "county"):
        msg = f"`level` must be 'city' or 'county', got {level!r}"
        raise PlannerError(msg)
    sources: list[str] = []
    assumptions: list[str] = []
    params: dict[str, object] = {"level": level}
    problems: list[str] = []

    if units is None:
        units_df = _default_units(level)
        sources.append(Note("source.units"))
    else:
        miss = [c for c in UNIT_COLUMNS if c not in units.columns]
        if miss:
            msg = f"`units` lacks column(s) {miss}; expected {list(UNIT_COLUMNS)}"
            raise PlannerError(msg)
        units_df = pd.DataFrame(units[list(UNIT_COLUMNS)]).astype({"adcode": str, "city_adcode": str}).reset_index(drop=True)
        sources.append(Note("source.units.user", n=len(units_df)))
    order = units_df["adcode"].tolist()

    if capability is None:
        cap, src = _default_capability(level)
        params["capability_source"] = "default (policy-derived)"
    else:
        cap, src = capability, Note("source.capability.user", rows=int(capability.shape[0]), cols=int(capability.shape[1]))
        params["capability_source"] = "user"
    sources.append(src)
    cap = cap.copy()
    cap.index = cap.index.astype(str)
    extra = sorted(set(cap.index) - set(order))
    if extra:
        problems.append(Note("error.inputs.capability_units", level=level, codes=extra[:5]))
    vals = cap.apply(pd.to_numeric, errors="coerce")
    if vals.isna().any().any() or (vals < 0).any().any():
        problems.append(Note("error.inputs.capability_values"))
    absent = [a for a in order if a not in set(cap.index)]
    if absent:
        assumptions.append(Note("capability.missing", n=len(absent)))
    stages = [str(c) for c in cap.columns]

    if chain is None:
        ch, src = _default_chain()
        params["chain_source"] = "default"
    else:
        ch, src = _chain_frame(chain), Note("source.chain.user")
        params["chain_source"] = "user"
    sources.append(src)
    ch = _chain_frame(ch).copy()
    ch.index = ch.index.astype(str)
    ch.columns = ch.columns.astype(str)
    unknown = sorted((set(ch.index) | set(ch.columns)) - set(stages))
    if unknown:
        problems.append(Note("error.inputs.chain_stages", unknown=unknown, stages=stages))

    if network not in NETWORKS:
        msg = f"`network` must be one of {list(NETWORKS)}, got {network!r}; 'road' is the default"
        raise PlannerError(msg)
    if cost is None and hours is None:
        cst, hrs, src = _default_cost(level, network)
        params["cost_source"] = network
    else:
        cst = _cost_frame(cost) if cost is not None else None
        hrs = _cost_frame(hours) if hours is not None else None
        if hrs is None:
            hrs = cst / OD_SPEED_KMH
            assumptions.append(Note("cost.km_only", speed=OD_SPEED_KMH))
        if cst is None:
            cst = hrs * OD_SPEED_KMH
            assumptions.append(Note("cost.hours_only", speed=OD_SPEED_KMH))
        src = Note("source.cost.user")
        params["cost_source"] = "user"
    sources.append(src)
    for label, frame in (("cost", cst), ("hours", hrs)):
        lacking = [a for a in order if a not in set(frame.index) or a not in set(frame.columns)]
        if lacking:
            problems.append(Note("error.inputs.cost_units", label=label, codes=lacking[:5], n=len(lacking)))

    if designations is None:
        des, src = _default_designations(level, units_df)
        des = scale_dyeing_parks(des, load_dyeing_centres())
        params["designations_source"] = "default (places layer)"
        assumptions.append(Note("dyeing.capacity", floor=DYEING_CAPACITY_FLOOR, rest=1 - DYEING_CAPACITY_FLOOR))
    else:
        des, src = designations, Note("source.designations.user", n=len(designations))
        params["designations_source"] = "user"
    sources.append(src)
    miss = [c for c in DESIGNATION_COLUMNS if c not in des.columns]
    if miss:
        problems.append(Note("error.inputs.designation_columns", missing=miss, expected=list(DESIGNATION_COLUMNS)))

    site_s, site_src, site_notes, site_problems, params["site_source"] = resolve_site(
        site, order, stages, level=level, own_units=units is None)
    sources += site_src
    assumptions += site_notes
    problems += site_problems

    if problems:
        msg = Note("error.inputs", problems=join_problems(problems))
        raise PlannerError(msg)

    cap = vals.reindex(index=order, columns=stages).fillna(0.0).astype(float)
    ch = ch.reindex(index=stages, columns=stages).fillna(0.0).astype(float)
    d = _square(cst, order, "cost", "km")
    h = _square(hrs, order, "hours", "hours")
    des = pd.DataFrame(des[list(DESIGNATION_COLUMNS)]).copy()
    des["adcode"] = des["adcode"].astype(str)
    des["value"] = pd.to_numeric(des["value"], errors="coerce")
    bad_stage = sorted(set(des["stage"]) - set(stages))
    if bad_stage:
        log.info("designations for stage(s) %s not in the capability matrix are ignored", bad_stage)
    des = des[des["adcode"].isin(set(order)) & des["stage"].isin(set(stages))]
    if des["value"].isna().any() or ((des["value"] < 0) | (des["value"] > 1)).any():
        msg = "`designations` column 'value' must hold numbers in 0..1"
        raise PlannerError(msg)
    des = add_planner_parks(des.reset_index(drop=True), dyeing_parks, order, assumptions)
    default_world = units is None
    if capability is None and default_world:
        ev = load_evidence() if evidence is None else evidence
        tiers, prov = evidence_presence(ev, units=units_df, level=level, before=evidence_before)
        tiers = tiers.reindex(index=order, columns=stages).fillna(0)
        cap = np.maximum(cap, tiers.replace(EVIDENCE_LEVEL).astype(float))  # the larger, never the sum
        presence = (direct_designations(des, order, stages) | (tiers > 0)).astype(float)
        sources.append(Note("source.evidence.user" if evidence is not None else "source.evidence", n=len(prov)))
        params["relatedness_basis"] = "presence"
    else:
        prov = pd.DataFrame()
        presence = pd.DataFrame(compute_presence(cap.to_numpy()), index=order, columns=stages)
        params["relatedness_basis"] = "magnitudes"
    partners = load_partners() if default_world else pd.DataFrame(columns=_PARTNER_COLUMNS)
    parks = pd.DataFrame(load_transfer_parks().drop(columns="geometry")) if default_world else pd.DataFrame(columns=_PARK_COLUMNS)
    if evidence_before is not None:  # a backtest: only what was known before the move
        partners = partners[pd.to_numeric(partners["round"], errors="coerce") < int(evidence_before)]
        # pairs in force before the move: every industrial or comprehensive pairing of an earlier round
        partners = partners.assign(current=partners["scope"].astype(str).isin(["industrial", "comprehensive"]))
        parks = parks.iloc[:0]
        assumptions.append(Note("backtest", year=int(evidence_before)))
    if default_world:
        sources.append(Note("source.partners"))
    links = build_partner_links(units_df, stages, partners, parks)
    return FitInputs(units_df, cap, ch, d, des, site_s, h, presence, partners, parks, prov, links,
                     sources, assumptions, params)


def _square(frame: pd.DataFrame, order: list[str], label: str, unit: str) -> np.ndarray:
    d = frame.loc[order, order].to_numpy(dtype=float)
    d = np.where(np.isnan(d), np.inf, d)
    if (d < 0).any():
        msg = f"`{label}` has negative values; travel cost must be >= 0 {unit} (use inf or empty for unreachable)"
        raise PlannerError(msg)
    np.fill_diagonal(d, 0.0)
    return d
