"""Build the interactive folium map of the registered layers (no Streamlit here).

The map loads Leaflet from the app's own static folder (``static/leaflet``), not from a
CDN, so it also works offline with the "none" basemap. Popup values are HTML-escaped,
because folium writes them into the page as markup.
"""
from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement, Template

from geo.errors import UnknownNameError
from geo.geometry import simplify_for_display
from layers.registry import LAYERS, REGION_COLOURS, LayerSpec, get_layer_spec
from outputs.text import check_lang, tr

__all__ = ["BASEMAPS", "Overlay", "basemap_label", "build_map", "popup_fields", "LEAFLET_PREFIX"]

#: Where the app serves the vendored Leaflet (Streamlit static serving).
LEAFLET_PREFIX = "/app/static/leaflet"
#: Basemap ids; their names are the catalogue's ``maps.basemap.<id>`` (see :func:`basemap_label`).
BASEMAPS: tuple[str, ...] = ("none", "osm")
_CENTER = (23.3, 113.4)

#: popup column -> catalogue key of its label, in popup order
_FIELD_KEYS: dict[str, str] = {
    "name_zh": "maps.field.name_zh",
    "name_en": "maps.field.name_en",
    "what": "maps.field.what",
    "role": "maps.field.role",
    "members": "maps.field.members",
    "stages": "maps.field.stages",
    "adcode": "maps.field.adcode",
    "region": "col.region",
    "area_km2": "maps.field.area_km2",
    "clause": "maps.field.clause",
    "location_precision": "maps.field.location_precision",
    "note": "maps.field.note",
    "source": "maps.field.source",
}


def basemap_label(basemap: str, lang: str = "zh") -> str:
    """The name of a basemap in ``lang``.

    Examples
    --------
    >>> basemap_label("none", "en")
    'No basemap (offline)'
    """
    if basemap not in BASEMAPS:
        msg = f"`basemap` must be one of {list(BASEMAPS)}, got {basemap!r}"
        raise UnknownNameError(msg)
    return tr(f"maps.basemap.{basemap}", lang)


@dataclass
class Overlay:
    """An extra layer drawn on top of the registry layers (scores, flows, uploads).

    ``colour_column`` holds a hex colour per feature (e.g. a score ramp); ``fields`` maps
    column -> popup label.
    """

    id: str
    title: str
    gdf: gpd.GeoDataFrame
    fields: dict[str, str] = field(default_factory=dict)
    colour_column: str | None = None
    colour: str = "#3182bd"
    weight: float = 1.0
    fill_opacity: float = 0.7
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, hex colour) rows
    show: bool = True


def popup_fields(spec: LayerSpec, gdf: gpd.GeoDataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """The popup table of a layer: one column per shown field, values escaped.

    Fields follow the label table's order; a layer shows those of its columns that exist.
    For places this includes ``location_precision`` and ``note``, where a stand-in point
    (a town, county or city seat) and any assumption about the place are stated.

    Examples
    --------
    >>> from layers.registry import get_layer_spec
    >>> from layers.layout import load_zones
    >>> t = popup_fields(get_layer_spec("zones"), load_zones(), lang="en")
    >>> list(t.columns)[:3]
    ['name_zh', 'name_en', 'what']
    """
    check_lang(lang)
    src = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    out = pd.DataFrame(index=src.index)
    out["name_zh"] = src.get("name_zh", "")
    out["name_en"] = src.get("name_en", "")
    if "kind" in src and spec.group == "places":
        out["what"] = spec.title(lang)
    elif "kind" in src:
        out["what"] = src["kind"].astype(str) if lang == "en" else spec.title(lang)
    else:
        out["what"] = spec.title(lang)
    role_col = f"role_{lang}"
    if role_col in src:
        out["role"] = src[role_col]
    mem_col = f"member_cities_{lang}"
    if mem_col in src:
        out["members"] = src[mem_col]
    for col in ("stages", "adcode", "region", "area_km2", "clause", "location_precision", "note", "source"):
        if col in src:
            out[col] = src[col]
    if spec.group == "boundaries" and "clause" not in out:
        out["clause"] = "—"
    return _as_text(out)


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as HTML-escaped text, missing values as "" (object first: numeric columns cannot hold "")."""
    return df.astype(object).where(df.notna(), "").astype(str).map(html.escape)


@lru_cache(maxsize=64)
def _display_layer(layer_id: str, tolerance_m: float) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(original, display copy) of a registry layer; cached because simplification is the slow part."""
    spec = get_layer_spec(layer_id)
    gdf = spec.loader()
    disp = simplify_for_display(gdf, tolerance_m=tolerance_m) if spec.geom == "polygon" and len(gdf) else gdf
    return gdf, disp


@lru_cache(maxsize=64)
def _layer_geojson(
    layer_id: str, tolerance_m: float, lang: str
) -> tuple[str, tuple[float, float, float, float], tuple[str, ...]]:
    """GeoJSON text (display geometry + popup fields), bounds and popup columns of a registry layer, cached.

    Text rather than a dict: folium writes styles into the dict it is given, so every map
    gets a fresh ``json.loads`` copy (fast, in C) instead of a slow per-feature rebuild.
    """
    spec = get_layer_spec(layer_id)
    gdf, disp = _display_layer(layer_id, tolerance_m)
    popup = popup_fields(spec, gdf, lang=lang)
    data = gpd.GeoDataFrame(popup, geometry=disp.geometry.values, crs=disp.crs)
    if "region" in gdf.columns and "region" not in data:
        data["region"] = gdf["region"].values  # for the region fill colour, not shown in the popup
    bounds = tuple(float(v) for v in disp.total_bounds)
    return data.to_json(drop_id=True, ensure_ascii=False), bounds, tuple(popup.columns)


class _BoundedGeoJson(folium.GeoJson):
    """folium.GeoJson with its bounds given, not found by walking every coordinate in Python.

    folium computes the bounds of a GeoJson on each render (and streamlit-folium asks again);
    for the county polygons that walk is the slowest step of a map rerun. The bounds come
    from GeoPandas' vectorised ``total_bounds`` instead.
    """

    def __init__(self, data: object, *, bounds: Sequence[float], **kwargs: object) -> None:
        super().__init__(data, **kwargs)
        minx, miny, maxx, maxy = bounds
        self._gd_bounds = [[miny, minx], [maxy, maxx]]

    def _get_self_bounds(self) -> list[list[float]]:
        return self._gd_bounds


def _labels(cols: Sequence[str], lang: str) -> list[str]:
    return [tr(_FIELD_KEYS[c], lang) if c in _FIELD_KEYS else c for c in cols]


def _style_fn(spec: LayerSpec):
    st = spec.style

    def _f(feature: dict) -> dict:
        fill = st.get("fill")
        if fill == "region":
            fill = REGION_COLOURS.get(feature["properties"].get("region", ""), "#999999")
        d = {"color": st.get("color", "#333"), "weight": st.get("weight", 1), "fillOpacity": st.get("fill_opacity", 0.0)}
        if fill:
            d["fillColor"] = fill
        if st.get("dash"):
            d["dashArray"] = st["dash"]
        return d

    return _f


def _add_geojson(m: folium.Map, data: dict, bounds: Sequence[float], cols: list[str], *, name: str, show: bool,
                 style_function, point_style: dict | None, lang: str) -> None:
    fg = folium.FeatureGroup(name=name, show=show)
    kwargs = {}
    if point_style is not None:
        kwargs["marker"] = folium.CircleMarker(
            radius=point_style.get("radius", 6), color=point_style.get("color", "#333"), weight=1.5,
            fill=True, fill_color=point_style.get("fill") or "#fff", fill_opacity=0.9,
        )
    _BoundedGeoJson(
        data,
        bounds=bounds,
        name=name,
        style_function=style_function,
        popup=folium.GeoJsonPopup(fields=cols, aliases=_labels(cols, lang), localize=False, labels=True, max_width=420),
        tooltip=folium.GeoJsonTooltip(fields=[f"name_{lang}"], labels=False),
        **kwargs,
    ).add_to(fg)
    fg.add_to(m)


class _Legend(MacroElement):
    """A plain Leaflet control listing colour swatches (no external scripts)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
          var legend = L.control({position: 'bottomright'});
          legend.onAdd = function () {
            var div = L.DomUtil.create('div', 'gd-legend');
            div.style.background = 'rgba(255,255,255,0.9)';
            div.style.padding = '6px 8px'; div.style.font = '12px sans-serif';
            div.style.borderRadius = '4px';
            var items = {{ this.items_json }};
            var title = document.createElement('b'); title.textContent = {{ this.title_json }};
            div.appendChild(title);
            items.forEach(function (it) {
              var row = document.createElement('div');
              var sw = document.createElement('span');
              sw.style.display = 'inline-block'; sw.style.width = '12px'; sw.style.height = '12px';
              sw.style.marginRight = '4px'; sw.style.background = it[1];
              row.appendChild(sw); row.appendChild(document.createTextNode(it[0]));
              div.appendChild(row);
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
        self._name = "GdLegend"
        # json.dumps output is a JS literal; text is set with textContent, never as HTML
        self.items_json = json.dumps(items, ensure_ascii=False).replace("</", "<\\/")
        self.title_json = json.dumps(title, ensure_ascii=False).replace("</", "<\\/")


def build_map(
    layer_ids: Sequence[str] | None = None,
    *,
    lang: str = "zh",
    basemap: str = "none",
    overlays: Sequence[Overlay] = (),
    leaflet_prefix: str | None = LEAFLET_PREFIX,
    tolerance_m: float = 150.0,
) -> folium.Map:
    """Build the folium map of the registry layers plus ``overlays``.

    Parameters
    ----------
    layer_ids : sequence of str, optional
        Registry layers to draw (all when None); each gets a switch in the layer control.
    lang : {"zh", "en"}
        Language of titles, popups and tooltips.
    basemap : {"none", "osm"}
        "none" draws no tiles and works offline; "osm" adds OpenStreetMap (WGS84 layers
        need no GCJ-02 shift on it).
    overlays : sequence of Overlay
        Extra layers such as a score choropleth or allocation flows.
    leaflet_prefix : str or None
        URL prefix of the vendored Leaflet; None keeps folium's CDN links.
    tolerance_m : float
        Display simplification of polygons, metres (analysis data is never simplified).

    Examples
    --------
    >>> m = build_map(["zones"], lang="en")
    >>> "Shantou" in m.get_root().render()
    True
    """
    check_lang(lang)
    if basemap not in BASEMAPS:
        msg = f"`basemap` must be one of {list(BASEMAPS)}, got {basemap!r}"
        raise UnknownNameError(msg)
    ids = list(layer_ids) if layer_ids is not None else [s.id for s in LAYERS]
    specs = [get_layer_spec(i) for i in ids]
    m = folium.Map(location=_CENTER, zoom_start=7, tiles=None, control_scale=True, prefer_canvas=False)
    if leaflet_prefix is not None:
        m.default_js = [("leaflet", f"{leaflet_prefix}/leaflet.js")]
        m.default_css = [("leaflet_css", f"{leaflet_prefix}/leaflet.css")]
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", control=False).add_to(m)
    for spec in specs:
        gdf, _disp = _display_layer(spec.id, float(tolerance_m))
        if len(gdf) == 0:
            continue
        text, bounds, cols = _layer_geojson(spec.id, float(tolerance_m), lang)
        _add_geojson(
            m, json.loads(text), bounds, list(cols), name=spec.title(lang), show=spec.show,
            style_function=_style_fn(spec), point_style=spec.style if spec.geom == "point" else None, lang=lang,
        )
    for ov in overlays:
        disp = simplify_for_display(ov.gdf, tolerance_m=tolerance_m)
        cols = list(ov.fields)
        pdf = _as_text(pd.DataFrame(ov.gdf.drop(columns=ov.gdf.geometry.name))[cols])
        colours = ov.gdf[ov.colour_column].to_numpy() if ov.colour_column else np.full(len(ov.gdf), ov.colour)
        pdf["_colour"] = colours
        data = gpd.GeoDataFrame(pdf, geometry=disp.geometry.values, crs=disp.crs)
        fg = folium.FeatureGroup(name=ov.title, show=ov.show)
        weight, fo = ov.weight, ov.fill_opacity
        _BoundedGeoJson(
            data.__geo_interface__,
            bounds=disp.total_bounds,
            name=ov.title,
            style_function=lambda f, w=weight, o=fo: {
                "color": f["properties"]["_colour"], "fillColor": f["properties"]["_colour"],
                "weight": w, "fillOpacity": o,
            },
            popup=folium.GeoJsonPopup(fields=cols, aliases=[ov.fields[c] for c in cols], labels=True, max_width=420)
            if cols else None,
        ).add_to(fg)
        fg.add_to(m)
        if ov.legend:
            _Legend(ov.title, ov.legend).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
