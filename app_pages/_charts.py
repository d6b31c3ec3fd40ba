"""The fit page's pictures, cached per choice like the numbers they show. Not a page.

Drawn by the browser from Vega-Lite specifications (:mod:`outputs.chart_specs`): the same numbers,
colours and words as the report's PNG charts (:func:`outputs.charts.chart_images`, from the same
data functions), without matplotlib's half a second per chart on every change of stage or weight.
The report's flow map is the fit page's web map here, whose flow lines are as wide as their amounts.
"""
from __future__ import annotations

import streamlit as st

from app_pages._common import escape_markdown
from app_pages._study import Uploads, cached_completeness, cached_fit, cached_sensitivity
from outputs.chart_specs import completeness_spec, components_spec, rank_odds_spec
from outputs.messages import render_error
from scenario.settings import StudySettings


@st.cache_data(show_spinner=False, max_entries=16)
def components_chart(s: StudySettings, uploads: Uploads, lang: str) -> dict:
    """Stacked bars of weight x component for the ten best destinations."""
    fit = cached_fit(s, uploads)
    return components_spec(fit.table, fit.weights, lang=lang)


@st.cache_data(show_spinner=False, max_entries=16)
def odds_chart(s: StudySettings, uploads: Uploads, lang: str) -> dict:
    """P(rank 1) and P(top 3) from the sensitivity run."""
    return rank_odds_spec(cached_sensitivity(s, uploads), lang=lang)


@st.cache_data(show_spinner=False, max_entries=16)
def completeness_chart(s: StudySettings, uploads: Uploads, lang: str, by: str) -> dict:
    """The completeness grid, after the transfer, changes marked."""
    return completeness_spec(cached_completeness(s, uploads), lang=lang, by=by)


def show_chart(make: object, *args: object, lang: str) -> None:
    """Draw a chart, or say in one line, in ``lang``, why it cannot be drawn (never a traceback)."""
    try:
        spec = make(*args)
    except ValueError as exc:
        st.caption(escape_markdown(render_error(exc, lang=lang)))
        return
    st.vega_lite_chart(spec, width="stretch")
