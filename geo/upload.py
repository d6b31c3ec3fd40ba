"""Reading user uploads safely: size caps, zip entries checked, parts checked, CRS required.

An upload is bytes plus a claimed file name; neither is trusted. Zip archives are opened
in memory, every entry name is checked (no absolute paths, no ``..``, no links), the
total unpacked size is capped, and only then are the files written to a private
temporary folder for GDAL to read.
"""
from __future__ import annotations

import io
import logging
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd

from geo.crs import STORAGE_CRS
from geo.errors import PlannerError
from geo.io import read_vector, validate_layer

__all__ = ["MAX_UPLOAD_BYTES", "read_uploaded_vector", "safe_extract_zip"]

log = logging.getLogger(__name__)

#: Largest upload accepted, compressed or not (50 MB, the app's server.maxUploadSize).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_MAX_UNPACKED = 200 * 1024 * 1024
_VECTOR_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".kml", ".fgb"}
_SHP_PARTS = (".shp", ".shx", ".dbf")


def safe_extract_zip(data: bytes, dest: Path) -> list[Path]:
    """Extract a zip held in memory into ``dest``, refusing unsafe entries.

    Raises
    ------
    PlannerError
        For a corrupt archive, an entry with an absolute path, ``..`` or a link, or more
        than 200 MB unpacked.

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
    except zipfile.BadZipFile as exc:
        msg = f"the upload is not a readable zip archive ({exc}); zip the files again and re-upload"
        raise PlannerError(msg) from exc
    total = 0
    for info in zf.infolist():
        name = info.filename
        p = PurePosixPath(name.replace("\\", "/"))
        is_link = stat.S_ISLNK(info.external_attr >> 16)
        if p.is_absolute() or ".." in p.parts or is_link or ":" in name:
            msg = f"zip entry {name!r} is unsafe (absolute path, '..' or link); re-create the archive with plain relative names"
            raise PlannerError(msg)
        total += info.file_size
    if total > _MAX_UNPACKED:
        msg = f"the zip unpacks to {total / 1e6:.0f} MB, more than the {_MAX_UNPACKED / 1e6:.0f} MB allowed; upload a smaller extract"
        raise PlannerError(msg)
    out = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        target = dest / PurePosixPath(info.filename.replace("\\", "/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(zf.read(info))
        out.append(target)
    return out


def read_uploaded_vector(data: bytes, filename: str, *, name: str = "upload") -> gpd.GeoDataFrame:
    """Read an uploaded vector file (zipped shapefile, GeoPackage, GeoJSON, ...) and validate it.

    The layer must carry a CRS, hold valid non-empty geometries and lie inside Guangdong; it
    is returned in WGS84. Every problem is reported at once.

    Parameters
    ----------
    data : bytes
        The uploaded bytes.
    filename : str
        The name the user's browser sent; used only for its suffix.
    name : str
        How messages call the layer.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"n": ["a"]}, geometry=[shapely.box(113, 23, 113.1, 23.1)], crs=4326)
    >>> len(read_uploaded_vector(g.to_json().encode(), "x.geojson"))
    1
    """
    if len(data) > MAX_UPLOAD_BYTES:
        msg = f"`{name}` is {len(data) / 1e6:.0f} MB, more than the {MAX_UPLOAD_BYTES / 1e6:.0f} MB allowed; clip it to Guangdong first"
        raise PlannerError(msg)
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="gd-upload-") as tmp:
        tmpdir = Path(tmp)
        if suffix == ".zip":
            files = safe_extract_zip(data, tmpdir)
            shps = [f for f in files if f.suffix.lower() == ".shp"]
            others = [f for f in files if f.suffix.lower() in _VECTOR_SUFFIXES - {".shp"}]
            if shps:
                shp = shps[0]
                missing = [s for s in _SHP_PARTS if not shp.with_suffix(s).exists() and not shp.with_suffix(s.upper()).exists()]
                if missing:
                    msg = (f"`{name}`: the shapefile {shp.name} is missing its {', '.join(missing)} part(s); "
                           "zip all parts together (.shp, .shx, .dbf, .prj, .cpg)")
                    raise PlannerError(msg)
                if not shp.with_suffix(".prj").exists() and not shp.with_suffix(".PRJ").exists():
                    msg = f"`{name}`: {shp.name} has no .prj, so its coordinate system is unknown; add the .prj to the zip"
                    raise PlannerError(msg)
                path = shp
            elif others:
                path = others[0]
            else:
                msg = f"`{name}`: the zip holds no vector file (.shp, .gpkg, .geojson); check what was zipped"
                raise PlannerError(msg)
        elif suffix in _VECTOR_SUFFIXES - {".shp"}:
            path = tmpdir / f"upload{suffix}"
            path.write_bytes(data)
        else:
            msg = (f"`{name}`: files ending {suffix or '(no suffix)'!r} are not accepted; upload a zipped shapefile, "
                   "a GeoPackage or a GeoJSON")
            raise PlannerError(msg)
        gdf = read_vector(path)
    gdf = gdf.to_crs(STORAGE_CRS) if not gdf.crs.equals(STORAGE_CRS) else gdf
    validate_layer(gdf, name=name)
    return gdf
