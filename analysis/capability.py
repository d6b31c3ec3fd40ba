"""Capability matrix M[unit, stage]: how present each stage is in each city or county.

Two sources, one shape (index ``adcode`` of every unit of the level in boundary order,
columns :data:`~layers.stages.STAGES`, float values >= 0):

* **Default: policy-derived and ordinal, not statistics.** ``data/model/capability_policy.csv``
  records what the policy designates, each row with its clause and basis. The scale is an
  editable ASSUMPTION: 3 = the policy names the unit (or a park, base, dyeing park or city
  title in it) for the stage (§4, §14 titles, §19, §3 poles); 2 = a named cluster or
  membership of a §3 apparel zone (and §15 trade and procurement roles); 1 = the policy
  expects the stage in or around the unit without naming a site (§3 pulled stages, §15
  wholesale markets); 0 = *not designated by the policy*, which is not "no industry".
* **A user's statistics** (output, employment or firm counts) through :func:`read_capability_csv`.

Levels (assumptions, documented in ``data/model/README.md``):

* city cell = max(city rows, max over the city's county rows);
* county cell = max(county rows, city rows inherited at ``value * CITY_WIDE_FACTOR``)
  (:data:`analysis.assumptions.CITY_WIDE_FACTOR`, 0.5, the one rule the fit's policy component uses
  too); a city that is a single county-level unit (Dongguan, Zhongshan) passes its full value.
"""
from __future__ import annotations

import io  # noqa: F401  (the doctests read StringIO through it)
import logging
import os
import re
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from analysis.assumptions import CITY_WIDE_FACTOR, PLACE_CAPABILITY, POLICY_GRADES
from analysis.designations import designations_from_places
from analysis.weights import MAX_AMOUNT
from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from geo.io import CsvSource
from geo.messages import Note
from layers.boundaries import load_boundaries
from layers.places import load_places
from layers.stages import STAGES, _stage_or_none, read_commented_csv

__all__ = [
    "SCALE",
    "load_capability",
    "capability_provenance",
    "read_capability_csv",
]

log = logging.getLogger(__name__)

Level = Literal["city", "county"]
_LEVELS = ("city", "county")
#: The ordinal scale of the policy-derived default (an ASSUMPTION; edit with the data file).
SCALE: dict[int, str] = {
    0: "not designated by the policy (not: no industry)",
    1: "the policy expects the stage in or around the unit without naming a site",
    2: "named cluster in the unit, or member of a §3 apparel zone (§15 trade roles)",
    3: "the policy names the unit, or a park, base, dyeing park or city title in it",
}
_POLICY_COLUMNS = ("adcode", "level", "stage", "value", "clause", "basis")
#: How messages name a planner's capability table.
_STATS = Note("error.word.capability_stats")
_IGNORED_WIDE = ("name", "name_zh", "name_en", "region", "city_adcode", "kind")
_CLAUSE = re.compile(r"§\d+")


def _check_level(level: str) -> str:
    if level not in _LEVELS:
        msg = f"`level` must be one of {list(_LEVELS)}, got {level!r}; use 'county' (124 units) or 'city' (21)"
        raise UnknownNameError(msg)
    return level


@lru_cache(maxsize=2)
def _units(level: str) -> pd.DataFrame:
    b = load_boundaries(level)  # type: ignore[arg-type]
    return pd.DataFrame(b[["adcode", "name_zh", "name_en", "city_adcode"]]).reset_index(drop=True)


def _unknown_code_message(codes: list[str], level: str) -> Note:
    units = _units(level)
    other = _units("city" if level == "county" else "county")
    hints = []
    wrong_level = [c for c in codes if c in set(other["adcode"])]
    if wrong_level:
        if level == "county":
            hints.append(Note("error.adcode.are_city", codes=wrong_level[:5]))
        else:
            hints.append(Note("error.adcode.are_county", codes=wrong_level[:5]))
    examples = ", ".join(f"{a} {n}" for a, n in units[["adcode", "name_zh"]].head(4).itertuples(index=False))
    return Note("error.adcode.unknown.hint" if hints else "error.adcode.unknown", level=level, codes=codes[:10],
                more=" ..." if len(codes) > 10 else "", hint=hints[0] if hints else "", examples=examples)


# ---------------------------------------------------------------- policy default
@lru_cache(maxsize=4)
def _read_policy(path: str, stamp: tuple[int, int] = (0, 0)) -> pd.DataFrame:
    """Parse and check a policy file; ``stamp`` (mtime, size) makes an edited file re-read."""
    raw = read_commented_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in _POLICY_COLUMNS if c not in raw.columns]
    if missing:
        msg = f"capability file {path} must have columns {list(_POLICY_COLUMNS)}; missing {missing}"
        raise LayerValidationError([msg], layer="capability policy")
    df = raw[list(_POLICY_COLUMNS)].copy()
    for col in ("adcode", "level", "stage", "clause", "basis"):
        df[col] = df[col].astype(str).str.strip()
    problems: list[str] = []
    bad_level = ~df["level"].isin(_LEVELS)
    if bad_level.any():
        problems.append(f"level must be 'city' or 'county'; got {sorted(set(df.loc[bad_level, 'level']))}")
    for lvl in _LEVELS:
        at = df["level"] == lvl
        unknown = sorted(set(df.loc[at, "adcode"]) - set(_units(lvl)["adcode"]))
        if unknown:
            problems.append(_unknown_code_message(unknown, lvl))
    ids = df["stage"].map(_stage_or_none)
    if ids.isna().any():
        problems.append(f"unknown stage(s) {sorted(set(df.loc[ids.isna(), 'stage']))}; valid: {', '.join(STAGES)}")
    df["stage"] = ids.where(ids.notna(), df["stage"])
    val = pd.to_numeric(df["value"], errors="coerce").astype(float)
    bad_val = ~np.isfinite(val.to_numpy()) | (val.to_numpy() < 0)
    if bad_val.any():
        problems.append(f"value must be a number >= 0; rows {(np.flatnonzero(bad_val)[:8] + 1).tolist()} are not")
    df["value"] = val
    no_clause = (val > 0) & ~df["clause"].str.contains(_CLAUSE)
    if no_clause.any():
        problems.append(f"every non-zero value must cite a clause (§N); rows {(np.flatnonzero(no_clause)[:8] + 1).tolist()} do not")
    no_basis = df["basis"] == ""
    if no_basis.any():
        problems.append(f"every row needs a basis (what the policy or the place says); rows {(np.flatnonzero(no_basis)[:8] + 1).tolist()} have none")
    if problems:
        raise LayerValidationError(problems, layer=f"capability policy {path}")
    return df


def _effective_rows(level: str, path: str) -> pd.DataFrame:
    """Rows that set the cells at ``level``: own rows plus rows carried over from the other level."""
    df = _read_policy(path, _stamp(path))
    counties = _units("county")
    names = dict(zip(_units("city")["adcode"], _units("city")["name_en"])) | dict(
        zip(counties["adcode"], counties["name_en"])
    )
    own = df[df["level"] == level]
    other = df[df["level"] != level].copy()
    if level == "city":
        city_of = dict(zip(counties["adcode"], counties["city_adcode"]))
        other["basis"] = [f"from county {names[a]} ({a}): {b}" for a, b in zip(other["adcode"], other["basis"])]
        other["adcode"] = other["adcode"].map(city_of)
        carried = other
    else:
        n_units = counties.groupby("city_adcode")["adcode"].size()
        members = counties[["adcode", "city_adcode"]].rename(columns={"adcode": "county"})
        carried = other.merge(members, left_on="adcode", right_on="city_adcode", how="inner")
        single = carried["city_adcode"].map(n_units).to_numpy() == 1
        # one rule with the fit's policy component: a county gets CITY_WIDE_FACTOR of a city-wide value
        carried["value"] = np.where(single, carried["value"], carried["value"] * CITY_WIDE_FACTOR)
        carried["basis"] = [
            f"inherited from city {names[c]} ({c}){'' if s else f' at {CITY_WIDE_FACTOR:g} x value'}: {b}"
            for c, s, b in zip(carried["city_adcode"], single, carried["basis"])
        ]
        carried["adcode"] = carried["county"]
    cols = ["adcode", "stage", "value", "clause", "basis"]
    out = pd.concat([own[cols], carried[cols], _place_rows(level)[cols]], ignore_index=True)
    order = {a: i for i, a in enumerate(_units(level)["adcode"])}
    out["_u"] = out["adcode"].map(order)
    out["_s"] = out["stage"].map({s: i for i, s in enumerate(STAGES)})
    out = out[out["value"] > 0].sort_values(["_u", "_s", "value"], ascending=[True, True, False], kind="stable")
    return out.drop(columns=["_u", "_s"]).reset_index(drop=True)


def _place_rows(level: str) -> pd.DataFrame:
    """The notice's named places (data/parks/places.csv) on the capability scale (:data:`PLACE_CAPABILITY`).

    The same designations feed the fit's policy component (:func:`analysis.designations.designations_from_places`),
    so the two can never disagree; a place named for a whole city reaches its counties at
    :data:`analysis.assumptions.CITY_WIDE_FACTOR`, as the file's city rows do.
    """
    units = _units(level)
    if "city_adcode" not in units.columns:
        units = units.assign(city_adcode=units["adcode"])
    des = designations_from_places(load_places(), units=units[["adcode", "city_adcode"]], level=level)  # type: ignore[arg-type]
    grade = des["kind"].map(POLICY_GRADES).astype(float)
    share = np.where(grade > 0, des["value"] / grade.where(grade > 0, 1.0), 0.0)  # 1, or the city-wide share
    spread = share < 1 - 1e-9
    return pd.DataFrame({
        "adcode": des["adcode"], "stage": des["stage"], "value": des["kind"].map(PLACE_CAPABILITY).astype(float) * share,
        "clause": des["clause"].astype(str).str.replace(";", "; ", regex=False),
        "basis": [f"named place {en} ({zh}, {k}; data/parks/places.csv)" + (f" named for the whole city, at {CITY_WIDE_FACTOR:g} x value" if sp else "")
                  for en, zh, k, sp in zip(des["name_en"], des["name_zh"], des["kind"], spread, strict=True)],
    })


def _stamp(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=8)
def _policy_wide(level: str, path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    rows = _effective_rows(level, path)
    return _to_wide(rows[["adcode", "stage", "value"]], level, agg="max")


def _to_wide(long: pd.DataFrame, level: str, *, agg: str) -> pd.DataFrame:
    units = _units(level)["adcode"]
    wide = long.pivot_table(index="adcode", columns="stage", values="value", aggfunc=agg)
    wide = wide.reindex(index=units, columns=list(STAGES)).fillna(0.0).astype(float)
    wide.index.name = "adcode"
    wide.columns = pd.Index(list(STAGES))
    return wide


def _policy_path(path: str | os.PathLike | None) -> str:
    p = str(get_path("capability") if path is None else os.fspath(path))
    if not os.path.isfile(p):
        msg = f"`path` {p!r} is not a file; give a CSV in the format of data/model/capability_policy.csv or leave it None for the default"
        raise PlannerError(msg)
    return p


def load_capability(*, level: Level = "county", path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The capability matrix of ``level`` from a policy-designation file (default: the shipped one).

    The shipped default is ordinal and policy-derived, not statistics (see the module
    docstring for the scale and the level rules). A 0 means "not designated by the policy".
    For real statistics use :func:`read_capability_csv`.

    Parameters
    ----------
    level : {"county", "city"}
        124 county-level units or 21 cities.
    path : path, optional
        A file in the format of ``data/model/capability_policy.csv``.

    Returns
    -------
    pandas.DataFrame
        Index ``adcode`` (every unit of the level, boundary order), columns
        :data:`~layers.stages.STAGES`, float values >= 0. A fresh copy.

    Examples
    --------
    >>> M = load_capability(level="county")
    >>> M.shape, float(M.loc["440883", "down"]), float(M.loc["445281", "dyeing"])
    ((124, 13), 3.0, 3.0)
    >>> float(load_capability(level="city").loc["440700", "fibre"])
    3.0
    """
    _check_level(level)
    p = _policy_path(path)
    return _policy_wide(level, p, _stamp(p)).copy()


def capability_provenance(*, level: Level = "county", path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every designation behind the non-zero cells of :func:`load_capability` at ``level``.

    A cell may have several rows (e.g. a zone membership and a city title); its value is
    the largest of them. Rows carried from the other level say so in ``basis``
    ("inherited from city ..." or "from county ...").

    Returns
    -------
    pandas.DataFrame
        Columns ``adcode``, ``stage``, ``value``, ``clause``, ``basis``; units in boundary
        order, stages in model order, highest value first.

    Examples
    --------
    >>> p = capability_provenance(level="county")
    >>> p[(p["adcode"] == "440883") & (p["stage"] == "down")]["clause"].tolist()
    ['§4']
    """
    _check_level(level)
    return _effective_rows(level, _policy_path(path)).copy()


# ---------------------------------------------------------------- user statistics
def read_capability_csv(
    path_or_buffer: CsvSource | pd.DataFrame, *, level: Level = "county"
) -> pd.DataFrame:
    """Read a user's capability statistics (output, employment or firm counts) by unit and stage.

    Two layouts are accepted:

    * long: columns ``adcode``, ``stage``, ``value``, one row per unit and stage;
    * wide: column ``adcode`` and one column per stage (descriptive columns ``name``,
      ``name_zh``, ``name_en``, ``region``, ``city_adcode``, ``kind`` are ignored).

    Stages may be given by id or by English or Chinese name. Units absent from the file
    get 0 in every stage, and so do empty cells of a wide file (documented: absence is read
    as "none recorded"). All values must be in one unit of measure across the file.

    Parameters
    ----------
    path_or_buffer : path, file-like, bytes or DataFrame
        The table: a CSV in UTF-8 (with or without BOM) or GB18030/GBK as Excel saves it
        on a Chinese system (decoded by :func:`geo.io.read_csv_text`); a DataFrame is not
        modified.
    level : {"county", "city"}
        Which adcodes are valid.

    Returns
    -------
    pandas.DataFrame
        The shape of :func:`load_capability`.

    Raises
    ------
    PlannerError
        A missing or unreadable file, or one that is neither UTF-8 nor GB18030 (the
        message says to save it as 'CSV UTF-8').
    LayerValidationError
        One error listing every problem: unknown adcodes (with examples and where to find
        the list), unknown stages (with the valid ids), non-numeric, negative, infinite or
        huge values (above :data:`analysis.weights.MAX_AMOUNT`), and duplicated units or stages.

    Examples
    --------
    >>> csv = "adcode,stage,value\\n445281,dyeing,66\\n440514,印染,102\\n"
    >>> M = read_capability_csv(io.StringIO(csv))
    >>> float(M.loc["440514", "dyeing"]), float(M.loc["440103", "apparel"])
    (102.0, 0.0)
    """
    _check_level(level)
    if isinstance(path_or_buffer, pd.DataFrame):
        frame = path_or_buffer.copy()
        raw = pd.DataFrame(
            [list(map(str, frame.columns))] + frame.astype(str).replace({"nan": "", "None": ""}).values.tolist()
        )
    else:
        # header=None keeps repeated column names as they are (pandas would rename them "x.1").
        raw = read_commented_csv(path_or_buffer, dtype=str, keep_default_na=False, header=None)
    if raw.empty:
        msg = Note("error.capability.empty")
        raise LayerValidationError([msg], layer=_STATS)
    header = [str(c).strip() for c in raw.iloc[0]]
    body = raw.iloc[1:].reset_index(drop=True).astype(str).apply(lambda c: c.str.strip())
    keys = [h.lower() for h in header]
    if "adcode" not in keys:
        msg = Note("error.capability.no_adcode", header=header)
        raise LayerValidationError([msg], layer=_STATS)
    if "stage" in keys and "value" in keys:
        long, problems = _long_from_long(body, keys)
    else:
        long, problems = _long_from_wide(body, header, keys)
    unknown = sorted(set(long["adcode"]) - set(_units(level)["adcode"]))
    if unknown:
        problems.insert(0, _unknown_code_message(unknown, level))
    if problems:
        raise LayerValidationError(problems, layer=_STATS)
    wide = _to_wide(long, level, agg="sum")
    absent = int((~wide.index.isin(long["adcode"])).sum())
    if absent:
        log.info("capability statistics: %d %s unit(s) absent from the file were set to 0", absent, level)
    return wide


def _values(text: pd.Series, *, blank_is_zero: bool) -> tuple[pd.Series, list[str]]:
    problems: list[str] = []
    t = text.where(~(blank_is_zero & (text == "")), "0")
    v = pd.to_numeric(t, errors="coerce").astype(float)
    arr = v.to_numpy()
    nonnum = ~np.isfinite(arr)
    if nonnum.any():
        problems.append(Note("error.capability.nonnumeric", values=sorted(set(text[nonnum]))[:6],
                             rows=(np.flatnonzero(nonnum)[:8] + 1).tolist()))
    neg = arr < 0
    if neg.any():
        problems.append(Note("error.capability.negative", values=arr[neg][:6].tolist(),
                             rows=(np.flatnonzero(neg)[:8] + 1).tolist()))
    huge = np.isfinite(arr) & (arr > MAX_AMOUNT)  # sums of such values overflow and the shares silently become 0
    if huge.any():
        problems.append(Note("error.capability.huge", values=arr[huge][:6].tolist(),
                             rows=(np.flatnonzero(huge)[:8] + 1).tolist(), limit=MAX_AMOUNT))
    return v, problems


def _long_from_long(body: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, list[str]]:
    problems: list[str] = []
    df = pd.DataFrame({k: body.iloc[:, keys.index(k)] for k in ("adcode", "stage", "value")})
    ids = df["stage"].map(_stage_or_none)
    if ids.isna().any():
        problems.append(Note("error.capability.stages", stages=sorted(set(df.loc[ids.isna(), 'stage'])),
                             valid=list(STAGES)))
    df["stage"] = ids.where(ids.notna(), df["stage"])
    df["value"], p = _values(df["value"], blank_is_zero=False)
    problems += p
    dup = df.duplicated(["adcode", "stage"], keep=False) & ids.notna()
    if dup.any():
        pairs = sorted({f"{a}/{s}" for a, s in df.loc[dup, ["adcode", "stage"]].itertuples(index=False)})
        problems.append(Note("error.capability.dup_pairs", pairs=pairs[:8]))
    return df, problems


def _long_from_wide(body: pd.DataFrame, header: list[str], keys: list[str]) -> tuple[pd.DataFrame, list[str]]:
    problems: list[str] = []
    a = keys.index("adcode")
    codes = body.iloc[:, a]
    cols = [i for i, k in enumerate(keys) if i != a and k not in _IGNORED_WIDE]
    ids = [_stage_or_none(header[i]) for i in cols]
    bad = [header[i] for i, s in zip(cols, ids) if s is None]
    if bad:
        problems.append(Note("error.capability.stage_columns", columns=bad, valid=list(STAGES)))
    seen: dict[str, list[str]] = {}
    for i, s in zip(cols, ids):
        if s is not None:
            seen.setdefault(s, []).append(header[i])
    dups = {s: h for s, h in seen.items() if len(h) > 1}
    if dups:
        problems.append(Note("error.capability.dup_columns", dups=dups))
    if codes.duplicated().any():
        problems.append(Note("error.capability.dup_rows", codes=sorted(set(codes[codes.duplicated()]))[:8]))
    keep = [(i, s) for i, s in zip(cols, ids) if s is not None]
    if not keep and not bad:
        problems.append(Note("error.capability.no_stages"))
    parts = []
    for i, s in keep:  # one pass per stage column (13 at most), each vectorised over units
        v, p = _values(body.iloc[:, i], blank_is_zero=True)
        problems += [Note("error.capability.in_column", column=header[i], problem=x) for x in p]
        parts.append(pd.DataFrame({"adcode": codes, "stage": s, "value": v}))
    long = (pd.concat(parts, ignore_index=True) if parts
            else pd.DataFrame({"adcode": pd.Series([], dtype=object), "stage": [], "value": []}))
    return long, problems
