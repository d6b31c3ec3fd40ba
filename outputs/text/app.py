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
    "app.page_suit": ("用地适宜性栅格", "Site suitability"),
    # suitability page (app_pages/suitability.py)
    "app.suit_intro": (
        "各环节用地适宜性栅格：距港口、机场、干线公路、铁路和相关园区的距离，坡度，城镇建设用地，以及您自己的栅格，按权重叠加为0–1（1最佳）。"
        "各单位的平均值即转移适配中的“场地条件”分项。内置高程仅5′（约9公里、28米一级），坡度远比实地平缓：请上传自己的DEM。",
        "A stage's site suitability over Guangdong: distances to ports, airports, trunk roads, rail and related parks, "
        "slope, urban land and your own rasters, overlaid by weight into 0–1 (1 best). Each unit's mean is the site "
        "component of the transfer fit. The embedded elevation is only 5' (about 9 km, in 28 m steps), so slopes are "
        "far gentler than on the ground: upload your own DEM.",
    ),
    "app.suit_res": ("栅格分辨率", "Cell size"),
    "app.suit_origin": ("转出地（加入距转出地准则）", "Origin (adds the distance to it)"),
    "app.suit_no_origin": ("不设转出地", "No origin"),
    "app.suit_own": ("您自己的栅格和排除区域", "Your own rasters and exclusion areas"),
    "app.suit_dem": ("DEM（GeoTIFF，任意坐标系）", "DEM (GeoTIFF, any CRS)"),
    "app.suit_crit_name": ("替换的准则", "Criterion to replace"),
    "app.suit_crit": ("该准则的栅格（GeoTIFF，原始值）", "Its raster (GeoTIFF of raw values)"),
    "app.suit_excl": ("排除区域（面或栅格；区内为限制区）", "Exclusion areas (polygons or raster; restricted inside)"),
    "app.suit_running": ("正在计算适宜性栅格…", "Computing the suitability surface…"),
    "app.suit_map_caption": ("{title}。图例：{legend}。点击地图选择单位。",
                             "{title}. Legend: {legend}. Click the map to choose a unit."),
    "app.suit_breakdown": ("单位的准则分解", "Criteria for one unit"),
    "app.suit_unit": ("单位", "Unit"),
    "app.suit_unit_note": (
        "场地条件{site:.2f}：未受限栅格的平均值（共{cells}格，其中限制区{restricted}格）；贡献之和即该值。",
        "Site {site:.2f}: the mean over unrestricted cells ({cells} cells, {restricted} restricted); the "
        "contributions add up to it.",
    ),
    "app.suit_col.criterion": ("准则", "Criterion"),
    "app.suit_col.unit": ("单位", "Unit"),
    "app.suit_col.raw": ("原始值（均值）", "Raw value (mean)"),
    "app.suit_col.score": ("得分（均值）", "Score (mean)"),
    "app.suit_col.weight": ("权重", "Weight"),
    "app.suit_col.contribution": ("贡献", "Contribution"),
    "app.suit_col.source": ("所用栅格或数据", "Raster or data used"),
    "app.suit_col.mean": ("场地条件（均值）", "Site (mean)"),
    "app.suit_col.share": ("适宜土地占比", "Suitable share"),
    "app.suit_zonal": ("各单位的场地条件", "Site per unit"),
    "app.suit_dl_tif": ("下载适宜性栅格（COG GeoTIFF）", "Download the surface (COG GeoTIFF)"),
    "app.suit_dl_csv": ("下载各单位统计（CSV）", "Download the table per unit (CSV)"),
    "app.page_scenarios": ("方案", "Scenarios"),
    "app.choose": ("选择…", "Choose…"),
    # layout page
    "app.layers": ("图层", "Layers"),
    "app.panel_layer": ("列出要素的图层", "List the features of"),
    "app.features": ("要素列表", "Features"),
    "app.n_features": ("共 {n} 个要素", "{n} features"),
    "app.map_help": ("点击地图任意处，列出该处的全部要素；左上角搜索框可查地名、拼音、代码或镇街。",
                     "Click anywhere on the map to list every feature there; the search box at the top left finds a "
                     "place by name, pinyin, code or town."),
    "app.precision_note": (
        "点位精度见“定位精度”：实址为园区本身；镇街驻地、县级政府驻地、市政府驻地是找不到实址时的代替点位。",
        "See 'Location precision': site = the park itself; town centre, county seat and city government are "
        "stand-ins where the site was not found.",
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
    "app.weights_default_text": (
        "假设：默认分项权重为 {weights}。政策与对口共建权重最高，因为§4、§14、§19 点名了地点，§4 要求与对口城市共建；"
        "其次是产业链可达性（§5）；关联度较低，因为内置数据只记录有无、没有规模。可直接修改，或用层次分析法推导。",
        "ASSUMPTION: default component weights {weights}. Policy and partner lead because §4/§14/§19 name the places "
        "and §4 asks for co-building with partner cities; chain access next per §5; relatedness low because the "
        "embedded data give presence, not magnitudes. Edit them or derive them by AHP.",
    ),
    "app.ahp_full": ("使用的完整矩阵（下三角为上三角的倒数）", "The full matrix used (lower triangle = reciprocals of the upper)"),
    "app.ahp_inconsistent": (
        "一致性比率 CR = {cr:.3f} 超过 0.1（Saaty 1980）：判断相互矛盾，请重新检查偏差最大的两两比较。",
        "Consistency ratio CR = {cr:.3f} exceeds 0.1 (Saaty 1980): the judgements contradict each other; revisit "
        "the comparisons that deviate most.",
    ),
    "app.weights_used": ("归一化后的权重", "Normalised weights used"),
    "app.ahp_help": (
        "第 i 行第 j 列：分项 i 比分项 j 重要几倍（1–9 标度，可填 1/3）；只需填写上三角，下三角自动取倒数。也可上传 CSV。",
        "Row i, column j: how many times more important component i is than j (Saaty 1–9, e.g. 1/3). Fill the upper "
        "triangle; the lower one is its reciprocal. Or upload a CSV.",
    ),
    "app.ahp_upload": ("上传两两比较矩阵 CSV", "Upload a pairwise matrix CSV"),
    "app.ahp_cr": ("一致性比率 CR = {cr:.3f}（λmax = {lam:.3f}）", "Consistency ratio CR = {cr:.3f} (λmax = {lam:.3f})"),
    # the source named in the fit's (English) assumptions when the matrix was typed in
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
    "app.up.od": ("起讫距离矩阵 CSV（公里；单独上传时按 60 公里/小时折算时间）",
                  "Origin-destination distance matrix CSV (km; alone, hours = km / 60 km/h)"),
    "app.up.od_hours": ("起讫行程时间矩阵 CSV（小时；单独上传时按 60 公里/小时折算距离）",
                        "Origin-destination travel-time matrix CSV (hours; alone, km = hours x 60 km/h)"),
    "app.up.dem": ("高程 DEM GeoTIFF（任意坐标系；替代内置5′高程，坡度准则据此重算，用地条件随之改变）",
                   "Elevation DEM GeoTIFF (any CRS; replaces the embedded 5' grid, so slope and the site component follow it)"),
    "app.up.site": ("用地条件 CSV（adcode,site，0–1；未列单位取中性值 0.5）",
                    "Site CSV (adcode,site in 0–1; units not listed keep the neutral 0.5)"),
    "app.up.chain": ("产业链权重 CSV（supplier,customer,weight,note；每个下游环节的权重之和为 1）",
                     "Chain weights CSV (supplier,customer,weight,note; each customer's shares sum to 1)"),
    "app.up.evidence": ("产业证据 CSV（place,adcode,level,stages,measure,value,unit,year,source,quality）",
                        "Industry evidence CSV (place,adcode,level,stages,measure,value,unit,year,source,quality)"),
    "app.up.exclusion": ("排除区域（如生态保护红线；zip 打包的 Shapefile、GeoPackage、GeoJSON）",
                         "Exclusion areas (e.g. ecological red line; zipped Shapefile, GeoPackage, GeoJSON)"),
    "app.up_failed": (
        "上传的“{what}”（{file}）无法使用，已不计入，其余结果按其他文件和默认数据计算。问题：{err}　"
        "请按上述说明修正该文件后重新上传，或点击文件旁的 × 移除它。",
        "The upload '{what}' ({file}) cannot be used and is left out; the results below use the other files and "
        "the defaults. What is wrong: {err} Fix the file as the message says and upload it again, or remove it "
        "with the × beside it.",
    ),
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
    "app.basis_words": ("以下是模型对本结果所依据的假设与数据来源的记录，与命令行和报告所列一致。",
                        "The assumptions and sources below are the model's record of what this result rests on, as in "
                        "the command line and the report."),
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
    # scenarios page (app_pages/scenarios.py)
    "app.scn.intro": (
        "把各页面上的当前选择保存为命名方案，之后重新打开、改名、复制、删除、导出给同事或导入，并把两个或更多方案并排比较。方案保存在所有会话和命令行共用的方案库中。",
        "Save the choices on the other pages as a named scenario; reopen, rename, duplicate, delete, export it for a "
        "colleague or import one, and compare two or more side by side. Scenarios live in one store that every session "
        "and the command line share.",
    ),
    "app.scn.store": ("方案库：{path}", "Scenario store: {path}"),
    "app.scn.save": ("保存当前选择", "Save the current choices"),
    "app.scn.current": ("当前选择：{stage}，从{origin}转出（{level}）。", "Current choices: {stage} leaving {origin} ({level})."),
    "app.scn.not_kept": (
        "保存的是各控件的取值（环节、转出地、权重、排除单位、衰减、敏感性等）。在“转移承接适配”页上传的文件和产能分配表离开该页即不保留，因此不会保存在这里；需要连同文件保存时请用命令行：python -m analysis scenario save --name 名称 … --capability 文件.csv。",
        "What is saved are the widgets' values (stage, origin, weights, exclusions, decay, sensitivity ...). Files "
        "uploaded on the Transfer fit page and its allocation tables are not kept once you leave that page, so they are "
        "not saved here; to keep files in a scenario, save it from the command line: python -m analysis scenario save "
        "--name NAME ... --capability FILE.csv.",
    ),
    "app.scn.ahp_not_kept": (
        "权重当前按层次分析法（AHP）设定，其判断矩阵只保存在“转移承接适配”页上，无法在此保存；请改用滑块设定权重后保存，或用命令行 --ahp 文件 保存。",
        "The weights are set by AHP, whose matrix lives on the Transfer fit page only and cannot be saved from here; "
        "set the weights with the sliders and save, or save from the command line with --ahp FILE.",
    ),
    "app.scn.name": ("方案名称", "Scenario name"),
    "app.scn.author": ("作者（可选）", "Author (optional)"),
    "app.scn.overwrite": ("覆盖同名方案", "Replace a scenario of the same name"),
    "app.scn.save_button": ("保存方案", "Save scenario"),
    "app.scn.saved": ("已保存方案“{name}”。", "Saved scenario '{name}'."),
    "app.scn.saved_list": ("已保存的方案", "Saved scenarios"),
    "app.scn.none": ("还没有保存的方案。", "No scenarios saved yet."),
    "app.scn.updated": ("更新时间（UTC）", "Updated (UTC)"),
    "app.scn.pick": ("方案", "Scenario"),
    "app.scn.reopen": ("重新打开", "Reopen"),
    "app.scn.reopened": ("已重新打开“{name}”：各页面已恢复其全部选择。", "Reopened '{name}': every choice on the pages is restored."),
    "app.scn.goto_fit": ("前往“转移承接适配”页", "Go to the Transfer fit page"),
    "app.scn.files_back": (
        "此方案包含文件，文件无法自动放回上传控件；请下载后在“转移承接适配”页重新上传：{files}",
        "This scenario holds files, which cannot be put back into the upload boxes; download them and upload them "
        "again on the Transfer fit page: {files}",
    ),
    "app.scn.dl_file": ("下载 {name}", "Download {name}"),
    "app.scn.rasters": (
        "此方案的场地分项来自栅格（--dem、--criterion、--resolution），“转移承接适配”页不读取这些设置，页面上的结果会与方案不同；请用命令行运行：python -m analysis scenario load 名称。",
        "This scenario takes its site component from rasters (--dem, --criterion, --resolution), which the Transfer "
        "fit page does not read, so the numbers there differ from the scenario's; run it from the command line: "
        "python -m analysis scenario load NAME.",
    ),
    "app.scn.data_changed": (
        "保存此方案后内置数据已更新（{names}），结果可能与保存时不同。",
        "The embedded data changed since this scenario was saved ({names}); its results may differ from then.",
    ),
    "app.scn.new_name": ("新名称（用于重命名或复制）", "New name (to rename or duplicate)"),
    "app.scn.rename": ("重命名", "Rename"),
    "app.scn.duplicate": ("复制", "Duplicate"),
    "app.scn.confirm_delete": ("确认删除“{name}”", "Yes, delete '{name}'"),
    "app.scn.delete": ("删除", "Delete"),
    "app.scn.renamed": ("已将“{old}”重命名为“{new}”。", "Renamed '{old}' to '{new}'."),
    "app.scn.duplicated": ("已复制为“{new}”。", "Copied as '{new}'."),
    "app.scn.deleted": ("已删除“{name}”。", "Deleted '{name}'."),
    "app.scn.export": ("导出方案文件（JSON，含其文件）", "Export the scenario file (JSON, with its files)"),
    "app.scn.import": ("导入方案文件（JSON）", "Import a scenario file (JSON)"),
    "app.scn.import_button": ("检查并导入", "Check and import"),
    "app.scn.imported": ("已导入方案“{name}”。", "Imported scenario '{name}'."),
    "app.scn.links": ("链接", "Links"),
    "app.scn.link_scenario": ("打开此方案的链接：", "Link that reopens this scenario:"),
    "app.scn.link_view": ("打开当前视图（全部当前选择）的链接：", "Link that reopens the current view (every current choice):"),
    "app.scn.link_opened": ("已按链接打开方案“{name}”。", "Opened scenario '{name}' from the link."),
    "app.scn.bad_link": ("链接无法打开：{err}", "The link cannot be opened: {err}"),
    "app.scn.compare": ("比较方案", "Compare scenarios"),
    "app.scn.compare_pick": ("选择两个或更多方案（第一个为基准）", "Choose two or more scenarios (the first is the baseline)"),
    "app.scn.compare_need": ("至少选择两个方案进行比较。", "Choose at least two scenarios to compare."),
    "app.scn.against": ("与基准“{base}”比较的方案", "Scenario set against the baseline '{base}'"),
    "app.scn.differs": ("“{other}”与“{base}”不同的设置", "Settings of '{other}' that differ from '{base}'"),
    "app.scn.setting": ("设置", "Setting"),
    "app.scn.same": ("两个方案的设置相同。", "The two scenarios have the same settings."),
    "app.scn.moves": ("排名变化最大的承接地（排名变化为上升的位次）", "Destinations whose rank moved most (rank change = places gained)"),
    "app.scn.no_moves": ("没有承接地的排名发生变化。", "No destination changed rank."),
    "app.scn.dl_report": ("下载比较报告 HTML", "Download the comparison report (HTML)"),
    "app.cmp.map": ("得分差（比较方案 − 基准）", "Score difference (other scenario − baseline)"),
    "app.cmp.one_side": ("仅一个方案中参与排名", "Ranked in one scenario only"),
    "app.cmp.rank_before": ("基准排名", "Baseline rank"),
    "app.cmp.rank_after": ("比较方案排名", "Rank in the other"),
    "app.cmp.rank_change": ("排名变化", "Rank change"),
    "app.cmp.score_diff": ("得分差", "Score difference"),
    "app.cmp.status.new": ("新进入排名", "newly ranked"),
    "app.cmp.status.dropped": ("退出排名", "no longer ranked"),
    "app.tier.evidence": ("有证据", "evidence"),
    "app.tier.no_evidence": ("无证据（仅距离）", "no evidence (distance only)"),
    "col.tier": ("证据层级", "Evidence tier"),
    "col.origin_hours": ("距转出地（公路小时）", "To origin (h by road)"),
}
