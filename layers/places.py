"""Named places of the policy: parks (§4), dyeing parks (§19), specialty clusters and named
cities (§14), heritage crafts (§14), the Shantou procurement base (§15) and fairs (§22), plus
two well-known clusters the notice does not name (kind ``unnamed_cluster``, resting on §3).

The places live in one editable CSV, ``data/parks/places.csv`` (see its README): one row per
place with the clause it rests on, its sources, the chain stages it stands for and an honest
``location_precision`` (a county seat used as a stand-in is ``county``, a city seat ``city``).
Rows whose place is unknown have ``location_precision = "unlocated"`` and no coordinates; they
are kept off the map and returned by :func:`load_unlocated_places` instead.

Every load validates the whole file once and raises one
:class:`~geo.errors.LayerValidationError` listing every problem (unknown kind, stage or
precision, bad or mismatched adcodes, missing clause or source, coordinates outside Guangdong
or outside the county the row names).
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import STORAGE_CRS
from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from geo.io import validate_layer
from layers.boundaries import load_boundaries
from layers.stages import STAGES

__all__ = [
    "COLUMNS",
    "KINDS",
    "PRECISIONS",
    "UNLOCATED",
    "STAGES",
    "read_places_table",
    "validate_places",
    "load_places",
    "load_unlocated_places",
    "places_for_stage",
]

log = logging.getLogger(__name__)

#: Columns of ``places.csv``, in file order.
COLUMNS: tuple[str, ...] = (
    "id", "name_zh", "name_en", "kind", "stages", "city_adcode", "county_adcode",
    "lon", "lat", "location_precision", "clause", "source", "note",
)

#: kind id -> (Chinese title, English title)
KINDS: dict[str, tuple[str, str]] = {
    "park": ("重点园区与基地", "Named parks and bases"),
    "dyeing_park": ("印染专业园区（集中治污）", "Dyeing parks (central treatment)"),
    "cluster": ("特色产业集群", "Specialty clusters"),
    "unnamed_cluster": ("未被点名的产业集群", "Clusters not named in the notice"),
    "city_title": ("区域品牌名城", "Named cities (regional brands)"),
    "heritage": ("非物质文化遗产技艺", "Intangible heritage crafts"),
    "procurement_base": ("国际纺织服装采购基地", "International procurement base"),
    "fair": ("专业展会", "Fairs"),
}

#: How exactly a located point marks its place, finest first.
PRECISIONS: tuple[str, ...] = ("site", "town", "county", "city")
#: ``location_precision`` of a row with no defensible place (no lon/lat; never mapped).
UNLOCATED = "unlocated"


_ID_RE = r"^[a-z][a-z0-9_]*$"
_ADCODE_RE = r"^\d{6}$"
_CLAUSE_RE = r"^§\d{1,2}(;§\d{1,2})*$"
_REQUIRED_TEXT = ("id", "name_zh", "name_en", "kind", "stages", "location_precision", "clause", "source")


def read_places_table(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``places.csv`` as text, unvalidated (every cell a stripped string, blanks ``""``).

    Parameters
    ----------
    path : str or path-like, optional
        Another places file with the same columns; default the embedded one.

    Raises
    ------
    PlannerError
        When the file is missing or not UTF-8 text.

    Examples
    --------
    >>> t = read_places_table()
    >>> list(t.columns) == list(COLUMNS)
    True
    """
    p = Path(path) if path is not None else get_path("places")
    if not p.exists():
        msg = f"`path` does not exist: {p}; pass the places CSV (columns {', '.join(COLUMNS)})"
        raise PlannerError(msg)
    try:
        # utf-8-sig: a BOM added by a spreadsheet program is tolerated on reading
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"`path` {p.name} is not UTF-8 text ({exc.reason}); save it as 'CSV UTF-8' and retry"
        raise PlannerError(msg) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = f"`path` {p.name} is not a readable CSV: {exc}; check quoting of commas in notes"
        raise PlannerError(msg) from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df.apply(lambda s: s.str.strip())


def _split_stages(stages: pd.Series) -> pd.Series:
    """One row per (place, stage token), index kept."""
    return stages.fillna("").astype(str).str.split(";").explode().str.strip()


def _county_problems(
    ids: pd.Series, city: pd.Series, county: pd.Series, geoms: np.ndarray, located: np.ndarray
) -> list[str]:
    """Adcode checks for every row that has codes, and point-in-county for located rows."""
    problems: list[str] = []
    counties = load_boundaries("county").set_index("adcode")
    cities = set(load_boundaries("city")["adcode"])
    has_codes = (city != "") | (county != "")
    for col, codes in (("city_adcode", city), ("county_adcode", county)):
        bad = (has_codes | located) & ~codes.str.fullmatch(_ADCODE_RE)
        if bad.any():
            eg = [f"{i}={c!r}" for i, c in zip(ids[bad][:5], codes[bad][:5])]
            problems.append(
                f"column {col!r} must be a 6-digit adcode string (keep leading digits; in a spreadsheet "
                f"format the column as text); {int(bad.sum())} bad, e.g. {eg}"
            )
    unknown_city = (has_codes | located) & city.str.fullmatch(_ADCODE_RE) & ~city.isin(cities)
    if unknown_city.any():
        eg = [f"{i}={c}" for i, c in zip(ids[unknown_city][:5], city[unknown_city][:5])]
        problems.append(f"city_adcode not among Guangdong's 21 cities (e.g. 440100 Guangzhou): {eg}")
    unknown_county = (has_codes | located) & county.str.fullmatch(_ADCODE_RE) & ~county.isin(counties.index)
    if unknown_county.any():
        eg = [f"{i}={c}" for i, c in zip(ids[unknown_county][:5], county[unknown_county][:5])]
        problems.append(
            f"county_adcode not among the 124 county-level units of the boundaries (Dongguan is 441900, "
            f"Zhongshan 442000): {eg}"
        )
    known = county.isin(counties.index).to_numpy()
    parent = pd.Series(counties["city_adcode"].reindex(county[known]).to_numpy(), index=county.index[known])
    wrong_parent = (parent != city[known]).reindex(county.index, fill_value=False) & (city != "")
    if wrong_parent.any():
        eg = [f"{i}: county {c} lies in {parent[k]}, not {ci}"
              for k, i, c, ci in zip(ids.index[wrong_parent][:5], ids[wrong_parent][:5],
                                     county[wrong_parent][:5], city[wrong_parent][:5])]
        problems.append(f"county_adcode not under its city_adcode: {eg}")
    # one vectorised containment test over every located row with a known county
    test = located & known & ~shapely.is_missing(geoms)
    test[test] &= ~shapely.is_empty(geoms[test])
    if test.any():
        polys = counties.geometry.reindex(county[test]).to_numpy()
        inside = shapely.covers(polys, geoms[test])
        if not inside.all():
            rows = np.flatnonzero(test)[~inside]
            # where the points do lie, to make the fix obvious (spatial join over the few bad rows)
            pts = gpd.GeoDataFrame({"row": rows}, geometry=geoms[rows], crs=STORAGE_CRS)
            hit = gpd.sjoin(pts, counties.reset_index()[["adcode", "name_en", "geometry"]],
                            how="left", predicate="within").drop_duplicates("row").set_index("row")
            eg = [
                f"{ids.iloc[r]}: stated {county.iloc[r]}, point ({shapely.get_x(geoms[r]):.4f}, "
                f"{shapely.get_y(geoms[r]):.4f}) is in {hit.at[r, 'adcode'] if pd.notna(hit.at[r, 'adcode']) else 'no county'}"
                f"{' ' + hit.at[r, 'name_en'] if pd.notna(hit.at[r, 'name_en']) else ''}"
                for r in rows[:5]
            ]
            problems.append(
                f"{len(rows)} point(s) not inside their stated county polygon: {eg}; "
                "fix lon/lat (WGS84, not GCJ-02) or county_adcode"
            )
    return problems


def validate_places(df: pd.DataFrame) -> None:
    """Check a places table once and raise one error listing every problem.

    Accepts the CSV as read by :func:`read_places_table` (``lon``/``lat`` as text or numbers)
    or a GeoDataFrame of points (its geometry is used for located rows). Checks: columns
    present; ``id`` snake_case and unique; names, clause and source present; ``kind``,
    every ``stages`` token and ``location_precision`` from their vocabularies; ``clause`` of the
    form ``§4`` or ``§3;§5``; located rows have numeric lon/lat, 6-digit adcodes of a Guangdong
    city and a county under it, and a point inside Guangdong (via
    :func:`geo.io.validate_layer`) and inside that county's polygon; unlocated rows have no
    coordinates. The table is not modified.

    Raises
    ------
    LayerValidationError
        With one line per problem.

    Examples
    --------
    >>> validate_places(read_places_table())
    >>> bad = read_places_table().head(1).assign(stages="knitting")
    >>> validate_places(bad)
    Traceback (most recent call last):
    ...
    geo.errors.LayerValidationError: places has 1 problem(s):
      - unknown stage(s) ['knitting'] in rows ['park_nonwoven_medical_base']; use ids from: fibre, silk, spinning, weaving, dyeing, apparel, home_textiles, industrial_textiles, down, accessories, auxiliaries, machinery, design_trade
    """
    is_geo = isinstance(df, gpd.GeoDataFrame)
    need = [c for c in COLUMNS if not (is_geo and c in ("lon", "lat"))]
    missing = [c for c in need if c not in df.columns]
    if missing:
        msg = [f"missing column(s) {missing}; the file needs exactly: {', '.join(COLUMNS)}"]
        raise LayerValidationError(msg, layer="places")
    problems: list[str] = []
    t = pd.DataFrame({c: df[c] for c in COLUMNS if c in df.columns and c not in ("lon", "lat")}).copy()
    t = t.fillna("").astype(str).apply(lambda s: s.str.strip())
    ids = t["id"].where(t["id"] != "", "<row " + t.index.astype(str) + ">")

    for col in _REQUIRED_TEXT:
        empty = t[col] == ""
        if empty.any():
            problems.append(f"column {col!r} is empty in {int(empty.sum())} row(s): {list(ids[empty][:5])}")
    bad_id = (t["id"] != "") & ~t["id"].str.fullmatch(_ID_RE)
    if bad_id.any():
        problems.append(f"id must be snake_case (a-z, 0-9, _; starting with a letter): {list(t['id'][bad_id][:5])}")
    dup = t["id"].duplicated(keep=False) & (t["id"] != "")
    if dup.any():
        problems.append(f"id not unique: {sorted(set(t['id'][dup]))[:5]}")
    bad_kind = (t["kind"] != "") & ~t["kind"].isin(list(KINDS))
    if bad_kind.any():
        problems.append(f"unknown kind {sorted(set(t['kind'][bad_kind]))} in rows {list(ids[bad_kind][:5])}; use one of: {', '.join(KINDS)}")
    tokens = _split_stages(t["stages"])
    bad_tok = (t["stages"].reindex(tokens.index) != "") & ~tokens.isin(STAGES)
    if bad_tok.any():
        rows = sorted(set(tokens.index[bad_tok]), key=list(t.index).index)
        problems.append(
            f"unknown stage(s) {sorted(set(tokens[bad_tok]))} in rows {list(ids[rows][:5])}; "
            f"use ids from: {', '.join(STAGES)}"
        )
    allowed = (*PRECISIONS, UNLOCATED)
    bad_prec = (t["location_precision"] != "") & ~t["location_precision"].isin(allowed)
    if bad_prec.any():
        problems.append(
            f"unknown location_precision {sorted(set(t['location_precision'][bad_prec]))} in rows "
            f"{list(ids[bad_prec][:5])}; use one of: {', '.join(allowed)}"
        )
    bad_clause = (t["clause"] != "") & ~t["clause"].str.fullmatch(_CLAUSE_RE)
    if bad_clause.any():
        problems.append(f"clause must look like '§4' or '§3;§5': {list(zip(ids[bad_clause][:5], t['clause'][bad_clause][:5]))}")

    located = (t["location_precision"] != UNLOCATED).to_numpy()
    if is_geo:
        geoms = np.asarray(df.geometry.values, dtype=object)
        if df.crs is None or not df.crs.equals(STORAGE_CRS):
            problems.append("the GeoDataFrame must be in EPSG:4326 (WGS84); reproject with `to_crs(4326)`")
        has_xy = ~shapely.is_missing(geoms)
    else:
        lon_txt = df["lon"].fillna("").astype(str).str.strip()
        lat_txt = df["lat"].fillna("").astype(str).str.strip()
        lon = pd.to_numeric(lon_txt, errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(lat_txt, errors="coerce").to_numpy(dtype=float)
        not_num = ((lon_txt != "") & np.isnan(lon)) | ((lat_txt != "") & np.isnan(lat))
        if not_num.any():
            problems.append(f"lon/lat not numeric (decimal degrees expected, e.g. 113.27): {list(ids[not_num.to_numpy()][:5])}")
        has_xy = ~(np.isnan(lon) | np.isnan(lat))
        geoms = np.full(len(t), None, dtype=object)
        geoms[has_xy] = shapely.points(lon[has_xy], lat[has_xy])
    no_xy = located & ~has_xy
    if no_xy.any():
        problems.append(
            f"{int(no_xy.sum())} row(s) have no lon/lat but location_precision is not '{UNLOCATED}': "
            f"{list(ids[no_xy][:5])}; add WGS84 coordinates or set location_precision to '{UNLOCATED}'"
        )
    stray = ~located & has_xy
    if stray.any():
        problems.append(f"row(s) marked '{UNLOCATED}' carry coordinates: {list(ids[stray][:5])}; blank lon/lat or set a precision")

    if located.any():
        # the generic geometry checks: present, non-empty, valid points inside Guangdong
        pts = gpd.GeoDataFrame({"id": ids[located].to_numpy()}, geometry=list(geoms[located]), crs=STORAGE_CRS)
        pts.index = list(ids[located])
        try:
            validate_layer(pts, name="places", geom_types=("Point",))
        except LayerValidationError as exc:
            problems.extend(exc.problems)
    problems.extend(_county_problems(ids, t["city_adcode"], t["county_adcode"], geoms, located))
    if problems:
        raise LayerValidationError(problems, layer="places")


@lru_cache(maxsize=8)
def _validated(path: str, mtime_ns: int) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """(located GeoDataFrame, unlocated table) of a file, validated; cached per file version."""
    table = read_places_table(path)
    validate_places(table)
    located = table["location_precision"] != UNLOCATED
    loc = table[located].copy()
    loc["lon"] = loc["lon"].astype(float)
    loc["lat"] = loc["lat"].astype(float)
    regions = load_boundaries("city").set_index("adcode")["region"]
    loc.insert(loc.columns.get_loc("lon"), "region", loc["city_adcode"].map(regions))
    gdf = gpd.GeoDataFrame(loc, geometry=gpd.points_from_xy(loc["lon"], loc["lat"]), crs=STORAGE_CRS)
    gdf = gdf.reset_index(drop=True)
    unloc = table[~located].copy().reset_index(drop=True)
    unloc["lon"] = np.nan
    unloc["lat"] = np.nan
    if len(unloc):
        log.info("places: %d unlocated row(s) kept off the map: %s", len(unloc), ", ".join(unloc["id"]))
    return gdf, unloc


def _load(path: str | os.PathLike | None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    p = Path(path) if path is not None else get_path("places")
    if not p.exists():
        msg = f"`path` does not exist: {p}; pass the places CSV (columns {', '.join(COLUMNS)})"
        raise PlannerError(msg)
    return _validated(str(p.resolve()), p.stat().st_mtime_ns)


def _check_kinds(kinds: Sequence[str] | None) -> list[str]:
    if kinds is None:
        return list(KINDS)
    if isinstance(kinds, str):
        kinds = [kinds]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        msg = f"`kinds` holds unknown kind(s) {unknown}; choose from: {', '.join(KINDS)}"
        raise UnknownNameError(msg)
    return list(kinds)


def load_places(*, kinds: Sequence[str] | None = None, path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """The located named places as WGS84 points (a fresh copy each call).

    Parameters
    ----------
    kinds : sequence of str, optional
        Keep only these kinds (keys of :data:`KINDS`); default all.
    path : str or path-like, optional
        Another places CSV with the same columns; default the embedded one.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id, name_zh, name_en, kind, stages, city_adcode, county_adcode, region,
        lon, lat, location_precision, clause, source, note, geometry``; ``stages`` stays the
        ``;``-separated string (see :func:`places_for_stage`). Unlocated rows are left out
        (see :func:`load_unlocated_places`).

    Raises
    ------
    LayerValidationError
        When the file fails :func:`validate_places`.
    UnknownNameError
        For an unknown kind.

    Examples
    --------
    >>> p = load_places(kinds=["dyeing_park"])
    >>> sorted(p["county_adcode"])
    ['440513', '440514', '445281']
    >>> str(p.crs)
    'EPSG:4326'
    """
    wanted = _check_kinds(kinds)
    gdf, _ = _load(path)
    return gdf[gdf["kind"].isin(wanted)].reset_index(drop=True).copy()


def load_unlocated_places(*, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Places the policy names but whose place could not be defended, as a plain table.

    Same columns as :func:`load_places` without ``region`` and ``geometry``; ``lon``/``lat``
    are NaN. Show them beside the map, never on it.

    Examples
    --------
    >>> "park_home_textile" in set(load_unlocated_places()["id"])
    True
    """
    _, unloc = _load(path)
    return unloc.copy()


def places_for_stage(stage: str, *, path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """Located places whose ``stages`` include ``stage``.

    Parameters
    ----------
    stage : str
        One of :data:`STAGES`.

    Raises
    ------
    UnknownNameError
        For a stage id not in :data:`STAGES`.

    Examples
    --------
    >>> sorted(places_for_stage("silk")["id"])
    ['park_wengyuan_silk']
    """
    if stage not in STAGES:
        msg = f"`stage` {stage!r} is not a stage id; use one of: {', '.join(STAGES)}"
        raise UnknownNameError(msg)
    gdf, _ = _load(path)
    has = gdf["stages"].str.contains(rf"(?:^|;){re.escape(stage)}(?:;|$)", regex=True)
    return gdf[has].reset_index(drop=True).copy()
