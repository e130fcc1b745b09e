"""Default visit policies (Qinghai 2022: 特殊困难老年人 at least monthly) and, for the demo,
schedules and some visits so the work lists have something to show."""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from linli.people.models import Group, Person
from linli.visits.models import Mode, Outcome, Visit, VisitPolicy
from linli.visits.services import schedules_refresh_all

DEFAULT_POLICIES = [
    # name, parent group codes (their sub-kinds included), interval, tightened interval
    ("特殊困难老年人巡访(每月至少一次)", ["special_elderly"], 30, 7),
    ("困境儿童探访(省定频次,可调整)", ["children_difficulty"], 30, 14),
    ("重点对象加密探访(高风险)", ["special_elderly", "children_difficulty", "disabled"], 7, 3),
]


def ensure_policies() -> None:
    for name, parents, interval, tight in DEFAULT_POLICIES:
        policy, created = VisitPolicy.objects.get_or_create(name=name, defaults={
            "interval_days": interval, "tightened_interval_days": tight,
            "risk": "high" if "高风险" in name else ""})
        if created:
            groups = Group.objects.filter(code__in=parents) | Group.objects.filter(
                parent__code__in=parents)
            policy.groups.set(groups)


def seed_visits(*, size: str, stdout) -> None:
    ensure_policies()
    if size == "demo" and not Visit.objects.exists():
        rng = random.Random("linli-visits")
        now = timezone.now()
        from linli.accounts.models import Membership

        # the visitor: a staff account whose region covers the person (the most local one)
        staff = sorted(Membership.objects.filter(is_active=True, role__in=[
            "village_staff", "township_assistant", "county_bureau"]).values_list(
            "region_code", "user_id"), key=lambda m: -len(m[0]))
        visits = []
        for pk, code in Person.objects.values_list("pk", "region_code"):
            visitor = next((user for prefix, user in staff if code.startswith(prefix)), None)
            if visitor and rng.random() < 0.7:
                visits.append(Visit(
                    id=uuid.UUID(int=rng.getrandbits(128)), person_id=pk, region_code=code,
                    visitor_id=visitor, visited_at=now - timedelta(days=rng.randint(0, 50)),
                    mode=rng.choice(Mode.values),
                    outcome=rng.choices(Outcome.values, [85, 13, 2])[0], notes="演示数据"))
        Visit.objects.bulk_create(visits, batch_size=5000)
    count = schedules_refresh_all()
    stdout.write(f"探访:规则 {VisitPolicy.objects.count()} 条,计划 {count:,} 人")
