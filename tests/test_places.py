"""Named places: the data contract of places.csv, the validator on tiny frames, the loaders."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from layers.boundaries import load_boundaries
from layers.places import (
    COLUMNS,
    KINDS,
    PRECISIONS,
    STAGES,
    UNLOCATED,
    load_places,
    load_unlocated_places,
    places_for_stage,
    read_places_table,
    validate_places,
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return read_places_table()


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_boundaries("county")


# ---------------------------------------------------------------- data contract

def test_file_is_plain_utf8_with_exact_header():
    raw = get_path("places").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "places.csv must not start with a BOM"
    header = raw.decode("utf-8").splitlines()[0]
    assert header.split(",") == list(COLUMNS)


def test_shipped_file_validates(table):
    validate_places(table)


def test_ids_unique_and_snake_case(table):
    assert table["id"].is_unique
    assert table["id"].str.fullmatch(r"[a-z][a-z0-9_]*").all()


def test_vocabularies(table):
    assert set(table["kind"]) == set(KINDS)
    tokens = table["stages"].str.split(";").explode()
    assert tokens.isin(STAGES).all(), sorted(set(tokens[~tokens.isin(STAGES)]))
    assert table["location_precision"].isin((*PRECISIONS, UNLOCATED)).all()
    assert (table["clause"] != "").all() and (table["source"] != "").all()


def test_five_parks_of_clause_4(table):
    parks = table[table["kind"] == "park"]
    assert set(parks["name_zh"]) >= {
        "中国先进非织造医卫用品产品示范基地",
        "广东省家纺家居产业园区",
        "湛江吴川羽绒产业园区",
        "韶关翁源茧丝绸产业园区",
        "佛山南海纺织产业园区",
    }
    assert (parks["clause"].str.split(";").map(lambda c: "§4" in c)).all()
    by_id = parks.set_index("id")
    assert by_id.at["park_wuchuan_down", "stages"] == "down"
    assert by_id.at["park_wuchuan_down", "county_adcode"] == "440883"
    assert by_id.at["park_wengyuan_silk", "stages"] == "silk"
    assert by_id.at["park_wengyuan_silk", "county_adcode"] == "440229"
    assert by_id.at["park_nonwoven_medical_base", "stages"] == "industrial_textiles"


def test_dyeing_parks_of_clause_19_in_shantou_and_jieyang(table):
    d = table[table["kind"] == "dyeing_park"]
    assert (d["clause"] == "§19").all()
    assert {"440500", "445200"} <= set(d["city_adcode"])
    assert "440514" in set(d["county_adcode"])  # Chaonan
    assert "445281" in set(d["county_adcode"])  # Puning
    assert (d["stages"].str.split(";").map(lambda s: "dyeing" in s)).all()


def test_clusters_named_and_unnamed(table):
    c = table[table["kind"] == "cluster"].set_index("id")
    named = {"大朗": "441900", "虎门": "441900", "盐步": "440605", "沙溪": "442000", "开平": "440783"}
    for word, county in named.items():
        hit = c[c["name_zh"].str.contains(word)]
        assert len(hit) == 1, word
        assert hit["county_adcode"].iloc[0] == county
        assert "§14" in hit["clause"].iloc[0].split(";"), word
    # well-known clusters the policy does not name have their own kind and rest on §3 (their zone), never on §14
    u = table[table["kind"] == "unnamed_cluster"].set_index("id")
    assert set(u.index) == {"cluster_xintang_denim", "cluster_gurao_underwear"}
    assert not set(u.index) & set(c.index)
    for cid, county in (("cluster_xintang_denim", "440118"), ("cluster_gurao_underwear", "440513")):
        assert u.at[cid, "county_adcode"] == county
        clauses = u.at[cid, "clause"].split(";")
        assert "§3" in clauses and "§14" not in clauses
    assert c.at["cluster_kaiping_denim", "stages"] == "weaving;dyeing;apparel"


def test_five_named_cities_of_clause_14(table):
    t = table[table["kind"] == "city_title"]
    assert (t["clause"] == "§14").all()
    assert set(t["city_adcode"]) == {"440100", "445100", "440500", "441300", "440700"}
    assert (t["location_precision"] == "city").all()
    jm = t[t["city_adcode"] == "440700"]
    assert list(jm["stages"]) == ["fibre"]


def test_heritage_crafts_of_clause_14(table):
    h = table[table["kind"] == "heritage"]
    assert (h["clause"] == "§14").all()
    names = "|".join(h["name_zh"])
    for craft in ("瑶族刺绣", "壮锦", "壮绣", "广绣", "潮绣", "小榄刺绣", "珠绣", "钉金绣裙褂", "香云纱", "抽纱", "墩头蓝"):
        assert craft in names, craft
    by_id = h.set_index("id")
    assert by_id.at["heritage_xiangyunsha", "stages"] == "dyeing"
    assert by_id.at["heritage_xiangyunsha", "county_adcode"] == "440606"  # Shunde
    assert by_id.at["heritage_duntou_blue", "stages"] == "weaving"
    assert by_id.at["heritage_duntou_blue", "county_adcode"] == "441624"  # Heping
    assert by_id.at["heritage_xiaolan_embroidery", "location_precision"] == "town"


def test_procurement_base_and_fairs(table):
    p = table[table["kind"] == "procurement_base"]
    assert list(p["city_adcode"]) == ["440500"] and list(p["clause"]) == ["§15"]
    f = table[table["kind"] == "fair"]
    assert (f["clause"] == "§22").all() and (f["stages"] == "design_trade").all()
    assert set(f["name_zh"]) >= {
        "广东时装周", "广东国际时尚产业博览会", "广州国际内衣展", "深圳国际内衣展",
        "深圳国际家纺家居展", "广州国际纺织制衣及印花工业展览会", "潮汕国际纺织服装博览会",
    }
    located = f[f["location_precision"] != UNLOCATED]
    assert located["city_adcode"].isin({"440100", "440300", "440500"}).all()


def test_every_located_point_inside_its_county(table, counties):
    loc = table[table["location_precision"] != UNLOCATED]
    pts = gpd.GeoDataFrame(
        loc[["id", "county_adcode"]],
        geometry=gpd.points_from_xy(loc["lon"].astype(float), loc["lat"].astype(float)),
        crs=4326,
    )
    hit = gpd.sjoin(pts, counties[["adcode", "geometry"]], how="left", predicate="within")
    wrong = hit[hit["adcode"] != hit["county_adcode"]]
    assert wrong.empty, wrong[["id", "county_adcode", "adcode"]].to_dict("records")


def test_every_county_under_its_city(table, counties):
    parent = counties.set_index("adcode")["city_adcode"]
    coded = table[table["county_adcode"] != ""]
    assert (coded["county_adcode"].map(parent) == coded["city_adcode"]).all()
    dg_zs = coded[coded["city_adcode"].isin(["441900", "442000"])]
    assert (dg_zs["county_adcode"] == dg_zs["city_adcode"]).all()


def test_fallback_points_say_so(table):
    coarse = table[table["location_precision"].isin(["county", "city"])]
    says = coarse["note"].str.contains("seat", case=False)
    assert says.all(), list(coarse.loc[~says, "id"])


def test_unlocated_rows_are_listed_not_mapped(table):
    un = table[table["location_precision"] == UNLOCATED]
    assert {"park_home_textile"} <= set(un["id"])
    assert (un["lon"] == "").all() and (un["lat"] == "").all()
    assert un["note"].str.contains("UNLOCATED").all()
    listed = load_unlocated_places()
    assert set(listed["id"]) == set(un["id"])
    assert listed["lon"].isna().all()
    assert not set(load_places()["id"]) & set(un["id"])


# ---------------------------------------------------------------- loaders

def test_load_places_is_wgs84_points_with_region():
    g = load_places()
    assert g.crs.to_epsg() == 4326
    assert (g.geom_type == "Point").all()
    assert g["region"].isin(["PRD", "East", "West", "North"]).all()
    assert g["lon"].dtype == float
    assert g.set_index("id").at["park_wuchuan_down", "region"] == "West"


def test_loaded_layer_passes_the_validator_as_a_geodataframe():
    validate_places(load_places())


def test_load_places_filters_kinds_and_returns_copies():
    g = load_places(kinds=["park", "fair"])
    assert set(g["kind"]) == {"park", "fair"}
    g.loc[0, "name_en"] = "changed"
    assert "changed" not in set(load_places(kinds=["park", "fair"])["name_en"])


def test_load_places_unknown_kind():
    with pytest.raises(UnknownNameError, match="`kinds` holds unknown kind"):
        load_places(kinds=["dyeing_parks"])


def test_places_for_stage_dyeing_has_shantou_and_jieyang_parks():
    d = places_for_stage("dyeing")
    parks = d[d["kind"] == "dyeing_park"]
    assert {"440500", "445200"} <= set(parks["city_adcode"])
    assert {"dyeing_chaonan", "dyeing_puning"} <= set(d["id"])
    # matches whole tokens only: 'dyeing' must not pick up a place that is only 'down'
    assert "park_wuchuan_down" not in set(d["id"])
    assert d["stages"].str.split(";").map(lambda s: "dyeing" in s).all()


def test_places_for_stage_unknown():
    with pytest.raises(UnknownNameError, match="`stage` 'knitting' is not a stage id"):
        places_for_stage("knitting")


def test_path_option_validates_the_other_file(tmp_path, table):
    good = tmp_path / "good.csv"
    table.to_csv(good, index=False, encoding="utf-8-sig")  # a spreadsheet BOM is tolerated
    assert len(load_places(path=good)) == len(load_places())
    bad = tmp_path / "bad.csv"
    table.assign(stages=table["stages"].where(table["id"] != "park_wuchuan_down", "feathers")).to_csv(bad, index=False)
    with pytest.raises(LayerValidationError, match=r"unknown stage\(s\) \['feathers'\] in rows \['park_wuchuan_down'\]"):
        load_places(path=bad)


def test_missing_and_non_utf8_files(tmp_path, table):
    with pytest.raises(PlannerError, match="`path` does not exist"):
        load_places(path=tmp_path / "nope.csv")
    gbk = tmp_path / "gbk.csv"
    table.head(3).to_csv(gbk, index=False, encoding="gbk")
    with pytest.raises(PlannerError, match="not UTF-8"):
        read_places_table(gbk)


# ---------------------------------------------------------------- validator on tiny frames

def _row(**kw) -> pd.DataFrame:
    """One valid row (Humen, Dongguan) with fields replaced by ``kw``."""
    base = {
        "id": "cluster_test", "name_zh": "测试", "name_en": "Test", "kind": "cluster",
        "stages": "apparel", "city_adcode": "441900", "county_adcode": "441900",
        "lon": "113.6726", "lat": "22.8148", "location_precision": "town",
        "clause": "§14", "source": "test", "note": "",
    }
    base.update(kw)
    return pd.DataFrame([base], columns=list(COLUMNS))


def test_tiny_valid_row_passes():
    validate_places(_row())
    validate_places(pd.concat([_row(), _row(id="b", lon="", lat="", city_adcode="", county_adcode="",
                                            location_precision=UNLOCATED)], ignore_index=True))


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"stages": "apparel;knitting"}, r"unknown stage\(s\) \['knitting'\]"),
        ({"kind": "mall"}, r"unknown kind \['mall'\]"),
        ({"location_precision": "village"}, r"unknown location_precision \['village'\]"),
        ({"clause": ""}, r"column 'clause' is empty in 1 row\(s\): \['cluster_test'\]"),
        ({"clause": "section 14"}, r"clause must look like '§4'"),
        ({"source": ""}, r"column 'source' is empty"),
        ({"id": "Cluster Test"}, r"id must be snake_case"),
        ({"lon": "", "lat": ""}, r"no lon/lat but location_precision is not 'unlocated'"),
        ({"lon": "113,67"}, r"lon/lat not numeric"),
        ({"location_precision": UNLOCATED}, r"marked 'unlocated' carry coordinates"),
        ({"county_adcode": "4419"}, r"'county_adcode' must be a 6-digit adcode"),
        ({"county_adcode": "441999"}, r"county_adcode not among the 124 county-level units"),
        ({"city_adcode": "440100", "county_adcode": "441900"}, r"county_adcode not under its city_adcode"),
        # Xintang's coordinates stated as Huangpu (same city): the point-in-polygon test catches it
        ({"city_adcode": "440100", "county_adcode": "440112", "lon": "113.60", "lat": "23.12"},
         r"not inside their stated county polygon: \['cluster_test: stated 440112, point \(113\.6000, 23\.1200\) is in 440118"),
        ({"lon": "121.47", "lat": "31.23"}, r"outside Guangdong"),
        ({"lon": "22.8148", "lat": "113.6726"}, r"outside Guangdong"),  # swapped
    ],
)
def test_validator_catches(change, pattern):
    with pytest.raises(LayerValidationError, match=pattern):
        validate_places(_row(**change))


def test_validator_catches_duplicate_ids():
    with pytest.raises(LayerValidationError, match=r"id not unique: \['cluster_test'\]"):
        validate_places(pd.concat([_row(), _row()], ignore_index=True))


def test_validator_collects_every_problem_in_one_error():
    df = pd.concat([_row(stages="wool"), _row(id="b", clause="", county_adcode="440112")], ignore_index=True)
    with pytest.raises(LayerValidationError) as exc:
        validate_places(df)
    text = "\n".join(exc.value.problems)
    assert "unknown stage(s) ['wool']" in text
    assert "column 'clause' is empty" in text
    assert "not under its city_adcode" in text
    assert len(exc.value.problems) >= 3


def test_validator_missing_columns():
    with pytest.raises(LayerValidationError, match=r"missing column\(s\) \['note'\]"):
        validate_places(_row().drop(columns="note"))


def test_validator_on_geodataframe_with_empty_geometry():
    df = _row().drop(columns=["lon", "lat"])
    ok = gpd.GeoDataFrame(df, geometry=[Point(113.6726, 22.8148)], crs=4326)
    validate_places(ok)
    empty = gpd.GeoDataFrame(df, geometry=[Point()], crs=4326)
    with pytest.raises(LayerValidationError, match=r"1 feature\(s\) have an empty geometry"):
        validate_places(empty)
    missing = gpd.GeoDataFrame(df, geometry=[None], crs=4326)
    with pytest.raises(LayerValidationError, match=r"no lon/lat but location_precision"):
        validate_places(missing)
    projected = gpd.GeoDataFrame(df, geometry=[Point(113.6726, 22.8148)], crs=3857)
    with pytest.raises(LayerValidationError, match="EPSG:4326"):
        validate_places(projected)


def test_validator_does_not_modify_input():
    df = _row(stages=" apparel ")
    before = df.copy()
    validate_places(df)
    pd.testing.assert_frame_equal(df, before)


# ---------------------------------------------------------------- map popups

@pytest.mark.parametrize(("lang", "label"), [("zh", "说明"), ("en", "Note")])
def test_map_popups_show_the_note_escaped(lang, label):
    import json

    from layers.registry import get_layer_spec
    from outputs.webmap import build_map, popup_fields

    spec = get_layer_spec("city_titles")
    g = spec.loader()
    t = popup_fields(spec, g, lang=lang)
    # the note states the stand-in point ("Point = ... seat") right after the precision
    cols = list(t.columns)
    assert cols.index("note") == cols.index("location_precision") + 1
    assert t["note"].str.contains("seat").all()
    # escaped like every other field: a user's note cannot inject markup
    evil = g.head(1).copy()
    evil["note"] = "<img src=x onerror=alert(1)> A & B"
    assert popup_fields(spec, evil, lang=lang)["note"].iloc[0] == "&lt;img src=x onerror=alert(1)&gt; A &amp; B"
    # and the map's popup carries the field with its label
    html = build_map(["city_titles"], lang=lang).get_root().render()
    assert '"note"' in html and json.dumps(label)[1:-1] in html
