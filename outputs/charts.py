"""Pictures a planner would rather look at than read (PNG bytes), for the app and the report alike.

- :func:`plot_components`: what each of the ten best destinations' score is made of, one
  stacked bar per destination (weight x component, adding up to the score);
- :func:`plot_rank_odds`: P(rank 1) and P(top 3) under perturbed weights (the sensitivity run);
- :func:`plot_completeness_grid`: the chain-completeness matrix as a coloured grid, each cell
  the status after the transfer, with the change "before → after" written where it moves;
- :func:`plot_flow_map`: the allocation as lines from origin to destination, as wide as the
  amount they carry.

Drawn like :mod:`outputs.maps` (matplotlib's Agg canvas on a Figure, no pyplot, a CJK font
from :func:`outputs.maps.find_cjk_font`). :func:`chart_images` makes every chart the inputs
allow, for the report.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from geo.crs import ANALYSIS_CRS
from geo.errors import PlannerError
from geo.geometry import simplify_for_display
from layers.boundaries import load_boundaries
from layers.stages import stage_label
from outputs.fitmap import FLOW_WIDTH
from outputs.maps import DRAW_TOLERANCE_M, _add_north_arrow, _add_scale_bar, _new_figure, _sized, find_cjk_font
from outputs.text import check_lang, tr

__all__ = ["COMPONENT_COLOURS", "ODDS_COLOURS", "STATUS_COLOURS", "chart_images", "completeness_cells", "component_parts",
           "destination_names", "plot_completeness_grid", "plot_components", "plot_flow_map", "plot_rank_odds",
           "rank_odds_rows"]

log = logging.getLogger(__name__)

#: Colour per fit component (ColorBrewer Set2 and Dark2: told apart in print and by most colour-blind readers).
COMPONENT_COLOURS: dict[str, str] = {
    "upstream": "#66c2a5", "downstream": "#fc8d62", "relatedness": "#8da0cb", "origin_tie": "#e78ac3",
    "partner": "#a6d854", "policy": "#ffd92f", "site": "#b3b3b3",
}
#: Colour per chain status (analysis.completeness: present, thin, missing).
STATUS_COLOURS: dict[str, str] = {"present": "#1a9850", "thin": "#fee08b", "missing": "#d73027"}
#: Colours of P(rank 1) and P(top 3).
ODDS_COLOURS: tuple[str, str] = ("#253494", "#41b6c4")


def _figure(size: tuple[float, float]) -> tuple[Figure, Any, FontProperties]:
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(), FontProperties(family=[find_cjk_font(), "DejaVu Sans"])


def _png(fig: Figure, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


def destination_names(df: pd.DataFrame, lang: str) -> list[str]:
    """The names of the rows of a fit or sensitivity table in ``lang`` (the adcode where no name is given)."""
    col = f"name_{lang}"
    return (df[col] if col in df else df["adcode"]).astype(str).tolist()


def component_parts(table: pd.DataFrame, weights: Mapping[str, float], *, top: int = 10) -> pd.DataFrame:
    """Weight x component of the ``top`` ranked units: the segments of :func:`plot_components`.

    Indexed by adcode, one column per weighted component in the table; a row adds up to the
    unit's score when the weights are the fit's.

    Examples
    --------
    >>> t = pd.DataFrame({"adcode": ["1", "2"], "rank": [1, None], "policy": [1.0, 0.2], "site": [0.5, 0.5]})
    >>> component_parts(t, {"policy": 0.6, "site": 0.4}).round(2).to_dict("index")
    {'1': {'policy': 0.6, 'site': 0.2}}
    """
    comps = [c for c in weights if c in table.columns]
    if not comps:
        msg = f"the table has none of the weighted components {list(weights)}; pass the fit's own table"
        raise PlannerError(msg)
    ranked = table[table["rank"].notna()].sort_values("rank").head(top)
    parts = ranked[comps].astype(float).mul(pd.Series({c: float(weights[c]) for c in comps}), axis=1)
    return parts.set_axis(ranked["adcode"].astype(str).to_numpy(), axis=0)


def plot_components(table: pd.DataFrame, weights: Mapping[str, float], *, lang: str = "zh", top: int = 10,
                    size: tuple[float, float] = (7.6, 4.4), dpi: int = 130) -> bytes:
    """The ``top`` ranked destinations as stacked bars of weight x component, adding up to the score.

    Parameters
    ----------
    table : DataFrame
        The fit table: ``rank``, ``name_zh``/``name_en`` (or ``adcode``) and one 0..1 column per
        component in ``weights``.
    weights : mapping
        Component -> weight, as the fit used them (:attr:`analysis.fit.FitResult.weights`).

    Examples
    --------
    >>> t = pd.DataFrame({"adcode": ["1", "2"], "name_en": ["A", "B"], "rank": [1, 2],
    ...                   "policy": [1.0, 0.5], "site": [0.5, 0.5]})
    >>> plot_components(t, {"policy": 0.6, "site": 0.4}, lang="en")[:4] == b"\\x89PNG"
    True
    """
    check_lang(lang)
    parts = component_parts(table, weights, top=top)
    ranked = table[table["rank"].notna()].sort_values("rank").head(top)
    fig, ax, fp = _figure(size)
    names = [f"{int(r)}. {n}" for r, n in zip(ranked["rank"], destination_names(ranked, lang))]
    y = np.arange(len(ranked))[::-1]
    left = np.zeros(len(ranked))
    for c in parts.columns:
        part = parts[c].to_numpy(dtype=float)
        ax.barh(y, part, left=left, color=COMPONENT_COLOURS.get(c, "#999999"), edgecolor="white", linewidth=0.5,
                label=f"{tr(f'component.{c}', lang)} ×{float(weights[c]):.2f}")
        left += part
    for yi, total in zip(y, left):
        ax.text(total + 0.005, yi, f"{total:.2f}", va="center", fontproperties=_sized(fp, 7.5))
    ax.set_yticks(y, names, fontproperties=_sized(fp, 8))
    ax.set_xlim(0, max(1.0, float(left.max()) + 0.08) if len(left) else 1.0)
    ax.set_xlabel(tr("maps.chart.components_x", lang), fontproperties=_sized(fp, 8))
    ax.set_title(tr("maps.chart.components", lang, n=len(ranked)), fontproperties=_sized(fp, 10))
    ax.legend(prop=_sized(fp, 7), loc="lower right", framealpha=0.9)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig, dpi)


def rank_odds_rows(sensitivity: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """The ``top`` most robust destinations of a sensitivity run, most often first first.

    Examples
    --------
    >>> s = pd.DataFrame({"adcode": ["1", "2"], "p_first": [0.3, 0.7], "p_top3": [0.9, 1.0]})
    >>> list(rank_odds_rows(s)["adcode"])
    ['2', '1']
    """
    return sensitivity.sort_values(["p_first", "p_top3"], ascending=False).head(top)


def plot_rank_odds(sensitivity: pd.DataFrame, *, lang: str = "zh", top: int = 10,
                   size: tuple[float, float] = (7.6, 4.2), dpi: int = 130) -> bytes:
    """P(rank 1) and P(top 3) of the ``top`` most robust destinations, as paired horizontal bars.

    Examples
    --------
    >>> s = pd.DataFrame({"adcode": ["1", "2"], "name_en": ["A", "B"], "p_first": [0.7, 0.3],
    ...                   "p_top3": [1.0, 0.9]})
    >>> plot_rank_odds(s, lang="en")[:4] == b"\\x89PNG"
    True
    """
    check_lang(lang)
    s = rank_odds_rows(sensitivity, top=top)
    fig, ax, fp = _figure(size)
    y = np.arange(len(s))[::-1]
    h = 0.38
    for off, col, colour in ((h / 2, "p_first", ODDS_COLOURS[0]), (-h / 2, "p_top3", ODDS_COLOURS[1])):
        vals = s[col].to_numpy(dtype=float)
        ax.barh(y + off, vals, height=h, color=colour, label=tr(f"col.{col}", lang))
        for yi, v in zip(y + off, vals):
            ax.text(v + 0.01, yi, f"{v:.0%}", va="center", fontproperties=_sized(fp, 7))
    ax.set_yticks(y, destination_names(s, lang), fontproperties=_sized(fp, 8))
    ax.set_xlim(0, 1.12)
    ax.xaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    n = (sensitivity.attrs.get("params") or {}).get("n")
    ax.set_title(tr("maps.chart.odds", lang, n=n if n is not None else "?"), fontproperties=_sized(fp, 10))
    ax.legend(prop=_sized(fp, 7.5), loc="lower right", framealpha=0.9)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig, dpi)


def completeness_cells(completeness: pd.DataFrame, *, by: str = "zone", lang: str = "zh") -> pd.DataFrame:
    """One row per (zone or region, stage) of a completeness table, with the words each cell shows.

    Columns ``group_name`` (in ``lang``), ``stage``, ``status_before``, ``status_after``,
    ``changed`` and ``text`` ("before→after" where the transfer changes the status, else the status).

    Examples
    --------
    >>> c = pd.DataFrame({"group_type": "zone", "group": "z", "name_zh": "甲区", "name_en": "Zone A",
    ...                   "stage": ["dyeing", "dyeing"], "status_before": ["thin", "thin"],
    ...                   "status_after": ["present", "present"], "changed": [True, True]})
    >>> completeness_cells(c, lang="en")[["group_name", "text"]].values.tolist()
    [['Zone A', 'thin→present']]
    """
    check_lang(lang)
    c = completeness[completeness["group_type"] == by]
    if c.empty:
        msg = f"no completeness rows grouped by {by!r}; use 'zone' or 'region'"
        raise PlannerError(msg)
    c = c.assign(group_name=c[f"name_{lang}"].astype(str)).drop_duplicates(["group_name", "stage"])
    before, after = c["status_before"].astype(str), c["status_after"].astype(str)
    changed = c["changed"].astype(bool) if "changed" in c else before != after
    word = {k: tr(f"maps.chart.status.{k}", lang) for k in STATUS_COLOURS}
    after_word = after.map(word).fillna(after)
    text = after_word.where(~changed, before.map(word).fillna(before) + "→" + after_word)
    return pd.DataFrame({"group_name": c["group_name"], "stage": c["stage"], "status_before": before,
                         "status_after": after, "changed": changed.to_numpy(), "text": text}).reset_index(drop=True)


def plot_completeness_grid(completeness: pd.DataFrame, *, lang: str = "zh", by: str = "zone",
                           size: tuple[float, float] = (8.2, 3.6), dpi: int = 130) -> bytes:
    """The chain-completeness matrix as a grid: a row per zone (or region), a column per stage,
    each cell coloured by its status after the transfer and marked "before → after" where it changes.

    Parameters
    ----------
    completeness : DataFrame
        :func:`scenario.study.assess_transfer_completeness` output (``group_type``, ``name_zh``,
        ``name_en``, ``stage``, ``status_before``, ``status_after``, ``changed``).
    by : {"zone", "region"}

    Examples
    --------
    >>> c = pd.DataFrame({"group_type": "zone", "group": "z", "name_zh": "甲区", "name_en": "Zone A",
    ...                   "stage": ["dyeing", "apparel"], "status_before": ["thin", "present"],
    ...                   "status_after": ["present", "present"], "changed": [True, False]})
    >>> plot_completeness_grid(c, lang="en")[:4] == b"\\x89PNG"
    True
    """
    check_lang(lang)
    cells = completeness_cells(completeness, by=by, lang=lang)
    stages = list(dict.fromkeys(cells["stage"]))
    groups = list(dict.fromkeys(cells["group_name"]))
    fig, ax, fp = _figure(size)
    rows = cells["group_name"].map({g: i for i, g in enumerate(groups)}).to_numpy()
    cols = cells["stage"].map({st: j for j, st in enumerate(stages)}).to_numpy()
    for i, j, after, moved, text in zip(rows, cols, cells["status_after"], cells["changed"], cells["text"]):
        ax.add_patch(Rectangle((j + 0.03, i + 0.05), 0.94, 0.9, facecolor=STATUS_COLOURS.get(after, "#f0f0f0"),
                               edgecolor="#111111" if moved else "white", linewidth=1.6 if moved else 0.5))
        ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontproperties=_sized(fp, 7),
                fontweight="bold" if moved else "normal", color="#111111")
    ax.set_xlim(0, len(stages))
    ax.set_ylim(len(groups), 0)
    ax.set_xticks(np.arange(len(stages)) + 0.5, [stage_label(s, lang=lang) for s in stages],
                  fontproperties=_sized(fp, 7), rotation=35, ha="right")
    ax.set_yticks(np.arange(len(groups)) + 0.5, groups, fontproperties=_sized(fp, 7.5))
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    handles = [Patch(facecolor=STATUS_COLOURS[k], label=tr(f"maps.chart.status.{k}", lang)) for k in STATUS_COLOURS]
    handles.append(Patch(facecolor="white", edgecolor="#111111", linewidth=1.6, label=tr("maps.chart.changed", lang)))
    ax.legend(handles=handles, prop=_sized(fp, 7), loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(tr("maps.chart.completeness", lang), fontproperties=_sized(fp, 10))
    return _png(fig, dpi)


@lru_cache(maxsize=1)
def _counties_projected() -> gpd.GeoDataFrame:
    counties = load_boundaries("county")[["adcode", "geometry"]]
    return simplify_for_display(counties, tolerance_m=DRAW_TOLERANCE_M, crs=ANALYSIS_CRS,
                                preserve_topology=False)


def plot_flow_map(allocation: Any, *, lang: str = "zh", names: Mapping[str, str] | None = None,
                  size: tuple[float, float] = (8.0, 6.0), dpi: int = 130) -> bytes:
    """The allocation as a flow map: a line from each origin to each destination, as wide as its amount.

    Parameters
    ----------
    allocation : analysis.allocation.AllocationResult
        Its ``lines`` (origin, destination, amount, name_zh/name_en, line geometry).
    names : mapping, optional
        Adcode -> name for the origins in the key.

    Examples
    --------
    >>> from analysis.allocation import allocate_capacity
    >>> r = allocate_capacity("dyeing", {"440118": 100}, room={"445281": 60, "440513": 60})
    >>> plot_flow_map(r, lang="en")[:4] == b"\\x89PNG"
    True
    """
    check_lang(lang)
    lines = getattr(allocation, "lines", None)
    if lines is None or len(lines) == 0:
        msg = "the allocation moved nothing: there are no flows to draw"
        raise PlannerError(msg)
    g = lines.to_crs(ANALYSIS_CRS)
    amount = g["amount"].to_numpy(dtype=float)
    top = float(amount.max()) if amount.max() > 0 else 1.0
    widths = 0.5 * (FLOW_WIDTH[0] + (FLOW_WIDTH[1] - FLOW_WIDTH[0]) * amount / top)  # pixels -> points, roughly
    fig, ax, fp = _new_figure(size)
    counties = _counties_projected()
    counties.plot(ax=ax, color="#f4f4f4", edgecolor="#bdbdbd", linewidth=0.3, zorder=1)
    g.plot(ax=ax, color="#e6550d", linewidth=widths, alpha=0.85, zorder=3, capstyle="round")
    ends = [list(geom.coords) for geom in g.geometry]
    xs0 = np.array([e[0][0] for e in ends])
    ys0 = np.array([e[0][1] for e in ends])
    xs1 = np.array([e[-1][0] for e in ends])
    ys1 = np.array([e[-1][1] for e in ends])
    ax.scatter(xs0, ys0, s=40, color="#d7301f", edgecolor="white", zorder=5)
    ax.scatter(xs1, ys1, s=18 + 60 * amount / top, color="#253494", edgecolor="white", zorder=5)
    dest_names = destination_names(g, lang) if f"name_{lang}" in g else g["destination"].astype(str).tolist()
    key = []
    for i, (x, y) in enumerate(zip(xs1, ys1), start=1):
        ax.annotate(str(i), (x, y), xytext=(6, 6), textcoords="offset points", fontproperties=_sized(fp, 7.5),
                    fontweight="bold", zorder=6,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "#253494", "lw": 0.5})
        key.append(f"{i}  {dest_names[i - 1]}  {amount[i - 1]:g}")
    origins = dict.fromkeys(g["origin"].astype(str))
    origin_text = "、".join((names or {}).get(o, o) for o in origins) if lang == "zh" else \
        ", ".join((names or {}).get(o, o) for o in origins)
    ax.autoscale_view()
    _add_scale_bar(ax, fp, lang)
    _add_north_arrow(ax, fp, lang)
    ax.set_title(tr("maps.chart.flows", lang, total=f"{amount.sum():g}", n=len(g)), fontproperties=_sized(fp, 10))
    ax.text(0.01, 0.99, "\n".join([tr("maps.chart.flows_key", lang, origin=origin_text), *key]),
            transform=ax.transAxes, ha="left", va="top", fontproperties=_sized(fp, 7.5), zorder=20, linespacing=1.5,
            bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#9e9e9e", "lw": 0.5, "alpha": 0.92})
    low = float(amount.min())
    handles = [Line2D([], [], color="#e6550d", lw=0.5 * (FLOW_WIDTH[0] + (FLOW_WIDTH[1] - FLOW_WIDTH[0]) * v / top),
                      label=tr("col.amount", lang) + f" {v:g}") for v in dict.fromkeys((top, low))]
    ax.legend(handles=handles, loc="lower right", prop=_sized(fp, 7), framealpha=0.9)
    return _png(fig, dpi)


def chart_images(fit: Any, *, lang: str = "zh", sensitivity: pd.DataFrame | None = None,
                 completeness: pd.DataFrame | None = None, allocation: Any | None = None,
                 names: Mapping[str, str] | None = None) -> dict[str, tuple[bytes, str]]:
    """Every chart the inputs allow: key -> (PNG bytes, caption). A chart that cannot be drawn is left out
    (and logged), never the report with it.

    Keys: ``components``, ``odds`` (with ``sensitivity``), ``completeness`` (with ``completeness``),
    ``flows`` (with an ``allocation`` that moved something).

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> sorted(chart_images(score_transfer_fit("dyeing", "440118"), lang="en"))
    ['components']
    """
    check_lang(lang)
    jobs = {"components": lambda: plot_components(fit.table, fit.weights, lang=lang)}
    if sensitivity is not None and len(sensitivity):
        jobs["odds"] = lambda: plot_rank_odds(sensitivity, lang=lang)
    if completeness is not None and len(completeness):
        jobs["completeness"] = lambda: plot_completeness_grid(completeness, lang=lang)
    if allocation is not None and getattr(allocation, "lines", None) is not None and len(allocation.lines):
        jobs["flows"] = lambda: plot_flow_map(allocation, lang=lang, names=names)
    out: dict[str, tuple[bytes, str]] = {}
    for key, job in jobs.items():
        try:
            out[key] = (job(), tr(f"maps.chart.caption.{key}", lang))
        except (PlannerError, KeyError, ValueError) as exc:
            log.warning("chart %s left out: %s", key, exc)
    return out

