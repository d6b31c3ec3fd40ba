"""In Debian's headless Chromium: a scenario saved in one browser session is listed and reopens in another.

Serves the app with its own store (``GD_TEXTILE_STORE``), saves the current choices from one
browser, closes it, and opens a second browser: the scenario is on the list, the reopen button
brings the transfer-fit page back with the saved choices, and the scenario's link does the same
in a fresh session. The harness (server, browser, waiting for Streamlit) is :mod:`scripts.browser`.
"""
from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from scenario.store import STORE_ENV, open_store
from scripts.browser import choose_option, info_text, open_test_browser, save_shot, serve_app, wait_idle

NAME = "服装东移 apparel east"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store") / "scenarios.sqlite"


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[str]:
    with serve_app(env={STORE_ENV: str(store)}) as url:
        yield url


def _stage_value(drv: webdriver.Chrome) -> str:
    box = drv.find_elements(By.XPATH, "//*[@data-testid='stSelectbox'][contains(., '转出环节')]//input")
    return box[0].get_attribute("value") if box else ""


def _choose(drv: webdriver.Chrome, label: str, option: str) -> None:
    wait_idle(drv)
    choose_option(drv, label, option)


def _nav(drv: webdriver.Chrome, title: str) -> None:
    """Change page through the top navigation (the same session; a new URL would be a new one)."""
    wait_idle(drv)
    drv.find_element(By.XPATH, f"//a[@data-testid='stTopNavLink'][contains(., '{title}')]").click()


def _no_exception(drv: webdriver.Chrome) -> None:
    assert not drv.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")


def test_a_scenario_saved_in_one_session_is_listed_and_reopens_in_another(server: str, store: Path) -> None:
    first = open_test_browser()
    try:
        first.get(f"{server}/transfer_fit")
        WebDriverWait(first, 90).until(lambda d: "增城区" in info_text(d))
        _choose(first, "转出环节", "(apparel)")
        WebDriverWait(first, 60).until(lambda d: info_text(d).startswith("服装"))
        _nav(first, "方案")
        field = WebDriverWait(first, 60).until(lambda d: d.find_element(
            By.XPATH, "//*[@data-testid='stTextInput'][contains(., '方案名称')]//input"))
        wait_idle(first)
        field.send_keys(NAME)
        first.find_element(By.XPATH, "//button[contains(., '保存方案')]").click()
        WebDriverWait(first, 60).until(lambda d: d.find_elements(
            By.XPATH, f"//*[@data-testid='stAlertContentSuccess'][contains(., '{NAME}')]"))
        _no_exception(first)
    finally:
        first.quit()
    with open_store(store) as s:
        assert [r.name for r in s.list_scenarios()] == [NAME]
        assert s.get(NAME).settings["stage"] == "apparel"

    second = open_test_browser()
    try:
        second.get(f"{server}/scenarios")
        WebDriverWait(second, 90).until(lambda d: d.find_elements(By.XPATH, "//button[contains(., '重新打开')]"))
        pick = second.find_element(By.XPATH, "//*[@data-testid='stSelectbox'][contains(., '方案')]//input")
        assert pick.get_attribute("value") == NAME  # listed in a session that never saw it saved
        wait_idle(second)
        second.find_element(By.XPATH, "//button[contains(., '重新打开')]").click()
        WebDriverWait(second, 90).until(lambda d: info_text(d).startswith("服装从增城区"))
        assert _stage_value(second) == "服装 (apparel)"
        _no_exception(second)
        save_shot(second, "scenario_reopened.png")
        # the scenario's link opens it in a fresh session too
        second.get(f"{server}/transfer_fit?{urllib.parse.urlencode({'scenario': NAME})}")
        WebDriverWait(second, 90).until(lambda d: info_text(d).startswith("服装从增城区"))
        _no_exception(second)
    finally:
        second.quit()
