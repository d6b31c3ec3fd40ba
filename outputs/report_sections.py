"""The sections of the relocation-suitability report, one function each, in the order they appear.

Each ``build_*_section`` takes the typed result it shows (the fit's table, the
:func:`analysis.sensitivity.run_sensitivity` frame, the completeness frame, an
:class:`analysis.allocation.AllocationResult`) and returns plain, already formatted values
for the template (``templates/report.html.j2``), which escapes every one of them.
:func:`outputs.report.build_report` calls them; the app may show any of them on its own.

All text comes from the catalogue (``report.*`` keys of :mod:`outputs.text.report`) through
:func:`make_report_text`.

Examples
--------
>>> t = make_report_text("en")
>>> t("summary"), t("no_map", reason="no font")
('Summary', '(map not drawn: no font)')
"""
from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.allocation import AllocationResult
from analysis.assumptions import COMPONENTS
from analysis.completeness import pivot_completeness
from analysis.fit import FitResult
from geo.errors import PlannerError
from layers.boundaries import REGION_NAMES
from outputs.messages import render_notes
from outputs.maps import plot_layout_map, plot_score_map
from outputs.text import CATALOGUE, check_lang, pick, tr

__all__ = [
    "AllocationSection",
    "AppendixSection",
    "CompletenessSection",
    "MapsSection",
    "RankingSection",
    "SensitivitySection",
    "build_allocation_section",
    "build_appendix_section",
    "build_completeness_section",
    "build_maps_section",
    "build_name_lookup",
    "build_ranking_section",
    "build_sensitivity_section",
    "build_summary_section",
    "collect_clauses",
    "make_report_text",
]

#: Stages with a short catalogue name for the 13 column heads of the completeness matrix.
_SHORT_STAGES = tuple(k[len("report.stage_short."):] for k in CATALOGUE if k.startswith("report.stage_short."))


# --------------------------------------------------------------------------- what the sections hand the template
@dataclass(frozen=True)
class MapsSection:
    """The two maps: ``images`` (key -> ``data:`` URI), ``errors`` (key -> why a map is missing),
    ``png`` (key -> PNG bytes) and the source of the score map's polygons when it was drawn."""

    images: dict[str, str]
    errors: dict[str, str]
    png: dict[str, bytes]
    boundary_source: str | None


@dataclass(frozen=True)
class RankingSection:
    """Component heads, the ranked rows, the units left out (one row per reason) and the top reasons."""

    comp_labels: list[str]
    rows: list[dict[str, Any]]
    excluded: list[dict[str, Any]]
    explain: list[dict[str, str]]


@dataclass(frozen=True)
class SensitivitySection:
    """The note naming the number of draws and one row per robust destination."""

    note: str
    rows: list[dict[str, str]]


@dataclass(frozen=True)
class CompletenessSection:
    """Table head and rows (groups x stages)."""

    head: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class AllocationSection:
    """The flows, what was not placed and the allocation's own sentence."""

    rows: list[dict[str, str]]
    shortfall: str
    message: str


@dataclass(frozen=True)
class AppendixSection:
    """Assumptions, weights, parameters, clauses with themes, sources, the command and a note on user inputs."""

    assumptions: list[str]
    weights: list[dict[str, str]]
    params: list[dict[str, str]]
    clauses: list[dict[str, str]]
    sources: list[str]
    command: str
    command_note: str


# --------------------------------------------------------------------------- helpers
def make_report_text(lang: str) -> Callable[..., str]:
    """``t(key, **fields)``: the catalogue's ``report.<key>`` in ``lang`` (the template's ``t`` too).

    Examples
    --------
    >>> make_report_text("zh")("s_top1", top="普宁市")
    '综合得分最高的是普宁市。'
    """
    check_lang(lang)

    def t(key: str, /, **fields: object) -> str:
        return tr(f"report.{key}", lang, **fields)

    return t


def _fmt(v: Any, digits: int = 3) -> str:
    """A table cell: numbers rounded, NaN/None as an en dash, lists joined."""
    if v is None:
        return "–"
    if isinstance(v, (list, tuple, set, np.ndarray)):
        return "；".join(map(str, v)) if len(v) else "–"
    if isinstance(v, (bool, np.bool_)):
        return "✓" if v else "✗"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(float(v)):
            return "–"
        return f"{float(v):.{digits}f}"
    try:
        if pd.isna(v):
            return "–"
    except (TypeError, ValueError):
        pass
    return str(v)


def _pct(v: Any) -> str:
    try:
        return f"{float(v) * 100:.0f}%"
    except (TypeError, ValueError):
        return "–"


def _sens_param(sensitivity: pd.DataFrame | None, key: str) -> Any:
    """``n`` or ``seed`` of a sensitivity table (``attrs["params"]`` of run_sensitivity, or ``attrs``)."""
    if sensitivity is None:
        return None
    params = sensitivity.attrs.get("params") or {}
    return params.get(key, sensitivity.attrs.get(key))


def _region_label(region: str, lang: str) -> str:
    """A region id in words (:data:`layers.boundaries.REGION_NAMES`, the one definition); other text as it is."""
    return pick(REGION_NAMES[region], lang) if region in REGION_NAMES else region


def _split_clauses(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, (list, tuple, set, np.ndarray)):
        items = [str(x) for x in v]
    else:
        try:
            if pd.isna(v):
                return []
        except (TypeError, ValueError):
            pass
        items = [str(v)]
    out: list[str] = []
    for it in items:
        out += re.findall(r"§\s*\d+", it)
    return [c.replace(" ", "") for c in out]


def _clause_key(c: str) -> int:
    return int(re.sub(r"\D", "", c) or 0)


def _name_col(lang: str) -> str:
    return "name_zh" if lang == "zh" else "name_en"


def _eligible(table: pd.DataFrame) -> pd.Series:
    return table["eligible"].fillna(False).astype(bool)


def build_name_lookup(boundaries: Mapping[str, pd.DataFrame], lang: str) -> dict[str, str]:
    """adcode -> name in ``lang`` from the ``city`` and ``county`` boundaries; a county-level unit wins.

    Examples
    --------
    >>> b = {"city": pd.DataFrame({"adcode": ["441900"], "name_en": ["Dongguan city"]}),
    ...      "county": pd.DataFrame({"adcode": ["441900", "440118"], "name_en": ["Dongguan", "Zengcheng"]})}
    >>> build_name_lookup(b, "en")
    {'441900': 'Dongguan', '440118': 'Zengcheng'}
    """
    col = _name_col(lang)
    names: dict[str, str] = {}
    for level in ("city", "county"):
        b = boundaries[level]
        names.update(zip(b["adcode"].astype(str), b[col].astype(str), strict=True))
    return names


# --------------------------------------------------------------------------- sections
def build_summary_section(
    table: pd.DataFrame, *, lang: str, stage: str, origin: str, level: str,
    sensitivity: pd.DataFrame | None = None, allocation: AllocationResult | None = None,
) -> list[str]:
    """The summary in plain words: candidates, the best fits, exclusions, robustness, allocation, basis.

    Examples
    --------
    >>> t = pd.DataFrame({"adcode": ["445281", "440118"], "name_en": ["Puning", "Zengcheng"], "score": [0.72, None],
    ...                   "eligible": [True, False], "excluded_reason": ["", "PRD keeps the high-end links (§4)"]})
    >>> build_summary_section(t, lang="en", stage="Dyeing", origin="Zengcheng", level="county")[1:3]
    ['Puning (0.720) fits best.', '1 units are eligible; 1 are excluded by constraints (PRD keeps the high-end links (§4)).']
    """
    t = make_report_text(lang)
    name_col = _name_col(lang)
    eligible = _eligible(table)
    ok = table[eligible]
    level_text = t("level_city") if level == "city" else t("level_county")
    summary = [t("s_intro", stage=stage, origin=origin, n=len(table), level=level_text)]
    why = "excluded_reason_zh" if lang == "zh" and "excluded_reason_zh" in table.columns and \
        table.loc[~eligible, "excluded_reason_zh"].fillna("").astype(str).ne("").any() else "excluded_reason"
    reasons = ", ".join(sorted({str(r) for r in table.loc[~eligible, why].dropna() if str(r)})) or "–"
    if len(ok):
        names = [t("name_score", name=r[name_col], score=_fmt(r["score"])) for _, r in ok.head(3).iterrows()]
        summary.append(t("s_top", top=names[0], rest=t("sep.and").join(names[1:])) if len(names) > 1
                       else t("s_top1", top=names[0]))
        summary.append(t("s_elig", k=len(ok), x=len(table) - len(ok), reasons=reasons)
                       if len(ok) < len(table) else t("s_elig_all", k=len(ok)))
    else:
        summary.append(t("s_none", reasons=reasons))
    if sensitivity is not None and len(sensitivity) and len(ok):
        top = ok.iloc[0]
        hit = sensitivity[sensitivity["adcode"] == top["adcode"]]
        if len(hit):
            summary.append(t("s_sens", draws=_sens_param(sensitivity, "n") or "N", top=top[name_col],
                             p1=_pct(hit.iloc[0]["p_first"]), p3=_pct(hit.iloc[0]["p_top3"])))
    if allocation is not None:
        flows = allocation.flows
        total = float(pd.to_numeric(flows["amount"], errors="coerce").sum()) if "amount" in flows.columns else 0.0
        summary.append(t("s_alloc", total=_fmt(total, 2), m=len(flows), msg=allocation_words(allocation, lang=lang)))
    summary.append(t("s_basis"))
    return summary


def build_ranking_section(table: pd.DataFrame, *, lang: str, top_n: int = 5) -> RankingSection:
    """The ranked eligible units with every component, the units left out (one row per reason), the top reasons.

    ``table`` has the columns of a fit's table (:class:`analysis.fit.FitResult`), sorted by rank.

    Examples
    --------
    >>> t = pd.DataFrame({"adcode": ["440118"], "name_en": ["Zengcheng"], "eligible": [False],
    ...                   "excluded_reason": ["PRD keeps the high-end links (§4)"]})
    >>> build_ranking_section(t, lang="en").excluded
    [{'reason': 'PRD keeps the high-end links (§4)', 'count': 1, 'units': 'Zengcheng (440118)'}]
    """
    name_col, reason_col = _name_col(lang), ("reason_zh" if lang == "zh" else "reason_en")
    sep = make_report_text(lang)("sep.list")
    eligible = _eligible(table)
    ok = table[eligible]
    check_lang(lang)
    rows = [{
        "rank": _fmt(r["rank"], 0), "name": _fmt(r[name_col]), "adcode": str(r["adcode"]),
        "region": _region_label(str(r["region"]), lang),
        "tier": tr(f"report.ev_tier_{r.get('tier', 'evidence') or 'evidence'}", lang),
        "components": [_fmt(r[c]) for c in COMPONENTS], "score": _fmt(r["score"]),
        "clauses": sep.join(_split_clauses(r["policy_clauses"])),
    } for _, r in ok.iterrows()]
    # units that are not ranked: one row per reason, listing the units (a constraint such as
    # §19 can exclude dozens; repeating the reason on every row would bury the ranking)
    excluded = []
    out_rows = table[~eligible]
    why_col = "excluded_reason_zh" if lang == "zh" and "excluded_reason_zh" in table.columns and \
        table.loc[~eligible, "excluded_reason_zh"].fillna("").astype(str).ne("").any() else "excluded_reason"
    for why, grp in out_rows.groupby(out_rows[why_col].fillna("").astype(str), sort=False):
        units_text = sep.join(f"{n} ({c})" for n, c in zip(grp[name_col], grp["adcode"], strict=True))
        excluded.append({"reason": why or "–", "count": len(grp), "units": units_text})
    explain = [{"rank": _fmt(r["rank"], 0), "name": _fmt(r[name_col]), "score": _fmt(r["score"]),
                "reason": _fmt(r[reason_col])} for _, r in ok.head(top_n).iterrows()]
    return RankingSection(comp_labels=[tr(f"component.{c}", lang) for c in COMPONENTS], rows=rows, excluded=excluded,
                          explain=explain)


def _score_units(table: pd.DataFrame, base: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    base = base[[c for c in base.columns if c in ("adcode", "geometry")]].copy()
    cols = ["adcode", "name_zh", "name_en", "score", "rank", "eligible"]
    merged = base.merge(table[cols], on="adcode", how="left")
    if merged["score"].notna().sum() == 0:
        msg = f"no adcode of the fit table matches a {level} boundary"
        raise PlannerError(msg)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=base.crs)


def build_maps_section(
    table: pd.DataFrame, *, lang: str, stage: str, origin: str, level: str, units: gpd.GeoDataFrame,
    boundary_source: str | None = None, layout_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> MapsSection:
    """The layout map and the score map of ``table`` on ``units`` as PNG; a map that cannot be drawn says why.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> u = gpd.GeoDataFrame({"adcode": ["1"]}, geometry=[box(113, 23, 114, 24)], crs=4326)
    >>> t = pd.DataFrame({"adcode": ["9"], "name_zh": ["甲"], "name_en": ["A"], "score": [0.5], "rank": [1],
    ...                   "eligible": [True]})
    >>> m = build_maps_section(t, lang="en", stage="Dyeing", origin="9", level="county", units=u)
    >>> sorted(m.images), m.errors["score"]
    (['layout'], 'no adcode of the fit table matches a county boundary')
    """
    png: dict[str, bytes] = {}
    errors: dict[str, str] = {}
    source = None
    try:
        png["layout"] = plot_layout_map(layout_layers, lang=lang)
    except PlannerError as exc:
        errors["layout"] = str(exc)
    try:
        su = _score_units(table, units, level)
        png["score"] = plot_score_map(su, lang=lang, origin=origin,
                                      title=make_report_text(lang)("score_map_title", stage=stage))
        source = boundary_source
    except PlannerError as exc:
        errors["score"] = str(exc)
    images = {k: "data:image/png;base64," + base64.b64encode(v).decode("ascii") for k, v in png.items()}
    return MapsSection(images=images, errors=errors, png=png, boundary_source=source)


def build_sensitivity_section(sensitivity: pd.DataFrame, table: pd.DataFrame, *, lang: str) -> SensitivitySection:
    """The ten most robust destinations: share of draws ranked first, in the top three, mean rank.

    Examples
    --------
    >>> s = pd.DataFrame({"adcode": ["445281"], "p_first": [0.7], "p_top3": [0.98], "mean_rank": [1.3]})
    >>> s.attrs["params"] = {"n": 500}
    >>> build_sensitivity_section(s, pd.DataFrame({"adcode": ["445281"], "name_en": ["Puning"]}), lang="en").rows
    [{'name': 'Puning', 'adcode': '445281', 'p_first': '70%', 'p_top3': '98%', 'mean_rank': '1.3'}]
    """
    name_col = _name_col(lang)
    s = sensitivity.sort_values(["p_first", "p_top3"], ascending=False).head(10)
    names = table.set_index("adcode")[name_col]
    rows = []
    for _, r in s.iterrows():
        nm = r.get(name_col) if name_col in s.columns else names.get(r["adcode"], r["adcode"])
        rows.append({"name": _fmt(nm), "adcode": str(r["adcode"]), "p_first": _pct(r["p_first"]),
                     "p_top3": _pct(r["p_top3"]), "mean_rank": _fmt(r.get("mean_rank"), 1)})
    note = make_report_text(lang)("sensitivity_note", draws=_sens_param(sensitivity, "n") or "N")
    return SensitivitySection(note=note, rows=rows)


def build_completeness_section(completeness: pd.DataFrame, *, lang: str) -> CompletenessSection:
    """The completeness matrix (groups x stages, short stage heads) or, for any other table, the table as it is.

    Examples
    --------
    >>> c = pd.DataFrame({"group_type": "region", "group": "East", "stage": ["dyeing", "apparel"],
    ...                   "status_before": ["thin", "present"], "status_after": ["present", "present"]})
    >>> s = build_completeness_section(c, lang="zh")
    >>> s.head, s.rows
    (['产业区／区域', '印染', '服装'], [['粤东', '弱→有', '有']])
    """
    if not {"group", "stage", "status_before", "status_after"} <= set(completeness.columns):
        return CompletenessSection(head=[str(c) for c in completeness.columns],
                                   rows=[[_fmt(v) for v in rec] for rec in completeness.itertuples(index=False, name=None)])
    t = make_report_text(lang)
    short = {s: t(f"stage_short.{s}") for s in _SHORT_STAGES}
    wide = pivot_completeness(completeness, lang=lang, stage_names=short)
    groups = [_region_label(g, lang) for g in wide["group"].astype(str)]
    rows = [[g, *map(str, r)] for g, r in zip(groups, wide.drop(columns="group").to_numpy(), strict=True)]
    return CompletenessSection(head=[t("group"), *map(str, wide.columns[1:])], rows=rows)


def allocation_words(allocation: AllocationResult, *, lang: str) -> str:
    """What the allocation placed and what it could not, in ``lang``.

    Examples
    --------
    >>> flows = pd.DataFrame({"origin": ["440118"], "destination": ["445281"], "amount": [60.0], "cost": [0.19]})
    >>> a = AllocationResult(flows=flows, lines=gpd.GeoDataFrame(geometry=[]), shortfall=40.0, message="short")
    >>> allocation_words(a, lang="zh")
    '容量不足：100 个单位中有 40 个找不到有容量的合格承接地（已安排 60 个到 1 个承接地）；请增加容量、增加承接地或放宽排除条件'
    """
    t = make_report_text(lang)
    flows = allocation.flows
    placed = float(pd.to_numeric(flows["amount"], errors="coerce").sum()) if "amount" in flows.columns else 0.0
    k = int(flows["destination"].nunique()) if "destination" in flows.columns else 0
    short = float(allocation.shortfall or 0.0)
    if short > 0:
        return t("alloc_short", short=f"{short:g}", total=f"{placed + short:g}", placed=f"{placed:g}", k=k)
    return t("alloc_all", placed=f"{placed:g}", k=k)


def build_allocation_section(allocation: AllocationResult, *, lang: str, names: Mapping[str, str]) -> AllocationSection:
    """The flows (origin, destination, amount, cost), what was not placed, and the allocation's own sentence.

    Examples
    --------
    >>> flows = pd.DataFrame({"origin": ["440118"], "destination": ["445281"], "amount": [60.0], "cost": [0.19]})
    >>> a = AllocationResult(flows=flows, lines=gpd.GeoDataFrame(geometry=[]), shortfall=0.0, message="ok")
    >>> build_allocation_section(a, lang="en", names={"440118": "Zengcheng", "445281": "Puning"}).rows
    [{'origin': 'Zengcheng (440118)', 'destination': 'Puning (445281)', 'amount': '60.00', 'cost': '0.190'}]
    """
    name_col = _name_col(lang)
    flows = allocation.flows
    rows = []
    for _, r in flows.iterrows():
        dest = r.get(name_col) if name_col in flows.columns and isinstance(r.get(name_col), str) else None
        origin, destination = str(r["origin"]), str(r["destination"])
        rows.append({"origin": f"{names.get(origin, origin)} ({r['origin']})",
                     "destination": f"{dest or names.get(destination, destination)} ({r['destination']})",
                     "amount": _fmt(r.get("amount"), 2), "cost": _fmt(r.get("cost"), 3)})
    return AllocationSection(rows=rows, shortfall=_fmt(allocation.shortfall, 2),
                             message=allocation_words(allocation, lang=lang))


def collect_clauses(fit: FitResult, table: pd.DataFrame, *, lang: str, completeness: pd.DataFrame | None = None,
                    top_n: int = 5) -> list[str]:
    """Every clause the table, the assumptions, the sources, the top reasons and the completeness cite, in order.

    Examples
    --------
    >>> t = pd.DataFrame({"policy_clauses": [["§19", "§4"]], "eligible": [True], "reason_en": ["park (§19)"]})
    >>> f = FitResult(table=t, stage="dyeing", origin="440118", level="county", weights={}, params={},
    ...               assumptions=["PRD keeps the high end (§4)"], sources=["digest (§14)"])
    >>> collect_clauses(f, t, lang="en")
    ['§4', '§14', '§19']
    """
    reason_col = "reason_zh" if lang == "zh" else "reason_en"
    ok = table[_eligible(table)]
    found: set[str] = set()
    for v in table["policy_clauses"]:
        found.update(_split_clauses(v))
    for text in list(fit.assumptions) + list(fit.sources) + list(ok.head(top_n)[reason_col].astype(str)):
        found.update(_split_clauses(text))
    if completeness is not None and "clause" in completeness.columns:
        for v in completeness["clause"].dropna().unique():
            found.update(_split_clauses(v))
    return sorted(found, key=_clause_key)


def build_appendix_section(
    fit: FitResult, *, lang: str, clauses: list[str], sources: list[str], command: str,
    sensitivity: pd.DataFrame | None = None, completeness: pd.DataFrame | None = None,
) -> AppendixSection:
    """Assumptions, weights, parameters, clauses with their themes, sources and the command that reproduces it all.

    Examples
    --------
    >>> f = FitResult(table=pd.DataFrame(), stage="dyeing", origin="440118", level="county", weights={"policy": 1.0},
    ...               params={"capability_source": "user"}, assumptions=["a"], sources=["s"])
    >>> a = build_appendix_section(f, lang="en", clauses=["§19"], sources=["s"], command="python -m analysis report")
    >>> a.clauses, a.weights[0]["name"], "your own inputs (capability)" in a.command_note
    ([{'clause': '§19', 'theme': 'dyeing and washing: into parks with central treatment'}], 'Policy alignment', True)
    """
    check_lang(lang)
    user_inputs = sorted(k[: -len("_source")] for k, v in dict(fit.params or {}).items()
                         if str(k).endswith("_source") and str(v) == "user")
    clause_rows = []
    for c in clauses:
        key = f"report.clause.{_clause_key(c)}"
        clause_rows.append({"clause": c, "theme": tr(key, lang) if key in CATALOGUE else ""})
    return AppendixSection(
        assumptions=render_notes([*fit.assumptions,
                                  *(sensitivity.attrs.get("assumptions", []) if sensitivity is not None else []),
                                  *(completeness.attrs.get("assumptions", []) if completeness is not None else [])],
                                 lang=lang),
        weights=[{"name": (tr(f"component.{k}", lang) if f"component.{k}" in CATALOGUE else str(k)), "key": str(k), "value": _fmt(v)}
                 for k, v in dict(fit.weights or {}).items()],
        params=[{"key": str(k), "value": _fmt(v)} for k, v in dict(fit.params or {}).items()],
        clauses=clause_rows,
        sources=sources,
        command=command,
        command_note=make_report_text(lang)("command_note", inputs=", ".join(user_inputs)) if user_inputs else "",
    )

