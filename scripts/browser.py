"""The one headless-Chromium harness: serve the app, open Debian's Chromium, wait for Streamlit.

Used by the browser tests (``tests/test_browser*.py``), the screenshots
(``scripts/screenshots.py``) and the browser benchmark (``benchmarks/bench_browser.py``), so
the three start the app, open the browser and decide that a page has answered the same way.
It lives in ``scripts/`` because it is a development tool, not part of the planner: it needs
selenium (``requirements-dev.txt``) and Debian's ``chromium`` and ``chromium-driver``, which
the library rooms must not import; ``scripts`` is importable from the tests and the
benchmarks (run from the repository root, or with it on ``sys.path`` as the scripts put it).

- :func:`serve_app` / :func:`start_app` / :func:`stop_app`: ``streamlit run app.py`` on a free
  loopback port, returning once the port answers.
- :func:`open_browser` (screenshots and benchmark: the page itself at the size asked) and
  :func:`open_test_browser` (the tests: a 1500x1000 window).
- Waiting: :func:`wait_idle` (Streamlit's run has finished), :func:`wait_settled` (and the
  page's map is on it), :func:`maps_drawn` / :func:`wait_page_drawn` (every map on the page
  has drawn its layers), :func:`enter_map_iframe` and :func:`wait_map_drawn` (inside one map).
- Reading and acting while Streamlit replaces elements: :func:`info_text` (a stale element
  reads as empty), :func:`choose_option`, :func:`click_radio`, :func:`save_shot`.
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

__all__ = [
    "MAP_FRAME",
    "ROOT",
    "SHOTS",
    "choose_option",
    "click_radio",
    "enter_map_iframe",
    "find_chromium",
    "free_port",
    "info_text",
    "maps_drawn",
    "open_browser",
    "open_test_browser",
    "save_shot",
    "serve_app",
    "start_app",
    "stop_app",
    "wait_idle",
    "wait_map_drawn",
    "wait_page_drawn",
    "wait_settled",
]

ROOT = Path(__file__).resolve().parent.parent
#: Where screenshots go by default (not committed).
SHOTS = ROOT / "out" / "screenshots"
#: CSS of the map components Streamlit shows (streamlit-folium's iframe).
MAP_FRAME = "iframe[title*='streamlit_folium']"
#: CSS of Streamlit's "running" status: present while the script runs.
RUNNING = "[data-testid='stStatusWidget']"
#: Chromium switches every harness uses.
CHROMIUM_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- the app

def free_port() -> int:
    """A free TCP port on the loopback interface.

    Examples
    --------
    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, *, env: Mapping[str, str] | None = None, timeout: float = 60.0,
              script: str | os.PathLike = "app.py") -> subprocess.Popen:
    """``streamlit run app.py`` on 127.0.0.1:``port``; returns once the port answers.

    Parameters
    ----------
    port : int
    env : mapping, optional
        Extra environment variables (e.g. the scenario store's path).
    timeout : float
        Seconds to wait for the port.
    script : path
        The script to serve, relative to the repository (the benchmark's peer page, say); static
        serving is on for every script, as the app's ``.streamlit/config.toml`` sets it.

    Raises
    ------
    RuntimeError
        Streamlit exited early (its output is in the message) or did not open its port in time.
    """
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **dict(env or {})}
    # its output goes to an unnamed file, not a pipe (a pipe nobody reads can fill and stall the server);
    # read only if it exits early, and gone with the server
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.enableStaticServing", "true"],
            cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return proc
            except OSError:
                if proc.poll() is not None:
                    out.seek(0)
                    msg = f"streamlit exited early with code {proc.returncode}:\n{out.read().decode(errors='replace')}"
                    raise RuntimeError(msg) from None
                time.sleep(0.3)
    stop_app(proc)
    msg = f"streamlit did not open its port within {timeout:.0f} s"
    raise RuntimeError(msg)


def stop_app(proc: subprocess.Popen) -> None:
    """Stop a server from :func:`start_app`: terminate, then kill if it has not gone in 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def serve_app(*, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """The app served on a free loopback port for the ``with`` block; yields its URL."""
    port = free_port()
    proc = start_app(port, env=env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_app(proc)


# ----------------------------------------------------------------------------- the browser

def find_chromium() -> tuple[str, str]:
    """Paths of Debian's ``chromium`` and ``chromedriver``; a clear error when either is missing."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_bin = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not Path(chromium).exists() or not Path(driver_bin).exists():
        msg = ("Chromium and ChromeDriver are needed: apt-get install -y chromium chromium-driver "
               "(scripts/setup.sh --test does this)")
        raise RuntimeError(msg)
    return chromium, driver_bin


def open_browser(width: int = 1600, height: int = 1000, *, exact_viewport: bool = True, disable_quic: bool = False,
                 page_load_timeout: float = 90.0) -> webdriver.Chrome:
    """Headless Debian Chromium with the window at ``width`` x ``height``.

    Parameters
    ----------
    width, height : int
    exact_viewport : bool
        Make the page itself ``width`` x ``height`` (scrollbars hidden, the device metrics
        overridden; the window size alone would include the browser's frame), as the
        screenshots and the benchmark want.
    disable_quic : bool
        Turn QUIC off (the tests do).
    page_load_timeout : float
        Seconds a ``get`` may take.
    """
    chromium, driver_bin = find_chromium()
    opts = Options()
    opts.binary_location = chromium
    extra = [f"--window-size={width},{height}"]
    if disable_quic:
        extra.append("--disable-quic")
    if exact_viewport:
        extra.append("--hide-scrollbars")
    for arg in (*CHROMIUM_ARGS, *extra):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(driver_bin), options=opts)
    if exact_viewport:
        drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    drv.set_page_load_timeout(page_load_timeout)
    return drv


def open_test_browser() -> webdriver.Chrome:
    """The browser the tests drive: a 1500x1000 window, QUIC off, 60 s page loads."""
    return open_browser(1500, 1000, exact_viewport=False, disable_quic=True, page_load_timeout=60.0)


# ----------------------------------------------------------------------------- waiting for Streamlit

def wait_idle(drv: webdriver.Chrome, timeout: float = 120) -> None:
    """Until Streamlit has finished its run: a choice made mid-run can be lost in its rerun queue."""
    WebDriverWait(drv, timeout).until(lambda d: not d.find_elements(By.CSS_SELECTOR, RUNNING))


def wait_settled(drv: webdriver.Chrome, timeout: float = 90) -> None:
    """Until Streamlit has finished the run (no running status) and the page's map is on it.

    A planner acts on a page that has answered; a choice made while a run is still going can be
    lost in Streamlit's own rerun queue (a fragment rerun asked for during a full run).
    """
    drv.switch_to.default_content()
    WebDriverWait(drv, timeout).until(lambda d: not d.find_elements(By.CSS_SELECTOR, RUNNING)
                                      and d.find_elements(By.CSS_SELECTOR, MAP_FRAME))


def maps_drawn(drv: webdriver.Chrome) -> bool:
    """Every map on the page has drawn its layers (False while a frame is being replaced); leaves the
    driver in the page, not a frame."""
    drawn = True
    for frame in drv.find_elements(By.CSS_SELECTOR, MAP_FRAME):
        try:
            drv.switch_to.frame(frame)
            drawn = drawn and bool(drv.execute_script("return !!(window.gdMap && window.gdMap._gdItems)"))
        except Exception:  # a frame replaced while Streamlit reruns
            drawn = False
        finally:
            drv.switch_to.default_content()
    return drawn


def wait_page_drawn(drv: webdriver.Chrome, timeout: float = 120) -> None:
    """Until Streamlit stops running the script and every map on the page has drawn its layers.

    Waits a second before looking (a run may not have started yet) and a second after (the last
    tiles and labels), and only warns if the page is still busy after ``timeout`` seconds.
    """
    deadline = time.time() + timeout
    time.sleep(1.0)
    while time.time() < deadline:
        running = drv.find_elements(By.CSS_SELECTOR, RUNNING)
        if not running and maps_drawn(drv):
            time.sleep(1.0)
            return
        time.sleep(0.5)
    log.warning("page still busy after %.0f s; taking the shot anyway", timeout)


def enter_map_iframe(drv: webdriver.Chrome, timeout: float = 60) -> None:
    """Switch into the page's (first) map and wait for its Leaflet container."""
    drv.switch_to.default_content()
    frame = WebDriverWait(drv, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, MAP_FRAME)))
    drv.switch_to.frame(frame)
    WebDriverWait(drv, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".leaflet-container")))


def wait_map_drawn(drv: webdriver.Chrome, timeout: float = 60) -> None:
    """Inside a map: until webmap.js has drawn every layer (its feature list is on the map object)."""
    WebDriverWait(drv, timeout).until(lambda d: d.execute_script(
        "return !!(window.gdMap && window.gdMap._gdItems && window.gdMap._gdItems.length)"))


# ----------------------------------------------------------------------------- reading and acting

def info_text(drv: webdriver.Chrome) -> str:
    """The info boxes' text; "" while Streamlit is replacing them (an element read mid-rerun goes stale)."""
    try:
        return " ".join(e.text for e in drv.find_elements(By.CSS_SELECTOR, "[data-testid='stAlertContentInfo']"))
    except StaleElementReferenceException:
        return ""


def choose_option(drv: webdriver.Chrome, label: str, option: str) -> None:
    """Pick the option whose text contains ``option`` in the selectbox labelled ``label``."""
    drv.switch_to.default_content()
    box = WebDriverWait(drv, 60).until(lambda d: d.find_element(
        By.XPATH, f"//*[@data-testid='stSelectbox'][contains(., '{label}')]//input"))
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(option)
    WebDriverWait(drv, 20).until(
        lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, "[role='option']") if option in o.text])[0].click()


def click_radio(drv: webdriver.Chrome, group: str, option: str, *, sidebar: bool = False) -> None:
    """Click the ``option`` of the radio group labelled ``group`` (in the sidebar with ``sidebar``)."""
    where = "//section[@data-testid='stSidebar']" if sidebar else ""
    drv.switch_to.default_content()
    WebDriverWait(drv, 60).until(lambda d: d.find_element(
        By.XPATH, f"{where}//*[@data-testid='stRadio'][contains(., '{group}')]//label[contains(., '{option}')]")).click()


def save_shot(drv: webdriver.Chrome, name: str, folder: Path = SHOTS) -> Path:
    """A screenshot of the whole page (out of any frame) as ``folder/name``; returns the path."""
    folder.mkdir(parents=True, exist_ok=True)
    drv.switch_to.default_content()
    path = folder / name
    drv.save_screenshot(str(path))
    return path
