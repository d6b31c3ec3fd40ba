"""The relocation-suitability report: one self-contained HTML page, and the same as PDF.

:func:`build_report` turns a transfer-fit result (plus, optionally, its sensitivity, chain
completeness and allocation) into a :class:`Report`; :func:`write_report_html` and
:func:`write_report_pdf` write it (atomically). The HTML inlines its CSS and its map images
(base64 ``data:`` URIs), fetches nothing, holds no ``<script>`` and forbids scripts with a
Content-Security-Policy; every value is escaped by Jinja2's autoescape, so a unit or park
name typed by a user is shown as text, never run. The PDF is rendered by WeasyPrint from the
same HTML with a fetcher that only accepts ``data:`` URLs.

Chinese by default (``lang="zh"``), English with ``lang="en"``: every heading and fixed
sentence is in :data:`TEXT`; stage names come from the stage catalogue
(:func:`layers.stages.stage_label`) and component names from
:data:`analysis.weights.COMPONENT_LABELS`, as in the app.
"""
from __future__ import annotations

import base64
import logging
import math
import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from layers.stages import stage_label
from analysis.weights import COMPONENT_LABELS, COMPONENTS
from geo.errors import PlannerError
from geo.io import atomic_path

__all__ = [
    "CLAUSE_THEMES",
    "TEXT",
    "Report",
    "build_report",
    "write_report_html",
    "write_report_pdf",
]

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Clause -> (theme in Chinese, theme in English), from the policy digest (CLAUSES.md).
CLAUSE_THEMES: dict[int, tuple[str, str]] = {
    1: ("总体目标", "plan and revenue targets"),
    2: ("一群：全省纺织服装产业集群", "one cluster: the province-wide textile & apparel cluster"),
    3: ("两极三区：广州、深圳两极；三个服装产业区", "two poles (Guangzhou, Shenzhen) and three apparel zones"),
    4: ("有序转移：珠三角保留高端环节，粤东粤西粤北承接；重点园区", "orderly transfer: PRD keeps high-end links; East, West, North take capacity; named parks"),
    5: ("强链补链：全产业链与资源约束", "strengthen and complete chains; land, energy and environmental capacity"),
    6: ("工业设计", "industrial design"),
    7: ("创意设计", "creative design"),
    8: ("应用场景：产业用纺织品、绿色纤维", "scenarios: industrial textiles, green fibres"),
    9: ("新模式：共享工厂、柔性供应链", "new models: shared factories, flexible supply chains"),
    10: ("技术创新", "technology"),
    11: ("质量提升", "quality"),
    12: ("标准", "standards"),
    13: ("品牌", "brands"),
    14: ("区域品牌名城、特色集群、非遗技艺", "named cities, specialty clusters, heritage crafts"),
    15: ("推广：品牌与消费高地、国际采购基地", "promotion: brand highlands, international procurement base"),
    16: ("市场拓展", "markets"),
    17: ("数字化转型", "digital transformation"),
    18: ("智能制造", "smart manufacturing"),
    19: ("印染与洗水：入园集中治污", "dyeing and washing: into parks with central treatment"),
    20: ("节能节水", "energy and water saving"),
    21: ("绿色制造与循环利用", "green manufacturing and recycling"),
    22: ("专业展会", "fairs"),
    23: ("招商引资", "investment"),
    24: ("人才", "talent"),
    25: ("金融", "finance"),
    26: ("平台", "platforms"),
    27: ("营商环境", "business environment"),
    28: ("行业协会", "associations"),
    29: ("组织保障", "organisation"),
    30: ("组织保障", "organisation"),
}

_POLICY = "粤工信消费函〔2023〕2号《关于进一步推动纺织服装产业高质量发展的实施意见》(2023-02-15)"

#: Every heading and fixed sentence, in both languages.
TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "html_lang": "zh-CN",
        "title": "纺织服装产能转移承接适宜性报告",
        "subtitle": "{stage}环节 · 转出地：{origin}",
        "generated": "生成时间（UTC）",
        "summary": "摘要",
        "maps": "地图",
        "layout_map": "图1 政策布局：一群两极三区（§2、§3）与重点园区（§4）",
        "score_map": "图2 承接适宜性得分（灰色斜线：不符合条件）",
        "no_map": "（未能生成地图：{reason}）",
        "ranking": "承接地排名及各分项得分",
        "ranking_note": "各分项取值0–1，综合得分为加权和；权重见附录。",
        "excluded_units": "未参与排名的单位（按原因）", "count": "数量", "units": "单位",
        "explain": "排名靠前承接地的理由",
        "sensitivity": "敏感性分析",
        "sensitivity_note": "在权重附近随机扰动{draws}次，统计各承接地排名第一和进入前三的比例。",
        "sensitivity_none": "本报告未做敏感性分析（命令中加 --draws N 可加入）。",
        "completeness": "产业链完整度（按产业区和区域）",
        "completeness_none": "本报告未含产业链完整度评估。",
        "completeness_note": "有：该环节已具规模；弱：有但薄弱；缺：缺失（弱、缺为§5补链目标）。“甲→乙”表示转移后的变化。",
        "group": "产业区／区域",
        "allocation": "产能分配流向",
        "allocation_none": "本报告未做产能分配（命令中加 --allocate 与 --room 可加入）。",
        "shortfall": "未能安置的产能",
        "appendix": "附录：依据、假设与复现方法",
        "assumptions": "假设（可修改）",
        "weights": "权重",
        "params": "参数",
        "sources": "数据来源（含版本）",
        "clauses": "引用的政策条款",
        "policy": "政策文件",
        "command": "复现命令",
        "command_note": "注意：本结果使用了用户提供的输入（{inputs}）而非项目默认数据；只有用同样的文件才能以上述命令复现，请将这些文件与报告一并保存。",
        "rank": "排名", "unit": "单位", "adcode": "代码", "region": "区域", "score": "综合得分",
        "eligible": "是否符合", "excluded": "排除原因", "clause_col": "条款",
        "component": "分项", "weight": "权重", "param": "参数", "value": "取值",
        "p_first": "排名第一比例", "p_top3": "进入前三比例", "mean_rank": "平均排名",
        "origin": "转出地", "destination": "承接地", "amount": "产能", "cost": "成本",
        "yes": "是", "no": "否", "theme": "主题",
        "level_county": "县级单位", "level_city": "地级市",
        "PRD": "珠三角", "East": "粤东", "West": "粤西", "North": "粤北",
        "s_intro": "本报告评估{stage}环节从{origin}转出时，{n}个候选{level}作为承接地的适宜性。",
        "s_top": "综合得分最高的是{top}，其次为{rest}。",
        "s_top1": "综合得分最高的是{top}。",
        "s_elig": "{k}个单位符合条件，{x}个因约束被排除（{reasons}）。",
        "s_elig_all": "全部{k}个单位均符合条件。",
        "s_none": "没有单位符合条件（{reasons}），请检查约束设置。",
        "s_sens": "在{draws}次权重扰动中，{top}有{p1}的情况排名第一、{p3}进入前三。",
        "s_alloc": "产能分配：共安排{total}，{m}条流向；{msg}",
        "s_basis": "每项结论均可追溯到政策条款（§）、带版本的数据源或附录中列明的可修改假设。",
        "page": "第 {n} 页",
    },
    "en": {
        "html_lang": "en",
        "title": "Textile & apparel capacity transfer: destination suitability report",
        "subtitle": "Stage: {stage} · origin: {origin}",
        "generated": "Generated (UTC)",
        "summary": "Summary",
        "maps": "Maps",
        "layout_map": "Figure 1. Policy layout: one cluster, two poles, three zones (§2, §3) and named parks (§4)",
        "score_map": "Figure 2. Transfer-fit score (grey hatched: not eligible)",
        "no_map": "(map not drawn: {reason})",
        "ranking": "Ranked destinations with every component",
        "ranking_note": "Components are 0–1; the score is their weighted sum (weights in the appendix).",
        "excluded_units": "Units not ranked (by reason)", "count": "Count", "units": "Units",
        "explain": "Why the top destinations rank where they do",
        "sensitivity": "Sensitivity",
        "sensitivity_note": "The weights were perturbed {draws} times around the chosen ones; the share of draws in which each destination ranks first and in the top three.",
        "sensitivity_none": "No sensitivity analysis in this report (add --draws N to the command).",
        "completeness": "Chain completeness by zone and region",
        "completeness_none": "No chain-completeness assessment in this report.",
        "completeness_note": "present: the stage is established; thin: present but weak; missing: absent (thin and missing are §5 chain-completion targets). 'a→b' shows the change the transfer makes.",
        "group": "Zone / region",
        "allocation": "Capacity allocation flows",
        "allocation_none": "No allocation in this report (add --allocate and --room to the command).",
        "shortfall": "Capacity not placed",
        "appendix": "Appendix: basis, assumptions and how to reproduce",
        "assumptions": "Assumptions (editable)",
        "weights": "Weights",
        "params": "Parameters",
        "sources": "Data sources (with version)",
        "clauses": "Policy clauses cited",
        "policy": "Policy document",
        "command": "Command that reproduces this report",
        "command_note": "Note: this result used your own inputs ({inputs}), not the project's defaults; the command reproduces it only with the same files. Keep them with the report.",
        "rank": "Rank", "unit": "Unit", "adcode": "Code", "region": "Region", "score": "Score",
        "eligible": "Eligible", "excluded": "Excluded because", "clause_col": "Clauses",
        "component": "Component", "weight": "Weight", "param": "Parameter", "value": "Value",
        "p_first": "Ranks first", "p_top3": "In top three", "mean_rank": "Mean rank",
        "origin": "Origin", "destination": "Destination", "amount": "Amount", "cost": "Cost",
        "yes": "yes", "no": "no", "theme": "Theme",
        "level_county": "county-level units", "level_city": "prefecture-level cities",
        "PRD": "PRD", "East": "East", "West": "West", "North": "North",
        "s_intro": "This report scores how well each of {n} candidate {level} fits the {stage} stage leaving {origin}.",
        "s_top": "{top} fits best, followed by {rest}.",
        "s_top1": "{top} fits best.",
        "s_elig": "{k} units are eligible; {x} are excluded by constraints ({reasons}).",
        "s_elig_all": "All {k} units are eligible.",
        "s_none": "No unit is eligible ({reasons}); check the constraints.",
        "s_sens": "Across {draws} perturbations of the weights, {top} ranks first in {p1} of draws and in the top three in {p3}.",
        "s_alloc": "Allocation: {total} placed in {m} flows; {msg}",
        "s_basis": "Every figure traces to a policy clause (§), a versioned data source or an editable assumption listed in the appendix.",
        "page": "Page {n}",
    },
}

_REQUIRED_FIT = ("table", "stage", "origin", "level", "weights", "params", "assumptions", "sources")
_REQUIRED_TABLE = ("adcode", "name_zh", "name_en", "region", *COMPONENTS, "eligible", "excluded_reason",
                   "score", "rank", "policy_clauses", "reason_zh", "reason_en")


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
        The command that reproduces the report.
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
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every {{ }} is escaped, in every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _check_fit(fit: object) -> pd.DataFrame:
    problems = [f"has no attribute `{a}`" for a in _REQUIRED_FIT if not hasattr(fit, a)]
    table = getattr(fit, "table", None)
    if hasattr(fit, "table"):
        if not isinstance(table, pd.DataFrame):
            problems.append(f"`table` is a {type(table).__name__}, expected a pandas DataFrame")
        else:
            missing = [c for c in _REQUIRED_TABLE if c not in table.columns]
            if missing:
                problems.append(f"`table` lacks columns {missing}")
            elif table.empty:
                problems.append("`table` has no rows")
    if problems:
        msg = (
            "`fit` must be an analysis.fit.FitResult (from score_transfer_fit); it "
            + "; ".join(problems)
            + ". Build it with analysis.fit.score_transfer_fit(stage, origin)"
        )
        raise PlannerError(msg)
    return table.copy()


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
    attrs = getattr(sensitivity, "attrs", {}) or {}
    params = attrs.get("params") or {}
    return params.get(key, attrs.get(key))


def _unit_name(code: str, lang: str) -> str:
    """Name of an adcode (county first, then city); the code itself when unknown."""
    from layers.boundaries import load_boundaries

    code = str(code)
    for level in ("county", "city"):
        b = load_boundaries(level)
        hit = b[b["adcode"] == code]
        if len(hit):
            return str(hit.iloc[0]["name_zh" if lang == "zh" else "name_en"])
    return code


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


def _clause_table(clause_set: set[str], lang: str) -> tuple[list[str], list[dict[str, str]]]:
    """Every cited clause in clause order, and the appendix rows (clause, theme in ``lang``)."""
    clauses = sorted(clause_set, key=_clause_key)
    i = 0 if lang == "zh" else 1
    return clauses, [{"clause": c, "theme": CLAUSE_THEMES.get(_clause_key(c), ("", ""))[i]} for c in clauses]


def _default_command(fit: object, *, lang: str, sensitivity: pd.DataFrame | None, allocation: object | None) -> str:
    parts = ["python", "-m", "analysis", "report", "--stage", str(fit.stage), "--origin", str(fit.origin),
             "--level", str(fit.level)]
    weights = dict(getattr(fit, "weights", {}) or {})
    if weights:
        parts += ["--weights", ",".join(f"{k}={float(v):g}" for k, v in weights.items())]
    params = dict(getattr(fit, "params", {}) or {})
    if "decay_km" in params:
        parts += ["--decay-km", f"{float(params['decay_km']):g}"]
    if params.get("candidates"):
        parts += ["--candidates", str(params["candidates"])]
    if params.get("exclude"):
        parts += ["--exclude", ",".join(map(str, params["exclude"]))]
    draws = _sens_param(sensitivity, "n")
    if draws:
        parts += ["--draws", str(int(draws))]
        seed = _sens_param(sensitivity, "seed")
        if seed is not None:
            parts += ["--seed", str(int(seed))]
    parts += ["--lang", lang, "--html", "report.html", "--pdf", "report.pdf"]
    return " ".join(shlex.quote(p) for p in parts)


def _table_rows(df: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """Any DataFrame as header + rows of strings (for completeness and similar tables)."""
    head = [str(c) for c in df.columns]
    rows = [[_fmt(v) for v in rec] for rec in df.itertuples(index=False, name=None)]
    return head, rows


#: Abbreviated stage labels for the column heads of the completeness matrix only (13 columns
#: on A4); everywhere else, and for any stage missing here, the catalogue name (stage_label).
_STAGE_SHORT: dict[str, tuple[str, str]] = {
    "fibre": ("化纤", "fibre"), "silk": ("丝绸", "silk"), "spinning": ("纺纱", "spin"), "weaving": ("织造", "weave"),
    "dyeing": ("印染", "dye"), "apparel": ("服装", "apparel"), "home_textiles": ("家纺", "home"),
    "industrial_textiles": ("产业用", "indus."), "down": ("羽绒", "down"), "accessories": ("辅料", "access."),
    "auxiliaries": ("助剂", "auxil."), "machinery": ("机械", "mach."), "design_trade": ("设计商贸", "design"),
}

def _completeness_matrix(df: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    """The completeness matrix (:func:`analysis.completeness.pivot_completeness`) as a table head and rows.

    Stage heads are the short A4 names; region groups without a name column get the report's label.
    """
    from analysis.completeness import pivot_completeness

    i = 0 if lang == "zh" else 1
    short = {s: v[i] for s, v in _STAGE_SHORT.items()}
    wide = pivot_completeness(df, lang=lang, stage_names=short)
    groups = [TEXT[lang].get(g, g) for g in wide["group"].astype(str)]
    rows = [[g, *map(str, r)] for g, r in zip(groups, wide.drop(columns="group").to_numpy())]
    return [TEXT[lang]["group"], *map(str, wide.columns[1:])], rows


def _png_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _score_units(table: pd.DataFrame, level: str, units: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    from layers.boundaries import load_boundaries

    base = units if units is not None else load_boundaries("city" if level == "city" else "county")
    base = base[[c for c in base.columns if c in ("adcode", "geometry")]].copy()
    cols = ["adcode", "name_zh", "name_en", "score", "rank", "eligible"]
    merged = base.merge(table[cols], on="adcode", how="left")
    if merged["score"].notna().sum() == 0:
        msg = f"no adcode of the fit table matches a {level} boundary"
        raise PlannerError(msg)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=base.crs)


# --------------------------------------------------------------------------- build
def build_report(
    fit: object,
    *,
    sensitivity: pd.DataFrame | None = None,
    completeness: pd.DataFrame | None = None,
    allocation: object | None = None,
    lang: str = "zh",
    command: str | None = None,
    units: gpd.GeoDataFrame | None = None,
    layout_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    maps: bool = True,
    top_n: int = 5,
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
    allocation : AllocationResult, optional
        With ``flows`` (origin, destination, amount, cost), ``shortfall`` and ``message``.
    lang : {"zh", "en"}
        Chinese (default) or English.
    command : str, optional
        The command that reproduced this; built from ``fit`` when None.
    units : GeoDataFrame, optional
        Polygons with ``adcode`` for the score map; the boundaries of ``fit.level`` when None.
    layout_layers : mapping, optional
        Layers for the layout map (see :func:`outputs.maps.plot_layout_map`).
    maps : bool
        Draw the two maps (False for a quick text-only report).
    top_n : int
        How many top destinations to explain.

    Returns
    -------
    Report

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> row = dict(adcode="445281", name_zh="普宁市", name_en="Puning", city_adcode="445200", region="East",
    ...            upstream=0.8, downstream=0.7, relatedness=0.6, origin_tie=0.4, policy=1.0, site=0.5,
    ...            eligible=True, excluded_reason="", score=0.72, rank=1, policy_clauses="§19",
    ...            reason_zh="有印染园区（§19）", reason_en="dyeing park (§19)")
    >>> fit = SimpleNamespace(table=pd.DataFrame([row]), stage="dyeing", origin="440118", level="county",
    ...                       weights={"upstream": 1.0}, params={}, assumptions=["decay 60 km"], sources=["test v1"])
    >>> r = build_report(fit, maps=False)
    >>> "普宁市" in r.html and "<script" not in r.html, r.clauses
    (True, ['§19'])
    """
    if lang not in TEXT:
        msg = f"`lang` must be 'zh' or 'en', got {lang!r}"
        raise PlannerError(msg)
    t = TEXT[lang]
    table = _check_fit(fit)
    table = table.sort_values("rank", na_position="last", kind="stable").reset_index(drop=True)
    name_col = "name_zh" if lang == "zh" else "name_en"
    reason_col = "reason_zh" if lang == "zh" else "reason_en"
    stage = stage_label(str(fit.stage), lang=lang)
    origin = _unit_name(str(fit.origin), lang)
    level_text = t["level_city"] if str(fit.level) == "city" else t["level_county"]
    eligible = table["eligible"].fillna(False).astype(bool)
    ok = table[eligible]

    # ---- summary in plain words
    summary: list[str] = [t["s_intro"].format(stage=stage, origin=origin, n=len(table), level=level_text)]
    reasons = ", ".join(sorted({str(r) for r in table.loc[~eligible, "excluded_reason"].dropna() if str(r)})) or "–"
    if len(ok):
        names = [f"{r[name_col]}（{_fmt(r['score'])}）" if lang == "zh" else f"{r[name_col]} ({_fmt(r['score'])})"
                 for _, r in ok.head(3).iterrows()]
        sep = "和" if lang == "zh" else " and "
        summary.append(t["s_top"].format(top=names[0], rest=sep.join(names[1:])) if len(names) > 1
                       else t["s_top1"].format(top=names[0]))
        summary.append(t["s_elig"].format(k=len(ok), x=len(table) - len(ok), reasons=reasons)
                       if len(ok) < len(table) else t["s_elig_all"].format(k=len(ok)))
    else:
        summary.append(t["s_none"].format(reasons=reasons))

    # ---- sensitivity
    sens_rows: list[dict[str, str]] = []
    draws = None
    if sensitivity is not None:
        if not isinstance(sensitivity, pd.DataFrame) or not {"adcode", "p_first", "p_top3"} <= set(sensitivity.columns):
            msg = "`sensitivity` must be the DataFrame of run_sensitivity (adcode, p_first, p_top3, mean_rank)"
            raise PlannerError(msg)
        draws = _sens_param(sensitivity, "n")
        s = sensitivity.sort_values(["p_first", "p_top3"], ascending=False).head(10)
        names = table.set_index("adcode")[name_col]
        for _, r in s.iterrows():
            nm = r.get(name_col) if name_col in s.columns else names.get(r["adcode"], r["adcode"])
            sens_rows.append({"name": _fmt(nm), "adcode": str(r["adcode"]), "p_first": _pct(r["p_first"]),
                              "p_top3": _pct(r["p_top3"]), "mean_rank": _fmt(r.get("mean_rank"), 1)})
        if len(s) and len(ok):
            top = ok.iloc[0]
            hit = sensitivity[sensitivity["adcode"] == top["adcode"]]
            if len(hit):
                summary.append(t["s_sens"].format(draws=draws or "N", top=top[name_col],
                                                  p1=_pct(hit.iloc[0]["p_first"]), p3=_pct(hit.iloc[0]["p_top3"])))

    # ---- allocation
    alloc: dict[str, Any] | None = None
    if allocation is not None:
        flows = getattr(allocation, "flows", None)
        if not isinstance(flows, pd.DataFrame):
            msg = "`allocation` must be an AllocationResult with a `flows` DataFrame (origin, destination, amount, cost)"
            raise PlannerError(msg)
        rows = []
        for _, r in flows.iterrows():
            dest = r.get(name_col) if name_col in flows.columns and isinstance(r.get(name_col), str) else None
            rows.append({"origin": f"{_unit_name(r['origin'], lang)} ({r['origin']})",
                         "destination": f"{dest or _unit_name(r['destination'], lang)} ({r['destination']})",
                         "amount": _fmt(r.get("amount"), 2), "cost": _fmt(r.get("cost"), 3)})
        shortfall = getattr(allocation, "shortfall", None)
        if isinstance(shortfall, pd.DataFrame):
            sf_text = "; ".join(" ".join(_fmt(v) for v in rec) for rec in shortfall.itertuples(index=False))
        elif isinstance(shortfall, (pd.Series, Mapping)):
            sf_text = "; ".join(f"{k}: {_fmt(v, 2)}" for k, v in dict(shortfall).items())
        else:
            sf_text = _fmt(shortfall, 2)
        message = str(getattr(allocation, "message", "") or "")
        alloc = {"rows": rows, "shortfall": sf_text, "message": message}
        total = float(pd.to_numeric(flows.get("amount", pd.Series(dtype=float)), errors="coerce").sum())
        summary.append(t["s_alloc"].format(total=_fmt(total, 2), m=len(flows), msg=message or "–"))
    summary.append(t["s_basis"])

    # ---- ranking and explanations
    li = 0 if lang == "zh" else 1
    comp_labels = [COMPONENT_LABELS[c][li] for c in COMPONENTS]
    ranking = []
    for _, r in ok.iterrows():
        cl = _split_clauses(r["policy_clauses"])
        ranking.append({
            "rank": _fmt(r["rank"], 0), "name": _fmt(r[name_col]), "adcode": str(r["adcode"]),
            "region": t.get(str(r["region"]), str(r["region"])),
            "components": [_fmt(r[c]) for c in COMPONENTS], "score": _fmt(r["score"]),
            "clauses": ("、" if lang == "zh" else ", ").join(cl),
        })
    # units that are not ranked: one row per reason, listing the units (a constraint such as
    # §19 can exclude dozens; repeating the reason on every row would bury the ranking)
    excluded = []
    out_rows = table[~eligible]
    for why, grp in out_rows.groupby(out_rows["excluded_reason"].fillna("").astype(str), sort=False):
        units_text = ("、" if lang == "zh" else ", ").join(f"{n} ({c})" for n, c in zip(grp[name_col], grp["adcode"]))
        excluded.append({"reason": why or "–", "count": len(grp), "units": units_text})
    explain = [{"rank": _fmt(r["rank"], 0), "name": _fmt(r[name_col]), "score": _fmt(r["score"]),
                "reason": _fmt(r[reason_col])} for _, r in ok.head(top_n).iterrows()]

    # ---- appendix: clauses, weights, params, sources
    clause_set: set[str] = set()
    for v in table["policy_clauses"]:
        clause_set.update(_split_clauses(v))
    for text in list(fit.assumptions) + list(fit.sources) + list(ok.head(top_n)[reason_col].astype(str)):
        clause_set.update(_split_clauses(text))  # completeness adds its clauses below
    weights = [{"name": COMPONENT_LABELS.get(str(k), (str(k), str(k)))[li], "key": str(k), "value": _fmt(v)}
               for k, v in dict(fit.weights or {}).items()]
    params = [{"key": str(k), "value": _fmt(v)} for k, v in dict(fit.params or {}).items()]
    sources = [str(s) for s in fit.sources]

    # ---- maps
    images: dict[str, bytes] = {}
    map_errors: dict[str, str] = {}
    if maps:
        from outputs.maps import plot_layout_map, plot_score_map

        try:
            images["layout"] = plot_layout_map(layout_layers, lang=lang)
        except PlannerError as exc:
            map_errors["layout"] = str(exc)
        try:
            su = _score_units(table, str(fit.level), units)
            map_title = f"承接适宜性得分：{stage}" if lang == "zh" else f"Transfer-fit score: {stage}"
            images["score"] = plot_score_map(su, lang=lang, origin=str(fit.origin), title=map_title)
            bsrc = units["source"].iloc[0] if units is not None and "source" in units.columns else None
            if bsrc is None and units is None:
                from layers.boundaries import load_boundaries

                bsrc = str(load_boundaries("county")["source"].iloc[0])
            if bsrc and bsrc not in sources:
                sources.append(str(bsrc))
        except PlannerError as exc:
            map_errors["score"] = str(exc)
    if not any("粤工信消费函" in s for s in sources):
        sources.append(_POLICY)

    cmd = command if command is not None else _default_command(fit, lang=lang, sensitivity=sensitivity, allocation=allocation)
    user_inputs = sorted(k[: -len("_source")] for k, v in dict(fit.params or {}).items()
                         if str(k).endswith("_source") and str(v) == "user")
    command_note = t["command_note"].format(inputs=", ".join(user_inputs)) if user_inputs else ""
    comp_head = None
    if completeness is not None:
        if not isinstance(completeness, pd.DataFrame):
            msg = f"`completeness` must be a DataFrame from assess_chain_completeness, got {type(completeness).__name__}"
            raise PlannerError(msg)
        comp_head = (_completeness_matrix(completeness, lang)
                     if {"group", "stage", "status_before", "status_after"} <= set(completeness.columns)
                     else _table_rows(completeness))
        if "clause" in completeness.columns:
            for v in completeness["clause"].dropna().unique():
                clause_set.update(_split_clauses(v))
    clauses, clause_rows = _clause_table(clause_set, lang)

    title = t["title"]
    html = _env().get_template("report.html.j2").render(
        t=t, lang=lang, title=title, subtitle=t["subtitle"].format(stage=stage, origin=origin),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        summary=summary, images={k: _png_uri(v) for k, v in images.items()}, map_errors=map_errors,
        comp_labels=comp_labels, ranking=ranking, excluded=excluded, explain=explain,
        sensitivity=sens_rows if sensitivity is not None else None,
        sens_note=t["sensitivity_note"].format(draws=draws or "N"),
        completeness=comp_head, allocation=alloc,
        assumptions=[str(a) for a in fit.assumptions]
        + [str(a) for a in (getattr(sensitivity, "attrs", {}) or {}).get("assumptions", [])]
        + [str(a) for a in (getattr(completeness, "attrs", {}) or {}).get("assumptions", [])],
        weights=weights, params=params, sources=sources,
        clauses=clause_rows, policy=_POLICY, command=cmd, command_note=command_note,
    )
    if re.search(r"<\s*script", html, flags=re.I):  # belt and braces: autoescape makes this unreachable
        msg = "the rendered report contains a <script> element; refusing to produce it"
        raise PlannerError(msg)
    return Report(lang=lang, title=title, html=html, images=images, command=cmd, clauses=clauses)


# --------------------------------------------------------------------------- write
def _check_report(report: object) -> Report:
    if not isinstance(report, Report):
        msg = f"`report` must be a Report from build_report(...), got {type(report).__name__}"
        raise PlannerError(msg)
    return report


def _target(path: str | os.PathLike, suffix: str) -> Path:
    from outputs.export import sanitize_name

    p = Path(path)
    stem = p.name[: -len(suffix)] if p.name.lower().endswith(suffix) else p.name
    return p.parent / f"{sanitize_name(stem, default='report')}{suffix}"


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
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=report.html, url_fetcher=URLFetcher(allowed_protocols=["data"]), base_url=None).write_pdf()


def _write(report: Report, path: str | os.PathLike, fmt: str) -> Path:
    data = report_bytes(report, fmt)  # rendered before the target is touched
    target = _target(path, f".{fmt}")
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
