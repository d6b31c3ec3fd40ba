"""Catalogue part: the messages of errors a planner can fix, ``error.<code> -> (zh, en)``; merged by :mod:`outputs.text`.

The English of every code is :data:`geo.error_texts.ERRORS` (``str(exc)`` of the error, so the
command line and the English app say the same words); the Chinese is here. Fields in braces are
the message's values, filled by :func:`outputs.messages.render_error`; ``{problems:*}`` lists
a validator's problems one per line. File names, option names (``--od``), column names, CRS
codes and numbers stay as they are.
"""
from __future__ import annotations

from geo.error_texts import ERRORS
from outputs.text._pairing import pair_with_english

_SAVE_AS = "请在Excel中选择“文件 > 另存为 > CSV UTF-8（逗号分隔）(*.csv)”，并使用另存后的文件"

#: code -> Chinese template (the English is geo.error_texts.ERRORS[code]).
ZH: dict[str, str] = {
    # --- lists of problems
    "error.layer": "{layer}有{n}处问题：{problems:*}",
    "error.label.exclusion": "{name}“{file}”",
    "error.word.exclusion_areas": "排除区域",
    "error.word.upload": "上传文件",
    "error.word.vector_file": "矢量文件",
    "error.word.the_csv": "CSV表",
    "error.word.buffer": "（内存中的文件）",
    "error.quoted": "“{name}”",
    "error.named": "{name} {file}",
    # --- files and their sizes
    "error.file.unreadable": "无法读取{name}：{reason}；请检查文件名",
    "error.file.folder": "{name} 是文件夹，不是文件；请给出文件夹里的文件",
    "error.file.not_regular": "{name} 不是普通文件（而是管道、设备或套接字）；请先把数据保存为文件再提供",
    "error.file.too_big": "{name} 大小为{size}，超过允许的{limit}；请提供更小的截取范围",
    "error.file.read_failed": "无法读取{name}（{reason}）；请检查该文件",
    "error.file.over_cap": "{name} 超过允许的{limit}；请提供更小的截取范围",
    "error.csv.empty": "{name} 是空表：应有{expected}；请在Excel中另存为“CSV UTF-8”",
    "error.expected.capability": "表头行，含 adcode、stage、value 列（或 adcode 列加每个环节一列）",
    "error.expected.od": "表头行，含 origin、destination、cost 列（或以 adcode 为表头的方阵）",
    "error.expected.od-hours": "表头行，含 origin、destination、cost 列，cost 为小时数（或以 adcode 为表头的方阵）",
    "error.expected.site": "表头行，含 adcode、site 列（0 = 不适宜 .. 1 = 最适宜）",
    "error.expected.chain": "表头行，含 supplier、customer、weight、note 列",
    "error.expected.evidence": "表头行，含 place、adcode、level、stages、measure、value、unit、year、source、quality 列",
    "error.expected.ahp": "一行准则（即各分项）作表头，每个准则一行",
    "error.expected.room-csv": "表头行，含 destination、room 列",
    "error.expected.any": "一行列名作表头，每条记录一行",
    "error.keys.repeated": "{name} 中{keys:@}出现了不止一次；每项只能给一次",
    "error.keys.one": "“{key}”",
    "error.keys.values": "“{key}”（取值 {values}）",
    # --- exclusion areas
    "error.exclusion.not_frame": "{name} 应为多边形的GeoDataFrame，实际是{got}",
    "error.exclusion.no_crs": ("没有坐标系（CRS）：shapefile需要附带 .prj 文件；请补上，或在QGIS中设置坐标系"
                               "（图层 > 设置CRS）后重新保存"),
    "error.exclusion.no_features": "没有任何要素；请导出排除区域的多边形本身",
    "error.exclusion.no_geometry": "{n}个要素没有几何图形，例如第{rows}行；请删除这些要素或补画其多边形",
    "error.exclusion.nonfinite": "{n}个要素的坐标不是有限数值（NaN或无穷大），例如第{rows}行；请修正或删除这些顶点",
    "error.exclusion.no_polygons": ("不含多边形：{n}个要素是{kinds}（点和线不覆盖任何面积），例如第{rows}行；"
                                    "请提供排除区域的多边形，例如生态保护红线的shapefile压缩包或GeoPackage"),
    "error.exclusion.some_not_polygons": ("含有非多边形要素：{n}个要素是{kinds}（点和线不覆盖任何面积），例如第{rows}行；"
                                          "请提供排除区域的多边形，例如生态保护红线的shapefile压缩包或GeoPackage"),
    "error.exclusion.invalid": ("{n}个多边形无效，例如第{rows}行：{reasons}；请用QGIS“修复几何图形”修复，并核对修复后"
                                "覆盖的范围（此处不自动修复：修复后的环可能不覆盖任何面积）"),
    "error.exclusion.swapped": ("{total}个要素中有{n}个完全位于广东省范围 {bbox} 之外，例如第{rows}行；看来经纬度写反了"
                                "（x 中是23左右的纬度，y 中是113左右的经度）；请交换两列或修正坐标轴顺序后重新保存"),
    "error.exclusion.not_degrees": ("{total}个要素中有{n}个的坐标不是经纬度（例如 {x}, {y}），而文件声明的坐标系是"
                                    "{crs}，例如第{rows}行：是否是缺少坐标系说明的投影坐标（米）？请按其真实坐标系"
                                    "（如 EPSG:4547）或经纬度（EPSG:4326）保存"),
    "error.exclusion.outside": ("{total}个要素中有{n}个完全位于广东省范围 {bbox} 之外，例如第{rows}行；请检查坐标系"
                                "（是否把投影坐标当作经纬度读取？是否是其他地区的数据？）"),
    # --- zip uploads
    "error.zip.unreadable": "{name} 不是可读取的zip压缩包：文件已损坏或不完整；请重新压缩后再上传",  # zipfile's English detail left out
    "error.zip.members": "{name} 含有{n}个条目，超过允许的{limit}个；请只压缩该图层的文件",
    "error.zip.unsafe": "zip条目“{entry}”不安全（绝对路径、“..”或链接）；请用普通的相对文件名重新压缩",
    "error.zip.too_big": "{name} 解压后为{size}，超过允许的{limit}；请上传更小的截取范围",
    "error.zip.lied": "{name} 解压后超过允许的{limit}（其文件头声称为{size}）；请上传更小的截取范围",
    "error.zip.damaged": "{name} 不是可读取的zip压缩包：条目“{entry}”已损坏（{kind}）；请重新压缩后再上传",
    "error.zip.shp_parts": "{name}：shapefile {shp} 缺少 {parts} 部分；请把所有部分（.shp、.shx、.dbf、.prj、.cpg）一起压缩",
    "error.zip.no_prj": "{name}：{shp} 没有 .prj 文件，坐标系未知；请把 .prj 加入压缩包",
    "error.zip.no_vector": "{name}：压缩包中没有矢量文件（.shp、.gpkg、.geojson）；请检查压缩了哪些文件",
    "error.upload.too_big": "{name} 大小为{size}，超过允许的{limit}；请先裁剪到广东省范围",
    "error.upload.suffix": "{name}：不接受扩展名为{suffix}的文件；请上传shapefile压缩包、GeoPackage或GeoJSON",
    "error.upload.no_suffix": "（无扩展名）",
    # --- vector files
    "error.vector.too_big": "{name} 连同各部分共{size} MB，超过允许的{limit} MB；请先裁剪到广东省范围或简化",
    "error.vector.missing": "`path` 不存在：{path}；请检查文件名",
    # GDAL's English detail ({err}) left out: it names the file's fault only in GDAL's words
    "error.vector.unreadable": "无法读取{name}：GDAL无法识别或读取该文件（文件已损坏，或不是GeoPackage、shapefile、GeoJSON等矢量格式）",
    "error.vector.unreadable_layer": "无法读取{name}的图层“{layer}”：GDAL无法读取（文件已损坏，或没有该图层）",
    "error.vector.no_geometry": "{name} 没有几何图形（是表格，不是地图图层）；请提供GeoPackage、shapefile压缩包或GeoJSON",
    "error.vector.no_crs": "{name} 没有坐标系：文件未带投影信息（shapefile需要 .prj）；请补上，或用 `gdf.set_crs(...)` 设置",
    "error.layer.no_crs": "没有坐标系：请用 `set_crs` 设置，或为文件补上 .prj",
    "error.layer.crs": "坐标系为{crs}，应为EPSG:4326；请用 `to_crs(4326)` 重投影",
    "error.layer.column_missing": "缺少列“{col}”",
    "error.layer.column_empty": "列“{col}”有{n}个空值，例如第{rows}行",
    "error.layer.column_dups": "列“{col}”有重复值：{dups}",
    "error.layer.no_geometry": "{n}个要素没有几何图形，例如第{rows}行",
    "error.layer.empty_geometry": "{n}个要素的几何图形为空，例如第{rows}行",
    "error.layer.invalid": "{n}个几何图形无效，例如第{rows}行：{reasons}；请用 `shapely.make_valid` 或QGIS“修复几何图形”修复",
    "error.layer.types": "{n}个要素的类型为{types}，应为{expected}",
    "error.layer.outside": ("{n}个要素位于广东省范围 {bbox} 之外，例如第{rows}行；请检查坐标"
                            "（经纬度是否写反？是否把投影坐标当作经纬度读取？）"),
    # --- CSV text
    "error.csv.unreadable": "无法读取{name}：{err}；请检查文件名",
    "error.csv.source": "{name} 应为文件名、已打开的文件或字节串，实际是{got}；请传入CSV文件的路径",
    "error.csv.returned": "{name} 读取后得到{got}，不是文本或字节；请传入CSV文件的路径或 io.BytesIO",
    "error.csv.nul": "{name} 含有NUL字符：不是文本CSV（是UTF-16“Unicode文本”、工作簿还是二进制文件？）；" + _SAVE_AS,
    "error.csv.encoding": "{name} 既不是UTF-8也不是GB18030/GBK文本（第{byte}字节：{reason}）；" + _SAVE_AS,
    "error.csv.encoding.utf16": ("{name} 既不是UTF-8也不是GB18030/GBK文本（第{byte}字节：{reason}）；看来是UTF-16"
                                 "（Excel的“Unicode文本”），不是CSV；" + _SAVE_AS),
    "error.csv.encoding.zip": ("{name} 既不是UTF-8也不是GB18030/GBK文本（第{byte}字节：{reason}）；看来是Excel工作簿"
                               "（.xlsx）或其他zip文件，不是CSV；" + _SAVE_AS),
    "error.csv.no_table": "{name} 是空表：应有一行列名作表头，每条记录一行；请在Excel中另存为“CSV UTF-8”",
    "error.csv.unparsable": ("{name} 不是可读取的CSV表格（{err}）；每一行的逗号数都应与表头相同：含逗号的文字请用英文"
                             "双引号括起来，或在Excel中重新保存"),
    "error.csv.tokenize": "第{line}行有{saw}个字段，应为{expected}个",
    # --- the planner's capability table
    "error.word.capability_stats": "产业能力统计表",
    "error.adcode.are_city": "{codes} 是地级市代码：请设 level='city'，或改用县级代码",
    "error.adcode.are_county": "{codes} 是县级代码：请设 level='county'，或按所属地级市汇总（前4位 + '00'）",
    "error.adcode.unknown": (
        "未知的{level:@level}行政区划代码 {codes}{more}；有效代码是6位数字字符串，例如 {examples}——完整列表见 "
        "layers.boundaries.load_boundaries({level!r})[['adcode', 'name_zh']]（参见 data/boundaries/README.md）"),
    "error.adcode.unknown.hint": (
        "未知的{level:@level}行政区划代码 {codes}{more}；{hint}；有效代码是6位数字字符串，例如 {examples}——完整列表见 "
        "layers.boundaries.load_boundaries({level!r})[['adcode', 'name_zh']]（参见 data/boundaries/README.md）"),
    "error.capability.empty": "`path_or_buffer` 是空的；应为CSV，含 adcode、stage、value 列（或 adcode 列加每个环节一列）",
    "error.capability.no_adcode": ("`path_or_buffer` 没有“adcode”列（现有列：{header}）；应为长表 adcode、stage、value，"
                                   "或宽表 adcode 列加每个环节一列"),
    "error.capability.nonnumeric": "数据第{rows}行中有不是有限数值的值：{values}",
    "error.capability.negative": "数据第{rows}行中有负值 {values}；统计值必须 >= 0",
    "error.capability.huge": "数据第{rows}行中的值 {values} 大于任何统计值；值最多为{limit:g}（请检查单位）",
    "error.capability.stages": "未知的环节 {stages}；有效环节：{valid:@}",
    "error.capability.dup_pairs": "单位/环节组合 {pairs} 重复；每个单位和环节只能给一次",
    "error.capability.stage_columns": "未知的环节列 {columns}；有效环节：{valid:@}",
    "error.capability.dup_columns": "同一环节出现在多列中：{dups}；每个环节只保留一列",
    "error.capability.dup_rows": "行政区划代码 {codes} 的行重复；每个单位只给一行",
    "error.capability.no_stages": "没有环节列；请每个环节加一列（如 apparel、dyeing）",
    "error.capability.in_column": "列“{column}”：{problem}",
    # --- the planner's OD matrix
    "error.word.od": "起讫点（OD）矩阵",
    "error.od.no_rows": "`path_or_buffer` 没有数据行；应含 origin、destination、cost 列，或为以 adcode 为表头的方阵",
    "error.od.dup_header": "表头中目的地列重复：{columns}",
    "error.od.unknown": "未知的单位代码 {codes}；应为 `units` 中的代码，例如 {examples}",
    "error.od.nonnumeric": "有不是有限数值的成本：{values}",
    "error.od.negative": "有负的成本 {values}；成本必须 >= 0",
    "error.od.dup_pairs": "以下起讫点对给了不止一次：{pairs}",
    "error.od.missing": "缺少{n}个起讫点对，例如 {examples}；每个有序起讫点对都要给出成本",
    # --- the planner's site values
    "error.site.label": "场地适宜性CSV {file}（`path`）",
    "error.site.other_level": "（{codes} 是{other:@level}代码：请用 --level {other}，或改用{level:@level}代码）",
    "error.site.unknown": (
        "未知的{level:@level}行政区划代码 {codes}{more}{hint}；有效的{level:@level}代码是6位数字字符串，例如 {examples}"
        "（完整列表：layers.boundaries.load_boundaries({level!r})[['adcode', 'name_zh']]）"),
    "error.site.unparsable": "`path`“{name}”不是表头为 adcode,site 的UTF-8 CSV：{err}；请另存为“CSV UTF-8”",
    "error.site.columns": "缺少列 {missing}（现有列：{found}）；表头必须是 adcode,site",
    "error.site.no_adcode": "数据第{rows}行没有行政区划代码",
    "error.site.dups": "行政区划代码 {codes} 出现了不止一次；每个单位只给一行",
    "error.site.nonnumeric": "数据第{rows}行中的场地值 {values} 不是数字；请填写0到1之间的数",
    "error.site.outside": "数据第{rows}行中的场地值 {values} 超出0..1；请换算为0（不适宜）.. 1（最适宜）",
    "error.site.no_rows": "没有数据行；请每个单位给一行 adcode,site（未列出的单位取中性占位值）",
    # --- the planner's chain weights
    "error.word.chain": "产业链上下游系数表",
    "error.chain.columns": "`path_or_buffer` 必须含列 {columns}；缺少 {missing}（现有列：{found}）；请补上，每条 供应方 -> 需求方 关系一行",
    "error.chain.stages": "第{rows}行中未知的{col:@chain_col}环节 {stages}；有效环节：{valid:@}",
    "error.chain.nonnumeric": "第{rows}行的 weight 不是有限数值：{values}",
    "error.chain.negative": "第{rows}行的 weight 为负：{values}；系数是 >= 0 的份额",
    "error.chain.self": "第{rows}行中某环节向自身供应；请删除这些行",
    "error.chain.dups": "关系 {pairs} 重复；每条 供应方 -> 需求方 关系只保留一行",
    "error.chain.no_note": "第{rows}行的 note 为空；请写明每个系数的来源或依据",
    "error.chain.sums": "每个需求方各供应方的份额之和必须为1（允许误差{tolerance:g}）；以下不满足：{detail}；请按比例调整这些行",
    "error.join.semicolon": "{head}；{tail}",
    # --- the planner's tables of rows with ids
    "error.table.unparsable": "{name} 不是可读取的CSV（{err}）；请检查文字单元格中逗号的引号",
    "error.table.unreadable": "{name} 无法作为CSV表格读取（{err}）；请另存为“CSV UTF-8”后重试",
    "error.table.dup_columns": "{name} 中列 {columns} 重复；每列只保留一个",
    "error.table.columns": "缺少列 {missing}；该表需要 {required:@}",
    "error.table.columns.optional": "缺少列 {missing}；该表需要 {required:@}（可选：{optional:@}）",
    "error.table.id_empty": "有{n}行的“id”列为空：{rows}；请给每行一个snake_case格式的id",
    "error.table.id_form": "id 必须是snake_case格式（a-z、0-9、_，以字母开头）：{rows}",
    "error.table.id_dups": "id 不唯一：{ids}",
    "error.table.text_empty": "有{n}行的“{col}”列为空：{rows}",
    "error.table.vocab": "“{col}”列在{rows}行中的值为 {values}；请使用以下之一：{allowed:@}",
    "error.table.vocab.blank": "“{col}”列在{rows}行中的值为 {values}；请使用以下之一：{allowed:@}（或留空）",
    "error.table.number_empty": "有{n}行的“{col}”列为空：{rows}；此处需要数字",
    "error.table.number_form": "“{col}”列在以下行中不是有限数值：{rows}；请只写数字，例如 480 或 7.93",
    "error.table.number_low": "“{col}”列必须 {bound}：{rows}",
    "error.table.number_whole": "“{col}”列必须是整数：{rows}",
    "error.table.county_hint": "有效代码是 layers.boundaries.load_boundaries('county') 中的124个县级行政区划代码，例如 441802 清城区",
    "error.table.county_under": "{city} 下辖：{codes}",
    "error.table.county_codes": "有效的县级行政区划代码：{parts}",
    "error.table.city_hint": "有效的地级市行政区划代码：{cities}",
    "error.table.adcode_empty": "有{n}行的“{col}”列为空：{rows}；此处需要6位行政区划代码",
    "error.table.adcode_form": "“{col}”列必须是6位行政区划代码字符串（在电子表格中请把该列设为文本格式）：{rows}",
    "error.table.adcode_form.multi": "“{col}”列必须是以 ; 分隔的6位行政区划代码字符串（在电子表格中请把该列设为文本格式）：{rows}",
    "error.table.adcode_unknown": "“{col}”列：在{rows}行中有未知的{level:@level}行政区划代码 {codes}；{hint}",
    "error.table.county_city": "“{col}”列：县级单位不在该行的 {city_col} 之下：{shown}",
    "error.table.stages_empty": "“{col}”列在{rows}行中为空；请至少写一个环节id：{valid:@}",
    "error.table.stages_unknown": "“{col}”列：在{rows}行中有未知的环节 {stages}；请使用以下id：{valid:@}",
    "error.table.year_form": "“year”列必须是年份（如 2021）或年份区间（如 2017-2018），未注明则留空：{rows}",
    "error.table.year_backwards": "“year”列：年份区间必须由早到晚（2017-2018）：{rows}",
    "error.table.year_range": "“year”列超出1949-2100的范围：{rows}",
    # --- the planner's evidence table
    "error.word.evidence": "产业证据表",
    "error.evidence.no_rows": "{name} 没有数据行；请每个数字一行（adcode、level、stages、measure、value、unit、year、source、quality）",
    "error.evidence.unit": "单位与指标不符：{shown:[]}",
    "error.evidence.unit_one": "{id}：指标 {measure} 的单位是“{unit}”，应为 {allowed}",
    "error.evidence.mention": "“mention”行不应有数值（数字请按其指标另列一行）：{rows}",
    # --- amounts and weights
    "error.amount.nan": "{key}={value} 不是数字",
    "error.amount.negative": "{key}={value} 必须是 >= 0 的有限数值",
    "error.amount.huge": "{key}={value:g} 超过可接受的最大数量，最多为{limit:g}",
    "error.amounts": "`{name}` 无法使用：{problems}；每项请给出 >= 0 的有限数值",
    "error.weights.unknown": "未知的分项 {names}；请使用 {components}",
    "error.weights.zero": "所有权重都为零；请至少给一个分项正的权重",
    "error.weights": "`weights` 无法使用：{problems}",
    "error.weights.no_equals": "`weights` 中的“{part}”没有“=”；请写成 分项=数值，例如 'upstream=0.3,policy=0.4'",
    "error.weights.nan": "`weights` 中的“{part}”：“{value}”不是数字；请写成例如 'upstream=0.3'",
    # --- the AHP pairwise matrix
    "error.ahp.labels": "`matrix` 的行 {rows} 和列 {columns} 必须以相同顺序列出相同的准则；请调整列的顺序",
    "error.ahp.numbers": "`matrix` 只能包含数字：{err}；分数请写成小数（1/3 -> 0.3333），或使用 read_ahp_csv",
    "error.ahp.square": "`matrix` 必须是方阵（n × n），实际形状为 {shape}；每个准则一行一列",
    "error.ahp.too_many": "`matrix` 有{n}个准则；Saaty随机一致性指标只列到{limit}个；请合并准则",
    "error.ahp.positive": "`matrix` 必须全为正数：单元格（{row}, {col}）= {value}；请使用Saaty 1-9标度及其倒数",
    "error.ahp.reciprocal": ("`matrix` 不是互反矩阵：单元格（{row}, {col}）= {a:g}，而（{col}, {row}）= {b:g}"
                             "（乘积为{product:g}，应为1）；请设 a[j, i] = 1 / a[i, j]"),
    "error.ahp.cell": "AHP CSV {where}：“{text}”不是数字或分数；请写成 3、0.5 或 1/3",
    "error.ahp.upper_square": "`upper` 必须是方阵（每个准则一行一列），实际形状为 {shape}",
    "error.ahp.where_cell": "单元格（{row}, {col}）",
    "error.ahp.where_line": "第{line}行“{col}”列",
    "error.ahp.judgement": "{where}：{value:g} 必须是正的判断值（Saaty 1-9或其倒数）",
    "error.ahp.bad_cells": "两两比较矩阵中有错误的单元格：{problems}",
    "error.ahp.empty": "AHP CSV 是空的；应有一行准则作表头，每个准则一行",
    "error.ahp.header": "AHP CSV 表头",
    "error.ahp.line_length": "AHP CSV 第{line}行有{n}个值，应为{expected}个（表头中每个准则一个）",
    "error.ahp.names": "AHP CSV 的行名 {names} 必须与表头 {header} 相同且顺序一致",
    "error.csv.eof_in_string": "从第{row}行开始的引号没有闭合，文件在引号内结束",
    # --- rasters
    "error.raster.missing": "栅格“{name}”不存在（{path}）；请检查文件名",
    "error.raster.not_regular": "栅格“{name}”不是普通文件（而是管道、设备或文件夹）；请先把栅格保存为文件再提供",
    "error.raster.unreadable": "栅格“{name}”不是GDAL能读取的栅格；请另存为GeoTIFF",  # GDAL's English detail left out
    "error.raster.cells": ("它有{cells:,}个像元（{width} × {height}），超过{limit:,}的上限；请先裁剪到广东省范围"
                           "（例如 `gdalwarp -te_srs EPSG:4326 -te 109.3 20.1 117.4 25.6 IN OUT`）或降低分辨率"),
    "error.raster.band": "它有{count}个波段，而请求的是第{band}波段；请选择第1到第{count}波段",
    "error.raster.dtype": "第{band}波段的值类型为{dtype}，应为数值；请导出为整数或浮点数",
    "error.raster.no_crs": ("没有坐标参考系（CRS）；请指定一个，例如 `gdal_edit.py -a_srs EPSG:4326 FILE`"
                            "（或把 .prj/.aux.xml 文件放在它旁边）"),
    "error.raster.transform": "其范围无法转换为经纬度；请检查其坐标系",  # PROJ's English detail left out
    "error.raster.outside": ("与广东省不重叠：其范围为经度 {x0:.3f}..{x1:.3f}、纬度 {y0:.3f}..{y1:.3f}（广东省为经度 "
                             "{bx0}..{bx1}、纬度 {by0}..{by1}）；请检查其坐标系（是否把投影坐标标成了经纬度？），"
                             "或选择广东省的栅格"),
    "error.raster.unusable": "栅格“{name}”无法使用：{problems}",
    "error.raster.resampling": "`resampling` 必须是 {allowed} 之一，实际是 {got}",
    "error.raster.read": "栅格“{name}”无法读取到网格上；请检查它是否是完整的GeoTIFF",  # GDAL's English detail left out
    # --- scenarios
    "error.more": "……另有{n}处",
    "error.word.scenario_name": "方案名称",
    "error.name.type": "{what}必须是文字，实际是{got}",
    "error.name.empty": "{what}为空；请起一个名称，例如“印染转移到揭阳 2024”",
    "error.name.long": "{what}长{n}个字符，上限为{limit}：请缩短",
    "error.name.control": "{what}含有{n}个控制字符或不可见字符，例如第{position}个字符 {char}；请只使用文字、数字、空格和标点",
    "error.name.space": "{what}“{text}”以空格开头或结尾；请删除空格",
    "error.store.did_you_mean": "是否要找 {names}？",
    "error.store.list_names": "可用 `scenario list` 列出所有名称",
    "error.store.no_such": "{path} 中没有名为“{name}”的方案；{hint}",
    "error.store.taken": "{path} 中已有名为“{name}”的方案；请换一个名称，或替换原方案（覆盖）",
    "error.word.scenario_file": "方案文件",
    "error.scenario_file.named": "方案文件 {path}",
    "error.scenario_file.not_file": "{name} 不是文件；请提供 `scenario export` 写出的 .json 文件",
    "error.scenario_file.too_big": "{name} 有{size:,}字节，上限为{limit:,}：大的栅格请按路径保存",
    "error.scenario_file.missing": "{name} 不存在；请检查路径",
    "error.scenario_file.unreadable": "无法读取{name}（{reason}）；请检查其权限",
    "error.scenario_file.bytes": "它有{size:,}字节，上限为{limit:,}",
    "error.scenario_file.not_utf8": "它不是UTF-8文本（第{byte}字节）；方案文件是 `scenario export` 写出的JSON",
    "error.scenario_file.not_json": "它不是有效的JSON（第{line}行第{column}列）：文件不完整或被手工改过？请重新导出",
    "error.scenario_file.bad_json": "它不是有效的方案JSON：{err}",
    "error.scenario_file.unusable_json": "它不是可用的JSON（{kind}）",
    "error.scenario_file.in": "{name}：{err}",
    "error.json.dup_key": "同一对象中键“{key}”出现了两次",
    "error.json.constant": "{token} 不是JSON允许的数字",
    "error.scenario.named": "方案“{name}”",
    "error.link.damaged": "链接中的视图已损坏（不是URL安全的base64 JSON）；请重新复制完整的链接",
    # --- the allocation
    "error.alloc.no_origins": "`origins` 至少要有一个数量 > 0 的转出地，例如 {{'440118': 100}}",
    "error.alloc.no_room": "`room` 至少要有一个带容量的承接地，例如 {{'445281': 60}}",
    "error.alloc.stage": "`fit` 是环节 {fit_stage:@stage} 的结果，而 `stage` 是 {stage:@stage}；请传入同一环节的结果",
    "error.alloc.unknown": ("`room` 中的 {names} 既不是本次结果中的候选{level:@level}单位，也不是地点id；"
                            "请使用粤东、粤西、粤北单位的行政区划代码，或地点图层中的id"),
    "error.alloc.no_location": "{names} 没有位置；请为它们传入 `points`",
    # --- the fit's inputs put together
    "error.inputs": "拟合输入无法使用：{problems}",
    "error.inputs.capability_units": "`capability` 中有不属于{level:@level}图层的单位：{codes}；请使用{level:@level}单位的6位行政区划代码",
    "error.inputs.capability_values": "`capability` 的每个单元格都必须是 >= 0 的数；空缺请填0",
    "error.inputs.chain_stages": "`chain` 中的环节 {unknown} 在产业能力矩阵中没有（现有：{stages}）",
    "error.inputs.cost_units": "`{label}` 缺少单位 {codes}（共{n}个）；每个单位都要有一行一列",
    "error.inputs.designation_columns": "`designations` 缺少列 {missing}；应有 {expected}",
    "error.inputs.site_values": "`site` 中给出的每个单位的值都必须在0..1之间",
    "error.site_scores.label": "场地得分表 {name}",
    "error.site_scores.columns": "缺少列 {missing}（应有 {expected}）",
    "error.site_scores.values": "{col} 必须为空或0..1之间的数；数据第{rows}行有误",
    "error.site_scores.dups": "（adcode, stage）重复：{pairs}",
    # --- suitability options
    "error.suit.resolution": "`--resolution` 必须是以米为单位的像元大小，例如 1000、250 或 100，实际是 {got}",
    "error.suit.coarse": "`--resolution` {r:g} 米比{limit:g}米还粗，小的区县将没有像元；请使用 1000（默认）、250 或 100",
    "error.suit.fine": ("`--resolution` {r:g} 米比{limit:g}米还细，而{limit:g}米是内存中能计算的最细分辨率（全省4600万个像元）；"
                        "请使用 100、250 或 1000，或用 --chunks 2048 分块计算（dask）"),
    "error.suit.criterion": ("`--criterion` 必须写成 名称=文件（例如 slope_deg=slope.tif；新准则写成 "
                             "noise_db=noise.tif,method=small,breakpoints=45;70,weight=0.1），实际是 {got}"),
    "error.suit.criterion_key": "`--criterion {name}`：“{item}”不是 键=值 的形式，或键不在 {keys:@} 之中",
    "error.suit.criterion_number": "`--criterion {name}`：{key} 的值“{value}”不是数字",
    "error.suit.stage": "`stage`“{stage}”未知；请使用 {stages} 之一",
    "error.suit.adcode": "`adcode`“{adcode}”不是本结果中的{level:@level}单位；请选择其中的单位，例如 {example}",
    "error.suit.not_kept": "未保留各准则的栅格（网格超过1000万个像元）；请以250米或更粗的分辨率计算",
    # --- fonts
    "error.font.missing": ("没有安装能显示中文的字体（查找过 {families} 等）；请用 `sudo apt-get install fonts-noto-cjk` "
                           "安装（或运行 `bash scripts/setup.sh`），然后删除 {cache} 中matplotlib的字体缓存并重启"),
    # --- a scenario's settings read back
    "error.settings.number": "settings.{key} 必须是{low:g}到{high:g}之间的数，实际是 {got}",
    "error.settings.whole": "settings.{key} 必须是{low:g}到{high:g}之间的整数，实际是 {got}",
    "error.settings.codes": "settings.{key} 必须是行政区划代码（文字）的列表，实际是 {got}",
    "error.settings.pairs": "settings.{key} 必须是 [代码, 数量 >= 0] 对的列表，实际是 {got}",
    "error.settings.choice": "settings.{key} 为 {got}；必须是 {options:@} 之一",
    "error.settings.unknown": "本版本不使用设置 {unknown}（可用的有 {known:@}）；请删除它们，或重新保存方案",
    "error.settings.weights": "settings.weights 必须把各分项映射为 >= 0 的数，实际是 {got}",
    "error.settings.components": "权重中的分项 {gone} 已不存在；现有分项为 {components:@}",
    "error.settings.text": "settings.{key} 必须是文字，实际是 {got}",
    "error.settings.transfer_to": "settings.transfer_to 必须是行政区划代码（文字）或 null，实际是 {got}",
    "error.settings.stage_gone": "环节“{stage}”已不存在；现有环节为 {stages:@}",
    "error.settings.units_gone.county": "{key} 中的 {codes} 已不是广东省的县级单位；请选择现有的单位（如 440118 这样的行政区划代码）",
    "error.settings.units_gone.county.one": "{key} 中的 {codes} 已不是广东省的县级单位；请选择现有的单位（如 440118 这样的行政区划代码）",
    "error.settings.units_gone.city": "{key} 中的 {codes} 已不是广东省的地级市；请选择现有的单位（如 440118 这样的行政区划代码）",
    "error.settings.units_gone.city.one": "{key} 中的 {codes} 已不是广东省的地级市；请选择现有的单位（如 440118 这样的行政区划代码）",
    "error.settings.room_gone.county": "room 中的 {codes} 既不是县级单位，也不是能承接 {stage:@stage} 的地点",
    "error.settings.room_gone.city": "room 中的 {codes} 既不是地级市，也不是能承接 {stage:@stage} 的地点",
    "error.settings.roles": "本研究不读取表格角色 {roles}；可用的角色为 {known:@}",
    "error.settings.rasters": ("settings.rasters 必须是 {{dem: 路径或 null, criterion: [NAME=FILE,...], resolution: "
                               "米数或 null}}，实际是 {got}"),
    # --- a scenario file's document
    "error.word.the_file": "文件",
    "error.doc.object": "{where} 必须是对象，实际是{got}",
    "error.doc.unknown_keys": "未知的键 {keys}",
    "error.doc.missing_keys": "缺少键 {keys}",
    "error.doc.keys": "{where}：{problems}",
    "error.doc.type": "{where} 的类型不对（{got}）",
    "error.doc.base64": "{where} 不是有效的base64（被改动过或不完整？）",
    "error.doc.sha256": "{where}：数据与其sha256不符（被改动或已损坏）；请重新导出方案",
    "error.doc.size": "{where}.size 写的是 {size}，而数据有{n}字节",
    "error.doc.format": "format 为 {got}，应为“{expected}”：这不是方案文件",
    "error.doc.version": "format_version 必须是从1起的整数，实际是 {got}",
    "error.doc.newer": ("format_version {version} 比本程序能读取的版本（{reads}）更新：请更新 gd-textile-planner，"
                        "或在新版本中按旧格式重新导出方案"),
    "error.doc.areas_sha256": "{where}（{name}）：多边形与其sha256不符（被改动或已损坏）",
    "error.doc.raster_size": "data_base64 为 null 时，{where}.size 也必须为 null",
    "error.doc.raster_sha": "{where}.sha256 必须是64位小写十六进制数字",
    # --- a scenario record
    "error.record.settings_type": "settings 必须是映射，实际是{got}",
    "error.record.stage": "settings.stage 必须是环节id，例如 'dyeing'，实际是 {got}",
    "error.record.origin": "settings.origin 必须是行政区划代码或名称（文字），实际是 {got}",
    "error.record.origins": "settings.origins 必须是行政区划代码（文字）的列表，实际是 {got}",
    "error.record.settings_size": "设置写成JSON有{size:,}字节，上限为{limit:,}：大的输入请作为表格附上",
    "error.record.table": "第{i}个表格",
    "error.record.table_role": "{where}的角色为“{role}”；可用角色为 {roles:@}",
    "error.record.table_twice": "{where}：有两个表格的角色都是“{role}”；请只保留一个",
    "error.record.table_size": "{where}（{role}）有{size:,}字节，上限为{limit:,}",
    "error.record.table_sha": "{where}（{role}，{file}）与其sha256不符：数据被改动或已损坏",
    "error.record.file_name_type": "{where}的 file_name 必须是文字，实际是{got}",
    "error.record.file_name": "{where}的 file_name",
    "error.record.file_name_path": "{where}的 file_name“{name}”是路径；请只给文件名，例如“{bare}”",
    "error.record.areas_crs": "排除区域“{name}”没有坐标系；保存方案前请先设置（例如 EPSG:4326）",
    # --- the scenario store
    "error.doing.saving": "保存“{name}”",
    "error.doing.listing": "列出方案",
    "error.doing.looking_up": "查找名称",
    "error.doing.reading": "读取“{name}”",
    "error.doing.renaming": "重命名“{name}”",
    "error.doing.duplicating": "复制“{name}”",
    "error.doing.deleting": "删除“{name}”",
    "error.doing.checking": "检查方案库",
    "error.doing.opening": "打开方案库",
    "error.doing.creating": "创建方案库",
    "error.store.blob_sha": "方案“{name}”的{kind}“{role}”与其sha256不符",
    "error.store.closed": "方案库 {path} 已关闭；请用 open_store() 重新打开",
    "error.store.order": "`order` 必须是 'name' 或 'updated'，实际是 {got}",
    "error.store.damaged": ("方案库 {path} 已损坏（{detail}）；文件保持原样未动。请先备份，然后用 "
                            "`sqlite3 {path} .recover | sqlite3 recovered.sqlite` 恢复其中内容，或用 --store NEW_PATH"
                            "（或环境变量 {env}）新建方案库"),
    "error.store.while": "{doing}时出错（SQLite：{err}）",
    "error.store.busy": "方案库 {path} 正忙：{doing}时另一个会话锁定超过了等待时间（默认{timeout:g}秒）；未作任何改动，请重试",
    "error.store.full": "{doing}时方案库 {path} 所在的磁盘已满；未作任何改动：请腾出空间",
    "error.store.read_only": "{doing}时方案库 {path} 是只读的；未作任何改动：请检查其权限",
    "error.store.cannot_open": "无法打开方案库 {path}；请检查路径和所在文件夹的权限",  # SQLite's English detail left out
    "error.store.failed": "{doing}时方案库 {path} 出错（SQLite：{err}）；未作任何改动",
    "error.store.folder": "方案库 {path} 是文件夹；请给出文件路径，例如 {example}",
    "error.store.unreadable": "无法读取方案库 {path}（{reason}）；请检查其权限",
    "error.store.empty": ("{path} 是空文件，不是方案库；文件保持原样未动。请用 --store 或 {env} 给出方案库的路径"
                          "（或一个尚不存在的文件路径，以新建方案库）"),
    "error.store.not_sqlite": ("{path} 不是SQLite文件，不是方案库；文件保持原样未动。请用 --store 或 {env} 给出方案库的路径"
                               "（或一个尚不存在的文件路径，以新建方案库）"),
    "error.store.cut_header": "文件头不完整",
    "error.store.folder_read_only": "方案库 {path}（或其所在文件夹）是只读的；方案库需要在旁边写文件：请检查权限，或把它复制到可写的位置",
    "error.store.cut_short": "文件不完整：文件头记录了{pages}页、每页{page_size}字节（共{total:,}字节），而文件只有{size:,}字节",
    # --- exclusions applied
    "error.exclusion.everything": (
        "排除区域 {names} 覆盖了所有承接单位（粤东、粤西、粤北的{n}个{level:@level}单位中有{n}个至少{share:.0%}的面积在"
        "排除区域内）：没有可排序的单位了；请检查文件中是否就是排除区域的多边形本身（一个包住全省的框会排除一切），"
        "或调高 --exclude-share（排除所需的面积比例）"),
    "error.exclusion.areas_no_crs": "排除区域没有坐标系：shapefile需要附带 .prj 文件；请补上或设置坐标系",
    "error.exclusion.min_share": "`min_share` 必须在 (0, 1] 之内，实际是 {got}；0.5 表示排除至少一半面积在排除区域内的单位",
    "error.record.deep": "{where} 的嵌套超过{limit}层",
    "error.record.surrogate": "{where} 含有无法保存为UTF-8的孤立代理字符",
    "error.record.nonfinite": "{where} 为 {value}；只能保存有限数值",
    "error.record.key_type": "{where} 的键 {key}（{got}）不是文字；键必须是文字",
    "error.record.key_surrogate": "{where} 有一个键含有无法保存为UTF-8的孤立代理字符",
    "error.record.not_json": "{where} 是 {got}，不是JSON；请使用文字、数字（numpy的值请用 float() 或 int() 转换）、true/false、null、列表或映射",
    "error.record.crs": "不是坐标参考系；请给出例如 'EPSG:4326'",  # pyproj's English detail left out
    "error.record.no_polygons": "{where}没有多边形；请删除该图层，或至少给出一个多边形",
    "error.record.wkb": "{where}：第{rows}个几何图形不是有效的WKB",
    "error.record.not_polygon": "{where}：第{rows}个几何图形不是非空的多边形或多多边形",
    "error.record.area": "第{i}个排除区域图层",
    "error.record.raster": "第{i}个栅格",
    "error.record.expected": "{where}的类型为 {got}，应为 {cls}",
    "error.record.area_text": "{where}的名称和坐标系必须是文字",
    "error.record.area_name": "{where}的名称",
    "error.record.area_twice": "{where}：有两个排除区域图层都叫“{name}”；请重命名其中一个",
    "error.record.area_crs": "{where}（{name}）的坐标系“{crs}”{problem}",
    "error.record.area_geoms": "{where}（{name}）的几何图形必须是WKB字节的元组",
    "error.record.area_sha": "{where}（{name}）与其sha256不符：多边形被改动或已损坏",
    "error.record.where_named": "{where}（{name}）",
    "error.record.raster_role": "{where}的角色 {role} 必须是小写id，例如 'dem' 或 'exclusion_mask'",
    "error.record.raster_twice": "{where}：有两个栅格的角色都是“{role}”；请只保留一个",
    "error.record.bytes": "{where}（{role}）的数据必须是字节，实际是{got}",
    "error.record.raster_path": "{where}（{role}）的路径必须是不含控制字符的文字，最多{limit}个字符",
    "error.record.raster_sha_form": "{where}（{role}）的sha256必须是64位小写十六进制数字",
    "error.record.raster_size": "{where}（{role}）有{size:,}字节，上限为{limit:,}：请按路径保存",
    "error.record.raster_nothing": "{where}（{role}）既没有数据也没有路径；请给出其一",
    "error.record.raster_missing": "{where}（{role}）的文件 {path} 不存在，且未给出sha256",
    "error.record.time_form": "{what} 必须是UTC时间，例如 2024-05-01T08:00:00Z，实际是 {got}",
    "error.record.time_real": "{what}“{value}”不是真实存在的日期和时间",
    "error.record.data_versions": "data_versions 必须把数据集名称（文字）映射为版本（文字）",
    "error.record.dv_key": "data_versions 的键“{key}”",
    "error.record.dv_value": "data_versions[“{key}”]",
    "error.record.tuple": "{what} 必须是元组，实际是{got}",
    # --- comparisons and exports
    "error.compare.two": "比较需要两个或更多方案，实际只有{n}个；请指定一个基准方案和至少一个其他方案",
    "error.compare.levels": "方案“{a}”（{level_a:@level}）和“{b}”（{level_b:@level}）排序的是不同层级的单位；请比较同一层级的方案",
    "error.compare.against": "`against` 必须是除基准方案外的某个被比较方案（{names}），或其序号 1..{last}，实际是 {got}",
    "error.export.no_fit": "GeoTIFF导出包含得分栅格：请先进行拟合（命令行：加上 --stage 和 --origin）",
    "error.export.nothing": "没有可导出的内容：请选择一些图层和/或先进行拟合（命令行：--layers，或 --stage 加 --origin）",
    "error.store.cannot_create": "无法创建方案库 {path}（{reason}）；请检查文件夹及其权限",
    "error.store.other_program": "{path} 是其他程序的SQLite数据库，不是方案库；文件保持原样未动。请用 --store 或 {env} 给出另一个路径",
    "error.store.newer": ("方案库 {path} 由更新版本的 gd-textile-planner 写入（结构版本{version}；本程序最多读取到{reads}）；"
                          "文件保持原样未动。请更新 gd-textile-planner，或用 --store 或 {env} 使用另一个方案库"),
}

#: Ids that read as words in messages: ``note_label.<kind>.<id>`` (as in outputs/text/notes.py).
LABELS: dict[str, tuple[str, str]] = {
    "note_label.level.county": ("县级", "county"),
    "note_label.level.city": ("地级市", "city"),
    "note_label.chain_col.supplier": ("供应方（supplier）", "supplier"),
    "note_label.chain_col.customer": ("需求方（customer）", "customer"),
}


TEXT: dict[str, tuple[str, str]] = {
    **pair_with_english(ZH, ERRORS, part="outputs/text/errors.py", source="geo.error_texts.ERRORS"), **LABELS}
