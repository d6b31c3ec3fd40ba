"""The transfer-fit page's computations, cached per choice; each step is a call into the rooms below.

Not a page. Settings are a hashable :class:`scenario.study.StudySettings` and uploads a tuple
of ``(CLI option, file name, bytes)``, so Streamlit caches every step on exactly what it
depends on and a moved widget recomputes only the steps after it.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from analysis.exclusion import combine_exclusions
from analysis.sensitivity import run_sensitivity
from outputs.maps import find_cjk_font
from outputs.messages import render_error
from outputs.report import report_bytes
from scenario.bundle import collect_export, export_bytes
from scenario.settings import StudySettings, read_exclusion_areas
from scenario.study import (
    allocate_for_fit,
    assess_transfer_completeness,
    build_study_report,
    load_study_inputs,
    run_fit,
)
from scenario.suitability import RasterOptions, save_uploads, site_from_rasters

#: Uploaded files as scenario.study reads them: ((CLI option, file name, bytes), ...) — hashable for the caches.
Uploads = tuple[tuple[str, str, bytes], ...]


@st.cache_data(show_spinner=False, max_entries=8)
def cached_inputs(level: str, network: str, dyeing_parks: tuple[str, ...], uploads: Uploads) -> object:
    """The fit's inputs: the network, the declared dyeing parks and the uploaded files in place of the defaults."""
    return load_study_inputs(uploads, level=level, network=network, dyeing_parks=dyeing_parks)


def _inputs(s: StudySettings, uploads: Uploads) -> object:
    return cached_inputs(s.level, s.network, s.dyeing_parks, uploads)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_exclusion_areas(uploads: Uploads) -> dict:
    """The uploaded exclusion areas by file name."""
    return read_exclusion_areas(uploads)


@st.cache_data(show_spinner=False, max_entries=16)
def _exclusion(s: StudySettings, uploads: Uploads) -> tuple[list[str], list[str]]:
    """Adcodes to exclude (chosen + inside uploaded exclusion areas) and the assumptions they rest on."""
    return combine_exclusions(s.exclude, cached_exclusion_areas(uploads), level=s.level, min_share=s.exclude_share)


def _dem(uploads: Uploads) -> tuple[str, bytes] | None:
    return next(((name, data) for opt, name, data in uploads if opt == "--dem"), None)


@st.cache_data(show_spinner=False, max_entries=4)
def cached_raster_site(s: StudySettings, uploads: Uploads) -> tuple[object, object]:
    """The inputs with the stage's site from the raster criteria on the planner's DEM, and the surface."""
    name, data = _dem(uploads)  # type: ignore[misc]
    path = save_uploads([(name, data)])[0]
    return site_from_rasters(_inputs(s, uploads), s.stage, level=s.level, options=RasterOptions(dem=str(path)))


def _fit_inputs(s: StudySettings, uploads: Uploads) -> object:
    """The inputs the fit runs on: with an uploaded DEM, the stage's site comes from the rasters."""
    return cached_raster_site(s, uploads)[0] if _dem(uploads) else _inputs(s, uploads)


def study_surface(s: StudySettings, uploads: Uploads) -> object | None:
    """The suitability surface behind the site when the planner uploaded a DEM (for the report), else None."""
    return cached_raster_site(s, uploads)[1] if _dem(uploads) else None


def cached_fit(s: StudySettings, uploads: Uploads) -> object:
    """The study's fit (scenario.study.run_fit) on the uploaded inputs and exclusions.

    Cached on the settings the fit depends on only: the sensitivity draws, the completeness
    move, the allocation and the language leave it as it is, so every step of one study (and
    a moved slider of those steps) reuses one fit instead of scoring again.
    """
    return _cached_fit(replace(s, draws=0, seed=0, transfer_to=None, transfer_share=1.0, allocate=(), room=(),
                               lang="zh", files=()), uploads)


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_fit(s: StudySettings, uploads: Uploads) -> object:
    exclude, notes = _exclusion(s, uploads)
    return run_fit(s, _fit_inputs(s, uploads), exclude=exclude, notes=notes)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_sensitivity(s: StudySettings, uploads: Uploads) -> pd.DataFrame:
    """P(rank 1), P(top 3) and mean rank under ``s.draws`` perturbed weights."""
    return run_sensitivity(cached_fit(s, uploads), n=s.draws, seed=s.seed)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_completeness(s: StudySettings, uploads: Uploads) -> pd.DataFrame:
    """Chain completeness before and after moving the stage to ``s.transfer_to``."""
    fit = cached_fit(s, uploads)
    inputs = _inputs(s, uploads)
    return assess_transfer_completeness(fit, capability=inputs.capability, destination=s.transfer_to,
                                        share=s.transfer_share)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_allocation(s: StudySettings, uploads: Uploads) -> object:
    """The min-cost allocation of ``s.allocate`` into ``s.room``."""
    return allocate_for_fit(cached_fit(s, uploads), dict(s.allocate), dict(s.room),
                            inputs=_fit_inputs(s, uploads))


@st.cache_data(show_spinner=False, max_entries=4)
def cached_report(s: StudySettings, uploads: Uploads, with_sens: bool, with_alloc: bool, fmt: str) -> bytes:
    """The study's report as HTML or PDF bytes."""
    report = build_study_report(
        s, cached_fit(s, uploads), suitability=study_surface(s, uploads),
        sensitivity=cached_sensitivity(s, uploads) if with_sens and s.draws else None,
        completeness=cached_completeness(s, uploads),
        allocation=cached_allocation(s, uploads) if with_alloc and s.allocate and s.room else None,
    )
    return report_bytes(report, fmt)


@st.cache_data(show_spinner=False, max_entries=6)
def cached_export(s: StudySettings | None, uploads: Uploads, layer_ids: tuple[str, ...], resolution_m: float,
                  fmt: str, crs: str, lang: str) -> tuple[bytes, str]:
    """The GIS export (layers, and the fit's scores and flows when ``s`` is given) as one file; its
    README (format ``all``) in ``lang``."""
    fit = cached_fit(s, uploads) if s is not None else None
    alloc = cached_allocation(s, uploads) if (s is not None and s.allocate and s.room) else None
    bundle = collect_export(fit, layer_ids=list(layer_ids), allocation=alloc, resolution_m=resolution_m,
                            rasters=fmt in ("tif", "all"))  # the score raster only for the formats that hold it
    return export_bytes(bundle, fmt, crs=crs, lang=lang)


@st.cache_data(show_spinner=False)
def font_problem(lang: str) -> str:
    """Why the PDF cannot be made (no CJK font), in ``lang``, or "" when it can."""
    try:
        find_cjk_font()
    except (ValueError, ImportError) as exc:
        return render_error(exc, lang=lang)
    return ""
