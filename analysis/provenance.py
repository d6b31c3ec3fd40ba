"""What a fit rests on, in words: its assumptions and its sources.

Every editable constant it names lives in :mod:`analysis.assumptions`; the inputs'
own notes (what was supplied, what was defaulted) come from :class:`analysis.inputs.FitInputs`.
"""
from __future__ import annotations

from collections.abc import Mapping

from analysis.assumptions import (
    CITY_WIDE_FACTOR,
    DEFAULT_HALF_LIFE_H,
    DEFAULT_WEIGHTS_NOTE,
    PARTNER_VALUES,
    POLICY_GRADES,
    STAGE_CONSTRAINTS,
)
from analysis.inputs import FitInputs
from analysis.relatedness import REFERENCE as RELATEDNESS_REFERENCE

__all__ = ["dropped_inputs", "fit_assumptions", "fit_sources"]


def dropped_inputs(inputs: FitInputs, stage: str | None) -> list[str]:
    """Chain inputs of ``stage`` whose supplier stage has no capability anywhere: stated, not hidden.

    Their share drops out of the upstream ratio's numerator and denominator alike, so access is
    renormalised over the suppliers that exist; this says so.
    """
    if stage is None or stage not in inputs.stages:
        return []
    w = inputs.chain[stage]
    total = inputs.capability.sum(axis=0)
    gone = [(k, float(w[k])) for k in w.index if w[k] > 0 and total.get(k, 0) <= 0]
    if not gone:
        return []
    share = sum(v for _, v in gone)
    return [f"{share:.0%} of {stage}'s chain inputs ({', '.join(f'{k} {v:.0%}' for k, v in gone)}) come from stages with "
            "no capability data in any unit; upstream access is renormalised over the remaining suppliers"]


def fit_assumptions(inputs: FitInputs, weights: Mapping[str, float] | None, half_life_h: float, stage: str | None) -> list[str]:
    """Every default, grade and rule a fit of ``stage`` used, as sentences."""
    out = []
    if weights is None:
        out.append(DEFAULT_WEIGHTS_NOTE)
    out.append(
        f"ASSUMPTION: travel-time decay 0.5 ** (hours / {half_life_h:g}) by road; a half-life of {half_life_h:g} h is the "
        "editable default (a same-day return trip from the PRD)" if half_life_h == DEFAULT_HALF_LIFE_H
        else f"travel-time decay 0.5 ** (hours / {half_life_h:g}) (user-set half-life)"
    )
    out.append(
        "upstream/downstream access = share of the province's chain-weighted supply (demand) within decay reach; "
        "scale fixed by provincial totals, not by the candidates"
    )
    out.append(
        "ASSUMPTION: policy grades " + ", ".join(f"{k} {v:g}" for k, v in POLICY_GRADES.items())
        + f"; a county inherits a city-wide designation at {CITY_WIDE_FACTOR:g} of its value (policy grade and "
        "capability alike; full value where the city is a single county-level unit)"
    )
    out.append(
        "ASSUMPTION: partner (§4 产业共建) = " + ", ".join(f"{k} {v:g}" for k, v in PARTNER_VALUES.items())
        + " (own_park: a transfer park for the stage paired with the origin's city; current: the origin city's 2023 "
        "partner; other_park: a transfer park for the stage paired with another PRD city; earlier: an earlier round only)"
    )
    if inputs.params.get("relatedness_basis") == "presence":
        out.append(
            "relatedness = density (Hidalgo et al. 2007) on binary presence (designations naming the unit itself and "
            "evidence), never on inherited shares; presence data are thin, so its default weight is low"
        )
    else:
        out.append("relatedness = density (Hidalgo et al. 2007) from the capability magnitudes given (presence where RCA >= 1)")
    out.append("tiers: a unit with no designation, evidence, partner link or related stage present for this stage is in "
               "the 'no evidence' tier, ranked after every unit with evidence (its score comes from distance alone)")
    out.append("rank 1 = best; equal scores are ranked by ascending adcode")
    if stage is not None and stage in STAGE_CONSTRAINTS:
        out.append(f"constraint {STAGE_CONSTRAINTS[stage][1]}: {stage} only in units with a designated {STAGE_CONSTRAINTS[stage][0]}")
    return out + dropped_inputs(inputs, stage) + list(inputs.assumptions)


def fit_sources(inputs: FitInputs) -> list[str]:
    """The datasets, clauses and references a fit rests on."""
    return list(inputs.sources) + [
        "粤工信消费函〔2023〕2号《关于进一步推动纺织服装产业高质量发展的实施意见》(2023-02-15): §4 orderly transfer, "
        "§5 chain, §14 named cities/clusters, §19 dyeing parks",
        f"relatedness: {RELATEDNESS_REFERENCE}",
    ]
