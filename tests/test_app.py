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
