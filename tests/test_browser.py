"""Drive the served app in Debian's headless Chromium: what only a browser shows.

Starts ``streamlit run app.py`` on a free loopback port, opens it in headless Chromium
(selenium + chromedriver from Debian's chromium-driver), and checks that Leaflet actually
draws the layers offline (no CDN), that the layer control lists every layer, and that a
click on a feature opens a popup carrying its clause.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "out" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
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
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
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
    yield drv
    drv.quit()


def _enter_map_iframe(drv: webdriver.Chrome, timeout: float = 60) -> None:
    drv.switch_to.default_content()
    frame = WebDriverWait(drv, timeout).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "iframe[title*='streamlit_folium']"))
    )
    drv.switch_to.frame(frame)
    WebDriverWait(drv, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".leaflet-container")))


def test_map_draws_every_layer_offline(server: str, browser: webdriver.Chrome) -> None:
    from layers.registry import LAYERS

    browser.get(server)
    _enter_map_iframe(browser)
    WebDriverWait(browser, 60).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")) > 50
    )
    labels = [e.text.strip() for e in browser.find_elements(By.CSS_SELECTOR, ".leaflet-control-layers-overlays label")]
    for spec in LAYERS:
        assert any(spec.title_zh in lab for lab in labels), (spec.id, labels)
    # Leaflet came from the app itself, not a CDN
    scripts = browser.execute_script(
        "return Array.from(document.scripts).map(s => s.src).filter(s => s)"
    )
    assert any("/app/static/leaflet/leaflet.js" in s for s in scripts), scripts
    assert not any("cdn" in s for s in scripts), scripts
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.switch_to.default_content()
    browser.save_screenshot(str(SHOTS / "map_zh.png"))


def test_click_on_zone_opens_popup_with_clause(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server)
    _enter_map_iframe(browser)
    WebDriverWait(browser, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")) > 50)
    # open the popup of the Shantou-Chaozhou-Jieyang zone through Leaflet's own API: find the
    # GeoJSON layer holding it and fire a click at its centre
    text = browser.execute_script(
        """
        var found = null;
        for (var k in window) {
          var v = window[k];
          if (v && v instanceof L.Map) {
            v.eachLayer(function (l) {
              if (!found && l.feature && l.feature.properties &&
                  String(l.feature.properties.name_zh || '').indexOf('汕头潮州揭阳') >= 0) {
                var c = l.getBounds().getCenter();
                l.fire('click', {latlng: c}, true);  // propagate to the GeoJSON group that owns the popup
                found = l;
              }
            });
          }
        }
        return found ? 'clicked' : 'none';
        """
    )
    assert text == "clicked"
    popup = WebDriverWait(browser, 20).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-popup-content"))
    )
    assert "§3" in popup.text
    assert "汕头" in popup.text
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.switch_to.default_content()
    browser.save_screenshot(str(SHOTS / "map_popup.png"))


# ----------------------------------------------------------------------------- transfer-fit page

def _open_fit_page(drv: webdriver.Chrome, url: str) -> None:
    drv.get(f"{url}/transfer_fit")  # the page's fixed url path (its title is translated)
    drv.switch_to.default_content()
    WebDriverWait(drv, 90).until(lambda d: d.find_elements(By.CSS_SELECTOR, "iframe[title*='streamlit_folium']"))


def _summary(drv: webdriver.Chrome) -> str:
    return " ".join(e.text for e in drv.find_elements(By.CSS_SELECTOR, "[data-testid='stAlertContentInfo']"))


def _choose(drv: webdriver.Chrome, label: str, option: str) -> None:
    """Pick the option whose text contains ``option`` in the selectbox labelled ``label``."""
    drv.switch_to.default_content()
    box = WebDriverWait(drv, 60).until(lambda d: d.find_element(
        By.XPATH, f"//*[@data-testid='stSelectbox'][contains(., '{label}')]//input"))
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(option)
    WebDriverWait(drv, 20).until(
        lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, "[role='option']") if option in o.text])[0].click()


def _click_radio(drv: webdriver.Chrome, group: str, option: str, *, sidebar: bool = False) -> None:
    where = "//section[@data-testid='stSidebar']" if sidebar else ""
    drv.switch_to.default_content()
    WebDriverWait(drv, 60).until(lambda d: d.find_element(
        By.XPATH, f"{where}//*[@data-testid='stRadio'][contains(., '{group}')]//label[contains(., '{option}')]")).click()


def test_language_switch_and_page_change_keep_the_choices(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server)
    _enter_map_iframe(browser)  # the layout page first, as a planner opens the app
    browser.switch_to.default_content()
    browser.find_element(By.XPATH, "//a[@data-testid='stTopNavLink'][contains(., '转移承接适配')]").click()
    WebDriverWait(browser, 90).until(lambda d: "增城区" in _summary(d))
    _choose(browser, "转出环节", "(apparel)")
    WebDriverWait(browser, 60).until(lambda d: _summary(d).startswith("服装"))
    _click_radio(browser, "语言", "English", sidebar=True)
    WebDriverWait(browser, 60).until(lambda d: _summary(d).startswith("Apparel leaving"))
    # the next widget touched used to send the stage's Chinese label back and reset it to dyeing
    _click_radio(browser, "Units", "City")
    WebDriverWait(browser, 60).until(lambda d: "Guangzhou" in _summary(d))
    assert _summary(browser).startswith("Apparel leaving Guangzhou"), _summary(browser)
    stage = browser.find_element(By.XPATH, "//*[@data-testid='stSelectbox'][contains(., 'Stage')]//input")
    assert stage.get_attribute("value") == "Apparel (apparel)"
    # to the layout page and back: the fit's choices are still there, in English
    browser.find_element(By.XPATH, "//a[@data-testid='stTopNavLink'][contains(., 'Layout map')]").click()
    WebDriverWait(browser, 60).until(lambda d: not _summary(d) and d.find_elements(
        By.XPATH, "//*[@data-testid='stMultiSelect'][contains(., 'Layers')]"))
    browser.find_element(By.XPATH, "//a[@data-testid='stTopNavLink'][contains(., 'Transfer fit')]").click()
    WebDriverWait(browser, 60).until(lambda d: _summary(d))
    assert _summary(browser).startswith("Apparel leaving Guangzhou"), _summary(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "fit_page_en.png"))


def _enter_fit_map(drv: webdriver.Chrome) -> None:
    drv.switch_to.default_content()
    frames = drv.find_elements(By.CSS_SELECTOR, "iframe[title*='streamlit_folium']")
    drv.switch_to.frame(frames[0])
    WebDriverWait(drv, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".leaflet-container")))


def test_fit_map_draws_scores_and_flow_lines(server: str, browser: webdriver.Chrome) -> None:
    from analysis.fit import score_transfer_fit
    from outputs.fitmap import SCORE_CLASSES

    fit = score_transfer_fit("dyeing", "440118")
    _open_fit_page(browser, server)
    _enter_fit_map(browser)
    palette = [c for _, c in SCORE_CLASSES]
    WebDriverWait(browser, 60).until(
        lambda d: len([p for p in d.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")
                       if p.get_attribute("fill") in palette]) >= int(fit.table["eligible"].sum())
    )
    fills = [p.get_attribute("fill") for p in browser.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")]
    assert fills.count("#bdbdbd") >= int((~fit.table["eligible"].astype(bool)).sum())  # ineligible units grey
    strokes = [p.get_attribute("stroke") for p in browser.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")]
    assert strokes.count("#e6550d") >= 2  # the default allocation's flow lines
    assert strokes.count("#d7301f") == 1  # the origin outline
    legend = browser.find_element(By.CSS_SELECTOR, ".leaflet-container").text
    assert "承接适宜性得分" in legend
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.switch_to.default_content()
    browser.save_screenshot(str(SHOTS / "fit_page.png"))


def _download(drv: webdriver.Chrome, label: str, folder: Path, suffix: str, timeout: float = 120) -> Path:
    drv.switch_to.default_content()
    folder.mkdir(parents=True, exist_ok=True)
    drv.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    button = WebDriverWait(drv, 60).until(
        EC.presence_of_element_located((By.XPATH, f"//button[contains(., '{label}')]"))
    )
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    drv.execute_script("arguments[0].click();", button)
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.5)
    pytest.fail(f"no {suffix} file downloaded from {label!r} within {timeout} s: {list(folder.iterdir())}")


def test_report_pdf_and_everything_zip_download(server: str, browser: webdriver.Chrome, tmp_path: Path) -> None:
    import zipfile

    from analysis.fit import score_transfer_fit

    top = str(score_transfer_fit("dyeing", "440118").top(1)["name_zh"].iloc[0])
    _open_fit_page(browser, server)
    pdf = _download(browser, "下载报告 PDF", tmp_path / "pdf", ".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert top in text and "§19" in text
    zpath = _download(browser, "下载 全部（zip）", tmp_path / "zip", ".zip")
    names = zipfile.ZipFile(zpath).namelist()
    assert {"layers.gpkg", "README.txt"} <= set(names)
    assert "geojson/fit_dyeing_440118.geojson" in names and "geojson/flows_dyeing.geojson" in names


def test_bad_capability_upload_shows_a_message(server: str, browser: webdriver.Chrome, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("adcode,stage,value\n999999,dyeing,3\n440118,knitting,2\n", encoding="utf-8")
    _open_fit_page(browser, server)
    browser.find_element(By.XPATH, "//summary[contains(., '替换输入数据')]").click()
    field = WebDriverWait(browser, 30).until(EC.presence_of_element_located(
        (By.XPATH, "//*[@data-testid='stFileUploader'][contains(., '产业能力 CSV')]//input[@type='file']")))
    field.send_keys(str(bad))
    err = WebDriverWait(browser, 60).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='stAlertContentError']"))
    )
    assert "999999" in err.text and "knitting" in err.text
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "fit_bad_upload.png"))


def test_exclusion_areas_upload_removes_the_top_destination(server: str, browser: webdriver.Chrome,
                                                             tmp_path: Path) -> None:
    import geopandas as gpd

    from analysis.fit import score_transfer_fit
    from layers.boundaries import load_boundaries

    fit = score_transfer_fit("dyeing", "440118")
    top, second = fit.top(2)["adcode"].tolist()
    second_name = str(fit.top(2)["name_zh"].iloc[1])
    geom = load_boundaries("county").set_index("adcode").loc[top].geometry.buffer(0.002)
    path = tmp_path / "redline.geojson"
    gpd.GeoDataFrame(geometry=[geom], crs=4326).to_file(path, driver="GeoJSON")
    _open_fit_page(browser, server)
    browser.find_element(By.XPATH, "//summary[contains(., '替换输入数据')]").click()
    field = WebDriverWait(browser, 30).until(EC.presence_of_element_located(
        (By.XPATH, "//*[@data-testid='stFileUploader'][contains(., '排除区域')]//input[@type='file']")))
    field.send_keys(str(path))
    try:
        WebDriverWait(browser, 90).until(lambda d: second_name in _summary(d) and "最适合" in _summary(d))
    except Exception:
        pytest.fail(f"summary did not move to {second_name}: {_summary(browser)!r}")
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    deadline, fills = time.time() + 60, []
    while time.time() < deadline and "#252525" not in fills:
        try:  # the map iframe is replaced when the fit changes: read it afresh each time
            _enter_fit_map(browser)
            fills = browser.execute_script(
                "return Array.from(document.querySelectorAll('path.leaflet-interactive')).map(p => p.getAttribute('fill'))")
        except Exception:  # stale frame while Streamlit swaps it
            fills = []
        time.sleep(0.5)
    assert "#252525" in fills, "the exclusion areas are not drawn on the fit map"
    browser.switch_to.default_content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "fit_exclusion.png"))
    assert second != top
