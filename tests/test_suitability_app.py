"""The app's suitability page in streamlit.testing.v1.AppTest: the overlay, its legend, a unit's breakdown."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages._common import KEPT_KEYS
from outputs.report_suitability import criterion_sources
from scenario.suitability import criterion_breakdown, study_suitability

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "app_pages/suitability.py"


@pytest.fixture()
def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _map_script(at: AppTest) -> str:
    """The folium map handed to st_folium (its script, as the browser gets it)."""
    scripts = [json.loads(c.proto.json_args).get("script", "") for c in at.get("component_instance")]
    maps = [s for s in scripts if "L.map(" in s]
    assert len(maps) == 1
    return maps[0]


def test_overlay_and_legend_in_both_languages(page: AppTest) -> None:
    script = _map_script(page)
    assert "L.imageOverlay" in script and "data:image/png;base64," in script  # the surface itself
    assert "gd-suit-legend" in script and "限制区（规则排除）" in script and "无数据" in script
    page.sidebar.radio(key="lang").set_value("en").run()
    assert not page.exception
    script = _map_script(page)
    assert "Restricted (a rule removed it)" in script and "No data" in script
    caption = " ".join(c.value for c in page.caption)
    assert "Site suitability: Fibre (incl. chemical fibre) (1000 m)" in caption


def test_stage_choice_and_unit_breakdown(page: AppTest) -> None:
    page.selectbox(key="suit_stage").set_value("dyeing").run()
    page.selectbox(key="suit_unit_county").set_value("445281").run()
    assert not page.exception and not page.error
    assert "印染" in _map_script(page)
    result = study_suitability("dyeing")
    expected = criterion_breakdown(result, "445281")
    table = page.dataframe[0].value
    # each criterion's source in the page's language, as the report says it (the model's recorded Note)
    zh = criterion_sources(result, lang="zh")
    assert len(table) == len(expected) and list(table["source"]) == [zh[c] for c in expected["criterion"]]
    assert any("保留广东46个港口" in t for t in table["source"]) and not any("Guangdong ports" in t for t in table["source"])
    assert any(f"场地条件{expected.attrs['site_mean']:.2f}" in c.value for c in page.caption)
    zonal = page.dataframe[1].value
    assert len(zonal) == 124 and zonal["site_mean"].is_monotonic_decreasing
    assert {b.key for b in page.get("download_button")} >= {"suit_dl_tif", "suit_dl_csv"}
    page.sidebar.radio(key="lang").set_value("en").run()
    assert list(page.dataframe[0].value["source"]) == list(expected["source"])  # English: the model's own words


def test_city_level_and_choices_are_kept(page: AppTest) -> None:
    page.radio(key="suit_level").set_value("city").run()
    assert not page.exception and len(page.dataframe[1].value) == 21
    keys = {w.key for kind in ("radio", "selectbox") for w in page.get(kind) if w.key} - {"lang", "basemap"}
    assert keys <= set(KEPT_KEYS), sorted(keys - set(KEPT_KEYS))


def test_basis_states_the_surface_in_the_planners_language(page: AppTest) -> None:
    def basis() -> str:
        return "\n".join(m.value for m in page.markdown if m.value.startswith("- "))

    zh = basis()  # fibre, the first stage: its rules, the criteria table's notes and the datasets, in Chinese
    assert "距港口距离：权重" in zh and "越小越好（模糊）" in zh and "化纤所需的石化原料（PTA、MEG）走海运" in zh
    assert "searoute 1.6.0" in zh and "保留广东46个港口" in zh
    assert "weight" not in zh and "ASSUMPTION" not in zh
    page.sidebar.radio(key="lang").set_value("en").run()
    en = basis()
    assert "weight 0" in en and "Chemical fibre draws petrochemical feedstock" in en and "46 Guangdong ports kept" in en
