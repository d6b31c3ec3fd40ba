"""``python -m analysis`` end to end through a subprocess, and its one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from layers.travel import load_travel_matrix
from scenario.convert import scenario_to_study, settings_to_scenario
from scenario.settings import StudySettings
from scenario.study import load_study_inputs, run_fit, run_scenario_fit

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def _needs_default_data() -> None:
    for mod in ("analysis.capability", "analysis.chain", "layers.places"):
        pytest.importorskip(mod, reason=f"{mod} (default data) not built yet")


def test_fit_dyeing_from_xintang(tmp_path: Path) -> None:
    _needs_default_data()
    out = tmp_path / "x.csv"
    r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--out", str(out))
    assert r.returncode == 0, r.stderr
    t = pd.read_csv(out, dtype={"adcode": str, "city_adcode": str})
    from analysis.fit import TABLE_COLUMNS

    assert tuple(t.columns) == TABLE_COLUMNS
    top = t[t["eligible"]].head(3)
    assert list(top["rank"]) == [1, 2, 3]
    assert (top["region"] == "East").all()  # Shantou and Jieyang dyeing parks (§19)
    assert (top["policy"] >= 0.6).all() and top["policy_clauses"].str.contains("§19").all()  # valued by treatment capacity
    assert top["reason_en"].str.contains("dyeing park").all()
    assert t.loc[~t["eligible"], "excluded_reason"].str.contains("§19").all()
    assert not (t["region"] == "PRD").any()


def test_fit_json_with_weights_and_exclusion(tmp_path: Path) -> None:
    _needs_default_data()
    out = tmp_path / "x.json"
    r = _run("fit", "--stage", "dyeing", "--origin", "增城区", "--weights", "policy=1,upstream=1",
             "--exclude", "440513", "--out", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["weights"]["policy"] == 0.5 and data["origin"] == "440118"
    rows = {row["adcode"]: row for row in data["table"]}
    assert rows["440513"]["eligible"] is False and "user" in rows["440513"]["excluded_reason"]
    assert any("ASSUMPTION" in a for a in data["assumptions"])


def test_ahp_command(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text(",policy,upstream\npolicy,1,3\nupstream,1/3,1\n", encoding="utf-8")
    r = _run("ahp", str(f))
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["weights"] == {"policy": 0.75, "upstream": 0.25}


def test_sensitivity_completeness_allocate(tmp_path: Path) -> None:
    _needs_default_data()
    s = tmp_path / "s.csv"
    r = _run("sensitivity", "--stage", "dyeing", "--origin", "440118", "--draws", "500", "--seed", "3", "--out", str(s))
    assert r.returncode == 0, r.stderr
    st = pd.read_csv(s)
    assert st["p_first"].sum() == pytest.approx(1.0)
    c = tmp_path / "c.csv"
    r = _run("completeness", "--by", "zone", "--transfer", "dyeing:440118:445281:1", "--out", str(c))
    assert r.returncode == 0, r.stderr
    ct = pd.read_csv(c)
    assert set(ct["group"]) == {"zone_stc_jy", "zone_sz_dg_hz", "zone_gz_fs_zs"}
    g = tmp_path / "f.geojson"
    f = tmp_path / "f.csv"
    r = _run("allocate", "--stage", "dyeing", "--origin", "440118=100", "--room", "445281=60", "--room", "440514=60",
             "--out-csv", str(f), "--out-geojson", str(g))
    assert r.returncode == 0, r.stderr
    flows = pd.read_csv(f, dtype={"destination": str})
    assert flows["amount"].sum() == pytest.approx(100)
    assert len(gpd.read_file(g)) == len(flows)
    short = _run("allocate", "--stage", "dyeing", "--origin", "440118=100", "--room", "445281=10")
    assert short.returncode == 3 and "room is short: 90 of 100" in short.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("fit", "--stage", "knitting", "--origin", "440118"),
        ("fit", "--stage", "dyeing", "--origin", "Atlantis"),
        ("fit", "--stage", "dyeing"),
        ("fit", "--stage", "dyeing", "--origin", "440118", "--weights", "colour=1"),
        ("fit", "--stage", "dyeing", "--origin", "440118", "--half-life-h", "-5"),
        ("fit", "--stage", "dyeing", "--origin", "440118", "--out", "x.txt"),
        ("fit", "--stage", "dyeing", "--origin", "440118", "--ahp", "/no/such/file.csv"),
        ("completeness", "--transfer", "dyeing:440118"),
        ("allocate", "--stage", "dyeing", "--origin", "440118=lots", "--room", "445281=1"),
        ("nonsense",),
    ],
)
def test_bad_arguments_one_line_no_traceback(args: tuple[str, ...]) -> None:
    r = _run(*args)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr


def test_help_on_every_command() -> None:
    for cmd in ("fit", "ahp", "sensitivity", "completeness", "allocate"):
        r = _run(cmd, "--help")
        assert r.returncode == 0 and "usage:" in r.stdout


def test_fit_with_site_csv_end_to_end(tmp_path: Path) -> None:
    _needs_default_data()
    from analysis.assumptions import SITE_PLACEHOLDER

    site = tmp_path / "site.csv"
    # Excel-style BOM and an ignored name column; Puning 0.9, Chaoyang 0.1, every other unit left out
    site.write_text("\ufeffadcode,site,name\n445281,0.9,普宁市\n440513,0.1,潮阳区\n", encoding="utf-8")
    with_site, without = tmp_path / "a.json", tmp_path / "b.json"
    r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--site", str(site), "--out", str(with_site))
    assert r.returncode == 0, r.stderr
    r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--out", str(without))
    assert r.returncode == 0, r.stderr
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (with_site, without))
    ra, rb = ({row["adcode"]: row for row in d["table"]} for d in (a, b))
    assert ra["445281"]["site"] == 0.9 and ra["440513"]["site"] == 0.1
    assert ra["440883"]["site"] == SITE_PLACEHOLDER  # left out of the planner's file: neutral placeholder
    assert 0 <= rb["445281"]["site"] <= 1 and rb["445281"]["site"] != SITE_PLACEHOLDER  # default: raster suitability
    # only the site term moves the score: weight_site x (given - default)
    w = a["weights"]["site"]
    for code, given in (("445281", 0.9), ("440513", 0.1)):
        assert ra[code]["score"] - rb[code]["score"] == pytest.approx(w * (given - rb[code]["site"]), abs=1e-9)
    assert a["params"]["site_source"] == "user" and b["params"]["site_source"].startswith("default (raster")
    note = [x for x in a["assumptions"] if "site values were given for 2 of" in x]
    assert note and f"keep the neutral placeholder {SITE_PLACEHOLDER:g}" in note[0]


def test_fit_with_bad_site_csv_exit_2_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("adcode,site\n445281,1.5\n999999,0.2\n440513,high\n", encoding="utf-8")
    r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--site", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stdout == ""
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr
    # one message, every problem: the range, the unknown code with valid examples, the non-number
    assert "3 problem(s)" in lines[0]
    assert "[1.5]" in lines[0] and "outside 0..1" in lines[0]
    assert "unknown county adcode(s) ['999999']" in lines[0] and "such as 440103" in lines[0]
    assert "['high']" in lines[0] and "not numbers" in lines[0]
    cols = tmp_path / "cols.csv"
    cols.write_text("code,value\n445281,0.5\n", encoding="utf-8")
    r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--site", str(cols))
    assert r.returncode == 2 and "missing column(s) ['adcode', 'site']" in r.stderr and len(r.stderr.splitlines()) == 1


def test_fit_help_names_site_and_its_default() -> None:
    r = _run("fit", "--help")
    text = " ".join(r.stdout.split())
    assert r.returncode == 0 and "--site CSV" in text
    assert "adcode,site" in text and "keep the neutral placeholder 0.5" in text


def test_fit_reads_gbk_csv_files_as_excel_saves_them(tmp_path: Path) -> None:
    """Excel on a Chinese system saves "CSV" as GBK: --capability, --od and --site read it like UTF-8."""
    _needs_default_data()
    from analysis.network import unit_cost_matrix

    codes, dist = unit_cost_matrix(level="county")
    od = pd.DataFrame(dist * 1.5, index=codes, columns=codes).rename_axis("起点＼终点").round(3)
    texts = {
        "capability": "# 印染产能（万米），2023 年统计\nadcode,name_zh,印染,服装\n445281,普宁市,66,\n440514,潮南区,102,5\n",
        "od": "# 行车时间（分钟）\n" + od.to_csv(),
        "site": "adcode,site,name_zh\n445281,0.9,普宁市\n440513,0.1,潮阳区\n",
    }
    runs = {}
    for enc in ("utf-8", "gbk"):
        files = {}
        for key, text in texts.items():
            files[key] = tmp_path / f"{key}_{enc}.csv"
            files[key].write_bytes(text.encode(enc))
        out = tmp_path / f"fit_{enc}.json"
        r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--capability", str(files["capability"]),
                 "--od", str(files["od"]), "--site", str(files["site"]), "--out", str(out))
        assert r.returncode == 0, r.stderr
        runs[enc] = json.loads(out.read_text(encoding="utf-8"))
    assert runs["gbk"]["table"] == runs["utf-8"]["table"] and runs["gbk"]["weights"] == runs["utf-8"]["weights"]
    rows = {row["adcode"]: row for row in runs["gbk"]["table"]}
    assert rows["445281"]["site"] == 0.9 and rows["440513"]["site"] == 0.1

    # GBK 印染 is also valid UTF-8 ('ӡȾ'): it gave "unknown stage(s) ['ӡȾ']"; now it is read as GBK
    trap = tmp_path / "trap.csv"
    trap.write_bytes("adcode,stage,value\n445281,印染,66\n440514,印染,102\n".encode("gbk"))
    r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--capability", str(trap), "--out", str(tmp_path / "t.json"))
    assert r.returncode == 0, r.stderr

    # not text at all: exit 2, one line naming the file and 'CSV UTF-8'
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00\xd8" + bytes(range(0x80, 0x100)) * 2)
    for opt in ("--capability", "--od", "--site"):
        r = _run("fit", "--stage", "dyeing", "--origin", "440118", opt, str(bad))
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert r.returncode == 2 and "Traceback" not in r.stderr and len(lines) == 1, r.stderr
        assert "bad.csv' is neither UTF-8 nor GB18030/GBK" in lines[0] and "'CSV UTF-8" in lines[0], lines[0]


def test_ahp_command_reads_gbk(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_bytes(",政策,上游\n政策,1,3\n上游,1/3,1\n".encode("gbk"))
    out = tmp_path / "w.json"
    r = _run("ahp", str(f), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["weights"] == {"政策": 0.75, "上游": 0.25}


def test_fit_with_ahp_states_the_derivation(tmp_path: Path) -> None:
    _needs_default_data()
    f = tmp_path / "pairs.csv"
    f.write_text(",policy,upstream,downstream\npolicy,1,3,3\nupstream,1/3,1,1\ndownstream,1/3,1,1\n", encoding="utf-8")
    out = tmp_path / "x.json"
    r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--ahp", str(f), "--out", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["weights"]["policy"] == pytest.approx(0.6)
    assert any("weights by AHP" in a and "pairs.csv" in a and "CR = 0.000" in a for a in data["assumptions"])


def test_fit_with_user_chain_and_bad_chain(tmp_path: Path) -> None:
    _needs_default_data()
    good = tmp_path / "chain.csv"
    good.write_text("supplier,customer,weight,note\nweaving,dyeing,1.0,test\n", encoding="utf-8")
    out = tmp_path / "x.json"
    r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--chain", str(good), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["params"]["chain_source"] == "user"
    bad = tmp_path / "bad.csv"
    bad.write_text("supplier,customer,weight,note\nweaving,dyeing,0.5,half\n", encoding="utf-8")
    r = _run("fit", "--stage", "dyeing", "--origin", "440118", "--chain", str(bad))
    assert r.returncode == 2 and r.stderr.startswith("error:") and r.stderr.count("\n") == 1


def test_a_planners_travel_times_in_hours_replace_the_road_hours(tmp_path: Path) -> None:
    hours = load_travel_matrix(level="county", measure="hours")
    km = load_travel_matrix(level="county", measure="km")
    (hours * 2).to_csv(tmp_path / "hours.csv")
    km.to_csv(tmp_path / "km.csv")
    road = run_fit(StudySettings(stage="apparel", origin="440118")).table.set_index("adcode")

    # alone: its hours, km derived at the stated speed
    files = [("--od-hours", "hours.csv", str(tmp_path / "hours.csv"))]
    fit = run_fit(StudySettings(stage="apparel", origin="440118"), load_study_inputs(files))
    t = fit.table.set_index("adcode")
    assert (t["origin_hours"] - 2 * road["origin_hours"]).abs().max() < 0.01
    assert (t["origin_km"] - 60 * t["origin_hours"]).abs().max() < 0.1
    assert any(getattr(a, "code", "") == "cost.hours_only" for a in fit.assumptions)

    # with --od: km from the one, hours from the other, on the command line
    out = tmp_path / "fit.csv"
    r = _run("fit", "--stage", "apparel", "--origin", "440118", "--od", str(tmp_path / "km.csv"),
             "--od-hours", str(tmp_path / "hours.csv"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    both = pd.read_csv(out, dtype={"adcode": str}).set_index("adcode")
    assert (both["origin_km"] - road["origin_km"]).abs().max() < 0.1
    assert (both["origin_hours"] - 2 * road["origin_hours"]).abs().max() < 0.01

    # kept by a scenario and run again from it
    rec = settings_to_scenario(StudySettings(stage="apparel", origin="440118"), name="slow roads", files=files)
    assert [t.role for t in rec.tables] == ["od_hours"]
    again = run_scenario_fit(scenario_to_study(rec)).table.set_index("adcode")
    pd.testing.assert_series_equal(again["score"], t["score"])
