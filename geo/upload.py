"""Reading user uploads safely: size caps, zip entries checked and streamed, parts checked, CRS required.

An upload is bytes plus a claimed file name; neither is trusted. Zip archives are opened
in memory, every entry name is checked (no absolute paths, no ``..``, no links), and the
members are streamed to a private temporary folder with a running count of the bytes
really unpacked (a header may lie about a member's size): past
:data:`geo.validate.MAX_VECTOR_BYTES` the upload is refused. Any fault inside the archive
(a bad CRC, a broken DEFLATE stream, a truncated file, an unsupported method, encryption) is
one message saying the zip is damaged. Leftovers of macOS (``__MACOSX/``, ``._*``) are
skipped, a shapefile may sit in a folder of the zip or in a zip inside the zip, and names
holding ``!`` are read like any other.

:func:`read_exclusion_file` reads exclusion areas from a path (the command line) or from
uploaded bytes (the app) and checks them with the one validator,
:func:`geo.validate.validate_exclusion_areas`, so both refuse the same files with the same words.
"""
from __future__ import annotations

import io
import logging
import os
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd

from geo.crs import STORAGE_CRS
from geo.errors import PlannerError
from geo.io import read_vector, validate_layer
from geo.messages import Note
from geo.validate import MAX_UPLOAD_BYTES, MAX_VECTOR_BYTES, MAX_ZIP_MEMBERS, validate_exclusion_areas

__all__ = ["MAX_UPLOAD_BYTES", "read_exclusion_file", "read_uploaded_vector", "safe_extract_zip"]

log = logging.getLogger(__name__)

_VECTOR_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".kml", ".fgb"}
_SHP_PARTS = (".shp", ".shx", ".dbf")
_CHUNK = 1 << 20


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 1e6:.0f} MB"


def _is_junk(rel: PurePosixPath) -> bool:
    """What macOS and Windows add to a zip: resource forks and folder settings."""
    return rel.parts[0] == "__MACOSX" or rel.name.startswith("._") or rel.name in (".DS_Store", "Thumbs.db")


def safe_extract_zip(data: bytes, dest: Path, *, max_bytes: int = MAX_VECTOR_BYTES,
                     name: str = "the upload") -> list[Path]:
    """Extract a zip held in memory into ``dest``, streaming each member with a running size limit.

    Parameters
    ----------
    data : bytes
        The archive.
    dest : pathlib.Path
        Where the members go (created if missing).
    max_bytes : int
        Most bytes unpacked, counted as they are written (headers are not trusted).
    name : str
        How messages name the upload.

    Returns
    -------
    list of pathlib.Path
        The files written (folders, macOS leftovers and empty names skipped); ``!`` in a
        name becomes ``_``.

    Raises
    ------
    PlannerError
        A damaged or truncated archive (bad CRC, broken data, unsupported method,
        encrypted), an entry with an absolute path, ``..`` or a link, more than
        :data:`geo.validate.MAX_ZIP_MEMBERS` entries, or more than ``max_bytes`` unpacked.
        Nothing half-extracted stays in ``dest``.

    Examples
    --------
    >>> import io, zipfile, tempfile, pathlib
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("../evil.txt", "x")
    >>> safe_extract_zip(buf.getvalue(), pathlib.Path(tempfile.mkdtemp()))
    Traceback (most recent call last):
    ...
    geo.errors.PlannerError: zip entry '../evil.txt' is unsafe (absolute path, '..' or link); re-create the archive with plain relative names
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:  # noqa: BLE001 - whatever the archive does wrong, the answer is the same
        msg = Note("error.zip.unreadable", name=name, err=str(exc))
        raise PlannerError(msg) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        msg = Note("error.zip.members", name=name, n=len(infos), limit=MAX_ZIP_MEMBERS)
        raise PlannerError(msg)
    declared = 0
    for info in infos:
        p = PurePosixPath(info.filename.replace("\\", "/"))
        is_link = stat.S_ISLNK(info.external_attr >> 16)
        if p.is_absolute() or ".." in p.parts or is_link or ":" in info.filename:
            msg = Note("error.zip.unsafe", entry=info.filename)
            raise PlannerError(msg)
        declared += info.file_size
    if declared > max_bytes:
        msg = Note("error.zip.too_big", name=name, size=_mb(declared), limit=_mb(max_bytes))
        raise PlannerError(msg)
    out: list[Path] = []
    written = 0
    current = ""
    try:
        for info in infos:
            rel = PurePosixPath(info.filename.replace("\\", "/"))
            if info.is_dir() or not rel.parts or _is_junk(rel):
                continue
            current = info.filename
            target = dest.joinpath(*(part.replace("!", "_") for part in rel.parts))
            target.parent.mkdir(parents=True, exist_ok=True)
            out.append(target)
            with zf.open(info) as src, target.open("wb") as dst:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > max_bytes:  # the header lied: count what really comes out
                        msg = Note("error.zip.lied", name=name, limit=_mb(max_bytes), size=_mb(declared))
                        raise PlannerError(msg)
                    dst.write(chunk)
    except PlannerError:
        _remove(out)
        raise
    except Exception as exc:  # noqa: BLE001 - zlib.error, BadZipFile (CRC), EOFError, NotImplementedError, ...
        _remove(out)
        msg = Note("error.zip.damaged", name=name, entry=current, kind=type(exc).__name__, err=str(exc))
        raise PlannerError(msg) from None
    return out


def _remove(files: list[Path]) -> None:
    for f in files:
        if f.exists():
            f.unlink()


def _pick_vector(files: list[Path], *, name: str) -> Path | None:
    """The shapefile (checked for its parts) or else the first other vector file, shallowest first."""
    files = sorted(files, key=lambda f: (len(f.parts), str(f)))
    shps = [f for f in files if f.suffix.lower() == ".shp"]
    if shps:
        shp = shps[0]
        missing = [s for s in _SHP_PARTS if not shp.with_suffix(s).exists() and not shp.with_suffix(s.upper()).exists()]
        if missing:
            msg = Note("error.zip.shp_parts", name=name, shp=shp.name, parts=", ".join(missing))
            raise PlannerError(msg)
        if not shp.with_suffix(".prj").exists() and not shp.with_suffix(".PRJ").exists():
            msg = Note("error.zip.no_prj", name=name, shp=shp.name)
            raise PlannerError(msg)
        return shp
    others = [f for f in files if f.suffix.lower() in _VECTOR_SUFFIXES - {".shp"}]
    return others[0] if others else None


def _read_upload(data: bytes, filename: str, *, name: str) -> gpd.GeoDataFrame:
    """The uploaded layer as GDAL reads it (its own CRS), not yet validated."""
    shown = os.path.basename(str(filename).replace("\\", "/")) or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        msg = Note("error.upload.too_big", name=name, size=_mb(len(data)), limit=_mb(MAX_UPLOAD_BYTES))
        raise PlannerError(msg)
    suffix = PurePosixPath(shown).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="gd-upload-") as tmp:
        tmpdir = Path(tmp)
        if suffix == ".zip":
            files = safe_extract_zip(data, tmpdir / "z", name=name)
            path = _pick_vector(files, name=name)
            if path is None:  # a zipped shapefile inside the zip (one level)
                budget = MAX_VECTOR_BYTES - sum(f.stat().st_size for f in files)
                for i, inner in enumerate(f for f in sorted(files) if f.suffix.lower() == ".zip"):
                    found = safe_extract_zip(inner.read_bytes(), tmpdir / f"inner{i}", name=f"{name} ({inner.name})",
                                             max_bytes=budget)
                    path = _pick_vector(found, name=name)
                    if path is not None:
                        break
            if path is None:
                msg = Note("error.zip.no_vector", name=name)
                raise PlannerError(msg)
            shown = f"{shown}: {path.name}"
        elif suffix in _VECTOR_SUFFIXES - {".shp"}:
            path = tmpdir / f"upload{suffix}"
            path.write_bytes(data)
        else:
            msg = Note("error.upload.suffix", name=name, suffix=repr(suffix) if suffix else Note("error.upload.no_suffix"))
            raise PlannerError(msg)
        return read_vector(path, shown=shown)


def read_uploaded_vector(data: bytes, filename: str, *, name: str = "upload") -> gpd.GeoDataFrame:
    """Read an uploaded vector file (zipped shapefile, GeoPackage, GeoJSON, ...) and validate it.

    The layer must carry a CRS, hold valid non-empty geometries and lie inside Guangdong; it
    is returned in WGS84. Every problem is reported at once. Messages name the upload by
    its own file name, never by the server's temporary path.

    Parameters
    ----------
    data : bytes
        The uploaded bytes.
    filename : str
        The name the user's browser sent; used for its suffix and in messages.
    name : str
        How messages call the layer.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"n": ["a"]}, geometry=[shapely.box(113, 23, 113.1, 23.1)], crs=4326)
    >>> len(read_uploaded_vector(g.to_json().encode(), "x.geojson"))
    1
    """
    gdf = _read_upload(bytes(data), filename, name=f"`{name}`")
    gdf = gdf.to_crs(STORAGE_CRS) if not gdf.crs.equals(STORAGE_CRS) else gdf
    validate_layer(gdf, name=name)
    return gdf


def read_exclusion_file(source: bytes | str | os.PathLike, filename: str, *,
                        name: str = Note("error.word.exclusion_areas")) -> gpd.GeoDataFrame:
    """Read exclusion polygons from a path (command line) or uploaded bytes (app) and check them once.

    Both go through :func:`geo.validate.validate_exclusion_areas` under the same name,
    ``<name> '<file name>'``, so the command line and the app refuse the same layer with
    the same words.

    Parameters
    ----------
    source : bytes or path
        The uploaded bytes, or the file's path (GeoPackage, Shapefile, GeoJSON, a FileGDB folder ...).
    filename : str
        The file's name as the planner knows it (its folder is not shown).
    name : str
        How messages call the layer.

    Returns
    -------
    geopandas.GeoDataFrame
        The polygons in WGS84.

    Examples
    --------
    >>> import shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(113.6, 23.1, 113.8, 23.3)], crs=4326)
    >>> read_exclusion_file(g.to_json().encode(), "red.geojson").crs.to_epsg()
    4326
    """
    shown = os.path.basename(str(filename).replace("\\", "/")) or str(filename)
    label = Note("error.label.exclusion", name=name, file=shown)
    if isinstance(source, (bytes, bytearray, memoryview)):
        gdf = _read_upload(bytes(source), shown, name=label)
    else:
        gdf = read_vector(Path(source), shown=shown)
    return validate_exclusion_areas(gdf, name=label)
