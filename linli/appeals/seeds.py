"""Demo participating forces, example assistance standards and a few appeals at each step,
taken through the services as the demo's village clerk and county bureau would (demo size
only)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from linli.appeals import services
from linli.appeals.models import Appeal, Force, ForceKind, Threshold, ThresholdKind, ThresholdPer
from linli.people.models import Person
from linli.regions.models import Region, VillageKind

FORCES = [
    # name, kind, region, contact, phone
    ("城东区慈善协会", ForceKind.CHARITY, "630102", "李慧", "0971-8123456"),
    ("城东区阳光社会工作服务中心", ForceKind.SOCIAL_WORK, "630102", "王晓", "13709711234"),
    ("青海省青年志愿者协会", ForceKind.VOLUNTEERS, "63", "马骏", "0971-6112233"),
    ("乐都区爱心企业联合会", ForceKind.ENTERPRISE, "630202", "祁国栋", "13897221100"),
]


# Example standards for the demo (not the official figures: a province enters its own).
DEMO_THRESHOLDS = [
    # region, kind, area, amount, per
    ("6301", ThresholdKind.DIBAO, VillageKind.URBAN, "830", ThresholdPer.MONTH),
    ("6301", ThresholdKind.DIBAO, VillageKind.RURAL, "6300", ThresholdPer.YEAR),
    ("6301", ThresholdKind.TEKUN, "", "1080", ThresholdPer.MONTH),
    ("6301", ThresholdKind.EDGE, "", "1245", ThresholdPer.MONTH),
    ("63", ThresholdKind.MONITOR, "", "7800", ThresholdPer.YEAR),
]


def seed_appeals(*, size: str, stdout) -> None:
    if size != "demo" or Force.objects.exists():
        return
    year = timezone.localdate().year
    standards = {r.code: r for r in Region.objects.filter(code__in={t[0] for t in
                                                                    DEMO_THRESHOLDS})}
    for code, kind, area, amount, per in DEMO_THRESHOLDS:
        if code in standards:
            Threshold.objects.create(region=standards[code], kind=kind, area=area,
                                     amount=Decimal(amount), per=per,
                                     valid_from=date(year, 1, 1), source="演示数据(非正式标准)")
    regions = {r.code: r for r in Region.objects.filter(code__in={f[2] for f in FORCES})}
    for name, kind, code, contact, phone in FORCES:
        if code in regions:
            Force.objects.create(name=name, kind=kind, region=regions[code], contact=contact,
                                 phone=phone)
    from linli.accounts.models import User

    clerk = User.objects.filter(username="cunwei").first()
    county = User.objects.filter(username="chengdong").first()
    people = list(Person.objects.filter(region_code__startswith="630102001001")[:3])
    if clerk is None or county is None or len(people) < 3 or Appeal.objects.exists():
        return
    charity = Force.objects.get(name="城东区慈善协会")
    # waiting for acceptance: a resident not on the roster came to the window
    services.appeal_create(actor=clerk, channel="office", category="housing",
                           description="房屋漏雨,屋顶需要维修,家中只有老两口",
                           requester_name="王大爷", requester_phone="13800971001",
                           region_code="630102001001")
    # urgent, accepted and referred to the county's civil-affairs office
    fire = services.appeal_create(actor=clerk, channel="visit", category="temporary",
                                  description="家中失火,衣物被褥烧毁,急需生活救助",
                                  urgency="urgent", person_id=people[0].pk,
                                  consent_basis="emergency", consent_note="火灾后急需救助")
    services.appeal_transition(actor=clerk, appeal=fire, action="accept")
    services.appeal_transition(actor=clerk, appeal=fire, action="refer", assistance="temporary",
                               to_region_code="630102", note="请县局核定临时救助")
    # referred to a charity, taken and being handled
    care = services.appeal_create(actor=clerk, channel="hotline", category="elderly_care",
                                  description="独居老人行动不便,希望有人定期上门助浴",
                                  person_id=people[1].pk, consent_basis="consent",
                                  consent_note="本人电话中同意")
    services.appeal_transition(actor=clerk, appeal=care, action="accept")
    services.appeal_transition(actor=clerk, appeal=care, action="refer",
                               assistance="elderly_care", to_force_id=charity.pk)
    # handled by the village itself, finished and waiting for the follow-up call
    done = services.appeal_create(actor=clerk, channel="office", category="public_service",
                                  description="想办理高龄津贴,不清楚需要哪些材料",
                                  person_id=people[2].pk)
    for action, fields in (("accept", {}), ("start", {}),
                           ("finish", {"result": "已告知所需材料并代为提交申请"})):
        services.appeal_transition(actor=clerk, appeal=done, action=action, **fields)
    stdout.write(f"诉求与转介:参与力量 {Force.objects.count()},诉求 {Appeal.objects.count()}")
