"""Benchmark: the report (HTML, PDF) and the "everything" export.

Uses the real fit engine (dyeing leaving Zengcheng 440118, the embedded defaults).

Run: ``python benchmarks/bench_outputs.py [--write-readme]``
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.fit import score_transfer_fit  # noqa: E402
from benchmarks._readme import publish_table, time_median as _time  # noqa: E402
from layers.boundaries import load_boundaries  # noqa: E402
from layers.registry import list_layers, load_layer  # noqa: E402
from outputs.export import export_everything  # noqa: E402
from outputs.raster import rasterize_scores  # noqa: E402
from outputs.report import build_report, write_report_html, write_report_pdf  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")

    fit, what = score_transfer_fit("dyeing", "440118", level="county"), "real engine, dyeing from Zengcheng 440118"
    tmp = Path(tempfile.mkdtemp(prefix="bench_outputs_"))
    t0 = time.perf_counter()
    report = build_report(fit)
    cold = time.perf_counter() - t0
    build = _time(lambda: build_report(fit))
    html = _time(lambda: write_report_html(report, tmp / "r.html"))
    pdf = _time(lambda: write_report_pdf(report, tmp / "r.pdf"))
    layers = {lid: load_layer(lid) for lid in list_layers()}
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
