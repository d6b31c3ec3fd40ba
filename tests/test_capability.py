"""Capability matrix: the policy-derived default, its provenance and a user's statistics."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analysis.capability import (
    SCALE,
    capability_provenance,
    load_capability,
    read_capability_csv,
)
from analysis.assumptions import CITY_WIDE_FACTOR
from layers.stages import STAGES
from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError, UnknownNameError
from layers.boundaries import load_boundaries


def _cites(prov: pd.DataFrame, adcode: str, stage: str, clause: str) -> bool:
    hit = prov[(prov["adcode"] == adcode) & (prov["stage"] == stage)]
    return bool(hit["clause"].str.contains(clause, regex=False).any())


@pytest.mark.parametrize("level", ["county", "city"])
def test_default_shape_and_values(level: str) -> None:
    M = load_capability(level=level)
    units = load_boundaries(level)["adcode"].tolist()
    assert M.index.tolist() == units and M.index.name == "adcode"
    assert M.columns.tolist() == list(STAGES)
    assert M.dtypes.map(lambda d: d == np.float64).all() and (M.to_numpy() >= 0).all()
    # ordinal scale only, plus (county level) scale values passed down from a city at
    # CITY_WIDE_FACTOR (0.5, 1.5 since the shared inheritance rule replaced the cap at 1)
    allowed = set(SCALE) | ({v * CITY_WIDE_FACTOR for v in SCALE} if level == "county" else set())
    assert set(np.unique(M.to_numpy())) <= allowed


@pytest.mark.parametrize("level", ["county", "city"])
def test_every_nonzero_cell_cites_a_clause(level: str) -> None:
    M = load_capability(level=level)
    prov = capability_provenance(level=level)
    assert prov["clause"].str.fullmatch(r"§\d+(; §\d+)*").all()
    assert (prov["basis"].str.len() > 10).all()
    long = M.stack()
    long = long[long > 0]
    top = prov.groupby(["adcode", "stage"])["value"].max()
    assert set(top.index) == set(long.index)  # every non-zero cell has rows, and no row without a cell
    assert np.array_equal(top.reindex(long.index).to_numpy(), long.to_numpy())  # the cell value is the max row


def test_named_designations() -> None:
    M = load_capability(level="county")
    prov = capability_provenance(level="county")
    for code in ("445281", "440514", "440513"):  # Puning; Shantou Chaonan and Chaoyang
        assert M.loc[code, "dyeing"] > 0 and _cites(prov, code, "dyeing", "§19")
    assert M.loc["440883", "down"] == 3 and _cites(prov, "440883", "down", "§4")  # Wuchuan
    # Jiangmen's §14 fibre title names the city (places.csv, city precision): Xinhui gets the city-wide share;
    # that Xinhui's firms carry the title is evidence (data/model/evidence.csv), merged by analysis.inputs
    assert M.loc["440705", "fibre"] == 1.5 and _cites(prov, "440705", "fibre", "§14")  # Xinhui
    assert M.loc["440229", "silk"] == 3 and _cites(prov, "440229", "silk", "§4")  # Wengyuan
    assert M.loc["440605", "industrial_textiles"] == 3 and _cites(prov, "440605", "industrial_textiles", "§4")  # Nanhai
    assert M.loc["441900", "apparel"] >= 2 and _cites(prov, "441900", "apparel", "§14")  # Humen, Dalang
    assert M.loc["440783", "apparel"] >= 2  # Kaiping denim
    # a unit nobody designates stays 0 in every stage (Maoming's Xinyi)
    assert (M.loc["440983"] == 0).all()
    C = load_capability(level="city")
    cprov = capability_provenance(level="city")
    for city, stage, clause in [("440500", "dyeing", "§19"), ("445200", "dyeing", "§19"), ("440100", "design_trade", "§3"),
                                ("440300", "design_trade", "§3"), ("440500", "design_trade", "§15")]:
        assert C.loc[city, stage] > 0 and _cites(cprov, city, stage, clause)


def test_county_values_aggregate_to_city_by_max() -> None:
    M = load_capability(level="county")
    C = load_capability(level="city")
    counties = load_boundaries("county")[["adcode", "city_adcode"]]
    agg = M.groupby(counties.set_index("adcode")["city_adcode"].reindex(M.index).to_numpy()).max()
    # a city is at least its best county ...
    assert (C.loc[agg.index].to_numpy() >= agg.to_numpy()).all()
    # ... and county-only designations reach the city through the max
    assert C.loc["440800", "down"] == M.loc["440883", "down"] == 3  # Zhanjiang from Wuchuan
    assert C.loc["440200", "silk"] == 3  # Shaoguan from Wengyuan
    assert C.loc["440700", "apparel"] == 2  # Jiangmen from Kaiping
    cprov = capability_provenance(level="city")
    row = cprov[(cprov["adcode"] == "440800") & (cprov["stage"] == "down")]
    assert row["basis"].str.contains("Wuchuan").all()


def test_city_designations_pass_down_at_city_wide_factor() -> None:
    M = load_capability(level="county")
    prov = capability_provenance(level="county")
    # Shantou's §14 title is 3 at city level; Chenghai (not named) inherits it at
    # CITY_WIDE_FACTOR x 3 = 1.5. Was min(3, 1) = 1 under the old INHERITED_VALUE cap; now the
    # capability matrix and the fit's policy component share one rule (analysis.fit.CITY_WIDE_FACTOR).
    assert CITY_WIDE_FACTOR == 0.5
    assert load_capability(level="city").loc["440500", "apparel"] == 3
    assert M.loc["440515", "apparel"] == 1.5
    rows = prov[(prov["adcode"] == "440515") & (prov["stage"] == "apparel")]
    assert (rows["basis"].str.startswith("inherited from city Shantou") | rows["basis"].str.contains("named for the whole city")).all()
    assert rows["value"].max() == 1.5 and rows["basis"].str.contains("at 0.5 x value").all()
    # the order of city designations survives: zone membership (2) -> 1, pulled-along stage (1) -> 0.5
    assert M.loc["440515", "spinning"] == 0.5
    assert M.loc["445122", "apparel"] == 1.5  # Raoping: Chaozhou's wedding-dress title 3 x 0.5
    # a whole-city unit keeps the city value (Dongguan design_trade §15 = 1, Zhongshan apparel zone = 2)
    assert M.loc["442000", "apparel"] == 2


def test_default_file_is_labelled() -> None:
    text = get_path("capability").read_text(encoding="utf-8")
    assert "NOT statistics" in text and "ASSUMPTION" in text and "NOT DESIGNATED BY THE POLICY" in text


def test_unknown_level() -> None:
    with pytest.raises(UnknownNameError, match="`level` must be one of"):
        load_capability(level="town")  # type: ignore[arg-type]


def test_policy_file_validation(tmp_path) -> None:
    p = tmp_path / "cap.csv"
    p.write_text(
        "adcode,level,stage,value,clause,basis\n"
        "440883,county,down,3,,no clause given\n"
        "999999,county,dyeing,1,§19,unknown unit\n"
        "440883,county,lace,1,§5,unknown stage\n",
        encoding="utf-8",
    )
    with pytest.raises(LayerValidationError) as err:
        load_capability(path=p)
    text = str(err.value)
    assert "must cite a clause" in text and "999999" in text and "'lace'" in text


def test_alternative_policy_file(tmp_path) -> None:
    p = tmp_path / "cap.csv"
    p.write_text("# mine\nadcode,level,stage,value,clause,basis\n441602,county,apparel,2,§4,new park\n", encoding="utf-8")
    M = load_capability(path=p)
    assert M.loc["441602", "apparel"] == 2
    # the notice's named places come from data/parks/places.csv whatever the policy file: one designation table
    assert M.loc["440883", "down"] == 3 and M.loc["440983", "apparel"] == 0  # Wuchuan named; Xinyi not
    assert load_capability(level="city", path=p).loc["441600", "apparel"] == 2
    # an edited file is read again, not served from the cache
    p.write_text("adcode,level,stage,value,clause,basis\n441602,county,apparel,1,§4,smaller park now\n", encoding="utf-8")
    assert load_capability(path=p).loc["441602", "apparel"] == 1
    prov = capability_provenance(path=p)
    assert prov.loc[prov["adcode"] == "441602", "basis"].tolist() == ["smaller park now"]
    assert prov.loc[prov["adcode"] != "441602", "basis"].str.startswith("named place").all()


def test_missing_policy_file(tmp_path) -> None:
    with pytest.raises(PlannerError, match="is not a file"):
        load_capability(path=tmp_path / "nope.csv")


# ------------------------------------------------------------------ user statistics
def test_read_long_good() -> None:
    csv = "adcode,stage,value\n445281,dyeing,66\n440514,印染,102\n440514,Apparel,5.5\n"
    M = read_capability_csv(io.StringIO(csv))
    assert M.shape == (124, len(STAGES))
    assert M.loc["445281", "dyeing"] == 66 and M.loc["440514", "dyeing"] == 102 and M.loc["440514", "apparel"] == 5.5
    assert M.to_numpy().sum() == pytest.approx(173.5)  # every other cell filled with 0


def test_read_wide_good_with_blanks_and_name_column() -> None:
    csv = "adcode,name_zh,apparel,dyeing\n440100,广州市,10,\n445200,揭阳市,3,7\n"
    M = read_capability_csv(io.StringIO(csv), level="city")
    assert M.shape == (21, len(STAGES))
    assert M.loc["440100", "apparel"] == 10 and M.loc["440100", "dyeing"] == 0 and M.loc["445200", "dyeing"] == 7


def test_read_from_dataframe() -> None:
    df = pd.DataFrame({"adcode": ["440883"], "down": [80]})
    M = read_capability_csv(df)
    assert M.loc["440883", "down"] == 80


@pytest.mark.parametrize(
    ("csv", "level", "match"),
    [
        ("adcode,stage,value\n449999,dyeing,1\n", "county", r"unknown county adcode\(s\) \['449999'\].*440103 荔湾区.*load_boundaries"),
        ("adcode,stage,value\n440500,dyeing,1\n", "county", r"city codes: pass level='city'"),
        ("adcode,stage,value\n440883,lace,1\n", "county", r"unknown stage\(s\) \['lace'\]; valid stages: fibre"),
        ("adcode,stage,value\n440883,down,-4\n", "county", r"negative value\(s\) \[-4\.0\]"),
        ("adcode,stage,value\n440883,down,many\n", "county", r"not finite numbers: \['many'\]"),
        ("adcode,stage,value\n440883,down,1\n440883,羽绒,2\n", "county", r"duplicated unit/stage pair\(s\) \['440883/down'\]"),
        ("adcode,down,lace\n440883,1,2\n", "county", r"unknown stage column\(s\) \['lace'\]"),
        ("adcode,down,down\n440883,1,2\n", "county", r"more than one column: \{'down': \['down', 'down'\]\}"),
        ("adcode,down\n440883,1\n440883,2\n", "county", r"duplicated adcode row\(s\) \['440883'\]"),
        ("adcode,down\n440883,-1\n", "county", r"column 'down': negative"),
        ("code,down\n440883,1\n", "county", r"no 'adcode' column"),
        ("adcode,stage,value\n440883,down,1\n", "city", r"county codes: pass level='county'"),
    ],
)
def test_read_refuses(csv: str, level: str, match: str) -> None:
    with pytest.raises(LayerValidationError, match=match):
        read_capability_csv(io.StringIO(csv), level=level)  # type: ignore[arg-type]


def test_read_reports_all_problems_at_once() -> None:
    csv = "adcode,stage,value\n449999,dyeing,1\n440883,lace,2\n440883,down,-3\n"
    with pytest.raises(LayerValidationError) as err:
        read_capability_csv(io.StringIO(csv))
    assert len(err.value.problems) == 3
