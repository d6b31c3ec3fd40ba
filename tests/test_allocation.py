"""Allocation as a min-cost flow: conservation, room limits, preference for fit, shortfall."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from analysis.allocation import COST_SCALE, allocate_capacity
from analysis.fit import score_transfer_fit
from analysis.inputs import load_fit_inputs
from geo.errors import PlannerError

UNITS = pd.DataFrame({
    "adcode": ["o1", "o2", "a", "b", "c"],
    "name_zh": ["源一", "源二", "甲", "乙", "丙"],
    "name_en": ["O1", "O2", "A", "B", "C"],
    "city_adcode": ["o1", "o2", "a", "b", "c"],
    "region": ["PRD", "PRD", "East", "East", "North"],
})
CAP = pd.DataFrame({"weaving": [2.0, 1.0, 1.0, 0.0, 0.0], "dyeing": [1.0, 1.0, 0.0, 0.0, 0.0]}, index=UNITS["adcode"])
CHAIN = pd.DataFrame([[0.0, 1.0], [0.0, 0.0]], index=["weaving", "dyeing"], columns=["weaving", "dyeing"])
XY = {"o1": (113.3, 23.1), "o2": (113.5, 22.9), "a": (116.4, 23.3), "b": (116.2, 23.3), "c": (113.6, 24.8)}
_xy = np.array(list(XY.values()))
COST = pd.DataFrame(np.hypot(*(_xy[:, None] - _xy[None]).transpose(2, 0, 1)) * 100, index=list(XY), columns=list(XY))
DES = pd.DataFrame({
    "adcode": ["a", "b"], "stage": "dyeing", "kind": "dyeing_park", "value": 1.0, "clause": "§19",
    "name_zh": ["甲园", "乙园"], "name_en": ["A park", "B park"],
})
PTS = {k: Point(v) for k, v in XY.items()}
INPUTS = load_fit_inputs(units=UNITS, capability=CAP, chain=CHAIN, cost=COST, designations=DES)
WORLD = {"inputs": INPUTS}


def _alloc(origins: dict[str, float], room: dict[str, float]):  # type: ignore[no-untyped-def]
    return allocate_capacity("dyeing", origins, room=room, points=PTS, **WORLD)


def test_conservation_and_room_when_room_suffices() -> None:
    r = _alloc({"o1": 30.0, "o2": 20.5}, {"a": 25.0, "b": 40.0})
    out = r.flows.groupby("origin")["amount"].sum()
    assert out["o1"] == pytest.approx(30.0) and out["o2"] == pytest.approx(20.5)
    into = r.flows.groupby("destination")["amount"].sum()
    assert into["a"] <= 25.0 + 1e-9 and into["b"] <= 40.0 + 1e-9
    assert r.shortfall == 0.0 and "placed all 50.5" in r.message
    # the best-fitting destination for each origin is filled first
    for o in ("o1", "o2"):
        t = score_transfer_fit("dyeing", o, **WORLD).table
        best = t.iloc[0]["adcode"]
        assert into[best] == pytest.approx(25.0 if best == "a" else min(40.0, 50.5))
    # cost = round((1 - score) * 1000)
    row = r.flows.iloc[0]
    assert row["cost"] == round((1 - row["score"]) * COST_SCALE)
    assert r.lines.crs.to_epsg() == 4326 and len(r.lines) == len(r.flows)
    assert r.lines.geometry.iloc[0].geom_type == "LineString"


def test_ineligible_destination_gets_nothing_and_shortfall_is_reported() -> None:
    # c has no dyeing park (§19): room there is unusable
    r = _alloc({"o1": 50.0}, {"a": 10.0, "c": 100.0})
    assert set(r.flows["destination"]) == {"a"}
    assert r.flows["amount"].sum() == pytest.approx(10.0)
    assert r.shortfall == pytest.approx(40.0)
    assert "room is short: 40 of 50" in r.message


def test_random_instances_conserve_and_respect_room() -> None:
    rng = np.random.default_rng(5)
    for _ in range(10):
        origins = {"o1": float(rng.integers(1, 60)), "o2": float(rng.integers(1, 60))}
        room = {"a": float(rng.integers(0, 60)), "b": float(rng.integers(0, 60))}
        r = _alloc(origins, room)
        placed = r.flows["amount"].sum()
        assert placed + r.shortfall == pytest.approx(sum(origins.values()))
        assert r.shortfall == pytest.approx(max(0.0, sum(origins.values()) - sum(room.values())))
        into = r.flows.groupby("destination")["amount"].sum()
        for d, v in into.items():
            assert v <= room[d] + 1e-9


def test_bad_input() -> None:
    with pytest.raises(PlannerError, match="origins"):
        _alloc({"o1": -5.0}, {"a": 1.0})
    with pytest.raises(PlannerError, match=r"`room` is not usable: b=nan must be a finite number >= 0"):
        _alloc({"o1": 5.0}, {"a": 1.0, "b": float("nan")})
    with pytest.raises(PlannerError, match="at least one origin"):
        _alloc({}, {"a": 1.0})
    with pytest.raises(PlannerError, match="place ids"):
        allocate_capacity("dyeing", {"o1": 5.0}, room={"nowhere": 1.0}, points=PTS, places=pd.DataFrame(
            {"id": ["p"], "county_adcode": ["a"], "city_adcode": ["a"], "name_zh": ["园"], "name_en": ["P"]}), **WORLD)


def test_place_destination_takes_its_unit_score_and_location() -> None:
    import geopandas as gpd

    places = gpd.GeoDataFrame(
        {"id": ["park_b"], "county_adcode": ["b"], "city_adcode": ["b"], "name_zh": ["乙园"], "name_en": ["B park"]},
        geometry=[Point(116.25, 23.35)], crs=4326,
    )
    pts = {k: v for k, v in PTS.items()}
    r = allocate_capacity("dyeing", {"o1": 5.0}, room={"park_b": 8.0}, places=places, **WORLD,
                          points={**pts, "park_b": places.geometry.iloc[0]})
    t = score_transfer_fit("dyeing", "o1", **WORLD).table.set_index("adcode")
    assert r.flows["destination"].tolist() == ["park_b"] and r.flows["amount"].iloc[0] == 5.0
    assert r.flows["score"].iloc[0] == pytest.approx(t.loc["b", "score"])
    assert r.flows["name_en"].iloc[0] == "B park"
    assert r.lines.geometry.iloc[0].coords[-1] == (116.25, 23.35)
