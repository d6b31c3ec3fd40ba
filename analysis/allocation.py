"""Allocate relocating capacity to destinations with finite room, as a min-cost flow.

Network (NetworkX, solved with ``network_simplex``)::

    origin o --(cost c[o,d], no cap)--> destination d --(cap room[d], cost 0)--> sink
    origin o --(cost UNMET_COST, no cap)--> "unmet" --(no cap)--> sink

Each origin supplies its amount, the sink takes the total. The cost of a unit of capacity
moving from ``o`` to ``d`` is ``round((1 - score[o, d]) * 1000)`` where ``score`` is the fit
score of ``d`` for the stage leaving ``o`` (:func:`analysis.fit.score_transfer_fit`), so the
flow prefers the best-fitting destinations. Ineligible destinations (a constraint such as
§19, or a user exclusion) get no edge. Whatever does not fit goes to "unmet" at
``UNMET_COST`` (above any real cost), which is reported as ``shortfall`` with a message
rather than an infeasibility error.

Amounts are scaled to integers (``AMOUNT_SCALE`` = 1000 steps per unit, i.e. three decimals)
because network simplex is exact only on integers; amounts and room are capped at
:data:`analysis.weights.MAX_AMOUNT` (10^12), so the steps stay exact 64-bit integers.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from analysis.fit import FitResult, score_transfer_fit
from analysis.notes import Note
from analysis.weights import check_amounts
from geo.crs import STORAGE_CRS
from geo.errors import PlannerError, UnknownNameError
from layers.boundaries import load_boundaries
from layers.places import load_places

__all__ = ["AllocationResult", "allocate_capacity", "COST_SCALE", "UNMET_COST", "AMOUNT_SCALE"]

log = logging.getLogger(__name__)

#: Cost of one unit of capacity at a destination with fit score s: round((1 - s) * COST_SCALE).
COST_SCALE = 1000
#: Cost of leaving one unit unplaced; above any real cost (the largest is COST_SCALE).
UNMET_COST = 10 * COST_SCALE
#: Amounts are solved in steps of 1 / AMOUNT_SCALE.
AMOUNT_SCALE = 1000
_UNMET = "__unmet__"
_SINK = "__sink__"


@dataclass
class AllocationResult:
    """Outcome of :func:`allocate_capacity`.

    Attributes
    ----------
    flows : DataFrame
        ``origin, destination, amount, cost, score, name_zh, name_en`` — ``cost`` is the
        per-unit cost ``round((1 - score) * 1000)``; one row per used origin-destination pair.
    lines : GeoDataFrame
        The flows as WGS84 LineStrings from the origin's representative point to the
        destination's (a unit's representative point or a place's location).
    shortfall : float
        Capacity that found no room (0 when everything was placed).
    message : str
        One sentence for the planner (mentions the shortfall when there is one), a
        :class:`~analysis.notes.Note` (outputs put it into the reader's language).
    """

    flows: pd.DataFrame
    lines: gpd.GeoDataFrame
    shortfall: float
    message: str


def _unit_points(level: str) -> pd.Series:
    g = load_boundaries(level)
    pts = g.geometry.representative_point()
    return pd.Series(pts.to_numpy(), index=g["adcode"].astype(str).to_numpy())


def allocate_capacity(
    stage: str,
    origins: Mapping[str, float],
    *,
    room: Mapping[str, float],
    fit: FitResult | None = None,
    level: str = "county",
    places: pd.DataFrame | None = None,
    points: Mapping[str, object] | None = None,
    **fit_kwargs: object,
) -> AllocationResult:
    """Move capacity of ``stage`` out of PRD origins into destinations with room.

    Parameters
    ----------
    stage : str
        Stage id.
    origins : mapping adcode -> amount
        Capacity leaving each origin (any unit, e.g. tonnes or firms; amounts >= 0).
    room : mapping destination -> capacity
        Destination adcode or place id (from ``places``) -> room it can take.
    fit : FitResult, optional
        Fit to take the scores from, used for every origin. By default each origin is
        scored with :func:`analysis.fit.score_transfer_fit` (``fit_kwargs`` passed on).
    level : {"county", "city"}
        Units of ``origins`` and adcode destinations.
    places : DataFrame, optional
        Places (``id``, ``county_adcode`` / ``city_adcode``, geometry) for place-id
        destinations; :func:`layers.places.load_places` by default when one is needed.
    points : mapping adcode or id -> shapely Point, optional
        Where lines start and end; unit representative points and place locations by default.

    Returns
    -------
    AllocationResult

    Raises
    ------
    PlannerError
        Unknown origin or destination; amounts or room that are not finite numbers from 0
        to :data:`analysis.weights.MAX_AMOUNT` (:func:`analysis.weights.check_amounts`; larger
        ones would overflow the integer steps of the flow). Too little room is not an
        error: see ``shortfall`` and ``message``.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> units = pd.DataFrame({"adcode": ["o", "a", "b"], "name_zh": ["源", "甲", "乙"], "name_en": ["O", "A", "B"],
    ...     "city_adcode": ["o", "a", "b"], "region": ["PRD", "East", "East"]})
    >>> cap = pd.DataFrame({"dyeing": [1.0, 1.0, 0.0]}, index=["o", "a", "b"])
    >>> chain = pd.DataFrame([[0.0]], index=["dyeing"], columns=["dyeing"])
    >>> cost = pd.DataFrame(60.0, index=["o", "a", "b"], columns=["o", "a", "b"])
    >>> des = pd.DataFrame({"adcode": ["a", "b"], "stage": "dyeing", "kind": "dyeing_park", "value": 1.0,
    ...     "clause": "§19", "name_zh": ["甲园", "乙园"], "name_en": ["A park", "B park"]})
    >>> pts = {"o": Point(113, 23), "a": Point(116, 23), "b": Point(116, 23.5)}
    >>> from analysis.inputs import load_fit_inputs
    >>> inputs = load_fit_inputs(units=units, capability=cap, chain=chain, cost=cost, designations=des)
    >>> r = allocate_capacity("dyeing", {"o": 10}, room={"a": 6, "b": 6}, points=pts, inputs=inputs)
    >>> r.flows[["destination", "amount"]].values.tolist(), r.shortfall
    ([['a', 6.0], ['b', 4.0]], 0.0)
    """
    amounts = check_amounts(origins, name="origins")
    rooms = check_amounts(room, name="room")
    if not amounts or sum(amounts.values()) <= 0:
        msg = Note("error.alloc.no_origins")
        raise PlannerError(msg)
    if not rooms:
        msg = Note("error.alloc.no_room")
        raise PlannerError(msg)

    # scores per origin: one fit per origin (a handful), each vectorised over all units
    scores: dict[str, pd.Series] = {}
    names: dict[str, tuple[str, str]] = {}
    for o in amounts:
        res = fit if fit is not None else score_transfer_fit(stage, o, level=level, **fit_kwargs)  # type: ignore[arg-type]
        if fit is not None and res.stage != stage:
            msg = Note("error.alloc.stage", fit_stage=res.stage, stage=stage)
            raise PlannerError(msg)
        t = res.table
        scores[o] = pd.Series(np.where(t["eligible"], t["score"], np.nan), index=t["adcode"].astype(str))
        names.update({a: (zh, en) for a, zh, en in zip(t["adcode"], t["name_zh"], t["name_en"], strict=True)})

    known_units = set().union(*(set(s.index) for s in scores.values()))
    dest_unit: dict[str, str] = {}
    place_ids = [d for d in rooms if d not in known_units]
    place_tab = None
    if place_ids:
        if places is None:
            places = load_places()
        col = "county_adcode" if level == "county" else "city_adcode"
        place_tab = pd.DataFrame(places).set_index("id")
        unknown = [d for d in place_ids if d not in place_tab.index]
        if unknown:
            msg = Note("error.alloc.unknown", names=unknown, level=level)
            raise UnknownNameError(msg)
        for d in place_ids:
            dest_unit[d] = str(place_tab.at[d, col])
            zh, en = place_tab.at[d, "name_zh"], place_tab.at[d, "name_en"]
            names[d] = (str(zh), str(en))
    for d in rooms:
        dest_unit.setdefault(d, d)

    g = nx.DiGraph()
    total = 0
    for o, amt in amounts.items():
        q = int(round(amt * AMOUNT_SCALE))
        total += q
        g.add_node(("o", o), demand=-q)
        g.add_edge(("o", o), _UNMET, weight=UNMET_COST)
    g.add_node(_SINK, demand=total)
    g.add_edge(_UNMET, _SINK, weight=0)
    for d, cap in rooms.items():
        g.add_edge(("d", d), _SINK, weight=0, capacity=int(round(cap * AMOUNT_SCALE)))
    cost_of: dict[tuple[str, str], tuple[int, float]] = {}
    for o, s in scores.items():
        for d in rooms:
            sc = s.get(dest_unit[d], np.nan)
            if d == o or not np.isfinite(sc):
                continue  # ineligible or not a candidate: no edge
            c = int(round((1.0 - float(sc)) * COST_SCALE))
            cost_of[(o, d)] = (c, float(sc))
            g.add_edge(("o", o), ("d", d), weight=c)
    _, flow = nx.network_simplex(g)

    rows = []
    for (o, d), (c, sc) in cost_of.items():
        q = flow[("o", o)].get(("d", d), 0)
        if q > 0:
            rows.append((o, d, q / AMOUNT_SCALE, c, sc, *names.get(d, ("", ""))))
    flows = pd.DataFrame(rows, columns=["origin", "destination", "amount", "cost", "score", "name_zh", "name_en"])
    flows = flows.sort_values(["origin", "cost", "destination"]).reset_index(drop=True)
    shortfall = sum(flow[("o", o)].get(_UNMET, 0) for o in amounts) / AMOUNT_SCALE

    pts = dict(points) if points is not None else {}
    if len(flows) and points is None:
        unit_pts = _unit_points(level)
        pts.update(unit_pts.to_dict())
        if place_tab is not None and "geometry" in place_tab.columns:
            pts.update({d: place_tab.at[d, "geometry"] for d in place_ids})
    starts = [pts.get(o) for o in flows["origin"]]
    ends = [pts.get(d) for d in flows["destination"]]
    missing = [x for x, p in zip(list(flows["origin"]) + list(flows["destination"]), starts + ends, strict=True) if p is None]
    if missing:
        msg = Note("error.alloc.no_location", names=sorted(set(missing)))
        raise PlannerError(msg)
    if len(flows):
        coords = np.stack([shapely.get_coordinates(starts), shapely.get_coordinates(ends)], axis=1)
        geoms = shapely.linestrings(coords)
    else:
        geoms = np.array([], dtype=object)
    lines = gpd.GeoDataFrame(flows.copy(), geometry=list(geoms), crs=STORAGE_CRS)

    placed = sum(amounts.values()) - shortfall
    if shortfall > 0:
        message = Note("allocation.short", short=float(shortfall), total=float(sum(amounts.values())), stage=stage,
                       placed=float(placed), k=int(flows["destination"].nunique()))
        log.warning(message)
    else:
        message = Note("allocation.placed", placed=float(placed), stage=stage, k=int(flows["destination"].nunique()))
    return AllocationResult(flows=flows, lines=lines, shortfall=float(shortfall), message=message)
