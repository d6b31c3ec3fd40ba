"""Benchmark: fit of every stage at every county, 10,000 sensitivity draws, allocation.

Run: ``python benchmarks/bench_fit.py [--write-readme]``. Each timing is the median of a few
repeats (``time.perf_counter``); inputs are loaded once beforehand (loading is reported on
its own row), as the app does between slider moves.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.allocation import allocate_capacity  # noqa: E402
from analysis.assumptions import DEFAULT_WEIGHTS  # noqa: E402
from analysis.fit import score_all_stages, score_transfer_fit  # noqa: E402
from analysis.inputs import load_fit_inputs  # noqa: E402
from analysis.sensitivity import run_sensitivity  # noqa: E402
from benchmarks._readme import publish_table  # noqa: E402
from benchmarks._readme import time_median as _time  # noqa: E402
from layers.boundaries import load_boundaries  # noqa: E402
from layers.places import load_places  # noqa: E402
from outputs.explain import explain_fit  # noqa: E402

ORIGIN = "440118"  # Zengcheng (Xintang denim)




def _fmt(sec: float) -> str:
    return f"{sec * 1000:.1f} ms" if sec < 1 else f"{sec:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write-readme", action="store_true", help="replace the bench:fit block in README.md")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    inputs = load_fit_inputs(level="county")
    load = time.perf_counter() - t0
    n_units, n_stages = inputs.capability.shape

    fit_bare = _time(lambda: score_all_stages(ORIGIN, inputs=inputs), args.repeats)
    def _explained() -> list[list[str]]:
        long, details = score_all_stages(ORIGIN, inputs=inputs, with_details=True)
        return explain_fit(long, details, stage=long["stage"].tolist(), weights=DEFAULT_WEIGHTS)

    fit_all = _time(_explained, args.repeats)
    one = score_transfer_fit("apparel", ORIGIN, inputs=inputs, candidates="all")
    n_cand = int(one.table["eligible"].sum())
    sens = _time(lambda: run_sensitivity(one, n=10_000, seed=0), args.repeats)

    places = load_places()
    g = load_boundaries("county")
    points = dict(zip(g["adcode"], g.geometry.representative_point(), strict=True))
    points.update(dict(zip(places["id"], places.geometry, strict=True)))
    room = {a: 5.0 for a in one.table.loc[one.table["eligible"], "adcode"]}
    room.update({pid: 20.0 for pid, c in zip(places["id"], places["county_adcode"], strict=True) if c != ORIGIN})
    origins = {ORIGIN: 300.0}
    alloc = _time(lambda: allocate_capacity("apparel", origins, room=room, fit=one, places=places, points=points),
                  args.repeats)

    rows = [
        ("load default inputs (boundaries, capability, evidence, chain, road travel matrices, places, partners, parks), once",
         _fmt(load), "—"),
        (f"fit of all {n_stages} stages x {n_units} counties, one origin, with bilingual reasons",
         _fmt(fit_all), "tens of ms"),
        (f"fit of all {n_stages} stages x {n_units} counties, numbers only", _fmt(fit_bare), "tens of ms"),
        (f"sensitivity: 10,000 Dirichlet draws x {n_cand} counties", _fmt(sens), "~1 s"),
        (f"allocation: min-cost flow to {len(room)} destinations (counties + named places)", _fmt(alloc), "well under 1 s"),
    ]
    publish_table(rows, block="bench:fit", header=("operation", "time (median)", "target"), write=args.write_readme)


if __name__ == "__main__":
    main()
