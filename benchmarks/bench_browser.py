"""Benchmark the app as a planner meets it: in Debian's headless Chromium against ``streamlit run``.

Times, on this machine, (1) the first map drawn after opening the app (a fresh server, then a
warm one), beside the same for the peer page ``benchmarks/peer_map_app.py`` (the plainest
Streamlit + streamlit-folium page drawing the same boundaries: what Streamlit itself costs), (2) a stage change on the transfer-fit page until the new ranking and its map are
drawn, (3) a moved weight slider until the page has answered, and (4) the report download
until the file is on disk. Each is the median of a few tries; writes the table into README.md
with ``--write-readme`` (block ``bench:browser``).

Run: ``python benchmarks/bench_browser.py [--write-readme]`` (needs chromium and chromium-driver).
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._readme import publish_table  # noqa: E402
from scripts.browser import (  # noqa: E402
    MAP_FRAME,
    RUNNING,
    free_port,
    info_text,
    maps_drawn,
    open_browser,
    start_app,
)

log = logging.getLogger("bench_browser")
TARGETS = {"first": "under 3 s", "stage": "under 1 s", "slider": "under 1 s", "download": "under 3 s"}


def _idle(drv: object) -> bool:
    """Streamlit is not running the script and every map on the page has drawn its layers."""
    return (not drv.find_elements(By.CSS_SELECTOR, RUNNING) and bool(drv.find_elements(By.CSS_SELECTOR, MAP_FRAME))
            and maps_drawn(drv))


def _wait(drv: object, cond: object, timeout: float = 120) -> float:
    t0 = time.perf_counter()
    WebDriverWait(drv, timeout, poll_frequency=0.05).until(cond)
    return time.perf_counter() - t0


def first_map(drv: object, url: str) -> float:
    """Seconds from opening the app to its layout map drawn."""
    t0 = time.perf_counter()
    drv.get(url)
    WebDriverWait(drv, 120, poll_frequency=0.05).until(_idle)
    return time.perf_counter() - t0


def _peer_drawn(drv: object) -> bool:
    """The peer page's run has ended and its folium map has drawn its polygons."""
    if drv.find_elements(By.CSS_SELECTOR, RUNNING):
        return False
    frames = drv.find_elements(By.CSS_SELECTOR, MAP_FRAME)
    if not frames:
        return False
    try:
        drv.switch_to.frame(frames[0])
        return bool(drv.execute_script("return document.querySelectorAll('.leaflet-interactive').length > 100"))
    except Exception:  # the frame replaced while Streamlit reruns
        return False
    finally:
        drv.switch_to.default_content()


def peer_first_map(tries: int) -> tuple[float, float]:
    """(fresh server, median again) seconds to the peer page's map, in a fresh browser as the app's."""
    port = free_port()
    proc = start_app(port, script="benchmarks/peer_map_app.py")
    url = f"http://127.0.0.1:{port}"
    drv = open_browser(1600, 1000)
    try:
        times = []
        for _ in range(tries + 1):
            t0 = time.perf_counter()
            drv.get(url)
            WebDriverWait(drv, 120, poll_frequency=0.05).until(_peer_drawn)
            times.append(time.perf_counter() - t0)
    finally:
        drv.quit()
        proc.terminate()
        proc.wait(timeout=10)
    return times[0], statistics.median(times[1:])


def stage_change(drv: object, stage_id: str) -> float:
    """Seconds from picking a stage to its ranking and map drawn."""
    box = drv.find_element(By.XPATH, "//*[@data-testid='stSelectbox'][contains(., '转出环节')]//input")
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(f"({stage_id})")
    option = WebDriverWait(drv, 20).until(
        lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, "[role='option']") if f"({stage_id})" in o.text])[0]
    before = info_text(drv)
    t0 = time.perf_counter()
    option.click()
    WebDriverWait(drv, 120, poll_frequency=0.05).until(lambda d: info_text(d) not in ("", before) and _idle(d))
    return time.perf_counter() - t0


def slider_move(drv: object) -> float:
    """Seconds from a weight slider moved one step to the page answered (normalised weights shown anew)."""
    path = "//*[@data-testid='stSlider'][contains(., '政策契合')]//input[@type='range']"
    label = "//*[@data-testid='stSlider'][contains(., '政策契合')]"
    if not [e for e in drv.find_elements(By.XPATH, label) if e.is_displayed()]:  # the weights expander is folded
        summary = drv.find_element(By.XPATH, "//summary[contains(., '权重') and not(contains(., '替换'))]")
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", summary)
        WebDriverWait(drv, 20).until(lambda d: [e for e in d.find_elements(By.XPATH, label) if e.is_displayed()])
    thumb = drv.find_element(By.XPATH, path)
    caption = "//*[@data-testid='stCaptionContainer'][contains(., '归一化后的权重')]"
    before = drv.find_element(By.XPATH, caption).text
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", thumb)
    t0 = time.perf_counter()
    drv.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)  # one step, as a planner's arrow key does
    WebDriverWait(drv, 120, poll_frequency=0.05).until(
        lambda d: d.find_element(By.XPATH, caption).text != before and _idle(d))
    return time.perf_counter() - t0


def download(drv: object, folder: Path) -> float:
    """Seconds from pressing the report (HTML) button to the file on disk."""
    drv.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    button = drv.find_element(By.XPATH, "//button[contains(., '下载报告 HTML')]")
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    t0 = time.perf_counter()
    drv.execute_script("arguments[0].click();", button)
    while time.perf_counter() - t0 < 120:
        done = [p for p in folder.iterdir() if p.suffix == ".html"]
        if done and not list(folder.glob("*.crdownload")):
            for p in done:
                p.unlink()
            return time.perf_counter() - t0
        time.sleep(0.02)
    msg = "no report downloaded within 120 s"
    raise TimeoutError(msg)


def run(tries: int = 3) -> list[tuple[str, str, str]]:
    port = free_port()
    proc = start_app(port)
    url = f"http://127.0.0.1:{port}"
    drv = open_browser(1600, 1000)
    try:
        cold = first_map(drv, url)
        warm = statistics.median(first_map(drv, url) for _ in range(tries))
        drv.get(f"{url}/transfer_fit")
        WebDriverWait(drv, 120).until(lambda d: "增城区" in info_text(d) and _idle(d))
        stages = [stage_change(drv, s) for s in ("apparel", "down", "dyeing")[:tries]]
        stages_again = [stage_change(drv, s) for s in ("apparel", "down", "dyeing")[:tries]]  # cached answers
        sliders = [slider_move(drv) for _ in range(tries)]
        with tempfile.TemporaryDirectory() as tmp:
            downloads = [download(drv, Path(tmp))]
            downloads += [download(drv, Path(tmp)) for _ in range(tries - 1)]
    finally:
        drv.quit()
        proc.terminate()
        proc.wait(timeout=10)

    peer_cold, peer_warm = peer_first_map(tries)

    def s(x: float) -> str:
        return f"{x:.2f} s"

    return [
        ("First map drawn after opening the app (fresh server / warm)", f"{s(cold)} / {s(warm)}", TARGETS["first"]),
        ("Peer: the plainest Streamlit + streamlit-folium page drawing the same boundaries, first map "
         "(fresh server / again; benchmarks/peer_map_app.py)", f"{s(peer_cold)} / {s(peer_warm)}", "—"),
        ("Stage change until the new ranking and map are drawn (new stage / seen before)",
         f"{s(statistics.median(stages))} / {s(statistics.median(stages_again))}", TARGETS["stage"]),
        ("Weight slider moved one step until the page answers", s(statistics.median(sliders)), TARGETS["slider"]),
        ("Report (HTML) download until the file is on disk (first / again)",
         f"{s(downloads[0])} / {s(statistics.median(downloads[1:] or downloads))}", TARGETS["download"]),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-readme", action="store_true")
    ap.add_argument("--tries", type=int, default=3)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = run(args.tries)
    publish_table(rows, block="bench:browser", header=("operation (headless Chromium, 1600×1000)", "measured", "target"),
                  write=args.write_readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
