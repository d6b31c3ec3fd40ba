"""Sensitivity: reproducible, probabilities consistent, brute-force agreement on a few draws."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.sensitivity import SENSITIVITY_COLUMNS, run_sensitivity
from analysis.weights import COMPONENTS
from geo.errors import PlannerError


def _components(u: int = 7, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.random((u, len(COMPONENTS))), columns=list(COMPONENTS))
    df.insert(0, "adcode", [f"44{i:04d}" for i in range(u)])
    df.insert(1, "name_zh", [f"单元{i}" for i in range(u)])
    df.insert(2, "name_en", [f"Unit {i}" for i in range(u)])
    return df


def test_reproducible_and_probabilities_sum() -> None:
    comp = _components()
    a = run_sensitivity(comp, n=5000, seed=42)
    b = run_sensitivity(comp, n=5000, seed=42)
    pd.testing.assert_frame_equal(a, b)
    assert tuple(a.columns) == SENSITIVITY_COLUMNS
    assert a["p_first"].sum() == pytest.approx(1.0)
    assert a["p_top3"].sum() == pytest.approx(3.0)
    assert ((a["p_first"] <= a["p_top3"]) & (a["mean_rank"] >= 1) & (a["mean_rank"] <= len(comp))).all()
    assert a["mean_rank"].sum() == pytest.approx(len(comp) * (len(comp) + 1) / 2)
    c = run_sensitivity(comp, n=5000, seed=43)
    assert not c["p_first"].equals(a["p_first"]) or not c["mean_rank"].equals(a["mean_rank"])


def test_matches_a_plain_loop_over_draws() -> None:
    comp = _components(5, seed=3)
    w = dict(zip(COMPONENTS, [0.2, 0.2, 0.15, 0.1, 0.05, 0.25, 0.05], strict=True))
    got = run_sensitivity(comp, weights=w, n=200, seed=9, concentration=20).set_index("adcode")
    # the same draws, one by one
    rng = np.random.default_rng(9)
    centre = np.array([w[c] for c in COMPONENTS])
    draws = rng.dirichlet(20 * centre, size=200)
    first = {a: 0 for a in comp["adcode"]}
    ranks = {a: [] for a in comp["adcode"]}
    vals = comp[list(COMPONENTS)].to_numpy()
    for d in draws:
        s = vals @ d
        order = sorted(range(len(s)), key=lambda i: (-s[i], comp["adcode"][i]))
        first[comp["adcode"][order[0]]] += 1
        for r, i in enumerate(order, start=1):
            ranks[comp["adcode"][i]].append(r)
    for a in comp["adcode"]:
        assert got.loc[a, "p_first"] == pytest.approx(first[a] / 200)
        assert got.loc[a, "mean_rank"] == pytest.approx(np.mean(ranks[a]))


def test_dominant_unit_always_first_and_zero_weight_components_stay_out() -> None:
    comp = _components(4)
    comp.loc[2, list(COMPONENTS)] = 1.0
    out = run_sensitivity(comp, n=1000)
    assert out.iloc[0]["adcode"] == comp.loc[2, "adcode"] and out.iloc[0]["p_first"] == 1.0
    only_site = run_sensitivity(comp.assign(site=[0.9, 0.1, 0.1, 0.1]).assign(policy=[0.0, 1.0, 1.0, 1.0]),
                                weights={"site": 1.0}, n=100)
    assert only_site.iloc[0]["p_first"] == 1.0  # policy weight 0 -> never drawn


def test_ineligible_rows_are_dropped_and_bad_args_refused() -> None:
    comp = _components(4).assign(eligible=[True, False, True, True])
    out = run_sensitivity(comp, n=100)
    assert comp.loc[1, "adcode"] not in set(out["adcode"])
    with pytest.raises(PlannerError, match="`n`"):
        run_sensitivity(comp, n=0)
    with pytest.raises(PlannerError, match="concentration"):
        run_sensitivity(comp, concentration=-1)
    with pytest.raises(PlannerError, match="no eligible"):
        run_sensitivity(comp.assign(eligible=False))
    with pytest.raises(PlannerError, match="lacks column"):
        run_sensitivity(comp.drop(columns="policy"))


def test_fit_result_input_uses_its_eligible_rows_and_weights() -> None:
    from tests.test_fit import fit_world

    res = fit_world("apparel", "O", candidates="all")
    out = run_sensitivity(res, n=2000, seed=5)
    assert set(out["adcode"]) == set(res.table.loc[res.table["eligible"], "adcode"])
    assert out["p_first"].sum() == pytest.approx(1.0)
    assert out.attrs["params"]["weights"] == pytest.approx(res.weights)
    # with every draw the same (huge concentration) the fit's own rank 1 wins every time
    tight = run_sensitivity(res, n=200, seed=5, concentration=1e9)
    assert tight.iloc[0]["adcode"] == res.table.iloc[0]["adcode"] and tight.iloc[0]["p_first"] == 1.0
    dyeing = fit_world("dyeing", "O")
    assert run_sensitivity(dyeing, n=100)["adcode"].tolist() == ["B"]  # §19 leaves B alone
