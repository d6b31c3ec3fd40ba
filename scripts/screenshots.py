"""Screenshots of every page of the app at 1600x1000 and 1280x800, for a reviewer to look at.

Starts ``streamlit run app.py`` on a free loopback port, opens each page in Debian's headless
Chromium (selenium + chromedriver: ``apt-get install chromium chromium-driver``), waits for
the map to be drawn and writes ``<page>_<lang>_<width>x<height>.png`` (plus one shot of the
layout map with a popup open) into the folder given (default ``out/screenshots``, which is
not committed).

    python scripts/screenshots.py [--out DIR] [--lang zh en] [--pages layout transfer_fit ...]
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("layout", "transfer_fit", "suitability", "scenarios")
SIZES = ((1600, 1000), (1280, 800))
log = logging.getLogger("screenshots")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int) -> subprocess.Popen:
    """``streamlit run app.py`` on 127.0.0.1:``port``; returns once the port answers."""
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                msg = f"streamlit exited early with code {proc.returncode}"
                raise RuntimeError(msg) from None
            time.sleep(0.3)
    proc.kill()
    msg = "streamlit did not open its port within 60 s"
    raise RuntimeError(msg)


def open_browser(width: int, height: int) -> webdriver.Chrome:
    """Headless Debian Chromium with the window at ``width`` x ``height``."""
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--window-size={width},{height}", "--hide-scrollbars"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    # the viewport itself at the size asked (the window size would include the browser's frame)
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    drv.set_page_load_timeout(90)
    return drv


def _wait_idle(drv: webdriver.Chrome, timeout: float = 120) -> None:
    """Until Streamlit stops running the script and every map on the page has drawn its layers."""
    deadline = time.time() + timeout
    time.sleep(1.0)
    while time.time() < deadline:
        running = drv.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']")
        frames = drv.find_elements(By.CSS_SELECTOR, "iframe[title*='streamlit_folium']")
        drawn = True
        for frame in frames:
            try:
                drv.switch_to.frame(frame)
                drawn = drawn and bool(drv.execute_script("return !!(window.gdMap && window.gdMap._gdItems)"))
            except Exception:  # a frame replaced while Streamlit reruns
                drawn = False
            finally:
                drv.switch_to.default_content()
        if not running and drawn:
            time.sleep(1.0)
            return
        time.sleep(0.5)
    log.warning("page still busy after %.0f s; taking the shot anyway", timeout)


def _set_lang(drv: webdriver.Chrome, lang: str) -> None:
    if lang == "zh":
        return
    WebDriverWait(drv, 60).until(lambda d: d.find_element(
        By.XPATH, "//section[@data-testid='stSidebar']//*[@data-testid='stRadio']//label[contains(., 'English')]"
    )).click()
    _wait_idle(drv)


def _popup_shot(drv: webdriver.Chrome, path: Path) -> None:
    """The layout map with the popup of everything at the Guangzhou point open."""
    frame = drv.find_element(By.CSS_SELECTOR, "iframe[title*='streamlit_folium']")
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", frame)
    drv.switch_to.frame(frame)
    drv.execute_script("""
        var m = window.gdMap, it = m._gdItems.filter(function (i) { return i.pt; })
          .filter(function (i) { return Math.abs(i.latlng.lat - 23.13) < 0.05 && Math.abs(i.latlng.lng - 113.26) < 0.05; })[0]
          || m._gdItems.filter(function (i) { return i.pt; })[0];
        it.layer.fire('click', {latlng: it.latlng});
    """)
    time.sleep(1.0)
    drv.switch_to.default_content()
    drv.save_screenshot(str(path))


def take(url: str, out: Path, pages: tuple[str, ...], langs: tuple[str, ...]) -> list[Path]:
    """Every page in every language at both sizes; returns the files written."""
    written: list[Path] = []
    for width, height in SIZES:
        drv = open_browser(width, height)
        try:
            for lang in langs:
                for page in pages:
                    drv.get(f"{url}/{page}" if page != "layout" else url)
                    _wait_idle(drv)
                    _set_lang(drv, lang)
                    path = out / f"{page}_{lang}_{width}x{height}.png"
                    drv.save_screenshot(str(path))
                    written.append(path)
                    if page == "layout":
                        path = out / f"layout_popup_{lang}_{width}x{height}.png"
                        _popup_shot(drv, path)
                        written.append(path)
                    log.info("wrote %s", path)
        finally:
            drv.quit()
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots", help="folder for the PNGs")
    ap.add_argument("--lang", nargs="+", default=["zh", "en"], choices=["zh", "en"])
    ap.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    proc = start_app(port)
    try:
        files = take(f"http://127.0.0.1:{port}", args.out, tuple(args.pages), tuple(args.lang))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    log.info("%d screenshots in %s", len(files), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
