"""The transfer fit on evidence: road hours, partner cities, receiving parks, tiers, the backtest."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.backtest import _inputs_before, origin_sensitivity, run_backtest
from analysis.fit import TIERS, score_transfer_fit
from analysis.inputs import load_fit_inputs
from geo.errors import PlannerError
from outputs.explain import explain_result
from outputs.report import build_report

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def inputs():
    return load_fit_inputs()


def test_default_cost_is_road_time(inputs) -> None:
    t = explain_result(score_transfer_fit("apparel", "440118", inputs=inputs)).table.set_index("adcode")
    # Zengcheng -> Chaoyang: about 350 km and 5 h by road (data/network), far more than the 279 km straight line
    assert 330 < t.loc["440513", "origin_km"] < 420 and 4.5 < t.loc["440513", "origin_hours"] < 6.5
    assert t.loc["441802", "origin_hours"] < 2.5  # Qingcheng is close
    # the decay tells receiving units apart: 0.5 ** (h / 2)
    assert t.loc["441802", "origin_tie"] == pytest.approx(0.5 ** (t.loc["441802", "origin_hours"] / 2.0))
    assert t.loc["441802", "origin_tie"] > 0.4 > 0.2 > t.loc["440513", "origin_tie"] > 0.1
    reason = t.loc["441802", "reason_en"]
    assert "h by road" in reason  # Qingcheng's tie to Zengcheng is among its drivers


def test_adjacency_network_is_an_option() -> None:
    straight = load_fit_inputs(network="adjacency")
    assert any("adjacency" in s or "straight-line" in s for s in straight.sources)
    with pytest.raises(PlannerError, match="network"):
        load_fit_inputs(network="teleport")  # type: ignore[arg-type]


def test_partner_city_and_receiving_park(inputs) -> None:
    gz = explain_result(score_transfer_fit("apparel", "440105", inputs=inputs))  # Haizhu, Guangzhou
    t = gz.table.set_index("adcode")
    assert t.loc["441802", "partner"] == 1.0  # the Guangqing park for Guangzhou's garments, in Qingcheng
    assert t.loc["441821", "partner"] == 0.75  # Fogang: Qingyuan is Guangzhou's 2023 partner
    assert t.loc["440513", "partner"] == 0.0  # Chaoyang: Shantou is Shenzhen's partner, not Guangzhou's
    assert "480" in t.loc["441802", "reason_en"] and "transfer park" in t.loc["441802", "reason_en"]
    sz = score_transfer_fit("apparel", "440303", inputs=inputs).table.set_index("adcode")  # Luohu, Shenzhen
    assert sz.loc["440513", "partner"] == 0.75 and sz.loc["441821", "partner"] == 0.0


def test_the_origin_changes_the_ranking(inputs) -> None:
    s = origin_sensitivity(["apparel", "weaving"], ["440118", "440605"], inputs=inputs)
    assert (s["spearman"] < 0.9).all()


def test_dyeing_park_capacity_and_a_planner_park(inputs) -> None:
    t = score_transfer_fit("dyeing", "440118", inputs=inputs).table.set_index("adcode")
    assert t.loc["440514", "policy"] == pytest.approx(1.0)  # Chaonan, 155,000 t/day
    assert 0.6 < t.loc["445281", "policy"] < 1.0  # Puning, 60,000 m3/day
    assert not t.loc["441802", "eligible"]
    mine = load_fit_inputs(dyeing_parks=["441802"])
    t2 = score_transfer_fit("dyeing", "440118", inputs=mine)
    assert bool(t2.table.set_index("adcode").loc["441802", "eligible"])
    assert any("planner" in a and "441802" in a for a in t2.assumptions)
    with pytest.raises(PlannerError, match="dyeing_parks"):
        load_fit_inputs(dyeing_parks=["999999"])


def test_heritage_is_not_capacity_and_unnamed_clusters_count_less(inputs) -> None:
    t = score_transfer_fit("weaving", "440118", inputs=inputs, candidates="all").table.set_index("adcode")
    assert t.loc["441825", "policy"] == 0.0  # Lianshan: a heritage craft, not a production base
    d = inputs.designations
    unnamed = d[d["kind"] == "unnamed_cluster"]
    assert len(unnamed) and (unnamed["value"] <= 0.5).all()


def test_no_evidence_tier_ranks_last(inputs) -> None:
    t = score_transfer_fit("home_textiles", "440118", inputs=inputs).table
    ranked = t[t["eligible"]]
    assert set(ranked["tier"]) <= set(TIERS)
    tiers = ranked["tier"].to_numpy()
    first_none = np.argmax(tiers == "no_evidence") if (tiers == "no_evidence").any() else len(tiers)
    assert (tiers[:first_none] == "evidence").all() and (tiers[first_none:] == "no_evidence").all()
    assert any("no evidence" in a for a in score_transfer_fit("apparel", "440118", inputs=inputs).assumptions)


def test_relatedness_rests_on_presence_not_inherited_shares(inputs) -> None:
    assert inputs.params["relatedness_basis"] == "presence"
    assert set(np.unique(inputs.presence.to_numpy())) <= {0.0, 1.0}
    t = score_transfer_fit("weaving", "440118", inputs=inputs).table.set_index("adcode")
    assert t.loc["440523", "relatedness"] == 0.0  # Nan'ao island: nothing present there


def test_dropped_chain_inputs_are_stated(inputs) -> None:
    r = score_transfer_fit("apparel", "440118", inputs=inputs)
    assert any("renormalised" in a for a in r.assumptions)


def test_backtest_cases_hold_under_the_default_model() -> None:
    res = run_backtest()
    assert len(res) >= 7
    failing = res.loc[~res["holds"], "case"].tolist()
    assert not failing, f"backtest cases fail: {failing}\n{res[['case', 'ranks', 'k', 'top3']]}"
    haizhu = res.set_index("case").loc["bt_haizhu_qingcheng_apparel"]
    assert haizhu["evidence_before"] == 2023  # scored without the park the move created


def test_backtest_leaves_outcomes_out() -> None:
    before = load_fit_inputs(evidence_before=2023)
    assert before.transfer_parks.empty
    t = score_transfer_fit("apparel", "440105", inputs=before).table.set_index("adcode")
    assert t.loc["441802", "partner"] < 1.0  # no park credit: only the older pairing
    assert any("backtest" in a for a in before.assumptions)


def test_validate_command() -> None:
    r = subprocess.run([sys.executable, "-m", "analysis", "validate"], capture_output=True, text=True, cwd=ROOT,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "case(s) hold" in r.stdout and "Spearman" in r.stdout


def test_report_says_what_results_rest_on() -> None:
    fit = explain_result(score_transfer_fit("apparel", "440105"))
    html = build_report(fit, maps=False, lang="en").html
    assert 'id="evidence"' in html and "Qingcheng District" in html
    assert "480 firms" in html and "[S]" in html  # the park's firm count, labelled secondary
    assert "bt_haizhu_qingcheng_apparel" in html and "cases hold" in html
    zh = build_report(fit, maps=False, lang="zh").html
    assert "依据与回测" in zh and "实际迁移" in zh


def test_app_ranking_shows_tier_and_road_hours() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/transfer_fit.py").run()
    assert not at.exception
    ranked = at.dataframe[0].value
    assert {"tier", "origin_hours"} <= set(ranked.columns)
    assert set(ranked["tier"]) <= {"有证据", "无证据（仅距离）"}


def test_backtest_inputs_shared_across_weightings_are_left_as_they_were() -> None:
    run_backtest(weights={"policy": 0.5, "upstream": 0.5}, half_life_h=4.0)  # fills the shared inputs
    shared = run_backtest()
    _inputs_before.cache_clear()
    fresh = run_backtest()
    pd.testing.assert_frame_equal(shared, fresh)
