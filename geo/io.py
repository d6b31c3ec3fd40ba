"""Reading, validating and writing vector files (pyogrio underneath), and reading users' CSV.

Writes go to a hidden part file in the target folder and are renamed into place only when
complete (:mod:`geo.files`), so an interrupted write never leaves a half-written file.

Every file read here passes the checks of :mod:`geo.validate` first: regular files only (a pipe
would block, ``/dev/zero`` never ends) and a size cap (:data:`geo.validate.MAX_CSV_BYTES` for
tables, :data:`geo.validate.MAX_VECTOR_BYTES` for vector layers).

Every CSV a user gives (capability statistics, OD matrix, site values, AHP matrix) is
decoded by :func:`read_csv_text` / :func:`read_csv_table`: UTF-8 with or without BOM, or
GB18030 (a superset of GBK, what Excel on a Chinese Windows writes as "CSV").
"""
from __future__ import annotations

import codecs
import contextlib
import glob
import io
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.crs import STORAGE_CRS
from geo.errors import CRSError, LayerValidationError, PlannerError
from geo.files import atomic_folder, atomic_path, scratch_dir
from geo.messages import Note
from geo.validate import (
    GUANGDONG_BBOX,
    MAX_CSV_BYTES,
    MAX_VECTOR_BYTES,
    check_not_empty,
    check_regular_file,
    read_capped,
)

__all__ = [
    "read_commented_csv",
    "read_vector", "validate_layer", "atomic_path", "atomic_folder", "scratch_dir", "write_vector", "GUANGDONG_BBOX",
    "CsvSource", "read_csv_text", "read_csv_table", "named_bytes", "open_user_table", "parse_error_text",
]

log = logging.getLogger(__name__)


def _check_vector_size(path: Path, *, shown: str) -> None:
    """Regular file (or a FileGDB folder) within the cap; a shapefile counts with its parts."""
    check_regular_file(path, name=Note("error.word.vector_file"), max_bytes=MAX_VECTOR_BYTES, shown=shown,
                       folder_ok=path.suffix.lower() == ".gdb")  # a FileGDB is a folder
    if path.suffix.lower() == ".shp":
        size = sum(f.stat().st_size for f in path.parent.glob(f"{glob.escape(path.stem)}.*") if f.is_file())
        if size > MAX_VECTOR_BYTES:
            msg = Note("error.vector.too_big", name=shown, size=f"{size / 2**20:.0f}", limit=f"{MAX_VECTOR_BYTES / 2**20:.0f}")
            raise PlannerError(msg)


@contextlib.contextmanager
def _gdal_safe(path: Path) -> Iterator[Path]:
    """``path``, or a link to it under a plain name when its name holds ``!`` (GDAL's archive syntax)."""
    if "!" not in str(path):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="gd-read-") as td:
        d = Path(td)
        if path.suffix.lower() == ".shp":  # the shapefile's parts travel with it
            for part in path.parent.iterdir():
                if part.stem == path.stem:
                    (d / f"layer{part.suffix}").symlink_to(part.resolve())
        else:
            (d / f"layer{path.suffix}").symlink_to(path.resolve())
        yield d / f"layer{path.suffix}"


def read_vector(path: str | os.PathLike, *, layer: str | None = None, shown: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector file with pyogrio and insist on a CRS.

    The file must be a regular file (or a FileGDB folder) holding geometry, within
    :data:`geo.validate.MAX_VECTOR_BYTES`; names holding ``!`` (which GDAL would read as
    archive syntax) are read as they are. Messages name the file as ``shown`` (default: its
    name) and never show the folder it was read from (an upload's server folder).

    Parameters
    ----------
    path : str or path-like
        Any format GDAL reads (GeoPackage, Shapefile, GeoJSON, ...).
    layer : str, optional
        Layer name inside a multi-layer file.
    shown : str, optional
        How messages name the file (an upload's own name).

    Examples
    --------
    >>> from geo.data import get_path
    >>> len(read_vector(get_path("boundaries"), layer="cities"))
    21
    """
    path = Path(path)
    label = repr(shown if shown is not None else path.name)
    if not path.exists():
        msg = Note("error.vector.missing", path=str(path) if shown is None else label)
        raise PlannerError(msg)
    _check_vector_size(path, shown=label)
    try:
        with _gdal_safe(path) as readable, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gdf = pyogrio.read_dataframe(readable, layer=layer)
        for w in caught:
            log.info("%s: %s", label, w.message)
    except Exception as exc:
        text = re.sub(r"\S*gd-read-\w+/layer\.\w+", "\0", str(exc))  # the link made for a name with '!'
        for long in (str(path), str(path.parent) + os.sep, str(path.parent), path.name):
            text = text.replace(long, "\0" if long in (str(path), path.name) else "")
        text = text.replace("'\0'", "\0").replace("\0", label)
        msg = (Note("error.vector.unreadable_layer", name=label, layer=layer, err=text) if layer
               else Note("error.vector.unreadable", name=label, err=text))
        raise PlannerError(msg) from None
    if not isinstance(gdf, gpd.GeoDataFrame):  # GDAL reads a CSV or a bare .dbf as a table without geometry
        msg = Note("error.vector.no_geometry", name=label)
        raise PlannerError(msg)
    if gdf.crs is None:
        msg = Note("error.vector.no_crs", name=label)
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
        problems.append(Note("error.layer.no_crs"))
    elif not gdf.crs.equals(STORAGE_CRS):
        problems.append(Note("error.layer.crs", crs=gdf.crs.to_string()))
    for col in required:
        if col not in gdf.columns:
            problems.append(Note("error.layer.column_missing", col=col))
        elif gdf[col].isna().any():
            rows = list(gdf.index[gdf[col].isna()][:5])
            problems.append(Note("error.layer.column_empty", col=col, n=int(gdf[col].isna().sum()), rows=rows))
    for col in unique:
        if col in gdf.columns and gdf[col].duplicated().any():
            dups = sorted(map(str, gdf.loc[gdf[col].duplicated(), col].unique()))[:5]
            problems.append(Note("error.layer.column_dups", col=col, dups=dups))
    geoms = gdf.geometry.values
    missing = shapely.is_missing(geoms) if len(geoms) else np.array([], bool)
    empty = shapely.is_empty(geoms) & ~missing if len(geoms) else missing
    if missing.any():
        problems.append(Note("error.layer.no_geometry", n=int(missing.sum()), rows=list(gdf.index[missing][:5])))
    if empty.any():
        problems.append(Note("error.layer.empty_geometry", n=int(empty.sum()), rows=list(gdf.index[empty][:5])))
    present = ~(missing | empty)
    invalid = np.zeros(len(gdf), bool)
    if present.any():
        invalid[present] = ~shapely.is_valid(geoms[present])
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])[:3]
        problems.append(Note("error.layer.invalid", n=int(invalid.sum()), rows=list(gdf.index[invalid][:5]),
                             reasons=list(reasons)))
    if geom_types is not None and present.any():
        types = shapely.get_type_id(geoms[present])
        names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint",
                          "MultiLineString", "MultiPolygon", "GeometryCollection"])[types]
        bad = ~np.isin(names, list(geom_types))
        if bad.any():
            problems.append(Note("error.layer.types", n=int(bad.sum()), types=sorted(map(str, set(names[bad]))),
                                 expected=list(geom_types)))
    if bbox is not None and present.any() and gdf.crs is not None and gdf.crs.equals(STORAGE_CRS):
        b = shapely.bounds(geoms[present])
        out = (b[:, 0] < bbox[0]) | (b[:, 1] < bbox[1]) | (b[:, 2] > bbox[2]) | (b[:, 3] > bbox[3])
        if out.any():
            rows = list(gdf.index[present][out][:5])
            problems.append(Note("error.layer.outside", n=int(out.sum()), bbox=bbox, rows=rows))
    if problems:
        raise LayerValidationError(problems, layer=name)


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


# ---------------------------------------------------------------- users' CSV files
#: What :func:`read_csv_text` accepts: a path, an open binary or text file, or the bytes themselves.
CsvSource = str | os.PathLike | IO[bytes] | IO[str] | bytes

#: Characters a GBK file read as UTF-8 turns into (C1 controls, Latin Extended ... NKo, private
#: use), rare in a real UTF-8 table of adcodes, numbers and Chinese names.
_MOJIBAKE = re.compile("[\u0080-\u009f\u0100-\u07ff\ue000-\uf8ff]")
#: CJK ideographs (extension A, unified, compatibility).
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: A Chinese character inside a Latin word: UTF-8 pinyin read as GBK ('Guīlín' -> 'Gu墨l铆n').
_LATIN_HAN_LATIN = re.compile("[A-Za-z][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+[A-Za-z]")


def named_bytes(data: bytes, name: str) -> io.BytesIO:
    """``data`` as a binary buffer that carries ``name``, so messages name the upload, not "a buffer".

    Examples
    --------
    >>> read_csv_text(named_bytes(b"\\xff\\xfe\\x00", "统计.csv"), name="`--capability`")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo.errors.PlannerError: `--capability` '统计.csv' is neither UTF-8 nor GB18030/GBK text ...
    """
    buf = io.BytesIO(bytes(data))
    buf.name = os.path.basename(str(name))  # type: ignore[misc]
    return buf


def open_user_table(option: str, name: str, source: CsvSource) -> CsvSource:
    """A planner's table for ``option`` (``--od``, ``--site`` ...) checked before any reader parses it.

    The one gate of the command line (a path) and the app (uploaded bytes): a regular file
    within :data:`geo.validate.MAX_CSV_BYTES`, text in UTF-8 or GB18030, and not empty (an
    empty file is named with the columns ``option`` expects, :data:`geo.validate.EXPECTED_CSV`).

    Parameters
    ----------
    option : str
        The command-line option the table belongs to, e.g. ``"--od"``.
    name : str
        The file's name as the planner knows it (only its last part is shown).
    source : path, bytes or binary file-like

    Returns
    -------
    path or io.BytesIO
        A path as given, or the bytes as a buffer carrying the upload's name, for the reader.

    Examples
    --------
    >>> open_user_table("--od", "od.csv", b"")
    Traceback (most recent call last):
    geo.errors.PlannerError: --od 'od.csv' is empty: expected a header row with columns origin, destination, cost (or a square matrix with an adcode header); save the table as 'CSV UTF-8' from Excel
    """
    shown = os.path.basename(str(name).replace("\\", "/")) or str(name)
    if isinstance(source, (str, os.PathLike)):
        check_not_empty(read_csv_text(source, name=option), name=f"{option} {shown!r}", option=option)
        return source
    data = read_capped(source, name=f"{option} {shown!r}", max_bytes=MAX_CSV_BYTES)  # type: ignore[arg-type]
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_not_empty(read_csv_text(named_bytes(data, shown), name=option), name=f"{option} {shown!r}", option=option)
    return named_bytes(data, shown)


def _shown(source: object) -> str:
    """How a message names the file: its path, a buffer's ``name``, or 'a file-like buffer'."""
    if isinstance(source, (str, os.PathLike)):
        return repr(os.fspath(source))
    name = getattr(source, "name", None)
    return repr(os.path.basename(str(name))) if isinstance(name, (str, os.PathLike)) else Note("error.word.buffer")


def _decode_csv_bytes(data: bytes, *, label: str) -> str:
    """UTF-8 (BOM or not), else GB18030; see :func:`read_csv_text` for the one ambiguous case."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlannerError(_undecodable(data, label, exc)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            gb = data.decode("gb18030")
        except UnicodeDecodeError:
            raise PlannerError(_undecodable(data, label, exc)) from None
        log.info("%s is not UTF-8; read it as GB18030 (GBK), as Excel saves 'CSV' on a Chinese system", label)
        return gb
    if _MOJIBAKE.search(text) and not _HAN.search(text):
        # Short GBK text can be valid UTF-8 by chance: b"\xd3\xa1\xc8\xbe" is GBK 印染 and UTF-8 'ӡȾ'.
        try:
            gb = data.decode("gb18030")
        except UnicodeDecodeError:
            return text
        if _HAN.search(gb) and _is_gb2312(gb) and not _LATIN_HAN_LATIN.search(gb):
            odd = "".join(dict.fromkeys(_MOJIBAKE.findall(text)))[:8]
            log.info(
                "%s reads as UTF-8 only to letters such as %r and no Chinese, but as GB18030 (GBK) to Chinese; "
                "read it as GB18030", label, odd,
            )
            return gb
    return text


def _is_gb2312(text: str) -> bool:
    """Whether every character is in GB2312, the common set a GBK file of Chinese names keeps to.

    UTF-8 letters read as GBK give rarer characters outside it (UTF-8 'ǎ' is GBK '菐').
    """
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _undecodable(data: bytes, label: str, exc: UnicodeDecodeError) -> Note:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        code = "error.csv.encoding.utf16"
    elif data.startswith(b"PK\x03\x04"):
        code = "error.csv.encoding.zip"
    else:
        code = "error.csv.encoding"
    return Note(code, name=label, byte=exc.start, reason=exc.reason)


def read_csv_text(source: CsvSource, *, name: str) -> str:
    """Read a user's CSV file once and decode it: UTF-8 (with or without BOM), else GB18030.

    Chinese planners often save CSV from Excel as GBK; GB18030 is a superset of GBK, so
    such files are read too (logged at INFO). One case is ambiguous: a few GBK characters
    can also be valid UTF-8 (GBK 印染 reads as UTF-8 'ӡȾ'). When the UTF-8 reading holds no
    Chinese character but letters of other scripts (Cyrillic, Latin Extended, Greek, ...)
    and the GB18030 reading is Chinese within the common GB2312 set (and not inside Latin
    words, as UTF-8 pinyin read as GBK would be), the file is read as GB18030. Still read as
    UTF-8: GBK whose Chinese all reads as Latin-1 letters (a lone 镁 is UTF-8 'þ'). A leading
    BOM is dropped.

    Parameters
    ----------
    source : path, file-like or bytes
        A ``str`` or path-like is a file name; a binary file-like (``io.BytesIO``, an
        uploaded file) or ``bytes`` is decoded; a text file-like (``io.StringIO``, a file
        opened in text mode) is already decoded and is read as it is.
    name : str
        How error messages name the argument, e.g. ``"`path`"``; the file name follows.

    Returns
    -------
    str
        The text, without BOM.

    Raises
    ------
    PlannerError
        The path cannot be read (missing, a folder, no permission), the source is not a
        path or a file-like, or the bytes are neither UTF-8 nor GB18030; the message says
        to save the file as 'CSV UTF-8' from Excel.

    Examples
    --------
    >>> import io
    >>> read_csv_text(io.BytesIO("adcode,stage\\n445281,印染\\n".encode("gbk")), name="`od`")
    'adcode,stage\\n445281,印染\\n'
    >>> read_csv_text(io.BytesIO(b"\\xef\\xbb\\xbfa,b\\n"), name="`od`")
    'a,b\\n'
    >>> read_csv_text(io.BytesIO(b"\\xff\\xfea\\x00"), name="`od`")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo.errors.PlannerError: `od` (a file-like buffer) is neither UTF-8 nor GB18030/GBK text ...'CSV UTF-8 ...
    """
    label = Note("error.named", name=name, file=_shown(source))
    if isinstance(source, (str, os.PathLike)):
        path = check_regular_file(source, name=name, max_bytes=MAX_CSV_BYTES)  # no pipe, no device, a cap
        try:
            raw: Any = path.read_bytes()
        except OSError as exc:
            msg = Note("error.csv.unreadable", name=label, err=str(exc))
            raise PlannerError(msg) from None
    elif isinstance(source, (bytes, bytearray, memoryview)) or hasattr(source, "read"):
        raw = read_capped(source, name=label, max_bytes=MAX_CSV_BYTES)  # type: ignore[arg-type]
    else:
        msg = Note("error.csv.source", name=name, got=type(source).__name__)
        raise PlannerError(msg)
    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, (bytes, bytearray, memoryview)):
        text = _decode_csv_bytes(bytes(raw), label=label)
    else:
        msg = Note("error.csv.returned", name=label, got=type(raw).__name__)
        raise PlannerError(msg)
    if "\x00" in text:
        msg = Note("error.csv.nul", name=label)
        raise PlannerError(msg)
    return text.removeprefix("\ufeff")


def read_csv_table(source: CsvSource | pd.DataFrame, *, name: str, **read_csv_kwargs: Any) -> pd.DataFrame:
    """Read a user's CSV with :func:`pandas.read_csv` after decoding it by :func:`read_csv_text`.

    Parameters
    ----------
    source : path, file-like, bytes or DataFrame
        As for :func:`read_csv_text`; a DataFrame is returned as a copy (``read_csv_kwargs``
        do not apply to it).
    name : str
        How error messages name the argument, e.g. ``"`path`"``.
    **read_csv_kwargs
        Passed to :func:`pandas.read_csv` (not ``encoding``: the text is already decoded).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    PlannerError
        From :func:`read_csv_text`. Parser errors of pandas (``pandas.errors.ParserError``,
        ``EmptyDataError``, both ``ValueError``) pass through for the caller to word
        (:func:`read_commented_csv` words them itself).

    Examples
    --------
    >>> import io
    >>> data = "adcode,name\\n445281,普宁市\\n".encode("gb18030")
    >>> read_csv_table(io.BytesIO(data), name="`path`", dtype=str).loc[0, "name"]
    '普宁市'
    """
    if isinstance(source, pd.DataFrame):
        return source.copy()
    if "encoding" in read_csv_kwargs:
        msg = f"`encoding` is not needed by read_csv_table (got {read_csv_kwargs['encoding']!r}): it finds UTF-8 or GB18030; drop it"
        raise PlannerError(msg)
    text = read_csv_text(source, name=name)
    return pd.read_csv(io.StringIO(text, newline=""), **read_csv_kwargs)


def _empty(label: str) -> Note:
    return Note("error.csv.no_table", name=label)


#: pandas' common parser errors -> (code, fields): said in the reader's language (pandas' words are the English).
_PARSER_ERRORS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (re.compile(r"^Error tokenizing data\. C error: Expected (\d+) fields in line (\d+), saw (\d+)$"),
     "error.csv.tokenize", ("expected", "line", "saw")),
    (re.compile(r"^Error tokenizing data\. C error: EOF inside string starting at row (\d+)$"),
     "error.csv.eof_in_string", ("row",)),
)


def parse_error_text(exc: Exception) -> str:
    """pandas' parser error on one line, coded where it is the common one (a row with more fields than the header).

    Examples
    --------
    >>> parse_error_text(ValueError("Error tokenizing data. C error: Expected 2 fields in line 3, saw 3\\n")).code
    'error.csv.tokenize'
    """
    text = " ".join(str(exc).split())
    for pattern, code, fields in _PARSER_ERRORS:
        if m := pattern.match(text):
            return Note(code, **{f: int(v) for f, v in zip(fields, m.groups(), strict=True)})
    return text


def _unparsable(label: str, exc: Exception) -> Note:
    return Note("error.csv.unparsable", name=label, err=parse_error_text(exc))


def read_commented_csv(
    path_or_buffer: CsvSource, *, name: str = Note("error.word.the_csv"), **kwargs: object
) -> pd.DataFrame:
    """Read a CSV whose leading lines starting with ``#`` are comments.

    Only whole lines whose first non-blank character is ``#`` are dropped, so a ``#``
    inside a note is kept (``pandas.read_csv(comment="#")`` would cut the note short).

    Parameters
    ----------
    path_or_buffer : path, file-like or bytes
        The CSV: UTF-8 with or without BOM, or GB18030/GBK as Excel saves it on a Chinese
        system (decoded by :func:`geo.io.read_csv_text`).
    name : str
        How error messages name the argument.
    **kwargs
        Passed to :func:`pandas.read_csv`.

    Raises
    ------
    PlannerError
        A missing or unreadable file, one that is neither UTF-8 nor GB18030, or a table that
        is empty or that pandas cannot split into rows (named, with the fix).

    Examples
    --------
    >>> read_commented_csv(io.StringIO("# a note\\na,b\\n1,x#y\\n"))["b"].tolist()
    ['x#y']
    >>> read_commented_csv(io.BytesIO("# 注释\\na,b\\n1,印染\\n".encode("gbk")))["b"].tolist()
    ['印染']
    """
    text = read_csv_text(path_or_buffer, name=name)
    kept = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    try:
        return pd.read_csv(io.StringIO("\n".join(kept) + "\n"), **kwargs)  # type: ignore[arg-type]
    except pd.errors.EmptyDataError:
        raise PlannerError(_empty(Note("error.named", name=name, file=_shown(path_or_buffer)))) from None
    except pd.errors.ParserError as exc:
        raise PlannerError(_unparsable(Note("error.named", name=name, file=_shown(path_or_buffer)), exc)) from None
