"""The scenarios page in AppTest: save the current choices, reopen them exactly, manage, link and compare."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analysis.fit import score_transfer_fit
from analysis.notes import Note
from analysis.weights import DEFAULT_WEIGHTS, ahp_weights, normalise_weights
from app_pages._scenarios import decode_view, encode_view
from scenario.convert import settings_to_scenario
from scenario.record import Scenario
from scenario.settings import StudySettings
from scenario.store import STORE_ENV, open_store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
FIT_PAGE = "app_pages/transfer_fit.py"
PAGE = "app_pages/scenarios.py"


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The store the app opens (through the environment variable, as a deployment sets it)."""
    path = tmp_path / "scenarios.sqlite"
    monkeypatch.setenv(STORE_ENV, str(path))
    return path


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _session() -> AppTest:
    """A new browser session: its own session state, the same store."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    return at


def _names(path: Path) -> list[str]:
    with open_store(path) as s:
        return [r.name for r in s.list_scenarios()]


def _save(at: AppTest, name: str) -> None:
    at.switch_page(PAGE).run()
    at.text_input(key="scn_name").input(name)
    next(b for b in at.button if b.key.startswith("FormSubmitter:scn_save_form")).click().run()


CHOICES = {"fit_stage": "apparel", "fit_half_life": 3.0, "fit_exclude_county": ["440513", "441802"],
           "w_policy": 0.6, "fit_candidates": "all", "sens_draws": 500}


def _choose(at: AppTest, choices: dict[str, object]) -> None:
    at.switch_page(FIT_PAGE).run()
    for key, value in choices.items():
        kind = {"fit_stage": "selectbox", "fit_half_life": "number_input", "fit_exclude_county": "multiselect",
                "w_policy": "slider", "fit_candidates": "radio", "sens_draws": "number_input",
                "fit_level": "radio"}[key]
        getattr(at, kind)(key=key).set_value(value).run()
    _ok(at)


def _widgets(at: AppTest) -> dict[str, object]:
    return {"fit_stage": at.selectbox(key="fit_stage").value, "fit_half_life": at.number_input(key="fit_half_life").value,
            "fit_exclude_county": at.multiselect(key="fit_exclude_county").value,
            "w_policy": at.slider(key="w_policy").value, "fit_candidates": at.radio(key="fit_candidates").value,
            "sens_draws": at.number_input(key="sens_draws").value}


def test_save_then_reopen_restores_every_widget_in_this_and_another_session(store: Path) -> None:
    at = _session()
    _choose(at, CHOICES)
    shown = at.dataframe[0].value.iloc[0]["name"]
    _save(at, "apparel, all, 3 h")
    _ok(at)
    assert any("apparel, all, 3 h" in s.value for s in at.success)
    assert _names(store) == ["apparel, all, 3 h"]
    # the planner moves on: other choices, another level
    _choose(at, {"fit_stage": "dyeing", "fit_half_life": 1.0, "fit_exclude_county": [], "w_policy": 0.1,
                 "fit_candidates": "receiving", "sens_draws": 0, "fit_level": "city"})
    at.switch_page(PAGE).run()
    at.button(key="scn_reopen").click().run()
    _ok(at)
    assert at.radio(key="fit_level").value == "county"  # back on the fit page, as saved
    assert _widgets(at) == CHOICES
    assert at.dataframe[0].value.iloc[0]["name"] == shown  # the same result on screen
    # another session (another browser) lists it and reopens it the same
    other = _session()
    other.switch_page(PAGE).run()
    _ok(other)
    assert other.selectbox(key="scn_pick").options == ["apparel, all, 3 h"]
    other.button(key="scn_reopen").click().run()
    _ok(other)
    assert _widgets(other) == CHOICES and other.radio(key="fit_level").value == "county"
    with open_store(store) as s:
        saved = s.get("apparel, all, 3 h")
    assert saved.settings["stage"] == "apparel" and saved.settings["exclude"] == ["440513", "441802"]
    assert saved.settings["candidates"] == "all" and saved.settings["half_life_h"] == 3.0
    expected = normalise_weights({**DEFAULT_WEIGHTS, "policy": 0.6})
    assert saved.settings["weights"] == pytest.approx(expected)
    assert saved.settings["widgets"]["w_policy"] == 0.6


def test_rename_duplicate_delete_and_a_bad_name(store: Path) -> None:
    at = _session()
    _save(at, "a")
    _ok(at)
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    _save(at, "  ")
    # the page's language (Chinese by default): the refusals are said from the catalogue (error.name.*, error.store.*)
    assert any("方案名称为空" in e.value for e in at.error), [e.value for e in at.error]
    _save(at, "a")
    assert any("已有名为“a”的方案" in e.value for e in at.error), [e.value for e in at.error]
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before and _names(store) == ["a"]
    at.text_input(key="scn_new").input("b").run()
    at.button(key="scn_rename").click().run()
    _ok(at)
    assert _names(store) == ["b"] and at.selectbox(key="scn_pick").value == "b"
    at.text_input(key="scn_new").input("b copy").run()
    at.button(key="scn_duplicate").click().run()
    assert _names(store) == ["b", "b copy"]
    at.selectbox(key="scn_pick").set_value("b").run()
    assert at.button(key="scn_delete").disabled  # needs the confirmation first
    at.checkbox(key="scn_confirm").check().run()
    at.button(key="scn_delete").click().run()
    _ok(at)
    assert _names(store) == ["b copy"]


def test_a_scenario_saved_from_the_command_line_reopens_and_one_with_gone_names_says_why(store: Path) -> None:
    with open_store(store) as s:
        s.save(settings_to_scenario(StudySettings(stage="down", origin="440100", level="city", half_life_h=4.0,
                                                  exclude=("441800",)), name="cli"))
        s.save(Scenario(name="old", settings={"stage": "knitting", "origin": "440118"}))
    at = _session()
    at.switch_page(PAGE).run()
    at.selectbox(key="scn_pick").set_value("old").run()
    at.button(key="scn_reopen").click().run()
    assert not at.exception
    assert any("环节“knitting”已不存在" in e.value for e in at.error), [e.value for e in at.error]  # the page's language
    at.selectbox(key="scn_pick").set_value("cli").run()
    at.button(key="scn_reopen").click().run()
    _ok(at)
    assert at.radio(key="fit_level").value == "city" and at.selectbox(key="fit_stage").value == "down"
    assert at.selectbox(key="fit_origin_city").value == "440100"
    assert at.multiselect(key="fit_exclude_city").value == ["441800"]
    assert at.number_input(key="fit_half_life").value == 4.0
    top = score_transfer_fit("down", "440100", level="city", half_life_h=4.0, exclude=["441800"]).top(1)
    assert at.dataframe[0].value.iloc[0]["adcode"] == top["adcode"].iloc[0]


def test_reopening_a_scenario_with_files_or_older_data_says_what_to_do(store: Path) -> None:
    rec = settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="with files",
                               files=[("--site", "site.csv", b"adcode,site\n445281,0.9\n")])
    with open_store(store) as s:
        s.save(Scenario(name=rec.name, settings=rec.settings, tables=rec.tables,
                        data_versions={**rec.data_versions, "boundaries": "sha256:" + "0" * 64}))
    at = _session()
    at.switch_page(PAGE).run()
    at.button(key="scn_reopen").click().run()
    _ok(at)
    assert any("site.csv" in w.value for w in at.warning)  # upload it again: here it is
    assert any("boundaries" in w.value for w in at.warning)  # the embedded data changed since
    assert [b.proto.label for b in at.get("download_button")][0] == "下载 site.csv"
    assert at.session_state["fit_stage"] == "apparel"


def test_links_reopen_a_scenario_or_the_current_view(store: Path) -> None:
    with open_store(store) as s:
        s.save(settings_to_scenario(StudySettings(stage="weaving", origin="440118", half_life_h=5.0), name="weave"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["scenario"] = "weave"
    at.run()
    at.switch_page(FIT_PAGE).run()
    _ok(at)
    assert at.selectbox(key="fit_stage").value == "weaving" and at.number_input(key="fit_half_life").value == 5.0
    at.selectbox(key="fit_stage").set_value("apparel").run()  # the link is applied once, not on every rerun
    assert at.selectbox(key="fit_stage").value == "apparel"
    # the view link shown on the scenarios page carries every choice, and the language
    at.sidebar.radio(key="lang").set_value("en").run()
    at.switch_page(PAGE).run()
    view_link = next(c.value for c in at.code if "view=" in c.value)
    view = decode_view(view_link.split("view=", 1)[1])
    assert view["fit_stage"] == "apparel" and view["lang"] == "en" and view["fit_half_life"] == 5.0
    fresh = AppTest.from_file(APP, default_timeout=120)
    fresh.query_params["view"] = view_link.split("view=", 1)[1]
    fresh.run()
    fresh.switch_page(FIT_PAGE).run()
    _ok(fresh)
    assert fresh.selectbox(key="fit_stage").value == "apparel" and fresh.number_input(key="fit_half_life").value == 5.0
    assert fresh.title[0].value.startswith("Guangdong textile")
    # a damaged or wrong link says why and changes nothing
    for bad in ("%%%", encode_view({"fit_stage": "knitting"})):
        b = AppTest.from_file(APP, default_timeout=120)
        b.query_params["view"] = bad
        b.run()
        assert not b.exception
        assert any("cannot be opened" in e.value or "无法打开" in e.value for e in b.sidebar.error)
        b.switch_page(FIT_PAGE).run()
        assert b.selectbox(key="fit_stage").value == "dyeing"


def test_compare_two_scenarios_in_the_app(store: Path) -> None:
    with open_store(store) as s:
        s.save(settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="base"))
        s.save(settings_to_scenario(StudySettings(stage="apparel", origin="440118", weights=(("policy", 1.0),)),
                                    name="policy only"))
    at = _session()
    at.sidebar.radio(key="lang").set_value("en").run()
    at.switch_page(PAGE).run()
    at.multiselect(key="scn_compare").set_value(["base", "policy only"]).run()
    _ok(at)
    tables = [d.value for d in at.dataframe]
    differs = next(t for t in tables if "Setting" in t.columns)
    assert "weights.policy" in set(differs["Setting"])
    moved = next(t for t in tables if "rank_change" in t.columns)
    assert len(moved) > 0 and (moved["rank_change"].fillna(0) != 0).any()
    assert any(b.proto.label == "Download the comparison report (HTML)" for b in at.get("download_button"))


def test_compared_notes_read_in_the_pages_language(store: Path) -> None:
    ahp = ahp_weights(np.ones((3, 3))).describe(Note("weights.ahp_typed"))
    with open_store(store) as s:
        s.save(settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="base"))
        s.save(settings_to_scenario(StudySettings(stage="apparel", origin="440118", notes=(ahp,)), name="ahp"))
    at = _session()
    at.sidebar.radio(key="lang").set_value("zh").run()
    at.switch_page(PAGE).run()
    at.multiselect(key="scn_compare").set_value(["base", "ahp"]).run()
    _ok(at)
    differs = next(d.value for d in at.dataframe if "notes" in set(d.value.iloc[:, 0]))
    row = differs.set_index(differs.columns[0]).loc["notes"]
    assert row["base"] == "–" and row["ahp"].startswith("权重由层次分析法（AHP，主特征向量法）根据“在应用中输入的两两比较矩阵”")


def test_ahp_weights_are_not_saved_silently(store: Path) -> None:
    at = _session()
    at.switch_page(FIT_PAGE).run()
    at.radio(key="weights_mode").set_value("ahp").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any("AHP" in w.value for w in at.warning)
    assert not [b for b in at.button if b.key.startswith("FormSubmitter:scn_save_form")]


def test_view_links_round_trip() -> None:
    w = {"fit_stage": "apparel", "fit_exclude_county": ["440513"], "w_policy": 0.35, "lang": "en", "unknown": 1}
    assert decode_view(encode_view(w)) == {k: v for k, v in w.items() if k != "unknown"}


def test_saving_keeps_the_fit_pages_uploads_and_allocation(store: Path) -> None:
    at = _session()
    at.switch_page(FIT_PAGE).run()
    _ok(at)
    shown = at.session_state["_last_study"][0]  # the fit page remembers the study it showed
    assert shown.stage == "dyeing"
    # what only the fit page holds: an uploaded file and the allocation tables
    site = b"adcode,site\n445281,0.9\n"
    study = (StudySettings(stage=shown.stage, origin=shown.origin, level=shown.level,
                           allocate=(("440118", 100.0),), room=(("445281", 60.0),)),
             (("--site", "my site.csv", site),))
    at.switch_page(PAGE).run()
    at.session_state["_last_study"] = study
    at.text_input(key="scn_name").input("with files")
    next(b for b in at.button if b.key.startswith("FormSubmitter:scn_save_form")).click().run()
    _ok(at)
    with open_store(store) as s:
        rec = s.get("with files")
    assert [(t.role, t.file_name, t.data) for t in rec.tables] == [("site", "my site.csv", site)]
    assert rec.settings["allocate"] == [["440118", 100.0]] and rec.settings["room"] == [["445281", 60.0]]
