"""Chain completeness by zone and region: which stages are present, thin or missing (§3, §5).

For each group of units — the three apparel zones of §3 (汕头潮州揭阳, 深圳东莞惠州,
广州佛山中山) or the four regions (PRD / East / West / North) — and each stage, the group's
level is the highest capability of any of its units (``aggregate="max"``, fit for the
ordinal policy matrix 0..3) or their sum (``aggregate="sum"``, for statistics such as firm
counts). ASSUMPTION (editable thresholds): a stage is

* ``present`` when the level is at least ``thin_threshold`` (default 2: a named cluster,
  zone membership or a park in the ordinal matrix),
* ``thin`` when it is above 0 but below ``thin_threshold`` (default: the policy only expects
  the stage around the unit),
* ``missing`` when it is 0.

``thin`` and ``missing`` stages are 补链 targets (§5 strengthen and complete the chain). A
``transfer`` ``(stage, origin, destination, share)`` moves ``share`` of the origin's capability
in that stage to the destination and shows the status before and after.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.notes import Note
from geo.errors import PlannerError, UnknownNameError
from layers.boundaries import REGION_NAMES, REGIONS, load_boundaries
from layers.layout import ZONES
from layers.stages import stage_label

__all__ = ["COMPLETENESS_COLUMNS", "STATUS_WORDS", "apply_transfer", "assess_chain_completeness", "pivot_completeness"]

log = logging.getLogger(__name__)

COMPLETENESS_COLUMNS: tuple[str, ...] = (
    "group_type", "group", "name_zh", "name_en", "stage",
    "level_before", "status_before", "level_after", "status_after", "changed", "target", "clause",
)


def _groups(units: pd.DataFrame, by: str) -> list[tuple[str, str, str, np.ndarray]]:
    if by == "zone":
        city = units["city_adcode"].astype(str).to_numpy()
        return [(zid, zh, en, np.isin(city, list(members))) for zid, (zh, en, members) in ZONES.items()]
    region = units["region"].astype(str).to_numpy()
    return [(r, REGION_NAMES[r][0], REGION_NAMES[r][1], region == r) for r in REGIONS]


def apply_transfer(capability: pd.DataFrame, transfer: tuple[str, str, str, float]) -> pd.DataFrame:
    """Copy of ``capability`` with ``share`` of the origin's ``stage`` moved to the destination.

    Examples
    --------
    >>> cap = pd.DataFrame({"dyeing": [3.0, 0.0]}, index=["440118", "445281"])
    >>> apply_transfer(cap, ("dyeing", "440118", "445281", 0.5))["dyeing"].tolist()
    [1.5, 1.5]
    """
    try:
        stage, origin, dest, share = transfer
        share = float(share)
    except (TypeError, ValueError):
        msg = f"`transfer` must be (stage, origin adcode, destination adcode, share), got {transfer!r}"
        raise PlannerError(msg) from None
    origin, dest = str(origin), str(dest)
    problems = []
    if stage not in capability.columns:
        problems.append(f"stage {stage!r} not in {list(capability.columns)}")
    for name, code in (("origin", origin), ("destination", dest)):
        if code not in capability.index:
            problems.append(f"{name} {code!r} is not a unit of the capability matrix")
    if not 0 < share <= 1:
        problems.append(f"share {share!r} must be in (0, 1]")
    if problems:
        msg = "`transfer` is not usable: " + "; ".join(problems)
        raise UnknownNameError(msg)
    out = capability.copy()
    moved = out.at[origin, stage] * share
    out.at[origin, stage] -= moved
    out.at[dest, stage] += moved
    return out


def _status(level: np.ndarray, thin_threshold: float) -> np.ndarray:
    return np.where(level >= thin_threshold, "present", np.where(level > 0, "thin", "missing"))


def assess_chain_completeness(
    capability: pd.DataFrame,
    *,
    units: pd.DataFrame | None = None,
    by: Literal["zone", "region"] = "zone",
    transfer: tuple[str, str, str, float] | None = None,
    thin_threshold: float = 2.0,
    aggregate: Literal["max", "sum"] = "max",
    stages: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Present / thin / missing stages per zone (§3) or region, before and after a transfer.

    Parameters
    ----------
    capability : DataFrame
        Units x stages (index adcode), >= 0.
    units : DataFrame, optional
        ``adcode, city_adcode, region`` of the units; the county (or city) boundaries
        matching ``capability``'s index by default.
    by : {"zone", "region"}
    transfer : (stage, origin, destination, share), optional
    thin_threshold : float
        Levels at or above count as present, above 0 and below as thin (ASSUMPTION: 2).
    aggregate : {"max", "sum"}
        How unit levels combine into the group level.
    stages : sequence of str, optional
        Subset of stages, default all columns.

    Returns
    -------
    DataFrame
        :data:`COMPLETENESS_COLUMNS`, one row per group and stage.

    Examples
    --------
    >>> units = pd.DataFrame({"adcode": ["445281", "440118"], "city_adcode": ["445200", "440100"],
    ...     "region": ["East", "PRD"]})
    >>> cap = pd.DataFrame({"dyeing": [0.0, 3.0]}, index=["445281", "440118"])
    >>> t = assess_chain_completeness(cap, units=units, by="region", transfer=("dyeing", "440118", "445281", 1.0))
    >>> t.loc[t["group"] == "East", ["status_before", "status_after"]].values.tolist()
    [['missing', 'present']]
    """
    if by not in ("zone", "region"):
        msg = f"`by` must be 'zone' (the three apparel zones of §3) or 'region', got {by!r}"
        raise PlannerError(msg)
    if aggregate not in ("max", "sum"):
        msg = f"`aggregate` must be 'max' or 'sum', got {aggregate!r}"
        raise PlannerError(msg)
    if not np.isfinite(thin_threshold) or thin_threshold <= 0:
        msg = f"`thin_threshold` must be > 0, got {thin_threshold!r}"
        raise PlannerError(msg)
    cap = capability.copy()
    cap.index = cap.index.astype(str)
    vals = cap.apply(pd.to_numeric, errors="coerce")
    if vals.isna().any().any() or (vals < 0).any().any():
        msg = "`capability` must hold numbers >= 0; fill gaps with 0"
        raise PlannerError(msg)
    if units is None:
        county = load_boundaries("county")
        level = "county" if cap.index.isin(county["adcode"]).mean() >= 0.5 else "city"
        units = load_boundaries(level)
    u = pd.DataFrame(units)[["adcode", "city_adcode", "region"]].astype(str).set_index("adcode")
    unknown = sorted(set(cap.index) - set(u.index))
    if unknown:
        msg = f"`capability` has unit(s) {unknown[:5]} not in `units`; use the adcodes of the units given"
        raise UnknownNameError(msg)
    cols = list(cap.columns) if stages is None else list(stages)
    bad = [s for s in cols if s not in cap.columns]
    if bad:
        msg = f"`stages` {bad} are not columns of `capability` ({list(cap.columns)})"
        raise UnknownNameError(msg)
    after = apply_transfer(vals, transfer) if transfer is not None else vals
    u = u.reindex(vals.index)
    before_m = vals[cols].to_numpy(float)
    after_m = after[cols].to_numpy(float)
    groups = _groups(u.reset_index(), by)
    masks = np.column_stack([g[3] for g in groups]).astype(float)  # units x groups
    if aggregate == "sum":
        lb, la = masks.T @ before_m, masks.T @ after_m  # groups x stages
    else:
        big = np.where(masks.T[:, :, None] > 0, before_m[None, :, :], 0.0)
        lb = big.max(axis=1) if len(before_m) else np.zeros((len(groups), len(cols)))
        lb2 = np.where(masks.T[:, :, None] > 0, after_m[None, :, :], 0.0)
        la = lb2.max(axis=1) if len(after_m) else lb
    g_n = len(groups)
    out = pd.DataFrame({
        "group_type": by,
        "group": np.repeat([g[0] for g in groups], len(cols)),
        "name_zh": np.repeat([g[1] for g in groups], len(cols)),
        "name_en": np.repeat([g[2] for g in groups], len(cols)),
        "stage": np.tile(cols, g_n),
        "level_before": lb.ravel(),
        "level_after": la.ravel(),
    })
    out["status_before"] = _status(out["level_before"].to_numpy(), thin_threshold)
    out["status_after"] = _status(out["level_after"].to_numpy(), thin_threshold)
    out["changed"] = out["status_before"] != out["status_after"]
    out["target"] = out["status_after"] != "present"
    out["clause"] = np.where(out["target"], "§5 补链 target", "§5")
    if by == "zone":
        out["clause"] = "§3; " + out["clause"]
    out.attrs["assumptions"] = [Note("completeness.status", aggregate=aggregate, thin=float(thin_threshold))]
    return out[list(COMPLETENESS_COLUMNS)]


#: Status words shown to planners (report and app alike).
STATUS_WORDS: dict[str, dict[str, str]] = {
    "zh": {"present": "有", "thin": "弱", "missing": "缺"},
    "en": {"present": "present", "thin": "thin", "missing": "missing"},
}


def pivot_completeness(
    completeness: pd.DataFrame,
    *,
    lang: str = "zh",
    by: Literal["zone", "region"] | None = None,
    stage_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per group, one column per stage: the status, or ``before→after`` where a transfer changes it.

    Parameters
    ----------
    completeness : DataFrame
        :func:`assess_chain_completeness` output (one or more ``group_type``).
    lang : {"zh", "en"}
    by : {"zone", "region"}, optional
        Keep only these groups; all of them, in table order, when None.
    stage_names : mapping, optional
        Column heads by stage id; :func:`layers.stages.stage_label` by default.

    Returns
    -------
    DataFrame
        Column ``group`` (the group's name in ``lang``) then one column per stage; ``–``
        where the table has no row for a group and stage.

    Examples
    --------
    >>> df = pd.DataFrame({"group_type": "zone", "group": "east", "name_zh": "东翼", "name_en": "East wing",
    ...     "stage": ["dyeing", "apparel"], "status_before": ["missing", "present"],
    ...     "status_after": ["present", "present"]})
    >>> pivot_completeness(df, lang="en", stage_names={"dyeing": "dyeing", "apparel": "apparel"}).to_dict("records")
    [{'group': 'East wing', 'dyeing': 'missing→present', 'apparel': 'present'}]
    """
    if lang not in STATUS_WORDS:
        msg = f"`lang` must be 'zh' or 'en', got {lang!r}"
        raise PlannerError(msg)
    words = STATUS_WORDS[lang]
    typed = "group_type" in completeness.columns
    df = completeness if by is None or not typed else completeness[completeness["group_type"] == by]
    before = df["status_before"].astype(str).map(lambda v: words.get(v, v))
    after = df["status_after"].astype(str).map(lambda v: words.get(v, v))
    cell = before.where(before == after, before + "→" + after)
    name_col = "name_zh" if lang == "zh" else "name_en"
    label = df[name_col] if name_col in df.columns else df["group"]
    key = df["group_type"].astype(str) + "/" + df["group"].astype(str) if typed else df["group"].astype(str)
    wide = pd.DataFrame({"key": key.to_numpy(),
                         "stage": df["stage"].astype(str).to_numpy(), "cell": cell.to_numpy()})
    keys = list(dict.fromkeys(wide["key"]))
    stages = list(dict.fromkeys(wide["stage"]))
    out = wide.pivot(index="key", columns="stage", values="cell").reindex(index=keys, columns=stages).fillna("–")
    names = dict(stage_names) if stage_names is not None else {}
    out.columns = [names.get(s, stage_label(s, lang=lang)) for s in stages]
    groups = dict(zip(wide["key"], label.astype(str)))
    out.insert(0, "group", [groups[k] for k in keys])
    return out.reset_index(drop=True)
