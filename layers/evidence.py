"""Evidence tables of the transfer model: partners, receiving parks, dyeing centres, evidence, backtest.

Five embedded CSV files, each validated whole on every load (one
:class:`~geo.errors.LayerValidationError` lists every problem and the valid values):

* ``data/parks/partners.csv`` — PRD partner city -> receiving city pairs for industrial
  co-building (§4 产业共建), by round (2009, 2013, 2021, 2023); the 2023 round is ``current``;
* ``data/parks/transfer_parks.csv`` — the receiving parks and platforms (§4), WGS84 points;
* ``data/parks/dyeing_centres.csv`` — centralised printing and dyeing parks with wastewater
  treatment (§19), WGS84 points;
* ``data/model/evidence.csv`` — published evidence of the industry's presence (firm counts,
  output, mentions), one measure per row: mixed measures are never added or compared;
* ``data/model/backtest_cases.csv`` — documented relocations and policy designations to run
  the model against.

Every row names its source and its quality (official / reproduced / secondary / dataset, the
[O]/[R]/[S]/[D] tags of the research notes). :func:`evidence_presence` turns evidence into
presence tiers per unit and stage (the rule is in ``data/model/README.md``).
"""
from __future__ import annotations

import logging
import os

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from geo.io import CsvSource
from geo.messages import Note
from layers import _evidence_checks as ck
from layers.places import PRECISIONS, read_places_table

__all__ = [
    "QUALITIES",
    "MEASURES",
    "PRESENCE_TIERS",
    "load_partners",
    "partner_cities",
    "load_transfer_parks",
    "load_dyeing_centres",
    "load_evidence",
    "read_evidence_csv",
    "evidence_presence",
]

log = logging.getLogger(__name__)

QUALITIES: tuple[str, ...] = ck.QUALITIES

#: measure -> (role, allowed units). Roles: ``count`` and ``output`` can prove presence (tier 2);
#: ``planned``, ``capacity`` and ``mention`` are weaker (tier 1); ``context`` never counts.
MEASURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "firms": ("count", ("firms",)),
    "above_scale_firms": ("count", ("firms",)),
    "market_entities": ("count", ("entities",)),
    "workers": ("count", ("persons",)),
    "gross_output": ("output", ("bn_yuan",)),
    "value_added": ("output", ("bn_yuan",)),
    "revenue": ("output", ("bn_yuan",)),
    "output_quantity": ("output", ("pieces_per_year", "t_per_year")),
    "firms_planned": ("planned", ("firms",)),
    "treatment_capacity": ("capacity", ("t_per_day",)),
    "mention": ("mention", ("",)),
    "firms_closed": ("context", ("firms",)),
    "share_of_gdp": ("context", ("percent",)),
    "all_industry_above_scale_firms": ("context", ("firms",)),
}
#: Presence tiers of :func:`evidence_presence`.
PRESENCE_TIERS: dict[int, str] = {
    0: "no evidence found in the tables (not: no industry)",
    1: "mentioned without a firm count or output figure (a named cluster, a planned park, a treatment plant)",
    2: "a documented cluster of the stage with a firm count or output figure in the unit",
}
_TIER_OF_ROLE = {"count": 2, "output": 2, "planned": 1, "capacity": 1, "mention": 1}

PARTNER_COLUMNS: tuple[str, ...] = (
    "id", "partner_adcode", "partner_name_zh", "partner_name_en", "partner_county_adcodes", "receiving_adcode",
    "receiving_name_zh", "receiving_name_en", "receiving_county_adcodes", "round", "scope", "current", "source",
    "quality", "note",
)
PARK_COLUMNS: tuple[str, ...] = (
    "id", "name_zh", "name_en", "city_adcode", "county_adcode", "span_county_adcodes", "lon", "lat",
    "location_precision", "partner_adcode", "area_km2", "room_note", "firms", "textile", "stages", "clause",
    "source", "quality", "note",
)
DYEING_COLUMNS: tuple[str, ...] = (
    "id", "name_zh", "name_en", "city_adcode", "county_adcode", "lon", "lat", "location_precision",
    "treatment_t_per_day", "area_mu", "firms", "firms_basis", "status", "region", "place_id", "clause", "source",
    "quality", "note",
)
EVIDENCE_COLUMNS: tuple[str, ...] = (
    "id", "place", "adcode", "level", "stages", "measure", "value", "qualifier", "unit", "year", "source",
    "quality", "note",
)
_EVIDENCE_OPTIONAL = ("id", "place", "qualifier", "note")
BACKTEST_COLUMNS: tuple[str, ...] = (
    "id", "kind", "stage", "origin_adcode", "origin_basis", "expected_adcodes", "success_rule", "k", "rank_among",
    "evidence_before", "description", "source", "quality", "note",
)
ROUNDS: tuple[str, ...] = ("2009", "2013", "2021", "2023")
SCOPES: tuple[str, ...] = ("industrial", "rural", "comprehensive")
MU_PER_KM2 = 1500.0  # 1 mu = 666.67 m2


# ---------------------------------------------------------------- partners (§4)

def _build_partners(path: str) -> pd.DataFrame:
    layer = "partners.csv"
    t = ck.check_columns(ck.read_text_table(path, name="`path`", layer=layer), PARTNER_COLUMNS, layer=layer)
    ids, problems = ck.row_ids(t), []
    ck.check_ids(t, ids, problems)
    ck.check_text(t, ("source",), ids, problems)
    for side in ("partner", "receiving"):
        ck.check_adcodes(t, f"{side}_adcode", ids, problems, level="city")
        ck.check_adcodes(t, f"{side}_county_adcodes", ids, problems, level="county", allow_empty=True, multi=True,
                         city_col=f"{side}_adcode")
        for lang in ("zh", "en"):
            want = t[f"{side}_adcode"].map(ck.cities()[f"name_{lang}"])
            wrong = want.notna() & (t[f"{side}_name_{lang}"] != want)
            if wrong.any():
                shown = [f"{i}: {a} is {w!r}, not {g!r}" for i, a, w, g in zip(ids[wrong][:5], t[f"{side}_adcode"][wrong][:5],
                                                                            want[wrong][:5], t[f"{side}_name_{lang}"][wrong][:5])]
                problems.append(f"column '{side}_name_{lang}' does not match the boundaries' name of {side}_adcode: {shown}")
    not_prd = ck.region_of_codes(t["partner_adcode"]).fillna("PRD") != "PRD"
    if not_prd.any():
        problems.append(f"partner_adcode must be a PRD city (the core cities of §4): {ck.eg(ids, not_prd, t['partner_adcode'])}")
    same = t["partner_adcode"] == t["receiving_adcode"]
    if same.any():
        problems.append(f"a city cannot be its own partner: {ck.eg(ids, same)}")
    ck.check_vocab(t, "round", ROUNDS, ids, problems)
    ck.check_vocab(t, "scope", SCOPES, ids, problems)
    ck.check_vocab(t, "current", ("true", "false"), ids, problems)
    ck.check_vocab(t, "quality", QUALITIES, ids, problems)
    latest = max((r for r in t["round"] if r in ROUNDS), default="")
    stale = (t["current"] == "true") & (t["round"] != latest)
    if stale.any():
        problems.append(f"only rows of the latest round ({latest}) can be current: {ck.eg(ids, stale, t['round'])}")
    key = t[["partner_adcode", "receiving_adcode", "partner_county_adcodes", "receiving_county_adcodes", "round"]]
    dup = key.duplicated(keep=False)
    if dup.any():
        problems.append(f"the same pair is listed twice in one round: {ck.eg(ids, dup)}")
    ck.raise_if(problems, layer=layer)
    out = t.copy()
    out["round"] = out["round"].astype(int)
    out["current"] = out["current"] == "true"
    out.insert(out.columns.get_loc("round"), "receiving_region", ck.region_of_codes(out["receiving_adcode"]))
    return out.reset_index(drop=True)


def load_partners(*, current_only: bool = False, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """PRD partner city -> receiving city pairs for industrial co-building (§4 产业共建).

    Parameters
    ----------
    current_only : bool
        Keep only the current (2023) round.
    path : str or path-like, optional
        Another file with the same columns; default ``data/parks/partners.csv``.

    Returns
    -------
    pandas.DataFrame
        The file's columns (``round`` int, ``current`` bool) plus ``receiving_region``.
        County-level pairs (e.g. Foshan Nanhai -> Maoming Dianbai) carry ``;``-lists in
        ``partner_county_adcodes`` / ``receiving_county_adcodes``.

    Raises
    ------
    LayerValidationError
        Unknown adcodes, names that do not match the boundaries, a non-PRD partner, unknown
        round, scope or quality, a current row outside the latest round, a missing source.

    Examples
    --------
    >>> p = load_partners(current_only=True)
    >>> bool(((p["partner_name_en"] == "Guangzhou") & (p["receiving_name_en"] == "Qingyuan")).any())
    True
    >>> sorted(set(load_partners()["round"]))
    [2009, 2013, 2021, 2023]
    """
    df = ck.load_cached(path, "partners", _build_partners)
    return (df[df["current"]] if current_only else df).reset_index(drop=True).copy()


def partner_cities(origin_adcode: str, *, path: str | os.PathLike | None = None) -> list[str]:
    """Receiving city adcodes paired with the origin's city in the current round.

    Parameters
    ----------
    origin_adcode : str
        A city or county-level adcode; a county is mapped to its city (so every Guangzhou
        district gets Guangzhou's partners, including the district-county pairs with Zhaoqing).

    Returns
    -------
    list of str
        City adcodes in file order, without repeats; empty for a city with no confirmed
        partner (Huizhou, Jiangmen and Zhaoqing as PRD partners are UNCONFIRMED) or outside the PRD.

    Raises
    ------
    UnknownNameError
        For a code that is not a Guangdong city or county-level unit.

    Examples
    --------
    >>> partner_cities("440105")  # Haizhu, Guangzhou
    ['441400', '441800', '440800', '441200']
    >>> partner_cities("441300")
    []
    """
    code = str(origin_adcode).strip()
    city = ck.city_of_codes(pd.Series([code])).iloc[0]
    if pd.isna(city):
        msg = (f"`origin_adcode` {origin_adcode!r} is not a Guangdong city or county-level adcode; "
               f"use a 6-digit code such as 440105 (Haizhu) or a city: {ck.city_list()}")
        raise UnknownNameError(msg)
    p = load_partners(current_only=True, path=path)
    return list(dict.fromkeys(p.loc[p["partner_adcode"] == city, "receiving_adcode"]))


# ---------------------------------------------------------------- transfer parks (§4)

def _build_parks(path: str) -> gpd.GeoDataFrame:
    layer = "transfer_parks.csv"
    t = ck.check_columns(ck.read_text_table(path, name="`path`", layer=layer), PARK_COLUMNS, layer=layer)
    ids, problems = ck.row_ids(t), []
    ck.check_ids(t, ids, problems)
    ck.check_text(t, ("name_zh", "name_en", "clause", "source"), ids, problems)
    ck.check_adcodes(t, "city_adcode", ids, problems, level="city")
    ck.check_adcodes(t, "county_adcode", ids, problems, level="county", allow_empty=True, city_col="city_adcode")
    ck.check_adcodes(t, "span_county_adcodes", ids, problems, level="county", allow_empty=True, multi=True, city_col="city_adcode")
    ck.check_adcodes(t, "partner_adcode", ids, problems, level="city", allow_empty=True)
    not_prd = ck.region_of_codes(t["partner_adcode"]).fillna("PRD") != "PRD"
    if not_prd.any():
        problems.append(f"partner_adcode must be a PRD city: {ck.eg(ids, not_prd, t['partner_adcode'])}")
    area = ck.check_numbers(t, "area_km2", ids, problems, positive=True)
    firms = ck.check_numbers(t, "firms", ids, problems, integer=True)
    ck.check_vocab(t, "textile", ("yes", "no", "partial"), ids, problems)
    ck.check_stages(t, "stages", ids, problems, allow_empty=t["textile"] != "yes")
    stray = (t["textile"] == "no") & (t["stages"] != "")
    if stray.any():
        problems.append(f"a park with textile=no lists no stages: {ck.eg(ids, stray)}")
    ck.check_clause(t, ids, problems, must_hold="§4")
    ck.check_vocab(t, "quality", QUALITIES, ids, problems)
    geoms = ck.check_points(t, ids, problems, layer=layer, precisions=PRECISIONS)
    ck.raise_if(problems, layer=layer)
    out = t.copy()
    out["lon"], out["lat"] = out["lon"].astype(float), out["lat"].astype(float)
    out["area_km2"], out["firms"] = area, firms
    out.insert(out.columns.get_loc("lon"), "region", ck.region_of_codes(out["city_adcode"]))
    return ck.points_frame(out, geoms)


def load_transfer_parks(*, path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """Receiving parks and platforms of the PRD partners (§4), as WGS84 points.

    Parameters
    ----------
    path : str or path-like, optional
        Another file with the same columns; default the embedded ``data/parks/transfer_parks.csv``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of ``transfer_parks.csv`` plus ``region`` and ``geometry``; ``area_km2`` and
        ``firms`` are floats (NaN where not stated); ``stages`` a ``;``-string. Every row has
        ``clause``, ``source``, ``quality`` and an honest ``location_precision`` (a county or
        city seat standing in for a park says so in ``note``).

    Examples
    --------
    >>> parks = load_transfer_parks().set_index("id")
    >>> parks.at["tp_guangqing_textile", "county_adcode"], round(float(parks.at["tp_guangqing_textile", "area_km2"]), 2)
    ('441802', 7.93)
    >>> str(parks.crs)
    'EPSG:4326'
    """
    return ck.load_cached(path, "transfer_parks", _build_parks).copy()


# ---------------------------------------------------------------- dyeing centres (§19)

def _build_dyeing(path: str) -> gpd.GeoDataFrame:
    layer = "dyeing_centres.csv"
    t = ck.check_columns(ck.read_text_table(path, name="`path`", layer=layer), DYEING_COLUMNS, layer=layer)
    ids, problems = ck.row_ids(t), []
    ck.check_ids(t, ids, problems)
    ck.check_text(t, ("name_zh", "name_en", "clause", "source"), ids, problems)
    ck.check_adcodes(t, "city_adcode", ids, problems, level="city")
    ck.check_adcodes(t, "county_adcode", ids, problems, level="county", city_col="city_adcode")
    treat = ck.check_numbers(t, "treatment_t_per_day", ids, problems, positive=True)
    area = ck.check_numbers(t, "area_mu", ids, problems, positive=True)
    firms = ck.check_numbers(t, "firms", ids, problems, integer=True)
    ck.check_vocab(t, "firms_basis", ("settled", "planned", "served"), ids, problems, allow_empty=True)
    basis_gap = (t["firms"] != "") != (t["firms_basis"] != "")
    if basis_gap.any():
        problems.append(f"firms and firms_basis go together (a count says whether firms are settled, planned or served): {ck.eg(ids, basis_gap)}")
    ck.check_vocab(t, "status", ("operating", "planned", "closed"), ids, problems)
    want = ck.region_of_codes(t["city_adcode"])
    wrong = want.notna() & (t["region"] != want)
    if wrong.any():
        problems.append(f"column 'region' does not match the city's region (PRD/East/West/North): {ck.eg(ids, wrong, t['region'])}")
    places = read_places_table().set_index("id")
    dyeing = places[places["kind"] == "dyeing_park"]
    linked = t["place_id"] != ""
    unknown = linked & ~t["place_id"].isin(dyeing.index)
    if unknown.any():
        problems.append(f"place_id must be a dyeing_park id of places.csv ({', '.join(dyeing.index)}) or blank: {ck.eg(ids, unknown, t['place_id'])}")
    other = linked & ~unknown & (t["place_id"].map(dyeing["county_adcode"]) != t["county_adcode"])
    if other.any():
        problems.append(f"place_id names a dyeing park in another county: {ck.eg(ids, other, t['place_id'])}")
    ck.check_clause(t, ids, problems, must_hold="§19")
    ck.check_vocab(t, "quality", QUALITIES, ids, problems)
    geoms = ck.check_points(t, ids, problems, layer=layer, precisions=PRECISIONS)
    ck.raise_if(problems, layer=layer)
    out = t.copy()
    out["lon"], out["lat"] = out["lon"].astype(float), out["lat"].astype(float)
    out["treatment_t_per_day"], out["area_mu"], out["firms"] = treat, area, firms
    out.insert(out.columns.get_loc("area_mu") + 1, "area_km2", area / MU_PER_KM2)
    return ck.points_frame(out, geoms)


def load_dyeing_centres(*, path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """Centralised printing and dyeing parks with wastewater treatment (§19), as WGS84 points.

    Parameters
    ----------
    path : str or path-like, optional
        Another file with the same columns; default the embedded ``data/parks/dyeing_centres.csv``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of ``dyeing_centres.csv`` plus ``area_km2`` (= ``area_mu`` / 1500) and
        ``geometry``; numbers are floats, NaN where UNCONFIRMED. ``place_id`` links a row to
        the same place in ``places.csv`` (kind ``dyeing_park``).

    Examples
    --------
    >>> d = load_dyeing_centres().set_index("id")
    >>> float(d.at["dc_chaonan", "treatment_t_per_day"]), d.at["dc_chaonan", "place_id"]
    (155000.0, 'dyeing_chaonan')
    """
    return ck.load_cached(path, "dyeing_centres", _build_dyeing).copy()


# ---------------------------------------------------------------- evidence

def _validate_evidence(df: pd.DataFrame, *, layer: str, name: str) -> pd.DataFrame:
    t = ck.check_columns(df, [c for c in EVIDENCE_COLUMNS if c not in _EVIDENCE_OPTIONAL], layer=layer,
                         optional=_EVIDENCE_OPTIONAL)
    t = t[list(EVIDENCE_COLUMNS)].reset_index(drop=True)
    if not len(t):
        raise LayerValidationError([Note("error.evidence.no_rows", name=name)], layer=layer)
    generated = t["id"] == ""
    if "id" not in df.columns or generated.all():
        t["id"] = [f"row_{i + 2}" for i in range(len(t))]
    ids, problems = ck.row_ids(t), []
    ck.check_ids(t, ids, problems)
    ck.check_text(t, ("source",), ids, problems)
    ck.check_vocab(t, "level", ("county", "town", "city"), ids, problems)
    for level, mask in (("city", t["level"] == "city"), ("county", t["level"].isin(["county", "town"]))):
        if mask.any():
            ck.check_adcodes(t[mask], "adcode", ids[mask], problems, level=level)
    ck.check_vocab(t, "measure", MEASURES, ids, problems)
    role = t["measure"].map({m: r for m, (r, _) in MEASURES.items()})
    ck.check_stages(t, "stages", ids, problems, allow_empty=role == "context")
    bad_unit = pd.Series([m in MEASURES and u not in MEASURES[m][1] for m, u in zip(t["measure"], t["unit"])],
                         index=t.index, dtype=bool)
    if bad_unit.any():
        shown = [Note("error.evidence.unit_one", id=i, measure=m, unit=u, allowed=" or ".join(repr(x) for x in MEASURES[m][1]))
                 for i, m, u in
                 zip(ids[bad_unit][:5], t["measure"][bad_unit][:5], t["unit"][bad_unit][:5])]
        problems.append(Note("error.evidence.unit", shown=shown))
    mention = role == "mention"
    stray = mention & (t["value"] != "")
    if stray.any():
        problems.append(Note("error.evidence.mention", rows=ck.eg(ids, stray, t["value"])))
    sub = t[~mention]
    value = np.full(len(t), np.nan)
    if len(sub):
        value[~mention.to_numpy()] = ck.check_numbers(sub, "value", ids[~mention], problems, allow_empty=False)
    ck.check_vocab(t, "qualifier", ("about", "over"), ids, problems, allow_empty=True)
    start, end = ck.year_bounds(t, ids, problems)
    ck.check_vocab(t, "quality", QUALITIES, ids, problems)
    ck.raise_if(problems, layer=layer)
    out = t.copy()
    out["value"] = value
    out["place"] = out["place"].where(out["place"] != "", out["adcode"])
    out["role"] = role.to_numpy()
    out["year_start"], out["year_end"] = start, end
    out["city_adcode"] = ck.city_of_codes(out["adcode"]).to_numpy()
    return out


def _build_evidence(path: str) -> pd.DataFrame:
    raw = ck.read_text_table(path, name="`path`", layer="evidence.csv")
    missing = [c for c in EVIDENCE_COLUMNS if c not in raw.columns]
    if missing:
        msg = f"missing column(s) {missing}; the embedded file keeps every column: {', '.join(EVIDENCE_COLUMNS)}"
        raise LayerValidationError([msg], layer="evidence.csv")
    return _validate_evidence(raw, layer="evidence.csv", name="`path`")


def load_evidence(*, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Published evidence of the industry's presence, one measure per row.

    Parameters
    ----------
    path : str or path-like, optional
        Another file with the same columns; default the embedded ``data/model/evidence.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns of ``evidence.csv`` (``value`` float, NaN for mentions) plus ``role``
        (see :data:`MEASURES`), ``year_start``/``year_end`` (nullable ints) and ``city_adcode``.
        Figures of different measures, years or places are never to be added or compared
        as magnitudes; :func:`evidence_presence` turns them into tiers.

    Examples
    --------
    >>> ev = load_evidence().set_index("id")
    >>> ev.at["ev_wuchuan_2001_firms", "adcode"], float(ev.at["ev_wuchuan_2001_firms", "value"])
    ('440883', 80.0)
    """
    return ck.load_cached(path, "evidence", _build_evidence).copy()


def read_evidence_csv(source: CsvSource | pd.DataFrame) -> pd.DataFrame:
    """Read and validate a planner's own evidence table (same rules as ``evidence.csv``).

    Parameters
    ----------
    source : path, file-like, bytes or DataFrame
        A CSV in UTF-8 (BOM or not) or GB18030/GBK, as Excel saves it on a Chinese system
        (decoded by :func:`geo.io.read_csv_table`); a DataFrame is not modified. Required
        columns: ``adcode, level, stages, measure, value, unit, year, source, quality``;
        optional ``id`` (``row_N`` if absent), ``place``, ``qualifier``, ``note``.

    Returns
    -------
    pandas.DataFrame
        The shape of :func:`load_evidence`.

    Raises
    ------
    PlannerError
        The file cannot be read or decoded.
    LayerValidationError
        Every problem at once: unknown adcodes, levels, stages, measures or units (with the
        valid values), bad numbers or years, missing source or quality.

    Examples
    --------
    >>> import io
    >>> csv = ("adcode,level,stages,measure,value,unit,year,source,quality\\n"
    ...        "445281,county,dyeing,firms,66,firms,2019,yearbook,official\\n")
    >>> read_evidence_csv(io.StringIO(csv))[["id", "adcode", "value", "role"]].values.tolist()
    [['row_2', '445281', 66.0, 'count']]
    """
    layer = Note("error.word.evidence")
    raw = source.copy() if isinstance(source, pd.DataFrame) else ck.read_text_table(source, name="`source`", layer=layer)
    if isinstance(source, pd.DataFrame):
        raw.columns = [str(c).strip() for c in raw.columns]
        raw = raw.astype(object).where(raw.notna(), "").astype(str)
    return _validate_evidence(raw, layer=layer, name="`source`")


def evidence_presence(
    evidence: pd.DataFrame, *, units: pd.DataFrame, level: str | None = None, before: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Presence tier per unit and stage from evidence rows, with the rows each cell rests on.

    The rule (``data/model/README.md``): each row gives its stages a tier by its measure's role
    (:data:`MEASURES`) — 2 for a firm count or output figure, 1 for a mention, a planned figure
    or a treatment plant, nothing for context measures. A row counts only for the unit it
    names: a county or town row for its county (and, with city units, its city); a city row
    only for that city — so a city-level figure gives no county presence, except in Dongguan
    and Zhongshan, where the city is the county-level unit. A cell is the highest tier of its
    rows; values are never summed, so mixed measures never add up.

    Parameters
    ----------
    evidence : pandas.DataFrame
        As :func:`load_evidence` or :func:`read_evidence_csv` return, or a raw table with
        their columns (validated here).
    units : pandas.DataFrame
        The units of the result, column ``adcode`` (e.g. ``load_boundaries("county")``).
    level : {"county", "city"}, optional
        Level of ``units``; inferred when omitted (all city adcodes -> city).
    before : int, optional
        Keep only rows whose period ends before this year (rows without a year are dropped):
        for a backtest, evidence must predate the move.

    Returns
    -------
    tiers : pandas.DataFrame
        Index ``adcode`` (units' order), one int column per stage id (0, 1, 2).
    provenance : pandas.DataFrame
        One row per (adcode, stage, evidence id) a non-zero cell rests on: columns
        ``adcode, stage, tier, evidence_id, place, measure, value, unit, year, source, quality``.

    Examples
    --------
    >>> ev = pd.DataFrame({"adcode": ["445281", "445200"], "level": ["county", "city"],
    ...     "stages": ["dyeing", "apparel"], "measure": ["firms", "firms"], "value": ["66", "900"],
    ...     "unit": ["firms", "firms"], "year": ["2019", "2020"], "source": ["s", "s"],
    ...     "quality": ["secondary", "secondary"]})
    >>> tiers, why = evidence_presence(ev, units=pd.DataFrame({"adcode": ["445281", "445202"]}))
    >>> int(tiers.at["445281", "dyeing"]), int(tiers.at["445202", "apparel"])
    (2, 0)
    >>> why[["adcode", "stage", "evidence_id"]].values.tolist()
    [['445281', 'dyeing', 'row_2']]
    """
    if "role" in evidence.columns and "year_end" in evidence.columns:
        ev = evidence.copy()
    else:
        ev = read_evidence_csv(evidence)
    if not isinstance(units, pd.DataFrame) or "adcode" not in units.columns:
        msg = "`units` must be a table with an 'adcode' column, e.g. layers.boundaries.load_boundaries('county')"
        raise PlannerError(msg)
    codes = pd.Index(units["adcode"].astype(str), name="adcode")
    if level is None:
        level = "city" if len(codes) and codes.isin(ck.cities().index).all() and not codes.isin(["441900", "442000"]).all() else "county"
    if level not in ("county", "city"):
        msg = f"`level` must be 'county' or 'city', got {level!r}"
        raise PlannerError(msg)
    stages = list(ck.stage_ids())
    tiers = pd.DataFrame(0, index=codes, columns=stages, dtype=int)
    ev = ev[ev["role"].isin(list(_TIER_OF_ROLE))]
    if before is not None:
        ev = ev[(ev["year_end"] < int(before)).fillna(False).astype(bool)]
    if level == "county":
        target = ev["adcode"]
    else:
        target = ev["adcode"].where(ev["level"] == "city", ev["city_adcode"])
    hits = ev.assign(target=target.astype(str), tier=ev["role"].map(_TIER_OF_ROLE).astype(int),
                     stage=ev["stages"].str.split(";")).explode("stage")
    hits["stage"] = hits["stage"].str.strip()
    outside = ~hits["target"].isin(codes)
    if outside.any():
        log.debug("evidence_presence: %d row(s) name no unit of the %s level given: %s", int(outside.sum()), level,
                  ", ".join(sorted(set(hits.loc[outside, "id"]))[:10]))
    hits = hits[~outside & hits["stage"].isin(stages)]
    cols = ["adcode", "stage", "tier", "evidence_id", "place", "measure", "value", "unit", "year", "source", "quality"]
    if hits.empty:
        return tiers, pd.DataFrame(columns=cols)
    best = hits.groupby(["target", "stage"])["tier"].transform("max")
    rest = hits[hits["tier"] == best].drop(columns="adcode").rename(columns={"target": "adcode", "id": "evidence_id"})
    cell = rest.groupby(["adcode", "stage"])["tier"].max().unstack("stage")
    tiers = cell.reindex(index=codes, columns=stages).fillna(0).astype(int)
    tiers.columns.name = None
    order = {c: i for i, c in enumerate(codes)}
    rest = rest.assign(_o=rest["adcode"].map(order), _s=rest["stage"].map(stages.index))
    prov = rest.sort_values(["_o", "_s", "evidence_id"])[cols].reset_index(drop=True)
    return tiers, prov
