"""The policy's spatial layout: regions, the one cluster (§2), two poles and three zones (§3).

All layers are dissolved from the embedded boundaries, so they share their provenance;
every feature carries ``id``, ``name_zh``, ``name_en``, ``clause`` and ``source``.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import ANALYSIS_CRS
from layers.boundaries import REGION_NAMES, REGIONS, load_boundaries

__all__ = ["POLICY_SOURCE", "ZONES", "POLES", "load_regions", "load_cluster", "load_poles", "load_zones"]

#: The policy document every layout feature rests on.
POLICY_SOURCE = "粤工信消费函〔2023〕2号《关于进一步推动纺织服装产业高质量发展的实施意见》(2023-02-15)"

#: Three apparel zones of §3: id -> (Chinese, English, member city adcodes).
ZONES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "zone_stc_jy": ("汕头潮州揭阳服装产业区", "Shantou–Chaozhou–Jieyang apparel zone", ("440500", "445100", "445200")),
    "zone_sz_dg_hz": ("深圳东莞惠州服装产业区", "Shenzhen–Dongguan–Huizhou apparel zone", ("440300", "441900", "441300")),
    "zone_gz_fs_zs": ("广州佛山中山服装产业区", "Guangzhou–Foshan–Zhongshan apparel zone", ("440100", "440600", "442000")),
}

#: Two poles of §3: id -> (city adcode, role in Chinese, role in English).
POLES: dict[str, tuple[str, str, str]] = {
    "pole_guangzhou": (
        "440100",
        "纺织服装总部经济和创意设计极：商贸、全球性展会、总部、高端定制、时尚创意",
        "Headquarters-economy and creative-design pole: trade, global fairs, headquarters, high-end tailoring, fashion creativity",
    ),
    "pole_shenzhen": (
        "440300",
        "纺织服装总部经济和创意设计极：商贸、全球性展会、总部、高端定制、时尚创意",
        "Headquarters-economy and creative-design pole: trade, global fairs, headquarters, high-end tailoring, fashion creativity",
    ),
}


def _source(boundaries: gpd.GeoDataFrame, clause: str) -> str:
    return f"{POLICY_SOURCE} {clause}; geometry: {boundaries['source'].iloc[0]}"


def _merge(polygons: np.ndarray) -> shapely.Geometry:
    """The union of touching unit polygons.

    The embedded boundaries form a valid coverage (no overlaps, shared edges share vertices;
    tests/test_layout.py checks it), so the coverage union gives the same polygons as
    ``union_all`` about ten times faster (0.02 s against 0.3 s for the four regions): part of
    the first map a planner waits for.
    """
    return shapely.coverage_union_all(polygons)


def load_regions() -> gpd.GeoDataFrame:
    """The four regions (PRD, East, West, North) dissolved from the 21 cities.

    The PRD keeps the high-end links and East, West and North Guangdong take
    transferred capacity (§4).

    Examples
    --------
    >>> list(load_regions()["region"])
    ['PRD', 'East', 'West', 'North']
    """
    cities = load_boundaries("city")
    groups = [cities[cities["region"] == r] for r in REGIONS]
    g = pd.DataFrame({
        "region": list(REGIONS),
        "adcode": [list(c["adcode"]) for c in groups],
        "name_zh": [list(c["name_zh"]) for c in groups],
        "name_en": [list(c["name_en"]) for c in groups],
    })
    out = gpd.GeoDataFrame(
        {
            "id": "region_" + g["region"].str.lower(),
            "region": g["region"],
            "name_zh": g["region"].map(lambda r: REGION_NAMES[r][0]),
            "name_en": g["region"].map(lambda r: REGION_NAMES[r][1]),
            "role_zh": g["region"].map(lambda r: "保留产业链高端环节" if r == "PRD" else "有序承接产能转移"),
            "role_en": g["region"].map(
                lambda r: "keeps the high-end links of the chain" if r == "PRD" else "takes transferred capacity in order"
            ),
            "member_cities_zh": g["name_zh"].map("、".join),
            "member_cities_en": g["name_en"].map(", ".join),
            "member_adcodes": g["adcode"].map(";".join),
            "clause": "§4",
            "source": _source(cities, "§4"),
        },
        geometry=[_merge(c.geometry.values) for c in groups],
        crs=cities.crs,
    )
    out["area_km2"] = (out.to_crs(ANALYSIS_CRS).area / 1e6).round(1)
    return out


def load_cluster() -> gpd.GeoDataFrame:
    """The one province-wide textile and apparel cluster of §2 (一群).

    Examples
    --------
    >>> load_cluster()["clause"].iloc[0]
    '§2'
    """
    prov = load_boundaries("province")
    return gpd.GeoDataFrame(
        {
            "id": ["cluster_guangdong"],
            "name_zh": ["广东纺织服装产业集群（一群）"],
            "name_en": ["Guangdong textile & apparel cluster (the one cluster)"],
            "role_zh": ["高品质、多功能、智能可穿戴、绿色健康产品；纤维新材料、先进纺织制品、创意服装设计、知名品牌"],
            "role_en": [
                "high-quality, functional, smart-wearable, green products; new fibre materials, "
                "advanced textiles, creative design, brands"
            ],
            "clause": ["§2"],
            "source": [_source(prov, "§2")],
        },
        geometry=prov.geometry.values,
        crs=prov.crs,
    )


def load_poles() -> gpd.GeoDataFrame:
    """The two poles of §3 (两极): Guangzhou and Shenzhen, with their roles.

    Examples
    --------
    >>> sorted(load_poles()["name_en"])
    ['Guangzhou pole', 'Shenzhen pole']
    """
    cities = load_boundaries("city").set_index("adcode")
    ids = list(POLES)
    codes = [POLES[i][0] for i in ids]
    sub = cities.loc[codes]
    return gpd.GeoDataFrame(
        {
            "id": ids,
            "adcode": codes,
            "name_zh": [f"{n}极" for n in sub["name_zh"]],
            "name_en": [f"{n} pole" for n in sub["name_en"]],
            "role_zh": [POLES[i][1] for i in ids],
            "role_en": [POLES[i][2] for i in ids],
            "clause": "§3",
            "source": _source(cities, "§3"),
        },
        geometry=sub.geometry.values,
        crs=cities.crs,
    )


def load_zones() -> gpd.GeoDataFrame:
    """The three apparel zones of §3 (三区) as dissolved polygons listing member cities.

    Examples
    --------
    >>> z = load_zones()
    >>> z.set_index("id").loc["zone_sz_dg_hz", "member_adcodes"]
    '440300;441900;441300'
    """
    cities = load_boundaries("city").set_index("adcode")
    rows = []
    for zid, (zh, en, members) in ZONES.items():
        sub = cities.loc[list(members)]
        rows.append(
            {
                "id": zid,
                "name_zh": zh,
                "name_en": en,
                "member_adcodes": ";".join(members),
                "member_cities_zh": "、".join(sub["name_zh"]),
                "member_cities_en": ", ".join(sub["name_en"]),
                "role_zh": "做大做强服装产业，带动纺纱、化纤、丝绸、织造、印染、洗水、家纺、产业用纺织品",
                "role_en": "grow apparel and pull spinning, chemical fibre, silk, weaving, dyeing, washing, home and industrial textiles",
                "clause": "§3",
                "source": _source(cities.reset_index(), "§3"),
                "geometry": _merge(sub.geometry.values),
            }
        )
    out = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=cities.crs)
    out["area_km2"] = (out.to_crs(ANALYSIS_CRS).area / 1e6).round(1)
    return out
