"""Exclusion areas (e.g. an ecological red line) turned into excluded units."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from analysis.exclusion import exclusion_note, units_in_areas
from geo.crs import ANALYSIS_CRS
from geo.errors import CRSError, PlannerError

ROOT = Path(__file__).resolve().parent.parent


def _units() -> gpd.GeoDataFrame:
    # three 10 km squares side by side in the equal-area CRS (areas are exact there)
    squares = [box(x, 0, x + 10_000, 10_000) for x in (0, 10_000, 20_000)]
    g = gpd.GeoDataFrame({"adcode": ["a", "b", "c"], "name_zh": ["甲", "乙", "丙"], "name_en": ["A", "B", "C"]},
                         geometry=squares, crs=ANALYSIS_CRS)
    return g.to_crs(4326)


def _areas(*geoms: object, crs: object = ANALYSIS_CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=list(geoms), crs=crs)


def test_share_threshold_decides() -> None:
    # 60 % of a and 40 % of b covered
    red = _areas(box(4_000, 0, 14_000, 10_000))
    got = units_in_areas(red, units=_units(), min_share=0.5)
    assert got["adcode"].tolist() == ["a"]
    assert got["share"].iloc[0] == pytest.approx(0.6, abs=1e-3)
    assert units_in_areas(red, units=_units(), min_share=0.4)["adcode"].tolist() == ["a", "b"]


def test_multipart_overlapping_and_invalid_areas() -> None:
    multi = MultiPolygon([box(0, 0, 3_000, 10_000), box(20_000, 0, 25_000, 10_000)])  # 30 % of a, 50 % of c
    overlapping = box(2_000, 0, 8_000, 10_000)  # another feature over a: with multi, 80 % of a
    got = units_in_areas(_areas(multi, overlapping), units=_units(), min_share=0.5)
    assert got["adcode"].tolist() == ["a", "c"]
    assert got.set_index("adcode")["share"]["a"] == pytest.approx(0.8, abs=1e-3)
    assert got.set_index("adcode")["share"]["c"] == pytest.approx(0.5, abs=1e-3)
    # a self-intersecting ring is refused, not repaired behind the planner's back (a repair can cover nothing)
    bowtie = Polygon([(20_000, 0), (30_000, 10_000), (30_000, 0), (20_000, 10_000)])
    with pytest.raises(PlannerError, match="Self-intersection.*Fix geometries"):
        units_in_areas(_areas(multi, bowtie), units=_units())
    with pytest.raises(PlannerError, match="no geometry, e.g. rows \\[1\\]"):
        units_in_areas(_areas(multi, Polygon()), units=_units())


def test_any_crs_is_reprojected_and_input_untouched() -> None:
    red = _areas(box(4_000, 0, 14_000, 10_000))
    red_4547 = red.to_crs(4547)
    before = red_4547.copy()
    assert units_in_areas(red_4547, units=_units())["adcode"].tolist() == ["a"]
    assert red_4547.crs.to_epsg() == 4547 and red_4547.geom_equals(before).all()


def test_bad_areas_are_refused_with_a_fix() -> None:
    with pytest.raises(CRSError, match="no CRS.*\\.prj"):
        units_in_areas(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]), units=_units())
    with pytest.raises(PlannerError, match="no polygons"):
        units_in_areas(_areas(Point(1, 1), shapely.LineString([(0, 0), (1, 1)])), units=_units())
    with pytest.raises(PlannerError, match="`min_share` must be in \\(0, 1\\]"):
        units_in_areas(_areas(box(0, 0, 1, 1)), units=_units(), min_share=0)
    with pytest.raises(PlannerError, match="`level`"):
        units_in_areas(_areas(box(0, 0, 1, 1)), level="town")


def test_note_names_rule_file_and_units() -> None:
    got = units_in_areas(_areas(box(0, 0, 30_000, 10_000)), units=_units())
    note = exclusion_note(got, min_share=0.5, source="红线.gpkg")
    assert "50%" in note and "红线.gpkg" in note and "3 units: a, b, c" in note


def test_cli_fit_with_exclusion_areas(tmp_path: Path) -> None:
    from layers.boundaries import load_boundaries

    # the red line covers the whole of Chaoyang (the top dyeing destination) and a sliver of Puning
    units = load_boundaries("county").set_index("adcode")
    chaoyang = units.loc["440513"].geometry
    red = gpd.GeoDataFrame(geometry=[chaoyang.buffer(0.005)], crs=4326).to_crs(4547)
    path = tmp_path / "redline.gpkg"
    red.to_file(path)
    out = tmp_path / "fit.json"
    r = subprocess.run([sys.executable, "-m", "analysis", "fit", "--stage", "dyeing", "--origin", "440118",
                        "--exclude-areas", str(path), "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                       timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    rows = {row["adcode"]: row for row in data["table"]}
    assert rows["440513"]["eligible"] is False
    assert any("redline.gpkg" in a and "440513" in a for a in data["assumptions"])
    # a shapefile without its .prj: exit 2 and one line naming the fix
    bad = tmp_path / "nocrs.shp"
    red.to_file(bad)
    bad.with_suffix(".prj").unlink()
    r = subprocess.run([sys.executable, "-m", "analysis", "fit", "--stage", "dyeing", "--origin", "440118",
                        "--exclude-areas", str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("error:") and ".prj" in r.stderr


def test_combine_keeps_chosen_codes_first_and_notes_each_layer() -> None:
    from analysis.exclusion import combine_exclusions
    from layers.boundaries import load_boundaries

    units = load_boundaries("county").set_index("adcode")
    red = gpd.GeoDataFrame(geometry=[units.loc["440513"].geometry], crs=4326)
    codes, notes = combine_exclusions(["445281", "440513", "445281"], {"a.gpkg": red, "b.gpkg": red})
    assert codes == ["445281", "440513"]
    assert len(notes) == 2 and "a.gpkg" in notes[0] and "b.gpkg" in notes[1]


def test_report_command_keeps_the_exclusion_areas(tmp_path: Path) -> None:
    from layers.boundaries import load_boundaries

    geom = load_boundaries("county").set_index("adcode").loc["440513"].geometry
    path = tmp_path / "redline.gpkg"
    gpd.GeoDataFrame(geometry=[geom], crs=4326).to_file(path)
    html = tmp_path / "r.html"
    r = subprocess.run([sys.executable, "-m", "analysis", "report", "--stage", "dyeing", "--origin", "440118",
                        "--exclude-areas", str(path), "--exclude-share", "0.4", "--html", str(html), "--no-maps"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    text = html.read_text(encoding="utf-8")
    assert f"--exclude-areas {path}" in text and "--exclude-share 0.4" in text
    assert "redline.gpkg" in text and "40%" in text  # the assumption in the appendix
