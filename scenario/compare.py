"""Two or more saved scenarios side by side: rank changes, score differences per destination, what differs.

:func:`compare_scenarios` runs each scenario's fit on its own tables and exclusion areas
(:func:`scenario.convert.run_scenario_fit`) and lines the rankings up by destination: the
first scenario is the baseline, and for each other one the table holds how many places each
destination gained (``rank_change_k = rank_0 - rank_k``: positive = moved up), its score
difference (``score_diff_k = score_k - score_0``) and whether it entered or left the ranking.
:func:`difference_frame` puts one of those differences on the unit polygons for a difference
map; :func:`rank_changes` lists the largest moves; the settings that differ come from
:func:`scenario.differences.compare_settings` (the app's widget values left out: they repeat
the settings).

Examples
--------
>>> from scenario.convert import settings_to_scenario
>>> a = settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="base")
>>> b = settings_to_scenario(StudySettings(stage="apparel", origin="440118", half_life_h=6.0), name="slower decay")
>>> c = compare_scenarios([a, b])
>>> c.names, c.differences["slower decay"]
(('base', 'slower decay'), [('half_life_h', 2.0, 6.0)])
>>> {"rank_0", "rank_1", "rank_change_1", "score_diff_1", "status_1"} <= set(c.table.columns)
True
"""
from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.fit import FitResult
from geo.errors import ScenarioError
from geo.messages import Note
from layers.boundaries import load_boundaries
from outputs.report import Report, build_report
from outputs.report_comparison import build_comparison_section
from scenario.convert import ScenarioStudy, scenario_to_study
from scenario.differences import compare_settings
from scenario.record import Scenario
from scenario.settings import StudySettings  # noqa: F401  (the examples build studies)
from scenario.study import run_scenario_fit

__all__ = ["Comparison", "build_comparison_report", "compare_scenarios", "compare_stored", "difference_frame",
           "rank_changes"]

_ID_COLUMNS = ("adcode", "name_zh", "name_en", "region")
#: Settings keys left out of the differences: the app's widget values repeat the settings.
_HIDDEN = ("widgets.",)


@dataclass(frozen=True)
class Comparison:
    """Scenarios side by side.

    Attributes
    ----------
    names : tuple of str
        Scenario names; the first is the baseline.
    level : {"county", "city"}
    table : DataFrame
        One row per destination any fit ranks or lists: ``adcode, name_zh, name_en, region``,
        then ``rank_k`` (Int64, NA when not ranked), ``score_k`` and ``eligible_k`` per
        scenario ``k``, and for ``k >= 1`` ``rank_change_k`` (places gained against the
        baseline), ``score_diff_k`` and ``status_k`` (``"new"``: ranked only in ``k``,
        ``"dropped"``: ranked only in the baseline, ``""`` otherwise). Sorted by baseline rank.
    fits : tuple of FitResult
    differences : dict of str -> list of (key, baseline value, value)
        For each other scenario, the settings, tables, areas and data versions that differ.
    data_changes : dict of str -> tuple
        For each scenario, embedded datasets changed since it was saved (dataset, saved, current).
    """

    names: tuple[str, ...]
    level: str
    table: pd.DataFrame
    fits: tuple[FitResult, ...] = field(repr=False)
    differences: dict[str, list[tuple[str, Any, Any]]] = field(default_factory=dict)
    data_changes: dict[str, tuple[tuple[str, str | None, str | None], ...]] = field(default_factory=dict)


def _line_up(fits: Sequence[FitResult]) -> pd.DataFrame:
    base = pd.concat([f.table[list(_ID_COLUMNS)] for f in fits], ignore_index=True).drop_duplicates("adcode")
    out = base.reset_index(drop=True)
    for k, f in enumerate(fits):
        t = f.table[["adcode", "rank", "score", "eligible"]].rename(
            columns={"rank": f"rank_{k}", "score": f"score_{k}", "eligible": f"eligible_{k}"})
        out = out.merge(t, on="adcode", how="left")
        out[f"rank_{k}"] = out[f"rank_{k}"].astype("Int64")
        out[f"eligible_{k}"] = out[f"eligible_{k}"].astype("boolean").fillna(False).astype(bool)
    r0 = out["rank_0"]
    for k in range(1, len(fits)):
        rk = out[f"rank_{k}"]
        out[f"rank_change_{k}"] = (r0 - rk).astype("Int64")
        out[f"score_diff_{k}"] = out[f"score_{k}"] - out["score_0"]
        status = np.where(rk.notna() & r0.isna(), "new", np.where(rk.isna() & r0.notna(), "dropped", ""))
        out[f"status_{k}"] = status
    order = [out[f"rank_{k}"].astype("Float64").fillna(np.inf) for k in range(len(fits))]
    keys = pd.DataFrame({f"o{k}": o for k, o in enumerate(order)}).assign(adcode=out["adcode"])
    return out.loc[keys.sort_values([*keys.columns[:-1], "adcode"], kind="stable").index].reset_index(drop=True)


def _differences(a: Scenario, b: Scenario) -> list[tuple[str, Any, Any]]:
    # a mapping on one side only (weights set vs the defaults) also shows as (key, None, None): not a difference
    return [d for d in compare_settings(a, b) if not d[0].startswith(_HIDDEN) and (d[1], d[2]) != (None, None)]


def compare_scenarios(records: Sequence[Scenario]) -> Comparison:
    """Run two or more scenarios and line up their rankings; the first is the baseline.

    Raises
    ------
    ScenarioError
        Fewer than two scenarios, scenarios at different levels (they rank different units),
        or a scenario naming stages, units or files that no longer exist.

    Examples
    --------
    >>> from scenario.convert import settings_to_scenario
    >>> a = settings_to_scenario(StudySettings(stage="dyeing", origin="440118"), name="a")
    >>> b = settings_to_scenario(StudySettings(stage="dyeing", origin="440100", level="city"), name="b")
    >>> compare_scenarios([a, b])
    Traceback (most recent call last):
    geo.errors.ScenarioError: scenarios 'a' (county) and 'b' (city) rank different units; compare scenarios at the same level
    """
    recs = list(records)
    if len(recs) < 2:
        msg = Note("error.compare.two", n=len(recs))
        raise ScenarioError(msg)
    studies: list[ScenarioStudy] = [scenario_to_study(r) for r in recs]
    levels = [s.settings.level for s in studies]
    for s in studies[1:]:
        if s.settings.level != levels[0]:
            msg = Note("error.compare.levels", a=studies[0].name, level_a=levels[0], b=s.name, level_b=s.settings.level)
            raise ScenarioError(msg)
    fits = tuple(run_scenario_fit(s) for s in studies)
    return Comparison(
        names=tuple(s.name for s in studies), level=levels[0], table=_line_up(fits), fits=fits,
        differences={r.name: _differences(recs[0], r) for r in recs[1:]},
        data_changes={s.name: s.data_changes for s in studies if s.data_changes},
    )


def compare_stored(store: Any, names: Sequence[str]) -> Comparison:
    """:func:`compare_scenarios` of the scenarios called ``names`` in an open store.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scenario.convert import settings_to_scenario
    >>> from scenario.store import open_store
    >>> with open_store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite") as store:
    ...     for n, h in (("2 h", 2.0), ("4 h", 4.0)):
    ...         _ = store.save(settings_to_scenario(StudySettings(stage="apparel", origin="440118", half_life_h=h), name=n))
    ...     compare_stored(store, ["2 h", "4 h"]).names
    ('2 h', '4 h')
    """
    return compare_scenarios([store.get(n) for n in names])


def _against(comparison: Comparison, against: int | str) -> int:
    k = comparison.names.index(against) if isinstance(against, str) and against in comparison.names else against
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k < len(comparison.names):
        msg = Note("error.compare.against", names=", ".join(map(repr, comparison.names[1:])),
                   last=len(comparison.names) - 1, got=repr(against))
        raise ScenarioError(msg)
    return k


def rank_changes(comparison: Comparison, *, against: int | str = 1, top: int = 10) -> pd.DataFrame:
    """The destinations whose rank moved most against the baseline (entries and exits first), at most ``top``.

    Columns ``adcode, name_zh, name_en, region, rank_before, rank_after, rank_change, score_before,
    score_after, score_diff, status``.

    Examples
    --------
    >>> from scenario.convert import settings_to_scenario
    >>> a = settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="a")
    >>> b = settings_to_scenario(StudySettings(stage="apparel", origin="440118", weights=(("policy", 1.0),)), name="b")
    >>> r = rank_changes(compare_scenarios([a, b]), top=3)
    >>> len(r), list(r.columns[-3:])
    (3, ['score_after', 'score_diff', 'status'])
    """
    k = _against(comparison, against)
    t = comparison.table
    out = pd.DataFrame({
        **{c: t[c] for c in _ID_COLUMNS},
        "rank_before": t["rank_0"], "rank_after": t[f"rank_{k}"], "rank_change": t[f"rank_change_{k}"],
        "score_before": t["score_0"], "score_after": t[f"score_{k}"], "score_diff": t[f"score_diff_{k}"],
        "status": t[f"status_{k}"],
    })
    moved = out[(out["status"] != "") | (out["rank_change"].fillna(0) != 0)]
    key = pd.DataFrame({"entry": moved["status"].eq("").astype(int),
                        "size": -moved["rank_change"].abs().astype("Float64").fillna(0),
                        "rank": moved["rank_before"].astype("Float64").fillna(np.inf)}, index=moved.index)
    return moved.loc[key.sort_values(["entry", "size", "rank"], kind="stable").index].head(int(top)).reset_index(drop=True)


def difference_frame(comparison: Comparison, *, against: int | str = 1,
                     units: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The comparison on the unit polygons (WGS84): ``score_diff``, ``rank_change`` and ``status`` against the baseline.

    Parameters
    ----------
    comparison : Comparison
    against : int or str
        The other scenario, by position (1 = the second) or name.
    units : GeoDataFrame, optional
        Polygons with ``adcode``; the boundaries of the comparison's level by default.

    Examples
    --------
    >>> from scenario.convert import settings_to_scenario
    >>> a = settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="a")
    >>> b = settings_to_scenario(StudySettings(stage="apparel", origin="440118", half_life_h=5.0), name="b")
    >>> d = difference_frame(compare_scenarios([a, b]), against="b")
    >>> d.crs.to_epsg(), {"score_diff", "rank_change", "status"} <= set(d.columns)
    (4326, True)
    """
    k = _against(comparison, against)
    base = units if units is not None else load_boundaries(comparison.level)
    t = comparison.table
    cols = {**{c: t[c] for c in _ID_COLUMNS}, "rank_before": t["rank_0"], "rank_after": t[f"rank_{k}"],
            "rank_change": t[f"rank_change_{k}"], "score_before": t["score_0"], "score_after": t[f"score_{k}"],
            "score_diff": t[f"score_diff_{k}"], "status": t[f"status_{k}"]}
    merged = base[["adcode", "geometry"]].merge(pd.DataFrame(cols), on="adcode", how="inner")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=base.crs)



def build_comparison_report(comparison: Comparison, *, lang: str = "zh", maps: bool = True, top: int = 10,
                            command: str | None = None) -> Report:
    """The baseline's report with a section setting every other scenario against it.

    Examples
    --------
    >>> from scenario.convert import settings_to_scenario
    >>> a = settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="base")
    >>> b = settings_to_scenario(StudySettings(stage="apparel", origin="440118", half_life_h=6.0), name="6 h")
    >>> r = build_comparison_report(compare_scenarios([a, b]), lang="en", maps=False)
    >>> "Comparison of scenarios" in r.html and "half_life_h" in r.html
    True
    """
    base = comparison.names[0]
    others = {n: (rank_changes(comparison, against=k, top=top), comparison.differences[n])
              for k, n in enumerate(comparison.names[1:], start=1)}
    changed = {n: [c[0] for c in ch] for n, ch in comparison.data_changes.items()}
    section = build_comparison_section(base, others, lang=lang, data_changes=changed)
    if command is None:
        command = shlex.join(["python", "-m", "analysis", "scenario", "compare", *comparison.names, "--lang", lang,
                              "--html", "report.html"])
    return build_report(comparison.fits[0], lang=lang, maps=maps, comparison=section, command=command)
