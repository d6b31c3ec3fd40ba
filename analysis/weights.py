"""Weights of the fit components: defaults, normalisation and AHP (Saaty).

The fit (:mod:`analysis.fit`) adds six components, each in 0..1, with weights that sum to 1.
Weights are set by hand (:func:`normalise_weights`) or derived from a pairwise comparison
matrix by the analytic hierarchy process (:func:`ahp_weights`): the principal eigenvector,
with Saaty's consistency index ``CI = (lambda_max - n) / (n - 1)`` and consistency ratio
``CR = CI / RI(n)``, where ``RI`` is Saaty's random index (Saaty, T. L. (1980), *The Analytic
Hierarchy Process*, McGraw-Hill, Table of average random consistency). A CR above 0.1
means the judgements should be revisited (Saaty 1980); the result then carries a warning.
"""
from __future__ import annotations

import csv
import io
import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.assumptions import COMPONENTS, DEFAULT_WEIGHTS, DEFAULT_WEIGHTS_NOTE
from analysis.notes import Note
from geo.errors import PlannerError
from geo.messages import join_problems
from geo.io import CsvSource, read_csv_text
from geo.validate import check_unique_keys

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "DEFAULT_WEIGHTS_NOTE",
    "RANDOM_INDEX",
    "AHPResult",
    "MAX_AMOUNT",
    "check_amounts",
    "complete_reciprocal",
    "normalise_weights",
    "parse_weights",
    "ahp_weights",
    "read_ahp_csv",
]

log = logging.getLogger(__name__)

#: ASSUMPTION: the largest amount, room, weight or statistic accepted (10^12 in its own unit: a trillion
#: yuan, tonnes or firms is beyond any Guangdong figure). Larger numbers are typing errors, and near the
#: float limit (1e308) sums overflow to infinity and the model's shares silently become 0.
MAX_AMOUNT = 1e12


#: Saaty's random index RI(n) for n = 1..10 (Saaty 1980).
RANDOM_INDEX: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}


def _amount_problems(values: Mapping[str, object]) -> tuple[dict[str, float], list[str]]:
    """The one rule for named amounts: each a finite number from 0 to :data:`MAX_AMOUNT`.

    Returns the values as floats (keys as stripped strings) and one problem string per
    value that breaks the rule; a non-number is left out of the values.
    """
    out: dict[str, float] = {}
    problems: list[str] = []
    for k, v in values.items():
        try:
            fv = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(Note("error.amount.nan", key=k, value=repr(v)))
            continue
        if not np.isfinite(fv) or fv < 0:
            problems.append(Note("error.amount.negative", key=k, value=repr(v)))
        elif fv > MAX_AMOUNT:
            problems.append(Note("error.amount.huge", key=k, value=fv, limit=MAX_AMOUNT))
        out[str(k).strip()] = fv
    return out, problems


def check_amounts(values: Mapping[str, object], *, name: str) -> dict[str, float]:
    """Check that every value is a finite number from 0 to :data:`MAX_AMOUNT` and return them as floats.

    The rule shared by fit weights (:func:`normalise_weights`) and the capacity and room
    of :func:`analysis.allocation.allocate_capacity`.

    Parameters
    ----------
    values : mapping of str -> number
        Name (component, adcode, place id) -> amount.
    name : str
        Argument name used in the error message.

    Returns
    -------
    dict of str -> float
        Same keys (stripped of spaces), values as floats; zeros are allowed.

    Raises
    ------
    PlannerError
        One message naming ``name`` and listing every value that is not a number, not
        finite, negative or above :data:`MAX_AMOUNT`.

    Examples
    --------
    >>> check_amounts({"440118": 100, "445281": "2.5"}, name="origins")
    {'440118': 100.0, '445281': 2.5}
    >>> check_amounts({"a": -1, "b": "x"}, name="room")
    Traceback (most recent call last):
    ...
    geo.errors.PlannerError: `room` is not usable: a=-1 must be a finite number >= 0; b='x' is not a number; give each a finite number >= 0
    """
    out, problems = _amount_problems(values)
    if problems:
        msg = Note("error.amounts", name=name, problems=join_problems(problems))
        raise PlannerError(msg)
    return out


def normalise_weights(weights: Mapping[str, float], *, components: tuple[str, ...] = COMPONENTS) -> dict[str, float]:
    """Check weights and scale them to sum to 1; missing components get 0.

    Parameters
    ----------
    weights : mapping of str -> float
        Component -> non-negative weight; at least one positive.
    components : tuple of str
        Allowed names (default :data:`COMPONENTS`).

    Raises
    ------
    PlannerError
        One message listing every unknown name, negative or non-numeric weight, or an
        all-zero set.

    Examples
    --------
    >>> normalise_weights({"policy": 2, "upstream": 2})["policy"]
    0.5
    """
    problems: list[str] = []
    unknown = sorted(set(weights) - set(components))
    if unknown:
        problems.append(Note("error.weights.unknown", names=unknown, components=list(components)))
    vals, bad = _amount_problems({k: v for k, v in weights.items() if k not in unknown})
    problems.extend(bad)
    if not problems and sum(vals.values()) <= 0:
        problems.append(Note("error.weights.zero"))
    if problems:
        msg = Note("error.weights", problems=join_problems(problems))
        raise PlannerError(msg)
    total = sum(vals.values())
    return {c: vals.get(c, 0.0) / total for c in components}


def parse_weights(text: str) -> dict[str, float]:
    """Parse ``"upstream=0.3,policy=0.4"`` into normalised weights.

    Examples
    --------
    >>> parse_weights("policy=1, site=1")["site"]
    0.5
    """
    pairs: list[tuple[str, float]] = []
    for part in filter(None, (p.strip() for p in str(text).split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            msg = Note("error.weights.no_equals", part=part)
            raise PlannerError(msg)
        try:
            pairs.append((name.strip(), float(value)))
        except ValueError:
            msg = Note("error.weights.nan", part=part, value=value.strip())
            raise PlannerError(msg) from None
    check_unique_keys(pairs, name="`weights`")  # a repeated component would keep its last value silently
    return normalise_weights(dict(pairs))


@dataclass(frozen=True)
class AHPResult:
    """Outcome of :func:`ahp_weights`.

    Attributes
    ----------
    weights : dict of str -> float
        Principal eigenvector scaled to sum 1, keyed by criterion name.
    lambda_max, ci, cr : float
        Principal eigenvalue, consistency index, consistency ratio (NaN for n <= 2: RI is 0
        and a 2x2 reciprocal matrix is always consistent; ``ci`` is then 0).
    warning : str or None
        Set when CR > 0.1.
    """

    weights: dict[str, float]
    lambda_max: float
    ci: float
    cr: float
    warning: str | None = None
    labels: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return {
            "weights": self.weights,
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "cr": None if np.isnan(self.cr) else self.cr,
            "warning": self.warning,
            "random_index_source": "Saaty (1980), The Analytic Hierarchy Process, McGraw-Hill",
        }

    def describe(self, source: str) -> Note:
        """One sentence for a result's assumptions: where the weights came from and how consistent.

        ``source`` names the matrix: a file name as given, or a Note (e.g. ``weights.ahp_typed``).

        Examples
        --------
        >>> ahp_weights(np.ones((3, 3))).describe("pairs.csv")
        "weights by AHP (principal eigenvector) from 'pairs.csv': CR = 0.000, λmax = 3.000"
        """
        lam = float(self.lambda_max)
        if np.isnan(self.cr):
            return Note("weights.ahp.small", source=source, lambda_max=lam)
        code = "weights.ahp.inconsistent" if self.cr > 0.1 else "weights.ahp"
        return Note(code, source=source, cr=float(self.cr), lambda_max=lam)


def ahp_weights(matrix: np.ndarray | pd.DataFrame, *, tol: float = 1e-3) -> AHPResult:
    """Weights from a pairwise comparison matrix by Saaty's eigenvector method.

    Parameters
    ----------
    matrix : array or DataFrame, shape (n, n)
        ``a[i, j]`` = how much more important criterion i is than j (Saaty's 1-9 scale);
        positive and reciprocal (``a[i, j] * a[j, i] = 1``). With a DataFrame the index
        names the criteria (use the component names to feed the fit); with an array
        they are ``c1 .. cn``.
    tol : float
        Relative tolerance of the reciprocity check (judgements such as 1/3 written as
        0.333 pass).

    Returns
    -------
    AHPResult
        Emits a ``UserWarning`` as well when CR > 0.1.

    Raises
    ------
    PlannerError
        Matrix not square, not positive, not reciprocal (the first offending cell is named),
        or larger than the random-index table (n > 10).

    Examples
    --------
    >>> r = ahp_weights(np.array([[1, 3], [1 / 3, 1]]))
    >>> r.weights
    {'c1': 0.75, 'c2': 0.25}
    """
    if isinstance(matrix, pd.DataFrame):
        labels = tuple(str(i) for i in matrix.index)
        check_unique_keys(labels, name="`matrix` criteria")
        if list(map(str, matrix.columns)) != list(labels):
            msg = Note("error.ahp.labels", rows=list(labels), columns=list(map(str, matrix.columns)))
            raise PlannerError(msg)
    else:
        labels = ()
    try:
        a = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        msg = Note("error.ahp.numbers", err=str(exc))
        raise PlannerError(msg) from None
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        msg = Note("error.ahp.square", shape=a.shape)
        raise PlannerError(msg)
    n = a.shape[0]
    if not labels:
        labels = tuple(f"c{i + 1}" for i in range(n))
    if n > max(RANDOM_INDEX):
        msg = Note("error.ahp.too_many", n=n, limit=max(RANDOM_INDEX))
        raise PlannerError(msg)
    bad = ~np.isfinite(a) | (a <= 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        msg = Note("error.ahp.positive", row=labels[i], col=labels[j], value=repr(a[i, j]))
        raise PlannerError(msg)
    prod = a * a.T
    off = np.abs(prod - 1.0) > tol
    if off.any():
        i, j = np.argwhere(off)[0]
        msg = Note("error.ahp.reciprocal", row=labels[i], col=labels[j], a=float(a[i, j]), b=float(a[j, i]),
                   product=float(prod[i, j]))
        raise PlannerError(msg)
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    # λmax >= n for any positive reciprocal matrix (Saaty 1980); rounding can leave it a hair below
    lam = max(float(vals[k].real), float(n))
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else float("nan")
    warning = None
    if ri > 0 and cr > 0.1:
        warning = (
            f"consistency ratio CR = {cr:.3f} exceeds 0.1 (Saaty 1980): the judgements contradict each other; "
            "revisit the comparisons with the largest a[i,j] * w[j] / w[i] deviation"
        )
        warnings.warn(warning, UserWarning, stacklevel=2)
        log.warning(warning)
    return AHPResult(
        weights={lab: float(v) for lab, v in zip(labels, w, strict=True)},
        lambda_max=lam,
        ci=float(ci),
        cr=float(cr),
        warning=warning,
        labels=labels,
    )


def _parse_cell(text: str, *, where: str) -> float:
    t = text.strip()
    try:
        if "/" in t:
            num, den = t.split("/", 1)
            return float(num) / float(den)
        return float(t)
    except (ValueError, ZeroDivisionError):
        msg = Note("error.ahp.cell", where=where, text=text)
        raise PlannerError(msg) from None


def complete_reciprocal(upper: pd.DataFrame) -> pd.DataFrame:
    """Fill a pairwise matrix from its upper triangle: ``a[j, i] = 1 / a[i, j]``, diagonal 1.

    Cells may be numbers or text (``3``, ``0.5``, ``1/3``); only cells above the diagonal
    are read, so a planner types each judgement once.

    Raises
    ------
    PlannerError
        A cell above the diagonal that is not a positive number or fraction (every such
        cell is named in one message), or a matrix that is not square.

    Examples
    --------
    >>> m = pd.DataFrame([["1", "3"], ["", "1"]], index=["a", "b"], columns=["a", "b"])
    >>> complete_reciprocal(m).round(4).values.tolist()
    [[1.0, 3.0], [0.3333, 1.0]]
    """
    if upper.shape[0] != upper.shape[1]:
        msg = Note("error.ahp.upper_square", shape=upper.shape)
        raise PlannerError(msg)
    n = upper.shape[0]
    a = np.ones((n, n))
    problems: list[str] = []
    iu, ju = np.triu_indices(n, k=1)
    for i, j in zip(iu, ju):  # n(n-1)/2 typed judgements (15 for six components): parsed one by one for messages
        where = Note("error.ahp.where_cell", row=upper.index[i], col=upper.columns[j])
        try:
            v = _parse_cell(str(upper.iat[i, j]), where=where)
        except PlannerError as exc:
            problems.append(exc.args[0])
            continue
        if not np.isfinite(v) or v <= 0:
            problems.append(Note("error.ahp.judgement", where=where, value=v))
            continue
        a[i, j], a[j, i] = v, 1.0 / v
    if problems:
        msg = Note("error.ahp.bad_cells", problems=join_problems(problems))
        raise PlannerError(msg)
    return pd.DataFrame(a, index=upper.index, columns=upper.columns)


def read_ahp_csv(path: CsvSource) -> pd.DataFrame:
    """Read a pairwise comparison matrix: header row of criteria, one row per criterion.

    The first column holds the row names; cells may be decimals or fractions (``1/3``).
    The file may be UTF-8 (with or without BOM) or GB18030/GBK as Excel saves "CSV" on a
    Chinese system (decoded by :func:`geo.io.read_csv_text`); a text file-like is read as it is.

    Examples
    --------
    >>> read_ahp_csv(io.StringIO(",policy,site\\npolicy,1,3\\nsite,1/3,1\\n")).loc["site", "policy"].round(4)
    np.float64(0.3333)
    >>> read_ahp_csv(io.BytesIO(",政策,场地\\n政策,1,3\\n场地,1/3,1\\n".encode("gbk"))).index.tolist()
    ['政策', '场地']
    """
    rows = list(csv.reader(io.StringIO(read_csv_text(path, name="`path`"), newline="")))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        msg = Note("error.ahp.empty")
        raise PlannerError(msg)
    header = [c.strip() for c in rows[0][1:]]
    check_unique_keys(header, name=Note("error.ahp.header"))  # a repeated criterion would share its weight unseen
    names, data = [], []
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(header) + 1:
            msg = Note("error.ahp.line_length", line=i, n=len(r) - 1, expected=len(header))
            raise PlannerError(msg)
        names.append(r[0].strip())
        data.append([_parse_cell(c, where=Note("error.ahp.where_line", line=i, col=header[j])) for j, c in enumerate(r[1:])])
    if names != header:
        msg = Note("error.ahp.names", names=names, header=header)
        raise PlannerError(msg)
    return pd.DataFrame(data, index=names, columns=header)
