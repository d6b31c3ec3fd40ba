"""The report's suitability section: the surface behind the fit's ``site`` component and its criteria.

:func:`build_suitability_section` takes a :class:`analysis.suitability.SuitabilityResult` and
returns plain, already formatted values for the template (``templates/report.html.j2``, section
``suitability``), which escapes every one: a sentence saying how the site component comes from
the surface, the map (:func:`outputs.suitability_map.plot_suitability_map`) with restricted and
no-data cells apart, and one row per criterion with its weight, rescaling, limit and **the raster
or dataset it came from**. All words come from the catalogue (``report.suit*``).

Examples
--------
>>> from analysis.suitability import compute_site_scores
>>> s = build_suitability_section(compute_site_scores("dyeing", resolution_m=5000), lang="en", maps=False)
>>> s.rows[0]["criterion"], s.rows[0]["weight"], "pvlib 0.16.1" in s.rows[-2]["source"]
('Distance to a port', '0.21', True)
"""
from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any

from analysis.notes import Note
from geo.errors import PlannerError
from layers.stages import stage_label
from outputs.messages import render_note, render_notes
from outputs.suitability_map import plot_suitability_map
from outputs.text import check_lang, tr

__all__ = ["SuitabilitySection", "build_suitability_section", "criterion_sources"]


@dataclass(frozen=True)
class SuitabilitySection:
    """What the template shows: ``intro`` and ``codes`` sentences, the map (``image`` data URI, or ``error``),
    ``rows`` (criterion, unit, weight, rescale, limit, source) and ``notes`` (how coarse, what was repaired)."""

    intro: str
    codes: str
    image: str | None
    error: str | None
    png: bytes | None
    rows: list[dict[str, str]]
    notes: list[str]


def _num(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(f) else f"{f:.2g}" if f < 1 else f"{f:g}"


def criterion_sources(result: Any, *, lang: str) -> dict[str, str]:
    """Criterion id -> the raster or dataset it came from, in ``lang``.

    Said from the Notes the model recorded (``site.source`` in ``result.sources``), not from the
    table's ``source`` column, where pandas keeps only the English words. A planner's own file
    name stays as given.

    Examples
    --------
    >>> from analysis.suitability import compute_site_scores
    >>> r = compute_site_scores("dyeing", resolution_m=5000)
    >>> criterion_sources(r, lang="zh")["slope_deg"][:26]
    'pvlib 0.16.1 Altitude.h5高程'
    >>> criterion_sources(r, lang="en")["slope_deg"] == r.table.set_index("criterion").loc["slope_deg", "source"]
    True
    """
    check_lang(lang)
    return {str(n.params.get("criterion")): render_note(n.params.get("source"), lang=lang)
            for n in getattr(result, "sources", ()) if isinstance(n, Note) and n.code == "site.source"}


def build_suitability_section(result: Any, *, lang: str, maps: bool = True,
                              site_weight: float | None = None) -> SuitabilitySection:
    """The section of ``result`` in ``lang``; the map only when ``maps`` (a map that cannot be drawn says why).

    Parameters
    ----------
    result : analysis.suitability.SuitabilityResult
    lang : {"zh", "en"}
    maps : bool
        Draw the map (False for a quick text-only report).
    site_weight : float, optional
        The fit's weight of the site component, named in the intro.
    """
    li = check_lang(lang)
    table = getattr(result, "table", None)
    if table is None or "criterion" not in table.columns:
        msg = f"`suitability` must be a SuitabilityResult (analysis.suitability.compute_site_scores), got {type(result).__name__}"
        raise PlannerError(msg)
    stage = stage_label(str(result.stage), lang=lang)
    z = result.zonal
    intro = tr("report.suit_intro", lang, stage=stage, res=f"{result.grid.resolution_m:g}",
               weight=_num(site_weight) if site_weight is not None else "–", n=len(z),
               lo=_num(z["site_mean"].min()), hi=_num(z["site_mean"].max()))
    codes = tr("report.suit_codes", lang, threshold=f"{result.threshold:g}")
    image = error = png = None
    if maps:
        try:
            png = plot_suitability_map(result, lang=lang)
            image = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        except (PlannerError, ImportError) as exc:
            error = str(exc)
    label = "label_zh" if li == 0 else "label_en"
    sources = criterion_sources(result, lang=lang)
    rows = []
    for _, r in table.iterrows():
        rescale = f"{r['method']} {str(r['breakpoints']).replace(';', ' → ')}"
        limit = "" if r["limit"] is None or (isinstance(r["limit"], float) and math.isnan(r["limit"])) else f"> {r['limit']:g}"
        rows.append({"criterion": str(r[label]), "key": str(r["criterion"]), "unit": str(r["unit"]),
                     "weight": _num(r["weight"]), "rescale": rescale, "limit": limit,
                     "source": sources.get(str(r["criterion"]), str(r["source"]))})
    # the rows above say each criterion's rule; the rest (how coarse, what was repaired) in the reader's language
    notes = render_notes([a for a in result.assumptions if getattr(a, "code", "") != "site.rule_note"], lang=lang)
    return SuitabilitySection(intro=intro, codes=codes, image=image, error=error, png=png, rows=rows, notes=notes)
