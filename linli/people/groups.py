"""The priority groups and their sub-kinds (GLOSSARY §3), with the data domain of each.
Loaded by a data migration; editable afterwards in the admin (policy data)."""

# code, name, parent code, domain, needs a criterion
GROUPS = [
    ("special_elderly", "特殊困难老年人", "", "elderly", False),
    ("elderly_alone", "独居老年人", "special_elderly", "elderly", False),
    ("elderly_empty_nest", "空巢老年人", "special_elderly", "elderly", False),
    ("elderly_left_behind", "农村留守老年人", "special_elderly", "elderly", False),
    ("elderly_disabled", "失能老年人", "special_elderly", "elderly", False),
    ("elderly_severe_disability", "重残老年人", "special_elderly", "elderly", False),
    ("elderly_family_planning", "计划生育特殊家庭老年人", "special_elderly", "elderly", False),
    ("elderly_advanced_age", "高龄老年人", "special_elderly", "elderly", False),
    ("elderly_assistance", "低保、特困、低保边缘家庭老年人", "special_elderly", "elderly", False),
    ("children_difficulty", "困境儿童", "", "children", False),
    ("orphan", "孤儿", "children_difficulty", "children", False),
    ("de_facto_unsupported", "事实无人抚养儿童", "children_difficulty", "children", True),
    ("left_behind_child", "农村留守儿童", "children_difficulty", "children", False),
    ("difficulty_poverty", "困境儿童(家庭贫困)", "children_difficulty", "children", False),
    ("difficulty_disability", "困境儿童(自身残疾)", "children_difficulty", "children", False),
    ("difficulty_guardianship", "困境儿童(监护缺失或不当)", "children_difficulty", "children",
     False),
    ("assistance", "社会救助对象", "", "assistance", False),
    ("dibao", "最低生活保障对象", "assistance", "assistance", False),
    ("tekun", "特困人员", "assistance", "assistance", False),
    ("dibao_edge", "低保边缘家庭成员", "assistance", "assistance", False),
    ("poverty_monitoring", "返贫致贫监测对象", "assistance", "assistance", False),
    ("disabled", "残疾人", "", "disabled", False),
    ("women_left_behind", "留守妇女", "", "general", False),
    ("unemployed", "失业人员", "", "general", False),
    ("migrant_worker", "农民工", "", "general", False),
    ("poor_family", "困难家庭成员", "", "general", False),
    ("prisoners_child", "服刑人员未成年子女", "", "prisoners_children", False),
    ("mental_disorder", "严重精神障碍患者", "", "mental_health", False),
    ("troubled_youth", "有不良行为青少年", "", "troubled_youth", False),
    ("community_correction", "社区矫正人员", "", "correction", False),
]

# 事实无人抚养儿童: the situation of the parents (民发〔2019〕62号, 〔2020〕125号).
DE_FACTO_CRITERIA = ["重残", "重病", "服刑在押", "强制隔离戒毒", "其他限制人身自由", "失联",
                     "被撤销监护资格", "被遣送(驱逐)出境", "一方死亡或失踪、另一方符合上述情形"]


def load_groups(group_model) -> None:
    """Create or update GROUPS (used by the data migration and to restore reference data)."""
    by_code = {}
    for order, (code, name, parent, domain, needs) in enumerate(GROUPS, start=1):
        group, _ = group_model.objects.update_or_create(code=code, defaults={
            "name": name, "domain": domain, "needs_criterion": needs, "order": order,
            "parent": by_code.get(parent)})
        by_code[code] = group
