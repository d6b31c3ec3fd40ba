"""Benchmark: how long the app takes to answer a moved slider, a language switch and a page change.

The transfer-fit page is a Streamlit fragment, so moving a weight reruns only that view: the
fit, sensitivity, completeness and allocation (cached per setting) and the score map. This
script measures (a) that view's work outside Streamlit — the same scenario.study calls plus
building and rendering the folium map, which is what the fragment does on a new weight — and
(b) whole script runs in ``streamlit.testing.v1.AppTest`` (the router in ``app.py`` and one
page), upper bounds that include AppTest's own overhead.

Run: ``python benchmarks/bench_app.py [--write-readme]``
"""
from __future__ import annotations

import argparse
import logging
import sys
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.sensitivity import run_sensitivity  # noqa: E402
from analysis.weights import DEFAULT_WEIGHTS  # noqa: E402
from benchmarks._readme import publish_table, time_median  # noqa: E402
from outputs.fitmap import flow_overlay, origin_overlay, score_overlay  # noqa: E402
from outputs.webmap import build_map  # noqa: E402
from scenario.settings import StudySettings  # noqa: E402
from scenario.study import (  # noqa: E402
    allocate_for_fit,
    assess_transfer_completeness,
    load_study_inputs,
    run_fit,
)

_inputs_cache: dict[str, object] = {}


def _fit_page_work(weight: float) -> None:
    """What the fragment computes for a new policy weight (nothing cached for it yet)."""
    inputs = _inputs_cache.setdefault("county", load_study_inputs((), level="county"))
    s = StudySettings(stage="dyeing", origin="440118", weights=tuple({**DEFAULT_WEIGHTS, "policy": weight}.items()))
    fit = run_fit(s, inputs)
    run_sensitivity(fit, n=2000, seed=0)
    assess_transfer_completeness(fit, capability=inputs.capability)
    alloc = allocate_for_fit(fit, {"440118": 100.0}, {a: 50.0 for a in fit.top(5)["adcode"]}, inputs=inputs)
    overlays = [score_overlay(fit), origin_overlay(fit), flow_overlay(alloc)]
    m = build_map(["zones", "parks", "dyeing_parks"], overlays=[o for o in overlays if o is not None])
    m.get_root().render()
    m.get_bounds()  # streamlit-folium asks for the bounds too


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    _fit_page_work(0.3)  # warm: data loaded, layers simplified
    weights = iter([0.31 + i / 100 for i in range(20)])
    page_work = time_median(lambda: _fit_page_work(next(weights)), repeats=5)

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    layout = time_median(lambda: at.run(), repeats=5)
    at.switch_page("app_pages/transfer_fit.py").run()
    values = iter([0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65])
    slider = time_median(lambda: at.slider(key="w_policy").set_value(next(values)).run(), repeats=5)
    langs = count()
    switch = time_median(lambda: at.sidebar.radio(key="lang").set_value(("en", "zh")[next(langs) % 2]).run(),
                         repeats=5)
    pages = count()
    page_change = time_median(
        lambda: at.switch_page(("app_pages/layout.py", "app_pages/transfer_fit.py")[next(pages) % 2]).run(), repeats=6)
    if at.exception:
        msg = f"the app raised during the benchmark: {[e.value for e in at.exception]}"
        raise SystemExit(msg)
    rows = [
        ("Transfer-fit page after a moved weight (fit, 2,000 sensitivity draws, completeness, allocation, score map)",
         f"{page_work * 1000:.0f} ms", "well under 1 s"),
        ("Transfer-fit page rerun in AppTest after a moved weight (router and page; upper bound)", f"{slider:.2f} s",
         "under 1 s in a browser"),
        ("Language switch on the transfer-fit page in AppTest (router and page; upper bound)", f"{switch:.2f} s", "—"),
        ("Layout page rerun in AppTest (router, all layers, feature list; upper bound)", f"{layout:.2f} s", "—"),
        ("Page change in AppTest (median of layout and transfer fit; upper bound)", f"{page_change:.2f} s", "—"),
    ]
    publish_table(rows, block="bench:app", header=("operation", "measured", "target"), write=args.write_readme)


if __name__ == "__main__":
    main()
