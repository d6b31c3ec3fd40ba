"""Smoke tests of the Streamlit app with streamlit.testing.v1.AppTest."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture()
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def test_app_runs_without_exception(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def test_every_registered_layer_is_offered_and_selected(app: AppTest) -> None:
    from layers.registry import list_layers

    ms = app.sidebar.multiselect(key="layers")
    assert ms.value == list_layers()
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


# ----------------------------------------------------------------------------- transfer-fit tab

def _library_top(stage: str, origin: str, **kw: object) -> str:
    from analysis.fit import score_transfer_fit

    return str(score_transfer_fit(stage, origin, **kw).top(1)["name_zh"].iloc[0])


def test_fit_tab_answers_the_xintang_dyeing_question(app: AppTest) -> None:
    # default: dyeing leaving Zengcheng (Xintang denim); the app shows the library's ranking
    assert app.selectbox(key="fit_stage").value == "dyeing"
    assert app.selectbox(key="fit_origin_county").value == "440118"
    top = _library_top("dyeing", "440118")
    assert top in app.info[0].value
    ranked = app.dataframe[1].value  # [0] is the layout side panel
    assert ranked.iloc[0]["name"] == top
    assert {"upstream", "downstream", "relatedness", "origin_tie", "policy", "site", "score"} <= set(ranked.columns)
    # explanation of the selected destination names a clause; the command reproduces it
    assert any("§" in m.value for m in app.markdown)
    assert any("python -m analysis report --stage dyeing --origin 440118" in c.value for c in app.code)


def test_fit_tab_follows_stage_and_exclusion(app: AppTest) -> None:
    app.selectbox(key="fit_stage").set_value("apparel").run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    top_code = app.dataframe[1].value.iloc[0]["adcode"]
    assert app.dataframe[1].value.iloc[0]["name"] == _library_top("apparel", "440118")
    app.multiselect(key="fit_exclude_county").set_value([top_code]).run()
    assert not app.exception
    ranked = app.dataframe[1].value
    assert ranked.iloc[0]["adcode"] != top_code
    assert ranked.loc[ranked["adcode"] == top_code, "excluded_reason"].str.len().iloc[0] > 0
    assert ranked.iloc[0]["name"] == _library_top("apparel", "440118", exclude=[top_code])


def test_all_zero_weights_give_a_message_not_a_traceback(app: AppTest) -> None:
    from analysis.weights import COMPONENTS

    for c in COMPONENTS:
        app.slider(key=f"w_{c}").set_value(0.0)
    app.run()
    assert not app.exception
    assert any("weights" in e.value for e in app.error), [e.value for e in app.error]


def test_ahp_mode_shows_consistency_ratio(app: AppTest) -> None:
    app.radio(key="weights_mode").set_value("ahp").run()
    assert not app.exception and not app.error
    # all-ones matrix: equal weights, perfectly consistent
    assert any("CR = 0.000" in c.value for c in app.caption), [c.value for c in app.caption]


def test_city_level_and_english(app: AppTest) -> None:
    from analysis.fit import score_transfer_fit

    # level first: AppTest formats option labels outside the session, i.e. in Chinese
    app.radio(key="fit_level").set_value("city").run()
    app.sidebar.radio(key="lang").set_value("en").run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert app.selectbox(key="fit_origin_city").value == "440100"
    ranked = app.dataframe[1].value
    assert ranked["adcode"].str.fullmatch(r"44\d{2}00").all()  # prefecture-level codes only

    assert ranked.iloc[0]["name"] == str(score_transfer_fit("dyeing", "440100", level="city").top(1)["name_en"].iloc[0])


def test_sensitivity_table_matches_the_library(app: AppTest) -> None:
    from analysis.fit import score_transfer_fit
    from analysis.sensitivity import run_sensitivity

    app.number_input(key="sens_draws").set_value(1000).run()
    assert not app.exception
    tables = [d.value for d in app.dataframe if "p_first" in d.value.columns]
    assert len(tables) == 1
    expected = run_sensitivity(score_transfer_fit("dyeing", "440118"), n=1000, seed=0)
    assert tables[0]["p_first"].round(6).tolist() == expected["p_first"].head(10).round(6).tolist()
    app.number_input(key="sens_draws").set_value(0).run()
    assert not [d for d in app.dataframe if "p_first" in d.value.columns]


def _flows(app: AppTest) -> list:
    return [d.value for d in app.dataframe if {"origin", "destination", "amount"} <= set(d.value.columns)]


def test_allocation_places_the_amount_and_reports_shortfall(app: AppTest) -> None:
    # default: 100 units leave Zengcheng; the top destinations have room for 50 each
    eligible = app.dataframe[1].value.dropna(subset=["rank"])
    assert len(eligible) >= 2
    (flows,) = _flows(app)
    assert flows["amount"].sum() == 100
    assert app.success
    # exclude all but one destination: 50 units find no room and the app says so
    app.multiselect(key="fit_exclude_county").set_value(eligible["adcode"].iloc[1:].tolist()).run()
    assert not app.exception and not app.error
    (flows,) = _flows(app)
    assert flows["amount"].sum() == 50
    assert any("50" in w.value for w in app.warning), [w.value for w in app.warning]


def test_completeness_table_per_zone(app: AppTest) -> None:
    tables = [d.value for d in app.dataframe if "group" in d.value.columns]
    assert len(tables) == 1
    assert len(tables[0]) == 3  # the three zones of §3
    app.radio(key="comp_by").set_value("region").run()
    tables = [d.value for d in app.dataframe if "group" in d.value.columns]
    assert len(tables[0]) == 4  # PRD, East, West, North


def test_report_and_every_export_has_a_download_button(app: AppTest) -> None:
    from scenario.study import EXPORT_FORMATS

    buttons = app.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels[:2] == ["下载报告 HTML", "下载报告 PDF"]
    assert len(labels) == 2 + len(EXPORT_FORMATS)
    assert not any(b.proto.disabled for b in buttons)
    # without the fit and without layers there is nothing to export: the buttons say so by being disabled
    app.checkbox(key="export_fit").uncheck()
    app.multiselect(key="export_layers").set_value([])
    app.run()
    assert not app.exception
    assert all(b.proto.disabled for b in app.get("download_button")[2:])


def test_no_eligible_destination_is_explained_not_an_error(app: AppTest) -> None:
    eligible = app.dataframe[1].value.dropna(subset=["rank"])["adcode"].tolist()
    app.multiselect(key="fit_exclude_county").set_value(eligible).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("没有符合条件的承接地" in w.value for w in app.warning)
    assert any("至少一个转出地" in i.value for i in app.info)  # allocation asks for destinations
    assert len(app.get("download_button")) == 8  # the report still says why nothing fits


def _basis(app: AppTest) -> tuple[str, str]:
    command = next(c.value for c in app.code if "python -m analysis report" in c.value)
    return command, "\n".join(m.value for m in app.markdown)


def test_default_weights_are_stated_as_assumption_and_moved_ones_go_into_the_command(app: AppTest) -> None:
    command, text = _basis(app)
    assert "--weights" not in command and "ASSUMPTION: default component weights" in text
    app.slider(key="w_policy").set_value(0.6).run()
    command, text = _basis(app)
    assert "--weights" in command and "policy=" in command
    assert "ASSUMPTION: default component weights" not in text


def test_ahp_weights_are_stated_with_their_consistency(app: AppTest) -> None:
    app.radio(key="weights_mode").set_value("ahp").run()
    _command, text = _basis(app)
    assert "weights by AHP" in text and "CR = 0.000" in text
