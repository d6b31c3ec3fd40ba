"""The difference map of two scenarios: score differences per destination as a diverging choropleth.

:func:`difference_overlay` turns the frame of :func:`scenario.compare.difference_frame`
(unit polygons with ``score_diff``, ``rank_before``, ``rank_after``, ``rank_change``,
``status``) into an :class:`outputs.webmap.Overlay`: blue where the other scenario scores a
destination higher, red where lower, pale where the two agree within 0.05, grey where only
one of them ranks it.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np

from outputs.text import check_lang, tr
from outputs.webmap import Overlay

__all__ = ["DIFF_CLASSES", "difference_colours", "difference_overlay"]

#: Score-difference classes (upper bounds) and their colours (ColorBrewer RdBu, 5 classes).
DIFF_CLASSES: tuple[tuple[float, str], ...] = (
    (-0.2, "#ca0020"), (-0.05, "#f4a582"), (0.05, "#f7f7f7"), (0.2, "#92c5de"), (np.inf, "#0571b0"),
)
_ONE_SIDE = "#bdbdbd"


def difference_colours(diff: np.ndarray) -> np.ndarray:
    """Hex colour per score difference (:data:`DIFF_CLASSES`); grey where NaN (ranked on one side only).

    Examples
    --------
    >>> difference_colours(np.array([-0.5, 0.0, 0.1, np.nan])).tolist()
    ['#ca0020', '#f7f7f7', '#92c5de', '#bdbdbd']
    """
    d = np.asarray(diff, dtype=float)
    bounds = np.array([b for b, _ in DIFF_CLASSES])
    palette = np.array([c for _, c in DIFF_CLASSES] + [_ONE_SIDE], dtype=object)
    idx = np.searchsorted(bounds, np.nan_to_num(d), side="left")
    return palette[np.where(np.isfinite(d), np.minimum(idx, len(bounds) - 1), len(bounds))]


def _text(values: object, fmt: str) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return np.where(np.isfinite(v), np.char.mod(fmt, np.nan_to_num(v)), "—")


def difference_overlay(frame: gpd.GeoDataFrame, *, lang: str = "zh", title: str | None = None) -> Overlay:
    """The score difference per destination as a diverging choropleth overlay.

    Parameters
    ----------
    frame : GeoDataFrame
        :func:`scenario.compare.difference_frame` output.
    lang : {"zh", "en"}
    title : str, optional
        Layer title (default: the catalogue's).

    Examples
    --------
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> f = gpd.GeoDataFrame({"adcode": ["1", "2"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"],
    ...     "rank_before": pd.array([1, None], dtype="Int64"), "rank_after": pd.array([2, 1], dtype="Int64"),
    ...     "rank_change": pd.array([-1, None], dtype="Int64"), "score_diff": [-0.3, np.nan], "status": ["", "new"]},
    ...     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    >>> ov = difference_overlay(f, lang="en")
    >>> ov.gdf["_colour"].tolist(), ov.gdf["_change"].tolist(), len(ov.legend)
    (['#ca0020', '#bdbdbd'], ['-1', 'newly ranked'], 6)
    """
    check_lang(lang)
    gdf = frame.copy()
    gdf["_colour"] = difference_colours(gdf["score_diff"].to_numpy(dtype=float, na_value=np.nan))
    gdf["_name"] = gdf[f"name_{lang}"].astype(str)
    gdf["_before"] = gdf["rank_before"].astype("string").fillna("—")
    gdf["_after"] = gdf["rank_after"].astype("string").fillna("—")
    change = _text(gdf["rank_change"].to_numpy(dtype=float, na_value=np.nan), "%+d")
    status = gdf["status"].astype(str).to_numpy()
    words = {s: tr(f"app.cmp.status.{s}", lang) for s in ("new", "dropped")}
    gdf["_change"] = np.where(status == "", change, [words.get(s, s) for s in status])
    gdf["_diff"] = _text(gdf["score_diff"].to_numpy(dtype=float, na_value=np.nan), "%+.3f")
    labels = ["< −0.20", "−0.20 – −0.05", "−0.05 – 0.05", "0.05 – 0.20", "> 0.20"]
    legend = [(lab, c) for lab, (_b, c) in zip(labels, DIFF_CLASSES)] + [(tr("app.cmp.one_side", lang), _ONE_SIDE)]
    return Overlay(
        id="score_difference", title=title or tr("app.cmp.map", lang), gdf=gdf,
        fields={"_name": tr("col.name", lang), "_before": tr("app.cmp.rank_before", lang),
                "_after": tr("app.cmp.rank_after", lang), "_change": tr("app.cmp.rank_change", lang),
                "_diff": tr("app.cmp.score_diff", lang)},
        colour_column="_colour", weight=0.6, fill_opacity=0.75, legend=legend,
    )
