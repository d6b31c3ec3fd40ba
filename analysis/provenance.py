"""What a fit rests on: its assumptions and its sources, as coded sentences (:class:`analysis.notes.Note`).

Every editable constant it names lives in :mod:`analysis.assumptions`; the inputs'
own notes (what was supplied, what was defaulted) come from :class:`analysis.inputs.FitInputs`.
The words are in :data:`analysis.notes.TEMPLATES` (English) and the text catalogue (Chinese).
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
from analysis.notes import Note

__all__ = ["dropped_inputs", "fit_assumptions", "fit_sources"]


def dropped_inputs(inputs: FitInputs, stage: str | None) -> list[Note]:
    """Chain inputs of ``stage`` whose supplier stage has no capability anywhere: stated, not hidden.

    Their share drops out of the upstream ratio's numerator and denominator alike, so access is
    renormalised over the suppliers that exist; this says so.
    """
    if stage is None or stage not in inputs.stages:
        return []
    w = inputs.chain[stage]
    total = inputs.capability.sum(axis=0)
    gone = {str(k): float(w[k]) for k in w.index if w[k] > 0 and total.get(k, 0) <= 0}
    if not gone:
        return []
    return [Note("chain.dropped", share=sum(gone.values()), stage=stage, gone=gone)]


def fit_assumptions(inputs: FitInputs, weights: Mapping[str, float] | None, half_life_h: float, stage: str | None) -> list[str]:
    """Every default, grade and rule a fit of ``stage`` used, as :class:`~analysis.notes.Note` sentences."""
    out: list[str] = []
    if weights is None:
        out.append(DEFAULT_WEIGHTS_NOTE)
    hl = float(half_life_h)
    out.append(Note("decay.default" if half_life_h == DEFAULT_HALF_LIFE_H else "decay.user", half_life_h=hl))
    out.append(Note("access.scale"))
    out.append(Note("policy.grades", grades=dict(POLICY_GRADES), factor=CITY_WIDE_FACTOR))
    out.append(Note("partner.values", values=dict(PARTNER_VALUES)))
    presence = inputs.params.get("relatedness_basis") == "presence"
    out.append(Note("relatedness.presence" if presence else "relatedness.magnitudes"))
    out.append(Note("tiers"))
    out.append(Note("rank.ties"))
    if stage is not None and stage in STAGE_CONSTRAINTS:
        kind, clause = STAGE_CONSTRAINTS[stage]
        out.append(Note("constraint", clause=clause, stage=stage, kind=kind))
    return out + dropped_inputs(inputs, stage) + list(inputs.assumptions)


def fit_sources(inputs: FitInputs) -> list[str]:
    """The datasets, clauses and references a fit rests on."""
    return [*inputs.sources, Note("source.policy"), Note("source.relatedness")]
