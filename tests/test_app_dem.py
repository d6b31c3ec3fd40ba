"""The fit page's DEM upload: the stage's site comes from the rasters on the planner's DEM, and the report names it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from streamlit.testing.v1 import AppTest


def _script(dem_bytes: bytes) -> None:
    import streamlit as st

    from app_pages._study import cached_fit, study_surface
    from scenario.settings import StudySettings

    s = StudySettings(stage="dyeing", origin="440118", files=(("--dem", "ramp.tif"),))
    plain = cached_fit(s, ())
    mine = cached_fit(s, (("--dem", "ramp.tif", dem_bytes),))
    surface = study_surface(s, (("--dem", "ramp.tif", dem_bytes),))
    a = plain.table.set_index("adcode")["site"]
    b = mine.table.set_index("adcode")["site"]
    st.session_state["east_drop"] = float((a - b).loc[["440514", "440513", "445281"]].min())
    st.session_state["named"] = any("ramp.tif" in str(x) for x in surface.sources)


def test_an_uploaded_dem_changes_the_site_and_is_named(tmp_path: Path) -> None:
    # flat west of 115.5 E, a steep ramp east of it: the Chaoshan dyeing centres lose site value
    path = tmp_path / "ramp.tif"
    lon = 109.0 + 0.01 * (np.arange(900) + 0.5)
    ramp = np.clip(lon - 115.5, 0, None) * 100_000 * 0.2
    with rasterio.open(path, "w", driver="GTiff", width=900, height=650, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(0.01, 0, 109, 0, -0.01, 26), nodata=-9999) as dst:
        dst.write(np.broadcast_to(ramp[None, :], (650, 900)).astype("float32"), 1)
    at = AppTest.from_function(_script, args=(path.read_bytes(),), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["east_drop"] > 0
    assert at.session_state["named"]
