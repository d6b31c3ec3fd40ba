"""Benchmark: how long the app takes to answer a moved slider.

The transfer-fit tab is a Streamlit fragment, so moving a weight reruns only that tab: the
fit, sensitivity, completeness and allocation (cached per setting) and the score map. This
script measures (a) that tab's work outside Streamlit — the library calls plus building and
rendering the folium map, which is what the fragment does on a new weight — and (b) a whole
script rerun in ``streamlit.testing.v1.AppTest`` (both tabs, as after a language switch),
an upper bound that includes AppTest's own overhead.

Run: ``python benchmarks/bench_app.py [--write-readme]``
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._readme import publish_table, time_median  # noqa: E402


def _fit_tab_work(weight: float) -> None:
    """What the fragment computes for a new policy weight (nothing cached for it yet)."""
    from analysis.allocation import allocate_capacity
    from analysis.fit import load_fit_inputs, score_transfer_fit
    from analysis.sensitivity import run_sensitivity
    from scenario.study import assess_transfer_completeness
    from analysis.weights import DEFAULT_WEIGHTS
    from outputs.fitmap import flow_overlay, origin_overlay, score_overlay
    from outputs.webmap import build_map

    inputs = _inputs_cache.setdefault("county", load_fit_inputs(level="county"))
    w = {**DEFAULT_WEIGHTS, "policy": weight}
    fit = score_transfer_fit("dyeing", "440118", weights=w, inputs=inputs)
    run_sensitivity(fit, n=2000, seed=0)
    assess_transfer_completeness(fit, capability=inputs.capability)
    room = {a: 50.0 for a in fit.top(5)["adcode"]}
    alloc = allocate_capacity("dyeing", {"440118": 100.0}, room=room, fit=fit)
    overlays = [score_overlay(fit), origin_overlay(fit), flow_overlay(alloc)]
    m = build_map(["zones", "parks", "dyeing_parks"], overlays=[o for o in overlays if o is not None])
    m.get_root().render()
    m.get_bounds()  # streamlit-folium asks for the bounds too


_inputs_cache: dict[str, object] = {}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    _fit_tab_work(0.3)  # warm: data loaded, layers simplified
    weights = iter([0.31 + i / 100 for i in range(20)])
    tab = time_median(lambda: _fit_tab_work(next(weights)), repeats=5)

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    values = iter([0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65])
    full = time_median(lambda: at.slider(key="w_policy").set_value(next(values)).run(), repeats=5)
    if at.exception:
        msg = f"the app raised during the benchmark: {[e.value for e in at.exception]}"
        raise SystemExit(msg)
    rows = [
        ("Transfer-fit tab after a moved weight (fit, 2,000 sensitivity draws, completeness, allocation, score map)",
         f"{tab * 1000:.0f} ms", "well under 1 s"),
        ("Whole app rerun in AppTest (both tabs and both maps; upper bound)", f"{full:.2f} s", "—"),
    ]
    publish_table(rows, block="bench:app", header=("operation", "measured", "target"), write=args.write_readme)


if __name__ == "__main__":
    main()
