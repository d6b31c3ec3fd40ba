"""Pictures of a study (outputs.charts) and the report's score map in the app's classes (outputs.maps)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest
from shapely.geometry import box

from analysis.sensitivity import run_sensitivity
from geo.errors import PlannerError
from outputs.chart_specs import completeness_spec, components_spec, rank_odds_spec
from outputs.charts import (
    COMPONENT_COLOURS,
    STATUS_COLOURS,
    chart_images,
    completeness_cells,
    component_parts,
    plot_completeness_grid,
    plot_flow_map,
    plot_rank_odds,
)
from outputs.fitmap import SCORE_CLASSES
from outputs.maps import plot_score_map
from outputs.report import build_report
from outputs.text import tr
from scenario.settings import StudySettings
from scenario.study import (
    allocate_for_fit,
    assess_transfer_completeness,
    load_study_inputs,
    run_fit,
)


@pytest.fixture(scope="module")
def study() -> dict:
    s = StudySettings(stage="apparel", origin="440118", level="county")
    inputs = load_study_inputs((), level="county", network="road", dyeing_parks=())
    fit = run_fit(s, inputs)
    top = fit.table.loc[fit.table["eligible"].astype(bool), "adcode"].tolist()
    return {
        "fit": fit,
        "sens": run_sensitivity(fit, n=300, seed=0),
        "comp": assess_transfer_completeness(fit, capability=inputs.capability, destination=top[0], share=1.0),
        "alloc": allocate_for_fit(fit, {"440118": 100.0}, {top[0]: 70.0, top[1]: 50.0}, inputs=inputs),
    }


def _colours(png: bytes) -> set[str]:
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    return {"#%02x%02x%02x" % tuple(int(v) for v in px) for px in np.unique(rgb, axis=0)}


def test_component_segments_add_up_to_the_score(study: dict) -> None:
    fit = study["fit"]
    parts = component_parts(fit.table, fit.weights)
    assert len(parts) == 10
    scores = fit.table.set_index("adcode").loc[parts.index, "score"].astype(float)
    np.testing.assert_allclose(parts.sum(axis=1).to_numpy(), scores.to_numpy(), atol=1e-6)
    with pytest.raises(PlannerError, match="none of the weighted components"):
        component_parts(fit.table, {"nonsense": 1.0})


def test_every_chart_of_a_study_is_drawn_and_captioned_in_both_languages(study: dict) -> None:
    for lang, word in (("zh", "图"), ("en", "Figure")):
        out = chart_images(study["fit"], lang=lang, sensitivity=study["sens"], completeness=study["comp"],
                           allocation=study["alloc"], names={"440118": "Zengcheng"})
        assert sorted(out) == ["completeness", "components", "flows", "odds"]
        for png, caption in out.values():
            assert png[:4] == b"\x89PNG" and caption.startswith(word)
            assert len(_colours(png)) > 20  # something drawn, not a blank canvas


def test_the_completeness_grid_colours_cells_by_status_after_the_transfer(study: dict) -> None:
    colours = _colours(plot_completeness_grid(study["comp"], lang="zh", dpi=60))
    assert {"#1a9850", "#fee08b", "#d73027"} <= colours  # present, thin, missing
    with pytest.raises(PlannerError, match="grouped by 'city'"):
        plot_completeness_grid(study["comp"], by="city")


def test_odds_and_flows_refuse_what_they_cannot_draw(study: dict) -> None:
    assert plot_rank_odds(study["sens"], lang="en", dpi=50)[:4] == b"\x89PNG"
    empty = type(study["alloc"])(flows=study["alloc"].flows.iloc[:0], lines=study["alloc"].lines.iloc[:0],
                                 shortfall=100.0, message="none")
    with pytest.raises(PlannerError, match="moved nothing"):
        plot_flow_map(empty)
    assert sorted(chart_images(study["fit"], allocation=empty)) == ["components"]


def _count(png: bytes, colour: str) -> int:
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    return int((rgb == [int(colour[i:i + 2], 16) for i in (1, 3, 5)]).all(axis=1).sum())


def test_report_score_map_uses_the_apps_fixed_classes() -> None:
    # two scores close together: once stretched over 0.47-0.52 into the ramp's two ends, now one class
    u = gpd.GeoDataFrame({"adcode": ["1", "2"], "name_zh": ["甲", "乙"], "score": [0.47, 0.52], "rank": [2, 1],
                          "eligible": [True, True]},
                         geometry=[box(113, 23, 114, 24), box(114, 23, 115, 24)], crs=4326)
    mid, dark = dict(SCORE_CLASSES)[0.6], dict(SCORE_CLASSES)[1.0]
    png = plot_score_map(u, dpi=60)
    assert _count(png, mid) > 20 * _count(png, dark) > 0  # both units 0.4-0.6; the darkest class in the legend only
    png = plot_score_map(u.assign(score=[0.91, 0.95]), dpi=60)
    assert _count(png, dark) > 20 * _count(png, mid) > 0


def test_the_report_shows_the_same_pictures(study: dict) -> None:
    report = build_report(study["fit"], sensitivity=study["sens"], completeness=study["comp"],
                          allocation=study["alloc"], lang="en", evidence=False)
    assert {"chart_components", "chart_odds", "chart_completeness", "chart_flows"} <= set(report.images)
    assert report.html.count("<figure>") >= 6 and "what the ten best destinations" in report.html
    assert pd.Series(list(report.images)).str.startswith("chart_").sum() == 4


# ----------------------------------------------------------------------------- the app's charts (Vega-Lite)

def test_app_chart_specs_show_the_same_numbers_as_the_report_charts(study: dict) -> None:
    fit = study["fit"]
    spec = components_spec(fit.table, fit.weights, lang="zh")
    rows = pd.DataFrame(spec["data"]["values"])
    ranked = fit.table[fit.table["rank"].notna()].sort_values("rank").head(10)
    assert spec["encoding"]["y"]["sort"] == [f"{int(r)}. {n}" for r, n in zip(ranked["rank"], ranked["name_zh"])]
    totals = rows.groupby("dest", sort=False)["value"].sum().reindex(spec["encoding"]["y"]["sort"])
    np.testing.assert_allclose(totals.to_numpy(), ranked["score"].astype(float).to_numpy(), atol=1e-3)
    assert spec["encoding"]["color"]["scale"]["range"] == [COMPONENT_COLOURS[c] for c in fit.weights
                                                           if c in fit.table.columns]
    assert spec["title"] == tr("maps.chart.components", "zh", n=10)

    odds = rank_odds_spec(study["sens"], lang="en")
    vals = pd.DataFrame(odds["data"]["values"])
    assert set(vals["measure"]) == {tr("col.p_first", "en"), tr("col.p_top3", "en")}
    best = study["sens"].sort_values(["p_first", "p_top3"], ascending=False).iloc[0]
    assert odds["encoding"]["y"]["sort"][0] == best["name_en"]
    assert vals.loc[vals["dest"] == best["name_en"], "value"].max() == pytest.approx(float(best["p_top3"]))

    grid = completeness_spec(study["comp"], lang="zh", by="zone")
    cells = completeness_cells(study["comp"], lang="zh", by="zone")
    assert [r["text"] for r in grid["data"]["values"]] == cells["text"].tolist()
    assert grid["layer"][0]["encoding"]["color"]["scale"]["range"] == list(STATUS_COLOURS.values())
    assert (cells["text"].str.contains("→") == cells["changed"]).all()  # a cell says "before→after" iff it changed
    assert len(cells) == study["comp"]["group_type"].eq("zone").sum()
    with pytest.raises(PlannerError, match="grouped by 'city'"):
        completeness_spec(study["comp"], by="city")


def test_fit_page_draws_its_charts_in_the_browser_in_the_chosen_language() -> None:
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("app_pages/transfer_fit.py")
    at.run()
    assert not at.exception

    def titles() -> list[str]:
        return [json.loads(c.proto.spec).get("title", "") for c in at.get("vega_lite_chart")]

    zh = titles()  # dyeing from Zengcheng by default: three eligible destinations
    assert tr("maps.chart.components", "zh", n=3) in zh
    assert tr("maps.chart.completeness", "zh") in zh
    assert any(t.startswith("权重扰动下") for t in zh)
    assert not at.get("imgs")  # no matplotlib picture left on the page
    at.sidebar.radio(key="lang").set_value("en")
    at.run()
    en = titles()
    assert tr("maps.chart.components", "en", n=3) in en and tr("maps.chart.completeness", "en") in en
