"""Screenshots of every page of the app at 1600x1000 and 1280x800, for a reviewer to look at.

Starts ``streamlit run app.py`` on a free loopback port, opens each page in Debian's headless
Chromium (selenium + chromedriver: ``apt-get install chromium chromium-driver``), waits for
the map to be drawn and writes ``<page>_<lang>_<width>x<height>.png`` (plus one shot of the
layout map with a popup open) into the folder given (default ``out/screenshots``, which is
not committed). The harness (server, browser, waiting) is :mod:`scripts.browser`, shared with
the browser tests and the browser benchmark.

    python scripts/screenshots.py [--out DIR] [--lang zh en] [--pages layout transfer_fit ...]
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.browser import MAP_FRAME, SHOTS, open_browser, serve_app, wait_page_drawn  # noqa: E402

PAGES = ("layout", "transfer_fit", "suitability", "scenarios")
SIZES = ((1600, 1000), (1280, 800))
log = logging.getLogger("screenshots")


def _set_lang(drv: webdriver.Chrome, lang: str) -> None:
    if lang == "zh":
        return
    WebDriverWait(drv, 60).until(lambda d: d.find_element(
        By.XPATH, "//section[@data-testid='stSidebar']//*[@data-testid='stRadio']//label[contains(., 'English')]"
    )).click()
    wait_page_drawn(drv)


def _popup_shot(drv: webdriver.Chrome, path: Path) -> None:
    """The layout map with the popup of everything at the Guangzhou point open."""
    frame = drv.find_element(By.CSS_SELECTOR, MAP_FRAME)
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
                    wait_page_drawn(drv)
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
    ap.add_argument("--out", type=Path, default=SHOTS, help="folder for the PNGs")
    ap.add_argument("--lang", nargs="+", default=["zh", "en"], choices=["zh", "en"])
    ap.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    with serve_app() as url:
        files = take(url, args.out, tuple(args.pages), tuple(args.lang))
    log.info("%d screenshots in %s", len(files), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
