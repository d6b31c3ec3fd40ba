"""Rescale a criterion (km, degrees, shares) into a 0..1 score, in place and float32.

Methods (``breakpoints`` are in the criterion's own unit and must increase strictly):

=========  ===============  ==============================================================
method     breakpoints      score
=========  ===============  ==============================================================
linear     (low, high)      0 at or below ``low``, rising in a straight line to 1 at ``high``
inverse    (low, high)      1 at or below ``low``, falling in a straight line to 0 at ``high``
large      (a, b)           fuzzy "large": 0 up to ``a``, an S-curve to 1 at ``b``
small      (a, b)           fuzzy "small": 1 up to ``a``, an S-curve to 0 at ``b``
near       (a, b, c, d)     fuzzy "near": 0 up to ``a``, S-curve up to 1 on ``b..c``, down to 0 at ``d``
=========  ===============  ==============================================================

The S-curve between two breakpoints is ``s(t) = (1 - cos(pi t)) / 2`` with ``t`` the position
between them (0..1): it leaves and reaches the plateaus smoothly, the classic fuzzy S-function
shape, and equals 0.5 half-way. NaN (no data) stays NaN.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from analysis.notes import Note
from geo.errors import PlannerError

__all__ = ["METHODS", "Rescale", "parse_breakpoints", "rescale_values"]

#: method -> number of breakpoints
METHODS: dict[str, int] = {"linear": 2, "inverse": 2, "large": 2, "small": 2, "near": 4}


@dataclasses.dataclass(frozen=True)
class Rescale:
    """A validated rescaling rule: ``method`` and its increasing ``breakpoints``.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    breakpoints : tuple of float
        Two (four for ``near``) strictly increasing finite numbers.
    criterion : str
        Named in error messages.

    Raises
    ------
    PlannerError
        For an unknown method, a wrong number of breakpoints, or breakpoints out of order.

    Examples
    --------
    >>> Rescale("small", (5, 30), criterion="port_km").describe()
    'small (fuzzy) 5 -> 30'
    >>> Rescale("small", (30, 5), criterion="port_km")
    Traceback (most recent call last):
    ...
    geo.errors.PlannerError: criterion 'port_km': breakpoints of 'small' must increase strictly (a < b), got (30.0, 5.0); put them in increasing order
    """

    method: str
    breakpoints: tuple[float, ...]
    criterion: str = "criterion"

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            msg = f"criterion {self.criterion!r}: rescale method must be one of {list(METHODS)}, got {self.method!r}"
            raise PlannerError(msg)
        try:
            bp = tuple(float(b) for b in self.breakpoints)
        except (TypeError, ValueError) as exc:
            msg = f"criterion {self.criterion!r}: breakpoints must be numbers, got {self.breakpoints!r}"
            raise PlannerError(msg) from exc
        need = METHODS[self.method]
        names = "a < b < c < d" if need == 4 else ("low < high" if self.method in ("linear", "inverse") else "a < b")
        if len(bp) != need:
            msg = (f"criterion {self.criterion!r}: {self.method!r} takes {need} breakpoints ({names}), "
                   f"got {len(bp)}: {bp}")
            raise PlannerError(msg)
        if not all(math.isfinite(b) for b in bp):
            msg = f"criterion {self.criterion!r}: breakpoints must be finite numbers, got {bp}"
            raise PlannerError(msg)
        if any(b1 >= b2 for b1, b2 in zip(bp, bp[1:])):
            msg = (f"criterion {self.criterion!r}: breakpoints of {self.method!r} must increase strictly ({names}), "
                   f"got {bp}; put them in increasing order")
            raise PlannerError(msg)
        object.__setattr__(self, "breakpoints", bp)

    def describe(self) -> Note:
        """Short text, e.g. ``'inverse 0 -> 50'`` (a :class:`~analysis.notes.Note`: the method in words)."""
        return Note(f"rescale.{self.method}", breakpoints=" -> ".join(f"{b:g}" for b in self.breakpoints))

    def apply(self, values: np.ndarray, *, out: np.ndarray | None = None) -> np.ndarray:
        """Score ``values`` (see the module table) into ``out`` (float32; may be ``values`` itself).

        Examples
        --------
        >>> r = Rescale("near", (0, 10, 20, 30))
        >>> r.apply(np.array([-5, 5, 15, 25, 40, np.nan], np.float32)).tolist()
        [0.0, 0.5, 1.0, 0.5, 0.0, nan]
        """
        return rescale_values(values, self.method, self.breakpoints, out=out)


def parse_breakpoints(text: str | Sequence[float], *, criterion: str = "criterion") -> tuple[float, ...]:
    """Breakpoints from ``"5;30"`` (also ``,`` or spaces) or a sequence of numbers.

    Examples
    --------
    >>> parse_breakpoints("0; 10;20 ;30")
    (0.0, 10.0, 20.0, 30.0)
    """
    if isinstance(text, str):
        parts = [p for p in text.replace(",", ";").replace(" ", ";").split(";") if p]
    else:
        parts = list(text)
    try:
        return tuple(float(p) for p in parts)
    except (TypeError, ValueError) as exc:
        msg = f"criterion {criterion!r}: breakpoints must be numbers separated by ';', got {text!r}"
        raise PlannerError(msg) from exc


def _ramp(values: np.ndarray, lo: float, hi: float, out: np.ndarray) -> np.ndarray:
    """out = clip((values - lo) / (hi - lo), 0, 1), NaN kept; in place."""
    np.subtract(values, np.float32(lo), out=out)
    np.multiply(out, np.float32(1.0 / (hi - lo)), out=out)
    np.clip(out, 0.0, 1.0, out=out)
    return out


def _s_curve(t: np.ndarray) -> np.ndarray:
    """t -> (1 - cos(pi t)) / 2, in place."""
    np.multiply(t, np.float32(math.pi), out=t)
    np.cos(t, out=t)
    np.subtract(np.float32(1.0), t, out=t)
    np.multiply(t, np.float32(0.5), out=t)
    return t


def rescale_values(
    values: np.ndarray,
    method: str,
    breakpoints: Sequence[float],
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Score ``values`` by ``method`` and ``breakpoints`` (unvalidated; see :class:`Rescale`).

    Parameters
    ----------
    values : numpy.ndarray
        Any float array; NaN = no data.
    method, breakpoints
        See the module table.
    out : numpy.ndarray, optional
        float32 output of the same shape; may be ``values`` itself (in place).

    Examples
    --------
    >>> rescale_values(np.array([0, 5, 10, 20], np.float32), "inverse", (0, 10)).tolist()
    [1.0, 0.5, 0.0, 0.0]
    >>> rescale_values(np.array([0, 5, 10], np.float32), "small", (0, 10)).tolist()
    [1.0, 0.5, 0.0]
    """
    if out is None:
        out = np.empty(np.shape(values), dtype=np.float32)
    bp = [float(b) for b in breakpoints]
    if method == "linear":
        return _ramp(values, bp[0], bp[1], out)
    if method == "inverse":
        _ramp(values, bp[0], bp[1], out)
        return np.subtract(np.float32(1.0), out, out=out)
    if method == "large":
        return _s_curve(_ramp(values, bp[0], bp[1], out))
    if method == "small":
        _s_curve(_ramp(values, bp[0], bp[1], out))
        return np.subtract(np.float32(1.0), out, out=out)
    if method == "near":
        # rising edge on a..b, falling edge on c..d: score = s(rise) * (1 - s(fall)) (one of them is 1)
        a, b, c, d = bp
        src = values
        if np.shares_memory(values, out):
            src = values.copy()
        _s_curve(_ramp(src, a, b, out))
        fall = _s_curve(_ramp(src, c, d, np.empty_like(out)))
        np.subtract(np.float32(1.0), fall, out=fall)
        return np.multiply(out, fall, out=out)
    msg = f"rescale method must be one of {list(METHODS)}, got {method!r}"
    raise PlannerError(msg)
