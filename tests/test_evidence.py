"""Evidence tables of the transfer model: shipped data, validation of bad tables, the presence rule."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from layers.boundaries import load_boundaries
from layers.cases import load_backtest_cases
from layers.evidence import (
    BACKTEST_COLUMNS,
    DYEING_COLUMNS,
    EVIDENCE_COLUMNS,
    MEASURES,
    PARK_COLUMNS,
    PARTNER_COLUMNS,
    QUALITIES,
    evidence_presence,
    load_dyeing_centres,
    load_evidence,
    load_partners,
    load_transfer_parks,
    partner_cities,
    read_evidence_csv,
)
from layers.places import read_places_table

STAGE_IDS = list(pd.read_csv(get_path("stages"), dtype=str)["id"])


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(get_path(name), dtype=str, keep_default_na=False)


def _write(tmp_path, df: pd.DataFrame, name: str = "t.csv"):
    p = tmp_path / name
    df.to_csv(p, index=False)
    return p


# ---------------------------------------------------------------- the shipped files

@pytest.mark.parametrize("name, columns", [
    ("partners", PARTNER_COLUMNS), ("transfer_parks", PARK_COLUMNS), ("dyeing_centres", DYEING_COLUMNS),
    ("evidence", EVIDENCE_COLUMNS), ("backtest_cases", BACKTEST_COLUMNS),
])
def test_files_plain_utf8_exact_header_sourced(name, columns):
    raw = get_path(name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").splitlines()[0].split(",") == list(columns)
    t = _raw(name)
    assert (t["source"] != "").all()
    assert t["quality"].isin(QUALITIES).all()
    # a row citing only secondary sources is labelled secondary
    only_s = t["source"].str.contains(r"\[S") & ~t["source"].str.contains(r"\[O\]|\[R\]|粤工信")
    assert (t.loc[only_s, "quality"] == "secondary").all(), list(t.loc[only_s & (t["quality"] != "secondary"), "id"])


def test_partners_shipped():
    p = load_partners()
    assert len(p) == 39
    assert set(p["round"]) == {2009, 2013, 2021, 2023}
    assert (p.loc[p["current"], "round"] == 2023).all() and p["current"].sum() == 19
    gz_qy = p[(p["partner_adcode"] == "440100") & (p["receiving_adcode"] == "441800") & (p["round"] == 2023)]
    assert len(gz_qy) == 1 and bool(gz_qy["current"].iloc[0])
    assert (p["partner_adcode"].map(load_boundaries("city").set_index("adcode")["region"]) == "PRD").all()
    # county-level pairs: Foshan Nanhai -> Maoming Dianbai
    nd = p.set_index("id").loc["p2023_fs_maoming_nanhai_dianbai"]
    assert (nd["partner_county_adcodes"], nd["receiving_county_adcodes"]) == ("440605", "440904")
    # the conflicts the research names are stated, not hidden
    notes = p.set_index("id")["note"]
    for rid in ("p2023_sz_chaozhou", "p2013_zs_chaozhou", "p2021_zh_maoming", "p2023_gz_zhaoqing_sihui", "p2021_fs_zhaoqing"):
        assert "CONFLICT" in notes[rid] or "conflict" in notes[rid], rid
    assert len(load_partners(current_only=True)) == 19


def test_partner_cities():
    assert partner_cities("440100") == ["441400", "441800", "440800", "441200"]
    assert partner_cities("440105") == partner_cities("440100")  # a district maps to its city
    assert partner_cities("440309") == ["440500", "441500", "441600", "445100", "441300"]
    assert partner_cities("440605") == ["445300", "440900"]
    assert partner_cities("441900") == ["440200", "445200"]
    for unconfirmed in ("441300", "440700", "441200"):  # Huizhou, Jiangmen, Zhaoqing
        assert partner_cities(unconfirmed) == []
    assert partner_cities("441802") == []  # a receiving county has no partner of its own
    with pytest.raises(UnknownNameError, match=r"not a Guangdong city or county-level adcode.*440100 Guangzhou"):
        partner_cities("999999")


def test_transfer_parks_shipped():
    g = load_transfer_parks()
    assert len(g) == 16 and str(g.crs) == "EPSG:4326"
    assert g.geometry.geom_type.eq("Point").all()
    assert g["clause"].str.split(";").map(lambda c: "§4" in c).all()
    assert g["location_precision"].isin(["site", "town", "county", "city"]).all()
    assert (g["location_precision"] != "site").all()  # no park gate coordinate was found
    gq = g.set_index("id").loc["tp_guangqing_textile"]
    assert (gq["city_adcode"], gq["county_adcode"], gq["partner_adcode"]) == ("441800", "441802", "440100")
    assert gq["area_km2"] == pytest.approx(11898 / 1500, abs=1e-3)
    assert gq["firms"] == 480 and gq["textile"] == "yes"
    assert {"apparel", "weaving", "dyeing"} <= set(gq["stages"].split(";"))
    assert "11,898 mu" in gq["room_note"] and gq["quality"] == "secondary"
    # textile-free parks list no stages
    assert (g.loc[g["textile"] == "no", "stages"] == "").all()
    # a point inside the county it names
    counties = load_boundaries("county").set_index("adcode")
    assert counties.geometry["441802"].covers(g.set_index("id").geometry["tp_guangqing_textile"])


def test_dyeing_centres_shipped():
    d = load_dyeing_centres().set_index("id")
    assert len(d) == 8
    assert d.at["dc_chaonan", "treatment_t_per_day"] == 155000
    assert np.isnan(d.at["dc_chaoyang", "treatment_t_per_day"])  # UNCONFIRMED stays empty
    assert d.at["dc_chaoyang", "firms_basis"] == "planned"
    assert d["area_km2"].dropna().eq(d["area_mu"].dropna() / 1500).all()
    places = read_places_table().set_index("id")
    linked = d[d["place_id"] != ""]
    assert set(linked["place_id"]) == set(places.index[places["kind"] == "dyeing_park"])
    assert (linked["county_adcode"] == linked["place_id"].map(places["county_adcode"])).all()
    assert (d["clause"].str.contains("§19")).all()
    assert set(d.loc[d["region"] == "East", "county_adcode"]) == {"440514", "440513", "445281"}


def test_evidence_shipped():
    ev = load_evidence()
    assert len(ev) == 85 and ev["id"].is_unique
    assert ev["measure"].isin(list(MEASURES)).all()
    # one measure per row, in a unit that fits it
    assert all(u in MEASURES[m][1] for m, u in zip(ev["measure"], ev["unit"]))
    by = ev.set_index("id")
    assert by.at["ev_chaonan_2020_gross_output", "value"] == 65.95
    assert by.at["ev_chaonan_2020_gross_output", "quality"] == "reproduced"
    assert by.at["ev_shantou_2021_above_scale_firms", "level"] == "city"
    # the Haizhu conflict is two rows, never merged
    assert {"ev_zhongda_2023_market_entities", "ev_zhongda_2022_market_entities"} <= set(ev["id"])
    assert (ev.loc[ev["role"] == "context", "stages"].isin(["", "dyeing"])).all()


def test_backtest_cases_shipped():
    c = load_backtest_cases().set_index("id")
    assert len(c) == 7 and set(c["kind"]) == {"relocation", "designation"}
    hz = c.loc["bt_haizhu_qingcheng_apparel"]
    assert (hz["kind"], hz["stage"], hz["origin_adcode"], hz["expected"]) == ("relocation", "apparel", "440105", ("441802",))
    assert hz["evidence_before"] == 2023 and hz["k"] == 5
    assert c.at["bt_dyeing_chaoshan", "expected"] == ("440514", "440513", "445281")
    assert c.at["bt_down_wuchuan", "kind"] == "designation"
    assert c["origin_basis"].str.len().gt(0).all()


# ---------------------------------------------------------------- validation of bad tables

def test_partners_validation_lists_every_problem(tmp_path):
    t = _raw("partners").head(3).copy()
    t.loc[0, "receiving_adcode"] = "441899"
    t.loc[1, "round"] = "2024"
    t.loc[2, "source"] = ""
    t.loc[2, "partner_adcode"] = "441800"  # Qingyuan is not a PRD partner
    with pytest.raises(LayerValidationError) as err:
        load_partners(path=_write(tmp_path, t))
    msg = str(err.value)
    assert "unknown city adcode(s) ['441899']" in msg and "440100 Guangzhou" in msg
    assert "use one of: 2009, 2013, 2021, 2023" in msg
    assert "column 'source' is empty" in msg
    assert "partner_adcode must be a PRD city" in msg
    assert len(err.value.problems) >= 4


def test_partners_names_must_match_boundaries(tmp_path):
    t = _raw("partners").head(2).copy()
    t.loc[0, "receiving_name_en"] = "Qingcheng"
    with pytest.raises(LayerValidationError, match=r"does not match the boundaries' name.*'Meizhou'"):
        load_partners(path=_write(tmp_path, t))


def test_parks_validation(tmp_path):
    t = _raw("transfer_parks").head(3).copy()
    t.loc[0, "stages"] = "knitting"
    t.loc[1, "area_km2"] = "eleven"
    t.loc[2, "county_adcode"] = "441899"
    with pytest.raises(LayerValidationError) as err:
        load_transfer_parks(path=_write(tmp_path, t))
    msg = str(err.value)
    assert "unknown stage(s) ['knitting']" in msg and "use ids from: fibre, silk" in msg
    assert "'area_km2' is not a finite number" in msg
    assert "unknown county adcode(s) ['441899']" in msg and "441802 Qingcheng District" in msg


def test_parks_point_outside_its_county(tmp_path):
    t = _raw("transfer_parks").head(1).copy()
    t.loc[0, "lon"], t.loc[0, "lat"] = "116.43", "23.25"  # Chaonan, not Qingcheng
    with pytest.raises(LayerValidationError, match=r"outside the county they name"):
        load_transfer_parks(path=_write(tmp_path, t))


def test_parks_stand_in_point_must_say_so(tmp_path):
    t = _raw("transfer_parks").head(1).copy()
    t.loc[0, "note"] = "A park."
    with pytest.raises(LayerValidationError, match=r"stands in for the place and its note must say so"):
        load_transfer_parks(path=_write(tmp_path, t))


def test_dyeing_validation(tmp_path):
    t = _raw("dyeing_centres").head(2).copy()
    t.loc[0, "place_id"] = "dyeing_puning"  # another county
    t.loc[1, "firms_basis"] = ""
    t.loc[1, "clause"] = "§4"
    with pytest.raises(LayerValidationError) as err:
        load_dyeing_centres(path=_write(tmp_path, t))
    msg = str(err.value)
    assert "place_id names a dyeing park in another county" in msg
    assert "firms and firms_basis go together" in msg
    assert "must include §19" in msg


def test_backtest_validation(tmp_path):
    t = _raw("backtest_cases").head(2).copy()
    t.loc[0, "origin_adcode"] = "441802"  # Qingcheng is not in the PRD
    t.loc[1, "stage"] = "sewing"
    t.loc[1, "expected_adcodes"] = "440104"  # a PRD unit while ranking non_prd_counties
    with pytest.raises(LayerValidationError) as err:
        load_backtest_cases(path=_write(tmp_path, t))
    msg = str(err.value)
    assert "origin_adcode must be a PRD county-level unit" in msg
    assert "'stage' holds ['sewing']" in msg
    assert "expected unit lies in the PRD" in msg


def test_missing_columns_named(tmp_path):
    t = _raw("evidence").drop(columns=["unit"])
    with pytest.raises(LayerValidationError, match=r"missing column\(s\) \['unit'\]"):
        load_evidence(path=_write(tmp_path, t))


def _ev(**over) -> pd.DataFrame:
    row = {"adcode": "445281", "level": "county", "stages": "dyeing", "measure": "firms", "value": "66",
           "unit": "firms", "year": "2019", "source": "yearbook", "quality": "official"}
    row.update(over)
    return pd.DataFrame([row])


@pytest.mark.parametrize("over, match", [
    ({"adcode": "445299"}, r"unknown county adcode\(s\) \['445299'\].*445281 Puning"),
    ({"level": "city"}, r"unknown city adcode\(s\) \['445281'\].*445200 Jieyang"),
    ({"stages": "印染"}, r"unknown stage\(s\) \['印染'\].*dyeing"),
    ({"measure": "output"}, r"'measure' holds \['output'\].*gross_output"),
    ({"unit": "bn_yuan"}, r"firms in 'bn_yuan', use 'firms'"),
    ({"value": "many"}, r"'value' is not a finite number"),
    ({"value": "-3"}, r"'value' must be >= 0"),
    ({"value": ""}, r"'value' is empty"),
    ({"measure": "mention", "unit": ""}, r"a 'mention' row has no value"),
    ({"year": "2019年"}, r"'year' must be a year like 2021"),
    ({"year": "2019-2017"}, r"a span must run forwards"),
    ({"quality": "good"}, r"'quality' holds \['good'\].*official, reproduced, secondary, dataset"),
    ({"source": ""}, r"'source' is empty"),
    ({"stages": ""}, r"'stages' is empty"),
    ({"qualifier": "roughly"}, r"'qualifier' holds \['roughly'\]"),
])
def test_read_evidence_csv_rejects(over, match):
    with pytest.raises(LayerValidationError, match=match):
        read_evidence_csv(_ev(**over))


def test_read_evidence_csv_gbk_and_names_optional_columns():
    csv = "adcode,level,stages,measure,value,unit,year,source,quality,place\n445281,county,dyeing,firms,66,firms,2019,统计年鉴,official,普宁\n"
    ev = read_evidence_csv(io.BytesIO(csv.encode("gbk")))
    assert ev.loc[0, "source"] == "统计年鉴" and ev.loc[0, "place"] == "普宁" and ev.loc[0, "id"] == "row_2"
    assert ev.loc[0, "role"] == "count" and ev.loc[0, "year_end"] == 2019


def test_read_evidence_csv_unreadable():
    with pytest.raises(PlannerError, match="neither UTF-8 nor GB18030"):
        read_evidence_csv(io.BytesIO(b"\xff\xfea\x00b\x00"))
    with pytest.raises(LayerValidationError, match="not a readable CSV"):
        read_evidence_csv(io.StringIO('adcode,level\n"445281,county\n'))
    with pytest.raises(LayerValidationError, match="has no rows"):
        read_evidence_csv(io.StringIO("adcode,level,stages,measure,value,unit,year,source,quality\n"))


# ---------------------------------------------------------------- the presence rule

UNITS = pd.DataFrame({"adcode": ["445281", "445202", "441900"], "city_adcode": ["445200", "445200", "441900"]})


def test_city_figure_gives_no_county_presence():
    ev = pd.concat([_ev(adcode="445200", level="city", stages="apparel", value="900"),
                    _ev(adcode="441900", level="city", stages="apparel", value="1076")], ignore_index=True)
    tiers, why = evidence_presence(ev, units=UNITS)
    assert tiers.loc[["445281", "445202"], "apparel"].tolist() == [0, 0]  # Jieyang's figure stays with Jieyang
    assert tiers.at["441900", "apparel"] == 2  # Dongguan: the city is the county-level unit
    assert why["adcode"].tolist() == ["441900"]
    cities, _ = evidence_presence(ev, units=pd.DataFrame({"adcode": ["445200", "441900"]}), level="city")
    assert cities.at["445200", "apparel"] == 2


def test_mixed_measures_are_never_summed():
    ev = pd.concat([_ev(value="10"), _ev(measure="gross_output", unit="bn_yuan", value="5.5"),
                    _ev(measure="market_entities", unit="entities", value="3000")], ignore_index=True)
    tiers, why = evidence_presence(ev, units=UNITS)
    assert tiers.at["445281", "dyeing"] == 2  # a tier, not 10 + 5.5 + 3000
    assert set(tiers.to_numpy().ravel()) <= {0, 1, 2}
    assert sorted(why["evidence_id"]) == ["row_2", "row_3", "row_4"]  # every row the cell rests on
    assert why["value"].tolist() == [10.0, 5.5, 3000.0]  # shown side by side, never added


def test_tiers_by_role_and_roll_up():
    ev = pd.concat([
        _ev(adcode="445202", level="town", stages="apparel", measure="mention", value="", unit=""),
        _ev(adcode="445281", stages="weaving", measure="firms_planned", value="51"),
        _ev(adcode="445281", stages="", measure="share_of_gdp", unit="percent", value="3.4"),
        _ev(adcode="445281", stages="dyeing", measure="firms_closed", value="76"),
        _ev(adcode="445281", stages="weaving", value="12"),
    ], ignore_index=True)
    tiers, why = evidence_presence(ev, units=UNITS)
    assert tiers.at["445202", "apparel"] == 1  # a mention
    assert tiers.at["445281", "weaving"] == 2  # a count beats a plan; the plan is not provenance
    assert tiers.at["445281", "dyeing"] == 0  # closures and shares are context
    assert why.loc[why["stage"] == "weaving", "evidence_id"].tolist() == ["row_6"]
    city, cwhy = evidence_presence(ev, units=pd.DataFrame({"adcode": ["445200"]}))
    assert city.at["445200", "apparel"] == 1 and city.at["445200", "weaving"] == 2
    assert list(city.columns) == STAGE_IDS


def test_before_drops_later_and_undated_rows():
    ev = pd.concat([_ev(year="2024"), _ev(year="2017-2023"), _ev(year=""), _ev(stages="apparel", year="2016")],
                   ignore_index=True)
    tiers, why = evidence_presence(ev, units=UNITS, before=2023)
    assert tiers.at["445281", "dyeing"] == 0 and tiers.at["445281", "apparel"] == 2
    assert why["evidence_id"].tolist() == ["row_5"]


def test_shipped_presence_and_backtest_hygiene():
    counties = load_boundaries("county")
    ev = load_evidence()
    tiers, why = evidence_presence(ev, units=counties)
    assert tiers.shape == (124, 13)
    assert tiers.at["440883", "down"] == 2 and tiers.at["440514", "dyeing"] == 2
    assert tiers.at["440513", "dyeing"] == 1  # Chaoyang: 51 firms planned only
    assert tiers.at["441802", "apparel"] == 2  # the Guangqing park today ...
    before, _ = evidence_presence(ev, units=counties, before=2023)
    assert before.at["441802", "apparel"] == 0  # ... is an outcome, gone when the backtest looks back
    # Shantou's city figures give its counties nothing; Chaonan stands on its own rows
    assert tiers.loc[["440507", "440511", "440515"], ["weaving", "apparel"]].to_numpy().sum() == 0
    assert set(why.loc[(why["adcode"] == "440514") & (why["stage"] == "apparel"), "evidence_id"]) >= {"ev_chaonan_2020_gross_output"}


def test_presence_bad_arguments():
    with pytest.raises(PlannerError, match="'adcode' column"):
        evidence_presence(_ev(), units=pd.DataFrame({"code": ["445281"]}))
    with pytest.raises(PlannerError, match="'county' or 'city'"):
        evidence_presence(_ev(), units=UNITS, level="province")


# ---------------------------------------------------------------- junk never escapes as another error

_cells = st.one_of(st.text(max_size=12), st.sampled_from(["", "445281", "440100", "county", "city", "town", "dyeing",
                                                          "apparel;weaving", "firms", "gross_output", "mention", "1e9",
                                                          "nan", "inf", "-1", "2019", "2017-2018", "official", '"', ",", "\n"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({c: _cells for c in EVIDENCE_COLUMNS}), min_size=1, max_size=4))
def test_junk_cells_raise_layer_validation_error_only(rows):
    try:
        ev = read_evidence_csv(pd.DataFrame(rows))
    except LayerValidationError:
        return
    tiers, _ = evidence_presence(ev, units=UNITS)
    assert set(np.unique(tiers.to_numpy())) <= {0, 1, 2}


_csv_text = st.lists(st.lists(_cells, min_size=1, max_size=14), min_size=1, max_size=4).map(
    lambda rows: "\n".join([",".join(EVIDENCE_COLUMNS)] + [",".join(r) for r in rows]).encode("utf-8"))


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda s: s.encode("utf-8")), _csv_text))
def test_junk_bytes_raise_planner_error_only(data):
    try:
        read_evidence_csv(io.BytesIO(data))
    except PlannerError:
        pass


# ---------------------------------------------------------------- honesty fixes in places.csv the model relies on

def test_places_honesty_fixes():
    p = read_places_table().set_index("id")
    dalang = p.loc["cluster_dalang_knitwear"]
    assert dalang["location_precision"] == "city" and "seat" in dalang["note"]
    assert (dalang["lon"], dalang["lat"]) != ("113.867", "22.967")  # the encyclopedia point near Liaobu
    assert p.at["heritage_zhuang_brocade_embroidery", "note"].startswith("UNVERIFIED")
    assert set(p.index[p["kind"] == "unnamed_cluster"]) == {"cluster_xintang_denim", "cluster_gurao_underwear"}
