"""The relocation-suitability report: one self-contained HTML page, and the same as PDF.

:func:`build_report` turns a transfer-fit result (plus, optionally, its sensitivity, chain
completeness and allocation) into a :class:`Report`, one small function per section
(summary, maps, ranking, sensitivity, completeness, allocation, appendix; see
:mod:`outputs.report_sections`), each taking the typed results it shows;
:func:`write_report_html` and :func:`write_report_pdf` write it (atomically). The HTML
inlines its CSS and its map images (base64 ``data:`` URIs), fetches nothing, holds no
``<script>`` and forbids scripts with a Content-Security-Policy; every value is escaped by
Jinja2's autoescape, so a unit or park name typed by a user is shown as text, never run.
The PDF is rendered by WeasyPrint from the same HTML with a fetcher that only accepts
``data:`` URLs.

Chinese by default (``lang="zh"``), English with ``lang="en"``: every heading, fixed
sentence and clause theme is in the text catalogue (``report.*`` keys of
:mod:`outputs.text.report`); stage names come from the stage catalogue
(:func:`layers.stages.stage_label`) and component names from
the text catalogue's ``component.*`` keys, as in the app.
"""
from __future__ import annotations

import base64
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from analysis.allocation import AllocationResult
from analysis.fit import FitResult
from analysis.weights import COMPONENTS
from geo.errors import PlannerError
from geo.io import atomic_path
from geo.writers import target_path
from layers.boundaries import load_boundaries
from layers.stages import stage_label
from outputs.charts import chart_images
from outputs.messages import render_notes
from outputs.report_comparison import ComparisonSection
from outputs.report_evidence import build_evidence_section
from outputs.report_suitability import build_suitability_section
from outputs.report_sections import (
    MapsSection,
    build_allocation_section,
    build_appendix_section,
    build_completeness_section,
    build_maps_section,
    build_name_lookup,
    build_ranking_section,
    build_sensitivity_section,
    build_summary_section,
    collect_clauses,
    make_report_text,
)

__all__ = [
    "Report",
    "build_report",
    "report_bytes",
    "write_report_html",
    "write_report_pdf",
]

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"

_REQUIRED_TABLE = ("adcode", "name_zh", "name_en", "region", *COMPONENTS, "eligible", "excluded_reason",
                   "score", "rank", "policy_clauses", "reason_zh", "reason_en")
_REQUIRED_SENSITIVITY = {"adcode", "p_first", "p_top3"}


@dataclass(frozen=True)
class Report:
    """A rendered report: the HTML page and what went into it.

    Attributes
    ----------
    lang : str
        ``"zh"`` or ``"en"``.
    title : str
        The report title.
    html : str
        The self-contained HTML page (what :func:`write_report_html` writes and
        :func:`write_report_pdf` renders).
    images : dict of str -> bytes
        The PNG maps inlined in the page (``layout``, ``score``), for reuse.
    command : str
        The command that reproduces the report ("" when none was given).
    clauses : list of str
        Every clause the result rests on, e.g. ``["§4", "§19"]``.
    """

    lang: str
    title: str
    html: str
    images: dict[str, bytes] = field(default_factory=dict)
    command: str = ""
    clauses: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers
@lru_cache(maxsize=1)
def _env() -> Environment:
    """The one Jinja environment: it caches the compiled template (compiling took ~20 ms a report)."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every {{ }} is escaped, in every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _check_inputs(
    fit: object, sensitivity: object, completeness: object, allocation: object,
) -> pd.DataFrame:
    """Every problem with the inputs in one error; the fit's table sorted by rank when all is well."""
    problems: list[str] = []
    if not isinstance(fit, FitResult):
        problems.append(f"`fit` must be an analysis.fit.FitResult, got {type(fit).__name__}")
    else:
        missing = [c for c in _REQUIRED_TABLE if c not in fit.table.columns]
        if missing:
            problems.append(f"`fit.table` lacks columns {missing}")
        elif fit.table.empty:
            problems.append("`fit.table` has no rows")
    if sensitivity is not None and not (
            isinstance(sensitivity, pd.DataFrame) and _REQUIRED_SENSITIVITY <= set(sensitivity.columns)):
        problems.append("`sensitivity` must be the DataFrame of run_sensitivity (adcode, p_first, p_top3, mean_rank)")
    if completeness is not None and not isinstance(completeness, pd.DataFrame):
        problems.append(f"`completeness` must be a DataFrame from assess_chain_completeness, got {type(completeness).__name__}")
    if allocation is not None and not isinstance(allocation, AllocationResult):
        problems.append(f"`allocation` must be an analysis.allocation.AllocationResult, got {type(allocation).__name__}")
    if problems:
        msg = "; ".join(problems) + ". Build the fit with analysis.fit.score_transfer_fit(stage, origin)"
        raise PlannerError(msg)
    return fit.table.sort_values("rank", na_position="last", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- build
def build_report(
    fit: FitResult,
    *,
    sensitivity: pd.DataFrame | None = None,
    completeness: pd.DataFrame | None = None,
    allocation: AllocationResult | None = None,
    lang: str = "zh",
    command: str | None = None,
    units: gpd.GeoDataFrame | None = None,
    layout_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    maps: bool = True,
    top_n: int = 5,
    comparison: ComparisonSection | None = None,
    suitability: Any | None = None,
    evidence: bool = True,
) -> Report:
    """Build the relocation-suitability report of one transfer-fit result.

    Parameters
    ----------
    fit : analysis.fit.FitResult
        The fit (``table`` with every component, ``stage``, ``origin``, ``level``,
        ``weights``, ``params``, ``assumptions``, ``sources``).
    sensitivity : DataFrame, optional
        :func:`analysis.sensitivity.run_sensitivity` output (adcode, name_zh, name_en,
        p_first, p_top3, mean_rank); its ``attrs["params"]`` (``n``, ``seed``) and
        ``attrs["assumptions"]`` go into the text and the appendix.
    completeness : DataFrame, optional
        :func:`analysis.completeness.assess_chain_completeness` output, shown as it is.
    allocation : analysis.allocation.AllocationResult, optional
        Its ``flows`` (origin, destination, amount, cost), ``shortfall`` and ``message``.
    lang : {"zh", "en"}
        Chinese (default) or English.
    command : str, optional
        The command that reproduces this report, made by :func:`scenario.study.build_command`
        (the one place it is made: a fit alone does not hold the files and choices behind it).
        None: the report shows no command.
    units : GeoDataFrame, optional
        Polygons with ``adcode`` for the score map; the boundaries of ``fit.level`` when None.
    layout_layers : mapping, optional
        Layers for the layout map (see :func:`outputs.maps.plot_layout_map`).
    maps : bool
        Draw the two maps (False for a quick text-only report).
    top_n : int
        How many top destinations to explain.
    comparison : ComparisonSection, optional
        Other scenarios set against this one (:func:`outputs.report_comparison.build_comparison_section`).
    evidence : bool
        Add the section on what the top destinations rest on and the backtest of the report's
        weights and half-life (:mod:`outputs.report_evidence`).
    suitability : analysis.suitability.SuitabilityResult, optional
        The surface behind the site component: adds its map and criteria table, each criterion
        naming the raster it came from (:mod:`outputs.report_suitability`).

    Returns
    -------
    Report

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.weights import COMPONENTS
    >>> row = dict(adcode="445281", name_zh="普宁市", name_en="Puning", city_adcode="445200", region="East",
    ...            **dict.fromkeys(COMPONENTS, 0.5), eligible=True, excluded_reason="", score=0.72, rank=1,
    ...            policy_clauses="§19", reason_zh="有印染园区（§19）", reason_en="dyeing park (§19)")
    >>> fit = FitResult(table=pd.DataFrame([row]), stage="dyeing", origin="440118", level="county",
    ...                 weights={"upstream": 1.0}, params={}, assumptions=["decay 60 km"], sources=["test v1"])
    >>> r = build_report(fit, maps=False, evidence=False)
    >>> "普宁市" in r.html and "<script" not in r.html, r.clauses
    (True, ['§19'])
    """
    t = make_report_text(lang)  # checks `lang`
    table = _check_inputs(fit, sensitivity, completeness, allocation)
    level, origin_code = str(fit.level), str(fit.origin)
    boundaries = {lv: load_boundaries(lv) for lv in ("county", "city")}  # read once: names, score map, source
    names = build_name_lookup(boundaries, lang)
    stage = stage_label(str(fit.stage), lang=lang)
    origin = names.get(origin_code, origin_code)

    summary = build_summary_section(table, lang=lang, stage=stage, origin=origin, level=level,
                                    sensitivity=sensitivity, allocation=allocation)
    ranking = build_ranking_section(table, lang=lang, top_n=top_n)
    sources = render_notes(fit.sources, lang=lang)  # the model's record in the reader's language
    drawn = MapsSection(images={}, errors={}, png={}, boundary_source=None)
    if maps:
        if units is None:
            base, bsrc = boundaries["city" if level == "city" else "county"], str(boundaries["county"]["source"].iloc[0])
        else:
            base, bsrc = units, (units["source"].iloc[0] if "source" in units.columns else None)
        drawn = build_maps_section(table, lang=lang, stage=stage, origin=origin_code, level=level, units=base,
                                   boundary_source=bsrc, layout_layers=layout_layers)
        if drawn.boundary_source and drawn.boundary_source not in sources:
            sources.append(str(drawn.boundary_source))
    policy = t("policy_document")
    if not any("粤工信消费函" in s for s in sources):
        sources.append(policy)
    cmd = command or ""
    clauses = collect_clauses(fit, table, lang=lang, completeness=completeness, top_n=top_n)
    appendix = build_appendix_section(fit, lang=lang, clauses=clauses, sources=sources, command=cmd,
                                      sensitivity=sensitivity, completeness=completeness)

    # the same pictures as the app's (outputs.charts), each as a data URI with its caption
    pictures = chart_images(fit, lang=lang, sensitivity=sensitivity, completeness=completeness, allocation=allocation,
                            names=names) if maps else {}
    charts = {k: ("data:image/png;base64," + base64.b64encode(png).decode("ascii"), cap)
              for k, (png, cap) in pictures.items()}
    suit = None if suitability is None else build_suitability_section(
        suitability, lang=lang, maps=maps, site_weight=dict(fit.weights or {}).get("site"))
    title = t("title")
    html = _env().get_template("report.html.j2").render(
        t=t, title=title, subtitle=t("subtitle", stage=stage, origin=origin),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"), policy=policy,
        summary=summary, maps=drawn, ranking=ranking,
        sensitivity=build_sensitivity_section(sensitivity, table, lang=lang) if sensitivity is not None else None,
        completeness=build_completeness_section(completeness, lang=lang) if completeness is not None else None,
        allocation=build_allocation_section(allocation, lang=lang, names=names) if allocation is not None else None,
        appendix=appendix, comparison=comparison, suitability=suit, charts=charts,
        evidence=build_evidence_section(fit, lang=lang, top_n=top_n) if evidence else None,
    )
    if re.search(r"<\s*script", html, flags=re.I):  # belt and braces: autoescape makes this unreachable
        msg = "the rendered report contains a <script> element; refusing to produce it"
        raise PlannerError(msg)
    images = {**drawn.png, **({"suitability": suit.png} if suit is not None and suit.png else {}),
              **{f"chart_{k}": png for k, (png, _cap) in pictures.items()}}
    return Report(lang=lang, title=title, html=html, images=images, command=cmd, clauses=clauses)


# --------------------------------------------------------------------------- write
def _check_report(report: object) -> Report:
    if not isinstance(report, Report):
        msg = f"`report` must be a Report from build_report(...), got {type(report).__name__}"
        raise PlannerError(msg)
    return report


def report_bytes(report: Report, fmt: str) -> bytes:
    """The report file's bytes, rendered in memory: the HTML page, or the same page as PDF.

    The PDF is rendered by WeasyPrint with only ``data:`` URLs allowed (the inlined maps), so
    a report never reaches the network or the file system while rendering.

    Examples
    --------
    >>> report_bytes(Report(lang="en", title="t", html="<p>x</p>"), "html")
    b'<p>x</p>'
    >>> report_bytes(Report(lang="zh", title="t", html="<!doctype html><p>揭阳</p>"), "pdf")[:5]
    b'%PDF-'
    """
    report = _check_report(report)
    if fmt == "html":
        return report.html.encode("utf-8")
    if fmt != "pdf":
        msg = f"`fmt` must be 'html' or 'pdf', got {fmt!r}"
        raise PlannerError(msg)
    # WeasyPrint is imported only when a PDF is asked for: it takes about a second to import
    # and the HTML report, the app and the command line do not need it otherwise.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=report.html, url_fetcher=URLFetcher(allowed_protocols=["data"]), base_url=None).write_pdf()


def _write(report: Report, path: str | os.PathLike, fmt: str) -> Path:
    data = report_bytes(report, fmt)  # rendered before the target is touched
    target = target_path(path, f".{fmt}", default="report")
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def write_report_html(report: Report, path: str | os.PathLike) -> Path:
    """Write the report as one self-contained HTML file (atomically).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> r = Report(lang="en", title="t", html="<!doctype html><title>t</title>")
    >>> write_report_html(r, pathlib.Path(tempfile.mkdtemp()) / "r.html").read_text()
    '<!doctype html><title>t</title>'
    """
    return _write(report, path, "html")


def write_report_pdf(report: Report, path: str | os.PathLike) -> Path:
    """Render the same HTML to PDF (see :func:`report_bytes`) and write it atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> r = Report(lang="zh", title="t", html="<!doctype html><p>揭阳</p>")
    >>> write_report_pdf(r, pathlib.Path(tempfile.mkdtemp()) / "r.pdf").read_bytes()[:5]
    b'%PDF-'
    """
    return _write(report, path, "pdf")
