"""Map overlays of a transfer-fit study: the score choropleth, the origin and allocation flows.

Each function turns an analysis result into a :class:`outputs.webmap.Overlay` that
:func:`outputs.webmap.build_map` draws on top of the policy layers.
"""
from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np

from geo.errors import PlannerError
from layers.boundaries import load_boundaries
from outputs.webmap import Overlay

__all__ = ["SCORE_CLASSES", "exclusion_overlay", "flow_overlay", "origin_overlay", "score_colours", "score_overlay"]

#: Equal-interval score classes (upper bounds) and their colours (ColorBrewer YlGnBu, 5 classes).
SCORE_CLASSES: tuple[tuple[float, str], ...] = (
    (0.2, "#ffffcc"), (0.4, "#a1dab4"), (0.6, "#41b6c4"), (0.8, "#2c7fb8"), (1.0, "#253494"),
)
_INELIGIBLE = "#bdbdbd"

_TEXT = {
    "score": ("承接适宜性得分", "Transfer-fit score"),
    "ineligible": ("不符合条件（约束或排除）", "Not eligible (constraint or exclusion)"),
    "name": ("名称", "Name"),
    "rank": ("排名", "Rank"),
    "score_f": ("得分", "Score"),
    "reason": ("说明", "Why"),
    "origin": ("转出地", "Origin"),
    "flows": ("产能转移流向", "Capacity flows"),
    "from": ("转出", "From"),
    "to": ("承接", "To"),
    "amount": ("转移量", "Amount"),
    "cost": ("单位成本（1000×(1−得分)）", "Unit cost (1000×(1−score))"),
    "excl": ("排除区域", "Exclusion areas"),
}


def _t(key: str, lang: str) -> str:
    return _TEXT[key][0 if lang == "zh" else 1]


def _check_lang(lang: str) -> None:
    if lang not in ("zh", "en"):
        msg = f"`lang` must be 'zh' or 'en', got {lang!r}"
        raise PlannerError(msg)


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
    _check_lang(lang)
    table = fit.table
    gdf = _units(fit.level, units).merge(table, on="adcode", how="inner")
    gdf["_score_colour"] = score_colours(gdf["score"].to_numpy(dtype=float), gdf["eligible"].to_numpy(dtype=bool))
    gdf["_name"] = gdf["name_zh" if lang == "zh" else "name_en"].astype(str)
    gdf["_rank"] = gdf["rank"].astype("string").fillna("—")
    score = gdf["score"].to_numpy(dtype=float)
    gdf["_score"] = np.where(np.isnan(score), "—", np.char.mod("%.3f", np.nan_to_num(score)))
    reason = gdf["reason_zh" if lang == "zh" else "reason_en"].astype(str)
    gdf["_reason"] = reason.where(gdf["eligible"].astype(bool), gdf["excluded_reason"].astype(str))
    lows = [0.0] + [b for b, _ in SCORE_CLASSES[:-1]]
    legend = [(f"{lo:.1f}–{hi:.1f}", c) for lo, (hi, c) in zip(lows, SCORE_CLASSES)]
    legend.append((_t("ineligible", lang), _INELIGIBLE))
    return Overlay(
        id="fit_score", title=_t("score", lang), gdf=gdf,
        fields={"_name": _t("name", lang), "_rank": _t("rank", lang), "_score": _t("score_f", lang),
                "_reason": _t("reason", lang)},
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
    _check_lang(lang)
    u = units if units is not None else load_boundaries("city" if fit.level == "city" else "county")
    gdf = u[u["adcode"].astype(str) == str(fit.origin)].copy()
    name = "name_zh" if lang == "zh" else "name_en"
    gdf["_name"] = gdf[name].astype(str) if name in gdf.columns else gdf["adcode"].astype(str)
    return Overlay(id="fit_origin", title=_t("origin", lang), gdf=gdf, fields={"_name": _t("origin", lang)},
                   colour="#d7301f", weight=3.0, fill_opacity=0.15, legend=[(_t("origin", lang), "#d7301f")])


def flow_overlay(allocation: Any, *, lang: str = "zh") -> Overlay | None:
    """Allocation flows as lines from origin to destination (None when nothing moved).

    Examples
    --------
    >>> from analysis.allocation import allocate_capacity
    >>> r = allocate_capacity("dyeing", {"440118": 100}, room={"445281": 60, "440513": 60})
    >>> len(flow_overlay(r, lang="en").gdf)
    2
    """
    _check_lang(lang)
    lines = allocation.lines
    if lines is None or len(lines) == 0:
        return None
    gdf = lines.copy()
    name = "name_zh" if lang == "zh" else "name_en"
    gdf["_to"] = gdf[name].astype(str) if name in gdf.columns else gdf["destination"].astype(str)
    gdf["_from"] = gdf["origin"].astype(str)
    gdf["_amount"] = np.char.mod("%g", gdf["amount"].to_numpy(dtype=float))
    gdf["_cost"] = np.char.mod("%g", gdf["cost"].to_numpy(dtype=float))
    return Overlay(
        id="flows", title=_t("flows", lang), gdf=gdf,
        fields={"_from": _t("from", lang), "_to": _t("to", lang), "_amount": _t("amount", lang), "_cost": _t("cost", lang)},
        colour="#e6550d", weight=4.0, fill_opacity=0.0, legend=[(_t("flows", lang), "#e6550d")],
    )


def exclusion_overlay(areas: gpd.GeoDataFrame, *, lang: str = "zh") -> Overlay:
    """The user's exclusion areas (e.g. the ecological red line) as a dark translucent layer.

    Examples
    --------
    >>> import shapely
    >>> a = gpd.GeoDataFrame(geometry=[shapely.box(113.6, 23.1, 113.8, 23.3)], crs=4326)
    >>> exclusion_overlay(a, lang="en").title
    'Exclusion areas'
    """
    _check_lang(lang)
    gdf = areas[[areas.geometry.name]].to_crs(4326)
    return Overlay(id="exclusion_areas", title=_t("excl", lang), gdf=gdf, colour="#252525", weight=1.0,
                   fill_opacity=0.35, legend=[(_t("excl", lang), "#252525")])
