"""Drive the served app in Debian's headless Chromium: what only a browser shows.

Starts ``streamlit run app.py`` on a free loopback port, opens it in headless Chromium
(selenium + chromedriver from Debian's chromium-driver), and checks that Leaflet actually
draws the layers offline (no CDN) with a legend and a search box, that every stacked point
can be clicked and a click lists everything under it, that popups are readable and carry
their clause, that the Gaode basemap shifts the layers to GCJ-02, and the transfer-fit page.
The harness (server, browser, waiting for Streamlit) is :mod:`scripts.browser`.
"""
from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from scripts.browser import (
    MAP_FRAME,
    ROOT,
    choose_option,
    click_radio,
    enter_map_iframe,
    info_text,
    open_test_browser,
    save_shot,
    serve_app,
    wait_map_drawn,
    wait_settled,
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_app() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    drv = open_test_browser()
    yield drv
    drv.quit()


def test_map_draws_every_layer_offline_with_a_legend_and_one_layer_control(server: str,
                                                                            browser: webdriver.Chrome) -> None:
    from layers.registry import LAYERS

    browser.get(server)
    enter_map_iframe(browser)
    wait_map_drawn(browser)
    assert len(browser.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")) >= 30  # regions, cities, ...
    assert len(browser.find_elements(By.CSS_SELECTOR, ".gd-pt .gd-shape")) >= 40  # every point, its own symbol
    legend = browser.find_element(By.CSS_SELECTOR, ".gd-legend").text
    for spec in LAYERS:
        assert (spec.title_zh in legend) == spec.show, (spec.id, legend)  # the layers shown, and only those
    assert "珠三角" in legend and "粤东" in legend  # the regions' colours
    # the sidebar list is the page's one layer control: none inside the map
    assert not browser.find_elements(By.CSS_SELECTOR, ".leaflet-control-layers")
    # Leaflet came from the app itself, not a CDN; its attribution carries no flag
    scripts = browser.execute_script("return Array.from(document.scripts).map(s => s.src).filter(s => s)")
    assert any("/app/static/leaflet/leaflet.js" in s for s in scripts), scripts
    assert not any("cdn" in s for s in scripts), scripts
    attribution = browser.find_element(By.CSS_SELECTOR, ".leaflet-control-attribution")
    assert "Leaflet" in attribution.text and "<svg" not in attribution.get_attribute("innerHTML")
    # the first view holds the whole province, Chaoshan included, and city names are written on it
    inside = browser.execute_script(
        "var b = window.gdMap.getBounds(); return b.contains([20.3, 109.7]) && b.contains([25.4, 117.2]);")
    assert inside
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".gd-label")]
    assert "汕头市" in labels and "广州市" in labels
    browser.switch_to.default_content()
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stAppDeployButton']")
    save_shot(browser, "map_zh.png")


def test_click_on_zone_opens_popup_with_clause(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server)
    enter_map_iframe(browser)
    wait_map_drawn(browser)
    # open the popup of the Shantou-Chaozhou-Jieyang zone through Leaflet's own API
    text = browser.execute_script(
        """
        var it = window.gdMap._gdItems.filter(function (i) {
          return String(i.feature.properties.name_zh || '').indexOf('汕头潮州揭阳') >= 0; })[0];
        if (!it) return 'none';
        it.layer.fire('click', {latlng: it.layer.getBounds().getCenter()});
        return 'clicked';
        """
    )
    assert text == "clicked"
    popup = WebDriverWait(browser, 20).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-popup-content"))
    )
    text = browser.execute_script("return arguments[0].innerText", popup)  # scrolled part included
    assert "§3" in text and "汕头" in text
    # readable: the label column is not broken one character per line, the popup fits the map and scrolls
    th = browser.find_element(By.CSS_SELECTOR, ".leaflet-popup-content details[open] th")
    assert th.size["height"] < 24, th.size
    box = browser.execute_script(
        "var p = document.querySelector('.leaflet-popup-content'), m = window.gdMap.getContainer();"
        "return [p.getBoundingClientRect().width, p.getBoundingClientRect().height, m.clientHeight,"
        " getComputedStyle(p).overflowY];")
    assert 240 <= box[0] <= 420 and box[1] <= box[2] - 100 and box[3] == "auto", box
    # the clause and the source come before what the feature is
    heads = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content details[open] th")]
    assert heads.index("政策条款") < heads.index("类别") and heads.index("来源") < heads.index("类别"), heads
    save_shot(browser, "map_popup.png")


def test_every_stacked_point_can_be_clicked_and_a_click_lists_everything_there(server: str,
                                                                             browser: webdriver.Chrome) -> None:
    browser.get(server)
    enter_map_iframe(browser)
    wait_map_drawn(browser)
    stacks = browser.execute_script(
        """
        var by = {};
        window.gdMap._gdItems.filter(function (i) { return i.pt; }).forEach(function (i) {
          var k = i.latlng.lat.toFixed(5) + ',' + i.latlng.lng.toFixed(5); (by[k] = by[k] || []).push(i); });
        return Object.keys(by).map(function (k) { return [k, by[k].length]; })
          .sort(function (a, b) { return b[1] - a[1]; });
        """
    )
    key, size = stacks[0]
    assert size >= 5, stacks[:3]  # Guangzhou's city seat holds several places
    WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".leaflet-zoom-anim"))
    shapes = browser.execute_script(
        """
        return window.gdMap._gdItems.filter(function (i) {
          return i.pt && (i.latlng.lat.toFixed(5) + ',' + i.latlng.lng.toFixed(5)) === arguments[0]; })
          .map(function (i) { return [i.layer._icon.querySelector('.gd-shape'), i.feature.properties.name_zh]; });
        """.replace("arguments[0]", repr(key))
    )
    centres = []
    for shape, _name in shapes:
        r = shape.rect
        centres.append((r["x"] + r["width"] / 2, r["y"] + r["height"] / 2))
    gaps = [((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for i, a in enumerate(centres) for b in centres[i + 1:]]
    assert min(gaps) >= 8, gaps  # spread apart, none hidden under another
    for shape, name in shapes:
        browser.execute_script("window.gdMap.closePopup();")
        time.sleep(0.5)  # the previous popup's pan has ended
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", shape)
        ActionChains(browser).move_to_element(shape).click().perform()  # a real click on the symbol
        try:
            first = WebDriverWait(browser, 10).until(
                EC.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-popup-content .gd-name")))
        except Exception:
            r = shape.rect
            hit = browser.execute_script(
                "var e = document.elementFromPoint(arguments[0], arguments[1]); return e && e.outerHTML.slice(0, 200);",
                r["x"] + r["width"] / 2, r["y"] + r["height"] / 2)
            pytest.fail(f"no popup after a click on {name!r} at {r}: the click hit {hit}")
        assert first.text == name
        here = browser.find_element(By.CSS_SELECTOR, ".leaflet-popup-content .gd-here").text
        assert int(re.search(r"\d+", here).group()) >= size  # every place at that point, and the areas under it
        assert len(browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content details")) >= size
    save_shot(browser, "map_stack.png")


def test_click_inside_guangzhou_lists_the_zone_the_pole_and_the_city(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server)
    enter_map_iframe(browser)
    wait_map_drawn(browser)
    browser.execute_script("window.gdMap.setView([23.55, 113.55], 9);"  # Conghua/Zengcheng, away from symbols
                           "window.gdMap.on('click', function (e) { window._gdMapClick = [e.latlng.lat, e.latlng.lng]; });")
    time.sleep(0.5)
    x, y = browser.execute_script("var p = window.gdMap.latLngToContainerPoint([23.55, 113.55]); return [p.x, p.y];")
    container = browser.find_element(By.CSS_SELECTOR, ".leaflet-container")
    w, h = container.size["width"], container.size["height"]
    ActionChains(browser).move_to_element_with_offset(container, int(x - w / 2), int(y - h / 2)).click().perform()
    WebDriverWait(browser, 10).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".leaflet-popup-content")))
    kinds = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .gd-kind")]
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .gd-name")]
    assert any(k.startswith("两极") for k in kinds) and any(k.startswith("三区") for k in kinds), kinds
    assert "广州市" in names and any(k.startswith("四大区域") for k in kinds), (names, kinds)
    # and the map itself hears the click (a page reading the clicked point still gets it)
    lat, lng = browser.execute_script("return window._gdMapClick")
    assert abs(lat - 23.55) < 0.02 and abs(lng - 113.55) < 0.02


def test_search_finds_a_town_by_chinese_name_and_pinyin_and_zooms_to_it(server: str,
                                                                       browser: webdriver.Chrome) -> None:
    browser.get(server)
    enter_map_iframe(browser)
    wait_map_drawn(browser)
    for query in ("新塘", "Humen"):
        box = browser.find_element(By.CSS_SELECTOR, ".gd-search input")
        box.clear()
        box.send_keys(query)
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".gd-search li"))
        box.send_keys(Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: d.execute_script("return window.gdMap.getZoom() >= 10"))
        found = browser.execute_script("return window.gdMap._gdFound")
        lat, lng = browser.execute_script("var c = window.gdMap.getCenter(); return [c.lat, c.lng];")
        want = {"新塘": (23.12, 113.6), "Humen": (22.815, 113.673)}[query]
        assert found.startswith({"新塘": "新塘牛仔", "Humen": "虎门女装"}[query]), found
        assert abs(lat - want[0]) < 0.02 and abs(lng - want[1]) < 0.02, (query, lat, lng)
    save_shot(browser, "map_search.png")


def test_gaode_basemap_shifts_the_layers_to_gcj02(server: str, browser: webdriver.Chrome) -> None:
    from geo.gcj02 import wgs84_to_gcj02

    browser.get(server)
    enter_map_iframe(browser)
    wait_map_drawn(browser)
    xintang = "return window.gdMap._gdItems.filter(function (i) { return i.feature.properties.name_zh === '新塘牛仔'; })" \
              "[0].latlng"
    plain = browser.execute_script(xintang)
    assert (plain["lat"], plain["lng"]) == pytest.approx((23.12, 113.6), abs=1e-6)  # WGS84 without tiles
    click_radio(browser, "底图", "高德地图", sidebar=True)
    deadline, shifted = time.time() + 60, None
    while time.time() < deadline and not shifted:
        try:  # the map iframe is replaced when the basemap changes
            enter_map_iframe(browser, timeout=10)
            wait_map_drawn(browser, timeout=10)
            tiles = browser.execute_script("return Array.from(document.querySelectorAll('img.leaflet-tile'))"
                                           ".map(function (t) { return t.src; })")
            if tiles and all("autonavi.com" in t for t in tiles):
                shifted = browser.execute_script(xintang)
        except Exception:
            time.sleep(0.5)
    assert shifted, "the Gaode tiles never appeared"
    lon, lat = wgs84_to_gcj02(113.6, 23.12)
    assert (shifted["lat"], shifted["lng"]) == pytest.approx((float(lat), float(lon)), abs=1e-6)
    assert 300 < abs(shifted["lng"] - 113.6) * 102_000 < 800  # a few hundred metres east, as GCJ-02 does here
    attribution = browser.find_element(By.CSS_SELECTOR, ".leaflet-control-attribution").text
    assert "高德" in attribution


# ----------------------------------------------------------------------------- transfer-fit page

def _open_fit_page(drv: webdriver.Chrome, url: str) -> None:
    drv.get(f"{url}/transfer_fit")  # the page's fixed url path (its title is translated)
    drv.switch_to.default_content()
    WebDriverWait(drv, 90).until(lambda d: d.find_elements(By.CSS_SELECTOR, MAP_FRAME))


def test_language_switch_and_page_change_keep_the_choices(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server)
    enter_map_iframe(browser)  # the layout page first, as a planner opens the app
    browser.switch_to.default_content()
    browser.find_element(By.XPATH, "//a[@data-testid='stTopNavLink'][contains(., '转移承接适配')]").click()
    WebDriverWait(browser, 90).until(lambda d: "增城区" in info_text(d))
    wait_settled(browser)
    choose_option(browser, "转出环节", "(apparel)")
    WebDriverWait(browser, 60).until(lambda d: info_text(d).startswith("服装"))
    wait_settled(browser)
    click_radio(browser, "语言", "English", sidebar=True)
    WebDriverWait(browser, 60).until(lambda d: info_text(d).startswith("Apparel leaving"))
    wait_settled(browser)
    # the next widget touched used to send the stage's Chinese label back and reset it to dyeing
    click_radio(browser, "Units", "City")
    WebDriverWait(browser, 60).until(lambda d: "Guangzhou" in info_text(d))
    wait_settled(browser)
    assert info_text(browser).startswith("Apparel leaving Guangzhou"), info_text(browser)
    stage = browser.find_element(By.XPATH, "//*[@data-testid='stSelectbox'][contains(., 'Stage')]//input")
    assert stage.get_attribute("value") == "Apparel (apparel)"
    # to the layout page and back: the fit's choices are still there, in English
    browser.find_element(By.XPATH, "//a[@data-testid='stTopNavLink'][contains(., 'Layout map')]").click()
    WebDriverWait(browser, 60).until(lambda d: not info_text(d) and d.find_elements(
        By.XPATH, "//*[@data-testid='stMultiSelect'][contains(., 'Layers')]"))
    browser.find_element(By.XPATH, "//a[@data-testid='stTopNavLink'][contains(., 'Transfer fit')]").click()
    WebDriverWait(browser, 60).until(lambda d: info_text(d))
    wait_settled(browser)
    assert info_text(browser).startswith("Apparel leaving Guangzhou"), info_text(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    save_shot(browser, "fit_page_en.png")


def _enter_fit_map(drv: webdriver.Chrome) -> None:
    drv.switch_to.default_content()
    frames = drv.find_elements(By.CSS_SELECTOR, MAP_FRAME)
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
    legend = browser.find_element(By.CSS_SELECTOR, ".gd-legend").text
    assert "承接适宜性得分" in legend and "0.8–1.0" in legend and "产能转移流向" in legend
    widths = {p.get_attribute("stroke-width") for p in browser.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")
              if p.get_attribute("stroke") == "#e6550d"}
    assert widths == {"10"}, widths  # the default 50 + 50: both lines as wide as the largest amount
    # one layer control, collapsed to a button until the planner opens it
    (control,) = browser.find_elements(By.CSS_SELECTOR, ".leaflet-control-layers")
    assert "leaflet-control-layers-expanded" not in control.get_attribute("class")
    assert control.size["width"] < 60 and control.size["height"] < 60, control.size
    save_shot(browser, "fit_page.png")


def test_fit_page_charts_are_drawn_with_a_band_per_destination(server: str, browser: webdriver.Chrome) -> None:
    # the study's pictures are Vega-Lite charts drawn by the browser; a fixed height once squeezed every
    # destination into one line, which no spec test sees
    _open_fit_page(browser, server)
    browser.switch_to.default_content()
    WebDriverWait(browser, 90).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".vega-embed")) >= 4)
    charts = browser.find_elements(By.CSS_SELECTOR, ".vega-embed")
    for c in charts:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", c)
    WebDriverWait(browser, 30).until(
        lambda d: all(e.size["height"] > 150 for e in d.find_elements(By.CSS_SELECTOR, ".vega-embed")))
    # components (3 eligible destinations), P(rank 1)/P(top 3), the completeness grid, the explained destination
    assert len(browser.find_elements(By.CSS_SELECTOR, ".vega-embed")) == 4


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
    readme = zipfile.ZipFile(zpath).read("README.txt").decode("utf-8")
    assert readme.startswith("广东纺织服装产业布局规划工具 - 数据导出")  # in the app's language
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
    # which upload, which file, and what to do; the rest of the page still answers without it
    assert "产业能力 CSV" in err.text and "bad.csv" in err.text and "重新上传" in err.text
    assert "增城区" in info_text(browser)  # the ranking's summary, on the defaults
    assert browser.find_elements(By.CSS_SELECTOR, MAP_FRAME)  # the map
    assert len(browser.find_elements(By.CSS_SELECTOR, "[data-testid='stDownloadButton']")) >= 2
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    # a second bad file (empty) is named too, and the page still stands
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    browser.find_element(By.XPATH, "//*[@data-testid='stFileUploader'][contains(., '起讫距离矩阵')]//input[@type='file']"
                         ).send_keys(str(empty))
    WebDriverWait(browser, 60).until(lambda d: any(
        "empty.csv" in e.text for e in d.find_elements(By.CSS_SELECTOR, "[data-testid='stAlertContentError']")))
    errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stAlertContentError']")]
    assert any("起讫距离矩阵" in e and "empty.csv" in e for e in errors), errors
    assert "增城区" in info_text(browser)
    save_shot(browser, "fit_bad_upload.png")


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
        WebDriverWait(browser, 90).until(lambda d: second_name in info_text(d) and "最适合" in info_text(d))
    except Exception:
        pytest.fail(f"summary did not move to {second_name}: {info_text(browser)!r}")
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
    save_shot(browser, "fit_exclusion.png")
    assert second != top


def test_an_image_added_by_another_module_is_moved_to_gcj02_on_gaode(browser: webdriver.Chrome,
                                                                      tmp_path: Path) -> None:
    import folium

    from geo.gcj02 import wgs84_to_gcj02
    from outputs.webmap import build_map

    south_west, north_east = (22.0, 112.0), (24.0, 115.0)
    for basemap in ("gaode", "osm"):
        m = build_map(["zones"], basemap=basemap, leaflet_prefix=(ROOT / "static" / "leaflet").as_uri())
        png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
        folium.raster_layers.ImageOverlay(image="data:image/png;base64," + png, bounds=[south_west, north_east]
                                          ).add_to(m)  # as the suitability page adds its surface
        page = tmp_path / f"{basemap}.html"
        page.write_text(m.get_root().render(), encoding="utf-8")
        browser.get(page.as_uri())
        wait_map_drawn(browser)
        b = browser.execute_script(
            "var out = null; window.gdMap.eachLayer(function (l) { if (l instanceof L.ImageOverlay) {"
            " var b = l.getBounds(); out = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; } }); return out;")
        if basemap == "gaode":
            (w, e), (s, n) = wgs84_to_gcj02([112.0, 115.0], [22.0, 24.0])
            assert b == pytest.approx([float(s), float(w), float(n), float(e)], abs=2e-5)  # the grid's interpolation
        else:
            assert b == pytest.approx([22.0, 112.0, 24.0, 115.0], abs=1e-9)
