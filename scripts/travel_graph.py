"""Road graph operations for the travel-time build: pure numpy / scipy, tested on tiny graphs.

Used by ``scripts/build_travel_times.py``; every function takes arrays and returns arrays
(node coordinates in metres of a projected CRS, lengths in km, times in hours), so each can
be checked by hand on a three-node graph (``tests/test_travel.py``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from geo.errors import PlannerError

__all__ = [
    "Connectors",
    "add_fixed_links",
    "build_graph",
    "check_seat_access",
    "close_gaps",
    "connect_seats",
    "keep_main_component",
    "shortest_paths",
]


@dataclass(frozen=True)
class Connectors:
    """Edges joining seats to network nodes (parallel arrays, one row per edge)."""

    seat: np.ndarray  #: seat index (0..n_seats-1)
    node: np.ndarray  #: network node index
    km: np.ndarray
    hours: np.ndarray


def add_fixed_links(
    edges: np.ndarray, km: np.ndarray, node_xy: np.ndarray, links: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Append one straight edge per link, between the nodes nearest to its two end points.

    ``links`` holds pairs of end points already in the projected CRS (metres). The length is
    the straight line between the two snapped nodes, as the network's own edges are (their
    lengths are within 0.2 % of the straight line at the median).

    Returns
    -------
    edges, km, report
        The grown edge arrays and, per link, the snapped nodes, how far each end point was
        from its node (m) and the edge km.

    Examples
    --------
    >>> xy = np.array([[0.0, 0.0], [3000.0, 4000.0]])
    >>> e, k, rep = add_fixed_links(np.empty((0, 2), int), np.empty(0), xy,
    ...                             [(np.array([10.0, 0.0]), np.array([3000.0, 3990.0]))])
    >>> e.tolist(), k.tolist(), rep[0]["nodes"]
    ([[0, 1]], [5.0], (0, 1))
    """
    tree = cKDTree(node_xy)
    new_e, new_km, report = [], [], []
    for a, b in links:
        (da, ia), (db, ib) = tree.query(a), tree.query(b)
        if ia == ib:
            msg = f"both ends of a fixed link snap to node {ia}; check its coordinates"
            raise PlannerError(msg)
        length = float(np.hypot(*(node_xy[ia] - node_xy[ib]))) / 1000.0
        new_e.append((min(ia, ib), max(ia, ib)))
        new_km.append(length)
        report.append({"nodes": (int(ia), int(ib)), "snap_m": (float(da), float(db)), "km": length})
    if not new_e:
        return edges, km, report
    return (np.vstack([edges, np.asarray(new_e, dtype=edges.dtype)]),
            np.concatenate([km, np.asarray(new_km)]), report)


def build_graph(
    edges: np.ndarray, km: np.ndarray, *, n_nodes: int, speed_kmh: float | np.ndarray
) -> tuple[csr_matrix, csr_matrix]:
    """Symmetric sparse matrices of edge km and edge hours (``km / speed_kmh``).

    ``speed_kmh`` is one number (ASSUMPTION, the network has no road class) or one per edge.
    Zero lengths are raised to 1e-9 so that ``csgraph`` keeps them as edges.

    Examples
    --------
    >>> g_km, g_h = build_graph(np.array([[0, 1]]), np.array([35.0]), n_nodes=2, speed_kmh=70)
    >>> g_km[1, 0], g_h[0, 1]
    (np.float64(35.0), np.float64(0.5))
    """
    speed = np.broadcast_to(np.asarray(speed_kmh, dtype=float), km.shape)
    if (speed <= 0).any() or not np.isfinite(speed).all():
        msg = f"`speed_kmh` must be positive and finite, got {np.unique(speed)[:5]}"
        raise PlannerError(msg)
    if len(km) and (km < 0).any():
        msg = f"edge lengths must be >= 0; {int((km < 0).sum())} are negative"
        raise PlannerError(msg)
    km = np.maximum(km, 1e-9)
    hours = km / speed
    r = np.concatenate([edges[:, 0], edges[:, 1]])
    c = np.concatenate([edges[:, 1], edges[:, 0]])
    shape = (n_nodes, n_nodes)
    return (csr_matrix((np.concatenate([km, km]), (r, c)), shape=shape),
            csr_matrix((np.concatenate([hours, hours]), (r, c)), shape=shape))


def close_gaps(
    graph_km: csr_matrix, node_xy: np.ndarray, *, radius_km: float, max_ratio: float, k: int = 8,
    chunk: int = 256,
) -> tuple[np.ndarray, np.ndarray]:
    """Edges joining dead ends to the nodes the network cut them off from.

    A dead end (a node with one edge) is joined to the nearest of its ``k`` nearest nodes
    within ``radius_km`` that the network reaches only by a route longer than ``max_ratio``
    times the straight line (or not at all). The new edge is the straight line, like the
    network's own edges. Nodes already linked to the dead end do not count.

    Returns
    -------
    edges, km
        ``(m, 2)`` node pairs (``i < j``, each pair once) and their straight-line km.

    Examples
    --------
    Two roads 0-1 and 2-3 whose ends 1 and 2 lie 500 m apart:

    >>> xy = np.array([[0.0, 0], [1000, 0], [1500, 0], [2500, 0]])
    >>> g, _ = build_graph(np.array([[0, 1], [2, 3]]), np.array([1.0, 1.0]), n_nodes=4, speed_kmh=1)
    >>> e, km = close_gaps(g, xy, radius_km=1, max_ratio=3)
    >>> e.tolist(), km.tolist()
    ([[1, 2]], [0.5])
    """
    n = graph_km.shape[0]
    deg = np.diff(graph_km.tocsr().indptr)
    dead = np.flatnonzero(deg == 1)
    if len(dead) == 0 or n < 2:
        return np.empty((0, 2), dtype=np.int64), np.empty(0)
    k = min(k + 1, n)
    dist, cand = cKDTree(node_xy).query(node_xy[dead], k=k, distance_upper_bound=radius_km * 1000.0)
    dist, cand = dist.reshape(len(dead), k), cand.reshape(len(dead), k)
    valid = np.isfinite(dist) & (cand != dead[:, None])
    cand = np.where(valid, cand, 0)
    straight = dist / 1000.0
    net = np.empty_like(straight)
    for s in range(0, len(dead), chunk):  # dense rows of the distance matrix, a chunk at a time
        d = dijkstra(graph_km, directed=False, indices=dead[s:s + chunk], limit=max_ratio * radius_km)
        net[s:s + chunk] = np.take_along_axis(d, cand[s:s + chunk], axis=1)
    cut = valid & (net > max_ratio * straight)
    has = cut.any(axis=1)
    first = np.argmax(cut, axis=1)[has]  # candidates come sorted by distance
    i, j = dead[has], cand[has, first]
    km = straight[has, first]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    _, keep = np.unique(lo * n + hi, return_index=True)
    return np.column_stack([lo[keep], hi[keep]]).astype(np.int64), km[keep]


def keep_main_component(graph: csr_matrix) -> np.ndarray:
    """Boolean mask of the nodes in the largest connected component.

    Examples
    --------
    >>> g, _ = build_graph(np.array([[0, 1], [1, 2]]), np.ones(2), n_nodes=4, speed_kmh=1)
    >>> keep_main_component(g).tolist()
    [True, True, True, False]
    """
    _, labels = connected_components(graph, directed=False)
    return labels == np.bincount(labels).argmax()


def check_seat_access(
    polygons: np.ndarray, node_xy: np.ndarray, main: np.ndarray, codes: list[str]
) -> list[str]:
    """Problems: units whose polygon holds network nodes but none of the main component.

    ``polygons`` are the units' geometries in the same projected CRS as ``node_xy``; ``main``
    marks the nodes kept. Such a unit (an island whose bridge the network lacks) would
    otherwise be joined across the water by a long connector, silently; join its roads
    to the main network first (a fixed link).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> xy = np.array([[5.0, 5.0], [15.0, 5.0]])
    >>> check_seat_access([box(0, 0, 10, 10), box(10, 0, 20, 10)], xy, np.array([True, False]), ["a", "b"])
    ['unit b has network roads but none joined to the main network; add a fixed link']
    """
    pts = shapely.points(node_xy)
    tree = shapely.STRtree(pts)
    unit_idx, node_idx = tree.query(np.asarray(polygons, dtype=object), predicate="contains")
    any_node = np.bincount(unit_idx, minlength=len(codes)) > 0
    main_node = np.bincount(unit_idx[main[node_idx]], minlength=len(codes)) > 0
    return [f"unit {codes[u]} has network roads but none joined to the main network; add a fixed link"
            for u in np.flatnonzero(any_node & ~main_node)]


def connect_seats(
    seat_xy: np.ndarray, node_xy: np.ndarray, *, k: int, detour: float, speed_kmh: float
) -> Connectors:
    """Join every seat to its ``k`` nearest nodes: straight line x ``detour`` at ``speed_kmh``.

    Examples
    --------
    >>> c = connect_seats(np.array([[0.0, 1000.0]]), np.array([[0.0, 0.0], [9e3, 0.0]]),
    ...                   k=1, detour=1.5, speed_kmh=30)
    >>> c.node.tolist(), c.km.tolist(), c.hours.tolist()
    ([0], [1.5], [0.05])
    """
    if k < 1 or detour < 1 or speed_kmh <= 0:
        msg = f"need k >= 1, detour >= 1 and speed_kmh > 0; got k={k}, detour={detour}, speed_kmh={speed_kmh}"
        raise PlannerError(msg)
    k = min(k, len(node_xy))
    dist, node = cKDTree(node_xy).query(seat_xy, k=k)
    dist, node = dist.reshape(len(seat_xy), k), node.reshape(len(seat_xy), k)
    km = np.maximum(dist.ravel() / 1000.0 * detour, 1e-9)
    return Connectors(seat=np.repeat(np.arange(len(seat_xy)), k), node=node.ravel().astype(np.int64),
                      km=km, hours=km / speed_kmh)


def shortest_paths(
    graph_km: csr_matrix, graph_hours: csr_matrix, conn: Connectors, *, n_seats: int,
    names: list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Fastest route between every pair of seats: its km and its hours.

    Each seat is split into a source (edges out to its nodes) and a sink (edges in from
    them), so no route passes *through* another seat. ``dijkstra`` runs on hours from every
    source; the km of each fastest route is summed along its predecessor tree.

    Returns
    -------
    km, hours : numpy.ndarray
        ``(n_seats, n_seats)``, zero diagonal.

    Raises
    ------
    PlannerError
        When some seat cannot reach another (names the seats).

    Examples
    --------
    >>> g_km, g_h = build_graph(np.array([[0, 1]]), np.array([20.0]), n_nodes=2, speed_kmh=50)
    >>> c = Connectors(np.array([0, 1]), np.array([0, 1]), np.array([1.5, 1.5]), np.array([0.05, 0.05]))
    >>> km, h = shortest_paths(g_km, g_h, c, n_seats=2)
    >>> km[0, 1].item(), round(h[1, 0].item(), 6)
    (23.0, 0.5)
    """
    n = graph_km.shape[0]
    s = n_seats
    v = n + 2 * s
    g = graph_hours.tocoo()
    gk = graph_km.tocsr()
    net_km = np.asarray(gk[g.row, g.col]).ravel()
    rows = np.concatenate([g.row, n + conn.seat, conn.node])
    cols = np.concatenate([g.col, conn.node, n + s + conn.seat])
    hours = np.concatenate([g.data, conn.hours, conn.hours])
    kms = np.concatenate([net_km, conn.km, conn.km])
    big = csr_matrix((hours, (rows, cols)), shape=(v, v))
    dist, pred = dijkstra(big, directed=True, indices=n + np.arange(s), return_predecessors=True)
    h = dist[:, n + s:]
    np.fill_diagonal(h, 0.0)
    bad = ~np.isfinite(h)
    if bad.any():
        label = names if names is not None else [str(i) for i in range(s)]
        pairs = [f"{label[i]} -> {label[j]}" for i, j in zip(*np.nonzero(bad), strict=True)][:10]
        msg = (f"{int(bad.sum())} pair(s) of seats are not connected by the network, e.g. {', '.join(pairs)}; "
               "join the detached part with a FixedLink or check the seats")
        raise PlannerError(msg)
    km = _km_along(pred, rows.astype(np.int64) * v + cols, kms, v)[:, n + s:]
    np.fill_diagonal(km, 0.0)
    return km, h


def _km_along(pred: np.ndarray, edge_keys: np.ndarray, edge_km: np.ndarray, v: int) -> np.ndarray:
    """Length of every tree path from its root, by pointer doubling over the predecessors."""
    order = np.argsort(edge_keys)
    keys, lens = edge_keys[order], edge_km[order]
    has = pred >= 0
    acc = np.zeros(pred.shape)
    col = np.broadcast_to(np.arange(v), pred.shape)
    acc[has] = lens[np.searchsorted(keys, pred[has].astype(np.int64) * v + col[has])]
    anc = np.where(has, pred, -1).astype(np.int64)
    row = np.broadcast_to(np.arange(pred.shape[0])[:, None], pred.shape)
    while (m := anc >= 0).any():
        r, a = row[m], anc[m]
        acc[m], anc[m] = acc[m] + acc[r, a], anc[r, a]
    return acc
