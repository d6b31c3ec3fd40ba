"""One registry of every map layer: id, Chinese and English title, loader and style.

The app, the report and the exports all walk :data:`LAYERS`, so a layer added here shows
up everywhere with the same title and colours.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd

from geo.errors import UnknownNameError
from layers import layout
from layers.boundaries import load_boundaries
from layers.evidence import load_dyeing_centres, load_partners, load_transfer_parks
from layers.places import load_places

__all__ = ["LayerSpec", "LAYERS", "list_layers", "get_layer_spec", "load_layer"]


@dataclass(frozen=True)
class LayerSpec:
    """How one layer is named, loaded and drawn.

    ``style`` keys: ``color`` (outline or marker), ``fill`` (fill colour), ``fill_opacity``,
    ``weight`` (line width), ``radius`` (points, in pixels), ``dash`` (optional).
    """

    id: str
    title_zh: str
    title_en: str
    group: str
    geom: str
    loader: Callable[[], gpd.GeoDataFrame]
    style: dict = field(default_factory=dict)
    show: bool = True

    def title(self, lang: str = "zh") -> str:
        """Title in ``lang`` ("zh" or "en")."""
        return self.title_zh if lang == "zh" else self.title_en


def _places(kind: str) -> Callable[[], gpd.GeoDataFrame]:
    def _load() -> gpd.GeoDataFrame:
        return load_places(kinds=[kind])

    _load.__name__ = f"load_places_{kind}"
    return _load


def _partner_cities() -> gpd.GeoDataFrame:
    """Receiving cities of the 2023 pairing (§4 产业共建), each with its PRD partner(s) and sources."""
    cities = load_boundaries("city")
    p = load_partners(current_only=True)
    by = p.groupby("receiving_adcode").agg(
        partner_zh=("partner_name_zh", lambda x: "、".join(dict.fromkeys(x))),
        partner_en=("partner_name_en", lambda x: ", ".join(dict.fromkeys(x))),
        pair_source=("source", lambda x: " | ".join(dict.fromkeys(x))),
        quality=("quality", lambda x: ", ".join(sorted(set(x)))),
    )
    out = cities.drop(columns=["source"], errors="ignore").merge(by, left_on="adcode", right_index=True, how="inner")
    out = out.assign(id="partner_" + out["adcode"], clause="§4", source=out["pair_source"],
                     name_zh=out["name_zh"] + "（对口：" + out["partner_zh"] + "）",
                     name_en=out["name_en"] + " (partner: " + out["partner_en"] + ")")
    return out[["id", "adcode", "name_zh", "name_en", "partner_zh", "partner_en", "clause", "source", "quality",
                "geometry"]].reset_index(drop=True)


LAYERS: list[LayerSpec] = [
    LayerSpec("regions", "四大区域（珠三角、粤东、粤西、粤北）", "Regions (PRD, East, West, North)", "layout", "polygon",
              layout.load_regions, {"color": "#555555", "fill": "region", "fill_opacity": 0.25, "weight": 2}),
    LayerSpec("cities", "地级市", "Prefecture-level cities", "boundaries", "polygon",
              lambda: load_boundaries("city"), {"color": "#333333", "fill": None, "fill_opacity": 0.0, "weight": 1.2}),
    LayerSpec("counties", "县级行政区", "County-level units", "boundaries", "polygon",
              lambda: load_boundaries("county"), {"color": "#888888", "fill": None, "fill_opacity": 0.0, "weight": 0.5},
              show=False),
    LayerSpec("cluster", "一群：全省纺织服装产业集群（§2）", "One cluster: province-wide textile & apparel cluster (§2)",
              "layout", "polygon", layout.load_cluster,
              {"color": "#7b3294", "fill": None, "fill_opacity": 0.0, "weight": 3, "dash": "8 6"}, show=False),
    LayerSpec("poles", "两极：广州、深圳（§3）", "Two poles: Guangzhou, Shenzhen (§3)", "layout", "polygon",
              layout.load_poles, {"color": "#d7191c", "fill": "#d7191c", "fill_opacity": 0.35, "weight": 2.5}),
    LayerSpec("zones", "三区：服装产业区（§3）", "Three zones: apparel zones (§3)", "layout", "polygon",
              layout.load_zones, {"color": "#fdae61", "fill": "#fdae61", "fill_opacity": 0.3, "weight": 2.5}),
    LayerSpec("parks", "重点园区与基地（§4）", "Named parks and bases (§4)", "places", "point",
              _places("park"), {"color": "#1a9641", "fill": "#1a9641", "radius": 9}),
    LayerSpec("dyeing_parks", "印染专业园区（§19）", "Dyeing parks (§19)", "places", "point",
              _places("dyeing_park"), {"color": "#2c7bb6", "fill": "#2c7bb6", "radius": 9}),
    LayerSpec("clusters", "特色产业集群（§14、§3）", "Specialty clusters (§14, §3)", "places", "point",
              _places("cluster"), {"color": "#e66101", "fill": "#e66101", "radius": 7}),
    LayerSpec("unnamed_clusters", "未被点名的产业集群（§3）", "Clusters not named in the notice (§3)", "places", "point",
              _places("unnamed_cluster"), {"color": "#e66101", "fill": "#ffffff", "radius": 7}),
    LayerSpec("partner_cities", "对口共建城市（2023年，§4）", "Partner cities for co-building (2023 round, §4)", "evidence",
              "polygon", _partner_cities, {"color": "#4d9221", "fill": "#a6dba0", "fill_opacity": 0.2, "weight": 1.5,
                                           "dash": "4 4"}, show=False),
    LayerSpec("transfer_parks", "产业转移园区与平台（§4）", "Transfer parks and platforms (§4)", "evidence", "point",
              load_transfer_parks, {"color": "#4d9221", "fill": "#4d9221", "radius": 8}),
    LayerSpec("dyeing_centres", "印染集中治污中心（§19）", "Dyeing centres with central treatment (§19)", "evidence", "point",
              load_dyeing_centres, {"color": "#2c7bb6", "fill": "#abd9e9", "radius": 7}, show=False),
    LayerSpec("city_titles", "区域品牌名城（§14）", "Named cities (§14)", "places", "point",
              _places("city_title"), {"color": "#b2182b", "fill": "#ffffff", "radius": 8}),
    LayerSpec("heritage", "非物质文化遗产技艺（§14）", "Intangible heritage crafts (§14)", "places", "point",
              _places("heritage"), {"color": "#8c510a", "fill": "#dfc27d", "radius": 6}),
    LayerSpec("procurement_base", "国际纺织服装采购基地（§15）", "International procurement base (§15)", "places", "point",
              _places("procurement_base"), {"color": "#01665e", "fill": "#80cdc1", "radius": 8}),
    LayerSpec("fairs", "专业展会（§22）", "Fairs (§22)", "places", "point",
              _places("fair"), {"color": "#542788", "fill": "#b2abd2", "radius": 6}),
]

#: Region fill colours used where ``style["fill"] == "region"``.
REGION_COLOURS: dict[str, str] = {"PRD": "#d7191c", "East": "#2c7bb6", "West": "#1a9641", "North": "#fdae61"}


def list_layers() -> list[str]:
    """Ids of every registered layer, in drawing order.

    Examples
    --------
    >>> list_layers()[:3]
    ['regions', 'cities', 'counties']
    """
    return [s.id for s in LAYERS]


def get_layer_spec(layer_id: str) -> LayerSpec:
    """The :class:`LayerSpec` of ``layer_id``.

    Examples
    --------
    >>> get_layer_spec("zones").title_en
    'Three zones: apparel zones (§3)'
    """
    for spec in LAYERS:
        if spec.id == layer_id:
            return spec
    msg = f"unknown layer {layer_id!r}; available: {', '.join(list_layers())}"
    raise UnknownNameError(msg)


def load_layer(layer_id: str) -> gpd.GeoDataFrame:
    """Load the layer ``layer_id`` as a WGS84 GeoDataFrame.

    Examples
    --------
    >>> len(load_layer("zones"))
    3
    """
    return get_layer_spec(layer_id).loader()
