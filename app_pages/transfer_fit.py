"""Page: which East, West and North Guangdong units fit a stage leaving the Pearl River Delta, and why.

Ranking, explanation, sensitivity, chain completeness, allocation, the score map, the basis
of every number, and the report and GIS downloads of the same study.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analysis.assumptions import COMPONENTS
from analysis.completeness import pivot_completeness
from app_pages._common import (
    FIT_DEFAULTS,
    cached_units,
    component_columns,
    current_basemap,
    current_lang,
    escape_markdown,
    headers,
    region_name,
    show_basis,
    unit_label,
)
from app_pages._charts import completeness_chart, components_chart, odds_chart, show_chart
from app_pages._downloads import downloads
from app_pages._fit_controls import allocation_ui, fit_controls
from app_pages._uploads import usable_uploads
from app_pages._scenarios import remember_study
from app_pages._study import (
    cached_completeness,
    cached_exclusion_areas,
    cached_fit,
    cached_sensitivity,
)
from layers.stages import stage_label
from outputs.fitmap import (
    exclusion_overlay,
    flow_overlay,
    origin_overlay,
    score_overlay,
)
from outputs.messages import render_error
from outputs.text import tr
from outputs.webmap import build_map
from scenario.study import build_command

#: Policy layers drawn under the score: the three zones (§3), the named parks (§4) and dyeing parks (§19).
FIT_MAP_CONTEXT = ("zones", "parks", "dyeing_parks")


def ranked_table(fit: object, lang: str) -> pd.DataFrame:
    """The fit's table for display: names, regions and reasons in ``lang``."""
    name = f"name_{lang}"
    # the reason a unit is not ranked stands next to its (empty) rank, not off-screen at the right
    cols = ["rank", name, "excluded_reason", "adcode", "region", "tier", "score", *COMPONENTS, "origin_hours",
            "policy_clauses"]
    out = fit.table[cols].rename(columns={name: "name"})
    out["tier"] = out["tier"].map(lambda v: tr(f"app.tier.{v}", lang))
    # the explanation sentence says why in the chosen language (excluded_reason is English only)
    out["excluded_reason"] = fit.table[f"reason_{lang}"].where(~fit.table["eligible"].astype(bool), "")
    out["region"] = out["region"].map(lambda r: region_name(r, lang))
    return out


@st.fragment
def fit_view(lang: str, basemap: str) -> None:
    """The transfer-fit study, its report and its export.

    A fragment: changing a weight or an option reruns only this view, and the report and
    export buttons below always follow the current choices.
    """
    st.caption(tr("app.fit_intro", lang))
    try:
        settings, up = fit_controls(lang)
        settings, up = usable_uploads(settings, up, lang)  # a bad file is named and left out, the rest answers
        fit = cached_fit(settings, up)
    except ValueError as exc:
        st.error(escape_markdown(render_error(exc, lang=lang)))
        return
    label = unit_label(cached_units(settings.level), lang)
    table = fit.table
    eligible = table[table["eligible"].astype(bool)]
    if len(eligible):
        top = eligible.iloc[0]
        st.info(tr("app.summary", lang, stage=stage_label(fit.stage, lang=lang), origin=label(fit.origin),
                   n=len(table), k=len(eligible), top=label(top["adcode"]), score=float(top["score"])))
    else:
        st.warning(tr("app.none_eligible", lang))

    map_slot = st.container()
    st.subheader(tr("app.ranked", lang))
    st.dataframe(ranked_table(fit, lang), hide_index=True, width="stretch", height=320,
                 column_config=headers(lang, "rank", "name", "adcode", "region", "tier", "origin_hours", "policy_clauses",
                                       "excluded_reason", **component_columns(lang)))
    if len(eligible):  # what each score is made of, as a picture
        show_chart(components_chart, settings, up, lang, lang=lang)

    dest = None  # the destination explained, and the one the completeness "after" moves to
    if len(eligible):
        st.subheader(tr("app.explain", lang))
        dest_key = f"fit_dest_{settings.level}"
        # a new question (stage, origin, candidates) starts at its best answer, unless the destination was
        # set with it (a reopened scenario or link); the same question keeps the planner's pick
        question = (settings.stage, settings.origin, settings.candidates)
        seen_question, seen_dest = st.session_state.get("_fit_dest_for", (None, None))
        current = st.session_state.get(dest_key)
        if current not in set(eligible["adcode"]) or (question != seen_question and current == seen_dest):
            st.session_state[dest_key] = str(eligible["adcode"].iloc[0])
        dest = st.selectbox(tr("app.dest", lang), eligible["adcode"].tolist(), key=dest_key,
                            persist_state="session", format_func=label)
        st.session_state["_fit_dest_for"] = (question, dest)
        row = table.loc[table["adcode"] == dest].iloc[0]
        c1, c2 = st.columns([3, 2])
        c1.markdown(escape_markdown(row[f"reason_{lang}"]))  # may name places from an uploaded table
        comp = pd.DataFrame({"value": [float(row[c]) for c in COMPONENTS]},
                            index=[tr(f"component.{c}", lang) for c in COMPONENTS])
        c2.bar_chart(comp, horizontal=True, height=220)

    st.subheader(tr("app.sens", lang))
    s1, s2 = st.columns(2)
    draws = int(s1.number_input(tr("app.sens_draws", lang), min_value=0, max_value=50_000,
                                value=int(FIT_DEFAULTS["sens_draws"]), step=500,
                                key="sens_draws", persist_state="session"))
    seed = int(s2.number_input(tr("app.sens_seed", lang), min_value=0, max_value=2**31 - 1,
                               value=int(FIT_DEFAULTS["sens_seed"]), step=1,
                               key="sens_seed", persist_state="session"))
    settings = replace(settings, draws=draws, seed=seed)
    st.caption(tr("app.sens_note", lang))
    if draws and len(eligible):
        try:
            sens = cached_sensitivity(settings, up)
        except ValueError as exc:
            st.error(escape_markdown(render_error(exc, lang=lang)))
        else:
            name = f"name_{lang}"
            bar = {"min_value": 0.0, "max_value": 1.0, "format": "%.2f"}
            st.dataframe(sens[[name, "adcode", "p_first", "p_top3", "mean_rank"]].head(10), hide_index=True,
                         width="stretch", column_config=headers(
                             lang, name, "adcode",
                             p_first=st.column_config.ProgressColumn(tr("col.p_first", lang), **bar),
                             p_top3=st.column_config.ProgressColumn(tr("col.p_top3", lang), **bar),
                             mean_rank=st.column_config.NumberColumn(tr("col.mean_rank", lang), format="%.1f")))
            show_chart(odds_chart, settings, up, lang, lang=lang)

    st.subheader(tr("app.comp", lang))
    k1, k2 = st.columns(2)
    share = k1.slider(tr("app.comp_share", lang), 0.0, 1.0, float(FIT_DEFAULTS["comp_share"]), 0.1, key="comp_share", persist_state="session")
    by = k2.radio(tr("app.comp_by", lang), ["zone", "region"], key="comp_by", persist_state="session", horizontal=True,
                  format_func=lambda b: tr(f"app.comp_by.{b}", lang))
    try:
        settings = replace(settings, transfer_to=dest, transfer_share=float(share))
        comp_df = cached_completeness(settings, up)
        st.caption(tr("app.comp_note", lang, dest=label(dest) if dest else "—"))
        st.dataframe(pivot_completeness(comp_df, lang=lang, by=by), hide_index=True, width="stretch",
                     column_config=headers(lang, "group"))
        show_chart(completeness_chart, settings, up, lang, by, lang=lang)
    except ValueError as exc:
        st.error(escape_markdown(render_error(exc, lang=lang)))

    st.subheader(tr("app.alloc", lang))
    settings, alloc = allocation_ui(settings, up, eligible, lang)

    overlays = [score_overlay(fit, lang=lang), origin_overlay(fit, lang=lang)]
    overlays += [exclusion_overlay(areas, lang=lang) for areas in cached_exclusion_areas(up).values()]
    flows = flow_overlay(alloc, lang=lang) if alloc is not None else None
    overlays += [flows] if flows is not None else []
    with map_slot:
        # built per run (a folium Map shared across sessions renders empty); layers are cached in outputs.webmap
        m = build_map(FIT_MAP_CONTEXT, lang=lang, basemap=basemap, overlays=overlays)
        st_folium(m, key="fit_map", height=560, use_container_width=True, returned_objects=[])
        st.caption(tr("app.map_caption", lang))

    show_basis(fit.assumptions, fit.sources, lang,
               command=build_command(settings, kind="report", html="report.html", pdf="report.pdf"))
    st.divider()
    remember_study(settings, up)  # a scenario saved on the scenarios page keeps these uploads and tables
    downloads(lang, settings, up)


fit_view(current_lang(), current_basemap())
