"""Demo accounts (one per persona) and, at province size, staff for every region."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from linli.accounts.models import Membership, User
from linli.accounts.roles import Bureau, Role
from linli.regions.models import Level, Region

DEMO_PASSWORD = "Linli@2026demo"

# username, full name, role, region code, bureau
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", Role.SYSADMIN, "63", ""),
    ("sheng_shzz", "马建国", Role.PROVINCE_BUREAU, "63", Bureau.SOCIAL_ORGANIZATIONS),
    ("sheng_yanglao", "李秀兰", Role.PROVINCE_BUREAU, "63", Bureau.ELDERLY_SERVICES),
    ("sheng_ertong", "才让卓玛", Role.PROVINCE_BUREAU, "63", Bureau.CHILD_WELFARE),
    # Every bureau of the 厅 writes its own summary report (the notice's closing duty).
    ("sheng_jiuzhu", "王淑芬", Role.PROVINCE_BUREAU, "63", Bureau.SOCIAL_ASSISTANCE),
    ("sheng_jiceng", "赵德明", Role.PROVINCE_BUREAU, "63", Bureau.GRASSROOTS_GOVERNANCE),
    ("sheng_shiwu", "罗桑尼玛", Role.PROVINCE_BUREAU, "63", Bureau.SOCIAL_AFFAIRS),
    ("sheng_cishan", "陈丽娟", Role.PROVINCE_BUREAU, "63", Bureau.CHARITY_SOCIAL_WORK),
    ("sheng_caiwu", "刘卫东", Role.PROVINCE_BUREAU, "63", Bureau.PLANNING_FINANCE),
    ("xining", "韩永福", Role.PREFECTURE_BUREAU, "6301", ""),
    ("chengdong", "张海燕", Role.COUNTY_BUREAU, "630102", ""),
    ("ledu", "祁文斌", Role.COUNTY_BUREAU, "630202", ""),
    ("dongguan", "马晓梅", Role.TOWNSHIP_ASSISTANT, "630102001", ""),
    ("cunwei", "冶正清", Role.VILLAGE_STAFF, "630102001001", ""),
    ("duzha", "索南加措", Role.AUDITOR, "63", ""),
]

# At province size every prefecture, county, township and village gets one staff account.
_LEVEL_ROLE = {
    Level.PREFECTURE: ("p", Role.PREFECTURE_BUREAU),
    Level.COUNTY: ("c", Role.COUNTY_BUREAU),
    Level.TOWNSHIP: ("t", Role.TOWNSHIP_ASSISTANT),
    Level.VILLAGE: ("v", Role.VILLAGE_STAFF),
}


def _add(accounts: list[tuple], stdout) -> int:
    existing = set(User.objects.filter(username__in=[a[0] for a in accounts])
                   .values_list("username", flat=True))
    missing = [a for a in accounts if a[0] not in existing]
    if not missing:
        return 0
    password = make_password(DEMO_PASSWORD)  # hashed once: the province size stays fast
    regions = {r.code: r for r in Region.objects.filter(code__in=[a[3] for a in missing])}
    users = User.objects.bulk_create(
        [User(username=name, full_name=full, password=password) for name, full, *_ in missing],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [Membership(user=user, role=role, bureau=bureau, region=regions[code], region_code=code)
         for user, (_n, _f, role, code, bureau) in zip(users, missing, strict=True)],
        batch_size=2000,
    )
    return len(missing)


@transaction.atomic
def seed_accounts(*, size: str, stdout) -> None:
    created = _add(DEMO_ACCOUNTS, stdout)
    if size == "province":
        staff = [
            (f"{prefix}{region.code}", f"{region.name}工作人员", role, region.code, "")
            for region in Region.objects.filter(level__in=list(_LEVEL_ROLE)).only(
                "code", "name", "level")
            for prefix, role in [_LEVEL_ROLE[region.level]]
        ]
        created += _add(staff, stdout)
    stdout.write(f"账户:新增 {created}")


def demo_accounts_text() -> str:
    lines = [f"演示账户(密码均为 {DEMO_PASSWORD}):"]
    for name, full, role, code, bureau in DEMO_ACCOUNTS:
        region = Region.objects.filter(code=code).values_list("path", flat=True).first() or code
        extra = f" · {Bureau(bureau).label}" if bureau else ""
        lines.append(f"  {name:<14} {full} · {Role(role).label}{extra} · {region}")
    # organisation staff accounts made by the orgs demo seed (bound to an organisation)
    for m in Membership.objects.filter(role__in=[Role.ORG_STAFF, Role.VOLUNTEER],
                                       user__username__in=["zuzhi"]).select_related(
            "user", "organisation"):
        lines.append(f"  {m.user.username:<14} {m.user.full_name} · {m.get_role_display()} · "
                     f"{m.organisation.name}")
    return "\n".join(lines)
