"""Spatial network of units: adjacency, island links, shortest-path costs, OD matrices, decay."""
from __future__ import annotations

import io
import logging

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from analysis.network import build_unit_graph, cost_matrix, distance_decay, read_od_matrix, unit_cost_matrix
from geo.crs import ANALYSIS_CRS
from geo.errors import CRSError, LayerValidationError, PlannerError, UnknownNameError


def _row(n: int = 3, *, island: bool = False) -> gpd.GeoDataFrame:
    """``n`` 10 km squares in a row (A|B|C), optionally an island 20 km east of the last."""
    geoms = [box(i * 10_000, 0, (i + 1) * 10_000, 10_000) for i in range(n)]
    codes = [chr(ord("A") + i) for i in range(n)]
    if island:
        geoms.append(box(n * 10_000 + 20_000, 0, n * 10_000 + 30_000, 10_000))
        codes.append("I")
    return gpd.GeoDataFrame(
        {"adcode": codes, "name_zh": codes, "name_en": codes, "region": "PRD"}, geometry=geoms, crs=ANALYSIS_CRS
    )


def test_three_squares_graph_and_costs() -> None:
    units = _row()
    before = units.copy()
    g = build_unit_graph(units)
    pd.testing.assert_frame_equal(units, before)  # input untouched
    assert sorted(g.edges) == [("A", "B"), ("B", "C")]  # A and C do not touch
    assert g["A"]["B"]["weight"] == pytest.approx(10.0)  # centres 10 km apart
    assert g.nodes["B"]["x"] == pytest.approx(15_000) and g.nodes["B"]["y"] == pytest.approx(5_000)
    assert {g.nodes[n]["region"] for n in g} == {"PRD"}
    D = cost_matrix(g, order=["A", "B", "C"])
    assert D.dtype == np.float64
    np.testing.assert_allclose(D, [[0, 10, 20], [10, 0, 10], [20, 10, 0]])
    # order is honoured, and paths may pass through units left out of it
    np.testing.assert_allclose(cost_matrix(g, order=["C", "A"]), [[0, 20], [20, 0]])


def test_corner_touch_counts_as_adjacent() -> None:
    units = gpd.GeoDataFrame(
        {"adcode": ["A", "B"]}, geometry=[box(0, 0, 1000, 1000), box(1000, 1000, 2000, 2000)], crs=ANALYSIS_CRS
    )
    g = build_unit_graph(units)
    assert g["A"]["B"]["weight"] == pytest.approx(np.hypot(1, 1))
    assert g.nodes["A"]["name_en"] == ""  # optional columns absent -> empty


def test_wgs84_input_is_projected() -> None:
    units = _row().to_crs(4326)
    g = build_unit_graph(units)
    assert g["A"]["B"]["weight"] == pytest.approx(10.0, rel=1e-6)


def test_concave_unit_uses_point_inside() -> None:
    # A U-shaped unit: its centroid falls in the notch, so a point on the surface is used.
    from shapely.geometry import Polygon

    u = Polygon([(0, 0), (3000, 0), (3000, 3000), (2000, 3000), (2000, 1000), (1000, 1000), (1000, 3000), (0, 3000)])
    g = build_unit_graph(gpd.GeoDataFrame({"adcode": ["U"]}, geometry=[u], crs=ANALYSIS_CRS))
    from shapely.geometry import Point

    assert u.contains(Point(g.nodes["U"]["x"], g.nodes["U"]["y"]))


def test_island_is_linked_to_nearest(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="analysis.network"):
        g = build_unit_graph(_row(island=True))
    assert nx.is_connected(g)
    assert g.graph["links"] == [("I", "C")]
    e = g["I"]["C"]
    assert e["kind"] == "link" and e["gap_km"] == pytest.approx(20.0) and e["weight"] == pytest.approx(30.0)
    assert g["B"]["C"]["kind"] == "adjacent"
    assert "linked to nearest C" in caplog.text
    D = cost_matrix(g, order=["A", "I"])
    np.testing.assert_allclose(D, [[0, 50], [50, 0]])  # A-B-C 20 km + link 30 km


def test_two_islands_chain_to_mainland() -> None:
    units = _row(island=True)
    far = gpd.GeoDataFrame({"adcode": ["J"]}, geometry=[box(100_000, 0, 110_000, 10_000)], crs=ANALYSIS_CRS)
    g = build_unit_graph(pd.concat([units, far], ignore_index=True))
    assert nx.is_connected(g)
    assert len(g.graph["links"]) == 2


def test_nan_ao_is_linked_in_guangdong() -> None:
    codes, D = unit_cost_matrix(level="county")
    assert len(codes) == 124 and D.shape == (124, 124)
    assert np.isfinite(D).all() and (np.diag(D) == 0).all() and (D == D.T).all()
    from layers.boundaries import load_boundaries

    g = build_unit_graph(load_boundaries("county"))
    assert nx.is_connected(g)
    link_units = {u for pair in g.graph["links"] for u in pair}
    assert "440523" in link_units  # Nan'ao County, an island
    # Shantou's Chaonan is next to Chaoyang: a single edge, so cost = straight line
    i, j = codes.index("440513"), codes.index("440514")
    assert D[i, j] == pytest.approx(g["440513"]["440514"]["weight"])
    # Guangzhou Yuexiu to Zhanjiang Xuwen is hundreds of km
    assert 300 < D[codes.index("440104"), codes.index("440825")] < 800


def test_unit_cost_matrix_returns_copies() -> None:
    codes, D = unit_cost_matrix(level="city")
    D[:] = -1
    codes.append("x")
    codes2, D2 = unit_cost_matrix(level="city")
    assert len(codes2) == 21 and (D2 >= 0).all()


def test_unit_cost_matrix_with_od() -> None:
    codes, _ = unit_cost_matrix(level="city")
    n = len(codes)
    arr = np.arange(n * n, dtype=float).reshape(n, n)
    np.fill_diagonal(arr, 0)
    wide = pd.DataFrame(arr, index=codes, columns=codes)
    buf = io.StringIO(wide.rename_axis("adcode").to_csv())
    got_codes, D = unit_cost_matrix(level="city", od=buf)
    assert got_codes == codes
    np.testing.assert_array_equal(D, wide.to_numpy())


def test_cost_matrix_refuses_unknown_order_and_bad_weights() -> None:
    g = build_unit_graph(_row())
    with pytest.raises(UnknownNameError, match=r"`order` unknown unit\(s\) \['Z'\]"):
        cost_matrix(g, order=["A", "Z"])
    with pytest.raises(UnknownNameError, match="more than once"):
        cost_matrix(g, order=["A", "A"])
    g["A"]["B"]["weight"] = -1.0
    with pytest.raises(PlannerError, match="weight >= 0"):
        cost_matrix(g, order=["A", "B"])


def test_cost_matrix_disconnected_is_inf_and_directed_graphs_one_way() -> None:
    g = nx.Graph()
    g.add_nodes_from(["a", "b"])
    assert np.isinf(cost_matrix(g, order=["a", "b"])[0, 1])
    dg = nx.DiGraph()
    dg.add_edge("a", "b", weight=5.0)
    np.testing.assert_allclose(cost_matrix(dg, order=["a", "b"]), [[0, 5], [np.inf, 0]])


def test_build_unit_graph_refuses_bad_units() -> None:
    with pytest.raises(CRSError, match="no CRS"):
        build_unit_graph(gpd.GeoDataFrame({"adcode": ["A"]}, geometry=[box(0, 0, 1, 1)]))
    dup = gpd.GeoDataFrame({"adcode": ["A", "A"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=ANALYSIS_CRS)
    with pytest.raises(LayerValidationError, match="duplicates"):
        build_unit_graph(dup)
    with pytest.raises(LayerValidationError, match="'adcode' is missing"):
        build_unit_graph(gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(0, 0, 1, 1)], crs=ANALYSIS_CRS))


# ------------------------------------------------------------------ OD matrices
UNITS = ["A", "B", "C"]


def test_od_long_good_with_asymmetry_and_diagonal() -> None:
    csv = "origin,destination,cost\nA,B,10\nB,A,12\nA,C,20\nC,A,20\nB,C,10\nC,B,9\nB,B,3\n"
    D = read_od_matrix(io.StringIO(csv), units=UNITS)
    np.testing.assert_array_equal(D, [[0, 10, 20], [12, 3, 10], [20, 9, 0]])
    # units order decides the layout
    D2 = read_od_matrix(io.StringIO(csv), units=["C", "A", "B"])
    assert D2[0, 2] == 9 and D2[2, 1] == 12


def test_od_wide_good() -> None:
    csv = "adcode,A,B,C\nA,,10,20\nB,10,0,10\nC,20,10,0\n"
    D = read_od_matrix(io.StringIO(csv), units=UNITS)
    np.testing.assert_array_equal(D, [[0, 10, 20], [10, 0, 10], [20, 10, 0]])


def test_od_from_dataframe() -> None:
    df = pd.DataFrame({"origin": ["A", "B"], "destination": ["B", "A"], "cost": [1.5, 2.5]})
    np.testing.assert_array_equal(read_od_matrix(df, units=["A", "B"]), [[0, 1.5], [2.5, 0]])


def test_od_bad_unknown_missing_negative_in_one_error() -> None:
    csv = "origin,destination,cost\nA,B,-10\nB,A,x\nA,Z,5\nA,C,1\n"
    with pytest.raises(LayerValidationError) as err:
        read_od_matrix(io.StringIO(csv), units=UNITS)
    text = str(err.value)
    assert "unknown unit code(s) ['Z']" in text
    assert "negative cost(s) [-10.0]" in text
    assert "not finite numbers: ['x']" in text
    assert "pair(s) missing" in text and "B->C" in text


@pytest.mark.parametrize(
    ("csv", "match"),
    [
        ("origin,destination,cost\nA,B,1\nB,A,1\n", r"pair\(s\) missing, e.g. \['A->C'"),
        ("origin,destination,cost\nA,B,1\nA,B,2\nB,A,1\n", r"more than once: \['A->B'\]"),
        ("adcode,A,B\nA,0,-1\nB,1,0\n", r"negative cost"),
        ("adcode,A,Q\nA,0,1\nQ,1,0\n", r"unknown unit code\(s\) \['Q'\]"),
        ("adcode,A,A\nA,0,1\n", r"repeated in the header"),
        ("origin,destination,cost\n", r"no rows"),
    ],
)
def test_od_bad_each(csv: str, match: str) -> None:
    units = ["A", "B"] if "Q" in csv or "A,A" in csv or "-1" in csv else UNITS
    with pytest.raises(LayerValidationError, match=match):
        read_od_matrix(io.StringIO(csv), units=units)


# ------------------------------------------------------------------ decay
def test_decay_properties() -> None:
    d = np.linspace(0, 500, 51)
    for kind in ("exponential", "gaussian"):
        f = distance_decay(d, scale_km=60.0, kind=kind)
        assert f[0] == 1.0
        assert (np.diff(f) < 0).all()  # strictly decreasing
        assert ((f > 0) & (f <= 1)).all()
    assert distance_decay(60.0, scale_km=60.0) == pytest.approx(np.exp(-1))
    assert distance_decay(np.inf) == 0.0
    # a longer scale decays more slowly
    assert distance_decay(30.0, scale_km=90.0) > distance_decay(30.0, scale_km=30.0)
    assert distance_decay(np.zeros((2, 2))).shape == (2, 2)


@pytest.mark.parametrize("scale", [0.0, -5.0, np.nan])
def test_decay_refuses_bad_scale(scale: float) -> None:
    with pytest.raises(PlannerError, match="`scale_km` must be a finite distance > 0"):
        distance_decay([1.0], scale_km=scale)


def test_decay_refuses_bad_input() -> None:
    with pytest.raises(PlannerError, match="distances >= 0"):
        distance_decay([-1.0])
    with pytest.raises(UnknownNameError, match="`kind` must be one of"):
        distance_decay([1.0], kind="linear")
