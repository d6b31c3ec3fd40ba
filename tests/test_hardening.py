"""Hostile input: nothing a planner types or uploads crashes the tool, blows it up or silently gives a wrong answer.

One section per item of the hardening issue (damaged zips, huge numbers, resource caps, unbounded
reads, exclusion areas, duplicates, valid input refused, messages, leftovers, speed, injection),
then property-based tests over the upload path and the command line: every bad input ends in one
line and a non-zero exit (or a PlannerError for the app), never a traceback, and leaves the output
folder as it was.
"""
from __future__ import annotations

import ast
import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.allocation import allocate_capacity
from analysis.capability import read_capability_csv
from analysis.exclusion import combine_exclusions, units_in_areas
from analysis.inputs import load_fit_inputs
from analysis.sensitivity import MAX_DRAWS, run_sensitivity
from analysis.weights import MAX_AMOUNT, ahp_weights, parse_weights, read_ahp_csv
from app_pages._common import escape_markdown
from cli.main import main
from cli.options import _emit, _write_table, parse_pairs
from geo.crs import ANALYSIS_CRS
from geo.errors import LayerValidationError, PlannerError
from geo.io import atomic_folder, atomic_path, read_csv_text, read_vector, write_vector
from geo.upload import read_exclusion_file, read_uploaded_vector, safe_extract_zip
from geo.validate import MAX_CSV_BYTES, MAX_VECTOR_BYTES, check_unique_keys, validate_exclusion_areas
from geo.writers import export_csv
from layers.boundaries import load_boundaries
from outputs.export import export_everything
from scenario.bundle import collect_export, write_export
from scenario.settings import read_exclusion_areas
from scenario.study import load_study_inputs
from scenario.suitability import MAX_RESOLUTION_M, MIN_RESOLUTION_M, check_resolution

ROOT = Path(__file__).resolve().parent.parent
FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# ----------------------------------------------------------------------------- helpers
def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        rc = main(list(args))
    except SystemExit as exc:  # argparse's own errors (e.g. an option given no value): exit 2, one line
        rc = int(exc.code or 0)
    out, err = capsys.readouterr()
    return rc, out, err


def _one_line_error(rc: int, err: str) -> None:
    assert rc == 2, err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("note:")]
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    assert "Traceback" not in err


def _zip(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as z:
        for k, v in files.items():
            z.writestr(k, v)
    return buf.getvalue()


def _box_layer(*geoms: object, crs: object = 4326) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"n": [f"f{i}" for i in range(len(geoms))]}, geometry=list(geoms), crs=crs)


def _shapefile_parts(tmp_path: Path, gdf: gpd.GeoDataFrame, stem: str = "red") -> dict[str, bytes]:
    d = tmp_path / f"shp_{stem.replace('!', '_')}"
    d.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(gdf, d / "layer.shp", encoding="UTF-8")
    return {f"{stem}{p.suffix}": p.read_bytes() for p in d.iterdir()}


def _small_red_line() -> gpd.GeoDataFrame:
    """A polygon over Chaoyang (440513), the top dyeing destination from Xintang."""
    geom = load_boundaries("county").set_index("adcode").loc["440513"].geometry
    return gpd.GeoDataFrame({"n": ["red"]}, geometry=[geom.buffer(0.005)], crs=4326)


def _listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size if p.is_file() else -1) for p in folder.rglob("*"))


def _dead_pid() -> int:
    for pid in range(4_000_000, 3_000_000, -7919):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            continue
    raise AssertionError("no free pid found")


def _tiny_inputs() -> tuple[object, dict[str, shapely.Point]]:
    units = pd.DataFrame({"adcode": ["o", "a", "b"], "name_zh": ["源", "甲", "乙"], "name_en": ["O", "A", "B"],
                          "city_adcode": ["o", "a", "b"], "region": ["PRD", "East", "East"]})
    cap = pd.DataFrame({"dyeing": [1.0, 1.0, 0.0]}, index=["o", "a", "b"])
    chain = pd.DataFrame([[0.0]], index=["dyeing"], columns=["dyeing"])
    cost = pd.DataFrame(60.0, index=["o", "a", "b"], columns=["o", "a", "b"])
    des = pd.DataFrame({"adcode": ["a", "b"], "stage": "dyeing", "kind": "dyeing_park", "value": 1.0,
                        "clause": "§19", "name_zh": ["甲园", "乙园"], "name_en": ["A park", "B park"]})
    pts = {"o": shapely.Point(113, 23), "a": shapely.Point(116, 23), "b": shapely.Point(116, 23.5)}
    return load_fit_inputs(units=units, capability=cap, chain=chain, cost=cost, designations=des), pts


def _a_fit() -> object:
    from analysis.fit import score_transfer_fit

    return score_transfer_fit("dyeing", "440118")


@pytest.fixture(autouse=True)
def _memory_guard() -> Iterator[None]:
    """Keep a regression from eating the machine: a few GB of address space at most."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = 6 * 1024**3
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# ----------------------------------------------------------------------------- 1. damaged and lying zips
def _geojson_zip(*, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    return _zip({"red.geojson": _small_red_line().to_json().encode()}, compression=compression)


def test_zip_with_a_damaged_member_says_the_zip_is_damaged() -> None:
    data = bytearray(_geojson_zip())
    data[60] ^= 0xFF  # inside the DEFLATE stream of the one member
    with pytest.raises(PlannerError, match="damaged"):
        read_uploaded_vector(bytes(data), "red.zip")


def test_zip_with_a_bad_crc_says_the_zip_is_damaged() -> None:
    data = bytearray(_geojson_zip(compression=zipfile.ZIP_STORED))
    i = data.find(b"FeatureCollection")
    data[i] = ord("X")  # stored bytes changed, CRC left as it was
    with pytest.raises(PlannerError, match="damaged"):
        read_uploaded_vector(bytes(data), "red.zip")


def test_zip_whose_header_lies_about_its_size_is_refused() -> None:
    honest = _zip({"a.geojson": b" " * 3_000_000}, compression=zipfile.ZIP_DEFLATED)
    info = zipfile.ZipFile(io.BytesIO(honest)).infolist()[0]
    data = bytearray(honest)
    # rewrite the uncompressed size in the central directory and the local header: 1,000 bytes
    for sig, off in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = data.find(sig)
        data[at + off:at + off + 4] = (1000).to_bytes(4, "little")
    assert info.file_size == 3_000_000
    with pytest.raises(PlannerError, match="damaged|more than"):
        read_uploaded_vector(bytes(data), "red.zip")


def test_extraction_streams_with_a_running_limit(tmp_path: Path) -> None:
    data = _zip({"zeros.geojson": bytes(2_000_000)})
    with pytest.raises(PlannerError, match="more than the 1 MB allowed"):
        safe_extract_zip(data, tmp_path / "a", max_bytes=1_000_000)
    assert not any((tmp_path / "a").rglob("*.geojson"))  # nothing half-extracted stays
    big = _zip({"zeros.geojson": bytes(20_000_000)})
    tracemalloc.start()
    try:
        safe_extract_zip(big, tmp_path / "b")
        _cur, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (tmp_path / "b" / "zeros.geojson").stat().st_size == 20_000_000
    assert peak < 6_000_000, f"extracting a 20 MB member took {peak / 1e6:.0f} MB of Python memory"


def test_a_small_zip_that_unpacks_past_the_cap_is_refused_before_gdal_reads_it() -> None:
    # 100 KB on the wire, more than MAX_VECTOR_BYTES unpacked: GDAL would need ~6x that in memory
    data = _zip({"big.geojson": b" " * (MAX_VECTOR_BYTES + 1)})
    assert len(data) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(PlannerError, match=f"more than the {MAX_VECTOR_BYTES // 2**20} MB allowed"):
            read_uploaded_vector(data, "big.zip")
        _cur, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


def test_app_reader_of_exclusion_areas_turns_a_damaged_zip_into_a_planner_error() -> None:
    data = bytearray(_geojson_zip())
    data[60] ^= 0xFF
    with pytest.raises(PlannerError, match="damaged"):  # the app's `except ValueError` shows it with st.error
        read_exclusion_areas([("--exclude-areas", "red.zip", bytes(data))])


# ----------------------------------------------------------------------------- 2. huge numbers
def test_huge_allocation_amounts_and_room_are_refused() -> None:
    inputs, pts = _tiny_inputs()
    with pytest.raises(PlannerError, match="`origins`.*at most"):
        allocate_capacity("dyeing", {"o": 1e308}, room={"a": 6}, points=pts, inputs=inputs)
    with pytest.raises(PlannerError, match="`room`.*at most"):
        allocate_capacity("dyeing", {"o": 10}, room={"a": 1e308}, points=pts, inputs=inputs)
    ok = allocate_capacity("dyeing", {"o": MAX_AMOUNT}, room={"a": MAX_AMOUNT}, points=pts, inputs=inputs)
    assert ok.shortfall == 0


def test_cli_allocate_refuses_huge_amounts(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _out, err = _cli(capsys, "allocate", "--stage", "dyeing", "--origin", "440118=1e308", "--room", "445281=10")
    _one_line_error(rc, err)
    assert "--origin" in err and "at most" in err


def test_huge_capability_values_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(LayerValidationError, match="at most"):
        read_capability_csv(io.StringIO("adcode,stage,value\n445281,dyeing,1e308\n440514,dyeing,5\n"))
    f = tmp_path / "cap.csv"
    f.write_text("adcode,stage,value\n445281,dyeing,1e308\n440514,dyeing,1e308\n", encoding="utf-8")
    rc, _out, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--capability", str(f))
    _one_line_error(rc, err)


def test_huge_weights_are_refused_not_called_zero() -> None:
    with pytest.raises(PlannerError, match="at most"):
        parse_weights("policy=1e308,upstream=1e308")


# ----------------------------------------------------------------------------- 3. resource caps on arguments
def test_draws_are_capped(capsys: pytest.CaptureFixture[str]) -> None:
    comp = pd.DataFrame({"adcode": ["a", "b"], "name_zh": ["甲", "乙"], "name_en": ["A", "B"],
                         "upstream": [1.0, 0.0], "downstream": [0.0, 0.0], "relatedness": [0.0, 0.0],
                         "origin_tie": [0.0, 0.0], "partner": [0.0, 0.0], "policy": [0.0, 1.0], "site": [0.5, 0.5]})
    with pytest.raises(PlannerError, match=f"at most {MAX_DRAWS}"):
        run_sensitivity(comp, n=MAX_DRAWS + 1)
    for draws in (str(MAX_DRAWS + 1), str(10**9)):
        t0 = time.perf_counter()
        rc, _out, err = _cli(capsys, "sensitivity", "--stage", "dyeing", "--origin", "440118", "--draws", draws)
        _one_line_error(rc, err)
        assert "--draws" in err and str(MAX_DRAWS) in err and time.perf_counter() - t0 < 5
    rc, _out, err = _cli(capsys, "report", "--stage", "dyeing", "--origin", "440118", "--draws", str(10**9))
    _one_line_error(rc, err)
    assert "--draws" in err


def test_resolution_is_capped_before_any_work(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for bad in (10.0, 30.0, 1e9, float("nan")):
        with pytest.raises(PlannerError, match="--resolution"):
            check_resolution(bad)
        with pytest.raises(PlannerError, match="--resolution"):  # the app's export path: the same check
            collect_export(layer_ids=["zones"], fit=_a_fit(), resolution_m=bad, rasters=True)
    assert check_resolution(MIN_RESOLUTION_M) == MIN_RESOLUTION_M and check_resolution(MAX_RESOLUTION_M)
    for bad in ("10", "1e9", "nan"):
        out = tmp_path / f"x{bad}.tif"
        t0 = time.perf_counter()
        rc, _o, err = _cli(capsys, "export", "--stage", "dyeing", "--origin", "440118", "--format", "tif",
                           "--resolution", bad, "--out", str(out))
        _one_line_error(rc, err)
        assert "--resolution" in err and time.perf_counter() - t0 < 3
        assert not out.exists()


def test_score_raster_built_only_when_asked(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    import scenario.bundle

    calls: list[float] = []
    real = scenario.bundle.rasterize_scores

    def spy(*a: object, **k: object) -> object:
        calls.append(float(k.get("resolution_m", 0)))
        return real(*a, **k)

    monkeypatch.setattr(scenario.bundle, "rasterize_scores", spy)
    rc, _o, err = _cli(capsys, "export", "--layers", "zones", "--stage", "dyeing", "--origin", "440118",
                       "--format", "gpkg", "--out", str(tmp_path / "x.gpkg"))
    assert rc == 0, err
    assert calls == [] and (tmp_path / "x.gpkg").exists()
    rc, _o, err = _cli(capsys, "export", "--layers", "zones", "--stage", "dyeing", "--origin", "440118",
                       "--format", "tif", "--out", str(tmp_path / "x.tif"))
    assert rc == 0, err
    assert calls == [1000.0] and (tmp_path / "x.tif").exists()
    assert not collect_export(_a_fit(), layer_ids=["zones"], rasters=False).rasters
    assert len(calls) == 1


# ----------------------------------------------------------------------------- 4. unbounded reads
def test_devices_and_pipes_are_refused_without_reading(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)

    def _timeout(*_a: object) -> None:
        raise TimeoutError("blocked on the pipe")

    old = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(15)
    try:
        for path in ("/dev/zero", "/dev/urandom", str(fifo)):
            with pytest.raises(PlannerError, match="not a regular file"):
                read_csv_text(path, name="`--site`")
            rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--site", path)
            _one_line_error(rc, err)
            assert "not a regular file" in err
        rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--exclude-areas", str(fifo))
        _one_line_error(rc, err)
        assert "not a regular file" in err
        rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--dem", str(fifo))
        _one_line_error(rc, err)
        assert "not a regular file" in err
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_pipe_or_device_as_output_is_refused_not_replaced(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    fifo = tmp_path / "o.csv"
    os.mkfifo(fifo)
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--out", str(fifo))
    _one_line_error(rc, err)
    assert "not a regular file" in err
    with pytest.raises(PlannerError, match="not a regular file"):
        with atomic_path(fifo) as tmp:
            tmp.write_text("x")
    assert fifo.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]  # the pipe is still a pipe


def test_a_table_or_a_folder_as_exclusion_areas_is_a_message(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    table = tmp_path / "red.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--exclude-areas", str(table))
    _one_line_error(rc, err)
    assert "holds no geometry" in err
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--exclude-areas", str(tmp_path))
    _one_line_error(rc, err)
    assert "is a folder" in err


def test_oversized_csv_is_refused_by_size(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(MAX_CSV_BYTES + 1)  # sparse: nothing is written, the size alone refuses it
    with pytest.raises(PlannerError, match=f"more than the {MAX_CSV_BYTES / 2**20:.0f} MB allowed"):
        read_csv_text(big, name="`--od`")
    with pytest.raises(PlannerError, match="MB allowed"):
        read_csv_text(b"a" * (MAX_CSV_BYTES + 1), name="`--od`")

    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: bytearray) -> int:
            b[:] = b"1" * len(b)
            return len(b)

    with pytest.raises(PlannerError, match="MB allowed"):
        read_csv_text(io.BufferedReader(Endless()), name="`--od`")


# ----------------------------------------------------------------------------- 5. exclusion areas, one validator
_HOSTILE_AREAS = {
    "outside": (_box_layer(shapely.box(100, 40, 100.5, 40.5)), "outside Guangdong"),
    "swapped": (_box_layer(shapely.box(23.0, 113.0, 23.2, 113.2)), "swapped"),
    "projected": (_box_layer(shapely.box(500_000, 2_500_000, 510_000, 2_510_000)), "not degrees"),
    "bowtie": (_box_layer(shapely.Polygon([(116, 23), (116.3, 23.3), (116.3, 23), (116, 23.3)])), "Self-intersection"),
    "world": (_box_layer(shapely.box(-1e308, -1e308, 1e308, 1e308)), "not degrees"),  # spans Guangdong, means nothing
}


@pytest.mark.parametrize("case", sorted(_HOSTILE_AREAS))
def test_exclusion_areas_refused_alike_on_the_command_line_and_in_the_app(
        case: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gdf, words = _HOSTILE_AREAS[case]
    data = gdf.to_json().encode()
    path = tmp_path / f"{case}.geojson"
    path.write_bytes(data)
    with pytest.raises(LayerValidationError, match=words) as from_path:
        read_exclusion_file(path, path.name)
    with pytest.raises(LayerValidationError, match=words) as from_upload:
        read_exclusion_areas([("--exclude-areas", path.name, data)])
    assert str(from_path.value) == str(from_upload.value)  # the same words
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--exclude-areas", str(path))
    _one_line_error(rc, err)
    assert re.search(words, err)


def test_nan_coordinate_is_a_message_not_a_geos_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # shapely warns when it builds the ring
        poly = shapely.Polygon([(116, 23), (116.2, float("nan")), (116.2, 23.2), (116, 23)])
    gdf = _box_layer(poly, shapely.box(116, 23, 116.1, 23.1))
    with pytest.raises(LayerValidationError, match="not finite.*rows \\[0\\]"):
        validate_exclusion_areas(gdf, name="exclusion areas 'x'")
    path = tmp_path / "nan.gpkg"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(gdf, path)
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--exclude-areas", str(path))
    _one_line_error(rc, err)
    assert "not finite" in err


def test_a_box_over_the_province_is_refused_not_silently_excluding_everything(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    frame = _box_layer(shapely.box(109.7, 20.3, 117.3, 25.5))
    with pytest.raises(PlannerError, match="every receiving unit"):
        combine_exclusions([], {"frame.geojson": frame})
    path = tmp_path / "frame.geojson"
    path.write_bytes(frame.to_json().encode())
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--exclude-areas", str(path))
    _one_line_error(rc, err)
    assert "every receiving unit" in err and "frame.geojson" in err


def test_valid_exclusion_areas_still_work_from_both_sides(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    red = _small_red_line()
    path = tmp_path / "red.geojson"
    path.write_bytes(red.to_json().encode())
    a = read_exclusion_file(path, "red.geojson")
    b = read_exclusion_areas([("--exclude-areas", "red.geojson", path.read_bytes())])["red.geojson"]
    assert a.crs.to_epsg() == 4326 and a.geom_equals(b).all()
    out = tmp_path / "fit.json"
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--exclude-areas", str(path),
                       "--out", str(out))
    assert rc == 0, err
    rows = {r["adcode"]: r for r in json.loads(out.read_text(encoding="utf-8"))["table"]}
    assert rows["440513"]["eligible"] is False


# ----------------------------------------------------------------------------- 6. duplicates
def test_repeated_keys_are_refused_naming_them(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(PlannerError, match="'445281'.*more than once"):
        parse_pairs(["445281=10", "440514=5", "445281=20"], option="--room")
    with pytest.raises(PlannerError, match="'policy'.*more than once"):
        parse_weights("policy=1,upstream=1,policy=2")
    with pytest.raises(PlannerError, match="'a'.*more than once"):
        check_unique_keys([("a", 1.0), ("b", 2.0), ("a", 3.0)], name="room")
    rc, _o, err = _cli(capsys, "allocate", "--stage", "dyeing", "--origin", "440118=10",
                       "--room", "445281=10", "--room", "445281=20")
    _one_line_error(rc, err)
    assert "445281" in err and "--room" in err
    room = tmp_path / "room.csv"
    room.write_text("destination,room\n445281,10\n440514,5\n445281,20\n", encoding="utf-8")
    rc, _o, err = _cli(capsys, "allocate", "--stage", "dyeing", "--origin", "440118=10", "--room-csv", str(room))
    _one_line_error(rc, err)
    assert "445281" in err and "room.csv" in err
    room.write_text("destination,room\n445281,10\n", encoding="utf-8")
    rc, _o, err = _cli(capsys, "allocate", "--stage", "dyeing", "--origin", "440118=10", "--room-csv", str(room),
                       "--room", "445281=30")
    _one_line_error(rc, err)
    assert "445281" in err


def test_duplicate_ahp_criteria_are_refused() -> None:
    with pytest.raises(PlannerError, match="'policy'.*more than once"):
        read_ahp_csv(io.StringIO(",policy,upstream,policy\npolicy,1,3,1\nupstream,1/3,1,1/3\npolicy,1,3,1\n"))
    m = pd.DataFrame(np.ones((2, 2)), index=["policy", "policy"], columns=["policy", "policy"])
    with pytest.raises(PlannerError, match="'policy'.*more than once"):
        ahp_weights(m)


# ----------------------------------------------------------------------------- 7. valid input refused
def test_zipped_shapefile_in_a_folder_with_mac_leftovers_is_read(tmp_path: Path) -> None:
    parts = _shapefile_parts(tmp_path, _small_red_line())
    files = {f"__MACOSX/红线/._red{ext[-4:]}": b"\x00\x05\x16\x07junk" for ext in parts}
    files.update({f"红线/{k}": v for k, v in parts.items()})
    assert len(read_uploaded_vector(_zip(files), "红线.zip")) == 1


def test_zipped_shapefile_inside_the_zip_is_read(tmp_path: Path) -> None:
    inner = _zip(_shapefile_parts(tmp_path, _small_red_line()))
    assert len(read_uploaded_vector(_zip({"data/red.zip": inner}), "outer.zip")) == 1


def test_names_with_an_exclamation_mark_are_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    parts = _shapefile_parts(tmp_path, _small_red_line(), stem="red!1")
    assert len(read_uploaded_vector(_zip({f"v!2/{k}": v for k, v in parts.items()}), "a!b.zip")) == 1
    path = tmp_path / "red!line.geojson"
    path.write_bytes(_small_red_line().to_json().encode())
    assert len(read_vector(path)) == 1
    shp_dir = tmp_path / "dir!x"
    shp_dir.mkdir()
    for k, v in parts.items():
        (shp_dir / k).write_bytes(v)
    assert len(read_vector(shp_dir / "red!1.shp")) == 1
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--exclude-areas", str(path),
                       "--out", str(tmp_path / "f!.csv"))
    assert rc == 0, err
    assert (tmp_path / "f!.csv").exists()


# ----------------------------------------------------------------------------- 8. messages that help
def test_empty_csv_names_the_file_and_the_columns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for option, column in (("--od", "origin"), ("--site", "site"), ("--capability", "stage"),
                           ("--chain", "supplier"), ("--evidence", "place"), ("--ahp", "criteri")):
        rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", option, str(empty))
        _one_line_error(rc, err)
        assert "empty.csv" in err and option in err and column in err and "No columns to parse" not in err, err
    rc, _o, err = _cli(capsys, "allocate", "--stage", "dyeing", "--origin", "440118=10", "--room-csv", str(empty))
    _one_line_error(rc, err)
    assert "empty.csv" in err and "destination, room" in err
    with pytest.raises(PlannerError, match="'empty.csv' is empty.*origin") as app:  # the app's uploads: same words
        load_study_inputs([("--od", "empty.csv", b"")])
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--od", str(empty))
    assert err.strip() == f"error: {app.value}"


def test_messages_name_the_upload_not_a_buffer() -> None:
    with pytest.raises(PlannerError) as err:
        load_study_inputs([("--capability", "统计.csv", b"\xff\xfe\x00b\x00a\x00d")])
    assert "统计.csv" in str(err.value) and "file-like buffer" not in str(err.value)
    assert "path_or_buffer" not in str(err.value)


def test_gdal_messages_do_not_show_server_paths() -> None:
    for data, name in ((b"{not json", "红线.geojson"), (b"garbage" * 10, "x.gpkg"), (b"<kml", "y.kml")):
        with pytest.raises(PlannerError) as err:
            read_uploaded_vector(data, name)
        msg = str(err.value)
        assert name in msg and tempfile.gettempdir() not in msg and "gd-upload" not in msg, msg


def test_errors_name_the_target_not_the_hidden_temp_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "o.csv"
    target.mkdir()  # a folder where the file should go
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", "--out", str(target))
    _one_line_error(rc, err)
    assert "o.csv" in err and not re.search(r"/\.o\.", err), err
    with pytest.raises(PlannerError, match="o.csv") as exc:
        with atomic_path(target) as tmp:
            tmp.write_text("x")
    assert ".o." not in str(exc.value)


def test_seed_and_other_numbers_name_their_option(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _o, err = _cli(capsys, "sensitivity", "--stage", "dyeing", "--origin", "440118", "--seed", "-1", "--draws", "10")
    _one_line_error(rc, err)
    assert "--seed" in err and "-1" in err
    for opt, val in (("--half-life-h", "inf"), ("--exclude-share", "nan"), ("--concentration", "1e309")):
        rc, _o, err = _cli(capsys, "sensitivity", "--stage", "dyeing", "--origin", "440118", opt, val, "--draws", "10")
        _one_line_error(rc, err)
        assert opt in err


def test_an_origin_outside_the_delta_gets_a_note(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    rc, _o, err = _cli(capsys, "fit", "--stage", "apparel", "--origin", "445281", "--out", str(out))
    assert rc == 0, err
    assert err.startswith("note:") and "445281" in err and "Pearl River Delta" in err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert any("Pearl River Delta" in a for a in data["assumptions"])
    rc, _o, err = _cli(capsys, "fit", "--stage", "apparel", "--origin", "440118", "--out", str(out))
    assert rc == 0 and "note:" not in err


# ----------------------------------------------------------------------------- 9. leftovers
def test_a_killed_write_leaves_a_temp_file_that_the_next_run_cleans(tmp_path: Path) -> None:
    target = tmp_path / "x.gpkg"
    code = (
        "import os, signal, sys\n"
        "from geo.io import atomic_path\n"
        f"with atomic_path({str(target)!r}) as tmp:\n"
        "    tmp.write_bytes(b'half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=60, check=False)
    assert r.returncode == -signal.SIGKILL
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".x.") and not target.exists()
    # the same name held by a live process (a concurrent writer) is kept
    live = tmp_path / re.sub(r"part-\d+@", f"part-{os.getpid()}@", left[0]).replace(".gpkg", "live.gpkg")
    assert live.name != left[0]
    live.write_bytes(b"")
    write_vector({"a": _small_red_line()}, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, "x.gpkg"])


def test_folders_are_written_atomically(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import geo.writers

    bundle = collect_export(layer_ids=["zones", "poles"])
    out = tmp_path / "gj"
    out.mkdir()
    (out / "old.geojson").write_text("{}")
    before = _listing(tmp_path)
    real = geo.writers.export_geojson
    calls = []

    def fail_second(*a: object, **k: object) -> Path:
        calls.append(1)
        if len(calls) == 2:
            raise PlannerError("disk full")
        return real(*a, **k)

    monkeypatch.setattr(geo.writers, "export_geojson", fail_second)
    with pytest.raises(PlannerError, match="disk full"):
        write_export(bundle, "geojson", out)
    assert _listing(tmp_path) == before  # the old folder as it was, nothing beside it
    monkeypatch.setattr(geo.writers, "export_geojson", real)
    files = write_export(bundle, "geojson", out)
    # files the folder already held stay (a folder may hold the planner's own files)
    assert sorted(p.name for p in out.iterdir()) == ["old.geojson", "poles.geojson", "zones.geojson"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert all(p.parent == out for p in files)
    with atomic_folder(tmp_path / "new") as d:
        (d / "a.txt").write_text("a")
        assert not (tmp_path / "new").exists()
    assert (tmp_path / "new" / "a.txt").read_text() == "a"


def test_stale_export_scratch_folders_are_cleaned(tmp_path: Path) -> None:
    code = (
        "import os, signal\n"
        "from geo.io import scratch_dir\n"
        "with scratch_dir('.export') as d:\n"
        "    (d / 'big.gpkg').write_bytes(b'x' * 1000)\n"
        "    print(d, flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    stale = Path(r.stdout.strip())
    assert r.returncode == -signal.SIGKILL and (stale / "big.gpkg").exists()
    export_everything({"red": _small_red_line()}, out_zip=tmp_path / "all.zip")
    assert not stale.exists()
    assert zipfile.ZipFile(tmp_path / "all.zip").testzip() is None


# ----------------------------------------------------------------------------- 10. speed on big valid input
def test_a_100k_feature_exclusion_layer_takes_seconds() -> None:
    xs, ys = np.meshgrid(np.arange(111.0, 115.0, 0.01), np.arange(22.0, 24.5, 0.01))
    x, y = xs.ravel(), ys.ravel()
    squares = shapely.box(x, y, x + 0.008, y + 0.008)
    layer = gpd.GeoDataFrame(geometry=squares, crs=4326)
    assert len(layer) == 100_000
    t0 = time.perf_counter()
    got = units_in_areas(layer, level="county")
    took = time.perf_counter() - t0
    assert took < 12, f"{took:.1f} s"
    assert 0.6 < got["share"].max() < 0.7  # 0.8 x 0.8 of every cell is covered: 64 %


def test_fast_overlay_equals_the_exact_union() -> None:
    rng = np.random.default_rng(3)
    pts = shapely.points(rng.uniform(113.2, 113.9, 400), rng.uniform(22.9, 23.5, 400))
    layer = gpd.GeoDataFrame(geometry=shapely.buffer(pts, 0.03, quad_segs=4), crs=4326)  # overlapping circles
    units = load_boundaries("county")
    got = units_in_areas(layer, units=units, min_share=0.05).set_index("adcode")["share"]
    u = units.to_crs(ANALYSIS_CRS)
    mask = shapely.union_all(layer.to_crs(ANALYSIS_CRS).geometry.to_numpy())
    exact = pd.Series(np.round(shapely.area(shapely.intersection(u.geometry.to_numpy(), mask))
                               / shapely.area(u.geometry.to_numpy()), 6), index=u["adcode"])
    assert set(got.index) == set(exact.index[exact >= 0.05])
    assert np.allclose(got.sort_index(), exact[got.index].sort_index(), atol=1e-6)


# ----------------------------------------------------------------------------- 11. injection
def test_every_csv_writer_defuses_formulas(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    df = pd.DataFrame({"name": ["-2+3+cmd|' /C calc'!A0", "=HYPERLINK(\"x\")", "-1.5", "ok", "@SUM(A1)", "+1 (555)"],
                       "v": [1, 2, 3, 4, 5, 6]})
    expected = ["'-2+3+cmd|' /C calc'!A0", "'=HYPERLINK(\"x\")", "-1.5", "ok", "'@SUM(A1)", "'+1 (555)"]
    p = export_csv(df, tmp_path / "a.csv")
    assert pd.read_csv(p, encoding="utf-8-sig", dtype=str)["name"].tolist() == expected
    q = _write_table(df, str(tmp_path / "b.csv"))  # fit, sensitivity, completeness and allocate --out(-csv)
    assert pd.read_csv(q, encoding="utf-8-sig", dtype=str)["name"].tolist() == expected
    assert df["name"].iloc[0].startswith("-2")  # the caller's table is not modified
    capsys.readouterr()
    _emit(df, None)  # stdout when no --out is given
    shown = capsys.readouterr().out
    assert pd.read_csv(io.StringIO(shown), dtype=str)["name"].tolist() == expected


def test_user_strings_are_escaped_for_markdown() -> None:
    text = escape_markdown("红线 **bold** [x](javascript:alert(1)) <img src=x> `code` _i_ # h")
    unescaped = re.sub(r"\\.", "", text)  # drop every backslash-escaped character: no markup may be left
    assert not set("*[]<>`_#$|~") & set(unescaped), text  # no link, emphasis, code, HTML, heading or LaTeX left
    assert "红线" in text and "\\<img" in text
    pages = sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"]
    bare = []
    for page in pages:
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("error", "warning")
                    and node.args and isinstance(node.args[0], ast.Call)
                    and getattr(node.args[0].func, "id", "") == "str"):
                bare.append(f"{page.name}:{node.lineno}")
    assert not bare, f"messages with user text shown as raw Markdown: {bare}"


# ----------------------------------------------------------------------------- property-based
_SUFFIXES = st.sampled_from([".zip", ".geojson", ".json", ".gpkg", ".kml", ".fgb", ".shp", ""])


@FAST
@given(data=st.binary(max_size=2048), suffix=_SUFFIXES)
def test_random_bytes_as_uploads_give_a_planner_error(data: bytes, suffix: str) -> None:
    try:
        read_uploaded_vector(data, f"up{suffix}")
    except PlannerError as exc:
        assert "\n" not in str(exc).strip() or isinstance(exc, LayerValidationError)
    try:
        read_exclusion_areas([("--exclude-areas", f"up{suffix}", data)])
    except PlannerError:
        pass


_VALID_ZIP = _zip({"red.geojson": _small_red_line().to_json().encode()})


@FAST
@given(cut=st.integers(min_value=0, max_value=len(_VALID_ZIP) - 1), flip=st.integers(0, len(_VALID_ZIP) - 1))
def test_truncated_and_flipped_archives_give_a_planner_error(cut: int, flip: int) -> None:
    flipped = bytearray(_VALID_ZIP)
    flipped[flip] ^= 0x5A
    for data in (_VALID_ZIP[:cut], bytes(flipped)):
        try:
            read_uploaded_vector(data, "red.zip")
        except PlannerError:
            pass


_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 1e12, 1e13, -1.0, 0.0, 1e-320]),
).map(repr)


@FAST
@given(half=_NUMBERS, share=_NUMBERS, conc=_NUMBERS,
       draws=st.one_of(st.integers(-5, 10**12), st.just(MAX_DRAWS + 1)).map(str),
       seed=st.integers(-(2**70), 2**70).map(str))
def test_numbers_on_the_command_line_never_give_a_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                            half: str, share: str, conc: str, draws: str,
                                                            seed: str) -> None:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    before = _listing(out)
    rc, _o, err = _cli(capsys, "sensitivity", "--stage", "dyeing", "--origin", "440118", "--half-life-h", half,
                       "--exclude-share", share, "--concentration", conc, "--draws", draws, "--seed", seed,
                       "--out", str(out / "s.csv"))
    if rc != 0:
        _one_line_error(rc, err)
        assert _listing(out) == before
    else:
        assert (out / "s.csv").exists()
        (out / "s.csv").unlink()


@FAST
@given(origin=_NUMBERS, rooms=st.lists(st.tuples(st.sampled_from(["445281", "440514", "440513"]), _NUMBERS),
                                       min_size=1, max_size=4))
def test_allocation_numbers_and_duplicates_never_give_a_traceback(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, origin: str, rooms: list[tuple[str, str]]) -> None:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    before = _listing(out)
    args = ["allocate", "--stage", "dyeing", "--origin", f"440118={origin}", "--out-csv", str(out / "f.csv")]
    for code, v in rooms:
        args += ["--room", f"{code}={v}"]
    rc, _o, err = _cli(capsys, *args)
    keys = [c for c, _ in rooms]
    if len(set(keys)) < len(keys):
        assert rc == 2 and ("more than once" in err or "--origin" in err)
    if rc not in (0, 3):
        _one_line_error(rc, err)
        assert _listing(out) == before
    elif (out / "f.csv").exists():
        (out / "f.csv").unlink()


_CSV_BYTES = st.one_of(
    st.binary(max_size=512),
    st.just(b""),
    st.just(b"\xef\xbb\xbf"),
    st.text(max_size=200).map(lambda t: t.encode("utf-16")),
    st.lists(st.sampled_from(["adcode", "site", "445281", "0.5", "1e308", "nan", ",", "\n", "印染", "="]),
             max_size=30).map(lambda xs: "".join(xs).encode("gb18030")),
)


@FAST
@given(data=_CSV_BYTES, option=st.sampled_from(["--site", "--od", "--capability", "--chain", "--evidence", "--ahp"]))
def test_hostile_csv_files_never_give_a_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                 data: bytes, option: str) -> None:
    inp = tmp_path / "in.csv"
    inp.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    before = _listing(out)
    rc, _o, err = _cli(capsys, "fit", "--stage", "dyeing", "--origin", "440118", option, str(inp),
                       "--out", str(out / "f.csv"))
    if rc != 0:
        _one_line_error(rc, err)
        assert _listing(out) == before
    else:
        (out / "f.csv").unlink()
    if option not in ("--ahp",):
        try:  # the app's path: the same readers on the uploaded bytes
            load_study_inputs([(option, "in.csv", data)])
        except PlannerError:
            pass
