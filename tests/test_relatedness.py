"""RCA, proximity and density against hand computation and the ecomplexity reference."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.relatedness import (
    compute_density,
    compute_presence,
    compute_proximity,
    compute_rca,
    relatedness_density,
)
from geo.errors import PlannerError

# 5 units x 4 stages, no zero rows or columns, RCA values away from the threshold 1.
X = pd.DataFrame(
    [[5, 1, 0, 2], [0, 4, 4, 1], [2, 0, 6, 0], [1, 3, 0, 5], [3, 3, 2, 2]],
    index=["u1", "u2", "u3", "u4", "u5"],
    columns=["fibre", "spinning", "weaving", "dyeing"],
    dtype=float,
)


def _ecomplexity_long(x: pd.DataFrame) -> pd.DataFrame:
    long = x.stack().rename("value").reset_index()
    long.columns = ["location", "product", "value"]
    long.insert(0, "time", 2023)
    return long


def test_hand_worked_three_by_three() -> None:
    # x = [[3,1,0],[0,2,2],[1,0,3]]; row totals 4,4,4; column totals 4,3,5; total 12.
    # RCA[a,s] = 3*12/(4*4) = 2.25; RCA[a,t] = 1*12/(4*3) = 1.0 (>= 1 -> present);
    # RCA[c,s] = 1*12/(4*4) = 0.75 (absent). M = [[1,1,0],[0,1,1],[0,0,1]].
    # k = (1,2,2); co-occurrence s-t 1, t-u 1, s-u 0 -> phi = [[1,.5,0],[.5,1,.5],[0,.5,1]].
    # density[b,s] = (0*1 + 1*.5 + 1*0) / 1.5 = 1/3; density[c,t] = (0*.5+0*1+1*.5)/2 = .25.
    x = np.array([[3, 1, 0], [0, 2, 2], [1, 0, 3]], dtype=float)
    assert compute_rca(x)[0, 0] == pytest.approx(2.25)
    assert compute_rca(x)[2, 0] == pytest.approx(0.75)
    m = compute_presence(x)
    np.testing.assert_array_equal(m, [[1, 1, 0], [0, 1, 1], [0, 0, 1]])
    np.testing.assert_allclose(compute_proximity(m), [[1, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]])
    d = relatedness_density(x)
    assert d[1, 0] == pytest.approx(1 / 3)
    assert d[2, 1] == pytest.approx(0.25)


def test_agrees_with_ecomplexity() -> None:
    ecomplexity = pytest.importorskip("ecomplexity")
    with warnings.catch_warnings():
        # the reference package warns about log-supermodularity / pandas idioms; not ours
        warnings.simplefilter("ignore")
        out = ecomplexity.ecomplexity(
            _ecomplexity_long(X),
            {"time": "time", "loc": "location", "prod": "product", "val": "value"},
            verbose=False,
            check_logsupermodularity=False,
        )
        prox = ecomplexity.proximity(
            _ecomplexity_long(X), {"time": "time", "loc": "location", "prod": "product", "val": "value"}
        )
    ref = out.set_index(["location", "product"])
    rca = compute_rca(X).stack()
    dens = relatedness_density(X).stack()
    pres = compute_presence(X).stack()
    for key in rca.index:
        assert rca[key] == pytest.approx(ref.loc[key, "rca"], abs=1e-12)
        assert pres[key] == ref.loc[key, "mcp"]
        assert dens[key] == pytest.approx(ref.loc[key, "density"], abs=1e-12)
    phi = compute_proximity(compute_presence(X))
    for row in prox.itertuples(index=False):
        assert phi.loc[row.product_1, row.product_2] == pytest.approx(row.proximity, abs=1e-12)


def test_zero_rows_and_columns_match_reference_on_the_rest() -> None:
    ecomplexity = pytest.importorskip("ecomplexity")
    full = X.copy()
    full.loc["empty"] = 0.0
    full["machinery"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # our code must stay silent on zero rows/columns
        dens = relatedness_density(full)
        rca = compute_rca(full)
    assert (dens.loc["empty"] == 0).all() and (dens["machinery"] == 0).all()
    assert (rca.loc["empty"] == 0).all() and (rca["machinery"] == 0).all()
    np.testing.assert_allclose(dens.loc[X.index, X.columns], relatedness_density(X), atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity.ecomplexity(
            _ecomplexity_long(X),
            {"time": "time", "loc": "location", "prod": "product", "val": "value"},
            verbose=False,
            check_logsupermodularity=False,
        )
    ref = out.set_index(["location", "product"])["density"]
    for (loc, prod), value in ref.items():
        assert dens.loc[loc, prod] == pytest.approx(value, abs=1e-12)


def test_density_in_unit_interval_on_random_worlds() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = rng.integers(0, 4, size=(12, 6)).astype(float)
        d = relatedness_density(x)
        assert d.min() >= 0 and d.max() <= 1 + 1e-12


def test_bad_input_is_refused() -> None:
    with pytest.raises(PlannerError, match="finite values >= 0"):
        compute_rca(np.array([[1.0, -1.0]]))
    with pytest.raises(PlannerError, match="2-D"):
        compute_rca(np.array([1.0, 2.0]))
    with pytest.raises(PlannerError, match="stages x stages"):
        compute_density(np.ones((2, 2)), np.ones((3, 3)))
