"""A stage's suitability surface on maps: an image overlay with a legend for the web map, a static map for the report.

Both draw the same classes from the coded surface of
:class:`analysis.suitability.SuitabilityResult`: five equal classes of suitability 0..1,
**restricted** cells (a rule removed them: an exclusion area or a criterion limit) in their own
colour, and cells of the province **without data** in grey — the two are never merged. Cells
outside the province are transparent (web) or white (report). Large grids are thinned by a
whole-number step for display only (at most :data:`MAX_DISPLAY_CELLS` on the longer side); the
files (:meth:`~analysis.suitability.SuitabilityResult.write`) keep every cell.
"""
from __future__ import annotations

import base64
import io
import json
import math
import warnings
from typing import Any

import folium
import numpy as np
from affine import Affine
from branca.element import MacroElement, Template
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from PIL import Image
from rasterio.crs import CRS as RioCRS
from rasterio.warp import Resampling, calculate_default_transform, reproject, transform_bounds

from geo.crs import ANALYSIS_CRS
from geo.geometry import simplify_for_display
from layers.boundaries import load_boundaries
from layers.stages import stage_label
from outputs.maps import DRAW_TOLERANCE_M, find_cjk_font
from outputs.text import check_lang, tr

__all__ = [
    "MAX_DISPLAY_CELLS",
    "SUITABILITY_CLASSES",
    "add_suitability_overlay",
    "plot_suitability_map",
    "suitability_classes",
    "suitability_legend",
    "suitability_png",
]

#: Upper bounds of the suitability classes and their colours (ColorBrewer YlGn, 5 classes).
SUITABILITY_CLASSES: tuple[tuple[float, str], ...] = (
    (0.2, "#ffffcc"), (0.4, "#c2e699"), (0.6, "#78c679"), (0.8, "#31a354"), (1.0, "#006837"),
)
RESTRICTED_COLOUR = "#7b3294"
NODATA_COLOUR = "#bdbdbd"
#: Longer side of a displayed grid, in cells; finer grids are thinned for display.
MAX_DISPLAY_CELLS: int = 1600
_RESTRICTED, _NODATA, _OUTSIDE = 5, 6, 7  # class ids after the five suitability classes
_PALETTE = np.array(
    [[int(c[i:i + 2], 16) for i in (1, 3, 5)] + [255] for _, c in SUITABILITY_CLASSES]
    + [[int(RESTRICTED_COLOUR[i:i + 2], 16) for i in (1, 3, 5)] + [255],
       [int(NODATA_COLOUR[i:i + 2], 16) for i in (1, 3, 5)] + [255], [0, 0, 0, 0]], dtype=np.uint8)


def _step(shape: tuple[int, int]) -> int:
    return max(1, math.ceil(max(shape) / MAX_DISPLAY_CELLS))


def suitability_classes(result: Any) -> tuple[np.ndarray, Affine]:
    """Class id per displayed cell (0..4 suitability, 5 restricted, 6 no data, 7 outside) and its transform.

    Examples
    --------
    >>> from analysis.suitability import compute_site_scores
    >>> cls, t = suitability_classes(compute_site_scores("dyeing", resolution_m=5000))
    >>> cls.dtype.name, sorted(set(np.unique(cls).tolist()) & {0, 7})
    ('uint8', [7])
    """
    step = _step(tuple(result.grid.shape))
    sl = (slice(None, None, step), slice(None, None, step))
    surface = np.asarray(result.surface[sl], dtype=np.float32)
    restricted = np.asarray(result.restricted[sl], dtype=bool)
    land = np.asarray(result.land[sl], dtype=bool)
    bounds = np.array([b for b, _ in SUITABILITY_CLASSES[:-1]], dtype=np.float32)
    cls = np.searchsorted(bounds, np.nan_to_num(np.clip(surface, 0, 1), nan=0.0), side="right").astype(np.uint8)
    cls[np.isnan(surface)] = _NODATA
    cls[restricted] = _RESTRICTED
    cls[~land] = _OUTSIDE
    return cls, result.grid.transform @ Affine.scale(step)


def suitability_legend(lang: str = "zh") -> list[tuple[str, str]]:
    """(label, colour) of every class, restricted and no data included.

    Examples
    --------
    >>> [label for label, _ in suitability_legend("en")][-2:]
    ['Restricted (a rule removed it)', 'No data']
    """
    check_lang(lang)
    lows = [0.0] + [b for b, _ in SUITABILITY_CLASSES[:-1]]
    out = [(f"{lo:.1f}–{hi:.1f}", c) for lo, (hi, c) in zip(lows, SUITABILITY_CLASSES, strict=True)]
    return out + [(tr("maps.suit.restricted", lang), RESTRICTED_COLOUR), (tr("maps.suit.nodata", lang), NODATA_COLOUR)]


def suitability_png(result: Any) -> tuple[bytes, list[list[float]]]:
    """The surface as an RGBA PNG in Web Mercator and its ``[[south, west], [north, east]]`` bounds (degrees).

    Examples
    --------
    >>> from analysis.suitability import compute_site_scores
    >>> png, bounds = suitability_png(compute_site_scores("dyeing", resolution_m=5000))
    >>> png[:4] == b"\\x89PNG", [round(v) for v in bounds[0]]
    (True, [20, 109])
    """
    cls, transform = suitability_classes(result)
    src_crs = RioCRS.from_wkt(ANALYSIS_CRS.to_wkt())
    dst_crs = RioCRS.from_epsg(3857)
    rows, cols = cls.shape
    left, top = transform.c, transform.f
    right, bottom = left + cols * transform.a, top + rows * transform.e
    with warnings.catch_warnings():  # rasterio's own Affine product (a pending deprecation inside rasterio)
        warnings.filterwarnings("ignore", message="Use `@` matmul", category=PendingDeprecationWarning)
        dst_t, w, h = calculate_default_transform(src_crs, dst_crs, cols, rows, left, bottom, right, top)
    out = np.full((h, w), _OUTSIDE, dtype=np.uint8)
    reproject(cls, out, src_transform=transform, src_crs=src_crs, dst_transform=dst_t, dst_crs=dst_crs,
              resampling=Resampling.nearest, src_nodata=_OUTSIDE, dst_nodata=_OUTSIDE)
    buf = io.BytesIO()
    Image.fromarray(_PALETTE[out], mode="RGBA").save(buf, format="PNG", optimize=True)
    west, south, east, north = transform_bounds(dst_crs, "EPSG:4326", dst_t.c, dst_t.f + h * dst_t.e,
                                                dst_t.c + w * dst_t.a, dst_t.f)
    return buf.getvalue(), [[south, west], [north, east]]


class _Legend(MacroElement):
    """A plain Leaflet control listing colour swatches (no external scripts; text set as text, never HTML)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
          var legend = L.control({position: 'bottomleft'});
          legend.onAdd = function () {
            var div = L.DomUtil.create('div', 'gd-suit-legend');
            div.style.background = 'rgba(255,255,255,0.9)'; div.style.padding = '6px 8px';
            div.style.font = '12px sans-serif'; div.style.borderRadius = '4px';
            var title = document.createElement('b'); title.textContent = {{ this.title_json }};
            div.appendChild(title);
            {{ this.items_json }}.forEach(function (it) {
              var row = document.createElement('div'); var sw = document.createElement('span');
              sw.style.display = 'inline-block'; sw.style.width = '12px'; sw.style.height = '12px';
              sw.style.marginRight = '4px'; sw.style.background = it[1];
              row.appendChild(sw); row.appendChild(document.createTextNode(it[0])); div.appendChild(row);
            });
            return div;
          };
          legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "GdSuitabilityLegend"
        self.items_json = json.dumps(items, ensure_ascii=False).replace("</", "<\\/")
        self.title_json = json.dumps(title, ensure_ascii=False).replace("</", "<\\/")


def add_suitability_overlay(m: folium.Map, result: Any, *, lang: str = "zh", opacity: float = 0.75) -> str:
    """Add the surface to ``m`` as an image overlay (its own layer-control entry) with a legend; returns its title.

    Examples
    --------
    >>> from analysis.suitability import compute_site_scores
    >>> m = folium.Map(tiles=None)
    >>> add_suitability_overlay(m, compute_site_scores("dyeing", resolution_m=5000), lang="en")
    'Site suitability: Dyeing & finishing (incl. washing) (5000 m)'
    >>> html = m.get_root().render()
    >>> "gd-suit-legend" in html and "data:image/png;base64," in html
    True
    """
    check_lang(lang)
    png, bounds = suitability_png(result)
    title = tr("maps.suit.title", lang, stage=stage_label(str(result.stage), lang=lang),
               res=f"{result.grid.resolution_m:g}")
    fg = folium.FeatureGroup(name=title, show=True)
    folium.raster_layers.ImageOverlay(
        image="data:image/png;base64," + base64.b64encode(png).decode("ascii"), bounds=bounds, opacity=opacity,
        name=title, interactive=False, zindex=2,
    ).add_to(fg)
    fg.add_to(m)
    _Legend(title, suitability_legend(lang)).add_to(m)
    return title


def plot_suitability_map(result: Any, *, lang: str = "zh", title: str | None = None,
                         size: tuple[float, float] = (8.0, 6.2), dpi: int = 130) -> bytes:
    """The surface as a static map (PNG bytes): classes, restricted and no data, county outlines, legend.

    Examples
    --------
    >>> from analysis.suitability import compute_site_scores
    >>> plot_suitability_map(compute_site_scores("dyeing", resolution_m=5000), lang="en")[:4] == b"\\x89PNG"
    True
    """
    check_lang(lang)
    cls, transform = suitability_classes(result)
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.set_axis_off()
    fp = FontProperties(family=[find_cjk_font(), "DejaVu Sans"])
    rows, cols = cls.shape
    extent = (transform.c, transform.c + cols * transform.a, transform.f + rows * transform.e, transform.f)
    colours = [tuple(v / 255 for v in rgba) for rgba in _PALETTE.tolist()]
    colours[_OUTSIDE] = (1.0, 1.0, 1.0, 0.0)
    ax.imshow(cls, cmap=ListedColormap(colours), vmin=0, vmax=len(colours) - 1, extent=extent,
              interpolation="nearest", zorder=1)
    outlines = simplify_for_display(load_boundaries("county"), tolerance_m=DRAW_TOLERANCE_M, crs=ANALYSIS_CRS,
                                    preserve_topology=False)
    outlines.boundary.plot(ax=ax, color="#616161", linewidth=0.25, zorder=2)
    handles = [Patch(facecolor=c, edgecolor="#616161", label=label) for label, c in suitability_legend(lang)]
    ax.legend(handles=handles, loc="lower right", prop=FontProperties(family=fp.get_family(), size=7), framealpha=0.9)
    ax.set_title(title or tr("maps.suit.title", lang, stage=stage_label(str(result.stage), lang=lang),
                             res=f"{result.grid.resolution_m:g}"),
                 fontproperties=FontProperties(family=fp.get_family(), size=11))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return buf.getvalue()
