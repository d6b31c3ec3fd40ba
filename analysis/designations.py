"""Designations: which named places count for which unit and stage, and how much.

The policy component reads them; relatedness reads the ones that name a unit itself
(:func:`direct_designations`). Grades, the city-wide share and the dyeing-capacity rule are
assumptions in :mod:`analysis.assumptions`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.assumptions import CITY_WIDE_FACTOR, DYEING_CAPACITY_FLOOR, POLICY_GRADES
from analysis.notes import Note
from geo.errors import PlannerError

__all__ = ["DESIGNATION_COLUMNS", "add_planner_parks", "designations_from_places", "direct_designations",
           "scale_dyeing_parks"]

Level = Literal["city", "county"]

#: Columns of a designations table (the policy component's evidence).
DESIGNATION_COLUMNS: tuple[str, ...] = ("adcode", "stage", "kind", "value", "clause", "name_zh", "name_en")


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
    out_cols = list(DESIGNATION_COLUMNS)
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


def scale_dyeing_parks(des: pd.DataFrame, centres: pd.DataFrame) -> pd.DataFrame:
    """Dyeing-park designations valued by central treatment capacity (:data:`DYEING_CAPACITY_FLOOR`).

    Examples
    --------
    >>> des = pd.DataFrame({"adcode": ["a", "b"], "stage": "dyeing", "kind": "dyeing_park", "value": 1.0,
    ...     "clause": "§19", "name_zh": "", "name_en": ""})
    >>> centres = pd.DataFrame({"county_adcode": ["a", "b"], "treatment_t_per_day": [100.0, None]})
    >>> scale_dyeing_parks(des, centres)["value"].tolist()
    [1.0, 0.6]
    """
    cap = pd.to_numeric(centres["treatment_t_per_day"], errors="coerce")
    top = float(cap.max()) if cap.notna().any() else np.nan
    share = (cap / top).fillna(0.0)
    by_county = pd.Series((DYEING_CAPACITY_FLOOR + (1 - DYEING_CAPACITY_FLOOR) * share).to_numpy(),
                          index=centres["county_adcode"].astype(str)).groupby(level=0).max()
    out = des.copy()
    dye = (out["kind"] == "dyeing_park") & (out["value"] > 0)
    scale = out.loc[dye, "adcode"].map(by_county).fillna(DYEING_CAPACITY_FLOOR).to_numpy()
    out.loc[dye, "value"] = out.loc[dye, "value"].to_numpy() * scale
    return out


def add_planner_parks(des: pd.DataFrame, adcodes: Sequence[str], order: list[str], notes: list[str]) -> pd.DataFrame:
    """Dyeing parks with central treatment that a planner declares (§19 says "汕头、揭阳等地").

    Examples
    --------
    >>> empty = pd.DataFrame(columns=list(DESIGNATION_COLUMNS))
    >>> notes = []
    >>> add_planner_parks(empty, ["b"], ["a", "b"], notes)[["adcode", "kind"]].values.tolist()
    [['b', 'dyeing_park']]
    """
    codes = [str(a).strip() for a in adcodes if str(a).strip()]
    if not codes:
        return des
    unknown = [c for c in codes if c not in set(order)]
    if unknown:
        msg = f"`dyeing_parks` has code(s) {unknown} that are not units of this run; use 6-digit adcodes such as 445281"
        raise PlannerError(msg)
    rows = pd.DataFrame({"adcode": codes, "stage": "dyeing", "kind": "dyeing_park", "value": DYEING_CAPACITY_FLOOR,
                         "clause": "§19", "name_zh": "规划者认定的集中治污印染园区", "name_en": "dyeing park with central treatment (planner)"})
    notes.append(Note("dyeing.planner", codes=codes))
    return pd.concat([des, rows], ignore_index=True)


def direct_designations(des: pd.DataFrame, order: list[str], stages: list[str]) -> pd.DataFrame:
    """True where a production designation names the unit itself (full grade, not a city-wide share).

    Examples
    --------
    >>> des = pd.DataFrame({"adcode": ["a", "b"], "stage": "apparel", "kind": "cluster", "value": [1.0, 0.5],
    ...     "clause": "§14", "name_zh": "", "name_en": ""})
    >>> direct_designations(des, ["a", "b"], ["apparel"])["apparel"].tolist()
    [True, False]
    """
    full = des[des["kind"].map(POLICY_GRADES).fillna(0).gt(0) & des["value"].ge(des["kind"].map(POLICY_GRADES).fillna(1) * 0.999)
               & des["kind"].ne("unnamed_cluster")]
    out = pd.DataFrame(False, index=order, columns=stages)
    for a, st in zip(full["adcode"], full["stage"], strict=True):
        if a in out.index and st in out.columns:
            out.loc[a, st] = True
    return out
