"""A study as a scenario and back, the load-time check of what it names, and the comparison of scenarios."""
from __future__ import annotations

import json
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.exclusion import exclusion_note
from analysis.fit import score_transfer_fit
from analysis.notes import Note
from analysis.weights import ahp_weights
from geo.errors import ScenarioError
from layers.boundaries import load_boundaries
from outputs.comparemap import difference_overlay
from outputs.messages import render_notes
from outputs.report import build_report
from outputs.report_comparison import build_comparison_section
from scenario.compare import compare_scenarios, difference_frame, rank_changes
from scenario.convert import current_data_versions, scenario_to_study, settings_to_scenario
from scenario.exchange import read_scenario_file, scenario_file_bytes
from scenario.record import Scenario, check_scenario
from scenario.store import open_store
from scenario.settings import StudySettings, destination_places
from scenario.study import run_scenario_fit

FULL = StudySettings(
    stage="dyeing", origin="440118", level="county", weights=(("policy", 0.5), ("upstream", 0.25), ("site", 0.25)),
    half_life_h=3.5, network="adjacency", dyeing_parks=("441881",), candidates="all", exclude=("440513",),
    draws=700, seed=3, allocate=(("440118", 100.0),), room=(("445281", 60.0),), lang="en", exclude_share=0.3,
    transfer_to="445281", transfer_share=0.5, notes=("weights agreed at the task-force meeting",),
)
SITE = b"adcode,site\n445281,0.9\n440513,0.2\n"


def _red(adcode: str) -> gpd.GeoDataFrame:
    geom = load_boundaries("county").set_index("adcode").loc[adcode].geometry.buffer(0.001)
    return gpd.GeoDataFrame(geometry=[geom], crs=4326)


def test_every_setting_table_and_area_survives_the_round_trip_through_a_file() -> None:
    rec = settings_to_scenario(FULL, name="full", files=[("--site", "site.csv", SITE)],
                               areas={"red.gpkg": _red("440514")}, author="李华")
    back = read_scenario_file(scenario_file_bytes(check_scenario(rec)))
    study = scenario_to_study(back)
    assert replace(study.settings, files=()) == FULL
    assert study.settings.files == (("--site", "site.csv"), ("--exclude-areas", "red.gpkg"))
    assert study.files == (("--site", "site.csv", SITE),)
    assert study.areas["red.gpkg"].geometry.iloc[0].equals(_red("440514").geometry.iloc[0])
    assert back.author == "李华" and study.data_changes == ()
    assert json.loads(json.dumps(back.settings)) == back.settings  # plain JSON


def test_the_saved_study_runs_as_the_fit_of_the_same_choices() -> None:
    s = StudySettings(stage="apparel", origin="440118", weights=(("policy", 0.6), ("upstream", 0.4)), exclude=("440513",))
    study = scenario_to_study(settings_to_scenario(s, name="a", areas={"red": _red("441802")}))
    fit = run_scenario_fit(study)
    direct = score_transfer_fit("apparel", "440118", weights={"policy": 0.6, "upstream": 0.4},
                                exclude=["440513", "441802"])
    got = fit.table.set_index("adcode")
    want = direct.table.set_index("adcode")
    assert not got.loc["441802", "eligible"] and not got.loc["440513", "eligible"]
    pd.testing.assert_series_equal(got["score"], want["score"])
    assert any("red" in a for a in fit.assumptions)


def test_origin_names_are_saved_as_adcodes_and_data_versions_hash_every_dataset() -> None:
    rec = settings_to_scenario(StudySettings(stage="dyeing", origin="增城区"), name="a")
    assert rec.settings["origin"] == "440118"
    v = current_data_versions()
    assert all(x.startswith("sha256:") and len(x) == 71 for x in v.values())
    assert current_data_versions() == v  # cached, the same
    old = Scenario(name="old", settings=rec.settings, data_versions={**v, "boundaries": "sha256:" + "0" * 64,
                                                                     "gone": "v1"})
    changes = scenario_to_study(old).data_changes
    assert [c[0] for c in changes] == ["boundaries", "gone"] and changes[1] == ("gone", "v1", None)


def test_everything_that_no_longer_exists_is_listed_in_one_error() -> None:
    rec = Scenario(name="old", settings={
        "stage": "knitting", "origin": "449999", "exclude": ["440513", "449998"], "dyeing_parks": ["449997"],
        "allocate": [["449996", 10]], "room": [["445281", 5], ["no_such_park", 5]], "transfer_to": "449995",
        "weights": {"policy": 1, "rail": 1}, "decay_km": 60})
    with pytest.raises(ScenarioError) as info:
        scenario_to_study(rec)
    problems = info.value.problems
    text = str(info.value)
    for bit in ("stage 'knitting'", "'449999'", "'449998'", "'449997'", "'449996'", "'449995'", "['rail']",
                "decay_km"):
        assert bit in text, bit
    assert len(problems) == 8 and "no_such_park" not in text  # the stage is gone, so its places are not checked
    good_room = destination_places("dyeing")["id"].iloc[0]
    ok = scenario_to_study(Scenario(name="ok", settings={"stage": "dyeing", "origin": "440118",
                                                         "room": [[good_room, 5], ["445281", 5]]}))
    assert ok.settings.room == ((good_room, 5.0), ("445281", 5.0))


def test_wrong_types_and_ranges_are_listed_too() -> None:
    rec = Scenario(name="typed", settings={"stage": "dyeing", "origin": "440118", "level": "province",
                                           "half_life_h": "fast", "draws": -1, "exclude": "440513",
                                           "candidates": "some", "exclude_share": 2, "allocate": [["440118", -5]]})
    with pytest.raises(ScenarioError) as info:
        scenario_to_study(rec)
    text = str(info.value)
    for bit in ("settings.level", "settings.half_life_h", "settings.draws", "settings.exclude", "settings.candidates",
                "settings.exclude_share", "settings.allocate"):
        assert bit in text, bit


# ----------------------------------------------------------------------------- the study's notes

def _coded_notes() -> tuple[str, ...]:
    """An AHP note (its source a nested Note), an exclusion note and a planner's own sentence."""
    ahp = ahp_weights(np.ones((3, 3))).describe(Note("weights.ahp_typed"))
    red = exclusion_note(pd.DataFrame({"adcode": ["440118", "445281"]}), min_share=0.5, source="红线.gpkg")
    return ahp, red, "weights agreed at the task-force meeting"


def test_coded_notes_come_back_as_notes_from_the_store_and_the_file(tmp_path) -> None:
    notes = _coded_notes()
    rec = settings_to_scenario(replace(FULL, notes=notes), name="coded")
    saved = rec.settings["notes"]  # code and values beside the words, nested Notes too; plain text stays text
    assert [n["code"] for n in saved[:2]] == ["weights.ahp", "exclusion.units"] and saved[2] == notes[2]
    assert saved[0]["text"] == notes[0] and saved[0]["params"]["source"] == {"__note__": "weights.ahp_typed"}
    assert saved[1]["params"]["codes"] == ["440118", "445281"]
    with open_store(tmp_path / "s.sqlite") as store:
        store.save(rec)
        from_store = store.get("coded")
        # a Note put straight into a record's settings keeps its code through the store too
        store.save(Scenario(name="direct", settings={"stage": "dyeing", "origin": "440118", "notes": list(notes)}))
        direct = store.get("direct")
    from_file = read_scenario_file(scenario_file_bytes(from_store))
    for back in (from_store, from_file, direct):
        got = scenario_to_study(back).settings.notes
        assert got == notes
        assert [getattr(n, "code", None) for n in got] == ["weights.ahp", "exclusion.units", None]
        assert got[0].params["source"].code == "weights.ahp_typed"
        zh = render_notes(got, lang="zh")
        assert zh == render_notes(notes, lang="zh") and zh != list(notes)
        assert zh[0].startswith("权重由层次分析法") and "在应用中输入的两两比较矩阵" in zh[0]
        assert zh[1].startswith("假设：") and "“红线.gpkg”" in zh[1] and zh[2] == notes[2]
        assert render_notes(got, lang="en") == list(notes)


def test_notes_saved_as_text_or_no_longer_coded_keep_their_words() -> None:
    base = {"stage": "dyeing", "origin": "440118"}
    words = [str(n) for n in _coded_notes()]  # a scenario saved before notes kept their codes
    old = scenario_to_study(check_scenario(Scenario(name="old", settings={**base, "notes": words}))).settings.notes
    assert old == tuple(words) and not any(isinstance(n, Note) for n in old)
    assert render_notes(old, lang="zh") == words  # said as saved
    (coded,) = settings_to_scenario(replace(FULL, notes=_coded_notes()[:1]), name="x").settings["notes"]
    for entry in ({**coded, "code": "weights.gone"},  # a code this version lacks
                  {**coded, "text": coded["text"].replace("eigenvector", "Eigenvektor")},  # words edited by hand
                  {**coded, "params": {}}):  # values missing
        (n,) = scenario_to_study(Scenario(name="e", settings={**base, "notes": [entry]})).settings.notes
        assert n == entry["text"] and not isinstance(n, Note)
    for bad in (["ok", {"code": "weights.ahp"}], "one sentence", [3]):
        with pytest.raises(ScenarioError, match=r"settings\.notes"):
            scenario_to_study(Scenario(name="bad", settings={**base, "notes": bad}))


def test_a_reopened_study_says_its_notes_in_chinese_in_its_report_and_comparison() -> None:
    a = read_scenario_file(scenario_file_bytes(settings_to_scenario(
        StudySettings(stage="apparel", origin="440118", notes=_coded_notes()), name="ahp")))
    b = settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="plain")
    fit = run_scenario_fit(scenario_to_study(a))
    assert [n.code for n in fit.assumptions if getattr(n, "code", "").startswith(("weights.ahp", "exclusion"))] == [
        "weights.ahp", "exclusion.units"]
    html = build_report(fit, lang="zh", maps=False, evidence=False).html
    appendix = html[html.index('id="appendix"'):]
    assert "权重由层次分析法（AHP，主特征向量法）根据“在应用中输入的两两比较矩阵”求得" in appendix
    assert "weights by AHP" not in appendix and "ASSUMPTION: units" not in appendix
    c = compare_scenarios([b, a])
    ((key, before, after),) = [d for d in c.differences["ahp"] if d[0] == "notes"]
    assert before == [] and [getattr(n, "code", None) for n in after] == ["weights.ahp", "exclusion.units", None]
    section = build_comparison_section("plain", {"ahp": (rank_changes(c, top=3), c.differences["ahp"])}, lang="zh")
    ((empty, cell),) = [(d["before"], d["after"]) for d in section.others[0]["differences"] if d["key"] == "notes"]
    assert empty == "–" and cell.startswith("权重由层次分析法") and "weights by AHP" not in cell


JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False,
                       allow_infinity=False) | st.text(max_size=12), lambda c: st.lists(c, max_size=3)
                       | st.dictionaries(st.text(max_size=8), c, max_size=3), max_leaves=8)
KEYS = st.sampled_from(["stage", "origin", "level", "weights", "half_life_h", "network", "dyeing_parks", "candidates",
                        "exclude", "draws", "seed", "allocate", "room", "lang", "exclude_share", "transfer_to",
                        "transfer_share", "notes", "widgets", "other"])


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.dictionaries(KEYS, JSONISH, max_size=6))
def test_a_hand_edited_scenario_loads_or_says_why(edits: dict) -> None:
    rec = Scenario(name="edited", settings={"stage": "dyeing", "origin": "440118", **edits})
    try:
        rec = check_scenario(rec)
        study = scenario_to_study(rec)
    except ScenarioError as exc:
        assert str(exc).strip()
    else:  # what loads is what the file says
        s = study.settings
        assert s.stage == rec.settings["stage"] and s.origin == rec.settings["origin"]
        assert list(s.exclude) == rec.settings.get("exclude", [])


# ----------------------------------------------------------------------------- comparison

def _pair() -> tuple[Scenario, Scenario]:
    a = settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="base")
    b = settings_to_scenario(StudySettings(stage="apparel", origin="440118", weights=(("policy", 1.0),),
                                           exclude=("441802",)), name="policy")
    return a, b


def test_rank_changes_and_differences_follow_the_fits() -> None:
    a, b = _pair()
    c = compare_scenarios([a, b])
    t = c.table.set_index("adcode")
    fa, fb = (f.table.set_index("adcode") for f in c.fits)
    assert t["rank_0"].dropna().astype(int).to_dict() == fa["rank"].dropna().astype(int).to_dict()
    both = t.dropna(subset=["rank_0", "rank_1"])
    assert (both["rank_change_1"] == both["rank_0"] - both["rank_1"]).all()
    np.testing.assert_allclose(both["score_diff_1"], fb.loc[both.index, "score"] - fa.loc[both.index, "score"])
    assert t.loc["441802", "status_1"] == "dropped" and pd.isna(t.loc["441802", "rank_1"])
    assert c.differences["policy"] == [("exclude", [], ["441802"]), ("weights.policy", None, 1.0)]
    moved = rank_changes(c, against="policy", top=5)
    assert moved.iloc[0]["adcode"] == "441802"  # leaving the ranking comes first
    assert moved["rank_change"].iloc[1:].abs().is_monotonic_decreasing
    diff = difference_frame(c)
    assert len(diff) == len(c.table) and diff.crs.to_epsg() == 4326
    ov = difference_overlay(diff, lang="en")
    assert ov.gdf.set_index("adcode").loc["441802", "_colour"] == "#bdbdbd"


def test_a_scenario_against_itself_changes_nothing_and_three_line_up() -> None:
    a, b = _pair()
    same = compare_scenarios([a, a])
    assert same.differences == {"base": []} and (same.table["rank_change_1"].dropna() == 0).all()
    assert rank_changes(same).empty
    three = compare_scenarios([a, b, settings_to_scenario(StudySettings(stage="apparel", origin="440118",
                                                                        half_life_h=6.0), name="6 h")])
    assert {"rank_2", "rank_change_2", "score_diff_2", "status_2"} <= set(three.table.columns)
    assert three.differences["6 h"] == [("half_life_h", 2.0, 6.0)]
    with pytest.raises(ScenarioError, match="other than the baseline"):
        rank_changes(three, against="base")


def test_comparisons_that_cannot_be_made_say_why() -> None:
    a, _ = _pair()
    with pytest.raises(ScenarioError, match="two or more"):
        compare_scenarios([a])
    city = settings_to_scenario(StudySettings(stage="apparel", origin="440100", level="city"), name="city")
    with pytest.raises(ScenarioError, match="same level"):
        compare_scenarios([a, city])
    with pytest.raises(ScenarioError, match="knitting"):
        compare_scenarios([a, Scenario(name="old", settings={"stage": "knitting", "origin": "440118"})])


def test_the_report_section_escapes_names_and_lists_the_moves() -> None:
    a, b = _pair()
    c = compare_scenarios([a, b])
    evil = "<script>alert(1)</script>"
    section = build_comparison_section("base", {evil: (rank_changes(c, top=3), c.differences["policy"])}, lang="en",
                                       data_changes={evil: ["boundaries"]})
    html = build_report(c.fits[0], lang="en", maps=False, comparison=section).html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "Comparison of scenarios" in html and "weights.policy" in html and "boundaries" in html
    assert section.others[0]["rows"][0]["change"] == "–" and section.others[0]["rows"][1]["change"][0] in "+-"
    assert "Comparison of scenarios" not in build_report(c.fits[0], lang="en", maps=False).html
