"""Backtest: documented relocations and designations run through the model.

Each case of ``data/model/backtest_cases.csv`` (:func:`layers.cases.load_backtest_cases`)
names a stage leaving a PRD origin and where it went (or where the notice sends it), with a
success rule: ``any_in_top_k`` (at least one expected unit ranks in the top ``k``) or
``all_in_top_k``. A case with ``evidence_before`` is scored with only what was known before
the move (evidence dated earlier, partner pairs of earlier rounds, no transfer parks, whose
firm counts are outcomes of the move), so the model cannot read the answer back.

:func:`origin_sensitivity` adds the check that the ranking depends on where capacity
leaves from: the Spearman correlation of the scores of the same candidates for two origins
(1.0 means the origin does not matter at all).

Examples
--------
>>> res = run_backtest(load_backtest_cases().head(1))
>>> res["case"].iloc[0], bool(res["holds"].iloc[0])
('bt_haizhu_qingcheng_apparel', True)
"""
from __future__ import annotations

import logging
from functools import lru_cache
from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from analysis.assumptions import DEFAULT_HALF_LIFE_H
from analysis.fit import score_transfer_fit
from analysis.inputs import FitInputs, load_fit_inputs
from layers.cases import load_backtest_cases

__all__ = ["BACKTEST_COLUMNS", "SENSITIVITY_ORIGINS", "origin_sensitivity", "run_backtest"]

log = logging.getLogger(__name__)

#: Columns of :func:`run_backtest`'s table.
BACKTEST_COLUMNS: tuple[str, ...] = (
    "case", "kind", "stage", "origin", "expected", "ranks", "best_rank", "worst_rank", "k", "rule", "holds",
    "evidence_before", "top3", "description",
)
#: Three PRD origins of different character: Zengcheng (Xintang denim), Dongguan (Humen, Dalang), Nanhai (Xiqiao).
SENSITIVITY_ORIGINS: tuple[str, ...] = ("440118", "441900", "440605")


@lru_cache(maxsize=8)
def _inputs_before(year: int | None) -> FitInputs:
    # the embedded inputs with evidence dated before ``year``: the same for every weighting, so a
    # report after a moved weight reruns only the fits (0.3 s of the 0.6 s backtest); never modified
    return load_fit_inputs(evidence_before=year)


def _inputs_for(before: object) -> FitInputs:
    return _inputs_before(None if pd.isna(before) else int(before))  # type: ignore[arg-type]


def run_backtest(
    cases: pd.DataFrame | None = None, *, weights: Mapping[str, float] | None = None,
    half_life_h: float = DEFAULT_HALF_LIFE_H,
) -> pd.DataFrame:
    """Rank of every expected destination of every case, and whether the case holds.

    Parameters
    ----------
    cases : DataFrame, optional
        As :func:`layers.cases.load_backtest_cases` returns; all shipped cases if omitted.
    weights, half_life_h : optional
        The model's weights and decay (the defaults if omitted), so a planner's own choice can
        be checked against the same cases.

    Returns
    -------
    DataFrame
        :data:`BACKTEST_COLUMNS`, one row per case; ``ranks`` lists the rank of each expected
        unit (``None`` where it is not eligible), ``top3`` the names of the model's top three.
    """
    cases = load_backtest_cases() if cases is None else cases
    rows = []
    for c in cases.itertuples(index=False):
        inputs = _inputs_for(c.evidence_before)
        candidates = "receiving" if str(c.rank_among) == "non_prd_counties" else "all"
        fit = score_transfer_fit(str(c.stage), str(c.origin_adcode), inputs=inputs, candidates=candidates,
                                 weights=weights, half_life_h=half_life_h)
        t = fit.table.set_index("adcode")
        expected = [e for e in str(c.expected_adcodes).split(";") if e]
        ranks = [None if e not in t.index or pd.isna(t.at[e, "rank"]) else int(t.at[e, "rank"]) for e in expected]
        known = [r for r in ranks if r is not None]
        k = int(c.k)
        if str(c.success_rule) == "all_in_top_k":
            holds = len(known) == len(expected) and max(known) <= k
        else:
            holds = bool(known) and min(known) <= k
        rows.append({
            "case": c.id, "kind": c.kind, "stage": c.stage, "origin": str(c.origin_adcode), "expected": expected,
            "ranks": ranks, "best_rank": min(known) if known else None, "worst_rank": max(known) if known else None,
            "k": k, "rule": c.success_rule, "holds": holds,
            "evidence_before": None if pd.isna(c.evidence_before) else int(c.evidence_before),
            "top3": fit.top(3)["name_en"].tolist(), "description": c.description,
        })
    return pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS))


def origin_sensitivity(
    stages: Sequence[str] = ("spinning", "weaving", "dyeing", "apparel", "home_textiles", "industrial_textiles",
                             "down", "accessories"),
    origins: Sequence[str] = SENSITIVITY_ORIGINS, *, inputs: FitInputs | None = None,
) -> pd.DataFrame:
    """Spearman rank correlation of the scores between every pair of origins, per stage.

    Returns
    -------
    DataFrame
        ``stage, origin_a, origin_b, spearman, same_top5`` (candidates common to both fits).

    Examples
    --------
    >>> s = origin_sensitivity(["apparel"], ["440118", "440605"])
    >>> bool(s["spearman"].iloc[0] < 1.0)
    True
    """
    inputs = load_fit_inputs() if inputs is None else inputs
    rows = []
    for st in stages:
        fits = {o: score_transfer_fit(st, o, inputs=inputs).table.set_index("adcode") for o in origins}
        for a, b in combinations(origins, 2):
            common = fits[a].index.intersection(fits[b].index)
            sa, sb = fits[a].loc[common, "score"], fits[b].loc[common, "score"]
            ok = sa.notna() & sb.notna()
            rho = float(spearmanr(sa[ok], sb[ok]).statistic) if ok.sum() > 2 else np.nan
            top_a = list(fits[a].dropna(subset=["rank"]).head(5).index)
            top_b = list(fits[b].dropna(subset=["rank"]).head(5).index)
            rows.append({"stage": st, "origin_a": a, "origin_b": b, "spearman": rho, "same_top5": top_a == top_b})
    return pd.DataFrame(rows, columns=["stage", "origin_a", "origin_b", "spearman", "same_top5"])
