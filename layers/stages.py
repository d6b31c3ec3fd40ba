"""The catalogue of supply-chain stages: stable ids, names and the clauses they rest on.

The stage ids are the keys every other model table uses (chain weights, capability
matrix, fit scores). The catalogue lives in ``data/model/stages.csv``; the order of
:data:`STAGES` is the order of rows and columns in every matrix of the model. It is also
the one source of the stages' display names: :func:`stage_label` reads them from there for
the app, the explanations and the report.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import pandas as pd

from geo.data import get_path
from geo.errors import PlannerError, UnknownNameError
from geo.io import read_commented_csv

__all__ = ["STAGES", "load_stages", "stage_label", "check_stage", "read_commented_csv"]

log = logging.getLogger(__name__)

_COLUMNS = ("id", "name_zh", "name_en", "description", "clause")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _read_catalogue() -> pd.DataFrame:
    df = read_commented_csv(get_path("stages"), dtype=str, keep_default_na=False)
    problems = []
    missing = [c for c in _COLUMNS if c not in df.columns]
    if missing:
        problems.append(f"missing column(s) {missing}; expected {list(_COLUMNS)}")
    else:
        bad = [i for i in df["id"] if not _ID.match(i)]
        if bad:
            problems.append(f"ids {bad} are not snake_case")
        dup = sorted(set(df["id"][df["id"].duplicated()]))
        if dup:
            problems.append(f"ids {dup} appear more than once")
        if (df[["name_zh", "name_en"]] == "").any().any():
            problems.append("every stage needs name_zh and name_en")
    if problems:
        msg = f"data/model/stages.csv: {'; '.join(problems)}; fix the file or restore it from git"
        raise PlannerError(msg)
    return df[list(_COLUMNS)]


#: Stage ids in model order, read once from ``data/model/stages.csv`` (the one definition).
STAGES: tuple[str, ...] = tuple(_read_catalogue()["id"])


@lru_cache(maxsize=1)
def _read_stages() -> pd.DataFrame:
    return _read_catalogue()


def load_stages() -> pd.DataFrame:
    """The stage catalogue, one row per stage in :data:`STAGES` order (a fresh copy).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name_zh``, ``name_en``, ``description``, ``clause``.

    Examples
    --------
    >>> s = load_stages()
    >>> s.loc[s["id"] == "dyeing", "name_zh"].item()
    '印染（含洗水）'
    >>> len(s) == len(STAGES)
    True
    """
    return _read_stages().copy()


@lru_cache(maxsize=1)
def _labels() -> dict[str, tuple[str, str]]:
    """Stage id -> (``name_zh``, ``name_en``) from the catalogue (read once)."""
    df = _read_stages()
    return {i: (zh, en) for i, zh, en in zip(df["id"], df["name_zh"], df["name_en"], strict=True)}


def stage_label(stage: str, *, lang: str = "en") -> str:
    """Display name of a stage, from the stage catalogue (``data/model/stages.csv``).

    The one place stage names come from: the app, the fit explanations and the report all
    call this, so editing ``name_zh``/``name_en`` in the catalogue renames a stage everywhere.

    Parameters
    ----------
    stage : str
        Stage id (one of :data:`STAGES`). An id not in the catalogue is shown as itself with
        underscores as spaces (names are decoration; resolve user input with :func:`check_stage`).
    lang : {"en", "zh"}
        English (default) or Chinese.

    Returns
    -------
    str
        ``name_en`` or ``name_zh`` of the stage.

    Raises
    ------
    PlannerError
        When ``lang`` is neither ``"en"`` nor ``"zh"``.

    Examples
    --------
    >>> stage_label("dyeing")
    'Dyeing & finishing (incl. washing)'
    >>> stage_label("dyeing", lang="zh")
    '印染（含洗水）'
    >>> stage_label("paper_making")
    'paper making'
    """
    if lang not in ("en", "zh"):
        msg = f"`lang` must be 'en' or 'zh', got {lang!r}"
        raise PlannerError(msg)
    names = _labels().get(str(stage))
    if names is None:
        return str(stage).replace("_", " ")
    return names[0] if lang == "zh" else names[1]


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    df = _read_stages()
    out: dict[str, str] = {}
    for col in ("name_en", "name_zh", "id"):  # ids win over names if they ever clash
        out.update({_norm(v): i for v, i in zip(df[col], df["id"])})
    # short forms: the name before a bracket, e.g. "Weaving" or "印染"
    for col in ("name_en", "name_zh"):
        for v, i in zip(df[col], df["id"]):
            short = _norm(v.replace("（", "(").split("(")[0])
            out.setdefault(short, i)
    return out


def _norm(s: object) -> str:
    return " ".join(str(s).strip().lower().replace("_", " ").replace("-", " ").split())


def check_stage(stage: str) -> str:
    """Return the stage id for ``stage`` (an id, an English or a Chinese name).

    Matching ignores case, underscores, hyphens and the bracketed part of a name, so
    ``"home_textiles"``, ``"Home textiles"`` and ``"家纺"`` all give ``"home_textiles"``.

    Parameters
    ----------
    stage : str
        Stage id or name.

    Raises
    ------
    UnknownNameError
        Listing the valid ids when nothing matches.

    Examples
    --------
    >>> check_stage("印染")
    'dyeing'
    >>> check_stage("Weaving")
    'weaving'
    """
    hit = _aliases().get(_norm(stage))
    if hit is None:
        msg = (
            f"`stage` {stage!r} is not a supply-chain stage; expected one of {', '.join(STAGES)} "
            "(or its English or Chinese name from layers.stages.load_stages())"
        )
        raise UnknownNameError(msg)
    return hit


def _stage_or_none(stage: object) -> str | None:
    """Like :func:`check_stage` but returns None instead of raising (for collecting problems)."""
    return _aliases().get(_norm(stage))
