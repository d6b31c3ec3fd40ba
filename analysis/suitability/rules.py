"""The editable table of site criteria per stage (``data/model/site_criteria.csv``), read and validated.

Each row sets, for one stage (or ``default`` for all), a criterion's weight, its rescaling
(method and breakpoints, :mod:`analysis.suitability.rescale`), an optional limit (cells whose
raw value exceeds it are restricted) and a note saying why (``note_zh``, optional: the same in
Chinese) — every row is an ASSUMPTION of this project. A stage's own row replaces the ``default`` row of the same criterion; weight 0
means "not scored", while its limit still applies.
"""
from __future__ import annotations

import dataclasses
import io
import math
import os
from pathlib import Path

import pandas as pd

from analysis.notes import Note
from analysis.suitability.rescale import Rescale, parse_breakpoints
from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from layers.places import STAGES

__all__ = [
    "CRITERIA",
    "URBAN_RADIUS_M",
    "CriterionRule",
    "criterion_name_zh",
    "read_site_criteria",
    "rules_for_stage",
]

#: criterion id -> (unit, English label, Chinese label)
CRITERIA: dict[str, tuple[str, str, str]] = {
    "port_km": ("km", "Distance to a port", "距港口距离"),
    "airport_km": ("km", "Distance to an airport", "距机场距离"),
    "road_km": ("km", "Distance to a trunk road", "距干线公路距离"),
    "rail_km": ("km", "Distance to a railway", "距铁路距离"),
    "related_km": ("km", "Distance to parks and clusters of related stages", "距相关环节园区与集群距离"),
    "origin_km": ("km", "Distance to the origin", "距转出地距离"),
    "slope_deg": ("degrees", "Slope", "坡度"),
    "urban_share": ("share 0..1", "Urban and built-up land nearby", "周边城镇建设用地占比"),
}
#: ASSUMPTION: ``urban_share`` counts urban land within this half-width (metres) of a cell.
URBAN_RADIUS_M: float = 10_000.0
_COLUMNS = ("stage", "criterion", "weight", "method", "breakpoints", "limit", "note")


@dataclasses.dataclass(frozen=True)
class CriterionRule:
    """How one criterion enters a stage's surface.

    Examples
    --------
    >>> r = CriterionRule("port_km", 0.2, Rescale("small", (10, 80), criterion="port_km"))
    >>> r.describe()
    'port_km: weight 0.2, small (fuzzy) 10 -> 80'
    """

    criterion: str
    weight: float
    rescale: Rescale
    limit: float | None = None
    note: str = ""  # why: the table's note column as given, or a Note for a planner's criterion
    note_zh: str = ""  # the same in Chinese (the table's optional note_zh column), for the app and the report

    def describe(self) -> Note:
        """One line: weight, rescaling, limit (a :class:`~analysis.notes.Note`)."""
        kw = {"criterion": self.criterion, "name_zh": criterion_name_zh(self.criterion), "weight": float(self.weight),
              "rescale": self.rescale.describe()}
        if self.limit is None:
            return Note("site.rule", **kw)
        return Note("site.rule.limit", **kw, limit=float(self.limit))


def criterion_name_zh(criterion: str) -> str:
    """The Chinese name of a criterion (:data:`CRITERIA`), or its id for a planner's new one.

    Examples
    --------
    >>> criterion_name_zh("port_km"), criterion_name_zh("noise_db")
    ('距港口距离', 'noise_db')
    """
    return CRITERIA.get(criterion, ("", criterion, criterion))[2]


def read_site_criteria(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read and validate the criteria table; one :class:`~geo.errors.LayerValidationError` lists every problem.

    Parameters
    ----------
    path : str or path-like, optional
        Another table with the same columns; default ``data/model/site_criteria.csv``.

    Examples
    --------
    >>> t = read_site_criteria()
    >>> sorted(set(t["stage"]))[:3]
    ['apparel', 'default', 'design_trade']
    """
    p = Path(path) if path is not None else get_path("site_criteria")
    if not p.exists():
        msg = f"site criteria table {p} does not exist; pass a CSV with columns {', '.join(_COLUMNS)}"
        raise PlannerError(msg)
    text = p.read_text(encoding="utf-8-sig")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    df = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    problems: list[str] = []
    missing = [c for c in _COLUMNS if c not in df.columns]
    if missing:
        raise LayerValidationError([f"columns {missing} are missing (expected {list(_COLUMNS)})"], layer=p.name)
    df = df.apply(lambda s: s.str.strip())
    bad_stage = ~df["stage"].isin(("default", *STAGES))
    if bad_stage.any():
        problems.append(f"unknown stage(s) {sorted(set(df.loc[bad_stage, 'stage']))}; use 'default' or one of {list(STAGES)}")
    bad_crit = ~df["criterion"].isin(CRITERIA)
    if bad_crit.any():
        problems.append(f"unknown criterion(s) {sorted(set(df.loc[bad_crit, 'criterion']))}; use one of {list(CRITERIA)}")
    dup = df.duplicated(["stage", "criterion"])
    if dup.any():
        problems.append(f"duplicate (stage, criterion) rows: {df.loc[dup, ['stage', 'criterion']].values.tolist()[:5]}")
    weights = pd.to_numeric(df["weight"], errors="coerce")
    bad_w = weights.isna() | (weights < 0) | ~weights.map(lambda v: math.isfinite(v) if pd.notna(v) else False)
    if bad_w.any():
        problems.append(f"weights must be numbers >= 0; bad in rows {list(df.index[bad_w][:5] + 2)}: "
                        f"{df.loc[bad_w, 'weight'].tolist()[:5]}")
    limits = pd.to_numeric(df["limit"].replace("", None), errors="coerce")
    bad_l = (df["limit"] != "") & limits.isna()
    if bad_l.any():
        problems.append(f"limit must be a number or blank; bad: {df.loc[bad_l, 'limit'].tolist()[:5]}")
    for i, row in df.iterrows():  # few rows; each rescale validated with its own message
        try:
            Rescale(row["method"], parse_breakpoints(row["breakpoints"], criterion=row["criterion"]),
                    criterion=f"{row['stage']}/{row['criterion']}")
        except PlannerError as exc:
            problems.append(f"row {i + 2}: {exc}")
    if problems:
        raise LayerValidationError(problems, layer=f"site criteria table {p.name}")
    out = df.copy()
    out["weight"] = weights.astype(float)
    out["limit"] = limits.astype(float)
    return out


def rules_for_stage(stage: str, *, table: pd.DataFrame | None = None) -> list[CriterionRule]:
    """The criteria of ``stage``: its own rows over the ``default`` rows.

    Examples
    --------
    >>> [r.criterion for r in rules_for_stage("dyeing") if r.weight > 0]
    ['port_km', 'road_km', 'related_km', 'origin_km', 'slope_deg', 'urban_share']
    """
    if stage not in STAGES:
        msg = f"`stage` {stage!r} is not a stage id; use one of: {', '.join(STAGES)}"
        raise UnknownNameError(msg)
    t = read_site_criteria() if table is None else table
    base = t[t["stage"] == "default"].set_index("criterion")
    own = t[t["stage"] == stage].set_index("criterion")
    merged = pd.concat([base.drop(index=own.index, errors="ignore"), own])
    merged = merged.reindex([c for c in CRITERIA if c in merged.index])
    return [
        CriterionRule(
            criterion=str(c),
            weight=float(r["weight"]),
            rescale=Rescale(r["method"], parse_breakpoints(r["breakpoints"], criterion=str(c)), criterion=str(c)),
            limit=None if pd.isna(r["limit"]) else float(r["limit"]),
            note=str(r["note"]),
            note_zh=str(r["note_zh"]) if "note_zh" in r.index and not pd.isna(r["note_zh"]) else "",
        )
        for c, r in merged.iterrows()
    ]
