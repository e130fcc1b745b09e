"""The notice's own content as reference data: its ten measures with their 责任单位
(GLOSSARY §1), the targets it and the documents behind it set, and the figures that
must be entered by hand until a later part of the platform computes them.

Loaded by a data migration and by ``load_reference`` (idempotent: rows already present,
perhaps edited by the province, are left as they are).
"""

from datetime import date

NOTICE = "《青海省推进社会组织开展“邻里守望”关爱行动十条措施》(青海省民政厅办公室,2022年5月17日)"
NOTICE_DEADLINE = date(2022, 10, 31)  # the summary reports are due at 社会组织管理局

ORG, PLAN, ELDER, CHILD, ASSIST, GOV, AFFAIRS, CHARITY = (
    "social_organizations", "planning_finance", "elderly_services", "child_welfare",
    "social_assistance", "grassroots_governance", "social_affairs", "charity_social_work")

MEASURES = [
    (1, "完善关爱行动政策机制",
     "社区社会组织按规模大小、业务范围、服务对象到街道办事处(乡镇人民政府)或村(居)民委员会备案;"
     "街道(乡镇)与城乡社区党组织为其提供支持;围绕关爱特殊群体、回应群众关切、推进平安社区、"
     "实施乡村振兴四个重点领域提升能力;完善民政领域政府购买社会组织服务目录。",
     [ORG, PLAN, ELDER, CHILD, GOV, AFFAIRS]),
    (2, "构建综合救助格局",
     "构建「1+8+N」综合救助格局,推动救助+养老+慈善+儿童福利协同;社会组织协助开展家庭经济状况调查,"
     "帮助特困人员、返贫致贫人口获得救助。", [ASSIST, ELDER, CHILD]),
    (3, "共创和谐社区",
     "推进「五社联动」;通过小区自管会、乡贤参事会开展议事协商;开展居民需求调查,畅通诉求渠道;"
     "落实「四议两公开」;在西宁市、海东市、海南州、黄南州、果洛州"
     "建设 8 个村级议事协商创新实验示范点。",
     [GOV]),
    (4, "改进乡风民俗",
     "发挥红白理事会作用,推进婚俗改革、殡葬改革,抵制大操大办、高价彩礼。", [AFFAIRS]),
    (5, "优化养老服务",
     "制定养老服务机构监管事项清单;健全县乡村三级农村养老服务网络;定期探访农村留守老年人,"
     "提供上门巡访探视、家政保洁、精神慰藉、救助救援;在西宁市、海东市、海北州、海西州开展居家社区"
     "养老服务改革试点;建设「十五分钟」社区养老服务圈;发展集中助餐、老年幸福食堂。", [ELDER]),
    (6, "提升困境儿童关爱服务水平",
     "对困境儿童精准分类保障;在乡镇(街道)建设未成年人保护工作站、在村(社区)建设儿童之家;"
     "培训基层儿童工作者;培育服务儿童的社会组织。", [CHILD]),
    (7, "开展专业服务",
     "实施社会工作服务机构「牵手计划」,15 家社会工作服务机构与 15 个国家乡村振兴重点帮扶县"
     "一对一结对;"
     "引导慈善资金支持社区社会组织;为农村留守老年人、留守妇女、农民工等提供清单式服务。",
     [CHARITY, ORG]),
    (8, "加强人才培育",
     "培训民政助理、儿童主任、社区社会组织负责人、社区社会工作者、社区志愿者;"
     "支持报考全国社会工作者职业资格考试(教材、考前培训、考试费用);乡镇(街道)社工站覆盖率达 70%。",
     [CHARITY, GOV, ORG]),
    (9, "强化综合保障",
     "建设社会组织孵化基地;枢纽型社会组织提供政策咨询、志愿服务、交流培训、公益创投、组织运作服务;"
     "落实非营利组织免税资格、公益性捐赠税前扣除资格。", [PLAN, ORG]),
    (10, "注重典型引领",
     "总结推广典型案例(模式总结、案例分析、理论研究),开展交流展示活动,表扬表彰先进。", [ORG]),
]

PROVINCE = "63"
# (indicator, direction, value, deadline, source, note)
TARGETS = [
    ("station_coverage", "at_least", 70, None, NOTICE, "措施八:乡镇(街道)社工站覆盖率达 70%"),
    ("orgs_per_urban", "at_least", 10, date(2020, 12, 31),
     "民发〔2017〕191号《关于大力培育发展社区社会组织的意见》",
     "城市社区平均拥有不少于 10 个社区社会组织"),
    ("orgs_per_rural", "at_least", 5, date(2020, 12, 31),
     "民发〔2017〕191号《关于大力培育发展社区社会组织的意见》",
     "农村社区平均拥有不少于 5 个社区社会组织"),
    ("visit_rate", "at_least", 100, date(2025, 12, 31),
     "《关于开展特殊困难老年人巡访关爱服务的实施意见》(2022);全国目标:2025年底月探访率达 100%",
     "应访对象每月至少探访一次"),
    ("pairings", "at_least", 15, None, NOTICE, "措施七:15 家社会工作服务机构结对 15 个重点帮扶县"),
    ("deliberation_sites", "at_least", 8, None, NOTICE,
     "措施三:西宁市、海东市、海南州、黄南州、果洛州 8 个村级议事协商创新实验示范点"),
    ("care_pilots", "at_least", 4, None, NOTICE,
     "措施五:西宁市、海东市、海北州、海西州居家社区养老服务改革试点"),
]

# Figures no part of the platform computes yet (code, measure, label, unit, aggregation,
# entry level, bureau, note). A later app that computes one replaces its row.
COUNTY, PROVINCE_LEVEL = 3, 1
MANUAL = [
    ("pairings", 7, "「牵手计划」结对数", "对", "latest", PROVINCE_LEVEL, CHARITY,
     "社会工作服务机构与国家乡村振兴重点帮扶县一对一结对的数量(期末数)。"),
    ("deliberation_sites", 3, "村级议事协商创新实验示范点", "个", "latest", PROVINCE_LEVEL, GOV,
     "已确定的示范点数量(期末数)。"),
    ("care_pilots", 5, "居家社区养老服务改革试点市(州)", "个", "latest", PROVINCE_LEVEL, ELDER,
     "开展试点的市(州)数量(期末数)。"),
    ("training_sessions", 8, "人才培训场次", "场", "sum", COUNTY, CHARITY,
     "民政助理、儿童主任、社区社会组织负责人、社区社会工作者、社区志愿者培训场次(期内累计)。"),
    ("trained_people", 8, "人才培训人次", "人次", "sum", COUNTY, CHARITY,
     "参加上述培训的人次(期内累计)。"),
    ("exam_support", 8, "资助报考社会工作者职业资格考试人数", "人", "sum", COUNTY, CHARITY,
     "获教材、考前培训或考试费用支持的人数(期内累计)。"),
    ("exemplary_cases", 10, "总结推广典型案例", "个", "sum", COUNTY, ORG,
     "模式总结、案例分析、理论研究形成的典型案例(期内累计)。"),
]


def load_reference(measure_model, target_model, manual_model) -> None:
    """Add what is missing; never overwrite what the province has edited."""
    for number, title, summary, bureaus in MEASURES:
        measure_model.objects.get_or_create(number=number, defaults={
            "title": title, "summary": summary, "bureaus": bureaus, "order": number})
    for code, direction, value, deadline, source, note in TARGETS:
        target_model.objects.get_or_create(
            indicator=code, region_code=PROVINCE, deadline=deadline,
            defaults={"direction": direction, "value": value, "source": source, "note": note})
    for code, number, label, unit, aggregation, level, bureau, note in MANUAL:
        manual_model.objects.get_or_create(code=code, defaults={
            "measure": measure_model.objects.get(number=number), "label": label, "unit": unit,
            "aggregation": aggregation, "entry_level": level, "bureau": bureau, "note": note})
