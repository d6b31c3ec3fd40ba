"""In Debian's headless Chromium: a scenario saved in one browser session is listed and reopens in another.

Serves the app with its own store (``GD_TEXTILE_STORE``), saves the current choices from one
browser, closes it, and opens a second browser: the scenario is on the list, the reopen button
brings the transfer-fit page back with the saved choices, and the scenario's link does the same
in a fresh session.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from scenario.store import STORE_ENV, open_store

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "out" / "screenshots"
NAME = "服装东移 apparel east"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store") / "scenarios.sqlite"


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", STORE_ENV: str(store)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"streamlit exited early:\n{out}")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not open its port within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    if proc.stdout:
        proc.stdout.close()


def _browser() -> webdriver.Chrome:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_bin = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not Path(chromium).exists() or not Path(driver_bin).exists():
        pytest.fail("Chromium and ChromeDriver are needed: apt-get install -y chromium chromium-driver "
                    "(scripts/setup.sh --test does this)")
    opts = Options()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1500,1000"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(driver_bin), options=opts)
    drv.set_page_load_timeout(60)
    return drv


def _summary(drv: webdriver.Chrome) -> str:
    return " ".join(e.text for e in drv.find_elements(By.CSS_SELECTOR, "[data-testid='stAlertContentInfo']"))


def _stage_value(drv: webdriver.Chrome) -> str:
    box = drv.find_elements(By.XPATH, "//*[@data-testid='stSelectbox'][contains(., '转出环节')]//input")
    return box[0].get_attribute("value") if box else ""


def _idle(drv: webdriver.Chrome, timeout: float = 120) -> None:
    """Until Streamlit has finished its run: a choice made mid-run can be lost in its rerun queue."""
    WebDriverWait(drv, timeout).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']"))


def _choose(drv: webdriver.Chrome, label: str, option: str) -> None:
    _idle(drv)
    box = WebDriverWait(drv, 60).until(lambda d: d.find_element(
        By.XPATH, f"//*[@data-testid='stSelectbox'][contains(., '{label}')]//input"))
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(option)
    WebDriverWait(drv, 20).until(
        lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, "[role='option']") if option in o.text])[0].click()


def _nav(drv: webdriver.Chrome, title: str) -> None:
    """Change page through the top navigation (the same session; a new URL would be a new one)."""
    _idle(drv)
    drv.find_element(By.XPATH, f"//a[@data-testid='stTopNavLink'][contains(., '{title}')]").click()


def _no_exception(drv: webdriver.Chrome) -> None:
    assert not drv.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")


def test_a_scenario_saved_in_one_session_is_listed_and_reopens_in_another(server: str, store: Path) -> None:
    first = _browser()
    try:
        first.get(f"{server}/transfer_fit")
        WebDriverWait(first, 90).until(lambda d: "增城区" in _summary(d))
        _choose(first, "转出环节", "(apparel)")
        WebDriverWait(first, 60).until(lambda d: _summary(d).startswith("服装"))
        _nav(first, "方案")
        field = WebDriverWait(first, 60).until(lambda d: d.find_element(
            By.XPATH, "//*[@data-testid='stTextInput'][contains(., '方案名称')]//input"))
        _idle(first)
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

    second = _browser()
    try:
        second.get(f"{server}/scenarios")
        WebDriverWait(second, 90).until(lambda d: d.find_elements(By.XPATH, "//button[contains(., '重新打开')]"))
        pick = second.find_element(By.XPATH, "//*[@data-testid='stSelectbox'][contains(., '方案')]//input")
        assert pick.get_attribute("value") == NAME  # listed in a session that never saw it saved
        _idle(second)
        second.find_element(By.XPATH, "//button[contains(., '重新打开')]").click()
        WebDriverWait(second, 90).until(lambda d: _summary(d).startswith("服装从增城区"))
        assert _stage_value(second) == "服装 (apparel)"
        _no_exception(second)
        SHOTS.mkdir(parents=True, exist_ok=True)
        second.save_screenshot(str(SHOTS / "scenario_reopened.png"))
        # the scenario's link opens it in a fresh session too
        second.get(f"{server}/transfer_fit?{urllib.parse.urlencode({'scenario': NAME})}")
        WebDriverWait(second, 90).until(lambda d: _summary(d).startswith("服装从增城区"))
        _no_exception(second)
    finally:
        second.quit()
