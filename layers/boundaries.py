"""Boundary layers (province, cities, county-level units) and name/code lookup."""
from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Literal

import geopandas as gpd

from geo.data import get_path
from geo.errors import UnknownNameError
from geo.io import read_vector

__all__ = ["REGIONS", "REGION_NAMES", "load_boundaries", "lookup_unit", "region_of"]

Level = Literal["province", "city", "county"]
_LAYER = {"province": "province", "city": "cities", "county": "counties"}

#: Region ids in display order.
REGIONS: tuple[str, ...] = ("PRD", "East", "West", "North")
#: id -> (Chinese, English)
REGION_NAMES: dict[str, tuple[str, str]] = {
    "PRD": ("珠三角", "Pearl River Delta"),
    "East": ("粤东", "East Guangdong"),
    "West": ("粤西", "West Guangdong"),
    "North": ("粤北", "North Guangdong"),
}


@lru_cache(maxsize=4)
def _read(level: str) -> gpd.GeoDataFrame:
    return read_vector(get_path("boundaries"), layer=_LAYER[level])


def load_boundaries(level: Level = "city") -> gpd.GeoDataFrame:
    """Return the boundary layer of ``level`` in WGS84 (a fresh copy each call).

    Parameters
    ----------
    level : {"province", "city", "county"}
        ``county`` holds every county-level unit; Dongguan and Zhongshan, which have
        none, appear as whole-city units.

    Examples
    --------
    >>> len(load_boundaries("city")), len(load_boundaries("county"))
    (21, 124)
    """
    if level not in _LAYER:
        msg = f"`level` must be one of {list(_LAYER)}, got {level!r}"
        raise UnknownNameError(msg)
    return _read(level).copy()


def lookup_unit(query: str, *, level: Level = "city") -> gpd.GeoSeries:
    """Find a city or county by adcode, Chinese or English name.

    Matching ignores case and the suffixes 市/区/县 and "District"/"County", so
    "Wuchuan", "吴川", "吴川市" and "440883" all find Wuchuan.

    Raises
    ------
    UnknownNameError
        With the closest names, when nothing matches.

    Examples
    --------
    >>> lookup_unit("吴川", level="county")["name_en"]
    'Wuchuan'
    """
    gdf = _read(level)
    q = str(query).strip()
    hit = gdf[gdf["adcode"] == q]
    if hit.empty:
        key = _norm(q)
        hit = gdf[(gdf["name_zh"].map(_norm) == key) | (gdf["name_en"].map(_norm) == key)]
    if len(hit) == 1:
        return hit.iloc[0]
    if len(hit) > 1:
        opts = ", ".join(f"{r.name_zh} {r.name_en} ({r.adcode})" for r in hit.itertuples())
        msg = f"{query!r} matches {len(hit)} {level} units: {opts}; pass the adcode"
        raise UnknownNameError(msg)
    names = list(gdf["name_zh"]) + list(gdf["name_en"])
    close = difflib.get_close_matches(q, names, n=4, cutoff=0.3)
    msg = f"no {level} called {query!r}; did you mean {', '.join(close) or 'one of ' + ', '.join(names[:5])}? Codes are 6-digit adcodes such as 440100"
    raise UnknownNameError(msg)


def region_of(adcode: str) -> str:
    """Region (PRD/East/West/North) of a city or county adcode.

    Examples
    --------
    >>> region_of("445281")
    'East'
    """
    cities = _read("city")
    city = str(adcode)[:4] + "00"
    hit = cities.loc[cities["adcode"] == city, "region"]
    if hit.empty:
        msg = f"`adcode` {adcode!r} is not in Guangdong (44xxxx); use a 6-digit code such as 440100"
        raise UnknownNameError(msg)
    return str(hit.iloc[0])


def _norm(s: str) -> str:
    s = str(s).strip().lower()
    for suf in (" district", " county", " city", "市", "区", "县"):
        if s.endswith(suf) and len(s) > len(suf) + 1:
            s = s[: -len(suf)]
    return s.strip()
