"""Raster site criteria: suitability surfaces over Guangdong and their zonal statistics.

The fit's ``site`` component by default: :func:`compute_site_scores` builds a stage's
criteria (distance to ports, airports, roads, rail, parks of related stages and the origin;
slope; urban land; a planner's rasters), rescales them (linear, inverse, fuzzy small / large /
near), overlays them into a 0..1 surface, restricts what rules exclude (kept apart from "no
data"), and summarises the surface per county, city and park buffer. Modules:

- :mod:`~analysis.suitability.grid` — the grid and land mask;
- :mod:`~analysis.suitability.criteria` — criterion rasters and default data;
- :mod:`~analysis.suitability.rescale` — scoring rules;
- :mod:`~analysis.suitability.rules` — the editable criteria table per stage;
- :mod:`~analysis.suitability.plan` — what each criterion is computed from;
- :mod:`~analysis.suitability.overlay` — weighted overlay, constraints, output codes;
- :mod:`~analysis.suitability.zonal` — zonal statistics;
- :mod:`~analysis.suitability.site` — the pipeline in memory;
- :mod:`~analysis.suitability.chunked` — the same pipeline chunk by chunk on dask.
"""
from __future__ import annotations

from analysis.suitability.grid import Grid, guangdong_grid, land_mask
from analysis.suitability.overlay import NODATA, RESTRICTED, decode_surface, encode_surface, weighted_overlay
from analysis.suitability.plan import CriterionInput
from analysis.suitability.rescale import Rescale
from analysis.suitability.rules import CRITERIA, read_site_criteria, rules_for_stage
from analysis.suitability.site import SuitabilityResult, compute_site_scores
from analysis.suitability.zonal import Zones, zones_from_buffers, zones_from_polygons

__all__ = [
    "CRITERIA", "NODATA", "RESTRICTED", "CriterionInput", "Grid", "Rescale", "SuitabilityResult", "Zones",
    "compute_site_scores", "decode_surface", "encode_surface", "guangdong_grid", "land_mask",
    "read_site_criteria", "rules_for_stage", "weighted_overlay", "zones_from_buffers", "zones_from_polygons",
]
