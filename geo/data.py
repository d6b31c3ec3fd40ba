"""The one accessor for the project's embedded data files.

Every module reaches a shipped file through :func:`get_path`, so a moved or renamed
file is fixed in one place and a wrong name gets a list of what exists.
"""
from __future__ import annotations

from pathlib import Path

from geo.errors import UnknownNameError

__all__ = ["DATA_DIR", "DATASETS", "get_path", "list_datasets"]

DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data"

#: name -> (path relative to data/, one-line description)
DATASETS: dict[str, tuple[str, str]] = {
    "boundaries": ("boundaries/guangdong.gpkg", "province, 21 cities, 124 county-level units (WGS84)"),
    "boundary_names": ("boundaries/names_en.csv", "English names of cities and counties"),
    "regions": ("boundaries/regions.csv", "city -> region (PRD/East/West/North) with source"),
    "places": ("parks/places.csv", "named parks, bases, clusters, dyeing parks, heritage, fairs"),
    "stages": ("model/stages.csv", "supply-chain stage catalogue"),
    "chain_edges": ("model/chain_edges.csv", "default supply-chain weights with notes"),
    "capability": ("model/capability_policy.csv", "policy-derived capability matrix"),
    "partners": ("parks/partners.csv", "PRD partner city -> receiving city pairs (§4 产业共建), by round"),
    "transfer_parks": ("parks/transfer_parks.csv", "receiving parks and platforms of the PRD partners (§4)"),
    "dyeing_centres": ("parks/dyeing_centres.csv", "centralised printing & dyeing parks with wastewater treatment (§19)"),
    "evidence": ("model/evidence.csv", "published evidence of industry presence, one measure per row"),
    "backtest_cases": ("model/backtest_cases.csv", "documented relocations and designations for the backtest"),
    "site_elevation": ("site/elevation_5min.tif", "elevation, 5' (about 9 km) in 28 m steps, from pvlib 0.16.1"),
    "site_landcover": ("site/landcover_igbp_2019.tif", "MODIS IGBP land cover 2019, 0.05 deg (MCD12C1 v006)"),
    "site_ports": ("site/ports.csv", "UN/LOCODE ports in Guangdong from searoute 1.6.0, keep flag and why"),
    "site_airports": ("site/airports.csv", "airports in Guangdong from airportsdata 20260905"),
    "site_roads": ("site/roads.csv", "OpenStreetMap trunk/primary road edges near Guangdong (scgraph-data 2.0.0)"),
    "site_rail": ("site/rail.csv", "OpenStreetMap railway edges near Guangdong (scgraph-data 2.0.0)"),
    "site_criteria": ("model/site_criteria.csv", "site criteria per stage: weight, rescaling, limit (ASSUMPTION)"),
    "site_scores_county": ("site/site_scores_county.csv", "site component per county and stage: zonal suitability at 1 km"),
    "site_scores_city": ("site/site_scores_city.csv", "site component per city and stage: zonal suitability at 1 km"),
    "pinyin": ("names/pinyin.csv", "pinyin and initials of every Chinese name the map's search knows (pypinyin 0.55.0)"),
    "travel_county": ("network/travel_county.csv", "road km and hours between the 124 county-level units"),
    "travel_city": ("network/travel_city.csv", "road km and hours between the 21 cities"),
    "travel_seats": ("network/seats.csv", "where each unit's seat is and how it joins the road network"),
    "travel_meta": ("network/travel_meta.json", "source, version and assumptions of the travel times"),
}


def list_datasets() -> list[str]:
    """Names that :func:`get_path` accepts.

    Examples
    --------
    >>> "boundaries" in list_datasets()
    True
    """
    return sorted(DATASETS)


def get_path(name: str) -> Path:
    """Absolute path of the embedded dataset ``name``.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`.

    Examples
    --------
    >>> get_path("boundaries").name
    'guangdong.gpkg'
    """
    if name not in DATASETS:
        msg = f"unknown dataset {name!r}; available: {', '.join(list_datasets())}"
        raise UnknownNameError(msg)
    return DATA_DIR / DATASETS[name][0]
