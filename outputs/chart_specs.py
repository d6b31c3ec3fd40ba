"""The fit's pictures as Vega-Lite specifications, for the app: drawn by the browser, not by matplotlib.

The report needs pictures it can print (PNG, :mod:`outputs.charts`); the app needs them on
every change of stage or weight, where matplotlib's layout and PNG encoding took about half a
second per chart. These specs show the same numbers from the same data functions
(:func:`outputs.charts.component_parts`, :func:`outputs.charts.rank_odds_rows`,
:func:`outputs.charts.completeness_cells`), in the same colours and words (the one catalogue),
and the browser draws them, with tooltips, in a few milliseconds.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"adcode": ["1", "2"], "name_en": ["A", "B"], "rank": [1, 2],
...                   "policy": [1.0, 0.5], "site": [0.5, 0.5]})
>>> spec = components_spec(t, {"policy": 0.6, "site": 0.4}, lang="en")
>>> spec["encoding"]["y"]["sort"], round(sum(r["value"] for r in spec["data"]["values"]), 2)
(['1. A', '2. B'], 1.3)
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from layers.stages import stage_label
from outputs.charts import (
    COMPONENT_COLOURS,
    ODDS_COLOURS,
    STATUS_COLOURS,
    completeness_cells,
    component_parts,
    destination_names,
    rank_odds_rows,
)
from outputs.text import check_lang, tr

__all__ = ["completeness_spec", "components_spec", "rank_odds_spec"]

#: Height of one destination's band, in pixels: a step, so the chart grows with its rows (Streamlit
#: would otherwise squeeze a fixed height).
_ROW_PX = 24


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return df.to_dict("records")


def components_spec(table: pd.DataFrame, weights: Mapping[str, float], *, lang: str = "zh",
                    top: int = 10) -> dict[str, Any]:
    """The ``top`` ranked destinations as stacked bars of weight x component (as :func:`outputs.charts.plot_components`).

    Examples
    --------
    >>> t = pd.DataFrame({"adcode": ["1"], "name_zh": ["甲"], "rank": [1], "policy": [1.0]})
    >>> components_spec(t, {"policy": 1.0})["encoding"]["color"]["scale"]["range"]
    ['#ffd92f']
    """
    check_lang(lang)
    parts = component_parts(table, weights, top=top)
    ranked = table[table["rank"].notna()].sort_values("rank").head(top)
    labels = [f"{int(r)}. {n}" for r, n in zip(ranked["rank"], destination_names(ranked, lang))]
    names = {c: f"{tr(f'component.{c}', lang)} ×{float(weights[c]):.2f}" for c in parts.columns}
    long = (parts.set_axis(labels, axis=0).rename(columns=names).rename_axis("dest").reset_index()
            .melt(id_vars="dest", var_name="component", value_name="value"))
    long["order"] = long["component"].map({n: i for i, n in enumerate(names.values())})
    long["value"] = long["value"].round(4)
    return {
        "title": tr("maps.chart.components", lang, n=len(ranked)),
        "data": {"values": _records(long)},
        "mark": {"type": "bar", "stroke": "white", "strokeWidth": 0.5},
        "height": {"step": _ROW_PX},
        "encoding": {
            "y": {"field": "dest", "type": "nominal", "sort": labels, "title": None},
            "x": {"field": "value", "type": "quantitative", "stack": "zero",
                  "title": tr("maps.chart.components_x", lang)},
            "color": {"field": "component", "type": "nominal", "legend": {"orient": "bottom", "title": None, "columns": 4},
                      "scale": {"domain": list(names.values()),
                                "range": [COMPONENT_COLOURS.get(c, "#999999") for c in names]}},
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [{"field": "dest", "title": " "}, {"field": "component", "title": " "},
                        {"field": "value", "type": "quantitative", "format": ".3f", "title": " "}],
        },
    }


def rank_odds_spec(sensitivity: pd.DataFrame, *, lang: str = "zh", top: int = 10) -> dict[str, Any]:
    """P(rank 1) and P(top 3) of the ``top`` most robust destinations (as :func:`outputs.charts.plot_rank_odds`).

    Examples
    --------
    >>> s = pd.DataFrame({"adcode": ["1", "2"], "name_en": ["A", "B"], "p_first": [0.3, 0.7], "p_top3": [0.9, 1.0]})
    >>> rank_odds_spec(s, lang="en")["encoding"]["y"]["sort"]
    ['B', 'A']
    """
    check_lang(lang)
    rows = rank_odds_rows(sensitivity, top=top)
    labels = destination_names(rows, lang)
    measures = {col: tr(f"col.{col}", lang) for col in ("p_first", "p_top3")}
    long = (rows[list(measures)].set_axis(labels, axis=0).rename(columns=measures).rename_axis("dest").reset_index()
            .melt(id_vars="dest", var_name="measure", value_name="value"))
    n = (sensitivity.attrs.get("params") or {}).get("n")
    return {
        "title": tr("maps.chart.odds", lang, n=n if n is not None else "?"),
        "data": {"values": _records(long)},
        "mark": {"type": "bar"},
        "height": {"step": _ROW_PX + 8},
        "encoding": {
            "y": {"field": "dest", "type": "nominal", "sort": labels, "title": None},
            "yOffset": {"field": "measure", "type": "nominal", "sort": list(measures.values())},
            "x": {"field": "value", "type": "quantitative", "title": None, "scale": {"domain": [0, 1]},
                  "axis": {"format": "%"}},
            "color": {"field": "measure", "type": "nominal", "legend": {"orient": "bottom", "title": None},
                      "scale": {"domain": list(measures.values()), "range": list(ODDS_COLOURS)}},
            "tooltip": [{"field": "dest", "title": " "}, {"field": "measure", "title": " "},
                        {"field": "value", "type": "quantitative", "format": ".0%", "title": " "}],
        },
    }


def completeness_spec(completeness: pd.DataFrame, *, lang: str = "zh", by: str = "zone") -> dict[str, Any]:
    """The chain-completeness grid after the transfer, changes framed (as :func:`outputs.charts.plot_completeness_grid`).

    Examples
    --------
    >>> c = pd.DataFrame({"group_type": "zone", "group": "z", "name_zh": "甲区", "name_en": "Zone A",
    ...                   "stage": ["dyeing", "apparel"], "status_before": ["thin", "present"],
    ...                   "status_after": ["present", "present"], "changed": [True, False]})
    >>> [r["text"] for r in completeness_spec(c, lang="en")["data"]["values"]]
    ['thin→present', 'present']
    """
    check_lang(lang)
    cells = completeness_cells(completeness, by=by, lang=lang)
    status = {k: tr(f"maps.chart.status.{k}", lang) for k in STATUS_COLOURS}
    stages = list(dict.fromkeys(cells["stage"]))
    out = pd.DataFrame({
        "group": cells["group_name"],
        "stage": [stage_label(s, lang=lang) for s in cells["stage"]],
        "status": cells["status_after"].map(status),
        "changed": cells["changed"].astype(bool),
        "text": cells["text"],
    })
    rect = {"type": "rect", "stroke": "white", "strokeWidth": 1}
    x = {"field": "stage", "type": "nominal", "sort": [stage_label(s, lang=lang) for s in stages], "title": None,
         "axis": {"labelAngle": -35}}
    y = {"field": "group", "type": "nominal", "sort": list(dict.fromkeys(out["group"])), "title": None,
         "axis": {"labelLimit": 320}}  # zone names are long: shown whole
    return {
        "title": tr("maps.chart.completeness", lang),
        "data": {"values": _records(out)},
        "height": {"step": 34},
        "encoding": {"x": x, "y": y},
        "layer": [
            {"mark": rect, "encoding": {
                "color": {"field": "status", "type": "nominal", "legend": {"orient": "bottom", "title": None},
                          "scale": {"domain": list(status.values()), "range": list(STATUS_COLOURS.values())}},
                "strokeWidth": {"condition": {"test": "datum.changed", "value": 3}, "value": 1},
                "stroke": {"condition": {"test": "datum.changed", "value": "#111111"}, "value": "white"},
                "tooltip": [{"field": "group", "title": " "}, {"field": "stage", "title": " "},
                            {"field": "text", "title": " "}],
            }},
            {"mark": {"type": "text", "fontSize": 11}, "encoding": {
                "text": {"field": "text"},
                "fontWeight": {"condition": {"test": "datum.changed", "value": "bold"}, "value": "normal"},
                "color": {"value": "#111111"},
            }},
        ],
    }
