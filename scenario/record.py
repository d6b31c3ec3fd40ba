"""What a saved scenario holds, how it is checked, and how two are compared.

A :class:`Scenario` is everything a result depends on: the settings a planner chose (stage,
origin(s), level, candidates, weights or the AHP matrix, excluded adcodes, decay, allocation
inputs, notes ...), the planner's own tables (CSV bytes by role, with file name and sha256),
exclusion areas (WKB polygons with their CRS), rasters (bytes, or a path with its sha256),
the author, when it was created and last updated (UTC, ISO 8601), and the versions of the
embedded data it ran on (:mod:`scenario.differences` says what changed since).

:func:`check_scenario` validates a record once and collects every problem into one
:class:`~geo.errors.ScenarioError`. The one-file form is in :mod:`scenario.exchange`, the
SQLite store in :mod:`scenario.store`.

Examples
--------
>>> rec = check_scenario(Scenario(name="dyeing to Jieyang", settings={"stage": "dyeing", "origin": "440118"},
...                      tables=(TableFile("site", "site.csv", b"adcode,site\\n445281,0.9\\n"),)))
>>> rec.stage, rec.origins, rec.tables[0].sha256 == sha256_of(rec.tables[0].data)
('dyeing', ('440118',), True)
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as _ProjCRSError

from analysis.notes import notes_to_record
from geo.errors import ScenarioError
from geo.messages import Note, join_problems

__all__ = [
    "MAX_BLOB_BYTES",
    "MAX_NAME_LENGTH",
    "TABLE_ROLES",
    "AreaLayer",
    "RasterFile",
    "Scenario",
    "TableFile",
    "areas_from_frames",
    "check_name",
    "check_scenario",
    "frames_from_areas",
]

#: Roles of the planner's own tables (the fit's file options, plus evidence and room).
TABLE_ROLES: tuple[str, ...] = ("capability", "od", "od_hours", "chain", "site", "evidence", "ahp", "room")
#: Longest scenario name, in characters.
MAX_NAME_LENGTH = 100
#: Longest author, file name, layer name, path or data-version text, in characters.
MAX_TEXT_LENGTH = 255
#: Largest table or raster kept in a scenario, in bytes.
MAX_BLOB_BYTES = 256 * 2**20
#: Largest settings mapping (as JSON), in bytes, and its deepest nesting.
MAX_SETTINGS_BYTES = 2**20
MAX_DEPTH = 16

SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
_RASTER_ROLE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|\+00:00)")
_ALLOWED_FORMAT = {"\u200c", "\u200d"}  # zero-width (non-)joiners: part of emoji and some scripts
_MAX_SHOWN = 12  # problems listed in one message


@dataclass(frozen=True)
class TableFile:
    """One of the planner's tables: the CSV bytes as uploaded, by role (see :data:`TABLE_ROLES`)."""

    role: str
    file_name: str
    data: bytes
    sha256: str = ""  # filled in by check_scenario; if given it must match the data


@dataclass(frozen=True)
class AreaLayer:
    """One layer of exclusion areas (e.g. an uploaded ecological red line): polygons as WKB."""

    name: str
    crs: str
    geometries: tuple[bytes, ...]
    sha256: str = ""  # over the geometries (see areas_sha256); filled in by check_scenario


@dataclass(frozen=True)
class RasterFile:
    """A raster the scenario used: its bytes, or a path to it with the file's sha256."""

    role: str
    file_name: str
    data: bytes | None = None
    path: str | None = None
    sha256: str = ""  # of the bytes (or of the file at path); computed when empty


@dataclass(frozen=True)
class Scenario:
    """A named scenario: settings, the planner's files, author, times and data versions.

    Attributes
    ----------
    name : str
        Unique in a store; at most :data:`MAX_NAME_LENGTH` characters, no control characters.
    settings : mapping
        JSON-able choices; ``stage`` (text) is required, ``origin`` (text) or ``origins``
        (list of text) name the origin(s). Tuples come back as lists; a Note in ``notes``
        as its words, code and values (:func:`analysis.notes.notes_to_record`).
    tables, areas, rasters : tuple
        :class:`TableFile`, :class:`AreaLayer` and :class:`RasterFile` records.
    data_versions : mapping of str to str
        Dataset name -> version or hash of the embedded data the scenario ran on.
    author : str
    created, updated : str or None
        UTC times, ISO 8601 (``2024-05-01T08:00:00.000000Z``); set by the store.
    """

    name: str
    settings: Mapping[str, Any]
    tables: tuple[TableFile, ...] = ()
    areas: tuple[AreaLayer, ...] = ()
    rasters: tuple[RasterFile, ...] = ()
    data_versions: Mapping[str, str] = field(default_factory=dict)
    author: str = ""
    created: str | None = None
    updated: str | None = None

    @property
    def stage(self) -> str:
        """The stage id of the settings."""
        return str(self.settings.get("stage", ""))

    @property
    def origins(self) -> tuple[str, ...]:
        """The origin(s) of the settings (``origins`` or ``origin``)."""
        return _origins(self.settings)


def _origins(settings: Mapping[str, Any]) -> tuple[str, ...]:
    many = settings.get("origins")
    if isinstance(many, (list, tuple)):
        return tuple(str(o) for o in many)
    one = settings.get("origin")
    return (one,) if isinstance(one, str) and one else ()


def now_utc() -> str:
    """The current UTC time as the store writes it (ISO 8601, microseconds, ``Z``).

    Examples
    --------
    >>> bool(_TIME.fullmatch(now_utc()))
    True
    """
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha256_of(data: bytes) -> str:
    """Hex sha256 of bytes.

    Examples
    --------
    >>> sha256_of(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks (a large DEM is never read whole)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def areas_sha256(geometries: Iterable[bytes]) -> str:
    """Hex sha256 over a layer's WKB geometries (each prefixed by its length, so order and cuts count).

    Examples
    --------
    >>> areas_sha256([b"ab", b"c"]) == areas_sha256([b"a", b"bc"])
    False
    """
    h = hashlib.sha256()
    for g in geometries:
        h.update(len(g).to_bytes(8, "little"))
        h.update(g)
    return h.hexdigest()


# ----------------------------------------------------------------------------- names and text

def _text_problems(text: str, *, what: str, limit: int, empty_ok: bool = False) -> list[str]:
    if not text.strip():
        return [] if empty_ok and not text else [Note("error.name.empty", what=what)]
    out = []
    if len(text) > limit:
        out.append(Note("error.name.long", what=what, n=len(text), limit=limit))
    bad = [(i, c) for i, c in enumerate(text)
           if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or (unicodedata.category(c) == "Cf"
                                                                     and c not in _ALLOWED_FORMAT)]
    if bad:
        i, c = bad[0]
        out.append(Note("error.name.control", what=what, n=len(bad), char=f"U+{ord(c):04X}", position=i + 1))
    if text != text.strip():
        out.append(Note("error.name.space", what=what, text=text[:40]))
    return out


def check_name(name: object, *, what: str = Note("error.word.scenario_name")) -> str:
    """A valid scenario name, Unicode-normalised (NFC); otherwise a :class:`ScenarioError` saying why.

    Names are at most :data:`MAX_NAME_LENGTH` characters, not empty, with no control or
    invisible characters and no leading or trailing space.

    Examples
    --------
    >>> check_name("印染 to 揭阳 v2")
    '印染 to 揭阳 v2'
    >>> check_name("a\\nb")
    Traceback (most recent call last):
    geo.errors.ScenarioError: scenario name holds 1 control or invisible character(s), e.g. U+000A at position 2; use letters, digits, spaces and punctuation only
    """
    if not isinstance(name, str):
        msg = Note("error.name.type", what=what, got=type(name).__name__)
        raise ScenarioError(msg)
    nfc = unicodedata.normalize("NFC", name)
    problems = _text_problems(nfc, what=what, limit=MAX_NAME_LENGTH)
    if problems:
        msg = join_problems(problems)
        raise ScenarioError(msg)
    return nfc


# ----------------------------------------------------------------------------- validation

def _json_problems(value: object, where: str, out: list[str], depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        out.append(Note("error.record.deep", where=where, limit=MAX_DEPTH))
    elif value is None or isinstance(value, (bool, int)):
        return
    elif isinstance(value, str):
        if any(unicodedata.category(c) == "Cs" for c in value):
            out.append(Note("error.record.surrogate", where=where))
    elif isinstance(value, float):
        if not math.isfinite(value):
            out.append(Note("error.record.nonfinite", where=where, value=str(value)))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _json_problems(v, f"{where}[{i}]", out, depth + 1)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                out.append(Note("error.record.key_type", where=where, key=repr(k), got=type(k).__name__))
            elif any(unicodedata.category(c) == "Cs" for c in k):
                out.append(Note("error.record.key_surrogate", where=where))
            else:
                _json_problems(v, f"{where}.{k}", out, depth + 1)
    else:
        out.append(Note("error.record.not_json", where=where, got=f"{type(value).__module__}.{type(value).__name__}"))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _settings_problems(settings: object) -> tuple[dict[str, Any] | None, list[str]]:
    if not isinstance(settings, Mapping):
        return None, [Note("error.record.settings_type", got=type(settings).__name__)]
    out: list[str] = []
    stage = settings.get("stage")
    if not isinstance(stage, str) or not stage.strip():
        out.append(Note("error.record.stage", got=_short(stage)))
    if settings.get("origin") is not None and not isinstance(settings["origin"], str):
        out.append(Note("error.record.origin", got=_short(settings["origin"])))
    origins = settings.get("origins")
    if "origins" in settings and not (isinstance(origins, (list, tuple)) and all(isinstance(o, str) for o in origins)):
        out.append(Note("error.record.origins", got=_short(origins)))
    _json_problems(settings, "settings", out)
    if out:
        return None, out
    if isinstance(settings.get("notes"), (list, tuple)):  # coded sentences keep code and values (a Note is a str)
        settings = {**settings, "notes": notes_to_record(settings["notes"])}
    text = json.dumps(settings, ensure_ascii=False, allow_nan=False)
    if len(text.encode("utf-8")) > MAX_SETTINGS_BYTES:
        out.append(Note("error.record.settings_size", size=len(text.encode("utf-8")), limit=MAX_SETTINGS_BYTES))
    return json.loads(text), out


@lru_cache(maxsize=64)
def _crs_problem(crs: str) -> Note | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. pyproj's FutureWarning on "+init=": the text still names a CRS
            CRS.from_user_input(crs)
    except (_ProjCRSError, ValueError, TypeError) as exc:
        return Note("error.record.crs", err=str(exc))
    return None


def _wkb_problems(geoms: tuple[bytes, ...], where: str) -> list[str]:
    if not geoms:
        return [Note("error.record.no_polygons", where=where)]
    try:
        parsed = shapely.from_wkb(np.array(geoms, dtype=object))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        bad = []
        for i, g in enumerate(geoms):
            try:
                shapely.from_wkb(g)
            except (shapely.errors.GEOSException, ValueError, TypeError):
                bad.append(i)
        return [Note("error.record.wkb", where=where, rows=bad[:5])]
    kinds = shapely.get_type_id(parsed)
    wrong = np.flatnonzero(~np.isin(kinds, (3, 6)) | shapely.is_empty(parsed))
    if wrong.size:
        return [Note("error.record.not_polygon", where=where, rows=wrong[:5].tolist())]
    return []


def _as_bytes(data: object) -> bytes | None:
    return bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else None


def _check_table(t: object, i: int, seen: set[str], out: list[str]) -> TableFile | None:
    where = Note("error.record.table", i=i + 1)
    if not isinstance(t, TableFile):
        out.append(Note("error.record.expected", where=where, got=type(t).__name__, article="a", cls="TableFile"))
        return None
    if t.role not in TABLE_ROLES:
        out.append(Note("error.record.table_role", where=where, role=t.role, roles=list(TABLE_ROLES)))
    elif t.role in seen:
        out.append(Note("error.record.table_twice", where=where, role=t.role))
    seen.add(str(t.role))
    out += _file_name_problems(t.file_name, where)
    data = _as_bytes(t.data)
    if data is None:
        out.append(Note("error.record.bytes", where=where, role=t.role, got=type(t.data).__name__))
        return None
    if len(data) > MAX_BLOB_BYTES:
        out.append(Note("error.record.table_size", where=where, role=t.role, size=len(data), limit=MAX_BLOB_BYTES))
    digest = sha256_of(data)
    if t.sha256 and t.sha256 != digest:
        out.append(Note("error.record.table_sha", where=where, role=t.role, file=t.file_name))
    return TableFile(t.role, t.file_name, data, digest)


def _file_name_problems(name: object, where: str) -> list[str]:
    if not isinstance(name, str):
        return [Note("error.record.file_name_type", where=where, got=type(name).__name__)]
    out = _text_problems(name, what=Note("error.record.file_name", where=where), limit=MAX_TEXT_LENGTH)
    if "/" in name or "\\" in name:
        out.append(Note("error.record.file_name_path", where=where, name=name, bare=Path(name).name))
    return out


def _check_area(a: object, i: int, seen: set[str], out: list[str]) -> AreaLayer | None:
    where = Note("error.record.area", i=i + 1)
    if not isinstance(a, AreaLayer):
        out.append(Note("error.record.expected", where=where, got=type(a).__name__, article="an", cls="AreaLayer"))
        return None
    if not isinstance(a.name, str) or not isinstance(a.crs, str):
        out.append(Note("error.record.area_text", where=where))
        return None
    out += _text_problems(a.name, what=Note("error.record.area_name", where=where), limit=MAX_TEXT_LENGTH)
    if a.name in seen:
        out.append(Note("error.record.area_twice", where=where, name=a.name))
    seen.add(a.name)
    problem = _crs_problem(a.crs)
    if problem:
        out.append(Note("error.record.area_crs", where=where, name=a.name, crs=a.crs[:60], problem=problem))
    geoms = tuple(_as_bytes(g) for g in (a.geometries if isinstance(a.geometries, (list, tuple)) else ()))
    if not isinstance(a.geometries, (list, tuple)) or any(g is None for g in geoms):
        out.append(Note("error.record.area_geoms", where=where, name=a.name))
        return None
    digest = areas_sha256(geoms)  # type: ignore[arg-type]
    if a.sha256 and a.sha256 != digest:
        out.append(Note("error.record.area_sha", where=where, name=a.name))
    else:
        out += _wkb_problems(geoms, Note("error.record.where_named", where=where, name=a.name))  # type: ignore[arg-type]
    return AreaLayer(a.name, a.crs, geoms, digest)  # type: ignore[arg-type]


def _check_raster(r: object, i: int, seen: set[str], out: list[str]) -> RasterFile | None:
    where = Note("error.record.raster", i=i + 1)
    if not isinstance(r, RasterFile):
        out.append(Note("error.record.expected", where=where, got=type(r).__name__, article="a", cls="RasterFile"))
        return None
    if not isinstance(r.role, str) or not _RASTER_ROLE.fullmatch(r.role):
        out.append(Note("error.record.raster_role", where=where, role=repr(r.role)))
    elif r.role in seen:
        out.append(Note("error.record.raster_twice", where=where, role=r.role))
    seen.add(str(r.role))
    out += _file_name_problems(r.file_name, where)
    data = _as_bytes(r.data) if r.data is not None else None
    if r.data is not None and data is None:
        out.append(Note("error.record.bytes", where=where, role=r.role, got=type(r.data).__name__))
        return None
    if r.path is not None and (not isinstance(r.path, str)
                               or _text_problems(r.path, what="path", limit=4 * MAX_TEXT_LENGTH)):
        out.append(Note("error.record.raster_path", where=where, role=r.role, limit=4 * MAX_TEXT_LENGTH))
        return None
    if r.sha256 and not (isinstance(r.sha256, str) and SHA256_PATTERN.fullmatch(r.sha256)):
        out.append(Note("error.record.raster_sha_form", where=where, role=r.role))
        return None
    digest = r.sha256
    if data is not None:
        if len(data) > MAX_BLOB_BYTES:
            out.append(Note("error.record.raster_size", where=where, role=r.role, size=len(data), limit=MAX_BLOB_BYTES))
        digest = sha256_of(data)
        if r.sha256 and r.sha256 != digest:
            out.append(Note("error.record.table_sha", where=where, role=r.role, file=r.file_name))
    elif r.path is None:
        out.append(Note("error.record.raster_nothing", where=where, role=r.role))
    elif not digest:
        if not Path(r.path).is_file():
            out.append(Note("error.record.raster_missing", where=where, role=r.role, path=r.path))
        else:
            digest = file_sha256(r.path)
    return RasterFile(r.role, r.file_name, data, r.path, digest)


def _time_problem(value: object, what: str) -> Note | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        return Note("error.record.time_form", what=what, got=repr(value))
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return Note("error.record.time_real", what=what, value=value)
    return None


def _norm_time(value: str | None) -> str | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def raise_problems(problems: list[str], *, what: str) -> None:
    """Raise one :class:`ScenarioError` listing ``problems`` (the first dozen) of ``what``.

    Examples
    --------
    >>> raise_problems(["settings.stage is missing"], what="scenario 'a'")
    Traceback (most recent call last):
    geo.errors.ScenarioError: scenario 'a' has 1 problem(s):
      - settings.stage is missing
    """
    shown = problems[:_MAX_SHOWN] + ([Note("error.more", n=len(problems) - _MAX_SHOWN)] if len(problems) > _MAX_SHOWN else [])
    msg = Note("error.layer", layer=what, n=len(problems), problems=shown)
    exc = ScenarioError(msg)
    exc.problems = list(problems)  # every one, for an app that shows them all
    raise exc


def check_scenario(record: object) -> Scenario:
    """The record checked and normalised (NFC name, JSON settings, sha256s filled in).

    Every problem is collected into one :class:`ScenarioError`.

    Examples
    --------
    >>> check_scenario(Scenario(name="a", settings={"stage": "dyeing", "decay_km": float("nan")}))
    Traceback (most recent call last):
    geo.errors.ScenarioError: scenario 'a' has 1 problem(s):
      - settings.decay_km is nan; only finite numbers can be saved
    """
    if not isinstance(record, Scenario):
        msg = f"expected a Scenario record, got {type(record).__name__}"
        raise ScenarioError(msg)
    settings, out = _settings_problems(record.settings)
    try:
        name = check_name(record.name)
    except ScenarioError as exc:
        out.insert(0, exc.args[0])
        name = str(record.name)[:40]
    seen: set[str] = set()
    tables = [_check_table(t, i, seen, out) for i, t in enumerate(_seq(record.tables, "tables", out))]
    seen = set()
    areas = [_check_area(a, i, seen, out) for i, a in enumerate(_seq(record.areas, "areas", out))]
    seen = set()
    rasters = [_check_raster(r, i, seen, out) for i, r in enumerate(_seq(record.rasters, "rasters", out))]
    dv = record.data_versions
    if not isinstance(dv, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in dv.items()):
        out.append(Note("error.record.data_versions"))
        dv = {}
    for k, v in dv.items():
        out += _text_problems(k, what=Note("error.record.dv_key", key=k[:40]), limit=MAX_TEXT_LENGTH)
        out += _text_problems(v, what=Note("error.record.dv_value", key=k[:40]), limit=MAX_TEXT_LENGTH)
    if not isinstance(record.author, str):
        out.append(Note("error.name.type", what="author", got=type(record.author).__name__))
    else:
        out += _text_problems(record.author, what="author", limit=MAX_TEXT_LENGTH, empty_ok=True)
    out += [p for p in (_time_problem(record.created, "created"), _time_problem(record.updated, "updated")) if p]
    if out:
        raise_problems(out, what=Note("error.scenario.named", name=name))
    return Scenario(name=name, settings=settings or {}, tables=tuple(tables), areas=tuple(areas),  # type: ignore[arg-type]
                    rasters=tuple(rasters), data_versions=dict(dv), author=record.author,  # type: ignore[arg-type]
                    created=_norm_time(record.created), updated=_norm_time(record.updated))


def _seq(value: object, what: str, out: list[str]) -> tuple[Any, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    out.append(Note("error.record.tuple", what=what, got=type(value).__name__))
    return ()


# ----------------------------------------------------------------------------- exclusion areas

def areas_from_frames(frames: Mapping[str, gpd.GeoDataFrame]) -> tuple[AreaLayer, ...]:
    """Exclusion areas (layer name -> GeoDataFrame, as read from the planner's files) as WKB layers.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame(geometry=[box(113, 23, 113.1, 23.1)], crs="EPSG:4326")
    >>> layer, = areas_from_frames({"redline.gpkg": g})
    >>> layer.name, layer.crs, len(layer.geometries)
    ('redline.gpkg', 'EPSG:4326', 1)
    """
    out = []
    for name, gdf in frames.items():
        if gdf.crs is None:
            msg = Note("error.record.areas_crs", name=name)
            raise ScenarioError(msg)
        epsg = gdf.crs.to_epsg()
        crs = f"EPSG:{epsg}" if epsg else gdf.crs.to_wkt()
        out.append(AreaLayer(str(name), crs, tuple(shapely.to_wkb(np.asarray(gdf.geometry.values)).tolist())))
    return tuple(out)


def frames_from_areas(areas: Iterable[AreaLayer]) -> dict[str, gpd.GeoDataFrame]:
    """Exclusion areas back as GeoDataFrames (layer name -> frame in its saved CRS).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame(geometry=[box(113, 23, 113.1, 23.1)], crs="EPSG:4326")
    >>> back = frames_from_areas(areas_from_frames({"redline": g}))["redline"]
    >>> bool(back.geometry.geom_equals(g.geometry).all()), back.crs.to_epsg()
    (True, 4326)
    """
    return {a.name: gpd.GeoDataFrame(geometry=shapely.from_wkb(np.array(a.geometries, dtype=object)), crs=a.crs)
            for a in areas}
