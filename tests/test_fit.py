"""Transfer fit: a three-unit, three-stage world worked on paper, properties, errors."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.assumptions import COMPONENTS, DEFAULT_WEIGHTS
from analysis.fit import TABLE_COLUMNS, FitResult, compute_fit_components, score_all_stages, score_transfer_fit
from analysis.designations import designations_from_places
from analysis.inputs import load_fit_inputs, read_site_csv
from outputs.explain import explain_result
from geo.errors import PlannerError, UnknownNameError

E1, E2 = math.exp(-1), math.exp(-2)

# Units: origin O (PRD), A (East), B (West). O-A 60 km, A-B 60 km, O-B 120 km; decay 60 km,
# so K = [[1, e^-1, e^-2], [e^-1, 1, e^-1], [e^-2, e^-1, 1]].
UNITS = pd.DataFrame({
    "adcode": ["O", "A", "B"], "name_zh": ["源", "甲", "乙"], "name_en": ["Origin", "Aville", "Btown"],
    "city_adcode": ["O", "A", "B"], "region": ["PRD", "East", "West"],
})
STAGES = ["weaving", "dyeing", "apparel"]
#      weaving dyeing apparel
# O       2      1      3
# A       1      0      0
# B       0      1      1
CAP = pd.DataFrame([[2, 1, 3], [1, 0, 0], [0, 1, 1]], index=["O", "A", "B"], columns=STAGES, dtype=float)
# W[k, s] = share of s's inputs from k: dyeing buys only weaving; apparel half weaving, half dyeing.
CHAIN = pd.DataFrame(0.0, index=STAGES, columns=STAGES)
CHAIN.loc["weaving", "dyeing"] = 1.0
CHAIN.loc["weaving", "apparel"] = 0.5
CHAIN.loc["dyeing", "apparel"] = 0.5
COST = pd.DataFrame([[0, 60, 120], [60, 0, 60], [120, 60, 0]], index=["O", "A", "B"], columns=["O", "A", "B"], dtype=float)
DES_COLS = ["adcode", "stage", "kind", "value", "clause", "name_zh", "name_en"]
DES_B = pd.DataFrame([["B", "dyeing", "dyeing_park", 1.0, "§19", "乙印染园", "Btown dyeing park"]], columns=DES_COLS)
# Hours: 60 km = 1 h; with a half-life of ln 2 hours, 0.5 ** (h / ln 2) = e^-h, the factors above.
WORLD = {"units": UNITS, "capability": CAP, "chain": CHAIN, "cost": COST, "hours": COST / 60.0}
HALF_LIFE = math.log(2)
# The paper world's weights (the partner component is 0 here: the paper world has no partner cities).
PAPER_WEIGHTS = {"upstream": 0.2, "downstream": 0.2, "relatedness": 0.15, "origin_tie": 0.1, "partner": 0.0,
                 "policy": 0.3, "site": 0.05}


_INPUT_KEYS = ("units", "capability", "chain", "cost", "hours", "designations", "site")


def fit_world(stage: str, origin: str, **kw: object) -> FitResult:
    """score_transfer_fit on the paper world: input keywords go to load_fit_inputs, the rest to the fit."""
    given = {k: kw.pop(k) for k in _INPUT_KEYS if k in kw}
    if "cost" in given and "hours" not in given:
        given["hours"] = given["cost"] / 60.0
    inputs = load_fit_inputs(**{**WORLD, "designations": DES_B, **given})  # type: ignore[arg-type]
    kw.setdefault("half_life_h", HALF_LIFE)
    kw.setdefault("weights", PAPER_WEIGHTS)
    return score_transfer_fit(stage, origin, inputs=inputs, **kw)  # type: ignore[arg-type]


def _fit(stage: str = "dyeing", **kw: object) -> FitResult:
    return fit_world(stage, "O", **kw)


def test_components_worked_on_paper() -> None:
    t = _fit().table.set_index("adcode")
    # upstream(dyeing) = sum_v M[v, weaving] K[d, v] / sum_v M[v, weaving]   (W[weaving, dyeing] = 1)
    #   A: (2 e^-1 + 1*1 + 0 e^-1) / 3 = (1 + 2/e) / 3 = 0.5786
    #   B: (2 e^-2 + 1 e^-1 + 0) / 3 = 0.2128
    assert t.loc["A", "upstream"] == pytest.approx((1 + 2 * E1) / 3)
    assert t.loc["B", "upstream"] == pytest.approx((2 * E2 + E1) / 3)
    # downstream(dyeing): only customer apparel, W[dyeing, apparel] = 0.5 (cancels in the ratio)
    #   A: (3 e^-1 + 0 + 1 e^-1) / 4 = e^-1 = 0.3679;  B: (3 e^-2 + 0 + 1) / 4 = 0.3515
    assert t.loc["A", "downstream"] == pytest.approx(E1)
    assert t.loc["B", "downstream"] == pytest.approx((3 * E2 + 1) / 4)
    # relatedness: totals rows O 6, A 1, B 2; columns w 3, d 2, a 4; all 9.
    #   RCA O: w 2*9/18 = 1, d 9/12 = .75, a 27/24 = 1.125 -> M_O = (1, 0, 1)
    #   RCA A: w 9/3 = 3 -> M_A = (1, 0, 0);  RCA B: d 9/4 = 2.25, a 9/8 = 1.125 -> M_B = (0, 1, 1)
    #   ubiquity w 2, d 1, a 2; phi(w,a) = 1/2, phi(d,a) = 1/2, phi(w,d) = 0
    #   density(dyeing) = (M_w*0 + M_d*1 + M_a*.5) / 1.5 -> A: 0, B: 1
    assert t.loc["A", "relatedness"] == pytest.approx(0.0)
    assert t.loc["B", "relatedness"] == pytest.approx(1.0)
    # origin tie: A e^-1, B e^-2
    assert t.loc["A", "origin_tie"] == pytest.approx(E1)
    assert t.loc["B", "origin_tie"] == pytest.approx(E2)
    # policy: B holds a dyeing park (§19); A none. Site: neutral 0.5.
    assert (t.loc["B", "policy"], t.loc["A", "policy"]) == (1.0, 0.0)
    assert (t["site"] == 0.5).all()
    # §19 constraint: A has no dyeing park -> ineligible, no score, no rank
    assert not t.loc["A", "eligible"] and t.loc["A", "excluded_reason"] == "constraint.dyeing"  # a code; words in outputs
    assert np.isnan(t.loc["A", "score"]) and pd.isna(t.loc["A", "rank"])
    # score B = .2*up + .2*down + .15*1 + .1*e^-2 + .3*1 + .05*.5 = 0.6014
    expected = 0.2 * (2 * E2 + E1) / 3 + 0.2 * (3 * E2 + 1) / 4 + 0.15 + 0.1 * E2 + 0.3 + 0.025
    assert t.loc["B", "score"] == pytest.approx(expected)
    assert round(expected, 4) == 0.6014
    assert t.loc["B", "rank"] == 1 and t.loc["B", "policy_clauses"] == "§19"


def test_table_shape_and_ranking_when_both_eligible() -> None:
    des = pd.concat([DES_B, pd.DataFrame([["A", "dyeing", "dyeing_park", 1.0, "§19", "甲印染园", "Aville dyeing park"]], columns=DES_COLS)])
    r = _fit(designations=des)
    assert tuple(r.table.columns) == TABLE_COLUMNS
    # A = .2*(1+2/e)/3 + .2/e + 0 + .1/e + .3 + .025 = 0.5511 < B 0.6014
    t = r.table
    assert t["adcode"].tolist() == ["B", "A"] and t["rank"].tolist() == [1, 2]
    a = t.set_index("adcode").loc["A", "score"]
    assert a == pytest.approx(0.2 * (1 + 2 * E1) / 3 + 0.2 * E1 + 0.1 * E1 + 0.3 + 0.025)
    assert r.origin == "O" and r.stage == "dyeing" and r.weights == pytest.approx(PAPER_WEIGHTS)
    default = _fit(designations=des, weights=None)
    assert default.weights == pytest.approx(DEFAULT_WEIGHTS)
    assert any("ASSUMPTION" in a and "weights" in a for a in default.assumptions)
    assert any("placeholder" in a for a in r.assumptions)
    assert any("§19" in s for s in r.sources)
    assert r.params["half_life_h"] == pytest.approx(HALF_LIFE) and r.params["candidates"] == "receiving"


def test_explanations_name_the_drivers_and_clauses() -> None:
    assert (_fit().table["reason_en"] == "").all()  # the model writes numbers; outputs.explain writes words
    t = explain_result(_fit()).table.set_index("adcode")
    en, zh = t.loc["B", "reason_en"], t.loc["B", "reason_zh"]
    assert en.startswith("Btown ranks 1st for dyeing & finishing (incl. washing) (score 0.60): designated dyeing park with central treatment: Btown dyeing park (§19")
    assert "relatedness density 1.00" in en
    assert zh.startswith("乙排名第1（印染（含洗水），得分0.60）：§19 印染园区集中治污：乙印染园")
    assert "is not eligible for dyeing & finishing (incl. washing): §19" in t.loc["A", "reason_en"]
    assert "不参与印染（含洗水）排名" in t.loc["A", "reason_zh"]


def test_ties_broken_by_adcode_and_candidates_all() -> None:
    cap = pd.DataFrame(1.0, index=["O", "A", "B"], columns=STAGES)
    cost = pd.DataFrame(60.0, index=["O", "A", "B"], columns=["O", "A", "B"])
    r = fit_world("apparel", "O", capability=cap, cost=cost, designations=DES_B.iloc[:0], candidates="all")
    assert r.table["adcode"].tolist() == ["A", "B"]  # equal scores -> ascending adcode
    assert r.table["score"].iloc[0] == pytest.approx(r.table["score"].iloc[1])
    r2 = fit_world("apparel", "A", capability=cap, cost=cost, designations=DES_B.iloc[:0], candidates="all")
    assert set(r2.table["adcode"]) == {"O", "B"}  # origin out, PRD kept with "all"
    r3 = fit_world("apparel", "A", capability=cap, cost=cost, designations=DES_B.iloc[:0])
    assert set(r3.table["adcode"]) == {"B"}  # receiving: PRD unit O is no candidate


def test_user_exclusion_removes_a_destination() -> None:
    r = _fit(stage="apparel", exclude=["B"])
    t = r.table.set_index("adcode")
    assert not t.loc["B", "eligible"] and t.loc["B", "excluded_reason"] == "user"
    words = explain_result(r).table.set_index("adcode")
    assert "excluded by the user" in words.loc["B", "excluded_reason"] and "用户排除" in words.loc["B", "excluded_reason_zh"]
    assert t.loc["A", "eligible"] and t.loc["A", "rank"] == 1
    assert r.table["adcode"].iloc[-1] == "B"


def test_scores_in_unit_interval_random_worlds() -> None:
    rng = np.random.default_rng(7)
    for _ in range(25):
        u, s = 9, 5
        m = rng.integers(0, 4, size=(u, s)).astype(float)
        w = rng.random((s, s)) * (rng.random((s, s)) < 0.5)
        xy = rng.random((u, 2)) * 300
        d = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) / 60.0  # hours
        comps = compute_fit_components(m, w, d, origin_index=0, half_life_h=rng.uniform(0.3, 3),
                                       policy=rng.random((u, s)), site=rng.random(u))
        weights = rng.dirichlet(np.ones(len(COMPONENTS)))
        score = sum(wi * comps[c] for wi, c in zip(weights, COMPONENTS, strict=True))
        for c in COMPONENTS:
            assert comps[c].min() >= 0 and comps[c].max() <= 1 + 1e-12, c
        assert score.min() >= 0 and score.max() <= 1 + 1e-12


def test_adding_supply_near_d_never_lowers_upstream() -> None:
    rng = np.random.default_rng(11)
    for _ in range(50):
        u, s = 8, 4
        m = rng.integers(0, 4, size=(u, s)).astype(float)
        w = rng.random((s, s))
        xy = rng.random((u, 2)) * 200
        d = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) / 60.0  # hours
        base = compute_fit_components(m, w, d, origin_index=0)["upstream"]
        dest, k = rng.integers(u), rng.integers(s)
        more = m.copy()
        more[dest, k] += rng.uniform(0.5, 5)  # supply added in d itself
        after = compute_fit_components(more, w, d, origin_index=0)["upstream"]
        assert (after[dest] >= base[dest] - 1e-12).all()
        # a neighbour v counts as "near" when decay(D[d, v]) >= d's current access
        v = int(np.argsort(d[dest])[1])
        kdv = 0.5 ** (d[dest, v] / 2.0)  # the default half-life
        more2 = m.copy()
        more2[v, k] += 3.0
        after2 = compute_fit_components(more2, w, d, origin_index=0)["upstream"]
        near = kdv >= base[dest]
        assert (after2[dest][near] >= base[dest][near] - 1e-12).all()


def test_score_all_stages_matches_single_stage() -> None:
    long = score_all_stages("O", inputs=load_fit_inputs(**WORLD, designations=DES_B), half_life_h=HALF_LIFE,
                            weights=PAPER_WEIGHTS)
    assert long["stage"].unique().tolist() == STAGES
    one = _fit("apparel").table
    part = long[long["stage"] == "apparel"].drop(columns="stage").reset_index(drop=True)
    pd.testing.assert_frame_equal(part, one)


def test_designations_from_places_grades_and_spreads() -> None:
    units = pd.DataFrame({"adcode": ["445281", "445202", "441900"], "city_adcode": ["445200", "445200", "441900"]})
    places = pd.DataFrame({
        "name_zh": ["印染中心", "名城", "集群"], "name_en": ["centre", "title", "cluster"],
        "kind": ["dyeing_park", "city_title", "cluster"], "stages": ["dyeing", "apparel;weaving", "apparel"],
        "city_adcode": ["445200", "445200", "441900"], "county_adcode": ["445281", "445202", "441900"],
        "location_precision": ["county", "city", "town"], "clause": ["§19", "§14", "§14"],
    })
    d = designations_from_places(places, units=units)
    got = {(r.adcode, r.stage): r.value for r in d.itertuples()}
    assert got[("445281", "dyeing")] == 1.0
    # a city title placed at the city seat is spread over the city's counties at half grade
    assert got[("445281", "apparel")] == 0.5 and got[("445202", "weaving")] == 0.5
    assert got[("441900", "apparel")] == 1.0
    with pytest.raises(PlannerError, match="unknown kind"):
        designations_from_places(places.assign(kind="shop"), units=units)


def test_bad_arguments_raise_clear_errors() -> None:
    with pytest.raises(UnknownNameError, match="`stage` 'knitting' is unknown"):
        _fit(stage="knitting")
    with pytest.raises(UnknownNameError, match="origin"):
        fit_world("dyeing", "Atlantis")
    with pytest.raises(PlannerError, match="half_life_h"):
        _fit(half_life_h=0)
    with pytest.raises(PlannerError, match="candidates"):
        _fit(candidates="some")
    with pytest.raises(UnknownNameError, match="exclude"):
        _fit(exclude=["Z"])
    with pytest.raises(PlannerError, match="weights"):
        _fit(weights={"upstream": -1})
    with pytest.raises(PlannerError, match="capability"):
        _fit(capability=CAP.assign(dyeing=-1.0))
    with pytest.raises(PlannerError, match="cost` lacks"):
        _fit(cost=COST.drop(index="B", columns="B"))
    with pytest.raises(PlannerError, match="site"):
        _fit(site=pd.Series({"A": 2.0}))


def test_default_data_dyeing_from_xintang() -> None:
    r = score_transfer_fit("dyeing", "440118")
    t = r.table
    top = t[t["eligible"]].head(3)
    assert len(top) >= 1
    assert set(top["region"]) <= {"East", "West", "North"}
    assert top["policy"].iloc[0] == 1.0 and "§19" in top["policy_clauses"].iloc[0]
    assert t["score"].dropna().between(0, 1).all()


# ----------------------------------------------------------------------------- site CSV


def test_read_site_csv_reads_and_feeds_the_fit() -> None:
    import io


    s = read_site_csv(io.StringIO(" Adcode , SITE \n445281,1\n440513, 0 \n"))
    assert s.to_dict() == {"445281": 1.0, "440513": 0.0} and s.name == "site"
    assert read_site_csv(io.StringIO("adcode,site\n445200,0.4\n"), level="city").to_dict() == {"445200": 0.4}


def test_read_site_csv_collects_every_problem() -> None:
    import io

    from geo.errors import LayerValidationError

    text = "adcode,site\n445281,2\n445281,0.5\n440100,0.3\n,0.1\n440513,\n"
    with pytest.raises(LayerValidationError) as info:
        read_site_csv(io.StringIO(text))
    probs = info.value.problems
    assert len(probs) == 5, probs
    joined = " | ".join(probs)
    assert "data row(s) [4] have no adcode" in joined
    assert "['440100'] are city codes" in joined  # a city code at county level says so
    assert "['445281'] appear more than once" in joined
    assert "[''] in data row(s) [5] are not numbers" in joined
    assert "[2.0] in data row(s) [1] are outside 0..1" in joined
    with pytest.raises(LayerValidationError, match=r"missing column\(s\) \['site'\]"):
        read_site_csv(io.StringIO("adcode,score\n445281,0.5\n"))
    with pytest.raises(PlannerError, match="no data rows"):
        read_site_csv(io.StringIO("adcode,site\n"))
    with pytest.raises(PlannerError, match="could not be read"):
        read_site_csv("/no/such/site.csv")
    with pytest.raises(PlannerError, match="`level`"):
        read_site_csv(io.StringIO("adcode,site\n445281,0.5\n"), level="town")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1e-320, 0.1, 25.0, float("inf"), float("nan")])
def test_half_life_outside_the_stated_range_is_refused(bad: float) -> None:
    with pytest.raises(PlannerError, match=r"half_life_h` must be a number of hours from 0.25 to 24"):
        _fit(half_life_h=bad)
