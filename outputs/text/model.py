"""Catalogue part: model text, key -> (zh, en); merged by :mod:`outputs.text`."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # the fit components and the weighted score (analysis.assumptions.COMPONENTS)
    "component.upstream": ("上游配套", "Upstream access"),
    "component.downstream": ("下游市场", "Downstream access"),
    "component.relatedness": ("产业关联密度", "Relatedness density"),
    "component.origin_tie": ("与转出地联系", "Origin tie"),
    "component.partner": ("对口共建", "Partner city"),
    "component.policy": ("政策契合", "Policy alignment"),
    "component.site": ("用地条件", "Site"),
    "component.score": ("综合得分", "Score"),
}
