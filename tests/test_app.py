"""The Streamlit app in streamlit.testing.v1.AppTest: the router (app.py) over every page."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.fit import score_transfer_fit
from analysis.sensitivity import run_sensitivity
from analysis.weights import COMPONENTS
from app_pages._common import KEPT_KEYS
from layers.registry import list_layers
from outputs.text import CATALOGUE
from scenario.bundle import EXPORT_FORMATS

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FIT_PAGE = "app_pages/transfer_fit.py"
LAYOUT_PAGE = "app_pages/layout.py"


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture()
def app() -> AppTest:
    """The app as opened: the layout page."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


@pytest.fixture()
def fit() -> AppTest:
    """The app on the transfer-fit page."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(FIT_PAGE).run()
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", [LAYOUT_PAGE, FIT_PAGE])
def test_every_page_runs_in_both_languages(page: str, lang: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.radio(key="lang").set_value(lang).run()
    at.switch_page(page).run()
    _ok(at)
    assert at.title[0].value == CATALOGUE["app.title"][0 if lang == "zh" else 1]  # the router's frame ran too


def test_every_registered_layer_is_offered_and_the_shown_ones_selected(app: AppTest) -> None:
    from layers.registry import LAYERS

    ms = app.sidebar.multiselect(key="layers")
    assert ms.value == [s.id for s in LAYERS if s.show]  # counties, cluster, ... one click away
    assert "counties" not in ms.value and "zones" in ms.value
    assert set(ms.options) == {str(x) for x in ms.options}
    assert len(ms.options) == len(list_layers())


def test_english_switch_changes_title(app: AppTest) -> None:
    assert "广东纺织服装" in app.title[0].value
    app.sidebar.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value.startswith("Guangdong textile")


def test_side_panel_lists_zone_members(app: AppTest) -> None:
    app.selectbox(key="panel_layer").set_value("zones").run()
    assert not app.exception
    df = app.dataframe[0].value
    assert len(df) == 3
    assert any("汕头" in v for v in df["members"])


# ----------------------------------------------------------------------------- transfer-fit page

def _library_top(stage: str, origin: str, **kw: object) -> str:
    return str(score_transfer_fit(stage, origin, **kw).top(1)["name_zh"].iloc[0])


def test_fit_page_answers_the_xintang_dyeing_question(fit: AppTest) -> None:
    # default: dyeing leaving Zengcheng (Xintang denim); the app shows the library's ranking
    assert fit.selectbox(key="fit_stage").value == "dyeing"
    assert fit.selectbox(key="fit_origin_county").value == "440118"
    top = _library_top("dyeing", "440118")
    assert top in fit.info[0].value
    ranked = fit.dataframe[0].value
    assert ranked.iloc[0]["name"] == top
    assert {"upstream", "downstream", "relatedness", "origin_tie", "policy", "site", "score"} <= set(ranked.columns)
    # explanation of the selected destination names a clause; the command reproduces it
    assert any("§" in m.value for m in fit.markdown)
    assert any("python -m analysis report --stage dyeing --origin 440118" in c.value for c in fit.code)


def test_fit_page_follows_stage_and_exclusion(fit: AppTest) -> None:
    fit.selectbox(key="fit_stage").set_value("apparel").run()
    assert not fit.exception and not fit.error, [e.value for e in fit.error]
    top_code = fit.dataframe[0].value.iloc[0]["adcode"]
    assert fit.dataframe[0].value.iloc[0]["name"] == _library_top("apparel", "440118")
    fit.multiselect(key="fit_exclude_county").set_value([top_code]).run()
    assert not fit.exception
    ranked = fit.dataframe[0].value
    assert ranked.iloc[0]["adcode"] != top_code
    assert ranked.loc[ranked["adcode"] == top_code, "excluded_reason"].str.len().iloc[0] > 0
    assert ranked.iloc[0]["name"] == _library_top("apparel", "440118", exclude=[top_code])


def test_all_zero_weights_give_a_message_not_a_traceback(fit: AppTest) -> None:
    for c in COMPONENTS:
        fit.slider(key=f"w_{c}").set_value(0.0)
    fit.run()
    assert not fit.exception
    assert any("weights" in e.value for e in fit.error), [e.value for e in fit.error]


def test_ahp_mode_shows_consistency_ratio(fit: AppTest) -> None:
    fit.radio(key="weights_mode").set_value("ahp").run()
    assert not fit.exception and not fit.error
    # all-ones matrix: equal weights, perfectly consistent
    assert any("CR = 0.000" in c.value for c in fit.caption), [c.value for c in fit.caption]


def test_city_level_and_english(fit: AppTest) -> None:
    fit.radio(key="fit_level").set_value("city").run()
    fit.sidebar.radio(key="lang").set_value("en").run()
    assert not fit.exception and not fit.error, [e.value for e in fit.error]
    assert fit.selectbox(key="fit_origin_city").value == "440100"
    ranked = fit.dataframe[0].value
    assert ranked["adcode"].str.fullmatch(r"44\d{2}00").all()  # prefecture-level codes only

    assert ranked.iloc[0]["name"] == str(score_transfer_fit("dyeing", "440100", level="city").top(1)["name_en"].iloc[0])


def test_sensitivity_table_matches_the_library(fit: AppTest) -> None:
    fit.number_input(key="sens_draws").set_value(1000).run()
    assert not fit.exception
    tables = [d.value for d in fit.dataframe if "p_first" in d.value.columns]
    assert len(tables) == 1
    expected = run_sensitivity(score_transfer_fit("dyeing", "440118"), n=1000, seed=0)
    assert tables[0]["p_first"].round(6).tolist() == expected["p_first"].head(10).round(6).tolist()
    fit.number_input(key="sens_draws").set_value(0).run()
    assert not [d for d in fit.dataframe if "p_first" in d.value.columns]


def _flows(at: AppTest) -> list:
    return [d.value for d in at.dataframe if {"origin", "destination", "amount"} <= set(d.value.columns)]


def test_allocation_places_the_amount_and_reports_shortfall(fit: AppTest) -> None:
    # default: 100 units leave Zengcheng; the top destinations have room for 50 each
    eligible = fit.dataframe[0].value.dropna(subset=["rank"])
    assert len(eligible) >= 2
    (flows,) = _flows(fit)
    assert flows["amount"].sum() == 100
    assert fit.success
    # exclude all but one destination: 50 units find no room and the app says so
    fit.multiselect(key="fit_exclude_county").set_value(eligible["adcode"].iloc[1:].tolist()).run()
    assert not fit.exception and not fit.error
    (flows,) = _flows(fit)
    assert flows["amount"].sum() == 50
    assert any("50" in w.value for w in fit.warning), [w.value for w in fit.warning]


def test_completeness_table_per_zone(fit: AppTest) -> None:
    tables = [d.value for d in fit.dataframe if "group" in d.value.columns]
    assert len(tables) == 1
    assert len(tables[0]) == 3  # the three zones of §3
    fit.radio(key="comp_by").set_value("region").run()
    tables = [d.value for d in fit.dataframe if "group" in d.value.columns]
    assert len(tables[0]) == 4  # PRD, East, West, North


def test_report_and_every_export_has_a_download_button(fit: AppTest) -> None:
    buttons = fit.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels[:2] == ["下载报告 HTML", "下载报告 PDF"]
    assert len(labels) == 2 + len(EXPORT_FORMATS)
    assert not any(b.proto.disabled for b in buttons)
    # without the fit and without layers there is nothing to export: the buttons say so by being disabled
    fit.checkbox(key="export_fit").uncheck()
    fit.multiselect(key="export_layers").set_value([])
    fit.run()
    assert not fit.exception
    assert all(b.proto.disabled for b in fit.get("download_button")[2:])


def test_no_eligible_destination_is_explained_not_an_error(fit: AppTest) -> None:
    eligible = fit.dataframe[0].value.dropna(subset=["rank"])["adcode"].tolist()
    fit.multiselect(key="fit_exclude_county").set_value(eligible).run()
    assert not fit.exception, [e.value for e in fit.exception]
    assert any("没有符合条件的承接地" in w.value for w in fit.warning)
    assert any("至少一个转出地" in i.value for i in fit.info)  # allocation asks for destinations
    assert len(fit.get("download_button")) == 8  # the report still says why nothing fits


def _basis(at: AppTest) -> tuple[str, str]:
    command = next(c.value for c in at.code if "python -m analysis report" in c.value)
    return command, "\n".join(m.value for m in at.markdown)


def test_default_weights_are_stated_as_assumption_and_moved_ones_go_into_the_command(fit: AppTest) -> None:
    command, text = _basis(fit)
    assert "--weights" not in command and "假设：默认分项权重为上游配套 0.15" in text  # the Basis in Chinese
    fit.slider(key="w_policy").set_value(0.6).run()
    command, text = _basis(fit)
    assert "--weights" in command and "policy=" in command
    assert "默认分项权重" not in text
    fit.sidebar.radio(key="lang").set_value("en").run()
    fit.slider(key="w_policy").set_value(0.25).run()  # the defaults again
    _command, text = _basis(fit)
    assert "ASSUMPTION: default component weights upstream 0.15" in text  # the model's own sentence in English


def test_ahp_weights_are_stated_with_their_consistency(fit: AppTest) -> None:
    fit.radio(key="weights_mode").set_value("ahp").run()
    _command, text = _basis(fit)
    assert "权重由层次分析法（AHP，主特征向量法）根据“在应用中输入的两两比较矩阵”求得" in text and "CR = 0.000" in text
    fit.sidebar.radio(key="lang").set_value("en").run()
    _command, text = _basis(fit)
    assert "weights by AHP (principal eigenvector) from 'the pairwise matrix typed in the app'" in text
    assert "CR = 0.000" in text


# ----------------------------------------------------------------------------- choices survive language and page

def test_language_switch_keeps_stage_level_and_layers(fit: AppTest) -> None:
    fit.selectbox(key="fit_stage").set_value("apparel").run()
    fit.radio(key="fit_level").set_value("city").run()
    fit.sidebar.radio(key="lang").set_value("en").run()
    _ok(fit)
    fit.run()  # the rerun after a switch: a widget holding a translated label raised "'县级' is not in list"
    _ok(fit)
    assert fit.selectbox(key="fit_stage").value == "apparel"  # ids, not labels
    assert fit.radio(key="fit_level").value == "city"
    assert fit.selectbox(key="fit_origin_city").value == "440100"
    assert fit.info[0].value.startswith("Apparel leaving Guangzhou")
    fit.number_input(key="sens_draws").set_value(500).run()  # touch another widget, as a planner would
    _ok(fit)
    assert (fit.selectbox(key="fit_stage").value, fit.radio(key="fit_level").value) == ("apparel", "city")
    fit.sidebar.radio(key="lang").set_value("zh").run()
    fit.run()
    _ok(fit)
    assert fit.selectbox(key="fit_stage").value == "apparel" and fit.info[0].value.startswith("服装从广州市")


def test_language_switch_keeps_the_chosen_layers(app: AppTest) -> None:
    chosen = ["zones", "parks", "dyeing_parks"]
    app.sidebar.multiselect(key="layers").set_value(chosen).run()
    app.selectbox(key="panel_layer").set_value("parks").run()
    app.sidebar.radio(key="lang").set_value("en").run()
    app.run()
    _ok(app)
    assert app.sidebar.multiselect(key="layers").value == chosen
    assert app.selectbox(key="panel_layer").value == "parks"
    assert "Three zones: apparel zones (§3)" in app.sidebar.multiselect(key="layers").options  # labels translated


def test_page_change_keeps_the_choices_of_the_other_page(fit: AppTest) -> None:
    fit.selectbox(key="fit_stage").set_value("down").run()
    fit.number_input(key="fit_half_life").set_value(3.0).run()
    fit.switch_page(LAYOUT_PAGE).run()
    fit.sidebar.multiselect(key="layers").set_value(["zones"]).run()
    fit.sidebar.radio(key="lang").set_value("en").run()
    fit.switch_page(FIT_PAGE).run()
    _ok(fit)
    assert fit.selectbox(key="fit_stage").value == "down" and fit.number_input(key="fit_half_life").value == 3.0
    fit.switch_page(LAYOUT_PAGE).run()
    assert fit.sidebar.multiselect(key="layers").value == ["zones"]


def test_every_choice_a_planner_makes_is_kept(app: AppTest, fit: AppTest) -> None:
    kinds = ("radio", "selectbox", "multiselect", "slider", "number_input", "checkbox")
    keys = {w.key for at in (app, fit) for kind in kinds for w in at.get(kind) if w.key}
    keys -= {"lang"}  # shown on every page, so never dropped
    assert keys, "no keyed widgets found"
    assert keys <= set(KEPT_KEYS), sorted(keys - set(KEPT_KEYS))


def test_every_text_key_the_app_and_maps_use_is_in_the_catalogue() -> None:
    files = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")),
             *(ROOT / "outputs" / f for f in ("webmap.py", "fitmap.py", "maps.py"))]
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "tr" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant):
                    used.add(arg.value)
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    prefixes.add(arg.values[0].value)  # f"app.level.{x}": some key must start so
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(
                    r"(app|maps|col)\.[a-z_.0-9]*[a-z_0-9]", node.value):
                used.add(node.value)  # keys held in tables, e.g. the upload labels
    assert used and prefixes
    assert not used - set(CATALOGUE), sorted(used - set(CATALOGUE))
    assert all(any(k.startswith(p) for k in CATALOGUE) for p in prefixes), prefixes
