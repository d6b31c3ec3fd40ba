"""Robustness of a fit ranking to the weights: Dirichlet draws around the chosen weights.

Each draw is a weight vector from ``Dirichlet(concentration * w)`` over the components with
a positive weight (components weighted 0 stay 0), so draws centre on the chosen weights
and spread less as ``concentration`` grows (ASSUMPTION: 50 by default, i.e. a weight of 0.2
varies with a standard deviation of about 0.056). All draws are scored in one matrix
product ``(n x components) @ (components x units)`` and ranked with one ``argsort``; ties
go to the lower adcode, as in the fit.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.fit import FitResult
from analysis.notes import Note
from analysis.weights import COMPONENTS, DEFAULT_WEIGHTS, normalise_weights
from geo.errors import PlannerError

__all__ = ["run_sensitivity", "SENSITIVITY_COLUMNS", "MAX_DRAWS", "check_draws", "check_seed"]

log = logging.getLogger(__name__)

SENSITIVITY_COLUMNS: tuple[str, ...] = ("adcode", "name_zh", "name_en", "p_first", "p_top3", "mean_rank")
#: ASSUMPTION: most weight draws in one run. 10,000 settle p_first to about +-0.005 (design: about a second);
#: ten times that is the cap, so a typo (10**8) is refused instead of filling the memory.
MAX_DRAWS = 100_000
#: Draws ranked at once: memory stays a few MB whatever the number of draws.
_BLOCK = 10_000


def check_draws(n: object, *, name: str = "n", minimum: int = 1) -> int:
    """``n`` as a whole number of draws from ``minimum`` to :data:`MAX_DRAWS`, or one PlannerError.

    Examples
    --------
    >>> check_draws(10**9, name="--draws")
    Traceback (most recent call last):
    geo.errors.PlannerError: `--draws` must be a whole number from 1 to at most 100000, got 1000000000; 10000 draws settle the shares to about 0.005
    """
    ok = isinstance(n, (int, np.integer)) and not isinstance(n, bool) and minimum <= int(n) <= MAX_DRAWS
    if not ok:
        msg = (f"`{name.strip('`')}` must be a whole number from {minimum} to at most {MAX_DRAWS}, got {n!r}; "
               "10000 draws settle the shares to about 0.005")
        raise PlannerError(msg)
    return int(n)  # type: ignore[arg-type]


def check_seed(seed: object, *, name: str = "seed") -> int | None:
    """``seed`` as a whole number >= 0 (or None for a fresh one), or one PlannerError naming ``name``.

    Examples
    --------
    >>> check_seed(-1, name="--seed")
    Traceback (most recent call last):
    geo.errors.PlannerError: `--seed` must be a whole number >= 0 (or none), got -1; e.g. 0
    """
    if seed is None:
        return None
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or int(seed) < 0:
        msg = f"`{name.strip('`')}` must be a whole number >= 0 (or none), got {seed!r}; e.g. 0"
        raise PlannerError(msg)
    return int(seed)


def run_sensitivity(
    result_or_components: FitResult | pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    n: int = 10_000,
    seed: int | None = 0,
    concentration: float = 50.0,
) -> pd.DataFrame:
    """How often each destination ranks first and in the top three under perturbed weights.

    Parameters
    ----------
    result_or_components : FitResult or DataFrame
        A fit result (its eligible rows and weights are used), or a table with ``adcode``,
        ``name_zh``, ``name_en`` and the six component columns (and optionally ``eligible``).
    weights : mapping, optional
        Centre of the draws; default the result's weights, else
        :data:`analysis.weights.DEFAULT_WEIGHTS`.
    n : int
        Number of draws, 1 .. :data:`MAX_DRAWS`.
    seed : int or None
        Seed of ``numpy.random.default_rng`` (>= 0); the same seed gives the same table.
    concentration : float
        Dirichlet concentration (sum of alphas), finite and > 0; larger = tighter around ``weights``.

    Returns
    -------
    DataFrame
        :data:`SENSITIVITY_COLUMNS`, sorted by ``p_first`` then ``mean_rank``; ``p_first``
        sums to 1. ``attrs`` holds the parameters and assumptions.

    Examples
    --------
    >>> comp = pd.DataFrame({"adcode": ["a", "b"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"],
    ...     "upstream": [1.0, 0.0], "downstream": [0.0, 0.0], "relatedness": [0.0, 0.0],
    ...     "origin_tie": [0.0, 0.0], "partner": [0.0, 0.0], "policy": [0.0, 1.0], "site": [0.5, 0.5]})
    >>> run_sensitivity(comp, weights={"upstream": 0.9, "policy": 0.1}, n=1000)[["adcode", "p_first"]].values.tolist()
    [['a', 1.0], ['b', 0.0]]
    """
    if isinstance(result_or_components, FitResult):
        table = result_or_components.table
        w = normalise_weights(result_or_components.weights if weights is None else weights)
    elif isinstance(result_or_components, pd.DataFrame):
        table = result_or_components
        w = normalise_weights(DEFAULT_WEIGHTS if weights is None else weights)
    else:
        msg = f"`result_or_components` must be a FitResult or a DataFrame of components, got {type(result_or_components).__name__}"
        raise PlannerError(msg)
    need = ["adcode", "name_zh", "name_en", *COMPONENTS]
    miss = [c for c in need if c not in table.columns]
    if miss:
        msg = f"`result_or_components` lacks column(s) {miss}; pass a FitResult or its table"
        raise PlannerError(msg)
    n = check_draws(n, name="n")
    seed = check_seed(seed, name="seed")
    try:
        conc = float(concentration)
    except (TypeError, ValueError):
        conc = float("nan")
    if not np.isfinite(conc) or conc <= 0:
        msg = f"`concentration` must be a finite number > 0, got {concentration!r}; 50 is the default"
        raise PlannerError(msg)
    if "eligible" in table.columns:
        table = table[table["eligible"].astype(bool)]
    if table.empty:
        msg = "`result_or_components` has no eligible destination; nothing to rank (check constraints and exclusions)"
        raise PlannerError(msg)
    table = table.sort_values("adcode", kind="stable").reset_index(drop=True)  # ties -> lower adcode
    comp = table[list(COMPONENTS)].to_numpy(dtype=float)
    if not np.isfinite(comp).all():
        msg = "`result_or_components` has missing component values; every eligible row needs all six components"
        raise PlannerError(msg)
    centre = np.array([w[c] for c in COMPONENTS])
    pos = centre > 0
    rng = np.random.default_rng(seed)
    draws = rng.dirichlet(conc * centre[pos], size=n)  # (n, c+)
    u = comp.shape[0]
    first = np.zeros(u, np.int64)
    top3 = np.zeros(u, np.int64)
    rank_sum = np.zeros(u, np.float64)
    for b0 in range(0, n, _BLOCK):  # ranked in blocks: memory stays small for any n
        scores = draws[b0:b0 + _BLOCK] @ comp[:, pos].T  # (block, units)
        order = np.argsort(-scores, axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.broadcast_to(np.arange(1, u + 1), order.shape), axis=1)
        first += np.bincount(order[:, 0], minlength=u)
        top3 += (ranks <= 3).sum(axis=0)
        rank_sum += ranks.sum(axis=0)
    out = pd.DataFrame({
        "adcode": table["adcode"].astype(str),
        "name_zh": table["name_zh"],
        "name_en": table["name_en"],
        "p_first": first / n,
        "p_top3": top3 / n,
        "mean_rank": rank_sum / n,
    })
    out = out.sort_values(["p_first", "mean_rank", "adcode"], ascending=[False, True, True]).reset_index(drop=True)
    out.attrs["params"] = {"n": int(n), "seed": seed, "concentration": conc, "weights": w}
    out.attrs["assumptions"] = [Note("sensitivity.dirichlet", concentration=float(conc))]
    return out
