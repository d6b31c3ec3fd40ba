"""The transfer-fit page's downloads: the report (HTML, PDF) and the GIS export. Not a page."""
from __future__ import annotations

import streamlit as st

from app_pages._common import LAYER_IDS, cached_units, layer_title, unit_label
from app_pages._study import Uploads, cached_export, cached_report, font_problem
from geo.crs import EXPORT_CRS
from layers.stages import stage_label
from outputs.text import tr
from scenario.bundle import EXPORT_FORMATS, export_file_name
from scenario.settings import StudySettings


@st.fragment
def downloads(lang: str, s: StudySettings, up: Uploads) -> None:
    """The report and export sections: a fragment, so a download option (CRS, cell size, what to
    include) reruns only these buttons, not the fit view and its map around them."""
    report_downloads(lang, s, up)
    export_downloads(lang, s, up)


def report_downloads(lang: str, s: StudySettings, up: Uploads) -> None:
    """Report buttons; the file is made only when a button is pressed."""
    st.subheader(tr("app.report", lang))
    units = cached_units(s.level)
    st.caption(tr("app.report_intro", lang, stage=stage_label(s.stage, lang=lang),
                  origin=unit_label(units, lang)(s.origin)))
    c1, c2 = st.columns(2)
    with_sens = c1.checkbox(tr("app.report_sens", lang), value=True, key="report_sens", persist_state="session")
    with_alloc = c2.checkbox(tr("app.report_alloc", lang), value=True, key="report_alloc", persist_state="session")
    stem = f"report_{s.stage}_{s.origin}_{s.lang}"
    b1, b2 = st.columns(2)
    b1.download_button(tr("app.dl_html", lang), data=lambda: cached_report(s, up, with_sens, with_alloc, "html"),
                       file_name=f"{stem}.html", mime="text/html", key="dl_report_html", on_click="ignore")
    font_error = font_problem(lang)
    if font_error:
        st.error(tr("app.no_font", lang, err=font_error))
    b2.download_button(tr("app.dl_pdf", lang), data=lambda: cached_report(s, up, with_sens, with_alloc, "pdf"),
                       file_name=f"{stem}.pdf", mime="application/pdf", key="dl_report_pdf", on_click="ignore",
                       disabled=bool(font_error))


def export_downloads(lang: str, s: StudySettings | None, up: Uploads) -> None:
    """GIS export buttons, one per format; ``s`` None exports the layers only."""
    st.subheader(tr("app.export", lang))
    st.caption(tr("app.export_note", lang))
    e1, e2, e3 = st.columns(3)
    crs = e1.selectbox(tr("app.export_crs", lang), list(EXPORT_CRS), key="export_crs", persist_state="session")
    res = e2.number_input(tr("app.export_res", lang), min_value=250.0, max_value=10_000.0, value=1000.0, step=250.0,
                          key="export_res", persist_state="session")
    with_fit = e3.checkbox(tr("app.export_fit", lang), value=True, key="export_fit", persist_state="session")
    layer_ids = st.multiselect(tr("app.export_layers", lang), LAYER_IDS, default=list(LAYER_IDS),
                               format_func=layer_title(lang), key="export_layers", persist_state="session",
                               placeholder=tr("app.choose", lang))
    if not with_fit:
        s, up = None, ()
    cols = st.columns(len(EXPORT_FORMATS))
    for col, fmt in zip(cols, EXPORT_FORMATS):
        blocked = (fmt == "tif" and s is None) or (fmt != "tif" and not layer_ids and s is None)
        col.download_button(
            tr("app.dl_export", lang, what=tr(f"app.fmt.{fmt}", lang)),
            data=lambda fmt=fmt: cached_export(s, up, tuple(layer_ids), float(res), fmt, crs, lang)[0],
            file_name=export_file_name(fmt, crs=crs), key=f"dl_export_{fmt}", on_click="ignore", disabled=blocked,
            help=EXPORT_FORMATS[fmt][1],
        )
