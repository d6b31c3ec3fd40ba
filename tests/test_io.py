"""Vector IO: validation collects every problem; writes are atomic; files need a CRS. Users' CSV: UTF-8, BOM or GBK."""
from __future__ import annotations

import io
import logging
import random
import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon

from geo.crs import check_crs, project_layer
from geo.errors import CRSError, LayerValidationError, PlannerError
from geo.io import atomic_path, read_csv_table, read_csv_text, read_vector, validate_layer, write_vector

BOWTIE = Polygon([(113, 23), (113.1, 23.1), (113.1, 23), (113, 23.1), (113, 23)])  # self-intersecting


def _layer(**cols) -> gpd.GeoDataFrame:
    geoms = cols.pop("geometry")
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=4326)


def test_valid_layer_passes_including_multipart() -> None:
    mp = MultiPolygon([Polygon([(113, 23), (113.1, 23), (113.1, 23.1)]), Polygon([(114, 23), (114.1, 23), (114.1, 23.1)])])
    validate_layer(_layer(id=["a", "b"], geometry=[Point(113, 23), mp]), required=["id"], unique=["id"])


def test_every_problem_reported_at_once() -> None:
    g = _layer(id=["a", "a", None, "d", "e"],
               geometry=[Point(113, 23), BOWTIE, Point(), None, Point(121.5, 31.2)])
    with pytest.raises(LayerValidationError) as err:
        validate_layer(g, name="uploads", required=["id", "name_zh"], unique=["id"])
    msg = str(err.value)
    assert "uploads has 7 problem(s)" in msg
    for part in ("'name_zh' is missing", "'id' has 1 empty", "duplicates: ['a']", "no geometry",
                 "empty geometry", "invalid geometr", "outside Guangdong"):
        assert part in msg, part


def test_crs_problems() -> None:
    g = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(113, 23)])
    with pytest.raises(LayerValidationError, match="no CRS"):
        validate_layer(g)
    with pytest.raises(CRSError, match="has no CRS"):
        check_crs(g, name="upload")
    with pytest.warns(UserWarning, match="expected EPSG:4326"):
        check_crs(g.set_crs(3857, allow_override=True), name="upload")
    with pytest.raises(CRSError, match="not a CRS pyproj understands"):
        project_layer(g.set_crs(4326), to="EPSG:999999")
    assert project_layer(g.set_crs(4326), to="EPSG:4547").crs.to_epsg() == 4547


def test_geom_type_check() -> None:
    with pytest.raises(LayerValidationError, match=r"type \['Point'\], expected"):
        validate_layer(_layer(id=["a"], geometry=[Point(113, 23)]), geom_types=("Polygon", "MultiPolygon"))


def test_read_vector_without_crs_is_refused(tmp_path: Path) -> None:
    g = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(113, 23)])
    shp = tmp_path / "nocrs.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(g, shp)
    assert not shp.with_suffix(".prj").exists()
    with pytest.raises(CRSError, match=r"no CRS.*\.prj"):
        read_vector(shp)
    with pytest.raises(PlannerError, match="does not exist"):
        read_vector(tmp_path / "missing.gpkg")


def test_write_vector_round_trip_and_atomic(tmp_path: Path) -> None:
    g = _layer(name_zh=["大朗毛织"], geometry=[Point(113.9, 22.9)])
    out = write_vector({"a": g, "b": g}, tmp_path / "two.gpkg")
    back = read_vector(out, layer="b")
    assert back["name_zh"].iloc[0] == "大朗毛织" and back.crs.to_epsg() == 4326
    target = tmp_path / "keep.txt"
    target.write_text("user's file")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "user's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt", "two.gpkg"]
    with pytest.raises(PlannerError, match="one layer per file"):
        write_vector({"a": g, "b": g}, tmp_path / "x.geojson", driver="GeoJSON")
    assert np.isclose(back.geometry.x.iloc[0], 113.9)


# ---------------------------------------------------------------- users' CSV: UTF-8, BOM or GBK
# Excel on a Chinese system saves "CSV" as GBK; every reader of a user's CSV decodes it in one
# place (geo.io.read_csv_text): UTF-8 with or without BOM, else GB18030 (a superset of GBK).
ENCODINGS = ("utf-8", "utf-8-sig", "gbk")
#: A UTF-16 BOM, a lone surrogate and bytes 0x80..0xff: neither UTF-8 nor GB18030.
UNDECODABLE = b"\xff\xfe\x00\xd8" + bytes(range(0x80, 0x100)) * 2


def _source(data: bytes, kind: str, tmp_path: Path) -> object:
    if kind == "path":
        p = tmp_path / "user.csv"
        p.write_bytes(data)
        return p
    return io.BytesIO(data)  # what the app passes


def test_read_csv_text_decodes_utf8_bom_and_gbk(caplog: pytest.LogCaptureFixture) -> None:
    text = "# 单位：万元\nadcode,name_zh,印染\n445281,普宁市,66\n"
    for enc in ENCODINGS + ("gb18030",):
        with caplog.at_level(logging.INFO, logger="geo.io"):
            caplog.clear()
            assert read_csv_text(io.BytesIO(text.encode(enc)), name="`x`") == text, enc
        assert ("GB18030" in caplog.text) == enc.startswith("gb"), (enc, caplog.text)
    assert read_csv_text(text.encode("gbk"), name="`x`") == text  # bytes as they are
    assert read_csv_text(io.StringIO("\ufeff" + text), name="`x`") == text  # text: no decoding, BOM dropped


def test_gbk_that_is_also_valid_utf8_is_read_as_gbk(caplog: pytest.LogCaptureFixture) -> None:
    # GBK 印染 is the valid UTF-8 'ӡȾ': the "unknown stage ['ӡȾ']" a GBK capability file gave
    data = "adcode,stage,value\n445281,印染,66\n".encode("gbk")
    assert "ӡȾ" in data.decode("utf-8")
    with caplog.at_level(logging.INFO, logger="geo.io"):
        assert read_csv_text(data, name="`x`") == "adcode,stage,value\n445281,印染,66\n"
    assert "read it as GB18030" in caplog.text


@pytest.mark.parametrize(
    "text",
    [
        "adcode,note\n445281,café 25°C ×2 – “ok”\n",  # Latin-1 and punctuation only: stays UTF-8
        "adcode,note\n445281,普宁 Пу ǎ α\n",  # Chinese with other scripts: stays UTF-8
        "adcode,note\n445281,Guǎngzhōu\n",  # as GBK: characters outside GB2312 ('菐'), so not GBK
        "adcode,note\n445281,Guīlín\n",  # as GBK: Chinese inside a Latin word ('Gu莫l...'), so not GBK
    ],
)
def test_real_utf8_is_not_second_guessed(text: str) -> None:
    assert read_csv_text(text.encode("utf-8"), name="`x`") == text


def test_read_csv_text_refuses_what_is_not_text(tmp_path: Path) -> None:
    noise = random.Random(0).randbytes(512)
    for bad, extra in [(UNDECODABLE, "UTF-16"), (noise, ""), (b"PK\x03\x04\x14\x00\x06\x00\xff\xfe", ".xlsx")]:
        with pytest.raises(PlannerError, match=r"neither UTF-8 nor GB18030/GBK.*Save As > 'CSV UTF-8") as err:
            read_csv_text(io.BytesIO(bad), name="`od`")
        assert str(err.value).startswith("`od` (a file-like buffer) is neither") and extra in str(err.value)
    with pytest.raises(PlannerError, match=r"NUL characters.*'CSV UTF-8"):
        read_csv_text("a,b\n".encode("utf-16-le"), name="`od`")
    p = tmp_path / "bad.csv"
    p.write_bytes(UNDECODABLE)
    with pytest.raises(PlannerError, match=r"`od` '.*bad\.csv' is neither UTF-8"):
        read_csv_text(p, name="`od`")
    with pytest.raises(PlannerError, match=r"`od` '.*nope\.csv' could not be read: .*check the file name"):
        read_csv_text(tmp_path / "nope.csv", name="`od`")
    with pytest.raises(PlannerError, match=r"`od` must be a file name, an open file or bytes; got int"):
        read_csv_text(3, name="`od`")  # type: ignore[arg-type]


def test_read_csv_table_passes_frames_and_refuses_an_encoding() -> None:
    df = pd.DataFrame({"adcode": ["445281"], "名称": ["普宁市"]})
    out = read_csv_table(df, name="`x`")
    assert out is not df and out.equals(df)
    got = read_csv_table(io.BytesIO(df.to_csv(index=False).encode("gbk")), name="`x`", dtype=str)
    pd.testing.assert_frame_equal(got, df)
    with pytest.raises(PlannerError, match="`encoding` is not needed"):
        read_csv_table(io.BytesIO(b"a\n1\n"), name="`x`", encoding="gbk")


# The four readers of a user's CSV: the same content saved as UTF-8, UTF-8 with BOM and GBK
# reads to the same result, from a path (the CLI) and from io.BytesIO (the app).
CAPABILITY = "# 单位：万元（2023）\nadcode,name_zh,印染,服装\n445281,普宁市,66,\n440514,潮南区,102,5.5\n"
CAPABILITY_TRAP = "adcode,stage,value\n445281,印染,66\n440514,印染,102\n"  # its GBK bytes are valid UTF-8
SITE = "adcode,site,name_zh\n445281,0.9,普宁市\n440513,0.1,潮阳区\n"
AHP = ",政策,上游,下游\n政策,1,3,5\n上游,1/3,1,2\n下游,1/5,1/2,1\n"


def _od_text() -> tuple[list[str], np.ndarray, str]:
    from analysis.network import unit_cost_matrix

    codes, _ = unit_cost_matrix(level="city")
    n = len(codes)
    arr = np.arange(n * n, dtype=float).reshape(n, n)
    np.fill_diagonal(arr, 0)
    wide = pd.DataFrame(arr, index=codes, columns=codes).rename_axis("起点＼终点")
    return codes, arr, "# 行车时间（分钟），高德 2024\n" + wide.to_csv()


@pytest.mark.parametrize("kind", ["path", "bytesio"])
@pytest.mark.parametrize("enc", ENCODINGS)
def test_capability_reader_reads_every_encoding(enc: str, kind: str, tmp_path: Path) -> None:
    from analysis.capability import read_capability_csv

    want = read_capability_csv(io.StringIO(CAPABILITY))
    assert want.loc["440514", "dyeing"] == 102 and want.loc["440514", "apparel"] == 5.5
    got = read_capability_csv(_source(CAPABILITY.encode(enc), kind, tmp_path))
    pd.testing.assert_frame_equal(got, want)
    trap = read_capability_csv(_source(CAPABILITY_TRAP.encode(enc), kind, tmp_path))
    assert trap.loc["445281", "dyeing"] == 66 and trap.loc["440514", "dyeing"] == 102


@pytest.mark.parametrize("kind", ["path", "bytesio"])
@pytest.mark.parametrize("enc", ENCODINGS)
def test_od_reader_reads_every_encoding(enc: str, kind: str, tmp_path: Path) -> None:
    from analysis.network import read_od_matrix, unit_cost_matrix

    codes, arr, text = _od_text()
    got_codes, D = unit_cost_matrix(level="city", od=_source(text.encode(enc), kind, tmp_path))
    assert got_codes == codes
    np.testing.assert_array_equal(D, arr)
    np.testing.assert_array_equal(read_od_matrix(_source(text.encode(enc), kind, tmp_path), units=codes), arr)


@pytest.mark.parametrize("kind", ["path", "bytesio"])
@pytest.mark.parametrize("enc", ENCODINGS)
def test_site_reader_reads_every_encoding(enc: str, kind: str, tmp_path: Path) -> None:
    from analysis.inputs import read_site_csv

    got = read_site_csv(_source(SITE.encode(enc), kind, tmp_path))
    assert got.to_dict() == {"445281": 0.9, "440513": 0.1} and got.name == "site"
    names = read_csv_table(_source(SITE.encode(enc), kind, tmp_path), name="`path`", dtype=str)
    assert names["name_zh"].tolist() == ["普宁市", "潮阳区"]


@pytest.mark.parametrize("kind", ["path", "bytesio", "stringio"])
@pytest.mark.parametrize("enc", ENCODINGS)
def test_ahp_reader_reads_every_encoding(enc: str, kind: str, tmp_path: Path) -> None:
    from analysis.weights import read_ahp_csv

    want = read_ahp_csv(io.StringIO(AHP))
    assert want.index.tolist() == ["政策", "上游", "下游"] and want.loc["上游", "政策"] == pytest.approx(1 / 3)
    source = io.StringIO(AHP.encode(enc).decode(enc)) if kind == "stringio" else _source(AHP.encode(enc), kind, tmp_path)
    pd.testing.assert_frame_equal(read_ahp_csv(source), want)  # type: ignore[arg-type]


def _readers() -> dict[str, Callable[[object], object]]:
    from analysis.capability import read_capability_csv
    from analysis.inputs import read_site_csv
    from analysis.network import unit_cost_matrix
    from analysis.weights import read_ahp_csv

    return {
        "capability": read_capability_csv,
        "od": lambda s: unit_cost_matrix(level="city", od=s),
        "site": read_site_csv,
        "ahp": read_ahp_csv,
    }


@pytest.mark.parametrize("reader", ["capability", "od", "site", "ahp"])
def test_readers_refuse_undecodable_bytes_and_missing_files(reader: str, tmp_path: Path) -> None:
    read = _readers()[reader]
    for source in (_source(UNDECODABLE, "path", tmp_path), _source(UNDECODABLE, "bytesio", tmp_path)):
        with pytest.raises(PlannerError, match=r"neither UTF-8 nor GB18030/GBK.*'CSV UTF-8") as err:
            read(source)
        assert type(err.value) is PlannerError  # not a validation of mojibake
    missing = tmp_path / "no_such.csv"
    with pytest.raises(PlannerError, match=r"'.*no_such\.csv' could not be read: .*No such file.*check the file name"):
        read(missing)
