"""The fit page's pictures (outputs.charts), cached per choice like the numbers they show. Not a page.

The report draws the same charts from the same functions (:func:`outputs.charts.chart_images`); its
flow map is the fit page's web map here, whose flow lines are as wide as their amounts. Drawn at a
screen's resolution (``DPI``), not the report's.
"""
from __future__ import annotations

import streamlit as st

from app_pages._study import Uploads, cached_completeness, cached_fit, cached_sensitivity
from outputs.charts import plot_completeness_grid, plot_components, plot_rank_odds
from scenario.settings import StudySettings

DPI = 96


@st.cache_data(show_spinner=False, max_entries=16)
def components_chart(s: StudySettings, uploads: Uploads, lang: str) -> bytes:
    """Stacked bars of weight x component for the ten best destinations."""
    fit = cached_fit(s, uploads)
    return plot_components(fit.table, fit.weights, lang=lang, dpi=DPI)


@st.cache_data(show_spinner=False, max_entries=16)
def odds_chart(s: StudySettings, uploads: Uploads, lang: str) -> bytes:
    """P(rank 1) and P(top 3) from the sensitivity run."""
    return plot_rank_odds(cached_sensitivity(s, uploads), lang=lang, dpi=DPI)


@st.cache_data(show_spinner=False, max_entries=16)
def completeness_chart(s: StudySettings, uploads: Uploads, lang: str, by: str) -> bytes:
    """The completeness grid, after the transfer, changes marked."""
    return plot_completeness_grid(cached_completeness(s, uploads), lang=lang, by=by, dpi=DPI)


def show_chart(make: object, *args: object) -> None:
    """Draw a chart, or say in one line why it cannot be drawn (never a traceback)."""
    try:
        png = make(*args)
    except ValueError as exc:
        st.caption(str(exc))
        return
    st.image(png)
