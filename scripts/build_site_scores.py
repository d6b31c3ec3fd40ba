"""Build data/site/site_scores_county.csv and site_scores_city.csv: the fit's default ``site`` component.

Usage::

    python scripts/build_site_scores.py            # about 30 s on two cores

For every stage, :func:`analysis.suitability.compute_site_scores` builds the suitability surface
at 1 km from the embedded criteria (``data/site/``, weights and rescaling per stage in
``data/model/site_criteria.csv``), with no origin: ``origin_km`` is left out because the fit's
origin tie is a component of its own. The zonal mean over unrestricted land (``site_mean``) and
the share of land at or above the threshold (``site_share``) are taken per county and per city
(each level's own polygons, rasterised once on the grid) and written long — ``adcode, stage,
site_mean, site_share, sources`` — with ``# source:`` and ``# assumption:`` comment lines that
:func:`analysis.site_scores.read_site_scores` hands to the fit. Rerun it whenever
``data/site/``, ``data/parks/places.csv``, ``data/model/site_criteria.csv`` or the suitability
code changes (``tests/test_site_scores.py`` checks that the shipped table is current).
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.notes import Note, note_to_json  # noqa: E402
from analysis.site_scores import SITE_SCORE_COLUMNS, site_path  # noqa: E402
from analysis.suitability import compute_site_scores, guangdong_grid, zones_from_polygons  # noqa: E402
from analysis.suitability.rules import criterion_name_zh  # noqa: E402
from analysis.suitability.grid import DEFAULT_RESOLUTION_M  # noqa: E402
from geo.io import atomic_path  # noqa: E402
from layers.boundaries import load_boundaries  # noqa: E402
from layers.places import STAGES  # noqa: E402

log = logging.getLogger("build_site_scores")

#: criterion -> short name of its dataset, for the ``sources`` column (the full text is in the comment lines).
SHORT_SOURCES: dict[str, str] = {
    "port_km": "searoute 1.6.0",
    "airport_km": "airportsdata 20260905",
    "road_km": "OSM/scgraph-data 2.0.0",
    "rail_km": "OSM/scgraph-data 2.0.0",
    "related_km": "places.csv",
    "slope_deg": "pvlib 0.16.1 5' DEM (~9 km)",
    "urban_share": "MCD12C1 2019 v006 (0.05 deg)",
}
RELATED_SOURCE = Note("site.source", criterion="related_km", name_zh=criterion_name_zh("related_km"),
                      source=Note("criterion_source.related_km_all"))
#: Notes that hold for one stage or one run only (the per-stage weights live in data/model/site_criteria.csv).
PER_STAGE_NOTES = ("site.rule_note", "site.origin_unused", "site.park_zonal")


def _keep_note(note: str) -> bool:
    """Notes that hold for every stage."""
    return getattr(note, "code", "") not in PER_STAGE_NOTES


def comment_lines(tag: str, notes: list[str]) -> list[str]:
    """``# <tag>: sentence`` for people, then ``# <tag>-note: {json}`` for each coded one (the app's languages).

    :func:`analysis.site_scores.read_site_scores` pairs them back when every sentence has its code.
    """
    words = [f"# {tag}: {n}" for n in notes]
    codes = [f"# {tag}-note: {note_to_json(n)}" for n in notes if isinstance(n, Note)]
    return words + (codes if len(codes) == len(notes) else [])


def build(resolution_m: float = DEFAULT_RESOLUTION_M) -> dict[str, Path]:
    """Compute every stage once and write both tables; returns level -> file written."""
    grid = guangdong_grid(resolution_m=resolution_m)
    zones = {lv: zones_from_polygons(load_boundaries(lv), grid, id_column="adcode") for lv in ("county", "city")}
    rows: dict[str, list[pd.DataFrame]] = {"county": [], "city": []}
    sources: list[str] = []
    notes: list[str] = []  # Notes (analysis.notes): written as sentences and as codes
    for stage in STAGES:
        r = compute_site_scores(stage, resolution_m=resolution_m, park_buffer_km=None, keep_criteria=False)
        used = "; ".join(f"{c}={SHORT_SOURCES.get(c, c)}" for c in r.table["criterion"])
        for lv, z in zones.items():
            zt = r.zonal if lv == "county" else z.stats(r.surface, r.restricted, threshold=r.threshold)
            rows[lv].append(zt.assign(stage=stage, sources=used))
        sources += [s for s in r.sources if getattr(s, "params", {}).get("criterion") != "related_km"]
        notes += [n for n in r.assumptions if _keep_note(n)]
        log.info("%s: %d criteria", stage, len(r.table))
    sources = list(dict.fromkeys(sources)) + [RELATED_SOURCE]
    head = [
        f"# Site component of the transfer fit: suitability per unit and stage at {resolution_m:g} m over Guangdong "
        "(analysis/suitability), built by scripts/build_site_scores.py; see data/site/README.md.",
        "# site_mean = mean suitability 0..1 over unrestricted land with data; site_share = share of known land "
        "(restricted counts as not suitable) at or above the threshold; blank = no unrestricted land with data.",
        *comment_lines("assumption", [Note("site.component", resolution_m=float(resolution_m)),
                                      *dict.fromkeys(notes), Note("site.zonal_centres")]),
        *comment_lines("source", sources),
    ]
    out: dict[str, Path] = {}
    for lv, parts in rows.items():
        table = pd.concat(parts, ignore_index=True)[list(SITE_SCORE_COLUMNS)]
        table[["site_mean", "site_share"]] = table[["site_mean", "site_share"]].round(4)
        path = site_path(lv)
        with atomic_path(path) as tmp:
            tmp.write_text("\n".join(head) + "\n" + table.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        out[lv] = path
        log.info("wrote %s (%d rows, %d blank)", path, len(table), int(table["site_mean"].isna().sum()))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resolution", type=float, default=DEFAULT_RESOLUTION_M, help="cell size in metres (default 1000)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build(args.resolution)


if __name__ == "__main__":
    main()
