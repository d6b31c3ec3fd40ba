"""What every page shares: the sidebar's language and basemap, choices kept across pages and
language switches, cached layers and units, and labels in the chosen language.

Not a page (``app.py`` lists the pages for ``st.navigation``); the pages import it.
Widget values are always ids (a stage id, an adcode, a layer id); only the labels shown
for them go through the text catalogue, so a language switch changes words, not choices.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from analysis.assumptions import COMPONENTS, DEFAULT_HALF_LIFE_H
from layers.boundaries import REGION_NAMES, load_boundaries
from layers.places import load_places
from layers.registry import LAYERS, get_layer_spec, load_layer
from outputs.messages import render_notes
from outputs.text import LANGS, pick, tr
from outputs.webmap import BASEMAPS, basemap_label

#: Layer ids in drawing order (the layout page's list and the export's).
LAYER_IDS: tuple[str, ...] = tuple(s.id for s in LAYERS)
LEVELS: tuple[str, ...] = ("county", "city")

#: Widgets whose choice survives a page change and a language switch: each is created with
#: ``persist_state="session"`` and rewritten by :func:`keep_choices`. Uploads and edited tables
#: cannot be written back by Streamlit and are kept only while their page is open.
#: First-visit values of the fit page's widgets, in one place: the widgets draw them, and a saved
#: scenario or a link fills in from them what the planner never touched.
FIT_DEFAULTS: dict[str, object] = {
    "fit_level": "county", "fit_stage": "dyeing", "fit_candidates": "receiving",
    "fit_half_life": float(DEFAULT_HALF_LIFE_H), "fit_network": "road", "weights_mode": "sliders",
    "excl_share": 0.5, "sens_draws": 2000, "sens_seed": 0, "comp_share": 1.0,
}
#: The origin the fit opens on, per level: Zengcheng (Xintang denim) or Guangzhou.
DEFAULT_ORIGIN: dict[str, str] = {"county": "440118", "city": "440100"}

KEPT_KEYS: tuple[str, ...] = (
    "basemap", "layers", "panel_layer",
    "fit_level", "fit_stage", "fit_candidates", "fit_half_life", "fit_network", "weights_mode", "excl_share",
    *(f"{w}_{lv}" for w in ("fit_origin", "fit_exclude", "fit_dyeing_parks", "fit_dest") for lv in LEVELS),
    *(f"w_{c}" for c in COMPONENTS), "sens_draws", "sens_seed", "comp_share", "comp_by",
    "report_sens", "report_alloc", "export_crs", "export_res", "export_fit", "export_layers",
    "suit_stage", "suit_level", "suit_res", "suit_crit_name", *(f"{w}_{lv}" for w in ("suit_origin", "suit_unit") for lv in LEVELS),
)


#: Page style: a title of normal heading size and less empty space above it, so that at 1280x800
#: the map (layout page) starts on the first screen. Only style tags: Streamlit adds no element.
COMPACT_FRAME = (
    "<style>"
    "[data-testid='stMainBlockContainer'] {padding-top: 3.2rem;}"
    "[data-testid='stMainBlockContainer'] h1 {font-size: 1.75rem; padding: 0.2rem 0 0.1rem 0;}"
    "</style>"
)


def keep_choices() -> None:
    """Write every kept choice back into session state at the start of a full run (``app.py``).

    ``persist_state="session"`` keeps a widget's value while its page is not shown. After a
    language switch, though, the browser sends back the *label* it last showed, which the
    widget's new labels no longer contain, so Streamlit would reset the widget to its default
    (the stage back to dyeing, every layer dropped). Writing the value (an id, read with the
    previous run's labels) back first makes it the widget's value in this run and has the
    browser show it under the new label.
    """
    for key in KEPT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def sidebar_language_and_basemap() -> tuple[str, str]:
    """The language switch and the basemap choice in the sidebar: ``(lang, basemap)``."""
    lang = st.sidebar.radio(tr("app.lang", "zh"), LANGS, format_func=lambda x: tr("lang.name", x), key="lang",
                            horizontal=True)
    basemap = st.sidebar.radio(tr("app.basemap", lang), BASEMAPS, format_func=lambda b: basemap_label(b, lang),
                               key="basemap", persist_state="session")
    return lang, basemap


def current_lang() -> str:
    """The language chosen in the sidebar (set by ``app.py`` before the page runs)."""
    return str(st.session_state.get("lang", LANGS[0]))


def current_basemap() -> str:
    """The basemap chosen in the sidebar."""
    return str(st.session_state.get("basemap", BASEMAPS[0]))


def layer_title(lang: str) -> Callable[[str], str]:
    """Label function for layer-id widgets."""
    return lambda layer_id: get_layer_spec(layer_id).title(lang)


# ----------------------------------------------------------------------------- cached loaders

@st.cache_data(show_spinner=False)
def cached_layer(layer_id: str) -> object:
    """A registry layer (GeoDataFrame), loaded once per server."""
    return load_layer(layer_id)


@st.cache_data(show_spinner=False)
def cached_units(level: str) -> pd.DataFrame:
    """The county or city table (no geometry): adcode, names, region."""
    return pd.DataFrame(load_boundaries(level).drop(columns="geometry"))


# ----------------------------------------------------------------------------- labels

def unit_label(units: pd.DataFrame, lang: str) -> Callable[[str], str]:
    """Label function for adcode widgets: ``name (adcode)`` in ``lang``."""
    names = units.set_index("adcode")[f"name_{lang}"].to_dict()
    return lambda code: f"{names.get(code, code)} ({code})"


@st.cache_data(show_spinner=False)
def _aliases(level: str) -> dict[str, str]:
    """adcode -> the unit's name in the other language is added by the caller; here the clusters in it,
    whose names carry the towns (新塘牛仔 Xintang denim, 虎门女装 Humen womenswear)."""
    places = load_places(kinds=["cluster", "unnamed_cluster"])
    col = "county_adcode" if level == "county" else "city_adcode"
    short = places["name_en"].astype(str).str.split(",").str[0]
    named = (places["name_zh"].astype(str) + " " + short).groupby(places[col].astype(str)).agg(" · ".join)
    return {str(c): str(v) for c, v in named.items()}


def unit_search_label(units: pd.DataFrame, lang: str) -> Callable[[str], str]:
    """Label for adcode boxes a planner types into (the origin): ``name (adcode)`` followed by the
    other language's name and the places in the unit, so typing 新塘, Xintang, Humen, a pinyin name
    or a code finds it."""
    by = units.set_index("adcode")
    names, other = by[f"name_{lang}"].to_dict(), by["name_en" if lang == "zh" else "name_zh"].to_dict()
    level = "city" if units["adcode"].astype(str).str.endswith("00").all() else "county"
    extra = _aliases(level)
    return lambda code: " · ".join(
        x for x in (f"{names.get(code, code)} ({code})", other.get(code, ""), extra.get(code, "")) if x)


def region_name(region: str, lang: str) -> str:
    """A region id (PRD, East, West, North) in ``lang``."""
    return pick(REGION_NAMES[region], lang) if region in REGION_NAMES else region


def headers(lang: str, *cols: str, **configs: object) -> dict[str, object]:
    """Column configs with each column's header from the catalogue (``col.<column>``) plus ``configs``."""
    out: dict[str, object] = {c: st.column_config.Column(tr("col.name" if c == "name_zh" else f"col.{c}", lang))
                              for c in cols}
    out.update(configs)
    return out


def component_columns(lang: str) -> dict[str, object]:
    """Progress-bar columns for the components and the score, headed in ``lang``."""
    cfg: dict[str, object] = {c: st.column_config.ProgressColumn(tr(f"component.{c}", lang), min_value=0.0,
                                                                max_value=1.0, format="%.2f") for c in COMPONENTS}
    cfg["score"] = st.column_config.ProgressColumn(tr("component.score", lang), min_value=0.0,
                                                   max_value=1.0, format="%.3f")
    return cfg


#: Characters that start markup in Streamlit's Markdown: emphasis, code, links and images (``[``), HTML
#: and autolinks (``<``), headings, tables, strikethrough, LaTeX (``$``) and the escape itself. Other
#: punctuation (``.``, ``:``, ``-``) stays as typed, so the text reads the same in the page source.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$])")


def escape_markdown(text: object) -> str:
    r"""``text`` shown as it is by ``st.markdown`` / ``st.error``: every markup character escaped.

    For anything holding a planner's string (an upload's name, a message naming it, a place
    name from an uploaded table): ``**x**``, ``[a](javascript:...)``, ``<img>`` and ``$x$``
    stay text. Line breaks stay line breaks.

    Examples
    --------
    >>> print(escape_markdown("红线 [x](javascript:1) **b** <img>"))
    红线 \[x\](javascript:1) \*\*b\*\* \<img\>
    """
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("\n", "  \n")


def show_basis(assumptions: list[str], sources: list[str], lang: str, *, command: str | None = None) -> None:
    """The "Basis" panel of a result: the model's record of assumptions and sources in the planner's
    language (names from uploads in it escaped), and the command that reproduces it when there is one."""
    with st.expander(tr("app.basis", lang)):
        st.caption(tr("app.basis_words", lang))
        st.markdown(f"**{tr('app.assumptions', lang)}**")
        st.markdown("\n".join(f"- {escape_markdown(a)}" for a in render_notes(assumptions, lang=lang)))
        st.markdown(f"**{tr('app.sources', lang)}**")
        st.markdown("\n".join(f"- {escape_markdown(s)}" for s in render_notes(sources, lang=lang)))
        if command is not None:
            st.markdown(f"**{tr('app.command', lang)}**")
            st.code(command, language="bash")
