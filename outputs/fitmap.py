"""Map overlays of a transfer-fit study: the score choropleth, the origin and allocation flows.

Each function turns an analysis result into a :class:`outputs.webmap.Overlay` that
:func:`outputs.webmap.build_map` draws on top of the policy layers.
"""
from __future__ import annotations

import hashlib
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo.generalise import generalise_for_display
from layers.boundaries import load_boundaries
from outputs.explain import explain_result
from outputs.text import check_lang, tr
from outputs.webmap import Overlay

__all__ = ["EXCLUSION_DISPLAY_MAX_VERTICES", "EXCLUSION_DISPLAY_TOLERANCE_M", "FLOW_WIDTH", "SCORE_CLASSES",
           "exclusion_overlay", "flow_overlay", "origin_overlay", "score_colours", "score_overlay"]

#: Equal-interval score classes (upper bounds) and their colours (ColorBrewer YlGnBu, 5 classes).
SCORE_CLASSES: tuple[tuple[float, str], ...] = (
    (0.2, "#ffffcc"), (0.4, "#a1dab4"), (0.6, "#41b6c4"), (0.8, "#2c7fb8"), (1.0, "#253494"),
)
_INELIGIBLE = "#bdbdbd"
#: Width of a flow line in pixels: (smallest, largest amount); widths grow linearly with the amount.
FLOW_WIDTH: tuple[float, float] = (2.0, 10.0)
#: Display only: exclusion areas are drawn within 150 m of the exact polygons, about one screen pixel at
#: zoom 10 (141 m at 23 N: a city fills the screen), where a planner reads them against towns and parks.
EXCLUSION_DISPLAY_TOLERANCE_M: float = 150.0
#: Display only: at most this many vertices of exclusion areas go to the browser (about 0.25 MB of GeoJSON).
EXCLUSION_DISPLAY_MAX_VERTICES: int = 10_000
#: Drawings of exclusion layers by content hash (see :func:`_drawn_exclusion`).
_DRAWN: dict[str, tuple[gpd.GeoDataFrame, float]] = {}


def _units(level: str, units: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    if units is not None:
        return units[["adcode", "geometry"]]
    return load_boundaries("city" if level == "city" else "county")[["adcode", "geometry"]]


def score_colours(score: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Hex colour per score class (:data:`SCORE_CLASSES`); grey where not eligible or NaN.

    Examples
    --------
    >>> score_colours(np.array([0.1, 0.95, np.nan]), np.array([True, True, True])).tolist()
    ['#ffffcc', '#253494', '#bdbdbd']
    """
    s = np.asarray(score, dtype=float)
    bounds = np.array([b for b, _ in SCORE_CLASSES])
    palette = np.array([c for _, c in SCORE_CLASSES] + [_INELIGIBLE], dtype=object)
    idx = np.minimum(np.searchsorted(bounds, np.clip(s, 0, 1), side="left"), len(bounds) - 1)
    idx = np.where(np.isfinite(s) & np.asarray(eligible, dtype=bool), idx, len(bounds))
    return palette[idx]


def score_overlay(fit: Any, *, lang: str = "zh", units: gpd.GeoDataFrame | None = None) -> Overlay:
    """The fit's score per unit as a choropleth overlay (five equal classes, ineligible grey).

    Parameters
    ----------
    fit : analysis.fit.FitResult
    lang : {"zh", "en"}
    units : GeoDataFrame, optional
        Polygons with ``adcode``; the boundaries of ``fit.level`` by default.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> ov = score_overlay(score_transfer_fit("dyeing", "440118"), lang="en")
    >>> ov.title, len(ov.legend), bool(ov.gdf["_score_colour"].str.startswith("#").all())
    ('Transfer-fit score', 6, True)
    """
    check_lang(lang)
    if not fit.table["reason_en"].astype(bool).any():  # a fit straight from the model: write its reasons
        fit = explain_result(fit)
    table = fit.table
    gdf = _units(fit.level, units).merge(table, on="adcode", how="inner")
    gdf["_score_colour"] = score_colours(gdf["score"].to_numpy(dtype=float), gdf["eligible"].to_numpy(dtype=bool))
    gdf["_name"] = gdf[f"name_{lang}"].astype(str)
    gdf["_rank"] = gdf["rank"].astype("string").fillna("—")
    score = gdf["score"].to_numpy(dtype=float)
    gdf["_score"] = np.where(np.isnan(score), "—", np.char.mod("%.3f", np.nan_to_num(score)))
    gdf["_reason"] = gdf[f"reason_{lang}"].astype(str)  # why, or why not, in ``lang``
    lows = [0.0] + [b for b, _ in SCORE_CLASSES[:-1]]
    legend = [(f"{lo:.1f}–{hi:.1f}", c) for lo, (hi, c) in zip(lows, SCORE_CLASSES)]
    legend.append((tr("maps.fit.ineligible", lang), _INELIGIBLE))
    return Overlay(
        id="fit_score", title=tr("maps.fit.score", lang), gdf=gdf,
        fields={"_name": tr("col.name", lang), "_rank": tr("col.rank", lang), "_score": tr("col.score", lang),
                "_reason": tr("maps.fit.reason", lang)},
        colour_column="_score_colour", weight=0.6, fill_opacity=0.75, legend=legend,
    )


def origin_overlay(fit: Any, *, lang: str = "zh", units: gpd.GeoDataFrame | None = None) -> Overlay:
    """The origin unit outlined in red.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> origin_overlay(score_transfer_fit("dyeing", "440118")).gdf["adcode"].tolist()
    ['440118']
    """
    check_lang(lang)
    u = units if units is not None else load_boundaries("city" if fit.level == "city" else "county")
    gdf = u[u["adcode"].astype(str) == str(fit.origin)].copy()
    name = f"name_{lang}"
    gdf["_name"] = gdf[name].astype(str) if name in gdf.columns else gdf["adcode"].astype(str)
    title = tr("col.origin", lang)
    return Overlay(id="fit_origin", title=title, gdf=gdf, fields={"_name": title},
                   colour="#d7301f", weight=3.0, fill_opacity=0.15, legend=[(title, "#d7301f")])


def flow_overlay(allocation: Any, *, lang: str = "zh") -> Overlay | None:
    """Allocation flows as lines from origin to destination, wider for more (None when nothing moved).

    Examples
    --------
    >>> from analysis.allocation import allocate_capacity
    >>> r = allocate_capacity("dyeing", {"440118": 100}, room={"445281": 60, "440513": 60})
    >>> ov = flow_overlay(r, lang="en")
    >>> len(ov.gdf), sorted(ov.gdf["_width"].tolist())
    (2, [7.3, 10.0])
    """
    check_lang(lang)
    lines = allocation.lines
    if lines is None or len(lines) == 0:
        return None
    gdf = lines.copy()
    name = f"name_{lang}"
    gdf["_to"] = gdf[name].astype(str) if name in gdf.columns else gdf["destination"].astype(str)
    gdf["_from"] = gdf["origin"].astype(str)
    gdf["_amount"] = np.char.mod("%g", gdf["amount"].to_numpy(dtype=float))
    gdf["_cost"] = np.char.mod("%g", gdf["cost"].to_numpy(dtype=float))
    amount = gdf["amount"].to_numpy(dtype=float)
    top = float(amount.max()) if len(amount) and amount.max() > 0 else 1.0
    gdf["_width"] = np.round(FLOW_WIDTH[0] + (FLOW_WIDTH[1] - FLOW_WIDTH[0]) * amount / top, 1)
    return Overlay(
        id="flows", title=tr("maps.fit.flows", lang), gdf=gdf,
        fields={"_to": tr("maps.fit.to", lang), "_from": tr("maps.fit.from", lang), "_amount": tr("col.amount", lang),
                "_cost": tr("col.cost", lang)},
        colour="#e6550d", weight=4.0, fill_opacity=0.0, weight_column="_width",
        legend=[(tr("maps.fit.flow_width", lang, top=f"{top:g}"), "#e6550d")],
    )


def _drawn_exclusion(areas: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, float]:
    """The display drawing of ``areas`` and its tolerance, cached by content (the page redraws often)."""
    geoms = areas.geometry.values
    key = hashlib.sha1(b"".join(shapely.to_wkb(geoms[~shapely.is_missing(geoms)])) +
                       str(areas.crs).encode()).hexdigest()
    if key not in _DRAWN:
        if len(_DRAWN) >= 16:
            _DRAWN.clear()
        _DRAWN[key] = generalise_for_display(areas, tolerance_m=EXCLUSION_DISPLAY_TOLERANCE_M,
                                             max_vertices=EXCLUSION_DISPLAY_MAX_VERTICES)
    return _DRAWN[key]


def exclusion_overlay(areas: gpd.GeoDataFrame, *, lang: str = "zh") -> Overlay:
    """The user's exclusion areas (e.g. the ecological red line) as a dark translucent layer, drawn light.

    For display only, the areas are dissolved into one feature and simplified
    (:func:`geo.generalise.generalise_for_display`) to :data:`EXCLUSION_DISPLAY_TOLERANCE_M` (150 m,
    about a screen pixel at zoom 10) in at most :data:`EXCLUSION_DISPLAY_MAX_VERTICES` vertices, so
    a layer of 100,000 parcels makes a small page; a layer that does not fit at 150 m is drawn at a
    coarser tolerance, and the legend says which (the web map's own simplification of every layer
    comes on top). ``areas`` is not changed: the model keeps using the exact polygons.

    Examples
    --------
    >>> import shapely
    >>> a = gpd.GeoDataFrame(geometry=[shapely.box(113.6, 23.1, 113.8, 23.3)], crs=4326)
    >>> ov = exclusion_overlay(a, lang="en")
    >>> ov.title, ov.legend[0][0], len(ov.gdf)
    ('Exclusion areas', 'Exclusion areas (drawn merged, within 150 m)', 1)
    """
    check_lang(lang)
    gdf, tolerance = _drawn_exclusion(areas)
    title = tr("maps.fit.exclusion", lang)
    return Overlay(id="exclusion_areas", title=title, gdf=gdf, colour="#252525", weight=1.0, fill_opacity=0.35,
                   legend=[(tr("maps.fit.exclusion_drawn", lang, m=f"{tolerance:,.0f}"), "#252525")])
