"""The priority groups named by measure 一 of the notice (editable afterwards)."""

GROUPS = [
    ("elderly", "老年人"), ("women", "妇女"), ("children", "儿童"), ("minors", "未成年人"),
    ("disabled", "残疾人"), ("unemployed", "失业人员"), ("migrant_workers", "农民工"),
    ("prisoners_children", "服刑人员未成年子女"), ("poor_families", "困难家庭"),
    ("mental_health", "严重精神障碍患者"), ("troubled_youth", "有不良行为青少年"),
    ("correction", "社区矫正人员"),
]


def load_target_groups(model) -> None:
    for order, (code, name) in enumerate(GROUPS, start=1):
        model.objects.update_or_create(code=code, defaults={"name": name, "order": order})
