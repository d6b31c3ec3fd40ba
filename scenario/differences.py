"""What differs: between two scenarios' settings, and since a scenario was saved (data versions, raster files).

Examples
--------
>>> compare_settings({"stage": "dyeing", "decay_km": 60}, {"stage": "dyeing", "decay_km": 45})
[('decay_km', 60, 45)]
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.notes import notes_from_record
from scenario.record import RasterFile, Scenario, areas_sha256, file_sha256, sha256_of  # noqa: F401  (RasterFile: the doctests)

__all__ = ["check_data_versions", "check_raster_files", "compare_settings"]


def _flatten(value: Mapping[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for k, v in value.items():
        key = f"{prefix}{k}"
        if key == "notes":
            out[key] = _sentences(v)
        elif isinstance(v, Mapping) and v:
            _flatten(v, key + ".", out)
        else:
            out[key] = v


def _sentences(saved: object) -> object:
    """Saved notes as sentences (Notes where coded, so a page says them in its language); as saved if malformed."""
    try:
        return notes_from_record(saved)
    except ValueError:
        return saved


def _described(rec: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _flatten(rec.settings, "", out)
    for t in rec.tables:
        out[f"tables.{t.role}"] = f"{t.file_name} (sha256 {(t.sha256 or sha256_of(t.data))[:12]})"
    for a in rec.areas:
        out[f"areas.{a.name}"] = f"{len(a.geometries)} polygon(s), {a.crs} (sha256 {(a.sha256 or areas_sha256(a.geometries))[:12]})"
    for r in rec.rasters:
        out[f"rasters.{r.role}"] = f"{r.file_name} (sha256 {r.sha256[:12]})"
    for k, v in rec.data_versions.items():
        out[f"data_versions.{k}"] = v
    return out


def compare_settings(a: Scenario | Mapping[str, Any], b: Scenario | Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """The settings that differ between two scenarios, as (key, value in a, value in b), sorted by key.

    Nested mappings are compared key by key (``weights.policy``); lists as a whole; ``notes`` as
    their sentences (:func:`analysis.notes.notes_from_record`: Notes where coded). Given two
    :class:`Scenario` records, the planner's tables, areas, rasters (by file name and
    sha256) and data versions are compared too. A key missing on one side shows ``None``.

    Examples
    --------
    >>> compare_settings({"stage": "dyeing", "decay_km": 60, "weights": {"policy": 0.4, "upstream": 0.6}},
    ...                  {"stage": "dyeing", "decay_km": 45, "weights": {"policy": 0.5, "upstream": 0.5}})
    [('decay_km', 60, 45), ('weights.policy', 0.4, 0.5), ('weights.upstream', 0.6, 0.5)]
    """
    da = _described(a) if isinstance(a, Scenario) else _flat(a)
    db = _described(b) if isinstance(b, Scenario) else _flat(b)
    return [(k, da.get(k), db.get(k)) for k in sorted(set(da) | set(db)) if da.get(k) != db.get(k) or (k in da) != (k in db)]


def _flat(settings: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _flatten(settings, "", out)
    return out


def check_data_versions(record: Scenario, current: Mapping[str, str]) -> list[tuple[str, str | None, str | None]]:
    """The datasets whose version changed since the scenario was saved: (name, saved, current).

    A dataset only one side knows shows ``None`` on the other side.

    Examples
    --------
    >>> rec = Scenario(name="a", settings={"stage": "dyeing"}, data_versions={"boundaries": "1.1.2", "places": "v3"})
    >>> check_data_versions(rec, {"boundaries": "1.1.2", "places": "v4", "evidence": "v1"})
    [('evidence', None, 'v1'), ('places', 'v3', 'v4')]
    """
    saved = dict(record.data_versions)
    return [(k, saved.get(k), current.get(k)) for k in sorted(set(saved) | set(current)) if saved.get(k) != current.get(k)]


def check_raster_files(record: Scenario) -> list[str]:
    """Problems with the rasters kept by path: files gone or changed since the scenario was saved.

    Examples
    --------
    >>> rec = Scenario(name="a", settings={"stage": "dyeing"},
    ...                rasters=(RasterFile("dem", "dem.tif", path="/nowhere/dem.tif", sha256="0" * 64),))
    >>> check_raster_files(rec)
    ["raster 'dem' (dem.tif) is no longer at /nowhere/dem.tif; put it back or load the scenario with another DEM"]
    """
    out = []
    for r in record.rasters:
        if r.data is not None or r.path is None:
            continue
        if not Path(r.path).is_file():
            out.append(f"raster {r.role!r} ({r.file_name}) is no longer at {r.path}; "
                       f"put it back or load the scenario with another {r.role.upper() if r.role == 'dem' else 'file'}")
        elif file_sha256(r.path) != r.sha256:
            out.append(f"raster {r.role!r} ({r.file_name}) at {r.path} changed since the scenario was saved (sha256 differs)")
    return out
