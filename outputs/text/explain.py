"""Catalogue part: the explanations of a fit ranking, ``key -> (zh, en)``; merged by :mod:`outputs.text`.

Fields in braces are filled by :mod:`outputs.explain`.
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # kinds of designation (layers.places.KINDS)
    "explain.kind.dyeing_park": ("印染园区集中治污", "designated dyeing park with central treatment"),
    "explain.kind.park": ("规划园区", "designated park"),
    "explain.kind.procurement_base": ("采购基地", "designated procurement base"),
    "explain.kind.cluster": ("特色产业集群", "named cluster"),
    "explain.kind.unnamed_cluster": ("产业集群（通知未点名）", "cluster not named in the notice"),
    "explain.kind.city_title": ("区域品牌名城", "city title"),
    "explain.kind.heritage": ("非遗技艺", "intangible-heritage craft"),
    "explain.kind.fair": ("展会", "fair"),
    "explain.kind.other": ("政策指定", "policy designation"),
    # distances
    "explain.near.none": ("省内暂无", "none in the province yet"),
    "explain.near.here": ("本地即有", "present in the unit itself"),
    "explain.near.km": ("最近{km:.0f}公里", "nearest {km:.0f} km"),
    "explain.hours": ("公路约{h:.1f}小时", "about {h:.1f} h by road"),
    "explain.hours.none": ("不可达", "not reachable by road"),
    # components
    "explain.upstream": ("上游{stage}供应可达（可达度{v:.2f}，{near}）", "{stage} suppliers within reach (access {v:.2f}, {near})"),
    "explain.upstream.plain": ("上游供应可达度{v:.2f}", "upstream access {v:.2f}"),
    "explain.downstream": ("下游{stage}客户可达（可达度{v:.2f}，{near}）", "{stage} buyers within reach (access {v:.2f}, {near})"),
    "explain.downstream.plain": ("下游需求可达度{v:.2f}", "downstream access {v:.2f}"),
    "explain.relatedness": ("本地已有相关环节（关联密度{v:.2f}）", "related stages already present (relatedness density {v:.2f})"),
    "explain.origin_tie": ("距迁出地{km}公里、{hours}，便于保持与珠三角高端环节的联系（§4，联系度{v:.2f}）",
                           "{km} km from the origin, {hours}, keeping the links to the PRD's high-end segments (§4, tie {v:.2f})"),
    "explain.partner.park": ("§4 产业转移园区：{name}{firms}{own}（对口{v:.2f}）", "transfer park {name}{firms}{own} (§4, partner {v:.2f})"),
    "explain.partner.firms": ("（已入驻约{n}家企业）", ", about {n} firms settled"),
    "explain.partner.own": ("，与迁出地城市对口共建", ", co-built with the origin's city"),
    "explain.partner.current": ("§4 对口帮扶协作（2023年新一轮）：{name}（对口{v:.2f}）",
                                "partner cities for industrial co-building (2023 round): {name} (§4, partner {v:.2f})"),
    "explain.partner.earlier": ("§4 对口帮扶协作（此前轮次）：{name}（对口{v:.2f}）",
                                "partner cities for industrial co-building (an earlier round): {name} (§4, partner {v:.2f})"),
    "explain.partner.plain": ("对口共建{v:.2f}", "partner {v:.2f}"),
    "explain.policy": ("{clause} {kind}：{name}（政策契合{v:.2f}）", "{kind}: {name} ({clause}, alignment {v:.2f})"),
    "explain.site": ("场地条件{v:.2f}", "site {v:.2f}"),
    # sentences
    "explain.head": ("{place}排名第{rank}（{stage}，得分{score:.2f}）", "{place} ranks {ordinal} for {stage} (score {score:.2f})"),
    "explain.no_evidence": ("，无证据层级：本地无该环节的政策指定、产业证据、对口关系或相关环节，得分仅来自距离",
                            " in the no-evidence tier: no designation, industry evidence, partner link or related stage here, "
                            "so the score reflects distance alone"),
    "explain.joined": ("{head}：{parts}。", "{head}: {parts}."),
    "explain.sep": ("；", "; "),
    "explain.all_zero": ("{head}：各项得分均为0。", "{head}: every component is 0."),
    "explain.ineligible": ("{place}不参与{stage}排名：{why}。", "{place} is not eligible for {stage}: {why}."),
    "explain.place_in_city": ("{city}{name}", "{name} ({city})"),
    # why a unit is not ranked (analysis.fit writes the code, the words are here)
    "explain.excluded.user": ("用户排除（如生态保护红线）", "excluded by the user (exclusion list, e.g. ecological red line)"),
    "explain.excluded.constraint.dyeing": ("§19 印染企业集中入园、集中治污；本地无印染专业园区",
                                           "§19: dyeing firms go into parks with central treatment; this unit has no designated dyeing park"),
}
