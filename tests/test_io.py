"""Vector IO: validation collects every problem; writes are atomic; files need a CRS."""
from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon

from geo.crs import check_crs, project_layer
from geo.errors import CRSError, LayerValidationError, PlannerError
from geo.io import atomic_path, read_vector, validate_layer, write_vector

BOWTIE = Polygon([(113, 23), (113.1, 23.1), (113.1, 23), (113, 23.1), (113, 23)])  # self-intersecting


def _layer(**cols) -> gpd.GeoDataFrame:
    geoms = cols.pop("geometry")
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=4326)


def test_valid_layer_passes_including_multipart() -> None:
    mp = MultiPolygon([Polygon([(113, 23), (113.1, 23), (113.1, 23.1)]), Polygon([(114, 23), (114.1, 23), (114.1, 23.1)])])
    validate_layer(_layer(id=["a", "b"], geometry=[Point(113, 23), mp]), required=["id"], unique=["id"])


def test_every_problem_reported_at_once() -> None:
    g = _layer(id=["a", "a", None, "d", "e"],
               geometry=[Point(113, 23), BOWTIE, Point(), None, Point(121.5, 31.2)])
    with pytest.raises(LayerValidationError) as err:
        validate_layer(g, name="uploads", required=["id", "name_zh"], unique=["id"])
    msg = str(err.value)
    assert "uploads has 7 problem(s)" in msg
    for part in ("'name_zh' is missing", "'id' has 1 empty", "duplicates: ['a']", "no geometry",
                 "empty geometry", "invalid geometr", "outside Guangdong"):
        assert part in msg, part


def test_crs_problems() -> None:
    g = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(113, 23)])
    with pytest.raises(LayerValidationError, match="no CRS"):
        validate_layer(g)
    with pytest.raises(CRSError, match="has no CRS"):
        check_crs(g, name="upload")
    with pytest.warns(UserWarning, match="expected EPSG:4326"):
        check_crs(g.set_crs(3857, allow_override=True), name="upload")
    with pytest.raises(CRSError, match="not a CRS pyproj understands"):
        project_layer(g.set_crs(4326), to="EPSG:999999")
    assert project_layer(g.set_crs(4326), to="EPSG:4547").crs.to_epsg() == 4547


def test_geom_type_check() -> None:
    with pytest.raises(LayerValidationError, match=r"type \['Point'\], expected"):
        validate_layer(_layer(id=["a"], geometry=[Point(113, 23)]), geom_types=("Polygon", "MultiPolygon"))


def test_read_vector_without_crs_is_refused(tmp_path: Path) -> None:
    g = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(113, 23)])
    shp = tmp_path / "nocrs.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(g, shp)
    assert not shp.with_suffix(".prj").exists()
    with pytest.raises(CRSError, match=r"no CRS.*\.prj"):
        read_vector(shp)
    with pytest.raises(PlannerError, match="does not exist"):
        read_vector(tmp_path / "missing.gpkg")


def test_write_vector_round_trip_and_atomic(tmp_path: Path) -> None:
    g = _layer(name_zh=["大朗毛织"], geometry=[Point(113.9, 22.9)])
    out = write_vector({"a": g, "b": g}, tmp_path / "two.gpkg")
    back = read_vector(out, layer="b")
    assert back["name_zh"].iloc[0] == "大朗毛织" and back.crs.to_epsg() == 4326
    target = tmp_path / "keep.txt"
    target.write_text("user's file")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "user's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt", "two.gpkg"]
    with pytest.raises(PlannerError, match="one layer per file"):
        write_vector({"a": g, "b": g}, tmp_path / "x.geojson", driver="GeoJSON")
    assert np.isclose(back.geometry.x.iloc[0], 113.9)
