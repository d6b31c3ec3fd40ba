"""Weights: normalisation and AHP against Saaty's published house example."""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest

from analysis.weights import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    ahp_weights,
    check_amounts,
    normalise_weights,
    parse_weights,
    read_ahp_csv,
)
from geo.errors import PlannerError

# Saaty, T. L. (1990), "How to make a decision: the analytic hierarchy process",
# European Journal of Operational Research 48(1): 9-26, the house example, Table 1
# (criteria: size, transportation, neighbourhood, age, yard, modern facilities,
# general condition, financing). Published: priorities .173 .054 .188 .018 .031 .036 .167
# .333; lambda_max = 9.669, C.I. = 0.238, C.R. = 0.169 (> 0.1, so the warning fires).
_UPPER = [
    [5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [6, 3, 4, 6, 1 / 5],
    [1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 2, 1 / 5, 1 / 6],
    [1 / 5, 1 / 6],
    [1 / 2],
]
HOUSE = ["size", "transport", "neighbourhood", "age", "yard", "facilities", "condition", "financing"]


def _saaty_house() -> pd.DataFrame:
    a = np.ones((8, 8))
    for i, row in enumerate(_UPPER):
        for k, v in enumerate(row):
            a[i, i + 1 + k] = v
            a[i + 1 + k, i] = 1 / v
    return pd.DataFrame(a, index=HOUSE, columns=HOUSE)


def test_saaty_1990_house_example() -> None:
    with pytest.warns(UserWarning, match="CR = 0.169"):
        r = ahp_weights(_saaty_house())
    got = [round(r.weights[c], 3) for c in HOUSE]
    assert got == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert round(r.lambda_max, 3) == 9.669
    assert round(r.ci, 3) == 0.238
    assert round(r.cr, 3) == 0.169
    assert r.warning is not None and "0.1" in r.warning


def test_consistent_matrix_recovers_weights_without_warning() -> None:
    w = np.array([0.5, 0.3, 0.2])
    a = w[:, None] / w[None, :]
    r = ahp_weights(a)  # warnings are errors in this suite: none may be emitted
    np.testing.assert_allclose(list(r.weights.values()), w)
    assert r.lambda_max == pytest.approx(3)
    assert r.cr == pytest.approx(0, abs=1e-12)
    assert r.warning is None


@pytest.mark.parametrize(
    ("matrix", "match"),
    [
        (np.ones((2, 3)), "square"),
        (np.array([[1, -2], [-0.5, 1]]), r"positive: cell \(c1, c2\)"),
        (np.array([[1, 3], [0.5, 1]]), r"not reciprocal: cell \(c1, c2\) = 3 but \(c2, c1\) = 0.5"),
    ],
)
def test_ahp_refuses_bad_matrices(matrix: np.ndarray, match: str) -> None:
    with pytest.raises(PlannerError, match=match):
        ahp_weights(matrix)


def test_normalise_weights() -> None:
    w = normalise_weights({"upstream": 1, "policy": 3})
    assert w["upstream"] == 0.25 and w["policy"] == 0.75 and w["site"] == 0
    assert list(w) == list(COMPONENTS)
    assert sum(normalise_weights(DEFAULT_WEIGHTS).values()) == pytest.approx(1)
    with pytest.raises(PlannerError, match=r"unknown component\(s\) \['colour'\].*upstream=-1"):
        normalise_weights({"colour": 1, "upstream": -1})
    with pytest.raises(PlannerError, match="all weights are zero"):
        normalise_weights({"upstream": 0})
    with pytest.raises(PlannerError, match="no '='"):
        parse_weights("upstream0.3")


@pytest.mark.parametrize(
    ("value", "problem"),
    [(-1, "=-1 must be a finite number >= 0"), (float("nan"), "=nan must be a finite number >= 0"),
     (float("inf"), "=inf must be a finite number >= 0"), ("x", "='x' is not a number"), (None, "=None is not a number")],
)
def test_weights_and_amounts_share_one_rule(value: object, problem: str) -> None:
    # normalise_weights and check_amounts (used by allocation) apply the same rule and wording
    with pytest.raises(PlannerError, match="`weights` are not usable: upstream" + re.escape(problem)) as w:
        normalise_weights({"upstream": value, "policy": 1})  # type: ignore[dict-item]
    with pytest.raises(PlannerError, match="`room` is not usable: a" + re.escape(problem)) as a:
        check_amounts({"a": value, "b": 1}, name="room")
    assert problem in str(w.value) and problem in str(a.value)


def test_check_amounts_lists_every_problem_and_keeps_zeros() -> None:
    assert check_amounts({" a ": 0, "b": "2.5"}, name="room") == {"a": 0.0, "b": 2.5}
    with pytest.raises(PlannerError, match=r"^`origins` is not usable: a=-1 .*; b='x' is not a number; give each"):
        check_amounts({"a": -1, "b": "x"}, name="origins")


def test_read_ahp_csv_with_fractions_feeds_the_fit_components() -> None:
    text = ",policy,upstream,site\npolicy,1,2,4\nupstream,1/2,1,2\nsite,1/4,1/2,1\n"
    m = read_ahp_csv(io.StringIO(text))
    r = ahp_weights(m)
    assert r.weights["policy"] == pytest.approx(4 / 7)
    assert normalise_weights(r.weights)["upstream"] == pytest.approx(2 / 7)
    with pytest.raises(PlannerError, match="line 3"):
        read_ahp_csv(io.StringIO(",a,b\na,1,2\nb,x,1\n"))
