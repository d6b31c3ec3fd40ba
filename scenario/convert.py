"""A study as a saved scenario and back: settings, the planner's files and exclusion areas, data versions.

:func:`settings_to_scenario` turns a :class:`scenario.study.StudySettings`, the files the
planner supplied (``(option, file name, path or bytes)``, as the CLI and the app hold them)
and the exclusion areas into a :class:`scenario.record.Scenario` with the hash of every
embedded dataset it ran on (:func:`current_data_versions`). :func:`scenario_to_study` turns
a record back into what a study runs on, after checking that every stage, unit, place and
file role it names still exists: what no longer does is listed in one
:class:`~geo.errors.ScenarioError`, so nothing runs on a silently different choice.

Settings are kept as plain JSON under the names of :class:`StudySettings` (tuples become
lists, ``weights`` a mapping; ``notes`` keep each coded sentence's code and values beside its
English words, :func:`analysis.notes.notes_to_record`, so an AHP or exclusion note reopens as a
Note that reads in Chinese too, while plain text and scenarios saved as text stay text); the
app adds ``widgets``, the value of every widget, so a scenario saved there reopens exactly.

Examples
--------
>>> s = StudySettings(stage="dyeing", origin="440118", exclude=("440513",))
>>> rec = settings_to_scenario(s, name="dyeing to the east")
>>> rec.settings["exclude"], sorted(rec.data_versions)[:2]
(['440513'], ['backtest_cases', 'boundaries'])
>>> scenario_to_study(rec).settings == s
True
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd

from analysis.assumptions import DEFAULT_HALF_LIFE_H, NETWORKS
from analysis.notes import notes_from_record, notes_to_record
from analysis.weights import COMPONENTS
from geo.data import DATASETS, get_path
from geo.errors import PlannerError, ScenarioError
from geo.messages import Note
from layers.boundaries import load_boundaries, lookup_unit
from layers.stages import STAGES
from scenario.differences import check_data_versions, check_raster_files
from scenario.record import (
    RasterFile,
    Scenario,
    TableFile,
    areas_from_frames,
    check_name,
    file_sha256,
    frames_from_areas,
    raise_problems,
)
from scenario.settings import StudySettings, destination_places, read_exclusion_areas

__all__ = [
    "OPTION_ROLES",
    "ScenarioStudy",
    "current_data_versions",
    "scenario_to_study",
    "settings_to_scenario",
]

log = logging.getLogger(__name__)

#: CLI file option -> role of the table in a scenario (exclusion areas are kept as polygons).
OPTION_ROLES: dict[str, str] = {"--capability": "capability", "--od": "od", "--od-hours": "od_hours", "--site": "site",
                                "--chain": "chain", "--evidence": "evidence", "--ahp": "ahp"}
_ROLE_OPTIONS = {role: opt for opt, role in OPTION_ROLES.items()}
_AREAS = "--exclude-areas"
#: Settings a scenario may hold: the fields of StudySettings (files are the tables) and the app's widgets.
_KEYS = tuple(f.name for f in fields(StudySettings) if f.name != "files")
_ALLOWED = {*_KEYS, "widgets", "rasters"}
#: Keys of ``settings["rasters"]``: the raster site criteria (``--dem``, ``--criterion``, ``--resolution``).
RASTER_KEYS = ("dem", "criterion", "resolution")


@dataclass(frozen=True)
class ScenarioStudy:
    """What a saved scenario runs on.

    Attributes
    ----------
    name : str
    settings : StudySettings
    files : tuple of (option, file name, bytes)
        The planner's tables, as :func:`scenario.study.load_study_inputs` reads them.
    areas : dict of str -> GeoDataFrame
        Exclusion areas by layer name.
    widgets : dict
        The app's widget values when it was saved there (empty otherwise).
    rasters : dict
        The raster site criteria: ``dem`` (path or None), ``criterion`` (``NAME=FILE,...`` texts),
        ``resolution`` (metres or None); files kept by path are checked against their sha256, and
        files the scenario carries (an imported one) are written to a temporary folder.
    data_changes : tuple of (dataset, saved, current)
        Embedded datasets that changed since the scenario was saved.
    """

    name: str
    settings: StudySettings
    files: tuple[tuple[str, str, bytes], ...] = ()
    areas: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, compare=False, hash=False)
    widgets: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    rasters: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    data_changes: tuple[tuple[str, str | None, str | None], ...] = ()


# ----------------------------------------------------------------------------- data versions

@lru_cache(maxsize=64)
def _file_hash(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def current_data_versions() -> dict[str, str]:
    """Dataset name -> ``sha256:<hex>`` of each embedded file (:data:`geo.data.DATASETS`); ``missing`` if absent.

    Hashes are cached on the file's size and modification time, so calling this per save is cheap.

    Examples
    --------
    >>> v = current_data_versions()
    >>> v["stages"].startswith("sha256:"), len(v) == len(DATASETS)
    (True, True)
    """
    out: dict[str, str] = {}
    for name in sorted(DATASETS):
        p = get_path(name)
        try:
            st = os.stat(p)
        except OSError:
            out[name] = "missing"
            continue
        out[name] = _file_hash(str(p), st.st_size, st.st_mtime_ns)
    return out


# ----------------------------------------------------------------------------- settings -> scenario

def _file_bytes(option: str, name: str, src: object) -> bytes:
    if isinstance(src, (bytes, bytearray, memoryview)):
        return bytes(src)
    try:
        return Path(os.fspath(src)).read_bytes()  # type: ignore[arg-type]
    except (OSError, TypeError) as exc:
        msg = f"`{option}` file {name} cannot be read ({getattr(exc, 'strerror', None) or exc}); check the path"
        raise PlannerError(msg) from None


def _origin_code(origin: str, level: str) -> str:
    if level not in ("county", "city"):
        return origin
    return str(lookup_unit(origin, level=level)["adcode"])  # a name such as 增城区 is saved as its adcode


def settings_to_scenario(
    settings: StudySettings,
    *,
    name: str,
    files: Sequence[tuple[str, str, object]] = (),
    areas: Mapping[str, gpd.GeoDataFrame] | None = None,
    author: str = "",
    widgets: Mapping[str, Any] | None = None,
    rasters: Mapping[str, Any] | None = None,
    data_versions: Mapping[str, str] | None = None,
) -> Scenario:
    """A scenario record of a study: its settings, the planner's tables and exclusion areas, the data versions.

    Parameters
    ----------
    settings : StudySettings
    name : str
        Scenario name (checked by :func:`scenario.record.check_name`).
    files : sequence of (option, file name, path or bytes)
        The planner's files by CLI option (``--capability``, ``--od``, ``--site``, ``--chain``,
        ``--evidence``, ``--ahp``, ``--exclude-areas``); tables are kept as their bytes.
    areas : mapping of str -> GeoDataFrame, optional
        Exclusion areas already read (the app's uploads); ``--exclude-areas`` files are read here.
    author : str
    widgets : mapping, optional
        The app's widget values (JSON), for an exact reopen.
    rasters : mapping, optional
        Raster site criteria ``{"dem": path, "criterion": ["NAME=FILE,...", ...], "resolution": metres}``;
        each file is kept by its absolute path and sha256 (a DEM can be large), so a changed or
        moved file is noticed on load.
    data_versions : mapping, optional
        Dataset -> version; :func:`current_data_versions` by default.

    Examples
    --------
    >>> rec = settings_to_scenario(StudySettings(stage="dyeing", origin="增城区"), name="a",
    ...                            files=[("--site", "site.csv", b"adcode,site\\n445281,0.9\\n")])
    >>> rec.settings["origin"], [(t.role, t.file_name) for t in rec.tables]
    ('440118', [('site', 'site.csv')])
    """
    name = check_name(name)
    unknown = sorted({opt for opt, _n, _s in files} - set(OPTION_ROLES) - {_AREAS})
    if unknown:
        msg = f"files with options {unknown} cannot be kept in a scenario; options are {', '.join([*OPTION_ROLES, _AREAS])}"
        raise ScenarioError(msg)
    tables = tuple(TableFile(OPTION_ROLES[opt], Path(str(fname)).name, _file_bytes(opt, fname, src))
                   for opt, fname, src in files if opt in OPTION_ROLES)
    frames = dict(areas or {})
    for key, gdf in read_exclusion_areas([(o, n, s) for o, n, s in files if o == _AREAS]).items():
        frames[Path(key).name] = gdf
    data: dict[str, Any] = {}
    for key in _KEYS:
        value = getattr(settings, key)
        if key == "weights":
            value = None if value is None else {str(k): float(v) for k, v in value}
        elif key in ("allocate", "room"):
            value = [[str(c), float(a)] for c, a in value]
        elif key == "notes":  # coded sentences keep code and values, so they read in Chinese when reopened
            value = notes_to_record(value)
        elif isinstance(value, tuple):
            value = [str(v) for v in value]
        data[key] = value
    data["origin"] = _origin_code(str(settings.origin), str(settings.level))
    if widgets:
        data["widgets"] = dict(widgets)
    raster_files: tuple[RasterFile, ...] = ()
    if rasters and any(rasters.get(k) for k in RASTER_KEYS):
        data["rasters"], raster_files = _raster_choice(rasters)
    return Scenario(name=name, settings=data, tables=tables, areas=areas_from_frames(frames), author=author,
                    rasters=raster_files,
                    data_versions=dict(current_data_versions() if data_versions is None else data_versions))


def _raster_choice(rasters: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[RasterFile, ...]]:
    """The raster settings with absolute paths, and a RasterFile (by path, with its sha256) per file."""
    files: list[RasterFile] = []

    def kept(role: str, path: str, option: str) -> RasterFile:
        if not Path(path).is_file():
            msg = f"`{option}` file {path} does not exist; check the path"
            raise ScenarioError(msg)
        return RasterFile(role, Path(path).name, path=path, sha256=file_sha256(path))

    dem = rasters.get("dem")
    if dem:
        dem = str(Path(dem).resolve())
        files.append(kept("dem", dem, "--dem"))
    criteria = []
    for text in rasters.get("criterion") or []:
        name, _eq, rest = str(text).partition("=")
        path, comma, more = rest.partition(",")
        full = str(Path(path.strip()).resolve())
        criteria.append(f"{name}={full}{comma}{more}")
        files.append(kept(f"criterion_{name.strip().lower()}", full, "--criterion"))
    resolution = rasters.get("resolution")
    return ({"dem": dem or None, "criterion": criteria,
             "resolution": None if resolution is None else float(resolution)}, tuple(files))


# ----------------------------------------------------------------------------- scenario -> study

_DEFAULTS = StudySettings(stage="", origin="")


def _short(value: object) -> str:
    """A value as a message quotes it, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _number(value: object, key: str, out: list[str], *, low: float, high: float, whole: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(float(value))
    if not ok or not low <= float(value) <= high or (whole and float(value) != int(value)):
        out.append(Note("error.settings.whole" if whole else "error.settings.number", key=key, low=low, high=high,
                        got=repr(value)))
        return float(getattr(_DEFAULTS, key))
    return float(value)


def _codes(value: object, key: str, out: list[str]) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        out.append(Note("error.settings.codes", key=key, got=_short(value)))
        return ()
    return tuple(value)


def _pairs(value: object, key: str, out: list[str]) -> tuple[tuple[str, float], ...]:
    good = isinstance(value, (list, tuple)) and all(
        isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[0], str) and isinstance(p[1], (int, float))
        and not isinstance(p[1], bool) and math.isfinite(float(p[1])) and float(p[1]) >= 0 for p in value)
    if not good:
        out.append(Note("error.settings.pairs", key=key, got=_short(value)))
        return ()
    return tuple((str(c), float(a)) for c, a in value)


def _choice(value: object, key: str, options: Sequence[str], out: list[str]) -> str:
    if value not in options:
        out.append(Note("error.settings.choice", key=key, got=repr(value), options=list(options)))
        return str(getattr(_DEFAULTS, key))
    return str(value)


def _read_settings(raw: Mapping[str, Any], out: list[str]) -> StudySettings:
    """The settings as StudySettings, every type and range problem appended to ``out``."""
    unknown = sorted(set(raw) - _ALLOWED)
    if unknown:
        out.append(Note("error.settings.unknown", unknown=unknown, known=sorted(_ALLOWED)))
    g = {k: raw[k] for k in _KEYS if k in raw}
    weights = g.get("weights")
    if weights is not None and not (isinstance(weights, Mapping) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
            for v in weights.values())):
        out.append(Note("error.settings.weights", got=_short(weights)))
        weights = None
    gone = sorted(set(weights or {}) - set(COMPONENTS))
    if gone:
        out.append(Note("error.settings.components", gone=gone, components=list(COMPONENTS)))
    try:
        notes = notes_from_record(g.get("notes", []))
    except ValueError as exc:
        out.append(f"settings.{exc}")
        notes = []
    text = {k: g.get(k, getattr(_DEFAULTS, k)) for k in ("stage", "origin")}
    for k, v in text.items():
        if not isinstance(v, str) or not v:
            out.append(Note("error.settings.text", key=k, got=repr(v)))
    transfer_to = g.get("transfer_to")
    if transfer_to is not None and not isinstance(transfer_to, str):
        out.append(Note("error.settings.transfer_to", got=repr(transfer_to)))
        transfer_to = None
    return StudySettings(
        stage=str(text["stage"]), origin=str(text["origin"]),
        level=_choice(g.get("level", "county"), "level", ("county", "city"), out),
        weights=None if weights is None else tuple((str(k), float(v)) for k, v in weights.items()),
        half_life_h=_number(g.get("half_life_h", DEFAULT_HALF_LIFE_H), "half_life_h", out, low=1e-3, high=1e3),
        network=_choice(g.get("network", "road"), "network", NETWORKS, out),
        dyeing_parks=_codes(g.get("dyeing_parks", []), "dyeing_parks", out),
        candidates=_choice(g.get("candidates", "receiving"), "candidates", ("receiving", "all"), out),
        exclude=_codes(g.get("exclude", []), "exclude", out),
        draws=int(_number(g.get("draws", 0), "draws", out, low=0, high=10**6, whole=True)),
        seed=int(_number(g.get("seed", 0), "seed", out, low=0, high=2**32 - 1, whole=True)),
        allocate=_pairs(g.get("allocate", []), "allocate", out), room=_pairs(g.get("room", []), "room", out),
        lang=_choice(g.get("lang", "zh"), "lang", ("zh", "en"), out),
        exclude_share=_number(g.get("exclude_share", 0.5), "exclude_share", out, low=0.0, high=1.0),
        transfer_to=transfer_to,
        transfer_share=_number(g.get("transfer_share", 1.0), "transfer_share", out, low=0.0, high=1.0),
        notes=tuple(notes),
    )


def _gone_names(s: StudySettings, tables: Sequence[TableFile], out: list[str]) -> None:
    """Append a line for every stage, unit, place and file role ``s`` names that no longer exists."""
    if s.stage and s.stage not in STAGES:
        out.append(Note("error.settings.stage_gone", stage=s.stage, stages=list(STAGES)))
    if s.level not in ("county", "city"):
        return
    units = set(load_boundaries(s.level)["adcode"].astype(str))
    checks = [("origin", [s.origin] if s.origin else []), ("exclude", s.exclude), ("dyeing_parks", s.dyeing_parks),
              ("allocate", [c for c, _ in s.allocate]), ("transfer_to", [s.transfer_to] if s.transfer_to else [])]
    for key, codes in checks:
        gone = [c for c in codes if c not in units]
        if gone:
            out.append(Note(f"error.settings.units_gone.{s.level}{'.one' if len(gone) == 1 else ''}", key=key,
                            codes=gone[:8]))
    if s.room and s.stage in STAGES:
        places = set(destination_places(s.stage)["id"].astype(str))
        gone = [c for c, _ in s.room if c not in units and c not in places]
        if gone:
            out.append(Note(f"error.settings.room_gone.{s.level}", codes=gone[:8], stage=s.stage))
    roles = sorted({t.role for t in tables} - set(_ROLE_OPTIONS))
    if roles:
        out.append(Note("error.settings.roles", roles=roles, known=list(_ROLE_OPTIONS)))


def _read_rasters(raw: object, out: list[str]) -> dict[str, Any]:
    if raw is None:
        return {}
    ok = (isinstance(raw, Mapping) and set(raw) <= set(RASTER_KEYS)
          and (raw.get("dem") is None or isinstance(raw.get("dem"), str))
          and isinstance(raw.get("criterion", []), list) and all(isinstance(c, str) for c in raw.get("criterion", []))
          and (raw.get("resolution") is None or (isinstance(raw.get("resolution"), (int, float))
                                                 and not isinstance(raw.get("resolution"), bool))))
    if not ok:
        out.append(Note("error.settings.rasters", got=_short(raw)))
        return {}
    return {"dem": raw.get("dem"), "criterion": list(raw.get("criterion", [])), "resolution": raw.get("resolution")}


def _carried_rasters(record: Scenario, rasters: dict[str, Any]) -> dict[str, Any]:
    """Rasters the scenario carries (imported from a file) whose file is not at its path here, or differs: the
    carried bytes are written to a temporary folder and used instead."""
    carried = {r.path: r for r in record.rasters if r.data is not None and r.path
               and (not Path(r.path).is_file() or file_sha256(r.path) != r.sha256)}
    if not carried or not rasters:
        return rasters
    folder = Path(tempfile.mkdtemp(prefix="gd_scenario_rasters_"))
    moved: dict[str, str] = {}
    for i, (old, r) in enumerate(carried.items()):
        target = folder / f"{i}_{r.file_name}"
        target.write_bytes(r.data)  # type: ignore[arg-type]
        moved[old] = str(target)
    log.info("scenario %r: %d raster(s) it carries written to %s", record.name, len(moved), folder)
    out = dict(rasters)
    if out.get("dem") in moved:
        out["dem"] = moved[out["dem"]]
    out["criterion"] = [_swap_path(c, moved) for c in out.get("criterion", [])]
    return out


def _swap_path(text: str, moved: Mapping[str, str]) -> str:
    name, eq, rest = text.partition("=")
    path, comma, more = rest.partition(",")
    return f"{name}{eq}{moved.get(path, path)}{comma}{more}"


def scenario_to_study(record: Scenario) -> ScenarioStudy:
    """The study a scenario runs on, after checking that everything it names still exists.

    Raises
    ------
    ScenarioError
        Listing every setting of the wrong type, and every stage, unit, place, component or
        file role that no longer exists (or a raster kept by path that is gone or changed).

    Examples
    --------
    >>> rec = Scenario(name="old", settings={"stage": "knitting", "origin": "440118", "exclude": ["449999"]})
    >>> scenario_to_study(rec)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo.errors.ScenarioError: scenario 'old' has 2 problem(s):
      - stage 'knitting' no longer exists; stages are ...
    """
    if not isinstance(record, Scenario) or not isinstance(record.settings, Mapping):
        msg = f"expected a Scenario record with settings, got {type(record).__name__}"
        raise ScenarioError(msg)
    out: list[str] = []
    s = _read_settings(record.settings, out)
    _gone_names(s, record.tables, out)
    rasters = _read_rasters(record.settings.get("rasters"), out)
    out += check_raster_files(record)
    if out:
        raise_problems(out, what=Note("error.scenario.named", name=record.name))
    rasters = _carried_rasters(record, rasters)
    files = tuple((_ROLE_OPTIONS[t.role], t.file_name, bytes(t.data)) for t in record.tables)
    areas = frames_from_areas(record.areas)
    named = tuple((opt, n) for opt, n, _ in files) + tuple((_AREAS, n) for n in areas)
    widgets = record.settings.get("widgets")
    return ScenarioStudy(
        name=record.name, settings=replace(s, files=named), files=files, areas=areas,
        widgets=dict(widgets) if isinstance(widgets, Mapping) else {}, rasters=rasters,
        data_changes=tuple(check_data_versions(record, current_data_versions())),
    )
