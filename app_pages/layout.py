"""Page: the policy layout map (one cluster, two poles, three zones, parks) and its feature list.

The map is the page: it spans the width, opens on the whole province, and the layers shown
are chosen in one place, the sidebar list (the map has a legend but no second layer switch).
"""
from __future__ import annotations

import html

import streamlit as st
from streamlit_folium import st_folium

from app_pages._common import (
    LAYER_IDS,
    cached_layer,
    current_basemap,
    current_lang,
    escape_markdown,
    layer_title,
)
from layers.registry import LAYERS, get_layer_spec
from outputs.messages import render_error
from outputs.text import tr
from outputs.webmap import build_map, popup_fields

#: Layers shown when the page first opens: those the registry marks as shown (counties,
#: the province-wide cluster, partner cities and the dyeing centres are one click away).
DEFAULT_LAYERS: tuple[str, ...] = tuple(s.id for s in LAYERS if s.show)


@st.fragment
def feature_panel(lang: str, chosen: tuple[str, ...]) -> None:
    """The features of one shown layer; choosing another layer reruns only this panel, not the map."""
    layer_id = st.selectbox(tr("app.panel_layer", lang), chosen, format_func=layer_title(lang), key="panel_layer",
                            persist_state="session")
    try:
        gdf = cached_layer(layer_id)
    except ValueError as exc:
        st.error(escape_markdown(render_error(exc, lang=lang)))
        return
    table = popup_fields(get_layer_spec(layer_id), gdf, lang=lang)
    st.caption(tr("app.n_features", lang, n=len(table)))
    # popup_fields escapes for HTML; the table widget shows plain text, so unescape for display
    st.dataframe(table.map(html.unescape), hide_index=True, width="stretch", height=420)


def layout_page() -> None:
    lang, basemap = current_lang(), current_basemap()
    chosen = st.sidebar.multiselect(tr("app.layers", lang), LAYER_IDS, default=list(DEFAULT_LAYERS),
                                    format_func=layer_title(lang), key="layers", persist_state="session",
                                    placeholder=tr("app.choose", lang))
    try:
        # built per run (a folium Map shared across sessions renders empty on a second page load);
        # the slow parts (loading, simplifying, GeoJSON text) are cached inside outputs.webmap
        m = build_map(chosen, lang=lang, basemap=basemap, layer_control=False)
    except ValueError as exc:
        st.error(escape_markdown(render_error(exc, lang=lang)))
    else:
        st_folium(m, key="layout_map", height=640, use_container_width=True, returned_objects=[])
        st.caption(tr("app.map_help", lang) + " " + tr("app.precision_note", lang))
    if chosen:
        st.subheader(tr("app.features", lang))
        feature_panel(lang, tuple(chosen))


layout_page()
