"""Page: a stage's raster suitability surface — the map with its legend, what each criterion gives a unit,
the planner's own DEM, criterion raster and exclusion areas, and the surface as a download.

UI only: every number comes from :mod:`scenario.suitability` (which runs
:func:`analysis.suitability.compute_site_scores`); the map overlay from
:mod:`outputs.suitability_map`.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analysis.suitability import CRITERIA, CriterionInput
from app_pages._common import (
    LEVELS,
    cached_units,
    current_basemap,
    current_lang,
    escape_markdown,
    headers,
    show_basis,
    unit_label,
)
from layers.stages import STAGES, stage_label
from outputs.messages import render_error
from outputs.report_suitability import criterion_sources
from outputs.suitability_map import add_suitability_overlay, suitability_legend
from outputs.text import pick, tr
from outputs.webmap import build_map
from scenario.suitability import (
    RasterOptions,
    criterion_breakdown,
    save_uploads,
    study_suitability,
    suitability_downloads,
    unit_at,
)

#: Cell sizes offered in the app (finer grids run from the command line: --resolution 100).
RESOLUTIONS: tuple[int, ...] = (1000, 500, 250)


def _options(lang: str) -> tuple[str, str, str | None, RasterOptions]:
    """The page's choices: stage, level, origin and the raster options (uploads saved as files)."""
    c1, c2, c3, c4 = st.columns(4)
    stage = c1.selectbox(tr("app.stage", lang), list(STAGES), key="suit_stage", persist_state="session",
                         format_func=lambda s: stage_label(s, lang=lang))
    level = c2.radio(tr("app.level", lang), LEVELS, key="suit_level", persist_state="session", horizontal=True,
                     format_func=lambda lv: tr(f"app.level.{lv}", lang))
    res = c3.selectbox(tr("app.suit_res", lang), RESOLUTIONS, key="suit_res", persist_state="session",
                       format_func=lambda r: f"{r} m")
    units = cached_units(level)
    label = unit_label(units, lang)
    origin = c4.selectbox(tr("app.suit_origin", lang), [None, *units.loc[units["region"] == "PRD", "adcode"]],
                          key=f"suit_origin_{level}", persist_state="session", format_func=lambda a: tr("app.suit_no_origin", lang) if a is None
                          else label(a))
    with st.expander(tr("app.suit_own", lang)):
        u1, u2, u3 = st.columns(3)
        dem = u1.file_uploader(tr("app.suit_dem", lang), type=["tif", "tiff"], key="suit_dem")
        crit_name = u2.selectbox(tr("app.suit_crit_name", lang), list(CRITERIA), key="suit_crit_name",
                                 persist_state="session", format_func=lambda c: pick((CRITERIA[c][2], CRITERIA[c][1]), lang))
        crit = u2.file_uploader(tr("app.suit_crit", lang), type=["tif", "tiff"], key="suit_crit")
        excl = u3.file_uploader(tr("app.suit_excl", lang), type=["gpkg", "geojson", "json", "zip", "tif", "tiff"],
                                key="suit_excl")
    dem_path = str(save_uploads([(dem.name, dem.getvalue())])[0]) if dem is not None else None
    criteria = ((crit_name, CriterionInput(save_uploads([(crit.name, crit.getvalue())])[0])),) if crit is not None else ()
    exclusion = (str(save_uploads([(excl.name, excl.getvalue())])[0]),) if excl is not None else ()
    return stage, level, origin, RasterOptions(resolution_m=float(res), dem=dem_path, criteria=criteria,
                                               exclusion=exclusion)


def _breakdown(result: object, level: str, lang: str, clicked: dict | None) -> None:
    """What each criterion gives one unit: chosen in the list, or the unit clicked on the map."""
    units = cached_units(level)
    label = unit_label(units, lang)
    key = f"suit_unit_{level}"
    if clicked and clicked.get("lat") is not None:
        hit = unit_at(clicked["lng"], clicked["lat"], level=level)
        if hit is not None and st.session_state.get(f"{key}_click") != (clicked["lng"], clicked["lat"]):
            st.session_state[key] = hit  # a new click chooses the unit
            st.session_state[f"{key}_click"] = (clicked["lng"], clicked["lat"])
    code = st.selectbox(tr("app.suit_unit", lang), units["adcode"].tolist(), key=key, persist_state="session",
                        format_func=label)
    try:
        b = criterion_breakdown(result, code)
    except ValueError as exc:
        st.error(escape_markdown(render_error(exc, lang=lang)))
        return
    st.caption(tr("app.suit_unit_note", lang, site=b.attrs["site_mean"], cells=b.attrs["cells"],
                  restricted=b.attrs["cells_restricted"]))
    # the source as the model recorded it (the table's column holds only the English words)
    sources = b["criterion"].map(criterion_sources(result, lang=lang)).fillna(b["source"])
    shown = b.assign(criterion=b[f"label_{lang}"], source=sources)[["criterion", "unit", "raw_mean", "score_mean",
                                                                     "weight", "contribution", "source"]]
    bar = {"min_value": 0.0, "max_value": 1.0, "format": "%.2f"}
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "criterion": st.column_config.Column(tr("app.suit_col.criterion", lang)),
        "unit": st.column_config.Column(tr("app.suit_col.unit", lang)),
        "raw_mean": st.column_config.NumberColumn(tr("app.suit_col.raw", lang), format="%.2f"),
        "score_mean": st.column_config.ProgressColumn(tr("app.suit_col.score", lang), **bar),
        "weight": st.column_config.NumberColumn(tr("app.suit_col.weight", lang), format="%.2f"),
        "contribution": st.column_config.ProgressColumn(tr("app.suit_col.contribution", lang), **bar),
        "source": st.column_config.Column(tr("app.suit_col.source", lang)),
    })
    st.bar_chart(pd.DataFrame({"v": b["contribution"].to_numpy()}, index=b[f"label_{lang}"]), horizontal=True,
                 height=200)


@st.cache_data(show_spinner=False, max_entries=4)
def _downloads(stage: str, level: str, opts: RasterOptions, origin: str | None) -> dict[str, tuple[bytes, str]]:
    """The surface as a COG and the zonal CSV, written once per choice (the surface itself is cached below)."""
    return suitability_downloads(study_suitability(stage, level=level, options=opts, origin=origin))


def suitability_page() -> None:
    lang, basemap = current_lang(), current_basemap()
    st.caption(tr("app.suit_intro", lang))
    stage, level, origin, opts = _options(lang)
    bar = st.progress(0.0, text=tr("app.suit_running", lang))
    try:
        result = study_suitability(stage, level=level, options=opts, origin=origin,
                                   progress=lambda f, m: bar.progress(min(1.0, f), text=f"{tr('app.suit_running', lang)} {m}"))
    except ValueError as exc:
        bar.empty()
        st.error(escape_markdown(render_error(exc, lang=lang)))
        return
    bar.empty()
    col_map, col_side = st.columns([3, 2])
    with col_map:
        m = build_map(("zones",), lang=lang, basemap=basemap)
        title = add_suitability_overlay(m, result, lang=lang)
        out = st_folium(m, key="suit_map", height=560, use_container_width=True, returned_objects=["last_clicked"])
        legend = ", ".join(f"{name}" for name, _ in suitability_legend(lang))
        st.caption(tr("app.suit_map_caption", lang, title=title, legend=legend))
    with col_side:
        st.subheader(tr("app.suit_breakdown", lang))
        _breakdown(result, level, lang, (out or {}).get("last_clicked"))
    st.subheader(tr("app.suit_zonal", lang))
    names = cached_units(level).set_index("adcode")[f"name_{lang}"]
    z = result.zonal.assign(name=result.zonal["adcode"].map(names))
    bar_cfg = {"min_value": 0.0, "max_value": 1.0, "format": "%.2f"}
    st.dataframe(z[["name", "adcode", "site_mean", "site_share", "cells", "cells_restricted", "cells_nodata"]]
                 .sort_values("site_mean", ascending=False), hide_index=True, width="stretch", height=300,
                 column_config=headers(lang, "name", "adcode",
                                       site_mean=st.column_config.ProgressColumn(tr("app.suit_col.mean", lang), **bar_cfg),
                                       site_share=st.column_config.ProgressColumn(tr("app.suit_col.share", lang), **bar_cfg)))
    files = _downloads(stage, level, opts, origin)
    d1, d2 = st.columns(2)
    d1.download_button(tr("app.suit_dl_tif", lang), files["tif"][0], file_name=files["tif"][1], mime="image/tiff",
                       key="suit_dl_tif")
    d2.download_button(tr("app.suit_dl_csv", lang), files["csv"][0], file_name=files["csv"][1], mime="text/csv",
                       key="suit_dl_csv")
    show_basis(result.assumptions, result.sources, lang)


suitability_page()
