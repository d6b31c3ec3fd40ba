"""Catalogue part: app text, key -> (zh, en); merged by :mod:`outputs.text`.

Every label, caption and message of the Streamlit pages (``app.py`` and ``pages/``), under
keys starting ``app.``; column headers shared by the app's tables and the map popups under
``col.``. Widget values stay ids; only their labels are looked up here.
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "lang.name": ("中文", "English"),
    # frame: title, language, basemap, pages
    "app.page_title": ("广东纺织服装产业布局规划 | GD textile layout planner",
                       "广东纺织服装产业布局规划 | GD textile layout planner"),
    "app.title": ("广东纺织服装产业布局与转移适配规划工具", "Guangdong textile & apparel layout and transfer-fit planner"),
    "app.subtitle": (
        "依据《关于进一步推动纺织服装产业高质量发展的实施意见》（粤工信消费函〔2023〕2号）：一群两极三区",
        "Per the 2023 Guangdong textile & apparel policy (粤工信消费函〔2023〕2号): one cluster, two poles, three zones",
    ),
    "app.lang": ("语言 / Language", "语言 / Language"),
    "app.basemap": ("底图", "Basemap"),
    "app.page_layout": ("布局地图", "Layout map"),
    "app.page_fit": ("转移承接适配", "Transfer fit"),
    "app.choose": ("选择…", "Choose…"),
    # layout page
    "app.layers": ("图层", "Layers"),
    "app.panel_layer": ("列出要素的图层", "List the features of"),
    "app.features": ("要素列表", "Features"),
    "app.n_features": ("共 {n} 个要素", "{n} features"),
    "app.precision_note": (
        "点位精度见“定位精度”：site=园区实址，town=镇街，county=县级政府驻地（代替），city=市政府驻地（代替）。",
        "See 'Location precision': site = the park itself, town = town centre, county = county seat (stand-in), "
        "city = city government (stand-in).",
    ),
    # transfer-fit page: choices
    "app.fit_intro": (
        "选择要转出的环节和转出地，设置权重，查看粤东、粤西、粤北各地的承接适宜性排名及其依据（§4 有序转移）。",
        "Choose the stage that has to move and where it leaves from, set the weights, and see how well each unit of "
        "East, West and North Guangdong fits, and why (§4 orderly transfer).",
    ),
    "app.level": ("分析单元", "Units"),
    "app.level.county": ("县级", "County"),
    "app.level.city": ("地级市", "City"),
    "app.stage": ("转出环节", "Stage"),
    "app.origin": ("转出地（珠三角）", "Origin (Pearl River Delta)"),
    "app.candidates": ("候选承接地", "Candidate destinations"),
    "app.candidates.receiving": ("粤东粤西粤北", "East, West, North"),
    "app.candidates.all": ("全省（除转出地）", "All but the origin"),
    "app.half_life": ("行程时间衰减半衰期（小时，假设）", "Travel-time half-life (hours by road, assumption)"),
    "app.network": ("交通成本", "Travel costs"),
    "app.network.road": ("道路网络（公里与小时）", "Road network (km and hours)"),
    "app.network.adjacency": ("相邻单位直线连接（偏低）", "Adjacent units, straight lines (underestimates)"),
    "app.dyeing_parks": ("另有合格印染园区的单位（§19，规划者假设）",
                         "Units with a qualifying dyeing park (§19, your assumption)"),
    "app.exclude": ("排除的单位（如生态保护红线）", "Units to exclude (e.g. ecological red line)"),
    # weights
    "app.weights": ("权重", "Weights"),
    "app.weights_mode": ("设定方式", "Set by"),
    "app.weights_mode.sliders": ("滑块", "Sliders"),
    "app.weights_mode.ahp": ("层次分析法（AHP）", "AHP pairwise matrix"),
    "app.weights_default_note": ("默认权重为可修改的假设：", "The default weights are an editable assumption: "),
    "app.weights_used": ("归一化后的权重", "Normalised weights used"),
    "app.ahp_help": (
        "第 i 行第 j 列：分项 i 比分项 j 重要几倍（1–9 标度，可填 1/3）；只需填写上三角，下三角自动取倒数。也可上传 CSV。",
        "Row i, column j: how many times more important component i is than j (Saaty 1–9, e.g. 1/3). Fill the upper "
        "triangle; the lower one is its reciprocal. Or upload a CSV.",
    ),
    "app.ahp_upload": ("上传两两比较矩阵 CSV", "Upload a pairwise matrix CSV"),
    "app.ahp_cr": ("一致性比率 CR = {cr:.3f}（λmax = {lam:.3f}）", "Consistency ratio CR = {cr:.3f} (λmax = {lam:.3f})"),
    # the source named in the fit's (English) assumptions when the matrix was typed in
    "app.ahp_typed": ("在应用中输入的两两比较矩阵", "the pairwise matrix typed in the app"),
    # input files
    "app.inputs": ("替换输入数据（可选）", "Replace input data (optional)"),
    "app.inputs_default": (
        "默认：产业能力由政策条款和产业证据（data/model/evidence.csv）推导（非统计数据）；成本为道路网络上的公里和小时"
        "（data/network）；产业链权重为 data/model/chain_edges.csv 中的假设。",
        "Default: capability derived from the policy's clauses and the industry evidence (data/model/evidence.csv), not "
        "statistics; cost = km and hours over the road network (data/network); chain weights = the assumptions in "
        "data/model/chain_edges.csv.",
    ),
    "app.up.capability": ("产业能力 CSV（产值、就业或企业数，按单位和环节）",
                          "Capability CSV (output, employment or firms by unit and stage)"),
    "app.up.od": ("起讫成本矩阵 CSV（时间或费用）", "Origin-destination cost matrix CSV (time or cost)"),
    "app.up.site": ("用地条件 CSV（adcode,site，0–1；未列单位取中性值 0.5）",
                    "Site CSV (adcode,site in 0–1; units not listed keep the neutral 0.5)"),
    "app.up.chain": ("产业链权重 CSV（supplier,customer,weight,note；每个下游环节的权重之和为 1）",
                     "Chain weights CSV (supplier,customer,weight,note; each customer's shares sum to 1)"),
    "app.up.evidence": ("产业证据 CSV（place,adcode,level,stages,measure,value,unit,year,source,quality）",
                        "Industry evidence CSV (place,adcode,level,stages,measure,value,unit,year,source,quality)"),
    "app.up.exclusion": ("排除区域（如生态保护红线；zip 打包的 Shapefile、GeoPackage、GeoJSON）",
                         "Exclusion areas (e.g. ecological red line; zipped Shapefile, GeoPackage, GeoJSON)"),
    "app.excl_share": ("单位面积落入排除区域达到此比例即排除（假设）",
                       "Exclude a unit when this share of its area is inside (assumption)"),
    # results
    "app.ranked": ("承接地排名（各分项 0–1）", "Ranked destinations (components 0–1)"),
    "app.map_caption": (
        "颜色：综合得分（五级等距）；灰色：不符合约束或被排除；红框：转出地；橙线：产能分配流向。",
        "Colour: score (five equal classes); grey: not eligible or excluded; red outline: origin; orange lines: "
        "allocation flows.",
    ),
    "app.summary": ("{stage}从{origin}转出：{n}个候选单位中 {k} 个符合条件，最适合的是 {top}（得分 {score:.2f}）。",
                    "{stage} leaving {origin}: {k} of {n} candidate units are eligible; the best fit is {top} "
                    "(score {score:.2f})."),
    "app.none_eligible": ("没有符合条件的承接地：排名表的“排除原因”列出每个单位被排除的原因；可放宽排除条件或换一个环节。",
                          "No destination is eligible: the ranked table's 'Excluded because' says why for each unit; "
                          "relax the exclusions or choose another stage."),
    "app.dest": ("查看承接地", "Destination to explain"),
    "app.explain": ("为什么是这里", "Why here"),
    "app.sens": ("敏感性（权重扰动）", "Sensitivity (perturbed weights)"),
    "app.sens_draws": ("扰动次数", "Draws"),
    "app.sens_seed": ("随机种子", "Seed"),
    "app.sens_note": (
        "在所选权重附近按 Dirichlet 分布抽样（集中度 50，假设），统计各地排名第一和进入前三的比例。",
        "Weights drawn from a Dirichlet around the chosen ones (concentration 50, an assumption); share of draws in "
        "which each destination ranks first and in the top three.",
    ),
    "app.comp": ("产业链完整度（§5 补链）", "Chain completeness (§5 chain completion)"),
    "app.comp_share": ("转移比例（转出地该环节能力的份额）", "Share of the origin's capacity moved"),
    "app.comp_by": ("分组", "Group by"),
    "app.comp_by.zone": ("三区", "Zones"),
    "app.comp_by.region": ("四大区域", "Regions"),
    "app.comp_note": (
        "有：已形成；弱：存在但不强；缺：没有（弱和缺为§5 补链目标）。“甲→乙”为把该环节转到“{dest}”后的变化。",
        "present: established; thin: present but weak; missing: absent (thin and missing are §5 targets). "
        "'a→b' is the change if the stage moves to {dest}.",
    ),
    "app.alloc": ("产能分配（最小成本流）", "Capacity allocation (min-cost flow)"),
    "app.alloc_note": (
        "默认：转出 100 个单位，前五名承接地各可容纳 50——均为示例假设，请按实际修改。可用园区 id：{ids}",
        "Default: 100 units leave, each of the top five destinations has room for 50 — example assumptions, edit them. "
        "Park ids you can use: {ids}",
    ),
    "app.alloc_ok": ("已全部安排：{total:g} 个单位，{m} 条流向。", "All placed: {total:g} units in {m} flows."),
    "app.alloc_short": ("容量不足：还有 {short:g} 个单位无处安排。请增加承接地或容量。",
                        "Not enough room: {short:g} units found no place. Add destinations or room."),
    "app.alloc_empty": ("填写至少一个转出地（数量 > 0）和一个承接地。",
                        "Give at least one origin (amount > 0) and one destination."),
    "app.basis": ("依据：假设、参数与数据来源", "Basis: assumptions, parameters and sources"),
    "app.assumptions": ("假设（可修改）", "Assumptions (editable)"),
    "app.sources": ("数据来源（含版本）与条款", "Sources (with version) and clauses"),
    "app.command": ("复现命令", "Command that reproduces this"),
    # report and export
    "app.report": ("报告：承接适宜性", "Report: relocation suitability"),
    "app.report_intro": (
        "报告内容与“转移承接适配”页当前的选择一致：{stage}，转出地 {origin}。",
        "The report follows the current choices of the Transfer fit tab: {stage} leaving {origin}.",
    ),
    "app.report_alloc": ("包含产能分配", "Include the allocation"),
    "app.report_sens": ("包含敏感性分析", "Include the sensitivity analysis"),
    "app.dl_html": ("下载报告 HTML", "Download report (HTML)"),
    "app.dl_pdf": ("下载报告 PDF", "Download report (PDF)"),
    "app.no_font": ("无法生成 PDF：{err}", "Cannot make the PDF: {err}"),
    "app.export": ("GIS 导出", "GIS export"),
    "app.export_crs": ("坐标系", "CRS"),
    "app.export_layers": ("导出的图层", "Layers to export"),
    "app.export_fit": ("包含得分（面、表、栅格）与分配流向", "Include the scores (polygons, table, raster) and flows"),
    "app.export_res": ("得分栅格分辨率（米）", "Score raster cell size (m)"),
    "app.export_note": (
        "文件先写入临时文件再改名；Shapefile 带 .prj 和 UTF-8 .cpg，字段名对照表见 zip 内。",
        "Files are written to a temporary name and renamed; Shapefiles carry a .prj and a UTF-8 .cpg, with a field-name "
        "map in the zip.",
    ),
    "app.dl_export": ("下载 {what}", "Download {what}"),
    "app.fmt.all": ("全部（zip）", "Everything (zip)"),
    "app.fmt.gpkg": ("GeoPackage", "GeoPackage"),
    "app.fmt.shp": ("Shapefile（zip）", "Shapefile (zip)"),
    "app.fmt.geojson": ("GeoJSON（zip）", "GeoJSON (zip)"),
    "app.fmt.csv": ("CSV（zip）", "CSV (zip)"),
    "app.fmt.tif": ("GeoTIFF 得分栅格", "GeoTIFF score raster"),
    # column headers: the app's tables; name, rank, score, region, origin, amount and cost also head map popups
    "col.rank": ("排名", "Rank"),
    "col.name": ("名称", "Name"),
    "col.name_en": ("英文名", "Name"),
    "col.adcode": ("代码", "Code"),
    "col.region": ("区域", "Region"),
    "col.policy_clauses": ("条款", "Clauses"),
    "col.excluded_reason": ("排除原因", "Excluded because"),
    "col.p_first": ("排名第一比例", "Ranks first"),
    "col.p_top3": ("进入前三比例", "In top three"),
    "col.mean_rank": ("平均排名", "Mean rank"),
    "col.origin": ("转出地", "Origin"),
    "col.destination": ("承接地", "Destination"),
    "col.amount": ("转移量", "Amount"),
    "col.cost": ("单位成本（1000×(1−得分)）", "Unit cost (1000×(1−score))"),
    "col.score": ("得分", "Score"),
    "col.room": ("可容纳量", "Room"),
    "col.group": ("分组", "Group"),
}
