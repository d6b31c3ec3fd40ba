"""The partner component: §4 产业共建, industrial co-building between PRD and receiving cities.

The pairs come from ``data/parks/partners.csv`` and the receiving parks from
``data/parks/transfer_parks.csv`` (:mod:`layers.evidence`), both loaded into
:class:`analysis.inputs.FitInputs`, which holds them as flat links (:func:`build_partner_links`)
built once, so scoring an origin is a few array operations.
"""
from __future__ import annotations

import numpy as np
import pandas as pd  # noqa: F401  (the doctest builds its tables with it)

from analysis.assumptions import PARTNER_VALUES

__all__ = ["build_partner_links", "partner_matrix"]


def partner_matrix(
    links: dict[str, np.ndarray], units: pd.DataFrame, n_stages: int, origin_idx: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Partner component (units x stages) and, per cell, the kind and the name that gave it.

    Values are :data:`analysis.assumptions.PARTNER_VALUES`: a transfer park for the stage paired
    with the origin's city (``own_park``), a unit of the origin city's partner in the current
    round (``current``; a county-level pair names its counties), a transfer park for the stage
    paired with another PRD city (``other_park``), a partner of an earlier round only
    (``earlier``); a cell takes the largest that applies. Names are ``"zh|en"`` (parks add
    ``|firms``).

    Examples
    --------
    >>> units = pd.DataFrame({"adcode": ["o", "a", "b"], "city_adcode": ["O", "A", "B"]})
    >>> pairs = pd.DataFrame({"partner_adcode": ["O"], "receiving_adcode": ["A"], "receiving_county_adcodes": [""],
    ...     "current": [True], "partner_name_zh": ["源市"], "partner_name_en": ["O city"],
    ...     "receiving_name_zh": ["甲市"], "receiving_name_en": ["A city"]})
    >>> links = build_partner_links(units, ["apparel"], pairs, pd.DataFrame())
    >>> partner_matrix(links, units, 1, 0)[0][:, 0].tolist()
    [0.0, 0.75, 0.0]
    """
    u, s = len(units), n_stages
    val = np.zeros((u, s))
    kind = np.full((u, s), "", dtype=object)
    name = np.full((u, s), "", dtype=object)
    if not links or not len(links["unit"]):
        return val, kind, name
    origin_city = str(units["city_adcode"].iloc[origin_idx])
    park = links["park_partner"] != ""
    use = park | (links["pair_city"] == origin_city)
    key = np.where(park, np.where(links["park_partner"] == origin_city, "own_park", "other_park"), links["pair_key"])[use]
    v = np.array([PARTNER_VALUES.get(k, 0.0) for k in key.tolist()])  # one per link: a few dozen
    uu, ss, nm = links["unit"][use], links["stage"][use], links["name"][use]
    every = ss < 0  # a pairing reaches every stage of its units
    reps = np.where(every, s, 1)
    cell_u = np.repeat(uu, reps)
    cell_s = np.where(np.repeat(every, reps), np.concatenate([np.arange(r) for r in reps]), np.repeat(ss, reps))
    cell_v, cell_k, cell_n = np.repeat(v, reps), np.repeat(key, reps), np.repeat(nm, reps)
    order = np.argsort(cell_v, kind="stable")  # ascending: where several apply, the largest is written last
    cu, cs = cell_u[order], cell_s[order]
    val[cu, cs], kind[cu, cs], name[cu, cs] = cell_v[order], cell_k[order], cell_n[order]
    return val, kind, name


def build_partner_links(units: pd.DataFrame, stages: list[str], partners: pd.DataFrame,
                        parks: pd.DataFrame) -> dict[str, np.ndarray]:
    """The pairings and parks as flat arrays (one entry per unit reached), built once per inputs.

    ``pair_city`` is the PRD partner city of a pairing link (``""`` for a park), ``pair_key``
    ``current`` or ``earlier``, ``park_partner`` the partner city of a park link (``""`` for a
    pairing), ``unit`` and ``stage`` the cell (``stage`` -1 for a pairing: every stage).

    Examples
    --------
    >>> units = pd.DataFrame({"adcode": ["o", "a"], "city_adcode": ["O", "A"]})
    >>> pairs = pd.DataFrame({"partner_adcode": ["O"], "receiving_adcode": ["A"], "receiving_county_adcodes": [""],
    ...     "current": [True], "partner_name_zh": ["源"], "partner_name_en": ["O"], "receiving_name_zh": ["甲"],
    ...     "receiving_name_en": ["A"]})
    >>> build_partner_links(units, ["apparel"], pairs, pd.DataFrame())["unit"].tolist()
    [1]
    """
    order = units["adcode"].astype(str).to_numpy()
    cities = units["city_adcode"].astype(str).to_numpy()
    out: dict[str, list] = {k: [] for k in ("pair_city", "pair_key", "park_partner", "unit", "stage", "name")}

    def _add(hits: np.ndarray, stage: int, **fields: str) -> None:
        for i in np.flatnonzero(hits):  # rows of a ~40-row table, each reaching a few units
            out["unit"].append(int(i))
            out["stage"].append(stage)
            for k in ("pair_city", "pair_key", "park_partner", "name"):
                out[k].append(fields.get(k, ""))

    if len(partners):
        current = partners["current"].astype(str).str.lower().isin(["true", "1"]).to_numpy()
        for r, cur in zip(partners.itertuples(index=False), current, strict=True):
            counties = [c for c in str(r.receiving_county_adcodes or "").split(";") if c.strip() and c != "nan"]
            hits = np.isin(order, counties) if counties else (cities == str(r.receiving_adcode))
            _add(hits, -1, pair_city=str(r.partner_adcode), pair_key="current" if cur else "earlier",
                 name=f"{r.partner_name_zh}→{r.receiving_name_zh}|{r.partner_name_en} -> {r.receiving_name_en}")
    if len(parks):
        ok = parks[parks["textile"].astype(str).isin(["yes", "partial"]) & parks["stages"].fillna("").astype(str).ne("")]
        for r in ok.itertuples(index=False):
            firms = "" if str(r.firms) in ("", "nan", "None", "<NA>") else f"{float(r.firms):.0f}"
            for st in str(r.stages).split(";"):
                if st in stages:
                    _add(order == str(r.county_adcode), stages.index(st), park_partner=str(r.partner_adcode),
                         name=f"{r.name_zh}|{r.name_en}|{firms}")
    arrays = {k: np.asarray(v, dtype=object) for k, v in out.items()}
    arrays["unit"] = np.asarray(out["unit"], dtype=int)
    arrays["stage"] = np.asarray(out["stage"], dtype=int)
    return arrays
