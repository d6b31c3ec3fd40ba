"""The spatial network of units (cities or counties) and its shortest-path cost matrix D.

* Nodes are units (``adcode``), placed at a representative point in the analysis CRS
  (:data:`geo.crs.ANALYSIS_CRS`, an Albers equal-area conic fitted to Guangdong, where
  straight-line distances are within a fraction of a per cent): the polygon's **centroid
  where it lies inside the polygon, otherwise a point on the surface** (so a crescent-shaped
  county is not placed in its neighbour).
* Edges join units whose polygons touch or share a boundary (one vectorised STRtree query
  over the whole array), weighted by the straight-line distance in km between the two
  representative points (``kind="adjacent"``).
* A unit or group of units touching nothing (an island such as Nan'ao County 440523) is
  joined to the unit nearest to it, measured as the gap between polygons, by an edge of
  ``kind="link"`` weighted the same way, so the graph is connected; each link is logged.
* Costs: the network is modelled in NetworkX, but the all-pairs matrix is computed with
  ``scipy.sparse.csgraph.dijkstra`` on the adjacency array, which is about 30 times faster
  than NetworkX's all-pairs Dijkstra on a 2,000-node graph (17 s vs 0.6 s, see DESIGN.md).
* A user's origin-destination matrix (travel time or cost) may replace the graph costs
  (:func:`read_od_matrix`); the decay scale must then be in the same unit.
"""
from __future__ import annotations

import io  # noqa: F401  (the doctests read StringIO through it)
import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from analysis.assumptions import DEFAULT_DECAY_KM
from geo.crs import ANALYSIS_CRS
from geo.errors import CRSError, LayerValidationError, PlannerError, UnknownNameError
from geo.io import CsvSource
from geo.messages import Note
from layers.boundaries import load_boundaries
from layers.stages import read_commented_csv

__all__ = [
    "DEFAULT_SCALE_KM",
    "build_unit_graph",
    "cost_matrix",
    "read_od_matrix",
    "distance_decay",
    "unit_cost_matrix",
]

log = logging.getLogger(__name__)

#: Distance at which exponential decay falls to 1/e (ASSUMPTION: about an hour by road
#: between neighbouring county seats; editable in the app and in every call).
DEFAULT_SCALE_KM: float = DEFAULT_DECAY_KM
_DECAY_KINDS = ("exponential", "gaussian")


def _points(geoms: np.ndarray) -> np.ndarray:
    """Centroid where it lies inside the polygon, else a point on the surface (vectorised)."""
    cent = shapely.centroid(geoms)
    inside = shapely.contains(geoms, cent)
    return np.where(inside, cent, shapely.point_on_surface(geoms))


def build_unit_graph(units: gpd.GeoDataFrame) -> nx.Graph:
    """Graph of units: adjacency of touching polygons, weighted by distance in km.

    Parameters
    ----------
    units : geopandas.GeoDataFrame
        Polygons with a CRS and a unique string column ``adcode``; optional columns
        ``name_zh``, ``name_en``, ``region`` are copied to the nodes (empty when absent).
        Not modified.

    Returns
    -------
    networkx.Graph
        Nodes ``adcode`` with attributes ``name_zh``, ``name_en``, ``region``, ``x``, ``y``
        (metres in :data:`geo.crs.ANALYSIS_CRS`). Edges with ``weight`` (km between the
        representative points), ``kind`` ("adjacent" or "link") and, for links, ``gap_km``
        (the shortest distance between the two polygons). Graph attributes ``crs`` and
        ``links`` (list of (u, v) pairs added to connect islands).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> sq = gpd.GeoDataFrame({"adcode": ["a", "b"]},
    ...     geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs=ANALYSIS_CRS)
    >>> g = build_unit_graph(sq)
    >>> g["a"]["b"]["weight"], g["a"]["b"]["kind"]
    (1.0, 'adjacent')
    """
    _check_units(units)
    gdf = units.to_crs(ANALYSIS_CRS)
    geoms = gdf.geometry.to_numpy()
    codes = gdf["adcode"].astype(str).to_numpy()
    pts = _points(geoms)
    xy = shapely.get_coordinates(pts)
    tree = shapely.STRtree(geoms)
    # One bulk query over the whole array (no pairwise Python loop). "intersects" also
    # catches neighbours whose shared edges overlap by a sliver, not only exact touches.
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    km = np.hypot(*(xy[left] - xy[right]).T) / 1000.0

    g = nx.Graph(crs=ANALYSIS_CRS.to_string(), point="centroid if inside the polygon, else point on surface", links=[])
    attrs = {c: (gdf[c].astype(str).to_numpy() if c in gdf.columns else np.full(len(gdf), "")) for c in ("name_zh", "name_en", "region")}
    g.add_nodes_from(
        (codes[i], {"name_zh": attrs["name_zh"][i], "name_en": attrs["name_en"][i], "region": attrs["region"][i],
                    "x": float(xy[i, 0]), "y": float(xy[i, 1])})
        for i in range(len(codes))
    )
    g.add_edges_from(
        (codes[a], codes[b], {"weight": float(w), "kind": "adjacent"}) for a, b, w in zip(left, right, km)
    )
    _link_components(g, geoms, codes, xy)
    return g


def _check_units(units: gpd.GeoDataFrame) -> None:
    if not isinstance(units, gpd.GeoDataFrame):
        msg = f"`units` must be a GeoDataFrame of polygons with an 'adcode' column, got {type(units).__name__}"
        raise PlannerError(msg)
    if units.crs is None:
        msg = "`units` has no CRS; set it with `units.set_crs(4326)` (boundaries are stored in WGS84)"
        raise CRSError(msg)
    problems = []
    if "adcode" not in units.columns:
        problems.append(f"column 'adcode' is missing (columns: {list(units.columns)})")
    elif units["adcode"].astype(str).duplicated().any():
        problems.append(f"adcode has duplicates: {sorted(set(units.loc[units['adcode'].astype(str).duplicated(), 'adcode'].astype(str)))[:5]}")
    if len(units) == 0:
        problems.append("no units")
    else:
        geoms = units.geometry.to_numpy()
        bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        if bad.any():
            problems.append(f"{int(bad.sum())} unit(s) without geometry, e.g. rows {list(units.index[bad][:5])}")
    if problems:
        raise LayerValidationError(problems, layer="units")


def _link_components(g: nx.Graph, geoms: np.ndarray, codes: np.ndarray, xy: np.ndarray) -> None:
    """Join every component other than the largest to its nearest unit outside it."""
    index = {c: i for i, c in enumerate(codes)}
    # A loop over components, not units: there are only a handful (islands), and each
    # pass is one vectorised distance computation against every other unit.
    while nx.number_connected_components(g) > 1:
        comps = sorted(nx.connected_components(g), key=len)
        comp = np.array(sorted(index[c] for c in comps[0]))
        others = np.setdiff1d(np.arange(len(codes)), comp)
        gap = shapely.distance(geoms[comp][:, None], geoms[others][None, :])
        a, b = np.unravel_index(np.argmin(gap), gap.shape)
        u, v = codes[comp[a]], codes[others[b]]
        km = float(np.hypot(*(xy[comp[a]] - xy[others[b]])) / 1000.0)
        g.add_edge(u, v, weight=km, kind="link", gap_km=float(gap[a, b]) / 1000.0)
        g.graph["links"].append((str(u), str(v)))
        log.info(
            "unit %s (%s) touches no other unit; linked to nearest %s (%s): gap %.1f km, edge %.1f km",
            u, g.nodes[u]["name_en"] or u, v, g.nodes[v]["name_en"] or v, gap[a, b] / 1000.0, km,
        )


def _check_order(graph: nx.Graph, order: Sequence[str]) -> list[str]:
    order = [str(o) for o in order]
    problems = []
    unknown = [o for o in order if o not in graph]
    if unknown:
        problems.append(f"unknown unit(s) {unknown[:10]}; the graph has {graph.number_of_nodes()} units, e.g. {list(graph.nodes)[:5]}")
    dups = sorted({o for o in order if order.count(o) > 1}) if len(set(order)) != len(order) else []
    if dups:
        problems.append(f"unit(s) listed more than once: {dups[:10]}")
    if problems:
        raise UnknownNameError("`order` " + "; ".join(problems) + "; pass adcodes of the graph's nodes, each once")
    return order


def cost_matrix(graph: nx.Graph, *, order: Sequence[str]) -> np.ndarray:
    """All-pairs shortest-path costs (km for :func:`build_unit_graph` graphs) in ``order``.

    The network is modelled in NetworkX, but the all-pairs computation uses
    ``scipy.sparse.csgraph.dijkstra`` on the weighted adjacency array (far faster than
    NetworkX for all pairs). Paths may run through nodes left out of ``order``.

    Parameters
    ----------
    graph : networkx.Graph or networkx.DiGraph
        Edge attribute ``weight`` >= 0 (km); a DiGraph's edges are one-way.
    order : sequence of str
        Node ids giving the rows and columns of the result.

    Returns
    -------
    numpy.ndarray
        float64, shape (len(order), len(order)), 0 on the diagonal, ``inf`` between
        disconnected nodes.

    Examples
    --------
    >>> g = nx.Graph()
    >>> g.add_weighted_edges_from([("a", "b", 10.0), ("b", "c", 10.0), ("a", "c", 25.0)])
    >>> cost_matrix(g, order=["a", "c"]).tolist()
    [[0.0, 20.0], [20.0, 0.0]]
    """
    order = _check_order(graph, order)
    nodes = order + [n for n in graph.nodes if n not in set(order)]
    pos = {n: i for i, n in enumerate(nodes)}
    edges = list(graph.edges(data="weight", default=np.nan))
    u = np.fromiter((pos[a] for a, _, _ in edges), dtype=np.int64, count=len(edges))
    v = np.fromiter((pos[b] for _, b, _ in edges), dtype=np.int64, count=len(edges))
    w = np.fromiter((w for _, _, w in edges), dtype=float, count=len(edges))
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        pairs = [(edges[i][0], edges[i][1], edges[i][2]) for i in np.flatnonzero(bad)[:5]]
        msg = f"`graph` has {int(bad.sum())} edge(s) without a finite weight >= 0, e.g. {pairs}; set edge attribute 'weight' in km"
        raise PlannerError(msg)
    n = len(nodes)
    # Sparse input keeps explicit zero weights as edges (a dense array would read them as "no edge").
    adj = csr_matrix((w, (u, v)), shape=(n, n))
    directed = graph.is_directed()
    dist = dijkstra(adj, directed=directed, indices=np.arange(len(order)))[:, : len(order)]
    if directed:
        return np.ascontiguousarray(dist, dtype=np.float64)
    # Both triangles hold shortest-path lengths; sums taken in a different order can differ
    # in the last bit, so take the smaller to make the matrix exactly symmetric.
    return np.ascontiguousarray(np.minimum(dist, dist.T), dtype=np.float64)


def read_od_matrix(
    path_or_buffer: CsvSource | pd.DataFrame, *, units: Sequence[str]
) -> np.ndarray:
    """Read a user's origin-destination cost matrix (travel time, cost or distance).

    Two layouts are accepted:

    * long: columns ``origin``, ``destination``, ``cost``; every ordered pair of different
      units must appear once; a missing diagonal is 0;
    * square wide: a header row of adcodes, the first column holding the origin adcodes,
      the cells the costs (an empty diagonal cell is 0).

    Costs may be asymmetric. Use the same unit as the decay scale (e.g. minutes with a
    scale in minutes).

    Parameters
    ----------
    path_or_buffer : path, file-like, bytes or DataFrame
        The matrix: a CSV in UTF-8 (with or without BOM) or GB18030/GBK as Excel saves it
        on a Chinese system (decoded by :func:`geo.io.read_csv_text`).
    units : sequence of str
        The adcodes of the result's rows and columns, in order.

    Returns
    -------
    numpy.ndarray
        float64, shape (len(units), len(units)).

    Raises
    ------
    PlannerError
        A missing or unreadable file, or one that is neither UTF-8 nor GB18030 (the
        message says to save it as 'CSV UTF-8').
    LayerValidationError
        One error listing every problem: unknown codes, missing or duplicated pairs,
        values that are not numbers or negative.

    Examples
    --------
    >>> csv = "origin,destination,cost\\na,b,30\\nb,a,35\\n"
    >>> read_od_matrix(io.StringIO(csv), units=["a", "b"]).tolist()
    [[0.0, 30.0], [35.0, 0.0]]
    """
    units = [str(u) for u in units]
    if len(set(units)) != len(units) or not units:
        msg = f"`units` must be a non-empty list of distinct adcodes, got {units[:10]}"
        raise PlannerError(msg)
    if isinstance(path_or_buffer, pd.DataFrame):
        frame = path_or_buffer.copy()
        raw = pd.DataFrame([list(map(str, frame.columns))] + frame.astype(str).replace({"nan": "", "None": ""}).values.tolist())
    else:
        raw = read_commented_csv(path_or_buffer, dtype=str, keep_default_na=False, header=None)
    if raw.shape[0] < 2:
        msg = Note("error.od.no_rows")
        raise LayerValidationError([msg], layer=Note("error.word.od"))
    raw = raw.astype(str).apply(lambda c: c.str.strip())
    header = list(raw.iloc[0])
    body = raw.iloc[1:].reset_index(drop=True)
    keys = [h.lower() for h in header]
    if {"origin", "destination", "cost"} <= set(keys):
        long = pd.DataFrame({k: body.iloc[:, keys.index(k)] for k in ("origin", "destination", "cost")})
    else:
        dest = header[1:]
        long = pd.DataFrame({
            "origin": np.repeat(body.iloc[:, 0].to_numpy(), len(dest)),
            "destination": np.tile(np.asarray(dest, dtype=object), len(body)),
            "cost": body.iloc[:, 1:].to_numpy().ravel(),
        })
        if len(set(dest)) != len(dest):
            long.attrs["dup_header"] = sorted({d for d in dest if dest.count(d) > 1})
    problems: list[Note] = []
    if long.attrs.get("dup_header"):
        problems.append(Note("error.od.dup_header", columns=long.attrs["dup_header"]))
    known = set(units)
    unknown = sorted((set(long["origin"]) | set(long["destination"])) - known)
    if unknown:
        problems.append(Note("error.od.unknown", codes=unknown[:10], examples=units[:5]))
    diag = long["origin"] == long["destination"]
    long = long[~(diag & (long["cost"] == ""))]  # an empty diagonal cell means 0
    cost = pd.to_numeric(long["cost"], errors="coerce").astype(float).to_numpy()
    nonnum = ~np.isfinite(cost)
    if nonnum.any():
        problems.append(Note("error.od.nonnumeric", values=sorted(set(long["cost"][nonnum]))[:6]))
    neg = cost < 0
    if neg.any():
        problems.append(Note("error.od.negative", values=cost[neg][:6].tolist()))
    pairs = long["origin"] + "->" + long["destination"]
    if pairs.duplicated().any():
        problems.append(Note("error.od.dup_pairs", pairs=sorted(set(pairs[pairs.duplicated()]))[:8]))
    pos = {u: i for i, u in enumerate(units)}
    ok = long["origin"].isin(known).to_numpy() & long["destination"].isin(known).to_numpy()
    r = long["origin"][ok].map(pos).to_numpy(dtype=np.int64)
    c = long["destination"][ok].map(pos).to_numpy(dtype=np.int64)
    have = np.eye(len(units), dtype=bool)
    have[r, c] = True
    if not have.all():
        mr, mc = np.nonzero(~have)
        eg = [f"{units[i]}->{units[j]}" for i, j in zip(mr[:8], mc[:8])]
        problems.append(Note("error.od.missing", n=int((~have).sum()), examples=eg))
    if problems:
        raise LayerValidationError(problems, layer=Note("error.word.od"))
    out = np.zeros((len(units), len(units)), dtype=np.float64)
    out[r, c] = cost[ok]
    return out


def distance_decay(
    d: np.ndarray | float, *, scale_km: float = DEFAULT_SCALE_KM, kind: Literal["exponential", "gaussian"] | str = "exponential"
) -> np.ndarray:
    """Distance decay in 0..1: 1 at distance 0, falling with distance.

    ``exponential``: ``exp(-d / scale)``; ``gaussian``: ``exp(-(d / scale)**2 / 2)``. The
    scale (default :data:`DEFAULT_SCALE_KM` = 60 km) is an editable ASSUMPTION; with an OD
    matrix in minutes, give it in minutes. ``inf`` (unreachable) gives 0.

    Parameters
    ----------
    d : array_like
        Distances or costs >= 0.
    scale_km : float
        The distance scale, > 0.
    kind : {"exponential", "gaussian"}
        Shape of the curve.

    Examples
    --------
    >>> distance_decay([0.0, 60.0], scale_km=60.0).round(4).tolist()
    [1.0, 0.3679]
    >>> float(distance_decay(60.0, kind="gaussian").round(4))
    0.6065
    """
    if kind not in _DECAY_KINDS:
        msg = f"`kind` must be one of {list(_DECAY_KINDS)}, got {kind!r}"
        raise UnknownNameError(msg)
    scale = float(scale_km)
    if not np.isfinite(scale) or scale <= 0:
        msg = f"`scale_km` must be a finite distance > 0, got {scale_km!r}; try the default {DEFAULT_SCALE_KM:g} km"
        raise PlannerError(msg)
    arr = np.asarray(d, dtype=np.float64)
    if np.isnan(arr).any() or (arr < 0).any():
        msg = f"`d` must hold distances >= 0 (inf allowed for unreachable); got {int(np.isnan(arr).sum())} NaN and {int((arr < 0).sum())} negative value(s)"
        raise PlannerError(msg)
    z = arr / scale
    return np.exp(-z) if kind == "exponential" else np.exp(-0.5 * z * z)


@lru_cache(maxsize=2)
def _boundary_costs(level: str) -> tuple[tuple[str, ...], np.ndarray]:
    units = load_boundaries(level)  # type: ignore[arg-type]
    graph = build_unit_graph(units)
    order = tuple(units["adcode"].astype(str))
    return order, cost_matrix(graph, order=order)


def unit_cost_matrix(
    *, level: Literal["city", "county"] = "county", od: CsvSource | pd.DataFrame | None = None
) -> tuple[list[str], np.ndarray]:
    """Adcodes of ``level`` in boundary order and their cost matrix.

    Without ``od``: boundaries -> :func:`build_unit_graph` -> :func:`cost_matrix` (km along
    adjacent units; cached per level, copies returned). With ``od``: the user's matrix read
    by :func:`read_od_matrix` for the same units.

    Examples
    --------
    >>> codes, D = unit_cost_matrix(level="city")
    >>> len(codes), D.shape, bool((D == D.T).all()), bool(np.isfinite(D).all())
    (21, (21, 21), True, True)
    """
    if level not in ("city", "county"):
        msg = f"`level` must be 'city' or 'county', got {level!r}"
        raise UnknownNameError(msg)
    if od is not None:
        codes = list(load_boundaries(level)["adcode"].astype(str))
        return codes, read_od_matrix(od, units=codes)
    order, dist = _boundary_costs(level)
    return list(order), dist.copy()
