"""Road travel time and distance between units, as shipped in ``data/network/``.

The matrices are built once by ``scripts/build_travel_times.py`` from the OpenStreetMap
road network in the pinned package ``scgraph-data`` 2.0.0 (© OpenStreetMap contributors,
ODbL) under stated ASSUMPTIONS (average speeds, detour factors, where each unit's seat is);
``data/network/README.md`` gives them and how to rebuild with other values. Each file holds
every ordered pair of units in long form ``origin,destination,km,hours``; this module turns
it into a square table in the order of :func:`layers.boundaries.load_boundaries` and checks
it on the way in.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from layers.boundaries import load_boundaries

__all__ = ["LEVELS", "MEASURES", "describe_travel_source", "load_travel_matrix", "travel_source_facts"]

#: Unit levels with a shipped matrix.
LEVELS: tuple[str, ...] = ("county", "city")
#: Measures in each file: hours of the fastest route, and its length in km.
MEASURES: tuple[str, ...] = ("hours", "km")
_COLUMNS = ("origin", "destination", "km", "hours")
_REBUILD = ".venv/bin/pip install -r requirements-build.txt && .venv/bin/python scripts/build_travel_times.py"


def load_travel_matrix(
    *,
    level: Literal["county", "city"] = "county",
    measure: Literal["hours", "km"] = "hours",
    path: str | Path | None = None,
) -> pd.DataFrame:
    """Square matrix of road travel time (hours) or distance (km) between units.

    Parameters
    ----------
    level : {"county", "city"}
        124 county-level units or 21 cities.
    measure : {"hours", "km"}
        Time of the fastest route, or the length of that same route.
    path : str or Path, optional
        A matrix file in the shipped layout (``origin,destination,km,hours``, every ordered
        pair once, diagonal included); default: the shipped ``data/network/travel_{level}.csv``.

    Returns
    -------
    pandas.DataFrame
        float64, index ``origin`` and columns ``destination`` = adcode strings in the order
        of ``load_boundaries(level)``; a fresh copy each call.

    Raises
    ------
    UnknownNameError
        ``level`` or ``measure`` is not one of the names above.
    LayerValidationError
        The file is incomplete or wrong; one error, naming the file, lists every problem
        (missing columns or pairs, unknown or duplicated units, values that are missing,
        not numbers or negative, a diagonal that is not 0).

    Examples
    --------
    >>> d = load_travel_matrix(level="city")
    >>> d.shape, d.index[0], float(d.loc["440100", "440100"])
    ((21, 21), '440100', 0.0)
    >>> bool(load_travel_matrix(level="county", measure="km").loc["440118", "440513"] > 287)
    True
    """
    if level not in LEVELS:
        msg = f"`level` must be one of {list(LEVELS)}, got {level!r}"
        raise UnknownNameError(msg)
    if measure not in MEASURES:
        msg = f"`measure` must be one of {list(MEASURES)} (hours of the fastest route, or its km), got {measure!r}"
        raise UnknownNameError(msg)
    p = Path(path) if path is not None else get_path(f"travel_{level}")
    if not p.is_file():
        msg = f"travel matrix file {p} does not exist; rebuild the shipped ones with `{_REBUILD}`"
        raise PlannerError(msg)
    codes = tuple(load_boundaries(level)["adcode"].astype(str))
    arrays = _read_checked(str(p.resolve()), p.stat().st_mtime_ns, codes, level)
    return pd.DataFrame(arrays[measure].copy(), index=pd.Index(codes, name="origin"),
                        columns=pd.Index(codes, name="destination"))


def travel_source_facts(*, path: str | Path | None = None) -> dict[str, object]:
    """The source, version, counts and assumptions of the shipped travel times, as values.

    Read from ``data/network/travel_meta.json`` (which the build script writes); what
    :func:`describe_travel_source` puts into words, and what the fit's record of its sources
    carries (:mod:`analysis.notes`, code ``source.travel``).

    Examples
    --------
    >>> f = travel_source_facts()
    >>> f["package"], f["city_seats"], "虎门大桥" in f["bridges_zh"]
    ('scgraph-data 2.0.0', 'geonames', True)
    """
    p = Path(path) if path is not None else get_path("travel_meta")
    try:
        meta = json.loads(p.read_text(encoding="utf-8"))
        a, net = meta["assumptions"], meta["network"]
        return {
            "package": meta["source"].split(",")[0],
            "nodes": int(net["nodes"]),
            "bridges": [str(link["name"]) for link in meta["fixed_links"]],
            "bridges_zh": [str(link.get("name_zh") or link["name"]) for link in meta["fixed_links"]],
            "gap_links": int(net["gap_links"]),
            "gap_km": float(a["gap_km"]),
            "speed": float(a["speed"]),
            "network_detour": float(a["network_detour"]),
            "k": int(a["k"]),
            "connector_detour": float(a["connector_detour"]),
            "connector_speed": float(a["connector_speed"]),
            "city_seats": "geonames" if a["city_seats"] == "geonames" else "centroids",
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        msg = f"cannot describe the travel times from {p}: {exc!r}; rebuild it with `{_REBUILD}`"
        raise PlannerError(msg) from exc


def describe_travel_source(*, path: str | Path | None = None) -> str:
    """One line naming the source, version and assumptions of the shipped travel times.

    Read from ``data/network/travel_meta.json``, which the build script writes, so the line
    stays true after a rebuild with other options.

    Examples
    --------
    >>> s = describe_travel_source()
    >>> s.startswith("Road travel times: OpenStreetMap") and "scgraph-data 2.0.0" in s and "ASSUMPTION" in s
    True
    """
    f = travel_source_facts(path=path)
    bridges = ", ".join(f["bridges"]) or "none"  # type: ignore[arg-type]
    city_seats = ("the largest GeoNames place (CC BY 4.0) in each city" if f["city_seats"] == "geonames"
                  else "polygon centroids")
    return (
        f"Road travel times: OpenStreetMap trunk and primary roads (© OpenStreetMap contributors, ODbL) "
        f"from {f['package']}, {f['nodes']:,} nodes, bridges the simplified network cuts added ({bridges}), "
        f"{f['gap_links']} cut dead ends rejoined within {f['gap_km']:g} km; ASSUMPTION {f['speed']:g} km/h on "
        f"network roads taken as {f['network_detour']:g} x their simplified length, seats joined to their "
        f"{f['k']} nearest nodes at {f['connector_detour']:g} x the straight line and {f['connector_speed']:g} km/h; "
        f"county seats at polygon centroids, city seats at {city_seats} (data/network/README.md)"
    )


@lru_cache(maxsize=8)
def _read_checked(path: str, mtime_ns: int, codes: tuple[str, ...], level: str) -> dict[str, np.ndarray]:
    """Read and validate once per (file, modification time, unit list)."""
    del mtime_ns  # part of the cache key only: a rewritten file is read again
    name = Path(path).name
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise LayerValidationError([f"cannot read it as a UTF-8 CSV: {exc}"], layer=f"travel matrix {name}") from exc
    arrays, problems = _to_square(table, codes, level)
    if problems:
        raise LayerValidationError(problems + [f"fix the file or rebuild the shipped ones with `{_REBUILD}`"],
                                   layer=f"travel matrix {name}")
    for arr in arrays.values():
        arr.flags.writeable = False
    return arrays


def _to_square(table: pd.DataFrame, codes: tuple[str, ...], level: str) -> tuple[dict[str, np.ndarray], list[str]]:
    """Square arrays of each measure, and every problem found on the way."""
    table = table.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        return {}, [f"columns {missing} are missing (found {list(table.columns)}); expected {', '.join(_COLUMNS)}"]
    problems: list[str] = []
    n = len(codes)
    units = pd.Index(codes)
    o = units.get_indexer(table["origin"].str.strip())
    d = units.get_indexer(table["destination"].str.strip())
    unknown = sorted(set(table.loc[o < 0, "origin"]) | set(table.loc[d < 0, "destination"]))
    if unknown:
        problems.append(f"{len(unknown)} code(s) are not {level} adcodes of Guangdong: {unknown[:10]}")
    known = (o >= 0) & (d >= 0)
    key = o[known].astype(np.int64) * n + d[known]
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if dup.any():
        pairs = sorted({f"{codes[k // n]}->{codes[k % n]}" for k in key[dup]})
        problems.append(f"{len(pairs)} pair(s) appear more than once, e.g. {pairs[:5]}")
    present = np.zeros(n * n, dtype=bool)
    present[key] = True
    if not present.all():
        gaps = np.flatnonzero(~present)
        absent = sorted(set(codes) - set(table["origin"].str.strip()))
        extra = f"; units with no rows at all: {absent[:10]}" if absent else ""
        problems.append(f"{len(gaps)} of the {n * n} ordered pairs (diagonal included) are missing, "
                        f"e.g. {[f'{codes[k // n]}->{codes[k % n]}' for k in gaps[:5]]}{extra}")
    arrays: dict[str, np.ndarray] = {}
    for measure in MEASURES:
        raw = table[measure].str.strip()
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            rows = (np.flatnonzero(bad) + 2)[:5].tolist()  # + header line, 1-based
            problems.append(f"{int(bad.sum())} value(s) of '{measure}' are empty, not numbers or infinite "
                            f"(file lines {rows}: {raw[bad].head(5).tolist()})")
        neg = values < 0
        if neg.any():
            rows = (np.flatnonzero(neg) + 2)[:5].tolist()
            problems.append(f"{int(neg.sum())} value(s) of '{measure}' are negative (file lines {rows})")
        arr = np.full(n * n, np.nan)
        arr[key] = values[known]
        arr = arr.reshape(n, n)
        diag = np.diag(arr)
        off_zero = np.isfinite(diag) & (diag != 0)
        if off_zero.any():
            problems.append(f"'{measure}' from a unit to itself must be 0; not so for "
                            f"{[codes[i] for i in np.flatnonzero(off_zero)][:10]}")
        arrays[measure] = arr
    return arrays, problems
