"""Catalogue part: the README.txt of the "everything" export, key -> (zh, en); merged by :mod:`outputs.text`.

Every line :func:`outputs.export.export_everything` writes into ``README.txt``, under keys
starting ``export.``; fields in braces are filled in there. The policy document is named by
``report.policy_document`` (cited in Chinese in both languages).
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "export.title": ("广东纺织服装产业布局规划工具 - 数据导出", "Guangdong textile & apparel layout planner - export"),
    "export.written": ("生成时间（UTC）：{when}", "Written (UTC): {when}"),
    "export.crs": ("坐标系", "Coordinate reference system"),
    "export.crs_vector": ("矢量图层（GeoPackage、Shapefile、GeoJSON、CSV）：{key} - {name}",
                          "Vector layers (GeoPackage, Shapefile, GeoJSON, CSV): {key} - {name}"),
    "export.crs_raster": ("栅格 {file}：{key}，由等积分析网格重投影而来（最邻近法：每个栅格保留所在单位的值）",
                          "Raster {file}: {key}, warped from the equal-area analysis grid "
                          "(nearest neighbour: every cell keeps a unit's value)"),
    "export.crs_cog": ("{file}：云优化 GeoTIFF，{key}，由等积分析网格重投影而来（最邻近法：编码值保持不变）；适宜性 0..1，"
                       "-1 = 受限（被某条规则排除），-9999 = 无数据；criteria_*.tif：每个原始准则一个波段（公里、度、比例）",
                       "{file}: Cloud-Optimised GeoTIFF, {key}, warped from the equal-area analysis grid (nearest "
                       "neighbour: the codes stay exact); suitability 0..1, -1 = restricted (a rule removed the cell), "
                       "-9999 = no data; criteria_*.tif: one band per raw criterion (km, degrees, share)"),
    "export.files": ("文件", "Files"),
    "export.shapefile": ("Shapefile：每个图层一个 zip；.cpg 声明 UTF-8 编码；字段名截为 10 个字符，\n"
                         "每个 zip 中的 <layer>_fields.csv 给出与完整字段名的对应关系。",
                         "Shapefiles: one zip per layer; .cpg declares UTF-8; field names are cut to 10\n"
                         "characters - <layer>_fields.csv in each zip maps them back to the full names."),
    "export.csv": ("CSV 文件为带 BOM 的 UTF-8 编码，Excel 可正确显示中文。",
                   "CSV files are UTF-8 with BOM so Excel opens Chinese correctly."),
    "export.geotiff": ("GeoTIFF：float32，无数据值 -9999。", "GeoTIFF: float32, nodata -9999."),
    "export.sources": ("数据来源", "Sources"),
    "export.suit_source": ("适宜性栅格（{stage}）：{source}", "suitability {stage}: {source}"),
    "export.clauses": ("图层及其条款引用{policy}，\n记为 §N（字段 `clause`）。",
                       "Layers and their clauses cite {policy}\nas §N (column `clause`)."),
}
