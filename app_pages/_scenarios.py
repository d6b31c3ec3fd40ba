"""What the scenarios page and the router share: the open store, the planner's choices as saved widgets, links.

Not a page. The choices are the kept widget values (:data:`app_pages._common.KEPT_KEYS`,
ids and numbers, never labels), which survive a page change; a scenario saved here holds
them under ``settings["widgets"]`` beside the study settings they give, so reopening writes
every one back exactly. A scenario saved from the command line has no widgets; they are
derived from its settings. Links carry ``?scenario=NAME`` or ``?view=...`` (the widget values
as URL-safe base64 JSON); :func:`apply_link` opens them once per session, from ``app.py``.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import urllib.parse
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import streamlit as st

from analysis.weights import COMPONENTS, DEFAULT_WEIGHTS, normalise_weights
from app_pages._common import DEFAULT_ORIGIN, FIT_DEFAULTS, KEPT_KEYS
from geo.errors import PlannerError
from geo.messages import Note
from outputs.messages import render_error
from outputs.text import LANGS, tr
from scenario.convert import ScenarioStudy, scenario_to_study, settings_to_scenario
from scenario.settings import StudySettings
from scenario.store import ScenarioStore, default_store_path, open_store

#: Widget keys a view link may carry besides the kept ones.
LINK_KEYS = (*KEPT_KEYS, "lang")
_MAX_LINK = 16_000  # characters of a ``view`` value


# ----------------------------------------------------------------------------- the store

def store_path() -> str:
    """The store file: ``$GD_TEXTILE_STORE`` or the user's data folder."""
    return str(default_store_path())


@st.cache_resource(show_spinner=False)
def cached_store(path: str) -> ScenarioStore:
    """The store at ``path``, opened once per server and shared by every session (it is thread-safe)."""
    return open_store(path)


def get_store() -> ScenarioStore:
    """The open store of this app (raises ScenarioStoreError, with what to do, when it cannot be opened)."""
    return cached_store(store_path())


# ----------------------------------------------------------------------------- widgets <-> settings

def _json_value(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return v if math.isfinite(float(v)) else None
    if hasattr(v, "item"):  # numpy scalar
        return _json_value(v.item())
    if isinstance(v, (list, tuple)):
        return [_json_value(x) for x in v]
    return None


def current_widgets() -> dict[str, Any]:
    """The kept widget values of this session (only those the planner's pages have set)."""
    return {k: _json_value(st.session_state[k]) for k in KEPT_KEYS if k in st.session_state}


def settings_from_widgets(w: Mapping[str, Any], *, lang: str = "zh") -> StudySettings:
    """The study the fit page shows for these widget values (its defaults where a widget was never set).

    Raises PlannerError when the weights are set by AHP (the matrix lives on the fit page only)
    or are all zero.
    """
    d = {**FIT_DEFAULTS, **w}  # a widget never set shows its first-visit value
    level = str(d["fit_level"])
    if d["weights_mode"] == "ahp":
        raise PlannerError(tr("app.scn.ahp_not_kept", lang))
    raw = {c: float(d.get(f"w_{c}", DEFAULT_WEIGHTS[c])) for c in COMPONENTS}
    untouched = all(abs(raw[c] - DEFAULT_WEIGHTS[c]) < 1e-9 for c in COMPONENTS)
    weights = None if untouched else tuple((c, float(v)) for c, v in normalise_weights(raw).items())
    dest = d.get(f"fit_dest_{level}")
    return StudySettings(
        stage=str(d["fit_stage"]), origin=str(d.get(f"fit_origin_{level}", DEFAULT_ORIGIN[level])),
        level=level, weights=weights, half_life_h=float(d["fit_half_life"]),
        network=str(d["fit_network"]), dyeing_parks=tuple(d.get(f"fit_dyeing_parks_{level}", [])),
        candidates=str(d["fit_candidates"]), exclude=tuple(d.get(f"fit_exclude_{level}", [])),
        draws=int(d["sens_draws"]), seed=int(d["sens_seed"]), lang=lang,
        exclude_share=float(d["excl_share"]), transfer_to=str(dest) if dest else None,
        transfer_share=float(d["comp_share"]),
    )


def widgets_from_settings(s: StudySettings) -> dict[str, Any]:
    """Widget values showing a study saved without them (from the command line).

    Examples
    --------
    >>> w = widgets_from_settings(StudySettings(stage="apparel", origin="440100", level="city", exclude=("445200",)))
    >>> w["fit_stage"], w["fit_origin_city"], w["fit_exclude_city"], w["weights_mode"]
    ('apparel', '440100', ['445200'], 'sliders')
    """
    lv = s.level
    weights = dict(s.weights) if s.weights is not None else DEFAULT_WEIGHTS
    out: dict[str, Any] = {
        "fit_level": lv, "fit_stage": s.stage, f"fit_origin_{lv}": s.origin, "fit_candidates": s.candidates,
        "fit_half_life": float(s.half_life_h), "fit_network": s.network, "weights_mode": "sliders",
        **{f"w_{c}": float(weights.get(c, 0.0)) for c in COMPONENTS}, "excl_share": float(s.exclude_share),
        f"fit_exclude_{lv}": list(s.exclude), f"fit_dyeing_parks_{lv}": list(s.dyeing_parks),
        "sens_draws": int(s.draws), "sens_seed": int(s.seed), "comp_share": float(s.transfer_share),
    }
    if s.transfer_to:
        out[f"fit_dest_{lv}"] = s.transfer_to
    return out


def restore_widgets(widgets: Mapping[str, Any], *, keys: tuple[str, ...] = KEPT_KEYS) -> None:
    """Write ``widgets`` into session state; kept widgets they do not name go back to their defaults.

    Call it before the widgets are drawn in a run (a button's ``on_click``, or ``app.py``).
    """
    for key in keys:
        if key in widgets:
            st.session_state[key] = widgets[key]
        elif key in st.session_state:
            del st.session_state[key]


def study_widgets(study: ScenarioStudy) -> dict[str, Any]:
    """The widget values a saved study reopens with: those saved in the app, else derived from its settings."""
    return dict(study.widgets) if study.widgets else widgets_from_settings(study.settings)


#: Session key of the study the fit page last showed: its settings (allocation, AHP weights and
#: notes included) and the files uploaded there, which a widget cannot give back after a page change.
LAST_STUDY_KEY = "_last_study"


def remember_study(settings: StudySettings, uploads: tuple[tuple[str, str, bytes], ...]) -> None:
    """Called by the fit page each run, so a scenario saved elsewhere keeps what only that page holds."""
    st.session_state[LAST_STUDY_KEY] = (settings, tuple(uploads))


def _last_study(record: StudySettings | None) -> tuple[StudySettings, tuple[tuple[str, str, bytes], ...]] | None:
    last = st.session_state.get(LAST_STUDY_KEY)
    if last is None:
        return None
    shown = last[0]
    if record is not None and (shown.stage, shown.origin, shown.level) != (record.stage, record.origin, record.level):
        return None  # the widgets moved on since the fit page last ran: its files belong to another study
    return last


def save_current(store: ScenarioStore, name: str, *, author: str, overwrite: bool, lang: str) -> str:
    """Save this session's choices under ``name``, with the fit page's uploads and allocation tables
    when it showed this study; returns the saved name (checked, NFC)."""
    widgets = current_widgets()
    try:
        record: StudySettings | None = settings_from_widgets(widgets, lang=lang)
    except PlannerError:
        record = None  # AHP weights: the fit page's last study holds them (derived weights, their note)
    last = _last_study(record)
    files: tuple[tuple[str, str, bytes], ...] = ()
    if last is not None:
        record, files = replace(last[0], lang=lang), last[1]
    if record is None:
        raise PlannerError(tr("app.scn.ahp_not_kept", lang))
    rec = settings_to_scenario(record, name=name, author=author, widgets=widgets, files=files)
    scenario_to_study(rec)  # everything it names exists
    return store.save(rec, overwrite=overwrite).name


def load_study(store: ScenarioStore, name: str) -> ScenarioStudy:
    """The study of a saved scenario (ScenarioError listing what no longer exists)."""
    return scenario_to_study(store.get(name))


# ----------------------------------------------------------------------------- links

def encode_view(widgets: Mapping[str, Any]) -> str:
    """Widget values as a URL-safe ``view`` value.

    Examples
    --------
    >>> decode_view(encode_view({"fit_stage": "apparel", "fit_half_life": 3.0}))  # keys sorted: one view, one link
    {'fit_half_life': 3.0, 'fit_stage': 'apparel'}
    """
    text = json.dumps(dict(widgets), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_view(value: str) -> dict[str, Any]:
    """The widget values of a ``view`` value; unknown keys are dropped; a damaged value is a PlannerError.

    Examples
    --------
    >>> decode_view("not base64!")
    Traceback (most recent call last):
    geo.errors.PlannerError: the view in the link is damaged (not URL-safe base64 JSON); copy the whole link again
    """
    bad = Note("error.link.damaged")
    if not isinstance(value, str) or len(value) > _MAX_LINK:
        raise PlannerError(bad)
    try:
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise PlannerError(bad) from None
    if not isinstance(data, dict):
        raise PlannerError(bad)
    return {k: v for k, v in data.items() if k in LINK_KEYS and _json_value(v) == v}


def link(page: str, **params: str) -> str:
    """A link to ``page`` with query parameters, after the app's own address when known."""
    base = ""
    try:
        url = st.context.url
    except AttributeError:  # older Streamlit: a relative link
        url = None
    if url:
        parts = urllib.parse.urlsplit(str(url))
        base = f"{parts.scheme}://{parts.netloc}"
    return f"{base}/{page}?{urllib.parse.urlencode(params)}"


def _check_view(widgets: Mapping[str, Any], lang: str) -> None:
    """Refuse a view naming stages or units that do not exist (as a saved scenario would be refused)."""
    checked = {**widgets, "weights_mode": "sliders"}  # an AHP view keeps its mode; only the names are checked here
    scenario_to_study(settings_to_scenario(settings_from_widgets(checked, lang=lang), name="link", data_versions={}))


def apply_link() -> None:
    """Open ``?scenario=NAME`` or ``?view=...`` once per session (``app.py``, before any widget is drawn).

    Says in the sidebar what was opened, or why the link could not be.
    """
    params = {k: st.query_params.get(k) for k in ("scenario", "view") if st.query_params.get(k)}
    if not params or st.session_state.get("_scn_link") == params:
        return
    st.session_state["_scn_link"] = params
    lang = str(st.session_state.get("lang", LANGS[0]))
    try:
        if "scenario" in params:
            study = load_study(get_store(), str(params["scenario"]))
            restore_widgets(study_widgets(study))
            st.sidebar.success(tr("app.scn.link_opened", lang, name=study.name))
        else:
            widgets = decode_view(str(params["view"]))
            _check_view(widgets, lang)
            restore_widgets(widgets, keys=LINK_KEYS)
    except PlannerError as exc:
        st.sidebar.error(tr("app.scn.bad_link", lang, err=" ".join(render_error(exc, lang=lang).split())))
