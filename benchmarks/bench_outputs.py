"""Benchmark: the report (HTML, PDF) and the "everything" export.

Uses the real fit engine (dyeing leaving Zengcheng 440118) when its defaults are available,
otherwise a synthetic fit over the 124 county-level units (said so in the table).

Run: ``python benchmarks/bench_outputs.py [--write-readme]``
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._readme import publish_table, time_median as _time  # noqa: E402




def _synthetic_fit() -> SimpleNamespace:
    import numpy as np

    from analysis.weights import COMPONENTS
    from layers.boundaries import load_boundaries

    c = load_boundaries("county")
    rng = np.random.default_rng(0)
    t = c[["adcode", "name_zh", "name_en", "city_adcode", "region"]].copy()
    for k in COMPONENTS:
        t[k] = rng.random(len(t))
    t["eligible"] = t["region"] != "PRD"
    t["excluded_reason"] = np.where(t["eligible"], "", "PRD keeps the high-end links (§4)")
    t["score"] = t[list(COMPONENTS)].mean(axis=1).where(t["eligible"])
    t["rank"] = t["score"].rank(ascending=False, method="first")
    t = t.sort_values("rank").reset_index(drop=True)
    t["policy_clauses"] = "§4"
    t["reason_zh"] = t["name_zh"] + "：合成数据"
    t["reason_en"] = t["name_en"] + ": synthetic"
    return SimpleNamespace(table=t, stage="dyeing", origin="440118", level="county",
                           weights={k: 1 / 6 for k in COMPONENTS}, params={}, assumptions=["synthetic benchmark fit"],
                           sources=["synthetic"])


def _fit() -> tuple[object, str]:
    try:
        from analysis.fit import score_transfer_fit

        return score_transfer_fit("dyeing", "440118", level="county"), "real engine, dyeing from Zengcheng 440118"
    except (ImportError, ValueError) as exc:  # engine or its defaults not landed yet
        return _synthetic_fit(), f"synthetic fit over 124 counties (engine defaults unavailable: {str(exc)[:60]}…)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args()
    import warnings

    warnings.simplefilter("ignore")
    from outputs.export import export_everything
    from outputs.raster import rasterize_scores
    from outputs.report import build_report, write_report_html, write_report_pdf
    from layers.boundaries import load_boundaries
    from layers.registry import list_layers, load_layer

    fit, what = _fit()
    tmp = Path(tempfile.mkdtemp(prefix="bench_outputs_"))
    t0 = time.perf_counter()
    report = build_report(fit)
    cold = time.perf_counter() - t0
    build = _time(lambda: build_report(fit))
    html = _time(lambda: write_report_html(report, tmp / "r.html"))
    pdf = _time(lambda: write_report_pdf(report, tmp / "r.pdf"))
    layers = {}
    for lid in list_layers():
        try:
            layers[lid] = load_layer(lid)
        except (ImportError, ValueError):
            pass
    units = load_boundaries("county")[["adcode", "geometry"]].merge(fit.table, on="adcode")
    units["policy_clauses"] = units["policy_clauses"].astype(str)
    layers["fit_dyeing"] = units
    raster = _time(lambda: rasterize_scores(units, resolution_m=1000), repeats=3)
    ras = {"fit_dyeing": rasterize_scores(units, resolution_m=1000)}
    tables = {"fit_dyeing": fit.table}
    everything = _time(lambda: export_everything(layers, tables, ras, tmp / "all.zip", crs="EPSG:4547"), repeats=2)
    size = (tmp / "all.zip").stat().st_size / 1e6
    rows = [
        ("Build report (2 maps + HTML), first time", f"{cold:.2f} s", what),
        ("Build report (2 maps + HTML), again", f"{build:.2f} s", f"HTML {len(report.html.encode()) / 1e6:.2f} MB, self-contained"),
        ("Write HTML", f"{html * 1000:.0f} ms", "atomic"),
        ("Write PDF (WeasyPrint)", f"{pdf:.2f} s", f"{(tmp / 'r.pdf').stat().st_size / 1e6:.2f} MB"),
        ("Rasterize scores, 1 km grid over Guangdong", f"{raster * 1000:.0f} ms", "rasterio.features.rasterize"),
        (f"Export everything ({len(layers)} layers, 1 table, 1 raster; EPSG:4547)", f"{everything:.2f} s",
         f"zip {size:.1f} MB: gpkg, shapefiles, geojson, csv, tif, README"),
    ]
    publish_table(rows, block="bench:outputs", header=("operation", "measured", "notes"), write=args.write_readme)


if __name__ == "__main__":
    main()
