"""Guangdong textile & apparel layout planner — Streamlit UI only.

Everything shown comes from geo/, layers/ and analysis/; this file holds widgets, layout,
caching and downloads. Run with ``streamlit run app.py``.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from layers.registry import LAYERS, get_layer_spec, load_layer
from layers.webmap import BASEMAPS, build_map, popup_fields

st.set_page_config(page_title="广东纺织服装产业布局规划 | GD textile layout planner", layout="wide")

T = {
    "title": ("广东纺织服装产业布局与转移适配规划工具", "Guangdong textile & apparel layout and transfer-fit planner"),
    "subtitle": (
        "依据《关于进一步推动纺织服装产业高质量发展的实施意见》（粤工信消费函〔2023〕2号）：一群两极三区",
        "Per the 2023 Guangdong textile & apparel policy (粤工信消费函〔2023〕2号): one cluster, two poles, three zones",
    ),
    "lang": ("语言 / Language", "语言 / Language"),
    "basemap": ("底图", "Basemap"),
    "layers": ("图层", "Layers"),
    "panel_layer": ("列出要素的图层", "List the features of"),
    "tab_map": ("布局地图", "Layout map"),
    "features": ("要素列表", "Features"),
    "n_features": ("共 {n} 个要素", "{n} features"),
    "precision_note": (
        "点位精度见“定位精度”：site=园区实址，town=镇街，county=县级政府驻地（代替），city=市政府驻地（代替）。",
        "See 'Location precision': site = the park itself, town = town centre, county = county seat (stand-in), "
        "city = city government (stand-in).",
    ),
}


def t(key: str, **kw: object) -> str:
    """UI text in the chosen language."""
    s = T[key][0 if st.session_state.get("lang", "zh") == "zh" else 1]
    return s.format(**kw) if kw else s


@st.cache_data(show_spinner=False)
def cached_layer(layer_id: str):
    return load_layer(layer_id)


def cached_map(layer_ids: tuple[str, ...], lang: str, basemap: str):
    # Built per run: a folium Map shared across sessions renders empty on a second page load.
    # The slow part (loading and simplifying layers) is cached inside layers.webmap.
    return build_map(list(layer_ids), lang=lang, basemap=basemap)


def sidebar() -> tuple[str, str, list[str]]:
    st.sidebar.radio(t("lang"), ["zh", "en"], format_func=lambda x: "中文" if x == "zh" else "English",
                     key="lang", horizontal=True)
    lang = st.session_state["lang"]
    i = 0 if lang == "zh" else 1
    basemap = st.sidebar.radio(t("basemap"), list(BASEMAPS), format_func=lambda b: BASEMAPS[b][i], key="basemap")
    chosen = st.sidebar.multiselect(
        t("layers"), [s.id for s in LAYERS], default=[s.id for s in LAYERS],
        format_func=lambda x: get_layer_spec(x).title(lang), key="layers",
    )
    return lang, basemap, chosen


def map_view(lang: str, basemap: str, chosen: list[str]) -> None:
    col_map, col_panel = st.columns([3, 2])
    with col_map:
        try:
            m = cached_map(tuple(chosen), lang, basemap)
        except ValueError as exc:
            st.error(str(exc))
            return
        st_folium(m, key="layout_map", height=640, use_container_width=True, returned_objects=[])
        st.caption(t("precision_note"))
    with col_panel:
        if not chosen:
            return
        layer_id = st.selectbox(t("panel_layer"), chosen, format_func=lambda x: get_layer_spec(x).title(lang),
                                key="panel_layer")
        try:
            gdf = cached_layer(layer_id)
        except ValueError as exc:
            st.error(str(exc))
            return
        table = popup_fields(get_layer_spec(layer_id), gdf, lang=lang)
        st.subheader(t("features"))
        st.caption(t("n_features", n=len(table)))
        # popup_fields escapes for HTML; the table widget shows plain text, so unescape for display
        import html as _html

        st.dataframe(table.map(_html.unescape), hide_index=True, use_container_width=True, height=560)


def main() -> None:
    if "lang" not in st.session_state:
        st.session_state["lang"] = "zh"
    lang, basemap, chosen = sidebar()
    st.title(t("title"))
    st.caption(t("subtitle"))
    (tab_map,) = st.tabs([t("tab_map")])
    with tab_map:
        map_view(lang, basemap, chosen)


main()
