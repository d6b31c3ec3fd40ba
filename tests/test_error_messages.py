"""Error messages a planner meets, in the planner's language (issue 11 item 2).

Every bad input the app can meet (empty files, wrong columns, bad numbers, repeated keys, a
bad AHP matrix, a damaged zip, exclusion areas outside Guangdong or without a CRS ...) raises
a coded message: ``exc.args[0]`` is a :class:`geo.messages.Note` with an ``error.*`` code,
``str(exc)`` is the English as before (the command line and ``match=`` unchanged), and
:func:`outputs.messages.render_error` says it in Chinese with no English sentence.
"""
from __future__ import annotations

import io
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine
from streamlit.testing.v1 import AppTest

from analysis.allocation import allocate_capacity
from analysis.assumptions import COMPONENTS
from analysis.capability import read_capability_csv
from analysis.chain import read_chain_edges
from analysis.exclusion import combine_exclusions
from analysis.inputs import load_fit_inputs, read_site_csv
from analysis.network import read_od_matrix
from analysis.site_scores import read_site_scores
from analysis.weights import ahp_weights, check_amounts, complete_reciprocal, parse_weights, read_ahp_csv
from geo.error_texts import ERRORS
from geo.errors import FontMissingError, LayerValidationError, PlannerError
from geo.io import open_user_table, read_commented_csv
from geo.messages import Note, note_codes, register_templates
from geo.raster import validate_raster
from geo.upload import read_exclusion_file
from layers.travel import load_travel_matrix
from geo.validate import check_unique_keys, validate_exclusion_areas
from app_pages._scenarios import decode_view
from layers.evidence import read_evidence_csv
from layers.stages import STAGES
from outputs.messages import render_error
from outputs.text import CATALOGUE
from scenario.bundle import collect_export, write_export
from scenario.compare import compare_scenarios
from scenario.convert import scenario_to_study
from scenario.exchange import read_scenario_file
from scenario.record import AreaLayer, RasterFile, Scenario, TableFile, check_name, check_scenario
from scenario.store import open_store
from scenario.suitability import check_resolution, parse_criterion
from tests.test_app_planner import APP, FIT_PAGE, _ok
from tests.test_notes import _english_runs

#: Identifiers a message names as they are (column names, stage and component ids, keywords of files).
_IDS = {*STAGES, *COMPONENTS, "adcode", "stage", "value", "origin", "destination", "cost", "site", "supplier",
        "customer", "weight", "note", "place", "level", "stages", "measure", "unit", "year", "source", "quality",
        "id", "a", "b", "x", "row", "name_zh", "load_boundaries", "county"}


def _english(text: str) -> list[str]:
    """Runs of English words in ``text`` that are more than a list of identifiers."""
    return [r for r in _english_runs(text) if not set(re.findall(r"[A-Za-z_]\w*", r)) <= _IDS]


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, v in files.items():
            z.writestr(k, v)
    return buf.getvalue()


def _areas(geom: object, crs: object = 4326) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[geom], crs=crs)


def _tif(name: str, *, crs: object, west: float = 113.0, north: float = 24.0) -> str:
    """A small GeoTIFF in a fresh folder (a planner's DEM)."""
    path = Path(tempfile.mkdtemp(prefix="err-")) / name
    with rasterio.open(path, "w", driver="GTiff", width=4, height=4, count=1, dtype="float32", crs=crs,
                       transform=Affine(0.01, 0, west, 0, -0.01, north)) as dst:
        dst.write(np.ones((1, 4, 4), "float32"))
    return str(path)


def _junk(name: str) -> str:
    path = Path(tempfile.mkdtemp(prefix="err-")) / name
    path.write_bytes(b"not a GeoTIFF")
    return str(path)


def _empty_file(name: str) -> str:
    path = Path(tempfile.mkdtemp(prefix="err-")) / name
    path.write_bytes(b"")
    return str(path)


def _cut_store() -> str:
    """A scenario store cut off after its first page (a copy that stopped half-way)."""
    path = Path(tempfile.mkdtemp(prefix="err-")) / "s.sqlite"
    with open_store(path) as s:
        s.save(Scenario(name="a", settings={"stage": "dyeing", "origin": "440118"}))
    path.write_bytes(path.read_bytes()[:4096])
    return str(path)


def _other_sqlite() -> str:
    path = Path(tempfile.mkdtemp(prefix="err-")) / "other.sqlite"
    with closing(sqlite3.connect(path)) as c:
        c.execute("CREATE TABLE t (x)")
        c.commit()
    return str(path)


def _csv(option: str, text: str | bytes, reader: Callable[[object], object]) -> Callable[[], object]:
    data = text.encode() if isinstance(text, str) else text
    return lambda: reader(open_user_table(option, f"{option[2:]}.csv", data))


_AHP = ",policy,site\npolicy,1,3\nsite,1/3,1\n"

#: name -> what the app (or the command line) does with a planner's bad input.
BAD: dict[str, Callable[[], object]] = {
    "empty capability": _csv("--capability", b"", read_capability_csv),
    "capability without adcode": _csv("--capability", "a,b\n1,2\n", read_capability_csv),
    "capability bad numbers": _csv("--capability", "adcode,stage,value\n445281,dyeing,abc\n445281,印染,-3\n",
                                   read_capability_csv),
    "capability unknown codes and stages": _csv("--capability", "adcode,stage,value\n999999,foo,1\n440100,dyeing,1\n",
                                                read_capability_csv),
    "capability wide, repeated": _csv("--capability", "adcode,dyeing,印染,bar\n445281,1,2,3\n445281,1,2,3\n",
                                      read_capability_csv),
    "capability too many fields": _csv("--capability", "adcode,stage,value\n445281,dyeing,1,2,3\n",
                                       read_capability_csv),
    "utf-16 csv": _csv("--capability", "adcode\n".encode("utf-16"), read_capability_csv),
    "empty od": _csv("--od", "# nothing\n", read_od_matrix),
    "empty od hours": _csv("--od-hours", "# nothing\n", read_od_matrix),
    "od bad": _csv("--od", "origin,destination,cost\n445281,440513,-1\n445281,440513,x\n445281,999999,1\n",
                   lambda src: read_od_matrix(src, units=["445281", "440513"])),
    "od no rows": _csv("--od", "origin,destination,cost\n", lambda src: read_od_matrix(src, units=["445281"])),
    "site bad": _csv("--site", "adcode,site\n445281,2\n445281,x\n,0.5\n440100,0.5\n", read_site_csv),
    "site wrong columns": _csv("--site", "code,score\n445281,0.5\n", read_site_csv),
    "chain bad": _csv("--chain", "supplier,customer,weight,note\nfoo,dyeing,x,\ndyeing,dyeing,-1,a\n",
                      read_chain_edges),
    "chain shares": _csv("--chain", "supplier,customer,weight,note\nweaving,dyeing,0.5,a\n", read_chain_edges),
    "chain columns": _csv("--chain", "supplier,customer\nweaving,dyeing\n", read_chain_edges),
    "evidence header only": _csv("--evidence", "adcode,level,stages,measure,value,unit,year,source,quality\n",
                                 read_evidence_csv),
    "evidence bad rows": _csv("--evidence", "adcode,level,stages,measure,value,unit,year,source,quality\n"
                                            "999999,village,foo,firms,x,kg,20x1,,great\n"
                                            "445281,county,,mention,5,firms,2018-2010,yearbook,official\n",
                              read_evidence_csv),
    "evidence columns": _csv("--evidence", "adcode,value\n445281,1\n", read_evidence_csv),
    "evidence repeated columns": _csv("--evidence", "adcode,adcode\n1,2\n", read_evidence_csv),
    "ahp empty": _csv("--ahp", ",policy\n", read_ahp_csv),
    "ahp line length": _csv("--ahp", ",policy,site\npolicy,1\nsite,1,1\n", read_ahp_csv),
    "ahp bad cell": _csv("--ahp", ",policy,site\npolicy,1,abc\nsite,1/3,1\n", read_ahp_csv),
    "ahp names": _csv("--ahp", ",policy,site\nsite,1,3\npolicy,1/3,1\n", read_ahp_csv),
    "ahp repeated header": _csv("--ahp", ",policy,policy\npolicy,1,3\npolicy,1/3,1\n", read_ahp_csv),
    "ahp not reciprocal": lambda: ahp_weights(read_ahp_csv(io.StringIO(_AHP.replace("1/3", "3")))),
    "ahp not positive": lambda: ahp_weights(np.array([[1.0, -2.0], [0.5, 1.0]])),
    "ahp not square": lambda: ahp_weights(np.ones((2, 3))),
    "ahp typed cells": lambda: complete_reciprocal(
        pd.DataFrame([["1", "x", "-2"], ["", "1", "0"], ["", "", "1"]], index=list("abc"),
                                       columns=list("abc"))),
    "weights": lambda: parse_weights("policy=1,foo=2"),
    "weights zero": lambda: parse_weights("policy=0"),
    "weights no equals": lambda: parse_weights("policy"),
    "weights not a number": lambda: parse_weights("policy=x"),
    "repeated keys": lambda: check_unique_keys([("445281", 10.0), ("445281", 20.0), ("440513", 1.0), "440513"],
                                               name="`--room`"),
    "amounts": lambda: check_amounts({"445281": -1, "440513": "x", "440118": 1e30}, name="room"),
    "csv unparsable": lambda: read_commented_csv(io.StringIO('a,b\n"x\n')),
    "damaged zip": lambda: read_exclusion_file(b"PK\x03\x04 this is no zip", "red.zip"),
    "zip without a layer": lambda: read_exclusion_file(_zip({"readme.txt": b"x"}), "red.zip"),
    "zip unsafe": lambda: read_exclusion_file(_zip({"../x.geojson": b"{}"}), "red.zip"),
    "shapefile without prj": lambda: read_exclusion_file(_zip({"a.shp": b"x", "a.shx": b"x", "a.dbf": b"x"}), "a.zip"),
    "upload suffix": lambda: read_exclusion_file(b"x", "red.docx"),
    "upload no suffix": lambda: read_exclusion_file(b"x", "red"),
    "geojson not readable": lambda: read_exclusion_file(b"{not json", "red.geojson"),
    "exclusion without crs": lambda: validate_exclusion_areas(_areas(shapely.box(113, 23, 114, 24), None)),
    "exclusion empty": lambda: validate_exclusion_areas(_areas(shapely.box(113, 23, 114, 24)).iloc[:0]),
    "exclusion swapped": lambda: read_exclusion_file(
        _areas(shapely.box(23, 113, 23.1, 113.1)).to_json().encode(), "red.geojson"),
    "exclusion elsewhere": lambda: validate_exclusion_areas(_areas(shapely.box(2, 48, 3, 49))),
    "exclusion metres": lambda: validate_exclusion_areas(_areas(shapely.box(400000, 2500000, 410000, 2510000))),
    "exclusion points and bad rings": lambda: validate_exclusion_areas(gpd.GeoDataFrame(geometry=[
        shapely.Point(113, 23), shapely.Polygon([(113, 23), (114, 24), (114, 23), (113, 24)]), None], crs=4326)),
    "exclusion all points": lambda: validate_exclusion_areas(_areas(shapely.Point(113, 23))),
    "exclusion of everything": lambda: combine_exclusions([], {"frame.gpkg": _areas(shapely.box(109, 20, 118, 26))}),
    "raster without crs": lambda: validate_raster(_tif("dem.tif", crs=None), name="dem.tif"),
    "raster elsewhere": lambda: validate_raster(_tif("dem.tif", crs=4326, west=2.0, north=49.0), name="dem.tif",
                                                band=2),
    "not a raster": lambda: validate_raster(_junk("x.tif"), name="x.tif"),
    "raster is a folder": lambda: validate_raster(tempfile.mkdtemp(prefix="err-"), name="dem"),
    "raster missing": lambda: validate_raster("/nonexistent/dem.tif", name="dem.tif"),
    "scenario file cut short": lambda: read_scenario_file(b'{"format": "gd-textile-planner/scenario", "format_version": 1'),
    "scenario file not utf-8": lambda: read_scenario_file("印染".encode("gbk") + b"\xff"),
    "scenario file key twice": lambda: read_scenario_file(b'{"format": 1, "format": 2}'),
    "scenario file NaN": lambda: read_scenario_file(b'{"format": NaN}'),
    "scenario file of another kind": lambda: read_scenario_file(
        b'{"format": "x", "format_version": 1, "exported": "", "scenario": {}}'),
    "scenario file keys": lambda: read_scenario_file(b'{"format": "x", "extra": 1}'),
    "scenario file newer": lambda: read_scenario_file(
        b'{"format": "gd-textile-planner/scenario", "format_version": 99, "exported": "", "scenario": {}}'),
    "scenario file not an object": lambda: read_scenario_file(b'[1, 2]'),
    "scenario file missing": lambda: read_scenario_file("/nonexistent/方案.json"),
    "scenario name blank": lambda: check_name("   "),
    "scenario name control": lambda: check_name(" a\nb"),
    "damaged link": lambda: decode_view("not base64!"),
    "allocation to an unknown place": lambda: allocate_capacity("dyeing", {"440118": 100.0}, room={"nowhere": 10.0}),
    "allocation without room": lambda: allocate_capacity("dyeing", {"440118": 100.0}, room={}),
    "fit inputs": lambda: load_fit_inputs(capability=pd.DataFrame({"dyeing": [-1.0]}, index=["999999"]),
                                          site=pd.Series({"445281": 2.0})),
    "site scores": lambda: read_site_scores(io.StringIO("adcode,stage,site_mean,site_share,sources\n445281,dyeing,2,0.5,x"
                                                        "\n445281,dyeing,0.1,0.5,x\n"), name="t.csv"),
    "resolution": lambda: check_resolution(5),
    "resolution coarse": lambda: check_resolution(50_000),
    "criterion": lambda: parse_criterion("noise_db=noise.tif,weight=heavy"),
    "criterion key": lambda: parse_criterion("noise_db=noise.tif,colour=red"),
    "scenario record": lambda: check_scenario(Scenario(name="a", settings={"stage": 5, "origin": 1}, tables=(
        TableFile("colours", "c:/x/red.csv", b"x", "0" * 64), TableFile("colours", "b.csv", b"x", "")))),
    "store not sqlite": lambda: open_store(_junk("scenarios.sqlite")),
    "store empty": lambda: open_store(_empty_file("scenarios.sqlite")),
    "store folder": lambda: open_store(tempfile.mkdtemp(prefix="err-")),
    "store cut short": lambda: open_store(_cut_store()),
    "store of another program": lambda: open_store(_other_sqlite()),
    "scenario record areas, rasters, times": lambda: check_scenario(Scenario(
        name="a", settings={"stage": "dyeing", "origin": "440118", "decay": float("nan"), "x": {1: 2}},
        areas=(AreaLayer("red", "EPSG:99999", (b"junk",)), AreaLayer("red", "EPSG:4326", ())),
        rasters=(RasterFile("DEM", "dem.tif"), RasterFile("dem", "a/dem.tif", path="/nonexistent/dem.tif")),
        created="yesterday", updated="2024-02-30T08:00:00Z")),
    "compare one scenario": lambda: compare_scenarios([Scenario(name="a", settings={"stage": "dyeing",
                                                                                    "origin": "440118"})]),
    "export nothing": lambda: write_export(collect_export(None, layer_ids=[]), "geojson", tempfile.mkdtemp()),
    "export a raster without a fit": lambda: write_export(collect_export(None, layer_ids=["zones"]), "tif",
                                                          tempfile.mkdtemp()),
    "scenario with gone names": lambda: scenario_to_study(Scenario(name="old", settings={
        "stage": "knitting", "origin": "440118", "exclude": ["999999"], "room": [["nowhere", 1]]})),
    "scenario with bad settings": lambda: scenario_to_study(Scenario(name="old", settings={
        "stage": "dyeing", "origin": "440118", "level": "town", "draws": 1.5, "weights": {"charm": 1},
        "exclude": "440118", "colour": "red", "transfer_to": 5})),
}


@pytest.fixture(scope="module")
def raised() -> dict[str, ValueError]:
    out: dict[str, ValueError] = {}
    for name, make in BAD.items():
        with pytest.raises(ValueError) as info:
            make()
        out[name] = info.value
    return out


def test_every_bad_input_is_refused_with_a_coded_message(raised: dict[str, ValueError]) -> None:
    for name, exc in raised.items():
        head = exc.args[0]
        assert isinstance(exc, PlannerError), (name, type(exc), exc)
        assert isinstance(head, Note) and head.code.startswith("error."), (name, exc)
        assert str(head) == str(exc), name


def test_english_is_word_for_word_the_message(raised: dict[str, ValueError]) -> None:
    for name, exc in raised.items():
        assert render_error(exc, lang="en") == str(exc), name


def test_chinese_has_no_english_sentence_and_keeps_names_and_numbers(raised: dict[str, ValueError]) -> None:
    for name, exc in raised.items():
        zh = render_error(exc, lang="zh")
        assert re.search(r"[\u4e00-\u9fff]", zh), (name, zh)
        assert not _english(zh), (name, _english(zh), zh)
    # the check sees English: every English message has a run
    assert all(_english(str(e)) for e in raised.values())
    zh = render_error(raised["od bad"], lang="zh")
    assert "-1.0" in zh and "999999" in zh and "445281->440513" in zh
    assert "“red.zip”" in render_error(raised["damaged zip"], lang="zh")
    assert "第2行有5个字段，应为3个" in render_error(raised["capability too many fields"], lang="zh")
    assert "CSV UTF-8" in render_error(raised["utf-16 csv"], lang="zh")
    assert "--od 'od.csv'" in render_error(raised["empty od"], lang="zh")
    swapped = render_error(raised["exclusion swapped"], lang="zh")
    assert swapped.startswith("排除区域“red.geojson”有1处问题") and "经纬度写反了" in swapped


def test_every_error_code_has_chinese_and_the_catalogue_refuses_a_code_twice() -> None:
    for code, en in ERRORS.items():
        zh, en_cat = CATALOGUE[code]
        words = re.search(r"[A-Za-z]{2,}", re.sub(r"\{[^}]*\}", "", en))  # a template of fields only stays as it is
        assert en_cat == en and zh and (zh != en or not words), code
    assert set(re.findall(r"\{(\w+)", CATALOGUE["error.zip.members"][0])) == {"name", "n", "limit"}
    with pytest.raises(ValueError, match="already registered by geo.error_texts"):
        register_templates({"error.zip.members": "again"}, owner="tests")
    with pytest.raises(ValueError, match="already registered by analysis.notes"):
        register_templates({"decay.user": "again"}, owner="tests")


def test_codes_of_the_bad_inputs_cover_the_readers(raised: dict[str, ValueError]) -> None:
    codes = set().union(*(note_codes(e.args[0]) for e in raised.values()))
    for prefix in ("error.csv.", "error.capability.", "error.od.", "error.site.", "error.chain.", "error.table.",
                   "error.evidence.", "error.ahp.", "error.weights", "error.keys.", "error.amount", "error.zip.",
                   "error.upload.", "error.exclusion.", "error.layer", "error.raster.", "error.scenario_file.",
                   "error.name.", "error.json.", "error.link.", "error.alloc.", "error.inputs", "error.site_scores.", "error.suit.", "error.settings.", "error.doc.", "error.record.", "error.store.", "error.compare.", "error.export."):
        assert any(c.startswith(prefix) for c in codes), prefix


def test_a_third_party_error_is_shown_as_it_is() -> None:
    assert render_error(KeyError("x"), lang="zh") == "'x'"
    assert render_error(ValueError("plain words from a library"), lang="zh") == "plain words from a library"
    exc = LayerValidationError(["a plain problem", Note("error.exclusion.no_features")], layer="layer")
    assert render_error(exc, lang="zh") == "layer有2处问题：\n  - a plain problem\n  - 没有任何要素；请导出排除区域的多边形本身"


def _bad_upload(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.sidebar.radio(key="lang").set_value(lang).run()
    at.switch_page(FIT_PAGE).run()
    at.file_uploader(key="app.up.capability").upload("统计.csv", b"adcode,stage,value\n999999,foo,abc\n", "text/csv")
    at.run()
    _ok(at)
    return at


def test_a_bad_upload_in_english_mode_says_the_english_message() -> None:
    at = _bad_upload("en")
    msg = next(e.value for e in at.error if "统计.csv" in e.value)
    assert "capability statistics has 3 problem(s)" in msg and "unknown stage(s)" in msg, msg


def test_a_bad_upload_in_chinese_mode_says_what_is_wrong_in_chinese() -> None:
    at = _bad_upload("zh")
    errors = [e.value for e in at.error]
    assert errors, "the bad upload is named"
    msg = next(e for e in errors if "统计.csv" in e)
    assert "未知的环节" in msg and "999999" in msg, msg
    assert not _english(msg.replace("\\", "")), msg
    assert "unknown stage" not in msg and "problem(s)" not in msg
    assert at.dataframe, "the ranking still answers with the other files and the defaults"


def test_a_missing_chinese_font_is_said_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    import outputs.maps

    monkeypatch.setattr(outputs.maps.fontManager, "ttflist", [])
    outputs.maps.find_cjk_font.cache_clear()  # the font found by an earlier test is cached
    try:
        with pytest.raises(FontMissingError, match="no font that can draw Chinese") as info:
            outputs.maps.find_cjk_font()
    finally:
        outputs.maps.find_cjk_font.cache_clear()  # later tests find the installed font again
    zh = render_error(info.value, lang="zh")
    names = re.sub(r"`[^`]*`", " ", zh.replace(info.value.args[0].params["families"], " "))  # commands, font names
    assert zh.startswith("没有安装能显示中文的字体") and "fonts-noto-cjk" in zh and not _english(names)
    assert render_error(info.value, lang="en") == str(info.value)


def test_travel_times_uploaded_in_hours_drive_the_ranking() -> None:
    hours = load_travel_matrix(level="county", measure="hours")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(FIT_PAGE).run()
    before = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[1])
    at.file_uploader(key="app.up.od_hours").upload("时间.csv", (hours * 3).to_csv().encode(), "text/csv")
    at.run()
    _ok(at)
    assert not [e.value for e in at.error]
    cmd = "\n".join(c.value for c in at.code)
    assert "--od-hours" in cmd and "时间.csv" in cmd  # the reproduce command names the file
    after = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[1])
    assert not before.equals(after)  # three times the hours: the origin tie and access change the scores
