"""The transfer-fit page's choices: stage, origin, candidates, weights (sliders or AHP), input
files and the capacity allocation tables. Not a page; widgets only, the model is below.
"""
from __future__ import annotations

import warnings
from dataclasses import replace

import pandas as pd
import streamlit as st

from analysis.assumptions import NETWORKS
from analysis.notes import Note
from analysis.weights import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    ahp_weights,
    complete_reciprocal,
    normalise_weights,
    read_ahp_csv,
)
from app_pages._common import (
    DEFAULT_ORIGIN,
    FIT_DEFAULTS,
    LEVELS,
    cached_units,
    escape_markdown,
    headers,
    unit_label,
    unit_search_label,
)
from app_pages._study import Uploads, cached_allocation
from geo.io import open_user_table
from geo.validate import check_unique_keys
from layers.stages import STAGES, stage_label
from outputs.messages import render_error
from outputs.text import tr
from scenario.settings import StudySettings, destination_places

#: Input files a planner can upload: (CLI option, catalogue key of the label, file types).
UPLOADS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("--capability", "app.up.capability", ("csv",)),
    ("--od", "app.up.od", ("csv",)),
    ("--od-hours", "app.up.od_hours", ("csv",)),
    ("--site", "app.up.site", ("csv",)),
    ("--chain", "app.up.chain", ("csv",)),
    ("--evidence", "app.up.evidence", ("csv",)),
    ("--exclude-areas", "app.up.exclusion", ("zip", "gpkg", "geojson", "json", "fgb", "kml")),
    ("--dem", "app.up.dem", ("tif", "tiff")),
)

Weights = tuple[tuple[str, float], ...]


def _upload(option: str, key: str, types: tuple[str, ...], lang: str) -> tuple[str, str, bytes] | None:
    f = st.file_uploader(tr(key, lang), type=list(types), key=key)
    return (option, f.name, f.getvalue()) if f is not None else None


def _weights_used(w: dict[str, float], lang: str) -> None:
    label = {c: tr(f"component.{c}", lang) for c in COMPONENTS}
    st.caption(tr("app.weights_used", lang) + ": " + ", ".join(f"{label[c]} {w[c]:.2f}" for c in COMPONENTS))


def weights_ui(lang: str) -> tuple[Weights | None, str | None, list[str]]:
    """Weights from sliders or AHP: (weights or None for the defaults, AHP file name, notes).

    Raises ValueError on bad input (all-zero sliders, a bad matrix).
    """
    mode = st.radio(tr("app.weights_mode", lang), ["sliders", "ahp"], key="weights_mode", persist_state="session",
                    horizontal=True, format_func=lambda m: tr(f"app.weights_mode.{m}", lang))
    notes: list[str] = []
    if mode == "sliders":
        sep = "、" if lang == "zh" else ", "
        st.caption(tr("app.weights_default_text", lang, weights=sep.join(
            f"{tr(f'component.{c}', lang)} {DEFAULT_WEIGHTS[c]:.2f}" for c in COMPONENTS)))
        raw = {c: st.slider(tr(f"component.{c}", lang), 0.0, 1.0, float(DEFAULT_WEIGHTS[c]), 0.05, key=f"w_{c}",
                            persist_state="session") for c in COMPONENTS}
        w = normalise_weights(raw)
        ahp_file = None
        if all(abs(raw[c] - DEFAULT_WEIGHTS[c]) < 1e-9 for c in COMPONENTS):
            # untouched sliders: the defaults, so the fit states them as the assumption they are
            _weights_used(w, lang)
            return None, None, notes
    else:
        st.caption(tr("app.ahp_help", lang))
        names = {c: tr(f"component.{c}", lang) for c in COMPONENTS}
        up = st.file_uploader(tr("app.ahp_upload", lang), type=["csv"], key="up_ahp")
        if up is not None:
            # the command line's gate (cap, text, not empty, named as uploaded); UTF-8 or GBK, decoded by geo.io
            matrix = read_ahp_csv(open_user_table("--ahp", up.name, up.getvalue()))
            ahp_file = up.name
        else:
            # rows and columns headed by the components' names in the planner's language; ids underneath
            base = pd.DataFrame("1", index=[names[c] for c in COMPONENTS], columns=list(COMPONENTS))
            edited = st.data_editor(base, key="ahp_editor", width="stretch",
                                    column_config={c: st.column_config.TextColumn(names[c]) for c in COMPONENTS})
            matrix = complete_reciprocal(edited.set_axis(list(COMPONENTS), axis=0))
            ahp_file = None
        # the full matrix used, lower triangle the reciprocals of the upper one, as the help says
        st.caption(tr("app.ahp_full", lang))
        shown = pd.DataFrame(matrix).astype(float).round(3)
        st.dataframe(shown.rename(index=lambda c: names.get(c, c), columns=lambda c: names.get(c, c)), width="stretch")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = ahp_weights(matrix)
        st.caption(tr("app.ahp_cr", lang, cr=res.cr, lam=res.lambda_max))
        if res.warning:  # in the planner's language; the English sentence stays in the fit's assumptions
            st.warning(tr("app.ahp_inconsistent", lang, cr=res.cr))
            caught = [wm for wm in caught if str(wm.message) != res.warning]
        for wm in caught:
            st.warning(escape_markdown(wm.message))
        w = normalise_weights(res.weights)
        # a coded sentence (analysis.notes): the Basis panel and the report say it in the reader's language
        notes.append(res.describe(ahp_file or Note("weights.ahp_typed")))
    _weights_used(w, lang)
    return tuple((c, float(w[c])) for c in COMPONENTS), ahp_file, notes


def fit_controls(lang: str) -> tuple[StudySettings, Uploads]:
    """Widgets of the fit; returns the settings and the uploaded files. Raises ValueError on bad input."""
    c1, c2, c3 = st.columns(3)
    with c1:
        level = st.radio(tr("app.level", lang), LEVELS, key="fit_level", persist_state="session", horizontal=True,
                         format_func=lambda x: tr(f"app.level.{x}", lang))
        stage = st.selectbox(tr("app.stage", lang), STAGES, index=STAGES.index(str(FIT_DEFAULTS["fit_stage"])), key="fit_stage",
                             persist_state="session", format_func=lambda s: f"{stage_label(s, lang=lang)} ({s})")
    units = cached_units(level)
    label = unit_label(units, lang)
    prd = units.loc[units["region"] == "PRD", "adcode"].tolist()
    with c2:
        origin = st.selectbox(tr("app.origin", lang), prd, index=prd.index(DEFAULT_ORIGIN[level]),
                              key=f"fit_origin_{level}", persist_state="session",
                              format_func=unit_search_label(units, lang))  # finds towns and pinyin too
        candidates = st.radio(tr("app.candidates", lang), ["receiving", "all"], key="fit_candidates",
                              persist_state="session", horizontal=True,
                              format_func=lambda c: tr(f"app.candidates.{c}", lang))
    with c3:
        half_life = st.number_input(tr("app.half_life", lang), min_value=0.25, max_value=24.0,
                                    value=float(FIT_DEFAULTS["fit_half_life"]), step=0.25, key="fit_half_life",
                                    persist_state="session")
        exclude = st.multiselect(tr("app.exclude", lang), units["adcode"].tolist(), key=f"fit_exclude_{level}",
                                 persist_state="session", format_func=label, placeholder=tr("app.choose", lang))
    with st.expander(tr("app.weights", lang), expanded=False):
        weights, ahp_file, notes = weights_ui(lang)
    with st.expander(tr("app.inputs", lang), expanded=False):
        st.caption(tr("app.inputs_default", lang))
        network = st.radio(tr("app.network", lang), NETWORKS, key="fit_network", persist_state="session",
                           horizontal=True, format_func=lambda n: tr(f"app.network.{n}", lang))
        dyeing_parks = st.multiselect(tr("app.dyeing_parks", lang), units["adcode"].tolist(),
                                      key=f"fit_dyeing_parks_{level}", persist_state="session", format_func=label,
                                      placeholder=tr("app.choose", lang))
        up = tuple(u for u in (_upload(opt, key, types, lang) for opt, key, types in UPLOADS) if u is not None)
        share = st.slider(tr("app.excl_share", lang), 0.05, 1.0, float(FIT_DEFAULTS["excl_share"]), 0.05, key="excl_share", persist_state="session")
    files = ([("--ahp", ahp_file)] if ahp_file else []) + [(opt, name) for opt, name, _data in up]
    settings = StudySettings(stage=stage, origin=origin, level=level, weights=weights, half_life_h=float(half_life),
                             network=network, dyeing_parks=tuple(dyeing_parks), candidates=candidates,
                             exclude=tuple(exclude), lang=lang, files=tuple(files), exclude_share=float(share),
                             notes=tuple(notes))
    return settings, up


def _pairs(df: pd.DataFrame, code: str, value: str) -> tuple[tuple[str, float], ...]:
    """Rows of an editor table with a code and a number (blank rows dropped)."""
    d = df[[code, value]].dropna()
    d = d[d[code].astype(str).str.strip() != ""]
    return tuple(zip(d[code].astype(str).str.strip(), d[value].astype(float)))


def allocation_ui(settings: StudySettings, up: Uploads, eligible: pd.DataFrame,
                  lang: str) -> tuple[StudySettings, object | None]:
    """The origins/amounts and destinations/room tables and the allocation they give (None if none)."""
    key = f"{settings.level}_{settings.stage}_{settings.origin}"
    try:
        places = destination_places(settings.stage)  # named places, transfer parks, §19 centres
        park_ids = [f"{name} ({pid})" for pid, name in zip(places["id"], places[f"name_{lang}"])]
    except ValueError:
        park_ids = []
    st.caption(tr("app.alloc_note", lang, ids=", ".join(park_ids) or "—"))
    a1, a2 = st.columns(2)
    with a1:
        origins = st.data_editor(
            pd.DataFrame({"origin": pd.Series([settings.origin], dtype="string"), "amount": [100.0]}),
            key=f"alloc_origins_{key}", num_rows="dynamic", width="stretch", hide_index=True,
            column_config={"origin": st.column_config.TextColumn(tr("col.origin", lang)),
                           "amount": st.column_config.NumberColumn(tr("col.amount", lang), min_value=0.0)},
        )
    with a2:
        room = st.data_editor(
            pd.DataFrame({"destination": pd.Series(eligible["adcode"].head(5).tolist(), dtype="string"),
                          "room": pd.Series([50.0] * min(len(eligible), 5), dtype=float)}),
            key=f"alloc_room_{key}", num_rows="dynamic", width="stretch", hide_index=True,
            column_config={"destination": st.column_config.TextColumn(tr("col.destination", lang)),
                           "room": st.column_config.NumberColumn(tr("col.room", lang), min_value=0.0)},
        )
    supply = _pairs(origins, "origin", "amount")
    rooms = _pairs(room, "destination", "room")
    if not supply or not rooms or sum(v for _, v in supply) <= 0:
        st.info(tr("app.alloc_empty", lang))
        return settings, None
    settings = replace(settings, allocate=supply, room=rooms)
    try:
        check_unique_keys(supply, name=tr("col.origin", lang))  # the command line's rule: a repeated key is refused
        check_unique_keys(rooms, name=tr("col.destination", lang))
        alloc = cached_allocation(settings, up)
    except ValueError as exc:
        st.error(escape_markdown(render_error(exc, lang=lang)))
        return replace(settings, allocate=(), room=()), None
    if alloc.shortfall > 0:
        st.warning(tr("app.alloc_short", lang, short=alloc.shortfall))
    else:
        st.success(tr("app.alloc_ok", lang, total=float(alloc.flows["amount"].sum()), m=len(alloc.flows)))
    st.dataframe(alloc.flows, hide_index=True, width="stretch",
                 column_config=headers(lang, "origin", "destination", "amount", "cost", "score", "name_zh", "name_en"))
    return settings, alloc
