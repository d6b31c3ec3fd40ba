"""A scenario as one JSON file, to hand to a colleague or keep beside a report.

The file holds a format marker and version, the settings, author, times and data versions,
and every blob (the planner's tables, exclusion-area polygons as WKB, embedded rasters) in
base64 with its sha256. :func:`read_scenario_file` checks everything before anything is
used: the JSON itself (cut short, duplicate keys, NaN), every key (unknown or missing), every
type, every sha256, then the record as :func:`scenario.record.check_scenario` does; every
problem goes into one :class:`~geo.errors.ScenarioError`. A file from a newer format is
refused with what to do; older formats would be upgraded here (there is only version 1).

Examples
--------
>>> rec = Scenario(name="dyeing to Jieyang", settings={"stage": "dyeing", "origin": "440118"},
...                tables=(TableFile("site", "site.csv", b"adcode,site\\n445281,0.9\\n"),))
>>> back = read_scenario_file(scenario_file_bytes(rec))
>>> back.settings, back.tables[0].file_name, back.tables[0].data == rec.tables[0].data
({'stage': 'dyeing', 'origin': '440118'}, 'site.csv', True)
"""
from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path
from typing import Any

from geo.errors import ScenarioError
from geo.io import atomic_path
from geo.messages import Note, join_problems
from scenario.record import (
    SHA256_PATTERN,
    AreaLayer,
    RasterFile,
    Scenario,
    TableFile,
    areas_sha256,
    check_scenario,
    now_utc,
    raise_problems,
    sha256_of,
)

__all__ = ["FILE_FORMAT", "FILE_FORMAT_VERSION", "MAX_FILE_BYTES", "read_scenario_file", "scenario_file_bytes",
           "write_scenario_file"]

#: The ``format`` marker and version of a scenario file.
FILE_FORMAT = "gd-textile-planner/scenario"
FILE_FORMAT_VERSION = 1
#: Largest scenario file read by :func:`read_scenario_file`, in bytes.
MAX_FILE_BYTES = 512 * 2**20


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _to_document(rec: Scenario) -> dict[str, Any]:
    return {
        "format": FILE_FORMAT,
        "format_version": FILE_FORMAT_VERSION,
        "exported": now_utc(),
        "scenario": {
            "name": rec.name, "settings": rec.settings, "author": rec.author,
            "created": rec.created, "updated": rec.updated, "data_versions": dict(rec.data_versions),
            "tables": [{"role": t.role, "file_name": t.file_name, "size": len(t.data), "sha256": t.sha256,
                        "data_base64": _b64(t.data)} for t in rec.tables],
            "areas": [{"name": a.name, "crs": a.crs, "sha256": a.sha256,
                       "wkb_base64": [_b64(g) for g in a.geometries]} for a in rec.areas],
            "rasters": [{"role": r.role, "file_name": r.file_name, "sha256": r.sha256, "path": r.path,
                         "size": None if r.data is None else len(r.data),
                         "data_base64": None if r.data is None else _b64(r.data)} for r in rec.rasters],
        },
    }


def scenario_file_bytes(record: Scenario) -> bytes:
    """The scenario as one JSON file (UTF-8): format marker and version, blobs base64 with sha256.

    Examples
    --------
    >>> data = scenario_file_bytes(Scenario(name="a", settings={"stage": "dyeing"}))
    >>> json.loads(data)["format_version"] == FILE_FORMAT_VERSION
    True
    """
    rec = check_scenario(record)
    return (json.dumps(_to_document(rec), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_scenario_file(record: Scenario, path: str | os.PathLike) -> Path:
    """Write :func:`scenario_file_bytes` to ``path`` atomically (a failed write leaves no file)."""
    data = scenario_file_bytes(record)
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


_TOP_KEYS = {"format", "format_version", "exported", "scenario"}
_SCENARIO_KEYS = {"name", "settings", "author", "created", "updated", "data_versions", "tables", "areas", "rasters"}
_TABLE_KEYS = {"role", "file_name", "size", "sha256", "data_base64"}
_AREA_KEYS = {"name", "crs", "sha256", "wkb_base64"}
_RASTER_KEYS = {"role", "file_name", "sha256", "path", "size", "data_base64"}


class _BadJSON(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        dup = sorted({k for k, _ in pairs if sum(1 for j, _ in pairs if j == k) > 1})
        raise _BadJSON(Note("error.json.dup_key", key=dup[0]))
    return out


def _no_constant(token: str) -> None:
    raise _BadJSON(Note("error.json.constant", token=token))


def _keys(obj: object, expected: set[str], where: str, out: list[str]) -> dict[str, Any] | None:
    if not isinstance(obj, dict):
        out.append(Note("error.doc.object", where=where, got=type(obj).__name__))
        return None
    if set(obj) != expected:
        unknown, missing = sorted(set(obj) - expected), sorted(expected - set(obj))
        parts = ([Note("error.doc.unknown_keys", keys=unknown)] if unknown else []) + (
            [Note("error.doc.missing_keys", keys=missing)] if missing else [])
        out.append(Note("error.doc.keys", where=where, problems=join_problems(parts)))
        return None
    return obj


def _typed(value: object, kind: type, where: str, out: list[str]) -> bool:
    if isinstance(value, kind):
        return True
    out.append(Note("error.doc.type", where=where, got=type(value).__name__))
    return False


def _blob(entry: dict[str, Any], key: str, where: str, out: list[str]) -> bytes | None:
    text = entry[key]
    sha = entry["sha256"]
    if not _typed(text, str, f"{where}.{key}", out) or not _typed(sha, str, f"{where}.sha256", out):
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        out.append(Note("error.doc.base64", where=f"{where}.{key}"))
        return None
    if sha256_of(data) != sha:
        out.append(Note("error.doc.sha256", where=where))
        return None
    size = entry.get("size")
    if "size" in entry and size != len(data):
        out.append(Note("error.doc.size", where=where, size=repr(size), n=len(data)))
        return None
    return data


def _from_document(doc: object, out: list[str]) -> Scenario | None:
    top = _keys(doc, _TOP_KEYS, Note("error.word.the_file"), out)
    if top is None:
        return None
    if top["format"] != FILE_FORMAT:
        out.append(Note("error.doc.format", got=repr(top["format"]), expected=FILE_FORMAT))
        return None
    version = top["format_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        out.append(Note("error.doc.version", got=repr(version)))
        return None
    if version > FILE_FORMAT_VERSION:
        out.append(Note("error.doc.newer", version=version, reads=FILE_FORMAT_VERSION))
        return None
    _typed(top["exported"], str, "exported", out)
    s = _keys(top["scenario"], _SCENARIO_KEYS, "scenario", out)
    if s is None:
        return None
    for key, kind in (("name", str), ("settings", dict), ("author", str), ("data_versions", dict),
                      ("tables", list), ("areas", list), ("rasters", list)):
        _typed(s[key], kind, f"scenario.{key}", out)
    for key in ("created", "updated"):
        if s[key] is not None:
            _typed(s[key], str, f"scenario.{key}", out)
    if out:
        return None
    tables, areas, rasters = [], [], []
    for i, t in enumerate(s["tables"]):
        t = _keys(t, _TABLE_KEYS, f"tables[{i}]", out)
        if t is not None and _typed(t["role"], str, f"tables[{i}].role", out) and \
                _typed(t["file_name"], str, f"tables[{i}].file_name", out):
            data = _blob(t, "data_base64", f"tables[{i}]", out)
            if data is not None:
                tables.append(TableFile(t["role"], t["file_name"], data, t["sha256"]))
    for i, a in enumerate(s["areas"]):
        a = _keys(a, _AREA_KEYS, f"areas[{i}]", out)
        if a is None or not (_typed(a["name"], str, f"areas[{i}].name", out) & _typed(a["crs"], str, f"areas[{i}].crs", out)
                             & _typed(a["wkb_base64"], list, f"areas[{i}].wkb_base64", out)
                             & _typed(a["sha256"], str, f"areas[{i}].sha256", out)):
            continue
        geoms = []
        for j, g in enumerate(a["wkb_base64"]):
            if not _typed(g, str, f"areas[{i}].wkb_base64[{j}]", out):
                break
            try:
                geoms.append(base64.b64decode(g, validate=True))
            except (binascii.Error, ValueError):
                out.append(Note("error.doc.base64", where=f"areas[{i}].wkb_base64[{j}]"))
                break
        else:
            if areas_sha256(geoms) != a["sha256"]:
                out.append(Note("error.doc.areas_sha256", where=f"areas[{i}]", name=a["name"][:40]))
            else:
                areas.append(AreaLayer(a["name"], a["crs"], tuple(geoms), a["sha256"]))
    for i, r in enumerate(s["rasters"]):
        r = _keys(r, _RASTER_KEYS, f"rasters[{i}]", out)
        if r is None or not (_typed(r["role"], str, f"rasters[{i}].role", out)
                             & _typed(r["file_name"], str, f"rasters[{i}].file_name", out)
                             & _typed(r["sha256"], str, f"rasters[{i}].sha256", out)):
            continue
        if r["path"] is not None and not _typed(r["path"], str, f"rasters[{i}].path", out):
            continue
        data = None
        if r["data_base64"] is not None:
            data = _blob(r, "data_base64", f"rasters[{i}]", out)
            if data is None:
                continue
        elif r["size"] is not None:
            out.append(Note("error.doc.raster_size", where=f"rasters[{i}]"))
            continue
        if not SHA256_PATTERN.fullmatch(r["sha256"]):
            out.append(Note("error.doc.raster_sha", where=f"rasters[{i}]"))
            continue
        rasters.append(RasterFile(r["role"], r["file_name"], data, r["path"], r["sha256"]))
    if out:
        return None
    return Scenario(name=s["name"], settings=s["settings"], tables=tuple(tables), areas=tuple(areas),
                    rasters=tuple(rasters), data_versions=s["data_versions"], author=s["author"],
                    created=s["created"], updated=s["updated"])


def read_scenario_file(source: str | os.PathLike | bytes) -> Scenario:
    """Read and check a scenario file (a path, or its bytes as uploaded); every problem in one ScenarioError.

    Examples
    --------
    >>> read_scenario_file(b'{"format": "gd-textile-planner/scenario", "format_version": 1')
    Traceback (most recent call last):
    geo.errors.ScenarioError: the scenario file has 1 problem(s):
      - it is not valid JSON (Expecting ',' delimiter: line 1 column 62): cut short or edited by hand? Export it again
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, label = bytes(source), Note("error.word.scenario_file")
    else:
        path = Path(source)
        label = Note("error.scenario_file.named", path=str(path))
        try:
            size = path.stat().st_size
            if not path.is_file():
                msg = Note("error.scenario_file.not_file", name=label)
                raise ScenarioError(msg)
            if size > MAX_FILE_BYTES:
                msg = Note("error.scenario_file.too_big", name=label, size=size, limit=MAX_FILE_BYTES)
                raise ScenarioError(msg)
            data = path.read_bytes()
        except FileNotFoundError:
            msg = Note("error.scenario_file.missing", name=label)
            raise ScenarioError(msg) from None
        except (OSError, ValueError) as exc:
            msg = Note("error.scenario_file.unreadable", name=label, reason=str(getattr(exc, "strerror", None) or exc))
            raise ScenarioError(msg) from None
    if len(data) > MAX_FILE_BYTES:
        raise_problems([Note("error.scenario_file.bytes", size=len(data), limit=MAX_FILE_BYTES)], what=label)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise_problems([Note("error.scenario_file.not_utf8", byte=exc.start)], what=label)
    try:
        doc = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise_problems([Note("error.scenario_file.not_json", err=exc.msg, line=exc.lineno, column=exc.colno)], what=label)
    except _BadJSON as exc:
        raise_problems([Note("error.scenario_file.bad_json", err=exc.args[0])], what=label)
    except (ValueError, RecursionError) as exc:
        raise_problems([Note("error.scenario_file.unusable_json", kind=type(exc).__name__, err=str(exc)[:80])], what=label)
    out: list[str] = []
    rec = _from_document(doc, out)
    if rec is None:
        raise_problems(out, what=label)
    try:
        return check_scenario(rec)
    except ScenarioError as exc:
        msg = Note("error.scenario_file.in", name=label, err=exc.args[0] if isinstance(exc.args[0], Note) else str(exc))
        raise ScenarioError(msg) from None
