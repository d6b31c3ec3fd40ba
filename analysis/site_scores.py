"""The fit's default ``site`` component: zonal suitability per unit and stage, built once from rasters.

``scripts/build_site_scores.py`` runs :func:`analysis.suitability.compute_site_scores` for
every stage at 1 km from the embedded criteria (ports, airports, roads, rail, places of related
stages, slope from the 5' DEM, urban land from MODIS; ``origin_km`` is left out because the
origin tie is a component of its own) and writes the zonal mean per county and per city to
``data/site/site_scores_county.csv`` and ``site_scores_city.csv`` (long: ``adcode, stage,
site_mean, site_share, sources``; comment lines ``# source:`` and ``# assumption:`` carry the
full provenance). This module reads them — no raster work at run time — and resolves the
``site`` argument of :func:`analysis.inputs.load_fit_inputs`:

- the embedded table (units x stages) when the units are the project's own counties or cities;
- a planner's per-unit Series (one value for every stage; units left out keep the neutral
  :data:`~analysis.assumptions.SITE_PLACEHOLDER`) or a units x stages DataFrame;
- the placeholder for a world of the caller's own units (nothing to read for them).

Examples
--------
>>> s = load_site_scores("county")
>>> s.table.shape, bool(s.table.stack().between(0, 1).all())
((124, 13), True)
"""
from __future__ import annotations

import dataclasses
import io  # noqa: F401  (the doctests read StringIO through it)
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.assumptions import SITE_PLACEHOLDER
from analysis.notes import Note, note_from_json
from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError
from geo.io import CsvSource, read_commented_csv, read_csv_text

__all__ = ["SITE_SCORE_COLUMNS", "SiteScores", "load_site_scores", "read_site_scores", "resolve_site", "site_path"]

#: Columns of ``data/site/site_scores_<level>.csv``.
SITE_SCORE_COLUMNS: tuple[str, ...] = ("adcode", "stage", "site_mean", "site_share", "sources")


@dataclasses.dataclass(frozen=True)
class SiteScores:
    """Zonal suitability per unit and stage, read from a built table.

    Attributes
    ----------
    table : DataFrame
        ``site_mean`` as units (index adcode) x stages, 0..1, NaN where a unit had no
        unrestricted land with data.
    share : DataFrame
        ``site_share`` (share of known land at or above the suitability threshold), same shape.
    sources, assumptions : list of str
        From the file's ``# source:`` and ``# assumption:`` lines; each a :class:`~analysis.notes.Note`
        where the matching ``# source-note:`` / ``# assumption-note:`` line codes the same sentence.
    name : str
        The file the table came from.
    """

    table: pd.DataFrame
    share: pd.DataFrame
    sources: list[str]
    assumptions: list[str]
    name: str


def _comments(text: str, tag: str) -> list[str]:
    head = f"# {tag}:"
    return [ln.strip()[len(head):].strip() for ln in text.splitlines() if ln.strip().startswith(head)]


def _records(text: str, tag: str) -> list[str]:
    """The ``# <tag>:`` sentences, each as the Note of its ``# <tag>-note:`` line when that says the same.

    The build script writes both (the sentence for people, the code for the app's languages);
    a sentence edited by hand, or a file without codes, keeps its words as given.
    """
    words, codes = _comments(text, tag), _comments(text, f"{tag}-note")
    if len(codes) != len(words):
        return words
    out: list[str] = []
    for w, c in zip(words, codes, strict=True):
        try:
            note = note_from_json(c)
        except (ValueError, KeyError, TypeError, IndexError):  # not JSON, or a code or field this version lacks
            note = None
        out.append(note if note is not None and str(note) == w else w)
    return out


def read_site_scores(path: CsvSource, *, name: str | None = None) -> SiteScores:
    """Read a long site-score table (:data:`SITE_SCORE_COLUMNS`); every problem in one error.

    Examples
    --------
    >>> text = "# source: test v1\\nadcode,stage,site_mean,site_share,sources\\n445281,dyeing,0.7,0.5,x\\n"
    >>> s = read_site_scores(io.StringIO(text), name="t.csv")
    >>> float(s.table.loc["445281", "dyeing"]), s.sources
    (0.7, ['test v1'])
    """
    label = name or (os.path.basename(os.fspath(path)) if isinstance(path, (str, os.PathLike)) else "<buffer>")
    text = read_csv_text(path, name=label)
    df = read_commented_csv(io.StringIO(text), name=label, dtype={"adcode": str, "stage": str}, keep_default_na=False)
    missing = [c for c in SITE_SCORE_COLUMNS if c not in df.columns]
    if missing:
        raise LayerValidationError([Note("error.site_scores.columns", missing=missing, expected=list(SITE_SCORE_COLUMNS))],
                                   layer=Note("error.site_scores.label", name=label))
    problems: list[str] = []
    vals = {c: pd.to_numeric(df[c].replace("", None), errors="coerce").astype(float) for c in ("site_mean", "site_share")}
    for c, v in vals.items():
        bad = (df[c] != "") & (v.isna() | (v < 0) | (v > 1))
        if bad.any():
            problems.append(Note("error.site_scores.values", col=c, rows=(np.flatnonzero(bad) + 1)[:5].tolist()))
    dup = df.duplicated(["adcode", "stage"])
    if dup.any():
        problems.append(Note("error.site_scores.dups", pairs=df.loc[dup, ["adcode", "stage"]].values.tolist()[:5]))
    if problems:
        raise LayerValidationError(problems, layer=Note("error.site_scores.label", name=label))
    long = df.assign(site_mean=vals["site_mean"], site_share=vals["site_share"])
    wide = {c: long.pivot(index="adcode", columns="stage", values=c).rename_axis(index="adcode", columns=None)
            for c in ("site_mean", "site_share")}
    return SiteScores(wide["site_mean"], wide["site_share"], _records(text, "source"), _records(text, "assumption"),
                      label)


@lru_cache(maxsize=2)
def _embedded(level: str) -> SiteScores:
    return read_site_scores(get_path(f"site_scores_{level}"))


def load_site_scores(level: str = "county") -> SiteScores:
    """The embedded site scores of ``level`` (``data/site/site_scores_<level>.csv``), read once.

    Examples
    --------
    >>> load_site_scores("city").table.shape
    (21, 13)
    """
    if level not in ("county", "city"):
        msg = f"`level` must be 'county' or 'city', got {level!r}"
        raise PlannerError(msg)
    return _embedded(level)


def _as_frame(site: pd.Series | pd.DataFrame, order: Sequence[str], stages: Sequence[str]) -> tuple[pd.DataFrame, int]:
    """``site`` as units x stages on ``order`` / ``stages`` (a Series holds one value for every stage), and how
    many units it left out."""
    if isinstance(site, pd.DataFrame):
        f = site.copy()
    else:
        s = pd.Series(site, dtype=float)
        f = pd.DataFrame(np.repeat(s.to_numpy(dtype=float)[:, None], len(stages), axis=1), index=s.index, columns=stages)
    f.index = f.index.astype(str)
    f.columns = f.columns.astype(str)
    absent = sum(a not in f.index for a in order)
    return f.reindex(index=list(order), columns=list(stages)).astype(float), absent


def resolve_site(
    site: pd.Series | pd.DataFrame | None, order: Sequence[str], stages: Sequence[str], *, level: str, own_units: bool,
) -> tuple[pd.Series | pd.DataFrame, list[str], list[str], list[str], str]:
    """The fit's site values for ``order`` x ``stages`` and what they rest on.

    Parameters
    ----------
    site : Series, DataFrame or None
        Per unit (every stage alike) or units x stages, 0..1; None for the default.
    order, stages : sequence of str
        Unit adcodes and stage ids of the fit.
    level : {"county", "city"}
    own_units : bool
        The units are the project's counties or cities (the embedded table applies); when
        False and ``site`` is None, every unit gets the neutral placeholder.

    Returns
    -------
    (site, sources, assumptions, problems, source_label)
        ``site`` is a Series (a planner's per-unit values, or the placeholder) or a units x
        stages DataFrame (the embedded table, or a planner's frame).

    Examples
    --------
    >>> s, src, notes, problems, label = resolve_site(None, ["445281"], ["dyeing"], level="county", own_units=True)
    >>> label.startswith("default (raster"), bool(0 <= s.loc["445281", "dyeing"] <= 1), problems
    (True, True, [])
    >>> s, _, notes, _, label = resolve_site(None, ["a"], ["dyeing"], level="county", own_units=False)
    >>> float(s["a"]), label
    (0.5, 'default (neutral placeholder)')
    """
    sources: list[str] = []
    notes: list[str] = []
    problems: list[str] = []
    if site is None and not own_units:
        notes.append(Note("site.placeholder_all", value=SITE_PLACEHOLDER))
        return pd.Series(SITE_PLACEHOLDER, index=list(order), dtype=float), sources, notes, problems, \
            "default (neutral placeholder)"
    if site is None:
        scores = load_site_scores(level)
        frame, _ = _as_frame(scores.table, order, stages)
        gaps = frame.isna()
        if gaps.to_numpy().any():
            units = sorted(frame.index[gaps.any(axis=1)])
            notes.append(Note("site.gaps", n=int(gaps.to_numpy().sum()), units=[str(u) for u in units[:6]],
                              value=SITE_PLACEHOLDER))
        sources += [Note("source.site", source=s) for s in scores.sources]
        notes += scores.assumptions
        return frame.fillna(SITE_PLACEHOLDER), sources, notes, problems, f"default (raster suitability, {scores.name})"
    values = site.to_numpy(dtype=float) if isinstance(site, (pd.Series, pd.DataFrame)) else np.asarray(site, float)
    if np.isnan(values).any() or (values < 0).any() or (values > 1).any():
        problems.append(Note("error.inputs.site_values"))
    if isinstance(site, pd.DataFrame):
        frame, absent = _as_frame(site, order, stages)
        if absent or frame.isna().to_numpy().any():
            notes.append(Note("site.partial_stages", given=len(order) - absent, total=len(order), value=SITE_PLACEHOLDER))
        return frame.fillna(SITE_PLACEHOLDER), [Note("source.site.user_stages")], notes, \
            problems, "user"
    s = pd.Series(site, dtype=float).copy()
    s.index = s.index.astype(str)
    n_miss = sum(a not in s.index for a in order)
    if n_miss:
        notes.append(Note("site.partial", given=len(order) - n_miss, total=len(order), missing=n_miss,
                          value=SITE_PLACEHOLDER))
    return s.reindex(list(order)).fillna(SITE_PLACEHOLDER), [Note("source.site.user")], notes, \
        problems, "user"


def site_path(level: str) -> Path:
    """Where the embedded table of ``level`` lives (for messages and the build script).

    Examples
    --------
    >>> site_path("county").name
    'site_scores_county.csv'
    """
    return get_path(f"site_scores_{level}")
