"""Default quorum and majority rules, loaded by a data migration and editable afterwards
(GLOSSARY §9): 村民委员会组织法 Arts. 22 and 26 for the 村民会议 and 村民代表会议 (H); the
党员大会's is local practice (M); the other meetings decide by more than half present (C)."""

LAW = "村民委员会组织法"
# kind, present n/d, more than?, households n/d, majority n/d, more than?, basis, notice, source
RULES = [
    ("villagers", (1, 2), True, (2, 3), (1, 2), True, "present", 10, LAW + "第二十二条"),
    ("representatives", (2, 3), False, None, (1, 2), True, "present", None,
     LAW + "第二十六条"),
    ("party_members", (2, 3), False, None, (1, 2), True, "due", None, "地方通行做法(可修改)"),
    ("party_branch", (1, 2), True, None, (1, 2), True, "present", None, "可修改"),
    ("two_committees", (1, 2), True, None, (1, 2), True, "present", None, "可修改"),
    ("residents_committee", (1, 2), True, None, (1, 2), True, "present", None, "可修改"),
    ("worthies", (1, 2), True, None, (1, 2), True, "present", None, "可修改"),
]


def load_rules(rule_model) -> None:
    """Add the rules that are missing; never overwrite what the province has edited."""
    for kind, present, strict, households, majority, more, basis, notice, source in RULES:
        rule_model.objects.get_or_create(kind=kind, defaults={
            "present_numerator": present[0], "present_denominator": present[1],
            "present_strict": strict,
            "households_numerator": households[0] if households else None,
            "households_denominator": households[1] if households else None,
            "majority_numerator": majority[0], "majority_denominator": majority[1],
            "majority_strict": more, "majority_basis": basis, "notice_days": notice,
            "source": source})
