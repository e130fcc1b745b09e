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


# How clerks write the groups in their rosters (GLOSSARY §3 and local wordings), seeded
# into Group.synonyms; the province edits them in the admin afterwards.
SYNONYMS = {
    "special_elderly": ["特殊困难老人", "特殊困难老年"],
    "elderly_alone": ["独居老人", "独居", "独居老年"],
    "elderly_empty_nest": ["空巢老人", "空巢", "空巢老年"],
    "elderly_left_behind": ["留守老人", "留守老年人", "农村留守老人", "留守老年"],
    "elderly_disabled": ["失能老人", "失能", "失能人员"],
    "elderly_severe_disability": ["重残老人", "重度残疾老人"],
    "elderly_family_planning": ["计生特殊家庭", "计划生育特殊家庭", "计生特殊家庭老人", "失独老人",
                                "失独家庭"],
    "elderly_advanced_age": ["高龄", "高龄老人", "高龄老年"],
    "elderly_assistance": ["低保特困老人", "低保、特困、低保边缘老年人"],
    "orphan": ["孤儿", "散居孤儿", "社会散居孤儿", "集中供养孤儿"],
    "de_facto_unsupported": ["事实无人抚养", "事实孤儿", "事实无人抚养儿童"],
    "left_behind_child": ["留守儿童"],
    "difficulty_poverty": ["贫困儿童", "家庭贫困儿童", "困境儿童(贫困)"],
    "difficulty_disability": ["残疾儿童", "困境儿童(残疾)"],
    "difficulty_guardianship": ["监护缺失儿童", "困境儿童(监护缺失)"],
    "dibao": ["低保", "低保户", "低保对象", "城乡低保", "农村低保", "城市低保"],
    "tekun": ["特困", "五保", "五保户", "特困供养", "特困供养人员", "特困人员救助供养"],
    "dibao_edge": ["低保边缘", "低保边缘户", "低保边缘家庭"],
    "poverty_monitoring": ["返贫致贫", "监测对象", "防返贫监测对象", "返贫致贫人口"],
    "disabled": ["残疾", "残疾人员"],
    "women_left_behind": ["留守妇女"],
    "unemployed": ["失业"],
    "poor_family": ["困难家庭"],
    "prisoners_child": ["服刑人员子女"],
    "mental_disorder": ["精神障碍患者", "严重精神障碍"],
    "community_correction": ["社区矫正对象", "社区矫正"],
}


def load_groups(group_model) -> None:
    """Create or update GROUPS (used by the data migrations and to restore reference data).
    Local wordings are written only where a group has none yet: the province's edits stay."""
    has_synonyms = any(f.name == "synonyms" for f in group_model._meta.get_fields())
    by_code = {}
    for order, (code, name, parent, domain, needs) in enumerate(GROUPS, start=1):
        group, _ = group_model.objects.update_or_create(code=code, defaults={
            "name": name, "domain": domain, "needs_criterion": needs, "order": order,
            "parent": by_code.get(parent)})
        if has_synonyms and not group.synonyms and SYNONYMS.get(code):
            group.synonyms = "\n".join(SYNONYMS[code])
            group.save(update_fields=["synonyms"])
        by_code[code] = group
