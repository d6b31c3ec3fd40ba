"""Static maps (PNG bytes) for the report: the policy layout and the fit scores.

Drawn with matplotlib's Agg canvas on a :class:`matplotlib.figure.Figure` (no pyplot, so
no global state and safe in the app's threads), in :data:`geo.crs.ANALYSIS_CRS` so that a
metre on the map is a metre on the ground. Each map has a legend, a scale bar and a north
arrow. Chinese labels need a CJK font; :func:`find_cjk_font` finds one through
``matplotlib.font_manager`` and says how to install one if none is there.

The scale bar is drawn by hand rather than with ``matplotlib-scalebar`` (not a dependency):
the map is in an equal-area conic whose scale error across Guangdong is well under 1 %, so
a ruler of round kilometres in map units is exact enough and needs no extra package. The
north arrow points to true north at the map centre (the conic's meridians converge, so
grid north differs from true north by up to about 2 degrees at the province's edges).
"""
from __future__ import annotations

import io
import logging
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import geopandas as gpd
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from pyproj import Transformer

from geo.crs import ANALYSIS_CRS
from geo.errors import FontMissingError, PlannerError
from geo.geometry import simplify_for_display
from geo.messages import Note
from layers.registry import REGION_COLOURS, get_layer_spec, load_layer
from outputs.fitmap import SCORE_CLASSES, score_colours
from outputs.text import LANGS, tr

__all__ = ["FontMissingError", "LAYOUT_LAYERS", "find_cjk_font", "plot_layout_map", "plot_score_map"]

log = logging.getLogger(__name__)

#: Polygons are simplified to this many metres before a static map draws them: a pixel of a
#: report map (8 in at 130 dpi over the province) is about 700 m, so nothing visible changes,
#: while the 124 counties' 200,000 vertices drop to a tenth and the maps draw several times faster.
DRAW_TOLERANCE_M = 150.0

#: Layers drawn on the layout map, bottom to top.
LAYOUT_LAYERS: tuple[str, ...] = ("regions", "cluster", "zones", "poles", "cities", "parks", "dyeing_parks")

#: Font families tried in order; the first installed one is used.
_CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Serif CJK SC", "Microsoft YaHei", "SimHei",
)


@lru_cache(maxsize=1)
def find_cjk_font() -> str:
    """Name of an installed font family that draws Chinese (Noto Sans CJK SC preferred).

    Raises
    ------
    FontMissingError
        When none is installed, naming the package to install.

    Examples
    --------
    >>> "CJK" in find_cjk_font() or "Hei" in find_cjk_font() or "Han" in find_cjk_font()
    True
    """
    installed = {f.name for f in fontManager.ttflist}
    for fam in _CJK_FAMILIES:
        if fam in installed:
            return fam
    others = sorted(n for n in installed if "CJK" in n)
    if others:
        return others[0]
    msg = Note("error.font.missing", families=", ".join(_CJK_FAMILIES[:3]), cache=matplotlib.get_cachedir())
    raise FontMissingError(msg)


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        msg = f"`lang` must be 'zh' or 'en', got {lang!r}"
        raise PlannerError(msg)
    return lang


def _new_figure(size: tuple[float, float]) -> tuple[Figure, object, FontProperties]:
    fam = find_cjk_font()
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig, ax, FontProperties(family=[fam, "DejaVu Sans"])


def _sized(fp: FontProperties, size: float) -> FontProperties:
    out = fp.copy()
    out.set_size(size)
    return out


def _nice_length(span_m: float) -> float:
    """A round ruler length (1, 2 or 5 x 10^n metres) close to a fifth of ``span_m``."""
    target = span_m / 5.0
    exp = 10 ** math.floor(math.log10(target))
    return max(m * exp for m in (1, 2, 5) if m * exp <= target)


def _add_scale_bar(ax: object, fp: FontProperties, lang: str) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    # a strip below the data keeps the ruler off the map
    y0 -= (y1 - y0) * 0.08
    ax.set_ylim(y0, y1)
    length = _nice_length(x1 - x0)
    h = (y1 - y0) * 0.011
    bx, by = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.02
    half = length / 2
    ax.add_patch(Rectangle((bx, by), half, h, facecolor="black", edgecolor="black", lw=0.8, zorder=20))
    ax.add_patch(Rectangle((bx + half, by), half, h, facecolor="white", edgecolor="black", lw=0.8, zorder=20))
    km = length / 1000
    for x, t in ((bx, "0"), (bx + half, f"{km / 2:g}"), (bx + length, f"{km:g}")):
        ax.text(x, by + h * 1.6, t, ha="center", va="bottom", fontproperties=_sized(fp, 7), zorder=21)
    ax.text(bx + length + (x1 - x0) * 0.012, by + h / 2, tr("maps.static.km", lang), ha="left", va="center",
            fontproperties=_sized(fp, 7), zorder=21)


def _add_north_arrow(ax: object, fp: FontProperties, lang: str) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    # direction of true north at the map centre, in map units
    to_ll = Transformer.from_crs(ANALYSIS_CRS, "EPSG:4326", always_xy=True)
    to_xy = Transformer.from_crs("EPSG:4326", ANALYSIS_CRS, always_xy=True)
    lon, lat = to_ll.transform(cx, cy)
    nx, ny = to_xy.transform(lon, lat + 0.1)
    ang = math.atan2(nx - cx, ny - cy)  # radians east of grid north
    size = (y1 - y0) * 0.08
    ax_x, ax_y = x1 - (x1 - x0) * 0.06, y1 - (y1 - y0) * 0.16
    tip = (ax_x + size * math.sin(ang), ax_y + size * math.cos(ang))
    ax.annotate("", xy=tip, xytext=(ax_x, ax_y),
                arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=0.9", "color": "black", "lw": 1.6}, zorder=21)
    ax.text(tip[0], tip[1] + size * 0.12, tr("maps.static.north", lang), ha="center", va="bottom",
            fontproperties=_sized(fp, 10), fontweight="bold", zorder=21)


def _to_png(fig: Figure, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


def _load_layout_layers(ids: Sequence[str]) -> dict[str, gpd.GeoDataFrame]:
    out: dict[str, gpd.GeoDataFrame] = {}
    for lid in ids:
        try:
            out[lid] = load_layer(lid)
        except (ImportError, FileNotFoundError, OSError, ValueError) as exc:  # places may not exist yet
            log.warning("layout map: layer %s not drawn (%s)", lid, exc)
    return out


def plot_layout_map(
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    lang: str = "zh",
    title: str | None = None,
    label_cities: bool = True,
    size: tuple[float, float] = (8.0, 6.2),
    dpi: int = 130,
) -> bytes:
    """The policy layout (regions, cluster, zones, poles, cities, parks) as PNG bytes.

    Parameters
    ----------
    layers : mapping of layer id -> GeoDataFrame, optional
        Ids as in :mod:`layers.registry` (``regions``, ``cluster``, ``zones``, ``poles``,
        ``cities``, ``parks``, ``dyeing_parks``); loaded from the registry when None.
        Styles and legend titles come from the registry.
    lang : {"zh", "en"}
        Language of titles, labels and legend.
    title : str, optional
        Map title; a default in ``lang`` when None.

    Returns
    -------
    bytes
        A PNG image.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"name_zh": ["示例区"], "name_en": ["Zone"]},
    ...                      geometry=[box(113, 23, 114, 24)], crs=4326)
    >>> plot_layout_map({"zones": z})[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    lang = _check_lang(lang)
    if layers is None:  # the shipped layout: the same picture every time, drawn once per process
        return _shipped_layout_png(lang, title, label_cities, tuple(size), int(dpi))
    return _draw_layout(layers, lang=lang, title=title, label_cities=label_cities, size=size, dpi=dpi)


@lru_cache(maxsize=8)
def _shipped_layout_png(lang: str, title: str | None, label_cities: bool, size: tuple[float, float],
                        dpi: int) -> bytes:
    return _draw_layout(_load_layout_layers(LAYOUT_LAYERS), lang=lang, title=title, label_cities=label_cities,
                        size=size, dpi=dpi)


def _draw_layout(layers: Mapping[str, gpd.GeoDataFrame], *, lang: str, title: str | None, label_cities: bool,
                 size: tuple[float, float], dpi: int) -> bytes:
    if not layers:
        msg = "`layers` is empty; pass e.g. {'zones': load_layer('zones')} or None to load the layout"
        raise PlannerError(msg)
    fig, ax, fp = _new_figure(size)
    handles: list[object] = []
    name_col = f"name_{lang}"
    for lid, gdf in layers.items():
        if not isinstance(gdf, gpd.GeoDataFrame) or gdf.crs is None:
            msg = f"`layers[{lid!r}]` must be a GeoDataFrame with a CRS, got {type(gdf).__name__}"
            raise PlannerError(msg)
        g = simplify_for_display(gdf, tolerance_m=DRAW_TOLERANCE_M, crs=ANALYSIS_CRS,
                                 preserve_topology=False)
        try:
            spec = get_layer_spec(lid)
            style, label = dict(spec.style), spec.title(lang)
        except ValueError:
            style, label = {"color": "#444444", "fill": None, "weight": 1.0}, str(lid)
        colour = style.get("color", "#444444")
        gtype = g.geom_type.dropna()
        if len(gtype) and gtype.str.contains("Point").all():
            ax.scatter(g.geometry.x, g.geometry.y, s=(style.get("radius", 7) ** 2) * 0.9, c=style.get("fill") or colour,
                       edgecolors=colour, linewidths=0.8, zorder=10)
            handles.append(Line2D([], [], marker="o", ls="", markersize=style.get("radius", 7) * 0.8,
                                  markerfacecolor=style.get("fill") or colour, markeredgecolor=colour, label=label))
            continue
        fill = style.get("fill")
        alpha = float(style.get("fill_opacity", 0.3))
        lw = float(style.get("weight", 1.0)) * 0.6
        ls = "--" if style.get("dash") else "-"
        if fill == "region" and "region" in g.columns:
            colours = g["region"].map(REGION_COLOURS).fillna("#cccccc")
            g.plot(ax=ax, color=colours, alpha=alpha, edgecolor="none", zorder=1)
            g.boundary.plot(ax=ax, color=colour, linewidth=lw, zorder=2)
            for _, r in g.iterrows():  # one legend entry per region: four rows, no vector form
                handles.append(Patch(facecolor=REGION_COLOURS.get(r["region"], "#cccccc"), alpha=alpha,
                                     edgecolor=colour, label=str(r.get(name_col, r["region"]))))
            continue
        if fill:
            g.plot(ax=ax, color=fill, alpha=alpha, edgecolor="none", zorder=3)
        g.boundary.plot(ax=ax, color=colour, linewidth=lw, linestyle=ls, zorder=4)
        handles.append(Patch(facecolor=fill if fill else "none", alpha=max(alpha, 0.4) if fill else 1.0,
                             edgecolor=colour, linestyle=ls, label=label))
        if lid == "cities" and label_cities and name_col in g.columns:
            pts = g.geometry.representative_point()
            for x, y, t in zip(pts.x, pts.y, g[name_col]):
                ax.text(x, y, str(t), ha="center", va="center", fontproperties=_sized(fp, 6), zorder=12,
                        color="#222222")
    ax.autoscale_view()
    _add_scale_bar(ax, fp, lang)
    _add_north_arrow(ax, fp, lang)
    ax.set_title(title or tr("maps.static.layout", lang), fontproperties=_sized(fp, 11))
    ax.legend(handles=handles, loc="lower right", prop=_sized(fp, 6.5), framealpha=0.9)
    return _to_png(fig, dpi)


def plot_score_map(
    units: gpd.GeoDataFrame,
    *,
    column: str = "score",
    lang: str = "zh",
    title: str | None = None,
    label_top: int = 3,
    origin: str | None = None,
    size: tuple[float, float] = (8.0, 6.2),
    dpi: int = 130,
) -> bytes:
    """A choropleth of the fit score per unit as PNG bytes, in the app's fixed classes.

    Scores fall into the web map's five fixed 0..1 classes (:data:`outputs.fitmap.SCORE_CLASSES`),
    so a report's map and the app's colour a unit alike whatever the spread of the scores.
    Units with no score (NaN) or ``eligible == False`` are drawn grey and hatched; the
    ``label_top`` best carry their rank in a circle, with rank, name and score listed in a
    key beside the map (names never overlap, however close the units); the origin unit
    (``adcode == origin``) is outlined in red.

    Parameters
    ----------
    units : geopandas.GeoDataFrame
        Polygons with ``column``; optional ``rank``, ``eligible``, ``adcode``,
        ``name_zh``/``name_en``.
    column : str
        The value to colour by (0..1).
    lang : {"zh", "en"}
    title : str, optional
    label_top : int
        How many of the best units to mark and list.
    origin : str, optional
        Adcode of the origin, outlined.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> u = gpd.GeoDataFrame({"name_zh": ["甲", "乙"], "score": [0.2, 0.9], "rank": [2, 1]},
    ...                      geometry=[box(113, 23, 114, 24), box(114, 23, 115, 24)], crs=4326)
    >>> plot_score_map(u)[:4] == b"\\x89PNG"
    True
    """
    lang = _check_lang(lang)
    if not isinstance(units, gpd.GeoDataFrame) or units.crs is None:
        msg = f"`units` must be a GeoDataFrame with a CRS, got {type(units).__name__}"
        raise PlannerError(msg)
    if column not in units.columns:
        msg = f"`units` has no column {column!r} (columns: {list(units.columns)}); join the fit table first"
        raise PlannerError(msg)
    g = simplify_for_display(units, tolerance_m=DRAW_TOLERANCE_M, crs=ANALYSIS_CRS,
                             preserve_topology=False)
    vals = np.asarray(g[column], dtype=float)
    ok = np.isfinite(vals)
    if "eligible" in g.columns:
        ok &= g["eligible"].fillna(False).astype(bool).to_numpy()
    fig, ax, fp = _new_figure(size)
    if (~ok).any():
        g[~ok].plot(ax=ax, color="#e0e0e0", edgecolor="#9e9e9e", linewidth=0.3, hatch="///", zorder=1)
    if ok.any():
        g[ok].plot(ax=ax, color=list(score_colours(vals[ok], np.ones(int(ok.sum()), dtype=bool))),
                   edgecolor="#616161", linewidth=0.3, zorder=2)
    if origin is not None and "adcode" in g.columns and (g["adcode"] == origin).any():
        g[g["adcode"] == origin].boundary.plot(ax=ax, color="#d7191c", linewidth=1.6, zorder=5)
    lows = [0.0] + [b for b, _ in SCORE_CLASSES[:-1]]
    handles = [Patch(facecolor=c, edgecolor="#616161", label=f"{lo:.1f}–{hi:.1f}")
               for lo, (hi, c) in reversed(list(zip(lows, SCORE_CLASSES)))]
    handles.append(Patch(facecolor="#e0e0e0", edgecolor="#9e9e9e", hatch="///", label=tr("maps.static.none", lang)))
    if origin is not None:
        handles.append(Line2D([], [], color="#d7191c", lw=1.6, label=tr("col.origin", lang)))
    name_col = f"name_{lang}"
    key: list[str] = []
    if label_top > 0 and ok.any():
        order = (g.loc[ok, "rank"].sort_values() if "rank" in g.columns
                 else g.loc[ok, column].sort_values(ascending=False))
        top = g.loc[order.index[:label_top]]
        pts = top.geometry.representative_point()
        for i, (x, y, (_, r)) in enumerate(zip(pts.x, pts.y, top.iterrows()), start=1):
            rank = int(r["rank"]) if "rank" in top.columns and np.isfinite(r["rank"]) else i
            ax.annotate(str(rank), (x, y), fontproperties=_sized(fp, 7), ha="center", va="center", zorder=12,
                        color="white", fontweight="bold",
                        bbox={"boxstyle": "circle,pad=0.25", "fc": "#c51b7d", "ec": "white", "lw": 0.8})
            name = str(r[name_col]) if name_col in top.columns else str(r.get("adcode", ""))
            key.append(f"{rank}  {name}  {float(r[column]):.2f}")
    ax.autoscale_view()
    _add_scale_bar(ax, fp, lang)
    _add_north_arrow(ax, fp, lang)
    ax.set_title(title or tr("maps.fit.score", lang), fontproperties=_sized(fp, 11))
    legend = ax.legend(handles=handles, loc="lower right", prop=_sized(fp, 7), framealpha=0.9,
                       title=tr("maps.fit.score", lang), title_fontproperties=_sized(fp, 7.5))
    legend.set_zorder(20)
    if key:
        ax.text(0.01, 0.99, "\n".join([tr("maps.static.top", lang, n=len(key)), *key]), transform=ax.transAxes,
                ha="left", va="top", fontproperties=_sized(fp, 7.5), zorder=20, linespacing=1.5,
                bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#9e9e9e", "lw": 0.5, "alpha": 0.92})
    return _to_png(fig, dpi)
