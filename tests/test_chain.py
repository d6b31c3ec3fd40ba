"""Stage catalogue and supply-chain graph: default weights, validation of edited files."""
from __future__ import annotations

import io

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from analysis.chain import chain_weight_matrix, load_chain_graph, read_chain_edges
from layers.stages import STAGES, check_stage, load_stages, stage_label
from geo.data import get_path
from geo.errors import LayerValidationError, PlannerError, UnknownNameError

HEAD = "supplier,customer,weight,note\n"


def test_stage_catalogue_matches_ids() -> None:
    s = load_stages()
    assert tuple(s["id"]) == STAGES
    assert list(s.columns) == ["id", "name_zh", "name_en", "description", "clause"]
    assert s["clause"].str.contains("§").all()
    s.loc[0, "id"] = "changed"
    assert load_stages()["id"].iloc[0] == "fibre"  # copies


@pytest.mark.parametrize(
    ("name", "expected"),
    [("dyeing", "dyeing"), ("Dyeing & finishing (incl. washing)", "dyeing"), ("印染（含洗水）", "dyeing"),
     ("印染", "dyeing"), ("HOME_TEXTILES", "home_textiles"), ("Home textiles", "home_textiles"), ("羽绒", "down"),
     ("industrial textiles", "industrial_textiles")],
)
def test_check_stage_accepts_ids_and_names(name: str, expected: str) -> None:
    assert check_stage(name) == expected


def test_check_stage_refuses_unknown_listing_valid() -> None:
    with pytest.raises(UnknownNameError, match=r"`stage` 'knitting' is not a supply-chain stage; expected one of fibre, silk"):
        check_stage("knitting")


def test_stage_label_is_the_catalogue_name() -> None:
    s = load_stages().set_index("id")
    for st in STAGES:
        assert stage_label(st) == s.at[st, "name_en"]
        assert stage_label(st, lang="zh") == s.at[st, "name_zh"]
    assert stage_label("dyeing") == "Dyeing & finishing (incl. washing)"
    assert stage_label("paper_making") == stage_label("paper_making", lang="zh") == "paper making"
    with pytest.raises(PlannerError, match="`lang` must be 'en' or 'zh', got 'fr'"):
        stage_label("dyeing", lang="fr")


def test_stage_label_has_one_definition() -> None:
    import outputs.explain
    import outputs.report

    assert outputs.explain.stage_label is stage_label  # the explanations use the catalogue's one definition
    assert not hasattr(outputs.explain, "STAGE_NAMES")
    assert not hasattr(outputs.report, "STAGE_NAMES") and not hasattr(outputs.report, "_stage_name")
    assert "COMPONENTS" not in outputs.report.__all__


def test_default_graph_shape_and_shares() -> None:
    g = load_chain_graph()
    assert set(g.nodes) == set(STAGES)
    assert g.nodes["dyeing"]["name_zh"] == "印染（含洗水）"
    for s in STAGES:
        ins = [w for _, _, w in g.in_edges(s, data="weight")]
        if ins:
            assert sum(ins) == pytest.approx(1.0, abs=1e-9), s
    # the §5 chain is there in order
    for k, s in [("fibre", "spinning"), ("spinning", "weaving"), ("weaving", "dyeing"), ("dyeing", "apparel"),
                 ("dyeing", "home_textiles"), ("auxiliaries", "dyeing"), ("accessories", "apparel")]:
        assert g.has_edge(k, s) and g[k][s]["weight"] > 0 and g[k][s]["note"]
    # stages fed from outside the chain have no suppliers
    for s in ("fibre", "silk", "down", "auxiliaries", "machinery"):
        assert g.in_degree(s) == 0
    # the goods flow is acyclic; the only loops run through design & trade services
    assert not nx.is_directed_acyclic_graph(g)
    goods = g.copy()
    goods.remove_node("design_trade")
    assert nx.is_directed_acyclic_graph(goods)


def test_default_file_says_it_is_an_assumption() -> None:
    text = get_path("chain_edges").read_text(encoding="utf-8")
    assert "ASSUMPTION" in text and "§5" in text and "§3" in text


def test_weight_matrix() -> None:
    g = nx.DiGraph()
    g.add_edge("fibre", "spinning", weight=0.75)
    g.add_edge("machinery", "spinning", weight=0.25)
    W = chain_weight_matrix(g)
    assert list(W.index) == list(STAGES) and list(W.columns) == list(STAGES)
    assert W.index.name == "supplier" and W.columns.name == "customer"
    assert W.loc["fibre", "spinning"] == 0.75 and W.loc["machinery", "spinning"] == 0.25
    assert W.to_numpy().sum() == pytest.approx(1.0)
    Wd = chain_weight_matrix(load_chain_graph())
    col = Wd.sum(axis=0)
    assert np.allclose(col[col > 0], 1.0)
    assert (Wd.loc[:, "fibre"] == 0).all()


def test_weight_matrix_refuses_foreign_nodes() -> None:
    g = nx.DiGraph()
    g.add_edge("oil", "fibre", weight=1.0)
    with pytest.raises(PlannerError, match=r"node\(s\) \['oil'\] that are not stage ids"):
        chain_weight_matrix(g)


def test_read_good_file_with_names_and_comments(tmp_path) -> None:
    p = tmp_path / "edges.csv"
    p.write_text("# my weights\n" + HEAD + "化学纤维及纤维材料,Spinning,0.6,survey 2024 #3\nmachinery,spinning,0.4,guess\n", encoding="utf-8")
    df = read_chain_edges(p)
    assert list(df["supplier"]) == ["fibre", "machinery"] and list(df["customer"]) == ["spinning", "spinning"]
    assert df["note"].iloc[0] == "survey 2024 #3"  # a '#' inside a note survives
    g = load_chain_graph(p)
    assert g["fibre"]["spinning"]["weight"] == 0.6 and g.number_of_nodes() == len(STAGES)


def test_read_from_dataframe_leaves_it_alone() -> None:
    df = pd.DataFrame({"supplier": ["fibre"], "customer": ["spinning"], "weight": [1.0], "note": ["x"]})
    before = df.copy()
    out = read_chain_edges(df)
    pd.testing.assert_frame_equal(df, before)
    assert out["weight"].tolist() == [1.0]


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ("fibre,knitting,1,x\n", r"unknown customer stage\(s\) \['knitting'\].*valid stages: fibre"),
        ("oil,spinning,1,x\n", r"unknown supplier stage\(s\) \['oil'\]"),
        ("fibre,spinning,1.2,x\nmachinery,spinning,-0.2,x\n", r"negative weight in row\(s\) \[2\]"),
        ("fibre,spinning,abc,x\n", r"weight is not a finite number in row\(s\) \[1\]"),
        ("fibre,spinning,0.5,x\nmachinery,spinning,0.4,x\n", r"sum to 1 .*spinning: 0\.9"),
        ("fibre,spinning,0.5,x\nfibre,spinning,0.5,y\n", r"duplicated edge\(s\) \['fibre->spinning'\]"),
        ("spinning,spinning,1,x\n", r"supplies itself"),
        ("fibre,spinning,1,\n", r"empty note in row\(s\) \[1\]"),
    ],
)
def test_read_refuses_each_problem(rows: str, match: str) -> None:
    with pytest.raises(LayerValidationError, match=match):
        read_chain_edges(io.StringIO(HEAD + rows))


def test_read_lists_every_problem_at_once() -> None:
    rows = "oil,spinning,0.5,x\nfibre,weaving,-1,y\nfibre,dyeing,0.3,\n"
    with pytest.raises(LayerValidationError) as err:
        read_chain_edges(io.StringIO(HEAD + rows))
    assert len(err.value.problems) == 4  # unknown stage, negative, empty note, shares
    assert "dyeing: 0.3" in str(err.value) and "weaving: -1" in str(err.value)


def test_read_refuses_missing_columns() -> None:
    with pytest.raises(LayerValidationError, match=r"missing \['note'\]"):
        read_chain_edges(io.StringIO("supplier,customer,weight\nfibre,spinning,1\n"))


def test_shares_within_tolerance_pass() -> None:
    df = read_chain_edges(io.StringIO(HEAD + "fibre,spinning,0.3333333,x\nmachinery,spinning,0.6666667,y\n"))
    assert df["weight"].sum() == pytest.approx(1.0)
