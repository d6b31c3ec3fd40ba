"""Build the interactive folium map of the registered layers (no Streamlit here).

The map loads Leaflet from the app's own static folder (``static/leaflet``), not from a
CDN, so it also works offline with the "none" basemap. Everything drawn on it goes into one
data object read by ``outputs/webmap.js``: every layer with its symbol and legend rows, one
scrolling popup listing every feature under a click (points sharing a place are spread so
each can be clicked), a collapsed layer control, city labels, a search box, and a first view
fitted to the province. Popup values are HTML-escaped here, because the page inserts them
as markup.

On the Gaode (AMap) basemap, whose tiles are in GCJ-02, every geometry is shifted
WGS84 -> GCJ-02 (:func:`shift_to_basemap`) so layers and tiles line up; on OpenStreetMap and
without a basemap nothing is shifted.
"""
from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template

from geo.data import get_path
from geo.errors import UnknownNameError
from geo.gcj02 import wgs84_to_gcj02
from geo.geometry import simplify_for_display
from layers.boundaries import REGION_NAMES, REGIONS, load_boundaries
from layers.registry import LAYERS, REGION_COLOURS, LayerSpec, get_layer_spec
from layers.stages import stage_label
from outputs.text import check_lang, pick, tr

__all__ = ["BASEMAPS", "BASEMAP_DATUM", "LEAFLET_PREFIX", "Overlay", "POINT_SYMBOLS", "basemap_label", "build_map",
           "popup_fields", "search_index", "shift_to_basemap"]

#: Where the app serves the vendored Leaflet (Streamlit static serving).
LEAFLET_PREFIX = "/app/static/leaflet"
#: Basemap ids; their names are the catalogue's ``maps.basemap.<id>`` (see :func:`basemap_label`).
BASEMAPS: tuple[str, ...] = ("none", "osm", "gaode")
#: The datum each basemap's tiles are drawn in; layers are shifted to it (:func:`shift_to_basemap`).
BASEMAP_DATUM: dict[str, str] = {"none": "WGS84", "osm": "WGS84", "gaode": "GCJ-02"}
_TILES: dict[str, tuple[str, str, str]] = {  # id -> (URL template, subdomains, catalogue key of the attribution)
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "", "maps.attr.osm"),
    "gaode": ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
              "1234", "maps.attr.gaode"),
}
_CENTER = (23.3, 113.4)
_HERE = Path(__file__).resolve().parent
_JS = (_HERE / "webmap.js").read_text(encoding="utf-8")
_CSS = (_HERE / "webmap.css").read_text(encoding="utf-8")

#: popup column -> catalogue key of its label, in popup order: where the feature comes from
#: (clause, precision of its point and the note on it, source) before what it is
_FIELD_KEYS: dict[str, str] = {
    "name_zh": "maps.field.name_zh",
    "name_en": "maps.field.name_en",
    "clause": "maps.field.clause",
    "location_precision": "maps.field.location_precision",
    "note": "maps.field.note",
    "source": "maps.field.source",
    "what": "maps.field.what",
    "role": "maps.field.role",
    "members": "maps.field.members",
    "stages": "maps.field.stages",
    "adcode": "maps.field.adcode",
    "region": "col.region",
    "area_km2": "maps.field.area_km2",
}

#: Point layer id -> symbol (one shape per point layer, so layers of one colour stay apart).
POINT_SYMBOLS: dict[str, str] = {
    "parks": "square", "dyeing_parks": "drop", "clusters": "circle", "unnamed_clusters": "circle",
    "transfer_parks": "diamond", "dyeing_centres": "triangle_down", "city_titles": "star", "heritage": "pentagon",
    "procurement_base": "hexagon", "fairs": "triangle",
}


def _polygon_path(n: int, radius: float = 1.0, inner: float | None = None, turn: float = -np.pi / 2) -> str:
    """SVG path of a regular polygon (or star, with ``inner``) of unit size centred on 0, 0."""
    k = 2 * n if inner else n
    ang = turn + np.arange(k) * 2 * np.pi / k
    r = np.where(np.arange(k) % 2 == 1, inner, radius) if inner else np.full(k, radius)
    pts = " L ".join(f"{x:.3f} {y:.3f}" for x, y in zip(r * np.cos(ang), r * np.sin(ang)))
    return f"M {pts} Z"


_SHAPES: dict[str, str] = {
    "circle": "M -1 0 A 1 1 0 1 0 1 0 A 1 1 0 1 0 -1 0 Z",
    "square": "M -0.85 -0.85 H 0.85 V 0.85 H -0.85 Z",
    "diamond": "M 0 -1.15 L 1.15 0 L 0 1.15 L -1.15 0 Z",
    "triangle": _polygon_path(3, 1.2),
    "triangle_down": _polygon_path(3, 1.2, turn=np.pi / 2),
    "pentagon": _polygon_path(5, 1.05),
    "hexagon": _polygon_path(6, 1.05),
    "star": _polygon_path(5, 1.3, inner=0.55),
    "drop": "M 0 -1.25 C 0.6 -0.4 1 0 1 0.35 A 1 1 0 0 1 -1 0.35 C -1 0 -0.6 -0.4 0 -1.25 Z",
}


def basemap_label(basemap: str, lang: str = "zh") -> str:
    """The name of a basemap in ``lang``.

    Examples
    --------
    >>> basemap_label("none", "en")
    'No basemap (offline)'
    """
    _check_basemap(basemap)
    return tr(f"maps.basemap.{basemap}", lang)


def _check_basemap(basemap: str) -> None:
    if basemap not in BASEMAPS:
        msg = f"`basemap` must be one of {list(BASEMAPS)}, got {basemap!r}"
        raise UnknownNameError(msg)


def _to_gcj(xy: np.ndarray) -> np.ndarray:
    lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def _shift(geoms: np.ndarray, basemap: str) -> np.ndarray:
    return shapely.transform(geoms, _to_gcj) if BASEMAP_DATUM[basemap] == "GCJ-02" else geoms


def shift_to_basemap(gdf: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """A WGS84 copy of ``gdf`` in the datum of ``basemap``'s tiles (GCJ-02 for Gaode, else unchanged).

    Gaode (AMap) tiles are drawn in GCJ-02, several hundred metres off WGS84 in Guangdong;
    shifting the layers (never the analysis data) makes them line up with the tiles.

    Examples
    --------
    >>> import shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(113.26, 23.13)], crs=4326)
    >>> p = shift_to_basemap(g, "gaode").geometry.iloc[0]
    >>> round(p.x - 113.26, 4), round(p.y - 23.13, 4)
    (0.0053, -0.0027)
    >>> shift_to_basemap(g, "osm").geometry.iloc[0].equals(g.geometry.iloc[0])
    True
    """
    _check_basemap(basemap)
    out = gdf.to_crs(4326) if gdf.crs is not None else gdf.copy()
    return out.set_geometry(_shift(out.geometry.values, basemap))


@dataclass
class Overlay:
    """An extra layer drawn on top of the registry layers (scores, flows, uploads).

    ``colour_column`` holds a hex colour per feature (e.g. a score ramp); ``weight_column``
    a line width in pixels per feature (e.g. flows by amount); ``fields`` maps column ->
    popup label, the first field naming the feature.
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
    weight_column: str | None = None


def _stages_text(values: pd.Series, lang: str) -> pd.Series:
    sep = "、" if lang == "zh" else ", "
    return values.fillna("").astype(str).map(
        lambda v: sep.join(stage_label(s, lang=lang) for s in v.split(";") if s))


def popup_fields(spec: LayerSpec, gdf: gpd.GeoDataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """The popup table of a layer: one column per shown field, values in ``lang`` and escaped.

    Fields follow the label table's order (clause, precision, note and source first); a layer
    shows those of its columns that exist. Regions, stages and the precision of a point are
    written in ``lang``; notes are written in English in the data and stay so.

    Examples
    --------
    >>> from layers.registry import get_layer_spec
    >>> from layers.layout import load_zones
    >>> t = popup_fields(get_layer_spec("zones"), load_zones(), lang="en")
    >>> list(t.columns)[:4]
    ['name_zh', 'name_en', 'clause', 'source']
    >>> from layers.places import load_places
    >>> popup_fields(get_layer_spec("parks"), load_places(kinds=["park"]), lang="zh")["region"].iloc[0]
    '珠三角'
    """
    check_lang(lang)
    src = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    cols: dict[str, pd.Series] = {"name_zh": src.get("name_zh", pd.Series("", index=src.index)),
                                  "name_en": src.get("name_en", pd.Series("", index=src.index))}
    if "kind" in src and spec.group != "places" and lang == "en":
        cols["what"] = src["kind"].astype(str)
    else:
        cols["what"] = pd.Series(spec.title(lang), index=src.index)
    for col, name in ((f"role_{lang}", "role"), (f"member_cities_{lang}", "members")):
        if col in src:
            cols[name] = src[col]
    for col in ("stages", "adcode", "region", "area_km2", "clause", "location_precision", "note", "source"):
        if col in src:
            cols[col] = src[col]
    if "stages" in cols:
        cols["stages"] = _stages_text(cols["stages"], lang)
    if "region" in cols:
        cols["region"] = cols["region"].map(lambda r: pick(REGION_NAMES[r], lang) if r in REGION_NAMES else r)
    if "location_precision" in cols:
        cols["location_precision"] = cols["location_precision"].map(
            lambda p: tr(f"maps.precision.{p}", lang) if isinstance(p, str) and p else p)
    if spec.group == "boundaries" and "clause" not in cols:
        cols["clause"] = pd.Series("—", index=src.index)
    out = pd.DataFrame({c: cols[c] for c in _FIELD_KEYS if c in cols}, index=src.index)
    return _as_text(out)


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as HTML-escaped text, missing values as "" (object first: numeric columns cannot hold "")."""
    return df.astype(object).where(df.notna(), "").astype(str).map(html.escape)


def _htmlsafe(text: str) -> str:
    """JSON text safe inside a <script> and in HTML (as Jinja's ``tojson``): <, >, &, ' as \\u escapes."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027"))


# ----------------------------------------------------------------------------- symbols and legend rows

def _symbol_svg(shape: str, fill: str, stroke: str, size: int = 16) -> str:
    h = size / 2
    return (f'<svg width="{size}" height="{size}"><path d="{_SHAPES[shape]}" transform="translate({h} {h}) '
            f'scale({h - 3})" fill="{fill}" stroke="{stroke}" stroke-width="1.5" vector-effect="non-scaling-stroke"/>'
            "</svg>")


def _area_svg(fill: str | None, opacity: float, stroke: str, weight: float, dash: str | None = None) -> str:
    d = f' stroke-dasharray="{dash}"' if dash else ""
    fill_attr = f'fill="{fill}" fill-opacity="{max(opacity, 0.2) if fill else 0:.2f}"' if fill else 'fill="none"'
    return (f'<svg width="18" height="14"><rect x="1.5" y="1.5" width="15" height="11" {fill_attr} '
            f'stroke="{stroke}" stroke-width="{min(max(weight, 1), 3):g}"{d}/></svg>')


def _line_svg(colour: str, weight: float) -> str:
    return (f'<svg width="18" height="14"><line x1="1" y1="7" x2="17" y2="7" stroke="{colour}" '
            f'stroke-width="{min(max(weight, 1.5), 5):g}"/></svg>')


def _layer_meta(spec: LayerSpec, lang: str) -> dict:
    """Drawing, popup and legend description of a registry layer for webmap.js."""
    st = spec.style
    fields = [[c, html.escape(tr(_FIELD_KEYS[c], lang))] for c in _FIELD_KEYS]
    meta = {"id": spec.id, "title": html.escape(spec.title(lang)), "kind": spec.geom, "name": f"name_{lang}",
            "show": True, "fields": fields, "legend": []}
    if spec.geom == "point":
        shape = POINT_SYMBOLS.get(spec.id, "circle")
        fill = st.get("fill") or "#ffffff"
        meta["style"] = {"color": st.get("color", "#333"), "fill": fill, "radius": st.get("radius", 7)}
        meta["symbol"] = _SHAPES[shape]
        meta["swatch"] = _symbol_svg(shape, fill, st.get("color", "#333"))
    else:
        fill = st.get("fill")
        meta["style"] = {"color": st.get("color", "#333"), "fill": None if fill == "region" else fill,
                         "fill_opacity": st.get("fill_opacity", 0.0), "weight": st.get("weight", 1),
                         "dash": st.get("dash")}
        if fill == "region":
            meta["swatch"] = _area_svg(None, 0, st.get("color", "#333"), st.get("weight", 1), st.get("dash"))
            meta["legend"] = [[_area_svg(REGION_COLOURS[r], st.get("fill_opacity", 0.25), REGION_COLOURS[r], 1),
                               html.escape(pick(REGION_NAMES[r], lang))] for r in REGIONS]
        else:
            meta["swatch"] = _area_svg(fill, st.get("fill_opacity", 0.0), st.get("color", "#333"),
                                       st.get("weight", 1), st.get("dash"))
    return meta


# ----------------------------------------------------------------------------- cached layer data

@lru_cache(maxsize=64)
def _display_layer(layer_id: str, tolerance_m: float) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(original, display copy) of a registry layer; cached because simplification is the slow part."""
    spec = get_layer_spec(layer_id)
    gdf = spec.loader()
    disp = simplify_for_display(gdf, tolerance_m=tolerance_m) if spec.geom == "polygon" and len(gdf) else gdf
    return gdf, disp


def _geojson(props: pd.DataFrame, geoms: np.ndarray, basemap: str) -> str:
    geoms = _shift(geoms, basemap)
    if len(geoms) and shapely.get_dimensions(geoms).max() > 0:
        geoms = shapely.set_precision(geoms, 1e-6, mode="pointwise")  # ~0.1 m: a smaller page, same picture
    return gpd.GeoDataFrame(props.reset_index(drop=True), geometry=geoms, crs=4326).to_json(drop_id=True)


@lru_cache(maxsize=128)
def _layer_json(layer_id: str, tolerance_m: float, lang: str, basemap: str) -> str:
    """``{"meta": ..., "data": GeoJSON}`` of a registry layer as JSON text, cached per language and basemap."""
    spec = get_layer_spec(layer_id)
    gdf, disp = _display_layer(layer_id, tolerance_m)
    props = popup_fields(spec, gdf, lang=lang)
    if spec.style.get("fill") == "region" and "region" in gdf:
        props["_fill"] = gdf["region"].map(REGION_COLOURS).fillna("#999999").to_numpy()
    meta = _layer_meta(spec, lang)
    meta["fields"] = [f for f in meta["fields"] if f[0] in props.columns]
    return '{"meta":' + json.dumps(meta) + ',"data":' + _geojson(props, disp.geometry.values, basemap) + "}"


#: Display geometry of overlays as GeoJSON text, by (sha1 of the WKB, tolerance, basemap): a score
#: map redrawn for new weights reuses the same county outlines instead of simplifying them again.
_OVERLAY_GEOMS: dict[tuple[str, float, str], tuple[np.ndarray, np.ndarray]] = {}


def _overlay_geometry(gdf: gpd.GeoDataFrame, tolerance_m: float, basemap: str) -> tuple[np.ndarray, np.ndarray]:
    """(GeoJSON text per feature, dimension per feature) of an overlay's display geometry, cached."""
    wkb = shapely.to_wkb(gdf.to_crs(4326).geometry.values if gdf.crs is not None else gdf.geometry.values)
    key = (hashlib.sha1(b"".join(wkb)).hexdigest(), tolerance_m, basemap)
    if key not in _OVERLAY_GEOMS:
        if len(_OVERLAY_GEOMS) > 64:
            _OVERLAY_GEOMS.clear()
        geoms = _shift(simplify_for_display(gdf, tolerance_m=tolerance_m).geometry.values, basemap)
        if len(geoms) and shapely.get_dimensions(geoms).max() > 0:
            geoms = shapely.set_precision(geoms, 1e-6, mode="pointwise")
        _OVERLAY_GEOMS[key] = (shapely.to_geojson(geoms), shapely.get_dimensions(geoms))
    return _OVERLAY_GEOMS[key]


def _features(props: pd.DataFrame, geometry: np.ndarray) -> str:
    rows = props.to_dict("records")
    return ('{"type":"FeatureCollection","features":['
            + ",".join('{"type":"Feature","properties":' + json.dumps(r) + ',"geometry":' + str(g) + "}"
                       for r, g in zip(rows, geometry))
            + "]}")


def _overlay_json(ov: Overlay, tolerance_m: float, basemap: str) -> str:
    geometry, dims = _overlay_geometry(ov.gdf, tolerance_m, basemap)
    cols = list(ov.fields)
    props = _as_text(pd.DataFrame(ov.gdf.drop(columns=ov.gdf.geometry.name))[cols]) if cols else \
        pd.DataFrame(index=ov.gdf.index)
    props["_colour"] = ov.gdf[ov.colour_column].to_numpy() if ov.colour_column else ov.colour
    if ov.weight_column:
        props["_weight"] = ov.gdf[ov.weight_column].to_numpy(dtype=float)
    kind = "line" if len(dims) and dims.max() == 1 else ("point" if len(dims) and dims.max() == 0 else "polygon")
    if kind == "line":
        swatch = _line_svg(ov.colour, ov.weight)
    elif kind == "point":
        swatch = _symbol_svg("circle", ov.colour, "#333")
    else:
        swatch = _area_svg(ov.colour, ov.fill_opacity, ov.colour, ov.weight)
    rows = [[_line_svg(c, ov.weight) if kind == "line" else _area_svg(c, max(ov.fill_opacity, 0.6), c, 1),
             html.escape(label)] for label, c in ov.legend if not (len(ov.legend) == 1 and label == ov.title)]
    meta = {"id": ov.id, "title": html.escape(ov.title), "kind": kind, "show": ov.show,
            "name": cols[0] if cols else "", "fields": [[c, html.escape(ov.fields[c])] for c in cols],
            "style": {"color": ov.colour, "fill": ov.colour, "fill_opacity": ov.fill_opacity, "weight": ov.weight,
                      "radius": 6},
            "symbol": _SHAPES["circle"], "swatch": swatch, "legend": rows}
    return '{"meta":' + json.dumps(meta) + ',"data":' + _features(props.reset_index(drop=True), geometry) + "}"


@lru_cache(maxsize=8)
def _city_labels(lang: str, basemap: str) -> list[list]:
    cities = load_boundaries("city")
    pts = _shift(shapely.point_on_surface(cities.geometry.values), basemap)
    return [[round(float(p.y), 5), round(float(p.x), 5), html.escape(str(n))]
            for p, n in zip(pts, cities[f"name_{lang}"])]


@lru_cache(maxsize=4)
def _province_bounds(basemap: str) -> list[list[float]]:
    b = shapely.bounds(_shift(load_boundaries("province").geometry.values, basemap)).reshape(-1, 4)
    return [[float(b[:, 1].min()), float(b[:, 0].min())], [float(b[:, 3].max()), float(b[:, 2].max())]]


@lru_cache(maxsize=1)
def _gcj_grid() -> dict[str, object]:
    """GCJ-02 offsets (degrees) on a 0.25-degree grid over Guangdong, for images drawn on the map by others
    (a raster overlay): webmap.js moves their corners by the offset interpolated here."""
    lons, lats = np.arange(109.0, 118.01, 0.25), np.arange(19.5, 26.01, 0.25)
    glon, glat = np.meshgrid(lons, lats)
    slon, slat = wgs84_to_gcj02(glon, glat)
    return {"lon0": float(lons[0]), "lat0": float(lats[0]), "step": 0.25, "nx": len(lons), "ny": len(lats),
            "dlon": np.round(slon - glon, 7).tolist(), "dlat": np.round(slat - glat, 7).tolist()}


@lru_cache(maxsize=1)
def _pinyin() -> dict[str, str]:
    """name_zh -> its pinyin and initials, from the shipped table (scripts/build_pinyin.py)."""
    table = pd.read_csv(get_path("pinyin"), dtype=str, encoding="utf-8").fillna("")
    return dict(zip(table["name_zh"], table["pinyin"] + " " + table["initials"]))


def _squash(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.lower().str.replace(r"[\s'’·,，()（）\-]", "", regex=True)


@lru_cache(maxsize=8)
def search_index(lang: str = "zh", basemap: str = "none") -> tuple[tuple[str, str, tuple[float, ...]], ...]:
    """What the map's search box finds: ``(label, text searched, (south, west, north, east))`` rows.

    Counties and cities by Chinese or English name, pinyin (``data/names/pinyin.csv``) and
    adcode; every point of the registry (parks, clusters with their towns such as 新塘 / Xintang
    or 虎门 / Humen, transfer parks, dyeing centres...) by name, pinyin, id and the county it
    lies in. Text is lower case without spaces or punctuation, so "Xin tang" finds "Xintang"
    and "guangxiu" finds 广绣.

    Examples
    --------
    >>> rows = search_index("en")
    >>> next(r[0] for r in rows if "xintang" in r[1] and "denim" in r[1])
    'Xintang denim, Zengcheng, Guangzhou · Clusters not named in the notice (§3)'
    >>> next(r[0] for r in rows if r[1].startswith("440118"))
    'Zengcheng District (440118) · County'
    """
    check_lang(lang)
    frames = []
    county_names = {}
    for level in ("county", "city"):
        units = load_boundaries(level)
        b = shapely.bounds(_shift(units.geometry.values, basemap))
        county_names.update(dict(zip(units["adcode"], units["name_zh"] + units["name_en"])))
        frames.append(pd.DataFrame({
            "label": units[f"name_{lang}"] + " (" + units["adcode"] + ") · " + tr(f"app.level.{level}", lang),
            "name_zh": units["name_zh"].astype(str),
            "text": _squash(units["adcode"] + units["name_zh"] + units["name_en"]),
            "s": b[:, 1], "w": b[:, 0], "n": b[:, 3], "e": b[:, 2]}))
    for spec in LAYERS:
        if spec.geom != "point":
            continue
        gdf = _display_layer(spec.id, 150.0)[0]
        if not len(gdf):
            continue
        xy = shapely.get_coordinates(_shift(gdf.geometry.values, basemap))
        where = gdf.get("county_adcode", pd.Series("", index=gdf.index)).map(county_names).fillna("")
        frames.append(pd.DataFrame({
            "label": gdf[f"name_{lang}"].astype(str) + " · " + spec.title(lang),
            "name_zh": gdf["name_zh"].astype(str),
            "text": _squash(gdf["name_zh"].astype(str) + gdf["name_en"].astype(str) + gdf.get("id", "").astype(str)
                            + where),
            "s": xy[:, 1], "w": xy[:, 0], "n": xy[:, 1], "e": xy[:, 0]}))
    df = pd.concat(frames, ignore_index=True)
    df["text"] = df["text"] + df["name_zh"].map(_pinyin()).fillna("")  # pinyin and initials of the Chinese name
    box = df[["s", "w", "n", "e"]].round(5).to_numpy()
    return tuple((str(lab), str(text), tuple(float(v) for v in row))
                 for lab, text, row in zip(df["label"], df["text"], box))


# ----------------------------------------------------------------------------- the map

class _GdMap(MacroElement):
    """The layers, popups, legend, layer control, labels and search of webmap.js, in one script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.js }}
        GD_MAP({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
        """
    )

    def __init__(self, data: str) -> None:
        super().__init__()
        self._name = "GdMap"
        self.js = _JS
        self.data = data


def build_map(
    layer_ids: Sequence[str] | None = None,
    *,
    lang: str = "zh",
    basemap: str = "none",
    overlays: Sequence[Overlay] = (),
    leaflet_prefix: str | None = LEAFLET_PREFIX,
    tolerance_m: float = 150.0,
    layer_control: bool = True,
    labels: bool = True,
    search: bool = True,
    legend_collapsed: bool = False,
) -> folium.Map:
    """Build the folium map of the registry layers plus ``overlays``.

    Parameters
    ----------
    layer_ids : sequence of str, optional
        Registry layers to draw (all when None), every one shown.
    lang : {"zh", "en"}
        Language of titles, popups, legend, labels and search.
    basemap : {"none", "osm", "gaode"}
        "none" draws no tiles and works offline; "osm" adds OpenStreetMap (WGS84, layers as
        they are); "gaode" adds Gaode/AMap tiles (GCJ-02) and shifts every layer and overlay
        to GCJ-02 so they line up.
    overlays : sequence of Overlay
        Extra layers such as a score choropleth or allocation flows, drawn on top.
    leaflet_prefix : str or None
        URL prefix of the vendored Leaflet; None keeps folium's CDN links.
    tolerance_m : float
        Display simplification of polygons, metres (analysis data is never simplified).
    layer_control : bool
        Add a collapsed layer control listing every layer and overlay. Leave it off where the
        page chooses the layers elsewhere, so there is one control, not two.
    labels : bool
        City names at province zoom.
    search : bool
        A search box (Chinese name, English name or pinyin, adcode, town) that zooms to a place.
    legend_collapsed : bool
        Start with the legend folded.

    Examples
    --------
    >>> m = build_map(["zones"], lang="en")
    >>> "Shantou" in m.get_root().render()
    True
    """
    check_lang(lang)
    _check_basemap(basemap)
    ids = list(layer_ids) if layer_ids is not None else [s.id for s in LAYERS]
    specs = [get_layer_spec(i) for i in ids]
    m = folium.Map(location=_CENTER, zoom_start=7, tiles=None, control_scale=True, prefer_canvas=False,
                   zoom_snap=0.25, zoom_delta=0.5)
    if leaflet_prefix is not None:
        m.default_js = [("leaflet", f"{leaflet_prefix}/leaflet.js")]
        m.default_css = [("leaflet_css", f"{leaflet_prefix}/leaflet.css")]
    if basemap in _TILES:
        url, subdomains, attr = _TILES[basemap]
        folium.TileLayer(url, name=basemap_label(basemap, lang), attr=tr(attr, lang), control=False, max_zoom=18,
                         subdomains=subdomains or "abc").add_to(m)
    parts = [_layer_json(s.id, float(tolerance_m), lang, basemap) for s in specs if len(_display_layer(s.id, float(tolerance_m))[0])]
    parts += [_overlay_json(ov, float(tolerance_m), basemap) for ov in overlays if len(ov.gdf)]
    text = {k: html.escape(tr(f"maps.ui.{k}", lang)) for k in ("legend", "here", "search", "no_match", "empty")}
    data = ('{"layers":[' + ",".join(parts) + "],"
            + '"labels":' + json.dumps(_city_labels(lang, basemap) if labels else []) + ","
            + '"search":' + json.dumps(search_index(lang, basemap) if search else []) + ","
            + '"bounds":' + json.dumps(_province_bounds(basemap)) + ","
            + '"gcj":' + json.dumps(_gcj_grid() if BASEMAP_DATUM[basemap] == "GCJ-02" else None) + ","
            + '"control":' + json.dumps(bool(layer_control)) + ","
            + '"legend_collapsed":' + json.dumps(bool(legend_collapsed)) + ","
            + '"text":' + json.dumps(text) + ',"css":' + json.dumps(_CSS) + "}")
    _GdMap(_htmlsafe(data)).add_to(m)
    return m
