"""Reading, validating and writing vector files (pyogrio underneath).

Writes go to a temporary file in the target folder and are renamed into place only when
complete, so an interrupted write never leaves a half-written file.
"""
from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geo.crs import STORAGE_CRS
from geo.errors import CRSError, LayerValidationError, PlannerError

__all__ = ["read_vector", "validate_layer", "atomic_path", "write_vector", "GUANGDONG_BBOX"]

log = logging.getLogger(__name__)

#: Generous WGS84 bounding box of Guangdong (lon_min, lat_min, lon_max, lat_max).
GUANGDONG_BBOX: tuple[float, float, float, float] = (109.3, 20.1, 117.4, 25.6)


def read_vector(path: str | os.PathLike, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector file with pyogrio and insist on a CRS.

    Parameters
    ----------
    path : str or path-like
        Any format GDAL reads (GeoPackage, Shapefile, GeoJSON, ...).
    layer : str, optional
        Layer name inside a multi-layer file.

    Examples
    --------
    >>> from geo.data import get_path
    >>> len(read_vector(get_path("boundaries"), layer="cities"))
    21
    """
    path = Path(path)
    if not path.exists():
        msg = f"`path` does not exist: {path}; check the file name"
        raise PlannerError(msg)
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:
        msg = f"could not read {path.name}{f' layer {layer!r}' if layer else ''}: {exc}"
        raise PlannerError(msg) from exc
    if gdf.crs is None:
        msg = (
            f"`{path.name}` has no CRS: the file carries no projection (a shapefile needs its .prj); "
            "add one or set it with `gdf.set_crs(...)`"
        )
        raise CRSError(msg)
    return gdf


def validate_layer(
    gdf: gpd.GeoDataFrame,
    *,
    name: str = "layer",
    required: Sequence[str] = (),
    unique: Sequence[str] = (),
    bbox: tuple[float, float, float, float] | None = GUANGDONG_BBOX,
    geom_types: Sequence[str] | None = None,
) -> None:
    """Check a layer once and raise one error listing every problem found.

    Checks: CRS present and WGS84, required columns present and non-null, unique columns
    unique, geometries present, non-empty and valid, of an allowed type, and inside
    ``bbox`` (Guangdong by default).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer; it is not modified.
    name : str
        How the message names the layer.
    required : sequence of str
        Columns that must exist and hold no nulls.
    unique : sequence of str
        Columns whose values must be unique.
    bbox : tuple, optional
        WGS84 bounds every feature must fall inside; None to skip.
    geom_types : sequence of str, optional
        Allowed geometry types, e.g. ``("Polygon", "MultiPolygon")``.

    Raises
    ------
    LayerValidationError
        With every problem, one per line.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> validate_layer(gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(113, 23)], crs=4326), required=["id"])
    """
    problems: list[str] = []
    if gdf.crs is None:
        problems.append("no CRS: set one with `set_crs` or add a .prj to the file")
    elif not gdf.crs.equals(STORAGE_CRS):
        problems.append(f"CRS is {gdf.crs.to_string()}, expected EPSG:4326; reproject with `to_crs(4326)`")
    for col in required:
        if col not in gdf.columns:
            problems.append(f"column {col!r} is missing")
        elif gdf[col].isna().any():
            rows = list(gdf.index[gdf[col].isna()][:5])
            problems.append(f"column {col!r} has {int(gdf[col].isna().sum())} empty value(s), e.g. rows {rows}")
    for col in unique:
        if col in gdf.columns and gdf[col].duplicated().any():
            dups = sorted(map(str, gdf.loc[gdf[col].duplicated(), col].unique()))[:5]
            problems.append(f"column {col!r} has duplicates: {dups}")
    geoms = gdf.geometry.values
    missing = shapely.is_missing(geoms) if len(geoms) else np.array([], bool)
    empty = shapely.is_empty(geoms) & ~missing if len(geoms) else missing
    if missing.any():
        problems.append(f"{int(missing.sum())} feature(s) have no geometry, e.g. rows {list(gdf.index[missing][:5])}")
    if empty.any():
        problems.append(f"{int(empty.sum())} feature(s) have an empty geometry, e.g. rows {list(gdf.index[empty][:5])}")
    present = ~(missing | empty)
    invalid = np.zeros(len(gdf), bool)
    if present.any():
        invalid[present] = ~shapely.is_valid(geoms[present])
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])[:3]
        problems.append(
            f"{int(invalid.sum())} invalid geometr(ies), e.g. rows {list(gdf.index[invalid][:5])}: {list(reasons)}; "
            "repair with `shapely.make_valid` or QGIS 'Fix geometries'"
        )
    if geom_types is not None and present.any():
        types = shapely.get_type_id(geoms[present])
        names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint",
                          "MultiLineString", "MultiPolygon", "GeometryCollection"])[types]
        bad = ~np.isin(names, list(geom_types))
        if bad.any():
            problems.append(f"{int(bad.sum())} feature(s) of type {sorted(map(str, set(names[bad])))}, expected {list(geom_types)}")
    if bbox is not None and present.any() and gdf.crs is not None and gdf.crs.equals(STORAGE_CRS):
        b = shapely.bounds(geoms[present])
        out = (b[:, 0] < bbox[0]) | (b[:, 1] < bbox[1]) | (b[:, 2] > bbox[2]) | (b[:, 3] > bbox[3])
        if out.any():
            rows = list(gdf.index[present][out][:5])
            problems.append(
                f"{int(out.sum())} feature(s) lie outside Guangdong {bbox}, e.g. rows {rows}; "
                "check the coordinates (longitude/latitude swapped? a projected CRS read as degrees?)"
            )
    if problems:
        raise LayerValidationError(problems, layer=name)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("ok")
    >>> (d / "a.txt").read_text()
    'ok'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # let the writer create it fresh (GDAL refuses some existing files)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_vector(
    layers: dict[str, gpd.GeoDataFrame],
    path: str | os.PathLike,
    *,
    driver: str = "GPKG",
) -> Path:
    """Write one or more layers to ``path`` atomically.

    Parameters
    ----------
    layers : dict of str -> GeoDataFrame
        Layer name -> layer. Several layers need a multi-layer driver (GPKG).
    path : str or path-like
        Output file.
    driver : str
        OGR driver name.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.gpkg"
    >>> g = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(113, 23)], crs=4326)
    >>> write_vector({"pts": g}, p).name
    'x.gpkg'
    """
    path = Path(path)
    if len(layers) > 1 and driver != "GPKG":
        msg = f"`driver` {driver!r} holds one layer per file; got {len(layers)} layers; use GPKG"
        raise PlannerError(msg)
    with atomic_path(path) as tmp:
        for i, (lname, gdf) in enumerate(layers.items()):
            kwargs = {"layer": lname} if driver == "GPKG" else {}
            pyogrio.write_dataframe(gdf, tmp, driver=driver, append=i > 0, **kwargs)
    log.info("wrote %s (%d layer(s))", path, len(layers))
    return path
