"""The study module shared by the app and the CLI, and the app's map overlays."""
from __future__ import annotations

import html
import io
import re
import shlex
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

from analysis.allocation import allocate_capacity
from analysis.completeness import pivot_completeness
from analysis.fit import score_transfer_fit
from analysis.sensitivity import run_sensitivity
from analysis.weights import complete_reciprocal
from geo.errors import PlannerError
from layers.stages import stage_label
from outputs.fitmap import (
    SCORE_CLASSES,
    flow_overlay,
    origin_overlay,
    score_colours,
    score_overlay,
)
from outputs.report import report_bytes
from scenario.bundle import EXPORT_FORMATS, collect_export, export_bytes
from scenario.settings import StudySettings
from scenario.study import (
    assess_transfer_completeness,
    build_command,
    build_study_report,
)


@pytest.fixture(scope="module")
def fit():
    return score_transfer_fit("dyeing", "440118")


@pytest.fixture(scope="module")
def alloc(fit):
    room = {a: 60.0 for a in fit.top(2)["adcode"]}
    return allocate_capacity("dyeing", {"440118": 100.0}, room=room, fit=fit)


# ----------------------------------------------------------------------------- command

def test_report_command_parses_back_to_the_same_settings() -> None:
    from cli.main import build_parser

    s = StudySettings(stage="apparel", origin="440118", weights=(("policy", 0.4), ("upstream", 0.6)), half_life_h=1.5,
                      candidates="all", exclude=("445281", "440513"), draws=500, seed=7,
                      allocate=(("440118", 80.0),), room=(("445281", 50.0), ("park_x", 40.0)), lang="en")
    argv = shlex.split(build_command(s, kind="report", pdf="r.pdf"))
    assert argv[:4] == ["python", "-m", "analysis", "report"]
    a = build_parser().parse_args(argv[3:])
    assert (a.stage, a.origin, a.level, a.half_life_h, a.candidates) == ("apparel", "440118", "county", 1.5, "all")
    assert a.weights == "policy=0.4,upstream=0.6"
    assert a.exclude == ["445281,440513"]
    assert (a.draws, a.seed, a.lang, a.pdf) == (500, 7, "en", "r.pdf")
    assert a.allocate == ["440118=80"] and a.room == ["445281=50", "park_x=40"]


def test_export_command_names_user_files_and_skips_draws() -> None:
    from cli.main import build_parser

    s = StudySettings(stage="dyeing", origin="440118", draws=100, files=(("--capability", "my stats.csv"),))
    cmd = build_command(s, kind="export", out="all.zip", fmt="all", crs="EPSG:4490")
    assert "'my stats.csv'" in cmd and "--draws" not in cmd
    a = build_parser().parse_args(shlex.split(cmd)[3:])
    assert (a.format, a.crs, a.out, a.capability) == ("all", "EPSG:4490", "all.zip", "my stats.csv")


def test_ahp_file_replaces_the_weights_in_the_command() -> None:
    s = StudySettings(stage="dyeing", origin="440118", weights=(("policy", 1.0),), files=(("--ahp", "pairs.csv"),))
    cmd = build_command(s)
    assert "--ahp pairs.csv" in cmd and "--weights" not in cmd


def test_the_command_a_report_prints_reproduces_its_ranking_through_the_cli(tmp_path: Path) -> None:
    from cli.main import main
    from scenario.study import load_study_inputs, run_fit

    site = tmp_path / "site.csv"
    site.write_text("adcode,site\n445281,0.1\n440513,1.0\n441881,0.95\n", encoding="utf-8")
    s = StudySettings(stage="dyeing", origin="440118", weights=(("policy", 0.3), ("upstream", 0.3), ("site", 0.4)),
                      half_life_h=3.5, network="adjacency", dyeing_parks=("441881",), candidates="all",
                      exclude=("440514",), draws=40, seed=3, lang="en", files=(("--site", str(site)),))
    fit = run_fit(s, load_study_inputs([("--site", str(site), str(site))], network=s.network,
                                       dyeing_parks=s.dyeing_parks))
    sens = run_sensitivity(fit, n=s.draws, seed=s.seed)
    report = build_study_report(s, fit, sensitivity=sens, maps=False, html=str(tmp_path / "cli.html"), pdf=None)
    printed = html.unescape(re.search(r'<pre class="command">(.*?)</pre>', report.html, re.S).group(1))
    assert printed == report.command
    argv = shlex.split(printed)
    assert argv[:3] == ["python", "-m", "analysis"] and "--site" in argv and "--network" in argv

    assert main([*argv[3:], "--no-maps"]) == 0
    again = (tmp_path / "cli.html").read_text(encoding="utf-8")

    def section(page: str, name: str) -> str:
        return re.search(rf'<section id="{name}">.*?</section>', page, re.S).group(0)

    for name in ("ranking", "sensitivity"):  # the same order, scores and sensitivity, digit for digit
        assert section(again, name) == section(report.html, name)
    ranked = re.findall(r'<span class="code">(\d{6})</span>', section(report.html, "ranking"))
    assert ranked[:3] != list(score_transfer_fit("dyeing", "440118").top(3)["adcode"])  # the options mattered


def test_unknown_command_kind_refused() -> None:
    with pytest.raises(PlannerError, match="`kind` must be 'report' or 'export'"):
        build_command(StudySettings(stage="dyeing", origin="440118"), kind="fit")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- completeness

def test_completeness_defaults_to_the_top_destination(fit) -> None:
    c = assess_transfer_completeness(fit)
    assert set(c["group_type"]) == {"zone", "region"}
    top = fit.top(1)["adcode"].iloc[0]
    assert any(top in a for a in c.attrs["assumptions"])


def test_completeness_share_zero_changes_nothing(fit) -> None:
    c = assess_transfer_completeness(fit, share=0.0)
    assert (c["status_before"] == c["status_after"]).all()
    assert not c["changed"].any()


def test_completeness_moving_to_a_region_without_the_stage_fills_it() -> None:
    # apparel leaving Zengcheng for a North unit: the North region then has apparel present
    f = score_transfer_fit("apparel", "440118")
    north = f.table[(f.table["region"] == "North") & f.table["eligible"]]["adcode"].iloc[0]
    c = assess_transfer_completeness(f, destination=north)
    row = c[(c["group_type"] == "region") & (c["group"] == "North") & (c["stage"] == "apparel")].iloc[0]
    assert row["level_after"] >= row["level_before"]


def test_completeness_refuses_bad_destination_and_share(fit) -> None:
    with pytest.raises(PlannerError, match="`destination` '999999' is not a candidate"):
        assess_transfer_completeness(fit, destination="999999")
    with pytest.raises(PlannerError, match="`share` must be between 0 and 1"):
        assess_transfer_completeness(fit, share=1.5)


def test_pivot_completeness_one_row_per_zone(fit) -> None:
    c = assess_transfer_completeness(fit)
    zh = pivot_completeness(c, lang="zh", by="zone")
    assert len(zh) == 3 and "印染（含洗水）" in zh.columns  # names from the stage catalogue
    en = pivot_completeness(c, lang="en", by="region")
    assert len(en) == 4 and stage_label("dyeing", lang="en") in en.columns
    assert set(np.unique(en.drop(columns="group").to_numpy().astype(str))) <= {
        "present", "thin", "missing", *(f"{a}→{b}" for a in ("present", "thin", "missing")
                                        for b in ("present", "thin", "missing"))}
    with pytest.raises(PlannerError, match="`lang`"):
        pivot_completeness(c, lang="fr")


# ----------------------------------------------------------------------------- export

def test_collect_export_adds_scores_raster_and_flows(fit, alloc) -> None:
    b = collect_export(fit, layer_ids=["zones", "parks"], allocation=alloc)
    assert list(b.layers) == ["zones", "parks", "fit_dyeing_440118", "flows_dyeing"]
    assert len(b.layers["fit_dyeing_440118"]) == len(fit.table)
    assert b.tables["flows_dyeing"]["amount"].sum() == pytest.approx(100.0)
    arr, _transform, _crs = b.rasters["fit_dyeing_440118"]
    assert np.nanmax(np.where(arr < 0, np.nan, arr)) <= 1.0
    assert any("2023" in s for s in b.sources)


def test_collect_export_refuses_unknown_layers() -> None:
    with pytest.raises(PlannerError, match="unknown ids \\['nope'\\]"):
        collect_export(layer_ids=["zones", "nope"])


def test_nothing_to_export_is_a_message() -> None:
    with pytest.raises(PlannerError, match="nothing to export"):
        export_bytes(collect_export(layer_ids=[]), "gpkg")
    with pytest.raises(PlannerError, match="run a fit first"):
        export_bytes(collect_export(layer_ids=["zones"]), "tif")


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_every_download_opens_in_gdal(fmt: str, fit, alloc, tmp_path: Path) -> None:
    bundle = collect_export(fit, layer_ids=["zones", "parks"], allocation=alloc)
    data, name = export_bytes(bundle, fmt, crs="EPSG:4547")
    assert "EPSG4547" in name and name.endswith(EXPORT_FORMATS[fmt][0])
    path = tmp_path / name
    path.write_bytes(data)
    if fmt == "gpkg":
        info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True).stdout
        assert "fit_dyeing_440118" in info and "flows_dyeing" in info and "4547" in info
        g = pyogrio.read_dataframe(path, layer="fit_dyeing_440118")
        assert g.crs.to_epsg() == 4547 and "潮阳区" in set(g["name_zh"])
    elif fmt == "tif":
        info = subprocess.run(["gdalinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert "4547" in info
    else:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        if fmt == "geojson":
            assert "fit_dyeing_440118.geojson" in names and "flows_dyeing.geojson" in names
        elif fmt == "csv":
            assert "flows_dyeing.csv" in names and "fit_dyeing_440118.csv" in names
        elif fmt == "shp":
            assert any(n.startswith("fit_dyeing_440118") for n in names)
        else:
            assert {"layers.gpkg", "README.txt"} <= set(names) and any(n.startswith("raster/") for n in names)


def test_report_bytes_html_and_pdf(fit, tmp_path: Path) -> None:
    from outputs.report import build_report

    r = build_report(fit, lang="zh", maps=False)
    html = report_bytes(r, "html").decode("utf-8")
    HTMLParser().feed(html)
    assert fit.top(1)["name_zh"].iloc[0] in html
    pdf = report_bytes(r, "pdf")
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert fit.top(1)["name_zh"].iloc[0] in text
    with pytest.raises(PlannerError, match="`fmt` must be 'html' or 'pdf'"):
        report_bytes(r, "docx")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- overlays

def test_score_colours_follow_the_classes() -> None:
    s = np.array([0.0, 0.2, 0.21, 0.5, 0.79, 1.0, np.nan, 0.9])
    elig = np.array([True] * 7 + [False])
    got = score_colours(s, elig).tolist()
    pal = [c for _, c in SCORE_CLASSES]
    assert got == [pal[0], pal[0], pal[1], pal[2], pal[3], pal[4], "#bdbdbd", "#bdbdbd"]


def test_score_overlay_has_every_unit_and_greys_the_ineligible(fit) -> None:
    ov = score_overlay(fit, lang="zh")
    assert len(ov.gdf) == len(fit.table)
    inel = ~ov.gdf["eligible"].astype(bool)
    assert (ov.gdf.loc[inel, "_score_colour"] == "#bdbdbd").all()
    assert (ov.gdf.loc[~inel, "_score_colour"] != "#bdbdbd").all()
    assert (ov.gdf.loc[inel, "_reason"].str.len() > 0).all()  # why it is not eligible
    assert fit.table["adcode"].tolist() == fit.table["adcode"].tolist()  # input untouched


def test_origin_and_flow_overlays(fit, alloc) -> None:
    assert origin_overlay(fit, lang="en").gdf["_name"].tolist() == ["Zengcheng District"]
    ov = flow_overlay(alloc, lang="zh")
    assert ov is not None and len(ov.gdf) == len(alloc.flows)
    assert pd.to_numeric(ov.gdf["_amount"]).sum() == pytest.approx(100.0)
    empty = type(alloc)(flows=alloc.flows.iloc[:0], lines=alloc.lines.iloc[:0], shortfall=100.0, message="none")
    assert flow_overlay(empty) is None
    with pytest.raises(PlannerError, match="`lang`"):
        score_overlay(fit, lang="de")


# ----------------------------------------------------------------------------- AHP matrix from the editor

def test_complete_reciprocal_mirrors_the_upper_triangle() -> None:
    m = pd.DataFrame([["1", "3", "1/5"], ["x", "1", "2"], ["", "", "1"]], index=list("abc"), columns=list("abc"))
    a = complete_reciprocal(m).to_numpy()
    assert np.allclose(a * a.T, 1.0)
    assert a[0, 1] == 3 and a[2, 0] == pytest.approx(5.0)


def test_complete_reciprocal_names_every_bad_cell() -> None:
    m = pd.DataFrame([["1", "zwei", "0"], ["", "1", "-2"], ["", "", "1"]], index=list("abc"), columns=list("abc"))
    with pytest.raises(PlannerError, match=r"cell \(a, b\).*cell \(a, c\).*cell \(b, c\)"):
        complete_reciprocal(m)


def test_command_carries_exclusion_areas_and_share() -> None:
    from cli.main import build_parser

    s = StudySettings(stage="dyeing", origin="440118", files=(("--exclude-areas", "红线.gpkg"),), exclude_share=0.3)
    a = build_parser().parse_args(shlex.split(build_command(s))[3:])
    assert (a.exclude_areas, a.exclude_share) == ("红线.gpkg", 0.3)
    assert "--exclude-share" not in build_command(StudySettings(stage="dyeing", origin="440118"))


def test_legends_are_label_then_colour(fit, alloc) -> None:
    for ov in (score_overlay(fit), origin_overlay(fit), flow_overlay(alloc)):
        assert ov.legend
        for label, colour in ov.legend:
            assert colour.startswith("#") and len(colour) == 7, (ov.id, label, colour)
            assert not label.startswith("#"), (ov.id, label)


def test_completeness_move_is_part_of_the_report_command(tmp_path: Path) -> None:
    from cli.main import build_parser

    s = StudySettings(stage="dyeing", origin="440118", transfer_to="440514", transfer_share=0.5)
    cmd = build_command(s, html=str(tmp_path / "r.html"))
    a = build_parser().parse_args(shlex.split(cmd)[3:])
    assert (a.transfer_to, a.transfer_share) == ("440514", 0.5)
    assert "--transfer-to" not in build_command(StudySettings(stage="dyeing", origin="440118"))
    # the CLI carries it into the report's completeness and its appendix
    r = subprocess.run([sys.executable, "-m", *shlex.split(cmd)[2:], "--no-maps"], cwd=Path(__file__).parent.parent,
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "把增城区（440118）印染（含洗水）产能的50%转到潮南区（440514）" in html  # the appendix in the report's language
    assert "--transfer-to 440514 --transfer-share 0.5" in html


def test_allocate_for_fit_scores_other_origins_with_the_same_options(fit) -> None:
    from scenario.study import allocate_for_fit

    room = {a: 30.0 for a in fit.top(3)["adcode"]}
    one = allocate_for_fit(fit, {"440118": 40.0}, room)
    assert one.flows["amount"].sum() == pytest.approx(40.0)
    two = allocate_for_fit(fit, {"440118": 40.0, "440606": 40.0}, room)
    assert two.flows["amount"].sum() == pytest.approx(80.0)
    assert set(two.flows["origin"]) == {"440118", "440606"}
    assert (two.flows.groupby("destination")["amount"].sum() <= 30.0 + 1e-9).all()
    # the fit's exclusion is carried to the other origins and keeps them out of that destination too
    top = fit.top(1)["adcode"].iloc[0]
    ex_fit = score_transfer_fit("dyeing", "440118", exclude=[top])
    ex = allocate_for_fit(ex_fit, {"440118": 10.0, "440606": 10.0}, room)
    assert top not in set(ex.flows.loc[ex.flows["origin"] == "440606", "destination"])


def test_user_chain_replaces_the_default(tmp_path: Path) -> None:
    from scenario.study import load_study_inputs

    # dyeing drawing only on spinning (default: weaving, auxiliaries, machinery) moves upstream access
    chain = "supplier,customer,weight,note\nspinning,dyeing,1.0,test: spinning only\n"
    default = score_transfer_fit("dyeing", "440118")
    inputs = load_study_inputs([("--chain", "chain.csv", chain.encode("utf-8"))])
    mine = score_transfer_fit("dyeing", "440118", inputs=inputs)
    assert inputs.params["chain_source"] == "user"
    assert inputs.chain.loc["spinning", "dyeing"] == 1.0 and inputs.chain["dyeing"].sum() == 1.0
    assert not np.allclose(default.table.set_index("adcode")["upstream"],
                           mine.table.set_index("adcode")["upstream"].reindex(default.table["adcode"]))
    bad = "supplier,customer,weight,note\nweaving,dyeing,0.5,half\n"
    with pytest.raises(PlannerError, match="sum"):
        load_study_inputs([("--chain", "bad.csv", bad.encode("utf-8"))])


def test_report_of_user_inputs_names_the_files_and_says_to_keep_them() -> None:
    from scenario.study import load_study_inputs

    site = b"adcode,site\n440513,0.9\n"
    inputs = load_study_inputs([("--site", "site.csv", site)])
    f = score_transfer_fit("dyeing", "440118", inputs=inputs)
    s = StudySettings(stage="dyeing", origin="440118", lang="en", files=(("--site", "site.csv"),))
    html = build_study_report(s, f, maps=False).html
    assert "--site site.csv" in html and "your own inputs (site)" in html
