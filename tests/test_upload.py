"""Uploads: zipped shapefiles with missing parts, no CRS, unsafe entries, outside Guangdong."""
from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from geo.errors import LayerValidationError, PlannerError
from geo.upload import read_uploaded_vector


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, v in files.items():
            z.writestr(k, v)
    return buf.getvalue()


def _shapefile_parts(tmp_path: Path, gdf: gpd.GeoDataFrame) -> dict[str, bytes]:
    shp = tmp_path / "parks.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(gdf, shp, encoding="UTF-8")
    return {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.stem == "parks"}


def test_zipped_shapefile_round_trip_reprojects_to_wgs84(tmp_path: Path) -> None:
    g = gpd.GeoDataFrame({"name": ["普宁印染园"]}, geometry=[shapely.Point(116.2, 23.3)], crs=4326).to_crs(4547)
    data = _zip(_shapefile_parts(tmp_path, g))
    out = read_uploaded_vector(data, "parks.zip")
    assert out.crs.to_epsg() == 4326
    assert out["name"].iloc[0] == "普宁印染园"
    assert abs(out.geometry.x.iloc[0] - 116.2) < 1e-6


def test_missing_parts_and_prj(tmp_path: Path) -> None:
    g = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(113, 23)], crs=4326)
    parts = _shapefile_parts(tmp_path, g)
    no_dbf = {k: v for k, v in parts.items() if not k.endswith(".dbf")}
    with pytest.raises(PlannerError, match=r"missing its \.dbf part"):
        read_uploaded_vector(_zip(no_dbf), "parks.zip")
    no_prj = {k: v for k, v in parts.items() if not k.endswith(".prj")}
    with pytest.raises(PlannerError, match=r"has no \.prj"):
        read_uploaded_vector(_zip(no_prj), "parks.zip")


@pytest.mark.parametrize("entry", ["../x.geojson", "/etc/x.geojson", "a/../../x.geojson", "C:/x.geojson"])
def test_unsafe_zip_entries_refused(entry: str) -> None:
    with pytest.raises(PlannerError, match="unsafe"):
        read_uploaded_vector(_zip({entry: b"{}"}), "up.zip")


def test_other_bad_uploads() -> None:
    with pytest.raises(PlannerError, match="not a readable zip"):
        read_uploaded_vector(b"not a zip", "x.zip")
    with pytest.raises(PlannerError, match="not accepted"):
        read_uploaded_vector(b"a,b\n1,2", "x.csv")
    with pytest.raises(PlannerError, match="holds no vector file"):
        read_uploaded_vector(_zip({"readme.txt": b"hi"}), "x.zip")
    shanghai = gpd.GeoDataFrame({"n": ["sh"]}, geometry=[shapely.Point(121.47, 31.23)], crs=4326)
    with pytest.raises(LayerValidationError, match="outside Guangdong"):
        read_uploaded_vector(shanghai.to_json().encode(), "sh.geojson")
    bowtie = shapely.Polygon([(113, 23), (113.1, 23.1), (113.1, 23), (113, 23.1), (113, 23)])
    bad = gpd.GeoDataFrame({"n": ["b"]}, geometry=[bowtie], crs=4326)
    with pytest.raises(LayerValidationError, match="invalid geometr"):
        read_uploaded_vector(bad.to_json().encode(), "b.geojson")
