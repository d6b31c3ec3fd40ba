"""Every editable constant of the transfer-fit model, in one place.

Each value here is an ASSUMPTION of this project unless its comment names a clause or a
dataset; the fit states the ones it used in its ``assumptions``, and the app and the report
print them. Change a value here (or pass the matching keyword) and every room below the app
follows. Nothing in this module imports the rest of the model, so any module may import it.

Examples
--------
>>> round(sum(DEFAULT_WEIGHTS.values()), 6)
1.0
"""
from __future__ import annotations

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "DEFAULT_WEIGHTS_NOTE",
    "POLICY_GRADES",
    "CITY_WIDE_FACTOR",
    "SITE_PLACEHOLDER",
    "STAGE_CONSTRAINTS",
    "USER_EXCLUDED_REASON",
    "DEFAULT_DECAY_KM",
    "DEFAULT_MIN_SHARE",
]

#: The fit components, in the order every table and matrix uses.
COMPONENTS: tuple[str, ...] = ("upstream", "downstream", "relatedness", "origin_tie", "policy", "site")

#: ASSUMPTION (editable): default weights of the fit components. Policy alignment gets the
#: largest share because the notice names where stages should go (§4, §14, §19); chain
#: access up- and downstream next (§5 strengthen and complete the chain); relatedness and the
#: tie to the PRD origin (§4) less; site only a little while it is a neutral placeholder.
DEFAULT_WEIGHTS: dict[str, float] = {
    "upstream": 0.20,
    "downstream": 0.20,
    "relatedness": 0.15,
    "origin_tie": 0.10,
    "policy": 0.30,
    "site": 0.05,
}
DEFAULT_WEIGHTS_NOTE = (
    "ASSUMPTION: default component weights upstream 0.20, downstream 0.20, relatedness 0.15, "
    "origin_tie 0.10, policy 0.30, site 0.05 (policy highest because §4/§14/§19 name the places; "
    "chain access next per §5); edit them or derive them by AHP"
)

#: ASSUMPTION (editable): policy value of a designation, by kind of place. A park, base,
#: cluster, city title or dyeing park named for the stage counts fully; an intangible-heritage
#: craft (§14) counts half (a living skill, not a production base); a fair (§22) is trade,
#: not capacity, and counts nothing.
POLICY_GRADES: dict[str, float] = {
    "park": 1.0, "dyeing_park": 1.0, "procurement_base": 1.0, "cluster": 1.0,
    "city_title": 1.0, "heritage": 0.5, "fair": 0.0,
}

#: ASSUMPTION (editable): the one rule for passing a city-wide designation down to counties.
#: A designation the policy states for a whole city (a §14 city title, a §3 zone, a §19 "dyeing
#: parks in Shantou") names the city, not the county, so each county of the city inherits it at
#: this fraction of its value: the policy grade (:func:`analysis.inputs.designations_from_places`)
#: and the ordinal capability value (:mod:`analysis.capability`) alike. A city that is a single
#: county-level unit (Dongguan, Zhongshan) passes the full value.
CITY_WIDE_FACTOR: float = 0.5

#: ASSUMPTION: neutral value of the site component for units without a site value.
SITE_PLACEHOLDER: float = 0.5

#: Constraints, not scores: stage -> (kind of place required in the unit, clause, reason en, reason zh).
STAGE_CONSTRAINTS: dict[str, tuple[str, str, str, str]] = {
    "dyeing": (
        "dyeing_park",
        "§19",
        "§19: dyeing firms go into parks with central treatment; this unit has no designated dyeing park",
        "§19 印染企业集中入园、集中治污；本地无印染专业园区",
    ),
}

#: Why a unit the planner excluded is not ranked: (en, zh).
USER_EXCLUDED_REASON: tuple[str, str] = (
    "excluded by the user (exclusion list, e.g. ecological red line)", "用户排除（如生态保护红线）",
)

#: ASSUMPTION (editable): scale of the distance decay exp(-km / scale), in km.
DEFAULT_DECAY_KM: float = 60.0

#: ASSUMPTION (editable): share of a unit's area inside an exclusion area that excludes it.
DEFAULT_MIN_SHARE: float = 0.5
