"""Guangdong textile & apparel layout planner — Streamlit UI only.

Everything shown comes from geo/, layers/ and analysis/; this file holds widgets, layout,
caching and downloads. Run with ``streamlit run app.py``.
"""
from __future__ import annotations

import html as _html
import io
import warnings
from dataclasses import replace

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from scenario.study import EXPORT_FORMATS, StudySettings, build_command, export_file_name
from analysis.weights import COMPONENT_LABELS, COMPONENTS, DEFAULT_WEIGHTS
from layers.registry import LAYERS, get_layer_spec, load_layer
from outputs.webmap import BASEMAPS, build_map, popup_fields

st.set_page_config(page_title="广东纺织服装产业布局规划 | GD textile layout planner", layout="wide")

T = {
    "title": ("广东纺织服装产业布局与转移适配规划工具", "Guangdong textile & apparel layout and transfer-fit planner"),
    "subtitle": (
        "依据《关于进一步推动纺织服装产业高质量发展的实施意见》（粤工信消费函〔2023〕2号）：一群两极三区",
        "Per the 2023 Guangdong textile & apparel policy (粤工信消费函〔2023〕2号): one cluster, two poles, three zones",
    ),
    "lang": ("语言 / Language", "语言 / Language"),
    "basemap": ("底图", "Basemap"),
    "layers": ("图层", "Layers"),
    "panel_layer": ("列出要素的图层", "List the features of"),
    "tab_map": ("布局地图", "Layout map"),
    "tab_fit": ("转移承接适配", "Transfer fit"),
    "features": ("要素列表", "Features"),
    "n_features": ("共 {n} 个要素", "{n} features"),
    "precision_note": (
        "点位精度见“定位精度”：site=园区实址，town=镇街，county=县级政府驻地（代替），city=市政府驻地（代替）。",
        "See 'Location precision': site = the park itself, town = town centre, county = county seat (stand-in), "
        "city = city government (stand-in).",
    ),
    # transfer fit
    "fit_intro": (
        "选择要转出的环节和转出地，设置权重，查看粤东、粤西、粤北各地的承接适宜性排名及其依据（§4 有序转移）。",
        "Choose the stage that has to move and where it leaves from, set the weights, and see how well each unit of "
        "East, West and North Guangdong fits, and why (§4 orderly transfer).",
    ),
    "level": ("分析单元", "Units"),
    "level_county": ("县级", "County"),
    "level_city": ("地级市", "City"),
    "stage": ("转出环节", "Stage"),
    "origin": ("转出地（珠三角）", "Origin (Pearl River Delta)"),
    "candidates": ("候选承接地", "Candidate destinations"),
    "cand_receiving": ("粤东粤西粤北", "East, West, North"),
    "cand_all": ("全省（除转出地）", "All but the origin"),
    "decay": ("距离衰减尺度（公里，假设）", "Distance-decay scale (km, assumption)"),
    "choose": ("选择…", "Choose…"),
    "exclude": ("排除的单位（如生态保护红线）", "Units to exclude (e.g. ecological red line)"),
    "weights": ("权重", "Weights"),
    "weights_mode": ("设定方式", "Set by"),
    "mode_sliders": ("滑块", "Sliders"),
    "mode_ahp": ("层次分析法（AHP）", "AHP pairwise matrix"),
    "weights_default_note": ("默认权重为可修改的假设：", "The default weights are an editable assumption: "),
    "weights_used": ("归一化后的权重", "Normalised weights used"),
    "ahp_help": (
        "第 i 行第 j 列：分项 i 比分项 j 重要几倍（1–9 标度，可填 1/3）；只需填写上三角，下三角自动取倒数。也可上传 CSV。",
        "Row i, column j: how many times more important component i is than j (Saaty 1–9, e.g. 1/3). Fill the upper "
        "triangle; the lower one is its reciprocal. Or upload a CSV.",
    ),
    "ahp_upload": ("上传两两比较矩阵 CSV", "Upload a pairwise matrix CSV"),
    "ahp_cr": ("一致性比率 CR = {cr:.3f}（λmax = {lam:.3f}）", "Consistency ratio CR = {cr:.3f} (λmax = {lam:.3f})"),
    "inputs": ("替换输入数据（可选）", "Replace input data (optional)"),
    "up_capability": ("产业能力 CSV（产值、就业或企业数，按单位和环节）", "Capability CSV (output, employment or firms by unit and stage)"),
    "up_od": ("起讫成本矩阵 CSV（时间或费用）", "Origin-destination cost matrix CSV (time or cost)"),
    "up_site": ("用地条件 CSV（adcode,site，0–1；未列单位取中性值 0.5）",
                "Site CSV (adcode,site in 0–1; units not listed keep the neutral 0.5)"),
    "up_chain": ("产业链权重 CSV（supplier,customer,weight,note；每个下游环节的权重之和为 1）",
                 "Chain weights CSV (supplier,customer,weight,note; each customer's shares sum to 1)"),
    "up_exclusion": ("排除区域（如生态保护红线；zip 打包的 Shapefile、GeoPackage、GeoJSON）",
                     "Exclusion areas (e.g. ecological red line; zipped Shapefile, GeoPackage, GeoJSON)"),
    "excl_share": ("单位面积落入排除区域达到此比例即排除（假设）", "Exclude a unit when this share of its area is inside (assumption)"),
    "inputs_default": (
        "默认：产业能力由政策条款推导（非统计数据）；成本为相邻单位网络上的公里距离；产业链权重为 data/model/chain_edges.csv 中的假设。",
        "Default: capability derived from the policy's clauses (not statistics); cost = km along adjacent units; chain "
        "weights = the assumptions in data/model/chain_edges.csv.",
    ),
    "ranked": ("承接地排名（各分项 0–1）", "Ranked destinations (components 0–1)"),
    "map_caption": (
        "颜色：综合得分（五级等距）；灰色：不符合约束或被排除；红框：转出地；橙线：产能分配流向。",
        "Colour: score (five equal classes); grey: not eligible or excluded; red outline: origin; orange lines: "
        "allocation flows.",
    ),
    "summary": ("{stage}从{origin}转出：{n}个候选单位中 {k} 个符合条件，最适合的是 {top}（得分 {score:.2f}）。",
                "{stage} leaving {origin}: {k} of {n} candidate units are eligible; the best fit is {top} "
                "(score {score:.2f})."),
    "none_eligible": ("没有符合条件的承接地：排名表的“排除原因”列出每个单位被排除的原因；可放宽排除条件或换一个环节。",
                      "No destination is eligible: the ranked table's 'Excluded because' says why for each unit; "
                      "relax the exclusions or choose another stage."),
    "dest": ("查看承接地", "Destination to explain"),
    "explain": ("为什么是这里", "Why here"),
    "components": ("分项得分", "Components"),
    "sens": ("敏感性（权重扰动）", "Sensitivity (perturbed weights)"),
    "sens_draws": ("扰动次数", "Draws"),
    "sens_seed": ("随机种子", "Seed"),
    "sens_note": (
        "在所选权重附近按 Dirichlet 分布抽样（集中度 50，假设），统计各地排名第一和进入前三的比例。",
        "Weights drawn from a Dirichlet around the chosen ones (concentration 50, an assumption); share of draws in "
        "which each destination ranks first and in the top three.",
    ),
    "comp": ("产业链完整度（§5 补链）", "Chain completeness (§5 chain completion)"),
    "comp_share": ("转移比例（转出地该环节能力的份额）", "Share of the origin's capacity moved"),
    "comp_by": ("分组", "Group by"),
    "by_zone": ("三区", "Zones"),
    "by_region": ("四大区域", "Regions"),
    "comp_note": (
        "有：已形成；弱：存在但不强；缺：没有（弱和缺为§5 补链目标）。“甲→乙”为把该环节转到“{dest}”后的变化。",
        "present: established; thin: present but weak; missing: absent (thin and missing are §5 targets). "
        "'a→b' is the change if the stage moves to {dest}.",
    ),
    "alloc": ("产能分配（最小成本流）", "Capacity allocation (min-cost flow)"),
    "alloc_origins": ("转出地与转出量", "Origins and amounts"),
    "alloc_room": ("承接地与可容纳量（单位代码或园区 id）", "Destinations and room (unit code or park id)"),
    "alloc_note": (
        "默认：转出 100 个单位，前五名承接地各可容纳 50——均为示例假设，请按实际修改。可用园区 id：{ids}",
        "Default: 100 units leave, each of the top five destinations has room for 50 — example assumptions, edit them. "
        "Park ids you can use: {ids}",
    ),
    "alloc_ok": ("已全部安排：{total:g} 个单位，{m} 条流向。", "All placed: {total:g} units in {m} flows."),
    "alloc_short": ("容量不足：还有 {short:g} 个单位无处安排。请增加承接地或容量。",
                    "Not enough room: {short:g} units found no place. Add destinations or room."),
    "alloc_empty": ("填写至少一个转出地（数量 > 0）和一个承接地。", "Give at least one origin (amount > 0) and one destination."),
    "basis": ("依据：假设、参数与数据来源", "Basis: assumptions, parameters and sources"),
    "assumptions": ("假设（可修改）", "Assumptions (editable)"),
    "sources": ("数据来源（含版本）与条款", "Sources (with version) and clauses"),
    "command": ("复现命令", "Command that reproduces this"),
    # report & export
    # column headers
    "c_rank": ("排名", "Rank"), "c_name": ("名称", "Name"), "c_adcode": ("代码", "Code"), "c_region": ("区域", "Region"),
    "c_policy_clauses": ("条款", "Clauses"), "c_excluded_reason": ("排除原因", "Excluded because"),
    "c_name_zh": ("名称", "Name"), "c_name_en": ("英文名", "Name"),
    "c_p_first": ("排名第一比例", "Ranks first"), "c_p_top3": ("进入前三比例", "In top three"),
    "c_mean_rank": ("平均排名", "Mean rank"), "c_origin": ("转出地", "Origin"), "c_destination": ("承接地", "Destination"),
    "c_amount": ("转移量", "Amount"), "c_cost": ("单位成本（1000×(1−得分)）", "Unit cost (1000×(1−score))"),
    "c_score": ("得分", "Score"), "c_room": ("可容纳量", "Room"), "c_group": ("分组", "Group"),
    "report": ("报告：承接适宜性", "Report: relocation suitability"),
    "report_intro": (
        "报告内容与“转移承接适配”页当前的选择一致：{stage}，转出地 {origin}。",
        "The report follows the current choices of the Transfer fit tab: {stage} leaving {origin}.",
    ),
    "report_alloc": ("包含产能分配", "Include the allocation"),
    "report_sens": ("包含敏感性分析", "Include the sensitivity analysis"),
    "dl_html": ("下载报告 HTML", "Download report (HTML)"),
    "dl_pdf": ("下载报告 PDF", "Download report (PDF)"),
    "no_font": ("无法生成 PDF：{err}", "Cannot make the PDF: {err}"),
    "export": ("GIS 导出", "GIS export"),
    "export_crs": ("坐标系", "CRS"),
    "export_layers": ("导出的图层", "Layers to export"),
    "export_fit": ("包含得分（面、表、栅格）与分配流向", "Include the scores (polygons, table, raster) and flows"),
    "export_res": ("得分栅格分辨率（米）", "Score raster cell size (m)"),
    "dl_export": ("下载 {what}", "Download {what}"),
    "fmt_all": ("全部（zip）", "Everything (zip)"),
    "fmt_gpkg": ("GeoPackage", "GeoPackage"),
    "fmt_shp": ("Shapefile（zip）", "Shapefile (zip)"),
    "fmt_geojson": ("GeoJSON（zip）", "GeoJSON (zip)"),
    "fmt_csv": ("CSV（zip）", "CSV (zip)"),
    "fmt_tif": ("GeoTIFF 得分栅格", "GeoTIFF score raster"),
    "export_note": (
        "文件先写入临时文件再改名；Shapefile 带 .prj 和 UTF-8 .cpg，字段名对照表见 zip 内。",
        "Files are written to a temporary name and renamed; Shapefiles carry a .prj and a UTF-8 .cpg, with a field-name "
        "map in the zip.",
    ),
}

#: Policy layers drawn under the score: the three zones (§3), the named parks (§4) and dyeing parks (§19).
FIT_MAP_CONTEXT = ("zones", "parks", "dyeing_parks")
LEVEL_DEFAULT_ORIGIN = {"county": "440118", "city": "440100"}  # Zengcheng (Xintang denim) / Guangzhou


def t(key: str, **kw: object) -> str:
    """UI text in the chosen language."""
    s = T[key][0 if st.session_state.get("lang", "zh") == "zh" else 1]
    return s.format(**kw) if kw else s


# ----------------------------------------------------------------------------- cached loaders

@st.cache_data(show_spinner=False)
def cached_layer(layer_id: str):
    return load_layer(layer_id)


@st.cache_data(show_spinner=False)
def cached_units(level: str) -> pd.DataFrame:
    from layers.boundaries import load_boundaries

    return pd.DataFrame(load_boundaries(level).drop(columns="geometry"))


#: Uploaded files as scenario.study reads them: ((CLI option, file name, bytes), ...) — hashable for the caches.
Uploads = tuple[tuple[str, str, bytes], ...]


@st.cache_data(show_spinner=False, max_entries=8)
def cached_inputs(level: str, uploads: Uploads):
    from scenario.study import load_study_inputs

    return load_study_inputs(uploads, level=level)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_exclusion_areas(uploads: Uploads):
    from scenario.study import read_exclusion_areas

    return read_exclusion_areas(uploads)


@st.cache_data(show_spinner=False, max_entries=16)
def _exclusion(s: StudySettings, uploads: Uploads) -> tuple[list[str], list[str]]:
    """Adcodes to exclude (chosen + inside uploaded exclusion areas) and the assumptions they rest on."""
    from analysis.exclusion import combine_exclusions

    return combine_exclusions(s.exclude, cached_exclusion_areas(uploads), level=s.level, min_share=s.exclude_share)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_fit(s: StudySettings, uploads: Uploads):
    from analysis.fit import score_transfer_fit

    inputs = cached_inputs(s.level, uploads)
    exclude, notes = _exclusion(s, uploads)
    return score_transfer_fit(s.stage, s.origin, level=s.level, weights=s.weights_dict, decay_km=s.decay_km,
                              candidates=s.candidates, exclude=exclude, inputs=inputs, notes=[*s.notes, *notes])


@st.cache_data(show_spinner=False, max_entries=16)
def cached_sensitivity(s: StudySettings, uploads: Uploads):
    from analysis.sensitivity import run_sensitivity

    return run_sensitivity(cached_fit(s, uploads), n=s.draws, seed=s.seed)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_completeness(s: StudySettings, uploads: Uploads):
    from scenario.study import assess_transfer_completeness

    fit = cached_fit(s, uploads)
    inputs = cached_inputs(s.level, uploads)
    return assess_transfer_completeness(fit, capability=inputs.capability, destination=s.transfer_to,
                                        share=s.transfer_share)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_allocation(s: StudySettings, uploads: Uploads):
    from scenario.study import allocate_for_fit

    return allocate_for_fit(cached_fit(s, uploads), dict(s.allocate), dict(s.room),
                            inputs=cached_inputs(s.level, uploads))


@st.cache_data(show_spinner=False, max_entries=4)
def cached_report(s: StudySettings, uploads: Uploads, with_sens: bool, with_alloc: bool, fmt: str) -> bytes:
    from outputs.report import report_bytes
    from scenario.study import build_study_report

    report = build_study_report(
        s, cached_fit(s, uploads),
        sensitivity=cached_sensitivity(s, uploads) if with_sens and s.draws else None,
        completeness=cached_completeness(s, uploads),
        allocation=cached_allocation(s, uploads) if with_alloc and s.allocate and s.room else None,
    )
    return report_bytes(report, fmt)


@st.cache_data(show_spinner=False, max_entries=6)
def cached_export(s: StudySettings | None, uploads: Uploads, layer_ids: tuple[str, ...], resolution_m: float,
                  fmt: str, crs: str) -> tuple[bytes, str]:
    from scenario.study import collect_export, export_bytes

    fit = cached_fit(s, uploads) if s is not None else None
    alloc = cached_allocation(s, uploads) if (s is not None and s.allocate and s.room) else None
    bundle = collect_export(fit, layer_ids=list(layer_ids), allocation=alloc, resolution_m=resolution_m)
    return export_bytes(bundle, fmt, crs=crs)


def cached_map(layer_ids: tuple[str, ...], lang: str, basemap: str, overlays: tuple = ()):
    # Built per run: a folium Map shared across sessions renders empty on a second page load.
    # The slow part (loading and simplifying layers) is cached inside outputs.webmap.
    return build_map(list(layer_ids), lang=lang, basemap=basemap, overlays=list(overlays))


# ----------------------------------------------------------------------------- sidebar & layout map

def sidebar() -> tuple[str, str, list[str]]:
    st.sidebar.radio(t("lang"), ["zh", "en"], format_func=lambda x: "中文" if x == "zh" else "English",
                     key="lang", horizontal=True)
    lang = st.session_state["lang"]
    i = 0 if lang == "zh" else 1
    basemap = st.sidebar.radio(t("basemap"), list(BASEMAPS), format_func=lambda b: BASEMAPS[b][i], key="basemap")
    chosen = st.sidebar.multiselect(
        t("layers"), [s.id for s in LAYERS], default=[s.id for s in LAYERS],
        format_func=lambda x: get_layer_spec(x).title(lang), key="layers", placeholder=t("choose"),
    )
    return lang, basemap, chosen


def map_view(lang: str, basemap: str, chosen: list[str]) -> None:
    col_map, col_panel = st.columns([3, 2])
    with col_map:
        try:
            m = cached_map(tuple(chosen), lang, basemap)
        except ValueError as exc:
            st.error(str(exc))
            return
        st_folium(m, key="layout_map", height=640, use_container_width=True, returned_objects=[])
        st.caption(t("precision_note"))
    with col_panel:
        if not chosen:
            return
        layer_id = st.selectbox(t("panel_layer"), chosen, format_func=lambda x: get_layer_spec(x).title(lang),
                                key="panel_layer")
        try:
            gdf = cached_layer(layer_id)
        except ValueError as exc:
            st.error(str(exc))
            return
        table = popup_fields(get_layer_spec(layer_id), gdf, lang=lang)
        st.subheader(t("features"))
        st.caption(t("n_features", n=len(table)))
        # popup_fields escapes for HTML; the table widget shows plain text, so unescape for display
        st.dataframe(table.map(_html.unescape), hide_index=True, width="stretch", height=560)


# ----------------------------------------------------------------------------- transfer fit

def _upload(option: str, key: str, types: tuple[str, ...] = ("csv",)) -> tuple[str, str, bytes] | None:
    f = st.file_uploader(t(key), type=list(types), key=key)
    return (option, f.name, f.getvalue()) if f is not None else None


def _unit_label(units: pd.DataFrame, lang: str):
    names = units.set_index("adcode")["name_zh" if lang == "zh" else "name_en"].to_dict()
    return lambda code: f"{names.get(code, code)} ({code})"


def _weights_ui(lang: str) -> tuple[tuple[tuple[str, float], ...] | None, str | None, list[str]]:
    """Weights from sliders or AHP: (weights, ahp file name, notes). Raises ValueError on bad input."""
    from analysis.weights import DEFAULT_WEIGHTS_NOTE, ahp_weights, complete_reciprocal, normalise_weights, read_ahp_csv

    label = {c: COMPONENT_LABELS[c][0 if lang == "zh" else 1] for c in COMPONENTS}
    mode = st.radio(t("weights_mode"), ["sliders", "ahp"], key="weights_mode", horizontal=True,
                    format_func=lambda m: t(f"mode_{m}"))
    notes: list[str] = []
    if mode == "sliders":
        st.caption(t("weights_default_note") + DEFAULT_WEIGHTS_NOTE)
        raw = {c: st.slider(label[c], 0.0, 1.0, float(DEFAULT_WEIGHTS[c]), 0.05, key=f"w_{c}") for c in COMPONENTS}
        w = normalise_weights(raw)
        ahp_file = None
        if all(abs(raw[c] - DEFAULT_WEIGHTS[c]) < 1e-9 for c in COMPONENTS):
            # untouched sliders: the defaults, so the fit states them as the assumption they are
            st.caption(t("weights_used") + ": " + ", ".join(f"{label[c]} {w[c]:.2f}" for c in COMPONENTS))
            return None, None, notes
    else:
        st.caption(t("ahp_help"))
        up = st.file_uploader(t("ahp_upload"), type=["csv"], key="up_ahp")
        if up is not None:
            matrix = read_ahp_csv(io.BytesIO(up.getvalue()))  # UTF-8 or GBK, decoded by geo.io
            ahp_file = up.name
        else:
            base = pd.DataFrame("1", index=list(COMPONENTS), columns=list(COMPONENTS))
            edited = st.data_editor(base, key="ahp_editor", width="stretch")
            matrix = complete_reciprocal(edited)
            ahp_file = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = ahp_weights(matrix)
        st.caption(t("ahp_cr", cr=res.cr, lam=res.lambda_max))
        for wm in caught:
            st.warning(str(wm.message))
        w = normalise_weights(res.weights)
        notes.append(res.describe(ahp_file or "the pairwise matrix typed in the app"))
    st.caption(t("weights_used") + ": " + ", ".join(f"{label[c]} {w[c]:.2f}" for c in COMPONENTS))
    return tuple((c, float(w[c])) for c in COMPONENTS), ahp_file, notes


def fit_controls(lang: str) -> tuple[StudySettings, Uploads, list[str]]:
    """Widgets of the fit; returns the settings, the uploaded files and notes. Raises ValueError on bad input."""
    from layers.places import STAGES

    from analysis.explain import stage_label

    c1, c2, c3 = st.columns(3)
    with c1:
        level = st.radio(t("level"), ["county", "city"], key="fit_level", horizontal=True,
                         format_func=lambda x: t(f"level_{x}"))
        stage = st.selectbox(t("stage"), list(STAGES), index=list(STAGES).index("dyeing"), key="fit_stage",
                             format_func=lambda s: f"{stage_label(s, lang=lang)} ({s})")
    units = cached_units(level)
    label = _unit_label(units, lang)
    prd = units.loc[units["region"] == "PRD", "adcode"].tolist()
    with c2:
        origin = st.selectbox(t("origin"), prd, index=prd.index(LEVEL_DEFAULT_ORIGIN[level]),
                              key=f"fit_origin_{level}", format_func=label)
        candidates = st.radio(t("candidates"), ["receiving", "all"], key="fit_candidates", horizontal=True,
                              format_func=lambda c: t(f"cand_{c}"))
    with c3:
        decay = st.number_input(t("decay"), min_value=5.0, max_value=500.0, value=60.0, step=5.0, key="fit_decay")
        exclude = st.multiselect(t("exclude"), units["adcode"].tolist(), key=f"fit_exclude_{level}", format_func=label,
                                 placeholder=t("choose"))
    with st.expander(t("weights"), expanded=False):
        weights, ahp_file, notes = _weights_ui(lang)
    with st.expander(t("inputs"), expanded=False):
        st.caption(t("inputs_default"))
        up = tuple(u for u in (_upload("--capability", "up_capability"), _upload("--od", "up_od"),
                               _upload("--site", "up_site"), _upload("--chain", "up_chain"),
                               _upload("--exclude-areas", "up_exclusion", ("zip", "gpkg", "geojson", "json", "fgb", "kml")))
                   if u is not None)
        share = st.slider(t("excl_share"), 0.05, 1.0, 0.5, 0.05, key="excl_share")
    files = ([("--ahp", ahp_file)] if ahp_file else []) + [(opt, name) for opt, name, _data in up]
    settings = StudySettings(stage=stage, origin=origin, level=level, weights=weights, decay_km=float(decay),
                             candidates=candidates, exclude=tuple(exclude), lang=lang, files=tuple(files),
                             exclude_share=float(share), notes=tuple(notes))
    return settings, up, notes


def _ranked_table(fit, lang: str) -> pd.DataFrame:
    from layers.boundaries import REGION_NAMES

    name = "name_zh" if lang == "zh" else "name_en"
    cols = ["rank", name, "adcode", "region", "score", *COMPONENTS, "policy_clauses", "excluded_reason"]
    out = fit.table[cols].rename(columns={name: "name"})
    # the explanation sentence says why in the chosen language (excluded_reason is English only)
    reason = fit.table["reason_zh" if lang == "zh" else "reason_en"]
    out["excluded_reason"] = reason.where(~fit.table["eligible"].astype(bool), "")
    out["region"] = out["region"].map({k: v[0 if lang == "zh" else 1] for k, v in REGION_NAMES.items()})
    return out


def _headers(*cols: str, **configs: object) -> dict[str, object]:
    """Column configs with the headers in the chosen language (``c_<column>`` texts) plus ``configs``."""
    out: dict[str, object] = {c: st.column_config.Column(t(f"c_{c}")) for c in cols}
    out.update(configs)
    return out


def _component_columns(lang: str) -> dict[str, object]:
    i = 0 if lang == "zh" else 1
    cfg: dict[str, object] = {c: st.column_config.ProgressColumn(COMPONENT_LABELS[c][i], min_value=0.0, max_value=1.0,
                                                                format="%.2f") for c in COMPONENTS}
    cfg["score"] = st.column_config.ProgressColumn(COMPONENT_LABELS["score"][i], min_value=0.0, max_value=1.0,
                                                   format="%.3f")
    return cfg


@st.fragment
def fit_view(lang: str, basemap: str) -> None:
    """The transfer-fit tab, its report and its export.

    A fragment: changing a weight or an option reruns only this tab (the layout map is not
    rebuilt), and the report and export buttons below always follow the current choices.
    """
    from outputs.fitmap import exclusion_overlay, flow_overlay, origin_overlay, score_overlay

    from analysis.explain import stage_label

    st.caption(t("fit_intro"))
    try:
        settings, up, notes = fit_controls(lang)
        fit = cached_fit(settings, up)
    except ValueError as exc:
        st.error(str(exc))
        return
    units = cached_units(settings.level)
    label = _unit_label(units, lang)
    table = fit.table
    eligible = table[table["eligible"].astype(bool)]
    if len(eligible):
        top = eligible.iloc[0]
        st.info(t("summary", stage=stage_label(fit.stage, lang=lang), origin=label(fit.origin), n=len(table),
                  k=len(eligible), top=label(top["adcode"]), score=float(top["score"])))
    else:
        st.warning(t("none_eligible"))

    map_slot = st.container()
    st.subheader(t("ranked"))
    st.dataframe(_ranked_table(fit, lang), hide_index=True, width="stretch", height=320,
                 column_config=_headers("rank", "name", "adcode", "region", "policy_clauses", "excluded_reason",
                                        **_component_columns(lang)))

    # explanation of one destination
    dest = None
    if len(eligible):
        st.subheader(t("explain"))
        dest = st.selectbox(t("dest"), eligible["adcode"].tolist(), key=f"fit_dest_{settings.level}",
                            format_func=label)
        row = table.loc[table["adcode"] == dest].iloc[0]
        c1, c2 = st.columns([3, 2])
        with c1:
            st.markdown(str(row["reason_zh"] if lang == "zh" else row["reason_en"]))
        with c2:
            i = 0 if lang == "zh" else 1
            comp = pd.DataFrame({"value": [float(row[c]) for c in COMPONENTS]},
                                index=[COMPONENT_LABELS[c][i] for c in COMPONENTS])
            st.bar_chart(comp, horizontal=True, height=220)

    # sensitivity
    st.subheader(t("sens"))
    s1, s2 = st.columns(2)
    draws = int(s1.number_input(t("sens_draws"), min_value=0, max_value=50_000, value=2000, step=500, key="sens_draws"))
    seed = int(s2.number_input(t("sens_seed"), min_value=0, max_value=2**31 - 1, value=0, step=1, key="sens_seed"))
    settings = replace(settings, draws=draws, seed=seed)
    st.caption(t("sens_note"))
    if draws and len(eligible):
        try:
            sens = cached_sensitivity(settings, up)
        except ValueError as exc:
            st.error(str(exc))
        else:
            name = "name_zh" if lang == "zh" else "name_en"
            show = sens[[name, "adcode", "p_first", "p_top3", "mean_rank"]].head(10)
            st.dataframe(show, hide_index=True, width="stretch", column_config=_headers(
                name, "adcode",
                p_first=st.column_config.ProgressColumn(t("c_p_first"), min_value=0.0, max_value=1.0, format="%.2f"),
                p_top3=st.column_config.ProgressColumn(t("c_p_top3"), min_value=0.0, max_value=1.0, format="%.2f"),
                mean_rank=st.column_config.NumberColumn(t("c_mean_rank"), format="%.1f"),
            ))

    # chain completeness
    st.subheader(t("comp"))
    k1, k2 = st.columns(2)
    share = k1.slider(t("comp_share"), 0.0, 1.0, 1.0, 0.1, key="comp_share")
    by = k2.radio(t("comp_by"), ["zone", "region"], key="comp_by", horizontal=True, format_func=lambda b: t(f"by_{b}"))
    try:
        from analysis.completeness import pivot_completeness

        settings = replace(settings, transfer_to=dest, transfer_share=float(share))
        comp_df = cached_completeness(settings, up)
        st.caption(t("comp_note", dest=label(dest) if dest else "—"))
        st.dataframe(pivot_completeness(comp_df, lang=lang, by=by), hide_index=True, width="stretch",
                     column_config=_headers("group"))
    except ValueError as exc:
        st.error(str(exc))

    # allocation
    alloc = None
    st.subheader(t("alloc"))
    settings, alloc = _allocation_ui(settings, up, eligible, lang)

    overlays = [score_overlay(fit, lang=lang), origin_overlay(fit, lang=lang)]
    overlays += [exclusion_overlay(areas, lang=lang) for areas in cached_exclusion_areas(up).values()]
    if alloc is not None:
        fo = flow_overlay(alloc, lang=lang)
        if fo is not None:
            overlays.append(fo)
    with map_slot:
        m = cached_map(FIT_MAP_CONTEXT, lang, basemap, tuple(overlays))
        st_folium(m, key="fit_map", height=560, use_container_width=True, returned_objects=[])
        st.caption(t("map_caption"))

    with st.expander(t("basis")):
        st.markdown(f"**{t('assumptions')}**")
        st.markdown("\n".join(f"- {a}" for a in fit.assumptions))
        st.markdown(f"**{t('sources')}**")
        st.markdown("\n".join(f"- {s}" for s in fit.sources))
        st.markdown(f"**{t('command')}**")
        st.code(build_command(settings, kind="report", html="report.html", pdf="report.pdf"), language="bash")
    st.divider()
    output_section(lang, (settings, up))


def _allocation_ui(settings: StudySettings, up: Uploads, eligible: pd.DataFrame, lang: str):
    from layers.places import places_for_stage

    key = f"{settings.level}_{settings.stage}_{settings.origin}"
    try:
        park_ids = places_for_stage(settings.stage)["id"].tolist()
    except ValueError:
        park_ids = []
    st.caption(t("alloc_note", ids=", ".join(park_ids) or "—"))
    a1, a2 = st.columns(2)
    with a1:
        origins = st.data_editor(
            pd.DataFrame({"origin": pd.Series([settings.origin], dtype="string"), "amount": [100.0]}),
            key=f"alloc_origins_{key}",
            num_rows="dynamic", width="stretch", hide_index=True,
            column_config={"origin": st.column_config.TextColumn(t("c_origin")),
                           "amount": st.column_config.NumberColumn(t("c_amount"), min_value=0.0)},
        )
    with a2:
        room = st.data_editor(
            pd.DataFrame({"destination": pd.Series(eligible["adcode"].head(5).tolist(), dtype="string"),
                          "room": pd.Series([50.0] * min(len(eligible), 5), dtype=float)}),
            key=f"alloc_room_{key}", num_rows="dynamic", width="stretch", hide_index=True,
            column_config={"destination": st.column_config.TextColumn(t("c_destination")),
                           "room": st.column_config.NumberColumn(t("c_room"), min_value=0.0)},
        )
    supply = _pairs(origins, "origin", "amount")
    rooms = _pairs(room, "destination", "room")
    if not supply or not rooms or sum(v for _, v in supply) <= 0:
        st.info(t("alloc_empty"))
        return settings, None
    settings = replace(settings, allocate=supply, room=rooms)
    try:
        alloc = cached_allocation(settings, up)
    except ValueError as exc:
        st.error(str(exc))
        return replace(settings, allocate=(), room=()), None
    if alloc.shortfall > 0:
        st.warning(t("alloc_short", short=alloc.shortfall) + f" ({alloc.message})")
    else:
        st.success(t("alloc_ok", total=float(alloc.flows["amount"].sum()), m=len(alloc.flows)))
    st.dataframe(alloc.flows, hide_index=True, width="stretch",
                 column_config=_headers("origin", "destination", "amount", "cost", "score", "name_zh", "name_en"))
    return settings, alloc


def _pairs(df: pd.DataFrame, code: str, value: str) -> tuple[tuple[str, float], ...]:
    """Rows of an editor table with a code and a number (blank rows dropped)."""
    d = df[[code, value]].dropna()
    d = d[d[code].astype(str).str.strip() != ""]
    return tuple(zip(d[code].astype(str).str.strip(), d[value].astype(float)))


# ----------------------------------------------------------------------------- report & export

def output_section(lang: str, study: tuple[StudySettings, Uploads]) -> None:
    """Report and export downloads of the current study (inside the fit fragment)."""
    from outputs.export import EXPORT_CRS
    from analysis.explain import stage_label

    st.subheader(t("report"))
    s, up = study
    units = cached_units(s.level)
    st.caption(t("report_intro", stage=stage_label(s.stage, lang=lang), origin=_unit_label(units, lang)(s.origin)))
    c1, c2 = st.columns(2)
    with_sens = c1.checkbox(t("report_sens"), value=True, key="report_sens")
    with_alloc = c2.checkbox(t("report_alloc"), value=True, key="report_alloc")
    stem = f"report_{s.stage}_{s.origin}_{s.lang}"
    b1, b2 = st.columns(2)
    b1.download_button(t("dl_html"), data=lambda: cached_report(s, up, with_sens, with_alloc, "html"),
                       file_name=f"{stem}.html", mime="text/html", key="dl_report_html", on_click="ignore")
    font_error = _font_problem()
    if font_error:
        st.error(t("no_font", err=font_error))
    b2.download_button(t("dl_pdf"), data=lambda: cached_report(s, up, with_sens, with_alloc, "pdf"),
                       file_name=f"{stem}.pdf", mime="application/pdf", key="dl_report_pdf", on_click="ignore",
                       disabled=bool(font_error))

    st.subheader(t("export"))
    st.caption(t("export_note"))
    e1, e2, e3 = st.columns(3)
    crs = e1.selectbox(t("export_crs"), list(EXPORT_CRS), key="export_crs")
    res = e2.number_input(t("export_res"), min_value=250.0, max_value=10_000.0, value=1000.0, step=250.0,
                          key="export_res")
    with_fit = e3.checkbox(t("export_fit"), value=True, key="export_fit")
    layer_ids = st.multiselect(t("export_layers"), [x.id for x in LAYERS], default=[x.id for x in LAYERS],
                               format_func=lambda x: get_layer_spec(x).title(lang), key="export_layers",
                               placeholder=t("choose"))
    if not with_fit:
        s, up = None, ()
    cols = st.columns(len(EXPORT_FORMATS))
    for col, fmt in zip(cols, EXPORT_FORMATS):
        blocked = (fmt == "tif" and s is None) or (fmt != "tif" and not layer_ids and s is None)
        col.download_button(
            t("dl_export", what=t(f"fmt_{fmt}")),
            data=lambda fmt=fmt: cached_export(s, up, tuple(layer_ids), float(res), fmt, crs)[0],
            file_name=export_file_name(fmt, crs=crs), key=f"dl_export_{fmt}", on_click="ignore", disabled=blocked,
            help=EXPORT_FORMATS[fmt][1],
        )


@st.cache_data(show_spinner=False)
def _font_problem() -> str:
    try:
        from outputs.maps import find_cjk_font

        find_cjk_font()
    except (ValueError, ImportError) as exc:
        return str(exc)
    return ""


def main() -> None:
    if "lang" not in st.session_state:
        st.session_state["lang"] = "zh"
    lang, basemap, chosen = sidebar()
    st.title(t("title"))
    st.caption(t("subtitle"))
    tab_map, tab_fit = st.tabs([t("tab_map"), t("tab_fit")])
    with tab_map:
        map_view(lang, basemap, chosen)
    with tab_fit:
        fit_view(lang, basemap)


main()
