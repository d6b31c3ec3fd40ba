"""The peer of the app's first map: the plainest Streamlit + streamlit-folium page a developer would write.

It reads the same embedded boundaries (province, 21 cities, 124 counties) with geopandas,
simplifies them as the app does (150 m), and draws them as folium GeoJSON layers with
tooltips, with none of this project's code. ``benchmarks/bench_browser.py`` opens it on a fresh
server in the same headless Chromium as the app, so the README can say how much of the app's
first map is Streamlit's own start-up (the floor) and how much is ours.

Run: ``streamlit run benchmarks/peer_map_app.py --server.enableStaticServing true``.
"""
from __future__ import annotations

from pathlib import Path

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

GPKG = Path(__file__).resolve().parent.parent / "data" / "boundaries" / "guangdong.gpkg"

st.set_page_config(page_title="peer map", layout="wide")
st.title("Guangdong (peer map)")
m = folium.Map(location=[23.3, 113.4], zoom_start=7, tiles=None)
# Leaflet from the app's vendored copy (benchmarks/static links to ../static): no CDN offline
m.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]
for layer in ("province", "cities", "counties"):
    g = gpd.read_file(GPKG, layer=layer)
    g = g.to_crs(4547).simplify(150, preserve_topology=True).to_frame("geometry").join(g.drop(columns="geometry"))
    g = gpd.GeoDataFrame(g, geometry="geometry", crs=4547).to_crs(4326)
    fields = [c for c in ("name_zh", "adcode") if c in g]
    folium.GeoJson(g[[*fields, "geometry"]], name=layer,
                   tooltip=folium.GeoJsonTooltip(fields=fields) if fields else None).add_to(m)
st_folium(m, height=640, use_container_width=True, returned_objects=[])
