"""The checks every user file and typed value passes once, for the command line and the app alike.

The command line hands over paths, the app uploaded bytes; both go through these functions,
so both refuse the same input with the same words:

* :func:`check_regular_file` / :func:`read_capped` — a size cap, and only regular files (a
  pipe would block, ``/dev/zero`` never ends); :data:`MAX_CSV_BYTES` for tables,
  :data:`MAX_VECTOR_BYTES` for vector layers (unpacked), :data:`MAX_UPLOAD_BYTES` for an upload;
* :func:`check_not_empty` — an empty table is named with the columns its option expects
  (:data:`EXPECTED_CSV`);
* :func:`check_unique_keys` — a key given twice is refused, naming it, instead of keeping
  the last value silently;
* :func:`validate_exclusion_areas` — exclusion polygons (an ecological red line): CRS,
  finite coordinates, polygons, valid rings, inside Guangdong, with hints for swapped
  latitude/longitude and projected metres read as degrees.

The caps are ASSUMPTIONS sized for this tool's inputs: the largest table a planner gives is a
county origin-destination matrix (124 x 124 pairs, well under 1 MB), and 100 MB of vector data
holds a province's red line at full survey detail; GDAL needs about six times a GeoJSON's size
in memory while reading it.
"""
from __future__ import annotations

import math
import os
import stat
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import STORAGE_CRS
from geo.errors import LayerValidationError, PlannerError
from geo.messages import Note

__all__ = [
    "EXPECTED_CSV",
    "GUANGDONG_BBOX",
    "MAX_CSV_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_VECTOR_BYTES",
    "MAX_ZIP_MEMBERS",
    "check_not_empty",
    "check_regular_file",
    "check_unique_keys",
    "read_capped",
    "validate_exclusion_areas",
]

#: Generous WGS84 bounding box of Guangdong (lon_min, lat_min, lon_max, lat_max).
GUANGDONG_BBOX: tuple[float, float, float, float] = (109.3, 20.1, 117.4, 25.6)
#: ASSUMPTION: largest table (CSV) read, in bytes (10 MB).
MAX_CSV_BYTES = 10 * 1024 * 1024
#: Largest upload accepted, compressed or not (50 MB, the app's server.maxUploadSize).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: ASSUMPTION: largest vector layer read, unpacked (a zip's members together, or a file given by path), 100 MB.
MAX_VECTOR_BYTES = 100 * 1024 * 1024
#: Most entries a zip upload may hold.
MAX_ZIP_MEMBERS = 1000

#: What each table option expects, named when its file is empty.
EXPECTED_CSV: dict[str, str] = {
    opt: Note(f"error.expected.{opt[2:]}") for opt in ("--capability", "--od", "--od-hours", "--site", "--chain",
                                                       "--evidence", "--ahp", "--room-csv")
}

_MB = 1024 * 1024


def _mb(n: float) -> str:
    return f"{n / _MB:.0f} MB" if n >= _MB else f"{n / 1e6:.1f} MB"


def check_regular_file(path: str | os.PathLike, *, name: str, max_bytes: int, folder_ok: bool = False,
                       shown: str | None = None) -> Path:
    """``path`` as a Path when it is a regular file of at most ``max_bytes``; else one PlannerError.

    Pipes, devices and sockets are refused before anything is opened (a pipe would block,
    ``/dev/zero`` never ends). With ``folder_ok`` a folder passes (a FileGDB, a folder of
    shapefiles) and its files are counted together.

    Parameters
    ----------
    path : str or path-like
    name : str
        How the message names the argument, e.g. ``"`--site`"``.
    max_bytes : int
        The cap.
    folder_ok : bool
        Whether a folder passes.
    shown : str, optional
        How the message names the file (default: the path, quoted).

    Examples
    --------
    >>> check_regular_file("/dev/zero", name="`--site`", max_bytes=10)
    Traceback (most recent call last):
    geo.errors.PlannerError: `--site` '/dev/zero' is not a regular file (a pipe, device or socket); save the data to a file and give that
    """
    p = Path(path)
    shown = Note("error.named", name=name, file=repr(os.fspath(path)) if shown is None else shown)
    try:
        st = p.stat()
    except OSError as exc:
        msg = Note("error.file.unreadable", name=shown, reason=str(exc.strerror or exc))
        raise PlannerError(msg) from None
    if stat.S_ISDIR(st.st_mode):
        if not folder_ok:
            msg = Note("error.file.folder", name=shown)
            raise PlannerError(msg)
        size = sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    elif not stat.S_ISREG(st.st_mode):
        msg = Note("error.file.not_regular", name=shown)
        raise PlannerError(msg)
    else:
        size = st.st_size
    if size > max_bytes:
        msg = Note("error.file.too_big", name=shown, size=_mb(size), limit=_mb(max_bytes))
        raise PlannerError(msg)
    return p


def read_capped(source: IO[bytes] | IO[str] | bytes, *, name: str, max_bytes: int) -> bytes | str:
    """Read an open file (or take bytes) with a cap: never more than ``max_bytes + 1`` are read.

    Examples
    --------
    >>> import io
    >>> read_capped(io.BytesIO(b"abc"), name="`x`", max_bytes=10)
    b'abc'
    >>> read_capped(b"abcdef", name="`x`", max_bytes=3)
    Traceback (most recent call last):
    geo.errors.PlannerError: `x` is more than the 0.0 MB allowed; give a smaller extract
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data: bytes | str = bytes(source)
    else:
        try:
            data = source.read(max_bytes + 1)
        except OSError as exc:
            msg = Note("error.file.read_failed", name=name, reason=str(exc.strerror or exc))
            raise PlannerError(msg) from None
    if data is not None and len(data) > max_bytes:
        msg = Note("error.file.over_cap", name=name, limit=_mb(max_bytes))
        raise PlannerError(msg)
    return data


def check_not_empty(text: str, *, name: str, option: str | None = None) -> None:
    """Refuse a table with nothing but blanks and ``#`` comments, naming what it should hold.

    Examples
    --------
    >>> check_not_empty("# only a note\\n", name="--od 'od.csv'", option="--od")
    Traceback (most recent call last):
    geo.errors.PlannerError: --od 'od.csv' is empty: expected a header row with columns origin, destination, cost (or a square matrix with an adcode header); save the table as 'CSV UTF-8' from Excel
    """
    if any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return
    expected = EXPECTED_CSV.get(option or "", Note("error.expected.any"))
    msg = Note("error.csv.empty", name=name, expected=expected)
    raise PlannerError(msg)


def check_unique_keys(items: Iterable[object], *, name: str) -> None:
    """Refuse keys given more than once (a dict would keep the last value without a word).

    ``items`` are keys or ``(key, value)`` pairs.

    Examples
    --------
    >>> check_unique_keys([("445281", 10), ("445281", 20)], name="`--room`")
    Traceback (most recent call last):
    geo.errors.PlannerError: `--room` names '445281' (values 10, 20) more than once; give each once
    """
    pairs = [(str(i[0]).strip(), i[1]) if isinstance(i, tuple) and len(i) == 2 else (str(i).strip(), None)
             for i in items]
    counts = Counter(k for k, _v in pairs)
    dups = [k for k, n in counts.items() if n > 1]
    if not dups:
        return
    parts = []
    for k in dups[:5]:
        vals = [v for kk, v in pairs if kk == k and v is not None]
        parts.append(Note("error.keys.values", key=k, values=", ".join(f"{v:g}" if isinstance(v, float) else str(v)
                                                                        for v in vals))
                     if vals else Note("error.keys.one", key=k))
    msg = Note("error.keys.repeated", name=name, keys=parts)
    raise PlannerError(msg)


# ----------------------------------------------------------------------------- exclusion areas
_TYPE_NAMES = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                        "MultiPolygon", "GeometryCollection"])


def _rows(index: object, mask: np.ndarray) -> list:
    return [int(i) if isinstance(i, (int, np.integer)) else i for i in np.asarray(index)[mask][:5]]


def validate_exclusion_areas(areas: gpd.GeoDataFrame, *, name: str = Note("error.word.exclusion_areas")
                             ) -> gpd.GeoDataFrame:
    """Check exclusion polygons once, every problem in one error; return them in WGS84.

    The one validator of exclusion areas (an ecological red line) for the command line
    (:func:`geo.upload.read_exclusion_file` on a path), the app (the same on uploaded bytes)
    and :func:`analysis.exclusion.units_in_areas`. Refused, each with a fix: no CRS; no
    features; empty geometries; coordinates that are not finite; points or lines (they
    cover no area); invalid polygons (a self-intersecting ring is not repaired behind the
    planner's back: a repair can turn it into a polygon that covers nothing); coordinates
    that are not degrees (projected metres in a file without a CRS); features wholly outside
    Guangdong (with a hint when swapping latitude and longitude would put them inside).
    Features partly outside Guangdong are kept (only their part over a unit counts).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Any CRS; not modified.
    name : str
        How the message names the layer, e.g. ``"exclusion areas 'red.gpkg'"``.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer in EPSG:4326 (a copy).

    Raises
    ------
    LayerValidationError
        One line per problem.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> ok = validate_exclusion_areas(gpd.GeoDataFrame(geometry=[box(113, 23, 113.1, 23.1)], crs=4326))
    >>> len(ok), ok.crs.to_epsg()
    (1, 4326)
    >>> validate_exclusion_areas(gpd.GeoDataFrame(geometry=[box(23, 113, 23.1, 113.1)], crs=4326))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo.errors.LayerValidationError: exclusion areas has 1 problem(s):
      - ...latitude and longitude look swapped...
    """
    if not isinstance(areas, gpd.GeoDataFrame):
        msg = Note("error.exclusion.not_frame", name=name, got=type(areas).__name__)
        raise PlannerError(msg)
    if areas.crs is None:
        raise LayerValidationError([Note("error.exclusion.no_crs")], layer=name)
    if len(areas) == 0:
        raise LayerValidationError([Note("error.exclusion.no_features")], layer=name)
    problems: list[Note] = []
    geoms = areas.geometry.to_numpy()
    missing = shapely.is_missing(geoms)
    empty = shapely.is_empty(geoms) & ~missing
    if (missing | empty).any():
        problems.append(Note("error.exclusion.no_geometry", n=int((missing | empty).sum()),
                             rows=_rows(areas.index, missing | empty)))
    present = ~(missing | empty)
    coords, which = shapely.get_coordinates(geoms[present], return_index=True)
    bad_xy = ~np.isfinite(coords).all(axis=1)
    nonfinite = np.zeros(len(areas), bool)
    if bad_xy.any():
        nonfinite[np.flatnonzero(present)[np.unique(which[bad_xy])]] = True
        problems.append(Note("error.exclusion.nonfinite", n=int(nonfinite.sum()), rows=_rows(areas.index, nonfinite)))
    usable = present & ~nonfinite
    types = _TYPE_NAMES[shapely.get_type_id(geoms[usable])] if usable.any() else np.array([], str)
    not_poly = np.zeros(len(areas), bool)
    not_poly[np.flatnonzero(usable)] = ~np.isin(types, ["Polygon", "MultiPolygon"])
    if not_poly.any():
        kinds = ", ".join(sorted({str(t) for t in types[~np.isin(types, ["Polygon", "MultiPolygon"])]}))
        code = "error.exclusion.no_polygons" if not_poly.sum() == usable.sum() else "error.exclusion.some_not_polygons"
        problems.append(Note(code, n=int(not_poly.sum()), kinds=kinds, rows=_rows(areas.index, not_poly)))
    polys = usable & ~not_poly
    invalid = np.zeros(len(areas), bool)
    if polys.any():
        invalid[polys] = ~shapely.is_valid(geoms[polys])
    if invalid.any():
        reasons = list(shapely.is_valid_reason(geoms[invalid])[:3])
        problems.append(Note("error.exclusion.invalid", n=int(invalid.sum()), rows=_rows(areas.index, invalid),
                             reasons=reasons))
    good = polys & ~invalid
    if good.any():
        problems += _placement_problems(areas, geoms, good)
    if problems:
        raise LayerValidationError(problems, layer=name)
    return areas.to_crs(STORAGE_CRS) if not areas.crs.equals(STORAGE_CRS) else areas.copy()


def _placement_problems(areas: gpd.GeoDataFrame, geoms: np.ndarray, good: np.ndarray) -> list[Note]:
    """Features wholly outside Guangdong: swapped axes, metres read as degrees, or elsewhere."""
    crs = areas.crs
    b = shapely.bounds(geoms[good])
    # geographic CRSs (WGS84, CGCS2000) differ by less than a metre: their degrees are compared as they are
    wgs = b if crs.is_geographic else _bounds_in_wgs84(geoms[good], crs)
    x0, y0, x1, y1 = GUANGDONG_BBOX
    finite = np.isfinite(wgs).all(axis=1)
    beyond = (np.abs(b[:, [0, 2]]) > 180).any(axis=1) | (np.abs(b[:, [1, 3]]) > 90).any(axis=1)
    not_degrees = crs.is_geographic & beyond  # even a feature spanning Guangdong: no place has such degrees
    outside = ~finite | not_degrees | (wgs[:, 2] < x0) | (wgs[:, 0] > x1) | (wgs[:, 3] < y0) | (wgs[:, 1] > y1)
    if not outside.any():
        return []
    rows = np.zeros(len(areas), bool)
    rows[np.flatnonzero(good)[outside]] = True
    out = b[outside] if crs.is_geographic else wgs[outside]
    # swapped: every such feature lies inside Guangdong once x and y trade places
    swapped = bool((np.isfinite(out).all(axis=1) & (out[:, 1] >= x0) & (out[:, 3] <= x1)
                    & (out[:, 0] >= y0) & (out[:, 2] <= y1)).all())
    where = {"n": int(outside.sum()), "total": int(good.sum()), "rows": _rows(areas.index, rows)}
    if swapped:
        return [Note("error.exclusion.swapped", bbox=GUANGDONG_BBOX, **where)]
    if not_degrees.any():
        return [Note("error.exclusion.not_degrees", x=f"{out[0, 0]:.6g}", y=f"{out[0, 1]:.6g}", crs=crs.to_string(),
                     **where)]
    return [Note("error.exclusion.outside", bbox=GUANGDONG_BBOX, **where)]


def _bounds_in_wgs84(geoms: np.ndarray, crs: object) -> np.ndarray:
    try:
        out = gpd.GeoSeries(shapely.envelope(geoms), crs=crs).to_crs(STORAGE_CRS).bounds.to_numpy()
    except Exception:  # noqa: BLE001 - any projection failure means "not placeable": reported as outside
        return np.full((len(geoms), 4), math.nan)
    return out
