"""Chain completeness per §3 zone and region, before and after a transfer."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.completeness import COMPLETENESS_COLUMNS, apply_transfer, assess_chain_completeness
from geo.errors import PlannerError, UnknownNameError

# Four units: Zengcheng (Guangzhou, PRD, zone GZ-FS-ZS), Puning (Jieyang, East, zone STC-JY),
# Chaonan (Shantou, East, zone STC-JY), Wuchuan (Zhanjiang, West, no zone).
UNITS = pd.DataFrame({
    "adcode": ["440118", "445281", "440514", "440883"],
    "city_adcode": ["440100", "445200", "440500", "440800"],
    "region": ["PRD", "East", "East", "West"],
})
#          weaving dyeing down
CAP = pd.DataFrame(
    [[3, 3, 0], [2, 0, 0], [1, 0, 0], [0, 0, 3]],
    index=UNITS["adcode"], columns=["weaving", "dyeing", "down"], dtype=float,
)


def _row(t: pd.DataFrame, group: str, stage: str) -> pd.Series:
    return t[(t["group"] == group) & (t["stage"] == stage)].iloc[0]


def test_zones_present_thin_missing() -> None:
    t = assess_chain_completeness(CAP, units=UNITS, by="zone")
    assert tuple(t.columns) == COMPLETENESS_COLUMNS
    assert len(t) == 3 * 3  # three zones x three stages
    # STC-JY zone: weaving max(2, 1) = 2 -> present; dyeing 0 -> missing
    assert _row(t, "zone_stc_jy", "weaving")["status_before"] == "present"
    assert _row(t, "zone_stc_jy", "dyeing")["status_before"] == "missing"
    assert bool(_row(t, "zone_stc_jy", "dyeing")["target"])
    # SZ-DG-HZ has none of our units -> everything missing
    assert (t[t["group"] == "zone_sz_dg_hz"]["status_before"] == "missing").all()
    # thin: raise the threshold so 2 is below it
    t3 = assess_chain_completeness(CAP, units=UNITS, by="zone", thin_threshold=3)
    assert _row(t3, "zone_stc_jy", "weaving")["status_before"] == "thin"


def test_regions_and_sum_aggregate() -> None:
    t = assess_chain_completeness(CAP, units=UNITS, by="region")
    assert set(t["group"]) == {"PRD", "East", "West", "North"}
    assert _row(t, "West", "down")["status_before"] == "present"
    assert (t[t["group"] == "North"]["status_before"] == "missing").all()
    s = assess_chain_completeness(CAP, units=UNITS, by="region", aggregate="sum", thin_threshold=2.5)
    assert _row(s, "East", "weaving")["level_before"] == 3.0  # 2 + 1
    assert _row(s, "East", "weaving")["status_before"] == "present"


def test_transfer_changes_the_destination_zone() -> None:
    t = assess_chain_completeness(CAP, units=UNITS, by="zone", transfer=("dyeing", "440118", "445281", 1.0))
    r = _row(t, "zone_stc_jy", "dyeing")
    assert (r["status_before"], r["status_after"], bool(r["changed"])) == ("missing", "present", True)
    g = _row(t, "zone_gz_fs_zs", "dyeing")
    assert (g["status_before"], g["status_after"]) == ("present", "missing")
    half = assess_chain_completeness(CAP, units=UNITS, by="zone", transfer=("dyeing", "440118", "445281", 0.5))
    # 3 * 0.5 = 1.5 on each side: thin in both zones
    assert _row(half, "zone_stc_jy", "dyeing")["status_after"] == "thin"
    assert _row(half, "zone_gz_fs_zs", "dyeing")["status_after"] == "thin"
    assert CAP.loc["440118", "dyeing"] == 3.0  # input untouched


def test_bad_input() -> None:
    with pytest.raises(PlannerError, match="`by`"):
        assess_chain_completeness(CAP, units=UNITS, by="province")  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="share 2.0"):
        apply_transfer(CAP, ("dyeing", "440118", "445281", 2.0))
    with pytest.raises(UnknownNameError, match="destination '999999'"):
        apply_transfer(CAP, ("dyeing", "440118", "999999", 0.5))
    with pytest.raises(UnknownNameError, match="not in `units`"):
        assess_chain_completeness(CAP.rename(index={"440883": "123456"}), units=UNITS)
