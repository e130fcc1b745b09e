"""Demo and province-scale organisations, filings, 社工站, volunteers (bulk inserts)."""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import Membership, User
from linli.accounts.roles import Role
from linli.accounts.seeds import DEMO_PASSWORD
from linli.core.errors import Invalid
from linli.core.names import person_name
from linli.core.pinyin import pinyin_keys
from linli.orgs import services
from linli.orgs.models import (
    CREDIT_CODE_KIND_DIGIT,
    Category,
    Certification,
    Filing,
    FilingEvent,
    FilingKind,
    FilingStatus,
    Incubation,
    IncubationBase,
    Kind,
    Organisation,
    SocialWorkStation,
    Status,
    TargetGroup,
    TaxQualification,
    TaxQualificationKind,
    Volunteer,
    VolunteerMembership,
    VolunteerRole,
)
from linli.orgs.validators import ALPHABET, credit_code_check_char
from linli.regions.lookup import short_name
from linli.regions.models import Level, Region

# theme, category, target groups, focus fields
THEMES = [
    ("夕阳红志愿服务队", Category.PUBLIC_WELFARE, ["elderly"], ["focus_special_groups"]),
    ("邻里互助会", Category.LIFE_SERVICE, ["elderly", "disabled", "poor_families"],
     ["focus_special_groups", "focus_public_concerns"]),
    ("老年协会", Category.COMMUNITY_AFFAIRS, ["elderly"], ["focus_special_groups"]),
    ("文艺队", Category.CULTURE_SPORTS, [], []),
    ("巾帼志愿服务队", Category.PUBLIC_WELFARE, ["women", "children"], ["focus_special_groups"]),
    ("儿童之家志愿服务队", Category.PUBLIC_WELFARE, ["children", "minors"],
     ["focus_special_groups"]),
    ("平安巡逻队", Category.COMMUNITY_AFFAIRS, [], ["focus_safe_community"]),
    ("养老互助社", Category.LIFE_SERVICE, ["elderly"], ["focus_special_groups"]),
    ("助残志愿服务队", Category.PUBLIC_WELFARE, ["disabled"], ["focus_special_groups"]),
    ("民族团结促进会", Category.COMMUNITY_AFFAIRS, [], ["focus_public_concerns"]),
    ("农牧技术服务协会", Category.LIFE_SERVICE, ["unemployed", "migrant_workers"],
     ["focus_rural_revitalisation"]),
    ("乡贤参事会", Category.COMMUNITY_AFFAIRS, [], ["focus_public_concerns",
                                                     "focus_rural_revitalisation"]),
    ("健身舞蹈队", Category.CULTURE_SPORTS, ["elderly", "women"], []),
    ("法律服务志愿队", Category.PUBLIC_WELFARE, ["correction", "troubled_youth"],
     ["focus_safe_community"]),
    ("小区自管会", Category.COMMUNITY_AFFAIRS, [], ["focus_public_concerns"]),
]
SKILLS = ["家政服务", "医疗护理", "心理疏导", "法律咨询", "文艺表演", "藏汉双语", "电脑维修",
          "理发", "农牧技术", "应急救护", "儿童辅导", "手语"]
REGISTERED = [("青海省{n}社会工作服务中心", Kind.SOCIAL_SERVICE, True, False),
              ("{n}社会组织服务中心", Kind.SOCIAL_SERVICE, False, True),
              ("{n}慈善协会", Kind.SOCIAL_GROUP, False, False),
              ("{n}志愿者协会", Kind.SOCIAL_GROUP, False, True),
              ("青海{n}公益基金会", Kind.FOUNDATION, False, False)]
SIZES = {"demo": {"counties": ["630102", "630202"], "orgs": 240, "volunteers": 600},
         "province": {"counties": None, "orgs": 10_000, "volunteers": 50_000}}


def credit_code(rng: random.Random, kind: str, county_code: str) -> str:
    body = "5" + CREDIT_CODE_KIND_DIGIT[kind] + county_code + "MJ" + "".join(
        rng.choice(ALPHABET) for _ in range(7))
    return body + credit_code_check_char(body)


def _follows(check, *args, **kwargs) -> bool:
    """Whether the services' own rule accepts what the seed is about to insert."""
    try:
        check(*args, **kwargs)
    except Invalid:
        return False
    return True


def _serves(org: Organisation, region: Region) -> bool:
    return _follows(services.check_serves, org, region, field="operator_id", label="")


def _placed(orgs: list[Organisation], regions: dict[str, Region]) -> list[Organisation]:
    """Refuse to seed an organisation the services would not place there."""
    for org in orgs:
        services.check_placement(org.kind, regions[org.region_code],
                                 regions[org.authority_region_code])
    return orgs


def _reviewers(townships: list[Region]) -> dict[str, User]:
    """The township assistant of each township (created if the seed has none yet)."""
    names = {f"t{t.code}": t for t in townships}
    existing = {u.username: u for u in User.objects.filter(username__in=names)}
    password = make_password(DEMO_PASSWORD)
    new = [User(username=n, full_name=f"{t.name}民政助理", password=password)
           for n, t in names.items() if n not in existing]
    created = User.objects.bulk_create(new, batch_size=2000)
    Membership.objects.bulk_create([
        Membership(user=u, role=Role.TOWNSHIP_ASSISTANT, region=names[u.username],
                   region_code=names[u.username].code) for u in created], batch_size=2000)
    existing.update({u.username: u for u in created})
    return {names[n].code: u for n, u in existing.items()}


def _community_orgs(rng, villages, count, groups):
    """Filed community organisations spread over villages, with their approved filing."""
    today = timezone.localdate()
    orgs, links, seqs, used = [], [], {}, set()
    i = -1
    while len(orgs) < count and i < count * 20:
        i += 1
        village = villages[i % len(villages)] if i < len(villages) else rng.choice(villages)
        theme, category, targets, focus = rng.choice(THEMES)
        name = short_name(village.name) + theme
        if (name, village.code[:9]) in used:
            continue  # one of each theme per village and filing body
        used.add((name, village.code[:9]))
        authority = village.code[:9]
        seqs[authority] = seqs.get(authority, 0) + 1
        founded = today - timedelta(days=rng.randint(200, 3650))
        filed = min(today - timedelta(days=rng.randint(1, 700)), today)
        full, initials = pinyin_keys(name)
        org = Organisation(
            name=name, name_pinyin=full, name_initials=initials, kind=Kind.COMMUNITY,
            category=category, region_id=village.pk, region_code=village.code,
            authority_region_id=village.parent_id, authority_region_code=authority,
            leader_name=person_name(rng)[0],
            leader_phone=f"1{rng.randint(3000000000, 9999999999)}",
            address=f"{village.name}活动室", members_count=rng.randint(5, 80),
            business_scope=f"开展{theme.replace('队', '').replace('会', '')}相关活动",
            founded_on=founded, led_by_local_talent=rng.random() < 0.3,
            has_party_branch=rng.random() < 0.25, status=Status.ACTIVE,
            filing_number=f"{authority}-{filed.year}-{seqs[authority]:04d}", filed_on=filed,
            **{f: True for f in focus})
        orgs.append(org)
        links.append(targets)
    return orgs, links


@transaction.atomic
def _bulk_orgs(rng, villages, count) -> list[Organisation]:
    groups = {g.code: g for g in TargetGroup.objects.all()}
    orgs, links = _community_orgs(rng, villages, count, groups)
    places = {v.code: v for v in villages} | {r.code: r for r in Region.objects.filter(
        code__in={o.authority_region_code for o in orgs})}
    _placed(orgs, places)
    Organisation.objects.bulk_create(orgs, batch_size=2000)
    through = Organisation.target_groups.through
    through.objects.bulk_create([
        through(organisation_id=o.pk, targetgroup_id=groups[c].pk)
        for o, codes in zip(orgs, links, strict=True) for c in codes], batch_size=5000)
    townships = Region.objects.filter(code__in={o.authority_region_code for o in orgs})
    reviewers = _reviewers(list(townships))
    filings = [Filing(organisation=o, kind=FilingKind.ESTABLISH,
                      filing_region_id=o.authority_region_id,
                      filing_region_code=o.authority_region_code, status=FilingStatus.APPROVED,
                      submitted_by=reviewers[o.authority_region_code],
                      submitted_at=timezone.make_aware(timezone.datetime.combine(
                          o.filed_on - timedelta(days=7), timezone.datetime.min.time())),
                      due_on=o.filed_on + timedelta(days=8),
                      decided_by=reviewers[o.authority_region_code],
                      decided_at=timezone.make_aware(timezone.datetime.combine(
                          o.filed_on, timezone.datetime.min.time())),
                      filing_number=o.filing_number) for o in orgs]
    Filing.objects.bulk_create(filings, batch_size=2000)
    FilingEvent.objects.bulk_create(
        [e for f in filings for e in (
            FilingEvent(filing=f, actor=f.submitted_by, at=f.submitted_at, action="submit",
                        to_status=FilingStatus.SUBMITTED),
            FilingEvent(filing=f, actor=f.decided_by, at=f.decided_at, action="approve",
                        from_status=FilingStatus.SUBMITTED, to_status=FilingStatus.APPROVED))],
        batch_size=5000)
    return orgs


def _registered(rng, counties) -> list[Organisation]:
    orgs = []
    for county in counties:
        for template, kind, social_work, hub in REGISTERED:
            name = template.format(n=county.name)
            full, initials = pinyin_keys(name)
            orgs.append(Organisation(
                name=name, name_pinyin=full, name_initials=initials, kind=kind,
                is_social_work_agency=social_work, is_hub=hub, is_charity=kind ==
                Kind.FOUNDATION, category=Category.PUBLIC_WELFARE,
                credit_code=credit_code(rng, kind, county.code), region_id=county.pk,
                region_code=county.code, authority_region_id=county.pk,
                authority_region_code=county.code, leader_name=person_name(rng)[0],
                members_count=rng.randint(10, 300),
                business_scope="社会工作服务、志愿服务、公益慈善",
                founded_on=date(rng.randint(2008, 2022), rng.randint(1, 12), 1),
                status=Status.ACTIVE))
    _placed(orgs, {c.code: c for c in counties})
    Organisation.objects.bulk_create(orgs, batch_size=2000)
    return orgs


def _support(rng, counties, registered, community):
    today = timezone.localdate()
    townships = list(Region.objects.filter(level=Level.TOWNSHIP, parent__in=counties))
    agencies = [o for o in registered if o.is_social_work_agency]
    stations = []
    for township in townships:
        if rng.random() < 0.72:
            # an operator the station service would accept: an agency of the same county
            # (or registered above it), never one from another county
            allowed = [a for a in agencies if _serves(a, township)]
            stations.append(SocialWorkStation(
                region=township, region_code=township.code, established=True,
                operator=rng.choice(allowed) if allowed else None,
                staff_count=rng.randint(1, 5),
                opened_on=today - timedelta(days=rng.randint(30, 1200))))
    SocialWorkStation.objects.bulk_create(stations, batch_size=2000)
    hubs = [o for o in registered if o.is_hub and _serves(o, o.region)]
    bases = IncubationBase.objects.bulk_create([
        IncubationBase(name=f"{h.region.name if h.region_id else ''}社会组织孵化基地".lstrip(),
                       region_id=h.region_id, region_code=h.region_code, operator=h,
                       opened_on=date(2021, 6, 1)) for h in hubs[: max(1, len(hubs) // 2)]])
    incubations = []
    for base in bases:
        nearby = [o for o in community if o.region_code.startswith(base.region_code)
                  and _serves(o, base.region)][:8]
        for org in nearby:
            incubations.append(Incubation(base=base, organisation=org,
                                          region_code=org.region_code,
                                          started_on=today - timedelta(days=rng.randint(60, 700)),
                                          services=rng.sample(["policy", "volunteering",
                                                               "training", "venture",
                                                               "operations"], 3)))
    Incubation.objects.bulk_create(incubations, batch_size=2000)
    taxes = [TaxQualification(organisation=o, region_code=o.region_code,
                              kind=rng.choice(TaxQualificationKind.values),
                              document_number=f"青财税〔{today.year - 2}〕{rng.randint(1, 99)}号",
                              valid_from=today - timedelta(days=3 * 365 - rng.randint(0, 200)),
                              valid_until=today + timedelta(days=rng.randint(-30, 400)))
             for o in registered if o.kind != Kind.COMMUNITY]
    TaxQualification.objects.bulk_create(taxes, batch_size=2000)


def _volunteers(rng, villages, orgs, count):
    people, links = [], []
    by_village: dict[str, list[Organisation]] = {}
    for org in orgs:
        by_village.setdefault(org.region_code, []).append(org)
    for _ in range(count):
        village = rng.choice(villages)
        name, _people = person_name(rng)
        full, initials = pinyin_keys(name)
        certified = rng.random() < 0.06
        people.append(Volunteer(
            name=name, name_pinyin=full, name_initials=initials, sex=rng.choice("MF"),
            phone=f"1{rng.randint(3000000000, 9999999999)}", region_id=village.pk,
            region_code=village.code, skills="、".join(rng.sample(SKILLS, rng.randint(1, 2))),
            is_social_worker=certified, certification=rng.choice(
                [Certification.ASSISTANT, Certification.INTERMEDIATE]) if certified else ""))
        links.append(by_village.get(village.code, []))
    Volunteer.objects.bulk_create(people, batch_size=5000)
    VolunteerMembership.objects.bulk_create([
        VolunteerMembership(volunteer=p, organisation=rng.choice(candidates),
                            role=VolunteerRole.SOCIAL_WORKER if p.is_social_worker
                            else VolunteerRole.VOLUNTEER)
        for p, candidates in zip(people, links, strict=True) if candidates], batch_size=5000)


def _workflow_examples(stdout) -> None:
    """A few filings in flight in 东关大街街道, made through the real workflow services."""
    clerk = User.objects.filter(username="dongguan").first()
    village = Region.objects.filter(code="630102001001").first()
    if clerk is None or village is None:
        return
    examples = [("北关社区银龄互助会", "submit"), ("北关社区书画协会", "return"),
                ("北关社区红领巾志愿队", "approve")]
    for name, outcome in examples:
        org = services.organisation_create(
            actor=clerk, name=name, kind=Kind.COMMUNITY, category=Category.LIFE_SERVICE,
            region_code=village.code, authority_region_code="630102001", leader_name="马晓梅",
            members_count=12, business_scope="邻里互助、探访独居老人", target_groups=["elderly"])
        filing = services.filing_submit(actor=clerk, organisation=org, kind=FilingKind.ESTABLISH)
        if outcome == "return":
            services.filing_transition(actor=clerk, filing=filing, action="return",
                                       comment="请补充成员花名册和活动场所证明")
        elif outcome == "approve":
            services.filing_transition(actor=clerk, filing=filing, action="approve",
                                       comment="材料齐全,准予备案")
    org = Organisation.objects.get(name="北关社区红领巾志愿队")
    staff, created = User.objects.get_or_create(
        username="zuzhi",
        defaults={"full_name": "马秀兰", "password": make_password(DEMO_PASSWORD)})
    if created:
        Membership.objects.create(user=staff, role=Role.ORG_STAFF, region=org.region,
                                  organisation=org)
    stdout.write(f"  zuzhi          马秀兰 · 社会组织工作人员 · {org.name}")


def seed_orgs(*, size: str, stdout) -> None:
    if Organisation.objects.filter(kind=Kind.COMMUNITY).count() >= SIZES[size]["orgs"] * 0.9:
        stdout.write("社会组织:已存在,跳过")
        return
    rng = random.Random(f"linli-orgs-{size}")
    plan = SIZES[size]
    counties = Region.objects.filter(level=Level.COUNTY)
    if plan["counties"]:
        counties = counties.filter(code__in=plan["counties"])
    counties = list(counties)
    villages = list(Region.objects.filter(level=Level.VILLAGE,
                                          parent__parent__in=counties).order_by("code"))
    with transaction.atomic():
        community = _bulk_orgs(rng, villages, plan["orgs"])
        registered = _registered(rng, counties)
        _support(rng, counties, registered, community)
        _volunteers(rng, villages, community + registered, plan["volunteers"])
    stdout.write(f"社会组织:社区社会组织 {len(community)},登记组织 {len(registered)},"
                 f"志愿者 {plan['volunteers']}")
    if size == "demo":
        _workflow_examples(stdout)
