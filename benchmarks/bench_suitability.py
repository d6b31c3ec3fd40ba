"""Benchmark: the raster suitability pipeline against pylusat, rasterstats and exactextract, the
memory-bandwidth bound of the overlay kernel, and 100 m peak memory.

Every section runs in its own process (``--section NAME``), so its peak resident memory is its own.
Inputs are the same for every library: the 250 m grid over Guangdong (7.4 M cells), the 46 kept
ports, the 17,381 road segments, six criterion layers, the 124 county-level units.

Run: ``python benchmarks/bench_suitability.py [--write-readme]`` (a few minutes; pylusat dominates).
Peer libraries: ``pip install -r requirements-bench.txt``.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._readme import publish_table, time_median  # noqa: E402

RES = 250.0
STAGE, ORIGIN = "dyeing", "440118"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _inputs() -> dict:
    """Grid, targets and six criterion layers at 250 m, built with this project's code."""
    from analysis.suitability import guangdong_grid
    from analysis.suitability.criteria import load_network_lines, load_ports
    from analysis.suitability.plan import plan_criteria
    from analysis.suitability.rules import rules_for_stage
    from analysis.suitability.site import raw_criterion

    g = guangdong_grid(resolution_m=RES)
    plans, _ = plan_criteria(STAGE, rules_for_stage(STAGE), g, origin=ORIGIN)
    raws = {p.name: raw_criterion(p, g) for p in plans}
    return {"grid": g, "plans": plans, "raws": raws, "ports": load_ports().to_crs(g.crs),
            "roads": load_network_lines("roads").to_crs(g.crs)}


def section_ours() -> dict:
    import numpy as np

    from analysis.suitability import compute_site_scores, weighted_overlay
    from analysis.suitability.criteria import distance_to_features
    from analysis.suitability.site import _level_zones

    d = _inputs()
    g, raws = d["grid"], d["raws"]
    out = np.empty(g.shape, np.float32)
    ft = np.empty((2, *g.shape), np.int32)
    t = {}
    t["dist_points"] = time_median(lambda: distance_to_features(d["ports"], g, out=out, indices=ft), 3)
    t["dist_lines"] = time_median(lambda: distance_to_features(d["roads"], g, out=out, indices=ft), 3)
    names = list(raws)[:6]
    scores = [np.empty(g.shape, np.float32) for _ in names]

    def rescale_all() -> None:
        for p, s in zip(d["plans"][:6], scores):
            p.rule.rescale.apply(raws[p.name], out=s)

    t["rescale"] = time_median(rescale_all, 3)
    w = [1.0] * len(names)
    t["overlay"] = time_median(lambda: weighted_overlay(scores, w, out=out), 5)
    restricted = np.zeros(g.shape, bool)
    _level_zones.cache_clear()
    s0 = time.perf_counter()
    zones = _level_zones("county", g.transform, tuple(g.shape))
    t["zones_rasterise"] = time.perf_counter() - s0
    t["zonal"] = time_median(lambda: zones.stats(out, restricted), 3)
    s0 = time.perf_counter()
    compute_site_scores(STAGE, origin=ORIGIN, resolution_m=RES, keep_criteria=False)
    t["pipeline_first"] = time.perf_counter() - s0
    t["pipeline"] = time_median(lambda: compute_site_scores(STAGE, origin=ORIGIN, resolution_m=RES,
                                                            keep_criteria=False), 3)
    # bandwidth bound: a numpy copy moving the overlay's bytes (6 layers read + 1 written = 7 layers)
    n = g.size
    src = np.ones(int(3.5 * n), np.float32)
    dst = np.empty_like(src)
    np.copyto(dst, src)
    t["copy_same_bytes"] = time_median(lambda: np.copyto(dst, src), 5)
    t["overlay_bytes_mb"] = 7 * n * 4 / 1e6
    t["cells"] = n
    t["peak_mb"] = _peak_mb()
    return t


def section_pylusat() -> dict:
    import geopandas as gpd
    import numpy as np
    import pylusat.distance
    import pylusat.rescale
    import pylusat.utils

    d = _inputs()
    g, raws = d["grid"], d["raws"]
    x, y = g.cell_centres()
    xx, yy = np.meshgrid(x, y)
    cells = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xx.ravel(), yy.ravel()), crs=g.crs)
    del xx, yy
    t = {}
    s0 = time.perf_counter()
    dp = pylusat.distance.to_point(cells, d["ports"])
    t["dist_points"] = time.perf_counter() - s0
    s0 = time.perf_counter()
    dl = pylusat.distance.to_line(cells, d["roads"], cellsize=RES)
    t["dist_lines"] = time.perf_counter() - s0
    t["max_diff_points_km"] = float(np.nanmax(np.abs(dp.to_numpy() / 1000 - raws["port_km"].ravel())))
    t["max_diff_lines_km"] = float(np.nanmax(np.abs(dl.to_numpy() / 1000 - raws["road_km"].ravel())))
    df = cells.drop(columns="geometry")
    names = list(raws)[:6]
    for k in names:
        df[k] = raws[k].ravel()
    s0 = time.perf_counter()
    for k in names:
        pylusat.rescale.linear(df, k, f"{k}_s", start=float(np.nanmax(raws[k])), end=0.0, output_min=0, output_max=1)
    t["rescale"] = time.perf_counter() - s0
    s0 = time.perf_counter()
    pylusat.utils.weighted_sum(df, {f"{k}_s": 1 / len(names) for k in names})
    t["overlay"] = time.perf_counter() - s0
    t["peak_mb"] = _peak_mb()
    return t


def section_zonal() -> dict:
    import numpy as np
    from exactextract import exact_extract
    from rasterstats import zonal_stats

    from analysis.suitability import compute_site_scores
    from geo.writers import export_geotiff
    from layers.boundaries import load_boundaries

    r = compute_site_scores(STAGE, origin=ORIGIN, resolution_m=RES, keep_criteria=False)
    g = r.grid
    surface = np.where(r.restricted, np.float32(np.nan), r.surface)  # mean over unrestricted land with data
    counties = load_boundaries("county").to_crs(g.crs)
    ours = r.zonal.set_index("adcode")["site_mean"]
    t = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = export_geotiff(surface, g.transform, g.crs, Path(tmp) / "s.tif")
        s0 = time.perf_counter()
        rs = zonal_stats(counties, np.nan_to_num(surface, nan=-9999.0), affine=g.transform, nodata=-9999.0,
                         stats=["mean"])
        t["rasterstats"] = time.perf_counter() - s0
        s0 = time.perf_counter()
        ee = exact_extract(str(path), counties, ["mean"], include_cols=["adcode"], output="pandas")
        t["exactextract"] = time.perf_counter() - s0
    rs_mean = np.array([v["mean"] for v in rs], dtype=float)
    t["diff_rasterstats"] = float(np.nanmax(np.abs(rs_mean - ours.reindex(counties["adcode"]).to_numpy())))
    t["diff_exactextract"] = float(np.nanmax(np.abs(ee.set_index("adcode")["mean"] - ours.reindex(ee["adcode"]).to_numpy())))
    return t


def section_ours100() -> dict:
    from analysis.suitability import compute_site_scores

    s0 = time.perf_counter()
    compute_site_scores(STAGE, origin=ORIGIN, resolution_m=100, keep_criteria=False)
    return {"seconds": time.perf_counter() - s0, "peak_mb": _peak_mb()}


def section_chunked() -> dict:
    import dask

    from analysis.suitability import compute_site_scores

    s0 = time.perf_counter()
    r = compute_site_scores(STAGE, origin=ORIGIN, resolution_m=1000, chunks=256)
    dask.compute(r.surface, r.restricted)
    t = time.perf_counter() - s0
    s0 = time.perf_counter()
    compute_site_scores(STAGE, origin=ORIGIN, resolution_m=1000)
    return {"chunked": t, "memory": time.perf_counter() - s0, "peak_mb": _peak_mb()}


SECTIONS = {"ours": section_ours, "pylusat": section_pylusat, "zonal": section_zonal, "ours100": section_ours100,
            "chunked": section_chunked}


def _run(name: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--section", name], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1][:120]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write-readme", action="store_true")
    ap.add_argument("--section", choices=sorted(SECTIONS))
    args = ap.parse_args()
    if args.section:
        print(json.dumps(SECTIONS[args.section]()))
        return
    res = {k: _run(k) for k in SECTIONS}
    o, p, z, h, c = (res[k] for k in ("ours", "pylusat", "zonal", "ours100", "chunked"))

    def f(v: object, unit: str = "s") -> str:
        return f"{v:.2f} {unit}" if isinstance(v, (int, float)) else "—"

    def e(v: object) -> str:
        return f"{v:.1e}" if isinstance(v, (int, float)) else "—"

    def ratio(a: object, b: object) -> str:
        return f"{b / a:.0f}×" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > 0 else "—"

    mine = [o.get(k) for k in ("dist_points", "dist_lines", "rescale", "overlay")]
    theirs = [p.get(k) for k in ("dist_points", "dist_lines", "rescale", "overlay")]
    tot_o = sum(mine) if all(isinstance(v, float) for v in mine) else None
    tot_p = sum(theirs) if all(isinstance(v, float) for v in theirs) else None
    rows = [
        ("distance to 46 ports (points)", f"{f(o.get('dist_points'))} (EDT)",
         f"pylusat to_point {f(p.get('dist_points'))} ({ratio(o.get('dist_points'), p.get('dist_points'))}; "
         f"max diff {f(p.get('max_diff_points_km'), 'km')})"),
        ("distance to 17,381 road segments (lines)", f"{f(o.get('dist_lines'))} (rasterise + EDT)",
         f"pylusat to_line {f(p.get('dist_lines'))} ({ratio(o.get('dist_lines'), p.get('dist_lines'))}; "
         f"max diff {f(p.get('max_diff_lines_km'), 'km')})"),
        ("rescale 6 layers", f(o.get("rescale")), f"pylusat rescale.linear {f(p.get('rescale'))}"),
        ("weighted sum of 6 layers", f(o.get("overlay")), f"pylusat weighted_sum {f(p.get('overlay'))}"),
        ("distances + rescale + weighted sum", f(tot_o), f"pylusat {f(tot_p)}: {ratio(tot_o, tot_p)} slower; "
         f"peak {f(p.get('peak_mb'), 'MB')} vs ours {f(o.get('peak_mb'), 'MB')}"),
        ("zonal mean + share, 124 counties", f"{f(o.get('zonal'))} (zones rasterised once: {f(o.get('zones_rasterise'))})",
         f"rasterstats {f(z.get('rasterstats'))} (max diff of county means {e(z.get('diff_rasterstats'))}); "
         f"exactextract {f(z.get('exactextract'))} (coverage-weighted; max diff {e(z.get('diff_exactextract'))})"),
        ("whole pipeline, 250 m (6 criteria incl. slope and urban share, overlay, constraints, zonal)",
         f(o.get("pipeline")), f"first call {f(o.get('pipeline_first'))} (reads boundaries, rasterises zones)"),
        ("overlay kernel vs memory bandwidth", f(o.get("overlay")),
         f"numpy copy of the same {o.get('overlay_bytes_mb', 0):.0f} MB: {f(o.get('copy_same_bytes'))} "
         f"(kernel = {o['overlay'] / o['copy_same_bytes']:.1f}× the bound)" if "overlay" in o else "—"),
        ("whole pipeline, 100 m (46 M cells in the box)", f(h.get("seconds")), f"peak memory {f(h.get('peak_mb'), 'MB')}"),
        ("chunked on dask (threads, 256² chunks), 1 km", f(c.get("chunked")), f"in memory {f(c.get('memory'))}"),
    ]
    errors = {k: v["error"] for k, v in res.items() if "error" in v}
    if errors:
        rows.append(("sections that failed", "", "; ".join(f"{k}: {v}" for k, v in errors.items())))
    publish_table(rows, block="bench:suitability", header=("task (Guangdong, 250 m = 7.4 M cells)", "this project",
                                                           "peer / bound"), write=args.write_readme)


if __name__ == "__main__":
    main()
