"""Every editable constant of the transfer-fit model, in one place.

Each value here is an ASSUMPTION of this project unless its comment names a clause or a
dataset; the fit states the ones it used in its ``assumptions``, and the app and the report
print them. Change a value here (or pass the matching keyword) and every room below the app
follows. Nothing in this module imports the rest of the model (only the sentence type of
:mod:`analysis.notes`, which imports nothing of it), so any module may import it.

Examples
--------
>>> round(sum(DEFAULT_WEIGHTS.values()), 6)
1.0
"""
from __future__ import annotations

from analysis.notes import Note

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "DEFAULT_WEIGHTS_NOTE",
    "POLICY_GRADES",
    "CITY_WIDE_FACTOR",
    "SITE_PLACEHOLDER",
    "STAGE_CONSTRAINTS",
    "DEFAULT_DECAY_KM",
    "DEFAULT_HALF_LIFE_H",
    "NETWORKS",
    "HALF_LIFE_RANGE_H",
    "DYEING_CAPACITY_FLOOR",
    "EVIDENCE_LEVEL",
    "OD_SPEED_KMH",
    "PARTNER_VALUES",
    "PLACE_CAPABILITY",
    "DEFAULT_MIN_SHARE",
]

#: The fit components, in the order every table and matrix uses.
COMPONENTS: tuple[str, ...] = ("upstream", "downstream", "relatedness", "origin_tie", "partner", "policy", "site")

#: ASSUMPTION (editable): default weights of the fit components. Policy alignment and the
#: partner pairing lead because the notice names where stages should go (§4, §14, §19) and
#: asks for transfer through industrial co-building with partner cities (§4 产业共建); chain
#: access up- and downstream next (§5 strengthen and complete the chain); the road-time tie
#: to the PRD origin (§4 keeps the high-end links there); relatedness only a little, because
#: the embedded data give presence, not magnitudes (a planner's statistics deserve more);
#: site from the raster criteria or a planner's values.
DEFAULT_WEIGHTS: dict[str, float] = {
    "upstream": 0.15,
    "downstream": 0.15,
    "relatedness": 0.05,
    "origin_tie": 0.15,
    "partner": 0.15,
    "policy": 0.25,
    "site": 0.10,
}
#: The sentence the fit's assumptions state when the default weights are used.
DEFAULT_WEIGHTS_NOTE = Note("weights.default", weights=dict(DEFAULT_WEIGHTS))

#: ASSUMPTION (editable): policy value of a designation, by kind of place. A park, base,
#: cluster, city title or dyeing park the notice names for the stage counts fully; a
#: well-known cluster the notice does NOT name (Xintang denim, Gurao underwear; §3 only)
#: counts half and is called "not named in the notice"; an intangible-heritage craft (§14)
#: is a living skill, not production capacity, and a fair (§22) is trade: both count nothing.
POLICY_GRADES: dict[str, float] = {
    "park": 1.0, "dyeing_park": 1.0, "procurement_base": 1.0, "cluster": 1.0,
    "city_title": 1.0, "unnamed_cluster": 0.5, "heritage": 0.0, "fair": 0.0,
}

#: ASSUMPTION (editable): a named place on the ordinal capability scale 0..3 (analysis.capability):
#: a park, base, dyeing park or city title the notice names 3; a named cluster or the §15
#: procurement base 2; a cluster the notice does not name 1; heritage crafts and fairs are not
#: production capacity, 0. A place named for a whole city reaches its counties at CITY_WIDE_FACTOR.
PLACE_CAPABILITY: dict[str, float] = {
    "park": 3.0, "dyeing_park": 3.0, "city_title": 3.0, "procurement_base": 2.0, "cluster": 2.0,
    "unnamed_cluster": 1.0, "heritage": 0.0, "fair": 0.0,
}

#: ASSUMPTION (editable): a §19 dyeing park's policy value grows with its central treatment
#: capacity: ``floor + (1 - floor) * t_per_day / largest t_per_day`` (Chaonan's 155,000 t/day
#: = 1); a park whose capacity is unconfirmed, or one a planner adds, gets the floor.
DYEING_CAPACITY_FLOOR: float = 0.6

#: ASSUMPTION (editable): the partner component (§4 产业共建, the PRD -> East/West/North pairing).
#: A transfer park for the stage paired with the origin's city, a county of the origin city's
#: partner in the current (2023) round, a transfer park for the stage paired with another
#: PRD city, and a partner of an earlier round only.
PARTNER_VALUES: dict[str, float] = {
    "own_park": 1.0, "current": 0.75, "other_park": 0.5, "earlier": 0.4,
}

#: ASSUMPTION (editable): half-life of the travel-time decay, in hours by road: access and the
#: origin tie count half at this many hours, a quarter at twice as many. Two hours is the
#: limit of a same-day return trip from a PRD head office to a plant with time for a meeting,
#: which is how planners speak of "within reach" of the Pearl River Delta; receiving units
#: then differ (1 h: 0.71, 3 h: 0.35, 5 h: 0.18) where exp(-km/60) made every East and West
#: unit about 0.
DEFAULT_HALF_LIFE_H: float = 2.0
#: Half-lives the model accepts, in hours: from a quarter of an hour to a day's travel.
HALF_LIFE_RANGE_H: tuple[float, float] = (0.25, 24.0)
#: Cost networks: road travel over the OpenStreetMap network (data/network), the default, or
#: straight lines chained over touching units (kept for comparison with earlier versions).
NETWORKS: tuple[str, ...] = ("road", "adjacency")

#: ASSUMPTION (editable): speed that turns a planner's km-only OD matrix into hours.
OD_SPEED_KMH: float = 60.0

#: Presence tiers (evidence) mapped onto the ordinal capability scale 0..3 of the policy matrix;
#: the cell takes the larger of the two, never their sum.
EVIDENCE_LEVEL: dict[int, float] = {1: 1.0, 2: 2.0}

#: ASSUMPTION (editable): the one rule for passing a city-wide designation down to counties.
#: A designation the policy states for a whole city (a §14 city title, a §3 zone, a §19 "dyeing
#: parks in Shantou") names the city, not the county, so each county of the city inherits it at
#: this fraction of its value: the policy grade (:func:`analysis.designations.designations_from_places`)
#: and the ordinal capability value (:mod:`analysis.capability`) alike. A city that is a single
#: county-level unit (Dongguan, Zhongshan) passes the full value.
CITY_WIDE_FACTOR: float = 0.5

#: ASSUMPTION: neutral value of the site component for units without a site value.
SITE_PLACEHOLDER: float = 0.5

#: Constraints, not scores: stage -> (kind of place required in the unit, clause). A unit
#: without one is kept in the table as ineligible with ``excluded_reason = "constraint.<stage>"``
#: (the words are in the text catalogue, :mod:`outputs.text`).
STAGE_CONSTRAINTS: dict[str, tuple[str, str]] = {
    "dyeing": ("dyeing_park", "§19"),
}

#: ASSUMPTION (editable): scale of the straight-line km decay exp(-km / scale) (kept for the km network option).
DEFAULT_DECAY_KM: float = 60.0

#: ASSUMPTION (editable): share of a unit's area inside an exclusion area that excludes it.
DEFAULT_MIN_SHARE: float = 0.5
