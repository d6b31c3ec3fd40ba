"""Road travel times: the build steps on tiny graphs, the shipped matrices, the loader's checks."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from shapely.geometry import box

from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from layers.boundaries import load_boundaries
from layers.travel import describe_travel_source, load_travel_matrix
from scripts.build_travel_times import (
    long_table,
    parse_edges,
    parse_nodes,
    project_lonlat,
    select_nodes,
    split_literals,
)
from scripts.travel_graph import (
    Connectors,
    add_fixed_links,
    build_graph,
    check_seat_access,
    close_gaps,
    connect_seats,
    keep_main_component,
    shortest_paths,
)


def _conn(seat: list[int], node: list[int], km: list[float], hours: list[float]) -> Connectors:
    return Connectors(np.array(seat), np.array(node), np.array(km, dtype=float), np.array(hours, dtype=float))


# ------------------------------------------------------------------ reading the package file


def test_parse_literals_nodes_and_edges() -> None:
    text = (
        "from scgraph.core import GeoGraph\n"
        "graph=[{1: 2.0, 3: 9.0}, {0: 2.5, 2: 1.0, 1: 0.3}, {1: 1.0}, {0: 9.0}]\n"
        "nodes=[[23.0, 113.0], [23.0, 113.1], [23.1, 113.1], [40.0, 120.0]]\n"
        "g = GeoGraph(graph=graph, nodes=nodes)\n"
    )
    graph, nodes = split_literals(text)
    lonlat = parse_nodes(nodes)
    assert lonlat[0].tolist() == [113.0, 23.0]  # the file stores lat, lon
    keep = select_nodes(lonlat, (112.5, 22.5, 113.5, 23.5), margin=0.1)
    assert keep.tolist() == [True, True, True, False]
    edges, km = parse_edges(graph, keep)
    # 0-1 listed twice with different lengths -> once, the shorter; 1-1 self-loop and 0-3 (dropped node) gone
    assert edges.tolist() == [[0, 1], [1, 2]]
    assert km.tolist() == [2.0, 1.0]


def test_parse_errors_name_the_problem() -> None:
    with pytest.raises(PlannerError, match=r"no line 'nodes=\[...\]'"):
        split_literals("graph=[{}]\n")
    with pytest.raises(PlannerError, match="2 adjacency dicts but there are 3 nodes"):
        parse_edges("[{1: 1.0}, {0: 1.0}]", np.ones(3, dtype=bool))
    with pytest.raises(PlannerError, match="list of dicts"):
        parse_edges("[1, 2]", np.ones(2, dtype=bool))
    with pytest.raises(PlannerError, match=r"\[lat, lon\] pairs"):
        parse_nodes("[1, 2, 3]")


# ------------------------------------------------------------------ the graph on tiny cases


def test_build_graph_is_symmetric_with_hours_from_speed() -> None:
    g_km, g_h = build_graph(np.array([[0, 1], [1, 2]]), np.array([10.0, 30.0]), n_nodes=3, speed_kmh=60)
    assert (g_km != g_km.T).nnz == 0
    assert g_h[2, 1] == pytest.approx(0.5)
    g_km, g_h = build_graph(np.array([[0, 1]]), np.array([10.0]), n_nodes=2, speed_kmh=np.array([20.0]))
    assert g_h[0, 1] == pytest.approx(0.5)
    with pytest.raises(PlannerError, match="speed_kmh` must be positive"):
        build_graph(np.array([[0, 1]]), np.array([10.0]), n_nodes=2, speed_kmh=0)
    with pytest.raises(PlannerError, match="1 are negative"):
        build_graph(np.array([[0, 1]]), np.array([-1.0]), n_nodes=2, speed_kmh=50)


def test_shortest_paths_by_hand() -> None:
    # 0 --20 km-- 1; seats A at node 0, B at node 1, connectors 1.5 km / 0.05 h each
    g_km, g_h = build_graph(np.array([[0, 1]]), np.array([20.0]), n_nodes=2, speed_kmh=50)
    km, h = shortest_paths(g_km, g_h, _conn([0, 1], [0, 1], [1.5, 1.5], [0.05, 0.05]), n_seats=2)
    assert km.tolist() == [[0.0, 23.0], [23.0, 0.0]]
    assert h[0, 1] == pytest.approx(0.05 + 20 / 50 + 0.05)


def test_km_is_that_of_the_fastest_route_not_the_shortest() -> None:
    # direct 0-1: 10 km at 10 km/h (1 h); via 2: 6 + 6 km at 60 km/h (0.2 h)
    edges = np.array([[0, 1], [0, 2], [1, 2]])
    km_e = np.array([10.0, 6.0, 6.0])
    g_km, g_h = build_graph(edges, km_e, n_nodes=3, speed_kmh=np.array([10.0, 60.0, 60.0]))
    km, h = shortest_paths(g_km, g_h, _conn([0, 1], [0, 1], [0.0, 0.0], [0.0, 0.0]), n_seats=2)
    assert h[0, 1] == pytest.approx(0.2)
    assert km[0, 1] == pytest.approx(12.0)


def test_long_paths_sum_every_edge() -> None:
    n = 300  # a chain of 299 one-km edges: the predecessor doubling must add them all
    edges = np.column_stack([np.arange(n - 1), np.arange(1, n)])
    g_km, g_h = build_graph(edges, np.ones(n - 1), n_nodes=n, speed_kmh=100)
    km, h = shortest_paths(g_km, g_h, _conn([0, 1], [0, n - 1], [0.0, 0.0], [0.0, 0.0]), n_seats=2)
    assert km[0, 1] == pytest.approx(n - 1)
    assert h[1, 0] == pytest.approx((n - 1) / 100)


def test_disconnected_seat_is_a_clear_error_and_no_route_runs_through_a_seat() -> None:
    # nodes 0 and 1 have no edge; seat C touches both, so a route A -> C -> B would exist
    # if seats were ordinary nodes: it must not.
    g_km, g_h = build_graph(np.empty((0, 2), dtype=int), np.empty(0), n_nodes=2, speed_kmh=50)
    conn = _conn([0, 1, 2, 2], [0, 1, 0, 1], [1.0] * 4, [0.1] * 4)
    with pytest.raises(PlannerError, match=r"not connected by the network, e\.g\. A -> B"):
        shortest_paths(g_km, g_h, conn, n_seats=3, names=["A", "B", "C"])


def test_connect_seats_k_nearest_with_detour_and_speed() -> None:
    nodes = np.array([[0.0, 0.0], [3000.0, 0.0], [0.0, 10_000.0]])
    c = connect_seats(np.array([[0.0, 4000.0]]), nodes, k=2, detour=1.25, speed_kmh=25)
    assert c.node.tolist() == [0, 1]
    assert c.km.tolist() == pytest.approx([5.0, 6.25])
    assert c.hours.tolist() == pytest.approx([0.2, 0.25])
    assert len(connect_seats(np.array([[0.0, 0.0]]), nodes, k=10, detour=1, speed_kmh=1).node) == 3
    with pytest.raises(PlannerError, match="need k >= 1, detour >= 1"):
        connect_seats(np.zeros((1, 2)), nodes, k=1, detour=0.5, speed_kmh=30)


def test_close_gaps_only_where_the_network_detours() -> None:
    # square 0-1-2-3 (1 km sides) plus a spur 3-4 ending 0.3 km from node 0's side
    xy = np.array([[0.0, 0], [1000, 0], [1000, 1000], [0, 1000], [-300, 500]])
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    km = np.array([1.0, 1.0, 1.0, 0.583])
    g, _ = build_graph(edges, km, n_nodes=5, speed_kmh=1)
    # the dead end 4 reaches node 0 (0.58 km away) only round the square (3.6 km): joined
    e, k = close_gaps(g, xy, radius_km=1.0, max_ratio=3)
    assert e.tolist() == [[0, 4]] and k == pytest.approx([0.583], abs=1e-3)
    # with the whole square closed (edge 0-3), node 0 is 1.58 km away by road: < 3 x straight
    g2, _ = build_graph(np.vstack([edges, [[0, 3]]]), np.append(km, 1.0), n_nodes=5, speed_kmh=1)
    assert close_gaps(g2, xy, radius_km=1.0, max_ratio=3)[0].shape == (0, 2)
    assert close_gaps(g, xy, radius_km=0.1, max_ratio=3)[0].shape == (0, 2)


def test_fixed_links_snap_to_nodes_and_keep_main_component() -> None:
    xy = np.array([[0.0, 0], [1000, 0], [10_000, 0], [11_000, 0]])
    edges, km = np.array([[0, 1], [2, 3]]), np.array([1.0, 1.0])
    g, _ = build_graph(edges, km, n_nodes=4, speed_kmh=1)
    assert keep_main_component(g).sum() == 2
    e2, k2, rep = add_fixed_links(edges, km, xy, [(np.array([1100.0, 50]), np.array([9900.0, -50]))])
    assert rep[0]["nodes"] == (1, 2) and k2[-1] == pytest.approx(9.0)
    g2, _ = build_graph(e2, k2, n_nodes=4, speed_kmh=1)
    assert keep_main_component(g2).all()
    with pytest.raises(PlannerError, match="both ends of a fixed link snap to node 0"):
        add_fixed_links(edges, km, xy, [(np.array([0.0, 1]), np.array([1.0, 0]))])


def test_check_seat_access_flags_islands_cut_off() -> None:
    xy = np.array([[5.0, 5.0], [15.0, 5.0], [25.0, 5.0]])
    polys = [box(0, 0, 10, 10), box(10, 0, 20, 10), box(20, 0, 30, 10), box(30, 0, 40, 10)]
    main = np.array([True, False, True])
    problems = check_seat_access(polys, xy, main, ["a", "b", "c", "d"])
    assert problems == ["unit b has network roads but none joined to the main network; add a fixed link"]


def test_long_table_every_ordered_pair() -> None:
    t = long_table(["x", "y", "z"], np.arange(9.0).reshape(3, 3), np.zeros((3, 3)))
    assert len(t) == 9 and list(t.columns) == ["origin", "destination", "km", "hours"]
    assert t.iloc[5].tolist() == ["y", "z", 5.0, 0.0]


# ------------------------------------------------------------------ the shipped matrices


@pytest.fixture(scope="module")
def seats() -> pd.DataFrame:
    return pd.read_csv(get_path("travel_seats"), dtype={"adcode": str})


@pytest.mark.parametrize(("level", "n"), [("county", 124), ("city", 21)])
def test_shipped_matrices_are_complete_and_plausible(level: str, n: int, seats: pd.DataFrame) -> None:
    km = load_travel_matrix(level=level, measure="km")
    h = load_travel_matrix(level=level, measure="hours")
    codes = list(load_boundaries(level)["adcode"])
    assert km.shape == h.shape == (n, n)
    assert list(km.index) == list(km.columns) == codes
    assert (km.dtypes == "float64").all()
    k, t = km.to_numpy(), h.to_numpy()
    assert np.isfinite(k).all() and np.isfinite(t).all()
    assert np.allclose(k, k.T, atol=0.1) and np.allclose(t, t.T, atol=0.002)
    assert (np.diag(k) == 0).all() and (np.diag(t) == 0).all()
    off = ~np.eye(n, dtype=bool)
    # road km against the straight line between the same seats
    s = seats[seats["level"] == level].set_index("adcode").loc[codes]
    xy = project_lonlat(s[["lon", "lat"]].to_numpy())
    straight = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 1000
    ratio = k[off] / straight[off]
    assert ratio.min() >= 1.0 and ratio.max() < 4.5
    assert np.median(ratio) == pytest.approx(1.3, abs=0.15)
    # implied speeds between the connector (30) and network (70) speeds
    speed = k[off] / t[off]
    assert speed.min() > 25 and speed.max() < 70


def test_seats_lie_in_their_units(seats: pd.DataFrame) -> None:
    for level in ("county", "city"):
        units = load_boundaries(level)
        s = seats[seats["level"] == level].set_index("adcode").loc[list(units["adcode"])]
        assert shapely.contains_xy(units.geometry.to_numpy(), s["lon"].to_numpy(), s["lat"].to_numpy()).all()
    city = seats[seats["level"] == "city"].set_index("adcode")
    assert city.loc["440100", "seat"].startswith("GeoNames Guangzhou")


def test_known_pairs() -> None:
    km = load_travel_matrix(level="county", measure="km")
    h = load_travel_matrix(level="county")
    assert 350 <= km.loc["440118", "440513"] <= 420  # Zengcheng -> Chaoyang
    assert 4.5 <= h.loc["440118", "440513"] <= 6.5
    # Nan'ao island is reached over the Nan'ao Bridge from Shantou's Jinping, not 150 km round
    assert km.loc["440511", "440523"] < 70
    city = load_travel_matrix(level="city", measure="km")
    assert 60 <= city.loc["440100", "441800"] <= 100  # Guangzhou -> Qingyuan
    assert 300 <= city.loc["440300", "440500"] <= 400  # Shenzhen -> Shantou


# ------------------------------------------------------------------ the loader


def _corrupt_copy(tmp_path: Path) -> Path:
    t = pd.read_csv(get_path("travel_city"), dtype=str, keep_default_na=False)
    t = t.drop(index=[3])  # 440100 -> 440400 missing
    t.loc[5, "km"] = ""  # empty
    t.loc[6, "hours"] = "fast"  # not a number
    t.loc[7, "km"] = "-3"  # negative
    t.loc[0, "hours"] = "0.5"  # 440100 -> 440100 not 0
    t.loc[8, "origin"] = "449999"  # unknown code
    path = tmp_path / "broken.csv"
    t.to_csv(path, index=False)
    return path


def test_loader_collects_every_problem_naming_the_file(tmp_path: Path) -> None:
    path = _corrupt_copy(tmp_path)
    with pytest.raises(LayerValidationError, match=r"travel matrix broken\.csv has 7 problem") as err:
        load_travel_matrix(level="city", path=path)
    text = "\n".join(err.value.problems)
    for expected in ("not city adcodes of Guangdong: ['449999']", "2 of the 441 ordered pairs", "'440100->440400'",
                     "1 value(s) of 'km' are empty", "1 value(s) of 'hours' are empty, not numbers",
                     "'km' are negative", "from a unit to itself must be 0; not so for ['440100']", "rebuild"):
        assert expected in text


def test_loader_missing_columns_and_files(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("origin,destination,cost\n440100,440200,1\n", encoding="utf-8")
    with pytest.raises(LayerValidationError, match=r"columns \['km', 'hours'\] are missing"):
        load_travel_matrix(level="city", path=path)
    with pytest.raises(PlannerError, match="does not exist; rebuild"):
        load_travel_matrix(path=tmp_path / "nope.csv")


def test_loader_bad_names() -> None:
    with pytest.raises(UnknownNameError, match=r"`level` must be one of \['county', 'city'\], got 'province'"):
        load_travel_matrix(level="province")  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match=r"`measure` must be one of \['hours', 'km'\].*'minutes'"):
        load_travel_matrix(measure="minutes")  # type: ignore[arg-type]


def test_loader_returns_copies_and_rereads_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "city.csv"
    path.write_bytes(get_path("travel_city").read_bytes())
    d = load_travel_matrix(level="city", path=path)
    d.iloc[0, 1] = -1.0
    assert load_travel_matrix(level="city", path=path).iloc[0, 1] > 0
    t = pd.read_csv(path, dtype=str)
    t.loc[t["destination"] != t["origin"], "hours"] = "9"
    t.to_csv(path, index=False)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    assert load_travel_matrix(level="city", path=path).iloc[0, 1] == 9.0


@settings(max_examples=15, deadline=None)
@given(arrays(np.float64, (21, 21), elements=st.floats(0, 2000, allow_nan=False)))
def test_long_table_round_trips_through_the_loader(values: np.ndarray) -> None:
    m = (values + values.T) / 2
    np.fill_diagonal(m, 0)
    codes = list(load_boundaries("city")["adcode"])
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.csv"
        long_table(codes, m, m / 70).to_csv(path, index=False)
        km = load_travel_matrix(level="city", measure="km", path=path)
        h = load_travel_matrix(level="city", measure="hours", path=path)
    assert np.allclose(km.to_numpy(), m, atol=0.05)
    assert np.allclose(h.to_numpy(), m / 70, atol=0.0005)


def test_describe_travel_source(tmp_path: Path) -> None:
    s = describe_travel_source()
    meta = json.loads(get_path("travel_meta").read_text(encoding="utf-8"))
    assert "\n" not in s
    assert f"ASSUMPTION {meta['assumptions']['speed']:g} km/h" in s
    assert "© OpenStreetMap contributors" in s and "Nan'ao Bridge" in s
    bad = tmp_path / "meta.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(PlannerError, match=r"cannot describe the travel times from .*meta\.json"):
        describe_travel_source(path=bad)
