"""Page: save the current choices under a name, reopen, rename, duplicate, delete, share and compare scenarios.

Every action is a call into :mod:`scenario` (the store, conversion, comparison) through
:mod:`app_pages._scenarios`; the store is the one SQLite file every session and the command
line share, so a scenario saved here is listed by ``python -m analysis scenario list`` and in
any other browser.
"""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages._common import (
    cached_units,
    current_basemap,
    current_lang,
    escape_markdown,
    unit_label,
)
from app_pages._scenarios import (
    cached_store,
    current_widgets,
    encode_view,
    get_store,
    link,
    load_study,
    restore_widgets,
    save_current,
    settings_from_widgets,
    store_path,
    study_widgets,
)
from geo.errors import PlannerError
from geo.writers import sanitize_name
from layers.stages import stage_label
from outputs.comparemap import difference_overlay
from outputs.messages import render_notes
from outputs.messages import render_error
from outputs.report import report_bytes
from scenario.compare import Comparison, compare_stored
from outputs.text import tr
from outputs.webmap import build_map
from scenario.compare import build_comparison_report, difference_frame, rank_changes
from scenario.exchange import scenario_file_bytes

FIT_PAGE = "app_pages/transfer_fit.py"


@st.cache_data(show_spinner=False, max_entries=8)
def cached_comparison(path: str, names: tuple[str, ...], stamps: tuple[str, ...]) -> Comparison:
    """The comparison of ``names``; ``stamps`` (their update times) make an edited scenario recompute."""
    return compare_stored(cached_store(path), list(names))


def _one_line(exc: Exception, lang: str) -> str:
    # in the page's language; scenario and file names are the planner's: shown as text
    return escape_markdown(" ".join(render_error(exc, lang=lang).split()))


def _say(kind: str, text: str) -> None:
    """Keep a message for the next run (callbacks run before the page draws)."""
    st.session_state["_scn_msg"] = (kind, text)


# ----------------------------------------------------------------------------- callbacks

def _reopen(name: str) -> None:
    lang = current_lang()
    try:
        study = load_study(get_store(), name)
    except PlannerError as exc:
        _say("error", _one_line(exc, lang))
        return
    restore_widgets(study_widgets(study))
    st.session_state["_scn_reopened"] = study.name


def _rename(old: str, lang: str) -> None:
    new = st.session_state.get("scn_new", "")
    try:
        get_store().rename(old, new)
    except PlannerError as exc:
        _say("error", _one_line(exc, lang))
        return
    st.session_state["scn_pick"] = new
    _say("success", tr("app.scn.renamed", lang, old=escape_markdown(old), new=escape_markdown(new)))


def _duplicate(name: str, lang: str) -> None:
    new = st.session_state.get("scn_new", "")
    try:
        get_store().duplicate(name, new)
    except PlannerError as exc:
        _say("error", _one_line(exc, lang))
        return
    _say("success", tr("app.scn.duplicated", lang, new=escape_markdown(new)))


def _delete(name: str, lang: str) -> None:
    try:
        get_store().delete(name)
    except PlannerError as exc:
        _say("error", _one_line(exc, lang))
        return
    st.session_state.pop("scn_pick", None)
    st.session_state["scn_confirm"] = False
    _say("success", tr("app.scn.deleted", lang, name=escape_markdown(name)))


# ----------------------------------------------------------------------------- sections

def save_section(store: object, lang: str) -> None:
    """Name, author and the save button for the choices on the other pages."""
    st.subheader(tr("app.scn.save", lang))
    try:
        s = settings_from_widgets(current_widgets(), lang=lang)
    except PlannerError as exc:
        st.warning(escape_markdown(render_error(exc, lang=lang)))
        return
    label = unit_label(cached_units(s.level), lang)
    st.caption(tr("app.scn.current", lang, stage=stage_label(s.stage, lang=lang), origin=label(s.origin),
                  level=tr(f"app.level.{s.level}", lang)))
    st.caption(tr("app.scn.not_kept", lang))
    with st.form("scn_save_form"):
        name = st.text_input(tr("app.scn.name", lang), key="scn_name")
        author = st.text_input(tr("app.scn.author", lang), key="scn_author")
        overwrite = st.checkbox(tr("app.scn.overwrite", lang), key="scn_overwrite")
        submitted = st.form_submit_button(tr("app.scn.save_button", lang))
    if submitted:
        try:
            saved = save_current(store, name, author=author, overwrite=overwrite, lang=lang)
        except PlannerError as exc:
            st.error(_one_line(exc, lang))
        else:
            st.success(tr("app.scn.saved", lang, name=escape_markdown(saved)))


def reopened_notice(store: object, name: str, lang: str) -> None:
    """After a reopen: go to the fit page, or first say what it cannot take back (files, changed data)."""
    study = load_study(store, name)
    if not study.files and not study.areas and not study.data_changes and not study.rasters:
        st.switch_page(FIT_PAGE)
    st.success(tr("app.scn.reopened", lang, name=escape_markdown(study.name)))
    if study.data_changes:
        st.warning(tr("app.scn.data_changed", lang, names=", ".join(d for d, _a, _b in study.data_changes)))
    if study.rasters:
        st.warning(tr("app.scn.rasters", lang))
    if study.files or study.areas:
        names = [n for _o, n, _d in study.files] + list(study.areas)
        st.warning(tr("app.scn.files_back", lang, files=escape_markdown(", ".join(names))))
        for i, (_opt, fname, data) in enumerate(study.files):
            st.download_button(tr("app.scn.dl_file", lang, name=escape_markdown(fname)), data=data, file_name=fname,
                               key=f"scn_file_{i}", on_click="ignore")
    st.page_link(FIT_PAGE, label=tr("app.scn.goto_fit", lang))


def saved_section(store: object, lang: str) -> list[object]:
    """The list of saved scenarios and what can be done with the one chosen; returns the list."""
    st.subheader(tr("app.scn.saved_list", lang))
    rows = store.list_scenarios(order="updated")
    if not rows:
        st.info(tr("app.scn.none", lang))
        return rows
    st.dataframe(pd.DataFrame({
        tr("app.scn.name", lang): [r.name for r in rows],
        tr("app.stage", lang): [stage_label(r.stage, lang=lang) if r.stage else "" for r in rows],
        tr("col.origin", lang): [", ".join(r.origins) for r in rows],
        tr("app.scn.author", lang): [r.author for r in rows],
        tr("app.scn.updated", lang): [r.updated[:19].replace("T", " ") for r in rows],
    }), hide_index=True, width="stretch")
    names = [r.name for r in rows]
    if st.session_state.get("scn_pick") not in names:
        st.session_state.pop("scn_pick", None)
    pick = st.selectbox(tr("app.scn.pick", lang), names, key="scn_pick")
    c1, c2, c3, c4 = st.columns(4)
    c1.button(tr("app.scn.reopen", lang), key="scn_reopen", on_click=_reopen, args=(pick,), type="primary")
    new = st.text_input(tr("app.scn.new_name", lang), key="scn_new")
    c2.button(tr("app.scn.rename", lang), key="scn_rename", on_click=_rename, args=(pick, lang), disabled=not new)
    c3.button(tr("app.scn.duplicate", lang), key="scn_duplicate", on_click=_duplicate, args=(pick, lang),
              disabled=not new)
    confirm = st.checkbox(tr("app.scn.confirm_delete", lang, name=escape_markdown(pick)), key="scn_confirm")
    c4.button(tr("app.scn.delete", lang), key="scn_delete", on_click=_delete, args=(pick, lang), disabled=not confirm)
    st.download_button(tr("app.scn.export", lang), data=lambda: scenario_file_bytes(store.get(pick)),
                       file_name=sanitize_name(pick) + ".json", mime="application/json", key="scn_export",
                       on_click="ignore")
    st.markdown(f"**{tr('app.scn.links', lang)}**")
    st.caption(tr("app.scn.link_scenario", lang))
    st.code(link("transfer_fit", scenario=pick), language=None)
    return rows


def import_section(store: object, lang: str) -> None:
    """Check a scenario file completely, then add it."""
    up = st.file_uploader(tr("app.scn.import", lang), type=["json"], key="scn_import")
    if up is not None and st.button(tr("app.scn.import_button", lang), key="scn_import_go"):
        try:
            rec = store.import_scenario(up.getvalue())
        except PlannerError as exc:
            st.error(_one_line(exc, lang))
        else:
            st.success(tr("app.scn.imported", lang, name=rec.name))


def _value(key: str, v: object, lang: str) -> str:
    if key == "notes" and isinstance(v, (list, tuple)) and all(isinstance(n, str) for n in v):
        return "; ".join(render_notes(v, lang=lang)) or "–"  # coded sentences in the page's language
    return "–" if v is None else (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))


def compare_section(store: object, rows: list[object], lang: str, basemap: str) -> None:
    """Two or more scenarios side by side: what differs, the largest rank changes, the difference map, a report."""
    st.subheader(tr("app.scn.compare", lang))
    stamps = {r.name: r.updated for r in rows}
    names = st.multiselect(tr("app.scn.compare_pick", lang), list(stamps), key="scn_compare",
                           placeholder=tr("app.choose", lang))
    if len(names) < 2:
        st.caption(tr("app.scn.compare_need", lang))
        return
    try:
        comp = cached_comparison(store_path(), tuple(names), tuple(stamps[n] for n in names))
    except PlannerError as exc:
        st.error(_one_line(exc, lang))
        return
    for name, changes in comp.data_changes.items():
        st.warning(f"{name}: " + tr("app.scn.data_changed", lang, names=", ".join(c[0] for c in changes)))
    other = st.selectbox(tr("app.scn.against", lang, base=names[0]), names[1:], key="scn_against") \
        if len(names) > 2 else names[1]
    diffs = comp.differences[other]
    st.markdown(f"**{tr('app.scn.differs', lang, base=names[0], other=other)}**")
    if diffs:
        st.dataframe(pd.DataFrame({tr("app.scn.setting", lang): [k for k, _a, _b in diffs],
                                   names[0]: [_value(k, a, lang) for k, a, _b in diffs],
                                   other: [_value(k, b, lang) for k, _a, b in diffs]}), hide_index=True, width="stretch")
    else:
        st.caption(tr("app.scn.same", lang))
    moved = rank_changes(comp, against=other, top=15)
    st.markdown(f"**{tr('app.scn.moves', lang)}**")
    if len(moved):
        shown = moved[[f"name_{lang}", "adcode", "rank_before", "rank_after", "rank_change", "score_diff", "status"]]
        st.dataframe(shown.assign(status=shown["status"].map(lambda s: tr(f"app.cmp.status.{s}", lang) if s else "")),
                     hide_index=True, width="stretch", column_config={
                         f"name_{lang}": st.column_config.Column(tr("col.name", lang)),
                         "adcode": st.column_config.Column(tr("col.adcode", lang)),
                         "rank_before": st.column_config.NumberColumn(tr("app.cmp.rank_before", lang)),
                         "rank_after": st.column_config.NumberColumn(tr("app.cmp.rank_after", lang)),
                         "rank_change": st.column_config.NumberColumn(tr("app.cmp.rank_change", lang), format="%+d"),
                         "score_diff": st.column_config.NumberColumn(tr("app.cmp.score_diff", lang), format="%+.3f"),
                         "status": st.column_config.Column(" ")})
    else:
        st.caption(tr("app.scn.no_moves", lang))
    m = build_map(("zones",), lang=lang, basemap=basemap,
                  overlays=[difference_overlay(difference_frame(comp, against=other), lang=lang)])
    st_folium(m, key="scn_map", height=520, use_container_width=True, returned_objects=[])
    st.download_button(tr("app.scn.dl_report", lang),
                       data=lambda: report_bytes(build_comparison_report(comp, lang=lang), "html"),
                       file_name=sanitize_name(f"compare_{'_'.join(names)}")[:80] + ".html", mime="text/html",
                       key="scn_report", on_click="ignore")


def scenarios_page() -> None:
    lang, basemap = current_lang(), current_basemap()
    st.caption(tr("app.scn.intro", lang))
    try:
        store = get_store()
    except PlannerError as exc:
        st.error(_one_line(exc, lang))
        return
    st.caption(tr("app.scn.store", lang, path=str(store.path)))
    msg = st.session_state.pop("_scn_msg", None)
    if msg:
        (st.error if msg[0] == "error" else st.success)(msg[1])
    reopened = st.session_state.pop("_scn_reopened", None)
    if reopened:
        reopened_notice(store, reopened, lang)
    save_section(store, lang)
    rows = saved_section(store, lang)
    st.caption(tr("app.scn.link_view", lang))
    st.code(link("transfer_fit", view=encode_view({**current_widgets(), "lang": lang})), language=None)
    import_section(store, lang)
    if len(rows) >= 2:
        compare_section(store, rows, lang, basemap)


scenarios_page()
