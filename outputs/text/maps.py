"""Catalogue part: maps text, key -> (zh, en); merged by :mod:`outputs.text`.

The web map (:mod:`outputs.webmap`: basemaps, popup field labels), the transfer-fit
overlays (:mod:`outputs.fitmap`) and the report's static maps (:mod:`outputs.maps`), under
keys starting ``maps.``. Popup headers that are also table headers (name, rank, score,
region, origin, amount, cost) are the ``col.`` keys of the app part.
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # basemaps, by id (outputs.webmap.BASEMAPS)
    "maps.basemap.none": ("无底图（离线）", "No basemap (offline)"),
    "maps.basemap.osm": ("OpenStreetMap", "OpenStreetMap"),
    "maps.basemap.gaode": ("高德地图（GCJ-02，图层已随之偏移）", "Gaode / AMap (GCJ-02; layers shifted to match)"),
    # tile attributions (outputs.webmap; Leaflet's prefix carries no flag)
    "maps.attr.osm": ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者',
                      '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
    "maps.attr.gaode": ("&copy; 高德地图 AutoNavi（GCJ-02）", "&copy; Gaode / AutoNavi (GCJ-02)"),
    # the web map's own controls (outputs/webmap.js)
    "maps.ui.legend": ("图例", "Legend"),
    "maps.ui.here": ("此处共有 {n} 个要素（点击标题展开）", "{n} features here (click a title to open it)"),
    "maps.ui.search": ("搜索：地名、拼音、代码、镇街", "Search: name, pinyin, code, town"),
    "maps.ui.no_match": ("没有找到", "Nothing found"),
    "maps.ui.empty": ("未选择图层", "No layer shown"),
    # location precision of a point (places, transfer parks, dyeing centres)
    "maps.precision.site": ("实址", "site"),
    "maps.precision.town": ("镇街驻地（代替）", "town centre (stand-in)"),
    "maps.precision.county": ("县级政府驻地（代替）", "county seat (stand-in)"),
    "maps.precision.city": ("市政府驻地（代替）", "city government (stand-in)"),
    # popup field labels of the policy layers, by column
    "maps.field.name_zh": ("名称", "Name (zh)"),
    "maps.field.name_en": ("英文名", "Name (en)"),
    "maps.field.what": ("类别", "What it is"),
    "maps.field.role": ("定位", "Role"),
    "maps.field.members": ("成员城市", "Member cities"),
    "maps.field.stages": ("产业链环节", "Chain stages"),
    "maps.field.adcode": ("行政区划代码", "Admin code"),
    "maps.field.area_km2": ("多边形面积（km²，按边界计算，非官方统计）", "Polygon area (km², computed from the outline, not the official figure)"),
    "maps.field.clause": ("政策条款", "Clause"),
    "maps.field.location_precision": ("定位精度", "Location precision"),
    "maps.field.note": ("说明（数据原文为英文）", "Note"),
    "maps.field.source": ("来源", "Source"),
    # transfer-fit overlays
    "maps.fit.score": ("承接适宜性得分", "Transfer-fit score"),
    "maps.fit.ineligible": ("不符合条件（约束或排除）", "Not eligible (constraint or exclusion)"),
    "maps.fit.reason": ("说明", "Why"),
    "maps.fit.flows": ("产能转移流向", "Capacity flows"),
    "maps.fit.flow_width": ("线宽与转移量成正比（最粗 = {top}）", "Line width by amount (widest = {top})"),
    "maps.fit.from": ("转出", "From"),
    "maps.fit.to": ("承接", "To"),
    "maps.fit.exclusion": ("排除区域", "Exclusion areas"),
    "maps.fit.exclusion_drawn": ("排除区域（合并显示，误差不超过 {m} 米）", "Exclusion areas (drawn merged, within {m} m)"),
    # static maps of the report
    "maps.static.layout": ("广东纺织服装产业布局（一群两极三区）",
                           "Guangdong textile & apparel layout (one cluster, two poles, three zones)"),
    "maps.static.north": ("北", "N"),
    "maps.static.none": ("不符合条件 / 无数据", "Not eligible / no data"),
    "maps.static.km": ("公里", "km"),
    "maps.static.top": ("得分最高的 {n} 个单位（排名、名称、得分）", "The {n} best units (rank, name, score)"),
    # charts (outputs.charts)
    "maps.chart.components": ("前 {n} 名承接地的得分构成（权重 × 分项）", "What the {n} best destinations' scores are made of (weight × component)"),
    "maps.chart.components_x": ("综合得分（各段之和）", "Score (the segments add up to it)"),
    "maps.chart.odds": ("权重扰动下排名第一与进入前三的比例（{n} 次抽样）",
                        "Share of {n} perturbed-weight draws ranking each destination first and in the top three"),
    "maps.chart.completeness": ("产业链完整度：转移后的状态（粗框：转移前→转移后有变化）",
                                "Chain completeness after the transfer (bold frame: before → after changed)"),
    "maps.chart.status.present": ("有", "present"),
    "maps.chart.status.thin": ("弱", "thin"),
    "maps.chart.status.missing": ("缺", "missing"),
    "maps.chart.changed": ("有变化", "changed"),
    "maps.chart.flows": ("产能分配流向：共 {total} 个单位，{n} 条流向（线宽与转移量成正比）",
                         "Capacity allocation: {total} units in {n} flows (line width by amount)"),
    "maps.chart.flows_key": ("从 {origin} 转出，承接地与转移量：", "Leaving {origin}; destinations and amounts:"),
    "maps.chart.caption.components": ("图：前十名承接地的得分构成。每段为一个分项乘以其权重，各段之和即综合得分。",
                                      "Figure: what the ten best destinations' scores are made of; each segment is a "
                                      "component times its weight, and the segments add up to the score."),
    "maps.chart.caption.odds": ("图：敏感性分析中各承接地排名第一与进入前三的比例。",
                                "Figure: how often each destination ranks first and in the top three under perturbed "
                                "weights."),
    "maps.chart.caption.completeness": ("图：各区产业链各环节在转移后的状态，粗框标出因转移而改变的环节。",
                                        "Figure: each zone's chain stages after the transfer; a bold frame marks a "
                                        "stage the transfer changes."),
    "maps.chart.caption.flows": ("图：产能分配流向，线宽与转移量成正比。",
                                 "Figure: the capacity allocation; line width by amount."),
    # raster suitability surface (outputs.suitability_map)
    "maps.suit.title": ("用地适宜性：{stage}（{res} 米栅格）", "Site suitability: {stage} ({res} m)"),
    "maps.suit.restricted": ("限制区（规则排除）", "Restricted (a rule removed it)"),
    "maps.suit.nodata": ("无数据", "No data"),
}
