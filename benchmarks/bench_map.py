"""Benchmark: building the layout map and the size of what the browser receives.

Run: ``python benchmarks/bench_map.py [--write-readme]``
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._readme import publish_table, time_median as _time  # noqa: E402




def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args()
    from layers.registry import list_layers
    from outputs.webmap import _display_layer, build_map

    ids = list_layers()
    t0 = time.perf_counter()
    m = build_map(ids)
    cold = time.perf_counter() - t0
    warm = _time(lambda: build_map(ids))
    render = _time(lambda: m.get_root().render())
    payload = len(m.get_root().render().encode()) / 1e6
    full = sum(len(_display_layer(i, 0.0)[0].to_json().encode()) for i in ids) / 1e6
    rows = [
        ("Build map, all layers, first time (loads + simplifies)", f"{cold:.2f} s", "—"),
        ("Build map, all layers, cached layers", f"{warm * 1000:.0f} ms", "well under 1 s"),
        ("Render map HTML", f"{render * 1000:.0f} ms", "—"),
        ("Map payload sent to the browser", f"{payload:.1f} MB (full-resolution GeoJSON would be {full:.1f} MB)", "a few MB at most"),
    ]
    publish_table(rows, block="bench:map", header=("operation", "measured", "target"), write=args.write_readme)


if __name__ == "__main__":
    main()
