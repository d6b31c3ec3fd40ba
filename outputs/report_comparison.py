"""The report's comparison section: other scenarios against the one the report shows.

:func:`build_comparison_section` takes, for each other scenario, the table of its largest
rank changes (columns of :func:`scenario.compare.rank_changes`) and the settings that differ
(``(key, baseline value, value)``; the study's ``notes`` said in the reader's language), and
returns plain, already formatted values for the template (``templates/report.html.j2``,
section ``comparison``), which escapes every one. All words come from the catalogue
(``report.cmp_*``, ``note.*``).

Examples
--------
>>> rows = pd.DataFrame({"adcode": ["445281"], "name_zh": ["普宁市"], "name_en": ["Puning"],
...                      "rank_before": pd.array([3], dtype="Int64"), "rank_after": pd.array([1], dtype="Int64"),
...                      "rank_change": pd.array([2], dtype="Int64"), "score_before": [0.61], "score_after": [0.7],
...                      "score_diff": [0.09], "status": [""]})
>>> s = build_comparison_section("base", {"slower decay": (rows, [("half_life_h", 2.0, 6.0)])}, lang="en")
>>> s.others[0]["rows"][0]["change"], s.others[0]["differences"][0]
('+2', {'key': 'half_life_h', 'before': '2', 'after': '6'})
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from outputs.messages import render_notes
from outputs.text import check_lang, tr

__all__ = ["ComparisonSection", "build_comparison_section"]


@dataclass(frozen=True)
class ComparisonSection:
    """The baseline's name, an intro sentence, and per other scenario its differences and rank changes.

    ``others`` holds dicts ``{"title", "differences": [{key, before, after}], "rows": [{name, adcode,
    before, after, change, score_before, score_after, diff, status}], "data": str}``.
    """

    baseline: str
    intro: str
    others: list[dict[str, Any]]


def _value(v: Any) -> str:
    """A setting's value in a table cell: numbers without trailing zeros, lists and mappings as JSON."""
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return f"{v:g}" if math.isfinite(float(v)) else "–"
    if isinstance(v, (list, tuple, dict)):
        text = json.dumps(v, ensure_ascii=False)
        return text if len(text) <= 120 else text[:117] + "..."
    return str(v)


def _cell(key: str, v: Any, lang: str) -> str:
    """A differing setting in a table cell; the study's notes (coded sentences) in the reader's language."""
    if key == "notes" and isinstance(v, (list, tuple)) and all(isinstance(n, str) for n in v):
        return "; ".join(render_notes(v, lang=lang)) or "–"
    return _value(v)


def _num(v: Any, digits: int = 3) -> str:
    return "–" if v is None or pd.isna(v) else f"{float(v):.{digits}f}"


def _rank(v: Any) -> str:
    return "–" if v is None or pd.isna(v) else str(int(v))


def _change(v: Any) -> str:
    return "–" if v is None or pd.isna(v) else f"{int(v):+d}"


def build_comparison_section(
    baseline: str,
    others: Mapping[str, tuple[pd.DataFrame, Sequence[tuple[str, Any, Any]]]],
    *,
    lang: str,
    data_changes: Mapping[str, Sequence[str]] | None = None,
) -> ComparisonSection:
    """The comparison section of the report of scenario ``baseline``.

    Parameters
    ----------
    baseline : str
        Name of the scenario the report shows.
    others : mapping of name -> (rank changes, differences)
        Per other scenario: a table with ``adcode, name_zh, name_en, rank_before, rank_after,
        rank_change, score_before, score_after, score_diff, status`` and the settings that
        differ as ``(key, baseline value, value)``.
    lang : {"zh", "en"}
    data_changes : mapping of name -> list of dataset names, optional
        Embedded datasets that changed since each scenario was saved.
    """
    check_lang(lang)
    name_col = f"name_{lang}"
    changed = dict(data_changes or {})
    out = []
    for name, (table, diffs) in others.items():
        rows = [{"name": str(r[name_col]), "adcode": str(r["adcode"]), "before": _rank(r["rank_before"]),
                 "after": _rank(r["rank_after"]), "change": _change(r["rank_change"]),
                 "score_before": _num(r["score_before"]), "score_after": _num(r["score_after"]),
                 "diff": _num(r["score_diff"]) if pd.isna(r["score_diff"]) else f"{float(r['score_diff']):+.3f}",
                 "status": tr(f"report.cmp_status.{r['status']}", lang) if r["status"] else ""}
                for _, r in table.iterrows()]
        data = [*changed.get(baseline, []), *changed.get(name, [])]
        out.append({
            "title": tr("report.cmp_against", lang, name=name, base=baseline),
            "differences": [{"key": k, "before": _cell(k, a, lang), "after": _cell(k, b, lang)} for k, a, b in diffs],
            "rows": rows,
            "data": tr("report.cmp_data", lang, names=", ".join(sorted(set(data)))) if data else "",
        })
    return ComparisonSection(baseline=baseline, intro=tr("report.cmp_intro", lang, base=baseline), others=out)
