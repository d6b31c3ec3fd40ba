"""Shared checks for the evidence tables of :mod:`layers.evidence` (private).

Every check appends plain-language problems to a list, so a loader can report every
problem of a file in one :class:`~geo.errors.LayerValidationError`: what is wrong, in which
rows, and which values are valid.
"""
from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import STORAGE_CRS
from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError
from geo.io import CsvSource, parse_error_text, read_csv_table, validate_layer
from geo.messages import Note, join_problems
from layers.boundaries import load_boundaries

ID_RE = r"^[a-z][a-z0-9_]*$"
ADCODE_RE = r"^\d{6}$"
CLAUSE_RE = r"^§\d{1,2}(;§\d{1,2})*$"
#: Source-quality tags of the research notes: [O] official, [R] reproduced, [S] secondary, [D] dataset.
QUALITIES: tuple[str, ...] = ("official", "reproduced", "secondary", "dataset")
_SHOWN = 5


@lru_cache(maxsize=1)
def stage_ids() -> tuple[str, ...]:
    """Stage ids in catalogue order, read from ``data/model/stages.csv`` (lines starting ``#`` skipped)."""
    text = get_path("stages").read_text(encoding="utf-8-sig")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    ids = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)["id"].str.strip()
    return tuple(ids)


@lru_cache(maxsize=1)
def _units() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counties, cities) as plain tables indexed by adcode, without geometry."""
    counties = pd.DataFrame(load_boundaries("county").drop(columns="geometry")).set_index("adcode")
    cities = pd.DataFrame(load_boundaries("city").drop(columns="geometry")).set_index("adcode")
    return counties, cities


def counties() -> pd.DataFrame:
    """County-level units (124): index adcode; columns name_zh, name_en, city_adcode, region."""
    return _units()[0]


def cities() -> pd.DataFrame:
    """Cities (21): index adcode; columns name_zh, name_en, region."""
    return _units()[1]


@lru_cache(maxsize=2)
def _polygons(level: str) -> gpd.GeoSeries:
    return load_boundaries(level).set_index("adcode").geometry


def read_text_table(source: CsvSource | pd.DataFrame, *, name: str, layer: str) -> pd.DataFrame:
    """A CSV (UTF-8 or GB18030, via :func:`geo.io.read_csv_table`) as stripped text; blanks are ``""``.

    Parser failures become one :class:`LayerValidationError` (never a pandas error).
    """
    try:
        df = read_csv_table(source, name=name, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = Note("error.table.unparsable", name=name, err=parse_error_text(exc) if str(exc).strip() else type(exc).__name__)
        raise LayerValidationError([msg], layer=layer) from None
    except (UnicodeError, TypeError, ValueError) as exc:
        if isinstance(exc, PlannerError):
            raise
        msg = Note("error.table.unreadable", name=name, err=str(exc))
        raise LayerValidationError([msg], layer=layer) from None
    df = df.copy()
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    if df.columns.duplicated().any():
        dup = sorted(set(df.columns[df.columns.duplicated()]))
        msg = Note("error.table.dup_columns", name=name, columns=dup)
        raise LayerValidationError([msg], layer=layer)
    return df.fillna("").astype(str).apply(lambda s: s.str.strip()) if len(df.columns) else df


def check_columns(df: pd.DataFrame, required: Iterable[str], *, layer: str, optional: Iterable[str] = ()) -> pd.DataFrame:
    """Raise at once when required columns are missing; return the table with the optional ones added (blank)."""
    required, optional = list(required), list(optional)
    missing = [c for c in required if c not in df.columns]
    if missing:
        msg = Note("error.table.columns.optional" if optional else "error.table.columns", missing=missing,
                   required=required, optional=optional)
        raise LayerValidationError([msg], layer=layer)
    t = pd.DataFrame({c: (df[c] if c in df.columns else "") for c in [*required, *optional]}, index=df.index)
    return t.fillna("").astype(str).apply(lambda s: s.str.strip()) if len(t) else t.astype(str)


def row_ids(t: pd.DataFrame) -> pd.Series:
    """How messages name rows: the id, or ``<row N>`` (N = the line in the file, header = 1)."""
    line = pd.Series(np.arange(len(t)) + 2, index=t.index).astype(str)
    ids = t["id"] if "id" in t.columns else pd.Series("", index=t.index)
    return ids.where(ids != "", "<row " + line + ">")


def eg(ids: pd.Series, mask: pd.Series | np.ndarray, values: pd.Series | None = None) -> list[str]:
    mask = np.asarray(mask, dtype=bool)
    if values is None:
        return list(ids[mask][:_SHOWN])
    return [f"{i}={v!r}" for i, v in zip(ids[mask][:_SHOWN], values[mask][:_SHOWN])]


def check_ids(t: pd.DataFrame, ids: pd.Series, problems: list[str]) -> None:
    """``id`` present, snake_case and unique."""
    empty = t["id"] == ""
    if empty.any():
        problems.append(Note("error.table.id_empty", n=int(empty.sum()), rows=eg(ids, empty)))
    bad = ~empty & ~t["id"].str.fullmatch(ID_RE)
    if bad.any():
        problems.append(Note("error.table.id_form", rows=eg(ids, bad, t["id"])))
    dup = t["id"].duplicated(keep=False) & ~empty
    if dup.any():
        problems.append(Note("error.table.id_dups", ids=sorted(set(t["id"][dup]))[:_SHOWN]))


def check_text(t: pd.DataFrame, cols: Iterable[str], ids: pd.Series, problems: list[str]) -> None:
    """Each of ``cols`` non-empty in every row."""
    for col in cols:
        empty = t[col] == ""
        if empty.any():
            problems.append(Note("error.table.text_empty", col=col, n=int(empty.sum()), rows=eg(ids, empty)))


def check_vocab(
    t: pd.DataFrame, col: str, allowed: Iterable[str], ids: pd.Series, problems: list[str], *, allow_empty: bool = False
) -> None:
    """Every value of ``col`` in ``allowed`` (blank allowed only with ``allow_empty``)."""
    allowed = [str(a) for a in allowed]
    v = t[col]
    bad = ~v.isin(allowed) & ~((v == "") & allow_empty)
    if bad.any():
        problems.append(Note("error.table.vocab.blank" if allow_empty else "error.table.vocab", col=col,
                             values=sorted(set(v[bad]))[:_SHOWN], rows=eg(ids, bad), allowed=list(allowed)))


def check_numbers(
    t: pd.DataFrame, col: str, ids: pd.Series, problems: list[str], *,
    allow_empty: bool = True, integer: bool = False, positive: bool = False,
) -> np.ndarray:
    """Parse ``col`` as finite numbers >= 0 (> 0 with ``positive``); NaN where blank."""
    txt = t[col]
    val = pd.to_numeric(txt.str.replace(",", "", regex=False), errors="coerce").to_numpy(dtype=float, copy=True)
    blank = (txt == "").to_numpy()
    if not allow_empty and blank.any():
        problems.append(Note("error.table.number_empty", col=col, n=int(blank.sum()), rows=eg(ids, blank)))
    bad = ~blank & ~np.isfinite(val)
    if bad.any():
        problems.append(Note("error.table.number_form", col=col, rows=eg(ids, bad, txt)))
    ok = ~blank & np.isfinite(val)
    low = ok & ((val <= 0) if positive else (val < 0))
    if low.any():
        problems.append(Note("error.table.number_low", col=col, bound="> 0" if positive else ">= 0", rows=eg(ids, low, txt)))
    frac = ok & integer & (val != np.round(val))
    if frac.any():
        problems.append(Note("error.table.number_whole", col=col, rows=eg(ids, frac, txt)))
    val[~ok] = np.nan
    return val


def city_list() -> str:
    """'440100 Guangzhou, 440200 Shaoguan, ...' for messages."""
    c = cities()
    return ", ".join(f"{a} {n}" for a, n in zip(c.index, c["name_en"]))


def _county_hint(codes: Iterable[str]) -> Note:
    """The valid county adcodes of the cities the bad codes point to, or where to find them."""
    c = counties()
    prefixes = sorted({str(x)[:4] + "00" for x in codes} & set(cities().index))
    if not prefixes:
        return Note("error.table.county_hint")
    parts = []
    for p in prefixes[:3]:
        sub = c[c["city_adcode"] == p]
        parts.append(Note("error.table.county_under", city=f"{p} {cities().at[p, 'name_en']}",
                          codes=", ".join(f"{a} {n}" for a, n in zip(sub.index, sub["name_en"]))))
    return Note("error.table.county_codes", parts=join_problems(parts))


def check_adcodes(
    t: pd.DataFrame, col: str, ids: pd.Series, problems: list[str], *,
    level: str, allow_empty: bool = False, multi: bool = False, city_col: str | None = None,
) -> None:
    """Six-digit adcodes of Guangdong ``level`` units ('city' or 'county'); ``multi`` for ``;``-lists.

    With ``city_col``, county codes must lie under that row's city.
    """
    v = t[col]
    blank = v == ""
    if not allow_empty and blank.any():
        problems.append(Note("error.table.adcode_empty", col=col, n=int(blank.sum()), rows=eg(ids, blank)))
    tokens = v[~blank].str.split(";").explode().str.strip() if multi else v[~blank]
    valid = cities().index if level == "city" else counties().index
    bad_form = ~tokens.str.fullmatch(ADCODE_RE)
    if bad_form.any():
        rows = sorted(set(tokens.index[bad_form]), key=list(t.index).index)
        problems.append(Note("error.table.adcode_form.multi" if multi else "error.table.adcode_form", col=col,
                             rows=eg(ids, t.index.isin(rows), v)))
    unknown = ~bad_form & ~tokens.isin(valid)
    if unknown.any():
        rows = sorted(set(tokens.index[unknown]), key=list(t.index).index)
        hint = Note("error.table.city_hint", cities=city_list()) if level == "city" else _county_hint(tokens[unknown])
        problems.append(Note("error.table.adcode_unknown", col=col, level=level,
                             codes=sorted(set(tokens[unknown]))[:_SHOWN], rows=eg(ids, t.index.isin(rows)), hint=hint))
    if city_col is not None and level == "county":
        known = tokens[tokens.isin(counties().index)]
        parent = pd.Series(counties()["city_adcode"].reindex(known).to_numpy(), index=known.index)
        wrong = (parent != t[city_col].reindex(parent.index)) & (t[city_col].reindex(parent.index) != "")
        if wrong.any():
            shown = [f"{ids[i]}: {c} lies in {p}, not {t.at[i, city_col]}" for i, c, p in
                     zip(known.index[wrong][:_SHOWN], known[wrong][:_SHOWN], parent[wrong][:_SHOWN])]
            problems.append(Note("error.table.county_city", col=col, city_col=city_col, shown=shown))


def check_stages(
    t: pd.DataFrame, col: str, ids: pd.Series, problems: list[str], *, allow_empty: bool | pd.Series = False
) -> None:
    """``;``-separated stage ids from the catalogue; blank only where ``allow_empty`` (bool or mask)."""
    v = t[col]
    blank = v == ""
    may_blank = allow_empty if isinstance(allow_empty, pd.Series) else pd.Series(bool(allow_empty), index=t.index)
    bad_blank = blank & ~may_blank
    if bad_blank.any():
        problems.append(Note("error.table.stages_empty", col=col, rows=eg(ids, bad_blank), valid=list(stage_ids())))
    tokens = v[~blank].str.split(";").explode().str.strip()
    bad = ~tokens.isin(stage_ids())
    if bad.any():
        rows = sorted(set(tokens.index[bad]), key=list(t.index).index)
        problems.append(Note("error.table.stages_unknown", col=col, stages=sorted(set(tokens[bad]))[:_SHOWN],
                             rows=eg(ids, t.index.isin(rows)), valid=list(stage_ids())))


def check_clause(t: pd.DataFrame, ids: pd.Series, problems: list[str], *, must_hold: str) -> None:
    """``clause`` like ``§4`` or ``§4;§19`` and containing ``must_hold``."""
    c = t["clause"]
    bad = (c != "") & ~c.str.fullmatch(CLAUSE_RE)
    if bad.any():
        problems.append(f"column 'clause' must look like '§4' or '§4;§19': {eg(ids, bad, c)}")
    lacks = (c != "") & ~bad & ~c.str.split(";").map(lambda xs: must_hold in xs)
    if lacks.any():
        problems.append(f"column 'clause' must include {must_hold} in every row of this table: {eg(ids, lacks, c)}")


def check_points(
    t: pd.DataFrame, ids: pd.Series, problems: list[str], *, layer: str, precisions: Iterable[str]
) -> np.ndarray:
    """lon/lat numeric, precision known and honest, point inside its county (else its city) polygon.

    Returns an object array of shapely points (None where lon/lat are missing or bad).
    """
    precisions = list(precisions)
    check_vocab(t, "location_precision", precisions, ids, problems)
    lon = check_numbers(t, "lon", ids, problems, allow_empty=False)
    lat = check_numbers(t, "lat", ids, problems, allow_empty=False)
    fine = t["location_precision"].isin([p for p in precisions if p not in ("county", "city")])
    no_county = fine & (t["county_adcode"] == "")
    if no_county.any():
        problems.append(f"a {'/'.join(p for p in precisions if p not in ('county', 'city'))} point needs its county_adcode: {eg(ids, no_county)}")
    coarse = t["location_precision"].isin(["county", "city"]) & ~t["note"].str.contains("seat", case=False)
    if coarse.any():
        problems.append(
            f"a point at county or city precision stands in for the place and its note must say so "
            f"(e.g. 'Point = Qingcheng district seat (county fallback)'): {eg(ids, coarse)}"
        )
    ok = np.isfinite(lon) & np.isfinite(lat)
    geoms = np.full(len(t), None, dtype=object)
    geoms[ok] = shapely.points(lon[ok], lat[ok])
    if ok.any():
        pts = gpd.GeoDataFrame({"id": ids[ok].to_numpy()}, geometry=list(geoms[ok]), crs=STORAGE_CRS, index=list(ids[ok]))
        try:
            validate_layer(pts, name=layer, geom_types=("Point",))
        except LayerValidationError as exc:
            problems.extend(exc.problems)
    # containment: the county polygon where a known county is given, else the city polygon
    county_ok = t["county_adcode"].isin(counties().index).to_numpy()
    city_ok = t["city_adcode"].isin(cities().index).to_numpy()
    for level, mask, col in (("county", ok & county_ok, "county_adcode"), ("city", ok & ~county_ok & city_ok, "city_adcode")):
        if not mask.any():
            continue
        polys = _polygons(level).reindex(t[col][mask]).to_numpy()
        inside = shapely.covers(polys, geoms[mask])
        if not inside.all():
            bad = np.flatnonzero(mask)[~inside]
            shown = [f"{ids.iloc[r]} ({lon[r]:.4f}, {lat[r]:.4f}) not in {t[col].iloc[r]}" for r in bad[:_SHOWN]]
            problems.append(f"{len(bad)} point(s) outside the {level} they name: {shown}; fix lon/lat (WGS84, not GCJ-02) or {col}")
    return geoms


def split_list(s: pd.Series) -> pd.Series:
    """``'a;b'`` -> ``('a', 'b')``; blank -> ``()``."""
    return s.map(lambda x: tuple(p.strip() for p in str(x).split(";") if p.strip()))


def year_bounds(t: pd.DataFrame, ids: pd.Series, problems: list[str]) -> tuple[pd.Series, pd.Series]:
    """``year`` as ``2021``, ``2017-2018`` or blank -> (start, end) nullable integers."""
    y = t["year"]
    m = y.str.extract(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")
    bad = (y != "") & m[0].isna()
    if bad.any():
        problems.append(Note("error.table.year_form", rows=eg(ids, bad, y)))
    start = pd.to_numeric(m[0], errors="coerce").astype("Int64")
    end = pd.to_numeric(m[1].fillna(m[0]), errors="coerce").astype("Int64")
    backwards = (end < start).fillna(False)
    if backwards.any():
        problems.append(Note("error.table.year_backwards", rows=eg(ids, backwards, y)))
    out_of_range = ((start < 1949) | (end > 2100)).fillna(False)
    if out_of_range.any():
        problems.append(Note("error.table.year_range", rows=eg(ids, out_of_range, y)))
    return start, end


def raise_if(problems: list[str], *, layer: str) -> None:
    if problems:
        raise LayerValidationError(problems, layer=layer)


def region_of_codes(codes: pd.Series) -> pd.Series:
    """Region of each city adcode (NaN where unknown)."""
    return codes.map(cities()["region"])


def city_of_codes(codes: pd.Series) -> pd.Series:
    """City adcode of each county or city adcode (NaN where unknown)."""
    direct = codes.map(counties()["city_adcode"])
    return direct.where(direct.notna(), codes.where(codes.isin(cities().index)))


def load_cached(path: str | os.PathLike | None, name: str, builder: Callable[[str], Any]) -> Any:
    """``builder(path)`` once per file version (path and modification time); the embedded file by default."""
    p = Path(path) if path is not None else get_path(name)
    if not p.exists():
        msg = f"`path` does not exist: {p}; pass the {name} CSV or leave it out for the embedded one"
        raise PlannerError(msg)
    return _load_cached(str(p.resolve()), p.stat().st_mtime_ns, builder)


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, builder: Callable[[str], Any]) -> Any:
    return builder(path)


def points_frame(t: pd.DataFrame, geoms: np.ndarray) -> gpd.GeoDataFrame:
    """A validated table and its points as a WGS84 GeoDataFrame."""
    return gpd.GeoDataFrame(t.reset_index(drop=True), geometry=list(geoms), crs=STORAGE_CRS)
