"""The project's domain errors, defined in one place.

Every problem a user can fix (a bad file, an unknown code, a weight matrix that is not
reciprocal) raises a subclass of :class:`PlannerError`, itself a ``ValueError``, so the
app can turn any of them into a clear message with one ``except ValueError``.
"""
from __future__ import annotations

from collections.abc import Callable

__all__ = ["PlannerError", "LayerValidationError", "UnknownNameError", "CRSError", "ScenarioError",
           "ScenarioStoreError", "RasterError", "ExportError", "FontMissingError", "set_layer_message"]


def _english_problems(layer: str, problems: list[str]) -> str:
    return f"{layer} has {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems)


#: How a LayerValidationError words its problems: English text here; geo.messages, which imports this
#: module, installs a coded one (the same English, code ``error.layer``) when it loads (set_layer_message).
_layer_message: Callable[[str, list[str]], str] = _english_problems


def set_layer_message(build: Callable[[str, list[str]], str]) -> None:
    """Install how :class:`LayerValidationError` builds its message (``geo.messages`` codes it).

    Examples
    --------
    >>> set_layer_message(_layer_message)  # unchanged
    """
    global _layer_message  # noqa: PLW0603 - one hook, set once by geo.messages (which imports this module)
    _layer_message = build


class PlannerError(ValueError):
    """Base class of every user-fixable error raised by this project."""


class LayerValidationError(PlannerError):
    """A layer failed validation; the message lists every problem found."""

    def __init__(self, problems: list[str], *, layer: str = "layer") -> None:
        self.problems = list(problems)
        self.layer = layer
        msg = _layer_message(layer, self.problems)
        super().__init__(msg)


class UnknownNameError(PlannerError, KeyError):
    """A city, county, stage or layer name or code that does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0]) if self.args else ""


class CRSError(PlannerError):
    """A coordinate reference system is missing or not the one expected."""


class ScenarioError(PlannerError):
    """A scenario, its name or a scenario file cannot be used; the message says what to fix."""


class ScenarioStoreError(ScenarioError):
    """The scenario store file cannot be used (not SQLite, damaged, newer schema, locked); it is left untouched."""


class RasterError(PlannerError):
    """A raster file cannot be used as given (unreadable, no CRS, outside Guangdong, too large)."""


class ExportError(PlannerError):
    """An export was asked for with arguments it cannot honour (wrong layer type, mixed geometry kinds, bad grid)."""


class FontMissingError(PlannerError):
    """No font able to draw Chinese is installed (the static maps of the report need one)."""
