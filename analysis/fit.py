"""Transfer fit: where a supply-chain stage leaving a PRD unit fits best, and why.

For stage ``s`` leaving origin ``o``, every candidate unit ``d`` gets six components in 0..1
(DESIGN.md "The model", §4 of the notice):

``upstream``
    ``sum_k w(k->s) sum_v M[v,k] decay(D[d,v]) / sum_k w(k->s) sum_v M[v,k]`` — the share of
    the province's supply of what ``s`` buys, weighted by the chain coefficients, that lies
    within decay reach of ``d``. The scale is fixed by the data (the province's total supply),
    not by the candidate set: 1 would mean every supplier sits in ``d`` itself. Adding supply
    at ``d`` (or anywhere with ``decay(D[d,v])`` at least ``d``'s current access) never lowers
    it. A stage with no suppliers in the chain graph (fibre) has upstream 0 everywhere.
``downstream``
    The same over the customers ``j`` of ``s``, weighted by ``w(s->j)``.
``relatedness``
    Density of ``s`` at ``d`` (Hidalgo et al. 2007, :mod:`analysis.relatedness`) from ``M``.
``origin_tie``
    ``decay(D[d,o])``: the PRD keeps the high-end links (§4), so distance to them costs.
``policy``
    Graded designation of ``d`` for ``s`` by a park, base, cluster, city title or dyeing park
    of the notice (:data:`POLICY_GRADES`, an assumption), with the clause cited.
``site``
    Zonal suitability of the stage's raster criteria per unit (:mod:`analysis.site_scores`,
    built by ``scripts/build_site_scores.py``; a planner's rasters or per-unit values replace
    it), units x stages in 0..1; the neutral 0.5 for units of the caller's own.

``decay(km) = exp(-km / half_life_h)`` (exponential, ``half_life_h`` = 60 km by default, an
assumption). Constraints are not scores: dyeing goes only where a dyeing park with central
treatment exists (§19), and user exclusions remove units; both keep the row with
``eligible=False`` and an ``excluded_reason``. ``score = sum_c weight_c * component_c`` over
eligible units; ``rank`` 1 is best, ties broken by ascending adcode.

All components of all stages come from a handful of matrix products over the decayed cost
matrix (:func:`compute_fit_components`), so :func:`score_all_stages` costs little more than
one stage.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from analysis.assumptions import (
    COMPONENTS,
    DEFAULT_HALF_LIFE_H,
    DEFAULT_WEIGHTS,
    HALF_LIFE_RANGE_H,
    SITE_PLACEHOLDER,
    STAGE_CONSTRAINTS,
)
from analysis.inputs import UNIT_COLUMNS, FitInputs, load_fit_inputs
from analysis.partner import partner_matrix
from analysis.provenance import fit_assumptions, fit_sources
from analysis.relatedness import compute_density, compute_proximity, relatedness_density
from analysis.weights import normalise_weights
from geo.errors import PlannerError, UnknownNameError
from layers.boundaries import lookup_unit

__all__ = [
    "TABLE_COLUMNS",
    "FitResult",
    "compute_fit_components",
    "score_transfer_fit",
    "score_all_stages",
]

log = logging.getLogger(__name__)

Level = Literal["city", "county"]
Candidates = Literal["receiving", "all"]

#: Columns of :attr:`FitResult.table`, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "adcode", "name_zh", "name_en", "city_adcode", "region", *COMPONENTS,
    "eligible", "excluded_reason", "excluded_reason_zh", "tier", "score", "rank", "origin_km", "origin_hours",
    "policy_clauses", "reason_zh", "reason_en",
)
#: ``tier`` values: units with evidence for the stage are ranked before units with none.
TIERS: tuple[str, ...] = ("evidence", "no_evidence")


@dataclass
class FitResult:
    """Ranked fit of one stage leaving one origin (:func:`outputs.explain.explain_result` writes its reasons).

    Attributes
    ----------
    table : DataFrame
        One row per candidate unit sorted by rank (ineligible rows last, by adcode), with
        exactly :data:`TABLE_COLUMNS`.
    stage, origin, level : str
    weights : dict of str -> float
        Normalised component weights used.
    params : dict
        ``half_life_h``, ``candidates``, ``exclude`` and the source of each input.
    assumptions : list of str
        Every default or placeholder the numbers rest on.
    sources : list of str
        Datasets with versions, clauses and references.
    evidence : DataFrame
        The industry evidence rows (``data/model/evidence.csv`` or the planner's) behind the
        stage's presence at the candidate units: adcode, tier, measure, value, unit, year,
        source, quality — what each result rests on besides the designations.
    details : DataFrame
        Per table row: what the explanations name (top supplier/customer stage and the
        nearest km, distance to origin, designation names). Not part of ``table``.
    """

    table: pd.DataFrame
    stage: str
    origin: str
    level: str
    weights: dict[str, float]
    params: dict[str, object]
    assumptions: list[str]
    sources: list[str]
    details: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def top(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` best eligible rows."""
        return self.table[self.table["eligible"]].head(n)


# ----------------------------------------------------------------------------- core math


def _decay(hours: np.ndarray, half_life_h: float) -> np.ndarray:
    """``0.5 ** (hours / half_life_h)``: 1 at the unit itself, a half at one half-life, 0 if unreachable."""
    h = np.asarray(hours, dtype=float)
    if np.isnan(h).any() or (h < 0).any():
        msg = "travel times must be >= 0 hours (inf for unreachable); got NaN or negative values"
        raise PlannerError(msg)
    return np.exp2(-h / half_life_h)


def compute_fit_components(
    capability: np.ndarray,
    chain: np.ndarray,
    cost_hours: np.ndarray,
    *,
    origin_index: int,
    half_life_h: float = DEFAULT_HALF_LIFE_H,
    policy: np.ndarray | None = None,
    site: np.ndarray | None = None,
    partner: np.ndarray | None = None,
    presence: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Every component of every stage at every unit, as units x stages arrays.

    Parameters
    ----------
    capability : ndarray, shape (u, s)
        ``M``, non-negative.
    chain : ndarray, shape (s, s)
        ``W[k, s]`` = share of ``s``'s inputs from ``k``.
    cost_hours : ndarray, shape (u, u)
        ``D``, non-negative hours by road, ``inf`` for unreachable pairs.
    origin_index : int
        Row of the origin in ``M`` / ``D``.
    half_life_h : float
        Half-life of the decay ``0.5 ** (hours / half_life_h)``.
    policy : ndarray, shape (u, s), optional
        Policy values in 0..1 (zeros if omitted).
    site : ndarray, shape (u,) or (u, s), optional
        Site values in 0..1: per unit (every stage alike) or per unit and stage (0.5 if omitted).
    partner : ndarray, shape (u, s), optional
        Partner values in 0..1 (zeros if omitted).
    presence : ndarray, shape (u, s), optional
        Binary presence for relatedness; if omitted, presence is ``RCA >= 1`` of ``capability``.

    Returns
    -------
    dict of str -> ndarray (u, s)
        Keys :data:`analysis.weights.COMPONENTS`.

    Examples
    --------
    >>> M = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> W = np.array([[0.0, 1.0], [0.0, 0.0]])   # stage 0 supplies stage 1
    >>> D = np.array([[0.0, 2.0], [2.0, 0.0]])   # hours
    >>> c = compute_fit_components(M, W, D, origin_index=0)
    >>> float(c["upstream"][1, 1])   # all supply of stage 0 is one half-life (2 h) away
    0.5
    >>> site = np.array([[0.2, 0.9], [0.4, 0.1]])   # per unit and stage, e.g. raster suitability
    >>> compute_fit_components(M, W, D, origin_index=0, site=site)["site"][:, 1].tolist()
    [0.9, 0.1]
    """
    m = np.asarray(capability, dtype=float)
    w = np.asarray(chain, dtype=float)
    k = _decay(cost_hours, half_life_h)
    km_ = k @ m  # decay-weighted supply of each stage around each unit
    total = m.sum(axis=0)
    up_raw, up_tot = km_ @ w, total @ w
    dn_raw, dn_tot = km_ @ w.T, total @ w.T
    upstream = np.zeros_like(up_raw)
    np.divide(up_raw, up_tot[None, :], out=upstream, where=up_tot[None, :] > 0)
    downstream = np.zeros_like(dn_raw)
    np.divide(dn_raw, dn_tot[None, :], out=downstream, where=dn_tot[None, :] > 0)
    u, s = m.shape
    tie = np.broadcast_to(k[:, origin_index][:, None], (u, s))
    pol = np.zeros((u, s)) if policy is None else np.asarray(policy, dtype=float)
    sit = np.full(u, SITE_PLACEHOLDER) if site is None else np.asarray(site, dtype=float)
    if sit.shape not in ((u,), (u, s)):
        msg = f"`site` must have shape ({u},) or ({u}, {s}) (units x stages), got {sit.shape}"
        raise PlannerError(msg)
    par = np.zeros((u, s)) if partner is None else np.asarray(partner, dtype=float)
    if presence is None:
        rel = np.asarray(relatedness_density(m))
    else:  # binary presence from designations and evidence: no RCA on ordinal grades
        p = np.asarray(presence, dtype=float)
        rel = np.asarray(compute_density(p, compute_proximity(p)))
    return {
        "upstream": np.clip(upstream, 0.0, 1.0),
        "downstream": np.clip(downstream, 0.0, 1.0),
        "relatedness": rel,
        "origin_tie": tie,
        "partner": par,
        "policy": pol,
        "site": np.broadcast_to(sit[:, None] if sit.ndim == 1 else sit, (u, s)),
    }


# ----------------------------------------------------------------------------- scoring


def _resolve_origin(origin: str, inputs: FitInputs, level: Level) -> int:
    order = inputs.units["adcode"].tolist()
    q = str(origin).strip()
    if q in order:
        return order.index(q)
    hit = inputs.units.index[(inputs.units["name_zh"] == q) | (inputs.units["name_en"].str.lower() == q.lower())]
    if len(hit) == 1:
        return int(hit[0])
    try:
        code = str(lookup_unit(q, level=level)["adcode"])
    except UnknownNameError as exc:
        msg = f"`origin` {origin!r}: {exc}"
        raise UnknownNameError(msg) from None
    if code in order:
        return order.index(code)
    msg = f"`origin` {origin!r} ({code}) is not among the {level} units of this run; pass one of their adcodes"
    raise UnknownNameError(msg)


def _site_matrix(inputs: FitInputs) -> np.ndarray:
    """The site values as (u,) or, per stage, (u, s) in the inputs' stage order."""
    site = inputs.site
    if isinstance(site, pd.DataFrame):
        return site.reindex(columns=inputs.stages).fillna(SITE_PLACEHOLDER).to_numpy(dtype=float)
    return site.to_numpy(dtype=float)


def _policy_matrix(inputs: FitInputs) -> tuple[np.ndarray, pd.DataFrame]:
    order = inputs.units["adcode"].tolist()
    stages = inputs.stages
    des = inputs.designations
    pol = np.zeros((len(order), len(stages)))
    if len(des):
        best = des.sort_values("value", ascending=False).groupby(["adcode", "stage"], sort=False)["value"].max()
        pos_u = {a: i for i, a in enumerate(order)}
        pos_s = {s: j for j, s in enumerate(stages)}
        ii = best.index.get_level_values(0).map(pos_u).to_numpy(dtype=int)
        jj = best.index.get_level_values(1).map(pos_s).to_numpy(dtype=int)
        pol[ii, jj] = best.to_numpy(dtype=float)
    return pol, des


def _check_options(half_life_h: float, candidates: str, weights: Mapping[str, float] | None) -> dict[str, float]:
    lo, hi = HALF_LIFE_RANGE_H
    if not (isinstance(half_life_h, (int, float)) and np.isfinite(half_life_h) and lo <= half_life_h <= hi):
        msg = (f"`half_life_h` must be a number of hours from {lo:g} to {hi:g}, got {half_life_h!r}; "
               f"{DEFAULT_HALF_LIFE_H:g} is the default")
        raise PlannerError(msg)
    if candidates not in ("receiving", "all"):
        msg = f"`candidates` must be 'receiving' (East, West, North only) or 'all', got {candidates!r}"
        raise PlannerError(msg)
    return normalise_weights(DEFAULT_WEIGHTS if weights is None else weights)


def _check_stage(stage: str, inputs: FitInputs) -> int:
    if stage not in inputs.stages:
        msg = f"`stage` {stage!r} is unknown; use one of {inputs.stages}"
        raise UnknownNameError(msg)
    return inputs.stages.index(stage)


def _check_exclude(exclude: Sequence[str], inputs: FitInputs) -> np.ndarray:
    order = inputs.units["adcode"].tolist()
    ex = [str(e).strip() for e in exclude]
    unknown = [e for e in ex if e not in set(order)]
    if unknown:
        msg = f"`exclude` has code(s) {unknown} that are not {inputs.params.get('level', '')} units; use 6-digit adcodes such as 445281"
        raise UnknownNameError(msg)
    return np.isin(np.asarray(order), ex)


@dataclass
class _Shared:
    """What every stage's table shares for one origin: computed once per fit call."""

    idx: np.ndarray  # candidate rows of the unit order
    base: dict[str, np.ndarray]  # unit columns of the candidates
    supply: np.ndarray  # (cand, stages): decay-weighted capability around each candidate
    near: np.ndarray  # (cand, stages): km to the nearest unit with the stage (inf if none)
    origin_km: np.ndarray  # (cand,)
    origin_hours: np.ndarray  # (cand,)
    partner_kind: np.ndarray  # (cand, stages): what gave the partner value
    partner_name: np.ndarray  # (cand, stages): "zh|en[|firms]"
    evidence: np.ndarray  # (cand, stages): bool, the unit has evidence bearing on the stage
    clauses: dict[tuple[str, str], str]  # (adcode, stage) -> "§19; §4"
    best: dict[tuple[str, str], tuple[str, str, str, str]]  # (adcode, stage) -> kind, zh, en, clause
    allowed: dict[str, set[str]]  # constrained stage -> adcodes holding the required kind
    excluded: np.ndarray  # (cand,) user exclusions


def _prepare_shared(
    inputs: FitInputs, origin_idx: int, candidates: str, excluded_mask: np.ndarray, des: pd.DataFrame, half_life_h: float,
    policy: np.ndarray, partner: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> _Shared:
    units = inputs.units
    cand = np.ones(len(units), bool)
    cand[origin_idx] = False
    if candidates == "receiving":
        cand &= (units["region"] != "PRD").to_numpy()
    idx = np.flatnonzero(cand)
    d = inputs.cost_km[idx]
    m = inputs.capability.to_numpy()
    supply = _decay(inputs.cost_hours[idx], half_life_h) @ m
    present = m > 0
    # nearest unit holding each stage: (cand, units, 1) vs (1, units, stages) reduced over units
    near = np.where(present[None, :, :], d[:, :, None], np.inf).min(axis=1) if len(idx) else np.zeros((0, m.shape[1]))
    pos = des[des["value"] > 0]
    clauses = {k: "; ".join(sorted(set(map(str, v)))) for k, v in pos.groupby(["adcode", "stage"])["clause"]}
    best_rows = pos.sort_values(["value", "kind"], ascending=[False, True]).drop_duplicates(["adcode", "stage"])
    best = {
        (a, st): (str(k), str(zh), str(en), str(c))
        for a, st, k, zh, en, c in zip(best_rows["adcode"], best_rows["stage"], best_rows["kind"],
                                       best_rows["name_zh"], best_rows["name_en"], best_rows["clause"], strict=True)
    }
    allowed = {st: set(pos.loc[(pos["stage"] == st) & (pos["kind"] == rule[0]), "adcode"])
               for st, rule in STAGE_CONSTRAINTS.items()}
    base = {c: units[c].to_numpy()[idx] for c in UNIT_COLUMNS}
    pval, pkind, pname = partner
    if inputs.params.get("relatedness_basis") == "presence":
        present_here = inputs.presence.to_numpy(dtype=float)[idx] > 0
    else:
        present_here = m[idx] > 0
    w = inputs.chain.to_numpy()
    linked = ((w + w.T) > 0).astype(float)  # stages that buy from or sell to each stage
    related_here = (present_here.astype(float) @ linked) > 0
    evidence = (policy[idx] > 0) | (pval[idx] > 0) | present_here | related_here
    return _Shared(idx, base, supply, near, inputs.cost_km[idx, origin_idx], inputs.cost_hours[idx, origin_idx],
                   pkind[idx], pname[idx], evidence, clauses, best, allowed, excluded_mask[idx])


def _build_tables(
    inputs: FitInputs,
    comps: dict[str, np.ndarray],
    js: Sequence[int],
    weights: dict[str, float],
    sh: _Shared,
    half_life_h: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long table (``stage`` + TABLE_COLUMNS) and details for stages ``js``, built in one go.

    Arrays are laid out stage-major (all candidates of the first stage, then the next), so
    one ``lexsort`` ranks every stage at once and one DataFrame holds every row.
    """
    stages = inputs.stages
    js = np.asarray(js, dtype=int)
    n, ns = len(sh.idx), len(js)
    adc = sh.base["adcode"].astype(str)
    comp = np.stack([comps[c][sh.idx][:, js].T for c in COMPONENTS], axis=-1)  # (ns, n, C)
    w = np.array([weights[c] for c in COMPONENTS])
    eligible = np.broadcast_to(~sh.excluded, (ns, n)).copy()
    why = np.full((ns, n), "", dtype=object)  # a code; outputs.explain puts it into words
    for si, j in enumerate(js):  # constrained stages only (dyeing, §19)
        st = stages[j]
        if st in STAGE_CONSTRAINTS:
            bad = ~np.isin(adc, list(sh.allowed.get(st, ())))
            eligible[si] &= ~bad
            why[si, bad] = f"constraint.{st}"
    why[:, sh.excluded] = "user"
    score = np.where(eligible, comp @ w, np.nan)
    # rank within each stage: descending score, ties by ascending adcode, ineligible last
    # (lexsort: the last key is primary)
    key = np.where(eligible, -np.nan_to_num(score, nan=0.0), np.inf)
    has_ev = sh.evidence[:, js].T  # (ns, n)
    tier_key = np.where(eligible, np.where(has_ev, 0, 1), 2)  # evidence, no evidence, ineligible
    stage_pos = np.repeat(np.arange(ns), n)
    ordr = np.lexsort((np.tile(adc, ns), key.ravel(), tier_key.ravel(), stage_pos))
    rank_sorted = np.arange(ns * n) % max(n, 1) + 1
    elig_flat = eligible.ravel()

    chain = inputs.chain.to_numpy()
    w_in = chain[:, js].T  # (ns, stages): suppliers of each stage
    w_out = chain[js, :]  # (ns, stages): customers of each stage
    top_sup = np.argmax(sh.supply[None, :, :] * w_in[:, None, :], axis=2)  # (ns, n)
    top_cus = np.argmax(sh.supply[None, :, :] * w_out[:, None, :], axis=2)
    st_arr = np.array(stages, dtype=object)
    rows = np.broadcast_to(np.arange(n), (ns, n))
    stage_names = st_arr[js][stage_pos]
    adc_flat = np.tile(adc, ns)
    best = [sh.best.get(k, ("", "", "", "")) for k in zip(adc_flat, stage_names, strict=True)]
    clauses = [sh.clauses.get(k, "") for k in zip(adc_flat, stage_names, strict=True)]

    cols: dict[str, object] = {"stage": stage_names}
    cols.update({c: np.tile(sh.base[c], ns) for c in UNIT_COLUMNS})
    cols.update({c: comp[:, :, i].ravel() for i, c in enumerate(COMPONENTS)})
    cols.update({"eligible": elig_flat, "excluded_reason": why.ravel(), "excluded_reason_zh": "",
                 "tier": np.where(has_ev, TIERS[0], TIERS[1]).ravel(), "score": score.ravel()})
    table = pd.DataFrame(cols).iloc[ordr].reset_index(drop=True)
    table["rank"] = pd.array(np.where(elig_flat[ordr], rank_sorted, np.nan), dtype="Int64")
    table["origin_km"] = np.tile(sh.origin_km, ns)[ordr]
    table["origin_hours"] = np.tile(sh.origin_hours, ns)[ordr]
    table["policy_clauses"] = np.asarray(clauses, dtype=object)[ordr]
    details = pd.DataFrame({
        "adcode": adc_flat,
        "stage": stage_names,
        "supplier": np.where(np.take_along_axis(w_in, top_sup, 1) > 0, st_arr[top_sup], "").ravel(),
        "supplier_km": sh.near[rows, top_sup].ravel(),
        "customer": np.where(np.take_along_axis(w_out, top_cus, 1) > 0, st_arr[top_cus], "").ravel(),
        "customer_km": sh.near[rows, top_cus].ravel(),
        "origin_km": np.tile(sh.origin_km, ns),
        "origin_hours": np.tile(sh.origin_hours, ns),
        "partner_kind": sh.partner_kind[:, js].T.ravel(),
        "partner_name": sh.partner_name[:, js].T.ravel(),
        "policy_kind": [b[0] for b in best],
        "policy_name_zh": [b[1] for b in best],
        "policy_name_en": [b[2] for b in best],
        "policy_clause": [b[3] for b in best],
    }).iloc[ordr].reset_index(drop=True)
    table["reason_zh"] = ""  # written by outputs.explain.explain_result
    table["reason_en"] = ""
    return table[["stage", *TABLE_COLUMNS]], details


def _run(
    origin: str, stages: Sequence[str] | None, inputs: FitInputs | None, *, level: Level,
    weights: Mapping[str, float] | None, half_life_h: float, candidates: str, exclude: Sequence[str],
) -> tuple[FitInputs, int, dict[str, float], pd.DataFrame, pd.DataFrame]:
    """The one scoring pipeline: resolve, check, compute every component once, and rank ``stages``."""
    w = _check_options(half_life_h, candidates, weights)
    if inputs is None:
        inputs = load_fit_inputs(level=level)
    js = [_check_stage(s, inputs) for s in (inputs.stages if stages is None else stages)]
    o = _resolve_origin(origin, inputs, inputs.level)
    ex = _check_exclude(exclude, inputs)
    pol, des = _policy_matrix(inputs)
    partner = partner_matrix(inputs.partner_links, inputs.units, len(inputs.stages), o)
    presence = inputs.presence.to_numpy(dtype=float) if inputs.params.get("relatedness_basis") == "presence" else None
    comps = compute_fit_components(
        inputs.capability.to_numpy(), inputs.chain.to_numpy(), inputs.cost_hours,
        origin_index=o, half_life_h=half_life_h, policy=pol, site=_site_matrix(inputs),
        partner=partner[0], presence=presence,
    )
    shared = _prepare_shared(inputs, o, candidates, ex, des, half_life_h, pol, partner)
    long, details = _build_tables(inputs, comps, js, w, shared, half_life_h)
    return inputs, o, w, long, details


def score_transfer_fit(
    stage: str,
    origin: str,
    *,
    inputs: FitInputs | None = None,
    level: Level = "county",
    weights: Mapping[str, float] | None = None,
    half_life_h: float = DEFAULT_HALF_LIFE_H,
    candidates: Candidates = "receiving",
    exclude: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> FitResult:
    """Score and rank every candidate unit for stage ``stage`` leaving ``origin``.

    The table holds numbers and codes; :func:`outputs.explain.explain_result` writes the
    reasons (``reason_zh``, ``reason_en``) and the excluded reasons in words.

    Parameters
    ----------
    stage : str
        Stage id (e.g. ``"dyeing"``).
    origin : str
        Adcode or name of the unit the capacity leaves (e.g. ``"440118"`` Zengcheng).
    inputs : FitInputs, optional
        Resolved inputs (:func:`analysis.inputs.load_fit_inputs`, where a planner's own
        capability, chain, cost, designations or site values go); the embedded defaults at
        ``level`` if omitted.
    level : {"county", "city"}
        Analysis units when ``inputs`` is omitted (otherwise ``inputs.level``).
    weights : mapping, optional
        Component weights (normalised); :data:`analysis.assumptions.DEFAULT_WEIGHTS` if omitted.
    half_life_h : float
        Distance-decay scale in km.
    candidates : {"receiving", "all"}
        ``receiving``: East, West and North units only; ``all``: every unit but the origin.
    exclude : sequence of str
        Adcodes to exclude (kept in the table as ineligible).
    notes : sequence of str
        Assumptions the caller made in preparing the arguments (e.g. how ``exclude`` was
        derived from exclusion areas); appended to the result's ``assumptions``.

    Returns
    -------
    FitResult

    Examples
    --------
    >>> units = pd.DataFrame({"adcode": ["o", "a", "b"], "name_zh": ["甲", "乙", "丙"],
    ...     "name_en": ["O", "A", "B"], "city_adcode": ["o", "a", "b"], "region": ["PRD", "East", "West"]})
    >>> cap = pd.DataFrame({"weaving": [2.0, 1.0, 0.0], "dyeing": [1.0, 0.0, 1.0]}, index=["o", "a", "b"])
    >>> chain = pd.DataFrame([[0, 1.0], [0, 0]], index=["weaving", "dyeing"], columns=["weaving", "dyeing"])
    >>> cost = pd.DataFrame([[0, 60, 120], [60, 0, 60], [120, 60, 0.0]], index=["o", "a", "b"], columns=["o", "a", "b"])
    >>> des = pd.DataFrame({"adcode": ["b"], "stage": ["dyeing"], "kind": ["dyeing_park"], "value": [1.0],
    ...     "clause": ["§19"], "name_zh": ["丙印染园"], "name_en": ["B dyeing park"]})
    >>> inputs = load_fit_inputs(units=units, capability=cap, chain=chain, cost=cost, designations=des)
    >>> r = score_transfer_fit("dyeing", "o", inputs=inputs)
    >>> r.table[["adcode", "eligible", "rank"]].values.tolist()
    [['b', True, 1], ['a', False, <NA>]]
    """
    inputs, o, w, long, details = _run(origin, [stage], inputs, level=level, weights=weights, half_life_h=half_life_h,
                                        candidates=candidates, exclude=exclude)
    return FitResult(
        table=long.drop(columns="stage"),
        stage=stage,
        origin=inputs.units["adcode"].iloc[o],
        level=inputs.level,
        weights=w,
        params=_params(inputs, half_life_h, candidates, exclude),
        assumptions=fit_assumptions(inputs, weights, half_life_h, stage) + [n if isinstance(n, str) else str(n) for n in notes],
        sources=fit_sources(inputs),
        details=details,
        evidence=_evidence_for(inputs, stage, long["adcode"]),
    )


def _evidence_for(inputs: FitInputs, stage: str, adcodes: pd.Series) -> pd.DataFrame:
    ev = inputs.evidence
    if ev is None or not len(ev):
        return pd.DataFrame()
    keep = (ev["stage"] == stage) & ev["adcode"].isin(set(adcodes.astype(str)))
    return ev[keep].reset_index(drop=True)


def _params(inputs: FitInputs, half_life_h: float, candidates: str, exclude: Sequence[str]) -> dict[str, object]:
    return {**inputs.params, "half_life_h": float(half_life_h), "decay": "0.5 ** (hours / half_life_h)",
            "candidates": candidates, "exclude": [str(e) for e in exclude]}


def score_all_stages(
    origin: str,
    *,
    level: Level = "county",
    weights: Mapping[str, float] | None = None,
    half_life_h: float = DEFAULT_HALF_LIFE_H,
    candidates: Candidates = "receiving",
    exclude: Sequence[str] = (),
    stages: Sequence[str] | None = None,
    inputs: FitInputs | None = None,
    with_details: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Fit of every stage (or ``stages``) leaving ``origin``, as one long table.

    The components of all stages come from one set of matrix products, and every stage is
    ranked by one ``lexsort`` into one table.

    ``with_details=True`` also returns the per-row details the explanations read
    (:func:`outputs.explain.explain_fit` writes every stage's reasons from them in one go).

    Returns
    -------
    DataFrame or (DataFrame, DataFrame)
        ``stage`` followed by :data:`TABLE_COLUMNS`; rows grouped by stage, ranked within.

    Examples
    --------
    >>> units = pd.DataFrame({"adcode": ["o", "a"], "name_zh": ["甲", "乙"], "name_en": ["O", "A"],
    ...     "city_adcode": ["o", "a"], "region": ["PRD", "East"]})
    >>> cap = pd.DataFrame({"weaving": [2.0, 1.0], "apparel": [1.0, 1.0]}, index=["o", "a"])
    >>> chain = pd.DataFrame([[0, 1.0], [0, 0]], index=["weaving", "apparel"], columns=["weaving", "apparel"])
    >>> cost = pd.DataFrame([[0, 60.0], [60.0, 0]], index=["o", "a"], columns=["o", "a"])
    >>> des = pd.DataFrame(columns=["adcode", "stage", "kind", "value", "clause", "name_zh", "name_en"])
    >>> score_all_stages("o", inputs=load_fit_inputs(units=units, capability=cap, chain=chain, cost=cost, designations=des))["stage"].tolist()
    ['weaving', 'apparel']
    """
    _, _, _, long, details = _run(origin, stages, inputs, level=level, weights=weights, half_life_h=half_life_h,
                            candidates=candidates, exclude=exclude)
    return (long, details) if with_details else long
