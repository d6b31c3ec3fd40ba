"""Report section: what the top destinations rest on, and how the model does on documented cases.

For each of the top destinations: its tier (evidence / no evidence), the designations and
clauses behind its policy value, its partner link (§4) and the industry evidence rows
(measure, value, year, source, quality) behind the stage's presence there — mixed measures
listed, never added. Then the backtest (:func:`analysis.backtest.run_backtest`) of the
report's own weights and half-life: each documented case, the ranks it got and whether it
holds, read honestly (relocations are evidence, designations partly read the model's inputs).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from analysis.assumptions import DEFAULT_HALF_LIFE_H
from analysis.backtest import run_backtest
from analysis.fit import FitResult
from layers.stages import stage_label
from outputs.text import tr

__all__ = ["EvidenceSection", "build_evidence_section"]


@dataclass(frozen=True)
class EvidenceSection:
    """Rows for the template: ``places`` (one per top destination) and ``cases`` (the backtest)."""

    places: list[dict[str, object]]
    cases: list[dict[str, str]] = field(default_factory=list)
    held: str = ""


@lru_cache(maxsize=8)
def _backtest(weights: tuple[tuple[str, float], ...], half_life_h: float) -> pd.DataFrame:
    # the model of the report (its weights and half-life) on the shipped cases; about a second, once per choice
    return run_backtest(weights=dict(weights) or None, half_life_h=half_life_h)


def _value(v: object, unit: object) -> str:
    if v is None or pd.isna(v):  # type: ignore[arg-type]
        return "—"
    x = float(v)  # type: ignore[arg-type]
    num = f"{x:,.0f}" if x >= 100 else f"{x:g}"
    return f"{num} {unit}" if unit and not pd.isna(unit) else num  # type: ignore[arg-type]


def build_evidence_section(fit: FitResult, *, lang: str, top_n: int = 5, backtest: bool = True) -> EvidenceSection:
    """The evidence behind the ``top_n`` destinations of ``fit`` and the backtest cases.

    Examples
    --------
    >>> from analysis.fit import score_transfer_fit
    >>> s = build_evidence_section(score_transfer_fit("apparel", "440105"), lang="en", top_n=3, backtest=False)
    >>> "Qingcheng District" in [p["name"] for p in s.places]
    True
    >>> any("480" in e["value"] for p in s.places for e in p["evidence"])
    True
    """
    name_col = "name_zh" if lang == "zh" else "name_en"
    top = fit.top(top_n)
    ev = fit.evidence if fit.evidence is not None else pd.DataFrame()
    details = fit.details.set_index("adcode") if len(fit.details) else pd.DataFrame()
    places = []
    for r in top.itertuples(index=False):
        rows = ev[ev["adcode"] == r.adcode] if len(ev) else ev
        d = details.loc[r.adcode] if r.adcode in details.index else None
        partner = ""
        if d is not None and str(d.get("partner_name", "")):
            parts = str(d["partner_name"]).split("|")
            partner = parts[0] if lang == "zh" else (parts[1] if len(parts) > 1 else parts[0])
        places.append({
            "rank": str(r.rank), "name": str(getattr(r, name_col)),
            "tier": tr(f"report.ev_tier_{getattr(r, 'tier', 'evidence')}", lang),
            "clauses": str(r.policy_clauses or "—"),
            "partner": partner or "—",
            "evidence": [{"measure": str(e.measure), "value": _value(e.value, e.unit), "year": str(e.year),
                          "source": str(e.source), "quality": str(e.quality)} for e in rows.itertuples(index=False)],
        })
    cases: list[dict[str, str]] = []
    held = ""
    if backtest:
        w = tuple(sorted((str(k), float(v)) for k, v in dict(fit.weights or {}).items()))
        bt = _backtest(w, float(dict(fit.params or {}).get("half_life_h", DEFAULT_HALF_LIFE_H)))
        for c in bt.itertuples(index=False):
            ranks = ", ".join("—" if x is None else str(x) for x in c.ranks)
            cases.append({"case": str(c.case), "kind": tr(f"report.ev_kind_{c.kind}", lang), "stage": stage_label(str(c.stage), lang=lang),
                          "origin": str(c.origin), "ranks": ranks if len(c.ranks) <= 4 else f"{c.best_rank} …",
                          "rule": f"{'∀' if c.rule == 'all_in_top_k' else '∃'} ≤ {c.k}",
                          "holds": tr("report.ev_holds" if c.holds else "report.ev_fails", lang)})
        held = tr("report.ev_held", lang, n=int(bt["holds"].sum()), total=len(bt))
    return EvidenceSection(places=places, cases=cases, held=held)
