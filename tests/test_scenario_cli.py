"""``python -m analysis scenario ...`` and ``--scenario`` on fit/report/export: round trips, comparison, bad input.

Most commands run in-process through :func:`cli.main.main` (one import, seconds for the file);
one test runs the real ``python -m analysis`` with the ``GD_TEXTILE_STORE`` variable.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import main
from layers.boundaries import load_boundaries
from scenario.record import MAX_NAME_LENGTH, Scenario, check_name
from scenario.store import STORE_ENV, open_store

ROOT = Path(__file__).resolve().parent.parent
SITE = "adcode,site\n445281,0.9\n440513,0.2\n441881,0.7\n"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse and the one-line parse errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    return lines[0]


def _digest(path: Path) -> str:
    """sha256 of the store file and its WAL: the store byte for byte."""
    h = hashlib.sha256()
    for p in (path, Path(f"{path}-wal")):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def _names(store: Path) -> list[str]:
    with open_store(store) as s:
        return [r.name for r in s.list_scenarios()]


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a site table and an exclusion layer, as the current directory (file names as typed)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(STORE_ENV, raising=False)
    (tmp_path / "site.csv").write_text(SITE, encoding="utf-8")
    top = load_boundaries("county").set_index("adcode").loc["441802"].geometry  # Qingcheng, a top apparel fit
    gpd.GeoDataFrame(geometry=[top.buffer(0.001)], crs=4326).to_file(tmp_path / "red.geojson", driver="GeoJSON")
    return tmp_path


FIT_OPTIONS = ("--stage", "apparel", "--origin", "440118", "--site", "site.csv", "--weights",
               "policy=0.3,upstream=0.3,site=0.3,partner=0.1", "--half-life-h", "3", "--exclude", "440513",
               "--exclude-areas", "red.geojson")


def _saved(capsys: pytest.CaptureFixture[str], name: str = "apparel east", *extra: str) -> None:
    code, out, err = _run(capsys, "scenario", "save", "--name", name, "--store", "s.sqlite", *FIT_OPTIONS, *extra)
    assert code == 0, err
    assert f"saved {name!r}" in out


# ----------------------------------------------------------------------------- round trips

def test_save_list_show_load_gives_the_fit_of_the_same_options(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _saved(capsys, "apparel east", "--author", "李华")
    code, out, _ = _run(capsys, "scenario", "list", "--json", "--store", "s.sqlite")
    assert code == 0
    listed = json.loads(out)
    assert [r["name"] for r in listed] == ["apparel east"]
    assert listed[0]["stage"] == "apparel" and listed[0]["origins"] == ["440118"] and listed[0]["author"] == "李华"
    code, out, _ = _run(capsys, "scenario", "show", "apparel east", "--store", "s.sqlite")
    assert code == 0 and '"apparel"' in out and "table site: site.csv" in out and "red.geojson: 1 polygon(s)" in out
    code, out, _ = _run(capsys, "scenario", "show", "apparel east", "--store", "s.sqlite", "--json")
    shown = json.loads(out)
    assert shown["settings"]["half_life_h"] == 3.0 and shown["problems"] == [] and shown["data_changes"] == []

    assert _run(capsys, "scenario", "load", "apparel east", "--store", "s.sqlite", "--out", "load.json")[0] == 0
    assert _run(capsys, "fit", *FIT_OPTIONS, "--out", "fit.json")[0] == 0
    assert _run(capsys, "fit", "--scenario", "apparel east", "--store", "s.sqlite", "--out", "again.json")[0] == 0
    loaded, direct, again = (json.loads((work / f).read_text(encoding="utf-8")) for f in ("load.json", "fit.json", "again.json"))
    assert loaded == direct == again  # table, weights, params, assumptions and sources: the same fit
    table = pd.DataFrame(direct["table"])
    excluded = table.set_index("adcode").loc[["440513", "441802"], "eligible"]
    assert not excluded.any()  # the chosen unit and the one under the exclusion layer
    assert any("red.geojson" in a for a in direct["assumptions"])


def test_options_beside_a_scenario_replace_its_own(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _saved(capsys)
    assert _run(capsys, "fit", "--scenario", "apparel east", "--store", "s.sqlite", "--half-life-h", "6",
                "--out", "a.json")[0] == 0
    six = [("6" if FIT_OPTIONS[i - 1] == "--half-life-h" else o) for i, o in enumerate(FIT_OPTIONS)]
    assert _run(capsys, "fit", *six, "--out", "b.json")[0] == 0
    a, b = (json.loads((work / f).read_text(encoding="utf-8")) for f in ("a.json", "b.json"))
    assert a["params"]["half_life_h"] == 6.0 and a["table"] == b["table"]
    # a variant saved from the first keeps its files and changes only what is given
    code, _, err = _run(capsys, "scenario", "save", "--name", "6 h", "--store", "s.sqlite", "--scenario", "apparel east",
                        "--half-life-h", "6")
    assert code == 0, err
    with open_store(work / "s.sqlite") as s:
        first, second = s.get("apparel east"), s.get("6 h")
    assert second.settings["half_life_h"] == 6.0 and first.settings["half_life_h"] == 3.0
    assert [t.data for t in second.tables] == [t.data for t in first.tables]
    assert [a.geometries for a in second.areas] == [a.geometries for a in first.areas]


def test_an_ahp_scenario_shows_its_note_and_reports_it_in_chinese(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "pairs.csv").write_text(",policy,upstream,downstream\npolicy,1,3,3\nupstream,1/3,1,1\n"
                                    "downstream,1/3,1,1\n", encoding="utf-8")
    code, _, err = _run(capsys, "scenario", "save", "--name", "ahp", "--store", "s.sqlite", "--stage", "apparel",
                        "--origin", "440118", "--ahp", "pairs.csv")
    assert code == 0, err
    with open_store(work / "s.sqlite") as s:
        (saved,) = s.get("ahp").settings["notes"]
    assert saved["code"] == "weights.ahp" and saved["params"]["source"] == "pairs.csv"  # code and values kept
    code, out, _ = _run(capsys, "scenario", "show", "ahp", "--store", "s.sqlite")
    assert code == 0 and "  notes:\n    - weights by AHP (principal eigenvector) from 'pairs.csv': CR = 0.000" in out
    for lang, said in (("zh", "权重由层次分析法（AHP，主特征向量法）根据“pairs.csv”求得：一致性比率CR = 0.000"),
                       ("en", "weights by AHP (principal eigenvector) from &#39;pairs.csv&#39;: CR = 0.000")):
        code, _, err = _run(capsys, "report", "--scenario", "ahp", "--store", "s.sqlite", "--no-maps", "--lang", lang,
                            "--html", f"r_{lang}.html")
        assert code == 0, err
        page = (work / f"r_{lang}.html").read_text(encoding="utf-8")
        assert said in page[page.index('id="appendix"'):], lang


def test_report_and_export_take_a_scenario(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _saved(capsys)
    code, out, err = _run(capsys, "report", "--scenario", "apparel east", "--store", "s.sqlite", "--no-maps",
                          "--lang", "en", "--html", "r.html")
    assert code == 0, err
    html = (work / "r.html").read_text(encoding="utf-8")
    assert "--site site.csv" in html and "--half-life-h 3" in html and "policy=0.3" in html
    code, out, err = _run(capsys, "export", "--scenario", "apparel east", "--store", "s.sqlite", "--layers", "zones",
                          "--format", "gpkg", "--out", "e.gpkg")
    assert code == 0, err
    fit = gpd.read_file(work / "e.gpkg", layer="fit_apparel_440118")
    assert not fit.set_index("adcode").loc["441802", "eligible"]


def test_rename_duplicate_delete_export_import(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _saved(capsys, "a")
    store = ["--store", "s.sqlite"]
    assert _run(capsys, "scenario", "rename", "a", "b", *store)[0] == 0
    assert _run(capsys, "scenario", "duplicate", "b", "b (copy)", *store)[0] == 0
    assert _names(work / "s.sqlite") == ["b", "b (copy)"]
    assert _run(capsys, "scenario", "export", "b (copy)", "b.json", *store)[0] == 0
    assert _run(capsys, "scenario", "delete", "b (copy)", *store)[0] == 0
    assert _names(work / "s.sqlite") == ["b"]
    # a colleague imports the file into their own store, under another name too
    assert _run(capsys, "scenario", "import", "b.json", "--store", "other.sqlite")[0] == 0
    assert _run(capsys, "scenario", "import", "b.json", "--store", "other.sqlite", "--name", "from Li")[0] == 0
    with open_store(work / "s.sqlite") as s, open_store(work / "other.sqlite") as o:
        mine, theirs = s.get("b"), o.get("b (copy)")
        assert theirs.settings == mine.settings and theirs.tables == mine.tables and theirs.areas == mine.areas
        assert o.get("from Li").settings == mine.settings
    # and it runs there as here
    assert _run(capsys, "scenario", "load", "b", *store, "--out", "here.csv")[0] == 0
    assert _run(capsys, "scenario", "load", "from Li", "--store", "other.sqlite", "--out", "there.csv")[0] == 0
    assert (work / "here.csv").read_bytes() == (work / "there.csv").read_bytes()


def test_compare_prints_rank_changes_and_writes_table_map_and_report(work: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", "s.sqlite"]
    for name, opts in (("base", ()), ("policy only", ("--weights", "policy=1"))):
        code, _, err = _run(capsys, "scenario", "save", "--name", name, *store, "--stage", "apparel", "--origin",
                            "440118", *opts)
        assert code == 0, err
    code, out, err = _run(capsys, "scenario", "compare", "base", "policy only", *store, "--lang", "en",
                          "--out", "cmp.csv", "--html", "cmp.html", "--no-maps")
    assert code == 0, err
    assert "baseline: base" in out and "policy only against base" in out
    assert "weights.policy" in out and "rank_change" in out
    table = pd.read_csv(work / "cmp.csv", dtype={"adcode": str})
    moved = table.dropna(subset=["rank_change_1"])
    assert (moved["rank_change_1"] == moved["rank_0"] - moved["rank_1"]).all() and (moved["rank_change_1"] != 0).any()
    first = table.sort_values("rank_change_1", ascending=False).iloc[0]
    assert first["adcode"] in out  # the largest move is printed
    html = (work / "cmp.html").read_text(encoding="utf-8")
    assert "Comparison of scenarios" in html and "&#39;policy only&#39; against &#39;base&#39;" in html
    assert _run(capsys, "scenario", "compare", "base", "policy only", *store, "--out", "diff.gpkg")[0] == 0
    diff = gpd.read_file(work / "diff.gpkg", layer="difference_1")
    assert diff.crs.to_epsg() == 4326 and {"score_diff", "rank_change", "status"} <= set(diff.columns)


def test_the_store_comes_from_the_environment_variable(work: Path) -> None:
    env = {**os.environ, STORE_ENV: str(work / "env.sqlite")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300, check=False)

    r = run("scenario", "save", "--name", "from env", "--stage", "dyeing", "--origin", "440118")
    assert r.returncode == 0, r.stderr
    r = run("scenario", "list", "--json")
    assert [x["name"] for x in json.loads(r.stdout)] == ["from env"]
    r = run("scenario", "load", "no such")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no scenario named 'no such'" in r.stderr
    assert (work / "env.sqlite").exists()


# ----------------------------------------------------------------------------- bad input

def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = work / "notes.sqlite"
    notes.write_text("my notes, not a store", encoding="utf-8")
    before = notes.read_bytes()
    for args in (("scenario", "list"), ("scenario", "save", "--name", "x", "--stage", "dyeing", "--origin", "440118")):
        code, _, err = _run(capsys, *args, "--store", str(notes))
        assert code == 2
        assert "is not an SQLite file" in _one_line_error(err)
    assert notes.read_bytes() == before


def test_a_store_of_a_newer_schema_is_refused_and_left_alone(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _saved(capsys, "kept")
    c = sqlite3.connect(work / "s.sqlite")
    c.execute("PRAGMA user_version = 99")
    c.close()
    before = _digest(work / "s.sqlite")
    code, _, err = _run(capsys, "scenario", "save", "--name", "new", "--store", "s.sqlite", "--stage", "dyeing",
                        "--origin", "440118")
    assert code == 2 and "newer" in _one_line_error(err) and "schema 99" in err
    assert _digest(work / "s.sqlite") == before


@pytest.mark.parametrize(("name", "why"), [
    ("", "is empty"),
    ("x" * (MAX_NAME_LENGTH + 1), f"the limit is {MAX_NAME_LENGTH}"),
    ("apparel east", "already exists"),
    (" padded", "starts or ends with a space"),
    ("tab\there", "control or invisible"),
])
def test_bad_names_are_refused_and_the_store_is_unchanged(work: Path, capsys: pytest.CaptureFixture[str],
                                                          name: str, why: str) -> None:
    _saved(capsys)
    before = _digest(work / "s.sqlite")
    code, _, err = _run(capsys, "scenario", "save", "--name", name, "--store", "s.sqlite", "--stage", "dyeing",
                        "--origin", "440118")
    assert code == 2 and why in _one_line_error(err)
    for action in (("rename", "apparel east", name), ("duplicate", "apparel east", name)):
        if name == "apparel east" and action[0] == "rename":
            continue  # renaming to its own name is no change
        code, _, err = _run(capsys, "scenario", *action, "--store", "s.sqlite")
        assert code == 2 and why in _one_line_error(err)
    assert _digest(work / "s.sqlite") == before
    assert _names(work / "s.sqlite") == ["apparel east"]


def test_unknown_names_and_bad_options_save_nothing(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _saved(capsys)
    before = _digest(work / "s.sqlite")
    cases = [
        (("scenario", "show", "apparel eats"), "did you mean 'apparel east'"),
        (("scenario", "delete", "nope"), "no scenario named 'nope'"),
        (("scenario", "save", "--name", "w", "--stage", "dyeing", "--origin", "440118", "--weights", "policy=-1"),
         "weights"),
        (("scenario", "save", "--name", "w", "--stage", "knitting", "--origin", "440118"), "knitting"),
        (("scenario", "save", "--name", "w", "--stage", "dyeing", "--origin", "not a place"), "not a place"),
        (("scenario", "save", "--name", "w", "--stage", "dyeing"), "--origin"),
        (("scenario", "compare", "apparel east"), "two or more"),
    ]
    for args, why in cases:
        code, _, err = _run(capsys, *args, "--store", "s.sqlite")
        assert code == 2 and why in _one_line_error(err), (args, err)
    assert _digest(work / "s.sqlite") == before


def test_a_scenario_naming_a_unit_or_stage_that_no_longer_exists(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(work / "s.sqlite") as s:  # as an older version of the data would have saved it
        s.save(Scenario(name="old", settings={"stage": "knitting", "origin": "440118", "exclude": ["449999"],
                                              "weights": {"policy": 1.0, "rail": 1.0}}))
    before = _digest(work / "s.sqlite")
    for args in (("scenario", "load", "old"), ("fit", "--scenario", "old"), ("report", "--scenario", "old"),
                 ("scenario", "compare", "old", "old")):
        code, _, err = _run(capsys, *args, "--store", "s.sqlite")
        line = _one_line_error(err)
        assert code == 2 and "stage 'knitting' no longer exists" in line, (args, line)
        assert "449999" in line and "'rail'" in line and "3 problem(s)" in line
    code, out, err = _run(capsys, "scenario", "show", "old", "--store", "s.sqlite")
    assert code == 0 and "knitting" in out and "warning: stage 'knitting' no longer exists" in err
    assert _digest(work / "s.sqlite") == before


def test_a_damaged_scenario_file_is_not_imported(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _saved(capsys)
    assert _run(capsys, "scenario", "export", "apparel east", "good.json", "--store", "s.sqlite")[0] == 0
    text = (work / "good.json").read_text(encoding="utf-8")
    (work / "cut.json").write_text(text[: len(text) // 2], encoding="utf-8")
    doc = json.loads(text)
    doc["scenario"]["settings"]["stage"] = "knitting"  # edited by hand: parses, but names a stage that is gone
    (work / "edited.json").write_text(json.dumps(doc), encoding="utf-8")
    before = _digest(work / "s.sqlite")
    code, _, err = _run(capsys, "scenario", "import", "cut.json", "--store", "s.sqlite", "--name", "cut")
    assert code == 2 and _one_line_error(err)
    assert _digest(work / "s.sqlite") == before
    assert _run(capsys, "scenario", "import", "edited.json", "--store", "other.sqlite", "--name", "e")[0] == 0
    code, _, err = _run(capsys, "scenario", "load", "e", "--store", "other.sqlite")
    assert code == 2 and "stage 'knitting' no longer exists" in _one_line_error(err)


SETTINGS = settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                          HealthCheck.function_scoped_fixture])


@SETTINGS
@given(name=st.text(st.characters(codec="utf-8"), max_size=MAX_NAME_LENGTH + 5))
def test_any_name_is_either_taken_exactly_or_refused_in_one_line(work: Path, capsys: pytest.CaptureFixture[str],
                                                                  name: str) -> None:
    store = work / "names.sqlite"
    if not store.exists():
        with open_store(store) as s:
            s.save(Scenario(name="a", settings={"stage": "dyeing", "origin": "440118"}))
    current = _names(store)[0]
    try:
        valid = check_name(name)
    except ValueError:
        valid = None
    before = _digest(store)
    code, _, err = _run(capsys, "scenario", "rename", current, name, "--store", str(store))
    if valid is None:
        assert code == 2 and _one_line_error(err)
        assert _digest(store) == before
    else:
        assert code == 0, err
        assert _names(store) == [unicodedata.normalize("NFC", name)]


def test_names_stay_one_line_in_the_listing(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(work / "s.sqlite") as s:
        s.save(Scenario(name="印染 → 揭阳, 45 km «v2»", settings={"stage": "dyeing", "origin": "440118"}))
    code, out, _ = _run(capsys, "scenario", "list", "--json", "--store", "s.sqlite")
    assert json.loads(out)[0]["name"] == "印染 → 揭阳, 45 km «v2»"
    code, out, _ = _run(capsys, "scenario", "list", "--store", "s.sqlite")
    assert code == 0 and "印染 → 揭阳, 45 km «v2»" in out


# ----------------------------------------------------------------------------- raster site criteria

def _dem(path: Path, *, step: float = 5.0) -> Path:
    z = (np.add.outer(np.arange(60), np.arange(100)) * step).astype("float32")
    with rasterio.open(path, "w", driver="GTiff", width=100, height=60, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(0.1, 0, 109.5, 0, -0.1, 25.6), nodata=-9999) as d:
        d.write(z, 1)
    return path


def test_a_scenario_keeps_its_dem_by_path_and_carries_it_in_its_file(work: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _dem(work / "dem.tif")
    rasters = ("--dem", "dem.tif", "--resolution", "5000")
    code, _, err = _run(capsys, "scenario", "save", "--name", "dem", "--store", "s.sqlite", "--stage", "dyeing",
                        "--origin", "440118", *rasters)
    assert code == 0, err
    assert _run(capsys, "scenario", "load", "dem", "--store", "s.sqlite", "--out", "load.json")[0] == 0
    assert _run(capsys, "fit", "--stage", "dyeing", "--origin", "440118", *rasters, "--out", "fit.json")[0] == 0
    loaded, direct = (json.loads((work / f).read_text(encoding="utf-8")) for f in ("load.json", "fit.json"))
    assert loaded == direct and "DEM dem.tif" in direct["params"]["site_source"]
    code, out, err = _run(capsys, "scenario", "compare", "dem", "dem", "--store", "s.sqlite", "--out", "same.csv")
    assert code == 0 and "(none)" in out, err  # compare runs the rasters too: the same scores
    same = pd.read_csv(work / "same.csv", dtype={"adcode": str}).set_index("adcode")
    fit = pd.DataFrame(direct["table"]).set_index("adcode")
    np.testing.assert_allclose(same["score_0"], fit.loc[same.index, "score"].astype(float))
    # handed on: the file carries the DEM; at the colleague's, the DEM is not at its path and still runs
    assert _run(capsys, "scenario", "export", "dem", "dem.json", "--store", "s.sqlite")[0] == 0
    (work / "dem.tif").rename(work / "dem_elsewhere.tif")
    code, _, err = _run(capsys, "scenario", "load", "dem", "--store", "s.sqlite")
    assert code == 2 and "is no longer at" in _one_line_error(err)  # kept by path here: says where it was
    assert _run(capsys, "scenario", "import", "dem.json", "--store", "other.sqlite")[0] == 0
    assert _run(capsys, "scenario", "load", "dem", "--store", "other.sqlite", "--out", "there.json")[0] == 0
    assert json.loads((work / "there.json").read_text(encoding="utf-8"))["table"] == direct["table"]
    # a DEM changed since the scenario was saved is noticed, not used silently
    _dem(work / "dem.tif", step=9.0)
    code, _, err = _run(capsys, "fit", "--scenario", "dem", "--store", "s.sqlite")
    assert code == 2 and "changed since the scenario was saved" in _one_line_error(err)
