"""Plain-language reasons for a fit ranking, in Chinese and English.

For each destination the two or three components with the largest contribution
``weight * component`` are named with their numbers and the clauses behind them, e.g.
"揭阳市普宁市排名第1（印染（含洗水），得分0.62）：§19 印染园区集中治污：普宁纺织印染环保综合处理中心；…" /
"Puning (Jieyang) ranks 1st for dyeing & finishing (incl. washing) (score 0.62): designated
dyeing park with central treatment: … (§19); …". Excluded units get a sentence stating why.
The model (:mod:`analysis.fit`) writes numbers and codes only; every word here comes from the
catalogue (:mod:`outputs.text`, part ``explain``), stage names from :func:`layers.stages.stage_label`.
What a result rests on (its assumptions and sources, :class:`analysis.notes.Note`) and a planner's
errors are said in the reader's language by :mod:`outputs.messages`.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.assumptions import COMPONENTS
from analysis.fit import FitResult
from layers.boundaries import load_boundaries
from layers.stages import stage_label
from outputs.text import CATALOGUE, tr

__all__ = ["excluded_reason_text", "explain_fit", "explain_result", "ordinal_en"]

log = logging.getLogger(__name__)


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


def excluded_reason_text(code: str, lang: str) -> str:
    """Words for an ``excluded_reason`` code of :attr:`analysis.fit.FitResult.table`.

    Examples
    --------
    >>> excluded_reason_text("user", "zh")
    '用户排除（如生态保护红线）'
    >>> excluded_reason_text("", "en")
    ''
    """
    if not code:
        return ""
    key = f"explain.excluded.{code}"
    return tr(key, lang) if key in CATALOGUE else code


@lru_cache(maxsize=1)
def _city_names() -> dict[str, tuple[str, str]]:
    c = load_boundaries("city")
    return {r.adcode: (r.name_zh, r.name_en) for r in c.itertuples(index=False)}


def _both(key: str, **fields: object) -> tuple[str, str]:
    return tr(key, "zh", **fields), tr(key, "en", **fields)


def _nearest(km: float) -> tuple[str, str]:
    if not np.isfinite(km):
        return _both("explain.near.none")
    if km < 0.5:
        return _both("explain.near.here")
    return _both("explain.near.km", km=km)


def _km(x: float) -> str:
    return "—" if not np.isfinite(x) else f"{x:.0f}"


def _hours(h: object) -> tuple[str, str]:
    x = float(h)  # type: ignore[arg-type]
    return _both("explain.hours", h=x) if np.isfinite(x) else _both("explain.hours.none")


def _pair(zh: str, en: str) -> tuple[str, str]:
    return zh, en


def _partner_phrase(value: float, d: Mapping[str, object]) -> tuple[str, str]:
    kind = str(d.get("partner_kind", ""))
    parts = str(d.get("partner_name", "")).split("|")
    if kind in ("own_park", "other_park") and len(parts) >= 2:
        firms = parts[2] if len(parts) > 2 else ""
        f_zh, f_en = _both("explain.partner.firms", n=firms) if firms else ("", "")
        o_zh, o_en = _both("explain.partner.own") if kind == "own_park" else ("", "")
        return _pair(tr("explain.partner.park", "zh", name=parts[0], firms=f_zh, own=o_zh, v=value),
                     tr("explain.partner.park", "en", name=parts[1], firms=f_en, own=o_en, v=value))
    if kind in ("current", "earlier") and len(parts) >= 2:
        key = f"explain.partner.{kind}"
        return _pair(tr(key, "zh", name=parts[0], v=value), tr(key, "en", name=parts[1], v=value))
    return _both("explain.partner.plain", v=value)


def _phrase(comp: str, value: float, d: Mapping[str, object]) -> tuple[str, str]:
    if comp in ("upstream", "downstream"):
        other = str(d["supplier" if comp == "upstream" else "customer"])
        if not other:
            return _both(f"explain.{comp}.plain", v=value)
        near_zh, near_en = _nearest(float(d["supplier_km" if comp == "upstream" else "customer_km"]))  # type: ignore[arg-type]
        return _pair(tr(f"explain.{comp}", "zh", stage=stage_label(other, lang="zh"), v=value, near=near_zh),
                     tr(f"explain.{comp}", "en", stage=_in_sentence(stage_label(other)), v=value, near=near_en))
    if comp == "relatedness":
        return _both("explain.relatedness", v=value)
    if comp == "origin_tie":
        h_zh, h_en = _hours(d.get("origin_hours", np.inf))
        km = _km(float(d["origin_km"]))  # type: ignore[arg-type]
        return _pair(tr("explain.origin_tie", "zh", km=km, hours=h_zh, v=value),
                     tr("explain.origin_tie", "en", km=km, hours=h_en, v=value))
    if comp == "partner":
        return _partner_phrase(value, d)
    if comp == "policy":
        kind = str(d["policy_kind"])
        key = f"explain.kind.{kind}" if f"explain.kind.{kind}" in CATALOGUE else "explain.kind.other"
        clause = str(d["policy_clause"])
        return _pair(tr("explain.policy", "zh", clause=clause, kind=tr(key, "zh"), name=d["policy_name_zh"], v=value),
                     tr("explain.policy", "en", clause=clause, kind=tr(key, "en"), name=d["policy_name_en"], v=value))
    return _both("explain.site", v=value)


def _place(row: Mapping[str, object], cities: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    city = cities.get(str(row["city_adcode"]))
    if city is None or str(row["city_adcode"]) == str(row["adcode"]):
        return str(row["name_zh"]), str(row["name_en"])
    return _pair(tr("explain.place_in_city", "zh", city=city[0], name=row["name_zh"]),
                 tr("explain.place_in_city", "en", city=city[1], name=row["name_en"]))


def explain_fit(
    table: pd.DataFrame,
    details: pd.DataFrame,
    *,
    stage: str | Sequence[str],
    weights: Mapping[str, float],
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
    ...     "relatedness": [0.5], "origin_tie": [0.0], "partner": [0.0], "policy": [1.0], "site": [0.5],
    ...     "eligible": [True], "excluded_reason": [""], "score": [0.6], "rank": [1]})
    >>> d = pd.DataFrame({"supplier": ["weaving"], "supplier_km": [0.0], "customer": ["apparel"],
    ...     "customer_km": [30.0], "origin_km": [380.0], "policy_kind": ["dyeing_park"],
    ...     "policy_name_zh": ["普宁纺织印染环保综合处理中心"], "policy_name_en": ["Puning dyeing centre"],
    ...     "policy_clause": ["§19"]})
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
    sep = _both("explain.sep")
    out: tuple[list[str], list[str]] = ([], [])
    # Text is built row by row: string formatting has no array form, and there are only
    # as many rows as candidate units (about a hundred).
    cols = ["adcode", "name_zh", "name_en", "city_adcode", "eligible", "excluded_reason", "score", "rank"]
    rows = table[cols + (["tier"] if "tier" in table.columns else [])].to_dict("records")
    for i, (row, det) in enumerate(zip(rows, details.to_dict("records"), strict=True)):
        places = _place(row, cities)
        stage_names = labels[per_row[i]]
        if not bool(row["eligible"]):
            code = str(row["excluded_reason"] or "")
            for li, lang in enumerate(("zh", "en")):
                out[li].append(tr("explain.ineligible", lang, place=places[li], stage=stage_names[li],
                                  why=excluded_reason_text(code, lang)))
            continue
        rank = int(row["rank"])
        parts = [_phrase(COMPONENTS[c], comp[i, c], det) for c in order[i] if contrib[i, c] > 0]  # (zh, en) each
        for li, lang in enumerate(("zh", "en")):
            head = tr("explain.head", lang, place=places[li], rank=rank, stage=stage_names[li], score=row["score"],
                      ordinal=ordinal_en(rank))
            if row.get("tier") == "no_evidence":
                head += tr("explain.no_evidence", lang)
            if parts:
                out[li].append(tr("explain.joined", lang, head=head, parts=sep[li].join(p[li] for p in parts)))
            else:
                out[li].append(tr("explain.all_zero", lang, head=head))
    return out


def explain_result(fit: FitResult) -> FitResult:
    """The fit with its reasons written: ``reason_zh``, ``reason_en`` and the excluded reasons in words.

    ``excluded_reason`` becomes English words and ``excluded_reason_zh`` Chinese ones; the
    input is not modified.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> fit = explain_result(score_transfer_fit("dyeing", "440118"))
    >>> fit.table["reason_en"].iloc[0].split(" ranks ")[1][:3]
    '1st'
    """
    t = fit.table.copy()
    zh, en = explain_fit(t, fit.details, stage=fit.stage, weights=fit.weights)
    codes = t["excluded_reason"].fillna("").astype(str)
    t["reason_zh"], t["reason_en"] = zh, en
    t["excluded_reason_zh"] = [excluded_reason_text(c, "zh") for c in codes]
    t["excluded_reason"] = [excluded_reason_text(c, "en") for c in codes]
    return replace(fit, table=t)
