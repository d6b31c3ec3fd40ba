"""Relatedness of stages and units: RCA, proximity and density (Hidalgo et al. 2007).

The definitions follow Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007),
*The Product Space Conditions the Development of Nations*, Science 317(5837): 482-487,
exactly as the reference package ``ecomplexity`` 0.5.3 computes them (discrete proximity,
symmetric, presence test ``rca`` with threshold 1), so that the test suite can check one
against the other:

* ``RCA[c, p] = (x[c, p] / sum_p x[c, p]) / (sum_c x[c, p] / sum_cp x[c, p])``
* ``M[c, p] = 1`` where ``RCA >= threshold`` (1 by default), else 0
* ``phi[p, q] = sum_c M[c, p] M[c, q] / max(k_p, k_q)`` with ubiquity ``k_p = sum_c M[c, p]``
* ``density[c, p] = sum_q M[c, q] phi[p, q] / sum_q phi[p, q]``

Units (rows) or stages (columns) whose total is zero have no defined RCA. ``ecomplexity``
drops them; here they stay in place with RCA 0, presence 0, proximity 0 to every stage and
density 0, so the shape of the result always matches the input. For the units and stages
that are not zero the numbers equal ``ecomplexity``'s.

Everything is numpy over whole matrices; divisions by zero are masked explicitly (no
warnings are raised).
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from geo.errors import PlannerError

__all__ = ["compute_rca", "compute_presence", "compute_proximity", "compute_density", "relatedness_density"]

log = logging.getLogger(__name__)

REFERENCE = (
    "Hidalgo, Klinger, Barabási & Hausmann (2007), The Product Space Conditions the Development "
    "of Nations, Science 317:482-487; as implemented in ecomplexity 0.5.3"
)


def _as_matrix(x: np.ndarray | pd.DataFrame, *, name: str = "x") -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 2:
        msg = f"`{name}` must be a 2-D matrix (units x stages), got an array of shape {arr.shape}; pass a DataFrame or 2-D array"
        raise PlannerError(msg)
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        msg = (
            f"`{name}` must hold finite values >= 0; {int(bad.sum())} cell(s) do not, e.g. row {r}, column {c} "
            f"= {arr[r, c]!r}; replace missing or negative values with 0"
        )
        raise PlannerError(msg)
    return arr


def _wrap(values: np.ndarray, like: np.ndarray | pd.DataFrame, *, square: bool = False) -> np.ndarray | pd.DataFrame:
    if isinstance(like, pd.DataFrame):
        if square:
            return pd.DataFrame(values, index=like.columns, columns=like.columns)
        return pd.DataFrame(values, index=like.index, columns=like.columns)
    return values


def compute_rca(x: np.ndarray | pd.DataFrame) -> np.ndarray | pd.DataFrame:
    """Balassa's revealed comparative advantage of each unit in each stage.

    Parameters
    ----------
    x : array or DataFrame, shape (units, stages)
        Non-negative activity (output, firm counts or ordinal capability levels).

    Returns
    -------
    array or DataFrame
        Same type and shape as ``x``; 0 where a unit's or a stage's total is zero.

    Examples
    --------
    >>> compute_rca(np.array([[2.0, 0.0], [1.0, 1.0]])).round(3).tolist()
    [[1.333, 0.0], [0.667, 2.0]]
    """
    arr = _as_matrix(x)
    row = arr.sum(axis=1, keepdims=True)
    col = arr.sum(axis=0, keepdims=True)
    total = arr.sum()
    expected = row * col  # x_c. * x_.p ; RCA = x_cp * total / expected
    rca = np.zeros_like(arr)
    np.divide(arr * total, expected, out=rca, where=expected > 0)
    return _wrap(rca, x)


def compute_presence(x: np.ndarray | pd.DataFrame, *, threshold: float = 1.0) -> np.ndarray | pd.DataFrame:
    """Binary presence ``M[c, p] = RCA[c, p] >= threshold`` (as 0.0 / 1.0).

    Examples
    --------
    >>> compute_presence(np.array([[2.0, 0.0], [1.0, 1.0]])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    rca = np.asarray(compute_rca(x), dtype=float)
    return _wrap((rca >= threshold).astype(float), x)


def compute_proximity(m: np.ndarray | pd.DataFrame) -> np.ndarray | pd.DataFrame:
    """Proximity ``phi[p, q] = sum_c M_cp M_cq / max(k_p, k_q)`` between stages.

    Parameters
    ----------
    m : array or DataFrame, shape (units, stages)
        Binary presence matrix (see :func:`compute_presence`).

    Returns
    -------
    array or DataFrame, shape (stages, stages)
        Symmetric, 1 on the diagonal of every stage present somewhere, 0 for a stage
        present nowhere.

    Examples
    --------
    >>> compute_proximity(np.array([[1.0, 1.0], [1.0, 0.0]])).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """
    arr = _as_matrix(m, name="m")
    co = arr.T @ arr
    k = arr.sum(axis=0)
    kmax = np.maximum(k[:, None], k[None, :])
    phi = np.zeros_like(co)
    np.divide(co, kmax, out=phi, where=kmax > 0)
    return _wrap(phi, m, square=True)


def compute_density(m: np.ndarray | pd.DataFrame, phi: np.ndarray | pd.DataFrame) -> np.ndarray | pd.DataFrame:
    """Density ``sum_q M[c, q] phi[p, q] / sum_q phi[p, q]`` of each stage around each unit.

    In 0..1: the share of what is related to stage ``p`` that unit ``c`` already does.
    A stage with no proximity to anything (present nowhere) has density 0.

    Examples
    --------
    >>> m = np.array([[1.0, 1.0], [1.0, 0.0]])
    >>> compute_density(m, compute_proximity(m)).round(3).tolist()
    [[1.0, 1.0], [0.667, 0.333]]
    """
    marr = _as_matrix(m, name="m")
    parr = _as_matrix(phi, name="phi")
    if parr.shape != (marr.shape[1], marr.shape[1]):
        msg = f"`phi` must be stages x stages ({marr.shape[1]}x{marr.shape[1]}) to match `m`, got {parr.shape}"
        raise PlannerError(msg)
    den = parr.sum(axis=1)
    num = marr @ parr.T
    dens = np.zeros_like(num)
    np.divide(num, den[None, :], out=dens, where=den[None, :] > 0)
    return _wrap(dens, m)


def relatedness_density(x: np.ndarray | pd.DataFrame, *, threshold: float = 1.0) -> np.ndarray | pd.DataFrame:
    """Density of every stage at every unit, straight from the activity matrix ``x``.

    RCA -> presence (``RCA >= threshold``) -> proximity -> density, as in
    Hidalgo et al. (2007).

    Examples
    --------
    >>> x = pd.DataFrame([[3, 1, 0], [0, 2, 2], [1, 0, 3]], index=list("abc"), columns=["s", "t", "u"])
    >>> relatedness_density(x).round(2)
          s     t     u
    a  1.00  0.75  0.33
    b  0.33  0.75  1.00
    c  0.00  0.25  0.67
    """
    m = compute_presence(x, threshold=threshold)
    return compute_density(m, compute_proximity(m))
