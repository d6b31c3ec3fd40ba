"""Plain-language reasons for a fit ranking, in Chinese and English.

For each destination the two or three components with the largest contribution
``weight * component`` are named with their numbers and the clauses behind them, e.g.
"揭阳市普宁市排名第1（印染（含洗水），得分0.62）：§19 印染园区集中治污：普宁纺织印染环保综合处理中心；…" /
"Puning (Jieyang) ranks 1st for dyeing & finishing (incl. washing) (score 0.62): designated
dyeing park with central treatment: … (§19); …". Excluded units get a sentence stating why.
Stage names come from the stage catalogue through :func:`layers.stages.stage_label`.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.assumptions import COMPONENTS
from layers.boundaries import load_boundaries
from layers.stages import stage_label

# stage_label is defined in layers.stages (names come from the stage catalogue) and
# re-exported here, where the app and older callers import it from.
__all__ = ["stage_label", "ordinal_en", "explain_fit"]

log = logging.getLogger(__name__)

_KIND_EN = {
    "dyeing_park": "designated dyeing park with central treatment",
    "park": "designated park",
    "procurement_base": "designated procurement base",
    "cluster": "named cluster",
    "unnamed_cluster": "cluster not named in the notice",
    "city_title": "city title",
    "heritage": "intangible-heritage craft",
    "fair": "fair",
}
_KIND_ZH = {
    "dyeing_park": "印染园区集中治污",
    "park": "规划园区",
    "procurement_base": "采购基地",
    "cluster": "特色产业集群",
    "unnamed_cluster": "产业集群（通知未点名）",
    "city_title": "区域品牌名城",
    "heritage": "非遗技艺",
    "fair": "展会",
}


def _in_sentence(label: str) -> str:
    """An English stage name as it reads inside a sentence: 'Dyeing & finishing' -> 'dyeing & finishing'.

    Only a capital followed by a lower-case letter is lowered, so an acronym stays as it is.
    """
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def ordinal_en(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'.

    Examples
    --------
    >>> [ordinal_en(i) for i in (1, 2, 3, 4, 11, 12, 13, 21, 102)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd']
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }".replace(" ", "")


@lru_cache(maxsize=1)
def _city_names() -> dict[str, tuple[str, str]]:
    try:
        c = load_boundaries("city")
    except (ValueError, OSError):  # names are decoration; a missing layer must not stop the fit
        return {}
    return {r.adcode: (r.name_zh, r.name_en) for r in c.itertuples(index=False)}


def _km(x: float) -> str:
    return "—" if not np.isfinite(x) else f"{x:.0f}"


def _nearest(km: float) -> tuple[str, str]:
    if not np.isfinite(km):
        return "省内暂无", "none in the province yet"
    if km < 0.5:
        return "本地即有", "present in the unit itself"
    return f"最近{km:.0f}公里", f"nearest {km:.0f} km"


def _hours(h: object) -> tuple[str, str]:
    x = float(h)  # type: ignore[arg-type]
    if not np.isfinite(x):
        return "不可达", "not reachable by road"
    return f"公路约{x:.1f}小时", f"about {x:.1f} h by road"


def _partner_phrase(value: float, d: Mapping[str, object]) -> tuple[str, str]:
    kind = str(d.get("partner_kind", ""))
    parts = str(d.get("partner_name", "")).split("|")
    if kind in ("own_park", "other_park") and len(parts) >= 2:
        firms = parts[2] if len(parts) > 2 else ""
        zh = f"§4 产业转移园区：{parts[0]}" + (f"（已入驻约{firms}家企业）" if firms else "")
        en = f"transfer park {parts[1]}" + (f", about {firms} firms settled" if firms else "") + " (§4)"
        if kind == "own_park":
            zh += "，与迁出地城市对口共建"
            en += ", co-built with the origin's city"
        return zh + f"（对口{value:.2f}）", en + f" (partner {value:.2f})"
    if kind in ("current", "earlier") and len(parts) >= 2:
        when_zh, when_en = ("2023年新一轮", "2023 round") if kind == "current" else ("此前轮次", "an earlier round")
        return (f"§4 对口帮扶协作（{when_zh}）：{parts[0]}（对口{value:.2f}）",
                f"partner cities for industrial co-building ({when_en}): {parts[1]} (§4, partner {value:.2f})")
    return f"对口共建{value:.2f}", f"partner {value:.2f}"


def _phrase(comp: str, value: float, d: Mapping[str, object], half_life_h: float) -> tuple[str, str]:
    if comp == "upstream":
        sup = str(d["supplier"])
        if sup:
            near_zh, near_en = _nearest(d["supplier_km"])
            return (
                f"上游{stage_label(sup, lang='zh')}供应可达（可达度{value:.2f}，{near_zh}）",
                f"{_in_sentence(stage_label(sup))} suppliers within reach (access {value:.2f}, {near_en})",
            )
        return f"上游供应可达度{value:.2f}", f"upstream access {value:.2f}"
    if comp == "downstream":
        cus = str(d["customer"])
        if cus:
            near_zh, near_en = _nearest(d["customer_km"])
            return (
                f"下游{stage_label(cus, lang='zh')}客户可达（可达度{value:.2f}，{near_zh}）",
                f"{_in_sentence(stage_label(cus))} buyers within reach (access {value:.2f}, {near_en})",
            )
        return f"下游需求可达度{value:.2f}", f"downstream access {value:.2f}"
    if comp == "relatedness":
        return (
            f"本地已有相关环节（关联密度{value:.2f}）",
            f"related stages already present (relatedness density {value:.2f})",
        )
    if comp == "origin_tie":
        h_zh, h_en = _hours(d.get("origin_hours", np.inf))
        return (
            f"距迁出地{_km(d['origin_km'])}公里、{h_zh}，便于保持与珠三角高端环节的联系（§4，联系度{value:.2f}）",
            f"{_km(d['origin_km'])} km from the origin, {h_en}, keeping the links to the PRD's high-end segments (§4, tie {value:.2f})",
        )
    if comp == "partner":
        return _partner_phrase(value, d)
    if comp == "policy":
        kind = str(d["policy_kind"])
        clause = str(d["policy_clause"])
        return (
            f"{clause} {_KIND_ZH.get(kind, '政策指定')}：{d['policy_name_zh']}（政策契合{value:.2f}）",
            f"{_KIND_EN.get(kind, 'policy designation')}: {d['policy_name_en']} ({clause}, alignment {value:.2f})",
        )
    return f"场地条件{value:.2f}", f"site {value:.2f}"


def _place(row: Mapping[str, object], cities: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    city = cities.get(str(row["city_adcode"]))
    if city is None or str(row["city_adcode"]) == str(row["adcode"]):
        return str(row["name_zh"]), str(row["name_en"])
    return f"{city[0]}{row['name_zh']}", f"{row['name_en']} ({city[1]})"


def explain_fit(
    table: pd.DataFrame,
    details: pd.DataFrame,
    *,
    stage: str | Sequence[str],
    weights: Mapping[str, float],
    half_life_h: float = 2.0,
    top: int = 3,
) -> tuple[list[str], list[str]]:
    """One Chinese and one English sentence per row of a fit table.

    Parameters
    ----------
    table : DataFrame
        Rows of :attr:`analysis.fit.FitResult.table` (components, eligible, score, rank, ...).
    details : DataFrame
        The matching rows of :attr:`analysis.fit.FitResult.details`.
    stage : str or sequence of str
        The stage, or one stage per row (a long table of several stages).
    weights : mapping
        The weights used, so contributions ``weight * component`` can be ordered.
    top : int
        How many components to name at most (only those contributing more than 0).

    Returns
    -------
    (list of str, list of str)
        Chinese and English sentences.

    Examples
    --------
    >>> t = pd.DataFrame({"adcode": ["445281"], "name_zh": ["普宁市"], "name_en": ["Puning"],
    ...     "city_adcode": ["445200"], "region": ["East"], "upstream": [0.4], "downstream": [0.2],
    ...     "relatedness": [0.5], "origin_tie": [0.0], "policy": [1.0], "site": [0.5],
    ...     "eligible": [True], "excluded_reason": [""], "score": [0.6], "rank": [1]})
    >>> d = pd.DataFrame({"supplier": ["weaving"], "supplier_km": [0.0], "customer": ["apparel"],
    ...     "customer_km": [30.0], "origin_km": [380.0], "policy_kind": ["dyeing_park"],
    ...     "policy_name_zh": ["普宁纺织印染环保综合处理中心"], "policy_name_en": ["Puning dyeing centre"],
    ...     "policy_clause": ["§19"], "excluded_reason_zh": [""]})
    >>> t["partner"] = 0.0
    >>> zh, en = explain_fit(t, d, stage="dyeing", weights={"policy": 0.3, "upstream": 0.2, "downstream": 0.2,
    ...     "relatedness": 0.15, "origin_tie": 0.1, "partner": 0.0, "site": 0.05})
    >>> en[0][:80]
    'Puning (Jieyang) ranks 1st for dyeing & finishing (incl. washing) (score 0.60): '
    >>> zh[0][:39]
    '揭阳市普宁市排名第1（印染（含洗水），得分0.60）：§19 印染园区集中治污'
    """
    cities = _city_names()
    w = np.array([float(weights.get(c, 0.0)) for c in COMPONENTS])
    comp = table[list(COMPONENTS)].to_numpy(dtype=float)
    contrib = comp * w[None, :]
    order = np.argsort(-contrib, axis=1, kind="stable")[:, :top]
    per_row = [stage] * len(table) if isinstance(stage, str) else list(stage)
    labels = {st: (stage_label(st, lang="zh"), _in_sentence(stage_label(st))) for st in set(per_row)}
    zh_out: list[str] = []
    en_out: list[str] = []
    # Text is built row by row: string formatting has no array form, and there are only
    # as many rows as candidate units (about a hundred).
    cols = ["adcode", "name_zh", "name_en", "city_adcode", "eligible", "excluded_reason", "score", "rank"]
    rows = table[cols + (["tier"] if "tier" in table.columns else [])].to_dict("records")
    dets = details.to_dict("records")
    for i, (row, det) in enumerate(zip(rows, dets, strict=True)):
        st_zh, st_en = labels[per_row[i]]
        p_zh, p_en = _place(row, cities)
        if not bool(row["eligible"]):
            zh_out.append(f"{p_zh}不参与{st_zh}排名：{det['excluded_reason_zh']}。")
            en_out.append(f"{p_en} is not eligible for {st_en}: {row['excluded_reason']}.")
            continue
        parts = [_phrase(COMPONENTS[c], comp[i, c], det, half_life_h) for c in order[i] if contrib[i, c] > 0]
        rank = int(row["rank"])
        head_zh = f"{p_zh}排名第{rank}（{st_zh}，得分{row['score']:.2f}）"
        head_en = f"{p_en} ranks {ordinal_en(rank)} for {st_en} (score {row['score']:.2f})"
        if row.get("tier") == "no_evidence":
            head_zh += "，无证据层级：本地无该环节的政策指定、产业证据、对口关系或相关环节，得分仅来自距离"
            head_en += " in the no-evidence tier: no designation, industry evidence, partner link or related stage here, so the score reflects distance alone"
        if parts:
            zh_out.append(head_zh + "：" + "；".join(p[0] for p in parts) + "。")
            en_out.append(head_en + ": " + "; ".join(p[1] for p in parts) + ".")
        else:
            zh_out.append(head_zh + "：各项得分均为0。")
            en_out.append(head_en + ": every component is 0.")
    return zh_out, en_out
