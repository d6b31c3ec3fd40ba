"""Backtest cases: documented relocations and designations to run the transfer fit against.

``data/model/backtest_cases.csv`` (README beside it): one row per case with the stage, the PRD
origin, the expected destination(s), the success rule and, for a documented move, the year
before which the evidence must date. Validated on load like the other evidence tables.
"""
from __future__ import annotations

import os

import pandas as pd

from layers import _evidence_checks as ck
from layers.evidence import BACKTEST_COLUMNS, QUALITIES

__all__ = ["load_backtest_cases"]


def _build_cases(path: str) -> pd.DataFrame:
    layer = "backtest_cases.csv"
    t = ck.check_columns(ck.read_text_table(path, name="`path`", layer=layer), BACKTEST_COLUMNS, layer=layer)
    ids, problems = ck.row_ids(t), []
    ck.check_ids(t, ids, problems)
    ck.check_text(t, ("origin_basis", "description", "source"), ids, problems)
    ck.check_vocab(t, "kind", ("relocation", "designation"), ids, problems)
    ck.check_vocab(t, "stage", ck.stage_ids(), ids, problems)
    ck.check_adcodes(t, "origin_adcode", ids, problems, level="county")
    ck.check_adcodes(t, "expected_adcodes", ids, problems, level="county", multi=True)
    region = ck.region_of_codes(ck.city_of_codes(t["origin_adcode"]))
    not_prd = region.notna() & (region != "PRD")
    if not_prd.any():
        problems.append(f"origin_adcode must be a PRD county-level unit (transfers leave the PRD, §4): {ck.eg(ids, not_prd, t['origin_adcode'])}")
    expected = ck.split_list(t["expected_adcodes"])
    ck.check_vocab(t, "success_rule", ("any_in_top_k", "all_in_top_k"), ids, problems)
    ck.check_vocab(t, "rank_among", ("non_prd_counties", "all_counties"), ids, problems)
    k = ck.check_numbers(t, "k", ids, problems, allow_empty=False, integer=True, positive=True)
    too_small = (t["success_rule"] == "all_in_top_k").to_numpy() & (k < expected.map(len).to_numpy())
    if too_small.any():
        problems.append(f"all_in_top_k needs k >= the number of expected units: {ck.eg(ids, too_small, t['k'])}")
    exp_long = expected.explode().dropna()
    exp_region = ck.region_of_codes(ck.city_of_codes(exp_long))
    in_prd = exp_region.eq("PRD") & t["rank_among"].reindex(exp_long.index).eq("non_prd_counties")
    if in_prd.any():
        problems.append(f"an expected unit lies in the PRD but the case ranks non_prd_counties: {ck.eg(ids, t.index.isin(exp_long.index[in_prd]))}")
    loop = pd.Series([o in e for o, e in zip(t["origin_adcode"], expected)], index=t.index)
    if loop.any():
        problems.append(f"the origin cannot be an expected destination: {ck.eg(ids, loop)}")
    before = ck.check_numbers(t, "evidence_before", ids, problems, integer=True, positive=True)
    ck.check_vocab(t, "quality", QUALITIES, ids, problems)
    ck.raise_if(problems, layer=layer)
    out = t.copy()
    out["k"] = k.astype(int)
    out["evidence_before"] = pd.Series(before, index=out.index).round().astype("Int64")
    out.insert(out.columns.get_loc("expected_adcodes") + 1, "expected", expected)
    return out.reset_index(drop=True)


def load_backtest_cases(*, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Documented relocations and designations to run the model against.

    Parameters
    ----------
    path : str or path-like, optional
        Another file with the same columns; default the embedded ``data/model/backtest_cases.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns of ``backtest_cases.csv`` plus ``expected`` (tuple of county adcodes);
        ``k`` int, ``evidence_before`` nullable int (run :func:`evidence_presence` with
        ``before=evidence_before`` so the evidence predates the move). ``kind`` says whether
        the case is a documented ``relocation`` or a policy ``designation``.

    Examples
    --------
    >>> c = load_backtest_cases().set_index("id")
    >>> c.at["bt_haizhu_qingcheng_apparel", "expected"], c.at["bt_haizhu_qingcheng_apparel", "kind"]
    (('441802',), 'relocation')
    """
    return ck.load_cached(path, "backtest_cases", _build_cases).copy()
