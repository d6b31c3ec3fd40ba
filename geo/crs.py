"""CRS policy: one constant for storage, one for analysis, a closed list for export.

Storage is WGS84 (EPSG:4326). Areas, distances and rasters are computed in an Albers
equal-area conic fitted to Guangdong (standard parallels 21.5N and 24.5N, central
meridian 113.5E, GRS80), so areas are true and distances are within a fraction of a per
cent across the province. Exports are EPSG:4326 by default, or the two systems Chinese
planning offices use: CGCS2000 (EPSG:4490) and CGCS2000 / 3-degree Gauss-Kruger CM 114E
(EPSG:4547).
"""
from __future__ import annotations

import warnings

import geopandas as gpd
from pyproj import CRS

from geo.errors import CRSError

__all__ = [
    "STORAGE_CRS",
    "ANALYSIS_CRS",
    "EXPORT_CRS",
    "check_crs",
    "project_layer",
    "to_storage",
]

STORAGE_CRS: CRS = CRS.from_epsg(4326)
ANALYSIS_CRS: CRS = CRS.from_proj4(
    "+proj=aea +lat_0=23 +lon_0=113.5 +lat_1=21.5 +lat_2=24.5 "
    "+x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"
)
#: Export choices: key -> (CRS, English label, Chinese label).
EXPORT_CRS: dict[str, tuple[CRS, str, str]] = {
    "EPSG:4326": (CRS.from_epsg(4326), "WGS 84 (longitude/latitude)", "WGS 84 经纬度"),
    "EPSG:4490": (CRS.from_epsg(4490), "CGCS2000 (longitude/latitude)", "CGCS2000 经纬度"),
    "EPSG:4547": (
        CRS.from_epsg(4547),
        "CGCS2000 / 3-degree Gauss-Kruger CM 114E",
        "CGCS2000 3度带高斯-克吕格 中央经线114°E",
    ),
}


def check_crs(gdf: gpd.GeoDataFrame, *, name: str = "layer", expected: CRS = STORAGE_CRS) -> None:
    """Raise when ``gdf`` has no CRS, warn when it differs from ``expected``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer to check.
    name : str
        How to call the layer in the message.
    expected : pyproj.CRS
        The CRS the caller wants.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> check_crs(gpd.GeoDataFrame(geometry=[Point(113, 23)], crs=4326))
    """
    if gdf.crs is None:
        msg = (
            f"`{name}` has no CRS: the file carries no projection (.prj or CRS record); "
            "set it with `gdf.set_crs(...)` or add a .prj to the upload"
        )
        raise CRSError(msg)
    if not CRS(gdf.crs).equals(expected):
        msg = f"`{name}` is in {CRS(gdf.crs).to_string()}, expected {expected.to_string()}; it will be reprojected"
        warnings.warn(msg, UserWarning, stacklevel=2)


def project_layer(gdf: gpd.GeoDataFrame, *, to: str | CRS | None = None) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in ``to`` (default: the analysis CRS).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Any layer with a CRS.
    to : str or pyproj.CRS, optional
        Target CRS; one of :data:`EXPORT_CRS` keys, any pyproj input, or None for
        :data:`ANALYSIS_CRS`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame(geometry=[Point(113.5, 23)], crs=4326)
    >>> round(float(project_layer(g).geometry.x.iloc[0]), 3)
    0.0
    """
    if gdf.crs is None:
        msg = "`gdf` has no CRS; set it with `gdf.set_crs(...)` before projecting"
        raise CRSError(msg)
    if to is None:
        target = ANALYSIS_CRS
    elif isinstance(to, str) and to in EXPORT_CRS:
        target = EXPORT_CRS[to][0]
    else:
        try:
            target = CRS(to)
        except Exception as exc:  # pyproj raises its own CRSError type
            msg = f"`to` is not a CRS pyproj understands: {to!r} ({exc}); use one of {list(EXPORT_CRS)}"
            raise CRSError(msg) from exc
    return gdf.to_crs(target)


def to_storage(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in the storage CRS (WGS84).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> to_storage(gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=ANALYSIS_CRS)).crs.to_epsg()
    4326
    """
    return project_layer(gdf, to=STORAGE_CRS)
