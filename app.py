"""Guangdong textile & apparel layout planner — the Streamlit app's frame and page router.

Run with ``streamlit run app.py``. This file holds only what every page shares: the page
setup, the language and basemap in the sidebar, the title, and the list of pages
(``st.navigation``). Each page in ``app_pages/`` holds widgets calling the rooms below
(scenario, outputs, layers, analysis); helpers shared by pages live in ``app_pages/_*.py``.

Page ids (``url_path``) are fixed; only their titles are translated, so switching language
keeps the open page, and :func:`app_pages._common.keep_choices` keeps every choice.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages._common import COMPACT_FRAME, keep_choices, sidebar_language_and_basemap
from app_pages._scenarios import apply_link
from outputs.text import tr

HERE = Path(__file__).resolve().parent
#: Pages: (file, url path, catalogue key of the title).
PAGES: tuple[tuple[str, str, str], ...] = (
    ("app_pages/layout.py", "layout", "app.page_layout"),
    ("app_pages/transfer_fit.py", "transfer_fit", "app.page_fit"),
    ("app_pages/suitability.py", "suitability", "app.page_suit"),
    ("app_pages/scenarios.py", "scenarios", "app.page_scenarios"),
)


def main() -> None:
    st.set_page_config(page_title=tr("app.page_title", "zh"), layout="wide")
    keep_choices()
    apply_link()  # ?scenario=NAME or ?view=... reopens a scenario or a view, once
    lang, _basemap = sidebar_language_and_basemap()
    pages = [st.Page(HERE / path, title=tr(key, lang), url_path=url, default=i == 0)
             for i, (path, url, key) in enumerate(PAGES)]
    page = st.navigation(pages, position="top")
    st.html(COMPACT_FRAME)  # a smaller title and top margin: the map starts on the first screen
    st.title(tr("app.title", lang))
    st.caption(tr("app.subtitle", lang))
    page.run()


main()
