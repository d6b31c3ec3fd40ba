"""The partner component: §4 产业共建, industrial co-building between PRD and receiving cities.

The pairs come from ``data/parks/partners.csv`` and the receiving parks from
``data/parks/transfer_parks.csv`` (:mod:`layers.evidence`), both loaded into
:class:`analysis.inputs.FitInputs`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd  # noqa: F401  (the doctest builds its tables with it)

from analysis.assumptions import PARTNER_VALUES
from analysis.inputs import FitInputs

__all__ = ["partner_matrix"]


def partner_matrix(inputs: FitInputs, origin_idx: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Partner component (units x stages) and, per cell, the kind and the name that gave it.

    Values are :data:`analysis.assumptions.PARTNER_VALUES`: a transfer park for the stage paired
    with the origin's city (``own_park``), a unit of the origin city's partner in the current
    round (``current``; a county-level pair names its counties), a transfer park for the stage
    paired with another PRD city (``other_park``), a partner of an earlier round only
    (``earlier``); a cell takes the largest that applies. Names are ``"zh|en"`` (parks add
    ``|firms``).

    Examples
    --------
    >>> units = pd.DataFrame({"adcode": ["o", "a", "b"], "name_zh": ["源", "甲", "乙"], "name_en": ["O", "A", "B"],
    ...     "city_adcode": ["O", "A", "B"], "region": ["PRD", "North", "East"]})
    >>> pairs = pd.DataFrame({"partner_adcode": ["O"], "receiving_adcode": ["A"], "receiving_county_adcodes": [""],
    ...     "round": [2023], "current": [True], "partner_name_zh": ["源市"], "partner_name_en": ["O city"],
    ...     "receiving_name_zh": ["甲市"], "receiving_name_en": ["A city"]})
    >>> inputs = FitInputs(units, pd.DataFrame({"apparel": [1.0, 0, 0]}, index=["o", "a", "b"]),
    ...     pd.DataFrame([[0.0]], index=["apparel"], columns=["apparel"]), np.zeros((3, 3)),
    ...     pd.DataFrame(), pd.Series(0.5, index=["o", "a", "b"]), partners=pairs)
    >>> partner_matrix(inputs, 0)[0][:, 0].tolist()
    [0.0, 0.75, 0.0]
    """
    units = inputs.units
    order = units["adcode"].astype(str).to_numpy()
    cities = units["city_adcode"].astype(str).to_numpy()
    stages = inputs.stages
    u, s = len(order), len(stages)
    val = np.zeros((u, s))
    kind = np.full((u, s), "", dtype=object)
    name = np.full((u, s), "", dtype=object)
    origin_city = str(cities[origin_idx])

    def _take(mask_u: np.ndarray, cols: np.ndarray, v: float, k: str, n: str) -> None:
        cell = mask_u[:, None] & cols[None, :] & (val < v)
        val[cell], kind[cell], name[cell] = v, k, n

    all_stages = np.ones(s, bool)
    pr = inputs.partners
    if len(pr):
        mine = pr[pr["partner_adcode"].astype(str) == origin_city]
        for current, key in ((False, "earlier"), (True, "current")):
            rows = mine[mine["current"].astype(str).str.lower().isin(["true", "1"]) == current]
            for r in rows.itertuples(index=False):
                counties = [c for c in str(r.receiving_county_adcodes or "").split(";") if c.strip() and c != "nan"]
                mask = np.isin(order, counties) if counties else (cities == str(r.receiving_adcode))
                _take(mask, all_stages, PARTNER_VALUES[key], key, f"{r.partner_name_zh}→{r.receiving_name_zh}|{r.partner_name_en} -> {r.receiving_name_en}")
    parks = inputs.transfer_parks
    if len(parks):
        ok = parks[parks["textile"].astype(str).isin(["yes", "partial"]) & parks["stages"].fillna("").astype(str).ne("")]
        for r in ok.itertuples(index=False):
            cols = np.isin(np.asarray(stages), str(r.stages).split(";"))
            key = "own_park" if str(r.partner_adcode) == origin_city else "other_park"
            firms = "" if str(r.firms) in ("", "nan", "None") else f"{float(r.firms):.0f}"
            _take(order == str(r.county_adcode), cols, PARTNER_VALUES[key], key, f"{r.name_zh}|{r.name_en}|{firms}")
    return val, kind, name
