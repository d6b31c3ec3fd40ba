"""What a study is: the planner's choices and files, the places that can receive a stage.

Kept apart from :mod:`scenario.study` (which runs a study and builds its report) so that what
only needs the choices (opening a scenario or a link in the app, checking a saved scenario)
loads without the model and the report: the app's first page waits for every import of the
router.

Examples
--------
>>> StudySettings(stage="dyeing", origin="440118").weights_dict is None
True
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.assumptions import DEFAULT_HALF_LIFE_H
from geo.crs import STORAGE_CRS
from geo.upload import read_exclusion_file
from layers.evidence import load_dyeing_centres, load_transfer_parks
from layers.places import places_for_stage

__all__ = ["INPUT_OPTIONS", "StudyFile", "StudySettings", "destination_places", "read_exclusion_areas"]


@dataclass(frozen=True)
class StudySettings:
    """The choices behind one study (hashable, so the app can cache on it).

    Attributes
    ----------
    stage, origin : str
        Stage id and origin adcode.
    level : {"county", "city"}
    weights : tuple of (component, weight), optional
        Normalised weights; None = the defaults.
    half_life_h : float
        Half-life of the travel-time decay (hours by road).
    network : {"road", "adjacency"}
    dyeing_parks : tuple of str
        Units the planner declares to hold a qualifying §19 dyeing park.
    candidates : {"receiving", "all"}
    exclude : tuple of str
        Excluded adcodes.
    draws, seed : int
        Sensitivity draws (0: none) and their seed.
    allocate, room : tuple of (code, amount)
        Capacity leaving each origin and room at each destination (adcode or place id).
    lang : {"zh", "en"}
    files : tuple of (option, file name)
        Input files the user supplied, e.g. ``(("--capability", "stats.csv"),)``; they are
        named in the command so it can be rerun with the same files.
    exclude_share : float
        With ``--exclude-areas``: the share of a unit's area inside that excludes it.
    transfer_to, transfer_share : str or None, float
        The move the chain-completeness "after" state shows (destination adcode, share of
        the origin's capability); None = the top-ranked destination.
    notes : tuple of str
        Assumptions made while choosing (e.g. how AHP weights were derived), carried into
        the fit's ``assumptions`` and so into the report.
    """

    stage: str
    origin: str
    level: str = "county"
    weights: tuple[tuple[str, float], ...] | None = None
    half_life_h: float = DEFAULT_HALF_LIFE_H
    network: str = "road"
    dyeing_parks: tuple[str, ...] = ()
    candidates: str = "receiving"
    exclude: tuple[str, ...] = ()
    draws: int = 0
    seed: int = 0
    allocate: tuple[tuple[str, float], ...] = ()
    room: tuple[tuple[str, float], ...] = ()
    lang: str = "zh"
    files: tuple[tuple[str, str], ...] = field(default=())
    exclude_share: float = 0.5
    transfer_to: str | None = None
    transfer_share: float = 1.0
    notes: tuple[str, ...] = ()

    @property
    def weights_dict(self) -> dict[str, float] | None:
        """The weights as a dict (None for the defaults)."""
        return dict(self.weights) if self.weights is not None else None


#: A user's file for a study: (CLI option, file name, path or the uploaded bytes).
StudyFile = tuple[str, str, "str | os.PathLike | bytes"]

#: Input files that replace a default of the fit: CLI option -> load_fit_inputs keyword.
INPUT_OPTIONS: dict[str, str] = {"--capability": "capability", "--od": "cost", "--od-hours": "hours", "--site": "site",
                                 "--chain": "chain",
                                 "--evidence": "evidence"}


def read_exclusion_areas(files: Sequence[StudyFile]) -> dict[str, gpd.GeoDataFrame]:
    """The ``--exclude-areas`` layers by file name, from a path or an upload, checked by the one validator
    (:func:`geo.upload.read_exclusion_file`), so the command line and the app refuse alike.

    Examples
    --------
    >>> import shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(113.6, 23.1, 113.8, 23.3)], crs=4326)
    >>> list(read_exclusion_areas([("--exclude-areas", "red.geojson", g.to_json().encode())]))
    ['red.geojson']
    """
    out: dict[str, gpd.GeoDataFrame] = {}
    for opt, name, src in files:
        if opt != "--exclude-areas":
            continue
        out[name] = read_exclusion_file(bytes(src) if isinstance(src, (bytes, bytearray)) else src, name)
    return out


def destination_places(stage: str) -> gpd.GeoDataFrame:
    """Named places that can receive ``stage`` in an allocation: §4/§14 places named for it, the
    receiving transfer parks that list it (§4, with area and firms where known) and, for dyeing,
    the centres with central treatment (§19).

    Columns ``id, name_zh, name_en, kind, county_adcode, city_adcode, area_km2, clause, source,
    geometry`` (WGS84 points); ``area_km2`` is empty where no area is known.

    Examples
    --------
    >>> d = destination_places("apparel")
    >>> "tp_guangqing_textile" in set(d["id"])
    True
    """
    cols = ["id", "name_zh", "name_en", "kind", "county_adcode", "city_adcode", "area_km2", "clause", "source", "geometry"]
    named = places_for_stage(stage).assign(area_km2=np.nan)
    parks = load_transfer_parks()
    listed = parks["stages"].fillna("").astype(str).str.split(";").map(lambda xs: stage in xs)
    parks = parks[listed & parks["textile"].astype(str).isin(["yes", "partial"])].assign(kind="transfer_park")
    frames = [named, parks]
    if stage == "dyeing":
        frames.append(load_dyeing_centres().assign(kind="dyeing_centre"))
    out = pd.concat([f.reindex(columns=cols) for f in frames], ignore_index=True)
    out = out[out["county_adcode"].notna() & (out["county_adcode"].astype(str) != "")]
    return gpd.GeoDataFrame(out.drop_duplicates("id"), geometry="geometry", crs=STORAGE_CRS).reset_index(drop=True)
