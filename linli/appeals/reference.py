"""Reference data, loaded by a data migration and editable afterwards in the admin: the
categories (the 8 assistance types of 社会救助暂行办法, 国务院令第649号, GLOSSARY §5, and the
other needs the issue names) and the default due times (C: local practice, editable)."""

# code, name, data domain, one of the 8 assistance types
CATEGORIES = [
    ("dibao", "最低生活保障", "assistance", True),
    ("tekun", "特困人员救助供养", "assistance", True),
    ("disaster", "受灾人员救助", "assistance", True),
    ("medical", "医疗救助", "assistance", True),
    ("education", "教育救助", "assistance", True),
    ("housing", "住房救助", "assistance", True),
    ("employment", "就业救助", "assistance", True),
    ("temporary", "临时救助", "assistance", True),
    ("elderly_care", "养老", "elderly", False),
    ("child_care", "儿童", "children", False),
    ("disability", "残疾", "disabled", False),
    ("psychological", "心理", "general", False),
    ("legal", "法律", "general", False),
    ("mediation", "矛盾调解", "general", False),
    ("public_service", "公共服务", "general", False),
    ("other", "其他", "general", False),
]

# step, urgency ("" any), hours
DUE_HOURS = [
    ("accept", "", 24), ("accept", "urgent", 2),
    ("take", "", 48), ("take", "urgent", 4),
    ("handle", "", 15 * 24), ("handle", "urgent", 3 * 24),
    ("follow_up", "", 7 * 24), ("follow_up", "urgent", 2 * 24),
]


def load_reference(category_model, rule_model) -> None:
    """Add what is missing; never overwrite what the province has edited."""
    for order, (code, name, domain, assistance) in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(code=code, defaults={
            "name": name, "domain": domain, "is_assistance": assistance, "order": order})
    for step, urgency, hours in DUE_HOURS:
        rule_model.objects.get_or_create(category=None, urgency=urgency, step=step,
                                         defaults={"hours": hours})
